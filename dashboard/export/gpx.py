"""GPX 1.1 track and waypoints of a planned tour."""

from __future__ import annotations

import datetime as dt

import gpxpy.gpx

from dashboard.catalog import Catalog
from dashboard.export._common import (
    APP_NAME,
    _hhmm,
    _km,
    _label,
    _long_date,
    _role,
    _tour_day,
    _visit_description,
    tour_title,
    visit_title,
)
from dashboard.routing import TourPlan


def to_gpx(plan: TourPlan, catalog: Catalog, lang: str) -> str:
    """GPX 1.1: the walk as one track along the paths, and a timed waypoint per visit.

    Waypoint times are arrivals in UTC (the GPX schema's dateTime is UTC by convention; many
    apps ignore offsets).
    """
    title = tour_title(plan, catalog, lang)
    overview = _overview_text(plan, catalog, lang)
    doc = gpxpy.gpx.GPX()
    doc.creator = APP_NAME
    doc.name = title
    doc.description = overview
    track = gpxpy.gpx.GPXTrack(name=title, description=overview)
    segment = gpxpy.gpx.GPXTrackSegment(
        [gpxpy.gpx.GPXTrackPoint(lat, lon) for lat, lon in plan.route_coords()]
    )
    track.segments.append(segment)
    doc.tracks.append(track)
    for visit in plan.visits:
        doc.waypoints.append(gpxpy.gpx.GPXWaypoint(
            latitude=visit.place.lat,
            longitude=visit.place.lon,
            time=visit.arrival.astimezone(dt.UTC),
            name=visit_title(plan, catalog, visit, lang),
            description=_visit_description(plan, catalog, visit, lang) or None,
            type=_role(plan, visit),
        ))
    return doc.to_xml(version="1.1")


def _overview_text(plan: TourPlan, catalog: Catalog, lang: str) -> str:
    first, last = plan.visits[0], plan.visits[-1]
    return " · ".join([
        catalog.text(catalog.exhibition.name, lang),
        _long_date(_tour_day(plan), lang),
        _label(lang, "clock", start=_hhmm(first.arrival), end=_hhmm(last.departure)),
        f"{_label(lang, 'distance')} {_km(plan.distance_m, lang)}",
        f"{len(plan.stops)} {_label(lang, 'stops')}",
    ])
