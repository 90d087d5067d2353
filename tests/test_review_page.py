"""The review page (/review) in AppTest: notes side by side, add / edit with a conflict /
delete and undo, follow-ups (overdue marked), the workshop, the report downloads, bad URL
parameters, and who sees which forms. Each test has its own SQLite database
(LERNREISE_DATABASE_URL) and a copy of the mini exhibition with a second city and a small
programme (tests/data/review/)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
from pathlib import Path

import pytest
from conftest import DEFAULT_DATA, MINI, ROOT, TESTS
from streamlit.testing.v1 import AppTest

from dashboard import catalog as cat
from dashboard import routing, store
from dashboard.roles import Actor
from dashboard.store import FollowUpStatus

AUTH = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "x" * 40,
    "client_id": "lernreise",
    "client_secret": "secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}
NEW = "review.w.new.testhausen."
HOSTILE = "<script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1)) " \
          "${alert(1)} :red[red]"


def review_data(target: Path) -> Path:
    """The mini exhibition with the review overlay (second city, programme)."""
    shutil.copytree(MINI, target)
    for name in ("cities.yaml", "programme.yaml"):
        shutil.copy(TESTS / "data" / "review" / name, target / name)
    return target


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return review_data(tmp_path / "data")


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'review.sqlite3'}"


@pytest.fixture
def stores(data: Path, db: str):
    notes, workshop = store.open_review_stores(cat.load(data), db)
    yield notes, workshop
    notes.dispose()


def open_review(monkeypatch, data: Path, db: str, *, name: str | None = "Anna",
                city: str | None = None, exhibit: str | None = "solar-roof",
                auth: dict | None = None, user: dict | None = None,
                roles: Path | None = None) -> AppTest:
    monkeypatch.setenv("LERNREISE_DATA_DIR", str(data))
    monkeypatch.setenv("LERNREISE_DATABASE_URL", db)
    if roles is None:
        monkeypatch.delenv("LERNREISE_ROLES_FILE", raising=False)
    else:
        monkeypatch.setenv("LERNREISE_ROLES_FILE", str(roles))
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=90)
    if auth is not None:
        at.secrets["auth"] = auth
    at.user = user or {}
    # The file name is the page's url_path, so the first run can open the review directly.
    at.switch_page("app_pages/review.py")
    at.query_params.update({"lang": "en"} | ({"city": city} if city else {})
                           | ({"exhibit": exhibit} if exhibit else {}))
    at.run()
    assert not at.exception, at.exception
    if name is not None and "w.auth.name" in [w.key for w in at.text_input]:
        at.text_input(key="w.auth.name").input(name).run()
    return at


def key_of(at: AppTest, base: str) -> str:
    """The one button whose key is `base` plus a generation or version ("review.save-note-0",
    "review.delete-3-1"): a write's button gets a new key after each write."""
    found = [b.key for b in at.button if b.key and b.key.startswith(base + "-")]
    assert len(found) == 1, (base, [b.key for b in at.button])
    return found[0]


def tap(at: AppTest, base: str) -> AppTest:
    return at.button(key=key_of(at, base)).click().run()


def open_tab(at: AppTest, tab: str) -> AppTest:
    """Only the open tab is drawn: choose it with the page's tab control."""
    at.segmented_control(key="review.w.tab").set_value(tab).run()
    assert not at.exception, at.exception
    return at


def plain(value: str) -> str:
    return value.replace("\\", "")


