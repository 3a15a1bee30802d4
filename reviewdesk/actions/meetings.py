"""Meetings: book, reschedule, cancel, record what happened, and a report's dates.

Administrators do all of it; an IRO records the outcome (and the reports) of meetings they
chair. Every edit names the version it was built on, so a save over someone else's newer
change is refused saying who made it and when. Bad input raises `InvalidInput` naming the
field.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from reviewdesk.actions.base import Actor, Changes, Permission, Transaction, action, door
from reviewdesk.actions.text import fits
from reviewdesk.casework.register import Register
from reviewdesk.codes import (
    CP_CATEGORY,
    INITIAL_CONFERENCES,
    MEETING_OUTCOMES,
    PARTICIPATION,
    MeetingStatus,
    MeetingType,
    Process,
)
from reviewdesk.errors import InvalidInput
from reviewdesk.oversight.words import ends_plan, starts_plan
from reviewdesk.queries import child_detail
from reviewdesk.scheduling import Booking, bookable_types
from reviewdesk.storage.audit import session_now
from reviewdesk.storage.db import Database
from reviewdesk.storage.locking import ensure_unchanged, local_time
from reviewdesk.storage.models import (
    Child,
    CpPlan,
    LateReason,
    Meeting,
    MeetingMove,
    MeetingPart,
    Report,
)
from reviewdesk.vocabulary import age_on, covers, format_uk

_INITIAL_TYPES = frozenset(t.value for t in INITIAL_CONFERENCES)


def _meeting(session: Session, meeting_id: int, expected_version: int) -> Meeting:
    """The meeting, refused (`ConcurrentChange`, naming who and when) if it changed since
    the version the form was built on."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise InvalidInput(f"meeting {meeting_id} does not exist")
    ensure_unchanged(meeting, expected_version)
    return meeting


def _place(meeting: Meeting, booking: Booking) -> None:
    meeting.booked_date = booking.day
    meeting.booked_time = booking.start
    meeting.duration_minutes = booking.minutes
    meeting.chair_id = booking.chair_id
    meeting.room_id = booking.room_id
    meeting.clerk_id = booking.clerk_id


@action("book_meeting", "book a meeting", Permission.BOOK_MEETING)
def book_meeting(
    db: Database,
    actor: Actor,
    child_id: int,
    meeting_type: MeetingType | str,
    booking: Booking,
    *,
    sequence: int | None = None,
    period_id: int | None = None,
    plan_id: int | None = None,
    enquiry_id: int | None = None,
) -> Changes:
    """Book a new meeting for a child; the result is the new meeting's id."""
    try:
        mtype = MeetingType(meeting_type)
    except ValueError:
        raise InvalidInput(f"meeting type: unknown value {meeting_type!r}") from None
    with door(db, actor, "book_meeting") as tx:
        child = tx.session.get(Child, child_id)
        if child is None:
            raise InvalidInput(f"child {child_id} does not exist")
        _check_bookable(tx.session, child_id, mtype, booking.day)
        if sequence is None:
            sequence = _next_number(tx.session, child, mtype, booking.day)
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
        tx.session.add(meeting)
        tx.session.flush()
        return tx.changes(result=meeting.id)


def _next_number(session: Session, child: Child, mtype: MeetingType, day: dt.date) -> int:
    """The number a meeting booked for ``day`` is stored with: the engine's, the child's
    next meeting of its kind as of ``day`` (`CaseStatus.nexts_for`), the number the weekly
    schedule of that week and every list give it (`casework.mapping.meeting_number`), so a
    child's first review of a second period of care is "LAC review 1" and a second plan's
    first review conference counts from 1. As of the meeting's day, not the day it is
    booked on: the case it is for is the one open then (`_check_bookable` asks the same),
    and a period or plan starting before it is counted.

    When the engine cannot say (a return not imported), the count of that kind held in the
    period of care or plan open on the day (0 for an initial conference, as the engine and
    the imports number it); every list then shows the engine's answer (unnumbered), this
    stored number only ever naming the meeting if it is called off."""
    process = mtype.process.value
    status = Register(session, as_of=day, children=[child.id]).statuses.get(child.id)
    nexts = status.nexts_for(process) if status is not None else ()
    initial = mtype.is_initial_conference
    fits = [n for n in nexts if (n.meeting_type in _INITIAL_TYPES) == initial]
    same = [n for n in fits if n.meeting_type == mtype.value]
    nxt = (same or fits or [None])[0]
    if nxt is not None and nxt.sequence is not None:
        return nxt.sequence
    if initial:
        return 0
    if mtype.process is Process.LAC:
        starts = [p.start for p in child.periods if covers(p.start, p.end_date, day)]
    else:
        starts = [p.start for p in child.plans if covers(p.start, p.end_date, day)]
    since = max(starts, default=dt.date.min)
    held = MeetingStatus.HELD.value
    return 1 + sum(
        1
        for m in child.meetings
        if m.process == process
        and m.status == held
        and m.meeting_type not in _INITIAL_TYPES
        and m.held_date is not None
        and since <= m.held_date <= day
    )


