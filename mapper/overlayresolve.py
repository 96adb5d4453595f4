"""Resolution of the checked ``layers:`` and ``annotations:`` keys (``mapper.overlayformat``) into the model of
``mapper.overlays``: ``resolve_layers`` and ``resolve_annotations``.

Both take the loader's ``Context`` and a ``locate(value, keypath) -> (lat, lon) | None`` callback (the loader's own
location resolver, which records its own problems: unknown places, swapped coordinates); ``resolve_layers`` also
takes ``data_path(value, keypath) -> Path | None`` (the loader's folder rule for files a scenario names). Every
problem is recorded at its key path, a file's problems with the file and the row or feature in the message, all of
them at once; whatever has a problem is left out. ``MAX_OVERLAY_FEATURES`` holds for all layers together.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from shapely.geometry import LineString, Point, Polygon
from shapely.geometry.base import BaseGeometry

from mapper import overlays as _model
from mapper.errors import OverlayError
from mapper.fields import INVALID, Context, join
from mapper.overlayformat import source_problems
from mapper.overlays import (
    ANNOTATION_COLOUR,
    ANNOTATION_SIZE,
    Annotation,
    FileSource,
    Overlay,
    OverlayFeature,
    OverlayStyle,
    arrow_head,
    read_overlay_file,
)

__all__ = ["DataPath", "Locate", "inline_over_limit", "resolve_annotations", "resolve_layers"]

Locate = Callable[[Any, str], "tuple[float, float] | None"]
DataPath = Callable[[str, str], "Path | None"]


def inline_over_limit(raw: Sequence[Any] | None, ctx: Context, path: str = "layers") -> bool:
    """Whether the layers' inline features together pass ``MAX_OVERLAY_FEATURES`` (reported at ``path``): for the
    loader's check before anything is resolved (files are counted as they are read)."""
    if not isinstance(raw, list):
        return False
    count = sum(
        len(item[key])
        for item in raw
        if isinstance(item, dict)
        for key in ("points", "lines", "polygons")
        if isinstance(item.get(key), list)
    )
    if count <= _model.MAX_OVERLAY_FEATURES:
        return False
    ctx.error_at(
        path,
        f"{count:,} inline overlay features, over the limit of {_model.MAX_OVERLAY_FEATURES:,} per scenario; "
        "put them in a file (CSV, GeoJSON ...) or split the scenario",
    )
    return True


def resolve_layers(
    raw: Sequence[Any] | None,
    ctx: Context,
    *,
    locate: Locate,
    data_path: DataPath,
    path: str = "layers",
) -> tuple[Overlay, ...]:
    """The checked ``layers:`` list as ``Overlay``s; every problem is recorded in ``ctx`` at its key path (a
    layer with a problem is left out). Inline locations are resolved by ``locate``, files found by
    ``data_path`` and read by :func:`read_overlay_file`; ``MAX_OVERLAY_FEATURES`` holds for all together."""
    if not isinstance(raw, list):
        return ()
    out: list[Overlay] = []
    left = _model.MAX_OVERLAY_FEATURES
    names: dict[str, int] = {}
    for i, item in enumerate(raw):
        kpath = join(path, i)
        if not isinstance(item, dict):
            continue
        if isinstance(item.get("name"), str):
            if item["name"] in names:
                ctx.error_at(
                    join(kpath, "name"),
                    f"duplicate layer name {item['name']!r} (also {path}[{names[item['name']]}])",
                )
                continue
            names[item["name"]] = i
        overlay = _layer(item, kpath, ctx, locate, data_path, left)
        if overlay is not None:
            left -= len(overlay.features)
            out.append(overlay)
    return tuple(out)


def _layer(
    item: dict[str, Any], kpath: str, ctx: Context, locate: Locate, data_path: DataPath, left: int
) -> Overlay | None:
    fit = source_problems(item)
    for key, message in fit:
        ctx.error_at(join(kpath, key) if key else kpath, message)
    if fit or not _valid(item):
        return None
    style = OverlayStyle.from_checked(item.get("style"))
    if style.sidc is not None and not _drawable(style.sidc):
        ctx.error_at(
            join(join(kpath, "style"), "sidc"), f"{style.sidc}: not a symbol code APP-6 can draw"
        )
        return None
    if item.get("file") is not None:
        features, source = _file_features(item, kpath, ctx, data_path, left)
    else:
        features, source = _inline_features(item, kpath, ctx, locate), "inline"
    if features is None:
        return None
    if len(features) > left:
        ctx.error_at(
            kpath,
            f"{len(features):,} features take the overlays past the limit of {_model.MAX_OVERLAY_FEATURES:,} per "
            "scenario (all layers together)",
        )
        return None
    return Overlay(
        name=item["name"],
        kind=_model.kind_of(features),
        features=tuple(features),
        style=style,
        popup=tuple(item.get("popup") or ()),
        legend=item.get("legend") or "",
        source=source,
        keypath=kpath,
        description=item.get("description") or "",
    )


