"""Invitations: a meeting's invitees, its Outlook meeting request, the family's letters, and
attendance (administrators; an IRO records attendance at the meetings they chair).

Sending is a change and data leaving at once: `send_meeting_request` and
`send_invitation_letters` write the file (through `reviewdesk.safefiles`) inside the
action's transaction, record the date each invitation was sent, and write the audit entry
saying what left, where to; if the file cannot be written nothing is recorded.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from reviewdesk.actions.base import Actor, Changes, Permission, Transaction, action, door
from reviewdesk.actions.exports import export_entry
from reviewdesk.actions.text import fits
from reviewdesk.codes import AGENCY, ATTENDANCE_WORDS, RELATIONSHIP
from reviewdesk.errors import InvalidInput
from reviewdesk.invitations.itip import build_request
from reviewdesk.invitations.letters import invitation_letters
from reviewdesk.invitations.proposal import Candidate
from reviewdesk.invitations.requests import plan_request, request_summary
from reviewdesk.invitations.settings_check import check_email
from reviewdesk.safefiles import check_output, write_output
from reviewdesk.storage.audit import record_audit
from reviewdesk.storage.db import Database
from reviewdesk.storage.locking import ensure_unchanged
from reviewdesk.storage.models import Invitee, Meeting, MeetingRequest, Person, Professional, Staff
from reviewdesk.vocabulary import AWAITED_STATUSES, CALLED_OFF_STATUSES, format_uk, meeting_day

ATTENDANCE = tuple(ATTENDANCE_WORDS)  # attended, apologies, absent


@dataclass(frozen=True)
class NewInvitee:
    """Someone to add to a meeting's list: one of the child's people, a professional from
    the directory, a member of staff, or (none of those) a name typed in. Name and email
    default to the record's."""

    name: str = ""
    role: str = ""
    person_id: int | None = None
    professional_id: int | None = None
    staff_id: int | None = None
    email: str = ""
    rule_id: str | None = None


def invitee_from(candidate: Candidate) -> NewInvitee:
    """The invitee to add for someone the rules proposed (`reviewdesk.invitations.propose`)."""
    return NewInvitee(
        name=candidate.name,
        role=candidate.role,
        person_id=candidate.person_id,
        professional_id=candidate.professional_id,
        staff_id=candidate.staff_id,
        email=candidate.email or "",
        rule_id=candidate.rule_id,
    )


@dataclass(frozen=True)
class Sent:
    """What an action sent: the file, what it was, to whom, and who still needs a letter."""

    path: Path
    what: str
    recipients: tuple[str, ...]
    not_reached: tuple[str, ...] = ()
    sequence: int | None = None


def _meeting(session: Session, meeting_id: int) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise InvalidInput(f"meeting {meeting_id} does not exist")
    return meeting


def _invitee_row(session: Session, meeting: Meeting, new: NewInvitee) -> Invitee:
    name, role, email = new.name.strip(), new.role.strip(), new.email.strip()
    if sum(x is not None for x in (new.person_id, new.professional_id, new.staff_id)) > 1:
        raise InvalidInput("invitee: name one person, professional or member of staff")
    if new.person_id is not None:
        person = session.get(Person, new.person_id)
        if person is None or person.child_id != meeting.child_id:
            raise InvalidInput(f"person {new.person_id} is not in this child's family and network")
        name, email = name or person.name, email or (person.email or "")
        role = role or RELATIONSHIP.get(person.relation, person.relation)
    elif new.professional_id is not None:
        professional = session.get(Professional, new.professional_id)
        if professional is None:
            raise InvalidInput(f"directory entry {new.professional_id} does not exist")
        if not professional.active:
            raise InvalidInput(f"{professional.name} has left the directory (retired)")
        name, email = name or professional.name, email or (professional.email or "")
        role = role or professional.agency
    elif new.staff_id is not None:
        staff = session.get(Staff, new.staff_id)
        if staff is None:
            raise InvalidInput(f"staff member {new.staff_id} does not exist")
        name, email = name or staff.name, email or (staff.email or "")
    if not name:
        raise InvalidInput("invitee: give their name")
    if not role:
        raise InvalidInput(f"invitee {name}: give their role (mother, police, school...)")
    fits("invitee's name", name, Invitee.name)
    fits(f"invitee {name}: role", role, Invitee.role)
    for inv in meeting.invitees:
        same = (
            (new.person_id is not None and inv.person_id == new.person_id)
            or (new.professional_id is not None and inv.professional_id == new.professional_id)
            or (new.staff_id is not None and inv.staff_id == new.staff_id)
        )
        if same:
            raise InvalidInput(f"{name} is already invited to this meeting")
    return Invitee(
        name=name,
        role=AGENCY.get(role, role),
        person_id=new.person_id,
        professional_id=new.professional_id,
        staff_id=new.staff_id,
        email=check_email(f"invitee {name}: email", email),
        rule_id=new.rule_id,
    )


