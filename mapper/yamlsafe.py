"""Safe, bounded YAML reading that keeps source positions.

Scenario text is untrusted. This module is the only place that touches YAML. It reads bytes with a size limit,
insists on UTF-8 text, composes the document with PyYAML's *safe* loader into a node graph (which keeps the line and
column of every value), and refuses documents that would be expensive to walk: deep nesting and alias expansion
("billion laughs") are bounded before anything is constructed. Duplicate keys are reported by the validator, which
walks these nodes. Explicit tags (``!!int``, ``!!timestamp``, ``!foo``, ``!!python/...``) carry no meaning in a
scenario: each is dropped while composing (the value is read as written, as if untagged) with a located warning,
so no tag ever reaches a constructor. Messages quote at most a short, escaped piece of the text (``shown``).

Events come from libyaml's C scanner and parser when PyYAML has them (``_CBoundedLoader``, 7 to 9 times faster)
and from PyYAML's pure-Python ones otherwise (``_BoundedLoader``); either way one composer builds the nodes
(``_Bounds``: PyYAML's, as one loop over the events), so both give the same nodes, marks, warnings and messages
(``tests/test_yamlsafe_c.py``). Texts the two parsers read differently (a tab, a byte-order mark after the start)
always go to the pure-Python parser, which reads at most ``MAX_PURE_BYTES``.
"""

from __future__ import annotations

import gc
import os
import re
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer, ComposerError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from mapper.errors import Problem, ScenarioError
from mapper.yamlgraph import expanded_size

# Documented limits (docs/reliability.md). They are far above any hand-written scenario.
MAX_FILE_BYTES = 8 * 1024 * 1024  # 8 MiB: 10,000 forces take ~1.5 MB
MAX_DEPTH = 50  # nesting of mappings/sequences
# YAML nodes, after alias expansion: 20,000 forces of the benchmark's shape take ~480,000
MAX_NODES = 1_000_000
# The pure-Python parser takes ~4 s per MiB: it reads at most this much (the limit for every file before libyaml)
MAX_PURE_BYTES = 1024 * 1024
MAX_TAG_WARNINGS = 20  # explicit tags reported one by one; the rest are counted


@dataclass(frozen=True)
class Document:
    """A composed YAML document: the root node and the file it came from."""

    root: Node
    file: str
    text: str
    warnings: tuple[Problem, ...] = ()  # explicit tags that were ignored


# C0 and C1 control characters but tab and newline, and the bidirectional embeddings, overrides and isolates
# (which reverse the text around them): never shown raw in a message, refused in a scenario's text
UNSAFE_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def shown(text: str, limit: int = 60) -> str:
    """``text`` quoted for a message: escaped (``repr``: control and bidi characters as ``\\x1b``, ``\\u202e``)
    and cut to about ``limit`` characters."""
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return repr(text)


def _tag_name(tag: str) -> str:
    if tag.startswith("tag:yaml.org,2002:"):
        tag = "!!" + tag[len("tag:yaml.org,2002:") :]
    return shown(tag, 20)


