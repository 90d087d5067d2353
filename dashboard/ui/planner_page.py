"""The tour planner page: its typed state and its widget groups.

PlannerState owns every session key of the page (all under "planner."): widgets, buttons, the
map and the optimiser change the tour only through it or through callbacks that run before the
page script (so no widget value is ever set after its widget exists).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass, field

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import catalog as cat
from dashboard import export, links, maps, planner, routing, store
from dashboard import presentation as fmt
from dashboard.errors import untrusted
from dashboard.i18n import t
from dashboard.ui import auth, common, device, messages
from dashboard.ui.map_page import newly_clicked_exhibit

P = "planner."
_MESSAGES = P + "messages"
_LAST_CLICK = P + "last_click"
_LEFT_OUT = P + "left_out"  # (stops before "Optimise order", [ids the budget left out], budget)
_MUST_SEE = P + "must_see"  # the stops a budget or a guide's re-plan never leaves out
UNDO_DEPTH = 20
MAP_HEIGHT = 440

# Widget-bound settings: field name -> session key.
WIDGETS = {name: P + name for name in
           ("start", "end", "date", "time", "speed", "step_free", "budget", "rank", "title")}


@dataclass
class PlannerState:
    """The planner's state in one object: load() at the top of the page, save() after changes,
    to_request() for the domain."""

    stops: list[str]
    start: str | None
    end: str | None
    date: dt.date
    time: dt.time
    speed: float
    step_free: bool
    budget: int
    rank: str
    title: str
    saved_id: str | None = None
    saved_spec: dict | None = None  # the request as saved: tells "edited since saving"
    selected: str | None = None  # the place tapped on the map (shown, not changed)
    # The undo stack: what the stop list and the time budget were before each change.
    history: list[dict] = field(default_factory=list)
    must_see: list[str] = field(default_factory=list)  # of `stops`: never left out

    # ----- construction

    @classmethod
    def defaults(cls, catalog: cat.Catalog, today: dt.date | None = None) -> PlannerState:
        return cls(stops=[], start=next(iter(catalog.entrances), None), end=None,
                   date=planner.default_date(catalog, today or dt.date.today()),
                   time=dt.time(10, 0), speed=routing.DEFAULT_SPEED_KMH, step_free=False,
                   budget=0, rank="priority", title="")

    @classmethod
    def from_request(cls, catalog: cat.Catalog, request: routing.TourRequest, title: str,
                     today: dt.date | None = None) -> PlannerState:
        """A saved tour's request as page state; unknown start/end fall back to defaults and
        missing stops stay (the plan reports them)."""
        base = cls.defaults(catalog, today)
        places = routing.places(catalog)
        return dataclasses.replace(
            base, stops=list(request.stops),
            start=request.start if request.start in places else base.start,
            end=request.end if request.end in places else None,
            date=request.date or base.date, time=request.start_time,
            speed=min(max(float(request.speed_kmh), routing.MIN_SPEED_KMH),
                      routing.MAX_SPEED_KMH),
            step_free=request.step_free, budget=request.budget_minutes or 0,
            rank=request.rank_by, title=title, must_see=list(request.must_see))

    @classmethod
    def load(cls) -> PlannerState:
        s = st.session_state
        return cls(
            stops=list(s[P + "stops"]), **{name: s[key] for name, key in WIDGETS.items()},
            saved_id=s.get(P + "saved_id"), saved_spec=s.get(P + "saved_spec"),
            selected=s.get(P + "selected"), history=list(s.get(P + "history", [])),
            must_see=list(s.get(_MUST_SEE) or []))

    def save(self, widgets: bool = True) -> None:
        """Write the state back. widgets=False once the page's widgets exist: their values may
        then only change through callbacks (Streamlit raises otherwise)."""
        s = st.session_state
        s[P + "stops"] = list(self.stops)
        s[P + "saved_id"], s[P + "saved_spec"] = self.saved_id, self.saved_spec
        s[P + "selected"], s[P + "history"] = self.selected, self.history[-UNDO_DEPTH:]
        if widgets:
            for name, key in WIDGETS.items():
                s[key] = getattr(self, name)
            s[_MUST_SEE] = [i for i in self.must_see if i in self.stops]

    @staticmethod
    def exists() -> bool:
        return P + "stops" in st.session_state

    # ----- what the domain gets

    def to_request(self, optimize: bool = False) -> routing.TourRequest:
        return routing.TourRequest(
            stops=tuple(self.stops), start=self.start, end=self.end, optimize=optimize,
            step_free=self.step_free, budget_minutes=self.budget or None,
            start_time=self.time, date=self.date, speed_kmh=self.speed, rank_by=self.rank,
            title=self.title, must_see=tuple(i for i in self.must_see if i in self.stops))

    @property
    def edited(self) -> bool:
        """Changed since it was saved (or opened): the share link shows the saved version."""
        return self.saved_spec is not None and \
            self.to_request().to_dict() != self.saved_spec

    def set_stops(self, stops: list[str], budget: int | None = None) -> None:
        """Change the stop list (and the time budget), keeping the old ones for undo."""
        budget = self.budget if budget is None else budget
        if stops != self.stops or budget != self.budget:
            self.history.append({"stops": list(self.stops), "budget": self.budget})
            self.stops, self.budget = list(stops), budget

    def undo(self) -> None:
        if self.history:
            last = self.history.pop()
            self.stops, self.budget = list(last["stops"]), int(last["budget"])


# --------------------------------------------------------------------------- messages


def say(level: str, message: str) -> None:
    messages.say(_MESSAGES, level, message)


def show_messages() -> None:
    """Messages from callbacks; success goes to a toast so it does not push the layout."""
    messages.show(_MESSAGES, toast=True)


# --------------------------------------------------------------------------- start of page


def init(catalog: cat.Catalog, tours: store.TourStore | None, lang: str) -> PlannerState:
    """First run of a session: defaults, or the saved tour named by ?tour=<id>."""
    if PlannerState.exists():
        return PlannerState.load()
    state = PlannerState.defaults(catalog)
    tour_id = st.query_params.get("tour")
    if tour_id is not None:
        saved = None
        try:
            if tours is None:
                raise store.StoreError("no database")
            saved = tours.load_tour(tour_id) if store.is_valid_tour_id(tour_id) else None
            if saved is not None:
                store.check_exhibition(saved, catalog)
        except store.WrongExhibition as exc:
            say("warning", t("planner.wrong_exhibition", lang, id=exc.tour_id,
                             exhibition=untrusted(exc.tour_exhibition)))
            del st.query_params["tour"]
            state.save()
            return state
        except store.CorruptTour as exc:
            say("error", t("planner.corrupt_tour", lang, id=exc.tour_id))
            del st.query_params["tour"]
            state.save()
            return state
        except common.STORE_ERRORS:
            say("error", t("planner.store_down", lang))
            state.save()
            return state
        if saved is None:
            say("warning", t("planner.bad_tour", lang, id=untrusted(tour_id)))
            del st.query_params["tour"]
        else:
            request = routing.TourRequest.from_dict(saved.spec)
            state = PlannerState.from_request(catalog, request, saved.title)
            state.saved_id, state.saved_spec = saved.id, state.to_request().to_dict()
            say("success", t("planner.loaded", lang, title=saved.title))
    state.save()
    return state


# --------------------------------------------------------------------------- settings


def settings_box(catalog: cat.Catalog, state: PlannerState, lang: str) -> None:
    """Start, end, date, pace ...: in the page (an expander), not the collapsed sidebar."""
    ids = list(catalog.entrances) + list(catalog.exhibits)

    def name(pid: str | None) -> str:
        return t("planner.same_as_start", lang) if pid is None else \
            planner.place_name(catalog, pid, lang)

    # The expander's label stays the same: a label that changed with each setting made a new
    # expander, which closed under the guide's finger (issue 17, item 4). Its open state is
    # the widget state of its key. The summary is the line below it.
    with st.expander(t("planner.settings", lang), icon=":material/tune:",
                     key=P + "settings_open", on_change="rerun"):
        st.selectbox(t("planner.start", lang), ids, key=WIDGETS["start"], format_func=name)
        st.selectbox(t("planner.end", lang), [None, *ids], key=WIDGETS["end"],
                     format_func=name, placeholder=name(None))
        first, last = catalog.exhibition.start_date, catalog.exhibition.end_date
        st.date_input(t("planner.date", lang), key=WIDGETS["date"],
                      format=fmt.DATE_INPUT_FORMAT.get(lang, "DD.MM.YYYY"),
                      help=planner.exhibition_dates_text(catalog, lang) if first and last
                      else None)
        # A list of times, not st.time_input: its field was read as "hour, Beginn" and a list
        # is one tap on a tablet.
        st.selectbox(t("planner.start_time", lang), planner.start_times(state.time),
                     key=WIDGETS["time"], format_func=fmt.clock)
        # The pace in the page's number format (st.slider writes "4.00" in every language).
        st.select_slider(t("planner.speed", lang), planner.speed_steps(state.speed),
                         key=WIDGETS["speed"], help=t("planner.speed_help", lang),
                         format_func=lambda v: fmt.speed(v, lang))
        st.toggle(t("planner.step_free", lang), key=WIDGETS["step_free"])
        st.number_input(t("planner.budget", lang), 0, 600, step=15, key=WIDGETS["budget"])
        # Only stops of the tour (a removed stop leaves the list before the widget is drawn).
        st.session_state[_MUST_SEE] = [i for i in st.session_state.get(_MUST_SEE) or []
                                       if i in state.stops]
        st.multiselect(t("planner.must_see", lang), state.stops, key=_MUST_SEE,
                       format_func=name, help=t("planner.must_see_help", lang))
        st.radio(t("planner.rank_by", lang), ["priority", "order"], key=WIDGETS["rank"],
                 format_func=lambda r: t(f"planner.rank.{r}", lang))
    common.caption(settings_summary(state, lang))


def settings_summary(state: PlannerState, lang: str) -> str:
    """The settings in one line (below the closed box): date, time, pace and the budget."""
    summary = t("planner.settings_summary", lang, date=fmt.short_date(state.date, lang),
                time=fmt.clock(state.time), speed=fmt.speed(state.speed, lang))
    budget = t("planner.budget_summary", lang, minutes=fmt.minutes(state.budget, lang)) \
        if state.budget else t("planner.no_budget", lang)
    return f"{summary}, {budget}"


# --------------------------------------------------------------------------- stop list


def _edit(change) -> None:
    """Run a change of the stop list as a callback (before the script): state in, state out."""
    state = PlannerState.load()
    change(state)
    state.save()


def _add_stop() -> None:
    chosen = st.session_state.get(P + "adder")
    st.session_state[P + "adder"] = None
    if chosen:
        _edit(lambda s: s.set_stops(s.stops if chosen in s.stops else [*s.stops, chosen]))


def _move(place_id: str, index: int, delta: int) -> None:
    """Move the stop drawn at `index` by `delta`, if it is still there: a tap delivered twice
    moves it once (common.step_key)."""
    def change(s: PlannerState) -> None:
        if index < len(s.stops) and s.stops[index] == place_id:
            s.set_stops(planner.move(s.stops, index, delta))
    _edit(change)


def _remove(place_id: str) -> None:
    _edit(lambda s: s.set_stops([x for x in s.stops if x != place_id]))


def _add(place_id: str) -> None:
    _edit(lambda s: s.set_stops(s.stops if place_id in s.stops else [*s.stops, place_id]))


def _undo() -> None:
    st.session_state.pop(_LEFT_OUT, None)
    _edit(lambda s: s.undo())


def stop_list(catalog: cat.Catalog, state: PlannerState, lang: str) -> None:
    """Add by search, then reorder or remove with named buttons (keyboard and touch)."""
    common.heading(t("planner.stops", lang), 2)
    # Only what is on show on the tour's day (an exhibit with on_show dates elsewhere would be
    # left out of the plan with a notice right after being added).
    addable = [e.id for e in planner.not_on_tour(catalog, state.stops, state.date)]
    st.selectbox(t("planner.stops_help", lang), addable, index=None, key=P + "adder",
                 on_change=_add_stop, placeholder=planner.add_hint(catalog, lang),
                 format_func=lambda e: catalog.text(catalog.exhibits[e].name, lang))
    if not state.stops:
        st.info(t("planner.empty", lang), icon=":material/add_location_alt:")
        return
    for index, place_id in enumerate(state.stops):
        stop_name = planner.place_name(catalog, place_id, lang)
        label, up, down, remove = st.columns([5, 1, 1, 1], gap="small",
                                             vertical_alignment="center")
        with label:
            common.text(f"{index + 1}. {stop_name}")
        up.button(t("planner.up_named", lang, name=stop_name),
                  icon=":material/arrow_upward:",
                  key=common.step_key(f"planner-up-{place_id}", index),
                  on_click=_move, args=(place_id, index, -1), disabled=index == 0,
                  help=t("planner.up_named", lang, name=stop_name))
        down.button(t("planner.down_named", lang, name=stop_name),
                    icon=":material/arrow_downward:",
                    key=common.step_key(f"planner-down-{place_id}", index),
                    on_click=_move, args=(place_id, index, 1),
                    disabled=index == len(state.stops) - 1,
                    help=t("planner.down_named", lang, name=stop_name))
        remove.button(t("planner.remove_named", lang, name=stop_name),
                      icon=":material/close:", key=f"planner-rm-{place_id}",
                      on_click=_remove, args=(place_id,),
                      help=t("planner.remove_named", lang, name=stop_name))


def _optimize(catalog: cat.Catalog, network: routing.WalkingNetwork, lang: str) -> None:
    state = PlannerState.load()
    try:  # both can fail the same way (e.g. a start that is not step-free)
        before = routing.plan_tour(catalog, state.to_request(False), network)
        plan = routing.plan_tour(catalog, state.to_request(True), network)
    except routing.TourError as exc:
        say("error", t("planner.error", lang, error=str(exc)))
        return
    kept = list(state.stops)
    state.set_stops(plan.stop_ids)
    state.save()
    message = t("planner.optimized", lang, before=fmt.km(before.distance_m, lang),
                after=fmt.km(plan.distance_m, lang))
    if plan.dropped:  # said at the button (actions) and in the toast, not atop the page
        st.session_state[_LEFT_OUT] = (kept, list(plan.dropped), state.budget)
        message += " " + t("planner.left_out_short", lang, n=len(plan.dropped),
                           minutes=fmt.minutes(state.budget, lang))
    else:
        st.session_state.pop(_LEFT_OUT, None)
    say("success", message)


def _put_back() -> None:
    """The stops a budget left out back on the tour, and no budget (else the next "Optimise
    order" would leave them out again)."""
    left = st.session_state.pop(_LEFT_OUT, None)
    if not left:
        return
    _, dropped, _ = left
    state = PlannerState.load()
    state.set_stops(state.stops + [d for d in dropped if d not in state.stops], budget=0)
    state.save()


def actions(catalog: cat.Catalog, network: routing.WalkingNetwork, state: PlannerState,
            lang: str) -> None:
    optimise, undo = st.columns(2)
    optimise.button(t("planner.optimize", lang), type="primary", icon=":material/route:",
                    on_click=_optimize, args=(catalog, network, lang), key=P + "optimize",
                    disabled=len(state.stops) < 2 and not state.budget,
                    width="stretch")
    undo.button(t("planner.undo", lang), icon=":material/undo:", on_click=_undo,
                key=P + "undo", disabled=not state.history, width="stretch")
    left_out(catalog, state, lang)


def left_out(catalog: cat.Catalog, state: PlannerState, lang: str) -> None:
    """Below "Optimise order": which stops the time budget left out, and a button that puts
    them back (shown while they are still off the tour)."""
    left = st.session_state.get(_LEFT_OUT)
    if not left:
        return
    _, dropped, budget = left
    missing = [d for d in dropped if d not in state.stops]
    if not missing:
        st.session_state.pop(_LEFT_OUT, None)
        return
    with st.container(key="planner-left-out"):
        names = ", ".join(planner.place_name(catalog, d, lang) for d in missing)
        common.notice("warning", t("planner.left_out", lang, n=len(missing), names=names,
                                   minutes=fmt.minutes(budget, lang)),
                      icon=":material/timer_off:")
        st.button(t("planner.put_back", lang, n=len(missing)), key=P + "put_back",
                  on_click=_put_back, icon=":material/undo:")


def _suggest(catalog: cat.Catalog, network: routing.WalkingNetwork, lang: str) -> None:
    """Use the suggestion: a callback, so the budget widget can still be set (defect 1)."""
    s = st.session_state
    theme, department, minutes = s.get(P + "sg_theme"), s.get(P + "sg_dep"), \
        int(s.get(P + "sg_budget") or 90)
    candidates = routing.suggest_stops(catalog, theme, department)
    if not candidates:
        say("warning", t("planner.suggest_none", lang))
        return
    state = PlannerState.load()
    request = dataclasses.replace(state.to_request(True), stops=tuple(candidates),
                                  budget_minutes=minutes)
    try:
        plan = routing.plan_tour(catalog, request, network)
    except routing.TourError as exc:
        say("error", t("planner.error", lang, error=str(exc)))
        return
    budget_before = state.budget
    state.set_stops(plan.stop_ids, budget=minutes)  # Undo brings the old budget back too
    state.save()
    st.session_state.pop(_LEFT_OUT, None)
    message = t("planner.suggested", lang, n=len(plan.stop_ids))
    if minutes != budget_before:
        message += " " + t("planner.budget_set", lang, minutes=fmt.minutes(minutes, lang))
    say("success", message)


def suggestion_box(catalog: cat.Catalog, network: routing.WalkingNetwork, city: cat.City | None,
                   lang: str) -> None:
    with st.expander(t("planner.suggest", lang), icon=":material/auto_awesome:"):
        any_label = t("planner.suggest_any", lang)
        st.selectbox(
            t("planner.suggest_theme", lang), [None, *catalog.categories], key=P + "sg_theme",
            format_func=lambda c: any_label if c is None
            else fmt.category_label(catalog, c, lang))
        st.selectbox(
            t("filter.department", lang), [None, *common.city_departments(catalog, city)],
            key=P + "sg_dep", format_func=lambda d: any_label if d is None
            else catalog.text(catalog.departments[d].name, lang))
        st.number_input(t("planner.suggest_budget", lang), 15, 600, 90, step=15,
                        key=P + "sg_budget")
        st.button(t("planner.suggest_go", lang), key=P + "sg_go", on_click=_suggest,
                  args=(catalog, network, lang))


# --------------------------------------------------------------------------- plan & map


@st.cache_data(show_spinner=False, max_entries=256)
def _cached_plan(data: tuple, request_json: str, _catalog: cat.Catalog,
                 _network: routing.WalkingNetwork) -> routing.TourPlan:
    # A plan depends only on the data (fingerprint in `data`) and the request; cache_data
    # hands every caller its own copy, so no session can change another's plan.
    request = routing.TourRequest.from_dict(json.loads(request_json))
    return routing.plan_tour(_catalog, request, _network)


def _request_json(request: routing.TourRequest) -> str:
    return json.dumps(request.to_dict(), sort_keys=True)


def plan_or_message(catalog: cat.Catalog, network: routing.WalkingNetwork,
                    state: PlannerState, lang: str) -> routing.TourPlan | None:
    """The plan of the guide's request: planned once per request and data, so a rerun that
    changes nothing in the request (a tap, the language) does not plan again."""
    try:
        plan = _cached_plan(common.data_key(catalog), _request_json(state.to_request()),
                            catalog, network)
    except routing.TourError as exc:
        common.notice("error", t("planner.error", lang, error=str(exc)))
        return None
    return plan if plan.stops else None


def tour_map(catalog: cat.Catalog, plan: routing.TourPlan | None, state: PlannerState,
             lang: str) -> None:
    """The route map. A tap shows the place below the map; adding or removing it is a button.
    The base map is rendered once per data, language and base map; the route layer once per
    request, stops and selection (common.folium_map)."""
    basemap = common.basemap()
    data = common.data_key(catalog)
    result = common.folium_map(
        ("planner-map", data, lang, basemap),
        lambda: maps.base_map(catalog, lang, basemap, legend_open=False),
        ("route-layer", data, lang, _request_json(state.to_request()) if plan else None,
         tuple(state.stops), state.selected, state.date),
        lambda: maps.route_layer(catalog, plan, lang,
                                 planner.not_on_tour(catalog, state.stops, state.date),
                                 state.selected),
        key=f"planner-map-{lang}-{basemap}",
        returned_objects=["last_object_clicked", "last_object_clicked_count"],
        height=MAP_HEIGHT,
    )
    ex = newly_clicked_exhibit(catalog, result, _LAST_CLICK)
    if ex is not None and ex.id != state.selected:
        state.selected = ex.id
        state.save(widgets=False)
        st.rerun()


def selected_action(catalog: cat.Catalog, state: PlannerState, lang: str) -> None:
    """Above the map, one line of the same height whatever is selected: the hint, or the
    tapped place's add / remove button. Below the map (selected_place) its button was below
    the fold on a landscape tablet (issue 17, item 7); here it is next to the finger, and the
    map does not move when it appears."""
    with st.container(key="planner-selected-bar"):
        if state.selected is None or state.selected not in catalog.exhibits:
            common.caption(t("planner.tap_hint", lang))
            return
        ex = catalog.exhibits[state.selected]
        name = catalog.text(ex.name, lang)
        if ex.id in state.stops:
            st.button(t("planner.remove_named", lang, name=name), icon=":material/remove_circle:",
                      key=P + "sel-remove", on_click=_remove, args=(ex.id,), width="stretch")
        else:
            st.button(t("planner.add_named", lang, name=name), icon=":material/add_circle:",
                      key=P + "sel-add", on_click=_add, args=(ex.id,), type="primary",
                      width="stretch")


def selected_place(catalog: cat.Catalog, state: PlannerState, lang: str) -> None:
    """Below the map: what the tapped place is (its action is above the map)."""
    if state.selected is None or state.selected not in catalog.exhibits:
        return
    ex = catalog.exhibits[state.selected]
    with st.container(border=True, key="planner-selected"):
        common.text(catalog.text(ex.name, lang), bold=True)
        common.text(f"{fmt.category_label(catalog, ex.category, lang)} · "
                    f"{fmt.minutes(ex.visit_minutes, lang)} · {catalog.text(ex.summary, lang)}")


# --------------------------------------------------------------------------- results


def summary(plan: routing.TourPlan, catalog: cat.Catalog, state: PlannerState,
            lang: str) -> None:
    a, b = st.columns(2)  # 2 x 2: the figures fit half a tablet screen without "…"
    c, d = st.columns(2)
    a.metric(t("planner.distance", lang), fmt.km(plan.distance_m, lang))
    b.metric(t("planner.walking_time", lang), fmt.minutes(plan.walking_minutes, lang))
    c.metric(t("planner.duration", lang), fmt.minutes(plan.total_minutes, lang))
    d.metric(t("planner.ends", lang), fmt.clock(plan.visits[-1].departure))
    for note in planner.notice_texts(plan, catalog, lang):
        common.notice("warning" if note.level == "warning" else "info", note.text)
    if (outside := planner.date_notice(catalog, state.date, lang)) is not None:
        common.notice("warning", outside)


def schedule(plan: routing.TourPlan, catalog: cat.Catalog, lang: str) -> None:
    common.heading(t("planner.schedule", lang), 2)
    rows = planner.schedule_table(export.schedule_rows(plan, catalog, lang), lang)
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch",
                 column_config=planner.schedule_column_config(lang))
    rows = planner.timeline_rows(plan, catalog, lang)
    if not rows:
        return
    common.heading(t("planner.timeline", lang), 2)
    frame = pd.DataFrame(rows)
    frame["start"] = frame["start"].map(lambda v: v.replace(tzinfo=None))
    frame["end"] = frame["end"].map(lambda v: v.replace(tzinfo=None))
    kinds = [t(f"planner.{k}", lang) for k in fmt.TIMELINE]
    chart = alt.Chart(frame).mark_bar(cornerRadius=3).encode(
        x=alt.X("start:T", title=None, axis=alt.Axis(format="%H:%M")),
        x2="end:T",
        y=alt.Y("stop:N", sort=planner.timeline_order(rows), title=None,
                axis=alt.Axis(labelLimit=260)),
        color=alt.Color("kind:N", title=None,
                        scale=alt.Scale(domain=kinds, range=list(fmt.TIMELINE.values()))),
        tooltip=["stop", "kind", alt.Tooltip("start:T", format="%H:%M"),
                 alt.Tooltip("end:T", format="%H:%M")],
    )
    st.altair_chart(chart, width="stretch")


