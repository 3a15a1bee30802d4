"""A child's due dates from their record: the database history turned into the engine's
inputs, and the engine's answers tied back to the meetings they concern.

The case page and the booking and recording dialogs use this; the engine itself stays pure.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from reviewdesk.codes import INITIAL_CONFERENCES, MeetingStatus, MeetingType
from reviewdesk.engine import (
    CpEpisodeInput,
    DueDate,
    NextMeeting,
    PeriodInput,
    cp_schedule,
    lac_schedule,
)
from reviewdesk.rules import RuleSet
from reviewdesk.storage.models import Child, Meeting
from reviewdesk.workingdays import WorkingCalendar


@dataclass(frozen=True)
class MeetingDue:
    """One meeting's due date: for a meeting held, booked, or not yet booked at all."""

    label: str
    process: str
    meeting_type: str
    sequence: int
    due: dt.date
    book_by: dt.date
    explanation: str
    meeting_id: int | None = None
    held: dt.date | None = None
    in_timescale: bool | None = None  # None until held
    overdue: bool = False


def _label(meeting_type: str, sequence: int) -> str:
    try:
        mt = MeetingType(meeting_type)
    except ValueError:
        return meeting_type
    if mt is MeetingType.LAC_REVIEW:
        return f"LAC review {sequence}"
    return f"{mt.label} conference"


def _explain(due: DueDate) -> str:
    return due.explanation.full_text()


def _held_due(
    process: str,
    meeting_type: str,
    sequence: int,
    due: DueDate,
    meeting: Meeting | None,
    held: dt.date,
    in_timescale: bool | None,
) -> MeetingDue:
    """The due-date line for a meeting the engine saw as held."""
    return MeetingDue(
        label=_label(meeting_type, sequence),
        process=process,
        meeting_type=meeting_type,
        sequence=sequence,
        due=due.date,
        book_by=due.book_by,
        explanation=_explain(due),
        meeting_id=meeting.id if meeting else None,
        held=held,
        in_timescale=in_timescale,
    )


def _held(m: Meeting, overrides: dict[int, dt.date]) -> dt.date | None:
    if m.id in overrides:
        return overrides[m.id]
    return m.held_date if m.status == MeetingStatus.HELD.value else None


def _lac_inputs(child: Child) -> list[PeriodInput]:
    out = []
    for p in child.periods:
        status = p.episodes[0].legal_status if p.episodes else None
        out.append(PeriodInput(start=p.start, end=p.end_date, legal_status=status))
    return out


def _cp_inputs(child: Child, held: dict[int, dt.date | None]) -> list[CpEpisodeInput]:
    meetings = [m for m in child.meetings if m.process == "cp"]
    episodes: list[CpEpisodeInput] = []
    used_plans: set[int] = set()
    for e in child.enquiries:
        plan = next((p for p in child.plans if p.enquiry_id == e.id), None)
        initial = next(
            (
                m
                for m in meetings
                if MeetingType(m.meeting_type) in INITIAL_CONFERENCES
                and held.get(m.id)
                and (m.enquiry_id == e.id or (plan is not None and m.plan_id == plan.id))
            ),
            None,
        )
        reviews: tuple[dt.date, ...] = ()
        if plan is not None:
            used_plans.add(plan.id)
            reviews = tuple(
                sorted(
                    held[m.id]
                    for m in meetings
                    if m.plan_id == plan.id
                    and held.get(m.id)
                    and MeetingType(m.meeting_type) not in INITIAL_CONFERENCES
                )
            )
        episodes.append(
            CpEpisodeInput(
                route=e.route,
                strategy_date=e.strategy_date,
                notified_date=e.notified_date,
                prebirth=child.dob is None and child.expected_delivery is not None,
                expected_delivery=child.expected_delivery,
                initial_held=held.get(initial.id) if initial else None,
                initial_type=initial.meeting_type if initial else None,
                icpc_not_required=e.icpc_not_required,
                closed=e.closed_date,
                plan_start=plan.start if plan else None,
                plan_end=plan.end_date if plan else None,
                reviews_held=reviews,
            )
        )
    for plan in child.plans:  # plans with no enquiry recorded (e.g. imported)
        if plan.id in used_plans:
            continue
        reviews = tuple(
            sorted(
                held[m.id]
                for m in meetings
                if m.plan_id == plan.id
                and held.get(m.id)
                and MeetingType(m.meeting_type) not in INITIAL_CONFERENCES
            )
        )
        episodes.append(
            CpEpisodeInput(plan_start=plan.start, plan_end=plan.end_date, reviews_held=reviews)
        )
    return episodes


