"""The editor page (/edit) in AppTest: open an exhibition, every section draws, the exhibit
form validates as one types, saves, meets a second editor's save (conflict, nothing lost),
publishes, restores; read-only without the editor role.

AppTest cannot upload files or tap inside st_folium: tests/test_browser_editor.py does that.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import MINI, ROOT, TESTS
from streamlit.testing.v1 import AppTest

from dashboard.editor import access, bundle, draft
from dashboard.importers import osm, table
from dashboard.store.exhibitions import ExhibitionStore

DATA = TESTS / "data" / "editor"
F = "edit.f."
ANNA = access.editor_actor("Anna")


def garden_files() -> dict[str, bytes]:
    meta = draft.ExhibitionMeta(id="testgarten", name_de="Testgarten", name_en="Test garden")
    files = draft.with_site(draft.new_exhibition(meta), osm.read_site(DATA / "site.osm").layers)
    found = table.read_table((DATA / "exhibits.csv").read_bytes(), "exhibits.csv")
    return table.preview(found, table.guess_mapping(found.columns), files).apply(files)


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'editor.sqlite3'}"
    store = ExhibitionStore(url)
    store.create(ANNA, "testgarten", "Testgarten", garden_files())
    store.dispose()
    return url


def open_editor(monkeypatch, db: str, *, auth: dict | None = None,
                user: dict | None = None, lang: str = "en") -> AppTest:
    monkeypatch.setenv("LERNREISE_DATA_DIR", str(MINI))
    monkeypatch.setenv("LERNREISE_DATABASE_URL", db)
    monkeypatch.delenv("LERNREISE_ROLES_FILE", raising=False)
    monkeypatch.delenv("LERNREISE_EXHIBITION", raising=False)
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=90)
    if auth is not None:
        at.secrets["auth"] = auth
    at.user = user or {}
    at.switch_page("app_pages/edit.py")
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception, at.exception
    return at


def shown(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [e.value for kind in ("info", "warning", "error", "success")
              for e in getattr(at, kind)]
    return "\n".join(parts).replace("\\", "")


def pick(at: AppTest, section: str = "exhibits") -> AppTest:
    at.selectbox(key="edit.pick").set_value("testgarten").run()
    assert not at.exception, at.exception
    at.get("button_group")[0].set_value(section).run() if section != "site" else None
    assert not at.exception, at.exception
    return at


def test_every_section_draws(monkeypatch, db):
    at = open_editor(monkeypatch, db)
    assert "Choose an exhibition" in shown(at)
    pick(at, "site")
    assert "All checked" in shown(at)
    for section in ("exhibits", "lists", "import", "photos", "publish"):
        at.get("button_group")[0].set_value(section).run()
        assert not at.exception, (section, at.exception)


def test_form_validates_live_and_saves(monkeypatch, db):
    at = pick(open_editor(monkeypatch, db))
    at.selectbox(key="edit.exhibit").set_value("regengarten").run()
    assert at.text_input(key=F + "name_en").value == "Rain garden"
    at.number_input(key=F + "lat").set_value(48.0).run()  # far outside the site
    assert "lies outside the site outline" in shown(at)
    at.number_input(key=F + "lat").set_value(47.6609).run()
    assert "outside the site outline" not in shown(at)
    at.text_input(key=F + "name_en").input("Rain bed").run()
    at.button(key="edit.save-exhibit").click().run()
    assert not at.exception, at.exception
    assert "Exhibit regengarten saved" in shown(at)
    store = ExhibitionStore(db)
    _, files = store.draft("testgarten")
    item = next(e for e in draft.exhibits(files) if e["id"] == "regengarten")
    assert item["name"] == {"de": "Regengarten", "en": "Rain bed"}
    assert store.get("testgarten").draft_revision == 2


def test_a_second_editor_saving_meanwhile_is_a_conflict(monkeypatch, db):
    at = pick(open_editor(monkeypatch, db))
    at.selectbox(key="edit.exhibit").set_value("regengarten").run()
    store = ExhibitionStore(db)
    info, files = store.draft("testgarten")
    store.save_draft(access.editor_actor("Ben"), "testgarten",
                     draft.remove_exhibit(files, "aussichtsturm"), revision=info.draft_revision)
    at.text_input(key=F + "name_en").input("Rain bed").run()
    at.button(key="edit.save-exhibit").click().run()
    assert "Someone else saved the draft meanwhile" in shown(at)
    assert at.text_input(key=F + "name_en").value == "Rain bed"  # what was typed stays
    _, now = store.draft("testgarten")
    assert "aussichtsturm" not in {e["id"] for e in draft.exhibits(now)}  # Ben's stays too
    at.button(key="edit.reload").click().run()
    at.button(key="edit.save-exhibit").click().run()
    _, now = store.draft("testgarten")
    item = next(e for e in draft.exhibits(now) if e["id"] == "regengarten")
    assert item["name"]["en"] == "Rain bed"
    assert "aussichtsturm" not in {e["id"] for e in draft.exhibits(now)}


def test_publish_and_restore(monkeypatch, db):
    at = pick(open_editor(monkeypatch, db), "publish")
    at.text_input(key="edit.publish-message").input("first").run()
    at.button(key="edit.publish").click().run()
    assert "Version 1 published" in shown(at)
    at.get("button_group")[0].set_value("exhibits").run()
    at.selectbox(key="edit.exhibit").set_value("aussichtsturm").run()
    at.button(key="edit.delete").click().run()
    assert not at.exception, at.exception
    at.get("button_group")[0].set_value("publish").run()
    at.button(key="edit.publish").click().run()
    assert "Version 2 published" in shown(at)
    at.selectbox(key="edit.v-new").set_value(2).run()
    at.selectbox(key="edit.v-old").set_value(1).run()
    assert "removed: aussichtsturm" in shown(at)
    at.selectbox(key="edit.v-new").set_value(1).run()
    at.button(key="edit.restore").click().run()
    assert "Version 1 restored as version 3" in shown(at)
    store = ExhibitionStore(db)
    assert store.export("testgarten", 3) == store.export("testgarten", 1)
    assert bundle.check(store.files("testgarten")) == []


def test_signed_in_without_the_editor_role_reads_only(monkeypatch, db):
    auth = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
            "client_id": "lernreise", "client_secret": "s",
            "server_metadata_url": "http://127.0.0.1:1/.well-known/openid-configuration"}
    user = {"is_logged_in": True, "email": "nav@example.org", "name": "Nav",
            "lernreise_role": "navigator:testhausen"}
    at = open_editor(monkeypatch, db, auth=auth, user=user)
    assert "Only people with the editor role may edit" in shown(at)
    assert not [s for s in at.selectbox if s.key == "edit.pick"]
    at = open_editor(monkeypatch, db, auth=auth, user={**user, "lernreise_role": "editor"})
    assert [s for s in at.selectbox if s.key == "edit.pick"]


def test_an_editor_of_one_exhibition_sees_only_that_one(monkeypatch, db):
    ExhibitionStore(db).create(ANNA, "zweiter-garten", "Zweiter Garten", garden_files())
    auth = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
            "client_id": "lernreise", "client_secret": "s",
            "server_metadata_url": "http://127.0.0.1:1/.well-known/openid-configuration"}
    user = {"is_logged_in": True, "email": "carla@example.org", "name": "Carla",
            "lernreise_role": "editor:testgarten"}
    at = open_editor(monkeypatch, db, auth=auth, user=user)
    assert at.selectbox(key="edit.pick").options == ["– choose an exhibition –", "Testgarten"]
    assert not [e for e in at.expander if "New exhibition" in e.label]
    at = open_editor(monkeypatch, db, auth=auth, user={**user,
                                                       "lernreise_role": "editor:elsewhere"})
    assert "none of them exists here yet" in shown(at)
    at = open_editor(monkeypatch, db, auth=auth, user={**user, "lernreise_role": "editor"})
    assert len(at.selectbox(key="edit.pick").options) == 3
    assert [e for e in at.expander if "New exhibition" in e.label]
