"""What an attacker's audit of a server set up for a team tried, each as the attacking login
with its own raw SQL (psql), and what the database must make of it."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import DBAPIError

from reviewdesk import actions
from reviewdesk.codes import Role
from reviewdesk.storage import server
from reviewdesk.storage.db import open_database
from reviewdesk.storage.locking import ConcurrentChange
from reviewdesk.storage.models import Child
from tests.dbfixtures import postgres_url
from tests.storage.cli_helpers import cli
from tests.storage.server.conftest import People
from tests.storage.server.test_functions import _entries, _last, _one, _refused, _run

pytestmark = pytest.mark.postgres

#: Entries planted ahead of the trail's sequence: every later entry would collide with one.
PLANT_AUDIT_IDS = (
    "INSERT INTO audit_log (id, action, table_name, record_id) "
    "SELECT nextval('audit_log_id_seq') + g, 'export', 'x', '*' FROM generate_series(1, 5) g"
)


def _admin_saves_twice(people: People) -> None:
    """An administrator's next changes (each writes an entry through the audit trigger)."""
    child = people.ids["child"]
    for name in ("Zoe", "Zoë", "Zoey"):
        assert _run(
            people, people.admin, "UPDATE child SET first_name = :n WHERE id = :c", n=name, c=child
        )


def test_no_login_but_the_owner_chooses_the_id_of_an_audit_entry(people):
    """A read-only login (or an IRO, or an administrator) planting entries ahead of the
    sequence would make every later save fail on the trail's primary key."""
    for login in (people.reader, people.iro, people.admin):
        _refused(people, login, PLANT_AUDIT_IDS)
    last = _last(people)
    _admin_saves_twice(people)
    assert [e.action for e in _entries(people, last)] == ["update"] * 3
    # What they may add (the record of an export) still goes in, numbered by the database.
    _run(
        people,
        people.reader,
        "INSERT INTO audit_log (action, table_name, record_id) VALUES ('export', 'x', '*')",
    )
    assert _entries(people, last)[-1].username == people.reader


def test_an_iro_chooses_no_id_of_the_rows_they_add(people):
    """Rows planted ahead of a table's sequence would make the next row anyone adds there
    fail; an IRO adds rows only as the database numbers them."""
    mine = people.ids["mine"]
    _refused(
        people,
        people.iro,
        "INSERT INTO meeting_part (id, meeting_id, part_no, held_date) "
        "SELECT nextval(pg_get_serial_sequence('meeting_part', 'id')) + g, :m, g, '2024-04-22' "
        "FROM generate_series(1, 3) g",
        m=mine,
    )
    # Their own rows, numbered by the database, go in (as the app adds them).
    assert _run(
        people,
        people.iro,
        "INSERT INTO meeting_part (meeting_id, part_no, held_date) VALUES (:m, 1, '2024-04-22')",
        m=mine,
    )
    assert _run(
        people,
        people.admin,
        "INSERT INTO meeting_part (meeting_id, part_no, held_date) VALUES (:m, 2, '2024-04-29')",
        m=mine,
    )
    # Every table an IRO adds to: any column but the one the database numbers.
    with people.raw(people.team.owner).connect() as conn:
        chosen = conn.execute(
            text(
                "SELECT c.relname, a.attname FROM pg_class c "
                "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 "
                "WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' "
                "AND pg_get_serial_sequence(quote_ident(c.relname), a.attname) IS NOT NULL "
                "AND has_column_privilege(:i, c.oid, a.attnum, 'INSERT')"
            ),
            {"i": people.team.groups.iro},
        ).all()
        assert chosen == []
    count = _one(people, "SELECT count(*) FROM meeting_part WHERE meeting_id = :m", m=mine)[0]
    assert count == 2


