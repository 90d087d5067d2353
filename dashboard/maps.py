"""Map builders: folium maps and pydeck decks as pure functions (no Streamlit calls).

Two rules shape this module:
- Offline first. Leaflet and jQuery are served by the app itself (static/vendor), markers are
  drawn with CSS instead of an icon font, and the "offline" base map is the site's own
  geometry, so a tablet without internet still gets a full map.
- folium does not escape popup or tooltip text and puts it inside JavaScript template
  literals, so every text that is not ours passes through `escape_js_html` first.
"""

from __future__ import annotations

import functools
import html
import json
from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar

import folium
import pydeck as pdk
from branca.element import MacroElement, Template
from folium.utilities import JsCode
from shapely.ops import polylabel

from dashboard import presentation as fmt
from dashboard.catalog import Catalog, Exhibit
from dashboard.i18n import t

STATIC_URL = "/app/static/vendor"
LEAFLET_JS = f"{STATIC_URL}/leaflet-1.9.4/leaflet.js"
LEAFLET_CSS = f"{STATIC_URL}/leaflet-1.9.4/leaflet.css"

OFFLINE = "offline"
OSM = "osm"
BASEMAPS = (OFFLINE, OSM)


def basemap_index(configured: str) -> int:
    """Position of the configured base map in BASEMAPS; offline when the setting is unknown."""
    return BASEMAPS.index(configured) if configured in BASEMAPS else 0

# Offline plan colours: one palette for the map, the planner and the PDF.
GROUND = fmt.GROUND
SITE_FILL = fmt.SITE_FILL
WATER_FILL = fmt.WATER_FILL
WATER_LINE = fmt.WATER_LINE
PATH_LINE = fmt.PATH_LINE
PATH_EDGE = fmt.PATH_EDGE
STAIRS_LINE = fmt.STAIRS_LINE
BUILDING_FILL = fmt.BUILDING_FILL
BUILDING_LINE = fmt.BUILDING_LINE
ZONE_LINE = fmt.ZONE_LINE
SELECTED_RING = fmt.SELECTED_RING
TOUCH = 44  # px: the smallest target a finger hits reliably (WCAG 2.5.5, Apple HIG)


def escape_js_html(text: str) -> str:
    """Escape text for HTML that folium places inside a JavaScript template literal.

    html.escape covers tags and quotes; the template literal also treats backticks, `${` and
    backslashes specially, so those become character references too.
    """
    return (
        html.escape(str(text), quote=True)
        .replace("\\", "&#92;")
        .replace("`", "&#96;")
        .replace("$", "&#36;")
    )


class OfflineReadyMap(folium.Map):
    """A folium.Map that loads Leaflet from the app's own static files, not from a CDN.

    streamlit-folium loads every `default_js` script in order and gives up on the first that
    fails, so one unreachable CDN would leave the whole map blank. No jQuery (folium's default):
    only folium's Popup and `objects_to_stay_in_front` use it, and these maps have neither; it
    was 87 kB (30 kB compressed) on every page with a map.
    """

    default_js: ClassVar = [("leaflet", LEAFLET_JS)]
    default_css: ClassVar = [("leaflet_css", LEAFLET_CSS)]


def base_map(catalog: Catalog, lang: str, basemap: str = OFFLINE,
             legend_open: bool = True, legend: str | None = None) -> folium.Map:
    """The map without exhibit markers: site, zones, water, paths, buildings.

    Markers come separately (`exhibit_layer`), so that filtering changes only them and the
    map keeps its position and zoom.
    """
    site = catalog.site
    min_lon, min_lat, max_lon, max_lat = site.bounds
    pad = 0.004
    fmap = OfflineReadyMap(
        location=list(site.center),
        zoom_start=16,
        min_zoom=14,
        max_zoom=20,
        tiles=None,
        control_scale=True,
        max_bounds=True,
        min_lat=min_lat - pad,
        max_lat=max_lat + pad,
        min_lon=min_lon - pad,
        max_lon=max_lon + pad,
        prefer_canvas=False,
        zoom_snap=0.25,  # fit the narrow site snugly instead of a whole zoom level out
        zoom_delta=0.5,
    )
    fmap.add_child(_LeafletImagePath())  # first: before any marker is created
    fmap.add_child(_TouchSupport(lang, t("map.title", lang)))
    if basemap == OSM:
        tiles = folium.TileLayer(
            "OpenStreetMap", name="OpenStreetMap", max_zoom=20, max_native_zoom=19
        )
        tiles.add_to(fmap)
        fmap.add_child(_TileFailureNotice(tiles, t("basemap.tiles_failed", lang)))
    _style_background(fmap, GROUND if basemap == OFFLINE else "#dddddd")
    _add_geometry_layers(fmap, catalog, lang, offline=basemap == OFFLINE)
    # Below the exhibits, room for the legend (bottom right; folded it is one 32 px line), so
    # on a narrow map it never covers the southernmost exhibit.
    fmap.fit_bounds([[min_lat, min_lon], [max_lat, max_lon]], padding_top_left=(10, 10),
                    padding_bottom_right=(10, 48))
    if legend is None:
        add_legend(fmap, catalog, lang, legend_open)
    else:
        fmap.add_child(_Legend(legend))
    return fmap


