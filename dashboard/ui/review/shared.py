"""What every tab of the review uses: who writes, the city, the stores, the programme, the
outcome of a write as a message next to its control, and the notes' HTML.

Writes happen in callbacks and go through the store, which checks the actor: a visitor or a
navigator of another city is refused there even if a form were forged. A refused or failed
write never raises into the page: it becomes a message (dashboard.ui.messages) for the place
of the control that caused it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import sqlalchemy.exc
import streamlit as st

from dashboard import catalog as cat
from dashboard import presentation as fmt
from dashboard import programme as prog
from dashboard import settings, store
from dashboard.errors import DataError
from dashboard.i18n import t
from dashboard.review.markdown import render_html
from dashboard.roles import Actor, PermissionDenied
from dashboard.store.errors import InvalidNote, UnknownNoteError
from dashboard.ui import auth, common, messages, styles
from dashboard.ui.review.state import TABS, ReviewState

# Errors of the database that mean "not now": the page says so and goes on.
DB_ERRORS: tuple[type[Exception], ...] = (store.StoreError, sqlalchemy.exc.SQLAlchemyError,
                                          OSError)
T = TypeVar("T")


def style() -> None:
    """The review's own CSS (static/css/review.css; no user text in it)."""
    styles.apply("review")


# --------------------------------------------------------------------------- outcomes


def reason(exc: Exception, lang: str) -> str:
    """Why the store refused, in the reader's language (the English text when unnamed)."""
    if isinstance(exc, InvalidNote) and exc.reason:
        values = dict(exc.values)
        if "field" in values:
            values["field"] = t(f"store.field.{values['field']}", lang)
        text = t(f"store.{exc.reason}", lang, **values)
        return text[:1].upper() + text[1:]
    if isinstance(exc, UnknownNoteError):
        return t("store.unknown", lang)
    if isinstance(exc, PermissionDenied):
        return t("store.denied", lang)
    return str(exc)


def failure(exc: Exception, lang: str) -> tuple[str, str]:
    """A store error as (level, message) for the person in front of the page."""
    if isinstance(exc, PermissionDenied):
        return "error", t("review.denied", lang, reason=reason(exc, lang))
    if isinstance(exc, store.StoreUnavailable) or not isinstance(exc, store.StoreError):
        return "error", t("review.store_down", lang)
    return "warning", t("review.refused", lang, reason=reason(exc, lang))


def attempt(where: str, lang: str, write: Callable[[], T], success: str | None = None
            ) -> T | None:
    """Run a write; its outcome becomes a message of `where`. None when it failed."""
    try:
        result = write()
    except DB_ERRORS as exc:
        messages.say(where, *failure(exc, lang))
        return None
    if success:
        messages.say(where, "success", success)
    return result


def read(lang: str, load: Callable[[], T], default: T) -> T:
    """A read for the page body: on a database error a message and `default`."""
    try:
        return load()
    except DB_ERRORS as exc:
        common.notice(*failure(exc, lang))
        return default


# --------------------------------------------------------------------------- who and where


def account(catalog: cat.Catalog, lang: str) -> Actor:
    """Who is writing: sign-in or the open workshop banner (dashboard.ui.auth)."""
    return auth.account_bar(catalog, lang)


def city(catalog: cat.Catalog, lang: str) -> cat.City:
    """The visiting city under review (?city=); without any city in the data, a message."""
    chosen = common.city_picker(catalog, lang)
    if chosen is None:
        common.notice("info", t("review.no_cities", lang), icon=":material/location_city:")
        st.stop()
    return chosen


@st.cache_resource(show_spinner=False, max_entries=4)
def _stores(url: str, data: tuple, _catalog: cat.Catalog
            ) -> tuple[store.NoteStore, store.WorkshopStore]:
    # Per database and data folder, shared by all sessions (the stores keep no user data;
    # each call opens its own short session), on the tour store's engine when it has one:
    # one connection pool per process, as for the lead store.
    tours = common.tour_store()
    database = tours.database if tours is not None else url
    return store.NoteStore(database, _catalog), store.WorkshopStore(database, _catalog)


def stores(catalog: cat.Catalog, lang: str) -> tuple[store.NoteStore, store.WorkshopStore]:
    """The notes and workshop stores, or a message and st.stop() when the database cannot
    be used (the review has nothing to show without it; what was typed is kept in the
    page's state and comes back with the database)."""
    try:
        notes, workshop = _stores(settings.get("LERNREISE_DATABASE_URL"),
                                  common.data_key(catalog), catalog)
        notes.count_notes()  # the first use migrates; a broken database says so here
    except DB_ERRORS as exc:
        common.notice(*failure(exc, lang), icon=":material/cloud_off:")
        st.stop()
        raise  # unreachable: st.stop() raises
    return notes, workshop


@st.cache_resource(show_spinner=False, max_entries=4)
def _programme(data: tuple, _catalog: cat.Catalog) -> prog.Programme | None:
    return prog.load_programme(_catalog.data_dir, _catalog)


def programme(catalog: cat.Catalog, lang: str) -> prog.Programme | None:
    """The trip's programme (programme.yaml), None without one; a broken file is a message."""
    try:
        return _programme(common.data_key(catalog), catalog)
    except DataError as exc:
        common.notice("warning", t("review.programme_error", lang, count=len(exc.problems)))
        st.code("\n".join(str(p) for p in exc.problems), language=None, wrap_lines=True)
        return None


def programme_box(catalog: cat.Catalog, programme_: prog.Programme | None, lang: str) -> None:
    """The trip's sessions (times, places, guiding questions), when the data has them."""
    if programme_ is None:
        return
    with st.expander(t("review.programme", lang, title=catalog.text(programme_.title, lang)),
                     icon=":material/event_note:"):
        if programme_.date:
            common.text(fmt.long_date(programme_.date, lang))
        for session in programme_.sessions:
            place = catalog.text(session.place, lang) if session.place else ""
            if session.place_id:
                target = catalog.exhibits.get(session.place_id) or \
                    catalog.entrances.get(session.place_id)
                place = catalog.text(target.name, lang) if target else session.place_id
            line = f"{fmt.clock(session.start)}–{fmt.clock(session.end)} · " \
                   f"{catalog.text(session.title, lang)}"
            common.text(line + (f" · {place}" if place else ""), bold=True)
            common.bullets([catalog.text(q, lang) for q in session.guiding_questions])


def tab_picker(state: ReviewState, lang: str) -> str:
    """The tab control: a segmented control, so that only the open tab is drawn (st.tabs
    would run all five on every tap, with the insights' charts and 3D map)."""
    state.values["tab"] = state.tab
    st.segmented_control(t("review.tabs", lang), TABS, key=state.bind("tab", state.tab, TABS),
                         format_func=lambda tab: t(f"review.tab.{tab}", lang), required=True,
                         on_change=state.choose_tab, label_visibility="collapsed",
                         width="stretch")
    return state.tab


# --------------------------------------------------------------------------- shown text


def note_html(text: str) -> str:
    """A note's Markdown as the sanitised HTML st.html shows (never empty)."""
    return f'<div class="review-note">{render_html(text) or "<p></p>"}</div>'
