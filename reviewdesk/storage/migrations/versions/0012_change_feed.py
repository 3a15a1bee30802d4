"""A change feed every login may read: which records of which children each change touched.

Revision ID: 0012
Revises: 0011

- ``change_feed``: one row per kind of record (the audit entry's ``table_name``) and child
  (its ``child_id``; 0 for a record of no child: staff, settings, an import's summary, a
  restore), with the change signal's counter of the last transaction that changed it. An
  open window that saw the signal at ``seen`` reads the rows with a counter above it and
  refreshes only those children (`reviewdesk.storage.signal.read_feed`), where it read the
  whole register again at every change of anyone's.
- The trigger of 0011 writes it, in the same call that bumps the signal, so a row is
  saved with its change, in its transaction, and tagged with the counter that transaction
  bumped to (the signal's row lock, held until the transaction ends, orders the
  transactions: no row can appear later with a counter a reader has already passed). A
  row already there is moved to the new counter, never duplicated: a transaction touching
  one meeting 20 times leaves one row, and the feed never holds more rows than kinds times
  children. Moving a row forward hides nothing: whoever had not seen the earlier change
  has not seen the later one either.
- ``change_signal.feed_since``: the feed holds every change with a counter above it. The
  trigger prunes the rows more than `KEEP` counters behind once the feed spans twice that
  (on PostgreSQL at the transaction's one bump, on SQLite at an entry's), raising it with
  them, so a reader whose ``seen`` is below it knows the feed no longer covers its gap (it
  reads everything, as before the feed). Set to the counter now: nothing before is in it.
- Entries that change no data (0011's `QUIET`) write nothing, as they bump nothing. On a
  server every login reads the feed, none writes it (`reviewdesk.storage.server`).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

TRIGGER = "reviewdesk_change_signal"
QUIET = ("export", "backup")
_CHANGES_DATA = "NEW.action NOT IN (" + ", ".join(f"'{a}'" for a in QUIET) + ")"
#: How many counters of changes the feed keeps at least (at most twice as many).
KEEP = 10_000
#: SQLite: the time as SQLAlchemy writes it (microseconds: six digits).
_SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f000', 'now')"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _pg_function(s: str, *, feed: bool) -> str:
    """0011's function (``feed`` False), or the one that also writes the feed."""
    head = (
        f"CREATE OR REPLACE FUNCTION {s}.{TRIGGER}() RETURNS trigger LANGUAGE plpgsql "
        "SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$\n"
    )
    if not feed:
        return head + (
            "BEGIN\n"
            f"  UPDATE {s}.change_signal\n"
            "     SET counter = counter + 1, changed_at = now(),\n"
            "         last_transaction = txid_current()\n"
            "   WHERE id = 1 AND last_transaction IS DISTINCT FROM txid_current();\n"
            "  RETURN NULL;\n"
            "END\n$fn$"
        )
    return head + (
        "DECLARE\n"
        "  now_counter bigint;\n"
        "  since bigint;\n"
        "BEGIN\n"
        "  -- Bumped by this transaction already (it holds the row till it ends): its counter.\n"
        f"  SELECT counter INTO now_counter FROM {s}.change_signal\n"
        "   WHERE id = 1 AND last_transaction = txid_current();\n"
        "  IF NOT FOUND THEN\n"
        "    -- The transaction's one bump (its first call), then the pruning, if due.\n"
        f"    UPDATE {s}.change_signal\n"
        "       SET counter = counter + 1, changed_at = now(),\n"
        "           last_transaction = txid_current()\n"
        "     WHERE id = 1\n"
        "    RETURNING counter, feed_since INTO now_counter, since;\n"
        "    IF NOT FOUND THEN\n"
        "      RETURN NULL;\n"
        "    END IF;\n"
        f"    IF now_counter - since > {2 * KEEP} THEN\n"
        f"      DELETE FROM {s}.change_feed WHERE counter <= now_counter - {KEEP};\n"
        f"      UPDATE {s}.change_signal SET feed_since = now_counter - {KEEP} WHERE id = 1;\n"
        "    END IF;\n"
        "  END IF;\n"
        f"  INSERT INTO {s}.change_feed AS f (counter, kind, child_id)\n"
        "  VALUES (now_counter, NEW.table_name, coalesce(NEW.child_id, 0))\n"
        "  ON CONFLICT (kind, child_id) DO UPDATE SET counter = excluded.counter\n"
        "  WHERE f.counter < excluded.counter;\n"
        "  RETURN NULL;\n"
        "END\n$fn$"
    )


def _sqlite_trigger(*, feed: bool) -> str:
    """0011's trigger (``feed`` False), or the one that also writes the feed."""
    bump = (
        f"UPDATE change_signal SET counter = counter + 1, changed_at = {_SQLITE_NOW} WHERE id = 1; "
    )
    body = bump
    if feed:
        body += (
            "INSERT INTO change_feed (counter, kind, child_id) "
            "SELECT counter, NEW.table_name, coalesce(NEW.child_id, 0) FROM change_signal "
            "WHERE id = 1 "
            "ON CONFLICT (kind, child_id) DO UPDATE SET counter = excluded.counter "
            "WHERE change_feed.counter < excluded.counter; "
            "DELETE FROM change_feed WHERE counter <= (SELECT counter - "
            f"{KEEP} FROM change_signal WHERE id = 1 AND counter - feed_since > {2 * KEEP}); "
            f"UPDATE change_signal SET feed_since = counter - {KEEP} "
            f"WHERE id = 1 AND counter - feed_since > {2 * KEEP}; "
        )
    return (
        f"CREATE TRIGGER {TRIGGER} AFTER INSERT ON audit_log WHEN {_CHANGES_DATA} BEGIN {body}END"
    )


def upgrade() -> None:
    op.create_table(
        "change_feed",
        sa.Column("kind", sa.String(50), nullable=False),
        sa.Column("child_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("counter", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "child_id", name=op.f("pk_change_feed")),
    )
    op.create_index("ix_change_feed_counter", "change_feed", ["counter"])
    op.add_column("change_signal", sa.Column("feed_since", sa.BigInteger(), nullable=True))
    op.execute("UPDATE change_signal SET feed_since = counter")
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        s = _quote(bind.execute(sa.text("SELECT current_schema()")).scalar_one())
        op.execute(_pg_function(s, feed=True))
    else:
        op.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}")
        op.execute(_sqlite_trigger(feed=True))


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        s = _quote(bind.execute(sa.text("SELECT current_schema()")).scalar_one())
        op.execute(_pg_function(s, feed=False))
    else:
        op.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}")
        op.execute(_sqlite_trigger(feed=False))
    op.drop_column("change_signal", "feed_since")
    op.drop_index("ix_change_feed_counter", table_name="change_feed")
    op.drop_table("change_feed")
