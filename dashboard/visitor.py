"""Visitor mode, the domain side: a planned tour seen stop by stop on a tablet.

Pure functions on a `routing.TourPlan` (no Streamlit): which stop is current, progress, the next
leg (distance, minutes, compass direction from the bearing), the nearest stop to a location and
the visited set as it travels in the URL. The page (`dashboard.ui.visitor_page`) and the offline
HTML (`dashboard.export.offline_html`) both build on `visitor_stops`.
"""

from __future__ import annotations

import base64
import math
import re
from dataclasses import dataclass
from pathlib import Path

from shapely.geometry import Point

from dashboard import geo, validate
from dashboard import presentation as fmt
from dashboard.catalog import Catalog, Exhibit
from dashboard.i18n import t
from dashboard.routing import TourPlan

PICTOGRAMS = Path(__file__).resolve().parent.parent / "static" / "pictograms"
GENERIC_PICTOGRAM = "generic"
MAX_STOP_PARAM = 4  # digits of ?stop=
COMPASS = ("n", "ne", "e", "se", "s", "sw", "w", "nw")


@dataclass(frozen=True)
class NextLeg:
    """The walk from the current stop to the next one (or to the end of the tour)."""

    to_name: str
    to_end: bool  # the walk goes to the tour's end point, not to another stop
    distance_m: float
    minutes: float
    bearing: float  # degrees clockwise from north, straight line to the target
    direction: str  # one of COMPASS


@dataclass(frozen=True)
class VisitorStop:
    """One stop as the visitor sees it, already in one language (plain text, unescaped)."""

    id: str
    number: int  # 1-based
    name: str
    category: str | None
    category_label: str
    category_color: str
    summary: str
    facts: tuple[str, ...]
    step_free: bool
    minutes: int
    begin: str  # planned clock time, e.g. "10:25"
    shows: tuple[str, ...]
    sources: tuple[str, ...]
    lat: float
    lon: float
    image: Path | None = None  # the exhibit's checked image file in the data folder
    image_alt: str = ""
    image_credit: str = ""  # the photo's credit/licence line, shown under it
    location_approximate: bool = False  # the map point is an estimate: the card says so
    topic: bool = False  # a background topic, not an exhibit of its own: the card says so


def visitor_stops(plan: TourPlan, catalog: Catalog, lang: str) -> list[VisitorStop]:
    """The plan's stops in visiting order with what the stop card shows."""
    out = []
    for n, visit in enumerate(plan.stops, start=1):
        place = visit.place
        ex = catalog.exhibits.get(place.id)
        if ex is not None:
            category = catalog.categories.get(ex.category)
            out.append(VisitorStop(
                id=place.id, number=n, name=catalog.text(ex.name, lang), category=ex.category,
                category_label=fmt.category_label(catalog, ex.category, lang),
                category_color=category.color if category else fmt.ENDPOINT,
                summary=catalog.text(ex.summary, lang),
                facts=tuple(catalog.text(f, lang) for f in ex.facts),
                step_free=ex.step_free, minutes=ex.visit_minutes, begin=fmt.clock(visit.begin),
                shows=tuple(fmt.clock(s) for s in ex.show_times), sources=tuple(ex.sources),
                lat=place.lat, lon=place.lon, location_approximate=ex.location_approximate,
                topic=ex.kind == "topic", **_image(catalog, ex, lang)))
        else:  # an entrance used as a stop
            out.append(VisitorStop(
                id=place.id, number=n, name=catalog.text(place.name, lang), category=None,
                category_label="", category_color=fmt.ENDPOINT, summary="", facts=(),
                step_free=place.step_free, minutes=place.visit_minutes,
                begin=fmt.clock(visit.begin), shows=(), sources=(), lat=place.lat,
                lon=place.lon))
    return out


def _image(catalog: Catalog, ex: Exhibit, lang: str) -> dict[str, object]:
    if ex.image is None:
        return {}
    alt = catalog.text(ex.image_alt, lang) if ex.image_alt else catalog.text(ex.name, lang)
    return {"image": validate.image_file(catalog.data_dir, ex.image), "image_alt": alt,
            "image_credit": ex.image_credit or ""}


