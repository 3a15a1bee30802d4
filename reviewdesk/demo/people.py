"""The demo's people: families and networks, a directory of professionals and agencies,
the professionals involved with each child, and a few received reports as PDFs.

Run after the cases are generated (it reads them back): every child gets the family named on
their meetings' invitations (mother, father, carer), with addresses, contact details and now
and then an interpreter, access needs or an exclusion from part of a conference; a GP, and a
school or health visitor by age, from the directory; the police officer for children on a
plan. The invitations to the meetings booked ahead are linked to those people, so letters
and meeting requests reach them, and for the first few meetings in the coming fortnight some
reports are received with their PDF attached. Like the rest of the demo it only makes rows
(`PeopleRows`); the demo action writes them. Same seed, same rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections import defaultdict
from dataclasses import dataclass, field
from random import Random
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from reviewdesk.demo.names import ADULT_FIRST, SURNAMES, TOWNS
from reviewdesk.storage.models import Child, CpPlan, Invitee, Meeting, Report, Staff
from reviewdesk.vocabulary import format_uk

#: The directory: (agency, organisation, job title, name, agency contact?, email domain).
_AGENCIES = (
    ("police", "Public Protection Unit", "Referrals desk", "Public Protection Unit", True),
    ("police", "Public Protection Unit", "Detective Constable", None, False),
    ("police", "Public Protection Unit", "Detective Constable", None, False),
    ("police", "Public Protection Unit", "Detective Sergeant", None, False),
    ("health", "Looked-after children's health team", "Designated nurse", None, True),
    ("health", "Looked-after children's health team", "Specialist nurse", None, False),
    ("health_visitor", "Health visiting, North", "Health visitor", None, False),
    ("health_visitor", "Health visiting, South", "Health visitor", None, False),
    ("health_visitor", "Health visiting, East", "Health visitor", None, False),
    ("school_nurse", "School nursing service", "School nurse", None, False),
    ("school_nurse", "School nursing service", "School nurse", None, False),
    ("midwifery", "Maternity safeguarding team", "Safeguarding midwife", None, True),
    ("virtual_school", "Virtual School", "Virtual school head", None, True),
    ("mental_health", "Children's mental health service", "Clinical psychologist", None, False),
)
_PRACTICES = ("Elm Grove", "Riverside", "Market Street", "Abbey", "Park View", "Hilltop")
_SCHOOLS = (
    "St Anne's Primary",
    "Northgate Primary",
    "Brookside Academy",
    "Eastwick Community College",
    "Westmoor High",
    "Riverside Primary",
    "Oak Tree Nursery",
    "St Luke's High",
)
_STREETS = ("Church Lane", "Station Road", "Mill Street", "Victoria Road", "Park Avenue")
_LANGUAGES = ("Polish", "Romanian", "Urdu", "Arabic", "British Sign Language", "Portuguese")
_NEEDS = (
    "Uses a wheelchair: a ground-floor room please",
    "Hearing loop needed",
    "Needs documents in large print",
    "Dyslexia: please read the reports through with them",
)

#: How many meetings in the coming fortnight get received reports with their PDF.
SHOWCASE = 6


@dataclass
class PeopleRows:
    """What the demo action writes: rows to insert, and links on the generated invitations
    and reports (each a dict of bind parameters, ``iid``/``rid`` the row to update)."""

    rows: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    invitee_links: list[dict[str, Any]] = field(default_factory=list)
    report_links: list[dict[str, Any]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {name: len(rows) for name, rows in self.rows.items() if rows}


def _email(name: str, domain: str) -> str:
    from reviewdesk.demo.organisation import ascii_fold

    parts = [part for part in name.split() if part not in ("Dr", "DC", "DS")]
    local = ".".join(ascii_fold(part).lower() for part in parts if ascii_fold(part))
    return f"{local or 'office'}@{domain}"


def _address(rng: Random) -> str:
    town = rng.choice(TOWNS)
    return (
        f"{rng.randint(1, 180)} {rng.choice(_STREETS)}\n{town}\n"
        f"DB{rng.randint(1, 9)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJ')}{rng.choice('LNPQRS')}"
    )


def _person_name(rng: Random) -> str:
    return f"{rng.choice(ADULT_FIRST)} {rng.choice(SURNAMES)}"


class _Ids:
    def __init__(self, next_id: dict[str, int]) -> None:
        self.next_id = next_id

    def __call__(self, table: str) -> int:
        value = self.next_id[table]
        self.next_id[table] = value + 1
        return value


def _directory(rng: Random, ids: _Ids, out: PeopleRows) -> dict[str, list[dict[str, Any]]]:
    """The directory's rows, by agency."""
    by_agency: dict[str, list[dict[str, Any]]] = defaultdict(list)

    def add(agency, organisation, title, name, contact, domain, address, email=True) -> None:
        row = {
            "id": ids("professional"),
            "name": name,
            "agency": agency,
            "organisation": organisation,
            "job_title": title,
            "email": _email(name if not contact else organisation, domain) if email else None,
            "phone": f"01632 {rng.randint(100000, 999999)}",
            "address": address,
            "secure_email": agency == "police",
            "agency_contact": contact,
            "active": True,
            "version": 1,
        }
        out.rows["professional"].append(row)
        by_agency[agency].append(row)

    for agency, organisation, title, name, contact in _AGENCIES:
        domain = {"police": "police.example"}.get(agency, "nhs.example")
        if agency == "virtual_school":
            domain = "demo-borough.example"
        label = name or f"{'DC' if 'Constable' in title else ''} {_person_name(rng)}".strip()
        if title == "Detective Sergeant":
            label = f"DS {_person_name(rng)}"
        add(agency, organisation, title, label, contact, domain, _address(rng))
    for n, practice in enumerate(_PRACTICES):
        address = f"{practice} Surgery\n{rng.choice(_STREETS)}\n{rng.choice(TOWNS)}"
        add(
            "gp",
            f"{practice} Surgery",
            "GP",
            f"Dr {_person_name(rng)}",
            False,
            "nhs.example",
            address,
            email=n != len(_PRACTICES) - 1,
        )  # one GP has no email
    for school in _SCHOOLS:
        address = f"{school}\n{rng.choice(_STREETS)}\n{rng.choice(TOWNS)}"
        add(
            "school",
            school,
            "Designated safeguarding lead",
            _person_name(rng),
            False,
            "schools.example",
            address,
        )
    return by_agency


