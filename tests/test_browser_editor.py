"""The editor in a real browser on a touch tablet (1180x820): a new exhibition from an OSM
file and a CSV, one exhibit placed by tapping the map, a photo uploaded, published; then the
map page shows it (the app serves the published version) and the exported zip validates.
Screenshots to test-artifacts/editor-*.png.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator

import pytest
from conftest import TESTS
from support.browser import ARTIFACTS, LOCAL, settled, sync_api
from support.servers import App

from dashboard import catalog as cat

pytestmark = pytest.mark.browser

DATA = TESTS / "data" / "editor"
TABLET = {"viewport": {"width": 1180, "height": 820}, "has_touch": True}


@pytest.fixture(scope="module")
def app(tmp_path_factory, monkeypatch_module) -> Iterator[App]:
    tmp = tmp_path_factory.mktemp("editor")
    # The app serves what the editor publishes as "testgarten" (the id made from its name).
    monkeypatch_module.setenv("LERNREISE_EXHIBITION", "testgarten")
    monkeypatch_module.setenv("TMPDIR", str(tmp))  # the unpacked versions (serving.cache_root)
    server = App(TESTS / "data" / "mini", tmp)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def monkeypatch_module() -> Iterator[pytest.MonkeyPatch]:
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def _idle(page) -> None:
    """Wait until the script run that a tap started is over."""
    page.wait_for_timeout(300)
    settled(page)
    page.locator("[data-testid='stStatusWidget']").wait_for(state="detached", timeout=60_000)


def _section(page, name: str) -> None:
    page.locator(".st-key-edit-section button", has_text=name).tap()
    _idle(page)


def _tap_until(page, button, text: str, tries: int = 3) -> None:
    """Tap, and tap again if the tap met a script run still going (it is then lost); the
    saves tapped here land once however often (an upsert of the same exhibit)."""
    for attempt in range(tries):
        _idle(page)
        page.wait_for_timeout(700)
        button.tap()
        try:
            page.get_by_text(text).wait_for(timeout=20_000)
            return
        except sync_api.TimeoutError:
            if attempt == tries - 1:
                raise


CREDIT = "Foto: Testgarten-Team, CC BY 4.0"


def _map_frame(page):
    frame_el = page.locator("iframe[src*='streamlit_folium']").first
    frame_el.wait_for(timeout=60_000)
    frame_el.scroll_into_view_if_needed()
    frame = frame_el.content_frame
    frame.locator(".leaflet-container").wait_for(timeout=30_000)
    frame.locator(".leaflet-draw").wait_for(timeout=30_000)
    return frame


def _tap_at(page, frame, lat: float, lon: float) -> None:
    """A tap at a place on the map (Leaflet converts the place into the frame's pixels)."""
    handle = page.locator("iframe[src*='streamlit_folium']").first.element_handle()
    x, y = handle.content_frame().evaluate(
        "([lat, lon]) => { const p = window.map.latLngToContainerPoint([lat, lon]); "
        "return [p.x, p.y]; }", [lat, lon])
    box = page.locator("iframe[src*='streamlit_folium']").first.bounding_box()
    page.touchscreen.tap(box["x"] + x, box["y"] + y)
    page.wait_for_timeout(400)


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.wait_for_timeout(400)
    page.screenshot(path=str(ARTIFACTS / f"editor-{name}.png"))


def test_new_exhibition_on_a_tablet(app, browser, tmp_path):
    context = browser.new_context(locale="de-DE", accept_downloads=True, **TABLET)
    try:
        _journey(app, context, tmp_path)
    except Exception:
        for page in context.pages:  # what the page showed, for the person reading the failure
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "editor-failure.png"), full_page=True)
        raise
    finally:
        context.close()


