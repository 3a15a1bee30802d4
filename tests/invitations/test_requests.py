"""Outlook meeting requests (iTIP, RFC 5546), read back with `icalendar`: the invitation,
an update after rescheduling with a higher SEQUENCE, and the cancellation."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import select

from reviewdesk import actions
from reviewdesk.errors import InvalidInput
from reviewdesk.scheduling import Booking
from reviewdesk.storage.models import AuditEntry, Invitee, Meeting
from tests.invitations.scenario import (
    AS_OF,
    MAILBOX,
    conference,
    invite_proposed,
    me,
    set_setting,
    version_of,
)

D = dt.date
LONDON = ZoneInfo("Europe/London")


def _event(path):
    cal = Calendar.from_ical(path.read_bytes())
    [event] = cal.walk("VEVENT")
    return cal, event


def _attendees(event) -> dict[str, str]:
    found = event.get("ATTENDEE")
    found = found if isinstance(found, list) else [found]
    return {str(a).removeprefix("mailto:"): str(a.params["ROLE"]) for a in found}


def test_the_request_invites_every_professional_with_an_email(db, tmp_path):
    ids = conference(db)
    invite_proposed(db, ids["meeting"])
    path = tmp_path / "invite.ics"
    sent = actions.send_meeting_request(db, me(db), ids["meeting"], output=path, on=AS_OF).result
    cal, event = _event(path)
    assert str(cal["METHOD"]) == "REQUEST"
    assert str(event["ORGANIZER"]) == f"mailto:{MAILBOX}"
    assert _attendees(event) == {
        "lukasz.nowak@council.example": "CHAIR",
        "sian.evans@council.example": "REQ-PARTICIPANT",
        "g.llewelyn@council.example": "REQ-PARTICIPANT",
        "ppu@police.example": "REQ-PARTICIPANT",
        "ann.patel@nhs.example": "REQ-PARTICIPANT",
    }  # not the family (letters), nor the school (no email)
    assert set(sent.not_reached) == {"Małgorzata Brontë", "Piotr Brontë", "Mr Tomás Kelly"}
    assert str(event["LOCATION"]) == "Room 2, Civic Centre, Market Street, Northgate NG1 1AA"
    assert event.decoded("DTSTART") == dt.datetime(2024, 5, 20, 10, 0, tzinfo=LONDON)
    assert event.decoded("DTEND") - event.decoded("DTSTART") == dt.timedelta(minutes=90)
    assert str(event["DTSTART"].params["TZID"]) == "Europe/London"
    assert int(event["SEQUENCE"]) == 0 and str(event["STATUS"]) == "CONFIRMED"
    assert str(event["SUMMARY"]) == "Initial CP conference - R100"  # no child's name
    assert "Zoë" not in path.read_bytes().decode("utf-8")
    assert "OFFICIAL-SENSITIVE" in str(event["DESCRIPTION"])
    assert str(event["UID"]).endswith("@council.example")
    # The date each professional was invited; the family are still to be written to.
    with db.session() as s:
        invited = {
            i.name: (i.invited_on, i.sent_by)
            for i in s.scalars(select(Invitee).where(Invitee.meeting_id == ids["meeting"]))
        }
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "export")).all()[-1]
    assert invited["Dr Ann Patel"] == (AS_OF, "meeting request")
    assert invited["Małgorzata Brontë"] == (None, None)
    assert entry.child_id == ids["child"] and entry.after["what"] == "meeting request"
    assert entry.after["destination"] == str(path) and entry.after["sequence"] == 0


def test_rescheduling_sends_an_update_and_cancelling_a_cancellation(db, tmp_path):
    ids = conference(db)
    invite_proposed(db, ids["meeting"])
    actor = me(db)
    first = tmp_path / "1.ics"
    actions.send_meeting_request(db, actor, ids["meeting"], output=first, on=AS_OF)
    _cal, original = _event(first)
    uid = str(original["UID"])
    # Sent again with nothing changed: the same SEQUENCE.
    same = tmp_path / "same.ics"
    actions.send_meeting_request(db, actor, ids["meeting"], output=same, on=AS_OF)
    assert int(_event(same)[1]["SEQUENCE"]) == 0
    # Moved to Wednesday 14:00: an update, same UID, higher SEQUENCE, new time.
    actions.reschedule_meeting(
        db,
        actor,
        ids["meeting"],
        Booking(D(2024, 5, 22), dt.time(14, 0), 90, ids["chair"], ids["room"], ids["clerk"]),
        "Chair unwell",
        expected_version=version_of(db, Meeting, ids["meeting"]),
    )
    update = tmp_path / "2.ics"
    actions.send_meeting_request(db, actor, ids["meeting"], output=update, on=AS_OF)
    cal, moved = _event(update)
    assert str(cal["METHOD"]) == "REQUEST" and str(moved["UID"]) == uid
    assert int(moved["SEQUENCE"]) == 1
    assert moved.decoded("DTSTART") == dt.datetime(2024, 5, 22, 14, 0, tzinfo=LONDON)
    # Cancelled: METHOD:CANCEL, STATUS:CANCELLED, a higher SEQUENCE still, every attendee.
    actions.cancel_meeting(
        db,
        actor,
        ids["meeting"],
        "Family moved away",
        expected_version=version_of(db, Meeting, ids["meeting"]),
    )
    cancel = tmp_path / "3.ics"
    actions.send_meeting_request(db, actor, ids["meeting"], output=cancel, on=AS_OF)
    cal, cancelled = _event(cancel)
    assert str(cal["METHOD"]) == "CANCEL" and str(cancelled["STATUS"]) == "CANCELLED"
    assert str(cancelled["UID"]) == uid and int(cancelled["SEQUENCE"]) == 2
    assert len(_attendees(cancelled)) == 5


def test_what_cannot_be_sent_is_refused_and_nothing_is_recorded(db, tmp_path):
    ids = conference(db, mailbox=False)
    invite_proposed(db, ids["meeting"])
    actor = me(db)
    actions.cancel_meeting(
        db, actor, ids["meeting"], "x", expected_version=version_of(db, Meeting, ids["meeting"])
    )
    with pytest.raises(InvalidInput, match="no meeting request was sent for it"):
        actions.send_meeting_request(db, actor, ids["meeting"], output=tmp_path / "c.ics", on=AS_OF)
    assert not (tmp_path / "c.ics").exists()


def test_with_no_mailbox_the_clerk_organises_and_names_on_request(db, tmp_path):
    ids = conference(db, mailbox=False)
    invite_proposed(db, ids["meeting"])
    set_setting(db, "calendar_child_names", True)
    path = tmp_path / "i.ics"
    actions.send_meeting_request(db, me(db), ids["meeting"], output=path, on=AS_OF)
    _cal, event = _event(path)
    assert str(event["ORGANIZER"]) == "mailto:chloe.cooper@council.example"
    assert str(event["ORGANIZER"].params["CN"]) == "Chloé Cooper"
    assert str(event["SUMMARY"]) == "Initial CP conference - Zoë Brontë (R100)"


def test_no_time_no_emails_or_no_organiser_means_no_request(db, tmp_path):
    ids = conference(db, mailbox=False)
    actor = me(db)
    out = tmp_path / "x.ics"
    with pytest.raises(InvalidInput, match="no one on the invitation list has an email"):
        actions.send_meeting_request(db, actor, ids["meeting"], output=out, on=AS_OF)
    invite_proposed(db, ids["meeting"])
    with db.session() as s:  # no clerk now, and no mailbox: no one to send it from
        s.get(Meeting, ids["meeting"]).clerk_id = None
    with pytest.raises(InvalidInput, match="No one to send the meeting request from"):
        actions.send_meeting_request(db, actor, ids["meeting"], output=out, on=AS_OF)
    with db.session() as s:
        s.get(Meeting, ids["meeting"]).booked_time = None
    set_setting(db, "invitations_mailbox", MAILBOX)
    with pytest.raises(InvalidInput, match="no date and time booked"):
        actions.send_meeting_request(db, actor, ids["meeting"], output=out, on=AS_OF)
    assert not out.exists()
    with db.session() as s:
        assert all(i.invited_on is None for i in s.scalars(select(Invitee)))
