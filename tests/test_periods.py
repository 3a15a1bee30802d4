"""The periods the window offers for reports (`reviewdesk.periods`): the financial year's
quarters and years, as of any day."""

from __future__ import annotations

import datetime as dt

import pytest

from reviewdesk.errors import InvalidInput
from reviewdesk.periods import checked_period, report_periods

D = dt.date


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (
            D(2025, 12, 10),
            [
                ("Last 12 months", D(2024, 12, 1), D(2025, 12, 10)),
                ("This quarter to date (Q3 2025/26)", D(2025, 10, 1), D(2025, 12, 10)),
                ("Last quarter (Q2 2025/26)", D(2025, 7, 1), D(2025, 9, 30)),
                ("This financial year to date (2025/26)", D(2025, 4, 1), D(2025, 12, 10)),
                ("Last financial year (2024/25)", D(2024, 4, 1), D(2025, 3, 31)),
            ],
        ),
        (
            D(2026, 2, 15),  # January to March: the financial year began last April
            [
                ("Last 12 months", D(2025, 2, 1), D(2026, 2, 15)),
                ("This quarter to date (Q4 2025/26)", D(2026, 1, 1), D(2026, 2, 15)),
                ("Last quarter (Q3 2025/26)", D(2025, 10, 1), D(2025, 12, 31)),
                ("This financial year to date (2025/26)", D(2025, 4, 1), D(2026, 2, 15)),
                ("Last financial year (2024/25)", D(2024, 4, 1), D(2025, 3, 31)),
            ],
        ),
        (
            D(2026, 4, 1),  # the first day of a year and of its first quarter
            [
                ("Last 12 months", D(2025, 4, 1), D(2026, 4, 1)),
                ("This quarter to date (Q1 2026/27)", D(2026, 4, 1), D(2026, 4, 1)),
                ("Last quarter (Q4 2025/26)", D(2026, 1, 1), D(2026, 3, 31)),
                ("This financial year to date (2026/27)", D(2026, 4, 1), D(2026, 4, 1)),
                ("Last financial year (2025/26)", D(2025, 4, 1), D(2026, 3, 31)),
            ],
        ),
    ],
)
def test_the_usual_periods_as_of_a_day(as_of, expected) -> None:
    assert [(p.name, p.start, p.end) for p in report_periods(as_of)] == expected


def test_the_period_in_words_and_one_that_ends_before_it_starts() -> None:
    last_quarter = report_periods(D(2025, 12, 10))[2]
    assert last_quarter.text == "Last quarter (Q2 2025/26): 01/07/2025 to 30/09/2025"
    with pytest.raises(InvalidInput, match=r"ends \(31/03/2024\) before it starts \(01/05/2024\)"):
        checked_period(D(2024, 5, 1), D(2024, 3, 31))
    assert checked_period(D(2024, 5, 1), D(2024, 5, 1)).start == D(2024, 5, 1)
