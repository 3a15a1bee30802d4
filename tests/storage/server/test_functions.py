"""The database itself enforces roles and keeps the audit, whatever a login does with raw SQL
(psql, a spreadsheet's ODBC link, a script): three logins on one database set up for a team.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import DBAPIError

from reviewdesk.codes import Role
from reviewdesk.storage import server
from reviewdesk.storage.server import MAINTENANCE_SETTING
from tests.storage.server.conftest import People

pytestmark = pytest.mark.postgres


def _refused(people: People, login: str, sql: str, **params) -> str:
    """Run ``sql`` as ``login``; it must fail in the database with a permission error
    (SQLSTATE 42501). Returns the server's message."""
    with pytest.raises(DBAPIError) as failed, people.raw(login).begin() as conn:
        conn.execute(text(sql), params)
    assert failed.value.orig.sqlstate == "42501", failed.value
    return str(failed.value.orig)


def _run(people: People, login: str, sql: str, **params) -> int:
    with people.raw(login).begin() as conn:
        return conn.execute(text(sql), params).rowcount


def _one(people: People, sql: str, **params):
    with people.raw(people.team.owner).connect() as conn:
        return conn.execute(text(sql), params).one()


def _entries(people: People, after: int = 0) -> list:
    with people.raw(people.team.owner).connect() as conn:
        return conn.execute(
            text(
                "SELECT id, username, action, table_name, record_id, child_id, before, after, "
                "recorded_by FROM audit_log WHERE id > :n ORDER BY id"
            ),
            {"n": after},
        ).all()


def _last(people: People) -> int:
    return _one(people, "SELECT coalesce(max(id), 0) FROM audit_log")[0]


def test_the_read_only_login_changes_nothing_even_with_raw_sql(people):
    child = people.ids["child"]
    before = _one(people, "SELECT first_name, version FROM child WHERE id = :c", c=child)
    for sql in (
        "UPDATE child SET first_name = 'Mallory' WHERE id = :c",
        "DELETE FROM child WHERE id = :c",
        "INSERT INTO child (local_id, first_name, last_name, version) VALUES ('X', 'a', 'b', 1)",
        "UPDATE meeting SET outcome = 'x' WHERE child_id = :c",
        "UPDATE meeting SET booked_date = '2024-05-01', chair_id = NULL WHERE child_id = :c",
        "DELETE FROM meeting WHERE child_id = :c",
        "INSERT INTO meeting_part (meeting_id, part_no) SELECT id, 2 FROM meeting",
        "UPDATE report SET received = '2024-04-01'",
        "UPDATE app_user SET role = 'administrator'",
        "TRUNCATE child CASCADE",
    ):
        _refused(people, people.reader, sql, c=child)
    assert _one(people, "SELECT first_name, version FROM child WHERE id = :c", c=child) == before
    with people.raw(people.reader).connect() as conn:  # but reads everything, the trail too
        assert conn.execute(text("SELECT count(*) FROM child")).scalar() == 1
        assert conn.execute(text("SELECT count(*) FROM audit_log")).scalar() > 0


def test_no_login_can_change_or_delete_the_audit_trail(people):
    count = _one(people, "SELECT count(*) FROM audit_log")[0]
    for login in (people.admin, people.iro, people.reader):
        _refused(people, login, "DELETE FROM audit_log")
        _refused(people, login, "UPDATE audit_log SET username = 'nobody'")
        _refused(people, login, "TRUNCATE audit_log")
    # Not even the owner, who holds every privilege: the trigger refuses.
    owner = people.team.owner
    message = _refused(people, owner, "DELETE FROM audit_log")
    assert "append-only" in message
    _refused(people, owner, "UPDATE audit_log SET username = 'nobody'")
    _refused(people, owner, "TRUNCATE audit_log")
    assert _one(people, "SELECT count(*) FROM audit_log")[0] == count


