"""The visitor page in a real browser with touch: a tablet held either way and a phone.

Open the share link, tap through every stop, mark a stop visited, switch text size and language,
reload and keep it all; every request stays on this machine; axe-core finds nothing serious.
Screenshots of the first and last stop go to test-artifacts/.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import DEFAULT_DATA
from support.browser import ARTIFACTS, FRAME, new_context, outside, settled
from support.servers import App, WithTour

from dashboard import catalog as cat
from dashboard import links, routing, store

pytestmark = pytest.mark.browser

SIZES = {
    "tablet": {"viewport": {"width": 1180, "height": 820}, "has_touch": True},
    "portrait": {"viewport": {"width": 820, "height": 1180}, "has_touch": True},
    "phone": {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True,
              "device_scale_factor": 2},
}
STOPS = ("skaio", "karlssee-wassershow", "buga-log", "holzpavillon")


def save_tour(database_url: str, title: str) -> str:
    tours = store.open_store(database_url)
    try:
        request = routing.TourRequest(stops=STOPS, optimize=False, date=dt.date(2019, 6, 1))
        return tours.save_tour(request.to_dict(), title, "buga2019-heilbronn")
    finally:
        tours.dispose()


@pytest.fixture(scope="module")
def app(default_app) -> WithTour:
    """The shared server of the bundled exhibition with this module's tour saved on it."""
    return WithTour(default_app, save_tour(default_app.database_url, "Tablet-Tour"))


@pytest.fixture(scope="module")
def names() -> dict[str, list[str]]:
    catalog = cat.load(DEFAULT_DATA)
    return {lang: [catalog.text(catalog.exhibits[s].name, lang) for s in STOPS]
            for lang in ("de", "en")}


def open_context(browser, device: str):
    return new_context(browser, locale="de-DE", **SIZES[device])


def heading(page, text: str):
    return page.get_by_role("heading", name=text, exact=True)


def wait_map(page) -> None:
    """The map with its route drawn; after a language switch the old map frame is gone first
    (a new language is a new map)."""
    page.wait_for_selector(FRAME, timeout=60_000)
    # A language switch takes two runs (the switch, then the page in the new language): wait
    # for the runs to be over before counting frames, and take the newest frame in any case.
    settled(page)
    page.wait_for_function(f"() => document.querySelectorAll(\"{FRAME}\").length === 1",
                           timeout=60_000)
    page.frame_locator(FRAME).last.locator(".lr-stop").first.wait_for(timeout=60_000)


@pytest.mark.parametrize("device", list(SIZES))
def test_follow_a_tour_from_its_share_link(app, browser, names, device):
    context = open_context(browser, device)
    page = context.new_page()
    page.goto(links.share_url(app.url, app.tour_id, "de"))
    heading(page, f"1. {names['de'][0]}").wait_for(timeout=60_000)
    wait_map(page)
    page.wait_for_timeout(800)
    # Kiosk: no Streamlit header, toolbar or page links.
    assert page.locator("[data-testid=stHeader]").is_hidden()
    assert page.locator("[data-testid=stToolbar]").count() == 0 or \
        page.locator("[data-testid=stToolbar]").is_hidden()
    nxt = page.locator(".st-key-visitor-next button:visible")
    prev = page.locator(".st-key-visitor-prev button:visible")
    for button in (nxt, prev):
        box = button.bounding_box()
        assert box["height"] >= 48 and box["width"] >= 48, box
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"visitor-{device}-first.png"), full_page=True)
    total = len(STOPS)
    # Each step draws a new Next button (common.step_key); the old one must never show beside
    # it while the run goes on.
    page.evaluate("""() => { window.lrMostNext = 0; new MutationObserver(() => {
        const shown = [...document.querySelectorAll('.st-key-visitor-next button')]
            .filter(b => b.checkVisibility()).length;
        window.lrMostNext = Math.max(window.lrMostNext, shown);
      }).observe(document.body, {subtree: true, childList: true, attributes: true}); }""")
    for n in range(2, total + 1):
        nxt.tap()
        heading(page, f"{n}. {names['de'][n - 1]}").wait_for(timeout=30_000)
        page.get_by_text(f"Station {n} von {total}").first.wait_for(timeout=10_000)
    assert nxt.is_disabled()
    assert page.evaluate("() => window.lrMostNext") == 1
    page.get_by_text("Besucht", exact=True).tap()
    page.wait_for_function("() => location.search.includes('seen=4')", timeout=30_000)
    page.get_by_text("groß", exact=True).tap()
    page.wait_for_function("() => location.search.includes('size=large')", timeout=30_000)
    page.get_by_text("English", exact=True).tap()
    heading(page, f"{total}. {names['en'][-1]}").wait_for(timeout=30_000)
    page.wait_for_function("() => location.search.includes('lang=en')", timeout=30_000)
    wait_map(page)
    page.wait_for_timeout(800)
    page.screenshot(path=str(ARTIFACTS / f"visitor-{device}-last.png"), full_page=True)
    # A reload keeps the stop, the language, the size and the visited mark.
    page.reload()
    heading(page, f"{total}. {names['en'][-1]}").wait_for(timeout=60_000)
    assert page.get_by_role("checkbox", name="Visited").is_checked()
    assert page.get_by_role("radio", name="large").is_checked()
    prev.tap()
    heading(page, f"{total - 1}. {names['en'][-2]}").wait_for(timeout=30_000)
    assert not page.get_by_role("checkbox", name="Visited").is_checked()
    wait_map(page)
    page.wait_for_timeout(1500)
    left = outside(context)
    context.close()
    assert left == []


