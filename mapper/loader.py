"""Load a scenario file: safe YAML → checked against the format → places and shapes resolved → ``Scenario``.

Every problem in a file is collected (structure first, then names that do not resolve) and raised together as one
``ScenarioError`` whose lines read ``file:line:column: key.path: message``. Nothing here draws or measures for a
report; geometry is only built (rivers cut, routes densified, buffers drawn) so that later stages get shapes.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from mapper.duplicates import check_duplicates as _check_ids
from mapper.errors import MapperError, PlaceError, Problem, ScenarioError
from mapper.fields import INVALID, Context, join
from mapper.scenario import (
    DEFAULT_BANDS,
    THEATRE,
    Area,
    Band,
    Force,
    Hub,
    Line,
    Location,
    Option,
    Scenario,
    Zone,
    check_document,
    over_limits,
)
from mapper.yamlsafe import Document, gc_paused, load_document, load_text

# How far the `from`/`to` places of `along: {river: ...}` may lie from that river.
MAX_RIVER_SNAP_KM = 30.0
SCENARIO_SUFFIXES = (".yaml", ".yml")


def load_scenario(
    path: str | os.PathLike[str],
    *,
    front_line: str | os.PathLike[str] | None = None,
    front_line_layer: str | None = None,
) -> Scenario:
    """Load and resolve one scenario file. Raises ``ScenarioError`` listing every problem found.

    ``front_line`` (a file, as from ``--front-line``) replaces the scenario's own front line.
    """
    path = Path(path)
    doc = load_document(path, display=str(path))
    return _load(doc, path, front_line, front_line_layer)


def load_scenario_text(
    text: str,
    *,
    name: str = "<string>",
    base_dir: str | os.PathLike[str] = ".",
    front_line: str | os.PathLike[str] | None = None,
    front_line_layer: str | None = None,
) -> Scenario:
    """Load and resolve scenario YAML given as text (errors name the file ``name``); files the scenario names
    (``front_line:``) are read from ``base_dir`` under the same rule as for a file in that folder."""
    doc = load_text(text, file=name)
    return _load(doc, Path(base_dir) / name, front_line, front_line_layer, shown=str(name))


def _load(
    doc: Document,
    path: Path,
    front_line: str | os.PathLike[str] | None,
    front_line_layer: str | None,
    *,
    shown: str | None = None,
) -> Scenario:
    with (
        gc_paused()
    ):  # its passes over the node graph took half the time (cycles made are collected after)
        return _checked_and_resolved(doc, path, front_line, front_line_layer, shown)


def _checked_and_resolved(
    doc: Document,
    path: Path,
    front_line: str | os.PathLike[str] | None,
    front_line_layer: str | None,
    shown: str | None,
) -> Scenario:
    ctx = Context(file=doc.file, problems=list(doc.warnings))  # warnings: explicit tags ignored
    raw = check_document(doc.root, ctx)  # INVALID (reported) when the file is not a scenario at all
    if raw is INVALID:
        raise ScenarioError(_in_order(ctx.problems), file=doc.file)
    _check_ids(raw, ctx)
    if over_limits(raw, ctx) or _overlays_over_limit(raw, ctx):
        # refuse before the expensive part (places, shapes, buffers, overlay files)
        raise ScenarioError(_in_order(ctx.problems), file=doc.file)
    # The folder the scenario is named in (a linked scenario file does not bring its target's folder along):
    # files it names are read from there, so they are checked there.
    resolver = _Resolver(ctx, base_dir=path.parent.resolve(), shown_dir=path.parent)
    scenario = resolver.scenario(raw, path, front_line, front_line_layer)
    if ctx.has_errors or scenario is None:
        raise ScenarioError(_in_order(ctx.problems), file=doc.file)
    return dataclasses.replace(
        scenario, path=shown if shown is not None else scenario.path, source=doc.text
    )


def _overlays_over_limit(raw: dict[str, Any], ctx: Context) -> bool:
    if not raw.get("layers"):
        return False
    # shapely and the file readers, only for a scenario with layers
    from mapper import overlayresolve

    return overlayresolve.inline_over_limit(raw.get("layers"), ctx)


def _outside_hint(key: str) -> str:
    """What to do with a file outside the scenario's folder, for the key that named it."""
    if key.startswith("layers"):
        return "copy the overlay file into the scenario's folder (or a folder inside it)"
    return "pass other files on the command line with --front-line"


