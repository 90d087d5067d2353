"""The pages in Streamlit's AppTest: no exception, and the key elements present."""

from __future__ import annotations

import json

import pytest
from conftest import DEFAULT_DATA, MINI, edit_yaml, exhibit
from streamlit.testing.v1 import AppTest
from support.apptest import start_app

from dashboard import catalog as cat
from dashboard.ui import map_page


def start(monkeypatch, data_dir=MINI, **query: str) -> AppTest:
    return start_app(monkeypatch, data_dir=data_dir, timeout=60, **query)


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [h.value for h in at.subheader]
    parts += [h.value for h in at.header] + [c.value for c in at.caption]
    return "\n".join(parts)


def test_map_page_on_the_bundled_data(monkeypatch):
    at = start(monkeypatch, DEFAULT_DATA)
    assert not at.exception
    total = len(cat.load(DEFAULT_DATA).exhibits)
    assert f"{total} von {total} Exponaten" in texts(at)
    assert at.header[0].value.startswith("Bundesgartenschau")
    assert at.selectbox(key="map.pick").value is None
    assert at.info[0].value.startswith("Ein Exponat auf der Karte antippen")


def test_the_3d_overview_is_drawn_only_once_opened(monkeypatch):
    """A pydeck chart anywhere on the page makes the browser fetch deck.gl (about 3 MB): none
    until the toggle is on, then the deck of the shown exhibits (tests/test_replicas.py checks
    the browser's requests)."""
    at = start(monkeypatch, lang="en")
    assert not at.get("deck_gl_json_chart")
    assert at.toggle(key="map.overview").value is False
    assert "only once you open it" in texts(at)
    at.toggle(key="map.overview").set_value(True).run()
    assert not at.exception
    (deck,) = at.get("deck_gl_json_chart")
    layers = {layer["id"]: layer for layer in json.loads(deck.proto.json)["layers"]}
    assert len(layers["exhibits"]["data"]) == 3  # a column per exhibit of the mini site
    at.toggle(key="map.overview").set_value(False).run()
    assert not at.get("deck_gl_json_chart")


def test_exhibit_from_url_opens_its_detail(monkeypatch):
    at = start(monkeypatch, exhibit="fountain", lang="en")
    assert not at.exception
    assert at.subheader[0].value == "Fountain"
    body = texts(at)
    assert "Fountains at fixed times" in body
    assert "11:00, 15:00" in body.replace("\\", "")
    assert at.query_params["exhibit"] == ["fountain"] or at.query_params["exhibit"] == "fountain"


def test_exhibit_from_url_opens_its_detail_on_the_bundled_data(monkeypatch):
    """(From test_browser.py's test_exhibit_in_url_opens_detail: the same in AppTest.)"""
    ex = cat.load(DEFAULT_DATA).exhibit("skaio")
    at = start(monkeypatch, DEFAULT_DATA, exhibit="skaio", lang="en")
    assert not at.exception
    assert at.subheader[0].value.replace("\\", "") == ex.name.en
    assert ex.summary.en[:40] in texts(at).replace("\\", "")


def test_unknown_exhibit_in_url_shows_a_message(monkeypatch):
    at = start(monkeypatch, exhibit="nope")
    assert not at.exception
    assert any("„nope“" in w.value for w in at.warning)
    assert at.selectbox(key="map.pick").value is None
    # In English too (the text test_browser.py waited for; the map under it is checked there).
    at = start(monkeypatch, exhibit="nope", lang="en")
    assert any("This exhibition has no exhibit with the id “nope”" in w.value.replace("\\", "")
               for w in at.warning)


def test_language_from_url_and_bad_language(monkeypatch):
    at = start(monkeypatch, lang="en")
    assert "3 of 3 exhibits" in texts(at)
    at = start(monkeypatch, lang="xx")
    assert not at.exception
    assert "3 von 3 Exponaten" in texts(at)
    assert any("„xx“" in w.value for w in at.warning)


def test_language_from_url_translates_content(monkeypatch):
    # The sidebar switch itself is driven in the browser tests: AppTest does not pass widget
    # values of the entrypoint script (before st.navigation) through to later reruns.
    assert start(monkeypatch, exhibit="solar-roof").subheader[0].value == "Solardach"
    assert start(monkeypatch, exhibit="solar-roof", lang="en").subheader[0].value == "Solar roof"


