"""Two app replicas behind nginx with sticky sessions and one PostgreSQL, proven in a browser.

What docs/deploy.md promises for several replicas, run here: one PostgreSQL (a fresh schema of
LERNREISE_TEST_POSTGRES_URL), `python -m dashboard db upgrade` once, two `streamlit run`
processes on two loopback ports, and nginx (Debian's package, run as this user with its own
prefix in tmp_path) on a third port with deploy/nginx/lernreise.conf.template, the file
compose.yaml mounts. Chromium (Playwright) then opens the app through nginx.

Without nginx, PostgreSQL or Chromium the live tests are skipped locally and fail in CI
(CI=true): `.ci/run` installs all three. The compose file is only parsed (no images are pulled).
"""

from __future__ import annotations

import collections
import datetime as dt
import gzip
import http.cookiejar
import os
import re
import secrets
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator

import pytest
import yaml
from conftest import DEFAULT_DATA, ROOT
from support.browser import LOCAL, settled
from support.cluster import (
    BROTLI_MODULE,
    COOKIE,
    HEADER,
    TEMPLATE,
    Cluster,
    find_nginx,
    nginx_conf,
    render,
    start_cluster,
)
from support.servers import free_port

from dashboard import catalog as cat
from dashboard import links, routing

POSTGRES_ENV = "LERNREISE_TEST_POSTGRES_URL"
STOPS = ("karlssee-wassershow", "buga-log", "holzpavillon")
# The cluster (two replicas, nginx) serves the module's tests: on one xdist worker. The
# browser is the session's (support.browser), which fails without Chromium in CI as well.
pytestmark = pytest.mark.xdist_group("replicas")


def need(what: str, ok: bool, how: str) -> None:
    """Skip without `what` locally; fail in CI, which must prove the replicas."""
    if ok:
        return
    message = f"{what} is missing ({how})"
    if os.environ.get("CI") == "true":
        pytest.fail(message + ": CI must run the replica tests")
    pytest.skip(message)


def nginx_binary() -> str:
    found = find_nginx()
    need("nginx", found is not None, "apt-get install nginx")
    return found


@pytest.fixture(scope="module")
def database_url() -> Iterator[str]:
    """A fresh schema on the test server, dropped afterwards."""
    base = os.environ.get(POSTGRES_ENV)
    need(POSTGRES_ENV, bool(base), "bash .ci/start-postgres prints one")
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    schema = f"replicas_{secrets.token_hex(5)}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


@pytest.fixture(scope="module")
def cluster(database_url, tmp_path_factory) -> Iterator[Cluster]:
    nginx = find_nginx()
    need("nginx", nginx is not None, "apt-get install nginx")
    with start_cluster(nginx, DEFAULT_DATA, tmp_path_factory.mktemp("replicas"),
                       database_url) as running:
        yield running


# --- the configuration -----------------------------------------------------------------------


def test_compose_runs_two_replicas_behind_nginx_with_the_tested_configuration():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    nginx = services["nginx"]
    mounts = [v.split(":") for v in nginx["volumes"]]
    # The very file the live test below runs, as a template the nginx image fills in at start.
    assert [m[1] for m in mounts if (ROOT / m[0]).resolve() == TEMPLATE] == [
        "/etc/nginx/templates/default.conf.template"]
    env = nginx["environment"]
    assert set(re.findall(r"\$\{(LERNREISE_\w+)\}", TEMPLATE.read_text())) <= set(env)
    replicas = [env[k].split(":")[0] for k in sorted(env) if k.startswith("LERNREISE_REPLICA_")]
    assert len(replicas) == 2 and len(set(replicas)) == 2
    assert set(nginx["depends_on"]) == set(replicas)
    # Each replica is the Dockerfile's image on the shared PostgreSQL, started after the one
    # migration run.
    db_url = services[replicas[0]]["environment"]["LERNREISE_DATABASE_URL"]
    assert db_url.startswith("postgresql+psycopg://") and "@db:5432/" in db_url
    for name in replicas:
        app = services[name]
        assert app["build"] == "." and "command" not in app
        assert app["environment"]["LERNREISE_DATABASE_URL"] == db_url
        assert app["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["migrate"]["command"] == ["python", "-m", "dashboard", "db", "upgrade"]
    assert services["migrate"]["environment"]["LERNREISE_DATABASE_URL"] == db_url
    assert services["db"]["image"].startswith("postgres:")
    assert any(v.startswith("pgdata:") for v in services["db"]["volumes"])
    assert "pgdata" in compose["volumes"]
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert dockerfile.startswith("#") and "\nFROM python:3.11-slim\n" in dockerfile
    assert re.search(r"^USER (?!root)\w+$", dockerfile, re.M)
    assert "/_stcore/health" in dockerfile and '"0.0.0.0", "--server.port", "8501"' in dockerfile
    assert "tests" in (ROOT / ".dockerignore").read_text().split()


def test_nginx_accepts_the_configuration(tmp_path):
    nginx = nginx_binary()
    (tmp_path / "lernreise.conf").write_text(render(TEMPLATE.read_text(), {
        "LERNREISE_LISTEN": f"127.0.0.1:{free_port()}",
        "LERNREISE_REPLICA_1": "127.0.0.1:1", "LERNREISE_REPLICA_2": "127.0.0.1:2"}))
    (tmp_path / "nginx.conf").write_text(nginx_conf(tmp_path, tmp_path / "lernreise.conf"))
    result = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c",
                             str(tmp_path / "nginx.conf"), "-e", str(tmp_path / "error.log")],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr


