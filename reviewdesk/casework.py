"""From the case register to the due-date engine: every case's schedule as of a date, fast.

This is the bridge other parts of reviewdesk use (flags, workload, measures, export, the UI,
PDF packs) to ask "what is due, and was each meeting on time?" without knowing how the rows
are shaped. It reads the register in a handful of set-based queries (never one query per
child), selects only the columns it needs as plain rows (no ORM objects), builds the engine's
plain inputs, and runs the pure engine (`reviewdesk.engine`) once per child.

Public API:

- `load_case_statuses(session, *, as_of, rules=None, calendar=None, child_ids=None,
  open_only=False) -> dict[int, CaseStatus]`: child id to that child's status.
- `load_case_data(...)`: the same, with the rows read (`CaseData`), for callers that go on to
  look at meetings, periods, plans or reports without reading them again.
- `load_children_data(session, child_ids, *, as_of, rules=None, calendar=None) -> CaseData`:
  the same for one child or a few, with the whole history, fast enough for every click (the
  child's page and dialogs, through `reviewdesk.casedues`).
- `with_held(data, held, *, as_of) -> CaseData`: the statuses again with some meetings taken
  as held on given dates (nothing saved).
- `CaseStatus`: the LAC and CP schedules, the next meeting due, and per meeting row its due
  date and whether it is (or, for a booked meeting, will be) in timescale.

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
  latest episode that had started by its date.
- Anything dated after ``as_of`` (held dates, periods, enquiries) is ignored by the engine, so
  the same register answers for any past date.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections import defaultdict, namedtuple
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cache, partial
from typing import Any, NamedTuple

from sqlalchemy import Date, Time, and_, false, func, literal_column, or_, select, union
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import bindparam

from reviewdesk.codes import INITIAL_CONFERENCES, MeetingStatus, MeetingType, Process
from reviewdesk.engine import (
    CpEpisodeInput,
    CpSchedule,
    DueDate,
    LacSchedule,
    NextMeeting,
    PeriodInput,
    cp_schedule,
    lac_schedule,
)
from reviewdesk.rules import RuleSet
from reviewdesk.settings import working_context
from reviewdesk.storage.models import Child, CpEnquiry, CpPlan, Episode, Meeting, PeriodOfCare
from reviewdesk.workingdays import WorkingCalendar

#: Statuses of meetings that still count (cancelled and stood-down ones do not).
LIVE_STATUSES = frozenset(
    {MeetingStatus.BOOKED.value, MeetingStatus.HELD.value, MeetingStatus.ADJOURNED.value}
)
_INITIAL = frozenset(t.value for t in INITIAL_CONFERENCES)
_REVIEW_CONFERENCES = frozenset({MeetingType.RCPC_FIRST.value, MeetingType.RCPC_SUBSEQUENT.value})
_LAC_REVIEW = MeetingType.LAC_REVIEW.value
_HELD = MeetingStatus.HELD.value


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
    #: care; CP: 0 for the initial conference, then 1, 2... for review conferences).
    sequence: int | None = None


@dataclass(frozen=True)
class CaseStatus:
    """One child's position as of a date.

    ``next_due`` is the earliest next meeting due across LAC and CP (None when the child has
    no open case). ``lac``/``cp`` are None when the child has no such history (or, when read
    with ``open_only``, nothing open in that process). ``meetings`` maps a meeting row's id
    to its `MeetingTimeliness`; cancelled and stood-down meetings, and meetings the engine
    cannot place, have no entry.
    """

    child_id: int
    lac: LacSchedule | None
    cp: CpSchedule | None
    next_due: NextMeeting | None
    meetings: Mapping[int, MeetingTimeliness] = field(default_factory=dict)

    @property
    def lac_open(self) -> bool:
        """Looked after on the as-of date (an open period of care)."""
        return self.lac is not None and self.lac.next_due is not None

    @property
    def cp_open(self) -> bool:
        """An open CP episode: an initial conference awaited, or a plan in force."""
        return self.cp is not None and self.cp.next_due is not None

    @property
    def is_open(self) -> bool:
        return self.next_due is not None

    def next_for(self, process: str) -> NextMeeting | None:
        """The next meeting due for one process ("lac" or "cp")."""
        schedule = self.lac if process == Process.LAC.value else self.cp
        return schedule.next_due if schedule is not None else None


@dataclass
class CaseData:
    """The rows read for a set of children, and their statuses.

    Rows are SQLAlchemy `Row` tuples with named fields (see the ``_*_COLUMNS`` lists below):
    ``children`` by id; ``periods``, ``plans``, ``enquiries`` and ``meetings`` as lists.
    """

    as_of: dt.date
    rules: RuleSet
    calendar: WorkingCalendar
    children: dict[int, Any]
    periods: list[Any]
    enquiries: list[Any]
    plans: list[Any]
    meetings: list[Any]
    statuses: dict[int, CaseStatus]
    period_status: dict[int, str | None] = field(default_factory=dict)
    child_ids: list[int] | None = None
    open_only: bool = False
    #: With ``held_since``, LAC reviews held before it were counted, not read (see
    #: `load_case_data`): they are not in ``meetings`` and have no timeliness; and
    #: ``periods`` (and ``period_status``) hold only the periods open on ``as_of``.
    held_since: dt.date | None = None

    #: The children the rows were read for (None: every child).
    scope: list[int] | None = None
    #: The meeting rows carry `MEETING_DETAIL_COLUMNS` too.
    details: bool = False

    def restrict(self, stmt, child_column):
        """A SELECT narrowed to the same children as this data (for follow-up queries)."""
        return _restrict(stmt, child_column, self.scope)


_CHILD_COLUMNS = (
    Child.id,
    Child.first_name,
    Child.last_name,
    Child.local_id,
    Child.dob,
    Child.expected_delivery,
    Child.team_id,
)
_PERIOD_COLUMNS = (
    PeriodOfCare.id,
    PeriodOfCare.child_id,
    PeriodOfCare.start,
    PeriodOfCare.end_date,
    PeriodOfCare.iro_id,
    PeriodOfCare.iro_notified,
    PeriodOfCare.iro_allocated,
)
_ENQUIRY_COLUMNS = (
    CpEnquiry.id,
    CpEnquiry.child_id,
    CpEnquiry.route,
    CpEnquiry.strategy_date,
    CpEnquiry.notified_date,
    CpEnquiry.icpc_not_required,
    CpEnquiry.closed_date,
)
_PLAN_COLUMNS = (
    CpPlan.id,
    CpPlan.child_id,
    CpPlan.enquiry_id,
    CpPlan.start,
    CpPlan.end_date,
    CpPlan.chair_id,
    CpPlan.previous_plans,
)
#: What the engine and the per-meeting map need. `MEETING_DETAIL_COLUMNS` has what flags add.
_MEETING_COLUMNS = (
    Meeting.id,
    Meeting.child_id,
    Meeting.process,
    Meeting.meeting_type,
    Meeting.sequence,
    Meeting.enquiry_id,
    Meeting.plan_id,
    Meeting.status,
    Meeting.booked_date,
    Meeting.held_date,
    Meeting.chair_id,
)
#: What flags read besides (the double-booking check reads times, rooms and clerks itself).
MEETING_DETAIL_COLUMNS = (
    Meeting.id,
    Meeting.participation,
    Meeting.late_reason_id,
    Meeting.late_reason_note,
    Meeting.consultation_sent,
    Meeting.decisions_issued,
    Meeting.minutes_distributed,
)


#: The legal status of a period's first episode (the earliest; of two on the same day, the
#: first recorded): the status the engine reads for the period. Read with the period itself.
_FIRST_STATUS = (
    select(Episode.legal_status)
    .where(Episode.period_id == PeriodOfCare.id)
    .order_by(Episode.start, Episode.id)
    .limit(1)
    .correlate(PeriodOfCare)
    .scalar_subquery()
    .label("first_status")
)
#: What `load_case_data` reads of a period of care.
_PERIOD_SELECT = (*_PERIOD_COLUMNS, _FIRST_STATUS)


@cache
def _row_type(names: tuple[str, ...]) -> type:
    return namedtuple("Row", names)  # noqa: PYI024 - plain, fast tuples


def fetch_rows(session: Session, stmt) -> list[Any]:
    """Run a Core SELECT; plain named tuples, dates and times parsed in one fast pass.

    SQLite keeps dates as ISO text: parsing them with `date.fromisoformat` here is several
    times faster than per-value type processing, which matters at 100,000 children. Other
    databases return date objects, which pass through as they are.
    """
    conn = session.connection()
    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True})
    columns = list(stmt.selected_columns)
    names = tuple(c.key for c in columns)
    fix = [
        (i, dt.date.fromisoformat if isinstance(c.type, Date) else dt.time.fromisoformat)
        for i, c in enumerate(columns)
        if isinstance(c.type, Date | Time)
    ]
    row_type = _row_type(names)
    raw = conn.exec_driver_sql(str(compiled)).cursor.fetchall()
    if not raw:
        return []
    make = partial(tuple.__new__, row_type)  # a named tuple from a plain one, all in C
    if not fix:
        return list(map(make, raw))
    # Column by column. A register has a few thousand distinct dates among hundreds of
    # thousands of values: each distinct text is parsed once, the rest is a dict lookup.
    values = list(zip(*raw, strict=True))
    for i, parse in fix:
        column = values[i]
        parsed = {v: parse(v) if v.__class__ is str else v for v in set(column)}
        values[i] = map(parsed.__getitem__, column)
    return list(map(make, zip(*values, strict=True)))


@contextmanager
def no_gc() -> Iterator[None]:
    """Keep the cyclic garbage collector out of a pass over a large register.

    Reading 100,000 children makes millions of small objects (rows, dates, due dates) that
    hold no reference cycles. Left alone, the collector walks them again and again, costing
    more than the work. So collection pauses inside the block, and on leaving it the objects
    that survive are frozen (`gc.freeze`): ordinary reference counting still frees them, but
    later collections skip them. The next block unfreezes what was frozen before, so nothing
    stays out of the collector's sight for longer than one pass.
    """
    was_enabled = gc.isenabled()
    gc.unfreeze()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def period_open(as_of: dt.date):
    """SQL for 'this period of care is open on ``as_of``': started by then and not yet ended
    (a period ending that day is closed). The one definition every query uses."""
    return and_(
        PeriodOfCare.start <= as_of,
        or_(PeriodOfCare.end_date.is_(None), PeriodOfCare.end_date > as_of),
    )


def plan_open(as_of: dt.date):
    """SQL for 'this CP plan is in force on ``as_of``' (as `period_open`)."""
    return and_(CpPlan.start <= as_of, or_(CpPlan.end_date.is_(None), CpPlan.end_date > as_of))


def enquiry_awaiting_conference(as_of: dt.date):
    """SQL for 'this CP enquiry awaits its initial conference on ``as_of``': started, not
    closed, not recorded as needing none, and no plan made from it yet."""
    planned = select(CpPlan.enquiry_id).where(CpPlan.enquiry_id.is_not(None), CpPlan.start <= as_of)
    return and_(
        or_(CpEnquiry.closed_date.is_(None), CpEnquiry.closed_date > as_of),
        CpEnquiry.icpc_not_required == false(),
        or_(CpEnquiry.strategy_date <= as_of, CpEnquiry.notified_date <= as_of),
        CpEnquiry.id.not_in(planned),
    )


def open_case_ids_query(as_of: dt.date):
    """A SELECT of the ids of children with (possibly) an open case on ``as_of``.

    A superset: an open period of care, an open plan, or an enquiry started, not closed and
    with no plan yet (an initial conference awaited). The engine decides the rest.
    """
    return union(
        select(PeriodOfCare.child_id).where(period_open(as_of)),
        select(CpPlan.child_id).where(plan_open(as_of)),
        select(CpEnquiry.child_id).where(enquiry_awaiting_conference(as_of)),
    )


def _in_list(column, ids: list[int]):
    """``column IN (1, 2, ...)`` written out: one list however long, no bound parameters.

    Ids come from the database as integers, so writing them into the SQL is safe; it spares
    re-running the open-cases query inside every statement, and has no parameter limit.
    """
    if not ids:
        return false()
    name = f"{column.table.name}.{column.name}"
    # literal_column, not text(): text() scans its string for bind parameters, which for
    # 100,000 ids costs more than running the query. The id list is written once per list.
    return literal_column(f"{name} IN ({_id_list(ids)})")


#: ``column IN (ids...)`` written out (public for follow-up reads by id, e.g. flags).
id_in = _in_list

_ID_LISTS: dict[int, tuple[list[int], str]] = {}


def _id_list(ids: list[int]) -> str:
    """'1,2,3' for a list of ids, remembered for the last few lists (they are reused for
    every statement of one read)."""
    known = _ID_LISTS.get(id(ids))
    if known is not None and known[0] is ids:
        return known[1]
    written = ",".join(map(str, map(int, ids)))
    if len(_ID_LISTS) >= 4:
        _ID_LISTS.clear()
    _ID_LISTS[id(ids)] = (ids, written)
    return written


def _restrict(stmt, column, scope: list[int] | None):
    return stmt if scope is None else stmt.where(_in_list(column, scope))


def _rules_and_calendar(
    session: Session, rules: RuleSet | None, calendar: WorkingCalendar | None
) -> tuple[RuleSet, WorkingCalendar]:
    """The rules and calendar given, or those in force for this database."""
    if rules is None or calendar is None:
        ctx_rules, ctx_calendar = working_context(session)
        rules = rules or ctx_rules
        calendar = calendar or ctx_calendar
    return rules, calendar


def _first_episode_status(periods: Iterable[Any]) -> dict[int, str | None]:
    """Period id -> the legal status of its first episode (`_PERIOD_SELECT` rows)."""
    return {p.id: p.first_status for p in periods}


def load_case_data(
    session: Session,
    *,
    as_of: dt.date,
    rules: RuleSet | None = None,
    calendar: WorkingCalendar | None = None,
    child_ids: Iterable[int] | None = None,
    open_only: bool = False,
    held_since: dt.date | None = None,
    details: bool = False,
) -> CaseData:
    """Read the rows for the chosen children and compute every child's `CaseStatus`.

    ``child_ids`` limits the children (default: all); ``open_only`` keeps only children with
    an open case on ``as_of`` (flags and workload need no others). ``rules`` and ``calendar``
    default to those in force for this database (`settings.working_context`).

    ``held_since`` (with ``open_only``; on or before ``as_of``) is for callers that look only
    at recent meetings, such as flags: LAC reviews held before it are not read, only counted
    (in SQL), and the engine numbers the rest from the count (`PeriodInput.prior_reviews`).
    CP review conferences held before it on a plan open on ``as_of`` are counted the same
    way (`CpEpisodeInput.prior_reviews`). Schedules and next meetings due are the same as
    with the whole history; reviews held before ``held_since`` have no `MeetingTimeliness`
    and no outcome in the schedules, and only the periods of care open on ``as_of`` are read.

    ``details`` adds `MEETING_DETAIL_COLUMNS` (participation, late reason, write-up dates) to the
    meeting rows, for callers that look at them (flags), in the same query.
    """
    rules, calendar = _rules_and_calendar(session, rules, calendar)
    ids = None if child_ids is None else sorted(set(child_ids))
    scope = ids
    if open_only:
        open_ids = [r[0] for r in fetch_rows(session, open_case_ids_query(as_of))]
        wanted = None if ids is None else set(ids)
        scope = sorted(i for i in open_ids if wanted is None or i in wanted)

    if held_since is not None and (not open_only or held_since > as_of):
        raise ValueError("held_since needs open_only and must be on or before as_of")

    def rows(columns, child_column):
        return fetch_rows(session, _restrict(select(*columns), child_column, scope))

    with no_gc():
        children = {r.id: r for r in rows(_CHILD_COLUMNS, Child.id)}
        period_stmt = select(*_PERIOD_SELECT)
        if held_since is not None:
            period_stmt = period_stmt.add_columns(*_prior_review_columns(held_since)).where(
                period_open(as_of)
            )
        periods = fetch_rows(session, _restrict(period_stmt, PeriodOfCare.child_id, scope))
        enquiries = rows(_ENQUIRY_COLUMNS, CpEnquiry.child_id)
        plans = rows(_PLAN_COLUMNS, CpPlan.child_id)
        meeting_columns = _MEETING_COLUMNS + (MEETING_DETAIL_COLUMNS[1:] if details else ())
        # The children first: SQLite tests the conditions in order, and most meetings are
        # other children's.
        meeting_stmt = _restrict(select(*meeting_columns), Meeting.child_id, scope)
        lac_prior: dict[int, tuple[int, dt.date]] = {}
        cp_prior: dict[int, tuple[int, dt.date]] = {}
        open_cp = None
        if held_since is not None:
            open_cp = _open_cp_by_child(enquiries, plans, as_of)
            open_plan_ids, kept_enquiry_ids = _open_cp_ids(open_cp)
            meeting_stmt = meeting_stmt.where(
                *_recent_meetings(held_since, as_of, open_plan_ids, kept_enquiry_ids)
            )
            lac_prior = _lac_prior_reviews(periods)
            cp_prior = _cp_prior_reviews(session, as_of, held_since, open_plan_ids)
        meetings = fetch_rows(session, meeting_stmt)

        period_status = _first_episode_status(periods)
        statuses = compute_statuses(
            children=children,
            periods=periods,
            enquiries=enquiries,
            plans=plans,
            meetings=meetings,
            period_status=period_status,
            rules=rules,
            calendar=calendar,
            as_of=as_of,
            open_only=open_only,
            lac_prior=lac_prior,
            cp_prior=cp_prior,
            held_since=held_since,
            open_cp=open_cp,
        )
    return CaseData(
        as_of=as_of,
        rules=rules,
        calendar=calendar,
        children=children,
        periods=periods,
        enquiries=enquiries,
        plans=plans,
        meetings=meetings,
        statuses=statuses,
        period_status=period_status,
        child_ids=ids,
        open_only=open_only,
        held_since=held_since,
        scope=scope,
        details=details,
    )


def _prior_review_columns(held_since: dt.date) -> tuple[Any, Any]:
    """Two columns for a period-of-care SELECT: the number and the last date of LAC reviews
    held in the period (on or after its start) before ``held_since``: the reviews counted,
    not read. Correlated lookups on the meeting index, one period at a time."""
    held_before = (
        select(func.count())
        .where(
            Meeting.child_id == PeriodOfCare.child_id,
            Meeting.process == Process.LAC.value,
            Meeting.meeting_type == _LAC_REVIEW,
            Meeting.status == _HELD,
            Meeting.held_date >= PeriodOfCare.start,
            Meeting.held_date < held_since,
        )
        .correlate(PeriodOfCare)
    )
    last = held_before.with_only_columns(func.max(Meeting.held_date), maintain_column_froms=True)
    return (
        held_before.scalar_subquery().label("prior_reviews"),
        last.scalar_subquery().label("prior_last_held"),
    )


def _lac_prior_reviews(periods: Iterable[Any]) -> dict[int, tuple[int, dt.date]]:
    """Child id -> (number, last date) of LAC reviews counted in the child's open period of
    care (the earliest open one, where the engine places them), from period rows read with
    `_prior_review_columns`."""
    earliest: dict[int, Any] = {}
    for p in periods:
        known = earliest.get(p.child_id)
        if known is None or p.start < known.start:
            earliest[p.child_id] = p
    return {
        child_id: (p.prior_reviews, p.prior_last_held)
        for child_id, p in earliest.items()
        if p.prior_reviews
    }


def _cp_review_counted(as_of: dt.date):
    """SQL for 'this held CP review conference is on its child's plan that is open on
    ``as_of``, on or after the plan started' (the engine would place it in that plan's
    episode). With the held-before-``held_since`` conditions, the reviews counted, not read.
    """
    return (
        select(CpPlan.id)
        .where(
            CpPlan.id == Meeting.plan_id,
            CpPlan.child_id == Meeting.child_id,
            CpPlan.start <= Meeting.held_date,
            plan_open(as_of),
        )
        .exists()
    )


def _old_cp_held(held_since: dt.date):
    return and_(
        Meeting.process == Process.CP.value,
        Meeting.status == _HELD,
        Meeting.held_date < held_since,
    )


def _open_cp_by_child(
    enquiries: list[Any], plans: list[Any], as_of: dt.date
) -> dict[int, tuple[list[Any], list[Any]]]:
    """Child id -> the enquiries and plans of their CP episodes open on ``as_of``
    (`_open_cp`), for every child with any."""
    enquiries_by, plans_by = _group(enquiries), _group(plans)
    return {
        child_id: _open_cp(enquiries_by.get(child_id, []), plans_by.get(child_id, []), as_of)
        for child_id in enquiries_by.keys() | plans_by.keys()
    }


def _open_cp_ids(
    open_cp: Mapping[int, tuple[list[Any], list[Any]]],
) -> tuple[list[int], list[int]]:
    """Ids of the plans and enquiries in `_open_cp_by_child`'s answer."""
    plan_ids = [p.id for _, plans in open_cp.values() for p in plans]
    enquiry_ids = [e.id for enquiries, _ in open_cp.values() for e in enquiries]
    return sorted(plan_ids), sorted(enquiry_ids)


