"""The rules that look across a loaded data folder: references between items and files,
times, and everything that queries the site geometry (as osmnx keeps its checks in _validate).

dashboard.catalog reads the files and checks each item on its own, then calls `check` with
the parts it could read; it returns problems instead of raising, so that one run reports
everything. docs/data-format.md states every rule.

Geometry checks are vectorised (shapely 2 arrays, STRtree): a catalogue of thousands of
exhibits is checked without a Python loop per exhibit over geometry.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely
from pyproj import Geod

from dashboard import geo
from dashboard.errors import Problem

if TYPE_CHECKING:
    from dashboard.catalog import (
        City,
        Department,
        Entrance,
        Exhibit,
        Exhibition,
        Zone,
    )

# How far an exhibit or entrance may lie from the nearest footpath before we call the network
# incomplete: beyond this a "walking route" would be mostly cross-country.
MAX_PATH_DISTANCE_M = 60.0
# A given crs may stretch or shrink distances on the site by at most this fraction.
MAX_CRS_SCALE_ERROR = 0.01
# An exhibit counts as inside its zone up to about a metre outside the polygon (in degrees).
ZONE_TOLERANCE_DEG = 1e-5


@dataclass(frozen=True)
class Parts:
    """What could be read of a data folder; any part may be missing after earlier problems."""

    data_dir: Path
    ex_label: str
    ci_label: str
    exhibition: Exhibition | None
    categories: dict[str, Any]
    zones: dict[str, Zone]
    entrances: dict[str, Entrance]
    exhibits: dict[str, Exhibit]
    departments: dict[str, Department]
    cities: dict[str, City]
    site: geo.SiteGeo | None
    # Includes exhibits that failed their own validation, so that one bad exhibit is not
    # reported again from every reference to it.
    declared_exhibits: set[str]


def check(parts: Parts) -> list[Problem]:
    """Every cross-item, cross-file and geometry problem of the parts."""
    problems: list[Problem] = []
    _references(parts, problems)
    _languages(parts, problems)
    _show_times(parts, problems)
    _on_show(parts, problems)
    _images(parts, problems)
    if parts.site is not None:
        _crs_fits_site(parts, parts.site, problems)
        _places_on_site(parts, parts.site, problems)
        _zones(parts, parts.site, problems)
        _paths_connected(parts.site, problems)
        _buildings(parts, parts.site, problems)
        if not any(pr.file == parts.site.label("paths") for pr in problems):
            problems += _step_free_reachable(parts, parts.site)
    return problems


# --------------------------------------------------------------------------- references


def unknown_refs(values: Iterable[str], known: dict[str, Any], what: str) -> list[str]:
    """A message for each value not in known."""
    choices = ", ".join(sorted(known)) or "none defined"
    return [f"unknown {what} {v!r} (known: {choices})" for v in values if v not in known]


def _references(p: Parts, problems: list[Problem]) -> None:
    def add(item: str, field: str, message: str, label: str = p.ex_label) -> None:
        problems.append(Problem(label, message, item, field))

    ex = p.exhibition
    if ex and ex.default_city and p.cities and ex.default_city not in p.cities:
        for msg in unknown_refs([ex.default_city], p.cities, "city"):
            add("exhibition", "default_city", msg)
    for city in p.cities.values():
        for i, dep in enumerate(city.departments):
            for msg in unknown_refs([dep], p.departments, "department"):
                add(f"city {city.id!r}", f"departments[{i}]", msg, p.ci_label)
    for shared in sorted(set(p.entrances) & set(p.exhibits)):
        # Tours name their start and end by id: one id must mean one place.
        add(f"entrance {shared!r}", "id", "is also the id of an exhibit; ids must be unique")
    for exhibit in p.exhibits.values():
        item = f"exhibit {exhibit.id!r}"
        if p.categories and exhibit.category not in p.categories:
            add(item, "category", unknown_refs([exhibit.category], p.categories, "category")[0])
        if p.zones and exhibit.zone not in p.zones:
            add(item, "zone", unknown_refs([exhibit.zone], p.zones, "zone")[0])
        if p.departments:
            for i, dep in enumerate(exhibit.departments):
                for msg in unknown_refs([dep], p.departments, "department"):
                    add(item, f"departments[{i}]", msg)
        if p.cities:
            for city in exhibit.city_notes:
                if city not in p.cities:
                    add(item, f"city_notes.{city}", unknown_refs([city], p.cities, "city")[0])


def _languages(p: Parts, problems: list[Problem]) -> None:
    if p.exhibition is None or p.exhibition.fallback_language is not None:
        return
    for kind, items, label in (
        ("category", p.categories, p.ex_label), ("zone", p.zones, p.ex_label),
        ("entrance", p.entrances, p.ex_label), ("department", p.departments, p.ci_label),
        ("city", p.cities, p.ci_label),
    ):
        for item in items.values():
            if missing := item.name.missing():
                problems.append(Problem(label, _missing_msg(missing), f"{kind} {item.id!r}",
                                        "name"))
    for exhibit in p.exhibits.values():
        for field, text in exhibit.localized_texts():
            if missing := text.missing():
                problems.append(Problem(p.ex_label, _missing_msg(missing),
                                        f"exhibit {exhibit.id!r}", field))


def _missing_msg(missing: list[str]) -> str:
    langs = " and ".join(missing)
    return (f"text in {langs} is missing (give both de and en, or set "
            "exhibition.fallback_language)")


def _show_times(p: Parts, problems: list[Problem]) -> None:
    default = p.exhibition.opening_hours if p.exhibition else None
    for exhibit in p.exhibits.values():
        hours = exhibit.opening_hours or default
        if hours is None:
            continue
        whose = "its" if exhibit.opening_hours else "the exhibition's"
        for i, show in enumerate(exhibit.show_times):
            if not hours.open <= show < hours.close:
                problems.append(Problem(
                    p.ex_label, f"{show:%H:%M} lies outside {whose} opening hours "
                    f"{hours.open:%H:%M}–{hours.close:%H:%M}",
                    f"exhibit {exhibit.id!r}", f"show_times[{i}]"))


def _on_show(p: Parts, problems: list[Problem]) -> None:
    """An exhibit's dates lie within the exhibition's (a day outside could never be planned)."""
    first = p.exhibition.start_date if p.exhibition else None
    last = p.exhibition.end_date if p.exhibition else None
    for exhibit in p.exhibits.values():
        span = exhibit.on_show
        if span is None:
            continue
        if first and span.first < first:
            problems.append(Problem(p.ex_label, f"{span.first} lies before the exhibition's "
                                    f"start_date {first}", f"exhibit {exhibit.id!r}",
                                    "on_show.first"))
        if last and span.last > last:
            problems.append(Problem(p.ex_label, f"{span.last} lies after the exhibition's "
                                    f"end_date {last}", f"exhibit {exhibit.id!r}",
                                    "on_show.last"))


# --------------------------------------------------------------------------- images

MAX_IMAGE_BYTES = 1_048_576  # 1 MB: a stop card's picture, also embedded in the offline file
MAX_IMAGE_PIXELS = 25_000_000
# What the file really is (read by Pillow), for each allowed file name ending.
IMAGE_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".webp": "WEBP"}


def image_file(data_dir: Path, image: str) -> Path | None:
    """The checked image file of an exhibit: inside the data folder (also after following
    links), a regular file; None otherwise."""
    try:
        root = data_dir.resolve(strict=True)
        real = (data_dir / image).resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    return real if real.is_relative_to(root) and real.is_file() else None


def image_problem(data_dir: Path, image: str) -> str | None:
    """Why an exhibit's image cannot be shown, or None. The path's form is checked by the
    model (catalog.ImagePath); here the file: where it is, its size and what it really is."""
    from PIL import Image, UnidentifiedImageError

    path = data_dir / image
    if not path.exists() and not path.is_symlink():
        return f"file not found: {image!r} (paths are relative to the data folder)"
    real = image_file(data_dir, image)
    if real is None:
        return f"{image!r} is not a regular file inside the data folder (a link leading out?)"
    size = real.stat().st_size
    if size == 0:
        return f"{image!r} is empty"
    if size > MAX_IMAGE_BYTES:
        return f"{image!r} is {size:,} bytes; at most {MAX_IMAGE_BYTES:,} (1 MB) are allowed"
    want = IMAGE_FORMATS[Path(image).suffix.lower()]
    too_many = f"at most {MAX_IMAGE_PIXELS:,} pixels are allowed"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(real) as img:
                found, (width, height) = img.format, img.size
                if found == want and width * height <= MAX_IMAGE_PIXELS:
                    img.verify()
            if found == want and width * height <= MAX_IMAGE_PIXELS:
                # Decoded in full, as the pages will: a header that promises 4000 x 4000 with
                # the data cut off passes verify() and fails only when drawn.
                with Image.open(real) as img:
                    img.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Readable, but its header claims far more pixels than Pillow decodes safely.
        return f"{image!r} is too large: {too_many}"
    except UnidentifiedImageError:
        return f"{image!r} is not a readable PNG, JPEG or WebP image"
    except (OSError, SyntaxError, ValueError):  # Pillow's errors for damaged files
        return f"{image!r} is damaged and cannot be read as an image"
    if found != want:
        return f"{image!r} is a {found or 'unknown'} file, not {want} as its name says"
    if width * height > MAX_IMAGE_PIXELS:
        return f"{image!r} has {width} x {height} pixels; {too_many}"
    return None


def _images(p: Parts, problems: list[Problem]) -> None:
    for exhibit in p.exhibits.values():
        if exhibit.image is not None and (why := image_problem(p.data_dir, exhibit.image)):
            problems.append(Problem(p.ex_label, why, f"exhibit {exhibit.id!r}", "image"))


# --------------------------------------------------------------------------- geometry


def _crs_fits_site(p: Parts, site: geo.SiteGeo, problems: list[Problem]) -> None:
    """A given crs must measure the site nearly true to scale (a UTM zone far away does not)."""
    given = p.exhibition.crs if p.exhibition else None
    if given is None or given != site.crs:  # derived, or already reported by geo.load_site
        return
    min_lon, min_lat, max_lon, max_lat = site.bounds
    _, _, true_m = Geod(ellps="WGS84").inv(min_lon, min_lat, max_lon, max_lat)
    x, y = site.to_metres_xy([min_lon, max_lon], [min_lat, max_lat])
    projected_m = math.hypot(x[1] - x[0], y[1] - y[0])
    if true_m <= 0:
        return
    error = projected_m / true_m - 1 if math.isfinite(projected_m) else math.inf
    if not abs(error) <= MAX_CRS_SCALE_ERROR:
        problems.append(Problem(
            p.ex_label, f"{given} measures distances on this site {abs(error):.1%} "
            f"{'too long' if error > 0 else 'too short'} (at most {MAX_CRS_SCALE_ERROR:.0%}): "
            f"it is meant for another region; leave crs out to use the site's UTM zone "
            f"({geo.metric_crs(site.outline)})", "exhibition", "crs"))


def _places(p: Parts) -> tuple[list[tuple[str, Any]], np.ndarray, np.ndarray]:
    items = [("exhibit", e) for e in p.exhibits.values()]
    items += [("entrance", e) for e in p.entrances.values()]
    lons = np.array([e.location.lon for _, e in items], dtype=float)
    lats = np.array([e.location.lat for _, e in items], dtype=float)
    return items, lons, lats


def _places_on_site(p: Parts, site: geo.SiteGeo, problems: list[Problem]) -> None:
    """Every exhibit and entrance inside the outline and near a footpath."""
    items, lons, lats = _places(p)
    if not items:
        return
    inside = shapely.covers(site.outline, shapely.points(lons, lats))
    distance = _distance_to_paths_m(site, lons, lats)
    outline_label, paths_label = site.label("site"), site.label("paths")
    for i, (kind, item) in enumerate(items):
        where = f"{kind} {item.id!r}"
        if not inside[i]:
            problems.append(Problem(p.ex_label, f"({item.location.lat}, {item.location.lon}) "
                                    f"lies outside the site outline in {outline_label}",
                                    where, "location"))
        elif distance is not None and distance[i] > MAX_PATH_DISTANCE_M:
            problems.append(Problem(p.ex_label, f"is {distance[i]:.0f} m from the nearest "
                                    f"footpath (at most {MAX_PATH_DISTANCE_M:.0f} m): extend "
                                    f"{paths_label}", where, "location"))


def _paths_in_metres(site: geo.SiteGeo) -> np.ndarray:
    lines = np.array(list(site.layer("paths").geometry), dtype=object)
    return shapely.transform(lines, lambda xy: np.column_stack(site.to_metres_xy(xy[:, 0],
                                                                                 xy[:, 1])))


def _distance_to_paths_m(site: geo.SiteGeo, lons: np.ndarray, lats: np.ndarray
                         ) -> np.ndarray | None:
    if not site.has_paths:
        return None
    tree = shapely.STRtree(_paths_in_metres(site))
    points = shapely.points(*site.to_metres_xy(lons, lats))
    (which, _), dist = tree.query_nearest(points, return_distance=True, all_matches=False)
    out = np.full(len(points), np.inf)
    out[which] = dist
    return out


def _zones(p: Parts, site: geo.SiteGeo, problems: list[Problem]) -> None:
    """Each exhibit inside its zone's polygon; each zone with a polygon and vice versa."""
    exhibits = list(p.exhibits.values())
    if exhibits and site.zone_shapes:
        points = shapely.points([e.location.lon for e in exhibits],
                                [e.location.lat for e in exhibits])
        on_site = shapely.covers(site.outline, points)
        zone_of = np.array([e.zone for e in exhibits], dtype=object)
        for zone_id, shape in site.zone_shapes.items():
            if zone_id not in p.zones:
                continue
            members = np.flatnonzero((zone_of == zone_id) & on_site)
            ok = shapely.covers(shape.buffer(ZONE_TOLERANCE_DEG), points[members])
            for i in members[~ok]:
                inside = [z for z, s in site.zone_shapes.items() if s.covers(points[i])]
                actual = f"zone {inside[0]!r}" if inside else "no zone"
                problems.append(Problem(p.ex_label, f"is {exhibits[i].zone!r} but the location "
                                        f"lies in {actual} of {site.label('zones')}",
                                        f"exhibit {exhibits[i].id!r}", "zone"))
    zone_label = site.label("zones")
    for zone_id in p.zones:
        if site.zone_shapes and zone_id not in site.zone_shapes:
            problems.append(Problem(zone_label, "has no polygon for this zone",
                                    f"zone {zone_id!r}"))
    for zone_id in site.zone_shapes:
        if p.zones and zone_id not in p.zones:
            problems.append(Problem(zone_label, f"zone id {zone_id!r} is not defined in "
                                    f"{p.ex_label}", f"zone {zone_id!r}"))


