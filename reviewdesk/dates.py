"""Date helpers: parsing for the command line and files, and calendar-month arithmetic.

How dates are shown (dd/mm/yyyy) is defined in `reviewdesk.vocabulary`; `format_uk` and
`format_uk_long` are importable from here too.
"""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta

from reviewdesk.errors import InvalidInput
from reviewdesk.vocabulary import age_on, format_uk, format_uk_long

__all__ = ["add_months", "age_on", "format_uk", "format_uk_long", "parse_iso", "parse_uk"]


def parse_iso(text: str, field: str = "date") -> dt.date:
    """A YYYY-MM-DD date, or InvalidInput naming the field and the value."""
    try:
        return dt.date.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        raise InvalidInput(f'{field}: "{text}" is not a date in the form YYYY-MM-DD') from None


def parse_uk(text: str, field: str = "date") -> dt.date:
    """A dd/mm/yyyy date (as in the statutory returns), or InvalidInput."""
    try:
        return dt.datetime.strptime(text.strip(), "%d/%m/%Y").date()
    except (ValueError, AttributeError):
        raise InvalidInput(f'{field}: "{text}" is not a date in the form dd/mm/yyyy') from None


def add_months(d: dt.date, months: int) -> dt.date:
    """D plus N calendar months, clamped to the month's end (31/01 + 1 month = 28 or 29/02)."""
    return d + relativedelta(months=months)
