"""What a person captured on the tour (`CaptureStore`): marks, short notes and photos per
exhibit, kept as that person's drafts until they publish them as a note in the review.

A capture is one thing sent from the visitor page at a stop: a mark ("relevant for us" and the
departments it concerns), a short note, a photo with its caption, or several of these at
once. Rules the store enforces:
- Drafts belong to one person (`owner`): the signed-in address, or the typed name in open
  workshop mode. Only that person lists them, sees their photos, publishes or discards them;
  nobody else (not even the city's other navigators) sees a draft.
- Writing needs what writing a city's notes needs (roles.require_city_writer): a visitor who
  is not a navigator captures nothing once sign-in is on.
- Each capture carries a key made on the tablet (`client_key`); the same capture sent twice
  (a tablet that was offline sends again when it is back) is stored once: the second call
  returns the first capture (`Capture.repeated`), also when both arrive at once.
- A photo is checked and stripped of its location (dashboard.capture_photos) and kept in the
  database (works behind replicas). Once published, a photo belongs to its note: it is shown
  to whoever may read that note (another city only when the note is shared).
- Publishing makes one note of the person's drafts of one exhibit and links the drafts to
  it, in one transaction; publishing the same drafts again returns that note.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, deferred, mapped_column

from dashboard import capture_photos, roles
from dashboard.store.base import Base, UTCDateTime, Versioned, int_id, utcnow, write_session
from dashboard.store.engine import Database
from dashboard.store.errors import InvalidNote, UnknownNoteError
from dashboard.store.notes import (
    AUTHOR_MAX,
    ID_MAX,
    TEXT_MAX,
    CatalogCheck,
    Note,
    NoteRow,
    Transferability,
    author_name,
    check_choice,
    check_relevance,
    check_tags,
    check_text,
)

CAPTURE_TEXT_MAX = 2_000
CAPTION_MAX = 200
KEY_MAX = 64
OWNER_MAX = 200
DEPARTMENTS_MAX = 10
_KEY = re.compile(r"[A-Za-z0-9_-]{8,64}")


class CaptureRow(Versioned, Base):
    __tablename__ = "tour_captures"
    __table_args__ = (
        Index("ix_tour_captures_owner", "exhibition_id", "city_id", "owner"),
        Index("ix_tour_captures_note", "note_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    client_key: Mapped[str] = mapped_column(String(KEY_MAX), unique=True)
    exhibition_id: Mapped[str] = mapped_column(String(ID_MAX))
    exhibit_id: Mapped[str] = mapped_column(String(ID_MAX))
    city_id: Mapped[str] = mapped_column(String(ID_MAX))
    owner: Mapped[str] = mapped_column(String(OWNER_MAX))
    author: Mapped[str] = mapped_column(String(AUTHOR_MAX))
    tour_id: Mapped[str | None] = mapped_column(String(ID_MAX), nullable=True)
    relevant: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    departments: Mapped[list[str]] = mapped_column(JSON)
    text: Mapped[str] = mapped_column(Text)
    caption: Mapped[str] = mapped_column(String(CAPTION_MAX))
    photo: Mapped[bytes | None] = deferred(mapped_column(LargeBinary, nullable=True))
    photo_bytes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    photo_width: Mapped[int | None] = mapped_column(Integer, nullable=True)
    photo_height: Mapped[int | None] = mapped_column(Integer, nullable=True)
    location_kept: Mapped[bool] = mapped_column(Boolean)
    note_id: Mapped[int | None] = mapped_column(ForeignKey("notes.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


@dataclass(frozen=True)
class Capture:
    id: int
    client_key: str
    exhibition_id: str
    exhibit_id: str
    city_id: str
    author: str
    tour_id: str | None
    relevant: bool | None
    departments: tuple[str, ...]
    text: str
    caption: str
    has_photo: bool
    photo_width: int | None
    photo_height: int | None
    location_kept: bool
    note_id: int | None
    created_at: datetime
    repeated: bool = False  # this call sent a capture that was stored before

    @property
    def photo_name(self) -> str | None:
        """The photo's file name in exports (XLSX, zip)."""
        return f"{self.exhibit_id}-{self.id}.jpg" if self.has_photo else None

    @classmethod
    def _from_row(cls, row: CaptureRow, repeated: bool = False) -> Capture:
        return cls(
            id=row.id, client_key=row.client_key, exhibition_id=row.exhibition_id,
            exhibit_id=row.exhibit_id, city_id=row.city_id, author=row.author,
            tour_id=row.tour_id, relevant=row.relevant,
            departments=tuple(row.departments or ()), text=row.text, caption=row.caption,
            has_photo=row.photo_bytes is not None, photo_width=row.photo_width,
            photo_height=row.photo_height, location_kept=bool(row.location_kept),
            note_id=row.note_id, created_at=row.created_at, repeated=repeated,
        )


