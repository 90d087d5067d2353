"""Who may write what: visitors, navigators of a city, guides and admins, or open workshop mode.

An `Actor` is the person behind a call to the store. Every write of the review store takes one
and the store checks it (`require_city_writer`), so a page that forgot a check, an edited URL
parameter or a forged form value cannot write another city's notes.

Where the actor comes from:
- Sign-in configured (Streamlit `st.login`, OpenID Connect): `actor_from_user(st.user, ...)`
  reads the role from a claim (default `lernreise_role`, e.g. "navigator:konstanz", "guide",
  "admin", or a list of them), else from the roles file by e-mail address; a signed-in person
  found in neither is a visitor, and so is anyone not signed in.
- Nothing configured: open workshop mode (`Actor.workshop(name)`): anyone may write, authors
  type their name, and the page shows a banner saying so.

The roles file (YAML):

    users:
      anna@konstanz.de: {role: navigator, city: konstanz, name: "Anna B."}
      it@heilbronn.de:  {role: navigator, city: heilbronn}
      chef@example.org: {role: admin}

Each person once: the same address twice, also in another case (`Anna@…` and `anna@…`: e-mail
addresses are compared case-folded), is a problem of the file, never "the last one wins" (a
silent admin).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from dashboard.store.errors import StoreError

NAME_MAX = 100
DEFAULT_ROLE_CLAIM = "lernreise_role"


class Role(enum.StrEnum):
    VISITOR = "visitor"
    NAVIGATOR = "navigator"
    GUIDE = "guide"
    ADMIN = "admin"
    EDITOR = "editor"  # may edit exhibitions (dashboard/editor/access.py)
    WORKSHOP = "workshop"  # open workshop mode: nothing configured, anyone may write


# Higher wins when a claim lists several roles.
_RANK = {Role.VISITOR: 0, Role.GUIDE: 1, Role.EDITOR: 1, Role.NAVIGATOR: 2, Role.ADMIN: 3,
         Role.WORKSHOP: 3}


class PermissionDenied(StoreError):
    """The actor may not do this (a visitor writing, a navigator of another city)."""


class RolesFileError(StoreError):
    """The roles file cannot be read or is not valid; the message says where."""


@dataclass(frozen=True)
class Actor:
    """The person behind a call: role, city (navigators), display name and e-mail address."""

    role: Role
    name: str = ""
    city: str | None = None
    email: str | None = None
    # An editor's exhibitions ("editor:testgarten"); None: every exhibition ("editor").
    exhibitions: frozenset[str] | None = None

    @classmethod
    def visitor(cls) -> Actor:
        return cls(Role.VISITOR)

    @classmethod
    def workshop(cls, name: str = "") -> Actor:
        """Open workshop mode: anyone may write; `name` is what the author typed."""
        return cls(Role.WORKSHOP, name=clean_name(name))

    @classmethod
    def navigator(cls, city: str, name: str = "", email: str | None = None) -> Actor:
        return cls(Role.NAVIGATOR, name=clean_name(name), city=city, email=email)

    @classmethod
    def admin(cls, name: str = "", email: str | None = None) -> Actor:
        return cls(Role.ADMIN, name=clean_name(name), email=email)

    @classmethod
    def guide(cls, name: str = "", email: str | None = None) -> Actor:
        return cls(Role.GUIDE, name=clean_name(name), email=email)

    @property
    def open_mode(self) -> bool:
        return self.role is Role.WORKSHOP

    @property
    def can_write(self) -> bool:
        """Whether the actor may write any review data at all (a page shows forms if so)."""
        return self.role in (Role.NAVIGATOR, Role.ADMIN, Role.WORKSHOP)

    def can_write_city(self, city_id: str) -> bool:
        """Notes, follow-ups and topics of `city_id`: its navigators, admins, open mode."""
        if self.role in (Role.ADMIN, Role.WORKSHOP):
            return True
        return self.role is Role.NAVIGATOR and self.city == city_id

    def can_read_private(self, city_id: str) -> bool:
        """A city's unshared notes: whoever may write them."""
        return self.can_write_city(city_id)

    @property
    def can_manage_tours(self) -> bool:
        return self.role in (Role.GUIDE, Role.ADMIN, Role.WORKSHOP)

    @property
    def can_run_workshop(self) -> bool:
        """Form working groups (joint, for all cities): any navigator, admins, open mode."""
        return self.role in (Role.NAVIGATOR, Role.ADMIN, Role.WORKSHOP)

    def describe(self) -> str:
        where = f" ({self.city})" if self.city else ""
        if self.exhibitions is not None:
            where = f" ({', '.join(sorted(self.exhibitions))})"
        return f"{self.role.value}{where}"