def _in_order(problems: list[Problem]) -> list[Problem]:
    """Problems in file order (structure and resolution problems are found in two passes)."""
    return sorted(problems, key=lambda p: (p.line or 0, p.column or 0))


def _valid(*values: Any) -> bool:
    return all(v is not INVALID for v in values)


_T = TypeVar("_T")


def _resolved(items: Sequence[_T | None]) -> tuple[_T, ...]:
    """The resolved items (``None`` marks one that failed and was reported; callers check for it first)."""
    return tuple(x for x in items if x is not None)


@dataclass
class _Resolver:
    """Turns checked raw values into the resolved model, recording located problems as it goes."""

    ctx: Context
    base_dir: Path  # the scenario's folder, resolved: what named files must stay inside
    shown_dir: Path  # the same folder as the user named it: how files are shown in messages
    _front: Any = None

    # -- locations ---------------------------------------------------------------------------------------------
    def location(self, value: Any, path: str) -> Location | None:
        if value is INVALID or value is None:
            return None
        if isinstance(value, str):
            return self._small_place(self._place(value, path), value, path, "," not in value)
        if "place" in value:
            if not _valid(*value.values()):
                return None
            if value.get("oblast") and value.get("region"):
                self.ctx.error_at(path, "give 'oblast' or 'region', not both (they mean the same)")
                return None
            oblast = value.get("oblast") or value.get("region")
            loc = self._place(value["place"], path, oblast, value.get("country"))
            bare = not oblast and not value.get("country") and "," not in value["place"]
            return self._small_place(loc, value["place"], path, bare)
        lat, lon = value.get("lat"), value.get("lon")
        if not _valid(lat, lon) or lat is None or lon is None:
            return None
        return self._coords(float(lat), float(lon), value.get("name"), path)

    def _place(
        self, name: str, path: str, oblast: str | None = None, country: str | None = None
    ) -> Location | None:
        from mapper.geodata import gazetteer

        try:
            place = gazetteer().resolve(name, oblast=oblast, country=country)
        except PlaceError as exc:
            self.ctx.error_at(path, str(exc))
            return None
        return Location(lat=place.lat, lon=place.lon, label=place.name, place=place)

    def _small_place(
        self, loc: Location | None, written: str, path: str, bare: bool
    ) -> Location | None:
        """Warn when a name written without oblast or country resolved to a small place: the gazetteer may lack
        the place meant and know only a namesake far away (also when it knows only one place of that name)."""
        from mapper.exposure import SMALL_PLACE_POPULATION, small_place_warning

        place = loc.place if loc is not None else None
        if not bare or place is None or place.population >= SMALL_PLACE_POPULATION:
            return loc
        km = accuracy = None
        if self._front is not None:
            from mapper.geodesy import distance_to_line_km

            res = distance_to_line_km(self._front.line, lat=place.lat, lon=place.lon)
            km, accuracy = float(res.distance_km[0]), self._front.accuracy_km
        self.ctx.warn_at(path, small_place_warning(written, place, km, accuracy))
        return loc

    def _coords(self, lat: float, lon: float, name: Any, path: str) -> Location | None:
        t = THEATRE
        inside = t["lat_min"] <= lat <= t["lat_max"] and t["lon_min"] <= lon <= t["lon_max"]
        if not inside:
            swapped = t["lat_min"] <= lon <= t["lat_max"] and t["lon_min"] <= lat <= t["lon_max"]
            if swapped:
                self.ctx.error_at(
                    path,
                    f"{{lat: {lat:g}, lon: {lon:g}}} lies outside the theatre but would lie inside it "
                    f"with latitude and longitude swapped: did you mean {{lat: {lon:g}, lon: {lat:g}}}?",
                )
                return None
            self.ctx.warn_at(
                path,
                f"{{lat: {lat:g}, lon: {lon:g}}} is outside the theatre "
                f"(lat {t['lat_min']:g}..{t['lat_max']:g}, lon {t['lon_min']:g}..{t['lon_max']:g})",
            )
        label = name if isinstance(name, str) else _format_latlon(lat, lon)
        return Location(lat=lat, lon=lon, label=label)

    # -- front line --------------------------------------------------------------------------------------------
    def front(self, raw: dict[str, Any], override: Any, layer: str | None) -> Any:
        """The one front line of ``front_line`` (``override``: a file from ``--front-line``); see timeload."""
        from mapper.timeload import single_front

        return single_front(self, raw, override, layer)

    def _data_path(self, value: str, key: str) -> Path | None:
        """A data file named by a scenario: relative to the scenario's folder and inside it (documented rule)."""
        if "\x00" in value:
            self.ctx.error_at(key, f"{value!r}: a file name cannot contain a NUL character")
            return None
        p = Path(value)
        if p.is_absolute() or ".." in p.parts:
            self.ctx.error_at(
                key,
                f"{value!r}: a scenario may only name files inside its own folder (no absolute paths, "
                f"no '..'); {_outside_hint(key)}",
            )
            return None
        full = (self.base_dir / p).resolve()
        if not full.is_relative_to(self.base_dir):
            self.ctx.error_at(
                key, f"{value!r} resolves (through a link) outside the scenario's folder"
            )
            return None
        return self.shown_dir / p

    # -- the scenario ------------------------------------------------------------------------------------------
    def scenario(
        self, raw: dict[str, Any], path: Path, override: Any, layer: str | None
    ) -> Scenario | None:
        from mapper import exposure, timeload

        time = timeload.read_time(self.ctx, raw)
        fronts, front = timeload.resolve_fronts(self, raw, override, layer)
        self._front = front
        bands = self.bands(raw.get("bands_km"))
        options = []
        for i, opt in enumerate(raw.get("options") or []):
            if opt is INVALID:
                continue
            options.append(self.option(opt, f"options[{i}]"))
        if time is not None:
            timeload.read_windows(self.ctx, time, raw)
        coverage = exposure.coverage_countries(raw.get("coverage"), self.ctx)
        overlays, annotations = self.overlays(raw)
        if self.ctx.has_errors or front is None or not _valid(*raw.values()):
            return None
        timeline = timeload.timeline(self.ctx, time, fronts) if time is not None else None
        if any(o is None for o in options) or time is None or timeline is None:
            return None
        return Scenario(
            id=raw["id"],
            title=raw["title"],
            date=raw["date"],
            front=front,
            bands=bands,
            options=tuple(timeload.with_windows(o, time) for o in _resolved(options)),
            constraints=exposure.constraints(raw.get("constraints")),
            threat=exposure.threat(raw.get("threat")),
            coverage_countries=coverage,
            summary=raw.get("summary"),
            sources=tuple(raw.get("sources") or ()),
            assumptions=tuple(raw.get("assumptions") or ()),
            path=str(path),
            warnings=tuple(_in_order([p for p in self.ctx.problems if p.severity == "warning"])),
            marks=dict(self.ctx.marks),
            timeline=timeline,
            overlays=overlays,
            annotations=annotations,
        )

    def overlays(self, raw: dict[str, Any]) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
        """The scenario's ``layers:`` and ``annotations:`` (``mapper.overlayresolve``), located like forces and
        read from files under the folder rule."""
        if not raw.get("layers") and not raw.get("annotations"):
            return (), ()
        from mapper import overlayresolve

        def locate(value: Any, path: str) -> tuple[float, float] | None:
            loc = self.location(value, path)
            return None if loc is None else (loc.lat, loc.lon)

        layers = overlayresolve.resolve_layers(
            raw.get("layers"), self.ctx, locate=locate, data_path=self._data_path
        )
        notes = overlayresolve.resolve_annotations(raw.get("annotations"), self.ctx, locate=locate)
        return layers, notes

    def bands(self, value: Any) -> tuple[Band, ...]:
        if value is None:
            items = list(DEFAULT_BANDS)
        elif value is INVALID:
            return ()
        else:
            items = []
            for i, b in enumerate(value):
                if b is INVALID:
                    continue
                if isinstance(b, dict):
                    if not _valid(b.get("km"), b.get("label")):
                        continue
                    items.append((float(b["km"]), b.get("label") or ""))
                else:
                    items.append((float(b), ""))
                for km, _ in items[:-1]:
                    if km == items[-1][0]:
                        self.ctx.error_at(join("bands_km", i), f"duplicate band edge {km:g} km")
        items.sort()
        bands, inner = [], 0.0
        for km, label in items:
            if km == inner:
                continue
            bands.append(Band(inner_km=inner, outer_km=km, label=label))
            inner = km
        return tuple(bands)

    def option(self, raw: dict[str, Any], path: str) -> Option | None:
        forces = [
            self.force(f, join(join(path, "forces"), j))
            for j, f in enumerate(raw.get("forces") or [])
        ]
        hubs = [
            self.hub(h, join(join(path, "hubs"), j)) for j, h in enumerate(raw.get("hubs") or [])
        ]
        lines = [
            self.line(x, join(join(path, "lines"), j)) for j, x in enumerate(raw.get("lines") or [])
        ]
        areas = [
            self.area(a, join(join(path, "areas"), j)) for j, a in enumerate(raw.get("areas") or [])
        ]
        line_by_name = {x.name: x for x in lines if x is not None}
        zones = [
            self.zone(z, join(join(path, "zones"), j), line_by_name)
            for j, z in enumerate(raw.get("zones") or [])
        ]
        present = (raw.get(k) for k in ("forces", "hubs", "lines", "areas", "zones"))
        if not any(v or v is INVALID for v in present):  # an invalid list was reported already
            self.ctx.error_at(
                path, "an option needs at least one of forces, hubs, lines, areas or zones"
            )
        parts = [*forces, *hubs, *lines, *areas, *zones]
        if not _valid(*raw.values()) or any(p is None for p in parts):
            return None
        return Option(
            id=raw["id"],
            name=raw["name"],
            colour=raw["colour"],
            description=raw.get("description"),
            forces=_resolved(forces),
            hubs=_resolved(hubs),
            lines=_resolved(lines),
            areas=_resolved(areas),
            zones=_resolved(zones),
        )

    def force(self, raw: Any, path: str) -> Force | None:
        if raw is INVALID:
            return None
        loc = self.location(raw.get("at"), join(path, "at"))
        if raw.get("sidc"):
            from mapper.app6 import drawable

            if not drawable(raw["sidc"]):
                self.ctx.error_at(
                    join(path, "sidc"),
                    f"SIDC {raw['sidc']} is not a symbol the APP-6 renderer knows; check the code, "
                    "or give `kind` and `echelon` instead",
                )
                return None
        if loc is None or not _valid(*raw.values()) or not self._ring_fits(loc, raw, path):
            return None
        return Force(
            name=raw["name"],
            nation=raw["nation"],
            troops=int(raw["troops"]),
            location=loc,
            kind=raw.get("kind") or "unit",
            echelon=raw.get("echelon"),
            sidc=raw.get("sidc"),
            role=raw.get("role"),
            range_km=raw.get("range_km"),
            description=raw.get("description"),
            keypath=path,
        )

    def _ring_fits(self, loc: Location, raw: dict[str, Any], path: str) -> bool:
        """Whether the force's coverage ring stays clear of both poles (else reported): the format's limit keeps
        it so in the theatre; a point outside it (a warning) may be nearer a pole than ``range_km``."""
        km = raw.get("range_km")
        # the meridian arc to the pole is at least 110.57 km a degree (the least, at the equator): most rings need
        # no geodesic (none of a force without one)
        if not km or km <= (90.0 - abs(loc.lat)) * 110.5 - 1.0:
            return True
        from mapper.geodesy import point_distance_km

        pole = "North" if loc.lat >= 0 else "South"
        pole_km = float(
            point_distance_km(
                lat1=loc.lat, lon1=loc.lon, lat2=90.0 if pole == "North" else -90.0, lon2=loc.lon
            )[0]
        )
        if not km or km <= pole_km - 1.0:
            return True
        self.ctx.error_at(
            join(path, "range_km"),
            f"a coverage ring of {km:g} km around {loc.label} would reach the {pole} Pole ({pole_km:,.0f} km "
            "away), where no map can draw it; "
            f"give at most {int(max(pole_km - 1.0, 0.0)):,} km here",
        )
        return False

    def hub(self, raw: Any, path: str) -> Hub | None:
        if raw is INVALID:
            return None
        loc = self.location(raw.get("at"), join(path, "at"))
        if loc is None or not _valid(*raw.values()):
            return None
        return Hub(
            name=raw["name"],
            location=loc,
            nation=raw.get("nation"),
            role=raw.get("role") or "logistics",
            description=raw.get("description"),
            keypath=path,
        )

    def line(self, raw: Any, path: str) -> Line | None:
        if raw is INVALID or not _valid(*raw.values()):
            return None
        if raw.get("along"):
            geom, how = self._along(raw["along"], join(path, "along"))
        else:
            geom, how = self._through(raw.get("through"), join(path, "through"))
        if geom is None:
            return None
        return Line(
            name=raw["name"],
            geometry=geom,
            kind=raw.get("kind") or "other",
            how=how,
            description=raw.get("description"),
            keypath=path,
        )

    def _along(self, raw: dict[str, Any], path: str) -> tuple[Any, str]:
        from shapely import get_coordinates
        from shapely.geometry import LineString, Point
        from shapely.ops import substring

        from mapper import geodata, geodesy

        river = None
        if _valid(raw.get("river")):  # an invalid name was already reported
            try:
                river = geodata.river(raw["river"])
            except PlaceError as exc:
                self.ctx.error_at(join(path, "river"), str(exc))
        start, stop = (self.location(raw.get(k), join(path, k)) for k in ("from", "to"))
        if river is None or start is None or stop is None:
            return None, ""
        ends = (start, stop)
        line = river.geometry
        ok = True
        for key, end in zip(("from", "to"), ends, strict=True):
            d = float(geodesy.distance_to_line_km(line, lat=end.lat, lon=end.lon).distance_km[0])
            if d > MAX_RIVER_SNAP_KM:
                self.ctx.error_at(
                    join(path, key),
                    f"{end.label} is {d:.0f} km from the {river.name}; `{key}` must be within "
                    f"{MAX_RIVER_SNAP_KM:g} km of the river",
                )
                ok = False
        if not ok:
            return None, ""
        d0, d1 = (line.project(Point(e.lon, e.lat)) for e in ends)
        if abs(d1 - d0) < 1e-9:
            self.ctx.error_at(path, f"`from` and `to` meet the {river.name} at the same point")
            return None, ""
        part = substring(line, min(d0, d1), max(d0, d1))
        if d1 < d0:  # keep the user's direction, from → to
            part = LineString(get_coordinates(part)[::-1])
        return part, f"{river.name} from {ends[0].label} to {ends[1].label}"

    def _through(self, raw: list[Any], path: str) -> tuple[Any, str]:
        from mapper import geodesy

        found = [self.location(v, join(path, i)) for i, v in enumerate(raw or [])]
        if any(loc is None for loc in found):
            return None, ""
        locs = _resolved(found)
        coords = [(loc.lon, loc.lat) for loc in locs]
        if len(set(coords)) < 2:
            self.ctx.error_at(path, "a route needs at least two different places")
            return None, ""
        return geodesy.geodesic_path(coords), "through " + ", ".join(loc.label for loc in locs)

    def area(self, raw: Any, path: str) -> Area | None:
        if raw is INVALID or not _valid(*raw.values()):
            return None
        if raw.get("regions"):
            geom, how = self._area_regions(raw["regions"], join(path, "regions"))
        elif raw.get("country"):
            geom, how = self._area_country(raw["country"], join(path, "country"))
        else:
            geom, how = self._area_polygon(raw["polygon"], join(path, "polygon"))
        if geom is None:
            return None
        return Area(
            name=raw["name"],
            geometry=geom,
            how=how,
            description=raw.get("description"),
            keypath=path,
        )

    def _area_regions(self, names: list[Any], path: str) -> tuple[Any, str]:
        from shapely.ops import unary_union

        from mapper import geodata

        parts = []
        for i, name in enumerate(names):
            if name is INVALID:  # already reported
                continue
            try:
                parts.append(geodata.region(name))
            except PlaceError as exc:
                self.ctx.error_at(join(path, i), str(exc))
        if len(parts) != len(names):
            return None, ""
        return unary_union([r.geometry for r in parts]), "regions: " + ", ".join(
            r.name for r in parts
        )

    def _area_country(self, name: str, path: str) -> tuple[Any, str]:
        from mapper import geodata

        try:
            c = geodata.country(name)
        except PlaceError as exc:
            self.ctx.error_at(path, str(exc))
            return None, ""
        return c.geometry, f"country: {c.name}"

    def _area_polygon(self, points: list[Any], path: str) -> tuple[Any, str]:
        from shapely import make_valid
        from shapely.geometry import Polygon

        found = [self.location(v, join(path, i)) for i, v in enumerate(points)]
        if any(loc is None for loc in found):
            return None, ""
        ring = [(loc.lon, loc.lat) for loc in _resolved(found)]
        if len(set(ring)) < 3:
            self.ctx.error_at(path, "a polygon needs at least three different points")
            return None, ""
        poly = Polygon(ring)
        if not poly.is_valid:
            self.ctx.warn_at(
                path,
                "the polygon's edges cross each other; it was repaired (check the point order)",
            )
            poly = make_valid(poly)
        if poly.area == 0:
            self.ctx.error_at(path, "the points are in a line: no area")
            return None, ""
        return poly, f"polygon of {len(ring)} points"

    def zone(self, raw: Any, path: str, lines: dict[str, Line]) -> Zone | None:
        if raw is INVALID or not _valid(*raw.values()):
            return None
        from mapper.zones import build_zone

        return build_zone(self.ctx, self._front, raw, path, lines)


