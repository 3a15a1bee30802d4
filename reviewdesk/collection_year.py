"""The collection year a statutory return covers: 1 April to the next 31 March.

A 903 return or CIN census describes one year (a file may hold several: `YearSpan`). The
years imported say which stretches of a child's history are in the data
(`reviewdesk.casework.coverage`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from reviewdesk.vocabulary import format_uk

#: What each return is called in messages.
RETURN_NAME = {"903": "903 return", "cin": "CIN census"}


@dataclass(frozen=True)
class CollectionYear:
    """The year from 1 April ``first`` to 31 March ``first + 1`` (2024 means 2024-25)."""

    first: int

    @classmethod
    def containing(cls, day: dt.date) -> CollectionYear:
        """The year ending on the first 31 March on or after ``day``."""
        return cls(day.year if day.month >= 4 else day.year - 1)

    @classmethod
    def inferred(cls, dates: Iterable[dt.date | None]) -> CollectionYear | None:
        """The year of the latest date (None when there are no dates at all)."""
        latest = max((d for d in dates if d is not None), default=None)
        return None if latest is None else cls.containing(latest)

    @property
    def start(self) -> dt.date:
        return dt.date(self.first, 4, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.first + 1, 3, 31)

    @property
    def label(self) -> str:
        return f"{self.first}-{(self.first + 1) % 100:02d}"

    def describe(self, source: str) -> str:
        """E.g. "903 return for 2024-25 (01/04/2024 to 31/03/2025)"."""
        return YearSpan(self.first, self.first).describe(source)

    def before(self, end: dt.date | None) -> bool:
        """A record ending on ``end`` lies wholly before the year (an open one never does)."""
        return end is not None and end < self.start

    def after(self, start: dt.date) -> bool:
        """A record starting on ``start`` lies wholly after the year."""
        return start > self.end

    def outside(self, start: dt.date, end: dt.date | None) -> bool:
        return self.before(end) or self.after(start)


@dataclass(frozen=True)
class YearSpan:
    """Collection years ``first`` to ``last`` (by the year each starts in), one file's."""

    first: int
    last: int

    @classmethod
    def of(cls, year: CollectionYear | YearSpan) -> YearSpan:
        return year if isinstance(year, YearSpan) else cls(year.first, year.first)

    @property
    def years(self) -> range:
        return range(self.first, self.last + 1)

    @property
    def start(self) -> dt.date:
        return CollectionYear(self.first).start

    @property
    def end(self) -> dt.date:
        return CollectionYear(self.last).end

    @property
    def label(self) -> str:
        first, last = CollectionYear(self.first).label, CollectionYear(self.last).label
        return first if self.first == self.last else f"{first} to {last}"

    def describe(self, source: str) -> str:
        """E.g. "CIN census for 2018-19 to 2023-24 (01/04/2018 to 31/03/2024)"."""
        what = RETURN_NAME.get(source, source)
        return f"{what} for {self.label} ({format_uk(self.start)} to {format_uk(self.end)})"


def spans_of(years: Iterable[int]) -> list[YearSpan]:
    """The runs of consecutive collection years in ``years`` (2018, 2019, 2021 -> 2018-19 to
    2019-20, and 2021-22)."""
    spans: list[YearSpan] = []
    for year in sorted(set(years)):
        if spans and spans[-1].last == year - 1:
            spans[-1] = YearSpan(spans[-1].first, year)
        else:
            spans.append(YearSpan(year, year))
    return spans
