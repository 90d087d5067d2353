"""The review's domain, without Streamlit: labels, exhibit status for a city, the curated
notes from the data, grouping workshop topics by overlap, and the data for the insights.

A page gets notes and follow-ups from the store (dashboard.store.NoteStore) and hands them to
these functions; nothing here reads the database.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from statistics import mean
from typing import Any

import pandas as pd

from dashboard.catalog import Catalog
from dashboard.i18n import plural, t
from dashboard.roles import Actor
from dashboard.store.notes import FollowUp, FollowUpStatus, Note, NoteStore, Transferability
from dashboard.store.workshop import Topic


def label(key: str, lang: str, **values: object) -> str:
    """A label of the review's domain in `lang` (dashboard.i18n "review.label.<key>")."""
    return t(f"review.label.{key}", lang, **values)


def transferability_label(value: Transferability | str, lang: str) -> str:
    return label(Transferability(value).value, lang)


def status_label(value: FollowUpStatus | str, lang: str) -> str:
    return label(FollowUpStatus(value).value, lang)


def department_name(catalog: Catalog, department: str, lang: str) -> str:
    dep = catalog.departments.get(department)
    return catalog.text(dep.name, lang) if dep else department


def city_name(catalog: Catalog, city_id: str, lang: str) -> str:
    city = catalog.cities.get(city_id)
    return catalog.text(city.name, lang) if city else city_id


# --- curated notes ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CuratedNote:
    """A note from the data (exhibits.yaml, city_notes): shown beside the cities' own notes,
    marked as curated; read-only."""

    exhibit_id: str
    city_id: str
    text: str
    curated: bool = True


def curated_notes(
    catalog: Catalog, lang: str, *, exhibit_id: str | None = None, city_id: str | None = None
) -> list[CuratedNote]:
    """The data's notes, of one exhibit and/or city when given, in catalogue order."""
    found = []
    for ex in catalog.exhibits.values():
        if exhibit_id is not None and ex.id != exhibit_id:
            continue
        for city, text in ex.city_notes.items():
            if city_id is None or city == city_id:
                found.append(CuratedNote(ex.id, city, catalog.text(text, lang)))
    return found


# --- one exhibit's review, side by side ------------------------------------------------------


@dataclass(frozen=True)
class ExhibitReview:
    """What the review shows for one exhibit and city: the city's own notes (with its
    unshared ones if the reader may see them), the other cities' shared notes, the curated
    notes of the data (marked `curated`: the other cities' in `curated`, the city's own in
    `own_curated`, so "what the other cities thought" holds only theirs), and the city's
    follow-ups for the exhibit."""

    exhibit_id: str
    city_id: str
    own: tuple[Note, ...]
    others: tuple[Note, ...]
    curated: tuple[CuratedNote, ...]
    follow_ups: tuple[FollowUp, ...]
    own_curated: tuple[CuratedNote, ...] = ()


def exhibit_review(
    catalog: Catalog, notes: NoteStore, reader: Actor, city_id: str, exhibit_id: str,
    lang: str,
) -> ExhibitReview:
    """One exhibit's review for `city_id` as `reader` may see it (see ExhibitReview)."""
    exhibition = catalog.exhibition.id
    curated = curated_notes(catalog, lang, exhibit_id=exhibit_id)
    return ExhibitReview(
        exhibit_id=exhibit_id,
        city_id=city_id,
        own=tuple(notes.list_notes(reader, exhibition_id=exhibition, city_id=city_id,
                                   exhibit_id=exhibit_id)),
        others=tuple(notes.other_cities_notes(city_id, exhibit_id=exhibit_id,
                                              exhibition_id=exhibition)),
        curated=tuple(c for c in curated if c.city_id != city_id),
        own_curated=tuple(c for c in curated if c.city_id == city_id),
        follow_ups=tuple(notes.list_follow_ups(city_id=city_id, exhibit_id=exhibit_id,
                                               exhibition_id=exhibition, reader=reader)),
    )


# --- exhibit status for a city ---------------------------------------------------------------


@dataclass(frozen=True)
class ExhibitStatus:
    """One exhibit as the review lists it for a city."""

    exhibit_id: str
    on_tour: bool
    notes: int
    open_follow_ups: int
    mean_relevance: float | None
    transferability: tuple[Transferability, ...]  # of the city's notes, most common first
    departments: tuple[str, ...]  # the catalogue's and those of the city's notes

    @property
    def noted(self) -> bool:
        return self.notes > 0


