"""The planner's pure helpers and the planner page in AppTest."""

from __future__ import annotations

import datetime as dt
import itertools
from urllib.parse import parse_qs, urlparse

import pytest
import sqlalchemy
from conftest import DEFAULT_DATA, MINI, ROOT, edit_yaml, exhibit, step_button, tap_as_sent
from streamlit.testing.v1 import AppTest
from support.apptest import sqlite_url, start_app

from dashboard import catalog as cat
from dashboard import export, links, planner, routing, store

DAY = dt.date(2019, 6, 1)


@pytest.fixture(scope="module")
def mini():
    return cat.load(MINI)


@pytest.mark.parametrize(("index", "delta", "expected"), [
    (0, 1, ["b", "a", "c"]), (2, -1, ["a", "c", "b"]), (0, -1, ["a", "b", "c"]),
    (2, 5, ["a", "b", "c"]), (1, -1, ["b", "a", "c"]),
])
def test_move(index, delta, expected):
    assert planner.move(["a", "b", "c"], index, delta) == expected


def test_toggle_adds_at_the_end_and_removes():
    assert planner.toggle(["a"], "b") == ["a", "b"]
    assert planner.toggle(["a", "b"], "a") == ["b"]


def test_notices_are_translated_and_name_the_exhibit(mini):
    plan = routing.plan_tour(mini, routing.TourRequest(
        stops=("solar-roof", "gone"), start_time=dt.time(17, 58), optimize=False, date=DAY))
    texts = planner.notice_texts(plan, mini, "en")
    assert any(n.level == "warning" and "Solar roof closes at 18:00" in n.text for n in texts)
    assert any("No longer in the exhibition and skipped: gone" in n.text for n in texts)
    german = planner.notice_texts(plan, mini, "de")
    assert any("Solardach schließt um 18:00" in n.text for n in german)


def test_timeline_rows_cover_the_tour_without_gaps(mini):
    plan = routing.plan_tour(mini, routing.TourRequest(
        stops=("solar-roof", "fountain"), start_time=dt.time(10, 40), date=DAY))
    rows = planner.timeline_rows(plan, mini, "en")
    kinds = [r["kind"] for r in rows]
    assert "Wait" in kinds  # for the 11:00 fountain show
    assert rows[0]["start"] == plan.visits[0].departure
    assert rows[-1]["end"] == plan.visits[-1].arrival
    for before, after in itertools.pairwise(rows):
        assert abs((after["start"] - before["end"]).total_seconds()) < 1


def test_schedule_table_has_translated_headers(mini):
    plan = routing.plan_tour(mini, routing.TourRequest(stops=("solar-roof",), date=DAY))
    table = planner.schedule_table(export.schedule_rows(plan, mini, "de"), "de")
    assert list(table[0])[:3] == ["Nr.", "Station", "Ankunft"]
    assert [row["Station"] for row in table] == ["Tor", "Solardach", "Tor"]


def test_not_on_tour(mini):
    assert [e.id for e in planner.not_on_tour(mini, ["fountain"])] == ["solar-roof",
                                                                      "rain-garden"]


def test_share_url():
    url = links.share_url("https://x.example/", "abc234", "en")
    parsed = urlparse(url)
    assert parsed.path == "/visitor"  # the share link and QR code open the visitor page
    assert parse_qs(parsed.query) == {"tour": ["abc234"], "lang": ["en"]}
    assert urlparse(links.guide_url("https://x.example/", "abc234", "en")).path == "/planner"


# --------------------------------------------------------------------------- AppTest


def start(monkeypatch, tmp_path, data_dir=DEFAULT_DATA, **query: str) -> AppTest:
    return start_app(monkeypatch, "planner", data_dir=data_dir,
                     database_url=sqlite_url(tmp_path), **query)


def test_planner_empty_state(monkeypatch, tmp_path):
    at = start(monkeypatch, tmp_path, lang="en")
    assert not at.exception
    assert at.header[0].value == "Plan a tour"
    assert any("No stops yet" in i.value for i in at.info)


