"""The trip report, read back by independent readers (pypdf, csv, openpyxl, markdown-it)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from openpyxl import load_workbook
from pypdf import PdfReader

from dashboard import catalog as cat
from dashboard import report, routing
from dashboard.__main__ import main
from dashboard.roles import Actor
from dashboard.store import Database, NoteStore, SavedTour, TourStore, WorkshopStore

DATA = Path(__file__).resolve().parents[1] / "data"
KN = Actor.navigator("konstanz", "Anna Böhm")
HN = Actor.navigator("heilbronn", "Hans")
HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "${alert(1)}",
]
TODAY = dt.date(2019, 6, 20)


@pytest.fixture(scope="module")
def catalog() -> cat.Catalog:
    return cat.load(DATA)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "review.sqlite3"


@pytest.fixture
def filled(db_path: Path, catalog: cat.Catalog) -> Iterator[Database]:
    """A Konstanz review: notes in two departments, follow-ups, a workshop idea; and one
    Heilbronn note that must not appear in Konstanz's report."""
    database = Database(f"sqlite:///{db_path}")
    notes, workshop = NoteStore(database, catalog), WorkshopStore(database, catalog)
    wood = notes.add_note(KN, exhibit_id="skaio", city_id="konstanz", department="bauwesen",
                          text="Holzhybrid für **Schulen** prüfen – Brandschutz klären",
                          relevance=5, transferability="adopt", tags=["holz"])
    notes.add_note(KN, exhibit_id="skaio", city_id="konstanz", department="finanzen",
                   text="Kosten je m² erfragen", relevance=3, transferability="adapt")
    for i, text in enumerate(HOSTILE):
        notes.add_note(KN, exhibit_id="wlan-glasfaser", city_id="konstanz", department="it",
                       text=text, relevance=1 + i, transferability="not_for_us", shared=False)
    notes.add_note(KN, exhibit_id="holzpavillon", city_id="konstanz", department="it",
                   text="=HYPERLINK(\"http://x\")", relevance=2, transferability="adapt")
    notes.add_note(HN, exhibit_id="skaio", city_id="heilbronn", department="bauwesen",
                   text="Heilbronner Sicht", relevance=4, transferability="adopt")
    notes.add_follow_up(KN, city_id="konstanz", note_id=wood.id, action="Termin mit Zübl­in",
                        owner="Anna Böhm", due="2019-07-15")
    notes.add_follow_up(KN, city_id="konstanz", exhibit_id="smart-parking",
                        action="Parksensoren anfragen", owner="Ben", status="doing")
    topic = workshop.add_topic(KN, city_id="konstanz", title="Holzbau", exhibits=["skaio"])
    group = workshop.form_group(KN, topic_ids=[topic.id], reason="")
    idea = workshop.add_idea(KN, group_id=group.id, city_id="konstanz", title="Holz-Kita",
                             text="Pilot im Neubaugebiet")
    workshop.idea_to_follow_up(KN, idea.id, owner="Carla", due=dt.date(2019, 9, 1))
    yield database
    database.dispose()


@pytest.fixture
def trip(filled: Database, catalog: cat.Catalog) -> report.TripReport:
    return report.build_report(catalog, "konstanz", NoteStore(filled, catalog),
                               WorkshopStore(filled, catalog), "de", reader=KN, today=TODAY)


def test_report_collects_per_department(trip: report.TripReport, catalog: cat.Catalog):
    assert trip.title == "Lernreise-Bericht Konstanz"
    names = [s.name for s in trip.sections]
    assert names == ["Kommunale Finanzen", "Bauwesen", "Personal", "Organisation", "IT",
                     "Ohne Notiz"]
    building = trip.sections[1]
    assert [e.exhibit_id for e in building.exhibits] == ["skaio"]
    assert [f.action for f in building.exhibits[0].follow_ups] == ["Termin mit Zübl­in"]
    it = trip.sections[4]
    assert len([n for e in it.exhibits for n in e.notes]) == 5
    summary = {r.department: r for r in trip.summary()}
    assert (summary["IT"].notes, summary["IT"].not_for_us, summary["IT"].adapt) == (5, 4, 1)
    assert summary["Bauwesen"].mean_relevance == 5.0
    assert [i.title for i in trip.ideas] == ["Holz-Kita"]
    assert trip.ideas[0].follow_ups[0].owner == "Carla"
    all_texts = [n.text for s in trip.sections for e in s.exhibits for n in e.notes]
    assert "Heilbronner Sicht" not in all_texts


def test_other_cities_do_not_see_unshared_notes(filled: Database, catalog: cat.Catalog):
    seen_by_hn = report.build_report(catalog, "konstanz", NoteStore(filled, catalog), None,
                                     "de", reader=HN, today=TODAY)
    texts = [n.text for s in seen_by_hn.sections for e in s.exhibits for n in e.notes]
    assert not set(HOSTILE) & set(texts) and "Kosten je m² erfragen" in texts


