"""Visitor mode: the domain (dashboard.visitor) and the page in AppTest."""

from __future__ import annotations

import base64
import datetime as dt
import re

import pytest
from conftest import MINI, ROOT, edit_yaml, exhibit, step_button, tap_as_sent
from streamlit.testing.v1 import AppTest
from support.apptest import sqlite_url, start_app

from dashboard import catalog as cat
from dashboard import links, routing, store, visitor

DAY = dt.date(2019, 6, 1)
STOPS = ("solar-roof", "rain-garden", "fountain")


@pytest.fixture(scope="module")
def mini() -> cat.Catalog:
    return cat.load(MINI)


@pytest.fixture(scope="module")
def plan(mini) -> routing.TourPlan:
    return routing.plan_tour(mini, routing.TourRequest(stops=STOPS, optimize=False, date=DAY))


# --------------------------------------------------------------------------- domain


def test_compass_words_from_bearings():
    assert visitor.bearing(47.0, 9.0, 47.01, 9.0) == pytest.approx(0, abs=0.01)
    assert visitor.bearing(47.0, 9.0, 47.0, 9.01) == pytest.approx(90, abs=0.1)
    assert visitor.bearing(47.0, 9.0, 46.99, 9.0) == pytest.approx(180, abs=0.01)
    assert [visitor.compass(d) for d in (0, 44, 46, 90, 135, 180, 225, 270, 315, 359)] == \
        ["n", "ne", "ne", "e", "se", "s", "sw", "w", "nw", "n"]
    assert visitor.direction_words("sw", "de") == "Südwesten"


def test_progress_and_next_leg(mini, plan):
    stops = visitor.visitor_stops(plan, mini, "en")
    assert [s.id for s in stops] == list(STOPS)
    first = visitor.progress(plan, 0, mini, "en")
    assert (first.number, first.total) == (1, 3)
    leg = first.next_leg
    assert leg is not None and not leg.to_end and leg.to_name == stops[1].name
    assert leg.distance_m == pytest.approx(plan.visits[2].leg.distance_m)
    here, there = plan.stops[0].place, plan.stops[1].place
    assert leg.direction == visitor.compass(visitor.bearing(here.lat, here.lon,
                                                            there.lat, there.lon))
    last = visitor.progress(plan, 2, mini, "en")
    assert last.next_leg is not None and last.next_leg.to_end  # back to the gate
    assert last.minutes_left < first.minutes_left
    assert visitor.progress(plan, 99, mini, "en").number == 3  # clamped


def test_walked_part_grows(plan):
    assert len(visitor.walked_coords(plan, 0)) >= 2  # gate -> first stop
    assert len(visitor.walked_coords(plan, 2)) > len(visitor.walked_coords(plan, 0))


def test_stop_and_visited_parameters():
    ids = ["a", "b", "c"]
    assert visitor.parse_stop("2", 3) == 1
    for bad in ("0", "4", "-1", "x", "1e3", "99999", None, " 1"):
        assert visitor.parse_stop(bad, 3) is None
    assert visitor.parse_visited("1,3,9,x,,3", ids) == {"a", "c"}
    assert visitor.parse_visited(None, ids) == set()
    assert visitor.format_visited({"c", "a"}, ids) == "1,3"
    assert visitor.format_visited(set(), ids) is None


def test_nearest_stop(plan):
    for i, visit in enumerate(plan.stops):
        assert visitor.nearest_stop(plan, visit.place.lat + 1e-5, visit.place.lon) == i
    assert visitor.nearest_stop(plan, float("nan"), 0.0) is None


def test_every_bundled_category_has_a_pictogram_and_unknown_ones_the_generic():
    bundled = cat.load(ROOT / "data")
    for category in bundled.categories:
        assert (visitor.PICTOGRAMS / f"{category}.svg").exists(), category
    assert visitor.pictogram_svg("../../etc/passwd") == visitor.pictogram_svg(None)
    assert visitor.pictogram_svg("water").startswith("<svg")
    assert "CC0" in (visitor.PICTOGRAMS / "README.md").read_text()


def test_share_link_opens_the_visitor_page():
    assert links.share_url("https://x.example", "abcd2345", "en") == \
        "https://x.example/visitor?tour=abcd2345&lang=en"
    assert links.app_root("http://h:1/visitor?tour=x") == "http://h:1"


# --------------------------------------------------------------------------- where am I, visited