def test_planner_add_stops_optimise_and_save(monkeypatch, tmp_path):
    at = start(monkeypatch, tmp_path, lang="en")
    for exhibit_id in ("karlssee-wassershow", "buga-log", "holzpavillon"):
        at.selectbox(key="planner.adder").set_value(exhibit_id).run()
    assert at.session_state["planner.stops"] == ["karlssee-wassershow", "buga-log", "holzpavillon"]
    step_button(at, "planner-up-holzpavillon").click()
    tapped = tap_as_sent(at)
    at.run()
    assert at.session_state["planner.stops"][1] == "holzpavillon"
    at._run(widget_state=tapped)  # the same tap delivered again (common.step_key): no change
    assert at.session_state["planner.stops"] == ["karlssee-wassershow", "holzpavillon",
                                                 "buga-log"]
    at.button(key="planner.optimize").click().run()
    assert not at.exception
    assert any("Order optimised" in s.value for s in at.toast)
    catalog = cat.load(DEFAULT_DATA)
    best = routing.plan_tour(catalog, routing.TourRequest(
        stops=("karlssee-wassershow", "buga-log", "holzpavillon"), optimize=True))
    chosen = at.session_state["planner.stops"]
    assert sorted(chosen) == sorted(best.stop_ids)
    # A round trip has two equally short directions: compare the length, not the order.
    shown = routing.plan_tour(catalog, routing.TourRequest(stops=tuple(chosen), optimize=False))
    assert shown.distance_m == pytest.approx(best.distance_m, abs=2)
    assert [m.label for m in at.metric][:2] == ["Walking", "Walking time"]
    assert at.metric[0].value == f"{shown.distance_m / 1000:.2f} km"
    at.text_input(key="planner.title").set_value("Test <b>tour</b>").run()
    at.button(key="planner.save").click().run()
    tour_id = at.session_state["planner.saved_id"]
    saved = store.open_store(f"sqlite:///{tmp_path / 'app.sqlite3'}").load_tour(tour_id)
    assert saved.title == "Test <b>tour</b>"
    assert saved.spec["stops"] == chosen


def test_planner_opens_a_saved_tour_and_reports_missing_exhibits(monkeypatch, tmp_path):
    tours = store.open_store(f"sqlite:///{tmp_path / 'app.sqlite3'}")
    request = routing.TourRequest(stops=("skaio", "removed-exhibit"), start_time=dt.time(9, 0),
                                  speed_kmh=3.0, date=DAY)
    tour_id = tours.save_tour(request.to_dict(), "Alte Tour")
    at = start(monkeypatch, tmp_path, tour=tour_id, lang="de")
    assert not at.exception
    assert any("Alte Tour" in s.value for s in at.toast)
    assert at.session_state["planner.speed"] == 3.0
    assert any("removed-exhibit" in w.value.replace("\\", "") for w in at.warning)
    assert at.metric[3].label == "Ende"


@pytest.mark.parametrize("bad", ["zzzzzzzz", "../../etc/passwd", "'; DROP TABLE tours;--"])
def test_planner_unknown_or_bad_tour_id_shows_a_message(monkeypatch, tmp_path, bad):
    at = start(monkeypatch, tmp_path, tour=bad, lang="en")
    assert not at.exception
    assert any("There is no tour" in w.value for w in at.warning)


def test_planner_refuses_a_tour_of_another_exhibition_with_one_message(monkeypatch, tmp_path):
    """A saved tour remembers its exhibition: opened with another data folder it says so
    instead of listing every stop as unknown (issue 8)."""
    tours = store.open_store(f"sqlite:///{tmp_path / 'app.sqlite3'}")
    tour_id = tours.save_tour(routing.TourRequest(stops=("ziel-a", "ziel-b")).to_dict(),
                              "Tour elsewhere", "another-show")
    at = start(monkeypatch, tmp_path, tour=tour_id, lang="en")
    assert not at.exception
    assert [w.value for w in at.warning if "another" in w.value.replace("\\", "")]
    assert not any("ziel" in w.value for w in at.warning if "another" not in w.value)
    assert at.session_state["planner.stops"] == []
    assert "tour" not in at.query_params


