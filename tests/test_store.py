"""The tour store, against SQLite and a real PostgreSQL server.

The PostgreSQL variants need LERNREISE_TEST_POSTGRES_URL (`.ci/run` starts a server with
`.ci/start-postgres`). Without it they are skipped locally and fail in CI (CI=true), so CI
cannot pass without testing PostgreSQL. Each PostgreSQL test gets a schema of its own, dropped
afterwards, so runs never see each other's tours.
"""

from __future__ import annotations

import datetime as dt
import math
import sqlite3
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import inspect
from support import databases

from dashboard import routing
from dashboard import store as store_module
from dashboard.store import (
    TOUR_ID_ALPHABET,
    CorruptTour,
    InvalidTour,
    StoreError,
    TourStore,
    TourTooLarge,
    UnknownTourError,
    WrongExhibition,
    check_exhibition,
    is_valid_tour_id,
    new_tour_id,
    open_store,
    unique_stops,
)

SPEC = {
    "stops": ["holzpavillon", "faserpavillon", "bürgerhaus"],
    "start": "eingang-campuspark",
    "optimize": False,
    "budget_minutes": 90,
    "start_time": "09:30",
    "date": "2019-06-01",
    "speed_kmh": 3.5,
    "rank_by": "order",
    "nested": {"lists": [[1, 2.5, None, True], [], ["Grüße aus Konstanz"]]},
    "note": "„Schöne“ Straße – Ärger über Öffnungszeiten ß",
    "html": "<script>alert('x')</script> & <b>fett</b>",
    "emoji": "🌳",
    "empty": {},
}


def spec(**extra: object) -> dict:
    """A minimal valid tour spec with extra keys (kept by the store as they are)."""
    return {"stops": ["a"], **extra}


TITLE = "Führung „Holz & Wasser“ <script>alert(1)</script>"


# --- fixtures --------------------------------------------------------------------------------


# db_url, postgres_url and store are tests/support/databases.py's, for every module without an
# import; named here too for the modules that import them from here (new code: no import).
db_url, postgres_url = databases.db_url, databases.postgres_url
POSTGRES_ENV = databases.POSTGRES_ENV


@pytest.fixture
def sqlite_path(tmp_path: Path) -> Path:
    return tmp_path / "tours.sqlite3"


@pytest.fixture
def sqlite_store(sqlite_path: Path) -> Iterator[TourStore]:
    tours = TourStore(f"sqlite:///{sqlite_path}")
    yield tours
    tours.dispose()


# --- both backends ---------------------------------------------------------------------------


def test_save_and_load_round_trip(store: TourStore):
    before = datetime.now(UTC)
    tour_id = store.save_tour(SPEC, TITLE, exhibition_id="buga2019-heilbronn")
    after = datetime.now(UTC)

    tour = store.load_tour(tour_id)
    assert tour is not None
    assert tour.id == tour_id
    assert tour.title == TITLE
    assert tour.spec == SPEC
    assert list(tour.spec) == list(SPEC)  # key order kept (JSON, not JSONB)
    assert tour.spec["html"] == "<script>alert('x')</script> & <b>fett</b>"
    assert tour.exhibition_id == "buga2019-heilbronn"
    assert tour.created_at.utcoffset() is not None
    assert tour.created_at.utcoffset().total_seconds() == 0
    assert before <= tour.created_at <= after
    assert tour.updated_at == tour.created_at


def test_exhibition_id_is_optional(store: TourStore):
    tour = store.load_tour(store.save_tour(spec(), "Ohne Ausstellung"))
    assert tour is not None
    assert tour.exhibition_id is None
    assert tour.spec == spec()


def test_update_keeps_created_at_and_bumps_updated_at(store: TourStore):
    tour_id = store.save_tour(spec(), "Erste Fassung", exhibition_id="old")
    first = store.load_tour(tour_id)
    assert first is not None

    assert store.save_tour(SPEC, "Zweite Fassung", exhibition_id="new", tour_id=tour_id) == tour_id

    second = store.load_tour(tour_id)
    assert second is not None
    assert second.created_at == first.created_at
    assert second.updated_at > first.updated_at
    assert (second.title, second.spec, second.exhibition_id) == ("Zweite Fassung", SPEC, "new")
    assert [t.id for t in store.list_tours()] == [tour_id]


