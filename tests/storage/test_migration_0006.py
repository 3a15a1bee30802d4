"""Migration 0006 on a database made by the previous version: IRO oversight's tables appear,
empty but for the ten themes councils start with, and nothing already stored changes; the
new records are usable at once (audited under their child), and the step goes back down.

That the step is all or nothing at every statement is tests/storage/test_migration_crashes.py
(which sweeps every upgrade there is)."""

from __future__ import annotations

import datetime as dt

from alembic import command
from sqlalchemy import inspect, select, text

from reviewdesk import actions
from reviewdesk.oversight.words import DEFAULT_THEMES
from reviewdesk.storage import migrate
from reviewdesk.storage.db import make_engine, resolve_url
from reviewdesk.storage.models import AuditEntry, Child, EscalationTheme, Meeting, Staff
from tests.dbfixtures import open_as

NEW_TABLES = {"escalation_theme", "escalation", "escalation_stage", "iro_contact", "child_voice"}


def _old_database(target: str) -> None:
    """A database at schema 0003 holding a child, a conference recorded as not quorate and
    its administrator, amy."""
    engine = make_engine(resolve_url(target))
    try:
        migrate.upgrade(engine, "0003")
        with engine.begin() as conn:
            run = conn.exec_driver_sql
            run(
                "INSERT INTO app_user (id, username, display_name, role, active, version) "
                "VALUES (1, 'amy', 'Amy', 'administrator', true, 1)"
            )
            run(
                "INSERT INTO staff (id, name, role, fte, active, version) "
                "VALUES (4, 'Máire Ó Briain', 'cp_chair', 1.0, true, 1)"
            )
            run(
                "INSERT INTO child (id, local_id, first_name, last_name, dob, version) "
                "VALUES (7, 'C7', 'Zoë', '', '2015-06-01', 1)"
            )
            run(
                "INSERT INTO meeting (id, child_id, process, meeting_type, sequence, status, "
                "booked_date, held_date, quorate, chair_id, duration_minutes, version) VALUES "
                "(3, 7, 'cp', 'rcpc_first', 1, 'held', '2024-04-03', '2024-04-03', false, 4, 90, 1)"
            )
    finally:
        engine.dispose()


def test_an_older_database_is_brought_forward(db_target) -> None:
    _old_database(db_target)
    db = open_as(db_target, "amy")  # upgrades it
    try:
        with db.engine.connect() as conn:
            assert migrate.current_revision(conn) == migrate.head_revision()
            assert set(inspect(conn).get_table_names()) >= NEW_TABLES
            for table in NEW_TABLES - {"escalation_theme"}:
                assert conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar() == 0
        with db.session() as s:
            themes = s.scalars(select(EscalationTheme).order_by(EscalationTheme.id)).all()
            assert tuple(t.text for t in themes) == DEFAULT_THEMES
            assert all(t.active and t.version == 1 for t in themes)
            meeting = s.get(Meeting, 3)
            assert (meeting.quorate, meeting.held_date) == (False, dt.date(2024, 4, 3))
            assert s.get(Child, 7).first_name == "Zoë" and s.get(Staff, 4).role == "cp_chair"
        # The new tables work at once (a new theme gets the next id on PostgreSQL too).
        me = actions.whoami(db)
        theme = actions.add_escalation_theme(db, me, "Housing").result
        assert theme == len(DEFAULT_THEMES) + 1
        contact = actions.NewContact(4, dt.date(2024, 4, 5), "call", True)
        actions.record_contact(db, me, 7, contact, as_of=dt.date(2024, 4, 10))
        with db.session() as s:
            entry = s.scalar(select(AuditEntry).where(AuditEntry.table_name == "iro_contact"))
            assert entry.child_id == 7 and entry.username == "amy"
    finally:
        db.dispose()


def test_the_step_goes_back_down(db_target) -> None:
    _old_database(db_target)
    engine = make_engine(resolve_url(db_target))
    try:
        migrate.upgrade(engine, "0006")
        cfg = migrate.alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0003")
        with engine.connect() as conn:
            assert migrate.current_revision(conn) == "0003"
            assert not NEW_TABLES & set(inspect(conn).get_table_names())
            assert conn.execute(text("SELECT quorate FROM meeting WHERE id = 3")).scalar() in (
                False,
                0,
            )
    finally:
        engine.dispose()
