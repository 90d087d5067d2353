"""The transfer scorecard per exhibit and city, and the city's reflection date
(ScorecardStore), on SQLite and PostgreSQL: one scorecard per exhibit and city, no lost
updates, the factors' ratings checked, shown to the other cities only when shared, written
only by the city's navigators."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboard import catalog as cat
from dashboard.roles import Actor, PermissionDenied
from dashboard.store import (
    Database,
    Factor,
    InvalidNote,
    Rating,
    ScorecardStore,
    Stage,
    VersionConflict,
)

DATA = Path(__file__).resolve().parents[1] / "data"
KN = Actor.navigator("konstanz", "Anna aus Konstanz")
HN = Actor.navigator("heilbronn", "Hans aus Heilbronn")


@pytest.fixture(scope="module")
def catalog() -> cat.Catalog:
    return cat.load(DATA)


@pytest.fixture
def scorecards(db_url: str, catalog) -> Iterator[ScorecardStore]:
    db = Database(db_url)
    yield ScorecardStore(db, catalog)
    db.dispose()


def test_save_and_edit_a_scorecard_without_losing_an_update(scorecards, catalog):
    ex = next(iter(catalog.exhibits))
    dep = catalog.cities["konstanz"].departments[0]
    card = scorecards.save_scorecard(
        KN, exhibit_id=ex, city_id="konstanz", version=None, stage="proof_of_value",
        factors={"funding": {"score": 2, "why": "Fördermittel laufen 2026 aus"},
                 Factor.TECHNICAL_FIT: Rating(5, "läuft auf unserer Plattform")},
        owner_department=dep, contact="Frau Muster, BUGA GmbH",
        reuse_url="https://github.com/example/solution")
    assert card.stage is Stage.PROOF_OF_VALUE and card.version == 1
    assert card.factors[Factor.FUNDING] == Rating(2, "Fördermittel laufen 2026 aus")
    assert card.factors[Factor.COMMUNICATION] == Rating(None, "")
    edited = scorecards.save_scorecard(KN, exhibit_id=ex, city_id="konstanz", version=1,
                                       stage="regular_operation")
    assert edited.version == 2 and edited.stage is Stage.REGULAR_OPERATION
    with pytest.raises(VersionConflict):  # a form loaded at version 1
        scorecards.save_scorecard(KN, exhibit_id=ex, city_id="konstanz", version=1,
                                  stage="idea")
    with pytest.raises(VersionConflict):  # a second "first" scorecard
        scorecards.save_scorecard(KN, exhibit_id=ex, city_id="konstanz", version=None,
                                  stage="idea")
    assert len(scorecards.scorecards(KN, exhibit_id=ex)) == 1


def test_ratings_links_and_roles_are_checked(scorecards, catalog):
    ex = next(iter(catalog.exhibits))

    def save(actor=KN, **values):
        base = {"exhibit_id": ex, "city_id": "konstanz", "version": None, "stage": "idea"}
        return scorecards.save_scorecard(actor, **(base | values))

    for bad in ({"funding": {"score": 6}}, {"funding": {"score": True}}, {"luck": 3}):
        with pytest.raises(InvalidNote):
            save(factors=bad)
    for link in ("javascript:alert(1)", "ftp://example.org/x", "https://"):
        with pytest.raises(InvalidNote):
            save(reuse_url=link)
    with pytest.raises(InvalidNote):
        save(stage="somewhere")
    with pytest.raises(InvalidNote):
        save(owner_department="not-a-department")
    with pytest.raises(PermissionDenied):
        save(actor=HN)
    with pytest.raises(PermissionDenied):
        save(actor=Actor.visitor())


def test_other_cities_see_only_shared_scorecards(scorecards, catalog):
    first, second = list(catalog.exhibits)[:2]
    scorecards.save_scorecard(KN, exhibit_id=first, city_id="konstanz", version=None,
                              stage="idea", shared=False)
    scorecards.save_scorecard(HN, exhibit_id=first, city_id="heilbronn", version=None,
                              stage="regular_operation")
    scorecards.save_scorecard(KN, exhibit_id=second, city_id="konstanz", version=None,
                              stage="proof_of_value")
    assert [c.city_id for c in scorecards.scorecards(HN, exhibit_id=first)] == ["heilbronn"]
    assert [c.city_id for c in scorecards.scorecards(KN, exhibit_id=first)] == [
        "heilbronn", "konstanz"]
    assert [c.exhibit_id for c in scorecards.scorecards(HN, city_id="konstanz")] == [second]


def test_the_reflection_date(scorecards):
    assert scorecards.reflection("konstanz").day is None
    first = scorecards.set_reflection(KN, "konstanz", "2020-03-15", version=0)
    assert first.day == dt.date(2020, 3, 15) and first.version == 1
    with pytest.raises(VersionConflict):
        scorecards.set_reflection(KN, "konstanz", dt.date(2020, 4, 1), version=0)
    moved = scorecards.set_reflection(KN, "konstanz", dt.date(2020, 4, 1), version=1)
    assert scorecards.reflection("konstanz").day == dt.date(2020, 4, 1) == moved.day
    with pytest.raises(PermissionDenied):
        scorecards.set_reflection(HN, "konstanz", None, version=moved.version)
    with pytest.raises(InvalidNote):
        scorecards.set_reflection(KN, "konstanz", "next spring", version=moved.version)
    assert scorecards.reflection("heilbronn").day is None