def _save(catalog: cat.Catalog, tours: store.TourStore | None, lang: str,
          default_title: str) -> None:
    state = PlannerState.load()
    if not auth.current_actor(catalog).can_manage_tours:  # checked again: a forged trigger
        say("error", t("planner.sign_in_first", lang))
        return  # the unsaved tour stays in the session
    title = state.title.strip() or default_title
    try:
        if tours is None:
            raise store.StoreError("no database")
        tour_id = tours.save_tour(state.to_request(False).to_dict(), title,
                                  catalog.exhibition.id)
    except store.InvalidTour as exc:  # over a limit (stops, title, size): says which
        say("error", t("planner.invalid_tour", lang, error=str(exc)))
        return  # the unsaved tour stays in the session
    except common.STORE_ERRORS:
        say("error", t("planner.store_down", lang))
        return  # the unsaved tour stays in the session
    state.saved_id, state.saved_spec = tour_id, state.to_request().to_dict()
    state.save()
    st.query_params["tour"] = tour_id
    say("success", t("planner.saved", lang, id=tour_id))


def save_and_share(plan: routing.TourPlan, catalog: cat.Catalog,
                   tours: store.TourStore | None, state: PlannerState, lang: str) -> str | None:
    """Save (a new id each time, so links already handed out keep working) and share.
    Returns the share link when it shows exactly this plan, else None."""
    common.heading(t("planner.save", lang), 2)
    if auth.account_bar(catalog, lang, purpose="tours").can_manage_tours:
        st.text_input(t("planner.tour_title", lang), key=WIDGETS["title"],
                      max_chars=store.TITLE_MAX)
        label = "planner.save_new_version" if state.saved_id else "planner.save_button"
        st.button(t(label, lang), icon=":material/save:", key=P + "save", type="primary",
                  on_click=_save,
                  args=(catalog, tours, lang, export.tour_title(plan, catalog, lang)),
                  disabled=not plan.stops)
    if not state.saved_id:
        return None
    url = links.share_url(common.request_base_url(), state.saved_id, lang)
    if state.edited:
        common.notice("warning", t("planner.link_is_old", lang, id=state.saved_id),
                      icon=":material/history:")
    guide = links.guide_url(common.request_base_url(), state.saved_id, lang)
    for label, key, address in (("planner.share_link", "share", url),
                                ("planner.guide_link", "guide", guide)):
        common.text(t(label, lang), bold=True)
        st.code(address, language=None, wrap_lines=True)
        device.copy_button(f"{P}copy-{key}", address, t("planner.copy_link", lang),
                           t("planner.copied", lang), t("planner.copy_failed", lang))
    st.image(export.qr_png(url), caption=t("planner.qr_caption", lang, id=state.saved_id),
             width=180, alt=t("planner.qr_alt", lang, url=url))
    return None if state.edited else url


