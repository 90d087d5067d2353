"""Exhibitions edited in the app: a draft per exhibition and its published versions
(dashboard/store/exhibitions.py). Each version keeps the data folder's zip, its SHA-256, author,
time and message; deleting an exhibition deletes its versions (ON DELETE CASCADE).

Revision ID: 0007
Revises: 0004
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "exhibitions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("head", sa.Integer(), nullable=False),
        sa.Column("draft", sa.LargeBinary(), nullable=False),
        sa.Column("draft_revision", sa.Integer(), nullable=False),
        sa.Column("draft_author", sa.String(length=100), nullable=False),
        sa.Column("draft_problems", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "exhibition_versions",
        sa.Column("exhibition_id", sa.String(length=64), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("author", sa.String(length=100), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("restored_from", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["exhibition_id"], ["exhibitions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("exhibition_id", "number"),
    )


def downgrade() -> None:
    op.drop_table("exhibition_versions")
    op.drop_table("exhibitions")
