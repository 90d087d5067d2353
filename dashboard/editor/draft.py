"""Changing a draft: the data folder's files, edited one file at a time.

Every function takes the draft's files and returns new files (the input is never changed), so
a page can keep the old draft until the store has taken the new one. Only the file that an
edit concerns is written again (as YAML or GeoJSON); the others keep their bytes.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from dashboard import catalog as cat
from dashboard.editor.bundle import Files

GEO = "geo/{}.geojson"
DEFAULT_CATEGORY = {"id": "allgemein", "name": {"de": "Allgemein", "en": "General"},
                    "color": "#2e86c1", "icon": "●"}
DEFAULT_ZONE_ID = "gelaende"
DEFAULT_ZONE = {"id": DEFAULT_ZONE_ID, "name": {"de": "Gelände", "en": "Grounds"}}
DEFAULT_DEPARTMENT = {"id": "allgemein", "name": {"de": "Allgemein", "en": "General"}}


def slug(text: str, fallback: str = "item") -> str:
    """An id from a name: 'Wasserspielplatz Süd' -> 'wasserspielplatz-sued'."""
    text = text.casefold().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
    text = text.replace("ß", "ss")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    out = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:64].strip("-")
    return out or fallback


def dump_yaml(doc: Mapping[str, Any]) -> bytes:
    return yaml.safe_dump(dict(doc), allow_unicode=True, sort_keys=False, width=100).encode()


def dump_geojson(collection: Mapping[str, Any]) -> bytes:
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode()


def read_yaml(files: Mapping[str, bytes], name: str) -> dict[str, Any]:
    """A YAML file of the draft as a mapping ({} when missing or not a mapping)."""
    raw = files.get(name)
    if raw is None:
        return {}
    try:
        doc = yaml.safe_load(raw.decode("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError):
        return {}
    return doc if isinstance(doc, dict) else {}


def read_layer(files: Mapping[str, bytes], layer: str) -> dict[str, Any]:
    raw = files.get(GEO.format(layer))
    empty = {"type": "FeatureCollection", "features": []}
    if raw is None:
        return empty
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return empty
    return doc if isinstance(doc, dict) else empty


@dataclass(frozen=True)
class ExhibitionMeta:
    """What the "new exhibition" form asks for."""

    id: str
    name_de: str
    name_en: str
    timezone: str = "Europe/Berlin"
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    open: str = "09:00"
    close: str = "18:00"
    languages: tuple[str, ...] = ("de", "en")
    source: str = ""
    city_de: str = "Besuchergruppe"
    city_en: str = "Visiting group"
    extra: dict[str, Any] = field(default_factory=dict)

    def section(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id,
                               "name": _localized(self.name_de, self.name_en, self.languages)}
        if self.start_date:
            out["start_date"] = self.start_date.isoformat()
        if self.end_date:
            out["end_date"] = self.end_date.isoformat()
        out["timezone"] = self.timezone
        if self.open and self.close:
            out["opening_hours"] = {"open": self.open, "close": self.close}
        if len(self.languages) == 1:
            out["fallback_language"] = self.languages[0]
        if self.source:
            out["sources"] = [self.source]
        return out


def _localized(de: str, en: str, languages: tuple[str, ...] = ("de", "en")) -> dict[str, str]:
    out = {}
    if de.strip() and "de" in languages:
        out["de"] = de.strip()
    if en.strip() and "en" in languages:
        out["en"] = en.strip()
    return out


def new_exhibition(meta: ExhibitionMeta) -> Files:
    """A first draft: the exhibition section, one category, one zone, one visiting city.

    It is not yet valid (no site, no exhibit): the editor shows what is missing.
    """
    city_id = slug(meta.city_de or meta.city_en, "gruppe")
    exhibits = {"exhibition": meta.section(), "categories": [DEFAULT_CATEGORY],
                "zones": [DEFAULT_ZONE], "exhibits": []}
    cities = {"departments": [DEFAULT_DEPARTMENT],
              "cities": [{"id": city_id, "name": _localized(meta.city_de, meta.city_en,
                                                            meta.languages),
                          "departments": [DEFAULT_DEPARTMENT["id"]]}]}
    return {cat.EXHIBITS_FILE: dump_yaml(exhibits), cat.CITIES_FILE: dump_yaml(cities)}


def with_site(files: Mapping[str, bytes], layers: Mapping[str, dict[str, Any]]) -> Files:
    """The draft with these geo layers (site, paths, buildings, water, zones) replaced.

    Without a zones layer, one zone covering the outline is made for every zone of the
    draft that has no polygon yet, so that a fresh draft validates.
    """
    out = dict(files)
    for layer, collection in layers.items():
        out[GEO.format(layer)] = dump_geojson(collection)
    if "zones" not in layers and "site" in layers:
        doc = read_yaml(out, cat.EXHIBITS_FILE)
        zone_ids = [z["id"] for z in doc.get("zones") or [] if isinstance(z, dict)]
        outline = next(iter(layers["site"].get("features") or []), None)
        if outline is not None and len(zone_ids) == 1:
            zones = {"type": "FeatureCollection", "features": [
                {"type": "Feature", "properties": {"id": zone_ids[0]},
                 "geometry": outline["geometry"]}]}
            out[GEO.format("zones")] = dump_geojson(zones)
    return out


def exhibits(files: Mapping[str, bytes]) -> list[dict[str, Any]]:
    """The exhibits of the draft as written (mappings, possibly invalid)."""
    raw = read_yaml(files, cat.EXHIBITS_FILE).get("exhibits") or []
    return [e for e in raw if isinstance(e, dict)]


def upsert_exhibits(files: Mapping[str, bytes], items: list[dict[str, Any]]) -> Files:
    """The draft with these exhibits added, or replacing those with the same id (in place)."""
    doc = read_yaml(files, cat.EXHIBITS_FILE)
    current = [e for e in doc.get("exhibits") or [] if isinstance(e, dict)]
    index = {e.get("id"): i for i, e in enumerate(current)}
    for item in items:
        if item.get("id") in index:
            current[index[item["id"]]] = item
        else:
            index[item.get("id")] = len(current)
            current.append(item)
    doc["exhibits"] = current
    return {**files, cat.EXHIBITS_FILE: dump_yaml(doc)}


def remove_exhibit(files: Mapping[str, bytes], exhibit_id: str) -> Files:
    doc = read_yaml(files, cat.EXHIBITS_FILE)
    doc["exhibits"] = [e for e in doc.get("exhibits") or []
                       if not (isinstance(e, dict) and e.get("id") == exhibit_id)]
    out = {**files, cat.EXHIBITS_FILE: dump_yaml(doc)}
    return out


def with_image(files: Mapping[str, bytes], exhibit_id: str, name: str, content: bytes,
               alt_de: str = "", alt_en: str = "", credit: str = "") -> Files:
    """The draft with a photo for the exhibit: the file under images/ and `image`,
    `image_alt`, `image_credit` set on the exhibit (an earlier photo of it is removed)."""
    doc = read_yaml(files, cat.EXHIBITS_FILE)
    out = dict(files)
    for item in doc.get("exhibits") or []:
        if isinstance(item, dict) and item.get("id") == exhibit_id:
            old = item.get("image")
            if isinstance(old, str) and old != name:
                out.pop(old, None)
            item["image"] = name
            alt = _localized(alt_de, alt_en)
            if alt:
                item["image_alt"] = alt
            else:
                item.pop("image_alt", None)
            if credit.strip():
                item["image_credit"] = credit.strip()
            else:
                item.pop("image_credit", None)
            break
    else:
        raise KeyError(exhibit_id)
    out[name] = content
    out[cat.EXHIBITS_FILE] = dump_yaml(doc)
    return out


def categories(files: Mapping[str, bytes]) -> list[dict[str, Any]]:
    return [c for c in read_yaml(files, cat.EXHIBITS_FILE).get("categories") or []
            if isinstance(c, dict)]


def zones(files: Mapping[str, bytes]) -> list[dict[str, Any]]:
    return [z for z in read_yaml(files, cat.EXHIBITS_FILE).get("zones") or []
            if isinstance(z, dict)]


def exhibition_section(files: Mapping[str, bytes]) -> dict[str, Any]:
    section = read_yaml(files, cat.EXHIBITS_FILE).get("exhibition")
    return section if isinstance(section, dict) else {}