def _valid(value: Any) -> bool:
    """Whether a checked value holds no ``INVALID`` anywhere (its problem is reported already)."""
    if value is INVALID:
        return False
    if isinstance(value, dict):
        return all(_valid(v) for v in value.values())
    if isinstance(value, list):
        return all(_valid(v) for v in value)
    return True


def _drawable(sidc: str) -> bool:
    from mapper import app6

    return app6.drawable(sidc)


def _file_features(
    item: dict[str, Any], kpath: str, ctx: Context, data_path: DataPath, left: int
) -> tuple[list[OverlayFeature] | None, str]:
    fpath = join(kpath, "file")
    p = data_path(item["file"], fpath)
    if p is None:
        return None, ""
    try:
        read = read_overlay_file(
            p,
            FileSource(item.get("lat"), item.get("lon"), item.get("layer")),
            max_features=max(left, 0),
        )
    except OverlayError as exc:
        for line in str(exc).splitlines():
            ctx.error_at(fpath, line)
        return None, str(p)
    return list(read), str(p)


def _inline_features(
    item: dict[str, Any], kpath: str, ctx: Context, locate: Locate
) -> list[OverlayFeature] | None:
    features: list[OverlayFeature] = []
    ok = True
    for key, coords_key in (("points", "at"), ("lines", "through"), ("polygons", "polygon")):
        for j, entry in enumerate(item.get(key) or ()):
            epath = join(join(kpath, key), j)
            geom = _inline_geometry(entry, coords_key, epath, locate)
            if geom is None:
                ok = False
                continue
            attributes = dict(entry.get("attributes") or {})
            name = entry.get("name") or ""
            if name:
                attributes.setdefault("name", name)
            features.append(OverlayFeature(geom, attributes, j, name))
    return features if ok else None


def _inline_geometry(entry: Any, key: str, epath: str, locate: Locate) -> BaseGeometry | None:
    if not isinstance(entry, dict) or entry.get(key) in (None, INVALID):
        return None
    if key == "at":
        at = locate(entry["at"], join(epath, "at"))
        return None if at is None else Point(at[1], at[0])
    values = entry[key]
    if not isinstance(values, list) or any(v is INVALID for v in values):
        return None
    points = [locate(v, join(join(epath, key), k)) for k, v in enumerate(values)]
    if any(pt is None for pt in points):
        return None
    coords = [(lon, lat) for lat, lon in points]  # type: ignore[misc]
    if key == "through":
        return LineString(coords)
    return Polygon(coords)


def resolve_annotations(
    raw: Sequence[Any] | None, ctx: Context, *, locate: Locate, path: str = "annotations"
) -> tuple[Annotation, ...]:
    """The checked ``annotations:`` list as ``Annotation``s (problems recorded in ``ctx`` at their key path)."""
    if not isinstance(raw, list):
        return ()
    out = []
    for i, item in enumerate(raw):
        kpath = join(path, i)
        if not isinstance(item, dict) or not _valid(item):
            continue
        ann = _annotation(item, kpath, ctx, locate)
        if ann is not None:
            out.append(ann)
    return tuple(out)


def _annotation(
    item: dict[str, Any], kpath: str, ctx: Context, locate: Locate
) -> Annotation | None:
    colour = item.get("colour") or ANNOTATION_COLOUR
    size = float(item.get("size") or ANNOTATION_SIZE)
    text = item.get("text") or ""
    if item.get("at") is not None:
        if not text:
            ctx.error_at(kpath, "a label needs 'text' (what it says)")
            return None
        at = locate(item["at"], join(kpath, "at"))
        if at is None:
            return None
        return Annotation("label", text, Point(at[1], at[0]), colour, size, kpath)
    line = _arrow_line(item.get("arrow"), join(kpath, "arrow"), ctx, locate)
    if line is None:
        return None
    return Annotation("arrow", text, line, colour, size, kpath, arrow_head(line))


def _arrow_line(arrow: Any, apath: str, ctx: Context, locate: Locate) -> LineString | None:
    if not isinstance(arrow, dict):
        return None
    given = [k for k in ("from", "to", "through") if arrow.get(k) is not None]
    if given not in (["from", "to"], ["through"]):
        ctx.error_at(
            apath,
            "an arrow needs 'from' and 'to', or 'through' (a list of locations), not "
            + (" and ".join(map(repr, given)) or "nothing"),
        )
        return None
    if given == ["through"]:
        values, paths = (
            arrow["through"],
            [join(join(apath, "through"), k) for k in range(len(arrow["through"]))],
        )
    else:
        values, paths = [arrow["from"], arrow["to"]], [join(apath, "from"), join(apath, "to")]
    if any(v is INVALID for v in values):
        return None
    points = [locate(v, p) for v, p in zip(values, paths, strict=True)]
    if any(pt is None for pt in points):
        return None
    coords = [(lon, lat) for lat, lon in points]  # type: ignore[misc]
    if len(set(coords)) < 2:
        ctx.error_at(apath, "an arrow's start and end are the same place")
        return None
    return LineString(coords)
