""""Capture for our city" at each stop of the visitor page: one tap "relevant for us", the
departments it concerns, a short note, a photo with its caption. Stored as drafts of the
person (dashboard.store.captures) for the review's "From the tour".

Why it is a small component of our own (components v2, inline JavaScript, no iframe) and not
Streamlit widgets: while the tablet is off the Wi-Fi, Streamlit's widgets cannot be used (the
page greys them out until it is connected again), but the capture must go on. So the form lives
in the browser:
- Each capture gets a random key on the tablet and goes into an outbox in localStorage
  (OUTBOX_KEY) before it is sent; it is sent to the server as a trigger value, and again every
  RETRY_MS while it is not confirmed (also when the browser says it is online again). The
  server stores it once per key (CaptureStore) and confirms the key in the component's data
  (`acked`); only then is it taken out of the outbox. Until then the area says "saved on this
  tablet, will be sent".
- What is typed is kept per stop (DRAFT_PREFIX + tour + exhibit) on every keystroke: the guide
  moving the tablet to another stop (a rerun of the page) does not lose a half-written note,
  and the area lists the stops that still have one.
- Photos: the camera button uses the browser's camera (getUserMedia; the tablet's own camera
  app is not needed), the picker takes a picture file. Both are made smaller in the browser
  (at most 1600 px, JPEG) before they are kept, so a few fit into the tablet's storage; a
  picker file is sent as it is only when the person keeps its location. The server checks
  every photo again (dashboard.capture_photos).
Data reaches the JavaScript only as JSON and is put into the page with textContent.
Session keys under "capture.".
"""

from __future__ import annotations

import base64
import binascii
import logging
from collections.abc import Sequence

import streamlit as st

from dashboard import capture_photos, store
from dashboard import catalog as cat
from dashboard.i18n import t
from dashboard.roles import Actor, PermissionDenied, Role, clean_name
from dashboard.ui import auth, common

_LOG = logging.getLogger(__name__)
C = "capture."
_ACKED = C + "acked"  # the keys this session stored (confirmed to the tablet)
_REJECTED = C + "rejected"  # key -> why the server refused it (shown, then dropped)
COMPONENT_KEY = "capture.form"
OUTBOX_KEY = "lernreise.capture.outbox"
DRAFT_PREFIX = "lernreise.capture.draft."
NAME_KEY = "lernreise.capture.name"
RETRY_MS = 4000
ACKED_KEEP = 200
# The photo comes as base64; more than this is refused before it is decoded.
MAX_PHOTO_CHARS = (capture_photos.MAX_UPLOAD_BYTES * 4) // 3 + 8

_HTML = """
<section class="lr-cap">
  <h3 class="lr-cap-title"></h3>
  <p class="lr-cap-who"></p>
  <label class="lr-cap-name-row" hidden><span class="lr-cap-name-label"></span>
    <input type="text" class="lr-cap-name" maxlength="100" autocomplete="name"></label>
  <button type="button" class="lr-cap-relevant" aria-pressed="false">
    <span class="lr-cap-star" aria-hidden="true">☆</span><span class="lr-cap-relevant-label">
    </span></button>
  <div class="lr-cap-deps" role="group"></div>
  <details class="lr-cap-more"><summary class="lr-cap-more-label"></summary>
  <div class="lr-cap-more-body">
  <label class="lr-cap-text-row"><span class="lr-cap-text-label"></span>
    <textarea class="lr-cap-text" rows="3" maxlength="2000"></textarea></label>
  <div class="lr-cap-photo-row">
    <button type="button" class="lr-cap-camera"></button>
    <label class="lr-cap-file-label"><span class="lr-cap-file-text"></span>
      <input type="file" class="lr-cap-file" accept="image/*"></label>
  </div>
  <div class="lr-cap-camera-view" hidden>
    <video class="lr-cap-video" playsinline muted autoplay></video>
    <div class="lr-cap-photo-row">
      <button type="button" class="lr-cap-snap"></button>
      <button type="button" class="lr-cap-cancel"></button>
    </div>
  </div>
  <figure class="lr-cap-preview" hidden><img class="lr-cap-preview-img" alt="">
    <button type="button" class="lr-cap-drop"></button></figure>
  <label class="lr-cap-caption-row"><span class="lr-cap-caption-label"></span>
    <input type="text" class="lr-cap-caption" maxlength="200"></label>
  <label class="lr-cap-keep-row"><input type="checkbox" class="lr-cap-keep">
    <span class="lr-cap-keep-label"></span></label>
  <button type="button" class="lr-cap-save"></button>
  </div></details>
  <p class="lr-cap-status" role="status" aria-live="polite"></p>
  <p class="lr-cap-waiting"></p>
  <p class="lr-cap-elsewhere"></p>
</section>
"""

