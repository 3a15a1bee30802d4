"""The clerk's day: allocation history, lists of reasons to cancel and move meetings, each
move of a meeting on a row of its own, and a collation that sorts names by their letters.

Revision ID: 0008
Revises: 0007

- ``allocation``: who was allocated to a child (an IRO for a period of care, a social worker,
  a team), from when to when. Filled in with what each child has now (start not known).
- ``meeting_reason``: why meetings are cancelled or moved, a list administrators extend (as
  the late reasons), seeded with the reasons below (written out here so this migration stays
  what it was when it shipped).
- ``meeting_move``: one row per rescheduling (from, to, why, who, when). The lines the
  rescheduling used to add to a meeting's notes ("Rescheduled from dd/mm/yyyy to
  dd/mm/yyyy: reason") become rows and leave the notes.
- PostgreSQL: the collation ``reviewdesk_name`` (ICU, English), so "Ó Briain" sorts among
  the Os and "Łukasz" among the Ls, not after Z. A server built without ICU gets the plain
  "C" order under the same name. (SQLite sorts by a key reviewdesk gives it on connecting.)
"""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

CANCEL_REASONS = (
    "Child no longer looked after",
    "Child protection plan ended",
    "Child moved to another authority",
    "Conference no longer needed",
    "Booked in error",
    "Duplicate booking",
)
RESCHEDULE_REASONS = (
    "IRO or chair unavailable",
    "Social worker unavailable",
    "Family unable to attend",
    "Child unable to attend",
    "Room unavailable",
    "Interpreter unavailable",
    "Reports not ready",
    "Key agency unable to attend",
    "Brought forward: circumstances changed",
)


_MOVED = re.compile(
    r"^Rescheduled from (?:(\d{2})/(\d{2})/(\d{4})|no date) to (\d{2})/(\d{2})/(\d{4}): (.*)$"
)


def _tracked() -> list[sa.Column]:
    """The columns of a record people edit: its version, who changed it last and when."""
    return [
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("updated_by", sa.String(length=100), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "allocation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("period_id", sa.Integer(), nullable=True),
        sa.Column("start", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        *_tracked(),
        sa.CheckConstraint(
            "end_date IS NULL OR start IS NULL OR end_date >= start",
            name=op.f("ck_allocation_order"),
        ),
        sa.ForeignKeyConstraint(
            ["child_id"],
            ["child.id"],
            name=op.f("fk_allocation_child_id_child"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_allocation_staff_id_staff")
        ),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], name=op.f("fk_allocation_team_id_team")),
        sa.ForeignKeyConstraint(
            ["period_id"],
            ["period_of_care.id"],
            name=op.f("fk_allocation_period_id_period_of_care"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allocation")),
    )
    op.create_index("ix_allocation_child", "allocation", ["child_id", "kind", "start"])
    op.create_table(
        "meeting_reason",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("text", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        *_tracked(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_reason")),
        sa.UniqueConstraint("kind", "text", name=op.f("uq_meeting_reason_kind")),
    )
    op.create_table(
        "meeting_move",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("from_date", sa.Date(), nullable=True),
        sa.Column("from_time", sa.Time(), nullable=True),
        sa.Column("to_date", sa.Date(), nullable=False),
        sa.Column("to_time", sa.Time(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("moved_by", sa.String(length=100), nullable=True),
        sa.Column("moved_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meeting.id"],
            name=op.f("fk_meeting_move_meeting_id_meeting"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_move")),
    )
    op.create_index(op.f("ix_meeting_move_meeting_id"), "meeting_move", ["meeting_id"])

    bind = op.get_bind()
    reason = sa.table(
        "meeting_reason",
        sa.column("kind", sa.String),
        sa.column("text", sa.String),
        sa.column("active", sa.Boolean),
    )
    op.bulk_insert(
        reason,
        [{"kind": "cancel", "text": t, "active": True} for t in CANCEL_REASONS]
        + [{"kind": "reschedule", "text": t, "active": True} for t in RESCHEDULE_REASONS],
    )
    _allocations_now(bind)
    _moves_from_notes(bind)
    if bind.dialect.name == "postgresql":
        _name_collation(bind)


def _allocations_now(bind: sa.Connection) -> None:
    """Each child's current team and social worker, and each period's IRO, as the open row
    of their history (from a date not known)."""
    bind.execute(
        sa.text(
            "INSERT INTO allocation (child_id, kind, team_id, version) "
            "SELECT id, 'team', team_id, 1 FROM child WHERE team_id IS NOT NULL"
        )
    )
    bind.execute(
        sa.text(
            "INSERT INTO allocation (child_id, kind, staff_id, version) "
            "SELECT id, 'social_worker', social_worker_id, 1 FROM child "
            "WHERE social_worker_id IS NOT NULL"
        )
    )
    bind.execute(
        sa.text(
            "INSERT INTO allocation (child_id, kind, staff_id, period_id, start, end_date, "
            "version) SELECT child_id, 'iro', iro_id, id, iro_allocated, end_date, 1 "
            "FROM period_of_care WHERE iro_id IS NOT NULL "
            "AND (iro_allocated IS NULL OR end_date IS NULL OR end_date >= iro_allocated)"
        )
    )


def _date(day: str | None, month: str | None, year: str | None) -> dt.date | None:
    if day is None or month is None or year is None:
        return None
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


def _moves_from_notes(bind: sa.Connection) -> None:
    """The reschedulings kept as lines of a meeting's notes, as rows of their own."""
    rows = bind.execute(
        sa.text("SELECT id, notes FROM meeting WHERE notes LIKE '%Rescheduled from %'")
    ).all()
    moves, notes = [], []
    for meeting_id, text in rows:
        kept = []
        for line in (text or "").splitlines():
            found = _MOVED.match(line)
            to = _date(*found.groups()[3:6]) if found else None
            if found is None or to is None:
                kept.append(line)
                continue
            moves.append(
                {
                    "meeting_id": meeting_id,
                    "from_date": _date(*found.groups()[0:3]),
                    "to_date": to,
                    "reason": found.group(7),
                }
            )
        notes.append({"b_id": meeting_id, "b_notes": "\n".join(kept) or None})
    if moves:
        bind.execute(
            sa.text(
                "INSERT INTO meeting_move (meeting_id, from_date, to_date, reason) "
                "VALUES (:meeting_id, :from_date, :to_date, :reason)"
            ),
            moves,
        )
    if notes:
        bind.execute(sa.text("UPDATE meeting SET notes = :b_notes WHERE id = :b_id"), notes)


def _name_collation(bind: sa.Connection) -> None:
    icu = bind.execute(
        sa.text("SELECT count(*) FROM pg_collation WHERE collname = 'und-x-icu'")
    ).scalar()
    source = "und-x-icu" if icu else "C"
    bind.execute(sa.text(f'CREATE COLLATION IF NOT EXISTS reviewdesk_name FROM "{source}"'))


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        bind.execute(sa.text("DROP COLLATION IF EXISTS reviewdesk_name"))
    op.drop_index(op.f("ix_meeting_move_meeting_id"), table_name="meeting_move")
    op.drop_table("meeting_move")
    op.drop_table("meeting_reason")
    op.drop_index("ix_allocation_child", table_name="allocation")
    op.drop_table("allocation")
