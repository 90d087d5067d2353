"""Tour planner: pick stops, order them, see the route and schedule, save, hand out."""

import streamlit as st

from dashboard.i18n import t
from dashboard.ui import common, styles
from dashboard.ui import planner_page as page

lang = common.current_language()
catalog = common.load_catalog(lang)
network = common.walking_network(catalog)
tours = common.tour_store()
city = common.city(catalog)
state = page.init(catalog, tours, lang)
styles.apply("planner")

common.heading(t("planner.title", lang), 1)
common.show_bad_params(lang)
page.show_messages()

list_col, map_col = st.container(key="maprow").columns([1, 1], gap="medium")
with list_col:
    page.settings_box(catalog, state, lang)
    page.suggestion_box(catalog, network, city, lang)
    page.stop_list(catalog, state, lang)
    page.actions(catalog, network, state, lang)
plan = page.plan_or_message(catalog, network, state, lang)
with map_col:
    page.selected_action(catalog, state, lang)
    page.tour_map(catalog, plan, state, lang)
    page.selected_place(catalog, state, lang)

if plan is not None:
    with list_col:
        page.summary(plan, catalog, state, lang)
        share_url = page.save_and_share(plan, catalog, tours, state, lang)
        common.lead_link(state.saved_id, lang)
    page.schedule(plan, catalog, lang)
    page.handouts(plan, catalog, lang, share_url)
