"""A record a corrected return dates a few days from one held here: the same record, moved.

A return's records are matched to those here by a date: a held review or conference by the
day it was held, a period of care or a CP plan by its start, an s47 enquiry by its strategy
date. When a corrected return gives another day (the case management system says 15/05,
the IRO recorded the review here on 14/05; a DECOM or a plan's start corrected by a day),
matching by date alone removed the record here, with all that was recorded on it (a
meeting's invitees, reports, attendance and outcome; a period's IRO and social worker; a
plan's chair; an enquiry's notes), and added a bare one. Instead, a date the return has and
the database lacks is paired with a record here the return lacks, when they are close enough
to be the same record (`MOVED_WITHIN_DAYS`, and for a meeting of the same kind and in the
same period or plan): the record keeps its id and what was recorded here and takes the
return's dates. Further apart they are two records: the one here is removed, as before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

#: At most this many days apart, a date the return has and one held here are one meeting
#: whose date was corrected (a review is at least weeks from the next of its kind), or one
#: period of care, plan or enquiry whose start was.
MOVED_WITHIN_DAYS = 14

K = TypeVar("K")


def held_date(row: Mapping[str, Any]) -> dt.date:
    """A held meeting's date (the day `moved_records` pairs meetings by)."""
    return row["held_date"]


def moved_records(
    wanted: Iterable[K],
    unmatched: Iterable[Mapping[str, Any]],
    *,
    day: Callable[[K], dt.date],
    row_day: Callable[[Mapping[str, Any]], dt.date] = held_date,
    same_kind: Callable[[K, Mapping[str, Any]], bool] = lambda _k, _row: True,
) -> dict[K, Mapping[str, Any]]:
    """Each of the return's records ``wanted`` (keys with no record here on their ``day``)
    paired with one of the rows ``unmatched`` here (on no date of the return; dated by
    ``row_day``: a meeting's held date unless told), when ``same_kind`` and at most
    `MOVED_WITHIN_DAYS` apart: nearest first (then earliest), one to one. Rows not paired are
    left for the caller to remove, as before."""
    rows = list(unmatched)
    pairs = sorted(
        (abs((day(k) - row_day(row)).days), day(k), row_day(row), n, k)
        for k in wanted
        for n, row in enumerate(rows)
        if abs((day(k) - row_day(row)).days) <= MOVED_WITHIN_DAYS and same_kind(k, row)
    )
    taken: set[int] = set()
    out: dict[K, Mapping[str, Any]] = {}
    for _gap, _day, _held, n, k in pairs:
        if k in out or n in taken:
            continue
        out[k] = rows[n]
        taken.add(n)
    return out


__all__ = ["MOVED_WITHIN_DAYS", "held_date", "moved_records"]
