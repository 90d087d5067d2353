"""The transfer scorecard of an exhibit for a city, and the city's reflection date
(`ScorecardStore`).

A scorecard says how far a solution is from regular operation in the visiting city, in the
terms municipal peer learning uses for moving a pilot on: the stage (idea, proof of concept,
proof of value, in regular operation elsewhere) and five factors (communication, evidence of
impact, technical fit, clear responsibility, funding), each rated 1–5 with a line of why; an
owner department of the city, a contact at the exhibiting organisation, and a link to where
the solution can be reused. One scorecard per exhibit and city; an edit names the version it
started from (VersionConflict otherwise). Shown to the other cities when shared (the default),
like a note.

The reflection date is the city's meeting months after the trip (the peer-learning format
ends with one): the review and the report show what is due by then.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import JSON, Boolean, Date, Integer, String, UniqueConstraint, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from dashboard import roles
from dashboard.store.base import (
    Base,
    UTCDateTime,
    Versioned,
    check_version,
    utcnow,
    versioned_update,
    write_session,
)
from dashboard.store.engine import Database
from dashboard.store.errors import InvalidNote, VersionConflict
from dashboard.store.notes import (
    AUTHOR_MAX,
    ID_MAX,
    CatalogCheck,
    author_name,
    check_choice,
    check_due,
    check_text,
)

WHY_MAX = 300
CONTACT_MAX = 200
URL_MAX = 500
RATING_MIN, RATING_MAX = 1, 5


class Stage(enum.StrEnum):
    IDEA = "idea"
    PROOF_OF_CONCEPT = "proof_of_concept"
    PROOF_OF_VALUE = "proof_of_value"
    REGULAR_OPERATION = "regular_operation"  # in regular operation elsewhere


class Factor(enum.StrEnum):
    COMMUNICATION = "communication"
    EVIDENCE = "evidence"  # evidence of impact
    TECHNICAL_FIT = "technical_fit"
    RESPONSIBILITY = "responsibility"  # clear responsibility
    FUNDING = "funding"


class ScorecardRow(Versioned, Base):
    __tablename__ = "transfer_scorecards"
    __table_args__ = (UniqueConstraint("exhibition_id", "exhibit_id", "city_id",
                                       name="uq_transfer_scorecards_exhibit_city"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    exhibition_id: Mapped[str] = mapped_column(String(ID_MAX))
    exhibit_id: Mapped[str] = mapped_column(String(ID_MAX))
    city_id: Mapped[str] = mapped_column(String(ID_MAX))
    stage: Mapped[str] = mapped_column(String(24))
    factors: Mapped[dict[str, Any]] = mapped_column(JSON)
    owner_department: Mapped[str | None] = mapped_column(String(ID_MAX), nullable=True)
    contact: Mapped[str] = mapped_column(String(CONTACT_MAX))
    reuse_url: Mapped[str] = mapped_column(String(URL_MAX))
    shared: Mapped[bool] = mapped_column(Boolean)
    author: Mapped[str] = mapped_column(String(AUTHOR_MAX))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ReflectionRow(Versioned, Base):
    __tablename__ = "city_reflections"
    __table_args__ = (UniqueConstraint("exhibition_id", "city_id",
                                       name="uq_city_reflections_city"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    exhibition_id: Mapped[str] = mapped_column(String(ID_MAX))
    city_id: Mapped[str] = mapped_column(String(ID_MAX))
    day: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    author: Mapped[str] = mapped_column(String(AUTHOR_MAX))


@dataclass(frozen=True)
class Rating:
    score: int | None  # 1–5, None: not rated
    why: str = ""


@dataclass(frozen=True)
class Scorecard:
    id: int
    exhibit_id: str
    city_id: str
    stage: Stage
    factors: Mapping[Factor, Rating]
    owner_department: str | None
    contact: str
    reuse_url: str
    shared: bool
    author: str
    version: int
    updated_at: datetime

    @classmethod
    def _from_row(cls, row: ScorecardRow) -> Scorecard:
        factors = {}
        for factor in Factor:
            raw = (row.factors or {}).get(factor.value) or {}
            factors[factor] = Rating(raw.get("score"), raw.get("why", ""))
        return cls(id=row.id, exhibit_id=row.exhibit_id, city_id=row.city_id,
                   stage=Stage(row.stage), factors=factors,
                   owner_department=row.owner_department, contact=row.contact,
                   reuse_url=row.reuse_url, shared=bool(row.shared), author=row.author,
                   version=row.version, updated_at=row.updated_at)

    @property
    def text(self) -> str:  # what a VersionConflict shows as "theirs"
        return "; ".join(f"{f.value}: {r.score or '–'} {r.why}".strip()
                         for f, r in self.factors.items())


@dataclass(frozen=True)
class Reflection:
    city_id: str
    day: dt.date | None
    version: int


def check_factors(values: Mapping[Any, Any] | None) -> dict[str, dict[str, Any]]:
    """{factor: {"score": 1–5 or None, "why": text}} for the five factors (others refused)."""
    found: dict[str, dict[str, Any]] = {}
    for key, value in (values or {}).items():
        factor = check_choice(Factor, "factor", key)
        score, why = (value.score, value.why) if isinstance(value, Rating) else \
            (value.get("score"), value.get("why", "")) if isinstance(value, Mapping) \
            else (value, "")
        if score is not None and (isinstance(score, bool) or not isinstance(score, int)
                                  or not RATING_MIN <= score <= RATING_MAX):
            raise InvalidNote(f"a rating is a whole number from {RATING_MIN} to {RATING_MAX}",
                              "relevance", min=RATING_MIN, max=RATING_MAX)
        found[factor.value] = {"score": score,
                               "why": check_text("reason", why or "", WHY_MAX, empty=True)}
    return found


def check_url(value: object) -> str:
    """An http(s) address or nothing."""
    url = check_text("link", value if value is not None else "", URL_MAX, empty=True)
    if url and (urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc
                or any(c.isspace() for c in url)):
        raise InvalidNote("the link must be an http(s) address", "url")
    return url


class ScorecardStore:
    """Scorecards and reflection dates in the database at `url` (or a shared `Database`)."""

    def __init__(self, url: str | Database, catalog: Any | None = None):
        self._db = url if isinstance(url, Database) else Database(url)
        self._check = CatalogCheck(catalog)

    def save_scorecard(
        self,
        actor: roles.Actor,
        *,
        exhibit_id: str,
        city_id: str,
        version: int | None,
        stage: Stage | str,
        factors: Mapping[Any, Any] | None = None,
        owner_department: str | None = None,
        contact: str = "",
        reuse_url: str = "",
        shared: bool = True,
        author: str | None = None,
        exhibition_id: str | None = None,
    ) -> Scorecard:
        """Create (version None) or change (the version it was loaded at) the scorecard of
        an exhibit for a city; VersionConflict when someone saved it meanwhile."""
        city = self._check.city(city_id)
        roles.require_city_writer(actor, city, "scorecards")
        check_version(version)
        values = {
            "stage": check_choice(Stage, "stage", stage).value,
            "factors": check_factors(factors),
            "owner_department": None if not owner_department
            else self._check.department(city, owner_department),
            "contact": check_text("contact", contact or "", CONTACT_MAX, empty=True),
            "reuse_url": check_url(reuse_url),
            "shared": bool(shared),
            "author": author_name(actor, author) if (author or actor.name)
            else actor.describe(),
        }
        key = (self._check.exhibition(exhibition_id), self._check.exhibit(exhibit_id), city)

        def conflict(row: ScorecardRow) -> VersionConflict:
            return VersionConflict("scorecard", Scorecard._from_row(row), "")

        try:
            with write_session(self._db) as session:
                row = session.scalar(self._query(*key))
                if row is None:
                    now = utcnow()
                    row = ScorecardRow(exhibition_id=key[0], exhibit_id=key[1], city_id=city,
                                       version=1, created_at=now, updated_at=now, **values)
                    session.add(row)
                    session.flush()
                elif version is None:
                    raise conflict(row)  # made by someone else since this form was opened
                else:
                    versioned_update(session, row, version, values, conflict)
                return Scorecard._from_row(row)
        except IntegrityError:  # two first saves at once: the other one won
            with self._db.session(write=False) as session:
                row = session.scalar(self._query(*key))
                if row is None:
                    raise
                raise conflict(row) from None

    @staticmethod
    def _query(exhibition: str, exhibit: str, city: str):
        return select(ScorecardRow).where(ScorecardRow.exhibition_id == exhibition,
                                          ScorecardRow.exhibit_id == exhibit,
                                          ScorecardRow.city_id == city)

    def scorecards(self, actor: roles.Actor, *, exhibit_id: str | None = None,
                   city_id: str | None = None, exhibition_id: str | None = None
                   ) -> list[Scorecard]:
        """Scorecards of an exhibit and/or a city; unshared ones only for whoever may write
        that city's."""
        query = select(ScorecardRow).where(
            ScorecardRow.exhibition_id == self._check.exhibition(exhibition_id),
            ScorecardRow.deleted_at.is_(None)).order_by(ScorecardRow.city_id,
                                                        ScorecardRow.exhibit_id)
        if exhibit_id is not None:
            query = query.where(ScorecardRow.exhibit_id == exhibit_id)
        if city_id is not None:
            query = query.where(ScorecardRow.city_id == city_id)
        with self._db.session(write=False) as session:
            rows = list(session.scalars(query))
        return [Scorecard._from_row(r) for r in rows
                if r.shared or (isinstance(actor, roles.Actor)
                                and actor.can_read_private(r.city_id))]

    # --- the reflection date ---

    def reflection(self, city_id: str, *, exhibition_id: str | None = None) -> Reflection:
        with self._db.session(write=False) as session:
            row = session.scalar(select(ReflectionRow).where(
                ReflectionRow.exhibition_id == self._check.exhibition(exhibition_id),
                ReflectionRow.city_id == city_id))
        if row is None:
            return Reflection(city_id, None, 0)
        return Reflection(city_id, row.day, row.version)

    def set_reflection(self, actor: roles.Actor, city_id: str, day: dt.date | str | None, *,
                       version: int, exhibition_id: str | None = None) -> Reflection:
        """Set (or clear) the city's reflection date, loaded at `version` (0: none yet)."""
        city = self._check.city(city_id)
        roles.require_city_writer(actor, city, "follow-ups")
        check_version(version)
        exhibition = self._check.exhibition(exhibition_id)
        chosen = check_due(day)
        name = actor.name or actor.describe()

        def conflict(row: ReflectionRow) -> VersionConflict:
            return VersionConflict("reflection date", Reflection(city, row.day, row.version),
                                   "")

        try:
            with write_session(self._db) as session:
                row = session.scalar(select(ReflectionRow).where(
                    ReflectionRow.exhibition_id == exhibition, ReflectionRow.city_id == city))
                if row is None:
                    if version:
                        raise InvalidNote("the reflection date was removed meanwhile")
                    now = utcnow()
                    row = ReflectionRow(exhibition_id=exhibition, city_id=city, day=chosen,
                                        author=name, version=1, updated_at=now)
                    session.add(row)
                    session.flush()
                else:
                    versioned_update(session, row, version, {"day": chosen, "author": name},
                                     conflict)
                return Reflection(city, row.day, row.version)
        except IntegrityError:
            current = self.reflection(city, exhibition_id=exhibition)
            raise VersionConflict("reflection date", current, "") from None
