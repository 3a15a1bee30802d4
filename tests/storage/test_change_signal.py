"""The change signal moves with every change that commits, through the door or an import, and
only then: a window polling it never refreshes for a change rolled back or not yet committed.
(Every action against every role moves it: tests/actions/test_roles.py; the server's logins
may read it but never write it: tests/storage/server/test_change_signal.py.)

Its feed says what another window must refresh (`actions.others_changes`): the kinds and
the children of a change to children's cases, or everything for anything else, for too
many children, or when the feed no longer reaches back to what the window saw."""

from __future__ import annotations

import datetime as dt
import itertools

from sqlalchemy import select, text

from reviewdesk import actions
from reviewdesk.actions import Changes, others_changes
from reviewdesk.scheduling import Booking
from reviewdesk.storage.db import Database, open_database
from reviewdesk.storage.models import ChangeFeed, Child, Meeting, PeriodOfCare, Staff
from reviewdesk.storage.signal import read_feed, read_signal
from tests.importers.generate import write_903

D = dt.date
_LOCAL = itertools.count(1)
ENTRY = (
    "INSERT INTO audit_log (at, username, action, table_name, record_id) "
    "VALUES (CURRENT_TIMESTAMP, 'tester', 'create', 'child', :r)"
)


def _child_in_care(db: Database) -> int:
    with db.session() as s:
        child = Child(local_id=f"S{next(_LOCAL)}", first_name="Zoë", dob=D(2015, 6, 1))
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


# --- the feed ---------------------------------------------------------------------------------

#: The feed's reach (migration 0012's KEEP): it prunes once it spans twice as many counters.
KEEP = 10_000


def _book(db: Database, child: int) -> int:
    booking = Booking(D(2024, 9, 2), dt.time(10))
    return actions.book_meeting(db, actions.whoami(db), child, "lac_review", booking).result


def test_another_s_booking_names_the_meeting_and_the_child(db: Database, open_db):
    child = _child_in_care(db)
    other_child = _child_in_care(db)
    window = open_db("window")  # the window's own connection, reading what the other did
    seen = read_signal(window.engine)
    _book(db, child)
    now = read_signal(window.engine)
    changed = read_feed(window.engine, seen, now, limit=100)
    assert changed is not None and ("meeting", child) in changed
    assert {c for _kind, c in changed} == {child}

    changes = others_changes(window.engine, seen, now)
    assert not changes.everything
    assert changes.children == {child} and other_child not in changes.children
    assert "meeting" in changes.kinds and changes.kinds <= actions.CASE_KINDS | {"audit_log"}
    assert changes.touches_child(child) and not changes.touches_child(other_child)
    # Nothing since: nothing to refresh.
    assert others_changes(window.engine, now, read_signal(window.engine)) == Changes()


def test_only_what_changed_after_the_signal_seen(db: Database, open_db):
    first, second = _child_in_care(db), _child_in_care(db)
    window = open_db("window")
    _book(db, first)
    seen = read_signal(window.engine)
    _book(db, second)
    changes = others_changes(window.engine, seen, read_signal(window.engine))
    assert changes.children == {second} and not changes.everything


def test_a_transaction_touching_a_meeting_many_times_leaves_one_row(db: Database):
    child = _child_in_care(db)
    meeting = _book(db, child)
    for n in range(20):
        with db.session() as s:  # each its own transaction on SQLite's per-entry counter
            s.get(Meeting, meeting).notes = f"room {n}"
    with db.session() as s:
        for n in range(20):
            s.get(Meeting, meeting).notes = f"again {n}"
            s.flush()
    with db.engine.connect() as conn:
        rows = conn.execute(
            select(ChangeFeed.counter).where(
                ChangeFeed.kind == "meeting", ChangeFeed.child_id == child
            )
        ).all()
        counter = read_signal(db.engine).counter
    assert len(rows) == 1 and rows[0].counter == counter  # the latest change's counter


