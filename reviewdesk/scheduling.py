"""Booking: is a proposed date in time, a working day, and are chair, room and clerk free? And
what a new booking is for: the meeting type due next, its chair, its period of care or plan.

Pure checks over plain values plus two small database look-ups (the other bookings that day,
and free slots before a deadline). The calendar is anything with ``is_working_day``,
``non_working_reason``, ``on_or_before`` and ``on_or_after``
(``reviewdesk.workingdays.WorkingCalendar``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from reviewdesk.casedues import MeetingDue
from reviewdesk.casework.register import meeting_sequences
from reviewdesk.codes import MeetingType, Process, StaffRole
from reviewdesk.overlaps import DEFAULT_MINUTES, length, span, sweep
from reviewdesk.queries import ChildDetail, PeriodInfo, PlanInfo
from reviewdesk.storage.models import Child, Meeting, Staff
from reviewdesk.vocabulary import (
    LIVE_STATUSES,
    child_name,
    covers,
    format_uk,
    format_uk_long,
    meeting_label,
    open_on,
)

#: Times offered when looking for a free slot (local practice; change per council).
DEFAULT_SLOT_TIMES: tuple[dt.time, ...] = (dt.time(9, 30), dt.time(13, 30), dt.time(15, 30))
#: The hours a meeting usually starts and ends within. Outside them a booking is asked about,
#: not refused (an evening conference is possible): a time typed as "1" is 1 in the morning.
USUAL_HOURS: tuple[dt.time, dt.time] = (dt.time(8, 0), dt.time(18, 30))
#: Meetings start on a multiple of this many minutes. Off it a booking is asked about: a time
#: box takes "9:3" as 09:03, where 09:30 was surely meant.
USUAL_START_STEP = 5


class Calendar(Protocol):
    def is_working_day(self, d: dt.date) -> bool: ...
    def non_working_reason(self, d: dt.date) -> str | None: ...
    def on_or_before(self, d: dt.date) -> dt.date: ...
    def on_or_after(self, d: dt.date) -> dt.date: ...


@dataclass(frozen=True)
class Booking:
    """A meeting's place in the diary: day, start, length, and who and where."""

    day: dt.date
    start: dt.time | None = None
    minutes: int = DEFAULT_MINUTES
    chair_id: int | None = None
    room_id: int | None = None
    clerk_id: int | None = None
    meeting_id: int | None = None  # the meeting being moved, never a clash with itself

    def interval(self) -> tuple[int, int]:
        """Minutes after midnight (`reviewdesk.overlaps.span`: a booking with no time takes
        the whole day)."""
        return span(self.start, self.minutes)


@dataclass(frozen=True)
class Clash:
    """Another meeting holding the same chair, room or clerk at an overlapping time."""

    resource: str  # "chair", "room" or "clerk"
    other_meeting_id: int
    other_start: dt.time | None = None
    other_minutes: int = DEFAULT_MINUTES

    def message(self, other: str = "") -> str:
        """'The chair is already booked 10:00–11:30 for Siân Llewelyn's LAC review 4';
        ``other`` names the other meeting (`describe_meetings`)."""
        names = {"chair": "The chair", "room": "The room", "clerk": "The clerk"}
        when = "all day"
        if self.other_start is not None:
            begin = dt.datetime.combine(dt.date.min, self.other_start)
            end = begin + dt.timedelta(minutes=self.other_minutes)
            when = f"{begin:%H:%M}–{end:%H:%M}"
        what = other or "another meeting"
        return f"{names[self.resource]} is already booked {when} for {what}"


@dataclass(frozen=True)
class BookingWarning:
    kind: str  # "late", "non_working", "clash", "past", "hours" (or an odd start minute)
    message: str


@dataclass
class BookingCheck:
    """The outcome of checking a proposed booking; no warnings means it can go ahead."""

    due: dt.date | None
    book_by: dt.date | None
    warnings: list[BookingWarning] = field(default_factory=list)
    clashes: list[Clash] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.warnings

    def kinds(self) -> set[str]:
        return {w.kind for w in self.warnings}


def overlaps(a: Booking, b: Booking) -> bool:
    """Whether two bookings on the same day overlap in time."""
    if a.day != b.day:
        return False
    a0, a1 = a.interval()
    b0, b1 = b.interval()
    return a0 < b1 and b0 < a1


