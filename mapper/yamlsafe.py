"""Safe, bounded YAML reading that keeps source positions.

Scenario text is untrusted. This module is the only place that touches YAML. It reads bytes with a size limit,
insists on UTF-8 text, composes the document with PyYAML's *safe* loader into a node graph (which keeps the line and
column of every value), and refuses documents that would be expensive to walk: deep nesting and alias expansion
("billion laughs") are bounded before anything is constructed. Duplicate keys are reported by the validator, which
walks these nodes. Explicit tags (``!!int``, ``!!timestamp``, ``!foo``, ``!!python/...``) carry no meaning in a
scenario: each is dropped while composing (the value is read as written, as if untagged) with a located warning,
so no tag ever reaches a constructor. Messages quote at most a short, escaped piece of the text (``shown``).
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from mapper.errors import Problem, ScenarioError

# Documented limits (docs/reliability.md). They are far above any hand-written scenario.
MAX_FILE_BYTES = 1024 * 1024  # 1 MiB
MAX_DEPTH = 50  # nesting of mappings/sequences
MAX_NODES = 200_000  # YAML nodes after alias expansion
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


class _BoundedLoader(yaml.SafeLoader):
    """SafeLoader whose composer refuses excessive nesting (before Python's recursion limit is near) and drops
    explicit tags, recording where they were."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self.tags: list[tuple[str, yaml.Mark]] = []

    # ``index`` is the key node for a mapping value, an int in a sequence: typed ``Any`` for both
    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        self._depth += 1
        try:
            event = self.peek_event()
            if self._depth > MAX_DEPTH:
                raise _TooDeep(event.start_mark)
            tag = getattr(event, "tag", None)
            if tag is not None:  # an explicit tag: read the value as if it had none
                self.tags.append((tag, event.start_mark))
                event.tag = None
                if isinstance(
                    event, yaml.ScalarEvent
                ):  # plain: resolved as YAML 1.1 does; quoted: a text
                    event.implicit = (event.style is None, event.style is not None)
                else:
                    event.implicit = True
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _TooDeep(Exception):
    def __init__(self, mark: yaml.Mark) -> None:
        super().__init__()
        self.mark = mark


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


def compose(text: str, file: str) -> Document:
    """Compose YAML text into nodes, bounded in depth and alias expansion. Raises ScenarioError."""
    try:
        loader = _BoundedLoader(text)  # the reader refuses control characters here, before parsing
    except yaml.reader.ReaderError as exc:
        before = text[: exc.position]
        line = before.count("\n") + 1
        column = exc.position - (before.rfind("\n") + 1) + 1
        raise ScenarioError(
            _problem(
                file,
                f"invalid YAML: control character U+{exc.character:04X} is not allowed in YAML text",
                line,
                column,
            )
        ) from None
    try:
        root = loader.get_single_node()
    except _TooDeep as exc:
        raise ScenarioError(
            _problem(
                file,
                f"nesting deeper than {MAX_DEPTH} levels: not a scenario file",
                exc.mark.line + 1,
                exc.mark.column + 1,
            )
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = exc.problem or "invalid YAML"
        if exc.context:
            what = f"{exc.context}, {what}"
        raise ScenarioError(
            _problem(
                file,
                f"invalid YAML: {_yaml_message(what)}",
                mark.line + 1 if mark else None,
                mark.column + 1 if mark else None,
            )
        ) from None
    except yaml.YAMLError as exc:
        raise ScenarioError(_problem(file, f"invalid YAML: {_yaml_message(str(exc))}")) from None
    except RecursionError:
        raise ScenarioError(_problem(file, "nesting too deep: not a scenario file")) from None
    finally:
        loader.dispose()
    if root is None:
        raise ScenarioError(
            _problem(
                file, "empty file: expected a scenario mapping (format, id, title, options ...)"
            )
        )
    expanded = _expanded_size(root)
    if expanded > MAX_NODES:
        raise ScenarioError(
            _problem(
                file,
                f"YAML aliases expand to over {MAX_NODES:,} values (an alias bomb?); "
                "write the values out or use fewer aliases",
                root.start_mark.line + 1,
                root.start_mark.column + 1,
            )
        )
    return Document(root=root, file=file, text=text, warnings=_tag_warnings(file, loader.tags))


def _expanded_size(root: Node) -> int:
    """Number of nodes the document has once aliases are expanded, computed without expanding them.

    A recursive alias (``&a [*a]``) expands without end and counts as over the limit.
    """
    memo: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            total = 1
            for child in _children(node):
                total += memo[id(child)]
                if total > MAX_NODES:
                    break
            memo[key] = min(total, MAX_NODES + 1)
            continue
        if key in memo:
            continue
        if key in on_path:
            return MAX_NODES + 1
        on_path.add(key)
        stack.append((node, True))
        for child in _children(node):
            if id(child) in on_path:
                return MAX_NODES + 1
            if id(child) not in memo:
                stack.append((child, False))
    return memo[id(root)]


def _children(node: Node) -> list[Node]:
    if isinstance(node, MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, SequenceNode):
        return list(node.value)
    return []


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
    "load_document",
    "load_text",
    "read_text",
    "shown",
]
