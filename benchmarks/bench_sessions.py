"""Many visitors: concurrent browser sessions on one `streamlit run` server follow a saved tour
in visitor mode; how long a tap on Next takes to show the next stop, and the memory per session.

The scene: a guide says "next" and every tablet of the group taps Next at the same moment. N
headless Chromium contexts (one browser, Playwright, Debian's chromium) open the tour's share
link on one server; then, round after round, all N tap Next at once (within a few ms). Each tap
is timed inside its page, from the click to the moment the stop heading shows the next stop
(a MutationObserver), so the figure is what the visitor sees: WebSocket, script rerun, the
deltas and React's render. Between rounds the group walks (a pause).

Two clients. `browser`: as above; on a 2-core machine the N Chromium renderers share the cores
with the server, so at N = 20 the figure is mostly the browsers (real tablets draw on their
own CPUs). `protocol`: N `st_protocol.Session`s speak Streamlit's websocket protocol (the
messages the frontend sends and reads, no drawing), each tap timed from sending it to the end
of its script run, which must show the next stop: the server's share of a tap. Memory: the server
process's RSS (psutil) after one warm-up session has loaded the caches, and again with all N
sessions open after the last round; the difference divided by N.

Part of `make bench` (run(quick) is the runner's contract); needs /usr/bin/chromium and the
`bench` extra (psutil, websockets). --profile FILE records the server with py-spy (only the
thread holding the GIL: the Python work) during the whole run.

    .venv/bin/python benchmarks/bench_sessions.py [--client browser|protocol] [--quick]
        [--sessions 20] [--stops 10] [--pause 2] [--profile prof.txt] [--replicas 2]

--replicas N runs N app processes behind nginx (the deployment template) on one PostgreSQL
(LERNREISE_BENCH_POSTGRES_URL, a fresh schema dropped afterwards); CPU and RSS are summed over
the replicas, and each replica is warmed up through its own address first.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

# The tests' server and browser settings (tests/support), after the path.
from support.browser import CHROMIUM, CHROMIUM_ARGS, LOCAL  # noqa: E402
from support.servers import App  # noqa: E402

from dashboard import catalog as cat  # noqa: E402
from dashboard import links, routing, store  # noqa: E402

TIMEOUT_MS = int(os.environ.get("BENCH_TAP_TIMEOUT_MS", 120_000))
POSTGRES_ENV = "LERNREISE_BENCH_POSTGRES_URL"  # --replicas: the shared database

# Click Next, resolve with the milliseconds until a heading reads `expected` (page clock), or
# with -1 when it did not within `timeout` (counted as a lost tap).
TAP_JS = """
([expected, timeout]) => new Promise((resolve) => {
  const headings = () => [...document.querySelectorAll('h1, h2, h3, h4')]
    .map(h => h.textContent.trim());
  const button = document.querySelector('.st-key-visitor-next [data-stale=false] button');
  const t0 = performance.now();
  const observer = new MutationObserver(() => {
    if (headings().includes(expected)) {
      observer.disconnect(); resolve({ms: performance.now() - t0});
    }
  });
  observer.observe(document.body, {subtree: true, childList: true, characterData: true});
  const before = {disabled: button.disabled,
                  state: document.querySelector('[data-testid=stApp]')?.dataset.testScriptState};
  button.click();
  setTimeout(() => {
    observer.disconnect();
    resolve({ms: -1, before, headings: headings(),
             state: document.querySelector('[data-testid=stApp]')?.dataset.testScriptState,
             connection: document.querySelector('[data-testid=stStatusWidget]')?.textContent});
  }, timeout);
})
"""

class Processes:
    """The server processes (one, or every replica) as one: summed RSS and CPU times."""

    def __init__(self, pids: list[int]):
        import psutil

        self.procs = [psutil.Process(pid) for pid in pids]

    def rss(self) -> int:
        return sum(p.memory_info().rss for p in self.procs)

    def cpu_s(self) -> float:
        return sum(t.user + t.system for t in (p.cpu_times() for p in self.procs))


def _progress(message: str) -> None:
    """A line on stderr, so a long run shows where it is (the figures go to stdout)."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class Server(App):
    """`streamlit run` of the bundled data on a free loopback port with the database at
    `database_url`: the tests' server helper (tests/support/servers.py), log in `tmp`."""

    def __init__(self, tmp: Path, database_url: str):
        super().__init__(ROOT / "data", tmp, database_url=database_url)


