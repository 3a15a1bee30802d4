"""Users on a shared server: `users add` makes the login and its membership (or maps one the
server has), `set-role` moves it, `deactivate` takes every group away; the role is the one
the server's memberships give, and a login in no group cannot use the database at all."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from reviewdesk import actions
from reviewdesk.codes import Role
from reviewdesk.errors import InvalidInput
from reviewdesk.storage import server
from reviewdesk.storage.db import open_database
from reviewdesk.storage.models import AuditEntry, User
from tests.dbfixtures import TeamServer
from tests.storage.cli_helpers import cli
from tests.storage.server.conftest import People

pytestmark = pytest.mark.postgres


def _groups_of(people: People, login: str) -> set[str]:
    with people.team.as_superuser() as conn:
        return set(server.logins.direct_groups(conn, people.team.groups, login))


def _role(people: People, login: str) -> Role | None:
    with people.owner.engine.connect() as conn:
        return server.login_role(conn, people.team.groups, login)


def test_users_add_makes_a_login_without_a_password_in_its_group(people):
    groups = people.team.groups
    assert _groups_of(people, people.admin) == {groups.administrator}
    assert _groups_of(people, people.iro) == {groups.iro}
    assert _groups_of(people, people.reader) == {groups.read_only}
    with people.team.as_superuser() as conn:
        row = conn.execute(
            text(
                "SELECT rolcanlogin, rolpassword IS NULL, rolsuper, rolcreaterole "
                "FROM pg_authid WHERE rolname = :n"
            ),
            {"n": people.iro},
        ).one()
    assert row == (True, True, False, False)  # a plain login, no password until given one
    assert actions.whoami(people.db(people.iro)) == actions.Actor(
        people.iro, Role.IRO, "Łukasz Nowak", people.ids["chair"]
    )
    # The login and its group are in the trail, beside the user list's own entry.
    with people.owner.session() as s:
        entries = s.scalars(
            select(AuditEntry).where(
                AuditEntry.table_name == "app_user", AuditEntry.action == "login"
            )
        ).all()
    assert {e.after["username"]: e.after["groups"] for e in entries}[people.iro] == [groups.iro]


def test_an_existing_login_is_mapped_not_made(people):
    """A login the server already has (say one its Kerberos or Active Directory set-up made)
    is given its group; nothing else about it changes."""
    login = people.team.make_login(people.team.login("ad.user"), "CONNECTION LIMIT 3")
    admin = people.db(people.admin)
    added = actions.add_user(admin, actions.whoami(admin), login, "team-manager").result
    assert added.login is not None and not added.login.created and added.login.can_log_in
    assert _role(people, login) is Role.TEAM_MANAGER
    with people.team.as_superuser() as conn:
        assert (
            conn.execute(
                text("SELECT rolconnlimit FROM pg_roles WHERE rolname = :n"), {"n": login}
            ).scalar()
            == 3
        )


def test_set_role_moves_the_login_and_the_database_follows(people):
    admin = people.db(people.admin)
    me = actions.whoami(admin)
    version = _version(people, people.reader)
    actions.set_role(admin, me, people.reader, "administrator", expected_version=version)
    assert _groups_of(people, people.reader) == {people.team.groups.administrator}
    with people.raw(people.reader).begin() as conn:  # and the database lets them now
        conn.execute(text("UPDATE child SET first_name = 'Zoe'"))


def test_deactivate_takes_every_group_away_and_the_login_can_no_longer_read(people):
    reader_db = people.db(people.reader)  # opened while still in the group
    admin = people.db(people.admin)
    actions.deactivate_user(
        admin,
        actions.whoami(admin),
        people.reader,
        expected_version=_version(people, people.reader),
    )
    assert _groups_of(people, people.reader) == set()
    assert _role(people, people.reader) is None
    with pytest.raises(DBAPIError), people.raw(people.reader).connect() as conn:
        conn.execute(text("SELECT count(*) FROM child"))
    with pytest.raises(InvalidInput, match="may not use this reviewdesk database"):
        open_database(people.team.url(people.reader))
    with pytest.raises(actions.Refused, match="may not use this reviewdesk database"):
        actions.whoami(reader_db)  # the window, already open, is told so
    actions.reactivate_user(
        admin,
        actions.whoami(admin),
        people.reader,
        expected_version=_version(people, people.reader),
    )
    assert _role(people, people.reader) is Role.TEAM_MANAGER


def _in_directory_group(team: TeamServer, who: str) -> tuple[str, str]:
    """A login the server has, in a group role (as a directory synchronisation would make
    it) that the DBA granted the IROs' group to: (that group, the login)."""
    ad_group = team.make_login(team.login("ad_iros"))
    login = team.make_login(team.login(who))
    with team.as_superuser() as conn:
        conn.execute(text(f'ALTER ROLE "{ad_group}" NOLOGIN'))
        conn.execute(text(f'GRANT "{team.groups.iro}" TO "{ad_group}"'))
        conn.execute(text(f'GRANT "{ad_group}" TO "{login}"'))
    return ad_group, login


def test_the_server_s_memberships_are_the_truth(people):
    """A group granted by the DBA (directly, or through another role such as a directory
    group) gives its role; the list's role column does not."""
    ad_group, login = _in_directory_group(people.team, "ad.member")
    assert _role(people, login) is Role.IRO
    assert actions.whoami(people.db(login)).role is Role.IRO  # on no list, but an IRO
    with people.raw(people.admin).begin() as conn:  # raw SQL on the list changes no role
        conn.execute(
            text("UPDATE app_user SET role = 'administrator' WHERE username = :n"),
            {"n": people.reader},
        )
    assert actions.whoami(people.db(people.reader)).role is Role.TEAM_MANAGER


