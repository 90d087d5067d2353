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


def test_offline_base_map_has_no_tiles_and_draws_the_site(mini):
    html = render(maps.base_map(mini, "de", maps.OFFLINE))
    assert "tile.openstreetmap.org" not in html and "L.tileLayer" not in html
    for feature_id in ("site", "west-axis", "north-stairs", "house", "pond"):
        assert f'"{feature_id}"' in html
    assert maps.STAIRS_LINE in html  # stairs are drawn differently from step-free paths
    assert "Westteil" in html  # zone labels in the chosen language


def test_osm_base_map_adds_the_tile_layer(mini):
    html = render(maps.base_map(mini, "en", maps.OSM))
    assert "tile.openstreetmap.org" in html
    assert "West part" in html


def test_one_marker_per_exhibit_with_category_colour(mini):
    exhibits = list(mini.exhibits.values())
    layer = maps.exhibit_layer(mini, exhibits, "en")
    markers = [c for c in layer._children.values() if c._name == "Marker"]
    assert len(markers) == 3
    assert sorted(tuple(m.location) for m in markers) == sorted(
        (e.location.lat, e.location.lon) for e in exhibits)
    html = render(maps.base_map(mini, "en").add_child(layer))
    # DivIcon html is JSON-encoded into the script, hence the escaped quotes.
    assert html.count('class=\\"lr-marker') == 3
    assert mini.categories["water"].color in html and mini.categories["energy"].color in html


def test_selected_marker_is_highlighted(mini):
    layer = maps.exhibit_layer(mini, mini.exhibits.values(), "en", selected_id="fountain")
    html = render(maps.base_map(mini, "en").add_child(layer))
    assert html.count("lr-selected") == 2  # once in the CSS, once on the marker
    assert 'lr-marker lr-selected\\" data-exhibit=\\"fountain' in html


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
    fmap = maps.base_map(catalog, "en")
    fmap.add_child(maps.exhibit_layer(catalog, catalog.exhibits.values(), "en"))
    html = render(fmap)
    assert "<img src=x" not in html
    assert "${alert(2)}" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    # The legend goes through JSON into innerHTML: escaped before it is encoded.
    assert "<img" not in json.loads(json.dumps(maps.legend_html(catalog, "en")))


def test_overview_deck_extrudes_buildings_and_escapes_tooltips(mini_dir):
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
    assert "<img" not in fountain["name"] and "&lt;img" in fountain["name"]
    assert spec.get("mapStyle") in (None, "")  # no style server needed


@pytest.mark.parametrize(("setting", "index"), [("offline", 0), ("osm", 1), ("tiles", 0)])
def test_basemap_setting(setting, index):
    assert maps.basemap_index(setting) == index