def _recent_meetings(
    held_since: dt.date, as_of: dt.date, open_plan_ids: list[int], kept_enquiry_ids: list[int]
) -> list:
    """Conditions leaving out the meetings the ``held_since`` path counts or can ignore.

    Left out: cancelled and stood-down meetings (never counted); LAC reviews held before
    ``held_since`` (counted, `_lac_prior_reviews`); CP review conferences held before it on
    an open plan (counted, `_cp_prior_reviews`); and CP meetings held before it that are
    linked only to episodes not open on ``as_of`` (the engine drops them, as `_cp_episodes`
    does, and flags look only at meetings held since ``held_since``). The ids are those of
    `_open_cp_ids` for the children read.
    """
    old_cp = _old_cp_held(held_since)
    unplaced = and_(
        or_(Meeting.plan_id.is_not(None), Meeting.enquiry_id.is_not(None)),
        or_(Meeting.plan_id.is_(None), ~_in_list(Meeting.plan_id, open_plan_ids)),
        or_(Meeting.enquiry_id.is_(None), ~_in_list(Meeting.enquiry_id, kept_enquiry_ids)),
    )
    return [
        Meeting.status.in_(sorted(LIVE_STATUSES)),
        or_(
            Meeting.process != Process.LAC.value,
            Meeting.meeting_type != _LAC_REVIEW,
            Meeting.status != _HELD,
            Meeting.held_date.is_(None),
            Meeting.held_date >= held_since,
        ),
        ~and_(old_cp, unplaced),
        ~and_(
            old_cp,
            Meeting.meeting_type.in_(sorted(_REVIEW_CONFERENCES)),
            _cp_review_counted(as_of),
        ),
    ]


