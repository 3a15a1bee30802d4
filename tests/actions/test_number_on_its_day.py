"""A meeting still to come is numbered as of its own day, everywhere (docs/domain.md,
"Meeting labels"): as it was booked, as the weekly schedule of its week prints it, and as the
flags, the letters and the child's page of today name it, also when a period of care or CP
plan starts between today and the meeting."""

from __future__ import annotations

import datetime as dt

import pytest

from reviewdesk import actions
from reviewdesk.export.schedule import schedule_rows
from reviewdesk.flags import compute_flags
from reviewdesk.invitations.facts import meeting_facts
from reviewdesk.queries import child_detail
from reviewdesk.reports.weekly import collect_week
from reviewdesk.scheduling import Booking, describe_meetings
from reviewdesk.storage.models import Child, CpEnquiry, CpPlan, Meeting, PeriodOfCare

D = dt.date
TODAY = D(2024, 1, 2)


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


def _looked_after_again(db, *, first_ends: dt.date, again: dt.date) -> int:
    """Looked after from 10/01/2022 to ``first_ends`` with three reviews held, and again from
    ``again`` (a second period of care, recorded ahead)."""
    with db.session() as s:
        child = Child(local_id="P7", first_name="Siân", dob=D(2014, 5, 2))
        child.periods.append(PeriodOfCare(start=D(2022, 1, 10), end_date=first_ends))
        child.periods.append(PeriodOfCare(start=again))
        s.add(child)
        s.flush()
        for n, day in enumerate((D(2022, 2, 3), D(2022, 7, 20), D(2023, 1, 10)), start=1):
            _held(child, "lac", "lac_review", day, n, period_id=child.periods[0].id)
        s.flush()
        return child.id


def _book(db, child_id: int, kind: str, day: dt.date) -> int:
    changes = actions.book_meeting(
        db, actions.whoami(db), child_id, kind, Booking(day, dt.time(10), 60)
    )
    return changes.result


def _everywhere(db, child_id: int, meeting_id: int, day: dt.date) -> dict[str, object]:
    """What each place calls the meeting as of ``TODAY`` (the weekly schedule: of its week)."""
    with db.session() as s:
        stored = s.get(Meeting, meeting_id).sequence
        flags = compute_flags(s, as_of=TODAY, child_ids=[child_id])
        letter = meeting_facts(s, meeting_id, as_of=TODAY).label
        page = child_detail(s, child_id, as_of=TODAY)
        named = describe_meetings(s, [meeting_id], as_of=TODAY)[meeting_id]
        exported = schedule_rows(s, start=D(2023, 12, 1), as_of=TODAY)
        week = collect_week(s, day)
    about = {f.reason.split(" is booked")[0] for f in flags if f.meeting_id == meeting_id}
    return {
        "stored": stored,
        "flags": sorted(about),
        "letter": letter,
        "page": [m.label for m in page.meetings if m.id == meeting_id],
        "booking check": named,
        "export": [r.sequence for r in exported if r.meeting_id == meeting_id],
        "week": [m.meeting for m in week.meetings if m.meeting_id == meeting_id],
    }


def test_a_review_booked_in_a_period_of_care_starting_after_today_is_its_first(db) -> None:
    """Today Siân's first period of care is open (three reviews held); it ends 07/01/2024 and
    a second starts 08/01/2024. The review booked for Saturday 27/01/2024 is the second
    period's first: "LAC review 1" in the booking, the weekly schedule, and the flags, the
    letter and the child's page of today, which called it "LAC review 4" (the first period's
    next, as things stand today)."""
    child_id = _looked_after_again(db, first_ends=D(2024, 1, 7), again=D(2024, 1, 8))
    meeting = _book(db, child_id, "lac_review", D(2024, 1, 27))
    assert _everywhere(db, child_id, meeting, D(2024, 1, 27)) == {
        "stored": 1,
        "flags": ["LAC review 1"],  # booked on a Saturday
        "letter": "LAC review 1",
        "page": ["LAC review 1"],
        "booking check": "Siân's LAC review 1",
        "export": [1],
        "week": ["LAC review 1"],
    }


def test_the_week_names_a_meeting_before_a_period_starting_midweek_as_of_its_day(db) -> None:
    """The review booked for Tuesday 09/01/2024 is the first period's fourth (it ends that
    day; the second starts on Wednesday). The printed week, as of its Sunday, called it
    "LAC review 1" (the second period's next, the Tuesday's not being recorded as held); it
    is "LAC review 4" there, as booked and as every place of today calls it."""
    child_id = _looked_after_again(db, first_ends=D(2024, 1, 9), again=D(2024, 1, 10))
    meeting = _book(db, child_id, "lac_review", D(2024, 1, 9))
    found = _everywhere(db, child_id, meeting, D(2024, 1, 9))
    assert found["stored"] == 4
    assert found["week"] == ["LAC review 4"]
    assert found["letter"] == "LAC review 4"
    assert found["page"] == ["LAC review 4"]


@pytest.fixture
def plan_ahead(db) -> int:
    """Oisín's CP plan from 24/01/2022 (its conference and two reviews held) ends 07/01/2024;
    a new s47 enquiry started 04/12/2023, its conference held 28/12/2023, and the new plan is
    recorded as starting 08/01/2024, after today."""
    with db.session() as s:
        child = Child(local_id="C7", first_name="Oisín", dob=D(2016, 8, 9))
        enquiry = CpEnquiry(strategy_date=D(2022, 1, 4))
        again = CpEnquiry(strategy_date=D(2023, 12, 4))
        child.enquiries.extend([enquiry, again])
        s.add(child)
        s.flush()
        first = CpPlan(child_id=child.id, enquiry_id=enquiry.id, start=D(2022, 1, 24))
        first.end_date = D(2024, 1, 7)
        second = CpPlan(child_id=child.id, enquiry_id=again.id, start=D(2024, 1, 8))
        s.add_all([first, second])
        s.flush()
        _held(child, "cp", "icpc", D(2022, 1, 24), 0, enquiry_id=enquiry.id, plan_id=first.id)
        _held(child, "cp", "rcpc_first", D(2022, 4, 20), 1, plan_id=first.id)
        _held(child, "cp", "rcpc_subsequent", D(2022, 10, 12), 2, plan_id=first.id)
        _held(child, "cp", "icpc", D(2023, 12, 28), 0, enquiry_id=again.id, plan_id=second.id)
        s.flush()
        return child.id


def test_a_review_conference_of_a_plan_starting_after_today_is_its_first(db, plan_ahead) -> None:
    """The review conference booked for Saturday 30/03/2024 on the new plan, before booking
    took the engine's number (stored as the "2nd": the child's second first review), is that
    plan's first in every place, as the weekly schedule prints it; the schedule export of
    today gave it the number typed in (2)."""
    with db.session() as s:
        plan = s.query(CpPlan).filter_by(child_id=plan_ahead, start=D(2024, 1, 8)).one()
        meeting = Meeting(
            child_id=plan_ahead,
            process="cp",
            meeting_type="rcpc_first",
            sequence=2,
            status="booked",
            booked_date=D(2024, 3, 30),
            booked_time=dt.time(10),
            plan_id=plan.id,
        )
        s.add(meeting)
        s.flush()
        meeting_id = meeting.id
    assert _everywhere(db, plan_ahead, meeting_id, D(2024, 3, 30)) == {
        "stored": 2,
        "flags": ["1st review CP conference"],
        "letter": "1st review CP conference",
        "page": ["1st review CP conference"],
        "booking check": "Oisín's 1st review CP conference",
        "export": [1],
        "week": ["1st review CP conference"],
    }
