"""Shared fixtures: copies of the test data folders that a test may break."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

TESTS = Path(__file__).parent
ROOT = TESTS.parent
MINI = TESTS / "data" / "mini"
DEFAULT_DATA = ROOT / "data"


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
