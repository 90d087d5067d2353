"""Map builders, checked on the objects and on the HTML they render (no browser)."""

from __future__ import annotations

import json

import pytest
from conftest import MINI, edit_yaml, exhibit

from dashboard import catalog as cat
from dashboard import maps

XSS = "<img src=x onerror=alert(1)>`${alert(2)}`\\"


@pytest.fixture(scope="module")
def mini():
    return cat.load(MINI)


def render(fmap) -> str:
    return fmap.get_root().render()


def test_escape_js_html_neutralises_html_and_template_literals():
    out = maps.escape_js_html(XSS)
    assert "<" not in out and ">" not in out
    assert "`" not in out and "${" not in out and "\\" not in out
    assert out.startswith("&lt;img src=x onerror=alert(1)&gt;&#96;&#36;{alert(2)}")


def test_map_loads_leaflet_from_the_app_not_a_cdn(mini):
    html = render(maps.base_map(mini, "de", maps.OFFLINE))
    assert maps.LEAFLET_JS in html and maps.LEAFLET_CSS in html
    for cdn in ("cdn.jsdelivr.net", "cdnjs.cloudflare.com", "code.jquery.com",
                "bootstrapcdn", "fontawesome"):
        assert cdn not in html
    # Nor jQuery at all: nothing on these maps uses it (a page's weight on exhibition Wi-Fi).
    assert "jquery" not in html.lower() and "$(" not in html


def test_offline_base_map_has_no_tiles_and_draws_the_site(mini):
    html = render(maps.base_map(mini, "de", maps.OFFLINE))
    assert "tile.openstreetmap.org" not in html and "L.tileLayer" not in html
    for feature_id in ("site", "house", "pond"):
        assert f'"{feature_id}"' in html
    # Paths come as one MultiLineString per kind (no per-path properties): every path's
    # coordinates are drawn.
    paths = mini.site.geojson("paths")["features"]
    assert {f["properties"]["id"] for f in paths} >= {"west-axis", "north-stairs"}
    for f in paths:
        first = f["geometry"]["coordinates"][0]
        assert json.dumps(first) in html
    assert html.count('"MultiLineString"') == 2  # the flat paths (edge and line), the stairs
    assert "L.geoJson(line.toGeoJSON()" in html and maps.PATH_EDGE in html
    assert maps.STAIRS_LINE in html  # stairs are drawn differently from step-free paths
    assert "Westteil" in html  # zone labels in the chosen language


def test_osm_base_map_adds_the_tile_layer(mini):
    html = render(maps.base_map(mini, "en", maps.OSM))
    assert "tile.openstreetmap.org" in html
    assert "West part" in html


def marker_features(layer) -> list[dict]:
    """The features of the one GeoJson marker layer inside a FeatureGroup."""
    (geojson,) = [c for c in layer._children.values() if c._name == "GeoJson"]
    return geojson.data["features"]


def test_one_marker_per_exhibit_with_category_colour_in_one_layer(mini):
    exhibits = list(mini.exhibits.values())
    layer = maps.exhibit_layer(mini, exhibits, "en")
    assert [c._name for c in layer._children.values()] == ["GeoJson"]  # no Marker per exhibit
    (feature,) = marker_features(layer)  # one MultiPoint: one marker per point
    assert feature["geometry"]["type"] == "MultiPoint"
    assert sorted(tuple(c) for c in feature["geometry"]["coordinates"]) == sorted(
        (e.location.lon, e.location.lat) for e in exhibits)
    assert sorted(feature["properties"]["i"]) == sorted(mini.exhibits)
    html = render(maps.base_map(mini, "en").add_child(layer))
    assert "disc.className = selected ? 'lr-marker lr-selected' : 'lr-marker'" in html
    assert mini.categories["water"].color in html and mini.categories["energy"].color in html
    # 44 px touch targets, keyboard focusable (Enter/Space act as a tap), named for screen
    # readers.
    assert "iconSize: [44, 44]" in html and "layer.options.keyboard = true" in html
    assert "setAttribute('aria-label', label)" in html and "e.key === 'Enter'" in html


def test_exhibit_features_carry_only_ids_names_categories_and_selection(mini):
    (feature,) = maps.exhibit_features(mini, mini.exhibits.values(), "en", "fountain")
    props = feature["properties"]
    assert set(props) == {"i", "n", "c", "s"}
    cats = list(mini.categories)
    for k, exhibit_id in enumerate(props["i"]):
        ex = mini.exhibits[exhibit_id]
        assert props["n"][k] == mini.text(ex.name, "en") and cats[props["c"][k]] == ex.category
        assert feature["geometry"]["coordinates"][k] == [ex.location.lon, ex.location.lat]
    assert props["i"][props["s"]] == "fountain"
    (none,) = maps.exhibit_features(mini, mini.exhibits.values(), "en")
    assert none["properties"]["s"] == -1
    assert maps.exhibit_features(mini, [], "en") == []


