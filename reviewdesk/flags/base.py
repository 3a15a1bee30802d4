"""What every family of flag checks shares: the `Flag` itself and the context checks read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from sqlalchemy import or_
from sqlalchemy.orm import Session

from reviewdesk.casework.mapping import CaseStatus
from reviewdesk.casework.predicates import IdList
from reviewdesk.casework.register import Register
from reviewdesk.casework.rows import read_held_elsewhere
from reviewdesk.codes import MeetingStatus, Process
from reviewdesk.engine import Deadline, meeting_deadlines
from reviewdesk.storage.models import Meeting
from reviewdesk.vocabulary import AWAITED_STATUSES

RED, AMBER, INFO = "red", "amber", "info"
SEVERITY_ORDER = {RED: 0, AMBER: 1, INFO: 2}

#: Held meetings older than this (before the as-of date) raise no more flags. Flags are for
#: acting on now: a quarter covers every after-meeting deadline (minutes within 20 working
#: days) with room to spare; lateness further back is for the measures, which cover any
#: period.
HELD_LOOKBACK_DAYS = 92

_HELD = MeetingStatus.HELD.value


class Flag(NamedTuple):
    """Something a person should act on.

    ``code`` is stable (see `reviewdesk.flags.FLAG_TYPES`); ``severity`` is "red", "amber" or
    "info"; ``reason`` is one line with dd/mm/yyyy dates. ``date`` is the date the flag is
    about (a due date, a booked date, a deadline). Ids are None where they do not apply.

    A named tuple (immutable, like the frozen dataclass it was): a large register has
    hundreds of thousands of flags, and a frozen dataclass took six times as long to make.
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


@dataclass
class FlagContext:
    """The register and settings a check needs, plus caches shared between checks."""

    session: Session
    register: Register
    as_of: dt.date
    settings: dict[str, Any]
    _deadlines: dict[tuple[str, dt.date], list[Deadline]] = field(default_factory=dict)
    _live: list[Any] | None = None

    @property
    def lookback_start(self) -> dt.date:
        return self.as_of - dt.timedelta(days=HELD_LOOKBACK_DAYS)

    @property
    def statuses(self) -> dict[int, CaseStatus]:
        return self.register.statuses

    def open_child(self, child_id: int) -> bool:
        status = self.register.statuses.get(child_id)
        return status is not None and status.is_open

    def live_meetings(self) -> list[Any]:
        """Meetings of open cases (their own process open) still to happen, or held within
        the look-back window (`HELD_LOOKBACK_DAYS`).

        Each row has the register's meeting columns and its `MEETING_DETAIL_COLUMNS`
        (participation, late reason, write-up dates).
        """
        if self._live is None:
            self._live = self._load_live()
        return self._live

    def held_since_closed(self) -> list[Any]:
        """Meetings held within the look-back window whose case has closed since (a CP plan
        ended at its review conference, a child who has left care): not live, but their
        decisions and minutes are owed all the same, as the child's timeline says
        (`reviewdesk.flags.deadlines.awaited_after`). The register's children's, and those
        of children it did not read (no case open now) among those it was asked about. Rows
        as `live_meetings`'."""
        start, as_of = self.lookback_start, self.as_of
        live = {m.id for m in self.live_meetings()}
        register = self.register
        mine = [
            m
            for m in register.meetings
            if m.status == _HELD
            and m.held_date is not None
            and start <= m.held_date <= as_of
            and m.id not in live
        ]
        mine = register.with_details(mine, where=self.live_condition())
        asked = register.asked
        others = read_held_elsewhere(
            self.session,
            since=start,
            until=as_of,
            among=None if asked is None else IdList(asked),
            read=register.children,
        )
        return mine + others

    def live_condition(self):
        """SQL for 'possibly live': not yet held, or held within the look-back window."""
        return or_(
            Meeting.status.in_(sorted(AWAITED_STATUSES)), Meeting.held_date >= self.lookback_start
        )

    def _load_live(self) -> list[Any]:
        start = self.lookback_start
        statuses = self.register.statuses
        # (`CaseStatus.lac_open` and `cp_open`, unrolled: this runs over every open case.)
        lac_open = {i for i, s in statuses.items() if s.lac and s.lac.next_due}
        cp_open = {i for i, s in statuses.items() if s.cp and s.cp.next_due}
        lac = Process.LAC.value
        # Upcoming (`vocabulary.is_upcoming`), or held on or after the look-back start: as
        # that is before the as-of date, a held date after it is upcoming and counts too.
        base = [
            m
            for m in self.register.meetings
            if m.child_id in (lac_open if m.process == lac else cp_open)
            and (
                m.status in AWAITED_STATUSES
                or (m.status == _HELD and (m.held_date is None or m.held_date >= start))
            )
        ]
        return self.register.with_details(base, where=self.live_condition())

    def deadlines(self, meeting_type: str, day: dt.date) -> list[Deadline]:
        """`meeting_deadlines` for a meeting type and date, cached for the run."""
        key = (meeting_type, day)
        found = self._deadlines.get(key)
        if found is None:
            found = meeting_deadlines(
                meeting_type, day, rules=self.register.rules, calendar=self.register.calendar
            )
            self._deadlines[key] = found
        return found
