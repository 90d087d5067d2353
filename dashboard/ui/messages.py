"""Feedback for the person who tapped, drawn next to the control that caused it.

A write runs in a callback, before the page script; its outcome is kept here under a place
name (`say("review.note-form", "success", ...)`) and drawn where the page calls
`show("review.note-form")`: right under the button that was tapped, so "saved" or "not saved"
is in view where the person looks, not at the top of a long page. `toast=True` for successes
also shows a toast that names what happened (it floats in view and does not move the layout).

All of this module's session state is under "messages." (no page reads another's keys).
"""

from __future__ import annotations

import re

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


def show(where: str, *, toast: bool = False, into_view: bool = False) -> None:
    """Draw the messages of `where` here, once (a success also as a toast when toast=True).

    into_view=True for a place right next to the control: a message drawn under a button at
    the bottom edge of the screen would be just out of view, so the page scrolls the least
    it needs to show it (nothing moves when it is in view already)."""
    found = st.session_state.pop(_KEY + where, [])
    inline = [(level, message) for level, message in found
              if not (toast and level == "success")]
    for _level, message in found:
        if toast and _level == "success":
            st.toast(common.md_escape(message), icon=_ICONS["success"])
    if not inline:
        return
    name = "msg-" + re.sub(r"[^A-Za-z0-9_-]", "-", where)
    with st.container(key=name):
        for level, message in inline:
            common.notice(level, message, icon=_ICONS.get(level))
    if not into_view:
        return
    # Our own fixed script; `name` is made of [A-Za-z0-9_-] only.
    st.html(
        "<script>(function(){var d=window.parent&&window.parent.document||document;"
        f"setTimeout(function(){{var el=d.querySelector('.st-key-{name}');"
        "if(el){el.scrollIntoView({behavior:'instant',block:'nearest'});}},80);})();"
        "</script>", unsafe_allow_javascript=True)
