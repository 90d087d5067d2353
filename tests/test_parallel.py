"""`make test` runs on pytest-xdist workers with --dist loadgroup: the tests of one
xdist_group("...") must land on one worker (they share a module's own server, or a cluster).
On pytest 9.2 that takes tests/support/parallel.py (pytest-xdist issue 1386); this shows it
still works, and whether the workaround is still needed."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import TESTS

GROUPED = '''
import os, time
import pytest

@pytest.mark.xdist_group("together")
@pytest.mark.parametrize("n", range(6))
def test_grouped(n):
    time.sleep(0.2)
    with open("workers.txt", "a") as f:
        f.write(os.environ["PYTEST_XDIST_WORKER"] + "\\n")

@pytest.mark.parametrize("n", range(6))
def test_alone(n):
    time.sleep(0.2)
'''


def run(tmp_path, plugins: str) -> list[str]:
    (tmp_path / "test_grouped.py").write_text(GROUPED, encoding="utf-8")
    (tmp_path / "conftest.py").write_text(f"pytest_plugins = [{plugins}]\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get(
        "PYTHONPATH", "")])}
    env.pop("PYTEST_XDIST_WORKER", None)  # this test may itself run on a worker
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadgroup", "-q",
         "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return (tmp_path / "workers.txt").read_text().split()


def test_an_xdist_group_runs_on_one_worker(tmp_path):
    workers = run(tmp_path, '"support.parallel"')
    assert len(workers) == 6
    assert len(set(workers)) == 1, workers