def _journey(app, context, tmp_path) -> None:
    context.route("**/*", lambda route: route.continue_()
                  if route.request.url.startswith(LOCAL) else route.abort())
    page = context.new_page()
    page.goto(f"{app.url}/edit?lang=de")
    page.get_by_role("heading", name="Ausstellung bearbeiten").wait_for(timeout=60_000)

    # New exhibition (the expander is open while there is none).
    page.get_by_label("Name (deutsch)").first.fill("Testgarten")
    page.get_by_label("Name (englisch)").first.fill("Test garden")
    create = page.get_by_role("button", name="Anlegen")
    box = create.bounding_box()
    assert box["height"] >= 40, box
    create.tap()
    page.get_by_text("Probleme").first.wait_for(timeout=60_000)
    _idle(page)

    # The site from OpenStreetMap, previewed before it is taken.
    page.locator("[class*='st-key-edit-osm-'] input[type=file]").set_input_files(
        str(DATA / "site.osm"))
    page.get_by_text("Gefunden: 7 Wege, 3 Gebäude, 2 Gewässer.").wait_for(timeout=60_000)
    _idle(page)
    _shot(page, "site-preview")
    page.get_by_role("button", name="Gelände übernehmen").tap()
    page.get_by_text("Gelände übernommen.").wait_for(timeout=60_000)
    _idle(page)

    # A footpath drawn on the map with the line tool: across the path from the main path
    # to the stairs (a crossing connects), two taps and "Finish", then saved.
    frame = _map_frame(page)
    frame.locator("a.leaflet-draw-draw-polyline").tap()
    for lat, lon in ((47.6614, 9.1712), (47.6614, 9.1728)):
        _tap_at(page, frame, lat, lon)
    finish = frame.get_by_text("Finish", exact=True)
    if finish.is_visible():  # a second tap close in time may have finished the line already
        finish.tap()
    page.get_by_text("Gezeichnet: 8 Formen, noch nicht gespeichert.").wait_for(timeout=60_000)
    _idle(page)
    _shot(page, "path-drawn")
    page.get_by_role("button", name="Zeichnung speichern").tap()
    page.get_by_text("Zeichnung gespeichert.").wait_for(timeout=60_000)
    _idle(page)

    # Exhibits from a spreadsheet: mapping guessed, preview, then taken.
    _section(page, "Import")
    page.locator(".st-key-edit-table input[type=file]").set_input_files(
        str(DATA / "exhibits.csv"))
    page.get_by_text("Vorschau: 3 neu, 0 geändert, 0 unverändert, 0 abgelehnt.").wait_for(
        timeout=60_000)
    _idle(page)
    _shot(page, "import-preview")
    page.get_by_role("button", name="3 Exponate übernehmen").tap()
    page.get_by_text("Import übernommen.").wait_for(timeout=60_000)
    _idle(page)

    # One exhibit placed by tapping the map.
    _section(page, "Exponate")
    frame_el = page.locator("iframe[src*='streamlit_folium']").first
    frame_el.wait_for(timeout=60_000)
    for key, value in (("name_de", "Kühlhaus"), ("name_en", "Cold store"),
                       ("summary_de", "Kälte aus Sonnenstrom."),
                       ("summary_en", "Cold from solar power."),
                       ("sources", "https://example.org/kuehl")):
        field = page.locator(f".st-key-edit-f-{key}").locator("input, textarea")
        field.tap()
        field.fill(value)
        field.press("Tab")
        _idle(page)
    _idle(page)
    frame = frame_el.content_frame
    frame.locator(".leaflet-container").wait_for(timeout=30_000)
    frame_el.scroll_into_view_if_needed()
    box = frame_el.bounding_box()
    # The middle of the map is the middle of the site, beside the main footpath.
    page.touchscreen.tap(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.62)
    _idle(page)
    lat = page.locator(".st-key-edit-f-lat input")
    page.wait_for_function("el => parseFloat(el.value) > 47", arg=lat.element_handle(),
                           timeout=30_000)
    _shot(page, "exhibit-form")
    _tap_until(page, page.get_by_role("button", name="Exponat speichern"),
               "Exponat kuehlhaus gespeichert.")
    _idle(page)

    # A photo for it.
    _section(page, "Fotos")
    page.locator(".st-key-edit-photo-for").tap()
    page.get_by_role("option", name="Kühlhaus").tap()
    _idle(page)
    page.locator(".st-key-edit-photo input[type=file]").set_input_files(str(DATA / "photo.jpg"))
    _idle(page)
    page.get_by_label("Bildbeschreibung (deutsch)").fill("Das Kühlhaus")
    page.get_by_label("Bildbeschreibung (englisch)").fill("The cold store")
    _idle(page)
    page.get_by_role("button", name="Foto übernehmen").tap()  # without its credit: refused
    page.get_by_text("Bildnachweis und Lizenz: ist leer").wait_for(timeout=60_000)
    _idle(page)
    page.get_by_label("Bildnachweis und Lizenz (Pflicht)").fill(CREDIT)
    _idle(page)
    page.get_by_role("button", name="Foto übernehmen").tap()
    page.get_by_text("Foto gespeichert.").wait_for(timeout=60_000)
    _idle(page)
    page.get_by_text(CREDIT).wait_for(timeout=30_000)  # under the photo
    _shot(page, "photo")

    # Publish, then export the version as a zip.
    _section(page, "Veröffentlichen")
    page.get_by_text("Alles geprüft").wait_for(timeout=60_000)
    page.get_by_role("button", name="Veröffentlichen").last.tap()
    page.get_by_text("Version 1 veröffentlicht.").wait_for(timeout=60_000)
    _idle(page)
    _shot(page, "published")
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="Als Datenordner (ZIP) herunterladen").tap()
    archive = tmp_path / "testgarten.zip"
    download.value.save_as(archive)
    folder = tmp_path / "exported"
    zipfile.ZipFile(io.BytesIO(archive.read_bytes())).extractall(folder)
    catalog = cat.load(folder)  # what `validate` checks
    assert set(catalog.exhibits) == {"solarpavillon", "regengarten", "aussichtsturm",
                                     "kuehlhaus"}
    assert catalog.exhibits["kuehlhaus"].image == "images/kuehlhaus.jpg"
    assert catalog.exhibits["kuehlhaus"].image_credit == CREDIT
    drawn = json.loads((folder / "geo" / "paths.geojson").read_text())["features"]
    assert [f["properties"]["id"] for f in drawn][-1] == "drawn-path-8"

    # The app serves the published version: the map page shows it with the new exhibit.
    page.goto(f"{app.url}/?lang=de")
    page.get_by_role("heading", name="Testgarten").wait_for(timeout=60_000)
    page.get_by_text("4 von 4 Exponaten").wait_for(timeout=60_000)
    _idle(page)
    _shot(page, "map-after-publish")
    # Its card on the map page: the photo, served by the app, with its credit under it.
    page.goto(f"{app.url}/?lang=de&exhibit=kuehlhaus")
    page.get_by_role("heading", name="Kühlhaus").wait_for(timeout=60_000)
    photo = page.get_by_role("img", name="Das Kühlhaus")
    photo.wait_for(timeout=60_000)
    assert photo.evaluate("img => img.complete && img.naturalWidth > 0")
    page.get_by_text(CREDIT).wait_for(timeout=30_000)
    photo.scroll_into_view_if_needed()
    _idle(page)
    _shot(page, "map-card-photo")


