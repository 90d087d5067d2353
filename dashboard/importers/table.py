"""Exhibits from a spreadsheet (CSV or Excel): a column mapping, then a preview of what would
be added, changed and refused, before anything is written.

Read with pandas (CSV: the separator is detected, UTF-8 or else Windows-1252/Latin-1; XLSX:
openpyxl, the first sheet). Every cell is read as text and converted here, so that "47,66"
(a German decimal comma) is 47.66 and a mistake is a message at its row, not a crash. Each
row becomes an exhibit mapping as in exhibits.yaml and is checked with the catalogue's own
model (`dashboard.catalog.Exhibit`) and against the draft (category, zone, site outline). The
whole draft is checked by the validator afterwards as always.

Pure functions: `read_table` (file -> Table), `guess_mapping`, `preview` (Table + mapping +
draft -> Preview); `Preview.apply(files)` gives the new draft's files.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import shapely
from pydantic import ValidationError
from shapely.geometry import Point, shape

from dashboard import catalog as cat
from dashboard.editor import draft
from dashboard.errors import shown

MAX_ROWS = 5_000
SUFFIXES = (".csv", ".txt", ".xlsx")
DEFAULT_VISIT_MINUTES = 10

# field -> what a column of that field may be called (compared folded, without spaces/_-).
FIELDS: dict[str, tuple[str, ...]] = {
    "id": ("id", "kennung", "slug", "key"),
    "name_de": ("name", "namede", "titel", "title", "bezeichnung", "exponat"),
    "name_en": ("nameen", "englishname", "titleen", "nameenglisch"),
    "summary_de": ("summary", "summaryde", "kurz", "kurzbeschreibung", "zusammenfassung"),
    "summary_en": ("summaryen", "short", "shorten"),
    "description_de": ("description", "descriptionde", "beschreibung", "text"),
    "description_en": ("descriptionen", "beschreibungen"),
    "lat": ("lat", "latitude", "breite", "breitengrad", "y"),
    "lon": ("lon", "lng", "long", "longitude", "laenge", "langengrad", "laengengrad", "x"),
    "category": ("category", "kategorie", "thema", "theme"),
    "zone": ("zone", "bereich", "area"),
    "visit_minutes": ("visitminutes", "minutes", "minuten", "dauer", "duration"),
    "step_free": ("stepfree", "barrierefrei", "stufenlos", "wheelchair", "rollstuhl"),
    "priority": ("priority", "prioritaet", "wichtigkeit"),
    "source": ("source", "sources", "quelle", "quellen", "url", "link", "website"),
}
REQUIRED = ("lat", "lon")
_TRUE = {"true", "yes", "ja", "1", "x", "wahr", "y", "j"}
_FALSE = {"false", "no", "nein", "0", "falsch", "n", ""}


class TableImportError(ValueError):
    """A file that cannot be read as a table at all."""


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[dict[str, str], ...]
    notes: tuple[str, ...] = ()
    first_line: int = 2  # the line (CSV) or row (Excel) of the first data row


def _fold(text: str) -> str:
    text = text.casefold().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
    return re.sub(r"[\s_\-.()]+", "", cat.fold(text))


def read_table(data: bytes, name: str) -> Table:
    """A CSV or XLSX file as text cells; TableImportError when it is not one."""
    suffix = Path(name).suffix.lower()
    notes: list[str] = []
    if suffix == ".xlsx":
        try:
            frame = pd.read_excel(io.BytesIO(data), dtype=str, engine="openpyxl")
        except Exception as exc:  # openpyxl's errors for a damaged or wrong file are many
            raise TableImportError(f"{name} cannot be read as an Excel workbook (.xlsx): "
                                   f"{str(exc)[:160]}") from None
    elif suffix in (".csv", ".txt"):
        text, encoding_note = _decode(data, name)
        if encoding_note:
            notes.append(encoding_note)
        if not text.strip():
            raise TableImportError(f"{name} is empty")
        sep = _separator(text)
        try:
            frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False,
                                skipinitialspace=True)
        except (pd.errors.ParserError, ValueError) as exc:
            raise TableImportError(f"{name} is not a readable CSV table: "
                                   f"{str(exc).strip()[:160]}") from None
        if sep != ",":
            notes.append(f"columns separated by {sep!r}")
    else:
        raise TableImportError(f"{name}: give a .csv or .xlsx file")
    frame = frame.fillna("")
    if len(frame) > MAX_ROWS:
        raise TableImportError(f"{name} has {len(frame):,} rows; at most {MAX_ROWS:,}")
    columns = tuple(str(c).strip() for c in frame.columns)
    if len(set(columns)) != len(columns):
        raise TableImportError(f"{name}: two columns have the same name; rename one")
    rows = tuple({c: str(v).strip() for c, v in zip(columns, values, strict=True)}
                 for values in frame.itertuples(index=False, name=None))
    return Table(columns=columns, rows=rows, notes=tuple(notes))


def _decode(data: bytes, name: str) -> tuple[str, str | None]:
    if b"\x00" in data:
        raise TableImportError(f"{name} is not a text file (a workbook saved as .csv?)")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    return data.decode("cp1252", errors="replace"), (
        f"{name} is not UTF-8: read as Windows-1252 (Latin-1); check the umlauts in the preview")


def _separator(text: str) -> str:
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def guess_mapping(columns: tuple[str, ...] | list[str]) -> dict[str, str | None]:
    """field -> the column that probably holds it (None: not found)."""
    folded = {_fold(c): c for c in columns}
    used: set[str] = set()
    mapping: dict[str, str | None] = {}
    for name, synonyms in FIELDS.items():
        found = next((folded[s] for s in (_fold(name), *synonyms)
                      if s in folded and folded[s] not in used), None)
        mapping[name] = found
        if found:
            used.add(found)
    return mapping


# --------------------------------------------------------------------------- rows


@dataclass(frozen=True)
class Refused:
    line: int
    label: str
    reasons: tuple[str, ...]


@dataclass
class Preview:
    """What an import would do. Nothing is written until `apply`."""

    added: list[dict[str, Any]] = field(default_factory=list)
    changed: list[tuple[dict[str, Any], tuple[str, ...]]] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # the whole table (a missing column)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.added or self.changed)

    def apply(self, files: Mapping[str, bytes]) -> dict[str, bytes]:
        """The draft with the added and changed exhibits (refused rows are left out)."""
        if self.problems:
            raise ValueError("this import has problems; nothing to apply")
        return draft.upsert_exhibits(files, [*self.added, *(e for e, _ in self.changed)])


def _number(raw: str, what: str) -> float:
    text = raw.strip().replace("\u2212", "-")
    if re.fullmatch(r"-?\d+,\d+", text):  # a decimal comma
        text = text.replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{what} {shown(raw)} is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"{what} {shown(raw)} is not a finite number")
    return value


def _flag(raw: str, what: str) -> bool:
    text = raw.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"{what} {shown(raw)} is not yes or no")


def _localized(row: Mapping[str, str], mapping: Mapping[str, str | None], base: str
               ) -> dict[str, str]:
    out = {}
    for lang in cat.LANGUAGES:
        column = mapping.get(f"{base}_{lang}")
        if column and (value := row.get(column, "").strip()):
            out[lang] = value
    return out


def _exhibit_from_row(row: Mapping[str, str], mapping: Mapping[str, str | None],
                      context: _Context) -> tuple[dict[str, Any], set[str]]:
    """The exhibit mapping of one row and the fields the row gave (the others are defaults);
    ValueError with every reason joined by '; '."""
    reasons: list[str] = []
    given = {"id", "location"}
    name = _localized(row, mapping, "name")
    if not name:
        reasons.append("has no name")
    location: dict[str, float] = {}
    for key, what in (("lat", "latitude"), ("lon", "longitude")):
        raw = row.get(mapping[key] or "", "")
        if not raw.strip():
            reasons.append(f"has no {what}")
            continue
        try:
            location[key] = _number(raw, what)
        except ValueError as exc:
            reasons.append(str(exc))
    ident = (row.get(mapping.get("id") or "", "").strip()
             or draft.slug(name.get("de") or name.get("en") or "", ""))
    out: dict[str, Any] = {"id": ident, "name": name}
    if name:
        given.add("name")
    for key, default in (("summary", name), ("description", None)):
        if value := _localized(row, mapping, key):
            given.add(key)
        out[key] = value or dict(default if default is not None else out["summary"])
    category = row.get(mapping.get("category") or "", "").strip()
    if category:
        given.add("category")
    out["category"] = context.category_id(category) if category else context.default_category
    if category and out["category"] is None:
        reasons.append(f"category {shown(category)} is not one of the exhibition's "
                       f"({', '.join(context.categories)}); add it first or fix the cell")
    zone = row.get(mapping.get("zone") or "", "").strip()
    if zone:
        given.add("zone")
    if len(location) == 2:
        point = Point(location["lon"], location["lat"])
        if context.outline is not None and not context.outline.covers(point):
            reasons.append(f"({location['lat']}, {location['lon']}) lies outside the site "
                           "outline (latitude and longitude swapped?)")
        out["zone"] = context.zone_id(zone) if zone else context.zone_at(point)
    else:
        out["zone"] = context.zone_id(zone) if zone else context.default_zone
    if zone and out["zone"] is None:
        reasons.append(f"zone {shown(zone)} is not one of the exhibition's "
                       f"({', '.join(context.zones)})")
    out["location"] = location
    for key, what, convert, default in (
        ("visit_minutes", "visit minutes", _number, DEFAULT_VISIT_MINUTES),
        ("step_free", "step-free", _flag, True),
        ("priority", "priority", _number, None),
    ):
        raw = row.get(mapping.get(key) or "", "")
        try:
            value = convert(raw, what) if raw.strip() else default
        except ValueError as exc:
            reasons.append(str(exc))
            continue
        if raw.strip():
            given.add(key)
        if value is not None:
            out[key] = int(value) if isinstance(value, float) and value.is_integer() else value
    raw_sources = row.get(mapping.get("source") or "", "")
    sources = [s for s in re.split(r"[\s;|]+", raw_sources) if s]
    if sources:
        given.add("sources")
    known = context.existing.get(ident, {}).get("sources")
    sources = sources or list(context.sources) or (list(known) if isinstance(known, list)
                                                   else [])
    if not sources:
        reasons.append("has no source: map a column with the exhibit's web address, or give "
                       "one address for all rows")
    out["sources"] = sources
    if not reasons:
        try:
            cat.Exhibit.model_validate(out)
        except ValidationError as exc:
            for err in exc.errors(include_url=False):
                where = ".".join(str(p) for p in err["loc"])
                reasons.append(f"{where}: {err['msg'].removeprefix('Value error, ')}")
    if reasons:
        raise ValueError("; ".join(reasons))
    return out, given


def _merge(existing: dict[str, Any], item: dict[str, Any], given: set[str]) -> dict[str, Any]:
    """The draft's exhibit with what the row gave: texts merged per language, the rest of
    the draft's fields (photos, facts, notes) kept."""
    merged = dict(existing)
    for key in given:
        old, new = existing.get(key), item[key]
        if key in ("name", "summary", "description") and isinstance(old, dict):
            merged[key] = {**old, **new}
        else:
            merged[key] = new
    return merged