def _style_background(fmap: folium.Map, colour: str) -> None:
    css = f"<style>.leaflet-container {{ background: {colour}; }}</style>"
    fmap.get_root().header.add_child(folium.Element(css))


def _escaped_features(features: list[dict], keep=None) -> dict:
    """A FeatureCollection whose string properties are escaped (they are data-file text and
    folium's GeoJsonTooltip puts them into HTML); keep filters the features."""
    return {"type": "FeatureCollection", "features": [
        {**f, "properties": {k: escape_js_html(v) if isinstance(v, str) else v
                             for k, v in f["properties"].items()}}
        for f in features if keep is None or keep(f["properties"])
    ]}


def _geojson(data: dict, name: str, style: dict, tooltip_field: str | None = None
             ) -> folium.GeoJson:
    tooltip = folium.GeoJsonTooltip(fields=[tooltip_field], labels=False) if tooltip_field else None
    return folium.GeoJson(
        data, name=name, style_function=lambda _f, s=style: s, tooltip=tooltip,
        interactive=tooltip is not None,
    )


def _add_geometry_layers(fmap: folium.Map, catalog: Catalog, lang: str, offline: bool) -> None:
    site = catalog.site

    def layer(name: str, keep=None) -> dict:
        return _escaped_features(site.geojson(name)["features"], keep)

    def has(name: str, prop: str) -> bool:
        return prop in site.layer(name)

    if offline:
        _geojson(layer("site"), t("map.layer.site", lang),
                 {"color": "#9fb38a", "weight": 1.5, "fillColor": SITE_FILL, "fillOpacity": 1},
                 ).add_to(fmap)
    if not site.layer("zones").empty:
        _geojson(layer("zones"), t("map.layer.zones", lang),
                 {"color": ZONE_LINE, "weight": 1.5, "dashArray": "6 4", "fillOpacity": 0.0},
                 ).add_to(fmap)
    if not site.layer("water").empty:
        _geojson(layer("water"), t("map.layer.water", lang),
                 {"color": WATER_LINE, "weight": 1, "fillColor": WATER_FILL,
                  "fillOpacity": 0.95 if offline else 0.4},
                 "name" if has("water", "name") else None).add_to(fmap)
    if not site.layer("buildings").empty:
        _geojson(layer("buildings"), t("map.layer.buildings", lang),
                 {"color": BUILDING_LINE, "weight": 1, "fillColor": BUILDING_FILL,
                  "fillOpacity": 1 if offline else 0.5},
                 "name" if has("buildings", "name") else None).add_to(fmap)
    if not site.layer("paths").empty:
        group = folium.FeatureGroup(name=t("map.layer.paths", lang))
        flat = _merged_lines(layer("paths", lambda p: p.get("step_free", True)))
        stairs = _merged_lines(layer("paths", lambda p: not p.get("step_free", True)))
        if flat["features"]:
            line = _geojson(flat, "path", {"color": PATH_LINE, "weight": 4.5, "opacity": 1})
            line.add_to(group)
            group.add_child(_CasedLines(line, {"color": PATH_EDGE, "weight": 7, "opacity": 1}))
        if stairs["features"]:
            _geojson(stairs, "stairs", {"color": STAIRS_LINE, "weight": 4, "dashArray": "2 5",
                                        "opacity": 1}).add_to(group)
        group.add_to(fmap)
    _add_zone_labels(fmap, catalog, lang)


class _CasedLines(MacroElement):
    """A wider line of another colour under a GeoJson line layer, drawn from the same data in
    the browser (the paths are sent once, not once per stroke)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var line = {{ this.line.get_name() }};
            var style = {{ this.style|tojson }};
            var edge = L.geoJson(line.toGeoJSON(), {
                style: function() { return style; }, interactive: false});
            {{ this._parent.get_name() }}.addLayer(edge);
            line.bringToFront();
        })();
        {% endmacro %}
        """
    )

    def __init__(self, line: folium.GeoJson, style: dict):
        super().__init__()
        self._name = "CasedLines"
        self.line = line
        self.style = style


def _merged_lines(collection: dict) -> dict:
    """The paths as one MultiLineString without properties: the map draws them (twice, edge
    and line) and needs no per-path data, and a big site has thousands of path pieces."""
    lines = []
    for f in collection["features"]:
        geom = f["geometry"]
        lines += geom["coordinates"] if geom["type"] == "MultiLineString" else [geom["coordinates"]]
    if not lines:
        return {"type": "FeatureCollection", "features": []}
    return {"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {},
        "geometry": {"type": "MultiLineString", "coordinates": lines}}]}


