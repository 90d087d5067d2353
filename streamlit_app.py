"""Entrypoint: page navigation and the language switch shared by every page."""

import streamlit as st

from dashboard import ui
from dashboard.i18n import t

st.set_page_config(page_title="Lernreise", page_icon="static/favicon.png", layout="wide")
lang = ui.language_switcher()
pages = [
    # The default page is served at "/"; the others at their url_path.
    st.Page("app_pages/map.py", title=t("page.map", lang), icon=":material/map:", default=True),
    st.Page("app_pages/planner.py", title=t("page.planner", lang), icon=":material/route:",
            url_path="planner"),
]
st.navigation(pages).run()
