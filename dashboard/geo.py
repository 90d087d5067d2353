"""The site's geodata (data/geo): loading, checking, and metres in the projected CRS.

Files are GeoJSON in WGS84 (RFC 7946). Lengths and distances are computed in the exhibition's
projected CRS (EPSG:25832 for Heilbronn), never in degrees.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import networkx as nx
import numpy as np
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError
from shapely.geometry import LineString, MultiLineString, Point, shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from dashboard.errors import Problem

WGS84 = "EPSG:4326"
GEO_DIR = "geo"

# name -> (required?, allowed geometry types)
LAYERS: dict[str, tuple[bool, tuple[str, ...]]] = {
    "site": (True, ("Polygon", "MultiPolygon")),
    "zones": (True, ("Polygon", "MultiPolygon")),
    "water": (False, ("Polygon", "MultiPolygon", "LineString", "MultiLineString")),
    "paths": (False, ("LineString", "MultiLineString")),
    "buildings": (False, ("Polygon", "MultiPolygon")),
}


@lru_cache(maxsize=8)
def _transformer(crs: str) -> Transformer:
    return Transformer.from_crs(WGS84, crs, always_xy=True)


def to_metres(geom: BaseGeometry, crs: str) -> BaseGeometry:
    """The geometry in the projected CRS (x/y in metres)."""
    transformer = _transformer(crs)
    return shapely.transform(
        geom, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1]))
    )


@dataclass(frozen=True)
class SiteGeo:
    """The layers of one site, as GeoDataFrames in WGS84, plus the projected CRS."""

    data_dir: Path
    crs: str
    layers: dict[str, gpd.GeoDataFrame]
    outline: BaseGeometry
    zone_shapes: dict[str, BaseGeometry] = field(default_factory=dict)
    _paths_m: BaseGeometry | None = None
    _geojson: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False)

    def label(self, layer: str) -> str:
        return str(self.data_dir / GEO_DIR / f"{layer}.geojson")

    def layer(self, name: str) -> gpd.GeoDataFrame:
        return self.layers[name]

    @property
    def has_paths(self) -> bool:
        return not self.layers["paths"].empty

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(min_lon, min_lat, max_lon, max_lat) of the site outline."""
        return tuple(self.outline.bounds)  # type: ignore[return-value]

    @property
    def center(self) -> tuple[float, float]:
        """(lat, lon) of the middle of the site."""
        c = self.outline.centroid
        return (c.y, c.x)

    def geojson(self, name: str) -> dict[str, Any]:
        """The layer as a GeoJSON dict, made once: maps draw it on every rerun.

        Treat it as read-only; it is shared by every session that uses this catalogue.
        """
        if name not in self._geojson:
            self._geojson[name] = json.loads(self.layers[name].to_json(drop_id=True))
        return self._geojson[name]

    def distance_to_paths_m(self, point: Point) -> float | None:
        if self._paths_m is None:
            return None
        return float(to_metres(point, self.crs).distance(self._paths_m))

    def building_exhibits(self) -> list[tuple[int, str]]:
        buildings = self.layers["buildings"]
        if buildings.empty or "exhibit" not in buildings:
            return []
        return [
            (i, str(v)) for i, v in enumerate(buildings["exhibit"]) if isinstance(v, str) and v
        ]


def _read_features(
    path: Path, layer: str, allowed: tuple[str, ...], problems: list[Problem]
) -> list[dict[str, Any]] | None:
    label = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        problems.append(Problem(label, f"cannot be read: {exc.strerror or exc}"))
        return []
    try:
        doc = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        problems.append(Problem(label, "is not UTF-8 text; is it binary?"))
        return []
    except json.JSONDecodeError as exc:
        problems.append(
            Problem(label, f"is not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}")
        )
        return []
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        problems.append(Problem(label, "must be a GeoJSON FeatureCollection"))
        return []
    features = doc.get("features")
    if not isinstance(features, list):
        problems.append(Problem(label, "'features' must be a list"))
        return []
    rows = []
    for index, feature in enumerate(features):
        props = feature.get("properties") if isinstance(feature, dict) else None
        props = props if isinstance(props, dict) else {}
        ident = props.get("id")
        item = f"feature {ident!r}" if isinstance(ident, str) else f"feature #{index + 1}"
        try:
            geom = shape(feature["geometry"])
        except (KeyError, TypeError, ValueError, AttributeError, shapely.errors.GEOSException) as e:
            problems.append(Problem(label, f"geometry cannot be read ({e})", item, "geometry"))
            continue
        if geom.geom_type not in allowed:
            problems.append(Problem(label, f"must be {' or '.join(allowed)}, got {geom.geom_type}",
                                    item, "geometry"))
            continue
        if geom.is_empty or not geom.is_valid:
            why = "is empty" if geom.is_empty else f"is invalid: {explain_validity(geom)}"
            problems.append(Problem(label, f"geometry {why}", item, "geometry"))
            continue
        rows.append({**props, "geometry": geom, "_item": item})
    return rows


