"""The review's first tab: the exhibits with their status for the city, the exhibit under
review (its notes beside the other cities' and the curated ones), and the note forms.

Every picker chooses among ids (labels by format_func, never a count), its value kept in
ReviewState; every write's message is drawn under the button that caused it.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import streamlit as st

from dashboard import catalog as cat
from dashboard import presentation as fmt
from dashboard import programme as prog
from dashboard import store
from dashboard.errors import untrusted
from dashboard.i18n import t
from dashboard.review import domain
from dashboard.roles import Actor
from dashboard.store import notes as notes_mod
from dashboard.store.notes import Note, Transferability
from dashboard.ui import common, messages
from dashboard.ui import questions as group_questions
from dashboard.ui.review import follow_ups
from dashboard.ui.review.shared import DB_ERRORS, attempt, failure, note_html, read
from dashboard.ui.review.state import Conflict, Editing, ReviewState

TRANSFERABILITY = [v.value for v in Transferability]
# "All" as an option of its own: a selectbox whose value is None shows its placeholder.
ALL = ""
RELEVANCE = [1, 2, 3, 4, 5]
NOTE_FORM = "review.add-form"  # message places (never "review-note": the class of notes)
NOTES = "review.list"


# --------------------------------------------------------------------------- exhibit choice


def load_exhibit(state: ReviewState, catalog: cat.Catalog) -> str | None:
    """The exhibit under review: on a session's first run from ?exhibit=<id>."""
    if "exhibit" not in state.values:
        raw = st.query_params.get("exhibit")
        state.exhibit = raw if raw in catalog.exhibits else None
        state.bad_exhibit = raw if raw is not None and raw not in catalog.exhibits else None
        state.values["exhibit"] = state.exhibit
    return state.exhibit


def _choose_exhibit(state: ReviewState) -> None:
    state.exhibit = st.session_state.get(state.key("exhibit"))
    state.values["exhibit"] = state.exhibit
    if state.exhibit:
        state.bad_exhibit = None
    state.editing = state.conflict = None


def publish_exhibit(state: ReviewState) -> None:
    """Write the exhibit to the URL (?exhibit=<id>) so the review of one exhibit is a link."""
    if state.exhibit:
        st.query_params["exhibit"] = state.exhibit
    elif "exhibit" in st.query_params and state.bad_exhibit is None:
        del st.query_params["exhibit"]


def warn_unknown_exhibit(state: ReviewState, lang: str) -> None:
    if state.bad_exhibit is not None and state.exhibit is None:
        common.notice("warning", t("unknown_exhibit", lang, id=untrusted(state.bad_exhibit)),
                      icon=":material/search_off:")


# --------------------------------------------------------------------------- the list


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


def _reset_filters(state: ReviewState) -> None:
    state.set("f.department", ALL)
    state.set("f.transferability", ALL)
    state.set("f.noted", False)


