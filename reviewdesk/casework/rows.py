"""Reading the register's rows, fast: plain named tuples in a handful of set-based queries.

Never one query per child, never ORM objects: only the columns the mapping to the engine needs
(the ``*_COLUMNS`` lists below). Two readers give the same rows:

- `read_bulk`: any number of children (all of them, or those with a case open on a date),
  with the ids written into the SQL once; optionally a *recent* read, where meetings held
  before a date are counted in SQL rather than read.
- `read_few`: a few children by id, with statements compiled once (a child's page, a
  dialog): about a millisecond a child.
"""

from __future__ import annotations

import datetime as dt
import gc
import threading
from collections import OrderedDict, namedtuple
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache, partial
from typing import Any

from sqlalchemy import Date, Time, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import bindparam

from reviewdesk.casework.mapping import open_cp_by_child, open_cp_ids
from reviewdesk.casework.predicates import (
    IdList,
    cp_prior_columns,
    cp_review_counted,
    cp_review_counted_before,
    id_in,
    old_cp_held,
    open_case_ids_query,
    period_open,
    prior_review_columns,
    recent_meetings,
    restrict,
    window_child_ids_query,
)
from reviewdesk.codes import REVIEW_CONFERENCES, MeetingStatus, Process
from reviewdesk.storage.models import Child, CpEnquiry, CpPlan, Episode, Meeting, PeriodOfCare
from reviewdesk.vocabulary import LIVE_STATUSES

