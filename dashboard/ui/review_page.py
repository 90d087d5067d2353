"""The navigators' review page: a city's notes per exhibit beside the other cities' and the
curated ones, follow-ups, the workshop (open space) and the trip report.

Every session key of the page is under "review.". Writes happen in callbacks (they run before
the page script, so widget values may be reset there) and go through the store, which checks
the actor: a visitor or a navigator of another city is refused there even if a form were
forged. Each callback leaves its outcome as a message for its section (`_say` / `messages`);
a refused or failed write never raises into the page.

Text from the database or the data reaches Streamlit only escaped (common.text and friends)
or, for the Markdown of notes, topics and ideas, as the sanitised HTML of
review.markdown.render_html through st.html (which does not read Markdown again, so no
Streamlit directive or LaTeX in a note comes alive).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any, TypeVar

import sqlalchemy.exc
import streamlit as st

from dashboard import catalog as cat
from dashboard import presentation as fmt
from dashboard import programme as prog
from dashboard import report, settings, store
from dashboard.errors import DataError
from dashboard.i18n import LANGUAGES, t
from dashboard.review import domain
from dashboard.review.markdown import render_html
from dashboard.roles import Actor, PermissionDenied
from dashboard.store import notes as notes_mod
from dashboard.store.notes import FollowUp, FollowUpStatus, Note, Transferability
from dashboard.ui import auth, common, review_insights

P = "review."
EXHIBIT = P + "exhibit"  # widget key of the exhibit list; also ?exhibit=
_BAD_EXHIBIT = P + "bad_exhibit"
_MESSAGES = P + "messages"
_EDIT = P + "edit"  # {"id": note id, "version": version it was loaded at}
_CONFLICT = P + "conflict"  # {"id", "version" (now), "theirs", "yours"}
_UNDO = P + "deleted_note"  # id of the note just deleted (the Undo button restores it)
FILTERS = {"department": P + "f_department", "transferability": P + "f_transferability",
           "noted": P + "f_noted"}
OPEN_ONLY = P + "fu_open_only"
TRANSFERABILITY = [v.value for v in Transferability]
STATUSES = [v.value for v in FollowUpStatus]
RELEVANCE = [1, 2, 3, 4, 5]
# Errors of the database that mean "not now": the page says so and goes on.
DB_ERRORS: tuple[type[Exception], ...] = (store.StoreError, sqlalchemy.exc.SQLAlchemyError,
                                          OSError)

T = TypeVar("T")


# --------------------------------------------------------------------------- style

# Our own CSS (no user text): tabs are 44 px touch targets like the buttons of common.py; the
# notes' HTML gets no extra margin after its last paragraph.
_CSS = """
<style>
[data-testid="stTab"] { min-height: 44px; }
.review-note > :last-child { margin-bottom: 0; }
</style>
"""


def style() -> None:
    st.html(_CSS)


# --------------------------------------------------------------------------- messages


def _say(where: str, level: str, message: str) -> None:
    st.session_state.setdefault(_MESSAGES, {}).setdefault(where, []).append((level, message))


def messages(where: str) -> None:
    """The outcome of the last action of one section (shown, then forgotten)."""
    for level, message in st.session_state.get(_MESSAGES, {}).pop(where, []):
        common.notice(level, message)


def _failure(exc: Exception, lang: str) -> tuple[str, str]:
    """A store error as (level, message) for the person in front of the page."""
    if isinstance(exc, PermissionDenied):
        return "error", t("review.denied", lang, reason=str(exc))
    if isinstance(exc, store.StoreUnavailable) or not isinstance(exc, store.StoreError):
        return "error", t("review.store_down", lang)
    return "warning", t("review.refused", lang, reason=str(exc))


def _attempt(where: str, lang: str, write: Callable[[], T], success: str | None = None
             ) -> T | None:
    """Run a write; its outcome becomes a message of `where`. None when it failed."""
    try:
        result = write()
    except DB_ERRORS as exc:
        _say(where, *_failure(exc, lang))
        return None
    if success:
        _say(where, "success", success)
    return result


def _read(lang: str, read: Callable[[], T], default: T) -> T:
    """A read for the page body: on a database error a message and `default`."""
    try:
        return read()
    except DB_ERRORS as exc:
        common.notice(*_failure(exc, lang))
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
    be used (the review has nothing to show without it)."""
    try:
        notes, workshop = _stores(settings.get("LERNREISE_DATABASE_URL"),
                                  common.data_key(catalog), catalog)
        notes.count_notes()  # the first use migrates; a broken database says so here
    except DB_ERRORS as exc:
        common.notice(*_failure(exc, lang), icon=":material/cloud_off:")
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


# --------------------------------------------------------------------------- exhibit choice


def load_exhibit(catalog: cat.Catalog) -> str | None:
    """The exhibit under review: on a session's first run from ?exhibit=<id>."""
    s = st.session_state
    if EXHIBIT not in s:
        raw = st.query_params.get("exhibit")
        s[EXHIBIT] = raw if raw in catalog.exhibits else None
        if raw is not None and raw not in catalog.exhibits:
            s[_BAD_EXHIBIT] = raw
    return s[EXHIBIT]


