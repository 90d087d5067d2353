"""The guide's live tools without a browser: the schedule against a clock set by the test
(dashboard/live.py), the re-plan that meets the end with the planner's optimiser ("must see"
kept), the lead's re-plan and undo in the store, and the group's questions in the store
(dashboard/store/questions.py) on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from conftest import DEFAULT_DATA

from dashboard import catalog as cat
from dashboard import live, routing, store, visitor
from dashboard.store import questions as qmod

STOPS = ("skaio", "karlssee-wassershow", "buga-log", "holzpavillon")
DAY = dt.date(2019, 6, 1)


@pytest.fixture(scope="module")
def catalog() -> cat.Catalog:
    return cat.load(DEFAULT_DATA)


@pytest.fixture(scope="module")
def network(catalog) -> routing.WalkingNetwork:
    return routing.WalkingNetwork.build(catalog)


def planned(catalog, network, **changes) -> routing.TourPlan:
    request = routing.TourRequest(stops=STOPS, optimize=False, date=DAY, **changes)
    return routing.plan_tour(catalog, request, network)


# --------------------------------------------------------------------------- the schedule


def test_the_schedule_starts_when_the_guide_does(catalog, network):
    plan = planned(catalog, network)
    started = plan.stops[0].begin + dt.timedelta(hours=4, minutes=10)  # led in the afternoon
    moved = live.shift(plan, started, replanned=False)
    # Just arrived at the second stop on time: on schedule, not "four hours behind".
    arrived = plan.stops[1].begin + moved
    on_time = live.delay(plan, 1, arrived, arrived, moved)
    assert on_time.minutes == 0 and on_time.on_time and not on_time.missed
    # The group stays 12 minutes longer than the stop's time: 12 minutes behind.
    later = plan.stops[1].departure + moved + dt.timedelta(minutes=12)
    behind = live.delay(plan, 1, arrived, later, moved)
    assert behind.minutes == 12 and not behind.on_time
    assert behind.ends_at == plan.visits[-1].arrival + moved + dt.timedelta(minutes=12)
    # Arrived 5 minutes early and leaving on time: ahead is negative.
    early = live.delay(plan, 1, arrived - dt.timedelta(minutes=5),
                       arrived - dt.timedelta(minutes=5), moved)
    assert early.minutes == -5


def test_the_budget_is_the_end_unless_a_fixed_end_is_given(catalog, network):
    plan = planned(catalog, network, budget_minutes=90)
    moved = live.shift(plan, plan.stops[0].begin, False)
    arrived = plan.stops[0].begin
    late = live.delay(plan, 0, arrived, arrived, moved)
    assert late.end_by == plan.visits[0].arrival + dt.timedelta(minutes=90)
    assert not late.missed
    bus = plan.visits[-1].arrival - dt.timedelta(minutes=1)
    assert live.delay(plan, 0, arrived, arrived, moved, end_by=bus).missed


# --------------------------------------------------------------------------- the re-plan


def late_at_second_stop(plan, minutes_late: int, spare: int) -> live.Delay:
    """The group stayed `minutes_late` too long at stop 2; the end is `spare` minutes after
    the planned end."""
    moved = live.shift(plan, plan.stops[0].begin, False)
    arrived = plan.stops[1].begin
    now = plan.stops[1].departure + dt.timedelta(minutes=minutes_late)
    end_by = plan.visits[-1].arrival + dt.timedelta(minutes=spare)
    return live.delay(plan, 1, arrived, now, moved, end_by=end_by)


def test_a_re_plan_meets_the_end_and_keeps_the_stops_so_far(catalog, network):
    plan = planned(catalog, network)
    late = late_at_second_stop(plan, 12, 2)
    assert late.minutes == 12 and late.missed
    proposal = live.propose(catalog, plan, 1, late, network)
    assert proposal is not None and proposal.meets_end and proposal.dropped
    assert set(proposal.keep) | set(proposal.dropped) == set(STOPS[2:])
    new = live.lead_plan(catalog, plan, proposal.to_plan(tuple(STOPS[:2]), dt.timedelta(0)),
                         network)
    assert new.stop_ids[:2] == list(STOPS[:2])  # the stops so far stay
    assert new.stop_ids[2:] == list(proposal.keep)
    assert new.visits[-1].place.id == plan.visits[-1].place.id  # the fixed end kept
    assert new.visits[-1].arrival <= late.end_by
    assert new.stops[1].departure == late.leaves_at  # timed from when the group leaves
    assert [v.number for v in new.visits] == list(range(len(new.visits)))
    assert new.legs[1].from_id == STOPS[0]  # the walked route is still drawn
    # Nothing to decide when the end is met.
    assert live.propose(catalog, plan, 1, late_at_second_stop(plan, 0, 30), network) is None


def test_a_must_see_stop_is_never_dropped(catalog, network):
    plan = planned(catalog, network)
    late = late_at_second_stop(plan, 12, 2)
    first = live.propose(catalog, plan, 1, late, network)
    dropped_one = first.dropped[0]
    must = planned(catalog, network, must_see=(dropped_one,))
    again = live.propose(catalog, must, 1, late_at_second_stop(must, 12, 2), network)
    assert dropped_one in again.keep and dropped_one not in again.dropped
    # And the planner's own budget keeps it too.
    request = routing.TourRequest(stops=STOPS, date=DAY, budget_minutes=45,
                                  must_see=(STOPS[-1],))
    assert STOPS[-1] in routing.plan_tour(catalog, request, network).stop_ids
    assert routing.TourRequest.from_dict(request.to_dict()).must_see == (STOPS[-1],)
    assert "must_see" not in routing.TourRequest(stops=STOPS).to_dict()  # old specs unchanged


def test_a_re_plan_of_stops_no_longer_there_is_the_saved_plan(catalog, network):
    plan = planned(catalog, network)
    bad = {"from_stop": 1, "prefix": list(STOPS[:2]), "keep": ["not-an-exhibit"],
           "dropped": [], "leaves_at": plan.stops[1].departure.isoformat(),
           "end_by": plan.visits[-1].arrival.isoformat()}
    assert live.lead_plan(catalog, plan, bad, network) is plan
    assert live.lead_plan(catalog, plan, {"junk": 1}, network) is plan


# --------------------------------------------------------------------------- the store


@pytest.fixture
def database(db_url: str) -> Iterator[store.Database]:
    db = store.Database(db_url)
    yield db
    db.dispose()


@pytest.fixture
def led(database) -> tuple[store.Lead, str]:
    tours = store.TourStore(database)
    tour_id = tours.save_tour({"stops": list(STOPS)}, "Live", "buga2019-heilbronn")
    lead, _code, key = store.LeadStore(database).start(tour_id, stop_count=len(STOPS))
    return lead, key


def test_a_re_plan_is_the_lead_s_and_undo_goes_back(database, led):
    lead, key = led
    leads = store.LeadStore(database)
    leads.goto(lead.id, key, 1)
    arrived = leads.get(lead.id).updated_at
    plan = {"from_stop": 1, "prefix": list(STOPS[:2]), "keep": [STOPS[3]],
            "dropped": [STOPS[2]], "leaves_at": "2019-06-01T10:47:00+02:00",
            "end_by": "2019-06-01T11:30:00+02:00"}
    now = leads.set_plan(lead.id, key, plan, 3)
    assert now.plan["keep"] == [STOPS[3]] and now.stop_count == 3 and now.can_undo
    assert now.updated_at == arrived  # still when the group reached its stop
    with pytest.raises(store.NotLeading):
        leads.set_plan(lead.id, "not-the-key", plan, 3)
    with pytest.raises(store.LeadError):
        leads.goto(lead.id, key, 3)  # the re-plan has three stops
    back = leads.undo_plan(lead.id, key)
    assert back.plan is None and back.stop_count == len(STOPS) and not back.can_undo
    assert back.plan_revision > now.plan_revision  # tablets notice the undo
    tour = store.TourStore(database).load_tour(lead.tour_id)
    assert tour.spec["stops"] == list(STOPS)  # the saved tour is not overwritten


def test_two_tablets_ask_the_guide_answers_one(database, led):
    lead, key = led
    questions = store.QuestionStore(database)
    questions.ask(lead.id, "tablet-one", STOPS[1], 1, "Wie hoch ist der Turm?")
    hostile = "<script>alert(1)</script>\x00\u202e **bold** [x](javascript:1)\n\nzwei"
    asked = questions.ask(lead.id, "tablet-two", STOPS[1], 1, hostile)
    assert asked.text == "<script>alert(1)</script> **bold** [x](javascript:1) zwei"
    queue = questions.for_lead(lead.id)
    assert [q.stop for q in queue] == [1, 1] and queue[-1].id == asked.id  # newest last
    with pytest.raises(store.NotLeading):
        questions.answer(lead.id, "not-the-key", asked.id)
    questions.answer(lead.id, key, asked.id)
    first = questions.for_lead(lead.id)[-1].answered_at
    questions.answer(lead.id, key, asked.id)  # a second tap changes nothing
    queue = questions.for_lead(lead.id)
    assert [q.answered for q in queue] == [False, True] and queue[-1].answered_at == first
    # Kept for the review after the lead has ended; nobody's name in them.
    store.LeadStore(database).end(lead.id, key)
    here = questions.asked_at("buga2019-heilbronn", STOPS[1])
    assert len(here) == 2 and here[0].id == asked.id  # newest first
    with pytest.raises(store.LeadEnded):
        questions.ask(lead.id, "tablet-three", STOPS[1], 1, "zu spät")


def test_the_rate_limit_holds_per_tablet(database, led):
    lead, _key = led
    questions = store.QuestionStore(database)
    t0 = dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.UTC)
    questions.ask(lead.id, "tablet", STOPS[0], 0, "eins", now=t0)
    with pytest.raises(store.TooManyQuestions) as soon:
        questions.ask(lead.id, "tablet", STOPS[0], 0, "zwei", now=t0 + dt.timedelta(seconds=5))
    assert soon.value.retry_after == 15
    questions.ask(lead.id, "another", STOPS[0], 0, "", now=t0 + dt.timedelta(seconds=5))
    for n in range(1, qmod.ASKER_MAX):
        questions.ask(lead.id, "tablet", STOPS[0], 0, f"q{n}", now=t0 + qmod.ASK_GAP * n)
    with pytest.raises(store.TooManyQuestions) as enough:
        questions.ask(lead.id, "tablet", STOPS[0], 0, "more", now=t0 + qmod.ASK_GAP * 99)
    assert enough.value.retry_after is None
    assert len(questions.for_lead(lead.id)) == qmod.ASKER_MAX + 1
    with pytest.raises(store.QuestionError):
        questions.ask(lead.id, "third", "../etc", 0, "x")
    with pytest.raises(store.QuestionError):
        questions.ask(lead.id, "third", STOPS[0], len(STOPS), "beyond the stops")


# --------------------------------------------------------------------------- pages (AppTest)


def page_body(at) -> str:
    parts = [m.value for m in at.markdown] + [h.value for h in at.subheader]
    parts += [h.value for h in at.header] + [c.value for c in at.caption]
    parts += [e.value for e in (*at.info, *at.warning, *at.error, *at.success)]
    return "\n".join(parts).replace("\\", "")


def open_page(monkeypatch, url: str, page: str, **query: str):
    from support.apptest import start_app
    return start_app(monkeypatch, page, data_dir=DEFAULT_DATA, database_url=url, **query)


def step(at, base: str):
    from conftest import step_button
    return step_button(at, base)


def test_the_lead_view_says_behind_proposes_accepts_and_undoes(monkeypatch, tmp_path,
                                                               catalog, network):
    url = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    tours = store.open_store(url)
    request = routing.TourRequest(stops=STOPS, optimize=False, date=DAY, budget_minutes=85)
    tour_id = tours.save_tour(request.to_dict(), "Late", catalog.exhibition.id)
    plan = routing.plan_tour(catalog, request, network)
    guide = open_page(monkeypatch, url, "lead", tour=tour_id, lang="en")
    guide.button(key="lead.start").click().run()
    assert "On schedule." in page_body(guide)
    step(guide, "lead.next").click().run()
    leads = store.LeadStore(url)
    lead = leads.active_for_tour(tour_id)
    moved = lead.started_at - plan.stops[0].begin
    # The clock as the test sets it: the group stayed 12 minutes longer at stop 2.
    guide.session_state["lead.clock"] = plan.stops[1].departure + moved + dt.timedelta(
        minutes=12)
    guide.run()
    assert not guide.exception
    text = page_body(guide)
    assert "12 min behind schedule." in text
    assert "cannot be met" in text and "To be back by" in text
    visitor_page = open_page(monkeypatch, url, "visitor", tour=tour_id, lang="en")
    assert "Stop 2 of 4" in page_body(visitor_page)
    guide.button(key="lead.replan-accept-1").click().run()
    assert not guide.exception
    lead = leads.active_for_tour(tour_id)
    assert lead.plan is not None and lead.stop_count < len(STOPS)
    dropped = [catalog.text(catalog.exhibits[s].name, "en") for s in lead.plan["dropped"]]
    assert "This lead's new plan" in page_body(guide)
    assert f"Stop 2 of {lead.stop_count}" in page_body(guide)
    # A following tablet shows the new plan with a notice, at its next poll.
    visitor_page.run()
    assert not visitor_page.exception
    text = page_body(visitor_page)
    assert f"Stop 2 of {lead.stop_count}" in text
    assert "left out to be back by" in text and all(name in text for name in dropped)
    # Undo: the saved tour's plan again, on the lead and on the tablet.
    guide.button(key="lead.replan-undo").click().run()
    assert leads.active_for_tour(tour_id).plan is None
    visitor_page.run()
    assert "Stop 2 of 4" in page_body(visitor_page)
    assert "left out" not in page_body(visitor_page)
    assert store.open_store(url).load_tour(tour_id).spec["stops"] == list(STOPS)


def test_questions_from_two_tablets_reach_the_guide(monkeypatch, tmp_path, catalog):
    url = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    tours = store.open_store(url)
    request = routing.TourRequest(stops=STOPS, optimize=False, date=DAY)
    tour_id = tours.save_tour(request.to_dict(), "Fragen", catalog.exhibition.id)
    visitor_page = open_page(monkeypatch, url, "visitor", tour=tour_id, lang="en")
    assert not [t for t in visitor_page.text_input if t.key == "w.question-text"]  # no guide
    guide = open_page(monkeypatch, url, "lead", tour=tour_id, lang="en")
    guide.button(key="lead.start").click().run()
    hostile = "<img src=x onerror=alert(1)> **loud**"
    for text in ("Wie alt ist das?", hostile):
        tablet = open_page(monkeypatch, url, "visitor", tour=tour_id, lang="en")
        tablet.text_input(key="w.question-text").input(text)
        next(b for b in tablet.button if b.label == "Send the question").click().run()
        assert not tablet.exception
        assert "Sent: the guide sees your question." in page_body(tablet)
        if text == hostile:  # the same tablet at once again: the rate limit
            tablet.text_input(key="w.question-text").input("noch eine")
            next(b for b in tablet.button if b.label == "Send the question").click().run()
            assert "Please wait" in page_body(tablet)
            assert tablet.text_input(key="w.question-text").value == "noch eine"  # kept
    guide.run()
    text = page_body(guide)
    assert "Open questions here: 2" in text and "Questions from the group: 2 open" in text
    assert "· 2 open" in text
    # Hostile text is shown as text (escaped Markdown), never as HTML.
    from dashboard.ui.common import md_escape
    shown = [m.value for m in guide.markdown if "onerror" in m.value]
    assert shown == [md_escape(hostile)] and "\\<img" in shown[0]
    answer = [b for b in guide.button if b.key and b.key.startswith("questions.answer-")]
    assert len(answer) == 2
    answer[0].click().run()
    assert "Questions from the group: 1 open" in page_body(guide)
    assert "Answered: 1" in page_body(guide)
    # After the tour the review shows them at the exhibit, as text.
    review = open_page(monkeypatch, url, "review", exhibit=STOPS[0], lang="en")
    assert not review.exception
    assert [e.label for e in review.expander if e.label.startswith("Questions asked here")] \
        == ["Questions asked here (2)"]
    assert md_escape(hostile) in [m.value for m in review.markdown]


def test_the_planner_keeps_must_see_stops(monkeypatch, tmp_path, catalog):
    """The planner's settings carry "must see" into the saved tour's request and back."""
    url = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    tours = store.open_store(url)
    request = routing.TourRequest(stops=STOPS, date=DAY, must_see=(STOPS[2],))
    tour_id = tours.save_tour(request.to_dict(), "Pflicht", catalog.exhibition.id)
    at = open_page(monkeypatch, url, "planner", tour=tour_id, lang="en")
    assert not at.exception
    chosen = at.multiselect(key="planner.must_see")
    assert chosen.value == [STOPS[2]] and chosen.label == "Must see (never left out)"
    from dashboard.ui.planner_page import PlannerState
    state = PlannerState.from_request(catalog, request, "Pflicht")
    assert state.to_request().must_see == (STOPS[2],)
    state.stops = [s for s in state.stops if s != STOPS[2]]
    assert state.to_request().must_see == ()  # a removed stop is no longer a must


# --------------------------------------------------------------------------- arriving


def test_arriving_within_the_next_stop_s_radius(mini_dir):
    from conftest import edit_yaml, exhibit

    from dashboard import arrival

    def widen(d):
        exhibit(d, "fountain")["arrive_radius_m"] = 120

    edit_yaml(mini_dir / "exhibits.yaml", widen)
    mini = cat.load(mini_dir)
    request = routing.TourRequest(stops=("solar-roof", "fountain", "rain-garden"),
                                  optimize=False, date=DAY)
    stops = visitor.visitor_stops(routing.plan_tour(mini, request), mini, "en")
    fountain, garden = stops[1], stops[2]

    def north(stop, metres):  # a point `metres` north of the stop
        return stop.lat + metres / 111_195, stop.lon

    assert arrival.radius(mini, "fountain") == 120
    assert arrival.radius(mini, "rain-garden") == arrival.ARRIVE_RADIUS_M
    assert arrival.arrived_at(mini, stops, 0, *north(fountain, 100)) == 1  # its own 120 m
    assert arrival.arrived_at(mini, stops, 1, *north(garden, 30)) == 2
    assert arrival.arrived_at(mini, stops, 1, *north(garden, 60)) is None  # default 40 m
    assert arrival.arrived_at(mini, stops, 0, *north(fountain, 130)) is None
    assert arrival.arrived_at(mini, stops, 2, *north(garden, 0)) is None  # the last stop


@pytest.mark.parametrize("bad", [0, 1000, "far", float("nan")])
def test_a_bad_arrival_radius_is_reported(mini_dir, bad):
    from conftest import edit_yaml, exhibit

    def set_radius(d):
        exhibit(d, "fountain")["arrive_radius_m"] = bad

    edit_yaml(mini_dir / "exhibits.yaml", set_radius)
    from dashboard.errors import DataError

    with pytest.raises(DataError) as error:
        cat.load(mini_dir)
    assert any("exhibit 'fountain': field 'arrive_radius_m'" in str(p)
               for p in error.value.problems)