def _cp_prior_reviews(
    session: Session, as_of: dt.date, held_since: dt.date, open_plan_ids: list[int]
) -> dict[int, tuple[int, dt.date]]:
    """Plan id -> (number, last date) of the CP review conferences counted, not read (those
    `_recent_meetings` leaves out as counted), looked up from the open plans' ids."""
    stmt = (
        select(
            Meeting.plan_id,
            func.count().label("n"),
            func.max(Meeting.held_date).label("last"),
        )
        .where(
            _in_list(Meeting.plan_id, open_plan_ids),
            _old_cp_held(held_since),
            Meeting.meeting_type.in_(sorted(_REVIEW_CONFERENCES)),
            _cp_review_counted(as_of),
        )
        .group_by(Meeting.plan_id)
    )
    return {r.plan_id: (r.n, r.last) for r in fetch_rows(session, stmt)}


def load_case_statuses(
    session: Session,
    *,
    as_of: dt.date,
    rules: RuleSet | None = None,
    calendar: WorkingCalendar | None = None,
    child_ids: Iterable[int] | None = None,
    open_only: bool = False,
) -> dict[int, CaseStatus]:
    """Child id -> `CaseStatus` as of ``as_of``, for the chosen children (default all).

    Children with no periods of care and no CP history get a status with no schedules.
    """
    return load_case_data(
        session,
        as_of=as_of,
        rules=rules,
        calendar=calendar,
        child_ids=child_ids,
        open_only=open_only,
    ).statuses


