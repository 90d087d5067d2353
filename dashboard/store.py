"""The database: saved tours, through SQLAlchemy, on SQLite (default) or PostgreSQL.

One `TourStore` per process is enough: the engine and its connection pool are thread-safe, so a
page may keep it in `st.cache_resource`. The store hands out frozen `SavedTour` copies, never
ORM objects, so nothing a page holds is tied to a database session.
"""

from __future__ import annotations

import functools
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, DateTime, Engine, String, create_engine, delete, event, select
from sqlalchemy.engine import URL, Connection, Dialect, make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker
from sqlalchemy.types import TypeDecorator

from dashboard import settings

# Short ids go into URLs (?tour=…) and onto printed QR codes: no 0/O, 1/l/I, no upper case.
TOUR_ID_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
TOUR_ID_LENGTH = 8
_TOUR_ID_CHARS = frozenset(TOUR_ID_ALPHABET)
_TOUR_ID_MIN, _TOUR_ID_MAX = 4, 16
_NEW_ID_ATTEMPTS = 5  # 31**8 ≈ 8.5e11 ids: a second collision in a row means something else

TITLE_MAX = 200
EXHIBITION_ID_MAX = 64
SQLITE_BUSY_TIMEOUT_MS = 5000

# The store's exceptions subclass ValueError like those in dashboard/errors.py (they could move
# there). Database failures (server down, disk full) are not bad input and stay SQLAlchemy's.


class StoreError(ValueError):
    """Input the store refuses (bad title, spec that is not plain JSON, ...)."""


class UnknownTourError(StoreError):
    """A tour id that the database does not have (e.g. from a URL)."""

    def __init__(self, tour_id: object):
        self.tour_id = tour_id
        super().__init__(f"unknown tour id {tour_id!r}")


# --- ids -------------------------------------------------------------------------------------


def new_tour_id() -> str:
    """A random short id; `secrets`, so ids of other people's tours cannot be guessed."""
    return "".join(secrets.choice(TOUR_ID_ALPHABET) for _ in range(TOUR_ID_LENGTH))


def is_valid_tour_id(value: object) -> bool:
    """Whether `value` can be a tour id: pages check a ?tour= parameter before any query."""
    return (
        isinstance(value, str)
        and _TOUR_ID_MIN <= len(value) <= _TOUR_ID_MAX
        and _TOUR_ID_CHARS.issuperset(value)
    )


# --- schema ----------------------------------------------------------------------------------


class _UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend.

    PostgreSQL stores `timestamptz` and returns it in the session's time zone; SQLite has no
    time zones, so naive UTC text is stored there and UTC is attached again on reading.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise StoreError(f"naive datetime {value!r}: the store keeps UTC")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """One metadata for all of the app's tables (notes and follow-ups will join tours)."""


