"""Schema migrations: Alembic, configured in code, with the scripts shipped in the package.

`open_database` calls `prepare_schema`: a new database is created by running every migration
(never ``create_all``), and an older one is upgraded after an online backup kept beside it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect, text

from reviewdesk.errors import ReviewdeskError

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
#: Tables only a reviewdesk database has; used to recognise one.
MARKER_TABLES = frozenset({"child", "meeting", "period_of_care", "audit_log"})
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
    """Run migrations up to ``revision`` on ``engine`` in one transaction where possible."""
    cfg = alembic_config(extra_versions)
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            # Batch mode copies tables; foreign keys must be off while it does (outside BEGIN).
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.commit()
        elif engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _PG_LOCK_KEY})
            conn.commit()
        try:
            with conn.begin():
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, revision)
            if engine.dialect.name == "sqlite":
                bad = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                conn.commit()
                if bad:
                    raise ReviewdeskError(
                        f"The database upgrade left broken links between records ({bad[:3]})."
                    )
        finally:
            if engine.dialect.name == "sqlite":
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                conn.commit()
            elif engine.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_LOCK_KEY})
                conn.commit()


def schema_state(engine: Engine) -> tuple[str | None, bool]:
    """(current revision, whether any reviewdesk table exists) for the database."""
    with engine.connect() as conn:
        revision = current_revision(conn)
        tables = set(inspect(conn).get_table_names())
    return revision, bool(tables & MARKER_TABLES)