# --- one child, or a few: the per-child path ------------------------------------------------

#: Up to this many children `load_children_data` reads with its own small statements; above
#: it, as `load_case_data` does.
FEW_CHILDREN = 500


@cache
def _few_children_selects() -> tuple[Any, ...]:
    """The SELECTs of `load_children_data`: the columns `load_case_data` reads, for the
    children in one expanding parameter ``ids``, in id order (as a table scan returns them).

    Built once, so SQLAlchemy compiles each once per dialect and reuses it: a child's rows
    cost a fraction of a millisecond, where `fetch_rows` (which writes the ids into the SQL,
    right for one read of very many children) compiles every statement afresh.
    """
    ids = bindparam("ids", expanding=True)
    return (
        select(*_CHILD_COLUMNS).where(Child.id.in_(ids)).order_by(Child.id),
        select(*_PERIOD_SELECT).where(PeriodOfCare.child_id.in_(ids)).order_by(PeriodOfCare.id),
        select(*_ENQUIRY_COLUMNS).where(CpEnquiry.child_id.in_(ids)).order_by(CpEnquiry.id),
        select(*_PLAN_COLUMNS).where(CpPlan.child_id.in_(ids)).order_by(CpPlan.id),
        select(*_MEETING_COLUMNS).where(Meeting.child_id.in_(ids)).order_by(Meeting.id),
    )