def clashes_between(proposal: Booking, others: Iterable[Booking]) -> list[Clash]:
    """Which of ``others`` hold the proposal's chair, room or clerk at an overlapping time."""
    found: list[Clash] = []
    for other in others:
        if other.meeting_id is not None and other.meeting_id == proposal.meeting_id:
            continue
        if not overlaps(proposal, other):
            continue
        for resource in ("chair", "room", "clerk"):
            mine = getattr(proposal, f"{resource}_id")
            if mine is not None and mine == getattr(other, f"{resource}_id"):
                found.append(Clash(resource, other.meeting_id or 0, other.start, other.minutes))
    return found


def double_booked(bookings: Sequence[Booking]) -> dict[int, list[Clash]]:
    """Every meeting id that shares a chair, room or clerk with an overlapping meeting.

    Bookings are grouped by day and resource and swept in start order, so a busy week of
    thousands of meetings costs a sort, not a comparison of every pair."""
    result: dict[int, list[Clash]] = {}
    for resource in ("chair", "room", "clerk"):
        groups: dict[tuple[dt.date, int], list[Booking]] = {}
        for b in bookings:
            rid = getattr(b, f"{resource}_id")
            if rid is not None and b.meeting_id is not None:
                groups.setdefault((b.day, rid), []).append(b)
        for group in groups.values():
            if len(group) < 2:
                continue
            group.sort(key=lambda b: b.interval())
            active: list[Booking] = []  # earlier bookings still running
            for b in group:
                begin, _end = b.interval()
                active = [a for a in active if a.interval()[1] > begin]
                for a in active:
                    result.setdefault(a.meeting_id, []).append(
                        Clash(resource, b.meeting_id, b.start, b.minutes)
                    )
                    result.setdefault(b.meeting_id, []).append(
                        Clash(resource, a.meeting_id, a.start, a.minutes)
                    )
                active.append(b)
    return result


def double_booked_resources(bookings: Iterable[Booking]) -> dict[int, list[str]]:
    """Which resources ("chair", "clerk", "room", in that order) each double-booked meeting
    shares with an overlapping one: what the diary marks, the same meetings and resources as
    `double_booked` without naming every clashing pair (`reviewdesk.overlaps.sweep`, as the
    dashboard's double-booking flags find them)."""
    groups: dict[tuple[str, dt.date, int], list[tuple[int, int, int]]] = {}
    for b in bookings:
        mid = b.meeting_id
        if mid is None:
            continue
        begin, end = b.interval()
        for resource, rid in (("chair", b.chair_id), ("clerk", b.clerk_id), ("room", b.room_id)):
            if rid is not None:
                groups.setdefault((resource, b.day, rid), []).append((begin, end, mid))
    found: dict[int, set[str]] = {}
    for (resource, _day, _rid), group in groups.items():
        if len(group) < 2:
            continue
        group.sort()
        for i, _count, _named in sweep([(begin, end) for begin, end, _ in group]):
            found.setdefault(group[i][2], set()).add(resource)
    return {mid: sorted(resources) for mid, resources in found.items()}


def latest_book_by(due: dt.date, calendar: Calendar) -> dt.date:
    """The latest working day on or before the due date: the day to book by."""
    return calendar.on_or_before(due)


def bookings_on(
    session: Session, days: Iterable[dt.date], *, involving: Booking | None = None
) -> list[Booking]:
    """The live bookings (booked or held) on the given days; with ``involving``, only those
    sharing its chair, room or clerk (the only ones it can clash with)."""
    days = sorted(set(days))
    if not days:
        return []
    day = func.coalesce(Meeting.held_date, Meeting.booked_date)
    stmt = select(
        Meeting.id,
        day,
        Meeting.booked_time,
        Meeting.duration_minutes,
        Meeting.chair_id,
        Meeting.room_id,
        Meeting.clerk_id,
    ).where(
        day >= days[0],
        day <= days[-1],
        Meeting.status.in_(sorted(LIVE_STATUSES)),
    )
    if involving is not None:
        shared = [
            column == value
            for column, value in (
                (Meeting.chair_id, involving.chair_id),
                (Meeting.room_id, involving.room_id),
                (Meeting.clerk_id, involving.clerk_id),
            )
            if value is not None
        ]
        if not shared:
            return []
        stmt = stmt.where(or_(*shared))
    wanted = set(days)
    return [
        Booking(
            day=d,
            start=start,
            minutes=length(minutes),
            chair_id=chair,
            room_id=room,
            clerk_id=clerk,
            meeting_id=mid,
        )
        for mid, d, start, minutes, chair, room, clerk in session.execute(stmt)
        if d in wanted
    ]


