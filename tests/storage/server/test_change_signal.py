"""On a shared server every login reads the change signal and its feed, none may write, reset
or forge them with SQL of their own, and they move for a change by any of them (an IRO's,
through the SECURITY DEFINER trigger on the trail they cannot read; a change made with psql
too). The feed names to a login only the children it may read (or those deleted)."""

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
    "UPDATE change_signal SET feed_since = 0",
    "INSERT INTO change_feed (kind, child_id, counter) VALUES ('staff', 0, 1000000)",
    "UPDATE change_feed SET counter = counter + 1000000",
    "DELETE FROM change_feed",
    "TRUNCATE change_feed",
    "ALTER TABLE change_feed DISABLE ROW LEVEL SECURITY",
    "DROP POLICY reviewdesk_read ON change_feed",
)


def _feed(engine) -> set[tuple]:  # noqa: ANN001
    with engine.connect() as conn:
        return set(conn.execute(text("SELECT kind, child_id, counter FROM change_feed")).all())


def test_every_login_reads_it_and_none_may_write_it(people: People):
    for login in (people.admin, people.iro, people.reader):
        engine = people.raw(login)
        before = read_signal(engine)  # readable: no error
        assert before.counter > 0  # the fixture's changes moved it
        feed = _feed(engine)  # readable too, and names the fixture's child
        assert ("meeting", people.ids["child"]) in {(k, c) for k, c, _n in feed}, login
        for sql in FORGERIES:
            with pytest.raises(ProgrammingError), engine.begin() as conn:
                conn.execute(text(sql))
        assert read_signal(engine) == before, login
        assert _feed(engine) == feed, login


def test_another_login_s_change_reaches_every_login_s_feed(people: People):
    """An IRO's outcome, read by the administrator's window and the team manager's: that
    meeting's child, worked out on its own (its records of the case, nothing else)."""
    iro = people.db(people.iro)
    with iro.session() as s:
        version = s.get(Meeting, people.ids["mine"]).version
    seen = {login: read_signal(people.raw(login)) for login in (people.admin, people.reader)}
    actions.record_outcome(
        iro,
        actions.whoami(iro),
        people.ids["mine"],
        actions.Outcome(parts=[D(2024, 4, 22)], participation="PN1"),
        late=False,
        as_of=D(2024, 5, 1),
        expected_version=version,
    )
    for login, before in seen.items():
        engine = people.raw(login)
        changes = actions.others_changes(engine, before, read_signal(engine))
        assert not changes.everything, login
        assert changes.children == {people.ids["child"]} and "meeting" in changes.kinds


def test_the_feed_hides_the_children_a_login_may_not_read(people: People):
    """Should the council hide some children from a group with a policy of its own, the
    feed does not say that those changed to a login of that group: it names the children
    the login may read, and those deleted."""
    team, ids = people.team, people.ids
    owner = people.raw(team.owner)
    with owner.begin() as conn:
        hidden = conn.execute(
            text(
                "INSERT INTO child (local_id, first_name, last_name, dob, version) "
                "VALUES ('R2', 'Siân', 'Evans', '2016-01-01', 1) RETURNING id"
            )
        ).scalar_one()
        gone = conn.execute(
            text(
                "INSERT INTO child (local_id, first_name, last_name, dob, version) "
                "VALUES ('R3', 'Owain', 'Evans', '2016-01-01', 1) RETURNING id"
            )
        ).scalar_one()
        conn.execute(text("ALTER TABLE child ENABLE ROW LEVEL SECURITY"))
        conn.execute(
            text(f"CREATE POLICY council_all ON child TO {team.groups.administrator} USING (true)")
        )
        conn.execute(
            text(
                f"CREATE POLICY council_some ON child TO {team.groups.read_only} "
                f"USING (id <> {hidden})"
            )
        )
    with owner.begin() as conn:
        conn.execute(text("DELETE FROM child WHERE id = :g"), {"g": gone})
    with people.raw(people.admin).begin() as conn:
        conn.execute(text("UPDATE child SET first_name = 'Sian' WHERE id = :h"), {"h": hidden})
        conn.execute(text("UPDATE child SET first_name = 'Zoe' WHERE id = :child"), ids)
    children = {c for _kind, c, _n in _feed(people.raw(people.reader))}
    assert ids["child"] in children and gone in children and hidden not in children
    assert hidden in {c for _kind, c, _n in _feed(people.raw(people.admin))}


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
