"""Test-only migration: proves an older database is upgraded (and backed up) at start-up.

Revision ID: 0003_test
Revises: the packaged head (whichever migration is newest)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from reviewdesk.storage.migrate import head_revision

revision = "0003_test"
down_revision = head_revision()  # on top of the newest packaged migration
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "test_extra",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("note", sa.String(50), nullable=False),
    )
    with op.batch_alter_table("child") as batch:
        batch.add_column(sa.Column("test_nickname", sa.String(50), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("child") as batch:
        batch.drop_column("test_nickname")
    op.drop_table("test_extra")
