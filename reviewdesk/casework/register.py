"""The register as of a date: one view of some children, whose rows and derived results are
read or worked out once, when first asked for.

    register = Register(session, as_of=day)                     # every child, whole history
    register = Register(session, as_of=day, open_only=True)     # children with an open case
    register = Register(session, as_of=day, children=[12, 40])  # these children
    register = Register(session, as_of=day, open_only=True, recent_since=day - 92 days)
    register = Register(session, as_of=day, window_from=day - 1 year)  # a period's needs
    register.statuses[12].next_due                              # the engine's answer

The rows are read when the register is made; what is derived from them (`statuses`) is
worked out once, when first asked for. Callers ask the view for what they need (its rows,
`statuses`, meetings `with_details`) and never interpret how it was read: whether a few
children were read with compiled statements or many with one list of ids, whether old
meetings were counted rather than read, is the register's business. (The shape is Fava's
``FilteredLedger``: one view, derived data as cached properties.) `with_details` and
`restrict` use the session, which must then still be open.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from functools import cached_property
from typing import Any

from sqlalchemy import and_, select, true, union_all
from sqlalchemy.orm import Session

from reviewdesk.casework.coverage import read_gaps
from reviewdesk.casework.mapping import CaseStatus, compute_statuses
from reviewdesk.casework.predicates import IdList, id_in, restrict
from reviewdesk.casework.rows import (
    MEETING_DETAIL_COLUMNS,
    Rows,
    no_gc,
    open_case_ids,
    read_bulk,
    read_details,
    read_few,
    read_window,
    row_type,
    window_ids,
)
from reviewdesk.codes import MeetingStatus
from reviewdesk.rules import RuleSet
from reviewdesk.settings import working_context
from reviewdesk.storage.models import CpEnquiry, CpPlan, Meeting, PeriodOfCare
from reviewdesk.vocabulary import AWAITED_STATUSES, is_ahead, meeting_label
from reviewdesk.workingdays import WorkingCalendar

_HELD = MeetingStatus.HELD.value


class Register:
    """Some children's records as of ``as_of``, and what the engine makes of them.

    ``children``: which children (default: every child). ``open_only``: only children with a
    case open on ``as_of`` (flags and workload need no others); a process with nothing open
    then has no schedule. ``recent_since`` (with ``open_only``, on or before ``as_of``): for
    callers that look only at recent meetings, such as flags: meetings held before it are
    counted rather than read, so they are not among ``meetings`` and have no timeliness, and
    only the periods of care open on ``as_of`` are read; schedules and next meetings due are
    exactly those of the whole history. ``window_from`` (on or before ``as_of``; on its
    own): what the period from it to ``as_of`` needs (measures, the schedule export): the
    children with a meeting held in it, a CP plan starting or ending in it, a case open on
    ``as_of`` or a meeting still to come, with older LAC reviews and CP review conferences
    counted rather than read (`reviewdesk.casework.rows.read_window`); every meeting held in
    the period or still to come, every schedule's next meeting due and every flag are those
    of the whole history. ``rules`` and ``calendar`` default to those in force for this
    database.
    """

    #: Up to this many children (whole history) are read with statements compiled once; more,
    #: with the ids written into the SQL. A test subclass sets 0 to compare the two.
    few_children = 500

    def __init__(
        self,
        session: Session,
        *,
        as_of: dt.date,
        children: Iterable[int] | None = None,
        open_only: bool = False,
        recent_since: dt.date | None = None,
        window_from: dt.date | None = None,
        rules: RuleSet | None = None,
        calendar: WorkingCalendar | None = None,
    ) -> None:
        if recent_since is not None and (not open_only or recent_since > as_of):
            raise ValueError("recent_since needs open_only and must be on or before as_of")
        if window_from is not None and (open_only or children is not None or window_from > as_of):
            raise ValueError("window_from stands alone and must be on or before as_of")
        if rules is None or calendar is None:
            in_force_rules, in_force_calendar = working_context(session)
            rules = rules or in_force_rules
            calendar = calendar or in_force_calendar
        self.session = session
        self.as_of = as_of
        self.rules = rules
        self.calendar = calendar
        self._open_only = open_only
        self._recent_since = recent_since
        self._window_from = window_from
        self._wanted = None if children is None else sorted(set(children))
        self.rows: Rows = self._read()
        #: Per process, the stretches of history in returns not imported (usually none).
        self.gaps = read_gaps(session)

    # --- which children -------------------------------------------------------------------
    @cached_property
    def ids(self) -> IdList | None:
        """The children read, as one list for SQL (None: every child)."""
        if self._window_from is not None:
            return IdList(sorted(window_ids(self.session, self._window_from, self.as_of)))
        if not self._open_only:
            return None if self._wanted is None else IdList(self._wanted)
        among = None if self._wanted is None else IdList(self._wanted)
        return IdList(sorted(open_case_ids(self.session, self.as_of, among)))

    @property
    def asked(self) -> list[int] | None:
        """The children it was asked about (None: every child), open or not."""
        return self._wanted

    @property
    def includes_every_open_case(self) -> bool:
        """Its periods of care and plans include every one open on ``as_of``, whoever's."""
        return self._wanted is None  # (a window reads every open case's)

    def restrict(self, stmt: Any, child_column: Any) -> Any:
        """A SELECT narrowed to the same children (for follow-up queries)."""
        return restrict(stmt, child_column, self.ids)

    # --- rows -----------------------------------------------------------------------------
    def _read(self) -> Rows:
        with no_gc():
            few = (
                self._wanted is not None
                and not self._open_only
                and len(self._wanted) <= self.few_children
            )
            if few:
                return read_few(self.session, self._wanted)
            if self._window_from is not None:
                return read_window(
                    self.session, self.ids, held_from=self._window_from, as_of=self.as_of
                )
            return read_bulk(
                self.session, self.ids, as_of=self.as_of, held_since=self._recent_since
            )

    @property
    def children(self) -> dict[int, Any]:
        """Child id -> the child's row (id, names, local id, dates of birth, team)."""
        return self.rows.children

    @property
    def periods(self) -> list[Any]:
        return self.rows.periods

    @property
    def enquiries(self) -> list[Any]:
        return self.rows.enquiries

    @property
    def plans(self) -> list[Any]:
        return self.rows.plans

    @property
    def meetings(self) -> list[Any]:
        return self.rows.meetings

    def ahead_ids(self) -> set[int]:
        """The ids of its meetings still ahead on ``as_of`` (`vocabulary.is_ahead`): to take
        place, booked for that day or later (what reports can still be chased for)."""
        as_of = self.as_of
        return {
            m.id for m in self.meetings if is_ahead(m.status, m.held_date, m.booked_date, as_of)
        }

    @property
    def period_status(self) -> dict[int, str | None]:
        """Period id -> the legal status of its first episode (what the engine reads)."""
        return self.rows.period_status

    # --- what the engine makes of them ----------------------------------------------------
    @cached_property
    def statuses(self) -> dict[int, CaseStatus]:
        """Child id -> `CaseStatus` (children with no periods or CP history get one with no
        schedules; with ``open_only``, children with no open case may be absent)."""
        rows = self.rows
        with no_gc():
            return compute_statuses(
                children=rows.children,
                periods=rows.periods,
                enquiries=rows.enquiries,
                plans=rows.plans,
                meetings=rows.meetings,
                period_status=rows.period_status,
                rules=self.rules,
                calendar=self.calendar,
                as_of=self.as_of,
                open_only=self._open_only,
                lac_prior=rows.lac_prior,
                cp_prior=rows.cp_prior,
                held_since=self._recent_since or self._window_from,
                open_cp=rows.open_cp,
                gaps=self.gaps,
                period_prior=rows.period_prior,
            )

    @cached_property
    def on_their_days(self) -> dict[int, int | None]:
        """Meeting id -> its number as of its own day (`numbers_on_their_days`), for the
        meetings read that are still to come on a day whose number may differ from
        ``as_of``'s; the rest are numbered as of ``as_of``."""
        return numbers_on_their_days(
            self.session,
            self.meetings,
            as_of=self.as_of,
            rules=self.rules,
            calendar=self.calendar,
            gaps=self.gaps,
        )

    def sequence(self, meeting: Any) -> int | None:
        """``meeting``'s number, the one rule (docs/domain.md, "Meeting labels"): the engine's
        count (`CaseStatus.sequence`), as of ``as_of`` for a meeting held or called off, and
        as of its own day for one still to come (booked or adjourned), as it was booked and
        as the weekly schedule of its week and the letters to the family give it. A child
        with no status keeps the number typed in. ``meeting`` is a meeting row (`Register.
        meetings`, or any with the same fields, read here or not)."""
        if not _waiting_off(meeting, self.as_of):
            pass  # (held, called off or on the day: as of ``as_of``)
        elif meeting.id in self.on_their_days:
            return self.on_their_days[meeting.id]
        elif meeting.id not in self._meeting_ids and meeting.id not in self._asked_alone:
            # Not among the meetings read (a caller's own row): asked about alone, once.
            self._asked_alone.add(meeting.id)
            found = numbers_on_their_days(
                self.session,
                [meeting],
                as_of=self.as_of,
                rules=self.rules,
                calendar=self.calendar,
                gaps=self.gaps,
            )
            if meeting.id in found:
                self.on_their_days[meeting.id] = found[meeting.id]
                return found[meeting.id]
        status = self.statuses.get(meeting.child_id)
        return meeting.sequence if status is None else status.sequence(meeting, self.as_of)

    def label(self, meeting: Any) -> str:
        """'LAC review 4': ``meeting`` named with its number (`sequence`)."""
        return meeting_label(meeting.meeting_type, self.sequence(meeting))

    @cached_property
    def _meeting_ids(self) -> frozenset[int]:
        return frozenset(m.id for m in self.meetings)

    @cached_property
    def _asked_alone(self) -> set[int]:
        return set()

    def sequences(self) -> dict[int, int | None]:
        """Meeting id -> its number (`sequence`: 'LAC review 4'), for every meeting read,
        called off or not; a child with no status keeps the numbers typed in."""
        return {m.id: self.sequence(m) for m in self.meetings}

    # --- more about meetings --------------------------------------------------------------
    def with_details(self, meetings: list[Any], *, where: Any = None) -> list[Any]:
        """These meeting rows (from ``meetings``) with `MEETING_DETAIL_COLUMNS` too:
        participation, late reason, consultation and write-up dates. Read in one query for
        the meetings matching ``where`` (rows with no match are dropped), unless this
        register read them already."""
        if not meetings or "participation" in meetings[0]._fields:
            return list(meetings)
        details = read_details(self.session, self.ids, where)
        names = meetings[0]._fields + tuple(c.key for c in MEETING_DETAIL_COLUMNS[1:])
        make = row_type(names)._make
        out = []
        for m in meetings:
            d = details.get(m.id)
            if d is not None:
                out.append(make(m + d[1:]))
        return out

    def with_held(self, held: Mapping[int, dt.date]) -> Register:
        """The same register with the meetings in ``held`` (id -> date) taken as held on those
        dates, its statuses worked out again. Nothing is saved.

        For "what if" questions, such as the next meeting's due date the recording dialog
        shows before the outcome is saved. Needs the whole history (no ``recent_since``); ids
        not among the meetings read change nothing.
        """
        if self._recent_since is not None or self._window_from is not None:
            raise ValueError("with_held needs the whole history (read without recent_since)")
        meetings = [
            m._replace(status=_HELD, held_date=held[m.id]) if m.id in held else m
            for m in self.meetings
        ]
        other = copy.copy(self)
        other.__dict__.pop("statuses", None)
        other.__dict__.pop("on_their_days", None)
        other.__dict__.pop("_meeting_ids", None)
        other.__dict__.pop("_asked_alone", None)
        other.rows = replace(self.rows, meetings=meetings)
        return other