#: What a login might try with psql to give itself more, or to switch off what protects the
#: data. ``{me}`` is the login, ``{a}`` / ``{i}`` the administrators' and IROs' groups,
#: ``{owner}`` the tables' owner, ``{s}`` the schema.
ESCALATIONS = (
    'GRANT "{a}" TO "{me}"',
    'GRANT "{i}" TO "{me}"',
    'SET ROLE "{owner}"',
    'ALTER ROLE "{me}" CREATEROLE',
    'ALTER ROLE "{me}" SUPERUSER',
    'ALTER ROLE "{me}" BYPASSRLS',
    "SET session_replication_role = replica",  # would silence every trigger
    "ALTER TABLE child DISABLE TRIGGER reviewdesk_audit",
    "ALTER TABLE audit_log DISABLE TRIGGER ALL",
    "DROP TRIGGER reviewdesk_stamp ON meeting",
    "ALTER TABLE meeting DISABLE ROW LEVEL SECURITY",
    "DROP POLICY reviewdesk_iro_update ON meeting",
    "CREATE POLICY mine ON meeting FOR ALL TO PUBLIC USING (true)",
    'ALTER TABLE audit_log OWNER TO "{me}"',
    "DROP TABLE audit_log",
    "CREATE RULE keep AS ON INSERT TO audit_log DO INSTEAD NOTHING",
    'CREATE OR REPLACE FUNCTION "{s}".reviewdesk_my_staff() RETURNS integer '
    "LANGUAGE sql AS 'SELECT id FROM staff'",
    'CREATE TABLE "{s}".reviewdesk_extra (x integer)',
    "UPDATE reviewdesk_server SET role_name = '{me}' WHERE kind = 'administrator'",
    "DELETE FROM reviewdesk_server",  # the app would believe the database not set up
    # The record of the protection: a stale server would pass for an up-to-date one.
    "UPDATE reviewdesk_protection SET fingerprint = 'x'",
    "DELETE FROM reviewdesk_protection",
    "INSERT INTO reviewdesk_protection VALUES (2, 'x', '{{}}', '{{}}', now(), 'x')",
    "UPDATE alembic_version SET version_num = '0001'",
    "SELECT setval('audit_log_id_seq', 1)",
)
#: ... and what only an administrator may do: change who is who.
NOT_AN_ADMINISTRATOR = (
    "UPDATE app_user SET role = 'administrator', staff_id = NULL WHERE username = '{me}'",
    "INSERT INTO app_user (username, role, active, display_name, version) "
    "VALUES ('{me}_2', 'administrator', true, '', 1)",
    "SELECT reviewdesk_set_login('{me}', 'administrator', false)",
    "SELECT reviewdesk_set_login('{me}_new', 'administrator', true)",
)


def test_no_login_gives_itself_more_or_switches_the_protection_off(people):
    """Every login (the administrator included) against every statement that would raise
    its role or disarm the triggers, policies or groups: each refused by the database, and
    afterwards every table is as `server init` made it and every role as it was."""
    groups = people.team.groups
    names = {"a": groups.administrator, "i": groups.iro, "owner": people.team.owner}
    names["s"] = people.team.schema
    entries = _last(people)
    for login in (people.admin, people.iro, people.reader):
        tries = ESCALATIONS if login == people.admin else ESCALATIONS + NOT_AN_ADMINISTRATOR
        for sql in tries:
            if login == people.admin and sql.startswith('GRANT "{i}"'):
                continue  # an administrator's own group already holds more
            try:
                _refused(people, login, sql.format(me=login, **names))
            except BaseException as failed:
                raise AssertionError(f"{login}: {sql}") from failed
    with people.raw(people.team.owner).connect() as conn:
        assert server.problems(conn, groups) == []
        roles = {who: server.login_role(conn, groups, who) for who in (people.iro, people.reader)}
    assert roles == {people.iro: Role.IRO, people.reader: Role.TEAM_MANAGER}
    assert _last(people) == entries  # nothing done, so nothing to audit


