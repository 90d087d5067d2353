"""Loading and validating a data folder: the good case, and one broken fixture per check."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import DEFAULT_DATA, MINI, edit_yaml, exhibit

from dashboard import catalog as cat
from dashboard.errors import DataError, UnknownExhibitError


def problems_of(data_dir: Path) -> list[str]:
    with pytest.raises(DataError) as info:
        cat.load(data_dir)
    return [str(p) for p in info.value.problems]


def only_problem(data_dir: Path) -> str:
    found = problems_of(data_dir)
    assert len(found) == 1, found
    return found[0]


# --------------------------------------------------------------------------- good data


def test_mini_loads_with_all_sections():
    catalog = cat.load(MINI)
    assert list(catalog.exhibits) == ["solar-roof", "rain-garden", "fountain"]
    assert list(catalog.categories) == ["energy", "water"]
    assert catalog.default_city.id == "testhausen"
    fountain = catalog.exhibit("fountain")
    assert [f"{s:%H:%M}" for s in fountain.show_times] == ["11:00", "15:00"]
    assert fountain.priority == 3  # the default
    assert catalog.counts_by_category() == {"energy": 1, "water": 2}
    assert set(catalog.site.zone_shapes) == {"west", "east"}


def test_default_data_meets_the_content_brief():
    catalog = cat.load(DEFAULT_DATA)
    assert len(catalog.exhibits) >= 20
    used = {e.category for e in catalog.exhibits.values()}
    assert len(used) >= 6
    assert {d for d in catalog.departments} >= {"finanzen", "bauwesen", "personal",
                                                 "organisation", "it"}
    for ex in catalog.exhibits.values():
        assert ex.sources, ex.id
        for field, text in ex.localized_texts():
            assert text.de and text.en, (ex.id, field)
        assert "konstanz" in ex.city_notes, ex.id
        assert ex.departments, ex.id
    names = {e.name.de for e in catalog.exhibits.values()}
    assert any("Skaio" in n for n in names)
    assert any("Holz" in n for n in names) and any("Faser" in n for n in names)


def test_unknown_exhibit_raises_a_value_error():
    catalog = cat.load(MINI)
    with pytest.raises(UnknownExhibitError) as info:
        catalog.exhibit("nope")
    assert isinstance(info.value, ValueError)
    assert "'nope'" in str(info.value)


def test_unquoted_yaml_time_is_read_back_as_a_clock_time(mini_dir):
    text = (mini_dir / "exhibits.yaml").read_text()
    (mini_dir / "exhibits.yaml").write_text(text.replace('["11:00", "15:00"]', "[11:00, 15:00]"))
    fountain = cat.load(mini_dir).exhibit("fountain")
    assert [f"{s:%H:%M}" for s in fountain.show_times] == ["11:00", "15:00"]


def test_missing_language_is_allowed_with_a_declared_fallback(mini_dir):
    def drop_english(d):
        d["exhibition"]["fallback_language"] = "de"
        exhibit(d, "solar-roof")["summary"] = {"de": "Nur deutsch."}

    edit_yaml(mini_dir / "exhibits.yaml", drop_english)
    catalog = cat.load(mini_dir)
    assert catalog.text(catalog.exhibit("solar-roof").summary, "en") == "Nur deutsch."


# --------------------------------------------------------------------------- broken files


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "is empty"),
        (b"exhibition: [unclosed\n", "is not valid YAML at line"),
        (b"- just\n- a list\n", "must be a mapping of sections at the top, got a list"),
        (b"exhibition: !!python/object/apply:os.system ['echo hacked']\n", "is not valid YAML"),
        (bytes(range(256)) * 4, "is not UTF-8 text"),
        (b"\x00\x00\x00", "NUL"),
    ],
    ids=["empty", "syntax", "top-level-list", "python-tag", "binary", "nul-bytes"],
)
def test_broken_exhibits_file_is_reported_with_its_name(mini_dir, content, expected):
    (mini_dir / "exhibits.yaml").write_bytes(content)
    found = problems_of(mini_dir)
    hits = [p for p in found if p.startswith(str(mini_dir / "exhibits.yaml")) and expected in p]
    assert hits, found


def test_python_tag_is_never_executed(mini_dir, tmp_path):
    marker = tmp_path / "pwned"
    (mini_dir / "exhibits.yaml").write_text(
        f"exhibition: !!python/object/apply:os.system ['touch {marker}']\n"
    )
    problems_of(mini_dir)
    assert not marker.exists()


def test_missing_files_are_each_reported(mini_dir):
    (mini_dir / "cities.yaml").unlink()
    (mini_dir / "geo" / "site.geojson").unlink()
    found = problems_of(mini_dir)
    assert any(str(mini_dir / "cities.yaml") in p and "file not found" in p for p in found)
    assert any(str(mini_dir / "geo" / "site.geojson") in p and "file not found" in p
               for p in found)


def test_missing_data_folder(tmp_path):
    assert "data folder not found" in only_problem(tmp_path / "nowhere")


# --------------------------------------------------------------------------- field checks


def test_every_problem_is_reported_at_once(mini_dir):
    def break_many(d):
        exhibit(d, "solar-roof")["location"]["lat"] = "north"
        exhibit(d, "rain-garden")["category"] = "fire"
        exhibit(d, "fountain")["visit_minutes"] = -5

    edit_yaml(mini_dir / "exhibits.yaml", break_many)
    found = problems_of(mini_dir)
    label = str(mini_dir / "exhibits.yaml")
    assert any(p.startswith(f"{label}: exhibit 'solar-roof': field 'location.lat'")
               and "'north'" in p for p in found), found
    assert any("exhibit 'rain-garden': field 'category'" in p and "'fire'" in p for p in found)
    assert any("exhibit 'fountain': field 'visit_minutes'" in p and "-5" in p for p in found)
    assert len(found) == 3, found


def test_duplicate_ids(mini_dir):
    edit_yaml(mini_dir / "exhibits.yaml",
              lambda d: d["exhibits"].append(dict(exhibit(d, "fountain"))))
    assert "exhibit 'fountain': field 'id': id is used more than once" in only_problem(mini_dir)


def test_entrance_and_exhibit_may_not_share_an_id(mini_dir):
    edit_yaml(mini_dir / "exhibits.yaml", lambda d: d["entrances"][0].update(id="fountain"))
    assert "entrance 'fountain': field 'id': is also the id of an exhibit" in only_problem(mini_dir)


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("category", "fire", "unknown category 'fire' (known: energy, water)"),
        ("zone", "north", "unknown zone 'north' (known: east, west)"),
        ("departments", ["bau", "zoo"], "unknown department 'zoo'"),
        ("city_notes", {"atlantis": {"de": "x", "en": "y"}}, "unknown city 'atlantis'"),
    ],
)
def test_unknown_references(mini_dir, field, value, expected):
    edit_yaml(mini_dir / "exhibits.yaml", lambda d: exhibit(d, "solar-roof").update({field: value}))
    problem = only_problem(mini_dir)
    assert "exhibit 'solar-roof'" in problem and expected in problem


def test_location_outside_the_site(mini_dir):
    edit_yaml(mini_dir / "exhibits.yaml",
              lambda d: exhibit(d, "solar-roof").update(location={"lat": 48.5, "lon": 9.001}))
    problem = only_problem(mini_dir)
    assert "exhibit 'solar-roof': field 'location'" in problem
    assert "outside the site outline" in problem and "site.geojson" in problem


def test_location_in_another_zone(mini_dir):
    edit_yaml(mini_dir / "exhibits.yaml", lambda d: exhibit(d, "solar-roof").update(zone="east"))
    problem = only_problem(mini_dir)
    assert "field 'zone'" in problem and "lies in zone 'west'" in problem


def test_missing_translation_without_fallback(mini_dir):
    edit_yaml(mini_dir / "exhibits.yaml",
              lambda d: exhibit(d, "rain-garden").update(description={"de": "Nur deutsch."}))
    problem = only_problem(mini_dir)
    assert "exhibit 'rain-garden': field 'description'" in problem
    assert "text in en is missing" in problem


def test_typo_in_a_field_name(mini_dir):
    def typo(d):
        e = exhibit(d, "fountain")
        e["visit_minute"] = e.pop("visit_minutes")

    edit_yaml(mini_dir / "exhibits.yaml", typo)
    found = problems_of(mini_dir)
    assert any("field 'visit_minute'" in p and "Extra inputs" in p for p in found)
    assert any("field 'visit_minutes'" in p and "Field required" in p for p in found)


def test_bad_source_address(mini_dir):
    edit_yaml(mini_dir / "exhibits.yaml",
              lambda d: exhibit(d, "fountain").update(sources=["javascript:alert(1)"]))
    problem = only_problem(mini_dir)
    assert "field 'sources'" in problem and "'javascript:alert(1)'" in problem


def test_bad_time(mini_dir):
    edit_yaml(mini_dir / "exhibits.yaml",
              lambda d: exhibit(d, "fountain").update(show_times=["25:99"]))
    problem = only_problem(mini_dir)
    assert "field 'show_times[0]': expected a time as 'HH:MM' (got '25:99')" in problem


def test_city_with_unknown_department(mini_dir):
    edit_yaml(mini_dir / "cities.yaml", lambda d: d["cities"][0]["departments"].append("zoo"))
    problem = only_problem(mini_dir)
    assert problem.startswith(str(mini_dir / "cities.yaml"))
    assert "city 'testhausen'" in problem and "unknown department 'zoo'" in problem


def test_second_city_is_added_in_yaml_alone(mini_dir):
    def add_city(d):
        d["departments"].append({"id": "umwelt", "name": {"de": "Umwelt", "en": "Environment"}})
        d["cities"].append({"id": "ulm", "name": {"de": "Ulm", "en": "Ulm"},
                            "delegation": {"de": "Team", "en": "Team"},
                            "departments": ["umwelt", "it"]})

    edit_yaml(mini_dir / "cities.yaml", add_city)
    catalog = cat.load(mini_dir)
    assert list(catalog.cities) == ["testhausen", "ulm"]
    assert catalog.cities["ulm"].departments == ["umwelt", "it"]


# --------------------------------------------------------------------------- geo checks


def _write_geo(mini_dir: Path, layer: str, doc: object) -> Path:
    path = mini_dir / "geo" / f"{layer}.geojson"
    path.write_text(json.dumps(doc))
    return path


def _features(mini_dir: Path, layer: str) -> dict:
    return json.loads((mini_dir / "geo" / f"{layer}.geojson").read_text())


def test_invalid_geometry(mini_dir):
    doc = _features(mini_dir, "zones")
    doc["features"][0]["geometry"]["coordinates"] = [
        [[9.0, 49.0], [9.002, 49.003], [9.002, 49.0], [9.0, 49.003], [9.0, 49.0]]
    ]  # a bow-tie
    path = _write_geo(mini_dir, "zones", doc)
    found = problems_of(mini_dir)
    assert any(p.startswith(str(path)) and "feature 'west'" in p and "invalid" in p
               for p in found), found


def test_geojson_that_is_not_json(mini_dir):
    (mini_dir / "geo" / "water.geojson").write_text("{not json")
    problem = only_problem(mini_dir)
    assert "water.geojson" in problem and "is not valid JSON at line 1" in problem


def test_wrong_geometry_type(mini_dir):
    doc = _features(mini_dir, "paths")
    doc["features"][0]["geometry"] = {"type": "Point", "coordinates": [9.001, 49.001]}
    _write_geo(mini_dir, "paths", doc)
    found = problems_of(mini_dir)
    assert any("feature 'west-axis'" in p and "got Point" in p for p in found), found


def test_disconnected_path_network(mini_dir):
    doc = _features(mini_dir, "paths")
    doc["features"] = [f for f in doc["features"] if f["properties"]["id"] != "south-link"]
    _write_geo(mini_dir, "paths", doc)
    found = problems_of(mini_dir)
    assert any("paths.geojson" in p and "falls apart into 2 unconnected pieces" in p
               and "'gate-link' cannot be reached" in p for p in found), found


def test_crossing_paths_are_connected_without_a_shared_vertex(mini_dir):
    doc = _features(mini_dir, "paths")
    # Replace the south link by a line that crosses both axes mid-segment.
    for f in doc["features"]:
        if f["properties"]["id"] == "south-link":
            f["geometry"]["coordinates"] = [[9.0005, 49.0010], [9.0035, 49.0010]]
        if f["properties"]["id"] == "north-stairs":
            f["geometry"]["coordinates"] = [[9.0005, 49.0020], [9.0035, 49.0020]]
        if f["properties"]["id"] == "gate-link":  # ends on the middle of the new south link
            f["geometry"]["coordinates"] = [[9.0020, 49.0002], [9.0020, 49.0010]]
    _write_geo(mini_dir, "paths", doc)
    cat.load(mini_dir)  # no DataError: crossings are junctions


def test_exhibit_far_from_every_path(mini_dir):
    doc = _features(mini_dir, "paths")
    doc["features"] = [f for f in doc["features"]
                       if f["properties"]["id"] not in ("north-stairs", "west-axis")]
    _write_geo(mini_dir, "paths", doc)
    edit_yaml(mini_dir / "exhibits.yaml",
              lambda d: exhibit(d, "solar-roof").update(location={"lat": 49.0025, "lon": 9.0005}))
    found = problems_of(mini_dir)
    assert len(found) == 1, found
    assert any("exhibit 'solar-roof'" in p and "m from the nearest footpath" in p
               for p in found), found


def test_zone_without_polygon_and_polygon_without_zone(mini_dir):
    doc = _features(mini_dir, "zones")
    doc["features"][1]["properties"]["id"] = "elsewhere"
    path = _write_geo(mini_dir, "zones", doc)
    found = problems_of(mini_dir)
    assert any(p.startswith(str(path)) and "zone 'east'" in p and "has no polygon" in p
               for p in found), found
    assert any("zone id 'elsewhere' is not defined" in p for p in found), found


def test_building_height_must_be_positive(mini_dir):
    doc = _features(mini_dir, "buildings")
    doc["features"][0]["properties"]["height_m"] = "tall"
    _write_geo(mini_dir, "buildings", doc)
    problem = only_problem(mini_dir)
    assert "field 'height_m'" in problem and "'tall'" in problem


def test_paths_are_optional(mini_dir):
    (mini_dir / "geo" / "paths.geojson").unlink()
    catalog = cat.load(mini_dir)
    assert not catalog.site.has_paths


# --------------------------------------------------------------------------- queries


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        (cat.ExhibitFilter(), ["solar-roof", "rain-garden", "fountain"]),
        (cat.ExhibitFilter(categories=("water",)), ["rain-garden", "fountain"]),
        (cat.ExhibitFilter(zones=("west",)), ["solar-roof"]),
        (cat.ExhibitFilter(departments=("it",)), ["rain-garden"]),
        (cat.ExhibitFilter(step_free_only=True), ["solar-roof", "fountain"]),
        (cat.ExhibitFilter(query="RAINWATER"), ["rain-garden"]),  # English summary
        (cat.ExhibitFilter(query="fontänen"), ["fountain"]),  # German description
        (cat.ExhibitFilter(query="fontanen"), ["fountain"]),  # accents folded
        (cat.ExhibitFilter(query="solar dach"), ["solar-roof"]),  # every word must match
        (cat.ExhibitFilter(query="solar wasser"), []),
        (cat.ExhibitFilter(categories=("water",), step_free_only=True), ["fountain"]),
    ],
)
def test_filter_exhibits(flt, expected):
    assert [e.id for e in cat.filter_exhibits(cat.load(MINI), flt)] == expected


def test_fold_matches_sharp_s():
    assert cat.fold("Floßhafen") == "flosshafen"


def test_exhibit_at_finds_the_clicked_marker():
    catalog = cat.load(MINI)
    assert catalog.exhibit("fountain") == cat.exhibit_at(catalog, 49.0010, 9.0030)
    assert cat.exhibit_at(catalog, 49.0015, 9.0020) is None


@pytest.mark.parametrize(
    ("today", "expected", "runs"),
    [("2019-03-01", "2019-04-17", False), ("2019-05-05", "2019-05-05", True),
     ("2026-11-26", "2019-10-06", False)],
)
def test_default_day_lies_inside_the_exhibition(today, expected, runs):
    import datetime as dt

    exhibition = cat.load(DEFAULT_DATA).exhibition
    day = dt.date.fromisoformat(today)
    assert exhibition.default_day(day) == dt.date.fromisoformat(expected)
    assert exhibition.runs_on(day) is runs


# --------------------------------------------------------------------------- dated exhibits, kinds


def test_on_show_dates_are_read_and_decide_the_days(mini_dir):
    edit_yaml(mini_dir / "exhibits.yaml", lambda d: exhibit(d, "fountain").update(
        on_show={"first": "2019-08-15", "last": "2019-08-25"}))
    catalog = cat.load(mini_dir)
    fountain = catalog.exhibit("fountain")
    assert (fountain.on_show.first, fountain.on_show.last) == (dt.date(2019, 8, 15),
                                                               dt.date(2019, 8, 25))
    assert fountain.shown_on(dt.date(2019, 8, 15)) and fountain.shown_on(dt.date(2019, 8, 25))
    assert not fountain.shown_on(dt.date(2019, 8, 14))
    assert not fountain.shown_on(dt.date(2019, 8, 26))
    assert fountain.shown_on(None)  # no day chosen: nothing is hidden
    assert list(catalog.exhibits_on(dt.date(2019, 6, 1))) == ["solar-roof", "rain-garden"]
    assert list(catalog.exhibits_on(dt.date(2019, 8, 20))) == list(catalog.exhibits)
    assert catalog.exhibit("solar-roof").on_show is None  # the default: every day


def test_on_show_last_before_first(mini_dir):
    edit_yaml(mini_dir / "exhibits.yaml", lambda d: exhibit(d, "fountain").update(
        on_show={"first": "2019-08-15", "last": "2019-08-01"}))
    problem = only_problem(mini_dir)
    assert "exhibit 'fountain'" in problem and "last 2019-08-01 lies before first 2019-08-15" \
        in problem


def test_on_show_needs_real_iso_dates(mini_dir):
    edit_yaml(mini_dir / "exhibits.yaml", lambda d: exhibit(d, "fountain").update(
        on_show={"first": "15.08.2019", "last": "2019-08-25"}))
    problem = only_problem(mini_dir)
    assert "on_show.first" in problem and "expected a date as 'YYYY-MM-DD'" in problem


def test_on_show_outside_the_exhibitions_dates(mini_dir):
    def change(d):
        d["exhibition"].update(start_date="2019-04-17", end_date="2019-10-06")
        exhibit(d, "fountain").update(on_show={"first": "2019-04-01", "last": "2019-10-07"})

    edit_yaml(mini_dir / "exhibits.yaml", change)
    found = problems_of(mini_dir)
    assert len(found) == 2, found
    assert "on_show.first" in found[0] and "2019-04-01 lies before the exhibition's " \
        "start_date 2019-04-17" in found[0]
    assert "on_show.last" in found[1] and "2019-10-07 lies after the exhibition's " \
        "end_date 2019-10-06" in found[1]


def test_kind_topic_is_read_and_an_unknown_kind_refused(mini_dir):
    edit_yaml(mini_dir / "exhibits.yaml", lambda d: exhibit(d, "fountain").update(kind="topic"))
    catalog = cat.load(mini_dir)
    assert catalog.exhibit("fountain").kind == "topic"
    assert catalog.exhibit("solar-roof").kind == "exhibit"  # the default
    edit_yaml(mini_dir / "exhibits.yaml", lambda d: exhibit(d, "fountain").update(kind="idea"))
    problem = only_problem(mini_dir)
    assert "field 'kind'" in problem and "'exhibit' or 'topic'" in problem
