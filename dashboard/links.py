"""The one place that knows the app's page paths and builds every link: share links, QR codes,
the PDF's QR, links between pages and the command line's output.

The host of a link is LERNREISE_BASE_URL when it is set; otherwise the address the page was
opened with (st.context.url in the app), so a server on another port or host hands out links
that work. Pure functions; the Streamlit side passes the request URL in.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit, urlunsplit

from dashboard import settings

# page name -> URL path below the app's root ("" is the default page, served at "/").
PAGES: dict[str, str] = {"map": "", "planner": "planner", "visitor": "visitor",
                         "review": "review", "lead": "lead", "edit": "edit"}
# The Streamlit page scripts, for st.Page and st.switch_page.
PAGE_FILES: dict[str, str] = {"map": "app_pages/map.py", "planner": "app_pages/planner.py",
                               "visitor": "app_pages/visitor.py", "lead": "app_pages/lead.py",
                               "review": "app_pages/review.py", "edit": "app_pages/edit.py"}

BASE_URL_SETTING = "LERNREISE_BASE_URL"


def configured_base_url() -> str | None:
    """LERNREISE_BASE_URL if someone set it (environment or secrets), else None."""
    value = settings.get(BASE_URL_SETTING)
    default = next(s.default for s in settings.SETTINGS if s.name == BASE_URL_SETTING)
    return value if value and value != default else None


def app_root(request_url: str | None) -> str | None:
    """The app's root address from the URL a page was opened with: scheme, host, port and any
    prefix path, without the page's own path, query or fragment."""
    if not request_url:
        return None
    parts = urlsplit(request_url)
    if not parts.scheme or not parts.netloc:
        return None
    path = parts.path.rstrip("/")
    for page_path in sorted((p for p in PAGES.values() if p), key=len, reverse=True):
        if path == f"/{page_path}" or path.endswith(f"/{page_path}"):
            path = path[: -len(page_path) - 1]
            break
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def base_url(request_url: str | None = None) -> str:
    """Where links point: the configured base URL, else the request's root, else the default
    (the command line has no request)."""
    return (configured_base_url() or app_root(request_url)
            or settings.get(BASE_URL_SETTING)).rstrip("/")


def page_url(page: str, base: str, **params: str | None) -> str:
    """The address of a page with query parameters (None values are left out)."""
    path = PAGES[page]
    query = urlencode({k: v for k, v in params.items() if v is not None})
    url = f"{base.rstrip('/')}/{path}"
    return f"{url}?{query}" if query else url


def share_url(base: str, tour_id: str, lang: str, page: str = "visitor") -> str:
    """The link (and QR code) of a saved tour, in the language it was shared in: it opens the
    visitor page (tablets follow the tour); `guide_url` is the planner's link for guides."""
    return page_url(page, base, tour=tour_id, lang=lang)


def guide_url(base: str, tour_id: str, lang: str) -> str:
    """The planner's link of a saved tour, for guides who change it."""
    return share_url(base, tour_id, lang, page="planner")