def test_the_audit_maintenance_path_is_the_owner_s_alone_and_is_recorded(people):
    first = _one(people, "SELECT min(id) FROM audit_log")[0]
    count = _one(people, "SELECT count(*) FROM audit_log")[0]
    # The setting alone opens nothing for an administrator: they have no DELETE grant.
    with pytest.raises(DBAPIError), people.raw(people.admin).begin() as conn:
        conn.execute(text(f"SET LOCAL {MAINTENANCE_SETTING} = 'on'"))
        conn.execute(text("DELETE FROM audit_log WHERE id = :i"), {"i": first})
    with people.raw(people.team.owner).begin() as conn:
        conn.execute(text(f"SET LOCAL {MAINTENANCE_SETTING} = 'on'"))
        gone = conn.execute(text("DELETE FROM audit_log WHERE id = :i"), {"i": first}).rowcount
    assert gone == 1
    last = _entries(people)[-1]
    assert (last.username, last.action, last.table_name) == (
        people.team.owner,
        "maintenance",
        "audit_log",
    )
    assert last.after == {"what": "delete", "entries": 1, "from_id": first, "to_id": first}
    assert _one(people, "SELECT count(*) FROM audit_log")[0] == count  # one out, one in
    # Outside that transaction the trail is append-only again.
    _refused(people, people.team.owner, "DELETE FROM audit_log")


def test_a_raw_change_by_the_administrator_is_audited_with_login_values_and_child(people):
    child = people.ids["child"]
    last = _last(people)
    assert _run(people, people.admin, "UPDATE child SET first_name = 'Zoe' WHERE id = :c", c=child)
    (entry,) = _entries(people, last)
    assert entry.username == people.admin and entry.recorded_by == people.admin
    assert (entry.action, entry.table_name, entry.record_id) == ("update", "child", str(child))
    assert entry.child_id == child
    assert entry.before == {"first_name": "Zoë"} and entry.after == {"first_name": "Zoe"}
    # The record says who changed it, and its version moved on (the app's lost-update
    # check sees a change made outside it).
    row = _one(people, "SELECT version, updated_by FROM child WHERE id = :c", c=child)
    assert row.version == 2 and row.updated_by == people.admin

    last = _last(people)
    _run(people, people.admin, "DELETE FROM report WHERE id = :r", r=people.ids["their_report"])
    (entry,) = _entries(people, last)
    assert (entry.action, entry.table_name, entry.child_id) == ("delete", "report", child)
    assert entry.before["author"] == "PC Evans" and entry.after is None
    assert "version" not in entry.before and "updated_by" not in entry.before


def test_a_cascade_names_the_child_of_every_row_it_removes(people):
    child = people.ids["child"]
    last = _last(people)
    _run(people, people.admin, "DELETE FROM child WHERE id = :c", c=child)
    entries = _entries(people, last)
    removed = {(e.table_name, e.record_id) for e in entries}
    assert {("child", str(child)), ("report", str(people.ids["my_report"]))} <= removed
    assert {e.action for e in entries} == {"delete"}
    assert {e.child_id for e in entries} == {child}  # reports included, reached via meetings


