"""Follow the guide: a guide leads a saved tour stop by stop and the tablets that follow move
with them (tables `lead_sessions` and `lead_followers`, migration 0004; `LeadStore`).

Starting to lead a tour gives a lead id and a lead code. The code is shown to the guide once and
only a salted scrypt hash of it is kept, so the database (or a backup of it) does not hold it;
every move checks the code inside the writing transaction and a wrong code moves nothing
(`WrongLeadCode`). A tour has at most one active lead at a time (starting locks the tour's row);
different tours are led independently. A lead that nobody moved for `STALE_AFTER` ends by
itself at the next start, so a lost code does not block a tour for ever.

Followers write nothing but a heartbeat (a random token per tablet, the lead it follows, when
it was last seen); `follower_count` counts those seen in the last `FOLLOWER_WINDOW`.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, Integer, String, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from dashboard.store.base import Base, UTCDateTime, utcnow
from dashboard.store.engine import Database
from dashboard.store.errors import StoreError, UnknownTourError
from dashboard.store.tours import (
    _TOUR_ID_MAX,
    MAX_STOPS,
    TOUR_ID_ALPHABET,
    TourRow,
    is_valid_tour_id,
)

LEAD_ID_LENGTH = 10
CODE_LENGTH = 6  # 31**6 ≈ 8.9e8 codes, typed on a tablet in a few seconds
TOKEN_MAX = 64
FOLLOWER_WINDOW = timedelta(seconds=15)
STALE_AFTER = timedelta(hours=6)
_LEAD_ID_CHARS = frozenset(TOUR_ID_ALPHABET)
# scrypt as in RFC 7914's interactive setting: about 16 MiB and a few ms per check.
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32, "maxmem": 64 * 1024 * 1024}
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_CODE_SEPARATORS = re.compile(r"[\s\-_.·]")


class LeadError(StoreError):
    """Anything about leading a tour that the store refuses; str() is safe to show."""


class UnknownLead(LeadError):
    """A lead id that the database does not have (or that cannot be one)."""

    def __init__(self, lead_id: object):
        self.lead_id = lead_id
        super().__init__(f"unknown lead {str(lead_id)[:40]!r}")


class WrongLeadCode(LeadError):
    """The lead code does not match: nothing was moved."""

    def __init__(self) -> None:
        super().__init__("wrong lead code: nothing was moved")


class LeadEnded(LeadError):
    """The lead has ended: it can no longer be moved."""

    def __init__(self, lead_id: str):
        self.lead_id = lead_id
        super().__init__(f"the lead {lead_id!r} has ended")


class AlreadyLed(LeadError):
    """The tour is being led already (take over with that lead's code instead)."""

    def __init__(self, tour_id: str, lead_id: str):
        self.tour_id = tour_id
        self.lead_id = lead_id
        super().__init__(f"the tour {tour_id!r} is already being led")


# --- ids, codes and hashes -------------------------------------------------------------------


def _random(length: int) -> str:
    return "".join(secrets.choice(TOUR_ID_ALPHABET) for _ in range(length))


def is_valid_lead_id(value: object) -> bool:
    return (isinstance(value, str) and len(value) == LEAD_ID_LENGTH
            and _LEAD_ID_CHARS.issuperset(value))


def normalize_code(code: object) -> str:
    """The code as typed, without case, spaces or dashes ('ABC-234' is 'abc234')."""
    return _CODE_SEPARATORS.sub("", code).lower() if isinstance(code, str) else ""


def format_code(code: str) -> str:
    """The code as shown to the guide: upper case in two groups ('ABC-234')."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}".upper()


def _hash(code: str, salt: bytes) -> str:
    return hashlib.scrypt(code.encode("utf-8"), salt=salt, **_SCRYPT).hex()


def is_follower_token(value: object) -> bool:
    return isinstance(value, str) and _TOKEN.fullmatch(value) is not None


def new_follower_token() -> str:
    return secrets.token_urlsafe(24)


# --- the tables ------------------------------------------------------------------------------


class LeadRow(Base):
    """A guide leading a tour (migrations/versions/0004_lead_sessions.py made it)."""

    __tablename__ = "lead_sessions"

    id: Mapped[str] = mapped_column(String(LEAD_ID_LENGTH), primary_key=True)
    tour_id: Mapped[str] = mapped_column(
        String(_TOUR_ID_MAX), ForeignKey("tours.id", ondelete="CASCADE"), index=True)
    stop_index: Mapped[int] = mapped_column(Integer)
    code_salt: Mapped[str] = mapped_column(String(32))  # hex of 16 random bytes
    code_hash: Mapped[str] = mapped_column(String(64))  # hex of scrypt's 32 bytes
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class FollowerRow(Base):
    """A tablet following a lead: its heartbeat (0004)."""

    __tablename__ = "lead_followers"

    token: Mapped[str] = mapped_column(String(TOKEN_MAX), primary_key=True)
    lead_id: Mapped[str] = mapped_column(
        String(LEAD_ID_LENGTH), ForeignKey("lead_sessions.id", ondelete="CASCADE"), index=True)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime())


@dataclass(frozen=True)
class Lead:
    """A lead as read from the database (no code, no hash)."""

    id: str
    tour_id: str
    stop: int  # 0-based
    started_at: datetime
    updated_at: datetime
    ended_at: datetime | None

    @property
    def active(self) -> bool:
        return self.ended_at is None

    @classmethod
    def _from_row(cls, row: LeadRow) -> Lead:
        return cls(id=row.id, tour_id=row.tour_id, stop=row.stop_index,
                   started_at=row.started_at, updated_at=row.updated_at, ended_at=row.ended_at)


# --- the store -------------------------------------------------------------------------------


class LeadStore:
    """Leads and their followers on a shared `Database` (or a URL). Thread-safe like
    TourStore: one per process is enough. Every method may raise StoreUnavailable."""

    def __init__(self, database: str | Database):
        self._db = database if isinstance(database, Database) else Database(database)

    @property
    def database(self) -> Database:
        return self._db

    def start(self, tour_id: str, stop: int = 0) -> tuple[Lead, str]:
        """Start leading `tour_id` at `stop`: the lead and its code (shown once; only a hash of
        it is kept). AlreadyLed when someone leads the tour (an old, unmoved lead ends here
        instead), UnknownTourError for a tour that does not exist."""
        if not is_valid_tour_id(tour_id):
            raise UnknownTourError(tour_id)
        stop = _check_stop(stop)
        code = _random(CODE_LENGTH)
        salt = secrets.token_bytes(16)
        digest = _hash(code, salt)  # before the transaction: keep the write lock short
        now = utcnow()
        with self._db.session(write=True) as session:
            # The tour's row locked (PostgreSQL; SQLite's BEGIN IMMEDIATE locks it all): two
            # guides starting at once do not both get a lead.
            tour = session.get(TourRow, tour_id, with_for_update=True)
            if tour is None:
                raise UnknownTourError(tour_id)
            for row in session.scalars(select(LeadRow).where(
                    LeadRow.tour_id == tour_id, LeadRow.ended_at.is_(None))):
                if now - row.updated_at < STALE_AFTER:
                    raise AlreadyLed(tour_id, row.id)
                row.ended_at = now
            row = LeadRow(id=_random(LEAD_ID_LENGTH), tour_id=tour_id, stop_index=stop,
                          code_salt=salt.hex(), code_hash=digest, started_at=now,
                          updated_at=now, ended_at=None)
            session.add(row)
            session.flush()
            return Lead._from_row(row), code

    def _checked_row(self, session: Session, lead_id: str, code: str) -> LeadRow:
        """The lead's row, locked, if the code matches and it is active."""
        if not is_valid_lead_id(lead_id):
            raise UnknownLead(lead_id)
        row = session.get(LeadRow, lead_id, with_for_update=True)
        if row is None:
            raise UnknownLead(lead_id)
        typed = normalize_code(code)
        given = _hash(typed, bytes.fromhex(row.code_salt)) if len(typed) == CODE_LENGTH else ""
        if not hmac.compare_digest(given.encode(), row.code_hash.encode()):
            raise WrongLeadCode()
        if row.ended_at is not None:
            raise LeadEnded(lead_id)
        return row

    def check_code(self, lead_id: str, code: str) -> Lead:
        """The lead if `code` is its code and it is active (WrongLeadCode, LeadEnded,
        UnknownLead otherwise); moves nothing. For taking over on another device."""
        with self._db.session(write=False) as session:
            return Lead._from_row(self._checked_row(session, lead_id, code))

    def goto(self, lead_id: str, code: str, stop: int) -> Lead:
        """Move the group to `stop` (0-based); the code is checked in the same transaction."""
        stop = _check_stop(stop)
        with self._db.session(write=True) as session:
            row = self._checked_row(session, lead_id, code)
            row.stop_index = stop
            row.updated_at = max(utcnow(), row.updated_at + timedelta(microseconds=1))
            return Lead._from_row(row)

    def advance(self, lead_id: str, code: str, delta: int, stop_count: int) -> Lead:
        """Move the group `delta` stops on (negative: back), kept within 0..stop_count-1."""
        if not 1 <= stop_count <= MAX_STOPS:
            raise LeadError(f"a tour has 1 to {MAX_STOPS} stops, not {stop_count!r}")
        with self._db.session(write=True) as session:
            row = self._checked_row(session, lead_id, code)
            row.stop_index = max(0, min(stop_count - 1, row.stop_index + delta))
            row.updated_at = max(utcnow(), row.updated_at + timedelta(microseconds=1))
            return Lead._from_row(row)

    def end(self, lead_id: str, code: str) -> Lead:
        """End the lead: followers stop moving; its followers' heartbeats are removed."""
        with self._db.session(write=True) as session:
            row = self._checked_row(session, lead_id, code)
            row.ended_at = row.updated_at = utcnow()
            session.execute(delete(FollowerRow).where(FollowerRow.lead_id == lead_id))
            return Lead._from_row(row)

    def get(self, lead_id: str) -> Lead | None:
        """The lead with this id (active or ended), or None."""
        if not is_valid_lead_id(lead_id):
            return None
        with self._db.session(write=False) as session:
            row = session.get(LeadRow, lead_id)
            return None if row is None else Lead._from_row(row)

    def active_for_tour(self, tour_id: str) -> Lead | None:
        """The tour's active lead (the newest), or None: what a following tablet polls."""
        if not is_valid_tour_id(tour_id):
            return None
        query = (select(LeadRow).where(LeadRow.tour_id == tour_id, LeadRow.ended_at.is_(None))
                 .order_by(LeadRow.started_at.desc()).limit(1))
        with self._db.session(write=False) as session:
            row = session.scalar(query)
            if row is None or utcnow() - row.updated_at >= STALE_AFTER:
                return None
            return Lead._from_row(row)

    def heartbeat(self, lead_id: str, token: str) -> None:
        """A tablet following `lead_id` is still there (its only write). Unknown or ended
        leads and malformed tokens are ignored: a visitor's page never fails on this."""
        if not (is_valid_lead_id(lead_id) and is_follower_token(token)):
            return
        now = utcnow()
        for _ in range(2):  # a second try when another writer inserted the token meanwhile
            try:
                with self._db.session(write=True) as session:
                    lead = session.get(LeadRow, lead_id)
                    if lead is None or lead.ended_at is not None:
                        return
                    changed = session.execute(
                        update(FollowerRow).where(FollowerRow.token == token)
                        .values(lead_id=lead_id, last_seen=now)).rowcount
                    if not changed:
                        session.add(FollowerRow(token=token, lead_id=lead_id, last_seen=now))
                return
            except IntegrityError:
                continue

    def leave(self, token: str) -> None:
        """A tablet stops following (the visitor switched following off)."""
        if not is_follower_token(token):
            return
        with self._db.session(write=True) as session:
            session.execute(delete(FollowerRow).where(FollowerRow.token == token))

    def follower_count(self, lead_id: str, now: datetime | None = None) -> int:
        """Tablets following `lead_id` seen within FOLLOWER_WINDOW."""
        if not is_valid_lead_id(lead_id):
            return 0
        since = (now or utcnow()) - FOLLOWER_WINDOW
        query = select(func.count()).select_from(FollowerRow).where(
            FollowerRow.lead_id == lead_id, FollowerRow.last_seen >= since)
        with self._db.session(write=False) as session:
            return int(session.scalar(query) or 0)

    def dispose(self) -> None:
        self._db.dispose()


def _check_stop(stop: object) -> int:
    if isinstance(stop, bool) or not isinstance(stop, int) or not 0 <= stop < MAX_STOPS:
        raise LeadError(f"a stop is a number from 0 to {MAX_STOPS - 1}, not {str(stop)[:20]!r}")
    return stop
