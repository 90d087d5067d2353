"""Databases for the store tests: SQLite in tmp_path and the CI's PostgreSQL.

The PostgreSQL variants need LERNREISE_TEST_POSTGRES_URL (`.ci/run` starts a server with
`.ci/start-postgres`). Without it they are skipped locally and fail in CI (CI=true), so CI
cannot pass without testing PostgreSQL. Each PostgreSQL test gets a schema of its own, dropped
afterwards, so tests (also on parallel xdist workers) never see each other's rows. A test
that stops its server starts one of its own (tests/test_hostile_store.py `own_postgres`).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url

from dashboard.store import TourStore

POSTGRES_ENV = "LERNREISE_TEST_POSTGRES_URL"


def need_postgres() -> str:
    """The test server's base URL; skip without one (fail in CI)."""
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        message = f"{POSTGRES_ENV} is not set (bash .ci/start-postgres prints one)"
        if os.environ.get("CI") == "true":
            pytest.fail(message + ": CI must test PostgreSQL")
        pytest.skip(message)
    return base


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """The test server's URL with a fresh schema as search_path; the schema is dropped after."""
    base = need_postgres()
    schema = f"test_{secrets.token_hex(6)}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    # A session time zone other than UTC: the store must still hand out UTC datetimes.
    options = f"-csearch_path={schema} -cTimeZone=Europe/Berlin"
    url = make_url(base).update_query_dict({"options": options})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each test twice: on a SQLite file in tmp_path and on a PostgreSQL schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'tours.sqlite3'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def store(db_url: str) -> Iterator[TourStore]:
    tours = TourStore(db_url)
    yield tours
    tours.dispose()
