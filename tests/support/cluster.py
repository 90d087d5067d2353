"""Two (or more) app replicas behind nginx with the deployment's template, for the replica
tests (tests/test_replicas.py) and the 100-session benchmark (benchmarks/bench_sessions.py).

`start_cluster` runs `python -m dashboard db upgrade` once, then the replicas (each a
`streamlit run`, support.servers.App) at once, then nginx (Debian's package, as this user with
its own prefix in `tmp`) with deploy/nginx/lernreise.conf.template in front of them; the
access log records the sticky cookie and the replica of every request."""

from __future__ import annotations

import concurrent.futures
import contextlib
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from support.servers import App, free_port

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "deploy" / "nginx" / "lernreise.conf.template"
BROTLI_CONF = ROOT / "deploy" / "nginx" / "brotli.conf"
# Debian's libnginx-mod-http-brotli-filter (.ci/run installs it).
BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_filter_module.so")
COOKIE = "lernreise_replica"
HEADER = "X-Lernreise-Replica"


def find_nginx() -> str | None:
    found = shutil.which("nginx") or "/usr/sbin/nginx"
    return found if Path(found).exists() else None


def render(template: str, values: dict[str, str]) -> str:
    """Fill in ${LERNREISE_*} like envsubst with only those names defined (nginx's own $vars
    stay); an unfilled name is an error, not an empty string."""
    missing = set(re.findall(r"\$\{(LERNREISE_\w+)\}", template)) - set(values)
    assert not missing, f"no value for {sorted(missing)}"
    return re.sub(r"\$\{(LERNREISE_\w+)\}", lambda m: values[m.group(1)], template)


def nginx_conf(prefix: Path, include: Path) -> str:
    """The top-level configuration around the template: everything nginx writes stays in
    `prefix`, and the access log records cookie and replica of every request. With Debian's
    brotli module installed, deploy/nginx/brotli.conf is included too (as docs/deploy.md
    says)."""
    top, brotli = [], ""
    if os.geteuid() == 0:  # as root nginx would hand its workers to `nobody`
        top.append("user root root;")
    if BROTLI_MODULE.exists():
        top.append(f"load_module {BROTLI_MODULE};")
        brotli = f"    include {BROTLI_CONF};"
    temp = "\n".join(f"    {kind}_temp_path {prefix / kind};"
                     for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    head = "\n".join(top)
    return f"""{head}
worker_processes 1;
pid {prefix / "nginx.pid"};
error_log {prefix / "error.log"} warn;
events {{ worker_connections 1024; }}
http {{
    log_format replica '$cookie_{COOKIE} $upstream_addr $status $request_uri';
    access_log {prefix / "access.log"} replica;
{temp}
    include {include};
{brotli}
}}
"""


class Process:
    """A subprocess with its log in tmp, stopped by its own pid."""

    def __init__(self, args: list[str], log: Path, **kwargs: object):
        self.log_path = log
        self.log = log.open("w")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT, **kwargs)

    def wait_http(self, url: str, what: str) -> None:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                with urllib.request.urlopen(url, timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"{what} did not answer on {url}:\n"
                           + self.log_path.read_text(errors="replace")[-3000:])

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


class Cluster:
    url: str
    database_url: str
    replicas: list[str]
    prefix: Path
    apps: list[App]

    def stop_replica(self, index: int) -> None:
        self.apps[index].stop()

    def access_log(self) -> list[tuple[str, str, str, str]]:
        lines = (self.prefix / "access.log").read_text().splitlines()
        return [tuple(line.split(" ", 3)) for line in lines]


def with_replicas(conf: str, more: list[str]) -> str:
    """The rendered template with `more` upstream servers after the ones it names (the
    deployment has two; the benchmark may run more)."""
    head, rest = conf.split("upstream lernreise {", 1)
    block, tail = rest.split("}", 1)
    added = "".join(f"    server {address};\n" for address in more)
    return head + "upstream lernreise {" + block.rstrip(" ") + added + "}" + tail


@contextlib.contextmanager
def start_cluster(nginx: str, data_dir: Path, tmp: Path, database_url: str,
                  replicas: int = 2) -> Iterator[Cluster]:
    """`replicas` app processes on one database behind nginx (the template has two upstream
    servers; more replicas are added to its upstream block)."""
    env = {**os.environ, "LERNREISE_DATA_DIR": str(data_dir),
           "LERNREISE_DATABASE_URL": database_url, "LERNREISE_BASE_URL": ""}  # "": unset
    # Migrations once, before any replica starts (docs/deploy.md).
    upgrade = subprocess.run([sys.executable, "-m", "dashboard", "db", "upgrade"], cwd=ROOT,
                             env=env, capture_output=True, text=True, timeout=120)
    if upgrade.returncode != 0:
        raise RuntimeError("db upgrade failed:\n" + upgrade.stdout + upgrade.stderr)
    started: list[App | Process] = []
    try:
        # Both replicas start at once (each App waits until its server answers).
        with concurrent.futures.ThreadPoolExecutor(replicas) as pool:
            starting = [pool.submit(App, data_dir, tmp, database_url=database_url,
                                    env={"LERNREISE_BASE_URL": ""}) for _ in range(replicas)]
            for future in starting:
                with contextlib.suppress(Exception):  # raised again by result() below
                    started.append(future.result())
            apps = [future.result() for future in starting]
        listen = free_port()
        prefix = tmp / "nginx"
        prefix.mkdir()
        addresses = [f"127.0.0.1:{app.port}" for app in apps]
        (prefix / "lernreise.conf").write_text(with_replicas(render(TEMPLATE.read_text(), {
            "LERNREISE_LISTEN": f"127.0.0.1:{listen}",
            "LERNREISE_REPLICA_1": addresses[0], "LERNREISE_REPLICA_2": addresses[1]}),
            addresses[2:]))
        conf = prefix / "nginx.conf"
        conf.write_text(nginx_conf(prefix, prefix / "lernreise.conf"))
        args = [nginx, "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "error.log")]
        checked = subprocess.run([*args, "-t"], capture_output=True, text=True, timeout=30)
        if checked.returncode != 0:
            raise RuntimeError("nginx refused its configuration:\n" + checked.stderr)
        proxy = Process([*args, "-g", "daemon off;"], tmp / "nginx.out")
        started.append(proxy)
        proxy.wait_http(f"http://127.0.0.1:{listen}/_stcore/health", "nginx")
        cluster = Cluster()
        cluster.url, cluster.database_url = f"http://127.0.0.1:{listen}", database_url
        cluster.replicas, cluster.prefix, cluster.apps = addresses, prefix, apps
        yield cluster
    finally:
        for process in reversed(started):
            process.stop()


