"""Command line: `python -m dashboard validate [DATA_DIR]`.

Exit codes: 0 fine, 1 the data has problems, 2 wrong usage.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from dashboard import catalog as cat
from dashboard import settings
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dashboard", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    validate = sub.add_parser("validate", help="check a data folder and summarise it")
    validate.add_argument("data_dir", nargs="?", help="data folder (default: LERNREISE_DATA_DIR)")
    validate.add_argument("--lang", choices=["de", "en"], default="en")
    validate.set_defaults(func=_validate)
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
