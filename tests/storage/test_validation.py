"""Every rule of the data is refused with a message naming the field, the value and why."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from reviewdesk.errors import InvalidInput
from reviewdesk.storage.models import (
    AuditEntry,
    Child,
    CpEnquiry,
    CpPlan,
    Episode,
    Meeting,
    PeriodOfCare,
    Staff,
    User,
)
from reviewdesk.storage.validation import ValidationFailed

D = dt.date


def _refused(db, *objects, match: str) -> ValidationFailed:
    with pytest.raises(ValidationFailed, match=match) as err, db.session() as s:
        s.add_all(objects)
    assert isinstance(err.value, InvalidInput)
    assert str(err.value).endswith("Nothing was saved.")
    return err.value


def _count(db, model) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_a_child_needs_a_birth_or_due_date(db):
    _refused(db, Child(local_id="X1"), match="Child X1: date of birth is missing")
    with db.session() as s:
        s.add(Child(local_id="U1", expected_delivery=D(2025, 9, 1)))  # unborn: fine


def test_end_before_start_is_refused(db):
    child = Child(local_id="E1", dob=D(2015, 1, 1))
    child.periods.append(PeriodOfCare(start=D(2024, 3, 4), end_date=D(2024, 3, 1)))
    _refused(
        db,
        child,
        match=r"Period of care for child E1: end date 01/03/2024 is before its start "
        r"date 04/03/2024\.",
    )
    plan = CpPlan(
        child=Child(local_id="E2", dob=D(2015, 1, 1)), start=D(2024, 5, 1), end_date=D(2024, 4, 30)
    )
    _refused(db, plan, match="plan for child E2: end date 30/04/2024 is before its start")


def test_nothing_is_half_written(db):
    entries = _count(db, AuditEntry)  # the database's first user
    good = Child(local_id="OK1", dob=D(2016, 2, 2))
    bad = Child(local_id="BAD1", dob=D(2016, 2, 2))
    bad.periods.append(PeriodOfCare(start=D(2024, 3, 4), end_date=D(2023, 3, 4)))
    _refused(db, good, bad, match="end date 04/03/2023")
    assert _count(db, Child) == 0
    assert _count(db, AuditEntry) == entries


def test_several_problems_are_all_listed(db):
    err = _refused(db, Child(local_id="A"), Child(local_id="B"), match="date of birth")
    assert len(err.problems) == 2


def test_overlapping_periods_of_care_are_refused(db, child_in_care):
    child_id, _ = child_in_care  # in care since 04/03/2024, still open
    with (
        pytest.raises(ValidationFailed, match="overlaps the period from 04/03/2024"),
        db.session() as s,
    ):
        s.add(PeriodOfCare(child_id=child_id, start=D(2024, 6, 1)))
    with db.session() as s:  # end the first one, then a later period is fine
        s.get(PeriodOfCare, child_in_care[1]).end_date = D(2024, 5, 31)
        s.flush()
        s.add(PeriodOfCare(child_id=child_id, start=D(2024, 6, 1)))
    with pytest.raises(ValidationFailed, match="starting 01/01/2024 overlaps"), db.session() as s:
        s.add(PeriodOfCare(child_id=child_id, start=D(2024, 1, 1), end_date=D(2024, 3, 10)))


def test_overlapping_episodes_are_refused(db, child_in_care):
    _, period_id = child_in_care
    with db.session() as s:
        s.add(
            Episode(
                period_id=period_id,
                start=D(2024, 3, 4),
                end_date=D(2024, 4, 1),
                legal_status="V2",
                rne="S",
            )
        )
        s.add(Episode(period_id=period_id, start=D(2024, 4, 1), legal_status="C1", rne="L"))
    with (
        pytest.raises(
            ValidationFailed, match="Episode for child C001 starting 15/03/2024 overlaps"
        ),
        db.session() as s,
    ):
        s.add(Episode(period_id=period_id, start=D(2024, 3, 15), legal_status="C2"))


def test_episode_before_its_period_is_refused(db, child_in_care):
    with (
        pytest.raises(ValidationFailed, match="before its period of care began on 04/03/2024"),
        db.session() as s,
    ):
        s.add(Episode(period_id=child_in_care[1], start=D(2024, 3, 1), legal_status="C2"))


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (
            lambda p: Episode(period_id=p, start=D(2024, 3, 4), legal_status="Z9"),
            "legal status 'Z9' is not a known code",
        ),
        (
            lambda p: Episode(period_id=p, start=D(2024, 3, 4), legal_status="C2", rne="Q"),
            "reason for new episode 'Q'",
        ),
        (lambda p: Staff(name="Ann", role="wizard"), "Staff member Ann: role 'wizard'"),
        (lambda p: Staff(name="Ann", role="iro", fte=2.0), "FTE 2.0 must be between 0 and 1.5"),
        (lambda p: User(username="ann", role="superuser"), "User ann: role 'superuser'"),
    ],
)
def test_unknown_codes_are_refused(db, child_in_care, make, match):
    with pytest.raises(ValidationFailed, match=match), db.session() as s:
        s.add(make(child_in_care[1]))


def test_unknown_cp_category_is_refused(db):
    plan = CpPlan(
        child=Child(local_id="P1", dob=D(2018, 1, 1)),
        start=D(2024, 1, 1),
        initial_category="NEG",
        latest_category="XYZ",
    )
    _refused(db, plan, match="latest category 'XYZ' is not a known code.*NEG, PHY")


def _review(child_id, period_id, **kw):
    values = dict(
        child_id=child_id,
        period_id=period_id,
        process="lac",
        meeting_type="lac_review",
        booked_date=D(2024, 3, 28),
    )
    values.update(kw)
    return Meeting(**values)


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        ({"meeting_type": "tea_party"}, "meeting type 'tea_party' is not a known code"),
        ({"process": "cp"}, "process 'cp' does not match the meeting type"),
        ({"status": "postponed"}, "status 'postponed' is not a known code"),
        ({"participation": "PN9"}, "participation 'PN9' is not a known code"),
        ({"status": "held"}, "status is held but the held date is missing"),
    ],
)
def test_bad_meeting_codes_are_refused(db, child_in_care, kw, match):
    with pytest.raises(ValidationFailed, match=match), db.session() as s:
        s.add(_review(*child_in_care, **kw))


def test_pn0_is_only_for_the_under_fours(db, child_in_care):
    # The child was born 01/06/2015: 8 at a review in March 2024.
    with (
        pytest.raises(
            ValidationFailed,
            match=r"'PN0' is only for a child under 4, but the "
            r"child was 8 on 28/03/2024 \(born 01/06/2015\)",
        ),
        db.session() as s,
    ):
        s.add(_review(*child_in_care, status="held", held_date=D(2024, 3, 28), participation="PN0"))
    with db.session() as s:
        s.add(_review(*child_in_care, status="held", held_date=D(2024, 3, 28), participation="PN1"))


def test_under_fours_need_pn0(db):
    baby = Child(local_id="B1", dob=D(2021, 4, 1))
    period = PeriodOfCare(start=D(2024, 3, 4))
    baby.periods.append(period)
    review = Meeting(
        child=baby,
        period=period,
        process="lac",
        meeting_type="lac_review",
        status="held",
        held_date=D(2024, 3, 28),
        participation="PN1",
    )
    _refused(db, baby, review, match="'PN1' is for a child aged 4 or over.*was 2 on 28/03/2024")
    # on the fourth birthday the child is 4
    review.participation = "PN0"
    review.held_date = D(2025, 4, 1)
    _refused(db, baby, review, match="'PN0' is only for a child under 4, but the child was 4")


def test_review_before_the_period_began_is_refused(db, child_in_care):
    with (
        pytest.raises(
            ValidationFailed,
            match="booked date 01/03/2024 is before the period of care began on 04/03/2024",
        ),
        db.session() as s,
    ):
        s.add(_review(*child_in_care, booked_date=D(2024, 3, 1)))


def test_booking_for_a_closed_period_is_refused(db, child_in_care):
    with db.session() as s:
        s.get(PeriodOfCare, child_in_care[1]).end_date = D(2024, 6, 30)
    with (
        pytest.raises(
            ValidationFailed,
            match="booked date 02/07/2024 is after the period of "
            "care ended on 30/06/2024; a review cannot be booked for a closed case",
        ),
        db.session() as s,
    ):
        s.add(_review(*child_in_care, booked_date=D(2024, 7, 2)))
    with db.session() as s:  # a review held before the end is fine
        s.add(
            _review(
                *child_in_care,
                status="held",
                booked_date=D(2024, 3, 28),
                held_date=D(2024, 3, 28),
                participation="PN1",
            )
        )


def _cp_case(db, plan_end=None):
    with db.session() as s:
        child = Child(local_id="CP1", dob=D(2012, 1, 1))
        enquiry = CpEnquiry(child=child, strategy_date=D(2024, 2, 1))
        plan = CpPlan(
            child=child,
            enquiry=enquiry,
            start=D(2024, 2, 20),
            end_date=plan_end,
            initial_category="NEG",
        )
        s.add_all([child, enquiry, plan])
        s.flush()
        return child.id, enquiry.id, plan.id


def test_conferences_before_the_plan_or_enquiry_are_refused(db):
    child_id, enquiry_id, plan_id = _cp_case(db)
    with (
        pytest.raises(
            ValidationFailed,
            match="booked date 31/01/2024 is before the strategy discussion on 01/02/2024",
        ),
        db.session() as s,
    ):
        s.add(
            Meeting(
                child_id=child_id,
                enquiry_id=enquiry_id,
                process="cp",
                meeting_type="icpc",
                booked_date=D(2024, 1, 31),
            )
        )
    with (
        pytest.raises(
            ValidationFailed,
            match="1st review CP conference for child CP1: held date 10/02/2024 "
            "is before the child protection plan began on 20/02/2024",
        ),
        db.session() as s,
    ):
        s.add(
            Meeting(
                child_id=child_id,
                plan_id=plan_id,
                process="cp",
                meeting_type="rcpc_first",
                status="held",
                held_date=D(2024, 2, 10),
            )
        )


def test_review_conference_after_the_plan_ended_is_refused(db):
    child_id, _, plan_id = _cp_case(db, plan_end=D(2024, 5, 1))
    with (
        pytest.raises(
            ValidationFailed,
            match="after the child protection plan ended on "
            "01/05/2024; a review conference cannot be booked for a closed case",
        ),
        db.session() as s,
    ):
        s.add(
            Meeting(
                child_id=child_id,
                plan_id=plan_id,
                process="cp",
                meeting_type="rcpc_first",
                booked_date=D(2024, 5, 20),
            )
        )


def test_changing_a_valid_record_into_an_invalid_one_is_refused(db, child_in_care):
    with pytest.raises(ValidationFailed, match="end date 01/01/2024"), db.session() as s:
        s.get(PeriodOfCare, child_in_care[1]).end_date = D(2024, 1, 1)
    with db.session() as s:
        assert s.get(PeriodOfCare, child_in_care[1]).end_date is None


def test_a_stored_meeting_is_named_by_the_numbers_the_caller_gives(db, child_in_care):
    """Storage cannot ask the engine a meeting's number: the caller (the action layer) gives
    the function that can (`MEETING_NUMBERS`), asked once for every stored meeting the
    messages name; without it, the number stored with the meeting. A new meeting, not yet
    stored, keeps the number it is being saved with."""
    from reviewdesk.storage.validation import MEETING_NUMBERS, validate_stored

    with db.session() as s:
        review = _review(*child_in_care, sequence=4, status="booked")
        s.add(review)
        s.flush()
        review_id = review.id
    asked: list[list[int]] = []

    def numbers(session, ids):
        asked.append(list(ids))
        return {i: 1 for i in ids}

    with pytest.raises(ValidationFailed) as err, db.session() as s:
        s.info[MEETING_NUMBERS] = numbers
        s.get(Meeting, review_id).booked_date = D(2024, 3, 1)
        s.add(_review(*child_in_care, sequence=2, booked_date=D(2024, 3, 2)))
    assert sorted(err.value.problems) == [
        "LAC review 1 for child C001: booked date 01/03/2024 is before the period of care "
        "began on 04/03/2024.",
        "LAC review 2 for child C001: booked date 02/03/2024 is before the period of care "
        "began on 04/03/2024.",
    ]
    assert asked == [[review_id]]

    # Records written in bulk (an import) are named the same way.
    with db.session() as s:
        s.execute(
            Meeting.__table__.update()
            .where(Meeting.__table__.c.id == review_id)
            .values(booked_date=D(2024, 3, 1))
        )
        s.info[MEETING_NUMBERS] = numbers
        with pytest.raises(ValidationFailed) as err:
            validate_stored(s, {"meeting": [review_id]})
        assert err.value.problems == [
            "LAC review 1 for child C001: booked date 01/03/2024 is before the period of care "
            "began on 04/03/2024."
        ]
        del s.info[MEETING_NUMBERS]
        with pytest.raises(ValidationFailed) as err:
            validate_stored(s, {"meeting": [review_id]})
        assert err.value.problems[0].startswith("LAC review 4 for child C001")
        s.rollback()
