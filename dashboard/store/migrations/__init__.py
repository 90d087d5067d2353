"""Alembic migrations of the app's database; `env.py` runs them on the app's connection.

Adding a table or column: change or add the model (e.g. a new module beside tours.py on
`base.Base`, imported in `dashboard/store/__init__.py`), then
`python -m dashboard db revision -m "notes and follow-ups"` writes `versions/000N_....py` by
comparing the models with a scratch database. Read and edit it (batch mode for SQLite is on),
and keep the revisions that exist unchanged: databases out there are at them.
tests/test_migrations.py fails while models and migrations disagree.
"""
