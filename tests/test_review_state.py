"""The review page holds up in a live session (issue 16), in AppTest: every write replayed
(Streamlit can deliver one tap twice) while another person's writes change the counts between
runs, and the page state (ReviewState) keeping the exhibit, the name and what was typed.

The crash this guards against: the exhibit picker's options were labels with counts
("Smart light columns · 2 note(s) · on a tour"); Streamlit keeps a picker's value as its
label, so once a count changed the next run got a label that was no option (KeyError)."""

# ruff: noqa: F811 - the fixtures of test_review_page and test_hostile_store are imported

from __future__ import annotations

import subprocess

import pytest
from conftest import ROOT, tap_as_sent
from streamlit.testing.v1 import AppTest
from test_hostile_store import own_postgres  # noqa: F401 - fixture
from test_review_page import (  # noqa: F401 - fixtures
    NEW,
    data,
    db,
    key_of,
    open_review,
    open_tab,
    stores,
)

from dashboard.roles import Actor
from dashboard.store import NoteStore, WorkshopStore
from dashboard.ui.review.state import TABS, ReviewState

OTHER = Actor.workshop("Someone else")


def other_person_writes(notes: NoteStore, n: int) -> None:
    """Someone else's note on the same exhibit: the exhibit's counts change."""
    notes.add_note(OTHER, exhibit_id="solar-roof", city_id="testhausen", department="it",
                   text=f"Von nebenan {n}", relevance=2, transferability="adapt")


def tap_and_replay(at: AppTest, base: str, notes: NoteStore) -> AppTest:
    """Tap the button, let the counts change, run again, then deliver the tap once more."""
    at.button(key=key_of(at, base)).click()
    tapped = tap_as_sent(at)
    at.run()
    assert not at.exception, at.exception
    other_person_writes(notes, 1)
    at.run()
    assert not at.exception, at.exception
    at._run(widget_state=tapped)  # the same tap again (AppTest has no public replay)
    assert not at.exception, at.exception
    other_person_writes(notes, 2)
    at.run()
    assert not at.exception, at.exception
    return at


def still_there(at: AppTest) -> None:
    assert not at.exception, at.exception
    assert at.text_input(key="w.auth.name").value == "Anna"
    state = at.session_state["review.state"]
    assert isinstance(state, ReviewState) and state.exhibit == "solar-roof"


def own(notes: NoteStore) -> list:
    return [n for n in notes.list_notes(Actor.admin(), city_id="testhausen")
            if n.author == "Anna"]


def test_note_saved_once_and_the_page_goes_on(monkeypatch, data, db, stores):
    notes, _ = stores
    at = open_review(monkeypatch, data, db)
    at.text_area(key=NEW + "text").input("Erste Notiz")
    tap_and_replay(at, "review.save-note", notes)
    still_there(at)
    assert [n.text for n in own(notes)] == ["Erste Notiz"]
    # Change the department, write a second note: the choices stayed.
    at.selectbox(key=NEW + "department").set_value("it").run()
    at.text_area(key=NEW + "text").input("Zweite Notiz")
    tap_and_replay(at, "review.save-note", notes)
    still_there(at)
    assert [(n.text, n.department) for n in own(notes)] == [("Erste Notiz", "bau"),
                                                              ("Zweite Notiz", "it")]
    # The exhibit picker still chooses the exhibit by id, whatever its counts are now.
    assert at.selectbox(key="review.w.exhibit").value == "solar-roof"


def test_delete_and_undo_replayed(monkeypatch, data, db, stores):
    notes, _ = stores
    note = notes.add_note(Actor.workshop("Anna"), exhibit_id="solar-roof",
                          city_id="testhausen", department="bau", text="Weg?", relevance=2,
                          transferability="adapt")
    at = open_review(monkeypatch, data, db)
    tap_and_replay(at, f"review.delete-{note.id}", notes)
    still_there(at)
    assert notes.get_note(note.id).deleted and notes.get_note(note.id).version == 2
    tap_and_replay(at, "review.undo", notes)
    still_there(at)
    assert not notes.get_note(note.id).deleted and notes.get_note(note.id).version == 3


def test_edit_replayed(monkeypatch, data, db, stores):
    notes, _ = stores
    note = notes.add_note(Actor.workshop("Ben"), exhibit_id="solar-roof",
                          city_id="testhausen", department="bau", text="Alt", relevance=2,
                          transferability="adapt")
    at = open_review(monkeypatch, data, db)
    at.button(key=f"review.edit-{note.id}").click().run()
    at.text_area(key=f"review.w.edit.{note.id}.text").input("Neu")
    tap_and_replay(at, f"review.save-edit-{note.id}", notes)
    still_there(at)
    saved = notes.get_note(note.id)
    assert (saved.text, saved.version, saved.author, saved.updated_by) == ("Neu", 2, "Ben",
                                                                           "Anna")
    # The card says who edited it last.
    assert any("last edited by Anna" in c.value for c in at.caption)


