"""The account area (dashboard/ui/auth.py) in AppTest, and city isolation at store and page level.

AppTest seeds `st.user` from `at.user` and `st.secrets` from `at.secrets`; the sign-in itself
(the redirect to an OpenID provider and back) is driven in the browser by
tests/test_browser_auth.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import DEFAULT_DATA, ROOT, step_button, tap_as_sent
from streamlit.testing.v1 import AppTest

from dashboard import catalog as cat
from dashboard.roles import Actor, PermissionDenied, Role
from dashboard.store import NoteStore, UnknownNoteError

AUTH = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "x" * 40,
    "client_id": "lernreise",
    "client_secret": "secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}
ROLES = """\
users:
  Anna@Konstanz.de: {role: navigator, city: konstanz, name: "Anna B."}
  hans@heilbronn.de: {role: navigator, city: heilbronn}
  chef@example.org: {role: admin}
"""
HOSTILE_NAME = "<img src=x onerror=alert(1)> **bold** ${alert(1)}"


def _bar_script() -> None:
    import streamlit as st

    from dashboard.ui import auth, common

    catalog = common.load_catalog("en")
    actor = auth.account_bar(catalog, "en")
    st.session_state["test.actor"] = actor


@pytest.fixture
def roles_file(tmp_path: Path) -> Path:
    path = tmp_path / "roles.yaml"
    path.write_text(ROLES, encoding="utf-8")
    return path


def bar(monkeypatch, *, auth: dict | None = None, user: dict | None = None,
        roles: Path | None = None) -> AppTest:
    monkeypatch.setenv("LERNREISE_DATA_DIR", str(DEFAULT_DATA))
    if roles is None:
        monkeypatch.delenv("LERNREISE_ROLES_FILE", raising=False)
    else:
        monkeypatch.setenv("LERNREISE_ROLES_FILE", str(roles))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_function(_bar_script, default_timeout=60)
    if auth is not None:
        at.secrets["auth"] = auth
    at.user = user if user is not None else {}
    return at.run()


def actor(at: AppTest) -> Actor:
    return at.session_state["test.actor"]


def shown(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [e.value for kind in ("info", "warning", "error") for e in getattr(at, kind)]
    return plain("\n".join(parts))


def plain(markdown: str) -> str:
    """Text as shown: without the Markdown escapes of common.md_escape and its word joiners
    (U+2060, not shown; they keep e-mail and web addresses from becoming links)."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")


# --------------------------------------------------------------------------- open workshop


def test_without_configuration_open_workshop_mode_with_a_typed_name(monkeypatch):
    at = bar(monkeypatch)
    assert not at.exception
    assert actor(at) == Actor.workshop("")
    assert actor(at).can_write_city("konstanz") and actor(at).can_write_city("heilbronn")
    assert any("anyone may write" in i.value for i in at.info)
    assert not at.button  # no sign-in without configuration
    at.text_input(key="w.auth.name").input("  Anna\naus Konstanz  ").run()
    assert actor(at).role is Role.WORKSHOP
    assert actor(at).name == "Anna aus Konstanz"
    at.run()  # the name stays for the session
    assert actor(at).name == "Anna aus Konstanz"
    assert at.text_input(key="w.auth.name").value == "Anna aus Konstanz"


def test_workshop_name_is_kept_as_text(monkeypatch):
    at = bar(monkeypatch)
    at.text_input(key="w.auth.name").input(HOSTILE_NAME).run()
    assert not at.exception
    assert actor(at).name == HOSTILE_NAME  # stored as typed; every view escapes it
    assert "<img" not in shown(at)


# --------------------------------------------------------------------------- sign-in


def test_signed_out_sees_sign_in_and_reads_only(monkeypatch):
    at = bar(monkeypatch, auth=AUTH, user={"is_logged_in": False})
    assert not at.exception
    assert actor(at) == Actor.visitor()
    assert not actor(at).can_write
    assert at.button(key="auth-login-default").label == "Sign in"
    assert "Reading only" in shown(at)
    assert not at.text_input  # no typed names once sign-in is configured


