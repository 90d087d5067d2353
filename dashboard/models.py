"""The exhibition's content as typed models (pydantic): exhibits, categories, zones,
entrances, the exhibition, departments, cities, and the loaded `Catalog`.

Each model checks one item on its own (field types, ranges, ids, one-line texts); the rules
that look across items, files and the site geometry live in dashboard.validate, and reading
the files in dashboard.catalog. docs/data-format.md states every rule.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import zoneinfo
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from dashboard import geo
from dashboard.errors import UnknownExhibitError, shown, unsafe_chars

LANGUAGES = ("de", "en")
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
