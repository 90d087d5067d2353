"""Questions from the group, both sides: "Question for the guide" on the visitor page (while a
guide leads the tour), the queue per stop in the lead view, and "questions asked here" in the
review. The rules (anonymous, rate limited, plain text) are dashboard/store/questions.py; the
text reaches Streamlit only through common's escaping helpers. Session keys under
"questions.".
"""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

import streamlit as st

from dashboard import catalog as cat
from dashboard import presentation as fmt
from dashboard import store
from dashboard.i18n import t
from dashboard.store.questions import QUESTION_MAX
from dashboard.ui import auth, common, messages

Q = "questions."
_ASKER = Q + "asker"  # this tablet's random id (only its hash reaches the database)
_SAID = Q + "said"  # messages next to the ask box
_LEAD_SAID = Q + "lead_said"  # messages next to the guide's queue
_FIELD = "w.question-text"


def _asker() -> str:
    if _ASKER not in st.session_state:
        st.session_state[_ASKER] = store.new_tour_id() + store.new_tour_id()
    return st.session_state[_ASKER]


def _send(tours: store.TourStore, lead_id: str, exhibit_id: str, stop: int, lang: str) -> None:
    typed = st.session_state.get(_FIELD, "")
    try:
        store.QuestionStore(tours.database).ask(lead_id, _asker(), exhibit_id, stop, typed)
    except store.TooManyQuestions as exc:
        messages.say(_SAID, "warning", t("questions.too_many", lang) if exc.retry_after is None
                     else t("questions.wait", lang, seconds=exc.retry_after))
        return  # the typed line stays in the field
    except (store.LeadEnded, store.UnknownLead):
        messages.say(_SAID, "info", t("questions.no_guide", lang))
        return
    except store.QuestionError:
        messages.say(_SAID, "warning", t("questions.refused", lang))
        return
    except common.STORE_ERRORS:
        messages.say(_SAID, "error", t("questions.store_down", lang))
        return
    st.session_state[_FIELD] = ""
    messages.say(_SAID, "success", t("questions.sent", lang))


def ask_box(tours: store.TourStore | None, lead_id: str | None, exhibit_id: str, stop: int,
            lang: str) -> None:
    """"Question for the guide" at the stop shown, while a guide leads (`lead_id`)."""
    if tours is None or lead_id is None:
        return
    with st.container(key="visitor-question"), st.expander(
            t("questions.ask", lang), icon=":material/front_hand:"):
        with st.form("visitor-question-form", border=False, enter_to_submit=True):
            st.text_input(t("questions.line", lang), key=_FIELD, max_chars=QUESTION_MAX,
                          placeholder=t("questions.placeholder", lang))
            common.caption(t("questions.anonymous", lang))
            st.form_submit_button(t("questions.send", lang), icon=":material/send:",
                                  on_click=_send, args=(tours, lead_id, exhibit_id, stop, lang),
                                  type="primary", width="stretch")
        messages.show(_SAID)


# --------------------------------------------------------------------------- the guide's side


def _answer(database: store.Database, catalog: cat.Catalog, lead_id: str, key: str,
            question_id: int, lang: str) -> None:
    if not auth.current_actor(catalog).can_manage_tours:  # the callback checks again
        messages.say(_LEAD_SAID, "error", t("lead.sign_in_first", lang))
        return
    try:
        store.QuestionStore(database).answer(lead_id, key, question_id)
    except store.NotLeading:
        messages.say(_LEAD_SAID, "warning", t("lead.lost", lang))
    except store.LeadError:
        messages.say(_LEAD_SAID, "warning", t("questions.refused", lang))
    except common.STORE_ERRORS:
        messages.say(_LEAD_SAID, "error", t("lead.store_down", lang))


def read_queue(database: store.Database, lead_id: str) -> list[store.Question] | None:
    """The lead's questions (oldest first), or None when the database is down."""
    try:
        return store.QuestionStore(database).for_lead(lead_id)
    except common.STORE_ERRORS:
        return None


def open_count(questions: Sequence[store.Question], stop: int) -> int:
    return sum(1 for q in questions if q.stop == stop and not q.answered)


def queue(database: store.Database, catalog: cat.Catalog, lead_id: str, key: str | None,
          questions: list[store.Question] | None, names: Sequence[str], tz: ZoneInfo,
          lang: str) -> None:
    """The group's questions per stop, newest last, a count on each stop; the device that
    leads (`key`) marks them answered."""
    with st.container(key="lead-questions", border=True):
        waiting = [q for q in questions or [] if not q.answered]
        common.heading(t("questions.queue", lang, n=len(waiting)), 3)
        messages.show(_LEAD_SAID)
        if questions is None:
            common.notice("error", t("lead.store_down", lang))
            return
        if not waiting:
            common.text(t("questions.none", lang), italic=True)
        for stop in sorted({q.stop for q in waiting}):
            here = [q for q in waiting if q.stop == stop]
            name = names[stop] if stop < len(names) else "?"
            common.text(t("questions.at_stop", lang, n=stop + 1, name=name, count=len(here)),
                        bold=True)
            for q in here:
                with st.container(key=f"lead-question-{q.id}", border=True):
                    common.text(q.text or t("questions.no_text", lang), italic=not q.text)
                    common.caption(t("questions.asked_at", lang,
                                     clock=fmt.clock(q.asked_at.astimezone(tz))))
                    if key is not None:
                        st.button(t("questions.answered", lang), key=f"{Q}answer-{q.id}",
                                  icon=":material/check:", on_click=_answer,
                                  args=(database, catalog, lead_id, key, q.id, lang))
        answered = len(questions) - len(waiting)
        if answered:
            common.caption(t("questions.answered_count", lang, n=answered))


# --------------------------------------------------------------------------- the review


def asked_here(exhibition_id: str, exhibit_id: str, tz: ZoneInfo, lang: str) -> None:
    """The questions visitors asked at this exhibit on led tours (read-only, newest first)."""
    tours = common.tour_store()
    if tours is None:
        return
    try:
        asked = store.QuestionStore(tours.database).asked_at(exhibition_id, exhibit_id)
    except common.STORE_ERRORS:
        return  # the review works without them
    if not asked:
        return
    with st.expander(t("questions.asked_here", lang, n=len(asked)),
                     icon=":material/front_hand:"), st.container(key="review-questions"):
        for q in asked:
            common.text(q.text or t("questions.no_text", lang), italic=not q.text)
            asked_at = q.asked_at.astimezone(tz)
            common.caption(t("questions.asked_on", lang, date=fmt.short_date(
                asked_at.date(), lang), clock=fmt.clock(asked_at)) + (
                " · " + t("questions.was_answered", lang) if q.answered else ""))