def test_named_providers_get_one_button_each(monkeypatch):
    section = {k: AUTH[k] for k in ("redirect_uri", "cookie_secret")}
    provider = {k: AUTH[k] for k in ("client_id", "client_secret", "server_metadata_url")}
    at = bar(monkeypatch, auth={**section, "keycloak": provider, "google": provider},
             user={"is_logged_in": False})
    assert not at.exception
    assert at.button(key="auth-login-keycloak").label == "Sign in with keycloak"
    assert at.button(key="auth-login-google").label == "Sign in with google"


def test_navigator_from_the_role_claim(monkeypatch):
    user = {"is_logged_in": True, "email": "anna@konstanz.de", "name": "Anna",
            "lernreise_role": "navigator:konstanz"}
    at = bar(monkeypatch, auth=AUTH, user=user)
    assert not at.exception
    assert actor(at) == Actor.navigator("konstanz", "Anna", email="anna@konstanz.de")
    body = shown(at)
    assert "Signed in as Anna" in body and "navigator for Konstanz: may write" in body
    assert at.button(key="auth-logout").label == "Sign out"


def test_navigator_from_the_roles_file(monkeypatch, roles_file):
    user = {"is_logged_in": True, "email": "anna@konstanz.de", "name": "Anna Beispiel"}
    at = bar(monkeypatch, auth=AUTH, user=user, roles=roles_file)
    assert not at.exception
    got = actor(at)
    assert (got.role, got.city, got.name) == (Role.NAVIGATOR, "konstanz", "Anna B.")
    assert got.can_write_city("konstanz") and not got.can_write_city("heilbronn")
    assert "navigator for Konstanz" in shown(at)


def test_admin_from_the_roles_file(monkeypatch, roles_file):
    user = {"is_logged_in": True, "email": "chef@example.org"}
    at = bar(monkeypatch, auth=AUTH, user=user, roles=roles_file)
    assert actor(at).role is Role.ADMIN
    assert "admin: may write everything" in shown(at)


def test_signed_in_without_a_role_reads_only_and_is_told(monkeypatch, roles_file):
    user = {"is_logged_in": True, "email": "someone@example.org", "name": "Some One"}
    at = bar(monkeypatch, auth=AUTH, user=user, roles=roles_file)
    assert not at.exception
    assert actor(at) == Actor.visitor()
    assert "No role is set up for someone@example.org: reading only" in shown(at)
    assert at.button(key="auth-logout")


def test_an_unverified_address_gets_no_role_from_the_file(monkeypatch, roles_file):
    user = {"is_logged_in": True, "email": "anna@konstanz.de", "email_verified": False}
    at = bar(monkeypatch, auth=AUTH, user=user, roles=roles_file)
    assert actor(at) == Actor.visitor()


def test_sign_out_button_signs_out(monkeypatch):
    user = {"is_logged_in": True, "email": "anna@konstanz.de",
            "lernreise_role": "navigator:konstanz"}
    at = bar(monkeypatch, auth=AUTH, user=user)
    at.button(key="auth-logout").click().run()
    assert not at.exception
    assert actor(at) == Actor.visitor()  # from the click on: no more writing
    at.run()
    assert at.button(key="auth-login-default")


def test_hostile_claims_are_shown_as_text(monkeypatch):
    user = {"is_logged_in": True, "email": "x@example.org", "name": HOSTILE_NAME,
            "lernreise_role": ["navigator:<script>", "navigator:konstanz"]}
    at = bar(monkeypatch, auth=AUTH, user=user)
    assert not at.exception
    assert actor(at).city == "konstanz"  # a city the data does not know is not trusted
    line = next(m.value for m in at.markdown if "Signed in as" in m.value)
    assert not re.search(r"(?<!\\)[<*$`]", line)  # every one escaped
    assert HOSTILE_NAME in plain(line)


# --------------------------------------------------------------------------- bad set-ups


