"""The working-day calendar: weekends, UK bank holidays and a council's own closure days.

A working day is not a Saturday or Sunday, not a bank holiday of the chosen UK nation (from the
`holidays` package with its `subdiv`, so Easter Monday, the August bank holiday, substitute days
and one-off days such as 19/09/2022 are included), and not a local closure day.

Every answer comes from tables built once per calendar (1985-2065): a flag per day, a running
count of working days, and the list of working days. Adding N working days is then two array
look-ups, which is what the flag engine needs when it refreshes every open case.
"""

from __future__ import annotations

import datetime as dt
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from operator import add

import holidays

from reviewdesk.errors import InvalidInput

#: Regions offered to users, mapped to the `holidays` package's UK subdivisions.
REGIONS: dict[str, str] = {
    "england-and-wales": "ENG",
    "scotland": "SCT",
    "northern-ireland": "NIR",
}
REGION_LABELS: dict[str, str] = {
    "england-and-wales": "England and Wales",
    "scotland": "Scotland",
    "northern-ireland": "Northern Ireland",
}

#: Dates the calendar accepts from users; the tables reach a few years further either side so
#: that counting forwards or backwards from any accepted date stays inside them.
FIRST_YEAR, LAST_YEAR = 1990, 2060
_TABLE_FIRST, _TABLE_LAST = dt.date(1985, 1, 1), dt.date(2065, 12, 31)
_BASE = _TABLE_FIRST.toordinal()

_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# The names gov.uk uses, where the `holidays` package words them differently.
_GOVUK_NAMES = {
    "May Day": "Early May bank holiday",
    "Spring Bank Holiday": "Spring bank holiday",
    "Late Summer Bank Holiday": "Summer bank holiday",
    "Summer Bank Holiday": "Summer bank holiday",
}


def _govuk_name(name: str) -> str:
    name = name.replace(" (observed)", " (substitute day)")
    for theirs, ours in _GOVUK_NAMES.items():
        if name.startswith(theirs):
            return ours + name[len(theirs) :]
    return name


@cache
def bank_holidays(region: str) -> dict[dt.date, str]:
    """Every bank holiday of a region over the calendar's range, with gov.uk-style names."""
    try:
        subdiv = REGIONS[region]
    except KeyError:
        raise InvalidInput(f'region: "{region}" is not one of {", ".join(REGIONS)}') from None
    table = holidays.country_holidays(
        "GB", subdiv=subdiv, years=range(_TABLE_FIRST.year, _TABLE_LAST.year + 1)
    )
    return {day: _govuk_name(name) for day, name in sorted(table.items())}