def _booked_for(child: Child, process: str) -> Meeting | None:
    booked = [
        m for m in child.meetings if m.process == process and m.status == MeetingStatus.BOOKED.value
    ]
    return min(booked, key=lambda m: (m.booked_date or dt.date.max, m.id)) if booked else None


def _next(nm: NextMeeting, process: str, booked: Meeting | None) -> MeetingDue:
    return MeetingDue(
        label=_label(nm.meeting_type, nm.sequence),
        process=process,
        meeting_type=nm.meeting_type,
        sequence=nm.sequence,
        due=nm.due.date,
        book_by=nm.due.book_by,
        explanation=_explain(nm.due),
        meeting_id=booked.id if booked is not None else None,
        overdue=nm.overdue,
    )


def _assess(
    child: Child,
    *,
    rules: RuleSet,
    calendar: WorkingCalendar,
    as_of: dt.date,
    held_override: dict[int, dt.date] | None = None,
) -> tuple[list[MeetingDue], dict[str, MeetingDue | None]]:
    overrides = held_override or {}
    held = {m.id: _held(m, overrides) for m in child.meetings}
    dues: list[MeetingDue] = []
    nexts: dict[str, MeetingDue | None] = {"lac": None, "cp": None}

    lac_meetings = [m for m in child.meetings if m.process == "lac" and held.get(m.id)]
    if child.periods:
        schedule = lac_schedule(
            _lac_inputs(child),
            [held[m.id] for m in lac_meetings],
            rules=rules,
            calendar=calendar,
            as_of=as_of,
        )
        unmatched = list(lac_meetings)
        for r in schedule.reviews:
            meeting = next((m for m in unmatched if held[m.id] == r.held), None)
            if meeting is not None:
                unmatched.remove(meeting)
            dues.append(
                _held_due(
                    "lac",
                    MeetingType.LAC_REVIEW.value,
                    r.sequence,
                    r.due,
                    meeting,
                    r.held,
                    r.in_timescale,
                )
            )
        if schedule.next_due is not None:
            nexts["lac"] = _next(schedule.next_due, "lac", _booked_for(child, "lac"))

    if child.enquiries or child.plans:
        schedule = cp_schedule(_cp_inputs(child, held), rules=rules, calendar=calendar, as_of=as_of)
        cp_meetings = [m for m in child.meetings if m.process == "cp" and held.get(m.id)]
        for c in schedule.conferences:
            meeting = next((m for m in cp_meetings if held[m.id] == c.held), None)
            if meeting is not None:
                cp_meetings.remove(meeting)
            if c.due is None:
                continue
            dues.append(
                _held_due("cp", c.meeting_type, c.sequence, c.due, meeting, c.held, c.in_timescale)
            )
        if schedule.next_due is not None:
            nexts["cp"] = _next(schedule.next_due, "cp", _booked_for(child, "cp"))
    return dues, nexts


def child_dues(
    session: Session,
    child_id: int,
    *,
    rules: RuleSet,
    calendar: WorkingCalendar,
    as_of: dt.date,
) -> list[MeetingDue]:
    """Every meeting held, assessed against its due date, then the next due per process
    (tied to the meeting booked for it, if any); oldest first."""
    child = session.get(Child, child_id)
    if child is None:
        return []
    dues, nexts = _assess(child, rules=rules, calendar=calendar, as_of=as_of)
    dues.extend(n for n in nexts.values() if n is not None)
    return sorted(dues, key=lambda d: d.due)


def next_due_if_held(
    session: Session,
    meeting_id: int,
    held: dt.date,
    *,
    rules: RuleSet,
    calendar: WorkingCalendar,
    as_of: dt.date,
) -> MeetingDue | None:
    """The due date of the meeting that follows ``meeting_id`` if it were held on ``held``
    (nothing saved). ``as_of`` is kept for the callers' symmetry; the answer is as of
    ``held``."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        return None
    _dues, nexts = _assess(
        meeting.child,
        rules=rules,
        calendar=calendar,
        # As things stand on the held date itself: later meetings are left out, so an older
        # meeting shows the due date that followed it, not today's.
        as_of=held,
        held_override={meeting_id: held},
    )
    return nexts.get(meeting.process)
