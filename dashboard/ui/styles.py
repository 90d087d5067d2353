"""The pages' stylesheets: one file per concern in static/css/, included with st.html.

Streamlit serves ./static only under /app/static/ (enableStaticServing) and a <link> to it
would load after the first paint (the page would jump); the files are small, so they are read
once per process and inlined as one <style> element per run. No user text is ever in them.

Selectors on Streamlit's internal `data-testid` attributes are listed at the top of each file
with the Streamlit version they were checked against; tests/test_browser_styles.py fails when a
listed attribute is no longer in the page.
"""

from __future__ import annotations

import functools
from pathlib import Path

import streamlit as st

CSS_DIR = Path(__file__).resolve().parents[2] / "static" / "css"
# What each stylesheet is for (its file is static/css/<name>.css).
SHEETS = {
    "touch": "every page: 44 px targets, stacked columns on narrow screens, step buttons",
    "planner": "the planner: icon buttons of the stop list, settings, share links",
    "kiosk": "the visitor page: no Streamlit chrome, big Previous/Next, visitor settings",
    "kiosk-large": "the visitor page with 'Larger text': everything scales",
    "lead": "the guide's page and the tablets' Follow the guide panel: 64 px controls, the code",
    "review": "the review: 44 px tab control, notes' HTML without a trailing margin",
}


@functools.cache
def css(name: str) -> str:
    """The text of static/css/<name>.css (a known sheet only)."""
    if name not in SHEETS:
        raise KeyError(f"unknown stylesheet {name!r}; known: {', '.join(SHEETS)}")
    return (CSS_DIR / f"{name}.css").read_text(encoding="utf-8")


def apply(*names: str) -> None:
    """Include the named stylesheets (each once, in order) as one <style> element."""
    unique = list(dict.fromkeys(names))
    if unique:
        st.html("<style>\n" + "\n".join(css(n) for n in unique) + "\n</style>")
