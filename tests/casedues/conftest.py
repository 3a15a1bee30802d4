"""Fixtures for the per-child due dates (`reviewdesk.casedues`) against casework's bulk path.

``db`` (from tests.dbfixtures) is a fresh database per test, on SQLite and on the PostgreSQL
server named by $REVIEWDESK_TEST_PG; ``reg`` adds rows to it (the flags tests' `History`).
``demo`` is a generated authority, built once per session.
"""

from __future__ import annotations

import datetime as dt

import pytest

from reviewdesk.casework.register import Register
from reviewdesk.storage.db import open_database
from tests.actions.shortcuts import generate_demo
from tests.dbfixtures import db, db_target, open_db  # noqa: F401
from tests.flags.conftest import History

DEMO_AS_OF = dt.date(2025, 12, 10)


class BulkRegister(Register):
    """A register that reads even one child as a whole register is read (the bulk path), to
    compare with the per-child path a child's page takes."""

    few_children = 0


@pytest.fixture
def reg(db) -> History:  # noqa: F811 - the db fixture above
    return History(db)


@pytest.fixture(scope="session")
def demo(tmp_path_factory):
    """The default demo authority (about 900 open cases, 3,700 children with history)."""
    database = open_database(tmp_path_factory.mktemp("casedues") / "demo.sqlite", username="t")
    generate_demo(database, seed=7, as_of=DEMO_AS_OF)
    yield database
    database.dispose()
