"""The workshop (open space): topics, working groups and project ideas, and `WorkshopStore`.

Anyone of a city who may write its notes proposes topics (title, text, linked exhibits,
department, tags). `dashboard.review.domain.group_topics` proposes working groups by overlap
with a plain rule and the reason; `form_group` saves one with that reason, so the group keeps
its topics even when more topics arrive later. A working group collects project ideas; an idea
becomes a follow-up of a city with an owner (`idea_to_follow_up`).

Permissions as in notes.py: topics and ideas are a city's (its navigators, admins, open mode);
working groups are joint, formed by any navigator, an admin, or anyone in open mode.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy.exc
from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

# A module reference, not names: roles imports dashboard.store.errors, so either package may
# be imported first (the names are looked up when a method runs).
from dashboard import roles
from dashboard.store.base import (
    Base,
    UTCDateTime,
    Versioned,
    check_version,
    int_id,
    set_deleted,
    utcnow,
    versioned_update,
    write_session,
)
from dashboard.store.engine import Database
from dashboard.store.errors import InvalidNote, UnknownNoteError, VersionConflict
from dashboard.store.notes import (
    AUTHOR_MAX,
    ID_MAX,
    TEXT_MAX,
    CatalogCheck,
    FollowUp,
    NoteStore,
    author_name,
    check_tags,
    check_text,
)

TITLE_MAX = 200
REASON_MAX = 2_000
EXHIBITS_MAX = 50
TOPIC_KEY_MAX = 400


def topic_key(topic_ids: Iterable[int]) -> str:
    """The set of a group's topics as one comparable text ("3,7,12"), unique per exhibition."""
    key = ",".join(str(i) for i in sorted(set(topic_ids)))
    if len(key) > TOPIC_KEY_MAX:
        raise InvalidNote("a working group has too many topics")
    return key


