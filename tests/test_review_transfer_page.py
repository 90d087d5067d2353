"""The review page (AppTest) with what issue 22 added: "From the tour" (the person's drafts
with a photo, published as a note prefilled from the marks; nobody else's drafts), the
transfer scorecard beside the notes (saved, shown across cities, no lost update) and the
reflection date with the follow-ups due for it."""

from __future__ import annotations

import datetime as dt
import io

from test_review_page import data, db, open_review, open_tab, shown, stores  # noqa: F401

from dashboard import catalog as cat
from dashboard import store
from dashboard.roles import Actor

SC = "review.w.sc.solar-roof."


def jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (320, 240), "orange").save(out, "JPEG")
    return out.getvalue()


def test_from_the_tour_shows_my_drafts_and_publishes_them(monkeypatch, data, db):  # noqa: F811
    captures = store.CaptureStore(store.Database(db), cat.load(data))
    for key, author, values in (
        ("page-00001", "Anna", {"relevant": True, "departments": ["it"]}),
        ("page-00002", "Anna", {"text": "Dach für Schulen prüfen", "photo": jpeg(),
                                "caption": "Solardach"}),
        ("page-00003", "Bert", {"text": "Berts geheimer Entwurf"}),
    ):
        captures.capture(Actor.workshop(), client_key=key, exhibit_id="solar-roof",
                         city_id="testhausen", author=author, **values)
    at = open_review(monkeypatch, data, db, name="Anna")
    body = shown(at)
    assert "From the tour: your drafts at 1 exhibits" in [e.label for e in at.expander]
    assert "Dach für Schulen prüfen" in body
    assert "Berts geheimer Entwurf" not in body
    [image] = at.get("image")
    assert "Solardach · Foto" in str(image.proto) or "Solardach · Photo" in str(image.proto)
    assert at.selectbox(key="review.w.tour.solar-roof.department").value == "it"
    assert at.radio(key="review.w.tour.solar-roof.relevance").value == 4
    publish = next(b for b in at.button if b.key and b.key.startswith("review.publish-solar"))
    at = publish.click().run()
    assert not at.exception
    assert "Published as a note." in shown(at)
    notes = store.NoteStore(store.Database(db), cat.load(data))
    [note] = notes.list_notes(Actor.workshop(), city_id="testhausen")
    assert note.text == "Dach für Schulen prüfen" and note.department == "it"
    assert captures.drafts(Actor.workshop(), city_id="testhausen", author="Anna") == []
    assert len(captures.drafts(Actor.workshop(), city_id="testhausen", author="Bert")) == 1


def test_scorecard_saved_and_shown_across_cities(monkeypatch, data, db):  # noqa: F811
    cards = store.ScorecardStore(store.Database(db), cat.load(data))
    cards.save_scorecard(Actor.navigator("nachbarstadt", "Nina"), exhibit_id="solar-roof",
                         city_id="nachbarstadt", version=None, stage="regular_operation")
    at = open_review(monkeypatch, data, db)
    assert "runs it" in shown(at)
    at.selectbox(key=SC + "stage").set_value("proof_of_value")
    at.selectbox(key=SC + "funding.score").set_value(2)
    at.text_input(key=SC + "funding.why").input("Förderung endet 2026")
    at.text_input(key=SC + "url").input("https://github.com/example/solar")
    at = next(b for b in at.button if b.key == "review.sc-save-solar-roof-None").click().run()
    assert not at.exception
    assert "Scorecard saved." in shown(at)
    [own] = cards.scorecards(Actor.workshop(), exhibit_id="solar-roof", city_id="testhausen")
    assert own.stage.value == "proof_of_value" and own.factors[store.Factor.FUNDING].score == 2
    assert own.reuse_url == "https://github.com/example/solar"
    # Someone else saves meanwhile: this form's save is refused and says so.
    cards.save_scorecard(Actor.workshop("Bert"), exhibit_id="solar-roof", city_id="testhausen",
                         version=own.version, stage="idea")
    at = next(b for b in at.button if b.key == f"review.sc-save-solar-roof-{own.version}") \
        .click().run()
    assert "Someone else saved this meanwhile" in shown(at)
    assert cards.scorecards(Actor.workshop(), city_id="testhausen")[0].stage.value == "idea"


def test_reflection_date_and_what_is_due(monkeypatch, data, db, stores):  # noqa: F811
    notes, _ = stores
    anna = Actor.workshop("Anna")
    notes.add_follow_up(anna, city_id="testhausen", action="Angebot einholen", owner="IT",
                        due=dt.date(2030, 1, 10), exhibit_id="solar-roof")
    notes.add_follow_up(anna, city_id="testhausen", action="Später prüfen", owner="IT",
                        due=dt.date(2031, 1, 10), exhibit_id="solar-roof")
    at = open_tab(open_review(monkeypatch, data, db), "follow_ups")
    at.date_input(key="review.w.reflect.day").set_value(dt.date(2030, 3, 1))
    at = next(b for b in at.button if b.key == "review.reflect-save-0").click().run()
    assert not at.exception
    body = shown(at)
    assert "Date saved." in body and "Open by" in body and "1 follow-up(s)" in body
    cards = store.ScorecardStore(store.Database(db), cat.load(data))
    assert cards.reflection("testhausen").day == dt.date(2030, 3, 1)