def test_broken_roles_file_names_file_and_entry(monkeypatch, tmp_path):
    path = tmp_path / "team-roles.yaml"
    path.write_text("users:\n  anna@konstanz.de: {role: navigator}\n", encoding="utf-8")
    user = {"is_logged_in": True, "email": "anna@konstanz.de"}
    at = bar(monkeypatch, auth=AUTH, user=user, roles=path)
    assert not at.exception
    error = plain(at.error[0].value)
    assert "team-roles.yaml" in error and "users.anna@konstanz.de" in error
    assert "navigator needs a city" in error
    assert actor(at) == Actor.visitor()


@pytest.mark.parametrize("content", ["users: [1, 2", "users:\n  a@b.de: {role: pope}\n",
                                     "users:\n  a@b.de: {role: navigator, city: atlantis}\n"])
def test_bad_roles_files_never_raise(monkeypatch, tmp_path, content):
    path = tmp_path / "roles.yaml"
    path.write_text(content, encoding="utf-8")
    at = bar(monkeypatch, auth=AUTH, user={"is_logged_in": False}, roles=path)
    assert not at.exception
    assert "roles.yaml" in plain(at.error[0].value)
    assert actor(at) == Actor.visitor()


def test_a_roles_file_with_the_same_person_twice_grants_nobody_anything(monkeypatch, tmp_path):
    path = tmp_path / "roles.yaml"
    path.write_text("users:\n  anna@konstanz.de: {role: navigator, city: konstanz}\n"
                    "  ANNA@konstanz.de: {role: admin}\n", encoding="utf-8")
    user = {"is_logged_in": True, "email": "anna@konstanz.de"}
    at = bar(monkeypatch, auth=AUTH, user=user, roles=path)
    assert not at.exception
    assert "the same address twice" in plain(at.error[0].value)
    assert actor(at) == Actor.visitor()


def test_missing_roles_file_without_sign_in_is_read_only_not_open(monkeypatch, tmp_path):
    at = bar(monkeypatch, roles=tmp_path / "nowhere.yaml")
    assert not at.exception
    assert "nowhere.yaml" in plain(at.error[0].value)
    assert actor(at) == Actor.visitor()  # a broken set-up never opens the app for writing
    assert not at.text_input


def test_unreadable_secrets_file_fails_closed(monkeypatch, tmp_path):
    import streamlit as st

    from dashboard.ui import auth

    class Unreadable:
        def get(self, key):
            raise FileNotFoundError("Error parsing secrets file")  # as Streamlit's error is

    present, absent = tmp_path / "secrets.toml", tmp_path / "none.toml"
    present.write_text("[auth\n", encoding="utf-8")
    monkeypatch.setattr(st, "secrets", Unreadable())
    monkeypatch.setattr(auth, "_secrets_files", lambda: [absent, present])
    assert auth.auth_section() is None
    monkeypatch.setattr(auth, "_secrets_files", lambda: [absent])
    assert auth.auth_section() == {}  # no secrets at all: open workshop mode


def test_unreadable_secrets_read_only_with_a_message(monkeypatch):
    from dashboard.ui import auth

    monkeypatch.setattr(auth, "auth_section", lambda: None)
    at = bar(monkeypatch)
    assert not at.exception
    assert actor(at) == Actor.visitor()
    assert "secrets.toml cannot be read" in shown(at)
    assert not at.text_input and not at.button


def test_roles_file_without_sign_in_reads_only(monkeypatch, roles_file):
    at = bar(monkeypatch, roles=roles_file)
    assert not at.exception
    assert actor(at) == Actor.visitor()
    assert "sign-in is not" in shown(at)


def test_claims_still_work_when_the_roles_file_is_broken(monkeypatch, tmp_path):
    path = tmp_path / "roles.yaml"
    path.write_text("nonsense: true\n", encoding="utf-8")
    user = {"is_logged_in": True, "email": "it@example.org", "lernreise_role": "admin"}
    at = bar(monkeypatch, auth=AUTH, user=user, roles=path)
    assert at.error and actor(at).role is Role.ADMIN


# --------------------------------------------------------------------------- city isolation


@pytest.fixture
def notes(tmp_path: Path) -> NoteStore:
    store = NoteStore(f"sqlite:///{tmp_path / 'notes.sqlite3'}", cat.load(DEFAULT_DATA))
    yield store
    store.dispose()


