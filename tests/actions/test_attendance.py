"""Recording who came to a meeting: one invitee (`record_attendance`) or several at once
(`record_meeting_attendance`, what the window saves), all or nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from reviewdesk import actions
from reviewdesk.errors import InvalidInput
from reviewdesk.storage.locking import ConcurrentChange
from reviewdesk.storage.models import AuditEntry, Invitee, Meeting
from tests.invitations.scenario import conference, invite_proposed


@pytest.fixture
def invited(db) -> tuple[int, list[Invitee]]:
    ids = conference(db)
    invite_proposed(db, ids["meeting"])
    return ids["meeting"], _invitees(db, ids["meeting"])


def _invitees(db, meeting_id: int) -> list[Invitee]:
    with db.session() as s:
        rows = s.scalars(
            select(Invitee).where(Invitee.meeting_id == meeting_id).order_by(Invitee.id)
        )
        return [r for r in rows]


def _attendance(db, meeting_id: int) -> dict[int, str | None]:
    return {inv.id: inv.attendance for inv in _invitees(db, meeting_id)}


def test_a_meetings_attendance_is_saved_together_and_audited(db, invited) -> None:
    meeting, invitees = invited
    first, second, third = invitees[:3]
    wanted = {first.id: "attended", second.id: "apologies", third.id: "absent"}
    changes = actions.record_meeting_attendance(
        db,
        actions.whoami(db),
        meeting,
        [
            actions.Attendance(i, a, v)
            for i, a, v in (
                (first.id, "attended", first.version),
                (second.id, "apologies", second.version),
                (third.id, "absent", third.version),
            )
        ],
    )
    assert changes.result == (first.id, second.id, third.id)
    stored = _attendance(db, meeting)
    assert {i: stored[i] for i in wanted} == wanted
    assert all(a is None for i, a in stored.items() if i not in wanted)
    with db.session() as s:
        audited = s.scalars(
            select(AuditEntry).where(
                AuditEntry.action == "update", AuditEntry.table_name == "invitee"
            )
        ).all()
        assert sorted(int(e.record_id) for e in audited) == sorted(wanted)
        assert {e.after["attendance"] for e in audited} == set(wanted.values())


def test_one_changed_meanwhile_and_none_is_saved(db, invited) -> None:
    """Someone recorded the second invitee's apologies after the list was read: the lot is
    refused, the first not saved either."""
    meeting, invitees = invited
    first, second = invitees[:2]
    me = actions.whoami(db)
    actions.record_attendance(db, me, second.id, "apologies", expected_version=second.version)
    with pytest.raises(ConcurrentChange):
        actions.record_meeting_attendance(
            db,
            me,
            meeting,
            [
                actions.Attendance(first.id, "attended", first.version),
                actions.Attendance(second.id, "attended", second.version),  # read before
            ],
        )
    stored = _attendance(db, meeting)
    assert stored[first.id] is None and stored[second.id] == "apologies"


def test_someone_invited_to_another_meeting_or_a_word_not_known_is_refused(db, invited) -> None:
    meeting, invitees = invited
    first = invitees[0]
    me = actions.whoami(db)
    with db.session() as s:
        held = s.get(Meeting, meeting)
        other = Meeting(
            child_id=held.child_id,
            process="cp",
            meeting_type="rcpc_first",
            status="booked",
            booked_date=held.booked_date + dt.timedelta(days=90),
            chair_id=held.chair_id,
        )
        s.add(other)
        s.flush()
        other_id = other.id
    with pytest.raises(
        InvalidInput, match=f"invitee {first.id} is not invited to meeting {other_id}"
    ):
        actions.record_meeting_attendance(
            db, me, other_id, [actions.Attendance(first.id, "attended", first.version)]
        )
    with pytest.raises(InvalidInput, match="meeting 999 does not exist"):
        actions.record_meeting_attendance(
            db, me, 999, [actions.Attendance(first.id, "attended", first.version)]
        )
    with pytest.raises(InvalidInput, match="'late' is not one of attended, apologies, absent"):
        actions.record_meeting_attendance(
            db, me, meeting, [actions.Attendance(first.id, "late", first.version)]
        )
    assert set(_attendance(db, meeting).values()) == {None}


def test_before_the_meetings_day_only_apologies_are_recorded(db, invited) -> None:
    """As of 13/05/2024 the conference on 20/05/2024 has not been held: no one attended it
    or stayed away yet, but apologies come ahead. Without an as-of date (a script, an
    import) nothing is checked, as before."""
    from tests.invitations.scenario import AS_OF, DAY

    meeting, invitees = invited
    me = actions.whoami(db)
    first, second = invitees[:2]
    for word in ("attended", "absent"):
        with pytest.raises(InvalidInput, match="before the meeting on 20/05/2024"):
            actions.record_meeting_attendance(
                db, me, meeting, [actions.Attendance(first.id, word, first.version)], as_of=AS_OF
            )
    actions.record_meeting_attendance(
        db,
        me,
        meeting,
        [actions.Attendance(second.id, "apologies", second.version)],
        as_of=AS_OF,
    )
    actions.record_attendance(
        db, me, first.id, "attended", expected_version=first.version, as_of=DAY
    )
    assert _attendance(db, meeting)[first.id] == "attended"
    assert _attendance(db, meeting)[second.id] == "apologies"
