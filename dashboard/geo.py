"""The site's geodata (data/geo): loading, checking, and metres in the projected CRS.

Files are GeoJSON in WGS84 (RFC 7946). Lengths and distances are computed in the exhibition's
projected CRS (`exhibition.crs`, else the site's UTM zone: EPSG:32632 for Heilbronn), never in
degrees.
"""

from __future__ import annotations

import json
import math
import os
import stat
import warnings
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import networkx as nx
import numpy as np
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError
from shapely.geometry import LineString, MultiLineString, shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from dashboard import settings
from dashboard.errors import Problem, shown, unsafe_chars

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


def read_data_file(path: Path, label: str, problems: list[Problem],
                   root: Path | None = None) -> bytes | None:
    """The bytes of a data file, or None with the reason appended to problems.

    Only regular files inside the data folder `root` (default: the file's folder) are read,
    also after following links, as for exhibit images: a cities.yaml linked to /etc/shadow or
    /proc/self/environ is a problem, never read. Only regular files (a named pipe would block,
    /dev/zero would never end), and at most LERNREISE_MAX_DATA_FILE_MB: a bigger file is a
    problem, not a memory exhaustion. FileNotFoundError is raised for a missing file (also a
    link to nothing) so that callers decide if it is required.
    """
    try:
        limit = settings.max_data_file_bytes()
    except ValueError as exc:
        problems.append(Problem(label, f"cannot be read: {exc}"))
        return None
    try:
        real = path.resolve(strict=True)
        inside = real.is_relative_to((root or path.parent).resolve(strict=True))
        info = os.stat(real)
    except FileNotFoundError:
        raise
    except RuntimeError:  # a loop of links (Python < 3.13)
        problems.append(Problem(label, "is a link that leads in a circle"))
        return None
    except OSError as exc:
        problems.append(Problem(label, f"cannot be read: {exc.strerror or exc}"))
        return None
    if not inside:
        problems.append(Problem(label, "is a link to a file outside the data folder; a data "
                                "folder's files must be inside it (as its images)"))
        return None
    if not stat.S_ISREG(info.st_mode):
        what = ("a folder" if stat.S_ISDIR(info.st_mode) else "a named pipe"
                if stat.S_ISFIFO(info.st_mode) else "a device or socket")
        problems.append(Problem(label, f"is {what}, not a regular file"))
        return None
    too_big = (f"is larger than {limit / 1e6:g} MB (the limit set by "
               "LERNREISE_MAX_DATA_FILE_MB)")
    if info.st_size > limit:
        problems.append(Problem(label, f"{too_big}: {info.st_size / 1e6:,.1f} MB"))
        return None
    try:
        with open(real, "rb") as fh:
            raw = fh.read(limit + 1)
    except OSError as exc:
        problems.append(Problem(label, f"cannot be read: {exc.strerror or exc}"))
        return None
    if len(raw) > limit:  # grew since stat, or a special file that claims size 0
        problems.append(Problem(label, too_big))
        return None
    return raw


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

    def to_metres_xy(self, lons: Any, lats: Any) -> tuple[np.ndarray, np.ndarray]:
        """Arrays of projected x, y in metres for arrays of longitudes and latitudes."""
        x, y = _transformer(self.crs).transform(np.asarray(lons, float), np.asarray(lats, float))
        return np.asarray(x), np.asarray(y)

    @cached_property
    def noded_paths(self) -> list[tuple[int, LineString]]:
        """noded_segments of the path layer, made once (validation needs it twice)."""
        return noded_segments(list(self.layers["paths"].geometry))

    def building_exhibits(self) -> list[tuple[int, str]]:
        buildings = self.layers["buildings"]
        if buildings.empty or "exhibit" not in buildings:
            return []
        return [
            (i, str(v)) for i, v in enumerate(buildings["exhibit"]) if isinstance(v, str) and v
        ]


# Allowed values of the `kind` property; `stairs` paths must have step_free: false.
KINDS: dict[str, tuple[str, ...]] = {
    "paths": ("path", "promenade", "bridge", "stairs"),
    "water": ("river", "canal", "lake"),
}
MAX_GEO_TEXT_CHARS = 120  # a feature's id and name