def _heilbronn_note(store: NoteStore, text: str = "Heilbronn's own view"):
    return store.add_note(Actor.navigator("heilbronn", "Hans"), exhibit_id="skaio",
                          city_id="heilbronn", department="it", text=text, relevance=4,
                          transferability="adopt")


def test_store_refuses_a_navigator_writing_another_city(notes):
    anna = Actor.navigator("konstanz", "Anna")
    theirs = _heilbronn_note(notes)
    # A forged form value: the city field says heilbronn.
    with pytest.raises(PermissionDenied, match="'konstanz' cannot change 'heilbronn'"):
        notes.add_note(anna, exhibit_id="skaio", city_id="heilbronn",
                       department="it", text="forged", relevance=1, transferability="adopt")
    # An edited note id (URL parameter or hidden field) pointing at Heilbronn's note.
    with pytest.raises(PermissionDenied):
        notes.edit_note(anna, theirs.id, version=theirs.version, text="overwritten")
    with pytest.raises(PermissionDenied):
        notes.delete_note(anna, theirs.id)
    with pytest.raises(PermissionDenied):
        notes.add_follow_up(anna, city_id="heilbronn", note_id=theirs.id, action="x",
                            owner="y")
    assert notes.get_note(theirs.id).text == "Heilbronn's own view"
    assert notes.get_note(theirs.id).deleted_at is None
    # A visitor (signed out) writes nothing at all.
    with pytest.raises(PermissionDenied):
        notes.add_note(Actor.visitor(), exhibit_id="skaio", city_id="konstanz",
                       department="it", text="x", relevance=1, transferability="adopt")


def test_private_notes_of_another_city_stay_unknown(notes):
    hans = Actor.navigator("heilbronn", "Hans")
    private = notes.add_note(hans, exhibit_id="skaio", city_id="heilbronn",
                             department="it", text="private", relevance=2,
                             transferability="adapt", shared=False)
    anna = Actor.navigator("konstanz", "Anna")
    with pytest.raises(UnknownNoteError):
        notes.edit_note(anna, private.id, version=1, text="guessed the id")
    assert all(n.id != private.id for n in notes.list_notes(anna, city_id="heilbronn"))


# --------------------------------------------------------------------------- the review page


KONSTANZ = {"is_logged_in": True, "email": "anna@konstanz.de", "name": "Anna",
            "lernreise_role": "navigator:konstanz"}
EXHIBIT = "skaio"


@pytest.fixture
def review_db(tmp_path: Path, monkeypatch) -> tuple[str, object]:
    """A database with one shared note of Heilbronn on EXHIBIT, and its URL in the settings."""
    from dashboard import store

    url = f"sqlite:///{tmp_path / 'review.sqlite3'}"
    monkeypatch.setenv("LERNREISE_DATABASE_URL", url)
    notes, _ = store.open_review_stores(cat.load(DEFAULT_DATA), url)
    theirs = _heilbronn_note(notes, "Heilbronn keeps this")
    notes.dispose()
    return url, theirs


def review(monkeypatch, *, user: dict, auth: dict | None = AUTH, **query: str) -> AppTest:
    monkeypatch.setenv("LERNREISE_DATA_DIR", str(DEFAULT_DATA))
    monkeypatch.delenv("LERNREISE_ROLES_FILE", raising=False)
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "app_pages" / "review.py"), default_timeout=120)
    if auth is not None:
        at.secrets["auth"] = auth
    at.user = user
    at.query_params.update({"lang": "en", "exhibit": EXHIBIT, **query})
    return at.run()


def keys(at: AppTest, kind: str) -> set[str]:
    return {w.key for w in getattr(at, kind) if w.key}


def has(found: set[str], base: str) -> bool:
    """A write button's key is `base` plus a generation or version (review.save-note-0)."""
    return any(k == base or k.startswith(base + "-") for k in found)


