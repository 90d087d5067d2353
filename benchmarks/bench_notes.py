"""Notes store benchmark: N threads each writing M notes into one database, then reading them.

Prints the writes per second and the time to list all notes. SQLite in a temporary folder by
default; `--url` for PostgreSQL (e.g. the server of .ci/start-postgres; use a scratch database:
the notes stay). Not wired into `make bench` (that runs the routing benchmark).

    .venv/bin/python benchmarks/bench_notes.py                 # 8 threads x 200 notes, SQLite
    .venv/bin/python benchmarks/bench_notes.py --threads 16 --notes 100 --url postgresql+psycopg://…
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent)]

from dashboard import catalog as cat  # noqa: E402 - after the path
from dashboard.review.roles import Actor  # noqa: E402
from dashboard.store import Database, NoteStore  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--notes", type=int, default=200, help="notes per thread")
    parser.add_argument("--url", help="database URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    catalog = cat.load(HERE.parent / "data")
    with tempfile.TemporaryDirectory() as scratch:
        database = Database(args.url or f"sqlite:///{scratch}/bench.sqlite3")
        notes = NoteStore(database, catalog)
        database.upgrade()
        errors: list[BaseException] = []

        def write(worker: int) -> None:
            actor = Actor.navigator("konstanz", f"bench {worker}")
            try:
                for i in range(args.notes):
                    notes.add_note(actor, exhibit_id="skaio", city_id="konstanz",
                                   department="it", text=f"{worker}-{i}", relevance=3,
                                   transferability="adapt")
            except BaseException as exc:
                errors.append(exc)

        workers = [threading.Thread(target=write, args=(w,)) for w in range(args.threads)]
        start = time.perf_counter()
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        elapsed = time.perf_counter() - start
        total = args.threads * args.notes
        start = time.perf_counter()
        listed = len(notes.list_notes(Actor.admin()))
        list_s = time.perf_counter() - start
        database.dispose()
    print(f"{database.safe_url.split(':')[0]}: {total} notes by {args.threads} threads in "
          f"{elapsed:.2f} s ({total / elapsed:.0f} writes/s); listed {listed} in {list_s:.2f} s;"
          f" errors: {len(errors)}")
    return 0 if not errors and listed >= total else 1


if __name__ == "__main__":
    sys.exit(main())
