"""An index on a child's meetings by process, type, status and held date.

Revision ID: 0002
Revises: 0001

Flags and the case list count a child's past reviews and read their recent meetings; with
this index SQLite and PostgreSQL answer those from the index alone, without visiting every
meeting of every child. It starts with ``child_id``, so it replaces the plain index on it.
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_COLUMNS = ["child_id", "process", "meeting_type", "status", "held_date"]


def upgrade() -> None:
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.create_index("ix_meeting_child_history", _COLUMNS, unique=False)
        batch_op.drop_index("ix_meeting_child_id")


def downgrade() -> None:
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.create_index("ix_meeting_child_id", ["child_id"], unique=False)
        batch_op.drop_index("ix_meeting_child_history")
