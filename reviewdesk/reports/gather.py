"""What the documents share: the council's name and each meeting's due date.

Meetings are named as everywhere else (`reviewdesk.vocabulary.meeting_label`).

Due dates, whether a meeting is in timescale and its number come from `reviewdesk.casework`,
the one bridge from the register to the due-date engine, so a pack says what the flags and
the window say; and where the data cannot judge (a yearly return not imported), so do they.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from reviewdesk.casework.mapping import MeetingTimeliness, meeting_number
from reviewdesk.casework.register import Register
from reviewdesk.rules import RuleSet
from reviewdesk.settings import get_setting
from reviewdesk.vocabulary import DUE_NOT_KNOWN, is_upcoming, meeting_label, not_judged
from reviewdesk.workingdays import WorkingCalendar


def council_name(session: Session) -> str:
    return str(get_setting(session, "council_name"))


# --- case statuses: each meeting's due date, from the casework bridge ---------------------


@dataclass(frozen=True)
class Judgements:
    """Each live meeting's due date, timeliness and number as the engine has them, and what
    the data cannot judge (a yearly return not imported): said with why, never guessed."""

    timeliness: dict[int, MeetingTimeliness]
    #: Meeting id -> why a meeting held cannot be judged in or out of timescale.
    not_judged: dict[int, str]
    #: Meeting id -> why a meeting still to come has no due date the data can give.
    due_not_known: dict[int, str]
    #: Meeting id -> the number of a meeting still to come as of its own day, where it may
    #: differ from the number as of the date judged (`Register.on_their_days`).
    on_their_days: dict[int, int | None] = field(default_factory=dict)

    def label(self, meeting: Any) -> str:
        """'LAC review 3': numbered as the engine counts, not as typed in; unnumbered when
        the engine cannot count (meetings may be missing before it)."""
        return meeting_label(meeting.meeting_type, self.sequence(meeting.id, meeting.sequence))

    def sequence(self, meeting_id: int, typed: int | None) -> int | None:
        """A meeting's number as the engine counts it (`label`); ``typed``, the number
        stored with it, for a meeting the engine cannot place (e.g. called off): the one
        rule, `reviewdesk.casework.mapping.meeting_number`; a meeting still to come as of
        its own day (`reviewdesk.casework.register.Register.sequence`)."""
        if meeting_id in self.on_their_days:
            return self.on_their_days[meeting_id]
        uncounted = meeting_id in self.not_judged or meeting_id in self.due_not_known
        return meeting_number(self.timeliness.get(meeting_id), typed, uncounted=uncounted)

    def unknown(self, meeting_id: int) -> str:
        """Says "not judged (why)" or "due date not known (why)"; "" when the data can say."""
        why = self.not_judged.get(meeting_id)
        if why is not None:
            return not_judged(why)
        why = self.due_not_known.get(meeting_id)
        return f"{DUE_NOT_KNOWN} ({why})" if why is not None else ""


def judge_meetings(
    session: Session,
    *,
    as_of: dt.date,
    rules: RuleSet,
    calendar: WorkingCalendar,
    child_ids: Iterable[int],
) -> Judgements:
    """`Judgements` for every live meeting of the given children, as `reviewdesk.casework`
    works them out as of ``as_of``. A meeting still to come with no due date, in a process
    whose next meeting the data cannot date, is given that meeting's reason (the one of the
    same type, else the first)."""
    register = Register(session, as_of=as_of, rules=rules, calendar=calendar, children=child_ids)
    statuses = register.statuses
    timeliness: dict[int, MeetingTimeliness] = {}
    judged_not: dict[int, str] = {}
    for status in statuses.values():
        timeliness.update(status.meetings)
        judged_not.update(status.unknown)
    due_not_known: dict[int, str] = {}
    for m in register.meetings:
        status = statuses.get(m.child_id)
        if status is None or m.id in timeliness or not is_upcoming(m.status, m.held_date, as_of):
            continue
        undated = status.undetermined_for(m.process)
        if undated:
            same = [u for u in undated if u.meeting_type == m.meeting_type]
            due_not_known[m.id] = (same or list(undated))[0].reason
    return Judgements(timeliness, judged_not, due_not_known, register.on_their_days)
