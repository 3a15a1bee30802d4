"""Times typed into the booking's time box (`ui.date_box.parse_typed_time`), against
``datetime.strptime`` reading the same time written each way a person might type it."""

from __future__ import annotations

import datetime as dt

import pytest

from ui.date_box import parse_typed_time

EVERY_MINUTE = [dt.time(h, m) for h in range(24) for m in range(60)]


def _ways(t: dt.time) -> list[tuple[str, str]]:
    """``t`` as typed, each with the `strptime` format that reads it."""
    h12 = t.hour % 12 or 12
    half = "am" if t.hour < 12 else "pm"
    return [
        (f"{t.hour:02d}:{t.minute:02d}", "%H:%M"),
        (f"{t.hour}:{t.minute:02d}", "%H:%M"),
        (f"{t.hour:02d}{t.minute:02d}", "%H%M"),
        (f"{t.hour}.{t.minute:02d}", "%H.%M"),
        (f"{h12}:{t.minute:02d}{half}", "%I:%M%p"),
        (f"{h12}.{t.minute:02d} {half.upper()}", "%I.%M %p"),
    ]


def test_every_minute_of_the_day_typed_each_way_is_the_time_strptime_reads() -> None:
    for t in EVERY_MINUTE:
        for typed, pattern in _ways(t):
            expected = dt.datetime.strptime(typed, pattern).time()
            assert expected == t  # (the oracle agrees with the time written)
            assert parse_typed_time(typed) == expected, typed


def test_an_hour_alone_is_on_the_hour() -> None:
    assert [parse_typed_time(str(h)) for h in range(24)] == [dt.time(h) for h in range(24)]
    assert parse_typed_time("2pm") == dt.time(14)
    assert parse_typed_time("12 am") == dt.time(0)
    assert parse_typed_time("2.30 p.m.") == dt.time(14, 30)
    assert parse_typed_time("10 a.m") == dt.time(10)


@pytest.mark.parametrize(
    "typed", ["", "24:00", "9:3", "9:75", "13pm", "0am", "12345", "9 30", "pm", "2p", "14:30pm"]
)
def test_what_is_not_a_time_is_none(typed: str) -> None:
    assert parse_typed_time(typed) is None