#: Why a meeting type cannot be booked, by what it needs.
_NEEDS = {
    Process.LAC: "a LAC review needs a period of care on the day, and {name} is not looked "
    "after on {day}",
    "initial": "an initial CP conference needs an s47 enquiry (or a transfer-in) awaiting "
    "one, and {name} has none",
    "review": "a review CP conference needs a CP plan in force on the day, and {name} has "
    "none on {day}",
}


def _check_bookable(session: Session, child_id: int, mtype: MeetingType, day: dt.date) -> None:
    """Refuse a meeting the child's case does not call for (`scheduling.bookable_types`):
    a closed case books nothing; an initial conference needs an enquiry awaiting one."""
    detail = child_detail(session, child_id)
    if detail is None or mtype in bookable_types(detail, day):
        return
    if mtype.process is Process.LAC:
        need = _NEEDS[Process.LAC]
    else:
        need = _NEEDS["initial" if mtype.is_initial_conference else "review"]
    raise InvalidInput("meeting type: " + need.format(name=detail.name, day=format_uk(day)))


@action("reschedule_meeting", "reschedule a meeting", Permission.BOOK_MEETING)
def reschedule_meeting(
    db: Database,
    actor: Actor,
    meeting_id: int,
    booking: Booking,
    reason: str,
    *,
    expected_version: int,
) -> Changes:
    """Move a booked meeting; the move is kept in its history (from, to, why, who, when)."""
    reason = " ".join(reason.split())
    if not reason:
        raise InvalidInput("reason: give a reason for rescheduling")
    with door(db, actor, "reschedule_meeting") as tx:
        meeting = _meeting(tx.session, meeting_id, expected_version)
        if meeting.status != MeetingStatus.BOOKED.value:
            raise InvalidInput(f"meeting {meeting_id} is {meeting.status}, not booked")
        meeting.moves.append(
            MeetingMove(
                from_date=meeting.booked_date,
                from_time=meeting.booked_time,
                to_date=booking.day,
                to_time=booking.start,
                reason=reason,
                moved_by=tx.actor.username,
                moved_at=session_now(tx.session),
            )
        )
        _place(meeting, booking)
        tx.session.flush()
        return tx.changes(result=meeting.id)


@action("cancel_meeting", "cancel a meeting", Permission.BOOK_MEETING)
def cancel_meeting(
    db: Database, actor: Actor, meeting_id: int, reason: str, *, expected_version: int
) -> Changes:
    if not reason.strip():
        raise InvalidInput("reason: give a reason for cancelling")
    with door(db, actor, "cancel_meeting") as tx:
        meeting = _meeting(tx.session, meeting_id, expected_version)
        if meeting.status == MeetingStatus.HELD.value:
            raise InvalidInput(f"meeting {meeting_id} has been held and cannot be cancelled")
        meeting.status = MeetingStatus.CANCELLED.value
        meeting.cancel_reason = reason.strip()
        tx.session.flush()
        return tx.changes(result=meeting.id)


@dataclass
class ReportUpdate:
    """A report's dates as the form has them, with the version the form was built on."""

    report_id: int
    received: dt.date | None
    shared_with_parents: dt.date | None
    version: int


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
    #: An initial conference that made a plan: its category of abuse (`codes.CP_CATEGORY`;
    #: None: not given, the CIN census import brings it).
    category: str | None = None


def chosen_outcome(meeting: Meeting, outcome: Outcome) -> str | None:
    """The outcome to store: one of the meeting's process's (`codes.MEETING_OUTCOMES`, in
    its words whatever the case typed), or the one it has already (an import's or an older
    version's words, saved again unchanged). A quorate conference must have one: it decides
    whether the child's plan starts, goes on or ends."""
    words = MEETING_OUTCOMES.get(meeting.process, ())
    given = (outcome.outcome or "").strip()
    if not given:
        if meeting.process == Process.CP.value and outcome.quorate is not False:
            raise InvalidInput(
                f"outcome: choose what the conference decided ({_either(words)}): it decides "
                "whether the child's plan starts, goes on or ends"
            )
        return None
    if given == meeting.outcome:
        return given
    fits("outcome", given, Meeting.outcome)
    found = next((w for w in words if w.casefold() == given.casefold()), None)
    if found is None:
        raise InvalidInput(f"outcome: \u201c{given}\u201d is not one of {_either(words)}")
    return found


