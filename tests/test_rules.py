"""Rules files: every timescale is data with a source; bad files are refused clearly."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from reviewdesk.engine import apply_rule, meeting_deadlines
from reviewdesk.errors import InvalidInput
from reviewdesk.rules import REQUIRED, default_rules, load_rules, with_overrides
from reviewdesk.workingdays import WorkingCalendar

D = dt.date
CAL = WorkingCalendar()


def test_every_shipped_rule_names_its_source_and_basis() -> None:
    rules = default_rules()
    assert len(rules) >= 20
    for rule in rules:
        assert rule.source.strip()
        assert rule.basis in ("statutory", "local")
        assert rule.process in ("lac", "cp", "oversight")
    for rule_id in REQUIRED:
        assert rule_id in rules


def test_the_domain_timescales_are_present() -> None:
    rules = default_rules()
    expect = {
        "lac.review.first": (20, "working_days", "after"),
        "lac.review.second": (3, "months", "after"),
        "lac.review.later": (6, "months", "after"),
        "lac.notify_iro_service": (2, "working_days", "after"),
        "lac.iro_allocated": (5, "working_days", "after"),
        "lac.review.consultation": (10, "working_days", "before"),
        "lac.review.reports": (3, "working_days", "before"),
        "lac.review.decisions": (5, "working_days", "after"),
        "lac.review.minutes": (20, "working_days", "after"),
        "lac.review.care_plan_updated": (10, "working_days", "after"),
        "lac.review.iro_speaks_to_social_worker": (15, "days", "before"),
        "cp.icpc": (15, "working_days", "after"),
        "cp.transfer_in": (15, "working_days", "after"),
        "cp.review.first": (3, "months", "after"),
        "cp.review.later": (6, "months", "after"),
        "cp.icpc.report_to_parents": (2, "working_days", "before"),
        "cp.icpc.report_to_chair": (1, "working_days", "before"),
        "cp.rcpc.report": (3, "working_days", "before"),
        "cp.icpc.core_group": (10, "working_days", "after"),
    }
    for rule_id, (amount, unit, direction) in expect.items():
        rule = rules.get(rule_id)
        assert (rule.amount, rule.unit, rule.direction) == (amount, unit, direction), rule_id


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "council.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_a_council_file_overrides_a_rule_without_code(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
[[rule]]
id = "cp.icpc.report_to_parents"
process = "cp"
times = "report"
meetings = ["icpc"]
from = "meeting"
amount = 3
unit = "working_days"
direction = "before"
basis = "local"
title = "Social worker report shared with parents"
source = "Our LSCP procedures 4.2"
""",
    )
    rules = load_rules(path)
    rule = rules.get("cp.icpc.report_to_parents")
    assert rule.amount == 3 and rule.origin == str(path)
    deadline = {
        d.rule.id: d for d in meeting_deadlines("icpc", D(2024, 4, 18), rules=rules, calendar=CAL)
    }
    assert deadline["cp.icpc.report_to_parents"].date == D(2024, 4, 15)
    default = {
        d.rule.id: d
        for d in meeting_deadlines("icpc", D(2024, 4, 18), rules=default_rules(), calendar=CAL)
    }
    assert default["cp.icpc.report_to_parents"].date == D(2024, 4, 16)