# --- stickiness without a browser ------------------------------------------------------------


def first_visit(url: str) -> tuple[str, str, urllib.request.OpenerDirector]:
    """A new client's first request: (its cookie, the replica that answered, its opener)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(url + "/", timeout=10) as response:
        replica = response.headers[HEADER]
    cookie = next(c.value for c in jar if c.name == COOKIE)
    return cookie, replica, opener


@pytest.mark.postgres
def test_a_client_stays_on_the_replica_of_its_first_request(cluster):
    seen = collections.Counter()
    for _ in range(40):  # until both replicas answered a first request (2**-39 to fail)
        cookie, replica, opener = first_visit(cluster.url)
        assert replica in cluster.replicas and re.fullmatch(r"[0-9a-f]{32}", cookie)
        seen[replica] += 1
        for path in ("/", "/_stcore/health", "/planner", "/_stcore/host-config"):
            with opener.open(cluster.url + path, timeout=10) as response:
                assert response.headers[HEADER] == replica, path
                set_cookies = response.headers.get_all("Set-Cookie") or []
                assert not [c for c in set_cookies if c.startswith(COOKIE)]  # set once
        if len(seen) == 2 and sum(seen.values()) >= 4:
            break
    assert set(seen) == set(cluster.replicas)


# --- compression -----------------------------------------------------------------------------


def fetch(url: str, encoding: str | None = None) -> tuple[object, bytes]:
    """(headers, body as sent): urllib does not unpack."""
    headers = {"Accept-Encoding": encoding} if encoding else {}
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as r:
        return r.headers, r.read()


# What nginx writes into each page's <head> (lernreise.conf.template, $lernreise_head).
APP_ROOT_SCRIPT = "<script>window.__streamlit={BACKEND_BASE_URL:location.origin+'/'}</script>"


def text_assets(direct: str) -> list[str]:
    """A path of each text type a visitor's tablet fetches: the pages (HTML), Streamlit's
    JavaScript and CSS, its JSON, and our offline map's script, style and SVG pictograms."""
    _headers, html = fetch(direct + "/")
    script = re.search(r'src="\./(static/js/[^"]+\.js)"', html.decode()).group(1)
    style = re.search(r'href="\./(static/css/[^"]+\.css)"', html.decode()).group(1)
    return ["/", "/planner", f"/{script}", f"/{style}", "/_stcore/host-config",
            "/app/static/vendor/leaflet-1.9.4/leaflet.js",
            "/app/static/vendor/leaflet-1.9.4/leaflet.css", "/app/static/pictograms/water.svg"]


@pytest.mark.postgres
def test_nginx_compresses_every_text_type_to_the_replicas_bytes(cluster):
    """gzip for every text type (and brotli when nginx has Debian's module, as CI does): what
    a tablet unpacks is byte for byte what the replica sends, plus the app-root script in a
    page's <head>; uncompressed only for a client that asks for nothing."""
    unpack = {"gzip": gzip.decompress}
    if BROTLI_MODULE.exists():
        unpack["br"] = pytest.importorskip("brotli").decompress
    elif os.environ.get("CI") == "true":
        pytest.fail("nginx's brotli module is missing (.ci/run installs it)")
    direct = f"http://{cluster.replicas[0]}"
    for path in text_assets(direct):
        _h, original = fetch(direct + path)
        assert len(original) > 256, path  # big enough for nginx to compress
        expected = original
        if path in ("/", "/planner"):
            assert original.count(b"<head>") == 1 and b"__streamlit" not in original
            expected = original.replace(b"<head>", b"<head>" + APP_ROOT_SCRIPT.encode())
        plain_headers, plain = fetch(cluster.url + path)
        assert "Content-Encoding" not in plain_headers and plain == expected, path
        sizes = {}
        for encoding, decompress in unpack.items():
            headers, body = fetch(cluster.url + path, encoding)
            assert headers["Content-Encoding"] == encoding, (path, encoding, dict(headers))
            assert "Accept-Encoding" in headers["Vary"], path
            assert decompress(body) == expected, (path, encoding)
            sizes[encoding] = len(body)
        assert sizes["gzip"] < len(expected) * 0.8, (path, sizes, len(expected))
        assert sizes.get("br", 0) <= sizes["gzip"] * 1.05, (path, sizes)


