"""The review page in a real browser at tablet size with touch: type a name, write a note by
tapping, see it listed (as text, also when it is hostile). Screenshot to test-artifacts/."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from support.browser import ARTIFACTS, new_context, run_and_settle
from support.servers import App
from test_review_page import review_data

from dashboard import catalog as cat
from dashboard import store
from dashboard.roles import Actor

pytestmark = pytest.mark.browser

TABLET = {"viewport": {"width": 1180, "height": 820}, "has_touch": True}
HOSTILE = "<script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1)) " \
          "${alert(1)}"


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> Iterator[App]:
    tmp = tmp_path_factory.mktemp("review")
    data = review_data(tmp / "data")
    url = f"sqlite:///{tmp / 'browser.sqlite3'}"  # the App's database
    notes, workshop = store.open_review_stores(cat.load(data), url)
    workshop.add_topic(Actor.workshop("Nora"), city_id="nachbarstadt", title=f"Thema {HOSTILE}",
                       text=HOSTILE, exhibits=["solar-roof"])
    notes.dispose()
    with App(data, tmp) as server:
        yield server


def test_write_a_note_by_tapping_on_a_tablet(app, browser):
    context = new_context(browser, locale="de-DE", **TABLET)
    page = context.new_page()
    dialogs = context.dialogs
    page.goto(f"{app.url}/review?exhibit=solar-roof&lang=de")
    page.get_by_role("heading", name="Auswertung der Lernreise").wait_for(timeout=60_000)
    page.get_by_text("Notizen von Testhausen").wait_for(timeout=60_000)

    name = page.get_by_label("Ihr Name")
    name.tap()
    name.fill("Anna")
    # Typed into a page whose run is over, so that run does not redraw it away.
    run_and_settle(page, lambda: name.press("Enter"))
    note = page.locator(".st-key-review-add-note textarea")
    note.wait_for(timeout=30_000)
    note.tap()
    note.fill(f"Für **Schuldächer** prüfen. {HOSTILE}")
    run_and_settle(page, lambda: page.locator(".st-key-review-add-note")
                   .get_by_text("5", exact=True).tap())
    save = page.locator("[class*='st-key-review-save-note-'] button")
    box = save.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44, box
    save.tap()

    listed = page.locator(".review-note strong", has_text="Schuldächer")
    listed.wait_for(timeout=30_000)
    page.get_by_text("Notiz gespeichert.").wait_for(timeout=10_000)
    shown = page.locator(".review-note").filter(has_text="Schuldächer")
    assert "<img src=x onerror=alert(1)>" in shown.inner_text()  # shown as text ...
    assert shown.locator("img, a[href^='javascript']").count() == 0  # ... not as markup
    page.get_by_text("Anna · Bauwesen · Relevanz 5/5").wait_for(timeout=10_000)
    # Buttons of the listed note are touch targets too.
    for button in page.locator("[class*='st-key-review-edit-'] button, "
                               "[class*='st-key-review-delete-'] button").all():
        box = button.bounding_box()
        assert box["height"] >= 44, box
    page.wait_for_timeout(500)
    ARTIFACTS.mkdir(exist_ok=True)
    shown.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "review-tablet.png"))

    # A hostile workshop topic (title and Markdown text) is text as well.
    tab = page.locator(".st-key-review-w-tab button", has_text="Workshop")
    box = tab.bounding_box()
    assert box["height"] >= 44, box  # the tab control is a touch target too
    tab.tap()
    topic = page.locator("[class*='st-key-review-topic-card-']").first
    topic.wait_for(timeout=30_000)
    assert "Thema <script>alert(1)</script>" in topic.inner_text()
    assert topic.locator("script, img, a[href^='javascript']").count() == 0
    page.wait_for_timeout(500)
    assert dialogs == []
    context.close()
