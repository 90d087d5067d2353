"""Follow the guide, the Streamlit side: the guide's lead view (/lead?tour=<id>) and the
"Follow the guide" panel of the visitor page.

The guide's view keeps the lead code of the leads this session started or took over in
session state (never in the URL, never in the database: the store keeps a hash); its status
part is a fragment that refreshes every GUIDE_REFRESH_S seconds (stop, followers). A tablet on a
tour nobody leads looks for a guide every LOOK_S seconds; on a led tour it polls the store every
POLL_S seconds in a fragment; when the guide's stop changes it moves
the visitor page there with an app rerun (no reload: visited marks and text size stay). Its only
write is a heartbeat every HEARTBEAT_S seconds while it follows. Session keys under "lead.".
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st

from dashboard import catalog as cat
from dashboard import lead as follow
from dashboard import links, routing, store, visitor
from dashboard.i18n import t
from dashboard.store.lead import format_code, new_follower_token, normalize_code
from dashboard.ui import common, messages

L = "lead."
_CODES = L + "codes"  # tour id -> (lead id, code) of the leads this session controls
_SHOW_CODE = L + "show_code"  # the lead id whose code is shown (right after Start)
_MESSAGES = L + "messages"
_PLAN = L + "plan"  # (tour id, SavedTour, TourPlan)
_KIND = L + "kind"  # what the guide's view showed at the last full run: none / mine / other
_FULL = L + "full_run"  # set by the page before a fragment: this run is a full one
_GUIDED = L + "guided"  # follows an active lead (see follows_guide)
_FOLLOW = L + "follow"  # visitor: following on (True), off (False), default (None)
_SYNCED = L + "synced"  # visitor: (lead id, guide's stop it last went to)
_TOKEN = L + "token"  # visitor: this tablet's heartbeat token
_BEAT = L + "beat"  # visitor: time.monotonic() of the last heartbeat
POLL_S = 2  # a following tablet reaches the guide's stop within about this (+ a rerun)
# A tablet on a tour nobody leads notices a guide starting within this. Each look is a fragment
# run (about 7 ms of server CPU); every 2 s, twenty idle tablets cost a fifth of the server's
# work while the group tapped Next together (bench_sessions).
LOOK_S = 10
GUIDE_REFRESH_S = 3
HEARTBEAT_S = 5  # well inside store.lead.FOLLOWER_WINDOW (15 s)
FOLLOW_PARAM = "follow"

_CSS = """<style>
.st-key-lead-controls [data-testid="stHorizontalBlock"] { flex-direction: row;
  flex-wrap: nowrap; }
.st-key-lead-controls [data-testid="stColumn"] { min-width: 0 !important;
  flex: 1 1 0 !important; width: auto !important; }
.st-key-lead-controls button, .st-key-lead-start button, .st-key-lead-jump button {
  min-height: 64px; }
.st-key-lead-controls button p, .st-key-lead-start button p { font-size: 1.3rem; }
.st-key-lead-code-box p { font-size: 1.15rem; }
/* A poll that takes a moment does not fade the panel every few seconds. */
.st-key-lead-panel [data-stale="true"], .st-key-lead-follow [data-stale="true"] {
  opacity: 1 !important; }
.st-key-lead-code p strong { font-size: 3rem; letter-spacing: .12em;
  font-family: ui-monospace, monospace; }
</style>"""


def style() -> None:
    """Big touch targets (at least 48 px, here 64) and a large code; our own fixed CSS."""
    st.html(_CSS)


def lead_store(tours: store.TourStore | None) -> store.LeadStore | None:
    """The lead store on the tour store's engine (a thin wrapper: made per run)."""
    return None if tours is None else store.LeadStore(tours.database)


def _say(level: str, message: str) -> None:
    messages.say(_MESSAGES, level, message)


def show_messages() -> None:
    messages.show(_MESSAGES)


def _full_run_flag() -> bool:
    """True once after the page set it: the fragment is running inside a full run."""
    return bool(st.session_state.pop(_FULL, False))


