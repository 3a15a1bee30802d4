"""Backups of the embedded SQLite database with SQLite's online backup API, and their rotation.

A backup taken this way is consistent even while the app has the file open. reviewdesk keeps
one beside the database before every upgrade and every restore (its "automatic" backups):
written to a temporary file and renamed, so a crash never leaves half a copy; not taken again
when the newest one is already a copy of the same, unchanged data (a retry after a crash);
and rotated, keeping the newest ``backups_kept`` (a setting; 5 unless changed). PostgreSQL
databases are backed up with the server's own tools (`reviewdesk.storage.pgbackup`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import filecmp
import json
import os
import sqlite3
import stat
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, text

from reviewdesk.errors import InvalidInput
from reviewdesk.safefiles import atomic_path, remove_stale_temporaries, temporary_name
from reviewdesk.storage import sqlitefile

#: The setting that says how many automatic backups to keep, and its default.
KEEP_SETTING = "backups_kept"
DEFAULT_KEPT = 5
#: The labels of the backups reviewdesk takes by itself (and rotates).
AUTOMATIC = ("before-upgrade", "before-restore")

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
    """For the owner only (no group or others) the file and its -wal/-shm companions. Only
    taken away, never given: a database made read-only (mode 444) became writable (600)."""
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        with contextlib.suppress(FileNotFoundError, PermissionError):
            mode = stat.S_IMODE(os.stat(candidate).st_mode)
            if mode & 0o077:
                os.chmod(candidate, mode & 0o700)


def create_private_file(path: Path) -> None:
    """Create an empty file with mode 600 (whatever the umask) if it does not exist."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def copy_database(source: Path, destination: Path) -> None:
    """Copy one SQLite database into another with the backup API (in one step, so the
    destination is either as it was or a whole copy); a new destination gets mode 600."""
    create_private_file(destination)
    src = sqlitefile.connect_read_only(source)
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


def automatic_backups(path: Path, suffix: str = ".bak") -> list[Path]:
    """The automatic backups kept for the database ``path`` (or, for PostgreSQL, the dumps
    named after it in the data folder), oldest first."""
    prefixes = tuple(f"{path.name}.{label}-" for label in AUTOMATIC)
    try:
        found = [
            p
            for p in path.parent.iterdir()
            if p.name.startswith(prefixes) and p.name.endswith(suffix) and p.is_file()
        ]
    except OSError:
        return []
    return sorted(found, key=lambda p: (p.stat().st_mtime_ns, p.name))


def rotate(path: Path, keep: int, suffix: str = ".bak") -> list[Path]:
    """Delete all but the newest ``keep`` automatic backups of ``path``; returns those deleted."""
    backups = automatic_backups(path, suffix)
    doomed = backups[: max(0, len(backups) - max(1, keep))]
    for old in doomed:
        with contextlib.suppress(FileNotFoundError):
            old.unlink()
    return doomed


def backups_kept(engine: Engine | None) -> int:
    """The ``backups_kept`` setting of the database behind ``engine`` (the default when it
    has none, or no settings table yet)."""
    if engine is None:
        return DEFAULT_KEPT
    try:
        with engine.connect() as conn:
            value = conn.execute(
                text("SELECT value FROM setting WHERE key = :k"), {"k": KEEP_SETTING}
            ).scalar()
    except Exception:  # noqa: BLE001 - no settings table (yet): the default
        return DEFAULT_KEPT
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            value = json.loads(value)
    return value if isinstance(value, int) and value >= 1 else DEFAULT_KEPT


@dataclass(frozen=True)
class Kept:
    """A backup kept before a change: where it is, and whether it was taken just now (False
    when the newest one was already a copy of the same, unchanged data)."""

    path: Path
    new: bool


def keep_backup(path: Path, label: str, *, keep: int | None = None) -> Kept:
    """Back up the SQLite database ``path`` beside it, named ``<name>.<label>-<time>.bak``,
    unless the newest automatic backup already holds the same data; then keep the newest
    ``keep`` (by default the database's own ``backups_kept`` setting)."""
    if keep is None:
        engine = create_engine(f"sqlite:///{path}")
        try:
            keep = backups_kept(engine)
        finally:
            engine.dispose()
    remove_stale_temporaries(path.parent, temporary_name(path))
    newest = automatic_backups(path)[-1:]
    destination = timestamped_name(path, label)
    reused = None
    with atomic_path(destination) as temp:
        copy_database(path, temp)
        if newest and filecmp.cmp(temp, newest[0], shallow=False):
            temp.unlink()  # the same data is already kept: no second copy
            reused = newest[0]
    rotate(path, keep)
    if reused is not None:
        return Kept(reused, new=False)
    return Kept(destination, new=True)


def reviewdesk_revision(path: Path) -> str:
    """The schema revision of a reviewdesk SQLite file (a database to back up, a backup to
    restore); `InvalidInput` if it is not one or is damaged. The file is not changed."""
    if not path.exists() and not path.is_symlink():
        raise InvalidInput(f"{path}: no such file.")
    found = sqlitefile.inspect(path)
    if found.revision is None:
        raise InvalidInput(f"{path} is not a reviewdesk database (it is empty).")
    try:
        conn = sqlitefile.connect_read_only(path)
        try:
            check = conn.execute("PRAGMA quick_check").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise InvalidInput(f"{path} is damaged ({exc}).") from None
    if not check or check[0] != "ok":
        problem = check[0] if check else "no answer"
        raise InvalidInput(f"{path} is damaged (SQLite integrity check: {problem}).")
    return found.revision
