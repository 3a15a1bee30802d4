"""Opening the database: a private SQLite file, pragmas, migrations, upgrades with a backup."""

from __future__ import annotations

import datetime as dt
import logging
import os
import sqlite3
import stat
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text

from reviewdesk import codes
from reviewdesk.errors import ReviewdeskError
from reviewdesk.settings import DEFAULTS, all_settings
from reviewdesk.storage import db as dbmod
from reviewdesk.storage import migrate, netshare
from reviewdesk.storage.db import open_database, resolve_url
from reviewdesk.storage.models import Base, Child, LateReason

EXTRA = Path(__file__).parent / "extra_versions"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_new_sqlite_file_is_private_and_has_the_pragmas(tmp_path, monkeypatch):
    monkeypatch.setattr("os.umask", lambda *_: 0o022)
    path = tmp_path / "sub" / "rd.sqlite"
    db = open_database(path, username="amy")
    try:
        with db.session() as s:
            s.add(Child(local_id="C1", dob=dt.date(2020, 1, 1)))
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10000
            files = [path, Path(f"{path}-wal"), Path(f"{path}-shm")]
            for f in files:
                assert f.exists(), f
                assert _mode(f) == 0o600, (f, oct(_mode(f)))
    finally:
        db.dispose()


def test_a_database_made_read_only_is_not_made_writable(tmp_path):
    """Opening a database kept its privacy by setting mode 600, which also gave a file made
    read-only (444) back its write permission: now only the group's and others' go."""
    path = tmp_path / "rd.sqlite"
    open_database(path, username="amy").dispose()
    for mode, kept in ((0o444, 0o400), (0o644, 0o600), (0o600, 0o600)):
        os.chmod(path, mode)
        db = open_database(path, username="amy")
        try:
            assert _mode(path) == kept, oct(mode)
        finally:
            db.dispose()
        os.chmod(path, 0o600)