def people_for(
    session: Session, *, rng: Random, as_of: dt.date, next_id: dict[str, int]
) -> PeopleRows:
    """The demo's people for the cases just generated (see the module)."""
    out = PeopleRows()
    ids = _Ids(next_id)
    by_agency = _directory(rng, ids, out)

    children = session.execute(
        select(Child.id, Child.first_name, Child.last_name, Child.dob).order_by(Child.id)
    ).all()
    on_plan = set(session.scalars(select(CpPlan.child_id).where(CpPlan.end_date.is_(None))))
    named: dict[int, dict[str, str]] = defaultdict(dict)
    for child_id, name, role in session.execute(
        select(Meeting.child_id, Invitee.name, Invitee.role)
        .join(Meeting, Meeting.id == Invitee.meeting_id)
        .where(Invitee.role.in_(("Mother", "Father", "Carer")))
        .order_by(Meeting.child_id, Meeting.booked_date, Meeting.id)
    ):
        named[child_id][role] = name  # the latest (a child's carer changes over the years)

    persons: dict[tuple[int, str], int] = {}
    involved: dict[int, dict[str, dict[str, Any]]] = defaultdict(dict)
    for child_id, _first, last, dob in children:
        roles = named.get(child_id) or {"Mother": f"{rng.choice(ADULT_FIRST)} {last}"}
        for role, name in roles.items():
            relation = {"Mother": "mother", "Father": "father", "Carer": "foster_carer"}[role]
            persons[(child_id, name)] = _person(rng, ids, out, child_id, name, relation)
        if rng.random() < 0.2:
            _person(rng, ids, out, child_id, f"{rng.choice(ADULT_FIRST)} {last}", "grandparent")
        age = (as_of - dob).days // 365 if dob else -1
        wanted = [("gp", rng.choice(by_agency["gp"]))]
        if 4 <= age <= 16:
            wanted.append(("school", rng.choice(by_agency["school"])))
        if 0 <= age < 5:
            wanted.append(("health_visitor", rng.choice(by_agency["health_visitor"])))
        if child_id in on_plan:
            police = [p for p in by_agency["police"] if not p["agency_contact"]]
            wanted.append(("police", rng.choice(police)))
        for agency, professional in wanted:
            involved[child_id][agency] = professional
            out.rows["child_professional"].append(
                {
                    "id": ids("child_professional"),
                    "child_id": child_id,
                    "professional_id": professional["id"],
                    "note": None,
                    "version": 1,
                }
            )

    _link_booked(session, rng, ids, as_of, out, persons, involved, by_agency)
    return out


