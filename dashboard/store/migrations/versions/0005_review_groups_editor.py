"""The review in a live workshop: one working group per set of topics, and who edited a note.

- working_groups.topic_key: the group's topic ids, sorted, as text ("3,7,12"), unique per
  exhibition (uq_working_groups_topics), so that two people forming the same group at once
  make one group (dashboard/store/workshop.py `form_group`). Groups formed twice before this
  revision keep their rows: the second and later of a set get "#<id>" after the key.
- notes.updated_by: who saved the last change of a note (NULL until it is edited).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _key(topic_ids: object) -> str:
    if isinstance(topic_ids, str):
        topic_ids = json.loads(topic_ids)
    return ",".join(str(i) for i in sorted({int(i) for i in topic_ids or ()}))


def upgrade() -> None:
    with op.batch_alter_table("notes") as batch:
        batch.add_column(sa.Column("updated_by", sa.String(length=100), nullable=True))
    with op.batch_alter_table("working_groups") as batch:
        batch.add_column(sa.Column("topic_key", sa.String(length=400), nullable=True))
    groups = sa.table("working_groups", sa.column("id", sa.Integer),
                      sa.column("exhibition_id", sa.String), sa.column("topic_ids", sa.JSON),
                      sa.column("topic_key", sa.String))
    bind = op.get_bind()
    seen: set[tuple[str, str]] = set()
    for row in bind.execute(sa.select(groups.c.id, groups.c.exhibition_id, groups.c.topic_ids)
                            .order_by(groups.c.id)):
        key = _key(row.topic_ids)
        if (row.exhibition_id, key) in seen:
            key = f"{key}#{row.id}"
        seen.add((row.exhibition_id, key))
        bind.execute(groups.update().where(groups.c.id == row.id).values(topic_key=key))
    with op.batch_alter_table("working_groups") as batch:
        batch.alter_column("topic_key", existing_type=sa.String(length=400), nullable=False)
        batch.create_unique_constraint("uq_working_groups_topics",
                                       ["exhibition_id", "topic_key"])


def downgrade() -> None:
    with op.batch_alter_table("working_groups") as batch:
        batch.drop_constraint("uq_working_groups_topics", type_="unique")
        batch.drop_column("topic_key")
    with op.batch_alter_table("notes") as batch:
        batch.drop_column("updated_by")
