"""The database, through SQLAlchemy and Alembic, on SQLite (default) or PostgreSQL.

Split by what it keeps, on one engine (`engine.Database`): `tours` (saved tours), `notes`
(the cities' notes and follow-ups, `NoteStore`) and `workshop` (topics, working groups, project
ideas, `WorkshopStore`); each has its models on the shared `base.Base` and Alembic revisions in
`migrations/versions/`. The review stores take an `Actor` (dashboard.roles) on every
write and refuse what that actor may not do (`PermissionDenied`).

Every error is a `StoreError` (a ValueError) whose message can be shown as it is: it names no
password and no server path. `StoreUnavailable`: the database cannot be used (down, wrong URL,
unwritable file, not a database). `TourTooLarge` / `InvalidTour`: a tour the store refuses.
`CorruptTour`: a damaged row. `WrongExhibition`: a tour of another data folder
(`check_exhibition`). `UnknownTourError`: an id the database does not have.

`captures` (CaptureStore): what a person captured on the tour (marks, short notes, photos),
their drafts until published as a note in the review. `scorecards` (ScorecardStore): the
transfer scorecard of an exhibit per city, and the city's reflection date.

`lead` (LeadStore): a guide leading a saved tour and the tablets that follow it; the leading
device's key moves the group, the lead code takes it over on another device, tries limited
(`WrongLeadCode`, `NotLeading`, `TooManyTries`, `AlreadyLed`, `LeadEnded`, `UnknownLead` are
`LeadError`s). A lead may follow its own re-plan when the tour runs late (`set_plan`,
`undo_plan`; the saved tour is not touched). `questions` (QuestionStore): the group's questions
per stop, anonymous and rate limited (`TooManyQuestions`), kept for the review.
"""

from __future__ import annotations

from dashboard import settings
from dashboard.store.captures import Capture, CaptureStore, ExhibitDraft
from dashboard.store.engine import Database
from dashboard.store.errors import (
    CorruptTour,
    InvalidTour,
    StoreError,
    StoreUnavailable,
    TourTooLarge,
    UnknownTourError,
    WrongExhibition,
)
from dashboard.store.exhibitions import ExhibitionStore
from dashboard.store.lead import (
    AlreadyLed,
    Lead,
    LeadEnded,
    LeadError,
    LeadStore,
    NotLeading,
    TooManyTries,
    UnknownLead,
    WrongLeadCode,
)
from dashboard.store.notes import (
    FollowUp,
    FollowUpStatus,
    InvalidNote,
    Note,
    NoteStore,
    Transferability,
    UnknownNoteError,
    VersionConflict,
)
from dashboard.store.questions import (
    Question,
    QuestionError,
    QuestionStore,
    TooManyQuestions,
)
from dashboard.store.scorecards import (
    Factor,
    Rating,
    Reflection,
    Scorecard,
    ScorecardStore,
    Stage,
)
from dashboard.store.tours import (
    BUDGET_MAX_MINUTES,
    EARLIEST_DATE,
    EXHIBITION_ID_MAX,
    LATEST_DATE,
    MAX_STOPS,
    SPEC_MAX_BYTES,
    TITLE_MAX,
    TOUR_ID_ALPHABET,
    SavedTour,
    TourStore,
    check_date,
    check_exhibition,
    check_tour_spec,
    is_valid_tour_id,
    new_tour_id,
    unique_stops,
)
from dashboard.store.workshop import ProjectIdea, Topic, WorkingGroup, WorkshopStore

__all__ = [
    "BUDGET_MAX_MINUTES",
    "EARLIEST_DATE",
    "EXHIBITION_ID_MAX",
    "LATEST_DATE",
    "MAX_STOPS",
    "SPEC_MAX_BYTES",
    "TITLE_MAX",
    "TOUR_ID_ALPHABET",
    "AlreadyLed",
    "Capture",
    "CaptureStore",
    "CorruptTour",
    "Database",
    "ExhibitDraft",
    "ExhibitionStore",
    "Factor",
    "FollowUp",
    "FollowUpStatus",
    "InvalidNote",
    "InvalidTour",
    "Lead",
    "LeadEnded",
    "LeadError",
    "LeadStore",
    "NotLeading",
    "Note",
    "NoteStore",
    "ProjectIdea",
    "Question",
    "QuestionError",
    "QuestionStore",
    "Rating",
    "Reflection",
    "SavedTour",
    "Scorecard",
    "ScorecardStore",
    "Stage",
    "StoreError",
    "StoreUnavailable",
    "TooManyQuestions",
    "TooManyTries",
    "Topic",
    "TourStore",
    "TourTooLarge",
    "Transferability",
    "UnknownLead",
    "UnknownNoteError",
    "UnknownTourError",
    "VersionConflict",
    "WorkingGroup",
    "WorkshopStore",
    "WrongExhibition",
    "WrongLeadCode",
    "check_date",
    "check_exhibition",
    "check_tour_spec",
    "is_valid_tour_id",
    "new_tour_id",
    "open_review_stores",
    "open_store",
    "unique_stops",
]


def open_store(url: str | None = None) -> TourStore:
    """A store for `url`, or for the LERNREISE_DATABASE_URL setting when url is None."""
    return TourStore(url if url is not None else settings.get("LERNREISE_DATABASE_URL"))


def open_review_stores(
    catalog: object | None = None, url: str | None = None
) -> tuple[NoteStore, WorkshopStore]:
    """The notes and workshop stores on one engine for `url` (default: the
    LERNREISE_DATABASE_URL setting), checking ids against `catalog` when given."""
    database = Database(url if url is not None else settings.get("LERNREISE_DATABASE_URL"))
    return NoteStore(database, catalog), WorkshopStore(database, catalog)