def test_unknown_ids(store: TourStore):
    kept = store.save_tour(spec(), "Bleibt")
    missing = next(i for i in iter(new_tour_id, None) if i != kept)

    assert store.load_tour(missing) is None
    for bad in ("", "../../etc", "DROP TABLE tours", "x" * 17, None):
        assert store.load_tour(bad) is None  # type: ignore[arg-type]
    with pytest.raises(UnknownTourError) as info:
        store.save_tour(spec(), "Neu", tour_id=missing)
    assert info.value.tour_id == missing
    assert isinstance(info.value, ValueError)
    with pytest.raises(UnknownTourError):
        store.save_tour(spec(), "Neu", tour_id="'; DROP TABLE tours; --")
    assert [t.id for t in store.list_tours()] == [kept]  # nothing created by a failed update


def test_list_is_newest_first_with_limit(store: TourStore):
    ids = [store.save_tour(spec(n=n), f"Tour {n}") for n in range(5)]

    assert [t.id for t in store.list_tours()] == ids[::-1]
    assert [t.id for t in store.list_tours(limit=3)] == ids[:1:-1]
    assert [t.spec["n"] for t in store.list_tours(limit=2)] == [4, 3]
    assert store.list_tours(limit=0) == []
    # Editing an old tour does not move it: the order is by creation.
    store.save_tour(spec(n=0), "Tour 0, bearbeitet", tour_id=ids[0])
    assert [t.id for t in store.list_tours()] == ids[::-1]
    with pytest.raises(StoreError):
        store.list_tours(limit=-1)


def test_delete(store: TourStore):
    gone = store.save_tour(spec(), "Weg damit")
    kept = store.save_tour(spec(stops=["b"]), "Bleibt")

    assert store.delete_tour(gone) is True
    assert store.load_tour(gone) is None
    assert store.delete_tour(gone) is False
    assert store.delete_tour("../../etc") is False
    kept_tour = store.load_tour(kept)
    assert kept_tour is not None and kept_tour.spec == spec(stops=["b"])
    assert [t.id for t in store.list_tours()] == [kept]


def test_ids_are_valid_and_unique_over_500_saves(store: TourStore):
    ids = [store.save_tour(spec(n=n), f"Tour {n}") for n in range(500)]

    assert len(set(ids)) == 500
    assert all(is_valid_tour_id(i) and len(i) == 8 for i in ids)
    assert len(store.list_tours(limit=1000)) == 500


def test_save_draws_a_new_id_on_collision(store: TourStore, monkeypatch: pytest.MonkeyPatch):
    taken = store.save_tour(spec(who="first"), "Zuerst")
    fresh = next(i for i in iter(new_tour_id, None) if i != taken)
    drawn = iter([taken, fresh])
    monkeypatch.setattr(store_module.tours, "new_tour_id", lambda: next(drawn))

    assert store.save_tour(spec(who="second"), "Danach") == fresh
    first, second = store.load_tour(taken), store.load_tour(fresh)
    assert first is not None and first.spec == spec(who="first")
    assert second is not None and second.spec == spec(who="second")


