"""Arriving at a stop on the visitor page: "Tell me when we reach the next stop" asks the
browser for the location only when tapped, then watches it (navigator.geolocation
.watchPosition) and reports only when the tablet comes within the next stop's radius, so a
walking group costs the server nothing until it arrives. The page then offers "You are at
<stop>: show it" (dashboard/arrival.py); it never moves by itself, also not while following a
guide. A components-v2 component like dashboard/ui/device.py: our fixed JavaScript, data only
as JSON.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

_HTML = ('<button type="button" class="lr-arrive" aria-pressed="false"></button>'
         '<span class="lr-arrive-msg" role="status"></span>')

_CSS = """
.lr-arrive { display: flex; align-items: center; justify-content: center; width: 100%;
  min-height: 48px; padding: 0.5rem 1rem; cursor: pointer; font: inherit;
  font-family: var(--st-font); font-size: 1.05rem; color: var(--st-text-color);
  background: var(--st-secondary-background-color); border: 1px solid var(--st-border-color);
  border-radius: var(--st-button-radius, 0.5rem); }
.lr-arrive[aria-pressed="true"] { border-color: var(--st-primary-color); }
.lr-arrive:focus-visible { outline: 2px solid var(--st-primary-color); outline-offset: 2px; }
.lr-arrive-msg { display: block; font-family: var(--st-font); font-size: 0.9rem;
  color: var(--st-text-color); margin-top: 0.25rem; }
"""

_JS = """
const watches = new WeakMap();  // parentElement -> {id, target, told}
function metres(a, b) {
  const r = Math.PI / 180, dp = (b.lat - a.lat) * r, dl = (b.lon - a.lon) * r;
  const h = Math.sin(dp / 2) ** 2 + Math.cos(a.lat * r) * Math.cos(b.lat * r) *
    Math.sin(dl / 2) ** 2;
  return 2 * 6371008.8 * Math.asin(Math.min(1, Math.sqrt(h)));
}
export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  const button = parentElement.querySelector('.lr-arrive');
  const msg = parentElement.querySelector('.lr-arrive-msg');
  let w = watches.get(parentElement);
  if (!w) { w = { id: null, target: null, told: null }; watches.set(parentElement, w); }
  w.target = data.target;  // a new stop: watch for the next one, keep watching
  const label = () => {
    button.textContent = w.id === null ? data.labels.watch : data.labels.stop_watching;
    button.setAttribute('aria-pressed', String(w.id !== null));
    msg.textContent = w.id === null ? '' : data.labels.watching;
  };
  const seen = (pos) => {
    const t = w.target;
    if (!t) { return; }
    const here = { lat: pos.coords.latitude, lon: pos.coords.longitude };
    const key = t.index + ':' + t.lat + ':' + t.lon;
    if (metres(here, t) <= t.radius && w.told !== key) {
      w.told = key;
      setTriggerValue('arrived', { index: t.index, lat: here.lat, lon: here.lon,
                                   accuracy: pos.coords.accuracy });
    }
  };
  const stop = () => {
    if (w.id !== null && navigator.geolocation) { navigator.geolocation.clearWatch(w.id); }
    w.id = null; label();
  };
  button.onclick = () => {
    if (w.id !== null) { stop(); return; }
    if (!window.isSecureContext || !('geolocation' in navigator)) {
      msg.textContent = data.labels.unavailable; return;
    }
    w.told = null;
    w.id = navigator.geolocation.watchPosition(seen, (err) => {
      // Refused: stop and say so. Unavailable for a moment (a fix lost between trees, or
      // Chromium between two emulated positions): keep watching.
      if (err.code === 1) { stop(); msg.textContent = data.labels.denied; }
    }, { enableHighAccuracy: true, maximumAge: 5000 });
    label();
  };
  label();
  return () => { stop(); watches.delete(parentElement); };
}
"""

_watch = st.components.v2.component("lernreise_arrive", html=_HTML, css=_CSS, js=_JS)


def watch_button(key: str, target: dict | None, labels: dict[str, str],
                 on_arrived: Callable[[object], None]) -> None:
    """The watch button; `target` {index, lat, lon, radius} is the next stop (None: none)."""
    _watch(key=key, data={"target": target, "labels": labels},
           on_arrived_change=lambda: on_arrived(_value(key)))


def _value(key: str) -> object:
    result = st.session_state.get(key)
    try:
        return result["arrived"] if result is not None else None
    except (KeyError, TypeError):
        return getattr(result, "arrived", None)