def check_booking(
    session: Session,
    proposal: Booking,
    *,
    calendar: Calendar,
    due: dt.date | None = None,
    as_of: dt.date | None = None,
) -> BookingCheck:
    """Check a proposed booking against its due date, the calendar and the other bookings."""
    book_by = latest_book_by(due, calendar) if due is not None else None
    check = BookingCheck(due=due, book_by=book_by)
    if as_of is not None and proposal.day < as_of:
        check.warnings.append(BookingWarning("past", "The date is in the past"))
    if due is not None and proposal.day > due:
        if as_of is not None and book_by is not None and book_by < as_of:
            advice = "it is already overdue: book the earliest date you can"
        else:
            advice = f"book on or before {format_uk(book_by)} to stay in timescale"
        check.warnings.append(
            BookingWarning(
                "late",
                f"The date is after the due date {format_uk(proposal.day)} > {format_uk(due)}: "
                + advice,
            )
        )
    if not calendar.is_working_day(proposal.day):
        reason = calendar.non_working_reason(proposal.day) or "not a working day"
        check.warnings.append(
            BookingWarning(
                "non_working", f"{format_uk(proposal.day)} is not a working day ({reason})"
            )
        )
    for unusual in (outside_usual_hours(proposal), odd_start(proposal)):
        if unusual:
            check.warnings.append(BookingWarning("hours", unusual))
    check.clashes = clashes_between(
        proposal, bookings_on(session, [proposal.day], involving=proposal)
    )
    names = describe_meetings(session, {c.other_meeting_id for c in check.clashes}, as_of=as_of)
    for clash in check.clashes:
        check.warnings.append(
            BookingWarning("clash", clash.message(names.get(clash.other_meeting_id, "")))
        )
    return check


def outside_usual_hours(proposal: Booking) -> str | None:
    """Why the booking's time is unusual (`USUAL_HOURS`), or None (also with no time)."""
    if proposal.start is None:
        return None
    begin = dt.datetime.combine(dt.date.min, proposal.start)
    end = begin + dt.timedelta(minutes=proposal.minutes)
    first, last = (dt.datetime.combine(dt.date.min, t) for t in USUAL_HOURS)
    if first <= begin and end <= last:
        return None
    return (
        f"The meeting is {begin:%H:%M}–{end:%H:%M}, outside the usual hours "
        f"{USUAL_HOURS[0]:%H:%M}–{USUAL_HOURS[1]:%H:%M}"
    )


def odd_start(proposal: Booking) -> str | None:
    """Why the booking's start is unusual (not on a `USUAL_START_STEP` mark), or None."""
    if proposal.start is None or proposal.start.minute % USUAL_START_STEP == 0:
        return None
    return (
        f"The meeting starts at {proposal.start:%H:%M}, not on a {USUAL_START_STEP}-minute mark: "
        "check the time"
    )


def describe_meetings(
    session: Session,
    meeting_ids: Iterable[int],
    *,
    with_day: bool = False,
    as_of: dt.date | None = None,
) -> dict[int, str]:
    """Meeting id -> "Siân Llewelyn's LAC review 4" (with ``with_day``, "... on Thu
    11/04/2024"): whose meeting, and which, the way people name it. With ``as_of``, each
    numbered as the engine counts it then (`casework.register.meeting_sequences`), as the
    weekly schedule names it; without, as typed in."""
    ids = sorted(set(meeting_ids))
    if not ids:
        return {}
    stmt = (
        select(
            Meeting.id,
            Meeting.meeting_type,
            Meeting.sequence,
            func.coalesce(Meeting.held_date, Meeting.booked_date),
            Child.first_name,
            Child.last_name,
            Child.local_id,
        )
        .join(Child, Child.id == Meeting.child_id)
        .where(Meeting.id.in_(ids))
    )
    rows = session.execute(stmt.add_columns(Meeting.child_id)).all()
    numbers = {}
    if as_of is not None:
        numbers = meeting_sequences(session, {r.child_id for r in rows}, as_of=as_of)
    found = {}
    for mid, mtype, sequence, day, first, last, local_id, _child in rows:
        number = numbers.get(mid, sequence)
        text = f"{child_name(first, last, local_id)}'s {meeting_label(mtype, number)}"
        if with_day and day is not None:
            text += f" on {format_uk_long(day)}"
        found[mid] = text
    return found


