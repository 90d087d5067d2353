"""Follow the guide: a guide leads a saved tour stop by stop and the tablets that follow move
with them (tables `lead_sessions` and `lead_followers`, migration 0004; `LeadStore`).

Starting to lead a tour gives a lead id, a lead code and a device key. The code is shown to
the guide once and only a salted scrypt hash of it is kept, so the database (or a backup of it)
does not hold it. The device key (256 random bits, only its SHA-256 kept) stays in the leading
device's session: it moves the group and ends the lead (a wrong key moves nothing:
`NotLeading`). The short code serves only to take the lead over on another device
(`take_over`), which gives that device a new key; the old device's key stops working there and
then, so exactly one device leads.

Tries on codes are limited (`lead_code_tries`, migration 0006): per device (client) the first
FREE_TRIES wrong codes are answered at once, each further one only after a wait that doubles
(CLIENT_WAIT, 2×, 4×, …), and after CLIENT_MAX_TRIES wrong codes that device is refused for
REFUSE_FOR; per lead, once LEAD_MAX_TRIES wrong codes from all devices together fell within
REFUSE_FOR, taking the lead over is refused for everyone until REFUSE_FOR after the last one
(`TooManyTries`, which says how long). The guide's own device never types the code again (its
key moves the group), so no number of wrong codes from strangers can take the lead from it.

A tour has at most one active lead at a time (starting locks the tour's row); different tours
are led independently. A lead that nobody moved for `STALE_AFTER` ends by itself at the next
start, so a lost device does not block a tour for ever. A lead knows its number of stops and
refuses a move beyond them.

Followers write nothing but a heartbeat. A tablet joins a lead (`join`: the store makes its
token), then keeps it fresh (`heartbeat`, which knows only tokens that joined that lead);
`follower_count` counts those seen in the last `FOLLOWER_WINDOW`, so invented tokens count
nothing.

When the tour runs late the guide may accept a re-plan (dashboard/live.py): the lead keeps it
(`set_plan`, column `replan`, migration 0008) with the ones before it for `undo_plan`; the
saved tour is not overwritten, and the tablets read the plan in force from the lead.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, delete, func, select, update
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
# Tries on lead codes (see the module docstring).
FREE_TRIES = 3
CLIENT_WAIT = timedelta(seconds=5)
CLIENT_MAX_TRIES = 10
LEAD_MAX_TRIES = 30
REFUSE_FOR = timedelta(minutes=15)
CLIENT_MAX = 64
_LEAD_ID_CHARS = frozenset(TOUR_ID_ALPHABET)
REPLAN_MAX_BYTES = 16_000
REPLAN_DEPTH = 10  # re-plans kept for undo
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


class NotLeading(LeadError):
    """This device's key is not the lead's (another device took the lead over)."""

    def __init__(self, lead_id: str):
        self.lead_id = lead_id
        super().__init__("this device no longer leads the tour: nothing was moved")


class TooManyTries(LeadError):
    """Too many wrong codes: no code is checked now; `retry_after` seconds; `scope` says
    whose tries ("device": this device's, "lead": everybody's on this lead)."""

    def __init__(self, retry_after: float, scope: str):
        self.retry_after = max(1, math.ceil(retry_after))
        self.scope = scope
        super().__init__(f"too many wrong lead codes ({scope}): try again in "
                         f"{self.retry_after} s")


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


def _key_hash(key: object) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest() if isinstance(key, str) else ""


def _client_hash(client: object) -> str:
    """Whom tries are counted for (the page gives its client's address or session); kept only
    as a hash."""
    text = client if isinstance(client, str) else ""
    return hashlib.sha256(text[:1000].encode("utf-8", "replace")).hexdigest()


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
    # 0006: SHA-256 of the leading device's key; the number of stops (None: from before 0006).
    key_hash: Mapped[str | None] = mapped_column(String(64))
    stop_count: Mapped[int | None] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # 0008: this lead's own re-plans, {"revision": n, "base_count": k, "stack": [plan, ...]}
    # (the last is in force; undo drops it); None: the saved tour as it is.
    replan: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class FollowerRow(Base):
    """A tablet following a lead: its heartbeat (0004)."""

    __tablename__ = "lead_followers"

    token: Mapped[str] = mapped_column(String(TOKEN_MAX), primary_key=True)
    lead_id: Mapped[str] = mapped_column(
        String(LEAD_ID_LENGTH), ForeignKey("lead_sessions.id", ondelete="CASCADE"), index=True)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime())


class CodeTryRow(Base):
    """Wrong lead codes of one client on one lead (0006): how many, the last when."""

    __tablename__ = "lead_code_tries"

    lead_id: Mapped[str] = mapped_column(
        String(LEAD_ID_LENGTH), ForeignKey("lead_sessions.id", ondelete="CASCADE"),
        primary_key=True)
    client: Mapped[str] = mapped_column(String(CLIENT_MAX), primary_key=True)
    failed: Mapped[int] = mapped_column(Integer)
    last_failed_at: Mapped[datetime] = mapped_column(UTCDateTime())


@dataclass(frozen=True)
class Lead:
    """A lead as read from the database (no code, no hash)."""

    id: str
    tour_id: str
    stop: int  # 0-based
    stop_count: int | None
    started_at: datetime
    updated_at: datetime
    ended_at: datetime | None
    plan: dict[str, Any] | None = None  # the re-plan in force (dashboard/live.py), or None
    plan_revision: int = 0  # changes with every re-plan and undo: tablets redraw on it
    can_undo: bool = False

    @property
    def active(self) -> bool:
        return self.ended_at is None

    @classmethod
    def _from_row(cls, row: LeadRow) -> Lead:
        replan = row.replan if isinstance(row.replan, dict) else {}
        stack = replan.get("stack") if isinstance(replan.get("stack"), list) else []
        revision = replan.get("revision")
        return cls(id=row.id, tour_id=row.tour_id, stop=row.stop_index,
                   stop_count=row.stop_count, started_at=row.started_at,
                   updated_at=row.updated_at, ended_at=row.ended_at,
                   plan=stack[-1] if stack and isinstance(stack[-1], dict) else None,
                   plan_revision=revision if isinstance(revision, int) else 0,
                   can_undo=bool(stack))


# --- the store -------------------------------------------------------------------------------


class LeadStore:
    """Leads and their followers on a shared `Database` (or a URL). Thread-safe like
    TourStore: one per process is enough. Every method may raise StoreUnavailable."""

    def __init__(self, database: str | Database):
        self._db = database if isinstance(database, Database) else Database(database)

    @property
    def database(self) -> Database:
        return self._db

    def start(self, tour_id: str, stop: int = 0, *, stop_count: int | None = None
              ) -> tuple[Lead, str, str]:
        """Start leading `tour_id` of `stop_count` stops at `stop`: the lead, its code (shown
        once; only a hash of it is kept) and this device's key (kept in the device's session).
        Without `stop_count`, the tour's saved stops and its two ends bound the moves.
        AlreadyLed when someone leads the tour (an old, unmoved lead ends here instead),
        UnknownTourError for a tour that does not exist."""
        if not is_valid_tour_id(tour_id):
            raise UnknownTourError(tour_id)
        stop = _check_stop(stop)
        if stop_count is not None:
            _check_count(stop_count)
            if stop >= stop_count:
                raise LeadError(f"stop {stop} is not one of the tour's {stop_count} stops")
        code = _random(CODE_LENGTH)
        key = secrets.token_urlsafe(32)
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
            if stop_count is None:
                saved = tour.spec.get("stops") if isinstance(tour.spec, dict) else None
                stop_count = min(MAX_STOPS, (len(saved) if isinstance(saved, list) else 0) + 2)
            row = LeadRow(id=_random(LEAD_ID_LENGTH), tour_id=tour_id, stop_index=stop,
                          code_salt=salt.hex(), code_hash=digest, key_hash=_key_hash(key),
                          stop_count=stop_count, started_at=now, updated_at=now, ended_at=None)
            session.add(row)
            session.flush()
            return Lead._from_row(row), code, key

    def _held_row(self, session: Session, lead_id: str, key: str) -> LeadRow:
        """The lead's row, locked, if `key` is the leading device's and it is active."""
        if not is_valid_lead_id(lead_id):
            raise UnknownLead(lead_id)
        row = session.get(LeadRow, lead_id, with_for_update=True)
        if row is None:
            raise UnknownLead(lead_id)
        if not row.key_hash or not hmac.compare_digest(_key_hash(key).encode(),
                                                       row.key_hash.encode()):
            raise NotLeading(lead_id)
        if row.ended_at is not None:
            raise LeadEnded(lead_id)
        return row

    def take_over(self, lead_id: str, code: str, client: str = "") -> tuple[Lead, str]:
        """Lead `lead_id` from this device with its code: the lead and this device's new key
        (the device that led until now can no longer move the group). Tries are counted for
        `client` (the page's client address or session) and for the lead: TooManyTries
        before any code is checked when there were too many wrong ones; WrongLeadCode,
        LeadEnded, UnknownLead otherwise."""
        if not is_valid_lead_id(lead_id):
            raise UnknownLead(lead_id)
        lead = self.get(lead_id)
        if lead is None:
            raise UnknownLead(lead_id)
        who = _client_hash(client)
        with self._db.session(write=False) as session:
            salt = session.scalar(select(LeadRow.code_salt).where(LeadRow.id == lead_id))
            if salt is None:
                raise UnknownLead(lead_id)
            # Refused before the (deliberately slow) hash: a guesser costs the server little.
            _refuse_when_limited(session, lead_id, session.get(CodeTryRow, (lead_id, who)),
                                 utcnow())
        typed = normalize_code(code)
        given = _hash(typed, bytes.fromhex(salt)) if len(typed) == CODE_LENGTH else ""
        key = secrets.token_urlsafe(32)
        with self._db.session(write=True) as session:
            row = session.get(LeadRow, lead_id, with_for_update=True)
            if row is None:
                raise UnknownLead(lead_id)
            now = utcnow()
            tries = session.get(CodeTryRow, (lead_id, who))
            _refuse_when_limited(session, lead_id, tries, now)
            right = hmac.compare_digest(given.encode(), row.code_hash.encode())
            if not right:
                if tries is None:
                    session.add(CodeTryRow(lead_id=lead_id, client=who, failed=1,
                                           last_failed_at=now))
                else:
                    tries.failed += 1
                    tries.last_failed_at = now
            elif row.ended_at is not None:
                raise LeadEnded(lead_id)
            else:
                if tries is not None:
                    session.delete(tries)
                row.key_hash = _key_hash(key)
                taken = Lead._from_row(row)
        if not right:  # after the block: the counted try is committed
            raise WrongLeadCode()
        return taken, key

    def goto(self, lead_id: str, key: str, stop: int) -> Lead:
        """Move the group to `stop` (0-based, one of the lead's stops); the device key is
        checked in the same transaction."""
        stop = _check_stop(stop)
        with self._db.session(write=True) as session:
            row = self._held_row(session, lead_id, key)
            if row.stop_count is not None and stop >= row.stop_count:
                raise LeadError(f"stop {stop} is not one of the tour's {row.stop_count} stops")
            row.stop_index = stop
            row.updated_at = max(utcnow(), row.updated_at + timedelta(microseconds=1))
            return Lead._from_row(row)

    def advance(self, lead_id: str, key: str, delta: int, stop_count: int) -> Lead:
        """Move the group `delta` stops on (negative: back), kept within 0..stop_count-1 (and
        within the lead's own stops)."""
        _check_count(stop_count)
        with self._db.session(write=True) as session:
            row = self._held_row(session, lead_id, key)
            last = min(stop_count, row.stop_count or stop_count) - 1
            row.stop_index = max(0, min(last, row.stop_index + delta))
            row.updated_at = max(utcnow(), row.updated_at + timedelta(microseconds=1))
            return Lead._from_row(row)

    def set_plan(self, lead_id: str, key: str, plan: dict[str, Any], stop_count: int) -> Lead:
        """This lead follows `plan` (a re-plan of dashboard/live.py, plain JSON) of
        `stop_count` stops from now on; the saved tour is not touched. Undo with undo_plan."""
        _check_count(stop_count)
        if not isinstance(plan, dict) or len(json.dumps(plan)) > REPLAN_MAX_BYTES:
            raise LeadError("a re-plan is a small JSON object")
        with self._db.session(write=True) as session:
            row = self._held_row(session, lead_id, key)
            replan = dict(row.replan) if isinstance(row.replan, dict) else {}
            stack = list(replan.get("stack") or [])
            if not stack:
                replan["base_count"] = row.stop_count
            stack = [*stack[-(REPLAN_DEPTH - 1):], {**plan, "count": stop_count}]
            replan["stack"] = stack
            replan["revision"] = int(replan.get("revision") or 0) + 1
            row.replan = replan
            row.stop_count = stop_count
            row.stop_index = min(row.stop_index, stop_count - 1)
            # updated_at stays: it is when the group reached its stop (live.delay)
            return Lead._from_row(row)

    def undo_plan(self, lead_id: str, key: str) -> Lead:
        """Back to the plan before the last re-plan (in the end the saved tour's)."""
        with self._db.session(write=True) as session:
            row = self._held_row(session, lead_id, key)
            replan = dict(row.replan) if isinstance(row.replan, dict) else {}
            stack = list(replan.get("stack") or [])
            if not stack:
                return Lead._from_row(row)
            stack.pop()
            count = stack[-1].get("count") if stack else replan.get("base_count")
            replan["stack"] = stack
            replan["revision"] = int(replan.get("revision") or 0) + 1
            row.replan = replan
            if isinstance(count, int) and count >= 1:
                row.stop_count = count
                row.stop_index = min(row.stop_index, count - 1)
            return Lead._from_row(row)

    def end(self, lead_id: str, key: str) -> Lead:
        """End the lead: followers stop moving; its followers' heartbeats are removed."""
        with self._db.session(write=True) as session:
            row = self._held_row(session, lead_id, key)
            row.ended_at = row.updated_at = utcnow()
            session.execute(delete(FollowerRow).where(FollowerRow.lead_id == lead_id))
            return Lead._from_row(row)

    def leads_here(self, lead_id: str, key: str) -> bool:
        """Whether `key` is the key of the device leading `lead_id` (active or not)."""
        if not is_valid_lead_id(lead_id):
            return False
        with self._db.session(write=False) as session:
            stored = session.scalar(select(LeadRow.key_hash).where(LeadRow.id == lead_id))
        return bool(stored) and hmac.compare_digest(_key_hash(key).encode(), stored.encode())

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

    def join(self, lead_id: str) -> str | None:
        """A tablet starts following `lead_id`: its new token (made here, so that only tokens
        the store gave out are counted), or None for an unknown or ended lead."""
        if not is_valid_lead_id(lead_id):
            return None
        lead = self.get(lead_id)
        if lead is None or not lead.active:
            return None
        token = new_follower_token()
        try:
            with self._db.session(write=True) as session:
                session.add(FollowerRow(token=token, lead_id=lead_id, last_seen=utcnow()))
        except IntegrityError:  # the lead was deleted meanwhile (its tour was deleted)
            return None
        return token

    def heartbeat(self, lead_id: str, token: str) -> bool:
        """A tablet following `lead_id` is still there (its only write): True if the token
        joined that lead, False otherwise (then `join` again). Unknown or ended leads and
        malformed or made-up tokens change nothing: a visitor's page never fails on this."""
        if not (is_valid_lead_id(lead_id) and is_follower_token(token)):
            return False
        with self._db.session(write=True) as session:
            changed = session.execute(
                update(FollowerRow).where(FollowerRow.token == token,
                                          FollowerRow.lead_id == lead_id)
                .values(last_seen=utcnow())).rowcount
        return bool(changed)

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


def _check_count(stop_count: object) -> int:
    if isinstance(stop_count, bool) or not isinstance(stop_count, int) \
            or not 1 <= stop_count <= MAX_STOPS:
        raise LeadError(f"a tour has 1 to {MAX_STOPS} stops, not {str(stop_count)[:20]!r}")
    return stop_count


def _refuse_when_limited(session: Session, lead_id: str, tries: CodeTryRow | None,
                         now: datetime) -> None:
    """TooManyTries when this client or this lead has had too many wrong codes of late."""
    if tries is not None and tries.failed >= FREE_TRIES:
        if tries.failed >= CLIENT_MAX_TRIES:
            wait = REFUSE_FOR
        else:
            wait = min(REFUSE_FOR, CLIENT_WAIT * 2 ** (tries.failed - FREE_TRIES))
        left = (tries.last_failed_at + wait - now).total_seconds()
        if left > 0:
            raise TooManyTries(left, "device")
    # Each row is one client's wrong codes on this lead; a lock keeps them few (at most about
    # LEAD_MAX_TRIES rows fall within REFUSE_FOR before it closes).
    recent = session.execute(select(CodeTryRow.failed, CodeTryRow.last_failed_at).where(
        CodeTryRow.lead_id == lead_id, CodeTryRow.last_failed_at >= now - REFUSE_FOR)).all()
    if sum(failed for failed, _ in recent) >= LEAD_MAX_TRIES:
        left = (max(last for _, last in recent) + REFUSE_FOR - now).total_seconds()
        if left > 0:
            raise TooManyTries(left, "lead")


def _check_stop(stop: object) -> int:
    if isinstance(stop, bool) or not isinstance(stop, int) or not 0 <= stop < MAX_STOPS:
        raise LeadError(f"a stop is a number from 0 to {MAX_STOPS - 1}, not {str(stop)[:20]!r}")
    return stop
