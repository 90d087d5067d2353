"""The exhibit map: filters, folium map with markers, detail panel, 3D overview."""

import streamlit as st
from streamlit_folium import st_folium

from dashboard import maps, settings, ui
from dashboard.catalog import filter_exhibits
from dashboard.i18n import t

lang = ui.current_language()
catalog = ui.load_catalog(lang)
ui.init_selection(catalog)

st.header(catalog.text(catalog.exhibition.name, lang), anchor=False)
flt = ui.filter_widgets(catalog, lang)
city = ui.city_picker(catalog, lang)
shown = filter_exhibits(catalog, flt)
st.markdown(f"**{t('count', lang, shown=len(shown), total=len(catalog.exhibits))}**")
if not shown:
    st.info(t("empty", lang), icon=":material/filter_alt_off:")
    st.button(t("filter.reset", lang), on_click=ui.reset_filters, key="empty_reset")
ui.warn_unknown_exhibit(lang)

map_col, detail_col = st.columns([5, 3], gap="medium")
with map_col:
    basemap = st.radio(
        t("basemap", lang), maps.BASEMAPS, horizontal=True, key="basemap",
        index=maps.basemap_index(settings.get("LERNREISE_BASEMAP")),
        format_func=lambda b: t(f"basemap.{b}", lang),
    )
    if basemap == maps.OSM:
        st.caption(t("basemap.osm_note", lang))
    pick = st.session_state.get(ui.PICK_KEY)
    result = st_folium(
        maps.base_map(catalog, lang, basemap),
        key=f"exhibit-map-{basemap}-{lang}",
        feature_group_to_add=maps.exhibit_layer(catalog, shown, lang, pick),
        returned_objects=["last_object_clicked"],
        height=600,
        use_container_width=True,
    )
    ui.apply_map_click(catalog, result)

with detail_col:
    options = ui.pick_options(shown)
    st.selectbox(
        t("pick", lang), options, key=ui.PICK_KEY, placeholder=t("pick.none", lang),
        format_func=lambda i: t("pick.none", lang) if i is None
        else catalog.text(catalog.exhibits[i].name, lang),
    )
    pick = ui.publish_selection()
    if pick:
        ui.show_exhibit_card(ui.exhibit_card(catalog, catalog.exhibit(pick), lang, city), lang)
    else:
        st.info(t("pick.hint", lang), icon=":material/touch_app:")

st.subheader(t("overview.title", lang), anchor=False)
st.caption(t("overview.caption", lang))
st.pydeck_chart(maps.overview_deck(catalog, shown, lang), height=420)