def test_a_role_changed_with_the_membership_function_is_audited_and_status_says_so(people):
    """An administrator calling the owner's membership function with psql makes an IRO an
    administrator: the trail has it in their name, and `server status` says the login's
    role is not the one the user list gives."""
    groups = people.team.groups
    last = _last(people)
    with people.raw(people.admin).begin() as conn:
        done = conn.execute(
            text("SELECT reviewdesk_set_login(:l, 'administrator', false)"), {"l": people.iro}
        ).scalar()
    assert done == "mapped"
    (entry,) = _entries(people, last)
    assert (entry.username, entry.recorded_by, entry.action, entry.table_name) == (
        people.admin,
        people.admin,
        "login",
        "app_user",
    )
    user_id = _one(people, "SELECT id FROM app_user WHERE username = :u", u=people.iro)[0]
    assert entry.record_id == str(user_id)
    assert entry.before == {"username": people.iro, "groups": [groups.iro]}
    assert entry.after == {
        "username": people.iro,
        "groups": [groups.administrator],
        "login": "the server's own",
    }
    with people.raw(people.team.owner).connect() as conn:
        found = server.problems(conn, groups)
    assert found == [
        f"user {people.iro} is on the list as an IRO, but the server gives the login the "
        f"rights of an administrator: put it right with `reviewdesk users set-role "
        f"{people.iro} ROLE`"
    ]
    # Calling it again changes nothing, and writes nothing.
    last = _last(people)
    with people.raw(people.admin).begin() as conn:
        conn.execute(
            text("SELECT reviewdesk_set_login(:l, 'administrator', false)"), {"l": people.iro}
        )
    assert _entries(people, last) == []


def test_the_membership_function_gives_no_group_to_a_name_that_is_not_a_login(people):
    """PostgreSQL's own roles (the call made pg_execute_server_program a member of the
    administrators' group) and the names SQL or pg_hba.conf read as something else: refused
    by the function itself, as by the app, and nothing is written or made."""
    last = _last(people)
    for name, create in (
        ("pg_execute_server_program", False),
        ("pg_read_server_files", False),
        ("pg_x_" + people.team.tag, True),
        ("all", True),
        ("+admins", True),
        ("@admins", True),
        ("Session_User", True),
    ):
        message = _refused(
            people,
            people.admin,
            "SELECT reviewdesk_set_login(:n, 'administrator', :c)",
            n=name,
            c=create,
        )
        assert "meaning of its own" in message, name
    assert _entries(people, last) == []
    with people.team.as_superuser() as conn:
        granted = conn.execute(
            text(
                "SELECT r.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member "
                "WHERE m.roleid = ANY (SELECT oid FROM pg_roles WHERE rolname = ANY (:g)) "
                "AND r.rolname LIKE 'pg\\_%'"
            ),
            {"g": list(people.team.groups.all)},
        ).all()
        made = conn.execute(
            text("SELECT rolname FROM pg_roles WHERE rolname IN ('all', '+admins', '@admins')")
        ).all()
    assert granted == [] and made == []


def _leaver(people: People):  # noqa: ANN202 - (login, Connection)
    """A second administrator, added by the owner, with a session open as psql would keep
    it, that has taken the administrators' role (SET ROLE) while its login had the group."""
    owner = people.owner
    leaver = people.team.login("leaver")
    actions.add_user(owner, actions.whoami(owner), leaver, "administrator")
    conn = people.raw(leaver).connect()
    conn.execute(text(f'SET ROLE "{people.team.groups.administrator}"'))
    conn.commit()
    return leaver, conn


def _ended(conn) -> bool:  # noqa: ANN001 - a Connection
    """Whether the server has ended this session (within a few seconds)."""
    for _ in range(50):
        try:
            conn.execute(text("SELECT 1")).scalar()
            conn.rollback()
        except DBAPIError:
            return True
        time.sleep(0.1)
    return False


def _version(people: People, username: str) -> int:
    return _one(people, "SELECT version FROM app_user WHERE username = :u", u=username)[0]


def test_deactivating_a_user_ends_their_open_sessions(people):
    """PostgreSQL checks membership when a session takes a role: a deactivated
    administrator's session that had taken the group's role kept it, and went on changing
    records. Deactivating ends the login's sessions on the database once it is saved."""
    leaver, session = _leaver(people)
    try:
        admin = people.db(people.admin)
        changes = actions.deactivate_user(
            admin, actions.whoami(admin), leaver, expected_version=_version(people, leaver)
        )
        assert _ended(session)
    finally:
        session.close()
    login = changes.result
    assert (login.sessions_ended, login.sessions_open) == (1, 0)
    assert login.sessions_note == f"1 open session(s) of {leaver} were ended."
    # Nobody else's session was touched.
    with people.raw(people.reader).connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM child")).scalar() == 1


