"""What every invitation, request and letter says about a meeting, read once.

`meeting_facts` gathers a meeting's label, date and times, where it is, the chair and the
clerk, whom to reply to and the council's name and address, as plain values: the meeting
request (`itip`), the letters (`reviewdesk.reports.letters`) and the email drafts
(`emails`) all say the same.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from reviewdesk.casework.register import meeting_sequences
from reviewdesk.errors import InvalidInput
from reviewdesk.overlaps import length
from reviewdesk.settings import get_setting
from reviewdesk.storage.models import Meeting
from reviewdesk.vocabulary import format_uk, meeting_label, room_label

LONDON = ZoneInfo("Europe/London")
#: The protective marking, first in every description and on every page.
MARKING_LINE = "OFFICIAL-SENSITIVE"
#: Who a meeting's letters and requests come from while it has no clerk.
NO_CLERK = "The IRO service"
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def where_words(room_and_venue: str, address: str | None) -> str:
    """'Room 2, Civic Centre, Market Street, Northgate': the room and venue, then the
    address's lines (leaving out a first line that repeats the venue's name)."""
    seen = {part.strip().casefold() for part in room_and_venue.split(",")}
    text = (address or "").replace("\n", ",")
    lines = [part.strip() for part in text.split(",") if part.strip()]
    lines = [line for line in lines if line.casefold() not in seen]
    return ", ".join([room_and_venue, *lines])


def long_date(day: dt.date) -> str:
    """'Wednesday 24 April 2024': how a letter writes a date."""
    return f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


@dataclass(frozen=True)
class MeetingFacts:
    meeting_id: int
    child_id: int
    child_name: str
    child_first_name: str
    child_reference: str
    label: str  # "Initial CP conference"
    status: str
    day: dt.date | None
    start: dt.datetime | None  # Europe/London, None when no time is booked
    end: dt.datetime | None
    room: str
    venue: str  # "Room 2, Civic Centre"
    venue_address: str
    virtual: bool
    chair: str
    chair_email: str | None
    clerk: str
    clerk_email: str | None
    clerk_phone: str
    contact_email: str  # the mailbox replies go to ("" if none is known)
    council_name: str
    council_address: str

    @property
    def location(self) -> str:
        """Where, in one line: room and venue, then the address (or 'Online')."""
        if not self.venue:
            return ""
        return where_words(self.venue, self.venue_address)

    @property
    def letter_label(self) -> str:
        """The meeting's label as a sentence reads it: 'initial CP conference'."""
        words = self.label
        return words[:1].lower() + words[1:] if not words.startswith(("LAC", "CP")) else words

    @property
    def when(self) -> str:
        if self.day is None:
            return "not booked"
        text = long_date(self.day)
        if self.start is not None:
            text += f", {self.start:%H:%M}"
            if self.end is not None:
                text += f"–{self.end:%H:%M}"
        return text


def booked_span(m: Meeting) -> tuple[dt.datetime | None, dt.datetime | None]:
    """When the meeting starts and ends (Europe/London); None while no time is booked."""
    if m.booked_date is None or m.booked_time is None:
        return None, None
    start = dt.datetime.combine(m.booked_date, m.booked_time, tzinfo=LONDON)
    return start, start + dt.timedelta(minutes=length(m.duration_minutes))


def _where(m: Meeting) -> tuple[str, str, str, bool]:
    """Its room, "room, venue", the venue's address and whether it is online."""
    if m.room is None:
        return "", "", "", False
    venue = room_label(m.room.name, m.room.venue.name if m.room.venue else None)
    address = (m.room.venue.address or "") if m.room.venue else ""
    return m.room.name, venue, address, bool(m.room.virtual)


def meeting_location(m: Meeting) -> str:
    """Where it is, in one line (`MeetingFacts.location`)."""
    _room, venue, address, _virtual = _where(m)
    return where_words(venue, address) if venue else ""