def meeting_sequences(
    session: Session,
    child_ids: Iterable[int],
    *,
    as_of: dt.date,
    rules: RuleSet | None = None,
    calendar: WorkingCalendar | None = None,
) -> dict[int, int | None]:
    """Meeting id -> its number as the engine counts it as of ``as_of``
    (`Register.sequences`), for every meeting of a few children (one small read)."""
    register = Register(session, as_of=as_of, children=child_ids, rules=rules, calendar=calendar)
    return register.sequences()


def _waiting_off(meeting: Any, as_of: dt.date) -> bool:
    """Still to come (booked or adjourned) on a day of its own other than ``as_of``."""
    day = meeting.booked_date
    return meeting.status in AWAITED_STATUSES and day is not None and day != as_of


#: Up to this many children, `_dated_between` names them in its SQL.
_FEW_DATED = 500


def _dated_between(
    session: Session, child_ids: Sequence[int], low: dt.date, high: dt.date
) -> dict[int, list[dt.date]]:
    """Child id -> the dates from ``low`` to ``high`` (inclusive) on which something the
    engine counts by date happened to the child's case: a period of care, CP enquiry or plan
    starting or ending, a meeting held. (Episodes change nothing by date: the engine reads a
    period's first episode's legal status, whatever the day.)"""
    # Few children: their ids in the SQL; many (the flags'): every record dated in the
    # stretch, which for days ahead are few, kept for those children here.
    ids = IdList(child_ids) if len(child_ids) <= _FEW_DATED else None
    wanted = None if ids is not None else set(child_ids)

    def among(column: Any) -> Any:
        return id_in(column, ids) if ids is not None else true()

    parts = []
    for model, columns in (
        (PeriodOfCare, (PeriodOfCare.start, PeriodOfCare.end_date)),
        (CpPlan, (CpPlan.start, CpPlan.end_date)),
        (CpEnquiry, (CpEnquiry.strategy_date, CpEnquiry.notified_date, CpEnquiry.closed_date)),
    ):
        for column in columns:
            parts.append(
                select(model.child_id, column.label("day")).where(
                    among(model.child_id), column.between(low, high)
                )
            )
    parts.append(
        select(Meeting.child_id, Meeting.held_date.label("day")).where(
            among(Meeting.child_id),
            and_(Meeting.status == _HELD, Meeting.held_date.between(low, high)),
        )
    )
    out: dict[int, list[dt.date]] = defaultdict(list)
    for child_id, day in session.execute(union_all(*parts)):
        if wanted is None or child_id in wanted:
            out[child_id].append(day)
    return out


