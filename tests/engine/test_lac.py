"""Looked-after children's reviews: due dates, timescale, periods of care, short breaks."""

from __future__ import annotations

import calendar as pycal
import datetime as dt
import random

import numpy as np

from reviewdesk.engine import PeriodInput, lac_schedule
from reviewdesk.rules import default_rules
from reviewdesk.workingdays import WorkingCalendar, bank_holidays

D = dt.date
CAL = WorkingCalendar()
RULES = default_rules()


def schedule(periods, reviews, as_of):
    return lac_schedule(periods, reviews, rules=RULES, calendar=CAL, as_of=as_of)


def test_first_review_is_20_working_days_after_becoming_looked_after() -> None:
    s = schedule([PeriodInput(D(2024, 3, 25))], [], as_of=D(2024, 4, 1))
    assert s.next_due.sequence == 1
    assert s.next_due.due.date == D(2024, 4, 24)
    assert not s.next_due.overdue
    assert s.next_due.due.explanation.text() == (
        "became looked after Mon 25/03/2024 + 20 working days, skipping Good Friday and "
        "Easter Monday → Wed 24/04/2024"
    )
    assert "reg 33(1)" in s.next_due.due.explanation.rule_text()


def test_second_review_three_months_then_six_monthly_from_the_date_held() -> None:
    held = [D(2024, 4, 22), D(2024, 7, 10), D(2025, 1, 9)]
    s = schedule([PeriodInput(D(2024, 3, 25))], held, as_of=D(2025, 2, 1))
    assert [r.sequence for r in s.reviews] == [1, 2, 3]
    assert [r.due.date for r in s.reviews] == [D(2024, 4, 24), D(2024, 7, 22), D(2025, 1, 10)]
    assert all(r.in_timescale for r in s.reviews)
    assert s.next_due.sequence == 4
    assert s.next_due.due.date == D(2025, 7, 9)


def test_an_early_review_moves_the_clock() -> None:
    # 2nd review brought forward to 01/06 (significant change): the 3rd counts from 01/06.
    held = [D(2024, 4, 22), D(2024, 6, 3)]
    s = schedule([PeriodInput(D(2024, 3, 25))], held, as_of=D(2024, 7, 1))
    assert s.next_due.due.date == D(2024, 12, 3)


def test_a_late_review_is_out_of_timescale_and_the_next_counts_from_it() -> None:
    held = [D(2024, 4, 25)]  # due Wed 24/04
    s = schedule([PeriodInput(D(2024, 3, 25))], held, as_of=D(2024, 5, 1))
    assert s.reviews[0].in_timescale is False
    assert s.next_due.due.date == D(2024, 7, 25)


def test_overdue_when_not_held_by_the_due_date() -> None:
    s = schedule([PeriodInput(D(2024, 3, 25))], [], as_of=D(2024, 4, 25))
    assert s.next_due.overdue
    s = schedule([PeriodInput(D(2024, 3, 25))], [], as_of=D(2024, 4, 24))
    assert not s.next_due.overdue


def test_month_end_limit_and_latest_working_day_to_book_by() -> None:
    s = schedule([PeriodInput(D(2024, 1, 2))], [D(2024, 1, 31)], as_of=D(2024, 2, 1))
    assert s.next_due.due.date == D(2024, 4, 30)  # docs/domain.md: 31/01 + 3 months
    s = schedule(
        [PeriodInput(D(2024, 1, 2))], [D(2024, 1, 26), D(2024, 4, 20)], as_of=D(2024, 5, 1)
    )
    due = s.next_due.due
    assert due.date == D(2024, 10, 20)  # a Sunday
    assert due.book_by == D(2024, 10, 18)
    assert "so book by Fri 18/10/2024" in due.explanation.text()


def test_a_new_period_of_care_restarts_at_the_first_review() -> None:
    periods = [PeriodInput(D(2023, 1, 9), D(2023, 8, 1)), PeriodInput(D(2024, 3, 25))]
    held = [D(2023, 2, 3), D(2023, 5, 2), D(2024, 4, 19)]
    s = schedule(periods, held, as_of=D(2024, 5, 1))
    assert [(r.period_index, r.sequence) for r in s.reviews] == [(0, 1), (0, 2), (1, 1)]
    assert s.reviews[2].due.date == D(2024, 4, 24)
    assert s.next_due.sequence == 2 and s.next_due.period_index == 1
    assert s.next_due.due.date == D(2024, 7, 19)


def test_no_review_due_after_leaving_care() -> None:
    s = schedule([PeriodInput(D(2024, 3, 25), D(2024, 4, 5))], [], as_of=D(2024, 6, 1))
    assert s.next_due is None
    # ...but on a date while the child was still looked after, one was due.
    s = schedule([PeriodInput(D(2024, 3, 25), D(2024, 4, 5))], [], as_of=D(2024, 4, 1))
    assert s.next_due.due.date == D(2024, 4, 24)


