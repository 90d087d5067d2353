"""The visitor page (tablet mode): its typed state and its widget groups.

VisitorState owns the page's session keys (all under "visitor.") and its URL state: ?tour=,
?stop= (1-based), ?size= (normal / large) and ?seen= (the stops marked visited, 1-based). The
visited marks live in the URL, so a reload of that tablet keeps them (and they belong to that
tour: another tour starts with none).
"""

from __future__ import annotations

import base64
import functools
import html
import threading
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import streamlit as st

from dashboard import catalog as cat
from dashboard import export, maps, routing, settings, store, visitor
from dashboard import presentation as fmt
from dashboard.errors import untrusted
from dashboard.i18n import t
from dashboard.ui import capture, common, device, follow_guide, messages, styles, visitor_live

V = "visitor."
_MESSAGES = V + "messages"
_PLAN = V + "plan"  # (tour id, SavedTour, TourPlan) of the open tour
SIZES = ("normal", "large")
MAP_HEIGHT = 380


@dataclass
class VisitorState:
    """The page's state: load() at the top, save() after changes (also writes the URL)."""

    tour_id: str | None = None
    stop: int = 0  # 0-based
    size: str = "normal"
    seen: set[str] = field(default_factory=set)
    seen_raw: str | None = None  # ?seen= as given, read once the tour's stops are known
    stored_for: str | None = None  # the tour whose visited marks were read from the browser

    @classmethod
    def from_url(cls) -> VisitorState:
        q = st.query_params
        size = q.get("size")
        if size is not None and size not in SIZES:
            common._bad_param("size", size)
        raw_stop = q.get("stop")
        return cls(tour_id=q.get("tour"), stop=-1 if raw_stop is None else _raw_index(raw_stop),
                   size=size if size in SIZES else "normal", seen_raw=q.get("seen"))

    @classmethod
    def load(cls) -> VisitorState:
        """The session's state; the URL's on the first run or when the URL names another tour
        (a new QR code scanned into the same tab)."""
        s = st.session_state
        url_tour = st.query_params.get("tour")
        if V + "state" not in s or (url_tour is not None and url_tour != s[V + "state"].tour_id):
            s[V + "state"] = cls.from_url()
        return s[V + "state"]

    def save(self) -> None:
        st.session_state[V + "state"] = self


def _raw_index(raw: str) -> int:
    """-2 marks a ?stop= that is not a number (checked against the tour once it is open)."""
    ok = raw.isdigit() and len(raw) <= visitor.MAX_STOP_PARAM and int(raw) >= 1
    return int(raw) - 1 if ok else -2


def write_url(state: VisitorState, ids: list[str]) -> None:
    values = {"tour": state.tour_id,
              "stop": str(state.stop + 1) if state.tour_id and ids else None,
              "size": state.size if state.size != "normal" else None,
              "seen": visitor.format_visited(state.seen, ids) if state.tour_id else None}
    for param, value in values.items():
        if value is None:
            if param in st.query_params:
                del st.query_params[param]
        elif st.query_params.get(param) != value:
            st.query_params[param] = value


# --------------------------------------------------------------------------- messages


def say(level: str, message: str) -> None:
    messages.say(_MESSAGES, level, message)


def show_messages() -> None:
    messages.show(_MESSAGES)


# --------------------------------------------------------------------------- kiosk style


def kiosk_style(size: str) -> None:
    """No Streamlit chrome, big touch targets, the visitor's text size (static/css/kiosk.css;
    "Larger text" adds kiosk-large.css, which scales the whole page)."""
    styles.apply("kiosk", *(["kiosk-large"] if size == "large" else []))


# --------------------------------------------------------------------------- opening a tour


def _plan_for(catalog: cat.Catalog, network: routing.WalkingNetwork,
              saved: store.SavedTour) -> routing.TourPlan:
    cached = st.session_state.get(_PLAN)
    if cached and cached[0] == saved.id:
        return cached[2]
    request = routing.TourRequest.from_dict(saved.spec)
    plan = routing.plan_tour(catalog, request, network)
    st.session_state[_PLAN] = (saved.id, saved, plan)
    return plan


