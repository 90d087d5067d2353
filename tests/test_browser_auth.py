"""Sign-in end to end in Chromium against a local OpenID provider on loopback.

The provider is `oidc-provider-mock` (its command line, in a process of its own) on a free
127.0.0.1 port, with three predefined users; the app is a real `streamlit run` server whose
`[auth]` section comes from a secrets file in a temporary folder (`--secrets.files`), and whose
roles file (LERNREISE_ROLES_FILE) maps Anna's address to a navigator of Konstanz. The tests
drive the review page (/review), and the planner and the lead view: a signed-out visitor can
neither save a tour nor start, move or end a lead; a signed-in guide can (issue 18). Nothing
leaves the machine.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import DEFAULT_DATA
from support.browser import new_context, settled
from support.servers import App, free_port, stop_process, wait_http

# The provider and its server serve the module's tests: on one xdist worker.
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("signin-browser")]
# Looked up, not imported: the provider runs in its own process (and warns on import).
if importlib.util.find_spec("oidc_provider_mock") is None or \
        importlib.util.find_spec("authlib") is None:  # pragma: no cover - test extra
    pytest.skip("pip install -e '.[test]' (oidc-provider-mock, authlib)", allow_module_level=True)

PAGE = "streamlit_app.py"
EXHIBIT = "skaio"
USERS = [
    # Anna's role comes from the roles file, Hans's from the role claim, Zoe has none.
    {"sub": "anna", "email": "anna@konstanz.de", "name": "Anna Beispiel"},
    {"sub": "hans", "email": "hans@heilbronn.de", "name": "Hans Muster",
     "lernreise_role": "navigator:heilbronn"},
    {"sub": "zoe", "email": "zoe@example.org", "name": "Zoe Unbekannt"},
    # A guide (role claim): saves and leads tours (issue 18, 1).
    {"sub": "gina", "email": "gina@example.org", "name": "Gina Guide",
     "lernreise_role": "guide"},
]
ROLES = "users:\n  anna@konstanz.de: {role: navigator, city: konstanz}\n"


@pytest.fixture(scope="module")
def provider(tmp_path_factory) -> Iterator[str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = (tmp_path_factory.mktemp("oidc") / "provider.log").open("w")
    args = [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1",
            "--port", str(port)]
    for user in USERS:
        args += ["--user-claims", json.dumps(user)]
    proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_http(f"{url}/.well-known/openid-configuration", proc, "the OpenID provider")
        yield url
    finally:
        stop_process(proc)
        log.close()


class SignInApp(App):
    """`streamlit run PAGE` with an [auth] section pointing at the provider."""

    def __init__(self, page: str, provider: str, tmp: Path, data_dir: Path = DEFAULT_DATA):
        port = free_port()
        secrets = tmp / "secrets.toml"
        secrets.write_text(
            "[auth]\n"
            f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
            'cookie_secret = "a-cookie-secret-for-tests-only-0123456789abcdef"\n'
            'client_id = "lernreise"\n'
            'client_secret = "lernreise-test"\n'
            f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n',
            encoding="utf-8")
        roles = tmp / "roles.yaml"
        roles.write_text(ROLES, encoding="utf-8")
        self.database = f"sqlite:///{tmp / 'auth.sqlite3'}"
        super().__init__(data_dir, tmp, page, database_url=self.database, port=port,
                         env={"LERNREISE_ROLES_FILE": str(roles)},
                         args=["--secrets.files", str(secrets)])


@pytest.fixture(scope="module")
def app(provider, tmp_path_factory) -> Iterator[SignInApp]:
    with SignInApp(PAGE, provider, tmp_path_factory.mktemp("signin")) as server:
        yield server


def new_page(browser):
    """A page in a fresh context (own cookies: one person). Loopback only: the app and the
    provider; every other request is refused."""
    # 60 s for each step: the first run of a page loads the data.
    context = new_context(browser, viewport={"width": 1180, "height": 820}, locale="en-GB",
                          timeout_ms=60_000)
    page = context.new_page()
    page.dialogs = context.dialogs
    return page


def close(page) -> None:
    assert not page.dialogs
    page.context.close()


@pytest.fixture
def page(browser):
    page = new_page(browser)
    yield page
    close(page)


def review_url(app: SignInApp, city: str) -> str:
    return f"{app.url}/review?city={city}&exhibit={EXHIBIT}&lang=en"


def sign_in(page, app: SignInApp, sub: str, city: str = "konstanz") -> None:
    """On the review page press "Sign in", choose the predefined user on the provider's form,
    come back (Streamlit returns to the app's home page) and open the review again."""
    page.goto(review_url(app, city))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/oauth2/authorize**", timeout=60_000)
    page.get_by_role("button", name=sub, exact=True).click()
    page.wait_for_url(f"{app.url}/**", timeout=60_000)
    page.goto(review_url(app, city))
    page.get_by_text("Signed in as").wait_for(timeout=60_000)


def sign_out(page, app: SignInApp) -> None:
    page.get_by_role("button", name="Sign out").click()
    # Streamlit ends the session at the provider too (its end_session_endpoint); the mock
    # asks to confirm, then sends the browser back to the app.
    page.wait_for_url("**/oauth2/end_session**", timeout=60_000)
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(f"{app.url}/**", timeout=60_000)


def body(page) -> str:
    """The page's text as read (without the word joiners that keep addresses from linking)."""
    return page.locator("body").inner_text().replace("\u2060", "")


def note_form(page):
    return page.get_by_role("textbox", name="Note")


def test_signed_out_visitor_sees_no_form(page, app):
    page.goto(review_url(app, "konstanz"))
    page.get_by_role("button", name="Sign in").wait_for(timeout=60_000)
    page.get_by_text("Reading only: sign in").wait_for(timeout=60_000)
    assert not note_form(page).count()
    assert not page.get_by_role("button", name="Save the note").count()
    assert not page.get_by_role("textbox", name="Your name").count()  # no typed names


def test_konstanz_writes_a_note_heilbronn_cannot_change_it(browser, app):
    anna = new_page(browser)
    sign_in(anna, app, "anna")
    text = body(anna)
    assert "Signed in as Anna Beispiel (anna@konstanz.de)" in text
    assert "navigator for Konstanz: may write" in text
    note_form(anna).fill("Konstanz could run this on its own roofs")
    anna.get_by_role("button", name="Save the note").click()
    anna.get_by_text("Note saved.").wait_for(timeout=60_000)
    anna.get_by_role("button", name="Edit").first.wait_for(timeout=60_000)
    assert "Konstanz could run this on its own roofs" in body(anna)
    sign_out(anna, app)
    anna.goto(review_url(app, "konstanz"))  # the identity cookie is gone, not only the view
    anna.get_by_role("button", name="Sign in").wait_for(timeout=60_000)
    assert "Signed in as" not in body(anna)
    assert not note_form(anna).count()
    close(anna)

    hans = new_page(browser)  # a navigator of Heilbronn (role claim) on Konstanz's review
    sign_in(hans, app, "hans")
    hans.get_by_text("Konstanz could run this on its own roofs").wait_for(timeout=60_000)
    assert "navigator for Heilbronn: may write" in body(hans)
    assert not hans.get_by_role("button", name="Edit").count()
    assert not hans.get_by_role("button", name="Delete").count()
    assert not note_form(hans).count()
    assert "Read only: the signed-in navigators of this city" in body(hans)
    hans.goto(review_url(app, "heilbronn"))  # and his own city he may write
    note_form(hans).wait_for(timeout=60_000)
    close(hans)


def test_unmapped_user_reads_only_and_is_told(page, app):
    sign_in(page, app, "zoe")
    page.get_by_text("No role is set up").wait_for(timeout=60_000)
    text = body(page)
    assert "Signed in as Zoe Unbekannt" in text
    assert "No role is set up for zoe@example.org: reading only" in text
    assert not note_form(page).count()


# --------------------------------------------------------------------------- tours and leads

TOUR_STOPS = ("skaio", "buga-log", "holzpavillon")


def saved_tour(app: SignInApp, title: str) -> str:
    from dashboard import routing, store

    tours = store.TourStore(app.database)
    try:
        return tours.save_tour(routing.TourRequest(stops=TOUR_STOPS).to_dict(), title,
                               "buga2019-heilbronn")
    finally:
        tours.dispose()


def lead_store(app: SignInApp):
    from dashboard import store

    return store.LeadStore(app.database)


def test_signed_out_visitor_can_neither_save_a_tour_nor_lead(page, app):
    from dashboard import store

    tour_id = saved_tour(app, "Signed-out trial")
    saved_before = len(store.TourStore(app.database).list_tours(limit=1000))
    page.goto(f"{app.url}/planner?tour={tour_id}&lang=en")
    page.get_by_text("Viewing only: sign in as a guide to save and lead tours").wait_for()
    settled(page)
    assert not page.get_by_role("button", name="Save as new version").count()
    assert not page.get_by_role("button", name="Save tour").count()
    page.goto(f"{app.url}/lead?tour={tour_id}&lang=en")
    page.get_by_text("This tour is not being led right now").wait_for()
    settled(page)
    assert not page.get_by_role("button", name="Start").count()
    page.get_by_role("button", name="Sign in").wait_for()
    # Led from elsewhere: no Next, no End, no take-over form for a visitor.
    lead, _code, _key = lead_store(app).start(tour_id)
    page.reload()
    page.get_by_text("Only a signed-in guide can lead it").wait_for()
    settled(page)
    for name in ("Next", "Previous", "End the tour", "Take over"):
        assert not page.get_by_role("button", name=name).count(), name
    assert not page.get_by_label("Lead code").count()
    assert lead_store(app).get(lead.id).stop == 0
    assert len(store.TourStore(app.database).list_tours(limit=1000)) == saved_before


def test_a_signed_in_guide_saves_a_tour_and_leads_it(page, app):
    tour_id = saved_tour(app, "Guide trial")
    sign_in(page, app, "gina")
    assert "guide: manages tours" in body(page)
    # Each tap waits for the run that drew its button to end: a tap sent mid-run is answered
    # by a rerun that may draw the page again without acting on it (seen on a loaded machine).
    page.goto(f"{app.url}/planner?tour={tour_id}&lang=en")
    page.get_by_role("button", name="Save as new version").wait_for()
    settled(page)
    page.get_by_role("button", name="Save as new version").click()
    page.get_by_text("Saved as").wait_for()
    page.goto(f"{app.url}/lead?tour={tour_id}&lang=en")
    page.get_by_role("button", name="Start").wait_for()
    settled(page)
    page.get_by_role("button", name="Start").click()
    page.get_by_text("Your lead code").wait_for()
    lead = lead_store(app).active_for_tour(tour_id)
    assert lead is not None and lead.stop == 0
    settled(page)
    page.get_by_role("button", name="I have noted the code").click()
    page.get_by_role("button", name="Next").wait_for()
    settled(page)
    page.get_by_role("button", name="Next").click()
    page.get_by_text("Stop 2 of").wait_for()
    settled(page)
    assert lead_store(app).get(lead.id).stop == 1
    page.get_by_role("button", name="End the tour").click()
    page.get_by_role("button", name="Yes, end the tour").click()
    page.get_by_text("This tour is not being led right now").wait_for()
    assert lead_store(app).active_for_tour(tour_id) is None
