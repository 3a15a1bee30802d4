"""A child's due dates as lines for the case page and the booking and recording dialogs.

The record is read and mapped to the engine by `reviewdesk.casework` (`load_children_data`,
`with_held`): the same mapping flags, the case list, exports and measures use, so a due date
on the child's page is always the one they report. This module only turns casework's answers
into `MeetingDue` lines tied to meeting ids.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from reviewdesk.casework import (
    CaseData,
    CaseStatus,
    MeetingTimeliness,
    load_children_data,
    with_held,
)
from reviewdesk.codes import MeetingStatus, MeetingType, Process
from reviewdesk.engine import DueDate
from reviewdesk.rules import RuleSet
from reviewdesk.storage.models import Meeting
from reviewdesk.workingdays import WorkingCalendar

_HELD = MeetingStatus.HELD.value
_BOOKED = MeetingStatus.BOOKED.value
_PROCESSES = (Process.LAC.value, Process.CP.value)


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


def _line(
    process: str,
    meeting_type: str,
    sequence: int,
    due: DueDate,
    **tied: Any,
) -> MeetingDue:
    return MeetingDue(
        label=_label(meeting_type, sequence),
        process=process,
        meeting_type=meeting_type,
        sequence=sequence,
        due=due.date,
        book_by=due.book_by,
        explanation=due.explanation.full_text(),
        **tied,
    )


def _held_line(m: Any, t: MeetingTimeliness) -> MeetingDue:
    """A meeting held, assessed against its due date (as casework assessed it)."""
    return _line(
        m.process,
        m.meeting_type,
        t.sequence or 0,
        t.due,
        meeting_id=m.id,
        held=m.held_date,
        in_timescale=t.in_timescale,
    )


def _next_line(status: CaseStatus, process: str, meetings: list[Any]) -> MeetingDue | None:
    """The next meeting due in ``process``, tied to the earliest meeting booked for it."""
    nxt = status.next_for(process)
    if nxt is None:
        return None
    booked = [
        m
        for m in meetings
        if m.process == process and m.status == _BOOKED and m.id in status.meetings
    ]
    first = min(booked, key=lambda m: (m.booked_date or dt.date.max, m.id), default=None)
    return _line(
        process,
        nxt.meeting_type,
        nxt.sequence,
        nxt.due,
        meeting_id=first.id if first is not None else None,
        overdue=nxt.overdue,
    )


def _child_meetings(data: CaseData, child_id: int) -> list[Any]:
    return [m for m in data.meetings if m.child_id == child_id]


def _lines(status: CaseStatus, meetings: list[Any], as_of: dt.date) -> list[MeetingDue]:
    """Every meeting held, assessed, then the next due per process; by due date."""
    lines = []
    for m in meetings:
        t = status.meetings.get(m.id)
        # Held on or before the as-of date, as casework counts it (later: still to come).
        if t is not None and m.status == _HELD and m.held_date and m.held_date <= as_of:
            lines.append(_held_line(m, t))
    lines.extend(n for p in _PROCESSES if (n := _next_line(status, p, meetings)) is not None)
    return sorted(lines, key=lambda d: d.due)


def children_dues(
    data: CaseData, child_ids: Iterable[int] | None = None
) -> dict[int, list[MeetingDue]]:
    """Child id -> the lines of `child_dues`, from data casework has read with the whole
    history (`load_case_data` without ``held_since``, or `load_children_data`), for every
    child in ``data`` or those named (ids with no status get no lines)."""
    wanted = data.statuses.keys() if child_ids is None else set(child_ids)
    meetings_by: dict[int, list[Any]] = {cid: [] for cid in wanted}
    for m in data.meetings:
        if m.child_id in meetings_by:
            meetings_by[m.child_id].append(m)
    out: dict[int, list[MeetingDue]] = {}
    for cid, meetings in meetings_by.items():
        status = data.statuses.get(cid)
        out[cid] = [] if status is None else _lines(status, meetings, data.as_of)
    return out


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
    data = load_children_data(session, [child_id], as_of=as_of, rules=rules, calendar=calendar)
    return children_dues(data, [child_id])[child_id]


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
    found = session.execute(
        select(Meeting.child_id, Meeting.process).where(Meeting.id == meeting_id)
    ).first()
    if found is None:
        return None
    child_id, process = found
    # As things stand on the held date itself: later meetings are left out, so an older
    # meeting shows the due date that followed it, not today's.
    data = load_children_data(session, [child_id], as_of=held, rules=rules, calendar=calendar)
    data = with_held(data, {meeting_id: held}, as_of=held)
    status = data.statuses.get(child_id)
    if status is None:
        return None
    return _next_line(status, process, _child_meetings(data, child_id))