def test_planner_says_a_damaged_saved_tour_cannot_be_opened(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    tours = store.open_store(url)
    tour_id = tours.save_tour(routing.TourRequest(stops=("skaio",)).to_dict(), "Kaputt")
    with sqlalchemy.create_engine(url).begin() as conn:
        conn.execute(sqlalchemy.text("UPDATE tours SET spec = '{\"stops\": 5}'"))
    at = start(monkeypatch, tmp_path, tour=tour_id, lang="en")
    assert not at.exception
    assert any("damaged" in e.value for e in at.error)


def test_planner_names_the_limit_when_a_tour_cannot_be_saved(monkeypatch, tmp_path):
    # The page's own widgets keep within the limits (the title has max_chars); a limit of the
    # store that a page cannot foresee (e.g. the spec's size) still gets its message.
    def refuse(*_args, **_kwargs):
        raise store.TourTooLarge("the tour is larger than 32 KB")

    monkeypatch.setattr(store.TourStore, "save_tour", refuse)
    at = start(monkeypatch, tmp_path, lang="en")
    at.selectbox(key="planner.adder").set_value("skaio").run()
    at.button(key="planner.save").click().run()
    assert not at.exception
    assert any("cannot be saved like this" in e.value and "32 KB" in e.value for e in at.error)
    assert at.session_state["planner.stops"] == ["skaio"]


# --------------------------------------------------------------------------- issue 6 defects


def test_use_suggestion_sets_the_budget_without_an_error(monkeypatch, tmp_path):
    """Defect 1: 'Use suggestion' set the budget after its widget existed (traceback)."""
    at = start(monkeypatch, tmp_path, lang="en")
    at.number_input(key="planner.sg_budget").set_value(60).run()
    at.button(key="planner.sg_go").click().run()
    assert not at.exception
    assert at.session_state["planner.budget"] == 60
    assert at.number_input(key="planner.budget").value == 60
    assert at.session_state["planner.stops"]


def test_remove_and_optimise_can_be_undone(monkeypatch, tmp_path):
    """Defect 4: removing is an explicit button, and remove/optimise are undoable."""
    catalog = cat.load(DEFAULT_DATA)
    ids = list(catalog.exhibits)[:3]
    at = start(monkeypatch, tmp_path, lang="en")
    for exhibit_id in ids:
        at.selectbox(key="planner.adder").set_value(exhibit_id).run()
    at.button(key=f"planner-rm-{ids[1]}").click().run()
    assert at.session_state["planner.stops"] == [ids[0], ids[2]]
    at.button(key="planner.undo").click().run()
    assert at.session_state["planner.stops"] == ids
    at.button(key="planner.optimize").click().run()
    optimised = list(at.session_state["planner.stops"])
    at.button(key="planner.undo").click().run()
    assert at.session_state["planner.stops"] == ids
    assert sorted(optimised) == sorted(ids)


def test_stop_buttons_name_their_stop(monkeypatch, tmp_path):
    """Defect 12: stop buttons are read with the stop's name, not 'arrow_upward icon'."""
    catalog = cat.load(DEFAULT_DATA)
    first = next(iter(catalog.exhibits))
    at = start(monkeypatch, tmp_path, lang="en")
    at.selectbox(key="planner.adder").set_value(first).run()
    name = catalog.text(catalog.exhibits[first].name, "en")
    assert at.button(key=f"planner-rm-{first}").label == f"Remove {name} from the tour"


def test_edited_saved_tour_says_which_version_the_link_shows(monkeypatch, tmp_path):
    """Defect 9: after editing, the link is the saved version, and a new version gets a link."""
    catalog = cat.load(DEFAULT_DATA)
    ids = list(catalog.exhibits)[:3]
    at = start(monkeypatch, tmp_path, lang="en")
    for exhibit_id in ids[:2]:
        at.selectbox(key="planner.adder").set_value(exhibit_id).run()
    at.button(key="planner.save").click().run()
    first_id = at.session_state["planner.saved_id"]
    assert not any("changed after saving" in w.value for w in at.warning)
    at.selectbox(key="planner.adder").set_value(ids[2]).run()
    assert any("changed after saving" in w.value for w in at.warning)
    assert at.button(key="planner.save").label == "Save as new version"
    at.button(key="planner.save").click().run()
    second_id = at.session_state["planner.saved_id"]
    assert second_id != first_id
    assert at.query_params["tour"] in (second_id, [second_id])
    qr = at.get("image")[0].proto.imgs[0]
    assert second_id in qr.alt  # defect 12: the QR image says what it is
    assert not any("changed after saving" in w.value for w in at.warning)


def test_default_date_is_inside_the_exhibition_and_outside_gets_a_notice(monkeypatch, tmp_path):
    """Defect 10 / issue 8: the date defaults into the exhibition; outside it, a warning."""
    catalog = cat.load(DEFAULT_DATA)
    first, last = catalog.exhibition.start_date, catalog.exhibition.end_date
    assert planner.default_date(catalog, first - dt.timedelta(days=400)) == first
    assert planner.default_date(catalog, last + dt.timedelta(days=400)) == first
    assert planner.default_date(catalog, first + dt.timedelta(days=3)) == \
        first + dt.timedelta(days=3)
    at = start(monkeypatch, tmp_path, lang="en")
    assert first <= at.session_state["planner.date"] <= last
    at.selectbox(key="planner.adder").set_value(next(iter(catalog.exhibits))).run()
    at.date_input(key="planner.date").set_value(last + dt.timedelta(days=30)).run()
    assert any("outside the exhibition" in w.value for w in at.warning)


def test_database_down_keeps_the_tour_and_says_so(monkeypatch, tmp_path):
    """Store errors: 'tours cannot be saved right now', the planned tour stays."""
    monkeypatch.setenv("LERNREISE_DATA_DIR", str(DEFAULT_DATA))
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")  # the database would have to live inside a file
    monkeypatch.setenv("LERNREISE_DATABASE_URL", f"sqlite:///{blocker / 'x.sqlite3'}")
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=90)
    at.switch_page("app_pages/planner.py")
    at.query_params.update({"lang": "en"})
    at.run()
    first = next(iter(cat.load(DEFAULT_DATA).exhibits))
    at.selectbox(key="planner.adder").set_value(first).run()
    at.button(key="planner.save").click().run()
    assert not at.exception
    assert any("cannot be saved or opened right now" in e.value for e in at.error)
    assert at.session_state["planner.stops"] == [first]


