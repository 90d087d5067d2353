"""Page weight on exhibition Wi-Fi (issue 20): bytes on the wire per page, first paint of the
map page, and Lighthouse's mobile profile, each beside a bare page served the same way.

Three `streamlit run` servers with the app's `.streamlit/config.toml` (started from the
repository): the app (the bundled BUGA data, a saved 3-stop tour, SQLite in a temporary
folder), a bare Streamlit page (a title and one line) and a bare one-map page (one st_folium
map of the same exhibits as one GeoJson layer, benchmarks/bench_pages.py's BARE_PAGE). Each is
reached directly and through nginx with deploy/nginx/lernreise.conf.template (both upstream
lines on that one server; with deploy/nginx/brotli.conf when Debian's brotli module is there).

- **Bytes**: every page opened fresh in headless Chromium (a new context: empty cache, tablet
  viewport 1180x820, touch), through a TCP relay that counts what the server sends (headers,
  bodies, WebSocket frames: what the tablet's Wi-Fi carries) until the script run is over and
  the network idle. Chromium asks 127.0.0.1 (a secure context, like HTTPS) for brotli: the
  row "nginx, gzip" sends `Accept-Encoding: gzip, deflate` (what nginx without the brotli module
  serves, as compose.yaml's image does). Deterministic up to a few kB (the session's messages),
  so one visit per page after a warm-up visit; the note names the largest scripts fetched.
- **First paint of the map**: from navigation to the moment the st_folium frame shows a marker
  for every exhibit, on the map page and on the bare one-map page, alternately, fresh context
  each time; the median of several runs.
- **Lighthouse** (npm `lighthouse`, pinned in benchmarks/package.json, run with Debian's node
  and /usr/bin/chromium; mobile profile, simulated throttling): performance and accessibility
  of every page and of the bare page through nginx, console errors, and the heaviest remaining
  audits. Skipped with a message without node or without `npm install --prefix benchmarks`.

    .venv/bin/python benchmarks/bench_weight.py [--quick] [--runs 5] [--no-lighthouse]

Part of `make bench` (run(quick) is the runner's contract); needs /usr/bin/chromium and nginx
(both installed by .ci/run). Lighthouse reports go to bench/lighthouse/.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

from dashboard import catalog as cat  # noqa: E402 - after the path
from dashboard import routing, store  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
TEMPLATE = ROOT / "deploy" / "nginx" / "lernreise.conf.template"
BROTLI_CONF = ROOT / "deploy" / "nginx" / "brotli.conf"
BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_filter_module.so")
LIGHTHOUSE = HERE / "node_modules" / "lighthouse" / "cli" / "index.js"
LOCAL = ("http://127.0.0.1", "data:", "blob:")
TABLET = {"width": 1180, "height": 820}
MB = 1_000_000  # the unit: bytes as Chromium's network panel counts them

BARE_PAGE = '''import streamlit as st

st.title("Lernreise")
st.write("Eine Zeile Text.")
'''

SETTLED_JS = ("() => document.querySelector('[data-testid=stApp]')?.dataset.testScriptState"
              " === 'notRunning'")


def _progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http(url: str, proc: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{what} did not answer on {url}")


class Streamlit:
    """`streamlit run SCRIPT` from the repository (its config.toml) on a free loopback port."""

    def __init__(self, script: Path, tmp: Path, env: dict[str, str]):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = (tmp / f"streamlit-{script.stem}.log").open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(script),
             "--server.port", str(self.port), "--server.address", "127.0.0.1",
             "--server.headless", "true", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"],
            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), **env},
            stdout=self.log, stderr=subprocess.STDOUT)
        _wait_http(f"{self.url}/_stcore/health", self.proc, f"streamlit {script.name}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()


class Nginx:
    """Debian's nginx with the deployment's template in front of one server (as
    tests/test_replicas.py runs it, both upstream lines on the same replica)."""

    def __init__(self, upstream_port: int, tmp: Path):
        prefix = tmp / f"nginx-{upstream_port}"
        prefix.mkdir()
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        values = {"LERNREISE_LISTEN": f"127.0.0.1:{self.port}",
                  "LERNREISE_REPLICA_1": f"127.0.0.1:{upstream_port}",
                  "LERNREISE_REPLICA_2": f"127.0.0.1:{upstream_port}"}
        conf = re.sub(r"\$\{(LERNREISE_\w+)\}", lambda m: values[m.group(1)],
                      TEMPLATE.read_text())
        (prefix / "lernreise.conf").write_text(conf)
        self.brotli = BROTLI_MODULE.exists() and BROTLI_CONF.exists()
        top = ["user root root;"] if os.geteuid() == 0 else []
        if self.brotli:
            top.append(f"load_module {BROTLI_MODULE};")
        temp = "\n".join(f"    {kind}_temp_path {prefix / kind};"
                         for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        include_brotli = f"    include {BROTLI_CONF};" if self.brotli else ""
        (prefix / "nginx.conf").write_text("\n".join(top) + f"""