def handouts(plan: routing.TourPlan, catalog: cat.Catalog, lang: str,
             share_url: str | None) -> None:
    common.heading(t("planner.exports", lang), 2)
    name = export.slugify(export.tour_title(plan, catalog, lang)) or "tour"
    cols = st.columns(4)
    files = [
        ("GPX", "gpx", "application/gpx+xml", lambda: export.to_gpx(plan, catalog, lang)),
        ("GeoJSON", "geojson", "application/geo+json",
         lambda: export.to_geojson(plan, catalog, lang)),
        ("iCal", "ics", "text/calendar", lambda: export.to_ics(plan, catalog, lang)),
        ("PDF", "pdf", "application/pdf",
         lambda: export.to_pdf(plan, catalog, lang, share_url)),
    ]
    for col, (label, ext, mime, make) in zip(cols, files, strict=True):
        col.download_button(label, data=make, file_name=f"{name}.{ext}", mime=mime,
                            key=f"{P}dl-{ext}", icon=":material/download:",
                            width="stretch", on_click="ignore")
    link = export.google_maps_url(plan)
    st.link_button(t("planner.gmaps", lang), link.url, icon=":material/directions_walk:")
    if link.omitted:
        common.caption(t("planner.gmaps_omitted", lang, n=link.omitted))
