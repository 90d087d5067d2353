"""The exhibition's content: models, and loading a data folder.

Loading reports every problem at once (file, item, field, bad value) instead of stopping at
the first, so that whoever edits the YAML can fix everything in one go. This module reads the
files and checks each item on its own; the rules that look across items, files and the site
geometry live in dashboard.validate. docs/data-format.md states every rule.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import functools
import gc
import re
import unicodedata
import zoneinfo
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from dashboard import geo, validate
from dashboard.errors import DataError, Problem, UnknownExhibitError, shown, unsafe_chars

LANGUAGES = ("de", "en")
EXHIBITS_FILE = "exhibits.yaml"
CITIES_FILE = "cities.yaml"
MAX_PATH_DISTANCE_M = validate.MAX_PATH_DISTANCE_M  # kept here for older imports
# A YAML file may not stand for more values than this once its aliases are expanded: an
# "alias bomb" of a few hundred bytes would otherwise stand for billions.
MAX_YAML_VALUES = 1_000_000
# Top-level sections of each file: anything else is a typo ("entrance:") or belongs elsewhere.
SECTIONS = {
    EXHIBITS_FILE: ("exhibition", "categories", "zones", "entrances", "exhibits"),
    CITIES_FILE: ("departments", "cities"),
}
# Sections that must be present and hold at least one item.
_REQUIRED_SECTIONS = {"categories", "zones", "exhibits", "departments", "cities"}

Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=64)]
MAX_URL_CHARS = 2000
_URL = re.compile(r"^https?://[^\s<>\"]+$")
_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class _Model(BaseModel):
    # Unknown keys are usually typos ("visit_minute"): reject them instead of ignoring them.
    # NaN and infinity are never meaningful in this data (a NaN latitude passes every range).
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True,
                              allow_inf_nan=False)


class Localized(_Model):
    """A text in German and English; a missing language may fall back (see Exhibition).

    Subclasses set the length limit; every text is free of control and bidi characters
    (newlines and tabs are allowed in the longer texts).
    """

    max_chars: ClassVar[int] = 5000
    multiline: ClassVar[bool] = True

    de: str | None = None
    en: str | None = None

    @field_validator("de", "en")
    @classmethod
    def _clean(cls, value: str | None) -> str | None:
        if value is None:
            return value
        if len(value) > cls.max_chars:
            raise ValueError(f"is {len(value):,} characters long; at most {cls.max_chars:,} "
                             "are allowed")
        if bad := unsafe_chars(value, allow_newlines=cls.multiline):
            raise ValueError(f"contains control or bidi characters ({', '.join(bad)}); "
                             "remove them")
        return value

    def get(self, lang: str, fallback: str | None = None) -> str:
        text = getattr(self, lang, None) or (getattr(self, fallback) if fallback else None)
        return text or self.de or self.en or ""

    def missing(self) -> list[str]:
        return [lang for lang in LANGUAGES if not getattr(self, lang)]


class Name(Localized):
    """A name or title: one line."""

    max_chars: ClassVar[int] = 120
    multiline: ClassVar[bool] = False


class Summary(Localized):
    """One sentence, or one key fact."""

    max_chars: ClassVar[int] = 300


class Note(Localized):
    """A curated note for one visiting city."""

    max_chars: ClassVar[int] = 2000


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
    raise ValueError("expected a time as 'HH:MM'")


ClockTime = Annotated[dt.time, BeforeValidator(_parse_hhmm)]


class OpeningHours(_Model):
    open: dt.time
    close: dt.time

    _parse = field_validator("open", "close", mode="before")(_parse_hhmm)

    @model_validator(mode="after")
    def _in_order(self) -> OpeningHours:
        if self.close <= self.open:
            raise ValueError(f"closes at {self.close:%H:%M}, not after it opens at "
                             f"{self.open:%H:%M} (opening hours within one day)")
        return self

    def contains(self, moment: dt.time) -> bool:
        return self.open <= moment <= self.close


def _check_urls(urls: list[str]) -> list[str]:
    for url in urls:
        if len(url) > MAX_URL_CHARS:
            raise ValueError(f"an address is {len(url):,} characters long; at most "
                             f"{MAX_URL_CHARS:,} are allowed")
        if not _URL.match(url) or unsafe_chars(url):
            raise ValueError(f"not an http(s) address: {shown(url)}")
    return urls


Sources = Annotated[list[str], Field(max_length=30)]

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")
MAX_IMAGE_PATH_CHARS = 200


def _check_image_path(value: Any) -> str:
    """A relative path inside the data folder, written with '/', of an allowed file type."""
    if not isinstance(value, str):
        raise ValueError("expected a file path such as 'images/pavilion.jpg'")
    value = value.strip()
    if len(value) > MAX_IMAGE_PATH_CHARS:
        raise ValueError(f"is {len(value):,} characters long; at most {MAX_IMAGE_PATH_CHARS} "
                         "are allowed")
    if bad := unsafe_chars(value):
        raise ValueError(f"contains control or bidi characters ({', '.join(bad)})")
    if "\\" in value:
        raise ValueError("write the path with '/', not '\\'")
    parts = value.split("/")
    if value.startswith("/") or re.match(r"^[A-Za-z]:", value) or "://" in value:
        raise ValueError("must be a path relative to the data folder, not an absolute path "
                         "or an address (images are never loaded from the internet)")
    if any(part in ("", ".", "..") for part in parts):
        raise ValueError("must stay inside the data folder: no '..', '.' or empty parts")
    if not value.lower().endswith(IMAGE_SUFFIXES):
        raise ValueError(f"must be a {', '.join(s.lstrip('.') for s in IMAGE_SUFFIXES)} file")
    return value


ImagePath = Annotated[str, BeforeValidator(_check_image_path)]
MAX_CREDIT_CHARS = 200


def check_credit(value: Any) -> str:
    """Who took the photo and under which licence: one line of plain text, in any language
    (names and licence codes are not translated)."""
    if not isinstance(value, str):
        raise ValueError("expected one line of text such as 'Foto: Jana Muster, CC BY 4.0'")
    value = value.strip()
    if not value:
        raise ValueError("is empty; name who took the photo and its licence, or leave the "
                         "field out")
    if len(value) > MAX_CREDIT_CHARS:
        raise ValueError(f"is {len(value):,} characters long; at most {MAX_CREDIT_CHARS} "
                         "are allowed")
    if bad := unsafe_chars(value):
        raise ValueError(f"contains control or bidi characters ({', '.join(bad)}); "
                         "remove them")
    return value


CreditLine = Annotated[str, BeforeValidator(check_credit)]


def _check_iso_date(value: Any) -> Any:
    # The loader keeps dates as text; only the ISO form 2019-04-17 is a date here.
    if value is None or isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        raise ValueError("expected a date as 'YYYY-MM-DD'")  # not a number of seconds
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_check_iso_date)]


class DateSpan(_Model):
    """The days something is on show, both included (a two-week exhibition, a theme week)."""

    first: IsoDate
    last: IsoDate

    @model_validator(mode="after")
    def _in_order(self) -> DateSpan:
        if self.last < self.first:
            raise ValueError(f"last {self.last} lies before first {self.first}")
        return self

    def contains(self, day: dt.date) -> bool:
        return self.first <= day <= self.last


class Category(_Model):
    id: Slug
    name: Name
    color: str = Field(pattern=r"^#[0-9a-fA-F]{6}$")
    icon: str = Field(min_length=1, max_length=4)

    @field_validator("icon")
    @classmethod
    def _icon(cls, value: str) -> str:
        if bad := unsafe_chars(value):
            raise ValueError(f"contains control or bidi characters ({', '.join(bad)})")
        return value


class Zone(_Model):
    id: Slug
    name: Name


class Entrance(_Model):
    id: Slug
    name: Name
    location: Location
    # False: the gate itself has steps, so a step-free tour never starts or ends here.
    step_free: bool = True


class Exhibit(_Model):
    id: Slug
    name: Name
    summary: Summary
    description: Localized
    category: Slug
    zone: Slug
    location: Location
    # True when no source places the exhibit: the point is a plausible spot in its zone, and
    # the exhibit card can say so.
    location_approximate: bool = False
    # "topic": a background topic with nothing of its own to see on site (a strategy, a
    # procedure), told at a place where it shows; the card says so.
    kind: Literal["exhibit", "topic"] = "exhibit"
    visit_minutes: int = Field(ge=1, le=240)
    step_free: bool
    priority: int = Field(default=3, ge=1, le=5)
    # How near (metres) a tablet must be to be offered "You are at <stop>" (None: the default,
    # dashboard/arrival.py ARRIVE_RADIUS_M); large pavilions and open squares want more.
    arrive_radius_m: float | None = Field(default=None, ge=5, le=500, allow_inf_nan=False)
    opening_hours: OpeningHours | None = None
    show_times: list[ClockTime] = Field(default_factory=list, max_length=48)
    # Only on these days (a temporary exhibition, a theme week); None: every day of the show.
    on_show: DateSpan | None = None
    facts: list[Summary] = Field(default_factory=list, max_length=20)
    departments: list[Slug] = Field(default_factory=list, max_length=20)
    city_notes: dict[Slug, Note] = Field(default_factory=dict, max_length=50)
    sources: Sources = Field(min_length=1)
    # For editors only (remarks about sources, open questions); never shown to visitors.
    note: str | None = Field(default=None, max_length=2000)
    # Optional picture: a PNG/JPEG/WebP file inside the data folder, path relative to it (the
    # file itself is checked in validate._images); image_alt describes it (default: the name);
    # image_credit is the credit/licence line shown wherever the photo is.
    image: ImagePath | None = None
    image_alt: Summary | None = None
    image_credit: CreditLine | None = None

    _urls = field_validator("sources")(_check_urls)

    @model_validator(mode="after")
    def _alt_needs_image(self) -> Exhibit:
        if self.image_alt is not None and self.image is None:
            raise ValueError("image_alt is given but image is not")
        if self.image_credit is not None and self.image is None:
            raise ValueError("image_credit is given but image is not")
        return self

    def shown_on(self, day: dt.date | None) -> bool:
        """Whether the exhibit can be visited on that day (no day given: yes)."""
        return day is None or self.on_show is None or self.on_show.contains(day)

    def localized_texts(self) -> Iterator[tuple[str, Localized]]:
        """Every visitor-facing text with its field path, for the language check."""
        yield "name", self.name
        yield "summary", self.summary
        yield "description", self.description
        for i, fact in enumerate(self.facts):
            yield f"facts[{i}]", fact
        for city, note in self.city_notes.items():
            yield f"city_notes.{city}", note
        if self.image_alt is not None:
            yield "image_alt", self.image_alt


@functools.cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


class Exhibition(_Model):
    id: Slug
    name: Name
    description: Localized | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    timezone: str = Field(max_length=64)
    # None: the UTM zone of the site (geopandas' estimate_utm_crs); see Catalog.site.crs.
    crs: str | None = Field(default=None, pattern=r"^EPSG:\d{4,5}$")
    opening_hours: OpeningHours | None = None
    default_city: Slug | None = None
    fallback_language: str | None = Field(default=None, pattern=r"^(de|en)$")
    sources: Sources = Field(default_factory=list)

    _urls = field_validator("sources")(_check_urls)

    @field_validator("start_date", "end_date", mode="before")
    @classmethod
    def _iso_date(cls, value: Any) -> Any:
        # The loader keeps dates as text; only the ISO form 2019-04-17 is a date here.
        if value is None or isinstance(value, dt.date):
            return value
        if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            raise ValueError("expected a date as 'YYYY-MM-DD'")  # not a number of seconds
        return value

    @field_validator("timezone")
    @classmethod
    def _iana(cls, value: str) -> str:
        if value not in _time_zones():
            raise ValueError("is not an IANA time zone name such as 'Europe/Berlin' or "
                             "'America/New_York'")
        return value

    def runs_on(self, day: dt.date) -> bool:
        """Whether the exhibition is on that day (no dates given: every day)."""
        return ((self.start_date is None or self.start_date <= day)
                and (self.end_date is None or day <= self.end_date))

    def default_day(self, today: dt.date) -> dt.date:
        """The day a new tour is planned for: today, moved into start_date..end_date."""
        if self.start_date and today < self.start_date:
            return self.start_date
        if self.end_date and today > self.end_date:
            return self.end_date
        return today

    @model_validator(mode="after")
    def _dates_in_order(self) -> Exhibition:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValueError(f"end_date {self.end_date} lies before start_date "
                             f"{self.start_date}")
        return self


class Department(_Model):
    id: Slug
    name: Name


class City(_Model):
    id: Slug
    name: Name
    # The visiting group's name ("Digital Lotsen"), shown with the city's name.
    delegation: Name | None = None
    departments: list[Slug] = Field(min_length=1, max_length=50)
    sources: Sources = Field(default_factory=list)

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
    def crs(self) -> str:
        """The projected CRS in metres: the one given, or the site's UTM zone."""
        return self.site.crs

    @property
    def default_city(self) -> City | None:
        wanted = self.exhibition.default_city
        if wanted in self.cities:
            return self.cities[wanted]
        return next(iter(self.cities.values()), None)

    def exhibits_on(self, day: dt.date | None) -> dict[str, Exhibit]:
        """The exhibits that can be visited on that day (dated ones only on their dates)."""
        return {eid: e for eid, e in self.exhibits.items() if e.shown_on(day)}

    def counts_by_category(self) -> dict[str, int]:
        counts = Counter(e.category for e in self.exhibits.values())
        return {cid: counts.get(cid, 0) for cid in self.categories}