worker_processes 1;
pid {prefix / "nginx.pid"};
error_log {prefix / "error.log"} warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
{temp}
    include {prefix / "lernreise.conf"};
{include_brotli}
}}
""")
        self.log = (prefix / "nginx.out").open("w")
        self.proc = subprocess.Popen(
            [NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e",
             str(prefix / "error.log"), "-g", "daemon off;"],
            stdout=self.log, stderr=subprocess.STDOUT)
        _wait_http(f"{self.url}/_stcore/health", self.proc, "nginx")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=15)
        self.log.close()


class ByteCounter:
    """A TCP relay in front of a server that counts the bytes it sends (`down`) and receives
    (`up`): HTTP headers and bodies as sent (compressed or not) and WebSocket frames alike."""

    def __init__(self, target_port: int):
        self.target = target_port
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.down = 0
        self.up = 0
        self.loop = asyncio.new_event_loop()
        started = threading.Event()
        threading.Thread(target=self._serve, args=(started,), daemon=True).start()
        started.wait(10)

    def _serve(self, started: threading.Event) -> None:
        asyncio.set_event_loop(self.loop)
        self.server = self.loop.run_until_complete(
            asyncio.start_server(self._relay, "127.0.0.1", self.port))
        started.set()
        self.loop.run_forever()

    async def _relay(self, client_r, client_w) -> None:
        try:
            server_r, server_w = await asyncio.open_connection("127.0.0.1", self.target)
        except OSError:
            client_w.close()
            return

        async def pipe(src, dst, downstream: bool) -> None:
            try:
                while data := await src.read(65536):
                    if downstream:
                        self.down += len(data)
                    else:
                        self.up += len(data)
                    dst.write(data)
                    await dst.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                dst.close()

        await asyncio.gather(pipe(client_r, server_w, False), pipe(server_r, client_w, True))

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.server.close)
        self.loop.call_soon_threadsafe(self.loop.stop)


def _context(browser, headers: dict[str, str] | None = None):
    context = browser.new_context(viewport=TABLET, has_touch=True, locale="de-DE",
                                  extra_http_headers=headers or {})
    context.route("**/*", lambda route: route.continue_()
                  if route.request.url.startswith(LOCAL) else route.abort())
    return context


def _settle(page) -> None:
    page.wait_for_function(SETTLED_JS, timeout=120_000)
    page.wait_for_load_state("networkidle", timeout=120_000)
    page.wait_for_timeout(2000)
    page.wait_for_function(SETTLED_JS, timeout=120_000)


def page_bytes(browser, counter: ByteCounter, path: str,
               headers: dict[str, str] | None = None) -> tuple[int, list[str]]:
    """Bytes the server sent for one first visit of `path`, and the URLs requested."""
    context = _context(browser, headers)
    page = context.new_page()
    urls: list[str] = []
    page.on("request", lambda r: urls.append(r.url))
    before = counter.down
    page.goto(counter.url + path, timeout=120_000)
    _settle(page)
    sent = counter.down - before
    context.close()
    return sent, urls


def _largest_scripts(urls: list[str], n: int = 3) -> str:
    """The page's largest Streamlit scripts by their size on disk (uncompressed)."""
    import streamlit

    static = Path(streamlit.__file__).parent / "static"
    sizes = {}
    for url in urls:
        match = re.search(r"/(static/js/[^?#]+\.js)", url)
        if match and (static / match.group(1)).exists():
            name = match.group(1).split("/")[-1]
            sizes[name.split(".")[0]] = (static / match.group(1)).stat().st_size
    top = sorted(sizes.items(), key=lambda kv: -kv[1])[:n]
    return ", ".join(f"{k} {v / MB:.2f} MB" for k, v in top)


def map_first_paint_ms(browser, url: str, marker: str, markers: int) -> float:
    """Milliseconds from navigation until the st_folium frame shows `markers` of `marker`."""
    context = _context(browser)
    page = context.new_page()
    start = time.perf_counter()
    page.goto(url, wait_until="commit", timeout=120_000)
    frame = page.frame_locator("iframe[src*='streamlit_folium']")
    frame.locator(marker).nth(markers - 1).wait_for(state="attached",
                                                                    timeout=120_000)
    ms = (time.perf_counter() - start) * 1000
    context.close()
    return ms


# --------------------------------------------------------------------------- Lighthouse


def lighthouse_missing() -> str | None:
    """Why Lighthouse cannot run here, or None."""
    if not shutil.which("node"):
        return "node is missing (apt-get install nodejs npm): Lighthouse skipped"
    if not LIGHTHOUSE.exists():
        return ("Lighthouse is not installed (npm install --prefix benchmarks, pinned in "
                "benchmarks/package.json): skipped")
    return None


