"""`reviewdesk invites MEETING_ID`: a meeting's invitation list, and sending it.

    reviewdesk invites 1234                    # who is invited, how, and what is missing
    reviewdesk invites 1234 --propose          # add whom the rules say to invite, and the
                                               # reports due from them
    reviewdesk invites 1234 -o invite.ics      # the Outlook meeting request (or its update,
                                               # or cancellation), recording who was invited
    reviewdesk invites 1234 -o letters.pdf     # letters for the family (and anyone the
                                               # meeting request does not reach)

Sending needs an administrator; every file sent is recorded as data leaving reviewdesk.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from reviewdesk import actions
from reviewdesk.cli.args import date, output, whole_number
from reviewdesk.errors import InvalidInput
from reviewdesk.invitations.details import meeting_invitations
from reviewdesk.invitations.proposal import propose
from reviewdesk.settings import working_context
from reviewdesk.storage.db import Database, open_database
from reviewdesk.storage.models import Meeting
from reviewdesk.vocabulary import AWAITED_STATUSES, format_uk


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "invites",
        help="a meeting's invitations: list, propose, send the meeting request or letters",
        description="A meeting's invitation list. With -o FILE.ics writes the Outlook meeting "
        "request (METHOD:REQUEST; an update with a higher SEQUENCE after a change; METHOD:CANCEL "
        "once the meeting is cancelled); with -o FILE.pdf the letters for the family.",
    )
    p.add_argument(
        "meeting_id", metavar="MEETING_ID", type=whole_number(1, 2**63 - 1, "a meeting number")
    )
    p.add_argument("-o", "--output", metavar="FILE", help="FILE.ics (meeting request) or .pdf")
    p.add_argument(
        "--propose",
        action="store_true",
        help="add the people the council's rules say to invite, and the reports due from them",
    )
    p.add_argument("--on", metavar="DATE", help="the date sent (dd/mm/yyyy; default today)")
    p.set_defaults(handler=_invites)


def _print_list(db: Database, meeting_id: int, on: dt.date) -> None:
    with db.session() as s:
        rules, calendar = working_context(s)
        view = meeting_invitations(s, meeting_id, rules=rules, calendar=calendar)
        proposal = propose(s, meeting_id, rules=rules, calendar=calendar)
    out = sys.stdout
    out.write(f"Meeting {meeting_id} ({view.status}): {len(view.invitees)} invited\n")
    for inv in view.invitees:
        sent = f"invited {format_uk(inv.invited_on)}" if inv.invited_on else "not yet invited"
        out.write(f"  {inv.name} ({inv.role}) - {inv.how.lower()}, {sent}\n")
    for r in view.reports:
        due = f"due {format_uk(r.due)}" if r.due else "no deadline"
        out.write(f"  report: {r.author} ({r.agency_words}), {due}, {r.status(on).lower()}\n")
    if view.request is not None:
        stale = " - the meeting changed since: send the update" if view.request.out_of_date else ""
        out.write(
            f"Meeting request: {view.request.method} SEQUENCE {view.request.sequence} sent "
            f"{format_uk(view.request.sent_on)}{stale}\n"
        )
    for c in proposal.new_invitees:
        out.write(f"  to invite: {c.name} ({c.role}) - {c.why}\n")
    for c in proposal.new_reports:
        out.write(f"  report to request: {c.author} ({c.agency}) - {c.why}\n")
    for line in proposal.missing:
        out.write(f"  missing: {line}\n")


def _propose(db: Database, meeting_id: int) -> None:
    """Add whom the rules say to invite, and the reports due from them, not yet there."""
    with db.session() as s:
        rules, calendar = working_context(s)
        proposal = propose(s, meeting_id, rules=rules, calendar=calendar)
    me = actions.whoami(db)
    invitees = [actions.invitee_from(c) for c in proposal.new_invitees]
    reports = [actions.report_from(r) for r in proposal.new_reports]
    if invitees:
        actions.add_invitees(db, me, meeting_id, invitees)
    if reports:
        actions.add_reports(db, me, meeting_id, reports)
    sys.stdout.write(f"added {len(invitees)} invitees and {len(reports)} reports due\n")
    for line in proposal.missing:
        sys.stdout.write(f"missing: {line}\n")


def _can_invite(db: Database, meeting_id: int) -> None:
    """`InvalidInput` when the meeting is not one still to take place: `--propose -o` on a
    held meeting added its invitees and reports, then refused to send anything."""
    with db.session() as s:
        meeting = s.get(Meeting, meeting_id)
        if meeting is None:
            raise InvalidInput(f"meeting {meeting_id} does not exist")
        if meeting.status not in AWAITED_STATUSES:
            raise InvalidInput(
                f"meeting {meeting_id} is {meeting.status.replace('_', ' ')}: there is no one to "
                "invite now, so no one was added"
            )


def _invites(args: argparse.Namespace) -> int:
    on = date(args.on, "--on") if args.on else dt.date.today()
    target: Path | None = None
    if args.output:
        target = Path(args.output).expanduser()
        if target.suffix.lower() not in (".ics", ".pdf"):
            raise InvalidInput(f'-o: "{args.output}" should end in .ics (meeting request) or .pdf')
        target = output(args, target, "-o")
    db = open_database(args.db, create=False)
    try:
        if args.propose and target is not None:
            _can_invite(db, args.meeting_id)  # before anyone is added, not after
        if args.propose:
            _propose(db, args.meeting_id)
        if target is None:
            if not args.propose:
                _print_list(db, args.meeting_id, on)
            return 0
        me = actions.whoami(db)
        if target.suffix.lower() == ".ics":
            sent = actions.send_meeting_request(db, me, args.meeting_id, output=target, on=on)
        else:
            sent = actions.send_invitation_letters(db, me, args.meeting_id, output=target, on=on)
        result = sent.result
        sys.stdout.write(f"wrote {result.path}: {result.what}\n")
        if result.not_reached:
            sys.stdout.write(
                "not reached by the meeting request (send them letters: -o letters.pdf): "
                + ", ".join(result.not_reached)
                + "\n"
            )
    finally:
        db.dispose()
    return 0
