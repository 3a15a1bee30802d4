"""Fixtures for the importer tests: a fresh database and a folder of files per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from reviewdesk.storage.db import Database, open_database


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "test.sqlite", username="tester")
    yield database
    database.dispose()


def count(db: Database, model) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(model))


def write(folder: Path, name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
    """A file with exactly this content (text is written as given, no newline translation)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    return path
