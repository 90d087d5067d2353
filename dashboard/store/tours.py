"""Saved tours: the `tours` table, what a saved tour may hold, and `TourStore`.

A saved tour is a title, the exhibition it belongs to and a spec: the planner's request as a
plain dict (`routing.TourRequest.to_dict()`). The store checks the spec on the way in and on the
way out with the same rules (`check_tour_spec`), so the command line and the planner page save
the same things, and a row damaged in the database gives a message instead of a traceback.
Duplicate stops are merged (the first place wins), the one rule for every caller.

The store hands out frozen `SavedTour` copies, never ORM objects, so nothing a page holds is tied
to a database session.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy import JSON, Engine, String, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from dashboard.store.base import Base, UTCDateTime, dumps, utcnow
from dashboard.store.engine import Database
from dashboard.store.errors import (
    CorruptTour,
    InvalidTour,
    StoreError,
    TourTooLarge,
    UnknownTourError,
    WrongExhibition,
)

log = logging.getLogger(__name__)

# Short ids go into URLs (?tour=…) and onto printed QR codes: no 0/O, 1/l/I, no upper case.
TOUR_ID_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
TOUR_ID_LENGTH = 8
_TOUR_ID_CHARS = frozenset(TOUR_ID_ALPHABET)
_TOUR_ID_MIN, _TOUR_ID_MAX = 4, 16
_NEW_ID_ATTEMPTS = 5  # 31**8 ≈ 8.5e11 ids: a second collision in a row means something else

# Limits of a saved tour (TourTooLarge beyond them).
TITLE_MAX = 200
MAX_STOPS = 200
SPEC_MAX_BYTES = 32 * 1024
# What a tour may ask for (InvalidTour outside); the pace range is routing's (MIN_SPEED_KMH).
STOP_ID_MAX = 64
BUDGET_MAX_MINUTES = 24 * 60
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2199, 12, 31)
EXHIBITION_ID_MAX = 64

# No whitespace, control, bidi or zero-width characters in an id.
_ID_PATTERN = r"^[^\s\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]+$"


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


# --- the table -------------------------------------------------------------------------------


class TourRow(Base):
    """A saved tour (migrations/versions/0001_tours.py made it; 0002 added the index)."""

    __tablename__ = "tours"

    id: Mapped[str] = mapped_column(String(_TOUR_ID_MAX), primary_key=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    # Generic JSON (not JSONB on PostgreSQL): keeps the caller's key order as given.
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Which exhibition (data folder) the tour belongs to, e.g. "buga2019-heilbronn".
    data_dir_id: Mapped[str | None] = mapped_column(String(EXHIBITION_ID_MAX), index=True)


@dataclass(frozen=True)
class SavedTour:
    """A tour as read from the database: a plain, checked copy, detached from any session."""

    id: str
    title: str
    spec: dict[str, Any]
    exhibition_id: str | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def _from_row(cls, row: TourRow) -> SavedTour:
        """Check every value of the row; CorruptTour says what is wrong with it."""
        tour_id = row.id
        if not is_valid_tour_id(tour_id):
            raise CorruptTour(str(tour_id)[:40], "its id is not a tour id")
        try:
            _check_text("title", row.title, TITLE_MAX)
            _check_text("exhibition id", row.data_dir_id, EXHIBITION_ID_MAX, optional=True)
            spec = check_tour_spec(row.spec)
            for name in ("created_at", "updated_at"):
                if not isinstance(getattr(row, name), datetime):
                    raise InvalidTour(f"{name} is not a time")
        except InvalidTour as exc:
            raise CorruptTour(tour_id, str(exc)) from None
        return cls(
            id=tour_id,
            title=row.title,
            spec=spec,
            exhibition_id=row.data_dir_id,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )


def check_exhibition(saved: SavedTour, catalog: Any) -> SavedTour:
    """`saved` if it belongs to the catalogue's exhibition (or to none); else WrongExhibition.

    `catalog` is a `dashboard.catalog.Catalog` or an exhibition id. Tours saved before tours
    remembered their exhibition have none and open anywhere; unknown stops are then reported
    by the planner as missing.
    """
    shown = catalog if isinstance(catalog, str) else catalog.exhibition.id
    if saved.exhibition_id is not None and saved.exhibition_id != shown:
        raise WrongExhibition(saved.id, saved.exhibition_id, shown)
    return saved


# --- what a saved tour may hold --------------------------------------------------------------

_PlaceId = Annotated[str, Field(strict=True, min_length=1, max_length=STOP_ID_MAX,
                                pattern=_ID_PATTERN)]


class _TourSpec(BaseModel):
    """The fields of `routing.TourRequest.to_dict()`; all optional (the request's defaults
    apply), other keys are kept as they are (plain JSON, within the size limit)."""

    model_config = ConfigDict(extra="allow")

    stops: list[_PlaceId] = Field(min_length=1)
    start: _PlaceId | None = None
    end: _PlaceId | None = None
    optimize: bool = Field(default=True, strict=True)
    step_free: bool = Field(default=False, strict=True)
    budget_minutes: int | None = Field(default=None, strict=True, ge=1, le=BUDGET_MAX_MINUTES)
    start_time: str = Field(default="10:00", strict=True, pattern=r"^\d\d:\d\d(:\d\d)?$")
    date: str | None = Field(default=None, strict=True, max_length=10)
    speed_kmh: float = Field(default=4.0, strict=True, allow_inf_nan=False)
    rank_by: Literal["priority", "order"] = "priority"
    title: str = Field(default="", strict=True, max_length=TITLE_MAX)
    must_see: list[_PlaceId] = Field(default_factory=list, max_length=MAX_STOPS)

    @field_validator("start_time")
    @classmethod
    def _time(cls, value: str) -> str:
        dt.time.fromisoformat(value)  # ValueError: 25:00
        return value

    @field_validator("speed_kmh")
    @classmethod
    def _speed(cls, value: float) -> float:
        # The one definition of the pace range is routing's; imported when first needed, so
        # that the store alone does not load the geo stack.
        from dashboard.routing import MAX_SPEED_KMH, MIN_SPEED_KMH

        if not MIN_SPEED_KMH <= value <= MAX_SPEED_KMH:
            raise ValueError(f"a walking pace from {MIN_SPEED_KMH:g} to {MAX_SPEED_KMH:g} km/h")
        return value

    @field_validator("date")
    @classmethod
    def _date(cls, value: str | None) -> str | None:
        if value is not None:
            check_date(dt.date.fromisoformat(value))
        return value


def check_date(day: dt.date) -> dt.date:
    """`day` if a tour may be planned on it (ValueError outside EARLIEST_DATE..LATEST_DATE)."""
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValueError(f"the date must lie between {EARLIEST_DATE} and {LATEST_DATE}")
    return day


def unique_stops(stops: Iterable[str]) -> list[str]:
    """The stops with duplicates merged, each at its first place: a tour visits a stop once."""
    return list(dict.fromkeys(stops))


def _plain_json(spec: object) -> str:
    """The spec as JSON text; InvalidTour if it would not come back equal."""
    if not isinstance(spec, dict):
        raise InvalidTour(f"a tour spec must be a dict, not {type(spec).__name__}")
    try:
        text = dumps(spec)
        text.encode("utf-8")  # lone surrogates cannot be stored
    except (TypeError, ValueError) as exc:
        raise InvalidTour(f"the tour spec is not plain JSON: {str(exc)[:200]}") from None
    if json.loads(text) != spec:
        raise InvalidTour("the tour spec would not load back unchanged (tuples or non-str keys?)")
    return text


def _describe(error: ValidationError) -> str:
    """Pydantic's errors in one line: `field: message; ...` with no input values."""
    parts = []
    for item in error.errors(include_url=False, include_input=False)[:5]:
        where = ".".join(str(p) for p in item["loc"]) or "spec"
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "string_pattern_mismatch":  # not the regular expression
            message = (
                "must be HH:MM" if where == "start_time"
                else "must not contain spaces, control or invisible characters"
            )
        parts.append(f"{where}: {message}")
    more = error.error_count() - len(parts)
    return "; ".join(parts) + (f" (and {more} more)" if more > 0 else "")


