"""A fresh database per test for the rule-override tests, on SQLite and on PostgreSQL
(`tests.dbfixtures`), acting as the user who changes the rules."""

from __future__ import annotations

import pytest

from reviewdesk.storage.db import Database
from tests.dbfixtures import db_target, open_db  # noqa: F401


@pytest.fixture
def db(open_db) -> Database:  # noqa: F811
    return open_db("Siân Evans")
