"""Deadlines around a meeting: reports, consultation before it; decisions and minutes after.

Each deadline comes from the rules in force (`meeting_deadlines`), counted from the booked
date or, once held, the held date. A report row names its rule in ``rule_id``; with none,
the meeting type's report rule with the latest deadline is used (the kindest reading).
Reports for CP conferences are to be shared with parents by their report deadline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Iterator
from typing import Any, NamedTuple

from sqlalchemy import select

from reviewdesk.casework.predicates import id_in
from reviewdesk.casework.rows import fetch_rows
from reviewdesk.codes import agency_label
from reviewdesk.engine import Deadline, meeting_deadlines
from reviewdesk.flags.base import AMBER, HELD_LOOKBACK_DAYS, RED, Flag, FlagContext
from reviewdesk.kept import KeptAnswers
from reviewdesk.rules import RuleSet
from reviewdesk.storage.models import Report
from reviewdesk.vocabulary import format_uk, is_held
from reviewdesk.workingdays import WorkingCalendar

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

#: A report to chase: due and not received, or not shared with the parents by its deadline
#: (for a meeting still ahead: `Register.ahead_ids`). The dashboard's "Children with late
#: reports" tile and the Workload page's teams count these.
TO_CHASE_CODES = frozenset({"report_overdue", "report_not_shared"})
#: What one of them is called wherever reports to chase are counted: the dashboard's tile
#: counts the children with any ("Children with late reports"), the Workload page's teams
#: the reports themselves ("3 late reports to chase").
LATE_REPORT, LATE_REPORTS = "late report", "late reports"


def late_reports(n: int) -> str:
    """'1 late report', '3 late reports': reports to chase counted as reports."""
    return f"{n} {LATE_REPORT if n == 1 else LATE_REPORTS}"


_AFTER = {
    "decisions": ("decisions_issued", "decisions", "issued"),
    "minutes": ("minutes_distributed", "minutes", "distributed"),
}


class AfterDue(NamedTuple):
    """A deadline after a meeting: its decisions or its minutes."""

    column: str  # the meeting's column the date done goes in
    noun: str  # "decisions", "minutes"
    verb: str  # "issued", "distributed"
    date: dt.date

    @property
    def text(self) -> str:
        """E.g. "decisions to be issued by 08/12/2025"."""
        return f"{self.noun} to be {self.verb} by {format_uk(self.date)}"

    def awaited_text(self, as_of: dt.date) -> str:
        """Not done yet, on ``as_of``: still to be done by its date, or overdue (as the
        flags say: after its date)."""
        if as_of > self.date:
            return f"{self.noun} not {self.verb}: due by {format_uk(self.date)}"
        return self.text


def awaited_after(
    meetings: Iterable[Any], as_of: dt.date, *, rules: RuleSet, calendar: WorkingCalendar
) -> dict[int, tuple[AfterDue, ...]]:
    """Meeting id -> its decisions and minutes not yet recorded, for each of ``meetings``
    (rows with ``id``, ``status``, ``held_date``, ``meeting_type`` and the two done-by
    columns) held in the flags' look-back (`HELD_LOOKBACK_DAYS`: the meetings whose
    decisions and minutes the flags judge): what the child's timeline says is awaited."""
    since = as_of - dt.timedelta(days=HELD_LOOKBACK_DAYS)
    out: dict[int, tuple[AfterDue, ...]] = {}
    for m in meetings:
        if not is_held(m.status, m.held_date, as_of) or m.held_date < since:
            continue
        deadlines = meeting_deadlines(m.meeting_type, m.held_date, rules=rules, calendar=calendar)
        awaited = tuple(a for a in after_meeting(deadlines) if getattr(m, a.column) is None)
        if awaited:
            out[m.id] = awaited
    return out


def after_meeting(deadlines: list[Deadline]) -> tuple[AfterDue, ...]:
    """The decisions and minutes deadlines among a meeting's (`meeting_deadlines`, from the
    day it was held), in date order: what the decisions and minutes flags compare with, and
    what the recording form and the child's page tell the chair."""
    return tuple(AfterDue(*_AFTER[d.times], d.date) for d in deadlines if d.times in _AFTER)


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


