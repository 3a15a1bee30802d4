"""Who wrote each audit entry: ``audit_log.recorded_by``.

Revision ID: 0004
Revises: 0003

On a shared PostgreSQL server the database fills it in itself, with the login that wrote
the entry (``session_user``), whatever the entry says: an administrator appending the trail
of a restored database keeps its entries' users and times, and the trail still shows who
put them there. Entries written before, and those the SQLite file's app writes, leave it
empty (the entry's own user wrote it).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recorded_by", sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_column("recorded_by")
