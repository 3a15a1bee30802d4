"""A meeting booked through the door is numbered as the engine counts it: the child's next
meeting of its kind in the period of care or CP plan open on its day (docs/domain.md), not
every meeting of its type the child ever had."""

from __future__ import annotations

import datetime as dt

import pytest

from reviewdesk import actions
from reviewdesk.casework.register import meeting_sequences
from reviewdesk.reports.weekly import collect_week
from reviewdesk.scheduling import Booking
from reviewdesk.storage.models import Child, CpEnquiry, CpPlan, Meeting, PeriodOfCare

D = dt.date


def _held(child: Child, process: str, kind: str, day: dt.date, sequence: int, **links) -> None:
    child.meetings.append(
        Meeting(
            process=process,
            meeting_type=kind,
            sequence=sequence,
            status="held",
            booked_date=day,
            held_date=day,
            **links,
        )
    )


@pytest.fixture
def second_period(db) -> int:
    """Looked after 10/01/2022 to 01/03/2023 with three reviews held, and again from
    08/01/2024 (a second period of care, no review yet)."""
    with db.session() as s:
        child = Child(local_id="P2", first_name="Siân", dob=D(2014, 5, 2))
        child.periods.append(PeriodOfCare(start=D(2022, 1, 10), end_date=D(2023, 3, 1)))
        child.periods.append(PeriodOfCare(start=D(2024, 1, 8)))
        s.add(child)
        s.flush()
        for n, day in enumerate((D(2022, 2, 3), D(2022, 7, 20), D(2023, 1, 10)), start=1):
            _held(child, "lac", "lac_review", day, n, period_id=child.periods[0].id)
        s.flush()
        return child.id


@pytest.fixture
def second_plan(db) -> int:
    """A CP plan from 2022 (its conference and three reviews held), ended 02/05/2023; a new
    s47 enquiry in 2024, its conference held 02/02/2024 and the new plan's 1st review held
    25/04/2024."""
    with db.session() as s:
        child = Child(local_id="C2", first_name="Oisín", dob=D(2016, 8, 9))
        first = CpEnquiry(strategy_date=D(2022, 1, 4))
        again = CpEnquiry(strategy_date=D(2024, 1, 8))
        child.enquiries.extend([first, again])
        s.add(child)
        s.flush()
        plan1 = CpPlan(child_id=child.id, enquiry_id=first.id, start=D(2022, 1, 24))
        plan1.end_date = D(2023, 5, 2)
        plan2 = CpPlan(child_id=child.id, enquiry_id=again.id, start=D(2024, 2, 2))
        s.add_all([plan1, plan2])
        s.flush()
        _held(child, "cp", "icpc", D(2022, 1, 24), 0, enquiry_id=first.id, plan_id=plan1.id)
        _held(child, "cp", "rcpc_first", D(2022, 4, 20), 1, plan_id=plan1.id)
        _held(child, "cp", "rcpc_subsequent", D(2022, 10, 12), 2, plan_id=plan1.id)
        _held(child, "cp", "rcpc_subsequent", D(2023, 4, 5), 3, plan_id=plan1.id)
        _held(child, "cp", "icpc", D(2024, 2, 2), 0, enquiry_id=again.id, plan_id=plan2.id)
        _held(child, "cp", "rcpc_first", D(2024, 4, 25), 1, plan_id=plan2.id)
        s.flush()
        return child.id


def _book(db, child_id: int, kind: str, day: dt.date) -> int:
    changes = actions.book_meeting(
        db, actions.whoami(db), child_id, kind, Booking(day, dt.time(10), 60)
    )
    return changes.result


def _stored(db, meeting_id: int) -> int:
    with db.session() as s:
        return s.get(Meeting, meeting_id).sequence


def test_the_first_review_of_a_second_period_of_care_is_lac_review_1(db, second_period) -> None:
    meeting = _book(db, second_period, "lac_review", D(2024, 1, 31))
    # It was 4: one more than the reviews of every period the child ever had.
    assert _stored(db, meeting) == 1
    with db.session() as s:
        assert meeting_sequences(s, [second_period], as_of=D(2024, 1, 15))[meeting] == 1
        week = collect_week(s, D(2024, 1, 31))
    assert [m.meeting for m in week.meetings if m.meeting_id == meeting] == ["LAC review 1"]