def test_drag_a_marker_and_edit_the_lists_on_a_tablet(app, browser):
    """An exhibit moved by dragging its marker in the drawing tool's edit mode; a zone added in
    the Lists section, its area drawn under Site; a refused delete says in German who uses
    the zone."""
    import sys

    sys.path.insert(0, str(TESTS))
    from test_editor_page import garden_files

    from dashboard.editor import access, draft, lists
    from dashboard.store.exhibitions import ExhibitionStore

    store = ExhibitionStore(app.database_url)
    store.create(access.editor_actor("Anna"), "ziehgarten", "Ziehgarten", garden_files())
    context = browser.new_context(locale="de-DE", **TABLET)
    context.route("**/*", lambda route: route.continue_()
                  if route.request.url.startswith(LOCAL) else route.abort())
    page = context.new_page()
    try:
        page.goto(f"{app.url}/edit?lang=de")
        page.get_by_role("heading", name="Ausstellung bearbeiten").wait_for(timeout=60_000)
        _idle(page)
        page.locator(".st-key-edit-pick button").tap()
        page.get_by_role("option", name="Ziehgarten").tap()
        page.get_by_text("Alles geprüft").wait_for(timeout=60_000)
        _idle(page)

        # Drag the observation tower's marker in the pen tool, save in the toolbar, then here.
        _section(page, "Exponate")
        page.locator(".st-key-edit-drag label").tap()
        _idle(page)
        page.wait_for_timeout(1500)  # the tap map is replaced by the drag map
        _idle(page)
        frame = _map_frame(page)
        frame.locator("a.leaflet-draw-edit-edit").tap()
        page.wait_for_timeout(500)
        handle = page.locator("iframe[src*='streamlit_folium']").first.element_handle()
        x, y = handle.content_frame().evaluate(
            "([lat, lon]) => { const p = window.map.latLngToContainerPoint([lat, lon]); "
            "return [p.x, p.y]; }", [47.6623, 9.1722])
        box = page.locator("iframe[src*='streamlit_folium']").first.bounding_box()
        page.mouse.move(box["x"] + x, box["y"] + y)
        page.mouse.down()
        page.mouse.move(box["x"] + x + 30, box["y"] + y + 25, steps=8)
        page.mouse.up()
        frame.get_by_text("Save", exact=True).first.tap()
        page.get_by_text("Verschoben: Aussichtsturm").wait_for(timeout=60_000)
        _idle(page)
        _shot(page, "drag")
        page.get_by_role("button", name="1 neue Orte speichern").tap()
        page.get_by_text("1 Orte gespeichert.").wait_for(timeout=60_000)
        _idle(page)
        tower = next(e for e in draft.exhibits(store.draft("ziehgarten")[1])
                     if e["id"] == "aussichtsturm")
        assert tower["location"]["lon"] > 9.1722 and tower["location"]["lat"] < 9.1722 + 47

        # Lists: a refused delete names who uses the zone, in German; a new zone is added.
        _section(page, "Listen")
        page.locator(".st-key-edit-l-kind").get_by_role("radio", name="Bereiche",
                                                         exact=True).tap()
        _idle(page)
        page.locator(".st-key-edit-l-zone-pick button").tap()
        page.get_by_role("option", name="Gelände").tap()
        _idle(page)
        page.get_by_role("button", name="Löschen").tap()
        page.get_by_text("Bereich 'gelaende' wird verwendet von Exponat").wait_for(
            timeout=60_000)
        _idle(page)
        _shot(page, "lists-refused")
        page.locator(".st-key-edit-l-zone-pick button").tap()
        page.get_by_role("option", name="+ Neu").tap()
        _idle(page)
        for key, value in (("name_de", "Nordwiese"), ("name_en", "North meadow")):
            field = page.locator(f".st-key-edit-l-zone-f-{key} input")
            field.tap()
            field.fill(value)
            field.press("Tab")
            _idle(page)
        page.get_by_text("noch keine Fläche").first.wait_for(timeout=60_000)
        _shot(page, "lists-zone")
        page.get_by_role("button", name="Speichern").tap()
        page.get_by_text("nordwiese gespeichert.").wait_for(timeout=60_000)
        _idle(page)
        assert lists.zones_without_polygon(store.draft("ziehgarten")[1]) == ["nordwiese"]
    except Exception:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "editor-failure-2.png"), full_page=True)
        (ARTIFACTS / "editor-failure-2.html").write_text(page.content())
        raise
    finally:
        context.close()
