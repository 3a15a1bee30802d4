"""Schema migrations: Alembic, configured in code, with the scripts shipped in the package.

`open_database` calls `prepare_schema`: a new database is created by running every migration
(never ``create_all``), and an older one is upgraded after a backup.

Every run of `upgrade` is one transaction on both databases: the first creation and each
upgrade either happen completely or not at all, whatever statement a crash or a power cut
interrupts. PostgreSQL has transactional DDL and Alembic runs inside the transaction we open.
SQLite has it too, but Python's ``sqlite3`` driver only opens a transaction before INSERT,
UPDATE and DELETE, so CREATE/DROP/ALTER ran one by one in autocommit: `_upgrade_sqlite` turns
the driver's own transaction handling off and issues ``BEGIN IMMEDIATE``/``COMMIT`` itself
(SQLAlchemy's pysqlite "transactional DDL" recipe, for this one connection only).

Writing a migration that stays atomic (``tests/storage/test_migration_crashes.py`` kills the
process before every statement of every upgrade step, and checks the rules below):

- use ``op`` (and ``op.batch_alter_table`` to alter SQLite tables) and ``op.get_bind()`` for
  data changes; never open another connection or engine (it would wait for the lock the
  migration holds, then fail);
- never commit: no ``COMMIT``, no ``op.get_context().autocommit_block()``, no
  ``CREATE INDEX CONCURRENTLY`` (PostgreSQL refuses it in a transaction), no ``VACUUM``;
- no PRAGMA that cannot run in a transaction (``journal_mode``, ``foreign_keys``): foreign
  keys are already off while migrations run and are checked before the commit.

On PostgreSQL the migrations run as the owner of reviewdesk's tables (a login that may
become the owner does so for the transaction; anyone else is refused before anything
changes), so every table keeps one owner. On a database set up for a team (`server`), the
same transaction then re-applies the server's GRANTs, triggers and policies to every table,
those the migrations just added included; a migration that rewrites audit entries does so
on the trail's maintenance path, which records it. When a release changes them without a
migration, `reapply_protection` does the same (under the same lock) for the owner.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect, text

from reviewdesk.errors import ReviewdeskError
from reviewdesk.storage import locking, server
from reviewdesk.storage.sqlitefile import MARKER_TABLES

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
#: Any stable 64-bit number: serialises concurrent migrations on one PostgreSQL server.
_PG_LOCK_KEY = 7_318_004_211


def alembic_config(extra_versions: Sequence[str | Path] = ()) -> Config:
    """An Alembic configuration pointing at the packaged scripts (plus any extra folders)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    locations = [str(MIGRATIONS_DIR / "versions"), *(str(p) for p in extra_versions)]
    # One folder per line: a newline cannot occur in a path we would accept.
    cfg.set_main_option("path_separator", "newline")
    cfg.set_main_option("version_locations", "\n".join(locations))
    return cfg


def head_revision(extra_versions: Sequence[str | Path] = ()) -> str:
    heads = ScriptDirectory.from_config(alembic_config(extra_versions)).get_heads()
    if len(heads) != 1:
        raise RuntimeError(f"migrations must have exactly one head, found {heads}")
    return heads[0]


def known_revisions(extra_versions: Sequence[str | Path] = ()) -> set[str]:
    script = ScriptDirectory.from_config(alembic_config(extra_versions))
    return {rev.revision for rev in script.walk_revisions()}


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head", extra_versions: Sequence[str | Path] = ()):
    """Run the migrations up to ``revision`` on ``engine`` in one transaction: all or none."""
    cfg = alembic_config(extra_versions)
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            _upgrade_sqlite(conn, cfg, revision)
        elif engine.dialect.name == "postgresql":
            # Several people may start the app at once: one upgrades, the others wait.
            locking.wait_for_turn(conn, _PG_LOCK_KEY)
            conn.commit()
            try:
                with conn.begin():
                    groups = _as_owner(conn)
                    # The change signal's trigger waits for the end of a transaction, and
                    # PostgreSQL alters no table with calls waiting: a step that writes
                    # audit entries would stop every later step altering the trail.
                    conn.execute(text("SET CONSTRAINTS ALL IMMEDIATE"))
                    cfg.attributes["connection"] = conn
                    command.upgrade(cfg, revision)
                    if groups is not None:
                        server.apply(conn, groups)
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_LOCK_KEY})
                conn.commit()
        else:
            with conn.begin():
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, revision)


def reapply_protection(engine: Engine) -> bool:
    """PostgreSQL, a database set up for a team: re-apply the server's protection
    (`server.apply`) as its owner, in one transaction under the lock an upgrade takes, when
    it still differs from this version's once the lock is had (two owners starting at once
    re-apply it once). True if it did. `server.NotTheOwner` for a login that may not."""
    with engine.connect() as conn:
        locking.wait_for_turn(conn, _PG_LOCK_KEY)
        conn.commit()
        try:
            with conn.begin():
                owner = server.owner_of(conn)
                groups = server.groups_of(conn)
                if owner is None or groups is None or not server.out_of_date(conn, groups):
                    return False
                server.become_owner(conn, owner, "re-apply its protection")
                server.apply(conn, groups)
                return True
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_LOCK_KEY})
            conn.commit()


def _as_owner(conn: Connection) -> server.Groups | None:
    """PostgreSQL: act as the tables' owner for this transaction (`server.NotTheOwner` for
    a login that may not); the database's groups if it is set up for a team, when the
    audit trail's maintenance path is opened for the migrations."""
    owner = server.owner_of(conn)
    if owner is None:
        return None  # a new database: whoever creates it owns it
    server.become_owner(conn, owner, "upgrade its schema")
    groups = server.groups_of(conn)
    if groups is not None:
        conn.execute(text(f"SET LOCAL {server.MAINTENANCE_SETTING} = 'on'"))
    return groups


def _upgrade_sqlite(conn: Connection, cfg: Config, revision: str) -> None:
    """Alembic on SQLite inside one explicit transaction, DDL included."""
    raw = conn.connection.driver_connection
    conn.commit()  # nothing of SQLAlchemy's own may be pending
    legacy = raw.isolation_level
    raw.isolation_level = None  # the driver sends no BEGIN or COMMIT of its own now: we do
    try:
        # Batch mode copies tables; foreign keys must be off while it does (outside BEGIN).
        raw.execute("PRAGMA foreign_keys=OFF")
        # SQLAlchemy's transaction (the driver sends nothing for it) makes Alembic treat the
        # connection as in a transaction of the caller's, so it never commits between steps.
        transaction = conn.begin()
        try:
            # IMMEDIATE: the write lock now, so two starts at once upgrade one after the other.
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
            bad = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if bad:
                raise ReviewdeskError(
                    f"The database upgrade would leave broken links between records ({bad[:3]}); "
                    "nothing was changed."
                )
        except BaseException:
            transaction.rollback()  # the driver's rollback() ends our BEGIN too
            raise
        transaction.commit()  # and its commit() commits it (SQLite is in a transaction)
        if raw.in_transaction:  # pragma: no cover - a driver that did not commit
            raise ReviewdeskError("The database upgrade was not committed.")
    finally:
        with contextlib.suppress(Exception):
            raw.execute("PRAGMA foreign_keys=ON")
        raw.isolation_level = legacy


def schema_state(engine: Engine) -> tuple[str | None, bool]:
    """(current revision, whether any reviewdesk table exists) for the database."""
    with engine.connect() as conn:
        revision = current_revision(conn)
        tables = set(inspect(conn).get_table_names())
    return revision, bool(tables & MARKER_TABLES)
