"""Photos from the tour in the trip report: the PDF shows each with its caption and credit
(read back with pypdf), the XLSX lists their file names, the zip holds them under those names,
and a reader of another city gets a photo only when its note is shared."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from dashboard import catalog as cat
from dashboard import report
from dashboard.roles import Actor
from dashboard.store import CaptureStore, Database, NoteStore

DATA = Path(__file__).resolve().parents[1] / "data"
KN = Actor.navigator("konstanz", "Anna aus Konstanz", email="anna@konstanz.de")
HN = Actor.navigator("heilbronn", "Hans aus Heilbronn", email="hans@heilbronn.de")
CAPTION = "Die Holzfassade von Süden"


def photo(color: str) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (800, 600), color).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture(scope="module")
def catalog() -> cat.Catalog:
    return cat.load(DATA)


@pytest.fixture
def stores(tmp_path, catalog):
    db = Database(f"sqlite:///{tmp_path / 'report.sqlite3'}")
    yield NoteStore(db, catalog), CaptureStore(db, catalog)
    db.dispose()


def published(stores, catalog, *, shared: bool):
    _notes, captures = stores
    exhibit = next(iter(catalog.exhibits))
    dep = catalog.cities["konstanz"].departments[0]
    taken = captures.capture(KN, client_key="report-0001", exhibit_id=exhibit,
                             city_id="konstanz", text="Holz aus der Region", photo=photo("olive"),
                             caption=CAPTION)
    return captures.publish(KN, [taken.id], department=dep, text="Holz aus der Region",
                            relevance=4, transferability="adapt", shared=shared), taken


def build(stores, catalog, reader: Actor, lang: str = "de") -> report.TripReport:
    notes, captures = stores
    return report.build_report(catalog, "konstanz", notes, None, lang, reader=reader,
                               captures=captures)


def test_the_pdf_shows_the_photo_with_caption_and_credit(stores, catalog):
    published(stores, catalog, shared=False)
    trip = build(stores, catalog, KN)
    assert [p.caption for p in trip.photos] == [CAPTION]
    reader = PdfReader(io.BytesIO(report.to_pdf(trip)))
    images = [image for page in reader.pages for image in page.images]
    assert len(images) == 1 and images[0].image.size[0] >= 400
    text = " ".join(page.extract_text() for page in reader.pages)
    assert CAPTION in text
    assert "Foto: Anna aus Konstanz" in text


def test_the_xlsx_and_the_zip_name_the_photo(stores, catalog):
    _note, taken = published(stores, catalog, shared=False)
    trip = build(stores, catalog, KN, "en")
    book = load_workbook(io.BytesIO(report.to_xlsx(trip)))
    rows = list(book["Photos"].iter_rows(values_only=True))
    assert rows[1][1] == taken.photo_name and rows[1][2] == CAPTION
    with zipfile.ZipFile(io.BytesIO(report.photos_zip(trip))) as archive:
        assert archive.namelist() == [taken.photo_name]
        assert archive.read(taken.photo_name)[:2] == b"\xff\xd8"
    assert taken.photo_name in report.to_markdown(trip)


def test_another_city_gets_the_photo_only_when_the_note_is_shared(stores, catalog):
    notes, _ = stores
    note, _ = published(stores, catalog, shared=False)
    assert build(stores, catalog, HN).photos == ()
    notes.edit_note(KN, note.id, version=note.version, shared=True)
    assert [p.caption for p in build(stores, catalog, HN).photos] == [CAPTION]


def test_a_report_without_captures_has_no_photos(stores, catalog):
    notes, _ = stores
    published(stores, catalog, shared=True)
    trip = report.build_report(catalog, "konstanz", notes, None, "de", reader=KN)
    assert trip.photos == ()
    assert len(PdfReader(io.BytesIO(report.to_pdf(trip))).pages[0].images) == 0


def test_scorecards_by_department_and_the_reflection_in_the_report(stores, catalog):
    import datetime as dt

    from dashboard.store import ScorecardStore

    notes, _captures = stores
    cards = ScorecardStore(notes.database, catalog)
    first, second = list(catalog.exhibits)[:2]
    departments = list(catalog.cities["konstanz"].departments)
    cards.save_scorecard(KN, exhibit_id=first, city_id="konstanz", version=None,
                         stage="proof_of_value", owner_department=departments[1],
                         factors={"funding": {"score": 2, "why": "Fördertopf läuft aus"}},
                         contact="Frau Holz, BUGA", reuse_url="https://example.org/holz")
    cards.save_scorecard(KN, exhibit_id=second, city_id="konstanz", version=None,
                         stage="idea")
    cards.save_scorecard(HN, exhibit_id=first, city_id="heilbronn", version=None,
                         stage="regular_operation")  # another city's: not in this report
    notes.add_follow_up(KN, city_id="konstanz", action="Kosten klären", owner="Kämmerei",
                        due=dt.date(2020, 2, 1), exhibit_id=first)
    notes.add_follow_up(KN, city_id="konstanz", action="Viel später", owner="IT",
                        due=dt.date(2021, 2, 1), exhibit_id=first)
    cards.set_reflection(KN, "konstanz", dt.date(2020, 3, 1), version=0)
    trip = report.build_report(catalog, "konstanz", notes, None, "de", reader=KN,
                               scorecards=cards, today=dt.date(2020, 1, 1))
    grouped = trip.scorecards_by_department()
    owner = catalog.text(catalog.departments[departments[1]].name, "de")
    assert [d for d, _ in grouped] == [owner, "noch offen"]
    assert [c.stage for c in grouped[0][1]] == ["Nutzennachweis"]
    assert [f.action for f in trip.reflection_due] == ["Kosten klären"]
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(report.to_pdf(trip))).pages)
    assert f"Transfer-Scorecards: {owner}" in text and "Nutzennachweis" in text
    assert "Fördertopf läuft aus" in text and "Frau Holz, BUGA" in text
    assert "Reflexionstreffen am 01.03.2020" in text and "Kosten klären" in text
    assert "Viel später" not in text.split("Reflexionstreffen")[1]
    book = load_workbook(io.BytesIO(report.to_xlsx(trip)))
    rows = list(book["Transfer-Scorecards"].iter_rows(values_only=True))
    assert rows[1][:3] == (owner, catalog.text(catalog.exhibits[first].name, "de"),
                           "Nutzennachweis")
    assert "Fördertopf läuft aus" in rows[1]
    assert "Reflexionstreffen am 01.03.2020" in report.to_markdown(trip)