def clean_name(name: object) -> str:
    """A display name: one line, trimmed, at most NAME_MAX characters."""
    if not isinstance(name, str):
        return ""
    text = " ".join("".join(c if c.isprintable() else " " for c in name).split())
    return text[:NAME_MAX]


def require_city_writer(actor: object, city_id: str, what: str = "notes") -> Actor:
    """`actor` if it may write `city_id`'s `what`; PermissionDenied otherwise."""
    if not isinstance(actor, Actor):
        raise PermissionDenied("no one is signed in: writing needs a navigator")
    if actor.can_write_city(city_id):
        return actor
    if actor.role is Role.NAVIGATOR:
        raise PermissionDenied(
            f"a navigator of {actor.city!r} cannot change {city_id!r}'s {what}"
        )
    raise PermissionDenied(f"{actor.describe()} may not change {what}: sign in as a navigator")


def require_workshop(actor: object) -> Actor:
    if isinstance(actor, Actor) and actor.can_run_workshop:
        return actor
    who = actor.describe() if isinstance(actor, Actor) else "no one"
    raise PermissionDenied(f"{who} may not change the workshop: sign in as a navigator")


# --- the roles file --------------------------------------------------------------------------


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    role: Role
    city: str | None = None
    name: str = Field(default="", max_length=NAME_MAX)
    # An editor's exhibitions (ids); left out: every exhibition.
    exhibitions: list[str] | None = Field(default=None, min_length=1, max_length=100)

    @model_validator(mode="after")
    def _city(self) -> _Entry:
        if self.role is Role.WORKSHOP:
            raise ValueError("'workshop' is the mode without configuration, not a role")
        if (self.role is Role.NAVIGATOR) != (self.city is not None):
            raise ValueError("a navigator needs a city, and only a navigator has one")
        if self.exhibitions is not None and self.role is not Role.EDITOR:
            raise ValueError("only an editor has exhibitions")
        return self


class _RolesFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    users: dict[str, _Entry] = Field(default_factory=dict)


@dataclass(frozen=True)
class Roles:
    """E-mail address (case-folded) → role entry, from a roles file."""

    users: Mapping[str, _Entry]

    def actor(self, email: str, name: str = "") -> Actor | None:
        entry = self.users.get(_fold(email))
        if entry is None:
            return None
        return Actor(entry.role, name=clean_name(entry.name or name or email), city=entry.city,
                     email=email, exhibitions=frozenset(entry.exhibitions)
                     if entry.exhibitions is not None else None)


def _fold(email: str) -> str:
    return email.strip().casefold()


class _DuplicateKey(yaml.YAMLError):
    """A key written twice in one mapping of the roles file."""