def test_a_second_plans_next_review_conference_counts_on_that_plan(db, second_plan) -> None:
    meeting = _book(db, second_plan, "rcpc_subsequent", D(2024, 10, 21))
    # It was 3: one more than the "subsequent" reviews held on both plans together.
    assert _stored(db, meeting) == 2
    with db.session() as s:
        week = collect_week(s, D(2024, 10, 21))
    assert [m.meeting for m in week.meetings if m.meeting_id == meeting] == [
        "2nd review CP conference"
    ]


def test_an_initial_conference_is_numbered_0_as_the_engine_and_the_imports_number_it(
    db,
) -> None:
    with db.session() as s:
        child = Child(local_id="N1", first_name="Zoë", dob=D(2019, 3, 3))
        child.enquiries.append(CpEnquiry(strategy_date=D(2024, 3, 4)))
        s.add(child)
        s.flush()
        child_id = child.id
    assert _stored(db, _book(db, child_id, "icpc", D(2024, 3, 20))) == 0


def test_every_list_names_a_meeting_stored_with_the_old_number_as_the_engine_counts_it(
    db, second_period
) -> None:
    """Siân's first review of her second period of care, booked before the fix with the
    number it stored then (4), is "LAC review 1" in the chase list, the flags, the booking
    check's names, the child's page and the schedule export, as the weekly schedule of its
    week prints it, not "LAC review 4"."""
    from reviewdesk.export.schedule import schedule_rows
    from reviewdesk.flags import compute_flags
    from reviewdesk.invitations.chase import chase_rows
    from reviewdesk.queries import child_detail
    from reviewdesk.scheduling import describe_meetings
    from reviewdesk.settings import working_context
    from reviewdesk.storage.models import Report

    as_of = D(2024, 2, 5)
    with db.session() as s:
        meeting = Meeting(
            child_id=second_period,
            process="lac",
            meeting_type="lac_review",
            sequence=4,
            status="booked",
            booked_date=D(2024, 2, 10),  # a Saturday: flagged
            booked_time=dt.time(10),
        )
        s.add(meeting)
        s.flush()
        s.add(Report(meeting_id=meeting.id, author="Dafydd Jones", agency="social_worker"))
        meeting_id = meeting.id
    with db.session() as s:
        rules, calendar = working_context(s)
        chased = chase_rows(s, as_of=as_of, within=20, rules=rules, calendar=calendar)
        flags = compute_flags(s, as_of=as_of, child_ids=[second_period])
        named = describe_meetings(s, [meeting_id], as_of=as_of)[meeting_id]
        detail = child_detail(s, second_period, as_of=as_of)
        exported = schedule_rows(s, start=D(2024, 1, 1), as_of=as_of)
        week = collect_week(s, D(2024, 2, 10))
    assert [m.meeting for m in week.meetings if m.meeting_id == meeting_id] == ["LAC review 1"]
    assert [r.meeting for r in chased if r.meeting_id == meeting_id] == ["LAC review 1"]
    about = [f.reason for f in flags if f.meeting_id == meeting_id]
    assert about and all("LAC review 1 " in r and "LAC review 4" not in r for r in about), about
    assert named == "Siân's LAC review 1"
    assert [m.label for m in detail.meetings if m.id == meeting_id] == ["LAC review 1"]
    assert [r.sequence for r in exported if r.meeting_id == meeting_id] == [1]


def test_a_refusal_names_the_meeting_as_every_list_does(db, second_period) -> None:
    """Siân's first review of her second period of care, stored with the old number (4),
    moved to a day before that period began: the refusal (a rule of the data, checked in
    storage, which cannot ask the engine) names it "LAC review 1", as the weekly schedule
    and every list do, not "LAC review 4"."""
    from reviewdesk.storage.validation import ValidationFailed

    with db.session() as s:
        period = s.query(PeriodOfCare).filter_by(child_id=second_period, end_date=None).one()
        meeting = Meeting(
            child_id=second_period,
            period_id=period.id,
            process="lac",
            meeting_type="lac_review",
            sequence=4,
            status="booked",
            booked_date=D(2024, 2, 12),
            booked_time=dt.time(10),
        )
        s.add(meeting)
        s.flush()
        meeting_id, version = meeting.id, meeting.version
    with pytest.raises(ValidationFailed) as refused:
        actions.reschedule_meeting(
            db,
            actions.whoami(db),
            meeting_id,
            Booking(D(2024, 1, 5), dt.time(10), 60),
            "the family asked",
            expected_version=version,
        )
    assert refused.value.problems == [
        "LAC review 1 for child P2: booked date 05/01/2024 is before the period of care "
        "began on 08/01/2024."
    ]
    with db.session() as s:
        assert s.get(Meeting, meeting_id).booked_date == D(2024, 2, 12)  # nothing saved
