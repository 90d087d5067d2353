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