class WorkingCalendar:
    """Working days for one region plus a council's closure days."""

    def __init__(
        self,
        region: str = "england-and-wales",
        closures: Mapping[dt.date, str] | Iterable[dt.date] = (),
    ) -> None:
        self.region = region
        self._bank = bank_holidays(region)
        if isinstance(closures, Mapping):
            self._closures = {d: str(text or "Local closure day") for d, text in closures.items()}
        else:
            self._closures = {d: "Local closure day" for d in closures}

        size = _TABLE_LAST.toordinal() - _BASE + 1
        working = bytearray(size)
        cumulative = array("i", bytes(4 * size))
        workdays = array("i")
        count = 0
        off_days = {d.toordinal() - _BASE for d in self._bank} | {
            d.toordinal() - _BASE for d in self._closures
        }
        first_weekday = _TABLE_FIRST.weekday()
        for i in range(size):
            if (first_weekday + i) % 7 < 5 and i not in off_days:
                working[i] = 1
                workdays.append(i)
                count += 1
            cumulative[i] = count
        self._working = bytes(working)
        self._cumulative = cumulative
        self._workdays = workdays
        self._batch: tuple[dict[dt.date, int], list[dt.date]] | None = None
        self._days_off: tuple[list[dt.date], list[tuple[dt.date, str]]] | None = None

    # --- single dates -------------------------------------------------------------------

    def _offset(self, d: dt.date) -> int:
        i = d.toordinal() - _BASE
        if not FIRST_YEAR <= d.year <= LAST_YEAR:
            raise InvalidInput(
                f"date: {d.isoformat()} is outside the calendar's range "
                f"({FIRST_YEAR} to {LAST_YEAR})"
            )
        return i

    def _date(self, k: int) -> dt.date:
        if not 0 <= k < len(self._workdays):
            raise InvalidInput("the result falls outside the calendar's range (1985 to 2065)")
        return dt.date.fromordinal(self._workdays[k] + _BASE)

    def is_working_day(self, d: dt.date) -> bool:
        return bool(self._working[self._offset(d)])

    def add_working_days(self, d: dt.date, n: int) -> dt.date:
        """The Nth working day after D (before it when N < 0); D itself is day 0."""
        i = self._offset(d)
        if n == 0:
            return d
        if n > 0:
            return self._date(self._cumulative[i] + n - 1)
        return self._date(self._cumulative[i] - self._working[i] + n)

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        """Working days in (a, b]: how many working days after A falls B (negative if B < A)."""
        return self._cumulative[self._offset(b)] - self._cumulative[self._offset(a)]

    def next_working_day(self, d: dt.date) -> dt.date:
        """The first working day strictly after D."""
        return self.add_working_days(d, 1)

    def previous_working_day(self, d: dt.date) -> dt.date:
        """The last working day strictly before D."""
        return self.add_working_days(d, -1)

    def on_or_before(self, d: dt.date) -> dt.date:
        """D if it is a working day, else the latest working day before it."""
        return d if self.is_working_day(d) else self.previous_working_day(d)

    def on_or_after(self, d: dt.date) -> dt.date:
        """D if it is a working day, else the first working day after it."""
        return d if self.is_working_day(d) else self.next_working_day(d)

    def non_working_reason(self, d: dt.date) -> str | None:
        """Why D is not a working day ("Saturday", "Good Friday", a closure's text, or
        "Saturday (Christmas Day)"), or None."""
        if self.is_working_day(d):
            return None
        if d.weekday() >= 5:
            weekday = _WEEKDAY_NAMES[d.weekday()]
            names = self._names(d)
            return f"{weekday} ({', '.join(names)})" if names else weekday
        return self.day_off_name(d)

    def day_off_name(self, d: dt.date) -> str | None:
        """The name of D as a bank holiday or closure day, or None: "Good Friday", a
        closure's text, or both, "Christmas Day (Annual shutdown)", for a closure on a bank
        holiday. Every list and explanation that names a day off names it so."""
        names = self._names(d)
        if not names:
            return None
        return names[0] if len(names) == 1 else f"{names[0]} ({names[1]})"

    def _names(self, d: dt.date) -> list[str]:
        """D's bank holiday name and closure text, those it has, in that order."""
        return [n for n in (self._bank.get(d), self._closures.get(d)) if n is not None]

    def days_off_between(self, a: dt.date, b: dt.date) -> list[tuple[dt.date, str]]:
        """Bank holidays and closures falling on weekdays in (a, b], with their names.

        These are the days an explanation names as skipped; weekends go without saying. A
        slice of `_weekday_days_off` (every due date's explanation asks for one).
        """
        lo, hi = (a, b) if a <= b else (b, a)
        days, named = self._weekday_days_off()
        return named[bisect_right(days, lo) : bisect_right(days, hi)]

    def _weekday_days_off(self) -> tuple[list[dt.date], list[tuple[dt.date, str]]]:
        """Every bank holiday and closure on a weekday in date order, with its name
        (`day_off_name`), and their dates alone."""
        if self._days_off is None:
            days = {d for d in (*self._bank, *self._closures) if d.weekday() < 5}
            ordered = [(d, self.day_off_name(d)) for d in sorted(days)]
            self._days_off = ([d for d, _ in ordered], ordered)
        return self._days_off

    def holidays(self, year: int) -> list[tuple[dt.date, str]]:
        """Bank holidays and closure days in a year, in order, as gov.uk lists them.

        A holiday falling at a weekend is left out (gov.uk lists its substitute day instead).
        """
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise InvalidInput(
                f"year: {year} is outside the calendar's range ({FIRST_YEAR} to {LAST_YEAR})"
            )
        days = {d for d in self._bank if d.year == year and d.weekday() < 5}
        days |= {d for d in self._closures if d.year == year}
        return [(d, self.day_off_name(d)) for d in sorted(days)]

    # --- many dates at once -------------------------------------------------------------

    def add_working_days_many(
        self, dates: Sequence[dt.date], ns: Sequence[int] | int
    ) -> list[dt.date]:
        """`add_working_days` for many dates (and one N, or an N per date).

        The same answers, several times faster than one call per date: each date's place
        among the working days is looked up in a table (`_batch_tables`) and the answer taken
        from the list of working days, in C-level passes over the whole batch. Dates the
        tables do not hold (out of range) go through the date-by-date path, which gives the
        same answers and the same errors.
        """
        single = isinstance(ns, int)
        counts = [ns] * len(dates) if single else list(ns)
        if len(counts) != len(dates):
            raise ValueError("dates and ns must be the same length")
        if not counts or not (ns > 0 if single else min(counts) > 0):
            return self._add_one_by_one(dates, counts)
        after, workdays = self._batch_tables()
        try:
            # Every N is positive: never a negative index, so never a wrong answer.
            return list(map(workdays.__getitem__, map(add, map(after.__getitem__, dates), counts)))
        except KeyError:  # a date outside the table: the general path says why
            return self._add_one_by_one(dates, counts)
        except IndexError:
            raise InvalidInput(
                "the result falls outside the calendar's range (1985 to 2065)"
            ) from None

    def _add_one_by_one(self, dates: Sequence[dt.date], counts: Sequence[int]) -> list[dt.date]:
        """The batch date by date (any N; dates outside the range raise as one would)."""
        base, work, cum, days = _BASE, self._working, self._cumulative, self._workdays
        fromordinal = dt.date.fromordinal
        lo, hi = dt.date(FIRST_YEAR, 1, 1), dt.date(LAST_YEAR, 12, 31)
        out = []
        append = out.append
        try:
            for d, n in zip(dates, counts, strict=True):
                if not lo <= d <= hi:
                    self._offset(d)  # raises with the message
                i = d.toordinal() - base
                if n > 0:
                    append(fromordinal(days[cum[i] + n - 1] + base))
                elif n < 0:
                    k = cum[i] - work[i] + n
                    if k < 0:
                        raise IndexError
                    append(fromordinal(days[k] + base))
                else:
                    append(d)
        except IndexError:
            raise InvalidInput(
                "the result falls outside the calendar's range (1985 to 2065)"
            ) from None
        return out

    def _batch_tables(self) -> tuple[dict[dt.date, int], list[dt.date]]:
        """For every date the calendar accepts, the index in the list of working days from
        which adding N > 0 working days is index + N (the date's own index when it is a
        working day, else the previous working day's); and that list, as dates. Built once,
        on the first batch."""
        tables = self._batch
        if tables is None:
            first = dt.date(FIRST_YEAR, 1, 1)
            start = first.toordinal() - _BASE
            stop = dt.date(LAST_YEAR, 12, 31).toordinal() - _BASE + 1
            cumulative = self._cumulative
            after = {
                first + dt.timedelta(days=k): cumulative[start + k] - 1 for k in range(stop - start)
            }
            workdays = [dt.date.fromordinal(k + _BASE) for k in self._workdays]
            tables = self._batch = (after, workdays)
        return tables


@cache
def calendar_for(
    region: str = "england-and-wales", closures: frozenset[tuple[dt.date, str]] = frozenset()
) -> WorkingCalendar:
    """A shared calendar for a region and a set of (date, text) closures."""
    return WorkingCalendar(region, dict(closures))
