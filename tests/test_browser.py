"""The map page in a real browser: Debian's Chromium driven by Playwright, no internet.

The app runs as a real `streamlit run` server on a free loopback port. Screenshots go to
test-artifacts/ for a person to look at.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import DEFAULT_DATA, MINI, ROOT, edit_yaml, exhibit

from dashboard import catalog as cat

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
XSS_NAME = "<img src=x onerror=alert(1)>"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]

if not Path(CHROMIUM).exists():  # pragma: no cover - CI installs it (.ci/run)
    pytest.skip("Debian chromium is not installed (apt-get install chromium)",
                allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class App:
    def __init__(self, data_dir: Path, tmp: Path, script: str = "streamlit_app.py"):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "LERNREISE_DATA_DIR": str(data_dir),
               "LERNREISE_DATABASE_URL": f"sqlite:///{tmp / 'browser.sqlite3'}"}
        self.log = (tmp / f"streamlit-{self.port}.log").open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", script,
             "--server.port", str(self.port), "--server.address", "127.0.0.1",
             "--server.headless", "true", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"streamlit did not start on {self.url}")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> Iterator[App]:
    server = App(DEFAULT_DATA, tmp_path_factory.mktemp("app"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def xss_app(tmp_path_factory) -> Iterator[App]:
    tmp = tmp_path_factory.mktemp("xss")
    data = tmp / "data"
    shutil.copytree(MINI, data)
    edit_yaml(data / "exhibits.yaml", lambda d: exhibit(d, "fountain").update(
        name={"de": XSS_NAME, "en": XSS_NAME}))
    server = App(data, tmp)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1180, "height": 820}, locale="de-DE")
    # No test may reach the internet: every request off this machine is answered "failed".
    context.route("**/*", lambda route: route.continue_()
                  if route.request.url.startswith(("http://127.0.0.1", "data:", "blob:"))
                  else route.abort())
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    yield page
    context.close()


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


def test_filter_changes_the_count(app, page):
    c = catalog()
    total = len(c.exhibits)
    pavilions = sum(1 for e in c.exhibits.values() if e.category == "pavilions")
    page.goto(app.url + "/?lang=en")
    markers(page)
    search = page.get_by_label("Search")
    search.fill("pavillon")
    search.press("Enter")
    expected = len(cat.filter_exhibits(c, cat.ExhibitFilter(query="pavillon")))
    wait_for_text(page, f"{expected} of {total} exhibits")
    assert expected < total
    page.wait_for_function(
        f"() => document.querySelector(\"iframe[src*='streamlit_folium']\")"
        f".contentDocument.querySelectorAll('.lr-marker').length === {expected}")
    assert pavilions >= 2


def test_exhibit_in_url_opens_detail(app, page):
    ex = catalog().exhibit("skaio")
    page.goto(app.url + "/?exhibit=skaio&lang=en")
    page.get_by_role("heading", name=ex.name.en).wait_for(timeout=60_000)
    wait_for_text(page, ex.summary.en[:40])


def test_unknown_exhibit_in_url_shows_a_message(app, page):
    page.goto(app.url + "/?exhibit=nope&lang=en")
    wait_for_text(page, "This exhibition has no exhibit with the id “nope”", timeout=60_000)
    markers(page)  # the map still works


def test_language_switch_translates_and_is_kept_in_the_url(app, page):
    ex = catalog().exhibit("holzpavillon")
    page.goto(app.url + "/?exhibit=holzpavillon")
    page.get_by_role("heading", name=ex.name.de).wait_for(timeout=60_000)
    page.get_by_text("English", exact=True).click()
    page.get_by_role("heading", name=ex.name.en).wait_for(timeout=30_000)
    page.wait_for_function("() => location.search.includes('lang=en')")


def test_hostile_exhibit_name_is_text_everywhere(xss_app, page):
    page.goto(xss_app.url + "/?exhibit=fountain&lang=en")
    frame = map_frame(page)
    marker = frame.locator("[data-exhibit='fountain']")
    marker.wait_for(timeout=60_000)
    page.locator("iframe[src*='streamlit_folium']").evaluate(
        "e => e.scrollIntoView({block: 'center'})")
    marker.hover()
    tooltip = frame.locator(".leaflet-tooltip")
    tooltip.wait_for(timeout=10_000)
    assert XSS_NAME in tooltip.inner_text()
    click_marker(page, "fountain")
    # A tap shows the name on the map (as text) and opens the card; there is no popup.
    shown = frame.locator(".lr-tip").filter(has_text=XSS_NAME)
    shown.first.wait_for(timeout=10_000)
    page.get_by_role("heading", name=XSS_NAME).wait_for(timeout=30_000)
    # No element was created from the text, and no script ran.
    assert frame.locator("img[src='x']").count() == 0
    assert page.locator("img[src='x']").count() == 0
    page.wait_for_timeout(500)
    assert page.dialogs == []


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


def test_map_keeps_its_view_when_a_filter_changes(app, page):
    page.goto(app.url + "/?lang=en")
    total = markers(page).count()
    before = leaflet_zoom(page)
    page.locator("iframe[src*='streamlit_folium']").evaluate(
        "e => e.scrollIntoView({block: 'center'})")
    map_frame(page).locator(".leaflet-control-zoom-in").click()
    page.wait_for_timeout(800)
    zoomed = leaflet_zoom(page)
    assert zoomed > before
    search = page.get_by_label("Search")
    search.fill("wasser")
    search.press("Enter")
    page.wait_for_function(
        "n => document.querySelector(\"iframe[src*='streamlit_folium']\")"
        ".contentDocument.querySelectorAll('.lr-marker').length < n", arg=total, timeout=30_000)
    assert leaflet_zoom(page) == zoomed  # the markers changed, the view did not