def test_save_for_offline_use_downloads_the_tour_file(app, browser, names):
    context = open_context(browser, "tablet")
    page = context.new_page()
    page.goto(links.share_url(app.url, app.tour_id, "en"))
    heading(page, f"1. {names['en'][0]}").wait_for(timeout=60_000)
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="Save for offline use").tap()
    doc = Path(info.value.path()).read_text(encoding="utf-8")
    context.close()
    assert info.value.suggested_filename == "tablet-tour.html"
    assert doc.count('<section class="stop" data-lang="en"') == len(STOPS)
    assert "default-src 'none'" in doc and '<html lang="en">' in doc


def test_start_screen_and_unknown_code(app, browser):
    context = open_context(browser, "tablet")
    page = context.new_page()
    page.goto(f"{app.url}/visitor?tour=nichtda9&lang=de")
    page.get_by_text("Die Tour „nichtda9“ gibt es hier nicht").wait_for(timeout=60_000)
    page.get_by_role("button", name="Tablet-Tour").first.tap()
    heading(page, "1. " + cat.load(DEFAULT_DATA).text(
        cat.load(DEFAULT_DATA).exhibits[STOPS[0]].name, "de")).wait_for(timeout=60_000)
    context.close()


def test_no_serious_axe_violations_on_the_visitor_page(app, browser):
    axe_playwright = pytest.importorskip("axe_playwright_python.sync_playwright")
    context = open_context(browser, "tablet")
    page = context.new_page()
    page.goto(links.share_url(app.url, app.tour_id, "de"))
    wait_map(page)
    page.wait_for_timeout(1500)
    assert page.evaluate("() => document.documentElement.lang") == "de"
    results = axe_playwright.Axe().run(page)
    for v in results.response["violations"]:
        print(f"axe {v['impact']}: {v['id']} ({len(v['nodes'])} nodes)")
    found = [v for v in results.response["violations"]
             if v["impact"] in ("critical", "serious")]
    context.close()
    assert found == [], "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(str(n["target"]) for n in v["nodes"][:5]) for v in found)


# --------------------------------------------------------------------------- visitor extras


def exhibit_point(exhibit_id: str) -> dict[str, float]:
    loc = cat.load(DEFAULT_DATA).exhibits[exhibit_id].location
    return {"latitude": loc.lat + 0.00005, "longitude": loc.lon, "accuracy": 15}


def locate_button(page):
    return page.get_by_role("button", name="Where am I?")


def test_where_am_i_snaps_to_the_nearest_stop(app, browser, names):
    context = open_context(browser, "tablet")
    context.set_geolocation(exhibit_point(STOPS[2]))
    context.grant_permissions(["geolocation"], origin=app.url)
    page = context.new_page()
    page.goto(links.share_url(app.url, app.tour_id, "en"))
    heading(page, f"1. {names['en'][0]}").wait_for(timeout=60_000)
    button = locate_button(page)
    box = button.bounding_box()
    assert box["height"] >= 48, box
    button.tap()
    page.get_by_text(f"Nearest stop on the tour: 3. {names['en'][2]}").wait_for(timeout=30_000)
    go = page.get_by_role("button", name="Go to stop 3")
    assert go.bounding_box()["height"] >= 48
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "visitor-where-am-i.png"), full_page=True)
    go.tap()
    heading(page, f"3. {names['en'][2]}").wait_for(timeout=30_000)
    page.get_by_text(f"You are at stop 3: {names['en'][2]} (about 10 m away)").wait_for(
        timeout=10_000)
    page.wait_for_function("() => location.search.includes('stop=3')", timeout=30_000)
    # Far away (Konstanz): outside the grounds, no jump offered.
    context.set_geolocation({"latitude": 47.66, "longitude": 9.17, "accuracy": 20})
    locate_button(page).tap()
    page.get_by_text("You seem to be outside the grounds").wait_for(timeout=30_000)
    settled(page)  # until then the run's stale "Go to stop 3" may still be on the page
    assert page.get_by_role("button", name="Go to stop").count() == 0
    left = outside(context)
    context.close()
    assert left == []


