"""Migration 0012 on a database made by the previous version: the change feed appears empty,
reaching back to the signal as it stood (nothing before is in it), the next change writes
its row with the counter it bumped to, and the step goes back down to 0011's signal alone.

That the step is all or nothing at every statement is tests/storage/test_migration_crashes.py
(which sweeps every upgrade there is)."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, text

from reviewdesk.storage import migrate
from reviewdesk.storage.db import make_engine, resolve_url
from reviewdesk.storage.signal import read_feed, read_signal

ENTRY = (
    "INSERT INTO audit_log (at, username, action, table_name, record_id, child_id) "
    "VALUES (CURRENT_TIMESTAMP, 'amy', 'update', 'meeting', :r, :c)"
)


def test_the_feed_appears_empty_and_takes_the_next_change(db_target) -> None:
    engine = make_engine(resolve_url(db_target))
    try:
        migrate.upgrade(engine, "0011")
        with engine.begin() as conn:
            conn.execute(text(ENTRY), [{"r": "1", "c": 7}])
        before = read_signal(engine)
        assert before.counter == 1
        migrate.upgrade(engine, "0012")
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM change_feed")).scalar() == 0
            assert conn.execute(text("SELECT feed_since FROM change_signal")).scalar() == 1
        assert read_signal(engine) == before  # the step itself moves nothing
        with engine.begin() as conn:
            conn.execute(text(ENTRY), [{"r": "2", "c": 8}])
        now = read_signal(engine)
        assert now.counter == 2
        assert read_feed(engine, before, now, limit=10) == {("meeting", 8)}
        with engine.connect() as conn:
            row = conn.execute(text("SELECT kind, child_id, counter FROM change_feed")).one()
        assert tuple(row) == ("meeting", 8, 2)
    finally:
        engine.dispose()


def test_the_step_goes_back_down(db_target) -> None:
    engine = make_engine(resolve_url(db_target))
    try:
        migrate.upgrade(engine, "0012")
        cfg = migrate.alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0011")
        with engine.begin() as conn:
            assert migrate.current_revision(conn) == "0011"
            assert "change_feed" not in inspect(conn).get_table_names()
            columns = {c["name"] for c in inspect(conn).get_columns("change_signal")}
            assert "feed_since" not in columns
            conn.execute(text(ENTRY), [{"r": "3", "c": 9}])  # 0011's signal moves alone
        assert read_signal(engine).counter == 1
        migrate.upgrade(engine, "0012")  # and up again
        seen = read_signal(engine)
        with engine.begin() as conn:
            conn.execute(text(ENTRY), [{"r": "4", "c": 9}])
        assert read_feed(engine, seen, read_signal(engine), limit=10) == {("meeting", 9)}
    finally:
        engine.dispose()
