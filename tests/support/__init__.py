"""Shared test support, registered for every test module by tests/conftest.py (pytest_plugins):

- servers: `streamlit run` on a free loopback port (`App`), one per data folder and database
  for the whole session (`servers`, `default_app`); the benchmarks start theirs with it too.
- browser: one Chromium per session (`browser`), a context per test, loopback only.
- databases: SQLite and the CI's PostgreSQL (`db_url`, `postgres_url`, `store`).
- apptest: starting a page in Streamlit's AppTest (`start_app`).

Counting start-ups: with LERNREISE_TEST_STARTS=FILE set, every `streamlit run` and Chromium
launch appends a line to FILE (how the issue-24 figures were counted).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

TESTS = Path(__file__).resolve().parent.parent
ROOT = TESTS.parent
MINI = TESTS / "data" / "mini"
DEFAULT_DATA = ROOT / "data"
ARTIFACTS = ROOT / "test-artifacts"


def note_start(kind: str, what: str) -> None:
    """One line per start-up in $LERNREISE_TEST_STARTS (none without it)."""
    path = os.environ.get("LERNREISE_TEST_STARTS")
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(f"{kind}\t{os.environ.get('PYTEST_XDIST_WORKER', 'main')}\t{what}\n")


def run_async(coro: Coroutine[Any, Any, Any]) -> Any:
    """asyncio.run in a thread of its own: once the session's Chromium is up, Playwright's sync
    API keeps an event loop running in the main thread, where asyncio.run refuses to start."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()
