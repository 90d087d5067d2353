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
    # The tablets' link as a link: no code block (it loads a 1.6 MB highlighter).
    assert not at.code and f"tour={tour_id}" in body(at)
    at.button(key="lead.start").click().run()
    assert not at.exception
    lead = leads(tmp_path).active_for_tour(tour_id)
    assert lead is not None and lead.stop == 0
    # The code is shown once, large; the store has only its hash.
    code = at.session_state["lead.show_code"][2]
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
    lead, code, _key = leads(tmp_path).start(tour_id)
    at = start(monkeypatch, tmp_path, "lead", tour=tour_id, lang="en")
    assert not at.exception
    assert "led from another device" in body(at)
    assert not [b for b in at.button
                if b.key and b.key.startswith(("lead.next", "lead.prev", "lead.end"))]
    wrong = ("2" if code[0] != "2" else "3") + code[1:]
    for typed in (wrong, "<script>alert(1)</script>"):  # within the free tries
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
    lead, _code, key = store_.start(tour_id)
    store_.goto(lead.id, key, 1)
    at = start(monkeypatch, tmp_path, "visitor", tour=tour_id, lang="en", seen="1",
               size="large")
    assert not at.exception
    assert at.toggle(key="w.lead-follow").value  # on by default while led
    assert "Stop 2 of 3" in body(at) and q(at, "follow") == "1"
    assert store_.follower_count(lead.id) == 1  # its heartbeat
    store_.goto(lead.id, key, 2)
    at.run()  # a poll
    assert "Stop 3 of 3" in body(at)
    assert q(at, "seen") == "1" and q(at, "size") == "large"  # kept
    # By hand to another stop: it stays there and offers the jump.
    step_button(at, "visitor.prev").click().run()
    assert "Stop 2 of 3" in body(at)
    store_.goto(lead.id, key, 0)
    at.run()
    assert "Stop 2 of 3" in body(at)
    jump = at.button(key="lead.jump")
    assert jump.label == "Jump to where the guide is (stop 1)"
    jump.click().run()
    assert "Stop 1 of 3" in body(at)
    # Following off: the guide's moves no longer move this tablet.
    at.toggle(key="w.lead-follow").set_value(False).run()
    assert q(at, "follow") == "0"
    store_.goto(lead.id, key, 2)
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
    lead, _code, key = leads(tmp_path).start(tour_id)
    leads(tmp_path).goto(lead.id, key, 2)
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
    lead, _code, key = store_.start(tour_id)
    store_.goto(lead.id, key, 1)
    at = start(monkeypatch, tmp_path, "visitor", tour=tour_id, lang="en")
    assert "Stop 2 of 3" in body(at) and timers == []  # following: no idle timer
    at.toggle(key="w.lead-follow").set_value(False).run()
    assert not at.exception and timers  # on its own again: the kiosk's idle return is back
    timers.clear()
    store_.end(lead.id, key)
    at = start(monkeypatch, tmp_path, "visitor", tour=tour_id, lang="en", stop="2")
    assert not at.exception and timers  # nobody leads: idle return as set


# --------------------------------------------------------------------------- issues 17 and 18


def test_the_heading_does_not_say_leading_when_nobody_leads(monkeypatch, tmp_path):
    """Issue 17, 11: "Leading: …" stood above "This tour is not being led right now"."""
    tour_id = save(tmp_path, "Holz")
    at = start(monkeypatch, tmp_path, "lead", tour=tour_id, lang="en")
    assert at.header[0].value.replace("\\", "") == "Tour: Holz"
    assert "Leading" not in body(at) and "not being led" in body(at)
    at.button(key="lead.start").click().run()
    assert "You are leading this tour on this device" in body(at)


def test_the_device_that_lost_the_lead_says_so_and_stops_showing_the_code(monkeypatch,
                                                                          tmp_path):
    """Issue 17, 11: after a take-over on another device, the first one still showed the
    code and could move the group."""
    tour_id = save(tmp_path)
    first = start(monkeypatch, tmp_path, "lead", tour=tour_id, lang="en")
    first.button(key="lead.start").click().run()
    code = first.session_state["lead.show_code"][2]
    lead = leads(tmp_path).active_for_tour(tour_id)
    second = start(monkeypatch, tmp_path, "lead", tour=tour_id, lang="en")
    second.text_input(key="w.lead-code").input(code)
    second.button[-1].click().run()
    assert "You are now leading" in body(second)
    first.run()  # its next refresh
    assert not first.exception
    assert "Another device has taken over the lead" in body(first)
    assert format_code(code) not in body(first)
    assert not [b for b in first.button
                if b.key and b.key.startswith(("lead.next", "lead.prev", "lead.end"))]
    step_button(second, "lead.next").click().run()
    assert leads(tmp_path).get(lead.id).stop == 1
    # Taking it back with the code works, and the message goes.
    first.text_input(key="w.lead-code").input(code)
    first.button[-1].click().run()
    assert "You are now leading" in body(first) and "Another device" not in body(first)
    step_button(first, "lead.next").click().run()
    assert leads(tmp_path).get(lead.id).stop == 2


