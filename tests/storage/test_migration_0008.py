"""Migration 0008 on a database made by the previous version: each child's team, social
worker and IRO become the open rows of their allocation history, the reschedulings kept in
a meeting's notes become rows of their own (the notes keep everything else), the lists of
reasons are there, and names sort by their letters on both databases."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, text

from reviewdesk import codes, queries
from reviewdesk.storage import migrate
from reviewdesk.storage.db import make_engine, resolve_url
from reviewdesk.storage.models import Allocation, MeetingMove, MeetingReason
from tests.dbfixtures import open_as

NOTES = (
    "Family asked for an afternoon\n"
    "Rescheduled from 11/04/2024 to 16/04/2024: Social worker on leave\n"
    "Rescheduled from no date to 18/04/2024: Room flooded"
)


def _old_database(target: str) -> None:
    """A database at schema 0003 with a child allocated a team, a social worker and an IRO,
    and a meeting moved twice."""
    engine = make_engine(resolve_url(target))
    try:
        migrate.upgrade(engine, "0003")
        with engine.begin() as conn:
            run = conn.exec_driver_sql
            run("INSERT INTO team (id, name, version) VALUES (2, 'North', 1)")
            run(
                "INSERT INTO staff (id, name, role, fte, active, version) VALUES "
                "(4, 'Łukasz Nowak', 'iro', 1.0, true, 1), "
                "(5, 'Zoë Clarke', 'social_worker', 1.0, true, 1)"
            )
            names = ((7, "Zoë", "Ó Briain"), (8, "Ann", "Zając"), (9, "Bo", "Price"))
            for cid, first, last in names:
                run(
                    "INSERT INTO child (id, local_id, first_name, last_name, team_id, "
                    f"social_worker_id, version) VALUES ({cid}, 'C{cid}', '{first}', '{last}', "
                    f"{'2' if cid == 7 else 'NULL'}, {'5' if cid == 7 else 'NULL'}, 1)"
                )
            run(
                "INSERT INTO period_of_care (id, child_id, start, iro_id, iro_allocated, "
                "version) VALUES (3, 7, '2024-03-25', 4, '2024-03-27', 1)"
            )
            run(
                "INSERT INTO meeting (id, child_id, process, meeting_type, sequence, status, "
                "booked_date, duration_minutes, notes, version) VALUES "
                "(6, 7, 'lac', 'lac_review', 1, 'booked', '2024-04-18', 90, :notes, 1)".replace(
                    ":notes", "'" + NOTES.replace("'", "''") + "'"
                )
            )
    finally:
        engine.dispose()


def test_histories_and_reasons_after_the_upgrade(db_target) -> None:
    _old_database(db_target)
    db = open_as(db_target, "amy")
    try:
        with db.session() as s:
            rows = {
                (a.kind, a.staff_id, a.team_id, a.period_id, a.start, a.end_date)
                for a in s.scalars(select(Allocation).where(Allocation.child_id == 7))
            }
            assert rows == {
                ("team", None, 2, None, None, None),
                ("social_worker", 5, None, None, None, None),
                ("iro", 4, None, 3, dt.date(2024, 3, 27), None),
            }
            moves = [
                (m.from_date, m.to_date, m.reason)
                for m in s.scalars(select(MeetingMove).order_by(MeetingMove.id))
            ]
            assert moves == [
                (dt.date(2024, 4, 11), dt.date(2024, 4, 16), "Social worker on leave"),
                (None, dt.date(2024, 4, 18), "Room flooded"),
            ]
            notes = s.scalar(text("SELECT notes FROM meeting WHERE id = 6"))
            assert notes == "Family asked for an afternoon"
            for kind, texts in codes.DEFAULT_MEETING_REASONS.items():
                stored = s.scalars(
                    select(MeetingReason.text)
                    .where(MeetingReason.kind == kind.value)
                    .order_by(MeetingReason.id)
                )
                assert tuple(stored) == texts
            # Names by their letters: Ó Briain among the Os, not after Zając.
            order = queries.case_ids(s, as_of=dt.date(2024, 4, 10))
            assert order == [7, 9, 8]
    finally:
        db.dispose()
