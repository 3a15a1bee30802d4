"""Yearly returns merged in any order: the years imported, each year's records, and ends
that are not in the data.

Revision ID: 0005
Revises: 0004

- ``imported_return``: each collection year of the 903 return and the CIN census imported.
  The years not imported are gaps in the history, and the due-date engine says what it
  cannot judge across them rather than guess.
- ``return_record``: each child's part of each year as imported; the history is merged from
  all of them, so the order in which years are imported does not matter.
- ``end_unknown`` on periods of care, episodes and plans, and ``closed_unknown`` with
  ``closed_reason`` on enquiries: an end the data bounds but does not date.

Databases imported before this version keep their history as it is; importing each year
again rebuilds it year by year.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_ENDS = ("period_of_care", "episode", "cp_plan")


def upgrade() -> None:
    op.create_table(
        "imported_return",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=3), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("files", sa.Text(), nullable=False),
        sa.Column("children", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imported_return")),
        sa.UniqueConstraint("source", "year", name=op.f("uq_imported_return_source")),
    )
    op.create_table(
        "return_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=3), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("local_id", sa.String(length=50), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_return_record")),
        sa.UniqueConstraint("source", "year", "local_id", name=op.f("uq_return_record_source")),
    )
    op.create_index("ix_return_record_child", "return_record", ["source", "local_id"])
    for table in _ENDS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("end_unknown", sa.Boolean(), server_default="0", nullable=False)
            )
    with op.batch_alter_table("cp_enquiry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("closed_reason", sa.String(length=3), nullable=True))
        batch_op.add_column(
            sa.Column("closed_unknown", sa.Boolean(), server_default="0", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("cp_enquiry", schema=None) as batch_op:
        batch_op.drop_column("closed_unknown")
        batch_op.drop_column("closed_reason")
    for table in reversed(_ENDS):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("end_unknown")
    op.drop_index("ix_return_record_child", table_name="return_record")
    op.drop_table("return_record")
    op.drop_table("imported_return")
