"""Every action against every PostgreSQL login on a server set up for a team, with the data
of the table-driven role test (tests/actions/test_roles.py): first through the app as it is
(the same answers as `EXPECTED`), then with the app blinded, believing everyone an
administrator, so that only the database stands in the way: it must refuse exactly what the
roles forbid (`ON_THE_SERVER`).

Two differences from the app's table, both the server being stricter: a login in no
reviewdesk group (not on the list, or deactivated) cannot even read there, so it opens
nothing; and the one entry of the trail anyone may add for themselves is the record that
data left reviewdesk (`record_export`), so even a login in a group cannot record a backup,
an import or a restore of its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from reviewdesk import actions
from reviewdesk.actions import base
from reviewdesk.codes import Role
from reviewdesk.errors import InvalidInput
from reviewdesk.storage.db import open_database
from tests.actions.test_roles import (
    CASES,
    EXPECTED,
    PEOPLE,
    Env,
    _snapshot,
    check_each_person,
    dispose_all,
    populate,
)
from tests.dbfixtures import TeamServer

pytestmark = pytest.mark.postgres

#: Logins the server gives no group: they cannot open the database at all.
NO_ACCESS = frozenset({"not_listed", "deactivated"})
READERS = frozenset(PEOPLE) - NO_ACCESS

#: What the database alone allows each login: the app's table, less those with no access.
ON_THE_SERVER: dict[str, frozenset[str]] = {
    name: frozenset(who) - NO_ACCESS for name, who in EXPECTED.items()
}


def _setup(team: TeamServer, folder) -> Env:  # noqa: ANN001 - a Path
    owner = open_database(team.url(team.owner))
    try:
        admin_login = team.login("administrator")
        actions.add_user(owner, actions.whoami(owner), admin_login, "administrator")
    finally:
        owner.dispose()
    team.make_login(team.login("not_listed"))  # a login the server has, in no group

    def opener(login: str):  # noqa: ANN202 - a Database, or None for one with no access
        try:
            return open_database(team.url(login))
        except InvalidInput as refused:
            assert "may not use this reviewdesk database" in str(refused)
            return None

    admin = open_database(team.url(admin_login))
    env = populate(admin, folder, opener, {who: team.login(who) for who in PEOPLE})
    env.login_suffix = f"_{team.tag}"
    return env


def _denied(error: BaseException) -> bool:
    """Whether the database refused it for want of a privilege (SQLSTATE 42501), however
    the app wrapped the error."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, DBAPIError) and getattr(seen.orig, "sqlstate", None) == "42501":
            return True
        seen = seen.__cause__ or seen.__context__
    return False


@contextmanager
def _blind_app(monkeypatch) -> Iterator[None]:  # noqa: ANN001
    """The app believes everyone an administrator: its own checks let everything through."""
    real = base._actor

    def everyone_an_administrator(session, username):  # noqa: ANN001, ANN202
        return replace(real(session, username), role=Role.ADMINISTRATOR)

    with monkeypatch.context() as patched:
        patched.setattr(base, "_actor", everyone_an_administrator)
        yield


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_login_is_allowed_or_refused_by_the_app_and_by_the_database(
    name, team, tmp_path, monkeypatch
) -> None:
    env = _setup(team, tmp_path)
    try:
        assert {who for who, db in env.dbs.items() if db is None} == NO_ACCESS
        for who in NO_ACCESS:  # not even psql reads anything
            raw = create_engine(team.url(env.login(who)))
            try:
                with pytest.raises(DBAPIError), raw.connect() as conn:
                    conn.execute(text("SELECT count(*) FROM child"))
            finally:
                raw.dispose()

        # The database alone first (so that each call would change something: an import
        # of the same files, say), then the app as it is.
        with _blind_app(monkeypatch):
            order = sorted(READERS, key=lambda who: who in ON_THE_SERVER[name])
            for who in order:
                db = env.dbs[who]
                me = actions.whoami(db)
                prepared = CASES[name].prepare(env)
                if who in ON_THE_SERVER[name]:
                    CASES[name].call(env, db, me, prepared)
                    continue
                before = _snapshot(env.admin)
                with pytest.raises(Exception) as failed:  # noqa: PT011 - any, if the database's
                    CASES[name].call(env, db, me, prepared)
                assert _denied(failed.value), f"{who}'s {name}: {failed.value!r}"
                assert _snapshot(env.admin) == before, f"{who}'s refused {name} changed data"

        check_each_person(env, name, READERS)
    finally:
        dispose_all(env)