def publish_exhibit() -> None:
    """Write the exhibit to the URL (?exhibit=<id>) so the review of one exhibit is a link."""
    chosen = st.session_state.get(EXHIBIT)
    if chosen:
        st.session_state.pop(_BAD_EXHIBIT, None)
        st.query_params["exhibit"] = chosen
    elif "exhibit" in st.query_params and st.session_state.get(_BAD_EXHIBIT) is None:
        del st.query_params["exhibit"]


def warn_unknown_exhibit(lang: str) -> None:
    bad = st.session_state.get(_BAD_EXHIBIT)
    if bad is not None and st.session_state.get(EXHIBIT) is None:
        common.notice("warning", t("unknown_exhibit", lang, id=str(bad)[:80]),
                      icon=":material/search_off:")


# --------------------------------------------------------------------------- exhibits


def status_rows(catalog: cat.Catalog, statuses: list[domain.ExhibitStatus], lang: str
                ) -> list[dict[str, Any]]:
    """The overview table's rows (plain values; st.dataframe shows them as text)."""
    return [{
        t("review.col.exhibit", lang): catalog.text(catalog.exhibits[s.exhibit_id].name, lang),
        t("review.col.on_tour", lang): "✓" if s.on_tour else "",
        t("review.col.notes", lang): s.notes,
        t("review.col.open", lang): s.open_follow_ups,
        t("review.col.relevance", lang): (fmt.decimal(s.mean_relevance, lang)
                                          if s.mean_relevance is not None else ""),
        t("review.col.transferability", lang): ", ".join(
            domain.transferability_label(v, lang) for v in s.transferability),
    } for s in statuses]


def _reset_filters() -> None:
    st.session_state[FILTERS["department"]] = None
    st.session_state[FILTERS["transferability"]] = None
    st.session_state[FILTERS["noted"]] = False


def exhibit_list(catalog: cat.Catalog, city_: cat.City, notes: store.NoteStore,
                 tours: store.TourStore | None, actor: Actor, lang: str) -> str | None:
    """Filters, the exhibits with their status for the city, and the exhibit choice.
    Returns the chosen exhibit id."""
    exhibition = catalog.exhibition.id
    own = _read(lang, lambda: notes.list_notes(actor, city_id=city_.id), [])
    follow_ups = _read(lang, lambda: notes.list_follow_ups(city_id=city_.id, reader=actor), [])
    stops = domain.saved_tour_stops(
        _read(lang, lambda: tours.list_tours(exhibition_id=exhibition), []) if tours else [])
    statuses = domain.exhibit_statuses(catalog, city_.id, own, follow_ups, stops)

    departments = common.city_departments(catalog, city_)
    c1, c2, c3 = st.columns([2, 2, 1.3], vertical_alignment="bottom")
    c1.selectbox(t("review.f_department", lang), [None, *departments],
                 key=FILTERS["department"],
                 format_func=lambda d: t("review.all", lang) if d is None
                 else domain.department_name(catalog, d, lang))
    c2.selectbox(t("review.f_transferability", lang), [None, *TRANSFERABILITY],
                 key=FILTERS["transferability"],
                 format_func=lambda v: t("review.all", lang) if v is None
                 else domain.transferability_label(v, lang))
    c3.toggle(t("review.f_noted", lang), key=FILTERS["noted"])
    shown = domain.filter_statuses(
        statuses, department=st.session_state.get(FILTERS["department"]),
        transferability=st.session_state.get(FILTERS["transferability"]),
        only_noted=bool(st.session_state.get(FILTERS["noted"])))

    noted = sum(1 for s in statuses if s.noted)
    common.text(t("review.count", lang, shown=len(shown), total=len(statuses), noted=noted))
    if not own:
        common.notice("info", t("review.no_notes_yet", lang,
                                city=catalog.text(city_.name, lang)), icon=":material/edit_note:")
    if not shown:
        common.notice("info", t("review.no_match", lang), icon=":material/filter_alt_off:")
        st.button(t("review.reset_filters", lang), key=P + "reset", on_click=_reset_filters,
                  icon=":material/filter_alt_off:")
    else:
        st.dataframe(status_rows(catalog, shown, lang), hide_index=True, width="stretch",
                     height=min(36 + 35 * len(shown), 320))

    options: list[str | None] = [None, *(s.exhibit_id for s in shown)]
    chosen = st.session_state.get(EXHIBIT)
    if chosen and chosen not in options:
        options.append(chosen)
    by_id = {s.exhibit_id: s for s in statuses}
    st.selectbox(t("review.pick", lang), options, key=EXHIBIT,
                 placeholder=t("review.pick_none", lang),
                 format_func=lambda i: t("review.pick_none", lang) if i is None
                 else _exhibit_label(catalog, by_id.get(i), i, lang))
    publish_exhibit()
    return st.session_state.get(EXHIBIT)


