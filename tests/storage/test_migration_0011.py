"""Migration 0011 on a database made by the previous version: the change signal appears with
its one row, the next audit entry moves it, and the step goes back down (the trail still
taking entries without it).

That the step is all or nothing at every statement is tests/storage/test_migration_crashes.py
(which sweeps every upgrade there is)."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, text

from reviewdesk.storage import migrate
from reviewdesk.storage.db import make_engine, resolve_url
from reviewdesk.storage.signal import read_signal

ENTRY = (
    "INSERT INTO audit_log (at, username, action, table_name, record_id) "
    "VALUES (CURRENT_TIMESTAMP, 'amy', 'create', 'child', :r)"
)


def _triggers(conn) -> set[str]:  # noqa: ANN001
    if conn.dialect.name == "sqlite":
        found = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    else:
        found = (
            "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal "
            "AND tgrelid = CAST('audit_log' AS regclass)"
        )
    return set(conn.execute(text(found)).scalars())


def test_the_signal_appears_and_moves_with_the_next_entry(db_target) -> None:
    engine = make_engine(resolve_url(db_target))
    try:
        migrate.upgrade(engine, "0010")
        with engine.begin() as conn:
            conn.execute(text(ENTRY), [{"r": "1"}, {"r": "2"}])
        migrate.upgrade(engine, "0011")
        start = read_signal(engine)
        assert start.counter == 0 and start.changed_at is not None
        with engine.begin() as conn:
            assert conn.execute(text("SELECT count(*) FROM change_signal")).scalar() == 1
            conn.execute(text(ENTRY), [{"r": "3"}])
        moved = read_signal(engine)
        assert moved.counter == 1 and moved.changed_at >= start.changed_at
    finally:
        engine.dispose()


def test_the_step_goes_back_down(db_target) -> None:
    engine = make_engine(resolve_url(db_target))
    try:
        migrate.upgrade(engine, "0011")
        cfg = migrate.alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0010")
        with engine.begin() as conn:
            assert migrate.current_revision(conn) == "0010"
            assert "change_signal" not in inspect(conn).get_table_names()
            assert "reviewdesk_change_signal" not in _triggers(conn)
            conn.execute(text(ENTRY), [{"r": "4"}])  # the trail works without it
        migrate.upgrade(engine, "0011")  # and up again
        with engine.begin() as conn:
            conn.execute(text(ENTRY), [{"r": "5"}])
        assert read_signal(engine).counter == 1
    finally:
        engine.dispose()