@action("add_invitees", "change a meeting's invitations", Permission.BOOK_MEETING)
def add_invitees(
    db: Database, actor: Actor, meeting_id: int, invitees: Sequence[NewInvitee]
) -> Changes:
    """Add people to a meeting's invitation list (the proposed list, or anyone). The
    result is the new invitees' ids."""
    if not invitees:
        raise InvalidInput("Choose whom to invite. Nothing was changed.")
    with door(db, actor, "add_invitees") as tx:
        meeting = _meeting(tx.session, meeting_id)
        if meeting.status in CALLED_OFF_STATUSES:
            raise InvalidInput(f"meeting {meeting_id} is {meeting.status}; no one can be invited")
        rows = []
        for new in invitees:
            row = _invitee_row(tx.session, meeting, new)
            meeting.invitees.append(row)
            rows.append(row)
            tx.session.flush()
        return tx.changes(result=[row.id for row in rows])


@action("remove_invitee", "change a meeting's invitations", Permission.BOOK_MEETING)
def remove_invitee(
    db: Database, actor: Actor, invitee_id: int, *, expected_version: int
) -> Changes:
    """Take someone off a meeting's invitation list."""
    with door(db, actor, "remove_invitee") as tx:
        invitee = tx.session.get(Invitee, invitee_id)
        if invitee is None:
            raise InvalidInput(f"invitee {invitee_id} does not exist")
        ensure_unchanged(invitee, expected_version)
        tx.session.delete(invitee)
        tx.session.flush()
        return tx.changes(result=invitee_id)


@dataclass(frozen=True)
class Attendance:
    """One invitee's attendance to record (None: not recorded), as of the version read."""

    invitee_id: int
    attendance: str | None
    expected_version: int


@action("record_attendance", "record who attended a meeting", Permission.RECORD_OUTCOME)
def record_attendance(
    db: Database,
    actor: Actor,
    invitee_id: int,
    attendance: str | None,
    *,
    expected_version: int,
    as_of: dt.date | None = None,
) -> Changes:
    """Whether an invitee attended, sent apologies or was absent (None: not recorded).
    With ``as_of``, only apologies before the meeting's day (`_set_attendance`)."""
    _check_attendance([Attendance(invitee_id, attendance, expected_version)])
    with door(db, actor, "record_attendance") as tx:
        _set_attendance(tx, Attendance(invitee_id, attendance, expected_version), as_of)
        tx.session.flush()
        return tx.changes(result=invitee_id)


