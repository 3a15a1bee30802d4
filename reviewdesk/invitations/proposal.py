"""The invitation list and the reports a meeting needs, proposed from the rules.

`propose` reads a meeting, the child's people (family and network, professionals involved),
the child's social worker and team, and the invitation rules (`invite_rules`), and says whom
to invite, why (the rule), and which reports are due from whom by when (each deadline from
the timescale rule the report rule names). People already invited and reports already
recorded are marked, so proposing again after a change adds only what is missing. Nothing is
written here: the clerk chooses, and `reviewdesk.actions.add_invitees` and
`reviewdesk.actions.add_reports` save the choice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from reviewdesk.codes import RELATIONSHIP, agency_label
from reviewdesk.dates import age_on
from reviewdesk.engine import Deadline, meeting_deadlines
from reviewdesk.errors import InvalidInput
from reviewdesk.flags.deadlines import report_deadline
from reviewdesk.invitations.invite_rules import (
    InvitationRules,
    InviteRule,
    default_invitation_rules,
)
from reviewdesk.rules import RuleSet
from reviewdesk.storage.models import (
    Child,
    ChildProfessional,
    Meeting,
    Person,
    Professional,
    Staff,
)
from reviewdesk.vocabulary import meeting_day
from reviewdesk.workingdays import WorkingCalendar


@dataclass(frozen=True)
class Candidate:
    """Someone to invite. ``kind`` is person, professional, staff or child; exactly one id
    (or none, for the child) says who they are in the register."""

    name: str
    role: str
    kind: str
    rule_id: str
    why: str
    email: str | None = None
    agency: str | None = None
    person_id: int | None = None
    professional_id: int | None = None
    staff_id: int | None = None
    invited: bool = False  # already on the meeting's list

    @property
    def key(self) -> tuple[str, int | str | None]:
        ident = self.person_id or self.professional_id or self.staff_id
        return (self.kind, ident if ident is not None else self.name.casefold())


@dataclass(frozen=True)
class ReportCandidate:
    """A report due for the meeting: from whom, and by when (None: no deadline known)."""

    author: str
    agency: str
    rule_id: str  # the report rule
    deadline_rule: str  # the timescale rule setting the deadline
    why: str
    due: dt.date | None
    email: str | None = None
    professional_id: int | None = None
    staff_id: int | None = None
    recorded: bool = False  # already among the meeting's reports


@dataclass
class Proposal:
    meeting_id: int
    invitees: list[Candidate] = field(default_factory=list)
    reports: list[ReportCandidate] = field(default_factory=list)
    #: What the rules ask for that the register cannot supply (say, no police contact).
    missing: list[str] = field(default_factory=list)

    @property
    def new_invitees(self) -> list[Candidate]:
        return [c for c in self.invitees if not c.invited]

    @property
    def new_reports(self) -> list[ReportCandidate]:
        return [r for r in self.reports if not r.recorded]


def _relation_words(code: str) -> str:
    return RELATIONSHIP.get(code, code.replace("_", " ").capitalize())


def _family(rule: InviteRule, people: list[Person]) -> list[Candidate]:
    out = []
    for p in people:
        wanted = p.relation in rule.relations or (
            rule.parental_responsibility and p.parental_responsibility
        )
        if wanted:
            out.append(
                Candidate(
                    name=p.name,
                    role=_relation_words(p.relation),
                    kind="person",
                    rule_id=rule.id,
                    why=rule.title,
                    email=p.email,
                    person_id=p.id,
                )
            )
    return out


def _professional(p: Professional, rule: InviteRule) -> Candidate:
    return Candidate(
        name=p.name,
        role=agency_label(p.agency),
        kind="professional",
        rule_id=rule.id,
        why=rule.title,
        email=p.email,
        agency=p.agency,
        professional_id=p.id,
    )


def _staff(s: Staff, role: str, agency: str, rule: InviteRule) -> Candidate:
    return Candidate(
        name=s.name,
        role=role,
        kind="staff",
        rule_id=rule.id,
        why=rule.title,
        email=s.email,
        agency=agency,
        staff_id=s.id,
    )


def _already(meeting: Meeting, c: Candidate) -> bool:
    for inv in meeting.invitees:
        if c.person_id is not None and inv.person_id == c.person_id:
            return True
        if c.professional_id is not None and inv.professional_id == c.professional_id:
            return True
        if c.staff_id is not None and inv.staff_id == c.staff_id:
            return True
        if c.kind == "child" and inv.role.casefold() == "child":
            return True
    return False


def deadline_day(meeting: Meeting) -> dt.date | None:
    """The date a meeting's deadlines count from: its held date once held, else its booked
    date (whatever the as-of date: a deadline belongs to the meeting)."""
    return meeting_day(meeting, dt.date.max)


def report_due(
    meeting_type: str,
    day: dt.date | None,
    deadline_rule: str | None,
    *,
    rules: RuleSet,
    calendar: WorkingCalendar,
) -> dt.date | None:
    """A report's deadline for a meeting on ``day``: the named timescale rule's (the same
    reading as the late-report flags), or None with no date or no such rule."""
    found = report_due_deadline(meeting_type, day, deadline_rule, rules=rules, calendar=calendar)
    return found.date if found is not None else None


def report_due_deadline(
    meeting_type: str,
    day: dt.date | None,
    deadline_rule: str | None,
    *,
    rules: RuleSet,
    calendar: WorkingCalendar,
) -> Deadline | None:
    """The deadline `report_due` dates (with its rule): the named rule's, or, for a report
    with none (added by hand), the meeting type's latest report deadline."""
    if day is None:
        return None
    deadlines = meeting_deadlines(meeting_type, day, rules=rules, calendar=calendar)
    return report_deadline(deadlines, deadline_rule)


