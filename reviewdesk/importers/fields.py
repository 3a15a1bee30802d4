"""Checking one field of one record, and saying precisely what is wrong with it.

A `FieldReader` belongs to one row (or XML element): each method returns the parsed value or
None, and records an `ImportIssue` naming the file, row, column and value when the text is
bad. Parsing goes on after an error so that every problem in a file is found in one pass.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection

from reviewdesk.importers.report import ImportIssue

_UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_ISO_PREFIX = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")
_SHORT_YEAR = re.compile(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2}")
_EARLIEST_YEAR = 1900
_LATEST_YEAR = 2100


class FieldReader:
    """Reads fields of one record, collecting an issue for each bad one."""

    def __init__(
        self,
        file: str,
        row: int,
        issues: list[ImportIssue],
        child: str | None = None,
        *,
        is_xml: bool = False,
    ) -> None:
        self.file = file
        self.row = row
        self.issues = issues
        self.child = child
        self.is_xml = is_xml
        self.failed = False

    def issue(self, column: str, value: str | None, message: str, row: int | None = None) -> None:
        self.failed = True
        self.issues.append(
            ImportIssue(
                self.file,
                self.row if row is None else row,
                column,
                value,
                message,
                self.child,
                self.is_xml,
            )
        )

    def _missing(self, column: str) -> None:
        self.issue(column, "", "a value is required")

    def text(self, column: str, value: str, *, required: bool = False, max_len: int = 0) -> str:
        if not value:
            if required:
                self._missing(column)
            return ""
        if max_len and len(value) > max_len:
            self.issue(column, value, f"too long (at most {max_len} characters)")
        return value

    def code(
        self,
        column: str,
        value: str,
        codes: Collection[str],
        *,
        what: str,
        required: bool = True,
    ) -> str | None:
        """A code from a fixed list; lower case is accepted and upper-cased."""
        if not value:
            if required:
                self._missing(column)
            return None
        upper = value.upper()
        if upper in codes:
            return upper
        listed = ", ".join(sorted(codes)) if len(codes) <= 30 else "see the specification"
        self.issue(column, value, f"not a known {what} code (expected one of {listed})")
        return None

    def uk_date(self, column: str, value: str, *, required: bool = True) -> dt.date | None:
        """A date written dd/mm/yyyy, as the SSDA903 files use."""
        if not value:
            if required:
                self._missing(column)
            return None
        match = _UK_DATE.fullmatch(value)
        if match is None:
            self.issue(column, value, _why_not_uk(value))
            return None
        day, month, year = (int(g) for g in match.groups())
        return self._real_date(column, value, year, month, day)

    def iso_date(self, column: str, value: str, *, required: bool = True) -> dt.date | None:
        """A date written yyyy-mm-dd, as the CIN census XML schema requires."""
        if not value:
            if required:
                self._missing(column)
            return None
        match = _ISO_DATE.fullmatch(value)
        if match is None:
            hint = " (this looks like dd/mm/yyyy)" if _UK_DATE.fullmatch(value) else ""
            self.issue(column, value, f"not a date in the form yyyy-mm-dd{hint}")
            return None
        year, month, day = (int(g) for g in match.groups())
        return self._real_date(column, value, year, month, day)

    def _real_date(
        self, column: str, value: str, year: int, month: int, day: int
    ) -> dt.date | None:
        try:
            date = dt.date(year, month, day)
        except ValueError:
            self.issue(column, value, "not a real date")
            return None
        if not _EARLIEST_YEAR <= year <= _LATEST_YEAR:
            self.issue(column, value, f"the year is out of range ({_EARLIEST_YEAR}-{_LATEST_YEAR})")
            return None
        return date

    def whole_number(
        self, column: str, value: str, *, required: bool = False, minimum: int = 0
    ) -> int | None:
        if not value:
            if required:
                self._missing(column)
            return None
        try:
            number = int(value)
        except ValueError:
            self.issue(column, value, "not a whole number")
            return None
        if number < minimum:
            self.issue(column, value, f"must be at least {minimum}")
            return None
        return number

    def flag(self, column: str, value: str) -> bool | None:
        """An XML schema boolean: true/false/1/0 (also yes/no, as some systems write)."""
        lowered = value.lower()
        if lowered in ("true", "1", "yes", "y"):
            return True
        if lowered in ("false", "0", "no", "n", ""):
            return False
        self.issue(column, value, "not true or false")
        return None


def _why_not_uk(value: str) -> str:
    if _ISO_PREFIX.match(value):
        return "not a date in the form dd/mm/yyyy (this looks like yyyy-mm-dd)"
    if _SHORT_YEAR.fullmatch(value):
        return "not a date in the form dd/mm/yyyy (the year needs four digits)"
    return "not a date in the form dd/mm/yyyy"
