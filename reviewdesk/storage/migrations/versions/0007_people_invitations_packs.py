"""People, invitations, report requests and the real pack.

Revision ID: 0007
Revises: 0006

- ``person``: a child's family and network (relationship, how to reach them, interpreter or
  access needs, excluded from part of a conference).
- ``professional``: the directory of professionals and agencies; ``child_professional``:
  those involved with a child.
- ``invitee`` gains the person, professional, email, how the invitation was sent and the
  invitation rule that proposed them; ``report`` gains its author's directory or staff
  record, email and the date it was requested.
- ``meeting_request``: the Outlook meeting request last sent for a meeting (UID, SEQUENCE,
  what it said).
- ``report_file``: received reports' PDFs (bytes), in a table of their own.
- ``pack_delivery``: who a pack went to, how and when.

Only new tables and new nullable columns: nothing existing is rewritten.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _tracked() -> list[sa.Column]:
    return [
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("relation", sa.String(length=30), nullable=False),
        sa.Column("parental_responsibility", sa.Boolean(), nullable=False),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("phone", sa.String(length=50), nullable=True),
        sa.Column("preferred_contact", sa.String(length=20), nullable=False),
        sa.Column("interpreter", sa.String(length=100), nullable=True),
        sa.Column("access_needs", sa.Text(), nullable=True),
        sa.Column("excluded_from_part", sa.Boolean(), nullable=False),
        sa.Column("exclusion_note", sa.Text(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        *_tracked(),
        sa.ForeignKeyConstraint(
            ["child_id"], ["child.id"], name=op.f("fk_person_child_id_child"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person")),
    )
    op.create_index(op.f("ix_person_child_id"), "person", ["child_id"], unique=False)

    op.create_table(
        "professional",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("agency", sa.String(length=30), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=True),
        sa.Column("job_title", sa.String(length=200), nullable=True),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("phone", sa.String(length=50), nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("secure_email", sa.Boolean(), nullable=False),
        sa.Column("agency_contact", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        *_tracked(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_professional")),
    )
    op.create_index(op.f("ix_professional_agency"), "professional", ["agency"], unique=False)

    op.create_table(
        "child_professional",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("professional_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=True),
        *_tracked(),
        sa.ForeignKeyConstraint(
            ["child_id"],
            ["child.id"],
            name=op.f("fk_child_professional_child_id_child"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["professional_id"],
            ["professional.id"],
            name=op.f("fk_child_professional_professional_id_professional"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_child_professional")),
        sa.UniqueConstraint(
            "child_id", "professional_id", name=op.f("uq_child_professional_child_id")
        ),
    )
    op.create_index(
        op.f("ix_child_professional_child_id"), "child_professional", ["child_id"], unique=False
    )
    op.create_index(
        op.f("ix_child_professional_professional_id"),
        "child_professional",
        ["professional_id"],
        unique=False,
    )

    with op.batch_alter_table("invitee", schema=None) as batch_op:
        batch_op.add_column(sa.Column("person_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("professional_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("email", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("sent_by", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("rule_id", sa.String(length=80), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_invitee_person_id_person"),
            "person",
            ["person_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            op.f("fk_invitee_professional_id_professional"),
            "professional",
            ["professional_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.add_column(sa.Column("professional_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("staff_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("email", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("requested_on", sa.Date(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_report_professional_id_professional"),
            "professional",
            ["professional_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(op.f("fk_report_staff_id_staff"), "staff", ["staff_id"], ["id"])

    op.create_table(
        "meeting_request",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=200), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("sent", sa.JSON(), nullable=False),
        *_tracked(),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meeting.id"],
            name=op.f("fk_meeting_request_meeting_id_meeting"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("meeting_id", name=op.f("pk_meeting_request")),
        sa.UniqueConstraint("uid", name=op.f("uq_meeting_request_uid")),
    )

    op.create_table(
        "report_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        *_tracked(),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["report.id"],
            name=op.f("fk_report_file_report_id_report"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_file")),
        sa.UniqueConstraint("report_id", name=op.f("uq_report_file_report_id")),
    )

    op.create_table(
        "pack_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(length=200), nullable=False),
        sa.Column("how", sa.String(length=30), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=True),
        *_tracked(),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meeting.id"],
            name=op.f("fk_pack_delivery_meeting_id_meeting"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pack_delivery")),
    )
    op.create_index(
        op.f("ix_pack_delivery_meeting_id"), "pack_delivery", ["meeting_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_pack_delivery_meeting_id"), table_name="pack_delivery")
    op.drop_table("pack_delivery")
    op.drop_table("report_file")
    op.drop_table("meeting_request")
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_report_staff_id_staff"), type_="foreignkey")
        batch_op.drop_constraint(op.f("fk_report_professional_id_professional"), type_="foreignkey")
        for column in ("requested_on", "email", "staff_id", "professional_id"):
            batch_op.drop_column(column)
    with op.batch_alter_table("invitee", schema=None) as batch_op:
        batch_op.drop_constraint(
            op.f("fk_invitee_professional_id_professional"), type_="foreignkey"
        )
        batch_op.drop_constraint(op.f("fk_invitee_person_id_person"), type_="foreignkey")
        for column in ("rule_id", "sent_by", "email", "professional_id", "person_id"):
            batch_op.drop_column(column)
    op.drop_index(op.f("ix_child_professional_professional_id"), table_name="child_professional")
    op.drop_index(op.f("ix_child_professional_child_id"), table_name="child_professional")
    op.drop_table("child_professional")
    op.drop_index(op.f("ix_professional_agency"), table_name="professional")
    op.drop_table("professional")
    op.drop_index(op.f("ix_person_child_id"), table_name="person")
    op.drop_table("person")
