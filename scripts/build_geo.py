"""Generate the approximate offline geodata of the BUGA 2019 Heilbronn site (data/geo/).

Run from the repository root:

    .venv/bin/python scripts/build_geo.py

It (re)writes data/geo/{site,zones,water,paths,buildings}.geojson, then reads the written files
back, prints every check and exits with status 1 if any fails.

Why a script and not hand-edited GeoJSON: the layers depend on each other (zones partition the
site, paths walk around lakes, buildings keep clear of paths, every exhibit lies next to a
step-free path). Drawing them from one set of numbers keeps them consistent, and the checks at
the end say so.

What is real and what is drawn:

* The site outline is a 25 m simplification of OpenStreetMap way 52984591
  "Bundesgartenschau 2019" (© OpenStreetMap contributors, ODbL 1.0), the 7 points in
  SITE_OUTLINE_LATLON below.
* The five zones are drawn in metres (ZONE_* below) and intersected with that outline: the
  Neue Ufer as a band along the Alt-Neckar, the Forscherinsel at the Innenstadt gate, the rest
  split by straight lines. Only their order on the ground is sourced (data/geo/README.md).
* The exhibit and entrance locations are read from data/exhibits.yaml (POINTS); the drawing
  is fitted around them (each next to a step-free path, none inside a lake or building). If
  an exhibit moves, run the script again: the checks will say whether the drawing still fits.
* Everything else (rivers, lakes, buildings, pavilions, the footpath network) is drawn by hand in
  a local metre grid from published descriptions: the Alt-Neckar bounds the Neckarbogen in the
  east and the Hafenstraße (with the rail tracks, and the Neckar canal beyond) in the west, the
  Karlssee and the Floßhafen lie north and south of the Sommerinsel, the Inzwischenland lies
  south of the Floßhafen, the Stadtausstellung stands along the Floßhafen's east side, the
  Floßhafen's area (about 10,000 m²), the youth hostel next to the Forum, the size of the
  pavilions and of Skaio. The checks at the end test these relations on the written files.
  It is a plausible schematic, not a survey: do not measure anything real from it.

Coordinates: the drawing is done in metres of EPSG:25832 (ETRS89 / UTM 32N) relative to a local
origin at 49.1469 N, 9.2073 E (x = east, y = north), then transformed to WGS84 and rounded to
6 decimals (about 0.1 m). Distances in the checks are measured in EPSG:25832.
"""

from __future__ import annotations

import itertools
import json
import math
import random
import sys
from collections import Counter
from pathlib import Path

import networkx as nx
import numpy as np
import shapely
from pyproj import Transformer
from shapely import affinity
from shapely.geometry import LineString, MultiLineString, Point, Polygon, box, mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

ROOT = Path(__file__).resolve().parents[1]
OUT_DIR = ROOT / "data" / "geo"
CRS_M = "EPSG:25832"
ORIGIN_LONLAT = (9.2073, 49.1469)  # about the centroid of the OSM outline
DECIMALS = 6

_TO_M = Transformer.from_crs("EPSG:4326", CRS_M, always_xy=True)
_TO_LL = Transformer.from_crs(CRS_M, "EPSG:4326", always_xy=True)
_OX, _OY = _TO_M.transform(*ORIGIN_LONLAT)

# --------------------------------------------------------------------------------------------
# Facts from the brief / reference (lat, lon)
# --------------------------------------------------------------------------------------------

# OSM way 52984591, simplified by 25 m (lat, lon).
SITE_OUTLINE_LATLON = [
    (49.14340, 9.20456), (49.14565, 9.21206), (49.14967, 9.20820), (49.15117, 9.20767),
    (49.15165, 9.20628), (49.14386, 9.20420), (49.14204, 9.20299),
]

# zone id -> German name. The shapes are cut in local metres by build_zone_cutters():
# - neue-ufer: the Neckar bank park, a band ZONE_BANK_M wide along the Alt-Neckar (east edge);
# - forscherinsel: the south-east tip at the Innenstadt gate (east of x = ZONE_FORSCHER_X);
# - inzwischenland: south of the Floßhafen (south of y = ZONE_SOUTH_Y);
# - sommerinsel: west of x = ZONE_WEST_X (the lakes, the island between them, the west bank);
# - stadt-im-werden: the Stadtausstellung, between the Sommerinsel and the Neue Ufer.
ZONES = {
    "forscherinsel": "Forscherinsel",
    "neue-ufer": "Neue Ufer",
    "sommerinsel": "Sommerinsel",
    "stadt-im-werden": "Stadt im Werden",
    "inzwischenland": "Inzwischenland",
}
ZONE_BANK_M = 35.0
ZONE_FORSCHER_X, ZONE_FORSCHER_TOP_Y = 240.0, -75.0  # the tip at the Innenstadt gate
ZONE_SOUTH_Y = -145.0
ZONE_WEST_X = 22.0  # between the Floßhafen's east shore (x = 18) and the street at x = 28

# Exhibit and entrance locations the data must serve, read from data/exhibits.yaml:
# label -> (zone, lat, lon). The entrances' zone is where the script expects them.
ENTRANCE_ZONES = {"eingang-campuspark": "neue-ufer", "eingang-wohlgelegen": "sommerinsel",
                  "eingang-innenstadt": "forscherinsel"}
ENTRANCES = tuple(ENTRANCE_ZONES)


def _points() -> dict[str, tuple[str, float, float]]:
    import yaml

    doc = yaml.safe_load((ROOT / "data" / "exhibits.yaml").read_text(encoding="utf-8"))
    points = {e["id"]: (e["zone"], e["location"]["lat"], e["location"]["lon"])
              for e in doc["exhibits"]}
    for e in doc.get("entrances", []):
        points[e["id"]] = (ENTRANCE_ZONES[e["id"]], e["location"]["lat"], e["location"]["lon"])
    return points


POINTS = _points()

MAX_POINT_TO_PATH_M = 25.0
BUILDING_PATH_BUFFER_M = 4.0  # hard check; the drawing itself keeps >= 8 m for the city blocks
SITE_TOLERANCE_M = 5.0
ALLOWED_EXHIBITS = {"skaio", "holzpavillon", "faserpavillon", "jugendherberge"}
PATH_KINDS = {"promenade", "path", "bridge", "stairs"}
WATER_KINDS = {"river", "canal", "lake"}


# --------------------------------------------------------------------------------------------
# Coordinate helpers
# --------------------------------------------------------------------------------------------

