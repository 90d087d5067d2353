"""Exhibitions edited in the app: drafts and published versions (`ExhibitionStore`).

What an organiser edits lives here, not in a folder, so that every replica sees the same. An
exhibition has one draft (the data folder's files as a deterministic zip, with who saved it,
when, and the validator's problems) and a list of published versions, numbered 1, 2, …; each
version is immutable and keeps its author, time and message. Restoring version n publishes a
new version with n's files. A version's zip is what `export` hands out, byte for byte.

Rules the store enforces for every caller (the editor page and the command line alike):
- Every write takes an `Actor` and is refused (PermissionDenied) unless it may edit
  (dashboard.editor.access).
- No lost updates: a draft save names the draft revision it started from, a publish or restore
  the version it started from; when someone saved or published in between, `VersionConflict`
  says so and nothing is written (the notes' version check, dashboard/store/notes.py).
- Nothing invalid is published: the draft's files are checked with the same loader and
  validator as `python -m dashboard validate`; `InvalidExhibition` carries every problem.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    select,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column

from dashboard.editor import access
from dashboard.store.base import Base, UTCDateTime, utcnow
from dashboard.store.engine import Database
from dashboard.store.errors import StoreError
from dashboard.store.notes import write_session

ID_MAX = 64
AUTHOR_MAX = 100
MESSAGE_MAX = 500
NAME_MAX = 200


class InvalidExhibition(StoreError):
    """A draft that cannot be published (or an id or message the store refuses)."""

    def __init__(self, message: str, problems: list[str] | None = None):
        self.problems = list(problems or [])
        super().__init__(message)


class UnknownExhibition(StoreError):
    def __init__(self, exhibition_id: object, version: int | None = None):
        self.exhibition_id = exhibition_id
        what = f"version {version} of " if version is not None else ""
        super().__init__(f"unknown {what}exhibition {str(exhibition_id)[:40]!r}")


class ExhibitionConflict(StoreError):
    """Someone saved or published the exhibition after the caller loaded it."""

    def __init__(self, what: str, current: int, yours: int):
        self.current = current
        self.yours = yours
        super().__init__(
            f"the {what} was changed meanwhile (now {current}, you started from {yours}): "
            "nothing was written; your edits are still here: load the newer one and redo them")


# --- tables ----------------------------------------------------------------------------------


class ExhibitionRow(Base):
    __tablename__ = "exhibitions"

    id: Mapped[str] = mapped_column(String(ID_MAX), primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    # The newest published version (0: none yet); publishing checks and raises it by one.
    head: Mapped[int] = mapped_column(Integer)
    draft: Mapped[bytes] = mapped_column(LargeBinary)
    draft_revision: Mapped[int] = mapped_column(Integer)
    draft_author: Mapped[str] = mapped_column(String(AUTHOR_MAX))
    draft_problems: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ExhibitionVersionRow(Base):
    __tablename__ = "exhibition_versions"

    exhibition_id: Mapped[str] = mapped_column(
        ForeignKey("exhibitions.id", ondelete="CASCADE"), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    author: Mapped[str] = mapped_column(String(AUTHOR_MAX))
    message: Mapped[str] = mapped_column(Text)
    restored_from: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


# --- what the store hands out ----------------------------------------------------------------


@dataclass(frozen=True)
class Exhibition:
    id: str
    name: str
    head: int
    draft_revision: int
    draft_author: str
    draft_problems: tuple[str, ...]
    created_at: datetime
    updated_at: datetime

    @classmethod
    def _from_row(cls, row: ExhibitionRow) -> Exhibition:
        return cls(id=row.id, name=row.name, head=row.head, draft_revision=row.draft_revision,
                   draft_author=row.draft_author,
                   draft_problems=tuple(row.draft_problems or ()),
                   created_at=row.created_at, updated_at=row.updated_at)


@dataclass(frozen=True)
class Version:
    exhibition_id: str
    number: int
    sha256: str
    author: str
    message: str
    restored_from: int | None
    created_at: datetime
    size: int

    @classmethod
    def _from_row(cls, row: ExhibitionVersionRow) -> Version:
        return cls(exhibition_id=row.exhibition_id, number=row.number, sha256=row.sha256,
                   author=row.author, message=row.message, restored_from=row.restored_from,
                   created_at=row.created_at, size=len(row.content))


@dataclass(frozen=True)
class VersionDiff:
    """What changed from version `old` to `new`: exhibits by id, and the other files."""

    old: int
    new: int
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: dict[str, tuple[str, ...]]  # exhibit id -> the fields that differ
    files_changed: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.files_changed)


# --- checks ----------------------------------------------------------------------------------


def _check_id(exhibition_id: object) -> str:
    from dashboard.editor.draft import slug

    if not isinstance(exhibition_id, str) or slug(exhibition_id, "") != exhibition_id:
        raise InvalidExhibition(
            f"an exhibition id is lower-case letters, digits and hyphens, got "
            f"{str(exhibition_id)[:40]!r}")
    return exhibition_id


def _check_int(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidExhibition(f"the {what} must be a whole number")
    return value


def _author(actor: access.Actor) -> str:
    return access.author_of(actor)[:AUTHOR_MAX]


def _files_of(content: bytes) -> dict[str, bytes]:
    from dashboard.editor import bundle

    files, _ = bundle.from_zip(content)
    return files


# --- the store -------------------------------------------------------------------------------


class ExhibitionStore:
    """Exhibitions and their versions in the database at `url` (or a shared `Database`)."""

    def __init__(self, url: str | Database):
        self._db = url if isinstance(url, Database) else Database(url)

    @property
    def database(self) -> Database:
        return self._db

    def dispose(self) -> None:
        self._db.dispose()

    # --- drafts ---

    def create(self, actor: access.Actor, exhibition_id: str, name: str,
               files: Mapping[str, bytes]) -> Exhibition:
        """A new exhibition with `files` as its draft; InvalidExhibition if the id is taken."""
        from dashboard.editor import bundle

        access.require_creator(actor)
        exhibition_id = _check_id(exhibition_id)
        now = utcnow()
        row = ExhibitionRow(
            id=exhibition_id, name=str(name)[:NAME_MAX] or exhibition_id, head=0,
            draft=bundle.to_zip(files), draft_revision=1, draft_author=_author(actor),
            draft_problems=[str(p) for p in bundle.check(files)],
            created_at=now, updated_at=now)
        with write_session(self._db) as session:
            if session.get(ExhibitionRow, exhibition_id) is not None:
                raise InvalidExhibition(f"an exhibition {exhibition_id!r} exists already; "
                                        "choose another id or open it")
            session.add(row)
            session.flush()
            return Exhibition._from_row(row)

    def get(self, exhibition_id: str) -> Exhibition:
        with self._db.session(write=False) as session:
            row = session.get(ExhibitionRow, exhibition_id)
            if row is None:
                raise UnknownExhibition(exhibition_id)
            return Exhibition._from_row(row)

    def list(self) -> list[Exhibition]:
        with self._db.session(write=False) as session:
            rows = session.scalars(select(ExhibitionRow).order_by(ExhibitionRow.id))
            return [Exhibition._from_row(r) for r in rows]

    def draft(self, exhibition_id: str) -> tuple[Exhibition, dict[str, bytes]]:
        """The exhibition and its draft's files."""
        with self._db.session(write=False) as session:
            row = session.get(ExhibitionRow, exhibition_id)
            if row is None:
                raise UnknownExhibition(exhibition_id)
            return Exhibition._from_row(row), _files_of(row.draft)

    def save_draft(self, actor: access.Actor, exhibition_id: str, files: Mapping[str, bytes],
                   *, revision: int) -> Exhibition:
        """Replace the draft loaded at `revision`; ExhibitionConflict (nothing written) when
        someone saved it since. The validator's problems are kept with it."""
        from dashboard.editor import bundle

        access.require_editor(actor, exhibition_id)
        revision = _check_int(revision, "draft revision")
        content = bundle.to_zip(files)
        problems = [str(p) for p in bundle.check(files)]
        with write_session(self._db) as session:
            row = session.get(ExhibitionRow, exhibition_id)
            if row is None:
                raise UnknownExhibition(exhibition_id)
            if row.draft_revision != revision:
                raise ExhibitionConflict("draft", row.draft_revision, revision)
            result = session.execute(
                update(ExhibitionRow)
                .where(ExhibitionRow.id == exhibition_id,
                       ExhibitionRow.draft_revision == revision)
                .values(draft=content, draft_revision=revision + 1, draft_author=_author(actor),
                        draft_problems=problems, updated_at=utcnow())
                .execution_options(synchronize_session=False))
            if result.rowcount != 1:
                raise ExhibitionConflict("draft", revision + 1, revision)
            session.expire(row)
            return Exhibition._from_row(session.get(ExhibitionRow, exhibition_id))

    # --- versions ---

    def publish(self, actor: access.Actor, exhibition_id: str, *, head: int,
                message: str = "") -> Version:
        """Publish the draft as version head + 1; ExhibitionConflict when another version was
        published since `head`, InvalidExhibition with every problem when the draft is not a
        valid data folder."""
        from dashboard.editor import bundle

        access.require_editor(actor, exhibition_id)
        head = _check_int(head, "version")
        _, files = self.draft(exhibition_id)
        if problems := bundle.check(files):
            raise InvalidExhibition(
                f"the draft has {len(problems)} problem(s) and was not published; fix them "
                "first", [str(p) for p in problems])
        return self._add_version(actor, exhibition_id, head, bundle.to_zip(files), message, None)

    def restore(self, actor: access.Actor, exhibition_id: str, number: int, *, head: int,
                message: str = "") -> Version:
        """Publish version `number`'s files again as a new version (and make them the draft)."""
        access.require_editor(actor, exhibition_id)
        head = _check_int(head, "version")
        content = self._content(exhibition_id, _check_int(number, "version"))
        version = self._add_version(actor, exhibition_id, head, content,
                                    message or f"restored version {number}", number)
        return version

    def _add_version(self, actor: access.Actor, exhibition_id: str, head: int, content: bytes,
                     message: str, restored_from: int | None) -> Version:
        if not isinstance(message, str) or len(message) > MESSAGE_MAX:
            raise InvalidExhibition(f"a version's message is at most {MESSAGE_MAX} characters")
        now = utcnow()
        with write_session(self._db) as session:
            row = session.get(ExhibitionRow, exhibition_id)
            if row is None:
                raise UnknownExhibition(exhibition_id)
            if row.head != head:
                raise ExhibitionConflict("published exhibition", row.head, head)
            result = session.execute(
                update(ExhibitionRow)
                .where(ExhibitionRow.id == exhibition_id, ExhibitionRow.head == head)
                .values(head=head + 1, updated_at=now,
                        **({"draft": content, "draft_revision": row.draft_revision + 1,
                            "draft_problems": []} if restored_from is not None else {}))
                .execution_options(synchronize_session=False))
            if result.rowcount != 1:
                raise ExhibitionConflict("published exhibition", head + 1, head)
            version = ExhibitionVersionRow(
                exhibition_id=exhibition_id, number=head + 1, content=content,
                sha256=hashlib.sha256(content).hexdigest(), author=_author(actor),
                message=message.strip(), restored_from=restored_from, created_at=now)
            session.add(version)
            session.flush()
            return Version._from_row(version)

    def versions(self, exhibition_id: str) -> list[Version]:
        """Every published version, newest first."""
        with self._db.session(write=False) as session:
            if session.get(ExhibitionRow, exhibition_id) is None:
                raise UnknownExhibition(exhibition_id)
            rows = session.scalars(
                select(ExhibitionVersionRow)
                .where(ExhibitionVersionRow.exhibition_id == exhibition_id)
                .order_by(ExhibitionVersionRow.number.desc()))
            return [Version._from_row(r) for r in rows]

    def _content(self, exhibition_id: str, number: int | None) -> bytes:
        with self._db.session(write=False) as session:
            if number is None:
                ex = session.get(ExhibitionRow, exhibition_id)
                if ex is None:
                    raise UnknownExhibition(exhibition_id)
                if ex.head == 0:
                    raise UnknownExhibition(exhibition_id, 1)
                number = ex.head
            row = session.get(ExhibitionVersionRow, (exhibition_id, number))
            if row is None:
                raise UnknownExhibition(exhibition_id, number)
            return row.content

    def export(self, exhibition_id: str, number: int | None = None) -> bytes:
        """Version `number` (default: the newest) as the zip of its data folder."""
        return self._content(exhibition_id, number)

    def files(self, exhibition_id: str, number: int | None = None) -> dict[str, bytes]:
        return _files_of(self._content(exhibition_id, number))

    def published(self, exhibition_id: str, number: int | None = None
                  ) -> tuple[int, str, bytes]:
        """(number, sha256, zip) of version `number` (default: the newest)."""
        with self._db.session(write=False) as session:
            ex = session.get(ExhibitionRow, exhibition_id)
            if ex is None:
                raise UnknownExhibition(exhibition_id)
            number = ex.head if number is None else number
            row = session.get(ExhibitionVersionRow, (exhibition_id, number))
            if row is None:
                raise UnknownExhibition(exhibition_id, number or 1)
            return row.number, row.sha256, row.content

    def diff(self, exhibition_id: str, old: int, new: int) -> VersionDiff:
        return diff_files(self.files(exhibition_id, old), self.files(exhibition_id, new),
                          old, new)