def test_a_directory_group_keeps_a_role_and_the_administrator_is_told(people, capsys):
    """A login that has a group through a role reviewdesk does not manage (an Active
    Directory group the DBA granted the IROs' group to) keeps that role when an
    administrator moves or deactivates it: the action says so, and `server status` lists
    it as a problem until the DBA takes the login out of the directory group."""
    team = people.team
    ad_group, login = _in_directory_group(team, "ad.leaver")
    admin = people.db(people.admin)
    me = actions.whoami(admin)
    added = actions.add_user(admin, me, login, "team-manager").result.login
    assert added.role_now is Role.IRO and added.kept_by == (ad_group,)
    assert f"the rights of an IRO through its membership of {ad_group}" in added.warning
    capsys.readouterr()

    url = team.url(people.admin)
    assert cli(url, "users", "deactivate", login) == 0
    out, err = capsys.readouterr()
    assert "taken out of reviewdesk's groups" in out
    assert f"warning: the server still gives the login {login} the rights of an IRO" in err
    assert _groups_of(people, login) == set()  # its own memberships are gone ...
    with people.raw(login).connect() as conn:  # ... but the database still lets it in
        assert conn.execute(text("SELECT count(*) FROM meeting")).scalar() == 2
    assert cli(url, "users", "list") == 0
    (line,) = [x for x in capsys.readouterr().out.splitlines() if x.startswith(login)]
    assert "DEACTIVATED, but the server still lets the login act as IRO" in line
    assert cli(url, "server", "status") == 1
    out = capsys.readouterr().out
    assert f"Problem: user {login} is deactivated, but the server still gives the login " in out
    assert f"an IRO through {ad_group}" in out

    with team.as_superuser() as conn:
        conn.execute(text(f'REVOKE "{ad_group}" FROM "{login}"'))
    assert cli(url, "server", "status") == 0
    assert "Problem" not in capsys.readouterr().out
    assert cli(url, "users", "list") == 0
    (line,) = [x for x in capsys.readouterr().out.splitlines() if x.startswith(login)]
    assert line.endswith("DEACTIVATED (no access on this server)")
    assert cli(url, "users", "deactivate", login) == 0  # nothing kept now: no warning
    assert "warning" not in capsys.readouterr().err

    # A login the DBA made a member of the owner's role acts as the owner, whatever group.
    deputy = team.make_login(team.login("deputy.dba"))
    with team.as_superuser() as conn:
        conn.execute(text(f'GRANT "{team.owner}" TO "{deputy}"'))
    added = actions.add_user(admin, me, deputy, "iro").result.login
    assert added.role_now is Role.ADMINISTRATOR and added.kept_by == ()
    assert "an administrator through an attribute or membership the server's" in added.warning


def test_what_set_login_refuses(people):
    admin = people.db(people.admin)
    me = actions.whoami(admin)
    with pytest.raises(InvalidInput, match="owns this database"):
        actions.set_role(
            admin,
            me,
            people.team.owner,
            "iro",
            expected_version=_version(people, people.team.owner),
        )
    superuser = people.team.make_login(people.team.login("dba"), "SUPERUSER")
    with pytest.raises(InvalidInput, match="superuser"):
        actions.add_user(admin, me, superuser, "iro")
    with pytest.raises(InvalidInput, match="reviewdesk's own roles"):
        actions.add_user(admin, me, people.team.groups.iro, "iro")
    with pytest.raises(InvalidInput, match="at most 63 bytes"):
        actions.add_user(admin, me, "ł" * 40, "iro")
    special = ("all", "PUBLIC", "current_user", "session_user", "+iros", "@admins", "pg_x")
    for name in special:  # what pg_hba.conf or GRANT would read as something else
        with pytest.raises(InvalidInput, match="meaning of its own"):
            actions.add_user(admin, me, name, "iro")
    # ... but someone already on the list by such a name (a computer account "user" from
    # the SQLite file) can still be deactivated.
    with people.owner.session() as s:
        s.add(User(username="user", role="iro", display_name=""))
    actions.deactivate_user(admin, me, "user", expected_version=_version(people, "user"))
    with people.owner.session() as s:
        assert s.scalar(select(User.active).where(User.username == "user")) is False
    with people.owner.session() as s:  # each refusal changed nothing
        names = set(s.scalars(select(User.username)))
    assert superuser not in names and people.team.groups.iro not in names
    assert not names & set(special)
    with people.team.as_superuser() as conn:
        made = conn.execute(
            text("SELECT rolname FROM pg_roles WHERE rolname = ANY(:n)"), {"n": list(special)}
        ).scalars()
        assert list(made) == []


def test_only_an_administrator_may_call_the_membership_function(people):
    for login in (people.iro, people.reader):
        with pytest.raises(DBAPIError) as failed, people.raw(login).begin() as conn:
            conn.execute(
                text("SELECT reviewdesk_set_login(:me, 'administrator', false)"), {"me": login}
            )
        assert failed.value.orig.sqlstate == "42501"
    assert _role(people, people.iro) is Role.IRO


def _version(people: People, username: str) -> int:
    with people.owner.session() as s:
        return s.scalar(select(User.version).where(User.username == username))
