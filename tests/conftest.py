"""Shared fixtures: copies of the test data folders that a test may break, and (through
pytest_plugins) the servers, the browser, the databases and AppTest of tests/support/."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from support import DEFAULT_DATA, MINI, ROOT, TESTS  # noqa: F401 - imported from here too

# Fixtures for every test module without an import: servers, default_app (support.servers),
# browser (support.browser), db_url, postgres_url, store (support.databases).
pytest_plugins = ["support.servers", "support.browser", "support.databases", "support.parallel"]


@pytest.fixture
def mini_dir(tmp_path: Path) -> Path:
    """A writable copy of the mini exhibition."""
    target = tmp_path / "mini"
    shutil.copytree(MINI, target)
    return target


def edit_yaml(path: Path, change: Callable[[dict], None]) -> None:
    """Load a YAML file, let `change` mutate it, write it back."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def exhibit(data: dict, exhibit_id: str) -> dict:
    return next(e for e in data["exhibits"] if e["id"] == exhibit_id)


def step_button(at, base: str):
    """The one Previous/Next-style button of `base` on an AppTest page (its key carries the
    position it steps from: dashboard.ui.common.step_key)."""
    found = [b for b in at.button if b.key and b.key.startswith(base + "-step-")]
    assert len(found) == 1, [b.key for b in at.button]
    return found[0]


def tap_as_sent(at):
    """The widget states of a tap as the browser sends them: the tapped button's trigger and
    the widgets' values (AppTest also lists every untapped button with a False trigger, which
    no browser sends). For replaying a tap (Streamlit may deliver one twice)."""
    states = at._tree.get_widget_states()
    kept = [w for w in states.widgets
            if not (w.WhichOneof("value") == "trigger_value" and not w.trigger_value)]
    del states.widgets[:]
    states.widgets.extend(kept)
    return states