# --------------------------------------------------------------------------- links


def lead_link(tour_id: str | None, lang: str) -> None:
    """"Lead this tour" for a saved tour (planner's share area, visitor page's settings)."""
    if tour_id:
        st.page_link(links.PAGE_FILES["lead"], label=t("lead.open", lang),
                     icon=":material/campaign:", query_params={"tour": tour_id},
                     help=t("lead.open_help", lang))


def visitor_link(tour_id: str, lang: str) -> None:
    """The tablets' link and QR code of the tour, for the group to scan before the start."""
    from dashboard import export  # the QR code's libraries only where one is drawn

    url = links.share_url(common.request_base_url(), tour_id, lang)
    with st.expander(t("lead.visitor_link", lang), icon=":material/qr_code_2:"):
        st.code(url, language=None)
        st.image(export.qr_png(url), width=180, alt=t("planner.qr_alt", lang, url=url))


# --------------------------------------------------------------------------- the guide's view


@dataclass(frozen=True)
class LeadTour:
    saved: store.SavedTour
    names: tuple[str, ...]  # stop names in visiting order, in the page's language


def open_tour(catalog: cat.Catalog, network: routing.WalkingNetwork,
              tours: store.TourStore | None, lang: str) -> LeadTour | None:
    """The saved tour of ?tour= with its stops, or None (after a message when ?tour= was bad)."""
    tour_id = st.query_params.get("tour")
    if tour_id is None:
        return None
    shown = str(tour_id)[:40]
    cached = st.session_state.get(_PLAN)
    try:
        if cached is not None and cached[0] == tour_id:
            saved, plan = cached[1], cached[2]
        else:
            if tours is None:
                raise store.StoreUnavailable("no database")
            saved = tours.load_tour(tour_id) if store.is_valid_tour_id(tour_id) else None
            if saved is None:
                common.notice("warning", t("lead.bad_tour", lang, id=shown))
                return None
            store.check_exhibition(saved, catalog)
            plan = routing.plan_tour(catalog, routing.TourRequest.from_dict(saved.spec), network)
            st.session_state[_PLAN] = (tour_id, saved, plan)
    except store.WrongExhibition as exc:
        common.notice("warning", t("visitor.wrong_exhibition", lang, id=exc.tour_id,
                                   exhibition=exc.tour_exhibition))
        return None
    except store.CorruptTour:
        common.notice("warning", t("visitor.corrupt_tour", lang, id=shown))
        return None
    except routing.TourError:
        common.notice("warning", t("visitor.empty_tour", lang))
        return None
    except common.STORE_ERRORS:
        common.notice("error", t("visitor.store_down", lang))
        return None
    names = tuple(s.name for s in visitor.visitor_stops(plan, catalog, lang))
    if not names:
        common.notice("warning", t("visitor.empty_tour", lang))
        return None
    return LeadTour(saved, names)


def _pick(tour_id: str) -> None:
    st.query_params["tour"] = tour_id


def pick_tour(catalog: cat.Catalog, tours: store.TourStore | None, lang: str) -> None:
    """The saved tours of this exhibition (newest first) to lead."""
    common.heading(t("lead.pick", lang), 2)
    try:
        saved = tours.list_tours(limit=30, exhibition_id=catalog.exhibition.id) \
            if tours is not None else []
    except common.STORE_ERRORS:
        common.notice("error", t("visitor.store_down", lang))
        saved = []
    if not saved:
        common.text(t("lead.none_saved", lang), italic=True)
    for tour in saved:
        st.button(common.md_escape(tour.title), key=f"{L}pick-{tour.id}", on_click=_pick,
                  args=(tour.id,), icon=":material/campaign:", width="stretch")


def _mine(tour_id: str) -> tuple[str, str] | None:
    return st.session_state.get(_CODES, {}).get(tour_id)


def _forget(tour_id: str) -> None:
    st.session_state.get(_CODES, {}).pop(tour_id, None)


