"""A held meeting a corrected return dates a few days apart: the same meeting, moved.

A return's reviews and conferences are matched to those held here by their date. When a
corrected return gives a meeting on another day (the case management system says 15/05, the
IRO recorded it here on 14/05), matching by date alone removed the one held here, with its
invitees, reports, attendance and outcome, and added a bare one. Instead, a date the return
has and the database lacks is paired with a held meeting the return lacks, when they are
close enough to be the same meeting (`MOVED_WITHIN_DAYS`, of the same kind and in the same
period or plan): the meeting keeps what was recorded here and takes the return's date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

#: At most this many days apart, a date the return has and one held here are one meeting
#: whose date was corrected (a review is at least weeks from the next of its kind).
MOVED_WITHIN_DAYS = 14

K = TypeVar("K")


def moved_meetings(
    wanted: Iterable[K],
    unmatched: Iterable[Mapping[str, Any]],
    *,
    day: Callable[[K], dt.date],
    same_kind: Callable[[K, Mapping[str, Any]], bool],
) -> dict[K, Mapping[str, Any]]:
    """Each of the return's meetings ``wanted`` (keys with no held meeting here on their
    date) paired with one of the held rows ``unmatched`` (on no date of the return), when
    ``same_kind`` and at most `MOVED_WITHIN_DAYS` apart: nearest first (then earliest), one
    to one. Rows not paired are left for the caller to remove, as before."""
    rows = list(unmatched)
    pairs = sorted(
        (abs((day(k) - row["held_date"]).days), day(k), row["held_date"], n, k)
        for k in wanted
        for n, row in enumerate(rows)
        if abs((day(k) - row["held_date"]).days) <= MOVED_WITHIN_DAYS and same_kind(k, row)
    )
    taken: set[int] = set()
    out: dict[K, Mapping[str, Any]] = {}
    for _gap, _day, _held, n, k in pairs:
        if k in out or n in taken:
            continue
        out[k] = rows[n]
        taken.add(n)
    return out


__all__ = ["MOVED_WITHIN_DAYS", "moved_meetings"]
