"""A truncated history with prior counts gives the same answers as the full history.

Flags over a large register read only recent reviews and a count of earlier ones
(`PeriodInput.prior_reviews`, `CpEpisodeInput.prior_reviews`); this checks that the engine
numbers and dates the reviews it is given exactly as it would with every review.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewdesk.engine import CpEpisodeInput, PeriodInput, cp_schedule, lac, lac_schedule
from reviewdesk.rules import default_rules
from reviewdesk.workingdays import WorkingCalendar

D = dt.date
CAL = WorkingCalendar()
RULES = default_rules()
START = D(2020, 1, 1)


@st.composite
def histories(draw):
    """A start date, review dates held after it (duplicates allowed), a cut and an as-of."""
    start = START + dt.timedelta(days=draw(st.integers(0, 1500)))
    gaps = draw(st.lists(st.integers(0, 250), min_size=1, max_size=10))
    held, day = [], start
    for gap in gaps:
        day += dt.timedelta(days=gap)
        held.append(day)
    cut = draw(st.integers(1, len(held)))
    as_of = held[-1] + dt.timedelta(days=draw(st.integers(0, 400)))
    legal = draw(st.sampled_from([None, "C2", "V3"]))
    ended = draw(st.booleans())
    end = as_of - dt.timedelta(days=draw(st.integers(0, 30))) if ended else None
    if end is not None and end < held[-1]:
        end = None
    return start, held, cut, as_of, legal, end


@settings(max_examples=300, deadline=None)
@given(histories())
def test_lac_truncated_history_matches_full(case) -> None:
    start, held, cut, as_of, legal, end = case
    full = lac_schedule(
        [PeriodInput(start, end, legal)], held, rules=RULES, calendar=CAL, as_of=as_of
    )
    period = PeriodInput(start, end, legal, prior_reviews=cut, prior_last_held=held[cut - 1])
    part = lac_schedule([period], held[cut:], rules=RULES, calendar=CAL, as_of=as_of)
    assert part.reviews == full.reviews[cut:]
    assert part.next_due == full.next_due
    assert part.period_deadlines == full.period_deadlines


@settings(max_examples=300, deadline=None)
@given(histories(), st.integers(0, 20))
def test_cp_truncated_history_matches_full(case, icpc_after) -> None:
    start, held, cut, as_of, _, end = case
    strategy = start - dt.timedelta(days=icpc_after + 5)
    icpc = start - dt.timedelta(days=icpc_after)

    def episode(reviews, **prior):
        return CpEpisodeInput(
            strategy_date=strategy,
            initial_held=icpc,
            plan_start=start,
            plan_end=end,
            reviews_held=tuple(reviews),
            **prior,
        )

    full = cp_schedule([episode(held)], rules=RULES, calendar=CAL, as_of=as_of)
    part = cp_schedule(
        [episode(held[cut:], prior_reviews=cut, prior_last_held=held[cut - 1])],
        rules=RULES,
        calendar=CAL,
        as_of=as_of,
    )
    # The initial conference and every review given are assessed as with the full history.
    assert part.conferences == (full.conferences[0],) + full.conferences[1 + cut :]
    assert part.next_due == full.next_due
    assert part.milestones == full.milestones


def test_prior_reviews_need_the_last_prior_date() -> None:
    with pytest.raises(ValueError):
        PeriodInput(START, prior_reviews=2)
    with pytest.raises(ValueError):
        PeriodInput(START, prior_last_held=START)
    with pytest.raises(ValueError):
        CpEpisodeInput(prior_reviews=1)


@st.composite
def single_periods(draw):
    """One period (perhaps starting after the as-of date, perhaps ended, perhaps with prior
    reviews) and review dates around it, some outside it."""
    start = START + dt.timedelta(days=draw(st.integers(0, 1500)))
    as_of = start + dt.timedelta(days=draw(st.integers(-60, 900)))
    end = None
    if draw(st.booleans()):
        end = start + dt.timedelta(days=draw(st.integers(0, 900)))
    offsets = st.integers(-120, 1000)
    held = [start + dt.timedelta(days=d) for d in draw(st.lists(offsets, max_size=8))]
    prior = draw(st.integers(0, 3))
    last = start + dt.timedelta(days=draw(st.integers(0, 60))) if prior else None
    legal = draw(st.sampled_from([None, "C2", "V3"]))
    return PeriodInput(start, end, legal, prior, last), held, as_of


@settings(max_examples=400, deadline=None)
@given(single_periods())
def test_one_period_shortcut_matches_the_general_path(case) -> None:
    """`lac_schedule` takes a shortcut for a single period; it gives what sharing reviews
    out among periods gives."""
    period, held, as_of = case
    ordered = sorted(d for d in held if d <= as_of)
    short = lac_schedule([period], held, rules=RULES, calendar=CAL, as_of=as_of)
    general = lac._periods([period], ordered, RULES, CAL, as_of)
    assert short == general