class TourRow(Base):
    """A saved tour. `spec` is the caller's dict; the store never looks inside it."""

    __tablename__ = "tours"

    id: Mapped[str] = mapped_column(String(_TOUR_ID_MAX), primary_key=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    # Generic JSON (not JSONB on PostgreSQL): keeps the caller's key order as given.
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(_UTCDateTime(), index=True)
    updated_at: Mapped[datetime] = mapped_column(_UTCDateTime())
    # Which exhibition (data folder) the tour belongs to, e.g. "buga2019-heilbronn".
    data_dir_id: Mapped[str | None] = mapped_column(String(EXHIBITION_ID_MAX))


@dataclass(frozen=True)
class SavedTour:
    """A tour as read from the database: a plain copy, detached from any session."""

    id: str
    title: str
    spec: dict[str, Any]
    exhibition_id: str | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def _from_row(cls, row: TourRow) -> SavedTour:
        return cls(
            id=row.id,
            title=row.title,
            spec=row.spec,
            exhibition_id=row.data_dir_id,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )


# --- validation ------------------------------------------------------------------------------

# ensure_ascii=False keeps umlauts readable in the database; allow_nan=False because
# PostgreSQL rejects NaN in JSON, and SQLite should refuse what PostgreSQL refuses.
_dumps = functools.partial(json.dumps, ensure_ascii=False, allow_nan=False)


def _check_spec(spec: object) -> None:
    """Refuse a spec that would not come back equal (tuples, int keys, sets, NaN, ...)."""
    if not isinstance(spec, dict):
        raise StoreError(f"a tour spec must be a dict, not {type(spec).__name__}")
    try:
        text = _dumps(spec)
        text.encode("utf-8")  # lone surrogates cannot be stored
    except (TypeError, ValueError) as exc:
        raise StoreError(f"the tour spec is not plain JSON: {exc}") from exc
    if json.loads(text) != spec:
        raise StoreError("the tour spec would not load back unchanged (tuples or non-str keys?)")


def _check_text(name: str, value: object, max_len: int, *, optional: bool = False) -> None:
    """Same limits on every backend (SQLite would store a 300-character title silently)."""
    if value is None and optional:
        return
    if not isinstance(value, str) or not value.strip():
        raise StoreError(f"{name} must be a non-empty string, not {value!r}")
    if len(value) > max_len:
        raise StoreError(f"{name} is longer than {max_len} characters: {value[:40]!r}…")
    if "\x00" in value:
        raise StoreError(f"{name} contains a NUL character: {value!r}")


def _utcnow() -> datetime:
    return datetime.now(UTC)


# --- SQLite ----------------------------------------------------------------------------------

_BEGIN_OPTION = "lernreise_sqlite_begin"
_BEGIN = {"immediate": "BEGIN IMMEDIATE", "deferred": "BEGIN DEFERRED"}


def _sqlite_file(url: URL) -> Path | None:
    """The database file of a SQLite URL, or None for an in-memory or URI database."""
    database = url.database
    if (
        not database
        or database == ":memory:"
        or url.query.get("uri")
        or database.startswith("file:")
    ):
        return None
    return Path(database)


def _configure_sqlite(engine: Engine) -> None:
    """WAL, busy timeout, foreign keys and our own BEGIN on every SQLite connection.

    The pysqlite pattern from the SQLAlchemy docs (SQLite dialect, "Transactions"): the driver
    stops issuing BEGIN itself, and we issue BEGIN IMMEDIATE, which takes the write lock at the
    start. A deferred transaction that reads first and writes later must upgrade its lock, and
    an upgrade that meets another writer fails at once with "database is locked" (the busy
    timeout cannot help there). Reads ask for BEGIN DEFERRED: in WAL mode they never block.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # the driver issues no BEGIN of its own
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(SQLITE_BUSY_TIMEOUT_MS)}")
            cursor.execute("PRAGMA journal_mode = WAL")  # readers do not block the writer
            cursor.execute("PRAGMA foreign_keys = ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get(_BEGIN_OPTION, "immediate")
        conn.exec_driver_sql(_BEGIN[mode])


# --- the store -------------------------------------------------------------------------------


class TourStore:
    """Saved tours in the database at `url` (any SQLAlchemy URL)."""

    def __init__(self, url: str):
        parsed = make_url(url)
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        if self.is_sqlite and (path := _sqlite_file(parsed)) is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        # pre-ping: a pooled PostgreSQL connection may have died with a server restart.
        self._engine = create_engine(
            parsed, json_serializer=_dumps, pool_pre_ping=not self.is_sqlite
        )
        if self.is_sqlite:
            _configure_sqlite(self._engine)
        self._write = sessionmaker(self._engine, expire_on_commit=False)
        reader = self._engine.execution_options(**{_BEGIN_OPTION: "deferred"})
        self._read = sessionmaker(reader, expire_on_commit=False)
        # No migrations yet (no Alembic): create_all only adds missing tables. A change to an
        # existing table needs a migration tool before the first real deployment.
        Base.metadata.create_all(self._engine)

    @property
    def engine(self) -> Engine:
        return self._engine

    def save_tour(
        self,
        spec: dict[str, Any],
        title: str,
        exhibition_id: str | None = None,
        tour_id: str | None = None,
    ) -> str:
        """Save a new tour (tour_id None) or replace title, spec and exhibition of one.

        Returns the tour's id. Raises UnknownTourError when `tour_id` is not in the database,
        StoreError for a title, exhibition id or spec the store refuses.
        """
        _check_spec(spec)
        _check_text("title", title, TITLE_MAX)
        _check_text("exhibition id", exhibition_id, EXHIBITION_ID_MAX, optional=True)
        if tour_id is None:
            return self._insert(spec, title, exhibition_id)
        if not is_valid_tour_id(tour_id):
            raise UnknownTourError(tour_id)
        with self._write() as session, session.begin():
            row = session.get(TourRow, tour_id)
            if row is None:
                raise UnknownTourError(tour_id)
            row.title = title
            row.spec = spec
            row.data_dir_id = exhibition_id
            # Strictly later even if the clock stepped back: "edited" must sort after "created".
            row.updated_at = max(_utcnow(), row.updated_at + timedelta(microseconds=1))
        return tour_id

    def _insert(self, spec: dict[str, Any], title: str, exhibition_id: str | None) -> str:
        """Insert under a fresh id; on the (unlikely) id collision draw another one."""
        for _ in range(_NEW_ID_ATTEMPTS):
            tour_id = new_tour_id()
            now = _utcnow()
            row = TourRow(
                id=tour_id,
                title=title,
                spec=spec,
                created_at=now,
                updated_at=now,
                data_dir_id=exhibition_id,
            )
            try:
                with self._write() as session, session.begin():
                    session.add(row)
            except IntegrityError:
                if self.load_tour(tour_id) is None:
                    raise  # not a collision: some other constraint failed
                continue
            return tour_id
        raise StoreError(f"no free tour id after {_NEW_ID_ATTEMPTS} attempts")

    def load_tour(self, tour_id: str) -> SavedTour | None:
        """The tour with this id, or None (also for ids that cannot exist)."""
        if not is_valid_tour_id(tour_id):
            return None
        with self._read() as session, session.begin():
            row = session.get(TourRow, tour_id)
            return None if row is None else SavedTour._from_row(row)

    def list_tours(self, limit: int = 50) -> list[SavedTour]:
        """The newest `limit` tours by creation time, newest first."""
        if limit < 0:
            raise StoreError(f"limit must be 0 or more, not {limit!r}")
        query = select(TourRow).order_by(TourRow.created_at.desc(), TourRow.id.desc()).limit(limit)
        with self._read() as session, session.begin():
            return [SavedTour._from_row(row) for row in session.scalars(query)]

    def delete_tour(self, tour_id: str) -> bool:
        """Delete a tour; False when there was none with this id."""
        if not is_valid_tour_id(tour_id):
            return False
        with self._write() as session, session.begin():
            result = session.execute(delete(TourRow).where(TourRow.id == tour_id))
            return bool(result.rowcount)

    def dispose(self) -> None:
        """Close the pooled connections (tests, shutdown); a later call opens new ones."""
        self._engine.dispose()


def open_store(url: str | None = None) -> TourStore:
    """A store for `url`, or for the LERNREISE_DATABASE_URL setting when url is None."""
    return TourStore(url if url is not None else settings.get("LERNREISE_DATABASE_URL"))
