"""The printable A4 hand-out: header, route map, totals, QR code and the timed stop list.

The map is drawn from the site's own geometry: it prints without tiles or internet, like the
app's offline base map, and uses the same colours (dashboard.presentation)."""

from __future__ import annotations

import io
import math
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos
from shapely.geometry import LineString, Point
from shapely.geometry.base import BaseGeometry

from dashboard import geo, validate
from dashboard.catalog import Catalog
from dashboard.export._common import (
    APP_NAME,
    FONT,
    FONT_DIR,
    _hhmm,
    _km,
    _label,
    _long_date,
    _marker,
    _minutes,
    _name,
    _tour_day,
    schedule_rows,
    tour_title,
)
from dashboard.export.qr import qr_png
from dashboard.presentation import (
    BUILDING_FILL,
    BUILDING_LINE,
    ENDPOINT,
    GROUND,
    HEADER_FILL,
    INK,
    MUTED,
    PATH_EDGE,
    PATH_LINE,
    ROUTE,
    RULE,
    SITE_FILL,
    WATER_FILL,
    WATER_LINE,
    ZEBRA,
)
from dashboard.presentation import STAIRS_LINE as STAIRS_EDGE
from dashboard.routing import TourPlan

SITE_LINE = "#b5c49a"  # a lighter site edge on paper than on screen

PAGE_W, PAGE_H = 210.0, 297.0
MARGIN = 15.0
CONTENT_W = PAGE_W - 2 * MARGIN
BOTTOM = PAGE_H - 18.0  # content stops here; the footer lives below
MAP_W, MAP_H, MAP_MIN_H = 112.0, 150.0, 105.0
SIDE_GAP = 8.0  # between the map and the column of totals
TABLE_GAP = 8.0  # between the map and the schedule
TABLE_HEAD_H = 9.0 + 6.5  # "Schedule" heading + column header
# Table columns: marker, time, name + summary, visit, walk (sum = CONTENT_W).
COLS = (11.0, 27.0, 101.0, 19.0, 22.0)
PHOTO_W, PHOTO_H = 24.0, 16.0  # an exhibit's photo at the right of its name column


@lru_cache(maxsize=1)
def _font_files() -> tuple[Path, Path]:
    regular, bold = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
    for path in (regular, bold):
        if not path.is_file():
            raise FileNotFoundError(f"PDF font missing: {path}")
    return regular, bold


class _Handout(FPDF):
    """A4 portrait with page footers; text is filtered to the glyphs DejaVu has."""

    def __init__(self, footer_left: str, lang: str):
        super().__init__(orientation="P", unit="mm", format="A4")
        regular, bold = _font_files()
        self.add_font(FONT, "", regular)
        self.add_font(FONT, "B", bold)
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(False)  # rows are placed by hand, never split mid-row
        self.c_margin = 1.0
        self._lang = lang
        both = set(self.fonts[FONT.lower()].cmap) & set(self.fonts[FONT.lower() + "B"].cmap)
        self._glyphs = frozenset(both)
        self._footer_left = self.clean(footer_left)

    def clean(self, text: str) -> str:
        """Text that prints as written: control characters become spaces, characters DejaVu
        has no glyph for (emoji, category icons) are dropped instead of printing as boxes."""
        out = []
        for char in unicodedata.normalize("NFC", text):
            if char in "\t\n\r\v\f" or unicodedata.category(char) == "Cc":
                out.append(" ")
            elif ord(char) in self._glyphs:
                out.append(char)
        return re.sub(r"\s+", " ", "".join(out)).strip()

    def font(self, size: float, bold: bool = False, color: str = INK) -> None:
        _set_font(self, size, bold, color)

    def fit(self, text: str, width: float) -> str:
        """text shortened with an ellipsis so that it fits width on one line."""
        text = self.clean(text)
        room = width - 2 * self.c_margin
        if self.get_string_width(text) <= room:
            return text
        while text and self.get_string_width(text + "…") > room:
            text = text[:-1]
        return text.rstrip(" ,;:–-") + "…"

    def lines(self, text: str, width: float) -> list[str]:
        """text wrapped to width (words, or characters for a word longer than a line)."""
        text = self.clean(text)
        if not text:
            return []
        return self.multi_cell(width, 4, text, dry_run=True, output=MethodReturnValue.LINES)

    def finish(self) -> bytes:
        """Footers go on last, when the page count is known ("Page 2 of 3" needs the total,
        and fpdf's {nb} alias leaves a gap once the number is shorter than its placeholder)."""
        total = self.pages_count
        for number in range(1, total + 1):
            self.page = number
            self._footer(number, total)
        return output_and_close(self)

    def _footer(self, number: int, total: int) -> None:
        self.set_draw_color(RULE)
        self.set_line_width(0.2)
        self.line(MARGIN, PAGE_H - 13, PAGE_W - MARGIN, PAGE_H - 13)
        self.set_xy(MARGIN, PAGE_H - 12)
        self.font(7.5, color=MUTED)
        page = _label(self._lang, "page", page=number, pages=total)
        page_w = self.get_string_width(page) + 2 * self.c_margin + 1
        self.cell(CONTENT_W - page_w, 5, self.fit(self._footer_left, CONTENT_W - page_w - 4))
        self.cell(page_w, 5, page, align="R")


