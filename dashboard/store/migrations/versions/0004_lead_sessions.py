"""Follow the guide: a guide leading a saved tour (lead_sessions) and the tablets that follow
(lead_followers, a heartbeat each); dashboard/store/lead.py.

Only a salted scrypt hash of a lead code is kept. Deleting a tour deletes its leads, and ending
or deleting a lead deletes its followers (ON DELETE CASCADE).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lead_sessions",
        sa.Column("id", sa.String(length=10), nullable=False),
        sa.Column("tour_id", sa.String(length=16), nullable=False),
        sa.Column("stop_index", sa.Integer(), nullable=False),
        sa.Column("code_salt", sa.String(length=32), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["tour_id"], ["tours.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_lead_sessions_tour_id", "lead_sessions", ["tour_id"])
    op.create_table(
        "lead_followers",
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("lead_id", sa.String(length=10), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["lead_id"], ["lead_sessions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("token"),
    )
    op.create_index("ix_lead_followers_lead_id", "lead_followers", ["lead_id"])


def downgrade() -> None:
    op.drop_index("ix_lead_followers_lead_id", table_name="lead_followers")
    op.drop_table("lead_followers")
    op.drop_index("ix_lead_sessions_tour_id", table_name="lead_sessions")
    op.drop_table("lead_sessions")
