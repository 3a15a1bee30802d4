"""Outlook meeting requests: one iCalendar object per meeting, as iTIP (RFC 5546) asks.

- METHOD:REQUEST invites (and, sent again, updates) the attendees: an ORGANIZER (the IRO
  service's mailbox, or the clerk), an ATTENDEE for the chair (ROLE=CHAIR) and for every
  professional invited who has an email address (families are sent letters instead), a
  LOCATION, DTSTART and DTEND in Europe/London time with its VTIMEZONE, and a UID that stays
  the same for good, so each update replaces the entry in people's calendars.
- SEQUENCE starts at 0 and goes up whenever something that matters changes (date, time,
  length, place, or the meeting being called off), as RFC 5546 section 2.1.4 asks: an update
  with a higher SEQUENCE replaces the earlier request.
- METHOD:CANCEL with STATUS:CANCELLED and a higher SEQUENCE takes the meeting out of every
  attendee's calendar (RFC 5546 section 3.2.5).

This module only builds the bytes from plain values (`RequestPlan`); `requests` works out
the plan from the register.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

PRODID = "-//reviewdesk//meeting requests//EN"


@dataclass(frozen=True)
class Attendee:
    name: str
    email: str
    role: str = "REQ-PARTICIPANT"  # or CHAIR
    invitee_id: int | None = None


@dataclass(frozen=True)
class RequestPlan:
    """Everything one meeting request says."""

    meeting_id: int
    method: str  # REQUEST or CANCEL
    uid: str
    sequence: int
    start: dt.datetime  # timezone-aware (Europe/London)
    end: dt.datetime
    summary: str
    location: str
    description: str
    organiser_name: str
    organiser_email: str
    attendees: tuple[Attendee, ...]
    #: What the request said that matters for SEQUENCE (kept with the meeting when sent).
    sent: dict
    #: Invitees it does not reach (family, or no email): they are sent letters.
    not_reached: tuple[str, ...] = ()

    @property
    def cancelled(self) -> bool:
        return self.method == "CANCEL"


def _address(name: str, email: str, **params: str):
    from icalendar import vCalAddress

    address = vCalAddress(f"mailto:{email}")
    address.params["cn"] = name
    for key, value in params.items():
        address.params[key.replace("_", "-")] = value
    return address


def build_request(plan: RequestPlan, *, stamp: dt.datetime | None = None) -> bytes:
    """The iCalendar object (bytes) for ``plan``."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", plan.method)
    event = Event()
    event.add("uid", plan.uid)
    event.add("dtstamp", (stamp or dt.datetime.now(dt.UTC)).replace(microsecond=0))
    event.add("sequence", plan.sequence)
    event.add("dtstart", plan.start)
    event.add("dtend", plan.end)
    event.add("summary", plan.summary)
    if plan.location:
        event.add("location", plan.location)
    event.add("description", plan.description)
    event.add("organizer", _address(plan.organiser_name, plan.organiser_email))
    for a in plan.attendees:
        params = {"role": a.role, "cutype": "INDIVIDUAL"}
        if not plan.cancelled:
            params.update(partstat="NEEDS-ACTION", rsvp="TRUE")
        event.add("attendee", _address(a.name, a.email, **params), encode=True)
    event.add("class", "CONFIDENTIAL")
    event.add("transp", "OPAQUE")
    event.add("status", "CANCELLED" if plan.cancelled else "CONFIRMED")
    cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()


__all__ = ["Attendee", "RequestPlan", "build_request"]