class TopicRow(Versioned, Base):
    __tablename__ = "workshop_topics"
    __table_args__ = (Index("ix_workshop_topics_exhibition", "exhibition_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    exhibition_id: Mapped[str] = mapped_column(String(ID_MAX))
    city_id: Mapped[str] = mapped_column(String(ID_MAX))
    author: Mapped[str] = mapped_column(String(AUTHOR_MAX))
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    text: Mapped[str] = mapped_column(Text)
    department: Mapped[str | None] = mapped_column(String(ID_MAX), nullable=True)
    exhibits: Mapped[list[str]] = mapped_column(JSON)
    tags: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class GroupRow(Base):
    __tablename__ = "working_groups"
    __table_args__ = (
        Index("ix_working_groups_exhibition", "exhibition_id"),
        # One group per set of topics: two people tapping "Form group" at once (or one tap
        # delivered twice) make one group; the second writer gets the first one's group.
        UniqueConstraint("exhibition_id", "topic_key", name="uq_working_groups_topics"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    exhibition_id: Mapped[str] = mapped_column(String(ID_MAX))
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    topic_ids: Mapped[list[int]] = mapped_column(JSON)
    topic_key: Mapped[str] = mapped_column(String(TOPIC_KEY_MAX))  # topic_key(topic_ids)
    reason: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(AUTHOR_MAX))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class IdeaRow(Versioned, Base):
    __tablename__ = "project_ideas"
    __table_args__ = (Index("ix_project_ideas_group", "group_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    exhibition_id: Mapped[str] = mapped_column(String(ID_MAX))
    group_id: Mapped[int] = mapped_column(ForeignKey("working_groups.id"))
    city_id: Mapped[str] = mapped_column(String(ID_MAX))
    author: Mapped[str] = mapped_column(String(AUTHOR_MAX))
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


@dataclass(frozen=True)
class Topic:
    id: int
    exhibition_id: str
    city_id: str
    author: str
    title: str
    text: str
    department: str | None
    exhibits: tuple[str, ...]
    tags: tuple[str, ...]
    version: int
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = None

    @classmethod
    def _from_row(cls, row: TopicRow) -> Topic:
        return cls(
            id=row.id, exhibition_id=row.exhibition_id, city_id=row.city_id, author=row.author,
            title=row.title, text=row.text, department=row.department,
            exhibits=tuple(row.exhibits or ()), tags=tuple(row.tags or ()), version=row.version,
            created_at=row.created_at, updated_at=row.updated_at, deleted_at=row.deleted_at,
        )


@dataclass(frozen=True)
class WorkingGroup:
    id: int
    exhibition_id: str
    title: str
    topic_ids: tuple[int, ...]
    reason: str
    created_by: str
    created_at: datetime


@dataclass(frozen=True)
class ProjectIdea:
    id: int
    exhibition_id: str
    group_id: int
    city_id: str
    author: str
    title: str
    text: str
    version: int
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = None

    @classmethod
    def _from_row(cls, row: IdeaRow) -> ProjectIdea:
        return cls(
            id=row.id, exhibition_id=row.exhibition_id, group_id=row.group_id,
            city_id=row.city_id, author=row.author, title=row.title, text=row.text,
            version=row.version, created_at=row.created_at, updated_at=row.updated_at,
            deleted_at=row.deleted_at,
        )


class WorkshopStore:
    """Topics, working groups and project ideas at `url` (or a shared `Database`)."""

    def __init__(self, url: str | Database, catalog: Any | None = None):
        self._db = url if isinstance(url, Database) else Database(url)
        self._catalog = catalog
        self._check = CatalogCheck(catalog)

    @property
    def database(self) -> Database:
        return self._db

    def dispose(self) -> None:
        self._db.dispose()

    # --- topics ---

    def _exhibits(self, exhibits: Iterable[str] | None) -> list[str]:
        found: list[str] = []
        for exhibit in exhibits or ():
            checked = self._check.exhibit(exhibit)
            if checked not in found:
                found.append(checked)
        if len(found) > EXHIBITS_MAX:
            raise InvalidNote(f"a topic links at most {EXHIBITS_MAX} exhibits")
        return found

    def add_topic(
        self,
        actor: roles.Actor,
        *,
        city_id: str,
        title: str,
        text: str = "",
        exhibits: Iterable[str] | None = None,
        department: str | None = None,
        tags: Iterable[str] | None = None,
        author: str | None = None,
        exhibition_id: str | None = None,
    ) -> Topic:
        """Propose a topic for `city_id`; PermissionDenied unless `actor` may write for it."""
        city = self._check.city(city_id)
        roles.require_city_writer(actor, city, "topics")
        now = utcnow()
        row = TopicRow(
            exhibition_id=self._check.exhibition(exhibition_id),
            city_id=city,
            author=author_name(actor, author),
            title=check_text("title", title, TITLE_MAX),
            text=check_text("text", text, TEXT_MAX, empty=True),
            department=None if not department else self._check.department(city, department),
            exhibits=self._exhibits(exhibits),
            tags=check_tags(tags),
            version=1,
            created_at=now,
            updated_at=now,
        )
        with write_session(self._db) as session:
            session.add(row)
            session.flush()
            return Topic._from_row(row)

    def edit_topic(
        self,
        actor: roles.Actor,
        topic_id: int,
        *,
        version: int,
        title: str | None = None,
        text: str | None = None,
        exhibits: Iterable[str] | None = None,
        tags: Iterable[str] | None = None,
    ) -> Topic:
        changes: dict[str, Any] = {}
        if title is not None:
            changes["title"] = check_text("title", title, TITLE_MAX)
        if text is not None:
            changes["text"] = check_text("text", text, TEXT_MAX, empty=True)
        if exhibits is not None:
            changes["exhibits"] = self._exhibits(exhibits)
        if tags is not None:
            changes["tags"] = check_tags(tags)
        return self._update_topic(actor, topic_id, version, changes, text)

    def delete_topic(self, actor: roles.Actor, topic_id: int) -> Topic:
        return self._update_topic(actor, topic_id, None, {}, delete=True)

    def restore_topic(self, actor: roles.Actor, topic_id: int) -> Topic:
        return self._update_topic(actor, topic_id, None, {}, delete=False)

    def _update_topic(
        self, actor: roles.Actor, topic_id: int, version: int | None, changes: dict[str, Any],
        yours: str | None = None, delete: bool | None = None,
    ) -> Topic:
        topic_id = int_id(topic_id, "topic")
        check_version(version)

        def conflict(row: TopicRow) -> VersionConflict:
            return VersionConflict("topic", Topic._from_row(row), yours or "")

        with write_session(self._db) as session:
            row = session.get(TopicRow, topic_id)
            if row is None:
                raise UnknownNoteError("topic", topic_id)
            roles.require_city_writer(actor, row.city_id, "topics")
            if delete is None:
                versioned_update(session, row, version, changes, conflict)
            else:
                set_deleted(session, row, delete, conflict, version)
            return Topic._from_row(row)

    def list_topics(self, *, exhibition_id: str | None = None, city_id: str | None = None,
                    deleted: bool = False) -> list[Topic]:
        query = select(TopicRow).where(
            TopicRow.exhibition_id == self._check.exhibition(exhibition_id),
            TopicRow.deleted_at.is_not(None) if deleted else TopicRow.deleted_at.is_(None),
        ).order_by(TopicRow.created_at, TopicRow.id)
        if city_id is not None:
            query = query.where(TopicRow.city_id == city_id)
        with self._db.session(write=False) as session:
            return [Topic._from_row(r) for r in session.scalars(query)]

    # --- working groups ---

    def form_group(
        self,
        actor: roles.Actor,
        *,
        topic_ids: Sequence[int],
        reason: str,
        title: str | None = None,
        exhibition_id: str | None = None,
    ) -> WorkingGroup:
        """Save a working group of these topics with the reason they belong together
        (usually a proposal of `review.domain.group_topics`). Idempotent: when a group of
        the same topics exists (formed by anyone, also at the same moment), that one is
        returned and nothing is written."""
        roles.require_workshop(actor)
        exhibition = self._check.exhibition(exhibition_id)
        ids = list(dict.fromkeys(int_id(t, "topic") for t in topic_ids))
        if not ids:
            raise InvalidNote("a working group needs at least one topic")
        key = topic_key(ids)
        try:
            with write_session(self._db) as session:
                existing = session.scalar(select(GroupRow).where(
                    GroupRow.exhibition_id == exhibition, GroupRow.topic_key == key))
                if existing is not None:  # formed already (another tap, another person)
                    return _group(existing)
                rows = {r.id: r for r in session.scalars(
                    select(TopicRow).where(TopicRow.id.in_(ids),
                                           TopicRow.exhibition_id == exhibition,
                                           TopicRow.deleted_at.is_(None)))}
                missing = [i for i in ids if i not in rows]
                if missing:
                    raise UnknownNoteError("topic", missing[0])
                row = GroupRow(
                    exhibition_id=exhibition,
                    title=check_text("title", title or rows[ids[0]].title, TITLE_MAX),
                    topic_ids=ids,
                    topic_key=key,
                    reason=check_text("reason", reason, REASON_MAX, empty=True),
                    created_by=check_text("author", actor.name or actor.describe(),
                                          AUTHOR_MAX),
                    created_at=utcnow(),
                )
                session.add(row)
                session.flush()
                return _group(row)
        except sqlalchemy.exc.IntegrityError:
            # Someone formed the same group between our look and our insert: theirs stands.
            with self._db.session(write=False) as session:
                existing = session.scalar(select(GroupRow).where(
                    GroupRow.exhibition_id == exhibition, GroupRow.topic_key == key))
                if existing is None:
                    raise
                return _group(existing)

    def list_groups(self, *, exhibition_id: str | None = None) -> list[WorkingGroup]:
        query = select(GroupRow).where(
            GroupRow.exhibition_id == self._check.exhibition(exhibition_id)
        ).order_by(GroupRow.created_at, GroupRow.id)
        with self._db.session(write=False) as session:
            return [_group(r) for r in session.scalars(query)]

    # --- project ideas ---

    def add_idea(
        self,
        actor: roles.Actor,
        *,
        group_id: int,
        city_id: str,
        title: str,
        text: str = "",
        author: str | None = None,
    ) -> ProjectIdea:
        """A project idea of `city_id` in a working group."""
        city = self._check.city(city_id)
        roles.require_city_writer(actor, city, "project ideas")
        group_id = int_id(group_id, "working group")
        now = utcnow()
        with write_session(self._db) as session:
            group = session.get(GroupRow, group_id)
            if group is None:
                raise UnknownNoteError("working group", group_id)
            row = IdeaRow(
                exhibition_id=group.exhibition_id, group_id=group.id, city_id=city,
                author=author_name(actor, author), title=check_text("title", title, TITLE_MAX),
                text=check_text("text", text, TEXT_MAX, empty=True), version=1,
                created_at=now, updated_at=now,
            )
            session.add(row)
            session.flush()
            return ProjectIdea._from_row(row)

    def list_ideas(self, *, group_id: int | None = None, exhibition_id: str | None = None,
                   ) -> list[ProjectIdea]:
        query = select(IdeaRow).where(
            IdeaRow.exhibition_id == self._check.exhibition(exhibition_id),
            IdeaRow.deleted_at.is_(None),
        ).order_by(IdeaRow.created_at, IdeaRow.id)
        if group_id is not None:
            query = query.where(IdeaRow.group_id == group_id)
        with self._db.session(write=False) as session:
            return [ProjectIdea._from_row(r) for r in session.scalars(query)]

    def idea_to_follow_up(
        self,
        actor: roles.Actor,
        idea_id: int,
        *,
        owner: str,
        due: dt.date | str | None = None,
        city_id: str | None = None,
        action: str | None = None,
    ) -> FollowUp:
        """The idea as a follow-up of `city_id` (default: the idea's city) with an owner.

        Once per idea and city: when that city made it a follow-up already (a tap delivered
        twice, two people at once), that follow-up is returned and nothing is written."""
        idea_id = int_id(idea_id, "project idea")
        with self._db.session(write=False) as session:
            row = session.get(IdeaRow, idea_id)
            if row is None or row.deleted_at is not None:
                raise UnknownNoteError("project idea", idea_id)
            idea = ProjectIdea._from_row(row)
        return NoteStore(self._db, self._catalog).add_follow_up(
            actor, city_id=city_id or idea.city_id, action=action or idea.title, owner=owner,
            due=due, idea_id=idea.id, exhibition_id=idea.exhibition_id, once=True,
        )


def _group(row: GroupRow) -> WorkingGroup:
    return WorkingGroup(
        id=row.id, exhibition_id=row.exhibition_id, title=row.title,
        topic_ids=tuple(row.topic_ids or ()), reason=row.reason, created_by=row.created_by,
        created_at=row.created_at,
    )
