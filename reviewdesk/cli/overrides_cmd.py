"""`reviewdesk overrides`: the council's rule overrides kept in the database, one rule at a
time (list, set, reset) or as a rules file (export, load). Changes need an administrator and
are audited like every setting."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reviewdesk import actions
from reviewdesk.cli.args import output
from reviewdesk.errors import InvalidInput
from reviewdesk.rule_overrides import (
    override_history,
    override_versions,
    overrides_from_toml,
    overrides_to_toml,
    rule_entries,
    stored_overrides,
    value_text,
)
from reviewdesk.rules import UNITS, read_rules_text
from reviewdesk.safefiles import write_output
from reviewdesk.settings import get_setting, working_context
from reviewdesk.storage.db import Database, open_database
from reviewdesk.storage.locking import local_time
from reviewdesk.vocabulary import format_uk_time


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "overrides",
        help="the council's own timescales (rule overrides) in the database",
        description="List, change or reset the council's rule overrides; export them to a "
        "rules file or load one. Every change names its source and is audited.",
    )
    sub = p.add_subparsers(dest="overrides_command", metavar="ACTION", required=True)

    listing = sub.add_parser("list", help="every rule in force; the council's marked with *")
    listing.add_argument("--changed", action="store_true", help="only the council's rules")
    listing.set_defaults(handler=_list)

    change = sub.add_parser("set", help="change one rule (its source is required)")
    change.add_argument("rule", metavar="RULE", help="a rule id, e.g. lac.review.first")
    change.add_argument("--amount", type=int, help="the number of units, e.g. 15")
    change.add_argument("--unit", choices=list(UNITS), help="the unit counted")
    change.add_argument(
        "--sooner-of",
        metavar="N:UNIT",
        help='a second limit, whichever is sooner (e.g. "4:weeks"); "none" removes it',
    )
    change.add_argument("--off", action="store_true", help="switch an optional rule off")
    change.add_argument("--on", action="store_true", help="switch the rule back on")
    change.add_argument("--basis", choices=["statutory", "local"])
    change.add_argument("--source", required=True, help="the council's source or reason")
    change.set_defaults(handler=_set)

    reset = sub.add_parser("reset", help="put one rule back to the shipped rule")
    reset.add_argument("rule", metavar="RULE")
    reset.set_defaults(handler=_reset)

    export = sub.add_parser("export", help="write the council's rules to a TOML file")
    export.add_argument("file", metavar="FILE", help='a .toml file, or "-" for the screen')
    export.set_defaults(handler=_export)

    load = sub.add_parser("load", help="replace the council's rules with a TOML rules file")
    load.add_argument("file", metavar="FILE")
    load.set_defaults(handler=_load)


def _open(args: argparse.Namespace) -> Database:
    return open_database(args.db, create=False)


def _list(args: argparse.Namespace) -> int:
    db = _open(args)
    try:
        with db.session() as s:
            rules, _calendar = working_context(s)
            entries = rule_entries(rules, override_history(s))
    finally:
        db.dispose()
    for entry in entries:
        if args.changed and not entry.overridden:
            continue
        rule = entry.rule
        mark = "*" if entry.overridden else " "
        state = "" if rule.enabled else "  [switched off]"
        print(f"{mark} {rule.id}: {value_text(rule)}{state}  ({rule.title})")
        if entry.overridden:
            if entry.shipped is not None:
                print(f"    shipped: {value_text(entry.shipped)}; {entry.shipped_source}")
            print(f"    council: {entry.council_source}")
            if entry.change is not None:
                when = local_time(entry.change.at)
                print(f"    changed by {entry.change.username} on {format_uk_time(when)}")
    return 0


def _sooner(text: str) -> tuple[int, str] | None:
    if text.strip().lower() == "none":
        return None
    amount, sep, unit = text.partition(":")
    try:
        return int(amount), unit.strip()
    except ValueError:
        raise InvalidInput(
            f'--sooner-of: "{text}" is not N:UNIT (e.g. 4:weeks) or "none"'
        ) from None


def _set(args: argparse.Namespace) -> int:
    if args.on and args.off:
        raise InvalidInput("--on and --off: give one or the other")
    changes: dict = {}
    if args.amount is not None:
        changes["amount"] = args.amount
    if args.unit is not None:
        changes["unit"] = args.unit
    if args.sooner_of is not None:
        changes["sooner_of"] = _sooner(args.sooner_of)
    if args.on or args.off:
        changes["enabled"] = bool(args.on)
    if args.basis is not None:
        changes["basis"] = args.basis
    db = _open(args)
    try:
        table = actions.set_rule(
            db,
            actions.whoami(db),
            args.rule,
            expected_version=_version(db, args.rule),
            source=args.source,
            **changes,
        ).result
        with db.session() as s:
            rules, _calendar = working_context(s)
    finally:
        db.dispose()
    print(f"{table['id']}: now {rules.get(table['id']).describe()}")
    return 0


def _version(db: Database, rule_id: str) -> int:
    """The version of the rule's override now (0: not overridden): the command is built on
    the rules as they are when it starts."""
    with db.session() as s:
        return override_versions(s).get(rule_id, 0)


def _reset(args: argparse.Namespace) -> int:
    db = _open(args)
    try:
        actions.reset_rule(
            db, actions.whoami(db), args.rule, expected_version=_version(db, args.rule)
        )
        with db.session() as s:
            rules, _calendar = working_context(s)
    finally:
        db.dispose()
    print(f"{args.rule}: back to the shipped rule, {rules.get(args.rule).describe()}")
    return 0


def _export(args: argparse.Namespace) -> int:
    destination = None if args.file == "-" else output(args, args.file, "FILE")
    db = _open(args)
    try:
        with db.session() as s:
            overrides = stored_overrides(s)
            text = overrides_to_toml(
                overrides,
                council=str(get_setting(s, "council_name") or ""),
                history=override_history(s),
            )
        if destination is None:
            sys.stdout.write(text)
        else:
            write_output(destination, text)
        actions.record_export(
            db,
            actions.whoami(db),
            "council rules",
            destination="the screen" if destination is None else destination,
            children=None,
            detail={"rules": len(overrides)},
        )
    finally:
        db.dispose()
    return 0


def _load(args: argparse.Namespace) -> int:
    path = Path(args.file)
    tables = overrides_from_toml(read_rules_text(path), str(path))
    db = _open(args)
    try:
        with db.session() as s:
            versions = override_versions(s)
        actions.replace_rules(db, actions.whoami(db), tables, expected_versions=versions)
    finally:
        db.dispose()
    print(f"{len(tables)} council rules loaded from {path}")
    return 0
