"""The collection year a statutory return covers: 1 April to the next 31 March.

A 903 return or CIN census describes one year. A re-import is only the truth for that year:
records wholly before it (or wholly after it, when an older return is imported after a newer
one) are kept, so importing year after year builds up the whole history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from reviewdesk.vocabulary import format_uk


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
        what = {"903": "903 return", "cin": "CIN census"}.get(source, source)
        return f"{what} for {self.label} ({format_uk(self.start)} to {format_uk(self.end)})"

    def before(self, end: dt.date | None) -> bool:
        """A record ending on ``end`` lies wholly before the year (an open one never does)."""
        return end is not None and end < self.start

    def after(self, start: dt.date) -> bool:
        """A record starting on ``start`` lies wholly after the year."""
        return start > self.end

    def outside(self, start: dt.date, end: dt.date | None) -> bool:
        return self.before(end) or self.after(start)


def parse_year(text: str) -> CollectionYear:
    """``--year 2024`` or ``2024-25`` -> the 2024-25 collection year."""
    from reviewdesk.errors import InvalidInput

    head, _, tail = text.strip().partition("-")
    if not head.isdigit() or len(head) != 4 or not 1990 <= int(head) <= 2100:
        raise InvalidInput(
            f'--year "{text}": give the year the return starts in, e.g. 2024 for 2024-25'
        )
    year = CollectionYear(int(head))
    if tail and tail not in (str(year.first + 1), f"{(year.first + 1) % 100:02d}"):
        raise InvalidInput(f'--year "{text}": a collection year runs 1 April to 31 March')
    return year
