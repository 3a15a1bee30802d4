"""Fixtures for the importer tests: a fresh database per test, and writing files byte-exact.

With $REVIEWDESK_TEST_PG set (scripts/test starts a server), every test that takes ``db``
runs on SQLite and again on PostgreSQL, each time in a database of its own.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from reviewdesk.storage.db import Database, open_database
from tests.dbfixtures import open_as

SERVER = os.environ.get("REVIEWDESK_TEST_PG")


@pytest.fixture(params=["sqlite", "postgresql"] if SERVER else ["sqlite"])
def db(request, tmp_path: Path) -> Iterator[Database]:
    """A fresh database: SQLite, and PostgreSQL too when $REVIEWDESK_TEST_PG names a server."""
    if request.param == "sqlite":
        database = open_database(tmp_path / "test.sqlite", username="tester")
        yield database
        database.dispose()
        return
    yield from _postgres_database()


def _postgres_database() -> Iterator[Database]:
    name = f"reviewdesk_importers_{uuid.uuid4().hex[:10]}"
    admin = create_engine(SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(SERVER).set(database=name).render_as_string(hide_password=False)
    database = open_as(url, "tester")
    try:
        yield database
    finally:
        database.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}"'))
        admin.dispose()


def count(db: Database, model) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(model))


def write(folder: Path, name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
    """A file with exactly this content (text is written as given, no newline translation)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    return path
