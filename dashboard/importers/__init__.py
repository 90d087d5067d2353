"""Importers: one small module per format, each a pure function from a file to the data
folder's parts plus problems (osm: the site; table: exhibits from CSV/XLSX; points: exhibits
from GeoJSON/KML). The editor page and `python -m dashboard import` call the same functions."""