def open_tour(catalog: cat.Catalog, network: routing.WalkingNetwork,
              tours: store.TourStore | None, state: VisitorState, lang: str
              ) -> tuple[store.SavedTour, routing.TourPlan] | None:
    """The saved tour of ?tour= and its plan, or None after a friendly message (the page then
    shows the start screen)."""
    tour_id = state.tour_id
    if tour_id is None:
        return None
    cached = st.session_state.get(_PLAN)
    if cached and cached[0] == tour_id:
        return cached[1], cached[2]
    shown_id = untrusted(tour_id)
    try:
        if tours is None:
            raise store.StoreError("no database")
        saved = tours.load_tour(tour_id) if store.is_valid_tour_id(tour_id) else None
        if saved is not None:
            store.check_exhibition(saved, catalog)
            plan = _plan_for(catalog, network, saved)
    except store.WrongExhibition as exc:
        return _close(state, t("visitor.wrong_exhibition", lang, id=exc.tour_id,
                               exhibition=untrusted(exc.tour_exhibition)))
    except store.CorruptTour:
        return _close(state, t("visitor.corrupt_tour", lang, id=shown_id))
    except routing.TourError:
        return _close(state, t("visitor.empty_tour", lang))
    except common.STORE_ERRORS:
        return _close(state, t("visitor.store_down", lang), level="error")
    if saved is None:
        return _close(state, t("visitor.bad_tour", lang, id=shown_id))
    if not plan.stops:
        return _close(state, t("visitor.empty_tour", lang))
    ids = plan.stop_ids
    if state.stop == -2 or state.stop >= len(ids):
        common._bad_param("stop", st.query_params.get("stop"))
        state.stop = 0
    state.stop = visitor.clamp(state.stop, len(ids))
    if state.seen_raw is not None:
        state.seen = visitor.parse_visited(state.seen_raw, ids)
        state.seen_raw = None
    state.save()
    return saved, plan


def _close(state: VisitorState, message: str, level: str = "warning") -> None:
    common.notice(level, message)
    state.tour_id, state.stop, state.seen, state.seen_raw = None, 0, set(), None
    state.save()
    return None


def _pick(tour_id: str) -> None:
    st.session_state[V + "state"] = VisitorState(tour_id=tour_id,
                                                 size=st.session_state[V + "state"].size)


def _pick_code() -> None:
    code = st.session_state.get("w.visitor-code", "").strip().lower()
    if code:
        _pick(code)


def start_screen(catalog: cat.Catalog, tours: store.TourStore | None, lang: str) -> None:
    """Saved tours of this exhibition by title (newest first) and a field for a code."""
    with st.container(key="visitor-start"):
        common.heading(t("visitor.pick", lang), 2)
        try:
            saved = tours.list_tours(limit=30, exhibition_id=catalog.exhibition.id) \
                if tours is not None else []
        except common.STORE_ERRORS:
            common.notice("error", t("visitor.store_down", lang))
            saved = []
        if not saved:
            common.text(t("visitor.none_saved", lang), italic=True)
        for tour in saved:
            label = f"{tour.title} · {fmt.short_date(tour.created_at.date(), lang)}"
            st.button(label, key=f"{V}pick-{tour.id}", on_click=_pick, args=(tour.id,),
                      icon=":material/tour:", width="stretch",
                      help=t("visitor.open_named", lang, title=tour.title))
        with st.form("visitor-code-form", border=False):
            st.text_input(t("visitor.code", lang), key="w.visitor-code", max_chars=16)
            st.form_submit_button(t("visitor.open", lang), on_click=_pick_code,
                                  icon=":material/qr_code_scanner:")


# --------------------------------------------------------------------------- the tour


def _toggle_seen(stop_id: str) -> None:
    state = st.session_state[V + "state"]
    if st.session_state.get("w.visited"):
        state.seen.add(stop_id)
    else:
        state.seen.discard(stop_id)


def _set_size() -> None:
    st.session_state[V + "state"].size = st.session_state["w.size"]


