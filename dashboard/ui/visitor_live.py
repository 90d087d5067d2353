"""The guide's live tools on the visitor page: the lead's re-plan (the plan in force and its
notice), and under the stop card "You are at <stop>: show it" on arriving, read aloud and
"Question for the guide". The visitor page hands over its typed state (`VisitorState`, which
has tour_id, stop and save()) and its own step function; this module never reads the visitor
page's session keys. Its own keys are under "live.".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import streamlit as st

from dashboard import arrival, live, routing, store, visitor
from dashboard import catalog as cat
from dashboard.i18n import t
from dashboard.ui import arrival as arrival_ui
from dashboard.ui import common, follow_guide, questions, read_aloud, running_late

_IN_FORCE = "live.in_force"  # ((tour id, lead id, revision), the plan) of the lead's re-plan
_ARRIVED = "live.arrived"  # (tour id, index of the stop the tablet arrived at)


class Tablet(Protocol):
    """What these tools need of the visitor page's state (visitor_page.VisitorState)."""

    tour_id: str | None
    stop: int  # 0-based

    def save(self) -> None: ...


def plan_in_force(catalog: cat.Catalog, network: routing.WalkingNetwork,
                  saved: store.SavedTour, plan: routing.TourPlan, tablet: Tablet
                  ) -> routing.TourPlan:
    """The plan of the guide's re-plan while the tour is led with one, else the saved tour's
    `plan`; the stop shown stays within it."""
    held = follow_guide.plan_in_force(saved.id)
    if held is None:
        return plan
    lead_id, revision, replan = held
    cached = st.session_state.get(_IN_FORCE)
    if cached is not None and cached[0] == (saved.id, lead_id, revision):
        in_force = cached[1]
    else:
        in_force = live.lead_plan(catalog, plan, replan, network)
        st.session_state[_IN_FORCE] = ((saved.id, lead_id, revision), in_force)
    clamped = visitor.clamp(tablet.stop, len(in_force.stops))
    if clamped != tablet.stop:
        tablet.stop = clamped
        tablet.save()
    return in_force


def replan_notice(catalog: cat.Catalog, saved: store.SavedTour, lang: str) -> None:
    """What the guide's re-plan left out ("2 stops were left out to be back by 17:30")."""
    held = follow_guide.plan_in_force(saved.id)
    if held is not None:
        with st.container(key="visitor-replan"):
            common.notice("info", running_late.dropped_notice(catalog, held[2], lang),
                          icon=":material/alt_route:")


def live_tools(catalog: cat.Catalog, stops: list[visitor.VisitorStop], tablet: Tablet,
               go_to: Callable[[int, int], None], lang: str) -> None:
    """Under the stop card: the offer on arriving, read aloud, and "Question for the guide"
    while a guide leads the tour. `go_to(index, count)` is the visitor page's own step."""
    stop = stops[tablet.stop]
    arriving(catalog, stops, tablet, go_to, lang)
    read_aloud.read_aloud(stop, lang)
    questions.ask_box(common.tour_store(), follow_guide.active_lead(tablet.tour_id), stop.id,
                      tablet.stop, lang)


def _arrived(catalog: cat.Catalog, stops: list[visitor.VisitorStop], tablet: Tablet,
             payload: object) -> None:
    read = visitor.read_location(payload)
    if isinstance(read, str):
        return
    index = arrival.arrived_at(catalog, stops, tablet.stop, read[0], read[1])
    if index is not None:
        st.session_state[_ARRIVED] = (tablet.tour_id, index)


def arriving(catalog: cat.Catalog, stops: list[visitor.VisitorStop], tablet: Tablet,
             go_to: Callable[[int, int], None], lang: str) -> None:
    """"Tell me when we reach the next stop" (the location is asked for only on that tap),
    then the offer to show the next stop once the tablet is there; never a jump by itself."""
    following = tablet.stop + 1
    target = None
    if following < len(stops):
        target = {"index": following, "lat": stops[following].lat,
                  "lon": stops[following].lon,
                  "radius": arrival.radius(catalog, stops[following].id)}
    labels = {"watch": t("arrive.watch", lang), "stop_watching": t("arrive.stop_watching", lang),
              "watching": t("arrive.watching", lang), "denied": t("visitor.where.denied", lang),
              "unavailable": t("visitor.where.unavailable", lang)}
    with st.container(key="visitor-arrive"):
        arrival_ui.watch_button("live.arrive", target, labels,
                                lambda payload: _arrived(catalog, stops, tablet, payload))
        kept = st.session_state.get(_ARRIVED)
        if not kept or kept[0] != tablet.tour_id or kept[1] != following:
            return
        there = stops[following]
        common.notice("success", t("arrive.offer", lang, n=there.number, name=there.name),
                      icon=":material/where_to_vote:")
        st.button(t("arrive.show", lang), key="live.arrive-show", type="primary",
                  icon=":material/arrow_forward:", width="stretch", on_click=go_to,
                  args=(following, len(stops)))
