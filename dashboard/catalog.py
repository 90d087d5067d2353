"""The exhibition's content: models, and loading + validating a data folder.

Validation reports every problem at once (file, item, field, bad value) instead of stopping at
the first, so that whoever edits the YAML can fix everything in one go.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from shapely.geometry import Point

from dashboard import geo
from dashboard.errors import DataError, Problem, UnknownExhibitError

LANGUAGES = ("de", "en")
EXHIBITS_FILE = "exhibits.yaml"
CITIES_FILE = "cities.yaml"
# How far an exhibit or entrance may lie from the nearest footpath before we call the network
# incomplete: beyond this a "walking route" would be mostly cross-country.
MAX_PATH_DISTANCE_M = 60.0

Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=64)]
_URL = re.compile(r"^https?://[^\s<>\"]+$")
_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class _Model(BaseModel):
    # Unknown keys are usually typos ("visit_minute"): reject them instead of ignoring them.
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Localized(_Model):
    """A text in German and English; a missing language may fall back (see Exhibition)."""

    de: str | None = None
    en: str | None = None

    def get(self, lang: str, fallback: str | None = None) -> str:
        text = getattr(self, lang, None) or (getattr(self, fallback) if fallback else None)
        return text or self.de or self.en or ""

    def missing(self) -> list[str]:
        return [lang for lang in LANGUAGES if not getattr(self, lang)]


class Location(_Model):
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


def _parse_hhmm(value: Any) -> dt.time:
    # YAML 1.1 reads an unquoted 10:00 as the base-60 integer 600; take it back.
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
        return dt.time(value // 60, value % 60)
    if isinstance(value, dt.time):
        return value
    if isinstance(value, str) and (m := _HHMM.match(value.strip())):
        return dt.time(int(m.group(1)), int(m.group(2)))
    raise ValueError(f"expected a time as 'HH:MM', got {value!r}")


class OpeningHours(_Model):
    open: dt.time
    close: dt.time

    _parse = field_validator("open", "close", mode="before")(_parse_hhmm)

    def contains(self, moment: dt.time) -> bool:
        return self.open <= moment <= self.close


def _check_urls(urls: list[str]) -> list[str]:
    bad = [u for u in urls if not _URL.match(u)]
    if bad:
        raise ValueError(f"not an http(s) address: {bad[0]!r}")
    return urls


class Category(_Model):
    id: Slug
    name: Localized
    color: str = Field(pattern=r"^#[0-9a-fA-F]{6}$")
    icon: str = Field(min_length=1, max_length=4)


class Zone(_Model):
    id: Slug
    name: Localized


class Entrance(_Model):
    id: Slug
    name: Localized
    location: Location
    step_free: bool = True


class Exhibit(_Model):
    id: Slug
    name: Localized
    summary: Localized
    description: Localized
    category: Slug
    zone: Slug
    location: Location
    # True when no source places the exhibit: the point is a plausible spot in its zone, and
    # the exhibit card can say so.
    location_approximate: bool = False
    visit_minutes: int = Field(ge=1, le=240)
    step_free: bool
    priority: int = Field(default=3, ge=1, le=5)
    opening_hours: OpeningHours | None = None
    show_times: list[dt.time] = Field(default_factory=list)
    facts: list[Localized] = Field(default_factory=list)
    departments: list[Slug] = Field(default_factory=list)
    city_notes: dict[str, Localized] = Field(default_factory=dict)
    sources: list[str] = Field(min_length=1)
    # For editors only (remarks about sources, open questions); never shown to visitors.
    note: str | None = None

    _urls = field_validator("sources")(_check_urls)

    @field_validator("show_times", mode="before")
    @classmethod
    def _times(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [_parse_hhmm(v) for v in value]
        return value

    def localized_texts(self) -> Iterator[tuple[str, Localized]]:
        """Every visitor-facing text with its field path, for the language check."""
        yield "name", self.name
        yield "summary", self.summary
        yield "description", self.description
        for i, fact in enumerate(self.facts):
            yield f"facts[{i}]", fact
        for city, note in self.city_notes.items():
            yield f"city_notes.{city}", note


class Exhibition(_Model):
    id: Slug
    name: Localized
    description: Localized | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    timezone: str = "Europe/Berlin"
    crs: str = Field(default="EPSG:25832", pattern=r"^EPSG:\d{4,5}$")
    opening_hours: OpeningHours | None = None
    default_city: Slug | None = None
    fallback_language: str | None = Field(default=None, pattern=r"^(de|en)$")
    sources: list[str] = Field(default_factory=list)

    _urls = field_validator("sources")(_check_urls)


class Department(_Model):
    id: Slug
    name: Localized


class City(_Model):
    id: Slug
    name: Localized
    delegation: Localized
    departments: list[Slug] = Field(min_length=1)
    sources: list[str] = Field(default_factory=list)

    _urls = field_validator("sources")(_check_urls)


@dataclass(frozen=True)
class Catalog:
    """One exhibition, validated. Shared read-only by all sessions: never mutate it."""

    data_dir: Path
    exhibition: Exhibition
    categories: dict[str, Category]
    zones: dict[str, Zone]
    entrances: dict[str, Entrance]
    exhibits: dict[str, Exhibit]
    departments: dict[str, Department]
    cities: dict[str, City]
    site: geo.SiteGeo

    def exhibit(self, exhibit_id: str) -> Exhibit:
        try:
            return self.exhibits[exhibit_id]
        except KeyError:
            raise UnknownExhibitError(exhibit_id) from None

    def text(self, value: Localized, lang: str) -> str:
        return value.get(lang, self.exhibition.fallback_language)

    @property
    def default_city(self) -> City | None:
        wanted = self.exhibition.default_city
        if wanted in self.cities:
            return self.cities[wanted]
        return next(iter(self.cities.values()), None)

    def counts_by_category(self) -> dict[str, int]:
        counts = Counter(e.category for e in self.exhibits.values())
        return {cid: counts.get(cid, 0) for cid in self.categories}


# --------------------------------------------------------------------------- loading


def _read_yaml(path: Path, label: str, problems: list[Problem]) -> dict[str, Any] | None:
    """A YAML mapping, or None with the reason appended to problems."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        problems.append(Problem(label, "file not found"))
        return None
    except OSError as exc:
        problems.append(Problem(label, f"cannot be read: {exc.strerror or exc}"))
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.append(Problem(label, f"is not UTF-8 text (byte {exc.start}); is it binary?"))
        return None
    if "\x00" in text:
        problems.append(Problem(label, "contains NUL bytes; is it binary?"))
        return None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        problems.append(Problem(label, f"is not valid YAML{where}: {reason}"))
        return None
    if data is None:
        problems.append(Problem(label, "is empty"))
        return None
    if not isinstance(data, dict):
        problems.append(
            Problem(label, f"must be a mapping of sections at the top, got a {_kind(data)}")
        )
        return None
    return data