class _RolesLoader(yaml.SafeLoader):
    """The safe loader, but a key written twice in one mapping is an error (plain YAML keeps
    the last one silently: a second entry would replace the first person's role)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue  # the constructor reports complex keys itself
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if key in seen:
                raise _DuplicateKey(f"{_shown(key)} appears twice (lines {seen[key]} and "
                                    f"{line}): each person once")
            seen[key] = line
        return super().construct_mapping(node, deep=deep)


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def parse_roles(data: Any, cities: Iterable[str] | None = None, label: str = "roles") -> Roles:
    """Roles from the parsed YAML; RolesFileError names the entry and field at fault."""
    try:
        parsed = _RolesFile.model_validate(data if data is not None else {})
    except ValidationError as exc:
        first = exc.errors(include_url=False, include_input=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        message = first["msg"].removeprefix("Value error, ")
        raise RolesFileError(f"{label}: {where}: {message}") from None
    known = set(cities) if cities is not None else None
    users: dict[str, _Entry] = {}
    spelled: dict[str, str] = {}
    twice = []
    for email, entry in parsed.users.items():
        if known is not None and entry.city is not None and entry.city not in known:
            raise RolesFileError(f"{label}: users.{email}.city: unknown city {entry.city!r}")
        folded = _fold(email)
        if folded in users:
            twice.append(f"{_shown(spelled[folded])} and {_shown(email)}")
            continue
        users[folded], spelled[folded] = entry, email
    if twice:
        raise RolesFileError(f"{label}: users: the same address twice (case does not matter): "
                             f"{'; '.join(twice)}; each person once")
    return Roles(users)


def load_roles(path: Path | str, cities: Iterable[str] | None = None) -> Roles:
    """Read a roles file; RolesFileError when it is missing or invalid."""
    path = Path(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_RolesLoader)  # noqa: S506
    except _DuplicateKey as exc:
        raise RolesFileError(f"the roles file {path.name}: users: {exc}") from None
    except OSError as exc:
        raise RolesFileError(f"the roles file {path.name} cannot be read: {exc.strerror}") \
            from None
    except yaml.YAMLError as exc:
        raise RolesFileError(f"the roles file {path.name} is not valid YAML: {exc}") from None
    return parse_roles(data, cities, label=path.name)


def _claimed(value: object) -> list[tuple[Role, str | None]]:
    """Roles in a claim: "admin", "navigator:konstanz", "editor:testgarten" (an editor of
    that exhibition; "editor" alone: of every one), or a list of such strings."""
    items = value if isinstance(value, list | tuple) else [value]
    found = []
    for item in items:
        if not isinstance(item, str):
            continue
        role, _, city = item.strip().partition(":")
        try:
            parsed = Role(role.strip().lower())
        except ValueError:
            continue
        scope = city.strip()  # a navigator's city, an editor's exhibition
        if parsed is Role.WORKSHOP or (parsed is Role.NAVIGATOR and not scope):
            continue
        if scope and parsed not in (Role.NAVIGATOR, Role.EDITOR):
            continue
        found.append((parsed, scope or None))
    return found


def actor_from_user(
    user: Mapping[str, Any] | None,
    roles: Roles | None = None,
    *,
    claim: str = DEFAULT_ROLE_CLAIM,
    cities: Iterable[str] | None = None,
) -> Actor:
    """The actor for a signed-in user's claims (`st.user` as a mapping); visitor otherwise.

    The role claim wins over the roles file; a navigator of a city not in `cities` (when
    given) is not trusted and becomes a visitor.
    """
    if not user or not user.get("is_logged_in", True):
        return Actor.visitor()
    email = user.get("email") if isinstance(user.get("email"), str) else None
    name = clean_name(user.get("name") or email or "")
    claimed = sorted(_claimed(user.get(claim)), key=lambda rc: _RANK[rc[0]], reverse=True)
    known = set(cities) if cities is not None else None
    for role, city in claimed:
        if role is Role.EDITOR:  # every editor claim counts: "editor:a", "editor:b"
            scopes = [c for r, c in claimed if r is Role.EDITOR]
            exhibitions = None if None in scopes else frozenset(c for c in scopes if c)
            return Actor(role, name=name, email=email, exhibitions=exhibitions)
        if city is None or known is None or city in known:
            return Actor(role, name=name, city=city, email=email)
    if roles is not None and email and user.get("email_verified", True) is not False:
        found = roles.actor(email, name)
        if found is not None:
            return found
    return Actor.visitor()


def resolve_actor(
    *,
    auth_configured: bool,
    user: Mapping[str, Any] | None = None,
    roles: Roles | None = None,
    typed_name: str = "",
    claim: str = DEFAULT_ROLE_CLAIM,
    cities: Iterable[str] | None = None,
) -> Actor:
    """The one entry for a page: open workshop mode when neither sign-in nor a roles file is
    configured, else the signed-in user's role (visitor when not signed in)."""
    if not auth_configured and roles is None:
        return Actor.workshop(typed_name)
    actor = actor_from_user(user, roles, claim=claim, cities=cities)
    return actor
