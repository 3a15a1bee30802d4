"""Letters for families and report requests, as PDFs read back with pypdf and as email
drafts read back with the `email` package."""

from __future__ import annotations

import datetime as dt
import email
import subprocess
from email import policy

import pytest
from sqlalchemy import select

from reviewdesk import actions
from reviewdesk.errors import InvalidInput
from reviewdesk.storage.models import AuditEntry, Invitee, Report
from tests.invitations.scenario import AS_OF, MAILBOX, conference, invite_proposed, me, set_setting
from tests.reports.pdfcheck import read_pdf

D = dt.date


def test_invitation_letters_for_the_family_from_the_councils_template(db, tmp_path):
    ids = conference(db)
    invite_proposed(db, ids["meeting"])
    set_setting(db, "council_address", "Town Hall\nHigh Street\nNorthgate NG1 1AA")
    path = tmp_path / "letters.pdf"
    sent = actions.send_invitation_letters(db, me(db), ids["meeting"], output=path, on=AS_OF)
    # The family, and the school (no email): everyone the meeting request does not reach.
    assert set(sent.result.recipients) == {"Małgorzata Brontë", "Piotr Brontë", "Mr Tomás Kelly"}
    pdf = read_pdf(path.read_bytes())
    assert pdf.pages == 3
    mother = " ".join(pdf.texts[0].split())
    for words in (
        "OFFICIAL-SENSITIVE",
        "Demo Borough Council",
        "Town Hall",
        "98 Church Lane",
        "Dear Małgorzata Brontë,",
        "initial CP conference for Zoë Brontë",
        "Monday 20 May 2024",
        "10:00 to 11:30",
        "Room 2, Civic Centre, Market Street, Northgate NG1 1AA",
        "An interpreter (Polish) will be at the meeting",
        "Chloé Cooper on 01632 960123",
        "Page 1 of 1",
    ):
        assert words in mother, words
    assert "not be present for part" not in mother
    father = " ".join(next(t for t in pdf.texts if "Dear Piotr" in t).split())
    assert "you will not be present for part of the meeting" in father
    assert "police information" not in father  # the internal note is not printed
    with db.session() as s:
        invited = {i.name: (i.invited_on, i.sent_by) for i in s.scalars(select(Invitee))}
    assert invited["Piotr Brontë"] == (AS_OF, "letter")
    assert invited["Dr Ann Patel"] == (None, None)  # reached by the meeting request instead
    png = subprocess.run(
        ["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(path), str(tmp_path / "p")],
        capture_output=True,
        check=True,
    )
    assert png.returncode == 0 and list(tmp_path.glob("p-*.png"))


def test_the_councils_own_template_is_used(db, tmp_path):
    ids = conference(db)
    invite_proposed(db, ids["meeting"])
    set_setting(
        db,
        "letter_templates",
        {"invitation": "Hello $recipient_name.\n\nCome on $date at $time, $venue.\n"},
    )
    path = tmp_path / "l.pdf"
    with db.session() as s:
        mother = s.scalar(select(Invitee.id).where(Invitee.name == "Małgorzata Brontë"))
    actions.send_invitation_letters(db, me(db), ids["meeting"], [mother], output=path, on=AS_OF)
    text = read_pdf(path.read_bytes()).all_text
    assert "Hello Małgorzata Brontë." in text and "Come on Monday 20 May 2024 at 10:00" in text
    with pytest.raises(InvalidInput, match=r"\$secret is not a field"):
        set_setting(db, "letter_templates", {"invitation": "Dear $secret"})


def test_a_clerk_with_no_phone_is_not_rung_on_a_number_that_is_not_there(db, tmp_path):
    """The clerk, Chloé Cooper, has no phone number: the invitation asked the family to
    "contact Chloé Cooper on the number above or iro.service@...", and the report request
    to "let Chloé Cooper know on the number above", over no number. Now they give the
    contact there is; a council's own wording with the phone elsewhere gets the address."""
    from reviewdesk.storage.models import Staff

    ids = conference(db)
    invite_proposed(db, ids["meeting"])
    with db.session() as s:
        s.get(Staff, ids["clerk"]).phone = None
        mother = s.scalar(select(Invitee.id).where(Invitee.name == "Małgorzata Brontë"))
        reports = {r.author: r.id for r in s.scalars(select(Report))}
    actor = me(db)

    def words(path) -> str:
        return " ".join(read_pdf(path.read_bytes()).all_text.split())

    def invite(path) -> str:
        actions.send_invitation_letters(db, actor, ids["meeting"], [mother], output=path, on=AS_OF)
        return words(path)

    request = tmp_path / "request.pdf"
    actions.send_report_requests(db, actor, [reports["Dr Ann Patel"]], output=request, on=AS_OF)
    letter, asked = invite(tmp_path / "letter.pdf"), words(request)
    assert "please contact Chloé Cooper at iro.service@council.example as soon as" in letter
    assert "If you cannot provide a report, please let Chloé Cooper know as soon as" in asked
    for text in (letter, asked):
        assert "number above" not in text and " on iro.service" not in text
    own = "Dear $recipient_name,\n\nRing $clerk_phone.\n"
    set_setting(db, "letter_templates", {"invitation": own})
    assert "Ring iro.service@council.example." in invite(tmp_path / "own.pdf")


def test_report_requests_as_letters_and_email_drafts(db, tmp_path):
    ids = conference(db)
    invite_proposed(db, ids["meeting"])
    with db.session() as s:
        reports = {r.author: r.id for r in s.scalars(select(Report))}
    actor = me(db)
    letters = tmp_path / "requests.pdf"
    actions.send_report_requests(db, actor, sorted(reports.values()), output=letters, on=AS_OF)
    pdf = read_pdf(letters.read_bytes())
    assert pdf.pages == 4
    school = " ".join(next(t for t in pdf.texts if "Dear Mr Tomás Kelly" in t).split())
    assert "by Fri 17/05/2024" in school and "1 working day before the meeting" in school
    assert "Mr Tomás Kelly St Anne's Primary Church Lane" in school  # the directory's address
    draft = tmp_path / "gp.eml"
    actions.send_report_requests(
        db, actor, [reports["Dr Ann Patel"]], output=draft, on=AS_OF, form="email"
    )
    message = email.message_from_bytes(draft.read_bytes(), policy=policy.default)
    assert message["To"] == "Dr Ann Patel <ann.patel@nhs.example>"
    [sender] = message["From"].addresses
    assert (sender.display_name, sender.addr_spec) == ("IRO service, Demo Borough Council", MAILBOX)
    assert message["X-Unsent"] == "1"
    assert message["Subject"].startswith("[OFFICIAL-SENSITIVE] Report request: Initial CP")
    assert "R100" in message["Subject"] and "Zoë" not in message["Subject"]
    body = " ".join(message.get_body().get_content().split())
    assert "Dear Dr Ann Patel," in body and "by Fri 17/05/2024" in body
    with db.session() as s:
        requested = {r.author: r.requested_on for r in s.scalars(select(Report))}
        what = [e.after["what"] for e in s.scalars(select(AuditEntry)) if e.action == "export"]
    assert set(requested.values()) == {AS_OF}
    assert what == ["report requests", "report request emails"]
    # No email address: no draft, and the request date is not recorded again.
    with pytest.raises(InvalidInput, match="Mr Tomás Kelly has no email address"):
        actions.send_report_requests(
            db,
            actor,
            [reports["Mr Tomás Kelly"]],
            output=tmp_path / "s.eml",
            on=AS_OF,
            form="email",
        )
    # Several drafts go in a folder, one each.
    folder = tmp_path / "drafts"
    folder.mkdir()
    emailed = [reports["Dr Ann Patel"], reports["Siân Evans"]]
    actions.send_report_requests(db, actor, emailed, output=folder, on=AS_OF, form="email")
    assert len(list(folder.glob("*.eml"))) == 2


def test_a_report_added_by_hand_is_asked_for_by_the_rule_that_dates_it(db, tmp_path):
    """Another report, from the child's advocate, added by name (no rule of its own): its
    request read "The deadline is set by our procedures: our procedures." Now it names the
    rule its date comes from, as a proposed report's does."""
    ids = conference(db)
    actor = me(db)
    actions.add_reports(
        db, actor, ids["meeting"], [actions.NewReport(author="Jane Price", agency="other")]
    )
    with db.session() as s:
        report = s.scalars(select(Report).where(Report.author == "Jane Price")).one()
        assert report.rule_id is None
        report_id = report.id
    letters = tmp_path / "requests.pdf"
    actions.send_report_requests(db, actor, [report_id], output=letters, on=AS_OF)
    text = " ".join(read_pdf(letters.read_bytes()).all_text.split())
    assert "our procedures: our procedures" not in text
    assert "by Fri 17/05/2024" in text
    assert (
        "The deadline is set by our procedures: Reports to the chair, 1 working day before "
        "the meeting." in text
    )


def test_a_name_cannot_forge_an_email_header(db, tmp_path):
    ids = conference(db)
    actor = me(db)
    [report] = actions.add_reports(
        db,
        actor,
        ids["meeting"],
        [
            actions.NewReport(
                author="Eve\r\nBcc: spy@evil.example", agency="other", email="eve@agency.example"
            )
        ],
    ).result
    draft = tmp_path / "eve.eml"
    actions.send_report_requests(db, actor, [report], output=draft, on=AS_OF, form="email")
    message = email.message_from_bytes(draft.read_bytes(), policy=policy.default)
    assert message["Bcc"] is None
    assert message["To"].addresses[0].addr_spec == "eve@agency.example"