_MIME = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp"}


def image_data_uri(path: Path) -> str:
    """The image as a data: URI, for the offline file (which may not request anything)."""
    mime = _MIME[path.suffix.lower()]
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


# --------------------------------------------------------------------------- position


def parse_stop(raw: object, count: int) -> int | None:
    """The 0-based stop index from a 1-based ?stop= value; None when it is not a stop."""
    if not isinstance(raw, str) or not raw.isdigit() or len(raw) > MAX_STOP_PARAM:
        return None
    number = int(raw)
    return number - 1 if 1 <= number <= count else None


def clamp(index: int, count: int) -> int:
    return min(max(index, 0), max(count - 1, 0))


def parse_visited(raw: object, ids: list[str]) -> set[str]:
    """The visited stops from ?seen=1,4,5 (1-based stop numbers); anything else is ignored."""
    if not isinstance(raw, str):
        return set()
    out = set()
    for part in raw.split(",")[:len(ids)]:
        index = parse_stop(part.strip(), len(ids))
        if index is not None:
            out.add(ids[index])
    return out


def format_visited(visited: set[str], ids: list[str]) -> str | None:
    """?seen= for a visited set (None when empty), in visiting order."""
    numbers = [str(i + 1) for i, pid in enumerate(ids) if pid in visited]
    return ",".join(numbers) or None


def stored_visited(raw: object, ids: list[str]) -> set[str]:
    """The visited stops kept in the browser (a JSON list of stop ids, read back by the page's
    JavaScript): only ids of this tour count, anything else is ignored."""
    if not isinstance(raw, list):
        return set()
    known = set(ids)
    return {v for v in raw[:len(ids) * 4] if isinstance(v, str) and v in known}


# --------------------------------------------------------------------------- progress


@dataclass(frozen=True)
class Progress:
    number: int  # 1-based
    total: int
    minutes_left: float  # from the start of this stop to the end of the tour
    next_leg: NextLeg | None