@action(
    "record_meeting_attendance",
    "record the attendance at a meeting",
    Permission.RECORD_OUTCOME,
)
def record_meeting_attendance(
    db: Database,
    actor: Actor,
    meeting_id: int,
    entries: Sequence[Attendance],
    *,
    as_of: dt.date | None = None,
) -> Changes:
    """Several of a meeting's invitees' attendance at once, all or none: a change made
    meanwhile to any of them refuses the lot (nothing half saved). With ``as_of`` (the
    window's day), only apologies before the meeting's day (`_set_attendance`)."""
    _check_attendance(entries)
    with door(db, actor, "record_meeting_attendance") as tx:
        meeting = tx.session.get(Meeting, meeting_id)
        if meeting is None:
            raise InvalidInput(f"meeting {meeting_id} does not exist")
        for entry in entries:
            if _set_attendance(tx, entry, as_of).meeting_id != meeting_id:
                raise InvalidInput(
                    f"invitee {entry.invitee_id} is not invited to meeting {meeting_id}"
                )
        tx.session.flush()
        return tx.changes(result=tuple(e.invitee_id for e in entries))


def _check_attendance(entries: Iterable[Attendance]) -> None:
    for entry in entries:
        if entry.attendance is not None and entry.attendance not in ATTENDANCE:
            raise InvalidInput(
                f"attendance: {entry.attendance!r} is not one of {', '.join(ATTENDANCE)}"
            )


#: What can be known of someone before the meeting's day: that they sent apologies.
_BEFORE_THE_DAY = frozenset({None, "apologies"})


def _set_attendance(tx: Transaction, entry: Attendance, as_of: dt.date | None = None) -> Invitee:
    """One invitee's attendance. As of a day before the meeting's, only apologies (or
    nothing): "Attended" for a conference a week ahead was saved, as the Attendance tab
    offered it (and "Mark the unrecorded as attended") for a meeting not yet held."""
    invitee = tx.session.get(Invitee, entry.invitee_id)
    if invitee is None:
        raise InvalidInput(f"invitee {entry.invitee_id} does not exist")
    tx.require_chair(invitee.meeting.chair_id)
    day = meeting_day(invitee.meeting, dt.date.max)
    early = as_of is not None and day is not None and as_of < day
    if early and entry.attendance not in _BEFORE_THE_DAY:
        raise InvalidInput(
            f"attendance: {invitee.name} cannot be recorded as "
            f"'{ATTENDANCE_WORDS[entry.attendance]}' before the meeting on "
            f"{format_uk(day)}; until then, only apologies"
        )
    ensure_unchanged(invitee, entry.expected_version)
    invitee.attendance = entry.attendance
    return invitee


def _mark_sent(invitees: Iterable[Invitee], on: dt.date, how: str) -> None:
    """The date each invitation was first sent, and how (a later update keeps the date)."""
    for inv in invitees:
        if inv.invited_on is None:
            inv.invited_on = on
            inv.sent_by = how


def _leaving(tx: Transaction, what: str, path: Path, meeting: Meeting, detail: dict) -> None:
    record_audit(
        tx.session,
        [
            export_entry(
                what,
                destination=path,
                children=1,
                detail=detail,
                record_id=str(meeting.id),
                child_id=meeting.child_id,
            )
        ],
    )


@action("send_meeting_request", "send a meeting's invitations", Permission.BOOK_MEETING)
def send_meeting_request(
    db: Database,
    actor: Actor,
    meeting_id: int,
    *,
    output: str | os.PathLike[str],
    on: dt.date,
) -> Changes:
    """Write the meeting's Outlook meeting request (``.ics``) to ``output``: the invitation,
    an update with a higher SEQUENCE after a change, or the cancellation. Records the date
    each professional reached was first invited, and the request sent. The result is `Sent`
    (with who it does not reach: they need letters)."""
    path = check_output(output, label="meeting request")
    with door(db, actor, "send_meeting_request") as tx:
        meeting = _meeting(tx.session, meeting_id)
        plan = plan_request(tx.session, meeting_id, as_of=on)
        data = build_request(plan)
        row = tx.session.get(MeetingRequest, meeting_id)
        if row is None:
            row = MeetingRequest(meeting_id=meeting_id, uid=plan.uid)
            tx.session.add(row)
        row.sequence = plan.sequence
        row.method = plan.method
        row.sent_on = on
        row.sent = plan.sent
        reached = {a.invitee_id for a in plan.attendees if a.invitee_id is not None}
        if not plan.cancelled:
            _mark_sent((i for i in meeting.invitees if i.id in reached), on, "meeting request")
        tx.session.flush()
        _leaving(
            tx,
            "meeting request" if not plan.cancelled else "meeting cancellation",
            path,
            meeting,
            {
                "method": plan.method,
                "sequence": plan.sequence,
                "uid": plan.uid,
                "attendees": [a.email for a in plan.attendees],
            },
        )
        write_output(path, data)  # last: if it cannot be written, nothing is recorded
        return tx.changes(
            result=Sent(
                path,
                request_summary(plan),
                tuple(a.name for a in plan.attendees),
                plan.not_reached,
                plan.sequence,
            )
        )