def check_tour_spec(spec: object) -> dict[str, Any]:
    """The spec with duplicate stops merged, if it is a valid saved tour.

    Raises TourTooLarge over a limit (size, stops, title) and InvalidTour for anything else
    (types, ranges, ids); the message names the field and never repeats a long value.
    """
    size = len(_plain_json(spec).encode("utf-8"))
    assert isinstance(spec, dict)
    if size > SPEC_MAX_BYTES:
        raise TourTooLarge(
            f"the tour is too large to save: {size // 1024} KB, at most {SPEC_MAX_BYTES // 1024} KB"
        )
    title = spec.get("title")
    if isinstance(title, str) and len(title) > TITLE_MAX:
        raise TourTooLarge(f"the title is longer than {TITLE_MAX} characters ({len(title)})")
    stops = spec.get("stops")
    if isinstance(stops, list) and len(unique_stops(map(str, stops))) > MAX_STOPS:
        raise TourTooLarge(f"a tour has at most {MAX_STOPS} stops, this one has {len(stops)}")
    try:
        checked = _TourSpec.model_validate(spec)
    except ValidationError as exc:
        raise InvalidTour(f"not a valid tour: {_describe(exc)}") from None
    merged = unique_stops(checked.stops)
    return spec if merged == spec["stops"] else {**spec, "stops": merged}