def test_navigator_cannot_write_another_city_on_the_review_page(monkeypatch, review_db):
    from dashboard import store

    url, theirs = review_db
    at = review(monkeypatch, user=KONSTANZ, city="heilbronn")  # an edited ?city=
    assert not at.exception
    assert "Heilbronn keeps this" in "\n".join(str(h.proto) for h in at.get("html"))
    buttons = keys(at, "button")
    assert not has(buttons, "review.save-note")
    assert not has(buttons, f"review.edit-{theirs.id}")
    assert not has(buttons, f"review.delete-{theirs.id}")
    assert not at.text_area  # no note form for Heilbronn
    # A forged "I am editing note N" in the session does not bring up its edit form either.
    from dashboard.ui.review.state import Editing

    at.session_state["review.state"].editing = Editing(theirs.id, theirs.version)
    at.run()
    assert not at.exception
    assert not has(keys(at, "button"), f"review.save-edit-{theirs.id}")
    notes, _ = store.open_review_stores(None, url)
    try:
        assert notes.get_note(theirs.id).text == "Heilbronn keeps this"
    finally:
        notes.dispose()


def test_navigator_writes_own_city_on_the_review_page(monkeypatch, review_db):
    from dashboard import store

    url, _ = review_db
    at = review(monkeypatch, user=KONSTANZ, city="konstanz")
    assert not at.exception
    prefix = "review.w.new.konstanz."
    at.text_area(key=prefix + "text").input("Konstanz could adopt this").run()
    (save,) = [b for b in at.button if b.key and b.key.startswith("review.save-note-")]
    save.click().run()
    assert not at.exception
    notes, _ = store.open_review_stores(cat.load(DEFAULT_DATA), url)
    try:
        ours = notes.list_notes(Actor.visitor(), city_id="konstanz", exhibit_id=EXHIBIT)
    finally:
        notes.dispose()
    assert [(n.text, n.author) for n in ours] == [("Konstanz could adopt this", "Anna")]


def test_signed_out_visitor_sees_no_form_on_the_review_page(monkeypatch, review_db):
    at = review(monkeypatch, user={"is_logged_in": False}, city="heilbronn")
    assert not at.exception
    assert "auth-login-default" in keys(at, "button")
    assert not has(keys(at, "button"), "review.save-note")
    assert not at.text_area


def test_workshop_mode_on_the_review_page_writes_any_city(monkeypatch, review_db):
    at = review(monkeypatch, user={}, auth=None, city="heilbronn")
    assert not at.exception
    assert any("anyone may write" in i.value for i in at.info)
    assert has(keys(at, "button"), "review.save-note")


# --------------------------------------------------------------------------- tours and leads
# Issue 18, 1: with [auth] configured, /planner saved a tour and /lead started, moved and ended
# a lead for anyone. Each page offers nothing to a signed-out visitor, and each callback checks
# the role again (a trigger replayed after signing out writes nothing).

GUIDE = {"is_logged_in": True, "email": "gina@example.org", "name": "Gina",
         "lernreise_role": "guide"}
NAVIGATOR = {"is_logged_in": True, "email": "nina@konstanz.de",
             "lernreise_role": "navigator:konstanz"}
TOUR_STOPS = ("karlssee-wassershow", "buga-log", "holzpavillon")


def tours_page(monkeypatch, tmp_path, page: str, *, user: dict, auth: dict | None = AUTH,
               **query: str) -> AppTest:
    monkeypatch.setenv("LERNREISE_DATA_DIR", str(DEFAULT_DATA))
    monkeypatch.setenv("LERNREISE_DATABASE_URL", f"sqlite:///{tmp_path / 'app.sqlite3'}")
    monkeypatch.delenv("LERNREISE_ROLES_FILE", raising=False)
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    at.switch_page(f"app_pages/{page}.py")
    if auth is not None:
        at.secrets["auth"] = auth
    at.user = user
    at.query_params.update({"lang": "en", **query})
    return at.run()


def saved_tour(tmp_path) -> str:
    from dashboard import routing, store

    tours = store.open_store(f"sqlite:///{tmp_path / 'app.sqlite3'}")
    tour_id = tours.save_tour(routing.TourRequest(stops=TOUR_STOPS).to_dict(), "Holz",
                              "buga2019-heilbronn")
    tours.dispose()
    return tour_id


def lead_store(tmp_path):
    from dashboard import store

    return store.LeadStore(f"sqlite:///{tmp_path / 'app.sqlite3'}")