def _check_props(layer: str, rows: list[dict[str, Any]], label: str, problems: list[Problem]):
    for row in rows:
        item = row["_item"]
        if layer in ("zones", "paths", "buildings", "water") and not isinstance(row.get("id"), str):
            problems.append(Problem(label, "needs a text property 'id'", item, "id"))
        if layer == "paths":
            value = row.setdefault("step_free", True)
            if not isinstance(value, bool):
                problems.append(Problem(label, f"must be true or false (got {value!r})", item,
                                        "step_free"))
        if layer == "buildings":
            height = row.get("height_m")
            if isinstance(height, bool) or not isinstance(height, int | float) or height <= 0:
                problems.append(Problem(label, f"must be a positive number (got {height!r})",
                                        item, "height_m"))


def load_site(data_dir: Path, crs: str, problems: list[Problem]) -> SiteGeo | None:
    """Read data_dir/geo/*.geojson; append every problem found; None if unusable."""
    try:
        CRS.from_user_input(crs)
    except CRSError:
        problems.append(Problem(str(data_dir / "exhibits.yaml"), f"unknown CRS {crs!r}",
                                "exhibition", "crs"))
        crs = "EPSG:25832"
    before = len(problems)
    layers: dict[str, gpd.GeoDataFrame] = {}
    for layer, (required, allowed) in LAYERS.items():
        path = data_dir / GEO_DIR / f"{layer}.geojson"
        rows = _read_features(path, layer, allowed, problems)
        if rows is None:
            if required:
                problems.append(Problem(str(path), "file not found"))
            rows = []
        _check_props(layer, rows, str(path), problems)
        frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=WGS84) if rows else (
            gpd.GeoDataFrame({"geometry": []}, geometry="geometry", crs=WGS84)
        )
        layers[layer] = frame.drop(columns=["_item"], errors="ignore")
    if len(problems) > before or layers["site"].empty:
        if layers["site"].empty and len(problems) == before:
            problems.append(Problem(str(data_dir / GEO_DIR / "site.geojson"), "has no outline"))
        return None

    outline = shapely.union_all(list(layers["site"].geometry))
    zone_shapes: dict[str, BaseGeometry] = {}
    for zid, geom in zip(layers["zones"].get("id", []), layers["zones"].geometry, strict=False):
        zone_shapes[zid] = geom if zid not in zone_shapes else zone_shapes[zid].union(geom)

    paths_m = None
    if not layers["paths"].empty:
        lines = list(layers["paths"].geometry)
        paths_m = to_metres(shapely.union_all(lines), crs)
        parts = path_components(lines)
        if len(parts) > 1:
            ids = list(layers["paths"]["id"])
            loose = sorted(parts, key=len)[0]
            sample = ", ".join(repr(ids[i]) for i in sorted(loose)[:3])
            problems.append(Problem(
                str(data_dir / GEO_DIR / "paths.geojson"),
                f"the footpath network falls apart into {len(parts)} unconnected pieces; "
                f"e.g. {sample} cannot be reached from the rest (paths must share a vertex "
                "where they meet)",
            ))
    return SiteGeo(data_dir, crs, layers, outline, zone_shapes, paths_m)


def _lines_of(geom: BaseGeometry) -> list[LineString]:
    if isinstance(geom, MultiLineString):
        return list(geom.geoms)
    return [geom] if isinstance(geom, LineString) else []


def noded_segments(lines: list[BaseGeometry]) -> list[tuple[int, LineString]]:
    """Split path lines wherever they cross or touch, keeping the index of the source line.

    Two paths that cross at grade are walkable from one to the other, so the walking graph needs
    a node at every intersection, not only at the vertices the data happened to include.
    """
    pieces: list[tuple[int, LineString]] = []
    union = shapely.union_all(lines)  # nodes all lines at their intersections
    noded = [seg for g in getattr(union, "geoms", [union]) for seg in _lines_of(g)]
    tree = shapely.STRtree(lines)
    for seg in noded:
        # Attribute each noded piece to the source line it lies on (for step_free etc.).
        mid = seg.interpolate(0.5, normalized=True)
        hits = tree.query(mid, predicate="dwithin", distance=1e-9)
        source = int(hits[0]) if len(hits) else int(tree.nearest(mid))
        pieces.append((source, seg))
    return pieces


def path_components(lines: list[BaseGeometry]) -> list[set[int]]:
    """Groups of source-line indices that are connected to each other on foot."""
    graph = nx.Graph()
    for source, seg in noded_segments(lines):
        a, b = _key(seg.coords[0]), _key(seg.coords[-1])
        graph.add_edge(a, b)
        graph.nodes[a].setdefault("lines", set()).add(source)
        graph.nodes[b].setdefault("lines", set()).add(source)
    comps = []
    for comp in nx.connected_components(graph):
        comps.append(set().union(*(graph.nodes[n]["lines"] for n in comp)))
    return comps


def _key(coord: tuple[float, ...]) -> tuple[float, float]:
    # ~1 cm in degrees: endpoints that coincide in the data become one node.
    return (round(coord[0], 7), round(coord[1], 7))
