"""The page stylesheets (static/css/*.css) against the Streamlit that is installed.

Each stylesheet lists, in its header comment, the `data-testid` attributes of Streamlit's
internals that its selectors target and the Streamlit version they were checked against. A
new Streamlit release may rename them without a line of ours changing: these tests fail then
(the list is complete, the version is the installed one, and every listed attribute is still
on the pages where the rules apply)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
import streamlit
from conftest import DEFAULT_DATA, ROOT
from support.servers import App

from dashboard import catalog as cat
from dashboard import routing, store
from dashboard.ui import styles

CSS = ROOT / "static" / "css"
# Attributes that exist only in some states (a sidebar with pages, a toolbar in dev mode):
# hidden by the kiosk sheet when they appear; not drawn by this app's pages, so not checked.
NOT_DRAWN = {"stSidebar", "stSidebarNavLink", "stSidebarCollapsedControl", "stToolbar",
             "stDecoration", "stBaseButton-tertiary", "stBaseButton-minimal",
             "stBaseButton-elementToolbar"}


def sheet_testids(name: str) -> tuple[set[str], set[str], str | None]:
    """(data-testid values used in selectors, those listed in the header, checked version)."""
    text = (CSS / f"{name}.css").read_text(encoding="utf-8")
    header = text.split("*/", 1)[0] if text.startswith("/*") else ""
    rules = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    used = set(re.findall(r'data-testid="([^"]+)"', rules))
    version = re.search(r"Streamlit (\d+\.\d+\.\d+)", header)
    listed = set(re.findall(r"\b(st[A-Z][\w-]*)", header.split("attributes", 1)[-1]))
    return used, listed, version.group(1) if version else None


@pytest.mark.parametrize("name", sorted(styles.SHEETS))
def test_every_internal_selector_is_listed_with_the_installed_streamlit(name):
    used, listed, version = sheet_testids(name)
    assert used <= listed, f"{name}.css: not listed in its header: {sorted(used - listed)}"
    if used:
        assert version == streamlit.__version__, (
            f"{name}.css was checked against Streamlit {version}, {streamlit.__version__} is "
            "installed: check its selectors in the browser tests, then update the header")


def test_every_stylesheet_file_is_known():
    assert {p.stem for p in CSS.glob("*.css")} == set(styles.SHEETS) | {"map"}


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> Iterator[App]:
    tmp = tmp_path_factory.mktemp("styles")
    catalog = cat.load(DEFAULT_DATA)
    tours = store.open_store(f"sqlite:///{tmp / 'browser.sqlite3'}")
    request = routing.TourRequest(stops=tuple(list(catalog.exhibits)[:3]), optimize=False,
                                  date=dt.date(2019, 6, 1))
    server = App(DEFAULT_DATA, tmp)
    server.tour_id = tours.save_tour(request.to_dict(), "Stil", catalog.exhibition.id)
    yield server
    server.stop()


@pytest.mark.browser
def test_every_listed_internal_attribute_is_on_the_pages(app, browser):
    """Every data-testid our stylesheets target is drawn by the installed Streamlit on the
    pages that use the sheet (map, planner with a tour, visitor page)."""
    wanted = set()
    for name in styles.SHEETS:
        used, _, _ = sheet_testids(name)
        wanted |= used - NOT_DRAWN
    found: set[str] = set()
    context = browser.new_context(viewport={"width": 1180, "height": 820})
    context.route("**/*", lambda route: route.continue_()
                  if route.request.url.startswith(("http://127.0.0.1", "data:", "blob:"))
                  else route.abort())
    page = context.new_page()
    for path, ready in (("/?lang=en", "iframe"), (f"/planner?tour={app.tour_id}&lang=en",
                                                  "iframe"),
                        (f"/visitor?tour={app.tour_id}&lang=en", "iframe")):
        page.goto(app.url + path)
        page.wait_for_selector(ready, timeout=90_000)
        page.wait_for_timeout(1500)
        for summary in page.locator("[data-testid=stExpander] summary").all():
            summary.click()  # the widgets inside (slider, radio) are drawn once open
        page.wait_for_timeout(800)
        found |= set(page.evaluate(
            "() => [...document.querySelectorAll('[data-testid]')]"
            ".map(e => e.getAttribute('data-testid'))"))
    context.close()
    assert wanted <= found, f"not on the pages any more: {sorted(wanted - found)}"