def _exhibit_label(catalog: cat.Catalog, status: domain.ExhibitStatus | None, exhibit_id: str,
                   lang: str) -> str:
    name = catalog.text(catalog.exhibits[exhibit_id].name, lang)
    if status is None:
        return name
    marks = []
    if status.notes:
        marks.append(t("review.mark_notes", lang, n=status.notes))
    if status.open_follow_ups:
        marks.append(t("review.mark_open", lang, n=status.open_follow_ups))
    if status.on_tour:
        marks.append(t("review.mark_tour", lang))
    return f"{name} · {' · '.join(marks)}" if marks else name


# --------------------------------------------------------------------------- one exhibit


def note_html(text: str) -> str:
    """A note's Markdown as the sanitised HTML st.html shows (never empty)."""
    return f'<div class="review-note">{render_html(text) or "<p></p>"}</div>'


def _note_meta(catalog: cat.Catalog, note: Note, lang: str) -> str:
    parts = [note.author,
             domain.department_name(catalog, note.department, lang),
             t("review.relevance_of", lang, n=note.relevance),
             domain.transferability_label(note.transferability, lang)]
    if note.tags:
        parts.append("#" + " #".join(note.tags))
    if not note.shared:
        parts.append(t("review.not_shared", lang))
    parts.append(fmt.short_date(note.updated_at.date(), lang))
    return " · ".join(parts)


def exhibit_review(catalog: cat.Catalog, city_: cat.City, exhibit_id: str,
                   notes: store.NoteStore, actor: Actor,
                   programme_: prog.Programme | None, lang: str) -> None:
    """One exhibit: the city's notes, the other cities' shared notes and the curated ones side
    by side; the form to add a note beside the programme's guiding questions."""
    ex = catalog.exhibits[exhibit_id]
    common.heading(catalog.text(ex.name, lang), 2)
    common.text(catalog.text(ex.summary, lang), italic=True)
    review = _read(lang, lambda: domain.exhibit_review(catalog, notes, actor, city_.id,
                                                       exhibit_id, lang), None)
    if review is None:
        return
    writer = actor.can_write_city(city_.id)
    city_name = catalog.text(city_.name, lang)
    messages("notes")
    _undo_box(notes, actor, lang)
    own_col, other_col = st.columns([1, 1], gap="medium")
    with own_col:
        common.heading(t("review.own_notes", lang, city=city_name), 3)
        if not review.own:
            common.text(t("review.no_own_notes", lang, city=city_name), italic=True)
        for note in review.own:
            _own_note(catalog, city_, note, notes, actor, writer, lang)
    with other_col:
        common.heading(t("review.other_notes", lang), 3)
        if not review.others:
            common.text(t("review.no_other_notes", lang), italic=True)
        for note in review.others:
            with st.container(border=True):
                common.text(domain.city_name(catalog, note.city_id, lang), bold=True)
                common.caption(_note_meta(catalog, note, lang))
                st.html(note_html(note.text))
        for curated in review.curated:
            with st.container(border=True, key=f"{P}curated-{curated.city_id}"):
                st.badge(t("review.curated", lang), icon=":material/menu_book:", color="gray")
                common.text(domain.city_name(catalog, curated.city_id, lang), bold=True)
                common.text(curated.text)
    if review.follow_ups:
        common.heading(t("review.exhibit_follow_ups", lang), 3)
        for item in review.follow_ups:
            _follow_up_line(catalog, item, lang)
    if writer:
        form_col, questions_col = st.columns([3, 2], gap="medium")
        with form_col:
            add_note_form(catalog, city_, exhibit_id, notes, actor, lang)
        with questions_col:
            guiding_questions(catalog, programme_, _new_prefix(city_.id), lang)
    else:
        common.notice("info", t("review.read_only", lang), icon=":material/lock:")


def _own_note(catalog: cat.Catalog, city_: cat.City, note: Note, notes: store.NoteStore,
              actor: Actor, writer: bool, lang: str) -> None:
    with st.container(border=True, key=f"{P}note-{note.id}"):
        common.caption(_note_meta(catalog, note, lang))
        editing = st.session_state.get(_EDIT, {}).get("id") == note.id
        if editing and writer:
            _edit_form(catalog, city_, note, notes, actor, lang)
            return
        st.html(note_html(note.text))
        if writer:
            b1, b2 = st.columns(2)
            b1.button(t("review.edit", lang), key=f"{P}edit-{note.id}", icon=":material/edit:",
                      on_click=_start_edit, args=(note,), width="stretch")
            b2.button(t("review.delete", lang), key=f"{P}delete-{note.id}",
                      icon=":material/delete:", on_click=_delete_note,
                      args=(notes, actor, note, lang), width="stretch")


# ----- note fields (add and edit share them)


def _new_prefix(city_id: str) -> str:
    return f"{P}new.{city_id}."


def _edit_prefix(note_id: int) -> str:
    return f"{P}edit.{note_id}."


def _seed(prefix: str, values: dict[str, Any], departments: list[str]) -> None:
    """Give the fields their first values (only where the session has none or a stale one)."""
    s = st.session_state
    for name, value in values.items():
        key = prefix + name
        if key not in s or (name == "department" and s[key] not in departments):
            s[key] = value


