"""From the tour: what the person captured on the visitor page (dashboard.ui.capture), their
drafts per exhibit with the photos, to complete and publish as a note of their city.

The drafts are the person's own (CaptureStore checks it): the signed-in navigator, or in open
workshop mode the name typed in the account bar (the same name as on the tablet). The publish
form is prefilled from the marks (department, relevance 4 when marked relevant, "adapt"); its
values are kept in ReviewState under "tour.<exhibit>." like the other note forms, and the
button carries a generation (a tap delivered twice publishes once; the store also returns the
note already made of the same drafts).
"""

from __future__ import annotations

import streamlit as st

from dashboard import catalog as cat
from dashboard import presentation as fmt
from dashboard import store
from dashboard.i18n import t
from dashboard.review import domain
from dashboard.roles import Actor
from dashboard.store.captures import Capture, ExhibitDraft
from dashboard.ui import common, messages
from dashboard.ui.review import exhibits
from dashboard.ui.review.shared import DB_ERRORS, attempt, read
from dashboard.ui.review.state import ReviewState

PLACE = "review.from-tour"  # message places


def capture_store(notes: store.NoteStore, catalog: cat.Catalog) -> store.CaptureStore:
    return store.CaptureStore(notes.database, catalog)


def _path(exhibit_id: str) -> str:
    return f"tour.{exhibit_id}."


def _drafts(captures: store.CaptureStore, actor: Actor, city_: cat.City, lang: str,
            exhibit_id: str | None = None) -> list[ExhibitDraft] | None:
    """The person's drafts, or None when they cannot have any (no name yet, not a writer)."""
    if not actor.can_write_city(city_.id) or (actor.open_mode and not actor.name):
        return None
    return read(lang, lambda: captures.drafts(actor, city_id=city_.id, author=actor.name,
                                              exhibit_id=exhibit_id), [])


def _open(state: ReviewState, exhibit_id: str) -> None:
    state.exhibit = exhibit_id
    state.set("exhibit", exhibit_id)
    state.editing = state.conflict = None


def marks_line(catalog: cat.Catalog, draft: ExhibitDraft, lang: str) -> str:
    parts = []
    if draft.relevant:
        parts.append("★ " + t("capture.relevant", lang))
    parts += [domain.department_name(catalog, d, lang) for d in draft.departments]
    notes = sum(1 for c in draft.captures if c.text)
    if notes:
        parts.append(t("review.tour_notes", lang, n=notes))
    if draft.photos:
        parts.append(t("review.tour_photos", lang, n=len(draft.photos)))
    return " · ".join(parts)


def overview(state: ReviewState, catalog: cat.Catalog, city_: cat.City,
             captures: store.CaptureStore, actor: Actor, lang: str) -> None:
    """"From the tour" above the exhibits: the exhibits with drafts, each a tap to open."""
    if not actor.can_write_city(city_.id):
        return
    if actor.open_mode and not actor.name:
        common.caption(t("review.tour_name_first", lang))
        return
    drafts = _drafts(captures, actor, city_, lang) or []
    if not drafts:
        return
    with st.expander(t("review.from_tour_count", lang, n=len(drafts)),
                     icon=":material/photo_camera:", expanded=state.exhibit is None):
        for draft in drafts:
            name_col, open_col = st.columns([3, 1], vertical_alignment="center")
            with name_col:
                common.text(domain_name(catalog, draft.exhibit_id, lang), bold=True)
                common.caption(marks_line(catalog, draft, lang))
            open_col.button(t("review.tour_open", lang), key=f"review.tour-open-{draft.exhibit_id}",
                            on_click=_open, args=(state, draft.exhibit_id),
                            icon=":material/arrow_forward:", width="stretch")


def domain_name(catalog: cat.Catalog, exhibit_id: str, lang: str) -> str:
    ex = catalog.exhibits.get(exhibit_id)
    return catalog.text(ex.name, lang) if ex else exhibit_id


def show_photo(captures: store.CaptureStore, actor: Actor, capture: Capture, lang: str) -> None:
    """A photo the store hands out to `actor` (nothing when it would not), with its caption
    and who took it."""
    try:
        content = captures.photo(actor, capture.id, author=actor.name)
    except DB_ERRORS:
        return
    credit = t("review.photo_credit", lang, name=capture.author,
               date=fmt.short_date(capture.created_at.date(), lang))
    st.image(content, caption=f"{capture.caption} · {credit}" if capture.caption else credit,
             width="stretch")


def note_photos(captures: store.CaptureStore, actor: Actor, note_ids: list[int],
                lang: str) -> dict[int, list[Capture]]:
    return read(lang, lambda: captures.note_photos(actor, note_ids), {})


def exhibit_drafts(state: ReviewState, catalog: cat.Catalog, city_: cat.City, exhibit_id: str,
                   captures: store.CaptureStore, actor: Actor, lang: str) -> None:
    """The person's drafts of this exhibit with their photos, and the form to publish them."""
    found = _drafts(captures, actor, city_, lang, exhibit_id)
    if not found:
        messages.show(PLACE, into_view=True)
        return
    draft = found[0]
    path = _path(exhibit_id)
    departments = common.city_departments(catalog, city_)
    with st.container(border=True, key="review.from-tour"):
        common.heading(t("review.from_tour", lang), 3)
        common.caption(t("review.from_tour_help", lang))
        if line := marks_line(catalog, draft, lang):
            common.text(line, bold=True)
        for capture in draft.captures:
            if not capture.text and not capture.has_photo:
                continue
            with st.container(border=True, key=f"review.capture-{capture.id}"):
                common.caption(fmt.date_time(capture.created_at, lang))
                if capture.text:
                    common.text(capture.text)
                if capture.has_photo:
                    show_photo(captures, actor, capture, lang)
                st.button(t("review.tour_discard", lang), key=f"review.tour-discard-{capture.id}",
                          icon=":material/delete:", on_click=_discard,
                          args=(captures, actor, capture.id, lang))
        first = next((d for d in draft.departments if d in departments),
                     departments[0] if departments else None)
        defaults = {"department": first, "text": draft.text,
                    "relevance": draft.suggested_relevance(),
                    "transferability": draft.suggested_transferability().value,
                    "tags": "", "shared": True}
        exhibits._note_fields(state, path, defaults, catalog, city_, lang)
        name = f"publish-{exhibit_id}"
        st.button(t("review.tour_publish", lang), key=state.button_key(name), type="primary",
                  icon=":material/publish:", on_click=_publish,
                  args=(state, captures, actor, exhibit_id, draft.capture_ids, lang,
                        state.generation(name)), width="stretch")
    messages.show(PLACE, into_view=True)


def _discard(captures: store.CaptureStore, actor: Actor, capture_id: int, lang: str) -> None:
    attempt(PLACE, lang, lambda: captures.discard(actor, capture_id, author=actor.name),
            t("review.tour_discarded", lang))


def _publish(state: ReviewState, captures: store.CaptureStore, actor: Actor, exhibit_id: str,
             capture_ids: tuple[int, ...], lang: str, generation: int) -> None:
    name = f"publish-{exhibit_id}"
    if not state.is_current(name, generation):
        return  # the same tap delivered again: published already
    values = exhibits._fields(state, _path(exhibit_id))
    note = attempt(PLACE, lang, lambda: captures.publish(
        actor, capture_ids, department=values["department"], text=values["text"],
        relevance=values["relevance"], transferability=values["transferability"],
        tags=values["tags"], shared=values["shared"], author=actor.name),
        t("review.tour_published", lang))
    if note is not None:
        state.forget(_path(exhibit_id))
        state.written(name)