def saved_tour_stops(tours: Iterable[Any]) -> set[str]:
    """The stops of saved tours (dashboard.store.SavedTour): "on a saved tour"."""
    return {stop for tour in tours for stop in tour.spec.get("stops", [])}


def exhibit_statuses(
    catalog: Catalog,
    city_id: str,
    notes: Iterable[Note],
    follow_ups: Iterable[FollowUp],
    tour_stops: Iterable[str] = (),
) -> list[ExhibitStatus]:
    """Every exhibit with its status for `city_id`: on a saved tour, noted, open follow-ups
    (open or doing). Only the city's own, undeleted notes and follow-ups count."""
    stops = set(tour_stops)
    own: dict[str, list[Note]] = defaultdict(list)
    for note in notes:
        if note.city_id == city_id and not note.deleted:
            own[note.exhibit_id].append(note)
    open_items: dict[str, int] = defaultdict(int)
    for item in follow_ups:
        if item.city_id == city_id and item.deleted_at is None and item.exhibit_id and (
            item.status is not FollowUpStatus.DONE
        ):
            open_items[item.exhibit_id] += 1
    result = []
    for ex in catalog.exhibits.values():
        mine = own.get(ex.id, [])
        counts: dict[Transferability, int] = defaultdict(int)
        for note in mine:
            counts[note.transferability] += 1
        departments = list(ex.departments)
        departments += [n.department for n in mine if n.department not in departments]
        result.append(ExhibitStatus(
            exhibit_id=ex.id,
            on_tour=ex.id in stops,
            notes=len(mine),
            open_follow_ups=open_items.get(ex.id, 0),
            mean_relevance=round(mean(n.relevance for n in mine), 2) if mine else None,
            transferability=tuple(sorted(counts, key=lambda t: (-counts[t], t.value))),
            departments=tuple(departments),
        ))
    return result


def filter_statuses(
    statuses: Iterable[ExhibitStatus],
    *,
    department: str | None = None,
    transferability: Transferability | str | None = None,
    only_noted: bool = False,
) -> list[ExhibitStatus]:
    """The statuses of exhibits for a department (in the catalogue or in a note), with a
    note of that transferability, or noted at all."""
    wanted = None if transferability is None else Transferability(transferability)
    return [
        s for s in statuses
        if (department is None or department in s.departments)
        and (wanted is None or wanted in s.transferability)
        and (not only_noted or s.noted)
    ]


# --- workshop: grouping topics by overlap ----------------------------------------------------


@dataclass(frozen=True)
class TopicLink:
    """Why two topics belong together: the exhibits and tags they share."""

    a: int
    b: int
    exhibits: tuple[str, ...]
    tags: tuple[str, ...]


@dataclass(frozen=True)
class TopicGroup:
    """A proposed working group: topics connected by shared exhibits or tags."""

    topic_ids: tuple[int, ...]
    links: tuple[TopicLink, ...] = field(default_factory=tuple)

    def reason(self, topics: dict[int, Topic], catalog: Catalog | None, lang: str) -> str:
        """The rule's reason in words, one sentence per link (plain text, not HTML)."""
        if not self.links:
            return label("no_link", lang)
        sentences = []
        for link in self.links:
            parts = []
            if link.exhibits:
                names = [
                    catalog.text(catalog.exhibits[e].name, lang)
                    if catalog is not None and e in catalog.exhibits else e
                    for e in link.exhibits
                ]
                parts.append(plural("review.label.exhibits", lang, len(names),
                                    items=", ".join(names)))
            if link.tags:
                parts.append(plural("review.label.tags", lang, len(link.tags),
                                    items=", ".join(link.tags)))
            sentences.append(label(
                "shares", lang, a=topics[link.a].title, b=topics[link.b].title,
                what=label("and", lang).join(parts),
            ))
        return "; ".join(sentences) + "."


def topic_links(topics: Sequence[Topic], min_shared: int = 1) -> list[TopicLink]:
    """Every pair of topics that shares at least `min_shared` exhibits-or-tags in total."""
    links = []
    for i, a in enumerate(topics):
        for b in topics[i + 1:]:
            exhibits = tuple(e for e in a.exhibits if e in b.exhibits)
            tags = tuple(t for t in a.tags if t in b.tags)
            if len(exhibits) + len(tags) >= max(1, min_shared):
                links.append(TopicLink(a.id, b.id, exhibits, tags))
    return links


