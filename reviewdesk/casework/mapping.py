"""From the register's rows to the due-date engine and back: pure, no database.

How the register maps to the engine:

- A period of care's legal status is its first episode's (the earliest; of two starting the
  same day, the first recorded), so a series of short breaks (V3/V4) follows the short-break
  rules.
- LAC reviews held are meetings of type ``lac_review`` with status ``held`` and a held date.
- A CP episode is a `CpEnquiry` (s47 strategy discussion or transfer-in) with its `CpPlan`
  (the plan whose ``enquiry_id`` names it), its initial conference (the earliest held initial
  conference of any type linked to the enquiry or plan) and the review conferences held on the
  plan. A plan with no enquiry is an episode of its own. The enquiry is pre-birth when the
  child was unborn at the strategy discussion: no date of birth, or one after the strategy
  date; the child's expected delivery date then applies.
- Meetings are linked by ``plan_id``/``enquiry_id``; a CP meeting with neither is given to the
  latest episode that had started by its date, except a held initial conference that episode
  cannot own (it has its own, linked, or had ended): that is an episode of its own, whose
  clock is not in the data (a CIN census's conference with no s47, rule 2885).
- ``gaps`` (`reviewdesk.casework.coverage`): per process, the stretches whose records are in a
  return not imported; each period, plan and enquiry is given those that touch it, and the
  engine says what it cannot judge (`CaseStatus.unknown`, ``undetermined``).
- Only live meetings count (`vocabulary.LIVE_STATUSES`); anything dated after ``as_of`` (held
  dates, periods, enquiries) is ignored by the engine, so the same register answers for any
  past date.

Rows are any objects with the fields of `reviewdesk.casework.rows` (named tuples there).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from reviewdesk.codes import (
    INITIAL_CONFERENCES,
    REVIEW_CONFERENCES,
    MeetingStatus,
    MeetingType,
    Process,
)
from reviewdesk.engine import (
    CpEpisodeInput,
    CpSchedule,
    DueDate,
    Gap,
    LacSchedule,
    NextMeeting,
    PeriodInput,
    Undetermined,
    cp_schedule,
    lac_schedule,
)
from reviewdesk.rules import RuleSet
from reviewdesk.vocabulary import LIVE_STATUSES, is_upcoming, meeting_label, open_on
from reviewdesk.workingdays import WorkingCalendar

_LAC_REVIEW = MeetingType.LAC_REVIEW.value
_HELD = MeetingStatus.HELD.value
_LAC = Process.LAC.value
_INITIAL = frozenset(t.value for t in INITIAL_CONFERENCES)
_REVIEW_CONFERENCES = frozenset(t.value for t in REVIEW_CONFERENCES)


class MeetingTimeliness(NamedTuple):
    """A meeting row's due date and whether it is in timescale.

    For a meeting held (on or before the as-of date): held on or before its due date. For a
    meeting still booked: whether its booked date is on or before the due date (None when it
    has no date yet). ``in_timescale`` is None too when the history does not say what started
    the clock (e.g. a CP plan imported without its enquiry).
    """

    due: DueDate
    in_timescale: bool | None
    #: The meeting's number as the engine counts it (LAC: 1st, 2nd... review in the period of
    #: care; CP: 0 for the initial conference, then 1, 2... for review conferences); None when
    #: meetings may be missing before it (a return not imported).
    sequence: int | None = None
    #: The engine's index of its CP episode (plan or enquiry) or period of care, so a next
    #: meeting of the same one can be found among several (`CaseStatus.nexts_for`).
    episode: int | None = None


def meeting_number(
    timeliness: MeetingTimeliness | None, typed: int | None, *, uncounted: bool
) -> int | None:
    """A meeting's number ('LAC review 4', '2nd review CP conference'), the one rule every
    list, letter, flag and document names a meeting by: the engine's count when it places
    the meeting (``timeliness``; None when meetings may be missing before it); None, shown
    unnumbered, when the engine cannot count it (``uncounted``: a meeting held it cannot
    judge, or one still to come in a process whose next meeting it cannot date); ``typed``,
    the number stored with the meeting, only for a meeting the engine cannot place (called
    off, or in no period or plan open on the as-of date)."""
    if timeliness is not None:
        return timeliness.sequence
    return None if uncounted else typed


@dataclass(frozen=True)
class DueNotKnown:
    """An open case none of whose next meetings the data can date: shown as "not known" in
    the case list's "Next due", with why (never left blank like a closed case)."""

    #: "Next LAC review: previous review not in the data (...)", one per undated meeting.
    reasons: tuple[str, ...]

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