def load_reports(ctx: FlagContext, meeting_ids: Collection[int]) -> list[Any]:
    """Report rows for these live meetings, in one query (by meeting id): what the checks
    compare. Who wrote a report is read afterwards, for the few flagged (`_authors`)."""
    stmt = select(
        Report.id,
        Report.meeting_id,
        Report.rule_id,
        Report.received,
        Report.shared_with_parents,
    ).where(id_in(Report.meeting_id, sorted(meeting_ids)))
    return fetch_rows(ctx.session, stmt)


def _authors(ctx: FlagContext, report_ids: list[int]) -> dict[int, str]:
    """Report id -> 'Author (Agency)' in words (or just the author, where the author is
    the agency: 'Police', not 'Police (Police)'), for these reports."""
    if not report_ids:
        return {}
    stmt = select(Report.id, Report.author, Report.agency).where(id_in(Report.id, report_ids))
    out = {}
    for r in fetch_rows(ctx.session, stmt):
        agency = agency_label(r.agency) if r.agency else ""
        same = agency.casefold() == (r.author or "").casefold()
        out[r.id] = f"{r.author} ({agency})" if agency and not same else r.author
    return out


class _Plan(NamedTuple):
    """One meeting type and date's deadlines, reduced to what the checks compare."""

    consultation: tuple[dt.date, ...]
    #: (row column, noun, verb, deadline) for decisions and minutes.
    after: tuple[AfterDue, ...]
    reports: dict[str | None, tuple[dt.date, bool] | None]  # rule id -> (date, to parents)


def _plan(ctx: FlagContext, cache: dict, meeting_type: str, day: dt.date) -> _Plan:
    """A meeting type and day's `_Plan`, from ``cache`` (this run's) or `_PLANS` (kept
    between runs: the flags are worked out again after every edit, for the same few
    hundred meeting days)."""
    key = (meeting_type, day)
    plan = cache.get(key)
    if plan is not None:
        return plan
    rules, calendar = ctx.register.rules, ctx.register.calendar
    kept_key = (meeting_type, day, id(rules), id(calendar))
    kept = _PLANS.entries.get(kept_key)
    if kept is not None:
        cache[key] = kept[0]
        return kept[0]
    plan = cache[key] = _PLANS.keep(kept_key, _new_plan(ctx, meeting_type, day), rules, calendar)
    return plan


#: `_Plan`s by meeting type, day and the rules' and calendar's identity (as
#: `reviewdesk.engine.explain.apply_rule` keeps its answers); plans are only read.
_PLANS = KeptAnswers(65_536)


def _new_plan(ctx: FlagContext, meeting_type: str, day: dt.date) -> _Plan:
    """A meeting type and day's deadlines (`FlagContext.deadlines`), as the checks use them."""
    deadlines = ctx.deadlines(meeting_type, day)
    reports: dict[str | None, tuple[dt.date, bool] | None] = {}
    for d in deadlines:
        reports[d.rule.id] = (d.date, shares_with_parents(d))
    default = report_deadline(deadlines, None)
    reports[None] = (default.date, shares_with_parents(default)) if default else None
    return _Plan(
        tuple(d.date for d in deadlines if d.times == "consultation"),
        after_meeting(deadlines),
        reports,
    )


def _after_flags(m: Any, plan: _Plan, what: str, as_of: dt.date) -> Iterator[Flag]:
    """The flags of a held meeting's decisions and minutes (``what``: the meeting's words)."""
    for column, noun, verb, deadline in plan.after:
        done: dt.date | None = getattr(m, column)
        if done is None and as_of > deadline:
            yield Flag(
                f"{noun}_overdue",
                RED,
                f"{noun.capitalize()} of the {what} were due to be {verb} by "
                f"{format_uk(deadline)} and have not been",
                m.child_id,
                m.id,
                m.chair_id,
                deadline,
            )
        elif done is not None and done > deadline:
            yield Flag(
                f"{noun}_late",
                AMBER,
                f"{noun.capitalize()} of the {what} were {verb} on "
                f"{format_uk(done)}, after the deadline {format_uk(deadline)}",
                m.child_id,
                m.id,
                m.chair_id,
                deadline,
            )