def test_two_follow_ups_each_stored_once(monkeypatch, data, db, stores):
    notes, _ = stores
    at = open_tab(open_review(monkeypatch, data, db), "follow_ups")
    for action in ("Angebot einholen", "Förderung prüfen"):
        at.text_input(key="review.w.fu.action").input(action)
        at.text_input(key="review.w.fu.owner").input("Bauamt")
        tap_and_replay(at, "review.fu-save", notes)
        still_there(at)
    items = notes.list_follow_ups(city_id="testhausen")
    assert sorted(f.action for f in items) == ["Angebot einholen", "Förderung prüfen"]
    assert at.text_input(key="review.w.fu.owner").value == "Bauamt"  # kept for the next


def test_workshop_writes_replayed(monkeypatch, data, db, stores):
    notes, workshop = stores
    workshop.add_topic(Actor.workshop("Nora"), city_id="nachbarstadt", title="Dachflächen",
                       exhibits=["solar-roof"])
    at = open_tab(open_review(monkeypatch, data, db), "workshop")
    at.text_input(key="review.w.topic.title").input("Solar auf Schulen")
    at.multiselect(key="review.w.topic.exhibits").set_value(["solar-roof"])
    tap_and_replay(at, "review.topic-save", notes)
    still_there(at)
    assert [t.title for t in workshop.list_topics()] == ["Dachflächen", "Solar auf Schulen"]
    tap_and_replay(at, "review.form-group", notes)
    assert len(workshop.list_groups()) == 1
    gid = workshop.list_groups()[0].id
    at.text_input(key=f"review.w.idea.{gid}.title").input("Solarkataster")
    tap_and_replay(at, f"review.idea-save-{gid}", notes)
    ideas = workshop.list_ideas()
    assert [i.title for i in ideas] == ["Solarkataster"]
    at.text_input(key=f"review.w.idea_fu.{ideas[0].id}.owner").input("Stadtwerke")
    at.button(key=f"review.idea-fu-save-{ideas[0].id}").click()
    tapped = tap_as_sent(at)
    at.run()
    at._run(widget_state=tapped)
    still_there(at)
    assert [(f.action, f.idea_id) for f in notes.list_follow_ups(city_id="testhausen")] == \
        [("Solarkataster", ideas[0].id)]
    # Said next to the idea, and the idea's card changed: no second "Make it a follow-up".
    assert f"review.idea-fu-save-{ideas[0].id}" not in [b.key for b in at.button]


def test_a_refused_project_idea_says_so_under_its_button(monkeypatch, data, db,
                                                         stores):
    _, workshop = stores
    topic = workshop.add_topic(Actor.workshop("Nora"), city_id="testhausen", title="T")
    group = workshop.form_group(Actor.workshop("Nora"), topic_ids=[topic.id], reason="")
    at = open_tab(open_review(monkeypatch, data, db), "workshop")
    at.button(key=key_of(at, f"review.idea-save-{group.id}")).click().run()
    assert not at.exception
    warnings = [w.value.replace("\\", "") for w in at.warning]
    assert any("The title must not be empty" in w for w in warnings), warnings
    assert workshop.list_ideas() == []
    # (That it is drawn in view of the button: tests/test_browser_review_live.py.)


def test_switch_city_and_back_and_toggle_a_filter(monkeypatch, data, db, stores):
    notes, _ = stores
    at = open_review(monkeypatch, data, db)
    at.text_area(key=NEW + "text").input("Halb geschrieben")
    at.selectbox(key="w.city").set_value("nachbarstadt").run()
    assert not at.exception
    at.selectbox(key="w.city").set_value("testhausen").run()
    other_person_writes(notes, 3)
    at.toggle(key="review.w.f.noted").set_value(True).run()
    still_there(at)
    assert at.text_area(key=NEW + "text").value == "Halb geschrieben"  # nothing typed lost


@pytest.mark.parametrize("lang", ["de", "en"])
def test_language_switch_keeps_every_choice(monkeypatch, data, db, stores, lang):
    """Labels change with the language: the choices (ids) must not."""
    at = open_review(monkeypatch, data, db)
    at.selectbox(key=NEW + "department").set_value("it").run()
    at.radio(key=NEW + "transferability").set_value("not_for_us").run()
    at.radio(key="w.lang").set_value(lang).run()
    at.radio(key="w.lang").set_value("de" if lang == "en" else "en").run()
    still_there(at)
    assert at.selectbox(key=NEW + "department").value == "it"
    assert at.radio(key=NEW + "transferability").value == "not_for_us"


