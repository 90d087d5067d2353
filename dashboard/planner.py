"""The tour planner's logic, apart from its widgets: editing the stop list, explaining a plan
(notices, timeline) and links. Pure functions, tested without Streamlit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from dashboard import routing
from dashboard.catalog import Catalog
from dashboard.i18n import t


def move(stops: list[str], index: int, delta: int) -> list[str]:
    """The list with stops[index] moved by delta places (clamped to the ends)."""
    out = list(stops)
    target = max(0, min(len(out) - 1, index + delta))
    out.insert(target, out.pop(index))
    return out


def toggle(stops: list[str], exhibit_id: str) -> list[str]:
    """Add the exhibit at the end, or take it out if it is already on the list."""
    return [s for s in stops if s != exhibit_id] if exhibit_id in stops else [*stops, exhibit_id]


def not_on_tour(catalog: Catalog, stops: list[str]) -> list:
    """The exhibits that could still be added (shown as small markers to tap)."""
    chosen = set(stops)
    return [e for e in catalog.exhibits.values() if e.id not in chosen]


def place_name(catalog: Catalog, place_id: str | None, lang: str) -> str:
    if place_id in catalog.exhibits:
        return catalog.text(catalog.exhibits[place_id].name, lang)
    if place_id in catalog.entrances:
        return catalog.text(catalog.entrances[place_id].name, lang)
    return str(place_id or "")


WARNING_CODES = {"dropped", "missing", "unreachable", "not_step_free", "over_budget",
                 "closed_at_arrival", "missed_show"}


@dataclass(frozen=True)
class NoticeText:
    level: str  # "warning" or "info"
    text: str


def notice_texts(plan: routing.TourPlan, catalog: Catalog, lang: str) -> list[NoticeText]:
    out = []
    for notice in plan.notices:
        text = t(f"notice.{notice.code}", lang, name=place_name(catalog, notice.place_id, lang),
                 detail=notice.detail or "", factor=routing.DETOUR_FACTOR)
        out.append(NoticeText("warning" if notice.code in WARNING_CODES else "info", text))
    return out


def timeline_rows(plan: routing.TourPlan, catalog: Catalog, lang: str) -> list[dict]:
    """Segments for a Gantt-style chart: walking, waiting and visiting, in clock time."""
    rows = []
    for visit in plan.visits:
        name = f"{visit.number}. {place_name(catalog, visit.place.id, lang)}"
        if visit.leg is not None:
            walk_start = visit.arrival - dt.timedelta(minutes=visit.leg.walk_minutes)
            rows.append({"stop": name, "kind": t("planner.walk", lang),
                         "start": walk_start, "end": visit.arrival})
        if visit.begin > visit.arrival:
            rows.append({"stop": name, "kind": t("planner.wait", lang),
                         "start": visit.arrival, "end": visit.begin})
        if visit.departure > visit.begin:
            rows.append({"stop": name, "kind": t("planner.visit", lang),
                         "start": visit.begin, "end": visit.departure})
    return rows


def share_url(base_url: str, tour_id: str, lang: str, page: str = "planner") -> str:
    return f"{base_url.rstrip('/')}/{page}?{urlencode({'tour': tour_id, 'lang': lang})}"


SCHEDULE_COLUMNS = {"marker": "col.number", "name": "col.name", "arrival": "col.arrival",
                    "begin": "col.begin", "departure": "col.departure",
                    "wait_minutes": "col.wait", "visit_minutes": "col.visit",
                    "walk_minutes": "col.walk", "walk_m": "col.walk_m"}


def schedule_table(rows: list[dict], lang: str) -> list[dict]:
    """The schedule rows with the columns a guide reads, headed in the UI language."""
    return [{t(label, lang): row[key] for key, label in SCHEDULE_COLUMNS.items()}
            for row in rows]
