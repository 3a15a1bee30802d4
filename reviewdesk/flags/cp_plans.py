"""Child protection plans: reaching 18 months, reaching 2 years, second or later plans."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from reviewdesk.engine import apply_rule
from reviewdesk.flags.base import AMBER, INFO, RED, Flag, FlagContext
from reviewdesk.vocabulary import format_uk, open_on

CHECKS = {
    "cp_plan_18_months": (AMBER, "Child protection plan has lasted 18 months"),
    "cp_plan_2_years": (RED, "Child protection plan has lasted 2 years"),
    "cp_repeat_plan": (INFO, "A second or later child protection plan"),
}


def check(ctx: FlagContext) -> Iterator[Flag]:
    as_of, rules, calendar = ctx.as_of, ctx.register.rules, ctx.register.calendar
    rule_18, rule_24 = rules.get("cp.plan.18_months"), rules.get("cp.plan.2_years")
    starts: dict[int, list] = defaultdict(list)
    for p in ctx.register.plans:
        if p.start <= as_of:
            starts[p.child_id].append(p.start)
    for p in ctx.register.plans:
        if not open_on(p.start, p.end_date, as_of):
            continue
        began = format_uk(p.start)
        two = apply_rule(rule_24, p.start, calendar).date
        eighteen = apply_rule(rule_18, p.start, calendar).date
        if as_of >= two:
            yield Flag(
                "cp_plan_2_years",
                RED,
                f"Child protection plan started {began} reached 2 years on {format_uk(two)}",
                p.child_id,
                None,
                p.chair_id,
                two,
            )
        elif as_of >= eighteen:
            yield Flag(
                "cp_plan_18_months",
                AMBER,
                f"Child protection plan started {began} reached 18 months on "
                f"{format_uk(eighteen)}; 2 years on {format_uk(two)}",
                p.child_id,
                None,
                p.chair_id,
                eighteen,
            )
        earlier = sum(1 for s in starts[p.child_id] if s < p.start)
        previous = max(earlier, p.previous_plans or 0)
        if previous:
            nth = {1: "second", 2: "third"}.get(previous, f"{previous + 1}th")
            yield Flag(
                "cp_repeat_plan",
                INFO,
                f"Child protection plan started {began} is the child's {nth} plan",
                p.child_id,
                None,
                p.chair_id,
                p.start,
            )