def numbers_on_their_days(
    session: Session,
    meetings: Iterable[Any],
    *,
    as_of: dt.date,
    rules: RuleSet,
    calendar: WorkingCalendar,
    gaps: Mapping[str, tuple[Any, ...]] | None = None,
) -> dict[int, int | None]:
    """Meeting id -> the engine's number as of its own day (`CaseStatus.sequence`), for each
    of ``meetings`` (meeting rows) still to come, booked or adjourned for a day other than
    ``as_of``, whose number may differ on that day: the rule for a meeting still to come
    (docs/domain.md, "Meeting labels"), by which it was booked, so that the flags and the
    letters of today, the weekly schedule of its week and the booking name it alike.

    A meeting's number changes with the date it is counted on only through what is dated
    between the two days: a period of care, CP enquiry or plan starting or ending, a meeting
    held, a stretch not in the data (``gaps``). Only a meeting whose child has one
    of those between ``as_of`` and its day is counted again (a small read per day); for the
    others the number as of ``as_of`` is the same, and they are not in the answer."""
    waiting = [m for m in meetings if _waiting_off(m, as_of)]
    if not waiting:
        return {}
    stretches = [g for process in (gaps or {}).values() for g in process]
    by_day: dict[dt.date, list[Any]] = defaultdict(list)
    # Those ahead and those whose day has passed (not recorded) apart: the days between
    # for the first are mostly empty, and the second are few.
    ahead = [m for m in waiting if m.booked_date > as_of]
    passed = [m for m in waiting if m.booked_date < as_of]
    for side in (ahead, passed):
        if not side:
            continue
        low = min(as_of, *(m.booked_date for m in side))
        high = max(as_of, *(m.booked_date for m in side))
        dated = _dated_between(session, sorted({m.child_id for m in side}), low, high)
        for m in side:
            first, last = sorted((as_of, m.booked_date))
            if any(first <= d <= last for d in dated.get(m.child_id, ())) or any(
                g.first <= last and g.last >= first for g in stretches
            ):
                by_day[m.booked_date].append(m)
    out: dict[int, int | None] = {}
    for day, due in sorted(by_day.items()):
        register = Register(
            session,
            as_of=day,
            children={m.child_id for m in due},
            rules=rules,
            calendar=calendar,
        )
        statuses = register.statuses
        for m in due:
            status = statuses.get(m.child_id)
            out[m.id] = m.sequence if status is None else status.sequence(m, day)
    return out