def test_markdown_report_shows_hostile_texts_as_text(trip: report.TripReport):
    text = report.to_markdown(trip)
    assert "Holzhybrid für Schulen prüfen" in text and "Holz\\-Kita" not in text
    # Rendered by a Markdown renderer that allows HTML, the notes stay text.
    rendered = MarkdownIt("commonmark").render(text)
    assert "<script" not in rendered and "<img" not in rendered
    assert "javascript:" not in "".join(re.findall(r'href="([^"]*)"', rendered))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered
    assert "[x](javascript:alert(1))" in rendered
    assert "${alert(1)}" in rendered  # a literal dollar, not math
    assert "| IT | 2 | 5 | 2,4 | 0 | 1 | 4 | 0 |" in text


def test_csv_report_read_back(trip: report.TripReport):
    rows = list(csv.DictReader(io.StringIO(report.to_csv(trip))))
    notes = [r for r in rows if r["Abschnitt"] == "Notiz"]
    assert {r["Text"] for r in notes} >= set(HOSTILE) | {"Kosten je m² erfragen"}
    assert {r["Text"] for r in notes if r["Fachbereich"] == "IT"} >= set(HOSTILE)
    wood = next(r for r in notes if r["Text"].startswith("Holzhybrid"))
    assert (wood["Relevanz"], wood["Übertragbarkeit"], wood["Schlagworte"]) == ("5",
                                                                              "übernehmen",
                                                                              "holz")
    assert "'=HYPERLINK(\"http://x\")" in {r["Text"] for r in notes}  # no formula
    follow = [r for r in rows if r["Abschnitt"] == "Folgeaufgabe"]
    assert {(r["Verantwortlich"], r["Fällig"], r["Status"]) for r in follow} == {
        ("Anna Böhm", "15.07.2019", "offen"), ("Ben", "", "in Arbeit"),
        ("Carla", "01.09.2019", "offen")}
    assert [r["Text"] for r in rows if r["Abschnitt"] == "Projektidee"] == [
        "Holz-Kita: Pilot im Neubaugebiet"]


def test_xlsx_report_read_back(trip: report.TripReport):
    book = load_workbook(io.BytesIO(report.to_xlsx(trip)))
    assert book.sheetnames == ["Übersicht", "Notizen"]
    summary = book["Übersicht"]
    assert summary["A1"].value == "Lernreise-Bericht Konstanz"
    by_department = {r[0]: r for r in summary.iter_rows(min_row=5, values_only=True)}
    assert by_department["IT"][1:4] == (2, 5, 2.4)
    details = list(book["Notizen"].iter_rows(values_only=True))
    texts = {r[6] for r in details[1:]}
    assert set(HOSTILE) <= texts and "Kosten je m² erfragen" in texts
    assert "'=HYPERLINK(\"http://x\")" in texts
    assert all(not isinstance(c.value, str) or c.data_type != "f"
               for row in book["Notizen"].iter_rows() for c in row)


def test_pdf_report_read_back(trip: report.TripReport):
    reader = PdfReader(io.BytesIO(report.to_pdf(trip)))
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert "Lernreise-Bericht Konstanz" in text
    for expected in ["Holzhybrid für Schulen prüfen", "Kosten je m² erfragen",
                     "<script>alert(1)</script>", "${alert(1)}", "Parksensoren anfragen",
                     "Holz-Kita", "Pilot im Neubaugebiet", "Carla", "übernehmen",
                     "Projektideen aus dem Workshop", f"Seite 1 von {len(reader.pages)}"]:
        assert expected in text, expected
    assert "Heilbronner Sicht" not in text
    assert reader.metadata.title == "Lernreise-Bericht Konstanz"


def test_english_report(filled: Database, catalog: cat.Catalog):
    trip = report.build_report(catalog, "konstanz", NoteStore(filled, catalog), None, "en",
                               reader=KN, today=TODAY)
    text = report.to_markdown(trip)
    assert text.startswith("# Study trip report Konstanz")
    assert "Municipal finance" in text and "not for us" in text and "2.4" in text


def test_unknown_city_and_format(filled: Database, catalog: cat.Catalog, trip):
    with pytest.raises(ValueError, match="unknown city 'ulm'"):
        report.build_report(catalog, "ulm", NoteStore(filled, catalog), None, "de", reader=KN)
    with pytest.raises(ValueError, match="unknown report format"):
        report.render(trip, "docx")


# --- the command line ------------------------------------------------------------------------


