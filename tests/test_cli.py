"""`python -m dashboard validate`: a summary and exit 0, or every problem and exit 1."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from conftest import DEFAULT_DATA, MINI, ROOT, edit_yaml, exhibit


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "dashboard", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})})


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


# --------------------------------------------------------------------------- tour


def test_tour_json_has_the_order_and_totals():
    result = run_cli("tour", "--stops", "holzpavillon,skaio,buga-log", "--optimize",
                     "--start", "eingang-campuspark", "--date", "2019-06-01",
                     "--start-time", "09:30",
                     "--data-dir", str(DEFAULT_DATA))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert sorted(data["stops"]) == ["buga-log", "holzpavillon", "skaio"]
    assert data["start"] == data["end"] == "eingang-campuspark"
    assert data["schedule"][0]["departure"] == "09:30"
    assert data["distance_m"] == pytest.approx(sum(v["walk_m"] for v in data["schedule"]), abs=3)
    # 4 km/h: walking minutes follow from the distance.
    assert data["walking_minutes"] == pytest.approx(data["distance_m"] / (4000 / 60), abs=0.2)
    assert data["total_minutes"] >= data["walking_minutes"] + 15 + 15 + 10


def test_tour_keeps_the_given_order_without_optimize():
    result = run_cli("tour", "--stops", "skaio,holzpavillon,buga-log",
                     "--data-dir", str(DEFAULT_DATA))
    assert json.loads(result.stdout)["stops"] == ["skaio", "holzpavillon", "buga-log"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--stops", "skaio,nope"], "unknown exhibit or entrance id(s): 'nope'"),
        (["--stops", "skaio", "--start", "mars"], "'mars'"),
        (["--stops", "skaio", "--budget", "5", "--start", "eingang-campuspark",
          "--end", "eingang-wohlgelegen"], "not enough even to walk"),
        (["--stops", "skaio,holzpavillon", "--budget", "20"], "more than the budget"),
        (["--stops", "skaio", "--start-time", "25:00"], "expected HH:MM"),
        (["--stops", "skaio", "--speed", "-3"], "a walking pace from 1 to 7 km/h, got '-3'"),
        (["--stops", ","], "at least one exhibit id"),
    ],
)
def test_tour_errors_exit_2_with_a_message(args, message):
    result = run_cli("tour", *args, "--data-dir", str(DEFAULT_DATA))
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_tour_unreachable_step_free_stop_exits_2(mini_dir):
    result = run_cli("tour", "--stops", "rain-garden", "--step-free", "--data-dir", str(mini_dir))
    assert result.returncode == 2
    assert "cannot be reached step-free" in result.stderr and "rain-garden" in result.stderr


def test_tour_save_prints_id_and_link_and_stores_the_request(tmp_path):
    from dashboard import store

    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    result = run_cli("tour", "--stops", "skaio,holzpavillon", "--save", "--title", "Bau-Tour",
                     "--data-dir", str(DEFAULT_DATA),
                     env={"LERNREISE_DATABASE_URL": url,
                          "LERNREISE_BASE_URL": "https://lernreise.example/"})
    assert result.returncode == 0, result.stderr
    match = re.search(r"saved tour (\w+): https://lernreise\.example/visitor\?tour=(\w+)",
                      result.stderr)
    assert match and match.group(1) == match.group(2)
    saved = store.open_store(url).load_tour(match.group(1))
    assert saved.title == "Bau-Tour"
    assert saved.spec["stops"] == ["skaio", "holzpavillon"]


def test_tour_saved_by_the_command_line_opens_with_tour_id(tmp_path):
    """--save then --tour ID: the same plan (the saved request is the one that was planned)."""
    env = {"LERNREISE_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}"}
    args = ["--start", "eingang-campuspark", "--speed", "3", "--date", "2019-06-01",
            "--data-dir", str(DEFAULT_DATA)]
    saved = run_cli("tour", "--stops", "skaio,holzpavillon,skaio", "--save", *args, env=env)
    assert saved.returncode == 0, saved.stderr
    tour_id = re.search(r"saved tour (\w+)", saved.stderr).group(1)
    opened = run_cli("tour", "--tour", tour_id, "--data-dir", str(DEFAULT_DATA), env=env)
    assert opened.returncode == 0, opened.stderr
    assert json.loads(opened.stdout) == json.loads(saved.stdout)
    assert json.loads(opened.stdout)["stops"] == ["skaio", "holzpavillon"]


def test_db_upgrade_prints_the_revision_without_the_password(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh' / 'db.sqlite3'}"
    result = run_cli("db", "upgrade", "--url", url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{url}: schema at revision 0008 (the newest)"
    assert (tmp_path / "fresh" / "db.sqlite3").is_file()


# --------------------------------------------------------------------------- issue 18, 8-10, 14
# In this process (main() returns the exit code): the checks come before any work.


def cli(capsys, *args: str) -> tuple[int, str, str]:
    from dashboard.__main__ import main

    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_synth_refuses_a_folder_that_is_not_empty(mini_dir, capsys):
    before = (mini_dir / "exhibits.yaml").read_bytes()
    code, _, err = cli(capsys, "synth", "--exhibits", "3", "-o", str(mini_dir))
    assert code == 2 and "is not empty" in err and "--force" in err, err
    assert (mini_dir / "exhibits.yaml").read_bytes() == before  # the exhibition is untouched
    code, out, _ = cli(capsys, "synth", "--exhibits", "3", "-o", str(mini_dir), "--force")
    assert code == 0 and "wrote" in out
    assert (mini_dir / "exhibits.yaml").read_bytes() != before


def test_synth_into_a_new_or_empty_folder_a_file_or_nothing(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert cli(capsys, "synth", "--exhibits", "3", "-o", str(tmp_path / "empty"))[0] == 0
    assert cli(capsys, "synth", "--exhibits", "3", "-o", str(tmp_path / "new"))[0] == 0
    (tmp_path / "file").write_text("x")
    code, _, err = cli(capsys, "synth", "-o", str(tmp_path / "file"))
    assert code == 2 and "it is a file, not a folder" in err
    code, _, err = cli(capsys, "synth", "-o", "")
    assert code == 2 and "-o needs a folder name" in err


@pytest.mark.parametrize("command", [["report", "--city", "konstanz"],
                                     ["tour", "--stops", "skaio"]])
@pytest.mark.parametrize("name", ["x" * 5000, "d/" * 3000 + "x.md"])
def test_a_too_long_output_name_is_a_message_not_a_traceback(tmp_path, capsys, monkeypatch,
                                                             command, name):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "d").mkdir()
    (tmp_path / "d").joinpath("d").symlink_to(".")  # "d/d/d/…" exists until it is too long
    code, out, err = cli(capsys, *command, "-o", name)
    assert code == 2, err
    assert err.startswith("error: cannot write ") and ("too long" in err or "long;" in err), err
    assert len(err) < 400 and out == ""  # the name is cut in the message


@pytest.mark.parametrize("command", [["report", "--city", "konstanz"],
                                     ["tour", "--stops", "skaio"]])
def test_an_empty_output_name_is_refused_and_dash_is_standard_output(tmp_path, capsys,
                                                                     monkeypatch, command):
    monkeypatch.setenv("LERNREISE_DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    code, out, err = cli(capsys, *command, "-o", "")
    assert code == 2 and "-o needs a file name (or -o - for standard output)" in err
    assert out == ""
    code, out, err = cli(capsys, *command, "-o", "-")
    assert code == 0, err
    assert out.strip() and not (tmp_path / "-").exists()


def test_an_unknown_start_is_named_once(capsys):
    code, _, err = cli(capsys, "tour", "--stops", "skaio", "--start", "nowhere")
    assert code == 2
    assert err.count("'nowhere'") == 1, err
