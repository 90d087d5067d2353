"""One database for all of the app's tables: the engine, its sessions, faults and migrations.

`Database(url)` connects to nothing when it is made. The first use runs the Alembic migrations
up to the newest (`upgrade head`), serialised between processes: on PostgreSQL by an advisory
lock, on SQLite by the write lock of BEGIN IMMEDIATE, so that several app processes starting
at once on an empty database neither race to create a table nor lose a write. A database made
by the app before it had migrations (the tours table alone) is recognised and stamped as the
first revision, so it keeps its tours.

Every failure of the database (server down, wrong URL, unwritable path, a file that is not a
database) becomes `StoreUnavailable`, whose message names neither the password nor a path.
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

from alembic import command
from alembic.config import Config
from alembic.util.exc import CommandError
from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from dashboard.store.base import dumps
from dashboard.store.errors import StoreError, StoreUnavailable

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# The revision that matches the tours table made by the app before it had migrations.
LEGACY_REVISION = "0001"
LEGACY_TOURS_COLUMNS = frozenset(
    {"id", "title", "spec", "created_at", "updated_at", "data_dir_id"}
)
# Any fixed 64-bit number; the same in every process of the app (pg_advisory_xact_lock).
MIGRATION_LOCK_KEY = 0x4C65726E72656973  # "Lernreis"
SQLITE_BUSY_TIMEOUT_MS = 5000
POSTGRES_CONNECT_TIMEOUT_S = 5

UNAVAILABLE = "the tour database cannot be used right now"


# --- secrets out of messages -----------------------------------------------------------------

_USERINFO_PASSWORD = re.compile(r"(://[^/:@\s]*:)[^@\s/]*@")
_QUERY_PASSWORD = re.compile(r"(password=)[^&\s]*", re.IGNORECASE)


def _secrets_of(url: URL | None) -> list[str]:
    """The password of `url` in each spelling it may take in a message."""
    if url is None:
        return []
    found = [url.password, url.query.get("password")]
    words = [w for value in found for w in ([value] if isinstance(value, str) else value or [])]
    spellings = {s for w in words if w for s in (w, quote(w, safe=""), quote_plus(w))}
    return sorted(spellings, key=len, reverse=True)


def redact(message: str, url: URL | None = None) -> str:
    """`message` without the password of `url` and without any password in a URL."""
    for secret in _secrets_of(url):
        message = message.replace(secret, "***")
    message = _USERINFO_PASSWORD.sub(r"\1***@", message)
    return _QUERY_PASSWORD.sub(r"\1***", message)


def describe(url: URL | None) -> str:
    """The URL for a log line: password hidden."""
    if url is None:
        return "(no valid URL)"
    return redact(url.render_as_string(hide_password=True), url)


# --- faults ----------------------------------------------------------------------------------

# (pattern in the driver's message, reason shown to the user); the first match wins.
_REASONS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), reason)
    for pattern, reason in (
        (r"file is not a database|file is encrypted|malformed", "its file is not a database"),
        (r"readonly database|read-only", "its file is read-only"),
        (r"unable to open database file|no such file|permission denied|not a directory",
         "its file cannot be created or opened (missing or unwritable folder)"),
        (r"disk is full|disk full|no space", "its disk is full"),
        (r"database is locked|busy", "it is busy; try again in a moment"),
        (r"password authentication|authentication failed|no pg_hba", "it refused the login"),
        (r"database .* does not exist", "the database named in its address does not exist"),
        (r"connection refused|could not connect|connection failed|timeout|timed out|"
         r"server closed|terminating connection|could not translate host|name or service",
         "its server cannot be reached (down, or a wrong address)"),
    )
)


def _driver_message(exc: BaseException) -> str:
    inner = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    lines = str(inner).strip().splitlines()
    return f"{type(inner).__name__}: {lines[0] if lines else ''}"


def unavailable(exc: BaseException, url: URL | None) -> StoreUnavailable:
    """`exc` (from SQLAlchemy, the driver, Alembic or the file system) as StoreUnavailable."""
    driver = redact(_driver_message(exc), url)
    if isinstance(exc, CommandError) and "revision" in str(exc).lower():
        reason = "it was set up by a newer version of the app"
    elif isinstance(exc, ImportError | SQLAlchemyError) and not isinstance(exc, DBAPIError) and (
        isinstance(exc, ImportError) or "URL" in str(exc) or "plugin" in str(exc)
    ):
        reason = "its address (LERNREISE_DATABASE_URL) is not valid or its driver is missing"
    else:
        reason = next((r for p, r in _REASONS if p.search(driver)), "")
    message = UNAVAILABLE + (f": {reason}" if reason else "")
    return StoreUnavailable(message, detail=f"{describe(url)}: {driver}")


# --- SQLite ----------------------------------------------------------------------------------

_BEGIN_OPTION = "lernreise_sqlite_begin"
_BEGIN = {"immediate": "BEGIN IMMEDIATE", "deferred": "BEGIN DEFERRED"}


def sqlite_file(url: URL) -> Path | None:
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


# --- the database ----------------------------------------------------------------------------


def alembic_config(connection: Connection) -> Config:
    """Alembic's configuration for our migrations, running on `connection` (no alembic.ini)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


_SQLITE_WRITERS: dict[str, threading.Lock] = {}
_SQLITE_WRITERS_LOCK = threading.Lock()


def _sqlite_writer_turn(url: URL) -> threading.Lock:
    """The lock by which the threads of this process write one SQLite file in turn (the app's
    sessions are threads). SQLite has one writer at a time anyway, and its busy handler is not
    fair: under load one thread could lose every race for the write lock until its busy
    timeout ran out ("database is locked", seen in tests/test_store.py's two writers). Other
    processes are still kept apart by BEGIN IMMEDIATE and the busy timeout."""
    key = url.render_as_string(hide_password=True)
    with _SQLITE_WRITERS_LOCK:
        return _SQLITE_WRITERS.setdefault(key, threading.Lock())