def _tour(catalog: cat.Catalog, stops: int) -> list[str]:
    """The first `stops` exhibits in the catalogue's order (a fixed, reproducible tour)."""
    ids = list(catalog.exhibits)[:stops]
    if len(ids) < stops:
        raise ValueError(f"the data has only {len(ids)} exhibits, not {stops}")
    return ids


async def _open(browser, url: str, first: str):
    context = await browser.new_context(viewport={"width": 1180, "height": 820},
                                        locale="de-DE", has_touch=True)
    await context.route("**/*", lambda route: route.continue_()
                        if route.request.url.startswith(LOCAL) else route.abort())
    page = await context.new_page()
    await page.goto(url, timeout=TIMEOUT_MS)
    await page.get_by_role("heading", name=first, exact=True).wait_for(timeout=TIMEOUT_MS)
    await page.locator(".st-key-visitor-next button:visible").wait_for(timeout=TIMEOUT_MS)
    return context, page


async def _wait_idle(page, tappable: bool = False) -> None:
    """Until the script run behind the last tap has finished (and Next can be tapped)."""
    await page.wait_for_function(
        "tappable => document.querySelector('[data-testid=stApp]')?.dataset.testScriptState"
        " === 'notRunning' && (!tappable"
        " || !document.querySelector('.st-key-visitor-next [data-stale=false] button')"
        "?.disabled)",
        arg=tappable, timeout=TIMEOUT_MS)


async def _measure(url: str, server_pids: list[int], headings: list[str], sessions: int,
                   pause_s: float, warm_urls: list[str]) -> dict:
    from playwright.async_api import async_playwright

    proc = Processes(server_pids)
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            # Warm-up: catalogue, walking network and the page's caches are loaded once (in
            # every replica, each through its own address).
            for warm_url in warm_urls:
                context, page = await _open(browser, warm_url, headings[0])
                await page.evaluate(TAP_JS, [headings[1], TIMEOUT_MS])
                await _wait_idle(page)
                await context.close()
            await asyncio.sleep(3)
            rss_before = proc.rss()
            _progress("warm-up done; opening sessions")
            opened = []
            for n in range(sessions):
                opened.append(await _open(browser, url, headings[0]))
                _progress(f"session {n + 1}/{sessions} open")
            pages = [p for _, p in opened]
            for p in pages:
                await _wait_idle(p)
            rss_open = proc.rss()
            taps: list[float] = []
            rounds: list[float] = []
            cpu = proc.cpu_s()
            for n, expected in enumerate(headings[1:], start=1):
                await asyncio.gather(*(_wait_idle(p, tappable=True) for p in pages))
                await asyncio.sleep(pause_s)
                start = time.perf_counter()
                results = await asyncio.gather(*(p.evaluate(TAP_JS, [expected, TIMEOUT_MS])
                                                 for p in pages))
                for k, r in enumerate(results):
                    if r["ms"] < 0:
                        _progress(f"session {k + 1}: no {expected!r} within the timeout: {r}")
                taps += [r["ms"] for r in results]
                rounds.append(time.perf_counter() - start)
                await asyncio.gather(*(_wait_idle(p) for p in pages))
                _progress(f"round {n}/{len(headings) - 1}: {rounds[-1]:.2f} s")
            cpu_after = proc.cpu_s()
            rss_after = proc.rss()
            for context, _ in opened:
                await context.close()
        finally:
            await browser.close()
    return _figures(taps, rounds, cpu, cpu_after, rss_before, rss_open, rss_after, sessions)


