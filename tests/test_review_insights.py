"""The review's insights: the data behind each chart, the 3D deck, the page section in AppTest
and in a real browser (charts and deck drawn, every request on 127.0.0.1, a screenshot).

The expected figures are worked out by hand from the notes below, not by the code under test:

    Konstanz (own, live)                 category                  relevance
    skaio          Bauwesen              Holzbau & Bauinnovation   5
    skaio          Kommunale Finanzen    Holzbau & Bauinnovation   3
    holzpavillon   Bauwesen              Bionische Pavillons       4
    faserpavillon  IT                    Bionische Pavillons       2
    wlan-glasfaser IT                    Digitales                 1
    (wlan-glasfaser IT 5, deleted; a Heilbronn note on skaio, relevance 1: both not counted)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import DEFAULT_DATA, ROOT, edit_yaml, exhibit
from streamlit.testing.v1 import AppTest
from support.apptest import start_app
from support.browser import ARTIFACTS, new_context
from support.servers import App

from dashboard import catalog as cat
from dashboard import maps
from dashboard.review import domain
from dashboard.roles import Actor
from dashboard.store import Database, NoteStore
from dashboard.store.notes import Note, Transferability
from dashboard.ui.review import insights as review_insights

NOW = dt.datetime(2019, 6, 20, 12, tzinfo=dt.UTC)
PAGE = ROOT / "tests" / "insights_page.py"
WOOD, PAVILIONS, DIGITAL = "Holzbau & Bauinnovation", "Bionische Pavillons", "Digitales"
XSS = "<img src=x onerror=alert(1)> ${alert(1)} `x`"
LOCAL = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")

FIXTURE = [  # exhibit, city, department, relevance, deleted
    ("skaio", "konstanz", "bauwesen", 5, False),
    ("skaio", "konstanz", "finanzen", 3, False),
    ("holzpavillon", "konstanz", "bauwesen", 4, False),
    ("faserpavillon", "konstanz", "it", 2, False),
    ("wlan-glasfaser", "konstanz", "it", 1, False),
    ("wlan-glasfaser", "konstanz", "it", 5, True),
    ("skaio", "heilbronn", "bauwesen", 1, False),
]


@pytest.fixture(scope="module")
def catalog() -> cat.Catalog:
    return cat.load(DEFAULT_DATA)


@pytest.fixture(scope="module")
def notes() -> list[Note]:
    return [
        Note(id=k, exhibition_id="buga2019-heilbronn", exhibit_id=ex, city_id=city,
             department=dep, author="A", text="t", relevance=rel,
             transferability=Transferability.ADAPT, tags=(), shared=True, version=1,
             created_at=NOW, updated_at=NOW, deleted_at=NOW if deleted else None)
        for k, (ex, city, dep, rel, deleted) in enumerate(FIXTURE, start=1)
    ]


@pytest.fixture(scope="module")
def mine(notes) -> list[Note]:
    return domain.city_live_notes(notes, "konstanz")


def records(frame) -> list[tuple]:
    return [tuple(r) for r in frame.itertuples(index=False)]


def chart_data(chart) -> list[list[dict]]:
    """The data sets an Altair chart sends to Vega-Lite."""
    return list(chart.to_dict()["datasets"].values())


# --- the data behind each chart ---------------------------------------------------------------


def test_only_the_citys_live_notes_count(catalog, notes, mine):
    assert len(mine) == 5
    assert {n.city_id for n in mine} == {"konstanz"} and not any(n.deleted for n in mine)
    gone = dataclasses.replace(notes[0], exhibit_id="not-in-the-data")
    assert len(domain.city_live_notes([*notes, gone], "konstanz", catalog)) == 5


def test_relevance_by_category(catalog, mine):
    frame = domain.relevance_by_category(catalog, mine, "de")
    assert records(frame) == [
        (WOOD, "#6d4c41", 2, 4.0, "4,0"),
        (PAVILIONS, "#7d3c98", 2, 3.0, "3,0"),
        (DIGITAL, "#c2185b", 1, 1.0, "1,0"),
    ]
    english = domain.relevance_by_category(catalog, mine, "en")
    assert english["category"].iloc[0] == "Timber & innovative construction"
    assert list(english["mean_text"]) == ["4.0", "3.0", "1.0"]


def test_relevance_by_department(catalog, mine):
    frame = domain.relevance_by_department(catalog, mine, "de")
    assert records(frame) == [
        ("Bauwesen", 2, 4.5, "4,5"), ("Kommunale Finanzen", 1, 3.0, "3,0"), ("IT", 2, 1.5, "1,5"),
    ]


def test_relevance_cells_by_department_and_category(catalog, mine):
    frame = domain.relevance_cells(catalog, mine, "de", by=("department", "category"))
    assert sorted(records(frame)) == sorted([
        ("Bauwesen", WOOD, 1, 5.0, "5,0"), ("Bauwesen", PAVILIONS, 1, 4.0, "4,0"),
        ("Kommunale Finanzen", WOOD, 1, 3.0, "3,0"), ("IT", PAVILIONS, 1, 2.0, "2,0"),
        ("IT", DIGITAL, 1, 1.0, "1,0"),
    ])
    with pytest.raises(ValueError, match="group by"):
        domain.relevance_cells(catalog, mine, "de", by=("author",))


def test_department_exhibit_cells(catalog, mine):
    frame = domain.relevance_cells(catalog, mine, "de", by=("exhibit", "department"))
    name = {e: catalog.exhibits[e].name.de for e in ("skaio", "holzpavillon", "faserpavillon",
                                                     "wlan-glasfaser")}
    assert sorted(records(frame)) == sorted([
        (name["skaio"], "Bauwesen", 1, 5.0, "5,0"),
        (name["skaio"], "Kommunale Finanzen", 1, 3.0, "3,0"),
        (name["holzpavillon"], "Bauwesen", 1, 4.0, "4,0"),
        (name["faserpavillon"], "IT", 1, 2.0, "2,0"),
        (name["wlan-glasfaser"], "IT", 1, 1.0, "1,0"),
    ])


def test_empty_data_has_the_columns(catalog):
    assert domain.relevance_by_category(catalog, [], "de").empty
    assert list(domain.relevance_by_department(catalog, [], "de").columns) == [
        "department", "notes", "mean_relevance", "mean_text"]


def test_category_chart_in_the_category_colours(catalog, mine):
    chart = review_insights.category_chart(catalog, mine, "en")
    spec = chart.to_dict()
    (values,) = chart_data(chart)
    assert [(v["category"], v["color"], v["notes"], v["mean_relevance"]) for v in values] == [
        ("Timber & innovative construction", "#6d4c41", 2, 4.0),
        ("Biomimetic pavilions", "#7d3c98", 2, 3.0), ("Digital", "#c2185b", 1, 1.0)]
    bars = spec["layer"][0]["encoding"]
    assert bars["color"] == {"field": "color", "type": "nominal", "scale": None, "legend": None}
    assert spec["title"]["text"] == "Relevance by category"
    assert spec["description"].startswith("Relevance by category. Bar chart")


def test_department_chart_colours_and_titles(catalog, mine):
    chart = review_insights.department_chart(catalog, mine, "de")
    spec = chart.to_dict()
    scale = spec["layer"][1]["encoding"]["color"]["scale"]
    # The categories with notes, each in its own colour (the legend names no others).
    assert dict(zip(scale["domain"], scale["range"], strict=True)) == {
        WOOD: "#6d4c41", PAVILIONS: "#7d3c98", DIGITAL: "#c2185b"}
    assert spec["layer"][0]["encoding"]["y"]["sort"] == ["Bauwesen", "Kommunale Finanzen", "IT"]
    assert spec["title"]["text"] == "Relevanz nach Fachbereich"
    assert "Punktdiagramm" in spec["description"]


def test_matrix_chart_shows_mean_and_count(catalog, mine):
    cells = domain.relevance_cells(catalog, mine, "de", by=("exhibit", "department"))
    spec = review_insights.matrix_chart(cells, "de").to_dict()
    assert spec["title"]["text"] == "Fachbereiche × Exponate"
    heat, text = spec["layer"]
    assert heat["mark"]["type"] == "rect" and text["mark"]["type"] == "text"
    assert heat["encoding"]["color"]["scale"]["domain"] == [1, 5]
    assert text["transform"][0]["calculate"] == "datum.mean_text + ' (' + datum.notes + ')'"


# --- the 3D deck -----------------------------------------------------------------------------


def test_deck_has_a_column_per_noted_exhibit(catalog, mine):
    deck = maps.interest_deck(catalog, domain.interest_columns(catalog, mine, "de"), "de")
    spec = json.loads(deck.to_json())
    layers = {layer["id"]: layer for layer in spec["layers"]}
    columns = layers["interest"]
    assert columns["@@type"] == "ColumnLayer"
    height = {c["exhibit_id"]: c["elevation"] for c in columns["data"]}
    # interest = notes x mean relevance (= the sum of relevance): 8, 4, 2, 1
    assert height == {"skaio": 8 * 15.0, "holzpavillon": 4 * 15.0, "faserpavillon": 2 * 15.0,
                      "wlan-glasfaser": 1 * 15.0}
    assert columns["getElevation"] == "@@=elevation"
    colour = {c["exhibit_id"]: c["color"] for c in columns["data"]}
    assert colour == {"skaio": [0x6d, 0x4c, 0x41], "holzpavillon": [0x7d, 0x3c, 0x98],
                      "faserpavillon": [0x7d, 0x3c, 0x98], "wlan-glasfaser": [0xc2, 0x18, 0x5b]}
    skaio = next(c for c in columns["data"] if c["exhibit_id"] == "skaio")
    assert (skaio["lon"], skaio["lat"]) == (catalog.exhibits["skaio"].location.lon,
                                            catalog.exhibits["skaio"].location.lat)
    assert skaio["mean_text"] == "4,0"
    # The buildings extruded by their height; no base map style, so no tile or style server.
    assert layers["buildings"]["extruded"] is True
    assert layers["buildings"]["getElevation"] == "@@=height"
    assert spec.get("mapStyle") == "__MAP_STYLE__" and spec.get("mapProvider") is None


def test_deck_tooltip_is_plain_text(catalog, mine):
    """A "text" tooltip: deck.gl sets it as innerText, so a hostile name stays text and "&"
    stays "&" (an "html" tooltip is escaped by Streamlit: pre-escaped text would show
    "&amp;")."""
    skaio = catalog.exhibits["skaio"]
    hostile = dataclasses.replace(catalog, exhibits={
        **catalog.exhibits, "skaio": skaio.model_copy(update={"name": cat.Localized(de=XSS)})})
    deck = maps.interest_deck(hostile, domain.interest_columns(hostile, mine, "de"), "de")
    tooltip = deck._tooltip
    assert "html" not in tooltip
    assert tooltip["text"] == "{name}\n{category}\nNotizen: {notes} · Ø Relevanz: {mean_text}"
    data = json.loads(deck.to_json())
    columns = next(layer for layer in data["layers"] if layer["id"] == "interest")["data"]
    skaio_column = next(c for c in columns if c["exhibit_id"] == "skaio")
    assert skaio_column["name"] == XSS and skaio_column["category"] == WOOD
    # Only the columns are picked: the buildings' names never reach a tooltip.
    buildings = next(layer for layer in data["layers"] if layer["id"] == "buildings")
    assert buildings["pickable"] is False


# --- the section in AppTest ------------------------------------------------------------------


@pytest.fixture(scope="module")
def database_url(tmp_path_factory) -> Iterator[str]:
    """A SQLite database with the fixture's notes written through the store."""
    path = tmp_path_factory.mktemp("insights") / "notes.sqlite3"
    url = f"sqlite:///{path}"
    database = Database(url)
    catalog = cat.load(DEFAULT_DATA)
    store = NoteStore(database, catalog)
    for exhibit_id, city, department, relevance, deleted in FIXTURE:
        note = store.add_note(Actor.navigator(city, "Test"), exhibit_id=exhibit_id,
                              city_id=city,
                              department=department, text=XSS, relevance=relevance,
                              transferability="adopt")
        if deleted:
            store.delete_note(Actor.navigator(city, "Test"), note.id)
    database.dispose()
    yield url


