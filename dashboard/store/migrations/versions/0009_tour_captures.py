"""What people capture on the tour: marks, short notes and photos per exhibit, drafts of one
person until published as a note (dashboard/store/captures.py). The photo is kept in the row
(JPEG, at most 1 MB after dashboard.capture_photos); client_key is unique, so a capture sent
twice from a tablet is stored once. Also the transfer scorecard per exhibit and city and the
city's reflection date (dashboard/store/scorecards.py).

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tour_captures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("client_key", sa.String(length=64), nullable=False),
        sa.Column("exhibition_id", sa.String(length=64), nullable=False),
        sa.Column("exhibit_id", sa.String(length=64), nullable=False),
        sa.Column("city_id", sa.String(length=64), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("author", sa.String(length=100), nullable=False),
        sa.Column("tour_id", sa.String(length=64), nullable=True),
        sa.Column("relevant", sa.Boolean(), nullable=True),
        sa.Column("departments", sa.JSON(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("caption", sa.String(length=200), nullable=False),
        sa.Column("photo", sa.LargeBinary(), nullable=True),
        sa.Column("photo_bytes", sa.Integer(), nullable=True),
        sa.Column("photo_width", sa.Integer(), nullable=True),
        sa.Column("photo_height", sa.Integer(), nullable=True),
        sa.Column("location_kept", sa.Boolean(), nullable=False),
        sa.Column("note_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["note_id"], ["notes.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("client_key"),
    )
    op.create_index("ix_tour_captures_owner", "tour_captures",
                    ["exhibition_id", "city_id", "owner"])
    op.create_index("ix_tour_captures_note", "tour_captures", ["note_id"])
    op.create_table(
        "transfer_scorecards",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("exhibition_id", sa.String(length=64), nullable=False),
        sa.Column("exhibit_id", sa.String(length=64), nullable=False),
        sa.Column("city_id", sa.String(length=64), nullable=False),
        sa.Column("stage", sa.String(length=24), nullable=False),
        sa.Column("factors", sa.JSON(), nullable=False),
        sa.Column("owner_department", sa.String(length=64), nullable=True),
        sa.Column("contact", sa.String(length=200), nullable=False),
        sa.Column("reuse_url", sa.String(length=500), nullable=False),
        sa.Column("shared", sa.Boolean(), nullable=False),
        sa.Column("author", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("exhibition_id", "exhibit_id", "city_id",
                            name="uq_transfer_scorecards_exhibit_city"),
    )
    op.create_table(
        "city_reflections",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("exhibition_id", sa.String(length=64), nullable=False),
        sa.Column("city_id", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("author", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("exhibition_id", "city_id", name="uq_city_reflections_city"),
    )


def downgrade() -> None:
    op.drop_table("city_reflections")
    op.drop_table("transfer_scorecards")
    op.drop_index("ix_tour_captures_note", table_name="tour_captures")
    op.drop_index("ix_tour_captures_owner", table_name="tour_captures")
    op.drop_table("tour_captures")
