"""Declarative field types: one description of the scenario format gives both the validator and the JSON Schema.

Each ``Spec`` checks a YAML node (with its source position) and returns a plain Python value, or records a
``Problem`` and returns ``INVALID``. Walking never stops at the first problem: the loader collects every one. The
same specs render themselves as JSON Schema (``json_schema()``), so the published schema cannot drift from what the
loader accepts.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from mapper.errors import Problem
from mapper.yamlsafe import UNSAFE_CHARACTERS, shown

INVALID: Any = type(
    "Invalid", (), {"__repr__": lambda self: "INVALID", "__bool__": lambda self: False}
)()

_NULL_TAG = "tag:yaml.org,2002:null"
_constructor = SafeConstructor()


@dataclass
class Context:
    """Where problems are collected while checking one file, and where each key path was found."""

    file: str
    problems: list[Problem] = field(default_factory=list)
    marks: dict[str, tuple[int, int]] = field(default_factory=dict)

    def _at(self, node: Node | None) -> tuple[int | None, int | None]:
        if node is None:
            return None, None
        return node.start_mark.line + 1, node.start_mark.column + 1

    def error(self, node: Node | None, path: str, message: str) -> Any:
        line, col = self._at(node)
        self.problems.append(Problem(message, self.file, line, col, path, "error"))
        return INVALID

    def warn(self, node: Node | None, path: str, message: str) -> None:
        line, col = self._at(node)
        self.problems.append(Problem(message, self.file, line, col, path, "warning"))

    def _located(self, path: str, message: str, severity: str) -> None:
        line, col = self.marks.get(path, (None, None))
        self.problems.append(Problem(message, self.file, line, col, path, severity))

    def error_at(self, path: str, message: str) -> None:
        """An error found after checking (e.g. an unknown place), located by its key path."""
        self._located(path, message, "error")

    def warn_at(self, path: str, message: str) -> None:
        self._located(path, message, "warning")

    @property
    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.problems)


def join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def describe(node: Node) -> str:
    """How a bad value is shown in a message: the text as written, or the kind of structure."""
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    if node.tag == _NULL_TAG:
        return "nothing (an empty value)"
    return shown(node.value)


def key_label(key: str) -> str:
    """A mapping key as shown in a key path: as written if it is short and printable, else quoted and escaped."""
    return key if len(key) <= 60 and not UNSAFE_CHARACTERS.search(key) else shown(key)


def unsafe_text(text: str) -> str | None:
    """Why ``text`` may not be used in a scenario (a control or bidirectional character, shown escaped), or None."""
    found = UNSAFE_CHARACTERS.search(text)
    if found is None:
        return None
    char = found.group()
    if "\u202a" <= char <= "\u2069":
        what = "a bidirectional control character (it reorders the text around it)"
    else:
        what = "a control character"
    return f"text contains {char!r} (U+{ord(char):04X}), {what}; remove it"


def suggest(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest choice, or ``''``."""
    choices = list(choices)
    low = {c.lower(): c for c in choices}
    close = difflib.get_close_matches(word.lower(), list(low), n=1, cutoff=0.6)
    return f" (did you mean {low[close[0]]!r}?)" if close else ""


_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"
_STR_TAG = "tag:yaml.org,2002:str"
# values PyYAML's constructors read exactly as Python's int() and float() do (short, and no underscores, octal,
# hex or sexagesimal): read without the constructor, which took a third of checking 10,000 forces
_PLAIN_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]{0,17})")
_PLAIN_FLOAT = re.compile(r"[-+]?[0-9]{1,20}\.[0-9]{0,20}")


