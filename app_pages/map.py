"""The exhibit map: search and filters, the map with markers, the detail card, 3D overview."""

import streamlit as st

from dashboard import maps
from dashboard.catalog import filter_exhibits
from dashboard.i18n import t
from dashboard.ui import common
from dashboard.ui import map_page as page

lang = common.current_language()
catalog = common.load_catalog(lang)
state = page.MapState.load(catalog)
city = common.city(catalog)

common.heading(catalog.text(catalog.exhibition.name, lang), 1)
common.show_bad_params(lang)
flt = page.filter_widgets(catalog, lang, city)
shown = filter_exhibits(catalog, flt)
page.drop_hidden_pick(shown)
common.text(t("count", lang, shown=len(shown), total=len(catalog.exhibits)), bold=True)
page.empty_state(shown, lang)
page.warn_unknown_exhibit(lang)

map_col, detail_col = st.container(key="maprow").columns([5, 3], gap="medium")
with map_col:
    page.exhibit_map(catalog, shown, lang, common.basemap(), flt)
    if common.basemap_picker(lang) == maps.OSM:
        common.caption(t("basemap.osm_note", lang))
with detail_col, st.container(key="detail"):
    common.city_picker(catalog, lang)
    page.detail(catalog, shown, lang, city, state)

common.heading(t("overview.title", lang), 2)
page.overview(catalog, shown, lang, flt)
