"""What every table of the app shares: one metadata, UTC datetimes, JSON as plain text."""

from __future__ import annotations

import functools
import json
from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

from dashboard.store.errors import StoreError

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
