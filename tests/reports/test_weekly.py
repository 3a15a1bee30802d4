"""The weekly schedule, read back from the PDF."""

from __future__ import annotations

import datetime as dt
import io
import re

from reviewdesk.codes import MeetingStatus
from reviewdesk.reports.weekly import build_weekly, clashes, collect_week
from reviewdesk.storage.models import Meeting
from tests.reports.factory import AS_OF, COUNCIL, WEEK, populate
from tests.reports.pdfcheck import assert_a4, assert_furniture, read_pdf


def _pdf(session, week=WEEK):
    out = io.BytesIO()
    pages = build_weekly(session, week=week, as_of=AS_OF, out=out, invariant=True)
    pdf = read_pdf(out.getvalue())
    assert pages == pdf.pages
    return pdf


def test_each_day_by_chair_and_by_room(demo_db) -> None:
    db, demo = demo_db
    with db.session() as session:
        pdf = _pdf(session, week=WEEK + dt.timedelta(days=2))  # any day of the week
        schedule = collect_week(session, WEEK)
    assert_a4(pdf, landscape=True)
    assert_furniture(pdf, council=COUNCIL, title="Weekly schedule")
    text = pdf.all_text
    assert "Week of 13/05/2024 to 19/05/2024" in text
    assert len(schedule.meetings) == len(demo.week_meeting_ids) == 14
    assert "14 meetings this week" in text
    for day in ("Monday 13/05/2024", "Tuesday 14/05/2024", "Friday 17/05/2024"):
        assert day in text
    assert "Saturday" not in text  # an empty weekend is left out
    assert "Chair: Siân Evans" in text
    assert "Room: Conference Room 1, County Hall" in text
    assert "Room: Ystafell Dafydd, County Hall" in text
    lines = pdf.layout_lines()
    for m in schedule.meetings:
        row = [line for line in lines if m.local_id in line and m.times in line]
        assert len(row) == 2, f"{m.child} should appear once by chair and once by room"
        assert m.clerk in row[0]
    for name in ("Tomás Ó Súilleabháin", "Zoë Pryce"):
        assert name in text


def test_a_chair_or_room_booked_twice_at_once_is_marked(fresh_db) -> None:
    with fresh_db.session() as session:
        demo = populate(session, iros=1, children_per_iro=4, week_meetings=2)
        first, second = (session.get(Meeting, i) for i in demo.week_meeting_ids)
        second.booked_date, second.booked_time = first.booked_date, dt.time(10, 0)
        second.room = first.room
        first.booked_time = dt.time(9, 30)
        session.flush()
        schedule = collect_week(session, WEEK)
        assert clashes(schedule.meetings, lambda m: m.chair) == {first.id, second.id}
        assert clashes(schedule.meetings, lambda m: m.room) == {first.id, second.id}
        text = _pdf(session).all_text
    assert "Clashes:" in text
    assert text.count("clash") >= 4  # marked in both tables for both meetings


def test_cancelled_meetings_are_left_out_and_bank_holidays_named(fresh_db) -> None:
    with fresh_db.session() as session:
        demo = populate(session, iros=1, children_per_iro=4, week_meetings=2)
        cancelled = session.get(Meeting, demo.week_meeting_ids[0])
        cancelled.status = MeetingStatus.CANCELLED.value
        name = cancelled.child.display_name
        session.flush()
        text = _pdf(session).all_text
        holiday = _pdf(session, week=dt.date(2024, 5, 27)).all_text
    assert "1 meeting this week: 0 LAC reviews and 1 child protection conference." in text
    assert name not in text
    assert "Monday 27/05/2024 · Spring bank holiday (not a working day)" in holiday
    assert "No meetings booked." in holiday


def test_a_meeting_held_on_a_sunday_is_printed_on_that_sunday(fresh_db) -> None:
    """#17: the diary showed a review held on Sunday 19/05 that the weekly PDF left out (it
    read only the booked date, Friday of the week before)."""
    with fresh_db.session() as session:
        demo = populate(session, iros=1, children_per_iro=4, week_meetings=2)
        moved = session.get(Meeting, demo.week_meeting_ids[0])
        moved.booked_date = WEEK - dt.timedelta(days=3)  # Friday 10/05, the week before
        moved.status = MeetingStatus.HELD.value
        moved.held_date = WEEK + dt.timedelta(days=6)  # Sunday 19/05
        session.flush()
        schedule = collect_week(session, WEEK)
        before = collect_week(session, WEEK - dt.timedelta(days=7))
        text = _pdf(session).all_text
    assert [m.day for m in schedule.meetings if m.meeting_id == moved.id] == [moved.held_date]
    assert moved.id not in {m.meeting_id for m in before.meetings}
    assert "Sunday 19/05/2024" in text


_DAY = re.compile(r"(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) \d\d/\d\d/\d{4}")
_GROUP = re.compile(r"(Chair: |Room: |No chair allocated|No room booked)")
_TIMES = re.compile(r"^(\d\d:\d\d–\d\d:\d\d|time to be set)$", re.M)


def test_a_day_running_onto_another_page_says_which_day_and_whose(fresh_db) -> None:
    """A chair with 44 meetings in a week fills page after page: the first meeting on every
    page follows its day and its chair (or room), never a bare row a clerk cannot place."""
    with fresh_db.session() as session:
        populate(session, iros=1, children_per_iro=90, week_meetings=44)
        pdf = _pdf(session)
    assert pdf.pages >= 4
    for n, text in enumerate(pdf.texts, start=1):
        first = _TIMES.search(text)
        assert first, f"page {n} has no meeting"
        before = text[: first.start()]
        assert _DAY.search(before), f"page {n}: its first meeting has no day above it"
        assert _GROUP.search(before), f"page {n}: its first meeting has no chair or room above it"


