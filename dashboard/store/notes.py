"""Notes and follow-ups of the visiting cities: the tables and `NoteStore`.

A note is one city's view of one exhibit: author, department (one of that city's departments
in the data), Markdown text, relevance 1–5, transferability, tags, shared with the other cities
or not. A follow-up is an action with an owner, a due date and a status, belonging to a note, an
exhibit or a workshop project idea.

Rules the store enforces for every caller (a page is thin wiring over them):
- Every write takes an `Actor` (dashboard.roles) and is refused with PermissionDenied
  unless the actor may write that city's notes. The city of an existing note is read from the
  database, never taken from the caller, so an edited form value cannot move a note.
- No lost updates: each row has a version. An edit names the version it started from; when
  someone saved in between, `VersionConflict` carries both texts and nothing is written.
- Soft delete: a deleted note keeps its row (`deleted_at`) and `restore_note` brings it back.
- Unshared notes are read only by whoever may write that city's notes.

Values are checked against the catalogue (exhibit, city, department) when the store has one.
The store hands out frozen copies (`Note`, `FollowUp`), never ORM objects.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    func,
    select,
    text,
)
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

ID_MAX = 64
AUTHOR_MAX = 100
TEXT_MAX = 10_000
TAG_MAX = 40
TAGS_MAX = 20
ACTION_MAX = 1_000
OWNER_MAX = 100
RELEVANCE_MIN, RELEVANCE_MAX = 1, 5


class Transferability(enum.StrEnum):
    """Could the visiting city take this home?"""

    ADOPT = "adopt"
    ADAPT = "adapt"
    NOT_FOR_US = "not_for_us"


class FollowUpStatus(enum.StrEnum):
    OPEN = "open"
    DOING = "doing"
    DONE = "done"


# --- tables ----------------------------------------------------------------------------------


class NoteRow(Versioned, Base):
    __tablename__ = "notes"
    __table_args__ = (
        CheckConstraint("relevance BETWEEN 1 AND 5", name="ck_notes_relevance"),
        CheckConstraint(
            "transferability IN ('adopt', 'adapt', 'not_for_us')", name="ck_notes_transferability"
        ),
        Index("ix_notes_exhibition_city", "exhibition_id", "city_id"),
        Index("ix_notes_exhibit", "exhibition_id", "exhibit_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    exhibition_id: Mapped[str] = mapped_column(String(ID_MAX))
    exhibit_id: Mapped[str] = mapped_column(String(ID_MAX))
    city_id: Mapped[str] = mapped_column(String(ID_MAX))
    department: Mapped[str] = mapped_column(String(ID_MAX))
    author: Mapped[str] = mapped_column(String(AUTHOR_MAX))
    text: Mapped[str] = mapped_column(Text)
    relevance: Mapped[int] = mapped_column(Integer)
    transferability: Mapped[str] = mapped_column(String(16))
    tags: Mapped[list[str]] = mapped_column(JSON)
    shared: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Who saved the last change (None until the note is edited; the author wrote it first).
    updated_by: Mapped[str | None] = mapped_column(String(AUTHOR_MAX), nullable=True)


class FollowUpRow(Versioned, Base):
    __tablename__ = "follow_ups"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'doing', 'done')", name="ck_follow_ups_status"),
        CheckConstraint(
            "note_id IS NOT NULL OR exhibit_id IS NOT NULL OR idea_id IS NOT NULL",
            name="ck_follow_ups_belongs",
        ),
        Index("ix_follow_ups_exhibition_city", "exhibition_id", "city_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    exhibition_id: Mapped[str] = mapped_column(String(ID_MAX))
    city_id: Mapped[str] = mapped_column(String(ID_MAX))
    note_id: Mapped[int | None] = mapped_column(ForeignKey("notes.id"), nullable=True)
    exhibit_id: Mapped[str | None] = mapped_column(String(ID_MAX), nullable=True)
    # A workshop project idea that became this follow-up (workshop.IdeaRow; no FK, so that
    # the notes module does not depend on the workshop's table).
    idea_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    action: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(OWNER_MAX))
    due: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


# --- what the store hands out ----------------------------------------------------------------


@dataclass(frozen=True)
class Note:
    id: int
    exhibition_id: str
    exhibit_id: str
    city_id: str
    department: str
    author: str
    text: str
    relevance: int
    transferability: Transferability
    tags: tuple[str, ...]
    shared: bool
    version: int
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = None
    updated_by: str | None = None  # the last editor, when someone edited it
    curated: bool = False  # always False here; domain.CuratedNote marks the data's notes

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None

    @classmethod
    def _from_row(cls, row: NoteRow) -> Note:
        return cls(
            id=row.id, exhibition_id=row.exhibition_id, exhibit_id=row.exhibit_id,
            city_id=row.city_id, department=row.department, author=row.author, text=row.text,
            relevance=row.relevance, transferability=Transferability(row.transferability),
            tags=tuple(row.tags or ()), shared=bool(row.shared), version=row.version,
            created_at=row.created_at, updated_at=row.updated_at, deleted_at=row.deleted_at,
            updated_by=row.updated_by,
        )

    @property
    def edited(self) -> bool:
        return self.updated_by is not None


@dataclass(frozen=True)
class FollowUp:
    id: int
    exhibition_id: str
    city_id: str
    note_id: int | None
    exhibit_id: str | None
    idea_id: int | None
    action: str
    owner: str
    due: dt.date | None
    status: FollowUpStatus
    version: int
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = None

    def overdue(self, today: dt.date) -> bool:
        return self.status is not FollowUpStatus.DONE and self.due is not None and self.due < today

    @classmethod
    def _from_row(cls, row: FollowUpRow) -> FollowUp:
        return cls(
            id=row.id, exhibition_id=row.exhibition_id, city_id=row.city_id,
            note_id=row.note_id, exhibit_id=row.exhibit_id, idea_id=row.idea_id,
            action=row.action, owner=row.owner, due=row.due, status=FollowUpStatus(row.status),
            version=row.version, created_at=row.created_at, updated_at=row.updated_at,
            deleted_at=row.deleted_at,
        )


# --- checks ----------------------------------------------------------------------------------


def check_text(name: str, value: object, max_len: int, *, empty: bool = False) -> str:
    """A text field: str, within the limit, no NUL; stripped. InvalidNote names the field."""
    if not isinstance(value, str):
        raise InvalidNote(f"the {name} must be a text", "not_text", field=name)
    value = value.strip()
    if not value and not empty:
        raise InvalidNote(f"the {name} must not be empty", "empty", field=name)
    if len(value) > max_len:
        raise InvalidNote(f"the {name} is longer than {max_len} characters ({len(value)})",
                          "too_long", field=name, max=max_len, length=len(value))
    if "\x00" in value:
        raise InvalidNote(f"the {name} contains a NUL character", "bad_character", field=name)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: no database can store it
        raise InvalidNote(f"the {name} contains a character that cannot be stored",
                          "bad_character", field=name) from None
    return value


def check_tags(tags: Iterable[object] | None) -> list[str]:
    """Tags: short one-line texts, lower case, duplicates merged, at most TAGS_MAX."""
    if tags is None:
        return []
    if isinstance(tags, str):
        tags = tags.split(",")
    found: list[str] = []
    for tag in tags:
        text = " ".join(check_text("tag", tag, TAG_MAX, empty=True).lower().split())
        if text and text not in found:
            found.append(text)
    if len(found) > TAGS_MAX:
        raise InvalidNote(f"at most {TAGS_MAX} tags, not {len(found)}", "too_many_tags",
                          max=TAGS_MAX, count=len(found))
    return found


def check_relevance(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not (
        RELEVANCE_MIN <= value <= RELEVANCE_MAX
    ):
        raise InvalidNote(f"the relevance must be a whole number from {RELEVANCE_MIN} to "
                          f"{RELEVANCE_MAX}, not {str(value)[:20]!r}", "relevance",
                          min=RELEVANCE_MIN, max=RELEVANCE_MAX)
    return value


def check_choice(enum_type: type[enum.StrEnum], name: str, value: object) -> Any:
    try:
        return enum_type(value)
    except ValueError:
        allowed = ", ".join(e.value for e in enum_type)
        raise InvalidNote(f"the {name} must be one of {allowed}, not {str(value)[:20]!r}",
                          "choice", field=name) from None


def check_due(value: object) -> dt.date | None:
    if value is None or (isinstance(value, dt.date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()) if value.strip() else None
        except ValueError:
            pass
    raise InvalidNote(f"the due date must be a date (YYYY-MM-DD), not {str(value)[:20]!r}",
                      "due_date")


class CatalogCheck:
    """The catalogue's ids, for checking what a caller names (None: no checks)."""

    def __init__(self, catalog: Any | None):
        self.catalog = catalog

    @property
    def exhibition_id(self) -> str | None:
        return None if self.catalog is None else self.catalog.exhibition.id

    def exhibition(self, exhibition_id: str | None) -> str:
        if exhibition_id is None:
            if self.catalog is None:
                raise InvalidNote("the exhibition must be given")
            return self.catalog.exhibition.id
        return check_text("exhibition id", exhibition_id, ID_MAX)

    def city(self, city_id: object) -> str:
        city = check_text("city", city_id, ID_MAX)
        if self.catalog is not None and city not in self.catalog.cities:
            raise InvalidNote(f"unknown city {city[:40]!r}", "unknown_city", id=city[:40])
        return city

    def exhibit(self, exhibit_id: object) -> str:
        exhibit = check_text("exhibit", exhibit_id, ID_MAX)
        if self.catalog is not None and exhibit not in self.catalog.exhibits:
            raise InvalidNote(f"unknown exhibit {exhibit[:40]!r}", "unknown_exhibit",
                              id=exhibit[:40])
        return exhibit

    def department(self, city_id: str, department: object) -> str:
        dep = check_text("department", department, ID_MAX)
        if self.catalog is not None and dep not in self.catalog.cities[city_id].departments:
            raise InvalidNote(f"{dep[:40]!r} is not a department of {city_id!r}",
                              "department", id=dep[:40])
        return dep


