"""What the flags keep between runs gives what working it out afresh gives, on the small
demo authority: statements compiled once (`casework.rows.compiled_sql`), the flags all and
for a few children at several dates (the same shapes, other values written in); and each
meeting day's deadlines (`flags.deadlines._PLANS`), under the rules in force and others."""

from __future__ import annotations

import datetime as dt

import pytest

from reviewdesk.casework import rows
from reviewdesk.flags import compute_flags
from reviewdesk.kept import KeptAnswers
from tests.demo.conftest import AS_OF

D = dt.date


@pytest.mark.parametrize("as_of", [AS_OF, AS_OF - dt.timedelta(days=30), D(2024, 2, 29)])
def test_flags_the_same_with_statements_kept_and_compiled_afresh(
    small_demo, monkeypatch, as_of
) -> None:
    db, _ = small_demo
    with db.session() as s:
        kept = compute_flags(s, as_of=as_of)
        kept_again = compute_flags(s, as_of=as_of)  # from the statements kept
        some = sorted({f.child_id for f in kept if f.child_id})[:7]
        kept_some = compute_flags(s, as_of=as_of, child_ids=some)
    # Nothing kept: every statement compiled afresh.
    monkeypatch.setattr(rows, "_COMPILED", type(rows._COMPILED)())
    monkeypatch.setattr(rows, "COMPILED_KEPT", 0)
    with db.session() as s:
        fresh = compute_flags(s, as_of=as_of)
        fresh_some = compute_flags(s, as_of=as_of, child_ids=some)
    assert kept == kept_again == fresh and len(fresh) > 100
    assert kept_some == fresh_some and kept_some


def test_deadline_plans_kept_answer_as_worked_out_afresh(small_demo, monkeypatch) -> None:
    """The deadlines check keeps each meeting day's plan by the rules' identity
    (`flags.deadlines._PLANS`): asked again it answers as working them out afresh, and
    other rules (reports due earlier) get their own plans, not those kept."""
    from reviewdesk.casework.register import Register
    from reviewdesk.flags import deadlines, flag_register, flags_from_register
    from reviewdesk.flags.base import HELD_LOOKBACK_DAYS
    from reviewdesk.rule_overrides import rule_table
    from reviewdesk.rules import with_overrides

    db, _ = small_demo
    with db.session() as s:
        register = flag_register(s, as_of=AS_OF)
        earlier = with_overrides(
            register.rules,
            [{**rule_table(register.rules.get("lac.review.reports")), "amount": 15}],
        )

        def flags(rules=None):
            kept = Register(
                s,
                as_of=AS_OF,
                open_only=True,
                recent_since=AS_OF - dt.timedelta(days=HELD_LOOKBACK_DAYS),
                rules=rules,
                calendar=register.calendar if rules is not None else None,
            )
            return flags_from_register(kept, codes=deadlines.CHECKS)

        kept = [flags(), flags()]  # the second from the plans kept
        kept_earlier = [flags(earlier), flags(earlier)]
        monkeypatch.setattr(deadlines, "_PLANS", KeptAnswers(deadlines._PLANS.size))
        assert kept == [flags()] * 2 and len(kept[0]) > 100
        monkeypatch.setattr(deadlines, "_PLANS", KeptAnswers(deadlines._PLANS.size))
        assert kept_earlier == [flags(earlier)] * 2
    # Reports due 15 working days before the review, not 3: more of them late.
    late = [f for f in kept_earlier[0] if f.code == "report_late"]
    assert len(late) > len([f for f in kept[0] if f.code == "report_late"])