def test_a_meeting_without_a_room_time_or_clerk_says_so(fresh_db) -> None:
    """What is still to arrange is printed as such, in both lists, not left blank."""
    with fresh_db.session() as session:
        demo = populate(session, iros=1, children_per_iro=4, week_meetings=2)
        bare = session.get(Meeting, demo.week_meeting_ids[0])
        bare.room, bare.booked_time, bare.clerk = None, None, None
        session.flush()
        local_id = bare.child.local_id
        lines = [" ".join(line.split()) for line in _pdf(session).layout_lines()]
    rows = [line for line in lines if local_id in line]
    assert len(rows) == 2
    assert all(row.startswith("time to be set") for row in rows)
    assert "no room booked" in rows[0]
    assert all(row.endswith("no clerk allocated") for row in rows)
    assert "No room booked" in lines


def test_a_long_double_barrelled_surname_is_not_broken_mid_word(fresh_db) -> None:
    """A 40-letter surname is wider than the child column at 8 pt: it is set smaller, as
    in every other list, not split between two letters ("Cholmondel / ey")."""
    surname = "Featherstonehaugh-Cholmondeley-Wrightson"
    with fresh_db.session() as session:
        demo = populate(session, iros=1, children_per_iro=4, week_meetings=2)
        child = session.get(Meeting, demo.week_meeting_ids[0]).child
        child.first_name, child.last_name = "Oluwaseun", surname
        session.flush()
        pdf = _pdf(session)
    lines = [line for text in pdf.texts for line in text.splitlines()]
    whole = [line for line in lines if surname in line]
    assert len(whole) == 2, "the surname should print whole, by chair and by room"
    assert not [line for line in lines if "Featherstonehaugh-Cholm" in line and line not in whole]


def test_clashes_are_the_ones_the_diary_and_the_flags_find(fresh_db) -> None:
    """The weekly schedule worked out its own clashes: a meeting with no length recorded
    (0) took no time and one with no time set clashed with nothing, where the diary, the
    booking check and the double-booking flags take 90 minutes and the whole day
    (`reviewdesk.overlaps`). So the chair's 09:30 meeting (no length) and her 10:00 one
    clashed on the dashboard and in the diary but not on the printed week."""
    from reviewdesk.flags.bookings import booking_flags
    from reviewdesk.scheduling import Booking, double_booked_resources

    with fresh_db.session() as session:
        demo = populate(session, iros=1, children_per_iro=8, week_meetings=3)
        first, second, third = (session.get(Meeting, i) for i in demo.week_meeting_ids)
        # Same chair, same day: 09:30 with no length recorded, then 10:00.
        second.booked_date = first.booked_date
        first.booked_time, first.duration_minutes = dt.time(9, 30), 0
        second.booked_time, second.room = dt.time(10, 0), None
        # Another day: a meeting with no time set, in the room of another that day.
        third.booked_time, third.room = None, first.room
        other = session.get(Meeting, demo.week_meeting_ids[0])
        assert other.booked_date != third.booked_date
        session.flush()
        schedule = collect_week(session, WEEK)
        flags = list(booking_flags(session, WEEK))
    in_diary = double_booked_resources(
        Booking(
            m.booked_date,
            m.booked_time,
            m.duration_minutes,
            m.chair_id,
            m.room_id,
            m.clerk_id,
            m.id,
        )
        for m in (first, second, third)
    )
    by_chair = clashes(schedule.meetings, lambda m: m.chair)
    by_room = clashes(schedule.meetings, lambda m: m.room)
    assert by_chair == {first.id, second.id}
    assert by_chair == {m for m, what in in_diary.items() if "chair" in what}
    assert by_chair == {f.meeting_id for f in flags if f.code == "chair_double_booked"}
    assert by_room == {f.meeting_id for f in flags if f.code == "room_double_booked"}
    # Printed, the meeting with no length recorded takes the diary's 90 minutes.
    (printed,) = [m for m in schedule.meetings if m.meeting_id == first.id]
    assert printed.times == "09:30–11:00"


def test_a_past_weeks_meetings_never_recorded_say_so(demo_db) -> None:
    """The week of 13/05/2024 printed on 24/05/2024, none of its meetings recorded: each
    read as a meeting booked, as if still to come, while the "outcome not recorded" flag
    named every one. Printed on 13/05, the same week says nothing of the kind."""
    from reviewdesk.flags import compute_flags

    db, demo = demo_db
    later = dt.date(2024, 5, 24)
    with db.session() as session:
        flagged = {
            f.meeting_id
            for f in compute_flags(session, as_of=later)
            if f.code == "outcome_not_recorded"
        }
        assert set(demo.week_meeting_ids) <= flagged
        out = io.BytesIO()
        build_weekly(session, week=WEEK, as_of=later, out=out, invariant=True)
        schedule = collect_week(session, WEEK)
        before = _pdf(session).all_text
    pdf = read_pdf(out.getvalue())
    text = " ".join(pdf.all_text.split())
    assert (
        "Outcome not recorded: 14 meetings booked for a day before 24/05/2024 have no outcome "
        "recorded; they are marked “outcome not recorded”." in text
    )
    lines = pdf.layout_lines()
    for m in schedule.meetings:
        rows = [line for line in lines if m.local_id in line and m.times in line]
        assert len(rows) == 2 and all("(outcome" in row for row in rows), rows  # it wraps
    assert text.count("(outcome not recorded)") == 2 * len(schedule.meetings) == 28
    assert "not recorded" not in before