def group_topics(topics: Sequence[Topic], min_shared: int = 1) -> list[TopicGroup]:
    """Working groups by overlap. The rule: two topics are linked when they share at least
    `min_shared` linked exhibits or tags (together); a group is every topic reachable through
    links (connected components). Topics linked to none stay alone. Groups come largest first,
    then by their first topic's id; the links are kept as the reason."""
    parent = {t.id: t.id for t in topics}

    def root(item: int) -> int:
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    links = topic_links(topics, min_shared)
    for link in links:
        parent[root(link.a)] = root(link.b)
    members: dict[int, list[int]] = defaultdict(list)
    for topic in topics:
        members[root(topic.id)].append(topic.id)
    groups = []
    for ids in members.values():
        inside = set(ids)
        groups.append(TopicGroup(
            tuple(sorted(ids)), tuple(link for link in links if link.a in inside)
        ))
    return sorted(groups, key=lambda g: (-len(g.topic_ids), g.topic_ids[0]))


# --- insights --------------------------------------------------------------------------------


def _live(notes: Iterable[Note]) -> list[Note]:
    return [n for n in notes if not n.deleted]


def relevance_by_category_department(
    catalog: Catalog, notes: Iterable[Note], lang: str
) -> pd.DataFrame:
    """One row per (category, department) that has notes: count and mean relevance (for an
    Altair bar or heat map)."""
    rows = []
    for note in _live(notes):
        ex = catalog.exhibits.get(note.exhibit_id)
        if ex is None:
            continue
        rows.append({
            "category": catalog.text(catalog.categories[ex.category].name, lang),
            "department": department_name(catalog, note.department, lang),
            "relevance": note.relevance,
        })
    columns = ["category", "department", "notes", "mean_relevance"]
    if not rows:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame(rows)
    grouped = frame.groupby(["category", "department"], as_index=False).agg(
        notes=("relevance", "size"), mean_relevance=("relevance", "mean")
    )
    grouped["mean_relevance"] = grouped["mean_relevance"].round(2)
    return grouped[columns]


def department_exhibit_matrix(
    catalog: Catalog, notes: Iterable[Note], lang: str, *, value: str = "mean_relevance"
) -> pd.DataFrame:
    """Departments (rows) × exhibits (columns, by name): mean relevance (or `value="notes"`:
    the count) of the notes; empty cells are NaN. Exhibits and departments without notes are
    left out."""
    rows = [
        {
            "department": department_name(catalog, n.department, lang),
            "exhibit": catalog.text(catalog.exhibits[n.exhibit_id].name, lang),
            "relevance": n.relevance,
        }
        for n in _live(notes) if n.exhibit_id in catalog.exhibits
    ]
    if not rows:
        return pd.DataFrame()
    frame = pd.DataFrame(rows)
    aggfunc = "mean" if value == "mean_relevance" else "size"
    return frame.pivot_table(
        index="department", columns="exhibit", values="relevance", aggfunc=aggfunc
    )


def interest_columns(
    catalog: Catalog, notes: Iterable[Note], lang: str, *, metres_per_point: float = 15.0
) -> list[dict[str, Any]]:
    """The data of the pydeck ColumnLayer: one record per noted exhibit.

    `interest` = number of notes × mean relevance; `elevation` = interest × metres_per_point;
    `color` = the category's colour as [r, g, b]. Text fields are plain text, as written: the
    deck shows them in a "text" tooltip, which deck.gl sets as innerText (maps.interest_deck).
    (Streamlit's "html" tooltips escape the values themselves, so escaping them here would
    show "&amp;" for "&".)
    """
    by_exhibit: dict[str, list[int]] = defaultdict(list)
    for note in _live(notes):
        if note.exhibit_id in catalog.exhibits:
            by_exhibit[note.exhibit_id].append(note.relevance)
    records = []
    for exhibit_id, values in by_exhibit.items():
        ex = catalog.exhibits[exhibit_id]
        category = catalog.categories[ex.category]
        avg = mean(values)
        interest = len(values) * avg
        records.append({
            "exhibit_id": exhibit_id,
            "name": catalog.text(ex.name, lang),
            "category": catalog.text(category.name, lang),
            "lon": ex.location.lon,
            "lat": ex.location.lat,
            "notes": len(values),
            "mean_relevance": round(avg, 2),
            "interest": round(interest, 2),
            "elevation": round(interest * metres_per_point, 1),
            "color": [int(category.color[i:i + 2], 16) for i in (1, 3, 5)],
        })
    return sorted(records, key=lambda r: (-r["interest"], r["exhibit_id"]))



