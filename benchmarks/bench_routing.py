"""Routing benchmark: how fast and how good is the visiting order of plan_tour?

On a synthetic grid site (benchmarks/synthetic_site.py, 64 exhibits) it times the whole
`plan_tour(..., optimize=True)` for 10, 30 and 60 stops (median of 3 runs) and compares the tour
length with the best tour known: a long `solve_order` run on the same walking-time matrix, the
plan's own tours, and for up to 12 stops the exact optimum (Held-Karp). Exit code 0 when every
size meets its target, 1 otherwise. See benchmarks/README.md.

    make bench                          # full run (about a minute)
    make bench BENCH_ARGS=--quick       # shorter reference runs, to try it out
    .venv/bin/python benchmarks/bench_routing.py --json bench.json --seed 3
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]  # synthetic_site, and dashboard without install



from dashboard import catalog as catalog_mod  # noqa: E402
from dashboard import routing, synth  # noqa: E402
from dashboard.routing import (  # noqa: E402
    OrderProblem,
    TourRequest,
    WalkingNetwork,
    plan_tour,
    shortest_legs,
    solve_order,
    tour_length,
)

SIZES = (10, 30, 60)
# (stops up to, seconds, ratio): 30 stops in under 0.5 s within 1 % of the best known, 60 in
# under 2 s within 3 %. Fewer stops are held to the 30-stop target.
TARGETS = ((30, 0.5, 1.01), (10**9, 2.0, 1.03))
LONG_SECONDS = 20.0  # reference run for 60 stops; other sizes get n/60 of it (at least 9/60)
QUICK_LONG_SECONDS = 4.0
EXACT_UP_TO = 12  # stops; Held-Karp gives the true optimum up to here
TOUR_DATE = dt.date(2025, 6, 2)
START = dt.time(8, 0)
# --windows: every stop may begin 08:00-23:59. Even 60 stops fit (about 12 h), so the windows
# never bind and the best tour is the same as without them; only the model is bigger.
WINDOW_HOURS = ("08:00", "23:59")


@dataclass
class Row:
    stops: int
    median_s: float
    times_s: list[float]
    gls_limit_s: float | None  # the guided-local-search limit plan_tour used
    length_m: float  # the longest of the repeated plans (the ratio is judged on it)
    lengths_m: list[float]
    reference_m: float  # the long solve_order run
    reference_s: float
    exact_m: float | None
    best_m: float
    ratio: float
    target_s: float
    target_ratio: float
    passed: bool


def target_for(stops: int) -> tuple[float, float]:
    return next((secs, ratio) for upto, secs, ratio in TARGETS if stops <= upto)


def held_karp(dist: list[list[float]]) -> float:
    """Length of the shortest round trip from node 0 through all nodes (exact)."""
    n = len(dist)
    if n <= 2:
        return sum(dist[0][k] + dist[k][0] for k in range(1, n))
    m = n - 1  # nodes 1..n-1 as bits 0..m-1
    inf = float("inf")
    best = [[inf] * m for _ in range(1 << m)]
    for j in range(m):
        best[1 << j][j] = dist[0][j + 1]
    for mask in range(1, 1 << m):
        row = best[mask]
        for j in range(m):
            here = row[j]
            if here == inf or not mask >> j & 1:
                continue
            for k in range(m):
                if not mask >> k & 1:
                    nxt = mask | 1 << k
                    cand = here + dist[j + 1][k + 1]
                    if cand < best[nxt][k]:
                        best[nxt][k] = cand
    full = (1 << m) - 1
    return min(best[full][j] + dist[j + 1][0] for j in range(m))


def bench_size(cat, network: WalkingNetwork, entrance: str, stops: int, seed: int,
               repeats: int, long_seconds: float) -> Row:
    rng = random.Random(seed * 1000 + stops)
    chosen = tuple(rng.sample(sorted(cat.exhibits), stops))
    request = TourRequest(stops=chosen, start=entrance, optimize=True, date=TOUR_DATE,
                          start_time=START)
    times, lengths = [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        plan = plan_tour(cat, request, network)
        times.append(time.perf_counter() - t0)
        if plan.dropped or plan.unreachable or plan.missing or len(plan.stops) != stops:
            raise SystemExit(f"{stops} stops: the plan left stops out ({plan.dropped=}, "
                             f"{plan.unreachable=}, {plan.missing=}); the benchmark site is "
                             "meant to need none")
        lengths.append(plan.distance_m)

    # The problem plan_tour hands to the solver: a round trip from the entrance, walking
    # seconds at the request's speed, visit times. Without --windows it is exactly that; with
    # it, plan_tour adds windows that never bind, so the best tour is the same.
    ids = [entrance, *chosen]
    legs = shortest_legs(network, ids, request.step_free)
    speed_m_s = request.speed_kmh * 1000 / 3600
    walk_s = [[round(d / speed_m_s) for d in row] for row in legs.distance]
    service_s = [network.places[pid].visit_minutes * 60 for pid in ids]
    problem = OrderProblem(walk_s, service_s, 0, 0)
    t0 = time.perf_counter()
    order, dropped = solve_order(problem, long_seconds)
    reference_s = time.perf_counter() - t0
    assert not dropped and sorted(order[:-1]) == list(range(len(ids)))
    reference_m = tour_length(legs.distance, order)
    exact_m = held_karp(legs.distance) if stops <= EXACT_UP_TO else None

    best_m = min(reference_m, *lengths, *([exact_m] if exact_m is not None else []))
    worst_m = max(lengths)
    ratio = worst_m / best_m
    target_s, target_ratio = target_for(stops)
    median_s = statistics.median(times)
    limit = getattr(routing, "_time_limit", None)
    return Row(stops, median_s, times, limit(len(ids)) if limit else None, worst_m, lengths,
               reference_m, reference_s, exact_m, best_m, ratio, target_s, target_ratio,
               median_s < target_s and ratio <= target_ratio + 1e-9)


def machine() -> dict[str, object]:
    return {"cpus": os.cpu_count(), "platform": platform.platform(),
            "processor": platform.processor() or platform.machine(),
            "python": platform.python_version()}


def print_table(rows: list[Row]) -> None:
    head = (f"{'stops':>5}  {'median s':>8}  {'GLS s':>5}  {'length m':>9}  {'best m':>9}  "
            f"{'ratio %':>7}  {'target':<16}  result")
    print(head)
    print("-" * len(head))
    for r in rows:
        gls = f"{r.gls_limit_s:.1f}" if r.gls_limit_s is not None else "?"
        target = f"<{r.target_s:g} s, <={100 * (r.target_ratio - 1):g} %"
        print(f"{r.stops:>5}  {r.median_s:>8.3f}  {gls:>5}  {r.length_m:>9.1f}  "
              f"{r.best_m:>9.1f}  {100 * r.ratio:>7.2f}  {target:<16}  "
              f"{'PASS' if r.passed else 'FAIL'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Time plan_tour on a synthetic site and compare its tours with the best "
                    "known.")
    parser.add_argument("--seed", type=int, default=1, help="site and stop choice (default 1)")
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES),
                        help="numbers of stops (default 10 30 60; at most the 64 exhibits)")
    parser.add_argument("--repeats", type=int, default=3, help="plan_tour runs per size")
    parser.add_argument("--long-seconds", type=float, default=None,
                        help=f"reference solve_order run for 60 stops (default {LONG_SECONDS:g};"
                             " n stops get n/60 of it, at least 9/60)")
    parser.add_argument("--quick", action="store_true",
                        help=f"short reference runs (--long-seconds {QUICK_LONG_SECONDS:g})")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures here")
    parser.add_argument("--windows", action="store_true",
                        help="give the exhibition opening hours (08:00-23:59) so that plan_tour "
                             "solves the model with time windows and optional stops, as it does "
                             "for any exhibition with opening hours; they never bind")
    parser.add_argument("--keep-site", type=Path, metavar="DIR",
                        help="write the synthetic data folder here and keep it")
    args = parser.parse_args(argv)
    long_60 = args.long_seconds or (QUICK_LONG_SECONDS if args.quick else LONG_SECONDS)

    info = machine()
    print(f"machine: {info['cpus']} CPUs, {info['platform']}, {info['processor']}, "
          f"Python {info['python']}")
    with tempfile.TemporaryDirectory(prefix="lernreise-bench-") as tmp:
        site_dir = synth.generate(args.keep_site or Path(tmp) / "site", seed=args.seed,
                                           opening_hours=WINDOW_HOURS if args.windows else None)
        t0 = time.perf_counter()
        cat = catalog_mod.load(site_dir)
        load_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        network = WalkingNetwork.build(cat)
        build_s = time.perf_counter() - t0
        entrance = next(iter(cat.entrances))
        too_many = [n for n in args.sizes if not 1 <= n <= len(cat.exhibits)]
        if too_many:
            parser.error(f"sizes must be 1..{len(cat.exhibits)}: {too_many}")
        mode = (f"time windows {'-'.join(WINDOW_HOURS)} (non-binding)" if args.windows
                else "no time windows")
        print(f"site: seed {args.seed}, {mode}, {len(cat.exhibits)} exhibits, "
              f"{network.graph.number_of_nodes()} graph nodes, "
              f"{network.graph.number_of_edges()} edges; catalogue load {load_s:.3f} s, "
              f"WalkingNetwork.build {build_s:.3f} s (once, not in the times below)")
        print(f"reference: solve_order for {long_60:g} s x n/60 per size; best known = min of "
              f"that, the plans, and the exact optimum up to {EXACT_UP_TO} stops\n")
        rows = []
        for n in args.sizes:
            long_s = long_60 * max(n, 9) / 60
            rows.append(bench_size(cat, network, entrance, n, args.seed, args.repeats, long_s))
            r = rows[-1]
            exact = f", exact {r.exact_m:.1f} m" if r.exact_m is not None else ""
            print(f"  {n} stops: plan_tour {', '.join(f'{t:.3f}' for t in r.times_s)} s; "
                  f"lengths {', '.join(f'{x:.1f}' for x in r.lengths_m)} m; "
                  f"reference {r.reference_m:.1f} m in {r.reference_s:.1f} s{exact}")
    print()
    print_table(rows)
    ok = all(r.passed for r in rows)
    print(f"\n{'all targets met' if ok else 'TARGETS MISSED'} "
          "(time: median plan_tour wall time; ratio: the longest of the repeated plans / best "
          "known)")
    if args.json:
        doc = {"machine": info, "seed": args.seed, "windows": args.windows,
               "repeats": args.repeats,
               "long_seconds_60": long_60, "catalog_load_s": load_s,
               "network_build_s": build_s, "all_passed": ok,
               "rows": [asdict(r) for r in rows]}
        args.json.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
        print(f"figures written to {args.json}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
