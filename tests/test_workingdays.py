"""The working-day calendar against gov.uk's published bank holidays and the worked examples
in docs/domain.md."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from reviewdesk.errors import InvalidInput
from reviewdesk.workingdays import WorkingCalendar, bank_holidays

D = dt.date

# England and Wales bank holidays 2018-2027 as published on gov.uk (www.gov.uk/bank-holidays).
GOVUK_ENGLAND_AND_WALES = {
    2018: ["01-01", "03-30", "04-02", "05-07", "05-28", "08-27", "12-25", "12-26"],
    2019: ["01-01", "04-19", "04-22", "05-06", "05-27", "08-26", "12-25", "12-26"],
    2020: ["01-01", "04-10", "04-13", "05-08", "05-25", "08-31", "12-25", "12-28"],
    2021: ["01-01", "04-02", "04-05", "05-03", "05-31", "08-30", "12-27", "12-28"],
    2022: [
        "01-03",
        "04-15",
        "04-18",
        "05-02",
        "06-02",
        "06-03",
        "08-29",
        "09-19",
        "12-26",
        "12-27",
    ],
    2023: ["01-02", "04-07", "04-10", "05-01", "05-08", "05-29", "08-28", "12-25", "12-26"],
    2024: ["01-01", "03-29", "04-01", "05-06", "05-27", "08-26", "12-25", "12-26"],
    2025: ["01-01", "04-18", "04-21", "05-05", "05-26", "08-25", "12-25", "12-26"],
    2026: ["01-01", "04-03", "04-06", "05-04", "05-25", "08-31", "12-25", "12-28"],
    2027: ["01-01", "03-26", "03-29", "05-03", "05-31", "08-30", "12-27", "12-28"],
}


@pytest.fixture(scope="module")
def cal() -> WorkingCalendar:
    return WorkingCalendar("england-and-wales")


@pytest.mark.parametrize("year", sorted(GOVUK_ENGLAND_AND_WALES))
def test_bank_holidays_match_govuk(cal: WorkingCalendar, year: int) -> None:
    expected = [D.fromisoformat(f"{year}-{md}") for md in GOVUK_ENGLAND_AND_WALES[year]]
    assert [d for d, _ in cal.holidays(year)] == expected
    for day in expected:
        assert not cal.is_working_day(day)


def test_one_off_days_and_substitutes_are_named(cal: WorkingCalendar) -> None:
    assert "State Funeral" in cal.non_working_reason(D(2022, 9, 19))
    assert "Coronation" in cal.non_working_reason(D(2023, 5, 8))
    assert cal.non_working_reason(D(2022, 12, 27)) == "Christmas Day (substitute day)"
    assert cal.non_working_reason(D(2024, 8, 26)) == "Summer bank holiday"
    assert cal.non_working_reason(D(2024, 3, 23)) == "Saturday"
    assert cal.non_working_reason(D(2024, 3, 26)) is None


def test_scotland_and_northern_ireland_differ(cal: WorkingCalendar) -> None:
    scotland = WorkingCalendar("scotland")
    ni = WorkingCalendar("northern-ireland")
    assert not scotland.is_working_day(D(2024, 1, 2))  # 2 January
    assert scotland.is_working_day(D(2024, 4, 1))  # no Easter Monday holiday in Scotland
    assert not ni.is_working_day(D(2024, 3, 18))  # St Patrick's Day (substitute)
    assert not ni.is_working_day(D(2024, 7, 12))  # Battle of the Boyne
    assert cal.is_working_day(D(2024, 7, 12))


# Worked examples from docs/domain.md "Counting conventions".
@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (D(2024, 3, 25), 20, D(2024, 4, 24)),  # Good Friday and Easter Monday skipped
        (D(2024, 3, 23), 20, D(2024, 4, 23)),  # a Saturday is day 0 all the same
        (D(2024, 3, 25), 15, D(2024, 4, 17)),
    ],
)
def test_domain_worked_examples(cal: WorkingCalendar, start, n, expected) -> None:
    assert cal.add_working_days(start, n) == expected


def test_counting_back_from_a_meeting(cal: WorkingCalendar) -> None:
    # "at least N working days before M": M is day 0.
    assert cal.add_working_days(D(2024, 4, 24), -3) == D(2024, 4, 19)
    assert cal.add_working_days(D(2024, 4, 2), -1) == D(2024, 3, 28)  # over Easter
    assert cal.add_working_days(D(2024, 3, 23), -1) == D(2024, 3, 22)  # from a Saturday
    assert cal.add_working_days(D(2024, 3, 25), 0) == D(2024, 3, 25)


def test_between_is_the_inverse_of_add(cal: WorkingCalendar) -> None:
    assert cal.working_days_between(D(2024, 3, 25), D(2024, 4, 24)) == 20
    assert cal.working_days_between(D(2024, 4, 24), D(2024, 3, 25)) == -20
    assert cal.working_days_between(D(2024, 3, 23), D(2024, 3, 24)) == 0


def test_next_previous_and_rolling(cal: WorkingCalendar) -> None:
    assert cal.next_working_day(D(2024, 3, 28)) == D(2024, 4, 2)
    assert cal.previous_working_day(D(2024, 4, 2)) == D(2024, 3, 28)
    assert cal.on_or_before(D(2025, 2, 28)) == D(2025, 2, 28)
    assert cal.on_or_before(D(2024, 12, 26)) == D(2024, 12, 24)
    assert cal.on_or_after(D(2024, 12, 25)) == D(2024, 12, 27)


def test_closure_days_are_not_working_days() -> None:
    closures = {D(2024, 12, 27): "Council closed", D(2024, 12, 30): "Council closed"}
    cal = WorkingCalendar("england-and-wales", closures)
    assert not cal.is_working_day(D(2024, 12, 27))
    assert cal.non_working_reason(D(2024, 12, 30)) == "Council closed"
    assert cal.add_working_days(D(2024, 12, 24), 1) == D(2024, 12, 31)
    assert (D(2024, 12, 27), "Council closed") in cal.holidays(2024)


def test_range_is_checked(cal: WorkingCalendar) -> None:
    assert cal.add_working_days(D(1990, 1, 2), 1) == D(1990, 1, 3)
    assert cal.is_working_day(D(2060, 12, 31)) is True  # a Friday
    with pytest.raises(InvalidInput, match="outside the calendar's range"):
        cal.add_working_days(D(1989, 12, 29), 1)
    with pytest.raises(InvalidInput, match="outside"):
        cal.holidays(2061)
    with pytest.raises(InvalidInput, match="region"):
        WorkingCalendar("wales-only")


def test_batch_form_agrees_with_single(cal: WorkingCalendar) -> None:
    dates = [D(2024, 3, 23) + dt.timedelta(days=i) for i in range(40)]
    ns = [(i % 41) - 20 for i in range(40)]
    assert cal.add_working_days_many(dates, ns) == [
        cal.add_working_days(d, n) for d, n in zip(dates, ns, strict=True)
    ]
    assert cal.add_working_days_many(dates, 5) == [cal.add_working_days(d, 5) for d in dates]


def test_batch_of_positive_counts_takes_the_table_path_with_the_same_answers(
    cal: WorkingCalendar,
) -> None:
    """Every N positive: the batch's look-up tables. Weekends, bank holidays and the edges of
    the range as starting days; the same answers and errors as one date at a time."""
    dates = [D(1990, 1, 1) + dt.timedelta(days=i) for i in range(20)]  # New Year's Day first
    dates += [D(2024, 12, 20) + dt.timedelta(days=i) for i in range(20)]  # Christmas
    dates += [D(2060, 12, 31) - dt.timedelta(days=i) for i in range(10)]
    ns = [1 + (i * 7) % 45 for i in range(len(dates))]
    expected = [cal.add_working_days(d, n) for d, n in zip(dates, ns, strict=True)]
    assert cal.add_working_days_many(dates, ns) == expected
    assert cal.add_working_days_many(dates, 1) == [cal.next_working_day(d) for d in dates]
    assert cal.add_working_days_many([], []) == []
    # A date the tables do not hold: the same message as one date at a time.
    with pytest.raises(InvalidInput, match="outside the calendar's range"):
        cal.add_working_days_many([D(2024, 1, 2), D(1989, 12, 29)], [1, 1])
    # A result past the end of the tables.
    with pytest.raises(InvalidInput, match="falls outside"):
        cal.add_working_days_many([D(2060, 12, 1)], [5000])


def _days_off_by_scan(region: str, closures: dict, a: dt.date, b: dt.date) -> list:
    """The days off in (a, b] found by going through every bank holiday and closure."""
    lo, hi = min(a, b), max(a, b)
    bank = bank_holidays(region)
    out = []
    for day in sorted(set(bank) | set(closures)):
        if lo < day <= hi and day.weekday() < 5:
            names = [n for n in (bank.get(day), closures.get(day)) if n is not None]
            out.append((day, names[0] if len(names) == 1 else f"{names[0]} ({names[1]})"))
    return out


@pytest.mark.parametrize("region", ["england-and-wales", "scotland"])
def test_days_off_between_agrees_with_going_through_every_day_off(region: str) -> None:
    """The explanations' skipped days come from a sorted list (bisected): the same as a scan
    of every bank holiday and closure, closures on a bank holiday or a weekend included."""
    rng = random.Random(20)
    closures = {
        dt.date(2024, 12, 27): "Christmas closure",
        dt.date(2024, 12, 25): "Annual shutdown",  # on Christmas Day: named with it
        dt.date(2025, 1, 2): "Local closure day",
        dt.date(2025, 1, 4): "A Saturday closure",  # a weekend: not listed
    }
    cal = WorkingCalendar(region, closures)
    assert cal.days_off_between(dt.date(2024, 12, 20), dt.date(2025, 1, 6)) == _days_off_by_scan(
        region, closures, dt.date(2024, 12, 20), dt.date(2025, 1, 6)
    )
    for _ in range(2000):
        a = dt.date(1986, 1, 1) + dt.timedelta(days=rng.randrange(29_000))
        b = a + dt.timedelta(days=rng.randrange(-400, 400))
        assert cal.days_off_between(a, b) == _days_off_by_scan(region, closures, a, b)


def test_a_closure_on_a_bank_holiday_is_named_the_same_everywhere() -> None:
    """The day's reason, the year's list and the days an explanation skips name a closure on
    a bank holiday alike: the holiday, then the closure (it once depended on which sorted
    first)."""
    cal = WorkingCalendar(
        "england-and-wales", {D(2024, 12, 25): "Annual shutdown", D(2024, 12, 27): "Council closed"}
    )
    both = "Christmas Day (Annual shutdown)"
    assert cal.day_off_name(D(2024, 12, 25)) == both
    assert cal.non_working_reason(D(2024, 12, 25)) == both
    assert (D(2024, 12, 25), both) in cal.holidays(2024)
    assert (D(2024, 12, 25), both) in cal.days_off_between(D(2024, 12, 20), D(2025, 1, 6))
    assert cal.non_working_reason(D(2024, 12, 27)) == "Council closed"
    assert cal.day_off_name(D(2024, 12, 24)) is None
    # A weekend: the weekday first, then the holiday and the closure.
    assert cal.non_working_reason(D(2021, 12, 25)) == "Saturday (Christmas Day)"
    weekend = WorkingCalendar("england-and-wales", {D(2021, 12, 25): "Annual shutdown"})
    assert (
        weekend.non_working_reason(D(2021, 12, 25)) == "Saturday (Christmas Day, Annual shutdown)"
    )
