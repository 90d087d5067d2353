"""Categories, zones, departments and cities edited in the editor (dashboard/editor/lists.py,
the "Lists" section), and the validator's messages in German next to the editor's fields
(dashboard/editor/messages.py)."""

from __future__ import annotations

import pytest
from test_editor_page import ANNA, garden_files, open_editor, pick, shown

from dashboard.editor import bundle, draft, lists, messages
from dashboard.store.exhibitions import ExhibitionStore

L = "edit.l."


@pytest.fixture
def files() -> dict[str, bytes]:
    return garden_files()


def test_a_new_category_gets_an_id_from_its_name_and_validates(files):
    item = lists.to_item("category", {"id": "", "name_de": "Wasser & Grün", "name_en": "Water",
                                      "color": "#1E88E5", "icon": "≈"})
    assert item == {"id": "wasser-gruen", "name": {"de": "Wasser & Grün", "en": "Water"},
                    "color": "#1e88e5", "icon": "≈"}
    assert lists.check(files, "category", item) == ({}, [])
    out = lists.upsert(files, "category", item)
    assert [c["id"] for c in lists.items(out, "category")] == ["allgemein", "wasser-gruen"]
    assert bundle.check(out) == []


def test_problems_are_sorted_to_the_fields(files):
    item = lists.to_item("category", {"id": "Bad Id", "name_de": "x", "name_en": "x",
                                      "color": "blue", "icon": ""})
    by_field, _ = lists.check(files, "category", item)
    assert set(by_field) == {"id", "color", "icon"}
    assert "pattern" in by_field["id"][0] and "'blue'" in by_field["color"][0]
    city = lists.to_item("city", {"id": "ulm", "name_de": "Ulm", "name_en": "",
                                  "departments": [], "sources": "not-an-address"})
    by_field, _ = lists.check(files, "city", city)
    assert "at least 1 item" in by_field["departments"][0]
    assert "not an http(s) address" in by_field["sources"][0]
    city = lists.to_item("city", {"id": "ulm", "name_de": "Ulm", "name_en": "",
                                  "departments": ["allgemein"], "sources": ""})
    by_field, _ = lists.check(files, "city", city)  # the language check: on a valid item
    assert "text in en is missing" in by_field["name"][0]


def test_renaming_an_id_changes_it_wherever_it_is_used(files):
    out = lists.upsert(files, "zone", {"id": "park", "name": {"de": "Park", "en": "Park"}},
                       replaces="gelaende")
    assert {e["zone"] for e in draft.exhibits(out)} == {"park"}
    assert [f["properties"]["id"] for f in draft.read_layer(out, "zones")["features"]] == ["park"]
    out = lists.upsert(out, "department", {"id": "umwelt", "name": {"de": "Umwelt",
                                                                     "en": "Environment"}},
                       replaces="allgemein")
    assert lists.items(out, "city")[0]["departments"] == ["umwelt"]
    out = lists.upsert(out, "category", {**lists.items(out, "category")[0], "id": "natur"},
                       replaces="allgemein")
    assert {e["category"] for e in draft.exhibits(out)} == {"natur"}
    assert bundle.check(out) == []  # nothing dangling


def test_renaming_a_city_moves_its_notes_and_the_default(files):
    item = {**draft.exhibits(files)[0], "city_notes": {"besuchergruppe": {"de": "a", "en": "b"}}}
    files = draft.upsert_exhibits(files, [item])
    doc = draft.read_yaml(files, "exhibits.yaml")
    doc["exhibition"]["default_city"] = "besuchergruppe"
    files = {**files, "exhibits.yaml": draft.dump_yaml(doc)}
    city = {**lists.items(files, "city")[0], "id": "konstanz"}
    out = lists.upsert(files, "city", city, replaces="besuchergruppe")
    assert draft.exhibits(out)[0]["city_notes"] == {"konstanz": {"de": "a", "en": "b"}}
    assert draft.exhibition_section(out)["default_city"] == "konstanz"
    assert bundle.check(out) == []