class _Bounds:
    """The composing both loaders share, in place of PyYAML's recursive ``Composer.compose_node``: one loop over
    the events (no Python frame per node: 10,000 forces are some 200,000 nodes) that builds the same nodes,
    refuses the same documents with the same messages, and adds a nesting bound, a node budget and explicit tags
    dropped (recording where they were). Mixed in before PyYAML's ``Composer``, which still reads the stream and
    the document around the root node."""

    peek_event: Any  # from the parser each loader mixes in
    get_event: Any
    anchors: dict[str, Node]

    def _init_bounds(self) -> None:
        self.tags: list[tuple[str, yaml.Mark]] = []
        self._resolved: dict[str, str] = {}
        self.nodes = 0  # nodes composed (aliases included)
        self.aliased = False  # an alias was met: the expanded size must be counted on the graph
        self._flow = 0  # flow collections ([...], {...}) around the node being composed
        # set when the text holds something libyaml reads otherwise than PyYAML (found by fuzzing both): a plain
        # scalar in a flow collection that is empty or holds an indicator ("a?b", "x:"), a tag
        self.lenient = False

    def compose_document(self) -> Node:
        self.get_event()  # DOCUMENT-START
        node = self._compose_tree()
        self.get_event()  # DOCUMENT-END
        self.anchors = {}
        return node

    def _compose_tree(self) -> Node:
        """The document's root node, composed as ``Composer.compose_node`` does, without recursing: ``stack``
        holds the open collections, innermost last, each as [node, its end event's type, the key read and
        waiting for its value (mappings), 1 if it is a flow collection]."""
        peek, get = self.peek_event, self.get_event
        stack: list[list[Any]] = []
        while True:
            event = peek()
            kind = type(event)
            if kind is yaml.ScalarEvent:
                node = self._scalar(event, len(stack) + 1)
            elif kind is yaml.AliasEvent:
                node = self._alias(event, len(stack) + 1)
            else:
                stack.append(self._open(event, len(stack) + 1))
                node = None
            while True:
                if node is not None:  # a complete node: into the innermost open collection
                    if not stack:
                        return node
                    top = stack[-1]
                    if top[1] is yaml.SequenceEndEvent:
                        top[0].value.append(node)
                    elif top[2] is None:
                        top[2] = node
                        break  # the key's value comes next, whatever the event
                    else:
                        top[0].value.append((top[2], node))
                        top[2] = None
                top = stack[-1]
                end = peek()
                if type(end) is not top[1]:
                    break
                get()
                node = top[0]
                node.end_mark = end.end_mark
                self._flow -= top[3]
                stack.pop()

    def _count(self, event: Any, depth: int) -> None:
        """One more node, starting with ``event`` at ``depth``: within the nesting and node bounds, else raised."""
        if depth > MAX_DEPTH:
            raise _TooDeep(event.start_mark)
        self.nodes += 1
        if (
            self.nodes > MAX_NODES
        ):  # each node counts once at least in the expansion: stop it growing
            raise _TooMany(event.start_mark, self.aliased)

    def _scalar(self, event: Any, depth: int) -> Node:
        """The node of the scalar event next in the stream (taken): its style as PyYAML gives it, an explicit
        tag dropped, its tag resolved from its text (cached)."""
        if depth > MAX_DEPTH or self.nodes >= MAX_NODES:
            self._count(event, depth)  # raises
        else:
            self.nodes += 1
        style = event.style
        if style == "":
            event.style = style = None  # libyaml says "" for a plain scalar, PyYAML None
        elif style == '"':
            _check_quoted(event)
        value = event.value
        if self._flow and style is None and _FLOW_RISK.search(value or "?"):
            self.lenient = True
        if event.tag is not None:
            self._untag(event)
        anchor = event.anchor
        if anchor is not None:
            self._unique(anchor, event)
        self.get_event()
        tag = self._resolved.get(value) if event.implicit[0] else None
        if tag is None:
            tag = self.resolve(ScalarNode, value, event.implicit)
        node = ScalarNode(tag, value, event.start_mark, event.end_mark, style=style)
        if anchor is not None:
            self.anchors[anchor] = node
        return node

    def _alias(self, event: Any, depth: int) -> Node:
        """The node an alias event (next in the stream, taken) names."""
        self._count(event, depth)
        self.aliased = True
        self.get_event()
        node = self.anchors.get(event.anchor)
        if node is None:
            raise ComposerError(
                None, None, f"found undefined alias {event.anchor!r}", event.start_mark
            )
        return node

    def _unique(self, anchor: str, event: Any) -> None:
        if anchor in self.anchors:
            raise ComposerError(
                f"found duplicate anchor {anchor!r}; first occurrence",
                self.anchors[anchor].start_mark,
                "second occurrence",
                event.start_mark,
            )

    def _open(self, event: Any, depth: int) -> list[Any]:
        """The frame of the collection whose start event is next in the stream (taken)."""
        self._count(event, depth)
        if event.tag is not None:
            self._untag(event)
        if event.anchor is not None:
            self._unique(event.anchor, event)
        flow = 1 if event.flow_style else 0
        self._flow += flow
        self.get_event()
        node: Node
        end: type[Any]
        start: Any = event.start_mark
        if type(event) is yaml.SequenceStartEvent:
            tag = self.resolve(SequenceNode, None, event.implicit)
            node = SequenceNode(tag, [], start, None, flow_style=event.flow_style)
            end = yaml.SequenceEndEvent
        else:
            tag = self.resolve(MappingNode, None, event.implicit)
            node = MappingNode(tag, [], start, None, flow_style=event.flow_style)
            end = yaml.MappingEndEvent
        if event.anchor is not None:
            self.anchors[event.anchor] = node
        return [node, end, None, flow]

    def _untag(self, event: Any) -> None:
        """An explicit tag: read the value as if it had none."""
        self.lenient = True
        self.tags.append((event.tag, event.start_mark))
        event.tag = None
        if isinstance(event, yaml.ScalarEvent):  # plain: resolved as YAML 1.1 does; quoted: a text
            event.implicit = (event.style is None, event.style is not None)
        else:
            event.implicit = True

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        # a plain scalar's tag depends on its text alone (no path resolvers): keys and kinds repeat thousands of
        # times in a big scenario, and each resolution tries several regular expressions
        # times in a big scenario, and each resolution tries several regular expressions; a decimal such as a
        # latitude (each one new) is a float at the first of them
        if kind is ScalarNode and implicit[0]:
            tag = self._resolved.get(value)
            if tag is None:
                if _DECIMAL.fullmatch(value):
                    tag = _FLOAT_TAG
                else:
                    tag = super().resolve(kind, value, implicit)  # type: ignore[misc]
                self._resolved[value] = tag
            return tag
        return super().resolve(kind, value, implicit)  # type: ignore[misc]