def _run(action: Callable[[], object], lang: str, tour_id: str | None = None) -> object | None:
    """A store call from a guide's button; every refusal becomes a message. When the lead
    has ended or the code is refused, this session no longer holds `tour_id`'s lead (a
    database that is down for a moment keeps it)."""
    try:
        return action()
    except store.WrongLeadCode:
        _say("error", t("lead.wrong_code", lang))
    except (store.LeadEnded, store.UnknownLead, store.UnknownTourError):
        _say("info", t("lead.ended", lang))
    except store.AlreadyLed:
        _say("warning", t("lead.already_led", lang))
        return None
    except common.STORE_ERRORS:
        _say("error", t("lead.store_down", lang))
        return None
    if tour_id is not None:
        _forget(tour_id)
    return None


def _start(leads: store.LeadStore, tour_id: str, lang: str) -> None:
    started = _run(lambda: leads.start(tour_id), lang)
    if isinstance(started, tuple):
        lead, code = started
        st.session_state.setdefault(_CODES, {})[tour_id] = (lead.id, code)
        st.session_state[_SHOW_CODE] = lead.id


def _move(leads: store.LeadStore, tour_id: str, stop: int, count: int, lang: str) -> None:
    """To stop `stop` (0-based), not "one more": a tap delivered twice moves once
    (common.step_key)."""
    mine = _mine(tour_id)
    if mine is not None:
        _run(lambda: leads.goto(*mine, follow.clamp(stop, count)), lang, tour_id)


def _end(leads: store.LeadStore, tour_id: str, lang: str) -> None:
    mine = _mine(tour_id)
    if mine is not None and _run(lambda: leads.end(*mine), lang, tour_id) is not None:
        _say("success", t("lead.ended", lang))
        _forget(tour_id)


def _code_noted() -> None:
    st.session_state.pop(_SHOW_CODE, None)


def guide_panel(leads: store.LeadStore | None, tour: LeadTour, lang: str) -> None:
    """The lead view of a tour: Start, or the current stop, followers and (for whoever holds
    the code) Previous / Next / End; refreshed every GUIDE_REFRESH_S seconds."""
    if leads is None:
        common.notice("error", t("lead.store_down", lang))
        return
    st.session_state[_FULL] = True
    _guide_fragment(leads, tour, lang)
    if st.session_state.get(_KIND) == "other":
        _take_over_form(leads, tour.saved.id, lang)


@st.fragment(run_every=GUIDE_REFRESH_S)
def _guide_fragment(leads: store.LeadStore, tour: LeadTour, lang: str) -> None:
    full_run = _full_run_flag()
    with st.container(key="lead-panel"):
        _guide_view(leads, tour, lang, full_run)


