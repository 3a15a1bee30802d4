"""Fixtures for the printing tests: one small register shared by the module's tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewdesk.storage.db import Database, open_database
from tests.reports.factory import Demo, populate


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Database, Demo]:
    """Three IROs (70, 12 and 5 children), 14 meetings booked in the week of 13/05/2024.

    Shared by many tests, so tests must only read it.
    """
    db = open_database(tmp_path_factory.mktemp("reports") / "t.sqlite")
    with db.session() as session:
        demo = populate(session, iros=3, children_per_iro=[70, 12, 5], week_meetings=14)
    yield db, demo
    db.dispose()


@pytest.fixture
def fresh_db(tmp_path: Path) -> Database:
    db = open_database(tmp_path / "t.sqlite")
    yield db
    db.dispose()
