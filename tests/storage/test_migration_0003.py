"""Migration 0003 on a database made by the previous version: the rule overrides move from
the one setting into a row each (who last changed each kept from the audit trail), the
records people edit get versions, and the audit entries get their child."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text

from reviewdesk.rule_overrides import override_history, override_versions, stored_overrides
from reviewdesk.settings import all_settings
from reviewdesk.storage import migrate
from reviewdesk.storage.audit import list_audit
from reviewdesk.storage.db import make_engine, open_database, resolve_url
from reviewdesk.storage.models import ClosureDay, Report
from tests.dbfixtures import open_as

FIRST = {"id": "lac.review.first", "amount": 15, "source": "IRO standard"}
ICPC = {"id": "cp.icpc", "amount": 10, "source": "Local"}


def _old_database(target: str) -> None:
    """A database at schema 0002 with overrides, a report, a closure day and some audit."""
    engine = make_engine(resolve_url(target))
    try:
        migrate.upgrade(engine, "0002")
        with engine.begin() as conn:
            run = conn.exec_driver_sql
            overrides = "UPDATE setting SET value = {} WHERE key = 'rule_overrides'"
            run(overrides.format(_json([FIRST])))
            run(
                "INSERT INTO child (id, local_id, first_name, last_name, dob, version) "
                "VALUES (7, 'C7', 'Zoë', '', '2015-06-01', 1)"
            )
            run(
                "INSERT INTO meeting (id, child_id, process, meeting_type, sequence, status, "
                "duration_minutes, version) VALUES (3, 7, 'lac', 'lac_review', 1, 'booked', 90, 1)"
            )
            run("INSERT INTO report (id, meeting_id, author, agency) VALUES (5, 3, 'A', 'gp')")
            run("INSERT INTO closure_day (day, description) VALUES ('2024-12-27', 'Closed')")
            entries = [
                (
                    "2025-01-02 09:00:00",
                    "amy",
                    "update",
                    "setting",
                    "rule_overrides",
                    {"value": []},
                    {"value": [FIRST]},
                ),
                (
                    "2025-01-03 09:00:00",
                    "bob",
                    "update",
                    "setting",
                    "rule_overrides",
                    {"value": [FIRST]},
                    {"value": [FIRST, ICPC]},
                ),
                (
                    "2025-01-04 09:00:00",
                    "amy",
                    "update",
                    "report",
                    "5",
                    {"received": None, "meeting_id": 3},
                    {"received": "2025-01-04"},
                ),
                ("2025-01-04 10:00:00", "amy", "import", "child", "7", None, {"status": "new"}),
            ]
            for at, who, verb, table, record, before, after in entries:
                run(
                    "INSERT INTO audit_log (at, username, action, table_name, record_id, "
                    f"before, after) VALUES ('{at}', '{who}', '{verb}', '{table}', '{record}', "
                    f"{_json(before)}, {_json(after)})"
                )
            # The second change put cp.icpc in the list too.
            run(overrides.format(_json([FIRST, ICPC])))
    finally:
        engine.dispose()


def _json(value) -> str:
    import json

    return "NULL" if value is None else "'" + json.dumps(value).replace("'", "''") + "'"


def test_an_older_database_is_brought_forward(db_target) -> None:
    _old_database(db_target)
    db = open_as(db_target, "amy")  # upgrades it
    try:
        with db.engine.connect() as conn:
            assert migrate.current_revision(conn) == migrate.head_revision()
            assert (
                conn.execute(
                    text("SELECT COUNT(*) FROM setting WHERE key = 'rule_overrides'")
                ).scalar()
                == 0
            )
        with db.session() as s:
            assert stored_overrides(s) == [FIRST, ICPC]
            assert override_versions(s) == {"lac.review.first": 1, "cp.icpc": 1}
            history = override_history(s)
            assert history["lac.review.first"].username == "amy"
            assert history["cp.icpc"].username == "bob"
            assert history["cp.icpc"].at == dt.datetime(2025, 1, 3, 9, 0, tzinfo=dt.UTC)
            assert "rule_overrides" not in all_settings(s)
            assert s.get(Report, 5).version == 1
            assert s.get(ClosureDay, dt.date(2024, 12, 27)).version == 1
            by_record = {(e.table_name, e.record_id): e.child_id for e in list_audit(s, limit=None)}
        assert by_record[("report", "5")] == 7  # through its meeting
        assert by_record[("child", "7")] == 7
        assert by_record[("setting", "rule_overrides")] is None
        # The database's owner, made its first administrator when it was opened.
        assert db.username == "amy"
    finally:
        db.dispose()


def test_a_new_database_starts_at_the_head(tmp_path) -> None:
    db = open_database(tmp_path / "new.sqlite", username="amy")
    try:
        with db.session() as s:
            assert stored_overrides(s) == []
    finally:
        db.dispose()
