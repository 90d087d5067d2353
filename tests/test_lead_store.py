"""Follow the guide in the store (dashboard/store/lead.py) on SQLite and PostgreSQL.

The code is checked by the store itself, so every refusal here is a call straight to the store,
as a forged form value would make it. PostgreSQL cases use LERNREISE_TEST_POSTGRES_URL (see
tests/test_store.py).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, select, text

from dashboard.store import (
    AlreadyLed,
    Database,
    LeadEnded,
    LeadError,
    LeadStore,
    NotLeading,
    TooManyTries,
    TourStore,
    UnknownLead,
    UnknownTourError,
    WrongLeadCode,
)
from dashboard.store import lead as lead_module
from dashboard.store.base import utcnow
from dashboard.store.engine import alembic_config
from dashboard.store.lead import (
    CODE_LENGTH,
    FOLLOWER_WINDOW,
    LeadRow,
    format_code,
    is_valid_lead_id,
    new_follower_token,
    normalize_code,
)

SPEC = {"stops": ["skaio", "buga-log", "holzpavillon", "karlssee-wassershow"]}


@pytest.fixture
def database(db_url: str) -> Iterator[Database]:
    db = Database(db_url)
    yield db
    db.dispose()


@pytest.fixture
def tours(database: Database) -> TourStore:
    return TourStore(database)


@pytest.fixture
def leads(database: Database) -> LeadStore:
    return LeadStore(database)


@pytest.fixture
def tour_id(tours: TourStore) -> str:
    return tours.save_tour(SPEC, "Holz & Wasser", "buga2019-heilbronn")


def wrong(code: str) -> str:
    """Another valid-looking code."""
    return ("2" if code[0] != "2" else "3") + code[1:]


# --- leading -------------------------------------------------------------------------------


def test_start_gives_a_lead_and_a_code_shown_once(leads: LeadStore, database: Database,
                                                  tour_id: str):
    lead, code, _key = leads.start(tour_id)
    assert is_valid_lead_id(lead.id) and lead.tour_id == tour_id and lead.stop == 0
    assert lead.active and len(code) == CODE_LENGTH
    assert leads.active_for_tour(tour_id) == lead
    assert leads.get(lead.id) == lead
    # Only a salted hash is kept: the code is nowhere in the row.
    with database.session(write=False) as session:
        row = session.get(LeadRow, lead.id)
        stored = " ".join(str(v) for v in (row.code_hash, row.code_salt, row.id))
    assert code not in stored and len(row.code_hash) == 64 and len(row.code_salt) == 32


def test_the_device_key_moves_the_group_and_a_wrong_key_moves_nothing(leads: LeadStore,
                                                                      tour_id):
    lead, code, key = leads.start(tour_id)
    assert leads.advance(lead.id, key, 1, 4).stop == 1
    assert leads.advance(lead.id, key, 1, 4).stop == 2
    # The code itself, another key, junk: nothing moves (the code only takes the lead over).
    for bad in (code, key[:-1] + ("A" if key[-1] != "A" else "B"), "", "x" * 1000, None, 123):
        with pytest.raises(NotLeading) as info:
            leads.advance(lead.id, bad, 1, 4)  # type: ignore[arg-type]
        assert str(info.value) == "this device no longer leads the tour: nothing was moved"
        with pytest.raises(NotLeading):
            leads.goto(lead.id, bad, 0)  # type: ignore[arg-type]
        with pytest.raises(NotLeading):
            leads.end(lead.id, bad)  # type: ignore[arg-type]
    assert leads.active_for_tour(tour_id).stop == 2
    assert leads.leads_here(lead.id, key) and not leads.leads_here(lead.id, code)


def test_taking_over_moves_the_lead_to_the_new_device(leads: LeadStore, tour_id):
    lead, code, first = leads.start(tour_id)
    # Typed as shown (upper case, with the dash, spaces) it is the same code.
    taken, second = leads.take_over(lead.id, f" {format_code(code)} ", client="tablet-2")
    assert taken.id == lead.id and second != first
    assert leads.goto(lead.id, second, 1).stop == 1
    with pytest.raises(NotLeading):  # the first device no longer leads
        leads.goto(lead.id, first, 0)
    assert not leads.leads_here(lead.id, first) and leads.leads_here(lead.id, second)
    with pytest.raises(WrongLeadCode):
        leads.take_over(lead.id, wrong(code), client="tablet-3")
    assert leads.leads_here(lead.id, second)  # a wrong code changes nothing


def test_wrong_codes_slow_a_device_down_then_refuse_it(leads: LeadStore, tour_id,
                                                        monkeypatch):
    lead, code, key = leads.start(tour_id)
    now = [utcnow()]
    monkeypatch.setattr(lead_module, "utcnow", lambda: now[0])
    for _ in range(lead_module.FREE_TRIES):
        with pytest.raises(WrongLeadCode):
            leads.take_over(lead.id, wrong(code), client="guesser")
    with pytest.raises(TooManyTries) as info:  # the right code is not even looked at
        leads.take_over(lead.id, code, client="guesser")
    assert info.value.scope == "device" and info.value.retry_after == 5
    now[0] += timedelta(seconds=5)
    with pytest.raises(WrongLeadCode):
        leads.take_over(lead.id, wrong(code), client="guesser")
    with pytest.raises(TooManyTries) as info:
        leads.take_over(lead.id, wrong(code), client="guesser")
    assert info.value.retry_after == 10  # the wait doubles
    for _ in range(lead_module.CLIENT_MAX_TRIES - lead_module.FREE_TRIES - 1):
        now[0] += lead_module.REFUSE_FOR
        with pytest.raises(WrongLeadCode):
            leads.take_over(lead.id, wrong(code), client="guesser")
    with pytest.raises(TooManyTries) as info:
        leads.take_over(lead.id, code, client="guesser")
    assert info.value.retry_after == lead_module.REFUSE_FOR.total_seconds()
    # Another device is not slowed by this one, and the guide's key still moves the group.
    assert leads.goto(lead.id, key, 3).stop == 3
    taken, _new = leads.take_over(lead.id, code, client="co-guide")
    assert taken.id == lead.id


def test_wrong_codes_from_many_devices_close_the_take_over_but_the_guide_leads_on(
        leads: LeadStore, tour_id, monkeypatch):
    lead, code, key = leads.start(tour_id)
    now = [utcnow()]
    monkeypatch.setattr(lead_module, "utcnow", lambda: now[0])
    for n in range(lead_module.LEAD_MAX_TRIES):
        with pytest.raises(WrongLeadCode):
            leads.take_over(lead.id, wrong(code), client=f"session-{n}")
    with pytest.raises(TooManyTries) as info:  # a fresh session: the lead is closed
        leads.take_over(lead.id, code, client="fresh")
    assert info.value.scope == "lead"
    for stop in (1, 2, 0):  # the guide's device is not locked out
        assert leads.goto(lead.id, key, stop).stop == stop
    now[0] += lead_module.REFUSE_FOR + timedelta(seconds=1)
    taken, _new = leads.take_over(lead.id, code, client="fresh")
    assert taken.id == lead.id


def test_two_hundred_wrong_codes_are_not_all_answered(leads: LeadStore, tour_id, monkeypatch):
    """The trial's 200 guesses in a row from one client (within a second, as the time is
    held still here): only the first few are checked."""
    lead, code, _key = leads.start(tour_id)
    now = utcnow()
    monkeypatch.setattr(lead_module, "utcnow", lambda: now)
    outcomes = []
    for _ in range(200):
        try:
            leads.take_over(lead.id, wrong(code), client="one-session")
        except (WrongLeadCode, TooManyTries) as exc:
            outcomes.append(type(exc).__name__)
    assert outcomes.count("WrongLeadCode") == lead_module.FREE_TRIES
    with pytest.raises(TooManyTries):
        leads.take_over(lead.id, code, client="one-session")


def test_advance_stays_within_the_tour(leads: LeadStore, tour_id):
    lead, _code, key = leads.start(tour_id, stop_count=4)
    assert lead.stop_count == 4
    assert leads.advance(lead.id, key, -1, 4).stop == 0
    assert leads.advance(lead.id, key, 10, 4).stop == 3
    assert leads.advance(lead.id, key, 1, 4).stop == 3
    assert leads.advance(lead.id, key, 10, 200).stop == 3  # the lead's own stops bound it
    for bad in (-1, 4, 199, 200, True, "1", 1.0):
        with pytest.raises(LeadError):
            leads.goto(lead.id, key, bad)  # type: ignore[arg-type]
    for count in (0, 201):
        with pytest.raises(LeadError):
            leads.advance(lead.id, key, 1, count)
    assert leads.get(lead.id).stop == 3


def test_goto_beyond_a_three_stop_tour_is_refused(leads: LeadStore, tours: TourStore):
    """Issue 18, 13: goto(199) on a three-stop tour was accepted."""
    three = tours.save_tour({"stops": ["skaio"]}, "Kurz", "buga2019-heilbronn")
    lead, _code, key = leads.start(three)  # one saved stop and its two ends: three stops
    assert lead.stop_count == 3
    with pytest.raises(LeadError, match="not one of the tour's 3 stops"):
        leads.goto(lead.id, key, 199)
    assert leads.goto(lead.id, key, 2).stop == 2
    with pytest.raises(LeadError):
        leads.start(three, stop=5, stop_count=3)


def test_moves_update_the_time(leads: LeadStore, tour_id):
    lead, _code, key = leads.start(tour_id)
    moved = leads.goto(lead.id, key, 1)
    assert moved.updated_at > lead.updated_at and moved.started_at == lead.started_at


def test_end_stops_the_lead_and_a_new_one_may_start(leads: LeadStore, tour_id):
    lead, code, key = leads.start(tour_id)
    with pytest.raises(AlreadyLed) as info:
        leads.start(tour_id)
    assert info.value.lead_id == lead.id
    ended = leads.end(lead.id, key)
    assert not ended.active and ended.ended_at is not None
    assert leads.active_for_tour(tour_id) is None
    with pytest.raises(LeadEnded):
        leads.advance(lead.id, key, 1, 4)
    with pytest.raises(LeadEnded):
        leads.take_over(lead.id, code)
    again, code2, _key2 = leads.start(tour_id, stop=2)
    assert again.id != lead.id and again.stop == 2
    assert leads.active_for_tour(tour_id) == again
    with pytest.raises(WrongLeadCode if code2 != code else NotLeading):
        leads.take_over(again.id, code)
    with pytest.raises(NotLeading):  # the old lead's key does not move the new one
        leads.goto(again.id, key, 0)


def test_a_lead_nobody_moved_for_hours_ends_at_the_next_start(leads, database, tour_id,
                                                              monkeypatch):
    lead, _code, _key = leads.start(tour_id)
    later = utcnow() + lead_module.STALE_AFTER + timedelta(minutes=1)
    monkeypatch.setattr(lead_module, "utcnow", lambda: later)
    assert leads.active_for_tour(tour_id) is None
    fresh, _, _ = leads.start(tour_id)
    assert not leads.get(lead.id).active and fresh.active


def test_several_tours_are_led_at_once(leads: LeadStore, tours: TourStore, tour_id):
    other = tours.save_tour({"stops": ["skaio", "buga-log"]}, "Andere", "buga2019-heilbronn")
    a, code_a, key_a = leads.start(tour_id)
    b, code_b, key_b = leads.start(other)
    leads.advance(a.id, key_a, 2, 4)
    leads.advance(b.id, key_b, 1, 2)
    assert leads.active_for_tour(tour_id).stop == 2
    assert leads.active_for_tour(other).stop == 1
    with pytest.raises(NotLeading):  # one guide's key does not move another's group
        leads.advance(b.id, key_a, -1, 2)
    if code_a != code_b:
        with pytest.raises(WrongLeadCode):
            leads.take_over(b.id, code_a)
    leads.end(a.id, key_a)
    assert leads.active_for_tour(other).stop == 1


def test_unknown_and_malformed_ids(leads: LeadStore, tour_id):
    for bad in ("nosuchtour", "", "<script>", "x" * 500, "../../etc"):
        with pytest.raises(UnknownTourError):
            leads.start(bad)
        assert leads.active_for_tour(bad) is None
    for bad in ("2345678923", "", "<script>", "x" * 500):
        assert leads.get(bad) is None
        with pytest.raises(UnknownLead):
            leads.advance(bad, "abcdef", 1, 4)
        with pytest.raises(UnknownLead):
            leads.take_over(bad, "abcdef")
        assert leads.follower_count(bad) == 0
        assert leads.heartbeat(bad, new_follower_token()) is False  # ignored, no error
        assert leads.join(bad) is None


def test_deleting_a_tour_deletes_its_leads(leads: LeadStore, tours: TourStore, tour_id):
    lead, _code, _key = leads.start(tour_id)
    assert leads.join(lead.id)
    assert tours.delete_tour(tour_id)
    assert leads.get(lead.id) is None


# --- followers -----------------------------------------------------------------------------


def test_followers_are_counted_while_their_heartbeat_is_fresh(leads: LeadStore, tour_id,
                                                              monkeypatch):
    lead, _code, key = leads.start(tour_id)
    tablets = [leads.join(lead.id) for _ in range(3)]
    assert all(tablets) and len(set(tablets)) == 3
    assert leads.heartbeat(lead.id, tablets[0])  # again: still one tablet
    assert leads.follower_count(lead.id) == 3
    later = utcnow() + FOLLOWER_WINDOW + timedelta(seconds=1)
    assert leads.follower_count(lead.id, now=later) == 0
    leads.leave(tablets[1])
    assert leads.follower_count(lead.id) == 2
    for bad in ("", "short", "<script>alert(1)</script>" * 3, "x" * 65, None):
        assert leads.heartbeat(lead.id, bad) is False  # type: ignore[arg-type]
        leads.leave(bad)  # type: ignore[arg-type]
    assert leads.follower_count(lead.id) == 2
    leads.end(lead.id, key)
    assert leads.follower_count(lead.id) == 0
    assert leads.heartbeat(lead.id, tablets[0]) is False  # an ended lead takes no heartbeat
    assert leads.join(lead.id) is None
    assert leads.follower_count(lead.id) == 0


def test_made_up_heartbeat_tokens_count_nothing(leads: LeadStore, tour_id):
    """The trial's 300 invented tokens: none is a follower; only tokens the store gave are."""
    lead, _code, _key = leads.start(tour_id)
    for _ in range(300):
        assert leads.heartbeat(lead.id, new_follower_token()) is False
    assert leads.follower_count(lead.id) == 0
    token = leads.join(lead.id)
    assert leads.heartbeat(lead.id, token) and leads.follower_count(lead.id) == 1


