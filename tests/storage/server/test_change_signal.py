"""On a shared server every login reads the change signal, none may write, reset or forge it
with SQL of their own, and it moves for a change by any of them (an IRO's, through the
SECURITY DEFINER trigger on the trail they cannot read; a change made with psql too)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import ProgrammingError

from reviewdesk import actions
from reviewdesk.codes import Role
from reviewdesk.storage import migrate, server
from reviewdesk.storage.db import make_engine
from reviewdesk.storage.models import Meeting
from reviewdesk.storage.signal import read_signal
from tests.dbfixtures import TeamServer, owned_schema
from tests.storage.server.conftest import People

pytestmark = pytest.mark.postgres

D = dt.date

#: What a login might try, as psql would send it.
FORGERIES = (
    "UPDATE change_signal SET counter = 0",
    "UPDATE change_signal SET counter = counter + 1",
    "DELETE FROM change_signal",
    "INSERT INTO change_signal (id, counter, changed_at) VALUES (2, 0, now())",
    "TRUNCATE change_signal",
    "SELECT reviewdesk_change_signal()",
    "DROP TRIGGER reviewdesk_change_signal ON audit_log",
    "ALTER TABLE audit_log DISABLE TRIGGER reviewdesk_change_signal",
)


def test_every_login_reads_it_and_none_may_write_it(people: People):
    for login in (people.admin, people.iro, people.reader):
        engine = people.raw(login)
        before = read_signal(engine)  # readable: no error
        assert before.counter > 0  # the fixture's changes moved it
        for sql in FORGERIES:
            with pytest.raises(ProgrammingError), engine.begin() as conn:
                conn.execute(text(sql))
        assert read_signal(engine) == before, login


def test_an_iro_s_change_and_a_change_made_with_psql_move_it(people: People):
    iro = people.db(people.iro)
    with iro.session() as s:
        version = s.get(Meeting, people.ids["mine"]).version
    before = read_signal(people.raw(people.reader))
    actions.record_outcome(
        iro,
        actions.whoami(iro),
        people.ids["mine"],
        actions.Outcome(parts=[D(2024, 4, 22)], participation="PN1"),
        late=False,
        as_of=D(2024, 5, 1),
        expected_version=version,
    )
    after_iro = read_signal(people.raw(people.reader))
    assert after_iro.counter == before.counter + 1  # one transaction, one move

    with people.raw(people.admin).begin() as conn:
        conn.execute(text("UPDATE child SET first_name = 'Zoe' WHERE id = :child"), people.ids)
    assert read_signal(people.raw(people.iro)).counter == after_iro.counter + 1


def test_a_team_s_database_made_by_the_previous_version_gets_it_on_upgrade():
    """The owner's upgrade from 0010 makes the signal and grants it as `server.apply` does,
    in the same transaction: every group reads it at once, and changes move it."""
    with owned_schema("owner", "CREATEROLE") as owned:
        engine = make_engine(owned.url)
        try:
            migrate.upgrade(engine, "0010")
            groups = server.set_up(engine, f"rd_{owned.tag}").groups
            team = TeamServer(owned.base, owned.schema, owned.tag, owned.owner, groups)
            iro = team.make_login(team.login("iro"))
            with engine.begin() as conn:
                server.set_login(conn, iro, Role.IRO)
            migrate.upgrade(engine)
            with engine.connect() as conn:
                assert server.problems(conn, groups) == []
            as_iro = create_engine(team.url(iro))
            try:
                before = read_signal(as_iro)
                with engine.begin() as conn:
                    conn.execute(text("INSERT INTO team (name, version) VALUES ('North', 1)"))
                assert read_signal(as_iro).counter == before.counter + 1
            finally:
                as_iro.dispose()
        finally:
            engine.dispose()
