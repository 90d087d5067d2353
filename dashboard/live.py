"""The guide's live tools, the rules without Streamlit: the schedule against the clock and a
re-plan when the tour runs late.

The schedule starts when the guide taps Start: the plan's times are moved so that its first
stop begins then (a tour planned for 10:00 and led from 14:10 is not "four hours behind").
At stop k the group is behind by how much later it leaves k than planned: it arrived late, or
it stays longer than the stop's minutes (`delay`). The end to meet is a fixed clock time that
the guide sets ("the bus at 17:30") or else the end of the tour's budget.

A re-plan keeps the stops up to the current one and lets the planner's own optimiser
(routing.plan_tour with a budget: the stops' priorities, "must see" stops, step-free, the fixed
end) choose which of the remaining stops fit before the end (`propose`). What is kept is a
small JSON object (`Proposal.to_plan()`), stored on the lead (store.LeadStore.set_plan), never
on the saved tour; every device rebuilds the same plan from it with `lead_plan`, in the
optimiser's chosen order, so no tablet has to solve anything.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace
from typing import Any
from zoneinfo import ZoneInfo

from dashboard import routing
from dashboard.catalog import Catalog

ON_TIME_MINUTES = 2  # within this the schedule is "on time"


def _utc(moment: dt.datetime) -> dt.datetime:
    """Arithmetic in UTC: adding hours to a zoned time keeps its wall clock, so a June plan
    moved to December would gain the summer-time hour."""
    return moment.astimezone(dt.UTC)


def now(tz: ZoneInfo | None = None) -> dt.datetime:
    """The clock (pages take it from here, tests give their own)."""
    return dt.datetime.now(tz or dt.UTC)


@dataclass(frozen=True)
class Delay:
    """How the group stands against the schedule at its current stop."""

    minutes: int  # behind (positive) or ahead (negative), rounded
    leaves_at: dt.datetime  # when the group will leave the current stop, at the earliest
    ends_at: dt.datetime  # when the tour will end at this pace
    end_by: dt.datetime | None  # the end to meet (fixed or the budget's), or None
    missed: bool  # ends_at is after end_by

    @property
    def on_time(self) -> bool:
        return abs(self.minutes) < ON_TIME_MINUTES


def shift(plan: routing.TourPlan, started_at: dt.datetime, replanned: bool) -> dt.timedelta:
    """How far the plan's times move for a lead started at `started_at` (a re-plan's times are
    already the clock's)."""
    if replanned or not plan.stops:
        return dt.timedelta(0)
    return _utc(started_at) - _utc(plan.stops[0].begin)


def budget_end(plan: routing.TourPlan, moved: dt.timedelta) -> dt.datetime | None:
    budget = plan.request.budget_minutes
    if budget is None:
        return None
    return _utc(plan.visits[0].arrival) + moved + dt.timedelta(minutes=budget)


def delay(plan: routing.TourPlan, stop: int, arrived_at: dt.datetime, at: dt.datetime,
          moved: dt.timedelta, end_by: dt.datetime | None = None) -> Delay:
    """The group at `stop` (0-based) since `arrived_at`, at the time `at`; `moved` is
    `shift(...)`; `end_by` a fixed end (else the budget's end, if any)."""
    visit = plan.stops[stop]
    planned_leave = _utc(visit.departure) + moved
    stay = visit.departure - visit.begin
    leaves_at = max(_utc(arrived_at) + stay, _utc(at))
    late = leaves_at - planned_leave
    ends_at = _utc(plan.visits[-1].arrival) + moved + late
    end = end_by or budget_end(plan, moved)
    minutes = math.floor(late.total_seconds() / 60 + 0.5)
    return Delay(minutes, leaves_at, ends_at, end, end is not None and ends_at > end)


@dataclass(frozen=True)
class Proposal:
    """What to keep of the remaining stops to be back by `end_by`."""

    from_stop: int  # the current stop (0-based): the stops up to it stay as they are
    keep: tuple[str, ...]  # the remaining stops kept, in the optimiser's order
    dropped: tuple[str, ...]  # the remaining stops left out
    leaves_at: dt.datetime
    ends_at: dt.datetime  # the new plan's end
    end_by: dt.datetime
    meets_end: bool  # False: even this misses the end (e.g. the must-see stops alone)

    def to_plan(self, prefix: tuple[str, ...], moved: dt.timedelta) -> dict[str, Any]:
        """The plain JSON kept on the lead (see lead_plan)."""
        return {"from_stop": self.from_stop, "prefix": list(prefix), "keep": list(self.keep),
                "dropped": list(self.dropped), "leaves_at": self.leaves_at.isoformat(),
                "end_by": self.end_by.isoformat(), "moved_s": moved.total_seconds()}


