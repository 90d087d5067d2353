"""The review store (notes, follow-ups, workshop) on SQLite and PostgreSQL.

Permissions are checked by the store itself (a page is only wiring), so every refusal here is
a call straight to the store, as a forged form value or URL parameter would make it.
PostgreSQL cases use LERNREISE_TEST_POSTGRES_URL (see tests/support/databases.py).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect

from dashboard import catalog as cat
from dashboard.review.domain import group_topics
from dashboard.review.markdown import render_html
from dashboard.roles import Actor, PermissionDenied
from dashboard.store import (
    Database,
    FollowUpStatus,
    InvalidNote,
    NoteStore,
    StoreError,
    TourStore,
    Transferability,
    UnknownNoteError,
    VersionConflict,
    WorkshopStore,
)
from dashboard.store.engine import alembic_config

DATA = Path(__file__).resolve().parents[1] / "data"
KN = Actor.navigator("konstanz", "Anna aus Konstanz")
HN = Actor.navigator("heilbronn", "Hans aus Heilbronn")
ADMIN = Actor.admin("Ada")
HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "${alert(1)}",
]


@pytest.fixture(scope="module")
def catalog() -> cat.Catalog:
    return cat.load(DATA)


@pytest.fixture
def database(db_url: str) -> Iterator[Database]:
    db = Database(db_url)
    yield db
    db.dispose()


@pytest.fixture
def notes(database: Database, catalog: cat.Catalog) -> NoteStore:
    return NoteStore(database, catalog)


@pytest.fixture
def workshop(database: Database, catalog: cat.Catalog) -> WorkshopStore:
    return WorkshopStore(database, catalog)


def add(store: NoteStore, actor: Actor = KN, **values: object):
    fields: dict[str, object] = {
        "exhibit_id": "skaio", "city_id": actor.city or "konstanz", "department": "bauwesen",
        "text": "Holzhybrid für **Schulen** prüfen", "relevance": 4,
        "transferability": "adapt", "tags": ["Holz", "brandschutz", "holz"],
    }
    fields.update(values)
    return store.add_note(actor, **fields)  # type: ignore[arg-type]


# --- notes -----------------------------------------------------------------------------------


def test_create_and_read_back(notes: NoteStore, catalog: cat.Catalog):
    note = add(notes)
    assert note.id > 0 and note.version == 1 and note.shared
    assert note.author == "Anna aus Konstanz"
    assert note.exhibition_id == catalog.exhibition.id
    assert note.transferability is Transferability.ADAPT
    assert note.tags == ("holz", "brandschutz")  # lower case, duplicates merged
    assert note.created_at.utcoffset() == dt.timedelta(0)
    assert notes.get_note(note.id) == note
    assert notes.list_notes(KN, city_id="konstanz") == [note]


def test_hostile_texts_are_stored_as_they_are(notes: NoteStore):
    for text in HOSTILE:
        note = add(notes, text=text)
        assert notes.get_note(note.id).text == text


def test_edit_bumps_version_and_keeps_created(notes: NoteStore):
    note = add(notes)
    edited = notes.edit_note(KN, note.id, version=1, text="Neu", relevance=5,
                             transferability=Transferability.ADOPT, shared=False,
                             department="it", tags=["x"])
    assert (edited.version, edited.text, edited.relevance, edited.department) == (2, "Neu", 5,
                                                                                  "it")
    assert edited.transferability is Transferability.ADOPT and not edited.shared
    assert edited.tags == ("x",)
    assert edited.created_at == note.created_at and edited.updated_at > note.updated_at


def test_second_save_gets_version_conflict_with_both_texts(notes: NoteStore):
    note = add(notes, text="Erste Fassung")
    notes.edit_note(KN, note.id, version=note.version, text="Annas Fassung")
    colleague = Actor.navigator("konstanz", "Ben")
    with pytest.raises(VersionConflict) as info:
        notes.edit_note(colleague, note.id, version=note.version, text="Bens Fassung")
    conflict = info.value
    assert (conflict.theirs, conflict.yours, conflict.version) == ("Annas Fassung",
                                                                   "Bens Fassung", 2)
    assert "changed meanwhile" in str(conflict) and isinstance(conflict, StoreError)
    assert notes.get_note(note.id).text == "Annas Fassung"  # nothing written
    # Saving again from the current version works.
    assert notes.edit_note(colleague, note.id, version=2, text="Zusammen").version == 3


def test_soft_delete_and_undo(notes: NoteStore):
    kept, gone = add(notes), add(notes, text="Weg")
    deleted = notes.delete_note(KN, gone.id, version=gone.version)
    assert deleted.deleted
    assert [n.id for n in notes.list_notes(KN)] == [kept.id]
    assert [n.id for n in notes.list_notes(KN, deleted=True)] == [gone.id]
    assert notes.other_cities_notes("heilbronn") == [notes.get_note(kept.id)]
    with pytest.raises(InvalidNote, match="undo the deletion"):
        notes.edit_note(KN, gone.id, version=2, text="still here?")
    restored = notes.restore_note(KN, gone.id)
    assert not restored.deleted and restored.version == 3
    assert [n.id for n in notes.list_notes(KN)] == [kept.id, gone.id]


def test_a_city_writes_only_its_own_notes(notes: NoteStore):
    note = add(notes)
    for call in (
        lambda: notes.edit_note(HN, note.id, version=1, text="übernommen"),
        lambda: notes.delete_note(HN, note.id),
        lambda: notes.restore_note(HN, note.id),
        lambda: add(notes, HN, city_id="konstanz"),  # a forged city field
        lambda: add(notes, Actor.visitor(), city_id="konstanz"),
        lambda: add(notes, Actor.guide("G"), city_id="konstanz"),
        lambda: notes.add_follow_up(HN, city_id="konstanz", action="a", owner="o",
                                    note_id=note.id),
    ):
        with pytest.raises(PermissionDenied):
            call()
    with pytest.raises(PermissionDenied, match="'heilbronn' cannot change 'konstanz'"):
        notes.edit_note(HN, note.id, version=1, text="x")
    assert notes.get_note(note.id) == note
    # A Heilbronn note cannot point at a Konstanz note for its follow-up either.
    with pytest.raises(UnknownNoteError):
        notes.add_follow_up(HN, city_id="heilbronn", action="a", owner="o", note_id=note.id)
    # Admins and the open workshop mode may write any city's notes.
    assert notes.edit_note(ADMIN, note.id, version=1, text="Admin").version == 2
    assert add(notes, Actor.workshop("Gast"), city_id="heilbronn").author == "Gast"


def test_sharing_and_what_the_other_cities_thought(notes: NoteStore):
    shared = add(notes)
    private = add(notes, shared=False, text="nur für Konstanz")
    theirs = add(notes, HN, department="it", text="Heilbronn dazu")
    assert notes.other_cities_notes("heilbronn", exhibit_id="skaio") == [shared]
    assert notes.other_cities_notes("konstanz") == [theirs]
    assert [n.id for n in notes.list_notes(HN)] == [shared.id, theirs.id]
    assert [n.id for n in notes.list_notes(KN)] == [shared.id, private.id, theirs.id]
    assert [n.id for n in notes.list_notes(Actor.visitor(), city_id="konstanz")] == [shared.id]
    with pytest.raises(UnknownNoteError):
        notes.get_note(private.id, HN)
    with pytest.raises(UnknownNoteError):  # not even its existence is confirmed
        notes.edit_note(HN, private.id, version=1, text="x")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("department", "finanzamt", "not a department of 'konstanz'"),
        ("exhibit_id", "gibts-nicht", "unknown exhibit"),
        ("city_id", "ulm", "unknown city"),
        ("relevance", 0, "relevance"),
        ("relevance", 6, "relevance"),
        ("relevance", True, "relevance"),
        ("relevance", "5", "relevance"),
        ("transferability", "maybe", "transferability must be one of adopt, adapt"),
        ("text", "   ", "text must not be empty"),
        ("text", "x" * 10_001, "longer than 10000"),
        ("text", "a\x00b", "NUL"),
        ("text", "a\ud800b", "cannot be stored"),
        ("tags", ["x" * 41], "tag is longer"),
    ],
)
def test_bad_values_are_refused_with_a_message(notes: NoteStore, field, value, message):
    with pytest.raises(InvalidNote, match=message):
        add(notes, **{field: value})
    assert notes.list_notes(ADMIN) == []


def test_open_workshop_mode_needs_a_typed_name(notes: NoteStore):
    with pytest.raises(InvalidNote, match="author must not be empty"):
        add(notes, Actor.workshop(""), city_id="konstanz", author="  ")
    assert add(notes, Actor.workshop(), city_id="konstanz", author="Gast").author == "Gast"
    # A signed-in navigator's name is the author, whatever a form sends.
    assert add(notes, KN, author="Jemand anders").author == "Anna aus Konstanz"


def test_unknown_and_malformed_ids(notes: NoteStore):
    for bad in (999, 0, -1, "1; DROP TABLE notes", None, True, 2**40):
        with pytest.raises(UnknownNoteError):
            notes.get_note(bad)  # type: ignore[arg-type]
        with pytest.raises(UnknownNoteError):
            notes.edit_note(KN, bad, version=1, text="x")  # type: ignore[arg-type]


# --- follow-ups ------------------------------------------------------------------------------


def test_follow_ups(notes: NoteStore):
    note = add(notes)
    of_note = notes.add_follow_up(KN, city_id="konstanz", note_id=note.id,
                                  action="Brandschutz erfragen", owner="Anna", due="2019-07-01")
    assert of_note.exhibit_id == "skaio" and of_note.status is FollowUpStatus.OPEN
    of_exhibit = notes.add_follow_up(KN, city_id="konstanz", exhibit_id="holzpavillon",
                                     action="Besuch planen", owner="Ben")
    assert notes.list_follow_ups(city_id="konstanz") == [of_note, of_exhibit]  # no due: last
    assert of_note.overdue(dt.date(2019, 7, 2)) and not of_exhibit.overdue(dt.date(2030, 1, 1))

    done = notes.edit_follow_up(KN, of_note.id, version=1, status="done")
    assert done.status is FollowUpStatus.DONE and not done.overdue(dt.date(2030, 1, 1))
    with pytest.raises(VersionConflict) as info:
        notes.edit_follow_up(KN, of_note.id, version=1, action="anders")
    assert info.value.theirs == "Brandschutz erfragen" and info.value.yours == "anders"
    assert notes.list_follow_ups(status=["open", "doing"]) == [of_exhibit]
    with pytest.raises(PermissionDenied):
        notes.edit_follow_up(HN, of_exhibit.id, version=1, status="done")
    with pytest.raises(InvalidNote, match="belongs to a note, an exhibit"):
        notes.add_follow_up(KN, city_id="konstanz", action="a", owner="o")
    with pytest.raises(InvalidNote, match="due date"):
        notes.add_follow_up(KN, city_id="konstanz", exhibit_id="skaio", action="a", owner="o",
                            due="morgen")
    notes.delete_follow_up(KN, of_exhibit.id)
    assert notes.list_follow_ups(status=["open"]) == []
    assert notes.restore_follow_up(KN, of_exhibit.id).deleted_at is None


# --- the workshop ----------------------------------------------------------------------------


def test_workshop_topics_groups_ideas_and_follow_up(workshop: WorkshopStore, notes: NoteStore):
    wood = workshop.add_topic(KN, city_id="konstanz", title="Holzbau", exhibits=["skaio"],
                              tags=["holz"], department="bauwesen", text=HOSTILE[0])
    pavilion = workshop.add_topic(HN, city_id="heilbronn", title="Pavillons",
                                  exhibits=["holzpavillon", "skaio"])
    alone = workshop.add_topic(KN, city_id="konstanz", title="E-Akte", tags=["verwaltung"])
    with pytest.raises(PermissionDenied):
        workshop.add_topic(HN, city_id="konstanz", title="x")
    with pytest.raises(PermissionDenied):
        workshop.edit_topic(HN, wood.id, version=1, title="x")
    with pytest.raises(PermissionDenied):
        workshop.form_group(Actor.visitor(), topic_ids=[wood.id], reason="")

    topics = workshop.list_topics()
    assert topics[0].text == HOSTILE[0]  # stored as typed, shown through the safe renderer
    assert render_html(topics[0].text) == "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"
    proposals = group_topics(topics)
    assert [g.topic_ids for g in proposals] == [(wood.id, pavilion.id), (alone.id,)]
    by_id = {t.id: t for t in topics}
    reason = proposals[0].reason(by_id, None, "en")
    assert reason == "“Holzbau” and “Pavillons” share the exhibit skaio."

    group = workshop.form_group(HN, topic_ids=proposals[0].topic_ids, reason=reason)
    assert group.topic_ids == (wood.id, pavilion.id) and group.title == "Holzbau"
    assert workshop.list_groups() == [group]

    idea = workshop.add_idea(KN, group_id=group.id, city_id="konstanz", title="Holz-Kita")
    with pytest.raises(PermissionDenied):
        workshop.add_idea(HN, group_id=group.id, city_id="konstanz", title="x")
    assert workshop.list_ideas(group_id=group.id) == [idea]
    follow_up = workshop.idea_to_follow_up(KN, idea.id, owner="Anna", due=dt.date(2019, 9, 1))
    assert (follow_up.idea_id, follow_up.action, follow_up.owner) == (idea.id, "Holz-Kita",
                                                                      "Anna")
    assert notes.list_follow_ups(city_id="konstanz") == [follow_up]
    with pytest.raises(PermissionDenied):
        workshop.idea_to_follow_up(HN, idea.id, owner="Hans")

    workshop.delete_topic(KN, alone.id)
    assert [t.id for t in workshop.list_topics()] == [wood.id, pavilion.id]
    workshop.restore_topic(KN, alone.id)
    with pytest.raises(UnknownNoteError):
        workshop.form_group(KN, topic_ids=[12345], reason="")


# --- concurrency -----------------------------------------------------------------------------


def test_no_lost_writes_8_threads_x_200_notes(notes: NoteStore):
    threads, per_thread = 8, 200
    errors: list[BaseException] = []
    start = threading.Barrier(threads)

    def write(worker: int) -> None:
        actor = Actor.navigator("konstanz", f"Schreiber {worker}")
        try:
            start.wait()
            for i in range(per_thread):
                add(notes, actor, text=f"{worker}-{i}", relevance=1 + i % 5)
        except BaseException as exc:
            errors.append(exc)

    workers = [threading.Thread(target=write, args=(w,)) for w in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert errors == []
    texts = {n.text for n in notes.list_notes(KN)}
    assert texts == {f"{w}-{i}" for w in range(threads) for i in range(per_thread)}


def test_concurrent_edits_of_one_note_lose_nothing(notes: NoteStore):
    """Several editors save the same version at once: exactly one wins, the others get a
    conflict; never two silent winners."""
    note = add(notes)
    results: list[str] = []
    start = threading.Barrier(6)

    def edit(worker: int) -> None:
        start.wait()
        try:
            notes.edit_note(KN, note.id, version=1, text=f"Fassung {worker}")
            results.append("saved")
        except VersionConflict:
            results.append("conflict")

    workers = [threading.Thread(target=edit, args=(w,)) for w in range(6)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert sorted(results) == ["conflict"] * 5 + ["saved"]
    assert notes.get_note(note.id).version == 2


def _at_once(count: int, work) -> list[object]:
    """Run work(i) in `count` threads released together; their results (or exceptions)."""
    results: list[object] = [None] * count
    start = threading.Barrier(count)

    def run(i: int) -> None:
        start.wait()
        try:
            results[i] = work(i)
        except BaseException as exc:  # the test looks at it
            results[i] = exc

    workers = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return results


@pytest.mark.parametrize("kind", ["note", "follow-up", "topic"])
def test_one_versioned_update_for_notes_follow_ups_and_topics(
        kind: str, notes: NoteStore, workshop: WorkshopStore):
    """The same optimistic locking for every versioned table (store/base.versioned_update):
    6 editors of one version at once, exactly one saves, and the version goes up by one."""
    if kind == "note":
        item = add(notes)
        edit = lambda i: notes.edit_note(KN, item.id, version=1, text=f"Fassung {i}")  # noqa: E731
        current = lambda: notes.get_note(item.id)  # noqa: E731
    elif kind == "follow-up":
        item = notes.add_follow_up(KN, city_id="konstanz", action="Angebot", owner="Anna",
                                   exhibit_id="skaio")
        edit = lambda i: notes.edit_follow_up(KN, item.id, version=1, action=f"A {i}")  # noqa: E731
        current = lambda: next(f for f in notes.list_follow_ups() if f.id == item.id)  # noqa: E731
    else:
        item = workshop.add_topic(KN, city_id="konstanz", title="Holz", exhibits=["skaio"])
        edit = lambda i: workshop.edit_topic(KN, item.id, version=1, title=f"T {i}")  # noqa: E731
        current = lambda: next(t for t in workshop.list_topics() if t.id == item.id)  # noqa: E731
    results = _at_once(6, edit)
    saved = [r for r in results if not isinstance(r, BaseException)]
    conflicts = [r for r in results if isinstance(r, VersionConflict)]
    assert len(saved) == 1 and len(conflicts) == 5, results
    assert current().version == 2
    # A stale version is refused without a write; delete and restore go through the same path.
    with pytest.raises(VersionConflict):
        edit(99)
    assert current().version == 2


def test_eight_concurrent_form_group_calls_make_one_group(db_url: str, catalog):
    """8 calls at once, each through its own engine (as 8 sessions on 2 replicas would be):
    one group, and every caller gets that group back."""
    stores = [WorkshopStore(Database(db_url), catalog) for _ in range(8)]
    try:
        a = stores[0].add_topic(KN, city_id="konstanz", title="Holz", exhibits=["skaio"])
        b = stores[0].add_topic(HN, city_id="heilbronn", title="Bauen", exhibits=["skaio"])
        results = _at_once(8, lambda i: stores[i].form_group(
            Actor.navigator("konstanz", f"Lotse {i}"), topic_ids=[b.id, a.id], reason="skaio"))
        assert not [r for r in results if isinstance(r, BaseException)], results
        groups = stores[0].list_groups()
        assert len(groups) == 1
        assert {r.id for r in results} == {groups[0].id}  # type: ignore[union-attr]
        # The same set in another order, or a tap delivered twice later: still the one group.
        again = stores[1].form_group(ADMIN, topic_ids=[a.id, b.id, a.id], reason="")
        assert again.id == groups[0].id and len(stores[0].list_groups()) == 1
    finally:
        for store_ in stores:
            store_.dispose()


def test_an_idea_becomes_a_citys_follow_up_once(db_url: str, catalog):
    """8 taps on "Make it a follow-up" at once (8 engines): one follow-up of the city."""
    stores = [WorkshopStore(Database(db_url), catalog) for _ in range(8)]
    try:
        topic = stores[0].add_topic(KN, city_id="konstanz", title="Holz")
        group = stores[0].form_group(KN, topic_ids=[topic.id], reason="")
        idea = stores[0].add_idea(KN, group_id=group.id, city_id="konstanz", title="Kita")
        results = _at_once(8, lambda i: stores[i].idea_to_follow_up(KN, idea.id,
                                                                     owner=f"Lotse {i}"))
        assert not [r for r in results if isinstance(r, BaseException)], results
        made = [f for f in NoteStore(stores[0].database, catalog).list_follow_ups()
                if f.idea_id == idea.id]
        assert len(made) == 1 and {r.id for r in results} == {made[0].id}  # type: ignore[union-attr]
        # Another city may still make it its own follow-up.
        theirs = stores[1].idea_to_follow_up(HN, idea.id, owner="Hans", city_id="heilbronn")
        assert theirs.id != made[0].id and theirs.city_id == "heilbronn"
    finally:
        for store_ in stores:
            store_.dispose()


def test_an_edited_note_names_its_last_editor(notes: NoteStore):
    note = add(notes)
    assert note.updated_by is None and not note.edited
    edited = notes.edit_note(Actor.navigator("konstanz", "Bea"), note.id, version=1, text="neu")
    assert edited.author == "Anna aus Konstanz" and edited.updated_by == "Bea"
    assert edited.updated_at > note.updated_at
    open_mode = notes.edit_note(Actor.workshop("Carla"), note.id, version=2, text="neuer")
    assert open_mode.updated_by == "Carla"


# --- migration -------------------------------------------------------------------------------


def test_a_database_with_only_the_tours_migration_keeps_its_tours(db_url: str, catalog):
    engine = create_engine(db_url)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0001")
    engine.dispose()
    old = TourStore(db_url)
    old.database._migrated = True  # the app of then: it knew only revision 0001
    tour_id = old.save_tour({"stops": ["skaio"]}, "Alte Tour", exhibition_id="buga2019-heilbronn")
    old.dispose()
    engine = create_engine(db_url)
    assert not inspect(engine).has_table("notes")
    engine.dispose()

    database = Database(db_url)
    try:
        note = add(NoteStore(database, catalog))
        tour = TourStore(database).load_tour(tour_id)
        assert tour is not None and tour.title == "Alte Tour"
        assert database.revision() >= "0003"
        assert NoteStore(database, catalog).get_note(note.id).text == note.text
    finally:
        database.dispose()


def test_exhibit_review_side_by_side(db_url: str, catalog):
    from dashboard.review.domain import exhibit_review
    from dashboard.store import open_review_stores

    notes, workshop = open_review_stores(catalog, db_url)
    try:
        assert notes.database is workshop.database
        mine = add(notes)
        private = add(notes, shared=False)
        theirs = add(notes, HN, department="it", text="Heilbronn dazu")
        hidden = add(notes, HN, department="it", shared=False)
        follow = notes.add_follow_up(KN, city_id="konstanz", note_id=mine.id, action="a",
                                     owner="o")
        review = exhibit_review(catalog, notes, KN, "konstanz", "skaio", "de")
        assert review.own == (mine, private) and review.others == (theirs,)
        assert review.follow_ups == (follow,)
        # The data's notes: the other cities' beside theirs, Konstanz's own in its column
        # ("what the other cities thought" never shows the city's own curated note).
        data_notes = set(catalog.exhibits["skaio"].city_notes)
        assert "konstanz" in data_notes
        assert {c.city_id for c in review.curated} == data_notes - {"konstanz"}
        assert {c.city_id for c in review.own_curated} == {"konstanz"}
        assert all(c.curated for c in review.curated + review.own_curated)
        for_heilbronn = exhibit_review(catalog, notes, HN, "heilbronn", "skaio", "de")
        assert {c.city_id for c in for_heilbronn.curated} == data_notes - {"heilbronn"}
        assert not for_heilbronn.own_curated
        assert hidden not in review.others
        as_visitor = exhibit_review(catalog, notes, Actor.visitor(), "konstanz", "skaio", "de")
        assert as_visitor.own == (mine,)
        secret = notes.add_follow_up(KN, city_id="konstanz", note_id=private.id,
                                     action="intern", owner="o")
        assert exhibit_review(catalog, notes, KN, "konstanz", "skaio", "de").follow_ups == (
            follow, secret)
        assert exhibit_review(catalog, notes, HN, "konstanz", "skaio", "de").follow_ups == (
            follow,)
    finally:
        notes.dispose()