def exhibit_list(state: ReviewState, catalog: cat.Catalog, city_: cat.City,
                 notes: store.NoteStore, tours: store.TourStore | None, actor: Actor,
                 lang: str) -> str | None:
    """Filters, the exhibits with their status for the city, and the exhibit choice.
    Returns the chosen exhibit id."""
    exhibition = catalog.exhibition.id
    own = read(lang, lambda: notes.list_notes(actor, city_id=city_.id), [])
    items = read(lang, lambda: notes.list_follow_ups(city_id=city_.id, reader=actor), [])
    stops = domain.saved_tour_stops(
        read(lang, lambda: tours.list_tours(exhibition_id=exhibition), []) if tours else [])
    statuses = domain.exhibit_statuses(catalog, city_.id, own, items, stops)

    departments = common.city_departments(catalog, city_)
    c1, c2, c3 = st.columns([2, 2, 1.3], vertical_alignment="bottom")
    c1.selectbox(t("filter.department", lang), [ALL, *departments],
                 key=state.bind("f.department", ALL, [ALL, *departments]),
                 format_func=lambda d: t("review.all", lang) if d == ALL
                 else domain.department_name(catalog, d, lang))
    c2.selectbox(t("review.f_transferability", lang), [ALL, *TRANSFERABILITY],
                 key=state.bind("f.transferability", ALL, [ALL, *TRANSFERABILITY]),
                 format_func=lambda v: t("review.all", lang) if v == ALL
                 else domain.transferability_label(v, lang))
    c3.toggle(t("review.f_noted", lang), key=state.bind("f.noted", False, [True, False]))
    shown = domain.filter_statuses(
        statuses, department=state.value("f.department") or None,
        transferability=state.value("f.transferability") or None,
        only_noted=bool(state.value("f.noted")))

    noted = sum(1 for s in statuses if s.noted)
    common.text(t("review.count", lang, shown=len(shown), total=len(statuses), noted=noted))
    if not own:
        common.notice("info", t("review.no_notes_yet", lang,
                                city=catalog.text(city_.name, lang)), icon=":material/edit_note:")
    if not shown:
        common.notice("info", t("review.no_match", lang), icon=":material/filter_alt_off:")
        st.button(t("review.reset_filters", lang), key="review.reset", on_click=_reset_filters,
                  args=(state,), icon=":material/filter_alt_off:")
    else:
        st.dataframe(status_rows(catalog, shown, lang), hide_index=True, width="stretch",
                     height=min(36 + 35 * len(shown), 320))

    options: list[str | None] = [None, *(s.exhibit_id for s in shown)]
    if state.exhibit and state.exhibit not in options:
        options.append(state.exhibit)
    # The label is the exhibit's name only: the counts are in the table above, and a label
    # that changes with them would come back as no option on the next run.
    state.values["exhibit"] = state.exhibit  # the state's choice, not a repeated widget value
    st.selectbox(t("review.pick", lang), options,
                 key=state.bind("exhibit", state.exhibit, options),
                 placeholder=t("review.pick_none", lang), on_change=_choose_exhibit,
                 args=(state,), format_func=lambda i: t("review.pick_none", lang) if i is None
                 else catalog.text(catalog.exhibits[i].name, lang))
    publish_exhibit(state)
    return state.exhibit


# --------------------------------------------------------------------------- one exhibit


def note_meta(catalog: cat.Catalog, note: Note, lang: str) -> str:
    parts = [note.author,
             domain.department_name(catalog, note.department, lang),
             t("review.relevance_of", lang, n=note.relevance),
             domain.transferability_label(note.transferability, lang)]
    if note.tags:
        parts.append("#" + " #".join(note.tags))
    if not note.shared:
        parts.append(t("review.not_shared", lang))
    if note.updated_by:
        parts.append(t("review.edited_by", lang, name=note.updated_by,
                       when=fmt.date_time(note.updated_at, lang)))
    else:
        parts.append(fmt.short_date(note.created_at.date(), lang))
    return " · ".join(parts)


