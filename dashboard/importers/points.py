"""Exhibits from GeoJSON or KML points (a uMap, Google My Maps or QGIS export).

Read with pyogrio (GDAL's GeoJSON and KML drivers, every layer/folder of a KML); each point
becomes a row with its properties as columns and `lat`/`lon` from the geometry, and goes
through the same mapping and preview as a spreadsheet (dashboard.importers.table). A feature
that is not a point (a line or an area where points were expected) is refused with its name.
"""

from __future__ import annotations

import tempfile
import warnings
from pathlib import Path

import pyogrio

from dashboard.importers.table import Table

SUFFIXES = (".geojson", ".json", ".kml")


class PointsImportError(ValueError):
    """A file that cannot be read as GeoJSON or KML at all."""


def read_points(data: bytes, name: str) -> tuple[Table, list[str]]:
    """The points as a table (columns: the properties, then lat and lon) and a reason for
    each feature left out."""
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise PointsImportError(f"{name}: give a .geojson or .kml file")
    with tempfile.TemporaryDirectory(prefix="lernreise-points-") as scratch:
        path = Path(scratch) / f"upload{suffix}"
        path.write_bytes(data)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # GDAL's notes on KML it half understands
                layers = [str(n) for n, _ in pyogrio.list_layers(path)]
                frames = [pyogrio.read_dataframe(path, layer=layer) for layer in layers]
        except Exception as exc:  # pyogrio raises DataSourceError and friends
            raise PointsImportError(f"{name} cannot be read as "
                                    f"{'KML' if suffix == '.kml' else 'GeoJSON'} "
                                    f"({str(exc).splitlines()[0][:160]})") from None
    rows: list[dict[str, str]] = []
    refused: list[str] = []
    columns: dict[str, None] = {}
    for frame in frames:
        if frame.crs is not None and frame.crs.to_epsg() not in (4326, None):
            frame = frame.to_crs("EPSG:4326")
        props = [c for c in frame.columns if c != "geometry"]
        for position, (_, feature) in enumerate(frame.iterrows()):
            label = next((str(feature[c]) for c in ("Name", "name", "title") if c in props
                          and isinstance(feature[c], str) and feature[c].strip()),
                         f"feature #{position + 1}")
            geom = feature.geometry
            kind = geom.geom_type if geom is not None else "nothing"
            if kind != "Point" or geom.is_empty:
                refused.append(f"{label}: is a {kind}, not a point; only points become "
                               "exhibits (draw paths and areas on the site map)")
                continue
            row = {c: "" if _missing(feature[c]) else str(feature[c]).strip() for c in props}
            row["lat"], row["lon"] = repr(geom.y), repr(geom.x)
            rows.append(row)
            columns.update(dict.fromkeys(row))
    if not rows and not refused:
        raise PointsImportError(f"{name} holds no features")
    full = [{c: row.get(c, "") for c in columns} for row in rows]
    return Table(columns=tuple(columns), rows=tuple(full), first_line=1), refused


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value)
