"""What only the visitor's browser can do: its location, its own storage and its idle time.

Three small Streamlit custom components (components v2, built into Streamlit: inline
JavaScript that runs in the app page, no iframe, no package, no request to anywhere) that
report to Python through trigger values:

- `locate`: a "Where am I?" button; the browser asks for the location only when it is tapped
  and reports {lat, lon, accuracy} or {error: denied | unavailable | timeout | unsupported |
  insecure}.
- `remember`: the stops marked visited, kept in the browser's localStorage per tour, so that
  they survive a reload and a second scan of the QR code (a plain link without ?seen=).
- `idle`: reports when nobody has touched the page for a while (kiosk: back to the start).
- `copy`: a "Copy link" button (a share link on a tablet, where nobody selects text); it
  copies in the browser and says so there, without a round trip to the server.

The JavaScript is ours and fixed; data reaches it only as JSON (`data=`) and is never put
into HTML. Streamlit calls a component's function again whenever its data changes (not on
every rerun) and calls the returned cleanup only when it is unmounted, so each function is
written to be called many times.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

STORAGE_PREFIX = "lernreise.visited."  # + tour id: a JSON list of stop ids

# The pin is drawn here (no icon font, no emoji font needed on the tablet).
_LOCATE_HTML = (
    '<button type="button" class="lr-locate"><svg aria-hidden="true" viewBox="0 0 24 24" '
    'width="22" height="22"><path fill="none" stroke="currentColor" stroke-width="2" '
    'd="M12 21s-6.5-6.1-6.5-11.2a6.5 6.5 0 0 1 13 0C18.5 14.9 12 21 12 21z"/>'
    '<circle cx="12" cy="9.8" r="2.4" fill="currentColor"/></svg>'
    '<span class="lr-label"></span></button><span class="lr-busy"></span>')

_LOCATE_CSS = """
.lr-locate { display: flex; align-items: center; justify-content: center; gap: 0.5rem;
  width: 100%; min-height: 48px; padding: 0.5rem 1rem; cursor: pointer;
  font: inherit; font-family: var(--st-font); font-size: 1.05rem; color: var(--st-text-color);
  background: var(--st-secondary-background-color); border: 1px solid var(--st-border-color);
  border-radius: var(--st-button-radius, 0.5rem); }
