"""QR codes and the Google Maps walking link of a tour."""

from __future__ import annotations

import functools
import io
import threading
from dataclasses import dataclass
from urllib.parse import urlencode

import segno

from dashboard.export._common import (
    MAX_WAYPOINTS,
)
from dashboard.routing import TourPlan


@dataclass(frozen=True)
class MapsLink:
    """A Google Maps walking-directions link; omitted > 0 when stops did not fit."""

    url: str
    omitted: int


def _latlon(lat: float, lon: float) -> str:
    return f"{lat:.6f},{lon:.6f}"


def google_maps_url(plan: TourPlan) -> MapsLink:
    """Directions from the start through the stops (in visiting order) to the end.

    Google takes at most MAX_WAYPOINTS stops in between; the rest are left out and counted, so
    the page can say so instead of silently dropping them.
    """
    first, last = plan.visits[0].place, plan.visits[-1].place
    stops = [v.place for v in plan.stops]
    kept = stops[:MAX_WAYPOINTS]
    params = {
        "api": "1",
        "origin": _latlon(first.lat, first.lon),
        "destination": _latlon(last.lat, last.lon),
        "travelmode": "walking",
    }
    if kept:
        params["waypoints"] = "|".join(_latlon(p.lat, p.lon) for p in kept)
    url = "https://www.google.com/maps/dir/?" + urlencode(params, safe=",")
    return MapsLink(url, len(stops) - len(kept))


def _qr(url: str) -> segno.QRCode:
    # micro=False: short URLs would otherwise become Micro QR codes that phones cannot read.
    return segno.make(url, error="m", micro=False)


_QR_PNG_LOCK = threading.Lock()


def qr_png(url: str, scale: int = 6) -> bytes:
    """A QR code as PNG bytes (quiet zone included). Cached: the visitor page shows the same
    source codes on every rerun, and encoding them was a fifth of a tap's server time. One
    encoding at a time: when a group's tablets reach a stop at once, one encodes its codes and
    the others wait for that instead of each encoding them again (lru_cache alone does not
    hold back concurrent misses)."""
    with _QR_PNG_LOCK:
        return _qr_png(url, scale)


@functools.lru_cache(maxsize=512)
def _qr_png(url: str, scale: int) -> bytes:
    buf = io.BytesIO()
    _qr(url).save(buf, kind="png", scale=scale, border=4)
    return buf.getvalue()


def qr_svg(url: str) -> str:
    """A QR code as a standalone SVG document (no XML declaration, so it can be inlined)."""
    buf = io.BytesIO()
    _qr(url).save(buf, kind="svg", scale=4, border=4, xmldecl=False, svgns=True)
    return buf.getvalue().decode("utf-8")
