"""What a SQLite file holds, read without changing it: before reviewdesk opens a file it makes
sure the file is its own, so another application's database is never altered (no tables
added, no journal mode switched, no permissions changed).
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from reviewdesk.errors import InvalidInput
from reviewdesk.safefiles import check_input

SQLITE_MAGIC = b"SQLite format 3\x00"
#: Tables only a reviewdesk database has; used to recognise one.
MARKER_TABLES = frozenset({"child", "meeting", "period_of_care", "audit_log"})
VERSION_TABLE = "alembic_version"
#: Byte 18 of the header: 2 when the database is in WAL mode.
_WAL_FORMAT_OFFSET = 18


@dataclass(frozen=True)
class SqliteFile:
    """A look at a database file: whether it exists, and its reviewdesk schema revision
    (None for nothing there yet: no file, an empty file or a SQLite file with no tables)."""

    path: Path
    exists: bool
    revision: str | None

    @property
    def has_schema(self) -> bool:
        return self.revision is not None


def read_only_uri(path: Path, *, immutable: bool = False) -> str:
    """A SQLite URI opening ``path`` read-only (percent-encoded, so any file name works).

    ``immutable`` also stops SQLite creating -wal/-shm files beside a WAL database."""
    return path.absolute().as_uri() + ("?immutable=1" if immutable else "?mode=ro")


def inspect(path: Path) -> SqliteFile:
    """Look at ``path`` without changing it. Raises `InvalidInput` for a folder, a named
    pipe or a device (before opening it: reading a pipe waits for ever), a file that is not
    SQLite or is damaged, and another application's database."""
    if path.is_dir():
        raise InvalidInput(f"{path} is a folder, not a database file.")
    check_input(path)
    if not path.exists():
        return SqliteFile(path, exists=False, revision=None)
    try:
        with open(path, "rb") as fh:
            header = fh.read(100)
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot read it ({exc.strerror or exc}).") from None
    if not header:
        return SqliteFile(path, exists=True, revision=None)
    if not header.startswith(SQLITE_MAGIC):
        raise InvalidInput(
            f"{path} is not a reviewdesk database (nor any SQLite database); reviewdesk left it "
            "as it was."
        )
    tables, revision = _tables_and_revision(path)
    if not tables:
        return SqliteFile(path, exists=True, revision=None)
    if tables & MARKER_TABLES and VERSION_TABLE in tables and revision:
        return SqliteFile(path, exists=True, revision=revision)
    if tables & MARKER_TABLES:
        raise InvalidInput(
            f"{path} has reviewdesk tables but no schema version (made by an early development "
            "build?). Move it aside and start again, or restore a backup."
        )
    shown = ", ".join(sorted(tables)[:5]) + (", ..." if len(tables) > 5 else "")
    raise InvalidInput(
        f"{path} is not a reviewdesk database: it is another application's (its tables: "
        f"{shown}); reviewdesk left it as it was."
    )


def connect_read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection that leaves no files behind.

    A WAL database whose log is not there (it was closed cleanly) is read as it is on disk:
    opening it normally, even read-only, would leave -wal and -shm files beside it."""
    try:
        with open(path, "rb") as fh:
            header = fh.read(_WAL_FORMAT_OFFSET + 1)
    except OSError:
        header = b""
    wal = len(header) > _WAL_FORMAT_OFFSET and header[_WAL_FORMAT_OFFSET] == 2
    immutable = wal and not os.path.exists(f"{path}-wal")
    return sqlite3.connect(read_only_uri(path, immutable=immutable), uri=True)


def _tables_and_revision(path: Path) -> tuple[set[str], str | None]:
    try:
        conn = connect_read_only(path)
        try:
            tables = {
                row[0]
                for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            revision = None
            if VERSION_TABLE in tables:
                row = conn.execute(f"SELECT version_num FROM {VERSION_TABLE}").fetchone()
                revision = str(row[0]) if row else None
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise InvalidInput(
            f"{path} is damaged or not a database (SQLite says: {exc}); reviewdesk left it as "
            "it was."
        ) from None
    return tables, revision