def _note_fields(prefix: str, catalog: cat.Catalog, city_: cat.City, lang: str) -> None:
    departments = common.city_departments(catalog, city_)
    st.selectbox(t("review.department", lang), departments, key=prefix + "department",
                 format_func=lambda d: domain.department_name(catalog, d, lang))
    st.text_area(t("review.text", lang), key=prefix + "text", max_chars=notes_mod.TEXT_MAX,
                 height=140, help=t("review.text_help", lang))
    st.radio(t("review.relevance", lang), RELEVANCE, key=prefix + "relevance",
             horizontal=True, help=t("review.relevance_help", lang))
    st.radio(t("review.transferability", lang), TRANSFERABILITY,
             key=prefix + "transferability", horizontal=True,
             format_func=lambda v: domain.transferability_label(v, lang))
    st.text_input(t("review.tags", lang), key=prefix + "tags",
                  help=t("review.tags_help", lang), max_chars=400)
    st.toggle(t("review.shared", lang), key=prefix + "shared",
              help=t("review.shared_help", lang))


def _fields(prefix: str) -> dict[str, Any]:
    s = st.session_state
    return {"department": s.get(prefix + "department"), "text": s.get(prefix + "text", ""),
            "relevance": s.get(prefix + "relevance"),
            "transferability": s.get(prefix + "transferability"),
            "tags": s.get(prefix + "tags", ""), "shared": bool(s.get(prefix + "shared"))}


def _new_defaults(departments: list[str]) -> dict[str, Any]:
    return {"department": departments[0] if departments else None, "text": "",
            "relevance": 3, "transferability": Transferability.ADAPT.value, "tags": "",
            "shared": True}


def add_note_form(catalog: cat.Catalog, city_: cat.City, exhibit_id: str,
                  notes: store.NoteStore, actor: Actor, lang: str) -> None:
    prefix = _new_prefix(city_.id)
    departments = common.city_departments(catalog, city_)
    _seed(prefix, _new_defaults(departments), departments)
    with st.container(border=True, key=P + "add-note"):
        common.heading(t("review.add_note", lang), 3)
        if actor.open_mode and not actor.name:
            common.caption(t("review.name_first", lang))
        _note_fields(prefix, catalog, city_, lang)
        st.button(t("review.save_note", lang), key=P + "save-note", type="primary",
                  icon=":material/note_add:", on_click=_add_note,
                  args=(notes, actor, city_.id, exhibit_id, lang), width="stretch")


def _add_note(notes: store.NoteStore, actor: Actor, city_id: str, exhibit_id: str,
              lang: str) -> None:
    prefix = _new_prefix(city_id)
    values = _fields(prefix)
    saved = _attempt("notes", lang, lambda: notes.add_note(
        actor, exhibit_id=exhibit_id, city_id=city_id, department=values["department"],
        text=values["text"], relevance=values["relevance"],
        transferability=values["transferability"], tags=values["tags"],
        shared=values["shared"]), t("review.note_saved", lang))
    if saved is not None:  # the text goes, the choices stay for the next note
        st.session_state[prefix + "text"] = ""


def _start_edit(note: Note) -> None:
    prefix = _edit_prefix(note.id)
    s = st.session_state
    s[prefix + "department"] = note.department
    s[prefix + "text"] = note.text
    s[prefix + "relevance"] = note.relevance
    s[prefix + "transferability"] = note.transferability.value
    s[prefix + "tags"] = ", ".join(note.tags)
    s[prefix + "shared"] = note.shared
    s[_EDIT] = {"id": note.id, "version": note.version}
    s.pop(_CONFLICT, None)


def _stop_edit() -> None:
    st.session_state.pop(_EDIT, None)
    st.session_state.pop(_CONFLICT, None)


def _edit_form(catalog: cat.Catalog, city_: cat.City, note: Note, notes: store.NoteStore,
               actor: Actor, lang: str) -> None:
    prefix = _edit_prefix(note.id)
    conflict = st.session_state.get(_CONFLICT)
    if conflict and conflict["id"] == note.id:
        common.notice("warning", t("review.conflict", lang), icon=":material/sync_problem:")
        theirs_col, yours_col = st.columns(2)
        with theirs_col:
            common.text(t("review.conflict_theirs", lang), bold=True)
            st.html(note_html(conflict["theirs"]))
        with yours_col:
            common.text(t("review.conflict_yours", lang), bold=True)
            st.html(note_html(conflict["yours"]))
    _note_fields(prefix, catalog, city_, lang)
    c1, c2 = st.columns(2)
    if conflict and conflict["id"] == note.id:
        c1.button(t("review.conflict_keep_mine", lang), key=f"{P}save-edit-{note.id}",
                  type="primary", icon=":material/save:", on_click=_save_edit,
                  args=(notes, actor, note.id, conflict["version"], lang), width="stretch")
        c2.button(t("review.conflict_take_theirs", lang), key=f"{P}cancel-edit-{note.id}",
                  icon=":material/undo:", on_click=_stop_edit, width="stretch")
    else:
        version = st.session_state[_EDIT]["version"]
        c1.button(t("review.save_edit", lang), key=f"{P}save-edit-{note.id}", type="primary",
                  icon=":material/save:", on_click=_save_edit,
                  args=(notes, actor, note.id, version, lang), width="stretch")
        c2.button(t("review.cancel", lang), key=f"{P}cancel-edit-{note.id}",
                  icon=":material/close:", on_click=_stop_edit, width="stretch")