_FLOAT_TAG = "tag:yaml.org,2002:float"
_DECIMAL = re.compile(
    r"[-+]?[0-9]+\.[0-9]+"
)  # within YAML 1.1's float pattern, the first a digit tries


_SURROGATE = re.compile("[\ud800-\udfff]")


def _check_quoted(event: Any) -> None:
    if _SURROGATE.search(event.value):
        # PyYAML's scanner turns "\ud800" into a lone surrogate (libyaml refuses it): text no output can encode
        raise yaml.scanner.ScannerError(
            "while scanning a double-quoted scalar",
            event.start_mark,
            "found an escaped UTF-16 surrogate (\\ud800 to \\udfff), which is not a character",
            event.start_mark,
        )


class _BoundedLoader(_Bounds, yaml.SafeLoader):
    """PyYAML's pure-Python SafeLoader with the bounded composer."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._init_bounds()


_FLOW_RISK = re.compile(r"[?:\[\]{},#!&*|>%@`'\"]")

_CParser: Any
try:  # libyaml's bindings: absent when PyYAML was built without libyaml
    from yaml._yaml import CParser as _CParser
except ImportError:  # pragma: no cover - depends on how PyYAML was installed
    _CParser = None

if _CParser is not None:

    class _CBoundedLoader(_Bounds, Composer, _CParser, Resolver):
        """libyaml's scanner and parser (events only) under PyYAML's Python composer: ``Composer`` comes before
        ``CParser`` so that the composing methods are the Python ones with our hooks (CParser's own composer
        recurses in C, unbounded)."""

        def __init__(self, stream: str) -> None:
            _CParser.__init__(self, stream)
            Composer.__init__(self)
            Resolver.__init__(self)
            self._init_bounds()


class _TooDeep(Exception):
    def __init__(self, mark: yaml.Mark) -> None:
        super().__init__()
        self.mark = mark


class _TooMany(Exception):
    def __init__(self, mark: yaml.Mark, aliased: bool) -> None:
        super().__init__()
        self.mark = mark
        self.aliased = aliased


def _problem(
    file: str, message: str, line: int | None = None, column: int | None = None
) -> Problem:
    return Problem(message, file=file, line=line, column=column)


def _tag_warnings(file: str, tags: list[tuple[str, yaml.Mark]]) -> tuple[Problem, ...]:
    out = [
        Problem(
            f"YAML tag {_tag_name(tag)} ignored: scenario values are read as written (remove the tag)",
            file,
            mark.line + 1,
            mark.column + 1,
            severity="warning",
        )
        for tag, mark in tags[:MAX_TAG_WARNINGS]
    ]
    if len(tags) > MAX_TAG_WARNINGS:
        mark = tags[MAX_TAG_WARNINGS][1]
        more = len(tags) - MAX_TAG_WARNINGS
        out.append(
            Problem(
                f"{more:,} more YAML tags ignored",
                file,
                mark.line + 1,
                mark.column + 1,
                severity="warning",
            )
        )
    return tuple(out)


_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'")


def _yaml_message(text: str) -> str:
    """A PyYAML message with every quoted piece (an alias, anchor or tag handle) cut short: the file may not be
    a scenario at all (a linked secret), so no more than a few of its characters are echoed."""
    return _QUOTED.sub(
        lambda m: m.group(0) if len(m.group(1)) <= 20 else shown(m.group(1), 20), text
    )


def read_text(path: Path, *, display: str | None = None) -> str:
    """Read a scenario file as UTF-8 text, refusing what is not a small regular text file."""
    file = display or str(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise ScenarioError(_problem(file, "no such file")) from None
    except OSError as exc:
        raise ScenarioError(_problem(file, f"cannot read file: {exc.strerror}")) from None
    if stat.S_ISDIR(st.st_mode):
        raise ScenarioError(
            _problem(
                file,
                "is a directory, expected a scenario file (.yaml); 'mapper validate' takes folders",
            )
        )
    if not stat.S_ISREG(st.st_mode):
        raise ScenarioError(_problem(file, "is not a regular file (a FIFO, device or socket?)"))
    if st.st_size > MAX_FILE_BYTES:
        raise ScenarioError(
            _problem(
                file,
                f"file is {st.st_size:,} bytes, over the {MAX_FILE_BYTES:,}-byte limit for a scenario",
            )
        )
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ScenarioError(_problem(file, f"cannot read file: {exc.strerror}")) from None
    if len(data) > MAX_FILE_BYTES:  # grew while we looked
        raise ScenarioError(_problem(file, f"file is over the {MAX_FILE_BYTES:,}-byte limit"))
    return decode_text(data, file)


def _line_col(data: bytes, offset: int) -> tuple[int, int]:
    before = data[:offset]
    line = before.count(b"\n") + 1
    column = offset - (before.rfind(b"\n") + 1) + 1
    return line, column


_OTHER_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)


def decode_text(data: bytes, file: str) -> str:
    """Decode UTF-8 (a BOM is allowed), refusing binary data with the position of the first bad byte."""
    for bom, encoding in _OTHER_BOMS:  # UTF-32 first: its little-endian BOM starts with UTF-16's
        if data.startswith(bom):
            raise ScenarioError(
                _problem(file, f"{encoding} text (byte-order mark): save the file as UTF-8", 1, 1)
            )
    if b"\x00" in data:
        line, col = _line_col(data, data.index(b"\x00"))
        raise ScenarioError(
            _problem(file, "binary file (NUL byte): expected a UTF-8 YAML text file", line, col)
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, col = _line_col(data, exc.start)
        raise ScenarioError(
            _problem(
                file,
                f"not valid UTF-8 (byte 0x{data[exc.start]:02x}): save the file as UTF-8",
                line,
                col,
            )
        ) from None
    return text


def _check_printable(text: str, file: str) -> None:
    """Refuse control characters (and lone surrogates) as PyYAML's reader does, before either parser runs."""
    found = yaml.reader.Reader.NON_PRINTABLE.search(text)
    if found is None:
        return
    before = text[: found.start()]
    raise ScenarioError(
        _problem(
            file,
            f"invalid YAML: control character U+{ord(found.group()):04X} is not allowed in YAML text",
            before.count("\n") + 1,
            found.start() - (before.rfind("\n") + 1) + 1,
        )
    )