def _paths_connected(site: geo.SiteGeo, problems: list[Problem]) -> None:
    """The footpaths form one network: lines that meet must share a point."""
    if not site.has_paths:
        return
    paths = site.layer("paths")
    parts = geo.path_components(list(paths.geometry), site.noded_paths)
    if len(parts) > 1:
        ids = list(paths["id"])
        loose = sorted(parts, key=len)[0]
        sample = ", ".join(repr(ids[i]) for i in sorted(loose)[:3])
        problems.append(Problem(
            site.label("paths"),
            f"the footpath network falls apart into {len(parts)} unconnected pieces; "
            f"e.g. {sample} cannot be reached from the rest (paths must share a vertex "
            "or cross where they meet)",
        ))


def _buildings(p: Parts, site: geo.SiteGeo, problems: list[Problem]) -> None:
    for index, exhibit_id in site.building_exhibits():
        if p.declared_exhibits and exhibit_id not in p.declared_exhibits:
            problems.append(Problem(site.label("buildings"), f"unknown exhibit {exhibit_id!r}",
                                    f"feature #{index + 1}", "exhibit"))


# --------------------------------------------------------------------------- routes


def _step_free_reachable(p: Parts, site: geo.SiteGeo) -> list[Problem]:
    """A step-free exhibit must be reachable without steps from a step-free entrance.

    Mirrors how dashboard.routing attaches places: each place joins the path piece nearest to
    it, and that piece's step_free decides whether the place can be reached step-free.
    """
    wanted = [e for e in p.exhibits.values() if e.step_free]
    if not site.has_paths or not p.entrances or not wanted:
        return []
    label = p.ex_label
    gates = [e for e in p.entrances.values() if e.step_free]
    if not gates:
        return [Problem(label, f"no entrance is step_free, so none of the {len(wanted)} "
                        "exhibits marked step_free: true can be reached without steps",
                        "entrances", "step_free")]
    paths = site.layer("paths")
    pieces = site.noded_paths
    path_step_free = paths["step_free"].to_numpy(dtype=bool)
    path_ids = list(paths["id"])
    source = np.array([src for src, _ in pieces])
    free = path_step_free[source]
    segs = shapely.transform(
        np.array([seg for _, seg in pieces], dtype=object),
        lambda xy: np.column_stack(site.to_metres_xy(xy[:, 0], xy[:, 1])))
    # Union-find over the ends of step-free pieces (rounded to 1 cm as routing does).
    parent: dict[tuple[float, float], tuple[float, float]] = {}

    def root(node: tuple[float, float]) -> tuple[float, float]:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    starts = shapely.get_coordinates(shapely.get_point(segs, 0))
    stops = shapely.get_coordinates(shapely.get_point(segs, -1))
    start_of = [(round(x, 2), round(y, 2)) for x, y in starts]
    for i, (x, y) in enumerate(stops):
        if free[i]:
            parent[root(start_of[i])] = root((round(x, 2), round(y, 2)))
    places = [*gates, *wanted]
    points = shapely.points(*site.to_metres_xy([e.location.lon for e in places],
                                               [e.location.lat for e in places]))
    (which, nearest) = shapely.STRtree(segs).query_nearest(points, all_matches=False)
    piece_of = np.empty(len(places), dtype=int)
    piece_of[which] = nearest
    component = [root(start_of[k]) if free[k] else None for k in piece_of]
    reachable = {c for c in component[: len(gates)] if c is not None}
    problems = []
    for exhibit, comp, k in zip(wanted, component[len(gates):], piece_of[len(gates):],
                                strict=True):
        if comp is not None and comp in reachable:
            continue
        if comp is None:
            why = f"its nearest path {path_ids[source[k]]!r} is not step-free"
        else:
            why = "no step-free path links it to a step-free entrance"
        problems.append(Problem(label, f"is true, but the exhibit can only be reached over "
                                f"steps: {why}", f"exhibit {exhibit.id!r}", "step_free"))
    return problems