def load_children_data(
    session: Session,
    child_ids: Iterable[int],
    *,
    as_of: dt.date,
    rules: RuleSet | None = None,
    calendar: WorkingCalendar | None = None,
) -> CaseData:
    """A few children's rows, with their whole history, and their statuses as of ``as_of``.

    The per-child path (a child's page, the booking and recording dialogs): the same rows,
    mapping and statuses as ``load_case_data(child_ids=...)``, read with statements compiled
    once (a child takes about a millisecond). More than `FEW_CHILDREN` children are read by
    `load_case_data`. Ids with no child get no status.
    """
    ids = sorted(set(child_ids))
    if len(ids) > FEW_CHILDREN:
        return load_case_data(session, as_of=as_of, rules=rules, calendar=calendar, child_ids=ids)
    rules, calendar = _rules_and_calendar(session, rules, calendar)
    conn = session.connection()
    read = []
    for stmt in _few_children_selects():
        result = conn.execute(stmt, {"ids": ids})
        row_type = _row_type(tuple(result.keys()))
        read.append([row_type(*r) for r in result])
    child_rows, periods, enquiries, plans, meetings = read
    data = CaseData(
        as_of=as_of,
        rules=rules,
        calendar=calendar,
        children={r.id: r for r in child_rows},
        periods=periods,
        enquiries=enquiries,
        plans=plans,
        meetings=meetings,
        statuses={},
        period_status=_first_episode_status(periods),
        child_ids=ids,
        scope=ids,
    )
    return _recomputed(data, meetings, as_of=as_of)