# Where libyaml and PyYAML's pure-Python scanner disagree: libyaml takes a tab as a separator after ``:`` and in
# flow collections (PyYAML refuses it) and skips a byte-order mark at the start of any line (PyYAML reads it)
_PURE_ONLY = re.compile("[\t]|(?<=.)\ufeff", re.DOTALL)


def _loader_for(text: str, file: str) -> Any:
    """The C loader when libyaml is there and reads ``text`` as PyYAML would; else the pure-Python one, within
    ``MAX_PURE_BYTES`` (beyond, it would take tens of seconds)."""
    pure_only = _PURE_ONLY.search(text)
    if _CParser is not None and pure_only is None:
        return _CBoundedLoader
    size = len(text.encode("utf-8", "surrogatepass"))
    if size <= MAX_PURE_BYTES:
        return _BoundedLoader
    if pure_only is None:
        raise ScenarioError(
            _problem(
                file,
                f"file is {size:,} bytes: over {MAX_PURE_BYTES:,} bytes a scenario is read with libyaml, "
                "which this PyYAML lacks (reinstall PyYAML with libyaml, or split the scenario)",
            )
        )
    before = text[: pure_only.start()]
    what = "tab character" if pure_only.group() == "\t" else "byte-order mark (U+FEFF)"
    raise ScenarioError(
        _problem(
            file,
            f"invalid YAML: a {what} in a file over {MAX_PURE_BYTES:,} bytes; use spaces",
            before.count("\n") + 1,
            pure_only.start() - (before.rfind("\n") + 1) + 1,
        )
    )


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector paused, then left as it was. The node graph holds no reference cycles until
    an alias closes one, and the collector's passes over the growing graph took three quarters of the time of
    composing 10,000 forces (and half of checking them, ``mapper.loader``). At the end what was made meanwhile
    joins the oldest generation unscanned (``gc.freeze`` then ``gc.unfreeze``; skipped when someone else froze
    objects): the first collection after would otherwise walk all of it (a third of a second for 10,000 forces).
    A cycle among it is collected by the next full collection."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if gc.get_freeze_count() == 0:
                gc.freeze()
                gc.enable()
                gc.unfreeze()
            else:
                gc.enable()


