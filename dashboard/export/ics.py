"""iCalendar file of a planned tour: one event per stop, in the exhibition's time zone."""

from __future__ import annotations

import datetime as dt

import icalendar

from dashboard.catalog import Catalog
from dashboard.export._common import (
    PRODID,
    _name,
    _tour_day,
    _visit_description,
    _zone,
    slugify,
    tour_title,
    visit_title,
)
from dashboard.routing import TourPlan, Visit


def calendar_events(plan: TourPlan) -> list[Visit]:
    """The visits that become calendar events: every exhibit where time is spent.

    Entrances are only passed through; a round trip's return to an exhibit it started at has no
    second visit, so it gets no second event.
    """
    return [v for v in plan.visits if v.place.kind == "exhibit" and v.departure > v.begin]


def event_uid(plan: TourPlan, visit: Visit) -> str:
    """Stable per (tour, stop): exporting the same tour again updates the calendar entries
    instead of duplicating them, also after the order changed (the id, not the number)."""
    tour = slugify(plan.request.title) or "tour"
    return f"{tour}-{_tour_day(plan).isoformat()}-{visit.place.id}@lernreise"


def to_ics(plan: TourPlan, catalog: Catalog, lang: str,
           stamp: dt.datetime | None = None) -> bytes:
    """An iCalendar file with one event per stop, in the exhibition's time zone.

    stamp is the DTSTAMP (when the file was made; now in UTC by default).
    """
    stamp = (stamp or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", tour_title(plan, catalog, lang))
    cal.add("x-wr-timezone", catalog.exhibition.timezone)
    for visit in calendar_events(plan):
        event = icalendar.Event()
        event.add("uid", event_uid(plan, visit))
        event.add("dtstamp", stamp)
        event.add("dtstart", visit.begin)
        event.add("dtend", visit.departure)
        event.add("summary", visit_title(plan, catalog, visit, lang))
        zone = _zone(catalog, visit, lang)
        name = _name(catalog, visit, lang)
        event.add("location", f"{name}, {zone}" if zone else name)
        event.add("geo", (visit.place.lat, visit.place.lon))
        event.add("description", _visit_description(plan, catalog, visit, lang))
        cal.add_component(event)
    day = _tour_day(plan)
    # Only the rules around the tour's day: the full 1970-2038 table would be most of the file.
    cal.add_missing_timezones(first_date=dt.date(day.year, 1, 1),
                              last_date=dt.date(day.year + 1, 1, 1))
    return cal.to_ical()
