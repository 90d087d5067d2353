"""Hostile and careless data folders: each becomes a listed problem with file, item and field.

One case per class of bad input (issue 7 "Data that validates must run" and "Loading can
neither hang nor exhaust memory", issue 8 data format). Each case breaks one thing in a copy of
tests/data/mini and names the problem it must produce. Grows with every bug found.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ROOT, edit_yaml, exhibit

from dashboard import catalog as cat
from dashboard.errors import DataError, shown, visible


def problems_of(data_dir: Path) -> list[str]:
    with pytest.raises(DataError) as info:
        cat.load(data_dir)
    return [str(p) for p in info.value.problems]


def yaml_edit(change: Callable[[dict], None], file: str = "exhibits.yaml"):
    return lambda d: edit_yaml(d / file, change)


def text_edit(old: str, new: str, file: str = "exhibits.yaml"):
    def apply(d: Path) -> None:
        path = d / file
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return apply


def geo_edit(layer: str, change: Callable[[dict], None]):
    def apply(d: Path) -> None:
        path = d / "geo" / f"{layer}.geojson"
        doc = json.loads(path.read_text())
        change(doc)
        path.write_text(json.dumps(doc))  # json.dumps writes NaN as NaN, as careless tools do
    return apply


def raw_write(content: bytes, file: str = "exhibits.yaml"):
    return lambda d: (d / file).write_bytes(content)


def feature(doc: dict, ident: str) -> dict:
    return next(f for f in doc["features"] if f["properties"]["id"] == ident)


def set_exhibition(**values):
    return yaml_edit(lambda d: d["exhibition"].update(values))


def set_exhibit(ident: str, **values):
    return yaml_edit(lambda d: exhibit(d, ident).update(values))


EX = "exhibits.yaml"
CI = "cities.yaml"
SITE, PATHS, BUILDINGS = "geo/site.geojson", "geo/paths.geojson", "geo/buildings.geojson"
ALIAS_BOMB = (
    "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    + "".join(f"{c}: &{c} [{', '.join([f'*{p}'] * 10)}]\n"
              for p, c in zip("abcdefgh", "bcdefghi", strict=True))
)

# (id, how to break the mini folder, file, expected pieces of one problem's text)
CASES: list[tuple[str, Callable[[Path], None], str, tuple[str, ...]]] = [
    # --- sections and keys
    ("empty-categories", yaml_edit(lambda d: d.update(categories=[])), EX,
     ("section 'categories' is empty",)),
    ("empty-zones", yaml_edit(lambda d: d.update(zones=[])), EX, ("section 'zones' is empty",)),
    ("empty-exhibits", yaml_edit(lambda d: d.update(exhibits=[])), EX,
     ("section 'exhibits' is empty",)),
    ("empty-cities", yaml_edit(lambda d: d.update(cities=[]), CI), CI,
     ("section 'cities' is empty",)),
    ("unknown-section", text_edit("entrances:", "entrance:"), EX,
     ("unknown section 'entrance'; did you mean 'entrances'?",)),
    ("duplicate-key", text_edit("  timezone: Europe/Berlin\n",
                                "  timezone: Europe/Berlin\n  timezone: Asia/Tokyo\n"), EX,
     ("is not valid YAML at line", "key 'timezone' appears twice (first at line")),
    # --- exhibition
    ("bad-timezone", set_exhibition(timezone="Europe/Heilbronn"), EX,
     ("exhibition: field 'timezone': is not an IANA time zone", "'Europe/Heilbronn'")),
    ("missing-timezone", yaml_edit(lambda d: d["exhibition"].pop("timezone")), EX,
     ("exhibition: field 'timezone': Field required",)),
    ("geographic-crs", set_exhibition(crs="EPSG:4326"), EX,
     ("exhibition: field 'crs': is a geographic CRS", "'EPSG:4326'")),
    ("unknown-crs", set_exhibition(crs="EPSG:99999"), EX,
     ("exhibition: field 'crs': is not a known CRS",)),
    ("crs-far-away", set_exhibition(crs="EPSG:32629"), EX,  # UTM 29N: Lisbon's zone
     ("exhibition: field 'crs': EPSG:32629 measures distances on this site", "too long",
      "EPSG:32632")),
    ("web-mercator-crs", set_exhibition(crs="EPSG:3857"), EX,
     ("exhibition: field 'crs': EPSG:3857 measures distances", "too long")),
    ("impossible-date", text_edit("  timezone:", "  start_date: 2019-02-30\n  timezone:"), EX,
     ("exhibition: field 'start_date'", "'2019-02-30'")),
    ("date-as-number", set_exhibition(start_date=20190417), EX,
     ("exhibition: field 'start_date': expected a date as 'YYYY-MM-DD' (got 20190417)",)),
    ("end-before-start", set_exhibition(start_date="2019-10-06", end_date="2019-04-17"), EX,
     ("exhibition: end_date 2019-04-17 lies before start_date 2019-10-06",)),
    ("hours-backwards", set_exhibition(opening_hours={"open": "18:00", "close": "09:00"}), EX,
     ("exhibition: field 'opening_hours'", "closes at 09:00, not after it opens at 18:00")),
    # --- exhibits
    ("huge-number", text_edit("visit_minutes: 10", "visit_minutes: " + "1" * 5000), EX,
     ("exhibit 'solar-roof': field 'visit_minutes'", "(5,000 characters)")),
    ("nan-latitude", text_edit("{lat: 49.0010, lon: 9.0010}", "{lat: .nan, lon: 9.0010}"), EX,
     ("exhibit 'solar-roof': field 'location.lat'", "finite number")),
    ("exhibit-hours-backwards",
     set_exhibit("fountain", opening_hours={"open": "12:00", "close": "12:00"}), EX,
     ("exhibit 'fountain': field 'opening_hours'", "closes at 12:00")),
    ("show-outside-hours", set_exhibit("fountain", show_times=["11:00", "20:30"]), EX,
     ("exhibit 'fountain': field 'show_times[1]'",
      "20:30 lies outside the exhibition's opening hours 09:00–18:00")),
    ("step-free-over-stairs",
     set_exhibit("fountain", location={"lat": 49.00255, "lon": 9.0022}), EX,
     ("exhibit 'fountain': field 'step_free'", "can only be reached over steps",
      "'north-stairs' is not step-free")),
    ("no-step-free-entrance", yaml_edit(lambda d: d["entrances"][0].update(step_free=False)), EX,
     ("entrances: field 'step_free': no entrance is step_free",)),
    ("long-name", set_exhibit("fountain", name={"de": "B" * 10_000, "en": "Fountain"}), EX,
     ("exhibit 'fountain': field 'name.de'", "is 10,000 characters long; at most 120",
      "(10,000 characters)")),
    ("long-description",
     set_exhibit("fountain", description={"de": "x " * 5000, "en": "Fountains."}), EX,
     ("exhibit 'fountain': field 'description.de'", "at most 5,000")),
    ("escape-in-name", set_exhibit("fountain", name={"de": "\x1b[2J\x1b[31mRot", "en": "Red"}),
     EX, ("exhibit 'fountain': field 'name.de'", "control or bidi characters (\\x1b)")),
    ("bidi-in-name", set_exhibit("fountain", name={"de": "Brunnen\u202egpj.exe", "en": "F"}), EX,
     ("field 'name.de'", "control or bidi characters (\\u202e)")),
    ("bidi-in-id", yaml_edit(lambda d: exhibit(d, "fountain").update(id="foun\u202etain")), EX,
     ("field 'id'", "'foun\\u202etain'")),
    ("newline-in-name", set_exhibit("fountain", name={"de": "Brun\nnen", "en": "F"}), EX,
     ("field 'name.de'", "(\\x0a)")),
    ("bidi-in-city-name",
     yaml_edit(lambda d: d["cities"][0].update(name={"de": "Test\u2066hausen", "en": "T"}), CI),
     CI, ("city 'testhausen': field 'name.de'", "\\u2066")),
    # --- GeoJSON
    ("geojson-crs-member", geo_edit("site", lambda d: d.update(
        crs={"type": "name", "properties": {"name": "EPSG:25832"}})), SITE,
     ("field 'crs': has a 'crs' member", "RFC 7946")),
    ("coordinates-in-metres", geo_edit("site", lambda d: d["features"][0]["geometry"].update(
        coordinates=[[[500000, 5428000], [500300, 5428000], [500300, 5428300],
                      [500000, 5428000]]])), SITE,
     ("feature 'site': field 'geometry'", "outside longitude -180..180",
      "not metres")),
    ("nan-coordinate", geo_edit("paths", lambda d: feature(d, "gate-link")["geometry"].update(
        coordinates=[[9.002, float("nan")], [9.002, 49.0005]])), PATHS,
     ("feature 'gate-link': field 'geometry'", "not a finite number")),
    ("nan-building-height", geo_edit("buildings", lambda d: d["features"][0]["properties"].update(
        height_m=float("nan"))), BUILDINGS,
     ("feature 'house': field 'height_m'", "(got nan)")),
    ("unknown-path-kind", geo_edit("paths", lambda d: feature(d, "gate-link")["properties"].update(
        kind="zipline")), PATHS,
     ("feature 'gate-link': field 'kind': must be one of path, promenade, bridge, stairs",)),
    ("step-free-stairs", geo_edit("paths", lambda d: feature(d, "north-stairs")[
        "properties"].update(step_free=True)), PATHS,
     ("feature 'north-stairs': field 'step_free'", "stairs are never step-free")),
    ("escape-in-feature-name", geo_edit("buildings", lambda d: d["features"][0][
        "properties"].update(name="Haus\x1b]0;pwned\x07")), BUILDINGS,
     ("feature 'house': field 'name'", "\\x1b", "\\x07")),
    ("deep-json", raw_write(b"[" * 100_000 + b"]" * 100_000, "geo/water.geojson"),
     "geo/water.geojson", ("nested too deeply",)),
    ("huge-json-number", raw_write(b'{"type": "FeatureCollection", "features": ' + b"9" * 5000
                                   + b"}", "geo/water.geojson"),
     "geo/water.geojson", ("cannot be read as JSON", "digits")),
    # --- files that could hang the loader or exhaust memory
    ("deep-yaml", raw_write(b"x: " + b"[" * 100_000 + b"]" * 100_000), EX,
     ("is not valid YAML", "nesting depth")),
    ("alias-bomb", raw_write(ALIAS_BOMB.encode()), EX, ("alias bomb",)),
    ("alias-cycle", text_edit("    facts:\n", "    facts: &loop\n      - *loop\n    x:\n"), EX,
     ("alias that refers to itself",)),
]


@pytest.mark.parametrize(("break_it", "file", "expected"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_broken_folder_is_one_clear_problem(mini_dir, break_it, file, expected):
    break_it(mini_dir)
    found = problems_of(mini_dir)
    label = str(mini_dir / file)
    hits = [p for p in found if p.startswith(label) and all(e in p for e in expected)]
    assert hits, found
    for problem in found:
        assert problem.isprintable(), problem  # no raw control or bidi character
        assert len(problem) < 600, problem[:600]  # bad values are cut


def test_named_pipe_is_refused_without_blocking(mini_dir):
    path = mini_dir / "exhibits.yaml"
    path.unlink()
    os.mkfifo(path)
    found = problems_of(mini_dir)
    assert any(p.startswith(f"{path}: is a named pipe, not a regular file") for p in found)


def test_device_is_refused(mini_dir):
    path = mini_dir / "geo" / "water.geojson"
    path.unlink()
    path.symlink_to("/dev/zero")
    found = problems_of(mini_dir)
    # A link to a device lies outside the folder: refused before it is opened (issue 18, 4).
    assert any(p.startswith(f"{path}: is a link to a file outside the data folder")
               for p in found), found


def test_folder_in_place_of_a_file(mini_dir):
    (mini_dir / "cities.yaml").unlink()
    (mini_dir / "cities.yaml").mkdir()
    found = problems_of(mini_dir)
    assert any("cities.yaml: is a folder, not a regular file" in p for p in found), found


def test_size_limit_is_a_setting_named_in_the_message(mini_dir, monkeypatch):
    monkeypatch.setenv("LERNREISE_MAX_DATA_FILE_MB", "0.001")
    found = problems_of(mini_dir)
    label = str(mini_dir / "exhibits.yaml")
    assert any(p.startswith(label) and "is larger than 0.001 MB" in p
               and "LERNREISE_MAX_DATA_FILE_MB" in p for p in found), found


def test_malformed_size_setting_is_a_problem_not_a_traceback(mini_dir, monkeypatch):
    monkeypatch.setenv("LERNREISE_MAX_DATA_FILE_MB", "lots")
    found = problems_of(mini_dir)
    assert any("LERNREISE_MAX_DATA_FILE_MB must be a number" in p for p in found), found


def test_every_problem_of_a_very_broken_folder_at_once(mini_dir):
    by_id = {c[0]: c[1] for c in CASES}
    for case in ("bad-timezone", "step-free-over-stairs", "bidi-in-city-name", "huge-number"):
        by_id[case](mini_dir)
    found = problems_of(mini_dir)
    assert len(found) == 4, found


def test_crs_is_derived_from_the_site_when_left_out(mini_dir):
    edit_yaml(mini_dir / "exhibits.yaml", lambda d: d["exhibition"].pop("crs"))
    catalog = cat.load(mini_dir)
    assert catalog.crs == "EPSG:32632"  # UTM 32N: the zone of 9° E


def test_merge_keys_are_not_duplicates(mini_dir):
    text_edit("opening_hours: {open: \"09:00\", close: \"18:00\"}",
              "opening_hours: &hours {open: \"09:00\", close: \"18:00\"}")(mini_dir)
    text_edit("    visit_minutes: 15\n", "    visit_minutes: 15\n    opening_hours:\n"
              "      <<: *hours\n      close: \"17:00\"\n")(mini_dir)
    assert cat.load(mini_dir).exhibit("fountain").opening_hours.close.hour == 17


# --------------------------------------------------------------------------- helpers


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("plain Straße 🌳", "plain Straße 🌳"),
        ("\x1b[31mred", "\\x1b[31mred"),
        ("abc\u202eexe.txt", "abc\\u202eexe.txt"),
        ("a\u2066b\u2069", "a\\u2066b\\u2069"),
        ("line\nbreak\r", "line\\x0abreak\\x0d"),
        ("nul\x00", "nul\\x00"),
        ("\u200bzero width", "\\u200bzero width"),
    ],
)
def test_visible_escapes_control_and_bidi_characters(raw, expected):
    assert visible(raw) == expected


def test_shown_cuts_long_values_and_says_how_long():
    text = shown("x" * 1_000_000)
    assert len(text) < 120 and "1,000,000 characters" in text
    nested: list = []
    for _ in range(50):
        nested = [nested] * 10
    assert len(shown(nested)) < 200
    assert "digits" in shown(10 ** 5000)


# --------------------------------------------------------------------------- command line


def run_validate(data_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "dashboard", "validate", str(data_dir)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_validate_prints_names_with_escapes_visible(mini_dir):
    # Control characters in names are problems; here one slips into a message via a value.
    edit_yaml(mini_dir / "exhibits.yaml",
              lambda d: exhibit(d, "fountain").update(category="\x1b[2J\u202ewater"))
    result = run_validate(mini_dir)
    assert result.returncode == 1
    out = result.stdout + result.stderr
    assert "Traceback" not in out
    assert "\x1b" not in out and "\u202e" not in out
    assert "\\x1b[2J\\u202ewater" in out


def test_validate_summary_prints_the_folder_name_visibly(mini_dir):
    # Names in the data cannot carry control characters, but a folder name can.
    target = mini_dir.with_name("mini\x1b[31m\u202e")
    mini_dir.rename(target)
    result = run_validate(target)
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout and "\u202e" not in result.stdout
    assert "mini\\x1b[31m\\u202e: OK" in result.stdout


# --------------------------------------------------------------------------- documentation


def _message_fragments(path: Path) -> list[str]:
    """The leading literal text of every Problem(...) and ValueError(...) message in a module."""
    import ast

    def lead(node: ast.expr) -> list[str | None]:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return [node.value]
        if isinstance(node, ast.JoinedStr):
            return [v.value if isinstance(v, ast.Constant) else None for v in node.values]
        return lead(node.left) if isinstance(node, ast.BinOp) else []

    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            continue
        index = {"Problem": 1, "ValueError": 0}.get(node.func.id)
        if index is None or len(node.args) <= index:
            continue
        for piece in lead(node.args[index]):
            if piece and len(piece.strip(" ,.:;()")) >= 10:
                out.append(piece.strip(" ,.:;()"))
                break
    return out


@pytest.mark.parametrize("module", ["catalog", "geo", "validate"])
def test_every_validation_message_is_in_the_data_format_docs(module):
    docs = " ".join((ROOT / "docs" / "data-format.md").read_text(encoding="utf-8").split())
    fragments = _message_fragments(ROOT / "dashboard" / f"{module}.py")
    assert fragments
    missing = [f for f in fragments if " ".join(f.split()) not in docs]
    assert not missing, f"document these messages in docs/data-format.md: {missing}"


# --------------------------------------------------------------------------- links (issue 18, 4)

DATA_FILES = ["exhibits.yaml", "cities.yaml", "programme.yaml", "geo/site.geojson",
              "geo/zones.geojson", "geo/paths.geojson", "geo/water.geojson",
              "geo/buildings.geojson"]
PROGRAMME = """\
title: {de: "Testreise", en: "Test trip"}
sessions:
  - id: welcome
    title: {de: "Begrüßung", en: "Welcome"}
    start: "10:00"
    end: "10:30"
