"""Read aloud: a stop's text spoken by the browser's own speech (Web Speech API
`speechSynthesis`: no server, no network, works offline where the tablet has a voice for the
language), sentence by sentence with the sentence being spoken highlighted in a transcript.

One script for both places that read aloud: the visitor page (a components-v2 component,
dashboard/ui/read_aloud.py) and the offline file (dashboard/export/offline_html.py). The text is
split into sentences here (`parts`); the script only reads the text of the transcript's
elements, never HTML. Pause cancels the speech and play again starts the same sentence anew
(speechSynthesis.pause() is unreliable on Android and after a while in Chrome). Where the
browser has no voice for the page's language the button is disabled and says so.
"""

from __future__ import annotations

import re

from dashboard.i18n import t
from dashboard.visitor import VisitorStop

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
VOICE_WAIT_MS = 1500  # Chrome loads its voices a moment after the page


def sentences(text: str) -> list[str]:
    return [s for s in (p.strip() for p in _SENTENCE_END.split(text)) if s]


def parts(stop: VisitorStop) -> list[str]:
    """What is read at a stop, sentence by sentence: its number and name, summary, facts."""
    out = [f"{stop.number}. {stop.name}."]
    out += sentences(stop.summary)
    for fact in stop.facts:
        out += sentences(fact)
    return out


def labels(lang: str) -> dict[str, str]:
    keys = ("play", "pause", "resume", "no_voice", "unsupported", "transcript")
    return {k: t(f"speech.{k}", lang) for k in keys}


# The core, shared: lrReadAloud(box, options) wires one read-aloud block (a .lr-say-play
# button, a .lr-say-msg status and [data-say] sentences) and returns a function that stops it.
CORE_JS = """
function lrReadAloud(box, o) {
  var synth = window.speechSynthesis;
  var play = box.querySelector('.lr-say-play'), msg = box.querySelector('.lr-say-msg');
  var text = box.querySelector('.lr-say-text');
  var parts = Array.prototype.slice.call(box.querySelectorAll('[data-say]'));
  var state = 'idle', at = 0, token = 0, want = String(o.lang || '').toLowerCase();
  function label(s) { play.textContent = s; play.setAttribute('aria-pressed',
    String(state === 'playing')); }
  function mark(i) {
    parts.forEach(function (p, k) { p.classList.toggle('lr-saying', k === i);
      if (k === i) { p.setAttribute('aria-current', 'true'); }
      else { p.removeAttribute('aria-current'); } });
  }
  function voice() {
    var voices = (synth && synth.getVoices && synth.getVoices()) || [];
    for (var k = 0; k < voices.length; k++) {
      var l = String(voices[k].lang || '').toLowerCase().replace('_', '-');
      if (l === want || l.split('-')[0] === want.split('-')[0]) { return voices[k]; }
    }
    return null;
  }
  function stop() { token++; if (synth && state !== 'idle') { synth.cancel(); }
    state = 'idle'; at = 0; mark(-1); if (text) { text.hidden = true; } label(o.labels.play); }
  label(o.labels.play);
  if (!synth || typeof window.SpeechSynthesisUtterance === 'undefined') {
    play.disabled = true; msg.textContent = o.labels.unsupported; return stop;
  }
  function check() {
    var ok = !!voice(); play.disabled = !ok;
    msg.textContent = ok ? '' : o.labels.no_voice;
    box.dataset.voice = ok ? 'yes' : 'no';
  }
  play.disabled = true;
  if ((synth.getVoices() || []).length) { check(); }
  else {
    if (synth.addEventListener) { synth.addEventListener('voiceschanged', check); }
    setTimeout(check, o.wait_ms || 1500);
  }
  function sayFrom(i) {
    var mine = ++token;
    if (i >= parts.length) { stop(); return; }
    at = i;
    var u = new window.SpeechSynthesisUtterance(parts[i].textContent);
    u.lang = o.lang; var v = voice(); if (v) { u.voice = v; }
    u.onend = function () { if (mine === token && state === 'playing') { sayFrom(i + 1); } };
    u.onerror = function () { if (mine === token) { stop(); } };
    mark(i);
    synth.speak(u);
  }
  play.onclick = function () {
    if (state === 'playing') {  // pause: remember the sentence, start it anew on play
      token++; state = 'paused'; synth.cancel(); label(o.labels.resume); return;
    }
    var from = state === 'paused' ? at : 0;
    if (state === 'idle') { synth.cancel(); }
    state = 'playing'; if (text) { text.hidden = false; } label(o.labels.pause);
    sayFrom(from);
  };
  return stop;
}
"""

CSS = """
.lr-say { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 0.75rem; }
.lr-say-play { min-height: 48px; min-width: 48px; padding: 0.4rem 1rem; cursor: pointer;
  font: inherit; font-weight: 600; border-radius: 0.5rem; }
.lr-say-play:disabled { opacity: 0.6; cursor: default; }
.lr-say-msg { font-size: 0.95rem; }
.lr-say-text { flex-basis: 100%; margin: 0.25rem 0 0; line-height: 1.5; }
.lr-say-text[hidden] { display: none; }
.lr-saying { background: #fff1a8; color: #1a1a1a; border-radius: 0.2rem;
  box-shadow: 0 0 0 0.15rem #fff1a8; }
"""