def _save_edit(notes: store.NoteStore, actor: Actor, note_id: int, version: int,
               lang: str) -> None:
    values = _fields(_edit_prefix(note_id))
    try:
        notes.edit_note(actor, note_id, version=version, text=values["text"],
                        department=values["department"], relevance=values["relevance"],
                        transferability=values["transferability"], tags=values["tags"],
                        shared=values["shared"])
    except store.VersionConflict as exc:
        st.session_state[_CONFLICT] = {"id": note_id, "version": exc.version,
                                       "theirs": exc.theirs, "yours": values["text"]}
        return
    except DB_ERRORS as exc:
        _say("notes", *_failure(exc, lang))
        return
    _stop_edit()
    _say("notes", "success", t("review.note_updated", lang))


def _delete_note(notes: store.NoteStore, actor: Actor, note: Note, lang: str) -> None:
    try:
        notes.delete_note(actor, note.id, version=note.version)
    except store.VersionConflict:
        _say("notes", "warning", t("review.delete_conflict", lang))
        return
    except DB_ERRORS as exc:
        _say("notes", *_failure(exc, lang))
        return
    st.session_state[_UNDO] = note.id


def _undo_delete(notes: store.NoteStore, actor: Actor, note_id: int, lang: str) -> None:
    st.session_state.pop(_UNDO, None)
    _attempt("notes", lang, lambda: notes.restore_note(actor, note_id),
             t("review.restored", lang))


def _undo_box(notes: store.NoteStore, actor: Actor, lang: str) -> None:
    note_id = st.session_state.get(_UNDO)
    if note_id is None:
        return
    with st.container(border=True, key=P + "undo-box"):
        c1, c2 = st.columns([3, 1], vertical_alignment="center")
        with c1:
            common.text(t("review.deleted", lang))
        c2.button(t("review.undo", lang), key=P + "undo", icon=":material/undo:",
                  on_click=_undo_delete, args=(notes, actor, note_id, lang), width="stretch")


def guiding_questions(catalog: cat.Catalog, programme_: prog.Programme | None, prefix: str,
                      lang: str) -> None:
    """The programme's guiding questions for the department chosen in the form."""
    if programme_ is None:
        return
    department = st.session_state.get(prefix + "department")
    questions = programme_.questions_for(department)
    with st.container(border=True, key=P + "questions"):
        common.heading(t("review.questions", lang), 3)
        if not questions:
            common.text(t("review.no_questions", lang), italic=True)
        current = None
        for session, question in questions:
            if session.id != current:
                current = session.id
                common.caption(f"{fmt.clock(session.start)}–{fmt.clock(session.end)} · "
                               f"{catalog.text(session.title, lang)}")
            common.bullets([catalog.text(question, lang)])


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


# --------------------------------------------------------------------------- follow-ups


def overdue_label(item: FollowUp, today: dt.date, lang: str) -> str | None:
    """'Overdue since …' for an open follow-up past its due date, else None."""
    if item.overdue(today) and item.due is not None:
        return t("review.overdue", lang, date=fmt.short_date(item.due, lang))
    return None


def _follow_up_line(catalog: cat.Catalog, item: FollowUp, lang: str,
                    today: dt.date | None = None) -> None:
    today = today or dt.date.today()
    parts = [t("review.owner_is", lang, owner=item.owner),
             t("review.due_is", lang, date=fmt.short_date(item.due, lang)) if item.due
             else t("review.no_due", lang),
             domain.status_label(item.status, lang)]
    if item.exhibit_id and item.exhibit_id in catalog.exhibits:
        parts.append(catalog.text(catalog.exhibits[item.exhibit_id].name, lang))
    common.text(item.action, bold=True)
    common.text(" · ".join(parts))
    late = overdue_label(item, today, lang)
    if late:
        # Icon and words, not only colour.
        st.markdown(f":red[:material/warning: **{common.md_escape(late)}**]")