def _leave() -> None:
    st.session_state[V + "state"] = VisitorState(size=st.session_state[V + "state"].size)
    st.session_state.pop(_PLAN, None)


@st.fragment
def stop_view(catalog: cat.Catalog, plan: routing.TourPlan, stops: list[visitor.VisitorStop],
              lang: str) -> None:
    """Everything that changes with the stop: progress, Previous/Next, the stop card, the map,
    the sources, the visited marks kept in the browser, the idle timer and the URL.

    A fragment: a tap on Previous/Next, a visited mark or "Go to stop N" reruns only this, not
    the page around it (title, follow panel, settings, the app's navigation). When a group's
    tablets all tap at once, each tap costs the server that much less (bench_sessions)."""
    state = VisitorState.load()  # its stop is clamped by open_tour and every step's callback
    prog = progress_bar(plan, catalog, state, lang)
    nav_buttons(len(stops), state, lang)
    card_col, map_col = st.container(key="maprow").columns([1, 1], gap="medium")
    with card_col:
        stop_card(stops[state.stop], state, lang)
        visitor_live.live_tools(catalog, stops, state, _go_to, lang)
        next_leg(prog, lang)
        capture.capture_area(catalog, common.tour_store(), state.tour_id, stops[state.stop].id,
                             [(s.id, s.name) for s in stops], lang)  # issue 22
    with map_col:
        where_am_i(catalog, plan, stops, state, lang)
        tour_map(catalog, plan, state, lang)
        sources(stops[state.stop], lang)
    keep_visited(plan, state)
    if not follow_guide.follows_guide():
        idle_return(state, lang)
    write_url(state, plan.stop_ids)


def progress_bar(plan: routing.TourPlan, catalog: cat.Catalog, state: VisitorState,
                 lang: str) -> visitor.Progress:
    prog = visitor.progress(plan, state.stop, catalog, lang)
    parts = [t("visitor.progress", lang, n=prog.number, total=prog.total),
             t("visitor.time_left", lang, time=fmt.minutes(prog.minutes_left, lang)),
             t("visitor.visited_count", lang, n=len(state.seen), total=prog.total)]
    if prog.next_leg is not None:  # named, and kept on one line with its figure (phone)
        parts.append(t("visitor.next_walk", lang,
                       distance=fmt.km(prog.next_leg.distance_m, lang)).replace(" ", "\u00a0"))
    common.text(" · ".join(parts), bold=True)
    st.progress(prog.number / prog.total)
    return prog


def nav_buttons(count: int, state: VisitorState, lang: str) -> None:
    """Previous / Next; each goes to a stop number, never "one more" (common.step_key)."""
    here = state.stop
    with st.container(key="visitor-nav"):
        prev_col, next_col = st.columns(2)
        with prev_col.container(key="visitor-prev"):
            st.button(t("visitor.previous", lang), key=common.step_key(V + "prev", here),
                      icon=":material/arrow_back:", on_click=_go_to, args=(here - 1, count),
                      disabled=here <= 0, width="stretch")
        with next_col.container(key="visitor-next"):
            st.button(t("visitor.next", lang), key=common.step_key(V + "next", here),
                      icon=":material/arrow_forward:", on_click=_go_to, args=(here + 1, count),
                      disabled=here >= count - 1, width="stretch", type="primary")


def stop_card(stop: visitor.VisitorStop, state: VisitorState, lang: str) -> None:
    """The current stop, large. Data text only through the escaping helpers; the pictogram is
    our own SVG file and the colour is a validated #rrggbb from the data."""
    with st.container(key="visitor-card", border=True):
        icon_col, label_col = st.container(key="visitor-picto").columns(
            [1, 6], vertical_alignment="center", gap="small")
        icon_col.image(visitor.pictogram_svg(stop.category, stop.category_color), width=56,
                       alt=stop.category_label or stop.name)
        with label_col:
            common.text(stop.category_label, bold=True)
        common.heading(f"{stop.number}. {stop.name}", 2)
        stop_image(stop)
        if stop.summary:
            common.text(stop.summary, bold=True)
        common.text(t("visitor.planned", lang, minutes=fmt.minutes(stop.minutes, lang),
                      clock=stop.begin))
        common.text(t("visitor.step_free_yes" if stop.step_free else "visitor.step_free_no",
                      lang))
        if stop.shows:
            common.text(t("visitor.shows", lang, times=", ".join(stop.shows)))
        if stop.topic:
            common.text(t("detail.kind_topic", lang), italic=True)
        if stop.location_approximate:
            common.text(t("detail.location_approximate", lang), italic=True)
        if stop.facts:
            common.text(t("detail.facts", lang), bold=True)
            common.bullets(list(stop.facts))
        st.session_state["w.visited"] = stop.id in state.seen
        st.checkbox(t("visitor.visited", lang), key="w.visited", on_change=_toggle_seen,
                    args=(stop.id,))


