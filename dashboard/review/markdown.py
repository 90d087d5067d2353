"""Note and topic text (Markdown) as safe HTML, with markdown-it-py.

Safe by construction rather than by cleaning afterwards: raw HTML is off (`html: False`, so
`<script>` and `<img onerror=…>` come out as escaped text), links are kept only for http(s)
and mailto addresses (`javascript:`, `data:`, `vbscript:` … stay as plain text), images are
not rendered (a note cannot make every reader's browser fetch a URL), and `$` is written as
an entity so that Streamlit's Markdown does not read `${…}` as LaTeX. Every link opens in a new
tab with `rel="noopener noreferrer nofollow"`.
"""

from __future__ import annotations

import functools
import html
import re
from urllib.parse import urlsplit

from markdown_it import MarkdownIt

ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})


def is_safe_link(url: str) -> bool:
    """Whether `url` may become a link: http(s) or mailto, nothing else (no relative URLs
    either: a note's link should not point into the app)."""
    stripped = "".join(url.split()).lower()  # "java\nscript:" is javascript: to a browser
    try:
        scheme = urlsplit(stripped).scheme
    except ValueError:
        return False
    return scheme in ALLOWED_SCHEMES and not any(ord(c) < 32 for c in url)


@functools.cache
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.disable(["image", "html_inline", "html_block"])
    md.validateLink = is_safe_link  # type: ignore[method-assign]

    def link_open(renderer, tokens, idx, options, env):  # type: ignore[no-untyped-def]
        tokens[idx].attrSet("rel", "noopener noreferrer nofollow")
        tokens[idx].attrSet("target", "_blank")
        return renderer.renderToken(tokens, idx, options, env)

    md.add_render_rule("link_open", link_open)
    return md


def render_html(text: str) -> str:
    """The Markdown `text` as HTML that runs no script and loads nothing."""
    if not isinstance(text, str):
        text = str(text)
    rendered = _parser().render(text.replace("\x00", "\ufffd"))
    return rendered.replace("$", "&#36;")


def plain_text(text: str) -> str:
    """`text` for places without HTML (tooltips, PDF cells): one line, HTML-escaped."""
    return html.escape(" ".join(str(text).split()), quote=True).replace("$", "&#36;") \
        .replace("`", "&#96;")


_TAG = re.compile(r"<[^>]*>")
_BLOCK_END = re.compile(r"</(p|li|h[1-6]|blockquote|pre)>|<br\s*/?>")


def to_plain(text: str) -> str:
    """The Markdown `text` as plain text (emphasis and link syntax gone, one line per block),
    for the PDF report. The result is text, not HTML: escape it wherever HTML is made."""
    rendered = _BLOCK_END.sub("\n", render_html(text))
    rendered = rendered.replace("<li>", "• ")
    lines = [" ".join(html.unescape(_TAG.sub("", line)).split()) for line in
             rendered.splitlines()]
    return "\n".join(line for line in lines if line)
