"""Lead a tour (?tour=<id>): the guide moves the group's tablets from stop to stop."""

from dashboard.i18n import t
from dashboard.ui import common
from dashboard.ui import lead_page as page

lang = common.current_language()
catalog = common.load_catalog(lang)
network = common.walking_network(catalog)
tours = common.tour_store()
page.style()
common.show_bad_params(lang)
tour = page.open_tour(catalog, network, tours, lang)

if tour is None:
    common.heading(t("lead.title", lang), 1)
    page.pick_tour(catalog, tours, lang)
else:
    common.heading(t("lead.heading", lang, title=tour.saved.title), 1)
    page.guide_panel(page.lead_store(tours), tour, catalog, lang)
    page.visitor_link(tour.saved.id, lang)
