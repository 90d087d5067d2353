"""A visitor's tablet speaking Streamlit's own websocket protocol, without a browser.

What the Streamlit frontend does, reduced to what a benchmark needs: open the session's
websocket (`/_stcore/stream`), ask for a script run with the page's URL (a `BackMsg` with a
`ClientState`), read the `ForwardMsg`s the run sends (elements, the new URL, the end of the
run) and tap a button by sending its trigger value. No JavaScript runs, nothing is drawn: the
time from a tap to the end of its script run is what the server costs a tablet, and many of
these clients fit on a machine where as many browsers would measure the browsers.

Uses the protobuf classes Streamlit ships (`streamlit.proto`) and `websockets`.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetStates

FINISHED = ForwardMsg.ScriptFinishedStatus


class ProtocolError(RuntimeError):
    """The server answered in a way a browser would show as an error (or not at all)."""


@dataclass
class RunResult:
    """One script run as the client saw it."""

    seconds: float  # from sending the request to the end of the run
    texts: list[str] = field(default_factory=list)  # headings and Markdown, in order
    buttons: dict[str, str] = field(default_factory=dict)  # user key -> widget id
    fragments: dict[str, str] = field(default_factory=dict)  # widget id -> its fragment's id
    disabled: set[str] = field(default_factory=set)  # user keys of disabled buttons
    exception: str | None = None


def _user_key(widget_id: str) -> str | None:
    """The key a page gave a widget, from Streamlit's id `$$ID-<hash>-<key>`."""
    parts = widget_id.split("-", 2)
    return parts[2] if widget_id.startswith("$$ID-") and len(parts) == 3 else None


class Session:
    """One browser tab's session on a `streamlit run` server (`async with` or connect/close)."""

    def __init__(self, page_url: str, timeout_s: float = 120.0):
        parts = urlsplit(page_url)
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.ws_url = f"ws://{parts.netloc}/_stcore/stream"
        self.page_name = parts.path.strip("/")
        self.query_string = parts.query
        self.page_script_hash = ""
        self.timeout_s = timeout_s
        self.auto_reruns: dict[str, float] = {}  # fragment id -> seconds (st.fragment(run_every))
        self.polls = 0  # auto reruns sent by keep_polling
        self._ws = None
        self._busy = asyncio.Lock()  # one run at a time per session, as a page waits for its runs

    async def connect(self) -> RunResult:
        """Open the websocket and run the page once, as a browser loading the URL does."""
        self._ws = await websockets.connect(
            self.ws_url, subprotocols=["streamlit"], origin=self.origin, max_size=None,
            open_timeout=self.timeout_s, ping_interval=None)
        return await self.rerun()

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
            self._ws = None

    async def __aenter__(self) -> Session:
        await self.connect()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def keep_polling(self) -> None:
        """Rerun the page's timed fragments (`st.fragment(run_every=...)`) at their intervals,
        as the browser does, until cancelled: their load is part of what a tap competes with."""
        due: dict[str, float] = {}
        while True:
            now = time.monotonic()
            for fragment_id, interval in list(self.auto_reruns.items()):
                due.setdefault(fragment_id, now + interval)
                if due[fragment_id] <= now:
                    due[fragment_id] = now + interval
                    await self.rerun(fragment_id=fragment_id, auto=True)
                    self.polls += 1
            await asyncio.sleep(0.1)

    async def tap(self, widget_id: str, fragment_id: str = "") -> RunResult:
        """Tap the button with this widget id (its trigger value, as the frontend sends it);
        a button drawn by a fragment reruns only that fragment, as in the browser."""
        states = WidgetStates()
        state = states.widgets.add()
        state.id = widget_id
        state.trigger_value = True
        return await self.rerun(states, fragment_id)

    async def rerun(self, widget_states: WidgetStates | None = None,
                    fragment_id: str = "", auto: bool = False) -> RunResult:
        """Ask for a script run and read its messages until it has finished. The time counts
        from the call: a run waits for one still going in this session (a timed fragment's)."""
        if self._ws is None:
            raise ProtocolError("not connected")
        started = time.perf_counter()
        async with self._busy:
            result = await self._run(widget_states, fragment_id, auto)
        result.seconds = time.perf_counter() - started
        return result

    async def _run(self, widget_states: WidgetStates | None, fragment_id: str,
                   auto: bool) -> RunResult:
        msg = BackMsg()
        client = msg.rerun_script
        client.query_string = self.query_string
        client.page_script_hash = self.page_script_hash
        client.page_name = "" if self.page_script_hash else self.page_name
        client.fragment_id = fragment_id
        client.is_auto_rerun = auto
        if widget_states is not None:
            client.widget_states.CopyFrom(widget_states)
        started = time.perf_counter()
        await self._ws.send(msg.SerializeToString())
        result = RunResult(seconds=0.0)
        deadline = started + self.timeout_s
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise ProtocolError(f"no end of the script run within {self.timeout_s:.0f} s")
            try:
                raw = await asyncio.wait_for(self._ws.recv(), left)
            except TimeoutError:
                continue  # the deadline check above says so
            except websockets.ConnectionClosed as exc:
                raise ProtocolError(f"the server closed the session: {exc}") from exc
            fwd = ForwardMsg()
            fwd.ParseFromString(raw)
            if self._read(fwd, result):
                return result

    def _read(self, fwd: ForwardMsg, result: RunResult) -> bool:
        """Take in one message; True at the end of the script run."""
        kind = fwd.WhichOneof("type")
        if kind == "new_session":
            self.page_script_hash = fwd.new_session.page_script_hash or self.page_script_hash
        elif kind == "navigation":
            self.page_script_hash = fwd.navigation.page_script_hash or self.page_script_hash
        elif kind == "auto_rerun":
            self.auto_reruns[fwd.auto_rerun.fragment_id] = fwd.auto_rerun.interval
        elif kind == "stop_auto_rerun":
            for fragment_id in fwd.stop_auto_rerun.fragment_ids:
                self.auto_reruns.pop(fragment_id, None)
        elif kind == "page_info_changed":
            self.query_string = fwd.page_info_changed.query_string
        elif kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
            element = fwd.delta.new_element
            which = element.WhichOneof("type")
            if which in ("heading", "markdown"):
                result.texts.append(getattr(element, which).body.replace("\\", ""))
            elif which == "button":
                key = _user_key(element.button.id)
                if key is not None:
                    result.buttons[key] = element.button.id
                    if fwd.delta.fragment_id:
                        result.fragments[element.button.id] = fwd.delta.fragment_id
                    if element.button.disabled:
                        result.disabled.add(key)
            elif which == "exception":
                result.exception = f"{element.exception.type}: {element.exception.message}"
        elif kind == "script_finished":
            status = fwd.script_finished
            if status == FINISHED.FINISHED_WITH_COMPILE_ERROR:
                raise ProtocolError("the page does not compile")
            return status != FINISHED.FINISHED_EARLY_FOR_RERUN
        elif kind == "ref_hash":
            raise ProtocolError("the server sent a cached message the client never had")
        return False