def test_a_session_left_open_neither_reactivates_its_user_nor_gets_its_group_back(people, capsys):
    """Where the owner may not end sessions (not a member of pg_signal_backend), deactivating
    says to close them. The session left open may not change the user list (it made itself
    active again); and where it did (a server whose protection predates that rule),
    `server init` gives its login no group back, and says why."""
    team = people.team
    with team.as_superuser() as conn:
        conn.execute(text(f'REVOKE pg_signal_backend FROM "{team.owner}"'))
    leaver, session = _leaver(people)
    try:
        assert cli(team.url(people.admin), "users", "deactivate", leaver) == 0
        err = capsys.readouterr().err
        assert (
            f"warning: close their open sessions: the server did not let reviewdesk end 1 "
            f"open session(s) of {leaver}" in err
        )
        assert f"usename = '{leaver}'" in err
        assert not _ended(session)
        for sql in (
            "UPDATE app_user SET active = true WHERE username = session_user",
            "UPDATE app_user SET display_name = 'x' WHERE username = session_user",
            "DELETE FROM app_user WHERE username = session_user",
        ):
            with pytest.raises(DBAPIError) as failed:
                session.execute(text(sql))
            assert failed.value.orig.sqlstate == "42501", sql
            assert "not an administrator of this database (any more)" in str(failed.value)
            session.rollback()

        # As on a server set up before that rule: the session makes its user active again.
        with people.raw(team.owner).begin() as conn:
            conn.execute(text("ALTER TABLE app_user DISABLE TRIGGER reviewdesk_user_list"))
        session.execute(text("UPDATE app_user SET active = true WHERE username = session_user"))
        session.commit()
    finally:
        session.close()
    assert cli(team.url(team.owner), "server", "init") == 1
    out, err = capsys.readouterr()
    assert (
        f"warning: {leaver} was not given a group: the list has them as an active "
        f"administrator, but the trail shows {leaver} making themselves active" in err
    )
    assert f"{leaver} was given their group" not in out
    assert f"The owner, {team.owner}, is now a member of pg_signal_backend" in out
    assert (
        f"user {leaver} is on the list as an administrator, but the server gives the login the "
        "rights of no role" in err
    )
    with people.raw(team.owner).connect() as conn:
        assert server.login_role(conn, team.groups, leaver) is None


def test_an_administrator_still_edits_their_own_row_but_not_their_own_return(people):
    admin = people.admin
    assert _run(
        people, admin, "UPDATE app_user SET display_name = 'A' WHERE username = :u", u=admin
    )
    with people.raw(people.team.owner).begin() as conn:
        conn.execute(text("UPDATE app_user SET active = false WHERE username = :u"), {"u": admin})
    # (Their login keeps its group: only the list says they are deactivated.)
    message = _refused(
        people, admin, "UPDATE app_user SET active = true WHERE username = :u", u=admin
    )
    assert "may not put themselves on the user list, reactivate themselves" in message
    # Nor by adding a row of their name, or giving another row their name.
    _refused(
        people,
        admin,
        "INSERT INTO app_user (username, role, active, display_name, version) "
        "VALUES (:u, 'administrator', true, '', 1)",
        u=admin,
    )
    _refused(
        people,
        admin,
        "UPDATE app_user SET username = :u, active = true WHERE username = :r",
        u=admin,
        r=people.reader,
    )


#: A function that is a better match than the built-in replace(text, text, text) for a call
#: with a name (session_user, current_user): what such a call resolves to wherever it is.
PLANTED = (
    "CREATE FUNCTION {s}.replace(text, text, name) RETURNS text LANGUAGE sql "
    "AS $$ SELECT 'planted' $$"
)
CALL = "SELECT replace('a-b', '-', session_user)"


def test_a_login_that_may_create_in_the_schema_is_a_problem_init_puts_right(people):
    """On PostgreSQL 13 and 14 every login may create in ``public``; a DBA may grant it. A
    login in no group then planted a function an administrator's query called."""
    team = people.team
    s = f'"{team.schema}"'
    outsider = team.make_login(team.login("outsider"))
    with team.as_superuser() as conn:
        conn.execute(text(f"GRANT CREATE ON SCHEMA {s} TO PUBLIC"))
        conn.execute(text(f'GRANT CREATE ON SCHEMA {s} TO "{people.reader}"'))
    with people.raw(outsider).begin() as conn:
        conn.execute(text(PLANTED.format(s=s)))
    with people.raw(people.admin).connect() as conn:
        assert conn.execute(text(CALL)).scalar() == "planted"  # (psql's search path)
    with people.raw(team.owner).connect() as conn:
        found = server.problems(conn, team.groups)
    assert found == [
        f"the schema {team.schema}: every login (PUBLIC) may create objects in it, such as a "
        "function that anyone's SQL would call in place of a built-in one: its owner (or the "
        f"server's administrator) must run REVOKE CREATE ON SCHEMA {s} FROM PUBLIC;",
        f"the schema {team.schema}: {people.reader} may create objects in it, such as a "
        "function that anyone's SQL would call in place of a built-in one: its owner (or the "
        f'server\'s administrator) must run REVOKE CREATE ON SCHEMA {s} FROM "{people.reader}";',
        f"the function {team.schema}.replace(text, text, name) in the schema {team.schema} is "
        f"{outsider}'s, not reviewdesk's: anyone's SQL may call it in place of a built-in "
        "one; unless the DBA knows it, its owner (or the server's administrator) should drop it",
    ]
    done = server.set_up(people.owner.engine)
    assert done.problems == [found[2]]  # what init may not drop, it still names
    for login in (outsider, people.reader):
        _refused(people, login, PLANTED.format(s=s).replace("replace(", "lower("))
    with team.as_superuser() as conn:
        conn.execute(text(f"DROP FUNCTION {s}.replace(text, text, name)"))
    with people.raw(team.owner).connect() as conn:
        assert server.problems(conn, team.groups) == []


