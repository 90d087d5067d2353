"""`python -m dashboard import` and `export`: the editor's importers and versions from a shell.

    python -m dashboard import --osm site.osm --exhibits exhibits.csv -o DIR
    python -m dashboard export --exhibition ID [--version N] -o DIR (or FILE.zip)

The same functions as the editor page (dashboard.importers, dashboard.editor.draft, the store).
The command line's usual rules: every message names the file and what to do; exit 2 for a
file that cannot be used, 1 when the folder made would not validate (its problems listed);
nothing is written unless everything worked (the folder is written beside its place under a
temporary name and renamed at the end), and an existing non-empty folder is never touched.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

from dashboard import settings
from dashboard.editor import bundle, draft
from dashboard.errors import visible


def _fail(message: str) -> int:
    print(f"error: {visible(message)}", file=sys.stderr)
    return 2


def _target_problem(output: Path) -> str | None:
    if output.exists() and (not output.is_dir() or any(output.iterdir())):
        return f"{output} exists and is not an empty folder: give a new folder"
    if not output.expanduser().resolve().parent.is_dir():
        return f"cannot write {output}: the folder {output.parent} does not exist"
    return None


def write_atomically(files: dict[str, bytes], output: Path) -> None:
    """The files as the folder `output`, all or nothing."""
    parent = output.expanduser().resolve().parent
    scratch = Path(tempfile.mkdtemp(prefix=f".{output.name}-", dir=parent))
    try:
        bundle.write_folder(files, scratch)
        if output.exists():  # an empty folder: replaced
            output.rmdir()
        os.replace(scratch, output)
    finally:
        if scratch.exists():
            shutil.rmtree(scratch, ignore_errors=True)


def _mapping(columns: tuple[str, ...], overrides: list[str]) -> dict[str, str | None] | str:
    from dashboard.importers import table

    mapping = table.guess_mapping(columns)
    for item in overrides:
        field, sep, column = item.partition("=")
        if not sep or field not in table.FIELDS:
            return (f"--column {item!r}: write FIELD=COLUMN with FIELD one of "
                    f"{', '.join(table.FIELDS)}")
        mapping[field] = column or None
    return mapping


def _read_exhibits(path: Path, files: dict[str, bytes], args: argparse.Namespace):
    from dashboard.importers import points, table

    data = path.read_bytes()
    refused: list[str] = []
    if path.suffix.lower() in points.SUFFIXES:
        found, refused = points.read_points(data, path.name)
    else:
        found = table.read_table(data, path.name)
    mapping = _mapping(found.columns, args.column or [])
    if isinstance(mapping, str):
        raise ValueError(mapping)
    preview = table.preview(found, mapping, files, source=args.source or "")
    return preview, refused


def import_command(args: argparse.Namespace) -> int:
    from dashboard.importers import osm, table

    output = Path(args.output)
    if problem := _target_problem(output):
        return _fail(problem)
    for given in (args.osm, args.exhibits):
        if given and not Path(given).is_file():
            return _fail(f"{given}: file not found")
    try:
        site = osm.read_site(Path(args.osm))
    except osm.OsmImportError as exc:
        return _fail(str(exc))
    if site.problems:
        for problem in site.problems:
            print(f"error: {visible(args.osm)}: {visible(problem)}", file=sys.stderr)
        return 2
    languages = tuple(x.strip() for x in args.languages.split(",") if x.strip())
    if not languages or any(x not in ("de", "en") for x in languages):
        return _fail(f"--languages: de, en or de,en, got {args.languages!r}")
    ident = args.id or draft.slug(output.name, "exhibition")
    name = args.name or site.name or ident
    meta = draft.ExhibitionMeta(id=ident, name_de=name, name_en=args.name_en or name,
                                timezone=args.timezone, languages=languages,
                                source=args.source or "")
    files = draft.with_site(draft.new_exhibition(meta), site.layers)
    for note in site.notes:
        print(f"note: {visible(args.osm)}: {visible(note)}", file=sys.stderr)
    if args.exhibits:
        try:
            preview, refused = _read_exhibits(Path(args.exhibits), files, args)
        except (table.TableImportError, ValueError) as exc:
            return _fail(str(exc))
        label = visible(args.exhibits)
        for problem in preview.problems:
            print(f"error: {label}: {visible(problem)}", file=sys.stderr)
        for row in preview.refused:
            print(f"error: {label}: line {row.line} ({visible(row.label)}): "
                  f"{visible('; '.join(row.reasons))}", file=sys.stderr)
        for reason in refused:
            print(f"error: {label}: {visible(reason)}", file=sys.stderr)
        if preview.problems or preview.refused or refused:
            print("nothing written: fix the rows above (or leave them out) and run again",
                  file=sys.stderr)
            return 2
        for note in preview.notes:
            print(f"note: {visible(note)}", file=sys.stderr)
        files = preview.apply(files)
    if problems := bundle.check(files):
        print(f"{visible(str(output))}: not written, {len(problems)} problem(s):",
              file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    try:
        write_atomically(files, output)
    except OSError as exc:
        return _fail(f"cannot write {output}: {exc.strerror or exc}")
    count = len(draft.exhibits(files))
    print(f"wrote {visible(str(output))}: {count} exhibits, {site.count('paths')} paths, "
          f"{site.count('buildings')} buildings (check it: python -m dashboard validate "
          f"{visible(str(output))})")
    return 0


def export_command(args: argparse.Namespace) -> int:
    from dashboard.store import StoreError
    from dashboard.store.exhibitions import ExhibitionStore

    output = Path(args.output)
    as_zip = output.suffix.lower() == ".zip"
    if as_zip:
        if output.exists():
            return _fail(f"{output} exists: give a new file name")
        if not output.expanduser().resolve().parent.is_dir():
            return _fail(f"cannot write {output}: the folder {output.parent} does not exist")
    elif problem := _target_problem(output):
        return _fail(problem)
    store = ExhibitionStore(args.url or settings.get("LERNREISE_DATABASE_URL"))
    try:
        content = store.export(args.exhibition, args.version)
    except StoreError as exc:
        return _fail(f"nothing exported: {exc}")
    finally:
        store.dispose()
    try:
        if as_zip:
            partial = output.with_name(f".{output.name}.part")
            partial.write_bytes(content)
            os.replace(partial, output)
        else:
            write_atomically(bundle.from_zip(content)[0], output)
    except OSError as exc:
        return _fail(f"cannot write {output}: {exc.strerror or exc}")
    print(f"wrote {visible(str(output))}")
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    """The `import` and `export` subcommands on the main parser."""
    imp = sub.add_parser("import", help="build a data folder from an OSM extract and a "
                                        "spreadsheet, GeoJSON or KML of exhibits")
    imp.add_argument("--osm", required=True, metavar="FILE",
                     help="the site: .osm (OSM XML), .osm.pbf or .geojson (Overpass export)")
    imp.add_argument("--exhibits", metavar="FILE", help="exhibits: .csv, .xlsx, .geojson, .kml")
    imp.add_argument("--column", action="append", metavar="FIELD=COLUMN",
                     help="which column holds a field, e.g. lat=Breite (else guessed from the "
                          "header; repeat for several)")
    imp.add_argument("--source", metavar="URL",
                     help="web address for the exhibition and every row without a source")
    imp.add_argument("--id", help="exhibition id (default: from the folder's name)")
    imp.add_argument("--name", help="exhibition name (default: the OSM outline's name)")
    imp.add_argument("--name-en", help="English name (default: --name)")
    imp.add_argument("--timezone", default="Europe/Berlin", help="IANA time zone")
    imp.add_argument("--languages", default="de,en",
                     help="de,en (both required, default), de or en (the other falls back)")
    imp.add_argument("-o", "--output", required=True, metavar="DIR",
                     help="the data folder to write (new or empty)")
    imp.set_defaults(func=import_command)

    exp = sub.add_parser("export", help="a version published in the editor as a data folder")
    exp.add_argument("--exhibition", required=True, metavar="ID")
    exp.add_argument("--version", type=int, metavar="N", help="default: the newest")
    exp.add_argument("-o", "--output", required=True, metavar="DIR",
                     help="a new folder, or FILE.zip for the zip as the editor exports it")
    exp.add_argument("--url", help="database URL (default: LERNREISE_DATABASE_URL)")
    exp.set_defaults(func=export_command)