def _add_zone_labels(fmap: folium.Map, catalog: Catalog, lang: str) -> None:
    # Labels get a pane of their own between the shapes (400) and the markers (600): where a
    # label and an exhibit overlap, the exhibit stays visible and tappable on top. The largest
    # zones come first: the label placement in the browser (_TouchSupport) keeps the earlier
    # label where two would overlap. A working title's "(Arbeitstitel)" is not for the map.
    folium.map.CustomPane(ZONE_LABEL_PANE, z_index=450, pointer_events=False).add_to(fmap)
    zones = [(zone_id, shape) for zone_id, shape in catalog.site.zone_shapes.items()
             if zone_id in catalog.zones]
    for zone_id, shape in sorted(zones, key=lambda z: -z[1].area):
        point = polylabel(shape, tolerance=1e-6)  # the roomiest spot, also in thin zones
        label = escape_js_html(fmt.map_label(catalog.text(catalog.zones[zone_id].name, lang)))
        folium.Marker(
            [point.y, point.x],
            icon=folium.DivIcon(
                html=f'<div class="lr-zone-label">{label}</div>',
                icon_size=(0, 0), icon_anchor=(0, 8), class_name="lr-zone",
            ),
            interactive=False,
            pane=ZONE_LABEL_PANE,
        ).add_to(fmap)
    fmap.get_root().header.add_child(folium.Element(f"<style>{map_css()}</style>"))


ZONE_LABEL_PANE = "lr-zone-labels"

MAP_CSS_FILE = Path(__file__).resolve().parents[1] / "static" / "css" / "map.css"


@functools.cache
def map_css() -> str:
    """The maps' stylesheet (static/css/map.css) with the palette's colours as properties."""
    colours = (f":root{{--lr-zone-label:{fmt.ZONE_LABEL};"
               f"--lr-selected-ring:{fmt.SELECTED_RING};}}\n")
    return colours + MAP_CSS_FILE.read_text(encoding="utf-8")


# Per feature: a keyboard-focusable marker named for screen readers, Enter/Space acts as a tap,
# a tap opens the name on the map (touch has no hover), the selected one keeps its name shown.
# Texts arrive as JSON properties: `tip` is escaped HTML, `label` plain text set as attributes.
_ON_EACH_MARKER = JsCode("""
function(feature, layer) {
  var p = feature.properties;
  layer.options.keyboard = true;
  layer.options.title = p.label;
  layer.options.zIndexOffset = p.selected ? 1000 : 0;
  layer.setIcon(L.divIcon({html: p.html, className: 'lr-divicon', iconSize: [44, 44],
                           iconAnchor: [22, 22]}));
  layer.bindTooltip(p.tip, {permanent: !!p.selected, direction: 'top', offset: [0, -20],
                            className: 'lr-tip', opacity: 1});
  layer.on('add', function() {
    var el = layer.getElement();
    el.setAttribute('role', 'button');
    el.setAttribute('aria-label', p.label);
    if (p.selected) { el.setAttribute('aria-pressed', 'true'); }
    el.addEventListener('keydown', function(e) {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        layer.fire('click', {latlng: layer.getLatLng(), originalEvent: e});
      }
    });
  });
  layer.on('click', function() { layer.openTooltip(); });
}
""")


def _marker_feature(lat: float, lon: float, html_: str, label: str, tip: str,
                    selected: bool) -> dict:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {"html": html_, "label": label, "tip": tip, "selected": selected}}


def _marker_geojson(features: list[dict], name: str) -> folium.GeoJson:
    """All markers of a layer as ONE GeoJson layer (one JS object per marker, no per-marker
    script): the map page stays cheap with thousands of exhibits."""
    return folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=name,
        marker=folium.Marker(icon=folium.DivIcon(icon_size=(TOUCH, TOUCH),
                                                 icon_anchor=(TOUCH // 2, TOUCH // 2),
                                                 class_name="lr-divicon")),
        on_each_feature=_ON_EACH_MARKER,
    )


# The exhibit layer is the big one (thousands of markers), so it is ONE GeoJson feature: a
# MultiPoint whose properties are parallel lists (id, name as plain text, category index) and
# the index of the selected one; Leaflet makes one marker per point, all in one layer. The
# category colours, symbols and names come once with the layer. Marker and tooltip are built
# as DOM nodes with textContent / setAttribute: data text is never parsed as HTML.
_ON_EACH_EXHIBIT = """
function(feature, group) {
  var C = %s;
  var p = feature.properties;
  group.getLayers().forEach(function(layer, k) {
    var c = C[p.c[k]], name = p.n[k], selected = k === p.s;
    var label = name + ' (' + c.name + ')';
    var hit = document.createElement('div'), disc = document.createElement('div');
    hit.className = 'lr-hit';
    disc.className = selected ? 'lr-marker lr-selected' : 'lr-marker';
    disc.setAttribute('data-exhibit', p.i[k]);
    disc.style.borderColor = c.color;
    disc.textContent = c.icon;
    hit.appendChild(disc);
    var tip = document.createElement('span');
    tip.textContent = name;
    layer.options.keyboard = true;
    layer.options.title = label;
    layer.options.zIndexOffset = selected ? 1000 : 0;
    layer.setIcon(L.divIcon({html: hit, className: 'lr-divicon', iconSize: [44, 44],
                             iconAnchor: [22, 22]}));
    layer.bindTooltip(tip, {permanent: selected, direction: 'top', offset: [0, -20],
                            className: 'lr-tip', opacity: 1});
    layer.on('add', function() {
      var el = layer.getElement();
      el.setAttribute('role', 'button');
      el.setAttribute('aria-label', label);
      if (selected) { el.setAttribute('aria-pressed', 'true'); }
      el.addEventListener('keydown', function(e) {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          layer.fire('click', {latlng: layer.getLatLng(), originalEvent: e});
        }
      });
    });
    layer.on('click', function() { layer.openTooltip(); });
  });
}
"""


