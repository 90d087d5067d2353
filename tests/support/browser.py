"""Debian's Chromium through Playwright: one browser per session (per xdist worker), a context
per test, and no request leaves the machine.

`browser` launches Chromium the first time a test asks for it and closes it at the end of the
session; every context a test leaves open is closed after that test (also when it failed),
so no page of a finished test keeps polling a server. `new_context` opens one that answers
every request off loopback with "failed" and records the requests and dialogs it saw.
`settled` waits for a Streamlit run to end: read a page only once its run is over.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from support import ARTIFACTS, note_start

try:
    from playwright import sync_api
except ImportError:  # pragma: no cover - the test extra has it
    sync_api = None

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
LOCAL = ("http://127.0.0.1", "data:", "blob:")
FRAME = "iframe[src*='streamlit_folium']"

__all__ = ["ARTIFACTS", "CAMERA_ARGS", "CHROMIUM", "CHROMIUM_ARGS", "FRAME", "LOCAL", "new_context",
           "run_and_settle", "settled", "sync_api"]

_launched: list = []  # the session's browser once launched (for closing left-over contexts)


def skip_without_chromium() -> None:
    """Skip without Chromium or Playwright locally; fail in CI (CI=true), which must run the
    browser tests (.ci/run installs Chromium)."""
    missing = None
    if not Path(CHROMIUM).exists():  # pragma: no cover - CI installs it (.ci/run)
        missing = "Debian chromium is not installed (apt-get install chromium)"
    elif sync_api is None:  # pragma: no cover
        missing = "playwright is not installed (pip install -e '.[test]')"
    if missing and os.environ.get("CI") == "true":
        pytest.fail(missing + ": CI must run the browser tests")
    if missing:
        pytest.skip(missing)


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[object]:
    """Playwright itself, once per session: one thread may run only one sync Playwright at a
    time, so `browser` and `camera_browser` launch their Chromiums from this one."""
    skip_without_chromium()
    ARTIFACTS.mkdir(exist_ok=True)  # screenshots, from whichever test (worker) comes first
    with sync_api.sync_playwright() as pw:
        yield pw


def _launch(pw, what: str, args: list[str]) -> Iterator[object]:
    note_start("chromium", what)
    chromium = pw.chromium.launch(executable_path=CHROMIUM, args=args)
    _launched.append(chromium)
    try:
        yield chromium
    finally:
        _launched.remove(chromium)
        chromium.close()


@pytest.fixture(scope="session")
def browser(playwright_driver) -> Iterator[object]:
    """One headless Chromium for the whole session."""
    yield from _launch(playwright_driver, "session browser", CHROMIUM_ARGS)


# Chromium's fake camera (a moving test pattern) that needs no permission prompt: for tests
# of the photo capture (tests/test_browser_capture.py). Only in `camera_browser`, so that the
# session's `browser` stays as it was for every other test.
CAMERA_ARGS = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]


@pytest.fixture(scope="session")
def camera_browser(playwright_driver) -> Iterator[object]:
    """A second headless Chromium with CAMERA_ARGS, launched the first time a test asks for
    it; contexts for the camera also need `permissions=["camera"]`."""
    yield from _launch(playwright_driver, "camera browser", CHROMIUM_ARGS + CAMERA_ARGS)


@pytest.fixture(autouse=True)
def _close_left_over_contexts() -> Iterator[None]:
    yield
    for chromium in _launched:
        for context in list(chromium.contexts):
            with contextlib.suppress(Exception):  # closed meanwhile: nothing to do
                context.close()


def keep_local(context, allowed: tuple[str, ...] = LOCAL) -> None:
    """Every request whose URL does not start with one of `allowed` is answered "failed"."""
    context.route("**/*", lambda route: route.continue_()
                  if route.request.url.startswith(allowed) else route.abort())


def new_context(browser, *, allowed: tuple[str, ...] = LOCAL, timeout_ms: int | None = None,
                **options):
    """A fresh context (one person: own cookies and storage) with `options` as Playwright's
    new_context takes them. `context.requests` lists every URL asked for, `context.dialogs`
    the messages of JavaScript dialogs (dismissed) on any of its pages."""
    context = browser.new_context(**options)
    context.requests = []
    context.dialogs = []
    context.on("request", lambda r: context.requests.append(r.url))
    context.on("page", lambda p: p.on(
        "dialog", lambda d: (context.dialogs.append(d.message), d.dismiss())))
    keep_local(context, allowed)
    if timeout_ms is not None:
        context.set_default_timeout(timeout_ms)
    return context


def outside(context, allowed: tuple[str, ...] = LOCAL) -> list[str]:
    """The requests of `context` that would have left the machine."""
    return [u for u in context.requests if not u.startswith(allowed)]


def run_and_settle(page, action, timeout: int = 60_000) -> None:
    """Do `action` (a tap, Enter in a field) that makes the app rerun, then wait until that
    very run has started and ended. settled() alone can pass before a slow server has even
    begun the run, and what is typed next is then redrawn away (seen on a loaded machine)."""
    page.evaluate("""() => {
        window.__lrRunSeen = false;
        const app = document.querySelector('[data-testid=stApp]');
        new MutationObserver((changes, observer) => {
            if (app.dataset.testScriptState === 'running') {
                window.__lrRunSeen = true; observer.disconnect();
            }
        }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
    }""")
    action()
    page.wait_for_function("() => window.__lrRunSeen === true", timeout=timeout)
    settled(page, timeout)


def settled(page, timeout: int = 60_000) -> None:
    """Until the page's script run is over (Streamlit marks it on the app element). Call it
    after waiting for what the run must show: right after a tap the old run's "notRunning"
    may still be up."""
    page.wait_for_function(
        "() => document.querySelector('[data-testid=stApp]')?.dataset.testScriptState"
        " === 'notRunning'", timeout=timeout)
