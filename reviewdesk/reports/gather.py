"""What the documents share: how meetings are named on paper, and each meeting's due date.

Due dates, whether a meeting is in timescale and its number come from `reviewdesk.casework`,
the one bridge from the register to the due-date engine, so a pack says what the flags and
the window say.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy.orm import Session

from reviewdesk.casework import MeetingTimeliness, load_case_statuses
from reviewdesk.codes import MeetingType, Process
from reviewdesk.rules import RuleSet
from reviewdesk.settings import get_setting
from reviewdesk.workingdays import WorkingCalendar


def council_name(session: Session) -> str:
    return str(get_setting(session, "council_name"))


def week_start(day: dt.date) -> dt.date:
    """The Monday of the week holding ``day``."""
    return day - dt.timedelta(days=day.weekday())


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def meeting_title(meeting_type: str, sequence: int | None = None) -> str:
    """How a meeting is named on paper: 'LAC review (3rd)', 'Initial CP conference',
    '3rd review CP conference' (a subsequent review, numbered when the number is known)."""
    try:
        kind = MeetingType(meeting_type)
    except ValueError:
        return meeting_type
    if kind is MeetingType.LAC_REVIEW:
        return f"LAC review ({ordinal(sequence)})" if sequence else "LAC review"
    if kind is MeetingType.RCPC_SUBSEQUENT and sequence and sequence > 1:
        return f"{ordinal(sequence)} review CP conference"
    return f"{kind.label} CP conference"


def process_label(process: str) -> str:
    return "LAC" if process == Process.LAC.value else "CP"


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
    statuses = load_case_statuses(
        session, as_of=as_of, rules=rules, calendar=calendar, child_ids=sorted(set(child_ids))
    )
    return {mid: t for status in statuses.values() for mid, t in status.meetings.items()}
