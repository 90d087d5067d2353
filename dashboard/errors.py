"""The project's exceptions, in one place. Each subclasses ValueError (bad input, not a bug).

Also the helpers every message uses for text it did not write itself: `visible` (control,
bidi and escape characters shown as escapes, never sent raw to a terminal or page), `shown`
(a bad value's repr cut to a readable length, saying how long it was) and `untrusted` (a value
from a URL, the database or a user as the pages' and the command line's messages quote it).
"""

from __future__ import annotations

import re
import reprlib
import unicodedata
from dataclasses import dataclass
from typing import Any

# Characters that reorder or hide text (Trojan Source, CVE-2021-42574) besides the C0/C1
# controls: bidi embeddings, overrides, isolates and marks, plus invisible separators.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_INVISIBLE = BIDI_CONTROLS | frozenset("\u2028\u2029\ufeff\u200b")
SHOWN_CHARS = 80  # a bad value in a message is cut to about this many characters


_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f" + "".join(sorted(_INVISIBLE)) + "]")
_UNSAFE_NO_NEWLINES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f" + "".join(sorted(_INVISIBLE))
                                 + "]")


def is_unsafe_char(char: str, allow_newlines: bool = False) -> bool:
    """A character that must not appear in names and ids: controls, bidi, invisibles."""
    if allow_newlines and char in "\n\t":
        return False
    return char in _INVISIBLE or unicodedata.category(char) == "Cc"


def unsafe_chars(text: str, allow_newlines: bool = False) -> list[str]:
    """The offending characters of text, each as its escape (e.g. '\\u202e'), in order."""
    pattern = _UNSAFE_NO_NEWLINES if allow_newlines else _UNSAFE
    if not pattern.search(text):  # the common case, at C speed
        return []
    return list(dict.fromkeys(_escape(m) for m in pattern.findall(text)))


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """text with every control, bidi and invisible character written as an escape.

    Use it for anything printed to a terminal or a log that came from data, a URL or a user:
    an ESC cannot colour or clear the terminal, a U+202E cannot reverse what follows.
    Backslashes are left alone (the escapes are for reading, not for parsing back).
    """
    if text.isprintable() and not any(c in _INVISIBLE for c in text):
        return text
    return "".join(
        _escape(c) if is_unsafe_char(c) or (not c.isprintable() and c != " ") else c for c in text
    )


UNTRUSTED_CHARS = 40  # a value from a URL or a user in a message: an id is shorter


def untrusted(value: object, limit: int = UNTRUSTED_CHARS) -> str:
    """A value from a URL, the database or a user, as every message quotes it: cut to `limit`
    characters (with "…"), and every control, bidi or invisible character written as its
    escape (a U+202E cannot reverse the rest of the message). Pages add the Markdown escapes
    (dashboard.ui.common.md_escape also keeps web addresses from becoming links)."""
    text = value if isinstance(value, str) else str(value)
    return visible(text if len(text) <= limit else text[:limit] + "…")


_repr = reprlib.Repr()
_repr.maxstring = SHOWN_CHARS
_repr.maxother = SHOWN_CHARS
_repr.maxlist = _repr.maxtuple = _repr.maxdict = _repr.maxset = 6
_repr.maxlevel = 3
_repr.maxlong = 40


def shown(value: Any) -> str:
    """A bad value for a message: its repr, cut to a readable size, with its length if cut.

    Never the whole value: a 50 MB description or an expanded alias bomb stays one short line.
    """
    if isinstance(value, str):
        if len(value) <= SHOWN_CHARS:
            return repr(value)
        return f"{value[: SHOWN_CHARS - 20]!r}… ({len(value):,} characters)"
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 128:
        return f"a number of about {int(value.bit_length() * 0.30103) + 1:,} digits"
    try:
        text = _repr.repr(value)
    except (RecursionError, ValueError):
        return f"a {type(value).__name__}"
    return text if len(text) <= 2 * SHOWN_CHARS else f"{text[: 2 * SHOWN_CHARS]}…"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a data folder, located as precisely as we can."""

    file: str
    message: str
    item: str | None = None  # e.g. "exhibit 'holzpavillon'" or "feature 3"
    field: str | None = None  # dotted path inside the item, e.g. "location.lat"

    def __str__(self) -> str:
        where = [self.file]
        if self.item:
            where.append(self.item)
        if self.field:
            where.append(f"field {self.field!r}")
        return visible(": ".join([*where, self.message]))


class DataError(ValueError):
    """A data folder that cannot be used; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the data folder"
        super().__init__(head + ":\n" + "\n".join(f"- {p}" for p in self.problems))


class UnknownExhibitError(ValueError):
    """An exhibit id that the catalogue does not have (e.g. from a URL)."""

    def __init__(self, exhibit_id: str):
        self.exhibit_id = exhibit_id
        super().__init__(f"unknown exhibit id {visible(repr(exhibit_id))}")
