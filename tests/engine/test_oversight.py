"""IRO oversight's dates (`reviewdesk.engine.oversight`) and their rules as data.

Hand-worked examples on the England and Wales calendar (Easter 2024, Christmas 2024), then
random raised dates against `numpy.busday_offset`, an independent oracle; then the rules:
shipped with sources, overridable, switched off, and bad rules files refused by field.
"""

from __future__ import annotations

import datetime as dt
import random

import numpy as np
import pytest

from reviewdesk.engine.oversight import (
    StageInput,
    escalation_dates,
    escalation_stages,
    midway_review_due,
    reconvene_due,
    stage_rule,
)
from reviewdesk.errors import InvalidInput
from reviewdesk.rule_overrides import override_table, rule_table
from reviewdesk.rules import default_rules, rules_from_data, with_overrides
from reviewdesk.workingdays import WorkingCalendar, bank_holidays

D = dt.date
CAL = WorkingCalendar("england-and-wales")
RULES = default_rules()


# --- hand-worked examples -------------------------------------------------------------------


def test_an_informal_challenge_is_answered_within_10_working_days() -> None:
    # Mon 25/03/2024 + 10 working days, skipping Good Friday and Easter Monday: Wed 10/04.
    dates = escalation_dates(
        D(2024, 3, 25), [StageInput(0, D(2024, 3, 25))], rules=RULES, calendar=CAL
    )
    (stage,) = dates.stages
    assert stage.due is not None and stage.due.date == D(2024, 4, 10)
    assert "Good Friday and Easter Monday" in stage.due.explanation.text()
    assert stage.due.explanation.rule_id == "oversight.escalation.informal"
    # Informal only: its whole timescale is the informal stage's.
    assert not dates.formal and dates.deadline == stage.due
    assert stage.overdue(D(2024, 4, 11)) and not stage.overdue(D(2024, 4, 10))


def test_formal_stages_and_the_20_working_days() -> None:
    # Informal Mon 25/03/2024, stage 1 Thu 28/03 (answer by Mon 08/04: 5 working days over
    # Easter), stage 2 Tue 09/04 (answer by Tue 16/04); the procedure counts from the first
    # formal stage: Thu 28/03 + 20 working days = Mon 29/04/2024.
    stages = [
        StageInput(0, D(2024, 3, 25), D(2024, 3, 27)),
        StageInput(1, D(2024, 3, 28), D(2024, 4, 8)),
        StageInput(2, D(2024, 4, 9)),
    ]
    dates = escalation_dates(D(2024, 3, 25), stages, rules=RULES, calendar=CAL)
    assert [s.due.date for s in dates.stages] == [D(2024, 4, 10), D(2024, 4, 8), D(2024, 4, 16)]
    assert [s.overdue(D(2024, 4, 17)) for s in dates.stages] == [False, False, True]
    assert dates.formal and dates.stage_reached == 2 and dates.current.stage == 2
    assert dates.deadline is not None and dates.deadline.date == D(2024, 4, 29)
    assert dates.deadline.explanation.rule_id == "oversight.escalation.total"
    assert dates.resolved_in_timescale(D(2024, 4, 29)) is True
    assert dates.resolved_in_timescale(D(2024, 4, 30)) is False
    assert dates.open_past_timescale(None, D(2024, 4, 30))
    assert not dates.open_past_timescale(None, D(2024, 4, 29))
    assert not dates.open_past_timescale(D(2024, 4, 26), D(2024, 5, 30))


def test_the_whole_procedure_matches_the_domains_worked_example() -> None:
    # docs/domain.md: Mon 25/03/2024 + 20 working days -> Wed 24/04/2024.
    dates = escalation_dates(
        D(2024, 3, 25), [StageInput(1, D(2024, 3, 25))], rules=RULES, calendar=CAL
    )
    assert dates.deadline.date == D(2024, 4, 24)


def test_an_inquorate_conference_is_reconvened_within_10_working_days() -> None:
    # Fri 20/12/2024 + 10 working days over Christmas, Boxing Day and New Year's Day.
    due = reconvene_due(D(2024, 12, 20), rules=RULES, calendar=CAL)
    assert due is not None and due.date == D(2025, 1, 8)
    assert "Christmas Day" in due.explanation.text()
    assert due.explanation.rule_id == "cp.inquorate.reconvene"


