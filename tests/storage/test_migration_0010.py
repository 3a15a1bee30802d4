"""Migration 0010 on a database made by the previous version: the seeded cancelling reasons
that belong to one kind of meeting are marked for it, and a council's own reasons (and
every rescheduling reason) stay for every meeting."""

from __future__ import annotations

from sqlalchemy import select

from reviewdesk import queries
from reviewdesk.storage import migrate
from reviewdesk.storage.db import make_engine, resolve_url
from reviewdesk.storage.models import MeetingReason
from tests.dbfixtures import open_as


def test_reasons_for_one_kind_of_meeting_after_the_upgrade(db_target) -> None:
    engine = make_engine(resolve_url(db_target))
    try:
        migrate.upgrade(engine, "0009")
        with engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO meeting_reason (kind, text, active, version) VALUES "
                "('cancel', 'Family moved abroad', true, 1)"
            )
    finally:
        engine.dispose()
    db = open_as(db_target, "amy")
    try:
        with db.session() as s:
            marked = {
                r.text: r.process
                for r in s.scalars(select(MeetingReason).where(MeetingReason.process.is_not(None)))
            }
            assert marked == {
                "Child no longer looked after": "lac",
                "Child protection plan ended": "cp",
                "Conference no longer needed": "cp",
            }
            cp = [text for _i, text in queries.meeting_reasons(s, "cancel", "cp")]
            lac = [text for _i, text in queries.meeting_reasons(s, "cancel", "lac")]
            assert "Family moved abroad" in cp and "Family moved abroad" in lac
            assert "Child no longer looked after" not in cp
            moved = queries.meeting_reasons(s, "reschedule", "cp")
            assert moved == queries.meeting_reasons(s, "reschedule", "lac")
            assert len(moved) == len(queries.meeting_reasons(s, "reschedule"))
    finally:
        db.dispose()