def test_filters_change_the_count_and_empty_state(monkeypatch):
    at = start(monkeypatch, lang="en")
    at.multiselect(key="map.f_category").set_value(["water"]).run()
    assert "2 of 3 exhibits" in texts(at)
    at.toggle(key="map.f_step_free").set_value(True).run()
    assert "1 of 3 exhibits" in texts(at)
    at.text_input(key="map.f_query").set_value("nothing like this").run()
    assert "0 of 3 exhibits" in texts(at)
    assert any("No exhibit matches" in i.value for i in at.info)
    at.button(key="map.empty_reset").click().run()
    assert "3 of 3 exhibits" in texts(at)
    assert not at.exception


def test_choosing_from_the_list_selects_and_links(monkeypatch):
    at = start(monkeypatch, lang="en")
    at.selectbox(key="map.pick").set_value("rain-garden").run()
    assert at.subheader[0].value == "Rain garden"
    assert "rain-garden" in str(at.query_params["exhibit"])


def test_user_text_is_shown_literally(monkeypatch, mini_dir):
    edit_yaml(mini_dir / "exhibits.yaml",
              lambda d: exhibit(d, "fountain")["name"].update(en="<b>*Bold*</b> $x$ :red[hi]"))
    at = start(monkeypatch, mini_dir, exhibit="fountain", lang="en")
    heading = at.subheader[0].value
    # Every markup character is backslash-escaped, so markdown shows it as typed.
    assert heading.replace("\\", "") == "<b>*Bold*</b> $x$ :red[hi]"
    assert "\\<b\\>" in heading and "\\*Bold\\*" in heading and "\\$x\\$" in heading


def test_broken_data_shows_every_problem_not_a_traceback(monkeypatch, mini_dir):
    edit_yaml(mini_dir / "exhibits.yaml", lambda d: exhibit(d, "fountain").update(zone="moon"))
    (mini_dir / "geo" / "zones.geojson").write_text("{")
    at = start(monkeypatch, mini_dir)
    assert not at.exception
    assert at.error[0].value == "Die Ausstellungsdaten enthalten Fehler"
    listing = at.code[0].value
    assert "exhibit 'fountain': field 'zone': unknown zone 'moon'" in listing
    assert "zones.geojson: is not valid JSON" in listing


@pytest.mark.parametrize("query", [{"exhibit": ""}, {"lang": ""}, {"exhibit": "x" * 500}])
def test_odd_url_parameters_do_not_crash(monkeypatch, query):
    at = start(monkeypatch, **query)
    assert not at.exception


def test_a_second_city_brings_a_city_choice_and_its_notes(monkeypatch, mini_dir):
    def add_city(d):
        d["cities"].append({"id": "ulm", "name": {"de": "Ulm", "en": "Ulm"},
                            "delegation": {"de": "Team", "en": "Team"}, "departments": ["it"]})

    edit_yaml(mini_dir / "cities.yaml", add_city)
    edit_yaml(mini_dir / "exhibits.yaml", lambda d: exhibit(d, "solar-roof")["city_notes"].update(
        ulm={"de": "Für Ulm prüfen.", "en": "Check for Ulm."}))
    at = start(monkeypatch, mini_dir, exhibit="solar-roof", lang="en")
    shown = texts(at).replace("\\", "")  # markdown escapes are not part of the text
    assert "Check for school roofs." in shown  # the default city's note
    at.selectbox(key="w.city").set_value("ulm").run()
    shown = texts(at).replace("\\", "")
    assert "Check for Ulm." in shown and "Check for school roofs." not in shown
    assert "Notes for Ulm" in shown


# --------------------------------------------------------------------------- issue 6 defects


def test_reset_filters_clears_the_search_for_good(monkeypatch):
    """Defect 5: the search box is emptied too, and the next interaction keeps all shown.
    (test_browser_devices.py's browser copy of this went into test_browser.py's search test.)"""
    at = start(monkeypatch, DEFAULT_DATA, lang="en")
    total = len(cat.load(DEFAULT_DATA).exhibits)
    at.text_input(key="map.f_query").set_value("wasser").run()
    assert f"{total} of {total} exhibits" not in texts(at)
    at.button(key="map.f_reset").click().run()
    keys = map_page.filter_keys(at.session_state)
    assert at.text_input(key=keys["query"]).value == ""
    assert f"{total} of {total} exhibits" in texts(at)
    at.toggle(key=keys["step_free"]).set_value(False).run()  # any later interaction
    assert f"{total} of {total} exhibits" in texts(at)


