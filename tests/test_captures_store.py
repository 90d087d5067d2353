"""What people capture on the tour (CaptureStore) on SQLite and PostgreSQL: drafts per person,
publishing them as a note, city isolation, captures sent twice, and the photo rules (limits,
type by content, location removed unless kept)."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboard import capture_photos
from dashboard import catalog as cat
from dashboard.roles import Actor, PermissionDenied
from dashboard.store import CaptureStore, Database, InvalidNote, NoteStore, UnknownNoteError

DATA = Path(__file__).resolve().parents[1] / "data"
KN = Actor.navigator("konstanz", "Anna aus Konstanz", email="anna@konstanz.de")
KN2 = Actor.navigator("konstanz", "Kai aus Konstanz", email="kai@konstanz.de")
HN = Actor.navigator("heilbronn", "Hans aus Heilbronn", email="hans@heilbronn.de")


def jpeg(size: tuple[int, int] = (640, 480), *, gps: bool = False, color: str = "teal",
         fmt: str = "JPEG") -> bytes:
    from PIL import Image

    img = Image.new("RGB", size, color)
    exif = Image.Exif()
    exif[0x0110] = "Testkamera"
    if gps:
        block = exif.get_ifd(0x8825)
        block.update({1: "N", 2: (49.0, 9.0, 0.0), 3: "E", 4: (9.0, 13.0, 0.0)})
    out = io.BytesIO()
    img.save(out, fmt, exif=exif) if fmt == "JPEG" else img.save(out, fmt)
    return out.getvalue()


@pytest.fixture(scope="module")
def catalog() -> cat.Catalog:
    return cat.load(DATA)


@pytest.fixture
def database(db_url: str) -> Iterator[Database]:
    db = Database(db_url)
    yield db
    db.dispose()


@pytest.fixture
def captures(database: Database, catalog: cat.Catalog) -> CaptureStore:
    return CaptureStore(database, catalog)


@pytest.fixture
def notes(database: Database, catalog: cat.Catalog) -> NoteStore:
    return NoteStore(database, catalog)


def departments(catalog: cat.Catalog, city: str) -> list[str]:
    return list(catalog.cities[city].departments)


def exhibits(catalog: cat.Catalog) -> list[str]:
    return list(catalog.exhibits)


def test_drafts_belong_to_the_person_who_captured_them(captures, catalog):
    first, second = exhibits(catalog)[:2]
    dep = departments(catalog, "konstanz")[0]
    captures.capture(KN, client_key="anna-0001", exhibit_id=first, city_id="konstanz",
                     relevant=True, departments=[dep])
    captures.capture(KN, client_key="anna-0002", exhibit_id=first, city_id="konstanz",
                     text="Sensoren am Dach – fragen, wer wartet")
    captures.capture(KN, client_key="anna-0003", exhibit_id=second, city_id="konstanz",
                     relevant=False)
    captures.capture(KN2, client_key="kai-00001", exhibit_id=first, city_id="konstanz",
                     text="Kais eigene Notiz")

    anna = {d.exhibit_id: d for d in captures.drafts(KN, city_id="konstanz")}
    assert set(anna) == {first, second}
    assert anna[first].relevant is True and anna[first].departments == (dep,)
    assert anna[first].text == "Sensoren am Dach – fragen, wer wartet"
    assert anna[second].relevant is False
    kai = captures.drafts(KN2, city_id="konstanz")
    assert [d.text for d in kai] == ["Kais eigene Notiz"]  # Anna's drafts are not Kai's


def test_open_mode_drafts_are_kept_apart_by_the_typed_name(captures, catalog):
    ex = exhibits(catalog)[0]
    captures.capture(Actor.workshop(), client_key="open-0001", exhibit_id=ex,
                     city_id="konstanz", author="Lena", text="eins")
    captures.capture(Actor.workshop(), client_key="open-0002", exhibit_id=ex,
                     city_id="konstanz", author="  lena ", text="zwei")
    assert [d.text for d in captures.drafts(Actor.workshop(), city_id="konstanz",
                                            author="Lena")] == ["eins\n\nzwei"]
    assert captures.drafts(Actor.workshop(), city_id="konstanz", author="Max") == []
    with pytest.raises(InvalidNote) as nameless:
        captures.capture(Actor.workshop(), client_key="open-0003", exhibit_id=ex,
                         city_id="konstanz", text="ohne Namen")
    assert nameless.value.reason == "capture_name"


def test_a_capture_sent_twice_is_stored_once(captures, catalog):
    ex = exhibits(catalog)[0]
    photo = jpeg()
    first = captures.capture(KN, client_key="twice-0001", exhibit_id=ex, city_id="konstanz",
                             text="einmal", photo=photo, caption="Dach")
    again = captures.capture(KN, client_key="twice-0001", exhibit_id=ex, city_id="konstanz",
                             text="einmal", photo=photo, caption="Dach")
    assert again.repeated and not first.repeated and again.id == first.id
    assert captures.count_drafts(KN, city_id="konstanz") == 1


def test_captures_sent_at_once_with_one_key_are_stored_once(captures, catalog):
    ex = exhibits(catalog)[0]
    results, errors = [], []

    def send() -> None:
        try:
            results.append(captures.capture(KN, client_key="race-00001", exhibit_id=ex,
                                            city_id="konstanz", relevant=True))
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len({c.id for c in results}) == 1
    assert captures.count_drafts(KN, city_id="konstanz") == 1


def test_another_persons_key_is_refused_and_tells_nothing(captures, catalog):
    ex = exhibits(catalog)[0]
    captures.capture(KN, client_key="mine-00001", exhibit_id=ex, city_id="konstanz",
                     text="geheim")
    with pytest.raises(InvalidNote) as taken:
        captures.capture(KN2, client_key="mine-00001", exhibit_id=ex, city_id="konstanz",
                         text="anders")
    assert "geheim" not in str(taken.value)


def test_city_isolation_and_roles(captures, catalog):
    ex = exhibits(catalog)[0]
    with pytest.raises(PermissionDenied):
        captures.capture(HN, client_key="hn-in-kn-1", exhibit_id=ex, city_id="konstanz",
                         relevant=True)
    with pytest.raises(PermissionDenied):
        captures.capture(Actor.visitor(), client_key="visitor-01", exhibit_id=ex,
                         city_id="konstanz", relevant=True)
    with pytest.raises(PermissionDenied):
        captures.capture(Actor.guide("Gina"), client_key="guide-0001", exhibit_id=ex,
                         city_id="konstanz", relevant=True)
    with pytest.raises(InvalidNote):  # a department of another city
        captures.capture(KN, client_key="dept-00001", exhibit_id=ex, city_id="konstanz",
                         departments=["not-a-department"])
    with pytest.raises(InvalidNote) as empty:
        captures.capture(KN, client_key="empty-0001", exhibit_id=ex, city_id="konstanz")
    assert empty.value.reason == "capture_empty"


def test_publish_makes_one_note_and_the_drafts_are_gone(captures, notes, catalog):
    ex = exhibits(catalog)[0]
    dep = departments(catalog, "konstanz")[0]
    a = captures.capture(KN, client_key="pub-00001", exhibit_id=ex, city_id="konstanz",
                         relevant=True, departments=[dep])
    b = captures.capture(KN, client_key="pub-00002", exhibit_id=ex, city_id="konstanz",
                         text="Für unser Bauamt", photo=jpeg(), caption="Die Fassade")
    draft = captures.drafts(KN, city_id="konstanz")[0]
    assert draft.suggested_relevance() == 4
    note = captures.publish(KN, draft.capture_ids, department=dep, text=draft.text,
                            relevance=draft.suggested_relevance(),
                            transferability=draft.suggested_transferability(), shared=False)
    assert note.text == "Für unser Bauamt" and note.author == KN.name and not note.shared
    again = captures.publish(KN, [a.id, b.id], department=dep, text="anders", relevance=1,
                             transferability="adopt")
    assert again.id == note.id  # a repeated tap publishes nothing new
    assert captures.drafts(KN, city_id="konstanz") == []
    assert [n.id for n in notes.list_notes(KN, city_id="konstanz")] == [note.id]
    photos = captures.note_photos(KN, [note.id])
    assert [p.caption for p in photos[note.id]] == ["Die Fassade"]
    with pytest.raises(UnknownNoteError):  # Kai cannot publish Anna's drafts
        captures.publish(KN2, [a.id], department=dep, text="x", relevance=3,
                         transferability="adapt")


def test_photos_are_never_served_to_another_city_unless_shared(captures, notes, catalog):
    ex = exhibits(catalog)[0]
    dep = departments(catalog, "konstanz")[0]
    c = captures.capture(KN, client_key="photo-0001", exhibit_id=ex, city_id="konstanz",
                         photo=jpeg(), caption="Innenhof")
    assert captures.photo(KN, c.id)[:2] == b"\xff\xd8"
    for reader in (KN2, HN, Actor.visitor()):  # a draft: only its owner
        with pytest.raises(UnknownNoteError):
            captures.photo(reader, c.id)
    note = captures.publish(KN, [c.id], department=dep, text="Innenhof", relevance=3,
                            transferability="adapt", shared=False)
    assert captures.photo(KN2, c.id)  # the city's other navigator reads the city's note
    with pytest.raises(UnknownNoteError):
        captures.photo(HN, c.id)
    assert captures.note_photos(HN, [note.id]) == {}
    notes.edit_note(KN, note.id, version=note.version, shared=True)
    assert captures.photo(HN, c.id)
    assert list(captures.note_photos(HN, [note.id])) == [note.id]


def test_location_is_removed_unless_kept(captures, catalog):
    ex = exhibits(catalog)[0]
    with_gps = jpeg(gps=True)
    assert capture_photos.has_location(with_gps)
    plain = captures.capture(KN, client_key="gps-00001", exhibit_id=ex, city_id="konstanz",
                             photo=with_gps)
    kept = captures.capture(KN, client_key="gps-00002", exhibit_id=ex, city_id="konstanz",
                            photo=with_gps, keep_location=True)
    assert not capture_photos.has_location(captures.photo(KN, plain.id))
    assert not plain.location_kept
    assert capture_photos.has_location(captures.photo(KN, kept.id)) and kept.location_kept


def test_photo_limits(captures, catalog):
    ex = exhibits(catalog)[0]

    def refused(content: object) -> str:
        with pytest.raises(InvalidNote) as exc:
            captures.capture(KN, client_key=f"lim-{abs(hash(str(content)[:50])):08d}"[:20],
                             exhibit_id=ex, city_id="konstanz", photo=content)
        return exc.value.reason

    assert refused(b"") == "photo_empty"
    assert refused(b"GIF89a" + b"\0" * 100) == "photo_type"
    assert refused(b"<svg xmlns='http://www.w3.org/2000/svg'/>") == "photo_type"
    assert refused(jpeg()[:400]) == "photo_type"  # cut off: fails when decoded in full
    assert refused(b"\xff" * (capture_photos.MAX_UPLOAD_BYTES + 1)) == "photo_too_large"
    assert refused(jpeg((6000, 5000))) == "photo_pixels"
    big = captures.capture(KN, client_key="big-000001", exhibit_id=ex, city_id="konstanz",
                           photo=jpeg((4000, 3000), color="navy"))
    assert max(big.photo_width, big.photo_height) == capture_photos.MAX_EDGE
    png = captures.capture(KN, client_key="png-000001", exhibit_id=ex, city_id="konstanz",
                           photo=jpeg((300, 200), fmt="PNG"))
    assert captures.photo(KN, png.id)[:2] == b"\xff\xd8"  # kept as a JPEG


def test_discard_drops_a_draft(captures, catalog):
    ex = exhibits(catalog)[0]
    c = captures.capture(KN, client_key="gone-00001", exhibit_id=ex, city_id="konstanz",
                         text="weg damit")
    with pytest.raises(UnknownNoteError):
        captures.discard(KN2, c.id)
    captures.discard(KN, c.id)
    assert captures.drafts(KN, city_id="konstanz") == []
