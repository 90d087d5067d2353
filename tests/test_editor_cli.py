"""`python -m dashboard import` and `export`: messages, exit codes, nothing half-written."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from conftest import MINI, TESTS

from dashboard import catalog as cat
from dashboard.__main__ import main
from dashboard.editor import access, bundle
from dashboard.store.exhibitions import ExhibitionStore

DATA = TESTS / "data" / "editor"


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_import_osm_and_csv_builds_a_valid_folder(tmp_path: Path, capsys):
    target = tmp_path / "testgarten"
    code, out, err = _run(capsys, "import", "--osm", str(DATA / "site.osm"), "--exhibits",
                          str(DATA / "exhibits.csv"), "-o", str(target))
    assert code == 0, err
    assert "3 exhibits, 7 paths, 3 buildings" in out
    assert "1 of them steps" in err
    catalog = cat.load(target)
    assert catalog.exhibition.id == "testgarten" and catalog.exhibition.name.de == "Testgarten"
    assert set(catalog.exhibits) == {"solarpavillon", "regengarten", "aussichtsturm"}
    assert main(["validate", str(target)]) == 0


def test_import_with_a_column_mapping_and_one_language(tmp_path: Path, capsys):
    target = tmp_path / "kuehl"
    code, _, err = _run(capsys, "import", "--osm", str(DATA / "site.osm.pbf"), "--exhibits",
                        str(DATA / "exhibits-latin1.csv"), "--column", "visit_minutes=Minuten",
                        "--languages", "de", "-o", str(target))
    assert code == 0, err
    assert "Windows-1252" in err
    catalog = cat.load(target)
    assert catalog.exhibits["kuehlhaus"].name.de == "Kühlhaus"
    assert catalog.exhibits["wasserspielplatz-sued"].visit_minutes == 20


@pytest.mark.parametrize(("osm", "exhibits", "code", "message"), [
    ("site.osm", "bad-rows.csv", 2, "line 4 (Keine Zahl): latitude '47.66x' is not a number"),
    ("site.osm", "missing-column.csv", 2, "no column for lat"),
    ("site.osm", "lines.kml", 2, "Hauptweg: is a LineString, not a point"),
    ("no-footpaths.osm", None, 2, "no footpaths inside the site outline"),
    ("broken.osm", None, 2, "is not OSM XML"),
    ("site.osm", None, 1, "section 'exhibits' is empty"),
    ("site.osm", "nothing-here.csv", 2, "file not found"),
])
def test_bad_input_is_a_message_and_nothing_is_written(tmp_path: Path, capsys, osm, exhibits,
                                                       code, message):
    target = tmp_path / "out"
    argv = ["import", "--osm", str(DATA / osm), "-o", str(target)]
    if exhibits:
        argv += ["--exhibits", str(DATA / exhibits)]
    got, _, err = _run(capsys, *argv)
    assert got == code
    assert message in err
    assert "Traceback" not in err
    assert not target.exists() and list(tmp_path.iterdir()) == []  # no temporary folder left


def test_an_existing_folder_is_never_touched(tmp_path: Path, capsys):
    target = tmp_path / "data"
    target.mkdir()
    (target / "exhibits.yaml").write_text("mine")
    code, _, err = _run(capsys, "import", "--osm", str(DATA / "site.osm"), "--exhibits",
                        str(DATA / "exhibits.csv"), "-o", str(target))
    assert code == 2 and "is not an empty folder" in err
    assert (target / "exhibits.yaml").read_text() == "mine"


def test_bad_column_option(tmp_path: Path, capsys):
    code, _, err = _run(capsys, "import", "--osm", str(DATA / "site.osm"), "--exhibits",
                        str(DATA / "exhibits.csv"), "--column", "breite", "-o",
                        str(tmp_path / "x"))
    assert code == 2 and "FIELD=COLUMN" in err


def test_export_a_published_version(tmp_path: Path, capsys):
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    store = ExhibitionStore(url)
    files = bundle.from_folder(MINI)
    editor = access.editor_actor("Anna")
    store.create(editor, "mini-expo", "Mini", files)
    store.publish(editor, "mini-expo", head=0)
    expected = store.export("mini-expo")
    store.dispose()

    folder = tmp_path / "exported"
    code, _, err = _run(capsys, "export", "--exhibition", "mini-expo", "--url", url, "-o",
                        str(folder))
    assert code == 0, err
    assert bundle.from_folder(folder) == files
    assert main(["validate", str(folder)]) == 0
    capsys.readouterr()

    archive = tmp_path / "mini.zip"
    code, _, err = _run(capsys, "export", "--exhibition", "mini-expo", "--version", "1",
                        "--url", url, "-o", str(archive))
    assert code == 0, err
    assert archive.read_bytes() == expected
    assert sorted(zipfile.ZipFile(io.BytesIO(expected)).namelist()) == sorted(files)

    code, _, err = _run(capsys, "export", "--exhibition", "mini-expo", "--version", "7",
                        "--url", url, "-o", str(tmp_path / "v7"))
    assert code == 2 and "unknown version 7 of exhibition 'mini-expo'" in err
    assert not (tmp_path / "v7").exists()
    code, _, err = _run(capsys, "export", "--exhibition", "mini-expo", "--url", url, "-o",
                        str(archive))
    assert code == 2 and "exists" in err