def meeting_facts(session: Session, meeting_id: int, *, as_of: dt.date) -> MeetingFacts:
    """The facts of one meeting as of ``as_of`` (InvalidInput if there is no such meeting).
    Its label numbers it as the engine counts it (`casework.register.meeting_sequences`),
    as the weekly schedule and every list do: a letter to a family never calls the first
    review of a new period of care "LAC review 4"."""
    m = session.get(Meeting, meeting_id)
    if m is None:
        raise InvalidInput(f"meeting {meeting_id} does not exist")
    child = m.child
    start, end = booked_span(m)
    room, venue, address, virtual = _where(m)
    number = meeting_sequences(session, [child.id], as_of=as_of).get(m.id, m.sequence)
    mailbox = str(get_setting(session, "invitations_mailbox") or "").strip()
    clerk = m.clerk
    chair = m.chair
    contact = mailbox or (clerk.email if clerk is not None and clerk.email else "")
    return MeetingFacts(
        meeting_id=m.id,
        child_id=child.id,
        child_name=child.display_name,
        child_first_name=child.first_name or child.display_name,
        child_reference=child.local_id,
        label=meeting_label(m.meeting_type, number),
        status=m.status,
        day=m.booked_date,
        start=start,
        end=end,
        room=room,
        venue=venue,
        venue_address=address,
        virtual=virtual,
        chair=chair.name if chair is not None else "the chair (to be confirmed)",
        chair_email=chair.email if chair is not None and chair.email else None,
        clerk=clerk.name if clerk is not None else NO_CLERK,
        clerk_email=clerk.email if clerk is not None and clerk.email else None,
        clerk_phone=(clerk.phone if clerk is not None and clerk.phone else "") or "",
        contact_email=contact,
        council_name=str(get_setting(session, "council_name")),
        council_address=str(get_setting(session, "council_address") or ""),
    )


def _times(facts: MeetingFacts) -> str:
    """'10:00 to 11:30', or that the time is to be confirmed (never a dangling "to")."""
    if facts.start is None:
        return "(time to be confirmed)"
    if facts.end is None:
        return f"{facts.start:%H:%M}"
    return f"{facts.start:%H:%M} to {facts.end:%H:%M}"


def common_fields(facts: MeetingFacts, recipient: str, today: dt.date) -> dict[str, str]:
    """The fields every letter shares (`templates._COMMON`)."""
    return {
        "recipient_name": recipient,
        "child_name": facts.child_name,
        "child_first_name": facts.child_first_name,
        "child_reference": facts.child_reference,
        "meeting": facts.letter_label,
        "date": long_date(facts.day) if facts.day else "(date to be confirmed)",
        "time": f"{facts.start:%H:%M}" if facts.start else "(time to be confirmed)",
        "end_time": f"{facts.end:%H:%M}" if facts.end else "",
        "times": _times(facts),
        "venue": facts.location or "(venue to be confirmed)",
        "chair": facts.chair,
        # Mid-sentence ("please contact the IRO service"); `fill` capitalises a paragraph.
        "clerk": "the IRO service" if facts.clerk == NO_CLERK else facts.clerk,
        # With no phone, "on $clerk_phone" is left out (`without_missing_phone`); anywhere
        # else the field gives the contact there is.
        "clerk_phone": facts.clerk_phone or facts.contact_email or "the IRO service",
        "contact_email": facts.contact_email or "the IRO service",
        "council_name": facts.council_name,
        "today": long_date(today),
    }


_FIELD_END = r"(?![A-Za-z0-9_])"  # "$clerk_phone", not "$clerk_phoney"
_PHONE = rf"\$(?:clerk_phone{_FIELD_END}|\{{clerk_phone\}})"
_EMAIL = rf"\$(?:contact_email{_FIELD_END}|\{{contact_email\}})"
#: "on $clerk_phone or $contact_email", with the space before it.
_ON_PHONE_OR_EMAIL = re.compile(rf"[ \t]+on[ \t]+{_PHONE}[ \t]+or[ \t]+({_EMAIL})")
#: "on $clerk_phone", with the space before it.
_ON_PHONE = re.compile(rf"[ \t]+on[ \t]+{_PHONE}")


def without_missing_phone(template: str, facts: MeetingFacts) -> str:
    """A letter's template as this meeting's clerk can be reached: with no phone number the
    letter must not point at a number that is not there (it said "on the number above",
    over no number). "Contact $clerk on $clerk_phone or $contact_email" reads "contact
    $clerk at $contact_email" (just "contact $clerk" with no address either), and "let
    $clerk know on $clerk_phone" reads "let $clerk know"."""
    if facts.clerk_phone:
        return template
    email = facts.contact_email
    template = _ON_PHONE_OR_EMAIL.sub(lambda m: f" at {m.group(1)}" if email else "", template)
    return _ON_PHONE.sub("", template)


def short_when(facts: MeetingFacts) -> str:
    """'24/04/2024 10:00' for lists and subjects."""
    if facts.day is None:
        return "not booked"
    return format_uk(facts.day) + (f" {facts.start:%H:%M}" if facts.start else "")


__all__ = [
    "LONDON",
    "MARKING_LINE",
    "MeetingFacts",
    "common_fields",
    "long_date",
    "meeting_facts",
    "where_words",
    "short_when",
    "without_missing_phone",
]
