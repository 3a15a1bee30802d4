"""Timeliness measures for any period, month by month, with RAG ratings and exceptions.

    compute_measures(session, *, start, end) -> MeasuresReport

Rows (each keyed by a stable ``key``):

- ``lac_reviews_in_timescale``: % of LAC reviews held in the month that were in timescale.
- ``cp_conferences_in_timescale`` and ``cp_conferences_in_timescale.<type>``: the same for CP
  conferences, all together and by conference type.
- ``conferences_held.<type>``: conferences held, by type.
- ``late_meetings`` and ``late_meetings.<reason>``: meetings held out of timescale, by the
  reason recorded ("No reason recorded" when none).
- ``not_judged`` and ``not_judged.<type>``: meetings held whose timeliness the data cannot
  judge (the return holding the event that starts their clock is not imported), by meeting
  type. They are counted here, apart: never in the percentages above, never as late.
- ``participation_4_and_over`` (% PN1-PN6) and ``participation.<code>``: LAC reviews of
  children aged 4 and over at the review, by participation code ("not recorded" included).
- ``reports_shared_with_parents_in_time``: % of reports for CP conferences held in the month
  shared with parents by their deadline.
- ``cp_plans_2_years_or_more``: % of CP plans ending in the month that had lasted 2 years.
- ``repeat_plans``: % of CP plans starting in the month that are a second or later plan.
- IRO oversight (`reviewdesk.oversight.figures`): challenges raised (formal, informal, by
  theme) and, of those raised in the month, resolved within their timescale
  (`challenges_in_timescale`, as the dashboard and the oversight report count), LAC
  reviews with a midway review and IRO contact since the last, the child's voice (how views
  were gathered, advocacy offered and taken up, consultations returned) and CP conferences
  not quorate.

RAG and exceptions (docs/domain.md, "What managers are shown"). Targets are the setting
``targets``: a number (the target %) or ``{"target": T, "red_below": R}``. Green: on or better
than target. Red: worse than ``red_below`` (default 10 points worse than the target). Amber:
between. A month is an exception when it is red, or 5% or more off target (relative variance),
or worse than the month before for three months running.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from reviewdesk.casework.register import Register
from reviewdesk.casework.rows import fetch_rows, no_gc
from reviewdesk.codes import MEETING_TYPE_LABEL, PARTICIPATION, MeetingType, Process
from reviewdesk.engine import apply_rule, meeting_deadlines
from reviewdesk.errors import InvalidInput
from reviewdesk.flags.deadlines import report_deadline
from reviewdesk.oversight.figures import oversight_measures
from reviewdesk.settings import get_setting
from reviewdesk.storage.models import LateReason, Meeting, Report
from reviewdesk.vocabulary import age_on, format_uk

#: Rows where a lower figure is better (the RAG and trend rules turn round).
LOWER_IS_BETTER = frozenset({"cp_plans_2_years_or_more", "repeat_plans"})
#: Relative variance from target that makes an exception ("5% or more": docs/domain.md).
EXCEPTION_VARIANCE = 0.05
#: Months of deterioration in a row that make an exception.
TREND_RUN = 3
#: Default gap (percentage points) from target beyond which a figure is red.
DEFAULT_RED_GAP = 10.0

_CP_TYPES = [t for t in MeetingType if t is not MeetingType.LAC_REVIEW]
_CONTRIBUTING = frozenset({"PN1", "PN2", "PN3", "PN4", "PN5", "PN6"})


@dataclass(frozen=True)
class Cell:
    """One month's figure: a count, or a percentage (numerator out of denominator)."""

    numerator: int
    denominator: int | None = None  # None for plain counts

    @property
    def value(self) -> float | None:
        if self.denominator is None:
            return float(self.numerator)
        if self.denominator == 0:
            return None
        return 100.0 * self.numerator / self.denominator


@dataclass(frozen=True)
class MeasureRow:
    key: str
    label: str
    unit: str  # "%" or "count"
    cells: tuple[Cell, ...]  # one per month
    total: Cell
    target: float | None = None
    rag: tuple[str | None, ...] = ()  # "green"/"amber"/"red" per month (None: no figure)
    exceptions: tuple[tuple[str, ...], ...] = ()  # per month: why it is an exception
    #: Worse than this is red: the council's ``red_below``, else `DEFAULT_RED_GAP` worse
    #: than the target (None with no target).
    red_line: float | None = None


