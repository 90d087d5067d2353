"""Follow the guide, the guide's side: the lead view (/lead?tour=<id>).

The view keeps the device key of the leads this session started or took over in session state
(never in the URL, never in the database: the store keeps a hash); the lead code is shown once,
right after Start, for the guide to note (it takes the lead over on another device). Its status
part is a fragment that refreshes every GUIDE_REFRESH_S seconds (stop, followers); when another
device has taken the lead over, this one says so, stops showing the code and offers no
controls. With sign-in configured only a guide or an admin may start, move, end or take over
a lead (every callback checks the signed-in role again); without it, the open mode says that
anyone may. Session keys under "lead.". The tablets' side is dashboard/ui/follow_guide.py.
The live tools below the controls: the schedule against the clock and the re-plan
(running_late.py, on the plan in force: the saved tour's or this lead's re-plan) and the
group's questions per stop (questions.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import streamlit as st

from dashboard import catalog as cat
from dashboard import lead as follow
from dashboard import links, routing, store, visitor
from dashboard.errors import untrusted
from dashboard.i18n import t
from dashboard.store.lead import format_code, normalize_code
from dashboard.ui import auth, common, messages, questions, running_late, styles

L = "lead."
_CODES = L + "codes"  # tour id -> (lead id, device key) of the leads this session leads
_SHOW_CODE = L + "show_code"  # (lead id, code) shown right after Start, until noted
_LOST = L + "lost"  # tour ids whose lead another device took over from this one
_MESSAGES = L + "messages"
_PLAN = L + "plan"  # (tour id, SavedTour, TourPlan)
_KIND = L + "kind"  # what the guide's view showed at the last full run: none / mine / other
_FULL = L + "full_run"  # set by the page before a fragment: this run is a full one
_DOWN = L + "down_said"  # open_tour said the database is down (pick_tour does not again)
_CLIENT = L + "client"  # this session's id for counting tries on lead codes
GUIDE_REFRESH_S = 3




def style() -> None:
    """Big touch targets (at least 48 px, here 64) and a large code (static/css/lead.css)."""
    styles.apply("lead")


def lead_store(tours: store.TourStore | None) -> store.LeadStore | None:
    """The lead store on the tour store's engine (a thin wrapper: made per run)."""
    return None if tours is None else store.LeadStore(tours.database)


def _say(level: str, message: str) -> None:
    messages.say(_MESSAGES, level, message)


def show_messages() -> None:
    messages.show(_MESSAGES)


def _full_run_flag() -> bool:
    """True once after the page set it: the fragment is running inside a full run."""
    return bool(st.session_state.pop(_FULL, False))


# --------------------------------------------------------------------------- links


def visitor_link(tour_id: str, lang: str) -> None:
    """The tablets' link and QR code of the tour, for the group to scan before the start."""
    from dashboard import export  # the QR code's libraries only where one is drawn

    url = links.share_url(common.request_base_url(), tour_id, lang)
    with st.expander(t("lead.visitor_link", lang), icon=":material/qr_code_2:"):
        # A link, not st.code: a code block makes every guide's browser fetch Streamlit's
        # syntax highlighter (1.6 MB) for one address, even in a closed expander.
        st.markdown(common.link_markdown(url))
        st.image(export.qr_png(url), width=180, alt=t("planner.qr_alt", lang, url=url))


# --------------------------------------------------------------------------- the guide's view


@dataclass(frozen=True)
class LeadTour:
    saved: store.SavedTour
    names: tuple[str, ...]  # stop names in visiting order, in the page's language
    plan: routing.TourPlan | None = None  # the saved tour's plan (a lead may re-plan it)