_CSS = """
.lr-cap { font-family: var(--st-font); color: var(--st-text-color); display: flex;
  flex-direction: column; gap: 0.6rem; padding: 0.75rem; border-radius: 0.75rem;
  border: 1px solid var(--st-border-color); background: var(--st-secondary-background-color); }
.lr-cap h3 { margin: 0; font-size: 1.15rem; }
.lr-cap p { margin: 0; }
.lr-cap-who, .lr-cap-waiting, .lr-cap-elsewhere { font-size: 0.95rem; opacity: 0.85; }
.lr-cap button, .lr-cap-file-label { min-height: 48px; padding: 0.5rem 1rem; font: inherit;
  font-size: 1.05rem; border-radius: 0.5rem; cursor: pointer; color: var(--st-text-color);
  background: var(--st-background-color); border: 1px solid var(--st-border-color);
  display: inline-flex; align-items: center; justify-content: center; gap: 0.4rem;
  box-sizing: border-box; touch-action: manipulation; }
.lr-cap button:focus-visible, .lr-cap input:focus-visible, .lr-cap textarea:focus-visible,
.lr-cap-file-label:focus-within { outline: 2px solid var(--st-primary-color);
  outline-offset: 2px; }
.lr-cap-relevant { width: 100%; font-weight: 600; }
.lr-cap-relevant[aria-pressed="true"], .lr-cap-dep[aria-pressed="true"] {
  background: var(--st-primary-color); color: #fff; border-color: var(--st-primary-color); }
.lr-cap-deps { display: flex; flex-wrap: wrap; gap: 0.5rem; }
.lr-cap-deps button { min-width: 44px; }
.lr-cap label { display: flex; flex-direction: column; gap: 0.25rem; font-size: 1rem; }
.lr-cap label.lr-cap-keep-row { flex-direction: row; align-items: center; min-height: 44px; }
.lr-cap-keep { width: 24px; height: 24px; }
.lr-cap textarea, .lr-cap input[type=text] { font: inherit; font-size: 1.05rem;
  padding: 0.5rem; border-radius: 0.5rem; border: 1px solid var(--st-border-color);
  background: var(--st-background-color); color: var(--st-text-color); box-sizing: border-box;
  width: 100%; min-height: 44px; }
.lr-cap-more summary { min-height: 48px; display: flex; align-items: center; cursor: pointer;
  font-size: 1.05rem; font-weight: 600; touch-action: manipulation; }
.lr-cap-more summary::-webkit-details-marker { display: none; }
.lr-cap-more summary::before { content: "▸"; margin-right: 0.5rem; }
.lr-cap-more[open] summary::before { content: "▾"; }
.lr-cap-more-body { display: flex; flex-direction: column; gap: 0.6rem; }
.lr-cap-photo-row { display: flex; flex-wrap: wrap; gap: 0.5rem; }
.lr-cap-photo-row > * { flex: 1 1 10rem; }
.lr-cap-file { position: absolute; width: 1px; height: 1px; opacity: 0; }
.lr-cap-video, .lr-cap-preview-img { width: 100%; max-height: 260px; object-fit: contain;
  border-radius: 0.5rem; background: #000; }
.lr-cap-preview { margin: 0; display: flex; flex-direction: column; gap: 0.4rem; }
.lr-cap-save { width: 100%; font-weight: 600; background: var(--st-primary-color) !important;
  color: #fff !important; border-color: var(--st-primary-color) !important; }
.lr-cap-save[disabled] { opacity: 0.5; cursor: not-allowed; }
.lr-cap-status:empty, .lr-cap-waiting:empty, .lr-cap-elsewhere:empty, .lr-cap-who:empty {
  display: none; }
[hidden] { display: none !important; }
"""

