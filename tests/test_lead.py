"""Follow the guide on the pages (AppTest) and its rules (dashboard/lead.py).

AppTest does not run a fragment's timer, so these tests rerun the page to poll; the browser
test (tests/test_browser_lead.py) checks the polling itself.
"""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import MINI, ROOT, step_button, tap_as_sent
from streamlit.testing.v1 import AppTest
from support.apptest import start_app

from dashboard import routing, store
from dashboard.lead import FollowStep, follow_step
from dashboard.store.lead import format_code

STOPS = ("solar-roof", "fountain", "rain-garden")
DAY = dt.date(2019, 6, 1)

# --------------------------------------------------------------------------- rules


@pytest.mark.parametrize(("visitor", "synced", "guide", "following", "expected"), [
    (0, None, 0, True, FollowStep(None, 0, False)),  # already there
    (0, None, 2, True, FollowStep(2, 2, False)),  # first poll: go to the guide
    (1, 1, 2, True, FollowStep(2, 2, False)),  # the guide moved on: go along
    (0, 1, 2, True, FollowStep(None, 1, True)),  # looked elsewhere by hand: stay, offer jump
    (2, 1, 2, True, FollowStep(None, 2, False)),  # the guide came to the visitor
    (1, 1, 2, False, FollowStep(None, 1, True)),  # not following: stay
    (0, None, 9, True, FollowStep(2, 2, False)),  # a guide's stop past the end: the last
])
def test_follow_step(visitor, synced, guide, following, expected):
    assert follow_step(visitor, synced, guide, following, 3) == expected


# --------------------------------------------------------------------------- pages


def url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'app.sqlite3'}"


def start(monkeypatch, tmp_path, page: str, **query: str) -> AppTest:
    return start_app(monkeypatch, page, data_dir=MINI, database_url=url(tmp_path), **query)


def save(tmp_path, title="Mini <b>tour</b>") -> str:
    tours = store.open_store(url(tmp_path))
    request = routing.TourRequest(stops=STOPS, optimize=False, date=DAY)
    tour_id = tours.save_tour(request.to_dict(), title, "mini-expo")
    tours.dispose()
    return tour_id


def leads(tmp_path) -> store.LeadStore:
    return store.LeadStore(url(tmp_path))


