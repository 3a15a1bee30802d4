"""Child protection conferences: initial, transfer-in, pre-birth, reviews, plan end."""

from __future__ import annotations

import datetime as dt

from reviewdesk.engine import CpEpisodeInput, cp_schedule, meeting_deadlines
from reviewdesk.rules import default_rules
from reviewdesk.workingdays import WorkingCalendar

D = dt.date
CAL = WorkingCalendar()
RULES = default_rules()


def schedule(episodes, as_of):
    return cp_schedule(episodes, rules=RULES, calendar=CAL, as_of=as_of)


def test_icpc_due_15_working_days_after_the_strategy_discussion() -> None:
    s = schedule([CpEpisodeInput(strategy_date=D(2024, 3, 25))], as_of=D(2024, 4, 1))
    assert s.next_due.meeting_type == "icpc"
    assert s.next_due.due.date == D(2024, 4, 17)  # docs/domain.md worked example
    assert "Working Together" in s.next_due.due.explanation.source


def test_icpc_held_late_is_out_of_timescale() -> None:
    ep = CpEpisodeInput(
        strategy_date=D(2024, 3, 25), initial_held=D(2024, 4, 18), plan_start=D(2024, 4, 18)
    )
    s = schedule([ep], as_of=D(2024, 5, 1))
    assert s.conferences[0].meeting_type == "icpc"
    assert s.conferences[0].in_timescale is False
    assert s.next_due.meeting_type == "rcpc_first"
    assert s.next_due.due.date == D(2024, 7, 18)


def test_review_conferences_then_six_monthly_and_plan_end_stops_the_clock() -> None:
    ep = CpEpisodeInput(
        strategy_date=D(2024, 1, 8),
        initial_held=D(2024, 1, 26),
        plan_start=D(2024, 1, 26),
        reviews_held=(D(2024, 4, 25), D(2024, 10, 24)),
    )
    s = schedule([ep], as_of=D(2024, 11, 1))
    assert [c.meeting_type for c in s.conferences] == ["icpc", "rcpc_first", "rcpc_subsequent"]
    assert [c.due.date for c in s.conferences] == [D(2024, 1, 29), D(2024, 4, 26), D(2024, 10, 25)]
    assert all(c.in_timescale for c in s.conferences)
    assert s.next_due.due.date == D(2025, 4, 24)
    ended = CpEpisodeInput(**{**ep.__dict__, "plan_end": D(2024, 10, 24)})
    assert schedule([ended], as_of=D(2024, 11, 1)).next_due is None


def test_transfer_in_conference() -> None:
    ep = CpEpisodeInput(route="transfer_in", notified_date=D(2024, 3, 25))
    s = schedule([ep], as_of=D(2024, 3, 26))
    assert s.next_due.meeting_type == "icpc_transfer_in"
    assert s.next_due.due.date == D(2024, 4, 17)


def test_prebirth_conference_by_the_local_rule() -> None:
    # EDD 01/07/2024: 10 weeks before is 22/04/2024, sooner than s47 + 15 working days.
    ep = CpEpisodeInput(strategy_date=D(2024, 4, 8), prebirth=True, expected_delivery=D(2024, 7, 1))
    s = schedule([ep], as_of=D(2024, 4, 9))
    assert s.next_due.meeting_type == "icpc_prebirth"
    assert s.next_due.due.date == D(2024, 4, 22)
    assert s.next_due.due.rule_id == "cp.prebirth"
    # Strategy discussion late in pregnancy: the 15-working-day rule governs, and says why.
    late = CpEpisodeInput(
        strategy_date=D(2024, 6, 3), prebirth=True, expected_delivery=D(2024, 7, 1)
    )
    due = schedule([late], as_of=D(2024, 6, 4)).next_due.due
    assert due.rule_id == "cp.icpc" and due.date == D(2024, 6, 24)
    assert "pre-birth rule gives" in due.explanation.text()


def test_no_conference_due_when_not_required_or_closed() -> None:
    assert (
        schedule(
            [CpEpisodeInput(strategy_date=D(2024, 3, 25), icpc_not_required=True)],
            as_of=D(2024, 4, 30),
        ).next_due
        is None
    )
    assert (
        schedule(
            [CpEpisodeInput(strategy_date=D(2024, 3, 25), closed=D(2024, 4, 2))],
            as_of=D(2024, 4, 30),
        ).next_due
        is None
    )


def test_plan_milestones_and_a_second_plan() -> None:
    first = CpEpisodeInput(
        strategy_date=D(2021, 1, 4),
        initial_held=D(2021, 1, 22),
        plan_start=D(2021, 1, 22),
        plan_end=D(2021, 7, 20),
        reviews_held=(D(2021, 4, 21), D(2021, 7, 20)),
    )
    second = CpEpisodeInput(
        strategy_date=D(2022, 9, 1), initial_held=D(2022, 9, 21), plan_start=D(2022, 9, 21)
    )
    s = schedule([first, second], as_of=D(2024, 11, 1))
    milestones = {(m.episode_index, m.rule_id): m.due.date for m in s.milestones}
    assert milestones[(1, "cp.plan.18_months")] == D(2024, 3, 21)
    assert milestones[(1, "cp.plan.2_years")] == D(2024, 9, 21)
    assert s.next_due.episode_index == 1
    assert s.next_due.overdue  # no review since the ICPC


def test_deadlines_around_an_icpc_and_a_review_conference() -> None:
    icpc = {
        d.rule.id: d.date
        for d in meeting_deadlines("icpc", D(2024, 4, 2), rules=RULES, calendar=CAL)
    }
    assert icpc["cp.icpc.report_to_parents"] == D(2024, 3, 27)  # over Easter
    assert icpc["cp.icpc.report_to_chair"] == D(2024, 3, 28)
    assert icpc["cp.icpc.core_group"] == D(2024, 4, 16)
    rcpc = {
        d.rule.id: d.date
        for d in meeting_deadlines("rcpc_first", D(2024, 7, 18), rules=RULES, calendar=CAL)
    }
    assert rcpc["cp.rcpc.report"] == D(2024, 7, 15)
    lac = {
        d.rule.id: d
        for d in meeting_deadlines("lac_review", D(2024, 4, 24), rules=RULES, calendar=CAL)
    }
    assert lac["lac.review.consultation"].date == D(2024, 4, 10)
    assert lac["lac.review.reports"].date == D(2024, 4, 19)
    # 15 calendar days before Wed 24/04 is Tue 09/04, a working day.
    assert lac["lac.review.iro_speaks_to_social_worker"].date == D(2024, 4, 9)
    assert lac["lac.review.minutes"].date == D(2024, 5, 23)
    assert lac["lac.review.reports"].met_by(D(2024, 4, 19))
    assert not lac["lac.review.reports"].met_by(D(2024, 4, 22))
    assert not lac["lac.review.reports"].met_by(None)
