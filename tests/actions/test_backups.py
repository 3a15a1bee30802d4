"""Backups and restores: data leaving is audited, and a restore never loses the audit trail."""

from __future__ import annotations

import datetime as dt
import os
import stat

import pytest
from sqlalchemy import select

from reviewdesk import actions
from reviewdesk.errors import InvalidInput
from reviewdesk.storage import migrate
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


def _files(folder) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes (the data folder included)."""
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_a_refused_restore_copies_nothing(open_db, tmp_path) -> None:
    """The role is checked before anything is copied: no backup of the current data, no
    staged copy, nothing replaced."""
    admin = open_db("tester")
    _add_child(admin, "KEEP")
    backup = tmp_path / "backup.jsonl"
    actions.backup_database(admin, actions.whoami(admin), backup, dump=True)
    reader = open_db("reader", role="team_manager")
    admin.dispose()
    reader.engine.dispose()
    before = _files(tmp_path)
    with pytest.raises(actions.Refused, match=r"reader \(team manager.*cannot restore"):
        actions.restore_database(reader, actions.whoami(reader), backup)
    reader.engine.dispose()
    assert _files(tmp_path) == before


def test_a_restore_of_a_file_that_does_not_fit_leaves_nothing_behind(db, tmp_path) -> None:
    _add_child(db, "KEEP")
    orphan = tmp_path / "orphan.jsonl"
    head = migrate.head_revision()
    orphan.write_text(
        f'{{"format": "reviewdesk-dump", "version": 1, "revision": "{head}"}}\n'
        '{"t": "period_of_care", "r": {"id": 1, "child_id": 99, "start": "2024-01-01", '
        '"version": 1}}\n'
    )
    db.engine.dispose()
    before = _files(tmp_path)
    with pytest.raises(InvalidInput, match="orphan.jsonl: its rows do not fit together"):
        actions.restore_database(db, actions.whoami(db), orphan)
    db.engine.dispose()
    assert _files(tmp_path) == before
    with db.session() as s:
        assert [c.local_id for c in s.scalars(select(Child))] == ["KEEP"]


def test_a_backup_is_a_private_whole_file_never_over_the_database(tmp_path) -> None:
    db = open_as(str(tmp_path / "live.sqlite"), "tester")
    try:
        _add_child(db, "A")
        me = actions.whoami(db)
        copy = tmp_path / "copy.sqlite"
        old = os.umask(0)
        try:
            actions.backup_database(db, me, copy, dump=False)
        finally:
            os.umask(old)
        assert stat.S_IMODE(os.stat(copy).st_mode) == 0o600
        assert [p.name for p in tmp_path.iterdir() if ".part" in p.name] == []
        with pytest.raises(InvalidInput, match="already exists; use --force"):
            actions.backup_database(db, me, copy, dump=False)
        actions.backup_database(db, me, copy, dump=True, overwrite=True)  # only when asked
        assert copy.read_text(encoding="utf-8").startswith('{"format": "reviewdesk-dump"')
        link = tmp_path / "link.sqlite"
        link.symlink_to(tmp_path / "live.sqlite")
        live = (tmp_path / "live.sqlite").read_bytes()
        for target in (tmp_path / "live.sqlite", link):
            with pytest.raises(InvalidInput, match="is the database in use"):
                actions.backup_database(db, me, target, dump=True, overwrite=True)
        assert (tmp_path / "live.sqlite").read_bytes() == live
        with db.session() as s:
            assert len(list_audit(s, action="backup")) == 2  # the refused ones left none
    finally:
        db.dispose()


def test_restore_keeps_the_replaced_data_rotated_by_the_setting(tmp_path) -> None:
    db = open_as(str(tmp_path / "live.sqlite"), "tester")
    try:
        _add_child(db, "BEFORE")
        me = actions.whoami(db)
        copy = tmp_path / "copy.sqlite"
        actions.backup_database(db, me, copy, dump=False)
        actions.save_settings(db, me, {"backups_kept": (2, 0)})
        for n in range(4):
            _add_child(db, f"LATER{n}")  # so that each backup of the current data is new
            done = actions.restore_database(db, me, copy).result
            assert done.kept is not None and done.kept.name.startswith("live.sqlite.before-")
            actions.save_settings(db, me, {"backups_kept": (2, 0)})  # the copy has none
        kept = sorted(tmp_path.glob("live.sqlite.before-restore-*.bak"))
        assert len(kept) == 2
        assert all(stat.S_IMODE(os.stat(p).st_mode) == 0o600 for p in kept)
    finally:
        db.dispose()