def _person(
    rng: Random, ids: _Ids, out: PeopleRows, child_id: int, name: str, relation: str
) -> int:
    pid = ids("person")
    email = _email(name, "mail.example") if rng.random() < 0.6 else None
    contact = "email" if email and rng.random() < 0.3 else "letter"
    excluded = rng.random() < 0.02 and relation in ("mother", "father")
    out.rows["person"].append(
        {
            "id": pid,
            "child_id": child_id,
            "name": name,
            "relation": relation,
            "parental_responsibility": relation in ("mother", "father"),
            "address": _address(rng),
            "email": email,
            "phone": f"07700 {rng.randint(900000, 900999)}",
            "preferred_contact": contact,
            "interpreter": rng.choice(_LANGUAGES) if rng.random() < 0.05 else None,
            "access_needs": rng.choice(_NEEDS) if rng.random() < 0.03 else None,
            "excluded_from_part": excluded,
            "exclusion_note": (
                "Chair's decision: not present while the police report is discussed"
                if excluded
                else None
            ),
            "active": True,
            "version": 1,
        }
    )
    return pid


#: The generated invitations' roles, and the directory agency that stands for each.
_ROLE_AGENCY = {
    "Police": ("police", ("police",)),
    "Health": ("health", ("health_visitor", "health")),
    "GP": ("gp", ("gp",)),
    "School": ("school", ("school",)),
}