def follow_ups(catalog: cat.Catalog, city_: cat.City, notes: store.NoteStore, actor: Actor,
               exhibit_id: str | None, lang: str) -> None:
    """The city's follow-ups: owner, due date, status (changeable), overdue ones marked; a
    form to add one."""
    writer = actor.can_write_city(city_.id)
    messages("follow_ups")
    st.toggle(t("review.open_only", lang), key=OPEN_ONLY)
    wanted = [FollowUpStatus.OPEN, FollowUpStatus.DOING] if st.session_state.get(OPEN_ONLY) \
        else None
    items = _read(lang, lambda: notes.list_follow_ups(city_id=city_.id, status=wanted,
                                                      reader=actor), [])
    today = dt.date.today()
    late = sum(1 for i in items if i.overdue(today))
    common.text(t("review.fu_count", lang, n=len(items), late=late))
    if not items:
        common.notice("info", t("review.no_follow_ups", lang), icon=":material/task_alt:")
    for item in items:
        with st.container(border=True, key=f"{P}fu-{item.id}"):
            _follow_up_line(catalog, item, lang, today)
            if writer:
                key = f"{P}fu-status-{item.id}-{item.version}"
                if key not in st.session_state:
                    st.session_state[key] = item.status.value
                st.radio(t("review.status", lang), STATUSES, key=key, horizontal=True,
                         format_func=lambda v: domain.status_label(v, lang),
                         on_change=_set_status, args=(notes, actor, item, key, lang))
    if writer:
        add_follow_up_form(catalog, city_, notes, actor, exhibit_id, lang)


def _set_status(notes: store.NoteStore, actor: Actor, item: FollowUp, key: str,
                lang: str) -> None:
    status = st.session_state.get(key)
    try:
        notes.edit_follow_up(actor, item.id, version=item.version, status=status)
    except store.VersionConflict:
        _say("follow_ups", "warning", t("review.fu_conflict", lang))
    except DB_ERRORS as exc:
        _say("follow_ups", *_failure(exc, lang))


def add_follow_up_form(catalog: cat.Catalog, city_: cat.City, notes: store.NoteStore,
                       actor: Actor, exhibit_id: str | None, lang: str) -> None:
    prefix = P + "fu_new."
    ids = list(catalog.exhibits)
    if st.session_state.get(prefix + "exhibit") not in ids:
        st.session_state[prefix + "exhibit"] = exhibit_id if exhibit_id in ids else ids[0]
    with st.form(P + "fu-form", border=True):
        common.heading(t("review.add_follow_up", lang), 3)
        st.text_input(t("review.action", lang), key=prefix + "action",
                      max_chars=notes_mod.ACTION_MAX)
        c1, c2 = st.columns(2)
        c1.text_input(t("review.owner", lang), key=prefix + "owner",
                      max_chars=notes_mod.OWNER_MAX)
        c2.date_input(t("review.due", lang), key=prefix + "due", value=None,
                      format="DD.MM.YYYY" if lang == "de" else "YYYY-MM-DD")
        st.selectbox(t("review.fu_exhibit", lang), ids, key=prefix + "exhibit",
                     format_func=lambda i: catalog.text(catalog.exhibits[i].name, lang))
        st.form_submit_button(t("review.save_follow_up", lang), type="primary",
                              icon=":material/add_task:", on_click=_add_follow_up,
                              args=(notes, actor, city_.id, lang), width="stretch",
                              key=P + "fu-save")


def _add_follow_up(notes: store.NoteStore, actor: Actor, city_id: str, lang: str) -> None:
    prefix = P + "fu_new."
    s = st.session_state
    saved = _attempt("follow_ups", lang, lambda: notes.add_follow_up(
        actor, city_id=city_id, action=s.get(prefix + "action", ""),
        owner=s.get(prefix + "owner", ""), due=s.get(prefix + "due"),
        exhibit_id=s.get(prefix + "exhibit")), t("review.follow_up_saved", lang))
    if saved is not None:
        s[prefix + "action"] = ""
        s[prefix + "due"] = None


# --------------------------------------------------------------------------- workshop


def workshop_section(catalog: cat.Catalog, city_: cat.City, notes: store.NoteStore,
                     workshop: store.WorkshopStore, actor: Actor, lang: str) -> None:
    """Open space: propose a topic; topics grouped by overlap (with the reason); working
    groups with their project ideas; an idea becomes a follow-up with an owner."""
    messages("workshop")
    topics = _read(lang, workshop.list_topics, [])
    groups = _read(lang, workshop.list_groups, [])
    ideas = _read(lang, workshop.list_ideas, [])
    by_id = {topic.id: topic for topic in topics}
    if actor.can_write_city(city_.id):
        with st.expander(t("review.propose_topic", lang), icon=":material/add_comment:",
                         expanded=not topics):
            topic_form(catalog, city_, workshop, actor, lang)

    common.heading(t("review.topics", lang), 3)
    if not topics:
        common.notice("info", t("review.no_topics", lang), icon=":material/forum:")
    for topic in topics:
        with st.container(border=True, key=f"{P}topic-card-{topic.id}"):
            common.text(topic.title, bold=True)
            common.caption(_topic_meta(catalog, topic, lang))
            if topic.text:
                st.html(note_html(topic.text))

    formed = {frozenset(g.topic_ids): g for g in groups}
    proposals = domain.group_topics(topics)
    if proposals:
        common.heading(t("review.proposals", lang), 3)
        common.caption(t("review.grouping_rule", lang))
    for n, proposal in enumerate(proposals, 1):
        with st.container(border=True, key=f"{P}proposal-{n}"):
            reason = proposal.reason(by_id, catalog, lang)
            common.text(t("review.proposal", lang, n=n), bold=True)
            common.bullets([by_id[i].title for i in proposal.topic_ids])
            common.labelled(t("review.why", lang), reason)
            group = formed.get(frozenset(proposal.topic_ids))
            if group is not None:
                common.caption(t("review.formed", lang, title=group.title))
            elif actor.can_run_workshop:
                st.button(t("review.form_group", lang), key=f"{P}form-group-{n}",
                          icon=":material/group_add:", on_click=_form_group,
                          args=(workshop, actor, proposal.topic_ids, reason, lang))

    common.heading(t("review.groups", lang), 3)
    if not groups:
        common.text(t("review.no_groups", lang), italic=True)
    for group in groups:
        _group_box(catalog, city_, group, by_id, [i for i in ideas if i.group_id == group.id],
                   workshop, actor, lang)


