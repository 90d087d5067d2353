"""Streamlit glue shared by every page: cached resources, escaped output, URL state (language,
visiting city, base map), the app bar and the exhibit card.

Rules kept here so that pages cannot get them wrong:
- Text from data, the URL, the database or a user reaches Streamlit only through the helpers
  below (`text`, `heading`, `notice`, ...), which escape it: st.markdown, st.warning, headers
  and captions all render Markdown.
- Caches hold only shared, read-only objects; a user's data lives in st.session_state.
- URL state lives in plain session keys under "app." (widget keys vanish with their widget
  when another page is shown) and is written back to the URL on every run, so it survives page
  changes and reloads.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path

import branca
import folium
import sqlalchemy.exc
import streamlit as st
import streamlit_folium

from dashboard import catalog as cat
from dashboard import links, maps, routing, settings, store, validate
from dashboard import presentation as fmt
from dashboard.editor import serving
from dashboard.errors import DataError, untrusted
from dashboard.i18n import DEFAULT_LANGUAGE, LANGUAGES, normalize_language, t
from dashboard.ui import styles

# --------------------------------------------------------------------------- escaping

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=])")


# What GitHub-flavoured Markdown links without any markup (its "autolink literals": http://,
# https://, www. and e-mail addresses). Streamlit's renderer finds them in the text after the
# backslash escapes are resolved, so escaping cannot stop them: a WORD JOINER (U+2060, not
# shown) after "://", before the "." of "www." and after "@" breaks each pattern.
_AUTOLINK = re.compile(r"(?<=:)(?=//)|(?<=www)(?=\.)|(?<=@)", re.IGNORECASE)
_WORD_JOINER = "\u2060"


def md_escape(text: object) -> str:
    """Text that st.markdown shows literally: no markup, no HTML, no LaTeX, no directives, no
    web address or e-mail address turned into a link."""
    value = str(text)
    if "//" in value or "@" in value or "ww." in value.lower():
        value = _AUTOLINK.sub(_WORD_JOINER, value)
    return _MD_SPECIAL.sub(r"\\\1", value)


def text(value: object, *, bold: bool = False, italic: bool = False) -> None:
    """A paragraph of plain text."""
    body = md_escape(value)
    st.markdown(f"**{body}**" if bold else f"_{body}_" if italic else body)


def heading(value: object, level: int = 2) -> None:
    """A page (1), section (2) or card (3) heading of plain text, without an anchor link."""
    fn = {1: st.header, 2: st.subheader}.get(level)
    if fn is None:
        st.markdown(f"#### {md_escape(value)}")
    else:
        fn(md_escape(value), anchor=False)


def caption(value: object) -> None:
    st.caption(md_escape(value))


def labelled(label: str, value: object) -> None:
    """'**Label:** value': our label in bold, the value as plain text."""
    st.markdown(f"**{md_escape(label)}:** {md_escape(value)}")


def bullets(values: list[str]) -> None:
    if values:
        st.markdown("\n".join(f"- {md_escape(v)}" for v in values))


def notice(level: str, value: object, icon: str | None = None) -> None:
    """st.info / success / warning / error with plain text."""
    getattr(st, level)(md_escape(value), icon=icon)


def step_key(base: str, position: int) -> str:
    """The key of a button that steps from `position` (Next, Previous, Up, Down).

    Streamlit can deliver one tap twice: when a second rerun request (another widget, a
    component, a fragment's timer) reaches the server while the run for the tap starts, the
    tap's trigger is handed to that run too (seen under load: one tap on Next moved a tablet
    two stops). With the position in the key the repeated trigger belongs to the button that
    was tapped, not to the one drawn after the step, and its callback goes to an absolute
    place (position + 1, not "one more"), so a repeat lands where the first one did. The page
    style hides the old button while its successor is drawn (both are there until the run
    ends), by the "-step-" in the key's CSS class.
    """
    return f"{base}-step-{position}"


def link_markdown(url: str) -> str:
    """A Markdown link whose label is the (escaped, shortened) address itself."""
    label = re.sub(r"^https?://(www\.)?", "", url)
    label = label if len(label) <= 60 else label[:57] + "…"
    safe_url = url.replace("(", "%28").replace(")", "%29").replace(" ", "%20")
    return f"[{md_escape(label)}]({safe_url})"


# --------------------------------------------------------------------------- data


def _fingerprint(data_dir: Path) -> tuple:
    """Names, sizes and modification times of the data files: a changed file reloads."""
    files = [data_dir / cat.EXHIBITS_FILE, data_dir / cat.CITIES_FILE]
    files += sorted((data_dir / "geo").glob("*.geojson"))
    out = []
    for path in files:
        try:
            stat = path.stat()
            out.append((path.name, stat.st_size, stat.st_mtime_ns))
        except OSError:
            out.append((path.name, None, None))
    return tuple(out)


@st.cache_resource(show_spinner=False, max_entries=4)
def _load_catalog(data_dir: str, fingerprint: tuple) -> cat.Catalog:
    # cache_resource: one shared, read-only Catalog for all sessions (GeoDataFrames are too
    # big to copy on every rerun as cache_data would). The fingerprint is part of the key, so
    # an edited data file is loaded again.
    return cat.load(data_dir)


@st.cache_resource(show_spinner=False, max_entries=4)
def _walking_network(data_dir: str, fingerprint: tuple) -> routing.WalkingNetwork:
    # Shared and read-only like the catalogue; plan_tour only reads it.
    return routing.WalkingNetwork.build(_load_catalog(data_dir, fingerprint))


def walking_network(catalog: cat.Catalog) -> routing.WalkingNetwork:
    return _walking_network(str(catalog.data_dir), _fingerprint(catalog.data_dir))


# --------------------------------------------------------------------------- cached maps
#
# st_folium renders the whole folium map (every GeoJson layer through Jinja) on every script
# run: with thousands of exhibits that is most of a rerun. The map is the same for everybody
# with the same data, language and base map, and the marker layer the same for the same
# filter and selection, so both are rendered once into strings (exactly as st_folium does,
# with its own helpers) and shared read-only between sessions; a rerun only sends them.


@dataclass(frozen=True)
class RenderedMap:
    script: str
    header: str
    html: str
    id: str
    bounds: dict
    zoom: float | None
    css_links: tuple[str, ...]
    js_links: tuple[str, ...]


def _links(fmap: folium.Map) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The CSS and JS files the map needs (as st_folium collects them)."""
    css: list[str] = []
    js: list[str] = []

    def walk(element):
        if isinstance(element, branca.colormap.ColorMap):
            js[:0] = ["https://d3js.org/d3.v4.min.js",
                      "https://cdnjs.cloudflare.com/ajax/libs/d3/3.5.5/d3.min.js"]
        css.extend(href for _, href in getattr(element, "default_css", []))
        js.extend(src for _, src in getattr(element, "default_js", []))
        for child in getattr(element, "_children", {}).values():
            walk(child)

    walk(fmap)
    return tuple(dict.fromkeys(css)), tuple(dict.fromkeys(js))


