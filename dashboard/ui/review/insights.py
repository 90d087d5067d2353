"""The review's insights: what a visiting city's notes show, as charts and a 3D map.

The review page calls one function, after it has read the notes the reader may see:

    insights.render(catalog, city_id, notes, lang)

- catalog: the loaded dashboard.catalog.Catalog;
- city_id: the visiting city the review is for (a key of catalog.cities);
- notes: the notes the page already has, e.g. ``NoteStore.list_notes(reader,
  exhibition_id=catalog.exhibition.id, city_id=city_id)``; only the city's own undeleted notes
  count (others are ignored), so handing over more is harmless;
- lang: "de" or "en".

It draws (a) relevance by category (bars in the category colours) and by department (dots per
category, a tick for the department's mean), (b) the department x exhibit matrix as a heat map
with text, and (c) the pydeck 3D map with a column per noted exhibit (height: notes x mean
relevance, colour: category) over the buildings extruded by height, without a tile server.
Each chart has a title and a description (read by screen readers) and its data as a table in
an expander. Without notes it says so, and draws nothing else.

The figures come from dashboard.review.domain (tested without Streamlit), the deck from
dashboard.maps.interest_deck; this module only lays them out.
"""

from __future__ import annotations

from collections.abc import Iterable

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import catalog as cat
from dashboard import maps
from dashboard.catalog import Catalog
from dashboard.i18n import t
from dashboard.review import domain
from dashboard.roles import Actor
from dashboard.store.notes import Note, NoteStore
from dashboard.ui import common
from dashboard.ui.review.shared import read

# Height of a bar, dot row or matrix row. A step, not a chart height: Streamlit fits the whole
# chart (title, axes, legend) into a given height, which squeezes the rows to nothing.
ROW_PX = 30
RELEVANCE = alt.Scale(domain=[0, 5], nice=False)


def render(catalog: Catalog, city_id: str, notes: Iterable[Note], lang: str) -> None:
    """The insights section for `city_id` (see the module docstring)."""
    mine = domain.city_live_notes(notes, city_id, catalog)
    city = domain.city_name(catalog, city_id, lang)
    common.heading(t("insights.title", lang), 2)
    if not mine:
        common.notice("info", t("insights.empty", lang, city=city), icon=":material/insights:")
        return
    common.caption(t("insights.intro", lang, city=city, notes=len(mine),
                     exhibits=len({n.exhibit_id for n in mine})))
    left, right = st.columns(2)
    with left:
        _chart(category_chart(catalog, mine, lang),
               domain.relevance_by_category(catalog, mine, lang), ["category"], lang)
    with right:
        _chart(department_chart(catalog, mine, lang),
               domain.relevance_cells(catalog, mine, lang, by=("department", "category")),
               ["department", "category"], lang, hint=t("insights.by_department_hint", lang))
    cells = domain.relevance_cells(catalog, mine, lang, by=("exhibit", "department"))
    _chart(matrix_chart(cells, lang), cells, ["exhibit", "department"], lang)
    common.heading(t("insights.map", lang), 3)
    st.pydeck_chart(maps.interest_deck(catalog, domain.interest_columns(catalog, mine, lang),
                                       lang), height=460)
    common.caption(t("insights.map_caption", lang))


def _chart(chart: alt.TopLevelMixin, frame: pd.DataFrame, keys: list[str], lang: str,
           hint: str | None = None) -> None:
    """The chart (with a hint how to read it), and its figures as a table for those who
    cannot see it."""
    st.altair_chart(chart, width="stretch")
    if hint:
        common.caption(hint)
    with st.expander(t("insights.as_table", lang)):
        table = frame[[*keys, "notes", "mean_text"]].rename(columns={
            **{k: t(f"insights.{k}", lang) for k in keys},
            "notes": t("insights.notes", lang), "mean_text": t("insights.mean_relevance", lang),
        })
        st.dataframe(table, hide_index=True, width="stretch")


def _titled(chart: alt.TopLevelMixin, key: str, lang: str) -> alt.TopLevelMixin:
    """A chart titled and described (Vega puts the description into its aria-label)."""
    return chart.properties(
        title=alt.TitleParams(t(f"insights.{key}", lang), anchor="start"),
        description=f"{t(f'insights.{key}', lang)}. {t(f'insights.{key}_desc', lang)}",
    )


def _tooltip(keys: list[str], lang: str) -> list[alt.Tooltip]:
    return [alt.Tooltip(f"{k}:N", title=t(f"insights.{k}", lang)) for k in keys] + [
        alt.Tooltip("notes:Q", title=t("insights.notes", lang)),
        alt.Tooltip("mean_text:N", title=t("insights.mean_relevance", lang)),
    ]


