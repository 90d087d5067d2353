"""The site from OpenStreetMap: footpaths (steps marked), buildings, water and the outline.

Read by the field's libraries, not by a parser of our own: OSM XML (`.osm`, as exported from
openstreetmap.org) with osmnx's `features_from_xml`; `.osm.pbf` with osmium (copied to OSM XML,
then the same way); GeoJSON from an Overpass query (overpass-turbo's export) with geopandas.
Every format ends in one GeoDataFrame of OSM elements with their tags as columns, and one
function turns that into the data folder's layers (docs/data-format.md, geo/*.geojson).

`read_site(path)` is pure: it returns the layers and the problems; nothing is written.
"""

from __future__ import annotations

import math
import re
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from dashboard import geo

# highway=* values a visitor walks on (roads for cars are left out).
FOOT_HIGHWAYS = ("footway", "path", "pedestrian", "steps", "living_street", "track",
                 "cycleway", "bridleway", "service", "corridor")
# Areas that may be the site's outline, in order of preference.
OUTLINE_TAGS = (("tourism", ("theme_park", "zoo", "attraction", "museum")),
                ("leisure", ("park", "garden")), ("landuse", ("recreation_ground",)))
WATER_KINDS = {"river": "river", "stream": "river", "canal": "canal", "ditch": "canal",
               "drain": "canal"}
METRES_PER_LEVEL = 3.0
DEFAULT_HEIGHT_M = 6.0
SUFFIXES = (".osm", ".xml", ".pbf", ".geojson", ".json")


class OsmImportError(ValueError):
    """A file that cannot be read as OSM data at all; the message says what to do."""


