"""Fixtures for the importer tests: a fresh database per test, and writing files byte-exact.

Every test that takes ``db`` (`tests.dbfixtures`) runs on SQLite and again on PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from reviewdesk.storage.db import Database
from tests.dbfixtures import db, db_target, open_db, pg_target  # noqa: F401


def count(database: Database, model) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(model))


def write(folder: Path, name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
    """A file with exactly this content (text is written as given, no newline translation)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    return path