@st.cache_resource(show_spinner=False, max_entries=16)
def _rendered_map(cache_key: Hashable, _build: Callable[[], folium.Map]) -> RenderedMap:
    fmap = _build()
    fmap.get_root().render()
    fmap.render()
    html = streamlit_folium._get_html(fmap)
    header = streamlit_folium._get_header(fmap)
    script = streamlit_folium._get_map_string(fmap)
    (s, w), (n, e) = fmap.get_bounds()
    css, js = _links(fmap)
    return RenderedMap(script, header, html, streamlit_folium.get_full_id(fmap),
                       {"_southWest": {"lat": s, "lng": w}, "_northEast": {"lat": n, "lng": e}},
                       fmap.options.get("zoom"), css, js)


@st.cache_resource(show_spinner=False, max_entries=64)
def _rendered_layer(cache_key: Hashable, _build: Callable[[], folium.FeatureGroup]) -> str:
    # The layer's script with the map's name replaced by st_folium's "map_div": any map will do.
    return streamlit_folium._get_feature_group_string(_build(), map=folium.Map(tiles=None),
                                                      idx=0)


@st.cache_resource(show_spinner=False, max_entries=64)
def _component_key(script: str, key: str) -> str:
    return streamlit_folium.generate_js_hash(script, key, False)


