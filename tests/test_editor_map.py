"""The editor's map (dashboard/editor/editmap.py) without a browser: layers, steps marked,
the tapped place, names escaped, Leaflet from the app itself (offline)."""

from __future__ import annotations

from conftest import TESTS

from dashboard.editor import editmap
from dashboard.importers import osm
from dashboard.maps import STATIC_URL

HOSTILE = "<img src=x onerror=alert(1)> `${alert(1)}`"


def test_site_exhibits_and_tap_on_the_editor_map():
    site = osm.read_site(TESTS / "data" / "editor" / "site.osm")
    items = [{"id": "a", "name": {"de": HOSTILE}, "location": {"lat": 47.6611, "lon": 9.1709}},
             {"id": "b", "name": {"de": "B"}}]  # no place yet: not drawn, no crash
    fmap = editmap.editor_map(site.layers, items, pending=(47.662, 9.173))
    html = fmap.get_root().render()
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "${alert" not in html
    assert editmap.STAIRS_COLOR in html  # the steps are drawn apart from the paths
    assert "cdn.jsdelivr" not in html and STATIC_URL in html
    assert html.count("L.circleMarker") == 2  # one exhibit with a place, one tapped place


def test_an_empty_draft_draws_an_empty_map():
    html = editmap.editor_map({}, []).get_root().render()
    assert "L.map" in html