def test_a_child_s_family_and_network_is_that_child_s_too(db: Database, open_db):
    """Records of one child that no date reads are named child by child, as the action
    that saved them names them to its own window."""
    child = _child_in_care(db)
    window = open_db("window")
    seen = read_signal(window.engine)
    form = actions.PersonForm("Gwen Jones", "grandparent", address="1 Heol y Bryn, Llanelli")
    own = actions.save_person(db, actions.whoami(db), child, form)
    changes = others_changes(window.engine, seen, read_signal(window.engine))
    assert not changes.everything
    assert changes.children == own.children == {child}
    assert changes.kinds == own.kinds == {"person", "audit_log"}


def test_a_staff_change_says_everything(db: Database, open_db):
    child = _child_in_care(db)
    window = open_db("window")
    seen = read_signal(window.engine)
    _book(db, child)
    with db.session() as s:
        s.add(Staff(name="Ffion Hughes", role="iro"))
    changes = others_changes(window.engine, seen, read_signal(window.engine))
    assert changes.everything


def test_an_import_says_everything(db: Database, open_db, tmp_path):
    window = open_db("window")
    seen = read_signal(window.engine)
    files = write_903(tmp_path / "903", 3, seed=5)
    actions.import_903(db, actions.whoami(db), files.header, files.episodes, files.reviews)
    assert others_changes(window.engine, seen, read_signal(window.engine)).everything


def test_a_restore_says_everything(db: Database, open_db, tmp_path):
    """A backup restored over the database (on SQLite the whole file, its feed with it):
    the feed cannot say what the restore changed; its own entry says everything."""
    first, second = _child_in_care(db), _child_in_care(db)
    _book(db, first)
    me = actions.whoami(db)
    backup = tmp_path / "before.jsonl"
    actions.backup_database(db, me, backup, dump=True)
    window = open_db("window")
    _book(db, second)
    seen = read_signal(window.engine)
    actions.restore_database(db, me, backup)
    now = read_signal(window.engine)
    assert now != seen
    assert others_changes(window.engine, seen, now).everything


def test_too_many_children_say_everything(db: Database, open_db, monkeypatch):
    from reviewdesk.actions import others

    children = [_child_in_care(db) for _ in range(3)]
    window = open_db("window")
    seen = read_signal(window.engine)
    for child in children:
        _book(db, child)
    now = read_signal(window.engine)
    assert others_changes(window.engine, seen, now).children == set(children)
    monkeypatch.setattr(others, "MOST_CHILDREN", 2)
    assert others_changes(window.engine, seen, now).everything


def test_a_gap_the_feed_pruned_says_everything(db: Database, open_db):
    """The trigger prunes rows more than KEEP counters behind once the feed spans twice
    that; a window that saw the signal before them cannot learn from it what changed."""
    first, second = _child_in_care(db), _child_in_care(db)
    window = open_db("window")
    seen = read_signal(window.engine)
    _book(db, first)
    with db.engine.begin() as conn:  # as if 20,000 changes had come since (owner's SQL)
        conn.execute(text(f"UPDATE change_signal SET counter = counter + {2 * KEEP}"))
    recent = read_signal(window.engine)
    _book(db, second)  # the trigger prunes as it bumps
    now = read_signal(window.engine)
    assert others_changes(window.engine, seen, now).everything
    with db.engine.connect() as conn:
        kept = set(conn.execute(select(ChangeFeed.child_id)).scalars())
    assert first not in kept and second in kept  # the old rows are gone: bounded
    # A window that saw the signal since still learns just what changed.
    changes = others_changes(window.engine, recent, now)
    assert changes.children == {second} and not changes.everything


def test_a_signal_gone_back_or_reset_says_everything(db: Database, open_db):
    child = _child_in_care(db)
    window = open_db("window")
    _book(db, child)
    seen = read_signal(window.engine)
    with db.engine.begin() as conn:  # a file restored from a backup: an earlier counter
        conn.execute(text("UPDATE change_signal SET counter = counter - 1"))
    assert others_changes(window.engine, seen, read_signal(window.engine)).everything
    with db.engine.begin() as conn:  # the same counter at another time
        conn.execute(
            text("UPDATE change_signal SET counter = :c, changed_at = :t"),
            {"c": seen.counter, "t": seen.changed_at + dt.timedelta(seconds=5)},
        )
    now = read_signal(window.engine)
    assert now.counter == seen.counter and now != seen
    assert others_changes(window.engine, seen, now).everything