@dataclass(frozen=True)
class LateMeeting:
    """A meeting held out of timescale in the period, and why (the reason recorded, and the
    note beside it): what the ``late_meetings`` counts are made of, for a manager to read."""

    meeting_id: int
    child_id: int
    child_local_id: str
    label: str  # "LAC review 3", "1st review CP conference"
    held: dt.date
    due: dt.date
    reason: str  # the reason's words, "Other (see note)" or "No reason recorded"
    note: str = ""

    @property
    def days_late(self) -> int:
        return (self.held - self.due).days


@dataclass
class MeasuresReport:
    start: dt.date
    end: dt.date
    months: tuple[dt.date, ...]  # first day of each month
    rows: list[MeasureRow] = field(default_factory=list)
    #: The meetings held out of timescale, by the day held (the ``late_meetings`` rows).
    late: list[LateMeeting] = field(default_factory=list)

    def row(self, key: str) -> MeasureRow:
        for r in self.rows:
            if r.key == key:
                return r
        raise KeyError(key)


def months_between(start: dt.date, end: dt.date) -> tuple[dt.date, ...]:
    if end < start:
        raise InvalidInput(f"--to {format_uk(end)} is before --from {format_uk(start)}")
    out, day = [], start.replace(day=1)
    while day <= end:
        out.append(day)
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return tuple(out)


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


class _Tally:
    """Numerators and denominators per (row key, month)."""

    def __init__(self) -> None:
        self.num: dict[str, Counter] = defaultdict(Counter)
        self.den: dict[str, Counter] = defaultdict(Counter)
        self.labels: dict[str, tuple[str, str]] = {}

    def percent(self, key: str, label: str, month: dt.date, hit: bool) -> None:
        self.labels.setdefault(key, (label, "%"))
        self.den[key][month] += 1
        if hit:
            self.num[key][month] += 1

    def count(self, key: str, label: str, month: dt.date, n: int = 1) -> None:
        self.labels.setdefault(key, (label, "count"))
        self.num[key][month] += n

    def declare(self, key: str, label: str, unit: str) -> None:
        """Name a row; a declared label wins over the blank one a count may have set first."""
        self.labels[key] = (label, unit)


def _target(targets: Mapping[str, Any], key: str) -> tuple[float | None, float | None]:
    value = targets.get(key)
    if value is None:
        return None, None
    if isinstance(value, Mapping):
        target = float(value["target"])
        red = value.get("red_below")
        return target, float(red) if red is not None else None
    return float(value), None


def rag_rating(
    value: float | None, target: float | None, red_line: float | None, lower_better: bool
) -> str | None:
    """Green on or better than target; red worse than the red line; amber between."""
    if value is None or target is None:
        return None
    sign = -1.0 if lower_better else 1.0
    if red_line is None:
        red_line = target - sign * DEFAULT_RED_GAP
    if sign * (value - target) >= 0:
        return "green"
    if sign * (value - red_line) < 0:
        return "red"
    return "amber"


def exception_reasons(
    values: list[float | None],
    index: int,
    target: float | None,
    rag: str | None,
    lower_better: bool,
) -> tuple[str, ...]:
    """Why month ``index`` is reported by exception (empty when it is not)."""
    reasons = []
    value = values[index]
    if rag == "red":
        reasons.append("red")
    if value is not None and target:
        worse_by = (target - value) if not lower_better else (value - target)
        if worse_by / target >= EXCEPTION_VARIANCE:
            reasons.append(f"{100 * worse_by / target:.1f}% off target")
    if index >= TREND_RUN:
        run = values[index - TREND_RUN : index + 1]
        if all(v is not None for v in run):
            pairs = zip(run, run[1:], strict=False)
            if all((b > a) if lower_better else (b < a) for a, b in pairs):
                reasons.append(f"worse {TREND_RUN} months running")
    return tuple(reasons)


