"""Catalogue load and validation (`dashboard.catalog.load`) at 25, 500 and 2,000 exhibits.

Each size is a synthetic site (`python -m dashboard synth`, seed 1); the time is the median
wall time of several loads (each reads, parses and validates the whole folder), the memory the
peak of Python allocations during one more load (tracemalloc: numpy buffers included, GEOS's own
C allocations not). The bundled BUGA data is measured the same way. Part of `make bench`; on its
own: `.venv/bin/python benchmarks/bench_catalog.py [--quick]`.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from dashboard import catalog, synth  # noqa: E402

NAME = "catalog"
SIZES = (25, 500, 2000)
QUICK_SIZES = (25, 100)
TARGET_2000_S, TARGET_2000_MB = 1.0, 150  # issue 11


def measure(data_dir: Path, repeats: int) -> tuple[float, float, int]:
    """(median seconds, peak MiB, exhibits) of catalog.load(data_dir)."""
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        loaded = catalog.load(data_dir)
        times.append(time.perf_counter() - t0)
    tracemalloc.start()
    try:
        catalog.load(data_dir)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return statistics.median(times), peak / 2**20, len(loaded.exhibits)


def run(quick: bool = False) -> list[dict]:
    rows: list[dict] = []
    sizes = QUICK_SIZES if quick else SIZES
    with tempfile.TemporaryDirectory(prefix="lernreise-bench-catalog-") as tmp:
        cases = [("bundled data", ROOT / "data")]
        cases += [(f"{n} exhibits", synth.generate(Path(tmp) / str(n), seed=1, exhibits=n))
                  for n in sizes]
        for case, folder in cases:
            repeats = 2 if quick else (3 if "2000" in case else 5)
            seconds, peak_mib, count = measure(folder, repeats)
            note = f"median of {repeats}; {count} exhibits"
            target = ""
            if case == "2000 exhibits":
                target = (f"; target < {TARGET_2000_S:g} s: "
                          f"{'met' if seconds < TARGET_2000_S else 'missed'}")
            rows.append({"benchmark": NAME, "case": case, "metric": "load + validate",
                         "value": round(seconds, 4), "unit": "s", "note": note + target})
            mem_target = ""
            if case == "2000 exhibits":
                mem_target = (f"; target < {TARGET_2000_MB} MB: "
                              f"{'met' if peak_mib * 1.048576 < TARGET_2000_MB else 'missed'}")
            rows.append({"benchmark": NAME, "case": case, "metric": "peak Python memory",
                         "value": round(peak_mib, 1), "unit": "MiB",
                         "note": "tracemalloc, one load" + mem_target})
    return rows


if __name__ == "__main__":
    quick = "--quick" in sys.argv[1:]
    for row in run(quick):
        print(f"{row['case']:<16} {row['metric']:<20} {row['value']:>10} {row['unit']:<4} "
              f"{row['note']}")
