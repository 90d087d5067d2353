"""Streamlit glue shared by the pages: cached loading, language, URL parameters, cards.

The domain stays in the other modules (testable without Streamlit); this module only turns
it into widgets, and is the one place where caching and session state are decided.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from dashboard import catalog as cat
from dashboard import routing, settings, store
from dashboard.errors import DataError
from dashboard.i18n import DEFAULT_LANGUAGE, LANGUAGES, normalize_language, t

LANG_KEY = "ui_lang"  # plain state, not a widget key: widget keys vanish with their widget
URL_LANG = "lang"

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=])")


def md_escape(text: str) -> str:
    """Text that st.markdown shows literally: no markup, no HTML, no LaTeX, no directives."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


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


@st.cache_resource(show_spinner=False)
def _tour_store(url: str) -> store.TourStore:
    return store.TourStore(url)


def tour_store() -> store.TourStore:
    """The database of saved tours: one engine per process (its pool is thread-safe)."""
    return _tour_store(settings.get("LERNREISE_DATABASE_URL"))


def load_catalog(lang: str) -> cat.Catalog:
    """The validated catalogue, or a readable error page and st.stop()."""
    data_dir = settings.data_dir()
    try:
        with st.spinner(t("loading", lang)):
            return _load_catalog(str(data_dir), _fingerprint(data_dir))
    except DataError as exc:
        st.error(t("data_error.title", lang), icon=":material/error:")
        st.markdown(md_escape(t("data_error.intro", lang, folder=str(data_dir),
                                 count=len(exc.problems))))
        st.code("\n".join(str(p) for p in exc.problems), language=None, wrap_lines=True)
        st.stop()
        raise  # unreachable: st.stop() raises; keeps type checkers honest


# --------------------------------------------------------------------------- language


def init_language() -> str:
    """The UI language: chosen in this session, else ?lang= in the URL, else the setting."""
    if LANG_KEY not in st.session_state:
        from_url = st.query_params.get(URL_LANG)
        lang = normalize_language(from_url)
        if from_url is not None and lang is None:
            st.session_state["_bad_lang"] = from_url
        configured = normalize_language(settings.get("LERNREISE_LANGUAGE"))
        st.session_state[LANG_KEY] = lang or configured or DEFAULT_LANGUAGE
    return st.session_state[LANG_KEY]


def current_language() -> str:
    return st.session_state.get(LANG_KEY) or init_language()


def language_switcher() -> str:
    """The sidebar switch; the choice is kept in the session and in the URL (?lang=)."""
    lang = init_language()
    # One bilingual label, so the widget stays the same widget when the language changes.
    choice = st.sidebar.radio(
        "Sprache · Language", options=list(LANGUAGES), format_func=LANGUAGES.__getitem__,
        index=list(LANGUAGES).index(lang), key="lang_switch", horizontal=True,
    )
    if choice != lang:
        lang = st.session_state[LANG_KEY] = choice
    st.query_params[URL_LANG] = lang
    if bad := st.session_state.pop("_bad_lang", None):
        st.warning(t("bad_param", lang, name=URL_LANG, value=repr(str(bad)[:40])))
    return lang


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
    facts: list[str]
    departments: list[str]
    notes_heading: str
    notes: str | None
    no_notes: str
    sources: list[str]


def exhibit_card(catalog: cat.Catalog, ex: cat.Exhibit, lang: str,
                 city: cat.City | None) -> ExhibitCard:
    text = catalog.text
    hours = ex.opening_hours or catalog.exhibition.opening_hours
    city_name = text(city.name, lang) if city else ""
    note = ex.city_notes.get(city.id) if city else None
    return ExhibitCard(
        id=ex.id,
        title=text(ex.name, lang),
        summary=text(ex.summary, lang),
        description=text(ex.description, lang),
        category=text(catalog.categories[ex.category].name, lang),
        category_color=catalog.categories[ex.category].color,
        zone=text(catalog.zones[ex.zone].name, lang),
        visit=t("detail.minutes", lang, n=ex.visit_minutes),
        step_free=t("detail.yes" if ex.step_free else "detail.no", lang),
        hours=f"{hours.open:%H:%M}–{hours.close:%H:%M}" if hours else None,
        shows=", ".join(f"{s:%H:%M}" for s in ex.show_times) or None,
        facts=[text(f, lang) for f in ex.facts],
        departments=[text(catalog.departments[d].name, lang) for d in ex.departments
                     if d in catalog.departments],
        notes_heading=t("detail.notes", lang, city=city_name),
        notes=text(note, lang) if note else None,
        no_notes=t("detail.no_notes", lang, city=city_name),
        sources=list(ex.sources),
    )


def _link(url: str) -> str:
    label = re.sub(r"^https?://(www\.)?", "", url)
    label = label if len(label) <= 60 else label[:57] + "…"
    safe_url = url.replace("(", "%28").replace(")", "%29")
    return f"[{md_escape(label)}]({safe_url})"