def start(monkeypatch, url: str, **query: str) -> AppTest:
    return start_app(monkeypatch, data_dir=DEFAULT_DATA, database_url=url, script=PAGE,
                     timeout=60, **query)


def test_section_renders_charts_matrix_and_deck(monkeypatch, database_url):
    at = start(monkeypatch, database_url)
    assert not at.exception
    assert [h.value for h in at.subheader] == ["Auswertung"]
    assert "5 Notizen zu 4 Exponaten" in at.caption[0].value
    assert len(at.get("vega_lite_chart")) == 3
    (deck,) = at.get("deck_gl_json_chart")
    spec = json.loads(deck.proto.json)
    assert len(next(la for la in spec["layers"] if la["id"] == "interest")["data"]) == 4
    assert len(at.expander) == 3 and len(at.dataframe) == 3


def test_section_in_english(monkeypatch, database_url):
    at = start(monkeypatch, database_url, lang="en")
    assert not at.exception
    assert [h.value for h in at.subheader] == ["Insights"]
    assert "5 notes on 4 exhibits" in at.caption[0].value


def test_empty_state_without_notes(monkeypatch, tmp_path):
    at = start(monkeypatch, f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    assert not at.exception
    assert "noch keine Notizen" in at.info[0].value
    assert not at.get("vega_lite_chart") and not at.get("deck_gl_json_chart")


# --- in a real browser -----------------------------------------------------------------------


def _hover_tooltip(page, canvas, wanted: str) -> str | None:
    """Move the mouse over the deck until deck.gl shows a tooltip with `wanted` in its text;
    the tooltip's inner HTML (None when no column showed one)."""
    box = canvas.bounding_box()
    for row in range(2, 30, 2):
        for col in range(2, 30, 2):
            page.mouse.move(box["x"] + box["width"] * col / 32,
                            box["y"] + box["height"] * row / 32, steps=2)
            page.wait_for_timeout(150)  # deck.gl picks asynchronously
            found = page.evaluate(
                "(wanted) => { const t = document.querySelector('.deck-tooltip');"
                " return t && t.innerText.includes(wanted) ? t.innerHTML : null; }", wanted)
            if found:
                return found
    return None


@pytest.mark.browser
def test_charts_and_deck_in_the_browser(database_url, tmp_path, browser):
    """The bundled data with skaio renamed to a hostile text: shown as text in the charts and
    in the deck's tooltip, no dialog."""
    db_file = Path(database_url.removeprefix("sqlite:///"))
    (tmp_path / "browser.sqlite3").write_bytes(db_file.read_bytes())
    data = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA, data)
    edit_yaml(data / "exhibits.yaml", lambda d: exhibit(d, "skaio").update(
        name={"de": XSS, "en": XSS}))
    with App(data, tmp_path, script=str(PAGE.relative_to(ROOT))) as server:
        context = new_context(browser, viewport={"width": 1180, "height": 820},
                              locale="de-DE", allowed=LOCAL)  # record, never go out
        requests, dialogs = context.requests, context.dialogs
        page = context.new_page()
        page.goto(server.url)
        page.get_by_role("heading", name="Auswertung").wait_for(timeout=60_000)
        charts = page.locator("[data-testid=stVegaLiteChart]")
        charts.nth(2).wait_for(timeout=60_000)
        assert charts.count() == 3
        for k in range(3):  # Vega drew each chart (an SVG or a canvas) with its label
            drawn = charts.nth(k).locator("svg, canvas").first
            drawn.wait_for(timeout=30_000)
        described = page.evaluate(
            "() => Array.from(document.querySelectorAll('[data-testid=stVegaLiteChart] *'))"
            ".flatMap(e => [e.getAttribute('aria-label'), e.getAttribute('aria-description'),"
            " e.tagName === 'desc' || e.tagName === 'title' ? e.textContent : null])"
            ".filter(Boolean)")
        # Vega names each chart by its title for screen readers (and the axes, the marks).
        for title in ("Relevanz nach Kategorie", "Relevanz nach Fachbereich",
                      "Fachbereiche × Exponate"):
            assert f"Title text '{title}'" in described, (title, described)
        page.get_by_role("heading", name="Auswertung").scroll_into_view_if_needed()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "review-insights-charts-1180.png"))
        deck = page.locator("[data-testid=stDeckGlJsonChart] canvas").first
        deck.wait_for(timeout=60_000)
        deck.scroll_into_view_if_needed(timeout=30_000)
        box = deck.bounding_box()
        assert box and box["width"] > 300 and box["height"] > 300, box
        assert XSS in page.locator("[data-testid=stVegaLiteChart]").nth(2).locator(
            "[aria-label]").evaluate_all("els => els.map(e => e.ariaLabel).join(' ')")
        # Hover the columns: the tallest is skaio's; its tooltip shows the name as text.
        page.wait_for_timeout(1500)
        html = _hover_tooltip(page, deck, XSS)
        assert html is not None, "no tooltip of skaio's column"
        tip = page.locator(".deck-tooltip").first
        assert tip.locator("img").count() == 0 and "&lt;img src=x" in html, html
        text = tip.inner_text()
        assert XSS in text and WOOD in text and "Notizen: 2" in text, text
        page.screenshot(path=str(ARTIFACTS / "review-insights-1180.png"))
        assert not dialogs
        outside = [u for u in requests if not u.startswith(LOCAL)]
        assert requests and not outside, outside
        context.close()