def test_only_the_open_tab_is_drawn(monkeypatch, data, db, stores):
    at = open_review(monkeypatch, data, db)
    seen = {}
    for tab in TABS:
        open_tab(at, tab)
        seen[tab] = {w.key for w in at.button if w.key} | {
            w.key for w in at.text_input if w.key}
    assert any(k.startswith("review.save-note") for k in seen["exhibits"])
    assert not any(k.startswith("review.save-note") for k in seen["follow_ups"])
    assert not any(k.startswith("review.fu-save") for k in seen["exhibits"])
    assert "review.w.topic.title" in seen["workshop"]
    assert "review.w.topic.title" not in seen["report"]


def test_german_page_says_sie_and_store_reasons_in_german(monkeypatch, data, db,
                                                          stores):
    at = open_review(monkeypatch, data, db, name=None)
    at.radio(key="w.lang").set_value("de").run()
    assert at.text_input(key="w.auth.name").label == "Ihr Name"
    at.text_area(key=NEW + "text").input("Ohne Namen")
    at.button(key=key_of(at, "review.save-note")).click().run()
    warnings = [w.value.replace("\\", "") for w in at.warning]
    assert any("Nicht gespeichert: Der Name darf nicht leer sein" in w for w in warnings), \
        warnings
    assert at.text_area(key=NEW + "text").value == "Ohne Namen"


def test_date_inputs_share_the_one_format(monkeypatch, data, db, stores):
    from dashboard.presentation import DATE_INPUT_FORMAT

    at = open_tab(open_review(monkeypatch, data, db), "follow_ups")
    assert at.date_input(key="review.w.fu.due").proto.format == DATE_INPUT_FORMAT["en"]
    at.radio(key="w.lang").set_value("de").run()
    assert at.date_input(key="review.w.fu.due").proto.format == DATE_INPUT_FORMAT["de"]


@pytest.mark.postgres
@pytest.mark.timeout(300)
def test_a_save_while_the_database_is_down_keeps_the_form(monkeypatch, data,
                                                          own_postgres):
    """PostgreSQL stopped between typing and saving (.ci/start-postgres pause): the page says
    so and keeps the text and the choices, also through the runs in which it can draw no
    form; after `resume` they are in the form again and saving stores the note once."""
    url, env = own_postgres
    script = ["bash", str(ROOT / ".ci" / "start-postgres")]
    at = open_review(monkeypatch, data, url)
    at.selectbox(key=NEW + "department").set_value("it").run()
    at.text_area(key=NEW + "text").input("Trotz Ausfall")
    at.radio(key=NEW + "relevance").set_value(5)
    at.radio(key=NEW + "transferability").set_value("not_for_us")
    subprocess.run([*script, "pause"], env=env, check=True, capture_output=True, timeout=120)
    try:
        at.button(key=key_of(at, "review.save-note")).click().run()
        assert not at.exception, at.exception
        assert any("cannot be used right now" in e.value for e in at.error)
        at.run()  # the page with the database down: a message, no form
        assert not at.exception
        assert NEW + "text" not in [w.key for w in at.text_area]
    finally:
        subprocess.run([*script, "resume"], env=env, check=True, capture_output=True,
                       timeout=120)
    at.run()
    assert not at.exception, at.exception
    assert at.text_area(key=NEW + "text").value == "Trotz Ausfall"
    assert at.selectbox(key=NEW + "department").value == "it"
    assert at.radio(key=NEW + "relevance").value == 5
    assert at.radio(key=NEW + "transferability").value == "not_for_us"
    assert at.session_state["review.state"].exhibit == "solar-roof"
    at.button(key=key_of(at, "review.save-note")).click().run()
    notes = NoteStore(url)
    try:
        saved = [n for n in notes.list_notes(Actor.admin(), exhibition_id="mini-expo")
                 if n.text == "Trotz Ausfall"]
    finally:
        notes.dispose()
    assert len(saved) == 1
    assert (saved[0].department, saved[0].relevance, saved[0].transferability.value) == \
        ("it", 5, "not_for_us")


def test_workshop_store_is_idempotent_through_the_page(monkeypatch, data, db,
                                                       stores):
    """Two sessions tap "Form the working group" for the same proposal: one group."""
    _, workshop = stores
    for title in ("A", "B"):
        workshop.add_topic(Actor.workshop("Nora"), city_id="testhausen", title=title,
                           exhibits=["solar-roof"])
    first = open_tab(open_review(monkeypatch, data, db), "workshop")
    second = open_tab(open_review(monkeypatch, data, db), "workshop")
    first.button(key=key_of(first, "review.form-group")).click()
    second.button(key=key_of(second, "review.form-group")).click()
    first.run()
    second.run()
    assert not first.exception and not second.exception
    assert len(WorkshopStore(workshop.database).list_groups(exhibition_id="mini-expo")) == 1