def _script_json(value) -> str:
    """JSON that is safe inside a <script> element (no closing tag, no comment opener)."""
    return (json.dumps(value, ensure_ascii=False).replace("<", "\\u003c")
            .replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def exhibit_features(catalog: Catalog, exhibits: Iterable[Exhibit], lang: str,
                     selected_id: str | None = None) -> list[dict]:
    """The exhibit layer's data: one MultiPoint feature (none without exhibits) with parallel
    property lists i (ids), n (names), c (category indexes) and s (index of the selected one,
    -1 for none); see _ON_EACH_EXHIBIT."""
    index = {cat_id: i for i, cat_id in enumerate(catalog.categories)}
    exhibits = list(exhibits)
    if not exhibits:
        return []
    ids = [ex.id for ex in exhibits]
    return [{"type": "Feature",
             "geometry": {"type": "MultiPoint", "coordinates": [
                 [round(ex.location.lon, 7), round(ex.location.lat, 7)] for ex in exhibits]},
             "properties": {"i": ids, "n": [catalog.text(ex.name, lang) for ex in exhibits],
                            "c": [index[ex.category] for ex in exhibits],
                            "s": ids.index(selected_id) if selected_id in ids else -1}}]


def exhibit_layer(
    catalog: Catalog, exhibits: Iterable[Exhibit], lang: str, selected_id: str | None = None
) -> folium.FeatureGroup:
    """The exhibits as one GeoJson layer of 44 px markers coloured by category, each with its
    name as tooltip and as accessible name, focusable, Enter/Space select like a tap."""
    name = t("map.layer.exhibits", lang)
    group = folium.FeatureGroup(name=name)
    features = exhibit_features(catalog, exhibits, lang, selected_id)
    if features:
        categories = [{"color": c.color, "icon": c.icon, "name": catalog.text(c.name, lang)}
                      for c in catalog.categories.values()]
        folium.GeoJson(
            {"type": "FeatureCollection", "features": features},
            name=name,
            marker=folium.Marker(icon=folium.DivIcon(icon_size=(TOUCH, TOUCH),
                                                     icon_anchor=(TOUCH // 2, TOUCH // 2),
                                                     class_name="lr-divicon")),
            on_each_feature=JsCode(_ON_EACH_EXHIBIT % _script_json(categories)),
        ).add_to(group)
    return group


class _Legend(MacroElement):
    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var legend = L.control({position: 'bottomright'});
            legend.onAdd = function() {
                var div = L.DomUtil.create('div', 'lr-legend');
                div.innerHTML = {{ this.content|tojson }};
                return div;
            };
            legend.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, content: str):
        super().__init__()
        self._name = "Legend"
        self.content = content


def legend_html(catalog: Catalog, lang: str, open_: bool = True) -> str:
    """A collapsible legend (<details>): small maps start with it folded."""
    rows = [f"<details{' open' if open_ else ''}><summary><b>"
            f"{escape_js_html(t('map.legend', lang))}</b></summary>"]
    for cat in catalog.categories.values():
        rows.append(
            f'<div><i style="background:{cat.color}"></i>{escape_js_html(cat.icon)} '
            f"{escape_js_html(catalog.text(cat.name, lang))}</div>"
        )
    return "".join(rows) + "</details>"


def add_legend(fmap: folium.Map, catalog: Catalog, lang: str, open_: bool = True) -> None:
    fmap.add_child(_Legend(legend_html(catalog, lang, open_)))


class _TouchSupport(MacroElement):
    """What a tablet needs from the map frame:

    - focus without scrolling: Leaflet focuses the map (and a marker) on the first touch; the
      browser then scrolls the partly visible frame into view before the finger lifts and the
      tap lands on empty map (the "lost first tap"). Every focus() in the frame is made
      preventScroll.
    - markers closer than a finger (44 px) at the current zoom are spread around their centre
      after every zoom, so each one can be tapped.
    - the frame declares the page language and a name (screen readers read "Karte der
      Exponate", not the component's technical title).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            document.documentElement.lang = {{ this.lang|tojson }};
            var focus = HTMLElement.prototype.focus;
            HTMLElement.prototype.focus = function(opts) {
                focus.call(this, Object.assign({preventScroll: true}, opts || {}));
            };
            var box = map.getContainer();
            box.setAttribute('aria-label', {{ this.title|tojson }});
            box.setAttribute('role', 'region');
            try {
                if (window.frameElement) {
                    window.frameElement.setAttribute('title', {{ this.title|tojson }});
                }
            } catch (e) {}
            // A map narrower than a desktop's (a tablet's half of the screen, a phone): the
            // open legend would cover a third of the exhibits, so it starts folded.
            if (box.clientWidth < 800) {
                setTimeout(function() {
                    var d = box.querySelector('.lr-legend details');
                    if (d) { d.removeAttribute('open'); }
                }, 0);
            }
            var R = {{ this.touch }};
            function spread() {
                // Push apart every pair of markers closer than a finger (a few relaxation
                // rounds over a grid of R-sized cells), then shift each icon by its offset.
                var ms = [];
                map.eachLayer(function(l) {
                    if (l instanceof L.Marker && l.getElement && l.getElement() &&
                        l.getElement().querySelector('.lr-marker')) { ms.push(l); }
                });
                var home = ms.map(function(m) { return map.latLngToLayerPoint(m.getLatLng()); });
                var pos = home.map(function(p) { return [p.x, p.y]; });
                for (var round = 0; round < 40; round++) {
                    var grid = {}, moved = false;
                    pos.forEach(function(p, i) {
                        var k = Math.floor(p[0] / R) + ',' + Math.floor(p[1] / R);
                        (grid[k] = grid[k] || []).push(i);
                    });
                    pos.forEach(function(p, i) {
                        var gx = Math.floor(p[0] / R), gy = Math.floor(p[1] / R);
                        for (var dx = -1; dx <= 1; dx++) for (var dy = -1; dy <= 1; dy++) {
                            (grid[(gx + dx) + ',' + (gy + dy)] || []).forEach(function(j) {
                                if (j <= i) { return; }
                                var q = pos[j], vx = q[0] - p[0], vy = q[1] - p[1];
                                var d = Math.sqrt(vx * vx + vy * vy);
                                if (d >= R + 0.5) { return; }
                                if (d < 0.01) { vx = Math.cos(i + j); vy = Math.sin(i + j); d = 1; }
                                var push = (R + 1 - d) / 2 / d;
                                p[0] -= vx * push; p[1] -= vy * push;
                                q[0] += vx * push; q[1] += vy * push;
                                moved = true;
                            });
                        }
                    });
                    if (!moved) { break; }
                }
                ms.forEach(function(m, i) {
                    var ox = Math.round(pos[i][0] - home[i].x);
                    var oy = Math.round(pos[i][1] - home[i].y);
                    var el = m.getElement();
                    el.style.marginLeft = (ox - R / 2) + 'px';
                    el.style.marginTop = (oy - R / 2) + 'px';
                    if (m.getTooltip()) { m.getTooltip().options.offset = [ox, oy - 20]; }
                });
                placeLabels();
            }
            function placeLabels() {
                // Zone labels (largest zone first) where they overlap no marker, no control
                // (zoom, legend, scale), no label placed before and stay inside the frame:
                // as drawn, else a little above or below, else not at all at this zoom.
                var frame = box.getBoundingClientRect();
                var marks = Array.prototype.map.call(
                    box.querySelectorAll('.lr-marker, .leaflet-control'),
                    function(e) { return e.getBoundingClientRect(); });
                var placed = [], shifts = [0, -18, 18, -34, 34];
                box.querySelectorAll('.lr-zone').forEach(function(zone) {
                    var label = zone.firstElementChild;
                    if (!label) { return; }
                    zone.classList.remove('lr-zone-hidden');
                    for (var k = 0; k < shifts.length; k++) {
                        label.style.marginTop = shifts[k] + 'px';
                        var r = label.getBoundingClientRect();
                        var clash = function(a) {
                            return !(a.right < r.left - 2 || a.left > r.right + 2 ||
                                     a.bottom < r.top - 2 || a.top > r.bottom + 2);
                        };
                        if (r.left >= frame.left && r.right <= frame.right &&
                            r.top >= frame.top && r.bottom <= frame.bottom &&
                            !marks.some(clash) && !placed.some(clash)) {
                            placed.push(r);
                            return;
                        }
                    }
                    label.style.marginTop = '0px';
                    zone.classList.add('lr-zone-hidden');
                });
            }
            var timer = null, labelTimer = null;
            function later() { clearTimeout(timer); timer = setTimeout(spread, 30); }
            map.on('zoomend layeradd', later);
            map.on('moveend resize', function() {
                clearTimeout(labelTimer); labelTimer = setTimeout(placeLabels, 60);
            });
            later();
        })();
        {% endmacro %}
        """
    )

    def __init__(self, lang: str, title: str):
        super().__init__()
        self._name = "TouchSupport"
        self.lang = lang
        self.title = title
        self.touch = TOUCH