# --- in the browser --------------------------------------------------------------------------


def answered_by(header: str | None) -> str | None:
    """The replica that answered: nginx's $upstream_addr lists every replica it tried, so after
    a failover (a stopped replica) it reads "dead:port, live:port"."""
    return header.split(",")[-1].strip() if header else header


def context_on(browser, cluster: Cluster, replica: str):
    """A browser context (a visitor) whose first page came from `replica`; contexts that
    land elsewhere are closed (the cookie is random: each is a coin toss)."""
    for _ in range(40):
        context = browser.new_context(viewport={"width": 1180, "height": 820}, locale="en-GB")
        context.route("**/*", lambda route: route.continue_()
                      if route.request.url.startswith(LOCAL) else route.abort())
        context.replicas = set()
        context.on("response", lambda r, c=context: c.replicas.add(answered_by(r.headers.get(
            HEADER.lower()))) if r.url.startswith(cluster.url) else None)
        page = context.new_page()
        response = page.goto(cluster.url + "/_stcore/health")
        if response.headers[HEADER.lower()] == replica:
            context.cookie = next(c["value"] for c in context.cookies() if c["name"] == COOKIE)
            return context, page
        context.close()
    raise AssertionError(f"no context landed on {replica}")


def add_stop(page, name: str) -> None:
    # Each action after the last run ended: one sent mid-run can be lost to its rerun.
    settled(page)
    box = page.get_by_label("Search and add exhibits, or tap them on the map.")
    box.click()
    page.keyboard.type(name)
    page.keyboard.press("Enter")
    page.get_by_text(name, exact=False).first.wait_for(timeout=60_000)


@pytest.mark.browser
@pytest.mark.postgres
def test_a_tour_saved_on_one_replica_opens_on_the_other(cluster, browser):
    from dashboard.store import TourStore

    catalog = cat.load(DEFAULT_DATA)
    names = [catalog.text(catalog.exhibits[s].name, "en") for s in STOPS]
    guide, planner = context_on(browser, cluster, cluster.replicas[0])
    visitor, tablet = context_on(browser, cluster, cluster.replicas[1])
    assert guide.cookie != visitor.cookie

    planner.goto(cluster.url + "/planner?lang=en")
    planner.get_by_text("No stops yet").wait_for(timeout=60_000)
    for name in names:
        add_stop(planner, name)
    settled(planner)
    planner.get_by_label("Tour title").fill("Replica tour")
    planner.get_by_label("Tour title").press("Enter")
    settled(planner)
    planner.get_by_role("button", name="Save tour").click()
    planner.wait_for_function("() => location.search.includes('tour=')", timeout=60_000)
    tour_id = re.search(r"tour=([^&]+)", planner.url).group(1)

    # In the shared database, and opened by the other process for the other visitor.
    tours = TourStore(cluster.database_url)
    try:
        saved = tours.load_tour(tour_id)
    finally:
        tours.dispose()
    assert saved.title == "Replica tour" and list(saved.spec["stops"]) == list(STOPS)
    tablet.goto(links.share_url(cluster.url, tour_id, "en"))
    tablet.get_by_role("heading", name=f"1. {names[0]}", exact=True).wait_for(timeout=60_000)
    # The first run (and the reruns of the page's components) must be over before the tap, as a
    # person would see the page settle: a tap during a run was seen lost under heavy load.
    settled(tablet)
    tablet.locator(".st-key-visitor-next button:visible").click()
    tablet.get_by_role("heading", name=f"2. {names[1]}", exact=True).wait_for(timeout=60_000)
    tablet.goto(links.guide_url(cluster.url, tour_id, "en"))
    tablet.get_by_text("Loaded tour “Replica tour”").wait_for(timeout=60_000)

    # Every response each visitor got came from its own replica.
    assert guide.replicas == {cluster.replicas[0]}
    assert visitor.replicas == {cluster.replicas[1]}
    guide.close()
    visitor.close()
    # nginx's log has each cookie's WebSocket (logged when it closes) on that cookie's replica.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        log = cluster.access_log()
        streams = {(c, u) for c, u, _status, uri in log if uri.startswith("/_stcore/stream")}
        if {guide.cookie, visitor.cookie} <= {c for c, _ in streams}:
            break
        time.sleep(0.3)
    assert (guide.cookie, cluster.replicas[0]) in streams
    assert (visitor.cookie, cluster.replicas[1]) in streams
    by_cookie = collections.defaultdict(set)
    for c, upstream, _status, _uri in cluster.access_log():
        if c != "-":
            by_cookie[c].add(upstream)
    assert by_cookie[guide.cookie] == {cluster.replicas[0]}
    assert by_cookie[visitor.cookie] == {cluster.replicas[1]}


