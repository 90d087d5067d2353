"""Follow the guide, the visitor's side: the "Follow the guide" panel of the visitor page.

The visitor page hands over a typed view of where its tablet is (`FollowingTablet`: the tour,
the stop, and save()); this module never reads the visitor page's session keys, and the visitor
page asks only `follows_guide()`. A tablet on a tour nobody leads looks for a guide every
LOOK_S seconds; on a led tour it polls the store every POLL_S seconds in a fragment; when the
guide's stop changes it moves the visitor page there with an app rerun (no reload: visited
marks and text size stay). Its only write is a heartbeat every HEARTBEAT_S seconds while it
follows, with a token the store gave it when it joined the lead. Session keys under "follow.".
The rules of where a tablet goes are dashboard/lead.py; the guide's view is lead_page.py.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from typing import Protocol

import streamlit as st

from dashboard import lead as follow
from dashboard import store
from dashboard.i18n import t
from dashboard.ui import common, styles

F = "follow."
_FULL = F + "full_run"  # set by the panel before a fragment: this run is a full one
_GUIDED = F + "guided"  # follows an active lead (see follows_guide)
_FOLLOW = F + "follow"  # following on (True), off (False), default (None)
_SYNCED = F + "synced"  # (lead id, guide's stop it last went to)
_TOKEN = F + "token"  # (lead id, this tablet's heartbeat token from LeadStore.join)
_BEAT = F + "beat"  # time.monotonic() of the last heartbeat
_LEAD = F + "lead"  # (tour id, lead id) of the active lead as of the last poll
_IN_FORCE = F + "in_force"  # (tour id, lead id, revision, plan) of the lead's re-plan
_TOGGLE = "w.lead-follow"
POLL_S = 2  # a following tablet reaches the guide's stop within about this (+ a rerun)
# A tablet on a tour nobody leads notices a guide starting within this. Each look is a fragment
# run (about 7 ms of server CPU); every 2 s, twenty idle tablets cost a fifth of the server's
# work while the group tapped Next together (bench_sessions).
LOOK_S = 10
HEARTBEAT_S = 5  # well inside store.lead.FOLLOWER_WINDOW (15 s)
FOLLOW_PARAM = "follow"


class FollowingTablet(Protocol):
    """What following needs of the visitor page's state (visitor_page.VisitorState is one)."""

    tour_id: str | None
    stop: int  # 0-based

    def save(self) -> None: ...


def _full_run_flag() -> bool:
    """True once after the panel set it: the fragment is running inside a full run."""
    return bool(st.session_state.pop(_FULL, False))


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


def active_lead(tour_id: str | None) -> str | None:
    """The id of the lead of `tour_id` as of the follow panel's last poll, or None (the
    questions for the guide go there)."""
    held = st.session_state.get(_LEAD)
    return held[1] if held and held[0] == tour_id else None


def plan_in_force(tour_id: str | None) -> tuple[str, int, dict] | None:
    """(lead id, revision, re-plan) when the guide of `tour_id` follows a re-plan of the
    saved tour (dashboard/live.py), as of the follow panel's last poll; else None."""
    held = st.session_state.get(_IN_FORCE)
    return held[1:] if held and held[0] == tour_id else None


def _forget_lead() -> bool:
    """No active lead: forget it (True when a re-plan was in force: the page must redraw)."""
    st.session_state.pop(_LEAD, None)
    return st.session_state.pop(_IN_FORCE, None) is not None


def _note_lead(tour_id: str, lead: store.Lead) -> bool:
    """Keep the active lead and its re-plan; True when the re-plan changed (redraw)."""
    st.session_state[_LEAD] = (tour_id, lead.id)
    in_force = (tour_id, lead.id, lead.plan_revision, lead.plan) if lead.plan else None
    if st.session_state.get(_IN_FORCE) == in_force:
        return False
    st.session_state[_IN_FORCE] = in_force
    return True


