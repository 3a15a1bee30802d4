"""What the data does not hold: stretches of days whose records are in a return not imported.

Every due date counts from an event: the previous review, the initial conference, the
strategy discussion, the day a child became looked after. When some days between that event
and a meeting are not in the data (a yearly return not imported), a meeting may have been
held on them that the data cannot show: the meeting's timeliness cannot be judged, nor the
next meeting's due date, and the engine says so, with the gap's ``why``, rather than guess.
Callers describe the gaps (`reviewdesk.casework.coverage`); with none, nothing changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Gap:
    """Days ``first`` to ``last`` (inclusive) whose meetings are not in the data, and why
    (e.g. "the 2019-20 903 return is not imported")."""

    first: dt.date
    last: dt.date
    why: str


@dataclass(frozen=True)
class Undetermined:
    """An open case whose next meeting's due date the data cannot give, and why.

    ``sequence`` is the least number the next meeting can have (its exact number is not
    known either)."""

    meeting_type: str
    sequence: int
    reason: str
    period_index: int | None = None
    episode_index: int | None = None


def gap_between(gaps: Sequence[Gap], after: dt.date, before: dt.date) -> Gap | None:
    """The first gap holding a day strictly after ``after`` and strictly before ``before``."""
    if not gaps or before - after < 2 * _DAY:
        return None
    low, high = after + _DAY, before - _DAY
    for gap in gaps:
        if max(gap.first, low) <= min(gap.last, high):
            return gap
    return None


def gap_through(gaps: Sequence[Gap], after: dt.date, as_of: dt.date) -> Gap | None:
    """The first gap holding a day after ``after``, up to and including ``as_of``: a meeting
    may have been held then that the data cannot show."""
    return gap_between(gaps, after, as_of + _DAY)