def folium_map(map_key: Hashable, build_map: Callable[[], folium.Map],
               layer_key: Hashable, build_layer: Callable[[], folium.FeatureGroup], *,
               key: str, height: int, returned_objects: list[str]) -> dict:
    """st_folium(build_map(), feature_group_to_add=build_layer(), ...) with the map and the
    layer rendered once per key (`map_key` / `layer_key` must name everything they depend
    on: data fingerprint, language, base map, filter, selection). Returns st_folium's dict."""
    rendered = _rendered_map(map_key, build_map)
    layer = _rendered_layer(layer_key, build_layer)
    defaults = {"last_clicked": None, "last_object_clicked": None,
                "last_object_clicked_count": None, "last_object_clicked_tooltip": None,
                "last_object_clicked_popup": None, "bounds": rendered.bounds,
                "zoom": rendered.zoom}
    hash_key = _component_key(rendered.script, key)

    def on_change() -> None:
        st.session_state[key] = st.session_state.get(hash_key, {})

    return streamlit_folium._component_func(
        script=rendered.script, header=rendered.header, html=rendered.html, id=rendered.id,
        key=hash_key, height=height, width=None, returned_objects=returned_objects,
        default={k: v for k, v in defaults.items() if k in returned_objects},
        zoom=None, center=None, feature_group=layer, return_on_hover=False,
        layer_control=None, pixelated=False, css_links=list(rendered.css_links),
        js_links=list(rendered.js_links), on_change=on_change, wrap_longitude=False,
    )


def data_key(catalog: cat.Catalog) -> tuple:
    """What a cached map of this catalogue depends on: its folder and the files' fingerprint."""
    return (str(catalog.data_dir), _fingerprint(catalog.data_dir))


@st.cache_resource(show_spinner=False)
def _tour_store(url: str) -> store.TourStore:
    return store.TourStore(url)


# Errors of the tour database that mean "not now", not "bug": the page says so and goes on.
STORE_ERRORS: tuple[type[Exception], ...] = (store.StoreError, sqlalchemy.exc.SQLAlchemyError,
                                             OSError)


def tour_store() -> store.TourStore | None:
    """The database of saved tours (one engine per process), or None when it cannot be
    opened; the planner then works without saving."""
    try:
        return _tour_store(settings.get("LERNREISE_DATABASE_URL"))
    except STORE_ERRORS:
        return None


def load_catalog(lang: str) -> cat.Catalog:
    """The validated catalogue, or a readable error page and st.stop()."""
    try:  # the data folder, or a version published in the editor (LERNREISE_EXHIBITION)
        data_dir = serving.data_dir()
    except (serving.ServingError, store.StoreError) as exc:
        st.error(t("data_error.title", lang), icon=":material/error:")
        text(str(exc))
        st.stop()
        raise
    try:
        with st.spinner(t("loading", lang)):
            return _load_catalog(str(data_dir), _fingerprint(data_dir))
    except DataError as exc:
        st.error(t("data_error.title", lang), icon=":material/error:")
        text(t("data_error.intro", lang, folder=str(data_dir), count=len(exc.problems)))
        st.code("\n".join(str(p) for p in exc.problems), language=None, wrap_lines=True)
        st.stop()
        raise  # unreachable: st.stop() raises; keeps type checkers honest


# --------------------------------------------------------------------------- URL state

LANG = "app.lang"
CITY = "app.city"
BASEMAP = "app.basemap"
_BAD_PARAMS = "app.bad_params"
# session key -> URL parameter. Written to the URL on every run (page changes clear it).
URL_STATE = {LANG: "lang", CITY: "city", BASEMAP: "map"}


def _bad_param(name: str, value: object) -> None:
    st.session_state.setdefault(_BAD_PARAMS, []).append((name, str(value)[:200]))


def init_url_state() -> None:
    """On a session's first run: language, city and base map from the URL, else settings."""
    s = st.session_state
    if LANG not in s:
        raw = st.query_params.get("lang")
        lang = normalize_language(raw)
        if raw is not None and lang is None:
            _bad_param("lang", raw)
        configured = normalize_language(settings.get("LERNREISE_LANGUAGE"))
        s[LANG] = lang or configured or DEFAULT_LANGUAGE
    if BASEMAP not in s:
        raw = st.query_params.get("map")
        if raw is not None and raw not in maps.BASEMAPS:
            _bad_param("map", raw)
        s[BASEMAP] = raw if raw in maps.BASEMAPS else \
            maps.BASEMAPS[maps.basemap_index(settings.get("LERNREISE_BASEMAP"))]
    if CITY not in s:
        s[CITY] = st.query_params.get("city")  # checked against the catalogue by city()


def keep_url_state() -> None:
    """Write the URL state back to the address bar (after a page change it is empty)."""
    for key, param in URL_STATE.items():
        value = st.session_state.get(key)
        if value is None:
            if param in st.query_params:
                del st.query_params[param]
        elif st.query_params.get(param) != value:
            st.query_params[param] = value