@dataclass
class _Context:
    """What a row is checked against: the draft's categories, zones, outline and sources."""

    categories: dict[str, str]  # folded id or name -> id
    zones: dict[str, str]
    zone_shapes: dict[str, Any]
    outline: Any
    sources: tuple[str, ...]
    default_category: str | None
    default_zone: str | None
    existing: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def of(cls, files: Mapping[str, bytes], sources: tuple[str, ...]) -> _Context:
        def names(items: list[dict[str, Any]]) -> dict[str, str]:
            out = {}
            for item in items:
                ident = str(item.get("id"))
                out[_fold(ident)] = ident
                for text in (item.get("name") or {}).values():
                    out[_fold(str(text))] = ident
            return out

        categories, zones = draft.categories(files), draft.zones(files)
        shapes = {}
        for feature in draft.read_layer(files, "zones").get("features", []):
            try:
                shapes[feature["properties"]["id"]] = shape(feature["geometry"])
            except (KeyError, TypeError, ValueError, shapely.errors.GEOSException):
                continue
        outline = None
        site = draft.read_layer(files, "site").get("features", [])
        try:
            outline = shapely.union_all([shape(f["geometry"]) for f in site]) if site else None
        except (KeyError, TypeError, ValueError, shapely.errors.GEOSException):
            outline = None
        return cls(
            categories=names(categories), zones=names(zones), zone_shapes=shapes,
            outline=outline, sources=sources,
            default_category=str(categories[0]["id"]) if categories else None,
            default_zone=str(zones[0]["id"]) if zones else None,
            existing={str(e.get("id")): e for e in draft.exhibits(files)})

    def category_id(self, value: str) -> str | None:
        return self.categories.get(_fold(value))

    def zone_id(self, value: str) -> str | None:
        return self.zones.get(_fold(value))

    def zone_at(self, point: Point) -> str | None:
        for ident, geom in self.zone_shapes.items():
            if geom.covers(point) and ident in self.zones.values():
                return ident
        return self.default_zone


