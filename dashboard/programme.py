"""The trip's programme (optional): sessions with times, places and guiding questions.

A data folder may carry `programme.yaml` (schema: docs/data-format.md, "programme.yaml"). The
review shows it, and a session's guiding questions beside the notes form. A folder without the
file has no programme (`load_programme` returns None); a file with mistakes raises DataError
listing every problem, like the catalogue.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from dashboard.catalog import _section, _unique, _validate_item
from dashboard.errors import DataError, Problem
from dashboard.models import Catalog, Localized, Slug, _Model, _parse_hhmm
from dashboard.validate import unknown_refs
from dashboard.yaml_reader import read_yaml

PROGRAMME_FILE = "programme.yaml"
SessionKind = Literal["plenary", "walk", "group", "open_space", "break"]


class Session(_Model):
    id: Slug
    title: Localized
    start: dt.time
    end: dt.time
    kind: SessionKind = "plenary"
    # An exhibit or entrance of the catalogue (the review links it), or a place in words.
    place_id: Slug | None = None
    place: Localized | None = None
    # Departments this session is for (a group session of one field of work); none: everyone.
    departments: list[Slug] = Field(default_factory=list)
    guiding_questions: list[Localized] = Field(default_factory=list)

    _times = field_validator("start", "end", mode="before")(_parse_hhmm)

    @model_validator(mode="after")
    def _order(self) -> Session:
        if self.end <= self.start:
            raise ValueError(f"ends ({self.end:%H:%M}) before it starts ({self.start:%H:%M})")
        return self


class _Header(_Model):
    title: Localized
    date: dt.date | None = None
    city: Slug | None = None  # the hosting city, if the programme is one city's


@dataclass(frozen=True)
class Programme:
    title: Localized
    date: dt.date | None
    city: str | None
    sessions: tuple[Session, ...]  # by start time

    def questions_for(self, department: str | None = None) -> list[tuple[Session, Localized]]:
        """Guiding questions (with their session) for a department's notes form: those of
        sessions for that department and of sessions for everyone."""
        return [
            (s, q) for s in self.sessions for q in s.guiding_questions
            if not s.departments or department is None or department in s.departments
        ]

    def now(self, moment: dt.time) -> list[Session]:
        """Sessions running at `moment` (parallel group sessions: several)."""
        return [s for s in self.sessions if s.start <= moment < s.end]


def load_programme(data_dir: Path | str, catalog: Catalog) -> Programme | None:
    """The programme of the data folder, None without programme.yaml; DataError otherwise."""
    path = Path(data_dir) / PROGRAMME_FILE
    if not path.exists() and not path.is_symlink():  # a link to nothing is a problem
        return None
    problems: list[Problem] = []
    data = read_yaml(path, PROGRAMME_FILE, problems)
    programme = parse_programme(data, catalog, problems) if data is not None else None
    if problems or programme is None:
        raise DataError(problems)
    return programme


def parse_programme(data: dict[str, Any], catalog: Catalog, problems: list[Problem]
                    ) -> Programme | None:
    """Validate the parsed YAML; problems are appended (and None returned) on mistakes."""
    label = PROGRAMME_FILE
    before = len(problems)
    raw_header = {k: v for k, v in data.items() if k != "sessions"}
    header = _validate_item(_Header, raw_header, label, "programme", problems)
    sessions = _unique(_section(data, "sessions", Session, label, "session", problems),
                       label, "session", problems)
    if header is not None and header.city is not None and header.city not in catalog.cities:
        problems.append(Problem(label, f"unknown city {header.city!r}", "programme", "city"))
    places = {**catalog.exhibits, **catalog.entrances}
    for session in sessions.values():
        item = f"session {session.id!r}"
        if session.place_id is not None:
            for message in unknown_refs([session.place_id], places, "exhibit or entrance"):
                problems.append(Problem(label, message, item, "place_id"))
        for message in unknown_refs(session.departments, catalog.departments, "department"):
            problems.append(Problem(label, message, item, "departments"))
    if header is None or len(problems) > before:
        return None
    ordered = sorted(sessions.values(), key=lambda s: (s.start, s.end, s.id))
    return Programme(header.title, header.date, header.city, tuple(ordered))
