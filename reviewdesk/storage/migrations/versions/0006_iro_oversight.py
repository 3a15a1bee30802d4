"""IRO oversight between meetings: challenges and escalations, contacts, the child's voice.

Revision ID: 0006
Revises: 0005

- ``escalation_theme``: what a challenge is about, starting with the ten themes councils
  report (the council adds its own).
- ``escalation`` and ``escalation_stage``: a challenge, informal or through the formal stages
  of the escalation procedure, each stage with its answer; then the outcome and impact.
- ``iro_contact``: the IRO's visits, calls, messages and meetings between reviews (and the
  midway review).
- ``child_voice``: how the child's views reached a review, advocacy, the consultation.

Nothing already stored changes. One transaction, like every upgrade.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

#: The themes a new or upgraded database starts with (the words of `reviewdesk.oversight`).
THEMES = (
    "Drift or delay in permanence planning",
    "Placement sufficiency or suitability",
    "Placement stability",
    "Care plan quality",
    "Late or missing reports",
    "Recommendations not implemented",
    "Health",
    "Education",
    "Contact",
    "Other",
)


def _tracked() -> list[sa.Column]:
    return [
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
    ]


def upgrade() -> None:
    theme = op.create_table(
        "escalation_theme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        *_tracked(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalation_theme")),
        sa.UniqueConstraint("text", name=op.f("uq_escalation_theme_text")),
    )
    op.create_table(
        "escalation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("process", sa.String(length=3), nullable=False),
        sa.Column("raised_by_id", sa.Integer(), nullable=False),
        sa.Column("raised_on", sa.Date(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("concern", sa.Text(), nullable=False),
        sa.Column("resolved_on", sa.Date(), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("impact", sa.Text(), nullable=True),
        sa.Column("cafcass_referred_on", sa.Date(), nullable=True),
        *_tracked(),
        sa.CheckConstraint(
            "resolved_on IS NULL OR resolved_on >= raised_on", name=op.f("ck_escalation_order")
        ),
        sa.ForeignKeyConstraint(
            ["child_id"],
            ["child.id"],
            name=op.f("fk_escalation_child_id_child"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["raised_by_id"], ["staff.id"], name=op.f("fk_escalation_raised_by_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"],
            ["escalation_theme.id"],
            name=op.f("fk_escalation_theme_id_escalation_theme"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalation")),
    )
    op.create_index("ix_escalation_child", "escalation", ["child_id", "raised_on"])
    op.create_index(op.f("ix_escalation_raised_by_id"), "escalation", ["raised_by_id"])
    op.create_table(
        "escalation_stage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("escalation_id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.Integer(), nullable=False),
        sa.Column("raised_on", sa.Date(), nullable=False),
        sa.Column("raised_with", sa.String(length=200), nullable=False),
        sa.Column("responded_on", sa.Date(), nullable=True),
        sa.Column("response", sa.Text(), nullable=True),
        *_tracked(),
        sa.CheckConstraint(
            "responded_on IS NULL OR responded_on >= raised_on",
            name=op.f("ck_escalation_stage_order"),
        ),
        sa.ForeignKeyConstraint(
            ["escalation_id"],
            ["escalation.id"],
            name=op.f("fk_escalation_stage_escalation_id_escalation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["child_id"],
            ["child.id"],
            name=op.f("fk_escalation_stage_child_id_child"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalation_stage")),
        sa.UniqueConstraint(
            "escalation_id", "stage", name=op.f("uq_escalation_stage_escalation_id")
        ),
    )
    op.create_index(
        op.f("ix_escalation_stage_escalation_id"), "escalation_stage", ["escalation_id"]
    )
    op.create_index(op.f("ix_escalation_stage_child_id"), "escalation_stage", ["child_id"])
    op.create_table(
        "iro_contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("contact_date", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("with_child", sa.Boolean(), nullable=False),
        sa.Column("midway_review", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        *_tracked(),
        sa.ForeignKeyConstraint(
            ["child_id"],
            ["child.id"],
            name=op.f("fk_iro_contact_child_id_child"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_iro_contact_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_iro_contact")),
    )
    op.create_index("ix_iro_contact_child", "iro_contact", ["child_id", "contact_date"])
    op.create_index(op.f("ix_iro_contact_staff_id"), "iro_contact", ["staff_id"])
    op.create_table(
        "child_voice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("by_form", sa.Boolean(), nullable=False),
        sa.Column("by_advocate", sa.Boolean(), nullable=False),
        sa.Column("direct", sa.Boolean(), nullable=False),
        sa.Column("by_app", sa.Boolean(), nullable=False),
        sa.Column("advocacy_offered", sa.Boolean(), nullable=True),
        sa.Column("advocacy_taken_up", sa.Boolean(), nullable=True),
        sa.Column("consultation", sa.String(length=12), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        *_tracked(),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meeting.id"],
            name=op.f("fk_child_voice_meeting_id_meeting"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["child_id"],
            ["child.id"],
            name=op.f("fk_child_voice_child_id_child"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_child_voice")),
        sa.UniqueConstraint("meeting_id", name=op.f("uq_child_voice_meeting_id")),
    )
    op.create_index(op.f("ix_child_voice_child_id"), "child_voice", ["child_id"])
    op.bulk_insert(
        theme,
        [
            {"id": n, "text": text, "active": True, "version": 1}
            for n, text in enumerate(THEMES, start=1)
        ],
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "SELECT setval(pg_get_serial_sequence('escalation_theme', 'id'), "
            "(SELECT MAX(id) FROM escalation_theme))"
        )


def downgrade() -> None:
    for table in ("child_voice", "iro_contact", "escalation_stage", "escalation"):
        op.drop_table(table)
    op.drop_table("escalation_theme")
