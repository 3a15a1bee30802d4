"""A change signal every login may read: one row the database bumps whenever a change commits.

Revision ID: 0011
Revises: 0010

- ``change_signal``: one row (``id`` 1) with a counter and when it last moved. An open window
  polls it to learn that someone else changed the data (`reviewdesk.storage.signal`): on a
  shared server an IRO cannot read the audit trail, so the trail cannot be what they poll.
- A trigger on every new audit entry bumps it, but for the entries that change no data
  (`QUIET`: an export, a backup), so that no one's export makes every other window read
  the register again. Every change through the door, every import
  and restore writes an entry (on a server set up for a team the database's own triggers
  write them), so nothing that changes data can forget to bump it, and nothing else may
  bump it. On a server logins get SELECT on the table and nothing more (`server.apply`).
- PostgreSQL: the trigger is a deferred constraint trigger, run as the transaction ends,
  and its function is SECURITY DEFINER (the owner of the tables, who runs the migrations,
  owns it), so a login that may add an audit entry bumps a row it may not write. Run last,
  each transaction holds the row's lock only while it ends, after every other lock it takes:
  two writers cannot deadlock on it, and an import does not make every other writer wait
  until it finishes. ``last_transaction`` (the bumping transaction) makes one transaction
  bump it once, however many entries it writes.
- SQLite: an ordinary row trigger (one writer at a time holds the whole file anyway); it
  bumps once per entry.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

TRIGGER = "reviewdesk_change_signal"
#: Audit actions that change no data: they leave the signal alone.
QUIET = ("export", "backup")
_CHANGES_DATA = "NEW.action NOT IN (" + ", ".join(f"'{a}'" for a in QUIET) + ")"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def upgrade() -> None:
    signal = op.create_table(
        "change_signal",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("counter", sa.BigInteger(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_transaction", sa.BigInteger(), nullable=True),
        sa.CheckConstraint("id = 1", name=op.f("ck_change_signal_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_signal")),
    )
    op.bulk_insert(signal, [{"id": 1, "counter": 0, "changed_at": dt.datetime.now(dt.UTC)}])
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        s = _quote(bind.execute(sa.text("SELECT current_schema()")).scalar_one())
        op.execute(
            f"CREATE FUNCTION {s}.{TRIGGER}() RETURNS trigger LANGUAGE plpgsql "
            "SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$\n"
            "BEGIN\n"
            f"  UPDATE {s}.change_signal\n"
            "     SET counter = counter + 1, changed_at = now(),\n"
            "         last_transaction = txid_current()\n"
            "   WHERE id = 1 AND last_transaction IS DISTINCT FROM txid_current();\n"
            "  RETURN NULL;\n"
            "END\n$fn$"
        )
        op.execute(f"REVOKE ALL ON FUNCTION {s}.{TRIGGER}() FROM PUBLIC")
        op.execute(
            f"CREATE CONSTRAINT TRIGGER {TRIGGER} AFTER INSERT ON {s}.audit_log "
            "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
            f"WHEN ({_CHANGES_DATA}) EXECUTE FUNCTION {s}.{TRIGGER}()"
        )
    else:
        # The time as SQLAlchemy writes it on SQLite (microseconds: six digits).
        op.execute(
            f"CREATE TRIGGER {TRIGGER} AFTER INSERT ON audit_log WHEN {_CHANGES_DATA} BEGIN "
            "UPDATE change_signal SET counter = counter + 1, "
            "changed_at = strftime('%Y-%m-%d %H:%M:%f000', 'now') WHERE id = 1; END"
        )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON audit_log")
        op.execute(f"DROP FUNCTION IF EXISTS {TRIGGER}()")
    else:
        op.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}")
    op.drop_table("change_signal")