def follow_panel(tours: store.TourStore | None, tour_id: str, count: int, lang: str,
                 tablet: Callable[[], FollowingTablet]) -> None:
    """"Follow the guide" for the tour `tour_id` of `count` stops, shown while it is led.
    `tablet` gives the visitor page's current state (read again at every poll)."""
    if tours is None:
        return
    leads = store.LeadStore(tours.database)
    _init_follow()
    common.show_bad_params(lang)
    styles.apply("lead")
    try:
        led = leads.active_for_tour(tour_id) is not None
    except common.STORE_ERRORS:
        led = False  # the tour still works without the guide; look again later
    st.session_state[_FULL] = True
    if led:
        _follow_fragment(leads, tour_id, count, lang, tablet)
    else:
        if _forget_lead():
            st.rerun()  # the lead's re-plan is over with the lead: the saved tour again
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
    on = bool(st.session_state.get(_TOGGLE))
    st.session_state[_FOLLOW] = on
    st.session_state[_SYNCED] = None  # switched on: go to the guide at once
    st.query_params[FOLLOW_PARAM] = "1" if on else "0"
    if not on and _TOKEN in st.session_state:
        # Not counted after FOLLOWER_WINDOW anyway if this fails.
        with contextlib.suppress(*common.STORE_ERRORS):
            leads.leave(st.session_state.pop(_TOKEN)[1])


def _heartbeat(leads: store.LeadStore, lead_id: str) -> None:
    """Keep this tablet counted: join the lead once (the store makes the token), then beat."""
    now = time.monotonic()
    if now - st.session_state.get(_BEAT, -HEARTBEAT_S) < HEARTBEAT_S:
        return
    joined_lead, token = st.session_state.get(_TOKEN) or (None, None)
    try:
        if joined_lead != lead_id or not leads.heartbeat(lead_id, token):
            token = leads.join(lead_id)
            if token is None:
                return
            st.session_state[_TOKEN] = (lead_id, token)
    except common.STORE_ERRORS:
        return  # the visitor's page goes on without being counted
    st.session_state[_BEAT] = now


def _go_to(tablet: FollowingTablet, stop: int) -> None:
    tablet.stop = stop
    tablet.save()
    st.rerun()  # app scope: the whole visitor page shows the new stop


@st.fragment(run_every=POLL_S)
def _follow_fragment(leads: store.LeadStore, tour_id: str, count: int, lang: str,
                     load_tablet: Callable[[], FollowingTablet]) -> None:
    full_run = _full_run_flag()
    st.session_state[_GUIDED] = False
    tablet = load_tablet()
    if tablet.tour_id != tour_id:
        return
    try:
        lead = leads.active_for_tour(tour_id)
    except common.STORE_ERRORS:
        return  # the tour still works without the guide
    if lead is None:
        _forget_lead()
        if not full_run:
            st.rerun()  # the lead ended: the page goes back to looking now and then
        return
    if _note_lead(tour_id, lead):
        st.rerun()  # the guide accepted a new plan (or undid it): the page draws it
    following = st.session_state.get(_FOLLOW)
    following = True if following is None else following
    st.session_state[_GUIDED] = following
    with st.container(key="lead-follow"):
        st.session_state[_TOGGLE] = following
        st.toggle(t("lead.follow", lang), key=_TOGGLE, on_change=_set_follow, args=(leads,))
        synced_lead, synced = st.session_state.get(_SYNCED) or (None, None)
        step = follow.follow_step(tablet.stop, synced if synced_lead == lead.id else None,
                                  lead.stop, following, count)
        st.session_state[_SYNCED] = (lead.id, step.synced)
        if following:
            _heartbeat(leads, lead.id)
        if st.query_params.get(FOLLOW_PARAM) != ("1" if following else "0"):
            st.query_params[FOLLOW_PARAM] = "1" if following else "0"
        if step.move_to is not None:
            _go_to(tablet, step.move_to)
        guide = follow.clamp(lead.stop, count)
        if not step.away:
            common.caption(t("lead.following" if following else "lead.guide_at", lang,
                             n=guide + 1))
            return
        common.caption(t("lead.guide_at", lang, n=guide + 1))
        if st.button(t("lead.jump", lang, n=guide + 1), key="lead.jump", type="primary",
                     icon=":material/my_location:"):
            st.session_state[_SYNCED] = (lead.id, guide)
            _go_to(tablet, guide)