_JS = """
const states = new WeakMap();
const MAX_EDGE = 1600;
const uid = () => {
  const bytes = new Uint8Array(12);
  (window.crypto || {}).getRandomValues ? crypto.getRandomValues(bytes)
    : bytes.forEach((_, i) => { bytes[i] = Math.floor(Math.random() * 256); });
  return "c" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
};
const storage = () => { try { return window.localStorage; } catch (e) { return null; } };
const readJSON = (key, fallback) => {
  const s = storage(); if (!s) { return fallback; }
  try { const v = JSON.parse(s.getItem(key) || "null"); return v === null ? fallback : v; }
  catch (e) { return fallback; }
};
const writeJSON = (key, value) => {
  const s = storage(); if (!s) { return false; }
  try { s.setItem(key, JSON.stringify(value)); return true; } catch (e) { return false; }
};
const shrink = (source, width, height) => {
  const scale = Math.min(1, MAX_EDGE / Math.max(width, height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(width * scale); canvas.height = Math.round(height * scale);
  canvas.getContext("2d").drawImage(source, 0, 0, canvas.width, canvas.height);
  return canvas.toDataURL("image/jpeg", 0.85).split(",")[1];
};
const asBase64 = (file) => new Promise((resolve, reject) => {
  const reader = new FileReader();
  reader.onload = () => resolve(String(reader.result).split(",")[1]);
  reader.onerror = () => reject(reader.error);
  reader.readAsDataURL(file);
});

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  const $ = (cls) => parentElement.querySelector("." + cls);
  const L = data.labels;
  let st = states.get(parentElement);
  const fresh = !st;
  if (fresh) {
    st = { photos: {}, sent: 0, timer: null, stream: null };
    states.set(parentElement, st);
  }
  const previous = st.exhibit;
  st.data = data;
  const draftKey = (exhibit) => data.draft_prefix + data.tour + "." + exhibit;
  const draft = () => readJSON(draftKey(st.exhibit), {});
  const saveDraft = (changes) => {
    const d = Object.assign(draft(), changes);
    writeJSON(draftKey(st.exhibit), d);
  };
  const outbox = () => readJSON(data.outbox_key, []);
  const status = (text) => { $("lr-cap-status").textContent = text; };
  const author = () => (data.open_mode ? $("lr-cap-name").value.trim() : data.author);

  const showWaiting = () => {
    const n = outbox().length;
    $("lr-cap-waiting").textContent = n ? L.waiting.replace("{n}", n) : "";
  };
  const showElsewhere = () => {
    const names = data.stops.filter(([id]) => id !== st.exhibit)
      .filter(([id]) => { const d = readJSON(draftKey(id), {}); return d.text || d.caption; })
      .map(([, name]) => name);
    $("lr-cap-elsewhere").textContent = names.length ? L.elsewhere + " " + names.join(", ") : "";
  };
  const flush = () => {
    const box = outbox();
    showWaiting();
    if (!box.length) { return; }
    st.sent += 1;
    setTriggerValue("capture", Object.assign({}, box[0], { attempt: st.sent }));
  };
  const enqueue = (item) => {
    item.key = uid(); item.exhibit = st.exhibit; item.city = data.city; item.tour = data.tour;
    item.author = author(); item.at = Date.now();
    const box = outbox(); box.push(item);
    if (writeJSON(data.outbox_key, box)) {
      status(L.kept);
    } else {  // storage full or blocked: send it now, and say it is not kept here
      status(L.not_kept);
      st.sent += 1;
      setTriggerValue("capture", Object.assign({}, item, { attempt: st.sent }));
    }
    const key = item.key;
    setTimeout(() => {
      if (outbox().some((i) => i.key === key)) { status(L.kept_offline); }
    }, 3000);
    flush();
  };

  // --- confirmed or refused by the server: out of the outbox
  const acked = new Set(data.acked || []);
  const rejected = data.rejected || {};
  const box = outbox();
  const left = box.filter((i) => !acked.has(i.key) && !(i.key in rejected));
  const done = box.length - left.length;
  if (done) {
    writeJSON(data.outbox_key, left);
    const refused = box.filter((i) => i.key in rejected);
    if (refused.length) { status(L.refused + " " + rejected[refused[refused.length - 1].key]); }
    else if (!left.length) { status(L.sent); }
  }

  // --- the labels (every call: the language may have changed)
  $("lr-cap-title").textContent = L.title;
  $("lr-cap-who").textContent = data.who;
  $("lr-cap-relevant-label").textContent = L.relevant;
  $("lr-cap-text-label").textContent = L.note;
  $("lr-cap-camera").textContent = L.camera;
  $("lr-cap-file-text").textContent = L.file;
  $("lr-cap-snap").textContent = L.snap;
  $("lr-cap-cancel").textContent = L.cancel;
  $("lr-cap-drop").textContent = L.drop_photo;
  $("lr-cap-caption-label").textContent = L.caption;
  $("lr-cap-keep-label").textContent = L.keep_location;
  $("lr-cap-save").textContent = L.save;
  $("lr-cap-more-label").textContent = L.more;
  $("lr-cap-name-label").textContent = L.name;
  $("lr-cap-name-row").hidden = !data.open_mode;
  $("lr-cap-deps").setAttribute("aria-label", L.departments);
  if (fresh && data.open_mode) {
    $("lr-cap-name").value = readJSON(data.name_key, "") || data.author || "";
  }

  // --- the stop: its draft back into the form
  st.exhibit = data.exhibit;
  if (fresh || previous !== data.exhibit) {
    const d = draft();
    $("lr-cap-text").value = d.text || "";
    $("lr-cap-caption").value = d.caption || "";
    st.relevant = d.relevant === true;
    st.deps = Array.isArray(d.departments) ? d.departments : [];
    $("lr-cap-more").open = Boolean(d.text || d.caption || st.photos[data.exhibit]);
    if (!fresh) { status(""); }
  }
  const deps = $("lr-cap-deps");
  const depsSig = JSON.stringify(data.departments);
  if (st.depsSig !== depsSig) {  // rebuilt only when they change: a tap never hits a new node
  st.depsSig = depsSig;
  deps.replaceChildren(...data.departments.map(([id, label]) => {
    const b = document.createElement("button");
    b.type = "button"; b.className = "lr-cap-dep"; b.textContent = label;
    b.setAttribute("aria-pressed", String(st.deps.includes(id)));
    b.onclick = () => {
      st.deps = st.deps.includes(id) ? st.deps.filter((x) => x !== id) : [...st.deps, id];
      b.setAttribute("aria-pressed", String(st.deps.includes(id)));
      saveDraft({ departments: st.deps });
      if (ready()) {
        enqueue({ relevant: st.relevant || null, departments: st.deps.length ? st.deps : null });
      }
    };
    b.dataset.id = id;
    return b;
  }));
  }
  deps.querySelectorAll(".lr-cap-dep").forEach((b) => {
    b.setAttribute("aria-pressed", String(st.deps.includes(b.dataset.id)));
  });
  const relevantButton = $("lr-cap-relevant");
  const showRelevant = () => {
    relevantButton.setAttribute("aria-pressed", String(st.relevant));
    $("lr-cap-star").textContent = st.relevant ? "★" : "☆";
  };
  showRelevant();
  const photo = () => st.photos[st.exhibit] || null;
  const showPhoto = () => {
    const p = photo();
    $("lr-cap-preview").hidden = !p;
    $("lr-cap-preview-img").src = p ? "data:image/jpeg;base64," + p.data : "";
    $("lr-cap-preview-img").alt = p ? L.preview_alt : "";
    updateSave();
  };
  const ready = () => {
    if (data.open_mode && !author()) {
      status(L.name_first); $("lr-cap-name").focus(); return false;
    }
    return true;
  };
  const updateSave = () => {
    $("lr-cap-save").disabled = !($("lr-cap-text").value.trim() || photo());
  };

  relevantButton.onclick = () => {
    if (!ready()) { return; }
    st.relevant = !st.relevant;
    showRelevant();
    saveDraft({ relevant: st.relevant });
    enqueue({ relevant: st.relevant, departments: st.deps.length ? st.deps : null });
  };
  $("lr-cap-name").oninput = () => { writeJSON(data.name_key, $("lr-cap-name").value.trim()); };
  $("lr-cap-text").oninput = () => {
    saveDraft({ text: $("lr-cap-text").value }); updateSave(); showElsewhere();
  };
  $("lr-cap-caption").oninput = () => { saveDraft({ caption: $("lr-cap-caption").value }); };

  const stopCamera = () => {
    if (st.stream) { st.stream.getTracks().forEach((track) => track.stop()); st.stream = null; }
    $("lr-cap-camera-view").hidden = true;
  };
  $("lr-cap-camera").onclick = async () => {
    if (!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia)) {
      status(L.no_camera); return;
    }
    try {
      st.stream = await navigator.mediaDevices.getUserMedia(
        { video: { facingMode: "environment" }, audio: false });
    } catch (e) { status(L.no_camera); return; }
    const video = $("lr-cap-video");
    video.srcObject = st.stream;
    $("lr-cap-camera-view").hidden = false;
    try { await video.play(); } catch (e) { /* autoplay: shown anyway */ }
  };
  $("lr-cap-snap").onclick = () => {
    const video = $("lr-cap-video");
    if (!video.videoWidth) { status(L.no_camera); return; }
    st.photos[st.exhibit] = { data: shrink(video, video.videoWidth, video.videoHeight),
                              original: false };
    stopCamera(); showPhoto();
  };
  $("lr-cap-cancel").onclick = stopCamera;
  $("lr-cap-drop").onclick = () => { delete st.photos[st.exhibit]; showPhoto(); };
  $("lr-cap-file").onchange = async (event) => {
    const file = event.target.files && event.target.files[0];
    event.target.value = "";
    if (!file) { return; }
    try {
      let picture;
      if ($("lr-cap-keep").checked && file.size <= data.original_max) {
        picture = { data: await asBase64(file), original: true };
      } else {
        const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
        picture = { data: shrink(bitmap, bitmap.width, bitmap.height), original: false };
      }
      st.photos[st.exhibit] = picture;
      showPhoto();
    } catch (e) { status(L.not_a_photo); }
  };
  $("lr-cap-save").onclick = () => {
    const text = $("lr-cap-text").value.trim();
    const p = photo();
    if (!text && !p) { return; }
    if (!ready()) { return; }
    enqueue({ text: text, caption: $("lr-cap-caption").value.trim(), photo: p ? p.data : null,
              keep_location: Boolean(p && p.original && $("lr-cap-keep").checked),
              relevant: null, departments: null });
    $("lr-cap-text").value = ""; $("lr-cap-caption").value = "";
    delete st.photos[st.exhibit];
    saveDraft({ text: "", caption: "" });
    showPhoto(); showElsewhere();
  };

  showPhoto(); showWaiting(); showElsewhere();
  if (st.timer === null) {
    st.timer = setInterval(() => { if (outbox().length) { flush(); } }, data.retry_ms);
    st.online = () => flush();
    window.addEventListener("online", st.online);
  }
  if (fresh || done) { flush(); }
  return () => {
    clearInterval(st.timer); st.timer = null;
    window.removeEventListener("online", st.online);
    stopCamera();
    states.delete(parentElement);
  };
}
"""

