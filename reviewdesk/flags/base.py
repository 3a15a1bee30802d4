"""What every family of flag checks shares: the `Flag` itself and the context checks read."""

from __future__ import annotations

import datetime as dt
from collections import namedtuple
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from reviewdesk.casework import MEETING_DETAIL_COLUMNS, CaseData, CaseStatus, fetch_rows
from reviewdesk.codes import MEETING_TYPE_LABEL, MeetingStatus, MeetingType, Process
from reviewdesk.engine import Deadline, meeting_deadlines
from reviewdesk.storage.models import Meeting

RED, AMBER, INFO = "red", "amber", "info"
SEVERITY_ORDER = {RED: 0, AMBER: 1, INFO: 2}

#: Held meetings older than this (before the as-of date) raise no more flags. Flags are for
#: acting on now: a quarter covers every after-meeting deadline (minutes within 20 working
#: days) with room to spare; lateness further back is for the measures, which cover any
#: period.
HELD_LOOKBACK_DAYS = 92

_HELD = MeetingStatus.HELD.value
_OPEN_STATUSES = frozenset({MeetingStatus.BOOKED.value, MeetingStatus.ADJOURNED.value})


@cache
def _live_type(names: tuple[str, ...]) -> type:
    return namedtuple("LiveMeeting", names)


@cache
def format_day(d: dt.date) -> str:
    """dd/mm/yyyy (as `dates.format_uk`; cached, as the same dates recur in many flags)."""
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


@dataclass(frozen=True)
class Flag:
    """Something a person should act on.

    ``code`` is stable (see `reviewdesk.flags.FLAG_TYPES`); ``severity`` is "red", "amber" or
    "info"; ``reason`` is one line with dd/mm/yyyy dates. ``date`` is the date the flag is
    about (a due date, a booked date, a deadline). Ids are None where they do not apply.
    """

    code: str
    severity: str
    reason: str
    child_id: int | None = None
    meeting_id: int | None = None
    staff_id: int | None = None
    date: dt.date | None = None


def flag_sort_key(f: Flag) -> tuple:
    """Red first, then by date, child, meeting and code."""
    return (
        SEVERITY_ORDER.get(f.severity, 9),
        f.date or dt.date.max,
        f.child_id or 0,
        f.meeting_id or 0,
        f.code,
    )


@cache
def meeting_label(meeting_type: str, sequence: int | None = None) -> str:
    """'LAC review 3', 'Initial conference', '1st review conference'."""
    try:
        kind = MeetingType(meeting_type)
    except ValueError:
        return meeting_type
    if kind is MeetingType.LAC_REVIEW:
        return f"LAC review {sequence}" if sequence else "LAC review"
    return f"{MEETING_TYPE_LABEL[kind]} conference"


def meeting_date(m: Any, as_of: dt.date) -> dt.date | None:
    """The date a meeting is (or was) on: held date once held by ``as_of``, else booked."""
    if m.status == _HELD and m.held_date is not None and m.held_date <= as_of:
        return m.held_date
    return m.booked_date


def is_held(m: Any, as_of: dt.date) -> bool:
    return m.status == _HELD and m.held_date is not None and m.held_date <= as_of


def is_upcoming(m: Any, as_of: dt.date) -> bool:
    """Booked (or adjourned, or recorded as held after ``as_of``): still to take place."""
    return m.status in _OPEN_STATUSES or (
        m.status == _HELD and (m.held_date is None or m.held_date > as_of)
    )


@dataclass
class FlagContext:
    """The case data and settings a check needs, plus caches shared between checks."""

    session: Session
    data: CaseData
    as_of: dt.date
    settings: dict[str, Any]
    _deadlines: dict[tuple[str, dt.date], list[Deadline]] = field(default_factory=dict)
    _live: list[Any] | None = None

    @property
    def lookback_start(self) -> dt.date:
        return self.as_of - dt.timedelta(days=HELD_LOOKBACK_DAYS)

    @property
    def statuses(self) -> dict[int, CaseStatus]:
        return self.data.statuses

    def open_child(self, child_id: int) -> bool:
        status = self.data.statuses.get(child_id)
        return status is not None and status.is_open

    def live_meetings(self) -> list[Any]:
        """Meetings of open cases (their own process open) still to happen, or held within
        the look-back year.

        Each row has the casework meeting columns and `MEETING_DETAIL_COLUMNS`
        (participation, late reason, write-up dates): read with the case data when it has them
        (`load_flag_data`), otherwise once per run, for these meetings only.
        """
        if self._live is None:
            self._live = self._load_live()
        return self._live

    def live_condition(self):
        """SQL for 'possibly live': not yet held, or held within the look-back year."""
        return or_(
            Meeting.status.in_(tuple(_OPEN_STATUSES)), Meeting.held_date >= self.lookback_start
        )

    def _load_live(self) -> list[Any]:
        start = self.lookback_start
        statuses = self.data.statuses
        # (`CaseStatus.lac_open` and `cp_open`, unrolled: this runs over every open case.)
        lac_open = {i for i, s in statuses.items() if s.lac and s.lac.next_due}
        cp_open = {i for i, s in statuses.items() if s.cp and s.cp.next_due}
        lac = Process.LAC.value
        # Upcoming (`is_upcoming`), or held on or after the look-back start: as that is
        # before the as-of date, a held date after it is upcoming and counts too.
        base = [
            m
            for m in self.data.meetings
            if m.child_id in (lac_open if m.process == lac else cp_open)
            and (
                m.status in _OPEN_STATUSES
                or (m.status == _HELD and (m.held_date is None or m.held_date >= start))
            )
        ]
        if not base or self.data.details:
            return base
        stmt = select(*MEETING_DETAIL_COLUMNS).where(self.live_condition())
        details = {
            r.id: r for r in fetch_rows(self.session, self.data.restrict(stmt, Meeting.child_id))
        }
        names = base[0]._fields + tuple(c.key for c in MEETING_DETAIL_COLUMNS[1:])
        make = _live_type(names)._make
        out = []
        for m in base:
            d = details.get(m.id)
            if d is not None:
                out.append(make(m + d[1:]))
        return out

    def deadlines(self, meeting_type: str, day: dt.date) -> list[Deadline]:
        """`meeting_deadlines` for a meeting type and date, cached for the run."""
        key = (meeting_type, day)
        found = self._deadlines.get(key)
        if found is None:
            found = meeting_deadlines(
                meeting_type, day, rules=self.data.rules, calendar=self.data.calendar
            )
            self._deadlines[key] = found
        return found