def propose(
    session: Session,
    meeting_id: int,
    *,
    rules: RuleSet,
    calendar: WorkingCalendar,
    invitation_rules: InvitationRules | None = None,
) -> Proposal:
    """Whom to invite to the meeting and which reports to expect (see the module)."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise InvalidInput(f"meeting {meeting_id} does not exist")
    invitation_rules = invitation_rules or default_invitation_rules()
    child: Child = meeting.child
    day = deadline_day(meeting)
    people = list(
        session.scalars(
            select(Person)
            .where(Person.child_id == child.id, Person.active.is_(True))
            .order_by(Person.id)
        )
    )
    involved = list(
        session.scalars(
            select(Professional)
            .join(ChildProfessional, ChildProfessional.professional_id == Professional.id)
            .where(ChildProfessional.child_id == child.id, Professional.active.is_(True))
            .order_by(Professional.name, Professional.id)
        )
    )
    proposal = Proposal(meeting_id)
    found: dict[tuple, Candidate] = {}

    def add(candidate: Candidate) -> None:
        if candidate.key not in found:
            found[candidate.key] = candidate

    for rule in invitation_rules.invites_for(meeting.meeting_type):
        if rule.who == "family":
            for c in _family(rule, people):
                add(c)
        elif rule.who == "child":
            born = child.dob
            if born is not None and (
                rule.min_age is None or age_on(born, day or born) >= rule.min_age
            ):
                add(Candidate(child.display_name, "Child", "child", rule.id, rule.title))
        elif rule.who == "social_worker":
            worker = _social_worker(meeting)
            if worker is None:
                proposal.missing.append(f"{rule.title}: no social worker is allocated")
            else:
                add(_staff(worker, "Social worker", "social_worker", rule))
        elif rule.who == "team_manager":
            manager = child.team.manager if child.team is not None else None
            if manager is None:
                proposal.missing.append(f"{rule.title}: the child's team has no manager recorded")
            else:
                add(_staff(manager, "Team manager", "social_care", rule))
        else:  # agencies
            for agency in rule.agencies:
                theirs = [p for p in involved if p.agency == agency]
                if not theirs and rule.required:
                    theirs = _agency_contacts(session, agency)
                    if not theirs:
                        proposal.missing.append(
                            f"{rule.title}: no one from {agency_label(agency).lower()} is "
                            "involved with the child, and the directory has no contact for it"
                        )
                for p in theirs:
                    add(_professional(p, rule))
    proposal.invitees = [
        Candidate(**{**c.__dict__, "invited": _already(meeting, c)}) for c in found.values()
    ]
    proposal.reports = _reports(meeting, proposal, invitation_rules, day, rules, calendar)
    return proposal


def _social_worker(meeting: Meeting) -> Staff | None:
    """The social worker of the meeting's period of care, else the child's."""
    if meeting.period is not None and meeting.period.social_worker is not None:
        return meeting.period.social_worker
    return meeting.child.social_worker


def _agency_contacts(session: Session, agency: str) -> list[Professional]:
    return list(
        session.scalars(
            select(Professional)
            .where(
                Professional.agency == agency,
                Professional.agency_contact.is_(True),
                Professional.active.is_(True),
            )
            .order_by(Professional.name, Professional.id)
            .limit(1)
        )
    )


def _reports(
    meeting: Meeting,
    proposal: Proposal,
    invitation_rules: InvitationRules,
    day: dt.date | None,
    rules: RuleSet,
    calendar: WorkingCalendar,
) -> list[ReportCandidate]:
    out: list[ReportCandidate] = []
    seen: set[tuple] = set()
    for rule in invitation_rules.reports_for(meeting.meeting_type):
        due = report_due(meeting.meeting_type, day, rule.deadline, rules=rules, calendar=calendar)
        if rule.from_whom == "social_worker":
            authors = [c for c in proposal.invitees if c.agency == "social_worker"]
        else:
            authors = [
                c
                for c in proposal.invitees
                if c.kind == "professional" and c.agency in rule.agencies
            ]
        for c in authors:
            key = (c.kind, c.professional_id or c.staff_id)
            if key in seen:
                continue
            seen.add(key)
            out.append(
                ReportCandidate(
                    author=c.name,
                    agency=c.agency or "other",
                    rule_id=rule.id,
                    deadline_rule=rule.deadline,
                    why=rule.title,
                    due=due,
                    email=c.email,
                    professional_id=c.professional_id,
                    staff_id=c.staff_id,
                    recorded=_recorded(meeting, c),
                )
            )
    return out


def _recorded(meeting: Meeting, c: Candidate) -> bool:
    for r in meeting.reports:
        if c.professional_id is not None and r.professional_id == c.professional_id:
            return True
        if c.staff_id is not None and r.staff_id == c.staff_id:
            return True
        # A report recorded by agency alone (typed in, or from before the directory).
        by_agency = r.professional_id is None and r.staff_id is None and r.agency == c.agency
        names = (c.name.casefold(), agency_label(c.agency).casefold())
        if by_agency and r.author.casefold() in names:
            return True
    return False


__all__ = [
    "Candidate",
    "Proposal",
    "ReportCandidate",
    "deadline_day",
    "propose",
    "report_due",
    "report_due_deadline",
]