def _scalar(node: Node) -> Any:
    """The typed value of a scalar node as YAML 1.1 resolves it (int, float, bool, date, str, None)."""
    tag, value = node.tag, node.value
    if tag == _FLOAT_TAG and _PLAIN_FLOAT.fullmatch(value):
        return float(value)
    if tag == _INT_TAG and _PLAIN_INT.fullmatch(value):
        return int(value)
    if tag == _STR_TAG:
        return value
    try:
        return _constructor.construct_object(node, deep=True)
    # PyYAML's constructors fail in assorted ways on values their tag's pattern does not fully check
    except (ConstructorError, ValueError, OverflowError, LookupError, AttributeError, TypeError):
        return node.value


class Spec:
    """A field type. ``expected`` reads in a message: 'expected <expected>, got ...'."""

    expected: str = "a value"
    description: str = ""

    def check(self, node: Node, path: str, ctx: Context) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def json_schema(self) -> dict[str, Any]:  # pragma: no cover - abstract
        raise NotImplementedError

    def bad(self, node: Node, path: str, ctx: Context, hint: str = "") -> Any:
        return ctx.error(node, path, f"expected {self.expected}, got {describe(node)}{hint}")

    def _schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        if self.description:
            schema = {"description": self.description, **schema}
        return schema


@dataclass
class Str(Spec):
    expected: str = "a text"
    min_len: int = 1
    max_len: int = 20_000
    pattern: str | None = None
    description: str = ""

    def check(self, node: Node, path: str, ctx: Context) -> Any:
        ctx.marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if not isinstance(node, ScalarNode) or node.tag == _NULL_TAG:
            return self.bad(node, path, ctx)
        unsafe = unsafe_text(node.value)  # e.g. "\e" or "\u202e" written as YAML escapes
        if unsafe:
            return ctx.error(node, path, unsafe)
        # The text as written: `nation: NO` stays 'NO' (not YAML 1.1's False), `id: 010` stays '010'.
        text = node.value.strip()
        if len(text) < self.min_len:
            return self.bad(node, path, ctx)
        if len(text) > self.max_len:
            return ctx.error(
                node, path, f"text is {len(text):,} characters, over the limit of {self.max_len:,}"
            )
        if self.pattern and not re.fullmatch(self.pattern, text):
            return self.bad(node, path, ctx)
        return text

    def json_schema(self) -> dict[str, Any]:
        s: dict[str, Any] = {"type": "string", "minLength": self.min_len, "maxLength": self.max_len}
        if self.pattern:
            s["pattern"] = f"^(?:{self.pattern})$"
        return self._schema(s)


def _number(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,}"


@dataclass
class Num(Spec):
    """A finite number (int or float) within bounds. Messages give the bounds, and say which one a value misses."""

    expected: str = "a number"
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    integer: bool = False
    description: str = ""

    def _bounds(self) -> str:
        low, high = self.minimum, self.maximum
        if low is not None and self.exclusive_minimum:
            first = f"greater than {_number(low)}"
            return first if high is None else f"{first}, at most {_number(high)}"
        if low is not None:
            return (
                f"{_number(low)} or more" if high is None else f"{_number(low)} to {_number(high)}"
            )
        return "" if high is None else f"at most {_number(high)}"

    def bad(self, node: Node, path: str, ctx: Context, hint: str = "") -> Any:
        bounds = self._bounds()
        expected = f"{self.expected} ({bounds})" if bounds else self.expected
        return ctx.error(node, path, f"expected {expected}, got {describe(node)}{hint}")

    def _out(self, node: Node, path: str, ctx: Context, why: str) -> Any:
        """A number, but not one this field takes: shown as written (unquoted), with the reason."""
        bounds = self._bounds()
        expected = f"{self.expected} ({bounds})" if bounds else self.expected
        text = node.value.strip()
        if len(text) > 60:
            text = text[:57] + "..."
        return ctx.error(node, path, f"expected {expected}, got {text}: {why}")

    def check(self, node: Node, path: str, ctx: Context) -> Any:
        ctx.marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if not isinstance(node, ScalarNode):
            return self.bad(node, path, ctx)
        value = _scalar(node)
        if isinstance(value, str) and re.fullmatch(r"[+-]?\d{1,20}(\.\d{1,20})?", value.strip()):
            value = float(value) if "." in value else int(value)  # a quoted number: "5000"
        if isinstance(value, bool) or not isinstance(value, int | float):
            hint = ""
            if isinstance(value, str) and re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+", value.strip()):
                hint = f" (write {value.replace(',', '')} without thousands separators)"
            return self.bad(node, path, ctx, hint)
        if isinstance(value, float) and not math.isfinite(value):
            return self._out(
                node, path, ctx, "not a number" if value != value else "an infinite number"
            )
        if self.integer and not isinstance(value, int):
            if not float(value).is_integer():
                return self._out(node, path, ctx, "not a whole number")
            value = int(value)
        why = self._out_of_range(value)
        return self._out(node, path, ctx, why) if why else value

    def _out_of_range(self, value: float) -> str | None:
        low, high = self.minimum, self.maximum
        if low is not None and (value < low or (value == low and self.exclusive_minimum)):
            if self.exclusive_minimum:
                return f"not greater than {_number(low)}"
            return f"under the minimum of {_number(low)}"
        if high is not None and value > high:
            return f"over the maximum of {_number(high)}"
        return None

    def json_schema(self) -> dict[str, Any]:
        s: dict[str, Any] = {"type": "integer" if self.integer else "number"}
        if self.minimum is not None:
            s["exclusiveMinimum" if self.exclusive_minimum else "minimum"] = self.minimum
        if self.maximum is not None:
            s["maximum"] = self.maximum
        return self._schema(s)


