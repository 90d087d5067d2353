"""An index on tours.data_dir_id: the planner lists the tours of the exhibition it shows.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_tours_data_dir_id", "tours", ["data_dir_id"])


def downgrade() -> None:
    op.drop_index("ix_tours_data_dir_id", table_name="tours")