def with_held(data: CaseData, held: Mapping[int, dt.date], *, as_of: dt.date) -> CaseData:
    """The same rows with the meetings in ``held`` (id -> date) taken as held on those
    dates, and the statuses computed again as of ``as_of``. Nothing is saved.

    For "what if" questions, such as the next meeting's due date the recording dialog shows
    before the outcome is saved. Needs the whole history (``data`` read without
    ``held_since``); ids not among the rows read change nothing.
    """
    if data.held_since is not None:
        raise ValueError("with_held needs the whole history (read without held_since)")
    meetings = [
        m._replace(status=_HELD, held_date=held[m.id]) if m.id in held else m for m in data.meetings
    ]
    return _recomputed(data, meetings, as_of=as_of)


def _recomputed(data: CaseData, meetings: list[Any], *, as_of: dt.date) -> CaseData:
    """``data`` with these meeting rows, and its children's statuses computed from its rows
    as of ``as_of``."""
    statuses = compute_statuses(
        children=data.children,
        periods=data.periods,
        enquiries=data.enquiries,
        plans=data.plans,
        meetings=meetings,
        period_status=data.period_status,
        rules=data.rules,
        calendar=data.calendar,
        as_of=as_of,
        open_only=data.open_only,
    )
    return replace(data, as_of=as_of, meetings=meetings, statuses=statuses)