@pytest.mark.browser
@pytest.mark.postgres
def test_a_note_written_on_one_replica_is_read_on_the_other(cluster, browser):
    text = f"Replica note {secrets.token_hex(4)}"
    url = f"{cluster.url}/review?lang=en&city=konstanz&exhibit=skaio"
    writer_ctx, writer = context_on(browser, cluster, cluster.replicas[0])
    reader_ctx, reader = context_on(browser, cluster, cluster.replicas[1])
    writer.goto(url)
    name = writer.locator(".st-key-w-auth-name input")
    name.wait_for(timeout=60_000)
    name.fill("Anna")
    name.press("Enter")
    box = writer.locator(".st-key-review-add-note textarea")
    box.wait_for(timeout=60_000)
    box.fill(text)
    box.press("Control+Enter")  # commit the text before the button
    writer.wait_for_timeout(1000)
    writer.locator("[class*='st-key-review-save-note-'] button").click()
    writer.get_by_text(text).first.wait_for(timeout=60_000)
    reader.goto(url)
    reader.get_by_text(text).first.wait_for(timeout=60_000)
    assert writer_ctx.replicas == {cluster.replicas[0]}
    assert reader_ctx.replicas == {cluster.replicas[1]}
    writer_ctx.close()
    reader_ctx.close()


