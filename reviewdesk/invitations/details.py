"""What the window and the command line show of people, invitations and reports, as plain
values detached from the session (each with the version a save must name)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from reviewdesk.codes import AGENCY, CONTACT_BY, PACK_DELIVERY, RELATIONSHIP, agency_label
from reviewdesk.engine import meeting_deadlines
from reviewdesk.errors import InvalidInput
from reviewdesk.invitations.letters import author_email
from reviewdesk.invitations.proposal import deadline_day, report_due
from reviewdesk.invitations.requests import is_family, out_of_date, reaches_by_request
from reviewdesk.rules import RuleSet
from reviewdesk.storage.models import (
    ChildProfessional,
    Invitee,
    Meeting,
    MeetingRequest,
    PackDelivery,
    Person,
    Professional,
    Report,
    ReportFile,
)
from reviewdesk.vocabulary import AWAITED_STATUSES
from reviewdesk.workingdays import WorkingCalendar


@dataclass(frozen=True)
class PersonInfo:
    id: int
    child_id: int
    name: str
    relation: str
    parental_responsibility: bool
    address: str
    email: str
    phone: str
    preferred_contact: str
    interpreter: str
    access_needs: str
    excluded_from_part: bool
    exclusion_note: str
    active: bool
    version: int

    @property
    def relation_words(self) -> str:
        return RELATIONSHIP.get(self.relation, self.relation)

    @property
    def contact_words(self) -> str:
        return CONTACT_BY.get(self.preferred_contact, self.preferred_contact)

    @property
    def needs(self) -> str:
        """Interpreter and access needs in a few words ('' for none)."""
        parts = []
        if self.interpreter:
            parts.append(f"Interpreter: {self.interpreter}")
        if self.access_needs:
            parts.append(self.access_needs)
        return "; ".join(parts)


@dataclass(frozen=True)
class ProfessionalInfo:
    id: int
    name: str
    agency: str
    organisation: str
    job_title: str
    email: str
    phone: str
    address: str
    secure_email: bool
    agency_contact: bool
    active: bool
    version: int

    @property
    def agency_words(self) -> str:
        return agency_label(self.agency)

    @property
    def label(self) -> str:
        """'Dr Ann Patel (GP, Elm Grove Surgery)'."""
        where = ", ".join(p for p in (self.agency_words, self.organisation) if p)
        return f"{self.name} ({where})"


@dataclass(frozen=True)
class LinkInfo:
    """A professional involved with a child."""

    id: int
    professional: ProfessionalInfo
    note: str
    version: int


def _person(p: Person) -> PersonInfo:
    return PersonInfo(
        p.id,
        p.child_id,
        p.name,
        p.relation,
        p.parental_responsibility,
        p.address or "",
        p.email or "",
        p.phone or "",
        p.preferred_contact,
        p.interpreter or "",
        p.access_needs or "",
        p.excluded_from_part,
        p.exclusion_note or "",
        p.active,
        p.version,
    )


def professional_info(p: Professional) -> ProfessionalInfo:
    return ProfessionalInfo(
        p.id,
        p.name,
        p.agency,
        p.organisation or "",
        p.job_title or "",
        p.email or "",
        p.phone or "",
        p.address or "",
        p.secure_email,
        p.agency_contact,
        p.active,
        p.version,
    )


def child_people(session: Session, child_id: int) -> tuple[list[PersonInfo], list[LinkInfo]]:
    """A child's family and network (those no longer involved last), and the professionals
    involved with them."""
    people = session.scalars(
        select(Person).where(Person.child_id == child_id).order_by(Person.active.desc(), Person.id)
    )
    links = session.scalars(
        select(ChildProfessional)
        .where(ChildProfessional.child_id == child_id)
        .options(selectinload(ChildProfessional.professional))
        .order_by(ChildProfessional.id)
    )
    return [_person(p) for p in people], [
        LinkInfo(link.id, professional_info(link.professional), link.note or "", link.version)
        for link in links
    ]


def directory(
    session: Session, *, include_retired: bool = False, agency: str | None = None
) -> list[ProfessionalInfo]:
    """The directory of professionals and agencies, by agency then name."""
    stmt = select(Professional)
    if not include_retired:
        stmt = stmt.where(Professional.active.is_(True))
    if agency:
        stmt = stmt.where(Professional.agency == agency)
    rows = [professional_info(p) for p in session.scalars(stmt)]
    order = {code: n for n, code in enumerate(AGENCY)}
    rows.sort(key=lambda p: (order.get(p.agency, len(order)), p.name.casefold(), p.id))
    return rows


def find_professional(session: Session, text: str) -> ProfessionalInfo:
    """The one active directory entry whose id is ``text`` or whose name contains it
    (InvalidInput when none or several match, naming them)."""
    wanted = text.strip().casefold()
    everyone = directory(session)
    found = [p for p in everyone if str(p.id) == wanted] or [
        p for p in everyone if wanted in p.name.casefold()
    ]
    if not found:
        raise InvalidInput(f'no one in the directory matches "{text}"')
    if len(found) > 1:
        names = ", ".join(p.label for p in found[:5])
        raise InvalidInput(f'"{text}" matches {len(found)} people in the directory: {names}')
    return found[0]


# --- one meeting's invitations and reports --------------------------------------------------


@dataclass(frozen=True)
class InviteeInfo:
    id: int
    name: str
    role: str
    email: str
    family: bool
    by_request: bool  # the meeting request reaches them (else a letter)
    invited_on: dt.date | None
    sent_by: str
    attendance: str
    needs: str
    excluded_from_part: bool
    version: int

    @property
    def how(self) -> str:
        return "Meeting request" if self.by_request else "Letter"


@dataclass(frozen=True)
class FileInfo:
    id: int
    name: str
    size: int
    pages: int
    sha256: str
    version: int


@dataclass(frozen=True)
class ReportDueInfo:
    id: int
    author: str
    agency: str
    email: str
    due: dt.date | None
    requested_on: dt.date | None
    received: dt.date | None
    shared_with_parents: dt.date | None
    file: FileInfo | None
    version: int

    @property
    def agency_words(self) -> str:
        return agency_label(self.agency)

    def status(self, as_of: dt.date) -> str:
        """'Received', 'Received late', 'Overdue' or 'Awaited' on ``as_of``."""
        if self.received is not None:
            late = self.due is not None and self.received > self.due
            return "Received late" if late else "Received"
        if self.due is not None and as_of > self.due:
            return "Overdue"
        return "Awaited"


@dataclass(frozen=True)
class RequestInfo:
    uid: str
    sequence: int
    method: str
    sent_on: dt.date
    out_of_date: bool  # the meeting changed since: an update or cancellation is due


@dataclass(frozen=True)
class DeliveryInfo:
    id: int
    recipient: str
    how: str
    sent_on: dt.date
    pages: int | None

    @property
    def how_words(self) -> str:
        return PACK_DELIVERY.get(self.how, self.how)


@dataclass(frozen=True)
class MeetingInvitations:
    meeting_id: int
    child_id: int
    status: str
    version: int
    chair_id: int | None  # an IRO records reports received for the meetings they chair
    invitees: tuple[InviteeInfo, ...]
    reports: tuple[ReportDueInfo, ...]
    request: RequestInfo | None
    deliveries: tuple[DeliveryInfo, ...]
    #: When the written consultation (to the child, parents and carers) is to go out by,
    #: for a meeting whose rules ask for one (a LAC review), and when it did.
    consultation_due: dt.date | None = None
    consultation_sent: dt.date | None = None
    #: The meeting's day (held, else booked): before it only apologies are recorded.
    day: dt.date | None = None

    @property
    def awaited(self) -> bool:
        return self.status in AWAITED_STATUSES


def _invitee(inv: Invitee) -> InviteeInfo:
    p = inv.person
    needs = ""
    if p is not None:
        needs = "; ".join(
            x
            for x in (
                f"Interpreter: {p.interpreter}" if p.interpreter else "",
                p.access_needs or "",
            )
            if x
        )
    return InviteeInfo(
        inv.id,
        inv.name,
        inv.role,
        inv.email or "",
        is_family(inv),
        reaches_by_request(inv),
        inv.invited_on,
        inv.sent_by or "",
        inv.attendance or "",
        needs,
        bool(p is not None and p.excluded_from_part),
        inv.version,
    )


def meeting_invitees(session: Session, meeting_id: int) -> tuple[InviteeInfo, ...]:
    """A meeting's invitees alone (with their attendance): what recording its outcome shows."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise InvalidInput(f"meeting {meeting_id} does not exist")
    return tuple(_invitee(inv) for inv in meeting.invitees)


