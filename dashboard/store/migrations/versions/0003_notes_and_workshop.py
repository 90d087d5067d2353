"""The review's tables: the cities' notes and follow-ups, and the workshop's topics, working
groups and project ideas (dashboard/store/notes.py, dashboard/store/workshop.py).

Times are timestamptz on PostgreSQL and naive UTC text on SQLite (base.UTCDateTime); every
editable row has a version (no lost updates) and deleted_at (soft delete with undo).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("exhibition_id", sa.String(length=64), nullable=False),
        sa.Column("exhibit_id", sa.String(length=64), nullable=False),
        sa.Column("city_id", sa.String(length=64), nullable=False),
        sa.Column("department", sa.String(length=64), nullable=False),
        sa.Column("author", sa.String(length=100), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("relevance", sa.Integer(), nullable=False),
        sa.Column("transferability", sa.String(length=16), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("shared", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "transferability IN ('adopt', 'adapt', 'not_for_us')", name="ck_notes_transferability"
        ),
        sa.CheckConstraint("relevance BETWEEN 1 AND 5", name="ck_notes_relevance"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_notes_exhibit", "notes", ["exhibition_id", "exhibit_id"])
    op.create_index("ix_notes_exhibition_city", "notes", ["exhibition_id", "city_id"])

    op.create_table(
        "working_groups",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("exhibition_id", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("topic_ids", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_working_groups_exhibition", "working_groups", ["exhibition_id"])

    op.create_table(
        "workshop_topics",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("exhibition_id", sa.String(length=64), nullable=False),
        sa.Column("city_id", sa.String(length=64), nullable=False),
        sa.Column("author", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("department", sa.String(length=64), nullable=True),
        sa.Column("exhibits", sa.JSON(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_workshop_topics_exhibition", "workshop_topics", ["exhibition_id"])

    op.create_table(
        "follow_ups",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("exhibition_id", sa.String(length=64), nullable=False),
        sa.Column("city_id", sa.String(length=64), nullable=False),
        sa.Column("note_id", sa.Integer(), nullable=True),
        sa.Column("exhibit_id", sa.String(length=64), nullable=True),
        sa.Column("idea_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=100), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('open', 'doing', 'done')", name="ck_follow_ups_status"),
        sa.CheckConstraint(
            "note_id IS NOT NULL OR exhibit_id IS NOT NULL OR idea_id IS NOT NULL",
            name="ck_follow_ups_belongs",
        ),
        sa.ForeignKeyConstraint(
            ["note_id"],
            ["notes.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_follow_ups_exhibition_city", "follow_ups", ["exhibition_id", "city_id"])

    op.create_table(
        "project_ideas",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("exhibition_id", sa.String(length=64), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("city_id", sa.String(length=64), nullable=False),
        sa.Column("author", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["working_groups.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_project_ideas_group", "project_ideas", ["group_id"])


def downgrade() -> None:
    op.drop_index("ix_project_ideas_group", table_name="project_ideas")

    op.drop_table("project_ideas")
    op.drop_index("ix_follow_ups_exhibition_city", table_name="follow_ups")

    op.drop_table("follow_ups")
    op.drop_index("ix_workshop_topics_exhibition", table_name="workshop_topics")

    op.drop_table("workshop_topics")
    op.drop_index("ix_working_groups_exhibition", table_name="working_groups")

    op.drop_table("working_groups")
    op.drop_index("ix_notes_exhibition_city", table_name="notes")
    op.drop_index("ix_notes_exhibit", table_name="notes")

    op.drop_table("notes")
