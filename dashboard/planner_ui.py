"""Streamlit glue of the tour planner page: its session state and its widget groups.

The stop list lives in st.session_state[STOPS] (a plain key, not a widget's): buttons, the map
and the optimiser all edit it through callbacks, and a changed setting never loses it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import catalog as cat
from dashboard import export, planner, routing, settings, store, ui
from dashboard.i18n import t

STOPS = "tour_stops"
_LOADED = "_tour_loaded"
_MESSAGE = "_planner_message"
_LAST_CLICK = "_planner_last_click"
SAVED = "_saved_tour_id"


# --------------------------------------------------------------------------- state


def init_state(catalog: cat.Catalog, tours: store.TourStore, lang: str) -> None:
    """First run of a session: defaults, or the saved tour named by ?tour=<id>."""
    if STOPS in st.session_state:
        return
    st.session_state[STOPS] = []
    first_entrance = next(iter(catalog.entrances), None)
    st.session_state.update({
        "p_start": first_entrance, "p_end": None, "p_date": dt.date.today(),
        "p_time": dt.time(10, 0), "p_speed": routing.DEFAULT_SPEED_KMH, "p_step_free": False,
        "p_budget": 0, "p_rank": "priority", "p_title": "",
    })
    tour_id = st.query_params.get("tour")
    if tour_id is None:
        return
    saved = tours.load_tour(tour_id) if store.is_valid_tour_id(tour_id) else None
    if saved is None:
        _say("warning", t("planner.bad_tour", lang, id=str(tour_id)[:40]))
        del st.query_params["tour"]
        return
    request = routing.TourRequest.from_dict(saved.spec)
    places = routing.places(catalog)
    st.session_state[STOPS] = list(request.stops)  # missing ones are reported by the plan
    st.session_state.update({
        "p_start": request.start if request.start in places else first_entrance,
        "p_end": request.end if request.end in places else None,
        "p_date": request.date or dt.date.today(), "p_time": request.start_time,
        "p_speed": float(request.speed_kmh), "p_step_free": request.step_free,
        "p_budget": request.budget_minutes or 0, "p_rank": request.rank_by,
        "p_title": saved.title,
    })
    st.session_state[SAVED] = saved.id
    _say("success", t("planner.loaded", lang, title=saved.title))


def _say(level: str, text: str) -> None:
    st.session_state.setdefault(_MESSAGE, []).append((level, text))


def show_messages() -> None:
    for level, text in st.session_state.pop(_MESSAGE, []):
        getattr(st, level)(text)


def current_request(optimize: bool = False) -> routing.TourRequest:
    s = st.session_state
    return routing.TourRequest(
        stops=tuple(s[STOPS]), start=s["p_start"], end=s["p_end"], optimize=optimize,
        step_free=s["p_step_free"], budget_minutes=s["p_budget"] or None,
        start_time=s["p_time"], date=s["p_date"], speed_kmh=s["p_speed"], rank_by=s["p_rank"],
        title=s["p_title"],
    )


# --------------------------------------------------------------------------- widgets


def settings_sidebar(catalog: cat.Catalog, lang: str) -> None:
    ids = list(catalog.entrances) + list(catalog.exhibits)

    def name(pid: str | None) -> str:
        return t("planner.same_as_start", lang) if pid is None else \
            planner.place_name(catalog, pid, lang)

    side = st.sidebar
    side.header(t("planner.settings", lang))
    side.selectbox(t("planner.start", lang), ids, key="p_start", format_func=name)
    side.selectbox(t("planner.end", lang), [None, *ids], key="p_end", format_func=name,
                   placeholder=t("planner.same_as_start", lang))
    side.date_input(t("planner.date", lang), key="p_date", format="DD.MM.YYYY")
    side.time_input(t("planner.start_time", lang), key="p_time", step=dt.timedelta(minutes=15))
    side.slider(t("planner.speed", lang), 2.0, 6.0, step=0.5, key="p_speed",
                help=t("planner.speed_help", lang))
    side.toggle(t("planner.step_free", lang), key="p_step_free")
    side.number_input(t("planner.budget", lang), 0, 600, step=15, key="p_budget")
    side.radio(t("planner.rank_by", lang), ["priority", "order"], key="p_rank",
               format_func=lambda r: t(f"planner.rank.{r}", lang))


def _add_stop() -> None:
    chosen = st.session_state.get("stop_adder")
    if chosen and chosen not in st.session_state[STOPS]:
        st.session_state[STOPS] = [*st.session_state[STOPS], chosen]
    st.session_state["stop_adder"] = None


def _move(index: int, delta: int) -> None:
    st.session_state[STOPS] = planner.move(st.session_state[STOPS], index, delta)


def _remove(exhibit_id: str) -> None:
    st.session_state[STOPS] = [s for s in st.session_state[STOPS] if s != exhibit_id]


def stop_list(catalog: cat.Catalog, lang: str) -> None:
    """Add by search, then reorder or remove with buttons (keyboard and touch friendly)."""
    stops = st.session_state[STOPS]
    st.subheader(t("planner.stops", lang), anchor=False)
    addable = [e for e in catalog.exhibits if e not in stops]
    st.selectbox(t("planner.stops_help", lang), addable, index=None, key="stop_adder",
                 on_change=_add_stop, placeholder=t("filter.search_hint", lang),
                 format_func=lambda e: catalog.text(catalog.exhibits[e].name, lang))
    if not stops:
        st.info(t("planner.empty", lang), icon=":material/add_location_alt:")
        return
    for index, exhibit_id in enumerate(stops):
        label, up, down, remove = st.columns([6, 1, 1, 1], gap="small",
                                             vertical_alignment="center")
        label.markdown(f"**{index + 1}.** "
                       + ui.md_escape(planner.place_name(catalog, exhibit_id, lang)))
        up.button("", icon=":material/arrow_upward:", key=f"up-{exhibit_id}", on_click=_move,
                  args=(index, -1), help=t("planner.up", lang), disabled=index == 0)
        down.button("", icon=":material/arrow_downward:", key=f"down-{exhibit_id}",
                    on_click=_move, args=(index, 1), help=t("planner.down", lang),
                    disabled=index == len(stops) - 1)
        remove.button("", icon=":material/close:", key=f"rm-{exhibit_id}", on_click=_remove,
                      args=(exhibit_id,), help=t("planner.remove", lang))


def _optimize(catalog: cat.Catalog, network: routing.WalkingNetwork, lang: str) -> None:
    try:  # both can fail the same way (e.g. a start that is not step-free)
        before = routing.plan_tour(catalog, current_request(False), network)
        plan = routing.plan_tour(catalog, current_request(True), network)
    except routing.TourError as exc:
        _say("error", t("planner.error", lang, error=str(exc)))
        return
    st.session_state[STOPS] = plan.stop_ids
    _say("success", t("planner.optimized", lang, before=_km(before.distance_m),
                      after=_km(plan.distance_m)))
    for gone in plan.dropped:
        _say("warning", t("notice.dropped", lang, name=planner.place_name(catalog, gone, lang)))


def _km(metres: float) -> str:
    return f"{metres / 1000:.2f} km"


def optimize_button(catalog: cat.Catalog, network: routing.WalkingNetwork, lang: str) -> None:
    st.button(t("planner.optimize", lang), type="primary", icon=":material/route:",
              on_click=_optimize, args=(catalog, network, lang), key="optimize",
              disabled=len(st.session_state[STOPS]) < 2 and not st.session_state["p_budget"])


def suggestion_box(catalog: cat.Catalog, network: routing.WalkingNetwork, lang: str) -> None:
    with st.expander(t("planner.suggest", lang), icon=":material/auto_awesome:"):
        any_label = t("planner.suggest_any", lang)
        theme = st.selectbox(
            t("planner.suggest_theme", lang), [None, *catalog.categories], key="sg_theme",
            format_func=lambda c: any_label if c is None
            else catalog.text(catalog.categories[c].name, lang))
        department = st.selectbox(
            t("filter.department", lang), [None, *catalog.departments], key="sg_dep",
            format_func=lambda d: any_label if d is None
            else catalog.text(catalog.departments[d].name, lang))
        minutes = st.number_input(t("planner.suggest_budget", lang), 15, 600, 90, step=15,
                                  key="sg_budget")
        if st.button(t("planner.suggest_go", lang), key="sg_go"):
            candidates = routing.suggest_stops(catalog, theme, department)
            if not candidates:
                st.warning(t("planner.suggest_none", lang))
                return
            with st.spinner(t("planner.optimizing", lang)):
                request = dataclasses.replace(current_request(True), stops=tuple(candidates),
                                              budget_minutes=int(minutes))
                try:
                    plan = routing.plan_tour(catalog, request, network)
                except routing.TourError as exc:
                    st.error(t("planner.error", lang, error=str(exc)))
                    return
            st.session_state[STOPS] = plan.stop_ids
            st.session_state["p_budget"] = int(minutes)
            st.rerun()


def apply_map_click(catalog: cat.Catalog, result: dict | None) -> None:
    """A tapped marker goes on the stop list, or off it if it was on it."""
    ex = ui.newly_clicked_exhibit(catalog, result, _LAST_CLICK)
    if ex is not None:
        st.session_state[STOPS] = planner.toggle(st.session_state[STOPS], ex.id)
        st.rerun()


def summary(plan: routing.TourPlan, catalog: cat.Catalog, lang: str) -> None:
    a, b, c, d = st.columns(4)
    a.metric(t("planner.distance", lang), _km(plan.distance_m))
    b.metric(t("planner.walking_time", lang), t("detail.minutes", lang,
                                                  n=round(plan.walking_minutes)))
    c.metric(t("planner.duration", lang), t("detail.minutes", lang, n=round(plan.total_minutes)))
    d.metric(t("planner.ends", lang), f"{plan.visits[-1].departure:%H:%M}")
    for notice in planner.notice_texts(plan, catalog, lang):
        (st.warning if notice.level == "warning" else st.info)(notice.text)


def schedule(plan: routing.TourPlan, catalog: cat.Catalog, lang: str) -> None:
    st.subheader(t("planner.schedule", lang), anchor=False)
    rows = planner.schedule_table(export.schedule_rows(plan, catalog, lang), lang)
    st.dataframe(pd.DataFrame(rows), hide_index=True, use_container_width=True)
    rows = planner.timeline_rows(plan, catalog, lang)
    if not rows:
        return
    st.subheader(t("planner.timeline", lang), anchor=False)
    frame = pd.DataFrame(rows)
    frame["start"] = frame["start"].map(lambda v: v.replace(tzinfo=None))
    frame["end"] = frame["end"].map(lambda v: v.replace(tzinfo=None))
    chart = alt.Chart(frame).mark_bar(cornerRadius=3).encode(
        x=alt.X("start:T", title=None, axis=alt.Axis(format="%H:%M")),
        x2="end:T",
        y=alt.Y("stop:N", sort=None, title=None, axis=alt.Axis(labelLimit=260)),
        color=alt.Color("kind:N", title=None,
                        scale=alt.Scale(range=["#7f8c8d", "#c0392b", "#f1c40f"])),
        tooltip=["stop", "kind", alt.Tooltip("start:T", format="%H:%M"),
                 alt.Tooltip("end:T", format="%H:%M")],
    )
    st.altair_chart(chart, use_container_width=True)


def save_and_share(plan: routing.TourPlan, catalog: cat.Catalog, tours: store.TourStore,
                   lang: str) -> str | None:
    """Save the tour (a new id each time, so links already handed out keep working)."""
    st.subheader(t("planner.save", lang), anchor=False)
    st.text_input(t("planner.tour_title", lang), key="p_title", max_chars=store.TITLE_MAX)
    if st.button(t("planner.save_button", lang), icon=":material/save:", key="save",
                 disabled=not plan.stops):
        title = st.session_state["p_title"].strip() or export.tour_title(plan, catalog, lang)
        tour_id = tours.save_tour(current_request(False).to_dict(), title, catalog.exhibition.id)
        st.session_state[SAVED] = tour_id
        st.query_params["tour"] = tour_id
        st.success(t("planner.saved", lang, id=tour_id))
    tour_id = st.session_state.get(SAVED)
    if not tour_id:
        return None
    url = planner.share_url(settings.get("LERNREISE_BASE_URL"), tour_id, lang)
    st.markdown(f"**{t('planner.share_link', lang)}**")
    st.code(url, language=None)
    st.image(export.qr_png(url), caption=t("planner.qr_caption", lang), width=180)
    return url


def handouts(plan: routing.TourPlan, catalog: cat.Catalog, lang: str,
             share_url: str | None) -> None:
    st.subheader(t("planner.exports", lang), anchor=False)
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
                            key=f"dl-{ext}", icon=":material/download:",
                            use_container_width=True, on_click="ignore")
    link = export.google_maps_url(plan)
    st.link_button(t("planner.gmaps", lang), link.url, icon=":material/directions_walk:")
    if link.omitted:
        st.caption(t("planner.gmaps_omitted", lang, n=link.omitted))
