"""A property test: 10,000+ random (date, N) pairs against numpy.busday_offset.

numpy counts from a working day; for N > 0 rolling a non-working start back ("backward")
gives our convention (D is day 0), and for N < 0 rolling it forward does.
"""

from __future__ import annotations

import datetime as dt
import random

import numpy as np

from reviewdesk.workingdays import WorkingCalendar, bank_holidays


def test_against_numpy_busday_offset() -> None:
    cal = WorkingCalendar("england-and-wales", {dt.date(2019, 12, 27): "closed"})
    holidays = sorted(set(bank_holidays("england-and-wales")) | {dt.date(2019, 12, 27)})
    busdaycal = np.busdaycalendar(weekmask="1111100", holidays=holidays)
    rng = random.Random(20240325)
    first, last = dt.date(1990, 1, 1).toordinal(), dt.date(2060, 12, 31).toordinal()
    dates, ns = [], []
    while len(dates) < 12_000:
        d = dt.date.fromordinal(rng.randint(first, last))
        n = rng.choice([rng.randint(-30, 30), rng.randint(-400, 400)])
        if n == 0:
            continue
        dates.append(d)
        ns.append(n)
    arr = np.array(dates, dtype="datetime64[D]")
    narr = np.array(ns)
    forward = np.busday_offset(arr, narr, roll="backward", busdaycal=busdaycal)
    backward = np.busday_offset(arr, narr, roll="forward", busdaycal=busdaycal)
    expected = np.where(narr > 0, forward, backward).astype(dt.date).tolist()
    assert cal.add_working_days_many(dates, ns) == expected
    mismatches = [
        (d, n)
        for d, n, e in zip(dates[:2000], ns[:2000], expected[:2000], strict=True)
        if cal.add_working_days(d, n) != e
    ]
    assert mismatches == []


def test_positive_batch_against_numpy_busday_offset() -> None:
    """The batch's table path (every N positive) against numpy, from any day, working or
    not, with a closure day in the calendar."""
    closed = {dt.date(2019, 12, 27): "closed", dt.date(2031, 8, 1): "closed"}
    cal = WorkingCalendar("scotland", closed)
    holidays = sorted(set(bank_holidays("scotland")) | set(closed))
    busdaycal = np.busdaycalendar(weekmask="1111100", holidays=holidays)
    rng = random.Random(20261206)
    first, last = dt.date(1990, 1, 1).toordinal(), dt.date(2060, 6, 30).toordinal()
    dates = [dt.date.fromordinal(rng.randint(first, last)) for _ in range(20_000)]
    ns = [rng.choice([rng.randint(1, 30), rng.randint(1, 400)]) for _ in dates]
    expected = np.busday_offset(
        np.array(dates, dtype="datetime64[D]"), np.array(ns), roll="backward", busdaycal=busdaycal
    )
    assert cal.add_working_days_many(dates, ns) == expected.astype(dt.date).tolist()


def test_between_against_numpy_busday_count() -> None:
    cal = WorkingCalendar("england-and-wales")
    busdaycal = np.busdaycalendar(holidays=sorted(bank_holidays("england-and-wales")))
    rng = random.Random(7)
    base = dt.date(2000, 1, 1).toordinal()
    for _ in range(2000):
        a = dt.date.fromordinal(base + rng.randint(0, 20000))
        b = a + dt.timedelta(days=rng.randint(0, 400))
        # numpy counts [a, b); ours counts (a, b]. Shift both ends by one day.
        expected = int(
            np.busday_count(a + dt.timedelta(days=1), b + dt.timedelta(days=1), busdaycal=busdaycal)
        )
        assert cal.working_days_between(a, b) == expected