def test_the_midway_review_falls_at_the_midpoint() -> None:
    # Review held Mon 15/01/2024, next due Mon 15/07/2024: 182 days, the midpoint 91 days on.
    due = midway_review_due(D(2024, 1, 15), D(2024, 7, 15), rules=RULES, calendar=CAL)
    assert due is not None and due.date == D(2024, 4, 15)
    assert "midpoint between the review held Mon 15/01/2024" in due.explanation.text()
    # A midpoint on a Sunday (01/02 to 01/05/2024: 90 days, 17/03): book by the Friday.
    due = midway_review_due(D(2024, 2, 1), D(2024, 5, 1), rules=RULES, calendar=CAL)
    assert due.date == D(2024, 3, 17) and due.book_by == D(2024, 3, 15)


# --- an independent oracle ------------------------------------------------------------------


def test_stage_answers_and_totals_against_numpy() -> None:
    busdaycal = np.busdaycalendar(holidays=sorted(bank_holidays("england-and-wales")))
    rng = random.Random(18)
    for _ in range(400):
        raised = D(2019, 1, 1) + dt.timedelta(days=rng.randint(0, 2500))
        stage = rng.randint(0, 4)
        dates = escalation_dates(raised, [StageInput(stage, raised)], rules=RULES, calendar=CAL)
        n = stage_rule(RULES, stage).amount
        # numpy counts from a working day: roll a weekend or holiday back (ours is day 0).
        expected = np.busday_offset(raised, n, roll="backward", busdaycal=busdaycal)
        assert dates.stages[0].due.date == expected.astype(dt.date)
        if stage:
            total = np.busday_offset(raised, 20, roll="backward", busdaycal=busdaycal)
            assert dates.deadline.date == total.astype(dt.date)
        day = raised + dt.timedelta(days=rng.randint(0, 40))
        oracle = np.busday_offset(day, 10, roll="backward", busdaycal=busdaycal)
        assert reconvene_due(day, rules=RULES, calendar=CAL).date == oracle.astype(dt.date)


# --- rules as data --------------------------------------------------------------------------


def test_the_procedure_is_rules_with_sources() -> None:
    stages = escalation_stages(RULES)
    assert [(r.stage, r.to, r.amount, r.unit) for r in stages] == [
        (0, "Social worker and their team manager (informal resolution)", 10, "working_days"),
        (1, "Team manager", 5, "working_days"),
        (2, "Service manager", 5, "working_days"),
        (3, "Head of service", 5, "working_days"),
        (4, "Director of children's services", 5, "working_days"),
    ]
    total = RULES.get("oversight.escalation.total")
    assert (total.amount, total.unit, total.basis) == (20, "working_days", "statutory")
    assert "IRO Handbook" in total.source and "6.2" in total.source
    for rule_id in ("lac.midway_review", "cp.inquorate.reconvene", *(r.id for r in stages)):
        rule = RULES.get(rule_id)
        assert rule.source.strip() and rule.basis == "local"


def test_a_council_overrides_a_stage_and_the_whole_procedure() -> None:
    stage1 = override_table(RULES.get("oversight.escalation.stage1"), amount=3, source="Ours")
    assert stage1["stage"] == 1 and stage1["to"] == "Team manager"  # kept by the override
    total = override_table(RULES.get("oversight.escalation.total"), amount=15, source="Ours")
    mine = with_overrides(RULES, [stage1, total])
    dates = escalation_dates(
        D(2024, 3, 25), [StageInput(1, D(2024, 3, 25))], rules=mine, calendar=CAL
    )
    # Mon 25/03 + 3 working days = Thu 28/03; + 15 (Good Friday, Easter Monday) = Wed 17/04.
    assert dates.stages[0].due.date == D(2024, 3, 28)
    assert dates.deadline.date == D(2024, 4, 17)
    assert rule_table(mine.get("oversight.escalation.stage1"))["source"] == "Ours"