def category_chart(catalog: Catalog, notes: list[Note], lang: str) -> alt.TopLevelMixin:
    """Mean relevance per category: bars in the category's colour, the count of notes at
    the end of each bar."""
    frame = domain.relevance_by_category(catalog, notes, lang)
    base = alt.Chart(frame).encode(
        y=alt.Y("category:N", sort=None, title=None, axis=alt.Axis(labelLimit=200)),
        x=alt.X("mean_relevance:Q", title=t("insights.mean_relevance", lang), scale=RELEVANCE),
    )
    bars = base.mark_bar(cornerRadiusEnd=3).encode(
        color=alt.Color("color:N", scale=None, legend=None),
        tooltip=_tooltip(["category"], lang),
    )
    counts = base.mark_text(align="left", dx=4, fontSize=13).encode(text="notes:Q")
    return _titled((bars + counts).properties(height=alt.Step(ROW_PX)),
                   "by_category", lang)


def department_chart(catalog: Catalog, notes: list[Note], lang: str) -> alt.TopLevelMixin:
    """Per department: a dot per category (its mean relevance, size by notes, colour by
    category) and a black tick at the department's mean."""
    dots = domain.relevance_cells(catalog, notes, lang, by=("department", "category"))
    means = domain.relevance_by_department(catalog, notes, lang)
    present = set(dots["category"])  # the legend names only these, in catalogue order
    colours = {k: v for k, v in domain.category_colours(catalog, lang).items() if k in present}
    y = alt.Y("department:N", sort=list(means["department"]), title=None,
              axis=alt.Axis(labelLimit=200))
    x = alt.X("mean_relevance:Q", title=t("insights.mean_relevance", lang), scale=RELEVANCE)
    points = alt.Chart(dots).mark_circle(opacity=0.85, stroke="#ffffff", strokeWidth=1).encode(
        x=x, y=y,
        color=alt.Color("category:N", title=t("insights.category", lang),
                        scale=alt.Scale(domain=list(colours), range=list(colours.values())),
                        legend=alt.Legend(orient="bottom", columns=1, labelLimit=260)),
        size=alt.Size("notes:Q", title=t("insights.notes", lang),
                      scale=alt.Scale(range=[80, 500]), legend=None),
        tooltip=_tooltip(["department", "category"], lang),
    )
    ticks = alt.Chart(means).mark_tick(color="#1f2a36", thickness=3, size=22).encode(
        x=x, y=y, tooltip=_tooltip(["department"], lang))
    return _titled((ticks + points).properties(height=alt.Step(ROW_PX)),
                   "by_department", lang)


def matrix_chart(cells: pd.DataFrame, lang: str) -> alt.TopLevelMixin:
    """Departments (columns) x exhibits (rows): the cell's colour and text are the mean
    relevance, the count of notes in brackets."""
    base = alt.Chart(cells).encode(
        x=alt.X("department:N", title=None, sort="ascending",
                axis=alt.Axis(orient="top", labelAngle=-45, labelAlign="left",
                              labelOverlap=False, labelLimit=140)),
        y=alt.Y("exhibit:N", title=None, sort="ascending", axis=alt.Axis(labelLimit=170)),
    )
    heat = base.mark_rect(stroke="#ffffff", strokeWidth=2).encode(
        color=alt.Color("mean_relevance:Q", title=t("insights.mean_relevance", lang),
                        scale=alt.Scale(domain=[1, 5], scheme="greens"),
                        legend=alt.Legend(orient="bottom")),
        tooltip=_tooltip(["exhibit", "department"], lang),
    )
    text = base.transform_calculate(
        label="datum.mean_text + ' (' + datum.notes + ')'"
    ).mark_text(fontSize=13).encode(
        text="label:N",
        color=alt.condition("datum.mean_relevance >= 3.5", alt.value("#ffffff"),
                            alt.value("#1a1a1a")),
    )
    return _titled((heat + text).properties(height=alt.Step(ROW_PX)), "matrix", lang)


def section(catalog: Catalog, city_: cat.City, notes: NoteStore, actor: Actor,
            lang: str) -> None:
    """The insights tab: the city's own notes as the reader may see them, drawn by render."""
    own = read(lang, lambda: notes.list_notes(actor, exhibition_id=catalog.exhibition.id,
                                              city_id=city_.id), [])
    render(catalog, city_.id, own, lang)
