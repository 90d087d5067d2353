"""Run every benchmarks/bench_*.py and write bench/results.json and bench/RESULTS.md.

Each benchmark module is runnable on its own and exposes `run(quick: bool = False) ->
list[dict]`, one dict per figure with the keys benchmark, case, metric, value, unit and
optionally note. Every figure is a median of several runs; figures that compare two things are
measured side by side in the same run. `make bench` runs this; `make bench BENCH_ARGS=--quick`
is a smoke run on small sites.

    .venv/bin/python benchmarks/run_all.py [--quick] [--out bench] [--only catalog routing]
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import math
import os
import platform
import sys
import time
import traceback
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
KEYS = ("benchmark", "case", "metric", "value", "unit")
LIBRARIES = ("streamlit", "folium", "streamlit-folium", "pydantic", "shapely", "geopandas",
             "networkx", "scipy", "ortools", "hygese", "pyvroom", "elkai")


def modules() -> list[str]:
    return sorted(p.stem for p in HERE.glob("bench_*.py"))


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    return None


def machine() -> dict[str, object]:
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {"cpus": os.cpu_count(), "cpu_model": _cpu_model(), "memory_gib": _memory_gib(),
            "platform": platform.platform(), "python": platform.python_version(),
            "load_average": [round(x, 2) for x in os.getloadavg()]
            if hasattr(os, "getloadavg") else None,
            "libraries": versions}


def check_rows(name: str, rows: object) -> list[dict]:
    """The contract: a list of dicts with the keys, a finite number as value."""
    if not isinstance(rows, list):
        raise TypeError(f"{name}.run() returned {type(rows).__name__}, not a list")
    for row in rows:
        missing = [k for k in KEYS if k not in row]
        if missing:
            raise ValueError(f"{name}: row {row!r} lacks {missing}")
        value = row["value"]
        if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(
                value):
            raise ValueError(f"{name}: row {row!r}: value is not a finite number")
    return rows


def _fmt(value: float, unit: str = "") -> str:
    if unit == "%":
        return f"{value:.2f}"
    if value == 0 or 0.01 <= abs(value) < 10_000:
        return f"{value:.3g}" if abs(value) < 100 else f"{value:.0f}"
    return f"{value:.3g}"


def markdown(doc: dict) -> str:
    m = doc["machine"]
    libs = ", ".join(f"{k} {v}" for k, v in m["libraries"].items() if v)
    quick = " — QUICK smoke run, small sites" if doc["quick"] else ""
    lines = [
        "# Benchmark results",
        "",
        f"Run {doc['started']} ({doc['seconds']:.0f} s){quick} with `{doc['command']}`.",
        "",
        f"Machine: {m['cpus']} CPUs ({m['cpu_model']}), {m['memory_gib']} GiB memory, "
        f"{m['platform']}, Python {m['python']}; load average at the start "
        f"{m['load_average']}.",
        f"Libraries: {libs}.",
        "",
        "Every figure is a median of several runs (the note says how many); compared figures "
        "come from the same run.",
    ]
    for bench in doc["benchmarks"]:
        lines += ["", f"## {bench['name']}", ""]
        if bench.get("error"):
            lines += ["FAILED:", "", "```", bench["error"].rstrip(), "```"]
            continue
        lines += ["| case | metric | value | unit | note |", "|---|---|---|---|---|"]
        for row in bench["rows"]:
            note = str(row.get("note", "")).replace("|", "\\|")
            lines.append(f"| {row['case']} | {row['metric']} | {_fmt(row['value'], row['unit'])} | "
                         f"{row['unit']} | {note} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sites, fewer repeats")
    parser.add_argument("--out", type=Path, default=ROOT / "bench",
                        help="folder for results.json and RESULTS.md (default bench/)")
    parser.add_argument("--only", nargs="+", metavar="NAME",
                        help="run only these (catalog, routing, ... or bench_catalog)")
    args = parser.parse_args(argv)
    names = modules()
    if args.only:
        wanted = {n if n.startswith("bench_") else f"bench_{n}" for n in args.only}
        unknown = wanted - set(names)
        if unknown:
            parser.error(f"no such benchmark: {', '.join(sorted(unknown))} "
                         f"(have {', '.join(names)})")
        names = [n for n in names if n in wanted]
    sys.path[:0] = [str(HERE), str(ROOT)]
    started = dt.datetime.now(dt.UTC)
    t0 = time.perf_counter()
    doc: dict = {"started": started.isoformat(timespec="seconds"), "quick": args.quick,
                 "command": " ".join(["benchmarks/run_all.py", *(argv if argv is not None
                                                                  else sys.argv[1:])]),
                 "machine": machine(), "benchmarks": []}
    failed = []
    for name in names:
        print(f"== {name}{' (quick)' if args.quick else ''}", flush=True)
        t1 = time.perf_counter()
        try:
            rows = check_rows(name, importlib.import_module(name).run(quick=args.quick))
        except Exception:  # report and go on with the others
            failed.append(name)
            doc["benchmarks"].append({"name": name, "rows": [],
                                      "error": traceback.format_exc()})
            print(traceback.format_exc(), file=sys.stderr)
            continue
        doc["benchmarks"].append({"name": name, "rows": rows,
                                  "seconds": round(time.perf_counter() - t1, 1)})
        for row in rows:
            print(f"  {row['case']:<28} {row['metric']:<28} {_fmt(row['value'], row['unit']):>10} "
                  f"{row['unit']:<6} {row.get('note', '')}", flush=True)
    doc["seconds"] = time.perf_counter() - t0
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n",
                                           encoding="utf-8")
    (args.out / "RESULTS.md").write_text(markdown(doc), encoding="utf-8")
    print(f"wrote {args.out / 'results.json'} and {args.out / 'RESULTS.md'}")
    if failed:
        print(f"FAILED: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
