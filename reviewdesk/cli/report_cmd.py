"""`reviewdesk report ...`: print the workload list, the weekly schedule, packs, timeliness.

Each sub-command writes one PDF (``-o FILE.pdf``) and says how many pages it wrote.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from reviewdesk import actions
from reviewdesk.cli import oversight_cmd, report_requests_cmd
from reviewdesk.cli.args import date, output, whole_number
from reviewdesk.errors import InvalidInput
from reviewdesk.storage.db import open_database


def register(subparsers: argparse._SubParsersAction) -> None:
    report = subparsers.add_parser(
        "report",
        help="print documents as PDF: workload, weekly schedule, packs, timeliness, oversight",
    )
    kinds = report.add_subparsers(dest="report", metavar="DOCUMENT", required=True)

    def add(name: str, help_text: str, handler) -> argparse.ArgumentParser:
        parser = kinds.add_parser(name, help=help_text, description=help_text)
        parser.add_argument(
            "-o", "--output", metavar="FILE.pdf", required=True, help="the PDF file to write"
        )
        parser.add_argument(
            "--as-of",
            metavar="DATE",
            help="the date the position is taken on (dd/mm/yyyy; default today)",
        )
        parser.set_defaults(handler=handler)
        return parser

    workload = add("workload", "each IRO's children and caseload per FTE", _workload)
    workload.add_argument("--iro", metavar="NAME", help="one IRO only (a unique part of a name)")

    weekly = add("weekly", "the week's meetings by day, chair and room", _weekly)
    weekly.add_argument("--week", metavar="DATE", required=True, help="any day in the week")

    pack = add("pack", "the conference or review pack for one meeting", _pack)
    pack.add_argument(
        "meeting_id", metavar="MEETING_ID", type=whole_number(1, 2**63 - 1, "a meeting number")
    )

    packs = add("packs", "every pack for the meetings booked in a week, in one file", _packs)
    packs.add_argument("--week", metavar="DATE", required=True, help="any day in the week")

    timeliness = add("timeliness", "timeliness measures month by month, with RAG", _timeliness)
    timeliness.add_argument("--from", dest="start", metavar="DATE", required=True)
    timeliness.add_argument("--to", dest="end", metavar="DATE", required=True)

    oversight_cmd.register_report(kinds)  # PDF or xlsx: a parser of its own
    report_requests_cmd.register_into(kinds)  # attach, chase, request, sent


def _as_of(args: argparse.Namespace) -> dt.date:
    return date(args.as_of, "--as-of") if args.as_of else dt.date.today()


def _output(args: argparse.Namespace) -> Path:
    path = Path(args.output).expanduser()
    if path.suffix.lower() != ".pdf":
        raise InvalidInput(f'-o: "{args.output}" should be a file name ending in .pdf')
    return output(args, path, "-o")


def _done(db, path: Path, pages: int, what: str, kind: str, **options) -> int:  # noqa: ANN001
    """Record the document as data leaving the system, then say what was written."""
    try:
        with db.session() as session:
            children = actions.document_children(session, kind, **options)
        actions.record_export(
            db,
            actions.whoami(db),
            what,
            destination=path.resolve(),
            children=children,
            detail={"pages": pages},
        )
    finally:
        db.dispose()
    sys.stdout.write(f"wrote {path} ({pages} page{'s' if pages != 1 else ''})\n")
    return 0


def _workload(args: argparse.Namespace) -> int:
    from reviewdesk.reports.workload import build_workload

    as_of, out = _as_of(args), _output(args)
    db = open_database(args.db, create=False)
    with db.session() as session:
        pages = build_workload(session, as_of=as_of, out=out, iro=args.iro)
    return _done(db, out, pages, "workload list", "workload", as_of=as_of, iro=args.iro)


def _weekly(args: argparse.Namespace) -> int:
    from reviewdesk.reports.weekly import build_weekly

    as_of, out = _as_of(args), _output(args)
    week = date(args.week, "--week")
    db = open_database(args.db, create=False)
    with db.session() as session:
        pages = build_weekly(session, week=week, as_of=as_of, out=out)
    return _done(db, out, pages, "weekly schedule", "weekly", week=week)


def _pack(args: argparse.Namespace) -> int:
    from reviewdesk.reports.packs import build_pack

    as_of, out = _as_of(args), _output(args)
    db = open_database(args.db, create=False)
    with db.session() as session:
        pages = build_pack(session, args.meeting_id, as_of=as_of, out=out)
    return _done(db, out, pages, f"pack for meeting {args.meeting_id}", "pack")


def _packs(args: argparse.Namespace) -> int:
    from reviewdesk.reports.packs import build_packs

    as_of, out = _as_of(args), _output(args)
    week = date(args.week, "--week")
    db = open_database(args.db, create=False)
    with db.session() as session:
        pages = build_packs(session, week=week, as_of=as_of, out=out)
    return _done(db, out, pages, "packs for a week", "packs", week=week)


def _timeliness(args: argparse.Namespace) -> int:
    from reviewdesk.reports.timeliness import build_timeliness

    as_of, out = _as_of(args), _output(args)
    start = date(args.start, "--from")
    end = date(args.end, "--to")
    db = open_database(args.db, create=False)
    with db.session() as session:
        pages = build_timeliness(session, start=start, end=end, as_of=as_of, out=out)
    return _done(db, out, pages, "timeliness report", "timeliness")
