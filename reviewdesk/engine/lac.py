"""Looked-after children: when each review is due, and whether each was held in timescale.

Care Planning, Placement and Case Review (England) Regulations 2010, reg 33: the 1st review
within 20 working days of becoming looked after, the 2nd within 3 months of the 1st, later
ones within 6 months of the previous. Later reviews count from the date the previous review was
actually held (so an early review moves the clock). A new period of care starts again at the
1st review. A series of short breaks (legal status V3/V4, reg 48) has its own rules, and is
kept as one period of care covering the series.

When some of a period's history is not in the data (``PeriodInput.gaps``: a yearly return
not imported), a review whose previous review may lie in a gap is not judged
(`ReviewOutcome.unknown` says why), nor is one whose rule depends on a number the data cannot
give (the 2nd review is due within 3 months of the 1st, later ones within 6); and an open
period whose next review cannot be dated is `Undetermined`, not overdue.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from reviewdesk.codes import SHORT_BREAK_STATUSES, MeetingType
from reviewdesk.engine.explain import DueDate, apply_rule
from reviewdesk.engine.gaps import Gap, Undetermined, gap_between, gap_through
from reviewdesk.kept import KeptAnswers
from reviewdesk.rules import Rule, RuleSet
from reviewdesk.vocabulary import open_on
from reviewdesk.workingdays import WorkingCalendar


@dataclass(frozen=True)
class PeriodInput:
    """A period of care: its start, its end (None while open) and its legal status.

    ``prior_reviews`` lets a caller pass a truncated history: that many reviews were held in
    this period before the ones given, the last of them on ``prior_last_held``. The reviews
    given are then numbered from ``prior_reviews + 1`` and the first of them is due counting
    from ``prior_last_held``, exactly as with the full history (which callers need not read
    when only recent reviews matter). Give only reviews held on or after ``prior_last_held``.

    ``gaps``: stretches of the period's history that are not in the data (see
    `reviewdesk.engine.gaps`); reviews counted from them are not judged.
    """

    start: dt.date
    end: dt.date | None = None
    legal_status: str | None = None
    prior_reviews: int = 0
    prior_last_held: dt.date | None = None
    gaps: tuple[Gap, ...] = ()

    def __post_init__(self) -> None:
        if self.prior_reviews < 0 or (self.prior_reviews > 0) != (self.prior_last_held is not None):
            raise ValueError(
                "prior_reviews must be 0 with no prior_last_held, or positive with one"
            )

    @property
    def short_breaks(self) -> bool:
        return self.legal_status in SHORT_BREAK_STATUSES


@dataclass(frozen=True)
class ReviewOutcome:
    """A review held: its number in its period, when it was due, and if it was on time.

    ``due`` is None when the data cannot say (``unknown`` says why); ``sequence_known`` is
    False when reviews may be missing before it (``sequence`` is then the least it can be).
    """

    period_index: int
    sequence: int
    held: dt.date
    due: DueDate | None
    unknown: str | None = None
    sequence_known: bool = True

    @property
    def in_timescale(self) -> bool | None:
        return None if self.due is None else self.held <= self.due.date


@dataclass(frozen=True)
class NextMeeting:
    """The next meeting due for an open case, and whether it is already overdue."""

    meeting_type: str
    #: Its number (LAC: in the period of care; CP: review on the plan); None when a meeting
    #: may be missing before it (a return not imported).
    sequence: int | None
    due: DueDate
    overdue: bool
    period_index: int | None = None
    episode_index: int | None = None

    @property
    def record_index(self) -> int | None:
        """The index of the CP episode (plan or enquiry) or period of care it is for."""
        return self.episode_index if self.episode_index is not None else self.period_index


@dataclass(frozen=True)
class PeriodDeadlines:
    """Deadlines that count from the day a child became looked after."""

    period_index: int
    notify_iro_service: DueDate
    iro_allocated: DueDate


@dataclass(frozen=True)
class LacSchedule:
    """``next_due`` is the earliest of ``nexts``, the next review of each open period (one,
    unless periods overlap); an open period whose next review the data cannot date is in
    ``undetermined`` instead."""

    reviews: tuple[ReviewOutcome, ...]
    next_due: NextMeeting | None
    period_deadlines: tuple[PeriodDeadlines, ...]
    #: Reviews that fall in no period of care up to the as-of date (bad data to show).
    unplaced: tuple[dt.date, ...] = ()
    nexts: tuple[NextMeeting, ...] = ()
    undetermined: tuple[Undetermined, ...] = ()


def _rule_ids(period: PeriodInput) -> tuple[str, str, str]:
    if period.short_breaks:
        return "lac.short_breaks.first", "lac.short_breaks.later", "lac.short_breaks.later"
    return "lac.review.first", "lac.review.second", "lac.review.later"


def _review_due(
    period: PeriodInput,
    sequence: int,
    previous_held: dt.date | None,
    rules: RuleSet,
    calendar: WorkingCalendar,
) -> DueDate:
    """A review's due date, cached: refreshing every open case asks the same questions.

    As in `apply_rule`, the key holds the rule's and calendar's identity (`KeptAnswers`).
    The event text depends only on the rule and the sequence, both in the key.
    """
    first, second, later = _rule_ids(period)
    rule = rules.get(first if sequence == 1 else second if sequence == 2 else later)
    anchor = period.start if sequence == 1 else previous_held
    key = (id(rule), id(calendar), sequence, anchor)
    hit = _DUE.entries.get(key)
    if hit is not None:
        return hit[0]
    if sequence == 1:
        event = "first short break" if period.short_breaks else "became looked after"
    else:
        assert previous_held is not None
        event = f"{_ordinal(sequence - 1)} review held"
    return _DUE.keep(key, apply_rule(rule, anchor, calendar, event=event), rule, calendar)


_DUE = KeptAnswers(131_072)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def lac_schedule(
    periods: Sequence[PeriodInput],
    reviews_held: Sequence[dt.date],
    *,
    rules: RuleSet,
    calendar: WorkingCalendar,
    as_of: dt.date,
) -> LacSchedule:
    """Every review assessed and the next one due, as things stood on ``as_of``.

    Periods starting and reviews held after ``as_of`` are ignored, so the same history gives
    the same answer for any past date.
    """
    held = sorted(d for d in reviews_held if d <= as_of)
    if len(periods) == 1 and not periods[0].gaps:
        # Nearly always: no periods to order, reviews to share out or gaps to mind.
        return _one_period(periods[0], held, rules, calendar, as_of)
    return _periods(periods, held, rules, calendar, as_of)


def _periods(
    periods: Sequence[PeriodInput],
    held: list[dt.date],
    rules: RuleSet,
    calendar: WorkingCalendar,
    as_of: dt.date,
) -> LacSchedule:
    """`lac_schedule` for any number of periods (``held`` sorted, none after ``as_of``): each
    review goes to the period it was held in, the first that covers it."""
    ordered = sorted((p for p in periods if p.start <= as_of), key=lambda p: p.start)
    outcomes: list[ReviewOutcome] = []
    deadlines: list[PeriodDeadlines] = []
    placed: set[int] = set()
    nexts: list[NextMeeting] = []
    undetermined: list[Undetermined] = []

    for index, period in enumerate(ordered):
        is_open = open_on(period.start, period.end, as_of)
        last_day = as_of if is_open else period.end
        deadlines.append(
            PeriodDeadlines(
                index,
                apply_rule(rules.get("lac.notify_iro_service"), period.start, calendar),
                apply_rule(rules.get("lac.iro_allocated"), period.start, calendar),
            )
        )
        in_period = [
            (i, d) for i, d in enumerate(held) if period.start <= d <= last_day and i not in placed
        ]
        previous = period.prior_last_held
        sequence = period.prior_reviews
        for i, day in in_period:
            placed.add(i)
            sequence += 1
            if period.gaps:
                outcomes.append(_judged(period, index, sequence, previous, day, rules, calendar))
            else:
                due = _review_due(period, sequence, previous, rules, calendar)
                outcomes.append(ReviewOutcome(index, sequence, day, due))
            previous = day
        if not is_open:
            continue
        next_one = _next(period, index, sequence + 1, previous, rules, calendar, as_of)
        (nexts if isinstance(next_one, NextMeeting) else undetermined).append(next_one)

    unplaced = tuple(d for i, d in enumerate(held) if i not in placed)
    # Of overlapping open periods (bad data), the last to start gives next_due, as before.
    next_due = nexts[-1] if nexts else None
    return LacSchedule(
        tuple(outcomes),
        next_due,
        tuple(deadlines),
        unplaced,
        tuple(sorted(nexts, key=lambda n: n.due.date)),
        tuple(undetermined),
    )


def _number_gap(period: PeriodInput, day: dt.date) -> Gap | None:
    """A gap between the period's start and ``day``: reviews may be missing, so a review's
    number is only the least it can be."""
    return gap_between(period.gaps, period.start, day)


def _ambiguous(period: PeriodInput, sequence: int, rules: RuleSet) -> tuple[Rule, Rule] | None:
    """The rules of the 2nd review and of a later one, when a review numbered at least
    ``sequence`` may follow either and they differ; None when the rule is the same."""
    _first, second, later = _rule_ids(period)
    if sequence != 2 or second == later:
        return None
    return rules.get(second), rules.get(later)


def _uncertain_due(
    period: PeriodInput,
    sequence: int,
    previous: dt.date | None,
    day: dt.date,
    rules: RuleSet,
    calendar: WorkingCalendar,
) -> tuple[DueDate | None, str | None, bool]:
    """A review's due date where the period has gaps: (due, why unknown, number known)."""
    anchor = previous or period.start
    gap = gap_between(period.gaps, anchor, day)
    if gap is not None:
        return None, f"previous review not in the data ({gap.why})", False
    number_gap = _number_gap(period, day)
    if number_gap is None:
        return _review_due(period, sequence, previous, rules, calendar), None, True
    both = _ambiguous(period, sequence, rules)
    if both is not None:
        second, later = both
        why = (
            f"review number not in the data: the 2nd review is due {second.limit.describe()} "
            f"after the 1st, a later one {later.limit.describe()} after the previous "
            f"({number_gap.why})"
        )
        return None, why, False
    # At least the 3rd (or a short break's 2nd): the same rule whatever its number.
    _first, second, later = _rule_ids(period)
    rule = rules.get(second if sequence == 2 else later)
    return apply_rule(rule, anchor, calendar, event="previous review held"), None, False


