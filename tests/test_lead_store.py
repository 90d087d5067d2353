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
from sqlalchemy import create_engine, inspect, select, text

from dashboard.store import (
    AlreadyLed,
    Database,
    LeadEnded,
    LeadError,
    LeadStore,
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
    lead, code = leads.start(tour_id)
    assert is_valid_lead_id(lead.id) and lead.tour_id == tour_id and lead.stop == 0
    assert lead.active and len(code) == CODE_LENGTH
    assert leads.active_for_tour(tour_id) == lead
    assert leads.get(lead.id) == lead
    # Only a salted hash is kept: the code is nowhere in the row.
    with database.session(write=False) as session:
        row = session.get(LeadRow, lead.id)
        stored = " ".join(str(v) for v in (row.code_hash, row.code_salt, row.id))
    assert code not in stored and len(row.code_hash) == 64 and len(row.code_salt) == 32


def test_the_code_moves_the_group_and_a_wrong_code_moves_nothing(leads: LeadStore, tour_id):
    lead, code = leads.start(tour_id)
    assert leads.advance(lead.id, code, 1, 4).stop == 1
    assert leads.advance(lead.id, code, 1, 4).stop == 2
    for bad in (wrong(code), "", "x" * 1000, code[:-1], None, 123):
        with pytest.raises(WrongLeadCode) as info:
            leads.advance(lead.id, bad, 1, 4)  # type: ignore[arg-type]
        assert str(info.value) == "wrong lead code: nothing was moved"
        with pytest.raises(WrongLeadCode):
            leads.goto(lead.id, bad, 0)  # type: ignore[arg-type]
        with pytest.raises(WrongLeadCode):
            leads.end(lead.id, bad)  # type: ignore[arg-type]
    assert leads.active_for_tour(tour_id).stop == 2
    # Typed as shown (upper case, with the dash) it is the same code.
    assert leads.goto(lead.id, format_code(code), 0).stop == 0
    assert leads.check_code(lead.id, f" {code.upper()} ").id == lead.id


def test_advance_stays_within_the_tour(leads: LeadStore, tour_id):
    lead, code = leads.start(tour_id)
    assert leads.advance(lead.id, code, -1, 4).stop == 0
    assert leads.advance(lead.id, code, 10, 4).stop == 3
    assert leads.advance(lead.id, code, 1, 4).stop == 3
    for bad in (-1, 200, True, "1", 1.0):
        with pytest.raises(LeadError):
            leads.goto(lead.id, code, bad)  # type: ignore[arg-type]
    for count in (0, 201):
        with pytest.raises(LeadError):
            leads.advance(lead.id, code, 1, count)
    assert leads.get(lead.id).stop == 3


def test_moves_update_the_time(leads: LeadStore, tour_id):
    lead, code = leads.start(tour_id)
    moved = leads.goto(lead.id, code, 1)
    assert moved.updated_at > lead.updated_at and moved.started_at == lead.started_at


def test_end_stops_the_lead_and_a_new_one_may_start(leads: LeadStore, tour_id):
    lead, code = leads.start(tour_id)
    with pytest.raises(AlreadyLed) as info:
        leads.start(tour_id)
    assert info.value.lead_id == lead.id
    ended = leads.end(lead.id, code)
    assert not ended.active and ended.ended_at is not None
    assert leads.active_for_tour(tour_id) is None
    with pytest.raises(LeadEnded):
        leads.advance(lead.id, code, 1, 4)
    with pytest.raises(LeadEnded):
        leads.check_code(lead.id, code)
    again, code2 = leads.start(tour_id, stop=2)
    assert again.id != lead.id and again.stop == 2
    assert leads.active_for_tour(tour_id) == again
    with pytest.raises(WrongLeadCode if code2 != code else LeadEnded):
        leads.check_code(again.id, code)


def test_a_lead_nobody_moved_for_hours_ends_at_the_next_start(leads, database, tour_id,
                                                              monkeypatch):
    lead, _code = leads.start(tour_id)
    later = utcnow() + lead_module.STALE_AFTER + timedelta(minutes=1)
    monkeypatch.setattr(lead_module, "utcnow", lambda: later)
    assert leads.active_for_tour(tour_id) is None
    fresh, _ = leads.start(tour_id)
    assert not leads.get(lead.id).active and fresh.active


def test_several_tours_are_led_at_once(leads: LeadStore, tours: TourStore, tour_id):
    other = tours.save_tour({"stops": ["skaio", "buga-log"]}, "Andere", "buga2019-heilbronn")
    a, code_a = leads.start(tour_id)
    b, code_b = leads.start(other)
    leads.advance(a.id, code_a, 2, 4)
    leads.advance(b.id, code_b, 1, 2)
    assert leads.active_for_tour(tour_id).stop == 2
    assert leads.active_for_tour(other).stop == 1
    if code_a != code_b:  # one guide's code does not move another's group
        with pytest.raises(WrongLeadCode):
            leads.advance(b.id, code_a, -1, 2)
    leads.end(a.id, code_a)
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
        assert leads.follower_count(bad) == 0
        leads.heartbeat(bad, new_follower_token())  # ignored, no error


def test_deleting_a_tour_deletes_its_leads(leads: LeadStore, tours: TourStore, tour_id):
    lead, _code = leads.start(tour_id)
    leads.heartbeat(lead.id, new_follower_token())
    assert tours.delete_tour(tour_id)
    assert leads.get(lead.id) is None


# --- followers -----------------------------------------------------------------------------


def test_followers_are_counted_while_their_heartbeat_is_fresh(leads: LeadStore, tour_id,
                                                              monkeypatch):
    lead, code = leads.start(tour_id)
    tablets = [new_follower_token() for _ in range(3)]
    for token in tablets:
        leads.heartbeat(lead.id, token)
    leads.heartbeat(lead.id, tablets[0])  # again: still one tablet
    assert leads.follower_count(lead.id) == 3
    later = utcnow() + FOLLOWER_WINDOW + timedelta(seconds=1)
    assert leads.follower_count(lead.id, now=later) == 0
    leads.leave(tablets[1])
    assert leads.follower_count(lead.id) == 2
    for bad in ("", "short", "<script>alert(1)</script>" * 3, "x" * 65, None):
        leads.heartbeat(lead.id, bad)  # type: ignore[arg-type]
        leads.leave(bad)  # type: ignore[arg-type]
    assert leads.follower_count(lead.id) == 2
    leads.end(lead.id, code)
    assert leads.follower_count(lead.id) == 0
    leads.heartbeat(lead.id, tablets[0])  # an ended lead takes no heartbeat
    assert leads.follower_count(lead.id) == 0


def test_a_tablet_follows_one_lead_at_a_time(leads: LeadStore, tours: TourStore, tour_id):
    other = tours.save_tour({"stops": ["skaio", "buga-log"]}, "Andere", "buga2019-heilbronn")
    a, _ = leads.start(tour_id)
    b, _ = leads.start(other)
    token = new_follower_token()
    leads.heartbeat(a.id, token)
    leads.heartbeat(b.id, token)
    assert (leads.follower_count(a.id), leads.follower_count(b.id)) == (0, 1)


def test_concurrent_moves_and_heartbeats(leads: LeadStore, tour_id):
    """Guide taps and tablets' heartbeats at once: no lost move, no error."""
    lead, code = leads.start(tour_id)
    errors: list[BaseException] = []
    tokens = [new_follower_token() for _ in range(4)]

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
                leads.advance(lead.id, code, 1, 10)
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
        lead, code = leads.start(tour_id)
        assert database.revision() == "0004"
        assert TourStore(database).load_tour(tour_id).title == "Alte Tour"
        assert leads.advance(lead.id, code, 1, 4).stop == 1
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