def exhibit_review(state: ReviewState, catalog: cat.Catalog, city_: cat.City, exhibit_id: str,
                   notes: store.NoteStore, actor: Actor,
                   programme_: prog.Programme | None, lang: str) -> None:
    """One exhibit: the city's notes, the other cities' shared notes and their curated ones
    side by side; the form to add a note beside the programme's guiding questions."""
    ex = catalog.exhibits[exhibit_id]
    common.heading(catalog.text(ex.name, lang), 2)
    common.text(catalog.text(ex.summary, lang), italic=True)
    # What visitors asked here on led tours (dashboard/ui/questions.py), read-only.
    group_questions.asked_here(catalog.exhibition.id, exhibit_id,
                               ZoneInfo(catalog.exhibition.timezone), lang)
    review = read(lang, lambda: domain.exhibit_review(catalog, notes, actor, city_.id,
                                                      exhibit_id, lang), None)
    if review is None:
        return
    writer = actor.can_write_city(city_.id)
    city_name = catalog.text(city_.name, lang)
    from dashboard.ui.review import from_tour  # it builds on this module's note fields

    captures = from_tour.capture_store(notes, catalog)
    photos = from_tour.note_photos(captures, actor,
                                   [n.id for n in (*review.own, *review.others)], lang)
    undo_box(state, notes, actor, lang)
    own_col, other_col = st.columns([1, 1], gap="medium")
    with own_col:
        common.heading(t("review.own_notes", lang, city=city_name), 3)
        if not review.own and not review.own_curated:
            common.text(t("review.no_own_notes", lang, city=city_name), italic=True)
        for note in review.own:
            _own_note(state, catalog, city_, note, notes, actor, writer, lang)
            for photo in photos.get(note.id, ()):
                from_tour.show_photo(captures, actor, photo, lang)
        for curated in review.own_curated:
            _curated(catalog, curated, lang)
    with other_col:
        common.heading(t("review.other_notes", lang), 3)
        if not review.others and not review.curated:
            common.text(t("review.no_other_notes", lang), italic=True)
        for note in review.others:
            with st.container(border=True):
                common.text(domain.city_name(catalog, note.city_id, lang), bold=True)
                common.caption(note_meta(catalog, note, lang))
                st.html(note_html(note.text))
                for photo in photos.get(note.id, ()):
                    from_tour.show_photo(captures, actor, photo, lang)
        for curated in review.curated:
            _curated(catalog, curated, lang)
    from dashboard.ui.review import transfer  # the scorecard beside the notes (issue 22)

    transfer.scorecard_box(state, catalog, city_, exhibit_id,
                           transfer.scorecard_store(notes, catalog), actor, lang)
    if review.follow_ups:
        common.heading(t("review.exhibit_follow_ups", lang), 3)
        for item in review.follow_ups:
            follow_ups.follow_up_line(catalog, item, lang)
    if writer:
        form_col, questions_col = st.columns([3, 2], gap="medium")
        with form_col:
            from_tour.exhibit_drafts(state, catalog, city_, exhibit_id, captures, actor, lang)
            add_note_form(state, catalog, city_, exhibit_id, notes, actor, lang)
        with questions_col:
            guiding_questions(state, catalog, programme_, city_.id, lang)
    else:
        common.notice("info", t("review.read_only", lang), icon=":material/lock:")


def _curated(catalog: cat.Catalog, curated: domain.CuratedNote, lang: str) -> None:
    with st.container(border=True, key=f"review.curated-{curated.city_id}"):
        st.badge(t("review.curated", lang), icon=":material/menu_book:", color="gray")
        common.text(domain.city_name(catalog, curated.city_id, lang), bold=True)
        common.text(curated.text)


def _own_note(state: ReviewState, catalog: cat.Catalog, city_: cat.City, note: Note,
              notes: store.NoteStore, actor: Actor, writer: bool, lang: str) -> None:
    with st.container(border=True, key=f"review.note-{note.id}"):
        common.caption(note_meta(catalog, note, lang))
        if state.editing is not None and state.editing.note_id == note.id and writer:
            _edit_form(state, catalog, city_, note, notes, actor, lang)
            return
        st.html(note_html(note.text))
        if writer:
            b1, b2 = st.columns(2)
            b1.button(t("review.edit", lang), key=f"review.edit-{note.id}",
                      icon=":material/edit:", on_click=_start_edit, args=(state, note),
                      width="stretch")
            b2.button(t("review.delete", lang), key=f"review.delete-{note.id}-{note.version}",
                      icon=":material/delete:", on_click=_delete_note,
                      args=(state, notes, actor, note, lang), width="stretch")
        messages.show(f"{NOTES}.{note.id}", into_view=True)


# ----- note fields (add and edit share them)


def new_path(city_id: str) -> str:
    return f"new.{city_id}."


def edit_path(note_id: int) -> str:
    return f"edit.{note_id}."


def _new_defaults(departments: list[str]) -> dict[str, Any]:
    return {"department": departments[0] if departments else None, "text": "",
            "relevance": 3, "transferability": Transferability.ADAPT.value, "tags": "",
            "shared": True}