def _read_features(
    path: Path, layer: str, allowed: tuple[str, ...], problems: list[Problem]
) -> list[dict[str, Any]] | None:
    label = str(path)
    try:
        raw = read_data_file(path, label, problems, root=path.parent.parent)
    except FileNotFoundError:
        return None
    if raw is None:
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
    except RecursionError:
        problems.append(Problem(label, "is nested too deeply to be read"))
        return []
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        problems.append(Problem(label, f"cannot be read as JSON: {str(exc)[:200]}"))
        return []
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        problems.append(Problem(label, "must be a GeoJSON FeatureCollection"))
        return []
    if "crs" in doc:
        problems.append(Problem(label, "has a 'crs' member: GeoJSON coordinates are always WGS84 "
                                "longitude/latitude (RFC 7946); remove it and reproject the "
                                "data", None, "crs"))
        return []
    features = doc.get("features")
    if not isinstance(features, list):
        problems.append(Problem(label, "'features' must be a list"))
        return []
    # In feature order: a problem, or (item, properties, geometry) still to be checked.
    found: list[Problem | tuple[str, dict[str, Any], BaseGeometry]] = []
    for index, feature in enumerate(features):
        props = feature.get("properties") if isinstance(feature, dict) else None
        props = props if isinstance(props, dict) else {}
        ident = props.get("id")
        item = (f"feature {shown(ident)}" if isinstance(ident, str) and len(ident) <= 64
                else f"feature #{index + 1}")
        if isinstance(feature, dict) and "crs" in feature:
            found.append(Problem(label, "has a 'crs' member: GeoJSON coordinates are always "
                                 "WGS84 longitude/latitude (RFC 7946)", item, "crs"))
            continue
        try:
            with warnings.catch_warnings():  # NaN coordinates warn; they are reported below
                warnings.simplefilter("ignore", RuntimeWarning)
                geom = shape(feature["geometry"])
        except (KeyError, TypeError, ValueError, AttributeError, IndexError,
                RecursionError, shapely.errors.GEOSException) as e:
            found.append(Problem(label, f"geometry cannot be read ({str(e)[:200]})", item,
                                 "geometry"))
            continue
        if geom.geom_type not in allowed:
            found.append(Problem(label, f"must be {' or '.join(allowed)}, got {geom.geom_type}",
                                 item, "geometry"))
            continue
        found.append((item, props, geom))
    return _checked_rows(found, label, problems)


def _checked_rows(found: list[Problem | tuple[str, dict[str, Any], BaseGeometry]], label: str,
                  problems: list[Problem]) -> list[dict[str, Any]]:
    """The rows of the features whose coordinates are WGS84 and whose geometry is valid and not
    empty; every problem appended in feature order.

    Checked for all geometries at once (shapely's array functions); only a rejected one is
    looked at on its own, for its message.
    """
    read = [entry for entry in found if isinstance(entry, tuple)]
    geoms = np.array([geom for _, _, geom in read], dtype=object)
    xy, owner = shapely.get_coordinates(geoms, return_index=True)
    coords_ok = np.isfinite(xy).all(axis=1) & (np.abs(xy[:, 0]) <= 180) & (np.abs(xy[:, 1]) <= 90)
    bad_coords = np.zeros(len(read), dtype=bool)
    bad_coords[owner[~coords_ok]] = True
    with warnings.catch_warnings():  # NaN coordinates warn; they are reported above
        warnings.simplefilter("ignore", RuntimeWarning)
        good = ~bad_coords & ~shapely.is_empty(geoms) & shapely.is_valid(geoms)
    rows = []
    checked = iter(zip(good, bad_coords, strict=True))
    for entry in found:
        if isinstance(entry, Problem):
            problems.append(entry)
            continue
        (item, props, geom), (ok, bad) = entry, next(checked)
        if ok:
            rows.append({**props, "geometry": geom, "_item": item})
        elif bad and (why := _bad_coordinates(geom)):
            problems.append(Problem(label, why, item, "geometry"))
        else:
            why = "is empty" if geom.is_empty else f"is invalid: {explain_validity(geom)}"
            problems.append(Problem(label, f"geometry {why}", item, "geometry"))
    return rows


def _bad_coordinates(geom: BaseGeometry) -> str | None:
    """Why these coordinates are not WGS84 longitude/latitude, or None."""
    xy = shapely.get_coordinates(geom)
    if not np.isfinite(xy).all():
        return "has a coordinate that is not a finite number (NaN or infinity)"
    lon_ok = (np.abs(xy[:, 0]) <= 180).all()
    lat_ok = (np.abs(xy[:, 1]) <= 90).all()
    if lon_ok and lat_ok:
        return None
    bad = xy[~((np.abs(xy[:, 0]) <= 180) & (np.abs(xy[:, 1]) <= 90))][0]
    return (f"has a coordinate outside longitude -180..180 / latitude -90..90 (got "
            f"[{bad[0]:.6g}, {bad[1]:.6g}]); GeoJSON is WGS84 longitude/latitude, not metres")