def _either(words: tuple[str, ...]) -> str:
    return ", ".join(words[:-1]) + f" or {words[-1]}" if len(words) > 1 else "".join(words)


def validate_outcome(
    meeting: Meeting, outcome: Outcome, *, late: bool, as_of: dt.date | None = None
) -> str | None:
    """Raise InvalidInput for an outcome that cannot be right; else the outcome's words to
    store (`chosen_outcome`)."""
    if not outcome.parts:
        raise InvalidInput("held date: give the date the meeting was held")
    held = max(outcome.parts)
    if as_of is not None and held > as_of:
        raise InvalidInput(f"held date: {format_uk(held)} is in the future")
    if outcome.participation is not None:
        if outcome.participation not in PARTICIPATION:
            raise InvalidInput(f"participation: unknown code {outcome.participation!r}")
        dob = meeting.child.dob if meeting.child else None
        if dob is not None and meeting.process == Process.LAC.value:
            # The same age as the participation check on saving (`storage.validation`).
            under4 = age_on(dob, held) < 4
            if under4 and outcome.participation != "PN0":
                raise InvalidInput("participation: the child was under 4, so the code is PN0")
            if not under4 and outcome.participation == "PN0":
                raise InvalidInput("participation: PN0 is only for a child under 4")
    if late and outcome.late_reason_id is None:
        raise InvalidInput("reason: the meeting was out of timescale, so give the reason")
    chosen = chosen_outcome(meeting, outcome)
    if meeting.process != Process.CP.value and outcome.quorate is False:
        raise InvalidInput(
            "quorate: quoracy is for child protection conferences; a LAC review has none"
        )
    if meeting.process == Process.CP.value and outcome.quorate is False and ends_plan(chosen):
        raise InvalidInput(
            f"outcome: {chosen!r} cannot be recorded for a conference that was not "
            "quorate: an inquorate conference cannot end a plan (reconvene it)"
        )
    for label, value in (
        ("decisions issued", outcome.decisions_issued),
        ("minutes issued", outcome.minutes_distributed),
    ):
        if value is not None and value < held:
            raise InvalidInput(f"{label}: {format_uk(value)} is before the meeting was held")
    return chosen


def _apply_report(tx: Transaction, meeting: Meeting, update: ReportUpdate) -> None:
    """A report's dates, only when they differ from what is stored (so that two people
    recording different reports of one meeting never overwrite each other)."""
    report = tx.session.get(Report, update.report_id)
    if report is None or report.meeting_id != meeting.id:
        raise InvalidInput(f"report {update.report_id} is not one of this meeting's reports")
    if (report.received, report.shared_with_parents) == (
        update.received,
        update.shared_with_parents,
    ):
        return
    ensure_unchanged(report, update.version)
    refuse_future(tx.session, f"report from {report.author}: received", update.received)
    refuse_future(tx.session, f"report from {report.author}: shared", update.shared_with_parents)
    report.received = update.received
    report.shared_with_parents = update.shared_with_parents


def refuse_future(session: Session, field: str, day: dt.date | None) -> None:
    """Refuse ``day`` for something that has happened (a report received or shared) when it
    is after today: "received 01/01/2030" was saved, and the report counted as in. Today is
    the day it really is in the UK (the session's clock), whatever day the window shows."""
    today = local_time(session_now(session)).date()
    if day is not None and day > today:
        raise InvalidInput(f"{field}: {format_uk(day)} is in the future")