def shown(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [e.value for kind in ("info", "warning", "error", "success")
              for e in getattr(at, kind)]
    return plain("\n".join(parts))


def html(at: AppTest) -> str:
    """The notes, topics and ideas as the page hands them to st.html."""
    return "\n".join(h.value for h in at.get("html") if "review-note" in h.value)


def write_note(at: AppTest, text: str, *, relevance: int = 4, transfer: str = "adopt",
               tags: str = "energie, dach") -> AppTest:
    at.text_area(key=NEW + "text").input(text)
    at.radio(key=NEW + "relevance").set_value(relevance)
    at.radio(key=NEW + "transferability").set_value(transfer)
    at.text_input(key=NEW + "tags").input(tags)
    return tap(at, "review.save-note")


# --------------------------------------------------------------------------- the page


def test_page_on_the_bundled_data(monkeypatch, tmp_path):
    at = open_review(monkeypatch, DEFAULT_DATA, f"sqlite:///{tmp_path / 'b.sqlite3'}",
                     exhibit="skaio")
    assert not at.exception
    body = shown(at)
    assert "Review of the study trip" in plain(at.header[0].value)
    assert "of 42 exhibits" in body
    assert "Notes of Konstanz" in body and "What the other cities thought" in body
    assert "From the exhibition data" in body  # the curated notes, marked
    assert key_of(at, "review.save-note")


def test_status_list_filters_and_empty_state(monkeypatch, data, db, stores):
    notes, _ = stores
    notes.add_note(Actor.workshop("Ben"), exhibit_id="fountain", city_id="testhausen",
                   department="it", text="Sensoren", relevance=5, transferability="adapt")
    tours = store.open_store(db)
    tours.save_tour(routing.TourRequest(stops=("rain-garden",)).to_dict(), "T", "mini-expo")
    tours.dispose()
    at = open_review(monkeypatch, data, db, exhibit=None)
    assert "3 of 3 exhibits · 1 noted" in shown(at)
    # The picker's label is the name only: counts live in the table (a label with a count
    # made the next run fail once the count changed).
    label = at.selectbox(key="review.w.exhibit").format_func
    assert label("rain-garden") == "Rain garden"
    table = at.dataframe[0].value
    assert list(table["On a tour"]) == ["", "✓", ""] and list(table["Notes"]) == [0, 0, 1]
    at.toggle(key="review.w.f.noted").set_value(True).run()
    assert "1 of 3 exhibits" in shown(at)
    assert at.selectbox(key="review.w.exhibit").options[1:] == ["Fountain"]
    at.selectbox(key="review.w.f.transferability").set_value("adopt").run()
    assert "0 of 3 exhibits" in shown(at)
    assert any("No exhibit matches these filters" in plain(i.value) for i in at.info)
    at.button(key="review.reset").click().run()
    assert "3 of 3 exhibits" in shown(at)
    # "All" is an option of its own (a value of None would show the placeholder instead).
    for key in ("review.w.f.department", "review.w.f.transferability"):
        picker = at.selectbox(key=key)
        assert picker.value == "" and picker.format_func(picker.value) == "All"
    at.selectbox(key="review.w.f.department").set_value("it").run()
    assert not at.exception


def test_add_a_note_shows_it_with_the_other_citys_and_curated_ones(monkeypatch, data, db,
                                                                   stores):
    notes, _ = stores
    notes.add_note(Actor.workshop("Nora"), exhibit_id="solar-roof", city_id="nachbarstadt",
                   department="it", text="Bei uns **schon** im Test.", relevance=3,
                   transferability="adapt")
    notes.add_note(Actor.workshop("Nora"), exhibit_id="solar-roof", city_id="nachbarstadt",
                   department="it", text="Geheim", relevance=3, transferability="adapt",
                   shared=False)
    at = open_review(monkeypatch, data, db)
    assert "Bei uns <strong>schon</strong> im Test." in html(at)  # the other city's, shared
    assert "Geheim" not in html(at)  # unshared: not among "what the other city thought"
    body = shown(at)
    assert "Check for school roofs." in body and "From the exhibition data" in body
    assert "Which roof would we adopt?" in body  # guiding question of the 'bau' group
    at.selectbox(key=NEW + "department").set_value("it").run()
    assert "Which data do we need?" in shown(at)
    assert "Which roof would we adopt?" not in shown(at).split("Guiding questions")[-1]

    at = write_note(at, "Das Dach **lohnt** sich.")
    assert not at.exception
    assert any("Note saved" in s.value for s in at.success)
    assert "Das Dach <strong>lohnt</strong> sich." in html(at)
    assert "Anna · IT · relevance 4/5 · adopt · #energie #dach" in shown(at)
    assert at.text_area(key=NEW + "text").value == ""  # ready for the next note
    saved = notes.list_notes(Actor.admin(), city_id="testhausen")
    assert [(n.author, n.department, n.relevance, n.tags) for n in saved] == \
        [("Anna", "it", 4, ("energie", "dach"))]
    table = at.dataframe[0].value
    assert list(table["Notes"])[list(table["Exhibit"]).index("Solar roof")] == 1


def test_hostile_note_is_text(monkeypatch, data, db):
    at = open_review(monkeypatch, data, db)
    at = write_note(at, HOSTILE)
    body = html(at)
    assert "<script>" not in body and "<img" not in body and "javascript:" not in \
        body.replace("[x](javascript:alert(1))", "")
    assert "&lt;script&gt;" in body and "&#36;{alert(1)}" in body


def test_a_note_without_a_name_is_refused_with_a_message(monkeypatch, data, db, stores):
    at = open_review(monkeypatch, data, db, name=None)
    at = write_note(at, "Ohne Namen")
    assert not at.exception
    assert any("The name must not be empty" in plain(w.value) for w in at.warning)
    assert at.text_area(key=NEW + "text").value == "Ohne Namen"  # nothing typed is lost
    assert stores[0].list_notes(Actor.admin()) == []


def test_edit_with_a_conflict_shows_both_texts_and_lets_the_user_choose(monkeypatch, data,
                                                                        db, stores):
    notes, _ = stores
    note = notes.add_note(Actor.workshop("Ben"), exhibit_id="solar-roof",
                          city_id="testhausen", department="bau", text="Erste Fassung",
                          relevance=2, transferability="adapt")
    at = open_review(monkeypatch, data, db)
    at.button(key=f"review.edit-{note.id}").click().run()
    edit = f"review.w.edit.{note.id}."
    assert at.text_area(key=edit + "text").value == "Erste Fassung"
    at.text_area(key=edit + "text").input("Meine Fassung")
    # Someone else saves in between.
    notes.edit_note(Actor.workshop("Cleo"), note.id, version=note.version, text="Cleos Fassung")
    tap(at, f"review.save-edit-{note.id}")
    assert not at.exception
    assert any("changed meanwhile" in plain(w.value) for w in at.warning)
    assert "Cleos Fassung" in html(at) and "Meine Fassung" in html(at)
    assert notes.get_note(note.id).text == "Cleos Fassung"  # nothing overwritten yet
    tap(at, f"review.save-edit-{note.id}")  # "Save my text"
    assert notes.get_note(note.id).text == "Meine Fassung"
    assert any("Change saved" in s.value for s in at.success)

    # The other choice: keep the saved one.
    current = notes.get_note(note.id)
    at.button(key=f"review.edit-{note.id}").click().run()
    at.text_area(key=edit + "text").input("Noch eine")
    notes.edit_note(Actor.workshop("Cleo"), note.id, version=current.version, text="Cleo 2")
    tap(at, f"review.save-edit-{note.id}")
    at.button(key=f"review.cancel-edit-{note.id}").click().run()  # "Keep the saved one"
    assert notes.get_note(note.id).text == "Cleo 2"
    assert "Cleo 2" in html(at) and not at.warning


def test_delete_and_undo(monkeypatch, data, db, stores):
    notes, _ = stores
    note = notes.add_note(Actor.workshop("Ben"), exhibit_id="solar-roof",
                          city_id="testhausen", department="bau", text="Weg damit?",
                          relevance=2, transferability="not_for_us")
    at = open_review(monkeypatch, data, db)
    tap(at, f"review.delete-{note.id}")
    assert "Weg damit?" not in html(at)
    assert notes.get_note(note.id).deleted
    assert "Note deleted." in shown(at)
    tap(at, "review.undo")
    assert not notes.get_note(note.id).deleted
    assert "Weg damit?" in html(at)
    assert any("Note restored" in s.value for s in at.success)


def test_follow_ups_overdue_marked_status_changes_and_open_filter(monkeypatch, data, db,
                                                                  stores):
    notes, _ = stores
    actor = Actor.workshop("Ben")
    late = notes.add_follow_up(actor, city_id="testhausen", exhibit_id="solar-roof",
                               action="Angebot einholen", owner="Bauamt",
                               due=dt.date.today() - dt.timedelta(days=3))
    notes.add_follow_up(actor, city_id="testhausen", exhibit_id="fountain",
                        action="Später", owner="IT", due=dt.date.today() + dt.timedelta(days=30))
    at = open_review(monkeypatch, data, db)
    marked = [m.value for m in at.markdown if "Overdue since" in plain(m.value)]
    assert len(marked) == 1  # in the exhibit's list ...
    open_tab(at, "follow_ups")
    body = shown(at)
    assert "2 follow-ups, 1 overdue" in body
    marked += [m.value for m in at.markdown if "Overdue since" in plain(m.value)]
    assert len(marked) == 2  # ... and in the follow-ups tab ...
    assert all(":material/warning:" in m for m in marked)  # ... with an icon and words

    at.radio(key=f"review.w.fu_status.{late.id}").set_value("done").run()
    assert any("Status saved: done" in plain(s.value) for s in at.success)
    assert notes.list_follow_ups(city_id="testhausen")[0].status is FollowUpStatus.DONE
    assert not [m for m in at.markdown if "Overdue since" in plain(m.value)]
    at.toggle(key="review.w.fu.open_only").set_value(True).run()
    assert "1 follow-up, 0 overdue" in shown(at)

    at.text_input(key="review.w.fu.action").input("Förderung prüfen")
    at.text_input(key="review.w.fu.owner").input("Kämmerei")
    at.date_input(key="review.w.fu.due").set_value(dt.date(2030, 1, 31))
    tap(at, "review.fu-save")
    assert any("Follow-up saved" in plain(s.value) for s in at.success)
    added = [f for f in notes.list_follow_ups(city_id="testhausen") if f.owner == "Kämmerei"]
    assert added and added[0].exhibit_id == "solar-roof" and added[0].due == dt.date(2030, 1, 31)


def test_workshop_topics_groups_ideas_and_a_follow_up(monkeypatch, data, db, stores):
    notes, workshop = stores
    workshop.add_topic(Actor.workshop("Nora"), city_id="nachbarstadt", title="Dachflächen",
                       exhibits=["solar-roof"], tags=["energie"])
    at = open_tab(open_review(monkeypatch, data, db), "workshop")
    at.text_input(key="review.w.topic.title").input("Solar auf Schulen")
    at.text_area(key="review.w.topic.text").input("Alle **Schuldächer** prüfen")
    at.multiselect(key="review.w.topic.exhibits").set_value(["solar-roof"])
    at.text_input(key="review.w.topic.tags").input("schule")
    tap(at, "review.topic-save")
    assert any("Topic saved" in s.value for s in at.success)
    assert "Alle <strong>Schuldächer</strong> prüfen" in html(at)
    body = shown(at)
    assert "“Dachflächen” and “Solar auf Schulen” share the exhibit Solar roof" in body

    tap(at, "review.form-group")
    groups = workshop.list_groups()
    assert len(groups) == 1 and "share the exhibit Solar roof" in groups[0].reason
    gid = groups[0].id
    assert "Formed as the working group “Dachflächen”" in shown(at)

    at.text_input(key=f"review.w.idea.{gid}.title").input("Solarkataster")
    tap(at, f"review.idea-save-{gid}")
    idea = workshop.list_ideas()[0]
    assert idea.title == "Solarkataster" and idea.author == "Anna"
    at.text_input(key=f"review.w.idea_fu.{idea.id}.owner").input("Stadtwerke")
    at.date_input(key=f"review.w.idea_fu.{idea.id}.due").set_value(dt.date(2030, 6, 1))
    at.button(key=f"review.idea-fu-save-{idea.id}").click().run()
    assert not at.exception
    items = notes.list_follow_ups(city_id="testhausen")
    assert [(f.action, f.owner, f.idea_id) for f in items] == \
        [("Solarkataster", "Stadtwerke", idea.id)]
    # The idea's card says it is a follow-up now, and offers no second one.
    assert f"review.idea-fu-save-{idea.id}" not in [b.key for b in at.button]
    assert "Follow-up: Stadtwerke" in shown(at)
    open_tab(at, "follow_ups")
    assert "Owner: Stadtwerke" in shown(at)


def test_bad_city_and_exhibit_in_the_url_give_messages(monkeypatch, data, db):
    at = open_review(monkeypatch, data, db, city="atlantis", exhibit="<b>nope</b>", name=None)
    assert not at.exception
    warnings = [plain(w.value) for w in at.warning]
    assert any("“atlantis”" in w for w in warnings)
    assert any("<b>nope</b>" in w for w in warnings)
    assert "Notes of Testhausen" not in shown(at)  # no exhibit chosen; the default city
    assert "Choose an exhibit to see and write its notes." in shown(at)


def test_city_from_the_url(monkeypatch, data, db):
    at = open_review(monkeypatch, data, db, city="nachbarstadt")
    assert "Notes of Neighbour town" in shown(at)
    assert at.selectbox(key="review.w.new.nachbarstadt.department").options == ["IT"]


def test_report_downloads_are_the_report(monkeypatch, data, db, stores):
    import openpyxl
    import pypdf
    from streamlit.delta_generator import DeltaGenerator

    notes, _ = stores
    notes.add_note(Actor.workshop("Ben"), exhibit_id="solar-roof", city_id="testhausen",
                   department="bau", text="Dach *prüfen*", relevance=5,
                   transferability="adopt")
    tours = store.open_store(db)
    tours.save_tour(routing.TourRequest(stops=("solar-roof", "fountain")).to_dict(),
                    "Dach-Tour", "mini-expo")
    tours.dispose()
    made = {}
    original = DeltaGenerator.download_button

    def capture(self, label, data, file_name=None, **kwargs):
        made[file_name] = data
        return original(self, label, data, file_name=file_name, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", capture)
    at = open_tab(open_review(monkeypatch, data, db), "report")
    assert sorted(made) == ["lernreise-testhausen.csv", "lernreise-testhausen.md",
                            "lernreise-testhausen.pdf", "lernreise-testhausen.xlsx"]
    # Built on click, in the interface's language until another is chosen.
    assert "Study trip report Testhausen" in made["lernreise-testhausen.md"]().decode()
    made.clear()
    at.radio(key="review.w.report_lang").set_value("de").run()
    md = made["lernreise-testhausen.md"]().decode("utf-8")
    assert "Lernreise-Bericht Testhausen" in md and "Dach prüfen" in md
    rows = list(csv.reader(io.StringIO(made["lernreise-testhausen.csv"]().decode("utf-8"))))
    assert any("Dach prüfen" in cell for row in rows for cell in row)
    book = openpyxl.load_workbook(io.BytesIO(made["lernreise-testhausen.xlsx"]()))
    assert any("Dach prüfen" in str(c.value) for ws in book for row in ws.iter_rows()
               for c in row)
    pdf = pypdf.PdfReader(io.BytesIO(made["lernreise-testhausen.pdf"]()))
    pdf_text = " ".join(" ".join(p.extract_text().split()) for p in pdf.pages)
    assert "Testhausen" in pdf_text
    # The map shows the saved tour through the noted exhibit.
    assert "Die Tour „Dach-Tour“: 2 Stationen" in pdf_text

    made.clear()
    at.radio(key="review.w.report_lang").set_value("en").run()
    assert "Study trip report Testhausen" in made["lernreise-testhausen.md"]().decode()
    made.clear()
    open_tab(at, "exhibits")
    assert not made  # only the open tab is drawn: no report buttons elsewhere


def test_visitors_see_no_write_forms(monkeypatch, data, db, tmp_path, stores):
    notes, _ = stores
    note = notes.add_note(Actor.workshop("Ben"), exhibit_id="solar-roof",
                          city_id="testhausen", department="bau", text="Lesbar",
                          relevance=2, transferability="adapt")
    roles = tmp_path / "roles.yaml"
    roles.write_text("users: {}\n", encoding="utf-8")
    at = open_review(monkeypatch, data, db, auth=AUTH, roles=roles)
    assert not at.exception
    assert "Lesbar" in html(at)
    keys = {w.key for w in at.button} | {w.key for w in at.text_area}
    assert not {k for k in keys if k and k.startswith("review.") and k != "review.reset"}
    assert f"review.edit-{note.id}" not in keys
    assert any("Read only" in plain(i.value) for i in at.info)


def test_a_navigator_of_another_city_reads_only(monkeypatch, data, db, stores):
    notes, _ = stores
    notes.add_note(Actor.workshop("Ben"), exhibit_id="solar-roof", city_id="testhausen",
                   department="bau", text="Nur Testhausen", relevance=2,
                   transferability="adapt", shared=False)
    user = {"is_logged_in": True, "email": "it@nachbar.example", "name": "Ines",
            "lernreise_role": "navigator:nachbarstadt"}
    at = open_review(monkeypatch, data, db, auth=AUTH, user=user, city="testhausen")
    assert not at.exception
    assert "Nur Testhausen" not in html(at)  # unshared: not theirs to read
    assert not [b.key for b in at.button if b.key and b.key.startswith("review.save-note")]


def test_store_unavailable_is_a_message(monkeypatch, data, tmp_path):
    folder = tmp_path / "not-a-db"
    folder.mkdir()
    at = open_review(monkeypatch, data, f"sqlite:///{folder}", name=None)
    assert not at.exception
    assert any("cannot be used right now" in plain(e.value) for e in at.error)


def test_insights_tab_charts_the_citys_notes(monkeypatch, data, db, stores):
    at = open_tab(open_review(monkeypatch, data, db), "insights")
    # No notes yet: the tab says so and draws nothing.
    assert len(at.get("vega_lite_chart")) == 0 and len(at.get("deck_gl_json_chart")) == 0
    notes, _ = stores
    notes.add_note(Actor.workshop("Ben"), exhibit_id="fountain", city_id="testhausen",
                   department="it", text="Sensoren", relevance=5, transferability="adapt")
    at.run()
    assert not at.exception
    # Category and department charts, the matrix; one 3D column for the one noted exhibit.
    assert len(at.get("vega_lite_chart")) == 3
    (deck,) = at.get("deck_gl_json_chart")
    assert "fountain" in deck.proto.json
    # Another tab open: no chart and no deck is drawn (only the open tab runs).
    open_tab(at, "exhibits")
    assert len(at.get("vega_lite_chart")) == 0 and len(at.get("deck_gl_json_chart")) == 0


def test_review_stores_share_the_tour_stores_engine(monkeypatch, data, db):
    from dashboard.ui import common
    from dashboard.ui.review import shared

    monkeypatch.setenv("LERNREISE_DATABASE_URL", db)
    catalog = cat.load(data)
    notes, workshop = shared._stores(db, common.data_key(catalog), catalog)
    tours = common.tour_store()
    assert tours is not None
    # One engine (one connection pool) per process for tours, notes and the workshop.
    assert notes.database is tours.database and workshop.database is tours.database
