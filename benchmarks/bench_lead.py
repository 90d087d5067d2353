"""Follow-the-guide store benchmark: T tablets polling one led tour at once (the read each one
makes every 2 s, plus a heartbeat) while the guide moves; and the cost of one guide's move
(the device key checked, one SHA-256; the scrypt of the lead code is only for taking over).

Part of `make bench` (run(quick) is the runner's contract). SQLite in a temporary folder always;
PostgreSQL too when LERNREISE_BENCH_POSTGRES_URL names a scratch database (the rows stay).

    .venv/bin/python benchmarks/bench_lead.py                  # 30 tablets x 40 polls, SQLite
    .venv/bin/python benchmarks/bench_lead.py --tablets 60 --polls 20 --url postgresql+psycopg://…
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

from dashboard.store import Database, LeadStore, TourStore  # noqa: E402 - after the path

POSTGRES_ENV = "LERNREISE_BENCH_POSTGRES_URL"
STOPS = 10
PACE_S = 0.2  # a real tablet polls every 2 s (follow_guide.POLL_S) and beats every 5 s


def measure(url: str, tablets: int, polls: int) -> dict[str, float]:
    """Every tablet polls `polls` times, one poll every PACE_S (ten times as often as a real
    tablet; a heartbeat every other poll) while the guide moves back and forth every 0.2 s;
    then 20 moves alone."""
    database = Database(url)
    tours, leads = TourStore(database), LeadStore(database)
    tour_id = tours.save_tour({"stops": [f"s{i}" for i in range(STOPS)]}, "Bench")
    lead, _code, key = leads.start(tour_id, stop_count=STOPS)
    latencies: list[float] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    done = threading.Event()

    def tablet() -> None:
        token, mine = leads.join(lead.id), []
        try:
            for i in range(polls):
                start = time.perf_counter()
                leads.active_for_tour(tour_id)
                if i % 2 == 0:
                    leads.heartbeat(lead.id, token)
                took = time.perf_counter() - start
                mine.append(took)
                time.sleep(max(0.0, PACE_S - took))
        except BaseException as exc:  # counted, and the run fails below
            errors.append(exc)
        with lock:
            latencies.extend(mine)

    def guide() -> None:
        step = 1
        while not done.is_set():
            moved = leads.advance(lead.id, key, step, STOPS)
            step = -1 if moved.stop == STOPS - 1 else 1 if moved.stop == 0 else step
            time.sleep(0.2)

    workers = [threading.Thread(target=tablet) for _ in range(tablets)]
    mover = threading.Thread(target=guide)
    mover.start()
    start = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    wall = time.perf_counter() - start
    done.set()
    mover.join()
    counted = leads.follower_count(lead.id)
    moves = []
    for _ in range(20):
        start = time.perf_counter()
        leads.advance(lead.id, key, 1, STOPS)
        moves.append(time.perf_counter() - start)
    leads.end(lead.id, key)
    database.dispose()
    if errors or counted != tablets:
        raise RuntimeError(f"{len(errors)} errors, {counted} of {tablets} tablets counted")
    latencies.sort()
    return {"polls_per_s": len(latencies) / wall,
            "median_ms": 1000 * latencies[len(latencies) // 2],
            "p95_ms": 1000 * latencies[int(len(latencies) * 0.95)],
            "move_ms": 1000 * statistics.median(moves)}


def rows_for(backend: str, url: str, tablets: int, polls: int) -> list[dict]:
    r = measure(url, tablets, polls)
    case = f"{backend}, {tablets} tablets"
    note = f"{tablets} tablets polling every {PACE_S} s, {polls} polls each, guide moving"
    return [
        {"benchmark": "lead", "case": case, "metric": "polls", "value": round(r["polls_per_s"]),
         "unit": "per s", "note": note},
        {"benchmark": "lead", "case": case, "metric": "poll, median", "value": r["median_ms"],
         "unit": "ms", "note": "active_for_tour (+ heartbeat every other poll)"},
        {"benchmark": "lead", "case": case, "metric": "poll, 95th percentile",
         "value": r["p95_ms"], "unit": "ms", "note": note},
        {"benchmark": "lead", "case": case, "metric": "guide's move, median",
         "value": r["move_ms"], "unit": "ms", "note": "advance incl. scrypt check; median of 20"},
    ]


def run(quick: bool = False) -> list[dict]:
    tablets, polls = (4, 10) if quick else (30, 40)
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        rows += rows_for("SQLite", f"sqlite:///{Path(scratch) / 'lead.sqlite3'}", tablets, polls)
    if os.environ.get(POSTGRES_ENV):
        rows += rows_for("PostgreSQL", os.environ[POSTGRES_ENV], tablets, polls)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tablets", type=int, default=30)
    parser.add_argument("--polls", type=int, default=40)
    parser.add_argument("--url", help="a database URL (default: SQLite in a temporary folder)")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.quick:
        rows = run(quick=True)
    elif args.url:
        rows = rows_for("given URL", args.url, args.tablets, args.polls)
    else:
        with tempfile.TemporaryDirectory() as scratch:
            rows = rows_for("SQLite", f"sqlite:///{Path(scratch) / 'lead.sqlite3'}",
                            args.tablets, args.polls)
    for row in rows:
        print(f"{row['case']:<28} {row['metric']:<24} {row['value']:>10.1f} {row['unit']}")


if __name__ == "__main__":
    main()
