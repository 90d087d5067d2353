"""The editor's map: a draft's (or an OSM import's) site layers and exhibits, as folium.Map.

Pure function, no Streamlit. No tile layer, and Leaflet from the app itself (offline, like
the app's offline base map): the site's own geometry is the map. Every text from the data is
escaped (folium does not escape tooltips).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any, ClassVar

import folium
import shapely
from branca.element import MacroElement
from folium.plugins import Draw
from folium.template import Template
from shapely.geometry import shape

from dashboard.maps import STATIC_URL, OfflineReadyMap

DRAW_JS = f"{STATIC_URL}/leaflet.draw-1.0.4/leaflet.draw.js"
DRAW_CSS = f"{STATIC_URL}/leaflet.draw-1.0.4/leaflet.draw.css"

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


# --------------------------------------------------------------------------- drawing


class OfflineDraw(Draw):
    """folium's Draw plugin with Leaflet.draw from the app's own static files (the editor
    works without internet; the plugin's default is a CDN)."""

    default_js: ClassVar = [("leaflet_draw_js", DRAW_JS)]
    default_css: ClassVar = [("leaflet_draw_css", DRAW_CSS)]


class _Properties(MacroElement):
    """Gives its parent layer a GeoJSON feature with these properties, so that the layer's
    toGeoJSON() (what streamlit-folium returns as all_drawings) names where it came from."""

    _template = Template("""
        {% macro script(this, kwargs) %}
            {{ this._parent.get_name() }}.feature = {"type": "Feature",
                "properties": {{ this.properties|tojson }}};
        {% endmacro %}
    """)

    def __init__(self, properties: Mapping[str, Any]):
        super().__init__()
        self._name = "Properties"
        self.properties = dict(properties)


# Bigger drawing buttons for fingers (Leaflet.draw's are 30 px; its sprite positions are in
# px, so the control is zoomed as a whole rather than its buttons resized).
_TOUCH_CSS = "<style>.leaflet-draw{zoom:1.5}</style>"


def _latlon(coords: list[Any]) -> list[list[float]]:
    return [[float(c[1]), float(c[0])] for c in coords]


def _editable(feature: Mapping[str, Any], color: str) -> list[folium.map.Layer]:
    geom = feature.get("geometry") or {}
    kind, coords = geom.get("type"), geom.get("coordinates") or []
    style = {"color": color, "weight": 5}
    if kind == "Point":
        return [folium.CircleMarker([coords[1], coords[0]], radius=10, weight=3, color=color,
                                    fill=True, fill_opacity=0.9)]
    if kind == "LineString":
        return [folium.PolyLine(_latlon(coords), **style)]
    if kind == "MultiLineString":
        return [folium.PolyLine(_latlon(part), **style) for part in coords]
    if kind == "Polygon":
        return [folium.Polygon([_latlon(ring) for ring in coords], fill=True,
                               fill_opacity=0.25, **style)]
    if kind == "MultiPolygon":
        return [folium.Polygon([_latlon(ring) for ring in part], fill=True,
                               fill_opacity=0.25, **style) for part in coords]
    return []


def drawing_map(layers: Mapping[str, dict[str, Any]], exhibits: list[dict[str, Any]],
                target: str, features: list[dict[str, Any]], *, lang: str = "de",
                height: int = 460) -> folium.Map:
    """The site as in `editor_map` (without the target's own layer) and the target's
    features in the drawing tool's layer: editable (move vertices, drag markers, delete) and
    with the tool to draw more of the target's kind (paths: lines, outline and zones: areas,
    exhibits: none, they are only dragged)."""
    shown = {k: v for k, v in layers.items()
             if k != {"paths": "paths", "site": "site"}.get(target)}
    fmap = editor_map(shown, [] if target == "exhibits" else exhibits, lang=lang,
                      height=height)
    if bounds := _bounds(layers):
        fmap.fit_bounds(bounds)
    group = folium.FeatureGroup(name="drawing", control=False).add_to(fmap)
    color = "#b71c1c" if target == "exhibits" else "#6a1b9a"
    for feature in features:
        stairs = (feature.get("properties") or {}).get("kind") == "stairs"
        for layer in _editable(feature, STAIRS_COLOR if stairs else color):
            layer.add_child(_Properties(feature.get("properties") or {}))
            if target == "exhibits":
                name = (feature.get("properties") or {}).get("exhibit", "")
                label = next(((e.get("name") or {}).get(lang) or e.get("id")
                              for e in exhibits if e.get("id") == name), name)
                layer.add_child(folium.Tooltip(_safe(label)))
            group.add_child(layer)
    off = {k: False for k in ("polyline", "polygon", "rectangle", "circle", "marker",
                              "circlemarker")}
    draw = {"paths": {**off, "polyline": {"shapeOptions": {"color": color, "weight": 5}}},
            "site": {**off, "polygon": {"allowIntersection": False,
                                        "shapeOptions": {"color": color}}},
            "zone": {**off, "polygon": {"allowIntersection": False,
                                        "shapeOptions": {"color": color}}},
            "exhibits": off}[target]
    edit = {"poly": {"allowIntersection": False}}
    if target == "exhibits":
        edit["remove"] = False  # an exhibit is deleted in its form, not by a stray tap
    OfflineDraw(feature_group=group, draw_options=draw, edit_options=edit,
                show_geometry_on_click=False, position="topleft").add_to(fmap)
    fmap.get_root().header.add_child(folium.Element(_TOUCH_CSS))
    return fmap
