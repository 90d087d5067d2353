"""Issue 7, "untrusted text is text": hostile data, URL parameters and a saved tour title reach
every page, and no element renders a link or image from them."""

from __future__ import annotations

import re

import pytest
from conftest import MINI, ROOT, edit_yaml, exhibit
from streamlit.testing.v1 import AppTest

from dashboard import routing, store

EVIL = "evil.example"
HOSTILE = (f"[click](https://{EVIL}/x) ![img](https://{EVIL}/i.png) <img src=https://{EVIL}/a> "
           f"**bold** :red[red] $x$ <https://{EVIL}/auto> & Co.")
# Names are at most 120 characters (the validator refuses longer ones): the same markup, shorter.
HOSTILE_NAME = (f"[c](https://{EVIL}/x) ![i](https://{EVIL}/i.png) <https://{EVIL}/a> "
                ":red[r] $x$ & Co")
# Markdown that would render a link or an image: not preceded by an escaping backslash.
LIVE_LINK = re.compile(r"(?<!\\)\]\((?!\\)|(?<!\\)<https?:|(?<!\\)<img|(?<!\\)!\[")


def _hostile_data(tmp_path):
    data = tmp_path / "data"
    import shutil

    shutil.copytree(MINI, data)

    def inject(d):
        for field in ("summary", "description"):
            exhibit(d, "fountain")[field] = {"de": HOSTILE, "en": HOSTILE}
        exhibit(d, "fountain")["name"] = {"de": HOSTILE_NAME, "en": HOSTILE_NAME}
        exhibit(d, "fountain")["facts"] = [{"de": HOSTILE, "en": HOSTILE}]
        d["categories"][0]["name"] = {"de": HOSTILE_NAME, "en": HOSTILE_NAME}
        d["zones"][0]["name"] = {"de": HOSTILE_NAME, "en": HOSTILE_NAME}
        for ex in d["exhibits"]:
            ex.setdefault("city_notes", {})["testhausen"] = {"de": HOSTILE, "en": HOSTILE}

    edit_yaml(data / "exhibits.yaml", inject)
    return data


def _all_values(at: AppTest) -> list[str]:
    out = []
    for kind in ("markdown", "caption", "header", "subheader", "title", "warning", "info",
                 "error", "success", "toast"):
        out += [str(e.value) for e in getattr(at, kind)]
    return out


def _assert_no_live_markup(at: AppTest) -> None:
    for value in _all_values(at):
        if EVIL in value.replace("\\", ""):
            assert not LIVE_LINK.search(value), value


@pytest.mark.parametrize("page", ["app_pages/map.py", "app_pages/planner.py",
                                  "app_pages/visitor.py", "app_pages/review.py"])
def test_hostile_data_url_and_title_are_shown_as_text(monkeypatch, tmp_path, page):
    data = _hostile_data(tmp_path)
    db = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    tours = store.open_store(db)
    tour_id = tours.save_tour(routing.TourRequest(stops=("fountain", "solar-roof")).to_dict(),
                              HOSTILE)
    monkeypatch.setenv("LERNREISE_DATA_DIR", str(data))
    monkeypatch.setenv("LERNREISE_DATABASE_URL", db)
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=90)
    at.switch_page(page)
    at.query_params.update({"exhibit": "fountain", "tour": tour_id, "lang": HOSTILE[:30],
                            "city": HOSTILE, "map": HOSTILE, "stop": HOSTILE,
                            "size": HOSTILE, "seen": HOSTILE})
    at.run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]  # the hostile folder itself is valid
    values = _all_values(at)
    assert any(EVIL in v.replace("\\", "") for v in values)  # the text is there ...
    _assert_no_live_markup(at)  # ... as text


def test_unknown_exhibit_from_the_url_is_text(monkeypatch):
    monkeypatch.setenv("LERNREISE_DATA_DIR", str(MINI))
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    at.query_params.update({"exhibit": HOSTILE})
    at.run()
    assert not at.exception
    assert any(EVIL in w.value.replace("\\", "") for w in at.warning)
    _assert_no_live_markup(at)
