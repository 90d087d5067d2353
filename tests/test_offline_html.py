"""The offline HTML file: self-contained, escaped, and usable from disk with no network."""

from __future__ import annotations

import datetime as dt
import html
import re
import subprocess
import sys

import pytest
from conftest import DEFAULT_DATA, MINI, ROOT, edit_yaml, exhibit
from support.browser import ARTIFACTS, new_context

from dashboard import catalog as cat
from dashboard import export, routing

DAY = dt.date(2019, 6, 1)
XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def bundled() -> tuple[cat.Catalog, routing.TourPlan]:
    catalog = cat.load(DEFAULT_DATA)
    stops = tuple(list(catalog.exhibits)[:7])
    return catalog, routing.plan_tour(catalog, routing.TourRequest(stops=stops, date=DAY))


def test_the_file_is_self_contained(bundled):
    catalog, plan = bundled
    doc = export.to_offline_html(plan, catalog, "de", "Meine Tour")
    # No address that a browser would fetch: no src/href to anywhere, no url(), no @import.
    assert not re.search(r"""\b(src|href)\s*=""", doc)
    assert "url(" not in doc and "@import" not in doc
    assert "default-src 'none'" in doc  # the CSP forbids requests even by mistake
    assert doc.count('<section class="stop" data-lang="de"') == len(plan.stops)
    assert doc.count('<section class="stop" data-lang="en"') == len(plan.stops)  # the switch
    assert doc.count('class="leg"') >= len(plan.stops)
    for visit in plan.stops:
        assert html.escape(catalog.text(visit.place.name, "de")) in doc
    assert '<html lang="de">' in doc and "Weiter" in doc


def test_data_text_is_escaped(mini_dir):
    edit_yaml(mini_dir / "exhibits.yaml", lambda d: exhibit(d, "fountain").update(
        name={"de": XSS, "en": XSS}, summary={"de": XSS, "en": XSS}))
    catalog = cat.load(mini_dir)
    plan = routing.plan_tour(catalog, routing.TourRequest(stops=("fountain",), date=DAY))
    doc = export.to_offline_html(plan, catalog, "en", XSS)
    assert XSS not in doc
    assert html.escape(XSS) in doc


def test_command_line_writes_the_html(tmp_path):
    out = tmp_path / "tour.html"
    result = subprocess.run(
        [sys.executable, "-m", "dashboard", "tour", "--data-dir", str(MINI), "--stops",
         "solar-roof,fountain", "--format", "html", "--output", str(out), "--lang", "en"],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    doc = out.read_text(encoding="utf-8")
    assert doc.startswith("<!DOCTYPE html>")
    assert doc.count('<section class="stop" data-lang="en"') == 2


@pytest.mark.browser
def test_opened_from_disk_with_the_network_blocked(bundled, tmp_path, browser):
    catalog, plan = bundled
    path = tmp_path / "tour.html"
    path.write_text(export.to_offline_html(plan, catalog, "de"), encoding="utf-8")
    url = path.as_uri()
    context = new_context(browser, allowed=(url,), viewport={"width": 820, "height": 1180},
                          has_touch=True, locale="de-DE")
    requests, failed = context.requests, []
    context.on("requestfailed", lambda r: failed.append(r.url))
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    # The route is drawn: one polyline per leg with a real length on screen.
    legs = page.locator("#route polyline")
    assert legs.count() >= len(plan.stops)
    box = page.locator("#map").bounding_box()
    assert box and box["width"] > 300 and box["height"] > 100
    assert page.evaluate("() => document.querySelector('#route polyline')"
                         ".getTotalLength()") > 10
    names = [catalog.text(v.place.name, "de") for v in plan.stops]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "offline-first.png"), full_page=True)
    for n, name in enumerate(names, start=1):
        shown = page.locator("section.stop:not([hidden]) h2")
        assert shown.inner_text() == f"{n}. {name}"
        assert page.locator("section.stop:not([hidden])").count() == 1
        if n < len(names):
            page.get_by_role("button", name="Weiter").tap()
    assert page.get_by_role("button", name="Weiter").is_disabled()
    assert page.locator("#route polyline.walked").count() >= len(names)
    page.screenshot(path=str(ARTIFACTS / "offline-last.png"), full_page=True)
    page.reload()  # the stop is kept in the #fragment
    assert page.locator("section.stop:not([hidden]) h2").inner_text().startswith(
        f"{len(names)}. ")
    page.get_by_role("button", name="Zurück").tap()
    assert page.locator("section.stop:not([hidden]) h2").inner_text().startswith(
        f"{len(names) - 1}. ")
    context.close()
    assert set(requests) == {url}, requests
    assert failed == [] and errors == []


@pytest.mark.browser
@pytest.mark.parametrize("device", ["portrait", "phone"])
def test_the_file_opens_at_the_visitors_stop_with_marks_language_and_size(bundled, tmp_path,
                                                                        device, browser):
    """Issue 17, item 15: the offline file always started at stop 1, had no language or text
    size switch, did not carry the visited marks, and its Next button was red (the app's is
    green)."""
    from dashboard import presentation as fmt

    catalog, plan = bundled
    ids = plan.stop_ids
    path = tmp_path / "tour.html"
    path.write_text(export.to_offline_html(plan, catalog, "de", "Meine Tour", start=2,
                                           visited=[ids[0], ids[2]]), encoding="utf-8")
    size = {"portrait": {"width": 820, "height": 1180}, "phone": {"width": 390, "height": 844}}
    context = new_context(browser, allowed=(path.as_uri(),), viewport=size[device],
                          has_touch=True, locale="de-DE")
    page = context.new_page()
    page.goto(path.as_uri())
    shown = page.locator("section.stop:not([hidden]) h2")
    assert shown.inner_text().startswith("3. ")  # where the visitor was
    assert page.get_by_label("Besucht").first.is_checked()  # stop 3 was marked
    green = page.evaluate("() => getComputedStyle(document.querySelector("
                          "'nav:not([hidden]) button.next')).backgroundColor")
    r, g, b = (int(fmt.PRIMARY[i:i + 2], 16) for i in (1, 3, 5))
    assert green == f"rgb({r}, {g}, {b})"
    page.get_by_role("button", name="English").tap()
    assert shown.inner_text() == f"3. {catalog.text(plan.stops[2].place.name, 'en')}"
    assert page.evaluate("() => document.documentElement.lang") == "en"
    page.get_by_role("button", name="Previous").first.tap()
    assert not page.get_by_label("Visited").first.is_checked()  # stop 2 was not
    page.get_by_label("Visited").first.tap()  # marked here, kept in the address
    before = float(page.evaluate("() => parseFloat(getComputedStyle("
                                 "document.querySelector('section.stop:not([hidden]) p'"
                                 ")).fontSize)"))
    page.get_by_role("button", name="Text size: large").tap()
    after = float(page.evaluate("() => parseFloat(getComputedStyle("
                                "document.querySelector('section.stop:not([hidden]) p'"
                                ")).fontSize)"))
    assert after > before * 1.15
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"offline-trial-{device}.png"), full_page=True)
    page.reload()  # stop, language, size and marks are in the #fragment
    assert shown.inner_text().startswith("2. ") and "large" in page.evaluate(
        "() => document.body.className")
    assert page.get_by_label("Visited").first.is_checked()
    context.close()