def compute_measures(
    session: Session,
    *,
    start: dt.date,
    end: dt.date,
    register: Register | None = None,
    meetings_only: bool = False,
) -> MeasuresReport:
    """Every measure for each month from ``start`` to ``end`` (inclusive, whole dates).

    Read as a window (`Register` with ``window_from=start``): only what these months need,
    older history counted rather than read. ``register``: another reading of every child as
    of ``end`` to count from instead (the tests pass the whole history: the same report).
    ``meetings_only``: only the measures of the meetings held (timeliness, participation,
    late meetings), not reports, plans or IRO oversight (the dashboard's chart)."""
    months = months_between(start, end)
    report = MeasuresReport(start, end, months)
    with no_gc():
        if register is None:
            register = Register(session, as_of=end, window_from=start)
        _fill(session, register, report, start, end, meetings_only)
    return report


def _fill(
    session: Session,
    data: Register,
    report: MeasuresReport,
    start: dt.date,
    end: dt.date,
    meetings_only: bool = False,
) -> None:
    tally = _Tally()
    tally.declare("lac_reviews_in_timescale", "LAC reviews held in timescale", "%")
    tally.declare("cp_conferences_in_timescale", "CP conferences held in timescale", "%")
    for t in _CP_TYPES:
        label = MEETING_TYPE_LABEL[t]
        tally.declare(f"cp_conferences_in_timescale.{t.value}", f"{label}: in timescale", "%")
    for t in _CP_TYPES:
        tally.declare(f"conferences_held.{t.value}", f"{MEETING_TYPE_LABEL[t]}: held", "count")
    tally.declare("late_meetings", "Meetings held out of timescale", "count")
    tally.declare("not_judged", "Meetings held the data cannot judge", "count")
    for t in (MeetingType.LAC_REVIEW, *_CP_TYPES):
        tally.declare(f"not_judged.{t.value}", f"{MEETING_TYPE_LABEL[t]}: not judged", "count")

    reasons = dict(session.execute(select(LateReason.id, LateReason.text)).all())
    held = data.with_details(
        [
            m
            for m in data.meetings
            if m.status == "held" and m.held_date is not None and start <= m.held_date <= end
        ],
        where=(Meeting.held_date >= start) & (Meeting.held_date <= end),
    )
    held_in_range: dict[int, Any] = {}
    late_by_reason: dict[str, Counter] = defaultdict(Counter)
    for m in held:
        held_in_range[m.id] = m
        month = _month(m.held_date)
        timeliness = data.statuses[m.child_id].meetings.get(m.id)
        on_time = timeliness.in_timescale if timeliness is not None else None
        if m.id in data.statuses[m.child_id].unknown:
            tally.count("not_judged", "", month)
            tally.count(f"not_judged.{m.meeting_type}", "", month)
        if m.meeting_type == MeetingType.LAC_REVIEW.value:
            if on_time is not None:
                tally.percent("lac_reviews_in_timescale", "", month, on_time)
            child = data.children.get(m.child_id)
            if child is not None and child.dob is not None and age_on(child.dob, m.held_date) >= 4:
                code = m.participation
                tally.percent("participation_4_and_over", "", month, code in _CONTRIBUTING)
                key = code if code in PARTICIPATION else "not_recorded"
                tally.count(f"participation.{key}", "", month)
        else:
            tally.count(f"conferences_held.{m.meeting_type}", "", month)
            if on_time is not None:
                tally.percent("cp_conferences_in_timescale", "", month, on_time)
                tally.percent(f"cp_conferences_in_timescale.{m.meeting_type}", "", month, on_time)
        if on_time is False:
            tally.count("late_meetings", "", month)
            text = None
            if m.late_reason_id is not None:
                text = reasons.get(m.late_reason_id)
            note = (m.late_reason_note or "").strip()
            if text is None and note:
                text = "Other (see note)"
            text = text or "No reason recorded"
            late_by_reason[text][month] += 1
            child = data.children.get(m.child_id)
            report.late.append(
                LateMeeting(
                    m.id,
                    m.child_id,
                    (child.local_id or "") if child is not None else "",
                    data.label(m),  # by the one rule
                    m.held_date,
                    timeliness.due.date,
                    text,
                    note,
                )
            )
    report.late.sort(key=lambda x: (x.held, x.child_local_id, x.meeting_id))

    for text in sorted(late_by_reason):
        key = f"late_meetings.{text}"
        tally.declare(key, f"Late: {text}", "count")
        for month, n in late_by_reason[text].items():
            tally.count(key, "", month, n)
    tally.declare("participation_4_and_over", "Participation aged 4+ (PN1-PN6)", "%")
    for code in (*PARTICIPATION, "not_recorded"):
        if code == "PN0":
            continue
        tally.declare(f"participation.{code}", f"Aged 4+: {code}", "count")

    if not meetings_only:
        _fill_reports_plans_oversight(session, data, tally, held_in_range, start, end)
    _rows(session, tally, report)


