"""Database fixtures for every area's tests: a fresh database on SQLite and on PostgreSQL.

Use them from your own ``tests/<area>/conftest.py``::

    from tests.dbfixtures import db, db_target, open_db, pg_target  # noqa: F401

``db`` is parametrised: each test runs once on a temporary SQLite file and once on the
PostgreSQL server named by $REVIEWDESK_TEST_PG (``scripts/test`` and CI start one), in a
schema of its own that is dropped afterwards. Without $REVIEWDESK_TEST_PG the PostgreSQL run
fails when CI=true and is skipped otherwise.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, make_url, text

from reviewdesk.storage.db import Database, open_database

PG_ENV = "REVIEWDESK_TEST_PG"
KINDS = ("sqlite", pytest.param("postgres", marks=pytest.mark.postgres))


def postgres_url() -> str:
    """The test server's URL; fails in CI and skips elsewhere when it is not configured."""
    url = os.environ.get(PG_ENV)
    if url:
        return url
    if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
        pytest.fail(
            f"${PG_ENV} is not set, but CI must test PostgreSQL too: run the tests with "
            "scripts/test, or start a server with scripts/pg-test-server DIR and export "
            f"{PG_ENV}=<the URL it prints>."
        )
    pytest.skip(f"${PG_ENV} is not set (start one with scripts/pg-test-server DIR)")


def _schema_url(url: str, schema: str) -> str:
    parsed = make_url(url)
    query = dict(parsed.query)
    query["options"] = f"-csearch_path={schema}"
    return parsed.set(query=query).render_as_string(hide_password=False)


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A URL into a new, empty PostgreSQL schema on the test server, dropped afterwards."""
    base = postgres_url()
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(base)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        yield _schema_url(base, schema)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=KINDS)
def db_target(request, tmp_path) -> Iterator[str]:
    """What to pass to `open_database`: a new SQLite file, or a URL into an empty schema."""
    if request.param == "sqlite":
        yield str(tmp_path / "reviewdesk.sqlite")
        return
    with postgres_schema() as url:
        yield url


@pytest.fixture
def pg_target() -> Iterator[str]:
    """A URL into an empty PostgreSQL schema (for tests about PostgreSQL only)."""
    with postgres_schema() as url:
        yield url


@pytest.fixture
def open_db(db_target) -> Iterator[Callable[..., Database]]:
    """Open more `Database` objects on the same database (a second person, say)."""
    opened: list[Database] = []

    def _open(username: str = "tester", **kwargs) -> Database:
        database = open_database(db_target, username=username, **kwargs)
        opened.append(database)
        return database

    yield _open
    for database in opened:
        database.dispose()


@pytest.fixture
def db(open_db) -> Database:
    """A fresh, migrated database, acting as user "tester"."""
    return open_db("tester")