@dataclass
class Bool(Spec):
    expected: str = "true or false"
    description: str = ""

    def check(self, node: Node, path: str, ctx: Context) -> Any:
        ctx.marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        value = _scalar(node) if isinstance(node, ScalarNode) else None
        if not isinstance(value, bool):
            return self.bad(node, path, ctx)
        return value

    def json_schema(self) -> dict[str, Any]:
        return self._schema({"type": "boolean"})


@dataclass
class Choice(Spec):
    """One of a fixed set of words, case-insensitive, with aliases (e.g. 'UK' for 'GB')."""

    values: tuple[str, ...] = ()
    aliases: dict[str, str] = field(default_factory=dict)
    expected: str = ""
    description: str = ""
    upper: bool = False

    def check(self, node: Node, path: str, ctx: Context) -> Any:
        ctx.marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if not isinstance(node, ScalarNode) or node.tag == _NULL_TAG:
            return self._bad(node, path, ctx)
        word = " ".join(node.value.replace("_", " ").split())
        words, aliases = self._words()
        key = word.lower()
        found = words.get(key)
        if found is None:
            found = aliases.get(key)
        if found is not None:
            return found
        return self._bad(node, path, ctx, suggest(word, [*self.values, *self.aliases]))

    def _words(self) -> tuple[dict[str, str], dict[str, str]]:
        """The values by their lower-case forms (as written, and with spaces for '_'), and the aliases' values
        by their lower-case forms: the first in order wins, as a scan would find it (checking 10,000 forces
        scanned 250 nations each). Made again if ``values`` or ``aliases`` were replaced or grew."""
        made = self.__dict__.get("_made")
        if (
            made is None
            or made[0] is not self.values
            or made[1] is not self.aliases
            or made[2] != len(self.aliases)
        ):
            words: dict[str, str] = {}
            for value in self.values:
                words.setdefault(value.lower(), value)
                words.setdefault(value.lower().replace("_", " "), value)
            aliases: dict[str, str] = {}
            for alias, value in self.aliases.items():
                aliases.setdefault(alias.lower(), value)
            made = (self.values, self.aliases, len(self.aliases), words, aliases)
            self.__dict__["_made"] = made
        return made[3], made[4]

    def _bad(self, node: Node, path: str, ctx: Context, hint: str = "") -> Any:
        expected = self.expected or "one of " + ", ".join(self.values)
        return ctx.error(node, path, f"expected {expected}, got {describe(node)}{hint}")

    def json_schema(self) -> dict[str, Any]:
        words = list(self.values) + list(self.aliases)
        return self._schema({"type": "string", "enum": words})


