"""Meetings through the door: versions required, stale saves refused with who and when, an
IRO records only the meetings they chair, and each action says what it changed."""

from __future__ import annotations

import datetime as dt
import inspect

import pytest
from sqlalchemy import select

from reviewdesk import actions
from reviewdesk.scheduling import Booking
from reviewdesk.storage.locking import ConcurrentChange
from reviewdesk.storage.models import Child, Meeting, PeriodOfCare, Staff, User

D = dt.date
SAVED_AT = dt.datetime(2025, 3, 12, 14, 32, tzinfo=dt.UTC)


@pytest.fixture
def case(db):
    """A child looked after since 25/03/2024 with a review booked, chaired by Łukasz."""
    with db.session() as s:
        chair = Staff(name="Łukasz Nowak", role="iro")
        child = Child(local_id="Z1", first_name="Zoë", dob=D(2015, 6, 1))
        child.periods.append(PeriodOfCare(start=D(2024, 3, 25)))
        s.add_all([chair, child])
        s.flush()
        meeting = Meeting(
            child_id=child.id,
            period_id=child.periods[0].id,
            process="lac",
            meeting_type="lac_review",
            booked_date=D(2024, 4, 22),
            chair_id=chair.id,
        )
        s.add(meeting)
        s.flush()
        return {"child": child.id, "meeting": meeting.id, "chair": chair.id}


def _version(db, meeting_id: int) -> int:
    with db.session() as s:
        return s.get(Meeting, meeting_id).version


def test_every_edit_needs_the_version_it_was_built_on() -> None:
    for action in (
        actions.reschedule_meeting,
        actions.cancel_meeting,
        actions.record_outcome,
        actions.update_report,
        actions.set_rule,
        actions.reset_rule,
        actions.set_closure_day,
        actions.remove_closure_day,
        actions.retire_late_reason,
        actions.retire_meeting_reason,
        actions.update_child,
        actions.allocate,
        actions.set_role,
        actions.set_user_details,
        actions.deactivate_user,
        actions.reactivate_user,
    ):
        parameter = inspect.signature(action).parameters["expected_version"]
        assert parameter.default is inspect.Parameter.empty, action.__name__
        assert parameter.kind is inspect.Parameter.KEYWORD_ONLY


def test_booking_says_what_changed(db, case) -> None:
    changes = actions.book_meeting(
        db, actions.whoami(db), case["child"], "lac_review", Booking(D(2024, 4, 23), dt.time(10))
    )
    assert changes.kinds == {"meeting", "audit_log"} and changes.children == {case["child"]}
    assert not changes.everything and changes.touches("meeting") and not changes.calendar
    with db.session() as s:
        assert s.get(Meeting, changes.result).status == "booked"


def test_a_stale_save_is_refused_naming_who_and_when(open_db, case) -> None:
    amy, jsmith = open_db("tester"), open_db("jsmith")
    opened = _version(amy, case["meeting"])  # amy opens the meeting
    with jsmith.session() as s:  # jsmith saves first
        s.info["now"] = SAVED_AT
        s.get(Meeting, case["meeting"]).notes = "Room changed"
    with pytest.raises(ConcurrentChange) as stale:
        actions.cancel_meeting(
            amy, actions.whoami(amy), case["meeting"], "Ill", expected_version=opened
        )
    assert str(stale.value) == (
        "This meeting was changed by jsmith at 14:32 on 12/03/2025 after you opened it; "
        "reopen it to see their changes. Nothing was saved."
    )
    with amy.session() as s:
        assert s.get(Meeting, case["meeting"]).status == "booked"


def test_an_iro_records_only_the_meetings_they_chair(open_db, case) -> None:
    admin = open_db("tester")
    chair = open_db("lnowak", role="iro")
    other = open_db("mobriain", role="iro")
    with admin.session() as s:
        s.scalar(select(User).where(User.username == "lnowak")).staff_id = case["chair"]
    outcome = actions.Outcome(parts=[D(2024, 4, 22)], participation="PN1")
    with pytest.raises(actions.Refused, match="only of meetings they chair"):
        actions.record_outcome(
            other,
            actions.whoami(other),
            case["meeting"],
            outcome,
            late=False,
            as_of=D(2024, 5, 1),
            expected_version=_version(admin, case["meeting"]),
        )
    changes = actions.record_outcome(
        chair,
        actions.whoami(chair),
        case["meeting"],
        outcome,
        late=False,
        as_of=D(2024, 5, 1),
        expected_version=_version(admin, case["meeting"]),
    )
    assert changes.children == {case["child"]}
    with admin.session() as s:
        meeting = s.get(Meeting, case["meeting"])
        assert (meeting.status, meeting.updated_by) == ("held", "lnowak")
    with pytest.raises(actions.Refused, match=r"lnowak \(IRO\) cannot cancel a meeting"):
        actions.cancel_meeting(
            chair,
            actions.whoami(chair),
            case["meeting"],
            "x",
            expected_version=_version(admin, case["meeting"]),
        )


def test_a_report_received_or_shared_in_the_future_is_refused(db, case) -> None:
    """ "Received 01/01/2030" was saved and the report counted as in. A report is received
    and shared on days that have come (the real day in the UK: it records what happened)."""
    from reviewdesk.errors import InvalidInput
    from reviewdesk.storage.models import Report

    with db.session() as s:
        report = Report(meeting_id=case["meeting"], author="Dr Siân Hughes", agency="health")
        s.add(report)
        s.flush()
        report_id, version = report.id, report.version
    me, later = actions.whoami(db), dt.date.today() + dt.timedelta(days=30)
    for received, shared, field in ((later, None, "received"), (D(2024, 4, 8), later, "shared")):
        with pytest.raises(InvalidInput) as refused:
            actions.update_report(
                db, me, report_id, received=received, shared_with_parents=shared,
                expected_version=version,
            )  # fmt: skip
        assert str(refused.value) == (
            f"report from Dr Siân Hughes: {field}: {later.strftime('%d/%m/%Y')} is in the future"
        )
    actions.update_report(
        db, me, report_id, received=D(2024, 4, 8), shared_with_parents=None,
        expected_version=version,
    )  # fmt: skip
    with db.session() as s:
        assert s.get(Report, report_id).received == D(2024, 4, 8)