CHILD_COLUMNS = (
    Child.id,
    Child.first_name,
    Child.last_name,
    Child.local_id,
    Child.dob,
    Child.expected_delivery,
    Child.team_id,
)
PERIOD_COLUMNS = (
    PeriodOfCare.id,
    PeriodOfCare.child_id,
    PeriodOfCare.start,
    PeriodOfCare.end_date,
    PeriodOfCare.iro_id,
    PeriodOfCare.iro_notified,
    PeriodOfCare.iro_allocated,
)
ENQUIRY_COLUMNS = (
    CpEnquiry.id,
    CpEnquiry.child_id,
    CpEnquiry.route,
    CpEnquiry.strategy_date,
    CpEnquiry.notified_date,
    CpEnquiry.icpc_not_required,
    CpEnquiry.closed_date,
)
PLAN_COLUMNS = (
    CpPlan.id,
    CpPlan.child_id,
    CpPlan.enquiry_id,
    CpPlan.start,
    CpPlan.end_date,
    CpPlan.chair_id,
    CpPlan.previous_plans,
)
#: What the engine and the per-meeting map need. `MEETING_DETAIL_COLUMNS` has what flags add.
MEETING_COLUMNS = (
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
#: What is read of a period of care.
PERIOD_SELECT = (*PERIOD_COLUMNS, _FIRST_STATUS)


@dataclass(frozen=True)
class Rows:
    """The rows read for some children (see the ``*_COLUMNS`` lists for their fields).

    ``period_status``: period id -> the legal status of its first episode. For a recent read
    (`read_bulk` with ``held_since``), ``lac_prior`` maps a child to the (number, last date)
    of LAC reviews counted in its open period, ``cp_prior`` a plan to those of its review
    conferences, and ``open_cp`` each child's open CP enquiries and plans; and the meetings
    carry `MEETING_DETAIL_COLUMNS` too. For a window (`read_window`), ``period_prior`` maps a
    period of care to the (number, last date) of its LAC reviews counted, ``cp_prior`` a
    plan to those of its review conferences, and the meetings carry
    `MEETING_DETAIL_COLUMNS` too.
    """

    children: dict[int, Any]
    periods: list[Any]
    enquiries: list[Any]
    plans: list[Any]
    meetings: list[Any]
    period_status: dict[int, str | None]
    lac_prior: dict[int, tuple[int, dt.date]] = field(default_factory=dict)
    cp_prior: dict[int, tuple[int, dt.date]] = field(default_factory=dict)
    open_cp: dict[int, tuple[list[Any], list[Any]]] | None = None
    period_prior: dict[int, tuple[int, dt.date]] = field(default_factory=dict)


@cache
def row_type(names: tuple[str, ...]) -> type:
    """A plain, fast named-tuple type with these fields."""
    return namedtuple("Row", names)  # noqa: PYI024


#: SQL compiled by `compiled_sql`, by dialect, statement shape and values (the newest last).
_COMPILED: OrderedDict[tuple[Any, ...], str] = OrderedDict()
#: How many `_COMPILED` keeps, and the longest SQL it keeps: a statement with thousands of
#: ids written in is compiled afresh (its compiling is small beside its reading, and keeping
#: it would keep the ids).
COMPILED_KEPT, COMPILED_LONGEST = 256, 20_000
_COMPILED_LOCK = threading.Lock()


def compiled_sql(stmt: Any, dialect: Any) -> str:
    """A SELECT's SQL with its values written in (``literal_binds``), compiled once for each
    shape and set of values: compiling took a tenth of working out the flags of a council's
    open cases, every time, for the same few dozen statements.

    The key is what SQLAlchemy's own statement cache keys on (the statement's structure,
    which includes SQL text written in, such as `IdList`'s ids) together with the values of
    its parameters, which the structure leaves out and which literal_binds writes in.
    """
    key = stmt._generate_cache_key()  # None: a construct that cannot say (never kept)
    full = None
    if key is not None:
        try:
            full = (
                dialect,  # (each database's own: the same kind may write SQL differently)
                key.key,
                tuple(_frozen(b.effective_value) for b in key.bindparams),
            )
            hash(full)
        except TypeError:  # a value that cannot be a key
            full = None
    if full is not None:
        with _COMPILED_LOCK:  # (reads run on worker threads too)
            sql = _COMPILED.get(full)
            if sql is not None:
                _COMPILED.move_to_end(full)
                return sql
    sql = str(stmt.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    if full is not None and len(sql) <= COMPILED_LONGEST:
        with _COMPILED_LOCK:
            _COMPILED[full] = sql
            while len(_COMPILED) > COMPILED_KEPT:
                _COMPILED.popitem(last=False)
    return sql


def _frozen(value: Any) -> Any:
    """A parameter's value as part of a key: lists (``IN``) as tuples, with their type (the
    date 2024-01-01 and the text '2024-01-01' are written differently)."""
    if isinstance(value, list | tuple):
        return (tuple, tuple(_frozen(v) for v in value))
    return (value.__class__, value)


def fetch_rows(session: Session, stmt: Any) -> list[Any]:
    """Run a Core SELECT; plain named tuples, dates and times parsed in one fast pass.

    SQLite keeps dates as ISO text: parsing them with `date.fromisoformat` here is several
    times faster than per-value type processing, which matters at 100,000 children. Other
    databases return date objects, which pass through as they are.
    """
    conn = session.connection()
    sql = compiled_sql(stmt, conn.dialect)
    columns = list(stmt.selected_columns)
    names = tuple(c.key for c in columns)
    fix = [
        (i, dt.date.fromisoformat if isinstance(c.type, Date) else dt.time.fromisoformat)
        for i, c in enumerate(columns)
        if isinstance(c.type, Date | Time)
    ]
    make_type = row_type(names)
    raw = conn.exec_driver_sql(sql).cursor.fetchall()
    if not raw:
        return []
    make = partial(tuple.__new__, make_type)  # a named tuple from a plain one, all in C
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


def open_case_ids(session: Session, as_of: dt.date, among: IdList | None = None) -> list[int]:
    """Ids of the children (of those ``among``; None: every child) with (possibly) an open
    case on ``as_of`` (a superset: the engine decides), in no particular order."""
    return [r[0] for r in fetch_rows(session, open_case_ids_query(as_of, among))]


def _first_episode_status(periods: Iterable[Any]) -> dict[int, str | None]:
    """Period id -> the legal status of its first episode (`PERIOD_SELECT` rows)."""
    return {p.id: p.first_status for p in periods}


# --- any number of children -----------------------------------------------------------------


def read_bulk(
    session: Session,
    ids: IdList | None,
    *,
    as_of: dt.date,
    held_since: dt.date | None = None,
) -> Rows:
    """The rows of the children ``ids`` (None: every child).

    ``held_since`` (on or before ``as_of``; for children with a case open on ``as_of``) makes
    a *recent* read, for callers that look only at recent meetings, such as flags: LAC reviews
    held before it are not read, only counted (in SQL), and so are CP review conferences held
    before it on a plan open on ``as_of``; only the periods of care open on ``as_of`` are read;
    and the meetings carry `MEETING_DETAIL_COLUMNS`. The engine numbers the rest from the
    counts (`PeriodInput.prior_reviews`, `CpEpisodeInput.prior_reviews`), so schedules and
    next meetings due are the same as with the whole history.
    """

    def rows(columns: Sequence[Any], child_column: Any) -> list[Any]:
        return fetch_rows(session, restrict(select(*columns), child_column, ids))

    children = {r.id: r for r in rows(CHILD_COLUMNS, Child.id)}
    period_stmt = select(*PERIOD_SELECT)
    if held_since is not None:
        period_stmt = period_stmt.add_columns(*prior_review_columns(held_since)).where(
            period_open(as_of)
        )
    periods = fetch_rows(session, restrict(period_stmt, PeriodOfCare.child_id, ids))
    enquiries = rows(ENQUIRY_COLUMNS, CpEnquiry.child_id)
    plans = rows(PLAN_COLUMNS, CpPlan.child_id)
    meeting_columns = MEETING_COLUMNS
    if held_since is not None:
        meeting_columns += MEETING_DETAIL_COLUMNS[1:]
    # The children first: SQLite tests the conditions in order, and most meetings are other
    # children's.
    meeting_stmt = restrict(select(*meeting_columns), Meeting.child_id, ids)
    if held_since is None:
        meetings = fetch_rows(session, meeting_stmt)
        return Rows(children, periods, enquiries, plans, meetings, _first_episode_status(periods))

    open_cp = open_cp_by_child(enquiries, plans, as_of)
    plan_ids, enquiry_ids = (IdList(i) for i in open_cp_ids(open_cp))
    meeting_stmt = meeting_stmt.where(*recent_meetings(held_since, as_of, plan_ids, enquiry_ids))
    meetings = fetch_rows(session, meeting_stmt)
    return Rows(
        children,
        periods,
        enquiries,
        plans,
        meetings,
        _first_episode_status(periods),
        lac_prior=_lac_prior_reviews(periods),
        cp_prior=_cp_prior_reviews(session, as_of, held_since, plan_ids),
        open_cp=open_cp,
    )


def _lac_prior_reviews(periods: Iterable[Any]) -> dict[int, tuple[int, dt.date]]:
    """Child id -> (number, last date) of LAC reviews counted in the child's open period of
    care (the earliest open one, where the engine places them), from period rows read with
    `prior_review_columns`."""
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


def _cp_prior_reviews(
    session: Session, as_of: dt.date, held_since: dt.date, open_plan_ids: IdList
) -> dict[int, tuple[int, dt.date]]:
    """Plan id -> (number, last date) of the CP review conferences counted, not read (those
    `recent_meetings` leaves out as counted), looked up from the open plans' ids."""
    stmt = (
        select(
            Meeting.plan_id,
            func.count().label("n"),
            func.max(Meeting.held_date).label("last"),
        )
        .where(
            id_in(Meeting.plan_id, open_plan_ids),
            old_cp_held(held_since),
            Meeting.meeting_type.in_(sorted(t.value for t in REVIEW_CONFERENCES)),
            cp_review_counted(as_of),
        )
        .group_by(Meeting.plan_id)
    )
    return {r.plan_id: (r.n, r.last) for r in fetch_rows(session, stmt)}


# --- a window: what a period of dates needs -------------------------------------------------


def window_ids(session: Session, held_from: dt.date, as_of: dt.date) -> list[int]:
    """Ids of the children `read_window` reads (`window_child_ids_query`), in no order."""
    return [r[0] for r in fetch_rows(session, window_child_ids_query(held_from, as_of))]


def read_window(session: Session, ids: IdList, *, held_from: dt.date, as_of: dt.date) -> Rows:
    """The rows the period from ``held_from`` to ``as_of`` needs, for the children ``ids``
    (`window_ids`), with older history counted rather than read.

    Every child's periods of care, enquiries and plans are read, and their live meetings
    but two kinds held before ``held_from``: LAC meetings, whose reviews are counted per
    period of care (``period_prior``), and CP review conferences on their child's plan,
    counted per plan (``cp_prior``, `cp_review_counted_before`). The engine numbers the rest
    from the counts (`PeriodInput.prior_reviews`, `CpEpisodeInput.prior_reviews`), so every
    meeting held from ``held_from`` on, every meeting still to come and every next meeting
    due get exactly the answers of the whole history.

    Counting per period holds only where a child's periods of care do not overlap (the
    engine gives a review to the first period covering it): a child whose periods overlap,
    or touch, has its whole LAC history read instead.
    """

    def rows(columns: Sequence[Any], child_column: Any) -> list[Any]:
        return fetch_rows(session, restrict(select(*columns), child_column, ids))

    children = {r.id: r for r in rows(CHILD_COLUMNS, Child.id)}
    period_stmt = select(*PERIOD_SELECT).add_columns(*prior_review_columns(held_from))
    periods = fetch_rows(session, restrict(period_stmt, PeriodOfCare.child_id, ids))
    enquiries = rows(ENQUIRY_COLUMNS, CpEnquiry.child_id)
    plan_stmt = select(*PLAN_COLUMNS, *cp_prior_columns(held_from))
    plans = fetch_rows(session, restrict(plan_stmt, CpPlan.child_id, ids))
    whole_lac = IdList(sorted(_overlapping_periods(periods)))

    # With their details: a period's measures and the export's flags read them (one
    # query of their own cost more than the columns here).
    columns = (*MEETING_COLUMNS, *MEETING_DETAIL_COLUMNS[1:])
    meeting_stmt = restrict(select(*columns), Meeting.child_id, ids).where(
        Meeting.status.in_(sorted(LIVE_STATUSES)),
        or_(
            Meeting.process != Process.LAC.value,
            Meeting.status != "held",
            Meeting.held_date.is_(None),
            Meeting.held_date >= held_from,
            id_in(Meeting.child_id, whole_lac),
        ),
        ~cp_review_counted_before(held_from),
    )
    meetings = fetch_rows(session, meeting_stmt)
    cp_prior = {p.id: (p.prior_reviews, p.prior_last_held) for p in plans if p.prior_reviews}
    whole = set(whole_lac.ids)
    period_prior = {
        p.id: (p.prior_reviews, p.prior_last_held)
        for p in periods
        if p.prior_reviews and p.child_id not in whole
    }
    return Rows(
        children,
        periods,
        enquiries,
        plans,
        meetings,
        _first_episode_status(periods),
        cp_prior=cp_prior,
        period_prior=period_prior,
    )


def _overlapping_periods(periods: Iterable[Any]) -> set[int]:
    """Ids of the children two of whose periods of care share a day (one starting on or
    before the day the one before it ended, or while it is still open)."""
    by_child: dict[int, list[Any]] = {}
    for p in periods:
        by_child.setdefault(p.child_id, []).append(p)
    out = set()
    for child_id, mine in by_child.items():
        if len(mine) < 2:
            continue
        mine.sort(key=lambda p: p.start)
        for before, after in zip(mine, mine[1:], strict=False):
            if before.end_date is None or before.end_date >= after.start:
                out.add(child_id)
                break
    return out


# --- one child, or a few --------------------------------------------------------------------


@cache
def _few_children_selects() -> tuple[Any, ...]:
    """The SELECTs of `read_few`: the columns `read_bulk` reads, for the children in one
    expanding parameter ``ids``, in id order (as a table scan returns them).

    Built once, so SQLAlchemy compiles each once per dialect and reuses it: a child's rows
    cost a fraction of a millisecond, where `fetch_rows` (which writes the ids into the SQL,
    right for one read of very many children) compiles every statement afresh.
    """
    ids = bindparam("ids", expanding=True)
    return (
        select(*CHILD_COLUMNS).where(Child.id.in_(ids)).order_by(Child.id),
        select(*PERIOD_SELECT).where(PeriodOfCare.child_id.in_(ids)).order_by(PeriodOfCare.id),
        select(*ENQUIRY_COLUMNS).where(CpEnquiry.child_id.in_(ids)).order_by(CpEnquiry.id),
        select(*PLAN_COLUMNS).where(CpPlan.child_id.in_(ids)).order_by(CpPlan.id),
        select(*MEETING_COLUMNS).where(Meeting.child_id.in_(ids)).order_by(Meeting.id),
    )


def read_few(session: Session, ids: Sequence[int]) -> Rows:
    """The whole history of a few children (the same rows as `read_bulk`)."""
    conn = session.connection()
    read = []
    for stmt in _few_children_selects():
        result = conn.execute(stmt, {"ids": list(ids)})
        make = row_type(tuple(result.keys()))
        read.append([make(*r) for r in result])
    child_rows, periods, enquiries, plans, meetings = read
    return Rows(
        {r.id: r for r in child_rows},
        periods,
        enquiries,
        plans,
        meetings,
        _first_episode_status(periods),
    )


def read_details(session: Session, ids: IdList | None, where: Any = None) -> dict[int, Any]:
    """Meeting id -> its `MEETING_DETAIL_COLUMNS` row, for the children ``ids`` (None: all),
    optionally only meetings matching ``where``."""
    stmt = select(*MEETING_DETAIL_COLUMNS)
    if where is not None:
        stmt = stmt.where(where)
    return {r.id: r for r in fetch_rows(session, restrict(stmt, Meeting.child_id, ids))}


def read_held_elsewhere(
    session: Session,
    *,
    since: dt.date,
    until: dt.date,
    among: IdList | None,
    read: Iterable[int],
) -> list[Any]:
    """The meetings held from ``since`` to ``until`` (inclusive) of the children ``among``
    (None: every child) but not of the children ``read`` (a register's), with
    `MEETING_COLUMNS` and `MEETING_DETAIL_COLUMNS`: for flags about meetings whose case has
    closed since, when the register read only open cases.

    Two reads: the ids from the held-date index alone (a quarter of a large register's
    meetings), then the few rows wanted in full."""
    skip = set(read)
    found = fetch_rows(
        session,
        restrict(
            select(Meeting.id, Meeting.child_id).where(
                Meeting.held_date >= since, Meeting.held_date <= until
            ),
            Meeting.child_id,
            among,
        ),
    )
    wanted = [r.id for r in found if r.child_id not in skip]
    if not wanted:
        return []
    stmt = select(*MEETING_COLUMNS, *MEETING_DETAIL_COLUMNS[1:]).where(
        id_in(Meeting.id, wanted), Meeting.status == MeetingStatus.HELD.value
    )
    return fetch_rows(session, stmt)
