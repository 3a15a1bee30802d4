"""The collection years an import speaks for, given on the command line or read from a file.

A return covers one collection year (`reviewdesk.collection_year`): the file is the truth
for its year and no other, so importing years one by one, in any order, builds the whole
history (`reviewdesk.importers.slices`).
"""

from __future__ import annotations

from reviewdesk.collection_year import CollectionYear, YearSpan
from reviewdesk.errors import InvalidInput

__all__ = ["CollectionYear", "YearSpan", "parse_year", "parse_years"]


def parse_year(text: str) -> CollectionYear:
    """``--year 2024`` or ``2024-25`` -> the 2024-25 collection year."""
    head, _, tail = text.strip().partition("-")
    if not head.isdigit() or len(head) != 4 or not 1990 <= int(head) <= 2100:
        raise InvalidInput(
            f'--year "{text}": give the year the return starts in, e.g. 2024 for 2024-25'
        )
    year = CollectionYear(int(head))
    if tail and tail not in (str(year.first + 1), f"{(year.first + 1) % 100:02d}"):
        raise InvalidInput(f'--year "{text}": a collection year runs 1 April to 31 March')
    return year


def parse_years(text: str) -> CollectionYear | YearSpan:
    """``--year 2024`` (one year) or ``2018..2023`` / ``2018-19..2023-24`` (a file holding
    several years, from the first to the last)."""
    first, dots, last = text.strip().partition("..")
    if not dots:
        return parse_year(text)
    a, b = parse_year(first), parse_year(last)
    if b.first < a.first:
        raise InvalidInput(f'--year "{text}": the first year must come before the last')
    return YearSpan(a.first, b.first)
