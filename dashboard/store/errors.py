"""The store's exceptions. Each is a `StoreError`, a ValueError like those in dashboard/errors.py.

Their str() is a message for the person in front of the page or the terminal: it names no
password and no server path, so a page may show it as it is. Technical detail for the log or
the command line is in `StoreUnavailable.detail`, with the password removed.
"""

from __future__ import annotations

from typing import Any


class StoreError(ValueError):
    """Anything the store refuses or cannot do; str() is safe to show."""


class UnknownTourError(StoreError):
    """A tour id that the database does not have (e.g. from a URL)."""

    def __init__(self, tour_id: object):
        self.tour_id = tour_id
        super().__init__(f"unknown tour id {str(tour_id)[:40]!r}")


class InvalidTour(StoreError):
    """A tour the store refuses to save: its spec or title is not a valid tour."""


class TourTooLarge(InvalidTour):
    """A tour over one of the limits: too many stops, too long a title, too large a spec."""


class CorruptTour(StoreError):
    """A row in the database that does not hold a valid tour (edited by hand, damaged)."""

    def __init__(self, tour_id: str, reason: str):
        self.tour_id = tour_id
        self.reason = reason
        super().__init__(f"the saved tour {tour_id!r} is damaged and cannot be opened: {reason}")


class WrongExhibition(StoreError):
    """A saved tour of another exhibition than the one the app shows (another data folder)."""

    def __init__(self, tour_id: str, tour_exhibition: str, shown_exhibition: str):
        self.tour_id = tour_id
        self.tour_exhibition = tour_exhibition
        self.shown_exhibition = shown_exhibition
        super().__init__(
            f"the saved tour {tour_id!r} belongs to the exhibition {tour_exhibition!r}, "
            f"but this app shows {shown_exhibition!r}: open it where that exhibition is loaded"
        )


class StoreUnavailable(StoreError):
    """The database cannot be used right now: server down, wrong URL, unwritable file, a file
    that is not a database, a schema from a newer version of the app.

    str() says what is wrong in words for a visitor; `detail` adds the redacted URL and the
    driver's message for the log and the command line (never the password).
    """

    def __init__(self, message: str, detail: str = ""):
        self.detail = detail
        super().__init__(message)


# --- the review's stores (notes, follow-ups, workshop) ---


class InvalidNote(StoreError):
    """A note, follow-up or topic the store refuses (a field out of range, an unknown id).

    str() is the English message for logs and the command line; `reason` names it for a page
    that says it in the reader's language (i18n "store.<reason>" with `values`)."""

    def __init__(self, message: str, reason: str | None = None, **values: object):
        self.reason = reason
        self.values = values
        super().__init__(message)


class UnknownNoteError(StoreError):
    def __init__(self, kind: str, item_id: object):
        self.item_id = item_id
        super().__init__(f"unknown {kind} {str(item_id)[:40]!r}")


class VersionConflict(StoreError):
    """Someone saved the item after the caller loaded it; nothing was written.

    `theirs` is the text now in the database, `yours` the text the caller tried to save, and
    `current` the item as it is now (a page offers both texts to merge by hand).
    """

    def __init__(self, kind: str, current: Any, yours: str):
        self.current = current
        self.theirs = getattr(current, "text", None) or getattr(current, "action", "")
        self.yours = yours
        self.version = current.version
        super().__init__(
            f"this {kind} was changed meanwhile (now version {current.version}): your changes "
            "were not saved; compare both texts and save again"
        )
