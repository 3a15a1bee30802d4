"""The change signal moves with every change that commits, through the door or an import, and
only then: a window polling it never refreshes for a change rolled back or not yet committed.
(Every action against every role moves it: tests/actions/test_roles.py; the server's logins
may read it but never write it: tests/storage/server/test_change_signal.py.)"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text

from reviewdesk import actions
from reviewdesk.scheduling import Booking
from reviewdesk.storage.db import Database, open_database
from reviewdesk.storage.models import Child, PeriodOfCare
from reviewdesk.storage.signal import read_signal
from tests.importers.generate import write_903

D = dt.date
ENTRY = (
    "INSERT INTO audit_log (at, username, action, table_name, record_id) "
    "VALUES (CURRENT_TIMESTAMP, 'tester', 'create', 'child', :r)"
)


def _child_in_care(db: Database) -> int:
    with db.session() as s:
        child = Child(local_id="S1", first_name="Zoë", dob=D(2015, 6, 1))
        child.periods.append(PeriodOfCare(start=D(2024, 3, 25)))
        s.add(child)
        s.flush()
        return child.id


def test_a_booking_through_the_door_moves_it_for_another_connection(db: Database, open_db):
    child = _child_in_care(db)
    other = open_db("other")  # another window's connection
    before = read_signal(other.engine)
    actions.book_meeting(
        db, actions.whoami(db), child, "lac_review", Booking(D(2024, 9, 2), dt.time(10))
    )
    after = read_signal(other.engine)
    assert after.counter > before.counter and after.changed_at >= before.changed_at


def test_only_a_committed_change_moves_it(db: Database):
    before = read_signal(db.engine)
    with db.engine.connect() as conn:
        conn.execute(text(ENTRY), {"r": "1"})
        # Not yet committed: another connection still reads the old signal.
        assert read_signal(db.engine) == before
        conn.rollback()
    assert read_signal(db.engine) == before
    with db.engine.begin() as conn:
        conn.execute(text(ENTRY), {"r": "2"})
    assert read_signal(db.engine).counter > before.counter


def test_an_import_moves_it(db: Database, tmp_path):
    files = write_903(tmp_path / "903", 3, seed=5)
    before = read_signal(db.engine)
    actions.import_903(db, actions.whoami(db), files.header, files.episodes, files.reviews)
    assert read_signal(db.engine).counter > before.counter


def test_a_postgresql_transaction_moves_it_once_however_many_entries(pg_target):
    db = open_database(pg_target)
    try:
        before = read_signal(db.engine).counter
        with db.engine.begin() as conn:
            conn.execute(text(ENTRY), [{"r": str(n)} for n in range(50)])
        with db.engine.begin() as conn:
            conn.execute(text(ENTRY), {"r": "51"})
        assert read_signal(db.engine).counter == before + 2
    finally:
        db.dispose()
