"""A synthetic exhibition of any size: a complete, valid data folder for benchmarks and tests.

`python -m dashboard synth --exhibits N [--seed S] -o DIR` writes it; `validate` accepts it and
the app runs on it unchanged. The site is a square street grid near lat 49.0, lon 9.0 (worked out
in EPSG:25832, written as WGS84 GeoJSON like every data folder, see docs/data-format.md):

- paths: a grid of streets (13 x 13 up to 156 exhibits; bigger so that there are about as many
  block sides as exhibits above that; 100 m apart), written as one LineString per
  block side so that crossing streets share their vertices; a few sides are missing and a few
  blocks have a diagonal, so shortest walks are not simply Manhattan distances; a few sides
  are stairs (step_free false); one short link leads from the south edge to the entrance;
- zones: the four quadrants, tiling the site exactly (they share their corner vertices);
- categories, departments, one city, one entrance, a pond and a few buildings;
- exhibits (64 by default) at seeded-random positions 4-15 m beside a path, at least 20 m
  apart, each in the zone it lies in, in every category, with both languages, facts, city
  notes and sources.

The same seed and size always write the same bytes.
"""

from __future__ import annotations

import itertools
import json
import math
import random
from pathlib import Path
from typing import Any

import networkx as nx
import yaml
from pyproj import Transformer
from shapely import STRtree
from shapely.geometry import LineString, Point

CRS = "EPSG:25832"
ORIGIN_LATLON = (49.0, 9.0)  # south-west corner of the street grid
MARGIN_M = 40.0  # site outline beyond the outermost streets
ZONES = (  # (id, de, en, column 0/1 = west/east, row 0/1 = south/north)
    ("suedwest", "Südwest", "South-west", 0, 0),
    ("suedost", "Südost", "South-east", 1, 0),
    ("nordwest", "Nordwest", "North-west", 0, 1),
    ("nordost", "Nordost", "North-east", 1, 1),
)
CATEGORIES = (
    ("energy", "Energie", "Energy", "#d35400", "⚡"),
    ("water", "Wasser", "Water", "#2471a3", "💧"),
    ("mobility", "Mobilität", "Mobility", "#27ae60", "🚲"),
    ("digital", "Digitales", "Digital", "#8e44ad", "📡"),
)
DEPARTMENTS = (
    ("bau", "Bauwesen", "Building"),
    ("it", "IT", "IT"),
    ("umwelt", "Umwelt", "Environment"),
)
NOUNS = (
    ("Pavillon", "pavilion"), ("Garten", "garden"), ("Labor", "lab"), ("Station", "station"),
    ("Werkstatt", "workshop"), ("Turm", "tower"), ("Platz", "square"), ("Haus", "house"),
)
ADJECTIVES = (
    ("Grüner", "Green"), ("Kleiner", "Small"), ("Offener", "Open"), ("Neuer", "New"),
    ("Leiser", "Quiet"), ("Runder", "Round"), ("Heller", "Bright"), ("Smarter", "Smart"),
)

Grid = tuple[int, int]  # (column, row) of a street crossing


class _Site:
    """Metres relative to the south-west street crossing -> rounded WGS84 lon/lat."""

    def __init__(self) -> None:
        to_m = Transformer.from_crs("EPSG:4326", CRS, always_xy=True)
        self.x0, self.y0 = to_m.transform(ORIGIN_LATLON[1], ORIGIN_LATLON[0])
        self._to_wgs84 = Transformer.from_crs(CRS, "EPSG:4326", always_xy=True)

    def lonlat(self, x: float, y: float) -> list[float]:
        lon, lat = self._to_wgs84.transform(self.x0 + x, self.y0 + y)
        return [round(lon, 7), round(lat, 7)]


