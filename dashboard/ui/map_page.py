"""The map page's state and widget groups: filters, the exhibit map, the detail panel."""

from __future__ import annotations

from dataclasses import astuple, dataclass

import streamlit as st

from dashboard import catalog as cat
from dashboard import maps
from dashboard import presentation as fmt
from dashboard.errors import untrusted
from dashboard.i18n import t
from dashboard.ui import common

PREFIX = "map."
PICK = "map.pick"  # widget key of the exhibit list, also written by a marker tap
# The filter widgets: name -> default value. Their keys carry a generation (filter_keys):
# "Reset filters" starts a new one, so every filter widget is a new widget in the browser too.
# Setting the old widgets' values back was not enough: a multiselect in the (closed) popover
# kept its choice in the browser and sent it again with the next action (issue 17, item 1).
FILTERS = {"query": "", "category": [], "zone": [], "department": [], "step_free": False}
_GENERATION = "map.f_generation"
_BAD_EXHIBIT = "map.bad_exhibit"
_LAST_CLICK = "map.last_click"
_TAPPED = "map.tapped"  # a marker tap just selected: bring the card into view on a phone
OVERVIEW = "map.overview"  # the 3D overview's toggle: off until someone opens it
MAP_HEIGHT = 460  # px: shorter than a phone or a landscape tablet screen


@dataclass
class MapState:
    """What the map page remembers in a session: the selected exhibit (also ?exhibit=)."""

    pick: str | None

    @classmethod
    def load(cls, catalog: cat.Catalog) -> MapState:
        """On a session's first run the selection comes from ?exhibit=<id>."""
        s = st.session_state
        if PICK not in s:
            raw = st.query_params.get("exhibit")
            s[PICK] = raw if raw in catalog.exhibits else None
            if raw is not None and raw not in catalog.exhibits:
                s[_BAD_EXHIBIT] = raw
        return cls(pick=s[PICK])

    def publish(self) -> None:
        """Write the selection to the URL (?exhibit=<id>) so the page can be linked."""
        self.pick = st.session_state.get(PICK)
        if self.pick:
            st.session_state.pop(_BAD_EXHIBIT, None)
            st.query_params["exhibit"] = self.pick
        elif "exhibit" in st.query_params and st.session_state.get(_BAD_EXHIBIT) is None:
            del st.query_params["exhibit"]


def warn_unknown_exhibit(lang: str) -> None:
    bad = st.session_state.get(_BAD_EXHIBIT)
    if bad is not None and st.session_state.get(PICK) is None:
        common.notice("warning", t("unknown_exhibit", lang, id=untrusted(bad)),
                      icon=":material/search_off:")


# --------------------------------------------------------------------------- filters


def filter_keys(session=None) -> dict[str, str]:
    """The session keys of the filter widgets of the current generation."""
    generation = (session if session is not None else st.session_state).get(_GENERATION, 0)
    suffix = f".{generation}" if generation else ""
    return {name: f"map.f_{name}{suffix}" for name in FILTERS}


def reset_filters() -> None:
    """Back to every exhibit: a callback. The next run draws a new generation of filter
    widgets with their defaults (and forgets the old ones), so nothing in the browser can send
    an old filter again."""
    for key in filter_keys().values():
        st.session_state.pop(key, None)
    st.session_state[_GENERATION] = st.session_state.get(_GENERATION, 0) + 1
    for name, key in filter_keys().items():
        st.session_state[key] = list(FILTERS[name]) if isinstance(FILTERS[name], list) \
            else FILTERS[name]


def drop_hidden_pick(shown: list[cat.Exhibit]) -> None:
    """A filter that hides the selected exhibit closes its card (before the exhibit list is
    drawn): no card of an exhibit whose marker is not on the map."""
    pick = st.session_state.get(PICK)
    if pick is not None and pick not in {ex.id for ex in shown}:
        st.session_state[PICK] = None


def search_hint(catalog: cat.Catalog, lang: str) -> str:
    """'Name or description, e.g. <a word of this exhibition>': the example comes from the
    loaded data, not from the bundled show."""
    word = cat_example_word(catalog, lang)
    return t("filter.search_hint", lang, example=word)


def cat_example_word(catalog: cat.Catalog, lang: str) -> str:
    for ex in catalog.exhibits.values():
        words = [w.strip(".,:;()\"'“”„") for w in catalog.text(ex.name, lang).split()]
        words = [w for w in words if len(w) >= 4 and w.isalpha()]
        if words:
            return max(words, key=len)
    return catalog.text(next(iter(catalog.exhibits.values())).name, lang)


