"""The map page in a real browser: Debian's Chromium driven by Playwright, no internet.

The app runs as a real `streamlit run` server on a free loopback port. Screenshots go to
test-artifacts/ for a person to look at.
"""

from __future__ import annotations

import pytest
from conftest import DEFAULT_DATA
from support.browser import (  # noqa: F401 - imported from here by other modules too
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    new_context,
    settled,
    sync_api,
)
from support.servers import App, _free_port  # noqa: F401 - imported from here too

from dashboard import catalog as cat

pytestmark = pytest.mark.browser


@pytest.fixture
def app(default_app) -> App:
    """The bundled exhibition's server, shared with the other browser tests."""
    return default_app


@pytest.fixture
def page(browser):
    context = new_context(browser, viewport={"width": 1180, "height": 820}, locale="de-DE")
    page = context.new_page()
    page.dialogs = context.dialogs
    yield page
    context.close()


FRAME = "iframe[src*='streamlit_folium']"


def map_frame(page):
    """The streamlit-folium iframe (located by its title, as streamlit-folium's tests do)."""
    page.wait_for_selector("iframe[src*='streamlit_folium']", timeout=60_000)
    return page.frame_locator("iframe[src*='streamlit_folium']")


def click_marker(page, exhibit_id: str) -> None:
    """Click a marker as a person would: scroll the map into the middle of the window first,
    so that Streamlit's sticky header does not cover it."""
    page.locator("iframe[src*='streamlit_folium']").evaluate(
        "e => e.scrollIntoView({block: 'center'})")
    map_frame(page).locator(
        f".leaflet-marker-icon:has([data-exhibit='{exhibit_id}'])").click()


def markers(page):
    frame = map_frame(page)
    frame.locator(".lr-marker").first.wait_for(timeout=60_000)
    return frame.locator(".lr-marker")


def wait_for_text(page, text: str, timeout: int = 30_000) -> None:
    page.get_by_text(text, exact=False).first.wait_for(timeout=timeout)


def catalog():
    return cat.load(DEFAULT_DATA)


def test_map_shows_one_marker_per_exhibit_and_a_screenshot(app, page):
    total = len(catalog().exhibits)
    page.goto(app.url)
    assert markers(page).count() == total
    wait_for_text(page, f"{total} von {total} Exponaten")
    frame = map_frame(page)
    # The offline base map: the site geometry is drawn, no tile was requested.
    assert frame.locator("path.leaflet-interactive, .leaflet-overlay-pane path").count() > 20
    assert frame.locator(".leaflet-tile").count() == 0
    assert frame.locator(".lr-legend").inner_text().startswith("Kategorien")
    ARTIFACTS.mkdir(exist_ok=True)
    page.wait_for_timeout(1500)  # let the 3D overview draw before the picture
    page.screenshot(path=str(ARTIFACTS / "map-1180x820.png"))


def test_clicking_a_marker_shows_its_detail_and_url(app, page):
    ex = catalog().exhibit("holzpavillon")
    page.goto(app.url + "/?lang=de")
    markers(page)
    click_marker(page, "holzpavillon")
    page.get_by_role("heading", name=ex.name.de).wait_for(timeout=30_000)
    page.wait_for_function("() => location.search.includes('exhibit=holzpavillon')")


def test_language_switch_translates_and_is_kept_in_the_url(app, page):
    ex = catalog().exhibit("holzpavillon")
    page.goto(app.url + "/?exhibit=holzpavillon")
    page.get_by_role("heading", name=ex.name.de).wait_for(timeout=60_000)
    page.get_by_text("English", exact=True).click()
    page.get_by_role("heading", name=ex.name.en).wait_for(timeout=30_000)
    page.wait_for_function("() => location.search.includes('lang=en')")


# --------------------------------------------------------------------------- planner


def add_stop(page, name: str) -> None:
    box = page.get_by_label("Search and add exhibits, or tap them on the map.")
    box.click()
    page.keyboard.type(name)
    page.keyboard.press("Enter")
    page.get_by_text(name, exact=False).first.wait_for(timeout=30_000)