async def _measure_protocol(url: str, server_pids: list[int], headings: list[str],
                            sessions: int, pause_s: float, warm_urls: list[str]) -> dict:
    """As _measure, with st_protocol clients instead of browsers: each tap is timed from
    sending it to the end of its script run, and its run must show the next stop."""
    import st_protocol

    proc = Processes(server_pids)

    def next_id(run: st_protocol.RunResult) -> str:
        keys = [k for k in run.buttons if k.startswith("visitor.next-step-")]
        if len(keys) != 1 or keys[0] in run.disabled:
            raise RuntimeError(f"no Next button to tap: {sorted(run.buttons)}")
        return run.buttons[keys[0]]

    async def tap(client: st_protocol.Session, run: st_protocol.RunResult,
                  expected: str) -> st_protocol.RunResult:
        button = next_id(run)
        after = await client.tap(button, run.fragments.get(button, ""))
        if after.exception or expected not in after.texts:
            raise RuntimeError(f"a tap did not show {expected!r}: {after.exception or after.texts}")
        return after

    for warm_url in warm_urls:  # every replica through its own address
        warm = st_protocol.Session(warm_url, timeout_s=TIMEOUT_MS / 1000)
        first = await warm.connect()
        await tap(warm, first, headings[1])
        await warm.close()
    await asyncio.sleep(3)
    rss_before = proc.rss()
    clients = [st_protocol.Session(url, timeout_s=TIMEOUT_MS / 1000) for _ in range(sessions)]
    runs = []
    for n, client in enumerate(clients, start=1):
        runs.append(await client.connect())
        if headings[0] not in runs[-1].texts:
            raise RuntimeError(f"session {n} did not open at {headings[0]!r}")
    _progress(f"{sessions} protocol sessions open")
    # The page's timed fragments (the follow panel polls every 2 s) run as in the browser.
    pollers = [asyncio.create_task(c.keep_polling()) for c in clients]
    rss_open = proc.rss()
    taps: list[float] = []
    rounds: list[float] = []
    cpu = proc.cpu_s()
    try:
        for n, expected in enumerate(headings[1:], start=1):
            await asyncio.sleep(pause_s)
            start = time.perf_counter()
            runs = await asyncio.gather(*(tap(c, r, expected)
                                          for c, r in zip(clients, runs, strict=True)))
            rounds.append(time.perf_counter() - start)
            taps += [1000 * r.seconds for r in runs]
            _progress(f"round {n}/{len(headings) - 1}: {rounds[-1]:.2f} s")
        cpu_after = proc.cpu_s()
        rss_after = proc.rss()
    finally:
        for poller in pollers:
            poller.cancel()
        await asyncio.gather(*pollers, return_exceptions=True)
        for client in clients:
            await client.close()
    for poller in pollers:
        if not poller.cancelled() and poller.exception() is not None:
            raise poller.exception()
    _progress(f"timed fragment runs (polls) during the rounds: {sum(c.polls for c in clients)}")
    return _figures(taps, rounds, cpu, cpu_after, rss_before, rss_open, rss_after, sessions)


def _figures(taps: list[float], rounds: list[float], cpu: float, cpu_after: float,
             rss_before: int,
             rss_open: int, rss_after: int, sessions: int) -> dict:
    ms = sorted(t for t in taps if t >= 0)
    if not ms:
        raise RuntimeError(f"none of {len(taps)} taps showed the next stop")
    return {"taps": len(ms), "lost": len(taps) - len(ms), "p50_ms": statistics.median(ms),
            "p95_ms": statistics.quantiles(ms, n=20, method="inclusive")[18]
            if len(ms) > 1 else ms[0],
            "max_ms": ms[-1], "round_s": statistics.median(rounds),
            "cpu_ms_per_tap": 1000 * (cpu_after - cpu) / len(ms),
            "rss_before_mib": rss_before / 2**20, "rss_open_mib": rss_open / 2**20,
            "rss_after_mib": rss_after / 2**20,
            "per_session_mib": (rss_after - rss_before) / sessions / 2**20}


