"""Due dates for the pages, from ``reviewdesk.casedues`` with the rules and calendar in force."""

from __future__ import annotations

import datetime as dt

from reviewdesk.casedues import MeetingDue, NotJudged, child_due_report, next_due_if_held
from reviewdesk.engine.deadlines import meeting_deadlines
from reviewdesk.flags.deadlines import AfterDue, after_meeting
from reviewdesk.flags.deadlines import awaited_after as awaited_after_meetings
from reviewdesk.queries import ChildDetail
from ui.context import AppContext

DueItem = MeetingDue


def due_items(ctx: AppContext, detail: ChildDetail) -> list[MeetingDue]:
    """Every due date of the child's meetings, oldest first."""
    return due_report(ctx, detail)[0]


def due_report(ctx: AppContext, detail: ChildDetail) -> tuple[list[MeetingDue], list[NotJudged]]:
    """Every due date of the child's meetings, oldest first, and what the data cannot judge
    (a return not imported), with why."""
    with ctx.db.session() as s:
        return child_due_report(
            s, detail.id, rules=ctx.rules, calendar=ctx.calendar, as_of=ctx.as_of
        )


def next_due_after_held(
    ctx: AppContext, detail: ChildDetail, meeting_id: int, held: dt.date
) -> MeetingDue | None:
    """The next meeting's due date if ``meeting_id`` is recorded as held on ``held``."""
    with ctx.db.session() as s:
        return next_due_if_held(
            s, meeting_id, held, rules=ctx.rules, calendar=ctx.calendar, as_of=ctx.as_of
        )


def after_held(ctx: AppContext, meeting_type: str, held: dt.date) -> tuple[AfterDue, ...]:
    """When a meeting held on ``held`` is to have its decisions issued and its minutes
    distributed, by the rules in force."""
    return after_meeting(
        meeting_deadlines(meeting_type, held, rules=ctx.rules, calendar=ctx.calendar)
    )


def awaited_after(ctx: AppContext, detail: ChildDetail) -> dict[int, tuple[AfterDue, ...]]:
    """The child's decisions and minutes still awaited, by meeting id
    (`reviewdesk.flags.deadlines.awaited_after`, as the flags judge them)."""
    return awaited_after_meetings(
        detail.meetings, ctx.as_of, rules=ctx.rules, calendar=ctx.calendar
    )