def _guide_view(leads: store.LeadStore, tour: LeadTour, lang: str, full_run: bool) -> None:
    tour_id, count = tour.saved.id, len(tour.names)
    show_messages()
    try:
        lead = leads.active_for_tour(tour_id)
        followers = leads.follower_count(lead.id) if lead is not None else 0
    except common.STORE_ERRORS:
        common.notice("error", t("lead.store_down", lang))
        return
    mine = _mine(tour_id)
    if mine is not None and (lead is None or lead.id != mine[0]):
        _forget(tour_id)  # ended (here or on another device)
        mine = None
    kind = "none" if lead is None else "mine" if mine else "other"
    if kind != st.session_state.get(_KIND):
        st.session_state[_KIND] = kind
        if not full_run:
            st.rerun()  # the take-over form outside the fragment appears or goes
    if lead is None:
        common.text(t("lead.not_led", lang), bold=True)
        common.text(t("lead.intro", lang))
        st.button(t("lead.start", lang), key=L + "start", type="primary", width="stretch",
                  icon=":material/play_arrow:", on_click=_start, args=(leads, tour_id, lang))
        return
    if mine is not None and st.session_state.get(_SHOW_CODE) == lead.id:
        _code_box(mine[1], lang)
    stop = follow.clamp(lead.stop, count)
    with st.container(key="lead-current", border=True):
        common.text(t("lead.stop", lang, n=stop + 1, total=count), bold=True)
        common.heading(f"{stop + 1}. {tour.names[stop]}", 2)
        if stop + 1 < count:
            common.caption(f"{t('lead.next', lang)}: {stop + 2}. {tour.names[stop + 1]}")
        common.text(t("lead.followers", lang, n=followers))
    if mine is None:
        common.notice("info", t("lead.read_only", lang), icon=":material/lock:")
        return
    with st.container(key="lead-controls"):
        prev_col, next_col = st.columns(2)
        with prev_col.container(key="lead-prev"):
            st.button(t("lead.previous", lang), key=common.step_key(L + "prev", stop),
                      icon=":material/arrow_back:", on_click=_move,
                      args=(leads, tour_id, stop - 1, count, lang), disabled=stop <= 0,
                      width="stretch")
        with next_col.container(key="lead-next"):
            st.button(t("lead.next", lang), key=common.step_key(L + "next", stop),
                      icon=":material/arrow_forward:", on_click=_move,
                      args=(leads, tour_id, stop + 1, count, lang), disabled=stop >= count - 1,
                      width="stretch", type="primary")
        # Behind a second tap: a guide walking with the tablet does not end the tour by mistake.
        with st.popover(t("lead.end", lang), icon=":material/stop_circle:", width="stretch",
                        key="lead-end-pop"):
            st.button(t("lead.end_confirm", lang), key=L + "end", icon=":material/stop_circle:",
                      on_click=_end, args=(leads, tour_id, lang), type="primary")


def _code_box(code: str, lang: str) -> None:
    """The lead code, large, right after Start; it is not shown again once noted."""
    with st.container(key="lead-code-box", border=True):
        common.text(t("lead.code_label", lang))
        with st.container(key="lead-code"):
            common.text(format_code(code), bold=True)
        common.notice("warning", t("lead.code_note", lang), icon=":material/key:")
        st.button(t("lead.code_noted", lang), key=L + "noted", on_click=_code_noted,
                  icon=":material/check:")


def _take_over(leads: store.LeadStore, tour_id: str, lang: str) -> None:
    typed = normalize_code(st.session_state.get("w.lead-code", ""))
    lead = _run(lambda: leads.active_for_tour(tour_id), lang)
    if not isinstance(lead, store.Lead):
        _say("info", t("lead.ended", lang))
        return
    if _run(lambda: leads.check_code(lead.id, typed), lang) is not None:
        st.session_state.setdefault(_CODES, {})[tour_id] = (lead.id, typed)
        _say("success", t("lead.taken_over", lang))


def _take_over_form(leads: store.LeadStore, tour_id: str, lang: str) -> None:
    with st.form("lead-take-over", border=True):
        st.text_input(t("lead.code_input", lang), key="w.lead-code", max_chars=20,
                      type="password", autocomplete="off")
        st.form_submit_button(t("lead.take_over", lang), icon=":material/key:",
                              on_click=_take_over, args=(leads, tour_id, lang))


# --------------------------------------------------------------------------- following


def _init_follow() -> None:
    """?follow=1 / 0 on the session's first run (None: on whenever a lead is active)."""
    if _FOLLOW in st.session_state:
        return
    raw = st.query_params.get(FOLLOW_PARAM)
    if raw is not None and raw not in ("0", "1"):
        common._bad_param(FOLLOW_PARAM, raw)
    st.session_state[_FOLLOW] = {"1": True, "0": False}.get(raw or "")


def follows_guide() -> bool:
    """Whether this tablet follows a guide right now (as of the follow panel's last run): the
    visitor page's idle return then stays off, or an untouched tablet that the guide moves on
    would jump back to the first stop."""
    return bool(st.session_state.get(_GUIDED))


def follow_panel(tours: store.TourStore | None, tour_id: str, count: int, lang: str) -> None:
    """The visitor page's "Follow the guide": shown while the tour is being led."""
    leads = lead_store(tours)
    if leads is None:
        return
    _init_follow()
    common.show_bad_params(lang)
    style()
    try:
        led = leads.active_for_tour(tour_id) is not None
    except common.STORE_ERRORS:
        led = False  # the tour still works without the guide; look again later
    st.session_state[_FULL] = True
    if led:
        _follow_fragment(leads, tour_id, count, lang)
    else:
        _look_for_guide(leads, tour_id)