def check(ctx: FlagContext) -> Iterator[Flag]:
    as_of = ctx.as_of
    cache: dict = {}
    # Meeting id -> (meeting, its date, its deadlines), for live meetings with a date.
    live: dict[int, tuple[Any, dt.date, _Plan]] = {}

    labels: dict[int, str] = {}  # meeting id -> its words (a meeting has several flags)

    def label(m: Any, day: dt.date) -> str:
        words = labels.get(m.id)
        if words is None:
            # Numbered by the one rule, as the weekly schedule names it.
            words = f"{ctx.register.label(m)} on {format_uk(day)}"
            labels[m.id] = words
        return words

    for m in ctx.live_meetings():
        held = is_held(m.status, m.held_date, as_of)
        day = m.held_date if held else m.booked_date  # as `vocabulary.meeting_day`
        if day is None:
            continue
        plan = cache.get((m.meeting_type, day)) or _plan(ctx, cache, m.meeting_type, day)
        live[m.id] = (m, day, plan)
        sent = m.consultation_sent
        for deadline in plan.consultation:
            if sent is None and as_of > deadline:
                yield Flag(
                    "consultation_late",
                    AMBER,
                    f"Consultation for the {label(m, day)} was due to be sent by "
                    f"{format_uk(deadline)} and has not been",
                    m.child_id,
                    m.id,
                    m.chair_id,
                    deadline,
                )
            elif sent is not None and sent > deadline:
                yield Flag(
                    "consultation_late",
                    AMBER,
                    f"Consultation for the {label(m, day)} was sent on {format_uk(sent)}, "
                    f"after the deadline {format_uk(deadline)}",
                    m.child_id,
                    m.id,
                    m.chair_id,
                    deadline,
                )
        if held:
            yield from _after_flags(m, plan, label(m, day), as_of)
    # Meetings held whose case has closed since still owe their decisions and minutes.
    for m in ctx.held_since_closed():
        day = m.held_date
        plan = cache.get((m.meeting_type, day)) or _plan(ctx, cache, m.meeting_type, day)
        yield from _after_flags(m, plan, label(m, day), as_of)

    late: list[tuple[Any, dt.date, bool]] = []  # (report, deadline, shared late)
    for r in load_reports(ctx, live.keys()):
        found = live[r.meeting_id][2].reports.get(r.rule_id)
        if found is None:
            continue
        deadline, to_parents = found
        received, shared = r.received, r.shared_with_parents
        late_receipt = (received is None and as_of > deadline) or (
            received is not None and received > deadline
        )
        late_sharing = to_parents and (
            (shared is None and as_of > deadline) or (shared is not None and shared > deadline)
        )
        if late_receipt or late_sharing:
            late.append((r, deadline, late_sharing))

    authors = _authors(ctx, [r.id for r, _, _ in late])
    for r, deadline, late_sharing in late:
        m, day, _ = live[r.meeting_id]
        received, shared = r.received, r.shared_with_parents
        what = label(m, day)
        who = authors.get(r.id, "")
        if received is None and as_of > deadline:
            yield Flag(
                "report_overdue",
                RED,
                f"Report from {who} for the {what} was due by {format_uk(deadline)} and has "
                "not been received",
                m.child_id,
                m.id,
                m.chair_id,
                deadline,
            )
        elif received is not None and received > deadline:
            yield Flag(
                "report_late",
                AMBER,
                f"Report from {who} for the {what} was received on {format_uk(received)}, "
                f"after the deadline {format_uk(deadline)}",
                m.child_id,
                m.id,
                m.chair_id,
                deadline,
            )
        if late_sharing:
            when = "has not been" if shared is None else f"was on {format_uk(shared)}"
            yield Flag(
                "report_not_shared",
                AMBER,
                f"Report from {who} for the {what} was to be shared with parents by "
                f"{format_uk(deadline)} and {when}",
                m.child_id,
                m.id,
                m.chair_id,
                deadline,
            )