@dataclass
class SiteImport:
    """The layers made from an OSM file, what stands in the way of using them, and notes."""

    layers: dict[str, dict[str, Any]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    name: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems

    def count(self, layer: str) -> int:
        return len(self.layers.get(layer, {}).get("features", []))


def read_site(path: Path | str, label: str | None = None) -> SiteImport:
    """The site layers from an OSM XML, PBF or Overpass GeoJSON file."""
    path = Path(path)
    label = label or path.name
    suffix = "".join(path.suffixes[-2:]).lower() if path.name.lower().endswith(".osm.pbf") \
        else path.suffix.lower()
    if suffix in (".pbf", ".osm.pbf"):
        elements = _read_pbf(path, label)
    elif suffix in (".geojson", ".json"):
        elements = _read_overpass_geojson(path, label)
    elif suffix in (".osm", ".xml"):
        elements = _read_xml(path, label)
    else:
        raise OsmImportError(f"{label}: not an OSM file; give .osm (OSM XML), .osm.pbf or "
                             ".geojson (an Overpass export)")
    return site_from_elements(elements)


# --------------------------------------------------------------------------- reading


def _read_xml(path: Path, label: str) -> gpd.GeoDataFrame:
    import osmnx as ox

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # osmnx warns about tags it does not know
            return ox.features_from_xml(path)
    except ParseError as exc:
        raise OsmImportError(f"{label} is not OSM XML ({exc}); export the area from "
                             "openstreetmap.org (Export → OpenStreetMap XML)") from None
    except UnicodeDecodeError:
        raise OsmImportError(f"{label} is not UTF-8 OSM XML") from None
    except ox._errors.InsufficientResponseError:
        raise OsmImportError(f"{label} holds no OSM elements (nodes and ways with tags)") \
            from None
    except (ValueError, KeyError, TypeError) as exc:
        raise OsmImportError(f"{label} cannot be read as OSM XML: {str(exc)[:200]}") from None


def _read_pbf(path: Path, label: str) -> gpd.GeoDataFrame:
    import osmium

    with tempfile.TemporaryDirectory(prefix="lernreise-pbf-") as scratch:
        xml = Path(scratch) / "extract.osm"
        try:
            with osmium.SimpleWriter(str(xml)) as writer:
                for obj in osmium.FileProcessor(str(path)):
                    writer.add(obj)
        except RuntimeError as exc:
            raise OsmImportError(f"{label} is not an OSM PBF file ({str(exc)[:200]})") \
                from None
        return _read_xml(xml, label)


def _read_overpass_geojson(path: Path, label: str) -> gpd.GeoDataFrame:
    try:
        frame = gpd.read_file(path)
    except Exception as exc:  # pyogrio's errors are many; all mean "not readable GeoJSON"
        raise OsmImportError(f"{label} cannot be read as GeoJSON ({str(exc)[:200]})") \
            from None
    if frame.empty:
        raise OsmImportError(f"{label} holds no features")
    if frame.crs is not None and frame.crs.to_epsg() != 4326:
        frame = frame.to_crs(geo.WGS84)
    ident = frame["@id"] if "@id" in frame else frame.get("id")
    if ident is not None:
        frame.index = pd.Index([str(v) for v in ident])
    return frame


# --------------------------------------------------------------------------- classifying


def _osm_id(index: Any) -> str:
    """'osm-way-123' from osmnx's ('way', 123) or Overpass's 'way/123'."""
    if isinstance(index, tuple):
        kind, number = index[0], index[1]
    else:
        kind, _, number = str(index).partition("/")
        if not number:
            kind, number = "feature", kind
    return geo_id(f"osm-{kind}-{number}")


def geo_id(text: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-")[:64]


def _tag(row: pd.Series, key: str) -> str | None:
    value = row.get(key)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(value).strip() or None


def _height(row: pd.Series) -> tuple[float, str]:
    """(metres, how we know): the height tag, else levels x 3 m, else a default."""
    raw = _tag(row, "height") or _tag(row, "building:height")
    if raw and (m := re.match(r"^\s*(\d+(?:[.,]\d+)?)\s*(m|meters?|metres?)?\s*$", raw)):
        value = float(m.group(1).replace(",", "."))
        if 0 < value <= 1000:
            return value, "height"
    levels = _tag(row, "building:levels")
    if levels and re.fullmatch(r"\d{1,3}", levels) and int(levels) > 0:
        return int(levels) * METRES_PER_LEVEL, "levels"
    return DEFAULT_HEIGHT_M, "default"


def _feature(geom: BaseGeometry, props: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "properties": props, "geometry": mapping(geom)}


def _collection(features: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features}


def _outline(frame: gpd.GeoDataFrame) -> tuple[BaseGeometry, pd.Series] | None:
    polygons = frame[frame.geometry.geom_type.isin(["Polygon", "MultiPolygon"])]
    for key, values in OUTLINE_TAGS:
        if key not in polygons:
            continue
        found = polygons[polygons[key].isin(values)]
        if not found.empty:
            # shapely areas in square degrees: enough to pick the largest of a few
            row = found.iloc[int(shapely.area(found.geometry.to_numpy()).argmax())]
            return row.geometry, row
    return None


def _lines(geom: BaseGeometry) -> list[BaseGeometry]:
    if geom.is_empty:
        return []
    if geom.geom_type == "LineString":
        return [geom]
    return [g for g in getattr(geom, "geoms", []) if g.geom_type == "LineString"]


def site_from_elements(frame: gpd.GeoDataFrame) -> SiteImport:
    """The data folder's layers from OSM elements with their tags as columns."""
    out = SiteImport()
    found = _outline(frame)
    if found is None:
        tags = ", ".join(f"{k}={v}" for k, vs in OUTLINE_TAGS for v in vs)
        out.problems.append(f"the file has no site outline: no area tagged {tags}; take an "
                            "extract that contains the grounds' area")
        return out
    outline, outline_row = found
    outline = shapely.make_valid(outline)
    out.name = _tag(outline_row, "name") or ""
    out.layers["site"] = _collection([_feature(outline, {"id": "site", "name": out.name}
                                               if out.name else {"id": "site"})])
    lines = frame[frame.geometry.geom_type.isin(["LineString", "MultiLineString"])]
    areas = frame[frame.geometry.geom_type.isin(["Polygon", "MultiPolygon"])]

    paths, skipped_roads = [], 0
    if "highway" in lines:
        for index, row in lines[lines["highway"].notna()].iterrows():
            if row["highway"] not in FOOT_HIGHWAYS:
                skipped_roads += 1
                continue
            inside = _lines(row.geometry.intersection(outline))
            stairs = row["highway"] == "steps"
            bridge = _tag(row, "bridge") not in (None, "no")
            kind = "stairs" if stairs else "bridge" if bridge else \
                "promenade" if row["highway"] == "pedestrian" else "path"
            step_free = not stairs and _tag(row, "wheelchair") != "no"
            for part, piece in enumerate(inside):
                props = {"id": _osm_id(index) + (f"-{part + 1}" if len(inside) > 1 else ""),
                         "kind": kind, "step_free": step_free}
                if name := _tag(row, "name"):
                    props["name"] = name[:geo.MAX_GEO_TEXT_CHARS]
                paths.append((piece, props))
    if not paths:
        out.problems.append(
            "the file has no footpaths inside the site outline (ways tagged highway=" +
            ", ".join(FOOT_HIGHWAYS[:5]) + ", …); take an extract that covers the grounds' "
            "paths, or map them in OpenStreetMap first")
    else:
        pieces = geo.path_components([g for g, _ in paths])
        if len(pieces) > 1:
            loose = sorted(pieces, key=len)[0]
            sample = ", ".join(paths[i][1]["id"] for i in sorted(loose)[:3])
            out.problems.append(
                f"the footpaths fall apart into {len(pieces)} pieces that do not connect "
                f"(e.g. {sample} cannot be reached from the rest): paths must share a node "
                "where they meet; join them in OpenStreetMap or take a larger extract")
        steps = sum(1 for _, p in paths if p["kind"] == "stairs")
        out.notes.append(f"{len(paths)} footpaths, {steps} of them steps (left out of "
                         "step-free tours)")
    if skipped_roads:
        out.notes.append(f"left out {skipped_roads} road(s) for cars (not footpaths)")
    out.layers["paths"] = _collection([_feature(g, p) for g, p in paths])

    buildings, guessed = [], 0
    if "building" in areas:
        for index, row in areas[areas["building"].notna() & (areas["building"] != "no")
                                ].iterrows():
            if not row.geometry.intersects(outline):
                continue
            height, source = _height(row)
            guessed += source == "default"
            props = {"id": _osm_id(index), "height_m": height}
            if name := _tag(row, "name"):
                props["name"] = name[:geo.MAX_GEO_TEXT_CHARS]
            buildings.append(_feature(row.geometry, props))
    if guessed:
        out.notes.append(f"{guessed} of {len(buildings)} buildings have no height or levels "
                         f"in OpenStreetMap: drawn {DEFAULT_HEIGHT_M:g} m high")
    out.layers["buildings"] = _collection(buildings)

    water = []
    for index, row in frame.iterrows():
        natural, waterway = _tag(row, "natural"), _tag(row, "waterway")
        geom = row.geometry
        if not geom.intersects(outline):
            continue
        if natural == "water" and geom.geom_type in ("Polygon", "MultiPolygon"):
            kind = "lake" if _tag(row, "water") in (None, "lake", "pond", "reservoir") \
                else WATER_KINDS.get(_tag(row, "water") or "", "lake")
        elif waterway in WATER_KINDS and geom.geom_type in ("LineString", "MultiLineString"):
            kind = WATER_KINDS[waterway]
        else:
            continue
        props = {"id": _osm_id(index), "kind": kind}
        if name := _tag(row, "name"):
            props["name"] = name[:geo.MAX_GEO_TEXT_CHARS]
        water.append(_feature(geom, props))
    out.layers["water"] = _collection(water)
    return out
