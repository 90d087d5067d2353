"""Deployment defaults: .streamlit/config.toml is safe for visitors; docs/deploy.md says how
to listen behind a proxy and how the database is set up."""

from __future__ import annotations

import tomllib

from conftest import ROOT
from streamlit import config as st_config


def app_config() -> dict:
    with (ROOT / ".streamlit" / "config.toml").open("rb") as fh:
        return tomllib.load(fh)


def test_visitors_see_no_error_details():
    cfg = app_config()
    assert cfg["client"]["showErrorDetails"] == "none"
    # A value Streamlit documents (the option's own help lists them).
    help_text = st_config._config_options_template["client.showErrorDetails"].description
    assert '"none"' in help_text
    assert cfg["client"]["toolbarMode"] == "viewer"
    assert cfg["browser"]["gatherUsageStats"] is False


def test_every_option_in_config_toml_is_a_streamlit_option():
    known = st_config._config_options_template
    for section, options in app_config().items():
        for name in options:
            assert f"{section}.{name}" in known, f"{section}.{name} is not a Streamlit option"


def test_protections_stay_on_and_the_address_is_left_to_the_start_command():
    server = app_config()["server"]
    assert server.get("enableXsrfProtection", True) is True
    assert server.get("enableCORS", True) is True
    assert "address" not in server  # `make run` stays on localhost; deploy.md sets it


def test_deploy_doc_names_the_address_the_settings_and_the_database():
    text = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    for needle in ("--server.address 127.0.0.1", "LERNREISE_BASE_URL", "LERNREISE_DATABASE_URL",
                   "python -m dashboard db upgrade", 'showErrorDetails = "none"', "WebSocket"):
        assert needle in text
