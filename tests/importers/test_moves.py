"""Pairing a return's meeting dates with those held here a few days apart (the same meeting,
its date corrected): nearest first, one to one, within the window and of the same kind."""

from __future__ import annotations

import datetime as dt

from reviewdesk.importers.moves import MOVED_WITHIN_DAYS, moved_meetings

D = dt.date


def _held(*days: dt.date) -> list[dict]:
    return [{"id": n, "held_date": day} for n, day in enumerate(days, start=1)]


def _pairs(wanted, rows, same_kind=lambda _k, _r: True) -> dict[dt.date, int]:
    found = moved_meetings(wanted, rows, day=lambda d: d, same_kind=same_kind)
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
