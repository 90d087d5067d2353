"""The tours table as the app made it before it had migrations (SQLAlchemy create_all).

A database from then has this table and no alembic_version: the app stamps it as 0001 and
upgrades from there, so its tours stay. Keep this revision exactly as it is.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tours",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("spec", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("data_dir_id", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_tours_created_at", "tours", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_tours_created_at", table_name="tours")
    op.drop_table("tours")