def next_leg(prog: visitor.Progress, lang: str) -> None:
    with st.container(key="visitor-leg"):
        leg = prog.next_leg
        if leg is None:
            common.text(t("visitor.last_stop", lang), bold=True)
            return
        key = "visitor.next_leg_end" if leg.to_end else "visitor.next_leg"
        common.text(t(key, lang, distance=fmt.km(leg.distance_m, lang),
                      minutes=fmt.minutes(leg.minutes, lang),
                      direction=visitor.direction_words(leg.direction, lang), name=leg.to_name),
                    bold=True)


def tour_map(catalog: cat.Catalog, plan: routing.TourPlan, state: VisitorState,
             lang: str) -> None:
    """The route, the walked part and the current stop on the offline base map (default)."""
    # Rendered once per tour, language and base map (the layer once per stop) and shared by
    # every tablet: rebuilding the map on each tap was half of a tap's server time.
    basemap = common.basemap()
    route = (tuple(plan.stop_ids), hash(tuple(map(tuple, plan.route_coords()))))
    you = located_position(state)
    common.folium_map(
        ("visitor-map", common.data_key(catalog), lang, basemap, route),
        lambda: maps.visitor_map(catalog, plan, lang, basemap),
        ("visitor-layer", common.data_key(catalog), lang, route, state.stop, you),
        lambda: maps.visitor_layer(catalog, plan, state.stop,
                                   visitor.walked_coords(plan, state.stop), lang, you),
        key=f"visitor-map-{lang}-{basemap}", returned_objects=[], height=MAP_HEIGHT)
    common.caption(t("visitor.map_caption", lang))


def located_position(state: VisitorState) -> tuple[float, float] | None:
    """Where "Where am I?" found this tablet (lat, lon), while it is still about this tour and
    the stop shown then; else None."""
    kept = st.session_state.get(_LOCATED)
    if not kept or kept[0] != state.tour_id or isinstance(kept[2], str):
        return None
    _, taken_at, found = kept
    if state.stop not in (taken_at, found.index) or found.lat is None or found.lon is None:
        return None
    return (found.lat, found.lon)


def sources(stop: visitor.VisitorStop, lang: str) -> None:
    """The stop's sources: QR codes on a tablet (scanned with a phone, so nothing on the
    tablet leaves the app), links to tap on a phone (the stylesheet shows one or the other by
    the screen's width)."""
    if not stop.sources:
        return
    st.html(sources_html(tuple(stop.sources), lang))


@functools.lru_cache(maxsize=256)
def sources_html(urls: tuple[str, ...], lang: str) -> str:
    """The QR codes of `urls` as one block of HTML, each PNG inline (data: URI) with its alt
    text and the site's host as caption, all escaped. One element and no image requests: as
    st.image each code was a media file per session and a request per tablet on every tap
    (a stop with seven sources made a group's tap round half as slow again)."""
    figures, items = [], []
    for url in urls:
        data = base64.b64encode(export.qr_png(url, scale=4)).decode("ascii")
        alt = html.escape(t("visitor.source_qr_alt", lang, url=url), quote=True)
        figures.append(f'<figure><img src="data:image/png;base64,{data}" alt="{alt}" '
                       f'width="140" height="140"><figcaption>{html.escape(_host(url))}'
                       "</figcaption></figure>")
        items.append(f'<li><a href="{html.escape(url, quote=True)}" target="_blank" '
                     f'rel="noopener noreferrer">{html.escape(_link_label(url))}</a></li>')
    return (f'<p class="lr-sources-title lr-on-tablet"><strong>'
            f'{html.escape(t("visitor.sources", lang))}</strong></p>'
            f'<p class="lr-sources-title lr-on-phone"><strong>'
            f'{html.escape(t("visitor.sources_links", lang))}</strong></p>'
            f'<div class="lr-sources">{"".join(figures)}</div>'
            f'<ul class="lr-source-links">{"".join(items)}</ul>')