def _set_font(pdf: FPDF, size: float, bold: bool = False, color: str = INK) -> None:
    """DejaVu (registered under FONT by the hand-out and the report) in a size and colour."""
    pdf.set_font(FONT, "B" if bold else "", size)
    pdf.set_text_color(color)


def output_and_close(pdf: FPDF) -> bytes:
    """The finished document. fpdf2 opens the font files lazily (fontTools) and leaves them
    open until garbage collection: close them here (a ResourceWarning otherwise, an error
    under pytest's filterwarnings)."""
    try:
        return bytes(pdf.output())
    finally:
        for face in pdf.fonts.values():
            if hasattr(face, "close"):
                face.close()


def to_pdf(plan: TourPlan, catalog: Catalog, lang: str, share_url: str | None = None) -> bytes:
    """A printable A4 hand-out: title, totals, a map of the route, the timed list of stops and,
    with share_url, a QR code that opens the tour on a phone. Works offline."""
    title = tour_title(plan, catalog, lang)
    exhibition = catalog.text(catalog.exhibition.name, lang)
    pdf = _Handout(f"{APP_NAME} · {title}", lang)
    pdf.set_title(title)
    pdf.set_subject(exhibition)
    pdf.set_author(APP_NAME)
    pdf.set_creator(APP_NAME)
    pdf.set_lang(lang)
    pdf.add_page()

    rows = [{**row, **_photo(catalog, row["id"])} for row in schedule_rows(plan, catalog, lang)]
    top = _draw_header(pdf, plan, catalog, lang, title, exhibition)
    marks = plan_marks(plan, lang)
    shapes = _map_shapes(catalog.site, plan.route_coords(), marks)
    frame = _frame(shapes.bounds, MARGIN, top, MAP_W, MAP_H)

    def body_bottom(frame: _Frame) -> float:
        side = _side_height(pdf, plan, lang, _side_width(frame), share_url)
        return max(frame.y + frame.h, top + side)

    # A short tour whose table just misses page 1 gets a smaller map instead of a second page
    # with a row or two on it; long tours keep the full-size map.
    table_bottom = BOTTOM - TABLE_GAP - TABLE_HEAD_H - sum(_row_height(pdf, r) for r in rows)
    if body_bottom(frame) > table_bottom and table_bottom - top >= MAP_MIN_H:
        smaller = _frame(shapes.bounds, MARGIN, top, MAP_W, table_bottom - top)
        if body_bottom(smaller) <= table_bottom:
            frame = smaller
    _draw_map(pdf, shapes, frame, marks)
    side_bottom = _draw_side(pdf, plan, lang, frame.x + frame.w + SIDE_GAP, top, share_url)
    _draw_table(pdf, rows, lang, max(frame.y + frame.h, side_bottom) + TABLE_GAP)
    return pdf.finish()


