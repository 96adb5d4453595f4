"""What the page's script asks the server, as plain functions: the state of a file, the sites it may edit, an
edit, an undo. Each returns a JSON-ready ``dict`` or raises ``security.Refused`` with the status and message.

An edit is made in four steps under one lock: the file is read again and its content hash compared with the one
the page holds (changed on disk since → 409: the page reloads); the edit is spliced into the text
(``edit.apply``); the candidate text is loaded by the loader exactly as a command would (any problem → 422 with
its ``file:line:col`` messages, the file untouched); only then is it written atomically (``mapper.atomic``), the
previous bytes kept in the ``History`` for undo, and the scenario rendered again.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field
from typing import Any

from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from mapper.errors import MapperError
from mapper.serve.edit import (
    FORCE_FIELDS,
    HUB_FIELDS,
    WINDOW_FIELDS,
    Edit,
    EditError,
    History,
    digest,
    entry,
    find,
    is_vertex,
    parse_keypath,
)
from mapper.serve.folder import Entry, ServedFolder, error_lines, read_file
from mapper.serve.security import Refused, scenario_path
from mapper.serve.shapes import SHAPE_FIELDS, shapes

__all__ = ["Api"]


@dataclass
class Api:
    folder: ServedFolder
    history: History = field(default_factory=History)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def _entry(self, name: str) -> Entry:
        e = self.folder.entries.get(name)
        if e is None:
            raise Refused(404, "not a scenario file of the served folder")
        return e

    def state(self, name: str) -> dict[str, Any]:
        e = self._entry(name)
        return {
            "file": e.name,
            "hash": e.text_hash,
            "version": e.version,
            "ok": e.ok,
            "errors": list(e.errors),
            "warnings": list(e.warnings),
            "undo": self.history.depth(name),
        }

    def sites(self, name: str) -> dict[str, Any]:
        """The forces and hubs the page may move and edit, and the points of lines and areas it may move, with
        where they are and how they are placed (by name or by coordinates); and the shapes it edits in a form
        (``shapes.shapes``: lines along a river, areas by regions or country, zones)."""
        from mapper.scenario import ECHELONS, UNIT_KINDS
        from mapper.yamlsafe import load_text

        e = self._entry(name)
        out: dict[str, Any] = {
            "file": name,
            "hash": e.text_hash,
            "editable": e.current,
            "sites": [],
        }
        out["kinds"], out["echelons"] = list(UNIT_KINDS), list(ECHELONS)
        if not e.current or e.prepared is None:
            out["reason"] = "the file has problems: fix them (or undo) before editing on the map"
            return out
        root = load_text(e.good_text, file=e.shown).root
        scenario = e.prepared.scenario
        out["options"] = [
            {"keypath": f"options[{i}]", "id": o.id, "name": o.name}
            for i, o in enumerate(scenario.options)
        ]
        out["phases"] = [p.name for p in (scenario.timeline.phases if scenario.timeline else ())]
        for opt in scenario.options:
            for kind, items in (("force", opt.forces), ("hub", opt.hubs)):
                for s in items:
                    out["sites"].append(_site(root, kind, opt.id, s))
        out["shapes"] = shapes(root, scenario)
        out["vertices"] = vertices(root)
        out["insertions"] = insertions(out["vertices"])
        return out

    def edit(self, name: str, body: dict[str, Any]) -> dict[str, Any]:
        edit = parse_edit(body)
        with self.lock:
            path, data = self._current(name, body)
            from mapper.serve.edit import apply
            from mapper.yamlsafe import decode_text

            e = self._entry(name)
            try:
                text = decode_text(data, e.shown)
                candidate = apply(text, edit, file=e.shown)
            except EditError as exc:
                raise Refused(422, str(exc)) from None
            except MapperError as exc:
                raise _invalid(exc) from None
            written = self._check_and_write(name, path, candidate.encode("utf-8", "surrogatepass"))
            self.history.push(name, data, digest(written))
        self._render_soon(name)
        return {"ok": True, "hash": digest(written), "undo": self.history.depth(name)}

    def undo(self, name: str, body: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            path, data = self._current(name, body)
            top = self.history.peek(name)
            if top is None:
                raise Refused(
                    409, "nothing to undo: no edit of this file was made from the map in this run"
                )
            before, after = top
            if digest(data) != after:
                raise Refused(
                    409,
                    "the file changed on disk since the last edit from the map: undo it in the editor",
                )
            from mapper.atomic import atomic_write

            atomic_write(path, before, overwrite=True)
            self.history.pop(name)
        self._render_soon(name)
        return {"ok": True, "hash": digest(before), "undo": self.history.depth(name)}

    # -- steps -------------------------------------------------------------------------------------------------
    def _current(self, name: str, body: dict[str, Any]) -> tuple[Any, bytes]:
        """The file's path and bytes, refused (409) if they are not what the page loaded."""
        path = scenario_path(self.folder.real, name, self.folder.names())
        try:
            data = read_file(self.folder.real, name)
        except OSError as exc:
            raise Refused(409, f"cannot read the file: {exc}") from None
        base = body.get("base")
        if not isinstance(base, str) or base != digest(data):
            raise Refused(
                409,
                "the file changed on disk since this page loaded it: the edit was not made; the page reloads "
                "with the file as it is now",
            )
        return path, data

    def _check_and_write(self, name: str, path: Any, candidate: bytes) -> bytes:
        from mapper.atomic import atomic_write
        from mapper.loader import load_scenario_text

        e = self._entry(name)
        try:
            load_scenario_text(
                candidate.decode("utf-8", "surrogatepass"), name=e.shown, base_dir="."
            )
        except MapperError as exc:
            raise _invalid(exc) from None
        atomic_write(path, candidate, overwrite=True)
        return candidate

    def _render_soon(self, name: str) -> None:
        # the answer goes back at once; the map is rendered meanwhile and announced on the event stream
        threading.Thread(target=self.folder.refresh, args=(name,), daemon=True).start()


