"""`reviewdesk report attach|chase|request|sent`: the reports due for meetings.

    reviewdesk report attach 1234 police.pdf --agency police [--author "DC Jones"]
    reviewdesk report chase --as-of 2024-05-13 -o chase.pdf      # or .csv / .xlsx
    reviewdesk report request 1234 -o requests.pdf               # letters to every author
    reviewdesk report request 1234 --author Jones -o jones.eml   # one email draft
    reviewdesk report sent 1234 --to "Mrs Clarke" --to "DC Jones" --how secure_email

`attach` keeps a received report's PDF with the report due from that agency (adding the
report if none was due) and marks it received; the file is refused if it is too big, not a
PDF, encrypted, or holds scripts or embedded files. An IRO may attach reports for the
meetings they chair; the rest needs an administrator.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

from sqlalchemy import select

from reviewdesk import actions
from reviewdesk.cli.args import date, output, whole_number
from reviewdesk.codes import AGENCY, PACK_DELIVERY, agency_label
from reviewdesk.errors import InvalidInput
from reviewdesk.invitations.pdfcheck import read_report_file
from reviewdesk.safefiles import check_input
from reviewdesk.settings import get_setting
from reviewdesk.storage.db import Database, open_database
from reviewdesk.storage.models import Meeting, Report
from reviewdesk.vocabulary import format_uk

MEETING = whole_number(1, 2**63 - 1, "a meeting number")


def register_into(kinds: argparse._SubParsersAction) -> None:
    """Add the sub-commands to `reviewdesk report`."""
    attach = kinds.add_parser(
        "attach",
        help="attach a received report's PDF to a meeting (and mark it received)",
        description="Keep a received report's PDF with the meeting's report due from that "
        "agency, and mark it received. Refused (nothing changed) if the file is too big, not "
        "a PDF, encrypted, or holds JavaScript or embedded files.",
    )
    attach.add_argument("meeting_id", metavar="MEETING_ID", type=MEETING)
    attach.add_argument("file", metavar="FILE", help="the report, a PDF")
    attach.add_argument(
        "--agency", required=True, metavar="NAME", help="police, health, gp, school... "
    )
    attach.add_argument("--author", metavar="NAME", help="who wrote it (when several are due)")
    attach.add_argument("--received", metavar="DATE", help="dd/mm/yyyy (default today)")
    attach.set_defaults(handler=_attach)

    chase = kinds.add_parser(
        "chase",
        help="reports due within N working days and not received, by author and agency",
    )
    chase.add_argument("--as-of", metavar="DATE", help="dd/mm/yyyy (default today)")
    chase.add_argument(
        "--within",
        metavar="N",
        type=whole_number(0, 60, "a number of working days"),
        help="working days ahead (default: the chase_working_days setting)",
    )
    chase.add_argument("-o", "--output", required=True, metavar="FILE", help=".pdf, .csv, .xlsx")
    chase.set_defaults(handler=_chase)

    request = kinds.add_parser(
        "request", help="request a meeting's reports: letters (.pdf) or an email draft (.eml)"
    )
    request.add_argument("meeting_id", metavar="MEETING_ID", type=MEETING)
    request.add_argument("--author", metavar="NAME", help="only this author's report")
    request.add_argument(
        "-o", "--output", required=True, metavar="FILE", help="FILE.pdf, FILE.eml or a folder"
    )
    request.add_argument("--on", metavar="DATE", help="the date sent (default today)")
    request.set_defaults(handler=_request)

    sent = kinds.add_parser("sent", help="record whom a meeting's pack went to, and how")
    sent.add_argument("meeting_id", metavar="MEETING_ID", type=MEETING)
    sent.add_argument("--to", required=True, action="append", metavar="NAME")
    sent.add_argument("--how", required=True, choices=sorted(PACK_DELIVERY))
    sent.add_argument("--on", metavar="DATE", help="the date sent (default today)")
    sent.set_defaults(handler=_sent)


def _agency(text: str) -> str:
    wanted = text.strip().casefold().replace(" ", "_")
    for code, words in AGENCY.items():
        if wanted in (code, words.casefold().replace(" ", "_")):
            return code
    raise InvalidInput(f'--agency: "{text}" is not an agency ({", ".join(AGENCY)})')


def _report_for(db: Database, meeting_id: int, agency: str, author: str | None) -> Report | None:
    with db.session() as s:
        if s.get(Meeting, meeting_id) is None:
            raise InvalidInput(f"meeting {meeting_id} does not exist")
        due = list(
            s.scalars(
                select(Report)
                .where(Report.meeting_id == meeting_id, Report.agency == agency)
                .order_by(Report.id)
            )
        )
        if author:
            due = [r for r in due if author.casefold() in r.author.casefold()]
        if len(due) > 1:
            names = ", ".join(r.author for r in due)
            raise InvalidInput(
                f"--agency {agency}: {len(due)} reports are due from it ({names}); "
                "say which with --author"
            )
        if due:
            s.expunge(due[0])
            return due[0]
        return None


def _attach(args: argparse.Namespace) -> int:
    agency = _agency(args.agency)
    received = date(args.received, "--received") if args.received else dt.date.today()
    # A folder, a named pipe, a device or a socket is refused by name, before anything else.
    path = check_input(Path(args.file).expanduser())
    if not path.exists():
        raise InvalidInput(f"{args.file}: no such file")
    db = open_database(args.db, create=False)
    try:
        with db.session() as s:
            max_mb = int(get_setting(s, "attachment_max_mb"))
        data = read_report_file(path, max_mb=max_mb)  # a file too big is never read
        me = actions.whoami(db)
        report = _report_for(db, args.meeting_id, agency, args.author)
        if report is None:
            author = args.author or agency_label(agency)
            made = actions.add_reports(
                db, me, args.meeting_id, [actions.NewReport(author=author, agency=agency)]
            )
            report_id, version, author = made.result[0], 1, author
        else:
            report_id, version, author = report.id, report.version, report.author
        actions.attach_report_file(
            db,
            me,
            report_id,
            data=data,
            file_name=path.name,
            received=received,
            expected_version=version,
        )
    finally:
        db.dispose()
    sys.stdout.write(
        f"attached {path.name} as the {agency_label(agency).lower()} report from {author} "
        f"(report {report_id}), received {format_uk(received)}\n"
    )
    return 0


def _chase(args: argparse.Namespace) -> int:
    from reviewdesk.export.chase import write_chase
    from reviewdesk.invitations.chase import chase_rows
    from reviewdesk.reports.chase import build_chase
    from reviewdesk.settings import working_context

    as_of = date(args.as_of, "--as-of") if args.as_of else dt.date.today()
    target = Path(args.output).expanduser()
    fmt = target.suffix.lower().lstrip(".")
    if fmt not in ("pdf", "csv", "xlsx"):
        raise InvalidInput(f'-o: "{args.output}" should end in .pdf, .csv or .xlsx')
    destination = output(args, target, "-o")
    db = open_database(args.db, create=False)
    try:
        with db.session() as s:
            within = args.within
            if within is None:
                within = int(get_setting(s, "chase_working_days"))
            rules, calendar = working_context(s)
            rows = chase_rows(s, as_of=as_of, within=within, rules=rules, calendar=calendar)
            if fmt == "pdf":
                build_chase(s, as_of=as_of, within=within, out=destination)
            else:
                write_chase(rows, destination, fmt)
        actions.record_export(
            db,
            actions.whoami(db),
            "reports to chase",
            destination=destination,
            children={r.child_id for r in rows},
            detail={"format": fmt, "rows": len(rows), "within": within},
        )
    finally:
        db.dispose()
    sys.stdout.write(f"wrote {destination}: {len(rows)} reports to chase\n")
    return 0


def _request(args: argparse.Namespace) -> int:
    on = date(args.on, "--on") if args.on else dt.date.today()
    target = Path(args.output).expanduser()
    folder = target.is_dir()
    if not folder and target.suffix.lower() not in (".pdf", ".eml"):
        raise InvalidInput(f'-o: "{args.output}" should end in .pdf or .eml, or be a folder')
    form = "letter" if target.suffix.lower() == ".pdf" else "email"
    if not folder:
        output(args, target, "-o")
    db = open_database(args.db, create=False)
    try:
        with db.session() as s:
            if s.get(Meeting, args.meeting_id) is None:
                raise InvalidInput(f"meeting {args.meeting_id} does not exist")
            reports = [
                r
                for r in s.scalars(
                    select(Report)
                    .where(Report.meeting_id == args.meeting_id, Report.received.is_(None))
                    .order_by(Report.id)
                )
                if not args.author or args.author.casefold() in r.author.casefold()
            ]
        if not reports:
            raise InvalidInput(
                f"meeting {args.meeting_id}: no report awaited"
                + (f' from "{args.author}"' if args.author else "")
            )
        if form == "email" and len(reports) > 1 and not folder:
            raise InvalidInput(
                f"{len(reports)} reports are awaited; give --author for one email draft, or a "
                "folder for one draft each"
            )
        sent = actions.send_report_requests(
            db, actions.whoami(db), [r.id for r in reports], output=target, on=on, form=form
        )
    finally:
        db.dispose()
    result = sent.result
    sys.stdout.write(
        f"wrote {os.fspath(result.path)}: {result.what} to {', '.join(result.recipients)}\n"
    )
    return 0


def _sent(args: argparse.Namespace) -> int:
    on = date(args.on, "--on") if args.on else dt.date.today()
    db = open_database(args.db, create=False)
    try:
        actions.record_pack_sent(
            db, actions.whoami(db), args.meeting_id, args.to, how=args.how, on=on
        )
    finally:
        db.dispose()
    sys.stdout.write(
        f"recorded the pack for meeting {args.meeting_id} sent to {', '.join(args.to)} "
        f"({PACK_DELIVERY[args.how].lower()}, {format_uk(on)})\n"
    )
    return 0