def test_an_item_in_use_or_the_last_one_is_not_removed(files):
    with pytest.raises(lists.ListEditError, match=r"zone 'gelaende' is used by exhibit "
                                                  r"'solarpavillon'.*give them another"):
        lists.remove(files, "zone", "gelaende")
    with pytest.raises(lists.ListEditError, match="department 'allgemein' is used by city"):
        lists.remove(files, "department", "allgemein")
    spare = lists.upsert(files, "category", {"id": "spare", "name": {"de": "x", "en": "x"},
                                             "color": "#000000", "icon": "x"})
    assert [c["id"] for c in lists.items(lists.remove(spare, "category", "spare"),
                                         "category")] == ["allgemein"]
    lone = lists.upsert(files, "city", {"id": "ulm", "name": {"de": "Ulm", "en": "Ulm"},
                                        "departments": ["allgemein"]})
    lone = lists.remove(lone, "city", "besuchergruppe")
    with pytest.raises(lists.ListEditError, match="city 'ulm' is the last one"):
        lists.remove(lone, "city", "ulm")


def test_removing_a_zone_removes_its_polygon(files):
    zones = draft.read_layer(files, "zones")
    zones["features"].append({"type": "Feature", "properties": {"id": "nord"},
                              "geometry": zones["features"][0]["geometry"]})
    files = {**files, "geo/zones.geojson": draft.dump_geojson(zones)}
    files = lists.upsert(files, "zone", {"id": "nord", "name": {"de": "Nord", "en": "North"}})
    assert lists.zones_without_polygon(files) == []
    out = lists.remove(files, "zone", "nord")
    assert [f["properties"]["id"] for f in draft.read_layer(out, "zones")["features"]] \
        == ["gelaende"]
    new = lists.upsert(out, "zone", {"id": "sued", "name": {"de": "Süd", "en": "South"}})
    assert lists.zones_without_polygon(new) == ["sued"]
    assert any("has no polygon for this zone" in str(p) for p in bundle.check(new))


# --------------------------------------------------------------------------- German messages


def _form_messages(files) -> list[str]:
    """Messages an organiser meets in the editor's forms: bad exhibit fields, bad list items,
    bad photos and list edits that are refused."""
    from dashboard.editor import photos
    from dashboard.editor.form import ExhibitForm, check_exhibit

    out: list[str] = []
    good = {"id": "y", "name_de": "Y", "name_en": "Y", "summary_de": "s", "summary_en": "s",
            "category": "allgemein", "zone": "gelaende", "lat": 47.6611, "lon": 9.1709,
            "sources": "https://example.org"}
    for change in [{"sources": "ftp://x"},  # each: one kind of mistake, as one types it
                   {"category": "nope", "zone": "nirgends"},
                   {"lat": 48.0},
                   {"lat": 47.66165, "lon": 9.17185},  # inside, but away from the paths
                   {"departments": ["gibtsnicht"]},
                   {"name_en": ""},
                   {"visit_minutes": 500}]:
        item = ExhibitForm(**{**good, **change}).to_exhibit()
        for found in check_exhibit(files, item)[0].values():
            out += found
    for kind, values in [
        ("category", {"id": "Bad Id", "name_de": "x", "name_en": "x", "color": "blue",
                      "icon": "toolong"}),
        ("city", {"id": "ulm", "name_de": "Ulm", "name_en": "", "departments": [],
                  "sources": "nope"}),
        ("zone", {"id": "allgemein", "name_de": "a" * 130, "name_en": "Z\u202e"}),
    ]:
        for found in lists.check(files, kind, lists.to_item(kind, values))[0].values():
            out += found
    for content, credit in [(b"GIF89a", "Foto: x"), (b"", "Foto: x"), (b"x", "")]:
        try:
            photos.add_photo(files, "solarpavillon", content, "f.jpg", credit=credit)
        except photos.PhotoError as exc:
            out.append(str(exc))
    for kind, ident in [("zone", "gelaende"), ("category", "allgemein")]:
        try:
            lists.remove(files, kind, ident)
        except lists.ListEditError as exc:
            out.append(str(exc))
    return out


