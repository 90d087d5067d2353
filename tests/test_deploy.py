"""Deployment defaults: .streamlit/config.toml is safe for visitors; docs/deploy.md says how
to listen behind a proxy and how the database is set up."""

from __future__ import annotations

import re
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


def nginx_directive(text: str, name: str) -> list[str]:
    """The values of every `name ...;` directive in an nginx file (comments left out)."""
    body = "\n".join(line.split("#", 1)[0] for line in text.splitlines())
    return [m.group(1).split() for m in re.finditer(rf"(?m)^\s*{name}\s+([^;]*);", body)]


def test_nginx_compresses_every_text_type_with_gzip_and_brotli_alike():
    """The deployment tablets use compresses what Streamlit sends plain (tests/test_replicas.py
    proves it live); brotli.conf names the same types, and CI installs the brotli module."""
    template = (ROOT / "deploy" / "nginx" / "lernreise.conf.template").read_text()
    brotli = (ROOT / "deploy" / "nginx" / "brotli.conf").read_text()
    assert nginx_directive(template, "gzip") == [["on"]]
    assert nginx_directive(template, "gzip_proxied") == [["any"]]
    assert nginx_directive(template, "gzip_vary") == [["on"]]
    (gzip_types,) = nginx_directive(template, "gzip_types")
    for needed in ("application/javascript", "text/javascript", "text/css", "application/json",
                   "image/svg+xml"):
        assert needed in gzip_types
    assert nginx_directive(brotli, "brotli") == [["on"]]
    assert nginx_directive(brotli, "brotli_types") == [gzip_types]
    # nginx compresses, so the replicas are asked for plain bytes (sub_filter needs them too).
    assert ["Accept-Encoding", '""'] in nginx_directive(template, "proxy_set_header")
    assert "libnginx-mod-http-brotli-filter" in (ROOT / ".ci" / "run").read_text()
    doc = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    assert "deploy/nginx/brotli.conf" in doc and "libnginx-mod-http-brotli-filter" in doc


def test_nginx_tells_each_page_the_apps_root_but_not_component_frames():
    """Streamlit's frontend on /planner first asks /planner/_stcore/health (a 404 in every
    console, Streamlit issue #7074) unless the page names the app's root."""
    template = (ROOT / "deploy" / "nginx" / "lernreise.conf.template").read_text()
    assert nginx_directive(template, "sub_filter") == [['"<head>"', "$lernreise_head"]]
    head_map = re.search(r"map \$uri \$lernreise_head \{(.*?)\n\}", template, re.S).group(1)
    assert "~^/component/" in head_map
    assert "window.__streamlit={BACKEND_BASE_URL:location.origin+'/'}" in head_map
