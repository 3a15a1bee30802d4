"""Reports due for a meeting: add and remove them, request them (letters or email drafts),
attach the received PDFs, and record who the pack went to.

Administrators do all of it. Attaching (or removing) a received report's file marks the
report received, which an IRO may do for the meetings they chair, as with its dates
(`reviewdesk.actions.update_report`, the same rule as recording an outcome). Sending requests
records the date each report was requested and, as data leaving, what went where.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reviewdesk.actions.base import Actor, Changes, Permission, action, door
from reviewdesk.actions.exports import export_entry
from reviewdesk.actions.invitations import Sent
from reviewdesk.actions.meetings import refuse_future
from reviewdesk.actions.text import fits
from reviewdesk.codes import AGENCY, PACK_DELIVERY
from reviewdesk.errors import InvalidInput
from reviewdesk.invitations.emails import request_email
from reviewdesk.invitations.facts import meeting_facts
from reviewdesk.invitations.letters import request_letters
from reviewdesk.invitations.pdfcheck import check_report_pdf
from reviewdesk.invitations.proposal import ReportCandidate
from reviewdesk.invitations.settings_check import check_email
from reviewdesk.safefiles import check_output, write_outputs
from reviewdesk.settings import get_setting, working_context
from reviewdesk.storage.audit import record_audit
from reviewdesk.storage.db import Database
from reviewdesk.storage.locking import ensure_unchanged
from reviewdesk.storage.models import (
    Meeting,
    PackDelivery,
    Professional,
    Report,
    ReportFile,
    Staff,
)
from reviewdesk.vocabulary import CALLED_OFF_STATUSES

REQUEST_FORMS = ("letter", "email")


@dataclass(frozen=True)
class NewReport:
    """A report due for a meeting: from whom (a directory entry, a member of staff, or a
    name), which agency, and the timescale rule that sets its deadline."""

    author: str = ""
    agency: str = "other"
    rule_id: str | None = None
    professional_id: int | None = None
    staff_id: int | None = None
    email: str = ""


def report_from(candidate: ReportCandidate) -> NewReport:
    """The report to add for one the rules proposed (`reviewdesk.invitations.propose`)."""
    return NewReport(
        author=candidate.author,
        agency=candidate.agency,
        rule_id=candidate.deadline_rule,
        professional_id=candidate.professional_id,
        staff_id=candidate.staff_id,
    )


def _meeting(session, meeting_id: int) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise InvalidInput(f"meeting {meeting_id} does not exist")
    return meeting


@action("add_reports", "change the reports due for a meeting", Permission.BOOK_MEETING)
def add_reports(
    db: Database, actor: Actor, meeting_id: int, reports: Sequence[NewReport]
) -> Changes:
    """Add reports due for a meeting (the proposed ones, or any). Result: their ids."""
    if not reports:
        raise InvalidInput("Choose the reports to add. Nothing was changed.")
    with door(db, actor, "add_reports") as tx:
        meeting = _meeting(tx.session, meeting_id)
        if meeting.status in CALLED_OFF_STATUSES:
            raise InvalidInput(f"meeting {meeting_id} is {meeting.status}; no reports are due")
        rules, _calendar = working_context(tx.session)
        rows = []
        for new in reports:
            author, email = new.author.strip(), new.email.strip()
            if new.professional_id is not None:
                who = tx.session.get(Professional, new.professional_id)
                if who is None:
                    raise InvalidInput(f"directory entry {new.professional_id} does not exist")
                author = author or who.name
            elif new.staff_id is not None:
                staff = tx.session.get(Staff, new.staff_id)
                if staff is None:
                    raise InvalidInput(f"staff member {new.staff_id} does not exist")
                author = author or staff.name
            if not author:
                raise InvalidInput("report: say whom it is due from")
            if new.agency not in AGENCY:
                raise InvalidInput(f"report from {author}: agency {new.agency!r} is not known")
            if new.rule_id is not None and new.rule_id not in rules:
                raise InvalidInput(
                    f'report from {author}: the deadline rule "{new.rule_id}" is not in the '
                    "rules in force"
                )
            row = Report(
                author=fits("report from", author, Report.author),
                agency=new.agency,
                rule_id=new.rule_id,
                professional_id=new.professional_id,
                staff_id=new.staff_id,
                email=check_email(f"report from {author}: email", email),
            )
            meeting.reports.append(row)
            rows.append(row)
        tx.session.flush()
        return tx.changes(result=[row.id for row in rows])


@action("remove_report", "change the reports due for a meeting", Permission.BOOK_MEETING)
def remove_report(db: Database, actor: Actor, report_id: int, *, expected_version: int) -> Changes:
    """A report is no longer due (its file, if attached, goes with it)."""
    with door(db, actor, "remove_report") as tx:
        report = tx.session.get(Report, report_id)
        if report is None:
            raise InvalidInput(f"report {report_id} does not exist")
        ensure_unchanged(report, expected_version)
        tx.session.delete(report)
        tx.session.flush()
        return tx.changes(result=report_id)


def _file_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()[:60] or "report"


@action("send_report_requests", "request reports for a meeting", Permission.BOOK_MEETING)
def send_report_requests(
    db: Database,
    actor: Actor,
    report_ids: Sequence[int],
    *,
    output: str | os.PathLike[str],
    on: dt.date,
    form: str = "letter",
) -> Changes:
    """Request reports from their authors: as letters (one PDF, a letter each) or as email
    drafts (``.eml``: one file for one report; for several, ``output`` is a folder and each
    draft is named after its author). Records the date each was first requested."""
    if form not in REQUEST_FORMS:
        raise InvalidInput(f'form: "{form}" is not one of {", ".join(REQUEST_FORMS)}')
    ids = list(dict.fromkeys(report_ids))
    target = Path(os.path.abspath(os.path.expanduser(os.fspath(output))))
    into_folder = form == "email" and target.is_dir()
    if form == "email" and len(ids) > 1 and not into_folder:
        raise InvalidInput(
            f"{output}: for several email drafts give a folder to put them in (one each)"
        )
    if not into_folder:
        check_output(target, label="requests")
    with door(db, actor, "send_report_requests") as tx:
        rules, calendar = working_context(tx.session)
        letters = request_letters(tx.session, ids, today=on, rules=rules, calendar=calendar)
        files: list[tuple[Path, bytes]] = []
        if form == "letter":
            from reviewdesk.reports.letters import build_letters

            buffer = io.BytesIO()
            build_letters(
                letters,
                council=str(get_setting(tx.session, "council_name")),
                council_address=str(get_setting(tx.session, "council_address") or ""),
                today=on,
                out=buffer,
                title="Report request",
            )
            files.append((target, buffer.getvalue()))
        else:
            names: set[str] = set()
            for letter in letters:
                facts = meeting_facts(tx.session, letter.meeting_id, as_of=on)
                sender = f"IRO service, {facts.council_name}"
                data = request_email(letter, sender_name=sender, sender_email=facts.contact_email)
                name = f"report-request-{letter.meeting_id}-{_file_name(letter.recipient)}"
                if name in names:  # two reports from one author: one draft each
                    name += f"-{letter.report_id}"
                names.add(name)
                files.append((target / f"{name}.eml" if into_folder else target, data))
        meetings: dict[int, Meeting] = {}
        for letter in letters:
            report = tx.session.get(Report, letter.report_id)
            assert report is not None
            if report.requested_on is None:
                report.requested_on = on
            meetings[report.meeting_id] = report.meeting
        tx.session.flush()
        record_audit(
            tx.session,
            [
                export_entry(
                    "report requests" if form == "letter" else "report request emails",
                    destination=target,
                    children=1,
                    detail={"to": [x.recipient for x in letters], "form": form},
                    record_id=str(meeting.id),
                    child_id=meeting.child_id,
                )
                for meeting in meetings.values()
            ],
        )
        # Last, all or none: if one cannot be written, none is, and nothing is recorded.
        write_outputs(files)
        return tx.changes(
            result=Sent(
                target,
                f"{len(letters)} report request{'s' if len(letters) != 1 else ''} ({form})",
                tuple(x.recipient for x in letters),
            )
        )


@action("attach_report_file", "attach a received report", Permission.RECORD_OUTCOME)
def attach_report_file(
    db: Database,
    actor: Actor,
    report_id: int,
    *,
    data: bytes,
    file_name: str,
    received: dt.date | None,
    expected_version: int,
) -> Changes:
    """Keep a received report's PDF with the report (replacing any earlier file) and mark
    it received on ``received`` (a date already recorded stays when None). The file is
    checked first (`reviewdesk.invitations.pdfcheck`): too big, not a PDF, encrypted, or
    holding scripts or embedded files, it is refused and nothing changes. Result: the
    stored file's id."""
    name = os.path.basename(file_name.strip()) or "report.pdf"
    with door(db, actor, "attach_report_file") as tx:
        report = tx.session.get(Report, report_id)
        if report is None:
            raise InvalidInput(f"report {report_id} does not exist")
        tx.require_chair(report.meeting.chair_id)
        ensure_unchanged(report, expected_version)
        checked = check_report_pdf(
            data, name=name, max_mb=int(get_setting(tx.session, "attachment_max_mb"))
        )
        if report.file is not None:
            tx.session.delete(report.file)
            tx.session.flush()
            tx.session.expire(report, ["file"])
        stored = ReportFile(
            report_id=report.id,
            file_name=name[:255],
            size=checked.size,
            pages=checked.pages,
            sha256=checked.sha256,
            content=data,
        )
        tx.session.add(stored)
        if received is not None:
            refuse_future(tx.session, f"{name}: received", received)
            report.received = received
        elif report.received is None:
            raise InvalidInput(f"{name}: give the date the report was received")
        tx.session.flush()
        return tx.changes(result=stored.id)