_component = st.components.v2.component("lernreise_capture", html=_HTML, css=_CSS, js=_JS)

LABELS = ("title", "relevant", "departments", "note", "camera", "file", "snap", "cancel",
          "drop_photo", "caption", "keep_location", "save", "name", "name_first", "kept",
          "kept_offline", "not_kept", "sent", "refused", "waiting", "elsewhere", "no_camera",
          "not_a_photo", "preview_alt", "more")


# --------------------------------------------------------------------------- who captures


def capturing_city(catalog: cat.Catalog, actor: Actor) -> cat.City | None:
    """The city captured for: a navigator's own, else the session's (?city= or the default)."""
    if actor.role is Role.NAVIGATOR:
        return catalog.cities.get(actor.city or "")
    return common.city(catalog)


def _who(catalog: cat.Catalog, actor: Actor, city_: cat.City, lang: str) -> str:
    city_name = catalog.text(city_.name, lang)
    if actor.open_mode:
        return t("capture.who_open", lang, city=city_name)
    return t("capture.who", lang, name=actor.name or actor.email or "", city=city_name)


# --------------------------------------------------------------------------- receiving


def _remember(name: str, key: str, value: object = True) -> None:
    kept = st.session_state.setdefault(name, {})
    kept[key] = value
    while len(kept) > ACKED_KEEP:
        kept.pop(next(iter(kept)))