def measure(sessions: int, stops: int, pause_s: float, profile: Path | None = None,
            client: str = "browser", replicas: int = 1) -> dict:
    """Start a server (or `replicas` of them behind nginx on one PostgreSQL) with a saved tour
    of `stops` stops; `sessions` visitors tap through it."""
    catalog = cat.load(ROOT / "data")
    ids = _tour(catalog, stops)
    headings = [f"{n}. {catalog.text(catalog.exhibits[i].name, 'de')}"
                for n, i in enumerate(ids, start=1)]
    how = _measure_protocol if client == "protocol" else _measure
    request = routing.TourRequest(stops=tuple(ids), optimize=False, date=dt.date(2019, 6, 1))
    with tempfile.TemporaryDirectory() as scratch:
        tmp = Path(scratch)
        if replicas > 1:
            if profile is not None:
                raise ValueError("--profile records one server; use it without --replicas")
            return _measure_replicas(how, tmp, catalog, request, headings, sessions, pause_s,
                                     replicas)
        url = f"sqlite:///{tmp / 'sessions.sqlite3'}"
        tours = store.open_store(url)
        tour_id = tours.save_tour(request.to_dict(), "Bench-Tour", catalog.exhibition.id)
        tours.dispose()
        server = Server(tmp, url)
        spy = None
        try:
            if profile is not None:
                spy = subprocess.Popen(
                    [str(Path(sys.executable).with_name("py-spy")), "record", "--pid",
                     str(server.proc.pid), "--format", "raw", "--output", str(profile),
                     "--rate", "50", "--gil"],
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            share = links.share_url(server.url, tour_id, "de")
            result = asyncio.run(how(share, [server.proc.pid], headings, sessions, pause_s,
                                     [share]))
        finally:
            if spy is not None:
                spy.send_signal(2)  # SIGINT: py-spy writes its file and exits
                spy.wait(timeout=60)
            server.stop()
    return result


def _measure_replicas(how, tmp: Path, catalog: cat.Catalog, request: routing.TourRequest,
                      headings: list[str], sessions: int, pause_s: float,
                      replicas: int) -> dict:
    """The deployment of docs/deploy.md: `replicas` processes behind nginx with the template
    (sticky by cookie; a websocket without one lands on a replica by its request id), one
    PostgreSQL (a fresh schema of LERNREISE_BENCH_POSTGRES_URL, dropped afterwards)."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url
    from support.cluster import find_nginx, start_cluster

    base = os.environ.get(POSTGRES_ENV)
    nginx = find_nginx()
    if not base or nginx is None:
        raise RuntimeError(f"--replicas needs nginx and {POSTGRES_ENV} (a PostgreSQL URL "
                           "whose user may create a schema; bash .ci/start-postgres prints one)")
    schema = f"bench_sessions_{os.getpid()}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"}) \
        .render_as_string(hide_password=False)
    try:
        with start_cluster(nginx, ROOT / "data", tmp, url, replicas) as cluster:
            tours = store.open_store(url)
            tour_id = tours.save_tour(request.to_dict(), "Bench-Tour", catalog.exhibition.id)
            tours.dispose()
            warm = [links.share_url(app.url, tour_id, "de") for app in cluster.apps]
            result = asyncio.run(how(links.share_url(cluster.url, tour_id, "de"),
                                     [app.proc.pid for app in cluster.apps], headings,
                                     sessions, pause_s, warm))
            per_replica = collections.Counter(
                line[1] for line in cluster.access_log() if "/_stcore/stream" in line[3])
            result["per_replica"] = dict(per_replica)
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()
    return result


HOW = {
    "browser": "click to the next stop's heading, timed in the page (Chromium renders all "
               "sessions on the same cores as the server)",
    "protocol": "sent to the end of the tap's script run with the next stop, timed in the "
                "client (st_protocol: the server's share, no browser; the page's timed "
                "fragments polled as by a browser)",
}


def run(quick: bool = False, sessions: int | None = None) -> list[dict]:
    """Both clients, one after the other on a fresh server each: the protocol clients measure
    what the server costs each tablet, the browsers add the drawing (all on one machine)."""
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"no chromium at {CHROMIUM} (apt-get install chromium)")
    n = sessions or (4 if quick else 20)
    stops = 4 if quick else 10
    rows = []
    for client in ("protocol", "browser"):
        m = measure(n, stops, pause_s=1.0 if quick else 2.0, client=client)
        rows += _rows(m, n, stops, client)
    if not quick and os.environ.get(POSTGRES_ENV):
        # Five groups of twenty through the deployment (issue 20): two replicas behind nginx.
        m = measure(100, stops, pause_s=2.0, client="protocol", replicas=2)
        rows += _rows(m, 100, stops, "protocol", replicas=2)
    else:
        _progress(f"100 sessions through 2 replicas: skipped ({POSTGRES_ENV} is not set)"
                  if not quick else "100 sessions through 2 replicas: not in a quick run")
    return rows


def _rows(m: dict, n: int, stops: int, client: str, replicas: int = 1) -> list[dict]:
    case = f"{n} sessions ({client}), visitor mode, {stops}-stop tour"
    if replicas > 1:
        case += f", through nginx to {replicas} replicas ({m['per_replica']} sessions each)"
    how = (f"{m['taps']} taps: {stops - 1} rounds, all {n} sessions tap Next at once; "
           + HOW[client])
    return [
        {"benchmark": "sessions", "case": case, "metric": "tap to next stop, p50",
         "value": round(m["p50_ms"], 1), "unit": "ms", "note": how},
        {"benchmark": "sessions", "case": case, "metric": "tap to next stop, p95",
         "value": round(m["p95_ms"], 1), "unit": "ms",
         "note": f"target < 1000 ms; slowest {m['max_ms']:.0f} ms; {m['lost']} taps showed "
                 f"no new stop within {TIMEOUT_MS // 1000} s (not in the figures)"},
        {"benchmark": "sessions", "case": case, "metric": "server CPU per tap",
         "value": round(m["cpu_ms_per_tap"], 1), "unit": "ms",
         "note": "server process CPU time (user + system) over the rounds / taps: the work "
                 "behind one tap, apart from how busy the machine is"},
        {"benchmark": "sessions", "case": case, "metric": "round until all updated",
         "value": round(m["round_s"], 3), "unit": "s", "note": "median over rounds"},
        {"benchmark": "sessions", "case": case, "metric": "server memory per session",
         "value": round(m["per_session_mib"], 2), "unit": "MiB",
         "note": f"RSS {m['rss_before_mib']:.0f} MiB after warm-up, {m['rss_open_mib']:.0f} "
                 f"with {n} sessions open, {m['rss_after_mib']:.0f} after the taps; "
                 "target < 50 MB"},
        {"benchmark": "sessions", "case": case, "metric": "server RSS with all sessions",
         "value": round(m["rss_after_mib"], 1), "unit": "MiB",
         "note": "psutil, one process" if replicas == 1
         else f"psutil, summed over {replicas} replicas"},
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="4 sessions, 4 stops")
    parser.add_argument("--sessions", type=int, help="concurrent sessions (default 20)")
    parser.add_argument("--stops", type=int, help="stops of the tour (default 10)")
    parser.add_argument("--pause", type=float, default=2.0, help="seconds between rounds")
    parser.add_argument("--client", choices=("browser", "protocol"), default="browser",
                        help="headless Chromium pages, or st_protocol clients (no browser)")
    parser.add_argument("--replicas", type=int, default=1,
                        help="app processes behind nginx on PostgreSQL (LERNREISE_BENCH_"
                             "POSTGRES_URL); 1: one process on SQLite")
    parser.add_argument("--profile", type=Path,
                        help="record the server with py-spy (collapsed stacks) into this file")
    args = parser.parse_args()
    sessions = args.sessions or (4 if args.quick else 20)
    stops = args.stops or (4 if args.quick else 10)
    m = measure(sessions, stops, args.pause, args.profile, args.client, args.replicas)
    where = (f" through nginx, {args.replicas} replicas (sessions per replica: "
             f"{m['per_replica']})" if args.replicas > 1 else "")
    print(f"{args.client}{where}: {sessions} sessions, {m['taps']} taps ({m['lost']} lost): "
          f"p50 {m['p50_ms']:.0f} ms, "
          f"p95 {m['p95_ms']:.0f} ms, max {m['max_ms']:.0f} ms, round {m['round_s']:.2f} s, "
          f"server CPU {m['cpu_ms_per_tap']:.0f} ms per tap; "
          f"RSS {m['rss_before_mib']:.0f} -> {m['rss_open_mib']:.0f} (open) -> "
          f"{m['rss_after_mib']:.0f} MiB (after taps): "
          f"{m['per_session_mib']:.1f} MiB per session")
    return 0


if __name__ == "__main__":
    sys.exit(main())
