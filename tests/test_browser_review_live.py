"""The review in a live workshop, in a real browser on a touch tablet (issue 16): the
sequence of taps that used to crash the page on the next tap after a write, in German and in
English, and where the "saved" / "not saved" messages appear.

After every step: no exception on the page, "Your name" still filled in; at the end the store
holds each note and follow-up once. Screenshots to test-artifacts/."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Error as PlaywrightError
from support.browser import ARTIFACTS, new_context, settled
from support.servers import App
from test_review_page import review_data

from dashboard import catalog as cat
from dashboard import store
from dashboard.roles import Actor

pytestmark = pytest.mark.browser

TABLET = {"viewport": {"width": 1180, "height": 820}, "has_touch": True}
DESKTOP = {"viewport": {"width": 1440, "height": 900}}
WORDS = {
    "de": {"name": "Ihr Name", "saved": "Notiz gespeichert.", "deleted": "Notiz gelöscht.",
           "undo": "Rückgängig", "restored": "Notiz wiederhergestellt.",
           "follow_ups": "Folgeaufgaben", "exhibits": "Exponate und Notizen",
           "fu_saved": "Folgeaufgabe gespeichert.", "noted": "Nur mit Notiz",
           "other_city": "Nachbarstadt", "city": "Testhausen", "refused": "Nicht gespeichert"},
    "en": {"name": "Your name", "saved": "Note saved.", "deleted": "Note deleted.",
           "undo": "Undo", "restored": "Note restored.", "follow_ups": "Follow-ups",
           "exhibits": "Exhibits and notes", "fu_saved": "Follow-up saved.",
           "noted": "Noted only", "other_city": "Neighbour town", "city": "Testhausen",
           "refused": "Not saved"},
}


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[tuple[App, store.NoteStore]]:
    tmp = tmp_path_factory.mktemp("review-live")
    data = review_data(tmp / "data")
    url = f"sqlite:///{tmp / 'browser.sqlite3'}"  # the App's database
    notes, _ = store.open_review_stores(cat.load(data), url)
    server = App(data, tmp)
    yield server, notes
    server.stop()
    notes.dispose()


def open_page(browser, app: App, lang: str, size: dict, author: str):
    context = new_context(browser, locale=f"{lang}-DE", **size)
    page = context.new_page()
    page.goto(f"{app.url}/review?exhibit=solar-roof&city=testhausen&lang={lang}")
    page.locator(".st-key-review-add-note textarea").wait_for(timeout=60_000)
    name = page.get_by_label(WORDS[lang]["name"])
    tap(page, name, size)
    name.fill(author)
    name.press("Enter")
    settle(page)
    return context, page


def tap(page, locator, size: dict) -> None:
    """Tap (or click) `locator`. On a loaded machine a run that began late may replace the
    element between finding and tapping it ("not attached to the DOM"): then wait for that
    run to end and tap the new element, at most three times."""
    for attempt in range(3):
        try:
            locator.scroll_into_view_if_needed()
            if size.get("has_touch"):
                locator.tap()
            else:
                locator.click()
            return
        except PlaywrightError as exc:
            if "not attached" not in str(exc) or attempt == 2:
                raise
            settle(page)


def settle(page) -> None:
    """Wait until the app's run is over (the run's state on the app element, and Streamlit's
    status widget gone)."""
    page.wait_for_timeout(300)
    settled(page)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
    page.wait_for_timeout(200)


def check(page, lang: str, author: str, step: str) -> None:
    assert page.locator("[data-testid='stException']").count() == 0, step
    assert page.get_by_text("This app has encountered an error").count() == 0, step
    assert page.get_by_label(WORDS[lang]["name"]).input_value() == author, step


def choose(page, widget: str, option: str, size: dict) -> None:
    """Pick `option` in the selectbox of key `widget` (dots as dashes) by tapping."""
    tap(page, page.locator(f".st-key-{widget}").get_by_role("combobox"), size)
    tap(page, page.get_by_role("option", name=option, exact=True), size)
    settle(page)


def write_note(page, text: str, size: dict) -> None:
    note = page.locator(".st-key-review-add-note textarea")
    tap(page, note, size)
    note.fill(text)
    tap(page, page.locator("[class*='st-key-review-save-note-'] button"), size)
    settle(page)


def in_view(page, locator) -> dict:
    """The element's box, asserted to be inside the viewport (1 px for sub-pixel rounding)."""
    page.wait_for_timeout(300)  # the page's own scroll to the message runs after drawing
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height + 1, box
    return box


