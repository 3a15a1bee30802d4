"""`server init` and upgrades: the owner's alone; run twice it changes nothing; a database
used before it was set up keeps its users (their logins join their groups)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from reviewdesk import actions
from reviewdesk.codes import Role
from reviewdesk.errors import InvalidInput
from reviewdesk.storage import migrate, server
from reviewdesk.storage.db import open_database
from tests.dbfixtures import owned_schema, postgres_url, team_server

pytestmark = pytest.mark.postgres

EXTRA = Path(__file__).resolve().parents[1] / "extra_versions"


def test_only_the_owner_upgrades_and_others_are_told_whom_to_ask(people, monkeypatch):
    monkeypatch.setenv("REVIEWDESK_UPGRADE_BACKED_UP", "1")
    with pytest.raises(server.NotTheOwner) as refused:
        open_database(people.team.url(people.admin), extra_migrations=[EXTRA])
    message = str(refused.value)
    assert f"Only its owner, the PostgreSQL login {people.team.owner}, may upgrade" in message
    assert f"you are {people.admin}" in message and "server init" in message
    assert "Nothing was changed" in message and people.admin + "@" not in message.split("`")[1]
    with people.owner.engine.connect() as conn:
        assert migrate.current_revision(conn) == migrate.head_revision()
    with pytest.raises(server.NotTheOwner, match="set it up for a team"):
        server.set_up(people.db(people.admin).engine)

    upgraded = open_database(people.team.url(people.team.owner), extra_migrations=[EXTRA])
    upgraded.dispose()
    # Now current, the administrator opens it as before.
    db = open_database(people.team.url(people.admin), extra_migrations=[EXTRA])
    db.dispose()


def test_the_groups_are_named_for_the_database_and_cannot_be_renamed(people):
    groups = people.team.groups
    assert groups.all == tuple(
        f"rd_{people.team.tag}_{suffix}" for suffix in ("administrator", "iro", "readonly")
    )
    with pytest.raises(InvalidInput, match="already set up"):
        server.set_up(people.owner.engine, "another_name")
    with pytest.raises(InvalidInput, match="--prefix"):
        server.Groups.from_prefix("Robert'); DROP TABLE child;--")


def test_the_default_names_are_the_database_s_and_its_schema_s():
    with team_server() as team:
        engine = create_engine(team.url(team.owner))
        try:
            with engine.connect() as conn:
                prefix = server.logins.default_prefix(conn)
        finally:
            engine.dispose()
    database = postgres_url().rsplit("/", 1)[1].split("?")[0]
    assert prefix == f"{database}_t_{team.tag}"


def test_an_owner_without_createrole_is_told_what_to_ask_for():
    with owned_schema("plain") as owned:
        db = open_database(owned.url)
        try:
            with pytest.raises(InvalidInput, match=f'ALTER ROLE "{owned.owner}" CREATEROLE'):
                server.set_up(db.engine, f"rd_{owned.tag}")
            with db.engine.connect() as conn:
                assert server.groups_of(conn) is None  # nothing was made
                assert not conn.execute(
                    text("SELECT count(*) FROM pg_roles WHERE rolname LIKE :p"),
                    {"p": f"rd_{owned.tag}%"},
                ).scalar()
        finally:
            db.dispose()


def test_a_database_used_before_it_was_set_up_keeps_its_users():
    """Users already on the list whose logins the server has join their groups; those it
    lacks are listed (set-role gives them a login)."""
    with owned_schema("owner", "CREATEROLE") as owned:
        iro, ghost = f"iro_{owned.tag}", f"ghost_{owned.tag}"
        admin = create_engine(owned.base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE ROLE "{iro}" LOGIN'))
        admin.dispose()
        db = open_database(owned.url)
        try:
            me = actions.whoami(db)
            actions.add_user(db, me, iro, "iro")  # not set up yet: the list alone
            actions.add_user(db, me, ghost, "team-manager")
            done = server.set_up(db.engine, f"rd_{owned.tag}")
        finally:
            db.dispose()
        assert done.adopted == [iro] and done.without_login == [ghost]
        assert done.problems == []
        iro_db = open_database(make_url(owned.url).set(username=iro).render_as_string(False))
        try:
            assert actions.whoami(iro_db).role is Role.IRO
        finally:
            iro_db.dispose()
