"""RFC 7946 GeoJSON of a planned tour: the route and one point per visit."""

from __future__ import annotations

import json

from dashboard.catalog import Catalog
from dashboard.export._common import (
    _name,
    _role,
    tour_title,
)
from dashboard.routing import TourPlan


def to_geojson(plan: TourPlan, catalog: Catalog, lang: str) -> str:
    """An RFC 7946 FeatureCollection: the route as a LineString, then one Point per visit."""
    route = {
        "type": "Feature",
        "geometry": {
            "type": "LineString",
            "coordinates": [[lon, lat] for lat, lon in plan.route_coords()],
        },
        "properties": {
            "role": "route",
            "name": tour_title(plan, catalog, lang),
            "distance_m": round(plan.distance_m, 1),
            "walking_minutes": round(plan.walking_minutes, 1),
            "total_minutes": round(plan.total_minutes, 1),
            "estimated": plan.estimated,
        },
    }
    points = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [visit.place.lon, visit.place.lat]},
            "properties": {
                "role": _role(plan, visit),
                "order": visit.number,
                "id": visit.place.id,
                "name": _name(catalog, visit, lang),
                "kind": visit.place.kind,
                "arrival": visit.arrival.isoformat(),
                "begin": visit.begin.isoformat(),
                "departure": visit.departure.isoformat(),
                "visit_minutes": round((visit.departure - visit.begin).total_seconds() / 60),
            },
        }
        for visit in plan.visits
    ]
    return json.dumps({"type": "FeatureCollection", "features": [route, *points]},
                      ensure_ascii=False)
