"""IRO oversight on the command line.

reviewdesk escalations list [--open] [--as-of DATE] [--child ID] [--iro NAME]
reviewdesk escalations themes [--add WORDS | --retire WORDS]
reviewdesk report oversight --from DATE --to DATE -o FILE.pdf|FILE.xlsx [--as-of DATE]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from reviewdesk import actions
from reviewdesk.cli.args import date, output
from reviewdesk.errors import InvalidInput
from reviewdesk.oversight.records import escalation_views, theme_versions
from reviewdesk.storage.db import open_database
from reviewdesk.vocabulary import format_uk


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "escalations", help="IROs' challenges and escalations, and their themes"
    )
    inner = parser.add_subparsers(dest="what", metavar="WHAT", required=True)
    listing = inner.add_parser(
        "list",
        help="challenges raised, oldest first, with the stage reached and the date due",
        description="Challenges raised by IROs and chairs, as they stood on --as-of.",
    )
    listing.add_argument("--open", action="store_true", help="only those still open")
    listing.add_argument("--as-of", metavar="DATE", help="dd/mm/yyyy (default today)")
    listing.add_argument("--child", metavar="ID", help="one child (their ID, e.g. 903 CHILD)")
    listing.add_argument("--iro", metavar="NAME", help="raised by one IRO (part of a name)")
    listing.set_defaults(handler=_list)
    themes = inner.add_parser("themes", help="the themes challenges are filed under")
    change = themes.add_mutually_exclusive_group()
    change.add_argument("--add", metavar="WORDS", help="add a theme (administrators)")
    change.add_argument("--retire", metavar="WORDS", help="take a theme off the list offered")
    themes.set_defaults(handler=_themes)


def register_report(kinds: argparse._SubParsersAction) -> None:
    """`reviewdesk report oversight` (added by `reviewdesk.cli.report_cmd`)."""
    words = "the quarterly thematic report of IRO challenges and escalations (PDF or xlsx)"
    report = kinds.add_parser("oversight", help=words, description=words)
    report.add_argument("--from", dest="start", metavar="DATE", required=True)
    report.add_argument("--to", dest="end", metavar="DATE", required=True)
    report.add_argument(
        "-o", "--output", metavar="FILE", required=True, help="FILE.pdf or FILE.xlsx"
    )
    report.add_argument(
        "--as-of", metavar="DATE", help="the date the position is taken on (default today)"
    )
    report.set_defaults(handler=_report)


def _as_of(args: argparse.Namespace) -> dt.date:
    return date(args.as_of, "--as-of") if args.as_of else dt.date.today()


def _list(args: argparse.Namespace) -> int:
    as_of = _as_of(args)
    db = open_database(args.db, create=False)
    try:
        with db.session() as session:
            found = escalation_views(session, as_of=as_of, open_only=args.open)
    finally:
        db.dispose()
    if args.child:
        found = [e for e in found if e.local_id == args.child.strip()]
    if args.iro:
        text = args.iro.casefold()
        found = [e for e in found if text in e.raised_by.casefold()]
    for e in found:
        if e.is_open:
            state = "OPEN, past its timescale" if e.past_timescale else "open"
        else:
            state = f"resolved {format_uk(e.resolved_on)} ({e.outcome_label.lower()})"
        due = f"due by {format_uk(e.deadline)}" if e.deadline else "no timescale"
        reached = f"formal, {e.stage_reached_name.lower()}" if e.formal else "informal"
        print(
            f"{e.id:>5}  {format_uk(e.raised_on)}  {e.child_name} ({e.local_id}), "
            f"{e.process_label}: {e.theme}; raised by {e.raised_by}; {reached}; {due}; {state}"
        )
    open_now = sum(1 for e in found if e.is_open)
    late = sum(1 for e in found if e.past_timescale)
    print(
        f"{len(found)} challenge{'s' if len(found) != 1 else ''} as of {format_uk(as_of)}: "
        f"{open_now} open, {late} past their timescale"
    )
    return 0


def _themes(args: argparse.Namespace) -> int:
    db = open_database(args.db, create=False)
    try:
        if args.add:
            actions.add_escalation_theme(db, actions.whoami(db), args.add)
        elif args.retire:
            with db.session() as session:
                known = theme_versions(session)
            wanted = " ".join(args.retire.split()).casefold()
            found = [(i, v) for i, (text, _a, v) in known.items() if text.casefold() == wanted]
            if not found:
                raise InvalidInput(f'--retire: "{args.retire}" is not a theme')
            theme_id, version = found[0]
            actions.retire_escalation_theme(
                db, actions.whoami(db), theme_id, expected_version=version
            )
        with db.session() as session:
            known = theme_versions(session)
    finally:
        db.dispose()
    for text, active, _version in known.values():
        print(text if active else f"{text} (retired)")
    return 0


def _report(args: argparse.Namespace) -> int:
    from reviewdesk.export.oversight_export import write_oversight
    from reviewdesk.reports.gather import council_name
    from reviewdesk.reports.oversight import collect_oversight, render_oversight

    as_of = _as_of(args)
    start, end = date(args.start, "--from"), date(args.end, "--to")
    path = Path(args.output).expanduser()
    kind = path.suffix.lower()
    if kind not in (".pdf", ".xlsx"):
        raise InvalidInput(f'-o: "{args.output}" should be a file name ending in .pdf or .xlsx')
    path = output(args, path, "-o")
    db = open_database(args.db, create=False)
    try:
        with db.session() as session:
            summary = collect_oversight(session, start=start, end=end, as_of=as_of)
            council = council_name(session)
        if kind == ".pdf":
            pages = render_oversight(summary, path, council=council)
            done = f"{pages} page{'s' if pages != 1 else ''}"
        else:
            write_oversight(summary, path)
            done = "a workbook"
        actions.record_export(
            db,
            actions.whoami(db),
            "IRO oversight report",
            destination=path.resolve(),
            children=summary.child_ids,
            detail={"from": start.isoformat(), "to": end.isoformat(), "format": kind[1:]},
        )
    finally:
        db.dispose()
    sys.stdout.write(
        f"wrote {path} ({done}: {summary.raised} challenge{'s' if summary.raised != 1 else ''})\n"
    )
    return 0


__all__ = ["register", "register_report"]