@dataclass(frozen=True)
class CaseStatus:
    """One child's position as of a date.

    ``next_due`` is the earliest next meeting due across LAC and CP (None when the child has
    no open case, or none the data can date). ``lac``/``cp`` are None when the child has no
    such history (or, when read with ``open_only``, nothing open in that process).
    ``meetings`` maps a meeting row's id to its `MeetingTimeliness`; cancelled and
    stood-down meetings, and meetings the engine cannot place, have no entry. ``unknown``
    maps a held meeting whose timeliness the data cannot judge to why ("previous conference
    not in the data (...)"); such a meeting has no `MeetingTimeliness`.

    A child may have several next meetings due: one per open plan and per enquiry awaiting
    its conference, and the open period of care (`nexts_for`); those the data cannot date
    are `undetermined_for` instead.
    """

    child_id: int
    lac: LacSchedule | None
    cp: CpSchedule | None
    next_due: NextMeeting | None
    meetings: Mapping[int, MeetingTimeliness] = field(default_factory=dict)
    unknown: Mapping[int, str] = field(default_factory=dict)

    @property
    def lac_open(self) -> bool:
        """Looked after on the as-of date (an open period of care)."""
        return self.lac is not None and bool(self.lac.next_due or self.lac.undetermined)

    @property
    def cp_open(self) -> bool:
        """An open CP episode: an initial conference awaited, or a plan in force."""
        return self.cp is not None and bool(self.cp.next_due or self.cp.undetermined)

    @property
    def is_open(self) -> bool:
        return self.lac_open or self.cp_open

    def _schedule(self, process: str) -> LacSchedule | CpSchedule | None:
        return self.lac if process == _LAC else self.cp

    def next_for(self, process: str) -> NextMeeting | None:
        """The earliest next meeting due for one process ("lac" or "cp")."""
        schedule = self._schedule(process)
        return schedule.next_due if schedule is not None else None

    def nexts_for(self, process: str) -> tuple[NextMeeting, ...]:
        """Every next meeting due for one process: per open plan, enquiry or period."""
        schedule = self._schedule(process)
        return schedule.nexts if schedule is not None else ()

    def undetermined_for(self, process: str) -> tuple[Undetermined, ...]:
        """Open plans, enquiries or periods whose next meeting the data cannot date."""
        schedule = self._schedule(process)
        return schedule.undetermined if schedule is not None else ()

    def sequence(self, meeting: Any, as_of: dt.date) -> int | None:
        """``meeting``'s number as the engine counts it as of ``as_of`` (`meeting_number`);
        ``meeting`` has ``id``, ``process``, ``status``, ``held_date`` and ``sequence`` (the
        number typed in). ``as_of`` is the date these statuses were worked out for."""
        timeliness = self.meetings.get(meeting.id)
        if timeliness is not None:  # (most meetings: the rest of the test not needed)
            return timeliness.sequence
        uncounted = meeting.id in self.unknown or (
            is_upcoming(meeting.status, meeting.held_date, as_of)
            and bool(self.undetermined_for(meeting.process))
        )
        return meeting_number(None, meeting.sequence, uncounted=uncounted)

    def label(self, meeting: Any, as_of: dt.date) -> str:
        """'LAC review 4': ``meeting`` named with its number as the engine counts it
        (`sequence`)."""
        return meeting_label(meeting.meeting_type, self.sequence(meeting, as_of))

    def next_due_shown(self) -> dt.date | DueNotKnown | None:
        """The case list's "Next due": the earliest next due date; `DueNotKnown` when the
        case is open but the data can date none of its next meetings; None when closed."""
        if self.next_due is not None:
            return self.next_due.due.date
        reasons = tuple(
            f"Next {meeting_label(u.meeting_type, None)}: {u.reason}"
            for process in (Process.LAC.value, Process.CP.value)
            for u in self.undetermined_for(process)
        )
        return DueNotKnown(reasons) if reasons else None


