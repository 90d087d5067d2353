"""The fast YAML path (yaml_reader._fast_yaml) gives exactly what PyYAML's full loader gives.

The fast path builds data straight from libyaml's events; whatever it does not handle itself it
hands back (_FALLBACK) to the full loader, which keeps every protection and message. Each
document here is compared with the full loader: same value (types and key order included), or
a fallback; never a different value.
"""

from __future__ import annotations

import pytest
import yaml
from conftest import ROOT

from dashboard import yaml_reader as reader

SCALARS = [
    "yes", "No", "on", "OFF", "true", "~", "null", "", "''", '""', "0x1F", "0o17", "017",
    "1_000", "10:00", "190:20:30", "1e3", "1.5", ".inf", "-.Inf", ".nan", "2019-01-01",
    "2019-02-30", "1" * 5000, "-" + "9" * 4400, "+12", "0b101", "'10:00'", '"yes"', "!!str 12",
    "! 12", "!!int '7'", "!!binary aGVsbG8=", "!!float 3", "=", "<<", "plain text", "'quoted'",
    "é ⚡", "[1, 2]", "{a: 1}", "!!set {a, b}", "!!omap [a: 1]", "!custom x",
    "!!python/name:os.system",
]
DOCS = [
    *(f"k: {v}\n" for v in SCALARS),
    *(f"- {v}\n" for v in SCALARS),
    *(f"{v}: 1\n" for v in SCALARS),
    *(f"a:\n  b: {v}\n  c: [{v}]\n" for v in SCALARS),
    "a: |\n  block\n  text\nb: >\n  folded\n", "a: 1\na: 2\n", "1: a\ntrue: b\n", "1: a\n'1': b\n",
    "1: a\n01: b\n", "? [a]\n: 1\n", "? {a: 1}\n: 2\n", "a: &x 1\nb: *x\n", "a: &x [1]\nb: *x\n",
    "---\na: 1\n---\nb: 2\n", "---\n", "", "# only a comment\n", "a: [\n", "a: b: c\n", "\t- x\n",
    "- " * 200 + "x\n", "[" * 2000 + "]" * 2000, "a: {b: {c: {d: [1, {e: f}]}}}\n",
    ".nan: 1\n.nan: 2\n", "<<: {a: 1}\nb: 2\n", "a: 1\n<<: {a: 2}\n", "= : 1\n",
    "null: 1\n~: 2\n", "a:\n", "...\n", "%YAML 1.1\n---\na: 1\n",
    "%TAG !e! tag:example.com,2000:\n---\na: !e!x 1\n", "k: &a v\n", "[a, b]: c\n",
    "a: !!map {b: 1}\nc: !!seq [1]\n", "a: !!str\n", "a: 'x'\n'a': 2\n",
]


def _full(text: str) -> tuple[str, str]:
    try:
        return "value", repr(yaml.load(text, Loader=reader._DataLoader))  # noqa: S506
    except Exception as exc:  # any error: the fast path must hand it over
        return "error", type(exc).__name__


@pytest.mark.parametrize("text", DOCS)
def test_fast_yaml_matches_the_full_loader(text):
    fast = reader._fast_yaml(text)
    if fast is not reader._FALLBACK:
        assert ("value", repr(fast)) == _full(text)


@pytest.mark.parametrize("text", ["a: 1\na: 2\n", "a: &x 1\nb: *x\n", "<<: {a: 1}\n",
                                  "k: !!binary aGVsbG8=\n", "[a]: 1\n", "a: [\n",
                                  "---\na: 1\n---\nb: 2\n", "[" * 100 + "]" * 100])
def test_fast_yaml_hands_over_what_it_does_not_handle(text):
    assert reader._fast_yaml(text) is reader._FALLBACK


@pytest.mark.parametrize("name", ["exhibits.yaml", "cities.yaml"])
def test_bundled_data_takes_the_fast_path(name):
    text = (ROOT / "data" / name).read_text(encoding="utf-8")
    fast = reader._fast_yaml(text)
    assert fast is not reader._FALLBACK
    assert repr(fast) == _full(text)[1]