def _working_days(calendar: Calendar, start: dt.date, end: dt.date) -> list[dt.date]:
    days = []
    day = start
    while day <= end:
        if calendar.is_working_day(day):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def free_slots(
    session: Session,
    proposal: Booking,
    days: Sequence[dt.date],
    *,
    times: Sequence[dt.time] = DEFAULT_SLOT_TIMES,
    limit: int = 5,
) -> list[Booking]:
    """The first ``limit`` slots, going through ``days`` in the order given (and ``times``
    in order within a day), where the proposal's chair, room and clerk are all free."""
    taken = bookings_on(session, days, involving=proposal)
    free: list[Booking] = []
    for d in days:
        for t in times:
            candidate = Booking(
                day=d,
                start=t,
                minutes=proposal.minutes,
                chair_id=proposal.chair_id,
                room_id=proposal.room_id,
                clerk_id=proposal.clerk_id,
                meeting_id=proposal.meeting_id,
            )
            if not clashes_between(candidate, taken):
                free.append(candidate)
                if len(free) >= limit:
                    return free
    return free


def next_free_slots(
    session: Session,
    proposal: Booking,
    *,
    calendar: Calendar,
    start: dt.date,
    deadline: dt.date,
    times: Sequence[dt.time] = DEFAULT_SLOT_TIMES,
    limit: int = 5,
) -> list[Booking]:
    """The first ``limit`` working-day slots from ``start`` to ``deadline`` where the proposal's
    chair, room and clerk are all free. Empty when none is free in time."""
    return free_slots(
        session, proposal, _working_days(calendar, start, deadline), times=times, limit=limit
    )


#: How far ahead an overdue meeting's earliest free slots are looked for (working days).
OVERDUE_HORIZON_DAYS = 60


@dataclass(frozen=True)
class Suggestion:
    """Free slots to offer for a booking, in date order, and the one to start from."""

    slots: tuple[Booking, ...]
    #: True when the book-by date has passed: the slots are the earliest free ones instead.
    overdue: bool
    book_by: dt.date | None

    @property
    def best(self) -> Booking | None:
        """The slot the date box starts on: the closest before the book-by date (the
        earliest when overdue or when there is no due date)."""
        if not self.slots:
            return None
        if self.overdue or self.book_by is None:
            return self.slots[0]
        latest = self.slots[-1].day
        return next(b for b in self.slots if b.day == latest)


def suggest_slots(
    session: Session,
    proposal: Booking,
    *,
    calendar: Calendar,
    as_of: dt.date,
    book_by: dt.date | None,
    times: Sequence[dt.time] = DEFAULT_SLOT_TIMES,
    limit: int = 5,
) -> Suggestion:
    """The free slots a booking is offered: the ``limit`` closest before the book-by date
    (a review due in five months is booked near its due date, not tomorrow); when the
    book-by date has passed (or there is none), the earliest free ones from the next working
    day. Slots start the working day after ``as_of``."""
    first = calendar.on_or_after(as_of + dt.timedelta(days=1))
    if book_by is not None and book_by >= first:
        days = list(reversed(_working_days(calendar, first, book_by)))
        found = free_slots(session, proposal, days, times=times, limit=limit)
        # Closest first within a day too: the latest time of the last free day.
        found.sort(key=lambda b: (b.day, b.start or dt.time.min))
        return Suggestion(tuple(found), False, book_by)
    horizon = first
    for _ in range(OVERDUE_HORIZON_DAYS):
        horizon = calendar.on_or_after(horizon + dt.timedelta(days=1))
    found = free_slots(
        session, proposal, _working_days(calendar, first, horizon), times=times, limit=limit
    )
    return Suggestion(tuple(found), book_by is not None, book_by)


# --- what a new booking is for --------------------------------------------------------------


def open_period(detail: ChildDetail, as_of: dt.date) -> PeriodInfo | None:
    """The child's period of care open on ``as_of`` (`vocabulary.open_on`), if any."""
    return next((p for p in reversed(detail.periods) if open_on(p.start, p.end, as_of)), None)


def open_plan(detail: ChildDetail, as_of: dt.date) -> PlanInfo | None:
    """The child's CP plan in force on ``as_of`` (`vocabulary.open_on`), if any."""
    return next((p for p in reversed(detail.plans) if open_on(p.start, p.end, as_of)), None)


