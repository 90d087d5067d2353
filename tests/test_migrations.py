"""The schema through Alembic: databases from before migrations keep their tours, models and
migrations agree, and several processes starting at once on an empty database lose no write.

PostgreSQL cases use the server of LERNREISE_TEST_POSTGRES_URL (see tests/support/databases.py).
"""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import JSON, Column, DateTime, MetaData, String, Table, create_engine, inspect
from sqlalchemy.schema import CreateIndex, CreateTable

from dashboard.store import Database, StoreUnavailable, TourStore
from dashboard.store.base import Base
from dashboard.store.engine import alembic_config

HEAD = "0008"

# --- the schema before migrations ------------------------------------------------------------

# What `Base.metadata.create_all` made until Alembic came (dashboard/store.py at f7bd1ce),
# captured from sqlite_master of a file made by that code.
LEGACY_SQLITE_DDL = [
    "CREATE TABLE tours (\n\tid VARCHAR(16) NOT NULL, \n\ttitle VARCHAR(200) NOT NULL, \n"
    "\tspec JSON NOT NULL, \n\tcreated_at DATETIME NOT NULL, \n\tupdated_at DATETIME NOT NULL, "
    "\n\tdata_dir_id VARCHAR(64), \n\tPRIMARY KEY (id)\n)",
    "CREATE INDEX ix_tours_created_at ON tours (created_at)",
]

# The same table as a frozen SQLAlchemy definition, for PostgreSQL (timestamptz, json).
LEGACY = MetaData()
LEGACY_TOURS = Table(
    "tours",
    LEGACY,
    Column("id", String(16), primary_key=True),
    Column("title", String(200), nullable=False),
    Column("spec", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, index=True),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("data_dir_id", String(64), nullable=True),
)

CREATED = datetime(2026, 5, 1, 8, 30, 15, 123456, tzinfo=UTC)
LEGACY_ROWS = [
    {
        "id": "k7m2x9qp",
        "title": "Holz & Wasser",
        "spec": {"stops": ["holzpavillon", "skaio"], "start": "eingang-sued", "end": None,
                 "optimize": True, "step_free": False, "budget_minutes": None,
                 "start_time": "10:00", "date": "2019-06-01", "speed_kmh": 4.0,
                 "rank_by": "priority", "title": ""},
        "exhibition": "buga2019-heilbronn",
    },
    {
        "id": "abcd2345",
        "title": "Ohne Ausstellung",
        "spec": {"stops": ["skaio"], "speed_kmh": 3.0},
        "exhibition": None,
    },
]


def test_frozen_definition_is_the_captured_sqlite_schema():
    """The frozen table (used for PostgreSQL) is what the old code made on SQLite, too."""
    engine = create_engine("sqlite://")
    made = [str(CreateTable(LEGACY_TOURS).compile(engine)).strip()]
    made += [str(CreateIndex(index).compile(engine)) for index in LEGACY_TOURS.indexes]
    assert made == LEGACY_SQLITE_DDL


def make_legacy_sqlite(path: Path) -> None:
    """A database file as the app made it before migrations, with two tours in it."""
    raw = sqlite3.connect(path)
    with raw:
        for statement in LEGACY_SQLITE_DDL:
            raw.execute(statement)
        for n, row in enumerate(LEGACY_ROWS):
            # SQLAlchemy's DateTime on SQLite: naive UTC as "YYYY-MM-DD HH:MM:SS.ffffff".
            when = (CREATED + timedelta(minutes=n)).replace(tzinfo=None).isoformat(sep=" ")
            raw.execute(
                "INSERT INTO tours VALUES (?, ?, ?, ?, ?, ?)",
                (row["id"], row["title"], json.dumps(row["spec"], ensure_ascii=False),
                 when, when, row["exhibition"]),
            )
    raw.close()


def make_legacy_with_create_all(url: str) -> None:
    engine = create_engine(url)
    LEGACY.create_all(engine)
    with engine.begin() as conn:
        conn.execute(LEGACY_TOURS.insert(), [
            {"id": row["id"], "title": row["title"], "spec": row["spec"],
             "created_at": CREATED + timedelta(minutes=n),
             "updated_at": CREATED + timedelta(minutes=n), "data_dir_id": row["exhibition"]}
            for n, row in enumerate(LEGACY_ROWS)
        ])
    engine.dispose()


def assert_legacy_tours_kept(tours: TourStore) -> None:
    listed = tours.list_tours()
    assert [t.id for t in listed] == [row["id"] for row in reversed(LEGACY_ROWS)]
    for n, row in enumerate(LEGACY_ROWS):
        tour = tours.load_tour(row["id"])
        assert tour is not None
        assert (tour.title, tour.spec, tour.exhibition_id) == (
            row["title"], row["spec"], row["exhibition"])
        assert tour.created_at == CREATED + timedelta(minutes=n)
    assert tours.database.revision() == HEAD
    # And the migrated database takes new tours beside the old ones.
    new_id = tours.save_tour({"stops": ["skaio"]}, "Neu", "buga2019-heilbronn")
    assert [t.id for t in tours.list_tours(exhibition_id="buga2019-heilbronn")] == [
        new_id, LEGACY_ROWS[0]["id"]]


