"""The capture area of the visitor page in AppTest: shown in open workshop mode, a plain line
instead for whoever may not capture once sign-in is on; and the server side of a capture sent
by the tablet (`capture.receive`): stored and confirmed, confirmed once when sent twice,
refused with the reason (a forged photo, a visitor), and neither confirmed nor refused while
the database is down, so the tablet keeps it and sends it again."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path

from streamlit.testing.v1 import AppTest
from support.apptest import sqlite_url
from test_visitor import body, save, start

from dashboard import catalog as cat
from dashboard import store
from dashboard.roles import Actor
from dashboard.ui import capture

MINI = Path(__file__).resolve().parent / "data" / "mini"
AUTH = {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "x" * 40,
        "client_id": "lernreise", "client_secret": "secret",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}

# The handler as the component's callback runs it: the payload and the actor from the
# environment, what it confirmed and refused written out.
RECEIVER = '''
import json, os
import streamlit as st
from dashboard import catalog as cat, store
from dashboard.roles import Actor
from dashboard.ui import capture
catalog = cat.load(os.environ["LERNREISE_DATA_DIR"])
captures = store.CaptureStore(store.Database(os.environ["CAPTURE_DB"]), catalog)
actor = Actor.visitor() if os.environ.get("CAPTURE_AS") == "visitor" else Actor.workshop()
for payload in json.loads(os.environ["CAPTURE_PAYLOADS"]):
    capture.receive(captures, actor, payload, "en")
st.write(json.dumps({"acked": list(st.session_state.get(capture._ACKED, {})),
                     "rejected": st.session_state.get(capture._REJECTED, {})}))
'''


def jpeg_b64() -> str:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (200, 150), "purple").save(out, "JPEG")
    return base64.b64encode(out.getvalue()).decode("ascii")


def receive(monkeypatch, tmp_path, payloads: list[dict], *, db: str | None = None,
            visitor: bool = False) -> dict:
    script = tmp_path / "receiver.py"
    script.write_text(RECEIVER, encoding="utf-8")
    monkeypatch.setenv("LERNREISE_DATA_DIR", str(MINI))
    monkeypatch.setenv("CAPTURE_DB", db or sqlite_url(tmp_path))
    monkeypatch.setenv("CAPTURE_PAYLOADS", json.dumps(payloads))
    monkeypatch.setenv("CAPTURE_AS", "visitor" if visitor else "workshop")
    at = AppTest.from_file(str(script), default_timeout=60).run()
    assert not at.exception, at.exception
    return json.loads(at.markdown[-1].value)


def payload(key: str, **values) -> dict:
    return {"key": key, "exhibit": "solar-roof", "city": "testhausen", "author": "Lena",
            "tour": "abcdefgh", "attempt": 1} | values


def drafts(tmp_path) -> list[store.ExhibitDraft]:
    captures = store.CaptureStore(store.Database(sqlite_url(tmp_path)), cat.load(MINI))
    return captures.drafts(Actor.workshop(), city_id="testhausen", author="Lena")


def capture_data(at: AppTest) -> dict | None:
    """The data the page hands the capture component, or None when it is not drawn."""
    for node in at.get("bidi_component"):
        if node.proto.component_name == "lernreise_capture":
            return json.loads(node.proto.json)
    return None


def test_the_capture_area_is_on_the_stop_in_open_mode(monkeypatch, tmp_path):
    tour = save(tmp_path)
    at = start(monkeypatch, tmp_path, tour=tour, lang="en")
    assert not at.exception
    data = capture_data(at)
    assert data is not None, "no capture area"
    assert data["exhibit"] == "solar-roof" and data["tour"] == tour
    assert data["city"] == "testhausen" and data["open_mode"] is True
    assert [d for d, _ in data["departments"]] == ["bau", "it"]
    assert data["labels"]["relevant"] == "Relevant for us"
    assert [s[0] for s in data["stops"]][:1] == ["solar-roof"]


def test_a_visitor_captures_nothing_once_sign_in_is_on(monkeypatch, tmp_path):
    tour = save(tmp_path)
    monkeypatch.setenv("LERNREISE_DATA_DIR", str(MINI))
    monkeypatch.setenv("LERNREISE_DATABASE_URL", sqlite_url(tmp_path))
    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "streamlit_app.py"),
                           default_timeout=90)
    at.secrets["auth"] = AUTH
    at.switch_page("app_pages/visitor.py")
    at.query_params.update({"tour": tour, "lang": "en"})
    at.run()
    assert not at.exception
    assert "Signed-in navigators can capture for their city" in body(at)
    assert capture_data(at) is None


def test_a_capture_is_stored_and_confirmed_once(monkeypatch, tmp_path):
    sent = payload("cAAAAAAAAAAAAAA1", text="Gründach", photo=jpeg_b64(), caption="Dach")
    out = receive(monkeypatch, tmp_path, [sent, sent | {"attempt": 2},
                                          payload("cAAAAAAAAAAAAAA2", relevant=True)])
    assert out == {"acked": ["cAAAAAAAAAAAAAA1", "cAAAAAAAAAAAAAA2"], "rejected": {}}
    [draft] = drafts(tmp_path)
    assert draft.text == "Gründach" and len(draft.photos) == 1 and draft.relevant


def test_refused_captures_say_why_and_are_not_stored(monkeypatch, tmp_path):
    out = receive(monkeypatch, tmp_path, [
        payload("cBBBBBBBBBBBBBB1", photo="not base64!"),
        payload("cBBBBBBBBBBBBBB2", photo=base64.b64encode(b"GIF89a" + b"\0" * 40).decode()),
        payload("cBBBBBBBBBBBBBB3", photo="A" * (capture.MAX_PHOTO_CHARS + 4)),
        payload("cBBBBBBBBBBBBBB4", city="nowhere", relevant=True),
        {"no": "key"},
    ])
    assert out["acked"] == []
    assert set(out["rejected"]) == {f"cBBBBBBBBBBBBBB{i}" for i in range(1, 5)}
    assert "PNG, JPEG or WebP" in out["rejected"]["cBBBBBBBBBBBBBB2"]
    assert drafts(tmp_path) == []


def test_a_visitor_is_refused(monkeypatch, tmp_path):
    out = receive(monkeypatch, tmp_path, [payload("cCCCCCCCCCCCCCC1", relevant=True)],
                  visitor=True)
    assert list(out["rejected"]) == ["cCCCCCCCCCCCCCC1"] and out["acked"] == []


def test_a_database_that_is_down_keeps_it_on_the_tablet(monkeypatch, tmp_path):
    down = "postgresql+psycopg://nobody@127.0.0.1:9/none"
    out = receive(monkeypatch, tmp_path, [payload("cDDDDDDDDDDDDDD1", relevant=True)], db=down)
    assert out == {"acked": [], "rejected": {}}