def ll2m(lat: float, lon: float) -> tuple[float, float]:
    """(lat, lon) -> local metres (x east, y north) in EPSG:25832 around ORIGIN_LONLAT."""
    x, y = _TO_M.transform(lon, lat)
    return (x - _OX, y - _OY)


def _local_to_lonlat(xy: np.ndarray) -> np.ndarray:
    lon, lat = _TO_LL.transform(xy[:, 0] + _OX, xy[:, 1] + _OY)
    return np.round(np.column_stack([lon, lat]), DECIMALS)


def _lonlat_to_local(xy: np.ndarray) -> np.ndarray:
    x, y = _TO_M.transform(xy[:, 0], xy[:, 1])
    return np.column_stack([x - _OX, y - _OY])


def to_lonlat(geom: BaseGeometry) -> BaseGeometry:
    """Local metres -> WGS84 lon/lat, rounded to DECIMALS."""
    return shapely.transform(geom, _local_to_lonlat)


def to_local(geom: BaseGeometry) -> BaseGeometry:
    """WGS84 lon/lat -> local metres."""
    return shapely.transform(geom, _lonlat_to_local)


def round_lonlat(geom: BaseGeometry) -> BaseGeometry:
    return shapely.transform(geom, lambda xy: np.round(xy, DECIMALS))


def _r(p: tuple[float, float]) -> tuple[float, float]:
    """Round a local coordinate to 1 mm so that shared vertices compare equal."""
    return (round(float(p[0]), 3), round(float(p[1]), 3))


# --------------------------------------------------------------------------------------------
# Site and zones
# --------------------------------------------------------------------------------------------

def build_site() -> Polygon:
    """The OSM-derived outline as a lon/lat Polygon."""
    return orient(Polygon([(lon, lat) for lat, lon in SITE_OUTLINE_LATLON]), sign=1.0)


def _with_vertices(poly: Polygon, points: set[tuple[float, float]]) -> Polygon:
    """`poly` with those of `points` that lie on its outline (within ~0.2 m) added as vertices."""
    ring = list(poly.exterior.coords)
    outline = LineString(ring)
    extra = {p for p in points if outline.distance(Point(p)) < 2e-6} - set(ring)
    if not extra:
        return poly
    placed = sorted((outline.project(Point(c)), tuple(c)) for c in [*ring[:-1], *extra])
    return orient(Polygon([c for _, c in placed]), sign=1.0)


def _east_chain() -> list[tuple[float, float]]:
    """The site's east edge B -> C -> D -> E in local metres: the Alt-Neckar side."""
    return [_r(ll2m(lat, lon)) for lat, lon in SITE_OUTLINE_LATLON[1:5]]


def build_zone_cutters() -> dict[str, Polygon]:
    """Zone shapes in lon/lat that partition the plane around the site (before clipping).

    Cut in local metres from one band and three straight lines, so that neighbours share
    their boundary vertices exactly.
    """
    b, cc, d, e = _east_chain()
    chain = LineString([_extend(cc, b, 150.0), b, cc, d, e, _extend(d, e, 150.0)])
    band = chain.buffer(ZONE_BANK_M, cap_style="flat", join_style="mitre")
    big = box(-2000.0, -2000.0, 2000.0, 2000.0)
    forscher = box(ZONE_FORSCHER_X, -2000.0, 2000.0, ZONE_FORSCHER_TOP_Y)
    bank = band.difference(forscher)
    rest = big.difference(band).difference(forscher)
    cut = {
        "forscherinsel": forscher,
        "neue-ufer": bank,
        "inzwischenland": rest.intersection(box(-2000.0, -2000.0, 2000.0, ZONE_SOUTH_Y)),
        "sommerinsel": rest.intersection(box(-2000.0, ZONE_SOUTH_Y, ZONE_WEST_X, 2000.0)),
        "stadt-im-werden": rest.intersection(box(ZONE_WEST_X, ZONE_SOUTH_Y, 2000.0, 2000.0)),
    }
    # A vertex of one cutter that lies on another's edge becomes a vertex of both, so that the
    # shared boundaries stay identical after the (vertex-wise) transform to lon/lat.
    corners = {tuple(c) for g in cut.values() for c in shapely.get_coordinates(g)}
    return {zid: to_lonlat(_share(cut[zid], corners)) for zid in ZONES}


def _share(geom: BaseGeometry, points: set[tuple[float, float]]) -> BaseGeometry:
    """`geom` (Polygon/MultiPolygon) with those `points` that lie on its rings added as vertices."""
    if geom.geom_type == "MultiPolygon":
        return shapely.MultiPolygon([_share(g, points) for g in geom.geoms])

    def ring(coords) -> list:
        line = LineString(coords)
        extra = {p for p in points if line.distance(Point(p)) < 1e-6} - set(coords)
        placed = sorted((line.project(Point(c)), tuple(c)) for c in [*coords[:-1], *extra])
        out = [c for _, c in placed]
        return [*out, out[0]]

    return Polygon(ring(list(geom.exterior.coords)),
                   [ring(list(r.coords)) for r in geom.interiors])


def build_zones(site_ll: Polygon) -> tuple[Polygon, list[tuple[str, str, BaseGeometry]]]:
    """Each zone = its cutter ∩ the site, and the site with the zone corners added as vertices.

    Rounding the box/outline intersections to 6 decimals moves them a few centimetres off the
    outline. Adding those rounded points to the outline (each within 0.1 m of the OSM edge it
    splits), and every zone's corners to its neighbours' shared edges, makes the zones tile the
    written site exactly: no slivers, no overlaps, and `site.covers(zone)` holds in any GIS
    (also after projecting to metres, where a long lon/lat edge with and without a middle
    vertex would otherwise differ by millimetres).
    """
    site = site_ll
    cutters = build_zone_cutters()
    for _ in range(5):
        zones = [(zid, name, round_lonlat(cutters[zid].intersection(site)))
                 for zid, name in ZONES.items()]
        corners = {tuple(c) for _, _, g in zones for c in shapely.get_coordinates(g)}
        noded = _with_vertices(site, corners)
        if noded.equals_exact(site, 0.0):
            break
        site = noded
    else:
        raise RuntimeError("zone corners do not settle on the site outline")
    zones = [(zid, name, _with_vertices(g, corners)) for zid, name, g in zones]
    return site, zones


# --------------------------------------------------------------------------------------------
# Water (drawn in local metres)
# --------------------------------------------------------------------------------------------

