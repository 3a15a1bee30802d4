"""`reviewdesk demo`: fill an empty database with a synthetic authority to try things on."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from reviewdesk import actions
from reviewdesk.cli.args import date, whole_number
from reviewdesk.demo import DEFAULT_CHILDREN, check_request
from reviewdesk.storage.db import open_database
from reviewdesk.vocabulary import format_uk

_whole = whole_number(-(2**63), 2**63 - 1)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="fill an empty database with a synthetic authority (demo data)",
        description="Fill the database with a synthetic authority like the one in the council "
        "papers: children looked after and on child protection plans, IROs, teams, venues, "
        "three years of reviews and conferences and bookings for the weeks ahead. The same "
        "seed and date always give the same data. Refuses a database that already holds "
        "children unless --replace is given.",
    )
    parser.add_argument(
        "--children",
        metavar="N",
        type=_whole,
        default=DEFAULT_CHILDREN,
        help=f"open cases on the as-of date, looked after and on CP plans together "
        f"(default {DEFAULT_CHILDREN}); closed cases from the history come on top",
    )
    parser.add_argument("--seed", metavar="S", type=_whole, default=1, help="default 1")
    parser.add_argument(
        "--as-of",
        metavar="DATE",
        help="dd/mm/yyyy: the day the history runs up to (default today)",
    )
    parser.add_argument(
        "--replace",
        action="store_true",
        help="delete every child, case, staff member and venue in the database first",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    parser.set_defaults(handler=_demo)


def _demo(args: argparse.Namespace) -> int:
    as_of = date(args.as_of, "--as-of") if args.as_of else dt.date.today()
    check_request(args.children, as_of)  # before the database is made: a refusal left one
    db = open_database(args.db)
    shown = [-1]

    def progress(stage: str, fraction: float) -> None:
        percent = int(fraction * 100)
        if not args.quiet and percent != shown[0]:
            shown[0] = percent
            sys.stderr.write(f"\r{stage}: {percent}%   ")
            sys.stderr.flush()

    try:
        summary = actions.create_demo(
            db,
            actions.whoami(db),
            children=args.children,
            seed=args.seed,
            as_of=as_of,
            progress=progress,
            replace=args.replace,
        ).result
    finally:
        if not args.quiet and shown[0] >= 0:
            sys.stderr.write("\n")
        db.dispose()
    print(summary.text())
    print(f"Dates run to {format_uk(as_of)}; open the app to see the flags and the diary.")
    return 0
