"""The account area: who is using the page, and may they write?

`account_bar(catalog, lang)` renders it and returns the current `Actor`; a page hands that
actor to every store call (the store, not the page, refuses what the actor may not do).

- No `[auth]` section in the secrets and no roles file: open workshop mode. A banner says
  that anyone may write; authors type their name (kept in session state, shown escaped).
- `[auth]` configured (Streamlit's `st.login`, OpenID Connect): "Sign in" while signed out
  (the page is read-only then); once signed in the name or e-mail address, "Sign out", and the
  role and city from the `lernreise_role` claim or from the roles file (LERNREISE_ROLES_FILE).
  A signed-in user with no role reads only and is told so.
- The planner and the lead view show the same bar for tours (`purpose="tours"`): saving a
  tour and starting, moving, ending or taking over a lead need a guide or an admin once sign-in
  is configured; in open mode a line says that anyone may (no name is asked for there).
  Callbacks check again with `current_actor` (nothing drawn): what a page does not offer, a
  forged trigger cannot do either.
- A secrets file that does not parse, or a roles file that cannot be used (reported with file
  and entry), grants nobody anything; a roles file without sign-in configured also means
  reading only, never open mode: a broken or half-finished set-up must not open the app for
  writing.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit import config as st_config

from dashboard import catalog as cat
from dashboard import settings
from dashboard.i18n import t
from dashboard.roles import (
    Actor,
    Role,
    Roles,
    RolesFileError,
    clean_name,
    load_roles,
    resolve_actor,
)
from dashboard.ui.common import caption, md_escape, notice

_LOG = logging.getLogger(__name__)
ROLES_SETTING = "LERNREISE_ROLES_FILE"
NAME = "auth.name"  # the name typed in open workshop mode (plain key: survives page changes)
_NAME_WIDGET = "w.auth.name"


# --------------------------------------------------------------------------- configuration


def _secrets_files() -> list[Path]:
    return [Path(p) for p in st_config.get_option("secrets.files")]


def auth_section() -> Mapping[str, Any] | None:
    """The `[auth]` section of the secrets; {} when there is none or no secrets file at all;
    None when a secrets file exists but cannot be read (sign-in may have been meant: the bar
    then fails closed instead of opening the workshop mode)."""
    try:
        section = st.secrets.get("auth")
    except FileNotFoundError as exc:  # Streamlit's "no secrets" and "do not parse" errors
        if any(p.exists() for p in _secrets_files()):
            _LOG.error("sign-in is off, the secrets cannot be read: %s", exc)
            return None
        return {}
    return section if isinstance(section, Mapping) else {}


def auth_configured() -> bool:
    return bool(auth_section())


def providers(section: Mapping[str, Any]) -> list[str | None]:
    """The providers to offer for `st.login`: None for the one set directly in `[auth]`,
    else the names of its `[auth.NAME]` subsections."""
    if section.get("client_id") or section.get("server_metadata_url"):
        return [None]
    return [name for name, value in section.items() if isinstance(value, Mapping)]


def roles_file() -> Path | None:
    """The roles file named by LERNREISE_ROLES_FILE, or None when it is not set."""
    value = settings.get(ROLES_SETTING).strip()
    return Path(value) if value else None


def _file_key(path: Path) -> tuple:
    try:
        stat = path.stat()
        return (stat.st_size, stat.st_mtime_ns)
    except OSError:
        return (None, None)


@st.cache_resource(show_spinner=False, max_entries=4)
def _load_roles(path: str, file_key: tuple, cities: tuple[str, ...]) -> Roles:
    # Shared and read-only (a frozen mapping); an edited file has another key and is read again.
    # Errors are not cached: a fixed file works on the next run.
    return load_roles(path, cities)


def load_configured_roles(catalog: cat.Catalog) -> Roles | None:
    """The roles of LERNREISE_ROLES_FILE (None when unset); RolesFileError when unusable."""
    path = roles_file()
    if path is None:
        return None
    return _load_roles(str(path), _file_key(path), tuple(catalog.cities))


def current_user() -> dict[str, Any]:
    """`st.user` as a plain dict ({} when nothing is known)."""
    return dict(st.user.to_dict())


# --------------------------------------------------------------------------- the bar


def _role_text(catalog: cat.Catalog, actor: Actor, lang: str) -> str:
    if actor.role is Role.NAVIGATOR and actor.city in catalog.cities:
        city_name = catalog.text(catalog.cities[actor.city].name, lang)
        return t("auth.role.navigator", lang, city=city_name)
    return t(f"auth.role.{actor.role.value}", lang)


def _keep_name() -> None:
    st.session_state[NAME] = clean_name(st.session_state.get(_NAME_WIDGET, ""))


def current_actor(catalog: cat.Catalog) -> Actor:
    """The actor of this session as account_bar would return it, without drawing anything:
    for callbacks, which check the role again before they write."""
    section = auth_section()
    if section is None:
        return Actor.visitor()
    try:
        roles = load_configured_roles(catalog)
    except RolesFileError:
        return Actor.visitor()
    if not section:
        return Actor.workshop(st.session_state.get(NAME, "")) if roles is None \
            else Actor.visitor()
    user = current_user()
    if not user.get("is_logged_in"):
        return Actor.visitor()
    return resolve_actor(auth_configured=True, user=user, roles=roles,
                         cities=tuple(catalog.cities))


# What the bar says, for the review's notes and for tours (planner, lead view).
_TEXTS = {
    "notes": {"open": "auth.workshop_banner", "signed_out": "auth.read_only_signed_out",
              "read_only": "auth.read_only_role"},
    "tours": {"open": "auth.open_tours", "signed_out": "auth.read_only_signed_out_tours",
              "read_only": "auth.read_only_role_tours"},
}


def _may(actor: Actor, purpose: str) -> bool:
    return actor.can_manage_tours if purpose == "tours" else actor.can_write


def _workshop(lang: str, purpose: str = "notes") -> Actor:
    notice("info", t(_TEXTS[purpose]["open"], lang), icon=":material/groups:")
    if purpose == "tours":  # tours have no author: no name to type
        return Actor.workshop(st.session_state.get(NAME, ""))
    st.session_state[_NAME_WIDGET] = st.session_state.get(NAME, "")
    st.text_input(t("auth.your_name", lang), key=_NAME_WIDGET, on_change=_keep_name,
                  max_chars=100, placeholder=t("auth.your_name_hint", lang))
    return Actor.workshop(st.session_state.get(NAME, ""))


def _signed_out(section: Mapping[str, Any], lang: str, purpose: str = "notes") -> Actor:
    caption(t(_TEXTS[purpose]["signed_out"], lang))
    names = providers(section)
    for provider in names or [None]:
        label = t("auth.sign_in", lang) if provider is None or len(names) == 1 else \
            t("auth.sign_in_with", lang, provider=provider)
        if st.button(label, key=f"auth-login-{provider or 'default'}",
                     icon=":material/login:"):
            if provider is None:
                st.login()
            else:
                st.login(provider)
    return Actor.visitor()


def _signed_in(catalog: cat.Catalog, user: Mapping[str, Any], roles: Roles | None,
               lang: str, purpose: str = "notes") -> Actor:
    actor = resolve_actor(auth_configured=True, user=user, roles=roles,
                          cities=tuple(catalog.cities))
    who = actor.name or clean_name(user.get("name") or user.get("email") or "")
    email = user.get("email") if isinstance(user.get("email"), str) else ""
    cols = st.columns([4, 1], vertical_alignment="center")
    with cols[0]:
        line = t("auth.signed_in_as", lang, name=who)
        if email and email != who:
            line += f" ({email})"
        line += " · " + _role_text(catalog, actor, lang)
        st.markdown(md_escape(line))
    with cols[1]:
        if st.button(t("auth.sign_out", lang), key="auth-logout", icon=":material/logout:"):
            st.logout()  # the browser is sent to the sign-out address; nothing more is written
            return Actor.visitor()
    if actor.role is Role.VISITOR:
        notice("warning", t("auth.no_role", lang, email=email or who))
    elif not _may(actor, purpose):
        caption(t(_TEXTS[purpose]["read_only"], lang))
    return actor


def account_bar(catalog: cat.Catalog, lang: str, purpose: str = "notes") -> Actor:
    """Render the account area and return the current actor (see the module docstring);
    `purpose` is what the page writes: "notes" (the review) or "tours" (planner, lead)."""
    section = auth_section()
    if section is None:
        notice("error", t("auth.secrets_error", lang), icon=":material/error:")
        return Actor.visitor()
    roles: Roles | None = None
    roles_broken = False
    try:
        roles = load_configured_roles(catalog)
    except RolesFileError as exc:
        roles_broken = True
        notice("error", t("auth.roles_error", lang, error=str(exc)), icon=":material/error:")
    with st.container(key="auth-bar"):
        if not section:
            if roles is None and not roles_broken:
                return _workshop(lang, purpose)
            # A roles file but no sign-in: nobody can prove who they are; read only.
            notice("warning", t("auth.not_configured", lang))
            return Actor.visitor()
        user = current_user()
        if not user.get("is_logged_in"):
            return _signed_out(section, lang, purpose)
        return _signed_in(catalog, user, roles, lang, purpose)
