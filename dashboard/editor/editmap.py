"""The editor's map: a draft's (or an OSM import's) site layers and exhibits, as folium.Map.

Pure function, no Streamlit. No tile layer, and Leaflet from the app itself (offline, like
the app's offline base map): the site's own geometry is the map. Every text from the data is
escaped (folium does not escape tooltips).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

import folium
import shapely
from shapely.geometry import shape

from dashboard.maps import OfflineReadyMap

STYLE = {
    "site": {"color": "#2e7d32", "weight": 2, "fillColor": "#e8f5e9", "fillOpacity": 0.6},
    "zones": {"color": "#66bb6a", "weight": 1, "dashArray": "4 4", "fillOpacity": 0.0},
    "water": {"color": "#1e88e5", "weight": 3, "fillColor": "#90caf9", "fillOpacity": 0.8},
    "buildings": {"color": "#6d4c41", "weight": 1, "fillColor": "#bcaaa4", "fillOpacity": 0.9},
}
PATH_COLOR, STAIRS_COLOR = "#424242", "#d84315"


def _safe(text: object) -> str:
    # html.escape, and the characters that end a JavaScript template string in a tooltip.
    return html.escape(str(text)).replace("`", "&#96;").replace("${", "&#36;{")


def _bounds(layers: Mapping[str, dict[str, Any]]) -> list[list[float]] | None:
    geoms = []
    for collection in layers.values():
        for feature in collection.get("features", []):
            try:
                geoms.append(shape(feature["geometry"]))
            except (KeyError, TypeError, ValueError, shapely.errors.GEOSException):
                continue
    if not geoms:
        return None
    min_x, min_y, max_x, max_y = shapely.union_all(geoms).bounds
    return [[min_y, min_x], [max_y, max_x]]


def editor_map(layers: Mapping[str, dict[str, Any]], exhibits: list[dict[str, Any]],
               *, selected: str | None = None, pending: tuple[float, float] | None = None,
               lang: str = "de", height: int = 460) -> folium.Map:
    """The site (outline, zones, water, buildings, paths with steps in red) and the exhibits
    as markers; `pending` is a tapped place not yet saved (a hollow marker)."""
    # Leaflet from the app's own static files: the editor works without internet too.
    fmap = OfflineReadyMap(tiles=None, zoom_control=True, height=height, control_scale=True)
    for layer in ("site", "zones", "water", "buildings"):
        if layer in layers and layers[layer].get("features"):
            folium.GeoJson(layers[layer], name=layer, style_function=lambda _f, s=STYLE[layer]: s,
                           interactive=False).add_to(fmap)
    if layers.get("paths", {}).get("features"):
        folium.GeoJson(
            layers["paths"], name="paths", interactive=False,
            style_function=lambda f: {
                "color": STAIRS_COLOR if f["properties"].get("kind") == "stairs" else PATH_COLOR,
                "weight": 4, "dashArray": "6 4" if f["properties"].get("kind") == "stairs"
                else None}).add_to(fmap)
    for item in exhibits:
        loc = item.get("location") or {}
        if not isinstance(loc, dict) or not {"lat", "lon"} <= loc.keys():
            continue
        name = item.get("name") or {}
        label = name.get(lang) or name.get("de") or name.get("en") or item.get("id", "")
        chosen = item.get("id") == selected
        folium.CircleMarker(
            [loc["lat"], loc["lon"]], radius=11 if chosen else 8, weight=3,
            color="#b71c1c" if chosen else "#0d47a1", fill=True, fill_opacity=0.9,
            tooltip=_safe(label)).add_to(fmap)
    if pending is not None:
        folium.CircleMarker(list(pending), radius=12, color="#b71c1c", weight=3, fill=False,
                            dash_array="4 3").add_to(fmap)
    if bounds := _bounds(layers):
        fmap.fit_bounds(bounds)
    else:
        fmap.location, fmap.options["zoom"] = [50.0, 10.0], 5
    return fmap
