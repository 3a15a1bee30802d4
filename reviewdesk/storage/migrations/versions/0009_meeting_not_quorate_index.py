"""An index of the conferences recorded as not quorate, by child.

Revision ID: 0009
Revises: 0008

The flags, the IRO oversight figures and a child's oversight look for the conferences not
quorate, which are a handful among a council's meetings. Without an index every meeting is
read to find them (a tenth of a council's flags' reading). A partial index holds only those
rows, so it stays as small as they are few.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_meeting_not_quorate",
        "meeting",
        ["child_id"],
        unique=False,
        sqlite_where=sa.text("quorate IS 0"),
        postgresql_where=sa.text("quorate IS false"),
    )


def downgrade() -> None:
    op.drop_index("ix_meeting_not_quorate", table_name="meeting")
