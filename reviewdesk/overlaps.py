"""Meetings that overlap in time: the one rule for a meeting's span, and the one sweep.

The booking dialog's clash check (`reviewdesk.scheduling.overlaps`), the diary's marks
(`reviewdesk.scheduling.double_booked_resources`) and the dashboard's double-booking flags
(`reviewdesk.flags.bookings`) all ask "does this meeting overlap another of the same chair's
(clerk's, room's) that day?". They answer from here, so they cannot disagree: a meeting takes
its length from its start (`length`: 90 minutes when none is recorded), and
a meeting with no time recorded takes the whole day (it may be at any time, so it clashes
with anything that day).
"""

from __future__ import annotations

import bisect
import datetime as dt
import heapq
from collections.abc import Iterator, Sequence

#: A meeting's length when none is recorded.
DEFAULT_MINUTES = 90
#: A day, in minutes: what a meeting with no time recorded takes.
WHOLE_DAY = (0, 24 * 60)


def length(minutes: int | None) -> int:
    """A meeting's length in minutes: as recorded, or `DEFAULT_MINUTES` when none is (a
    length of 0 is none recorded)."""
    return minutes if minutes else DEFAULT_MINUTES


def span(start: dt.time | None, minutes: int | None) -> tuple[int, int]:
    """The minutes after midnight a meeting takes: [begin, end)."""
    if start is None:
        return WHOLE_DAY
    begin = start.hour * 60 + start.minute
    return begin, begin + max(length(minutes), 1)


def sweep(spans: Sequence[tuple[int, int]], named: int = 0) -> Iterator[tuple[int, int, list[int]]]:
    """For ``spans`` in order of their start (one resource's day), each one that overlaps
    another: (its index, how many others it overlaps, the indices of the first ``named`` of
    them in start order).

    Keeps the spans still running (a heap of their ends) and finds the later ones that start
    before it ends by bisection: a sort's cost, not a comparison of every pair, so a day
    booked ten deep is ten answers, not ninety pairs."""
    starts = [begin for begin, _ in spans]
    running: list[tuple[int, int]] = []  # (end, index) of earlier spans, a heap
    for i, (begin, end) in enumerate(spans):
        while running and running[0][0] <= begin:
            heapq.heappop(running)
        later = bisect.bisect_left(starts, end, i + 1) - (i + 1)
        count = len(running) + later
        if count:
            first = sorted(j for _, j in running)[:named] if named else []
            first += range(i + 1, i + 1 + min(later, named - len(first)))
            yield i, count, first
        heapq.heappush(running, (end, i))


__all__ = ["DEFAULT_MINUTES", "WHOLE_DAY", "length", "span", "sweep"]