def test_a_tablet_follows_one_lead_at_a_time(leads: LeadStore, tours: TourStore, tour_id):
    other = tours.save_tour({"stops": ["skaio", "buga-log"]}, "Andere", "buga2019-heilbronn")
    a, _, _ = leads.start(tour_id)
    b, _, _ = leads.start(other)
    token = leads.join(a.id)
    assert leads.heartbeat(b.id, token) is False  # a's token is not b's follower
    assert (leads.follower_count(a.id), leads.follower_count(b.id)) == (1, 0)


def test_concurrent_moves_and_heartbeats(leads: LeadStore, tour_id):
    """Guide taps and tablets' heartbeats at once: no lost move, no error."""
    lead, _code, key = leads.start(tour_id, stop_count=10)
    errors: list[BaseException] = []
    tokens = [leads.join(lead.id) for _ in range(4)]

    def follow(token: str) -> None:
        try:
            for _ in range(10):
                leads.heartbeat(lead.id, token)
                leads.active_for_tour(tour_id)
        except BaseException as exc:
            errors.append(exc)

    def guide() -> None:
        try:
            for _ in range(3):
                leads.advance(lead.id, key, 1, 10)
        except BaseException as exc:
            errors.append(exc)

    workers = [threading.Thread(target=follow, args=(t,)) for t in tokens]
    workers += [threading.Thread(target=guide) for _ in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert errors == []
    assert leads.get(lead.id).stop == 6
    assert leads.follower_count(lead.id) == 4


def test_two_guides_starting_at_once_get_one_lead(leads: LeadStore, tour_id):
    results: list[str] = []
    barrier = threading.Barrier(4)

    def start() -> None:
        barrier.wait(timeout=30)
        try:
            leads.start(tour_id)
            results.append("started")
        except AlreadyLed:
            results.append("refused")

    workers = [threading.Thread(target=start) for _ in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert sorted(results) == ["refused"] * 3 + ["started"]


def test_codes(leads: LeadStore):
    assert normalize_code(" AbC-23 4 ") == "abc234"
    assert normalize_code(None) == ""
    assert format_code("abc234") == "ABC-234"


# --- migration -----------------------------------------------------------------------------


def test_a_database_at_0003_gets_the_lead_tables_and_keeps_its_tours(db_url: str):
    engine = create_engine(db_url)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0003")
    engine.dispose()
    old = TourStore(db_url)
    old.database._migrated = True  # the app of then: it knew only revision 0003
    tour_id = old.save_tour(SPEC, "Alte Tour", exhibition_id="buga2019-heilbronn")
    old.dispose()
    engine = create_engine(db_url)
    assert not inspect(engine).has_table("lead_sessions")
    engine.dispose()

    database = Database(db_url)
    try:
        leads = LeadStore(database)
        lead, _code, key = leads.start(tour_id)
        with database.engine.connect() as conn:
            newest = ScriptDirectory.from_config(alembic_config(conn)).get_current_head()
        assert database.revision() == newest
        assert TourStore(database).load_tour(tour_id).title == "Alte Tour"
        assert leads.advance(lead.id, key, 1, 4).stop == 1
        with database.engine.connect() as conn:
            assert conn.execute(select(text("count(*)")).select_from(
                text("lead_sessions"))).scalar() == 1
        # And back down: 0003 has no lead tables, the tours stay.
        with database.engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0003")
        with database.engine.connect() as conn:
            assert not inspect(conn).has_table("lead_followers")
            assert inspect(conn).has_table("tours")
    finally:
        database.dispose()
