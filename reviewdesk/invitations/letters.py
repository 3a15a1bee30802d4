"""The letters reviewdesk writes: invitations to the family, report requests to authors.

Each `Letter` is plain values: who it is to, their address, and its paragraphs, filled in
from the council's template (`templates`) with the meeting's facts (`facts`). The PDF is
laid out by `reviewdesk.reports.letters`; a report request can also go as an email draft
(`emails`). Who gets an invitation letter by default: everyone on the list the meeting
request does not reach (the child, the family and network, professionals with no email).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from reviewdesk.codes import agency_label
from reviewdesk.errors import InvalidInput
from reviewdesk.invitations.facts import (
    MeetingFacts,
    common_fields,
    meeting_facts,
    without_missing_phone,
)
from reviewdesk.invitations.proposal import deadline_day, report_due_deadline
from reviewdesk.invitations.requests import reaches_by_request
from reviewdesk.invitations.templates import fill, template_for
from reviewdesk.rules import RuleSet
from reviewdesk.settings import get_setting
from reviewdesk.storage.models import Invitee, Meeting, Professional, Report
from reviewdesk.vocabulary import format_uk_long
from reviewdesk.workingdays import WorkingCalendar


@dataclass(frozen=True)
class Letter:
    kind: str  # invitation or report_request
    recipient: str
    address: tuple[str, ...]
    paragraphs: tuple[str, ...]
    title: str  # "Invitation: Initial CP conference"
    meeting_id: int
    child_id: int
    email: str | None = None
    invitee_id: int | None = None
    report_id: int | None = None
    subject: str = ""


def _lines(text: str | None) -> tuple[str, ...]:
    return tuple(line.strip() for line in (text or "").splitlines() if line.strip())


def _directory_address(p: Professional | None) -> tuple[str, ...]:
    """A professional's organisation and address (its first line not said twice)."""
    if p is None:
        return ()
    lines = _lines(p.address)
    if p.organisation and (not lines or lines[0].casefold() != p.organisation.casefold()):
        lines = (p.organisation, *lines)
    return lines


def _invitee_address(inv: Invitee) -> tuple[str, ...]:
    if inv.person is not None:
        return _lines(inv.person.address)
    return _directory_address(inv.professional)


def _notes(inv: Invitee) -> dict[str, str]:
    p = inv.person
    interpreter = access = exclusion = ""
    if p is not None and p.interpreter:
        interpreter = (
            f"An interpreter ({p.interpreter.strip()}) will be at the meeting for you; please "
            "tell us if this is not right."
        )
    if p is not None and p.access_needs:
        access = (
            f"We have noted what you need to take part ({' '.join(p.access_needs.split())}); "
            "please tell us if anything more would help."
        )
    if p is not None and p.excluded_from_part:
        exclusion = (
            "The chair has decided that you will not be present for part of the meeting. "
            "The clerk will explain the arrangements to you before it."
        )
    return {"interpreter_note": interpreter, "access_note": access, "exclusion_note": exclusion}


def default_letter_invitees(meeting: Meeting) -> list[Invitee]:
    """Those a meeting request does not reach: written to by default."""
    return [inv for inv in meeting.invitees if not reaches_by_request(inv)]


def invitation_letters(
    session: Session,
    meeting_id: int,
    invitee_ids: Iterable[int] | None = None,
    *,
    today: dt.date,
) -> list[Letter]:
    """One invitation letter per invitee (``invitee_ids``; by default those the meeting
    request does not reach), in the list's order."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise InvalidInput(f"meeting {meeting_id} does not exist")
    if invitee_ids is None:
        chosen = default_letter_invitees(meeting)
    else:
        wanted = set(invitee_ids)
        chosen = [inv for inv in meeting.invitees if inv.id in wanted]
        unknown = wanted - {inv.id for inv in chosen}
        if unknown:
            raise InvalidInput(
                f"invitee {min(unknown)} is not on the invitation list of meeting {meeting_id}"
            )
    if not chosen:
        raise InvalidInput("No one on the invitation list needs a letter. Nothing was made.")
    facts = meeting_facts(session, meeting_id, as_of=today)
    text = template_for("invitation", get_setting(session, "letter_templates"))
    text = without_missing_phone(text, facts)
    letters = []
    for inv in chosen:
        values = {**common_fields(facts, inv.name, today), **_notes(inv)}
        letters.append(
            Letter(
                kind="invitation",
                recipient=inv.name,
                address=_invitee_address(inv),
                paragraphs=tuple(fill("invitation", text, values)),
                title=f"Invitation: {facts.label}",
                meeting_id=meeting_id,
                child_id=facts.child_id,
                email=inv.email,
                invitee_id=inv.id,
            )
        )
    return letters


def author_email(report: Report) -> str | None:
    """Where a report request goes: the report's own email, else its author's record's."""
    if report.email:
        return report.email
    if report.professional is not None and report.professional.email:
        return report.professional.email
    if report.staff is not None and report.staff.email:
        return report.staff.email
    return None


def request_letters(
    session: Session,
    report_ids: Sequence[int],
    *,
    today: dt.date,
    rules: RuleSet,
    calendar: WorkingCalendar,
) -> list[Letter]:
    """One report request per report, to its author, with the deadline from the rules."""
    if not report_ids:
        raise InvalidInput("Choose the reports to request. Nothing was made.")
    templates = get_setting(session, "letter_templates")
    text = template_for("report_request", templates)
    letters = []
    facts_of: dict[int, MeetingFacts] = {}
    for report_id in report_ids:
        report = session.get(Report, report_id)
        if report is None:
            raise InvalidInput(f"report {report_id} does not exist")
        meeting = report.meeting
        if meeting.id not in facts_of:
            facts_of[meeting.id] = meeting_facts(session, meeting.id, as_of=today)
        facts = facts_of[meeting.id]
        # The rule that dates the report names it in the letter, whether the report came
        # from the rules' proposal or was added by hand (which read "The deadline is set
        # by our procedures: our procedures.").
        deadline = report_due_deadline(
            meeting.meeting_type,
            deadline_day(meeting),
            report.rule_id,
            rules=rules,
            calendar=calendar,
        )
        due = deadline.date if deadline is not None else None
        rule_words = "as soon as possible before the meeting"
        if deadline is not None:
            rule_words = f"{deadline.rule.title}, {deadline.rule.offset()} the meeting"
        values = {
            **common_fields(facts, report.author, today),
            "report_title": f"{agency_label(report.agency).lower()} report"
            if report.agency != "social_worker"
            else "social worker's report",
            "due_date": format_uk_long(due) if due else "as soon as possible",
            "deadline_rule": rule_words,
        }
        letters.append(
            Letter(
                kind="report_request",
                recipient=report.author,
                address=_directory_address(report.professional),
                paragraphs=tuple(
                    fill("report_request", without_missing_phone(text, facts), values)
                ),
                title=f"Report request: {facts.label}",
                meeting_id=meeting.id,
                child_id=facts.child_id,
                email=author_email(report),
                report_id=report.id,
                subject=(
                    f"[OFFICIAL-SENSITIVE] Report request: {facts.label}, "
                    f"{facts.child_reference}, {format_uk_long(facts.day) if facts.day else ''}"
                    f" - report due {format_uk_long(due) if due else 'as soon as possible'}"
                ),
            )
        )
    return letters


__all__ = [
    "Letter",
    "author_email",
    "default_letter_invitees",
    "invitation_letters",
    "request_letters",
]
