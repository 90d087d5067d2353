"""The transfer scorecard beside an exhibit's notes (all cities' scorecards, the city's own
to fill in) and the city's reflection date in the follow-ups tab.

Form values are kept in ReviewState under "sc.<exhibit>." and "reflect."; the version a form
was loaded at goes with the save, so a scorecard saved by someone else meanwhile is reported
(VersionConflict), never overwritten.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard import catalog as cat
from dashboard import presentation as fmt
from dashboard import store
from dashboard.i18n import t
from dashboard.review import domain, transfer
from dashboard.roles import Actor
from dashboard.store import scorecards as sc
from dashboard.ui import common, messages
from dashboard.ui.review.follow_ups import follow_up_line
from dashboard.ui.review.shared import DB_ERRORS, failure, read
from dashboard.ui.review.state import ReviewState

PLACE = "review.scorecard"
REFLECT = "review.reflection"
NOT_RATED = 0
SCORES = [NOT_RATED, 1, 2, 3, 4, 5]
NO_OWNER = ""


def scorecard_store(notes: store.NoteStore, catalog: cat.Catalog) -> store.ScorecardStore:
    return store.ScorecardStore(notes.database, catalog)


def _path(exhibit_id: str) -> str:
    return f"sc.{exhibit_id}."


def card_rows(catalog: cat.Catalog, cards: list[sc.Scorecard], lang: str) -> list[dict]:
    """The scorecards as table rows (plain text; st.dataframe shows it as text)."""
    rows = []
    for card in cards:
        row = {t("report.city", lang): domain.city_name(catalog, card.city_id, lang),
               t("transfer.stage", lang): transfer.stage_label(card.stage, lang)}
        for factor, rating in card.factors.items():
            row[transfer.factor_label(factor, lang)] = (
                f"{rating.score}/5" + (f" – {rating.why}" if rating.why else "")
                if rating.score else "–")
        row[t("transfer.owner_department", lang)] = (
            domain.department_name(catalog, card.owner_department, lang)
            if card.owner_department else "")
        row[t("transfer.contact", lang)] = card.contact
        row[t("transfer.reuse_url", lang)] = card.reuse_url
        rows.append(row)
    return rows


def scorecard_box(state: ReviewState, catalog: cat.Catalog, city_: cat.City, exhibit_id: str,
                  scorecards: store.ScorecardStore, actor: Actor, lang: str) -> None:
    """All cities' scorecards of the exhibit in a line and a table; the city's own form."""
    cards = read(lang, lambda: scorecards.scorecards(actor, exhibit_id=exhibit_id), [])
    own = next((c for c in cards if c.city_id == city_.id), None)
    with st.expander(t("transfer.title", lang), icon=":material/conveyor_belt:",
                     expanded=bool(state.value(_path(exhibit_id) + "open"))):
        common.caption(t("transfer.help", lang))
        if line := transfer.across_cities(catalog, cards, lang):
            common.text(line, bold=True)
        if cards:
            st.dataframe(card_rows(catalog, cards, lang), hide_index=True, width="stretch")
        else:
            common.text(t("transfer.none", lang), italic=True)
        if actor.can_write_city(city_.id):
            _form(state, catalog, city_, exhibit_id, own, scorecards, actor, lang)
        messages.show(PLACE, into_view=True)


def _form(state: ReviewState, catalog: cat.Catalog, city_: cat.City, exhibit_id: str,
          own: sc.Scorecard | None, scorecards: store.ScorecardStore, actor: Actor,
          lang: str) -> None:
    path = _path(exhibit_id)
    loaded = own.version if own else None
    if state.value(path + "loaded", "unset") != loaded:  # a newer version: the form shows it
        state.forget(path)
        state.values[path + "loaded"] = loaded
    common.heading(t("transfer.own", lang, city=catalog.text(city_.name, lang)), 4)
    st.selectbox(t("transfer.stage", lang), transfer.STAGES,
                 key=state.bind(path + "stage", own.stage.value if own else transfer.STAGES[0],
                                transfer.STAGES),
                 format_func=lambda s: transfer.stage_label(s, lang))
    for factor in sc.Factor:
        rating = own.factors[factor] if own else sc.Rating(None)
        score_col, why_col = st.columns([2, 3], vertical_alignment="bottom")
        score_col.selectbox(transfer.factor_label(factor, lang), SCORES,
                            key=state.bind(f"{path}{factor.value}.score",
                                           rating.score or NOT_RATED, SCORES),
                            format_func=lambda v: t("transfer.not_rated", lang)
                            if v == NOT_RATED else f"{v}/5")
        why_col.text_input(t("transfer.why", lang),
                           key=state.bind(f"{path}{factor.value}.why", rating.why),
                           max_chars=sc.WHY_MAX)
    departments = [NO_OWNER, *common.city_departments(catalog, city_)]
    st.selectbox(t("transfer.owner_department", lang), departments,
                 key=state.bind(path + "owner", (own.owner_department or NO_OWNER) if own
                                else NO_OWNER, departments),
                 format_func=lambda d: t("transfer.no_owner", lang) if d == NO_OWNER
                 else domain.department_name(catalog, d, lang))
    c1, c2 = st.columns(2)
    c1.text_input(t("transfer.contact", lang), key=state.bind(path + "contact",
                                                              own.contact if own else ""),
                  max_chars=sc.CONTACT_MAX, help=t("transfer.contact_help", lang))
    c2.text_input(t("transfer.reuse_url", lang),
                  key=state.bind(path + "url", own.reuse_url if own else ""),
                  max_chars=sc.URL_MAX, help=t("transfer.reuse_url_help", lang))
    st.toggle(t("review.shared", lang),
              key=state.bind(path + "shared", own.shared if own else True, [True, False]))
    st.button(t("transfer.save", lang), key=f"review.sc-save-{exhibit_id}-{loaded}",
              type="primary", icon=":material/save:", on_click=_save,
              args=(state, scorecards, actor, city_.id, exhibit_id, loaded, lang),
              width="stretch")


def _save(state: ReviewState, scorecards: store.ScorecardStore, actor: Actor, city_id: str,
          exhibit_id: str, version: int | None, lang: str) -> None:
    path = _path(exhibit_id)
    state.capture()  # a callback runs before load() copies the widgets
    state.values[path + "open"] = True
    factors = {f.value: {"score": state.value(f"{path}{f.value}.score") or None,
                         "why": state.value(f"{path}{f.value}.why") or ""} for f in sc.Factor}
    try:
        scorecards.save_scorecard(
            actor, exhibit_id=exhibit_id, city_id=city_id, version=version,
            stage=state.value(path + "stage"), factors=factors,
            owner_department=state.value(path + "owner") or None,
            contact=state.value(path + "contact") or "", reuse_url=state.value(path + "url")
            or "", shared=bool(state.value(path + "shared", True)))
    except store.VersionConflict:
        messages.say(PLACE, "warning", t("transfer.conflict", lang))
        return
    except DB_ERRORS as exc:  # what was typed stays in the form
        messages.say(PLACE, *failure(exc, lang))
        return
    messages.say(PLACE, "success", t("transfer.saved", lang))


# --------------------------------------------------------------------------- reflection


def reflection_box(state: ReviewState, catalog: cat.Catalog, city_: cat.City,
                   notes: store.NoteStore, actor: Actor, lang: str,
                   today: dt.date | None = None) -> None:
    """The city's reflection date and the follow-ups due for it (not done, due by then)."""
    scorecards = scorecard_store(notes, catalog)
    current = read(lang, lambda: scorecards.reflection(city_.id), None)
    if current is None:
        return
    with st.container(border=True, key="review.reflection"):
        common.heading(t("transfer.reflection", lang), 3)
        common.caption(t("transfer.reflection_help", lang))
        if actor.can_write_city(city_.id):
            c1, c2 = st.columns([2, 1], vertical_alignment="bottom")
            if state.value("reflect.loaded", -1) != current.version:
                state.set("reflect.day", current.day)
                state.values["reflect.loaded"] = current.version
            c1.date_input(t("transfer.reflection_date", lang), key=state.bind(
                "reflect.day", current.day), format=fmt.DATE_INPUT_FORMAT[lang])
            c2.button(t("transfer.reflection_save", lang),
                      key=f"review.reflect-save-{current.version}", icon=":material/event:",
                      on_click=_save_reflection,
                      args=(state, scorecards, actor, city_.id, current.version, lang),
                      width="stretch")
        elif current.day:
            common.text(fmt.long_date(current.day, lang), bold=True)
        messages.show(REFLECT, into_view=True)
        if current.day is None:
            return
        items = read(lang, lambda: notes.list_follow_ups(city_id=city_.id, reader=actor), [])
        due = transfer.due_for_reflection(items, current.day)
        common.text(t("transfer.reflection_due", lang, n=len(due),
                      date=fmt.short_date(current.day, lang)), bold=True)
        for item in due:
            follow_up_line(catalog, item, lang, today)


def _save_reflection(state: ReviewState, scorecards: store.ScorecardStore, actor: Actor,
                     city_id: str, version: int, lang: str) -> None:
    day = st.session_state.get(state.key("reflect.day"))
    try:
        scorecards.set_reflection(actor, city_id, day, version=version)
    except store.VersionConflict:
        messages.say(REFLECT, "warning", t("transfer.conflict", lang))
        return
    except DB_ERRORS as exc:
        messages.say(REFLECT, *failure(exc, lang))
        return
    messages.say(REFLECT, "success", t("transfer.reflection_saved", lang))
