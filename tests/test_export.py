"""Hand-out exports, each read back with an independent parser (gpxpy, json + shapely,
icalendar, urllib, pypdf): the tests check what a phone, calendar or PDF reader would see,
not just that the export ran."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import io
import json
import logging
import re
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import gpxpy
import icalendar
import pypdf
import pytest
import segno
from shapely.geometry import shape

from dashboard import catalog as cat
from dashboard import export, geo, routing
from dashboard.export import pdf as export_pdf
from tests.conftest import DEFAULT_DATA, MINI, edit_yaml, exhibit

DAY = dt.date(2019, 6, 1)
BERLIN = ZoneInfo("Europe/Berlin")
HOSTILE = "<script>alert(1)</script> & „Test“"
SHARE_URL = "https://lernreise.example/planner?tour=a,b&lang=de#top"
REALISTIC = ("holzpavillon", "faserpavillon", "skaio", "karlssee-wassershow", "flosshafen")


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def mini() -> cat.Catalog:
    return cat.load(MINI)


@pytest.fixture(scope="module")
def bundled() -> cat.Catalog:
    return cat.load(DEFAULT_DATA)


@pytest.fixture(scope="module")
def mini_plan(mini: cat.Catalog) -> routing.TourPlan:
    request = routing.TourRequest(stops=("solar-roof", "fountain", "rain-garden"), start="gate",
                                  date=DAY, title="Führung für Bau & IT")
    return routing.plan_tour(mini, request)


@pytest.fixture(scope="module")
def bundled_plan(bundled: cat.Catalog) -> routing.TourPlan:
    request = routing.TourRequest(stops=REALISTIC, start="eingang-campuspark", date=DAY,
                                  title="Lernreise Konstanz: Bauen & Wasser")
    return routing.plan_tour(bundled, request)


def names(catalog: cat.Catalog, plan: routing.TourPlan, lang: str = "de") -> list[str]:
    return [catalog.text(v.place.name, lang) for v in plan.visits]


def pdf_text(data: bytes) -> tuple[pypdf.PdfReader, str]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    """Whitespace collapsed, so that wrapped lines read as one."""
    return " ".join(text.split())


def assert_in_order(text: str, parts: list[str]) -> None:
    at = 0
    for part in parts:
        found = text.find(part, at)
        assert found >= 0, f"{part!r} missing (or out of order) after position {at}"
        at = found + len(part)


def with_extra_exhibits(data_dir: Path, count: int) -> list[str]:
    """Add `count` exhibits to a mini copy, a metre or so apart next to the existing ones."""
    ids: list[str] = []

    def change(data: dict) -> None:
        bases = [e for e in data["exhibits"] if not e.get("show_times")]
        for k in range(count):
            base = bases[k % len(bases)]
            new = {key: value for key, value in base.items() if key != "city_notes"}
            new["id"] = f"extra-{k + 1:02d}"
            new["name"] = {"de": f"Station {k + 1:02d}", "en": f"Station {k + 1:02d} (en)"}
            new["location"] = {"lat": round(base["location"]["lat"] + 1e-5 * (k // 2 + 1), 6),
                               "lon": base["location"]["lon"]}
            new["visit_minutes"] = 5
            data["exhibits"].append(new)
            ids.append(new["id"])

    edit_yaml(data_dir / "exhibits.yaml", change)
    return ids


# --------------------------------------------------------------------------- schedule


def test_schedule_rows_follow_the_plan(mini: cat.Catalog, mini_plan: routing.TourPlan):
    rows = export.schedule_rows(mini_plan, mini, "de")
    assert [r["id"] for r in rows] == [v.place.id for v in mini_plan.visits]
    assert [r["marker"] for r in rows] == ["S", "1", "2", "3", "Z"]
    assert [r["role"] for r in rows] == ["start", "stop", "stop", "stop", "end"]
    for row, visit in zip(rows, mini_plan.visits, strict=True):
        assert row["arrival"] == visit.arrival.strftime("%H:%M")
        assert row["begin"] == visit.begin.strftime("%H:%M")
        assert row["departure"] == visit.departure.strftime("%H:%M")
        assert row["wait_minutes"] == round(visit.wait_minutes)
    fountain = next(r for r in rows if r["id"] == "fountain")
    assert (fountain["begin"], fountain["visit_minutes"]) == ("11:00", 15)  # waits for the show
    assert fountain["wait_minutes"] > 0 and fountain["name"] == "Brunnen"
    assert fountain["zone"] == "Ostteil"
    assert rows[0]["walk_m"] == 0 and rows[0]["visit_minutes"] == 0
    assert rows[-1]["visit_minutes"] == 0  # back at the gate: no second visit
    assert sum(r["walk_m"] for r in rows) == pytest.approx(mini_plan.distance_m, abs=len(rows))
    assert [r["marker"] for r in export.schedule_rows(mini_plan, mini, "en")][-1] == "E"


# --------------------------------------------------------------------------- GPX


@pytest.mark.parametrize("lang", ["de", "en"])
def test_gpx_has_the_walk_and_timed_waypoints(mini: cat.Catalog, mini_plan: routing.TourPlan,
                                              lang: str):
    doc = gpxpy.parse(export.to_gpx(mini_plan, mini, lang))
    start, end = ("Start", "Ziel") if lang == "de" else ("Start", "End")
    visit_names = names(mini, mini_plan, lang)
    expected = [f"{start}: {visit_names[0]}",
                *[f"{k}. {n}" for k, n in enumerate(visit_names[1:-1], 1)],
                f"{end}: {visit_names[-1]}"]
    assert [w.name for w in doc.waypoints] == expected
    assert expected[0] == ("Start: Tor" if lang == "de" else "Start: Gate")
    assert [w.time for w in doc.waypoints] == [v.arrival for v in mini_plan.visits]
    assert all(w.time.utcoffset() is not None for w in doc.waypoints)
    fountain = doc.waypoints[[v.place.id for v in mini_plan.visits].index("fountain")]
    assert fountain.description.startswith("Ein Wasserspiel." if lang == "de" else "A water")
    assert (fountain.latitude, fountain.longitude) == (49.001, 9.003)

    assert doc.name == "Führung für Bau & IT" and "Mini" in doc.description
    assert len(doc.tracks) == 1 and len(doc.tracks[0].segments) == 1
    assert doc.tracks[0].name == "Führung für Bau & IT"
    points = doc.tracks[0].segments[0].points
    route = mini_plan.route_coords()
    assert len(points) == len(route)
    flat_points = [c for p in points for c in (p.latitude, p.longitude)]
    assert flat_points == pytest.approx([c for pair in route for c in pair], abs=1e-7)
    gate = mini.entrances["gate"].location
    for point in (points[0], points[-1]):  # a round trip: starts and ends at the gate
        assert (point.latitude, point.longitude) == pytest.approx((gate.lat, gate.lon), abs=1e-6)


def test_gpx_of_a_one_way_tour_ends_at_the_end(bundled: cat.Catalog):
    request = routing.TourRequest(stops=("skaio",), start="eingang-campuspark",
                                  end="eingang-wohlgelegen", date=DAY)
    plan = routing.plan_tour(bundled, request)
    doc = gpxpy.parse(export.to_gpx(plan, bundled, "de"))
    start, end = (bundled.entrances[e].name.de for e in (request.start, request.end))
    assert [w.name for w in doc.waypoints] == [
        f"Start: {start}", "1. Skaio – Holzhybrid-Hochhaus", f"Ziel: {end}"]
    first, last = doc.tracks[0].segments[0].points[0], doc.tracks[0].segments[0].points[-1]
    for point, entrance in ((first, "eingang-campuspark"), (last, "eingang-wohlgelegen")):
        where = bundled.entrances[entrance].location
        assert (point.latitude, point.longitude) == pytest.approx((where.lat, where.lon),
                                                                  abs=1e-6)
    assert doc.name == bundled.exhibition.name.de  # no title: the exhibition's name


# --------------------------------------------------------------------------- GeoJSON


@pytest.mark.parametrize("which", ["mini", "bundled"])
def test_geojson_is_lon_lat_and_measures_the_walk(which: str, request: pytest.FixtureRequest):
    catalog: cat.Catalog = request.getfixturevalue(which)
    plan: routing.TourPlan = request.getfixturevalue(f"{which}_plan")
    doc = json.loads(export.to_geojson(plan, catalog, "en"))
    assert doc["type"] == "FeatureCollection"
    route, *points = doc["features"]
    line = shape(route["geometry"])
    assert line.geom_type == "LineString"
    assert len(line.coords) == len(plan.route_coords())
    length = geo.to_metres(line, catalog.site.crs).length
    assert length == pytest.approx(plan.distance_m, rel=0.01)
    assert route["properties"]["distance_m"] == pytest.approx(plan.distance_m, abs=0.1)
    assert route["properties"]["walking_minutes"] == pytest.approx(plan.walking_minutes, abs=0.1)
    assert route["properties"]["total_minutes"] == pytest.approx(plan.total_minutes, abs=0.1)

    assert [p["properties"]["order"] for p in points] == list(range(len(plan.visits)))
    assert [p["properties"]["id"] for p in points] == [v.place.id for v in plan.visits]
    assert [p["properties"]["name"] for p in points] == names(catalog, plan, "en")
    for feature, visit in zip(points, plan.visits, strict=True):
        assert feature["geometry"]["type"] == "Point"
        # RFC 7946: [longitude, latitude]
        assert feature["geometry"]["coordinates"] == [visit.place.lon, visit.place.lat]
        props = feature["properties"]
        assert props["kind"] == visit.place.kind
        assert dt.datetime.fromisoformat(props["arrival"]) == visit.arrival
        assert dt.datetime.fromisoformat(props["begin"]) == visit.begin
        assert dt.datetime.fromisoformat(props["departure"]) == visit.departure
        assert dt.datetime.fromisoformat(props["begin"]).utcoffset() == dt.timedelta(hours=2)
    start = next(iter(catalog.entrances.values())) if which == "mini" else \
        catalog.entrances["eingang-campuspark"]
    assert tuple(points[0]["geometry"]["coordinates"]) == (start.location.lon,
                                                           start.location.lat)
    assert line.coords[0] == pytest.approx((start.location.lon, start.location.lat), abs=1e-6)
    stop_minutes = [p["properties"]["visit_minutes"] for p in points[1:-1]]
    assert stop_minutes == [v.place.visit_minutes for v in plan.stops]


# --------------------------------------------------------------------------- iCalendar


def events_of(data: bytes) -> tuple[icalendar.Calendar, list[icalendar.Event]]:
    cal = icalendar.Calendar.from_ical(data)
    return cal, list(cal.walk("VEVENT"))


def test_ics_has_one_event_per_stop(mini: cat.Catalog, mini_plan: routing.TourPlan):
    stamp = dt.datetime(2019, 5, 20, 8, 0, tzinfo=dt.UTC)
    data = export.to_ics(mini_plan, mini, "de", stamp=stamp)
    cal, events = events_of(data)
    assert str(cal["VERSION"]) == "2.0" and "Lernreise" in str(cal["PRODID"])
    assert str(cal["X-WR-CALNAME"]) == "Führung für Bau & IT"
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert len(events) == len(mini_plan.stops) == 3
    stop_names = names(mini, mini_plan)[1:-1]
    assert [str(e["SUMMARY"]) for e in events] == [
        f"{k}. {n}" for k, n in enumerate(stop_names, 1)]
    for event, visit in zip(events, mini_plan.stops, strict=True):
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert start.tzinfo is not None and end.tzinfo is not None
        assert (start, end) == (visit.begin, visit.departure)
        assert start.utcoffset() == dt.timedelta(hours=2)  # CEST on 1 June
        geo_value = event["GEO"]
        assert (geo_value.latitude, geo_value.longitude) == (visit.place.lat, visit.place.lon)
        assert event.decoded("DTSTAMP") == stamp
        assert str(event["UID"]).endswith("@lernreise")
    fountain = events[[v.place.id for v in mini_plan.stops].index("fountain")]
    assert str(fountain["LOCATION"]) == "Brunnen, Ostteil"
    description = str(fountain["DESCRIPTION"])
    assert description.startswith("Ein Wasserspiel.")
    index = [v.place.id for v in mini_plan.visits].index("fountain")
    before, here = mini_plan.visits[index - 1], mini_plan.visits[index]
    walked = f"Fußweg ab {mini.text(before.place.name, 'de')}: {round(here.leg.distance_m)} m"
    assert walked in description and "Beginn 11:00" in description

    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids)
    assert all(re.fullmatch(r"[a-z0-9-]+@lernreise", u) for u in uids)
    # Stable: the same tour exported again gives the same UIDs (calendars update, not duplicate)
    assert [str(e["UID"]) for e in events_of(export.to_ics(mini_plan, mini, "en"))[1]] == uids
    assert uids[0].startswith("fuehrung-fuer-bau-it-2019-06-01-")


def test_ics_includes_an_exhibit_used_as_start_or_end(mini: cat.Catalog):
    request = routing.TourRequest(stops=("fountain",), start="solar-roof", end="rain-garden",
                                  date=DAY)
    plan = routing.plan_tour(mini, request)
    _, events = events_of(export.to_ics(plan, mini, "en"))
    assert [str(e["SUMMARY"]) for e in events] == [
        "Start: Solar roof", "1. Fountain", "End: Rain garden"]
    assert [e.decoded("DTSTART") for e in events] == [v.begin for v in plan.visits]

    round_trip = routing.plan_tour(mini, routing.TourRequest(
        stops=("fountain",), start="solar-roof", date=DAY))
    _, events = events_of(export.to_ics(round_trip, mini, "en"))
    # The return to the start is not a second visit.
    assert [str(e["SUMMARY"]) for e in events] == ["Start: Solar roof", "1. Fountain"]


# --------------------------------------------------------------------------- hostile text


def test_hostile_text_survives_escaped(mini_dir: Path):
    def rename(data: dict) -> None:
        exhibit(data, "fountain")["name"] = {"de": HOSTILE, "en": HOSTILE}

    edit_yaml(mini_dir / "exhibits.yaml", rename)
    catalog = cat.load(mini_dir)
    plan = routing.plan_tour(catalog, routing.TourRequest(
        stops=("fountain",), start="gate", date=DAY, title=HOSTILE))

    gpx_text = export.to_gpx(plan, catalog, "de")
    assert "<script>" not in gpx_text  # escaped, not markup
    doc = gpxpy.parse(gpx_text)
    assert doc.name == HOSTILE and doc.tracks[0].name == HOSTILE
    assert doc.waypoints[1].name == f"1. {HOSTILE}"

    ics = export.to_ics(plan, catalog, "de")
    cal, events = events_of(ics)
    assert str(cal["X-WR-CALNAME"]) == HOSTILE
    assert str(events[0]["SUMMARY"]) == f"1. {HOSTILE}"
    assert str(events[0]["LOCATION"]) == f"{HOSTILE}, Ostteil"
    assert re.fullmatch(r"[a-z0-9-]+@lernreise", str(events[0]["UID"]))

    geojson = json.loads(export.to_geojson(plan, catalog, "de"))
    assert geojson["features"][2]["properties"]["name"] == HOSTILE

    reader, text = pdf_text(export.to_pdf(plan, catalog, "de"))
    assert reader.metadata.title == HOSTILE
    assert HOSTILE in flat(text)


# --------------------------------------------------------------------------- Google Maps


def test_maps_url_goes_through_the_stops_in_order(mini_plan: routing.TourPlan):
    link = export.google_maps_url(mini_plan)
    assert link.omitted == 0
    assert "%7C" in link.url and "|" not in link.url
    parts = urlsplit(link.url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "www.google.com", "/maps/dir/")
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert query["api"] == "1" and query["travelmode"] == "walking"

    def latlon(text: str) -> tuple[float, float]:
        lat, lon = text.split(",")
        return float(lat), float(lon)

    start, end = mini_plan.visits[0].place, mini_plan.visits[-1].place
    assert latlon(query["origin"]) == (start.lat, start.lon)
    assert latlon(query["destination"]) == (end.lat, end.lon)
    assert [latlon(w) for w in query["waypoints"].split("|")] == [
        (v.place.lat, v.place.lon) for v in mini_plan.stops]


def test_maps_url_keeps_the_first_nine_waypoints(bundled: cat.Catalog):
    stops = tuple(list(bundled.exhibits)[:12])
    plan = routing.plan_tour(bundled, routing.TourRequest(
        stops=stops, start="eingang-campuspark", end="eingang-wohlgelegen", optimize=False,
        date=DAY))
    assert plan.stop_ids == list(stops)
    link = export.google_maps_url(plan)
    assert link.omitted == 3
    query = parse_qs(urlsplit(link.url).query)
    waypoints = query["waypoints"][0].split("|")
    assert len(waypoints) == export.MAX_WAYPOINTS == 9
    expected = [bundled.exhibits[s].location for s in stops[:9]]
    assert [tuple(map(float, w.split(","))) for w in waypoints] == [
        (loc.lat, loc.lon) for loc in expected]
    north = bundled.entrances["eingang-wohlgelegen"].location
    assert tuple(map(float, query["destination"][0].split(","))) == (north.lat, north.lon)


# --------------------------------------------------------------------------- QR codes


def png_width(data: bytes) -> int:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    return int.from_bytes(data[16:20], "big")


def test_qr_png_encodes_the_url():
    short, long = "https://x.de/a", "https://lernreise.example/planner?" + "tour=" + "x" * 200
    a, b = export.qr_png(short), export.qr_png(short + "b")
    assert a != b and export.qr_png(short) == a  # deterministic, and different per URL
    assert png_width(a) == segno.make_qr(short, error="m").symbol_size(scale=6)[0]
    assert png_width(export.qr_png(long)) > png_width(a)
    assert segno.make_qr(long, error="m").symbol_size() > segno.make_qr(short).symbol_size()
    assert png_width(export.qr_png(short, scale=3)) * 2 == png_width(a)
    assert not segno.make(short, error="m", micro=False).is_micro  # phones read it


def test_qr_png_is_encoded_once_per_url_and_scale(monkeypatch):
    from dashboard.export import qr

    encoded: list[str] = []
    real = qr._qr

    def slow_counting_qr(url: str):
        encoded.append(url)
        time.sleep(0.05)  # every thread arrives while the first is still encoding
        return real(url)

    monkeypatch.setattr(qr, "_qr", slow_counting_qr)
    url = "https://example.org/visitor?tour=cache-test-concurrent"
    with concurrent.futures.ThreadPoolExecutor(8) as pool:  # a group reaching a stop at once
        images = list(pool.map(lambda _: export.qr_png(url, scale=3), range(8)))
    assert encoded == [url]  # encoded once, the other seven waited for it
    assert all(image is images[0] for image in images)
    assert export.qr_png(url, scale=3) is images[0]  # served from the cache
    assert export.qr_png(url, scale=5) != images[0]  # another size is its own image
    assert encoded == [url, url]


def test_qr_svg_is_an_svg_document():
    text = export.qr_svg("https://x.de/a")
    root = ET.fromstring(text)  # noqa: S314 - our own output, not untrusted input
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert text != export.qr_svg("https://x.de/b")


# --------------------------------------------------------------------------- PDF


def test_pdf_mini_handout(mini: cat.Catalog, mini_plan: routing.TourPlan):
    data = export.to_pdf(mini_plan, mini, "de", share_url=SHARE_URL)
    assert data.startswith(b"%PDF-")
    reader, text = pdf_text(data)
    assert len(reader.pages) == 1
    assert reader.metadata.title == "Führung für Bau & IT"
    assert "Führung für Bau & IT" in text and "Samstag, 1. Juni 2019" in text
    assert "0,8 km" in text and "Beginn 10:00 Uhr" in text
    rows = export.schedule_rows(mini_plan, mini, "de")
    assert_in_order(flat(text), [row["name"] for row in rows])
    for row in rows[1:-1]:
        assert f"{row['arrival']}–{row['departure']}" in text
    assert "Beginn 11:00" in text  # the fountain's show
    assert SHARE_URL in re.sub(r"\s+", "", text)
    assert "Seite 1 von 1" in text
    assert len(reader.pages[0].images) == 1  # the QR code


def test_pdf_without_share_url_has_no_qr(mini: cat.Catalog, mini_plan: routing.TourPlan):
    reader, text = pdf_text(export.to_pdf(mini_plan, mini, "en"))
    assert len(reader.pages[0].images) == 0
    assert "Page 1 of 1" in text and "Schedule" in text and "Saturday, 1 June 2019" in text


def test_pdf_realistic_tour_keeps_german_text(bundled: cat.Catalog,
                                              bundled_plan: routing.TourPlan):
    reader, text = pdf_text(export.to_pdf(bundled_plan, bundled, "de", share_url=SHARE_URL))
    assert reader.metadata.title == "Lernreise Konstanz: Bauen & Wasser"
    visit_names = names(bundled, bundled_plan)
    assert "Floßhafen: See statt Hafenbecken" in visit_names
    assert visit_names[0] == bundled.entrances[bundled_plan.request.start].name.de
    assert_in_order(flat(text), visit_names)
    assert "Bundesgartenschau Heilbronn 2019 – Smart-City-Rundgang".upper() in text
    for visit in bundled_plan.stops:
        assert visit.arrival.strftime("%H:%M") in text
        assert visit.departure.strftime("%H:%M") in text
    assert SHARE_URL in re.sub(r"\s+", "", text)


def test_pdf_all_bundled_exhibits_continue_on_more_pages(bundled: cat.Catalog):
    on_show = bundled.exhibits_on(DAY)  # the dated exhibitions of August are not on in June
    plan = routing.plan_tour(bundled, routing.TourRequest(
        stops=tuple(on_show), start="eingang-campuspark", date=DAY))
    assert len(plan.stops) == len(on_show)
    reader, text = pdf_text(export.to_pdf(plan, bundled, "en"))
    pages = len(reader.pages)
    assert pages > 1
    assert f"Page {pages} of {pages}" in text
    assert_in_order(flat(text), names(bundled, plan, "en"))
    assert reader.metadata.title == bundled.exhibition.name.en


def test_pdf_thirty_stops(mini_dir: Path):
    extra = with_extra_exhibits(mini_dir, 27)
    catalog = cat.load(mini_dir)
    stops = ("solar-roof", "fountain", "rain-garden", *extra)
    plan = routing.plan_tour(catalog, routing.TourRequest(
        stops=stops, start="gate", optimize=False, date=DAY))
    assert len(plan.stops) == 30
    reader, text = pdf_text(export.to_pdf(plan, catalog, "de", share_url=SHARE_URL))
    assert len(reader.pages) >= 2
    assert_in_order(flat(text), names(catalog, plan))
    last_page = reader.pages[-1].extract_text()
    assert "Tor" in last_page  # the end row is never alone on a page
    assert len(re.findall(r"\d\d:\d\d–\d\d:\d\d", last_page)) >= 1


def test_pdf_drops_glyphs_the_font_lacks(mini_dir: Path, caplog: pytest.LogCaptureFixture):
    def rename(data: dict) -> None:
        exhibit(data, "solar-roof")["name"] = {"de": "Solardach ⚡💧 ≈ 60 kWp", "en": "Solar"}

    edit_yaml(mini_dir / "exhibits.yaml", rename)
    catalog = cat.load(mini_dir)
    plan = routing.plan_tour(catalog, routing.TourRequest(
        stops=("solar-roof",), start="gate", date=DAY, title="Tour 🚲 mit „Zitaten“"))
    with caplog.at_level(logging.WARNING):
        _, text = pdf_text(export.to_pdf(plan, catalog, "de"))
    assert not [r for r in caplog.records if r.name.startswith("fpdf")]
    assert "Solardach ⚡ ≈ 60 kWp" in text and "💧" not in text
    assert "Tour mit „Zitaten“" in text


def test_times_are_in_the_exhibition_zone(mini: cat.Catalog, mini_plan: routing.TourPlan):
    """Exports never shift clock times: 10:00 in Heilbronn stays 10:00 (08:00 UTC)."""
    doc = gpxpy.parse(export.to_gpx(mini_plan, mini, "de"))
    assert doc.waypoints[0].time == dt.datetime(2019, 6, 1, 10, 0, tzinfo=BERLIN)
    assert export.schedule_rows(mini_plan, mini, "de")[0]["arrival"] == "10:00"


def test_exports_of_an_empty_tour_without_paths(mini_dir: Path):
    """Nothing to visit and no path data: every export still works and says what it can."""
    (mini_dir / "geo" / "paths.geojson").unlink()
    catalog = cat.load(mini_dir)
    plan = routing.plan_tour(catalog, routing.TourRequest(stops=("nope",), start="gate",
                                                          date=DAY))
    assert plan.stops == () and plan.estimated
    assert [w.name for w in gpxpy.parse(export.to_gpx(plan, catalog, "en")).waypoints] == [
        "Start: Gate", "End: Gate"]
    assert events_of(export.to_ics(plan, catalog, "en"))[1] == []
    link = export.google_maps_url(plan)
    assert link.omitted == 0 and "waypoints" not in parse_qs(urlsplit(link.url).query)
    assert len(json.loads(export.to_geojson(plan, catalog, "en"))["features"]) == 3
    _, text = pdf_text(export.to_pdf(plan, catalog, "en"))
    assert "Distances are estimates" in text


@pytest.mark.parametrize("share_url", [None, SHARE_URL, SHARE_URL + "&x=" + "y" * 300])
def test_pdf_side_column_height_is_measured_exactly(mini: cat.Catalog,
                                                    mini_plan: routing.TourPlan,
                                                    share_url: str | None):
    """The map is sized from the measured height of the column beside it; the measure must
    match what is drawn, or a short table would spill onto a second page."""
    pdf = export_pdf._Handout("x", "de")
    pdf.add_page()
    for side_w in (45.0, 62.0, 80.0):
        side_x = export.PAGE_W - export.MARGIN - side_w
        drawn = export_pdf._draw_side(pdf, mini_plan, "de", side_x, 20.0, share_url) - 20.0
        measured = export_pdf._side_height(pdf, mini_plan, "de", side_w, share_url)
        assert drawn == pytest.approx(measured, abs=0.01)
