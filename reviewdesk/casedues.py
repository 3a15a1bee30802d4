"""A child's due dates as lines for the case page and the booking and recording dialogs.

The record is read and mapped to the engine by `reviewdesk.casework` (a `Register` of the
child, `Register.with_held`): the same mapping flags, the case list, exports and measures
use, so a due date on the child's page is always the one they report. This module only turns
casework's answers into `MeetingDue` lines tied to meeting ids: one per meeting held, and
one per next meeting due (a child on a plan with a new s47 enquiry has two: the conference
and the plan's review). What the data cannot judge (a return not imported) is a
`NotJudged` line saying why, never a guessed date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from reviewdesk.casework.mapping import CaseStatus, MeetingTimeliness
from reviewdesk.casework.register import Register
from reviewdesk.codes import MeetingStatus, Process
from reviewdesk.engine import DueDate, NextMeeting
from reviewdesk.rules import RuleSet
from reviewdesk.storage.models import Meeting
from reviewdesk.vocabulary import is_held, meeting_label
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


def _line(
    process: str,
    meeting_type: str,
    sequence: int,
    due: DueDate,
    **tied: Any,
) -> MeetingDue:
    return MeetingDue(
        label=meeting_label(meeting_type, sequence),
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


@dataclass(frozen=True)
class NotJudged:
    """What the data cannot judge: a meeting held whose timeliness it cannot give
    (``meeting_id`` and ``held`` set), or an open case whose next meeting it cannot date
    (neither set); and why ("previous conference not in the data (...)")."""

    label: str
    process: str
    meeting_type: str
    reason: str
    meeting_id: int | None = None
    held: dt.date | None = None


def _next_line(
    status: CaseStatus, process: str, meetings: list[Any], nxt: NextMeeting
) -> MeetingDue:
    """A next meeting due in ``process``, tied to the earliest meeting booked for it (for
    its own plan, enquiry or period when the child has several due)."""
    several = len(status.nexts_for(process)) > 1
    booked = [
        m
        for m in meetings
        if m.process == process
        and m.status == _BOOKED
        and m.id in status.meetings
        and (not several or status.meetings[m.id].episode == nxt.record_index)
    ]
    first = min(booked, key=lambda m: (m.booked_date or dt.date.max, m.id), default=None)
    return _line(
        process,
        nxt.meeting_type,
        nxt.sequence or 0,
        nxt.due,
        meeting_id=first.id if first is not None else None,
        overdue=nxt.overdue,
    )


def _child_meetings(register: Register, child_id: int) -> list[Any]:
    return [m for m in register.meetings if m.child_id == child_id]


def _lines(status: CaseStatus, meetings: list[Any], as_of: dt.date) -> list[MeetingDue]:
    """Every meeting held, assessed, then every next one due; by due date."""
    lines = []
    for m in meetings:
        t = status.meetings.get(m.id)
        # Held on or before the as-of date, as casework counts it (later: still to come).
        if t is not None and is_held(m.status, m.held_date, as_of):
            lines.append(_held_line(m, t))
    for p in _PROCESSES:
        lines.extend(_next_line(status, p, meetings, nxt) for nxt in status.nexts_for(p))
    return sorted(lines, key=lambda d: d.due)


def _not_judged(status: CaseStatus, meetings: list[Any], as_of: dt.date) -> list[NotJudged]:
    """The meetings held the data cannot judge, then the next meetings it cannot date."""
    out = []
    for m in meetings:
        why = status.unknown.get(m.id)
        if why is not None and is_held(m.status, m.held_date, as_of):
            label = meeting_label(m.meeting_type, None)
            out.append(NotJudged(label, m.process, m.meeting_type, why, m.id, m.held_date))
    out.sort(key=lambda n: n.held or dt.date.max)
    for p in _PROCESSES:
        for u in status.undetermined_for(p):
            label = f"Next {meeting_label(u.meeting_type, None)}"
            out.append(NotJudged(label, p, u.meeting_type, u.reason))
    return out


def children_not_judged(
    register: Register, child_ids: Iterable[int] | None = None
) -> dict[int, list[NotJudged]]:
    """Child id -> what the data cannot judge for the child (`NotJudged`), from a register
    of the whole history, for every child in it or those named."""
    statuses = register.statuses
    wanted = statuses.keys() if child_ids is None else set(child_ids)
    meetings_by: dict[int, list[Any]] = {cid: [] for cid in wanted}
    for m in register.meetings:
        if m.child_id in meetings_by:
            meetings_by[m.child_id].append(m)
    return {
        cid: _not_judged(statuses[cid], meetings, register.as_of) if cid in statuses else []
        for cid, meetings in meetings_by.items()
    }


def children_dues(
    register: Register, child_ids: Iterable[int] | None = None
) -> dict[int, list[MeetingDue]]:
    """Child id -> the lines of `child_dues`, from a register of the whole history (no
    ``recent_since``), for every child in it or those named (ids with no status get no
    lines)."""
    statuses = register.statuses
    wanted = statuses.keys() if child_ids is None else set(child_ids)
    meetings_by: dict[int, list[Any]] = {cid: [] for cid in wanted}
    for m in register.meetings:
        if m.child_id in meetings_by:
            meetings_by[m.child_id].append(m)
    out: dict[int, list[MeetingDue]] = {}
    for cid, meetings in meetings_by.items():
        status = statuses.get(cid)
        out[cid] = [] if status is None else _lines(status, meetings, register.as_of)
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
    register = Register(session, as_of=as_of, children=[child_id], rules=rules, calendar=calendar)
    return children_dues(register, [child_id])[child_id]


def child_due_report(
    session: Session,
    child_id: int,
    *,
    rules: RuleSet,
    calendar: WorkingCalendar,
    as_of: dt.date,
) -> tuple[list[MeetingDue], list[NotJudged]]:
    """`child_dues`, and what the data cannot judge for the child (`NotJudged`), from one
    reading of the child's record."""
    register = Register(session, as_of=as_of, children=[child_id], rules=rules, calendar=calendar)
    return (
        children_dues(register, [child_id])[child_id],
        children_not_judged(register, [child_id])[child_id],
    )


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
    register = Register(session, as_of=held, children=[child_id], rules=rules, calendar=calendar)
    register = register.with_held({meeting_id: held})
    status = register.statuses.get(child_id)
    if status is None:
        return None
    nexts = status.nexts_for(process)
    if not nexts:
        return None
    # The next of the same plan, enquiry or period as the meeting held, else the earliest.
    t = status.meetings.get(meeting_id)
    nxt = next((n for n in nexts if t is not None and n.record_index == t.episode), nexts[0])
    return _next_line(status, process, _child_meetings(register, child_id), nxt)