class _TileFailureNotice(MacroElement):
    """Without internet the OpenStreetMap background stays grey: after a few failed tiles the
    map says so and points to the offline map (the text is ours, set as textContent)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var tiles = {{ this.tiles.get_name() }}, failed = 0, shown = false;
            tiles.on('tileerror', function() {
                failed += 1;
                if (shown || failed < 3) { return; }
                shown = true;
                var note = L.control({position: 'topright'});
                note.onAdd = function() {
                    var div = L.DomUtil.create('div', 'lr-legend lr-tile-note');
                    div.setAttribute('role', 'status');
                    div.textContent = {{ this.text|tojson }};
                    return div;
                };
                note.addTo(tiles._map);
            });
        })();
        {% endmacro %}
        """
    )

    def __init__(self, tiles: folium.TileLayer, text: str):
        super().__init__()
        self._name = "TileFailureNotice"
        self.tiles = tiles
        self.text = text


class _LeafletImagePath(MacroElement):
    """Point Leaflet's default marker images at the bundled copies: folium creates markers
    with the default icon before swapping in ours, and Leaflet would guess a wrong URL."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "L.Icon.Default.prototype.options.imagePath = {{ this.path|tojson }};"
        "{% endmacro %}"
    )

    def __init__(self):
        super().__init__()
        self._name = "LeafletImagePath"
        self.path = f"{STATIC_URL}/leaflet-1.9.4/images/"


# --------------------------------------------------------------------------- pydeck


def _rgb(hex_colour: str, alpha: int = 255) -> list[int]:
    h = hex_colour.lstrip("#")
    return [int(h[i : i + 2], 16) for i in (0, 2, 4)] + [alpha]


def _polygon_rings(geom) -> list[list[list[float]]]:
    polys = list(geom.geoms) if geom.geom_type == "MultiPolygon" else [geom]
    return [[list(c) for c in p.exterior.coords] for p in polys]


class _FrozenDeck(pdk.Deck):
    """A Deck that serialises once: for a deck cached and shown unchanged on every rerun."""

    def to_json(self) -> str:
        if getattr(self, "_json_once", None) is None:
            self._json_once = super().to_json()
        return self._json_once


def _site_layers(catalog: Catalog, pickable_buildings: bool = True) -> list[pdk.Layer]:
    """The flat site, water and paths and the buildings extruded by their height: the ground
    of every 3D deck (no base map style, so no tile or style server)."""
    site = catalog.site
    ground = [{"polygon": ring} for g in site.layer("site").geometry for ring in _polygon_rings(g)]
    water = [
        {"polygon": ring, "name": str(n)}
        for g, n in zip(site.layer("water").geometry,
                        site.layer("water").get("name", [""] * len(site.layer("water"))),
                        strict=False)
        if g.geom_type in ("Polygon", "MultiPolygon")
        for ring in _polygon_rings(g)
    ]
    buildings = []
    frame = site.layer("buildings")
    names = frame["name"] if "name" in frame else [""] * len(frame)
    for geom, height, name in zip(frame.geometry, frame.get("height_m", []), names, strict=False):
        for ring in _polygon_rings(geom):
            buildings.append({"polygon": ring, "height": float(height),
                              "name": str(name or ""),
                              "category": f"{float(height):.0f} m"})
    paths = [
        {"path": [list(c) for c in line.coords]}
        for g in site.layer("paths").geometry
        for line in (g.geoms if g.geom_type == "MultiLineString" else [g])
    ]
    return [
        pdk.Layer("PolygonLayer", ground, id="site", get_polygon="polygon",
                  get_fill_color=_rgb(SITE_FILL), stroked=False, pickable=False),
        pdk.Layer("PolygonLayer", water, id="water", get_polygon="polygon",
                  get_fill_color=_rgb(WATER_FILL), stroked=False, pickable=False),
        pdk.Layer("PathLayer", paths, id="paths", get_path="path", get_color=[255, 255, 255],
                  width_min_pixels=2, get_width=2, pickable=False),
        pdk.Layer("PolygonLayer", buildings, id="buildings", get_polygon="polygon",
                  extruded=True, get_elevation="height", get_fill_color=_rgb(BUILDING_FILL),
                  get_line_color=_rgb(BUILDING_LINE), pickable=pickable_buildings,
                  auto_highlight=pickable_buildings),
    ]


def _deck(catalog: Catalog, layers: list[pdk.Layer], tooltip: dict, frozen: bool = False,
          pitch: float = 50) -> pdk.Deck:
    lat, lon = catalog.site.center
    return (_FrozenDeck if frozen else pdk.Deck)(
        layers=layers,
        initial_view_state=pdk.ViewState(latitude=lat, longitude=lon, zoom=15.6, pitch=pitch,
                                         bearing=-20),
        # No base map: map_provider=None and the default map_style left alone. (map_style=None
        # would make Streamlit fetch its own Carto style from the internet.)
        map_provider=None,
        tooltip=tooltip,
    )


def overview_deck(catalog: Catalog, exhibits: Iterable[Exhibit], lang: str,
                  frozen: bool = False) -> pdk.Deck:
    """A 3D overview: buildings extruded by height, exhibits as category-coloured columns.

    No base map style is set, so it needs no tile or style server; the site outline and water
    are drawn as flat layers instead. Tooltips are plain text (deck.gl sets innerText), so
    names are not HTML-escaped here: "Energy & water" must not show as "&amp;". frozen: the
    deck serialises once (it must not be changed afterwards).
    """
    columns = [
        {
            "position": [ex.location.lon, ex.location.lat],
            "color": _rgb(catalog.categories[ex.category].color),
            "name": catalog.text(ex.name, lang),
            "category": catalog.text(catalog.categories[ex.category].name, lang),
        }
        for ex in exhibits
    ]
    layers = [
        *_site_layers(catalog),
        pdk.Layer("ColumnLayer", columns, id="exhibits", get_position="position",
                  get_elevation=40, elevation_scale=1, radius=7, get_fill_color="color",
                  pickable=True, auto_highlight=True),
    ]
    return _deck(catalog, layers, {"text": "{name}\n{category}", "style": {"fontSize": "14px"}},
                 frozen)


def interest_deck(catalog: Catalog, columns: list[dict], lang: str) -> pdk.Deck:
    """The review's 3D map: per noted exhibit a column as high as the interest it drew and
    coloured by its category (`columns` from review.domain.interest_columns), over the
    buildings extruded by height; no base map style, so no tile or style server.

    The tooltip is plain text like the overview's: deck.gl sets it as innerText, so names
    (user data) stay text whoever renders the deck, and "&" is not shown as "&amp;". The
    buildings are not pickable: the tooltip is about the columns.
    """
    data = [{**c, "mean_text": fmt.decimal(c["mean_relevance"], lang, 1)} for c in columns]
    notes, relevance = (t(key, lang) for key in
                        ("insights.tooltip_notes", "insights.tooltip_relevance"))
    tooltip = {
        "text": f"{{name}}\n{{category}}\n{notes}: {{notes}} · {relevance}: {{mean_text}}",
        "style": {"fontSize": "14px", "maxWidth": "280px"},
    }
    layers = [
        *_site_layers(catalog, pickable_buildings=False),
        pdk.Layer("ColumnLayer", data, id="interest", get_position="[lon, lat]",
                  get_elevation="elevation", elevation_scale=1, radius=8,
                  get_fill_color="color", pickable=True, auto_highlight=True, extruded=True),
    ]
    return _deck(catalog, layers, tooltip, pitch=55)


# --------------------------------------------------------------------------- tour route

def route_layer(catalog: Catalog, plan, lang: str, candidates: Iterable[Exhibit] = (),
                selected_id: str | None = None) -> folium.FeatureGroup:
    """The planned walk along the paths, the stops labelled as in the table and the PDF
    (S, 1, 2, ..., Z), and the other exhibits as small markers to tap. `plan` is a
    routing.TourPlan or None (nothing planned yet). Tapping shows a place; it changes nothing."""
    group = folium.FeatureGroup(name=t("planner.route", lang))
    features = []
    for ex in candidates:
        name = catalog.text(ex.name, lang)
        colour = catalog.categories[ex.category].color
        html_ = (f'<div class="lr-hit"><div class="lr-marker lr-candidate'
                 f'{" lr-selected" if ex.id == selected_id else ""}" '
                 f'data-exhibit="{escape_js_html(ex.id)}" style="border-color:{colour}"></div>'
                 "</div>")
        features.append(_marker_feature(ex.location.lat, ex.location.lon, html_, name,
                                        escape_js_html(name), ex.id == selected_id))
    if plan is not None:
        coords = plan.route_coords()
        if len(coords) > 1:
            folium.PolyLine(coords, color="#ffffff", weight=9, opacity=0.9).add_to(group)
            folium.PolyLine(coords, color=fmt.ROUTE, weight=5, opacity=0.95).add_to(group)
        last = len(plan.visits) - 1
        for visit in plan.visits:
            place = visit.place
            if visit.number == last and place.id == plan.visits[0].place.id and last > 0:
                continue  # a round trip ends where it started: one marker
            role = fmt.stop_role(plan, visit)
            colour = fmt.ROUTE if role == "stop" else fmt.ENDPOINT
            label = fmt.stop_marker(plan, visit, lang)
            title = fmt.stop_label(plan, catalog, visit, lang)
            tip = f"{title} · {fmt.clock(visit.begin)}–{fmt.clock(visit.departure)}"
            html_ = (f'<div class="lr-hit"><div class="lr-marker lr-stop'
                     f'{" lr-selected" if place.id == selected_id else ""}" '
                     f'data-exhibit="{escape_js_html(place.id)}" '
                     f'style="background:{colour}">{escape_js_html(label)}</div></div>')
            features.append(_marker_feature(place.lat, place.lon, html_, title,
                                            escape_js_html(tip), place.id == selected_id))
    if features:
        _marker_geojson(features, t("planner.route", lang)).add_to(group)
    return group


# --------------------------------------------------------------------------- visitor route

WALKED = "#7f8c8d"  # the part of the route already walked: grey under the red still to come


def visitor_map(catalog: Catalog, plan, lang: str, basemap: str = OFFLINE) -> folium.Map:
    """The base map framed on the tour's route (not the whole site): stops stay apart."""
    fmap = base_map(catalog, lang, basemap, legend=visitor_legend_html(lang))
    points = list(plan.route_coords()) + [(v.place.lat, v.place.lon) for v in plan.visits]
    if points:
        lats, lons = [p[0] for p in points], [p[1] for p in points]
        bounds = [[min(lats), min(lons)], [max(lats), max(lons)]]
        # Re-aim the base map's one FitBounds (a second one is not honoured by st_folium).
        fits = [c for c in fmap._children.values() if isinstance(c, folium.map.FitBounds)]
        for fit in fits:
            fit.bounds = bounds
        if not fits:
            fmap.fit_bounds(bounds, padding=(30, 30))
    return fmap


