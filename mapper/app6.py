"""APP-6 vocabulary shared by every output: SIDCs for unit kinds and echelons, and their SVG via ``milsymbol``.

Below the outputs (no folium, no matplotlib, no HTML): the loader checks explicit SIDCs with ``drawable``, the
export writes ``sidc_for`` codes, ``mapper.render.symbols`` wraps the SVG in map icons.

Standard: the 20-digit numeric SIDC of **MIL-STD-2525D / APP-6(D)** (version ``10``, context ``0`` reality,
symbol set ``10`` land unit). It is the format the ``milsymbol`` Python package (a frozen port of milsymbol.js 3.0.3
whose draw instructions were extracted from the JS library and are checked against it character for character)
covers best: every land-unit entity is present, echelon amplifiers (positions 9-10) and the headquarters staff
(position 8) are composed in Python, and sector-1 modifiers (positions 17-18) are available.

Layout of the SIDC we build (1-based positions)::

    10 0 3 10 0 H EE EEEEEE M1 00
    |  | |  | | |  |      |  |
    |  | |  | | |  |      |  sector-2 modifier (unused)
    |  | |  | | |  |      sector-1 modifier (training only: 35 "mobile advisor and support")
    |  | |  | | |  entity (e.g. 121100 infantry)
    |  | |  | | echelon (11 team … 22 corps; 00 none)
    |  | |  | headquarters/task force/dummy (2 = headquarters, staff drawn below the frame)
    |  | |  status (0 present)
    |  | symbol set (10 land unit)
    |  standard identity (3 friend, 6 hostile, 4 neutral, 1 unknown)
    context 0 (reality); version 10 (2525D/APP-6(D))

Choices where the standard has no exact icon: ``logistics`` uses *Supply* (163400, the NATO supply bar);
``headquarters`` is *Command and Control* (110000) with the headquarters staff; ``monitoring`` is *Observer*
(121200); ``training`` has no icon in 2525D/APP-6(D), so it is a generic land unit with the sector-1 modifier
*Mobile Advisor and Support* (35), the closest standard meaning (advise, train, assist).

Unit labels (name, troops) are *not* drawn into the SVG: ``mapper.render.symbols.unit_icon_html`` puts them
under the symbol as HTML text escaped with ``safety.safe_text``.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from mapper.cachefile import read_json

__all__ = [
    "AFFILIATIONS",
    "ECHELONS",
    "ECHELON_ALIASES",
    "KINDS",
    "KIND_ALIASES",
    "drawable",
    "normalize_echelon",
    "normalize_kind",
    "sidc_for",
    "symbol_anchor",
    "symbol_svg",
]

# canonical kind -> (entity code, sector-1 modifier, HQ flag)
_KIND_CODES: dict[str, tuple[str, str, str]] = {
    "infantry": ("121100", "00", "0"),
    "armour": ("120500", "00", "0"),
    "mechanised_infantry": ("121102", "00", "0"),
    "artillery": ("130300", "00", "0"),
    "air_defence": ("130100", "00", "0"),
    "aviation": ("120700", "00", "0"),  # aviation composite (fixed and rotary wing)
    "logistics": ("163400", "00", "0"),
    "medical": ("161300", "00", "0"),
    "headquarters": ("110000", "00", "2"),
    "engineer": ("140700", "00", "0"),
    "reconnaissance": ("121300", "00", "0"),
    "signals": ("111000", "00", "0"),
    "naval": ("170100", "00", "0"),
    "monitoring": ("121200", "00", "0"),
    "training": ("000000", "35", "0"),
    "special_forces": ("121700", "00", "0"),
    "motorised_infantry": ("121104", "00", "0"),
    "rotary_wing": ("120600", "00", "0"),
    "fighter": ("120800", "00", "0"),
    "isr": ("121600", "00", "0"),
    "military_police": ("141200", "00", "0"),
}
#: The unit kinds a scenario may name (canonical spellings; see ``KIND_ALIASES`` for accepted variants).
KINDS: tuple[str, ...] = tuple(_KIND_CODES)

#: Accepted variants -> canonical kind (after lower-casing and turning spaces/hyphens into underscores).
KIND_ALIASES: dict[str, str] = {
    "armor": "armour",
    "armoured": "armour",
    "armored": "armour",
    "tank": "armour",
    "mechanized_infantry": "mechanised_infantry",
    "mechanised": "mechanised_infantry",
    "mechanized": "mechanised_infantry",
    "air_defense": "air_defence",
    "helicopter": "rotary_wing",
    "fixed_wing": "fighter",
    "maintenance": "logistics",
    "surveillance": "isr",
    "intelligence": "isr",
    "unit": "",
    "supply": "logistics",
    "sustainment": "logistics",
    "hq": "headquarters",
    "command": "headquarters",
    "engineers": "engineer",
    "recon": "reconnaissance",
    "signal": "signals",
    "navy": "naval",
    "observer": "monitoring",
    "observers": "monitoring",
    "training_mission": "training",
    "special_operations": "special_forces",
    "sof": "special_forces",
}

_ECHELON_CODES: dict[str, str] = {
    "team": "11",
    "squad": "12",
    "section": "13",
    "platoon": "14",
    "company": "15",
    "battalion": "16",
    "regiment": "17",
    "brigade": "18",
    "division": "21",
    "corps": "22",
    "army": "23",
}
#: The echelons a scenario may name, smallest first.
ECHELONS: tuple[str, ...] = tuple(_ECHELON_CODES)
ECHELON_ALIASES: dict[str, str] = {
    "crew": "team",
    "detachment": "platoon",
    "battery": "company",
    "troop": "company",
    "squadron": "battalion",
    "battlegroup": "battalion",
    "battle_group": "battalion",
    "group": "regiment",
}

AFFILIATIONS: dict[str, str] = {"friend": "3", "hostile": "6", "neutral": "4", "unknown": "1"}


def _norm(value: str) -> str:
    return re.sub(r"[\s\-]+", "_", value.strip().lower())


def normalize_kind(kind: str | None) -> str | None:
    """The canonical kind for ``kind`` (``"Air defence"`` → ``"air_defence"``), ``None`` for ``None``/``""``.

    Raises ``ValueError`` (listing the valid kinds) for anything unknown.
    """
    if kind is None or not str(kind).strip():
        return None
    k = _norm(str(kind))
    k = KIND_ALIASES.get(k, k)
    if not k:
        return None
    if k not in _KIND_CODES:
        raise ValueError(f"unknown unit kind {kind!r}; expected one of: {', '.join(KINDS)}")
    return k


def normalize_echelon(echelon: str | None) -> str | None:
    """The canonical echelon for ``echelon``, ``None`` for ``None``/``""``; ``ValueError`` if unknown."""
    if echelon is None or not str(echelon).strip():
        return None
    e = _norm(str(echelon))
    e = ECHELON_ALIASES.get(e, e)
    if e not in _ECHELON_CODES:
        raise ValueError(f"unknown echelon {echelon!r}; expected one of: {', '.join(ECHELONS)}")
    return e


def sidc_for(kind: str | None, echelon: str | None, affiliation: str = "friend") -> str:
    """The 20-digit 2525D/APP-6(D) SIDC of a land unit of ``kind`` and ``echelon`` (either may be ``None``: a
    generic unit / no echelon mark). Raises ``ValueError`` for unknown values or a SIDC milsymbol cannot draw."""
    k = normalize_kind(kind)
    e = normalize_echelon(echelon)
    if affiliation not in AFFILIATIONS:
        raise ValueError(
            f"unknown affiliation {affiliation!r}; expected one of: {', '.join(AFFILIATIONS)}"
        )
    entity, mod1, hq = _KIND_CODES[k] if k else ("000000", "00", "0")
    sidc = (
        f"100{AFFILIATIONS[affiliation]}100{hq}{_ECHELON_CODES[e] if e else '00'}{entity}{mod1}00"
    )
    _validate(sidc)
    return sidc


# milsymbol decodes its whole symbol table (a 5 MB JSON) the first time a symbol is drawn: about 0.4 s, a fifth of
# a ``mapper render``. Drawn symbols are therefore kept in a small per-user cache file, as matplotlib keeps its font
# list: keyed by milsymbol's version, SIDC and size; MAPPER_NO_CACHE=1 turns it off.
#
# Whoever can write that file (a shared MAPPER_CACHE_DIR, a restored CI cache) must not be able to put markup into
# the maps, galleries and reports built from it. The file is read through ``cachefile.read_json`` (a regular file
# only, at most 4 MB, nesting at most 2 deep) and an entry is used only if it passes ``_trusted``: SVG in the
# grammar below (exactly what milsymbol's renderer writes: its elements, its attributes with values of the form
# it writes, plain text; never ``<?``, ``<!``, comments, CDATA, entities, other namespaces or a second ``<svg``),
# which a browser's HTML parser and an XML parser read the same way, and whole-pixel sizes and anchors in range.
# Anything else is dropped on its own and the symbol drawn again. Such a writer can still make a map show another
# well-formed symbol (a digest stored beside an entry would not stop them: they can recompute it).
_CACHE_ENTRY = re.compile(r"[0-9]{20}@[0-9]{1,3}")
_CACHE_MAX_BYTES = 4 * 1024 * 1024
_SVG_MAX_CHARS = 32_768
_ICON_MAX_PX = 512
Entry = tuple[str, int, int, int, int]

_NUM = r"-?(?:[0-9]++(?:\.[0-9]*+)?|\.[0-9]++)(?:e[-+]?[0-9]++)?"
_NUMS = rf"{_NUM}(?:[ ,]++{_NUM})*+"
_COLOUR = r"none|[a-z]{1,20}|#[0-9a-fA-F]{3,8}|rgba?\([0-9., %]{1,40}\)"
_LINECAP = r"butt|round|square"
_SVG_ATTRS = {
    "version": r"1\.2",
    "baseProfile": r"tiny",
    "viewBox": _NUMS,
    "d": r"[MmLlHhVvCcSsQqTtAaZz0-9eE.,+\- ]*+",
    "transform": rf"(?:translate|rotate|scale)\({_NUMS}\)",
    "clip-path": r"url\(#[A-Za-z0-9_-]{1,40}\)",  # a clipPath of the same symbol: never a request
    "id": r"[A-Za-z0-9_-]{1,40}",
    "clip-rule": r"nonzero|evenodd",
    "text-anchor": r"start|middle|end",
    "font-family": r"[A-Za-z0-9 ,_-]{1,60}",
    "font-weight": r"normal|bold|bolder|lighter|[1-9]00",
    "dominant-baseline": r"[a-z-]{1,20}",
    "stroke-dasharray": r"[0-9., -]{1,60}",
    "stroke-linecap": _LINECAP,
    "stroke-linejoin": _LINECAP,
    "stroke": _COLOUR,
    "fill": _COLOUR,
    **dict.fromkeys(
        ("width", "height", "cx", "cy", "r", "x", "y", "font-size", "stroke-width", "fill-opacity"),
        _NUM,
    ),
}
_SVG_ATTR = "(?: (?:" + "|".join(f'{n}="(?:{v})"' for n, v in _SVG_ATTRS.items()) + "))"
_SVG_ELEMENTS = "(?:g|path|circle|text|clipPath)"
_SVG_GRAMMAR = re.compile(
    rf'<svg xmlns="http://www\.w3\.org/2000/svg"{_SVG_ATTR}*+>'
    rf"(?:<{_SVG_ELEMENTS}{_SVG_ATTR}*+ ?/?>|</{_SVG_ELEMENTS}>|[^<>&{{}}`$\\\"'\x00-\x1f\x7f]++)*+"
    r"</svg>"
)


@functools.cache
def _milsymbol_version() -> str | None:
    # importlib.metadata scans the installed distributions each time (~1.5 ms): once per process
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("milsymbol")
    except PackageNotFoundError:  # pragma: no cover - milsymbol is a dependency
        return None


def _cache_file() -> Path | None:
    if os.environ.get("MAPPER_NO_CACHE"):
        return None
    mv = _milsymbol_version()
    if mv is None:  # pragma: no cover - milsymbol is a dependency
        return None
    base = os.environ.get("MAPPER_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME")
    try:
        root = Path(base) if base else Path.home() / ".cache"
    except (RuntimeError, KeyError):  # no home directory (some CI and service accounts): no cache
        return None
    return root / "mapper" / f"symbols-milsymbol-{re.sub(r'[^0-9A-Za-z.]', '_', mv)}.json"


@functools.cache
def _disk_cache() -> dict[str, Any]:
    """The cache file's entries as read: each is checked by ``_cached`` when it is first used (checking a few
    entries costs far less than checking thousands on every start)."""
    path = _cache_file()
    data = None if path is None else read_json(path, max_bytes=_CACHE_MAX_BYTES, max_depth=2)
    return data if isinstance(data, dict) else {}


def _cached(key: str) -> Entry | None:
    """The entry for ``key`` if the cache file has one and it is trusted; an untrusted one is dropped."""
    raw = _disk_cache().get(key)
    entry = None if raw is None else _trusted(key, raw)
    if entry is None:
        _disk_cache().pop(key, None)
    else:
        _disk_cache()[key] = entry  # a tuple: checked (what json.load gives is a list)
    return entry


def _trusted(key: object, raw: object) -> Entry | None:
    """``raw`` as an entry if it is one milsymbol could have drawn for ``key``: ``[svg, w, h, ax, ay]`` with SVG
    in ``_SVG_GRAMMAR`` (well-formed, ``w``x``h`` its rounded size), sizes 1..512 px, the anchor inside the box."""
    if not (isinstance(key, str) and _CACHE_ENTRY.fullmatch(key)):
        return None
    if not (isinstance(raw, list | tuple) and len(raw) == 5):
        return None
    svg, *numbers = raw
    if not isinstance(svg, str) or not all(type(n) is int for n in numbers):  # not bool, not float
        return None
    w, h, ax, ay = numbers
    if not (0 < w <= _ICON_MAX_PX and 0 < h <= _ICON_MAX_PX and 0 <= ax <= w and 0 <= ay <= h):
        return None
    root = _svg_root(svg)
    if root is None:
        return None
    try:
        if (round(float(root.get("width", ""))), round(float(root.get("height", "")))) != (w, h):
            return None
    except (ValueError, OverflowError):  # OverflowError: width="1e400"
        return None
    return (svg, w, h, ax, ay)


def _svg_root(svg: str) -> ET.Element | None:
    if len(svg) > _SVG_MAX_CHARS or not _SVG_GRAMMAR.fullmatch(svg):
        return None
    try:
        return ET.fromstring(svg)  # and balanced
    except ET.ParseError:
        return None


def _plain_svg(svg: str) -> bool:
    """Whether ``svg`` is in the grammar of what milsymbol draws (see ``_SVG_GRAMMAR``)."""
    return _svg_root(svg) is not None


def _save_disk_cache() -> None:
    path = _cache_file()
    if path is None:
        return
    # only what would be trusted when read back is written (a poisoned entry never used is dropped too); each
    # entry is checked once per process: a checked one is a tuple
    cache = _disk_cache()
    for key, raw in list(cache.items()):
        if not isinstance(raw, tuple):
            entry = _trusted(key, raw)
            if entry is None:
                del cache[key]
            else:
                cache[key] = entry
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".symbols-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(cache, fh, sort_keys=True)
        os.replace(tmp, path)
    except OSError:  # a read-only home or full disk only costs speed
        with contextlib.suppress(OSError, UnboundLocalError):
            os.unlink(tmp)


# The symbol cache above helps only the second run. The first run used to pay for milsymbol json-decoding its whole
# table (number-data.json.gz: 30 MB of JSON, 37,828 entries, ~0.4 s) although a scenario draws about ten of them.
# milsymbol reads that table only through the module global ``_number_data`` with ``sidc in data`` and
# ``data[sidc]``, so it is handed a read-only mapping over the decompressed bytes that finds every key in one regex
# pass and decodes an entry's value when it is asked for. A key of the table is a quoted 20-digit string followed
# by ``": {"`` (tests/test_app6.py checks these are exactly the decoded table's keys, none nested in a value); if
# one turns out not to be at the top level, the whole table is decoded after all. Any other surprise in milsymbol's
# internals leaves milsymbol as it is (``_lazy_table_once``); MAPPER_NO_LAZY_SYMBOLS=1 turns it off.
_TABLE_KEY = re.compile(rb'"([0-9]{20})": \{')


class _LazyNumberTable(Mapping[str, Any]):
    """milsymbol's number-SIDC table, decoded one entry at a time (each decoded once, as the full dict would).

    ``raw`` gives the table's JSON bytes, read only when a key outside ``known`` is asked for; ``known`` holds the
    answers prepared at build time (``mapper.prepared`` product ``symbols``: entry or ``None`` for every key
    milsymbol looks up to draw the SIDCs ``sidc_for`` makes), so a usual map never decompresses the table."""

    def __init__(self, raw: Callable[[], bytes], known: Mapping[str, Any] | None = None) -> None:
        self._load = raw
        self._known = dict(known or {})
        self._decoded: dict[str, Any] = {}

    @functools.cached_property
    def _raw(self) -> bytes:
        return self._load()

    @functools.cached_property
    def _layout(self) -> tuple[list[int], dict[str, int]]:
        # one regex pass (~0.07 s) rather than a find per lookup: milsymbol asks for several codes that are not
        # in the table (it falls back to shorter codes), and each miss would scan all 30 MB
        found = [(m.group(1).decode(), m.start()) for m in _TABLE_KEY.finditer(self._raw)]
        index = {key: i for i, (key, _) in enumerate(found)}
        if len(index) != len(found):
            raise ValueError("a key occurs twice: not the table layout expected")
        return [at for _, at in found] + [len(self._raw.rstrip()) + 1], index

    def _span(self, key: str) -> tuple[int, int] | None:
        starts, index = self._layout
        i = index.get(key)
        if i is None:
            return None
        at = starts[i]
        # a top-level key follows the opening brace or the previous entry's ", "; its value ends where the next
        # entry's ", " starts (or before the closing brace)
        if not (at == 1 or self._raw[at - 2 : at] == b", "):
            raise ValueError(f"{key} is not a top-level key")
        return at + len(key) + 4, starts[i + 1] - 2

    @functools.cached_property
    def _whole(self) -> dict[str, Any]:
        return dict(json.loads(self._raw))

    def _find(self, key: str) -> Any:
        if key not in self._decoded:
            if key in self._known:
                value = self._known[key]
            else:
                try:
                    span = self._span(key)
                    value = None if span is None else json.loads(self._raw[span[0] : span[1]])
                except (
                    ValueError
                ):  # not the layout expected after all: what milsymbol itself would read
                    value = self._whole.get(key)
            self._decoded[key] = value
        return self._decoded[key]

    def forget_known(self) -> bool:
        """Drop the prepared answers (and what was decoded with them); whether there were any."""
        had = bool(self._known)
        self._known.clear()
        self._decoded.clear()
        return had

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._find(key) is not None

    def __getitem__(self, key: str) -> Any:
        value = self._find(key) if isinstance(key, str) else None
        if value is None:
            raise KeyError(key)
        return value

    def __iter__(self) -> Iterator[str]:
        return iter(self._layout[1])

    def __len__(self) -> int:
        return len(self._layout[1])


def _decode_known(raw: Any) -> dict[str, Any]:
    # the values only steer milsymbol's drawing; what it draws from them must still pass ``_trusted`` (``_drawn``)
    if not isinstance(raw, dict) or not all(
        isinstance(k, str) and _TABLE_KEY_TEXT.fullmatch(k) and (v is None or isinstance(v, dict))
        for k, v in raw.items()
    ):
        raise ValueError("not milsymbol table entries")
    return raw


_TABLE_KEY_TEXT = re.compile(r"[0-9]{20}")


def _table_file() -> Path | None:
    from milsymbol import symbol

    path = getattr(symbol, "_DATA_DIR", None)
    return path / "number-data.json.gz" if isinstance(path, Path) else None


@functools.cache
def _lazy_table_once() -> _LazyNumberTable | None:
    """Give milsymbol the lazy table unless it has loaded its own or no longer reads it as expected."""
    if os.environ.get("MAPPER_NO_LAZY_SYMBOLS"):
        return None
    import gzip

    from milsymbol import symbol

    from mapper import prepared

    path = _table_file()
    if path is None or getattr(symbol, "_number_data", "missing") is not None:
        return None
    try:
        packed = path.read_bytes()
    except OSError:
        return None
    # entries are named by the table file's sha256: another milsymbol's table gets none
    known = prepared.lookup("symbols", prepared.digest(packed), _decode_known)
    table = _LazyNumberTable(lambda: gzip.decompress(packed), known)
    symbol._number_data = table
    return table


@functools.cache
def _drawn(sidc: str, size: int) -> Entry:
    """(svg, width, height, anchor x, anchor y) of a symbol: from the cache file, or drawn by milsymbol."""
    key = f"{sidc}@{size}"
    cached = _cached(key)
    if cached is not None:
        return cached
    table = _lazy_table_once()
    # a prepared answer (see _LazyNumberTable) that makes a SIDC undrawable or its SVG untrusted is dropped, and
    # the symbol asked again of milsymbol's own table
    try:
        entry = _draw(sidc, size)
    except ValueError:
        if table is None or not table.forget_known():
            raise
        entry = _draw(sidc, size)
    if _trusted(key, entry) is None and table is not None and table.forget_known():
        entry = _draw(sidc, size)
    # kept only if it would be trusted when read back: a symbol outside the grammar is drawn in every process
    if _trusted(key, entry) is not None:
        _disk_cache()[key] = entry
        _save_disk_cache()
    return entry


def _draw(sidc: str, size: int) -> Entry:
    from milsymbol import Symbol

    if not re.fullmatch(r"[0-9]{20}", sidc) or not Symbol(sidc).is_valid():
        raise ValueError(f"not a SIDC milsymbol can draw: {sidc!r}")
    sym = Symbol(sidc, size=size)
    svg = sym.as_svg().translate(_UNSAFE_IN_SVG)
    ET.fromstring(svg)  # raises if not well-formed
    dims, anchor = sym.get_size(), sym.get_anchor()
    entry = (
        svg,
        round(dims["width"]),
        round(dims["height"]),
        round(anchor["x"]),
        round(anchor["y"]),
    )
    return entry


def _validate(sidc: str) -> None:
    _drawn(sidc, 30)


def drawable(sidc: str) -> bool:
    """Whether milsymbol can draw ``sidc`` (a 20-digit 2525D/APP-6(D) code)."""
    try:
        _validate(sidc)
    except ValueError:
        return False
    return True


_UNSAFE_IN_SVG = str.maketrans(
    {"{": "&#123;", "}": "&#125;", "`": "&#96;", "$": "&#36;", "\\": "&#92;"}
)


def symbol_svg(sidc: str, size: int = 30) -> str:
    """The symbol as an inline SVG string (well-formed XML, deterministic, cached).

    ``size`` is milsymbol's scale (100 = base size; 30 gives a frame about 30 px wide). Characters that Jinja or a
    JS template literal would interpret are turned into XML character references (milsymbol emits none today).
    """
    return _drawn(sidc, int(size))[0]


def symbol_anchor(sidc: str, size: int = 30) -> tuple[tuple[int, int], tuple[int, int]]:
    """``(icon_size, icon_anchor)`` in whole pixels for a ``folium.DivIcon`` holding ``symbol_svg(sidc, size)``.

    The anchor is milsymbol's: the centre of the frame, or the foot of the staff for a headquarters, so the
    position on the map is where the standard puts it.
    """
    _, w, h, ax, ay = _drawn(sidc, int(size))
    return (w, h), (ax, ay)