def _topic_meta(catalog: cat.Catalog, topic: Any, lang: str) -> str:
    parts = [domain.city_name(catalog, topic.city_id, lang), topic.author]
    if topic.department:
        parts.append(domain.department_name(catalog, topic.department, lang))
    names = [catalog.text(catalog.exhibits[e].name, lang) for e in topic.exhibits
             if e in catalog.exhibits]
    if names:
        parts.append(t("review.linked", lang, items=", ".join(names)))
    if topic.tags:
        parts.append("#" + " #".join(topic.tags))
    return " · ".join(parts)


def topic_form(catalog: cat.Catalog, city_: cat.City, workshop: store.WorkshopStore,
               actor: Actor, lang: str) -> None:
    prefix = P + "topic_new."
    departments = common.city_departments(catalog, city_)
    if st.session_state.get(prefix + "department") not in [None, *departments]:
        st.session_state[prefix + "department"] = None
    with st.form(P + "topic-form", border=False):
        st.text_input(t("review.topic_title", lang), key=prefix + "title", max_chars=200)
        st.text_area(t("review.topic_text", lang), key=prefix + "text", height=100,
                     max_chars=notes_mod.TEXT_MAX, help=t("review.text_help", lang))
        st.multiselect(t("review.topic_exhibits", lang), list(catalog.exhibits),
                       key=prefix + "exhibits", placeholder=t("review.choose", lang),
                       format_func=lambda i: catalog.text(catalog.exhibits[i].name, lang))
        c1, c2 = st.columns(2)
        c1.selectbox(t("review.department", lang), [None, *departments],
                     key=prefix + "department",
                     format_func=lambda d: t("review.everyone", lang) if d is None
                     else domain.department_name(catalog, d, lang))
        c2.text_input(t("review.tags", lang), key=prefix + "tags",
                      help=t("review.tags_help", lang), max_chars=400)
        st.form_submit_button(t("review.save_topic", lang), type="primary",
                              icon=":material/add_comment:", on_click=_add_topic,
                              args=(workshop, actor, city_.id, lang), width="stretch",
                              key=P + "topic-save")


def _add_topic(workshop: store.WorkshopStore, actor: Actor, city_id: str, lang: str) -> None:
    prefix = P + "topic_new."
    s = st.session_state
    saved = _attempt("workshop", lang, lambda: workshop.add_topic(
        actor, city_id=city_id, title=s.get(prefix + "title", ""),
        text=s.get(prefix + "text", ""), exhibits=s.get(prefix + "exhibits") or [],
        department=s.get(prefix + "department"), tags=s.get(prefix + "tags", "")),
        t("review.topic_saved", lang))
    if saved is not None:
        for name, empty in (("title", ""), ("text", ""), ("exhibits", []), ("tags", "")):
            s[prefix + name] = empty


def _form_group(workshop: store.WorkshopStore, actor: Actor, topic_ids: tuple[int, ...],
                reason: str, lang: str) -> None:
    _attempt("workshop", lang, lambda: workshop.form_group(
        actor, topic_ids=list(topic_ids), reason=reason), t("review.group_formed", lang))


def _group_box(catalog: cat.Catalog, city_: cat.City, group: Any, topics: dict[int, Any],
               ideas: list[Any], workshop: store.WorkshopStore, actor: Actor,
               lang: str) -> None:
    writer = actor.can_write_city(city_.id)
    with st.container(border=True, key=f"{P}group-{group.id}"):
        common.text(group.title, bold=True)
        common.bullets([topics[i].title for i in group.topic_ids if i in topics])
        if group.reason:
            common.labelled(t("review.why", lang), group.reason)
        common.text(t("review.ideas", lang), bold=True)
        if not ideas:
            common.text(t("review.no_ideas", lang), italic=True)
        for idea in ideas:
            with st.container(border=True, key=f"{P}idea-{idea.id}"):
                common.text(idea.title, bold=True)
                common.caption(f"{domain.city_name(catalog, idea.city_id, lang)} · {idea.author}")
                if idea.text:
                    st.html(note_html(idea.text))
                if writer:
                    _idea_follow_up_form(idea, workshop, actor, city_.id, lang)
        if writer:
            prefix = f"{P}idea_new.{group.id}."
            with st.form(f"{P}idea-form-{group.id}", border=False):
                st.text_input(t("review.idea_title", lang), key=prefix + "title", max_chars=200)
                st.text_area(t("review.idea_text", lang), key=prefix + "text", height=80,
                             max_chars=notes_mod.TEXT_MAX)
                st.form_submit_button(t("review.save_idea", lang), icon=":material/lightbulb:",
                                      on_click=_add_idea,
                                      args=(workshop, actor, group.id, city_.id, lang),
                                      key=f"{P}idea-save-{group.id}")