"""


def validate_folder(data_dir: Path) -> tuple[int, str]:
    result = run_validate(data_dir)
    return result.returncode, result.stdout + result.stderr


def folder_problems(data_dir: Path) -> list[str]:
    """What `validate` reports, in this process: the catalogue's problems, then the
    programme's (validate reads both; the command line itself is tried below)."""
    from dashboard.programme import load_programme

    try:
        catalog = cat.load(data_dir)
    except DataError as exc:
        return [str(p) for p in exc.problems]
    try:
        load_programme(data_dir, catalog)
    except DataError as exc:
        return [str(p) for p in exc.problems]
    return []


@pytest.fixture
def with_programme(mini_dir: Path) -> Path:
    (mini_dir / "programme.yaml").write_text(PROGRAMME, encoding="utf-8")
    return mini_dir


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
@pytest.mark.parametrize("file", DATA_FILES)
@pytest.mark.parametrize("target", ["copy outside", "/etc/passwd", "/proc/self/environ"])
def test_a_data_file_linked_out_of_the_folder_is_never_read(with_programme, tmp_path, file,
                                                             target):
    """A cities.yaml linked to /etc/shadow printed 26 lines of it, for every visitor. Every
    file of a data folder follows the images' rule: inside the folder, also after links."""
    path = with_programme / file
    if target == "copy outside":  # even a good file, when it lies elsewhere
        outside = tmp_path / "elsewhere" / path.name
        outside.parent.mkdir()
        outside.write_bytes(path.read_bytes())
        target = str(outside)
    if not Path(target).exists():
        pytest.skip(f"{target} is not on this machine")
    path.unlink()
    path.symlink_to(target)
    found = folder_problems(with_programme)
    assert any(p.endswith(f"{file}: is a link to a file outside the data folder; a data "
                          "folder's files must be inside it (as its images)") for p in found), \
        found
    out = "\n".join(found)
    assert "root:" not in out and "PATH=" not in out  # nothing of the target is quoted


