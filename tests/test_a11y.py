"""axe-core (through axe-playwright-python) on the map and the planner: no critical or
serious violations. Rules that fail inside code we do not control are listed with a reason."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from conftest import DEFAULT_DATA
from test_browser import CHROMIUM, CHROMIUM_ARGS, App, sync_api

pytestmark = pytest.mark.browser
axe_playwright = pytest.importorskip("axe_playwright_python.sync_playwright")

FRAME = "iframe[src*='streamlit_folium']"
# rule id -> why it is accepted (each one checked by hand; see the README's accessibility notes)
ACCEPTED: dict[str, str] = {}


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> Iterator[App]:
    server = App(DEFAULT_DATA, tmp_path_factory.mktemp("a11y"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def serious(results) -> list[dict]:
    return [v for v in results.response["violations"]
            if v["impact"] in ("critical", "serious") and v["id"] not in ACCEPTED]


@pytest.mark.parametrize("path", ["/?lang=de&exhibit=skaio", "/planner?lang=de"])
def test_no_serious_axe_violations(app, browser, path):
    context = browser.new_context(viewport={"width": 1180, "height": 820}, locale="de-DE")
    context.route("**/*", lambda route: route.continue_()
                  if route.request.url.startswith(("http://127.0.0.1", "data:", "blob:"))
                  else route.abort())
    page = context.new_page()
    page.goto(app.url + path)
    page.wait_for_selector(FRAME, timeout=60_000)
    page.frame_locator(FRAME).locator(".lr-marker").first.wait_for(timeout=60_000)
    page.wait_for_timeout(1500)
    # German pages say so (screen readers pick the voice from it), also inside the map.
    assert page.evaluate("() => document.documentElement.lang") == "de"
    assert page.locator(FRAME).element_handle().content_frame().evaluate(
        "() => document.documentElement.lang") == "de"
    assert page.locator(FRAME).get_attribute("title") == "Karte der Exponate"
    results = axe_playwright.Axe().run(page)
    found = serious(results)
    for v in results.response["violations"]:  # listed in the test log for the README notes
        print(f"axe {v['impact']}: {v['id']} ({len(v['nodes'])} nodes)")
    context.close()
    assert found == [], "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(n["target"][0] if isinstance(n["target"][0], str) else str(n["target"])
                    for n in v["nodes"][:5])
        for v in found)