# --- building the engine's inputs -----------------------------------------------------------


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
) -> tuple[list[CpEpisodeInput], dict[int, int]]:
    """The child's CP episodes (in start order) and each CP meeting's episode index.

    ``cp_prior``: plan id -> (number, last date) of review conferences held on that plan
    before ``held_since`` and left out of ``cp_meetings`` (see `load_case_data`). Reviews
    held before ``held_since`` that were read all the same (not linked to the plan, placed in
    its episode by date) are added to that count, as the engine wants only later ones."""
    plan_by_enquiry: dict[int, Any] = {}
    loose_plans = []
    enquiry_ids = {e.id for e in enquiries}
    for plan in sorted(plans, key=lambda p: p.start):
        if plan.enquiry_id in enquiry_ids and plan.enquiry_id not in plan_by_enquiry:
            plan_by_enquiry[plan.enquiry_id] = plan
        else:
            loose_plans.append(plan)

    # (start date, enquiry or None, plan or None), in start order.
    units: list[tuple[dt.date, Any, Any]] = []
    for e in enquiries:
        plan = plan_by_enquiry.get(e.id)
        start = _episode_start(e) or (plan.start if plan else None) or dt.date.min
        units.append((start, e, plan))
    for plan in loose_plans:
        units.append((plan.start, None, plan))
    units.sort(key=lambda u: (u[0], u[1].id if u[1] is not None else 0))

    by_enquiry = {u[1].id: i for i, u in enumerate(units) if u[1] is not None}
    by_plan = {u[2].id: i for i, u in enumerate(units) if u[2] is not None}
    meeting_episode: dict[int, int] = {}
    for m in cp_meetings:
        index = by_plan.get(m.plan_id)
        if index is None:
            index = by_enquiry.get(m.enquiry_id)
        if index is None:
            if m.plan_id is not None or m.enquiry_id is not None:
                continue  # linked to an episode not read (closed, with ``open_only``)
            day = m.held_date or m.booked_date
            index = -1
            for i, (start, _, _) in enumerate(units):
                if day is None or start <= day:
                    index = i
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
    for i, (_, e, plan) in enumerate(units):
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
            )
        )
    return episodes, meeting_episode


def _open_cp(enquiries: list[Any], plans: list[Any], as_of: dt.date) -> tuple[list[Any], list[Any]]:
    """The enquiries and plans of CP episodes that may be open on ``as_of``.

    An open plan (with its enquiry), or an enquiry started, not closed and without a plan
    yet (its initial conference awaited).
    """
    open_plans = [
        p for p in plans if p.start <= as_of and (p.end_date is None or p.end_date > as_of)
    ]
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