def test_reset_filters_draws_new_filter_widgets_and_closes_a_hidden_card(monkeypatch):
    """Issue 17, item 1: after "Reset filters" a category chosen in the popover came back with
    the next action (the browser's widget kept it), and the card of an exhibit whose marker a
    filter hid stayed open. Every filter widget is new after a reset (its key changes, so the
    browser cannot send the old choice for it), and a filter that hides the selected exhibit
    closes its card."""
    at = start(monkeypatch, lang="en")  # mini: solar-roof (energy), fountain and rain garden
    at.selectbox(key="map.pick").set_value("solar-roof").run()
    assert at.subheader[0].value == "Solar roof"
    before = map_page.filter_keys(at.session_state)
    at.multiselect(key=before["category"]).set_value(["water"]).run()
    assert "2 of 3 exhibits" in texts(at)
    assert at.selectbox(key="map.pick").value is None  # the card closed with its marker
    assert "Solar roof" not in [h.value for h in at.subheader]
    at.button(key="map.f_reset").click().run()
    after = map_page.filter_keys(at.session_state)
    assert set(before.values()).isdisjoint(after.values())  # new widgets, every one
    assert not [w for w in at.multiselect if w.key == before["category"]]
    assert at.multiselect(key=after["category"]).value == []
    at.text_input(key=after["query"]).set_value("Solar").run()  # the next action
    assert "1 of 3 exhibits" in texts(at) and at.multiselect(key=after["category"]).value == []
    assert not at.exception


def test_language_city_and_base_map_are_url_state_across_pages(monkeypatch):
    at = start(monkeypatch, lang="en", map="osm")
    assert at.query_params["lang"] in ("en", ["en"])
    assert at.query_params["map"] in ("osm", ["osm"])
    assert at.radio(key="w.basemap").value == "osm"
    at.switch_page("app_pages/planner.py").run()
    assert not at.exception
    assert at.header[0].value == "Plan a tour"  # still English on the next page
    assert at.query_params["lang"] in ("en", ["en"])
    assert at.query_params["map"] in ("osm", ["osm"])


def test_bad_city_and_base_map_in_the_url_are_reported(monkeypatch):
    at = start(monkeypatch, city="atlantis", map="satellite", lang="en")
    assert not at.exception
    shown = " ".join(w.value for w in at.warning).replace("\\", "")
    assert "“atlantis”" in shown and "“satellite”" in shown


def test_search_hint_comes_from_the_loaded_data(monkeypatch, mini_dir):
    edit_yaml(mini_dir / "exhibits.yaml",
              lambda d: exhibit(d, "fountain")["name"].update(en="Zeppelinhangar"))
    catalog = cat.load(mini_dir)
    words = " ".join(catalog.text(e.name, "en") for e in catalog.exhibits.values())
    at = start(monkeypatch, mini_dir, lang="en")
    hint = at.text_input(key="map.f_query").placeholder
    example = hint.split("e.g. ")[1]
    assert example in words


def test_card_departments_are_the_visiting_citys(monkeypatch, mini_dir):
    """Issue 8: with a second city, the card lists only that city's departments."""
    catalog = cat.load(mini_dir)
    ex = next(e for e in catalog.exhibits.values() if len(e.departments) >= 1)
    keep = ex.departments[0]

    def add_city(d):
        d["cities"].append({"id": "ulm", "name": {"de": "Ulm", "en": "Ulm"},
                            "delegation": {"de": "Team", "en": "Team"},
                            "departments": [keep]})

    edit_yaml(mini_dir / "cities.yaml", add_city)
    catalog = cat.load(mini_dir)
    names = {d: catalog.text(catalog.departments[d].name, "en") for d in ex.departments}
    at = start(monkeypatch, mini_dir, exhibit=ex.id, lang="en", city="ulm")
    shown = texts(at).replace("\\", "")
    assert names[keep] in shown
    for dep, name in names.items():
        if dep != keep and name not in names[keep]:
            assert f"Relevant for: {name}" not in shown
    assert at.query_params["city"] in ("ulm", ["ulm"])