def _note_fields(state: ReviewState, path: str, defaults: dict[str, Any],
                 catalog: cat.Catalog, city_: cat.City, lang: str) -> None:
    departments = common.city_departments(catalog, city_)
    st.selectbox(t("filter.department", lang), departments,
                 key=state.bind(path + "department", defaults["department"], departments),
                 format_func=lambda d: domain.department_name(catalog, d, lang))
    st.text_area(t("review.text", lang), key=state.bind(path + "text", defaults["text"]),
                 max_chars=notes_mod.TEXT_MAX, height=140, help=t("review.text_help", lang))
    st.radio(t("review.relevance", lang), RELEVANCE,
             key=state.bind(path + "relevance", defaults["relevance"], RELEVANCE),
             horizontal=True, help=t("review.relevance_help", lang))
    st.radio(t("review.transferability", lang), TRANSFERABILITY,
             key=state.bind(path + "transferability", defaults["transferability"],
                            TRANSFERABILITY),
             horizontal=True, format_func=lambda v: domain.transferability_label(v, lang))
    st.text_input(t("review.tags", lang), key=state.bind(path + "tags", defaults["tags"]),
                  help=t("review.tags_help", lang), max_chars=400)
    st.toggle(t("review.shared", lang),
              key=state.bind(path + "shared", defaults["shared"], [True, False]),
              help=t("review.shared_help", lang))


def _fields(state: ReviewState, path: str) -> dict[str, Any]:
    """The fields as the widgets hold them now (a callback runs before load() copies them)."""
    s = st.session_state
    names = ("department", "text", "relevance", "transferability", "tags", "shared")
    values = {n: s.get(state.key(path + n), state.value(path + n)) for n in names}
    values["text"] = values["text"] or ""
    values["tags"] = values["tags"] or ""
    values["shared"] = bool(values["shared"])
    return values


def add_note_form(state: ReviewState, catalog: cat.Catalog, city_: cat.City, exhibit_id: str,
                  notes: store.NoteStore, actor: Actor, lang: str) -> None:
    path = new_path(city_.id)
    departments = common.city_departments(catalog, city_)
    with st.container(border=True, key="review.add-note"):
        common.heading(t("review.add_note", lang), 3)
        if actor.open_mode and not actor.name:
            common.caption(t("review.name_first", lang))
        _note_fields(state, path, _new_defaults(departments), catalog, city_, lang)
        st.button(t("review.save_note", lang), key=state.button_key("save-note"),
                  type="primary", icon=":material/note_add:", on_click=_add_note,
                  args=(state, notes, actor, city_.id, exhibit_id, lang,
                        state.generation("save-note")), width="stretch")
        messages.show(NOTE_FORM, into_view=True)


def _add_note(state: ReviewState, notes: store.NoteStore, actor: Actor, city_id: str,
              exhibit_id: str, lang: str, generation: int) -> None:
    if not state.is_current("save-note", generation):
        return  # the same tap delivered again: saved already
    path = new_path(city_id)
    values = _fields(state, path)
    saved = attempt(NOTE_FORM, lang, lambda: notes.add_note(
        actor, exhibit_id=exhibit_id, city_id=city_id, department=values["department"],
        text=values["text"], relevance=values["relevance"],
        transferability=values["transferability"], tags=values["tags"],
        shared=values["shared"]), t("review.note_saved", lang))
    if saved is not None:  # the text goes, the choices stay for the next note
        state.set(path + "text", "")
        state.written("save-note")


def _start_edit(state: ReviewState, note: Note) -> None:
    path = edit_path(note.id)
    state.forget(path)
    for name, value in (("department", note.department), ("text", note.text),
                        ("relevance", note.relevance),
                        ("transferability", note.transferability.value),
                        ("tags", ", ".join(note.tags)), ("shared", note.shared)):
        state.set(path + name, value)
    state.editing = Editing(note.id, note.version)
    state.conflict = None


def _stop_edit(state: ReviewState) -> None:
    if state.editing is not None:
        state.forget(edit_path(state.editing.note_id))
    state.editing = state.conflict = None


