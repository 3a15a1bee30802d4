"""The periods managers report on, as of a date: the window's choices for the timeliness
report, the measures export and the IRO oversight report (the command line takes any dates).

Quarters and years are the financial year's (April to March), as councils report them
(`reviewdesk.oversight.figures.quarter_of`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from reviewdesk.collection_year import CollectionYear
from reviewdesk.errors import InvalidInput
from reviewdesk.oversight.figures import quarter_label, quarter_of
from reviewdesk.vocabulary import format_uk


@dataclass(frozen=True)
class Period:
    """A named stretch of days, both ends included."""

    name: str  # "Last quarter (Q2 2025/26)"
    start: dt.date
    end: dt.date

    @property
    def text(self) -> str:
        """E.g. "Last quarter (Q2 2025/26): 01/07/2025 to 30/09/2025"."""
        return f"{self.name}: {format_uk(self.start)} to {format_uk(self.end)}"


def last_12_months(as_of: dt.date) -> Period:
    """The usual period: from the first of the month a year before ``as_of`` to ``as_of``
    (as the dashboard's chart; `reviewdesk export measures` without --from)."""
    return Period("Last 12 months", dt.date(as_of.year - 1, as_of.month, 1), as_of)


def report_periods(as_of: dt.date) -> tuple[Period, ...]:
    """The periods offered as of ``as_of``, the usual first: the last 12 months (from the
    first of the month a year before, as the dashboard's chart), the quarter to date, the
    last whole quarter, the financial year to date and the last whole financial year."""
    quarter, _ = quarter_of(as_of)
    last_quarter, last_quarter_end = quarter_of(quarter - dt.timedelta(days=1))
    year = CollectionYear.containing(as_of)  # the financial year: 1 April to 31 March
    last_year = CollectionYear(year.first - 1)

    def words(y: CollectionYear) -> str:
        return y.label.replace("-", "/")  # "2025/26", as the quarters are labelled

    return (
        last_12_months(as_of),
        Period(f"This quarter to date ({quarter_label(quarter)})", quarter, as_of),
        Period(f"Last quarter ({quarter_label(last_quarter)})", last_quarter, last_quarter_end),
        Period(f"This financial year to date ({words(year)})", year.start, as_of),
        Period(f"Last financial year ({words(last_year)})", last_year.start, last_year.end),
    )


def checked_period(start: dt.date, end: dt.date) -> Period:
    """A period a person chose, refused (with what to do) when it ends before it starts."""
    if end < start:
        raise InvalidInput(
            f"The period ends ({format_uk(end)}) before it starts ({format_uk(start)}): "
            "choose an end on or after the start"
        )
    return Period("Chosen dates", start, end)


__all__ = ["Period", "checked_period", "last_12_months", "report_periods"]
