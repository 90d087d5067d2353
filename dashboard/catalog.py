"""Loading a data folder into the exhibition's `Catalog`, and finding exhibits in it.

Loading reports every problem at once (file, item, field, bad value) instead of stopping at
the first, so that whoever edits the YAML can fix everything in one go. The models (one item
checked on its own) are dashboard.models, reading the YAML files dashboard.yaml_reader; the
rules that look across items, files and the site geometry live in dashboard.validate.
docs/data-format.md states every rule. The models' names are importable from here as before.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import (
    ValidationError,
)

from dashboard import geo, validate
from dashboard.errors import DataError, Problem, shown
from dashboard.models import (
    IMAGE_SUFFIXES,
    LANGUAGES,
    MAX_CREDIT_CHARS,
    MAX_IMAGE_PATH_CHARS,
    MAX_URL_CHARS,
    Catalog,
    Category,
    City,
    ClockTime,
    CreditLine,
    DateSpan,
    Department,
    Entrance,
    Exhibit,
    Exhibition,
    ImagePath,
    IsoDate,
    Localized,
    Location,
    Name,
    Note,
    OpeningHours,
    Slug,
    Sources,
    Summary,
    Zone,
    _Model,
    check_credit,
)
from dashboard.yaml_reader import gc_paused, kind_name, read_yaml

# The models are defined in dashboard.models and read from here (cat.Exhibit) by every page.
__all__ = [
    "CITIES_FILE",
    "EXHIBITS_FILE",
    "IMAGE_SUFFIXES",
    "LANGUAGES",
    "MAX_CREDIT_CHARS",
    "MAX_IMAGE_PATH_CHARS",
    "MAX_UNKNOWN_SECTIONS",
    "MAX_URL_CHARS",
    "SECTIONS",
    "Catalog",
    "Category",
    "City",
    "ClockTime",
    "CreditLine",
    "DateSpan",
    "Department",
    "Entrance",
    "Exhibit",
    "ExhibitFilter",
    "Exhibition",
    "ImagePath",
    "IsoDate",
    "Localized",
    "Location",
    "Name",
    "Note",
    "OpeningHours",
    "Slug",
    "Sources",
    "Summary",
    "Zone",
    "check_credit",
    "exhibit_at",
    "filter_exhibits",
    "fold",
    "load",
]

EXHIBITS_FILE = "exhibits.yaml"
CITIES_FILE = "cities.yaml"
# Top-level sections of each file: anything else is a typo ("entrance:") or belongs elsewhere.
SECTIONS = {
    EXHIBITS_FILE: ("exhibition", "categories", "zones", "entrances", "exhibits"),
    CITIES_FILE: ("departments", "cities"),
}
# Sections that must be present and hold at least one item.
_REQUIRED_SECTIONS = {"categories", "zones", "exhibits", "departments", "cities"}



def _field_path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _validate_item(
    model: type[_Model], raw: Any, label: str, item: str, problems: list[Problem]
) -> Any:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] not in ("missing", "extra_forbidden") and "input" in err:
                msg += f" (got {shown(err['input'])})"
            problems.append(Problem(label, msg, item, _field_path(err["loc"]) or None))
        return None
    except RecursionError:
        problems.append(Problem(label, "is nested too deeply", item))
        return None


MAX_UNKNOWN_SECTIONS = 5  # listed one by one; the rest are counted


def _check_sections(data: dict[str, Any] | None, file: str, label: str,
                    problems: list[Problem]) -> None:
    if data is None:
        return
    known = SECTIONS[file]
    unknown = [key for key in data if key not in known]
    if unknown and len(unknown) == len(data) and len(unknown) > 2:
        # Nothing it should have: another kind of file. One line, a short cut of its first
        # key, never the file itself (a link to /etc/shadow printed 26 lines of it).
        first = str(unknown[0])
        problems.append(Problem(label, f"has none of the sections of {file} "
                                f"({', '.join(known)}) but {len(unknown):,} others, the first "
                                f"{shown(first[:20] + ('…' if len(first) > 20 else ''))}: is it "
                                "the right file?"))
        return
    for key in unknown[:MAX_UNKNOWN_SECTIONS]:
        close = difflib.get_close_matches(str(key), known, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else f" (known: {', '.join(known)})"
        problems.append(Problem(label, f"unknown section {shown(key)}{hint}"))
    if len(unknown) > MAX_UNKNOWN_SECTIONS:
        problems.append(Problem(label, f"and {len(unknown) - MAX_UNKNOWN_SECTIONS:,} more "
                                "unknown sections"))


def _section(
    data: dict[str, Any] | None,
    key: str,
    model: type[_Model],
    label: str,
    kind: str,
    problems: list[Problem],
) -> list[Any]:
    """Validate a list section item by item; problems name the item by its id."""
    if data is None:
        return []
    raw = data.get(key)
    required = key in _REQUIRED_SECTIONS
    if raw is None:
        if required:
            problems.append(Problem(label, f"section {key!r} is missing"))
        return []
    if not isinstance(raw, list):
        problems.append(Problem(label, f"section {key!r} must be a list, got a {kind_name(raw)}"))
        return []
    if required and not raw:
        problems.append(Problem(label, f"section {key!r} is empty; give at least one {kind}"))
        return []
    items = []
    for index, entry in enumerate(raw):
        ident = entry.get("id") if isinstance(entry, dict) else None
        item = (f"{kind} {shown(ident)}" if isinstance(ident, str) and len(ident) <= 64
                else f"{kind} #{index + 1}")
        if not isinstance(entry, dict):
            problems.append(Problem(label, f"must be a mapping, got a {kind_name(entry)}", item))
            continue
        if (parsed := _validate_item(model, entry, label, item, problems)) is not None:
            items.append(parsed)
    return items


def _unique(items: Iterable[Any], label: str, kind: str, problems: list[Problem]) -> dict:
    out: dict[str, Any] = {}
    for item in items:
        if item.id in out:
            problems.append(
                Problem(label, "id is used more than once", f"{kind} {item.id!r}", "id")
            )
        else:
            out[item.id] = item
    return out


def _declared_ids(data: dict[str, Any] | None, key: str) -> set[str]:
    raw = (data or {}).get(key)
    if not isinstance(raw, list):
        return set()
    return {e["id"] for e in raw if isinstance(e, dict) and isinstance(e.get("id"), str)}


def load(data_dir: Path | str) -> Catalog:
    """Load and validate a data folder; raise DataError listing every problem."""
    with gc_paused():
        return _load(Path(data_dir))


def _load(data_dir: Path) -> Catalog:
    problems: list[Problem] = []
    if not data_dir.is_dir():
        raise DataError([Problem(str(data_dir), "data folder not found")])

    ex_label = str(data_dir / EXHIBITS_FILE)
    ci_label = str(data_dir / CITIES_FILE)
    ex_data = read_yaml(data_dir / EXHIBITS_FILE, ex_label, problems)
    ci_data = read_yaml(data_dir / CITIES_FILE, ci_label, problems)
    _check_sections(ex_data, EXHIBITS_FILE, ex_label, problems)
    _check_sections(ci_data, CITIES_FILE, ci_label, problems)

    exhibition = None
    if ex_data is not None:
        if isinstance(ex_data.get("exhibition"), dict):
            exhibition = _validate_item(
                Exhibition, ex_data["exhibition"], ex_label, "exhibition", problems
            )
        else:
            problems.append(Problem(ex_label, "section 'exhibition' is missing or not a mapping"))
    categories = _unique(
        _section(ex_data, "categories", Category, ex_label, "category", problems),
        ex_label, "category", problems,
    )
    zones = _unique(
        _section(ex_data, "zones", Zone, ex_label, "zone", problems), ex_label, "zone", problems
    )
    entrances = _unique(
        _section(ex_data, "entrances", Entrance, ex_label, "entrance", problems),
        ex_label, "entrance", problems,
    )
    exhibits = _unique(
        _section(ex_data, "exhibits", Exhibit, ex_label, "exhibit", problems),
        ex_label, "exhibit", problems,
    )
    departments = _unique(
        _section(ci_data, "departments", Department, ci_label, "department", problems),
        ci_label, "department", problems,
    )
    cities = _unique(
        _section(ci_data, "cities", City, ci_label, "city", problems), ci_label, "city", problems
    )
    if ex_data is not None and not exhibits and ex_data.get("exhibits"):
        problems.append(Problem(ex_label, "section 'exhibits' has no valid exhibit"))

    crs = exhibition.crs if exhibition else None
    site = geo.load_site(data_dir, crs, problems)
    parts = validate.Parts(
        data_dir=data_dir, ex_label=ex_label, ci_label=ci_label, exhibition=exhibition,
        categories=categories, zones=zones, entrances=entrances, exhibits=exhibits,
        departments=departments, cities=cities, site=site,
        declared_exhibits=_declared_ids(ex_data, "exhibits"),
    )
    problems += validate.check(parts)
    if problems or exhibition is None or site is None:
        raise DataError(problems)
    return Catalog(
        data_dir=data_dir,
        exhibition=exhibition,
        categories=categories,
        zones=zones,
        entrances=entrances,
        exhibits=exhibits,
        departments=departments,
        cities=cities,
        site=site,
    )


# --------------------------------------------------------------------------- queries


def fold(text: str) -> str:
    """Lower-case, accent-free form for searching: 'Floßhafen' matches 'flosshafen'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True)