def test_a_council_counts_differently_or_switches_off() -> None:
    # The midway review three months after the review, rather than at the midpoint.
    midway = {
        **rule_table(RULES.get("lac.midway_review")),
        "from": "previous_review",
        "amount": 3,
        "unit": "months",
        "source": "Ours",
    }
    # The whole procedure counted from the day the challenge was raised.
    total = {
        **rule_table(RULES.get("oversight.escalation.total")),
        "from": "escalation_raised",
        "source": "Ours",
    }
    off = {**rule_table(RULES.get("cp.inquorate.reconvene")), "enabled": False, "source": "Ours"}
    stage4 = {
        **rule_table(RULES.get("oversight.escalation.stage4")),
        "enabled": False,
        "source": "Ours",
    }
    mine = with_overrides(RULES, [midway, total, off, stage4])
    due = midway_review_due(D(2024, 1, 31), D(2024, 7, 31), rules=mine, calendar=CAL)
    assert due.date == D(2024, 4, 30)  # 31/01 + 3 months, clamped
    stages = [StageInput(0, D(2024, 3, 11)), StageInput(1, D(2024, 3, 25))]
    dates = escalation_dates(D(2024, 3, 11), stages, rules=mine, calendar=CAL)
    assert dates.deadline.date == CAL.add_working_days(D(2024, 3, 11), 20)
    assert reconvene_due(D(2024, 3, 11), rules=mine, calendar=CAL) is None
    assert [r.stage for r in escalation_stages(mine)] == [0, 1, 2, 3]
    assert stage_rule(mine, 4) is None
    late = escalation_dates(
        D(2024, 3, 11), [StageInput(4, D(2024, 3, 11))], rules=mine, calendar=CAL
    )
    assert late.stages[0].due is None


def test_midway_answers_kept_are_those_worked_out_afresh() -> None:
    """`midway_review_due` keeps its answers by dates and the rules' and calendar's
    identity: asked again, or with other rules for the same dates, it answers as working
    it out afresh does (`_midway_review_due`)."""
    from reviewdesk.engine import oversight

    after = {
        **rule_table(RULES.get("lac.midway_review")),
        "from": "previous_review",
        "amount": 3,
        "unit": "months",
        "source": "Ours",
    }
    off = {**rule_table(RULES.get("lac.midway_review")), "enabled": False, "source": "Ours"}
    rng = random.Random(20)
    for rules in (RULES, with_overrides(RULES, [after]), with_overrides(RULES, [off]), RULES):
        for _ in range(200):
            held = D(2023, 1, 1) + dt.timedelta(days=rng.randrange(800))
            nxt = held + dt.timedelta(days=rng.randrange(20, 200))
            fresh = oversight._midway_review_due(held, nxt, rules, CAL)
            for _again in range(2):
                assert midway_review_due(held, nxt, rules=rules, calendar=CAL) == fresh
    assert midway_review_due(D(2024, 1, 31), D(2024, 7, 31), rules=RULES, calendar=CAL) != (
        midway_review_due(D(2024, 1, 31), D(2024, 7, 31), rules=with_overrides(RULES, [after]),
                          calendar=CAL)
    )  # fmt: skip


@pytest.mark.parametrize(
    ("change", "field", "why"),
    [
        ({"stage": None}, "stage", "is not a stage number from 0 to 9"),
        ({"stage": 12}, "stage", "is not a stage number from 0 to 9"),
        ({"to": " "}, "to", "say to whom the stage goes"),
        ({"from": "meeting", "meetings": ["lac_review"]}, "from", "cannot time this"),
    ],
)
def test_bad_stage_rules_are_refused_by_field(change, field, why) -> None:
    table = {**rule_table(RULES.get("oversight.escalation.stage2")), **change}
    table = {k: v for k, v in table.items() if v is not None}
    with pytest.raises(InvalidInput) as refused:
        rules_from_data({"rule": [table]}, "council.toml")
    text = str(refused.value)
    assert text.startswith('council.toml: rule "oversight.escalation.stage2"')
    assert f"field {field}:" in text and why in text


def test_stage_fields_belong_to_stages_only_and_stages_are_not_doubled() -> None:
    review = {**rule_table(RULES.get("lac.review.first")), "stage": 1, "to": "x"}
    with pytest.raises(InvalidInput, match="field stage: only for escalation stages"):
        rules_from_data({"rule": [review]}, "council.toml")
    odd = {**rule_table(RULES.get("lac.review.first")), "from": "inquorate_conference"}
    with pytest.raises(InvalidInput, match="only for IRO oversight rules"):
        rules_from_data({"rule": [odd]}, "council.toml")
    twin = {**rule_table(RULES.get("oversight.escalation.stage2")), "id": "ours.stage2b"}
    with pytest.raises(InvalidInput, match=r"field stage: stage 2 is also oversight"):
        with_overrides(RULES, [twin], origin="council.toml")