def current_language() -> str:
    if LANG not in st.session_state:
        init_url_state()
    return st.session_state[LANG]


def _switch_language() -> None:
    st.session_state[LANG] = st.session_state["w.lang"]


def app_bar() -> str:
    """The language switch at the top of every page (one bilingual label, so it stays the same
    widget when the language changes). Returns the language."""
    init_url_state()
    lang = st.session_state[LANG]
    st.session_state["w.lang"] = lang
    st.radio("Sprache · Language", options=list(LANGUAGES), format_func=LANGUAGES.__getitem__,
             key="w.lang", horizontal=True, on_change=_switch_language,
             label_visibility="collapsed")
    lang = st.session_state[LANG]  # one of LANGUAGES: safe inside our script
    st.html(f"<script>(window.parent || window).document.documentElement.lang = '{lang}';"
            "</script>", unsafe_allow_javascript=True)
    return lang


def show_bad_params(lang: str) -> None:
    for name, value in st.session_state.pop(_BAD_PARAMS, []):
        notice("warning", t("bad_param", lang, name=name, value=untrusted(value)))


def city(catalog: cat.Catalog) -> cat.City | None:
    """The visiting city of this session: ?city= when the data knows it, else the default."""
    chosen = st.session_state.get(CITY)
    if chosen is not None and chosen not in catalog.cities:
        _bad_param("city", chosen)
        chosen = None
    found = catalog.cities.get(chosen) if chosen else catalog.default_city
    st.session_state[CITY] = found.id if found else None
    return found


def _switch_city() -> None:
    st.session_state[CITY] = st.session_state["w.city"]


def city_picker(catalog: cat.Catalog, lang: str) -> cat.City | None:
    """The visiting city whose notes and departments are shown; a choice only when the data
    has several. The choice is URL state (?city=)."""
    current = city(catalog)
    if len(catalog.cities) <= 1 or current is None:
        return current
    ids = list(catalog.cities)
    st.session_state["w.city"] = current.id
    st.selectbox(t("city", lang), ids, key="w.city", on_change=_switch_city,
                 format_func=lambda c: catalog.text(catalog.cities[c].name, lang))
    return catalog.cities[st.session_state[CITY]]


def city_departments(catalog: cat.Catalog, city_: cat.City | None) -> list[str]:
    """The departments that belong to the visiting city (all of them without a city)."""
    if city_ is None:
        return list(catalog.departments)
    return [d for d in city_.departments if d in catalog.departments]


def basemap() -> str:
    return st.session_state.get(BASEMAP) or maps.OFFLINE


def _switch_basemap() -> None:
    st.session_state[BASEMAP] = st.session_state["w.basemap"]


def basemap_picker(lang: str) -> str:
    st.session_state["w.basemap"] = basemap()
    st.radio(t("basemap", lang), maps.BASEMAPS, horizontal=True, key="w.basemap",
             on_change=_switch_basemap, format_func=lambda b: t(f"basemap.{b}", lang))
    return basemap()


def request_base_url() -> str:
    """Where links point: LERNREISE_BASE_URL, else the address this page was opened with."""
    try:
        request_url = st.context.url
    except Exception:
        request_url = None
    return links.base_url(request_url)


# --------------------------------------------------------------------------- page style


def lead_link(tour_id: str | None, lang: str) -> None:
    """"Lead this tour" for a saved tour (planner's share area, visitor page's settings)."""
    if tour_id:
        st.page_link(links.PAGE_FILES["lead"], label=t("lead.open", lang),
                     icon=":material/campaign:", query_params={"tour": tour_id},
                     help=t("lead.open_help", lang))


def page_style() -> None:
    """Every page's touch-first style (static/css/touch.css)."""
    styles.apply("touch")


# --------------------------------------------------------------------------- exhibit card


@dataclass(frozen=True)
class ExhibitCard:
    """Everything the detail panel shows, already in one language (plain text)."""

    id: str
    title: str
    summary: str
    description: str
    category: str
    category_color: str
    zone: str
    visit: str
    step_free: str
    hours: str | None
    shows: str | None
    on_show: str | None  # the dates of a dated exhibit
    location_approximate: bool
    topic: bool  # a background topic, not an exhibit of its own
    facts: list[str]
    departments: list[str]
    notes_heading: str
    notes: str | None
    no_notes: str
    sources: list[str]
    image: Path | None = None  # the exhibit's checked photo in the data folder
    image_alt: str = ""
    image_credit: str = ""  # its credit/licence line, shown under it


