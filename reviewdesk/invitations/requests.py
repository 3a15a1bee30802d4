"""What the next meeting request for a meeting says, worked out from the register.

Whom it reaches: the chair and every professional on the invitation list with an email
address (`reaches_by_request`). The child and their family and network are written to
(`reviewdesk.reports.letters`): their addresses are not for a calendar entry every attendee
sees. Its UID is the one kept from the first request (a new one, unique to this database,
the first time). Its SEQUENCE is the last one sent, plus one when the date, time, length,
place or status changed since (`next_sequence`).
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy.orm import Session

from reviewdesk.codes import RELATIONSHIP, MeetingStatus
from reviewdesk.errors import InvalidInput
from reviewdesk.invitations.facts import (
    MARKING_LINE,
    MeetingFacts,
    booked_span,
    meeting_facts,
    meeting_location,
)
from reviewdesk.invitations.itip import Attendee, RequestPlan
from reviewdesk.invitations.settings_check import is_email
from reviewdesk.settings import get_setting
from reviewdesk.storage.models import Invitee, Meeting, MeetingRequest
from reviewdesk.vocabulary import AWAITED_STATUSES, CALLED_OFF_STATUSES, format_uk

_FAMILY_ROLES = {words.casefold() for words in RELATIONSHIP.values()} | {"child", "carer"}


def is_family(invitee: Invitee) -> bool:
    """The child or someone in their family and network (written to, not sent a request)."""
    return invitee.person_id is not None or invitee.role.strip().casefold() in _FAMILY_ROLES


def reaches_by_request(invitee: Invitee) -> bool:
    """Whether the meeting request reaches this invitee: a professional with an email."""
    return not is_family(invitee) and is_email(invitee.email)


def child_words(name: str, reference: str, *, child_names: bool) -> str:
    """How a calendar entry names the child: by ID, with the name only when the council's
    ``calendar_child_names`` setting asks (shared calendars are seen by many)."""
    return f"{name} ({reference})" if child_names and name else reference


def calendar_title(label: str, name: str, reference: str, *, child_names: bool) -> str:
    """A calendar entry's title: 'Initial CP conference - R123' (see `child_words`)."""
    return f"{label} - {child_words(name, reference, child_names=child_names)}"


def _description(facts: MeetingFacts, child_names: bool) -> str:
    child = child_words(facts.child_name, facts.child_reference, child_names=child_names)
    lines = [
        MARKING_LINE,
        f"{facts.label} for child {child}",
        f"When: {facts.when}",
        f"Where: {facts.location or 'to be confirmed'}",
        f"Chair: {facts.chair}",
        f"Clerk: {facts.clerk}" + (f", {facts.clerk_phone}" if facts.clerk_phone else ""),
    ]
    if facts.contact_email:
        lines.append(f"Replies and reports to: {facts.contact_email}")
    lines.append(f"Sent by {facts.council_name}.")
    return "\n".join(lines)


def sent_state(
    start: dt.datetime | None, end: dt.datetime | None, location: str, cancelled: bool
) -> dict:
    """What a request says that matters for SEQUENCE (RFC 5546 2.1.4): when and where."""
    return {
        "start": start.isoformat() if start else None,
        "end": end.isoformat() if end else None,
        "location": location,
        "status": "CANCELLED" if cancelled else "CONFIRMED",
    }


def next_sequence(previous: MeetingRequest | None, sent: dict) -> int:
    """0 the first time; the same while nothing that matters changed; else one higher."""
    if previous is None:
        return 0
    return previous.sequence if previous.sent == sent else previous.sequence + 1


def out_of_date(session: Session, meeting_id: int) -> bool:
    """Whether the meeting changed since its last request (an update or cancellation is
    due); False when no request was ever sent."""
    previous = session.get(MeetingRequest, meeting_id)
    meeting = session.get(Meeting, meeting_id)
    if previous is None or meeting is None:
        return False
    cancelled = meeting.status not in AWAITED_STATUSES
    start, end = booked_span(meeting)
    return previous.sent != sent_state(start, end, meeting_location(meeting), cancelled)


