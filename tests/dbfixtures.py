"""Database fixtures for every area's tests: a fresh database on SQLite and on PostgreSQL.

Use them from your own ``tests/<area>/conftest.py``::

    from tests.dbfixtures import db, db_target, open_db, pg_target  # noqa: F401

``db`` is parametrised: each test runs once on a temporary SQLite file and once on the
PostgreSQL server named by $REVIEWDESK_TEST_PG (``scripts/test`` and CI start one), in a
schema of its own that is dropped afterwards. Without $REVIEWDESK_TEST_PG the PostgreSQL
run fails when CI=true and is skipped otherwise. (A new SQLite database is a copy of one
made once per test process, outside tests/storage: see `_copy_of_a_new_database`.)

Acting as a named user. On SQLite a test opens the database as anyone with the test-only
keyword ``open_database(..., username=NAME)`` (no command-line option or environment
variable reaches it). On PostgreSQL the server decides who a connection is, so
``open_db(NAME)`` connects as a real login of that name (`pg_login_url` creates it). The
first person to open a new database is its administrator; ``open_db`` puts anyone else on
the user list with ``role`` (administrator unless told; ``role=None`` leaves them off it, so
they may only read).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import sqlite3
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import IntegrityError, ProgrammingError

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


def pg_login_url(url: str, name: str) -> str:
    """``url`` as the PostgreSQL login ``name``, created on the test server if need be.

    The test server trusts loopback connections (no password). The logins are superusers
    for now, so that each can use every test schema; PostgreSQL's own roles and GRANTs come
    with ``reviewdesk server init``.
    """
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.execute(
                text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}
            ).scalar()
            if not exists:
                quoted = name.replace('"', '""')
                # Another test may make it at the same moment: then it is there.
                with contextlib.suppress(ProgrammingError, IntegrityError):
                    conn.execute(text(f'CREATE ROLE "{quoted}" LOGIN SUPERUSER'))
    finally:
        admin.dispose()
    return make_url(url).set(username=name).render_as_string(hide_password=False)


def pg_index_definition(conn, name: str) -> str:  # noqa: ANN001
    """PostgreSQL's definition of the index ``name`` in the connection's own schema (a test
    run has other tests' schemas beside it, each with the same indexes)."""
    return conn.execute(
        text(
            "SELECT indexdef FROM pg_indexes WHERE indexname = :name"
            " AND schemaname = current_schema()"
        ),
        {"name": name},
    ).scalar_one()


def open_as(target: str, name: str, **kwargs) -> Database:
    """Open ``target`` as ``name``: the test-only keyword on SQLite, a login on PostgreSQL."""
    if "://" in target and not target.startswith("sqlite"):
        return open_database(pg_login_url(target, name), username=name, **kwargs)
    return open_database(target, username=name, **kwargs)


#: For a test about the SQLite file itself (a database file that nothing may write over):
#: ``db`` is then the SQLite file only. PostgreSQL keeps no file on this machine.
sqlite_file_only = pytest.mark.parametrize("db_target", ["sqlite"], indirect=True)


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


_ADMIN = "administrator"


#: Per test process and day: a SQLite database as the ``db`` fixture first makes it
#: (migrated and seeded, "tester" its administrator, that audited), copied for each test
#: instead of made again: making one is a quarter of a second, and two thousand tests do.
#: Tests about making and opening a database (tests/storage) make theirs afresh.
_TEMPLATE: dict[str, Path] = {}


def _copy_of_a_new_database(target: Path) -> None:
    """Put at ``target`` (a SQLite file not there yet) a copy of the database ``open_as``
    makes there for "tester" (only its `Database.created` differs)."""
    day = dt.date.today().isoformat()  # its audit entries are of today
    template = _TEMPLATE.get(day)
    if template is None:
        template = Path(tempfile.mkdtemp(prefix="reviewdesk-tests-template-")) / "new.sqlite"
        open_as(str(template), "tester").dispose()
        with contextlib.closing(sqlite3.connect(template)) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        _TEMPLATE.clear()
        _TEMPLATE[day] = template
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, target)
    os.chmod(target, 0o600)


def _made_afresh(request: pytest.FixtureRequest) -> bool:
    return Path(request.node.path).is_relative_to(Path(__file__).parent / "storage")


@pytest.fixture
def open_db(db_target, request) -> Iterator[Callable[..., Database]]:
    """Open more `Database` objects on the same database (a second person, say), each as a
    user with ``role`` (see the module's docstring)."""
    opened: list[Database] = []

    def _open(username: str = "tester", *, role: str | None = _ADMIN, **kwargs) -> Database:
        if (
            not opened
            and username == "tester"
            and not kwargs
            and "://" not in db_target
            and not Path(db_target).exists()
            and not _made_afresh(request)
        ):
            _copy_of_a_new_database(Path(db_target))
        database = open_as(db_target, username, **kwargs)
        opened.append(database)
        if role is not None:
            ensure_user(opened[0], username, role)
        return database

    yield _open
    for database in opened:
        database.dispose()


