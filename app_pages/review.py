"""Navigators' review: a city's notes per exhibit beside the other cities', follow-ups, the
workshop (open space), the trip report and insights (?city=, ?exhibit=). Only the open tab
is drawn."""

from dashboard.i18n import t
from dashboard.ui import common
from dashboard.ui.review import (
    exhibits,
    follow_ups,
    from_tour,
    insights,
    report,
    shared,
    transfer,
    workshop,
)
from dashboard.ui.review.state import ReviewState

state = ReviewState.load()
lang = common.current_language()
catalog = common.load_catalog(lang)
shared.style()
common.heading(t("review.title", lang), 1)
actor = shared.account(catalog, lang)
city = shared.city(catalog, lang)
common.show_bad_params(lang)
notes, workshop_store = shared.stores(catalog, lang)
tours = common.tour_store()
programme = shared.programme(catalog, lang)
exhibit = exhibits.load_exhibit(state, catalog)
exhibits.warn_unknown_exhibit(state, lang)
shared.programme_box(catalog, programme, lang)

tab = shared.tab_picker(state, lang)
if tab == "exhibits":
    from_tour.overview(state, catalog, city, from_tour.capture_store(notes, catalog), actor, lang)
    exhibit = exhibits.exhibit_list(state, catalog, city, notes, tours, actor, lang)
    if exhibit:
        exhibits.exhibit_review(state, catalog, city, exhibit, notes, actor, programme, lang)
    else:
        common.notice("info", t("review.pick_hint", lang), icon=":material/touch_app:")
elif tab == "follow_ups":
    transfer.reflection_box(state, catalog, city, notes, actor, lang)
    follow_ups.section(state, catalog, city, notes, actor, lang)
elif tab == "workshop":
    workshop.section(state, catalog, city, notes, workshop_store, actor, lang)
elif tab == "report":
    report.section(state, catalog, city, notes, workshop_store, actor, lang)
else:
    insights.section(catalog, city, notes, actor, lang)
