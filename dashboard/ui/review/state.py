"""The review page's state in one typed object that owns every session key of the page.

Why it is shaped like this (each point was a crash or a lost text before):
- Streamlit 1.5x+ keeps a picker's value as its *label* on the wire and looks it up again by
  label on the next run. A label that changes (a count in it, another language) then comes
  back as a bare string that is no option at all. So every picker chooses among ids, its
  labels come from `format_func`, and its value is kept here as the id and written into the
  widget before the widget is drawn (`bind`): the widget never carries a stale label.
- A widget that is not drawn in a run (another tab open, the database down and the page
  stopped early) loses its value in Streamlit. Everything typed is therefore copied into
  `values` at the start of every run and callback (`load`), and put back when drawn again: a
  failed write, a closed tab or a reload of the data keeps the text and the choices.
- A write's button key and callback carry a generation that goes up after each successful
  write (`button_key`, `is_current`): Streamlit keeps the callbacks of buttons no longer
  drawn and runs one again for a tap it delivers twice; that repeat finds an old generation
  and stores nothing.

Keys: the object itself under "review.state", widgets under "review.w.<path>" where <path>
names the draft (e.g. "new.konstanz.text", "fu.action", "exhibit").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

P = "review."
W = P + "w."  # widget keys
_STATE = P + "state"
TABS = ("exhibits", "follow_ups", "workshop", "report", "insights")
_UNSET = object()


@dataclass
class Editing:
    """The note being edited and the version it was loaded at."""

    note_id: int
    version: int


@dataclass
class Conflict:
    """A save that met a newer version: both texts, and the version to save over."""

    note_id: int
    version: int
    theirs: str
    yours: str


@dataclass
class ReviewState:
    """What the review page remembers for one person (see the module's docstring)."""

    tab: str = TABS[0]
    exhibit: str | None = None  # the exhibit under review (?exhibit=)
    bad_exhibit: str | None = None  # an ?exhibit= the data does not know (warned once)
    editing: Editing | None = None
    conflict: Conflict | None = None
    undo: int | None = None  # the note just deleted: the Undo box restores it
    values: dict[str, Any] = field(default_factory=dict)  # drafts and choices by path
    generations: dict[str, int] = field(default_factory=dict)

    # ----- one object per session

    @classmethod
    def load(cls) -> ReviewState:
        """The session's state, with what the widgets of the last run hold copied in."""
        s = st.session_state
        state = s.get(_STATE)
        if not isinstance(state, ReviewState):
            state = s[_STATE] = cls()
        state.capture()
        return state

    def capture(self) -> None:
        s = st.session_state
        for key in list(s.keys()):
            if isinstance(key, str) and key.startswith(W):
                self.values[key[len(W):]] = s[key]

    # ----- widgets

    @staticmethod
    def key(path: str) -> str:
        return W + path

    def value(self, path: str, default: Any = None) -> Any:
        return self.values.get(path, default)

    def bind(self, path: str, default: Any, options: Iterable[Any] | None = None) -> str:
        """The key of the widget for `path`, holding the kept value (or `default` when there
        is none or it is no longer one of `options`). Call right before drawing the widget."""
        value = self.values.get(path, _UNSET)
        if value is _UNSET or (options is not None and value not in list(options)):
            value = default
        self.values[path] = value
        st.session_state[W + path] = value
        return W + path

    def set(self, path: str, value: Any) -> None:
        """Change a kept value, and its widget: only in callbacks or before it is drawn."""
        self.values[path] = value
        st.session_state[W + path] = value

    def forget(self, prefix: str) -> None:
        """Drop the kept values under `prefix` (a draft that was saved or cancelled)."""
        for path in [p for p in self.values if p.startswith(prefix)]:
            del self.values[path]
            st.session_state.pop(W + path, None)

    def button_key(self, name: str) -> str:
        """A write button's key: a new one after each successful write (see the docstring)."""
        return f"{P}{name}-{self.generation(name)}"

    def generation(self, name: str) -> int:
        """Hand this to the button's callback and ask `is_current` there: Streamlit keeps the
        callback of a button that is no longer drawn, and runs it for a repeated tap."""
        return self.generations.get(name, 0)

    def is_current(self, name: str, generation: int) -> bool:
        return generation == self.generation(name)

    def written(self, name: str) -> None:
        self.generations[name] = self.generation(name) + 1

    # ----- tabs

    def choose_tab(self) -> None:
        """The tab control's callback: a tap on the open tab (no choice) keeps it open."""
        chosen = st.session_state.get(W + "tab")
        if chosen in TABS:
            self.tab = chosen
        self.values["tab"] = self.tab
