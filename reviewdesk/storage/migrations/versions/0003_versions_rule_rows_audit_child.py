"""Versions on every record a person edits, one row per rule override, and a child on
every audit entry.

Revision ID: 0003
Revises: 0002

- ``setting``, ``closure_day``, ``late_reason``, ``report`` and ``invitee`` get ``version``,
  ``updated_by`` and ``updated_at`` (optimistic locking, like the case records).
- The council's rule overrides move from the one ``rule_overrides`` setting (a list) into
  ``rule_override``, one row per rule, so two people changing different rules never wipe
  each other's change. Each row keeps who last changed that rule and when, read from the
  audit trail of the old setting.
- ``audit_log.child_id`` (indexed with the time): a child's history is one index lookup.
  Filled in for the entries already there. ``audit_log.action`` widens to 30 characters.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

VERSIONED = ("setting", "closure_day", "late_reason", "report", "invitee")
#: Tables whose audit values carry the child's id themselves.
CHILD_COLUMN = ("period_of_care", "cp_enquiry", "cp_plan", "meeting")
BATCH = 5000

_setting = sa.table("setting", sa.column("key", sa.String), sa.column("value", sa.JSON))
_audit = sa.table(
    "audit_log",
    sa.column("id", sa.Integer),
    sa.column("at", sa.DateTime(timezone=True)),
    sa.column("username", sa.String),
    sa.column("table_name", sa.String),
    sa.column("record_id", sa.String),
    sa.column("before", sa.JSON),
    sa.column("after", sa.JSON),
    sa.column("child_id", sa.Integer),
)
_rule = sa.table(
    "rule_override",
    sa.column("id", sa.Integer),
    sa.column("rule_id", sa.String),
    sa.column("definition", sa.JSON),
    sa.column("version", sa.Integer),
    sa.column("updated_by", sa.String),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    for table in VERSIONED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("version", sa.Integer(), nullable=False, server_default="1")
            )
            batch_op.add_column(sa.Column("updated_by", sa.String(length=100), nullable=True))
            batch_op.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))

    op.create_table(
        "rule_override",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.String(length=80), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rule_override")),
        sa.UniqueConstraint("rule_id", name=op.f("uq_rule_override_rule_id")),
    )

    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("child_id", sa.Integer(), nullable=True))
        batch_op.alter_column(
            "action", existing_type=sa.String(length=10), type_=sa.String(length=30)
        )
        batch_op.create_index("ix_audit_child", ["child_id", "at"], unique=False)

    bind = op.get_bind()
    _move_rule_overrides(bind)
    _fill_audit_children(bind)


def _naive_utc(moment: Any) -> Any:
    """SQLite keeps UTC without an offset (as the models' UTCDateTime does)."""
    if isinstance(moment, dt.datetime) and moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC)
        if op.get_bind().dialect.name == "sqlite":
            moment = moment.replace(tzinfo=None)
    return moment


def _by_id(tables: Any) -> dict[str, Any]:
    if not isinstance(tables, list):
        return {}
    return {str(t.get("id")).strip(): t for t in tables if isinstance(t, dict)}


def _move_rule_overrides(bind: sa.Connection) -> None:
    value = bind.execute(
        sa.select(_setting.c.value).where(_setting.c.key == "rule_overrides")
    ).scalar()
    tables = _by_id(value)  # the last table of an id wins, as when the list was laid over
    # Who last changed each rule: the newest audit entry of the setting that changed it.
    changed: dict[str, tuple[str, Any]] = {}
    entries = bind.execute(
        sa.select(_audit.c.username, _audit.c.at, _audit.c.before, _audit.c.after)
        .where(_audit.c.table_name == "setting", _audit.c.record_id == "rule_overrides")
        .order_by(_audit.c.at, _audit.c.id)
    )
    for username, at, before, after in entries:
        old = _by_id((before or {}).get("value") if isinstance(before, dict) else None)
        new = _by_id((after or {}).get("value") if isinstance(after, dict) else None)
        for rule_id in set(old) | set(new):
            if old.get(rule_id) != new.get(rule_id) and rule_id in new:
                changed[rule_id] = (username, at)
    rows = []
    for n, (rule_id, table) in enumerate(tables.items(), start=1):
        who, when = changed.get(rule_id, (None, None))
        rows.append(
            {
                "id": n,
                "rule_id": rule_id,
                "definition": table,
                "version": 1,
                "updated_by": who,
                "updated_at": _naive_utc(when),
            }
        )
    if rows:
        bind.execute(sa.insert(_rule), rows)
        if bind.dialect.name == "postgresql":
            bind.execute(
                sa.text(
                    "SELECT setval(pg_get_serial_sequence('rule_override', 'id'), "
                    "(SELECT MAX(id) FROM rule_override))"
                )
            )
    bind.execute(sa.delete(_setting).where(_setting.c.key == "rule_overrides"))


def _child_of(
    table: str, record_id: str, values: dict[str, Any], periods: dict, meetings: dict
) -> int | None:
    if table == "child":
        return int(record_id) if record_id.isdigit() else None
    if table in CHILD_COLUMN:
        child = values.get("child_id")
        return child if isinstance(child, int) else None
    if table == "episode":
        return periods.get(values.get("period_id"))
    if table in ("report", "invitee", "meeting_part"):
        return meetings.get(values.get("meeting_id"))
    return None


def _fill_audit_children(bind: sa.Connection) -> None:
    periods = dict(bind.execute(sa.text("SELECT id, child_id FROM period_of_care")).all())
    meetings = dict(bind.execute(sa.text("SELECT id, child_id FROM meeting")).all())
    last = 0
    while True:
        rows = bind.execute(
            sa.select(
                _audit.c.id,
                _audit.c.table_name,
                _audit.c.record_id,
                _audit.c.before,
                _audit.c.after,
            )
            .where(_audit.c.id > last)
            .order_by(_audit.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        last = rows[-1].id
        updates = []
        for row in rows:
            before, after = row.before or {}, row.after or {}
            if not isinstance(before, dict) or not isinstance(after, dict):
                continue
            values = {**before, **after}
            child = _child_of(row.table_name, row.record_id, values, periods, meetings)
            if child is not None:
                updates.append({"b_id": row.id, "b_child": child})
        if updates:
            bind.execute(
                sa.update(_audit)
                .where(_audit.c.id == sa.bindparam("b_id"))
                .values(child_id=sa.bindparam("b_child")),
                updates,
            )


def downgrade() -> None:
    bind = op.get_bind()
    tables = [
        definition
        for definition in bind.execute(sa.select(_rule.c.definition).order_by(_rule.c.id)).scalars()
    ]
    bind.execute(sa.insert(_setting), [{"key": "rule_overrides", "value": tables}])
    op.drop_table("rule_override")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_child")
        batch_op.alter_column(
            "action", existing_type=sa.String(length=30), type_=sa.String(length=10)
        )
        batch_op.drop_column("child_id")
    for table in reversed(VERSIONED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("updated_at")
            batch_op.drop_column("updated_by")
            batch_op.drop_column("version")
