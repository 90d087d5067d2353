"""What every table of the app shares: one metadata, UTC datetimes, JSON as plain text, the
writing session, and the versioned soft update (optimistic locking) of notes, follow-ups,
topics and ideas."""

from __future__ import annotations

import contextlib
import functools
import json
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import DateTime, Integer
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, declared_attr, mapped_column
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.types import TypeDecorator

from dashboard.store.errors import InvalidNote, StoreError, UnknownNoteError

if TYPE_CHECKING:
    from dashboard.store.engine import Database

R = TypeVar("R", bound="Versioned")

# ensure_ascii=False keeps umlauts readable in the database; allow_nan=False because
# PostgreSQL rejects NaN in JSON, and SQLite should refuse what PostgreSQL refuses.
dumps = functools.partial(json.dumps, ensure_ascii=False, allow_nan=False)


class Base(DeclarativeBase):
    """One metadata for all of the app's tables (tours now; notes and the workshop later).

    A new table is a model in its own module here plus an Alembic revision in migrations/
    that creates it; tests/test_migrations.py checks that models and migrations agree.
    """


class UTCDateTime(TypeDecorator[datetime]):
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


def utcnow() -> datetime:
    return datetime.now(UTC)


def later(previous: datetime) -> datetime:
    """Now, but strictly after `previous` (two writes in one clock tick stay ordered)."""
    return max(utcnow(), previous + timedelta(microseconds=1))


def int_id(value: object, kind: str) -> int:
    """An id from a page (maybe a URL parameter): a positive int, else UnknownNoteError."""
    if isinstance(value, bool):
        raise UnknownNoteError(kind, value)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or not 0 < value < 2**31:
        raise UnknownNoteError(kind, value)
    return value


# --- writing ---------------------------------------------------------------------------------

_SQLITE_WRITERS: dict[str, threading.Lock] = {}
_WRITERS_LOCK = threading.Lock()


@contextlib.contextmanager
def write_session(db: Database) -> Iterator[Session]:
    """A writing session (one short transaction). On SQLite the threads of this process take
    turns through a lock first: SQLite has one writer at a time anyway, and its busy handler
    is not fair, so under many writing threads one of them could wait out the busy timeout
    and fail. Other processes are still kept apart by BEGIN IMMEDIATE and the busy timeout."""
    if not db.is_sqlite:
        with db.session(write=True) as session:
            yield session
        return
    key = db.engine.url.render_as_string(hide_password=True)
    with _WRITERS_LOCK:
        lock = _SQLITE_WRITERS.setdefault(key, threading.Lock())
    with lock, db.session(write=True) as session:
        yield session


# --- versioned rows: one optimistic-locking update and one soft delete for every table -------


class Versioned:
    """A row with `version`, `updated_at` and `deleted_at`; SQLAlchemy's version_id_col makes
    every UPDATE of it conditional on the version it was read at (WHERE version = :old) and
    raises StaleDataError when another writer came first (see `versioned_update`)."""

    version: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}


def check_version(version: object) -> int | None:
    if version is not None and (isinstance(version, bool) or not isinstance(version, int)):
        raise InvalidNote("the version must be a whole number")
    return version


def versioned_update(session: Session, row: R, version: int | None, changes: dict[str, Any],
                     conflict: Callable[[R], Exception]) -> R:
    """Apply `changes` to `row` (read in `session`) as one versioned update.

    `version` is what the caller loaded (None: whatever is there now, as for undo). A stale
    version raises `conflict(current row)` and writes nothing; so does another writer who
    saved between our read and our write (the ORM's WHERE on the version matched no row)."""
    check_version(version)
    if version is not None and row.version != version:
        raise conflict(row)
    try:
        with session.begin_nested():
            for name, value in changes.items():
                setattr(row, name, value)
            row.updated_at = later(row.updated_at)
            session.flush()
    except StaleDataError:
        session.expire(row)
        session.refresh(row)
        raise conflict(row) from None
    return row


def set_deleted(session: Session, row: R, deleted: bool, conflict: Callable[[R], Exception],
                version: int | None = None, **changes: Any) -> R:
    """Soft delete (deleted_at set, the row stays) or restore (deleted_at cleared)."""
    changes["deleted_at"] = utcnow() if deleted else None
    return versioned_update(session, row, version, changes, conflict)
