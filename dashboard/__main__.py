"""Command line: `python -m dashboard validate [DATA_DIR]`, `python -m dashboard tour ...`.

Exit codes: 0 fine, 1 the data has problems, 2 wrong usage or a tour that cannot be planned.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from dashboard import catalog as cat
from dashboard import routing, settings
from dashboard.errors import DataError


def _validate(args: argparse.Namespace) -> int:
    data_dir = Path(args.data_dir) if args.data_dir else settings.data_dir()
    try:
        catalog = cat.load(data_dir)
    except DataError as exc:
        print(f"{data_dir}: {len(exc.problems)} problem(s):", file=sys.stderr)
        for problem in exc.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    lang = args.lang
    site = catalog.site
    print(f"{data_dir}: OK — {catalog.text(catalog.exhibition.name, lang)}")
    print(f"  {len(catalog.exhibits)} exhibits in {len(catalog.categories)} categories, "
          f"{len(catalog.zones)} zones, {len(catalog.entrances)} entrances")
    width = max(len(catalog.text(c.name, lang)) for c in catalog.categories.values())
    for cid, count in catalog.counts_by_category().items():
        name = catalog.text(catalog.categories[cid].name, lang)
        print(f"    {name:<{width}}  {count:>3}")
    print(f"  {len(catalog.cities)} visiting cities, {len(catalog.departments)} departments")
    print(f"  geo: {len(site.layer('paths'))} paths, {len(site.layer('buildings'))} buildings, "
          f"{len(site.layer('water'))} water bodies")
    return 0


def _load_or_exit(data_dir: Path) -> cat.Catalog:
    try:
        return cat.load(data_dir)
    except DataError as exc:
        print(f"{data_dir}: {len(exc.problems)} problem(s); run `python -m dashboard validate`",
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


def _tour(args: argparse.Namespace) -> int:
    data_dir = Path(args.data_dir) if args.data_dir else settings.data_dir()
    catalog = _load_or_exit(data_dir)
    request = routing.TourRequest(
        stops=tuple(s.strip() for s in args.stops.split(",") if s.strip()),
        start=args.start, end=args.end, optimize=args.optimize, step_free=args.step_free,
        budget_minutes=args.budget, start_time=args.start_time, date=args.date,
        speed_kmh=args.speed, title=args.title or "",
    )
    if not request.stops:
        print("error: --stops needs at least one exhibit id", file=sys.stderr)
        return 2
    try:
        plan = routing.plan_tour(catalog, request, strict=True)
    except routing.TourError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    share_url = None
    if args.save:
        from dashboard import store

        tours = store.open_store()
        tour_id = tours.save_tour(request.to_dict(), request.title or "Tour",
                                  catalog.exhibition.id)
        share_url = f"{settings.get('LERNREISE_BASE_URL').rstrip('/')}/planner?tour={tour_id}"
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
    }[args.format]()
    if args.output:
        Path(args.output).write_bytes(output if isinstance(output, bytes) else output.encode())
    elif isinstance(output, bytes):
        sys.stdout.buffer.write(output)
    else:
        print(output)
    for notice in plan.notices:
        print(f"note: {notice.code} {notice.place_id or ''} {notice.detail or ''}".rstrip(),
              file=sys.stderr)
    return 0


def _synth(args: argparse.Namespace) -> int:
    from dashboard import synth

    try:
        out = synth.generate(args.output, seed=args.seed, exhibits=args.exhibits)
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {out}: {args.exhibits} exhibits, seed {args.seed}")
    return 0


def _hhmm(value: str) -> dt.time:
    try:
        return dt.datetime.strptime(value, "%H:%M").time()
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected HH:MM, got {value!r}") from None


def _positive(kind: type) -> object:
    def parse(value: str):
        try:
            number = kind(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {value!r}") from None
        if number <= 0:
            raise argparse.ArgumentTypeError(f"must be more than 0, got {value!r}")
        return number

    return parse


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dashboard", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    validate = sub.add_parser("validate", help="check a data folder and summarise it")
    validate.add_argument("data_dir", nargs="?", help="data folder (default: LERNREISE_DATA_DIR)")
    validate.add_argument("--lang", choices=["de", "en"], default="en")
    validate.set_defaults(func=_validate)

    tour = sub.add_parser("tour", help="plan a walking tour and print or export it")
    tour.add_argument("--stops", required=True, help="exhibit ids, comma-separated")
    tour.add_argument("--start", help="entrance or exhibit id (default: the first entrance)")
    tour.add_argument("--end", help="entrance or exhibit id (default: back to the start)")
    tour.add_argument("--optimize", action="store_true", help="find the shortest order")
    tour.add_argument("--step-free", action="store_true", help="only step-free paths")
    tour.add_argument("--budget", type=_positive(int), metavar="MINUTES",
                      help="time budget; the least important stops are dropped to fit")
    tour.add_argument("--start-time", type=_hhmm, default=dt.time(10, 0), metavar="HH:MM")
    tour.add_argument("--date", type=dt.date.fromisoformat, metavar="YYYY-MM-DD",
                      help="day of the tour (default: today)")
    tour.add_argument("--speed", type=_positive(float), default=routing.DEFAULT_SPEED_KMH,
                      metavar="KMH", help="walking speed (default 4; about 3 for groups)")
    tour.add_argument("--format", choices=["json", "gpx", "geojson", "ics", "pdf"],
                      default="json")
    tour.add_argument("-o", "--output", metavar="FILE", help="write to FILE, not stdout")
    tour.add_argument("--save", action="store_true", help="save the tour, print its link")
    tour.add_argument("--title", help="title of the tour")
    tour.add_argument("--lang", choices=["de", "en"], default="de")
    tour.add_argument("--data-dir", help="data folder (default: LERNREISE_DATA_DIR)")
    tour.set_defaults(func=_tour)

    synth = sub.add_parser("synth", help="write a synthetic exhibition of any size (benchmarks)")
    synth.add_argument("--exhibits", type=_positive(int), default=64, metavar="N",
                       help="number of exhibits (default 64)")
    synth.add_argument("--seed", type=int, default=1, help="the same seed, the same site")
    synth.add_argument("-o", "--output", required=True, metavar="DIR", help="data folder to write")
    synth.set_defaults(func=_synth)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except BrokenPipeError:  # e.g. `... | head`: the reader left, nothing to report
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