def _add_idea(workshop: store.WorkshopStore, actor: Actor, group_id: int, city_id: str,
              lang: str) -> None:
    prefix = f"{P}idea_new.{group_id}."
    s = st.session_state
    saved = _attempt("workshop", lang, lambda: workshop.add_idea(
        actor, group_id=group_id, city_id=city_id, title=s.get(prefix + "title", ""),
        text=s.get(prefix + "text", "")), t("review.idea_saved", lang))
    if saved is not None:
        s[prefix + "title"] = ""
        s[prefix + "text"] = ""


def _idea_follow_up_form(idea: Any, workshop: store.WorkshopStore, actor: Actor, city_id: str,
                         lang: str) -> None:
    prefix = f"{P}idea_fu.{idea.id}."
    with st.form(f"{P}idea-fu-form-{idea.id}", border=False):
        c1, c2 = st.columns(2)
        c1.text_input(t("review.owner", lang), key=prefix + "owner",
                      max_chars=notes_mod.OWNER_MAX)
        c2.date_input(t("review.due", lang), key=prefix + "due", value=None,
                      format="DD.MM.YYYY" if lang == "de" else "YYYY-MM-DD")
        st.form_submit_button(t("review.idea_to_follow_up", lang), icon=":material/add_task:",
                              on_click=_idea_to_follow_up,
                              args=(workshop, actor, idea.id, city_id, lang),
                              key=f"{P}idea-fu-save-{idea.id}")


def _idea_to_follow_up(workshop: store.WorkshopStore, actor: Actor, idea_id: int,
                       city_id: str, lang: str) -> None:
    prefix = f"{P}idea_fu.{idea_id}."
    s = st.session_state
    saved = _attempt("workshop", lang, lambda: workshop.idea_to_follow_up(
        actor, idea_id, owner=s.get(prefix + "owner", ""), due=s.get(prefix + "due"),
        city_id=city_id), t("review.idea_follow_up_saved", lang))
    if saved is not None:
        s[prefix + "owner"] = ""
        s[prefix + "due"] = None


# --------------------------------------------------------------------------- report

MIME = {"md": "text/markdown", "csv": "text/csv", "pdf": "application/pdf",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def report_file(catalog: cat.Catalog, city_id: str, notes: store.NoteStore,
                workshop: store.WorkshopStore, reader: Actor, fmt_: str, lang: str) -> bytes:
    """The trip report in one format as bytes (what the download button hands out). The PDF's
    map shows the saved tour that visits most of the city's noted exhibits."""
    tours = common.tour_store()
    try:
        saved = tours.list_tours(exhibition_id=catalog.exhibition.id) if tours else []
    except DB_ERRORS:
        saved = []  # the report without the tour's route rather than no report
    trip = report.build_report(catalog, city_id, notes, workshop, lang, reader=reader,
                               tours=saved, network=common.walking_network(catalog))
    data = report.render(trip, fmt_)
    return data.encode("utf-8") if isinstance(data, str) else data


def report_section(catalog: cat.Catalog, city_: cat.City, notes: store.NoteStore,
                   workshop: store.WorkshopStore, actor: Actor, lang: str) -> None:
    """Downloads of the trip report, built when clicked, in the report's language."""
    common.text(t("review.report_intro", lang, city=catalog.text(city_.name, lang)))
    key = P + "report_lang"
    if st.session_state.get(key) not in LANGUAGES:
        st.session_state[key] = "de"  # the bundled cities' language (as the command line)
    st.radio(t("review.report_lang", lang), list(LANGUAGES), key=key, horizontal=True,
             format_func=LANGUAGES.__getitem__)
    report_lang = st.session_state[key]
    name = f"lernreise-{city_.id}"
    cols = st.columns(len(report.FORMATS))
    for col, ext in zip(cols, report.FORMATS, strict=True):
        make = functools.partial(report_file, catalog, city_.id, notes, workshop, actor, ext,
                                 report_lang)
        col.download_button(t(f"review.format.{ext}", lang), data=make,
                            file_name=f"{name}.{ext}", mime=MIME[ext], key=f"{P}dl-{ext}",
                            icon=":material/download:", width="stretch", on_click="ignore")


def insights(catalog: cat.Catalog, city_: cat.City, notes: store.NoteStore, actor: Actor,
             lang: str) -> None:
    """Charts, matrix and 3D map of the city's notes (dashboard.ui.review_insights)."""
    own = _read(lang, lambda: notes.list_notes(actor, exhibition_id=catalog.exhibition.id,
                                               city_id=city_.id), [])
    review_insights.render(catalog, city_.id, own, lang)
