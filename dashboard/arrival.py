"""Arriving at a stop, the rule without Streamlit: a tablet whose location (reported by the
browser after the visitor tapped to allow it) is within the next stop's radius is offered to
show that stop ("You are at <stop>: show it"); the page never moves there by itself.

The radius is the exhibit's `arrive_radius_m` (data-format.md) or ARRIVE_RADIUS_M: the stops'
points are where visitors stand in front of an exhibit, and a tablet's position outdoors is
good to about 10-30 m.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from dashboard.catalog import Catalog
from dashboard.visitor import VisitorStop

ARRIVE_RADIUS_M = 40.0
_EARTH_M = 6_371_008.8


def metres_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine): plenty for a few hundred metres in a park."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_M * math.asin(min(1.0, math.sqrt(a)))


def radius(catalog: Catalog, stop_id: str) -> float:
    """The arrival radius of a stop in metres (an entrance or end point: the default)."""
    exhibit = catalog.exhibits.get(stop_id)
    given = exhibit.arrive_radius_m if exhibit is not None else None
    return float(given) if given is not None else ARRIVE_RADIUS_M


def arrived_at(catalog: Catalog, stops: Sequence[VisitorStop], current: int, lat: float,
               lon: float) -> int | None:
    """The next stop's index (0-based) when (lat, lon) is within its radius, else None."""
    following = current + 1
    if not 0 <= following < len(stops):
        return None
    stop = stops[following]
    near = metres_between(lat, lon, stop.lat, stop.lon) <= radius(catalog, stop.id)
    return following if near else None
