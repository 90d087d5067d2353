"""The draft's lists besides the exhibits: categories, zones, departments and cities.

Edited like exhibits: one item at a time, put into a copy of the draft and checked there by
the validator (nothing here is a second set of rules). An id that changes is changed wherever
the draft uses it (the exhibits' category, zone, departments and city notes, the cities'
departments, the zones' polygons, the exhibition's default city), so a rename never leaves a
dangling reference. An item still in use is not removed: the message says which exhibits or
cities use it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from dashboard import catalog as cat
from dashboard.editor import bundle, draft
from dashboard.editor.bundle import Files
from dashboard.errors import Problem


class ListEditError(ValueError):
    """An edit of a list that cannot be made (an item in use, the last of its list)."""


@dataclass(frozen=True)
class Kind:
    file: str
    section: str
    # Form field -> the item's field paths whose problems it shows.
    fields: tuple[str, ...]


KINDS: dict[str, Kind] = {
    "category": Kind(cat.EXHIBITS_FILE, "categories", ("id", "name", "color", "icon")),
    "zone": Kind(cat.EXHIBITS_FILE, "zones", ("id", "name")),
    "department": Kind(cat.CITIES_FILE, "departments", ("id", "name")),
    "city": Kind(cat.CITIES_FILE, "cities", ("id", "name", "delegation", "departments",
                                              "sources")),
}


def items(files: Mapping[str, bytes], kind: str) -> list[dict[str, Any]]:
    """The list's items as written (mappings, possibly invalid)."""
    spec = KINDS[kind]
    raw = draft.read_yaml(files, spec.file).get(spec.section) or []
    return [e for e in raw if isinstance(e, dict)] if isinstance(raw, list) else []


def uses(files: Mapping[str, bytes], kind: str, ident: str) -> list[str]:
    """Who uses this id: 'exhibit x', 'city y', 'the exhibition' (empty: nobody)."""
    out = []
    for ex in draft.exhibits(files):
        used = {"category": ex.get("category") == ident, "zone": ex.get("zone") == ident,
                "department": ident in (ex.get("departments") or []),
                "city": ident in (ex.get("city_notes") or {})}[kind]
        if used:
            out.append(f"exhibit {ex.get('id')!r}")
    if kind == "department":
        out += [f"city {c.get('id')!r}" for c in items(files, "city")
                if ident in (c.get("departments") or [])]
    if kind == "city" and draft.exhibition_section(files).get("default_city") == ident:
        out.append("the exhibition (default_city)")
    return out


def upsert(files: Mapping[str, bytes], kind: str, item: dict[str, Any],
           replaces: str | None = None) -> Files:
    """The draft with this item added, or replacing `replaces` (in place); a changed id is
    changed wherever the draft uses it."""
    spec = KINDS[kind]
    doc = draft.read_yaml(files, spec.file)
    current = [e for e in doc.get(spec.section) or [] if isinstance(e, dict)]
    at = next((i for i, e in enumerate(current) if e.get("id") == (replaces or item["id"])),
              None)
    if at is None:
        current.append(item)
    else:
        current[at] = item
    doc[spec.section] = current
    out = {**files, spec.file: draft.dump_yaml(doc)}
    if replaces and replaces != item["id"]:
        out = _rename(out, kind, replaces, item["id"])
    return out


def remove(files: Mapping[str, bytes], kind: str, ident: str) -> Files:
    """The draft without this item (a zone also without its polygon); ListEditError when it is
    in use or the last of its list."""
    spec = KINDS[kind]
    if users := uses(files, kind, ident):
        shown = ", ".join(users[:5]) + (f" and {len(users) - 5} more" if len(users) > 5 else "")
        raise ListEditError(f"{kind} {ident!r} is used by {shown}: give them another one "
                            "first")
    current = items(files, kind)
    if len(current) <= 1:
        raise ListEditError(f"{kind} {ident!r} is the last one; the list needs at least one")
    doc = draft.read_yaml(files, spec.file)
    doc[spec.section] = [e for e in current if e.get("id") != ident]
    out = {**files, spec.file: draft.dump_yaml(doc)}
    if kind == "zone" and draft.GEO.format("zones") in out:
        layer = draft.read_layer(out, "zones")
        layer["features"] = [f for f in layer.get("features") or []
                             if (f.get("properties") or {}).get("id") != ident]
        out[draft.GEO.format("zones")] = draft.dump_geojson(layer)
    return out


