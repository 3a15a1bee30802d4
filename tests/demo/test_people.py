"""The demo's people: families, the directory, professionals involved, invitations linked
to them for the meetings ahead, and a few received reports with real PDFs."""

from __future__ import annotations

import hashlib

from sqlalchemy import func, select

from reviewdesk.invitations.pdfcheck import check_report_pdf
from reviewdesk.storage.models import (
    Child,
    ChildProfessional,
    Invitee,
    Meeting,
    Person,
    Professional,
    Report,
    ReportFile,
)
from reviewdesk.storage.validation import problems_with
from tests.demo.conftest import AS_OF


def test_every_child_has_a_family_and_the_meetings_ahead_reach_them(small_demo):
    db, summary = small_demo
    with db.session() as s:
        children = s.scalar(select(func.count()).select_from(Child))
        with_family = s.scalar(select(func.count(func.distinct(Person.child_id))))
        assert with_family == children
        assert summary.rows["person"] >= children and summary.rows["professional"] >= 20
        # Every child has a GP, and the directory has a police contact for conferences.
        with_gp = s.scalar(
            select(func.count(func.distinct(ChildProfessional.child_id)))
            .join(Professional)
            .where(Professional.agency == "gp")
        )
        assert with_gp == children
        assert s.scalar(
            select(Professional.id).where(
                Professional.agency == "police", Professional.agency_contact.is_(True)
            )
        )
        ahead = select(Meeting.id).where(Meeting.status == "booked", Meeting.booked_date >= AS_OF)
        invitees = list(s.scalars(select(Invitee).where(Invitee.meeting_id.in_(ahead))))
        family = [i for i in invitees if i.role in ("Mother", "Father", "Carer")]
        assert family and all(i.person_id is not None for i in family)
        assert all(i.person.child_id == i.meeting.child_id for i in family)
        staff = [i for i in invitees if i.staff_id is not None]
        assert staff and all(i.name != "Social worker" and i.email for i in staff)
        for person in s.scalars(select(Person)):
            assert problems_with(s, person) == []


def test_a_few_reports_are_received_with_real_pdfs(small_demo):
    db, _summary = small_demo
    with db.session() as s:
        files = list(s.scalars(select(ReportFile)))
        assert files
        for f in files:
            report = s.get(Report, f.report_id)
            assert report.received is not None and report.received <= AS_OF
            assert hashlib.sha256(f.content).hexdigest() == f.sha256
            checked = check_report_pdf(f.content, name=f.file_name, max_mb=1)
            assert (checked.pages, checked.size) == (f.pages, f.size)
