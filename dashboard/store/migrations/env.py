"""Alembic's entry point for the app's migrations.

The app runs them itself (`dashboard.store.engine.Database.upgrade`, also `python -m dashboard
db upgrade`), on a connection it hands over in `config.attributes["connection"]`, inside a
transaction that holds the migration lock. There is no alembic.ini and no offline mode.
"""

from __future__ import annotations

from alembic import context

import dashboard.store  # noqa: F401 - imports every model onto Base.metadata
from dashboard.store.base import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "run the migrations through the app: python -m dashboard db upgrade"
    )
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite cannot ALTER most things: batch mode copies the table
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