def lighthouse(url: str, out: Path) -> dict:
    """One Lighthouse run (mobile profile, simulated throttling: its default) of `url`: its
    JSON report."""
    flags = " ".join(["--headless=new", *CHROMIUM_ARGS])
    result = subprocess.run(
        [shutil.which("node"), str(LIGHTHOUSE), url, "--quiet", "--output=json",
         f"--output-path={out}",
         # best-practices for its console-errors audit
         "--only-categories=performance,accessibility,best-practices",
         f"--chrome-path={CHROMIUM}", f"--chrome-flags={flags}", "--max-wait-for-load=90000"],
        capture_output=True, text=True, timeout=600, env={**os.environ, "CHROME_PATH": CHROMIUM})
    if result.returncode != 0 or not out.exists():
        raise RuntimeError(f"lighthouse failed on {url}: {result.stderr[-2000:]}")
    return json.loads(out.read_text(encoding="utf-8"))


def top_audits(report: dict, n: int = 3) -> list[str]:
    """The performance audits that fail most: by time saved, then bytes, then score."""
    audits = report["audits"]
    rows = []
    for ref in report["categories"]["performance"]["auditRefs"]:
        audit = audits.get(ref["id"], {})
        score = audit.get("score")
        if score is None or score >= 0.9 or ref.get("group") == "metrics":
            continue
        details = audit.get("details") or {}
        rows.append((-(details.get("overallSavingsMs") or 0),
                     -(details.get("overallSavingsBytes") or 0), score,
                     f"{audit['title']}" + (f" ({audit['displayValue']})"
                                            if audit.get("displayValue") else "")))
    return [r[3] for r in sorted(rows)[:n]]


# --------------------------------------------------------------------------- the run


def run(quick: bool = False, runs: int | None = None, use_lighthouse: bool = True) -> list[dict]:
    from bench_pages import BARE_PAGE as BARE_MAP_PAGE
    from playwright.sync_api import sync_playwright

    runs = runs or (2 if quick else 7)
    catalog = cat.load(ROOT / "data")
    total = len(catalog.exhibits)
    rows: list[dict] = []

    def add(case: str, metric: str, value: float, unit: str, note: str) -> None:
        rows.append({"benchmark": "weight", "case": case, "metric": metric,
                     "value": round(value, 3 if unit == "MB" else 1), "unit": unit,
                     "note": note})

    started: list = []
    with tempfile.TemporaryDirectory() as scratch:
        tmp = Path(scratch)
        db = f"sqlite:///{tmp / 'weight.sqlite3'}"
        tours = store.open_store(db)
        stops = ("karlssee-wassershow", "buga-log", "holzpavillon")
        request = routing.TourRequest(stops=stops, optimize=False, date=dt.date(2019, 6, 1))
        tour_id = tours.save_tour(request.to_dict(), "Bench-Tour", catalog.exhibition.id)
        tours.dispose()
        scripts = {}
        for name, text in (("bare", BARE_PAGE), ("bare_map", BARE_MAP_PAGE)):
            folder = tmp / name
            folder.mkdir()
            (folder / "static").symlink_to(ROOT / "static")  # the offline map's Leaflet
            scripts[name] = folder / f"{name}_page.py"
            scripts[name].write_text(text)
        scripts["app"] = ROOT / "streamlit_app.py"
        env = {"LERNREISE_DATA_DIR": str(ROOT / "data"), "LERNREISE_DATABASE_URL": db}
        try:
            servers = {}
            for name, script in scripts.items():
                _progress(f"starting {name}")
                servers[name] = Streamlit(script, tmp, env)
                started.append(servers[name])
            proxies = {}
            for name in ("app", "bare"):
                proxies[name] = Nginx(servers[name].port, tmp)
                started.append(proxies[name])
            brotli = proxies["app"].brotli
            counters = {}
            for name in ("app", "bare", "bare_map"):
                counters[(name, "direct")] = ByteCounter(servers[name].port)
            for name in ("app", "bare"):
                counters[(name, "nginx")] = ByteCounter(proxies[name].port)
            started += list(counters.values())
            app_pages = {"/ (map)": "/", "/planner": "/planner",
                         "/visitor?tour=…": f"/visitor?tour={tour_id}",
                         "/review?city=konstanz": "/review?city=konstanz",
                         "/lead?tour=…": f"/lead?tour={tour_id}"}
            if quick:
                app_pages = {k: v for k, v in app_pages.items() if k.startswith("/visitor")}
            # Chromium asks 127.0.0.1 (a secure context) for "gzip, deflate, br, zstd": brotli
            # where nginx has it; the gzip row is what compose.yaml's nginx image sends.
            modes = [("direct", "direct", None),
                     ("nginx, gzip", "nginx", {"Accept-Encoding": "gzip, deflate"})]
            if brotli:
                modes.append(("nginx, brotli", "nginx", None))
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                for label, via, headers in modes:
                    # A warm-up visit: the servers' caches filled, as for every later visitor.
                    for name in ("bare", "app"):
                        page_bytes(browser, counters[(name, via)], "/", headers)
                    bare, _ = page_bytes(browser, counters[("bare", via)], "/", headers)
                    add(f"bare page, {label}", "bytes on the wire", bare / MB, "MB",
                        "st.title + one line; fresh context, tablet 1180x820")
                    for case, path in app_pages.items():
                        _progress(f"bytes {case} {label}")
                        if case.startswith("/visitor") or case.startswith("/lead"):
                            page_bytes(browser, counters[("app", via)], path, headers)
                        sent, urls = page_bytes(browser, counters[("app", via)], path, headers)
                        add(f"{case}, {label}", "bytes on the wire", sent / MB, "MB",
                            f"{sent / bare:.2f}x the bare page; largest scripts: "
                            f"{_largest_scripts(urls)}")
                # First paint of the map, alternately, after one warm-up each.
                # The app's exhibit markers; the bare page's GeoJson points (Leaflet's icons).
                targets = {"map page": (counters[("app", "direct")].url + "/?lang=de",
                                        ".lr-marker"),
                           "bare one-map page": (counters[("bare_map", "direct")].url + "/",
                                                 "img.leaflet-marker-icon")}
                times: dict[str, list[float]] = {k: [] for k in targets}
                for url, marker in targets.values():
                    map_first_paint_ms(browser, url, marker, total)
                for i in range(runs):
                    _progress(f"first paint, run {i + 1} of {runs}")
                    for name, (url, marker) in targets.items():
                        times[name].append(map_first_paint_ms(browser, url, marker, total))
                bare_ms = statistics.median(times["bare one-map page"])
                for name, values in times.items():
                    ms = statistics.median(values)
                    note = (f"navigation until all {total} markers are in the map frame; "
                            f"median of {runs}, direct, fresh context; runs "
                            + ", ".join(f"{v:.0f}" for v in values))
                    if name == "map page":
                        note = f"{ms / bare_ms:.2f}x the bare one-map page; " + note
                    add(name, "first paint of the map", ms, "ms", note)
                browser.close()
            if use_lighthouse and not quick:
                _lighthouse_rows(proxies, app_pages, add)
        finally:
            for thing in reversed(started):
                thing.stop()
    return rows


