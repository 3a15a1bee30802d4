"""Letters printed for a meeting: invitations and report requests, read back from the PDF."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from reviewdesk import actions
from reviewdesk.storage.db import open_database
from reviewdesk.storage.models import Report
from tests.invitations.scenario import AS_OF, conference, invite_proposed, me
from tests.reports.pdfcheck import assert_furniture, read_pdf


@pytest.fixture
def db(tmp_path):
    database = open_database(tmp_path / "t.sqlite")
    yield database
    database.dispose()


def test_a_report_request_for_an_initial_conference_reads_as_english(db, tmp_path) -> None:
    """The request names the meeting in a sentence that suits every kind of meeting: never
    "A initial CP conference has been booked"."""
    ids = conference(db)
    invite_proposed(db, ids["meeting"])
    with db.session() as session:
        report_ids = list(session.scalars(select(Report.id)))
    out = tmp_path / "requests.pdf"
    actions.send_report_requests(db, me(db), report_ids, output=out, on=AS_OF)
    pdf = read_pdf(out.read_bytes())
    assert pdf.pages == len(report_ids)
    assert_furniture(
        pdf, council="Demo Borough Council", title="Report request", numbering="sections"
    )
    for text in pdf.texts:
        words = " ".join(text.split())
        assert "A initial" not in words
        assert "The initial CP conference for Zoë Brontë (reference R100) has been booked" in words
    # Every agency is held to the deadline by its own name: a police officer was told the
    # rule was "Social worker report to the chair".
    with db.session() as session:
        agencies = set(session.scalars(select(Report.agency)))
    assert {"police", "social_worker"} <= agencies
    for text in pdf.texts:
        words = " ".join(text.split())
        assert "Social worker report" not in words
        assert "our procedures: Reports to the chair, 1 working day before the meeting" in words


def test_an_invitation_before_the_time_and_clerk_are_set(db, tmp_path) -> None:
    """A meeting booked for a day, its time and clerk still to arrange: the letter says the
    time is to be confirmed (no dangling "to"), and asks the family to contact "the IRO
    service" mid-sentence (at the council's mailbox: with no clerk there is no phone number
    to give), signed "The IRO service"."""
    from reviewdesk.storage.models import Meeting

    ids = conference(db)
    invite_proposed(db, ids["meeting"])
    with db.session() as session:
        meeting = session.get(Meeting, ids["meeting"])
        meeting.booked_time, meeting.clerk = None, None
    out = tmp_path / "letters.pdf"
    actions.send_invitation_letters(db, me(db), ids["meeting"], output=out, on=AS_OF)
    pdf = read_pdf(out.read_bytes())
    assert pdf.pages >= 1
    for text in pdf.texts:
        lines = text.splitlines()
        assert "Time: (time to be confirmed)" in lines
        words = " ".join(text.split())
        assert "please contact the IRO service at iro.service@council.example as" in words
        assert "Yours sincerely, The IRO service Independent Reviewing Service" in words