def open_tour(catalog: cat.Catalog, network: routing.WalkingNetwork,
              tours: store.TourStore | None, lang: str) -> LeadTour | None:
    """The saved tour of ?tour= with its stops, or None (after a message when ?tour= was bad)."""
    tour_id = st.query_params.get("tour")
    if tour_id is None:
        return None
    shown = untrusted(tour_id)
    cached = st.session_state.get(_PLAN)
    try:
        if cached is not None and cached[0] == tour_id:
            saved, plan = cached[1], cached[2]
        else:
            if tours is None:
                raise store.StoreUnavailable("no database")
            saved = tours.load_tour(tour_id) if store.is_valid_tour_id(tour_id) else None
            if saved is None:
                common.notice("warning", t("lead.bad_tour", lang, id=shown))
                return None
            store.check_exhibition(saved, catalog)
            plan = routing.plan_tour(catalog, routing.TourRequest.from_dict(saved.spec), network)
            st.session_state[_PLAN] = (tour_id, saved, plan)
    except store.WrongExhibition as exc:
        common.notice("warning", t("visitor.wrong_exhibition", lang, id=exc.tour_id,
                                   exhibition=untrusted(exc.tour_exhibition)))
        return None
    except store.CorruptTour:
        common.notice("warning", t("visitor.corrupt_tour", lang, id=shown))
        return None
    except routing.TourError:
        common.notice("warning", t("visitor.empty_tour", lang))
        return None
    except common.STORE_ERRORS:
        common.notice("error", t("visitor.store_down", lang))
        st.session_state[_DOWN] = True
        return None
    names = tuple(s.name for s in visitor.visitor_stops(plan, catalog, lang))
    if not names:
        common.notice("warning", t("visitor.empty_tour", lang))
        return None
    return LeadTour(saved, names, plan)


def _pick(tour_id: str) -> None:
    st.query_params["tour"] = tour_id


def pick_tour(catalog: cat.Catalog, tours: store.TourStore | None, lang: str) -> None:
    """The saved tours of this exhibition (newest first) to lead."""
    common.heading(t("lead.pick", lang), 2)
    said = st.session_state.pop(_DOWN, False)
    try:
        saved = tours.list_tours(limit=30, exhibition_id=catalog.exhibition.id) \
            if tours is not None else []
    except common.STORE_ERRORS:
        if not said:  # one message, not one from open_tour and another here
            common.notice("error", t("visitor.store_down", lang))
        saved = []
    if not saved:
        common.text(t("lead.none_saved", lang), italic=True)
    for tour in saved:
        st.button(common.md_escape(tour.title), key=f"{L}pick-{tour.id}", on_click=_pick,
                  args=(tour.id,), icon=":material/campaign:", width="stretch")


def _mine(tour_id: str) -> tuple[str, str] | None:
    """(lead id, device key) of the tour's lead when this session leads it."""
    return st.session_state.get(_CODES, {}).get(tour_id)


def _forget(tour_id: str) -> None:
    st.session_state.get(_CODES, {}).pop(tour_id, None)
    shown = st.session_state.get(_SHOW_CODE)
    if shown is not None and shown[0] == tour_id:
        st.session_state.pop(_SHOW_CODE, None)


def _lost(tour_id: str) -> None:
    """Another device took the lead over: say so (once, in the view) and forget the key."""
    _forget(tour_id)
    st.session_state.setdefault(_LOST, set()).add(tour_id)


def _client() -> str:
    """Whom tries on lead codes are counted for: the browser's address when Streamlit knows
    it, and this session (a new one per browser tab) either way."""
    if _CLIENT not in st.session_state:
        st.session_state[_CLIENT] = store.new_tour_id()  # random, nothing from the request
    address = getattr(st.context, "ip_address", None)  # None on localhost and in tests
    session = st.session_state[_CLIENT]
    return f"{address}|{session}" if isinstance(address, str) and address else session


def _may_lead(catalog: cat.Catalog, lang: str) -> bool:
    """The callbacks' own check of the signed-in role (a forged trigger has no button)."""
    if auth.current_actor(catalog).can_manage_tours:
        return True
    _say("error", t("lead.sign_in_first", lang))
    return False


def _run(action: Callable[[], object], lang: str, tour_id: str | None = None) -> object | None:
    """A store call from a guide's button; every refusal becomes a message. When the lead
    has ended or another device leads it now, this session no longer holds `tour_id`'s lead
    (a database that is down for a moment keeps it)."""
    try:
        return action()
    except store.WrongLeadCode:
        _say("error", t("lead.wrong_code", lang))
        return None
    except store.TooManyTries as exc:
        key = "lead.too_many_device" if exc.scope == "device" else "lead.too_many_lead"
        _say("error", t(key, lang, seconds=exc.retry_after,
                        minutes=max(1, round(exc.retry_after / 60))))
        return None
    except store.NotLeading:
        if tour_id is not None:
            _lost(tour_id)
        return None
    except store.UnknownTourError:
        _say("warning", t("lead.tour_gone", lang))
    except (store.LeadEnded, store.UnknownLead):
        _say("info", t("lead.ended", lang))
    except store.AlreadyLed:
        _say("warning", t("lead.already_led", lang))
        return None
    except common.STORE_ERRORS:
        _say("error", t("lead.store_down", lang))
        return None
    if tour_id is not None:
        _forget(tour_id)
    return None


