"""The editors' fields of an exhibit, and content rules the bundled exhibition keeps.

`note` is for editors (remarks about sources) and must never reach visitors;
`location_approximate` marks exhibits that no source places. The bundled texts must not talk
about their own sources: that belongs in `note` (issue 8).
"""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import pytest
from conftest import DEFAULT_DATA, edit_yaml, exhibit

from dashboard import catalog as cat
from dashboard.errors import DataError

# Phrases by which a text speaks about the data's own sources instead of the exhibit.
SOURCE_TALK = re.compile(
    r"unseren? Quellen|uns nicht belegt|liegen uns|in our sources|we have no (further )?verified",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def bundled() -> cat.Catalog:
    return cat.load(DEFAULT_DATA)


def test_note_and_approximate_location_are_read_and_note_is_not_shown(mini_dir: Path):
    edit_yaml(mini_dir / "exhibits.yaml", lambda d: exhibit(d, "fountain").update(
        note="Editors only: the position is a guess.", location_approximate=True))
    fountain = cat.load(mini_dir).exhibit("fountain")
    assert fountain.note == "Editors only: the position is a guess."
    assert fountain.location_approximate is True
    shown = " ".join(t for _, loc in fountain.localized_texts() for t in (loc.de, loc.en) if t)
    assert "Editors only" not in shown


def test_location_is_precise_unless_marked(mini_dir: Path):
    catalog = cat.load(mini_dir)
    assert not any(e.location_approximate for e in catalog.exhibits.values())
    assert all(e.note is None for e in catalog.exhibits.values())


def test_a_misspelt_editors_field_is_rejected(mini_dir: Path):
    edit_yaml(mini_dir / "exhibits.yaml",
              lambda d: exhibit(d, "fountain").update(location_aproximate=True))
    with pytest.raises(DataError, match="location_aproximate"):
        cat.load(mini_dir)


def test_bundled_visitor_texts_do_not_talk_about_sources(bundled: cat.Catalog):
    talk = [(ex.id, field) for ex in bundled.exhibits.values()
            for field, text in ex.localized_texts()
            for value in (text.de, text.en) if value and SOURCE_TALK.search(value)]
    assert not talk


def test_bundled_approximate_locations_say_why(bundled: cat.Catalog):
    unexplained = [ex.id for ex in bundled.exhibits.values()
                   if ex.location_approximate and not ex.note]
    assert not unexplained
    assert any(ex.location_approximate for ex in bundled.exhibits.values())


def test_bundled_city_notes_only_for_known_cities_and_every_city_has_some(bundled: cat.Catalog):
    noted = {city for ex in bundled.exhibits.values() for city in ex.city_notes}
    assert noted == set(bundled.cities)


# --------------------------------------------------------------------------- the bundled data
# The rules of issue 21: every exhibit sourced, every position inside its zone, the water where
# the sources put it, every department with exhibits that concern it. Facts and sources are
# listed in data/geo/README.md and in each exhibit's `sources` and `note`.

DEPARTMENT_LABELS = {"finanzen": "Kommunale Finanzen", "bauwesen": "Bauwesen",
                     "personal": "Personal", "organisation": "Organisation", "it": "IT"}


@pytest.fixture(scope="module")
def bundled_m(bundled: cat.Catalog) -> dict:
    """The bundled layers in metres (the exhibition's projected CRS)."""
    def layer(name):
        return bundled.site.layer(name).to_crs(bundled.crs).set_index("id")

    pts = gpd.GeoSeries.from_xy([e.location.lon for e in bundled.exhibits.values()],
                                [e.location.lat for e in bundled.exhibits.values()],
                                crs="EPSG:4326").to_crs(bundled.crs)
    return {"water": layer("water"), "buildings": layer("buildings"),
            "zones": layer("zones"), "points": dict(zip(bundled.exhibits, pts, strict=True))}


def test_bundled_has_forty_or_more_exhibits_each_with_a_source(bundled: cat.Catalog):
    assert len(bundled.exhibits) >= 40
    unsourced = [ex.id for ex in bundled.exhibits.values()
                 if not ex.sources or not all(s.startswith(("https://", "http://"))
                                              for s in ex.sources)]
    assert not unsourced


def test_bundled_positions_lie_inside_their_zones(bundled: cat.Catalog, bundled_m: dict):
    zones = bundled_m["zones"].geometry
    outside = [eid for eid, point in bundled_m["points"].items()
               if zones[bundled.exhibits[eid].zone].distance(point) > 0.5]
    assert not outside


def test_the_floßhafen_is_about_10000_square_metres_with_the_houses_on_its_east_side(
        bundled_m: dict):
    lake = bundled_m["water"].geometry["flosshafen"]
    assert 8_500 <= lake.area <= 12_000  # RNZ arid 194399: 10,000 m²; Wolff & Müller: 11,000
    buildings = bundled_m["buildings"]
    houses = buildings[buildings.index.str.startswith("stadtausstellung-")
                       | buildings.index.isin(["skaio", "jugendherberge"])].geometry
    assert len(houses) == 23  # 22 houses and the youth hostel
    on_the_shore = houses[houses.distance(lake) <= 30]
    assert len(on_the_shore) >= 5
    east_shore = lake.bounds[2]
    assert (houses.centroid.x > east_shore).all()  # none west of (or in) the Floßhafen


def test_the_karlssee_is_the_larger_lake_north_of_the_floßhafen_with_the_sommerinsel_between(
        bundled_m: dict):
    water = bundled_m["water"].geometry
    flosshafen, karlssee = water["flosshafen"], water["karlssee"]
    assert karlssee.area > flosshafen.area  # 20,000 against 10,000 m² (RNZ arid 194399)
    assert karlssee.centroid.y > flosshafen.bounds[3]
    points = bundled_m["points"]
    for pavilion in ("holzpavillon", "faserpavillon"):  # on the Sommerinsel, between the lakes
        assert flosshafen.bounds[3] < points[pavilion].y < karlssee.bounds[1]


def test_the_south_holds_the_inzwischenland_and_the_fruchtschuppen(bundled: cat.Catalog,
                                                                  bundled_m: dict):
    flosshafen = bundled_m["water"].geometry["flosshafen"]
    south = bundled_m["zones"].geometry["inzwischenland"]
    assert south.centroid.y < flosshafen.bounds[1]
    in_the_hall = ["treffpunkt-bw", "fruchtschuppen", "biooekonomie", "daten-zum-anfassen",
                   "triple-wood"]
    assert all(bundled.exhibits[e].zone == "inzwischenland" for e in in_the_hall)
    assert all(bundled_m["points"][e].y < flosshafen.bounds[1] for e in in_the_hall)


def test_the_retention_soil_filter_is_on_the_karlssees_neckar_side(bundled_m: dict):
    karlssee = bundled_m["water"].geometry["karlssee"]
    alt_neckar = bundled_m["water"].geometry["alt-neckar"]
    point = bundled_m["points"]["retentionsbodenfilter"]
    assert karlssee.exterior.distance(point) <= 20  # "am Ufer des Karlssees"
    assert point.distance(alt_neckar) < karlssee.centroid.distance(alt_neckar)


def test_the_forum_stands_next_to_the_youth_hostel(bundled_m: dict):
    hostel = bundled_m["buildings"].geometry["jugendherberge"]
    assert hostel.distance(bundled_m["points"]["forum-heilbronn"]) <= 30  # RNZ arid 434017


def test_every_department_of_every_city_has_a_tour_and_each_claim_a_note(bundled: cat.Catalog):
    for city in bundled.cities.values():
        for dep in city.departments:
            concerned = [e for e in bundled.exhibits.values() if dep in e.departments]
            assert len(concerned) >= 8, (city.id, dep, len(concerned))
    # An exhibit that names a department says in a curated note what it offers that group.
    unexplained = [(ex.id, dep) for ex in bundled.exhibits.values() for dep in ex.departments
                   if DEPARTMENT_LABELS[dep] not in " ".join(n.de for n in ex.city_notes.values())]
    assert not unexplained


def test_bundled_dated_exhibits_fall_within_the_show_and_tell_their_dates(bundled: cat.Catalog):
    show = bundled.exhibition
    dated = [ex for ex in bundled.exhibits.values() if ex.on_show]
    assert len(dated) >= 3
    for ex in dated:
        assert show.start_date <= ex.on_show.first <= ex.on_show.last <= show.end_date
        visible = " ".join(f.de for f in ex.facts) + ex.description.de
        assert f"{ex.on_show.last.day}. August" in visible, ex.id


def test_bundled_topics_and_estimates_explain_themselves(bundled: cat.Catalog):
    topics = [ex for ex in bundled.exhibits.values() if ex.kind == "topic"]
    assert {"quartiersenergie", "konzeptvergabe", "mobilitaet-neckarbogen"} <= {
        ex.id for ex in topics}
    assert all(ex.note for ex in topics)


# Statements the fact check of issue 21 found wrong or unsupported: they must not come back.
CORRECTED = [
    ("holzpavillon", "nach der BUGA wurde er zerlegt"),
    ("holzpavillon", "after the show it was dismantled"),
    ("konzeptvergabe", "selben Architekten"),
    ("konzeptvergabe", "same architect"),
    ("stadtausstellung-neckarbogen", "3 Hektar"),
]


@pytest.mark.parametrize(("exhibit_id", "phrase"), CORRECTED)
def test_corrected_statements_stay_corrected(bundled: cat.Catalog, exhibit_id: str,
                                             phrase: str):
    ex = bundled.exhibits[exhibit_id]
    shown = " ".join(t for _, loc in ex.localized_texts() for t in (loc.de, loc.en) if t)
    assert phrase not in shown


def test_exhibit_card_tells_estimates_topics_and_dates(bundled: cat.Catalog):
    from dashboard.ui.common import exhibit_card

    city = bundled.cities["konstanz"]
    topic = exhibit_card(bundled, bundled.exhibits["quartiersenergie"], "de", city)
    assert topic.topic and topic.location_approximate and topic.on_show is None
    dated = exhibit_card(bundled, bundled.exhibits["triple-wood"], "de", city)
    assert dated.on_show == "15.08.2019–25.08.2019" and not dated.topic
    pavilion = exhibit_card(bundled, bundled.exhibits["holzpavillon"], "en", city)
    assert not (pavilion.topic or pavilion.location_approximate or pavilion.on_show)