def visitor_legend_html(lang: str) -> str:
    """What the visitor map's symbols are (not the exhibit categories: its markers are the
    numbered stops): a stop, the current stop, the route, the walked part, the visitor."""
    def row(symbol: str, key: str) -> str:
        return f"<div>{symbol}{escape_js_html(t(key, lang))}</div>"
    return (f"<details><summary><b>{escape_js_html(t('visitor.legend', lang))}</b></summary>"
            + row(f'<span class="lr-key" style="background:{fmt.ROUTE}">1</span>',
                  "visitor.legend.stop")
            + row(f'<span class="lr-key lr-key-current" style="background:{fmt.ROUTE}">2'
                  "</span>", "visitor.legend.current")
            + row(f'<span class="lr-key-line" style="background:{fmt.ROUTE}"></span>',
                  "visitor.legend.route")
            + row(f'<span class="lr-key-line" style="background:{WALKED}"></span>',
                  "visitor.legend.walked")
            + row('<span class="lr-key"><span class="lr-you"></span></span>',
                  "visitor.legend.you")
            + "</details>")


class _KeepInView(MacroElement):
    """Frame the map on the current stop and the next leg whenever the layer changes (every
    step): the stop never sits at the edge or under the legend. Runs inside st_folium's layer
    update, where the map is `map_div`; padding keeps clear of the zoom buttons (top left) and
    the legend (bottom right)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent._parent.get_name() }};
            var bounds = L.latLngBounds({{ this.points|tojson }});
            function fit() {
                // During a zoom animation (the base map's own first fit) Leaflet ignores a new
                // view: wait for its end. (_animatingZoom: Leaflet 1.9.4, vendored.)
                if (map._animatingZoom) { map.once('zoomend', fit); return; }
                map.fitBounds(bounds, {paddingTopLeft: [64, 24], paddingBottomRight: [40, 72],
                                       maxZoom: 17.5, animate: false});
            }
            // The frame still changes its size after the first layer (Leaflet keeps the
            // centre then, not the bounds): fit again on each resize until the visitor
            // moves the map. One handler per map: the last layer's.
            if (window.__lrKeepInView) { map.off('resize', window.__lrKeepInView); }
            window.__lrKeepInView = fit;
            map.on('resize', fit);
            map.once('dragstart', function() { map.off('resize', fit); });
            setTimeout(fit, 0);
        })();
        {% endmacro %}
        """
    )

    def __init__(self, points: list[tuple[float, float]]):
        super().__init__()
        self._name = "KeepInView"
        self.points = [[lat, lon] for lat, lon in points]


