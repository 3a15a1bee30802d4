"""Test-only migration that breaks the rule every migration keeps: it commits half-way.

`test_migration_crashes` sweeps it to show the sweep catches such a step (a kill after its
COMMIT leaves a table made and the schema's revision unchanged). It is never shipped, and the
check for what migrations must not do does not read this folder.

Revision ID: 0003_bad
Revises: the head of the shipped chain (whatever it is when the tests run)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from reviewdesk.storage.migrate import head_revision

revision = "0003_bad"
down_revision = head_revision()
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("test_half", sa.Column("id", sa.Integer(), primary_key=True))
    bind = op.get_bind()
    bind.exec_driver_sql("COMMIT")  # what no migration may do
    bind.exec_driver_sql("BEGIN IMMEDIATE")
    op.create_table("test_other_half", sa.Column("id", sa.Integer(), primary_key=True))


def downgrade() -> None:
    op.drop_table("test_other_half")
    op.drop_table("test_half")