def _invalid(exc: MapperError) -> Refused:
    return Refused(
        422, "the edit would make the scenario invalid; the file was not changed", error_lines(exc)
    )


def _site(root: Any, kind: str, option: str, s: Any) -> dict[str, Any]:
    at = find(root, f"{s.keypath}.at")
    by_name = not (entry(at, "lat") and entry(at, "lon"))
    site = {
        "keypath": s.keypath,
        "site": kind,
        "option": option,
        "name": s.name,
        "nation": s.nation,
        "lat": s.location.lat,
        "lon": s.location.lon,
        "placed_by": "name" if by_name else "coordinates",
        "place": s.location.label if by_name else None,
    }
    if kind == "force":
        site.update(troops=s.troops, kind=s.kind, echelon=s.echelon)
    # when it is present, as written in the file (a phase's name, a day as D+N or a date)
    node = find(root, s.keypath)
    site.update({k: _text(node, k) for k in WINDOW_FIELDS})
    return site


def _text(node: Any, key: str) -> str | None:
    value = _scalar(node, key)
    return None if value is None else str(value)


def vertices(root: Any) -> list[dict[str, Any]]:
    """The points of every line written ``through:`` and every area written ``polygon:``, where they are (names
    resolved by the gazetteer, as the loader does), how they are written, and their list (its key path and
    length: the page draws a handle between consecutive points to insert one there)."""
    out: list[dict[str, Any]] = []
    options = entry(root, "options")
    for i, opt in enumerate(
        options[1].value if options and isinstance(options[1], SequenceNode) else ()
    ):
        for kind, key in (("line", "through"), ("area", "polygon")):
            items = entry(opt, f"{kind}s")
            for j, item in enumerate(
                items[1].value if items and isinstance(items[1], SequenceNode) else ()
            ):
                name, points = entry(item, "name"), entry(item, key)
                if points is None or not isinstance(points[1], SequenceNode):
                    continue
                owner = name[1].value if name and isinstance(name[1], ScalarNode) else ""
                where_list = f"options[{i}].{kind}s[{j}].{key}"
                count = len(points[1].value)
                for k, point in enumerate(points[1].value):
                    where = _point(point)
                    if where is not None:
                        out.append(
                            {
                                "keypath": f"{where_list}[{k}]",
                                "site": kind,
                                "name": f"{owner} ({k + 1})",
                                "list": where_list,  # the page inserts points between these
                                "index": k,
                                "count": count,
                                **where,
                            }
                        )
    return out