def _start(leads: store.LeadStore, catalog: cat.Catalog, tour_id: str, count: int,
           lang: str) -> None:
    if not _may_lead(catalog, lang):
        return
    started = _run(lambda: leads.start(tour_id, stop_count=count), lang)
    if isinstance(started, tuple):
        lead, code, key = started
        st.session_state.setdefault(_CODES, {})[tour_id] = (lead.id, key)
        st.session_state[_SHOW_CODE] = (tour_id, lead.id, code)
        st.session_state.get(_LOST, set()).discard(tour_id)


def _move(leads: store.LeadStore, catalog: cat.Catalog, tour_id: str, stop: int, count: int,
          lang: str) -> None:
    """To stop `stop` (0-based), not "one more": a tap delivered twice moves once
    (common.step_key)."""
    mine = _mine(tour_id)
    if mine is not None and _may_lead(catalog, lang):
        _run(lambda: leads.goto(*mine, follow.clamp(stop, count)), lang, tour_id)


def _end(leads: store.LeadStore, catalog: cat.Catalog, tour_id: str, lang: str) -> None:
    mine = _mine(tour_id)
    if mine is not None and _may_lead(catalog, lang) \
            and _run(lambda: leads.end(*mine), lang, tour_id) is not None:
        _say("success", t("lead.ended", lang))
        _forget(tour_id)


def _code_noted() -> None:
    st.session_state.pop(_SHOW_CODE, None)


def guide_panel(leads: store.LeadStore | None, tour: LeadTour, catalog: cat.Catalog,
                lang: str) -> None:
    """The lead view of a tour: who is signed in (or that the open mode lets anyone lead),
    Start, or the current stop, followers and (on the device that leads) Previous / Next /
    End; refreshed every GUIDE_REFRESH_S seconds."""
    actor = auth.account_bar(catalog, lang, purpose="tours")
    if leads is None:
        common.notice("error", t("lead.store_down", lang))
        return
    may_lead = actor.can_manage_tours
    st.session_state[_FULL] = True
    _guide_fragment(leads, tour, catalog, may_lead, lang)
    if may_lead and st.session_state.get(_KIND) == "other":
        _take_over_form(leads, catalog, tour.saved.id, lang)


@st.fragment(run_every=GUIDE_REFRESH_S)
def _guide_fragment(leads: store.LeadStore, tour: LeadTour, catalog: cat.Catalog,
                    may_lead: bool, lang: str) -> None:
    full_run = _full_run_flag()
    with st.container(key="lead-panel"):
        _guide_view(leads, tour, catalog, may_lead, lang, full_run)