def counted_label(status: CaseStatus | None, meeting: Any, as_of: dt.date) -> str:
    """`CaseStatus.label` of ``meeting`` for a child whose status may not have been worked
    out (a register of open cases only): as typed in then, the engine placing none of it."""
    if status is None:
        return meeting_label(meeting.meeting_type, meeting.sequence)
    return status.label(meeting, as_of)


def next_dues_shown(statuses: Mapping[int, CaseStatus]) -> dict[int, dt.date | DueNotKnown]:
    """Child id -> the case list's "Next due" (`CaseStatus.next_due_shown`), for the open
    cases among ``statuses`` (the window's snapshot and the export read it here)."""
    out = {}
    for cid, status in statuses.items():
        shown = status.next_due_shown()
        if shown is not None:
            out[cid] = shown
    return out


def clip_gaps(gaps: tuple[Gap, ...], start: dt.date | None, end: dt.date | None) -> tuple[Gap, ...]:
    """The gaps that touch a record from ``start`` to ``end`` (None: open), so that a record
    wholly in the data is given none (and the engine its quickest path)."""
    if not gaps:
        return ()
    return tuple(
        g for g in gaps if (start is None or g.last >= start) and (end is None or g.first <= end)
    )


def _group(rows: Iterable[Any]) -> dict[int, list[Any]]:
    out: dict[int, list[Any]] = defaultdict(list)
    for r in rows:
        out[r.child_id].append(r)
    return out


def _is_prebirth(child: Any, enquiry: Any) -> bool:
    if enquiry.route != "s47" or enquiry.strategy_date is None:
        return False
    return child is None or child.dob is None or child.dob > enquiry.strategy_date


def _episode_start(enquiry: Any) -> dt.date | None:
    return enquiry.notified_date if enquiry.route == "transfer_in" else enquiry.strategy_date