_PREPARED: set[tuple] = set()  # (every stop's sources, language) already being encoded
_PREPARED_LOCK = threading.Lock()


def prepare_sources(stops: list[visitor.VisitorStop], lang: str) -> threading.Thread | None:
    """Encode the source QR codes of all the tour's stops in the background, once per tour and
    language in this process (the thread, or None when already done). A group reaches each
    stop at the same moment; without this the first visit of a stop with seven sources made
    that round of taps half as slow again."""
    todo = tuple(stop.sources for stop in stops if stop.sources)
    with _PREPARED_LOCK:
        if not todo or (todo, lang) in _PREPARED:
            return None
        if len(_PREPARED) > 4096:  # a long-running server: forget (the codes stay cached)
            _PREPARED.clear()
        _PREPARED.add((todo, lang))
    worker = threading.Thread(target=lambda: [sources_html(urls, lang) for urls in todo],
                              name="lernreise-prepare-sources", daemon=True)
    worker.start()
    return worker


def _link_label(url: str) -> str:
    """The address without its scheme, shortened: two sources of one site stay apart."""
    label = url.split("://", 1)[-1].removeprefix("www.")
    return label if len(label) <= 48 else label[:45] + "…"


def _host(url: str) -> str:
    return urlsplit(url).netloc or url[:40]


def settings_bar(tours: store.TourStore | None, tour_id: str, count: int, state: VisitorState,
                 lang: str) -> None:
    """The visitor's settings at the top, under the language switch: text size and, while a
    guide leads the tour, "Follow the guide" (follow_guide.follow_panel)."""
    with st.container(key="visitor-settings"):
        size_col, follow_col = st.columns([1, 2], vertical_alignment="center")
        with size_col:
            st.session_state["w.size"] = state.size
            st.radio(t("visitor.size", lang), SIZES, key="w.size", on_change=_set_size,
                     horizontal=True, format_func=lambda s: t(f"visitor.size.{s}", lang))
        with follow_col:
            follow_guide.follow_panel(tours, tour_id, count, lang, VisitorState.load)


def tour_actions(catalog: cat.Catalog, plan: routing.TourPlan, saved: store.SavedTour,
                 state: VisitorState, lang: str) -> None:
    """Below the tour: the offline file (at the stop shown, with the visited marks), another
    tour, and "Lead this tour"."""
    dl_col, leave_col, lead_col = st.columns(3)
    name = export.slugify(saved.title) or "tour"
    ids = plan.stop_ids
    seen = tuple(i for i in ids if i in state.seen)
    dl_col.download_button(t("visitor.offline", lang), key=V + "offline",
                           data=lambda: export.to_offline_html(
                               plan, catalog, lang, saved.title, start=state.stop,
                               visited=seen, size=state.size),
                           file_name=f"{name}.html", mime="text/html", on_click="ignore",
                           icon=":material/download:", help=t("visitor.offline_help", lang))
    leave_col.button(t("visitor.other_tour", lang), key=V + "leave", on_click=_leave,
                     icon=":material/list:")
    with lead_col, st.container(key="visitor-lead-link"):
        common.lead_link(saved.id, lang)


# --------------------------------------------------------------------------- visitor extras
# Where am I, visited marks kept in the browser, idle return (dashboard.ui.device).

_LOCATED = V + "located"  # (tour id, stop shown when located, Located or an error code)
ROUGH_M = 100.0  # a location less precise than this gets a note


