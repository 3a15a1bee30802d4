"""`reviewdesk rules` and `reviewdesk explain`: the rules in force, and one date explained."""

from __future__ import annotations

import argparse

from reviewdesk.cli.args import date
from reviewdesk.engine.explain import apply_rule
from reviewdesk.errors import InvalidInput
from reviewdesk.rules import PROCESSES, RuleSet, load_rules
from reviewdesk.vocabulary import format_uk
from reviewdesk.workingdays import REGIONS, WorkingCalendar


def register(subparsers: argparse._SubParsersAction) -> None:
    rules = subparsers.add_parser("rules", help="the timescales in force, with their sources")
    rules.add_argument(
        "--rules",
        metavar="FILE",
        action="append",
        default=[],
        help="a council rules file laid over the defaults (repeatable)",
    )
    rules.add_argument("--process", choices=list(PROCESSES), help="only this process")
    rules.set_defaults(handler=_rules)

    explain = subparsers.add_parser("explain", help="a due date from a rule, explained")
    explain.add_argument("rule", metavar="RULE", help="a rule id, e.g. lac.review.first")
    explain.add_argument("date", metavar="DATE", help="the date counted from (dd/mm/yyyy)")
    explain.add_argument("--rules", metavar="FILE", action="append", default=[])
    explain.add_argument("--region", choices=list(REGIONS), default="england-and-wales")
    explain.set_defaults(handler=_explain)


def _rules(args: argparse.Namespace) -> int:
    ruleset = load_rules(*args.rules)
    print(f"{ruleset.name} ({len(ruleset)} rules)")
    print("from: " + "; ".join(ruleset.origins))
    for rule in ruleset:
        if args.process and rule.process != args.process:
            continue
        state = "" if rule.enabled else "  [switched off]"
        print(f"\n{rule.id}  [{rule.process}, {rule.basis}]{state}")
        print(f"  {rule.title}: {rule.describe()}")
        if rule.meetings:
            print(f"  meetings: {', '.join(rule.meetings)}")
        if rule.stage is not None:
            print(f"  stage {rule.stage}: to {rule.to}")
        print(f"  source: {rule.source}")
    return 0


def _explain(args: argparse.Namespace) -> int:
    ruleset: RuleSet = load_rules(*args.rules)
    if args.rule not in ruleset:
        known = ", ".join(r.id for r in ruleset)
        raise InvalidInput(f'RULE: "{args.rule}" is not a rule in force (known: {known})')
    start = date(args.date, "DATE")
    due = apply_rule(ruleset.get(args.rule), start, WorkingCalendar(args.region))
    print(format_uk(due.date))
    print(due.explanation.text())
    print(due.explanation.rule_text())
    return 0