def _organiser(facts: MeetingFacts) -> tuple[str, str]:
    if facts.contact_email:
        name = f"IRO service, {facts.council_name}"
        if facts.clerk_email and facts.contact_email == facts.clerk_email:
            name = facts.clerk
        return name, facts.contact_email
    raise InvalidInput(
        "No one to send the meeting request from: set the IRO service's mailbox (the "
        "invitations_mailbox setting) or give the meeting a clerk with an email address. "
        "Nothing was sent."
    )


def plan_request(session: Session, meeting_id: int, *, as_of: dt.date) -> RequestPlan:
    """The meeting request to send now: an invitation or update (REQUEST) for a meeting
    still to take place, a cancellation (CANCEL) for one called off after a request went
    out. InvalidInput says why none can be sent."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise InvalidInput(f"meeting {meeting_id} does not exist")
    previous = session.get(MeetingRequest, meeting_id)
    facts = meeting_facts(session, meeting_id, as_of=as_of)
    label = f"The {facts.label} for {facts.child_reference}"
    cancelled = meeting.status in CALLED_OFF_STATUSES
    if meeting.status == MeetingStatus.HELD.value:
        raise InvalidInput(f"{label} has been held; there is nothing to invite anyone to")
    if cancelled and previous is None:
        raise InvalidInput(
            f"{label} is {meeting.status.replace('_', ' ')} and no meeting request was sent "
            "for it, so there is nothing to cancel"
        )
    if facts.start is None or facts.end is None:
        raise InvalidInput(f"{label} has no date and time booked yet; book them first")
    organiser_name, organiser_email = _organiser(facts)
    child_names = bool(get_setting(session, "calendar_child_names"))
    attendees: list[Attendee] = []
    emails: set[str] = set()
    if meeting.chair is not None and is_email(meeting.chair.email):
        attendees.append(Attendee(meeting.chair.name, meeting.chair.email.strip(), "CHAIR"))
        emails.add(meeting.chair.email.strip().casefold())
    not_reached = []
    for inv in meeting.invitees:
        if reaches_by_request(inv) and inv.email.strip().casefold() not in emails:
            attendees.append(Attendee(inv.name, inv.email.strip(), invitee_id=inv.id))
            emails.add(inv.email.strip().casefold())
        elif not reaches_by_request(inv):
            not_reached.append(inv.name)
    if not any(a.invitee_id is not None for a in attendees) and not cancelled:
        raise InvalidInput(
            f"{label}: no one on the invitation list has an email address for a meeting "
            "request (families are sent letters); add the professionals' emails first"
        )
    sent = sent_state(facts.start, facts.end, facts.location, cancelled)
    uid = previous.uid if previous is not None else _new_uid(meeting_id, organiser_email)
    return RequestPlan(
        meeting_id=meeting_id,
        method="CANCEL" if cancelled else "REQUEST",
        uid=uid,
        sequence=next_sequence(previous, sent),
        start=facts.start,
        end=facts.end,
        summary=("Cancelled: " if cancelled else "")
        + calendar_title(
            facts.label, facts.child_name, facts.child_reference, child_names=child_names
        ),
        location=facts.location,
        description=_description(facts, child_names),
        organiser_name=organiser_name,
        organiser_email=organiser_email,
        attendees=tuple(attendees),
        sent=sent,
        not_reached=tuple(not_reached),
    )


def _new_uid(meeting_id: int, organiser_email: str) -> str:
    """Unique across databases and councils (a police officer may get requests from two),
    stable once sent: it is kept with the meeting."""
    domain = organiser_email.rsplit("@", 1)[-1] if "@" in organiser_email else "reviewdesk"
    return f"reviewdesk-meeting-{meeting_id}-{uuid.uuid4().hex[:16]}@{domain}"


def request_summary(plan: RequestPlan) -> str:
    """One line for a person: what was sent (the first request, which update, or the
    cancellation) and to how many, in words: it said "(SEQUENCE 0)", the calendar file's
    field, which means nothing to a clerk."""
    if plan.cancelled:
        what = "Cancellation"
    elif plan.sequence:
        what = f"Update {plan.sequence}"
    else:
        what = "Meeting request"
    day = format_uk(plan.start.date())
    count = len(plan.attendees)
    return f"{what} for {day} to {count} attendee{'s' if count != 1 else ''}"


__all__ = [
    "calendar_title",
    "child_words",
    "is_family",
    "next_sequence",
    "out_of_date",
    "plan_request",
    "reaches_by_request",
    "request_summary",
    "sent_state",
]