@dataclass
class Date(Spec):
    expected: str = "a date as YYYY-MM-DD"
    description: str = ""

    def check(self, node: Node, path: str, ctx: Context) -> Any:
        ctx.marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if not isinstance(node, ScalarNode):
            return self.bad(node, path, ctx)
        value = _scalar(node)
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = node.value.strip()
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return self.bad(node, path, ctx)

    def json_schema(self) -> dict[str, Any]:
        return self._schema({"type": "string", "format": "date"})


_HEX = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")


@dataclass
class Colour(Spec):
    """A CSS colour: '#rgb', '#rrggbb' or a CSS colour name; normalised to '#rrggbb'."""

    expected: str = "a colour as '#rrggbb' or a CSS colour name (e.g. navy)"
    description: str = ""

    def check(self, node: Node, path: str, ctx: Context) -> Any:
        ctx.marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if not isinstance(node, ScalarNode) or node.tag == _NULL_TAG:
            return self.bad(node, path, ctx)
        text = node.value.strip()
        if _HEX.fullmatch(text):
            if len(text) == 4:
                text = "#" + "".join(c * 2 for c in text[1:])
            return text.lower()
        from mapper.style import colour_hex, css_colours

        named = colour_hex(text)
        if named:
            return named
        return self.bad(node, path, ctx, suggest(text, css_colours()))

    def json_schema(self) -> dict[str, Any]:
        return self._schema(
            {"type": "string", "pattern": r"^(#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}|[A-Za-z ]+)$"}
        )


@dataclass
class ListOf(Spec):
    item: Spec = field(default_factory=Str)
    min_items: int = 0
    max_items: int = 10_000
    single_ok: bool = False  # accept one item written without the list
    expected: str = ""
    description: str = ""

    def check(self, node: Node, path: str, ctx: Context) -> Any:
        ctx.marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if self.single_ok and not isinstance(node, SequenceNode) and node.tag != _NULL_TAG:
            return [self.item.check(node, join(path, 0), ctx)]
        if not isinstance(node, SequenceNode):
            expected = self.expected or f"a list of {self.item.expected}"
            return ctx.error(node, path, f"expected {expected}, got {describe(node)}")
        if len(node.value) < self.min_items:
            return ctx.error(
                node, path, f"expected at least {self.min_items} item(s), got {len(node.value)}"
            )
        if len(node.value) > self.max_items:
            return ctx.error(
                node,
                path,
                f"{len(node.value):,} items, over the limit of {self.max_items:,} for this list",
            )
        return [self.item.check(child, join(path, i), ctx) for i, child in enumerate(node.value)]

    def json_schema(self) -> dict[str, Any]:
        s: dict[str, Any] = {"type": "array", "items": self.item.json_schema()}
        if self.min_items:
            s["minItems"] = self.min_items
        s["maxItems"] = self.max_items
        if self.single_ok:
            return self._schema({"anyOf": [s, self.item.json_schema()]})
        return self._schema(s)


@dataclass
class Field:
    spec: Spec
    required: bool = False
    default: Any = None
    description: str = ""