def test_signed_out_planner_cannot_save_and_a_guide_can(monkeypatch, tmp_path):
    from dashboard import store

    at = tours_page(monkeypatch, tmp_path, "planner", user={"is_logged_in": False})
    for exhibit_id in TOUR_STOPS:
        at.selectbox(key="planner.adder").set_value(exhibit_id).run()
    assert not at.exception
    assert "sign in as a guide to save and lead tours" in shown(at)
    assert "planner.save" not in keys(at, "button")
    assert "auth-login-default" in keys(at, "button")
    at.user = NAVIGATOR  # a navigator writes notes, not tours
    at.run()
    assert "planner.save" not in keys(at, "button")
    assert "tours are for viewing only" in shown(at)
    at.user = GUIDE
    at.run()
    at.button(key="planner.save").click().run()
    assert not at.exception
    tour_id = at.session_state["planner.saved_id"]
    assert store.open_store(f"sqlite:///{tmp_path / 'app.sqlite3'}").load_tour(tour_id)


def test_a_save_replayed_after_signing_out_saves_nothing(monkeypatch, tmp_path):
    from dashboard import store

    at = tours_page(monkeypatch, tmp_path, "planner", user=GUIDE)
    for exhibit_id in TOUR_STOPS:
        at.selectbox(key="planner.adder").set_value(exhibit_id).run()
    at.button(key="planner.save").click()
    tapped = tap_as_sent(at)
    at.user = {"is_logged_in": False}
    at._run(widget_state=tapped)  # the guide's tap, sent by a session no longer signed in
    assert not at.exception
    assert "Only a signed-in guide may save tours" in shown(at)
    assert store.open_store(f"sqlite:///{tmp_path / 'app.sqlite3'}").list_tours() == []


def test_signed_out_visitor_can_neither_start_nor_take_over_a_lead(monkeypatch, tmp_path):
    tour_id = saved_tour(tmp_path)
    at = tours_page(monkeypatch, tmp_path, "lead", user={"is_logged_in": False}, tour=tour_id)
    assert not at.exception
    assert "lead.start" not in keys(at, "button")
    assert "sign in as a guide" in shown(at)
    lead, _code, _key = lead_store(tmp_path).start(tour_id)
    at.run()
    assert "Only a signed-in guide can lead it" in shown(at)
    assert "w.lead-code" not in keys(at, "text_input")  # no take-over form
    assert not [k for k in keys(at, "button") if k.startswith(("lead.next", "lead.end"))]
    assert lead_store(tmp_path).get(lead.id).stop == 0


def test_a_guide_starts_moves_and_ends_and_a_replay_after_sign_out_does_nothing(
        monkeypatch, tmp_path):
    tour_id = saved_tour(tmp_path)
    at = tours_page(monkeypatch, tmp_path, "lead", user=GUIDE, tour=tour_id)
    assert "guide: manages tours" in shown(at)
    at.button(key="lead.start").click().run()
    lead = lead_store(tmp_path).active_for_tour(tour_id)
    assert lead is not None
    step_button(at, "lead.next").click().run()
    assert lead_store(tmp_path).get(lead.id).stop == 1
    step_button(at, "lead.next").click()
    tapped = tap_as_sent(at)
    at.user = {"is_logged_in": False}
    at._run(widget_state=tapped)  # Next, sent after signing out
    assert not at.exception
    assert "Only a signed-in guide may start, move or end a lead" in shown(at)
    assert lead_store(tmp_path).get(lead.id).stop == 1
    at.user = GUIDE
    at.run()
    at.button(key="lead.end").click().run()
    assert lead_store(tmp_path).active_for_tour(tour_id) is None


@pytest.mark.parametrize("page", ["planner", "lead"])
def test_open_mode_says_anyone_may_save_and_lead(monkeypatch, tmp_path, page):
    tour_id = saved_tour(tmp_path)
    at = tours_page(monkeypatch, tmp_path, page, user={}, auth=None, tour=tour_id)
    assert not at.exception
    assert "Open mode without sign-in: anyone may save and lead tours" in shown(at)