@pytest.mark.parametrize(
    ("bad_spec", "title", "exhibition_id", "error", "message"),
    [
        (["not", "a", "dict"], "Titel", None, InvalidTour, "must be a dict, not list"),
        (spec(stops=("a", "b")), "Titel", None, InvalidTour, "would not load back unchanged"),
        ({**spec(), 1: "int key"}, "Titel", None, InvalidTour, "would not load back"),
        (spec(x=math.nan), "Titel", None, InvalidTour, "not plain JSON"),
        (spec(when=datetime.now(UTC)), "Titel", None, InvalidTour, "not plain JSON"),
        ({"n": 1}, "Titel", None, InvalidTour, "stops: Field required"),
        (spec(stops=[]), "Titel", None, InvalidTour, "stops: List should have at least 1"),
        (spec(stops=["a", 7]), "Titel", None, InvalidTour, "stops.1: Input should be a valid"),
        (spec(stops=["a b"]), "Titel", None, InvalidTour, "stops.0: must not contain spaces"),
        (spec(stops=["a\u202eb"]), "Titel", None, InvalidTour, "stops.0"),
        (spec(stops=["x" * 65]), "Titel", None, InvalidTour, "at most 64 characters"),
        (spec(speed_kmh=math.inf), "Titel", None, InvalidTour, "not plain JSON"),
        (spec(speed_kmh=1e-300), "Titel", None, InvalidTour, "speed_kmh: a walking pace from"),
        (spec(speed_kmh=99), "Titel", None, InvalidTour, "speed_kmh: a walking pace from 1 to 7"),
        (spec(speed_kmh="4"), "Titel", None, InvalidTour, "speed_kmh: Input should be a valid"),
        (spec(budget_minutes=10**25), "Titel", None, InvalidTour, "budget_minutes"),
        (spec(budget_minutes=30.5), "Titel", None, InvalidTour, "budget_minutes"),
        (spec(optimize=1), "Titel", None, InvalidTour, "optimize: Input should be a valid bool"),
        (spec(start_time="25:00"), "Titel", None, InvalidTour, "start_time: hour must be"),
        (spec(start_time="9 Uhr"), "Titel", None, InvalidTour, "start_time: must be HH:MM"),
        (spec(date="9999-12-31"), "Titel", None, InvalidTour, "date: the date must lie between"),
        (spec(date="2019-02-30"), "Titel", None, InvalidTour, "date: day is out of range"),
        (spec(rank_by="random"), "Titel", None, InvalidTour, "rank_by: Input should be"),
        (spec(start=["a"]), "Titel", None, InvalidTour, "start: Input should be a valid string"),
        (spec(), "", None, InvalidTour, "title must be a non-empty text"),
        (spec(), "   ", None, InvalidTour, "title must be a non-empty text"),
        (spec(), "T" * 201, None, TourTooLarge, "title is longer than 200 characters (201)"),
        (spec(), "Nul\x00", None, InvalidTour, "NUL character"),
        (spec(), "Titel", "e" * 65, TourTooLarge, "exhibition id is longer than 64"),
        (spec(stops=[f"s{n}" for n in range(201)]), "Titel", None, TourTooLarge,
         "a tour has at most 200 stops, this one has 201"),
        (spec(blob="x" * 40_000), "Titel", None, TourTooLarge, "too large to save: 39 KB, at"),
    ],
)
def test_refuses_what_is_not_a_valid_tour(store: TourStore, bad_spec, title, exhibition_id,
                                          error, message):
    with pytest.raises(error) as info:
        store.save_tour(bad_spec, title, exhibition_id=exhibition_id)
    assert message in str(info.value)
    assert isinstance(info.value, StoreError)
    assert len(str(info.value)) < 400  # never the whole bad value
    assert store.list_tours() == []


def test_duplicate_stops_are_merged_at_their_first_place(store: TourStore):
    tour_id = store.save_tour(spec(stops=["b", "a", "b", "c", "a"]), "Doppelt")
    tour = store.load_tour(tour_id)
    assert tour is not None and tour.spec["stops"] == ["b", "a", "c"]
    assert unique_stops(["b", "a", "b", "c", "a"]) == ["b", "a", "c"]
    # 200 different stops fit even when duplicates make the list longer.
    many = [f"s{n}" for n in range(200)]
    tour = store.load_tour(store.save_tour(spec(stops=many + many[:5]), "Viele"))
    assert tour is not None and tour.spec["stops"] == many


def test_the_planners_request_round_trips(store: TourStore):
    """What routing.TourRequest.to_dict() makes is a valid spec, and from_dict takes it back."""
    request = routing.TourRequest(
        stops=("skaio", "holzpavillon"), start="eingang-campuspark", end="skaio", optimize=False,
        step_free=True, budget_minutes=120, start_time=dt.time(9, 45),
        date=dt.date(2019, 6, 1), speed_kmh=routing.MIN_SPEED_KMH, rank_by="order",
        title="Bau <b>Tour</b>",
    )
    tour = store.load_tour(store.save_tour(request.to_dict(), "Bau-Tour"))
    assert tour is not None
    assert routing.TourRequest.from_dict(tour.spec) == request
    fast = routing.TourRequest(stops=("a",), speed_kmh=routing.MAX_SPEED_KMH)
    assert store.save_tour(fast.to_dict(), "Schnell")


def test_list_by_exhibition(store: TourStore):
    here = store.save_tour(spec(), "Hier", exhibition_id="buga2019-heilbronn")
    store.save_tour(spec(), "Dort", exhibition_id="other-show")
    store.save_tour(spec(), "Ohne")
    assert [t.id for t in store.list_tours(exhibition_id="buga2019-heilbronn")] == [here]
    assert len(store.list_tours()) == 3