def _link_booked(
    session: Session,
    rng: Random,
    ids: _Ids,
    as_of: dt.date,
    out: PeopleRows,
    persons: dict[tuple[int, str], int],
    involved: dict[int, dict[str, dict[str, Any]]],
    by_agency: dict[str, list[dict[str, Any]]],
) -> None:
    """Link the invitations and reports of the meetings booked ahead to the people and the
    directory, and receive some reports (with a PDF) for the first few."""
    booked = session.execute(
        select(Meeting.id, Meeting.child_id, Meeting.booked_date, Meeting.meeting_type)
        .where(Meeting.status == "booked", Meeting.booked_date >= as_of)
        .order_by(Meeting.booked_date, Meeting.id)
    ).all()
    ahead = {m.id: m for m in booked}
    if not ahead:
        return
    fortnight = as_of + dt.timedelta(days=14)
    showcase = [m.id for m in booked if as_of < m.booked_date <= fortnight][:SHOWCASE]
    emails = {row["id"]: row["email"] for row in out.rows["person"]}
    staff = {
        sid: (name, email)
        for sid, name, email in session.execute(select(Staff.id, Staff.name, Staff.email))
    }
    workers = dict(session.execute(select(Child.id, Child.social_worker_id)).all())
    for iid, meeting_id, name, role, staff_id in session.execute(
        select(Invitee.id, Invitee.meeting_id, Invitee.name, Invitee.role, Invitee.staff_id).where(
            Invitee.meeting_id.in_(list(ahead))
        )
    ):
        child_id = ahead[meeting_id].child_id
        if staff_id in staff:  # "Social worker", "Team manager": by their own names
            out.invitee_links.append(
                {
                    "iid": iid,
                    "name": staff[staff_id][0],
                    "person_id": None,
                    "professional_id": None,
                    "email": staff[staff_id][1],
                }
            )
            continue
        pid = persons.get((child_id, name))
        if pid is not None:
            out.invitee_links.append(
                {
                    "iid": iid,
                    "name": name,
                    "person_id": pid,
                    "professional_id": None,
                    "email": emails[pid],
                }
            )
            continue
        professional = _professional_for(role, child_id, involved, by_agency, rng)
        if professional is not None:
            out.invitee_links.append(
                {
                    "iid": iid,
                    "name": professional["name"],
                    "person_id": None,
                    "professional_id": professional["id"],
                    "email": professional["email"],
                }
            )
    for rid, meeting_id, agency in session.execute(
        select(Report.id, Report.meeting_id, Report.agency).where(
            Report.meeting_id.in_(list(ahead))
        )
    ):
        child_id = ahead[meeting_id].child_id
        professional = None
        for role, (code, _codes) in _ROLE_AGENCY.items():
            if code == agency:
                professional = _professional_for(role, child_id, involved, by_agency, rng)
        link = {
            "rid": rid,
            "professional_id": professional["id"] if professional else None,
            "staff_id": None,
            "author": professional["name"] if professional else None,
            "received": None,
        }
        worker = workers.get(child_id)
        if agency == "social_worker" and worker in staff:
            link.update(staff_id=worker, author=staff[worker][0])
        if meeting_id in showcase and agency != "social_worker" and rng.random() < 0.6:
            link["received"] = min(as_of, ahead[meeting_id].booked_date)
            _report_pdf(out, ids, rid, link["author"] or agency, agency, ahead[meeting_id])
        if link["author"] is not None or link["received"] is not None:
            out.report_links.append(link)


def _professional_for(role, child_id, involved, by_agency, rng) -> dict[str, Any] | None:
    found = _ROLE_AGENCY.get(role)
    if found is None:
        return None
    for code in found[1]:
        if code in involved.get(child_id, {}):
            return involved[child_id][code]
    candidates = [p for code in found[1] for p in by_agency.get(code, [])]
    return candidates[0] if candidates else None


def _report_pdf(
    out: PeopleRows, ids: _Ids, report_id: int, author: str, agency: str, meeting: Any
) -> None:
    """A short, plainly fictional report as a PDF (made with reportlab, no scripts)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    from reviewdesk.codes import agency_label

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1)
    width, height = A4
    lines = [
        f"{agency_label(agency)} report for the meeting on {format_uk(meeting.booked_date)}",
        f"Written by {author}",
        "",
        "DEMONSTRATION DATA: a fictional report made by the reviewdesk demo.",
        "Involvement: contact with the child and family since the last meeting.",
        "What is working well: attendance has improved; the family engage with services.",
        "What we are worried about: missed appointments in the last month.",
        "What needs to happen: continued support; a review of progress at the next meeting.",
    ]
    for page in (1, 2):
        canvas.setFont("Helvetica-Bold" if page == 1 else "Helvetica", 12)
        y = height - 72
        for line in lines if page == 1 else [f"Page {page}: chronology of contact", *lines[4:]]:
            canvas.drawString(72, y, line)
            canvas.setFont("Helvetica", 11)
            y -= 18
        canvas.showPage()
    canvas.save()
    data = buffer.getvalue()
    out.rows["report_file"].append(
        {
            "id": ids("report_file"),
            "report_id": report_id,
            "file_name": f"{agency}-report-{report_id}.pdf",
            "size": len(data),
            "pages": 2,
            "sha256": hashlib.sha256(data).hexdigest(),
            "content": data,
            "version": 1,
        }
    )


__all__ = ["PeopleRows", "SHOWCASE", "people_for"]