def test_every_message_of_the_forms_has_a_german_text(files):
    found = _form_messages(files)
    assert len(found) >= 15, found
    unknown = [m for m in found if not messages.is_known(m)]
    assert not unknown, unknown
    for message in found:
        german = messages.localize(message, "de")
        assert german != message, message
        assert not {"is", "the", "or", "and", "should"} & set(german.split()), german
        assert messages.localize(message, "en") == message


@pytest.mark.parametrize(("english", "german"), [
    ("Field required", "Pflichtfeld: bitte ausfüllen"),
    ("unknown category 'nope' (known: 'allgemein')",
     "unbekannte Kategorie 'nope' (bekannt: 'allgemein')"),
    ("(48.0, 9.0) lies outside the site outline in geo/site.geojson",
     "(48.0, 9.0) liegt außerhalb des Geländeumrisses in geo/site.geojson"),
    ("is 12,345 characters long; at most 5,000 are allowed",
     "ist 12,345 Zeichen lang; höchstens 5,000 sind erlaubt"),
    ("Input should be less than or equal to 240 (got 500)",
     "darf höchstens 240 sein (gefunden: 500)"),
    ("zone 'gelaende' is used by exhibit 'a', exhibit 'b' and 3 more: give them another one "
     "first", "Bereich 'gelaende' wird verwendet von Exponat 'a', Exponat 'b' und 3 weiteren: "
     "ordnen Sie diesen zuerst etwas anderes zu"),
])
def test_german_keeps_the_quoted_values(english, german):
    assert messages.localize(english, "de") == german


def test_an_unknown_message_stays_english():
    assert messages.localize("something new went wrong", "de") == "something new went wrong"
    assert not messages.is_known("something new went wrong")


# --------------------------------------------------------------------------- the page


def test_the_lists_section_adds_renames_and_refuses(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path / 'editor.sqlite3'}"
    store = ExhibitionStore(url)
    store.create(ANNA, "testgarten", "Testgarten", garden_files())
    at = pick(open_editor(monkeypatch, url), "lists")
    assert at.selectbox(key=L + "category.pick").value == ""
    at.text_input(key=L + "category.f.name_de").input("Wasser").run()
    at.text_input(key=L + "category.f.name_en").input("Water").run()
    at.text_input(key=L + "category.f.icon").input("~").run()
    at.button(key=L + "category.save").click().run()
    assert not at.exception, at.exception
    assert "wasser saved" in shown(at)
    assert "wasser" in {c["id"] for c in lists.items(store.draft("testgarten")[1], "category")}
    # zones: a rename reaches the exhibits; deleting one in use says who uses it
    at.get("button_group")[1].set_value("zone").run()
    at.selectbox(key=L + "zone.pick").set_value("gelaende").run()
    at.text_input(key=L + "zone.f.id").input("park").run()
    at.button(key=L + "zone.save").click().run()
    _, saved = store.draft("testgarten")
    assert {e["zone"] for e in draft.exhibits(saved)} == {"park"}
    at.button(key=L + "zone.delete").click().run()
    assert "zone 'park' is used by exhibit" in shown(at)
    assert store.draft("testgarten")[1] == saved  # nothing changed
    # a bad value: the message under its field
    at.get("button_group")[1].set_value("category").run()
    at.selectbox(key=L + "category.pick").set_value("wasser").run()
    at.text_input(key=L + "category.f.id").input("Bad Id").run()
    assert "lower-case" not in shown(at) and "pattern" in shown(at)


def test_the_lists_section_speaks_german(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path / 'editor.sqlite3'}"
    ExhibitionStore(url).create(ANNA, "testgarten", "Testgarten", garden_files())
    at = pick(open_editor(monkeypatch, url, lang="de"), "lists")
    at.get("button_group")[1].set_value("zone").run()
    at.selectbox(key=L + "zone.pick").set_value("gelaende").run()
    at.button(key=L + "zone.delete").click().run()
    assert "Bereich 'gelaende' wird verwendet von Exponat 'solarpavillon'" in shown(at)
    at.get("button_group")[1].set_value("category").run()
    at.text_input(key=L + "category.f.name_de").input("Wasser").run()
    at.text_input(key=L + "category.f.id").input("Bad Id").run()
    assert "nur Kleinbuchstaben (ohne Umlaute), Ziffern und einzelne Bindestriche" in shown(at)