def test_short_breaks_have_their_own_rules() -> None:
    period = PeriodInput(D(2024, 1, 15), legal_status="V3")
    s = schedule([period], [], as_of=D(2024, 2, 1))
    assert s.next_due.due.date == D(2024, 4, 15)
    assert s.next_due.due.rule_id == "lac.short_breaks.first"
    s = schedule([period], [D(2024, 4, 10)], as_of=D(2024, 5, 1))
    assert s.next_due.due.date == D(2024, 10, 10)
    assert s.next_due.due.rule_id == "lac.short_breaks.later"


def test_iro_notification_and_allocation_deadlines() -> None:
    s = schedule([PeriodInput(D(2024, 3, 27))], [], as_of=D(2024, 4, 1))
    deadlines = s.period_deadlines[0]
    assert deadlines.notify_iro_service.date == D(2024, 4, 2)  # Thu, then Tue after Easter
    assert deadlines.iro_allocated.date == D(2024, 4, 5)


def test_the_as_of_date_hides_the_future() -> None:
    periods = [PeriodInput(D(2024, 3, 25))]
    held = [D(2024, 4, 22), D(2024, 7, 10)]
    s = schedule(periods, held, as_of=D(2024, 5, 1))
    assert len(s.reviews) == 1 and s.next_due.due.date == D(2024, 7, 22)


def test_a_review_outside_any_period_is_reported() -> None:
    s = schedule([PeriodInput(D(2024, 3, 25))], [D(2024, 1, 5)], as_of=D(2024, 5, 1))
    assert s.unplaced == (D(2024, 1, 5),)


def _months_oracle(d: dt.date, months: int) -> dt.date:
    """An independent month-end clamp, with the standard library only."""
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return D(year, month, min(d.day, pycal.monthrange(year, month)[1]))


def test_random_histories_against_independent_oracles() -> None:
    busdaycal = np.busdaycalendar(holidays=sorted(bank_holidays("england-and-wales")))
    rng = random.Random(33)
    for _ in range(500):
        start = D(2015, 1, 1) + dt.timedelta(days=rng.randint(0, 3000))
        first_due = np.busday_offset(
            np.datetime64(start), 20, roll="backward", busdaycal=busdaycal
        ).astype(dt.date)
        held, expected_dues, due = [], [], first_due
        for k in range(rng.randint(0, 5)):
            day = due + dt.timedelta(days=rng.randint(-40, 5))
            day = max(day, held[-1] + dt.timedelta(days=1) if held else start)
            held.append(day)
            expected_dues.append(due)
            due = _months_oracle(day, 3 if k == 0 else 6)
        s = schedule([PeriodInput(start)], held, as_of=D(2030, 1, 1))
        assert [r.due.date for r in s.reviews] == expected_dues
        assert [r.in_timescale for r in s.reviews] == [
            h <= e for h, e in zip(held, expected_dues, strict=True)
        ]
        assert s.next_due.due.date == due


def test_a_closure_of_several_days_is_named_once_with_its_days() -> None:
    # A Christmas shutdown from Mon 22/12/2025 to Fri 02/01/2026 (the bank holidays keep
    # their own names), met by a first review counted from Fri 12/12/2025.
    shutdown = {
        D(2025, 12, 22) + dt.timedelta(days=k): "Christmas shutdown"
        for k in range(12)
        if (D(2025, 12, 22) + dt.timedelta(days=k)).weekday() < 5
    }
    cal = WorkingCalendar(closures=shutdown)
    s = lac_schedule(
        [PeriodInput(D(2025, 12, 12))], [], rules=RULES, calendar=cal, as_of=D(2025, 12, 15)
    )
    due = s.next_due.due
    days_off = [*shutdown, *bank_holidays("england-and-wales")]
    oracle = np.busday_offset(np.datetime64("2025-12-12"), 20, holidays=days_off)
    assert due.date == oracle.astype(dt.date) == D(2026, 1, 23)
    text = due.explanation.text()
    assert text == (
        "became looked after Fri 12/12/2025 + 20 working days, skipping Christmas shutdown "
        "(3 weekdays, 22/12/2025 to 24/12/2025), Christmas Day (Christmas shutdown), "
        "Boxing Day (Christmas shutdown), Christmas shutdown (3 weekdays, 29/12/2025 to "
        "31/12/2025), New Year's Day (Christmas shutdown) and Christmas shutdown → Fri 23/01/2026"
    )
    # Each name once per run of days, however long the closure.
    assert text.count("Christmas shutdown (") == 2