def _rename(files: Files, kind: str, old: str, new: str) -> Files:
    exhibits_doc = draft.read_yaml(files, cat.EXHIBITS_FILE)
    for ex in exhibits_doc.get("exhibits") or []:
        if not isinstance(ex, dict):
            continue
        if kind in ("category", "zone") and ex.get(kind) == old:
            ex[kind] = new
        if kind == "department" and old in (ex.get("departments") or []):
            ex["departments"] = [new if d == old else d for d in ex["departments"]]
        if kind == "city" and isinstance(ex.get("city_notes"), dict) and old in ex["city_notes"]:
            ex["city_notes"] = {new if k == old else k: v for k, v in ex["city_notes"].items()}
    section = exhibits_doc.get("exhibition")
    if kind == "city" and isinstance(section, dict) and section.get("default_city") == old:
        section["default_city"] = new
    out = {**files, cat.EXHIBITS_FILE: draft.dump_yaml(exhibits_doc)}
    if kind == "department":
        cities_doc = draft.read_yaml(out, cat.CITIES_FILE)
        for city in cities_doc.get("cities") or []:
            if isinstance(city, dict) and old in (city.get("departments") or []):
                city["departments"] = [new if d == old else d for d in city["departments"]]
        out[cat.CITIES_FILE] = draft.dump_yaml(cities_doc)
    if kind == "zone" and draft.GEO.format("zones") in out:
        layer = draft.read_layer(out, "zones")
        for feature in layer.get("features") or []:
            props = feature.get("properties") or {}
            if props.get("id") == old:
                props["id"] = new
        out[draft.GEO.format("zones")] = draft.dump_geojson(layer)
    return out


def check(files: Mapping[str, bytes], kind: str, item: dict[str, Any],
          replaces: str | None = None) -> tuple[dict[str, list[str]], list[Problem]]:
    """(problems of this item by form field, every problem of the draft with it)."""
    problems = bundle.check(upsert(files, kind, item, replaces))
    mine = f"{kind} {item.get('id')!r}"
    by_field: dict[str, list[str]] = {}
    for problem in problems:
        if problem.item != mine and not (problem.item or "").startswith(f"{kind} #"):
            continue
        path = problem.field or "id"
        field = next((f for f in KINDS[kind].fields
                      if path == f or path.startswith((f + ".", f + "["))), "id")
        by_field.setdefault(field, []).append(problem.message)
    return by_field, problems


def zones_without_polygon(files: Mapping[str, bytes]) -> list[str]:
    """Zone ids that have no polygon yet (draw them on the site map)."""
    drawn = {(f.get("properties") or {}).get("id")
             for f in draft.read_layer(files, "zones").get("features") or []}
    return [str(z.get("id")) for z in items(files, "zone") if z.get("id") not in drawn]


# --------------------------------------------------------------------------- form values


def form_values(kind: str, item: Mapping[str, Any] | None) -> dict[str, Any]:
    """The form's values for an item (None: a new one; a category gets a colour and icon)."""
    item = item or {}

    def loc(key: str, lang: str) -> str:
        value = item.get(key)
        return str(value.get(lang) or "") if isinstance(value, dict) else ""

    out: dict[str, Any] = {"id": str(item.get("id") or ""), "name_de": loc("name", "de"),
                           "name_en": loc("name", "en")}
    if kind == "category":
        out["color"] = str(item.get("color") or draft.DEFAULT_CATEGORY["color"])
        out["icon"] = str(item.get("icon") or draft.DEFAULT_CATEGORY["icon"])
    if kind == "city":
        out["delegation_de"] = loc("delegation", "de")
        out["delegation_en"] = loc("delegation", "en")
        out["departments"] = [str(d) for d in item.get("departments") or []]
        out["sources"] = "\n".join(str(s) for s in item.get("sources") or [])
    return out


def to_item(kind: str, values: Mapping[str, Any],
            original: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The item as in the YAML file from the form's values (empty texts left out; keys the
    form does not show are kept from `original`)."""
    def loc(prefix: str) -> dict[str, str]:
        return {lang: str(values.get(f"{prefix}_{lang}") or "").strip()
                for lang in ("de", "en") if str(values.get(f"{prefix}_{lang}") or "").strip()}

    name = loc("name")
    ident = str(values.get("id") or "").strip() or draft.slug(
        name.get("de") or name.get("en") or "", "")
    out: dict[str, Any] = {**(original or {}), "id": ident, "name": name}
    if kind == "category":
        out["color"] = str(values.get("color") or "").strip().lower()
        out["icon"] = str(values.get("icon") or "").strip()
    if kind == "city":
        if delegation := loc("delegation"):
            out["delegation"] = delegation
        else:
            out.pop("delegation", None)
        out["departments"] = list(values.get("departments") or [])
        sources = [s for s in str(values.get("sources") or "").split() if s]
        if sources:
            out["sources"] = sources
        else:
            out.pop("sources", None)
    return out