def test_report_command_writes_each_format(filled: Database, db_path: Path, tmp_path: Path,
                                           capsys):
    url = f"sqlite:///{db_path}"
    for fmt in report.FORMATS:
        out = tmp_path / f"bericht.{fmt}"
        assert main(["report", "--city", "konstanz", "--url", url, "-o", str(out)]) == 0
        assert out.stat().st_size > 0
    assert "Kosten je m² erfragen" in (tmp_path / "bericht.md").read_text(encoding="utf-8")
    assert PdfReader(tmp_path / "bericht.pdf").pages
    assert load_workbook(tmp_path / "bericht.xlsx").sheetnames == ["Übersicht", "Notizen"]
    # Unshared notes are the city's own: the command line reads them all.
    assert "alert" in (tmp_path / "bericht.csv").read_text(encoding="utf-8")

    assert main(["report", "--city", "konstanz", "--url", url, "--format", "md"]) == 0
    assert capsys.readouterr().out.startswith("# Lernreise-Bericht Konstanz")


def test_report_command_errors(tmp_path: Path, capsys):
    assert main(["report", "--city", "ulm", "--url", f"sqlite:///{tmp_path}/x.db"]) == 2
    assert "unknown city 'ulm'; known: heilbronn, konstanz" in capsys.readouterr().err
    bad = "postgresql+psycopg://u:geheim@127.0.0.1:1/none"
    assert main(["report", "--city", "konstanz", "--url", bad]) == 2
    err = capsys.readouterr().err
    assert "no report" in err and "geheim" not in err
    assert main(["report", "--city", "konstanz", "-o", str(tmp_path / "no" / "r.md")]) == 2
    assert "does not exist" in capsys.readouterr().err


# --- the map: the city's tour, else its noted exhibits -----------------------------------------

SITE_FILL_RG = "0.8745 0.9098 0.8118 rg"  # presentation.SITE_FILL #dfe8cf as fpdf writes it
ROUTE_RG = "0.7529 0.2235 0.1686 RG"  # presentation.ROUTE #c0392b, the route's stroke


def _map_page(pdf: bytes) -> tuple[str, str]:
    """The text and the content stream of the page with the map heading."""
    for page in PdfReader(io.BytesIO(pdf)).pages:
        text = " ".join(page.extract_text().split())
        if "Karte" in text or " Map " in text:
            return text, page.get_contents().get_data().decode("latin-1")
    raise AssertionError("no page with the map")


def _save_tour(db: Database, stops: tuple[str, ...], title: str) -> str:
    request = routing.TourRequest(stops=stops, optimize=False, date=dt.date(2019, 6, 1))
    return TourStore(db).save_tour(request.to_dict(), title, "buga2019-heilbronn")


def test_pdf_maps_the_noted_exhibits_without_a_tour(trip: report.TripReport,
                                                    catalog: cat.Catalog):
    # Konstanz noted skaio, wlan-glasfaser and holzpavillon (in that order) and no tour exists.
    route = trip.route_map
    assert route is not None and route.tour_id is None and not route.route_coords
    names = [catalog.exhibits[e].name.de for e in ("skaio", "wlan-glasfaser", "holzpavillon")]
    assert route.key == (f"1 · {names[0]}", f"2 · {names[1]}", f"3 · {names[2]}")
    colours = {m.label: m.color for m in route.marks}
    assert colours == {"1": "#6d4c41", "2": "#c2185b", "3": "#7d3c98"}
    text, content = _map_page(report.to_pdf(trip))
    assert "Keine gespeicherte Tour zu den Notizen: die 3 Exponate mit Notizen" in text
    for name in names:
        assert name in text
    assert "200 m" in text  # the scale bar
    # The site plan is vector drawing: the site's fill and many line segments (paths).
    assert SITE_FILL_RG in content and content.count(" l\n") > 100
    assert ROUTE_RG not in content  # no route without a tour


def test_pdf_maps_the_citys_tour(filled: Database, catalog: cat.Catalog):
    _save_tour(filled, ("smart-parking", "buga-log"), "Ohne Notizen")  # no noted exhibit
    _save_tour(filled, ("skaio",), "Nur Skaio")
    best = _save_tour(filled, ("holzpavillon", "skaio", "buga-log"), "Holz-Tour")
    tours = TourStore(filled).list_tours(exhibition_id="buga2019-heilbronn")
    trip = report.build_report(catalog, "konstanz", NoteStore(filled, catalog), None, "de",
                               reader=KN, today=TODAY, tours=tours)
    route = trip.route_map
    assert route.tour_id == best and len(route.route_coords) > 2
    assert [m.label for m in route.marks] == ["3", "2", "1", "S"]  # round trip: one S
    assert route.key[1:] == ("1 · BUGA-Holzpavillon", "2 · Skaio – Holzhybrid-Hochhaus",
                             "3 · BUGA:log – fahrerlose Paketzustellung")
    text, content = _map_page(report.to_pdf(trip))
    assert "Die Tour „Holz-Tour“: 3 Stationen" in text and "BUGA-Holzpavillon" in text
    assert SITE_FILL_RG in content and ROUTE_RG in content
    english = report.build_report(catalog, "konstanz", NoteStore(filled, catalog), None, "en",
                                  reader=KN, today=TODAY, tours=tours)
    text, _ = _map_page(report.to_pdf(english))
    assert "The tour “Holz-Tour”: 3 stops" in text and "BUGA Wood Pavilion" in text


