"""Presentation facts in one place: colours, category labels, number and date formats, and
the names of a tour's stops. The map, the planner's table and timeline, and the PDF all use
these, so a German screen says "1,84 km" everywhere and the start is "S" on every surface.

Pure functions, no Streamlit.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from babel.dates import format_date

from dashboard.i18n import DEFAULT_LANGUAGE, LANGUAGES, t

if TYPE_CHECKING:  # pragma: no cover - typing only
    from dashboard.catalog import Catalog
    from dashboard.routing import TourPlan, Visit

# --------------------------------------------------------------------------- palette
# The offline plan: calm, printable, high contrast for markers on top.
GROUND = "#eef1e6"
SITE_FILL = "#dfe8cf"
SITE_LINE = "#9fb38a"
WATER_FILL = "#9cc7e4"
WATER_LINE = "#5f9fcb"
PATH_LINE = "#ffffff"
PATH_EDGE = "#b9b3a3"
STAIRS_LINE = "#8a6d3b"
BUILDING_FILL = "#c9c2b6"
BUILDING_LINE = "#8f877a"
ZONE_LINE = "#6b7f4f"
ZONE_LABEL = "#3f4d2d"  # 7.9:1 on the site fill (WCAG AA for small text)
ROUTE = "#c0392b"  # strong red: stands out against the green and blue of the plan
ENDPOINT = "#1f2a36"  # start / end markers
SELECTED_RING = "#1a1a1a"
PRIMARY = "#2f6f4f"  # the app's primary buttons (.streamlit/config.toml theme.primaryColor)
INK = "#1f2a36"
MUTED = "#5d6670"
RULE = "#d9dcd3"
ZEBRA = "#f5f6f1"
HEADER_FILL = "#e9ece2"
TIMELINE = {"walk": "#7f8c8d", "visit": ROUTE, "wait": "#f1c40f"}

# --------------------------------------------------------------------------- labels

# The words (marks S/Z/E, "Start"/"Ziel") are in dashboard.i18n ("stop.mark.*", "stop.role.*").


def _lang(lang: str) -> str:
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


_PARENTHESIS = re.compile(r"\s*\([^()]*\)\s*$")


def map_label(name: str) -> str:
    """A name as a label on the map: without a trailing remark in parentheses (a zone's
    "(Arbeitstitel)" is a note for the organisers, not for visitors)."""
    return _PARENTHESIS.sub("", name).strip() or name


def category_label(catalog: Catalog, category_id: str, lang: str) -> str:
    """'☀ Energy' : the pictogram and the name, as filters, legend and card show it."""
    category = catalog.categories[category_id]
    return f"{category.icon} {catalog.text(category.name, lang)}".strip()


def ink_on(background: str) -> str:
    """Black or white, whichever contrasts more with the hex colour (WCAG luminance)."""
    h = background.lstrip("#")
    channels = [int(h[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    lum = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    return "#000000" if (lum + 0.05) / 0.05 > 1.05 / (lum + 0.05) else "#ffffff"


def contrast_ratio(a: str, b: str) -> float:
    """The WCAG contrast ratio of two hex colours (1 to 21)."""
    def lum(colour: str) -> float:
        h = colour.lstrip("#")
        ch = [int(h[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in ch]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


# --------------------------------------------------------------------------- numbers


def decimal(value: float, lang: str, digits: int = 1) -> str:
    """A number with the language's decimal mark: 1,8 in German, 1.8 in English."""
    text = f"{value:,.{digits}f}"
    if _lang(lang) == "de":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


def km(metres: float, lang: str, digits: int = 2) -> str:
    """'1,84 km' (de) or '1.84 km' (en)."""
    return f"{decimal(metres / 1000, lang, digits)} km"


def minutes(value: float, lang: str) -> str:
    """A duration: '45 Min.', '1 Std. 5 Min.' (de) or '45 min', '1 h 5 min' (en)."""
    hours, mins = divmod(round(value), 60)
    de = _lang(lang) == "de"
    m, h = ("Min.", "Std.") if de else ("min", "h")
    if hours == 0:
        return f"{mins} {m}"
    return f"{hours} {h}" if mins == 0 else f"{hours} {h} {mins} {m}"


def speed(kmh: float, lang: str) -> str:
    return f"{decimal(kmh, lang, 1)} km/h"


# --------------------------------------------------------------------------- dates

# Month and weekday names from CLDR through Babel; the patterns keep the app's own style.
_SHORT = {"de": "dd.MM.y", "en": "d MMM y"}
_LONG = {"de": "EEEE, d. MMMM y", "en": "EEEE, d MMMM y"}


def short_date(day: dt.date, lang: str) -> str:
    """'01.06.2019' (de) or '1 Jun 2019' (en)."""
    lg = _lang(lang)
    return format_date(day, _SHORT[lg], locale=lg)


def long_date(day: dt.date, lang: str) -> str:
    """'Samstag, 1. Juni 2019' (de) or 'Saturday, 1 June 2019' (en)."""
    lg = _lang(lang)
    return format_date(day, _LONG[lg], locale=lg)


def clock(moment: dt.datetime | dt.time) -> str:
    return moment.strftime("%H:%M")


def date_time(moment: dt.datetime, lang: str) -> str:
    """'03.12.2026, 14:05' (de) or '3 Dec 2026, 14:05' (en), in the app's local time zone
    (the store keeps UTC)."""
    local = moment.astimezone() if moment.tzinfo is not None else moment
    return f"{short_date(local.date(), lang)}, {clock(local)}"


# The one format of every date input (planner, review): st.date_input's format strings.
DATE_INPUT_FORMAT = {"de": "DD.MM.YYYY", "en": "YYYY/MM/DD"}


# --------------------------------------------------------------------------- tour stops


def stop_role(plan: TourPlan, visit: Visit) -> str:
    """'start', 'stop' or 'end'."""
    if visit.number == 0:
        return "start"
    return "end" if visit.number == len(plan.visits) - 1 else "stop"


def stop_marker(plan: TourPlan, visit: Visit, lang: str) -> str:
    """What the marker, the table and the timeline show: S, 1, 2, ..., Z (E in English)."""
    role = stop_role(plan, visit)
    return str(visit.number) if role == "stop" else t(f"stop.mark.{role}", lang)


def stop_label(plan: TourPlan, catalog: Catalog, visit: Visit, lang: str) -> str:
    """'S · Gate', '1 · Fountain', ..., 'Z · Gate': a stop named the same way everywhere."""
    return f"{stop_marker(plan, visit, lang)} · {catalog.text(visit.place.name, lang)}"


def role_name(role: str, lang: str) -> str:
    """'Start' / 'Ziel' ('End'): the word before a start or end place's name."""
    return t(f"stop.role.{role}", lang)


def stop_title(plan: TourPlan, catalog: Catalog, visit: Visit, lang: str) -> str:
    """'Start: Gate', '1. Fountain', ..., 'Ziel: Gate': GPX, calendar and PDF titles."""
    name = catalog.text(visit.place.name, lang)
    role = stop_role(plan, visit)
    if role == "stop":
        return f"{visit.number}. {name}"
    return f"{role_name(role, lang)}: {name}"