def _unit(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float]:
    dx, dy = b[0] - a[0], b[1] - a[1]
    n = math.hypot(dx, dy)
    return (dx / n, dy / n)


def _extend(a: tuple[float, float], b: tuple[float, float], length: float) -> tuple[float, float]:
    """The point `length` metres beyond b on the line a -> b."""
    ux, uy = _unit(a, b)
    return (b[0] + ux * length, b[1] + uy * length)


def _river_band(chain: list[tuple[float, float]], side: float, site_m: Polygon,
                gap: float = 10.0, width: float = 50.0, extend: float = 140.0) -> Polygon:
    """A band `width` m wide, `gap` m outside the site, along the polyline `chain`.

    side=+1 puts the band left of the chain's direction, -1 right of it.
    """
    pts = [_extend(chain[1], chain[0], extend), *chain, _extend(chain[-2], chain[-1], extend)]
    centre = LineString(pts).offset_curve(side * (gap + width / 2), join_style="round")
    band = centre.buffer(width / 2, cap_style="flat", join_style="round", quad_segs=6)
    band = band.difference(site_m.buffer(gap, quad_segs=6))
    if band.geom_type == "MultiPolygon":  # keep the main water body only
        band = max(band.geoms, key=lambda g: g.area)
    return band.simplify(1.0)


def _lake(core: list[tuple[float, float]], radius: float) -> Polygon:
    """A rounded, organic-looking lake: a hand-drawn core polygon buffered by `radius`."""
    return Polygon(core).buffer(radius, quad_segs=8).simplify(0.15)


# Floßhafen (the former "Stadtsee", about 10,000 m²): a long basin west of the Stadtausstellung,
# whose houses stand along its east side; the street at x = 28 is its east shore path, the
# Sommerinsel axis at x = -42 its west one. About 50 m x 200 m with the shore radius.
FLOSSHAFEN_CORE = [(-23, -110), (7, -112), (9, 70), (-21, 72)]
# Karlssee (the former "Freizeitsee", 20,000–24,000 m²; drawn smaller): north of the
# Sommerinsel, from the Hafenpark in the west to near the Alt-Neckar promenade in the east,
# where the retention soil filter lies on its shore. The exhibit point (49.1496, 9.2068) stays
# on the south-west shore, outside the water.
KARLSSEE_CORE = [(-64, 326), (-48, 290), (-12, 282), (12, 290), (22, 318), (18, 350),
                 (8, 388), (-14, 401), (-44, 398), (-61, 381), (-66, 352)]
LAKE_RADIUS = 10.0
# RNZ arid 194399: 10,000 m² for the Stadtsee; the builder Wolff & Müller: about 11,000 m².
FLOSSHAFEN_AREA_M2 = (8_500.0, 12_000.0)
LAKE_LOOP_OFFSET = {"karlssee": 8.0}  # loop path distance from the shore


# The Hafenstraße and the rail tracks lie between the site's west edge and the Neckar canal.
CANAL_GAP_M = 45.0


def build_water(site_m: Polygon) -> dict[str, tuple[str, str, Polygon]]:
    # The OSM outline's corners (A..G in the order of SITE_OUTLINE_LATLON) in local metres.
    _a, b, cc, d, e, f, g = (_r(ll2m(lat, lon)) for lat, lon in SITE_OUTLINE_LATLON)
    east = [b, cc, d, e]  # east tip -> north end, along the Alt-Neckar (right = east)
    west = [g, f, e]  # south tip -> north end, beyond the Hafenstraße (left = west)
    return {
        "alt-neckar": ("Alt-Neckar", "river", _river_band(east, -1, site_m)),
        "neckarkanal": ("Neckarkanal", "canal", _river_band(west, +1, site_m, gap=CANAL_GAP_M)),
        "flosshafen": ("Floßhafen", "lake", _lake(FLOSSHAFEN_CORE, LAKE_RADIUS)),
        "karlssee": ("Karlssee", "lake", _lake(KARLSSEE_CORE, LAKE_RADIUS)),
    }


# --------------------------------------------------------------------------------------------
# Buildings (local metres)
# --------------------------------------------------------------------------------------------

# Stadtausstellung blocks between the streets (x from, y from, x to, y to), each >= 8 m from
# the street centre lines drawn in build_paths() and outside the Neue Ufer band. Streets:
# x = 28, 115, 175, y = -130, -99 (east of x = 175), -45, 27, 88, 150, 205.
STADT_FOOTPRINTS = [
    (37, -121, 62, -97), (74, -121, 102, -98), (37, -80, 60, -54), (70, -82, 98, -56),
    (128, -121, 156, -106),
    (190, -134, 216, -109),
    (185, -88, 206, -60), (215, -88, 236, -60),
    (64, -36, 90, -12), (37, -4, 60, 18), (72, -2, 100, 18),
    (124, -36, 150, -10), (136, -2, 164, 18),
    (186, -36, 212, -12), (184, -4, 204, 20),
    (37, 36, 62, 62), (72, 36, 100, 62),
    (124, 40, 152, 70),
    (37, 160, 62, 188),
    (37, 97, 62, 120), (74, 98, 102, 124),
    (68, 160, 92, 186),
]
SKAIO_FOOTPRINT = (128, -98, 150, -68)  # 22 m x 30 m, just east of its exhibit point
# The youth hostel, the 23rd house, is the south-east block (near the experimenta); its height
# is a placeholder for six storeys (SWR: "auf sechs Stockwerken").
JUGENDHERBERGE_BLOCK = 5  # index into STADT_FOOTPRINTS of (190, -134, 216, -109)
JUGENDHERBERGE_HEIGHT_M = 20
HOLZPAVILLON_CENTRE, HOLZPAVILLON_RADIUS = (-10.0, 150.0), 16.2  # 32.4 m diameter
FASERPAVILLON_CENTRE, FASERPAVILLON_AXES = (-66.0, 89.0), (12.5, 10.5)  # about 25 m x 21 m


