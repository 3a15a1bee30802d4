"""Shared test set-up. Qt runs offscreen; nothing depends on today's date.

Every test folder gets the one database fixture (``db`` and friends, tests/dbfixtures.py: each
test on SQLite and on the PostgreSQL server named by $REVIEWDESK_TEST_PG), ``reg`` for small
registers built row by row (tests/registers.py), and ``sample``, the small register with
non-ASCII names that the window's tests use (tests/ui/sample.py).
"""

from __future__ import annotations

import os

import pytest

from tests.dbfixtures import db, db_target, open_db, pg_target  # noqa: F401
from tests.registers import reg  # noqa: F401


def pytest_configure(config) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def pytest_collection_modifyitems(config, items) -> None:
    """Run the tests marked slow (minutes each) first, the rest in their usual order.

    With a worker per core, a few-minute test started near the end of the run kept one worker
    busy while the others had finished; started first, the others share the rest meanwhile.
    """
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture
def sample(db):  # noqa: F811
    from tests.ui.sample import fill_sample

    return fill_sample(db)