def author_name(actor: roles.Actor, author: str | None) -> str:
    """The author: the signed-in name; in open mode what the person typed."""
    name = author if author is not None and (actor.open_mode or not actor.name) else actor.name
    return check_text("author", name or "", AUTHOR_MAX)


# --- the store -------------------------------------------------------------------------------


class NoteStore:
    """Notes and follow-ups in the database at `url` (or a shared `Database`).

    `catalog` (a dashboard.catalog.Catalog) makes the store check exhibit, city and department
    ids and fills in the exhibition id; without it (scripts, tests) ids are only length-checked
    and every call names the exhibition. Every method may raise StoreUnavailable.
    """

    def __init__(self, url: str | Database, catalog: Any | None = None):
        self._db = url if isinstance(url, Database) else Database(url)
        self._check = CatalogCheck(catalog)

    @property
    def database(self) -> Database:
        return self._db

    def dispose(self) -> None:
        self._db.dispose()

    # --- notes ---

    def add_note(
        self,
        actor: roles.Actor,
        *,
        exhibit_id: str,
        city_id: str,
        department: str,
        text: str,
        relevance: int,
        transferability: Transferability | str,
        tags: Iterable[str] | None = None,
        shared: bool = True,
        author: str | None = None,
        exhibition_id: str | None = None,
    ) -> Note:
        """Save a new note of `city_id`; PermissionDenied unless `actor` may write it."""
        city = self._check.city(city_id)
        roles.require_city_writer(actor, city)
        now = utcnow()
        row = NoteRow(
            exhibition_id=self._check.exhibition(exhibition_id),
            exhibit_id=self._check.exhibit(exhibit_id),
            city_id=city,
            department=self._check.department(city, department),
            author=author_name(actor, author),
            text=check_text("text", text, TEXT_MAX),
            relevance=check_relevance(relevance),
            transferability=check_choice(Transferability, "transferability", transferability),
            tags=check_tags(tags),
            shared=bool(shared),
            version=1,
            created_at=now,
            updated_at=now,
        )
        with write_session(self._db) as session:
            session.add(row)
            session.flush()
            return Note._from_row(row)

    def get_note(self, note_id: int, actor: roles.Actor | None = None) -> Note:
        """One note (also a deleted one); UnknownNoteError, also for an unshared note of another
        city when `actor` may not read it."""
        with self._db.session(write=False) as session:
            row = session.get(NoteRow, int_id(note_id, "note"))
            if row is None or (
                actor is not None and not row.shared and not actor.can_read_private(row.city_id)
            ):
                raise UnknownNoteError("note", note_id)
            return Note._from_row(row)

    def edit_note(
        self,
        actor: roles.Actor,
        note_id: int,
        *,
        version: int,
        text: str | None = None,
        department: str | None = None,
        relevance: int | None = None,
        transferability: Transferability | str | None = None,
        tags: Iterable[str] | None = None,
        shared: bool | None = None,
        editor: str | None = None,
    ) -> Note:
        """Change the given fields of a note loaded at `version`; `editor` (or the signed-in
        name) is kept as who changed it last, beside the first author.

        VersionConflict (nothing written) when it was saved by someone else since; the city is
        the note's own, so PermissionDenied for anyone who may not write that city's notes.
        """
        changes: dict[str, Any] = {}
        if text is not None:
            changes["text"] = check_text("text", text, TEXT_MAX)
        if relevance is not None:
            changes["relevance"] = check_relevance(relevance)
        if transferability is not None:
            changes["transferability"] = check_choice(
                Transferability, "transferability", transferability
            ).value
        if tags is not None:
            changes["tags"] = check_tags(tags)
        if shared is not None:
            changes["shared"] = bool(shared)
        changes["updated_by"] = check_text("editor", editor or actor.name or actor.describe(),
                                           AUTHOR_MAX)
        return self._update_note(actor, note_id, version, changes, department=department,
                                 yours=text)

    def delete_note(self, actor: roles.Actor, note_id: int, *, version: int | None = None) -> Note:
        """Soft delete (undo with `restore_note`); VersionConflict if `version` is stale."""
        return self._update_note(actor, note_id, version, {}, delete=True)

    def restore_note(self, actor: roles.Actor, note_id: int) -> Note:
        """Undo a soft delete."""
        return self._update_note(actor, note_id, None, {}, delete=False)

    def _update_note(
        self,
        actor: roles.Actor,
        note_id: int,
        version: int | None,
        changes: dict[str, Any],
        *,
        department: str | None = None,
        yours: str | None = None,
        delete: bool | None = None,
    ) -> Note:
        """An edit (changes), a soft delete (delete=True) or a restore (delete=False)."""
        note_id = int_id(note_id, "note")
        check_version(version)

        def conflict(row: NoteRow) -> VersionConflict:
            return VersionConflict("note", Note._from_row(row), yours or "")

        with write_session(self._db) as session:
            row = session.get(NoteRow, note_id)
            if row is None or (not row.shared and not actor.can_read_private(row.city_id)):
                raise UnknownNoteError("note", note_id)
            roles.require_city_writer(actor, row.city_id)
            if row.deleted_at is not None and delete is None:
                raise InvalidNote("this note was deleted: undo the deletion to edit it",
                                  "deleted_note")
            if department is not None:
                changes["department"] = self._check.department(row.city_id, department)
            if delete is None:
                versioned_update(session, row, version, changes, conflict)
            else:
                set_deleted(session, row, delete, conflict, version)
            return Note._from_row(row)

    def list_notes(
        self,
        actor: roles.Actor,
        *,
        exhibition_id: str | None = None,
        city_id: str | None = None,
        exhibit_id: str | None = None,
        deleted: bool = False,
    ) -> list[Note]:
        """Notes, oldest first: of one city and/or exhibit when given. Unshared notes only
        for readers who may write that city's; `deleted=True` lists the deleted ones (undo)."""
        query = select(NoteRow).where(
            NoteRow.exhibition_id == self._check.exhibition(exhibition_id),
            NoteRow.deleted_at.is_not(None) if deleted else NoteRow.deleted_at.is_(None),
        ).order_by(NoteRow.created_at, NoteRow.id)
        if city_id is not None:
            query = query.where(NoteRow.city_id == city_id)
        if exhibit_id is not None:
            query = query.where(NoteRow.exhibit_id == exhibit_id)
        with self._db.session(write=False) as session:
            rows = list(session.scalars(query))
        return [
            Note._from_row(r) for r in rows if r.shared or actor.can_read_private(r.city_id)
        ]

    def other_cities_notes(
        self, city_id: str, *, exhibit_id: str | None = None, exhibition_id: str | None = None
    ) -> list[Note]:
        """What the other cities thought: their shared notes (of one exhibit when given)."""
        query = select(NoteRow).where(
            NoteRow.exhibition_id == self._check.exhibition(exhibition_id),
            NoteRow.city_id != city_id,
            NoteRow.shared.is_(True),
            NoteRow.deleted_at.is_(None),
        ).order_by(NoteRow.city_id, NoteRow.created_at, NoteRow.id)
        if exhibit_id is not None:
            query = query.where(NoteRow.exhibit_id == exhibit_id)
        with self._db.session(write=False) as session:
            return [Note._from_row(r) for r in session.scalars(query)]

    def count_notes(self, *, exhibition_id: str | None = None) -> int:
        with self._db.session(write=False) as session:
            return session.scalar(
                select(func.count()).select_from(NoteRow).where(
                    NoteRow.exhibition_id == self._check.exhibition(exhibition_id)
                )
            ) or 0

    # --- follow-ups ---

    def add_follow_up(
        self,
        actor: roles.Actor,
        *,
        city_id: str,
        action: str,
        owner: str,
        due: dt.date | str | None = None,
        status: FollowUpStatus | str = FollowUpStatus.OPEN,
        note_id: int | None = None,
        exhibit_id: str | None = None,
        idea_id: int | None = None,
        exhibition_id: str | None = None,
        once: bool = False,
    ) -> FollowUp:
        """A follow-up of `city_id` for a note, an exhibit or a project idea (at least one).

        A note must be one of the same city's (its exhibit is taken over). once=True (with
        an idea): the city's existing follow-up of that idea is returned instead of a second
        one, also when two calls come at once."""
        city = self._check.city(city_id)
        roles.require_city_writer(actor, city, "follow-ups")
        exhibition = self._check.exhibition(exhibition_id)
        if note_id is None and exhibit_id is None and idea_id is None:
            raise InvalidNote("a follow-up belongs to a note, an exhibit or a project idea")
        now = utcnow()
        row = FollowUpRow(
            exhibition_id=exhibition,
            city_id=city,
            exhibit_id=None if exhibit_id is None else self._check.exhibit(exhibit_id),
            idea_id=None if idea_id is None else int_id(idea_id, "project idea"),
            action=check_text("action", action, ACTION_MAX),
            owner=check_text("owner", owner, OWNER_MAX),
            due=check_due(due),
            status=check_choice(FollowUpStatus, "status", status).value,
            version=1,
            created_at=now,
            updated_at=now,
        )
        with write_session(self._db) as session:
            if once and row.idea_id is not None:
                if self._db.is_postgres:  # the rows to look for do not exist yet: lock the idea
                    session.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                                    {"key": 16_000_000_000 + row.idea_id})
                made = session.scalar(select(FollowUpRow).where(
                    FollowUpRow.idea_id == row.idea_id, FollowUpRow.city_id == city,
                    FollowUpRow.exhibition_id == exhibition, FollowUpRow.deleted_at.is_(None)))
                if made is not None:
                    return FollowUp._from_row(made)
            if note_id is not None:
                note = session.get(NoteRow, int_id(note_id, "note"))
                if note is None or note.city_id != city or note.exhibition_id != exhibition:
                    raise UnknownNoteError("note", note_id)
                row.note_id = note.id
                row.exhibit_id = row.exhibit_id or note.exhibit_id
            session.add(row)
            session.flush()
            return FollowUp._from_row(row)

    def edit_follow_up(
        self,
        actor: roles.Actor,
        follow_up_id: int,
        *,
        version: int,
        action: str | None = None,
        owner: str | None = None,
        due: dt.date | str | None = None,
        clear_due: bool = False,
        status: FollowUpStatus | str | None = None,
    ) -> FollowUp:
        """Change a follow-up loaded at `version`; VersionConflict when it changed since."""
        changes: dict[str, Any] = {}
        if action is not None:
            changes["action"] = check_text("action", action, ACTION_MAX)
        if owner is not None:
            changes["owner"] = check_text("owner", owner, OWNER_MAX)
        if due is not None or clear_due:
            changes["due"] = None if clear_due else check_due(due)
        if status is not None:
            changes["status"] = check_choice(FollowUpStatus, "status", status).value
        return self._update_follow_up(actor, follow_up_id, version, changes, yours=action)

    def delete_follow_up(self, actor: roles.Actor, follow_up_id: int) -> FollowUp:
        return self._update_follow_up(actor, follow_up_id, None, {}, delete=True)

    def restore_follow_up(self, actor: roles.Actor, follow_up_id: int) -> FollowUp:
        return self._update_follow_up(actor, follow_up_id, None, {}, delete=False)

    def _update_follow_up(
        self, actor: roles.Actor, item_id: int, version: int | None, changes: dict[str, Any],
        yours: str | None = None, delete: bool | None = None,
    ) -> FollowUp:
        item_id = int_id(item_id, "follow-up")
        check_version(version)

        def conflict(row: FollowUpRow) -> VersionConflict:
            return VersionConflict("follow-up", FollowUp._from_row(row), yours or "")

        with write_session(self._db) as session:
            row = session.get(FollowUpRow, item_id)
            if row is None:
                raise UnknownNoteError("follow-up", item_id)
            roles.require_city_writer(actor, row.city_id, "follow-ups")
            if delete is None:
                versioned_update(session, row, version, changes, conflict)
            else:
                set_deleted(session, row, delete, conflict, version)
            return FollowUp._from_row(row)

    def list_follow_ups(
        self,
        *,
        city_id: str | None = None,
        note_id: int | None = None,
        exhibit_id: str | None = None,
        status: Sequence[FollowUpStatus | str] | None = None,
        exhibition_id: str | None = None,
        deleted: bool = False,
        reader: roles.Actor | None = None,
    ) -> list[FollowUp]:
        """Follow-ups, by due date (none last), then creation. With `reader`, those of an
        unshared note are left out unless the reader may read that city's unshared notes."""
        query = select(FollowUpRow).where(
            FollowUpRow.exhibition_id == self._check.exhibition(exhibition_id),
            FollowUpRow.deleted_at.is_not(None) if deleted else FollowUpRow.deleted_at.is_(None),
        )
        if city_id is not None:
            query = query.where(FollowUpRow.city_id == city_id)
        if note_id is not None:
            query = query.where(FollowUpRow.note_id == note_id)
        if exhibit_id is not None:
            query = query.where(FollowUpRow.exhibit_id == exhibit_id)
        if status is not None:
            wanted = [check_choice(FollowUpStatus, "status", s).value for s in status]
            query = query.where(FollowUpRow.status.in_(wanted))
        with self._db.session(write=False) as session:
            items = [FollowUp._from_row(r) for r in session.scalars(query)]
            if reader is not None:
                private = set(session.scalars(select(NoteRow.id).where(
                    NoteRow.id.in_({f.note_id for f in items if f.note_id is not None}),
                    NoteRow.shared.is_(False),
                )))
                items = [f for f in items
                         if f.note_id not in private or reader.can_read_private(f.city_id)]
        return sorted(items, key=lambda f: (f.due is None, f.due or dt.date.min, f.created_at,
                                            f.id))