def build_buildings() -> list[dict]:
    rng = random.Random(2019)  # noqa: S311 -- placeholder heights, reproducible, not crypto
    out = []
    for i, (x0, y0, x1, y1) in enumerate(STADT_FOOTPRINTS, start=1):
        height = rng.randint(10, 25)  # drawn for every block, so the others keep their heights
        if i == JUGENDHERBERGE_BLOCK + 1:
            out.append({"id": "jugendherberge", "name": "Jugendherberge",
                        "height_m": JUGENDHERBERGE_HEIGHT_M, "exhibit": "jugendherberge",
                        "geom": box(x0, y0, x1, y1)})
            continue
        out.append({"id": f"stadtausstellung-{i:02d}", "name": f"Stadtausstellung Haus {i}",
                    "height_m": height, "geom": box(x0, y0, x1, y1)})
    out.append({"id": "skaio", "name": "Skaio", "height_m": 34, "exhibit": "skaio",
                "geom": box(*SKAIO_FOOTPRINT)})
    out.append({"id": "holzpavillon", "name": "Holzpavillon", "height_m": 7,
                "exhibit": "holzpavillon",
                "geom": Point(HOLZPAVILLON_CENTRE).buffer(HOLZPAVILLON_RADIUS, quad_segs=8)})
    fx, fy = FASERPAVILLON_CENTRE
    oval = affinity.scale(Point(0, 0).buffer(1.0, quad_segs=8), *FASERPAVILLON_AXES)
    oval = affinity.translate(affinity.rotate(oval, 15, origin=(0, 0)), fx, fy)
    out.append({"id": "faserpavillon", "name": "Faserpavillon", "height_m": 7,
                "exhibit": "faserpavillon", "geom": oval})
    return out


# --------------------------------------------------------------------------------------------
# Paths (local metres)
# --------------------------------------------------------------------------------------------

def _ray_hit(ring: LineString, start, toward) -> tuple[float, float]:
    """The first point where the ray start -> toward meets `ring`."""
    ux, uy = _unit(start, toward)
    ray = LineString([start, (start[0] + ux * 2000, start[1] + uy * 2000)])
    hit = ray.intersection(ring)
    pts = [Point(c) for g in getattr(hit, "geoms", [hit]) for c in g.coords]
    if not pts:
        raise RuntimeError(f"ray from {start} towards {toward} misses the loop")
    best = min(pts, key=lambda p: p.distance(Point(start)))
    return _r((best.x, best.y))