def test_where_am_i_without_permission_says_so(app, browser):
    context = open_context(browser, "phone")
    context.clear_permissions()
    page = context.new_page()
    page.goto(links.share_url(app.url, app.tour_id, "de"))
    locate_button_de = page.get_by_role("button", name="Wo bin ich?")
    locate_button_de.wait_for(timeout=60_000)
    locate_button_de.tap()
    page.get_by_text("Der Standort wurde nicht freigegeben").wait_for(timeout=30_000)
    ARTIFACTS.mkdir(exist_ok=True)
    page.get_by_text("Der Standort wurde nicht freigegeben").scroll_into_view_if_needed()
    wait_map(page)
    page.wait_for_timeout(1500)
    page.screenshot(path=str(ARTIFACTS / "visitor-where-denied-phone.png"))
    context.close()


def test_visited_marks_come_back_when_the_qr_code_is_scanned_again(app, browser, names):
    context = open_context(browser, "tablet")
    page = context.new_page()
    link = links.share_url(app.url, app.tour_id, "en")
    page.goto(link)
    heading(page, f"1. {names['en'][0]}").wait_for(timeout=60_000)
    page.locator(".st-key-visitor-next button:visible").tap()
    heading(page, f"2. {names['en'][1]}").wait_for(timeout=30_000)
    page.get_by_text("Visited", exact=True).tap()
    page.wait_for_function("() => location.search.includes('seen=2')", timeout=30_000)
    page.wait_for_function(
        f"() => (localStorage.getItem('lernreise.visited.{app.tour_id}') || '')"
        f".includes('{STOPS[1]}')", timeout=30_000)
    # A second scan: the plain link again, in a new tab of the same browser (no ?seen=).
    page.close()
    again = context.new_page()
    again.goto(link)
    heading(again, f"1. {names['en'][0]}").wait_for(timeout=60_000)
    again.get_by_text("1 of 4 visited").wait_for(timeout=30_000)
    again.wait_for_function("() => location.search.includes('seen=2')", timeout=30_000)
    again.locator(".st-key-visitor-next button:visible").tap()
    heading(again, f"2. {names['en'][1]}").wait_for(timeout=30_000)
    assert again.get_by_role("checkbox", name="Visited").is_checked()
    # Unmarking is kept as well.
    again.get_by_text("Visited", exact=True).tap()
    again.wait_for_function("() => !location.search.includes('seen=')", timeout=30_000)
    again.reload()
    heading(again, f"2. {names['en'][1]}").wait_for(timeout=60_000)
    again.get_by_text("0 of 4 visited").wait_for(timeout=30_000)
    context.close()


def test_an_untouched_tablet_returns_to_the_first_stop(browser, names, tmp_path):
    """LERNREISE_VISITOR_IDLE_MINUTES=0.05: three seconds without a touch and the page is back
    at stop 1, in the same session (language, size and visited marks kept). A server of its
    own (the server reads the setting)."""
    with App(DEFAULT_DATA, tmp_path, env={"LERNREISE_VISITOR_IDLE_MINUTES": "0.05"}) as kiosk:
        tour_id = save_tour(kiosk.database_url, "Kiosk-Tour")
        context = open_context(browser, "portrait")
        page = context.new_page()
        # Every stop heading the page ever shows, recorded in the page: stop 3 is shown for
        # only three seconds, which a loaded machine could let pass between two looks.
        page.add_init_script("""
          window.lrShown = new Set();
          new MutationObserver(() => document.querySelectorAll('h2, h3').forEach(
            h => window.lrShown.add(h.textContent.trim()))).observe(document,
            {subtree: true, childList: true, characterData: true});""")
        page.goto(f"{kiosk.url}/visitor?tour={tour_id}&lang=en&stop=3&seen=2&size=large")
        heading(page, f"1. {names['en'][0]}").wait_for(timeout=90_000)
        shown = page.evaluate("() => [...window.lrShown]")
        assert any(t.startswith(f"3. {names['en'][2]}") for t in shown), shown
        page.wait_for_function("() => location.search.includes('stop=1')", timeout=30_000)
        assert "seen=2" in page.url and "size=large" in page.url and "lang=en" in page.url
        page.get_by_text("1 of 4 visited").wait_for(timeout=30_000)
        context.close()