def test_tries_on_the_lead_code_are_limited_through_the_page(monkeypatch, tmp_path):
    """Issue 18, 2: 60 codes through the take-over form were all answered at once."""
    from dashboard.store import lead as lead_module

    tour_id = save(tmp_path)
    lead, code, key = leads(tmp_path).start(tour_id)
    now = [lead_module.utcnow()]
    monkeypatch.setattr(lead_module, "utcnow", lambda: now[0])
    at = start(monkeypatch, tmp_path, "lead", tour=tour_id, lang="en")
    assert "waits longer before each further try" in body(at)  # the rule, in words
    wrong = ("2" if code[0] != "2" else "3") + code[1:]
    for _ in range(lead_module.FREE_TRIES):
        at.text_input(key="w.lead-code").input(wrong)
        at.button[-1].click().run()
        assert "Wrong lead code" in body(at)
    at.text_input(key="w.lead-code").input(code)  # even the right code must wait now
    at.button[-1].click().run()
    assert not at.exception
    assert "Too many wrong codes from this device: please wait 5 s" in body(at)
    assert not leads(tmp_path).leads_here(lead.id, "") and leads(tmp_path).leads_here(lead.id,
                                                                                      key)
    assert leads(tmp_path).goto(lead.id, key, 1).stop == 1  # the guide leads on meanwhile
    now[0] += lead_module.CLIENT_WAIT
    at.text_input(key="w.lead-code").input(code)
    at.button[-1].click().run()
    assert "You are now leading" in body(at)


def test_many_sessions_guessing_close_the_take_over_but_not_the_guide(monkeypatch, tmp_path):
    from dashboard.store import lead as lead_module

    tour_id = save(tmp_path)
    monkeypatch.setattr(lead_module, "LEAD_MAX_TRIES", 4)  # four sessions, one wrong code each
    guide = start(monkeypatch, tmp_path, "lead", tour=tour_id, lang="en")
    guide.button(key="lead.start").click().run()
    code = guide.session_state["lead.show_code"][2]
    wrong = ("2" if code[0] != "2" else "3") + code[1:]
    for _ in range(4):
        stranger = start(monkeypatch, tmp_path, "lead", tour=tour_id, lang="en")
        stranger.text_input(key="w.lead-code").input(wrong)
        stranger.button[-1].click().run()
        assert "Wrong lead code" in body(stranger)
    stranger = start(monkeypatch, tmp_path, "lead", tour=tour_id, lang="en")
    stranger.text_input(key="w.lead-code").input(code)
    stranger.button[-1].click().run()
    assert "taking over is closed for about 15 minutes" in body(stranger)
    step_button(guide, "lead.next").click().run()  # the guide's device is not locked out
    assert not guide.exception
    assert "Stop 2 of 3" in body(guide)


def test_start_on_a_tour_deleted_meanwhile_says_so(monkeypatch, tmp_path):
    """Issue 18, 14: it said "The tour has ended."."""
    tour_id = save(tmp_path)
    at = start(monkeypatch, tmp_path, "lead", tour=tour_id, lang="en")
    tours = store.open_store(url(tmp_path))
    assert tours.delete_tour(tour_id)
    tours.dispose()
    at.button(key="lead.start").click().run()
    assert not at.exception
    assert "This tour no longer exists" in body(at)
    assert "The tour has ended" not in body(at)


def test_a_database_that_is_down_is_said_once_on_the_lead_page(monkeypatch, tmp_path):
    monkeypatch.setenv("LERNREISE_DATA_DIR", str(MINI))
    monkeypatch.setenv("LERNREISE_DATABASE_URL", "sqlite:////proc/no-such-dir/x.sqlite3")
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=90)
    at.switch_page("app_pages/lead.py")
    at.query_params.update({"tour": "abcd2345", "lang": "en"})
    at.run()
    assert not at.exception
    assert body(at).count("cannot be reached") == 1


def test_the_follow_panel_reads_the_tablet_through_its_typed_interface(monkeypatch, tmp_path):
    """Follow the guide has one home (ui/follow_guide.py) and reads no other page's keys."""
    import inspect

    from dashboard.ui import follow_guide, lead_page, visitor_page

    source = inspect.getsource(follow_guide)
    assert "visitor." not in source.replace("visitor page", "")  # no "visitor.state" key
    assert not hasattr(lead_page, "follow_panel")
    assert "lead_page" not in inspect.getsource(visitor_page)
    state = visitor_page.VisitorState(tour_id="x")
    assert isinstance(state.stop, int) and callable(state.save)  # a FollowingTablet
    # And it works: the tablet moves with the guide through VisitorState.load.
    tour_id = save(tmp_path)
    store_ = leads(tmp_path)
    lead, _code, key = store_.start(tour_id)
    store_.goto(lead.id, key, 2)
    at = start(monkeypatch, tmp_path, "visitor", tour=tour_id, lang="en")
    assert "Stop 3 of 3" in body(at)
    assert at.session_state["visitor.state"].stop == 2
    assert store_.follower_count(lead.id) == 1