def test_a_sqlite_file_from_before_migrations_keeps_its_tours(tmp_path: Path):
    path = tmp_path / "lernreise.sqlite3"
    make_legacy_sqlite(path)
    tours = TourStore(f"sqlite:///{path}")
    try:
        assert_legacy_tours_kept(tours)
        indexes = {i["name"] for i in inspect(tours.engine).get_indexes("tours")}
        assert indexes == {"ix_tours_created_at", "ix_tours_data_dir_id"}
    finally:
        tours.dispose()


def test_a_database_from_before_migrations_keeps_its_tours(db_url: str):
    make_legacy_with_create_all(db_url)
    tours = TourStore(db_url)
    try:
        assert_legacy_tours_kept(tours)
    finally:
        tours.dispose()


# --- models and migrations -------------------------------------------------------------------


def _differences(url: str, metadata: MetaData) -> list:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            return [
                diff for diff in compare_metadata(context, metadata)
                # alembic_version is Alembic's own table, not a model.
                if not (diff[0] == "remove_table" and diff[1].name == "alembic_version")
            ]
    finally:
        engine.dispose()


def test_migrations_make_what_the_models_say(db_url: str):
    """A model changed without a migration (or the reverse) fails here."""
    database = Database(db_url)
    database.upgrade()
    database.dispose()
    assert _differences(db_url, Base.metadata) == []


def test_first_revision_is_the_table_from_before_migrations(db_url: str):
    database = Database(db_url)
    with database.engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0001")
    database.dispose()
    assert _differences(db_url, LEGACY) == []


def test_downgrade_to_nothing_and_up_again(db_url: str):
    database = Database(db_url)
    database.upgrade()
    with database.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "base")
    with database.engine.connect() as conn:
        assert not inspect(conn).has_table("tours")
    database.dispose()
    tours = TourStore(db_url)
    tours.save_tour({"stops": ["a"]}, "Wieder da")
    assert tours.database.revision() == HEAD
    tours.dispose()


def test_a_foreign_tours_table_is_not_taken_for_ours(tmp_path: Path):
    path = tmp_path / "foreign.sqlite3"
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE tours (name TEXT, price REAL)")
    raw.close()
    tours = TourStore(f"sqlite:///{path}")
    with pytest.raises(StoreUnavailable) as info:
        tours.list_tours()
    assert str(info.value) == (
        "the tour database cannot be used right now: it has a table 'tours' that this app did "
        "not make"
    )
    tours.dispose()


def test_a_database_of_a_newer_app_is_not_touched(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'newer.sqlite3'}"
    TourStore(url).check()
    raw = sqlite3.connect(tmp_path / "newer.sqlite3")
    with raw:
        raw.execute("UPDATE alembic_version SET version_num = '0099'")
    raw.close()
    tours = TourStore(url)
    with pytest.raises(StoreUnavailable) as info:
        tours.save_tour({"stops": ["a"]}, "Neu")
    assert "set up by a newer version of the app" in str(info.value)
    tours.dispose()


# --- several processes at once on an empty database ------------------------------------------

PROCESSES = 4
TOURS_EACH = 50


def _write_tours(url: str, worker: int, start: multiprocessing.synchronize.Barrier) -> None:
    """One app process: make a store, wait for the others, then save tours at once."""
    tours = TourStore(url)
    start.wait(timeout=120)
    for i in range(TOURS_EACH):
        tours.save_tour({"stops": ["a"], "worker": worker, "i": i}, f"Prozess {worker}, {i}")
    tours.dispose()


@pytest.mark.timeout(300)
def test_processes_starting_at_once_on_an_empty_database_lose_no_write(db_url: str):
    """Every process migrates the empty database on its first save, at the same moment: the
    migration lock makes one of them create the table and the others wait (without it some
    processes failed on CREATE TABLE and their tours were lost: 178 of 200 rows)."""
    context = multiprocessing.get_context("spawn")  # no fork of a threaded test process
    start = context.Barrier(PROCESSES)
    workers = [context.Process(target=_write_tours, args=(db_url, n, start))
               for n in range(PROCESSES)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=240)
    assert [w.exitcode for w in workers] == [0] * PROCESSES
    tours = TourStore(db_url)
    try:
        saved = tours.list_tours(limit=PROCESSES * TOURS_EACH + 10)
        assert len(saved) == PROCESSES * TOURS_EACH
        assert {(t.spec["worker"], t.spec["i"]) for t in saved} == {
            (w, i) for w in range(PROCESSES) for i in range(TOURS_EACH)}
        assert tours.database.revision() == HEAD
    finally:
        tours.dispose()


def test_db_revision_writes_the_next_migration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """`python -m dashboard db revision` numbers the next migration; with the models as they
    are it has nothing to do (another check that migrations and models agree)."""
    import shutil

    from dashboard.store import engine

    versions = tmp_path / "migrations"
    shutil.copytree(engine.MIGRATIONS_DIR, versions,
                    ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(engine, "MIGRATIONS_DIR", versions)
    database = Database(f"sqlite:///{tmp_path / 'scratch.sqlite3'}")
    path = database.new_revision("nothing to do")
    database.dispose()
    assert path.name == f"{int(HEAD) + 1:04d}_nothing_to_do.py"
    text = path.read_text()
    assert f"down_revision = '{HEAD}'" in text
    assert "op." not in text
