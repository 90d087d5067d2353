"""Feedback for the person who tapped, drawn next to the control that caused it.

A write runs in a callback, before the page script; its outcome is kept here under a place
name (`say("review.note-form", "success", ...)`) and drawn where the page calls
`show("review.note-form")`: right under the button that was tapped, so "saved" or "not saved"
is in view where the person looks, not at the top of a long page. `toast=True` for successes
also shows a toast that names what happened (it floats in view and does not move the layout).

All of this module's session state is under "messages." (no page reads another's keys).
"""

from __future__ import annotations

import streamlit as st

from dashboard.ui import common

_KEY = "messages."
_ICONS = {"success": ":material/check_circle:", "info": ":material/info:",
          "warning": ":material/warning:", "error": ":material/error:"}


def say(where: str, level: str, message: str) -> None:
    """Keep a message for the place `where` (from a callback or the page itself)."""
    st.session_state.setdefault(_KEY + where, []).append((level, message))


def pending(where: str) -> list[tuple[str, str]]:
    """The messages waiting for `where` (for tests and for a page that decides its layout)."""
    return list(st.session_state.get(_KEY + where, []))


def show(where: str, *, toast: bool = False) -> None:
    """Draw the messages of `where` here, once (a success also as a toast when toast=True)."""
    for level, message in st.session_state.pop(_KEY + where, []):
        if toast and level == "success":
            st.toast(common.md_escape(message), icon=_ICONS["success"])
        else:
            common.notice(level, message, icon=_ICONS.get(level))