# --- insights: the data of the review's charts (dashboard/ui/review/insights.py) -------------


def city_live_notes(notes: Iterable[Note], city_id: str, catalog: Catalog | None = None
                    ) -> list[Note]:
    """The notes the insights count for `city_id`: its own, not deleted, and with a catalog
    of exhibits that are still in it. (Other cities' shared notes show beside the city's
    notes on the review page, not in its figures.)"""
    return [n for n in notes if n.city_id == city_id and not n.deleted
            and (catalog is None or n.exhibit_id in catalog.exhibits)]


def category_colours(catalog: Catalog, lang: str) -> dict[str, str]:
    """Category name in `lang` -> its hex colour, in catalogue order (an Altair colour scale
    whose domain and range are these keys and values colours the charts like the map)."""
    return {catalog.text(c.name, lang): c.color for c in catalog.categories.values()}


def _summary(rows: list[dict[str, Any]], keys: list[str], lang: str) -> pd.DataFrame:
    """rows (one per note, with a "relevance") grouped by keys: notes, mean_relevance and the
    mean as the language writes it (mean_text, "3,5" in German), most relevant first."""
    columns = [*keys, "notes", "mean_relevance", "mean_text"]
    if not rows:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame(rows).groupby(keys, as_index=False, sort=False).agg(
        notes=("relevance", "size"), mean_relevance=("relevance", "mean"))
    frame["mean_relevance"] = frame["mean_relevance"].round(2)
    frame["mean_text"] = [_decimal(v, lang) for v in frame["mean_relevance"]]
    frame = frame.sort_values(["mean_relevance", *keys], ascending=[False] + [True] * len(keys),
                              kind="stable")
    return frame[columns].reset_index(drop=True)


def _decimal(value: float, lang: str) -> str:
    from dashboard.presentation import decimal

    return decimal(value, lang, 1)


def relevance_by_category(catalog: Catalog, notes: Iterable[Note], lang: str) -> pd.DataFrame:
    """One row per category with notes: category (name), color (hex), notes, mean_relevance,
    mean_text; most relevant first."""
    rows = [
        {"category": catalog.text(catalog.categories[ex.category].name, lang),
         "color": catalog.categories[ex.category].color, "relevance": n.relevance}
        for n in _live(notes) if (ex := catalog.exhibits.get(n.exhibit_id)) is not None
    ]
    return _summary(rows, ["category", "color"], lang)[
        ["category", "color", "notes", "mean_relevance", "mean_text"]]


def relevance_by_department(catalog: Catalog, notes: Iterable[Note], lang: str
                            ) -> pd.DataFrame:
    """One row per department with notes: department (name), notes, mean_relevance,
    mean_text; most relevant first."""
    rows = [
        {"department": department_name(catalog, n.department, lang), "relevance": n.relevance}
        for n in _live(notes) if n.exhibit_id in catalog.exhibits
    ]
    return _summary(rows, ["department"], lang)


def relevance_cells(catalog: Catalog, notes: Iterable[Note], lang: str,
                    by: Sequence[str] = ("department", "category")) -> pd.DataFrame:
    """The notes grouped by any of department, category and exhibit (names in `lang`):
    notes, mean_relevance, mean_text per cell (a heat map with text, or dots by department
    and category). Only cells with notes."""
    known = {"department", "category", "exhibit"}
    if not by or set(by) - known:
        raise ValueError(f"group by some of {sorted(known)}, not {list(by)!r}")
    rows = []
    for n in _live(notes):
        ex = catalog.exhibits.get(n.exhibit_id)
        if ex is None:
            continue
        row = {"department": department_name(catalog, n.department, lang),
               "category": catalog.text(catalog.categories[ex.category].name, lang),
               "exhibit": catalog.text(ex.name, lang), "relevance": n.relevance}
        rows.append({key: row[key] for key in (*by, "relevance")})
    return _summary(rows, list(by), lang)