def _cp_episodes(
    child: Any,
    enquiries: list[Any],
    plans: list[Any],
    cp_meetings: list[Any],
    as_of: dt.date,
    cp_prior: Mapping[int, tuple[int, dt.date]] | None = None,
    held_since: dt.date | None = None,
    gaps: tuple[Gap, ...] = (),
) -> tuple[list[CpEpisodeInput], dict[int, int]]:
    """The child's CP episodes (in start order) and each CP meeting's episode index.

    ``cp_prior``: plan id -> (number, last date) of review conferences held on that plan
    before ``held_since`` and left out of ``cp_meetings`` (a recent read,
    `reviewdesk.casework.rows.read_bulk`). Reviews held before ``held_since`` that were read
    all the same (not linked to the plan, placed in its episode by date) are added to that
    count, as the engine wants only later ones."""
    plan_by_enquiry: dict[int, Any] = {}
    loose_plans = []
    enquiry_ids = {e.id for e in enquiries}
    for plan in sorted(plans, key=lambda p: p.start):
        if plan.enquiry_id in enquiry_ids and plan.enquiry_id not in plan_by_enquiry:
            plan_by_enquiry[plan.enquiry_id] = plan
        else:
            loose_plans.append(plan)

    # (start date, enquiry or None, plan or None, loose initial conference id or 0).
    units: list[tuple[dt.date, Any, Any, int]] = []
    for e in enquiries:
        plan = plan_by_enquiry.get(e.id)
        start = _episode_start(e) or (plan.start if plan else None) or dt.date.min
        units.append((start, e, plan, 0))
    for plan in loose_plans:
        units.append((plan.start, None, plan, 0))
    units.sort(key=_unit_order)
    loose = _loose_initial(units, cp_meetings)
    if loose:
        units.extend((m.held_date, None, None, m.id) for m in loose)
        units.sort(key=_unit_order)

    by_enquiry = {u[1].id: i for i, u in enumerate(units) if u[1] is not None}
    by_plan = {u[2].id: i for i, u in enumerate(units) if u[2] is not None}
    by_loose = {u[3]: i for i, u in enumerate(units) if u[3]}
    meeting_episode: dict[int, int] = {}
    for m in cp_meetings:
        index = by_plan.get(m.plan_id)
        if index is None:
            index = by_enquiry.get(m.enquiry_id)
        if index is None:
            index = by_loose.get(m.id)
        if index is None:
            if m.plan_id is not None or m.enquiry_id is not None:
                continue  # linked to an episode not read (closed, with ``open_only``)
            index = _unit_by_date(units, m.held_date or m.booked_date)
            if index < 0:
                continue
        meeting_episode[m.id] = index

    initial: dict[int, tuple[dt.date, str]] = {}
    reviews: dict[int, list[dt.date]] = defaultdict(list)
    for m in cp_meetings:
        if m.status != _HELD or m.held_date is None or m.id not in meeting_episode:
            continue
        index = meeting_episode[m.id]
        if m.meeting_type in _INITIAL:
            known = initial.get(index)
            if known is None or m.held_date < known[0]:
                initial[index] = (m.held_date, m.meeting_type)
        elif m.meeting_type in _REVIEW_CONFERENCES:
            reviews[index].append(m.held_date)

    episodes = []
    for i, (start, e, plan, _loose) in enumerate(units):
        held, kind = initial.get(i, (None, None))
        prior = cp_prior.get(plan.id) if cp_prior and plan is not None else None
        held_reviews = sorted(reviews.get(i, ()))
        if prior is not None and held_since is not None:
            # (Reviews before the plan began count for nothing, as in the engine.)
            older = [d for d in held_reviews if plan.start <= d < held_since]
            if older:
                prior = (prior[0] + len(older), max(prior[1], older[-1]))
                held_reviews = [d for d in held_reviews if not plan.start <= d < held_since]
        episodes.append(
            CpEpisodeInput(
                route=e.route if e is not None else "s47",
                strategy_date=e.strategy_date if e is not None else None,
                notified_date=e.notified_date if e is not None else None,
                prebirth=e is not None and _is_prebirth(child, e),
                expected_delivery=child.expected_delivery if child is not None else None,
                initial_held=held,
                initial_type=kind,
                icpc_not_required=bool(e.icpc_not_required) if e is not None else False,
                closed=e.closed_date if e is not None else None,
                plan_start=plan.start if plan is not None else None,
                plan_end=plan.end_date if plan is not None else None,
                reviews_held=tuple(held_reviews),
                prior_reviews=prior[0] if prior else 0,
                prior_last_held=prior[1] if prior else None,
                gaps=clip_gaps(gaps, start, plan.end_date if plan is not None else None),
            )
        )
    return episodes, meeting_episode


def _unit_order(unit: tuple[dt.date, Any, Any, int]) -> tuple[dt.date, int, int]:
    return unit[0], unit[1].id if unit[1] is not None else 0, unit[3]


def _unit_by_date(units: list[tuple[dt.date, Any, Any, int]], day: dt.date | None) -> int:
    """The latest unit started by ``day`` (-1: none)."""
    index = -1
    for i, unit in enumerate(units):
        if day is None or unit[0] <= day:
            index = i
    return index