def body(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [h.value for h in at.subheader]
    parts += [h.value for h in at.header] + [c.value for c in at.caption]
    parts += [e.value for e in (*at.info, *at.warning, *at.error, *at.success)]
    return "\n".join(parts).replace("\\", "")


def q(at: AppTest, name: str):
    value = at.query_params.get(name)
    return value[0] if isinstance(value, list) else value


@pytest.mark.parametrize("bad", ["nope2345", "../etc", "x" * 300, "<script>", ""])
def test_bad_tour_ids_on_the_lead_page_give_a_message(monkeypatch, tmp_path, bad):
    save(tmp_path, "Holz")
    at = start(monkeypatch, tmp_path, "lead", tour=bad, lang="en")
    assert not at.exception
    assert "There is no tour" in body(at)
    assert at.header[0].value == "Lead a tour"
    assert any(b.label == "Holz" for b in at.button)  # the tours to pick from


def test_the_guide_starts_moves_and_ends(monkeypatch, tmp_path):
    tour_id = save(tmp_path)
    at = start(monkeypatch, tmp_path, "lead", tour=tour_id, lang="en")
    assert not at.exception
    assert "not being led" in body(at)
    at.button(key="lead.start").click().run()
    assert not at.exception
    lead = leads(tmp_path).active_for_tour(tour_id)
    assert lead is not None and lead.stop == 0
    # The code is shown once, large; the store has only its hash.
    code = at.session_state["lead.codes"][tour_id][1]
    assert format_code(code) in body(at)
    assert "shown only now" in body(at)
    at.button(key="lead.noted").click().run()
    assert format_code(code) not in body(at)
    step_button(at, "lead.next").click().run()
    step_button(at, "lead.next").click().run()
    assert leads(tmp_path).get(lead.id).stop == 2
    assert "Stop 3 of 3" in body(at)
    assert step_button(at, "lead.next").disabled
    step_button(at, "lead.prev").click().run()
    assert leads(tmp_path).get(lead.id).stop == 1
    at.button(key="lead.end").click().run()
    assert not at.exception
    assert leads(tmp_path).active_for_tour(tour_id) is None
    assert "The tour has ended" in body(at)
    assert at.button(key="lead.start")


def test_a_guide_tap_delivered_twice_moves_the_group_one_stop(monkeypatch, tmp_path):
    """As test_visitor's replay: the guide's Next trigger sent again after the lead has moved
    must not move every following tablet a second stop."""
    tour_id = save(tmp_path)
    at = start(monkeypatch, tmp_path, "lead", tour=tour_id, lang="en")
    at.button(key="lead.start").click().run()
    lead = leads(tmp_path).active_for_tour(tour_id)
    step_button(at, "lead.next").click()
    tapped = tap_as_sent(at)
    at.run()
    assert leads(tmp_path).get(lead.id).stop == 1
    at._run(widget_state=tapped)  # the same trigger once more
    assert not at.exception
    assert leads(tmp_path).get(lead.id).stop == 1
    assert "Stop 2 of 3" in body(at)


def test_without_the_code_the_lead_view_is_read_only(monkeypatch, tmp_path):
    tour_id = save(tmp_path)
    lead, code = leads(tmp_path).start(tour_id)
    at = start(monkeypatch, tmp_path, "lead", tour=tour_id, lang="en")
    assert not at.exception
    assert "led from another device" in body(at)
    assert not [b for b in at.button
                if b.key and b.key.startswith(("lead.next", "lead.prev", "lead.end"))]
    wrong = ("2" if code[0] != "2" else "3") + code[1:]
    for typed in (wrong, "<script>alert(1)</script>", "x" * 20):
        at.text_input(key="w.lead-code").input(typed)
        at.button[-1].click().run()  # the form's submit button
        assert not at.exception
        assert "Wrong lead code" in body(at)
        assert leads(tmp_path).get(lead.id).stop == 0
    at.text_input(key="w.lead-code").input(format_code(code))
    at.button[-1].click().run()
    assert "You are now leading" in body(at)
    step_button(at, "lead.next").click().run()
    assert leads(tmp_path).get(lead.id).stop == 1


def test_a_visitor_follows_the_guide_and_may_look_elsewhere(monkeypatch, tmp_path):
    tour_id = save(tmp_path)
    store_ = leads(tmp_path)
    lead, code = store_.start(tour_id)
    store_.goto(lead.id, code, 1)
    at = start(monkeypatch, tmp_path, "visitor", tour=tour_id, lang="en", seen="1",
               size="large")
    assert not at.exception
    assert at.toggle(key="w.lead-follow").value  # on by default while led
    assert "Stop 2 of 3" in body(at) and q(at, "follow") == "1"
    assert store_.follower_count(lead.id) == 1  # its heartbeat
    store_.goto(lead.id, code, 2)
    at.run()  # a poll
    assert "Stop 3 of 3" in body(at)
    assert q(at, "seen") == "1" and q(at, "size") == "large"  # kept
    # By hand to another stop: it stays there and offers the jump.
    step_button(at, "visitor.prev").click().run()
    assert "Stop 2 of 3" in body(at)
    store_.goto(lead.id, code, 0)
    at.run()
    assert "Stop 2 of 3" in body(at)
    jump = at.button(key="lead.jump")
    assert jump.label == "Jump to where the guide is (stop 1)"
    jump.click().run()
    assert "Stop 1 of 3" in body(at)
    # Following off: the guide's moves no longer move this tablet.
    at.toggle(key="w.lead-follow").set_value(False).run()
    assert q(at, "follow") == "0"
    store_.goto(lead.id, code, 2)
    at.run()
    assert "Stop 1 of 3" in body(at)
    assert not at.exception


@pytest.mark.parametrize("bad", ["yes", "<b>", "2"])
def test_a_bad_follow_parameter_is_reported(monkeypatch, tmp_path, bad):
    tour_id = save(tmp_path)
    leads(tmp_path).start(tour_id)
    at = start(monkeypatch, tmp_path, "visitor", tour=tour_id, lang="en", follow=bad)
    assert not at.exception
    assert any("follow" in w.value for w in at.warning)
    assert at.toggle(key="w.lead-follow").value


def test_follow_0_in_the_url_and_no_lead(monkeypatch, tmp_path):
    tour_id = save(tmp_path)
    at = start(monkeypatch, tmp_path, "visitor", tour=tour_id, lang="en")
    assert not at.exception
    assert not [t for t in at.toggle if t.key == "w.lead-follow"]  # nobody leads
    lead, code = leads(tmp_path).start(tour_id)
    leads(tmp_path).goto(lead.id, code, 2)
    at = start(monkeypatch, tmp_path, "visitor", tour=tour_id, lang="en", follow="0")
    assert not at.toggle(key="w.lead-follow").value
    assert "Stop 1 of 3" in body(at)
    assert at.button(key="lead.jump")


def test_lead_links_from_the_visitor_page(monkeypatch, tmp_path):
    tour_id = save(tmp_path)
    at = start(monkeypatch, tmp_path, "visitor", tour=tour_id, lang="en")
    assert not at.exception
    assert "Lead this tour" in [p.proto.label for p in at.get("page_link")]


@pytest.mark.parametrize("page", ["lead", "visitor"])
def test_hostile_title_and_parameters_on_a_led_tour_are_text(monkeypatch, tmp_path, page):
    from test_escaping import EVIL, HOSTILE, _all_values, _assert_no_live_markup, _hostile_data

    data = _hostile_data(tmp_path)
    tours = store.open_store(url(tmp_path))
    tour_id = tours.save_tour(routing.TourRequest(stops=("fountain", "solar-roof")).to_dict(),
                              HOSTILE)
    store.LeadStore(tours.database).start(tour_id)
    monkeypatch.setenv("LERNREISE_DATA_DIR", str(data))
    monkeypatch.setenv("LERNREISE_DATABASE_URL", url(tmp_path))
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=90)
    at.switch_page(f"app_pages/{page}.py")
    at.query_params.update({"tour": tour_id, "follow": HOSTILE, "lang": "en"})
    at.run()
    assert not at.exception
    assert any(EVIL in v.replace("\\", "") for v in _all_values(at))
    _assert_no_live_markup(at)


