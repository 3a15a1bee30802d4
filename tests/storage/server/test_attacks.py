"""What an attacker's audit of a server set up for a team tried, each as the attacking login
with its own raw SQL (psql), and what the database must make of it."""

from __future__ import annotations

import pytest
from sqlalchemy import text

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
