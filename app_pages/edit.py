"""The exhibition editor (/edit): a new exhibition, its site from OpenStreetMap, exhibits by
tapping the map or from a spreadsheet, photos, publish, versions, restore, export."""

import streamlit as st

from dashboard.i18n import t
from dashboard.ui import common
from dashboard.ui import editor_page as page

lang = common.current_language()
catalog = page.folder_catalog(lang)
common.heading(t("edit.title", lang), 1)
actor = page.account(catalog, lang)
state = page.EditorState.load()
if page.choose_exhibition(state, actor, lang) is None:
    common.notice("info", t("edit.start_hint", lang), icon=":material/edit_location_alt:")
    st.stop()
problems = page.problems_box(state, lang)
section = page.section(lang)
page.message(state, section)
page.reload_button(state, lang)
page.show_section(section, state, actor, problems, lang)