def insertions(points: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Where the page draws the handles that insert a point: halfway along the drawn segment between every two
    consecutive points of a list (and, for an area, from its last point back to its first), with the key path
    the new point goes to. A line is drawn along geodesics (the loader's ``geodesic_path``): its handle is the
    geodesic midpoint. An area's edges are straight lines in longitude and latitude, which the map (Web
    Mercator) draws straight: its handle is the edge's midpoint in that projection. A point inserted where the
    handle is therefore leaves the drawn shape as it was."""
    lists: dict[str, dict[int, dict[str, Any]]] = {}
    for v in points:
        lists.setdefault(v["list"], {})[v["index"]] = v
    out: list[dict[str, Any]] = []
    for key, at in lists.items():
        first = next(iter(at.values()))
        count, area = first["count"], first["site"] == "area"
        for k in range(count if area and count >= 3 else count - 1):
            a, b = at.get(k), at.get((k + 1) % count)
            if a is None or b is None or (a["lat"], a["lon"]) == (b["lat"], b["lon"]):
                continue  # a point without a handle (a name the gazetteer does not resolve), or no segment
            lat, lon = (mercator_midpoint if area else geodesic_midpoint)(a, b)
            out.append(
                {
                    "keypath": f"{key}[{k + 1}]",
                    "site": first["site"],
                    "lat": lat,
                    "lon": lon,
                    "name": f"Insert a point between {a['name']} and {b['name']}",
                }
            )
    return out


def geodesic_midpoint(a: dict[str, Any], b: dict[str, Any]) -> tuple[float, float]:
    """The point halfway along the geodesic (WGS84) from ``a`` to ``b`` (each with ``lat`` and ``lon``)."""
    from mapper.geodesy.base import GEOD

    azimuth, _, dist = GEOD.inv(a["lon"], a["lat"], b["lon"], b["lat"])
    lon, lat, _ = GEOD.fwd(a["lon"], a["lat"], azimuth, dist / 2)
    return lat, lon


#: Leaflet's Web Mercator stops at this latitude (``L.Projection.SphericalMercator.MAX_LATITUDE``)
MAX_MERCATOR_LAT = 85.0511287798


def mercator_midpoint(a: dict[str, Any], b: dict[str, Any]) -> tuple[float, float]:
    """The midpoint of the straight line from ``a`` to ``b`` on a Web Mercator map (as Leaflet draws it)."""

    def y(lat: float) -> float:
        lat = max(-MAX_MERCATOR_LAT, min(MAX_MERCATOR_LAT, lat))
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    mid = (y(a["lat"]) + y(b["lat"])) / 2
    return math.degrees(2 * math.atan(math.exp(mid)) - math.pi / 2), (a["lon"] + b["lon"]) / 2


def _scalar(node: Any, key: str) -> Any:
    found = entry(node, key)
    return found[1].value if found is not None and isinstance(found[1], ScalarNode) else None


def _point(node: Any) -> dict[str, Any] | None:
    from mapper.geodata import gazetteer

    try:
        if isinstance(node, MappingNode) and _scalar(node, "lat") and _scalar(node, "lon"):
            lat, lon = float(_scalar(node, "lat")), float(_scalar(node, "lon"))
            return {"lat": lat, "lon": lon, "placed_by": "coordinates", "place": None}
        if isinstance(node, ScalarNode):
            place = gazetteer().resolve(str(node.value))
        elif isinstance(node, MappingNode) and _scalar(node, "place"):
            place = gazetteer().resolve(
                str(_scalar(node, "place")),
                oblast=_scalar(node, "oblast") or _scalar(node, "region"),
                country=_scalar(node, "country"),
            )
        else:
            return None
    except (MapperError, ValueError, TypeError):
        return None  # drawn on the map as the loader placed it; not offered for dragging
    return {"lat": place.lat, "lon": place.lon, "placed_by": "name", "place": place.name}


def _number(body: dict[str, Any], key: str, low: float, high: float) -> float:
    value = body.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise Refused(400, f"{key}: expected a number")
    if not low <= value <= high:
        raise Refused(400, f"{key}: expected {low:g} to {high:g}")
    return float(value)


def _insert_keypath(keypath: str) -> None:
    """A new point goes at ``...through[k]`` or ``...polygon[k]``, ``k`` at most a list's most points."""
    from mapper.scenario import MAX_ITEMS

    try:
        ok = is_vertex(keypath)
        index = parse_keypath(keypath)[-1]
    except EditError:
        ok, index = False, 0
    if not ok:
        raise Refused(
            400,
            "keypath: expected where the point goes (…through[k] of a line, …polygon[k] of an area)",
        )
    if not isinstance(index, int) or index > MAX_ITEMS:
        raise Refused(400, f"keypath: a point's index is at most {MAX_ITEMS}")


def _shape_fields(fields: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    """A shape's fields (``shapes.SHAPE_FIELDS``): text or a number, a list of names for ``regions``."""
    if not fields:
        raise Refused(400, "fields: nothing to change")
    out: list[tuple[str, Any]] = []
    for k, v in fields.items():
        if k not in SHAPE_FIELDS:
            raise Refused(400, f"fields: {k[:40]!r} is not a field the page edits")
        if k == "regions" and isinstance(v, list):
            if len(v) > 200 or not all(isinstance(x, str) for x in v):
                raise Refused(400, "fields.regions: expected a list of at most 200 names")
            v = tuple(v)
        elif v is None or isinstance(v, bool) or not isinstance(v, str | int | float):
            raise Refused(400, f"fields.{k}: expected text or a number")
        out.append((k, v))
    return tuple(out)


def parse_edit(body: dict[str, Any]) -> Edit:
    """The ``Edit`` a request body asks for, refused (400) if its shape is wrong (values are the loader's)."""
    op, keypath = body.get("op"), body.get("keypath")
    if op not in ("move", "set", "add", "insert", "delete", "shape"):
        raise Refused(400, "op: expected move, set, add, insert, delete or shape")
    if not isinstance(keypath, str) or not keypath:
        raise Refused(
            400, "keypath: expected the key path of a site (or of an option, to add a force)"
        )
    if op == "insert":
        _insert_keypath(keypath)
    lat = lon = None
    if op in ("move", "add", "insert"):
        lat, lon = _number(body, "lat", -90, 90), _number(body, "lon", -180, 180)
    site = body.get("site", "force")
    if op == "add" and site not in ("force", "hub"):
        raise Refused(400, "site: expected force or hub (what is added)")
    hub = ".hubs[" in keypath or (op == "add" and site == "hub")
    fields = body.get("fields") or {}
    if not isinstance(fields, dict) or not all(isinstance(k, str) for k in fields):
        raise Refused(400, "fields: expected a mapping of field names to values")
    if op == "shape":
        return Edit(op=op, keypath=keypath, fields=_shape_fields(fields))
    for k, v in fields.items():
        if k not in (HUB_FIELDS if hub and op == "add" else FORCE_FIELDS):
            raise Refused(400, f"fields: {k[:40]!r} is not a field the page edits")
        if v is not None and (isinstance(v, bool) or not isinstance(v, str | int | float)):
            raise Refused(400, f"fields.{k}: expected text or a number")
    return Edit(
        op=op,
        keypath=keypath,
        lat=lat,
        lon=lon,
        fields=tuple(fields.items()),
        hub=hub,
    )
