"""`reviewdesk backup FILE` and `reviewdesk restore FILE`."""

from __future__ import annotations

import datetime as dt
import sqlite3
import stat

from reviewdesk.storage.db import open_database
from reviewdesk.storage.models import Child
from tests.storage.cli_helpers import cli


def _children(path) -> list[str]:
    db = open_database(path)
    try:
        with db.session() as s:
            return sorted(c.local_id for c in s.query(Child))
    finally:
        db.dispose()


def _add(path, local_id) -> None:
    db = open_database(path)
    try:
        with db.session() as s:
            s.add(Child(local_id=local_id, dob=dt.date(2016, 1, 1)))
    finally:
        db.dispose()


def test_backup_then_restore(tmp_path, capsys):
    live = tmp_path / "live.sqlite"
    copy = tmp_path / "copies" / "monday.sqlite"
    copy.parent.mkdir()  # a folder that does not exist is refused (a mistyped path)
    _add(live, "MON")
    held_open = open_database(live)  # the app is open meanwhile: the backup is online
    try:
        assert cli(live, "backup", str(copy)) == 0
    finally:
        held_open.dispose()
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert "Backed up" in capsys.readouterr().out
    assert cli(live, "backup", str(copy)) == 2  # will not overwrite without --force
    assert "already exists" in capsys.readouterr().err

    _add(live, "TUE")
    assert cli(live, "restore", str(copy)) == 0
    out = capsys.readouterr().out
    assert "Kept the current data as" in out
    assert _children(live) == ["MON"]
    kept = list(tmp_path.glob("live.sqlite.before-restore-*.bak"))
    assert len(kept) == 1
    conn = sqlite3.connect(kept[0])
    try:
        assert sorted(r[0] for r in conn.execute("SELECT local_id FROM child")) == ["MON", "TUE"]
    finally:
        conn.close()


def test_restore_refuses_a_file_that_is_not_ours(tmp_path, capsys):
    live = tmp_path / "live.sqlite"
    _add(live, "KEEP")
    other = tmp_path / "other.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE notes (x)")
    conn.commit()
    conn.close()
    text = tmp_path / "notes.txt"
    text.write_text("hello " * 1000)
    assert cli(live, "restore", str(other)) == 2
    assert "is not a reviewdesk database" in capsys.readouterr().err
    assert cli(live, "restore", str(text)) == 2
    assert "is not a reviewdesk database" in capsys.readouterr().err
    assert cli(live, "restore", str(tmp_path / "missing.sqlite")) == 2
    assert _children(live) == ["KEEP"]
    assert not list(tmp_path.glob("*.bak"))


def test_restore_refuses_a_newer_schema(tmp_path, capsys):
    live, future = tmp_path / "live.sqlite", tmp_path / "future.sqlite"
    _add(live, "KEEP")
    _add(future, "FUTURE")
    conn = sqlite3.connect(future)
    conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    conn.commit()
    conn.close()
    assert cli(live, "restore", str(future)) == 2
    assert "newer version of reviewdesk" in capsys.readouterr().err
    assert _children(live) == ["KEEP"]