def _fill_reports_plans_oversight(
    session: Session,
    data: Register,
    tally: _Tally,
    held_in_range: dict[int, Any],
    start: dt.date,
    end: dt.date,
) -> None:
    """The measures of reports, CP plans and IRO oversight."""
    rules, calendar = data.rules, data.calendar
    # Reports for CP conferences held in the period, shared with parents by the deadline.
    tally.declare(
        "reports_shared_with_parents_in_time", "Reports shared with parents by the deadline", "%"
    )
    if held_in_range:
        report_rows = fetch_rows(
            session,
            select(Report.meeting_id, Report.rule_id, Report.shared_with_parents)
            .join(Meeting, Meeting.id == Report.meeting_id)
            .where(
                Meeting.held_date >= start,
                Meeting.held_date <= end,
                Meeting.process == Process.CP.value,  # only CP reports go to parents
            ),
        )
        cache: dict[tuple[str, dt.date], list] = {}
        for r in report_rows:
            m = held_in_range.get(r.meeting_id)
            if m is None or m.process != "cp":
                continue
            key = (m.meeting_type, m.held_date)
            if key not in cache:
                cache[key] = meeting_deadlines(
                    m.meeting_type, m.held_date, rules=rules, calendar=calendar
                )
            deadline = report_deadline(cache[key], r.rule_id)
            if deadline is None:
                continue
            hit = r.shared_with_parents is not None and r.shared_with_parents <= deadline.date
            tally.percent("reports_shared_with_parents_in_time", "", _month(m.held_date), hit)

    # CP plans: ending after 2 years or more; second or later plans starting.
    tally.declare("cp_plans_2_years_or_more", "CP plans ending that lasted 2 years or more", "%")
    tally.declare("repeat_plans", "CP plans starting that are a second or later plan", "%")
    two_years = rules.get("cp.plan.2_years")
    earlier: dict[int, list[dt.date]] = defaultdict(list)
    for p in data.plans:
        earlier[p.child_id].append(p.start)
    for p in data.plans:
        if p.end_date is not None and start <= p.end_date <= end:
            lasted = p.end_date >= apply_rule(two_years, p.start, calendar).date
            tally.percent("cp_plans_2_years_or_more", "", _month(p.end_date), lasted)
        if start <= p.start <= end:
            repeat = (p.previous_plans or 0) > 0 or any(s < p.start for s in earlier[p.child_id])
            tally.percent("repeat_plans", "", _month(p.start), repeat)

    for measure in oversight_measures(session, data, start=start, end=end):
        tally.declare(measure.key, measure.label, measure.unit)
        for month, value in measure.entries:
            if measure.unit == "%":
                tally.percent(measure.key, "", month, bool(value))
            else:
                tally.count(measure.key, "", month, int(value))


def _rows(session: Session, tally: _Tally, report: MeasuresReport) -> None:
    """The report's rows from the tally, with their targets and RAG ratings."""
    targets = get_setting(session, "targets") or {}
    for key, (label, unit) in tally.labels.items():
        cells = tuple(
            Cell(tally.num[key][m], tally.den[key][m] if unit == "%" else None)
            for m in report.months
        )
        total = Cell(
            sum(tally.num[key].values()), sum(tally.den[key].values()) if unit == "%" else None
        )
        target, red_line = _target(targets, key)
        if target is None and key.startswith("cp_conferences_in_timescale."):
            target, red_line = _target(targets, "cp_conferences_in_timescale")
        lower = key in LOWER_IS_BETTER
        values = [c.value for c in cells]
        rag = tuple(rag_rating(v, target, red_line, lower) for v in values)
        exceptions = (
            tuple(exception_reasons(values, i, target, rag[i], lower) for i in range(len(values)))
            if target is not None
            else tuple(() for _ in values)
        )
        if red_line is None and target is not None:
            red_line = target + (DEFAULT_RED_GAP if lower else -DEFAULT_RED_GAP)
        report.rows.append(
            MeasureRow(key, label, unit, cells, total, target, rag, exceptions, red_line)
        )