def _edit_form(state: ReviewState, catalog: cat.Catalog, city_: cat.City, note: Note,
               notes: store.NoteStore, actor: Actor, lang: str) -> None:
    conflict = state.conflict if state.conflict and state.conflict.note_id == note.id else None
    if conflict:
        common.notice("warning", t("review.conflict", lang), icon=":material/sync_problem:")
        theirs_col, yours_col = st.columns(2)
        with theirs_col:
            common.text(t("review.conflict_theirs", lang), bold=True)
            st.html(note_html(conflict.theirs))
        with yours_col:
            common.text(t("review.conflict_yours", lang), bold=True)
            st.html(note_html(conflict.yours))
    current = {"department": note.department, "text": note.text, "relevance": note.relevance,
               "transferability": note.transferability.value, "tags": ", ".join(note.tags),
               "shared": note.shared}
    _note_fields(state, edit_path(note.id), current, catalog, city_, lang)
    c1, c2 = st.columns(2)
    version = conflict.version if conflict else state.editing.version  # type: ignore[union-attr]
    c1.button(t("review.conflict_keep_mine" if conflict else "review.save_edit", lang),
              key=f"review.save-edit-{note.id}-{version}", type="primary",
              icon=":material/save:", on_click=_save_edit,
              args=(state, notes, actor, note.id, version, lang), width="stretch")
    c2.button(t("review.conflict_take_theirs" if conflict else "review.cancel", lang),
              key=f"review.cancel-edit-{note.id}",
              icon=":material/undo:" if conflict else ":material/close:",
              on_click=_stop_edit, args=(state,), width="stretch")
    messages.show(f"{NOTES}.{note.id}", into_view=True)


def _save_edit(state: ReviewState, notes: store.NoteStore, actor: Actor, note_id: int,
               version: int, lang: str) -> None:
    if state.editing is None or state.editing.note_id != note_id:
        return  # the same tap delivered again after the edit was saved or closed
    values = _fields(state, edit_path(note_id))
    try:
        notes.edit_note(actor, note_id, version=version, text=values["text"],
                        department=values["department"], relevance=values["relevance"],
                        transferability=values["transferability"], tags=values["tags"],
                        shared=values["shared"])
    except store.VersionConflict as exc:
        state.conflict = Conflict(note_id, exc.version, exc.theirs, values["text"])
        return
    except DB_ERRORS as exc:  # the form stays open with what was typed
        messages.say(f"{NOTES}.{note_id}", *failure(exc, lang))
        return
    _stop_edit(state)
    messages.say(f"{NOTES}.{note_id}", "success", t("review.note_updated", lang))


def _delete_note(state: ReviewState, notes: store.NoteStore, actor: Actor, note: Note,
                 lang: str) -> None:
    try:
        notes.delete_note(actor, note.id, version=note.version)
    except store.VersionConflict as exc:
        if not exc.current.deleted:  # (deleted already: the same tap delivered again)
            messages.say(f"{NOTES}.{note.id}", "warning", t("review.delete_conflict", lang))
        return
    except DB_ERRORS as exc:
        messages.say(f"{NOTES}.{note.id}", *failure(exc, lang))
        return
    state.undo = note.id


def _undo_delete(state: ReviewState, notes: store.NoteStore, actor: Actor, note_id: int,
                 lang: str) -> None:
    if state.undo != note_id:
        return  # the same tap delivered again: restored already
    restored = attempt(NOTES, lang, lambda: notes.restore_note(actor, note_id),
                       t("review.restored", lang))
    if restored is not None:
        state.undo = None


def undo_box(state: ReviewState, notes: store.NoteStore, actor: Actor, lang: str) -> None:
    """"Note deleted" with Undo, and the outcome of the undo, above the notes."""
    if state.undo is not None:
        with st.container(border=True, key="review.undo-box"):
            c1, c2 = st.columns([3, 1], vertical_alignment="center")
            with c1:
                common.text(t("review.deleted", lang))
            c2.button(t("review.undo", lang), key=f"review.undo-{state.undo}",
                      icon=":material/undo:", on_click=_undo_delete,
                      args=(state, notes, actor, state.undo, lang), width="stretch")
    messages.show(NOTES, into_view=True)


def guiding_questions(state: ReviewState, catalog: cat.Catalog,
                      programme_: prog.Programme | None, city_id: str, lang: str) -> None:
    """The programme's guiding questions for the department chosen in the form."""
    if programme_ is None:
        return
    questions = programme_.questions_for(state.value(new_path(city_id) + "department"))
    with st.container(border=True, key="review.questions"):
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
