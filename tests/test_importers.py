"""The importers on the files made for them (tests/data/editor, see tests/data/README.md):
the OSM site in three formats, exhibits from CSV, Excel, GeoJSON and KML, and each bad input
as a message that says what to do, with nothing half-imported."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import TESTS

from dashboard.editor import bundle, draft, photos
from dashboard.importers import osm, points, table

DATA = TESTS / "data" / "editor"
META = draft.ExhibitionMeta(id="testgarten", name_de="Testgarten", name_en="Test garden")


@pytest.fixture(scope="module")
def site() -> osm.SiteImport:
    return osm.read_site(DATA / "site.osm")


@pytest.fixture
def with_site(site) -> dict[str, bytes]:
    return draft.with_site(draft.new_exhibition(META), site.layers)


def _table_preview(name: str, files: dict[str, bytes], source: str = "") -> table.Preview:
    found = table.read_table((DATA / name).read_bytes(), name)
    return table.preview(found, table.guess_mapping(found.columns), files, source=source)


# --- the site --------------------------------------------------------------------------------


def _props(result: osm.SiteImport, layer: str) -> dict[str, dict]:
    return {f["properties"]["id"]: f["properties"] for f in result.layers[layer]["features"]}


def test_osm_xml_footpaths_steps_buildings_water_outline(site):
    assert site.ok and site.name == "Testgarten"
    paths = _props(site, "paths")
    assert "osm-way-210" not in paths  # the main road outside the grounds
    assert len(paths) == 7
    assert paths["osm-way-203"] == {"id": "osm-way-203", "kind": "stairs", "step_free": False}
    assert paths["osm-way-205"]["kind"] == "bridge"
    assert paths["osm-way-200"]["name"] == "Hauptweg"
    heights = {k: v["height_m"] for k, v in _props(site, "buildings").items()}
    assert heights == {"osm-way-400": 8.0, "osm-way-401": 6.0, "osm-way-402": 6.0}
    assert any("1 of 3 buildings" in n for n in site.notes)  # the shed has no height
    water = _props(site, "water")
    assert (water["osm-way-300"]["kind"], water["osm-way-301"]["kind"]) == ("lake", "river")
    assert site.count("site") == 1


@pytest.mark.parametrize("name", ["site.osm.pbf", "site-overpass.geojson"])
def test_pbf_and_overpass_geojson_give_the_same_site(site, name):
    other = osm.read_site(DATA / name)
    assert other.ok
    for layer in ("site", "paths", "buildings", "water"):
        assert _props(other, layer) == _props(site, layer)


@pytest.mark.parametrize(("name", "message"), [
    ("no-footpaths.osm", "no footpaths inside the site outline"),
    ("disconnected.osm", "fall apart into 2 pieces"),
    ("no-outline.osm", "no site outline"),
])
def test_bad_osm_files_say_what_to_do(name, message):
    result = osm.read_site(DATA / name)
    assert not result.ok
    assert any(message in p for p in result.problems), result.problems


@pytest.mark.parametrize(("name", "message"), [
    ("broken.osm", "is not OSM XML"), ("points.kml", "not an OSM file"),
    ("exhibits.csv", "not an OSM file"),
])
def test_unreadable_osm_files_raise_a_message(name, message):
    with pytest.raises(osm.OsmImportError, match=message):
        osm.read_site(DATA / name)


def test_a_pbf_that_is_not_one(tmp_path: Path):
    fake = tmp_path / "fake.osm.pbf"
    fake.write_bytes(b"\x00\x01not a pbf at all")
    with pytest.raises(osm.OsmImportError, match="not an OSM PBF"):
        osm.read_site(fake)


def test_site_and_spreadsheet_make_a_valid_exhibition(with_site):
    assert [p.message for p in bundle.check(with_site)] == [
        "section 'exhibits' is empty; give at least one exhibit"]
    preview = _table_preview("exhibits.csv", with_site)
    assert [e["id"] for e in preview.added] == ["solarpavillon", "regengarten", "aussichtsturm"]
    assert preview.refused == [] and preview.changed == []
    files = preview.apply(with_site)
    assert bundle.check(files) == []
    tower = next(e for e in draft.exhibits(files) if e["id"] == "aussichtsturm")
    assert tower["step_free"] is False and tower["visit_minutes"] == 5
    assert tower["name"] == {"de": "Aussichtsturm", "en": "Lookout tower"}


# --- spreadsheets ----------------------------------------------------------------------------


def test_excel_reads_like_the_csv(with_site):
    files = _table_preview("exhibits.csv", with_site).apply(with_site)
    again = _table_preview("exhibits.xlsx", files)
    assert again.added == [] and again.changed == [] and again.refused == []
    assert again.unchanged == ["solarpavillon", "regengarten", "aussichtsturm"]


def test_latin1_semicolons_and_decimal_commas(with_site):
    found = table.read_table((DATA / "exhibits-latin1.csv").read_bytes(), "exhibits-latin1.csv")
    assert found.columns == ("Name", "Breite", "Länge", "Minuten", "Quelle")
    assert any("Windows-1252" in n for n in found.notes)
    mapping = table.guess_mapping(found.columns)
    assert (mapping["lat"], mapping["lon"], mapping["source"]) == ("Breite", "Länge", "Quelle")
    preview = table.preview(found, mapping, with_site)
    assert [e["name"]["de"] for e in preview.added] == ["Kühlhaus", "Wasserspielplatz Süd"]
    assert preview.added[0]["location"] == {"lat": 47.6611, "lon": 9.1745}
    assert preview.added[1]["id"] == "wasserspielplatz-sued"


def test_a_missing_column_refuses_the_whole_table(with_site):
    preview = _table_preview("missing-column.csv", with_site)
    assert preview.problems and "no column for lat" in preview.problems[0]
    assert not preview.ok
    with pytest.raises(ValueError, match="nothing to apply"):
        preview.apply(with_site)


def test_duplicates_and_bad_rows_are_refused_with_reasons(with_site):
    dup = _table_preview("duplicates.csv", with_site)
    assert [e["id"] for e in dup.added] == ["solarpavillon"]
    assert dup.refused[0].line == 3 and "already used by line 2" in dup.refused[0].reasons[0]
    bad = _table_preview("bad-rows.csv", with_site)
    assert bad.added == []
    reasons = {r.label: r.reasons for r in bad.refused}
    assert "outside the site outline" in reasons["Weit weg"][0]
    assert "swapped?" in reasons["Vertauscht"][0]
    assert reasons["Keine Zahl"] == ("latitude '47.66x' is not a number",)
    assert "has no source" in reasons["Ohne Quelle"][0]
    assert reasons["Gut"] == ("visit minutes 'zehn' is not a number",)
    # One address for all rows fills the missing source.
    assert any(r.label == "Ohne Quelle" for r in bad.refused)
    filled = _table_preview("bad-rows.csv", with_site, source="https://example.org/alle")
    assert "Ohne Quelle" not in {r.label for r in filled.refused}


def test_an_import_keeps_what_the_table_does_not_say(with_site):
    files = _table_preview("exhibits.csv", with_site).apply(with_site)
    item = next(e for e in draft.exhibits(files) if e["id"] == "solarpavillon")
    files = draft.upsert_exhibits(files, [{**item, "facts": [{"de": "12 kWp", "en": "12 kWp"}]}])
    found = table.read_table(b"id,name_en,lat,lon\nsolarpavillon,Sun pavilion,47.6611,9.1709\n",
                             "update.csv")
    preview = table.preview(found, table.guess_mapping(found.columns), files)
    [(changed, fields)] = preview.changed
    assert fields == ("name",)
    assert changed["name"] == {"de": "Solarpavillon", "en": "Sun pavilion"}
    assert changed["facts"] == [{"de": "12 kWp", "en": "12 kWp"}]
    assert changed["visit_minutes"] == 15


@pytest.mark.parametrize(("data", "name", "message"), [
    (b"", "empty.csv", "is empty"),
    (b"\x00\x01\x02", "binary.csv", "not a text file"),
    (b"PK\x03\x04 no workbook", "broken.xlsx", "cannot be read as an Excel"),
    (b"a,b\n1,2\n", "table.ods", "give a .csv or .xlsx"),
])
def test_unreadable_tables(data, name, message):
    with pytest.raises(table.TableImportError, match=message):
        table.read_table(data, name)


# --- GeoJSON and KML points ------------------------------------------------------------------


@pytest.mark.parametrize(("name", "languages"), [("points.geojson", ("de", "en")),
                                                  ("points.kml", ("de",))])
def test_points_become_exhibits(site, name, languages):
    """The KML names are German only: valid in an exhibition in German (fallback de)."""
    meta = draft.ExhibitionMeta(id="testgarten", name_de="Testgarten", name_en="",
                                languages=languages)
    with_site = draft.with_site(draft.new_exhibition(meta), site.layers)
    found, refused = points.read_points((DATA / name).read_bytes(), name)
    assert refused == []
    preview = table.preview(found, table.guess_mapping(found.columns), with_site,
                            source="https://example.org/punkte")
    assert [e["id"] for e in preview.added] == ["solarpavillon", "regengarten"]
    assert preview.added[0]["location"] == {"lat": 47.6611, "lon": 9.1709}
    assert bundle.check(preview.apply(with_site)) == []


def test_one_language_names_in_a_two_language_exhibition_are_shown(with_site):
    found, _ = points.read_points((DATA / "points.kml").read_bytes(), "points.kml")
    preview = table.preview(found, table.guess_mapping(found.columns), with_site,
                            source="https://example.org/punkte")
    problems = bundle.check(preview.apply(with_site))
    assert {(p.item, p.field) for p in problems} >= {("exhibit 'solarpavillon'", "name")}
    assert all("text in en is missing" in p.message for p in problems)


def test_kml_lines_where_points_were_expected():
    found, refused = points.read_points((DATA / "lines.kml").read_bytes(), "lines.kml")
    assert len(found.rows) == 1
    assert refused == ["Hauptweg: is a LineString, not a point; only points become exhibits "
                       "(draw paths and areas on the site map)"]


def test_unreadable_points():
    with pytest.raises(points.PointsImportError, match="cannot be read as KML"):
        points.read_points(b"<kml><broken", "x.kml")
    with pytest.raises(points.PointsImportError, match=r"give a \.geojson or \.kml"):
        points.read_points(b"{}", "x.gpx")


# --- photos ----------------------------------------------------------------------------------


def test_a_photo_is_checked_like_a_data_folder_image(with_site):
    files = _table_preview("exhibits.csv", with_site).apply(with_site)
    photo = (DATA / "photo.jpg").read_bytes()
    files = photos.add_photo(files, "solarpavillon", photo, "IMG_0001.JPG",
                             alt_de="Der Pavillon", alt_en="The pavilion",
                             credit="Foto: Jana Muster, CC BY 4.0")
    item = next(e for e in draft.exhibits(files) if e["id"] == "solarpavillon")
    assert item["image"] == "images/solarpavillon.jpg"
    assert item["image_alt"] == {"de": "Der Pavillon", "en": "The pavilion"}
    assert item["image_credit"] == "Foto: Jana Muster, CC BY 4.0"
    assert files["images/solarpavillon.jpg"] == photo
    assert bundle.check(files) == []


@pytest.mark.parametrize(("content", "message"), [
    ((DATA / "not-a-photo.jpg").read_bytes(), "not a readable PNG, JPEG or WebP"),
    (b"", "is empty"),
    (b"x" * 1_100_000, "at most 1,048,576"),
])
def test_a_photo_that_is_not_one(with_site, content, message):
    files = _table_preview("exhibits.csv", with_site).apply(with_site)
    with pytest.raises(photos.PhotoError, match=message):
        photos.add_photo(files, "solarpavillon", content, "foto.jpg", credit="Foto: ich")


@pytest.mark.parametrize(("credit", "message"), [
    ("", "credit and licence: is empty"),
    ("   ", "credit and licence: is empty"),
    ("Foto\u202e: x", "control or bidi"),
    ("x" * 201, "at most 200"),
])
def test_a_photo_needs_a_usable_credit_line(with_site, credit, message):
    files = _table_preview("exhibits.csv", with_site).apply(with_site)
    photo = (DATA / "photo.jpg").read_bytes()
    with pytest.raises(photos.PhotoError, match=message):
        photos.add_photo(files, "solarpavillon", photo, "foto.jpg", credit=credit)


def test_a_new_photo_replaces_the_old_one_and_its_credit(with_site):
    files = _table_preview("exhibits.csv", with_site).apply(with_site)
    photo = (DATA / "photo.jpg").read_bytes()
    files = photos.add_photo(files, "solarpavillon", photo, "a.jpg", credit="Foto: A")
    files = photos.add_photo(files, "solarpavillon", photo, "b.jpg", credit="Foto: B, CC0")
    item = next(e for e in draft.exhibits(files) if e["id"] == "solarpavillon")
    assert item["image_credit"] == "Foto: B, CC0"
    assert [n for n in files if n.startswith("images/")] == ["images/solarpavillon.jpg"]


def test_the_planner_routes_along_the_imported_paths(with_site):
    """Between two imported exhibits the route follows the OSM footpaths (an L around the
    corner of the path network), not the straight line."""
    from dashboard import catalog as cat
    from dashboard import routing

    files = _table_preview("exhibits.csv", with_site).apply(with_site)
    with bundle.as_folder(files) as folder:
        catalog = cat.load(folder)
        plan = routing.plan_tour(catalog, routing.TourRequest(
            stops=("aussichtsturm",), start="solarpavillon", end="solarpavillon"))
    leg = plan.visits[1].leg
    straight = catalog.site.to_metres_xy([9.1709, 9.1722], [47.6611, 47.6623])
    straight_m = ((straight[0][1] - straight[0][0]) ** 2
                  + (straight[1][1] - straight[1][0]) ** 2) ** 0.5
    assert leg.distance_m > straight_m * 1.15  # along the path, around the corner
    assert len(leg.coords) > 3