@pytest.mark.skipif(not Path("/etc/passwd").exists(), reason="no /etc/passwd here")
def test_validate_does_not_print_a_linked_system_file(mini_dir):
    """The trial's case on the command line: cities.yaml linked to a system file."""
    (mini_dir / "cities.yaml").unlink()
    (mini_dir / "cities.yaml").symlink_to("/etc/passwd")
    code, out = validate_folder(mini_dir)
    assert code == 1 and "Traceback" not in out, out
    assert "cities.yaml: is a link to a file outside the data folder" in out
    assert "root:" not in out


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
@pytest.mark.parametrize("file", DATA_FILES)
def test_a_data_file_linked_inside_the_folder_is_read(with_programme, file):
    path = with_programme / file
    kept = with_programme / "versions" / path.name
    kept.parent.mkdir()
    path.rename(kept)
    path.symlink_to(kept)
    assert folder_problems(with_programme) == []


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
def test_a_link_in_a_circle_or_to_nothing_is_a_problem(mini_dir):
    path = mini_dir / "cities.yaml"
    path.unlink()
    path.symlink_to(mini_dir / "cities.yaml")
    assert any("cities.yaml" in p for p in problems_of(mini_dir))
    path.unlink()
    path.symlink_to(mini_dir / "nowhere.yaml")
    assert any(p.endswith("cities.yaml: file not found") for p in problems_of(mini_dir))


