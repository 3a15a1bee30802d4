"""Writing meetings: book, reschedule, cancel and record what happened. Each call is one
transaction inside the caller's session; bad input raises ``InvalidInput`` naming the field."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from reviewdesk.codes import PARTICIPATION, MeetingStatus, MeetingType
from reviewdesk.errors import InvalidInput
from reviewdesk.scheduling import Booking
from reviewdesk.storage.locking import ensure_unchanged
from reviewdesk.storage.models import Child, LateReason, Meeting, MeetingPart, Report


def _touch(session: Session, row: Meeting) -> None:
    row.updated_by = session.info.get("username")
    row.updated_at = dt.datetime.now(dt.UTC)


def _get(session: Session, meeting_id: int, expected_version: int | None = None) -> Meeting:
    """The meeting; with ``expected_version`` (the version a form opened), refuse to save
    over a change someone else made since (``ConcurrentChange``, naming who and when)."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise InvalidInput(f"meeting {meeting_id} does not exist")
    if expected_version is not None:
        ensure_unchanged(meeting, expected_version)
    return meeting


def _place(meeting: Meeting, booking: Booking) -> None:
    meeting.booked_date = booking.day
    meeting.booked_time = booking.start
    meeting.duration_minutes = booking.minutes
    meeting.chair_id = booking.chair_id
    meeting.room_id = booking.room_id
    meeting.clerk_id = booking.clerk_id


def book_meeting(
    session: Session,
    child_id: int,
    meeting_type: MeetingType | str,
    booking: Booking,
    *,
    sequence: int | None = None,
    period_id: int | None = None,
    plan_id: int | None = None,
    enquiry_id: int | None = None,
) -> Meeting:
    """Book a new meeting for a child; returns the (flushed) row."""
    try:
        mtype = MeetingType(meeting_type)
    except ValueError:
        raise InvalidInput(f"meeting type: unknown value {meeting_type!r}") from None
    if session.get(Child, child_id) is None:
        raise InvalidInput(f"child {child_id} does not exist")
    if sequence is None:
        sequence = (
            sum(
                1
                for m in session.get(Child, child_id).meetings
                if m.meeting_type == mtype.value and m.status == MeetingStatus.HELD.value
            )
            + 1
        )
    meeting = Meeting(
        child_id=child_id,
        process=mtype.process.value,
        meeting_type=mtype.value,
        sequence=sequence,
        period_id=period_id,
        plan_id=plan_id,
        enquiry_id=enquiry_id,
        status=MeetingStatus.BOOKED.value,
    )
    _place(meeting, booking)
    _touch(session, meeting)
    session.add(meeting)
    session.flush()
    return meeting


def reschedule_meeting(
    session: Session,
    meeting_id: int,
    booking: Booking,
    reason: str,
    *,
    expected_version: int | None = None,
) -> Meeting:
    """Move a booked meeting; the reason is kept in the meeting's notes with the old date."""
    if not reason.strip():
        raise InvalidInput("reason: give a reason for rescheduling")
    meeting = _get(session, meeting_id, expected_version)
    if meeting.status != MeetingStatus.BOOKED.value:
        raise InvalidInput(f"meeting {meeting_id} is {meeting.status}, not booked")
    old = meeting.booked_date.strftime("%d/%m/%Y") if meeting.booked_date else "no date"
    line = f"Rescheduled from {old} to {booking.day:%d/%m/%Y}: {reason.strip()}"
    meeting.notes = f"{meeting.notes}\n{line}" if meeting.notes else line
    _place(meeting, booking)
    _touch(session, meeting)
    session.flush()
    return meeting


def cancel_meeting(
    session: Session, meeting_id: int, reason: str, *, expected_version: int | None = None
) -> Meeting:
    if not reason.strip():
        raise InvalidInput("reason: give a reason for cancelling")
    meeting = _get(session, meeting_id, expected_version)
    if meeting.status == MeetingStatus.HELD.value:
        raise InvalidInput(f"meeting {meeting_id} has been held and cannot be cancelled")
    meeting.status = MeetingStatus.CANCELLED.value
    meeting.cancel_reason = reason.strip()
    _touch(session, meeting)
    session.flush()
    return meeting