def _ring_with(ring: LineString, extra: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The closed ring's coordinates with the junction points `extra` inserted in order.

    Ring vertices within 1 m of a junction are dropped so that no sliver segments appear.
    """
    items = [(ring.project(Point(c)), _r(c), False) for c in list(ring.coords)[:-1]]
    items += [(ring.project(Point(e)), e, True) for e in extra]
    items = [it for it in items
             if it[2] or min(math.dist(it[1], e) for e in extra) > 1.0]
    items.sort(key=lambda t: t[0])
    coords = [c for _, c, _ in items]
    return [*coords, coords[0]]


def _loop(lake: Polygon, offset: float) -> LineString:
    return LineString(lake.buffer(offset, quad_segs=8).exterior.simplify(0.5).coords)


def _line_with(line: LineString, extra: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The open line's coordinates with the junction points `extra` inserted in order.

    Line vertices within 1 m of a junction are dropped so that no sliver segments appear.
    """
    items = [(line.project(Point(c)), _r(c), False) for c in line.coords]
    items += [(line.project(Point(e)), e, True) for e in extra]
    items = [it for it in items
             if it[2] or min(math.dist(it[1], e) for e in extra) > 1.0]
    items.sort(key=lambda t: t[0])
    return [c for _, c, _ in items]


PROMENADE_INSET_M = 12.0  # the Alt-Neckar promenade runs this far inside the east edge
STEPS_INSET_M = 2.0  # foot of the steps down to the river, inside the east edge


def build_paths(site_m: Polygon, water: dict) -> list[dict]:
    """The footpath network as polylines with explicit shared junction vertices."""
    _a, _b, _c, _d, e, f, _g = (ll2m(lat, lon) for lat, lon in SITE_OUTLINE_LATLON)

    def x_west(y: float) -> float:  # the site's west edge (F -> E) at northing y
        return f[0] + (y - f[1]) * (e[0] - f[0]) / (e[1] - f[1])

    def west(y: float) -> tuple[float, float]:  # the Hafenstraße-side path, 12 m inside
        return _r((x_west(y) + 12.0, y))

    campus = _r(ll2m(*POINTS["eingang-campuspark"][1:]))
    nord = _r(ll2m(*POINTS["eingang-wohlgelegen"][1:]))
    city = _r(ll2m(*POINTS["eingang-innenstadt"][1:]))

    # The Alt-Neckar promenade: the east edge moved PROMENADE_INSET_M inside, from just north of
    # the Innenstadt gate to the latitude of the Wohlgelegen gate.
    chain = LineString(_east_chain())
    offset = chain.offset_curve(PROMENADE_INSET_M, join_style="mitre")
    steps_line = chain.offset_curve(STEPS_INSET_M, join_style="mitre")
    p_south = _ray_hit(offset, (city[0] - 30.0, city[1] + 30.0), (city[0] + 60.0, city[1] + 30.0))
    p_north = _ray_hit(offset, (nord[0], nord[1]), (nord[0] + 300.0, nord[1]))
    prom = LineString([p_south, *[c for c in offset.coords
                                  if offset.project(Point(c)) > offset.project(Point(p_south))
                                  and offset.project(Point(c)) < offset.project(Point(p_north))],
                       p_north])

    def east_hit(start: tuple[float, float]) -> tuple[float, float]:  # a street meets it
        return _ray_hit(prom, start, (start[0] + 500.0, start[1]))

    # The south-west tail and the inner path of the west bank.
    j0, p1 = (-248.0, -425.0), (-232.0, -385.0)
    fa, fb, fc = (-205.0, -375.0), (-190.0, -333.0), (-160.0, -298.0)
    inner = [fc, (-150.0, -210.0), (-145.0, -110.0), (-138.0, -45.0), (-128.0, 27.0),
             (-119.0, 100.0), (-112.0, 124.0), (-100.0, 205.0)]
    in1, in2, in3, in5, in6 = inner[2], inner[3], inner[4], inner[6], inner[7]
    # Inzwischenland.
    k1, k2, k3, k4 = (-80.0, -215.0), (-42.0, -197.0), (85.0, -200.0), (160.0, -168.0)
    k_fs = (20.0, -198.5)  # where the way to the Fruchtschuppen leaves the Inzwischenland path
    # Stadtausstellung street grid: x of north-south streets, y of east-west streets.
    xv0, xv1, xv2, xv3 = 28.0, 115.0, 175.0, 262.0
    yh0, yost, yh1, yh2, yh3, yh4 = -130.0, -99.0, -45.0, 27.0, 88.0, 150.0
    xaxis = -42.0  # the Sommerinsel's north-south axis
    st_top, st_bottom = (-62.0, 205.0), (xaxis, 185.0)  # stair shortcut on the Sommerinsel

    # Streets and paths that end on the promenade, and the steps down to the river.
    e45, e27 = east_hit((xv2, yh1)), east_hit((xv2, yh2))
    e88, e150, e205 = east_hit((xv2, yh3)), east_hit((xv1, yh4)), east_hit((xv0, 205.0))
    e_karl = east_hit((xv0, 330.0))
    step_ys = (-5.0, 240.0)
    step_tops = [east_hit((0.0, y)) for y in step_ys]
    step_feet = [_ray_hit(steps_line, (0.0, y), (500.0, y)) for y in step_ys]
    prom_coords = [city, *_line_with(prom, [e45, e27, e88, e150, e205, e_karl, *step_tops]),
                   nord]

    # The Karlssee loop with its junctions. The Floßhafen has no loop: the Sommerinsel axis
    # (west), the streets at y = -130 (south) and y = 88 (north) and the street at x = 28
    # (east, in front of the houses) run round it, with a footbridge across at y = -45.
    k_ring = _loop(water["karlssee"][2], LAKE_LOOP_OFFSET["karlssee"])
    ks = _ray_hit(k_ring, (xaxis, 205.0), (xaxis, 500.0))
    ke = _ray_hit(k_ring, (xv0, 250.0), (0.0, 340.0))
    kw = _ray_hit(k_ring, west(365.0), (100.0, 365.0))
    kn = _ray_hit(k_ring, nord, (nord[0], 300.0))
    kk = _ray_hit(k_ring, e_karl, (-200.0, e_karl[1]))   # east shore, towards the river

    def line(name, kind, coords, step_free=True, closed=False):
        return {"name": name, "kind": kind, "step_free": step_free, "closed": closed,
                "coords": [_r(c) for c in coords]}

    return [
        # Along the Alt-Neckar, Innenstadt gate to Wohlgelegen gate.
        line("promenade", "promenade", prom_coords),
        # Along the west edge (Hafenstraße side), south-west tail to the Wohlgelegen gate.
        line("hafenweg", "path",
             [j0, p1, west(-330.0), west(-110.0), west(yh1), west(yh2), west(124.0),
              west(205.0), west(365.0), west(nord[1]), nord]),
        line("forscherweg", "path", [j0, fa, fb, fc]),
        line("westufer", "path", inner),
        line("inzwischenland", "path", [fc, k1, k2, k_fs, k3, k4, (xv2, yh0)]),
        line("inzwischenland-nord", "path", [k3, (xv1, yh0)]),
        # To the Fruchtschuppen (the Treffpunkt Baden-Württemberg) at the southern end.
        line("fruchtschuppen", "path", [k_fs, (k_fs[0], -255.0)]),
        line("flosshafen-steg", "bridge", [(xaxis, yh1), (xv0, yh1)]),
        line("flosshafen-sued", "path", [k2, (xaxis, yh0)]),
        line("flosshafen-west", "path", [west(-110.0), in1, (xaxis, -110.0)]),
        line("karlssee-loop", "path", _ring_with(k_ring, [ks, ke, kw, kn, kk]), closed=True),
        line("karlssee-west", "path", [west(365.0), kw]),
        line("karlssee-nord", "path", [nord, kn]),
        line("karlssee-ost", "path", [kk, e_karl]),
        # Sommerinsel axis along the Floßhafen's west shore, then north to the Karlssee.
        line("sommerinsel-achse", "path",
             [(xaxis, yh0), (xaxis, -110.0), (xaxis, yh1), (xaxis, yh2), (xaxis, yh3),
              (xaxis, 124.0), st_bottom, (xaxis, 205.0), ks]),
        # East-west cross paths to the Floßhafen, continued beyond it as the streets of the
        # Stadtausstellung to the river (the one at y = -45 over the footbridge, on to the
        # Campuspark gate).
        line("querweg-45", "path", [west(yh1), in2, (xaxis, yh1)]),
        line("strasse-45", "path", [(xv0, yh1), (xv1, yh1), (xv2, yh1), e45, campus]),
        line("querweg-27", "path", [west(yh2), in3, (xaxis, yh2)]),
        line("strasse-27", "path", [(xv0, yh2), (xv1, yh2), (xv2, yh2), e27]),
        line("querweg-124", "path", [west(124.0), in5, (xaxis, 124.0), (xv0, 124.0)]),
        line("querweg-205", "path", [west(205.0), in6, st_top, (xaxis, 205.0), (xv0, 205.0),
                                     e205]),
        line("strasse-88", "path", [(xaxis, yh3), (xv0, yh3), (xv1, yh3), (xv2, yh3), e88]),
        line("strasse-150", "path", [(xv0, yh4), (xv1, yh4), e150]),
        line("strasse-130", "path", [(xaxis, yh0), (xv0, yh0), (xv1, yh0), (xv2, yh0)]),
        line("strasse-ost", "path", [(xv2, yost), (xv3, yost), city]),
        line("strasse-x28", "path",
             [(xv0, yh0), (xv0, yh1), (xv0, yh2), (xv0, yh3), (xv0, 124.0), (xv0, yh4),
              (xv0, 205.0), (xv0, 250.0), ke]),
        line("strasse-x115", "path",
             [(xv1, yh0), (xv1, yh1), (xv1, yh2), (xv1, yh3), (xv1, yh4)]),
        line("strasse-x175", "path",
             [(xv2, yh0), (xv2, yost), (xv2, yh1), (xv2, yh2), (xv2, yh3)]),
        # Steps: two down to the Alt-Neckar, one shortcut on the Sommerinsel.
        *[line(f"stufen-altneckar-{i}", "stairs", [top, foot], step_free=False)
          for i, (top, foot) in enumerate(zip(step_tops, step_feet, strict=True), start=1)],
        line("treppe-sommerinsel", "stairs", [st_top, st_bottom], step_free=False),
    ]


def split_paths(lines: list[dict], points_m: list[tuple[float, float]]) -> list[dict]:
    """Cut the polylines into graph edges: at every junction and next to every point.

    A vertex is a junction when it is an end of a line or appears in two lines (or twice in a
    closed loop). For every exhibit/entrance the nearest step-free line gets a vertex at the
    point's foot (unless a junction is within 6 m), so that a graph built only from line ends
    still has a node right beside each exhibit.
    """
    counts: Counter = Counter()
    junctions: set = set()
    for ln in lines:
        cs = ln["coords"][:-1] if ln["closed"] else ln["coords"]
        counts.update(set(cs))
        if not ln["closed"]:
            junctions.update([cs[0], cs[-1]])
    junctions.update(c for c, n in counts.items() if n >= 2)

    for p in points_m:
        cands = [ln for ln in lines if ln["step_free"] and ln["kind"] != "bridge"]
        ln = min(cands, key=lambda ln: LineString(ln["coords"]).distance(Point(p)))
        geom = LineString(ln["coords"])
        foot = _r(geom.interpolate(geom.project(Point(p))).coords[0])
        if min(math.dist(foot, j) for j in junctions) <= 6.0:
            continue
        cs = ln["coords"]
        for i in range(len(cs) - 1):
            if LineString([cs[i], cs[i + 1]]).distance(Point(foot)) < 1e-2:
                if foot not in (cs[i], cs[i + 1]):
                    cs.insert(i + 1, foot)
                break
        junctions.add(foot)

    edges = []
    for ln in lines:
        cs = ln["coords"]
        if ln["closed"]:
            ring = cs[:-1]
            k = next(i for i, c in enumerate(ring) if c in junctions)
            cs = ring[k:] + ring[:k] + [ring[k]]
        part = [cs[0]]
        n = 0
        for c in cs[1:]:
            part.append(c)
            if c in junctions:
                n += 1
                edges.append({"id": f"{ln['name']}-{n:02d}", "kind": ln["kind"],
                              "step_free": ln["step_free"], "geom": LineString(part)})
                part = [c]
    return edges


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------

def _feature(props: dict, geom_ll: BaseGeometry) -> dict:
    if geom_ll.geom_type == "Polygon":  # RFC 7946: exterior rings counter-clockwise
        geom_ll = orient(geom_ll, sign=1.0)
    return {"type": "Feature", "properties": props, "geometry": mapping(geom_ll)}


def _write(name: str, features: list[dict]) -> Path:
    path = OUT_DIR / f"{name}.geojson"
    doc = {"type": "FeatureCollection", "features": features}
    with path.open("w", encoding="utf-8") as fh:
        json.dump(doc, fh, ensure_ascii=False, indent=None, separators=(",", ":"))
        fh.write("\n")
    return path


def build() -> None:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    site_ll, zones = build_zones(build_site())
    site_m = to_local(site_ll)
    _write("site", [_feature({"id": "site", "name": "Bundesgartenschau 2019"}, site_ll)])
    _write("zones", [_feature({"id": zid, "name": name}, geom) for zid, name, geom in zones])

    water = build_water(site_m)
    _write("water", [_feature({"id": wid, "name": name, "kind": kind}, to_lonlat(geom))
                     for wid, (name, kind, geom) in water.items()])

    feats = []
    for b in build_buildings():
        props = {k: v for k, v in b.items() if k != "geom"}
        feats.append(_feature(props, to_lonlat(b["geom"])))
    _write("buildings", feats)

    points_m = [ll2m(lat, lon) for _, lat, lon in POINTS.values()]
    edges = split_paths(build_paths(site_m, water), points_m)
    feats = []
    for ed in edges:
        geom = to_lonlat(ed["geom"])
        coords = [c for i, c in enumerate(geom.coords) if i == 0 or c != geom.coords[i - 1]]
        feats.append(_feature({"id": ed["id"], "step_free": ed["step_free"], "kind": ed["kind"]},
                              LineString(coords)))
    _write("paths", feats)


# --------------------------------------------------------------------------------------------
# Checks (on the files as written)
# --------------------------------------------------------------------------------------------

class Checks:
    def __init__(self) -> None:
        self.failed: list[str] = []

    def __call__(self, ok: bool, what: str, detail: str = "") -> bool:
        print(f"[{'OK' if ok else 'FAIL'}] {what}" + (f": {detail}" if detail else ""))
        if not ok:
            self.failed.append(what)
        return ok


def _load(name: str) -> list[tuple[dict, BaseGeometry]]:
    doc = json.loads((OUT_DIR / f"{name}.geojson").read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection"
    return [(f["properties"], shape(f["geometry"])) for f in doc["features"]]


def _coords_ok(geom: BaseGeometry) -> bool:
    arr = shapely.get_coordinates(geom)
    return bool(np.all(np.round(arr, DECIMALS) == arr))


def _graph(lines: list[BaseGeometry]) -> nx.Graph:
    g = nx.Graph()
    for ln in lines:
        g.add_edge(tuple(ln.coords[0]), tuple(ln.coords[-1]))
    return g


def check() -> bool:
    ok = Checks()
    layers = {n: _load(n) for n in ("site", "zones", "water", "paths", "buildings")}
    required = {"site": {"id", "name"}, "zones": {"id", "name"}, "water": {"id", "name", "kind"},
                "paths": {"id", "step_free", "kind"}, "buildings": {"id", "name", "height_m"}}
    types = {"site": {"Polygon"}, "zones": {"Polygon", "MultiPolygon"}, "water": {"Polygon"},
             "paths": {"LineString"}, "buildings": {"Polygon"}}

    # 1. Validity, types, properties, ids, precision.
    for name, feats in layers.items():
        bad = [p.get("id") for p, g in feats
               if g.is_empty or not g.is_valid or g.geom_type not in types[name]
               or not required[name] <= set(p) or not _coords_ok(g)]
        ids = [p.get("id") for p, _ in feats]
        ok(not bad and len(ids) == len(set(ids)) and all(isinstance(i, str) for i in ids),
           f"{name}: {len(feats)} valid features, unique ids, 6-decimal lon/lat",
           f"bad: {bad}" if bad else "")

    site_m = to_local(layers["site"][0][1])
    osm_m = to_local(build_site())
    moved = site_m.hausdorff_distance(osm_m)
    ok(len(layers["site"]) == 1 and moved < 0.2, "site: one outline, the OSM-derived one",
       f"area {site_m.area / 10_000:.1f} ha, {len(site_m.exterior.coords) - 1} vertices, "
       f"at most {moved:.2f} m from the 7-point outline")

    # 2. Zones partition the site.
    zones_m = {p["id"]: to_local(g) for p, g in layers["zones"]}
    ok(set(zones_m) == set(ZONES), "zones: the five zone ids", ", ".join(zones_m))
    union = shapely.union_all(list(zones_m.values()))
    gap = site_m.symmetric_difference(union).area
    overlap = sum(a.intersection(b).area for a, b in itertools.combinations(zones_m.values(), 2))
    site_ll = layers["site"][0][1]
    covered = all(site_ll.covers(g) for _, g in layers["zones"])
    ok(gap < 0.01 and overlap < 0.01 and covered, "zones partition the site",
       f"uncovered/outside {gap:.4f} m², overlaps {overlap:.4f} m², site covers every zone")

    # 3. Points: inside the site and in their zone.
    pts = {label: Point(ll2m(lat, lon)) for label, (_, lat, lon) in POINTS.items()}
    wrong = [label for label, (zone, _, _) in POINTS.items()
             if not zones_m[zone].buffer(0.01).contains(pts[label])]
    ok(not wrong, "every point lies in its zone (and so in the site)", ", ".join(wrong))

    # 4. Water.
    water = {p["id"]: (p, to_local(g)) for p, g in layers["water"]}
    kinds = {p["kind"] for p, _ in water.values()}
    ok(kinds <= WATER_KINDS, "water kinds", ", ".join(sorted(kinds)))
    lakes = {wid: g for wid, (p, g) in water.items() if p["kind"] == "lake"}
    rivers = {wid: g for wid, (p, g) in water.items() if p["kind"] != "lake"}
    ok(all(site_m.contains(g) for g in lakes.values()), "lakes lie inside the site")
    ok(zones_m["sommerinsel"].contains(lakes["flosshafen"]),
       "Floßhafen lies inside the Sommerinsel zone")
    dist_r = {wid: g.distance(site_m) for wid, g in rivers.items()}
    ok(all(5.0 <= d <= CANAL_GAP_M + 5.0 for d in dist_r.values()),
       "river and canal run outside the site",
       ", ".join(f"{k} {v:.1f} m away" for k, v in dist_r.items()))
    b_, c_, d_, e_ = (Point(p) for p in _east_chain())
    east_edge = LineString([b_, c_, d_, e_])
    ok(rivers["alt-neckar"].distance(east_edge) < 15.0
       and rivers["neckarkanal"].distance(LineString([b_, c_])) > 100.0,
       "the Alt-Neckar runs along the east edge, the canal beyond the west edge",
       f"Alt-Neckar {rivers['alt-neckar'].distance(east_edge):.1f} m from the east edge")
    in_lake = [lb for lb, p in pts.items() if any(g.contains(p) for g in lakes.values())]
    ok(not in_lake, "no point lies in a lake", ", ".join(in_lake))
    for wid, label in (("flosshafen", "flosshafen"),
                       ("karlssee", "karlssee-wassershow")):
        d = lakes[wid].exterior.distance(pts[label])
        ok(d <= 15.0, f"the {wid} exhibit point is on the shore", f"{d:.1f} m from the water")
    # Where the sources put the water (data/geo/README.md, "Lakes").
    f_lake, k_lake = lakes["flosshafen"], lakes["karlssee"]
    ok(FLOSSHAFEN_AREA_M2[0] <= f_lake.area <= FLOSSHAFEN_AREA_M2[1],
       "the Floßhafen covers about 10,000 m² (the former Stadtsee)", f"{f_lake.area:,.0f} m²")
    ok(k_lake.area > f_lake.area, "the Karlssee is the larger lake",
       f"{k_lake.area:,.0f} m² (the real one 20,000–24,000 m²)")
    ok(k_lake.centroid.y > f_lake.bounds[3], "the Karlssee lies north of the Floßhafen")
    between = [lb for lb in ("holzpavillon", "faserpavillon")
               if not f_lake.bounds[3] < pts[lb].y < k_lake.bounds[1]]
    ok(not between, "the pavilions of the Sommerinsel lie between the two lakes",
       ", ".join(between))
    south = [lb for lb in ("treffpunkt-bw", "pappeln-inzwischenland")
             if pts[lb].y >= f_lake.bounds[1]]
    ok(not south, "the Inzwischenland and the Fruchtschuppen lie south of the Floßhafen",
       ", ".join(south))
    filt = pts["retentionsbodenfilter"]
    ok(k_lake.exterior.distance(filt) <= 20.0 and filt.x > k_lake.centroid.x,
       "the retention soil filter lies on the Karlssee's shore, on the Neckar (east) side",
       f"{k_lake.exterior.distance(filt):.1f} m from the water")

    # 5. Buildings.
    bld = [(p, to_local(g)) for p, g in layers["buildings"]]
    ex = [p.get("exhibit") for p, _ in bld if p.get("exhibit") is not None]
    ok(set(ex) == ALLOWED_EXHIBITS and len(ex) == len(set(ex)),
       "buildings: exhibit values are " + ", ".join(sorted(ALLOWED_EXHIBITS)), ", ".join(ex))
    heights = [p["height_m"] for p, _ in bld]
    ok(all(isinstance(h, int | float) and h > 0 for h in heights), "buildings: heights positive",
       f"{min(heights)}–{max(heights)} m")
    stadt = [g for p, g in bld if p["id"].startswith("stadtausstellung-") or p["id"] == "skaio"]
    ok(all(zones_m["stadt-im-werden"].contains(g) for g in stadt),
       "Stadtausstellung buildings lie in the stadt-im-werden zone", f"{len(stadt)} buildings")
    ok(all(site_m.contains(g) for _, g in bld), "buildings lie inside the site")
    under = [lb for lb, p in pts.items() if any(g.intersects(p) for _, g in bld)]
    ok(not under, "no point lies in a building", ", ".join(under))
    for bid, label, near in (("skaio", "skaio", 8.0), ("jugendherberge", "jugendherberge", 8.0),
                             ("holzpavillon", "holzpavillon", 5.0),
                             ("faserpavillon", "faserpavillon", 5.0)):
        g = next(g for p, g in bld if p["id"] == bid)
        d = g.distance(pts[label])
        ok(0.5 <= d <= near, f"{bid}: its point lies just outside the footprint", f"{d:.1f} m")
    pair_overlap = [(a[0]["id"], b[0]["id"]) for a, b in itertools.combinations(bld, 2)
                    if a[1].intersects(b[1])]
    ok(not pair_overlap, "buildings do not overlap each other", str(pair_overlap))
    wet = [p["id"] for p, g in bld if any(g.intersects(w) for _, w in water.values())]
    ok(not wet, "buildings stay out of the water", ", ".join(wet))
    houses = [g for p, g in bld if p["id"].startswith("stadtausstellung-")
              or p["id"] in ("skaio", "jugendherberge")]
    shore = [g for g in houses if g.distance(f_lake) <= 30.0]
    west_of = [g for g in houses if g.centroid.x < f_lake.bounds[2]]
    ok(len(shore) >= 5 and not west_of,
       "the Stadtausstellung's houses stand along the Floßhafen's east side",
       f"{len(shore)} within 30 m of the water, {len(west_of)} west of its east shore")
    hostel = next(g for p, g in bld if p["id"] == "jugendherberge")
    ok(hostel.distance(pts["forum-heilbronn"]) <= 30.0,
       "the Forum Heilbronn stands next to the youth hostel",
       f"{hostel.distance(pts['forum-heilbronn']):.1f} m")

    # 6. Paths.
    paths = [(p, g) for p, g in layers["paths"]]
    paths_m = [(p, to_local(g)) for p, g in paths]
    kinds = Counter(p["kind"] for p, _ in paths)
    ok(set(kinds) <= PATH_KINDS, "path kinds", repr(dict(kinds)))
    ok(40 <= len(paths) <= 160, "40–160 path segments", str(len(paths)))
    stairs = [p for p, _ in paths if p["kind"] == "stairs"]
    ok(2 <= len(stairs) <= 4 and all(p["step_free"] is False for p in stairs)
       and all(p["step_free"] is True for p, _ in paths if p["kind"] != "stairs"),
       "2–4 stairs (step_free false); every other segment step_free",
       ", ".join(p["id"] for p in stairs))
    short = [p["id"] for p, g in paths_m if g.length < 2.0]
    ok(not short, "no sliver segments (< 2 m)", ", ".join(short))

    # Lines meet only at shared end points (no crossing or T without a common vertex).
    lines_ll = [g for _, g in paths]
    tree = shapely.STRtree(lines_ll)
    bad_meet = []
    for i, gi in enumerate(lines_ll):
        for j in tree.query(gi, predicate="intersects"):
            if j <= i:
                continue
            gj = lines_ll[j]
            ends = {gi.coords[0], gi.coords[-1]} & {gj.coords[0], gj.coords[-1]}
            inter = gi.intersection(gj)
            got = {c for g in getattr(inter, "geoms", [inter]) for c in g.coords}
            if inter.geom_type not in ("Point", "MultiPoint") or not got <= ends:
                bad_meet.append((paths[i][0]["id"], paths[j][0]["id"]))
    ok(not bad_meet, "paths meet only at shared end vertices", str(bad_meet[:5]))

    g_all = _graph(lines_ll)
    ok(nx.number_connected_components(g_all) == 1, "network connected (graph of line ends)",
       f"{g_all.number_of_nodes()} nodes, {g_all.number_of_edges()} edges")
    noded = shapely.node(MultiLineString(lines_ll))
    g_noded = _graph(list(noded.geoms))
    ok(nx.number_connected_components(g_noded) == 1,
       "network connected after shapely.node", f"{len(noded.geoms)} noded pieces")
    sf_lines = [g for p, g in paths if p["step_free"]]
    g_sf = _graph(sf_lines)
    ok(nx.number_connected_components(g_sf) == 1, "step-free subnetwork connected",
       f"{g_sf.number_of_nodes()} nodes")

    all_m = shapely.union_all([g for _, g in paths_m])
    sf_m = shapely.union_all([g for p, g in paths_m if p["step_free"]])
    far = {lb: p.distance(sf_m) for lb, p in pts.items()}
    worst = max(far, key=far.get)
    ok(all(p.distance(all_m) <= MAX_POINT_TO_PATH_M for p in pts.values())
       and far[worst] <= MAX_POINT_TO_PATH_M,
       "every point within 25 m of a path and of a step-free path",
       f"farthest {far[worst]:.1f} m ({worst}); median "
       f"{sorted(far.values())[len(far) // 2]:.1f} m")
    ends = {c for _, g in paths_m for c in (g.coords[0], g.coords[-1])}
    ent_far = {lb: min(pts[lb].distance(Point(c)) for c in ends)
               for lb in ENTRANCES}
    ok(all(d < 0.5 for d in ent_far.values()), "each entrance is a node of the network",
       ", ".join(f"{k} {v:.2f} m" for k, v in ent_far.items()))

    outside = [p["id"] for p, g in paths_m
               if p["kind"] != "bridge" and not site_m.buffer(SITE_TOLERANCE_M).contains(g)]
    ok(not outside, "paths stay inside the site (+5 m) except bridges", ", ".join(outside))
    wet = [p["id"] for p, g in paths_m
           if any(g.intersects(w) for w in lakes.values()) and p["kind"] != "bridge"]
    wet += [p["id"] for p, g in paths_m if any(g.intersects(w) for w in rivers.values())]
    ok(not wet, "paths do not cross water except on bridges", ", ".join(wet))
    bridges_wet = [p["id"] for p, g in paths_m
                   if p["kind"] == "bridge" and any(g.intersects(w) for w in lakes.values())]
    print(f"       bridges over water: {', '.join(bridges_wet) or 'none'}")

    path_buf = all_m.buffer(BUILDING_PATH_BUFFER_M)
    hit = [p["id"] for p, g in bld if g.intersects(path_buf)]
    clear = {p["id"]: g.distance(all_m) for p, g in bld}
    low = min(clear, key=clear.get)
    stadt_clear = min(v for k, v in clear.items() if k.startswith("stadtausstellung") or
                      k == "skaio")
    ok(not hit, "no building touches a 4 m buffer around the paths",
       f"closest {low} {clear[low]:.1f} m; Stadtausstellung min {stadt_clear:.1f} m")

    # 7. Size.
    sizes = {p.name: p.stat().st_size for p in OUT_DIR.glob("*.geojson")}
    total = sum(sizes.values())
    ok(total < 200_000, "GeoJSON files total < 200 KB",
       ", ".join(f"{k} {v / 1000:.1f} KB" for k, v in sorted(sizes.items()))
       + f"; total {total / 1000:.1f} KB")

    if ok.failed:
        print(f"\n{len(ok.failed)} check(s) FAILED")
        return False
    print("\nall checks passed")
    return True


def main() -> int:
    build()
    print(f"wrote {OUT_DIR.relative_to(ROOT)}/*.geojson\n")
    return 0 if check() else 1


if __name__ == "__main__":
    sys.exit(main())
