"""Tour planner: pick stops, order them, see the route and schedule, save, hand out."""

import streamlit as st
from streamlit_folium import st_folium

from dashboard import maps, planner, planner_ui, routing, ui
from dashboard.i18n import t

lang = ui.current_language()
catalog = ui.load_catalog(lang)
network = ui.walking_network(catalog)
tours = ui.tour_store()
planner_ui.init_state(catalog, tours, lang)

st.header(t("planner.title", lang), anchor=False)
planner_ui.settings_sidebar(catalog, lang)
planner_ui.show_messages()

list_col, map_col = st.columns([1, 1], gap="medium")
with list_col:
    planner_ui.suggestion_box(catalog, network, lang)
    planner_ui.stop_list(catalog, lang)
    planner_ui.optimize_button(catalog, network, lang)

try:
    plan = routing.plan_tour(catalog, planner_ui.current_request(), network)
except routing.TourError as exc:
    st.error(t("planner.error", lang, error=str(exc)))
    plan = None

with map_col:
    candidates = planner.not_on_tour(catalog, st.session_state[planner_ui.STOPS])
    result = st_folium(
        maps.base_map(catalog, lang, legend_open=False),
        key=f"planner-map-{lang}",
        feature_group_to_add=maps.route_layer(catalog, plan if plan and plan.stops else None,
                                              lang, candidates),
        returned_objects=["last_object_clicked"],
        height=560,
        use_container_width=True,
    )
    planner_ui.apply_map_click(catalog, result)

if plan is not None and plan.stops:
    planner_ui.summary(plan, catalog, lang)
    planner_ui.schedule(plan, catalog, lang)
    share_url = planner_ui.save_and_share(plan, catalog, tours, lang)
    planner_ui.handouts(plan, catalog, lang, share_url)