@dataclass
class Record(Spec):
    """A mapping with known keys. Unknown keys, duplicate keys and missing required keys are each reported.

    ``one_of`` lists groups of keys of which exactly one must be present (e.g. ``along`` or ``through``).
    """

    fields: dict[str, Field] = field(default_factory=dict)
    one_of: tuple[tuple[str, ...], ...] = ()
    expected: str = "a mapping"
    description: str = ""
    title: str = ""
    # a small value such as a location: any problem inside makes the whole value invalid, so later stages do
    # not report consequences (an unresolvable place) of a problem already reported (a misspelt key)
    all_or_nothing: bool = False

    def check(self, node: Node, path: str, ctx: Context) -> Any:
        ctx.marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if not isinstance(node, MappingNode):
            return self.bad(node, path, ctx)
        before = len(ctx.problems)
        seen: dict[str, Node] = {}
        out: dict[str, Any] = {}
        misspelt: set[str] = set()  # known keys that an unknown key was probably meant to be
        fields = self.fields
        for key_node, value_node in node.value:
            key = key_node.value if type(key_node) is ScalarNode else None
            if key is None or key == "<<" or key in seen:
                key = self._key(key_node, path, ctx, seen)  # reported
                if key is None:
                    continue
            else:
                seen[key] = key_node
            spec = fields.get(key)
            if spec is None:
                self._unknown(key_node, key, path, ctx, misspelt)
            elif value_node.tag == _NULL_TAG:
                out[key] = self._value(key, spec, value_node, join(path, key), ctx)
            else:  # (join, inlined: once per value of every force)
                out[key] = spec.spec.check(value_node, f"{path}.{key}" if path else key, ctx)
        self._fill_missing(node, path, ctx, out, misspelt)
        if self.one_of and not self._one_of_given(node, path, ctx, seen):
            # the value's shape is unknown: later stages must not resolve it (nor report more about it)
            out = INVALID
        if self.all_or_nothing and any(p.severity == "error" for p in ctx.problems[before:]):
            return INVALID
        return out

    @staticmethod
    def _key(key_node: Node, path: str, ctx: Context, seen: dict[str, Node]) -> str | None:
        """The key of one entry, recorded in ``seen``; ``None`` (reported) for a non-word, merge or duplicate."""
        if not isinstance(key_node, ScalarNode):
            ctx.error(key_node, path, f"a key must be a word, got {describe(key_node)}")
            return None
        key = key_node.value
        if key == "<<":
            ctx.error(key_node, path, "merge keys ('<<') are not supported: write the keys out")
            return None
        if key in seen:
            first = seen[key].start_mark.line + 1
            ctx.error(
                key_node,
                join(path, key_label(key)),
                f"duplicate key {shown(key)} (first given on line {first})",
            )
            return None
        seen[key] = key_node
        return key

    def _unknown(
        self, key_node: Node, key: str, path: str, ctx: Context, misspelt: set[str]
    ) -> None:
        """Report an unknown key with the valid keys and the closest one (remembered in ``misspelt``)."""
        valid = ", ".join(sorted(self.fields))
        hint = suggest(key, self.fields)
        if hint:
            misspelt.add(hint.split("'")[1])
        if key.isdigit():
            # `{troops: 5,000}` in a flow mapping: YAML reads "5" and then a key "000"
            hint = " (a number with a thousands separator such as 5,000? write 5000)"
        ctx.error(
            key_node,
            join(path, key_label(key)),
            f"unknown key {shown(key)}{hint}; valid keys: {valid}",
        )

    def _value(self, key: str, spec: Field, value_node: Node, kpath: str, ctx: Context) -> Any:
        """The checked value of a known key; an optional key left empty takes its default."""
        if (
            value_node.tag == _NULL_TAG
            and not spec.required
            and isinstance(value_node, ScalarNode)
            # a key of a one-of group chooses the shape: `regions:` left empty is an error, not a default
            and not any(key in group for group in self.one_of)
        ):
            ctx.marks[kpath] = (value_node.start_mark.line + 1, value_node.start_mark.column + 1)
            return spec.default
        return spec.spec.check(value_node, kpath, ctx)

    def _fill_missing(
        self, node: Node, path: str, ctx: Context, out: dict[str, Any], misspelt: set[str]
    ) -> None:
        """Defaults for absent optional keys; a missing required key is reported (unless an unknown key was
        probably meant to be it) and marked ``INVALID``."""
        for key, spec in self.fields.items():
            if key in out:
                continue
            if spec.required:
                if key not in misspelt:  # already reported as "unknown key ... did you mean"
                    ctx.error(
                        node, join(path, key), f"missing required key {key!r}{self._what(spec)}"
                    )
                out[key] = INVALID
            else:
                out[key] = spec.default

    def _one_of_given(self, node: Node, path: str, ctx: Context, seen: dict[str, Node]) -> bool:
        """Whether exactly one key of each ``one_of`` group is present (each violation reported)."""
        ok = True
        for group in self.one_of:
            present = [k for k in group if k in seen]
            if len(present) != 1:
                names = " or ".join(repr(k) for k in group)
                if present:
                    msg = f"give only one of {names}, not {' and '.join(repr(k) for k in present)}"
                else:
                    msg = f"expected one of the keys {names}"
                ctx.error(node, path, msg)
                ok = False
        return ok

    @staticmethod
    def _what(spec: Field) -> str:
        text = spec.description or spec.spec.description
        return f" ({text})" if text else ""

    def json_schema(self) -> dict[str, Any]:
        props = {}
        for key, f in self.fields.items():
            sub = f.spec.json_schema()
            if f.description:
                sub = {**sub, "description": f.description}
            if f.default is not None and not isinstance(f.default, list | dict):
                sub = {**sub, "default": _jsonable(f.default)}
            props[key] = sub
        s: dict[str, Any] = {"type": "object", "properties": props, "additionalProperties": False}
        required = [k for k, f in self.fields.items() if f.required]
        if required:
            s["required"] = required
        if self.one_of:
            groups = [{"oneOf": [{"required": [k]} for k in g]} for g in self.one_of]
            if len(groups) == 1:
                s.update(groups[0])
            else:
                s["allOf"] = groups
        if self.title:
            s = {"title": self.title, **s}
        return self._schema(s)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@dataclass