def filter_widgets(catalog: cat.Catalog, lang: str, city: cat.City | None
                   ) -> cat.ExhibitFilter:
    """Search, a popover with the other filters, and reset: in the page, not the sidebar
    (the sidebar is collapsed on tablets and phones)."""
    keys = filter_keys()
    search, more, reset = st.columns([4, 2, 2], vertical_alignment="bottom")
    query = search.text_input(t("filter.search", lang), key=keys["query"],
                              placeholder=search_hint(catalog, lang))
    with more.popover(t("filters", lang), icon=":material/filter_list:",
                      width="stretch"):
        cats = st.multiselect(
            t("filter.category", lang), list(catalog.categories), key=keys["category"],
            format_func=lambda c: fmt.category_label(catalog, c, lang),
            placeholder=t("filter.all", lang))
        zones = st.multiselect(
            t("filter.zone", lang), list(catalog.zones), key=keys["zone"],
            format_func=lambda z: catalog.text(catalog.zones[z].name, lang),
            placeholder=t("filter.all", lang))
        deps = st.multiselect(
            t("filter.department", lang), common.city_departments(catalog, city),
            key=keys["department"],
            format_func=lambda d: catalog.text(catalog.departments[d].name, lang),
            placeholder=t("filter.all", lang))
        step_free = st.toggle(t("filter.step_free", lang), key=keys["step_free"])
    reset.button(t("filter.reset", lang), on_click=reset_filters, key="map.f_reset",
                 icon=":material/filter_alt_off:", width="stretch")
    return cat.ExhibitFilter(tuple(cats), tuple(zones), tuple(deps), step_free, query)


def empty_state(shown: list[cat.Exhibit], lang: str) -> None:
    if not shown:
        st.info(t("empty", lang), icon=":material/filter_alt_off:")
        st.button(t("filter.reset", lang), on_click=reset_filters, key="map.empty_reset")


# --------------------------------------------------------------------------- map & detail


def newly_clicked_exhibit(catalog: cat.Catalog, result: dict | None,
                          memory_key: str) -> cat.Exhibit | None:
    """The exhibit of a new marker tap on an st_folium map, else None.

    st_folium returns the last click on every rerun; the click counter tells a new tap (also
    a second tap on the same marker) from the old one repeated.
    """
    result = result or {}
    clicked = result.get("last_object_clicked")
    stamp = (clicked and (clicked.get("lat"), clicked.get("lng")),
             result.get("last_object_clicked_count"))
    if not clicked or stamp == st.session_state.get(memory_key):
        return None
    st.session_state[memory_key] = stamp
    return cat.exhibit_at(catalog, clicked["lat"], clicked["lng"])


def exhibit_map(catalog: cat.Catalog, shown: list[cat.Exhibit], lang: str,
                basemap: str, flt: cat.ExhibitFilter) -> None:
    """The map; a tap on a marker selects the exhibit and reruns so the card follows.
    `shown` is what `flt` selects: the rendered marker layer is shared per filter."""
    pick = st.session_state.get(PICK)
    data = common.data_key(catalog)
    result = common.folium_map(
        ("exhibit-map", data, lang, basemap), lambda: maps.base_map(catalog, lang, basemap),
        ("exhibit-layer", data, lang, astuple(flt), pick),
        lambda: maps.exhibit_layer(catalog, shown, lang, pick),
        key=f"exhibit-map-{basemap}-{lang}",
        returned_objects=["last_object_clicked", "last_object_clicked_count"],
        height=MAP_HEIGHT,
    )
    ex = newly_clicked_exhibit(catalog, result, _LAST_CLICK)
    if ex is not None and ex.id != st.session_state.get(PICK):
        st.session_state[PICK] = ex.id
        st.session_state[_TAPPED] = True
        st.rerun()


def pick_options(shown: list[cat.Exhibit]) -> list[str | None]:
    """Choices of the exhibit list: none, the shown exhibits, and the selection if hidden."""
    options: list[str | None] = [None, *(ex.id for ex in shown)]
    pick = st.session_state.get(PICK)
    if pick and pick not in options:
        options.append(pick)
    return options


def detail(catalog: cat.Catalog, shown: list[cat.Exhibit], lang: str,
           city: cat.City | None, state: MapState) -> None:
    st.selectbox(
        t("pick", lang), pick_options(shown), key=PICK, placeholder=t("pick.none", lang),
        format_func=lambda i: t("pick.none", lang) if i is None
        else catalog.text(catalog.exhibits[i].name, lang),
    )
    state.publish()
    if st.session_state.pop(_TAPPED, False):
        common.scroll_to("detail")
    if state.pick:
        common.show_exhibit_card(common.exhibit_card(catalog, catalog.exhibit(state.pick),
                                                     lang, city), lang)
    else:
        st.info(t("pick.hint", lang), icon=":material/touch_app:")


@st.cache_resource(show_spinner=False, max_entries=32)
def _overview(data: tuple, lang: str, flt: tuple, _catalog: cat.Catalog,
              _shown: list[cat.Exhibit]):
    return maps.overview_deck(_catalog, _shown, lang, frozen=True)


@st.fragment
def overview(catalog: cat.Catalog, shown: list[cat.Exhibit], lang: str,
             flt: cat.ExhibitFilter) -> None:
    """The 3D overview behind its own toggle: a pydeck chart anywhere on a page makes the
    browser fetch deck.gl (about 3 MB), which a visitor on exhibition Wi-Fi should pay only
    for a view they open. A fragment: the toggle reruns this part, not the map above. The deck
    (and its JSON) is built once per data, language and filter and shared read-only."""
    if not st.toggle(t("overview.show", lang), key=OVERVIEW):
        common.caption(t("overview.closed", lang))
        return
    common.caption(t("overview.caption", lang))
    st.pydeck_chart(_overview(common.data_key(catalog), lang, astuple(flt), catalog, shown),
                    height=420)
