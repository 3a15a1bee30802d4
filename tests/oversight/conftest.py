"""IRO oversight's tests run on SQLite and PostgreSQL (see tests/dbfixtures.py)."""

from __future__ import annotations

from tests.dbfixtures import db, db_target, open_db  # noqa: F401
