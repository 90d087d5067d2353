"""Who may edit exhibitions: the one module of the editor that knows dashboard.roles.

With sign-in on, an `editor` (or an admin) may edit; everyone else reads. The role can be
given per exhibition ("editor:testgarten" in the claim, `exhibitions: [testgarten]` in the
roles file): such an editor edits those exhibitions only and starts no new one. Without sign-in
configured (open workshop mode) anyone may edit, as anyone may write notes there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

# A module reference, not names: roles imports dashboard.store.errors, whose package imports
# the exhibitions store, which imports this module; the names are looked up when called.
from dashboard import roles

if TYPE_CHECKING:
    from dashboard.roles import Actor, PermissionDenied

__all__ = ["Actor", "PermissionDenied", "editor_actor", "may_create", "may_edit",
           "require_creator", "require_editor"]


def __getattr__(name: str) -> Any:
    if name in ("Actor", "PermissionDenied"):
        return getattr(roles, name)
    raise AttributeError(name)


def may_edit(actor: object, exhibition_id: str | None = None) -> bool:
    """Whether the actor may edit `exhibition_id` (None: any exhibition at all). An editor
    with exhibitions ("editor:testgarten") edits only those; "editor" alone, an admin and
    open workshop mode edit every one."""
    if not isinstance(actor, roles.Actor):
        return False
    if actor.role in (roles.Role.ADMIN, roles.Role.WORKSHOP):
        return True
    if actor.role is not roles.Role.EDITOR:
        return False
    return actor.exhibitions is None or exhibition_id is None \
        or exhibition_id in actor.exhibitions


def may_create(actor: object) -> bool:
    """A new exhibition: whoever may edit every one (an editor of some exhibitions keeps to
    them)."""
    return may_edit(actor) and getattr(actor, "exhibitions", None) is None


def require_editor(actor: object, exhibition_id: str | None = None) -> Actor:
    """`actor` if it may edit `exhibition_id`; PermissionDenied otherwise."""
    if may_edit(actor, exhibition_id):
        return actor  # type: ignore[return-value]
    who = actor.describe() if isinstance(actor, roles.Actor) else "no one signed in"
    what = f"exhibition {exhibition_id!r}" if exhibition_id else "exhibitions"
    raise roles.PermissionDenied(f"{who} may not edit {what}: sign in with the editor role "
                                 "for it")


def require_creator(actor: object) -> Actor:
    """`actor` if it may start a new exhibition; PermissionDenied otherwise."""
    if may_create(actor):
        return actor  # type: ignore[return-value]
    who = actor.describe() if isinstance(actor, roles.Actor) else "no one signed in"
    raise roles.PermissionDenied(f"{who} may not start a new exhibition: that needs the "
                                 "editor role for every exhibition")


def editor_actor(name: str) -> Actor:
    """The actor of the command line (whoever may run it may edit)."""
    return roles.Actor(roles.Role.EDITOR, name=roles.clean_name(name))


def author_of(actor: Actor) -> str:
    return actor.name or actor.email or actor.role.value