def test_check_exhibition(store: TourStore):
    class Catalog:  # the part of dashboard.catalog.Catalog that check_exhibition reads
        class exhibition:
            id = "buga2019-heilbronn"

    mine = store.load_tour(store.save_tour(spec(), "Hier", exhibition_id="buga2019-heilbronn"))
    old = store.load_tour(store.save_tour(spec(), "Von früher"))
    other = store.load_tour(store.save_tour(spec(), "Dort", exhibition_id="lisboa-2030"))
    assert mine and old and other
    assert check_exhibition(mine, Catalog) is mine
    assert check_exhibition(old, Catalog) is old  # saved before tours knew their exhibition
    with pytest.raises(WrongExhibition) as info:
        check_exhibition(other, "buga2019-heilbronn")
    assert str(info.value) == (
        f"the saved tour {other.id!r} belongs to the exhibition 'lisboa-2030', but this app "
        "shows 'buga2019-heilbronn': open it where that exhibition is loaded"
    )
    assert (info.value.tour_exhibition, info.value.shown_exhibition) == (
        "lisboa-2030", "buga2019-heilbronn")


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("spec", '{"stops": "not a list"}', "stops: Input should be a valid list"),
        ("spec", '{"stops": ["a"], "speed_kmh": 1e308}', "speed_kmh: a walking pace from 1 to 7"),
        ("spec", '{"stops": ["a"], "date": "9999-12-31"}', "date: the date must lie"),
        ("spec", '[1, 2]', "a tour spec must be a dict, not list"),
        ("spec", "{not json", "a value cannot be read (JSONDecodeError)"),
        ("title", "", "the title must be a non-empty text"),
        ("title", "T" * 300, "the title is longer than 200 characters"),
        ("created_at", "gestern", "a value cannot be read (ValueError)"),
    ],
)
def test_a_damaged_row_gives_a_message(sqlite_store: TourStore, sqlite_path: Path,
                                       column: str, value: str, message: str):
    good = sqlite_store.save_tour(spec(), "Heil")
    bad = sqlite_store.save_tour(spec(), "Kaputt")
    raw = sqlite3.connect(sqlite_path)
    with raw:
        raw.execute(f"UPDATE tours SET {column} = ? WHERE id = ?", (value, bad))  # noqa: S608
    raw.close()

    with pytest.raises(CorruptTour) as info:
        sqlite_store.load_tour(bad)
    assert str(info.value).startswith(f"the saved tour {bad!r} is damaged and cannot be opened: ")
    assert message in str(info.value)
    assert len(str(info.value)) < 400
    assert [t.id for t in sqlite_store.list_tours()] == [good]  # the list leaves it out
    assert sqlite_store.load_tour(good) is not None


def test_longest_title_and_exhibition_id_fit(store: TourStore):
    tour = store.load_tour(store.save_tour(spec(x=1), "Ä" * 200, exhibition_id="e" * 64))
    assert tour is not None
    assert (tour.title, tour.exhibition_id) == ("Ä" * 200, "e" * 64)


@pytest.mark.timeout(120)
def test_two_writers_at_once(db_url: str):
    """Two stores (as two app processes would have) each save and then edit 50 tours."""
    stores = [TourStore(db_url), TourStore(db_url)]
    start = threading.Barrier(2)
    errors: list[BaseException] = []
    saved: list[list[str]] = [[], []]

    def write(n: int) -> None:
        try:
            start.wait()
            for i in range(50):
                tour_id = stores[n].save_tour(spec(writer=n, i=i), f"Schreiber {n}, Tour {i}")
                # An update reads before it writes: in SQLite that is where a lock upgrade
                # would fail with "database is locked" without BEGIN IMMEDIATE.
                stores[n].save_tour(spec(writer=n, i=i, v=2), "bearbeitet", tour_id=tour_id)
                saved[n].append(tour_id)
        except BaseException as exc:  # reported by the assert below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(2)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert [len(ids) for ids in saved] == [50, 50]
        tours = stores[0].list_tours(limit=200)
        assert len(tours) == 100
        assert {t.id for t in tours} == set(saved[0]) | set(saved[1])
        assert all(t.spec["v"] == 2 and t.title == "bearbeitet" for t in tours)
    finally:
        for tours_store in stores:
            tours_store.dispose()


# --- ids -------------------------------------------------------------------------------------


