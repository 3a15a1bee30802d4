"""Applying one rule to one date, and the explanation that goes with every computed date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from reviewdesk.dates import add_months
from reviewdesk.kept import KeptAnswers
from reviewdesk.rules import EVENTS, Limit, Rule
from reviewdesk.vocabulary import format_uk, format_uk_long
from reviewdesk.workingdays import WorkingCalendar


@dataclass(frozen=True)
class Explanation:
    """How a date was reached: the event, the rule and its source, and the days skipped."""

    rule_id: str
    rule_title: str
    source: str
    basis: str
    event: str
    event_date: dt.date
    limit: Limit
    direction: str
    result: dt.date
    primary: dt.date | None = None  # the main limit's date, when a sooner limit won
    skipped: tuple[tuple[dt.date, str], ...] = ()
    clamped: bool = False
    book_by: dt.date | None = None
    book_by_reason: str | None = None
    note: str | None = None

    def text(self) -> str:
        """One line, e.g. 'became looked after Mon 25/03/2024 + 20 working days, skipping
        Good Friday and Easter Monday → Wed 24/04/2024'."""
        sign = "+" if self.direction == "after" else "−"
        parts = [f"{self.event} {format_uk_long(self.event_date)} {sign} {self.limit.describe()}"]
        if self.skipped:
            names = _skipped_names(self.skipped)
            listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
            parts.append(f", skipping {listed}")
        if self.clamped:
            parts.append(" (to the last day of the month)")
        parts.append(f" → {format_uk_long(self.primary or self.result)}")
        if self.note:
            parts.append(f"; {self.note}")
        if self.book_by and self.book_by != self.result:
            parts.append(
                f"; {format_uk_long(self.result)} is not a working day ({self.book_by_reason}),"
                f" so book by {format_uk_long(self.book_by)}"
            )
        return "".join(parts)

    def rule_text(self) -> str:
        """'Rule lac.review.first (statutory): First review — Care Planning ... reg 33(1)'."""
        return f"Rule {self.rule_id} ({self.basis}): {self.rule_title}. Source: {self.source}"

    def full_text(self) -> str:
        return f"{self.text()}\n{self.rule_text()}"


def _skipped_names(skipped: tuple[tuple[dt.date, str], ...]) -> list[str]:
    """The days skipped as they are read out: a run of days with the same name (a week's
    closure) once, with how many days and from when to when, not once per day."""
    runs: list[list[tuple[dt.date, str]]] = []
    for day, name in skipped:
        if runs and runs[-1][-1][1] == name:
            runs[-1].append((day, name))
        else:
            runs.append([(day, name)])
    return [
        run[0][1]
        if len(run) == 1
        else f"{run[0][1]} ({len(run)} weekdays, {format_uk(run[0][0])} to {format_uk(run[-1][0])})"
        for run in runs
    ]


@dataclass(frozen=True)
class DueDate:
    """A deadline: the limit itself, the latest working day on or before it, and why."""

    date: dt.date
    book_by: dt.date
    explanation: Explanation
    rule_id: str

    def met_by(self, day: dt.date | None) -> bool:
        """True if something done on ``day`` meets this deadline (on or before it)."""
        return day is not None and day <= self.date


def _offset(limit: Limit, direction: str, day: dt.date, calendar: WorkingCalendar) -> dt.date:
    n = limit.amount if direction == "after" else -limit.amount
    if limit.unit == "working_days":
        return calendar.add_working_days(day, n)
    if limit.unit == "days":
        return day + dt.timedelta(days=n)
    if limit.unit == "weeks":
        return day + dt.timedelta(weeks=n)
    return add_months(day, n)


def rule_date(rule: Rule, event_date: dt.date, calendar: WorkingCalendar) -> dt.date:
    """Just the date a rule gives (what `apply_rule` returns as ``DueDate.date``), unexplained.

    For bulk work (the demo generator, flags over every case) where explanations are not shown.
    """
    result = _offset(rule.limit, rule.direction, event_date, calendar)
    if rule.sooner_of is not None:
        other = _offset(rule.sooner_of, rule.direction, event_date, calendar)
        result = min(result, other) if rule.direction == "after" else max(result, other)
    return result


def _clamped(limit: Limit, day: dt.date, result: dt.date) -> bool:
    """True when month arithmetic landed on a month's end because the day does not exist."""
    return limit.unit == "months" and result.day != day.day


def apply_rule(
    rule: Rule,
    event_date: dt.date,
    calendar: WorkingCalendar,
    *,
    event: str | None = None,
) -> DueDate:
    """The date a rule gives from an event's date, explained.

    Results are cached: a DueDate is immutable, rules and calendars are immutable values, and
    refreshing every open case asks the same few thousand (rule, date) questions many times.
    The cache is keyed on the rule and calendar objects' identity (`KeptAnswers`: hashing a
    rule's every field on each call cost more than the rest of a cache hit).
    """
    key = (id(rule), event_date, id(calendar), event)
    hit = _KEPT.entries.get(key)  # (the hottest lookup in the engine: the dict itself)
    if hit is not None:
        return hit[0]
    return _KEPT.keep(key, _compute_due(rule, event_date, calendar, event), rule, calendar)


_KEPT = KeptAnswers(262_144)


def _compute_due(
    rule: Rule, event_date: dt.date, calendar: WorkingCalendar, event: str | None
) -> DueDate:
    primary = result = _offset(rule.limit, rule.direction, event_date, calendar)
    note = None
    if rule.sooner_of is not None:
        other = _offset(rule.sooner_of, rule.direction, event_date, calendar)
        sooner = min(result, other) if rule.direction == "after" else max(result, other)
        if sooner != result:
            note = f"{rule.sooner_of.describe()} gives {format_uk_long(other)}, which is sooner"
            result = sooner
    skipped: tuple[tuple[dt.date, str], ...] = ()
    if rule.limit.unit == "working_days":
        skipped = tuple(calendar.days_off_between(event_date, primary))
    book_by = calendar.on_or_before(result)
    return DueDate(
        date=result,
        book_by=book_by,
        rule_id=rule.id,
        explanation=Explanation(
            rule_id=rule.id,
            rule_title=rule.title,
            source=rule.source,
            basis=rule.basis,
            event=event or EVENTS[rule.from_event],
            event_date=event_date,
            limit=rule.limit,
            direction=rule.direction,
            result=result,
            primary=primary,
            skipped=skipped,
            clamped=_clamped(rule.limit, event_date, primary),
            book_by=book_by,
            book_by_reason=calendar.non_working_reason(result) if book_by != result else None,
            note=note,
        ),
    )