def propose(catalog: Catalog, plan: routing.TourPlan, stop: int, late: Delay,
            network: routing.WalkingNetwork | None = None,
            time_limit_s: float | None = None) -> Proposal | None:
    """Which of the stops after `stop` to keep so the tour ends by `late.end_by`, or None when
    there is nothing to decide (no end, it is met, or no stop is left to drop)."""
    if late.end_by is None or not late.missed:
        return None
    ids = plan.stop_ids
    rest = tuple(ids[stop + 1:])
    if not rest:
        return None
    request = plan.request
    here = ids[stop]
    end_id = plan.visits[-1].place.id
    visit_minutes = (plan.stops[stop].departure - plan.stops[stop].begin).total_seconds() / 60
    tz = plan.visits[0].arrival.tzinfo
    begin = (_utc(late.leaves_at) - dt.timedelta(minutes=visit_minutes)).astimezone(tz)
    budget = math.floor((late.end_by - begin).total_seconds() / 60)
    must = tuple(s for s in request.must_see if s in rest)
    ask = routing.TourRequest(
        stops=rest, start=here, end=end_id, optimize=True, step_free=request.step_free,
        budget_minutes=max(1, budget), start_time=begin.time().replace(microsecond=0),
        date=begin.date(), speed_kmh=request.speed_kmh, rank_by=request.rank_by,
        must_see=must)
    try:
        new = routing.plan_tour(catalog, ask, network, time_limit_s=time_limit_s)
    except routing.TourError:  # not even the walk to the end (or the must-sees) fits
        new = None
    if new is None:
        keep = must
        ends = _rest_plan(catalog, plan, stop, keep, begin, network)
    else:
        keep = tuple(new.stop_ids)
        ends = new
    dropped = tuple(s for s in rest if s not in keep)
    ends_at = ends.visits[-1].arrival
    return Proposal(stop, keep, dropped, late.leaves_at, ends_at, late.end_by,
                    ends_at <= late.end_by)


def _rest_plan(catalog: Catalog, plan: routing.TourPlan, stop: int, keep: tuple[str, ...],
               begin: dt.datetime, network: routing.WalkingNetwork | None) -> routing.TourPlan:
    """From the current stop through `keep` in this order to the tour's end, timed from
    `begin` (the arrival at the current stop)."""
    request = plan.request
    return routing.plan_tour(catalog, routing.TourRequest(
        stops=keep, start=plan.stop_ids[stop], end=plan.visits[-1].place.id, optimize=False,
        step_free=request.step_free, start_time=begin.time().replace(microsecond=0),
        date=begin.date(), speed_kmh=request.speed_kmh), network)


def lead_plan(catalog: Catalog, saved: routing.TourPlan, replan: dict[str, Any] | None,
              network: routing.WalkingNetwork | None = None) -> routing.TourPlan:
    """The plan a lead follows: the saved tour's, or with `replan` (Proposal.to_plan) its
    stops up to the re-plan's stop as planned then and the kept stops after it, timed from
    when the group leaves. A re-plan that does not fit the catalogue gives the saved plan."""
    if not replan:
        return saved
    try:
        k = int(replan["from_stop"])
        prefix = tuple(str(s) for s in replan["prefix"])
        keep = tuple(str(s) for s in replan["keep"])
        leaves_at = dt.datetime.fromisoformat(replan["leaves_at"])
        moved = dt.timedelta(seconds=float(replan.get("moved_s") or 0))
    except (KeyError, TypeError, ValueError):
        return saved
    if not prefix or k != len(prefix) - 1:
        return saved
    request = saved.request
    try:
        before = routing.plan_tour(catalog, replace(
            request, stops=prefix, optimize=False, budget_minutes=None, must_see=()), network)
        here = before.stops[k]
        stay = here.departure - here.begin
        tz = saved.visits[0].arrival.tzinfo
        after = _rest_plan(catalog, before, k, keep, (_utc(leaves_at) - stay).astimezone(tz),
                           network)
    except (routing.TourError, IndexError):
        return saved
    if len(before.stops) != len(prefix) or tuple(after.stop_ids) != keep:
        return saved  # a stop of the re-plan is no longer in the catalogue
    past = [_moved(v, moved) for v in before.visits[:k + 1]]
    current = replace(after.visits[0], leg=before.visits[k + 1].leg)
    visits = [*past, current, *after.visits[1:]]
    visits = [replace(v, number=n) for n, v in enumerate(visits)]
    dropped = tuple(str(s) for s in replan.get("dropped") or ())
    notices = tuple(routing.Notice("dropped", d) for d in dropped)
    return routing.TourPlan(request, tuple(visits), dropped, saved.missing, saved.unreachable,
                            saved.estimated, notices)


def _moved(visit: routing.Visit, by: dt.timedelta) -> routing.Visit:
    tz = visit.arrival.tzinfo
    return replace(visit, arrival=(_utc(visit.arrival) + by).astimezone(tz),
                   begin=(_utc(visit.begin) + by).astimezone(tz),
                   departure=(_utc(visit.departure) + by).astimezone(tz))


def end_by_clock(day_of: dt.datetime, clock: dt.time, tz: ZoneInfo) -> dt.datetime:
    """A fixed end typed as a clock time ("17:30") on the day of `day_of` in the exhibition's
    time zone."""
    return dt.datetime.combine(day_of.astimezone(tz).date(), clock, tzinfo=tz)