def test_new_tour_id_format():
    ids = [new_tour_id() for _ in range(1000)]
    assert all(len(i) == 8 and set(i) <= set(TOUR_ID_ALPHABET) for i in ids)
    assert not set("".join(ids)) & set("0O1lI")
    assert len(set(ids)) == 1000
    assert set("".join(ids)) == set(TOUR_ID_ALPHABET)  # the whole alphabet is drawn from


@pytest.mark.parametrize("value", ["abcd", "23456789", "z" * 16, "k7m2x9qp"])
def test_valid_tour_ids(value: str):
    assert is_valid_tour_id(value)


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "abc",  # too short
        "a" * 17,  # too long
        "../../etc",
        "DROP TABLE",
        "ABCDEFGH",  # upper case is not in the alphabet
        "abc0",
        "abcl",
        "abc1",
        "abco",
        "abcd\n",
        " abcd",
        "äbcd",
        12345678,
        b"abcdefgh",
        ["abcdefgh"],
    ],
)
def test_invalid_tour_ids(value: object):
    assert not is_valid_tour_id(value)


def test_store_errors_are_value_errors():
    assert issubclass(StoreError, ValueError)
    assert issubclass(UnknownTourError, StoreError)
    assert "'abcd'" in str(UnknownTourError("abcd"))


# --- SQLite only -----------------------------------------------------------------------------


def test_making_a_store_connects_to_nothing(tmp_path: Path):
    """A page may make the store at start-up even when the database is down: the first call
    connects (and migrates), and says what is wrong then."""
    path = tmp_path / "later" / "tours.sqlite3"
    tours = TourStore(f"sqlite:///{path}")
    assert not path.parent.exists()
    tours.check()
    assert path.is_file()
    tours.dispose()


def test_sqlite_file_is_created_in_a_missing_folder(tmp_path: Path):
    path = tmp_path / "var" / "deeper" / "tours.sqlite3"
    tours = TourStore(f"sqlite:///{path}")
    try:
        tour_id = tours.save_tour(spec(x=1), "Titel")
    finally:
        tours.dispose()
    assert path.is_file()
    with sqlite3.connect(path) as raw:
        rows = raw.execute("SELECT id, title FROM tours").fetchall()
    raw.close()
    assert rows == [(tour_id, "Titel")]


def test_sqlite_is_in_wal_mode_with_busy_timeout_and_foreign_keys(
    sqlite_store: TourStore, sqlite_path: Path
):
    sqlite_store.check()
    raw = sqlite3.connect(sqlite_path)
    try:
        assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)  # stored in the file
    finally:
        raw.close()
    with sqlite_store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_sqlite_schema(sqlite_store: TourStore):
    sqlite_store.check()
    columns = {c["name"]: c for c in inspect(sqlite_store.engine).get_columns("tours")}
    assert set(columns) == {"id", "title", "spec", "created_at", "updated_at", "data_dir_id"}
    assert columns["data_dir_id"]["nullable"] is True
    assert columns["title"]["nullable"] is False
    assert inspect(sqlite_store.engine).get_pk_constraint("tours")["constrained_columns"] == ["id"]


@pytest.mark.timeout(60)
def test_sqlite_reads_do_not_wait_for_a_writer(sqlite_store: TourStore, sqlite_path: Path):
    """Reads begin DEFERRED: in WAL mode they go on while another connection holds the write
    lock (with BEGIN IMMEDIATE they would wait 5 s and fail with "database is locked")."""
    tour_id = sqlite_store.save_tour(spec(x=1), "Titel")
    writer = sqlite3.connect(sqlite_path, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE tours SET title = 'uncommitted'")
        started = time.monotonic()
        tour = sqlite_store.load_tour(tour_id)
        listed = sqlite_store.list_tours()
        elapsed = time.monotonic() - started
        writer.execute("ROLLBACK")
    finally:
        writer.close()
    assert tour is not None and tour.title == "Titel"
    assert [t.id for t in listed] == [tour_id]
    assert elapsed < 2


def test_open_store_reads_the_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = tmp_path / "from-setting" / "lernreise.sqlite3"
    monkeypatch.setenv("LERNREISE_DATABASE_URL", f"sqlite:///{path}")
    tours = open_store()
    try:
        tour_id = tours.save_tour(spec(x=1), "Aus der Einstellung")
    finally:
        tours.dispose()
    assert path.is_file()

    explicit = open_store(f"sqlite:///{path}")
    try:
        tour = explicit.load_tour(tour_id)
    finally:
        explicit.dispose()
    assert tour is not None and tour.title == "Aus der Einstellung"