class ByShape(Spec):
    """A value written in one of several shapes, told apart by the node: a word, a mapping with some key, a list.

    ``scalar`` checks a plain word; ``mappings`` maps a distinguishing key to the spec for mappings holding it;
    ``sequence_message`` explains why a list is refused (e.g. a bare [lat, lon] pair).
    """

    scalar: Spec | None = None
    mappings: dict[str, Spec] = field(default_factory=dict)
    sequence_message: str | None = None
    expected: str = "a value"
    description: str = ""
    post: Callable[[Any], Any] | None = None

    def check(self, node: Node, path: str, ctx: Context) -> Any:
        ctx.marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, ScalarNode) and node.tag != _NULL_TAG and self.scalar is not None:
            return self.scalar.check(node, path, ctx)
        if isinstance(node, MappingNode):
            keys = {k.value for k, _ in node.value if isinstance(k, ScalarNode)}
            for marker, spec in self.mappings.items():
                if marker in keys:
                    return spec.check(node, path, ctx)
        if isinstance(node, SequenceNode) and self.sequence_message:
            return ctx.error(node, path, self.sequence_message.format(got=_flow(node)))
        return self.bad(node, path, ctx)

    def json_schema(self) -> dict[str, Any]:
        options = []
        if self.scalar is not None:
            options.append(self.scalar.json_schema())
        options.extend(spec.json_schema() for spec in self.mappings.values())
        return self._schema({"anyOf": options})


def _flow(node: Node) -> str:
    """A short list as written, e.g. ``[48.5, 35.0]`` (longer or unprintable ones shortened and escaped)."""
    text = _flow_text(node)
    return text if len(text) <= 60 and not UNSAFE_CHARACTERS.search(text) else shown(text)


def _flow_text(node: Node) -> str:
    if isinstance(node, SequenceNode):
        return "[" + ", ".join(_flow_text(c) for c in node.value[:10]) + "]"
    if isinstance(node, MappingNode):
        return "{...}"
    return str(node.value)[:60]
