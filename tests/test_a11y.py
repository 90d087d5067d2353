"""axe-core (through axe-playwright-python) on the map and the planner: no critical or
serious violations. Rules that fail inside code we do not control are listed with a reason."""

from __future__ import annotations

import pytest
from support.browser import new_context, settled

pytestmark = pytest.mark.browser
axe_playwright = pytest.importorskip("axe_playwright_python.sync_playwright")

FRAME = "iframe[src*='streamlit_folium']"
# rule id -> why it is accepted (each one checked by hand; see the README's accessibility notes)
ACCEPTED: dict[str, str] = {}


@pytest.fixture
def app(default_app):
    """The bundled exhibition's server, shared with the other browser tests."""
    return default_app


def serious(results) -> list[dict]:
    return [v for v in results.response["violations"]
            if v["impact"] in ("critical", "serious") and v["id"] not in ACCEPTED]


@pytest.mark.parametrize("path", ["/?lang=de&exhibit=skaio", "/planner?lang=de"])
def test_no_serious_axe_violations(app, browser, path):
    context = new_context(browser, viewport={"width": 1180, "height": 820}, locale="de-DE")
    page = context.new_page()
    page.goto(app.url + path)
    page.wait_for_selector(FRAME, timeout=60_000)
    page.frame_locator(FRAME).locator(".lr-marker").first.wait_for(timeout=60_000)
    settled(page)
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