@pytest.mark.postgres
def test_a_note_written_in_one_process_is_in_the_report_of_another(cluster):
    """One process writes a note with the replicas' settings, another (the report command)
    reads it."""
    env = {**os.environ, "LERNREISE_DATA_DIR": str(DEFAULT_DATA),
           "LERNREISE_DATABASE_URL": cluster.database_url}
    text = f"Replica note {dt.date.today().isoformat()} {secrets.token_hex(3)}"
    write = ("import sys\n"
             "from dashboard import catalog, settings\n"
             "from dashboard.roles import Actor\n"
             "from dashboard.store import NoteStore\n"
             "c = catalog.load(settings.get('LERNREISE_DATA_DIR'))\n"
             "NoteStore(settings.get('LERNREISE_DATABASE_URL'), c).add_note(\n"
             "    Actor.navigator('konstanz', 'Replik'), exhibit_id='holzpavillon',\n"
             "    city_id='konstanz', department='it', text=sys.argv[1], relevance=4,\n"
             "    transferability='adapt')\n")
    wrote = subprocess.run([sys.executable, "-c", write, text], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=120)
    assert wrote.returncode == 0, wrote.stderr
    report = subprocess.run([sys.executable, "-m", "dashboard", "report", "--city", "konstanz",
                             "--format", "md", "--lang", "en"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert report.returncode == 0, report.stderr
    assert text in report.stdout


class Recorder:
    """Every request, failed request, error response and console error of one page."""

    def __init__(self, page) -> None:
        self.requests: list[str] = []
        self.failures: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("requestfailed", lambda r: self.failures.append(f"{r.url} {r.failure}"))
        page.on("response", lambda r: self.failures.append(f"{r.url} {r.status}")
                if r.status >= 400 else None)
        page.on("console", lambda m: self.errors.append(f"{m.text} ({m.location.get('url')})")
                if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def deck_gl(self) -> list[str]:
        return [u for u in self.requests if "/DeckGlJsonChart." in u]


def quiet(page) -> None:
    """The script run over (support.browser.settled) and the page's late requests (component
    frames, fonts) done."""
    settled(page)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1500)


@pytest.mark.browser
@pytest.mark.postgres
def test_every_page_through_nginx_is_local_and_error_free(cluster, browser):
    """Each page opened fresh through nginx as a tablet does: no console error (Streamlit's
    /<page>/_stcore/health guesses were two 404s on every page but the map), no failing
    request, nothing from outside the server; deck.gl only once the 3D overview is opened."""
    from dashboard.store import TourStore

    tours = TourStore(cluster.database_url)
    try:
        request = routing.TourRequest(stops=STOPS, optimize=False, date=dt.date(2019, 6, 1))
        tour_id = tours.save_tour(request.to_dict(), "Quiet tour",
                                  cat.load(DEFAULT_DATA).exhibition.id)
    finally:
        tours.dispose()
    pages = {"/?lang=en": "text=Show the 3D overview", "/planner?lang=en": "text=No stops yet",
             f"/visitor?tour={tour_id}&lang=en": ".st-key-visitor-next",
             "/review?lang=en&city=konstanz": "[data-testid=stHeading]",
             f"/lead?tour={tour_id}&lang=en": ".st-key-lead-start"}
    for path, visible in pages.items():
        context = browser.new_context(viewport={"width": 1180, "height": 820}, locale="en-GB",
                                      has_touch=True)
        context.route("**/*", lambda route: route.continue_()
                      if route.request.url.startswith(LOCAL) else route.abort())
        page = context.new_page()
        seen = Recorder(page)
        page.goto(cluster.url + path)
        page.locator(visible).first.wait_for(timeout=90_000)
        quiet(page)
        if path.startswith("/?"):
            assert seen.deck_gl() == []  # ~3 MB not fetched for a view nobody opened
            page.get_by_text("Show the 3D overview").tap()
            page.locator("[data-testid='stDeckGlJsonChart'] canvas").first.wait_for(
                timeout=90_000)
            quiet(page)
            assert seen.deck_gl()
            # st_folium's own frame is no app page: nginx writes no app-root script there.
            _h, frame_html = fetch(cluster.url
                                   + "/component/streamlit_folium.st_folium/index.html")
            assert b"__streamlit" not in frame_html
        context.close()
        outside = [u for u in seen.requests if not u.startswith(LOCAL)]
        assert outside == [], (path, outside)
        assert seen.failures == [], (path, seen.failures)
        assert seen.errors == [], (path, seen.errors)
        assert any("/_stcore/health" in u for u in seen.requests), path


# Last in this module: it stops a replica.
@pytest.mark.browser
@pytest.mark.postgres
def test_a_tablet_follows_a_guide_on_the_other_replica_and_survives_its_own(cluster, browser):
    """The guide leads on replica 1, the tablet follows on replica 2 (the lead is in the
    shared database); then the tablet's replica stops: its page reconnects through nginx to
    the other one, still on its stop, and keeps following."""
    from dashboard.store import TourStore

    catalog = cat.load(DEFAULT_DATA)
    names = [catalog.text(catalog.exhibits[s].name, "en") for s in STOPS]
    tours = TourStore(cluster.database_url)
    try:
        request = routing.TourRequest(stops=STOPS, optimize=False, date=dt.date(2019, 6, 1))
        tour_id = tours.save_tour(request.to_dict(), "Led tour", catalog.exhibition.id)
    finally:
        tours.dispose()
    guide, lead = context_on(browser, cluster, cluster.replicas[0])
    visitor, tablet = context_on(browser, cluster, cluster.replicas[1])

    def tablet_at(n: int, timeout: int = 60_000) -> None:
        tablet.get_by_role("heading", name=f"{n}. {names[n - 1]}", exact=True).wait_for(
            timeout=timeout)

    tablet.goto(links.share_url(cluster.url, tour_id, "en"))
    tablet_at(1)
    lead.goto(f"{cluster.url}/lead?tour={tour_id}&lang=en")
    lead.locator(".st-key-lead-start button").click()
    lead.locator(".st-key-lead-code").wait_for(timeout=60_000)
    tablet.get_by_text("You are following the guide (stop 1).").wait_for(timeout=60_000)
    lead.get_by_text("Tablets following: 1").wait_for(timeout=60_000)
    lead.locator(".st-key-lead-next button:visible").click()
    tablet_at(2)
    assert guide.replicas == {cluster.replicas[0]}
    assert visitor.replicas == {cluster.replicas[1]}

    cluster.stop_replica(1)
    lead.locator(".st-key-lead-next button:visible").click()
    lead.get_by_role("heading", name=f"3. {names[2]}", exact=True).wait_for(timeout=60_000)
    tablet_at(3, timeout=120_000)  # reconnected to replica 1, following again
    tablet.get_by_text("You are following the guide (stop 3).").wait_for(timeout=60_000)
    assert cluster.replicas[0] in visitor.replicas
    guide.close()
    visitor.close()
