"""The review's follow-ups tab: the city's follow-ups (owner, due date, status, overdue ones
marked with an icon and words) and the form to add one."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard import catalog as cat
from dashboard import presentation as fmt
from dashboard import store
from dashboard.i18n import plural, t
from dashboard.review import domain
from dashboard.roles import Actor
from dashboard.store import notes as notes_mod
from dashboard.store.notes import FollowUp, FollowUpStatus
from dashboard.ui import common, messages
from dashboard.ui.review.shared import DB_ERRORS, attempt, failure, read
from dashboard.ui.review.state import ReviewState

STATUSES = [v.value for v in FollowUpStatus]
FORM = "review.fu-form"  # message places


def overdue_label(item: FollowUp, today: dt.date, lang: str) -> str | None:
    """'Overdue since …' for an open follow-up past its due date, else None."""
    if item.overdue(today) and item.due is not None:
        return t("review.overdue", lang, date=fmt.short_date(item.due, lang))
    return None


def follow_up_line(catalog: cat.Catalog, item: FollowUp, lang: str,
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


def section(state: ReviewState, catalog: cat.Catalog, city_: cat.City,
            notes: store.NoteStore, actor: Actor, lang: str) -> None:
    """The city's follow-ups: owner, due date, status (changeable), overdue ones marked; a
    form to add one."""
    writer = actor.can_write_city(city_.id)
    st.toggle(t("review.open_only", lang), key=state.bind("fu.open_only", False, [True, False]))
    wanted = [FollowUpStatus.OPEN, FollowUpStatus.DOING] if state.value("fu.open_only") \
        else None
    items = read(lang, lambda: notes.list_follow_ups(city_id=city_.id, status=wanted,
                                                     reader=actor), [])
    today = dt.date.today()
    late = sum(1 for i in items if i.overdue(today))
    common.text(plural("review.fu_count", lang, len(items), late=late))
    if not items:
        common.notice("info", t("review.no_follow_ups", lang), icon=":material/task_alt:")
    for item in items:
        with st.container(border=True, key=f"review.fu-{item.id}"):
            follow_up_line(catalog, item, lang, today)
            if writer:
                # Seeded from the database on every run: the row's status is the truth.
                path = f"fu_status.{item.id}"
                state.set(path, item.status.value)
                st.radio(t("review.status", lang), STATUSES, key=state.key(path),
                         horizontal=True, format_func=lambda v: domain.status_label(v, lang),
                         on_change=_set_status, args=(notes, actor, item, state.key(path), lang))
            messages.show(f"review.fu-{item.id}", into_view=True)
    if writer:
        add_form(state, catalog, city_, notes, actor, state.exhibit, lang)


def _set_status(notes: store.NoteStore, actor: Actor, item: FollowUp, key: str,
                lang: str) -> None:
    status = st.session_state.get(key)
    where = f"review.fu-{item.id}"
    try:
        notes.edit_follow_up(actor, item.id, version=item.version, status=status)
    except store.VersionConflict:
        messages.say(where, "warning", t("review.fu_conflict", lang))
    except DB_ERRORS as exc:
        messages.say(where, *failure(exc, lang))
    else:
        messages.say(where, "success", t("review.fu_status_saved", lang,
                                         status=domain.status_label(status, lang)))


def add_form(state: ReviewState, catalog: cat.Catalog, city_: cat.City,
             notes: store.NoteStore, actor: Actor, exhibit_id: str | None, lang: str) -> None:
    ids = list(catalog.exhibits)
    with st.container(border=True, key="review.fu-form"):
        common.heading(t("review.add_follow_up", lang), 3)
        st.text_input(t("review.action", lang), key=state.bind("fu.action", ""),
                      max_chars=notes_mod.ACTION_MAX)
        c1, c2 = st.columns(2)
        c1.text_input(t("review.owner", lang), key=state.bind("fu.owner", ""),
                      max_chars=notes_mod.OWNER_MAX)
        c2.date_input(t("review.due", lang), key=state.bind("fu.due", None),
                      format=fmt.DATE_INPUT_FORMAT[lang])
        default = exhibit_id if exhibit_id in ids else ids[0]
        st.selectbox(t("review.fu_exhibit", lang), ids,
                     key=state.bind("fu.exhibit", default, ids),
                     format_func=lambda i: catalog.text(catalog.exhibits[i].name, lang))
        st.button(t("review.save_follow_up", lang), type="primary",
                  icon=":material/add_task:", on_click=_add_follow_up,
                  args=(state, notes, actor, city_.id, lang, state.generation("fu-save")),
                  width="stretch", key=state.button_key("fu-save"))
        messages.show(FORM, into_view=True)


def _add_follow_up(state: ReviewState, notes: store.NoteStore, actor: Actor, city_id: str,
                   lang: str, generation: int) -> None:
    if not state.is_current("fu-save", generation):
        return  # the same tap delivered again: saved already
    s = st.session_state
    saved = attempt(FORM, lang, lambda: notes.add_follow_up(
        actor, city_id=city_id, action=s.get(state.key("fu.action")) or "",
        owner=s.get(state.key("fu.owner")) or "", due=s.get(state.key("fu.due")),
        exhibit_id=s.get(state.key("fu.exhibit"))), t("review.follow_up_saved", lang))
    if saved is not None:
        state.set("fu.action", "")
        state.set("fu.due", None)
        state.written("fu-save")
