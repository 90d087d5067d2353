"""`streamlit run` servers for the browser tests and the benchmarks.

`App` starts one on a free loopback port with a data folder and a database (SQLite in its
folder unless told otherwise) and waits until it answers. The session-scoped `servers`
fixture keeps one running server per data folder, database, script and environment for the
whole session (per xdist worker), so every browser test that can share a server does: tests
that save tours use their own tour ids, and the pages they open read only those.
`default_app` is the bundled exhibition's server with its own SQLite file.

The benchmarks (benchmarks/bench_sessions.py) import `App` from here as well.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import pytest

from support import DEFAULT_DATA, ROOT, note_start

START_TIMEOUT_S = 120  # a cold start on a loaded 2-core machine has taken over 30 s


def free_port() -> int:
    """A TCP port nothing listens on right now (the kernel's choice)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_free_port = free_port  # the name tests/test_browser.py had


def wait_http(url: str, proc: subprocess.Popen | None = None, what: str = "server",
              timeout: float = START_TIMEOUT_S) -> None:
    """Until `url` answers 200; RuntimeError when `proc` exits first or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode} before {url} answered")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{what} did not answer on {url} within {timeout:.0f} s")


def stop_process(proc: subprocess.Popen, timeout: float = 15) -> None:
    """Terminate `proc` (by its own pid) and wait; kill it if it does not end."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class App:
    """`streamlit run script` on a free 127.0.0.1 port, LERNREISE_DATA_DIR=data_dir, and
    LERNREISE_DATABASE_URL=database_url (default: tmp/browser.sqlite3). Its log is
    tmp/streamlit-PORT.log; `stop()` ends it (also as a context manager). `env` adds to the
    environment, `args` to streamlit's command line; `port` when the caller needs it first."""

    def __init__(self, data_dir: Path, tmp: Path, script: str = "streamlit_app.py", *,
                 database_url: str | None = None, env: Mapping[str, str] | None = None,
                 args: Sequence[str] = (), timeout: float = START_TIMEOUT_S,
                 port: int | None = None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.data_dir = Path(data_dir)
        self.tmp = Path(tmp)
        self.database_url = database_url or f"sqlite:///{self.tmp / 'browser.sqlite3'}"
        environ = {**os.environ, "LERNREISE_DATA_DIR": str(data_dir),
                   "LERNREISE_DATABASE_URL": self.database_url, **(env or {})}
        self.log_path = self.tmp / f"streamlit-{self.port}.log"
        self.log = self.log_path.open("w")
        note_start("streamlit", f"{script} {data_dir}")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", script,
             "--server.port", str(self.port), "--server.address", "127.0.0.1",
             "--server.headless", "true", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none", *args],
            cwd=ROOT, env=environ, stdout=self.log, stderr=subprocess.STDOUT,
        )
        try:
            wait_http(f"{self.url}/_stcore/health", self.proc, "streamlit", timeout)
        except RuntimeError as exc:
            self.stop()
            raise RuntimeError(f"{exc}\n{self.log_tail()}") from None

    def log_tail(self, chars: int = 3000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:]

    def stop(self) -> None:
        stop_process(self.proc)
        if not self.log.closed:
            self.log.close()

    def __enter__(self) -> App:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class Servers:
    """Running servers by (data folder, database, script, environment): `get` starts one the
    first time and hands out the same one after; `stop_all` at the end of the session."""

    def __init__(self, tmp_path_factory: pytest.TempPathFactory):
        self._factory = tmp_path_factory
        self._running: dict[tuple, App] = {}

    def get(self, data_dir: Path = DEFAULT_DATA, *, name: str = "app",
            database_url: str | None = None, script: str = "streamlit_app.py",
            env: Mapping[str, str] | None = None, args: Sequence[str] = ()) -> App:
        key = (str(data_dir), database_url, script, tuple(sorted((env or {}).items())),
               tuple(args))
        if key not in self._running:
            tmp = self._factory.mktemp(name)
            self._running[key] = App(data_dir, tmp, script, database_url=database_url,
                                     env=env, args=args)
        return self._running[key]

    def stop_all(self) -> None:
        for app in self._running.values():
            app.stop()
        self._running.clear()


@pytest.fixture(scope="session")
def servers(tmp_path_factory) -> Iterator[Servers]:
    registry = Servers(tmp_path_factory)
    yield registry
    registry.stop_all()


@pytest.fixture(scope="session")
def default_app(servers: Servers) -> App:
    """The bundled exhibition (data/) with a SQLite database of its own, shared by every
    browser test of the session (per worker). Tests that need saved tours save their own
    into `default_app.database_url` (the running server reads them from there)."""
    return servers.get(DEFAULT_DATA, name="default-app")


class WithTour:
    """A shared server and a tour saved on it for one module: `.url` and the rest are the
    server's, `.tour_id` the tour's, `.db_url` the server's database."""

    def __init__(self, app: App, tour_id: str):
        self.app, self.tour_id, self.db_url = app, tour_id, app.database_url

    def __getattr__(self, name: str):
        return getattr(self.app, name)
