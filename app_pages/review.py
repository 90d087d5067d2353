"""Navigators' review: a city's notes per exhibit beside the other cities', follow-ups, the
workshop (open space) and the trip report (?city=, ?exhibit=)."""

import streamlit as st

from dashboard.i18n import t
from dashboard.ui import common
from dashboard.ui import review_page as page

lang = common.current_language()
catalog = common.load_catalog(lang)
page.style()
common.heading(t("review.title", lang), 1)
actor = page.account(catalog, lang)
city = page.city(catalog, lang)
common.show_bad_params(lang)
notes, workshop = page.stores(catalog, lang)
tours = common.tour_store()
programme = page.programme(catalog, lang)
exhibit = page.load_exhibit(catalog)
page.warn_unknown_exhibit(lang)
page.programme_box(catalog, programme, lang)

exhibits_tab, follow_ups_tab, workshop_tab, report_tab, insights_tab = st.tabs(
    [t("review.tab.exhibits", lang), t("review.tab.follow_ups", lang),
     t("review.tab.workshop", lang), t("review.tab.report", lang),
     t("review.tab.insights", lang)])
with exhibits_tab:
    exhibit = page.exhibit_list(catalog, city, notes, tours, actor, lang)
    if exhibit:
        page.exhibit_review(catalog, city, exhibit, notes, actor, programme, lang)
    else:
        common.notice("info", t("review.pick_hint", lang), icon=":material/touch_app:")
with follow_ups_tab:
    page.follow_ups(catalog, city, notes, actor, exhibit, lang)
with workshop_tab:
    page.workshop_section(catalog, city, notes, workshop, actor, lang)
with report_tab:
    page.report_section(catalog, city, notes, workshop, actor, lang)
with insights_tab:
    page.insights_placeholder(lang)