def _compose_root(loader: Any) -> Node | None:
    try:
        with gc_paused():
            root: Node | None = loader.get_single_node()
        return root
    except (
        ValueError
    ):  # PyYAML's scanner calls chr() on an escape beyond U+10FFFF; libyaml refuses it
        if not isinstance(loader, _BoundedLoader):
            raise
        raise yaml.scanner.ScannerError(
            "while scanning a double-quoted scalar",
            None,
            "found an escape code beyond U+10FFFF, which is not a character",
            loader.get_mark(),
        ) from None
    finally:
        loader.dispose()


def _reworded(text: str, exc: yaml.MarkedYAMLError) -> yaml.MarkedYAMLError:
    """libyaml's message, reworded where PyYAML's says more (the character found)."""
    mark = exc.problem_mark
    if exc.problem == "found character that cannot start any token" and mark is not None:
        if mark.index < len(text):
            exc.problem = f"found character {text[mark.index]!r} that cannot start any token"
    elif exc.problem == "mapping values are not allowed in this context":
        exc.problem = "mapping values are not allowed here"
    return exc


def _compose_text(text: str, file: str) -> tuple[Node | None, Any]:
    """The root node and the loader that composed it (its tags, its node count). libyaml's reading when it has
    nothing to refuse and nothing it reads otherwise than PyYAML; else, within ``MAX_PURE_BYTES``, PyYAML's
    pure-Python reading (every text a scenario could be before libyaml was used is read exactly as then; a refused
    one costs what it did then)."""
    loader_class = _loader_for(text, file)
    if loader_class is not _BoundedLoader:
        fits = len(text.encode("utf-8")) <= MAX_PURE_BYTES  # (no surrogates: _check_printable)
        loader: Any = loader_class(text)
        try:
            root = _compose_root(loader)
            if not loader.lenient or not fits:
                return root, loader
        except (yaml.MarkedYAMLError, _TooDeep, _TooMany) as exc:
            if not fits:
                raise (
                    _reworded(text, exc) if isinstance(exc, yaml.MarkedYAMLError) else exc
                ) from None
    loader = _BoundedLoader(text)
    return _compose_root(loader), loader


