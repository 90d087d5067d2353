from __future__ import annotations

import re

import pytest

from dashboard.i18n import LANGUAGES, STRINGS, normalize_language, t


def test_every_string_exists_in_every_language_with_the_same_placeholders():
    for key, entry in STRINGS.items():
        assert set(entry) == set(LANGUAGES), key
        placeholders = {lang: set(re.findall(r"{(\w+)}", text)) for lang, text in entry.items()}
        assert placeholders["de"] == placeholders["en"], key


def test_t_formats_and_falls_back_to_german():
    assert t("count", "en", shown=2, total=5) == "2 of 5 exhibits"
    assert t("count", "fr", shown=2, total=5) == "2 von 5 Exponaten"


@pytest.mark.parametrize(("value", "expected"),
                         [("de", "de"), ("EN", "en"), (" en ", "en"), ("fr", None),
                          ("", None), (None, None), (["de"], None)])
def test_normalize_language(value, expected):
    assert normalize_language(value) == expected


def test_presentation_formats_numbers_and_dates_per_language():
    import datetime as dt

    from dashboard import presentation as fmt

    assert fmt.km(1840, "de") == "1,84 km" and fmt.km(1840, "en") == "1.84 km"
    assert fmt.minutes(65, "de") == "1 Std. 5 Min." and fmt.minutes(45, "en") == "45 min"
    assert fmt.short_date(dt.date(2019, 6, 1), "de") == "01.06.2019"
    assert fmt.long_date(dt.date(2019, 6, 1), "de") == "Samstag, 1. Juni 2019"
    assert fmt.contrast_ratio(fmt.ZONE_LABEL, fmt.SITE_FILL) >= 4.5


def test_links_take_the_host_from_the_request_unless_configured(monkeypatch):
    from dashboard import links

    monkeypatch.delenv("LERNREISE_BASE_URL", raising=False)
    assert links.base_url("http://tablet.local:8621/planner") == "http://tablet.local:8621"
    assert links.base_url("https://x.example/lernreise/") == "https://x.example/lernreise"
    assert links.share_url(links.base_url("http://h:8621/"), "abc", "en") == \
        "http://h:8621/visitor?tour=abc&lang=en"
    monkeypatch.setenv("LERNREISE_BASE_URL", "https://trip.example")
    assert links.base_url("http://tablet.local:8621/planner") == "https://trip.example"


def _used_keys() -> tuple[set[str], set[str]]:
    """(string literals, literal prefixes of f-strings and `"x." + y`) in the app's code."""
    import ast

    from conftest import ROOT

    files = [p for d in ("dashboard", "app_pages") for p in (ROOT / d).rglob("*.py")
             if p.name != "i18n.py"] + [ROOT / "streamlit_app.py"]
    literals: set[str] = set()
    prefixes: set[str] = set()
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                literals.add(node.value)
            elif isinstance(node, ast.JoinedStr) and node.values \
                    and isinstance(node.values[0], ast.Constant):
                prefixes.add(node.values[0].value)
            elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) \
                    and isinstance(node.left, ast.Constant) and isinstance(node.left.value, str):
                prefixes.add(node.left.value)
    return literals, {p for p in prefixes if p.endswith(".")}


def test_every_string_is_used_by_the_app():
    """A key is used when the code names it, names its plural base (`plural("x", …)` reads
    x.one / x.other) or builds it from a literal prefix (t(f"visitor.dir.{d}"))."""
    literals, prefixes = _used_keys()
    unused = [key for key in STRINGS
              if key not in literals and key.rsplit(".", 1)[0] not in literals
              and not any(key.startswith(p) for p in prefixes)]
    assert unused == []
