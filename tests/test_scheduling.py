"""What a new booking is for (`reviewdesk.scheduling`): the meeting the engine says is due
next, its chair, and the period of care or plan it belongs to, open on the as-of date."""

from __future__ import annotations

import datetime as dt

import pytest

from reviewdesk import queries
from reviewdesk.casedues import child_dues
from reviewdesk.codes import MeetingType
from reviewdesk.scheduling import booking_links, default_chair, next_meeting_type, open_period
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


def test_a_pre_birth_enquiry_is_offered_a_pre_birth_conference(db, reg) -> None:  # noqa: F811
    child = reg.child(dob=None, expected_delivery=D(2024, 9, 1))
    reg.enquiry(child, strategy=D(2024, 5, 1))
    _detail, dues = _read(db, child, D(2024, 5, 2))
    assert next_meeting_type(dues) is MeetingType.ICPC_PREBIRTH
    assert next_meeting_type(None) is MeetingType.ICPC
