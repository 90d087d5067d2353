"""Questions from the group: a visitor taps "Question for the guide" at a stop, optionally with a
line of text; the guide's lead view shows them per stop and marks them answered; after the
tour the review shows "questions asked here" per exhibit (table `lead_questions`, migration
0008; `QuestionStore`).

A question is anonymous: it keeps the stop, the time and the text, and of the asking tablet
only a SHA-256 of its session's random id, for the rate limit (one question per tablet every
ASK_GAP, at most ASKER_MAX per tablet and LEAD_MAX per lead). The text is plain text: control
characters are removed, whitespace folded into one line, at most QUESTION_MAX characters; it is
escaped wherever it is shown. Only the device that leads (its key, as for moving the group)
marks a question answered; a second tap on "Answered" changes nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, Index, Integer, String, Text, func, select
from sqlalchemy.orm import Mapped, mapped_column

from dashboard.store.base import Base, UTCDateTime, utcnow, write_session
from dashboard.store.engine import Database
from dashboard.store.lead import (
    LEAD_ID_LENGTH,
    LeadEnded,
    LeadError,
    LeadRow,
    NotLeading,
    UnknownLead,
    _key_hash,
    is_valid_lead_id,
)
from dashboard.store.tours import _TOUR_ID_MAX, EXHIBITION_ID_MAX, MAX_STOPS, TourRow

QUESTION_MAX = 280  # one line on a tablet's keyboard; a longer one is cut, not refused
ASK_GAP = timedelta(seconds=20)
ASKER_MAX = 10
LEAD_MAX = 300
_EXHIBIT_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class QuestionError(LeadError):
    """A question the store refuses; str() is safe to show."""


class TooManyQuestions(QuestionError):
    """The rate limit: `retry_after` seconds (None: no more questions from here on this lead)."""

    def __init__(self, retry_after: float | None):
        self.retry_after = None if retry_after is None else max(1, math.ceil(retry_after))
        super().__init__("too many questions from this tablet" + (
            "" if self.retry_after is None else f": try again in {self.retry_after} s"))


class QuestionRow(Base):
    """A question from the group (migrations/versions/0008_lead_questions_replans.py)."""

    __tablename__ = "lead_questions"
    __table_args__ = (Index("ix_lead_questions_exhibit", "exhibition_id", "exhibit_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    lead_id: Mapped[str | None] = mapped_column(
        String(LEAD_ID_LENGTH), ForeignKey("lead_sessions.id", ondelete="SET NULL"), index=True)
    tour_id: Mapped[str] = mapped_column(String(_TOUR_ID_MAX))
    exhibition_id: Mapped[str] = mapped_column(String(EXHIBITION_ID_MAX))
    exhibit_id: Mapped[str] = mapped_column(String(64))
    stop_index: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    asker: Mapped[str] = mapped_column(String(64))
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


@dataclass(frozen=True)
class Question:
    """A question as read from the database (plain text, unescaped; nobody's name)."""

    id: int
    lead_id: str | None
    exhibit_id: str
    stop: int  # 0-based, in the lead's plan when it was asked
    text: str  # may be empty: "a question here" without words
    asked_at: datetime
    answered_at: datetime | None

    @property
    def answered(self) -> bool:
        return self.answered_at is not None

    @classmethod
    def _from_row(cls, row: QuestionRow) -> Question:
        return cls(id=row.id, lead_id=row.lead_id, exhibit_id=row.exhibit_id,
                   stop=row.stop_index, text=row.text, asked_at=row.asked_at,
                   answered_at=row.answered_at)


def clean_text(text: object) -> str:
    """One line of plain text: no control or format characters, whitespace folded, cut to
    QUESTION_MAX characters."""
    if not isinstance(text, str):
        return ""
    kept = "".join(" " if ch.isspace() else ch for ch in text[:4 * QUESTION_MAX]
                   if ch.isspace() or unicodedata.category(ch)[0] != "C")
    return " ".join(kept.split())[:QUESTION_MAX]


def asker_hash(asker: object) -> str:
    text = asker if isinstance(asker, str) else ""
    return hashlib.sha256(text[:200].encode("utf-8", "replace")).hexdigest()


class QuestionStore:
    """The group's questions on a shared `Database` (or a URL); thread-safe, one per process
    is enough. Every method may raise StoreUnavailable."""

    def __init__(self, database: str | Database):
        self._db = database if isinstance(database, Database) else Database(database)

    def ask(self, lead_id: str, asker: str, exhibit_id: str, stop: int, text: str = "",
            now: datetime | None = None) -> Question:
        """A question from the tablet `asker` (its session's random id) at `stop` (0-based)
        showing `exhibit_id`. UnknownLead / LeadEnded when nobody leads; TooManyQuestions
        when this tablet asked a moment ago or too often, or the lead has too many."""
        if not is_valid_lead_id(lead_id):
            raise UnknownLead(lead_id)
        if not isinstance(exhibit_id, str) or len(exhibit_id) > 64 \
                or not _EXHIBIT_ID.fullmatch(exhibit_id):
            raise QuestionError(f"not an exhibit id: {str(exhibit_id)[:40]!r}")
        if isinstance(stop, bool) or not isinstance(stop, int) or not 0 <= stop < MAX_STOPS:
            raise QuestionError(f"not a stop: {str(stop)[:20]!r}")
        who = asker_hash(asker)
        line = clean_text(text)
        now = now or utcnow()
        with write_session(self._db) as session:
            lead = session.get(LeadRow, lead_id)
            if lead is None:
                raise UnknownLead(lead_id)
            if lead.ended_at is not None:
                raise LeadEnded(lead_id)
            if lead.stop_count is not None and stop >= lead.stop_count:
                raise QuestionError(f"stop {stop} is not one of the tour's stops")
            mine = session.execute(
                select(func.count(), func.max(QuestionRow.asked_at)).where(
                    QuestionRow.lead_id == lead_id, QuestionRow.asker == who)).one()
            if mine[0] >= ASKER_MAX:
                raise TooManyQuestions(None)
            if mine[1] is not None:
                last = mine[1] if mine[1].tzinfo else mine[1].replace(tzinfo=now.tzinfo)
                left = (last + ASK_GAP - now).total_seconds()
                if left > 0:
                    raise TooManyQuestions(left)
            total = session.scalar(select(func.count()).select_from(QuestionRow).where(
                QuestionRow.lead_id == lead_id)) or 0
            if total >= LEAD_MAX:
                raise TooManyQuestions(None)
            tour = session.get(TourRow, lead.tour_id)
            row = QuestionRow(lead_id=lead_id, tour_id=lead.tour_id,
                              exhibition_id=(tour.data_dir_id if tour is not None else None)
                              or "", exhibit_id=exhibit_id, stop_index=stop, text=line,
                              asker=who, asked_at=now, answered_at=None)
            session.add(row)
            session.flush()
            return Question._from_row(row)

    def for_lead(self, lead_id: str) -> list[Question]:
        """The lead's questions, oldest first (the queue: newest last)."""
        if not is_valid_lead_id(lead_id):
            return []
        query = select(QuestionRow).where(QuestionRow.lead_id == lead_id).order_by(
            QuestionRow.asked_at, QuestionRow.id)
        with self._db.session(write=False) as session:
            return [Question._from_row(row) for row in session.scalars(query)]

    def answer(self, lead_id: str, key: str, question_id: int) -> Question:
        """Mark a question answered (the leading device's key): a second mark keeps the first
        time. NotLeading for another device's key, QuestionError for a question of another
        lead."""
        if not is_valid_lead_id(lead_id):
            raise UnknownLead(lead_id)
        if isinstance(question_id, bool) or not isinstance(question_id, int):
            raise QuestionError("not a question")
        with write_session(self._db) as session:
            lead = session.get(LeadRow, lead_id)
            if lead is None:
                raise UnknownLead(lead_id)
            if not lead.key_hash or not hmac.compare_digest(_key_hash(key).encode(),
                                                            lead.key_hash.encode()):
                raise NotLeading(lead_id)
            row = session.get(QuestionRow, question_id)
            if row is None or row.lead_id != lead_id:
                raise QuestionError("not a question of this lead")
            if row.answered_at is None:
                row.answered_at = utcnow()
            return Question._from_row(row)

    def asked_at(self, exhibition_id: str, exhibit_id: str, limit: int = 100) -> list[Question]:
        """The questions asked at an exhibit on every tour of the exhibition, newest first
        (for the review's "questions asked here")."""
        query = (select(QuestionRow).where(QuestionRow.exhibition_id == exhibition_id,
                                           QuestionRow.exhibit_id == exhibit_id)
                 .order_by(QuestionRow.asked_at.desc(), QuestionRow.id.desc()).limit(limit))
        with self._db.session(write=False) as session:
            return [Question._from_row(row) for row in session.scalars(query)]

    def dispose(self) -> None:
        self._db.dispose()
