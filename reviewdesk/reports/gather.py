"""What the documents share: the council's name and each meeting's due date.

Meetings are named as everywhere else (`reviewdesk.vocabulary.meeting_label`).

Due dates, whether a meeting is in timescale and its number come from `reviewdesk.casework`,
the one bridge from the register to the due-date engine, so a pack says what the flags and
the window say.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy.orm import Session

from reviewdesk.casework.mapping import MeetingTimeliness
from reviewdesk.casework.register import Register
from reviewdesk.rules import RuleSet
from reviewdesk.settings import get_setting
from reviewdesk.workingdays import WorkingCalendar


def council_name(session: Session) -> str:
    return str(get_setting(session, "council_name"))


# --- case statuses: each meeting's due date, from the casework bridge ---------------------


def meeting_timeliness(
    session: Session,
    *,
    as_of: dt.date,
    rules: RuleSet,
    calendar: WorkingCalendar,
    child_ids: Iterable[int],
) -> dict[int, MeetingTimeliness]:
    """Meeting id -> its due date, whether it is in timescale and its number (the engine's),
    for every live meeting of the given children, as `reviewdesk.casework` computes them."""
    statuses = Register(
        session, as_of=as_of, rules=rules, calendar=calendar, children=child_ids
    ).statuses
    return {mid: t for status in statuses.values() for mid, t in status.meetings.items()}