def exhibit_card(catalog: cat.Catalog, ex: cat.Exhibit, lang: str,
                 city_: cat.City | None) -> ExhibitCard:
    """The card's content: departments and notes are the visiting city's."""
    text_of = catalog.text
    hours = ex.opening_hours or catalog.exhibition.opening_hours
    city_name = text_of(city_.name, lang) if city_ else ""
    note = ex.city_notes.get(city_.id) if city_ else None
    mine = set(city_departments(catalog, city_))
    return ExhibitCard(
        id=ex.id,
        title=text_of(ex.name, lang),
        summary=text_of(ex.summary, lang),
        description=text_of(ex.description, lang),
        category=fmt.category_label(catalog, ex.category, lang),
        category_color=catalog.categories[ex.category].color,
        zone=text_of(catalog.zones[ex.zone].name, lang),
        visit=fmt.minutes(ex.visit_minutes, lang),
        step_free=t("detail.yes" if ex.step_free else "detail.no", lang),
        hours=f"{fmt.clock(hours.open)}–{fmt.clock(hours.close)}" if hours else None,
        shows=", ".join(fmt.clock(s) for s in ex.show_times) or None,
        on_show=(f"{fmt.short_date(ex.on_show.first, lang)}–"
                 f"{fmt.short_date(ex.on_show.last, lang)}" if ex.on_show else None),
        location_approximate=ex.location_approximate,
        topic=ex.kind == "topic",
        facts=[text_of(f, lang) for f in ex.facts],
        departments=[text_of(catalog.departments[d].name, lang) for d in ex.departments
                     if d in catalog.departments and d in mine],
        notes_heading=t("detail.notes", lang, city=city_name),
        notes=text_of(note, lang) if note else None,
        no_notes=t("detail.no_notes", lang, city=city_name),
        sources=list(ex.sources),
        image=validate.image_file(catalog.data_dir, ex.image) if ex.image else None,
        image_alt=text_of(ex.image_alt, lang) if ex.image_alt else text_of(ex.name, lang),
        image_credit=ex.image_credit or "",
    )


def show_exhibit_card(card: ExhibitCard, lang: str) -> None:
    """The detail panel. All data text is escaped: it is shown, never parsed."""
    heading(card.title, 2)
    text(card.summary, bold=True)
    if card.image is not None:  # served by this app, never hot-linked
        st.image(str(card.image), alt=card.image_alt, width="stretch")
        if card.image_credit:
            caption(card.image_credit)
    meta = [
        f"{t('detail.category', lang)}: {card.category}",
        f"{t('detail.zone', lang)}: {card.zone}",
        f"{t('detail.visit', lang)}: {card.visit}",
        f"{t('detail.step_free', lang)}: {card.step_free}",
    ]
    if card.hours:
        meta.append(f"{t('detail.hours', lang)}: {card.hours}")
    if card.shows:
        meta.append(f"{t('detail.shows', lang)}: {card.shows}")
    if card.on_show:
        meta.append(f"{t('detail.on_show', lang)}: {card.on_show}")
    text(" · ".join(meta))  # full-contrast text, not a grey caption (WCAG AA)
    if card.topic:
        text(t("detail.kind_topic", lang), italic=True)
    if card.location_approximate:
        text(t("detail.location_approximate", lang), italic=True)
    text(card.description)
    if card.facts:
        text(t("detail.facts", lang), bold=True)
        bullets(card.facts)
    if card.departments:
        labelled(t("detail.departments", lang), ", ".join(card.departments))
    with st.container(border=True):
        text(card.notes_heading, bold=True)
        text(card.notes) if card.notes else text(card.no_notes, italic=True)
    text(t("detail.sources", lang), bold=True)
    st.markdown("\n".join(f"- {link_markdown(u)}" for u in card.sources))


def scroll_to(key: str) -> None:
    """On a narrow screen, bring the container with this key into view (after a map tap the
    detail is below the map). Our own fixed script; nothing from data goes into it."""
    st.html(
        "<script>(function(){var d=window.parent&&window.parent.document||document;"
        "if((window.parent||window).innerWidth>900)return;"
        f"var el=d.querySelector('.st-key-{key}');"
        "if(el){el.scrollIntoView({behavior:'instant',block:'start'});}})();</script>",
        unsafe_allow_javascript=True)

