"""The trip report for the city council: per department the exhibits a city noted, with
relevance, transferability, notes and follow-ups, and the workshop's project ideas.

`build_report` collects everything once (a plain `TripReport`); `to_markdown`, `to_csv`,
`to_xlsx` and `to_pdf` write it. The reader decides what is in it: unshared notes only for
whoever may read that city's (`NoteStore.list_notes`), so a page can offer the download to
anyone. Texts are in the report's language (the cities of the bundled trip speak German).

Note texts are the navigators' Markdown; the report shows them as plain text (emphasis and
link syntax gone, `markdown.to_plain`). In the Markdown report that text is escaped as well,
so that no renderer turns it into HTML or links; in CSV and Excel, cells that a spreadsheet
would read as a formula get a leading apostrophe.

The PDF also has a map (`RouteMap`, drawn by the tour hand-out's `export.pdf.draw_site_map`):
the route of the city's tour, that is of the exhibition's saved tours the one that visits most
of the exhibits the city noted (the newest on a tie), or, when no saved tour visits any of
them, the noted exhibits themselves, numbered and in their category's colour.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from statistics import mean

from dashboard import geo, i18n, presentation, routing
from dashboard.catalog import Catalog
from dashboard.export.pdf import MapMark, draw_site_map, output_and_close, plan_marks
from dashboard.review import domain
from dashboard.review.markdown import to_plain
from dashboard.roles import Actor
from dashboard.store.captures import CaptureStore
from dashboard.store.notes import FollowUp, FollowUpStatus, Note, NoteStore, Transferability
from dashboard.store.scorecards import ScorecardStore
from dashboard.store.tours import SavedTour
from dashboard.store.workshop import WorkshopStore

FORMATS = ("md", "csv", "xlsx", "pdf")
FONT_DIR = Path(__file__).parent / "fonts"
FONT = "DejaVu"



# Words the report shares with the pages: one entry in dashboard.i18n for both.
_SHARED = {"department": "filter.department"}


def t(key: str, lang: str, **values: object) -> str:
    """A string of the report in `lang` (dashboard.i18n "report.<key>", or the entry the
    report shares with the pages)."""
    return i18n.t(_SHARED.get(key, f"report.{key}"), lang, **values)


# --- the report as data ----------------------------------------------------------------------


@dataclass(frozen=True)
class ExhibitEntry:
    exhibit_id: str
    name: str
    category: str
    notes: tuple[Note, ...]
    follow_ups: tuple[FollowUp, ...]

    @property
    def mean_relevance(self) -> float | None:
        return round(mean(n.relevance for n in self.notes), 1) if self.notes else None

    def transferability(self, lang: str) -> str:
        counts: dict[Transferability, int] = defaultdict(int)
        for note in self.notes:
            counts[note.transferability] += 1
        ordered = sorted(counts, key=lambda k: (-counts[k], k.value))
        return ", ".join(domain.transferability_label(k, lang) for k in ordered)


@dataclass(frozen=True)
class DepartmentSection:
    department_id: str | None  # None: follow-ups of exhibits without a note of the city
    name: str
    exhibits: tuple[ExhibitEntry, ...]


@dataclass(frozen=True)
class IdeaEntry:
    group: str
    title: str
    text: str
    city: str
    author: str
    follow_ups: tuple[FollowUp, ...]


@dataclass(frozen=True)
class SummaryRow:
    department: str
    exhibits: int
    notes: int
    mean_relevance: float | None
    adopt: int
    adapt: int
    not_for_us: int
    open_follow_ups: int


@dataclass(frozen=True)
class RouteMap:
    """What the PDF's map shows: a route ((lat, lon) points, empty for none), the marks and a
    line per mark for the key below it ("1 Skaio", ...), and a caption."""

    caption: str
    route_coords: tuple[tuple[float, float], ...]
    marks: tuple[MapMark, ...]
    key: tuple[str, ...]
    site: geo.SiteGeo = field(repr=False, compare=False)  # the catalogue's, read-only
    tour_id: str | None = None


@dataclass(frozen=True)
class ReportPhoto:
    """A photo of a note (taken on the tour, dashboard.store.captures), as the report shows
    it: its file name in the XLSX and the zip, the caption and who took it."""

    note_id: int
    exhibit: str
    file_name: str
    caption: str
    credit: str
    content: bytes = field(repr=False)


@dataclass(frozen=True)
class ReportScorecard:
    """A transfer scorecard as the report shows it (labels in the report's language)."""

    department: str  # the owner department's name, or "not decided yet"
    exhibit: str
    stage: str
    ratings: tuple[tuple[str, int | None, str], ...]  # (factor, score, why)
    contact: str
    reuse_url: str


@dataclass(frozen=True)
class TripReport:
    lang: str
    city_id: str
    city: str
    delegation: str
    exhibition: str
    date: dt.date
    sections: tuple[DepartmentSection, ...]
    ideas: tuple[IdeaEntry, ...] = field(default_factory=tuple)
    route_map: RouteMap | None = None
    photos: tuple[ReportPhoto, ...] = field(default_factory=tuple)
    scorecards: tuple[ReportScorecard, ...] = field(default_factory=tuple)
    reflection_day: dt.date | None = None
    reflection_due: tuple[FollowUp, ...] = field(default_factory=tuple)

    def scorecards_by_department(self) -> list[tuple[str, list[ReportScorecard]]]:
        grouped: dict[str, list[ReportScorecard]] = {}
        for card in self.scorecards:
            grouped.setdefault(card.department, []).append(card)
        return list(grouped.items())

    def photos_of(self, note_id: int) -> list[ReportPhoto]:
        return [p for p in self.photos if p.note_id == note_id]

    @property
    def title(self) -> str:
        return t("title", self.lang, city=self.city)

    @property
    def subtitle(self) -> str:
        return t("subtitle", self.lang, exhibition=self.exhibition, delegation=self.delegation,
                 date=format_date(self.date, self.lang))

    def summary(self) -> list[SummaryRow]:
        rows = []
        for section in self.sections:
            if section.department_id is None:
                continue
            notes = [n for e in section.exhibits for n in e.notes]
            count = defaultdict(int)
            for note in notes:
                count[note.transferability] += 1
            rows.append(SummaryRow(
                department=section.name,
                exhibits=sum(1 for e in section.exhibits if e.notes),
                notes=len(notes),
                mean_relevance=round(mean(n.relevance for n in notes), 1) if notes else None,
                adopt=count[Transferability.ADOPT],
                adapt=count[Transferability.ADAPT],
                not_for_us=count[Transferability.NOT_FOR_US],
                open_follow_ups=sum(
                    1 for e in section.exhibits for f in e.follow_ups
                    if f.status is not FollowUpStatus.DONE
                ),
            ))
        return rows


def format_date(day: dt.date | None, lang: str) -> str:
    if day is None:
        return ""
    return day.strftime("%d.%m.%Y") if lang == "de" else day.isoformat()


def format_number(value: float | None, lang: str) -> str:
    if value is None:
        return "–"
    text = f"{value:.1f}"
    return text.replace(".", ",") if lang == "de" else text


def build_report(
    catalog: Catalog,
    city_id: str,
    notes: NoteStore,
    workshop: WorkshopStore | None,
    lang: str,
    *,
    reader: Actor,
    today: dt.date | None = None,
    tours: Iterable[SavedTour] = (),
    network: routing.WalkingNetwork | None = None,
    captures: CaptureStore | None = None,
    scorecards: ScorecardStore | None = None,
) -> TripReport:
    """Everything the report says about `city_id`, read as `reader` would see it. `tours`:
    the saved tours (e.g. TourStore.list_tours(exhibition_id=...)) to find the city's tour in
    for the map; `network` spares building the walking network again; `captures` adds the
    notes' photos from the tour (those `reader` may see: another city's only when shared);
    `scorecards` the city's transfer scorecards and its reflection date with what is due.

    KeyError-free: an unknown city raises ValueError with a message."""
    city = catalog.cities.get(city_id)
    if city is None:
        known = ", ".join(sorted(catalog.cities))
        raise ValueError(f"unknown city {city_id[:40]!r}; known: {known}")
    exhibition = catalog.exhibition.id
    own = [n for n in notes.list_notes(reader, exhibition_id=exhibition, city_id=city_id)
           if n.exhibit_id in catalog.exhibits]
    follow_ups = notes.list_follow_ups(city_id=city_id, exhibition_id=exhibition,
                                       reader=reader)
    by_note: dict[int, list[FollowUp]] = defaultdict(list)
    by_exhibit: dict[str, list[FollowUp]] = defaultdict(list)
    for item in follow_ups:
        if item.note_id is not None:
            by_note[item.note_id].append(item)
        elif item.exhibit_id is not None:
            by_exhibit[item.exhibit_id].append(item)

    def entry(exhibit_id: str, chosen: list[Note], extra: list[FollowUp]) -> ExhibitEntry:
        ex = catalog.exhibits[exhibit_id]
        items = [f for n in chosen for f in by_note.get(n.id, [])] + extra
        return ExhibitEntry(
            exhibit_id=exhibit_id,
            name=catalog.text(ex.name, lang),
            category=catalog.text(catalog.categories[ex.category].name, lang),
            notes=tuple(chosen),
            follow_ups=tuple(items),
        )

    sections = []
    noted_exhibits: set[str] = set()
    departments = list(city.departments) + sorted(
        {n.department for n in own} - set(city.departments)
    )
    for dep in departments:
        grouped: dict[str, list[Note]] = defaultdict(list)
        for note in own:
            if note.department == dep:
                grouped[note.exhibit_id].append(note)
        # A follow-up of the exhibit itself (not of a note) is listed once: under the first
        # department that noted the exhibit, not again under every other one.
        exhibits = [entry(e, ns, [] if e in noted_exhibits else by_exhibit.get(e, []))
                    for e, ns in grouped.items()]
        noted_exhibits.update(grouped)
        exhibits.sort(key=lambda e: (-(e.mean_relevance or 0), e.name))
        sections.append(DepartmentSection(dep, domain.department_name(catalog, dep, lang),
                                          tuple(exhibits)))
    loose = [entry(e, [], items) for e, items in by_exhibit.items()
             if e not in noted_exhibits and e in catalog.exhibits]
    if loose:
        sections.append(DepartmentSection(None, t("no_department", lang), tuple(loose)))

    ideas: list[IdeaEntry] = []
    if workshop is not None:
        groups = {g.id: g for g in workshop.list_groups(exhibition_id=exhibition)}
        by_idea: dict[int, list[FollowUp]] = defaultdict(list)
        for item in follow_ups:
            if item.idea_id is not None:
                by_idea[item.idea_id].append(item)
        for idea in workshop.list_ideas(exhibition_id=exhibition):
            group = groups.get(idea.group_id)
            ideas.append(IdeaEntry(
                group=group.title if group else "",
                title=idea.title, text=idea.text,
                city=domain.city_name(catalog, idea.city_id, lang), author=idea.author,
                follow_ups=tuple(by_idea.get(idea.id, [])),
            ))
    return TripReport(
        lang=lang, city_id=city_id, city=catalog.text(city.name, lang),
        delegation=catalog.text(city.delegation, lang),
        exhibition=catalog.text(catalog.exhibition.name, lang),
        date=today or dt.date.today(), sections=tuple(sections), ideas=tuple(ideas),
        route_map=route_map(catalog, own, tours, lang, network),
        photos=tuple(report_photos(catalog, captures, reader, own, lang))
        if captures is not None else (),
        **(transfer_part(catalog, scorecards, reader, city_id, follow_ups, lang)
           if scorecards is not None else {}),
    )


def transfer_part(catalog: Catalog, scorecards: ScorecardStore, reader: Actor, city_id: str,
                  follow_ups: Iterable[FollowUp], lang: str) -> dict[str, object]:
    """The report's scorecards (by owner department, the city's order) and reflection."""
    from dashboard.review import transfer

    order = {d: i for i, d in enumerate(catalog.cities[city_id].departments)}
    cards = sorted(scorecards.scorecards(reader, city_id=city_id),
                   key=lambda c: (order.get(c.owner_department or "", len(order)),
                                  c.exhibit_id))
    shown = []
    for card in cards:
        ex = catalog.exhibits.get(card.exhibit_id)
        shown.append(ReportScorecard(
            department=domain.department_name(catalog, card.owner_department, lang)
            if card.owner_department else i18n.t("transfer.no_owner", lang),
            exhibit=catalog.text(ex.name, lang) if ex else card.exhibit_id,
            stage=transfer.stage_label(card.stage, lang),
            ratings=tuple((transfer.factor_label(f, lang), r.score, r.why)
                          for f, r in card.factors.items()),
            contact=card.contact, reuse_url=card.reuse_url))
    day = scorecards.reflection(city_id).day
    return {"scorecards": tuple(shown), "reflection_day": day,
            "reflection_due": tuple(transfer.due_for_reflection(follow_ups, day))}


def report_photos(catalog: Catalog, captures: CaptureStore, reader: Actor,
                  notes: Iterable[Note], lang: str) -> list[ReportPhoto]:
    """The photos of `notes` that `reader` may see, oldest first per note."""
    chosen = list(notes)
    by_note = captures.note_photos(reader, [n.id for n in chosen])
    found = []
    for note in chosen:
        for capture in by_note.get(note.id, ()):
            ex = catalog.exhibits.get(note.exhibit_id)
            found.append(ReportPhoto(
                note_id=note.id, exhibit=catalog.text(ex.name, lang) if ex else note.exhibit_id,
                file_name=capture.photo_name or f"{capture.id}.jpg", caption=capture.caption,
                credit=i18n.t("review.photo_credit", lang, name=capture.author,
                              date=format_date(capture.created_at.date(), lang)),
                content=captures.photo(reader, capture.id)))
    return found


def city_tour(catalog: Catalog, tours: Iterable[SavedTour], noted: Iterable[str]
              ) -> SavedTour | None:
    """The city's tour: of the exhibition's saved tours (and those saved without one) the one
    whose stops include most of the `noted` exhibits, the newest on a tie; None when no tour
    visits any of them."""
    wanted = set(noted)
    best, best_key = None, None
    for tour in tours:
        if tour.exhibition_id not in (None, catalog.exhibition.id):
            continue
        shared = len(wanted & set(tour.spec.get("stops", [])))
        key = (shared, tour.updated_at)
        if shared and (best_key is None or key > best_key):
            best, best_key = tour, key
    return best


def route_map(catalog: Catalog, notes: Iterable[Note], tours: Iterable[SavedTour], lang: str,
              network: routing.WalkingNetwork | None = None) -> RouteMap | None:
    """The map of the report (see the module docstring); None when the city noted nothing
    and no tour applies."""
    noted = list(dict.fromkeys(n.exhibit_id for n in notes if n.exhibit_id in catalog.exhibits))
    tour = city_tour(catalog, tours, noted)
    if tour is not None:
        request = routing.TourRequest.from_dict({**tour.spec, "title": tour.title})
        try:
            plan = routing.plan_tour(catalog, request, network)
        except routing.TourError:
            plan = None  # a tour that cannot be planned any more: the noted exhibits instead
        if plan is not None and plan.stops:
            key = [presentation.stop_label(plan, catalog, v, lang) for v in plan.visits]
            if plan.visits[-1].place.id == plan.visits[0].place.id and len(key) > 1:
                key = key[:-1]  # a round trip: the start is the end
            return RouteMap(
                caption=t("map_tour", lang, title=tour.title, stops=len(plan.stops),
                          km=presentation.km(plan.distance_m, lang)),
                route_coords=tuple(tuple(c) for c in plan.route_coords()),
                marks=tuple(plan_marks(plan, lang)), key=tuple(key), site=catalog.site,
                tour_id=tour.id,
            )
    if not noted:
        return None
    marks, key = [], []
    for number, exhibit_id in enumerate(noted, start=1):
        ex = catalog.exhibits[exhibit_id]
        colour = catalog.categories[ex.category].color
        marks.append(MapMark(ex.location.lon, ex.location.lat, str(number), colour,
                             ink=presentation.ink_on(colour)))
        key.append(f"{number} · {catalog.text(ex.name, lang)}")
    return RouteMap(caption=t("map_noted", lang, n=len(noted)), route_coords=(),
                    marks=tuple(reversed(marks)), key=tuple(key), site=catalog.site)


def _follow_up_line(item: FollowUp, lang: str, today: dt.date) -> str:
    parts = [item.action, item.owner]
    if item.due:
        parts.append(f"{t('due', lang)} {format_date(item.due, lang)}")
    parts.append(domain.status_label(item.status, lang))
    late = overdue(item, lang, today)
    if late:
        parts.append(f"⚠ {late}")
    return " · ".join(parts)


def _status(item: FollowUp, lang: str, today: dt.date) -> str:
    late = overdue(item, lang, today)
    return domain.status_label(item.status, lang) + (f" · {late}" if late else "")


def overdue(item: FollowUp, lang: str, today: dt.date) -> str:
    """'overdue since 01.05.2026' for an open follow-up past its due date, else ''."""
    if item.overdue(today) and item.due is not None:
        return t("overdue", lang, date=format_date(item.due, lang)).upper()
    return ""


# --- Markdown --------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~$])")


def md_text(text: str) -> str:
    """User text as Markdown that shows as written: no HTML, links, emphasis or math."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", escaped)


def _md_block(text: str, prefix: str) -> list[str]:
    return [prefix + (md_text(line) if line.strip() else "") for line in text.splitlines()]


def to_markdown(report: TripReport) -> str:
    lang = report.lang
    out = [f"# {md_text(report.title)}", "", md_text(report.subtitle), "",
           f"## {t('summary', lang)}", ""]
    head = [t("department", lang), t("exhibits", lang), t("notes", lang),
            t("mean_relevance", lang), domain.label("adopt", lang), domain.label("adapt", lang),
            domain.label("not_for_us", lang), t("open_follow_ups", lang)]
    out += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in report.summary():
        cells = [md_text(row.department), str(row.exhibits), str(row.notes),
                 format_number(row.mean_relevance, lang), str(row.adopt), str(row.adapt),
                 str(row.not_for_us), str(row.open_follow_ups)]
        out.append("| " + " | ".join(cells) + " |")
    for section in report.sections:
        out += ["", f"## {md_text(section.name)}", ""]
        if not section.exhibits:
            out.append(t("no_notes", lang))
        for ex in section.exhibits:
            out += [f"### {md_text(ex.name)}", ""]
            if ex.notes:
                out += [
                    f"{t('mean_relevance', lang)}: {format_number(ex.mean_relevance, lang)} · "
                    f"{t('transferability', lang)}: {ex.transferability(lang)}", ""]
            for note in ex.notes:
                out.append(
                    f"- **{md_text(note.author)}** ({t('relevance', lang)} {note.relevance}, "
                    f"{domain.transferability_label(note.transferability, lang)})"
                    + (f" · {md_text(', '.join(note.tags))}" if note.tags else "")
                )
                out += _md_block(to_plain(note.text), "  > ")
                out += [f"  - {t('photos', lang)}: {md_text(p.file_name)} – "
                        f"{md_text(p.caption)} ({md_text(p.credit)})"
                        for p in report.photos_of(note.id)]
            if ex.follow_ups:
                out += ["", f"**{t('follow_ups', lang)}**", ""]
                out += [f"- {md_text(_follow_up_line(f, lang, report.date))}"
                        for f in ex.follow_ups]
            out.append("")
    for department, cards in report.scorecards_by_department():
        out += ["", f"## {t('scorecards', lang)}: {md_text(department)}", ""]
        for card in cards:
            out.append(f"- **{md_text(card.exhibit)}** ({md_text(card.stage)})")
            out += [f"  - {md_text(name)}: {score or '–'}" + (f" – {md_text(why)}" if why
                                                               else "")
                    for name, score, why in card.ratings]
            out += [f"  - {md_text(v)}" for v in (card.contact, card.reuse_url) if v]
    if report.reflection_day is not None:
        out += ["", f"## {t('reflection', lang, date=format_date(report.reflection_day, lang))}",
                ""]
        out += [f"- {md_text(_follow_up_line(f, lang, report.date))}"
                for f in report.reflection_due] or [t("reflection_none", lang)]
    if report.ideas:
        out += ["", f"## {t('ideas', lang)}", ""]
        for idea in report.ideas:
            out.append(f"- **{md_text(idea.title)}** ({md_text(idea.group)}; "
                       f"{md_text(idea.city)}, {md_text(idea.author)})")
            out += _md_block(to_plain(idea.text), "  > ")
            out += [f"  - {md_text(_follow_up_line(f, lang, report.date))}"
                    for f in idea.follow_ups]
    return "\n".join(out).rstrip() + "\n"


# --- CSV and Excel ---------------------------------------------------------------------------


def _rows(report: TripReport) -> tuple[list[str], list[list[object]]]:
    """One table for CSV: a row per note, per follow-up and per project idea."""
    lang = report.lang
    head = [t(k, lang) for k in ("section", "department", "exhibit", "relevance",
                                  "transferability", "author", "text", "tags", "owner", "due",
                                  "status")]
    rows: list[list[object]] = []
    for section in report.sections:
        for ex in section.exhibits:
            for note in ex.notes:
                rows.append([t("note", lang), section.name, ex.name, note.relevance,
                             domain.transferability_label(note.transferability, lang),
                             note.author, to_plain(note.text), ", ".join(note.tags), "", "",
                             ""])
            for item in ex.follow_ups:
                rows.append([t("follow_up", lang), section.name, ex.name, "", "", "",
                             item.action, "", item.owner, format_date(item.due, lang),
                             _status(item, lang, report.date)])
    for idea in report.ideas:
        rows.append([t("idea", lang), idea.group, "", "", "", idea.author,
                     f"{idea.title}: {to_plain(idea.text)}" if idea.text else idea.title,
                     idea.city,
                     "", "", ""])
        for item in idea.follow_ups:
            rows.append([t("follow_up", lang), idea.group, "", "", "", "", item.action, "",
                         item.owner, format_date(item.due, lang),
                         _status(item, lang, report.date)])
    return head, rows


def spreadsheet_safe(value: object) -> object:
    """A text a spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a
    leading apostrophe (OWASP, CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_csv(report: TripReport) -> str:
    head, rows = _rows(report)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(head)
    writer.writerows([[spreadsheet_safe(v) for v in row] for row in rows])
    return buffer.getvalue()


def to_xlsx(report: TripReport) -> bytes:
    """A workbook with a summary sheet and a sheet of notes, follow-ups and ideas."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    lang = report.lang
    book = Workbook()
    summary = book.active
    summary.title = t("summary", lang)[:31]
    summary.append([report.title])
    summary["A1"].font = Font(bold=True, size=14)
    summary.append([report.subtitle])
    summary.append([])
    summary.append([t("department", lang), t("exhibits", lang), t("notes", lang),
                    t("mean_relevance", lang), domain.label("adopt", lang),
                    domain.label("adapt", lang), domain.label("not_for_us", lang),
                    t("open_follow_ups", lang)])
    for cell in summary[4]:
        cell.font = Font(bold=True)
    for row in report.summary():
        summary.append([spreadsheet_safe(row.department), row.exhibits, row.notes,
                        row.mean_relevance, row.adopt, row.adapt, row.not_for_us,
                        row.open_follow_ups])
    summary.column_dimensions["A"].width = 28

    details = book.create_sheet(t("notes", lang)[:31])
    head, rows = _rows(report)
    details.append(head)
    for cell in details[1]:
        cell.font = Font(bold=True)
    for row in rows:
        details.append([spreadsheet_safe(_xlsx_clean(v)) for v in row])
    for column, width in zip("ABCDEFGHIJK", (14, 24, 28, 9, 15, 18, 70, 20, 18, 11, 11),
                             strict=True):
        details.column_dimensions[column].width = width
    for cells in details.iter_rows(min_row=2, min_col=7, max_col=7):
        for cell in cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    details.freeze_panes = "A2"
    if report.scorecards:
        cards = book.create_sheet(t("scorecards", lang)[:31])
        factors = [name for name, _, _ in report.scorecards[0].ratings]
        cards.append([t("department", lang), t("exhibit", lang), t("stage", lang)]
                     + [h for name in factors for h in (name, t("why", lang))]
                     + [t("contact", lang), t("reuse_url", lang)])
        for cell in cards[1]:
            cell.font = Font(bold=True)
        for card in report.scorecards:
            cards.append([spreadsheet_safe(_xlsx_clean(v)) for v in
                          [card.department, card.exhibit, card.stage]
                          + [v for _, score, why in card.ratings for v in (score, why)]
                          + [card.contact, card.reuse_url]])
    if report.reflection_day is not None:
        summary.append([])
        summary.append([t("reflection", lang, date=format_date(report.reflection_day, lang))])
        for item in report.reflection_due:
            summary.append([spreadsheet_safe(_xlsx_clean(
                _follow_up_line(item, lang, report.date)))])
    if report.photos:
        sheet = book.create_sheet(t("photos", lang)[:31])
        sheet.append([t("exhibit", lang), t("photo_file", lang), t("caption", lang),
                      t("credit", lang)])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for photo in report.photos:
            sheet.append([spreadsheet_safe(_xlsx_clean(v)) for v in
                          (photo.exhibit, photo.file_name, photo.caption, photo.credit)])
        for column, width in zip("ABCD", (28, 24, 50, 30), strict=True):
            sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


_ILLEGAL_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xlsx_clean(value: object) -> object:
    """openpyxl refuses control characters in cells."""
    return _ILLEGAL_XLSX.sub(" ", value) if isinstance(value, str) else value


# --- PDF -------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _fonts() -> tuple[Path, Path]:
    regular, bold = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
    for path in (regular, bold):
        if not path.is_file():
            raise FileNotFoundError(f"PDF font missing: {path}")
    return regular, bold


@lru_cache(maxsize=1)
def _pdf_class() -> type:
    """FPDF with a footer (title left, page x of y right); fpdf2 is imported when needed."""
    from fpdf import FPDF

    class ReportPDF(FPDF):
        footer_left = ""
        footer_right = ""

        def footer(self) -> None:
            self.set_y(-12)
            self.set_font(FONT, "", 7.5)
            self.set_text_color(110)
            self.cell(self.epw * 0.7, 5, self.footer_left[:90])
            self.cell(0, 5, self.footer_right.replace("{page}", str(self.page_no())), align="R")

    return ReportPDF


def to_pdf(report: TripReport) -> bytes:
    """An A4 report: title, summary table, the map (the city's tour or its noted exhibits),
    then per department the exhibits with their notes and follow-ups, then the workshop's
    project ideas."""
    from fpdf.fonts import FontFace

    lang = report.lang
    pdf = _pdf_class()(orientation="P", unit="mm", format="A4")
    regular, bold = _fonts()
    pdf.add_font(FONT, "", str(regular))
    pdf.add_font(FONT, "B", str(bold))
    glyphs = set(pdf.fonts[FONT.lower()].cmap) & set(pdf.fonts[FONT.lower() + "B"].cmap)

    def clean(text: object, one_line: bool = False) -> str:
        out = []
        for char in unicodedata.normalize("NFC", str(text)):
            if char == "\n" and not one_line:
                out.append(char)
            elif char in "\t\n\r\v\f" or unicodedata.category(char) == "Cc":
                out.append(" ")
            elif ord(char) in glyphs:
                out.append(char)
        return "".join(out).strip()

    pdf.footer_left = clean(report.title, True)
    pdf.footer_right = t("page", lang, page="{page}", pages="{nb}")
    pdf.set_title(pdf.footer_left)
    pdf.set_author("Lernreise")
    pdf.set_lang(lang)
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(True, margin=18)
    pdf.alias_nb_pages()
    pdf.add_page()
    width = pdf.epw

    def write(text: str, size: float = 9.5, bold: bool = False, gap: float = 1.0,
              indent: float = 0.0, color: int = 20) -> None:
        pdf.set_font(FONT, "B" if bold else "", size)
        pdf.set_text_color(color)
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(width - indent, size * 0.5, clean(text), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    write(report.title, 17, True, 1)
    write(report.subtitle, 9.5, color=90, gap=5)
    write(t("summary", lang), 12.5, True, 2)
    pdf.set_font(FONT, "", 7.5)
    pdf.set_text_color(20)
    head = [t("department", lang), t("exhibits", lang), t("notes", lang),
            t("mean_relevance", lang), domain.label("adopt", lang),
            domain.label("adapt", lang), domain.label("not_for_us", lang),
            t("open_follow_ups_head", lang)]
    with pdf.table(col_widths=(40, 17, 16, 19, 21, 18, 21, 22), width=width,
                   text_align="LEFT", headings_style=FontFace(emphasis="BOLD"),
                   line_height=4.2) as table:
        heading = table.row()
        for text in head:
            heading.cell(clean(text, True))
        for row in report.summary():
            cells = table.row()
            for value in (row.department, row.exhibits, row.notes,
                          format_number(row.mean_relevance, lang), row.adopt, row.adapt,
                          row.not_for_us, row.open_follow_ups):
                cells.cell(clean(value, True))
    pdf.ln(4)
    if report.route_map is not None:
        _pdf_map(pdf, report.route_map, lang, clean)
    for section in report.sections:
        write(section.name, 12.5, True, 1.5)
        if not section.exhibits:
            write(t("no_notes", lang), color=90, gap=3)
        for ex in section.exhibits:
            write(ex.name, 10.5, True, 0.5)
            if ex.notes:
                write(f"{ex.category} · {t('mean_relevance', lang)} "
                      f"{format_number(ex.mean_relevance, lang)} · "
                      f"{t('transferability', lang)}: {ex.transferability(lang)}",
                      8.5, color=90, gap=1)
            for note in ex.notes:
                write(f"{note.author} – {t('relevance', lang)} {note.relevance}, "
                      f"{domain.transferability_label(note.transferability, lang)}"
                      + (f" · {', '.join(note.tags)}" if note.tags else ""),
                      8.5, True, 0.3, indent=4)
                write(to_plain(note.text), 9, gap=1.5, indent=4)
                for photo in report.photos_of(note.id):
                    _pdf_photo(pdf, photo, write)
            if ex.follow_ups:
                write(t("follow_ups", lang), 8.5, True, 0.3, indent=4)
                for item in ex.follow_ups:
                    write("• " + _follow_up_line(item, lang, report.date), 9, gap=0.5, indent=6)
            pdf.ln(2)
        pdf.ln(2)
    _pdf_transfer(pdf, report, write, clean)
    if report.ideas:
        write(t("ideas", lang), 12.5, True, 1.5)
        for idea in report.ideas:
            write(f"{idea.title} ({idea.group}; {idea.city}, {idea.author})", 9.5, True, 0.3)
            if idea.text:
                write(to_plain(idea.text), 9, gap=0.5, indent=4)
            for item in idea.follow_ups:
                write("• " + _follow_up_line(item, lang, report.date), 9, gap=0.5, indent=6)
            pdf.ln(1.5)
    return output_and_close(pdf)


def _pdf_transfer(pdf, report: TripReport, write, clean) -> None:
    """The scorecards as a table per owner department, the reasons below each table; then
    the reflection meeting with the follow-ups due for it."""
    from fpdf.fonts import FontFace

    lang = report.lang
    for department, cards in report.scorecards_by_department():
        write(f"{t('scorecards', lang)}: {department}", 12.5, True, 1.5)
        pdf.set_font(FONT, "", 7.5)
        pdf.set_text_color(20)
        names = [name for name, _, _ in cards[0].ratings]
        with pdf.table(col_widths=(38, 26, *(14,) * len(names), 36), width=pdf.epw,
                       text_align="LEFT", headings_style=FontFace(emphasis="BOLD"),
                       line_height=4.0) as table:
            heading = table.row()
            for text in (t("exhibit", lang), t("stage", lang), *names, t("contact", lang)):
                heading.cell(clean(text, True))
            for card in cards:
                row = table.row()
                for value in (card.exhibit, card.stage,
                              *(str(score) if score else "–" for _, score, _ in card.ratings),
                              card.contact):
                    row.cell(clean(value, True))
        pdf.ln(1.5)
        for card in cards:
            whys = [f"{name} {score or '–'}: {why}" for name, score, why in card.ratings if why]
            if card.reuse_url:
                whys.append(f"{t('reuse_url', lang)}: {card.reuse_url}")
            if whys:
                write(f"{card.exhibit} – " + "; ".join(whys), 8, gap=0.8, color=60)
        pdf.ln(2)
    if report.reflection_day is not None:
        write(t("reflection", lang, date=format_date(report.reflection_day, lang)), 12.5, True,
              1.5)
        if not report.reflection_due:
            write(t("reflection_none", lang), color=90, gap=2)
        for item in report.reflection_due:
            write("• " + _follow_up_line(item, lang, report.date), 9, gap=0.5, indent=2)
        pdf.ln(2)


PHOTO_W = 80.0  # mm: a photo beside the notes' column, readable in print
PHOTO_MAX_H = 70.0


def _pdf_photo(pdf, photo: ReportPhoto, write) -> None:
    """A note's photo at 80 mm wide (at most 70 mm tall), its caption and credit below."""
    from PIL import Image

    with Image.open(io.BytesIO(photo.content)) as img:
        width_px, height_px = img.size
    width = PHOTO_W
    height = width * height_px / max(width_px, 1)
    if height > PHOTO_MAX_H:
        width, height = width * PHOTO_MAX_H / height, PHOTO_MAX_H
    if pdf.get_y() + height + 10 > pdf.h - pdf.b_margin:
        pdf.add_page()
    top = pdf.get_y()
    pdf.image(io.BytesIO(photo.content), x=pdf.l_margin + 4, y=top, w=width, h=height,
              alt_text=photo.caption or photo.file_name)
    pdf.set_y(top + height + 1)
    write(f"{photo.caption} · {photo.credit}" if photo.caption else photo.credit, 8,
          gap=2, indent=4, color=90)


MAP_MAX_H = 120.0  # mm: the site is tall and narrow; a taller map would crowd out the notes
MAP_MIN_H = 70.0  # less room left on the page: the map starts a new page


def _pdf_map(pdf, route: RouteMap, lang: str, clean) -> None:
    """The map with its heading, caption and key (the marks' labels and names)."""
    room = pdf.h - pdf.b_margin - pdf.get_y() - 22
    if room < MAP_MIN_H:
        pdf.add_page()
        room = pdf.h - pdf.b_margin - pdf.get_y() - 22
    pdf.set_font(FONT, "B", 12.5)
    pdf.set_text_color(20)
    pdf.multi_cell(pdf.epw, 6.25, clean(t("map", lang)), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1.5)
    top = pdf.get_y()
    _width, height = draw_site_map(pdf, route.site, pdf.l_margin, top, pdf.epw,
                                   min(MAP_MAX_H, room), route_coords=route.route_coords,
                                   marks=route.marks)
    pdf.set_y(top + height + 2)
    pdf.set_font(FONT, "", 8.5)
    pdf.set_text_color(90)
    pdf.multi_cell(pdf.epw, 4.25, clean(route.caption, True), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 8)
    pdf.set_text_color(20)
    pdf.multi_cell(pdf.epw, 4, clean("   ".join(route.key), True), new_x="LMARGIN",
                   new_y="NEXT")
    pdf.ln(4)


def photos_zip(report: TripReport) -> bytes:
    """The report's photos in a zip, under the file names the XLSX lists."""
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:  # JPEGs: no gain
        for photo in report.photos:
            archive.writestr(photo.file_name, photo.content)
    return buffer.getvalue()


def render(report: TripReport, fmt: str) -> str | bytes:
    """The report in one of FORMATS (text for md and csv, bytes for xlsx and pdf)."""
    writers = {"md": to_markdown, "csv": to_csv, "xlsx": to_xlsx, "pdf": to_pdf}
    if fmt not in writers:
        raise ValueError(f"unknown report format {fmt!r}; one of {', '.join(FORMATS)}")
    return writers[fmt](report)
