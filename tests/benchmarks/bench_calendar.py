"""Working-day arithmetic: single and batch throughput, against numpy.busday_offset."""

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
    numpy_time = best_of(lambda: np.busday_offset(arr, narr, roll="backward", busdaycal=busdaycal))
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
    batch = best_of(lambda: cal.add_working_days_many(dates, ns))
    single = best_of(lambda: [cal.add_working_days(d, n) for d, n in zip(dates, ns, strict=True)])

    report("calendar.build (1985-2065 tables)", build, "one batch of 200k", batch)
    report(f"calendar.batch add ({N:,} dates)", batch, "numpy.busday_offset", numpy_time)
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