def diff_files(before: Mapping[str, bytes], after: Mapping[str, bytes], old: int = 0,
               new: int = 0) -> VersionDiff:
    """What changed between two sets of files (exhibits by id and field, other files by name)."""
    from dashboard.editor import draft

    def by_id(files: Mapping[str, bytes]) -> dict[str, dict[str, Any]]:
        return {str(e.get("id")): e for e in draft.exhibits(files)}

    a, b = by_id(before), by_id(after)
    changed = {}
    for ident in a.keys() & b.keys():
        fields = sorted(k for k in a[ident].keys() | b[ident].keys()
                        if a[ident].get(k) != b[ident].get(k))
        image = a[ident].get("image")
        if image and before.get(image) != after.get(image) and "image" not in fields:
            fields.append("image")
        if fields:
            changed[ident] = tuple(fields)
    files = sorted(n for n in before.keys() | after.keys()
                   if before.get(n) != after.get(n) and not n.startswith("images/"))
    if "exhibits.yaml" in files:
        rest_a = {k: v for k, v in draft.read_yaml(before, "exhibits.yaml").items()
                  if k != "exhibits"}
        rest_b = {k: v for k, v in draft.read_yaml(after, "exhibits.yaml").items()
                  if k != "exhibits"}
        if rest_a == rest_b:
            files.remove("exhibits.yaml")
    return VersionDiff(old=old, new=new, added=tuple(sorted(b.keys() - a.keys())),
                       removed=tuple(sorted(a.keys() - b.keys())), changed=dict(sorted(
                           changed.items())), files_changed=tuple(files))
