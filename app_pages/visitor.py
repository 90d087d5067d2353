"""Visitor mode on a tablet: a saved tour stop by stop (?tour=<id>), or the start screen."""

import streamlit as st

from dashboard import visitor
from dashboard.i18n import t
from dashboard.ui import common, lead_page
from dashboard.ui import visitor_page as page

lang = common.current_language()
catalog = common.load_catalog(lang)
network = common.walking_network(catalog)
tours = common.tour_store()
state = page.VisitorState.load()
page.kiosk_style(state.size)
common.show_bad_params(lang)
page.show_messages()
opened = page.open_tour(catalog, network, tours, state, lang)
common.show_bad_params(lang)

if opened is None:
    common.heading(t("visitor.title", lang), 1)
    page.start_screen(catalog, tours, lang)
    page.write_url(state, [])
else:
    saved, plan = opened
    stops = visitor.visitor_stops(plan, catalog, lang)
    stop = stops[state.stop]
    common.heading(saved.title, 1)
    lead_page.follow_panel(tours, saved.id, len(stops), lang)
    prog = page.progress_bar(plan, catalog, state, lang)
    page.nav_buttons(len(stops), state, lang)
    card_col, map_col = st.container(key="maprow").columns([1, 1], gap="medium")
    with card_col:
        page.stop_card(stop, state, lang)
        page.next_leg(prog, lang)
    with map_col:
        page.tour_map(catalog, plan, state, lang)
        page.sources(stop, lang)
    page.settings_row(catalog, plan, saved, state, lang)
    lead_page.lead_link(saved.id, lang)
    page.write_url(state, plan.stop_ids)
