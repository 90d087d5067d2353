"""Issue 7, "untrusted text is text": hostile data, URL parameters and a saved tour title reach
every page, and no element renders a link or image from them."""

from __future__ import annotations

import re

import pytest
from conftest import MINI, ROOT, edit_yaml, exhibit
from streamlit.testing.v1 import AppTest

from dashboard import routing, store

EVIL = "evil.example"
HOSTILE = (f"[click](https://{EVIL}/x) ![i](https://{EVIL}/i) <img src=https://{EVIL}/a> "
           f"**b** :red[r] $x$ <https://{EVIL}/auto> & Co. "
           # Bare addresses: Markdown's autolink literals (issue 18, 12).
           f"https://{EVIL} www.{EVIL} m@{EVIL}")
assert len(HOSTILE) <= 200  # a tour's title at most
# Names are at most 120 characters (the validator refuses longer ones): the same markup, shorter.
HOSTILE_NAME = (f"[c](https://{EVIL}/x) ![i](https://{EVIL}/i.png) <https://{EVIL}/a> "
                ":red[r] $x$ & Co")
# Markdown that would render a link or an image: not preceded by an escaping backslash.
LIVE_LINK = re.compile(r"(?<!\\)\]\((?!\\)|(?<!\\)<https?:|(?<!\\)<img|(?<!\\)!\[")
# An autolink literal in the text as the renderer sees it (escapes resolved): http(s)://, www.
# or an e-mail address, each straight on (common.md_escape puts a word joiner inside).
BARE_LINK = re.compile(r"https?://[\w-]|(?<![\w-])www\.[\w-]|[\w.+-]@[\w-]", re.IGNORECASE)
# URL parameters the trial used (issue 18, 11 and 12): a right-to-left override, a broken link.
HOSTILE_PARAMS = [f"[x](https://{EVIL}/a", f"\u202egpj.{EVIL}", f"www.{EVIL}", f"x@{EVIL}",
                  f"\u202e[x](https://{EVIL}/a) \x1b[31m"]


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
        if EVIL in value.replace("\\", "").replace("\u2060", ""):
            assert not LIVE_LINK.search(value), value
            assert not BARE_LINK.search(value.replace("\\", "")), value
            assert "\u202e" not in value and "\x1b" not in value, value


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


@pytest.mark.parametrize("value", HOSTILE_PARAMS)
@pytest.mark.parametrize(("page", "param"), [
    ("app_pages/map.py", "exhibit"), ("app_pages/review.py", "exhibit"),
    ("app_pages/planner.py", "tour"), ("app_pages/visitor.py", "tour"),
    ("app_pages/lead.py", "tour"), ("app_pages/map.py", "city"),
])
def test_unknown_exhibit_tour_and_city_messages_show_the_value_one_way(monkeypatch, tmp_path,
                                                                     page, param, value):
    """Issue 18, 11-12: the unknown-exhibit and unknown-tour warnings showed U+202E raw (the
    city escaped), and a bare address became a live link. One helper shows them all."""
    from dashboard.errors import untrusted

    monkeypatch.setenv("LERNREISE_DATA_DIR", str(MINI))
    monkeypatch.setenv("LERNREISE_DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=90)
    at.switch_page(page)
    at.query_params.update({param: value, "lang": "en"})
    at.run()
    assert not at.exception
    # As shown: Markdown's escapes resolved, the word joiners (not shown) left out.
    warnings = [re.sub(r"\\(.)", r"\1", w.value).replace("\u2060", "") for w in at.warning]
    assert any(untrusted(value) in w for w in warnings), warnings  # the same form everywhere
    if "\u202e" in value:
        assert any("\\u202e" in w for w in warnings)  # written as its escape
    _assert_no_live_markup(at)


def test_md_escape_keeps_bare_addresses_from_linking():
    from dashboard.ui.common import md_escape

    for text in (f"https://{EVIL}/a", f"see www.{EVIL} now", f"a@{EVIL}", f"HTTP://{EVIL}"):
        shown = md_escape(text).replace("\\", "")
        assert not BARE_LINK.search(shown), shown
        assert shown.replace("\u2060", "") == text  # nothing visible changes