class Database:
    """The engine and sessions for one database URL; stores for each kind of data share it.

    Nothing connects until the first `session()` or `upgrade()`; a failure there raises
    StoreUnavailable, and the next call tries again (a server that comes back is used again).
    """

    def __init__(self, url: str | URL):
        self._url: URL | None = None
        self._engine: Engine | None = None
        self._migrated = False
        self._lock = threading.Lock()
        self._broken: StoreUnavailable | None = None
        self.is_sqlite = self.is_postgres = False
        try:
            self._connect_lazily(url)
        except StoreUnavailable as exc:  # a malformed URL: raised again on every use
            self._broken = exc

    def _connect_lazily(self, url: str | URL) -> None:
        with self.faults():
            self._url = make_url(url)
            self.is_sqlite = self._url.get_backend_name() == "sqlite"
            self.is_postgres = self._url.get_backend_name() == "postgresql"
            connect_args: dict[str, Any] = {}
            if self.is_postgres and "connect_timeout" not in self._url.query:
                connect_args["connect_timeout"] = POSTGRES_CONNECT_TIMEOUT_S
            # pre-ping: a pooled PostgreSQL connection may have died with a server restart.
            self._engine = create_engine(
                self._url,
                json_serializer=dumps,
                pool_pre_ping=not self.is_sqlite,
                connect_args=connect_args,
            )
        if self.is_sqlite:
            _configure_sqlite(self._engine)
        self._write = sessionmaker(self._engine, expire_on_commit=False)
        reader = self._engine.execution_options(**{_BEGIN_OPTION: "deferred"})
        self._read = sessionmaker(reader, expire_on_commit=False)

    @property
    def engine(self) -> Engine:
        if self._broken is not None:
            raise self._broken
        assert self._engine is not None
        return self._engine

    @property
    def safe_url(self) -> str:
        """The URL with its password hidden, for messages and logs."""
        return describe(self._url)

    def __repr__(self) -> str:
        return f"Database({describe(self._url)!r})"

    @contextlib.contextmanager
    def faults(self) -> Iterator[None]:
        """Turn any failure of the database inside the block into StoreUnavailable."""
        try:
            yield
        except (StoreError, IntegrityError):  # IntegrityError: the caller's to judge
            raise
        except (SQLAlchemyError, OSError, ImportError, CommandError) as exc:
            error = unavailable(exc, self._url)
            log.warning("%s (%s)", error, error.detail)
            raise error from None  # the cause may quote the URL with its password

    @contextlib.contextmanager
    def session(self, *, write: bool) -> Iterator[Session]:
        """A session inside one transaction, committed at the end of the block.

        On SQLite a writing transaction begins IMMEDIATE (takes the write lock), a reading one
        DEFERRED; the writing threads of this process take turns first (_sqlite_writer_turn).
        The schema is brought up to date first.
        """
        self.upgrade()
        turn = _sqlite_writer_turn(self.engine.url) if write and self.is_sqlite \
            else contextlib.nullcontext()
        with turn, self.faults():
            factory = self._write if write else self._read
            with factory() as session, session.begin():
                yield session

    def upgrade(self) -> None:
        """Run the migrations up to head, once per process; serialised between processes."""
        if self._migrated:
            return
        if self._broken is not None:
            raise self._broken
        with self._lock, self.faults():
            if self._migrated:
                return
            if self.is_sqlite and (path := sqlite_file(self.engine.url)) is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
            with self.engine.connect() as conn, conn.begin():  # SQLite: BEGIN IMMEDIATE
                if self.is_postgres:
                    # Held until this transaction ends; other processes wait here.
                    conn.execute(
                        text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
                    )
                config = alembic_config(conn)
                self._stamp_legacy(conn, config)
                command.upgrade(config, "head")
            self._migrated = True

    @staticmethod
    def _stamp_legacy(conn: Connection, config: Config) -> None:
        """A database from before migrations: its tours table is revision 0001; say so."""
        inspector = inspect(conn)
        if inspector.has_table("alembic_version") or not inspector.has_table("tours"):
            return
        columns = {c["name"] for c in inspector.get_columns("tours")}
        if columns != LEGACY_TOURS_COLUMNS:
            raise StoreUnavailable(
                UNAVAILABLE + ": it has a table 'tours' that this app did not make",
                detail=f"columns {sorted(columns)}",
            )
        log.info("tours table from before migrations: stamping revision %s", LEGACY_REVISION)
        command.stamp(config, LEGACY_REVISION)

    def new_revision(self, message: str) -> Path:
        """Write a new migration comparing the models with this (upgraded) database: for
        developers adding a table or column (`python -m dashboard db revision -m ...`).
        Read and edit the file it writes before committing it."""
        self.upgrade()
        with self.faults(), self.engine.begin() as conn:
            config = alembic_config(conn)
            numbers = [int(p.name[:4]) for p in (MIGRATIONS_DIR / "versions").glob("[0-9]*.py")]
            script = command.revision(
                config, message=message, autogenerate=True,
                rev_id=f"{max(numbers, default=0) + 1:04d}",
            )
        assert script is not None and not isinstance(script, list)
        return Path(script.path)

    def revision(self) -> str | None:
        """The database's current migration revision (None: not set up yet)."""
        with self.faults(), self.engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()

    def dispose(self) -> None:
        """Close the pooled connections (tests, shutdown); a later call opens new ones."""
        if self._engine is not None:
            self._engine.dispose()