def test_planner_pick_optimise_save_and_open_the_share_link(app, page):
    c = catalog()
    names = [c.exhibit(i).name.en for i in ("karlssee-wassershow", "buga-log", "holzpavillon")]
    page.goto(app.url + "/planner?lang=en")
    page.get_by_text("No stops yet").wait_for(timeout=60_000)
    for name in names:
        add_stop(page, name)
    page.get_by_role("button", name="Optimise order").click()
    page.get_by_text("Order optimised").wait_for(timeout=60_000)
    frame = map_frame(page)
    # The route is drawn along the paths in the route colour, with numbered stops 1..3.
    frame.locator(f"path[stroke='{'#c0392b'}']").first.wait_for(timeout=30_000)
    assert sorted(frame.locator(".lr-stop").all_inner_texts()) == ["1", "2", "3", "S"]
    # (A wait for the text "S · " stood here: it matched the old settings label
    # "Settings · 17 Apr …" case-insensitively, not the schedule, which is drawn on a canvas.
    # The one naming of stops is checked in tests/test_planner.py and test_export.py.)
    page.get_by_label("Tour title").fill("Browser tour")
    page.get_by_label("Tour title").press("Enter")
    page.get_by_role("button", name="Save tour").click()
    page.get_by_text("Share link").wait_for(timeout=30_000)
    page.wait_for_function("() => location.search.includes('tour=')", timeout=30_000)
    share = page.locator("code").filter(has_text="/planner?tour=").first.inner_text().strip()
    tour_id = share.split("tour=")[1].split("&")[0]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "planner-1180x820.png"), full_page=True)

    fresh = page.context.new_page()
    fresh.goto(f"{app.url}/planner?tour={tour_id}&lang=en")
    fresh.get_by_text("Loaded tour “Browser tour”").wait_for(timeout=60_000)
    for name in names:
        fresh.get_by_text(name, exact=False).first.wait_for(timeout=10_000)
    map_frame(fresh).locator(".lr-stop").first.wait_for(timeout=30_000)
    assert map_frame(fresh).locator(".lr-stop").count() == 4


def leaflet_zoom(page) -> float:
    handle = page.locator("iframe[src*='streamlit_folium']").element_handle()
    return handle.content_frame().evaluate("() => window.map.getZoom()")


def test_a_search_filters_the_markers_keeps_the_view_and_reset_brings_all_back(app, page):
    """In the browser what AppTest cannot see (test_app.py has the counts and messages): the
    map still works under an unknown exhibit in the URL; a search redraws the markers without
    moving the view; Reset filters empties the search box in the page for good (defect 5:
    the next interaction must not send the old text back)."""
    c = catalog()
    total = len(c.exhibits)
    pavilions = sum(1 for e in c.exhibits.values() if e.category == "pavilions")
    expected = len(cat.filter_exhibits(c, cat.ExhibitFilter(query="pavillon")))
    assert pavilions >= 2 and expected < total
    page.goto(app.url + "/?exhibit=nope&lang=en")
    wait_for_text(page, "This exhibition has no exhibit with the id “nope”", timeout=60_000)
    assert markers(page).count() == total  # the map still works
    settled(page)
    before = leaflet_zoom(page)
    page.locator(FRAME).evaluate("e => e.scrollIntoView({block: 'center'})")
    map_frame(page).locator(".leaflet-control-zoom-in").click()
    page.wait_for_function(
        f"z => document.querySelector(\"{FRAME}\").contentWindow.map.getZoom() > z",
        arg=before, timeout=10_000)
    zoomed = leaflet_zoom(page)
    search = page.get_by_label("Search")
    search.fill("pavillon")
    search.press("Enter")
    wait_for_text(page, f"{expected} of {total} exhibits")
    page.wait_for_function(
        f"() => document.querySelector(\"{FRAME}\")"
        f".contentDocument.querySelectorAll('.lr-marker').length === {expected}",
        timeout=30_000)
    assert leaflet_zoom(page) == zoomed  # the markers changed, the view did not
    settled(page)
    page.get_by_role("button", name="Reset filters").first.click()
    wait_for_text(page, f"{total} of {total} exhibits")
    assert search.input_value() == ""
    settled(page)
    # Any next interaction (here the language) keeps all shown and the box empty.
    page.get_by_text("Deutsch", exact=True).click()
    wait_for_text(page, f"{total} von {total} Exponaten")
    settled(page)
    assert page.get_by_text(f"{total} von {total} Exponaten").count() == 1
    assert page.get_by_label("Suche", exact=True).input_value() == ""
    page.wait_for_function(
        f"() => document.querySelector(\"{FRAME}\")"
        f".contentDocument.querySelectorAll('.lr-marker').length === {total}",
        timeout=30_000)
