"""IRO oversight's flags against hand-worked examples (England and Wales, spring 2024), with
the midway dates checked against an independent calculation (dateutil's months, the
midpoint by ordinal days).

The register (tests/oversight/register.py): Zoë, looked after since 05/06/2023, reviews held
03/07/2023, 02/10/2023 and Mon 25/03/2024, so her 4th review is due by 25/09/2024 and her
IRO's midway review by the midpoint, Tue 25/06/2024. Wiktor, on a CP plan since his initial
conference on 10/01/2024; his first review conference is due by 10/04/2024.
"""

from __future__ import annotations

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta

from reviewdesk import actions
from reviewdesk.flags import compute_flags
from reviewdesk.storage.models import Meeting
from tests.oversight.register import oversight_case, raise_challenge

D = dt.date
OVERSIGHT = {
    "escalation_response_overdue",
    "challenge_response_overdue",
    "escalation_past_timescale",
    "midway_review_overdue",
    "no_iro_contact_by_midway",
    "inquorate_not_reconvened",
    "inquorate_reconvened_late",
    "inquorate_twice",
}


@pytest.fixture
def case(db):
    return oversight_case(db)


def _flags(db, as_of: dt.date, child_id: int | None = None) -> list:
    with db.session() as s:
        found = compute_flags(s, as_of=as_of)
    return [f for f in found if f.code in OVERSIGHT and child_id in (None, f.child_id)]


def _codes(db, as_of: dt.date, child_id: int | None = None) -> list[tuple[str, dt.date]]:
    return sorted((f.code, f.date) for f in _flags(db, as_of, child_id))


def _contact(db, child: int, staff: int, day: dt.date, *, with_child: bool, midway: bool):
    new = actions.NewContact(staff, day, "visit", with_child, midway_review=midway)
    actions.record_contact(db, actions.whoami(db), child, new, as_of=day)


# --- the footprint --------------------------------------------------------------------------


