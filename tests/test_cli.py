"""`python -m dashboard validate`: a summary and exit 0, or every problem and exit 1."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import DEFAULT_DATA, MINI, ROOT, edit_yaml, exhibit


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "dashboard", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_validate_good_folder_prints_counts_per_category():
    result = run_cli("validate", str(MINI))
    assert result.returncode == 0, result.stderr
    assert "3 exhibits in 2 categories" in result.stdout
    lines = {line.split()[0]: line.split()[-1] for line in result.stdout.splitlines()[2:4]}
    assert lines == {"Energy": "1", "Water": "2"}


def test_validate_default_data():
    result = run_cli("validate", str(DEFAULT_DATA), "--lang", "de")
    assert result.returncode == 0, result.stderr
    assert "Bundesgartenschau" in result.stdout


@pytest.mark.parametrize(
    "content",
    [b"", b"a: [", b"[1, 2]", b"x: !!python/object:os.system 1\n", bytes(range(256))],
    ids=["empty", "syntax", "list", "python-tag", "binary"],
)
def test_validate_broken_file_exits_1_without_traceback(mini_dir, content):
    (mini_dir / "exhibits.yaml").write_bytes(content)
    result = run_cli("validate", str(mini_dir))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert str(mini_dir / "exhibits.yaml") in result.stderr


def test_validate_lists_every_problem(mini_dir):
    def break_two(d):
        exhibit(d, "solar-roof")["zone"] = "moon"
        exhibit(d, "fountain")["location"] = {"lat": "x", "lon": 9.0}

    edit_yaml(mini_dir / "exhibits.yaml", break_two)
    (mini_dir / "geo" / "water.geojson").unlink()  # optional: not a problem
    (mini_dir / "geo" / "zones.geojson").unlink()  # required: a problem
    result = run_cli("validate", str(mini_dir))
    assert result.returncode == 1
    assert "exhibit 'solar-roof': field 'zone': unknown zone 'moon'" in result.stderr
    assert "exhibit 'fountain': field 'location.lat'" in result.stderr
    assert "zones.geojson: file not found" in result.stderr
    assert "Traceback" not in result.stderr


def test_validate_missing_folder(tmp_path):
    result = run_cli("validate", str(tmp_path / "nope"))
    assert result.returncode == 1 and "data folder not found" in result.stderr


def test_usage_error_exits_2():
    assert run_cli("frobnicate").returncode == 2