def _guide_view(leads: store.LeadStore, tour: LeadTour, catalog: cat.Catalog, may_lead: bool,
                lang: str, full_run: bool) -> None:
    tour_id, count = tour.saved.id, len(tour.names)
    show_messages()
    try:
        lead = leads.active_for_tour(tour_id)
        followers = leads.follower_count(lead.id) if lead is not None else 0
        asked = questions.read_queue(leads.database, lead.id) if lead is not None else []
        mine = _mine(tour_id)
        if mine is not None and lead is not None and lead.id == mine[0] \
                and not leads.leads_here(*mine):
            _lost(tour_id)  # taken over on another device with the code
    except common.STORE_ERRORS:
        common.notice("error", t("lead.store_down", lang))
        return
    mine = _mine(tour_id)
    if mine is not None and (lead is None or lead.id != mine[0]):
        _forget(tour_id)  # ended (here or on another device)
        mine = None
    lost = tour_id in st.session_state.get(_LOST, set())
    if lost and (lead is None or mine is not None):
        st.session_state[_LOST].discard(tour_id)  # ended since, or led here again
        lost = False
    kind = "none" if lead is None else "mine" if mine else "other"
    if kind != st.session_state.get(_KIND):
        st.session_state[_KIND] = kind
        if not full_run:
            st.rerun()  # the take-over form outside the fragment appears or goes
    if lead is None:
        common.text(t("lead.not_led", lang), bold=True)
        common.text(t("lead.intro", lang))
        if may_lead:
            st.button(t("lead.start", lang), key=L + "start", type="primary", width="stretch",
                      icon=":material/play_arrow:", on_click=_start,
                      args=(leads, catalog, tour_id, count, lang))
        return
    if lost:
        common.notice("warning", t("lead.lost", lang), icon=":material/phonelink_off:")
    elif mine is not None:
        common.text(t("lead.you_lead", lang), bold=True)
        shown = st.session_state.get(_SHOW_CODE)
        if shown is not None and shown[:2] == (tour_id, lead.id):
            _code_box(shown[2], lang)
    plan = running_late.plan_in_force(catalog, tour.plan, lead) if tour.plan else None
    names = tour.names if plan is None or plan is tour.plan else tuple(
        s.name for s in visitor.visitor_stops(plan, catalog, lang))
    count = len(names)
    stop = follow.clamp(lead.stop, count)
    with st.container(key="lead-current", border=True):
        common.text(t("lead.stop", lang, n=stop + 1, total=count), bold=True)
        common.heading(f"{stop + 1}. {names[stop]}", 2)
        if stop + 1 < count:
            common.caption(f"{t('lead.next', lang)}: {stop + 2}. {names[stop + 1]}")
        common.text(t("lead.followers", lang, n=followers))
        if asked:
            common.text(t("questions.here", lang, n=questions.open_count(asked, stop)))
    if mine is None:
        if plan is not None:
            running_late.panel(leads, lead, None, catalog, tour.plan, plan, stop, lang)
        if not lost:
            common.notice("info", t("lead.read_only" if may_lead else "lead.read_only_visitor",
                                    lang), icon=":material/lock:")
        return
    with st.container(key="lead-controls"):
        prev_col, next_col = st.columns(2)
        with prev_col.container(key="lead-prev"):
            st.button(t("lead.previous", lang), key=common.step_key(L + "prev", stop),
                      icon=":material/arrow_back:", on_click=_move,
                      args=(leads, catalog, tour_id, stop - 1, count, lang),
                      disabled=stop <= 0, width="stretch")
        with next_col.container(key="lead-next"):
            st.button(t("lead.next", lang), key=common.step_key(L + "next", stop),
                      icon=":material/arrow_forward:", on_click=_move,
                      args=(leads, catalog, tour_id, stop + 1, count, lang),
                      disabled=stop >= count - 1, width="stretch", type="primary")
        # Behind a second tap: a guide walking with the tablet does not end the tour by mistake.
        with st.popover(t("lead.end", lang), icon=":material/stop_circle:", width="stretch",
                        key="lead-end-pop"):
            st.button(t("lead.end_confirm", lang), key=L + "end", icon=":material/stop_circle:",
                      on_click=_end, args=(leads, catalog, tour_id, lang), type="primary")
    if plan is not None:  # below Next: the guide's thumb finds Next where it always is
        running_late.panel(leads, lead, mine[1], catalog, tour.plan, plan, stop, lang)
    questions.queue(leads.database, catalog, lead.id, mine[1], asked, names,
                    ZoneInfo(catalog.exhibition.timezone), lang)


def _code_box(code: str, lang: str) -> None:
    """The lead code, large, right after Start; it is not shown again once noted."""
    with st.container(key="lead-code-box", border=True):
        common.text(t("lead.code_label", lang))
        with st.container(key="lead-code"):
            common.text(format_code(code), bold=True)
        common.notice("warning", t("lead.code_note", lang), icon=":material/key:")
        st.button(t("lead.code_noted", lang), key=L + "noted", on_click=_code_noted,
                  icon=":material/check:")


def _take_over(leads: store.LeadStore, catalog: cat.Catalog, tour_id: str, lang: str) -> None:
    if not _may_lead(catalog, lang):
        return
    typed = normalize_code(st.session_state.get("w.lead-code", ""))
    lead = _run(lambda: leads.active_for_tour(tour_id), lang)
    if not isinstance(lead, store.Lead):
        _say("info", t("lead.ended", lang))
        return
    taken = _run(lambda: leads.take_over(lead.id, typed, client=_client()), lang)
    if isinstance(taken, tuple):
        st.session_state.setdefault(_CODES, {})[tour_id] = (lead.id, taken[1])
        st.session_state.get(_LOST, set()).discard(tour_id)
        _say("success", t("lead.taken_over", lang))


def _take_over_form(leads: store.LeadStore, catalog: cat.Catalog, tour_id: str,
                    lang: str) -> None:
    with st.form("lead-take-over", border=True):
        st.text_input(t("lead.code_input", lang), key="w.lead-code", max_chars=20,
                      type="password", autocomplete="off")
        common.caption(t("lead.tries_rule", lang))
        st.form_submit_button(t("lead.take_over", lang), icon=":material/key:",
                              on_click=_take_over, args=(leads, catalog, tour_id, lang))