def test_an_iro_changes_only_the_meetings_they_chair(people):
    mine, theirs = people.ids["mine"], people.ids["theirs"]
    message = _refused(
        people,
        people.iro,
        "UPDATE meeting SET outcome = 'x', status = 'held' WHERE id = :m",
        m=theirs,
    )
    assert "row-level security" in message
    _refused(
        people,
        people.iro,
        "UPDATE report SET received = '2024-04-01' WHERE id = :r",
        r=people.ids["their_report"],
    )
    _refused(
        people,
        people.iro,
        "INSERT INTO meeting_part (meeting_id, part_no, held_date) VALUES (:m, 1, '2024-04-22')",
        m=theirs,
    )
    # Nor what is not an outcome, on their own meeting: the booking, the chair, a cancellation.
    _refused(
        people, people.iro, "UPDATE meeting SET booked_date = '2024-01-01' WHERE id = :m", m=mine
    )
    _refused(people, people.iro, "UPDATE meeting SET chair_id = NULL WHERE id = :m", m=mine)
    _refused(people, people.iro, "UPDATE meeting SET status = 'cancelled' WHERE id = :m", m=mine)
    _refused(people, people.iro, "DELETE FROM meeting WHERE id = :m", m=mine)
    assert _one(people, "SELECT outcome, status FROM meeting WHERE id = :m", m=theirs) == (
        None,
        "booked",
    )

    last = _last(people)
    changed = _run(
        people,
        people.iro,
        "UPDATE meeting SET status = 'held', held_date = '2024-04-22', outcome = 'Plan endorsed' "
        "WHERE id = :m",
        m=mine,
    )
    assert changed == 1
    _run(
        people,
        people.iro,
        "UPDATE report SET received = '2024-04-15' WHERE id = :r",
        r=people.ids["my_report"],
    )
    entries = _entries(people, last)
    assert [(e.username, e.action, e.table_name, e.record_id) for e in entries] == [
        (people.iro, "update", "meeting", str(mine)),
        (people.iro, "update", "report", str(people.ids["my_report"])),
    ]
    assert entries[0].after == {
        "status": "held",
        "held_date": "2024-04-22",
        "outcome": "Plan endorsed",
    }
    assert entries[0].before == {"status": "booked", "held_date": None, "outcome": None}
    assert {e.child_id for e in entries} == {people.ids["child"]}


def test_no_one_forges_an_entry_of_the_trail(people):
    _refused(
        people,
        people.iro,
        "INSERT INTO audit_log (at, username, action, table_name, record_id) "
        "VALUES (now(), :who, 'update', 'child', '1')",
        who=people.admin,
    )
    # An entry of their own action (an export) is theirs and now, whatever it says.
    last = _last(people)
    _run(
        people,
        people.reader,
        "INSERT INTO audit_log (at, username, action, table_name, record_id) "
        "VALUES ('2001-01-01', :who, 'export', 'case list', '*')",
        who=people.admin,
    )
    (entry,) = _entries(people, last)
    assert entry.username == people.reader and entry.recorded_by == people.reader
    at = _one(people, "SELECT at FROM audit_log WHERE id = :i", i=entry.id)[0]
    assert at > dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    # An administrator may append another's entry (a restore appends an older trail), but
    # the trail says who put it there.
    last = _last(people)
    _run(
        people,
        people.admin,
        "INSERT INTO audit_log (at, username, action, table_name, record_id) "
        "VALUES ('2001-01-01', 'someone', 'update', 'child', '1')",
    )
    (entry,) = _entries(people, last)
    assert entry.username == "someone" and entry.recorded_by == people.admin


def test_the_identity_is_the_login_the_server_authenticated(people):
    groups = people.team.groups
    with people.raw(people.iro).connect() as conn:
        for sql in (
            f'SET ROLE "{groups.administrator}"',
            f'SET SESSION AUTHORIZATION "{people.admin}"',
        ):
            with pytest.raises(DBAPIError) as failed:
                conn.execute(text(sql))
            assert failed.value.orig.sqlstate == "42501"
            conn.rollback()
        conn.execute(text("SELECT set_config('reviewdesk.user', :a, false)"), {"a": people.admin})
        assert conn.execute(text("SELECT session_user")).scalar() == people.iro
    # Asking for a role at connection time (what PGOPTIONS does) is refused by the server.
    url = make_url(people.team.url(people.iro))
    options = f"-csearch_path={people.team.schema} -crole={groups.administrator}"
    engine = create_engine(url.set(query={**url.query, "options": options}))
    try:
        with pytest.raises(DBAPIError) as failed, engine.connect():
            pass
        assert "permission denied to set role" in str(failed.value)
    finally:
        engine.dispose()