def _loose_initial(units: list[tuple[dt.date, Any, Any, int]], cp_meetings: list[Any]) -> list[Any]:
    """Held initial conferences linked to nothing that no episode can own: none started by
    their date, or the one that had has its own linked initial conference, or had ended."""
    linked = [m for m in cp_meetings if m.status == _HELD and m.meeting_type in _INITIAL]
    owned = {m.enquiry_id for m in linked if m.enquiry_id}
    owned |= {m.plan_id for m in linked if m.plan_id}
    loose = []
    for m in cp_meetings:
        if (
            m.status != _HELD
            or m.held_date is None
            or m.meeting_type not in _INITIAL
            or m.plan_id is not None
            or m.enquiry_id is not None
        ):
            continue
        index = _unit_by_date(units, m.held_date)
        if index < 0:
            loose.append(m)
            continue
        _start, e, plan, _ = units[index]
        plan_ended = plan is not None and plan.end_date is not None and plan.end_date < m.held_date
        closed = e is not None and e.closed_date is not None and e.closed_date < m.held_date
        has_own = (e is not None and e.id in owned) or (plan is not None and plan.id in owned)
        if plan_ended or closed or has_own:
            loose.append(m)
    return loose


def _open_cp(enquiries: list[Any], plans: list[Any], as_of: dt.date) -> tuple[list[Any], list[Any]]:
    """The enquiries and plans of CP episodes that may be open on ``as_of``.

    An open plan (with its enquiry), or an enquiry started, not closed and without a plan
    yet (its initial conference awaited).
    """
    open_plans = [p for p in plans if open_on(p.start, p.end_date, as_of)]
    keep = {p.enquiry_id for p in open_plans}
    planned = {p.enquiry_id for p in plans if p.start <= as_of}
    kept = []
    for e in enquiries:
        started = _episode_start(e)
        awaiting = (
            started is not None
            and started <= as_of
            and not e.icpc_not_required
            and (e.closed_date is None or e.closed_date > as_of)
            and e.id not in planned
        )
        if awaiting or e.id in keep:
            kept.append(e)
    return kept, open_plans


def open_cp_by_child(
    enquiries: list[Any], plans: list[Any], as_of: dt.date
) -> dict[int, tuple[list[Any], list[Any]]]:
    """Child id -> the enquiries and plans of their CP episodes open on ``as_of``
    (`_open_cp`), for every child with any."""
    enquiries_by, plans_by = _group(enquiries), _group(plans)
    return {
        child_id: _open_cp(enquiries_by.get(child_id, []), plans_by.get(child_id, []), as_of)
        for child_id in enquiries_by.keys() | plans_by.keys()
    }


def open_cp_ids(
    open_cp: Mapping[int, tuple[list[Any], list[Any]]],
) -> tuple[list[int], list[int]]:
    """Ids of the plans and enquiries in `open_cp_by_child`'s answer."""
    plan_ids = [p.id for _, plans in open_cp.values() for p in plans]
    enquiry_ids = [e.id for enquiries, _ in open_cp.values() for e in enquiries]
    return sorted(plan_ids), sorted(enquiry_ids)


def _booked_timeliness(m: Any, nxt: NextMeeting | None) -> MeetingTimeliness | None:
    if nxt is None:
        return None
    day = m.booked_date
    return MeetingTimeliness(
        nxt.due, None if day is None else day <= nxt.due.date, nxt.sequence, nxt.episode_index
    )


