"""Backups of the embedded SQLite database with SQLite's online backup API.

A backup taken this way is consistent even while the app has the file open. PostgreSQL
databases are backed up with the server's own tools (pg_dump / pg_restore).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
from pathlib import Path

from reviewdesk.errors import InvalidInput, ReviewdeskError

#: Tables only a reviewdesk database has.
REQUIRED_TABLES = frozenset({"alembic_version", "child", "meeting", "period_of_care", "audit_log"})

PG_BACKUP_HINT = (
    "This database is on a PostgreSQL server: back it up with the server's own tools, e.g. "
    "`pg_dump --format=custom --file=reviewdesk.dump DATABASE`, and restore it with "
    "`pg_restore --clean --dbname=DATABASE reviewdesk.dump`."
)


def sqlite_path(url: str) -> Path | None:
    """The file of a sqlite:/// URL, or None for other databases and in-memory SQLite."""
    if not url.startswith("sqlite:///") or url in ("sqlite:///:memory:", "sqlite://"):
        return None
    return Path(url.removeprefix("sqlite:///"))


def make_private(path: Path) -> None:
    """Owner read/write only (mode 600) for the file and its -wal/-shm companions."""
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        with contextlib.suppress(FileNotFoundError, PermissionError):
            os.chmod(candidate, 0o600)


def create_private_file(path: Path) -> None:
    """Create an empty file with mode 600 (whatever the umask) if it does not exist."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def copy_database(source: Path, destination: Path) -> None:
    """Copy one SQLite database into another (created with mode 600) with the backup API."""
    create_private_file(destination)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(destination)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    make_private(destination)


def timestamped_name(
    path: Path, label: str, now: dt.datetime | None = None, suffix: str = ".bak"
) -> Path:
    """``reviewdesk.sqlite`` -> ``reviewdesk.sqlite.<label>-20250312T143200Z.bak`` (unique)."""
    now = now or dt.datetime.now(dt.UTC)
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    candidate = path.with_name(f"{path.name}.{label}-{stamp}{suffix}")
    n = 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.name}.{label}-{stamp}-{n}{suffix}")
    return candidate


def keep_backup(path: Path, label: str) -> Path:
    """Take an online backup of ``path`` beside it with a timestamped name; return its path."""
    destination = timestamped_name(path, label)
    copy_database(path, destination)
    return destination


def reviewdesk_revision(path: Path) -> str:
    """The schema revision of a reviewdesk SQLite file; InvalidInput if it is not one."""
    if not path.is_file():
        raise InvalidInput(f"{path}: no such file.")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = {
                row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            missing = REQUIRED_TABLES - tables
            if missing:
                raise InvalidInput(
                    f"{path} is not a reviewdesk database (it has no {', '.join(sorted(missing))} "
                    "table)."
                )
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            check = conn.execute("PRAGMA quick_check").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise InvalidInput(f"{path} is not a reviewdesk database ({exc}).") from exc
    if not row:
        raise InvalidInput(f"{path} is not a reviewdesk database (no schema version).")
    if not check or check[0] != "ok":
        raise ReviewdeskError(f"{path} is damaged (SQLite integrity check: {check}).")
    return str(row[0])