# --------------------------------------------------------------------------- YAML


class _DataLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """yaml's safe loader (libyaml when present) with three changes for data files:

    - a key written twice in one mapping is an error (plain YAML keeps the last silently);
    - dates stay text, so that 2019-02-30 is reported at its field instead of failing the
      whole file (the models parse ISO dates);
    - an integer too long for Python (more than 4,300 digits) stays text, reported at its field.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, Any] = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = (
                    (key_node.tag, key_node.value) if isinstance(key_node, yaml.ScalarNode)
                    else self.construct_object(key_node, deep=True)
                )
                try:
                    first = seen.setdefault(key, key_node)
                except TypeError:  # unhashable key: SafeConstructor reports it
                    continue
                if first is not key_node:
                    raise yaml.constructor.ConstructorError(
                        "in a mapping", node.start_mark,
                        f"key {shown(self.construct_object(key_node, deep=True))} appears twice "
                        f"(first at line "
                        f"{first.start_mark.line + 1})", key_node.start_mark)
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int | str:
        try:
            return super().construct_yaml_int(node)
        except ValueError:
            return str(node.value)


_DataLoader.add_constructor("tag:yaml.org,2002:int", _DataLoader.construct_yaml_int)
_DataLoader.add_constructor("tag:yaml.org,2002:map", _DataLoader.construct_yaml_map)
_DataLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


_STR, _MAP, _SEQ = ("tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")
# Scalar tags built directly by the fast path (everything else goes the full way).
_SCALAR_TAGS = {_STR, "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
                "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null"}
# Deeper than any real data file; deeper documents take the full way (and its messages).
_FAST_MAX_DEPTH = 64
_FALLBACK = object()


def _fast_yaml(text: str) -> Any:
    """The document built straight from libyaml's events, or _FALLBACK.

    Gives what yaml.load(text, Loader=_DataLoader) gives for ordinary data files, about three
    times faster: PyYAML's composer makes a node (with two marks) for every value and resolves
    each scalar in Python before the constructor walks the nodes again. Anything out of the
    ordinary (aliases, merge keys, explicit or unknown tags, complex or repeated keys, several
    documents, deep nesting, any parse error) returns _FALLBACK, and the caller takes the full
    way, which reports it exactly as before.
    """
    loader = _DataLoader(text)
    resolvers = loader.yaml_implicit_resolvers
    construct = loader.yaml_constructors
    plain: dict[str, Any] = {}  # plain scalar -> value: repeated keys share one string
    stack: list[list[Any]] = []  # open containers: [dict or list, pending key or _FALLBACK]
    documents = 0
    root: Any = None
    try:
        while (event := loader.get_event()) is not None:
            kind = type(event)
            if kind is yaml.ScalarEvent:
                value = event.value
                if event.tag not in (None, "!"):
                    return _FALLBACK
                if event.implicit[0]:
                    if (obj := plain.get(value, _FALLBACK)) is _FALLBACK:
                        tag = next((t for t, rx in resolvers.get(value[:1], ())
                                    if rx.match(value)), _STR)
                        if tag not in _SCALAR_TAGS:
                            return _FALLBACK
                        obj = value if tag == _STR else construct[tag](
                            loader, yaml.ScalarNode(tag, value))
                        plain[value] = obj
                    value = obj
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                if event.tag not in (None, "!", _MAP if kind is yaml.MappingStartEvent else _SEQ):
                    return _FALLBACK
                if len(stack) >= _FAST_MAX_DEPTH:
                    return _FALLBACK
                stack.append([{} if kind is yaml.MappingStartEvent else [], _FALLBACK])
                continue
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                value = stack.pop()[0]
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    return _FALLBACK
                continue
            elif kind is yaml.StreamStartEvent or kind is yaml.DocumentEndEvent:
                continue
            elif kind is yaml.StreamEndEvent:
                break
            else:  # an alias, or anything new
                return _FALLBACK
            if not stack:
                root = value
            elif type((parent := stack[-1])[0]) is list:
                parent[0].append(value)
            elif parent[1] is _FALLBACK:  # a key
                if (type(value) is not str and value.__class__ not in (int, float, bool)
                        and value is not None) or value in parent[0]:
                    return _FALLBACK  # complex or repeated: the full way reports it
                parent[1] = value
            else:
                parent[0][parent[1]] = value
                parent[1] = _FALLBACK
    except (yaml.YAMLError, RecursionError, ValueError, TypeError):
        return _FALLBACK
    finally:
        loader.dispose()
    return root


# Where an alias may be (a "*name" token); without one, no value is shared and nothing to count.
_ALIAS = re.compile(r"(?:^|[\s\[{,:])\*[^\s*]", re.MULTILINE)


def _expanded_size(root: Any, limit: int) -> str | None:
    """Why the parsed YAML cannot be used (an alias cycle, or too many values), or None.

    Aliases make shared references, so parsing is cheap; anything that walks the data (the
    models, a message) would see every copy. Counted with memory of shared parts, iteratively.
    """
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        obj, done = stack.pop()
        children = (
            [*obj.keys(), *obj.values()] if isinstance(obj, dict)
            else obj if isinstance(obj, list) else None
        )
        if children is None:
            continue
        oid = id(obj)
        if done:
            on_path.discard(oid)
            sizes[oid] = 1 + sum(sizes.get(id(c), 1) for c in children)
            if sizes[oid] > limit:
                return (f"stands for more than {limit:,} values once its aliases are expanded "
                        "(an alias bomb?)")
            continue
        if oid in sizes:
            continue
        if oid in on_path:
            return "contains an alias that refers to itself"
        on_path.add(oid)
        stack.append((obj, True))
        stack.extend((c, False) for c in children if isinstance(c, dict | list))
    return None


def _read_yaml(path: Path, label: str, problems: list[Problem]) -> dict[str, Any] | None:
    """A YAML mapping, or None with the reason appended to problems."""
    try:
        raw = geo.read_data_file(path, label, problems)
    except FileNotFoundError:
        problems.append(Problem(label, "file not found"))
        return None
    if raw is None:
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
        aliases = "*" in text and _ALIAS.search(text) is not None
        data = _fast_yaml(text) if not aliases else _FALLBACK
        if data is _FALLBACK:
            data = yaml.load(text, Loader=_DataLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        problems.append(Problem(label, f"is not valid YAML{where}: {_cut(reason)}"))
        return None
    except RecursionError:
        problems.append(Problem(label, "is nested too deeply to be read"))
        return None
    except Exception as exc:
        problems.append(Problem(label, f"cannot be read as YAML: {_cut(str(exc))}"))
        return None
    if data is None:
        problems.append(Problem(label, "is empty"))
        return None
    if not isinstance(data, dict):
        problems.append(
            Problem(label, f"must be a mapping of sections at the top, got a {_kind(data)}")
        )
        return None
    if aliases and (why := _expanded_size(data, MAX_YAML_VALUES)):
        problems.append(Problem(label, why))
        return None
    return data


def _cut(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} characters)"


def _kind(value: Any) -> str:
    return {list: "list", str: "text", int: "number", float: "number", bool: "yes/no",
            dict: "mapping"}.get(type(value), type(value).__name__)


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
        problems.append(Problem(label, f"section {key!r} must be a list, got a {_kind(raw)}"))
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


def _declared_ids(data: dict[str, Any] | None, key: str) -> set[str]:
    raw = (data or {}).get(key)
    if not isinstance(raw, list):
        return set()
    return {e["id"] for e in raw if isinstance(e, dict) and isinstance(e.get("id"), str)}


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off while loading.

    Loading makes hundreds of thousands of small objects (parsed values, models) and almost no
    reference cycles; each object counts towards a collection, and each full collection walks
    everything the process holds (pandas, geopandas, the app). At 2,000 exhibits that was
    about 40% of the load time. Reference counting still frees memory as usual; the collector
    is switched back on (if it was on) however loading ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load(data_dir: Path | str) -> Catalog:
    """Load and validate a data folder; raise DataError listing every problem."""
    with _gc_paused():
        return _load(Path(data_dir))


def _load(data_dir: Path) -> Catalog:
    problems: list[Problem] = []
    if not data_dir.is_dir():
        raise DataError([Problem(str(data_dir), "data folder not found")])

    ex_label = str(data_dir / EXHIBITS_FILE)
    ci_label = str(data_dir / CITIES_FILE)
    ex_data = _read_yaml(data_dir / EXHIBITS_FILE, ex_label, problems)
    ci_data = _read_yaml(data_dir / CITIES_FILE, ci_label, problems)
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