def test_location_reports_from_the_browser_are_checked():
    assert visitor.read_location({"lat": 49.0, "lon": 9.0, "accuracy": 12}) == (49.0, 9.0, 12.0)
    assert visitor.read_location({"lat": 49, "lon": 9, "accuracy": "x"}) == (49.0, 9.0, None)
    for error in visitor.LOCATION_ERRORS:
        assert visitor.read_location({"error": error}) == error
    for bad in (None, [], "49,9", {"error": "<script>"}, {"lat": 91, "lon": 9},
                {"lat": float("nan"), "lon": 9}, {"lat": True, "lon": 9}, {"lat": "49"},
                {"lat": 49.0, "lon": 200.0}):
        assert visitor.read_location(bad) == "unavailable", bad


def test_locate_snaps_to_the_nearest_stop_with_its_distance(mini, plan):
    there = plan.stops[1].place
    # 0.0001 degrees of latitude north of the stop: about 11 m.
    found = visitor.locate(plan, mini, there.lat + 0.0001, there.lon, 8.0)
    assert found.index == 1 and found.on_site and found.accuracy_m == 8.0
    assert found.distance_m == pytest.approx(11.1, abs=0.5)
    far = visitor.locate(plan, mini, 47.66, 9.17)  # Konstanz: far outside the mini site
    assert not far.on_site and far.distance_m > 100_000
    # Just outside the outline (within the margin) still counts as on site.
    west = mini.site.outline.bounds[0]
    edge = visitor.locate(plan, mini, there.lat, west - 0.0003)  # about 22 m west
    assert edge.on_site
    assert visitor.locate(plan, mini, float("inf"), 9.0) is None


def test_distances_in_words():
    assert visitor.distance_words(3, "en") == "10 m"
    assert visitor.distance_words(124, "de") == "120 m"
    assert visitor.distance_words(1840, "de") == "1,84 km"
    assert visitor.distance_words(1840, "en") == "1.84 km"


def test_visited_marks_read_back_from_the_browser_keep_only_this_tours_stops():
    ids = ["a", "b", "c"]
    assert visitor.stored_visited(["a", "c", "zz", 3, None, "a"], ids) == {"a", "c"}
    for bad in (None, "a,b", {"a": 1}, 7):
        assert visitor.stored_visited(bad, ids) == set()
    assert visitor.stored_visited(["a"] * 10_000, ids) == {"a"}


def test_idle_minutes_setting(monkeypatch):
    from dashboard import settings

    monkeypatch.delenv("LERNREISE_VISITOR_IDLE_MINUTES", raising=False)
    monkeypatch.chdir(ROOT / "tests")  # no secrets.toml here
    assert settings.visitor_idle_minutes() == 0
    monkeypatch.setenv("LERNREISE_VISITOR_IDLE_MINUTES", "2.5")
    assert settings.visitor_idle_minutes() == 2.5
    for bad in ("-1", "soon", "nan", "100000"):
        monkeypatch.setenv("LERNREISE_VISITOR_IDLE_MINUTES", bad)
        with pytest.raises(ValueError, match="LERNREISE_VISITOR_IDLE_MINUTES"):
            settings.visitor_idle_minutes()


# --------------------------------------------------------------------------- page


def start(monkeypatch, tmp_path, **query: str) -> AppTest:
    return start_app(monkeypatch, "visitor", data_dir=MINI, database_url=sqlite_url(tmp_path),
                     **query)


def save(tmp_path, title="Mini <b>tour</b>") -> str:
    tours = store.open_store(f"sqlite:///{tmp_path / 'app.sqlite3'}")
    request = routing.TourRequest(stops=STOPS, optimize=False, date=DAY)
    return tours.save_tour(request.to_dict(), title, "mini-expo")


def q(at: AppTest, name: str):
    value = at.query_params.get(name)
    return value[0] if isinstance(value, list) else value


def plain(value: str) -> str:
    return value.replace("\\", "")


