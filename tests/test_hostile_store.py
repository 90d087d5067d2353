"""Hostile input to the command line, saved tours and the database: one readable message, exit
code 2, no traceback, and never the database password. Grows with every bug found.

Most cases call `dashboard.__main__.main` in this process (a traceback would fail the test
with the exception); one case of each class runs `python -m dashboard` end to end.
"""

from __future__ import annotations

import errno
import logging
import os
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import DEFAULT_DATA, ROOT
from sqlalchemy import make_url

from dashboard import store
from dashboard.__main__ import main

PASSWORD = "S3cr3t-Pa55w0rd"  # noqa: S105 - a fake password that must never show
LOCKED_URL = f"postgresql+psycopg://lernreise:{PASSWORD}@127.0.0.1:{{port}}/lernreise"
DB_DOWN = "the tour database cannot be used right now: "


def closed_port() -> int:
    """A loopback port nothing listens on (bound and released at once)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_main(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = main(args)
    except SystemExit as exc:  # argparse's usage errors
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def run_cli(*args: str, env: dict[str, str] | None = None,
            stdout: object = subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "dashboard", *args], cwd=ROOT, stdout=stdout,
                          stderr=subprocess.PIPE, text=True, timeout=120,
                          env={**os.environ, **(env or {})})


def assert_clean_failure(code: int, out: str, err: str, message: str) -> None:
    assert code == 2, err
    assert message in err
    assert "Traceback" not in out + err
    assert PASSWORD not in out + err


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[store.TourStore]:
    """The store the command line uses (LERNREISE_DATABASE_URL), a fresh SQLite file."""
    url = f"sqlite:///{tmp_path / 'hostile.sqlite3'}"
    monkeypatch.setenv("LERNREISE_DATABASE_URL", url)
    tours = store.open_store(url)
    yield tours
    tours.dispose()


# --- command-line input ----------------------------------------------------------------------

TOUR = ["tour", "--data-dir", str(DEFAULT_DATA), "--stops"]

CLI_INPUT = [
    ("speed-nan", ["skaio", "--speed", "nan"],
     "argument --speed: a walking pace from 1 to 7 km/h, got 'nan'"),
    ("speed-inf", ["skaio", "--speed", "inf"], "a walking pace from 1 to 7 km/h, got 'inf'"),
    ("speed-tiny", ["skaio", "--speed", "1e-300"], "a walking pace from 1 to 7 km/h"),
    ("speed-huge", ["skaio", "--speed", "1e300"], "a walking pace from 1 to 7 km/h"),
    ("speed-word", ["skaio", "--speed", "fast"], "a walking pace from 1 to 7 km/h, got 'fast'"),
    ("budget-1e25", ["skaio", "--budget", "1e25", "--optimize"],
     "argument --budget: whole minutes from 1 to 1440 (a day), got '1e25'"),
    ("budget-digits", ["skaio", "--budget", "1" + "0" * 25, "--optimize"],
     "whole minutes from 1 to 1440 (a day)"),
    ("budget-zero", ["skaio", "--budget", "0"], "whole minutes from 1 to 1440"),
    ("date-9999", ["skaio", "--date", "9999-12-31"],
     "argument --date: the date must lie between 1900-01-01 and 2199-12-31, got '9999-12-31'"),
    ("date-feb-30", ["skaio", "--date", "2019-02-30"], "day is out of range for month"),
    ("title-long", ["skaio", "--title", "T" * 201],
     "error: the title is longer than 200 characters (201)"),
    ("stops-201", [",".join(f"s{n}" for n in range(201))],
     "error: a tour has at most 200 stops, this one has 201"),
    ("stop-escape", ["skaio,\x1b[31mrot"],
     "error: not a valid tour: stops.1: must not contain spaces, control or invisible"),
    ("stop-bidi", ["skaio,a\u202eb"], "stops.1: must not contain spaces, control or invisible"),
    ("stops-empty", [", ,"], "error: --stops needs at least one exhibit id"),
    ("tour-and-stops", ["skaio", "--tour", "abcd2345"],
     "error: --tour opens a saved tour: it goes without --stops and --save"),
]


@pytest.mark.parametrize(("args", "message"), [c[1:] for c in CLI_INPUT],
                         ids=[c[0] for c in CLI_INPUT])
def test_cli_input(args, message, capsys):
    assert_clean_failure(*run_main([*TOUR, *args], capsys), message)


def test_cli_output_into_a_missing_folder(tmp_path, capsys):
    target = tmp_path / "missing" / "tour.json"
    assert_clean_failure(*run_main([*TOUR, "skaio", "-o", str(target)], capsys),
                         f"error: cannot write {target}: the folder {target.parent} does not "
                         "exist")
    assert not target.parent.exists()


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
@pytest.mark.parametrize("fmt", ["json", "ics"])  # pdf: in a subprocess below
def test_cli_output_onto_a_full_disk(fmt, capsys):
    assert_clean_failure(*run_main([*TOUR, "skaio", "--format", fmt, "-o", "/dev/full"], capsys),
                         "error: cannot write /dev/full: No space left on device")


def test_cli_output_on_a_disk_that_fills_up_leaves_no_half_file(tmp_path, capsys, monkeypatch):
    target = tmp_path / "tour.json"

    def fill_up(path: Path, data: bytes) -> int:
        with open(path, "wb") as fh:
            fh.write(data[:10])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(Path, "write_bytes", fill_up)
    assert_clean_failure(*run_main([*TOUR, "skaio", "-o", str(target)], capsys),
                         f"error: cannot write {target}: No space left on device")
    assert not target.exists()


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
def test_cli_end_to_end_bad_pace_and_full_stdout():
    result = run_cli("tour", "--stops", "skaio", "--speed", "nan")
    assert_clean_failure(result.returncode, result.stdout, result.stderr,
                         "a walking pace from 1 to 7 km/h, got 'nan'")
    with open("/dev/full", "w") as full:
        result = run_cli("tour", "--stops", "skaio", stdout=full)
    assert_clean_failure(result.returncode, "", result.stderr,
                         "error: cannot write the output: No space left on device")
    # The PDF in a process of its own: fpdf2 leaves its font files to the garbage collector.
    result = run_cli("tour", "--stops", "skaio", "--format", "pdf", "-o", "/dev/full")
    assert_clean_failure(result.returncode, result.stdout, result.stderr,
                         "error: cannot write /dev/full: No space left on device")


def test_cli_merges_duplicate_stops_and_saves_them_once(db, capsys):
    code, out, err = run_main([*TOUR, "skaio,holzpavillon,skaio", "--save"], capsys)
    assert code == 0, err
    assert "note: 'skaio' is listed more than once; the tour visits it once" in err
    (saved,) = db.list_tours()
    assert saved.spec["stops"] == ["skaio", "holzpavillon"]
    assert '"stops": [\n    "skaio",\n    "holzpavillon"\n  ]' in out


# --- saved tours -----------------------------------------------------------------------------


def _corrupt(db: store.TourStore, column: str, value: str) -> str:
    tour_id = db.save_tour({"stops": ["skaio"]}, "Wird kaputt", "buga2019-heilbronn")
    raw = sqlite3.connect(make_url(str(db.engine.url)).database)
    with raw:
        raw.execute(f"UPDATE tours SET {column} = ? WHERE id = ?", (value, tour_id))  # noqa: S608
    raw.close()
    return tour_id


SAVED_TOUR = [
    ("spec-not-a-list", lambda db: _corrupt(db, "spec", '{"stops": "skaio"}'),
     "the saved tour '{id}' is damaged and cannot be opened: not a valid tour: stops: Input "
     "should be a valid list"),
    ("spec-not-json", lambda db: _corrupt(db, "spec", "{kaputt"),
     "the saved tour '{id}' is damaged and cannot be opened: a value cannot be read"),
    ("pace-out-of-range", lambda db: _corrupt(db, "spec", '{"stops": ["a"], "speed_kmh": 1e-300}'),
     "the saved tour '{id}' is damaged and cannot be opened: not a valid tour: speed_kmh: a "
     "walking pace from 1 to 7 km/h\n"),
    ("title-empty", lambda db: _corrupt(db, "title", ""),
     "the saved tour '{id}' is damaged and cannot be opened: the title must be a non-empty "
     "text\n"),
    ("other-exhibition",
     lambda db: db.save_tour({"stops": ["praca-do-comercio"]}, "Lisboa", "lisboa-2030"),
     "the saved tour '{id}' belongs to the exhibition 'lisboa-2030', but this app shows "
     "'buga2019-heilbronn': open it where that exhibition is loaded"),
    ("unknown-id", lambda db: "zzzzzzzz", "unknown tour id 'zzzzzzzz'\n"),
    ("path-as-id", lambda db: "../../etc/passwd", "unknown tour id '../../etc/passwd'\n"),
]


@pytest.mark.parametrize(("make", "message"), [c[1:] for c in SAVED_TOUR],
                         ids=[c[0] for c in SAVED_TOUR])
def test_saved_tour(make, message, db, capsys):
    tour_id = make(db)
    code, out, err = run_main(["tour", "--data-dir", str(DEFAULT_DATA), "--tour", tour_id],
                              capsys)
    assert_clean_failure(code, out, err, "error: " + message.format(id=tour_id))
    assert out == ""


@pytest.mark.parametrize(
    ("spec", "title", "message"),
    [
        ({"stops": [f"s{n}" for n in range(201)]}, "Viel", "a tour has at most 200 stops"),
        ({"stops": ["a"], "blob": "x" * 40_000}, "Groß", "the tour is too large to save: 39 KB"),
        ({"stops": ["a"]}, "T" * 201, "the title is longer than 200 characters (201)"),
    ],
    ids=["stops", "spec-size", "title"],
)
def test_saved_tour_limits(spec, title, message, db):
    with pytest.raises(store.TourTooLarge) as info:
        db.save_tour(spec, title)
    assert str(info.value).startswith(message)
    assert isinstance(info.value, store.StoreError)


def test_saved_tour_with_duplicate_stops_opens_with_each_stop_once(db, capsys):
    tour_id = _corrupt(db, "spec",
                       '{"stops": ["skaio", "holzpavillon", "skaio"], "optimize": false}')
    code, out, err = run_main(["tour", "--data-dir", str(DEFAULT_DATA), "--tour", tour_id],
                              capsys)
    assert code == 0, err
    assert '"stops": [\n    "skaio",\n    "holzpavillon"\n  ]' in out


def test_saved_tour_end_to_end_other_exhibition(db, tmp_path):
    tour_id = db.save_tour({"stops": ["praca-do-comercio"]}, "Lisboa", "lisboa-2030")
    result = run_cli("tour", "--tour", tour_id,
                     env={"LERNREISE_DATABASE_URL": str(db.engine.url)})
    assert_clean_failure(result.returncode, result.stdout, result.stderr,
                         "belongs to the exhibition 'lisboa-2030', but this app shows")


# --- database faults -------------------------------------------------------------------------


def _not_a_database(tmp_path: Path) -> str:
    path = tmp_path / "text.sqlite3"
    path.write_text("Dies ist keine Datenbank, sondern ein Brief an die Stadt Konstanz. " * 20)
    return f"sqlite:///{path}"


def _under_a_file(tmp_path: Path) -> str:
    (tmp_path / "a-file").write_text("x")
    return f"sqlite:///{tmp_path / 'a-file' / 'var' / 'tours.sqlite3'}"


DB_FAULTS = [
    ("server-down", lambda tmp: LOCKED_URL.format(port=closed_port()),
     "its server cannot be reached (down, or a wrong address)"),
    ("unknown-host",
     lambda tmp: f"postgresql+psycopg://u:{PASSWORD}@host.invalid/db?connect_timeout=2",
     "its server cannot be reached (down, or a wrong address)"),
    ("folder-as-file", lambda tmp: f"sqlite:///{tmp}",
     "its file cannot be created or opened (missing or unwritable folder)"),
    ("under-a-file", _under_a_file,
     "its file cannot be created or opened (missing or unwritable folder)"),
    ("not-a-database", _not_a_database, "its file is not a database"),
    ("unknown-driver", lambda tmp: f"nosuchdb://u:{PASSWORD}@h/db",
     "its address (LERNREISE_DATABASE_URL) is not valid or its driver is missing"),
    ("missing-driver", lambda tmp: f"mysql://u:{PASSWORD}@h/db",
     "its address (LERNREISE_DATABASE_URL) is not valid or its driver is missing"),
    ("not-a-url", lambda tmp: f"{PASSWORD} is not a URL",
     "its address (LERNREISE_DATABASE_URL) is not valid or its driver is missing"),
]


@pytest.mark.parametrize(("make_url_", "reason"), [c[1:] for c in DB_FAULTS],
                         ids=[c[0] for c in DB_FAULTS])
def test_database_fault(make_url_, reason, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("LERNREISE_DATABASE_URL", make_url_(tmp_path))
    code, out, err = run_main([*TOUR, "skaio", "--save"], capsys)
    assert_clean_failure(code, out, err, f"error: the tour was not saved: {DB_DOWN}{reason}\n")
    # The store's own message (what a page shows) has no path either.
    with pytest.raises(store.StoreUnavailable) as info:
        store.open_store().list_tours()
    assert str(info.value) == DB_DOWN + reason
    assert str(tmp_path) not in str(info.value) and PASSWORD not in str(info.value)
    assert PASSWORD not in info.value.detail


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only files")
def test_database_fault_read_only_file(tmp_path, capsys, monkeypatch):
    path = tmp_path / "ro.sqlite3"
    store.open_store(f"sqlite:///{path}").check()
    path.chmod(0o444)
    tmp_path.chmod(0o555)
    try:
        monkeypatch.setenv("LERNREISE_DATABASE_URL", f"sqlite:///{path}")
        code, out, err = run_main([*TOUR, "skaio", "--save"], capsys)
    finally:
        tmp_path.chmod(0o755)
    assert_clean_failure(code, out, err, DB_DOWN)


def test_database_fault_end_to_end_password_never_shown():
    url = LOCKED_URL.format(port=closed_port())
    result = run_cli("tour", "--stops", "skaio", "--save", env={"LERNREISE_DATABASE_URL": url})
    assert_clean_failure(result.returncode, result.stdout, result.stderr,
                         DB_DOWN + "its server cannot be reached")
    # The detail line names the server for the operator, with the password hidden.
    assert "postgresql+psycopg://lernreise:***@127.0.0.1" in result.stderr
    result = run_cli("db", "upgrade", "--url", url)
    assert_clean_failure(result.returncode, result.stdout, result.stderr,
                         "error: the database cannot be set up: " + DB_DOWN)


@pytest.mark.parametrize(
    "url",
    [
        LOCKED_URL,
        f"postgresql+psycopg://lernreise@127.0.0.1:{{port}}/db?password={PASSWORD}",
        f"postgresql+psycopg://lernreise:{PASSWORD.replace('-', '%2D')}@127.0.0.1:{{port}}/db",
    ],
    ids=["userinfo", "query", "percent-encoded"],
)
def test_the_password_is_in_no_message_and_no_log(url, caplog):
    tours = store.TourStore(url.format(port=closed_port()))
    with caplog.at_level(logging.DEBUG, logger="dashboard.store"), \
            pytest.raises(store.StoreUnavailable) as info:
        tours.save_tour({"stops": ["a"]}, "Titel")
    logged = "\n".join(r.getMessage() + str(r.exc_info or "") for r in caplog.records)
    assert "its server cannot be reached" in logged
    for text in (str(info.value), info.value.detail, repr(tours.database), logged,
                 tours.database.safe_url):
        assert PASSWORD not in text
        assert "S3cr3t" not in text
    assert info.value.__cause__ is None and info.value.__suppress_context__


# --- PostgreSQL going down and coming back ---------------------------------------------------


@pytest.fixture(scope="module")
def own_postgres() -> Iterator[tuple[str, dict[str, str]]]:
    """A PostgreSQL server of this module's own (.ci/start-postgres on a free port), so that
    stopping it disturbs no other test."""
    if not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        message = "PostgreSQL server binaries are not installed (apt-get install postgresql)"
        if os.environ.get("CI") == "true":
            pytest.fail(message + ": CI must test PostgreSQL")
        pytest.skip(message)
    env = {**os.environ, "LERNREISE_PG_PORT": str(closed_port())}
    script = ["bash", str(ROOT / ".ci" / "start-postgres")]
    started = subprocess.run(script, env=env, capture_output=True, text=True, timeout=180)
    assert started.returncode == 0, started.stderr
    try:
        yield started.stdout.strip(), env
    finally:
        subprocess.run([*script, "stop"], env=env, capture_output=True, timeout=120)


@pytest.mark.postgres
@pytest.mark.timeout(300)
def test_postgres_down_then_back(own_postgres, capsys, monkeypatch):
    url, env = own_postgres
    script = ["bash", str(ROOT / ".ci" / "start-postgres")]
    tours = store.TourStore(url)
    before = tours.save_tour({"stops": ["skaio"]}, "Vorher")
    subprocess.run([*script, "pause"], env=env, check=True, capture_output=True, timeout=120)
    try:
        for call in (lambda: tours.save_tour({"stops": ["skaio"]}, "Während"),
                     lambda: tours.load_tour(before), tours.list_tours):
            with pytest.raises(store.StoreUnavailable) as info:
                call()
            assert str(info.value) == (
                DB_DOWN + "its server cannot be reached (down, or a wrong address)")
        monkeypatch.setenv("LERNREISE_DATABASE_URL", url)
        code, out, err = run_main([*TOUR, "skaio", "--save"], capsys)
        assert_clean_failure(code, out, err, "error: the tour was not saved: " + DB_DOWN)
    finally:
        subprocess.run([*script, "resume"], env=env, check=True, capture_output=True,
                       timeout=120)
    # The same store (as a page keeps it in st.cache_resource) works again.
    after = tours.save_tour({"stops": ["holzpavillon"]}, "Nachher")
    assert {t.title for t in tours.list_tours()} == {"Vorher", "Nachher"}
    loaded = tours.load_tour(after)
    assert loaded is not None and loaded.spec == {"stops": ["holzpavillon"]}
    tours.dispose()
