"""The bundled key sites: nuclear power plants, seaports, airbases and airports, Dnipro dams and crossings.

``geodata/key_sites.csv`` (provenance, accuracy per type and licence in ``geodata/SOURCES.md``) holds one row per
site: ``id,name,type,country,lat,lon,source,note``, WGS84 decimal degrees. It is read with the ``csv`` module
(the light path ``geodata`` uses for ``places.csv``: no pandas), checked row by row (a bad row is a
``GeodataError`` naming the file, the row and what is wrong) and cached per file. ``key_sites`` selects by type,
country and id; ``sites_text`` formats a selection for ``mapper sites`` (table, JSON or CSV). The brief of
``mapper suggest`` takes key sites as candidates and as demand through ``key_sites``. Foundation: no output.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from mapper.errors import GeodataError, UsageError
from mapper.paths import geodata_dir

__all__ = [
    "COLUMNS",
    "KEY_SITES_FILE",
    "TYPES",
    "KeySite",
    "all_sites",
    "key_sites",
    "outside",
    "resolve_countries",
    "sites_text",
    "unknown_id",
]

KEY_SITES_FILE = "key_sites.csv"
COLUMNS = ("id", "name", "type", "country", "lat", "lon", "source", "note")
#: the vocabulary of the ``type`` column
TYPES = ("nuclear_power_plant", "seaport", "airbase", "airport", "dam", "crossing")
FORMATS = ("table", "json", "csv")
_ID = re.compile(r"[a-z0-9][a-z0-9_]{0,63}")
_ISO2 = re.compile(r"[A-Z]{2}")
_MAX_TEXT = 500  # a name, source or note longer than this is a corrupt row


@dataclass(frozen=True)
class KeySite:
    """One bundled key site. ``country`` is the ISO 3166 alpha-2 code; ``lat``/``lon`` WGS84 degrees."""

    id: str
    name: str
    type: str
    country: str
    lat: float
    lon: float
    source: str
    note: str = ""


def _row_error(path: Path, n: int, row: dict[str, str], why: str) -> GeodataError:
    ident = f" ({row.get('id')!r})" if row.get("id") else ""
    return GeodataError(f"{path}: row {n}{ident}: {why}")


def _number(value: str, what: str, low: float, high: float) -> float:
    try:
        x = float(value)
    except ValueError:
        raise ValueError(f"{what} {value!r} is not a number") from None
    if not math.isfinite(x) or not low <= x <= high:
        raise ValueError(f"{what} {value!r} is not within {low:g}..{high:g}")
    return x


def _site(row: dict[str, str]) -> KeySite:
    """One checked row (``ValueError`` says what is wrong)."""
    values = {c: (row.get(c) or "").strip() for c in COLUMNS}
    for column in ("id", "name", "type", "country", "source"):
        if not values[column]:
            raise ValueError(f"{column} is empty")
    if any(len(v) > _MAX_TEXT for v in values.values()):
        raise ValueError(f"a value is longer than {_MAX_TEXT} characters")
    if not _ID.fullmatch(values["id"]):
        raise ValueError(f"id {values['id']!r} is not lower-case letters, digits and '_'")
    if values["type"] not in TYPES:
        raise ValueError(f"type {values['type']!r} is not one of {', '.join(TYPES)}")
    if not _ISO2.fullmatch(values["country"]):
        raise ValueError(f"country {values['country']!r} is not an ISO 3166 alpha-2 code")
    lat = _number(values["lat"], "lat", -90.0, 90.0)
    lon = _number(values["lon"], "lon", -180.0, 180.0)
    return KeySite(
        values["id"], values["name"], values["type"], values["country"], lat, lon,
        values["source"], values["note"],
    )  # fmt: skip


@lru_cache(maxsize=4)
def _read(path_text: str) -> tuple[KeySite, ...]:
    path = Path(path_text)
    if not path.is_file():
        raise GeodataError(
            f"{path}: file not found (the bundled key sites, see geodata/SOURCES.md)"
        )
    try:
        with path.open(encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise GeodataError(f"{path}: missing columns {', '.join(missing)}")
            rows = list(enumerate(reader, start=2))  # row 1 is the header
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise GeodataError(f"{path}: unreadable ({exc})") from exc
    sites: list[KeySite] = []
    seen: dict[str, int] = {}
    for n, row in rows:
        if None in row:  # more fields than the header
            raise _row_error(path, n, row, f"more than the {len(COLUMNS)} columns of the header")
        try:
            site = _site(row)
        except ValueError as exc:
            raise _row_error(path, n, row, str(exc)) from None
        if site.id in seen:
            raise _row_error(path, n, row, f"id {site.id!r} also on row {seen[site.id]}")
        seen[site.id] = n
        sites.append(site)
    if not sites:
        raise GeodataError(f"{path}: no key sites")
    return tuple(sites)


def all_sites() -> tuple[KeySite, ...]:
    """Every bundled key site, in file order (``geodata/key_sites.csv``, or ``MAPPER_GEODATA``'s)."""
    return _read(str(geodata_dir() / KEY_SITES_FILE))


def resolve_countries(names: Iterable[str]) -> tuple[str, ...]:
    """Country names, ISO-2 or ISO-3 codes as ISO-2 codes (``PlaceError`` for an unknown one)."""
    from mapper import geodata

    return tuple(dict.fromkeys(geodata.country(str(n)).iso2 for n in names))


def _check_choices(given: Iterable[str], allowed: Iterable[str], what: str) -> list[str]:
    import difflib

    given, allowed = list(given), list(allowed)
    for value in given:
        if value not in allowed:
            close = difflib.get_close_matches(value, allowed, n=3, cutoff=0.6)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise UsageError(
                f"unknown key-site {what} {value!r}{hint} (one of: {', '.join(allowed)})"
            )
    return given


def key_sites(
    types: Iterable[str] | None = None,
    countries: Iterable[str] | None = None,
    ids: Iterable[str] | None = None,
    exclude: Iterable[str] = (),
) -> tuple[KeySite, ...]:
    """The bundled key sites of the given ``types`` (``TYPES``), in the given ``countries`` (names, ISO-2 or ISO-3
    codes) and with the given ``ids``, without the ids in ``exclude``; ``None`` (or empty) selects all. In file
    order. An unknown type or id is a ``UsageError`` with suggestions, an unknown country a ``PlaceError``."""
    sites = all_sites()
    known_ids = [s.id for s in sites]
    want_types = set(_check_choices(types or (), TYPES, "type"))
    want_ids = set(_check_choices(ids or (), known_ids, "id"))
    drop = set(_check_choices(exclude, known_ids, "id"))
    want_cc = set(resolve_countries(countries or ()))
    return tuple(
        s
        for s in sites
        if (not want_types or s.type in want_types)
        and (not want_cc or s.country in want_cc)
        and (not want_ids or s.id in want_ids)
        and s.id not in drop
    )


def unknown_id(ident: str) -> str | None:
    """``None`` if ``ident`` is a bundled key site's id, else the message saying so (with close ids)."""
    import difflib

    known = [s.id for s in all_sites()]
    if ident in known:
        return None
    close = difflib.get_close_matches(ident, known, n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    return f"unknown key site {ident!r}{hint} (`mapper sites` lists them)"


def outside(sites: tuple[KeySite, ...], area: Any) -> tuple[tuple[KeySite, ...], int]:
    """The ``sites`` not inside ``area`` (a shapely polygon, e.g. the occupied area; ``None`` or empty: all)
    and how many were left out."""
    if area is None or area.is_empty or not sites:
        return sites, 0
    import shapely

    inside = shapely.contains_xy(area, [s.lon for s in sites], [s.lat for s in sites])
    kept = tuple(s for s, x in zip(sites, inside, strict=True) if not x)
    return kept, len(sites) - len(kept)


def sites_text(
    types: Iterable[str] | None = None, countries: Iterable[str] | None = None, fmt: str = "table"
) -> str:
    """The selected key sites as ``mapper sites`` prints them: an aligned table (id, type, country, lat, lon,
    name), JSON (a list of objects with every column) or CSV (the file's columns)."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    sites = key_sites(types, countries)
    if fmt == "json":
        return json.dumps([asdict(s) for s in sites], indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        for s in sites:
            writer.writerow(
                [s.id, s.name, s.type, s.country, f"{s.lat:.4f}", f"{s.lon:.4f}", s.source, s.note]
            )
        return out.getvalue()
    return _table(sites)


def _table(sites: tuple[KeySite, ...]) -> str:
    """An aligned table: id, type, country (left), lat, lon (right), then the name."""
    rows = [("id", "type", "cc", "lat", "lon", "name")] + [
        (s.id, s.type, s.country, f"{s.lat:.4f}", f"{s.lon:.4f}", s.name) for s in sites
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = []
    for r in rows:
        cells = [r[i].ljust(widths[i]) if i < 3 else r[i].rjust(widths[i]) for i in range(5)]
        lines.append("  ".join([*cells, r[5]]))
    lines.append(f"{len(sites)} key site{'s' if len(sites) != 1 else ''}")
    return "\n".join(lines) + "\n"
