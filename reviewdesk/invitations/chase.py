"""The chase list: reports due within N working days and not received, by author and agency.

A report is on the list when its meeting is still to take place on the as-of date and
booked for that date or later (`vocabulary.is_ahead`, as the dashboard's "Children with late
reports" tile counts it: a meeting booked for an earlier day and not recorded is flagged
"outcome not recorded" instead), it has not been received, and its deadline (the timescale rule it
names, as the late-report flags read it) falls no later than N working days after the as-of
date; those already past their deadline are on it too, marked overdue. Rows come grouped by
agency, then author, then deadline: one phone call or email per author.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from reviewdesk.casework.predicates import ahead_sql
from reviewdesk.casework.register import meeting_sequences
from reviewdesk.codes import agency_label
from reviewdesk.engine import meeting_deadlines
from reviewdesk.flags.deadlines import report_deadline
from reviewdesk.rules import RuleSet
from reviewdesk.storage.models import Child, Meeting, Professional, Report, Staff
from reviewdesk.vocabulary import meeting_label
from reviewdesk.workingdays import WorkingCalendar


@dataclass(frozen=True)
class ChaseRow:
    report_id: int
    meeting_id: int
    child_id: int
    child_reference: str
    child_name: str
    meeting: str  # its label
    meeting_date: dt.date
    author: str
    agency: str  # in words
    email: str
    due: dt.date
    requested_on: dt.date | None
    #: Working days from the as-of date to ``due`` (negative once a working day has passed
    #: since it; 0 on a day off straight after it, when it is overdue all the same).
    working_days_left: int
    #: Past its deadline on the as-of date and not received: `reviewdesk.flags`'
    #: "report_overdue" (the as-of date after the deadline, working day or not).
    overdue: bool = False


def chase_rows(
    session: Session,
    *,
    as_of: dt.date,
    within: int,
    rules: RuleSet,
    calendar: WorkingCalendar,
) -> list[ChaseRow]:
    """The reports to chase on ``as_of`` (see the module)."""
    horizon = calendar.add_working_days(as_of, within)
    stmt = (
        select(
            Report.id,
            Report.author,
            Report.agency,
            Report.rule_id,
            Report.requested_on,
            Report.email,
            Professional.email,
            Staff.email,
            Meeting.id,
            Meeting.meeting_type,
            Meeting.sequence,
            Meeting.booked_date,
            Child.id,
            Child.local_id,
            Child.first_name,
            Child.last_name,
        )
        .join(Meeting, Meeting.id == Report.meeting_id)
        .join(Child, Child.id == Meeting.child_id)
        .outerjoin(Professional, Professional.id == Report.professional_id)
        .outerjoin(Staff, Staff.id == Report.staff_id)
        .where(
            Report.received.is_(None),
            ahead_sql(as_of),
        )
    )
    deadlines: dict[tuple[str, dt.date], list] = {}
    rows: list[ChaseRow] = []
    typed: list[tuple[str, int]] = []  # each row's meeting type and number typed in
    for (
        report_id,
        author,
        agency,
        rule_id,
        requested_on,
        own_email,
        professional_email,
        staff_email,
        meeting_id,
        meeting_type,
        sequence,
        day,
        child_id,
        reference,
        first,
        last,
    ) in session.execute(stmt):
        key = (meeting_type, day)
        if key not in deadlines:
            deadlines[key] = meeting_deadlines(meeting_type, day, rules=rules, calendar=calendar)
        deadline = report_deadline(deadlines[key], rule_id)
        if deadline is None or deadline.date > horizon:
            continue
        due = deadline.date
        left = calendar.working_days_between(as_of, due)
        typed.append((meeting_type, sequence))
        rows.append(
            ChaseRow(
                report_id=report_id,
                meeting_id=meeting_id,
                child_id=child_id,
                child_reference=reference,
                child_name=f"{first} {last}".strip() or reference,
                meeting="",  # named below, numbered as the engine counts it
                meeting_date=day,
                author=author,
                agency=agency_label(agency),
                email=own_email or professional_email or staff_email or "",
                due=due,
                requested_on=requested_on,
                working_days_left=left,
                overdue=as_of > due,
            )
        )
    # Each meeting numbered as the engine counts it (as the weekly schedule names it): one
    # read of the few children with reports to chase.
    numbers = meeting_sequences(
        session, {r.child_id for r in rows}, as_of=as_of, rules=rules, calendar=calendar
    )
    rows = [
        replace(r, meeting=meeting_label(kind, numbers.get(r.meeting_id, number)))
        for r, (kind, number) in zip(rows, typed, strict=True)
    ]
    rows.sort(key=lambda r: (r.agency.casefold(), r.author.casefold(), r.due, r.report_id))
    return rows


CHASE_COLUMNS = (
    "agency",
    "author",
    "email",
    "due",
    "working_days_left",
    "requested_on",
    "child_id",
    "child_name",
    "meeting",
    "meeting_date",
    "report_id",
)


def chase_record(row: ChaseRow) -> list[object]:
    """A row's values in `CHASE_COLUMNS` order (dates as dates), for CSV and Excel."""
    return [
        row.agency,
        row.author,
        row.email,
        row.due,
        row.working_days_left,
        row.requested_on,
        row.child_reference,
        row.child_name,
        row.meeting,
        row.meeting_date,
        row.report_id,
    ]


__all__ = ["CHASE_COLUMNS", "ChaseRow", "chase_record", "chase_rows"]