def _lighthouse_rows(proxies: dict, app_pages: dict[str, str], add) -> None:
    """A row per page through nginx (the deployment tablets use), the bare page first."""
    missing = lighthouse_missing()
    if missing:
        print(missing, file=sys.stderr)
        return
    out = ROOT / "bench" / "lighthouse"
    out.mkdir(parents=True, exist_ok=True)
    targets = {"bare page": proxies["bare"].url + "/"}
    targets.update({case: proxies["app"].url + path for case, path in app_pages.items()})
    scores = {}
    for case, url in targets.items():
        _progress(f"lighthouse {case}")
        slug = re.sub(r"[^a-z]+", "-", case.lower()).strip("-") or "map"
        report = lighthouse(url, out / f"{slug}.json")
        perf = (report["categories"]["performance"]["score"] or 0) * 100
        a11y = (report["categories"]["accessibility"]["score"] or 0) * 100
        scores[case] = perf
        audits = report["audits"]
        console = audits.get("errors-in-console", {})
        errors = len((console.get("details") or {}).get("items", []))
        tbt = audits["total-blocking-time"]["numericValue"]
        weight = audits["total-byte-weight"]["numericValue"] / MB
        vs = "" if case == "bare page" else f"{perf - scores['bare page']:+.0f} against bare; "
        add(f"{case}, through nginx", "Lighthouse performance (mobile)", perf, "points",
            f"{vs}accessibility {a11y:.0f}; TBT {tbt:.0f} ms; {weight:.2f} MB; console errors "
            f"{errors}; top: " + "; ".join(top_audits(report)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="the visitor page only, 2 first-paint runs, no Lighthouse")
    parser.add_argument("--runs", type=int, help="first-paint runs per page (default 7)")
    parser.add_argument("--no-lighthouse", action="store_true", help="skip Lighthouse")
    args = parser.parse_args()
    rows = run(args.quick, args.runs, not args.no_lighthouse)
    width = max(len(r["case"]) for r in rows)
    for r in rows:
        print(f"{r['case']:<{width}}  {r['value']:>9} {r['unit']:<6}  ({r['note']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