@pytest.mark.parametrize("page", ["lead", "visitor"])
def test_a_database_that_is_down_gives_a_message(monkeypatch, tmp_path, page):
    monkeypatch.setenv("LERNREISE_DATA_DIR", str(MINI))
    monkeypatch.setenv("LERNREISE_DATABASE_URL", "sqlite:////proc/no-such-dir/x.sqlite3")
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=90)
    at.switch_page(f"app_pages/{page}.py")
    at.query_params.update({"tour": "abcd2345", "lang": "en"})
    at.run()
    assert not at.exception
    assert "cannot be reached" in body(at)


def test_lead_link_in_the_planners_share_area(monkeypatch, tmp_path):
    tour_id = save(tmp_path)
    at = start(monkeypatch, tmp_path, "planner", tour=tour_id, lang="en")
    assert not at.exception
    links_ = [p.proto for p in at.get("page_link")]
    assert any(p.label == "Lead this tour" for p in links_)


def test_idle_return_stays_off_while_the_tablet_follows_the_guide(monkeypatch, tmp_path):
    """An untouched tablet that the guide moves on must not jump back to the first stop."""
    from dashboard.ui import device

    timers = []
    monkeypatch.setattr(device, "idle_timer", lambda key, minutes, on_idle: timers.append(key))
    monkeypatch.setenv("LERNREISE_VISITOR_IDLE_MINUTES", "5")
    tour_id = save(tmp_path)
    store_ = leads(tmp_path)
    lead, code = store_.start(tour_id)
    store_.goto(lead.id, code, 1)
    at = start(monkeypatch, tmp_path, "visitor", tour=tour_id, lang="en")
    assert "Stop 2 of 3" in body(at) and timers == []  # following: no idle timer
    at.toggle(key="w.lead-follow").set_value(False).run()
    assert not at.exception and timers  # on its own again: the kiosk's idle return is back
    timers.clear()
    store_.end(lead.id, code)
    at = start(monkeypatch, tmp_path, "visitor", tour=tour_id, lang="en", stop="2")
    assert not at.exception and timers  # nobody leads: idle return as set