def test_german_screen_uses_a_decimal_comma(monkeypatch, tmp_path):
    catalog = cat.load(DEFAULT_DATA)
    at = start(monkeypatch, tmp_path, lang="de")
    for exhibit_id in list(catalog.exhibits)[:2]:
        at.selectbox(key="planner.adder").set_value(exhibit_id).run()
    assert at.metric[0].value.endswith(" km") and "," in at.metric[0].value


def test_planner_state_round_trips_a_request(mini):
    from dashboard.ui.planner_page import PlannerState

    request = routing.TourRequest(stops=("fountain", "solar-roof"), start="gate",
                                  start_time=dt.time(9, 30),
                                  speed_kmh=3.5, date=DAY, budget_minutes=45, title="T")
    state = PlannerState.from_request(mini, request, "T")
    assert state.to_request(optimize=True) == dataclasses_replace(request, optimize=True)


def dataclasses_replace(obj, **changes):
    import dataclasses

    return dataclasses.replace(obj, **changes)


def test_a_dated_exhibit_is_no_candidate_on_other_days_and_its_notice_warns(mini_dir):
    edit_yaml(mini_dir / "exhibits.yaml", lambda d: exhibit(d, "fountain").update(
        on_show={"first": "2019-08-15", "last": "2019-08-25"}))
    catalog = cat.load(mini_dir)
    assert [e.id for e in planner.not_on_tour(catalog, [], DAY)] == ["solar-roof",
                                                                      "rain-garden"]
    assert len(planner.not_on_tour(catalog, [], dt.date(2019, 8, 15))) == 3
    assert len(planner.not_on_tour(catalog, [])) == 3  # no day: every exhibit
    plan = routing.plan_tour(catalog, routing.TourRequest(stops=("fountain",), date=DAY))
    [text] = [n for n in planner.notice_texts(plan, catalog, "en") if "Fountain" in n.text]
    assert text.level == "warning"
    assert "not on show on the tour's day (only 2019-08-15 – 2019-08-25)" in text.text
    [german] = [n.text for n in planner.notice_texts(plan, catalog, "de") if "Brunnen" in n.text]
    assert "nicht zu sehen (nur 2019-08-15 – 2019-08-25)" in german


