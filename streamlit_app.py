"""Entrypoint: page navigation and the language switch shared by every page."""

import streamlit as st

from dashboard import ui
from dashboard.i18n import t

st.set_page_config(page_title="Lernreise", page_icon="🗺️", layout="wide")
lang = ui.language_switcher()
page = st.navigation(
    [st.Page("pages/map.py", title=t("page.map", lang), icon="🗺️", url_path="map", default=True)]
)
page.run()