def test_city_tour_rule(catalog: cat.Catalog):
    def saved(tour_id: str, stops: list[str], day: int, exhibition="buga2019-heilbronn"):
        moment = dt.datetime(2019, 6, day, tzinfo=dt.UTC)
        return SavedTour(tour_id, tour_id, {"stops": stops}, exhibition, moment, moment)

    tours = [saved("aaaa", ["skaio"], 1), saved("bbbb", ["skaio", "holzpavillon"], 2),
             saved("cccc", ["holzpavillon", "skaio"], 3), saved("dddd", ["buga-log"], 4),
             saved("eeee", ["skaio", "holzpavillon", "x"], 5, exhibition="other")]
    noted = ["skaio", "holzpavillon"]
    assert report.city_tour(catalog, tours, noted).id == "cccc"  # most shared, then newest
    assert report.city_tour(catalog, tours[:2], noted).id == "bbbb"
    assert report.city_tour(catalog, tours[3:], noted) is None
    assert report.city_tour(catalog, tours, []) is None


def test_no_map_without_notes_or_tour(tmp_path: Path, catalog: cat.Catalog):
    database = Database(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    try:
        trip = report.build_report(catalog, "konstanz", NoteStore(database, catalog), None,
                                   "de", reader=KN, today=TODAY)
        assert trip.route_map is None
        assert PdfReader(io.BytesIO(report.to_pdf(trip))).pages
    finally:
        database.dispose()


def test_report_command_draws_the_saved_tour(filled: Database, db_path: Path, tmp_path: Path):
    _save_tour(filled, ("skaio", "holzpavillon"), "Tour der Lotsen")
    out = tmp_path / "bericht.pdf"
    assert main(["report", "--city", "konstanz", "--url", f"sqlite:///{db_path}",
                 "-o", str(out)]) == 0
    text, content = _map_page(out.read_bytes())
    assert "Die Tour „Tour der Lotsen“: 2 Stationen" in text and ROUTE_RG in content


def test_a_follow_up_of_an_exhibit_is_listed_once(filled: Database, catalog: cat.Catalog):
    """skaio is noted by two departments (Bauwesen, Finanzen): its own follow-up appears under
    one of them, and the overview counts it once."""
    notes = NoteStore(filled, catalog)
    notes.add_follow_up(KN, city_id="konstanz", exhibit_id="skaio", action="Besuch planen",
                        owner="Dora")
    trip = report.build_report(catalog, "konstanz", notes, WorkshopStore(filled, catalog),
                               "de", reader=KN, today=TODAY)
    listed = [f.action for s in trip.sections for e in s.exhibits for f in e.follow_ups]
    assert listed.count("Besuch planen") == 1
    assert sum(r.open_follow_ups for r in trip.summary()) == sum(
        1 for s in trip.sections if s.department_id for e in s.exhibits for f in e.follow_ups
        if f.status.value != "done")
    assert report.to_markdown(trip).count("Besuch planen") == 1
    assert report.to_csv(trip).count("Besuch planen") == 1


def test_overdue_follow_ups_are_flagged(filled: Database, catalog: cat.Catalog):
    notes, workshop = NoteStore(filled, catalog), WorkshopStore(filled, catalog)
    later = report.build_report(catalog, "konstanz", notes, workshop, "de", reader=KN,
                                today=dt.date(2019, 8, 1))
    md = report.to_markdown(later)
    # Due 15.07.2019, open on 01.08.2019: flagged; the idea's (due 01.09.2019) is not.
    assert "ÜBERFÄLLIG SEIT 15.07.2019" in md and "01.09.2019" in md
    assert md.count("ÜBERFÄLLIG") == 1
    assert "ÜBERFÄLLIG SEIT 15.07.2019" in report.to_csv(later)
    pdf = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(report.to_pdf(later))).pages)
    assert "ÜBERFÄLLIG SEIT 15.07.2019" in " ".join(pdf.split())
    on_time = report.build_report(catalog, "konstanz", notes, workshop, "en", reader=KN,
                                  today=TODAY)
    assert "OVERDUE" not in report.to_markdown(on_time)


def test_pdf_summary_header_breaks_words_where_german_does(trip: report.TripReport):
    text = " ".join(PdfReader(io.BytesIO(report.to_pdf(trip))).pages[0].extract_text().split())
    assert "Folgeaufgab en" not in text  # what fpdf's own break made of the word
    assert "offene Folge- aufgaben" in text
