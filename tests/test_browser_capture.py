"""The tour feeds the review, in a real browser with touch on a tablet and a phone: at the
stops of a tour mark two stops "relevant for us", write a note, take a photo with Chromium's
fake camera, go offline for a capture and come back; a half-written note survives moving to
another stop. Then on /review the drafts with the photo are there once; publish one; the
report PDF shows the photo with its caption (read back with pypdf). Screenshots of the capture
area go to test-artifacts/."""

from __future__ import annotations

import datetime as dt
import io
import re
import time
from pathlib import Path

import pytest
from pypdf import PdfReader
from support.browser import ARTIFACTS, new_context, settled
from support.servers import WithTour

from dashboard import links, routing, store
from dashboard.roles import Actor

pytestmark = pytest.mark.browser

DEVICES = {
    "tablet": {"viewport": {"width": 1180, "height": 820}, "has_touch": True},
    "phone": {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True,
              "device_scale_factor": 2},
}
STOPS = ("skaio", "karlssee-wassershow", "buga-log")
OUTBOX = "() => JSON.parse(localStorage.getItem('lernreise.capture.outbox') || '[]').length"
SENT = "Gesendet: Sie finden es"  # has_text ignores case: not "wird gesendet"


@pytest.fixture(scope="module")
def app(default_app) -> WithTour:
    tours = store.open_store(default_app.database_url)
    try:
        request = routing.TourRequest(stops=STOPS, optimize=False, date=dt.date(2019, 6, 1))
        tour_id = tours.save_tour(request.to_dict(), "Erfassen-Tour", "buga2019-heilbronn")
    finally:
        tours.dispose()
    return WithTour(default_app, tour_id)


def drafts(app, name: str) -> list[store.ExhibitDraft]:
    captures = store.CaptureStore(store.Database(app.database_url))
    try:
        return captures.drafts(Actor.workshop(), city_id="konstanz", author=name,
                               exhibition_id="buga2019-heilbronn")
    finally:
        captures.database.dispose()


def status(page, text: str, timeout: float = 30_000) -> None:
    page.locator(".lr-cap-status", has_text=text).wait_for(timeout=timeout)


def tap_next(page, number: int) -> None:
    page.locator(".st-key-visitor-next button").tap()
    stop_heading(page, number).wait_for(timeout=30_000)
    settled(page)


def stop_heading(page, number: int):
    return page.get_by_role("heading", name=re.compile(rf"^{number}\. "))


def big_enough(locator) -> None:
    box = locator.bounding_box()
    assert box is not None and box["height"] >= 44 and box["width"] >= 44, box