def _judged(
    period: PeriodInput,
    index: int,
    sequence: int,
    previous: dt.date | None,
    day: dt.date,
    rules: RuleSet,
    calendar: WorkingCalendar,
) -> ReviewOutcome:
    """A held review of a period with gaps: judged when the data allows, else why not."""
    due, why, known = _uncertain_due(period, sequence, previous, day, rules, calendar)
    return ReviewOutcome(index, sequence, day, due, why, known)


def _next(
    period: PeriodInput,
    index: int,
    sequence: int,
    previous: dt.date | None,
    rules: RuleSet,
    calendar: WorkingCalendar,
    as_of: dt.date,
) -> NextMeeting | Undetermined:
    """The next review of an open period, or why the data cannot date it."""
    kind = MeetingType.LAC_REVIEW.value
    if not period.gaps:
        due = _review_due(period, sequence, previous, rules, calendar)
        return NextMeeting(kind, sequence, due, as_of > due.date, index)
    gap = gap_through(period.gaps, previous or period.start, as_of)
    if gap is not None:
        why = f"a review may have been held that is not in the data ({gap.why})"
        return Undetermined(kind, sequence, why, period_index=index)
    due, why, known = _uncertain_due(
        period, sequence, previous, as_of + dt.timedelta(days=1), rules, calendar
    )
    if due is None:
        return Undetermined(kind, sequence, why or "", period_index=index)
    # Dated, but its number is not known when a review may be missing before it.
    return NextMeeting(kind, sequence if known else None, due, as_of > due.date, index)


