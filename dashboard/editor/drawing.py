"""Shapes drawn and edited on the editor's map, back into the draft's files.

The map (dashboard.editor.editmap.drawing_map) puts the features of one target into the
drawing tool's layer, each carrying its properties, so what streamlit-folium returns
(`all_drawings`: every feature of that layer after each draw, edit or delete) names the
features it came from. A target is the footpaths, the site outline, one zone's area, or the
exhibits' places (markers dragged in the tool's edit mode). Pure functions, no Streamlit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dashboard.editor import draft
from dashboard.editor.bundle import Files

# The drawing targets and the geometry each one's drawing tool makes.
GEOMETRY = {"paths": ("LineString",), "site": ("Polygon",), "zone": ("Polygon",),
            "exhibits": ("Point",)}


def features_of(files: Mapping[str, bytes], target: str, zone: str | None = None
                ) -> list[dict[str, Any]]:
    """The features the drawing tool starts with (their properties identify them)."""
    if target == "exhibits":
        out = []
        for item in draft.exhibits(files):
            loc = item.get("location") or {}
            if isinstance(loc, dict) and {"lat", "lon"} <= loc.keys():
                out.append({"type": "Feature", "properties": {"exhibit": item.get("id")},
                            "geometry": {"type": "Point",
                                         "coordinates": [loc["lon"], loc["lat"]]}})
        return out
    layer = draft.read_layer(files, "zones" if target == "zone" else target)
    features = [f for f in layer.get("features") or [] if isinstance(f, dict)]
    if target == "zone":
        features = [f for f in features if (f.get("properties") or {}).get("id") == zone]
    return [f for f in features if (f.get("geometry") or {}).get("type")
            in (*GEOMETRY[target], "Multi" + GEOMETRY[target][0])]


def _kept(drawn: list[dict[str, Any]], target: str) -> list[dict[str, Any]]:
    """The drawn features of the target's geometry (a stray marker or line is left out)."""
    kinds = (*GEOMETRY[target], "Multi" + GEOMETRY[target][0])
    return [f for f in drawn if isinstance(f, dict)
            and (f.get("geometry") or {}).get("type") in kinds]


def apply(files: Mapping[str, bytes], target: str, drawn: list[dict[str, Any]],
          zone: str | None = None) -> Files:
    """The draft with the target's shapes as drawn: edited features keep their properties,
    new ones get an id (paths: step-free footpaths) and removed ones are gone."""
    drawn = _kept(drawn, target)
    if target == "exhibits":
        return _moved(files, drawn)
    if target == "paths":
        used = {str((f.get("properties") or {}).get("id")) for f in drawn}
        features = []
        for n, feature in enumerate(drawn, start=1):
            props = dict(feature.get("properties") or {})
            if not props.get("id"):
                props["id"] = _fresh(used, "drawn-path", n)
                props.setdefault("step_free", True)
                props.setdefault("kind", "path")
            features.append(_feature(feature, props))
        return draft.with_site(files, {"paths": _collection(features)}) if features else \
            _without(files, "paths")
    if target == "site":
        keep = next((dict(f.get("properties") or {}) for f in drawn
                     if (f.get("properties") or {}).get("id")), {"id": "site"})
        features = [_feature(f, keep if i == 0 else {**keep, "id": f"{keep['id']}-{i}"})
                    for i, f in enumerate(drawn)]
        out = dict(files)
        out[draft.GEO.format("site")] = draft.dump_geojson(_collection(features))
        return out
    if target == "zone":
        if not zone:
            raise ValueError("which zone's area is drawn?")
        layer = draft.read_layer(files, "zones")
        others = [f for f in layer.get("features") or []
                  if (f.get("properties") or {}).get("id") != zone]
        mine = [_feature(f, {"id": zone}) for f in drawn]
        out = dict(files)
        out[draft.GEO.format("zones")] = draft.dump_geojson(_collection(others + mine))
        return out
    raise ValueError(f"unknown drawing target {target!r}")


def _moved(files: Mapping[str, bytes], drawn: list[dict[str, Any]]) -> Files:
    """Exhibits whose marker was dragged get its place; nothing else changes (a marker
    deleted in the tool does not delete an exhibit: that is the form's Delete)."""
    places = {}
    for feature in drawn:
        ident = (feature.get("properties") or {}).get("exhibit")
        if feature["geometry"].get("type") != "Point":
            continue
        lon, lat = (feature["geometry"].get("coordinates") or [None, None])[:2]
        if ident and isinstance(lat, int | float) and isinstance(lon, int | float):
            places[ident] = {"lat": round(float(lat), 7), "lon": round(float(lon), 7)}
    changed = []
    for item in draft.exhibits(files):
        place = places.get(item.get("id"))
        if place and place != item.get("location"):
            changed.append({**item, "location": place})
    return draft.upsert_exhibits(files, changed) if changed else dict(files)


def moved_exhibits(files: Mapping[str, bytes], drawn: list[dict[str, Any]]) -> list[str]:
    """Ids of the exhibits whose marker now stands elsewhere."""
    after = {e.get("id"): e.get("location") for e in draft.exhibits(_moved(files, drawn))}
    return [str(e.get("id")) for e in draft.exhibits(files)
            if after.get(e.get("id")) != e.get("location")]


def _fresh(used: set[str], prefix: str, n: int) -> str:
    while f"{prefix}-{n}" in used:
        n += 1
    used.add(f"{prefix}-{n}")
    return f"{prefix}-{n}"


def _feature(feature: Mapping[str, Any], props: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "properties": props, "geometry": feature["geometry"]}


def _collection(features: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features}


def _without(files: Mapping[str, bytes], layer: str) -> Files:
    out = dict(files)
    out.pop(draft.GEO.format(layer), None)
    return out