@st.fragment(run_every=LOOK_S)
def _look_for_guide(leads: store.LeadStore, tour_id: str) -> None:
    """While nobody leads the tour: look for a guide now and then; once one leads, the whole
    page runs again and draws the follow panel (which polls every POLL_S)."""
    full_run = _full_run_flag()
    st.session_state[_GUIDED] = False
    try:
        lead = leads.active_for_tour(tour_id)
    except common.STORE_ERRORS:
        return
    if lead is not None and not full_run:
        st.rerun()  # app scope


def _set_follow(leads: store.LeadStore) -> None:
    on = bool(st.session_state.get("w.lead-follow"))
    st.session_state[_FOLLOW] = on
    st.session_state[_SYNCED] = None  # switched on: go to the guide at once
    st.query_params[FOLLOW_PARAM] = "1" if on else "0"
    if not on and _TOKEN in st.session_state:
        # Not counted after FOLLOWER_WINDOW anyway if this fails.
        with contextlib.suppress(*common.STORE_ERRORS):
            leads.leave(st.session_state[_TOKEN])


def _heartbeat(leads: store.LeadStore, lead_id: str) -> None:
    now = time.monotonic()
    if now - st.session_state.get(_BEAT, -HEARTBEAT_S) < HEARTBEAT_S:
        return
    token = st.session_state.setdefault(_TOKEN, new_follower_token())
    try:
        leads.heartbeat(lead_id, token)
    except common.STORE_ERRORS:
        return  # the visitor's page goes on without being counted
    st.session_state[_BEAT] = now


def _go_to(visitor_state: Any, stop: int) -> None:  # visitor_page.VisitorState
    visitor_state.stop = stop
    visitor_state.save()
    st.rerun()  # app scope: the whole visitor page shows the new stop


@st.fragment(run_every=POLL_S)
def _follow_fragment(leads: store.LeadStore, tour_id: str, count: int, lang: str) -> None:
    full_run = _full_run_flag()
    st.session_state[_GUIDED] = False
    vstate = st.session_state.get("visitor.state")
    if vstate is None or vstate.tour_id != tour_id:
        return
    try:
        lead = leads.active_for_tour(tour_id)
    except common.STORE_ERRORS:
        return  # the tour still works without the guide
    if lead is None:
        if not full_run:
            st.rerun()  # the lead ended: the page goes back to looking now and then
        return
    following = st.session_state.get(_FOLLOW)
    following = True if following is None else following
    st.session_state[_GUIDED] = following
    with st.container(key="lead-follow"):
        st.session_state["w.lead-follow"] = following
        st.toggle(t("lead.follow", lang), key="w.lead-follow", on_change=_set_follow,
                  args=(leads,))
        synced_lead, synced = st.session_state.get(_SYNCED) or (None, None)
        step = follow.follow_step(vstate.stop, synced if synced_lead == lead.id else None,
                                  lead.stop, following, count)
        st.session_state[_SYNCED] = (lead.id, step.synced)
        if following:
            _heartbeat(leads, lead.id)
        if st.query_params.get(FOLLOW_PARAM) != ("1" if following else "0"):
            st.query_params[FOLLOW_PARAM] = "1" if following else "0"
        if step.move_to is not None:
            _go_to(vstate, step.move_to)
        guide = follow.clamp(lead.stop, count)
        if not step.away:
            common.caption(t("lead.following" if following else "lead.guide_at", lang,
                             n=guide + 1))
            return
        common.caption(t("lead.guide_at", lang, n=guide + 1))
        if st.button(t("lead.jump", lang, n=guide + 1), key=L + "jump", type="primary",
                     icon=":material/my_location:"):
            st.session_state[_SYNCED] = (lead.id, guide)
            _go_to(vstate, guide)