@pytest.mark.parametrize("device", list(DEVICES))
def test_capture_on_the_tour_and_publish_in_the_review(app, camera_browser, device):
    name = f"Lena {device}"
    context = new_context(camera_browser, locale="de-DE", permissions=["camera"],
                          **DEVICES[device])
    page = context.new_page()
    page.goto(links.share_url(app.url, app.tour_id, "de"))
    area = page.locator(".lr-cap")
    area.wait_for(timeout=90_000)
    settled(page)

    # Stop 1: one tap marks it, a department, then a note with a photo from the camera.
    page.locator(".lr-cap-name").fill(name)
    relevant = page.locator(".lr-cap-relevant")
    big_enough(relevant)
    relevant.tap()
    status(page, SENT)
    assert relevant.get_attribute("aria-pressed") == "true"
    department = page.locator(".lr-cap-dep", has_text="Bauwesen")
    big_enough(department)
    department.tap()
    page.locator(".lr-cap-more summary").tap()
    page.locator(".lr-cap-text").fill("Holzbau für unser Bauamt: Brandschutz fragen")
    page.locator(".lr-cap-camera").tap()
    page.locator(".lr-cap-camera-view video").wait_for(timeout=20_000)
    page.wait_for_timeout(800)  # the fake camera's first frames
    page.locator(".lr-cap-snap").tap()
    page.locator(".lr-cap-preview-img").wait_for(timeout=10_000)
    page.locator(".lr-cap-caption").fill("Die Fassade aus Holz")
    save = page.locator(".lr-cap-save")
    big_enough(save)
    save.tap()
    status(page, SENT)
    area.scroll_into_view_if_needed()
    area.screenshot(path=str(ARTIFACTS / f"capture-{device}.png"))

    # Stop 2: marked; a half-written note stays when the tablet moves on and comes back.
    tap_next(page, 2)
    page.locator(".lr-cap-relevant").tap()
    status(page, SENT)
    page.locator(".lr-cap-more summary").tap()
    page.locator(".lr-cap-text").fill("Halb geschrieben")
    tap_next(page, 3)
    assert page.locator(".lr-cap-text").input_value() == ""
    assert "Karlssee" in page.locator(".lr-cap-elsewhere").inner_text()
    page.locator(".st-key-visitor-prev button").tap()
    stop_heading(page, 2).wait_for(timeout=30_000)
    settled(page)
    assert page.locator(".lr-cap-text").input_value() == "Halb geschrieben"

    # Offline: kept on the tablet, said so, sent when the connection is back (once).
    context.set_offline(True)
    page.wait_for_timeout(500)
    page.locator(".lr-cap-text").fill("Ohne Netz notiert: Wasserspiele für den Stadtgarten")
    page.locator(".lr-cap-save").tap()
    status(page, "Auf diesem Tablet gespeichert", timeout=15_000)
    assert page.evaluate(OUTBOX) == 1
    offline_texts = [c.text for d in drafts(app, name) for c in d.captures]
    assert not any("Ohne Netz" in text for text in offline_texts)  # really not sent yet
    area.scroll_into_view_if_needed()
    area.screenshot(path=str(ARTIFACTS / f"capture-{device}-offline.png"))
    context.set_offline(False)
    status(page, SENT, timeout=60_000)
    assert page.evaluate(OUTBOX) == 0
    time.sleep(5)  # a resend or two more (RETRY_MS) must not store it again

    kept = {d.exhibit_id: d for d in drafts(app, name)}
    assert set(kept) == {"skaio", "karlssee-wassershow"}
    assert kept["skaio"].relevant and kept["skaio"].departments == ("bauwesen",)
    assert len(kept["skaio"].photos) == 1
    assert [c.text for c in kept["skaio"].captures if c.text] == [
        "Holzbau für unser Bauamt: Brandschutz fragen"]
    assert [c.text for c in kept["karlssee-wassershow"].captures if c.text] == [
        "Ohne Netz notiert: Wasserspiele für den Stadtgarten"]

    # The review: the drafts with the photo, once; publish the first stop's as a note.
    page.goto(f"{app.url}/review?lang=de")
    your_name = page.get_by_label("Ihr Name", exact=True)
    your_name.wait_for(timeout=60_000)
    your_name.fill(name)
    your_name.press("Enter")
    page.get_by_text("Von der Tour: Ihre Entwürfe zu 2 Exponaten").wait_for(timeout=30_000)
    settled(page)
    page.locator(".st-key-review-tour-open-skaio button").tap()
    box = page.locator(".st-key-review-from-tour")
    box.wait_for(timeout=30_000)
    settled(page)
    shown_captures = box.locator("[class*='st-key-review-capture-']")
    assert shown_captures.filter(has_text="Brandschutz fragen").count() == 1
    box.locator("img").first.wait_for(timeout=15_000)
    assert box.locator("img").count() == 1
    box.get_by_text("Foto: " + name, exact=False).wait_for(timeout=10_000)
    box.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / f"review-from-tour-{device}.png"))
    publish = page.locator("[class*='st-key-review-publish-skaio-'] button")
    big_enough(publish)
    publish.tap()
    page.get_by_text("Als Notiz veröffentlicht.").wait_for(timeout=30_000)
    settled(page)
    assert [d.exhibit_id for d in drafts(app, name)] == ["karlssee-wassershow"]
    published = page.locator("[class*='st-key-review-note-']").filter(
        has_text="Brandschutz fragen")
    published.first.wait_for(timeout=30_000)

    # The report PDF: the photo with its caption.
    page.locator(".st-key-review-w-tab button", has_text="Bericht").tap()
    download = page.locator(".st-key-review-dl-pdf button")
    download.wait_for(timeout=30_000)
    settled(page)
    with page.expect_download(timeout=120_000) as got:
        download.tap()
    pdf = PdfReader(io.BytesIO(Path(got.value.path()).read_bytes()))
    text = " ".join(p.extract_text() for p in pdf.pages)
    assert "Die Fassade aus Holz" in text
    assert sum(len(p.images) for p in pdf.pages) >= 1
    assert context.dialogs == []
    context.close()


def test_a_half_written_note_survives_the_guides_moves(default_app, browser):
    """A tablet following the guide: typing goes on through the follow polls, and the guide
    moving the group on and back does not lose what was typed at a stop."""
    tours = store.open_store(default_app.database_url)
    leads = store.LeadStore(default_app.database_url)
    try:
        request = routing.TourRequest(stops=STOPS, optimize=False, date=dt.date(2019, 6, 1))
        tour_id = tours.save_tour(request.to_dict(), "Geführt erfassen", "buga2019-heilbronn")
        lead, _code, key = leads.start(tour_id)
        context = new_context(browser, locale="de-DE", **DEVICES["tablet"])
        page = context.new_page()
        page.goto(links.share_url(default_app.url, tour_id, "de"))
        page.locator(".lr-cap").wait_for(timeout=90_000)
        page.locator(".st-key-w-lead-follow").wait_for(timeout=60_000)  # it follows
        settled(page)
        first = stop_heading(page, 1).inner_text()
        page.locator(".lr-cap-name").fill("Gina")
        page.locator(".lr-cap-more summary").tap()
        text = page.locator(".lr-cap-text")
        text.tap()
        text.type("Fragen: wer wartet die Anlage")
        page.wait_for_timeout(5_000)  # two follow polls and more
        assert text.input_value() == "Fragen: wer wartet die Anlage"

        leads.goto(lead.id, key, 1)
        stop_heading(page, 2).wait_for(timeout=30_000)
        settled(page)
        assert page.locator(".lr-cap-text").input_value() == ""
        assert first.split(". ", 1)[1] in page.locator(".lr-cap-elsewhere").inner_text()
        leads.goto(lead.id, key, 0)
        stop_heading(page, 1).wait_for(timeout=30_000)
        settled(page)
        page.locator(".lr-cap-more[open]").wait_for(timeout=10_000)
        assert page.locator(".lr-cap-text").input_value() == "Fragen: wer wartet die Anlage"
        assert context.dialogs == []
        context.close()
    finally:
        leads.dispose()
        tours.dispose()