def test_the_midway_point_by_an_independent_reckoning() -> None:
    held = D(2024, 3, 25)
    next_due = held + relativedelta(months=6)
    midpoint = D.fromordinal(held.toordinal() + (next_due.toordinal() - held.toordinal()) // 2)
    assert (next_due, midpoint) == (D(2024, 9, 25), D(2024, 6, 25))


def test_no_midway_review_and_no_contact_by_the_midway_point(db, case) -> None:
    zoe = case["zoe"]
    assert _codes(db, D(2024, 6, 25), zoe) == []  # the midway point itself: still in time
    flags = _flags(db, D(2024, 6, 26), zoe)
    assert sorted((f.code, f.date, f.severity) for f in flags) == [
        ("midway_review_overdue", D(2024, 6, 25), "amber"),
        ("no_iro_contact_by_midway", D(2024, 6, 25), "amber"),
    ]
    assert all(f.staff_id == case["sian"] for f in flags)  # the child's IRO
    by_code = {f.code: f.reason for f in flags}
    assert by_code["midway_review_overdue"] == (
        "IRO midway review between the review held 25/03/2024 and the next due 25/09/2024 was "
        "due by 25/06/2024 and is not recorded"
    )
    assert by_code["no_iro_contact_by_midway"] == (
        "No IRO contact with the child since the review held 25/03/2024; the midway point was "
        "25/06/2024"
    )


def test_contacts_clear_what_they_answer(db, case) -> None:
    zoe, sian = case["zoe"], case["sian"]
    # A call with Zoë (not the midway review): contact, but no midway review.
    _contact(db, zoe, sian, D(2024, 5, 20), with_child=True, midway=False)
    assert _codes(db, D(2024, 6, 26), zoe) == [("midway_review_overdue", D(2024, 6, 25))]
    # The midway review, a file review with the social worker (not with Zoë), late.
    _contact(db, zoe, sian, D(2024, 7, 1), with_child=False, midway=True)
    assert _codes(db, D(2024, 6, 30), zoe) == [("midway_review_overdue", D(2024, 6, 25))]
    assert _codes(db, D(2024, 7, 1), zoe) == []


def test_contact_before_the_review_does_not_count(db, case) -> None:
    zoe, sian = case["zoe"], case["sian"]
    _contact(db, zoe, sian, D(2024, 3, 25), with_child=True, midway=True)  # the review's day
    assert {c for c, _d in _codes(db, D(2024, 6, 26), zoe)} == {
        "midway_review_overdue",
        "no_iro_contact_by_midway",
    }


def test_no_footprint_before_the_first_review_or_after_care_ends(db, case) -> None:
    from reviewdesk.storage.models import PeriodOfCare

    with db.session() as s:
        s.get(PeriodOfCare, case["period"]).end_date = D(2024, 6, 1)
    assert _codes(db, D(2024, 6, 26), case["zoe"]) == []


# --- challenges -----------------------------------------------------------------------------


def test_an_informal_challenge_unanswered_then_unresolved(db, case) -> None:
    zoe = case["zoe"]
    eid = raise_challenge(db, zoe, case["sian"], D(2024, 3, 25))  # answer by Wed 10/04/2024
    assert _codes(db, D(2024, 4, 10)) == []
    flags = _flags(db, D(2024, 4, 11))
    assert [(f.code, f.severity, f.date, f.staff_id) for f in flags] == [
        ("challenge_response_overdue", "amber", D(2024, 4, 10), case["sian"])
    ]
    assert flags[0].reason.startswith(
        "Informal challenge about Placement stability (LAC), raised 25/03/2024 by Siân Evans: "
        "raised with Social worker and their team manager (informal resolution) on 25/03/2024, "
        "answer due by 10/04/2024 and not recorded; consider the formal procedure"
    )
    stage = _informal_stage(db, eid)
    actions.record_escalation_response(
        db,
        actions.whoami(db),
        stage,
        D(2024, 4, 5),
        "Will review",
        as_of=D(2024, 4, 5),
        expected_version=1,
    )
    # Answered, not resolved: open past its (informal) timescale.
    assert _codes(db, D(2024, 4, 11)) == [("escalation_past_timescale", D(2024, 4, 10))]
    actions.update_escalation(
        db,
        actions.whoami(db),
        eid,
        actions.EscalationUpdate("Placement stability", "Moves", D(2024, 4, 12), "resolved"),
        as_of=D(2024, 4, 12),
        expected_version=1,
    )
    assert _codes(db, D(2024, 4, 11)) == [("escalation_past_timescale", D(2024, 4, 10))]
    assert _codes(db, D(2024, 4, 12)) == []  # resolved that day


def _informal_stage(db, eid: int) -> int:
    from sqlalchemy import select

    from reviewdesk.storage.models import EscalationStage

    with db.session() as s:
        return s.scalar(select(EscalationStage.id).where(EscalationStage.escalation_id == eid))


def test_a_formal_escalation_stage_overdue_and_past_20_working_days(db, case) -> None:
    me = actions.whoami(db)
    eid = raise_challenge(db, case["zoe"], case["sian"], D(2024, 3, 25))
    actions.record_escalation_response(
        db,
        me,
        _informal_stage(db, eid),
        D(2024, 3, 27),
        "No",
        as_of=D(2024, 3, 27),
        expected_version=1,
    )
    actions.add_escalation_stage(db, me, eid, 1, D(2024, 3, 28), as_of=D(2024, 3, 28))
    # Stage 1 answer due Mon 08/04 (5 working days over Easter); the procedure by Mon 29/04.
    assert _codes(db, D(2024, 4, 8)) == []
    assert _codes(db, D(2024, 4, 9)) == [("escalation_response_overdue", D(2024, 4, 8))]
    assert _codes(db, D(2024, 4, 30)) == [
        ("escalation_past_timescale", D(2024, 4, 29)),
        ("escalation_response_overdue", D(2024, 4, 8)),
    ]
    assert {f.severity for f in _flags(db, D(2024, 4, 30))} == {"red"}


# --- quoracy --------------------------------------------------------------------------------


def _conference(db, case, day: dt.date, *, status: str, quorate: bool, kind="rcpc_first"):
    with db.session() as s:
        s.add(
            Meeting(
                child_id=case["wiktor"],
                process="cp",
                meeting_type=kind,
                sequence=1,
                plan_id=case["plan"],
                status=status,
                booked_date=day,
                held_date=day if status == "held" else None,
                quorate=quorate,
                chair_id=case["maire"],
                outcome="Plan continued" if status == "held" else None,
            )
        )


def test_an_inquorate_conference_not_reconvened_in_10_working_days(db, case) -> None:
    # Not quorate on Wed 03/04/2024 (adjourned): reconvene by Wed 17/04/2024.
    _conference(db, case, D(2024, 4, 3), status="adjourned", quorate=False)
    assert _codes(db, D(2024, 4, 17)) == []
    flags = _flags(db, D(2024, 4, 18))
    assert [(f.code, f.severity, f.date, f.staff_id) for f in flags] == [
        ("inquorate_not_reconvened", "red", D(2024, 4, 17), case["maire"])
    ]
    assert flags[0].reason == (
        "1st review CP conference on 03/04/2024 was not quorate and has not been reconvened; "
        "it was to be by 17/04/2024"
    )


def test_reconvened_in_time_or_late(db, case) -> None:
    _conference(db, case, D(2024, 4, 3), status="adjourned", quorate=False)
    _conference(db, case, D(2024, 4, 19), status="held", quorate=True)
    assert _codes(db, D(2024, 4, 18)) == [("inquorate_not_reconvened", D(2024, 4, 17))]
    assert _codes(db, D(2024, 4, 22)) == [("inquorate_reconvened_late", D(2024, 4, 17))]


def test_two_inquorate_conferences_in_a_row(db, case) -> None:
    _conference(db, case, D(2024, 4, 3), status="adjourned", quorate=False)
    _conference(db, case, D(2024, 4, 12), status="held", quorate=False)  # recorded held
    _conference(db, case, D(2024, 4, 16), status="held", quorate=True)
    assert _codes(db, D(2024, 4, 22)) == [("inquorate_twice", D(2024, 4, 12))]