.lr-locate:focus-visible { outline: 2px solid var(--st-primary-color); outline-offset: 2px; }
.lr-locate[aria-busy="true"] { opacity: 0.7; cursor: progress; }
.lr-busy { position: absolute; left: -9999px; }
"""

_LOCATE_JS = """
export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  const button = parentElement.querySelector(".lr-locate");
  const busy = parentElement.querySelector(".lr-busy");
  parentElement.querySelector(".lr-label").textContent = data.label;
  busy.setAttribute("role", "status");
  const report = (value) => {
    button.removeAttribute("aria-busy");
    button.disabled = false;
    busy.textContent = "";
    setTriggerValue("location", value);
  };
  button.onclick = () => {
    if (!window.isSecureContext) { report({ error: "insecure" }); return; }
    if (!("geolocation" in navigator)) { report({ error: "unsupported" }); return; }
    button.setAttribute("aria-busy", "true");
    button.disabled = true;
    busy.textContent = data.busy;
    navigator.geolocation.getCurrentPosition(
      (pos) => report({ lat: pos.coords.latitude, lon: pos.coords.longitude,
                        accuracy: pos.coords.accuracy }),
      (err) => report({ error: err.code === 1 ? "denied"
                               : err.code === 3 ? "timeout" : "unavailable" }),
      { enableHighAccuracy: true, timeout: data.timeout_ms, maximumAge: 0 });
  };
}
"""

_REMEMBER_JS = """
export default function (component) {
  const { data, setTriggerValue } = component;
  let store = null;
  try { store = window.localStorage; } catch (e) { return; }  // storage blocked: nothing kept
  if (!store) { return; }
  if (data.restore) {
    let stored = [];
    try { stored = JSON.parse(store.getItem(data.key) || "[]"); } catch (e) { stored = []; }
    setTriggerValue("stored", Array.isArray(stored) ? stored : []);
    return;
  }
  try { store.setItem(data.key, JSON.stringify(data.seen)); } catch (e) { /* full: skip */ }
}
"""

_IDLE_JS = """
const timers = new WeakMap();
export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  const old = timers.get(parentElement);
  if (old) { old(); }
  let timer = null;
  const events = ["pointerdown", "keydown", "wheel", "touchstart", "scroll"];
  const restart = () => {
    clearTimeout(timer);
    timer = setTimeout(() => setTriggerValue("idle", Date.now()), data.ms);
  };
  events.forEach((e) => document.addEventListener(e, restart, { passive: true, capture: true }));
  restart();
  const stop = () => {
    clearTimeout(timer);
    events.forEach((e) => document.removeEventListener(e, restart, { capture: true }));
  };
  timers.set(parentElement, stop);
  return stop;
}
"""

_COPY_HTML = ('<button type="button" class="lr-copy"><svg aria-hidden="true" '
              'viewBox="0 0 24 24" width="20" height="20"><rect x="8" y="8" width="12" '
              'height="12" rx="2" fill="none" stroke="currentColor" stroke-width="2"/><path '
              'd="M16 8V5a1 1 0 0 0-1-1H5a1 1 0 0 0-1 1v10a1 1 0 0 0 1 1h3" fill="none" '
              'stroke="currentColor" stroke-width="2"/></svg><span class="lr-label"></span>'
              '</button><span class="lr-copied" role="status"></span>')

_COPY_CSS = _LOCATE_CSS.replace(".lr-locate", ".lr-copy").replace(".lr-busy", ".lr-unused") + """
.lr-copy { width: auto; }
.lr-copied { margin-left: 0.75rem; font-family: var(--st-font); color: var(--st-text-color); }
:host, .lr-wrap { display: flex; align-items: center; }
"""

_COPY_JS = """
export default function (component) {
  const { data, parentElement } = component;
  const button = parentElement.querySelector(".lr-copy");
  const status = parentElement.querySelector(".lr-copied");
  parentElement.querySelector(".lr-label").textContent = data.label;
  const fallback = () => {  // no Clipboard API (plain http): a selected text area and copy
    const area = document.createElement("textarea");
    area.value = data.text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed"; area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    let ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    area.remove();
    return ok;
  };
  const say = (ok) => { status.textContent = ok ? data.copied : data.failed; };
  button.onclick = () => {
    status.textContent = "";
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(data.text).then(() => say(true), () => say(fallback()));
    } else {
      say(fallback());
    }
  };
}
"""

_locate = st.components.v2.component("lernreise_locate", html=_LOCATE_HTML, css=_LOCATE_CSS,
                                     js=_LOCATE_JS)
_remember = st.components.v2.component("lernreise_remember", js=_REMEMBER_JS)
_idle = st.components.v2.component("lernreise_idle", js=_IDLE_JS)
_copy = st.components.v2.component("lernreise_copy", html=_COPY_HTML, css=_COPY_CSS,
                                   js=_COPY_JS)

LOCATE_TIMEOUT_MS = 20_000


def locate_button(key: str, label: str, busy: str,
                  on_location: Callable[[object], None]) -> None:
    """The "Where am I?" button; on_location gets the browser's report (see module doc)."""
    _locate(key=key, data={"label": label, "busy": busy, "timeout_ms": LOCATE_TIMEOUT_MS},
            on_location_change=lambda: on_location(_value(key, "location")))


def remember(key: str, tour_id: str, seen: list[str], restore: bool,
             on_stored: Callable[[object], None]) -> None:
    """Keep `seen` in the browser for this tour; with restore=True first read what is kept
    there and hand it to on_stored (then nothing is written until the next run)."""
    _remember(key=key, data={"key": STORAGE_PREFIX + tour_id, "seen": seen, "restore": restore},
              on_stored_change=lambda: on_stored(_value(key, "stored")))


def idle_timer(key: str, minutes: float, on_idle: Callable[[], None]) -> None:
    """Calls on_idle after `minutes` without a touch, key or scroll on the page."""
    _idle(key=key, data={"ms": max(int(minutes * 60_000), 1000)},
          on_idle_change=on_idle)


def copy_button(key: str, text: str, label: str, copied: str, failed: str) -> None:
    """A button that copies `text` to the clipboard and then says `copied` (or `failed`)."""
    _copy(key=key, data={"text": text, "label": label, "copied": copied, "failed": failed})


def _value(key: str, name: str) -> object:
    result = st.session_state.get(key)
    try:
        return result[name] if result is not None else None
    except (KeyError, TypeError):
        return getattr(result, name, None)
