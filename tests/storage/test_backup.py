"""Automatic backups: taken whole before every upgrade and restore, not twice of the same
data, rotated by the ``backups_kept`` setting; a refused restore leaves nothing behind."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest

from reviewdesk.storage import backup, migrate
from reviewdesk.storage.db import open_database
from reviewdesk.storage.models import Child
from tests.actions.shortcuts import save_setting
from tests.dbfixtures import cli_identity, ensure_user
from tests.storage.cli_helpers import cli

EXTRA = Path(__file__).parent / "extra_versions"


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def _new_db(
    path: Path, local_id: str = "C1", kept: int | None = None, admin: str | None = None
) -> None:
    """A database with one child; ``kept`` sets ``backups_kept``; ``admin`` is put on its
    user list as an administrator (besides its owner, the account running the tests)."""
    db = open_database(path)
    try:
        with db.session() as s:
            s.add(Child(local_id=local_id, dob=dt.date(2016, 1, 1)))
        if kept is not None:
            save_setting(db, "backups_kept", kept)
        if admin is not None:
            ensure_user(db, admin, "administrator")
    finally:
        db.dispose()


def _downgrade(path: Path) -> None:
    """Make the file look like an older version's: the shipped head, under which the test
    migration (`EXTRA`) is one step more."""
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = ?", (migrate.head_revision(),))
    conn.commit()
    conn.close()


def test_a_backup_is_kept_whole_and_private(tmp_path):
    live = tmp_path / "live.sqlite"
    _new_db(live)
    old = os.umask(0o000)
    try:
        kept = backup.keep_backup(live, "before-restore")
    finally:
        os.umask(old)
    assert kept.new and kept.path.name.startswith("live.sqlite.before-restore-")
    assert stat.S_IMODE(os.stat(kept.path).st_mode) == 0o600
    assert backup.reviewdesk_revision(kept.path)
    assert [n for n in _files(tmp_path) if ".part" in n] == []


def test_the_same_data_is_not_backed_up_twice(tmp_path):
    live = tmp_path / "live.sqlite"
    _new_db(live)
    first = backup.keep_backup(live, "before-upgrade-from-0002")
    again = backup.keep_backup(live, "before-upgrade-from-0002")  # a retry after a crash
    assert again == backup.Kept(first.path, new=False)
    assert len(backup.automatic_backups(live)) == 1
    _new_db(live, "C2")  # changed: a new copy
    changed = backup.keep_backup(live, "before-upgrade-from-0002")
    assert changed.new and len(backup.automatic_backups(live)) == 2


def test_only_the_newest_backups_are_kept(tmp_path):
    live = tmp_path / "live.sqlite"
    _new_db(live, "C0", kept=3)
    for n in range(1, 6):
        _new_db(live, f"C{n}")
        backup.keep_backup(live, "before-restore")
    kept = backup.automatic_backups(live)
    assert len(kept) == 3
    children = []
    for path in kept:
        conn = sqlite3.connect(path)
        children.append(conn.execute("SELECT count(*) FROM child").fetchone()[0])
        conn.close()
    assert children == [4, 5, 6]  # the three newest, oldest first
    mine = tmp_path / "live.sqlite.monday.bak"  # a person's own copy is never rotated
    shutil.copyfile(kept[0], mine)
    backup.keep_backup(live, "before-restore", keep=1)
    assert mine.exists() and len(backup.automatic_backups(live)) == 1


def test_the_default_is_five(tmp_path):
    live = tmp_path / "live.sqlite"
    _new_db(live, "C0")
    for n in range(7):
        _new_db(live, f"D{n}")
        backup.keep_backup(live, "before-restore")
    assert len(backup.automatic_backups(live)) == backup.DEFAULT_KEPT == 5


def test_an_upgrade_retried_after_a_crash_reuses_its_backup(tmp_path, caplog):
    live = tmp_path / "live.sqlite"
    _new_db(live)
    _downgrade(live)
    kept = backup.keep_backup(live, f"before-upgrade-from-{migrate.head_revision()}")  # then died
    leftover = tmp_path / f".live.sqlite.before-upgrade-x.bak.{2**22 + 7}-zz.part"
    leftover.write_bytes(b"half a copy")
    db = open_database(live, extra_migrations=[EXTRA])
    db.dispose()
    assert db.upgrade_backup == kept.path
    assert "taken on an earlier try" in db.warnings[-1] and str(kept.path) in db.warnings[-1]
    assert backup.automatic_backups(live) == [kept.path]
    assert not leftover.exists()


def test_a_refused_restore_leaves_nothing_behind(tmp_path, capsys):
    live = tmp_path / "live.sqlite"
    _new_db(live, "KEEP")
    before = live.read_bytes()
    good = tmp_path / "good.sqlite"
    _new_db(good, "GOOD")
    bad_dump = tmp_path / "bad.jsonl"
    bad_dump.write_text(
        '{"format": "reviewdesk-dump", "version": 1, "revision": "0002"}\n'
        '{"t": "child", "r": {"id": 1, "local_id": "X", "first_name": "", "last_name": "", '
        '"version": 1, "dob": "2020-13-45"}}\n'
    )
    orphan_dump = tmp_path / "orphan.jsonl"
    orphan_dump.write_text(
        '{"format": "reviewdesk-dump", "version": 1, "revision": "0002"}\n'
        '{"t": "period_of_care", "r": {"id": 1, "child_id": 99, "start": "2024-01-01", '
        '"version": 1}}\n'
    )
    newer = tmp_path / "newer.sqlite"
    shutil.copyfile(good, newer)
    conn = sqlite3.connect(newer)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    folder = _files(tmp_path)
    for source in (bad_dump, orphan_dump, newer):
        assert cli(live, "restore", str(source)) == 2, source
        err = capsys.readouterr().err
        assert str(source) in err and "Traceback" not in err
        assert _files(tmp_path) == folder  # no backup of the current data, no temporaries
        assert live.read_bytes() == before
    assert cli(live, "restore", str(good)) == 0  # and a good one still works
    assert len(backup.automatic_backups(live)) == 1


def test_restore_refuses_a_target_that_is_not_ours(tmp_path, capsys):
    good = tmp_path / "good.sqlite"
    _new_db(good, "GOOD")
    other = tmp_path / "other-app.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.commit()
    conn.close()
    data = other.read_bytes()
    assert cli(other, "restore", str(good)) == 2
    assert "not a reviewdesk database" in capsys.readouterr().err
    assert other.read_bytes() == data
    assert _files(tmp_path) == ["good.sqlite", "other-app.sqlite"]


def test_restore_into_a_new_file_makes_it(tmp_path, capsys):
    good = tmp_path / "good.sqlite"
    _new_db(good, "GOOD")
    target = tmp_path / "new" / "restored.sqlite"
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"format": "reviewdesk-dump", "version": 1, "revision": "0001"}\n{oops\n')
    assert cli(target, "restore", str(bad)) == 2  # checked whole before anything is made
    assert str(bad) in capsys.readouterr().err
    assert not target.parent.exists()
    assert cli(target, "restore", str(good)) == 0
    out = capsys.readouterr().out
    assert "Restored" in out and "Kept the current data" not in out  # nothing to keep
    assert _files(target.parent) == ["restored.sqlite"]
    db = open_database(target, create=False)
    with db.session() as s:
        assert [c.local_id for c in s.query(Child)] == ["GOOD"]
    db.dispose()
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600


@pytest.mark.postgres
def test_a_postgresql_restore_keeps_a_rotated_dump(pg_target, tmp_path, private_data_folder):
    good = tmp_path / "good.sqlite"
    # The restore brings the backup's user list: the server's login must be on it to restore
    # again (and to change the setting).
    _new_db(good, "GOOD", admin=cli_identity(pg_target))
    for _ in range(3):
        server = open_database(pg_target)
        try:
            save_setting(server, "backups_kept", 2)  # before each restore: the backup has 5
        finally:
            server.dispose()
        assert cli(pg_target, "restore", str(good)) == 0
    dumps = sorted(private_data_folder.glob("*.before-restore-*.jsonl"))
    assert len(dumps) == 2
    assert all(stat.S_IMODE(os.stat(p).st_mode) == 0o600 for p in dumps)
