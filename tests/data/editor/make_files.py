"""Make the binary test files of tests/data/editor from the text ones (run from the project
root: python tests/data/editor/make_files.py). Their bytes are committed; this says how."""

import csv
import io
import json
from pathlib import Path

import openpyxl
import osmium
from PIL import Image

HERE = Path(__file__).parent


def pbf() -> None:
    # The same elements as site.osm, written by osmium as PBF.
    target = HERE / "site.osm.pbf"
    target.unlink(missing_ok=True)
    with osmium.SimpleWriter(str(target)) as writer:
        for obj in osmium.FileProcessor(str(HERE / "site.osm")):
            writer.add(obj)


def xlsx() -> None:
    # exhibits.csv as an Excel workbook, numbers as numbers (as Excel keeps them).
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Exponate"
    with open(HERE / "exhibits.csv", encoding="utf-8") as fh:
        for i, row in enumerate(csv.reader(fh)):
            sheet.append([float(v) if i and j in (5, 6) else v for j, v in enumerate(row)])
    book.save(HERE / "exhibits.xlsx")


def overpass() -> None:
    # site.osm as overpass-turbo exports it: GeoJSON, tags as properties, "@id": "way/N".
    import osmnx as ox

    frame = ox.features_from_xml(HERE / "site.osm")
    features = []
    for (kind, number), row in frame.iterrows():
        props = {k: v for k, v in row.drop("geometry").items() if isinstance(v, str)}
        props["@id"] = f"{kind}/{number}"
        features.append({"type": "Feature", "properties": props,
                         "geometry": row.geometry.__geo_interface__})
    (HERE / "site-overpass.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": features}, indent=0))


def photos() -> None:
    # A small JPEG photo, and a text file named .jpg (not a photo).
    image = Image.new("RGB", (64, 48), (40, 120, 200))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    (HERE / "photo.jpg").write_bytes(out.getvalue())
    (HERE / "not-a-photo.jpg").write_bytes(b"GIF89a? no: just text pretending to be a photo\n")


if __name__ == "__main__":
    pbf()
    xlsx()
    overpass()
    photos()