def decode_photo(value: object) -> bytes | None:
    """The base64 photo of a payload; InvalidNote when it is not one."""
    if value in (None, ""):
        return None
    if not isinstance(value, str) or len(value) > MAX_PHOTO_CHARS:
        raise store.InvalidNote("the photo is too large", "photo_too_large",
                                max_mb=capture_photos.MAX_UPLOAD_BYTES // (1024 * 1024))
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise store.InvalidNote("the photo is damaged", "photo_type") from None


def receive(captures: store.CaptureStore, actor: Actor, payload: object, lang: str) -> None:
    """Store one capture sent by the tablet; confirm its key, or say why it was refused. A
    database that cannot be used now confirms nothing: the tablet keeps it and sends again."""
    if not isinstance(payload, dict) or not isinstance(payload.get("key"), str):
        return
    key = payload["key"][:80]
    if key in st.session_state.get(_ACKED, {}):
        return  # confirmed already; the tablet sent it again before it heard so
    from dashboard.ui.review.shared import reason  # the review's words for a refusal

    author = clean_name(payload.get("author"))
    departments = payload.get("departments")
    try:
        stored = captures.capture(
            actor, client_key=key, exhibit_id=payload.get("exhibit"),
            city_id=payload.get("city"), author=author or None, tour_id=payload.get("tour"),
            relevant=payload.get("relevant"),
            departments=departments if isinstance(departments, list) else None,
            text=payload.get("text") or "", caption=payload.get("caption") or "",
            photo=decode_photo(payload.get("photo")),
            keep_location=payload.get("keep_location") is True)
    except store.StoreUnavailable as exc:
        _LOG.warning("capture %s not stored now: %s", key, exc)
        return
    except (store.StoreError, PermissionDenied) as exc:
        _remember(_REJECTED, key, reason(exc, lang))
        return
    _remember(_ACKED, stored.client_key)
    if actor.open_mode and author and not st.session_state.get(auth.NAME):
        st.session_state[auth.NAME] = author  # the review in this session knows the name


# --------------------------------------------------------------------------- the area


def capture_area(catalog: cat.Catalog, tours: store.TourStore | None, tour_id: str,
                 exhibit_id: str, stops: Sequence[tuple[str, str]], lang: str) -> None:
    """The capture area for the stop `exhibit_id` of the tour; `stops` are (id, name) of the
    tour's stops (to name those with a note not yet saved)."""
    if tours is None or exhibit_id not in catalog.exhibits:
        return
    actor = auth.current_actor(catalog)
    city_ = capturing_city(catalog, actor)
    if city_ is None:
        return
    if not actor.can_write_city(city_.id):
        with st.container(key="visitor-capture-off"):
            common.caption(t("capture.sign_in", lang))
        return
    captures = store.CaptureStore(tours.database, catalog)
    departments = [(d, catalog.text(catalog.departments[d].name, lang))
                   for d in common.city_departments(catalog, city_)]
    data = {
        "exhibit": exhibit_id, "tour": tour_id, "city": city_.id,
        "open_mode": actor.open_mode,
        "author": st.session_state.get(auth.NAME, "") if actor.open_mode else actor.name,
        "who": _who(catalog, actor, city_, lang),
        "departments": departments, "stops": [list(s) for s in stops],
        "acked": list(st.session_state.get(_ACKED, {})),
        "rejected": dict(st.session_state.get(_REJECTED, {})),
        "labels": {name: t(f"capture.{name}", lang) for name in LABELS},
        "outbox_key": OUTBOX_KEY, "draft_prefix": DRAFT_PREFIX, "name_key": NAME_KEY,
        "retry_ms": RETRY_MS, "original_max": 2 * 1024 * 1024,
    }
    with st.container(key="visitor-capture"):
        _component(key=COMPONENT_KEY, data=data,
                   on_capture_change=lambda: receive(
                       captures, auth.current_actor(catalog),
                       _value(COMPONENT_KEY, "capture"), lang))


def _value(key: str, name: str) -> object:
    result = st.session_state.get(key)
    try:
        return result[name] if result is not None else None
    except (KeyError, TypeError):
        return getattr(result, name, None)
