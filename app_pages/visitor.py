"""Visitor mode on a tablet: a saved tour stop by stop (?tour=<id>), or the start screen."""

from dashboard import visitor
from dashboard.i18n import t
from dashboard.ui import common
from dashboard.ui import visitor_live as live
from dashboard.ui import visitor_page as page

lang = common.current_language()
catalog = common.load_catalog(lang)
network = common.walking_network(catalog)
tours = common.tour_store()
state = page.VisitorState.load()
page.kiosk_style(state.size)
common.show_bad_params(lang)
page.show_messages()
opened = page.open_tour(catalog, network, tours, state, lang)
common.show_bad_params(lang)

if opened is None:
    common.heading(t("visitor.title", lang), 1)
    page.start_screen(catalog, tours, lang)
    page.write_url(state, [])
else:
    saved, plan = opened
    plan = live.plan_in_force(catalog, network, saved, plan, state)  # a guide's re-plan
    stops = visitor.visitor_stops(plan, catalog, lang)
    common.heading(saved.title, 1)
    page.settings_bar(tours, saved.id, len(stops), state, lang)  # size and "follow the guide"
    live.replan_notice(catalog, saved, lang)
    page.prepare_sources(stops, lang)  # full runs only: the tour opened, the language changed
    page.stop_view(catalog, plan, stops, lang)
    page.tour_actions(catalog, plan, saved, state, lang)