def test_a_council_adds_a_rule(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
[[rule]]
id = "local.icpc.agency_reports"
process = "cp"
times = "report"
meetings = ["icpc"]
from = "meeting"
amount = 5
unit = "working_days"
direction = "before"
basis = "local"
title = "Agency reports to the chair"
source = "Local procedure"
""",
    )
    ids = [
        d.rule.id
        for d in meeting_deadlines("icpc", D(2024, 6, 20), rules=load_rules(path), calendar=CAL)
    ]
    assert ids[0] == "local.icpc.agency_reports"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            '[[rule]]\nid = "x"\nprocess = "lac"\ntimes = "meeting"\nmeetings = ["lac_review"]\n'
            'from = "became_looked_after"\namount = "twenty"\nunit = "working_days"\n'
            'direction = "after"\nbasis = "local"\ntitle = "t"\nsource = "s"\n',
            'rule "x", field amount: "twenty" is not a whole number',
        ),
        (
            '[[rule]]\nid = "x"\nprocess = "lac"\ntimes = "meeting"\nmeetings = ["lac_review"]\n'
            'from = "became_looked_after"\namount = 20\nunit = "fortnights"\n'
            'direction = "after"\nbasis = "local"\ntitle = "t"\nsource = "s"\n',
            'rule "x", field unit: "fortnights" is not one of',
        ),
        (
            '[[rule]]\nid = "x"\nprocess = "lac"\ntimes = "meeting"\nmeetings = ["lac_review"]\n'
            'from = "became_looked_after"\namount = 20\nunit = "days"\n'
            'direction = "after"\nbasis = "local"\ntitle = "t"\n',
            'rule "x", field source: missing',
        ),
        (
            '[[rule]]\nid = "x"\nprocess = "lac"\ntimes = "meeting"\nmeetings = ["lac_reveiw"]\n'
            'from = "became_looked_after"\namount = 20\nunit = "days"\n'
            'direction = "after"\nbasis = "local"\ntitle = "t"\nsource = "s"\n',
            'rule "x", field meetings',
        ),
        (
            '[[rule]]\nid = "lac.review.first"\nenabled = false\nprocess = "lac"\n'
            'times = "meeting"\nmeetings = ["lac_review"]\nfrom = "became_looked_after"\n'
            'amount = 20\nunit = "working_days"\ndirection = "after"\nbasis = "statutory"\n'
            'title = "t"\nsource = "s"\n',
            'rule "lac.review.first", field enabled: a required rule cannot be switched off',
        ),
        ("[[rule]\nid = ", "not a valid TOML rules file"),
    ],
)
def test_bad_rules_files_name_the_file_rule_and_field(tmp_path, body, message) -> None:
    path = _write(tmp_path, body)
    with pytest.raises(InvalidInput) as info:
        load_rules(path)
    assert str(path) in str(info.value)
    assert message in str(info.value)


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="no such rules file"):
        load_rules(tmp_path / "absent.toml")


def test_overrides_from_settings() -> None:
    rules = with_overrides(
        default_rules(),
        [
            {
                "id": "lac.review.reports",
                "process": "lac",
                "times": "report",
                "meetings": ["lac_review"],
                "from": "meeting",
                "amount": 5,
                "unit": "working_days",
                "direction": "before",
                "basis": "local",
                "title": "Reports",
                "source": "Our policy",
            }
        ],
    )
    assert rules.get("lac.review.reports").amount == 5
    assert rules.origins[-1] == "settings"
    with pytest.raises(InvalidInput, match="settings: rule"):
        with_overrides(default_rules(), [{"id": "bad"}])


def test_month_rules_clamp_to_the_month_end() -> None:
    rules = default_rules()
    # docs/domain.md: 31/01/2024 + 3 months -> 30/04/2024; 30/08/2024 + 6 -> 28/02/2025.
    assert apply_rule(rules.get("lac.review.second"), D(2024, 1, 31), CAL).date == D(2024, 4, 30)
    due = apply_rule(rules.get("lac.review.later"), D(2024, 8, 30), CAL)
    assert due.date == D(2025, 2, 28)
    assert due.explanation.clamped


def test_sooner_of_takes_the_earlier_limit() -> None:
    due = apply_rule(default_rules().get("cp.minutes"), D(2024, 4, 18), CAL)
    # 20 working days skipping the Early May bank holiday is Fri 17/05; 4 weeks is Thu 16/05.
    assert due.date == D(2024, 5, 16)
    assert "4 weeks gives Thu 16/05/2024, which is sooner" in due.explanation.text()


def test_rule_date_agrees_with_apply_rule() -> None:
    from reviewdesk.engine import rule_date

    for rule in default_rules():
        for day in (D(2024, 1, 31), D(2024, 3, 28), D(2024, 12, 24)):
            assert rule_date(rule, day, CAL) == apply_rule(rule, day, CAL).date, rule.id
