"""Shared parts of the hand-outs: labels, how stops are named, the schedule rows.

Every function here and in the sibling modules is pure (a TourPlan plus the catalogue in, str
or bytes out; no Streamlit, no network), so the pages, the command line and the tests share one
implementation. Presentation facts (colours, number and date formats, stop markers) come from
dashboard.presentation, the same module the map and the planner page use.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path
from typing import Any

from dashboard import presentation as fmt
from dashboard.catalog import Catalog
from dashboard.routing import TourPlan, Visit

FONT_DIR = Path(__file__).parent.parent / "fonts"
FONT = "DejaVu"
APP_NAME = "Lernreise"
PRODID = "-//Lernreise//Tour export//DE"

# Google Maps directions URLs accept at most nine waypoints between origin and destination
# (https://developers.google.com/maps/documentation/urls/get-started#directions-action).
MAX_WAYPOINTS = 9


LABELS: dict[str, dict[str, str]] = {
    "de": {
        "tour": "Rundgang",
        "start": "Start",
        "end": "Ziel",
        "start_mark": "S",
        "end_mark": "Z",
        "distance": "Strecke",
        "walking": "Gehzeit",
        "duration": "Gesamtdauer",
        "stops": "Stationen",
        "starts_at": "Beginn {time} Uhr",
        "clock": "{start}–{end} Uhr",
        "from": "ab {place}",
        "minutes": "{n} Min.",
        "hours": "{h} Std.",
        "hours_minutes": "{h} Std. {m} Min.",
        "col_time": "Zeit",
        "col_place": "Station",
        "col_visit": "Dauer",
        "col_walk": "Weg",
        "schedule": "Ablauf",
        "begins": "Beginn {time}",
        "legend_route": "Fußweg",
        "legend_stop": "Station",
        "legend_ends": "Start / Ziel",
        "scan": "Rundgang auf dem Handy öffnen",
        "page": "Seite {page} von {pages}",
        "estimated": "Entfernungen geschätzt: keine Wegedaten vorhanden.",
        "walk_info": "Fußweg ab {place}: {metres} m, {minutes}",
        "wait_info": "Ankunft {arrival}, Beginn {begin}.",
        "weekdays": "Montag Dienstag Mittwoch Donnerstag Freitag Samstag Sonntag",
        "months": "Januar Februar März April Mai Juni Juli August September Oktober "
                  "November Dezember",
    },
    "en": {
        "tour": "Tour",
        "start": "Start",
        "end": "End",
        "start_mark": "S",
        "end_mark": "E",
        "distance": "Distance",
        "walking": "Walking",
        "duration": "Total time",
        "stops": "Stops",
        "starts_at": "Starts {time}",
        "clock": "{start}–{end}",
        "from": "from {place}",
        "minutes": "{n} min",
        "hours": "{h} h",
        "hours_minutes": "{h} h {m} min",
        "col_time": "Time",
        "col_place": "Stop",
        "col_visit": "Visit",
        "col_walk": "Walk",
        "schedule": "Schedule",
        "begins": "starts {time}",
        "legend_route": "Walking route",
        "legend_stop": "Stop",
        "legend_ends": "Start / end",
        "scan": "Open this tour on a phone",
        "page": "Page {page} of {pages}",
        "estimated": "Distances are estimates: the site has no path data.",
        "walk_info": "Walk from {place}: {metres} m, {minutes}",
        "wait_info": "Arrive {arrival}, starts {begin}.",
        "weekdays": "Monday Tuesday Wednesday Thursday Friday Saturday Sunday",
        "months": "January February March April May June July August September October "
                  "November December",
    },
}


def _label(lang: str, key: str, **values: object) -> str:
    text = LABELS.get(lang, LABELS["de"])[key]
    return text.format(**values) if values else text


# --------------------------------------------------------------------------- shared texts


def _role(plan: TourPlan, visit: Visit) -> str:
    return fmt.stop_role(plan, visit)


def _name(catalog: Catalog, visit: Visit, lang: str) -> str:
    return catalog.text(visit.place.name, lang)


def _summary(catalog: Catalog, visit: Visit, lang: str) -> str:
    exhibit = catalog.exhibits.get(visit.place.id)
    return catalog.text(exhibit.summary, lang) if exhibit and visit.place.kind == "exhibit" else ""


def _zone(catalog: Catalog, visit: Visit, lang: str) -> str:
    exhibit = catalog.exhibits.get(visit.place.id)
    if exhibit is None or visit.place.kind != "exhibit" or exhibit.zone not in catalog.zones:
        return ""
    return catalog.text(catalog.zones[exhibit.zone].name, lang)


def _marker(plan: TourPlan, visit: Visit, lang: str) -> str:
    """What the map circle, the table and the timeline show: S, 1, 2, ..., Z (E in English)."""
    return fmt.stop_marker(plan, visit, lang)


def visit_title(plan: TourPlan, catalog: Catalog, visit: Visit, lang: str) -> str:
    """'Start: Gate', '1. Fountain', ..., 'Ziel: Gate': one naming for GPX, ICS and PDF."""
    return fmt.stop_title(plan, catalog, visit, lang)


def tour_title(plan: TourPlan, catalog: Catalog, lang: str) -> str:
    """The guide's title for the tour, else the exhibition's name."""
    return plan.request.title.strip() or catalog.text(catalog.exhibition.name, lang)


def _hhmm(moment: dt.datetime) -> str:
    return moment.strftime("%H:%M")


def _minutes(value: float, lang: str) -> str:
    return fmt.minutes(value, lang)


def _km(metres: float, lang: str) -> str:
    return fmt.km(metres, lang, digits=1)


def _long_date(day: dt.date, lang: str) -> str:
    return fmt.long_date(day, lang)


def _tour_day(plan: TourPlan) -> dt.date:
    return plan.visits[0].arrival.date()


def _visit_description(plan: TourPlan, catalog: Catalog, visit: Visit, lang: str) -> str:
    """Summary plus how one gets there: the text of a calendar event or GPX waypoint."""
    parts = [_summary(catalog, visit, lang)]
    if visit.leg is not None and visit.number > 0:
        previous = plan.visits[visit.number - 1]
        parts.append(_label(lang, "walk_info", place=_name(catalog, previous, lang),
                            metres=round(visit.leg.distance_m),
                            minutes=_minutes(visit.leg.walk_minutes, lang)))
    if visit.begin > visit.arrival:
        parts.append(_label(lang, "wait_info", arrival=_hhmm(visit.arrival),
                            begin=_hhmm(visit.begin)))
    return "\n".join(p for p in parts if p)


# --------------------------------------------------------------------------- schedule


def schedule_rows(plan: TourPlan, catalog: Catalog, lang: str) -> list[dict[str, Any]]:
    """One row per visit (start, stops, end) for the planner's table and the PDF.

    Minutes are rounded to whole minutes, clock times are "HH:MM" in the exhibition's zone;
    "visit_minutes" is the time actually spent (0 when a round trip returns to its start).
    """
    rows: list[dict[str, Any]] = []
    for visit in plan.visits:
        leg = visit.leg
        rows.append({
            "number": visit.number,
            "marker": _marker(plan, visit, lang),
            "role": _role(plan, visit),
            "id": visit.place.id,
            "kind": visit.place.kind,
            "name": _name(catalog, visit, lang),
            "zone": _zone(catalog, visit, lang),
            "summary": _summary(catalog, visit, lang),
            "arrival": _hhmm(visit.arrival),
            "begin": _hhmm(visit.begin),
            "departure": _hhmm(visit.departure),
            "wait_minutes": round(visit.wait_minutes),
            "visit_minutes": round((visit.departure - visit.begin).total_seconds() / 60),
            "walk_minutes": round(leg.walk_minutes) if leg else 0,
            "walk_m": round(leg.distance_m) if leg else 0,
        })
    return rows



_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def slugify(text: str) -> str:
    """ASCII slug for identifiers: 'Führung für Bau & IT' -> 'fuehrung-fuer-bau-it'."""
    german = text.lower().translate(_GERMAN)
    folded = unicodedata.normalize("NFKD", german).encode("ascii", "ignore")
    return re.sub(r"[^a-z0-9]+", "-", folded.decode().lower()).strip("-")