def _yaml_problem(file: str, exc: yaml.MarkedYAMLError) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    what = exc.problem or "invalid YAML"
    if exc.context:
        what = f"{exc.context}, {what}"
    return _problem(
        file,
        f"invalid YAML: {_yaml_message(what)}",
        mark.line + 1 if mark else None,
        mark.column + 1 if mark else None,
    )


def compose(text: str, file: str) -> Document:
    """Compose YAML text into nodes, bounded in depth and alias expansion. Raises ScenarioError."""
    _check_printable(text, file)
    try:
        root, loader = _compose_text(text, file)
    except _TooDeep as exc:
        raise ScenarioError(
            _problem(
                file,
                f"nesting deeper than {MAX_DEPTH} levels: not a scenario file",
                exc.mark.line + 1,
                exc.mark.column + 1,
            )
        ) from None
    except _TooMany as exc:
        raise ScenarioError(
            _problem(file, _too_many(exc.aliased), exc.mark.line + 1, exc.mark.column + 1)
        ) from None
    except yaml.MarkedYAMLError as exc:
        raise ScenarioError(_yaml_problem(file, exc)) from None
    except yaml.YAMLError as exc:
        raise ScenarioError(_problem(file, f"invalid YAML: {_yaml_message(str(exc))}")) from None
    except RecursionError:
        raise ScenarioError(_problem(file, "nesting too deep: not a scenario file")) from None
    if root is None:
        raise ScenarioError(
            _problem(
                file, "empty file: expected a scenario mapping (format, id, title, options ...)"
            )
        )
    # without aliases no node is shared: the graph is a tree of the nodes composed
    with gc_paused():
        expanded = expanded_size(root, MAX_NODES) if loader.aliased else loader.nodes
    if expanded > MAX_NODES:
        raise ScenarioError(
            _problem(
                file, _too_many(aliased=True), root.start_mark.line + 1, root.start_mark.column + 1
            )
        )
    return Document(root=root, file=file, text=text, warnings=_tag_warnings(file, loader.tags))


def _too_many(aliased: bool) -> str:
    if not aliased:
        return f"over {MAX_NODES:,} YAML values: not a scenario file"
    return (
        f"YAML aliases expand to over {MAX_NODES:,} values (an alias bomb?); "
        "write the values out or use fewer aliases"
    )


def load_document(path: Path, *, display: str | None = None) -> Document:
    """Read and compose one scenario file."""
    file = display or str(path)
    return compose(read_text(path, display=file), file)


def load_text(text: str, *, file: str = "<string>") -> Document:
    """Compose scenario text given directly (from Python), under the same limits as a file."""
    data = text.encode("utf-8", "surrogatepass")
    if len(data) > MAX_FILE_BYTES:
        raise ScenarioError(
            _problem(
                file,
                f"text is {len(data):,} bytes, over the {MAX_FILE_BYTES:,}-byte limit for a scenario",
            )
        )
    return compose(decode_text(data, file), file)


__all__ = [
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_NODES",
    "UNSAFE_CHARACTERS",
    "Document",
    "MappingNode",
    "ScalarNode",
    "SequenceNode",
    "compose",
    "decode_text",
    "gc_paused",
    "load_document",
    "load_text",
    "read_text",
    "shown",
]
