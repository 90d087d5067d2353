"""Notes store benchmark: N threads each writing M notes into one database, then reading them
back and generating the trip report from them.

Part of `make bench` (run(quick) is the runner's contract). SQLite in a temporary folder always;
PostgreSQL too when LERNREISE_BENCH_POSTGRES_URL names a scratch database (the notes stay).

    .venv/bin/python benchmarks/bench_notes.py                 # 8 threads x 200 notes, SQLite
    .venv/bin/python benchmarks/bench_notes.py --threads 16 --notes 100 --url postgresql+psycopg://…
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent)]

from dashboard import catalog as cat  # noqa: E402 - after the path
from dashboard import report  # noqa: E402
from dashboard.roles import Actor  # noqa: E402
from dashboard.store import Database, NoteStore, WorkshopStore  # noqa: E402

POSTGRES_ENV = "LERNREISE_BENCH_POSTGRES_URL"


def measure(catalog: cat.Catalog, url: str, threads: int, per_thread: int) -> dict[str, float]:
    """Write threads x per_thread notes at once, list them, build and render the report."""
    database = Database(url)
    notes, workshop = NoteStore(database, catalog), WorkshopStore(database, catalog)
    database.upgrade()
    errors: list[BaseException] = []
    exhibits = list(catalog.exhibits)

    def write(worker: int) -> None:
        actor = Actor.navigator("konstanz", f"bench {worker}")
        try:
            for i in range(per_thread):
                notes.add_note(actor, exhibit_id=exhibits[(worker + i) % len(exhibits)],
                               city_id="konstanz", department="it", text=f"{worker}-{i}",
                               relevance=1 + i % 5, transferability="adapt")
        except BaseException as exc:  # counted, and the run fails below
            errors.append(exc)

    workers = [threading.Thread(target=write, args=(w,)) for w in range(threads)]
    start = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    write_s = time.perf_counter() - start
    start = time.perf_counter()
    listed = len(notes.list_notes(Actor.admin()))
    list_s = time.perf_counter() - start
    report_s = []
    for _ in range(3):
        start = time.perf_counter()
        trip = report.build_report(catalog, "konstanz", notes, workshop, "de",
                                   reader=Actor.admin())
        report.render(trip, "pdf")
        report_s.append(time.perf_counter() - start)
    database.dispose()
    total = threads * per_thread
    if errors or listed < total:
        raise RuntimeError(f"{len(errors)} errors, {listed} of {total} notes listed")
    return {"notes": total, "write_s": write_s, "per_s": total / write_s, "list_s": list_s,
            "report_s": statistics.median(report_s)}


def run(quick: bool = False) -> list[dict]:
    catalog = cat.load(HERE.parent / "data")
    threads, per_thread = (2, 20) if quick else (8, 200)
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        targets = [("SQLite", f"sqlite:///{scratch}/bench.sqlite3")]
        if url := os.environ.get(POSTGRES_ENV):
            targets.append(("PostgreSQL", url))
        for name, url in targets:
            m = measure(catalog, url, threads, per_thread)
            case = f"{name}, {threads} threads x {per_thread} notes"
            rows += [
                {"benchmark": "notes", "case": case, "metric": "notes written per second",
                 "value": round(m["per_s"], 1), "unit": "1/s",
                 "note": f"{m['notes']} notes in {m['write_s']:.2f} s, all present afterwards"},
                {"benchmark": "notes", "case": case, "metric": "list every note",
                 "value": m["list_s"], "unit": "s", "note": "one run"},
                {"benchmark": "notes", "case": case, "metric": "trip report (PDF)",
                 "value": m["report_s"], "unit": "s", "note": "median of 3; build + render"},
            ]
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--notes", type=int, default=200, help="notes per thread")
    parser.add_argument("--url", help="database URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    catalog = cat.load(HERE.parent / "data")
    with tempfile.TemporaryDirectory() as scratch:
        url = args.url or f"sqlite:///{scratch}/bench.sqlite3"
        m = measure(catalog, url, args.threads, args.notes)
    print(f"{m['notes']} notes by {args.threads} threads in {m['write_s']:.2f} s "
          f"({m['per_s']:.0f} writes/s); listed in {m['list_s']:.2f} s; "
          f"report (PDF) in {m['report_s']:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