def _one_period(
    period: PeriodInput,
    held: list[dt.date],
    rules: RuleSet,
    calendar: WorkingCalendar,
    as_of: dt.date,
) -> LacSchedule:
    """`lac_schedule` for a single period of care (``held`` sorted, none after ``as_of``):
    the same answer, without the sorting and sharing out that several periods need."""
    start = period.start
    if start > as_of:
        return LacSchedule((), None, (), tuple(held))
    is_open = open_on(start, period.end, as_of)
    last_day = as_of if is_open else period.end
    deadlines = _first_period_deadlines(start, rules, calendar)
    outcomes = []
    previous = period.prior_last_held
    sequence = period.prior_reviews
    unplaced = ()
    for day in held:
        if start <= day <= last_day:
            sequence += 1
            outcomes.append(
                ReviewOutcome(
                    0, sequence, day, _review_due(period, sequence, previous, rules, calendar)
                )
            )
            previous = day
        else:
            unplaced += (day,)
    next_due = None
    if is_open:
        due = _review_due(period, sequence + 1, previous, rules, calendar)
        next_due = NextMeeting(MeetingType.LAC_REVIEW.value, sequence + 1, due, as_of > due.date, 0)
    nexts = (next_due,) if next_due is not None else ()
    return LacSchedule(tuple(outcomes), next_due, deadlines, unplaced, nexts)


def _first_period_deadlines(
    start: dt.date, rules: RuleSet, calendar: WorkingCalendar
) -> tuple[PeriodDeadlines]:
    """The deadlines of a child's only period, cached as `_review_due` is (every open case
    asks; many share a start date)."""
    notify, allocated = rules.get("lac.notify_iro_service"), rules.get("lac.iro_allocated")
    key = (id(notify), id(allocated), id(calendar), start)
    hit = _PERIODS.entries.get(key)
    if hit is not None:
        return hit[0]
    deadlines = (
        PeriodDeadlines(
            0, apply_rule(notify, start, calendar), apply_rule(allocated, start, calendar)
        ),
    )
    return _PERIODS.keep(key, deadlines, notify, allocated, calendar)


_PERIODS = KeptAnswers(131_072)