def _kind(value: Any) -> str:
    return {list: "list", str: "text", int: "number", float: "number", bool: "yes/no"}.get(
        type(value), type(value).__name__
    )


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
        for err in exc.errors():
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] not in ("missing", "extra_forbidden") and "input" in err:
                msg += f" (got {err['input']!r})"
            problems.append(Problem(label, msg, item, _field_path(err["loc"]) or None))
        return None


def _section(
    data: dict[str, Any] | None,
    key: str,
    model: type[_Model],
    label: str,
    kind: str,
    problems: list[Problem],
    required: bool = True,
) -> list[Any]:
    """Validate a list section item by item; problems name the item by its id."""
    if data is None:
        return []
    raw = data.get(key)
    if raw is None:
        if required:
            problems.append(Problem(label, f"section {key!r} is missing"))
        return []
    if not isinstance(raw, list):
        problems.append(Problem(label, f"section {key!r} must be a list, got a {_kind(raw)}"))
        return []
    items = []
    for index, entry in enumerate(raw):
        ident = entry.get("id") if isinstance(entry, dict) else None
        item = f"{kind} {ident!r}" if isinstance(ident, str) else f"{kind} #{index + 1}"
        if not isinstance(entry, dict):
            problems.append(Problem(label, f"must be a mapping, got a {_kind(entry)}", item))
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


def _check_refs(
    values: Iterable[str], known: dict[str, Any], what: str
) -> list[tuple[str, str]]:
    """(value, message) for each value not in known."""
    choices = ", ".join(sorted(known)) or "none defined"
    return [(v, f"unknown {what} {v!r} (known: {choices})") for v in values if v not in known]


def load(data_dir: Path | str) -> Catalog:
    """Load and validate a data folder; raise DataError listing every problem."""
    data_dir = Path(data_dir)
    problems: list[Problem] = []
    if not data_dir.is_dir():
        raise DataError([Problem(str(data_dir), "data folder not found")])

    ex_label = str(data_dir / EXHIBITS_FILE)
    ci_label = str(data_dir / CITIES_FILE)
    ex_data = _read_yaml(data_dir / EXHIBITS_FILE, ex_label, problems)
    ci_data = _read_yaml(data_dir / CITIES_FILE, ci_label, problems)

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
        _section(ex_data, "entrances", Entrance, ex_label, "entrance", problems, required=False),
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
    if ex_data is not None and not exhibits and "exhibits" in ex_data:
        problems.append(Problem(ex_label, "section 'exhibits' has no valid exhibit"))

    fallback = exhibition.fallback_language if exhibition else None
    crs = exhibition.crs if exhibition else "EPSG:25832"
    site = geo.load_site(data_dir, crs, problems)

    _cross_check(
        ex_label, ci_label, exhibition, categories, zones, entrances, exhibits, departments,
        cities, fallback, site, _declared_ids(ex_data, "exhibits"), problems,
    )
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