def body(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [h.value for h in at.subheader]
    parts += [h.value for h in at.header] + [c.value for c in at.caption]
    return "\n".join(parts).replace("\\", "")


def test_source_qr_codes_are_one_escaped_block_of_inline_images():
    from html.parser import HTMLParser

    from dashboard import export
    from dashboard.ui.visitor_page import sources_html

    urls = ("https://example.org/a", 'https://evil.example/x?"><script>alert(1)</script>')

    class Figures(HTMLParser):
        def __init__(self):
            super().__init__()
            self.images: list[dict] = []
            self.captions: list[str] = []
            self.tags: list[str] = []
            self._in_caption = False

        def handle_starttag(self, tag, attrs):
            self.tags.append(tag)
            if tag == "img":
                self.images.append(dict(attrs))
            self._in_caption = tag == "figcaption"

        def handle_endtag(self, tag):
            self._in_caption = False

        def handle_data(self, data):
            if self._in_caption:
                self.captions.append(data)

    parsed = Figures()
    parsed.feed(sources_html(urls, "en"))
    assert "script" not in parsed.tags  # the hostile URL stays text
    assert len(parsed.images) == 2
    for url, image in zip(urls, parsed.images, strict=True):
        prefix = "data:image/png;base64,"
        assert image["src"].startswith(prefix)
        assert base64.b64decode(image["src"][len(prefix):]) == export.qr_png(url, scale=4)
        assert image["alt"] == f"QR code of the source {url}"
    assert parsed.captions == ["example.org", "evil.example"]


def test_a_tours_source_codes_are_prepared_once_in_the_background(plan, mini, monkeypatch):
    from dashboard.ui import visitor_page

    monkeypatch.setattr(visitor_page, "_PREPARED", set())  # other tests may have shown it
    visitor_page.sources_html.cache_clear()
    stops = visitor.visitor_stops(plan, mini, "de")
    lists = [stop.sources for stop in stops if stop.sources]
    assert lists
    worker = visitor_page.prepare_sources(stops, "de")
    assert worker is not None
    worker.join(timeout=30)
    hits = visitor_page.sources_html.cache_info().hits
    for urls in lists:
        visitor_page.sources_html(urls, "de")  # already made: served from the cache
    assert visitor_page.sources_html.cache_info().hits == hits + len(lists)
    assert visitor_page.prepare_sources(stops, "de") is None  # once per tour and language


def test_the_stop_shows_its_sources_as_qr_codes(monkeypatch, tmp_path):
    tour_id = save(tmp_path)
    at = start(monkeypatch, tmp_path, tour=tour_id, lang="en")
    blocks = [h.proto.body for h in at.html if 'class="lr-sources"' in h.proto.body]
    assert len(blocks) == 1 and blocks[0].count("<img ") == 1
    assert "QR code of the source https://example.org/solar" in blocks[0]
    assert "Sources (scan with a phone)" in blocks[0]


def test_a_tap_delivered_twice_moves_one_stop(monkeypatch, tmp_path):
    """Streamlit can hand one tap's trigger to a second run when another rerun request races
    it (a benchmark caught a tablet moving two stops on one tap). Replayed here: the widget
    states the tap sent, sent again after the page has moved on."""
    tour_id = save(tmp_path)
    at = start(monkeypatch, tmp_path, tour=tour_id, lang="en")
    step_button(at, "visitor.next").click()
    tapped = tap_as_sent(at)
    at.run()
    assert "Stop 2 of 3" in body(at) and q(at, "stop") == "2"
    at._run(widget_state=tapped)  # the same trigger once more (AppTest has no public replay)
    assert not at.exception
    assert "Stop 2 of 3" in body(at) and q(at, "stop") == "2"
    step_button(at, "visitor.prev").click()
    tapped = tap_as_sent(at)
    at.run()
    at._run(widget_state=tapped)
    assert "Stop 1 of 3" in body(at) and q(at, "stop") == "1"


def test_start_screen_lists_saved_tours_newest_first(monkeypatch, tmp_path):
    older = save(tmp_path, "Older")
    newer = save(tmp_path, "Newer")
    at = start(monkeypatch, tmp_path, lang="en")
    assert not at.exception
    assert at.header[0].value == "Follow a tour"
    picks = [b.key for b in at.button if b.key and b.key.startswith("visitor.pick-")]
    assert picks == [f"visitor.pick-{newer}", f"visitor.pick-{older}"]
    at.button(key=f"visitor.pick-{older}").click().run()
    assert not at.exception
    assert q(at, "tour") == older and q(at, "stop") == "1"


@pytest.mark.parametrize("bad", ["nope2345", "../etc", "x" * 300, "<script>"])
def test_unknown_or_malformed_tour_gives_a_message_and_the_start_screen(monkeypatch, tmp_path,
                                                                       bad):
    at = start(monkeypatch, tmp_path, tour=bad, lang="en")
    assert not at.exception
    assert any("There is no tour" in w.value for w in at.warning)
    assert at.header[0].value == "Follow a tour"
    assert q(at, "tour") is None


def test_a_tour_opens_at_its_first_stop_and_steps_through(monkeypatch, tmp_path, mini):
    tour_id = save(tmp_path)
    at = start(monkeypatch, tmp_path, tour=tour_id, lang="en")
    assert not at.exception
    assert at.header[0].value == r"Mini \<b\>tour\</b\>"  # escaped: shown as written
    names = [mini.text(mini.exhibits[s].name, "en") for s in STOPS]
    assert plain(at.subheader[0].value) == f"1. {names[0]}"
    assert "Stop 1 of 3" in body(at)
    assert step_button(at, "visitor.prev").disabled
    for n in (2, 3):
        step_button(at, "visitor.next").click().run()
        assert plain(at.subheader[0].value) == f"{n}. {names[n - 1]}"
        assert q(at, "stop") == str(n)
    assert step_button(at, "visitor.next").disabled
    assert "to the end" in body(at)
    at.checkbox(key="w.visited").check().run()
    assert q(at, "seen") == "3"
    at.radio(key="w.size").set_value("large").run()
    assert q(at, "size") == "large"
    assert not at.exception


def test_stop_visited_and_size_come_from_the_url(monkeypatch, tmp_path):
    tour_id = save(tmp_path)
    at = start(monkeypatch, tmp_path, tour=tour_id, stop="2", seen="1,2", size="large",
               lang="de")
    assert not at.exception
    assert plain(at.subheader[0].value).startswith("2. ")
    assert "Station 2 von 3" in body(at)
    assert at.checkbox(key="w.visited").value is True
    assert at.radio(key="w.size").value == "large"


@pytest.mark.parametrize("stop", ["0", "17", "abc"])
def test_bad_stop_in_the_url_is_reported_and_the_first_stop_shown(monkeypatch, tmp_path, stop):
    tour_id = save(tmp_path)
    at = start(monkeypatch, tmp_path, tour=tour_id, stop=stop, lang="en")
    assert not at.exception
    assert plain(at.subheader[0].value).startswith("1. ")
    assert any("stop" in w.value for w in at.warning)


def test_tour_of_another_exhibition_is_refused_kindly(monkeypatch, tmp_path):
    tours = store.open_store(f"sqlite:///{tmp_path / 'app.sqlite3'}")
    tour_id = tours.save_tour(routing.TourRequest(stops=STOPS).to_dict(), "Other", "elsewhere")
    at = start(monkeypatch, tmp_path, tour=tour_id, lang="en")
    assert not at.exception
    assert any("another exhibition" in w.value for w in at.warning)


def test_visitor_map_shows_route_walked_part_and_current_stop(mini, plan):
    from dashboard import maps

    walked = visitor.walked_coords(plan, 1)
    fmap = maps.visitor_map(mini, plan, "en")
    maps.visitor_layer(mini, plan, 1, walked, "en").add_to(fmap)
    doc = fmap.get_root().render()
    assert maps.WALKED in doc and "#c0392b" in doc
    # The one selected marker (besides the CSS rule) is the current stop, number 2.
    assert doc.count("lr-stop lr-selected") == 1
    assert re.search(r'lr-stop lr-selected\\?" data-exhibit=\\?"rain-garden', doc)
    assert "tile.openstreetmap" not in doc  # the offline base map: no tile server


def test_a_location_offers_the_nearest_stop_and_goes_there(monkeypatch, tmp_path, mini):
    """The page's side of "Where am I?" (the browser's side is in test_browser_visitor)."""
    tour_id = save(tmp_path)
    at = start(monkeypatch, tmp_path, tour=tour_id, lang="en")
    assert not at.exception
    there = visitor.locate(plan_of(mini), mini, mini.exhibits[STOPS[2]].location.lat,
                           mini.exhibits[STOPS[2]].location.lon, 500.0)
    at.session_state["visitor.located"] = (tour_id, 0, there)
    at.run()
    name = mini.text(mini.exhibits[STOPS[2]].name, "en")
    assert any(f"Nearest stop on the tour: 3. {name}" in plain(i.value) for i in at.info)
    assert any("rough" in c.value for c in at.caption)
    at.button(key="visitor.goto").click().run()
    assert plain(at.subheader[0].value) == f"3. {name}"
    assert any("You are at stop 3" in plain(s.value) for s in at.success)
    assert not [b for b in at.button if b.key == "visitor.goto"]
    step_button(at, "visitor.prev").click().run()  # moved on: the old location is not repeated
    assert not at.success and not at.info


@pytest.mark.parametrize("error", visitor.LOCATION_ERRORS)
def test_location_problems_are_told_plainly(monkeypatch, tmp_path, error):
    tour_id = save(tmp_path)
    at = start(monkeypatch, tmp_path, tour=tour_id, lang="de")
    at.session_state["visitor.located"] = (tour_id, 0, error)
    at.run()
    assert not at.exception
    from dashboard.i18n import t

    assert [plain(w.value) for w in at.warning] == [t(f"visitor.where.{error}", "de")]


def test_a_malformed_idle_setting_is_reported_and_ignored(monkeypatch, tmp_path):
    monkeypatch.setenv("LERNREISE_VISITOR_IDLE_MINUTES", "bald")
    tour_id = save(tmp_path)
    at = start(monkeypatch, tmp_path, tour=tour_id, stop="2", lang="en")
    assert not at.exception
    assert any("LERNREISE_VISITOR_IDLE_MINUTES" in plain(w.value) for w in at.warning)


def plan_of(catalog: cat.Catalog) -> routing.TourPlan:
    return routing.plan_tour(catalog, routing.TourRequest(stops=STOPS, optimize=False, date=DAY))


def test_stop_card_says_when_the_point_is_an_estimate_or_the_stop_a_topic(mini_dir):
    edit_yaml(mini_dir / "exhibits.yaml", lambda d: exhibit(d, "fountain").update(
        location_approximate=True, kind="topic", note="Editors: no source places it."))
    catalog = cat.load(mini_dir)
    plan = routing.plan_tour(catalog, routing.TourRequest(
        stops=("solar-roof", "fountain"), optimize=False, date=DAY))
    stops = {s.id: s for s in visitor.visitor_stops(plan, catalog, "en")}
    assert stops["fountain"].location_approximate and stops["fountain"].topic
    assert not stops["solar-roof"].location_approximate and not stops["solar-roof"].topic
    assert not any(s.location_approximate or s.topic for s in stops.values()
                   if s.id not in catalog.exhibits)  # the gate


# --------------------------------------------------------------------------- issue 17 (trial)


def test_the_visitors_settings_come_before_the_stop_and_large_text_scales_the_page(
        monkeypatch, tmp_path):
    """Item 12: the text size was at the very bottom and "larger" scaled only the card."""
    tour_id = save(tmp_path)
    at = start(monkeypatch, tmp_path, tour=tour_id, lang="en")
    keys = [getattr(e, "key", None) for e in at.main]
    order = [k for k in (node.key for node in _walk(at.main)) if k in ("w.size", "w.visited")]
    assert order == ["w.size", "w.visited"], keys  # the size switch first, then the stop
    at.radio(key="w.size").set_value("large").run()
    sheets = [h.proto.body for h in at.html if "kiosk-large.css" in h.proto.body]
    assert len(sheets) == 1 and "html { font-size: 125%; }" in sheets[0]


def _walk(node):
    for child in getattr(node, "children", {}).values():
        yield child
        yield from _walk(child)


def test_the_progress_line_names_the_next_walk(monkeypatch, tmp_path):
    """Item 16: "· 0.26 km" had no label (and wrapped alone onto its own line on a phone)."""
    tour_id = save(tmp_path)
    at = start(monkeypatch, tmp_path, tour=tour_id, lang="de")
    line = next(m.value for m in at.markdown if "Station 1 von 3" in plain(m.value))
    assert "nächster\u00a0Weg\u00a0" in plain(line) and "km" in plain(line)


def test_sources_are_codes_and_links_for_the_stylesheet_to_choose(monkeypatch, tmp_path):
    """Item 14: a phone got QR codes to scan with a phone; now the block carries both, the
    stylesheet shows links below 640 px and codes above."""
    from dashboard.ui.visitor_page import sources_html

    block = sources_html(("https://example.org/a/b", "https://example.org/c"), "en")
    assert block.count("<img ") == 2
    assert block.count('<a href="https://example.org/') == 2
    assert 'rel="noopener noreferrer"' in block and ">example.org/a/b</a>" in block
    css = (ROOT / "static" / "css" / "kiosk.css").read_text(encoding="utf-8")
    assert re.search(r"@media \(max-width: 640px\) \{\s*\.lr-sources, \.lr-on-tablet "
                     r"\{ display: none; \}\s*\.lr-source-links, \.lr-on-phone", css)


def test_the_offline_file_starts_where_the_visitor_is(monkeypatch, tmp_path, plan, mini):
    """Item 15: the offline file always started at stop 1 and had no visited marks."""
    from dashboard import export

    doc = export.to_offline_html(plan, mini, "en", "T", start=1, visited=[STOPS[0]],
                                 size="large")
    assert 'data-start="1"' in doc and 'data-seen="0"' in doc and 'data-size="large"' in doc
