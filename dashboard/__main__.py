"""Command line: `python -m dashboard validate [DATA_DIR]`, `python -m dashboard tour ...`.

`python -m dashboard report --city ID` writes a visiting city's trip report.

Exit codes: 0 fine, 1 the data has problems, 2 wrong usage or a tour that cannot be planned.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import logging
import math
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from dashboard import catalog as cat
from dashboard import links, routing, settings, store
from dashboard.errors import DataError, untrusted, visible


def _validate(args: argparse.Namespace) -> int:
    """Check a data folder: a summary and 0, or every problem and 1.

    Everything printed that comes from the data goes through errors.visible: a name with an
    escape or bidi character cannot recolour, clear or reorder the terminal.
    """
    from dashboard import programme

    data_dir = Path(args.data_dir) if args.data_dir else settings.data_dir()
    folder = visible(str(data_dir))
    try:
        catalog = cat.load(data_dir)
        # Every file the app reads: the review reads programme.yaml (when there is one).
        trip = programme.load_programme(data_dir, catalog)
    except DataError as exc:
        print(f"{folder}: {len(exc.problems)} problem(s):", file=sys.stderr)
        for problem in exc.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    lang = args.lang

    def name(value: cat.Localized) -> str:
        return visible(catalog.text(value, lang))

    site = catalog.site
    print(f"{folder}: OK — {name(catalog.exhibition.name)}")
    print(f"  {len(catalog.exhibits)} exhibits in {len(catalog.categories)} categories, "
          f"{len(catalog.zones)} zones, {len(catalog.entrances)} entrances")
    width = max((len(name(c.name)) for c in catalog.categories.values()), default=0)
    for cid, count in catalog.counts_by_category().items():
        print(f"    {name(catalog.categories[cid].name):<{width}}  {count:>3}")
    cities = ", ".join(
        name(c.name) + (f" ({name(c.delegation)})" if c.delegation else "")
        for c in catalog.cities.values()
    )
    print(f"  {len(catalog.cities)} visiting cities ({cities}), "
          f"{len(catalog.departments)} departments")
    ex = catalog.exhibition
    dates = (f"{ex.start_date or '…'} to {ex.end_date or '…'}, "
             if ex.start_date or ex.end_date else "")
    print(f"  {dates}time zone {ex.timezone}, distances in {catalog.crs}"
          + ("" if ex.crs else " (the site's UTM zone)"))
    print(f"  geo: {len(site.layer('paths'))} paths, {len(site.layer('buildings'))} buildings, "
          f"{len(site.layer('water'))} water bodies")
    if trip is not None:
        print(f"  programme: {len(trip.sessions)} sessions")
    return 0


def _load_or_exit(data_dir: Path) -> cat.Catalog:
    try:
        return cat.load(data_dir)
    except DataError as exc:
        print(f"{visible(str(data_dir))}: {len(exc.problems)} problem(s); run "
              "`python -m dashboard validate`",
              file=sys.stderr)
        raise SystemExit(1) from None


def _plan_json(plan: routing.TourPlan, catalog: cat.Catalog, lang: str) -> str:
    def visit(v: routing.Visit) -> dict:
        return {
            "number": v.number, "id": v.place.id, "kind": v.place.kind,
            "name": catalog.text(v.place.name, lang),
            "arrival": v.arrival.strftime("%H:%M"), "begin": v.begin.strftime("%H:%M"),
            "departure": v.departure.strftime("%H:%M"),
            "walk_m": round(v.leg.distance_m) if v.leg else 0,
        }

    return json.dumps({
        "stops": plan.stop_ids,
        "start": plan.visits[0].place.id,
        "end": plan.visits[-1].place.id,
        "distance_m": round(plan.distance_m, 1),
        "walking_minutes": round(plan.walking_minutes, 1),
        "total_minutes": round(plan.total_minutes, 1),
        "estimated": plan.estimated,
        "dropped": list(plan.dropped),
        "unreachable": list(plan.unreachable),
        "notices": [{"code": n.code, "id": n.place_id, "detail": n.detail}
                    for n in plan.notices],
        "schedule": [visit(v) for v in plan.visits],
    }, ensure_ascii=False, indent=2)


def _fail(message: str) -> int:
    # Messages quote ids and names the user typed or the data holds: never raw to a terminal.
    print(f"error: {visible(message)}", file=sys.stderr)
    return 2


def _store_failed(what: str, exc: store.StoreError) -> int:
    """A store error as a message and exit 2; the detail (URL without password) follows."""
    print(f"error: {visible(what)}: {visible(str(exc))}", file=sys.stderr)
    if detail := getattr(exc, "detail", ""):
        print(f"  ({visible(detail)})", file=sys.stderr)
    return 2


STDOUT = "-"  # -o - writes to standard output, as leaving -o out does
# A path in a message in full up to this length (a real path in a temporary folder is easily
# longer than an id); a name of thousands of characters is cut.
PATH_CHARS = 300


def _output_folder_problem(output: str) -> str | None:
    """Why `-o output` cannot be written, before any work is done (None: it can)."""
    if output == STDOUT:
        return None
    if not output.strip():
        return "-o needs a file name (or -o - for standard output)"
    shown = untrusted(output, PATH_CHARS)
    try:
        target = Path(output).expanduser()
        folder = target.resolve().parent
        if not folder.is_dir():
            missing = untrusted(str(folder), PATH_CHARS)
            return f"cannot write {shown}: the folder {missing} does not exist"
        longest = os.pathconf(folder, "PC_NAME_MAX")
        if len(os.fsencode(target.name)) > longest:
            return (f"cannot write {shown}: the file name is {len(target.name):,} characters "
                    f"long; at most {longest} bytes are allowed")
        target.exists()  # the whole path's length (ENAMETOOLONG) and its permissions
    except (OSError, ValueError) as exc:
        return f"cannot write {shown}: {getattr(exc, 'strerror', None) or exc}"
    return None


def _emit(output: str | bytes, path: str | None) -> str | None:
    """Write the export to `path` or stdout; a message when that fails (disk full, ...)."""
    data = output if isinstance(output, bytes) else output.encode()
    path = None if path == STDOUT else path
    try:
        if path:
            Path(path).expanduser().write_bytes(data)
        else:
            sys.stdout.flush()
            sys.stdout.buffer.write(data if isinstance(output, bytes) else data + b"\n")
            sys.stdout.buffer.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        with contextlib.suppress(OSError):  # a half-written file helps no one
            if path and Path(path).expanduser().is_file():
                Path(path).expanduser().unlink()
        return f"cannot write {untrusted(path, PATH_CHARS) if path else 'the output'}: " \
               f"{exc.strerror or exc}"
    return None


def _request_from_args(args: argparse.Namespace) -> routing.TourRequest | int:
    """The request the options describe, or an exit code after a message."""
    if not args.stops:
        return _fail("give --stops (exhibit ids) or --tour (the id of a saved tour)")
    listed = [s.strip() for s in args.stops.split(",") if s.strip()]
    stops = store.unique_stops(listed)
    if not stops:
        return _fail("--stops needs at least one exhibit id")
    for twice in dict.fromkeys(s for s in listed if listed.count(s) > 1):
        print(f"note: {visible(repr(twice))} is listed more than once; the tour visits it once",
              file=sys.stderr)
    request = routing.TourRequest(
        stops=tuple(stops),
        start=args.start, end=args.end, optimize=args.optimize, step_free=args.step_free,
        budget_minutes=args.budget, start_time=args.start_time, date=args.date,
        speed_kmh=args.speed, title=args.title or "",
    )
    try:  # the rules of a saved tour, so that what the command plans can also be saved
        store.check_tour_spec(request.to_dict())
    except store.StoreError as exc:
        return _fail(str(exc))
    return request


def _saved_request(tour_id: str, catalog: cat.Catalog) -> routing.TourRequest | int:
    """The request of a saved tour of this exhibition, or an exit code after a message."""
    try:
        saved = store.open_store().load_tour(tour_id)
        if saved is None:
            raise store.UnknownTourError(tour_id)
        store.check_exhibition(saved, catalog)
    except store.StoreUnavailable as exc:
        return _store_failed("the saved tour cannot be opened", exc)
    except store.StoreError as exc:  # damaged, of another exhibition, unknown: says so itself
        return _fail(str(exc))
    return routing.TourRequest.from_dict({**saved.spec, "title": saved.title})


def _share_url(tour_id: str, lang: str) -> str:
    return links.share_url(links.base_url(), tour_id, lang)


def _tour(args: argparse.Namespace) -> int:
    if args.output is not None and (problem := _output_folder_problem(args.output)):
        return _fail(problem)
    if args.tour and (args.stops or args.save):
        return _fail("--tour opens a saved tour: it goes without --stops and --save")
    request = None if args.tour else _request_from_args(args)
    if isinstance(request, int):
        return request
    data_dir = Path(args.data_dir) if args.data_dir else settings.data_dir()
    catalog = _load_or_exit(data_dir)
    if request is None:
        request = _saved_request(args.tour, catalog)
        if isinstance(request, int):
            return request
    try:
        # A saved tour opens like in the planner: stops gone from the data become notes.
        plan = routing.plan_tour(catalog, request, strict=not args.tour)
    except routing.TourError as exc:
        return _fail(str(exc))
    share_url = _share_url(args.tour, args.lang) if args.tour else None
    if args.save:
        try:
            tours = store.open_store()
            tour_id = tours.save_tour(request.to_dict(), request.title or "Tour",
                                      catalog.exhibition.id)
        except store.StoreError as exc:
            return _store_failed("the tour was not saved", exc)
        share_url = _share_url(tour_id, args.lang)
        print(f"saved tour {tour_id}: {share_url}", file=sys.stderr)
    lang = args.lang
    if args.format != "json":
        from dashboard import export
    output: str | bytes = {
        "json": lambda: _plan_json(plan, catalog, lang),
        "gpx": lambda: export.to_gpx(plan, catalog, lang),
        "geojson": lambda: export.to_geojson(plan, catalog, lang),
        "ics": lambda: export.to_ics(plan, catalog, lang),
        "pdf": lambda: export.to_pdf(plan, catalog, lang, share_url),
        "html": lambda: export.to_offline_html(plan, catalog, lang),
    }[args.format]()
    if problem := _emit(output, args.output):
        return _fail(problem)
    for notice in plan.notices:
        line = f"note: {notice.code} {notice.place_id or ''} {notice.detail or ''}".rstrip()
        print(visible(line), file=sys.stderr)
    return 0


def _report(args: argparse.Namespace) -> int:
    """`report --city ID`: the trip report of a visiting city (notes, follow-ups, ideas)."""
    from dashboard import report
    from dashboard.roles import Actor

    fmt = args.format
    if fmt is None:
        suffix = Path(args.output).suffix.lower().lstrip(".") if args.output else ""
        fmt = suffix if suffix in report.FORMATS else "md"
    if args.output is not None and (problem := _output_folder_problem(args.output)):
        return _fail(problem)
    if args.output in (None, STDOUT) and fmt in ("pdf", "xlsx") and sys.stdout.isatty():
        return _fail(f"a {fmt} report is binary: write it to a file with -o FILE")
    data_dir = Path(args.data_dir) if args.data_dir else settings.data_dir()
    catalog = _load_or_exit(data_dir)
    if args.city not in catalog.cities:
        return _fail(f"unknown city {args.city!r}; known: {', '.join(sorted(catalog.cities))}")
    database = store.Database(args.url or settings.get("LERNREISE_DATABASE_URL"))
    try:
        # The command line reads the database directly: it sees the city's unshared notes too.
        trip = report.build_report(
            catalog, args.city, store.NoteStore(database, catalog),
            store.WorkshopStore(database, catalog), args.lang, reader=Actor.admin("report"),
            tours=store.TourStore(database).list_tours(exhibition_id=catalog.exhibition.id),
            captures=store.CaptureStore(database, catalog),
            scorecards=store.ScorecardStore(database, catalog),
        )
    except store.StoreError as exc:
        return _store_failed("no report", exc)
    finally:
        database.dispose()
    if problem := _emit(report.render(trip, fmt), args.output):
        return _fail(problem)
    return 0


def _db(args: argparse.Namespace) -> int:
    """`db upgrade`: bring the database's schema up to date now (the app also does it on its
    first use); prints the database without its password and the revision."""
    database = store.Database(args.url or settings.get("LERNREISE_DATABASE_URL"))
    try:
        database.upgrade()
        revision = database.revision()
    except store.StoreError as exc:
        return _store_failed("the database cannot be set up", exc)
    finally:
        database.dispose()
    print(f"{database.safe_url}: schema at revision {revision} (the newest)")
    return 0


def _db_revision(args: argparse.Namespace) -> int:
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        database = store.Database(args.url or f"sqlite:///{scratch}/scratch.sqlite3")
        try:
            path = database.new_revision(args.message)
        except store.StoreError as exc:
            return _store_failed("no migration written", exc)
        finally:
            database.dispose()
    print(f"wrote {path}: read it, edit it, test it (tests/test_migrations.py)")
    return 0


def _synth(args: argparse.Namespace) -> int:
    from dashboard import synth

    if problem := _synth_folder_problem(args.output, args.force):
        return _fail(problem)
    try:
        out = synth.generate(args.output, seed=args.seed, exhibits=args.exhibits)
    except (ValueError, OSError) as exc:
        return _fail(str(exc))
    print(f"wrote {visible(str(out))}: {args.exhibits} exhibits, seed {args.seed}")
    return 0


def _synth_folder_problem(output: str, force: bool) -> str | None:
    """A folder synth may write: new or empty, or any with --force (it overwrote an
    exhibition's exhibits.yaml without a word)."""
    if not output.strip():
        return "-o needs a folder name"
    shown = untrusted(output, PATH_CHARS)
    try:
        folder = Path(output).expanduser()
        if folder.exists() and not folder.is_dir():
            return f"cannot write {shown}: it is a file, not a folder"
        if folder.is_dir() and any(folder.iterdir()) and not force:
            return (f"{shown} is not empty: synth would overwrite what is there; choose a new "
                    "or empty folder, or give --force")
        if not folder.exists() and (problem := _output_folder_problem(output)):
            return problem
    except OSError as exc:
        return f"cannot write {shown}: {exc.strerror or exc}"
    return None


SYNTH_MAX_EXHIBITS = 20_000  # a world expo; more would only fill the disk


def _exhibit_count(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value[:40]!r}") from None
    if not 1 <= number <= SYNTH_MAX_EXHIBITS:
        raise argparse.ArgumentTypeError(
            f"must be 1 to {SYNTH_MAX_EXHIBITS:,}, got {value[:40]!r}")
    return number


def _hhmm(value: str) -> dt.time:
    try:
        return dt.datetime.strptime(value, "%H:%M").time()
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected HH:MM, got {value!r}") from None


def _speed(value: str) -> float:
    """A walking pace in the range that the planner page and saved tours accept."""
    low, high = routing.MIN_SPEED_KMH, routing.MAX_SPEED_KMH
    try:
        speed = float(value)
    except ValueError:
        speed = math.nan
    if not low <= speed <= high:  # also NaN and inf
        raise argparse.ArgumentTypeError(
            f"a walking pace from {low:g} to {high:g} km/h, got {value[:40]!r}")
    return speed


def _budget(value: str) -> int:
    """Whole minutes within a day (a tour is planned for one day)."""
    try:
        minutes = int(value) if len(value) <= 6 else 0
    except ValueError:
        minutes = 0
    if not 1 <= minutes <= store.BUDGET_MAX_MINUTES:
        raise argparse.ArgumentTypeError(
            f"whole minutes from 1 to {store.BUDGET_MAX_MINUTES} (a day), got {value[:40]!r}")
    return minutes


def _date(value: str) -> dt.date:
    try:
        return store.check_date(dt.date.fromisoformat(value))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{exc}, got {value[:40]!r} (YYYY-MM-DD)") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dashboard", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    validate = sub.add_parser("validate", help="check a data folder and summarise it")
    validate.add_argument("data_dir", nargs="?", help="data folder (default: LERNREISE_DATA_DIR)")
    validate.add_argument("--lang", choices=["de", "en"], default="en")
    validate.set_defaults(func=_validate)

    tour = sub.add_parser("tour", help="plan a walking tour and print or export it")
    tour.add_argument("--stops", help="exhibit ids, comma-separated (duplicates: visited once)")
    tour.add_argument("--tour", metavar="ID",
                      help="plan the saved tour ID as it was saved (instead of --stops and the "
                           "options that shape the tour)")
    tour.add_argument("--start", help="entrance or exhibit id (default: the first entrance)")
    tour.add_argument("--end", help="entrance or exhibit id (default: back to the start)")
    tour.add_argument("--optimize", action="store_true", help="find the shortest order")
    tour.add_argument("--step-free", action="store_true", help="only step-free paths")
    tour.add_argument("--budget", type=_budget, metavar="MINUTES",
                      help="time budget; the least important stops are dropped to fit")
    tour.add_argument("--start-time", type=_hhmm, default=dt.time(10, 0), metavar="HH:MM")
    tour.add_argument("--date", type=_date, metavar="YYYY-MM-DD",
                      help="day of the tour (default: today)")
    tour.add_argument("--speed", type=_speed, default=routing.DEFAULT_SPEED_KMH, metavar="KMH",
                      help=f"walking speed, {routing.MIN_SPEED_KMH:g} to "
                           f"{routing.MAX_SPEED_KMH:g} (default 4; about 3 for groups)")
    tour.add_argument("--format", choices=["json", "gpx", "geojson", "ics", "pdf", "html"],
                      default="json")
    tour.add_argument("-o", "--output", metavar="FILE",
                      help="write to FILE (default, or -o -: standard output)")
    tour.add_argument("--save", action="store_true", help="save the tour, print its link")
    tour.add_argument("--title", help="title of the tour")
    tour.add_argument("--lang", choices=["de", "en"], default="de")
    tour.add_argument("--data-dir", help="data folder (default: LERNREISE_DATA_DIR)")
    tour.set_defaults(func=_tour)

    trip = sub.add_parser("report", help="the trip report of a visiting city, per department")
    trip.add_argument("--city", required=True, metavar="ID", help="visiting city id")
    trip.add_argument("--format", choices=["md", "pdf", "csv", "xlsx"],
                      help="default: from the -o file's suffix, else md")
    trip.add_argument("-o", "--output", metavar="FILE",
                      help="write to FILE (default, or -o -: standard output)")
    trip.add_argument("--lang", choices=["de", "en"], default="de",
                      help="language of the report (default de, the bundled cities')")
    trip.add_argument("--url", help="database URL (default: LERNREISE_DATABASE_URL)")
    trip.add_argument("--data-dir", help="data folder (default: LERNREISE_DATA_DIR)")
    trip.set_defaults(func=_report)

    db = sub.add_parser("db", help="the database of saved tours")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    upgrade = db_sub.add_parser("upgrade", help="create or migrate the schema now")
    upgrade.add_argument("--url", help="database URL (default: LERNREISE_DATABASE_URL)")
    upgrade.set_defaults(func=_db)
    revision = db_sub.add_parser(
        "revision", help="for developers: write a migration for changed models (autogenerate)")
    revision.add_argument("-m", "--message", required=True, help="what the migration does")
    revision.add_argument("--url", help="a scratch database to compare with (default: a "
                                        "temporary SQLite file)")
    revision.set_defaults(func=_db_revision)

    synth = sub.add_parser("synth", help="write a synthetic exhibition of any size (benchmarks)")
    synth.add_argument("--exhibits", type=_exhibit_count, default=64, metavar="N",
                       help="number of exhibits (default 64)")
    synth.add_argument("--seed", type=int, default=1, help="the same seed, the same site")
    synth.add_argument("-o", "--output", required=True, metavar="DIR",
                       help="data folder to write (new or empty)")
    synth.add_argument("--force", action="store_true",
                       help="write into a folder that is not empty (overwrites its files)")
    synth.set_defaults(func=_synth)

    from dashboard.editor import cli as editor_cli  # import, export: the editor's commands

    editor_cli.add_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # The commands print the store's errors themselves (password removed); no second copy.
    logging.getLogger("dashboard.store").setLevel(logging.ERROR)
    try:
        return args.func(args)
    except BrokenPipeError:  # e.g. `... | head`: the reader left, nothing to report
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