def _cross_check(
    ex_label: str,
    ci_label: str,
    exhibition: Exhibition | None,
    categories: dict[str, Category],
    zones: dict[str, Zone],
    entrances: dict[str, Entrance],
    exhibits: dict[str, Exhibit],
    departments: dict[str, Department],
    cities: dict[str, City],
    fallback: str | None,
    site: geo.SiteGeo | None,
    declared_exhibits: set[str],
    problems: list[Problem],
) -> None:
    """Checks across items and files. declared_exhibits includes exhibits that failed their
    own validation, so that one bad exhibit is not reported again from every reference."""

    def add(item: str, field: str, message: str, label: str = ex_label) -> None:
        problems.append(Problem(label, message, item, field))

    if exhibition and exhibition.default_city and cities and exhibition.default_city not in cities:
        for _, msg in _check_refs([exhibition.default_city], cities, "city"):
            add("exhibition", "default_city", msg)

    for city in cities.values():
        for i, (_, msg) in enumerate(_check_refs(city.departments, departments, "department")):
            add(f"city {city.id!r}", f"departments[{i}]", msg, ci_label)
    for kind, items in (("category", categories), ("zone", zones), ("entrance", entrances)):
        for item in items.values():
            if fallback is None and (missing := item.name.missing()):
                add(f"{kind} {item.id!r}", "name", _missing_msg(missing))
    for kind, items in (("department", departments), ("city", cities)):
        for item in items.values():
            if fallback is None and (missing := item.name.missing()):
                add(f"{kind} {item.id!r}", "name", _missing_msg(missing), ci_label)

    for shared in sorted(set(entrances) & set(exhibits)):
        # Tours name their start and end by id: one id must mean one place.
        add(f"entrance {shared!r}", "id", "is also the id of an exhibit; ids must be unique")
    for ex in exhibits.values():
        item = f"exhibit {ex.id!r}"
        if categories and ex.category not in categories:
            add(item, "category", _check_refs([ex.category], categories, "category")[0][1])
        if zones and ex.zone not in zones:
            add(item, "zone", _check_refs([ex.zone], zones, "zone")[0][1])
        if departments:
            for i, dep in enumerate(ex.departments):
                for _, msg in _check_refs([dep], departments, "department"):
                    add(item, f"departments[{i}]", msg)
        if cities:
            for city in ex.city_notes:
                if city not in cities:
                    add(item, f"city_notes.{city}", _check_refs([city], cities, "city")[0][1])
        if fallback is None:
            for field, text in ex.localized_texts():
                if missing := text.missing():
                    add(item, field, _missing_msg(missing))

    if site is None:
        return
    site_label = site.label("site")
    for kind, items in (("exhibit", exhibits), ("entrance", entrances)):
        for item in items.values():
            point = Point(item.location.lon, item.location.lat)
            where = f"{kind} {item.id!r}"
            if not site.outline.covers(point):
                add(where, "location", f"({item.location.lat}, {item.location.lon}) lies "
                    f"outside the site outline in {site_label}")
                continue
            distance = site.distance_to_paths_m(point)
            if distance is not None and distance > MAX_PATH_DISTANCE_M:
                add(where, "location", f"is {distance:.0f} m from the nearest footpath "
                    f"(at most {MAX_PATH_DISTANCE_M:.0f} m): extend {site.label('paths')}")
    for ex in exhibits.values():
        point = Point(ex.location.lon, ex.location.lat)
        if (
            ex.zone in zones
            and ex.zone in site.zone_shapes
            and site.outline.covers(point)
            and not site.zone_shapes[ex.zone].buffer(1e-5).covers(point)
        ):
            inside = [z for z, shape in site.zone_shapes.items() if shape.covers(point)]
            actual = f"zone {inside[0]!r}" if inside else "no zone"
            add(f"exhibit {ex.id!r}", "zone", f"is {ex.zone!r} but the location lies in "
                f"{actual} of {site.label('zones')}")
    zone_label = site.label("zones")
    for zone_id in zones:
        if site.zone_shapes and zone_id not in site.zone_shapes:
            problems.append(
                Problem(zone_label, "has no polygon for this zone", f"zone {zone_id!r}")
            )
    for zone_id in site.zone_shapes:
        if zones and zone_id not in zones:
            problems.append(Problem(zone_label, f"zone id {zone_id!r} is not defined in "
                                    f"{ex_label}", f"zone {zone_id!r}"))
    for index, exhibit_id in site.building_exhibits():
        if declared_exhibits and exhibit_id not in declared_exhibits:
            problems.append(Problem(site.label("buildings"), f"unknown exhibit {exhibit_id!r}",
                                    f"feature #{index + 1}", "exhibit"))


def _declared_ids(data: dict[str, Any] | None, key: str) -> set[str]:
    raw = (data or {}).get(key)
    if not isinstance(raw, list):
        return set()
    return {e["id"] for e in raw if isinstance(e, dict) and isinstance(e.get("id"), str)}


def _missing_msg(missing: list[str]) -> str:
    langs = " and ".join(missing)
    return (f"text in {langs} is missing (give both de and en, or set "
            "exhibition.fallback_language)")


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
