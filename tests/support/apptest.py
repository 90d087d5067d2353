"""Pages in Streamlit's AppTest (no browser, no server): `start_app` sets the data folder and
the database through the environment (as the app reads them), opens a page through the
entrypoint with the query parameters of its URL and runs it once."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from support import MINI, ROOT

ENTRYPOINT = ROOT / "streamlit_app.py"


def sqlite_url(folder: Path, name: str = "app.sqlite3") -> str:
    return f"sqlite:///{folder / name}"


def start_app(monkeypatch: pytest.MonkeyPatch, page: str | None = None, *,
              data_dir: Path = MINI, database_url: str | None = None,
              script: Path = ENTRYPOINT, timeout: float = 90, run: bool = True,
              **query: str) -> AppTest:
    """AppTest of `script` (the entrypoint) on `page` ("planner" for app_pages/planner.py;
    None: the first page), LERNREISE_DATA_DIR=data_dir and, when given,
    LERNREISE_DATABASE_URL=database_url; run once unless run=False."""
    monkeypatch.setenv("LERNREISE_DATA_DIR", str(data_dir))
    if database_url is not None:
        monkeypatch.setenv("LERNREISE_DATABASE_URL", database_url)
    at = AppTest.from_file(str(script), default_timeout=timeout)
    if page is not None:
        at.switch_page(f"app_pages/{page}.py")
    at.query_params.update(query)
    return at.run() if run else at
