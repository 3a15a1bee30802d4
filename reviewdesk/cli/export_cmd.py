"""`reviewdesk export schedule|measures`: the schedule and the timeliness measures to files."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from reviewdesk import actions
from reviewdesk.cli.args import date, output
from reviewdesk.errors import InvalidInput
from reviewdesk.export import export_schedule, find_rooms, find_staff, write_measures
from reviewdesk.measures import compute_measures
from reviewdesk.periods import last_12_months
from reviewdesk.storage.db import open_database
from reviewdesk.vocabulary import format_uk


def register(subparsers: argparse._SubParsersAction) -> None:
    export = subparsers.add_parser("export", help="export the schedule or the measures")
    inner = export.add_subparsers(dest="what", metavar="WHAT", required=True)

    schedule = inner.add_parser(
        "schedule",
        help="one row per meeting: held since --from, booked, and the next one due per case",
    )
    schedule.add_argument("--as-of", required=True, metavar="DATE", help="dd/mm/yyyy")
    schedule.add_argument(
        "--from",
        dest="start",
        metavar="DATE",
        help="first held date to include (default: 12 months before --as-of)",
    )
    schedule.add_argument("--format", choices=["csv", "xlsx", "ics"], required=True)
    schedule.add_argument("-o", "--output", required=True, metavar="FILE")
    for option, what in (("--chair", "chair"), ("--room", "room"), ("--clerk", "clerk")):
        schedule.add_argument(
            option,
            metavar="NAME",
            help=f"only the meetings of this {what} (a unique part of the name, or its id)",
        )
    schedule.set_defaults(handler=_schedule)

    measures = inner.add_parser("measures", help="timeliness measures, month by month")
    measures.add_argument(
        "--as-of", metavar="DATE", help="dd/mm/yyyy (default: today): the day --to defaults to"
    )
    measures.add_argument(
        "--from",
        dest="start",
        metavar="DATE",
        help="first day counted (default: the first of the month 12 months before --to)",
    )
    measures.add_argument(
        "--to", dest="end", metavar="DATE", help="last day counted (default: --as-of)"
    )
    measures.add_argument("--format", choices=["csv", "xlsx"], required=True)
    measures.add_argument("-o", "--output", required=True, metavar="FILE")
    measures.set_defaults(handler=_measures)


#: File endings that say what a file holds: one that is not --format's is refused.
FORMAT_ENDINGS = (".csv", ".xlsx", ".ics")


def _matching_ending(path: str, fmt: str) -> None:
    """`InvalidInput` when -o ends in another format's ending: "--format csv -o x.xlsx" wrote
    comma-separated text into a file Excel then would not open."""
    ending = Path(path).suffix.lower()
    if ending in FORMAT_ENDINGS and ending != f".{fmt}":
        raise InvalidInput(
            f'-o: "{path}" ends in {ending}, but --format is {fmt}: end the file name in '
            f".{fmt}, or give --format {ending[1:]}"
        )


def _schedule(args: argparse.Namespace) -> int:
    as_of = date(args.as_of, "--as-of")
    start: dt.date | None = date(args.start, "--from") if args.start else None
    destination = output(args, args.output, "-o")
    _matching_ending(args.output, args.format)  # (after the checks of where it goes)
    db = open_database(args.db, create=False)
    try:
        with db.session() as session:
            filters = {
                "chair_ids": find_staff(session, args.chair) if args.chair else None,
                "room_ids": find_rooms(session, args.room) if args.room else None,
                "clerk_ids": find_staff(session, args.clerk, option="--clerk", what="clerk")
                if args.clerk
                else None,
            }
            rows = export_schedule(
                session, args.output, args.format, as_of=as_of, start=start, **filters
            )
        detail: dict[str, object] = {"format": args.format, "rows": len(rows)}
        detail.update(
            {k: v for k, v in vars(args).items() if k in ("chair", "room", "clerk") and v}
        )
        actions.record_export(
            db,
            actions.whoami(db),
            "meeting schedule",
            destination=destination,
            children={r.child_key for r in rows},
            detail=detail,
        )
    finally:
        db.dispose()
    print(f"wrote {len(rows)} rows to {args.output}")
    return 0


def _measures(args: argparse.Namespace) -> int:
    """The months from --from to --to; without them, the last 12 months to --as-of (the
    window's usual period, `periods.last_12_months`). Counted as things stood at --to."""
    as_of = date(args.as_of, "--as-of") if args.as_of else dt.date.today()
    end = date(args.end, "--to") if args.end else as_of
    if args.as_of and as_of < end:  # (a bound, not a period open on a day)
        raise InvalidInput(
            f"--to {format_uk(end)} is after --as-of {format_uk(as_of)}: "
            "nothing after the as-of date can be counted yet"
        )
    start = date(args.start, "--from") if args.start else last_12_months(end).start
    destination = output(args, args.output, "-o")
    _matching_ending(args.output, args.format)  # (after the checks of where it goes)
    db = open_database(args.db, create=False)
    try:
        with db.session() as session:
            report = compute_measures(session, start=start, end=end)
        write_measures(report, args.output, args.format)
        actions.record_export(
            db,
            actions.whoami(db),
            "timeliness measures",
            destination=destination,
            children=None,
            detail={
                "format": args.format,
                "from": start.isoformat(),
                "to": end.isoformat(),
                "as_of": as_of.isoformat(),
            },
        )
    finally:
        db.dispose()
    print(f"wrote {len(report.rows)} measures x {len(report.months)} months to {args.output}")
    return 0
