"""Follow the guide, safer: the leading device's key, a lead's number of stops, and the wrong
lead codes per client (lead_code_tries); dashboard/store/lead.py.

Only a SHA-256 of the device key and of the client is kept. A lead from before this revision
has no key: nobody moves it until it is taken over with its code (or ends when stale).

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("lead_sessions") as batch:
        batch.add_column(sa.Column("key_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("stop_count", sa.Integer(), nullable=True))
    op.create_table(
        "lead_code_tries",
        sa.Column("lead_id", sa.String(length=10), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("last_failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["lead_id"], ["lead_sessions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("lead_id", "client"),
    )


def downgrade() -> None:
    op.drop_table("lead_code_tries")
    with op.batch_alter_table("lead_sessions") as batch:
        batch.drop_column("stop_count")
        batch.drop_column("key_hash")
