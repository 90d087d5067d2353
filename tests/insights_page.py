"""A tiny page for the insights tests: review_insights.render for one city's notes, read from
the database in LERNREISE_DATABASE_URL. Query parameters: city (default konstanz), lang.

Run by tests/test_review_insights.py (AppTest and `streamlit run` in the browser test); the
lead wires render into the /review page itself.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `streamlit run tests/insights_page.py` puts tests/ first
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from dashboard import catalog as cat  # noqa: E402
from dashboard import settings  # noqa: E402
from dashboard.roles import Actor  # noqa: E402
from dashboard.store import Database, NoteStore  # noqa: E402
from dashboard.ui.review import insights as review_insights  # noqa: E402

st.set_page_config(page_title="Insights", layout="wide")
catalog = cat.load(settings.data_dir())
city = st.query_params.get("city", "konstanz")
lang = st.query_params.get("lang", "de")
database = Database(settings.get("LERNREISE_DATABASE_URL"))
try:
    notes = NoteStore(database, catalog).list_notes(
        Actor.admin("test"), exhibition_id=catalog.exhibition.id, city_id=city)
finally:
    database.dispose()
review_insights.render(catalog, city, notes, lang)