def ensure_user(admin: Database, username: str, role: str) -> None:
    """Put ``username`` on the user list with ``role`` (through the user actions, as the
    administrator ``admin``), unless they are on it already."""
    from reviewdesk import actions
    from reviewdesk.storage.users import find_user

    with admin.session() as s:
        known = find_user(s, username) is not None
    if not known:
        actions.add_user(admin, actions.whoami(admin), username, role)


@pytest.fixture
def db(open_db) -> Database:
    """A fresh, migrated database, acting as user "tester"."""
    return open_db("tester")


def cli_identity(target: str) -> str:
    """Who the command line runs as on ``target``: the URL's PostgreSQL login, else this
    process's operating-system account (it cannot be told otherwise)."""
    from reviewdesk.identity import system_account

    if "://" in target and not target.startswith("sqlite"):
        return str(make_url(target).username)
    return system_account()


@pytest.fixture
def cli_admin(db, db_target) -> str:
    """Make whoever the command line runs as an administrator of ``db``; their name."""
    name = cli_identity(db_target)
    ensure_user(db, name, "administrator")
    return name


# --- a shared server set up for a team --------------------------------------------------------


@dataclass
class TeamServer:
    """A PostgreSQL database set up with `reviewdesk server init` on the test server, in a
    schema of its own, owned by a login of its own (not a superuser: CREATEROLE, as a
    council's owner would be). Every role made for it carries ``tag``, so tests running at
    the same moment never share one; all of them are dropped afterwards."""

    base: str  # the test server's URL (its superuser)
    schema: str
    tag: str
    owner: str
    groups: object  # reviewdesk.storage.server.Groups

    def login(self, who: str) -> str:
        """The name of this server's login for ``who`` (e.g. "administrator_1a2b...")."""
        return f"{who}_{self.tag}"

    def url(self, login: str) -> str:
        """A URL into this database as ``login`` (trusted on loopback: no password)."""
        parsed = make_url(_schema_url(self.base, self.schema)).set(username=login)
        return parsed.render_as_string(hide_password=False)

    def superuser(self):  # noqa: ANN201 - an Engine
        return create_engine(_schema_url(self.base, self.schema), isolation_level="AUTOCOMMIT")

    @contextmanager
    def as_superuser(self):  # noqa: ANN201 - an Iterator[Connection]
        """A connection as the server's superuser (the DBA), each statement committed."""
        engine = self.superuser()
        try:
            with engine.connect() as conn:
                yield conn
        finally:
            engine.dispose()

    def make_login(self, login: str, *attributes: str) -> str:
        """A login the server has (as a DBA or directory would make it), in no group."""
        quoted = login.replace('"', '""')
        with self.as_superuser() as conn:
            conn.execute(text(f'CREATE ROLE "{quoted}" LOGIN {" ".join(attributes)}'))
        return login


@dataclass(frozen=True)
class OwnedSchema:
    """A new, empty schema on the test server owned by a login of its own, as a DBA would
    hand it over: ``url`` is into it as ``owner``; every role whose name holds ``tag`` is
    dropped with it."""

    base: str
    schema: str
    tag: str
    owner: str

    @property
    def url(self) -> str:
        parsed = make_url(_schema_url(self.base, self.schema)).set(username=self.owner)
        return parsed.render_as_string(hide_password=False)


@contextmanager
def owned_schema(owner: str = "owner", *attributes: str) -> Iterator[OwnedSchema]:
    """An `OwnedSchema` whose owner (``{owner}_{tag}``) has ``attributes`` (e.g.
    CREATEROLE); dropped afterwards with every role made for it."""
    base = postgres_url()
    tag = uuid.uuid4().hex[:10]
    made = OwnedSchema(base, f"t_{tag}", tag, f"{owner}_{tag}")
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE ROLE "{made.owner}" LOGIN {" ".join(attributes)}'))
        conn.execute(text(f'CREATE SCHEMA "{made.schema}" AUTHORIZATION "{made.owner}"'))
    try:
        yield made
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{made.schema}" CASCADE'))
            names = conn.execute(
                text("SELECT rolname FROM pg_roles WHERE strpos(rolname, :t) > 0"), {"t": tag}
            ).scalars()
            for name in sorted(names, key=lambda n: n == made.owner):  # the owner last
                quoted = name.replace('"', '""')
                conn.execute(text(f'DROP OWNED BY "{quoted}"'))
                conn.execute(text(f'DROP ROLE "{quoted}"'))
        admin.dispose()


@contextmanager
def team_server() -> Iterator[TeamServer]:
    """A database set up for a team (see `TeamServer`), dropped with its roles afterwards."""
    from reviewdesk.storage import server

    with owned_schema("owner", "CREATEROLE") as owned:
        team = TeamServer(owned.base, owned.schema, owned.tag, owned.owner, None)
        db = open_database(team.url(team.owner))
        try:
            done = server.set_up(db.engine, f"rd_{owned.tag}")
        finally:
            db.dispose()
        team.groups = done.groups
        yield team


@pytest.fixture
def team() -> Iterator[TeamServer]:
    """A PostgreSQL database set up for a team (`TeamServer`)."""
    with team_server() as made:
        yield made