def preview(table: Table, mapping: Mapping[str, str | None], files: Mapping[str, bytes],
            *, source: str = "") -> Preview:
    """What importing `table` with `mapping` into the draft `files` would do."""
    out = Preview(notes=list(table.notes))
    missing = [f for f in REQUIRED if not mapping.get(f)]
    if not (mapping.get("name_de") or mapping.get("name_en")):
        missing.insert(0, "name")
    unknown = [c for c in mapping.values() if c and c not in table.columns]
    if unknown:
        out.problems.append(f"no column {', '.join(map(repr, unknown))} in the file")
    if missing:
        out.problems.append(
            f"no column for {', '.join(missing)}: pick one in the mapping (the file has "
            f"{', '.join(map(repr, table.columns)) or 'no columns'})")
    if not table.rows:
        out.problems.append("the table has no rows below its header")
    if out.problems:
        return out
    context = _Context.of(files, (source.strip(),) if source.strip() else ())
    existing = context.existing
    seen: dict[str, int] = {}
    for offset, row in enumerate(table.rows):
        line = table.first_line + offset
        if not any(row.values()):
            continue
        label = next((row.get(mapping[f] or "") for f in ("id", "name_de", "name_en")
                      if mapping.get(f) and row.get(mapping[f] or "")), f"row {line}")
        try:
            item, given = _exhibit_from_row(row, mapping, context)
        except ValueError as exc:
            out.refused.append(Refused(line, label, tuple(str(exc).split("; "))))
            continue
        ident = item["id"]
        if ident in seen:
            out.refused.append(Refused(line, label, (
                f"id {ident!r} is already used by line {seen[ident]} of this file; give each "
                "row its own id or name",)))
            continue
        seen[ident] = line
        if ident in existing:
            merged = _merge(existing[ident], item, given)
            fields = tuple(sorted(k for k in merged if existing[ident].get(k) != merged[k]))
            if fields:
                out.changed.append((merged, fields))
            else:
                out.unchanged.append(ident)
        else:
            out.added.append(item)
    return out