def _check_text(name: str, value: object, max_len: int, *, optional: bool = False) -> None:
    """Same limits on every backend (SQLite would store a 300-character title silently)."""
    if value is None and optional:
        return
    if not isinstance(value, str) or not value.strip():
        raise InvalidTour(f"the {name} must be a non-empty text")
    if len(value) > max_len:
        raise TourTooLarge(f"the {name} is longer than {max_len} characters ({len(value)})")
    if "\x00" in value:
        raise InvalidTour(f"the {name} contains a NUL character")


# --- the store -------------------------------------------------------------------------------


class TourStore:
    """Saved tours in the database at `url` (a SQLAlchemy URL, or a shared `Database`).

    One per process is enough: the engine and its pool are thread-safe, so a page may keep it
    in `st.cache_resource`. Making one connects to nothing; the first call brings the schema
    up to date (Alembic `upgrade head`). Every method may raise StoreUnavailable.
    """

    def __init__(self, url: str | Database):
        self._db = url if isinstance(url, Database) else Database(url)

    @property
    def database(self) -> Database:
        return self._db

    @property
    def engine(self) -> Engine:
        return self._db.engine

    @property
    def is_sqlite(self) -> bool:
        return self._db.is_sqlite

    def check(self) -> None:
        """Connect and migrate now; StoreUnavailable if the database cannot be used."""
        self._db.upgrade()

    def save_tour(
        self,
        spec: dict[str, Any],
        title: str,
        exhibition_id: str | None = None,
        tour_id: str | None = None,
    ) -> str:
        """Save a new tour (tour_id None) or replace title, spec and exhibition of one.

        Returns the tour's id. Duplicate stops in the spec are merged. Raises
        UnknownTourError when `tour_id` is not in the database, TourTooLarge over a limit,
        InvalidTour for a title, exhibition id or spec the store refuses, StoreUnavailable
        when the database cannot be used.
        """
        spec = check_tour_spec(spec)
        _check_text("title", title, TITLE_MAX)
        _check_text("exhibition id", exhibition_id, EXHIBITION_ID_MAX, optional=True)
        if tour_id is None:
            return self._insert(spec, title, exhibition_id)
        if not is_valid_tour_id(tour_id):
            raise UnknownTourError(tour_id)
        with self._db.session(write=True) as session:
            row = session.get(TourRow, tour_id)
            if row is None:
                raise UnknownTourError(tour_id)
            row.title = title
            row.spec = spec
            row.data_dir_id = exhibition_id
            # Strictly later even if the clock stepped back: "edited" must sort after "created".
            row.updated_at = max(utcnow(), row.updated_at + timedelta(microseconds=1))
        return tour_id

    def _insert(self, spec: dict[str, Any], title: str, exhibition_id: str | None) -> str:
        """Insert under a fresh id; on the (unlikely) id collision draw another one."""
        for _ in range(_NEW_ID_ATTEMPTS):
            tour_id = new_tour_id()
            now = utcnow()
            row = TourRow(
                id=tour_id,
                title=title,
                spec=spec,
                created_at=now,
                updated_at=now,
                data_dir_id=exhibition_id,
            )
            try:
                with self._db.session(write=True) as session:
                    session.add(row)
            except IntegrityError:
                if not self._exists(tour_id):  # not a collision: another constraint failed
                    raise StoreError("the database refused the tour") from None
                continue
            return tour_id
        raise StoreError(f"no free tour id after {_NEW_ID_ATTEMPTS} attempts")

    def _exists(self, tour_id: str) -> bool:
        with self._db.session(write=False) as session:
            return session.scalar(select(TourRow.id).where(TourRow.id == tour_id)) is not None

    def load_tour(self, tour_id: str) -> SavedTour | None:
        """The tour with this id, or None (also for ids that cannot exist).

        Raises CorruptTour when the row does not hold a valid tour.
        """
        if not is_valid_tour_id(tour_id):
            return None
        with self._db.session(write=False) as session:
            try:
                row = session.get(TourRow, tour_id)
            except (ValueError, TypeError) as exc:  # JSON or a time that cannot be read
                raise CorruptTour(tour_id, f"a value cannot be read ({type(exc).__name__})") \
                    from None
            return None if row is None else SavedTour._from_row(row)

    def list_tours(self, limit: int = 50, exhibition_id: str | None = None) -> list[SavedTour]:
        """The newest `limit` tours by creation time, newest first; only those of
        `exhibition_id` when it is given. Damaged rows are left out (and logged)."""
        if limit < 0:
            raise StoreError(f"limit must be 0 or more, not {limit!r}")
        query = select(TourRow).order_by(TourRow.created_at.desc(), TourRow.id.desc()).limit(limit)
        if exhibition_id is not None:
            query = query.where(TourRow.data_dir_id == exhibition_id)
        try:
            with self._db.session(write=False) as session:
                rows = list(session.scalars(query))
        except (ValueError, TypeError) as exc:
            if isinstance(exc, StoreError):
                raise
            return self._list_one_by_one(query)
        return self._checked(rows)

    def _list_one_by_one(self, query: Any) -> list[SavedTour]:
        """A value in some row cannot even be read: load the rows one at a time."""
        with self._db.session(write=False) as session:
            ids = list(session.scalars(query.with_only_columns(TourRow.id)))
        tours = []
        for tour_id in ids:
            try:
                tour = self.load_tour(tour_id)
            except CorruptTour as exc:
                log.warning("left out of the list: %s", exc)
                continue
            if tour is not None:
                tours.append(tour)
        return tours

    @staticmethod
    def _checked(rows: list[TourRow]) -> list[SavedTour]:
        tours = []
        for row in rows:
            try:
                tours.append(SavedTour._from_row(row))
            except CorruptTour as exc:
                log.warning("left out of the list: %s", exc)
        return tours

    def delete_tour(self, tour_id: str) -> bool:
        """Delete a tour; False when there was none with this id."""
        if not is_valid_tour_id(tour_id):
            return False
        with self._db.session(write=True) as session:
            result = session.execute(delete(TourRow).where(TourRow.id == tour_id))
            return bool(result.rowcount)

    def dispose(self) -> None:
        """Close the pooled connections (tests, shutdown); a later call opens new ones."""
        self._db.dispose()