@dataclass(frozen=True)
class ExhibitDraft:
    """A person's drafts of one exhibit, merged: the latest mark wins, notes in order."""

    exhibit_id: str
    captures: tuple[Capture, ...]

    @property
    def relevant(self) -> bool | None:
        marks = [c.relevant for c in self.captures if c.relevant is not None]
        return marks[-1] if marks else None

    @property
    def departments(self) -> tuple[str, ...]:
        for capture in reversed(self.captures):
            if capture.departments:
                return capture.departments
        return ()

    @property
    def text(self) -> str:
        return "\n\n".join(c.text for c in self.captures if c.text)

    @property
    def photos(self) -> tuple[Capture, ...]:
        return tuple(c for c in self.captures if c.has_photo)

    @property
    def capture_ids(self) -> tuple[int, ...]:
        return tuple(c.id for c in self.captures)

    def suggested_relevance(self) -> int:
        """4 of 5 when marked "relevant for us" (an unmarked stop is no "not for us")."""
        return 4 if self.relevant else 3

    def suggested_transferability(self) -> Transferability:
        return Transferability.ADAPT


def owner_of(actor: roles.Actor, author: str | None) -> tuple[str, str]:
    """(owner key, shown name) of whoever captures: the signed-in address, else the name (in
    open workshop mode the typed name; it must not be empty, or drafts could not be told
    apart)."""
    if not isinstance(actor, roles.Actor):
        raise roles.PermissionDenied("no one is signed in: capturing needs a navigator")
    typed = roles.clean_name(author) if (actor.open_mode or not actor.name) else actor.name
    if not typed:
        if not actor.open_mode and actor.email:
            typed = roles.clean_name(actor.email)
        else:
            raise InvalidNote("your name is needed to keep your captures apart",
                              "capture_name")
    name = author_name(actor, typed)
    if not actor.open_mode and actor.email:
        return "email:" + actor.email.strip().casefold(), name
    return "name:" + " ".join(name.casefold().split()), name


def _check_key(value: object) -> str:
    if not isinstance(value, str) or not _KEY.fullmatch(value):
        raise InvalidNote("the capture's key is not valid", "capture_key")
    return value


def _check_departments(check: CatalogCheck, city: str, values: Iterable[object] | None
                       ) -> list[str]:
    found: list[str] = []
    for value in values or ():
        dep = check.department(city, value)
        if dep not in found:
            found.append(dep)
    if len(found) > DEPARTMENTS_MAX:
        raise InvalidNote(f"at most {DEPARTMENTS_MAX} departments", "too_many_departments",
                          max=DEPARTMENTS_MAX)
    return found


