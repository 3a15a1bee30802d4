"""Backups and restores: data leaving is audited, and a restore never loses the audit trail."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from reviewdesk import actions
from reviewdesk.storage.audit import list_audit
from reviewdesk.storage.models import Child
from tests.dbfixtures import open_as


def _trail(db) -> list[tuple]:
    with db.session() as s:
        return [
            (e.at, e.username, e.action, e.table_name, e.record_id, e.before, e.after)
            for e in reversed(list_audit(s, limit=None))
        ]


def _add_child(db, local_id: str) -> None:
    with db.session() as s:
        s.add(Child(local_id=local_id, dob=dt.date(2016, 1, 1)))


def test_a_backup_is_recorded_as_data_leaving(db, tmp_path) -> None:
    _add_child(db, "A")
    _add_child(db, "B")
    done = actions.backup_database(db, actions.whoami(db), tmp_path / "b.jsonl", dump=True).result
    assert done.kind == "dump" and done.rows > 0 and done.children == 2
    with db.session() as s:
        [entry] = list_audit(s, action="backup")
    assert entry.username == "tester"
    assert entry.after["children"] == 2 and entry.after["file"].endswith("b.jsonl")


def test_an_export_records_what_where_and_how_many_children(db, tmp_path) -> None:
    changes = actions.record_export(
        db,
        actions.whoami(db),
        "weekly schedule",
        destination="printer",
        children=[3, 4, 4, 5],
        detail={"pages": 2},
    )
    assert changes.result.children == 3 and changes.kinds == {"weekly schedule", "audit_log"}
    with db.session() as s:
        [entry] = list_audit(s, action="export")
    assert (entry.username, entry.table_name) == ("tester", "weekly schedule")
    assert entry.after == {
        "what": "weekly schedule",
        "destination": "printer",
        "children": 3,
        "pages": 2,
    }


def _restore_keeps_the_trail(db, backup) -> None:
    replaced = _trail(db)
    changes = actions.restore_database(db, actions.whoami(db), backup)
    assert changes.everything
    after = _trail(db)
    # The backup's own entries are the start of the replaced trail: that whole trail is
    # still there, in order, then the restore's own entry.
    assert after[: len(replaced)] == replaced
    assert len(after) == len(replaced) + 1
    restore = after[-1]
    assert restore[1:5] == ("tester", "restore", "database", "*")
    assert restore[6]["file"] == str(backup)
    assert restore[6]["replaced_trail_entries_appended"] > 0
    with db.session() as s:
        assert [c.local_id for c in s.scalars(select(Child))] == ["BEFORE"]


def test_a_restore_from_a_dump_keeps_the_replaced_trail(db, tmp_path) -> None:
    _add_child(db, "BEFORE")
    backup = tmp_path / "backup.jsonl"
    actions.backup_database(db, actions.whoami(db), backup, dump=True)
    _add_child(db, "AFTER")  # undone by the restore; its audit entry is not
    _restore_keeps_the_trail(db, backup)


def test_a_restore_of_a_sqlite_file_keeps_the_replaced_trail(tmp_path) -> None:
    db = open_as(str(tmp_path / "live.sqlite"), "tester")
    try:
        _add_child(db, "BEFORE")
        backup = tmp_path / "copy.sqlite"
        actions.backup_database(db, actions.whoami(db), backup, dump=False)
        _add_child(db, "AFTER")
        _restore_keeps_the_trail(db, backup.resolve())
        kept = list(tmp_path.glob("live.sqlite.before-restore-*.bak"))
        assert len(kept) == 1  # the replaced data, beside the database
        assert not list(tmp_path.glob(".live.sqlite.restoring-*"))  # no staging left
    finally:
        db.dispose()
