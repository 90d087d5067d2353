"""The editors' fields of an exhibit, and content rules the bundled exhibition keeps.

`note` is for editors (remarks about sources) and must never reach visitors;
`location_approximate` marks exhibits that no source places. The bundled texts must not talk
about their own sources: that belongs in `note` (issue 8).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import DEFAULT_DATA, edit_yaml, exhibit

from dashboard import catalog as cat
from dashboard.errors import DataError

# Phrases by which a text speaks about the data's own sources instead of the exhibit.
SOURCE_TALK = re.compile(
    r"unseren? Quellen|uns nicht belegt|liegen uns|in our sources|we have no (further )?verified",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def bundled() -> cat.Catalog:
    return cat.load(DEFAULT_DATA)


def test_note_and_approximate_location_are_read_and_note_is_not_shown(mini_dir: Path):
    edit_yaml(mini_dir / "exhibits.yaml", lambda d: exhibit(d, "fountain").update(
        note="Editors only: the position is a guess.", location_approximate=True))
    fountain = cat.load(mini_dir).exhibit("fountain")
    assert fountain.note == "Editors only: the position is a guess."
    assert fountain.location_approximate is True
    shown = " ".join(t for _, loc in fountain.localized_texts() for t in (loc.de, loc.en) if t)
    assert "Editors only" not in shown


def test_location_is_precise_unless_marked(mini_dir: Path):
    catalog = cat.load(mini_dir)
    assert not any(e.location_approximate for e in catalog.exhibits.values())
    assert all(e.note is None for e in catalog.exhibits.values())


def test_a_misspelt_editors_field_is_rejected(mini_dir: Path):
    edit_yaml(mini_dir / "exhibits.yaml",
              lambda d: exhibit(d, "fountain").update(location_aproximate=True))
    with pytest.raises(DataError, match="location_aproximate"):
        cat.load(mini_dir)


def test_bundled_visitor_texts_do_not_talk_about_sources(bundled: cat.Catalog):
    talk = [(ex.id, field) for ex in bundled.exhibits.values()
            for field, text in ex.localized_texts()
            for value in (text.de, text.en) if value and SOURCE_TALK.search(value)]
    assert not talk


def test_bundled_approximate_locations_say_why(bundled: cat.Catalog):
    unexplained = [ex.id for ex in bundled.exhibits.values()
                   if ex.location_approximate and not ex.note]
    assert not unexplained
    assert any(ex.location_approximate for ex in bundled.exhibits.values())


def test_bundled_city_notes_only_for_known_cities_and_every_city_has_some(bundled: cat.Catalog):
    noted = {city for ex in bundled.exhibits.values() for city in ex.city_notes}
    assert noted == set(bundled.cities)
