"""The tour planner's logic, apart from its widgets: editing the stop list, explaining a plan
(notices, timeline) and links. Pure functions, tested without Streamlit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dashboard import presentation as fmt
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


def not_on_tour(catalog: Catalog, stops: list[str], day: dt.date | None = None) -> list:
    """The exhibits that could still be added (shown as small markers to tap); with the
    tour's day, only those on show that day."""
    chosen = set(stops)
    return [e for e in catalog.exhibits_on(day).values() if e.id not in chosen]


def place_name(catalog: Catalog, place_id: str | None, lang: str) -> str:
    if place_id in catalog.exhibits:
        return catalog.text(catalog.exhibits[place_id].name, lang)
    if place_id in catalog.entrances:
        return catalog.text(catalog.entrances[place_id].name, lang)
    return str(place_id or "")


WARNING_CODES = {"dropped", "missing", "unreachable", "not_step_free", "over_budget",
                 "closed_at_arrival", "missed_show", "not_on_show"}


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


def start_times(current: dt.time, step_minutes: int = 15) -> list[dt.time]:
    """The start times to choose from: every quarter of an hour, and the tour's own time
    (a saved tour may start at 9:07)."""
    times = [dt.time(m // 60, m % 60) for m in range(0, 24 * 60, step_minutes)]
    return sorted({*times, current})


def speed_steps(current: float, step: float = 0.5) -> list[float]:
    """The walking paces to choose from (km/h), and the tour's own pace."""
    count = round((routing.MAX_SPEED_KMH - routing.MIN_SPEED_KMH) / step)
    steps = [round(routing.MIN_SPEED_KMH + i * step, 2) for i in range(count + 1)]
    return sorted({*steps, float(current)})


def timeline_order(rows: list[dict]) -> list[str]:
    """The timeline's rows top to bottom: the stops in visiting order, the end last (the
    chart's own ordering put a round trip's "E · Gate" first in English)."""
    return list(dict.fromkeys(row["stop"] for row in rows))


def timeline_rows(plan: routing.TourPlan, catalog: Catalog, lang: str) -> list[dict]:
    """Segments for a Gantt-style chart: walking, waiting and visiting, in clock time."""
    rows = []
    for visit in plan.visits:
        name = fmt.stop_label(plan, catalog, visit, lang)  # as on the map and in the table
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


SCHEDULE_COLUMNS = {"marker": "col.number", "name": "col.name", "arrival": "col.arrival",
                    "begin": "col.begin", "departure": "col.departure",
                    "wait_minutes": "col.wait", "visit_minutes": "col.visit",
                    "walk_minutes": "col.walk", "walk_m": "col.walk_m"}


def schedule_table(rows: list[dict], lang: str) -> list[dict]:
    """The schedule rows with the columns a guide reads, headed in the UI language."""
    return [{t(label, lang): row[key] for key, label in SCHEDULE_COLUMNS.items()}
            for row in rows]


def schedule_column_config(lang: str) -> dict:
    """Narrow number columns so the table fits a tablet without a horizontal scroll."""
    import streamlit as st  # the page's column setup; the rest of the module needs no Streamlit

    small = {key: st.column_config.Column(width="small")
             for key in ("col.number", "col.arrival", "col.begin", "col.departure", "col.wait",
                         "col.visit", "col.walk", "col.walk_m")}
    return {t(key, lang): value for key, value in small.items()}


def default_date(catalog: Catalog, today: dt.date) -> dt.date:
    """Today while the exhibition is open; else its first day (its last day once it is over
    would suggest planning in the past)."""
    first, last = catalog.exhibition.start_date, catalog.exhibition.end_date
    if first and today < first:
        return first
    if last and today > last:
        return first or last
    return today


def date_notice(catalog: Catalog, day: dt.date | None, lang: str) -> str | None:
    """A warning when the tour's day lies outside the exhibition's dates, else None."""
    first, last = catalog.exhibition.start_date, catalog.exhibition.end_date
    if day is None or ((first is None or day >= first) and (last is None or day <= last)):
        return None
    return t("planner.date_outside", lang, date=fmt.short_date(day, lang),
             dates=exhibition_dates_text(catalog, lang))


def exhibition_dates_text(catalog: Catalog, lang: str) -> str:
    first, last = catalog.exhibition.start_date, catalog.exhibition.end_date
    return t("planner.exhibition_dates", lang,
             first=fmt.short_date(first, lang) if first else "…",
             last=fmt.short_date(last, lang) if last else "…")


def add_hint(catalog: Catalog, lang: str) -> str:
    """The placeholder of the 'add a stop' box, with an example name from the loaded data."""
    first = next(iter(catalog.exhibits.values()), None)
    example = catalog.text(first.name, lang) if first else ""
    return t("planner.add_hint", lang, example=example)
