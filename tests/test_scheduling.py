"""What a new booking is for (`reviewdesk.scheduling`): the meeting the engine says is due
next, its chair, and the period of care or plan it belongs to, open on the as-of date."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewdesk import queries
from reviewdesk.casedues import child_dues
from reviewdesk.codes import MeetingType
from reviewdesk.scheduling import (
    Booking,
    bookable_types,
    booking_links,
    default_chair,
    double_booked,
    double_booked_resources,
    next_meeting_type,
    open_period,
    proposed_chair,
    suggest_slots,
)
from reviewdesk.settings import working_context
from tests.dbfixtures import db, db_target, open_db  # noqa: F401
from tests.flags.conftest import History

D = dt.date


@pytest.fixture
def reg(db) -> History:  # noqa: F811
    return History(db)


def _read(db, child: int, as_of: dt.date):  # noqa: F811
    with db.session() as s:
        rules, cal = working_context(s)
        detail = queries.child_detail(s, child)
        dues = child_dues(s, child, rules=rules, calendar=cal, as_of=as_of)
    return detail, dues


def test_a_child_leaving_care_today_is_not_booked_a_review(db, reg) -> None:  # noqa: F811
    """The booking dialog used to treat a period ending on the as-of date as open (its own
    copy of "open"), unlike the engine: it offered a LAC review the engine does not expect."""
    iro = reg.staff("Iris Owen")
    child = reg.child()
    leaving = D(2024, 6, 3)
    reg.period(child, D(2024, 1, 8), end=leaving, iro_id=iro)
    detail, dues = _read(db, child, leaving)
    assert open_period(detail, leaving) is None
    assert next_meeting_type(dues) is MeetingType.ICPC  # nothing due: a new enquiry
    assert booking_links(detail, leaving, MeetingType.LAC_REVIEW) == (None, None)
    # The day before, the review is due and belongs to the period.
    day_before = leaving - dt.timedelta(days=1)
    detail, dues = _read(db, child, day_before)
    assert next_meeting_type(dues) is MeetingType.LAC_REVIEW
    assert booking_links(detail, day_before, MeetingType.LAC_REVIEW) == (detail.periods[0].id, None)
    assert default_chair(detail, day_before, MeetingType.LAC_REVIEW) == iro


def test_a_second_plan_starts_again_at_the_first_review(db, reg) -> None:  # noqa: F811
    """A first review held on an earlier plan made the dialog offer a 'subsequent' review for
    the new plan; the engine numbers reviews per plan."""
    chair = reg.staff("Cara Chair", role="cp_chair")
    child = reg.child(dob=D(2015, 1, 1))
    old = reg.plan(child, D(2022, 1, 10), end=D(2022, 9, 1))
    reg.meeting(child, "rcpc_first", held=D(2022, 4, 1), plan_id=old)
    e = reg.enquiry(child, strategy=D(2024, 1, 2))
    reg.meeting(child, "icpc", held=D(2024, 1, 19), enquiry_id=e)
    new = reg.plan(child, D(2024, 1, 19), enquiry_id=e, chair_id=chair)
    as_of = D(2024, 2, 1)
    detail, dues = _read(db, child, as_of)
    assert next_meeting_type(dues) is MeetingType.RCPC_FIRST
    assert booking_links(detail, as_of, MeetingType.RCPC_FIRST) == (None, new)
    assert default_chair(detail, as_of, MeetingType.RCPC_FIRST) == chair


def test_the_meeting_not_yet_booked_comes_first(db, reg) -> None:  # noqa: F811
    iro = reg.staff("Iris Owen")
    chair = reg.staff("Cara Chair", role="cp_chair")
    child = reg.child(dob=D(2015, 1, 1))
    reg.period(child, D(2024, 1, 8), iro_id=iro)
    reg.meeting(child, held=D(2024, 2, 1))
    e = reg.enquiry(child, strategy=D(2024, 3, 4))
    reg.meeting(child, "icpc", held=D(2024, 3, 20), enquiry_id=e)
    reg.plan(child, D(2024, 3, 20), enquiry_id=e, chair_id=chair)
    as_of = D(2024, 3, 25)
    detail, dues = _read(db, child, as_of)
    # The 2nd LAC review (due 01/05) comes before the 1st review conference (due 20/06).
    assert next_meeting_type(dues) is MeetingType.LAC_REVIEW
    reg.meeting(child, booked=D(2024, 4, 25))
    detail, dues = _read(db, child, as_of)
    assert next_meeting_type(dues) is MeetingType.RCPC_FIRST  # the LAC review is booked
    assert default_chair(detail, as_of, MeetingType.LAC_REVIEW) == iro
    assert default_chair(detail, as_of, MeetingType.RCPC_FIRST) == chair


def test_the_only_one_who_chairs_a_meeting_type_is_proposed(db, reg) -> None:  # noqa: F811
    """A child with no IRO or plan chair: the one person in the role that chairs the
    meeting's type is proposed (CP chair for a conference, IRO for a review), no one of
    several; a council with no CP chairs has its IROs chair conferences."""
    child = reg.child(dob=D(2015, 1, 1))
    reg.enquiry(child, strategy=D(2024, 3, 4))
    as_of = D(2024, 3, 6)
    iro = reg.staff("Iris Owen")

    def proposed(meeting_type: MeetingType) -> int | None:
        detail, _dues = _read(db, child, as_of)
        with db.session() as s:
            return proposed_chair(s, detail, as_of, meeting_type)

    assert proposed(MeetingType.ICPC) == iro  # no CP chair: the IRO chairs conferences
    chair = reg.staff("Cara Chair", role="cp_chair")
    assert proposed(MeetingType.ICPC) == chair
    assert proposed(MeetingType.LAC_REVIEW) == iro
    reg.staff("Colm Chair", role="cp_chair")
    assert proposed(MeetingType.ICPC) is None
    assert proposed(MeetingType.LAC_REVIEW) == iro


def test_a_pre_birth_enquiry_is_offered_a_pre_birth_conference(db, reg) -> None:  # noqa: F811
    child = reg.child(dob=None, expected_delivery=D(2024, 9, 1))
    reg.enquiry(child, strategy=D(2024, 5, 1))
    _detail, dues = _read(db, child, D(2024, 5, 2))
    assert next_meeting_type(dues) is MeetingType.ICPC_PREBIRTH
    assert next_meeting_type(None) is MeetingType.ICPC


# --- what can be booked, and when -----------------------------------------------------------


def test_only_the_meetings_the_case_calls_for_can_be_booked(db, reg) -> None:  # noqa: F811
    child = reg.child()
    reg.period(child, D(2024, 1, 8), end=D(2024, 11, 25))
    detail, _dues = _read(db, child, D(2024, 11, 1))
    assert bookable_types(detail, D(2024, 11, 20)) == (MeetingType.LAC_REVIEW,)
    assert bookable_types(detail, D(2024, 11, 26)) == ()  # left care: nothing, no "Initial"
    enquiry = reg.enquiry(child, strategy=D(2024, 11, 28))
    detail, _dues = _read(db, child, D(2024, 12, 1))
    assert bookable_types(detail, D(2024, 12, 2)) == (
        MeetingType.ICPC,
        MeetingType.ICPC_RECONVENED,
    )
    reg.plan(child, D(2024, 12, 10), enquiry_id=enquiry)
    detail, _dues = _read(db, child, D(2024, 12, 11))
    assert bookable_types(detail, D(2025, 3, 1)) == (
        MeetingType.RCPC_FIRST,
        MeetingType.RCPC_SUBSEQUENT,
    )


def test_slots_are_offered_closest_before_the_book_by_date(db, reg) -> None:  # noqa: F811
    """A review due in five months is offered slots near its due date, not tomorrow; the
    one the date box starts on is the first of the latest free day."""
    chair = reg.staff()
    other = reg.child()
    reg.meeting(other, "lac_review", booked=D(2024, 9, 20), time=dt.time(9, 30), chair_id=chair)
    with db.session() as s:
        _rules, cal = working_context(s)
        found = suggest_slots(
            s,
            Booking(D(2024, 4, 11), chair_id=chair),
            calendar=cal,
            as_of=D(2024, 4, 10),
            book_by=D(2024, 9, 20),
        )
    assert not found.overdue
    assert [(b.day, b.start) for b in found.slots] == [
        (D(2024, 9, 19), dt.time(9, 30)),
        (D(2024, 9, 19), dt.time(13, 30)),
        (D(2024, 9, 19), dt.time(15, 30)),
        (D(2024, 9, 20), dt.time(13, 30)),  # 09:30 on the 20th is taken
        (D(2024, 9, 20), dt.time(15, 30)),
    ]
    assert (found.best.day, found.best.start) == (D(2024, 9, 20), dt.time(13, 30))


def test_an_overdue_meeting_is_offered_the_earliest_free_slots(db, reg) -> None:  # noqa: F811
    chair = reg.staff()
    with db.session() as s:
        _rules, cal = working_context(s)
        found = suggest_slots(
            s,
            Booking(D(2024, 4, 1), chair_id=chair),
            calendar=cal,
            as_of=D(2024, 3, 27),
            book_by=D(2024, 3, 20),
        )
    assert found.overdue
    # Thursday 28/03, then Good Friday and Easter Monday are skipped: Tuesday 02/04.
    assert [b.day for b in found.slots] == [D(2024, 3, 28)] * 3 + [D(2024, 4, 2)] * 2
    assert found.best.day == D(2024, 3, 28)


_bookings = st.lists(
    st.builds(
        Booking,
        day=st.sampled_from((D(2024, 4, 8), D(2024, 4, 9))),
        # None: all day; a half-hour grid, so equal starts and touching ends are common.
        start=st.one_of(
            st.none(), st.builds(dt.time, st.integers(9, 11), st.sampled_from((0, 30)))
        ),
        minutes=st.sampled_from((-5, 0, 1, 15, 30, 60, 90, 120)),
        chair_id=st.sampled_from((None, 1, 2)),
        room_id=st.sampled_from((None, 10, 11)),
        clerk_id=st.sampled_from((None, 20)),
        meeting_id=st.one_of(st.none(), st.integers(1, 60)),
    ),
    max_size=40,
)


@settings(max_examples=400, deadline=None)
@given(_bookings)
def test_double_booked_resources_agree_with_every_clash(bookings: list[Booking]) -> None:
    """The diary's neighbour sweep marks the same meetings, on the same resources, as the
    general `double_booked` that names every clashing pair (and so as comparing every pair)."""
    general = {
        mid: sorted({c.resource for c in found}) for mid, found in double_booked(bookings).items()
    }
    assert double_booked_resources(bookings) == general


def test_double_booked_resources_agree_on_many_random_weeks() -> None:
    """Seeded weeks as busy as the diary gets, so every edge comes up many times."""
    rng = random.Random(20)
    for _ in range(300):
        bookings = [
            Booking(
                day=D(2024, 4, 8) + dt.timedelta(days=rng.randint(0, 4)),
                start=None
                if rng.random() < 0.03
                else dt.time(rng.randint(9, 12), rng.choice((0, 30))),
                minutes=rng.choice((0, 30, 60, 90)),
                chair_id=rng.choice((None, 1, 2, 3)),
                room_id=rng.choice((None, 10, 11)),
                clerk_id=rng.choice((None, 20, 21)),
                meeting_id=None if rng.random() < 0.05 else n,
            )
            for n in range(rng.randint(0, 80))
        ]
        general = {
            mid: sorted({c.resource for c in found})
            for mid, found in double_booked(bookings).items()
        }
        assert double_booked_resources(bookings) == general


def test_double_booked_resources_on_a_busy_day() -> None:
    """Ten at 09:30 for one chair all clash; back to back does not; a meeting with no id never
    counts (it is not in the diary), and the whole-day one clashes with everything."""
    t = dt.time
    day = D(2024, 4, 8)
    same = [Booking(day, t(9, 30), 90, chair_id=1, meeting_id=n) for n in range(1, 11)]
    touching = [
        Booking(day, t(9, 0), 60, chair_id=2, room_id=10, meeting_id=20),
        Booking(day, t(10, 0), 60, chair_id=2, room_id=10, meeting_id=21),
        Booking(day, t(10, 30), 0, chair_id=3, meeting_id=22),
        Booking(day, t(10, 30), 30, chair_id=3, meeting_id=None),
        Booking(day, None, 90, room_id=11, meeting_id=23),
        Booking(day, t(16, 0), 30, room_id=11, clerk_id=5, meeting_id=24),
    ]
    assert double_booked_resources(same + touching) == {
        **{n: ["chair"] for n in range(1, 11)},
        23: ["room"],
        24: ["room"],
    }
