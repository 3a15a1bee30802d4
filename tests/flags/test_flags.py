"""Every flag: one history that makes it fire, one that shows it stays quiet when all is right.

Dates: a child became looked after on Mon 25/03/2024, so the 1st review is due by
Wed 24/04/2024 (20 working days, skipping Good Friday and Easter Monday).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest
from sqlalchemy import text

from reviewdesk.flags import FLAG_TYPES, compute_flags

D = dt.date
START = D(2024, 3, 25)
DUE = D(2024, 4, 24)


def flags(db, as_of, code=None, **kw):
    with db.session() as s:
        found = compute_flags(s, as_of=as_of, **kw)
    return [f for f in found if code is None or f.code == code]


@pytest.fixture
def lac(reg):
    """A looked-after child, notified and allocated in time; returns (child, iro).

    The caseload minimum is set to 0 so that one child does not raise a caseload flag.
    """
    reg.setting("caseload_min_per_fte", 0)
    iro = reg.staff()
    child = reg.child()
    reg.period(child, START, iro_id=iro, iro_notified=D(2024, 3, 26), iro_allocated=D(2024, 3, 27))
    return child, iro


def test_every_code_has_a_severity_and_meaning():
    assert len(FLAG_TYPES) >= 20
    for severity, meaning in FLAG_TYPES.values():
        assert severity in ("red", "amber", "info") and meaning


# --- schedule -------------------------------------------------------------------------------


def test_due_soon_and_not_booked(db, reg, lac):
    child, _ = lac
    [flag] = flags(db, D(2024, 4, 15), "due_soon_unbooked")
    assert flag.child_id == child and flag.severity == "amber" and flag.date == DUE
    assert (
        flag.reason == "LAC review 1 is due by 24/04/2024 (7 working days left) and is not booked"
    )
    assert flags(db, D(2024, 3, 26), "due_soon_unbooked") == []  # 20 working days away


def test_due_soon_window_is_a_setting(db, reg, lac):
    reg.setting("due_soon_working_days", 5)
    assert flags(db, D(2024, 4, 15), "due_soon_unbooked") == []
    assert len(flags(db, D(2024, 4, 17), "due_soon_unbooked")) == 1


def test_due_soon_quiet_once_booked(db, reg, lac):
    child, iro = lac
    reg.meeting(child, booked=D(2024, 4, 22), chair_id=iro)
    assert flags(db, D(2024, 4, 15), "due_soon_unbooked") == []


def test_overdue(db, reg, lac):
    child, _ = lac
    [flag] = flags(db, D(2024, 4, 26), "overdue")
    assert flag.severity == "red"
    assert "due by 24/04/2024" in flag.reason and "2 working days overdue" in flag.reason
    assert "not booked" in flag.reason
    reg.meeting(child, held=D(2024, 4, 23))
    assert flags(db, D(2024, 4, 26), "overdue") == []


def test_booked_after_due_date(db, reg, lac):
    child, iro = lac
    late = reg.meeting(child, booked=D(2024, 4, 26), chair_id=iro)
    [flag] = flags(db, D(2024, 4, 10), "booked_after_due")
    assert flag.meeting_id == late and flag.staff_id == iro
    assert flag.reason == "LAC review 1 is booked for 26/04/2024, after its due date 24/04/2024"


def test_booked_on_due_date_is_fine(db, reg, lac):
    child, _ = lac
    reg.meeting(child, booked=DUE)
    assert flags(db, D(2024, 4, 10)) == []


def test_booked_on_a_non_working_day(db, reg, lac):
    child, _ = lac
    reg.meeting(child, booked=D(2024, 4, 20))
    [flag] = flags(db, D(2024, 4, 10), "booked_non_working_day")
    assert "20/04/2024" in flag.reason and "Saturday" in flag.reason


def test_a_meeting_booked_for_a_day_past_and_not_recorded(db, reg, lac):
    """Booked for a day now past and never recorded: whether it was held is not known, so
    it is flagged for someone to record, from the day after. An adjourned meeting was
    recorded (the demo authority's inquorate conferences were flagged before this)."""
    child, _ = lac
    booked = reg.meeting(child, booked=D(2024, 4, 18))
    assert flags(db, D(2024, 4, 18), "outcome_not_recorded") == []  # the day itself
    [flag] = flags(db, D(2024, 4, 22), "outcome_not_recorded")
    assert (flag.child_id, flag.meeting_id, flag.severity) == (child, booked, "amber")
    assert flag.date == D(2024, 4, 18)
    assert flag.reason == (
        "LAC review 1 was booked for 18/04/2024 (4 days ago) and its outcome is not "
        "recorded: record it as held, adjourned, cancelled or stood down"
    )
    # Recorded: held, adjourned (it sat, to be re-convened as a meeting of its own),
    # cancelled or stood down.
    for status, held in (
        ("held", "2024-04-18"),
        ("adjourned", None),
        ("cancelled", None),
        ("stood_down", None),
    ):
        with db.session() as s:
            s.execute(
                text("UPDATE meeting SET status = :st, held_date = :held WHERE id = :id"),
                {"st": status, "held": held, "id": booked},
            )
        assert flags(db, D(2024, 4, 22), "outcome_not_recorded") == [], status


def test_booked_on_a_closure_day(db, reg, lac):
    child, _ = lac
    from reviewdesk.storage.models import ClosureDay

    with db.session() as s:
        s.add(ClosureDay(day=D(2024, 4, 22), description="Staff training day"))
    reg.meeting(child, booked=D(2024, 4, 22))
    [flag] = flags(db, D(2024, 4, 10), "booked_non_working_day")
    assert "Staff training day" in flag.reason


def test_held_late_without_a_reason(db, reg, lac):
    child, _ = lac
    late = reg.meeting(child, held=D(2024, 4, 26))
    [flag] = flags(db, D(2024, 5, 1), "late_no_reason")
    assert flag.meeting_id == late
    assert "held on 26/04/2024, after its due date 24/04/2024" in flag.reason


def test_held_late_with_a_reason_is_fine(db, reg, lac):
    child, _ = lac
    reason = reg.late_reason()
    reg.meeting(child, held=D(2024, 4, 26), late_reason_id=reason)
    other = reg.child()
    reg.period(other, START)
    reg.meeting(other, held=D(2024, 4, 26), late_reason_note="Family bereavement")
    assert flags(db, D(2024, 5, 1), "late_no_reason") == []


# --- deadlines around a meeting --------------------------------------------------------------


def test_report_not_received(db, reg, lac):
    child, _ = lac
    m = reg.meeting(child, booked=DUE)
    reg.report(m, rule_id="lac.review.reports", author="Sam Social")
    [flag] = flags(db, D(2024, 4, 22), "report_overdue")  # due 3 working days before: 19/04
    assert flag.severity == "red" and flag.date == D(2024, 4, 19)
    assert "Report from Sam Social (Social worker)" in flag.reason
    assert "due by 19/04/2024" in flag.reason
    assert flags(db, D(2024, 4, 19), "report_overdue") == []  # not yet late


def test_a_report_s_agency_is_in_words_in_the_flag(db, reg, lac):
    """An IRO reading `reviewdesk flags` for the week: "Report from Police (police)",
    "Report from Andrew Shaw (social_worker)", "Report from GP (gp)" printed the agency's
    code; it is in words, and not said twice when the author is the agency."""
    child, _ = lac
    m = reg.meeting(child, booked=DUE)
    reg.report(m, rule_id="lac.review.reports", author="Police", agency="police")
    reg.report(m, rule_id="lac.review.reports", author="Dr Rhys Evans", agency="gp")
    reg.report(m, rule_id="lac.review.reports", author="Andrew Shaw")
    reasons = sorted(
        f.reason.split(" for the ")[0] for f in flags(db, D(2024, 4, 22), "report_overdue")
    )
    assert reasons == [
        "Report from Andrew Shaw (Social worker)",
        "Report from Dr Rhys Evans (GP)",
        "Report from Police",
    ]


def test_report_received_late_and_on_time(db, reg, lac):
    child, _ = lac
    m = reg.meeting(child, booked=DUE)
    reg.report(m, rule_id="lac.review.reports", received=D(2024, 4, 22))
    reg.report(m, rule_id="lac.review.reports", received=D(2024, 4, 19), author="On Time")
    [flag] = flags(db, D(2024, 4, 23), "report_late")
    assert "received on 22/04/2024, after the deadline 19/04/2024" in flag.reason
    assert flags(db, D(2024, 4, 23), "report_overdue") == []


def _cp_child(reg):
    child = reg.child(dob=D(2019, 1, 1))
    enquiry = reg.enquiry(child, strategy=START)  # ICPC due Wed 17/04/2024
    return child, enquiry


def test_report_not_shared_with_parents(db, reg):
    child, enquiry = _cp_child(reg)
    m = reg.meeting(child, "icpc", booked=D(2024, 4, 16), enquiry_id=enquiry)
    reg.report(m, rule_id="cp.icpc.report_to_parents", received=D(2024, 4, 11))
    [flag] = flags(db, D(2024, 4, 15), "report_not_shared")  # 2 working days before: Fri 12/04
    assert "shared with parents by 12/04/2024 and has not been" in flag.reason


def test_report_shared_with_parents_in_time(db, reg):
    child, enquiry = _cp_child(reg)
    m = reg.meeting(child, "icpc", booked=D(2024, 4, 16), enquiry_id=enquiry)
    reg.report(
        m, rule_id="cp.icpc.report_to_parents", received=D(2024, 4, 11), shared=D(2024, 4, 12)
    )
    assert flags(db, D(2024, 4, 15)) == []


def test_consultation_not_sent_in_time(db, reg, lac):
    child, _ = lac
    m = reg.meeting(child, booked=DUE)
    [flag] = flags(db, D(2024, 4, 11), "consultation_late")  # 10 working days before: 10/04
    assert flag.meeting_id == m and "sent by 10/04/2024" in flag.reason


def test_consultation_sent_in_time(db, reg, lac):
    child, _ = lac
    reg.meeting(child, booked=DUE, consultation_sent=D(2024, 4, 9))
    assert flags(db, D(2024, 4, 11), "consultation_late") == []


def test_decisions_and_minutes_not_issued(db, reg, lac):
    child, _ = lac
    reg.meeting(child, held=D(2024, 4, 23))
    [decisions] = flags(db, D(2024, 5, 1), "decisions_overdue")  # 5 working days: 30/04
    assert decisions.date == D(2024, 4, 30) and decisions.severity == "red"
    assert flags(db, D(2024, 5, 22), "minutes_overdue") == []  # 20 working days: 22/05
    [minutes] = flags(db, D(2024, 5, 23), "minutes_overdue")
    assert minutes.date == D(2024, 5, 22)


def test_decisions_and_minutes_owed_after_the_plan_ended_at_the_conference(db, reg):
    """A CP plan ended at its review conference still owes that conference's decisions and
    minutes: the case closing that day does not take them off the flags (it did: only open
    cases' meetings were judged, so every plan's last conference went unflagged while the
    child's timeline said its minutes were overdue)."""
    child = reg.child(dob=D(2019, 1, 1))
    enquiry = reg.enquiry(child, strategy=D(2023, 12, 11))
    plan = reg.plan(child, D(2024, 1, 10), enquiry_id=enquiry, end=D(2024, 4, 3))
    m = reg.meeting(child, "rcpc_first", held=D(2024, 4, 3), plan_id=plan)
    [decisions] = flags(db, D(2024, 5, 1), "decisions_overdue")
    assert decisions.meeting_id == m and decisions.child_id == child
    [minutes] = flags(db, D(2024, 5, 3), "minutes_overdue")  # 20 working days: 01/05
    assert minutes.meeting_id == m and minutes.date == D(2024, 5, 1)
    assert "1st review CP conference on 03/04/2024" in minutes.reason
    # Only for the child asked about, too (what the window works out again after an edit).
    assert [f.code for f in flags(db, D(2024, 5, 3), "minutes_overdue", child_ids=[child])] == [
        "minutes_overdue"
    ]
    assert flags(db, D(2024, 5, 3), "minutes_overdue", child_ids=[reg.child()]) == []
    # Nothing else about a closed case: its next conference is due nowhere.
    assert {f.code for f in flags(db, D(2024, 5, 3))} == {"decisions_overdue", "minutes_overdue"}


def test_minutes_owed_after_the_child_left_care(db, reg, lac):
    child, _ = lac
    reg.meeting(child, held=D(2024, 4, 23))
    with db.session() as s:
        s.execute(text("UPDATE period_of_care SET end_date = '2024-04-30'"))
    [minutes] = flags(db, D(2024, 5, 23), "minutes_overdue")
    assert minutes.child_id == child and minutes.date == D(2024, 5, 22)
    # Beyond the look-back (a quarter), no longer: as for an open case.
    assert flags(db, D(2024, 8, 1), "minutes_overdue") == []


def test_minutes_sent_after_the_plan_ended_are_quiet(db, reg):
    child = reg.child(dob=D(2019, 1, 1))
    enquiry = reg.enquiry(child, strategy=D(2023, 12, 11))
    plan = reg.plan(child, D(2024, 1, 10), enquiry_id=enquiry, end=D(2024, 4, 3))
    reg.meeting(
        child,
        "rcpc_first",
        held=D(2024, 4, 3),
        plan_id=plan,
        decisions_issued=D(2024, 4, 4),
        minutes_distributed=D(2024, 4, 30),
    )
    assert flags(db, D(2024, 5, 3)) == []


def test_decisions_issued_late_and_minutes_on_time(db, reg, lac):
    child, _ = lac
    reg.meeting(
        child,
        held=D(2024, 4, 23),
        consultation_sent=D(2024, 4, 2),
        decisions_issued=D(2024, 5, 2),
        minutes_distributed=D(2024, 5, 20),
    )
    found = flags(db, D(2024, 6, 1))
    assert [f.code for f in found] == ["decisions_late"]
    assert "issued on 02/05/2024, after the deadline 30/04/2024" in found[0].reason


# --- looked after: notification and allocation ----------------------------------------------


def test_iro_service_not_notified_and_not_allocated(db, reg):
    child = reg.child()
    reg.period(child, START)
    codes = {f.code: f for f in flags(db, D(2024, 4, 4))}
    assert codes["iro_service_not_notified"].date == D(2024, 3, 27)
    assert codes["iro_not_allocated"].date == D(2024, 4, 3)  # Easter skipped
    assert flags(db, D(2024, 3, 27), "iro_service_not_notified") == []


def test_notified_and_allocated_late(db, reg):
    iro = reg.staff()
    child = reg.child()
    reg.period(child, START, iro_id=iro, iro_notified=D(2024, 3, 28), iro_allocated=D(2024, 4, 5))
    codes = sorted(f.code for f in flags(db, D(2024, 4, 8)))
    assert codes == ["caseload_below_min", "iro_allocated_late", "iro_service_notified_late"]


def test_notified_and_allocated_in_time(db, reg, lac):
    assert flags(db, D(2024, 4, 8), "iro_service_not_notified") == []
    assert [f.code for f in flags(db, D(2024, 4, 8)) if f.code.startswith("iro_")] == []


# --- double bookings ------------------------------------------------------------------------


def test_chair_clerk_and_room_double_booked(db, reg):
    chair, clerk, room = reg.staff(), reg.staff("Clara Clerk", "clerk"), reg.room()
    a, b = reg.child(), reg.child()
    reg.period(a, START)
    reg.period(b, START)
    day = D(2024, 4, 23)
    common = dict(chair_id=chair, clerk_id=clerk, room_id=room)
    m1 = reg.meeting(a, booked=day, time=dt.time(10, 0), **common)
    m2 = reg.meeting(b, booked=day, time=dt.time(11, 0), **common)
    found = flags(db, D(2024, 4, 10))
    for code in ("chair_double_booked", "clerk_double_booked", "room_double_booked"):
        hits = [f for f in found if f.code == code]
        assert {f.meeting_id for f in hits} == {m1, m2}, code
    chair_flag = next(f for f in found if f.code == "chair_double_booked" and f.meeting_id == m1)
    assert chair_flag.staff_id == chair
    assert "23/04/2024" in chair_flag.reason and "10:00" in chair_flag.reason
    room_flag = next(f for f in found if f.code == "room_double_booked" and f.meeting_id == m1)
    # The room named as everywhere, room then venue (it read "Room Room 1", with no venue).
    assert re.match(r"Room 1, Venue \d+ is booked on 23/04/2024 for the ", room_flag.reason)


def test_back_to_back_or_cancelled_is_not_double_booked(db, reg):
    chair = reg.staff()
    a, b, c = reg.child(), reg.child(), reg.child()
    for child in (a, b, c):
        reg.period(child, START)
    day = D(2024, 4, 23)
    reg.meeting(a, booked=day, time=dt.time(10, 0), chair_id=chair)  # 10:00-11:30
    reg.meeting(b, booked=day, time=dt.time(11, 30), chair_id=chair)
    reg.meeting(c, booked=day, time=dt.time(10, 30), chair_id=chair, status="cancelled")
    assert flags(db, D(2024, 4, 10), "chair_double_booked") == []


def test_double_bookings_one_flag_per_meeting_matching_every_pair(db, reg):
    """Each meeting that overlaps others has one flag per resource saying how many (not one
    per pair), and the meetings flagged are exactly those an every-pair comparison finds
    (`reviewdesk.scheduling.overlaps`, the booking check's definition)."""
    import random
    import re

    from reviewdesk.scheduling import Booking, double_booked_resources, overlaps

    rng = random.Random(11)
    chairs = [reg.staff(f"Chair {n}") for n in range(3)]
    rooms = [reg.room(f"Room {n}") for n in range(2)]
    day = D(2024, 4, 23)
    bookings = []
    for _ in range(40):
        child = reg.child()
        reg.period(child, START)
        booking = Booking(
            day=day + dt.timedelta(days=rng.randint(0, 1)),
            start=None  # no time recorded: the whole day, as the diary counts it
            if rng.random() < 0.05
            else dt.time(rng.randint(9, 15), rng.choice((0, 15, 30))),
            minutes=rng.choice((1, 30, 60, 90)),
            chair_id=rng.choice(chairs),
            room_id=rng.choice([None, *rooms]),
        )
        mid = reg.meeting(
            child,
            booked=booking.day,
            time=booking.start,
            duration_minutes=booking.minutes,
            chair_id=booking.chair_id,
            room_id=booking.room_id,
        )
        bookings.append((mid, booking))
    found = flags(db, D(2024, 4, 10))
    for code, resource in (("chair_double_booked", "chair"), ("room_double_booked", "room")):
        expected = {}
        for mid, b in bookings:
            mine = getattr(b, f"{resource}_id")
            n = sum(
                1
                for other, o in bookings
                if other != mid
                and mine is not None
                and getattr(o, f"{resource}_id") == mine
                and overlaps(b, o)
            )
            if n:
                expected[mid] = n
        hits = [f for f in found if f.code == code]
        assert len(hits) == len({f.meeting_id for f in hits})  # one per meeting
        counted = {}
        booking_of = dict(bookings)
        for f in hits:
            many = re.search(r"and (\d+) other meetings", f.reason)
            counted[f.meeting_id] = int(many.group(1)) if many else 1
            # Every meeting the reason names overlaps this one, on the same chair or room.
            named = [
                int(n)
                for n in re.findall(r"(?:meetings? |, |and )(\d+)(?: at| \(no time|\))", f.reason)
            ]
            assert named, f.reason
            this = booking_of[f.meeting_id]
            for other in named:
                that = booking_of[other]
                assert getattr(that, f"{resource}_id") == getattr(this, f"{resource}_id")
                assert overlaps(this, that), f.reason
        assert counted == expected, code
    assert any("other meetings that overlap it" in f.reason for f in found)
    assert any("(no time set)" in f.reason for f in found)
    # The diary marks the same meetings, for the same resources.
    diary = double_booked_resources([dataclasses.replace(b, meeting_id=mid) for mid, b in bookings])
    flagged: dict[int, list[str]] = {}
    for f in found:
        if f.code in ("chair_double_booked", "room_double_booked"):
            flagged.setdefault(f.meeting_id, []).append(f.code.split("_")[0])
    assert diary == {mid: sorted(kinds) for mid, kinds in flagged.items()}


def test_a_meeting_with_no_time_clashes_all_day(db, reg):
    """A meeting with no time recorded may be at any time that day: the flag, the diary and
    the booking check (`reviewdesk.overlaps`) all count it as clashing with the chair's
    other meetings that day, and not with another day's."""
    from reviewdesk.scheduling import Booking, double_booked_resources, overlaps

    chair = reg.staff("Chair Untimed")
    a, b, c = reg.child(), reg.child(), reg.child()
    for child in (a, b, c):
        reg.period(child, START)
    day = D(2024, 4, 23)
    untimed = reg.meeting(a, booked=day, time=None, chair_id=chair)
    late = reg.meeting(b, booked=day, time=dt.time(16, 0), chair_id=chair)
    reg.meeting(c, booked=day + dt.timedelta(days=1), time=dt.time(16, 0), chair_id=chair)
    found = flags(db, D(2024, 4, 10), "chair_double_booked")
    assert {f.meeting_id for f in found} == {untimed, late}
    reason = next(f.reason for f in found if f.meeting_id == untimed)
    assert "(no time set) and another meeting at 16:00" in reason, reason
    bookings = [
        Booking(day=day, start=None, chair_id=chair, meeting_id=untimed),
        Booking(day=day, start=dt.time(16, 0), chair_id=chair, meeting_id=late),
    ]
    assert overlaps(*bookings)
    assert double_booked_resources(bookings) == {untimed: ["chair"], late: ["chair"]}


# --- caseload -------------------------------------------------------------------------------


def test_caseload_above_and_below(db, reg, lac):
    _, iro = lac
    reg.setting("caseload_min_per_fte", 50)
    [low] = flags(db, D(2024, 4, 1), "caseload_below_min")
    assert low.staff_id == iro and low.severity == "info"
    assert "1 child on 1 FTE (1.0 per FTE; the range is 50-70)" in low.reason
    reg.setting("caseload_min_per_fte", 0)
    reg.setting("caseload_max_per_fte", 0.5)
    [high] = flags(db, D(2024, 4, 1), "caseload_above_max")
    assert high.staff_id == iro


def test_caseload_within_range(db, reg, lac):
    reg.setting("caseload_min_per_fte", 1)
    reg.setting("caseload_max_per_fte", 2)
    assert [f for f in flags(db, D(2024, 4, 1)) if f.code.startswith("caseload")] == []


# --- CP plans -------------------------------------------------------------------------------


def test_plan_reaching_18_months_and_2_years(db, reg):
    child = reg.child()
    reg.plan(child, D(2022, 1, 10))
    assert flags(db, D(2023, 7, 9), "cp_plan_18_months") == []
    [f18] = flags(db, D(2023, 7, 10), "cp_plan_18_months")
    assert "reached 18 months on 10/07/2023; 2 years on 10/01/2024" in f18.reason
    assert flags(db, D(2024, 1, 10), "cp_plan_18_months") == []
    [f24] = flags(db, D(2024, 1, 10), "cp_plan_2_years")
    assert f24.severity == "red"


def test_second_plan_is_flagged_first_is_not(db, reg):
    child = reg.child()
    reg.plan(child, D(2022, 1, 10), end=D(2022, 9, 1))
    reg.plan(child, D(2024, 2, 1))
    [flag] = flags(db, D(2024, 3, 1), "cp_repeat_plan")
    assert "second plan" in flag.reason
    only = reg.child()
    reg.plan(only, D(2024, 2, 1))
    assert [f.child_id for f in flags(db, D(2024, 3, 1), "cp_repeat_plan")] == [child]


def test_previous_plans_recorded_on_import_count(db, reg):
    child = reg.child()
    reg.plan(child, D(2024, 2, 1), previous_plans=2)
    [flag] = flags(db, D(2024, 3, 1), "cp_repeat_plan")
    assert "third plan" in flag.reason


# --- participation --------------------------------------------------------------------------


def _set_dob(db, child_id, dob):
    """Correct a date of birth after the reviews were recorded (how a mismatch arises: the
    register refuses a code that does not fit the age known when it is entered)."""
    with db.engine.begin() as conn:
        conn.execute(
            text("UPDATE child SET dob = :dob WHERE id = :id"), {"dob": dob, "id": child_id}
        )


def test_participation_code_must_fit_age(db, reg):
    toddler = reg.child(dob=D(2015, 6, 1))
    reg.period(toddler, START)
    reg.meeting(toddler, held=D(2024, 4, 20), participation="PN1")
    _set_dob(db, toddler, D(2021, 6, 1))
    older = reg.child(dob=D(2022, 1, 1))
    reg.period(older, START)
    reg.meeting(older, held=D(2024, 4, 20), participation="PN0")
    _set_dob(db, older, D(2015, 1, 1))
    found = {f.child_id: f for f in flags(db, D(2024, 4, 22), "participation_age")}
    assert set(found) == {toddler, older}
    assert "under 4" in found[toddler].reason and "was 9" in found[older].reason


def test_participation_codes_that_fit(db, reg):
    toddler = reg.child(dob=D(2021, 6, 1))
    reg.period(toddler, START)
    reg.meeting(toddler, held=D(2024, 4, 20), participation="PN0")
    older = reg.child(dob=D(2020, 4, 20))  # 4 on the day of the review
    reg.period(older, START)
    reg.meeting(older, held=D(2024, 4, 20), participation="PN5")
    assert flags(db, D(2024, 4, 22), "participation_age") == []


# --- scope ----------------------------------------------------------------------------------


def test_closed_cases_raise_no_flags(db, reg):
    child = reg.child()
    reg.period(child, START, end=D(2024, 4, 1))
    assert flags(db, D(2024, 6, 1)) == []


def test_child_ids_limit_the_flags(db, reg, lac):
    child, _ = lac
    other = reg.child()
    reg.period(other, START)
    everyone = {f.child_id for f in flags(db, D(2024, 4, 26)) if f.child_id}
    assert everyone == {child, other}
    assert {f.child_id for f in flags(db, D(2024, 4, 26), child_ids=[other])} == {other}


def test_flags_are_sorted_red_first(db, reg, lac):
    child, _ = lac
    found = flags(db, D(2024, 4, 26))
    order = {"red": 0, "amber": 1, "info": 2}
    assert [order[f.severity] for f in found] == sorted(order[f.severity] for f in found)
