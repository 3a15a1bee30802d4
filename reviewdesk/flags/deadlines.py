"""Deadlines around a meeting: reports, consultation before it; decisions and minutes after.

Each deadline comes from the rules in force (`meeting_deadlines`), counted from the booked
date or, once held, the held date. A report row names its rule in ``rule_id``; with none,
the meeting type's report rule with the latest deadline is used (the kindest reading).
Reports for CP conferences are to be shared with parents by their report deadline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select

from reviewdesk.casework import fetch_rows
from reviewdesk.engine import Deadline
from reviewdesk.flags.base import (
    AMBER,
    RED,
    Flag,
    FlagContext,
    is_held,
    meeting_date,
    meeting_label,
)
from reviewdesk.flags.base import format_day as format_uk
from reviewdesk.storage.models import Meeting, Report

CHECKS = {
    "report_overdue": (RED, "Report due and not received"),
    "report_late": (AMBER, "Report received after its deadline"),
    "report_not_shared": (AMBER, "Report not shared with parents by the deadline"),
    "consultation_late": (AMBER, "Consultation not sent in time"),
    "decisions_overdue": (RED, "Decisions not issued by the deadline"),
    "decisions_late": (AMBER, "Decisions issued after the deadline"),
    "minutes_overdue": (RED, "Minutes not distributed by the deadline"),
    "minutes_late": (AMBER, "Minutes distributed after the deadline"),
}

_AFTER = {
    "decisions": ("decisions_issued", "decisions", "issued"),
    "minutes": ("minutes_distributed", "minutes", "distributed"),
}


def report_deadline(deadlines: list[Deadline], rule_id: str | None) -> Deadline | None:
    """The deadline for a report: its own rule's, or the latest report deadline."""
    reports = [d for d in deadlines if d.times == "report"]
    if rule_id:
        for d in reports:
            if d.rule.id == rule_id:
                return d
        for d in deadlines:
            if d.rule.id == rule_id:
                return d
        return None
    return max(reports, key=lambda d: d.date, default=None)


def shares_with_parents(deadline: Deadline) -> bool:
    """Reports for child protection conferences go to parents before the conference."""
    return deadline.rule.process == "cp"


def load_reports(ctx: FlagContext, meeting_ids: set[int]) -> list[Any]:
    """Report rows for these live meetings, in one query."""
    stmt = (
        select(
            Report.id,
            Report.meeting_id,
            Report.author,
            Report.agency,
            Report.rule_id,
            Report.received,
            Report.shared_with_parents,
        )
        .join(Meeting, Meeting.id == Report.meeting_id)
        .where(ctx.live_condition())
    )
    if len(meeting_ids) <= 500:
        stmt = stmt.where(Report.meeting_id.in_(meeting_ids))
    else:
        stmt = ctx.data.restrict(stmt, Meeting.child_id)
    return [r for r in fetch_rows(ctx.session, stmt) if r.meeting_id in meeting_ids]


def check(ctx: FlagContext) -> Iterator[Flag]:
    as_of = ctx.as_of
    live = {m.id: m for m in ctx.live_meetings() if meeting_date(m, as_of) is not None}

    for m in live.values():
        day = meeting_date(m, as_of)
        label = f"{meeting_label(m.meeting_type, m.sequence)} on {format_uk(day)}"
        deadlines = ctx.deadlines(m.meeting_type, day)
        for d in deadlines:
            if d.times == "consultation":
                sent = m.consultation_sent
                if sent is None and as_of > d.date:
                    yield Flag(
                        "consultation_late",
                        AMBER,
                        f"Consultation for the {label} was due to be sent by "
                        f"{format_uk(d.date)} and has not been",
                        m.child_id,
                        m.id,
                        m.chair_id,
                        d.date,
                    )
                elif sent is not None and sent > d.date:
                    yield Flag(
                        "consultation_late",
                        AMBER,
                        f"Consultation for the {label} was sent on {format_uk(sent)}, after "
                        f"the deadline {format_uk(d.date)}",
                        m.child_id,
                        m.id,
                        m.chair_id,
                        d.date,
                    )
            elif d.times in _AFTER and is_held(m, as_of):
                column, noun, verb = _AFTER[d.times]
                done: dt.date | None = getattr(m, column)
                if done is None and as_of > d.date:
                    yield Flag(
                        f"{noun}_overdue",
                        RED,
                        f"{noun.capitalize()} of the {label} were due to be {verb} by "
                        f"{format_uk(d.date)} and have not been",
                        m.child_id,
                        m.id,
                        m.chair_id,
                        d.date,
                    )
                elif done is not None and done > d.date:
                    yield Flag(
                        f"{noun}_late",
                        AMBER,
                        f"{noun.capitalize()} of the {label} were {verb} on "
                        f"{format_uk(done)}, after the deadline {format_uk(d.date)}",
                        m.child_id,
                        m.id,
                        m.chair_id,
                        d.date,
                    )

    for r in load_reports(ctx, set(live)):
        m = live[r.meeting_id]
        day = meeting_date(m, as_of)
        d = report_deadline(ctx.deadlines(m.meeting_type, day), r.rule_id)
        if d is None:
            continue
        label = f"{meeting_label(m.meeting_type, m.sequence)} on {format_uk(day)}"
        who = f"{r.author} ({r.agency})" if r.agency else r.author
        if r.received is None and as_of > d.date:
            yield Flag(
                "report_overdue",
                RED,
                f"Report from {who} for the {label} was due by {format_uk(d.date)} and has "
                "not been received",
                m.child_id,
                m.id,
                m.chair_id,
                d.date,
            )
        elif r.received is not None and r.received > d.date:
            yield Flag(
                "report_late",
                AMBER,
                f"Report from {who} for the {label} was received on {format_uk(r.received)}, "
                f"after the deadline {format_uk(d.date)}",
                m.child_id,
                m.id,
                m.chair_id,
                d.date,
            )
        if shares_with_parents(d):
            shared = r.shared_with_parents
            if (shared is None and as_of > d.date) or (shared is not None and shared > d.date):
                when = "has not been" if shared is None else f"was on {format_uk(shared)}"
                yield Flag(
                    "report_not_shared",
                    AMBER,
                    f"Report from {who} for the {label} was to be shared with parents by "
                    f"{format_uk(d.date)} and {when}",
                    m.child_id,
                    m.id,
                    m.chair_id,
                    d.date,
                )
