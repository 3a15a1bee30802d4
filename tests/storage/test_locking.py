"""Two people saving the same record: the second save is refused, saying who and when."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from reviewdesk.storage.locking import ConcurrentChange, describe_change
from reviewdesk.storage.models import Child, Meeting

# 14:32 UK time on 12/03/2025 (GMT, so the same in UTC).
JSMITH_SAVED_AT = dt.datetime(2025, 3, 12, 14, 32, 5, tzinfo=dt.UTC)
EXPECTED = (
    "This meeting was changed by jsmith at 14:32 on 12/03/2025 after you opened it; reopen it "
    "to see their changes. Nothing was saved."
)


@pytest.fixture
def meeting_id(db, child_in_care):
    child_id, period_id = child_in_care
    with db.session() as s:
        m = Meeting(
            child_id=child_id,
            period_id=period_id,
            process="lac",
            meeting_type="lac_review",
            booked_date=dt.date(2024, 3, 28),
        )
        s.add(m)
        s.flush()
        return m.id


def _notes(db, meeting_id):
    with db.session() as s:
        return s.get(Meeting, meeting_id).notes


def test_saves_record_who_and_when_and_bump_the_version(open_db, meeting_id):
    amy = open_db("amy")
    with amy.session() as s:
        s.info["now"] = JSMITH_SAVED_AT
        m = s.get(Meeting, meeting_id)
        before = m.version
        m.notes = "Room 2"
    with amy.session() as s:
        m = s.get(Meeting, meeting_id)
        assert (m.updated_by, m.version) == ("amy", before + 1)
        assert m.updated_at == JSMITH_SAVED_AT
        assert m.updated_at.tzinfo is not None


def test_second_save_of_a_reopened_record_is_refused(open_db, meeting_id):
    """The desktop pattern: load, close the session, edit, save later with merge."""
    amy, jsmith = open_db("amy"), open_db("jsmith")
    with amy.session() as s:
        amys_copy = s.get(Meeting, meeting_id)  # detached after the session closes
    with jsmith.session() as s:
        s.info["now"] = JSMITH_SAVED_AT
        s.get(Meeting, meeting_id).notes = "jsmith's note"

    amys_copy.notes = "amy's note"
    with pytest.raises(ConcurrentChange) as err, amy.session() as s:
        s.merge(amys_copy)
    assert str(err.value) == EXPECTED
    assert _notes(amy, meeting_id) == "jsmith's note"


def test_second_save_from_an_open_session_is_refused(open_db, meeting_id):
    """Both sessions open at once on two connections; the later commit loses."""
    amy, jsmith = open_db("amy"), open_db("jsmith")
    with pytest.raises(ConcurrentChange) as err, amy.session() as s_amy:
        m = s_amy.get(Meeting, meeting_id)
        with jsmith.session() as s_js:
            s_js.info["now"] = JSMITH_SAVED_AT
            s_js.get(Meeting, meeting_id).status = "cancelled"
        m.notes = "amy's note"
        # leaving the block commits, which must fail
    assert str(err.value) == EXPECTED
    with amy.session() as s:
        m = s.get(Meeting, meeting_id)
        assert (m.status, m.notes, m.updated_by) == ("cancelled", None, "jsmith")


def test_saving_a_record_someone_deleted_is_refused(open_db, meeting_id):
    amy, jsmith = open_db("amy"), open_db("jsmith")
    with amy.session() as s:
        amys_copy = s.get(Meeting, meeting_id)
    with jsmith.session() as s:
        s.delete(s.get(Meeting, meeting_id))
    amys_copy.notes = "too late"
    with pytest.raises(ConcurrentChange, match="deleted by someone else"), amy.session() as s:
        m = s.get(Meeting, amys_copy.id)
        assert m is None
        s.merge(amys_copy)  # re-inserting a deleted record would be a silent overwrite


def test_deleting_a_record_changed_meanwhile_is_refused(open_db, child_in_care):
    child_id, _ = child_in_care
    amy, jsmith = open_db("amy"), open_db("jsmith")
    with (
        pytest.raises(ConcurrentChange, match="child's record was changed by jsmith"),
        amy.session() as s_amy,
    ):
        child = s_amy.get(Child, child_id)
        with jsmith.session() as s_js:
            s_js.get(Child, child_id).first_name = "Siân"
        s_amy.delete(child)
    with amy.session() as s:
        assert s.scalar(select(Child.first_name).where(Child.id == child_id)) == "Siân"


def test_times_are_shown_in_uk_local_time():
    summer = dt.datetime(2025, 7, 1, 13, 5, tzinfo=dt.UTC)  # BST: 14:05 in London
    assert "at 14:05 on 01/07/2025" in describe_change("meeting", "jsmith", summer)


def test_a_second_sqlite_writer_waits_instead_of_failing(tmp_path):
    """The busy timeout: while one person's save holds the write lock, another's waits."""
    import sqlite3
    import threading
    import time

    from reviewdesk.storage.db import open_database

    path = tmp_path / "rd.sqlite"
    db = open_database(path, username="amy")
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("UPDATE setting SET value = '\"Held\"' WHERE key = 'council_name'")
    release = threading.Timer(0.7, lambda: holder.execute("COMMIT"))
    release.start()
    try:
        started = time.monotonic()
        with db.session() as s:
            s.add(Child(local_id="W1", dob=dt.date(2020, 1, 1)))
        waited = time.monotonic() - started
    finally:
        release.join()
        holder.close()
        db.dispose()
    assert waited >= 0.5


def test_forms_that_keep_the_version_are_refused_too(open_db, meeting_id):
    from reviewdesk.storage.locking import ensure_unchanged

    amy, jsmith = open_db("amy"), open_db("jsmith")
    with amy.session() as s:
        opened = s.get(Meeting, meeting_id).version
    with jsmith.session() as s:
        s.info["now"] = JSMITH_SAVED_AT
        s.get(Meeting, meeting_id).notes = "jsmith's note"
    with pytest.raises(ConcurrentChange) as err, amy.session() as s:
        m = s.get(Meeting, meeting_id)
        ensure_unchanged(m, opened)
        m.notes = "amy's note"
    assert str(err.value) == EXPECTED
    with amy.session() as s:
        m = s.get(Meeting, meeting_id)
        ensure_unchanged(m, m.version)  # up to date: fine
