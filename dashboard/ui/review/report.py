"""The review's report tab: the trip report's downloads, built when tapped, in the report's
language (the interface's language until another is chosen)."""

from __future__ import annotations

import functools

import streamlit as st

from dashboard import catalog as cat
from dashboard import report, store
from dashboard.i18n import LANGUAGES, t
from dashboard.roles import Actor
from dashboard.ui import common
from dashboard.ui.review.shared import DB_ERRORS
from dashboard.ui.review.state import ReviewState

MIME = {"md": "text/markdown", "csv": "text/csv", "pdf": "application/pdf",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def report_file(catalog: cat.Catalog, city_id: str, notes: store.NoteStore,
                workshop: store.WorkshopStore, reader: Actor, fmt_: str, lang: str) -> bytes:
    """The trip report in one format as bytes (what the download button hands out). The PDF's
    map shows the saved tour that visits most of the city's noted exhibits."""
    tours = common.tour_store()
    try:
        saved = tours.list_tours(exhibition_id=catalog.exhibition.id) if tours else []
    except DB_ERRORS:
        saved = []  # the report without the tour's route rather than no report
    trip = report.build_report(catalog, city_id, notes, workshop, lang, reader=reader,
                               tours=saved, network=common.walking_network(catalog),
                               captures=store.CaptureStore(notes.database, catalog),
                               scorecards=store.ScorecardStore(notes.database, catalog))
    data = report.render(trip, fmt_)
    return data.encode("utf-8") if isinstance(data, str) else data


def section(state: ReviewState, catalog: cat.Catalog, city_: cat.City, notes: store.NoteStore,
            workshop: store.WorkshopStore, actor: Actor, lang: str) -> None:
    """Downloads of the trip report, built when clicked, in the report's language."""
    common.text(t("review.report_intro", lang, city=catalog.text(city_.name, lang)))
    if not state.value("report_lang_chosen"):
        state.set("report_lang", lang)  # the interface's language until one is chosen
    st.radio(t("review.report_lang", lang), list(LANGUAGES),
             key=state.bind("report_lang", lang, list(LANGUAGES)), horizontal=True,
             format_func=LANGUAGES.__getitem__, on_change=state.values.__setitem__,
             args=("report_lang_chosen", True))
    report_lang = state.value("report_lang", lang)
    name = f"lernreise-{city_.id}"
    cols = st.columns(len(report.FORMATS))
    for col, ext in zip(cols, report.FORMATS, strict=True):
        make = functools.partial(report_file, catalog, city_.id, notes, workshop, actor, ext,
                                 report_lang)
        col.download_button(t(f"review.format.{ext}", lang), data=make,
                            file_name=f"{name}.{ext}", mime=MIME[ext], key=f"review.dl-{ext}",
                            icon=":material/download:", width="stretch", on_click="ignore")
    st.download_button(t("review.photos_zip", lang), data=functools.partial(
        photos_file, catalog, city_.id, notes, actor, report_lang),
        file_name=f"{name}-fotos.zip", mime="application/zip", key="review.dl-photos",
        icon=":material/photo_library:", on_click="ignore", help=t("review.photos_zip_help", lang))


def photos_file(catalog: cat.Catalog, city_id: str, notes: store.NoteStore, reader: Actor,
                lang: str) -> bytes:
    """The photos of the city's notes (those the reader may see) in a zip."""
    trip = report.build_report(catalog, city_id, notes, None, lang, reader=reader,
                               captures=store.CaptureStore(notes.database, catalog))
    return report.photos_zip(trip)
