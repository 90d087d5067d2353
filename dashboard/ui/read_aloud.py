"""Read aloud on the visitor page: a components-v2 component (inline JavaScript in the app page,
no iframe, no request) around dashboard/speech.py's shared script. The stop's sentences and the
labels reach the script only as JSON (`data=`); it writes them with textContent."""

from __future__ import annotations

import streamlit as st

from dashboard import speech
from dashboard.visitor import VisitorStop

_HTML = ('<div class="lr-say"><button type="button" class="lr-say-play"></button>'
         '<span class="lr-say-msg" role="status"></span>'
         '<p class="lr-say-text" hidden></p></div>')

_JS = speech.CORE_JS + """
const stoppers = new WeakMap();
export default function (component) {
  const { data, parentElement } = component;
  const old = stoppers.get(parentElement);
  if (old) { old(); }  // called again for a new stop: the old text stops
  const box = parentElement.querySelector('.lr-say');
  const text = box.querySelector('.lr-say-text');
  text.setAttribute('aria-label', data.labels.transcript);
  text.replaceChildren();
  data.parts.forEach((part, k) => {
    const span = document.createElement('span');
    span.dataset.say = String(k);
    span.textContent = part;
    text.append(span, document.createTextNode(' '));
  });
  box.lang = data.lang;
  const stop = lrReadAloud(box, data);
  stoppers.set(parentElement, stop);
  return stop;
}
"""

_read_aloud = st.components.v2.component("lernreise_read_aloud", html=_HTML, css=speech.CSS,
                                         js=_JS)


def read_aloud(stop: VisitorStop, lang: str) -> None:
    """Play / pause of the stop's text in the page's language (a new stop: a new text)."""
    with st.container(key="visitor-read-aloud"):
        _read_aloud(key=f"visitor-say-{lang}", data={
            "lang": lang, "parts": speech.parts(stop), "labels": speech.labels(lang),
            "wait_ms": speech.VOICE_WAIT_MS})