@action("record_outcome", "record the outcome of a meeting", Permission.RECORD_OUTCOME)
def record_outcome(
    db: Database,
    actor: Actor,
    meeting_id: int,
    outcome: Outcome,
    *,
    late: bool,
    as_of: dt.date,
    expected_version: int,
) -> Changes:
    """Record a meeting as held (in one or more parts) with its outcome and reports.
    A held date after ``as_of`` is refused."""
    with door(db, actor, "record_outcome") as tx:
        meeting = tx.session.get(Meeting, meeting_id)
        if meeting is None:
            raise InvalidInput(f"meeting {meeting_id} does not exist")
        tx.require_chair(meeting.chair_id)
        ensure_unchanged(meeting, expected_version)
        chosen = validate_outcome(meeting, outcome, late=late, as_of=as_of)
        if (
            late
            and outcome.late_reason_id is not None
            and tx.session.get(LateReason, outcome.late_reason_id) is None
        ):
            raise InvalidInput(f"reason: unknown late reason {outcome.late_reason_id}")
        parts = sorted(outcome.parts)
        wanted_parts = [(n, day) for n, day in enumerate(parts, start=1)] if len(parts) > 1 else []
        if [(p.part_no, p.held_date) for p in meeting.parts] != wanted_parts:
            meeting.parts.clear()
            tx.session.flush()
            for no, day in wanted_parts:
                meeting.parts.append(MeetingPart(part_no=no, held_date=day))
        was_held = meeting.held_date if meeting.status == MeetingStatus.HELD.value else None
        meeting.held_date = parts[-1]
        meeting.status = MeetingStatus.HELD.value
        meeting.participation = outcome.participation
        meeting.quorate = outcome.quorate
        meeting.outcome = chosen
        meeting.late_reason_id = outcome.late_reason_id if late else None
        meeting.late_reason_note = outcome.late_reason_note if late else None
        meeting.decisions_issued = outcome.decisions_issued
        meeting.minutes_distributed = outcome.minutes_distributed
        if outcome.decisions is not None:
            meeting.decisions = outcome.decisions
        for update in outcome.reports:
            _apply_report(tx, meeting, update)
        _plan_from_outcome(tx, meeting, outcome, was_held)
        tx.session.flush()
        return tx.changes(result=meeting.id)


def _plan_from_outcome(
    tx: Transaction, meeting: Meeting, outcome: Outcome, was_held: dt.date | None
) -> None:
    """An initial conference that made a plan starts it on the day it was held, and a review
    conference that ended one ends it then, so the first review conference (within 3 months
    of the initial one) is due from that day rather than only after the CIN census import
    (which keeps the plan: it matches plans by their start). A plan already open on the day
    is left as it is; so is a plan the import brought. ``was_held``: the day it was recorded
    held before (a correction): the plan that conference started, on that day, moves with
    it rather than a second one starting."""
    held = meeting.held_date
    if outcome.category is not None and outcome.category not in CP_CATEGORY:
        raise InvalidInput(f"category of abuse: unknown code {outcome.category!r}")
    if held is None or meeting.process != Process.CP.value:
        return
    plans = sorted(meeting.child.plans, key=lambda p: p.start)
    initial = MeetingType(meeting.meeting_type) in INITIAL_CONFERENCES
    if initial and was_held is not None and was_held != held and starts_plan(outcome.outcome):
        for plan in plans:
            if plan.start == was_held:
                plan.start = held
    open_then = [p for p in plans if p.start <= held and (p.end_date is None or p.end_date >= held)]
    if initial and starts_plan(outcome.outcome) and not open_then:
        tx.session.add(
            CpPlan(
                child_id=meeting.child_id,
                enquiry_id=meeting.enquiry_id,
                start=held,
                initial_category=outcome.category,
                latest_category=outcome.category,
                chair_id=meeting.chair_id,
                previous_plans=sum(1 for p in plans if p.start < held),
            )
        )
    elif not initial and ends_plan(outcome.outcome):
        for plan in open_then:
            if plan.end_date is None:
                plan.end_date = held


@action("update_report", "record a report's dates", Permission.RECORD_OUTCOME)
def update_report(
    db: Database,
    actor: Actor,
    report_id: int,
    *,
    received: dt.date | None,
    shared_with_parents: dt.date | None,
    expected_version: int,
) -> Changes:
    """When one report was received and shared with the parents, built on its version."""
    with door(db, actor, "update_report") as tx:
        report = tx.session.get(Report, report_id)
        if report is None:
            raise InvalidInput(f"report {report_id} does not exist")
        tx.require_chair(report.meeting.chair_id)
        update = ReportUpdate(report_id, received, shared_with_parents, expected_version)
        _apply_report(tx, report.meeting, update)
        tx.session.flush()
        return tx.changes(result=report_id)


__all__ = [
    "Outcome",
    "ReportUpdate",
    "book_meeting",
    "cancel_meeting",
    "record_outcome",
    "reschedule_meeting",
    "update_report",
    "validate_outcome",
]