def _located(catalog: cat.Catalog, plan: routing.TourPlan, payload: object) -> None:
    state = st.session_state[V + "state"]
    read = visitor.read_location(payload)
    found = read if isinstance(read, str) else visitor.locate(plan, catalog, *read)
    st.session_state[_LOCATED] = (state.tour_id, state.stop, found or "unavailable")


def _go_to(index: int, count: int) -> None:
    state = st.session_state[V + "state"]
    state.stop = visitor.clamp(index, count)


def where_am_i(catalog: cat.Catalog, plan: routing.TourPlan, stops: list[visitor.VisitorStop],
               state: VisitorState, lang: str) -> None:
    """"Where am I?": the browser's location (asked for only on a tap) snapped to the nearest
    stop, how far it is, and a button to go there; a plain message when there is none."""
    with st.container(key="visitor-where"):
        device.locate_button(V + "locate", t("visitor.where", lang),
                             t("visitor.where_busy", lang),
                             lambda payload: _located(catalog, plan, payload))
        kept = st.session_state.get(_LOCATED)
        if not kept or kept[0] != state.tour_id:
            return
        _, taken_at, found = kept
        if isinstance(found, str):
            common.notice("warning", t(f"visitor.where.{found}", lang),
                          icon=":material/location_off:")
            return
        if state.stop not in (taken_at, found.index) or found.index >= len(stops):
            return  # the visitor has moved on: an old location says nothing
        stop = stops[found.index]
        values = {"n": stop.number, "name": stop.name,
                  "distance": visitor.distance_words(found.distance_m, lang)}
        if not found.on_site:
            common.notice("warning", t("visitor.where.outside", lang, **values),
                          icon=":material/wrong_location:")
        elif found.index == state.stop:
            common.notice("success", t("visitor.where.here", lang, **values),
                          icon=":material/my_location:")
        else:
            common.notice("info", t("visitor.where.nearest", lang, **values),
                          icon=":material/near_me:")
            st.button(t("visitor.where.go", lang, n=stop.number), key=V + "goto",
                      on_click=_go_to, args=(found.index, len(stops)),
                      icon=":material/arrow_forward:", width="stretch")
        if found.accuracy_m is not None and found.accuracy_m > ROUGH_M:
            common.caption(t("visitor.where.rough", lang,
                             accuracy=visitor.distance_words(found.accuracy_m, lang)))


def _restored(ids: list[str], payload: object) -> None:
    state = st.session_state[V + "state"]
    state.seen |= visitor.stored_visited(payload, ids)
    state.stored_for = state.tour_id


def keep_visited(plan: routing.TourPlan, state: VisitorState) -> None:
    """The visited marks of this tour in the browser's storage: read once per tour and merged
    with ?seen=, then written on every change (a rescanned QR code has no ?seen=)."""
    if state.tour_id is None:
        return
    ids = plan.stop_ids
    device.remember("visitor-remember", state.tour_id,
                    [pid for pid in ids if pid in state.seen],
                    restore=state.stored_for != state.tour_id,
                    on_stored=lambda payload: _restored(ids, payload))


def _idle() -> None:
    state = st.session_state[V + "state"]
    state.stop = 0
    st.session_state.pop(_LOCATED, None)


def idle_return(state: VisitorState, lang: str) -> None:
    """Back to the first stop after LERNREISE_VISITOR_IDLE_MINUTES without a touch (0: never).
    A timer in the browser; the return is an ordinary rerun, so nothing else is lost."""
    try:
        minutes = settings.visitor_idle_minutes()
    except ValueError as exc:
        common.notice("warning", t("visitor.idle_setting", lang, error=exc))
        return
    if minutes > 0 and state.stop > 0:
        device.idle_timer("visitor-idle", minutes, _idle)


def stop_image(stop: visitor.VisitorStop) -> None:
    """The exhibit's own picture from the data folder (checked at load), served by this app:
    never hot-linked."""
    if stop.image is not None:
        st.image(str(stop.image), alt=stop.image_alt, width="stretch")
        if stop.image_credit:
            common.caption(stop.image_credit)