def _street_segments(rng: random.Random, size: int) -> list[tuple[Grid, Grid, str]]:
    """Block sides (and diagonals) of the path grid as pairs of grid crossings, with a kind.

    A few block sides are left out (the network stays connected), a few blocks get one
    diagonal (a block never gets two: they would cross without a shared vertex)."""
    sides = []
    for c, r in itertools.product(range(size), range(size)):
        if c + 1 < size:
            sides.append(((c, r), (c + 1, r)))
        if r + 1 < size:
            sides.append(((c, r), (c, r + 1)))
    graph = nx.Graph(sides)
    removed = 0
    for a, b in rng.sample(sides, len(sides)):
        if removed == max(4, len(sides) // 25):
            break
        if min(a[1], b[1]) == 0 and max(a[0], b[0]) == size // 2:
            continue  # keep the streets at the entrance
        graph.remove_edge(a, b)
        if nx.is_connected(graph):
            removed += 1
        else:
            graph.add_edge(a, b)
    kept = [(a, b) for a, b in sides if graph.has_edge(a, b)]
    stairs = set(rng.sample(range(len(kept)), 3))
    out = [(a, b, "stairs" if k in stairs else "path") for k, (a, b) in enumerate(kept)]
    blocks = list(itertools.product(range(size - 1), range(size - 1)))
    for c, r in rng.sample(blocks, max(3, len(blocks) // 12)):
        if rng.random() < 0.5:
            out.append(((c, r), (c + 1, r + 1), "path"))
        else:
            out.append(((c + 1, r), (c, r + 1), "path"))
    return out


def _exhibit_positions(rng: random.Random, count: int, segments: list[tuple[Grid, Grid, str]],
                       spacing: float) -> list[tuple[float, float]]:
    """Seeded points 4-15 m beside a random path, away from crossings and from each other."""
    points: list[tuple[float, float]] = []
    cells: dict[tuple[int, int], list[tuple[float, float]]] = {}  # 20 m cells: near points
    attempts = 0
    while len(points) < count:
        attempts += 1
        if attempts > 1000 * count:
            raise ValueError(f"could not place {count} exhibits 20 m apart beside the paths; "
                             "use a bigger grid")
        (c1, r1), (c2, r2), _ = rng.choice(segments)
        x1, y1, x2, y2 = c1 * spacing, r1 * spacing, c2 * spacing, r2 * spacing
        t = rng.uniform(0.2, 0.8)
        length = math.hypot(x2 - x1, y2 - y1)
        nx_, ny_ = -(y2 - y1) / length, (x2 - x1) / length  # unit normal
        offset = rng.uniform(4.0, 15.0) * rng.choice((-1, 1))
        x = x1 + t * (x2 - x1) + offset * nx_
        y = y1 + t * (y2 - y1) + offset * ny_
        cx, cy = int(x // 20.0), int(y // 20.0)
        near = (q for dx in (-1, 0, 1) for dy in (-1, 0, 1)
                for q in cells.get((cx + dx, cy + dy), ()))
        if all(math.hypot(x - px, y - py) >= 20.0 for px, py in near):
            point = (round(x, 2), round(y, 2))
            points.append(point)
            cells.setdefault((cx, cy), []).append(point)
    return points


def _feature(props: dict[str, Any], geom_type: str, coords: Any) -> dict[str, Any]:
    return {"type": "Feature", "properties": props,
            "geometry": {"type": geom_type, "coordinates": coords}}


def _write_geojson(path: Path, features: list[dict[str, Any]]) -> None:
    doc = {"type": "FeatureCollection", "features": features}
    path.write_text(json.dumps(doc, ensure_ascii=False) + "\n", encoding="utf-8")


def grid_size(exhibits: int) -> int:
    """Streets per direction: 13, or the smallest odd number with about as many block sides as
    exhibits (a 33 x 33 grid, 3.2 km wide, for 2,000)."""
    size = 13
    while 2 * size * (size - 1) < exhibits:
        size += 2
    return size


def generate(out_dir: Path | str, seed: int = 1, exhibits: int = 64, size: int | None = None,
             spacing: float = 100.0, opening_hours: tuple[str, str] | None = None) -> Path:
    """Write the data folder to out_dir (created if needed) and return its path.

    size: streets per direction (odd; default grid_size(exhibits)). opening_hours ("08:00",
    "23:59"): the exhibition's default hours, so that every stop gets a time window when a tour
    is planned; None (default): no hours, no windows."""
    if exhibits < 1:
        raise ValueError(f"exhibits must be at least 1, got {exhibits}")
    size = grid_size(exhibits) if size is None else size
    if size < 3 or size % 2 == 0:
        raise ValueError("size must be an odd number >= 3 (the entrance street is the middle)")
    if exhibits > 4 * 2 * size * (size - 1):
        raise ValueError(f"{exhibits} exhibits do not fit beside the paths of a {size} x {size} "
                         "grid (at most four per block side)")
    rng = random.Random(seed)  # noqa: S311 (seeded on purpose: the same site every time)
    out = Path(out_dir)
    (out / "geo").mkdir(parents=True, exist_ok=True)
    site = _Site()
    span = (size - 1) * spacing
    half = span / 2
    lo, hi = -MARGIN_M, span + MARGIN_M

    # --- outline and zones: a 3 x 3 lattice of corner points, shared exactly by all polygons
    xs, ys = (lo, half, hi), (lo, half, hi)
    corner = {(i, j): site.lonlat(xs[i], ys[j]) for i in range(3) for j in range(3)}
    ring = [corner[k] for k in ((0, 0), (1, 0), (2, 0), (2, 1), (2, 2), (1, 2), (0, 2), (0, 1))]
    _write_geojson(out / "geo" / "site.geojson", [
        _feature({"id": "site", "name": "Synthetic grid site"}, "Polygon", [[*ring, ring[0]]])])
    zone_features = []
    for zid, de, _en, col, row in ZONES:
        quad = [corner[(col, row)], corner[(col + 1, row)], corner[(col + 1, row + 1)],
                corner[(col, row + 1)]]
        zone_features.append(_feature({"id": zid, "name": de}, "Polygon", [[*quad, quad[0]]]))
    _write_geojson(out / "geo" / "zones.geojson", zone_features)

    # --- paths
    segments = _street_segments(rng, size)
    node = {(c, r): site.lonlat(c * spacing, r * spacing)
            for c, r in itertools.product(range(size), range(size))}
    path_features = []
    for k, (a, b, kind) in enumerate(segments):
        path_features.append(_feature(
            {"id": f"p{k:03d}", "step_free": kind != "stairs", "kind": kind},
            "LineString", [node[a], node[b]]))
    gate_xy = (half, -MARGIN_M / 2)
    path_features.append(_feature({"id": "gate-link", "step_free": True, "kind": "path"},
                                  "LineString", [node[(size // 2, 0)], site.lonlat(*gate_xy)]))
    _write_geojson(out / "geo" / "paths.geojson", path_features)

    # --- water: a round pond in the middle of one block (away from every path)
    pc, pr = rng.randrange(size - 1), rng.randrange(size - 1)
    cx, cy = (pc + 0.5) * spacing, (pr + 0.5) * spacing
    pond = [site.lonlat(cx + 0.25 * spacing * math.cos(a), cy + 0.25 * spacing * math.sin(a))
            for a in (2 * math.pi * k / 16 for k in range(16))]
    _write_geojson(out / "geo" / "water.geojson", [
        _feature({"id": "teich", "name": "Teich", "kind": "lake"}, "Polygon", [[*pond, pond[0]]])])

    # --- exhibits
    positions = _exhibit_positions(rng, exhibits, segments, spacing)
    # An exhibit whose nearest path is stairs cannot be step-free (validate checks it).
    lines = [LineString([(a[0] * spacing, a[1] * spacing), (b[0] * spacing, b[1] * spacing)])
             for a, b, _ in segments]
    nearest = STRtree(lines).nearest([Point(x, y) for x, y in positions]) if positions else []
    beside_stairs = [segments[int(i)][2] == "stairs" for i in nearest]
    exhibit_items, building_features = [], []
    width = max(2, len(str(exhibits)))
    for k, (x, y) in enumerate(positions):
        eid = f"exponat-{k + 1:0{width}d}"
        col, row = int(x >= half), int(y >= half)
        zid = next(z for z in ZONES if z[3] == col and z[4] == row)[0]
        cat = CATEGORIES[k % len(CATEGORIES)]
        adj, noun = rng.choice(ADJECTIVES), rng.choice(NOUNS)
        lon, lat = site.lonlat(x, y)
        deps = sorted(rng.sample([d[0] for d in DEPARTMENTS], rng.randint(1, 2)))
        item: dict[str, Any] = {
            "id": eid,
            "name": {"de": f"{adj[0]} {noun[0]} {k + 1}", "en": f"{adj[1]} {noun[1]} {k + 1}"},
            "summary": {"de": f"Ein Beispiel aus dem Bereich {cat[1]}.",
                        "en": f"An example of {cat[2].lower()}."},
            "description": {"de": "Ein erfundenes Exponat für Benchmarks und Tests.",
                            "en": "A made-up exhibit for benchmarks and tests."},
            "category": cat[0],
            "zone": zid,
            "location": {"lat": lat, "lon": lon},
            "visit_minutes": rng.choice((5, 5, 10, 10, 10, 15, 20)),
            "step_free": rng.random() < 0.9 and not beside_stairs[k],
            "priority": rng.randint(1, 5),
            "facts": [{"de": f"Baujahr {2010 + k % 10}", "en": f"Built in {2010 + k % 10}"}],
            "departments": deps,
            "city_notes": {"testhausen": {"de": "Für den eigenen Bauhof prüfen.",
                                          "en": "Worth checking for our own depot."}},
            "sources": [f"https://example.org/bench/{eid}"],
        }
        exhibit_items.append(item)
        if k % 8 == 0:  # a small house around some exhibits (clear of the path: >= 4 m away)
            h = 2.5
            sq = [site.lonlat(x + dx, y + dy) for dx, dy in ((-h, -h), (h, -h), (h, h), (-h, h))]
            building_features.append(_feature(
                {"id": f"haus-{k + 1:0{width}d}", "name": f"Haus {k + 1}", "height_m": 6,
                 "exhibit": eid}, "Polygon", [[*sq, sq[0]]]))
    _write_geojson(out / "geo" / "buildings.geojson", building_features)

    gate_lon, gate_lat = site.lonlat(*gate_xy)
    doc = {
        "exhibition": {
            "id": "bench-grid",
            "name": {"de": "Benchmark-Gelände", "en": "Benchmark site"},
            "description": {"de": f"Synthetisches Straßenraster, Seed {seed}.",
                            "en": f"Synthetic street grid, seed {seed}."},
            "timezone": "Europe/Berlin",
            "crs": CRS,
            **({"opening_hours": {"open": opening_hours[0], "close": opening_hours[1]}}
               if opening_hours else {}),
            "default_city": "testhausen",
            "sources": ["https://example.org/bench"],
        },
        "categories": [{"id": c[0], "name": {"de": c[1], "en": c[2]}, "color": c[3],
                        "icon": c[4]} for c in CATEGORIES],
        "zones": [{"id": z[0], "name": {"de": z[1], "en": z[2]}} for z in ZONES],
        "entrances": [{"id": "eingang-campuspark",
                       "name": {"de": "Eingang Süd", "en": "South gate"},
                       "location": {"lat": gate_lat, "lon": gate_lon}, "step_free": True}],
        "exhibits": exhibit_items,
    }
    header = (f"# Synthetic exhibition (python -m dashboard synth, "
              f"seed {seed}).\n# Generated: do not edit.\n")
    (out / "exhibits.yaml").write_text(
        header + yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100),
        encoding="utf-8")
    cities = {
        "departments": [{"id": d[0], "name": {"de": d[1], "en": d[2]}} for d in DEPARTMENTS],
        "cities": [{"id": "testhausen", "name": {"de": "Testhausen", "en": "Testhausen"},
                    "delegation": {"de": "Lotsen", "en": "Pilots"},
                    "departments": [d[0] for d in DEPARTMENTS],
                    "sources": ["https://example.org/testhausen"]}],
    }
    (out / "cities.yaml").write_text(
        yaml.safe_dump(cities, allow_unicode=True, sort_keys=False, width=100), encoding="utf-8")
    (out / "geo" / "README.md").write_text(
        "# Synthetic geometry\n\n"
        f"Made up by `python -m dashboard synth` (seed {seed}): a {size} x {size} street "
        f"grid, {spacing:.0f} m apart, around lat {ORIGIN_LATLON[0]}, lon {ORIGIN_LATLON[1]}, "
        f"with {exhibits} exhibits beside the paths. Nothing in it is real.\n",
        encoding="utf-8")
    return out
