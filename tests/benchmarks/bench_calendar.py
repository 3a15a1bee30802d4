"""Working-day arithmetic: single and batch throughput, against numpy.busday_offset.

The target (issue #20): the batch at least half of numpy's throughput on the same dates
(x2 of numpy's time at most), with identical answers (checked here on every date)."""

from __future__ import annotations

import datetime as dt
import random
import time

import numpy as np

from reviewdesk.workingdays import WorkingCalendar, bank_holidays
from tests.benchmarks.common import best_of, report

N = 200_000


def main() -> None:
    start = time.perf_counter()
    cal = WorkingCalendar("england-and-wales")
    build = time.perf_counter() - start
    rng = random.Random(1)
    first = dt.date(1995, 1, 1).toordinal()
    dates = [dt.date.fromordinal(first + rng.randint(0, 20000)) for _ in range(N)]
    ns = [rng.randint(1, 60) for _ in range(N)]

    busdaycal = np.busdaycalendar(holidays=sorted(bank_holidays("england-and-wales")))
    arr = np.array(dates, dtype="datetime64[D]")
    narr = np.array(ns)
    numpy_time = best_of(
        lambda: np.busday_offset(arr, narr, roll="backward", busdaycal=busdaycal), repeat=7
    )
    numpy_with_conversion = best_of(
        lambda: (
            np.busday_offset(
                np.array(dates, dtype="datetime64[D]"),
                np.array(ns),
                roll="backward",
                busdaycal=busdaycal,
            )
            .astype(dt.date)
            .tolist()
        )
    )
    tables = time.perf_counter()
    answers = cal.add_working_days_many(dates, ns)  # the first batch builds its tables
    tables = time.perf_counter() - tables
    expected = (
        np.busday_offset(arr, narr, roll="backward", busdaycal=busdaycal).astype(dt.date).tolist()
    )
    if answers != expected:
        raise SystemExit("the batch's answers differ from numpy.busday_offset's")
    print(f"calendar.batch: {N:,} answers identical to numpy.busday_offset's", flush=True)
    batch = best_of(lambda: cal.add_working_days_many(dates, ns), repeat=7)
    single = best_of(lambda: [cal.add_working_days(d, n) for d, n in zip(dates, ns, strict=True)])

    report("calendar.build (1985-2065 tables)", build, "one batch of 200k", batch)
    report("calendar.first batch (tables built)", tables, "later batches", batch)
    report(
        f"calendar.batch add ({N:,} dates)",
        batch,
        "numpy.busday_offset",
        numpy_time,
        ratio_target=2.0,
    )
    report(
        f"calendar.batch add ({N:,} dates)",
        batch,
        "numpy incl. date conversion",
        numpy_with_conversion,
    )
    report(f"calendar.single add x{N:,}", single, "batch form", batch)
    print(f"{'calendar.batch throughput':<42} {N / batch / 1e6:10.2f} M dates/s", flush=True)


if __name__ == "__main__":
    main()