def bearing(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Initial great-circle bearing from point 1 to point 2, degrees clockwise from north."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dl = math.radians(lon2 - lon1)
    x = math.sin(dl) * math.cos(p2)
    y = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    return (math.degrees(math.atan2(x, y)) + 360) % 360


def compass(degrees: float) -> str:
    """The nearest of eight compass points ("n", "ne", ...)."""
    return COMPASS[int(((degrees % 360) + 22.5) // 45) % 8]


def direction_words(direction: str, lang: str) -> str:
    return t(f"visitor.dir.{direction}", lang)


def next_leg(plan: TourPlan, index: int, catalog: Catalog, lang: str) -> NextLeg | None:
    """The walk after stop `index` (0-based): to the next stop, or from the last stop to the
    tour's end. None when there is no walk (the end is this very place)."""
    visits = plan.visits
    if not 0 <= index < len(plan.stops) or index + 2 >= len(visits):
        return None
    here, there = visits[index + 1], visits[index + 2]
    leg = there.leg
    if leg is None or leg.distance_m <= 0:
        return None
    angle = bearing(here.place.lat, here.place.lon, there.place.lat, there.place.lon)
    return NextLeg(to_name=catalog.text(there.place.name, lang),
                   to_end=index + 2 == len(visits) - 1, distance_m=leg.distance_m,
                   minutes=leg.walk_minutes, bearing=angle,
                   direction=compass(angle))


def progress(plan: TourPlan, index: int, catalog: Catalog, lang: str) -> Progress:
    index = clamp(index, len(plan.stops))
    visit = plan.stops[index]
    left = (plan.visits[-1].departure - visit.begin).total_seconds() / 60
    return Progress(number=index + 1, total=len(plan.stops), minutes_left=max(left, 0.0),
                    next_leg=next_leg(plan, index, catalog, lang))


def walked_coords(plan: TourPlan, index: int) -> list[tuple[float, float]]:
    """The route from the start up to the current stop (the walked part)."""
    out: list[tuple[float, float]] = []
    for visit in plan.visits[1:index + 2]:
        if visit.leg is not None:
            out.extend(visit.leg.coords if not out else visit.leg.coords[1:])
    return out


def nearest_stop(plan: TourPlan, lat: float, lon: float) -> int | None:
    """The 0-based index of the stop nearest to a location ("where am I"); None without stops
    or for a location that is not a number."""
    if not (math.isfinite(lat) and math.isfinite(lon)) or not plan.stops:
        return None
    k = math.cos(math.radians(lat))

    def d2(i: int) -> float:
        p = plan.stops[i].place
        return ((p.lat - lat) ** 2) + ((p.lon - lon) * k) ** 2

    return min(range(len(plan.stops)), key=d2)


# --------------------------------------------------------------------------- where am I

SITE_MARGIN_M = 50.0  # a location this close to the site outline still counts as on site
LOCATION_ERRORS = ("denied", "unavailable", "timeout", "unsupported", "insecure")


@dataclass(frozen=True)
class Located:
    """A device location snapped to the nearest stop of the tour."""

    index: int  # 0-based stop index
    distance_m: float  # straight line from the device to that stop
    on_site: bool  # inside the site outline (or within SITE_MARGIN_M of it)
    accuracy_m: float | None  # the device's own estimate, metres
    lat: float | None = None  # where the device is (drawn on the visitor's map)
    lon: float | None = None


def read_location(payload: object) -> tuple[float, float, float | None] | str:
    """(lat, lon, accuracy) from the browser's report, or one of LOCATION_ERRORS.

    The payload comes from the page's JavaScript, so it is checked like any other input:
    anything that is not a finite latitude/longitude counts as "unavailable"."""
    if not isinstance(payload, dict):
        return "unavailable"
    error = payload.get("error")
    if error is not None:
        return error if error in LOCATION_ERRORS else "unavailable"
    lat, lon, acc = payload.get("lat"), payload.get("lon"), payload.get("accuracy")
    numbers = [v for v in (lat, lon) if isinstance(v, int | float) and not isinstance(v, bool)]
    if len(numbers) != 2 or not all(math.isfinite(v) for v in numbers):
        return "unavailable"
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return "unavailable"
    ok_acc = isinstance(acc, int | float) and not isinstance(acc, bool) and math.isfinite(acc) \
        and acc >= 0
    return float(lat), float(lon), float(acc) if ok_acc else None


def distance_words(metres: float, lang: str) -> str:
    """'120 m' (to 10 m) below a kilometre, else '1,84 km' / '1.84 km'."""
    if metres < 995:
        return f"{max(round(metres / 10) * 10, 10)} m"
    return fmt.km(metres, lang)


def locate(plan: TourPlan, catalog: Catalog, lat: float, lon: float,
           accuracy_m: float | None = None) -> Located | None:
    """The stop nearest to a device location, how far it is (metres in the site's projected
    CRS) and whether the device is on the site at all; None without stops."""
    index = nearest_stop(plan, lat, lon)
    if index is None:
        return None
    site = catalog.site
    place = plan.stops[index].place
    xs, ys = site.to_metres_xy([lon, place.lon], [lat, place.lat])
    distance = math.hypot(xs[1] - xs[0], ys[1] - ys[0])
    outline = geo.to_metres(site.outline, site.crs)
    on_site = outline.distance(Point(xs[0], ys[0])) <= SITE_MARGIN_M
    return Located(index=index, distance_m=float(distance), on_site=bool(on_site),
                   accuracy_m=accuracy_m, lat=float(lat), lon=float(lon))


# --------------------------------------------------------------------------- pictograms


def _pictogram_names() -> set[str]:
    return {p.stem for p in PICTOGRAMS.glob("*.svg")}


_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def pictogram_svg(category: str | None, colour: str | None = None) -> str:
    """The inline SVG pictogram of a category (drawn for this project, static/pictograms);
    the generic one for categories without their own. Only file names we ship are read.
    With `colour` (#rrggbb) the strokes get it (for an <img>, where currentColor is black)."""
    name = category if category in _pictogram_names() else GENERIC_PICTOGRAM
    svg = (PICTOGRAMS / f"{name}.svg").read_text(encoding="utf-8")
    if colour is not None and _HEX.match(colour):
        svg = svg.replace('stroke="currentColor"', f'stroke="{colour}"')
    return svg
