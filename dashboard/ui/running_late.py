"""Running late, the lead view's part: the schedule against the clock, a fixed end ("back by"),
the optimiser's proposal of what to leave out, accept with one tap and undo. The rules are
dashboard/live.py; the lead keeps the re-plan (store.LeadStore.set_plan), the saved tour stays
as it is. Tablets that follow redraw the new plan (follow_guide.plan_in_force).

The clock is `live.now()`, or the time a test puts under CLOCK (an injectable clock: a test
sets the time instead of sleeping). Session keys under "lead." (the lead view's).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import streamlit as st

from dashboard import catalog as cat
from dashboard import i18n, live, routing, store
from dashboard import presentation as fmt
from dashboard.i18n import t
from dashboard.ui import auth, common, messages

CLOCK = "lead.clock"  # a datetime set by tests
_PROPOSAL = "lead.proposal"  # (inputs, Proposal | None): solved once per minute of delay
_SAID = "lead.late_said"
_END_BY = "w.lead-end-by"


def clock(tz: ZoneInfo) -> dt.datetime:
    given = st.session_state.get(CLOCK)
    return given.astimezone(tz) if isinstance(given, dt.datetime) else live.now(tz)


def plan_in_force(catalog: cat.Catalog, saved: routing.TourPlan, lead: store.Lead | None
                  ) -> routing.TourPlan:
    """The plan the lead follows (cached per lead and re-plan revision)."""
    if lead is None or not lead.plan:
        return saved
    key = ("lead.plan_in_force", lead.id, lead.plan_revision)
    cached = st.session_state.get("lead.in_force")
    if cached is not None and cached[0] == key:
        return cached[1]
    plan = live.lead_plan(catalog, saved, lead.plan, common.walking_network(catalog))
    st.session_state["lead.in_force"] = (key, plan)
    return plan


def _names(catalog: cat.Catalog, ids: tuple[str, ...], lang: str) -> str:
    return ", ".join(catalog.text(catalog.exhibits[i].name, lang) if i in catalog.exhibits
                     else i for i in ids)


def _allowed(catalog: cat.Catalog, lang: str) -> bool:
    """The callbacks' own check of the signed-in role (as lead_page's moves)."""
    if auth.current_actor(catalog).can_manage_tours:
        return True
    messages.say(_SAID, "error", t("lead.sign_in_first", lang))
    return False


def _accept(leads: store.LeadStore, catalog: cat.Catalog, lead_id: str, key: str, plan: dict,
            count: int, lang: str) -> None:
    _write(catalog, lang, lambda: leads.set_plan(lead_id, key, plan, count),
           "success", "lead.replan.accepted")


def _undo(leads: store.LeadStore, catalog: cat.Catalog, lead_id: str, key: str,
          lang: str) -> None:
    _write(catalog, lang, lambda: leads.undo_plan(lead_id, key), "info", "lead.replan.undone")


def _write(catalog: cat.Catalog, lang: str, change, level: str, said: str) -> None:
    """A re-plan's write by the leading device (the role checked again in the callback), and
    its outcome said next to the buttons."""
    if not _allowed(catalog, lang):
        return
    try:
        change()
    except store.LeadError:
        messages.say(_SAID, "warning", t("lead.ended", lang))
        return
    except common.STORE_ERRORS:
        messages.say(_SAID, "error", t("lead.store_down", lang))
        return
    st.session_state.pop(_PROPOSAL, None)
    messages.say(_SAID, level, t(said, lang))


def _proposal(catalog: cat.Catalog, plan: routing.TourPlan, lead: store.Lead, stop: int,
              late: live.Delay) -> live.Proposal | None:
    """The optimiser's proposal, solved again only when its inputs change (the fragment runs
    every few seconds; the delay is counted in minutes)."""
    inputs = (lead.id, lead.plan_revision, stop, late.minutes, late.end_by)
    cached = st.session_state.get(_PROPOSAL)
    if cached is not None and cached[0] == inputs:
        return cached[1]
    proposal = live.propose(catalog, plan, stop, late, common.walking_network(catalog))
    st.session_state[_PROPOSAL] = (inputs, proposal)
    return proposal


def panel(leads: store.LeadStore, lead: store.Lead, key: str | None, catalog: cat.Catalog,
          saved: routing.TourPlan, plan: routing.TourPlan, stop: int, lang: str) -> None:
    """The schedule against the clock at `stop` and, on the leading device (`key`), the
    fixed end, the proposal and undo."""
    tz = ZoneInfo(catalog.exhibition.timezone)
    now = clock(tz)
    moved = live.shift(plan, lead.started_at, lead.plan is not None)
    fixed = st.session_state.get(_END_BY)
    end_by = live.end_by_clock(now, fixed, tz) if isinstance(fixed, dt.time) else None
    if end_by is None and lead.plan and lead.plan.get("end_by"):
        end_by = dt.datetime.fromisoformat(lead.plan["end_by"])
    late = live.delay(plan, stop, lead.updated_at, now, moved, end_by)
    with st.container(key="lead-late", border=True):
        messages.show(_SAID)
        if late.on_time:
            common.text(t("lead.late.on_time", lang), bold=True)
        else:
            words = fmt.minutes(abs(late.minutes), lang)
            common.text(t("lead.late.behind" if late.minutes > 0 else "lead.late.ahead", lang,
                          minutes=words), bold=True)
        common.caption(t("lead.late.ends", lang, clock=fmt.clock(late.ends_at.astimezone(tz))))
        if lead.plan:
            dropped = tuple(lead.plan.get("dropped") or ())
            common.notice("info", t("lead.replan.in_force", lang,
                                    dropped=_names(catalog, dropped, lang) or "–",
                                    end=fmt.clock(dt.datetime.fromisoformat(
                                        lead.plan["end_by"]).astimezone(tz))),
                          icon=":material/alt_route:")
            if key is not None:
                st.button(t("lead.replan.undo", lang), key="lead.replan-undo",
                          icon=":material/undo:", on_click=_undo,
                          args=(leads, catalog, lead.id, key, lang))
        if key is None:
            return
        st.time_input(t("lead.late.end_by", lang), value=None, key=_END_BY, step=300,
                      help=t("lead.late.end_by_help", lang))
        if late.end_by is None:
            common.caption(t("lead.late.no_end", lang))
            return
        if fixed is None and plan.request.budget_minutes is not None:
            common.caption(t("lead.late.budget_end", lang,
                             clock=fmt.clock(late.end_by.astimezone(tz))))
        if not late.missed:
            return
        common.notice("warning", t("lead.late.missed", lang,
                                   clock=fmt.clock(late.end_by.astimezone(tz))),
                      icon=":material/schedule:")
        proposal = _proposal(catalog, plan, lead, stop, late)
        if proposal is None or not proposal.dropped:
            return
        ends = fmt.clock(proposal.ends_at.astimezone(tz))
        if not proposal.meets_end:
            common.text(t("lead.replan.still_late", lang, clock=ends))
        common.text(t("lead.replan.propose", lang, end=fmt.clock(late.end_by.astimezone(tz)),
                      dropped=_names(catalog, proposal.dropped, lang), clock=ends))
        prefix = tuple(plan.stop_ids[:stop + 1])
        moved_saved = live.shift(saved, lead.started_at, False)
        st.button(t("lead.replan.accept", lang), key=f"lead.replan-accept-{stop}",
                  type="primary", icon=":material/alt_route:", width="stretch",
                  on_click=_accept, args=(leads, catalog, lead.id, key, proposal.to_plan(
                      prefix, moved_saved), len(prefix) + len(proposal.keep), lang))


def dropped_notice(catalog: cat.Catalog, replan: dict, lang: str) -> str:
    """What a following tablet says about the lead's new plan ("2 stops were left out to be
    back by 17:30: …")."""
    dropped = tuple(str(s) for s in replan.get("dropped") or ())
    tz = ZoneInfo(catalog.exhibition.timezone)
    try:
        end = fmt.clock(dt.datetime.fromisoformat(replan["end_by"]).astimezone(tz))
    except (KeyError, TypeError, ValueError):
        end = "?"
    return t("lead.replan.notice", lang, count=i18n.plural("lead.replan.count", lang,
                                                           len(dropped)),
             end=end, names=_names(catalog, dropped, lang))