def _lac_status(
    periods: list[Any],
    meetings: list[Any],
    per_meeting: dict[int, MeetingTimeliness],
    period_status: Mapping[int, str | None],
    prior: tuple[int, dt.date] | None,
    open_only: bool,
    rules: RuleSet,
    calendar: WorkingCalendar,
    as_of: dt.date,
    gaps: tuple[Gap, ...] = (),
    unknown: dict[int, str] | None = None,
    period_prior: Mapping[int, tuple[int, dt.date]] | None = None,
) -> LacSchedule | None:
    """One child's LAC schedule from its period rows and live LAC meeting rows; each
    meeting's `MeetingTimeliness` is added to ``per_meeting`` (or why it cannot be judged to
    ``unknown``). (See `compute_statuses`.)"""
    held_from = None
    if open_only:
        # Only the period open on the as-of date matters; reviews before it belong to
        # earlier periods and cannot change its schedule.
        periods = [p for p in periods if open_on(p.start, p.end_date, as_of)]
        if not periods:
            return None
        held_from = min(p.start for p in periods)
    if period_prior or prior is None:
        # Each period takes its own count, if any (a window: `casework.rows.read_window`).
        counts = period_prior or {}
        inputs = [
            PeriodInput(
                p.start,
                p.end_date,
                period_status.get(p.id),
                *counts.get(p.id, (0, None)),
                gaps=clip_gaps(gaps, p.start, p.end_date),
            )
            for p in periods
        ]
    else:
        # The engine places every review from the earliest open period's start in it (the
        # first of equal starts, as its sort is stable): that period takes the prior count.
        first = min(periods, key=_start)
        inputs = [
            PeriodInput(
                p.start,
                p.end_date,
                period_status.get(p.id),
                *(prior if p is first else (0, None)),
                gaps=clip_gaps(gaps, p.start, p.end_date),
            )
            for p in periods
        ]
    if held_from is not None:
        meetings = [m for m in meetings if m.held_date is None or m.held_date >= held_from]
    held = [
        m.held_date
        for m in meetings
        if m.status == _HELD and m.held_date and m.meeting_type == _LAC_REVIEW
    ]
    lac = lac_schedule(inputs, held, rules=rules, calendar=calendar, as_of=as_of)
    reviews = lac.reviews
    outcome_by_day = {o.held: o for o in reviews} if reviews else {}
    next_due = lac.next_due
    for m in meetings:
        if m.status == _HELD and m.held_date and m.held_date <= as_of:
            outcome = outcome_by_day.get(m.held_date)
            if outcome is None:
                continue
            if outcome.due is None:
                if unknown is not None:
                    unknown[m.id] = outcome.unknown or ""
            else:
                per_meeting[m.id] = MeetingTimeliness(
                    outcome.due,
                    outcome.in_timescale,
                    outcome.sequence if outcome.sequence_known else None,
                    outcome.period_index,
                )
        elif next_due is not None:  # booked (as `_booked_timeliness`)
            day = m.booked_date
            per_meeting[m.id] = MeetingTimeliness(
                next_due.due,
                None if day is None else day <= next_due.due.date,
                next_due.sequence,
                next_due.period_index,
            )
    return lac


def _start(row: Any) -> dt.date:
    return row.start