def test_the_app_s_connections_search_pg_catalog_and_its_own_schema_alone(people):
    """A search path the URL, PGOPTIONS or the DBA gives (here: reviewdesk's schema, then
    one where another login planted a function) is not the one the app's SQL runs with."""
    team = people.team
    other = f"other_{team.tag}"
    outsider = team.make_login(team.login("outsider"))
    with team.as_superuser() as conn:
        conn.execute(text(f'CREATE SCHEMA "{other}"'))
        conn.execute(text(f'GRANT USAGE, CREATE ON SCHEMA "{other}" TO PUBLIC'))
    try:
        with people.raw(outsider).begin() as conn:
            conn.execute(text(PLANTED.format(s=f'"{other}"')))
        url = make_url(team.url(people.admin))
        path = f"-csearch_path={team.schema},{other}"
        url = url.set(query={**url.query, "options": path}).render_as_string(False)
        db = open_database(url)
        try:
            with db.engine.connect() as conn:
                # (pg_catalog, not listed, is searched first.)
                assert conn.execute(text("SHOW search_path")).scalar() == f"{team.schema}, pg_temp"
                assert conn.execute(text(CALL)).scalar() == f"a{people.admin}b"
            assert actions.whoami(db).role is Role.ADMINISTRATOR
        finally:
            db.dispose()
    finally:
        with team.as_superuser() as conn:
            conn.execute(text(f'DROP SCHEMA "{other}" CASCADE'))


@contextmanager
def _own_database() -> Iterator[tuple[str, str]]:
    """A database of its own owned by a new login with CREATEROLE (as the README has the
    DBA make it): (its URL as that owner, the tag of every role made for it); dropped after,
    with those roles."""
    base = postgres_url()
    tag = uuid.uuid4().hex[:10]
    owner, name = f"owner_{tag}", f"rd_{tag}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE ROLE "{owner}" LOGIN CREATEROLE'))
        conn.execute(text(f'CREATE DATABASE "{name}" OWNER "{owner}"'))
    try:
        url = make_url(base).set(database=name, username=owner)
        yield url.render_as_string(hide_password=False), tag
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            made = conn.execute(
                text("SELECT rolname FROM pg_roles WHERE strpos(rolname, :t) > 0"), {"t": tag}
            ).scalars()
            for role in sorted(made, key=lambda n: n == owner):  # the owner last
                conn.execute(text(f'DROP ROLE "{role}"'))
        admin.dispose()


def _as(url: str, login: str) -> str:
    return make_url(url).set(username=login).render_as_string(hide_password=False)