@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_crashing_sequence_on_a_tablet(served, browser, lang: str):
    app, notes = served
    words, author = WORDS[lang], f"Anna {lang}"
    context, page = open_page(browser, app, lang, TABLET, author)
    step = "open"
    check(page, lang, author, step)

    write_note(page, f"Erste Notiz {lang}", TABLET)
    page.get_by_text(words["saved"]).wait_for(timeout=15_000)
    check(page, lang, author, "first note")

    choose(page, "review-w-new-testhausen-department", "IT", TABLET)
    check(page, lang, author, "department changed")
    write_note(page, f"Zweite Notiz {lang}", TABLET)
    page.locator(".review-note", has_text=f"Zweite Notiz {lang}").wait_for(timeout=15_000)
    check(page, lang, author, "second note")

    mine = [n for n in notes.list_notes(Actor.admin(), city_id="testhausen")
            if n.author == author]
    first = next(n for n in mine if n.text == f"Erste Notiz {lang}")
    tap(page, page.locator(f"[class*='st-key-review-delete-{first.id}-'] button"), TABLET)
    settle(page)
    page.get_by_text(words["deleted"]).wait_for(timeout=15_000)
    check(page, lang, author, "deleted")
    tap(page, page.locator(".st-key-review-undo-box button"), TABLET)
    settle(page)
    page.get_by_text(words["restored"]).wait_for(timeout=15_000)
    check(page, lang, author, "undone")

    tab = page.locator(".st-key-review-w-tab button", has_text=words["follow_ups"])
    tap(page, tab, TABLET)
    settle(page)
    for n in (1, 2):
        form = page.locator(".st-key-review-fu-form")
        inputs = form.locator("input[type='text']")
        tap(page, inputs.nth(0), TABLET)
        inputs.nth(0).fill(f"Aufgabe {n} {lang}")
        inputs.nth(0).press("Tab")
        inputs.nth(1).fill(author)
        inputs.nth(1).press("Tab")
        settle(page)
        tap(page, page.locator("[class*='st-key-review-fu-save-'] button"), TABLET)
        settle(page)
        page.locator(".st-key-review-fu-form").get_by_text(words["fu_saved"]).wait_for(
            timeout=15_000)
        check(page, lang, author, f"follow-up {n}")

    choose(page, "w-city", words["other_city"], TABLET)
    check(page, lang, author, "other city")
    choose(page, "w-city", words["city"], TABLET)
    check(page, lang, author, "city back")
    tap(page, page.locator(".st-key-review-w-tab button", has_text=words["exhibits"]), TABLET)
    settle(page)
    toggle = page.locator(".st-key-review-w-f-noted label")
    tap(page, toggle, TABLET)
    settle(page)
    check(page, lang, author, "filter toggled")
    assert page.locator(".review-note", has_text=f"Zweite Notiz {lang}").count() == 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"review-live-{lang}.png"))
    context.close()

    # Nothing stored twice: two notes (the first one restored) and two follow-ups.
    mine = [n for n in notes.list_notes(Actor.admin(), city_id="testhausen")
            if n.author == author]
    assert sorted((n.text, n.department) for n in mine) == [
        (f"Erste Notiz {lang}", "bau"), (f"Zweite Notiz {lang}", "it")]
    assert not notes.list_notes(Actor.admin(), city_id="testhausen", deleted=True)
    items = [f.action for f in notes.list_follow_ups(city_id="testhausen")
             if f.owner == author]
    assert sorted(items) == [f"Aufgabe 1 {lang}", f"Aufgabe 2 {lang}"]


@pytest.mark.parametrize("size", [DESKTOP, TABLET], ids=["1440x900", "1180x820"])
def test_saved_and_not_saved_appear_where_the_tap_was(served, browser, size: dict):
    app, _ = served
    label = f"{size['viewport']['width']}"
    author = f"Ben {label}"
    context, page = open_page(browser, app, "en", size, author)
    write_note(page, f"Sichtbar {label}", size)
    saved = page.locator(".st-key-review-add-note [data-testid='stAlert']",
                         has_text=WORDS["en"]["saved"])
    saved.wait_for(timeout=15_000)
    message = in_view(page, saved)
    button = in_view(page, page.locator("[class*='st-key-review-save-note-'] button"))
    assert 0 <= message["y"] - button["y"] < 200, (message, button)

    # An empty follow-up: "Not saved" right under its button, in view.
    tap(page, page.locator(".st-key-review-w-tab button", has_text="Follow-ups"), size)
    settle(page)
    save = page.locator("[class*='st-key-review-fu-save-'] button")
    tap(page, save, size)
    settle(page)
    refused = page.locator(".st-key-review-fu-form [data-testid='stAlert']",
                           has_text=WORDS["en"]["refused"])
    refused.wait_for(timeout=15_000)
    message = in_view(page, refused)
    button = in_view(page, save)
    assert 0 <= message["y"] - button["y"] < 200, (message, button)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"review-message-{label}.png"))
    context.close()
