"""Pairing a return's dates with those of records here a few days apart (the same meeting,
period, plan or enquiry, its date corrected): nearest first, one to one, within the window
and of the same kind."""

from __future__ import annotations

import datetime as dt

from reviewdesk.importers.moves import MOVED_WITHIN_DAYS, moved_records

D = dt.date


def _held(*days: dt.date) -> list[dict]:
    return [{"id": n, "held_date": day} for n, day in enumerate(days, start=1)]


def _pairs(wanted, rows, same_kind=lambda _k, _r: True) -> dict[dt.date, int]:
    found = moved_records(wanted, rows, day=lambda d: d, same_kind=same_kind)
    return {k: row["id"] for k, row in found.items()}


def test_the_nearest_pairs_first_one_to_one() -> None:
    rows = _held(D(2024, 5, 14), D(2024, 5, 20))
    # 16/05 is 2 days from the first and 4 from the second; 19/05 1 day from the second.
    assert _pairs([D(2024, 5, 16), D(2024, 5, 19)], rows) == {D(2024, 5, 16): 1, D(2024, 5, 19): 2}
    # Two dates, one held meeting: the nearer takes it, the other is a new meeting.
    assert _pairs([D(2024, 5, 10), D(2024, 5, 15)], _held(D(2024, 5, 14))) == {D(2024, 5, 15): 1}


def test_only_within_the_window_and_of_the_same_kind() -> None:
    day = D(2024, 5, 1)
    edge = day + dt.timedelta(days=MOVED_WITHIN_DAYS)
    assert _pairs([edge], _held(day)) == {edge: 1}
    assert _pairs([edge + dt.timedelta(days=1)], _held(day)) == {}
    assert _pairs([edge], _held(day), same_kind=lambda _k, _r: False) == {}


def test_records_are_dated_as_told() -> None:
    """A period or plan is paired by its start (a meeting by the day it was held)."""
    starts = [{"id": 1, "start": D(2024, 5, 15)}, {"id": 2, "start": D(2024, 8, 1)}]
    found = moved_records([D(2024, 5, 14)], starts, day=lambda d: d, row_day=lambda r: r["start"])
    assert {k: row["id"] for k, row in found.items()} == {D(2024, 5, 14): 1}