def _draw_header(pdf: _Handout, plan: TourPlan, catalog: Catalog, lang: str, title: str,
                 exhibition: str) -> float:
    """Kicker, title and date line; returns where the body starts."""
    kicker = exhibition if plan.request.title.strip() else _label(lang, "tour")
    pdf.set_xy(MARGIN, MARGIN)
    pdf.font(8.5, bold=True, color=ROUTE)
    pdf.cell(CONTENT_W, 5, pdf.fit(kicker.upper(), CONTENT_W),
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.font(19, bold=True)
    pdf.multi_cell(CONTENT_W, 8.5, pdf.clean(title), align="L",
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    first = plan.visits[0]
    line = " · ".join([
        _long_date(_tour_day(plan), lang),
        _label(lang, "starts_at", time=_hhmm(first.arrival)),
        _label(lang, "from", place=_name(catalog, first, lang)),
    ])
    pdf.set_y(pdf.get_y() + 1)
    pdf.font(10, color=MUTED)
    pdf.cell(CONTENT_W, 5.5, pdf.fit(line, CONTENT_W), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    y = pdf.get_y() + 3
    pdf.set_draw_color(INK)
    pdf.set_line_width(0.5)
    pdf.line(MARGIN, y, PAGE_W - MARGIN, y)
    return y + 6


STATS_H = 37.0  # the 2 x 2 totals and the clock line
LEGEND_H = 24.5
QR_SIZE = 38.0


def _side_width(frame: _Frame) -> float:
    return PAGE_W - MARGIN - (frame.x + frame.w + SIDE_GAP)


def _side_height(pdf: _Handout, plan: TourPlan, lang: str, side_w: float,
                 share_url: str | None) -> float:
    """The height _draw_side will take (to size the map before anything is drawn)."""
    height = STATS_H + LEGEND_H
    if plan.estimated:
        pdf.font(7.5)
        height += len(pdf.lines(_label(lang, "estimated"), side_w)) * 3.6 + 1
    if share_url:
        pdf.font(8.5, bold=True)
        height += 3 + len(pdf.lines(_label(lang, "scan"), side_w)) * 4 + 1
        height += min(QR_SIZE, side_w) + 0.5
        pdf.font(6.5)
        height += len(pdf.lines(share_url, side_w)) * 3.1
    return height


def _draw_side(pdf: _Handout, plan: TourPlan, lang: str, side_x: float, top: float,
               share_url: str | None) -> float:
    """Totals, legend and QR code in the column right of the map; returns its bottom."""
    side_w = PAGE_W - MARGIN - side_x
    first, last = plan.visits[0], plan.visits[-1]
    stats = [
        (_km(plan.distance_m, lang), _label(lang, "distance")),
        (_minutes(plan.walking_minutes, lang), _label(lang, "walking")),
        (_minutes(plan.total_minutes, lang), _label(lang, "duration")),
        (str(len(plan.stops)), _label(lang, "stops")),
    ]
    cell_w = side_w / 2
    for k, (value, label) in enumerate(stats):
        x = side_x + (k % 2) * cell_w
        y = top + (k // 2) * 15
        pdf.set_xy(x, y)
        size = 13.0
        pdf.font(size, bold=True)
        while size > 8 and pdf.get_string_width(value) > cell_w - 3:
            size -= 0.5
            pdf.font(size, bold=True)
        pdf.cell(cell_w, 7, pdf.fit(value, cell_w))
        pdf.set_xy(x, y + 6.5)
        pdf.font(7.5, color=MUTED)
        pdf.cell(cell_w, 4, pdf.fit(label, cell_w))
    y = top + STATS_H - 6
    pdf.set_xy(side_x, y)
    pdf.font(9.5, bold=True)
    pdf.cell(side_w, 5, pdf.fit(_label(lang, "clock", start=_hhmm(first.arrival),
                                           end=_hhmm(last.departure)), side_w))
    y += 6
    if plan.estimated:
        pdf.set_xy(side_x, y)
        pdf.font(7.5, color=ROUTE)
        pdf.multi_cell(side_w, 3.6, pdf.clean(_label(lang, "estimated")), align="L",
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        y = pdf.get_y() + 1

    legend_top = y
    y += 3
    pdf.set_draw_color(RULE)
    pdf.set_line_width(0.2)
    pdf.line(side_x, y, side_x + side_w, y)
    y += 3.5
    with pdf.local_context(stroke_cap_style="ROUND"):
        pdf.set_draw_color(ROUTE)
        pdf.set_line_width(0.9)
        pdf.line(side_x + 0.5, y + 2, side_x + 6.5, y + 2)
    _legend_text(pdf, side_x, side_w, y, _label(lang, "legend_route"))
    y += 5.5
    _circle_marker(pdf, side_x + 3.5, y + 2, "1", ROUTE, size=2.2)
    _legend_text(pdf, side_x, side_w, y, _label(lang, "legend_stop"))
    y += 5.5
    _circle_marker(pdf, side_x + 3.5, y + 2, _label(lang, "start_mark"), ENDPOINT, size=2.2)
    _legend_text(pdf, side_x, side_w, y, _label(lang, "legend_ends"))
    y = legend_top + LEGEND_H

    if share_url:
        pdf.set_draw_color(RULE)
        pdf.set_line_width(0.2)
        pdf.line(side_x, y, side_x + side_w, y)
        y += 3
        pdf.set_xy(side_x, y)
        pdf.font(8.5, bold=True)
        pdf.multi_cell(side_w, 4, pdf.clean(_label(lang, "scan")), align="L",
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        y = pdf.get_y() + 1
        size = min(QR_SIZE, side_w)
        pdf.image(io.BytesIO(qr_png(share_url, scale=8)), x=side_x - 1.5, y=y, w=size, h=size,
                  alt_text=share_url)
        y += size + 0.5
        pdf.set_xy(side_x, y)
        pdf.font(6.5, color=MUTED)
        # Printed in full (wrapped, never shortened) so that it can be typed in; also a link.
        pdf.multi_cell(side_w, 3.1, pdf.clean(share_url), align="L", link=share_url,
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        y = pdf.get_y()
    return y


def _legend_text(pdf: _Handout, side_x: float, side_w: float, y: float, text: str) -> None:
    pdf.set_xy(side_x + 8.5, y)
    pdf.font(8, color=INK)
    pdf.cell(side_w - 8.5, 4, pdf.fit(text, side_w - 8.5))


def _circle_marker(pdf: FPDF, cx: float, cy: float, text: str, color: str,
                   size: float = 2.5, ink: str = "#ffffff") -> None:
    """A filled circle with a white ring and a centred label, white unless `ink` says
    otherwise (map and table)."""
    pdf.set_fill_color(color)
    pdf.set_draw_color("#ffffff")
    pdf.set_line_width(0.35)
    pdf.circle(cx, cy, size, style="DF")
    font_pt = 6.5 if len(text) < 3 else 5.2
    _set_font(pdf, font_pt * size / 2.5, bold=True, color=ink)
    width = pdf.get_string_width(text)
    # Digits sit on the baseline; a cap height of ~0.73 em centres them visually.
    cap = 0.73 * pdf.font_size
    pdf.text(cx - width / 2, cy + cap / 2, text)


# ----- map


def _polygons(geom: BaseGeometry) -> Iterator[BaseGeometry]:
    if geom.geom_type == "Polygon":
        yield geom
    elif hasattr(geom, "geoms"):
        for part in geom.geoms:
            yield from _polygons(part)


def _linestrings(geom: BaseGeometry) -> Iterator[BaseGeometry]:
    if geom.geom_type in ("LineString", "LinearRing"):
        yield geom
    elif hasattr(geom, "geoms"):
        for part in geom.geoms:
            yield from _linestrings(part)


@dataclass(frozen=True)
class _Frame:
    """Metres (projected CRS) -> millimetres on the page, north up, aspect ratio kept."""

    x: float
    y: float
    w: float
    h: float
    min_x: float
    max_y: float
    scale: float  # mm per metre

    def __call__(self, coords: Iterable[Sequence[float]]) -> list[tuple[float, float]]:
        return [
            (self.x + (c[0] - self.min_x) * self.scale, self.y + (self.max_y - c[1]) * self.scale)
            for c in coords
        ]


def _frame(bounds: tuple[float, float, float, float], x: float, y: float, max_w: float,
           max_h: float) -> _Frame:
    min_x, min_y, max_x, max_y = bounds
    pad = 0.04 * max(max_x - min_x, max_y - min_y, 1.0)
    min_x, min_y, max_x, max_y = min_x - pad, min_y - pad, max_x + pad, max_y + pad
    scale = min(max_w / (max_x - min_x), max_h / (max_y - min_y))
    w, h = (max_x - min_x) * scale, (max_y - min_y) * scale
    return _Frame(x, y, w, h, min_x, max_y, scale)


@dataclass(frozen=True)
class MapMark:
    """A labelled circle on the site map: a tour's stop, or an exhibit a city noted."""

    lon: float
    lat: float
    label: str
    color: str
    radius: float = 2.3  # mm
    ink: str = "#ffffff"  # the label's colour (presentation.ink_on(color) for light colours)


@dataclass(frozen=True)
class _MapShapes:
    """Everything the map draws, in metres."""

    layers: dict[str, list[tuple[BaseGeometry, dict[str, Any]]]]
    outline: BaseGeometry
    route: BaseGeometry | None
    points: list[BaseGeometry]  # of the marks, in their order

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """The site plus the route and stops (they lie inside it in valid data, but a map
        that cut off a stop would be worse than a slightly smaller one)."""
        extent = [self.outline.bounds, *(p.bounds for p in self.points)]
        if self.route is not None:
            extent.append(self.route.bounds)
        return (min(b[0] for b in extent), min(b[1] for b in extent),
                max(b[2] for b in extent), max(b[3] for b in extent))


def plan_marks(plan: TourPlan, lang: str) -> list[MapMark]:
    """A tour's stops as the hand-out draws them: numbered circles from the last stop to the
    first (low numbers on top), then the start and end (S, Z) above all."""
    radius = 2.3 if len(plan.stops) <= 30 else 1.9
    marks = [MapMark(v.place.lon, v.place.lat, str(v.number), ROUTE, radius)
             for v in reversed(plan.stops)]
    ends = [plan.visits[-1], plan.visits[0]]
    if ends[0].place.id == ends[1].place.id:
        ends = ends[1:]
    marks += [MapMark(v.place.lon, v.place.lat, _marker(plan, v, lang), ENDPOINT, radius + 0.2)
              for v in ends]
    return marks


def _map_shapes(site: geo.SiteGeo, route_coords: Sequence[tuple[float, float]],
                marks: Sequence[MapMark]) -> _MapShapes:
    crs = site.crs

    def layer(name: str) -> list[tuple[BaseGeometry, dict[str, Any]]]:
        frame_df = site.layer(name)
        if frame_df.empty:
            return []
        props = frame_df.drop(columns="geometry").to_dict("records")
        return [(geo.to_metres(g, crs), p)
                for g, p in zip(frame_df.geometry, props, strict=True)]

    route = (geo.to_metres(LineString([(lon, lat) for lat, lon in route_coords]), crs)
             if len(route_coords) >= 2 else None)
    return _MapShapes(
        layers={name: layer(name) for name in ("water", "buildings", "paths")},
        outline=geo.to_metres(site.outline, crs),
        route=route,
        points=[geo.to_metres(Point(m.lon, m.lat), crs) for m in marks],
    )


def draw_site_map(pdf: FPDF, site: geo.SiteGeo, x: float, y: float, max_w: float,
                  max_h: float, *, route_coords: Sequence[tuple[float, float]] = (),
                  marks: Sequence[MapMark] = ()) -> tuple[float, float]:
    """The site plan (`catalog.site`) at (x, y) within max_w x max_h mm (north up, aspect
    kept), a route ((lat, lon) points) in red on it and the marks drawn in their order;
    returns the map's width and height. `pdf` must have the DejaVu faces registered under
    FONT (the hand-out and the trip report do)."""
    shapes = _map_shapes(site, route_coords, marks)
    frame = _frame(shapes.bounds, x, y, max_w, max_h)
    _draw_map(pdf, shapes, frame, marks)
    return frame.w, frame.h


def _draw_map(pdf: FPDF, shapes: _MapShapes, frame: _Frame, marks: Sequence[MapMark]) -> None:
    """The site plan with the route on top and a labelled circle at every mark."""
    outline, route = shapes.outline, shapes.route
    layer = shapes.layers.__getitem__

    with pdf.rect_clip(frame.x, frame.y, frame.w, frame.h), \
            pdf.local_context(stroke_join_style="ROUND", stroke_cap_style="ROUND"):
        pdf.set_fill_color(GROUND)
        pdf.rect(frame.x, frame.y, frame.w, frame.h, style="F")
        _fill(pdf, frame, [outline], SITE_FILL, SITE_LINE, 0.3, hole=GROUND)
        water = layer("water")
        _fill(pdf, frame, [g for g, _ in water], WATER_FILL, WATER_LINE, 0.2, hole=SITE_FILL)
        for geom, _ in water:
            _stroke(pdf, frame, [line for line in _linestrings(geom)
                                 if geom.geom_type.endswith("LineString")], WATER_LINE, 0.6)
        _fill(pdf, frame, [g for g, _ in layer("buildings")], BUILDING_FILL, BUILDING_LINE,
              0.15, hole=SITE_FILL)
        paths = layer("paths")
        for step_free in (True, False):
            lines = [line for g, p in paths if bool(p.get("step_free", True)) == step_free
                     for line in _linestrings(g)]
            _stroke(pdf, frame, lines, PATH_EDGE if step_free else STAIRS_EDGE, 1.0)
        _stroke(pdf, frame, [line for g, _ in paths for line in _linestrings(g)], PATH_LINE, 0.6)
        if route is not None:
            _stroke(pdf, frame, [route], "#ffffff", 1.7)
            _stroke(pdf, frame, [route], ROUTE, 0.95)
        _draw_scale_bar(pdf, frame)
        _draw_north(pdf, frame)
        for mark, point in zip(marks, shapes.points, strict=True):
            (px, py), = frame(point.coords)
            _circle_marker(pdf, px, py, mark.label, mark.color, size=mark.radius,
                           ink=mark.ink)
    pdf.set_draw_color(PATH_EDGE)
    pdf.set_line_width(0.25)
    pdf.rect(frame.x, frame.y, frame.w, frame.h)


def _fill(pdf: FPDF, frame: _Frame, geoms: Iterable[BaseGeometry], fill: str, line: str,
          width: float, hole: str) -> None:
    """Filled polygons; holes are painted over in the colour underneath (the classic fpdf
    polygon has no even-odd paths)."""
    pdf.set_line_width(width)
    for geom in geoms:
        for poly in _polygons(geom):
            pdf.set_fill_color(fill)
            pdf.set_draw_color(line)
            pdf.polygon(frame(poly.exterior.coords), style="DF")
            pdf.set_fill_color(hole)
            for ring in poly.interiors:
                pdf.polygon(frame(ring.coords), style="DF")


def _stroke(pdf: FPDF, frame: _Frame, lines: Iterable[BaseGeometry], color: str,
            width: float) -> None:
    pdf.set_draw_color(color)
    pdf.set_line_width(width)
    for line in lines:
        pdf.polyline(frame(line.coords))


def _nice_length(metres: float) -> float:
    """The largest 1/2/5 x 10^k not above metres (for the scale bar)."""
    power = 10 ** math.floor(math.log10(max(metres, 1e-9)))
    return max(step * power for step in (1, 2, 5) if step * power <= metres)


def _draw_scale_bar(pdf: FPDF, frame: _Frame) -> None:
    metres = _nice_length(frame.w * 0.28 / frame.scale)
    length = metres * frame.scale
    x0, y0 = frame.x + 4, frame.y + frame.h - 5
    _set_font(pdf, 6.5, color=INK)
    label = f"{metres:g} m" if metres < 1000 else f"{metres / 1000:g} km"
    pdf.set_fill_color("#ffffff")
    with pdf.local_context(fill_opacity=0.8):
        pdf.rect(x0 - 2, y0 - 3.4, length + 5.5 + pdf.get_string_width(label), 5.2, style="F")
    pdf.set_draw_color(INK)
    pdf.set_line_width(0.35)
    pdf.line(x0, y0, x0 + length, y0)
    for tick in (x0, x0 + length):
        pdf.line(tick, y0 - 1.2, tick, y0 + 0.4)
    _set_font(pdf, 6.5, color=INK)
    pdf.text(x0 + length + 1.5, y0 + 0.8, label)


def _draw_north(pdf: FPDF, frame: _Frame) -> None:
    cx, top = frame.x + frame.w - 6, frame.y + 4
    pdf.set_fill_color(INK)
    pdf.set_draw_color(INK)
    pdf.set_line_width(0.1)
    pdf.polygon([(cx, top), (cx + 2, top + 5), (cx, top + 4), (cx - 2, top + 5)], style="DF")
    _set_font(pdf, 6.5, bold=True, color=INK)
    pdf.text(cx - pdf.get_string_width("N") / 2, top + 8.2, "N")


# ----- table


def _draw_table_header(pdf: _Handout, lang: str, y: float) -> float:
    pdf.set_fill_color(HEADER_FILL)
    pdf.rect(MARGIN, y, CONTENT_W, 6.5, style="F")
    pdf.font(7.5, bold=True, color=MUTED)
    heads = ["", _label(lang, "col_time"), _label(lang, "col_place"), _label(lang, "col_visit"),
             _label(lang, "col_walk")]
    x = MARGIN
    for k, (head, width) in enumerate(zip(heads, COLS, strict=True)):
        pdf.set_xy(x, y + 1)
        pdf.cell(width, 4.5, head.upper(), align="R" if k >= 3 else "L")
        x += width
    return y + 6.5


def _draw_table(pdf: _Handout, rows: list[dict[str, Any]], lang: str, y: float) -> None:
    """The numbered schedule; continues on new pages (with the header repeated) as needed."""
    heights = [_row_height(pdf, row) for row in rows]
    # Never a heading without rows under it (with two rows, both stay together).
    if y + TABLE_HEAD_H + sum(heights[:1 if len(rows) > 2 else 2]) > BOTTOM:
        pdf.add_page()
        y = MARGIN
    pdf.set_xy(MARGIN, y)
    pdf.font(12, bold=True)
    pdf.cell(CONTENT_W, 6, pdf.clean(_label(lang, "schedule")))
    y = _draw_table_header(pdf, lang, y + TABLE_HEAD_H - 6.5)
    for index, (row, height) in enumerate(zip(rows, heights, strict=True)):
        # Keep the last two rows together: the end alone on a page reads like a mistake.
        needed = height + (heights[-1] if index == len(rows) - 2 else 0)
        if y + needed > BOTTOM and y > MARGIN + 6.5 + 0.1:
            pdf.add_page()
            y = _draw_table_header(pdf, lang, MARGIN)
        _draw_row(pdf, row, lang, y, height, zebra=index % 2 == 1)
        y += height


def _photo(catalog: Catalog, place_id: str) -> dict[str, Any]:
    """The exhibit's checked photo file and its credit line (None and "" without one)."""
    ex = catalog.exhibits.get(place_id)
    path = validate.image_file(catalog.data_dir, ex.image) if ex and ex.image else None
    return {"photo": path, "credit": (ex.image_credit or "") if path else ""}


def _text_width(row: dict[str, Any]) -> float:
    """The name column's room for text: less the photo beside it."""
    return COLS[2] - (PHOTO_W + 2.0 if row.get("photo") else 0.0)


def _name_lines(pdf: _Handout, row: dict[str, Any], width: float) -> list[str]:
    pdf.font(9.5, bold=True)
    return pdf.lines(row["name"], width) or [""]


def _row_height(pdf: _Handout, row: dict[str, Any]) -> float:
    """Name lines + the summary line (+ the photo's credit), at least the two lines of the time
    or walk column, and the photo's height."""
    lines = len(_name_lines(pdf, row, _text_width(row)))
    summary = 3.9 if row["summary"] or row["zone"] else 0.0
    credit = 3.4 if row.get("credit") else 0.0
    two_lines = row["wait_minutes"] > 0 or row["role"] != "start"
    photo = PHOTO_H - 1.0 if row.get("photo") else 0.0
    return max(lines * 4.4 + summary + credit, 8.3 if two_lines else 4.4, photo) + 4.6


def _draw_row(pdf: _Handout, row: dict[str, Any], lang: str, y: float, height: float,
              zebra: bool) -> None:
    if zebra:
        pdf.set_fill_color(ZEBRA)
        pdf.rect(MARGIN, y, CONTENT_W, height, style="F")
    pdf.set_draw_color(RULE)
    pdf.set_line_width(0.2)
    pdf.line(MARGIN, y + height, MARGIN + CONTENT_W, y + height)
    top = y + 2.3
    x_marker, x_time, x_name, x_visit, x_walk = (
        MARGIN + sum(COLS[:k]) for k in range(len(COLS))
    )
    color = ROUTE if row["role"] == "stop" else ENDPOINT
    _circle_marker(pdf, x_marker + 4.2, top + 2.1, row["marker"], color, size=2.4)

    times = row["arrival"] if row["arrival"] == row["departure"] else \
        f"{row['arrival']}–{row['departure']}"
    pdf.set_xy(x_time, top)
    pdf.font(9, bold=row["role"] != "stop")
    pdf.cell(COLS[1], 4.4, times)
    if row["wait_minutes"] > 0:
        pdf.set_xy(x_time, top + 4.4)
        pdf.font(7, color=ROUTE)
        pdf.cell(COLS[1], 3.6, pdf.fit(_label(lang, "begins", time=row["begin"]), COLS[1]))

    text_w = _text_width(row)
    lines = _name_lines(pdf, row, text_w)
    for k, line in enumerate(lines):
        pdf.set_xy(x_name, top + 4.4 * k)
        pdf.cell(text_w, 4.4, line)
    detail = " · ".join(t for t in (row["zone"], row["summary"]) if t)
    below = top + 4.4 * len(lines)
    if detail:
        pdf.set_xy(x_name, below)
        pdf.font(7.5, color=MUTED)
        pdf.cell(text_w, 3.9, pdf.fit(detail, text_w))
        below += 3.9
    if row.get("credit"):  # the photo's credit/licence line, wherever the photo is
        pdf.set_xy(x_name, below)
        pdf.font(6.5, color=MUTED)
        pdf.cell(text_w, 3.4, pdf.fit(row["credit"], text_w))
    if row.get("photo"):
        pdf.image(str(row["photo"]), x=x_name + COLS[2] - PHOTO_W, y=y + 1.2, w=PHOTO_W,
                  h=PHOTO_H - 1.0, keep_aspect_ratio=True)

    pdf.set_xy(x_visit, top)
    pdf.font(9)
    visit = _label(lang, "minutes", n=row["visit_minutes"]) if row["visit_minutes"] else "–"
    pdf.cell(COLS[3], 4.4, visit, align="R")
    if row["role"] != "start":
        pdf.set_xy(x_walk, top)
        pdf.font(9)
        pdf.cell(COLS[4], 4.4, f"{row['walk_m']} m", align="R")
        pdf.set_xy(x_walk, top + 4.4)
        pdf.font(7.5, color=MUTED)
        pdf.cell(COLS[4], 3.9, _label(lang, "minutes", n=row["walk_minutes"]), align="R")