def test_another_kind_of_file_is_one_short_problem(mini_dir):
    """What /etc/shadow became: one line naming a cut piece of it, not every line of it."""
    secret = "".join(f"user{n}:$6$salt$hash{n}:19000:0:99999:7:::\n" for n in range(26))
    (mini_dir / "cities.yaml").write_text(secret, encoding="utf-8")
    found = [p for p in problems_of(mini_dir) if "cities.yaml" in p]
    quoting = [p for p in found if "user0" in p]
    assert len(quoting) == 1, found  # the rest say which sections are missing
    assert "has none of the sections of cities.yaml" in quoting[0] and "26 others" in quoting[0]
    assert all("19000" not in p and "user1" not in p and len(p) < 300 for p in found), found


def test_many_unknown_sections_are_counted_not_listed(mini_dir):
    edit_yaml(mini_dir / "cities.yaml", lambda d: d.update({f"extra{n}": 1 for n in range(9)}))
    found = [p for p in problems_of(mini_dir) if "cities.yaml" in p]
    assert len(found) == 6 and found[-1].endswith("and 4 more unknown sections"), found


# --------------------------------------------------------------------------- programme (7)


@pytest.mark.parametrize(("programme", "expected"), [
    (PROGRAMME.replace('"10:00"', '"25:00"'), "start"),
    (PROGRAMME.replace('"10:30"', '"09:00"'), "before it starts"),
    (PROGRAMME + "  - id: welcome\n    title: {de: x, en: x}\n    start: '11:00'\n"
     "    end: '12:00'\n", "id is used more than once"),
    ("\x89PNG\r\n\x1a\n\x00\x00\x00", "programme.yaml"),
    ("sessions: [1, 2\n", "is not valid YAML"),
])
def test_validate_reads_programme_yaml(mini_dir, programme, expected):
    """`validate` said OK for start "25:00", an end before its start or raw bytes."""
    (mini_dir / "programme.yaml").write_bytes(programme.encode("utf-8", "surrogateescape"))
    found = folder_problems(mini_dir)
    assert any(p.startswith("programme.yaml") and expected in p for p in found), found


def test_validate_on_the_command_line_reads_programme_yaml(with_programme):
    code, out = validate_folder(with_programme)
    assert code == 0 and "programme: 1 sessions" in out, out
    (with_programme / "programme.yaml").write_text(PROGRAMME.replace('"10:00"', '"25:00"'),
                                                   encoding="utf-8")
    code, out = validate_folder(with_programme)
    assert code == 1 and "Traceback" not in out, out
    assert "programme.yaml: session 'welcome': field 'start'" in out
