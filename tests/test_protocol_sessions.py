"""Visitors on a real `streamlit run` server through Streamlit's own websocket protocol
(`benchmarks/st_protocol.py`, the client `bench_sessions --client protocol` uses).

It checks the client against the server (a page opens, a tap shows the next stop, the URL
follows) and, through it, what a browser cannot do on purpose: deliver one tap twice, as
Streamlit may when a second rerun request races the first. The tablet must move one stop.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sys

import pytest
from conftest import DEFAULT_DATA, ROOT
from support import run_async

from dashboard import catalog as cat
from dashboard import links, routing, store
from dashboard.ui import follow_guide

sys.path.insert(0, str(ROOT / "benchmarks"))
import st_protocol

STOPS = ("skaio", "karlssee-wassershow", "buga-log")


@pytest.fixture(scope="module")
def tour(default_app) -> tuple[str, list[str]]:
    """The share link of a saved 3-stop tour on the shared server of the bundled exhibition
    (tests/support/servers.py, the helper bench_sessions starts its server with), and the
    stop headings."""
    tours = store.open_store(default_app.database_url)
    try:
        request = routing.TourRequest(stops=STOPS, optimize=False, date=dt.date(2019, 6, 1))
        tour_id = tours.save_tour(request.to_dict(), "Protokoll-Tour", "buga2019-heilbronn")
    finally:
        tours.dispose()
    catalog = cat.load(DEFAULT_DATA)
    headings = [f"{n}. {catalog.text(catalog.exhibits[s].name, 'de')}"
                for n, s in enumerate(STOPS, start=1)]
    return links.share_url(default_app.url, tour_id, "de"), headings


def next_button(run: st_protocol.RunResult) -> tuple[str, str]:
    """Next's widget id and the id of the fragment that drew it (the stop view)."""
    ids = [wid for key, wid in run.buttons.items() if key.startswith("visitor.next-step-")]
    assert len(ids) == 1, sorted(run.buttons)
    return ids[0], run.fragments.get(ids[0], "")


def test_a_tap_shows_the_next_stop_and_a_repeated_tap_moves_no_further(tour):
    url, headings = tour

    async def visit() -> None:
        async with st_protocol.Session(url, timeout_s=60) as tablet:
            first = await tablet.rerun()
            assert first.exception is None
            assert headings[0] in first.texts and "Protokoll-Tour" in first.texts
            tapped = next_button(first)
            assert tapped[1], "Next is drawn by the stop view's fragment"
            second = await tablet.tap(*tapped)
            assert headings[1] in second.texts and headings[0] not in second.texts
            assert "Protokoll-Tour" not in second.texts  # only the stop view was run again
            assert "stop=2" in tablet.query_string.split("&")
            # The same tap once more (the button of stop 1, which the page no longer shows).
            again = await tablet.tap(*tapped)
            assert again.exception is None
            assert headings[1] in again.texts and headings[2] not in again.texts
            assert "stop=2" in tablet.query_string.split("&")
            third = await tablet.tap(*next_button(again))
            assert headings[2] in third.texts
            assert "visitor.next-step-2" in third.disabled  # the last stop: Next is off

    run_async(visit())


def test_many_tablets_tapping_at_once_each_move_one_stop(tour):
    url, headings = tour

    async def group() -> None:
        tablets = [st_protocol.Session(url, timeout_s=120) for _ in range(6)]
        try:
            runs = [await t.connect() for t in tablets]
            assert all(headings[0] in r.texts for r in runs)
            after = await asyncio.gather(*(t.tap(*next_button(r))
                                           for t, r in zip(tablets, runs, strict=True)))
            assert all(headings[1] in r.texts for r in after), [r.texts[:3] for r in after]
            assert all("stop=2" in t.query_string.split("&") for t in tablets)
        finally:
            for t in tablets:
                await t.close()

    run_async(group())


def test_the_pages_timed_fragments_are_polled_as_a_browser_does(tour):
    url, headings = tour

    async def poll() -> None:
        async with st_protocol.Session(url, timeout_s=60) as tablet:
            # The follow panel's fragment looks for a guide every LOOK_S seconds.
            assert list(tablet.auto_reruns.values()) == [float(follow_guide.LOOK_S)]
            fragment_id = next(iter(tablet.auto_reruns))
            tablet.auto_reruns[fragment_id] = 1.0  # sooner, for the test
            poller = asyncio.create_task(tablet.keep_polling())
            await asyncio.sleep(2.5)
            run = await tablet.rerun()  # waits for a poll still going, then runs alone
            poller.cancel()
            assert tablet.polls >= 1
            assert headings[0] in run.texts

    run_async(poll())


def test_a_page_that_is_not_there_is_an_error_not_a_hang(tour):
    url, _ = tour

    async def closed() -> None:
        tablet = st_protocol.Session(url, timeout_s=5)
        with pytest.raises(st_protocol.ProtocolError, match="not connected"):
            await tablet.rerun()

    run_async(closed())