class CaptureStore:
    """Captures in the database at `url` (or a shared `Database`); `catalog` checks ids."""

    def __init__(self, url: str | Database, catalog: Any | None = None):
        self._db = url if isinstance(url, Database) else Database(url)
        self._check = CatalogCheck(catalog)

    @property
    def database(self) -> Database:
        return self._db

    # --- on the tour ---

    def capture(
        self,
        actor: roles.Actor,
        *,
        client_key: str,
        exhibit_id: str,
        city_id: str,
        author: str | None = None,
        tour_id: str | None = None,
        relevant: bool | None = None,
        departments: Iterable[str] | None = None,
        text: str = "",
        caption: str = "",
        photo: bytes | None = None,
        keep_location: bool = False,
        exhibition_id: str | None = None,
    ) -> Capture:
        """Store one capture as a draft of the person; the same `client_key` again returns
        the capture stored first (repeated=True) and writes nothing."""
        key = _check_key(client_key)
        city = self._check.city(city_id)
        roles.require_city_writer(actor, city, "captures")
        owner, name = owner_of(actor, author)
        exhibition = self._check.exhibition(exhibition_id)
        if (before := self._by_key(key, owner)) is not None:
            return before
        body = check_text("text", text, CAPTURE_TEXT_MAX, empty=True)
        prepared = capture_photos.prepare_photo(photo, keep_location=keep_location) \
            if photo is not None else None
        if relevant is not None and not isinstance(relevant, bool):
            raise InvalidNote("'relevant' must be yes or no", "choice", field="relevant")
        deps = _check_departments(self._check, city, departments)
        if relevant is None and not deps and not body and prepared is None:
            raise InvalidNote("there is nothing to keep in this capture", "capture_empty")
        now = utcnow()
        row = CaptureRow(
            client_key=key, exhibition_id=exhibition, exhibit_id=self._check.exhibit(exhibit_id),
            city_id=city, owner=owner, author=name,
            tour_id=None if tour_id is None else check_text("tour", tour_id, ID_MAX),
            relevant=relevant, departments=deps, text=body,
            caption=check_text("caption", caption, CAPTION_MAX, empty=True),
            photo=prepared.content if prepared else None,
            photo_bytes=len(prepared.content) if prepared else None,
            photo_width=prepared.width if prepared else None,
            photo_height=prepared.height if prepared else None,
            location_kept=bool(prepared and prepared.location_kept),
            version=1, created_at=now, updated_at=now,
        )
        try:
            with write_session(self._db) as session:
                session.add(row)
                session.flush()
                return Capture._from_row(row)
        except IntegrityError:  # the same key at the same moment from another process
            if (before := self._by_key(key, owner)) is not None:
                return before
            raise

    def _by_key(self, key: str, owner: str) -> Capture | None:
        with self._db.session(write=False) as session:
            row = session.scalar(select(CaptureRow).where(CaptureRow.client_key == key))
            if row is None:
                return None
            if row.owner != owner:  # someone else's key: never tell them what it holds
                raise InvalidNote("the capture's key is not valid", "capture_key")
            return Capture._from_row(row, repeated=True)

    # --- after the tour ---

    def drafts(self, actor: roles.Actor, *, city_id: str, author: str | None = None,
               exhibit_id: str | None = None, exhibition_id: str | None = None
               ) -> list[ExhibitDraft]:
        """The person's unpublished captures of `city_id`, per exhibit (oldest first)."""
        owner, _ = owner_of(actor, author)
        query = select(CaptureRow).where(
            CaptureRow.exhibition_id == self._check.exhibition(exhibition_id),
            CaptureRow.city_id == city_id, CaptureRow.owner == owner,
            CaptureRow.note_id.is_(None), CaptureRow.deleted_at.is_(None),
        ).order_by(CaptureRow.created_at, CaptureRow.id)
        if exhibit_id is not None:
            query = query.where(CaptureRow.exhibit_id == exhibit_id)
        with self._db.session(write=False) as session:
            rows = [Capture._from_row(r) for r in session.scalars(query)]
        by_exhibit: dict[str, list[Capture]] = {}
        for capture in rows:
            by_exhibit.setdefault(capture.exhibit_id, []).append(capture)
        return [ExhibitDraft(e, tuple(c)) for e, c in by_exhibit.items()]

    def count_drafts(self, actor: roles.Actor, *, city_id: str, author: str | None = None,
                     exhibition_id: str | None = None) -> int:
        return sum(len(d.captures) for d in self.drafts(
            actor, city_id=city_id, author=author, exhibition_id=exhibition_id))

    def photo(self, actor: roles.Actor, capture_id: int, *, author: str | None = None
              ) -> bytes:
        """A capture's photo: for its owner while a draft; once published, for whoever may
        read the note (another city only when it is shared). UnknownNoteError otherwise."""
        capture_id = int_id(capture_id, "photo")
        with self._db.session(write=False) as session:
            row = session.get(CaptureRow, capture_id)
            if row is None or row.photo_bytes is None or row.deleted_at is not None:
                raise UnknownNoteError("photo", capture_id)
            if row.note_id is None:
                try:
                    owner, _ = owner_of(actor, author)
                except (InvalidNote, roles.PermissionDenied):
                    owner = None
                if owner != row.owner:
                    raise UnknownNoteError("photo", capture_id)
            else:
                note = session.get(NoteRow, row.note_id)
                if note is None or note.deleted_at is not None or not (
                    note.shared or (isinstance(actor, roles.Actor)
                                    and actor.can_read_private(note.city_id))):
                    raise UnknownNoteError("photo", capture_id)
            return bytes(row.photo or b"")

    def note_photos(self, actor: roles.Actor, note_ids: Sequence[int]) -> dict[int, list[Capture]]:
        """The photos of published notes, by note id, for those notes `actor` may read."""
        ids = [int_id(n, "note") for n in note_ids]
        if not ids:
            return {}
        with self._db.session(write=False) as session:
            readable = {n.id for n in session.scalars(select(NoteRow).where(
                NoteRow.id.in_(ids), NoteRow.deleted_at.is_(None)))
                if n.shared or (isinstance(actor, roles.Actor)
                                and actor.can_read_private(n.city_id))}
            rows = session.scalars(select(CaptureRow).where(
                CaptureRow.note_id.in_(readable), CaptureRow.photo_bytes.is_not(None),
                CaptureRow.deleted_at.is_(None)).order_by(CaptureRow.created_at, CaptureRow.id))
            found: dict[int, list[Capture]] = {}
            for row in rows:
                found.setdefault(row.note_id, []).append(Capture._from_row(row))
        return found

    def publish(
        self,
        actor: roles.Actor,
        capture_ids: Sequence[int],
        *,
        department: str,
        text: str,
        relevance: int,
        transferability: Transferability | str,
        tags: Iterable[str] | None = None,
        shared: bool = True,
        author: str | None = None,
    ) -> Note:
        """One note of the person's drafts `capture_ids` (all of one exhibit and city), the
        drafts linked to it; drafts published before return their note (a repeated tap)."""
        ids = sorted({int_id(c, "capture") for c in capture_ids})
        if not ids:
            raise InvalidNote("there are no drafts to publish", "capture_empty")
        owner, name = owner_of(actor, author)
        with write_session(self._db) as session:
            rows = list(session.scalars(select(CaptureRow).where(CaptureRow.id.in_(ids))
                                        .with_for_update()))
            if len(rows) != len(ids) or any(r.owner != owner or r.deleted_at is not None
                                            for r in rows):
                raise UnknownNoteError("capture", ids[0])
            places = {(r.exhibition_id, r.exhibit_id, r.city_id) for r in rows}
            if len(places) != 1:
                raise InvalidNote("drafts of different exhibits are published one by one",
                                  "capture_mixed")
            exhibition, exhibit, city = places.pop()
            roles.require_city_writer(actor, city)
            published = {r.note_id for r in rows if r.note_id is not None}
            if published:
                if len(published) == 1 and all(r.note_id is not None for r in rows):
                    note = session.get(NoteRow, published.pop())
                    if note is not None:
                        return Note._from_row(note)
                raise InvalidNote("some of these drafts were published meanwhile",
                                  "capture_published")
            now = utcnow()
            note = NoteRow(
                exhibition_id=exhibition, exhibit_id=exhibit, city_id=city,
                department=self._check.department(city, department), author=name,
                text=check_text("text", text, TEXT_MAX),
                relevance=check_relevance(relevance),
                transferability=check_choice(Transferability, "transferability",
                                             transferability).value,
                tags=check_tags(tags), shared=bool(shared), version=1,
                created_at=now, updated_at=now,
            )
            session.add(note)
            session.flush()
            session.execute(update(CaptureRow).where(CaptureRow.id.in_(ids))
                            .values(note_id=note.id, updated_at=now,
                                    version=CaptureRow.version + 1)
                            .execution_options(synchronize_session=False))
            return Note._from_row(note)

    def discard(self, actor: roles.Actor, capture_id: int, *, author: str | None = None
                ) -> None:
        """Drop one of the person's drafts (a photo that did not work out)."""
        capture_id = int_id(capture_id, "capture")
        owner, _ = owner_of(actor, author)
        with write_session(self._db) as session:
            row = session.get(CaptureRow, capture_id)
            if row is None or row.owner != owner or row.note_id is not None:
                raise UnknownNoteError("capture", capture_id)
            roles.require_city_writer(actor, row.city_id, "captures")
            session.execute(update(CaptureRow).where(CaptureRow.id == capture_id)
                            .values(deleted_at=utcnow(), version=CaptureRow.version + 1)
                            .execution_options(synchronize_session=False))
