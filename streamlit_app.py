"""Entrypoint: page navigation, the page style and the language switch shared by every page."""

import streamlit as st

from dashboard import links
from dashboard.i18n import t
from dashboard.ui import common

# The sidebar starts collapsed (it holds nothing a visitor needs): on a tablet or phone the map
# gets the whole width; navigation is at the top.
st.set_page_config(page_title="Lernreise", page_icon="static/favicon.png", layout="wide",
                   initial_sidebar_state="collapsed")
common.page_style()
lang = common.app_bar()
pages = [
    # The default page is served at "/"; the others at their url_path (links.PAGES).
    st.Page(links.PAGE_FILES["map"], title=t("page.map", lang), icon=":material/map:",
            default=True),
    st.Page(links.PAGE_FILES["planner"], title=t("page.planner", lang), icon=":material/route:",
            url_path=links.PAGES["planner"]),
    st.Page(links.PAGE_FILES["visitor"], title=t("page.visitor", lang),
            icon=":material/tablet:", url_path=links.PAGES["visitor"]),
    st.Page(links.PAGE_FILES["lead"], title=t("lead.page", lang), icon=":material/campaign:",
            url_path=links.PAGES["lead"]),
    st.Page(links.PAGE_FILES["review"], title=t("page.review", lang),
            icon=":material/rate_review:", url_path=links.PAGES["review"]),
    st.Page(links.PAGE_FILES["edit"], title=t("page.edit", lang),
            icon=":material/edit_location_alt:", url_path=links.PAGES["edit"]),
]
page = st.navigation(pages, position="top")
common.keep_url_state()
page.run()