def _booked_timeliness(m: Any, nxt: NextMeeting | None) -> MeetingTimeliness | None:
    if nxt is None:
        return None
    day = m.booked_date
    return MeetingTimeliness(nxt.due, None if day is None else day <= nxt.due.date, nxt.sequence)


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
) -> LacSchedule | None:
    """One child's LAC schedule from its period rows and live LAC meeting rows; each
    meeting's `MeetingTimeliness` is added to ``per_meeting``. (See `compute_statuses`.)"""
    held_from = None
    if open_only:
        # Only the period open on the as-of date matters; reviews before it belong to
        # earlier periods and cannot change its schedule.
        periods = [
            p for p in periods if p.start <= as_of and (p.end_date is None or p.end_date > as_of)
        ]
        if not periods:
            return None
        held_from = min(p.start for p in periods)
    if prior is None:
        inputs = [PeriodInput(p.start, p.end_date, period_status.get(p.id)) for p in periods]
    else:
        # The engine places every review from the earliest open period's start in it (the
        # first of equal starts, as its sort is stable): that period takes the prior count.
        first = min(periods, key=_start)
        inputs = [
            PeriodInput(p.start, p.end_date, period_status.get(p.id), *prior)
            if p is first
            else PeriodInput(p.start, p.end_date, period_status.get(p.id))
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
            if outcome is not None:
                per_meeting[m.id] = MeetingTimeliness(
                    outcome.due, outcome.in_timescale, outcome.sequence
                )
        elif next_due is not None:  # booked (as `_booked_timeliness`)
            day = m.booked_date
            per_meeting[m.id] = MeetingTimeliness(
                next_due.due, None if day is None else day <= next_due.due.date, next_due.sequence
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
) -> dict[int, CaseStatus]:
    """Run the engine for every child from rows already read (see `load_case_data`).

    With ``open_only``, a process with nothing open on ``as_of`` is not computed (its
    schedule is None), which is all flags and workload need. ``lac_prior`` (with
    ``open_only``): child id -> (number, last date) of LAC reviews held in the open period
    and left out of ``meetings``; ``cp_prior`` the same per CP plan id, for reviews held
    before ``held_since``. ``open_cp`` (with ``open_only``): `_open_cp_by_child`'s answer
    for the same rows, when already worked out.
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

    statuses: dict[int, CaseStatus] = {}
    child_ids = set(children) | set(periods_by) | set(enquiries_by) | set(plans_by)
    for child_id in child_ids:
        child = children.get(child_id)
        per_meeting: dict[int, MeetingTimeliness] = {}

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
            )

        cp = None
        child_enquiries = enquiries_by.get(child_id, [])
        child_plans = plans_by.get(child_id, [])
        if open_only and (child_enquiries or child_plans):
            if open_cp is not None:
                child_enquiries, child_plans = open_cp[child_id]
            else:
                child_enquiries, child_plans = _open_cp(child_enquiries, child_plans, as_of)
        if child_enquiries or child_plans:
            cp_meetings = cp_meetings_by.get(child_id, no_meetings)
            episodes, meeting_episode = _cp_episodes(
                child, child_enquiries, child_plans, cp_meetings, as_of, cp_prior, held_since
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
                        first = next(
                            (
                                o
                                for o in cp.conferences
                                if o.episode_index == index and o.sequence == 0
                            ),
                            None,
                        )
                        if first is not None and first.due is not None:
                            per_meeting[m.id] = MeetingTimeliness(
                                first.due, m.held_date <= first.due.date, 0
                            )
                        continue
                    if outcome is not None and outcome.due is not None:
                        per_meeting[m.id] = MeetingTimeliness(
                            outcome.due, outcome.in_timescale, outcome.sequence
                        )
                else:
                    nxt = cp.next_due
                    if nxt is not None and nxt.episode_index in (index, None):
                        t = _booked_timeliness(m, nxt)
                        if t is not None:
                            per_meeting[m.id] = t

        lac_next = lac.next_due if lac is not None else None
        cp_next = cp.next_due if cp is not None else None
        if lac_next is None or cp_next is None:
            next_due = lac_next or cp_next
        else:
            next_due = cp_next if cp_next.due.date < lac_next.due.date else lac_next
        statuses[child_id] = CaseStatus(child_id, lac, cp, next_due, per_meeting)
    return statuses
