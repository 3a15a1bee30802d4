"""Reasons to cancel or move a meeting can be for one kind of meeting only.

Revision ID: 0010
Revises: 0009

- ``meeting_reason.process``: "lac" (LAC reviews only), "cp" (CP conferences only) or none
  (every meeting). The cancelling list offered "Child no longer looked after" for a child
  protection conference, and "Child protection plan ended" for a LAC review. Those two, and
  "Conference no longer needed", are marked for their kind of meeting here (the texts as
  reviewdesk seeded them in 0008; a council's own reasons stay for every meeting).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

#: The seeded cancelling reasons that belong to one kind of meeting (copied, not imported:
#: a migration keeps the words it was written with).
_FOR = {
    "Child no longer looked after": "lac",
    "Child protection plan ended": "cp",
    "Conference no longer needed": "cp",
}


def upgrade() -> None:
    op.add_column("meeting_reason", sa.Column("process", sa.String(length=3), nullable=True))
    reason = sa.table(
        "meeting_reason",
        sa.column("kind", sa.String),
        sa.column("text", sa.String),
        sa.column("process", sa.String),
    )
    for text, process in _FOR.items():
        op.execute(
            reason.update()
            .where(reason.c.kind == "cancel", reason.c.text == text)
            .values(process=process)
        )


def downgrade() -> None:
    with op.batch_alter_table("meeting_reason") as batch:
        batch.drop_column("process")