def show_exhibit_card(card: ExhibitCard, lang: str) -> None:
    """The detail panel. All data text goes through md_escape: it is shown, never parsed."""
    st.subheader(md_escape(card.title), anchor=False)
    st.markdown(f"**{md_escape(card.summary)}**")
    meta = [
        f"{t('detail.category', lang)}: {md_escape(card.category)}",
        f"{t('detail.zone', lang)}: {md_escape(card.zone)}",
        f"{t('detail.visit', lang)}: {md_escape(card.visit)}",
        f"{t('detail.step_free', lang)}: {md_escape(card.step_free)}",
    ]
    if card.hours:
        meta.append(f"{t('detail.hours', lang)}: {md_escape(card.hours)}")
    if card.shows:
        meta.append(f"{t('detail.shows', lang)}: {md_escape(card.shows)}")
    st.caption(" · ".join(meta))
    st.markdown(md_escape(card.description))
    if card.facts:
        st.markdown(f"**{t('detail.facts', lang)}**")
        st.markdown("\n".join(f"- {md_escape(f)}" for f in card.facts))
    if card.departments:
        st.markdown(f"**{t('detail.departments', lang)}:** "
                    + ", ".join(md_escape(d) for d in card.departments))
    with st.container(border=True):
        st.markdown(f"**{md_escape(card.notes_heading)}**")
        st.markdown(md_escape(card.notes) if card.notes else f"_{md_escape(card.no_notes)}_")
    st.markdown(f"**{t('detail.sources', lang)}**")
    st.markdown("\n".join(f"- {_link(u)}" for u in card.sources))


# --------------------------------------------------------------------------- map page state

PICK_KEY = "exhibit_pick"
FILTER_KEYS = ("f_category", "f_zone", "f_department", "f_step_free", "f_query")
_BAD_EXHIBIT = "_bad_exhibit"
_LAST_CLICK = "_last_map_click"


def init_selection(catalog: cat.Catalog) -> None:
    """On a session's first run, take ?exhibit=<id> from the URL into the selection."""
    if PICK_KEY in st.session_state:
        return
    raw = st.query_params.get("exhibit")
    st.session_state[PICK_KEY] = raw if raw in catalog.exhibits else None
    if raw is not None and raw not in catalog.exhibits:
        st.session_state[_BAD_EXHIBIT] = raw


def warn_unknown_exhibit(lang: str) -> None:
    bad = st.session_state.get(_BAD_EXHIBIT)
    if bad is not None and st.session_state.get(PICK_KEY) is None:
        st.warning(t("unknown_exhibit", lang, id=str(bad)[:80]), icon=":material/search_off:")


def newly_clicked_exhibit(catalog: cat.Catalog, result: dict | None,
                          memory_key: str) -> cat.Exhibit | None:
    """The exhibit of a new marker click on an st_folium map, else None.

    st_folium keeps returning the last click on every rerun; memory_key remembers which click
    was handled already, so a later rerun does not undo what the user chose since.
    """
    clicked = (result or {}).get("last_object_clicked")
    if not clicked or clicked == st.session_state.get(memory_key):
        return None
    st.session_state[memory_key] = clicked
    return cat.exhibit_at(catalog, clicked["lat"], clicked["lng"])


def apply_map_click(catalog: cat.Catalog, result: dict | None) -> None:
    """Select the exhibit whose marker was clicked; rerun so the highlight follows at once."""
    ex = newly_clicked_exhibit(catalog, result, _LAST_CLICK)
    if ex is not None and ex.id != st.session_state.get(PICK_KEY):
        st.session_state[PICK_KEY] = ex.id
        st.rerun()


def publish_selection() -> str | None:
    """Write the selection to the URL (?exhibit=<id>) so the page can be linked."""
    pick = st.session_state.get(PICK_KEY)
    if pick:
        st.session_state.pop(_BAD_EXHIBIT, None)
        st.query_params["exhibit"] = pick
    elif "exhibit" in st.query_params and st.session_state.get(_BAD_EXHIBIT) is None:
        del st.query_params["exhibit"]
    return pick


def reset_filters() -> None:
    for key in FILTER_KEYS:
        st.session_state.pop(key, None)


def filter_widgets(catalog: cat.Catalog, lang: str) -> cat.ExhibitFilter:
    """The sidebar filters; returns what they select."""
    side = st.sidebar
    side.header(t("filters", lang))
    query = side.text_input(t("filter.search", lang), key="f_query",
                            placeholder=t("filter.search_hint", lang))
    cats = side.multiselect(
        t("filter.category", lang), list(catalog.categories), key="f_category",
        format_func=lambda c: f"{catalog.categories[c].icon} "
        f"{catalog.text(catalog.categories[c].name, lang)}",
        placeholder=t("filter.all", lang),
    )
    zones = side.multiselect(
        t("filter.zone", lang), list(catalog.zones), key="f_zone",
        format_func=lambda z: catalog.text(catalog.zones[z].name, lang),
        placeholder=t("filter.all", lang),
    )
    deps = side.multiselect(
        t("filter.department", lang), list(catalog.departments), key="f_department",
        format_func=lambda d: catalog.text(catalog.departments[d].name, lang),
        placeholder=t("filter.all", lang),
    )
    step_free = side.toggle(t("filter.step_free", lang), key="f_step_free")
    side.button(t("filter.reset", lang), on_click=reset_filters, key="f_reset")
    return cat.ExhibitFilter(tuple(cats), tuple(zones), tuple(deps), step_free, query)


def city_picker(catalog: cat.Catalog, lang: str) -> cat.City | None:
    """The visiting city whose notes are shown; a choice only when the data has several."""
    if len(catalog.cities) <= 1:
        return catalog.default_city
    ids = list(catalog.cities)
    default = catalog.default_city.id if catalog.default_city else ids[0]
    chosen = st.sidebar.selectbox(
        t("city", lang), ids, index=ids.index(default), key="city",
        format_func=lambda c: catalog.text(catalog.cities[c].name, lang))
    return catalog.cities[chosen]


def pick_options(shown: list[cat.Exhibit]) -> list[str | None]:
    """Choices of the exhibit list: none, the shown exhibits, and the selection if hidden."""
    options: list[str | None] = [None, *(ex.id for ex in shown)]
    pick = st.session_state.get(PICK_KEY)
    if pick and pick not in options:
        options.append(pick)
    return options
