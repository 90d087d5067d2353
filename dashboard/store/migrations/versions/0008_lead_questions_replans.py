"""The guide's live tools: the group's questions per stop (lead_questions) and a lead's own
re-plan when the tour runs late (lead_sessions.replan); dashboard/store/questions.py and
dashboard/store/lead.py.

A question keeps the exhibition and exhibit it was asked at, so the review can show "questions
asked here" after the tour; it names nobody (the asking tablet is kept only as a SHA-256, for
the rate limit). Deleting a lead keeps its questions (ON DELETE SET NULL).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("lead_sessions") as batch:
        batch.add_column(sa.Column("replan", sa.JSON(), nullable=True))
    op.create_table(
        "lead_questions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("lead_id", sa.String(length=10), nullable=True),
        sa.Column("tour_id", sa.String(length=16), nullable=False),
        sa.Column("exhibition_id", sa.String(length=64), nullable=False),
        sa.Column("exhibit_id", sa.String(length=64), nullable=False),
        sa.Column("stop_index", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("asker", sa.String(length=64), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["lead_id"], ["lead_sessions.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_lead_questions_lead_id", "lead_questions", ["lead_id"])
    op.create_index("ix_lead_questions_exhibit", "lead_questions",
                    ["exhibition_id", "exhibit_id"])


def downgrade() -> None:
    op.drop_index("ix_lead_questions_exhibit", table_name="lead_questions")
    op.drop_index("ix_lead_questions_lead_id", table_name="lead_questions")
    op.drop_table("lead_questions")
    with op.batch_alter_table("lead_sessions") as batch:
        batch.drop_column("replan")