def next_leg_points(plan, index: int) -> list[tuple[float, float]]:
    """The current stop and the walk to the next place (the end after the last stop)."""
    here = plan.stops[index]
    points = [(here.place.lat, here.place.lon)]
    after = plan.visits[here.number + 1] if here.number + 1 < len(plan.visits) else None
    if after is not None:
        points.append((after.place.lat, after.place.lon))
        if after.leg is not None:
            points += [(lat, lon) for lat, lon in after.leg.coords]
    return points


def visitor_layer(catalog: Catalog, plan, index: int, walked: list[tuple[float, float]],
                  lang: str, you: tuple[float, float] | None = None) -> folium.FeatureGroup:
    """The visitor's map layer: the whole route in red, the walked part in grey on top, the
    stops numbered, the current stop (`index`, 0-based) ringed and named, the visitor's own
    position (`you`, lat/lon after "Where am I?") as a blue dot; framed on the current stop
    and the next leg."""
    group = folium.FeatureGroup(name=t("visitor.map", lang))
    coords = plan.route_coords()
    if len(coords) > 1:
        folium.PolyLine(coords, color="#ffffff", weight=9, opacity=0.9).add_to(group)
        folium.PolyLine(coords, color=fmt.ROUTE, weight=5, opacity=0.95).add_to(group)
    if len(walked) > 1:
        folium.PolyLine(walked, color=WALKED, weight=6, opacity=1).add_to(group)
    features = []
    for n, visit in enumerate(plan.stops):
        place = visit.place
        current = n == index
        colour = WALKED if n < index else fmt.ROUTE
        name = catalog.text(place.name, lang)
        html_ = (f'<div class="lr-hit"><div class="lr-marker lr-stop'
                 f'{" lr-selected" if current else ""}" data-exhibit="{escape_js_html(place.id)}"'
                 f' style="background:{colour}">{n + 1}</div></div>')
        label = f"{n + 1}. {name}"
        features.append(_marker_feature(place.lat, place.lon, html_, label,
                                        escape_js_html(label), current))
    if features:
        _marker_geojson(features, t("visitor.map", lang)).add_to(group)
    points = next_leg_points(plan, index) if plan.stops else []
    if you is not None:
        folium.Marker(list(you), icon=folium.DivIcon(
            html='<div class="lr-you" role="img"></div>', icon_size=(18, 18),
            icon_anchor=(9, 9), class_name="lr-divicon lr-you-icon"),
            tooltip=escape_js_html(t("visitor.legend.you", lang)), interactive=False,
        ).add_to(group)
        points.append(you)
    if points:
        group.add_child(_KeepInView(points))
    return group