@action("remove_report_file", "remove a report's file", Permission.RECORD_OUTCOME)
def remove_report_file(
    db: Database, actor: Actor, report_id: int, *, expected_version: int
) -> Changes:
    """Remove the file kept with a report (attached in error, say); the report's dates
    stay as they are. ``expected_version`` is the file's."""
    with door(db, actor, "remove_report_file") as tx:
        report = tx.session.get(Report, report_id)
        if report is None:
            raise InvalidInput(f"report {report_id} does not exist")
        tx.require_chair(report.meeting.chair_id)
        if report.file is None:
            raise InvalidInput(f"report {report_id} has no file attached")
        ensure_unchanged(report.file, expected_version)
        tx.session.delete(report.file)
        tx.session.flush()
        return tx.changes(result=report_id)


@action("record_pack_sent", "record who a pack went to", Permission.BOOK_MEETING)
def record_pack_sent(
    db: Database,
    actor: Actor,
    meeting_id: int,
    recipients: Sequence[str],
    *,
    how: str,
    on: dt.date,
    pages: int | None = None,
) -> Changes:
    """Record that the meeting's pack went to ``recipients`` on ``on`` (``how``: secure
    email, post, by hand...). Result: the new records' ids."""
    names = [" ".join(r.split()) for r in recipients if r and r.strip()]
    if not names:
        raise InvalidInput("recipients: say whom the pack went to")
    if how not in PACK_DELIVERY:
        raise InvalidInput(f"how: {how!r} is not one of {', '.join(PACK_DELIVERY)}")
    for n in names:
        fits("recipient", n, PackDelivery.recipient)
    with door(db, actor, "record_pack_sent") as tx:
        refuse_future(tx.session, "sent on", on)
        meeting = _meeting(tx.session, meeting_id)
        rows = [
            PackDelivery(meeting_id=meeting.id, recipient=n, how=how, sent_on=on, pages=pages)
            for n in dict.fromkeys(names)
        ]
        tx.session.add_all(rows)
        tx.session.flush()
        return tx.changes(result=[r.id for r in rows])


__all__ = [
    "NewReport",
    "REQUEST_FORMS",
    "add_reports",
    "attach_report_file",
    "record_pack_sent",
    "remove_report",
    "remove_report_file",
    "report_from",
    "send_report_requests",
]