def compute_statuses(
    *,
    children: Mapping[int, Any],
    periods: Iterable[Any],
    enquiries: Iterable[Any],
    plans: Iterable[Any],
    meetings: Iterable[Any],
    period_status: Mapping[int, str | None],
    rules: RuleSet,
    calendar: WorkingCalendar,
    as_of: dt.date,
    open_only: bool = False,
    lac_prior: Mapping[int, tuple[int, dt.date]] | None = None,
    cp_prior: Mapping[int, tuple[int, dt.date]] | None = None,
    held_since: dt.date | None = None,
    open_cp: Mapping[int, tuple[list[Any], list[Any]]] | None = None,
    gaps: Mapping[str, tuple[Gap, ...]] | None = None,
    period_prior: Mapping[int, tuple[int, dt.date]] | None = None,
) -> dict[int, CaseStatus]:
    """Run the engine for every child from rows already read (`reviewdesk.casework.rows`).

    With ``open_only``, a process with nothing open on ``as_of`` is not computed (its
    schedule is None), which is all flags and workload need. ``lac_prior`` (with
    ``open_only``): child id -> (number, last date) of LAC reviews held in the open period
    and left out of ``meetings``; ``cp_prior`` the same per CP plan id, for reviews held
    before ``held_since``. ``open_cp`` (with ``open_only``): `open_cp_by_child`'s answer
    for the same rows, when already worked out. ``gaps``: per process ("lac", "cp"), the
    stretches of history in returns not imported (`reviewdesk.casework.coverage`).
    ``period_prior``: period id -> (number, last date) of LAC reviews the period covers held
    before the meetings given (a window, `reviewdesk.casework.rows.read_window`).
    """
    periods_by = _group(periods)
    enquiries_by = _group(enquiries)
    plans_by = _group(plans)
    lac_value = Process.LAC.value
    lac_meetings_by: dict[int, list[Any]] = defaultdict(list)
    cp_meetings_by: dict[int, list[Any]] = defaultdict(list)
    for m in meetings:
        if m.status in LIVE_STATUSES:
            (lac_meetings_by if m.process == lac_value else cp_meetings_by)[m.child_id].append(m)
    no_meetings: list[Any] = []
    lac_gaps = gaps.get(lac_value, ()) if gaps else ()
    cp_gaps = gaps.get(Process.CP.value, ()) if gaps else ()

    statuses: dict[int, CaseStatus] = {}
    child_ids = set(children) | set(periods_by) | set(enquiries_by) | set(plans_by)
    for child_id in child_ids:
        child = children.get(child_id)
        per_meeting: dict[int, MeetingTimeliness] = {}
        unknown: dict[int, str] = {}

        lac = None
        child_periods = periods_by.get(child_id)
        if child_periods:
            lac = _lac_status(
                child_periods,
                lac_meetings_by.get(child_id, no_meetings),
                per_meeting,
                period_status,
                lac_prior.get(child_id) if lac_prior and open_only else None,
                open_only,
                rules,
                calendar,
                as_of,
                lac_gaps,
                unknown,
                period_prior,
            )

        cp = None
        child_enquiries = enquiries_by.get(child_id, [])
        child_plans = plans_by.get(child_id, [])
        if open_only and (child_enquiries or child_plans):
            if open_cp is not None:
                child_enquiries, child_plans = open_cp[child_id]
            else:
                child_enquiries, child_plans = _open_cp(child_enquiries, child_plans, as_of)
        cp_meetings = cp_meetings_by.get(child_id, no_meetings)
        if child_enquiries or child_plans or (cp_meetings and not open_only):
            episodes, meeting_episode = _cp_episodes(
                child,
                child_enquiries,
                child_plans,
                cp_meetings,
                as_of,
                cp_prior,
                held_since,
                cp_gaps,
            )
            cp = cp_schedule(episodes, rules=rules, calendar=calendar, as_of=as_of)
            outcomes = {(o.episode_index, o.held): o for o in cp.conferences}
            for m in cp_meetings:
                if m.id not in meeting_episode:
                    continue
                index = meeting_episode[m.id]
                if m.status == _HELD and m.held_date and m.held_date <= as_of:
                    outcome = outcomes.get((index, m.held_date))
                    if outcome is None and m.meeting_type in _INITIAL:
                        # A second initial conference (e.g. re-convened): same clock.
                        outcome = next(
                            (
                                o
                                for o in cp.conferences
                                if o.episode_index == index and o.sequence == 0
                            ),
                            None,
                        )
                    if outcome is None:
                        continue
                    if outcome.due is None:
                        unknown[m.id] = outcome.unknown or ""
                    else:
                        per_meeting[m.id] = MeetingTimeliness(
                            outcome.due,
                            m.held_date <= outcome.due.date,
                            outcome.sequence if outcome.sequence_known else None,
                            index,
                        )
                else:
                    # Booked: against the next conference of its own plan or enquiry.
                    nxt = next((n for n in cp.nexts if n.episode_index == index), None)
                    t = _booked_timeliness(m, nxt)
                    if t is not None:
                        per_meeting[m.id] = t

        lac_next = lac.next_due if lac is not None else None
        cp_next = cp.next_due if cp is not None else None
        if lac_next is None or cp_next is None:
            next_due = lac_next or cp_next
        else:
            next_due = cp_next if cp_next.due.date < lac_next.due.date else lac_next
        statuses[child_id] = CaseStatus(child_id, lac, cp, next_due, per_meeting, unknown)
    return statuses