def _format_latlon(lat: float, lon: float) -> str:
    ns = "N" if lat >= 0 else "S"
    ew = "E" if lon >= 0 else "W"
    return f"{abs(lat):.4f} {ns}, {abs(lon):.4f} {ew}"


# -------------------------------------------------------------------------------------------------------------
# Validating many files


@dataclass
class FileReport:
    file: str
    problems: list[Problem] = field(default_factory=list)
    scenario: Scenario | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def scenario_files(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Path]:
    """Expand folders to the scenario files they hold (sorted); pass files through as given."""
    for p in paths:
        p = Path(p)
        if p.is_dir():
            found = sorted(
                q
                for q in p.iterdir()
                if q.suffix.lower() in SCENARIO_SUFFIXES and not q.name.startswith(".")
            )
            if not found:
                raise ScenarioError(
                    Problem("no scenario files (*.yaml, *.yml) in this folder", file=str(p))
                )
            yield from found
        else:
            yield p


def validate(
    paths: Iterable[str | os.PathLike[str]], *, strict: bool = False, deep: bool = True
) -> list[FileReport]:
    """Load and check each scenario file; with ``deep`` also run the analysis checks (constraints, occupied area).

    Returns one report per file. ``strict`` turns warnings into errors.
    """
    reports = []
    for file in scenario_files(paths):
        report = FileReport(file=str(file))
        try:
            scenario = load_scenario(file)
        except ScenarioError as exc:
            report.problems.extend(exc.problems)
        except MapperError as exc:
            report.problems.append(Problem(str(exc), file=str(file)))
        else:
            report.scenario = scenario
            report.problems.extend(scenario.warnings)
            from mapper.analysis import colour_warnings

            report.problems.extend(colour_warnings(scenario))
            if deep:
                from mapper.analysis import scenario_warnings

                report.problems.extend(scenario_warnings(scenario))
        if strict:
            report.problems = [
                Problem(p.message, p.file, p.line, p.column, p.keypath, "error")
                for p in report.problems
            ]
        reports.append(report)
    return reports