@dataclass
class ReportUpdate:
    report_id: int
    received: dt.date | None
    shared_with_parents: dt.date | None


@dataclass
class Outcome:
    """What happened at a meeting. ``parts`` lists every sitting's date (one for most)."""

    parts: list[dt.date]
    participation: str | None = None
    quorate: bool | None = None
    outcome: str | None = None
    late_reason_id: int | None = None
    late_reason_note: str | None = None
    decisions_issued: dt.date | None = None
    minutes_distributed: dt.date | None = None
    decisions: str | None = None
    reports: list[ReportUpdate] = field(default_factory=list)


def _age_on(dob: dt.date, day: dt.date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def validate_outcome(
    meeting: Meeting, outcome: Outcome, *, late: bool, as_of: dt.date | None = None
) -> None:
    """Raise InvalidInput for an outcome that cannot be right."""
    if not outcome.parts:
        raise InvalidInput("held date: give the date the meeting was held")
    held = max(outcome.parts)
    if as_of is not None and held > as_of:
        raise InvalidInput(f"held date: {held:%d/%m/%Y} is in the future")
    if outcome.participation is not None:
        if outcome.participation not in PARTICIPATION:
            raise InvalidInput(f"participation: unknown code {outcome.participation!r}")
        dob = meeting.child.dob if meeting.child else None
        if dob is not None and meeting.process == "lac":
            under4 = _age_on(dob, held) < 4
            if under4 and outcome.participation != "PN0":
                raise InvalidInput("participation: the child was under 4, so the code is PN0")
            if not under4 and outcome.participation == "PN0":
                raise InvalidInput("participation: PN0 is only for a child under 4")
    if late and outcome.late_reason_id is None:
        raise InvalidInput("reason: the meeting was out of timescale, so give the reason")
    for label, value in (
        ("decisions issued", outcome.decisions_issued),
        ("minutes issued", outcome.minutes_distributed),
    ):
        if value is not None and value < held:
            raise InvalidInput(f"{label}: {value:%d/%m/%Y} is before the meeting was held")


def record_outcome(
    session: Session,
    meeting_id: int,
    outcome: Outcome,
    *,
    late: bool = False,
    as_of: dt.date | None = None,
    expected_version: int | None = None,
) -> Meeting:
    """Record a meeting as held (in one or more parts) with its outcome and reports.
    A held date after ``as_of`` (default today) is refused."""
    meeting = _get(session, meeting_id, expected_version)
    validate_outcome(meeting, outcome, late=late, as_of=as_of or dt.date.today())
    if (
        outcome.late_reason_id is not None
        and session.get(LateReason, outcome.late_reason_id) is None
    ):
        raise InvalidInput(f"reason: unknown late reason {outcome.late_reason_id}")
    parts = sorted(outcome.parts)
    meeting.parts.clear()
    session.flush()
    if len(parts) > 1:
        for no, day in enumerate(parts, start=1):
            meeting.parts.append(MeetingPart(part_no=no, held_date=day))
    meeting.held_date = parts[-1]
    meeting.status = MeetingStatus.HELD.value
    meeting.participation = outcome.participation
    meeting.quorate = outcome.quorate
    meeting.outcome = outcome.outcome
    meeting.late_reason_id = outcome.late_reason_id if late else None
    meeting.late_reason_note = outcome.late_reason_note if late else None
    meeting.decisions_issued = outcome.decisions_issued
    meeting.minutes_distributed = outcome.minutes_distributed
    if outcome.decisions is not None:
        meeting.decisions = outcome.decisions
    for update in outcome.reports:
        report = session.get(Report, update.report_id)
        if report is None or report.meeting_id != meeting.id:
            raise InvalidInput(f"report {update.report_id} is not one of this meeting's reports")
        report.received = update.received
        report.shared_with_parents = update.shared_with_parents
    _touch(session, meeting)
    session.flush()
    return meeting
