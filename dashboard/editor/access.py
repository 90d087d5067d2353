"""Who may edit exhibitions: the one module of the editor that knows dashboard.roles.

With sign-in on, an `editor` (or an admin) may edit; everyone else reads. Without sign-in
configured (open workshop mode) anyone may edit, as anyone may write notes there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

# A module reference, not names: roles imports dashboard.store.errors, whose package imports
# the exhibitions store, which imports this module; the names are looked up when called.
from dashboard import roles

if TYPE_CHECKING:
    from dashboard.roles import Actor, PermissionDenied

__all__ = ["Actor", "PermissionDenied", "editor_actor", "may_edit", "require_editor"]


def __getattr__(name: str) -> Any:
    if name in ("Actor", "PermissionDenied"):
        return getattr(roles, name)
    raise AttributeError(name)


def may_edit(actor: object) -> bool:
    return isinstance(actor, roles.Actor) and actor.role in (
        roles.Role.EDITOR, roles.Role.ADMIN, roles.Role.WORKSHOP)


def require_editor(actor: object) -> Actor:
    """`actor` if it may edit exhibitions; PermissionDenied otherwise."""
    if may_edit(actor):
        return actor  # type: ignore[return-value]
    who = actor.describe() if isinstance(actor, roles.Actor) else "no one signed in"
    raise roles.PermissionDenied(f"{who} may not edit exhibitions: sign in with the editor role")


def editor_actor(name: str) -> Actor:
    """The actor of the command line (whoever may run it may edit)."""
    return roles.Actor(roles.Role.EDITOR, name=roles.clean_name(name))


def author_of(actor: Actor) -> str:
    return actor.name or actor.email or actor.role.value