def test_selected_marker_is_highlighted_and_keeps_its_name_shown(mini):
    layer = maps.exhibit_layer(mini, mini.exhibits.values(), "en", selected_id="fountain")
    (feature,) = marker_features(layer)
    props = feature["properties"]
    assert props["i"][props["s"]] == "fountain" and props["n"][props["s"]] == "Fountain"
    html = render(maps.base_map(mini, "en").add_child(layer))
    assert "permanent: selected" in html  # the tapped marker shows its name (touch)


def test_route_layer_names_stops_like_the_table(mini):
    from dashboard import export, routing

    plan = routing.plan_tour(mini, routing.TourRequest(stops=("solar-roof", "fountain"),
                                                       optimize=False))
    layer = maps.route_layer(mini, plan, "de", [mini.exhibits["rain-garden"]], "fountain")
    labels = [f["properties"]["label"] for f in marker_features(layer)]
    table = [r["marker"] for r in export.schedule_rows(plan, mini, "de")]
    assert table[0] == "S" and table[-1] == "Z"
    for marker, row in zip(table[:-1], export.schedule_rows(plan, mini, "de")[:-1], strict=True):
        assert f"{marker} · {row['name']}" in labels  # a round trip: one start marker


def test_legend_lists_every_category(mini):
    legend = maps.legend_html(mini, "en")
    assert "Categories" in legend and "Energy" in legend and "Water" in legend
    assert "Kategorien" in maps.legend_html(mini, "de")


def test_user_text_is_escaped_in_tooltip_popup_and_legend(mini_dir):
    def inject(d):
        exhibit(d, "fountain")["name"]["en"] = XSS
        exhibit(d, "fountain")["summary"]["en"] = XSS
        d["categories"][1]["name"]["en"] = XSS

    edit_yaml(mini_dir / "exhibits.yaml", inject)
    catalog = cat.load(mini_dir)
    layer = maps.exhibit_layer(catalog, catalog.exhibits.values(), "en")
    fmap = maps.base_map(catalog, "en")
    fmap.add_child(layer)
    html = render(fmap)
    assert "<img src=x" not in html
    # Marker texts travel as JSON (with < escaped) and become DOM text through textContent /
    # setAttribute / the title property: never parsed as HTML.
    (feature,) = marker_features(layer)
    assert XSS in feature["properties"]["n"]
    assert "tip.textContent = name" in html and "disc.textContent = c.icon" in html
    assert XSS not in html
    # The legend goes through JSON into innerHTML: escaped before it is encoded.
    assert "<img" not in json.loads(json.dumps(maps.legend_html(catalog, "en")))


def test_overview_deck_extrudes_buildings_and_shows_names_as_text(mini_dir):
    edit_yaml(mini_dir / "exhibits.yaml",
              lambda d: exhibit(d, "fountain")["name"].update(en=XSS))
    catalog = cat.load(mini_dir)
    deck = maps.overview_deck(catalog, catalog.exhibits.values(), "en")
    spec = json.loads(deck.to_json())
    layers = {layer["id"]: layer for layer in spec["layers"]}
    assert layers["buildings"]["extruded"] is True
    assert [b["height"] for b in layers["buildings"]["data"]] == [12.0]
    columns = layers["exhibits"]["data"]
    assert len(columns) == 3
    fountain = next(c for c in columns if c["position"] == [9.003, 49.001])
    assert fountain["color"] == [0x24, 0x71, 0xA3, 255]
    # deck.gl shows "text" tooltips with innerText: the name stays as written (escaping it
    # would show "&amp;"), and it is never parsed as HTML.
    assert fountain["name"] == XSS
    assert "text" in deck._tooltip and "html" not in deck._tooltip
    # No style server: pydeck's "no style" sentinel, which Streamlit leaves alone (a None or
    # missing style would make Streamlit load a Carto style from the internet).
    assert spec.get("mapStyle") == "__MAP_STYLE__" and spec.get("mapProvider") is None


@pytest.mark.parametrize(("setting", "index"), [("offline", 0), ("osm", 1), ("tiles", 0)])
def test_basemap_setting(setting, index):
    assert maps.basemap_index(setting) == index


def test_osm_map_notices_failed_tiles_and_points_to_the_offline_map(mini):
    html = render(maps.base_map(mini, "de", maps.OSM))
    assert "tileerror" in html and "Offline (Gel" in html
    assert "tileerror" not in render(maps.base_map(mini, "de", maps.OFFLINE))
