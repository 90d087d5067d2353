"""Follow the guide, the rules without Streamlit: where a following tablet goes when it polls.

A tablet remembers the guide's stop it last went to (`synced`). When the guide moves and the
visitor is still where the guide was, the tablet goes along; a visitor who went to another stop
by hand stays there and is offered a jump to the guide. Pages ask `follow_step` on every poll
and do what it says (dashboard/ui/lead_page.py).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FollowStep:
    """What a following tablet does now."""

    move_to: int | None  # go to this stop (0-based), or stay
    synced: int | None  # the guide's stop the tablet now follows from
    away: bool  # the visitor is at another stop than the guide (offer the jump)


def clamp(stop: int, count: int) -> int:
    return max(0, min(count - 1, stop))


def follow_step(visitor_stop: int, synced: int | None, guide_stop: int, following: bool,
                count: int) -> FollowStep:
    """The next step of a tablet at `visitor_stop` of `count` stops whose guide is at
    `guide_stop`; `synced` is the guide's stop it last went to (None: not yet)."""
    guide = clamp(guide_stop, count)
    if visitor_stop == guide:
        return FollowStep(None, guide, False)
    if not following:
        return FollowStep(None, synced, True)
    if synced is None or visitor_stop == synced:
        # First poll while following, or the guide moved on from where the visitor was.
        return FollowStep(guide, guide, False)
    return FollowStep(None, synced, True)  # looked elsewhere by hand: stay there