def test_the_planners_stop_list_offers_only_what_is_on_show_on_the_tours_day(
        monkeypatch, tmp_path, mini_dir):
    edit_yaml(mini_dir / "exhibits.yaml", lambda d: exhibit(d, "fountain").update(
        on_show={"first": "2019-08-15", "last": "2019-08-25"}))
    at = start(monkeypatch, tmp_path, data_dir=mini_dir, lang="en")
    at.date_input(key="planner.date").set_value(DAY).run()
    assert not at.exception
    assert at.selectbox(key="planner.adder").options == ["Solar roof", "Rain garden"]
    at.date_input(key="planner.date").set_value(dt.date(2019, 8, 16)).run()
    assert "Fountain" in at.selectbox(key="planner.adder").options


# --------------------------------------------------------------------------- issue 17 (trial)


def settings_line(at: AppTest) -> str:
    return next(c.value for c in at.caption if "budget" in c.value.replace("\\", "")
                or "Zeitbudget" in c.value.replace("\\", "")).replace("\\", "")


def test_a_suggestion_says_it_set_the_budget_and_undo_restores_it(monkeypatch, tmp_path):
    """Item 2: "Suggest a tour" wrote its duration into the time budget silently, Undo kept
    it and the settings line did not show it (the next "Optimise order" then cut the tour)."""
    at = start(monkeypatch, tmp_path, lang="en")
    assert "no time budget" in settings_line(at)
    at.number_input(key="planner.sg_budget").set_value(45).run()
    at.button(key="planner.sg_go").click().run()
    assert at.session_state["planner.budget"] == 45
    assert any("Time budget set to 45 min" in s.value.replace("\\", "") for s in at.toast)
    assert "time budget 45 min" in settings_line(at)
    at.button(key="planner.undo").click().run()
    assert at.session_state["planner.budget"] == 0
    assert at.number_input(key="planner.budget").value == 0
    assert at.session_state["planner.stops"] == []
    assert "no time budget" in settings_line(at)


