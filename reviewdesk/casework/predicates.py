"""SQL conditions on the register: what is open on a date, and which meetings a recent view
counts rather than reads. Every query that asks "open on a date" uses these.

The words themselves are defined in `reviewdesk.vocabulary` (`open_on`); `open_on_sql` is its
SQL form, and a test checks the two agree on every boundary day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import and_, false, func, literal_column, or_, select, union

from reviewdesk.codes import REVIEW_CONFERENCES, MeetingStatus, MeetingType, Process
from reviewdesk.storage.models import CpEnquiry, CpPlan, Meeting, PeriodOfCare
from reviewdesk.vocabulary import AWAITED_STATUSES, LIVE_STATUSES

_HELD = MeetingStatus.HELD.value
_BOOKED = MeetingStatus.BOOKED.value
_LAC_REVIEW = MeetingType.LAC_REVIEW.value
_REVIEW_CONFERENCES = sorted(t.value for t in REVIEW_CONFERENCES)


# --- open on a date -------------------------------------------------------------------------


def open_on_sql(start: Any, end: Any, day: dt.date):
    """SQL for `vocabulary.open_on`: started on or before ``day`` and not ended by it (ending
    on ``day`` is closed). ``start`` and ``end`` are date columns."""
    return and_(start <= day, or_(end.is_(None), end > day))


def period_open(as_of: dt.date):
    """SQL for 'this period of care is open on ``as_of``' (`vocabulary.open_on`)."""
    return open_on_sql(PeriodOfCare.start, PeriodOfCare.end_date, as_of)


def plan_open(as_of: dt.date):
    """SQL for 'this CP plan is in force on ``as_of``' (`vocabulary.open_on`)."""
    return open_on_sql(CpPlan.start, CpPlan.end_date, as_of)


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


def open_case_ids_query(as_of: dt.date, among: IdList | None = None):
    """A SELECT of the ids of children with (possibly) an open case on ``as_of``, of the
    children ``among`` (None: every child).

    A superset: an open period of care, an open plan, or an enquiry started, not closed and
    with no plan yet (an initial conference awaited). The engine decides the rest.
    """
    return union(
        restrict(
            select(PeriodOfCare.child_id).where(period_open(as_of)), PeriodOfCare.child_id, among
        ),
        restrict(select(CpPlan.child_id).where(plan_open(as_of)), CpPlan.child_id, among),
        restrict(
            select(CpEnquiry.child_id).where(enquiry_awaiting_conference(as_of)),
            CpEnquiry.child_id,
            among,
        ),
    )


# --- lists of ids ---------------------------------------------------------------------------


class IdList:
    """Ids written out once as SQL text, for the several statements of one read.

    Ids come from the database as integers, so writing them into the SQL is safe; it spares
    re-running the open-cases query inside every statement and has no parameter limit.
    """

    __slots__ = ("ids", "text")

    def __init__(self, ids: Iterable[int]) -> None:
        self.ids: list[int] = list(ids)
        self.text = ",".join(map(str, map(int, self.ids)))

    def __len__(self) -> int:
        return len(self.ids)


def id_in(column: Any, ids: IdList | Sequence[int]):
    """``column IN (1, 2, ...)`` written out: one list however long, no bound parameters."""
    written = ids if isinstance(ids, IdList) else IdList(ids)
    if not written.ids:
        return false()
    # literal_column, not text(): text() scans its string for bind parameters, which for
    # 100,000 ids costs more than running the query.
    return literal_column(f"{column.table.name}.{column.name} IN ({written.text})")


def restrict(stmt: Any, column: Any, ids: IdList | None):
    """``stmt`` narrowed to the children ``ids`` (None: every child)."""
    return stmt if ids is None else stmt.where(id_in(column, ids))


# --- a recent view: meetings counted, not read ----------------------------------------------


def prior_review_columns(held_since: dt.date) -> tuple[Any, Any]:
    """Two columns for a period-of-care SELECT: the number and the last date of LAC reviews
    held in the period (on or after its start) before ``held_since``: the reviews counted,
    not read. Correlated lookups on the meeting index, one period at a time.

    (A period that ended before ``held_since`` may count reviews of later periods: the
    callers use only the counts of periods open on ``held_since`` or later.)"""
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


def cp_review_counted(as_of: dt.date):
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


def old_cp_held(held_since: dt.date):
    """SQL for 'a CP meeting held before ``held_since``' (true or false, never unknown: a
    meeting recorded as held with no date is not held before anything, and negating this
    keeps it)."""
    return and_(
        Meeting.process == Process.CP.value,
        Meeting.status == _HELD,
        Meeting.held_date.is_not(None),
        Meeting.held_date < held_since,
    )


def recent_meetings(
    held_since: dt.date, as_of: dt.date, open_plan_ids: IdList, kept_enquiry_ids: IdList
) -> list:
    """Conditions leaving out the meetings a recent view counts or can ignore.

    Left out: cancelled and stood-down meetings (never counted); LAC reviews held before
    ``held_since`` (counted with the periods, `prior_review_columns`); CP review conferences
    held before it on an open plan (counted, `cp_review_counted`); and CP meetings held before
    it that are linked only to episodes not open on ``as_of`` (the engine drops them, and
    flags look only at meetings held since ``held_since``). The ids are those of the open CP
    episodes of the children read.
    """
    old_cp = old_cp_held(held_since)
    unplaced = and_(
        or_(Meeting.plan_id.is_not(None), Meeting.enquiry_id.is_not(None)),
        or_(Meeting.plan_id.is_(None), ~id_in(Meeting.plan_id, open_plan_ids)),
        or_(Meeting.enquiry_id.is_(None), ~id_in(Meeting.enquiry_id, kept_enquiry_ids)),
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
            Meeting.meeting_type.in_(_REVIEW_CONFERENCES),
            cp_review_counted(as_of),
        ),
    ]


def ahead_sql(as_of: dt.date):
    """SQL for `vocabulary.is_ahead`: still to take place and booked for ``as_of`` or later."""
    return and_(upcoming_sql(as_of), Meeting.booked_date >= as_of)


def outcome_not_recorded_sql(as_of: dt.date):
    """SQL for `vocabulary.is_outcome_not_recorded`: booked for a day before ``as_of`` and
    not recorded since."""
    return and_(Meeting.status == _BOOKED, Meeting.booked_date < as_of)


# --- a window: what a period of dates needs -------------------------------------------------


def upcoming_sql(as_of: dt.date):
    """SQL for `vocabulary.is_upcoming`: booked or adjourned, or recorded as held after
    ``as_of`` (or with no held date)."""
    return or_(
        Meeting.status.in_(sorted(AWAITED_STATUSES)),
        and_(
            Meeting.status == _HELD,
            or_(Meeting.held_date.is_(None), Meeting.held_date > as_of),
        ),
    )


def window_child_ids_query(held_from: dt.date, as_of: dt.date):
    """A SELECT of the ids of the children a period from ``held_from`` to ``as_of`` needs:
    a meeting held in it, a CP plan starting or ending in it, a case (possibly) open on
    ``as_of`` (`open_case_ids_query`), or a meeting still to come (`upcoming_sql`)."""
    return union(
        select(Meeting.child_id).where(Meeting.held_date >= held_from, Meeting.held_date <= as_of),
        select(CpPlan.child_id).where(
            or_(
                CpPlan.start.between(held_from, as_of),
                CpPlan.end_date.between(held_from, as_of),
            )
        ),
        select(PeriodOfCare.child_id).where(period_open(as_of)),
        select(CpPlan.child_id).where(plan_open(as_of)),
        select(CpEnquiry.child_id).where(enquiry_awaiting_conference(as_of)),
        select(Meeting.child_id).where(upcoming_sql(as_of)),
    )


def cp_review_counted_before(held_from: dt.date):
    """SQL for 'a held CP review conference, before ``held_from``, on its own child's plan,
    on or after the plan's start': a review conference a window counts rather than reads,
    as the engine would number it in that plan's episode. (Held after a plan ended, it
    would not be numbered: but only the counts of plans not ended before ``held_from``
    matter, and those cover every earlier day from their start.)"""
    return and_(
        old_cp_held(held_from),
        Meeting.meeting_type.in_(_REVIEW_CONFERENCES),
        select(CpPlan.id).where(CpPlan.id == Meeting.plan_id, *_on_own_plan()).exists(),
    )


def _on_own_plan() -> tuple[Any, ...]:
    """The plan (``CpPlan``) is the meeting's child's, begun by the day it was held."""
    return (CpPlan.child_id == Meeting.child_id, CpPlan.start <= Meeting.held_date)


def cp_prior_columns(held_from: dt.date) -> tuple[Any, Any]:
    """Two columns for a CP plan SELECT: the number and the last date of the review
    conferences on the plan that `cp_review_counted_before` counts. Correlated lookups on
    the meeting's plan index, one plan at a time."""
    counted = (
        select(func.count())
        .where(
            Meeting.plan_id == CpPlan.id,
            old_cp_held(held_from),
            Meeting.meeting_type.in_(_REVIEW_CONFERENCES),
            *_on_own_plan(),
        )
        .correlate(CpPlan)
    )
    last = counted.with_only_columns(func.max(Meeting.held_date), maintain_column_froms=True)
    return (
        counted.scalar_subquery().label("prior_reviews"),
        last.scalar_subquery().label("prior_last_held"),
    )
