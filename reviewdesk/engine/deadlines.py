"""Deadlines around one meeting: reports and consultation before it, decisions and minutes after.

They come from every enabled rule counted from a meeting of that type, so a council that adds
a rule (say, agency reports 5 working days before an ICPC) gets a new deadline without code.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from reviewdesk.engine.explain import DueDate, apply_rule
from reviewdesk.rules import Rule, RuleSet
from reviewdesk.workingdays import WorkingCalendar


@dataclass(frozen=True)
class Deadline:
    """A deadline tied to a meeting. ``date`` is the last day that meets it."""

    rule: Rule
    due: DueDate

    @property
    def date(self) -> dt.date:
        # Before a meeting, a deadline that lands on a non-working day moves back to the
        # working day before it; after a meeting the limit itself is the deadline.
        return self.due.book_by if self.rule.direction == "before" else self.due.date

    @property
    def times(self) -> str:
        return self.rule.times

    @property
    def direction(self) -> str:
        return self.rule.direction

    def met_by(self, day: dt.date | None) -> bool:
        return day is not None and day <= self.date


def meeting_deadlines(
    meeting_type: str,
    meeting_date: dt.date,
    *,
    rules: RuleSet,
    calendar: WorkingCalendar,
) -> list[Deadline]:
    """Every deadline before and after a meeting on ``meeting_date``, in date order."""
    out = [
        Deadline(rule, apply_rule(rule, meeting_date, calendar, event="meeting"))
        for rule in rules.around_meeting(meeting_type)
    ]
    out.sort(key=lambda d: (d.date, d.rule.id))
    return out