@pytest.mark.parametrize("lang", ["en", "de"])
def test_stops_left_out_by_the_budget_are_named_at_the_button_and_can_be_put_back(
        monkeypatch, tmp_path, lang):
    """Item 3: the stops a budget left out were announced only at the top of the page; the
    toast spoke of distance only. Now the toast counts them, a warning below the button names
    them, and one button puts them back (and drops the budget)."""
    catalog = cat.load(DEFAULT_DATA)
    ids = list(catalog.exhibits)[:8]
    at = start(monkeypatch, tmp_path, lang=lang)
    for exhibit_id in ids:
        at.selectbox(key="planner.adder").set_value(exhibit_id).run()
    at.number_input(key="planner.budget").set_value(30).run()
    at.button(key="planner.optimize").click().run()
    assert not at.exception
    kept = at.session_state["planner.stops"]
    gone = [i for i in ids if i not in kept]
    assert gone, "a 30 minute budget keeps fewer than eight stops"
    toast = " ".join(s.value for s in at.toast).replace("\\", "")
    word = {"en": "left out", "de": "weggelassen"}[lang]
    assert f"{len(gone)} " in toast and word in toast
    warnings = [w.value.replace("\\", "") for w in at.warning]
    from dashboard import presentation as fmt
    left = [w for w in warnings if str(len(gone)) in w and fmt.minutes(30, lang) in w]
    assert len(left) == 1
    for exhibit_id in gone:
        assert catalog.text(catalog.exhibits[exhibit_id].name, lang) in left[0]
    # Not the old per-stop warnings at the top of the page.
    assert not [w for w in warnings if "wurde weggelassen:" in w or "was left out:" in w]
    at.button(key="planner.put_back").click().run()
    assert sorted(at.session_state["planner.stops"]) == sorted(ids)
    assert at.session_state["planner.budget"] == 0
    assert not [b for b in at.button if b.key == "planner.put_back"]


def test_the_settings_box_keeps_its_label_while_the_guide_works_in_it(monkeypatch, tmp_path):
    """Item 4: the box's label carried the settings, so each change made a new box, closed.
    The label stays; the open state is the box's own widget state; the line below shows the
    settings."""
    at = start(monkeypatch, tmp_path, lang="de")
    label = at.expander[0].label
    at.select_slider(key="planner.speed").set_value(3.0).run()
    at.selectbox(key="planner.time").set_value(dt.time(9, 30)).run()
    assert at.expander[0].label == label == "Einstellungen"
    line = settings_line(at)
    assert "09:30" in line and "3,0 km/h" in line


def test_the_timeline_ends_with_the_return_leg_in_both_languages(mini):
    """Item 5: in English the round trip's "E · Gate" row was drawn first (the chart ordered
    the rows itself); now the order is given: visiting order, the end last."""
    plan = routing.plan_tour(mini, routing.TourRequest(
        stops=("solar-roof", "fountain", "rain-garden"), optimize=False, date=DAY))
    for lang, end in (("en", "E · "), ("de", "Z · ")):
        rows = planner.timeline_rows(plan, mini, lang)
        order = planner.timeline_order(rows)
        assert order[-1].startswith(end) and order[0].startswith("1 · ")
        assert len(order) == len(plan.visits) - 1  # the start has no row of its own


def test_german_settings_speak_german(monkeypatch, tmp_path):
    """Item 6: the end picker said "Choose an option", the pace "4.00", the distance was a
    "Gehweg" (a sidewalk) and the start time field was read as "hour, Beginn"."""
    at = start(monkeypatch, tmp_path, lang="de")
    end = at.selectbox(key="planner.end")
    assert end.value is None and end.placeholder == "wie Start (Rundgang)"
    speed = at.select_slider(key="planner.speed")
    assert "4,0 km/h" in speed.options and not [o for o in speed.options if "." in o]
    time = at.selectbox(key="planner.time")
    assert time.label == "Startzeit" and time.value == dt.time(10, 0)
    assert "10:00" in time.options and "10:15" in time.options
    assert not at.get("time_input")
    at.selectbox(key="planner.adder").set_value("skaio").run()
    assert at.metric[0].label == "Gehstrecke"
    english = start(monkeypatch, tmp_path, lang="en")
    assert "4.0 km/h" in english.select_slider(key="planner.speed").options


def test_a_saved_tours_own_time_and_pace_stay_choosable():
    assert dt.time(9, 7) in planner.start_times(dt.time(9, 7))
    assert 3.2 in planner.speed_steps(3.2) and 4.0 in planner.speed_steps(3.2)
