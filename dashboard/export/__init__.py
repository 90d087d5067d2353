"""Hand-outs of a planned tour: GPX, GeoJSON, iCalendar, a Google Maps link, QR codes, a PDF.

One module per format; this package keeps every public name importable as
`from dashboard.export import to_gpx, to_ics, ...`. Rules that shape the formats:

- Times come from plan.visits, which are aware datetimes in the exhibition's time zone. They stay
  aware in every format: GPX in UTC (what the GPX schema asks for), iCalendar with a VTIMEZONE,
  GeoJSON as ISO 8601 with offset. A naive time would silently move by the reader's UTC offset.
- The plan speaks (lat, lon); GeoJSON (RFC 7946) wants [lon, lat]. The swap happens in one place.
- Names and texts come from an editable data folder, so they only ever pass through real
  serialisers (gpxpy, icalendar, json); nothing is glued into markup by hand.
"""

from dashboard.export._common import (
    APP_NAME,
    LABELS,
    MAX_WAYPOINTS,
    PRODID,
    schedule_rows,
    slugify,
    tour_title,
    visit_title,
)
from dashboard.export.geojson import to_geojson
from dashboard.export.gpx import to_gpx
from dashboard.export.ics import calendar_events, event_uid, to_ics
from dashboard.export.offline_html import to_offline_html
from dashboard.export.pdf import MARGIN, PAGE_H, PAGE_W, to_pdf
from dashboard.export.qr import MapsLink, google_maps_url, qr_png, qr_svg

__all__ = [
    "APP_NAME", "LABELS", "MARGIN", "MAX_WAYPOINTS", "PAGE_H", "PAGE_W", "PRODID", "MapsLink",
    "calendar_events", "event_uid", "google_maps_url", "qr_png", "qr_svg", "schedule_rows",
    "slugify", "to_geojson", "to_gpx", "to_ics", "to_offline_html", "to_pdf", "tour_title",
    "visit_title",
]