def test_default_file_lives_in_the_user_data_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("REVIEWDESK_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    url = resolve_url(None)
    assert url == f"sqlite:///{tmp_path / 'xdg' / 'reviewdesk' / 'reviewdesk.sqlite'}"
    db = open_database(None)
    try:
        assert (tmp_path / "xdg" / "reviewdesk" / "reviewdesk.sqlite").is_file()
        assert _mode(tmp_path / "xdg" / "reviewdesk") == 0o700
    finally:
        db.dispose()


def test_plain_postgresql_urls_use_psycopg3():
    assert resolve_url("postgresql://u@h/d") == "postgresql+psycopg://u@h/d"


def test_a_new_database_is_migrated_and_seeded(db, open_db):
    assert db.created
    assert not open_db("second").created
    with db.engine.connect() as conn:
        assert migrate.current_revision(conn) == migrate.head_revision()
    with db.session() as s:
        reasons = [r.text for r in s.scalars(select(LateReason).order_by(LateReason.id))]
        assert tuple(reasons) == codes.DEFAULT_LATE_REASONS
        assert all_settings(s) == DEFAULTS


def test_migrations_match_the_models(db):
    with db.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diffs == []


def test_an_older_database_is_upgraded_after_a_backup(open_db, db_target, private_data_folder):
    first = open_db("amy")
    with first.session() as s:
        s.add(Child(local_id="OLD1", dob=dt.date(2019, 5, 5)))
    first.dispose()

    previous = migrate.head_revision()  # the shipped head, which the test migration follows
    upgraded = open_db("amy", extra_migrations=[EXTRA])
    with upgraded.engine.connect() as conn:
        assert migrate.current_revision(conn) == "0003_test"
        assert "test_extra" in inspect(conn).get_table_names()
        assert conn.execute(text("SELECT local_id FROM child")).scalars().all() == ["OLD1"]
    with upgraded.session() as s:  # the ORM still works, foreign keys still on
        s.add(Child(local_id="NEW1", dob=dt.date(2020, 5, 5)))

    if upgraded.is_sqlite:
        kept = upgraded.upgrade_backup
        assert kept is not None and kept.parent == Path(db_target).parent
        assert kept.name.startswith(f"reviewdesk.sqlite.before-upgrade-from-{previous}-")
        assert _mode(kept) == 0o600
        conn = sqlite3.connect(kept)
        try:
            assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (previous,)
            assert conn.execute("SELECT local_id FROM child").fetchall() == [("OLD1",)]
        finally:
            conn.close()
        with upgraded.engine.connect() as c:
            assert c.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    else:  # a pg_dump in the data folder, private, holding the data as it was
        kept = upgraded.upgrade_backup
        assert kept is not None and kept.parent == private_data_folder
        assert f".before-upgrade-from-{previous}-" in kept.name and kept.suffix == ".sql"
        assert _mode(kept) == 0o600
        dump = kept.read_text(encoding="utf-8")
        assert "CREATE TABLE" in dump and "OLD1" in dump and "test_extra" not in dump
    assert str(kept) in upgraded.warnings[-1]  # the message says where the copy is

    again = open_db("amy", extra_migrations=[EXTRA])  # already current: no new backup
    assert again.upgrade_backup is None


def test_a_database_from_a_newer_version_is_refused(open_db):
    first = open_db()
    with first.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    first.dispose()
    with pytest.raises(ReviewdeskError, match="newer version of reviewdesk"):
        open_db()


def test_unversioned_tables_are_refused(tmp_path):
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE child (id INTEGER PRIMARY KEY)")
    conn.commit()
    conn.close()
    with pytest.raises(ReviewdeskError, match="no schema version"):
        open_database(path)


MOUNTS = r"""sysfs /sys sysfs rw 0 0
/dev/sda1 / ext4 rw,relatime 0 0
server:/export /mnt/nfs nfs4 rw 0 0
//fs01/Children\040Services /mnt/shared cifs rw 0 0
bob@host:/home/bob /home/me/remote fuse.sshfs rw 0 0
/dev/sdb1 /mnt/nfs/local ext4 rw 0 0
"""


@pytest.mark.parametrize(
    ("path", "fs", "remote"),
    [
        ("/home/me/reviewdesk.sqlite", "ext4", False),
        ("/mnt/nfs/team/reviewdesk.sqlite", "nfs4", True),
        ("/mnt/shared/IRO/reviewdesk.sqlite", "cifs", True),
        ("/home/me/remote/reviewdesk.sqlite", "fuse.sshfs", True),
        ("/mnt/nfs/local/reviewdesk.sqlite", "ext4", False),  # a local disk mounted inside
        ("/mnt/nfsextra/reviewdesk.sqlite", "ext4", False),  # not a prefix by path parts
    ],
)
def test_network_file_systems_are_recognised(path, fs, remote):
    assert netshare.filesystem_type(path, MOUNTS) == fs
    warning = netshare.network_share_warning(path, mounts=MOUNTS)
    if remote:
        assert warning is not None and "PostgreSQL" in warning and path in warning
        assert "postgresql+psycopg://" in warning
    else:
        assert warning is None


def test_mount_points_with_spaces_are_unescaped():
    assert netshare.filesystem_type("/mnt/Children Services/db.sqlite", MOUNTS) == "ext4"
    mounts = MOUNTS + "//fs/x /mnt/Children\\040Services cifs rw 0 0\n"
    assert netshare.filesystem_type("/mnt/Children Services/db.sqlite", mounts) == "cifs"


def test_unc_paths_are_network_shares():
    assert netshare.on_network_share(r"\\fileserver\iro\reviewdesk.sqlite")
    assert netshare.network_share_warning(r"\\fileserver\iro\reviewdesk.sqlite")


def test_opening_a_file_on_a_share_warns_and_logs(tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(netshare.sys, "platform", "linux")
    monkeypatch.setattr(netshare, "filesystem_type", lambda *_a, **_k: "cifs")
    with caplog.at_level(logging.WARNING, logger=dbmod.__name__):
        db = open_database(tmp_path / "rd.sqlite")
    db.dispose()
    assert len(db.warnings) == 1 and "network share" in db.warnings[0]
    assert "PostgreSQL" in db.warnings[0]
    assert any("network share" in r.getMessage() for r in caplog.records)


def test_a_local_file_gives_no_warning(tmp_path):
    db = open_database(tmp_path / "rd.sqlite")
    db.dispose()
    assert db.warnings == []


def test_an_in_memory_database_works_for_quick_tests():
    db = open_database(":memory:", username="amy")
    try:
        with db.session() as s:
            s.add(Child(local_id="M1", dob=dt.date(2020, 1, 1)))
        with db.session() as s:
            assert [c.local_id for c in s.scalars(select(Child))] == ["M1"]
            assert len(all_settings(s)) >= len(DEFAULTS)
    finally:
        db.dispose()


def test_the_postgres_fixture_fails_in_ci_without_a_server(monkeypatch):
    from tests.dbfixtures import PG_ENV, postgres_url

    monkeypatch.delenv(PG_ENV, raising=False)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must test PostgreSQL"):
        postgres_url()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception):
        postgres_url()


@pytest.mark.parametrize(
    "url", ["postgresql+psycopg://nobody@127.0.0.1:abc/none", "postgresql://me:secret@[::1/x"]
)
def test_an_address_that_cannot_be_read_is_said_so_without_its_password(url):
    from reviewdesk.errors import InvalidInput

    with pytest.raises(InvalidInput, match="cannot be read as a database address") as refused:
        resolve_url(url)
    assert "secret" not in str(refused.value) and "nobody" not in str(refused.value)