class ExhibitFilter:
    """What the visitor narrowed the map to; empty tuples mean 'all'."""

    categories: tuple[str, ...] = ()
    zones: tuple[str, ...] = ()
    departments: tuple[str, ...] = ()
    step_free_only: bool = False
    query: str = ""


def _searchable(ex: Exhibit) -> str:
    texts = [ex.id]
    for value in (ex.name, ex.summary, ex.description):
        texts.extend(t for t in (value.de, value.en) if t)
    return fold(" ".join(texts))


def filter_exhibits(catalog: Catalog, flt: ExhibitFilter) -> list[Exhibit]:
    """The exhibits that pass every part of the filter, in catalogue order.

    The text query matches names, summaries and descriptions in both languages; every word
    of the query must occur.
    """
    words = fold(flt.query).split()
    out = []
    for ex in catalog.exhibits.values():
        if flt.categories and ex.category not in flt.categories:
            continue
        if flt.zones and ex.zone not in flt.zones:
            continue
        if flt.departments and not set(ex.departments) & set(flt.departments):
            continue
        if flt.step_free_only and not ex.step_free:
            continue
        if words and not all(w in _searchable(ex) for w in words):
            continue
        out.append(ex)
    return out


def exhibit_at(
    catalog: Catalog, lat: float, lon: float, tolerance: float = 1e-5
) -> Exhibit | None:
    """The exhibit whose marker sits at this clicked position (markers sit on the location)."""
    best, best_d = None, tolerance
    for ex in catalog.exhibits.values():
        d = max(abs(ex.location.lat - lat), abs(ex.location.lon - lon))
        if d <= best_d:
            best, best_d = ex, d
    return best