def bookable_types(detail: ChildDetail, on: dt.date) -> tuple[MeetingType, ...]:
    """The meetings a new booking for the child on ``on`` can be for: a LAC review while a
    period of care covers the day; review conferences while a CP plan does; an initial
    conference only while an s47 enquiry (or a transfer-in) awaits one (started, not closed,
    not recorded as needing none, no plan made from it). A closed case can book nothing."""
    types: list[MeetingType] = []
    if any(covers(p.start, p.end, on) for p in detail.periods):
        types.append(MeetingType.LAC_REVIEW)
    planned = {p.enquiry_id for p in detail.plans if p.enquiry_id is not None}
    awaiting = [
        e
        for e in detail.enquiries
        if not e.icpc_not_required
        and e.id not in planned
        and (e.closed_date is None or e.closed_date > on)
        and (e.strategy_date or e.notified_date) is not None
    ]
    if any(e.route == "transfer_in" for e in awaiting):
        types.append(MeetingType.ICPC_TRANSFER_IN)
    if any(e.route != "transfer_in" for e in awaiting):
        unborn = detail.dob is None and detail.expected_delivery is not None
        types.append(MeetingType.ICPC_PREBIRTH if unborn else MeetingType.ICPC)
        types.append(MeetingType.ICPC_RECONVENED)
    if any(covers(p.start, p.end, on) for p in detail.plans):
        types += [MeetingType.RCPC_FIRST, MeetingType.RCPC_SUBSEQUENT]
    return tuple(types)


def next_meeting_type(dues: Sequence[MeetingDue] | None) -> MeetingType:
    """The meeting a new booking for the child is most likely for: the next one the engine
    says is due (the earliest not yet booked, else the earliest), or an initial conference
    when nothing is due (no open case: a new enquiry)."""
    upcoming = [d for d in dues or () if d.held is None]
    unbooked = [d for d in upcoming if d.meeting_id is None]
    chosen = min(unbooked or upcoming, key=lambda d: d.due, default=None)
    if chosen is None:
        return MeetingType.ICPC
    try:
        return MeetingType(chosen.meeting_type)
    except ValueError:
        return MeetingType.ICPC


def default_chair(detail: ChildDetail, as_of: dt.date, meeting_type: MeetingType) -> int | None:
    """Who chairs a new meeting of this type by default: the IRO of the open period of care
    for a LAC review, the chair of the plan in force for a CP conference (else the other)."""
    period, plan = open_period(detail, as_of), open_plan(detail, as_of)
    iro = period.iro_id if period is not None else None
    chair = plan.chair_id if plan is not None else None
    if meeting_type.process is Process.LAC:
        return iro or chair
    return chair or iro


#: Whose role chairs each process's meetings: IROs chair LAC reviews, CP chairs CP
#: conferences (docs/domain.md, "Who uses it": IROs chair LAC reviews and, in many councils,
#: every CP conference too).
_CHAIR_ROLE = {Process.LAC: StaffRole.IRO.value, Process.CP: StaffRole.CP_CHAIR.value}


def eligible_chairs(session: Session, meeting_type: MeetingType) -> list[int]:
    """The active staff who chair meetings of this type: those in its process's chairing
    role (`_CHAIR_ROLE`), or, where the council has no one in that role (its IROs chair
    every CP conference), every IRO and CP chair."""
    roles = (StaffRole.IRO.value, StaffRole.CP_CHAIR.value)
    stmt = select(Staff.id, Staff.role).where(Staff.active.is_(True), Staff.role.in_(roles))
    staff = list(session.execute(stmt))
    own = [i for i, role in staff if role == _CHAIR_ROLE[meeting_type.process]]
    return own or [i for i, _role in staff]


def proposed_chair(
    session: Session, detail: ChildDetail, as_of: dt.date, meeting_type: MeetingType
) -> int | None:
    """Who the booking form proposes to chair a new meeting: the child's own
    (`default_chair`), else the only person who chairs meetings of this type (the only CP
    chair, say), else no one: with several, the choice is the clerk's."""
    chair = default_chair(detail, as_of, meeting_type)
    if chair is not None:
        return chair
    eligible = eligible_chairs(session, meeting_type)
    return eligible[0] if len(eligible) == 1 else None


def booking_links(
    detail: ChildDetail, as_of: dt.date, meeting_type: MeetingType
) -> tuple[int | None, int | None]:
    """(period id, plan id) a new meeting of this type belongs to: the period of care open on
    ``as_of`` for a LAC review, the plan in force for a CP conference."""
    if meeting_type.process is Process.LAC:
        period = open_period(detail, as_of)
        return (period.id if period is not None else None), None
    plan = open_plan(detail, as_of)
    return None, (plan.id if plan is not None else None)
