"""Exhibitions in the database: drafts, publish, versions, diff, restore, two editors at once,
export as a data folder zip (byte for byte) and serving a published version.

Both backends (the db_url fixture of tests/test_store.py: SQLite, and PostgreSQL when
LERNREISE_TEST_POSTGRES_URL is set).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from conftest import MINI
from test_store import db_url, postgres_url  # noqa: F401 - fixtures

from dashboard import catalog as cat
from dashboard import routing
from dashboard.__main__ import main
from dashboard.editor import access, bundle, draft, serving
from dashboard.roles import Actor
from dashboard.store import TourStore, check_exhibition
from dashboard.store.exhibitions import (
    ExhibitionConflict,
    ExhibitionStore,
    InvalidExhibition,
    UnknownExhibition,
)

ANNA = access.editor_actor("Anna")
BEN = access.editor_actor("Ben")


@pytest.fixture
def store(db_url: str):  # noqa: F811 - the fixture of test_store
    exhibitions = ExhibitionStore(db_url)
    yield exhibitions
    exhibitions.dispose()


@pytest.fixture
def mini_files() -> dict[str, bytes]:
    return bundle.from_folder(MINI)


def _rename(files: dict[str, bytes], exhibit_id: str, name_de: str) -> dict[str, bytes]:
    item = next(e for e in draft.exhibits(files) if e["id"] == exhibit_id)
    return draft.upsert_exhibits(files, [{**item, "name": {**item["name"], "de": name_de}}])


def test_publish_edit_publish_restore(store: ExhibitionStore, mini_files):
    created = store.create(ANNA, "mini-expo", "Mini", mini_files)
    assert created.head == 0 and created.draft_problems == ()
    first = store.publish(ANNA, "mini-expo", head=0, message="as bundled")
    assert (first.number, first.author, first.message) == (1, "Anna", "as bundled")

    edited = draft.remove_exhibit(_rename(mini_files, "solar-roof", "Sonnendach"), "rain-garden")
    saved = store.save_draft(BEN, "mini-expo", edited, revision=created.draft_revision)
    assert saved.draft_author == "Ben"
    second = store.publish(BEN, "mini-expo", head=1)
    assert second.number == 2 and second.author == "Ben"

    diff = store.diff("mini-expo", 1, 2)
    assert diff.removed == ("rain-garden",) and diff.added == ()
    assert diff.changed == {"solar-roof": ("name",)}

    restored = store.restore(ANNA, "mini-expo", 1, head=2)
    assert restored.number == 3 and restored.restored_from == 1
    assert store.export("mini-expo", 3) == store.export("mini-expo", 1)
    assert store.files("mini-expo") == mini_files
    _, draft_files = store.draft("mini-expo")
    assert draft_files == mini_files  # editing goes on from the restored version
    assert [v.number for v in store.versions("mini-expo")] == [3, 2, 1]
    assert store.diff("mini-expo", 1, 3).empty


def test_two_editors_at_once_conflict_and_nothing_is_lost(store: ExhibitionStore, mini_files):
    created = store.create(ANNA, "mini-expo", "Mini", mini_files)
    annas = _rename(mini_files, "solar-roof", "Annas Dach")
    bens = _rename(mini_files, "solar-roof", "Bens Dach")
    store.save_draft(ANNA, "mini-expo", annas, revision=created.draft_revision)
    with pytest.raises(ExhibitionConflict, match="changed meanwhile"):
        store.save_draft(BEN, "mini-expo", bens, revision=created.draft_revision)
    _, now = store.draft("mini-expo")
    assert now == annas  # Anna's edit stays; Ben still has his files to redo it

    store.publish(ANNA, "mini-expo", head=0)
    with pytest.raises(ExhibitionConflict):
        store.publish(BEN, "mini-expo", head=0)  # Ben started before Anna's publish
    assert [v.number for v in store.versions("mini-expo")] == [1]


def test_nothing_invalid_is_published(store: ExhibitionStore, mini_files):
    created = store.create(ANNA, "mini-expo", "Mini", mini_files)
    item = next(e for e in draft.exhibits(mini_files) if e["id"] == "solar-roof")
    broken = draft.upsert_exhibits(mini_files, [{**item, "location": {"lat": 48.0, "lon": 9.0}}])
    saved = store.save_draft(ANNA, "mini-expo", broken, revision=created.draft_revision)
    assert any("outside the site outline" in p for p in saved.draft_problems)
    with pytest.raises(InvalidExhibition) as caught:
        store.publish(ANNA, "mini-expo", head=0)
    assert any("solar-roof" in p and "outside" in p for p in caught.value.problems)
    assert store.versions("mini-expo") == [] and store.get("mini-expo").head == 0


@pytest.mark.parametrize("actor", [Actor.visitor(), Actor.navigator("testhausen"),
                                   Actor.guide("G"), None])
def test_only_editors_may_write(store: ExhibitionStore, mini_files, actor):
    with pytest.raises(access.PermissionDenied):
        store.create(actor, "mini-expo", "Mini", mini_files)
    store.create(ANNA, "mini-expo", "Mini", mini_files)
    with pytest.raises(access.PermissionDenied):
        store.publish(actor, "mini-expo", head=0)
    assert store.get("mini-expo").head == 0


def test_ids_and_unknowns(store: ExhibitionStore, mini_files):
    with pytest.raises(InvalidExhibition, match="lower-case"):
        store.create(ANNA, "Mini Expo", "Mini", mini_files)
    store.create(ANNA, "mini-expo", "Mini", mini_files)
    with pytest.raises(InvalidExhibition, match="exists already"):
        store.create(BEN, "mini-expo", "Other", mini_files)
    with pytest.raises(UnknownExhibition):
        store.export("mini-expo")  # nothing published yet
    with pytest.raises(UnknownExhibition):
        store.draft("nope")


def test_export_validates_and_round_trips_byte_for_byte(store: ExhibitionStore, mini_files,
                                                        tmp_path: Path, capsys):
    store.create(ANNA, "mini-expo", "Mini", mini_files)
    store.publish(ANNA, "mini-expo", head=0)
    exported = store.export("mini-expo")
    folder = tmp_path / "exported"
    zipfile.ZipFile(io.BytesIO(exported)).extractall(folder)
    assert main(["validate", str(folder)]) == 0
    assert "OK" in capsys.readouterr().out
    for name, content in mini_files.items():  # every file as it was in the folder
        assert (folder / name).read_bytes() == content
    # Import the exported zip as a new exhibition, export again: the same bytes.
    files, notices = bundle.from_zip(exported)
    assert notices == []
    store.create(BEN, "copy", "Copy", files)
    store.publish(BEN, "copy", head=0)
    assert store.export("copy") == exported


def test_zip_inside_a_folder_and_stray_files(tmp_path: Path, mini_files):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in mini_files.items():
            archive.writestr(f"mini/{name}", content)
        archive.writestr("mini/.DS_Store", b"junk")
        archive.writestr("mini/run.sh", b"rm -rf /")
    files, notices = bundle.from_zip(out.getvalue())
    assert files == mini_files
    assert len(notices) == 2 and all("not part of a data folder" in n for n in notices)
    with pytest.raises(bundle.BundleError, match="not a zip"):
        bundle.from_zip(b"PK but not really")
    empty = io.BytesIO()
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("notes.txt", b"hello")
    with pytest.raises(bundle.BundleError, match=r"no exhibits\.yaml"):
        bundle.from_zip(empty.getvalue())


# --- serving a published version -------------------------------------------------------------


def test_serving_a_published_version(store: ExhibitionStore, mini_files, db_url, monkeypatch,  # noqa: F811
                                     tmp_path):
    monkeypatch.setattr(serving, "cache_root", lambda: tmp_path / "cache")
    monkeypatch.setenv("LERNREISE_DATABASE_URL", db_url)
    monkeypatch.delenv(serving.SETTING, raising=False)
    assert serving.data_dir() == Path(serving.settings.data_dir())  # default: the folder

    store.create(ANNA, "mini-expo", "Mini", mini_files)
    store.publish(ANNA, "mini-expo", head=0)
    _, files = store.draft("mini-expo")
    store.save_draft(ANNA, "mini-expo", _rename(files, "solar-roof", "Sonnendach"), revision=1)
    store.publish(ANNA, "mini-expo", head=1)

    monkeypatch.setenv(serving.SETTING, "mini-expo")
    newest = cat.load(serving.data_dir())
    assert newest.exhibits["solar-roof"].name.de == "Sonnendach"
    monkeypatch.setenv(serving.SETTING, "mini-expo@1")
    pinned = cat.load(serving.data_dir())
    assert pinned.exhibits["solar-roof"].name.de == "Solardach"
    assert serving.data_dir() == serving.data_dir()  # unpacked once, by its hash

    monkeypatch.setenv(serving.SETTING, "mini-expo@9")
    with pytest.raises(serving.ServingError, match="version 9"):
        serving.data_dir()
    monkeypatch.setenv(serving.SETTING, "mini-expo@latest")
    with pytest.raises(serving.ServingError, match="ID@VERSION"):
        serving.data_dir()


def test_saved_tour_across_versions(store: ExhibitionStore, mini_files, db_url,  # noqa: F811
                                    tmp_path):
    """A tour saved on version 1 opens on version 2, which removed one of its stops: the
    stop is a notice on the tour, not a crash."""
    store.create(ANNA, "mini-expo", "Mini", mini_files)
    store.publish(ANNA, "mini-expo", head=0)
    v1 = cat.load(serving.unpack(*store.published("mini-expo", 1)[1:], root=tmp_path))
    request = routing.TourRequest(stops=("solar-roof", "rain-garden"))
    tours = TourStore(db_url)
    try:
        tour_id = tours.save_tour(request.to_dict(), "Zwei Stopps", v1.exhibition.id)
        store.save_draft(ANNA, "mini-expo", draft.remove_exhibit(mini_files, "rain-garden"),
                         revision=1)
        store.publish(ANNA, "mini-expo", head=1)
        v2 = cat.load(serving.unpack(*store.published("mini-expo")[1:], root=tmp_path))
        saved = tours.load_tour(tour_id)
        check_exhibition(saved, v2)  # the same exhibition, a newer version
        plan = routing.plan_tour(v2, routing.TourRequest.from_dict(saved.spec))
    finally:
        tours.dispose()
    assert [n.place_id for n in plan.notices if n.code == "missing"] == ["rain-garden"]
    assert plan.stop_ids == ["solar-roof"]


def test_an_editor_of_one_exhibition_edits_that_one_only(store: ExhibitionStore, mini_files):
    from dashboard import roles

    store.create(ANNA, "mini-expo", "Mini", mini_files)
    store.create(ANNA, "other-expo", "Other", mini_files)
    carla = roles.actor_from_user({"email": "c@example.org", "name": "Carla",
                                   "lernreise_role": "editor:mini-expo"})
    assert carla.role is roles.Role.EDITOR and carla.exhibitions == {"mini-expo"}
    assert access.may_edit(carla, "mini-expo") and not access.may_edit(carla, "other-expo")
    info, files = store.draft("mini-expo")
    store.save_draft(carla, "mini-expo", files, revision=info.draft_revision)
    other, other_files = store.draft("other-expo")
    with pytest.raises(access.PermissionDenied, match="may not edit exhibition 'other-expo'"):
        store.save_draft(carla, "other-expo", other_files, revision=other.draft_revision)
    with pytest.raises(access.PermissionDenied):
        store.publish(carla, "other-expo", head=0)
    with pytest.raises(access.PermissionDenied, match="may not start a new exhibition"):
        store.create(carla, "third-expo", "Third", mini_files)
    assert store.get("other-expo").draft_revision == other.draft_revision  # nothing written
    store.publish(carla, "mini-expo", head=0)


def test_editor_scopes_from_claims_and_the_roles_file():
    from dashboard import roles

    both = roles.actor_from_user({"email": "d@x.org", "lernreise_role": ["editor:a", "editor:b"]})
    assert both.exhibitions == {"a", "b"}
    every = roles.actor_from_user({"email": "d@x.org", "lernreise_role": ["editor:a", "editor"]})
    assert every.exhibitions is None and access.may_create(every)
    assert roles.actor_from_user({"email": "d@x.org", "lernreise_role": "guide:a"}).role \
        is roles.Role.VISITOR  # only navigators and editors have a scope
    parsed = roles.parse_roles({"users": {
        "e@x.org": {"role": "editor", "exhibitions": ["testgarten"]},
        "f@x.org": {"role": "editor"}}})
    scoped = parsed.actor("E@x.org")
    assert scoped.exhibitions == {"testgarten"} and not access.may_create(scoped)
    assert parsed.actor("f@x.org").exhibitions is None
    with pytest.raises(roles.RolesFileError, match="only an editor has exhibitions"):
        roles.parse_roles({"users": {"g@x.org": {"role": "guide", "exhibitions": ["a"]}}})
