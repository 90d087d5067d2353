"""A second exhibition in another time zone and UTM zone, end to end (issue 8).

tests/data/harbor is a made-up site in New York harbour (America/New_York, UTM 18N) without a
`crs`: the metric CRS comes from the site. The tour's distances are checked against a hand
calculation from the degree lengths of the WGS84 ellipsoid, and the GPX and ICS times against
the local schedule shifted to UTC by hand (EDT is UTC-4).
"""

from __future__ import annotations

import datetime as dt
import math

import gpxpy
import icalendar
import pytest
from conftest import TESTS

from dashboard import catalog as cat
from dashboard import routing
from dashboard.export import to_gpx, to_ics

HARBOR = TESTS / "data" / "harbor"
LAT = 40.6895  # middle of the site
GATE, TIDE, CORNER, FERRY = (40.6882, -74.0195), (40.6895, -74.0195), (40.6905, -74.0195), (
    40.6905, -74.0175)


def metres_per_degree(lat_deg: float) -> tuple[float, float]:
    """(north-south, east-west) metres per degree on the WGS84 ellipsoid (standard series)."""
    phi = math.radians(lat_deg)
    m_lat = 111132.954 - 559.822 * math.cos(2 * phi) + 1.175 * math.cos(4 * phi)
    m_lon = 111412.84 * math.cos(phi) - 93.5 * math.cos(3 * phi) + 0.118 * math.cos(5 * phi)
    return m_lat, m_lon


@pytest.fixture(scope="module")
def harbor() -> cat.Catalog:
    return cat.load(HARBOR)


@pytest.fixture(scope="module")
def plan(harbor) -> routing.TourPlan:
    request = routing.TourRequest(stops=("tide-gauge", "solar-ferry"), optimize=False,
                                  start_time=dt.time(10, 0), date=dt.date(2025, 7, 15))
    network = routing.WalkingNetwork.build(harbor)
    return routing.plan_tour(harbor, request, network=network)


def test_harbor_validates_with_its_own_time_zone_and_utm_zone(harbor):
    assert harbor.exhibition.timezone == "America/New_York"
    assert harbor.exhibition.crs is None
    assert harbor.crs == "EPSG:32618"  # UTM 18N, derived from the outline


def test_tour_distances_match_a_hand_calculation(plan):
    m_lat, m_lon = metres_per_degree(LAT)
    gate_tide = (TIDE[0] - GATE[0]) * m_lat  # straight up the west path
    tide_ferry = (CORNER[0] - TIDE[0]) * m_lat + (FERRY[1] - CORNER[1]) * m_lon  # round the corner
    ferry_gate = (FERRY[1] - CORNER[1]) * m_lon + (CORNER[0] - GATE[0]) * m_lat
    expected = [gate_tide, tide_ferry, ferry_gate]
    got = [leg.distance_m for leg in plan.legs]
    # UTM 18N at 74° W is 1° from its central meridian: scale within 0.04 % of true.
    assert got == pytest.approx(expected, rel=2e-3)
    assert [v.place.id for v in plan.visits] == ["ferry-gate", "tide-gauge", "solar-ferry",
                                                 "ferry-gate"]


def test_gpx_times_are_utc(plan, harbor):
    doc = gpxpy.parse(to_gpx(plan, harbor, "en"))
    m_lat, _ = metres_per_degree(LAT)
    walk_s = (TIDE[0] - GATE[0]) * m_lat / (routing.DEFAULT_SPEED_KMH / 3.6)
    start_utc = dt.datetime(2025, 7, 15, 14, 0, tzinfo=dt.UTC)  # 10:00 EDT
    times = [w.time.astimezone(dt.UTC) for w in doc.waypoints]
    assert times[0] == start_utc
    assert abs((times[1] - start_utc).total_seconds() - walk_s) < 60


def test_ics_times_are_the_local_schedule_in_utc(plan, harbor):
    cal = icalendar.Calendar.from_ical(to_ics(plan, harbor, "en"))
    events = {str(e["summary"]): e for e in cal.walk("VEVENT")}
    tide = next(e for s, e in events.items() if "Tide gauge" in s)
    start = tide.decoded("dtstart")
    assert start.tzinfo is not None
    m_lat, _ = metres_per_degree(LAT)
    walk_s = (TIDE[0] - GATE[0]) * m_lat / (routing.DEFAULT_SPEED_KMH / 3.6)
    expected = dt.datetime(2025, 7, 15, 14, 0, tzinfo=dt.UTC) + dt.timedelta(seconds=walk_s)
    assert abs((start.astimezone(dt.UTC) - expected).total_seconds()) < 60
    assert tide.decoded("dtend") - start == dt.timedelta(minutes=10)
    zones = [str(z["tzid"]) for z in cal.walk("VTIMEZONE")]
    assert zones == ["America/New_York"]


def test_heilbronns_crs_would_be_refused_here(tmp_path):
    import shutil

    from dashboard.errors import DataError

    target = tmp_path / "harbor"
    shutil.copytree(HARBOR, target)
    text = (target / "exhibits.yaml").read_text()
    (target / "exhibits.yaml").write_text(text.replace("  timezone:", "  crs: EPSG:25832\n"
                                                       "  timezone:"))
    with pytest.raises(DataError) as info:
        cat.load(target)
    assert any("EPSG:25832 measures distances on this site" in str(p)
               for p in info.value.problems)
