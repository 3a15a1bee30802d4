"""Before upgrading a PostgreSQL database reviewdesk takes a pg_dump into the data folder, or
refuses with the exact command to run (and goes ahead once told the backup is made)."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from reviewdesk.cli.main import main
from reviewdesk.storage import backup, migrate, pgbackup
from reviewdesk.storage.db import open_database
from reviewdesk.storage.models import Child

EXTRA = Path(__file__).parent / "extra_versions"
pytestmark = pytest.mark.postgres


def _revision(url: str) -> str:
    db = open_database(url)
    try:
        with db.engine.connect() as conn:
            return migrate.current_revision(conn)
    finally:
        db.dispose()


@pytest.fixture
def older(pg_target):
    """A PostgreSQL database at the shipped head, which the test migration will upgrade."""
    db = open_database(pg_target)
    with db.session() as s:
        s.add(Child(local_id="OLD1", dob=dt.date(2019, 5, 5)))
    db.dispose()
    return pg_target


def test_without_pg_dump_the_upgrade_is_refused_with_the_command(older, monkeypatch, capsys):
    monkeypatch.setattr(pgbackup.shutil, "which", lambda _name: None)
    monkeypatch.delenv(pgbackup.CONFIRM_ENV, raising=False)
    with pytest.raises(pgbackup.UpgradeNeedsBackup) as refused:
        open_database(older, extra_migrations=[EXTRA])
    message = str(refused.value)
    assert "pg_dump is not installed" in message
    assert "pg_dump --format=plain --file=" in message and "--schema=" in message
    assert f"{pgbackup.CONFIRM_ENV}=1" in message and "Nothing was changed" in message
    assert _revision(older) == migrate.head_revision()  # not upgraded

    monkeypatch.setenv(pgbackup.CONFIRM_ENV, "1")  # the person made the backup themselves
    db = open_database(older, extra_migrations=[EXTRA])
    db.dispose()
    assert db.upgrade_backup is None
    assert pgbackup.CONFIRM_ENV in db.warnings[-1]
    with db.engine.connect() as conn:
        assert migrate.current_revision(conn) == "0003_test"


def test_a_failing_pg_dump_is_refused_and_its_reason_shown(older, monkeypatch, tmp_path):
    fake = tmp_path / "bin" / "pg_dump"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\necho 'pg_dump: error: server version mismatch' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.delenv(pgbackup.CONFIRM_ENV, raising=False)
    with pytest.raises(pgbackup.UpgradeNeedsBackup, match="server version mismatch"):
        open_database(older, extra_migrations=[EXTRA])
    data = Path(os.environ["XDG_DATA_HOME"]) / "reviewdesk"
    assert not any(".part" in p.name or p.suffix == ".sql" for p in data.iterdir())


def test_the_command_line_refuses_with_status_2(older, monkeypatch, capsys):
    monkeypatch.setattr(pgbackup.shutil, "which", lambda _name: None)
    monkeypatch.delenv(pgbackup.CONFIRM_ENV, raising=False)
    shipped = migrate.head_revision()
    monkeypatch.setattr(migrate, "head_revision", lambda extra=(): "0003_test")
    known = {*migrate.known_revisions(), "0003_test"}
    monkeypatch.setattr(migrate, "known_revisions", lambda extra=(): known)
    assert shipped in known
    assert main(["--db", older, "flags", "--as-of", "2025-01-06"]) == 2
    err = capsys.readouterr().err
    assert "pg_dump --format=plain" in err and "Traceback" not in err


def test_a_retry_reuses_the_dump_and_old_dumps_are_rotated(older, private_data_folder):
    url = make_url(older)
    first = pgbackup.backup_before_upgrade(older, migrate.head_revision(), "0003_test", keep=2)
    assert first.new and first.path.parent == private_data_folder
    assert stat.S_IMODE(os.stat(first.path).st_mode) == 0o600
    assert "OLD1" in first.path.read_text(encoding="utf-8")
    again = pgbackup.backup_before_upgrade(older, migrate.head_revision(), "0003_test", keep=2)
    assert again == pgbackup.Kept(first.path, new=False)  # the same data: no second dump
    for n in range(3):
        db = open_database(older)
        with db.session() as s:
            s.add(Child(local_id=f"NEW{n}", dob=dt.date(2020, 1, 1)))
        db.dispose()
        pgbackup.backup_before_upgrade(older, migrate.head_revision(), "0003_test", keep=2)
    dumps = backup.automatic_backups(pgbackup.backup_base(url), pgbackup.SUFFIX)  # oldest first
    assert len(dumps) == 2
    assert set(dumps) == set(private_data_folder.glob(f"{url.database}.*.before-upgrade-*.sql"))
    assert "NEW2" in dumps[-1].read_text(encoding="utf-8")


def test_the_password_never_appears_in_the_command_shown():
    url = make_url("postgresql+psycopg://iro:s3cret@db.council.local:5432/reviewdesk")
    command = " ".join(pgbackup.dump_command(url, "x.sql"))
    assert "s3cret" not in command
    assert "--dbname=postgresql://iro@db.council.local:5432/reviewdesk" in command


def test_the_dump_is_plain_sql_a_dba_can_read(older):
    kept = pgbackup.backup_before_upgrade(older, migrate.head_revision(), "0003_test", keep=5)
    dump = kept.path.read_text(encoding="utf-8")
    assert "PostgreSQL database dump" in dump and "CREATE TABLE" in dump
    with open_database(older).engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM child")).scalar() == 1


def test_a_table_someone_has_locked_refuses_the_upgrade_at_once(older, monkeypatch):
    """pg_dump waited for a locked table until its own time ran out (ten minutes), with the
    upgrade, and everyone starting the new version, waiting behind it."""
    import time

    from reviewdesk.storage import locking

    monkeypatch.setattr(locking, "LOCK_TIMEOUT_MS", 300)
    holder = open_database(older)
    try:
        with holder.engine.connect() as conn:
            conn.execute(text("LOCK TABLE child IN ACCESS EXCLUSIVE MODE"))
            started = time.monotonic()
            with pytest.raises(pgbackup.UpgradeNeedsBackup) as refused:
                pgbackup.backup_before_upgrade(older, migrate.head_revision(), "0003_test", keep=2)
            assert time.monotonic() - started < 30
            conn.rollback()
    finally:
        holder.dispose()
    assert "pg_dump failed" in str(refused.value) and "lock" in str(refused.value)