def test_a_login_in_no_group_cannot_connect_to_a_database_its_owner_set_up(capsys):
    """Every login may connect to a new database (and make temporary tables there): once
    `server init` has run as the database's owner, only reviewdesk's groups may."""
    with _own_database() as (url, tag):
        assert cli(url, "server", "init") == 0
        said = capsys.readouterr().out
        db = open_database(url)
        try:
            actions.add_user(db, actions.whoami(db), f"ann_{tag}", "team-manager")
        finally:
            db.dispose()
        admin = create_engine(postgres_url(), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE ROLE "outsider_{tag}" LOGIN'))
        admin.dispose()
        outsider = create_engine(_as(url, f"outsider_{tag}"))
        try:
            with pytest.raises(DBAPIError) as failed, outsider.connect():
                pass
            assert "permission denied for database" in str(failed.value)
        finally:
            outsider.dispose()
        member = create_engine(_as(url, f"ann_{tag}"))
        try:
            with member.connect() as conn:
                assert conn.execute(text("SELECT count(*) FROM child")).scalar() == 0
                with pytest.raises(DBAPIError) as failed:
                    conn.execute(text("CREATE TEMPORARY TABLE t (x integer)"))
                assert failed.value.orig.sqlstate == "42501"
        finally:
            member.dispose()
        assert "may no longer connect to the database" in said
        assert cli(url, "server", "init") == 0  # again: nothing more to say of it
        assert "connect to the database" not in capsys.readouterr().out


def test_status_says_when_every_login_may_connect_to_a_database_its_owner_owns(capsys):
    """`server init` takes CONNECT and TEMPORARY from PUBLIC where the owner owns the
    database; given back since (by the DBA, say), `server status` says so, and what to run."""
    with _own_database() as (url, tag):
        assert cli(url, "server", "init") == 0
        name = f"rd_{tag}"
        capsys.readouterr()
        assert cli(url, "server", "status") == 0
        out = capsys.readouterr().out
        assert "Problem:" not in out and "may connect" not in out
        admin = create_engine(make_url(postgres_url()), isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                conn.execute(text(f'GRANT CONNECT ON DATABASE "{name}" TO PUBLIC'))
            assert cli(url, "server", "status") == 1
            out = capsys.readouterr().out
            assert (
                f"Problem: the database {name}: every login may connect to it (PUBLIC has "
                f"CONNECT), which `server init` takes away: its owner (owner_{tag}) runs "
                "`reviewdesk server init` again, or REVOKE CONNECT, TEMPORARY ON DATABASE "
                f'"{name}" FROM PUBLIC;'
            ) in out
            assert cli(url, "server", "init") == 0
            capsys.readouterr()
            assert cli(url, "server", "status") == 0
            with admin.connect() as conn:
                conn.execute(text(f'GRANT TEMPORARY ON DATABASE "{name}" TO PUBLIC'))
                conn.execute(text(f'REVOKE CONNECT ON DATABASE "{name}" FROM "{name}_iro"'))
            assert cli(url, "server", "status") == 1
            out = capsys.readouterr().out
            assert "every login may make temporary tables in it (PUBLIC has TEMPORARY)" in out
            assert f"the group {name}_iro may not connect to it" in out
        finally:
            admin.dispose()


def test_an_update_moves_the_version_on_by_one_and_is_stamped_now_whatever_it_says(people):
    """An IRO set a held meeting of theirs back to version 1 and last changed in 2019: no
    entry in the trail (it leaves those columns out), and a save built on version 1 would
    then pass the lost-update check. The database stamps the row itself."""
    mine, child = people.ids["mine"], people.ids["child"]
    _run(
        people,
        people.admin,
        "UPDATE meeting SET status = 'held', held_date = '2024-04-22' WHERE id = :m",
        m=mine,
    )
    version = _one(people, "SELECT version FROM meeting WHERE id = :m", m=mine)[0]
    assert _run(
        people,
        people.iro,
        "UPDATE meeting SET updated_at = '2019-01-01', version = 1 WHERE id = :m",
        m=mine,
    )
    row = _one(people, "SELECT version, updated_at, updated_by FROM meeting WHERE id = :m", m=mine)
    assert row.version == version + 1 and row.updated_by == people.iro
    assert row.updated_at > dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    assert _run(people, people.admin, "UPDATE meeting SET version = 99 WHERE id = :m", m=mine)
    assert _one(people, "SELECT version FROM meeting WHERE id = :m", m=mine)[0] == version + 2

    # The app's own saves go on as before, and one built on an old version is refused.
    admin = people.db(people.admin)
    with admin.session() as s:
        opened = s.get(Child, child).version
    with admin.session() as s:
        s.get(Child, child).first_name = "Zoe"
    assert _one(people, "SELECT version FROM child WHERE id = :c", c=child)[0] == opened + 1
    me = actions.whoami(admin)
    changes = actions.set_user_details(
        admin,
        me,
        people.reader,
        display_name="Tom M.",
        staff_id=None,
        expected_version=_version(people, people.reader),
    )
    assert changes.touches("app_user")
    with pytest.raises(ConcurrentChange):
        actions.set_user_details(
            admin,
            me,
            people.reader,
            display_name="Tom",
            staff_id=None,
            expected_version=_version(people, people.reader) - 1,
        )
