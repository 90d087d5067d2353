"""Paths, the outline and zones drawn and edited on the editor's map, exhibits dragged: the
shapes the drawing tool returns back into the draft (dashboard/editor/drawing.py), and the map
that offers the tool (dashboard/editor/editmap.drawing_map). The taps themselves are in
tests/test_browser_editor.py."""

from __future__ import annotations

import copy
import json

import pytest
from test_editor_page import garden_files

from dashboard.editor import bundle, draft, drawing, editmap, lists


@pytest.fixture
def files() -> dict[str, bytes]:
    return garden_files()


def as_returned(features: list[dict]) -> list[dict]:
    """What Leaflet's toGeoJSON gives back: the same features, as plain JSON."""
    return json.loads(json.dumps(features))


def test_returning_the_shapes_unchanged_changes_nothing(files):
    for target in ("paths", "site", "exhibits"):
        assert drawing.apply(files, target, as_returned(drawing.features_of(files, target))) \
            == files, target
    zone = drawing.features_of(files, "zone", "gelaende")
    assert drawing.apply(files, "zone", as_returned(zone), "gelaende") == files


def test_a_drawn_path_is_a_step_free_footpath_and_edits_keep_properties(files):
    paths = as_returned(drawing.features_of(files, "paths"))
    stairs = next(p for p in paths if p["properties"].get("kind") == "stairs")
    start = paths[0]["geometry"]["coordinates"][0]
    new = {"type": "Feature", "properties": {},
           "geometry": {"type": "LineString", "coordinates": [start, [9.1716, 47.6612]]}}
    moved = copy.deepcopy(paths[1])
    moved["geometry"]["coordinates"][-1] = [9.17161, 47.66125]
    out = drawing.apply(files, "paths", [paths[0], moved, *paths[2:], new])
    after = draft.read_layer(out, "paths")["features"]
    assert len(after) == len(paths) + 1
    assert after[-1]["properties"] == {"id": "drawn-path-" + str(len(paths) + 1),
                                       "step_free": True, "kind": "path"}
    assert after[1]["properties"] == paths[1]["properties"]
    assert after[1]["geometry"]["coordinates"][-1] == [9.17161, 47.66125]
    assert next(p for p in after if p["properties"]["id"] == stairs["properties"]["id"]) \
        ["properties"]["step_free"] is False  # the stairs stay stairs
    assert bundle.check(out) == []


def test_a_deleted_path_is_gone_and_the_validator_says_what_that_breaks(files):
    paths = as_returned(drawing.features_of(files, "paths"))
    out = drawing.apply(files, "paths", paths[:1])
    assert len(draft.read_layer(out, "paths")["features"]) == 1
    assert any("footpath" in str(p) for p in bundle.check(out))


def test_a_stray_marker_is_not_a_path(files):
    paths = as_returned(drawing.features_of(files, "paths"))
    marker = {"type": "Feature", "properties": {},
              "geometry": {"type": "Point", "coordinates": [9.17, 47.66]}}
    assert drawing.apply(files, "paths", [*paths, marker]) == files


def test_the_outline_redrawn(files):
    site = as_returned(drawing.features_of(files, "site"))
    ring = site[0]["geometry"]["coordinates"][0]
    bigger = [[x + (0.0005 if x > 9.172 else -0.0005), y] for x, y in ring]
    drawn = [{"type": "Feature", "properties": {},
              "geometry": {"type": "Polygon", "coordinates": [bigger]}}]
    out = drawing.apply(files, "site", drawn)
    (feature,) = draft.read_layer(out, "site")["features"]
    assert feature["properties"] == {"id": "site"}
    assert feature["geometry"]["coordinates"][0] == bigger


def test_a_new_zone_gets_its_area_drawn(files):
    files = lists.upsert(files, "zone", {"id": "nord", "name": {"de": "Nord", "en": "North"}})
    assert lists.zones_without_polygon(files) == ["nord"]
    assert drawing.features_of(files, "zone", "nord") == []
    square = [[9.1705, 47.6605], [9.1712, 47.6605], [9.1712, 47.6609], [9.1705, 47.6609],
              [9.1705, 47.6605]]
    out = drawing.apply(files, "zone", [{"type": "Feature", "properties": {},
                                         "geometry": {"type": "Polygon",
                                                      "coordinates": [square]}}], "nord")
    assert lists.zones_without_polygon(out) == []
    ids = [f["properties"]["id"] for f in draft.read_layer(out, "zones")["features"]]
    assert ids == ["gelaende", "nord"]
    assert not any("polygon" in str(p) for p in bundle.check(out))


def test_a_dragged_marker_moves_only_its_exhibit(files):
    points = as_returned(drawing.features_of(files, "exhibits"))
    points[1]["geometry"]["coordinates"] = [9.17155, 47.66125]
    assert drawing.moved_exhibits(files, points) == [points[1]["properties"]["exhibit"]]
    out = drawing.apply(files, "exhibits", points[1:2])  # one marker removed: no delete
    after = {e["id"]: e["location"] for e in draft.exhibits(out)}
    before = {e["id"]: e["location"] for e in draft.exhibits(files)}
    moved = points[1]["properties"]["exhibit"]
    assert after[moved] == {"lat": 47.66125, "lon": 9.17155}
    assert {k: v for k, v in after.items() if k != moved} == \
        {k: v for k, v in before.items() if k != moved}


def test_the_drawing_map_is_offline_and_names_its_shapes(files):
    items = draft.exhibits(files)
    items[0]["name"]["de"] = "<b>`${x}`</b>"
    features = drawing.features_of(files, "exhibits")
    html = editmap.drawing_map({}, items, "exhibits", features).get_root().render()
    assert "/app/static/vendor/leaflet.draw-1.0.4/leaflet.draw.js" in html
    assert "cdnjs" not in html and "unpkg" not in html
    assert html.count('.feature = {"type": "Feature"') == len(features)
    assert '"exhibit": "solarpavillon"' in html
    assert "<b>`${x}`</b>" not in html  # the tooltip is escaped
    assert '"marker": false' in html and '"remove": false' in html  # drag only
    paths = editmap.drawing_map({}, items, "paths",
                                drawing.features_of(files, "paths")).get_root().render()
    assert '"polyline": {"shapeOptions"' in paths and '"polygon": false' in paths


def test_the_bundled_leaflet_draw_is_there():
    from conftest import ROOT

    folder = ROOT / "static" / "vendor" / "leaflet.draw-1.0.4"
    assert (folder / "leaflet.draw.js").read_text().startswith("/*\n Leaflet.draw 1.0.4")
    css = (folder / "leaflet.draw.css").read_text()
    for name in ("spritesheet.png", "spritesheet-2x.png", "spritesheet.svg"):
        assert f"images/{name}" in css and (folder / "images" / name).is_file()
    assert "MIT" in (folder / "LICENSE").read_text() or "Permission is hereby granted" in (
        folder / "LICENSE").read_text()