def meeting_invitations(
    session: Session, meeting_id: int, *, rules: RuleSet, calendar: WorkingCalendar
) -> MeetingInvitations:
    """A meeting's invitees, reports due (with their deadlines and files), its meeting
    request and who its pack went to."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise InvalidInput(f"meeting {meeting_id} does not exist")
    day = deadline_day(meeting)
    files = {
        f.report_id: f
        for f in session.scalars(
            select(ReportFile).join(Report).where(Report.meeting_id == meeting_id)
        )
    }
    reports = []
    for r in meeting.reports:
        f = files.get(r.id)
        reports.append(
            ReportDueInfo(
                r.id,
                r.author,
                r.agency,
                author_email(r) or "",
                report_due(meeting.meeting_type, day, r.rule_id, rules=rules, calendar=calendar),
                r.requested_on,
                r.received,
                r.shared_with_parents,
                FileInfo(f.id, f.file_name, f.size, f.pages, f.sha256, f.version) if f else None,
                r.version,
            )
        )
    request = None
    row = session.get(MeetingRequest, meeting_id)
    if row is not None:
        stale = out_of_date(session, meeting_id)
        request = RequestInfo(row.uid, row.sequence, row.method, row.sent_on, stale)
    deliveries = session.scalars(
        select(PackDelivery)
        .where(PackDelivery.meeting_id == meeting_id)
        .order_by(PackDelivery.sent_on, PackDelivery.id)
    )
    return MeetingInvitations(
        meeting_id,
        meeting.child_id,
        meeting.status,
        meeting.version,
        meeting.chair_id,
        tuple(_invitee(inv) for inv in meeting.invitees),
        tuple(reports),
        request,
        tuple(DeliveryInfo(d.id, d.recipient, d.how, d.sent_on, d.pages) for d in deliveries),
        consultation_due(meeting.meeting_type, day, rules=rules, calendar=calendar),
        meeting.consultation_sent,
        day,
    )


def consultation_due(
    meeting_type: str, day: dt.date | None, *, rules: RuleSet, calendar: WorkingCalendar
) -> dt.date | None:
    """The day a meeting's consultation is to be sent by (the earliest, as the "consultation
    not sent in time" flag checks each), or None when its rules ask for none."""
    if day is None:
        return None
    dues = meeting_deadlines(meeting_type, day, rules=rules, calendar=calendar)
    return min((d.date for d in dues if d.times == "consultation"), default=None)


__all__ = [
    "DeliveryInfo",
    "FileInfo",
    "InviteeInfo",
    "LinkInfo",
    "MeetingInvitations",
    "PersonInfo",
    "ProfessionalInfo",
    "ReportDueInfo",
    "RequestInfo",
    "child_people",
    "consultation_due",
    "directory",
    "find_professional",
    "meeting_invitations",
    "meeting_invitees",
    "professional_info",
]