@action("record_consultation_sent", "record a meeting's consultation", Permission.BOOK_MEETING)
def record_consultation_sent(
    db: Database,
    actor: Actor,
    meeting_id: int,
    sent: dt.date | None,
    *,
    expected_version: int,
) -> Changes:
    """The day the written consultation (to the child, parents and carers) went out for a
    meeting, or None (not sent): what the "consultation not sent in time" flag reads.
    Nothing else recorded it, so the flag stayed on every LAC review however early the
    forms went out."""
    with door(db, actor, "record_consultation_sent") as tx:
        meeting = _meeting(tx.session, meeting_id)
        ensure_unchanged(meeting, expected_version)
        day = meeting_day(meeting, dt.date.max)
        if sent is not None and day is not None and sent > day:
            raise InvalidInput(
                f"consultation sent: {format_uk(sent)} is after the meeting "
                f"({format_uk(day)}); the consultation goes out before it"
            )
        meeting.consultation_sent = sent
        tx.session.flush()
        return tx.changes(result=meeting.id)


@action("send_invitation_letters", "send a meeting's invitations", Permission.BOOK_MEETING)
def send_invitation_letters(
    db: Database,
    actor: Actor,
    meeting_id: int,
    invitee_ids: Sequence[int] | None = None,
    *,
    output: str | os.PathLike[str],
    on: dt.date,
) -> Changes:
    """Write invitation letters (one PDF, a letter each) for ``invitee_ids`` (by default
    everyone the meeting request does not reach: the child and family, and anyone with no
    email) and record the date each was invited. The result is `Sent`."""
    from reviewdesk.reports.letters import build_letters
    from reviewdesk.settings import get_setting

    path = check_output(output, label="letters")
    with door(db, actor, "send_invitation_letters") as tx:
        meeting = _meeting(tx.session, meeting_id)
        if meeting.status not in AWAITED_STATUSES:
            raise InvalidInput(f"meeting {meeting_id} is {meeting.status}: no invitations now")
        letters = invitation_letters(tx.session, meeting_id, invitee_ids, today=on)
        buffer = io.BytesIO()
        pages = build_letters(
            letters,
            council=str(get_setting(tx.session, "council_name")),
            council_address=str(get_setting(tx.session, "council_address") or ""),
            today=on,
            out=buffer,
            title=letters[0].title,
        )
        chosen = {letter.invitee_id for letter in letters}
        _mark_sent((i for i in meeting.invitees if i.id in chosen), on, "letter")
        tx.session.flush()
        _leaving(
            tx,
            "invitation letters",
            path,
            meeting,
            {"letters": len(letters), "pages": pages, "to": [x.recipient for x in letters]},
        )
        write_output(path, buffer.getvalue())  # last: if it cannot be written, nothing is kept
        return tx.changes(
            result=Sent(
                path, f"{len(letters)} invitation letters", tuple(x.recipient for x in letters)
            )
        )


__all__ = [
    "ATTENDANCE",
    "Attendance",
    "NewInvitee",
    "Sent",
    "invitee_from",
    "add_invitees",
    "record_attendance",
    "record_consultation_sent",
    "record_meeting_attendance",
    "remove_invitee",
    "send_invitation_letters",
    "send_meeting_request",
]