def _check_props(layer: str, rows: list[dict[str, Any]], label: str, problems: list[Problem]):
    kinds = KINDS.get(layer)
    for row in rows:
        item = row["_item"]
        if layer in ("zones", "paths", "buildings", "water") and not isinstance(row.get("id"), str):
            problems.append(Problem(label, "needs a text property 'id'", item, "id"))
        for key in ("id", "name"):
            value = row.get(key)
            if not isinstance(value, str):
                continue
            if len(value) > MAX_GEO_TEXT_CHARS:
                problems.append(Problem(label, f"is {len(value):,} characters long; at most "
                                        f"{MAX_GEO_TEXT_CHARS} are allowed", item, key))
            elif bad := unsafe_chars(value):
                problems.append(Problem(label, f"contains control or bidi characters "
                                        f"({', '.join(bad)}); remove them", item, key))
        if layer == "paths":
            value = row.setdefault("step_free", True)
            if not isinstance(value, bool):
                problems.append(Problem(label, f"must be true or false (got {shown(value)})", item,
                                        "step_free"))
            elif value and row.get("kind") == "stairs":
                problems.append(Problem(label, "is true, but the path's kind is 'stairs': stairs "
                                        "are never step-free", item, "step_free"))
        if kinds is not None:
            kind = row.setdefault("kind", kinds[0])
            if kind not in kinds:
                problems.append(Problem(label, f"must be one of {', '.join(kinds)} (got "
                                        f"{shown(kind)})", item, "kind"))
        if layer == "buildings":
            height = row.get("height_m")
            if (isinstance(height, bool) or not isinstance(height, int | float)
                    or not math.isfinite(height) or not 0 < height <= 1000):
                problems.append(Problem(label, f"must be a positive number of metres up to 1000 "
                                        f"(got {shown(height)})", item, "height_m"))


def metric_crs(outline: BaseGeometry) -> str:
    """The UTM zone of the site, as 'EPSG:326xx' / 'EPSG:327xx' (geopandas' estimate)."""
    crs = gpd.GeoSeries([outline], crs=WGS84).estimate_utm_crs()
    return f"EPSG:{crs.to_epsg()}"


def crs_problem(crs: str) -> str | None:
    """Why crs cannot measure metres (unknown, geographic, not in metres), or None."""
    try:
        parsed = CRS.from_user_input(crs)
    except CRSError:
        return "is not a known CRS"
    if not parsed.is_projected:
        return ("is a geographic CRS (degrees), not a projected one in metres; leave crs out "
                "and the site's UTM zone is used")
    units = {axis.unit_name for axis in parsed.axis_info}
    if units != {"metre"}:
        return f"measures in {', '.join(sorted(units))}, not in metres"
    return None


def load_site(data_dir: Path, crs: str | None, problems: list[Problem]) -> SiteGeo | None:
    """Read data_dir/geo/*.geojson; append every problem found; None if unusable.

    crs None: the site's UTM zone. A crs that cannot measure metres is reported against
    exhibits.yaml and replaced by the UTM zone, so that the other checks still run.
    """
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
    shapely.prepare(outline)
    if crs is not None and (why := crs_problem(crs)):
        problems.append(Problem(str(data_dir / "exhibits.yaml"), f"{why} (got {shown(crs)})",
                                "exhibition", "crs"))
        crs = None
    crs = crs or metric_crs(outline)
    zone_shapes: dict[str, BaseGeometry] = {}
    for zid, geom in zip(layers["zones"].get("id", []), layers["zones"].geometry, strict=False):
        zone_shapes[zid] = geom if zid not in zone_shapes else zone_shapes[zid].union(geom)
    return SiteGeo(data_dir, crs, layers, outline, zone_shapes)


def _lines_of(geom: BaseGeometry) -> list[LineString]:
    if isinstance(geom, MultiLineString):
        return list(geom.geoms)
    return [geom] if isinstance(geom, LineString) else []


def noded_segments(lines: list[BaseGeometry]) -> list[tuple[int, LineString]]:
    """Split path lines wherever they cross or touch, keeping the index of the source line.

    Two paths that cross at grade are walkable from one to the other, so the walking graph needs
    a node at every intersection, not only at the vertices the data happened to include.
    """
    union = shapely.union_all(lines)  # nodes all lines at their intersections
    noded = [seg for g in getattr(union, "geoms", [union]) for seg in _lines_of(g)]
    if not noded:
        return []
    tree = shapely.STRtree(lines)
    # Attribute each noded piece to the source line it lies on (for step_free etc.): the
    # lowest-numbered line through its midpoint, else the nearest line.
    mids = shapely.line_interpolate_point(np.array(noded, dtype=object), 0.5, normalized=True)
    hit_of, hit_line = tree.query(mids, predicate="dwithin", distance=1e-9)
    source = np.full(len(noded), len(lines))
    np.minimum.at(source, hit_of, hit_line)
    if (missing := np.flatnonzero(source == len(lines))).size:
        source[missing] = tree.nearest(mids[missing])
    return [(int(src), seg) for src, seg in zip(source, noded, strict=True)]


def path_components(lines: list[BaseGeometry],
                    noded: list[tuple[int, LineString]] | None = None) -> list[set[int]]:
    """Groups of source-line indices that are connected to each other on foot.

    noded: noded_segments(lines) when the caller has it already.
    """
    graph = nx.Graph()
    for source, seg in noded_segments(lines) if noded is None else noded:
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
