"""The command line for invitations and reports: `reviewdesk invites`, `reviewdesk report
attach|chase|request|sent`, and the schedule's calendar with its filters."""

from __future__ import annotations

import csv
import datetime as dt
import email
import os
from email import policy

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from reviewdesk import actions
from reviewdesk.scheduling import Booking
from reviewdesk.storage.models import (
    AuditEntry,
    Invitee,
    Meeting,
    PackDelivery,
    Professional,
    Report,
    ReportFile,
)
from tests.invitations.scenario import (
    conference,
    invite_proposed,
    me,
    report_pdf,
    set_setting,
    version_of,
)
from tests.reports.pdfcheck import read_pdf
from tests.storage.cli_helpers import cli

D = dt.date


def test_invites_lists_proposes_and_sends(db, db_target, cli_admin, tmp_path, capsys):
    ids = conference(db)
    meeting = str(ids["meeting"])
    assert cli(db_target, "invites", meeting) == 0
    listing = capsys.readouterr().out
    assert "0 invited" in listing and "to invite: Public Protection Unit (Police)" in listing
    assert cli(db_target, "invites", meeting, "--propose") == 0
    assert "added 7 invitees and 4 reports due" in capsys.readouterr().out
    ics = tmp_path / "invite.ics"
    assert cli(db_target, "invites", meeting, "-o", str(ics), "--on", "2024-05-13") == 0
    out = capsys.readouterr().out
    assert "Meeting request for 20/05/2024 to 5 attendees" in out and "SEQUENCE" not in out
    assert "Małgorzata Brontë" in out  # not reached: send letters
    cal = Calendar.from_ical(ics.read_bytes())
    assert str(cal["METHOD"]) == "REQUEST" and len(cal.walk("VEVENT")) == 1
    letters = tmp_path / "letters.pdf"
    assert cli(db_target, "invites", meeting, "-o", str(letters), "--on", "2024-05-13") == 0
    assert read_pdf(letters.read_bytes()).pages == 3
    with db.session() as s:
        assert all(i.invited_on == D(2024, 5, 13) for i in s.scalars(select(Invitee)))


def test_proposing_for_a_held_meeting_with_a_file_adds_no_one(
    db, db_target, cli_admin, tmp_path, capsys
):
    """`invites N --propose -o x.ics` on a held meeting added its invitees and reports due,
    then refused to send: now it refuses first, and nothing is added."""
    ids = conference(db)
    with db.session() as s:
        meeting = s.get(Meeting, ids["meeting"])
        meeting.status, meeting.held_date = "held", meeting.booked_date
    argv = ("invites", str(ids["meeting"]), "--propose", "-o", str(tmp_path / "x.ics"))
    assert cli(db_target, *argv) == 2
    err = capsys.readouterr().err
    assert f"meeting {ids['meeting']} is held: there is no one to invite now" in err
    with db.session() as s:
        assert s.scalar(select(Invitee)) is None and s.scalar(select(Report)) is None
    assert not (tmp_path / "x.ics").exists()


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["invites", "999999"], "meeting 999999 does not exist"),
        (["invites", "{m}", "-o", "{tmp}/x.docx"], "should end in .ics (meeting request) or .pdf"),
        (["invites", "{m}", "-o", "{tmp}/none/x.ics"], "does not exist"),
        (["report", "attach", "{m}", "{tmp}/missing.pdf", "--agency", "police"], "no such file"),
        (["report", "attach", "{m}", "{tmp}/fake.pdf", "--agency", "police"], "is not a PDF"),
        (
            ["report", "attach", "{m}", "{tmp}/pipe.pdf", "--agency", "police"],
            "pipe.pdf is a named pipe, not a file; give a file to read",
        ),
        (
            ["report", "attach", "{m}", "{tmp}/folder.pdf", "--agency", "police"],
            "folder.pdf is a folder, not a file; give a file to read",
        ),
        (
            ["report", "attach", "{m}", "{tmp}/big.pdf", "--agency", "police"],
            "big.pdf: 1.0 MB is more than the 1 MB a report may be (the attachment_max_mb "
            "setting); nothing was attached",
        ),
        (["report", "attach", "{m}", "{tmp}/real.pdf", "--agency", "bakery"], "is not an agency"),
        (["report", "chase", "-o", "{tmp}/c.txt"], "should end in .pdf, .csv or .xlsx"),
        (
            [
                "export",
                "schedule",
                "--as-of",
                "2024-05-13",
                "--format",
                "ics",
                "-o",
                "{tmp}/s.ics",
                "--chair",
                "Nobody",
            ],
            '--chair: no chair is called "Nobody"',
        ),
    ],
)
def test_bad_input_is_one_line_and_status_2(
    db, db_target, cli_admin, tmp_path, capsys, argv, words
):
    ids = conference(db)
    invite_proposed(db, ids["meeting"])
    (tmp_path / "fake.pdf").write_bytes(b"PK\x03\x04 a spreadsheet")
    (tmp_path / "real.pdf").write_bytes(report_pdf("x"))
    os.mkfifo(tmp_path / "pipe.pdf")  # opened, it would wait for a writer for ever
    (tmp_path / "folder.pdf").mkdir()
    (tmp_path / "big.pdf").write_bytes(report_pdf("x") + b" " * (1024 * 1024))
    set_setting(db, "attachment_max_mb", 1)
    filled = [a.format(m=ids["meeting"], tmp=tmp_path) for a in argv]
    assert cli(db_target, *filled) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err and err.count("\n") == 1
    with db.session() as s:
        assert s.scalar(select(ReportFile)) is None


def test_report_attach_request_chase_and_sent(db, db_target, cli_admin, tmp_path, capsys):
    ids = conference(db)
    invite_proposed(db, ids["meeting"])
    meeting = str(ids["meeting"])
    police = tmp_path / "police.pdf"
    police.write_bytes(report_pdf("POLICE"))
    assert (
        cli(
            db_target,
            "report",
            "attach",
            meeting,
            str(police),
            "--agency",
            "Police",
            "--received",
            "2024-05-14",
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "as the police report from Public Protection Unit" in out
    assert out.endswith("received 14/05/2024\n")  # shown to people: dd/mm/yyyy
    # An agency nothing was due from: the report is added, then received.
    probation = tmp_path / "probation.pdf"
    probation.write_bytes(report_pdf("PROBATION"))
    assert (
        cli(
            db_target,
            "report",
            "attach",
            meeting,
            str(probation),
            "--agency",
            "probation",
            "--author",
            "Jo Reed",
        )
        == 0
    )
    with db.session() as s:
        received = {r.author: (r.received, r.file is not None) for r in s.scalars(select(Report))}
    assert received["Public Protection Unit"] == (D(2024, 5, 14), True)
    assert received["Jo Reed"][1] is True
    # The chase list: the other reports, due Fri 17/05, within 5 working days of 13/05.
    chase = tmp_path / "chase.csv"
    assert cli(db_target, "report", "chase", "--as-of", "2024-05-13", "-o", str(chase)) == 0
    with chase.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["agency"], r["author"], r["due"]) for r in rows] == [
        ("GP", "Dr Ann Patel", "2024-05-17"),
        ("School", "Mr Tomás Kelly", "2024-05-17"),
        ("Social worker", "Siân Evans", "2024-05-17"),
    ]
    assert (
        cli(
            db_target,
            "report",
            "chase",
            "--as-of",
            "2024-05-13",
            "--within",
            "2",
            "-o",
            str(tmp_path / "none.csv"),
        )
        == 0
    )
    assert "0 reports to chase" in capsys.readouterr().out.splitlines()[-1]
    pdf = tmp_path / "chase.pdf"
    assert cli(db_target, "report", "chase", "--as-of", "2024-05-13", "-o", str(pdf)) == 0
    assert "Dr Ann Patel" in read_pdf(pdf.read_bytes()).all_text
    # Requests: letters to every author still awaited, or one email draft.
    letters = tmp_path / "requests.pdf"
    assert cli(db_target, "report", "request", meeting, "-o", str(letters)) == 0
    assert read_pdf(letters.read_bytes()).pages == 3
    draft = tmp_path / "gp.eml"
    assert cli(db_target, "report", "request", meeting, "--author", "Patel", "-o", str(draft)) == 0
    message = email.message_from_bytes(draft.read_bytes(), policy=policy.default)
    assert message["To"].addresses[0].addr_spec == "ann.patel@nhs.example"
    assert (
        cli(
            db_target,
            "report",
            "sent",
            meeting,
            "--to",
            "Małgorzata Brontë",
            "--how",
            "post",
            "--on",
            "2024-05-16",
        )
        == 0
    )
    assert capsys.readouterr().out.endswith("(post, 16/05/2024)\n")
    with db.session() as s:
        assert s.scalar(select(PackDelivery.recipient)) == "Małgorzata Brontë"


def test_the_schedule_calendar_has_places_clerks_cancellations_and_filters(
    db, db_target, cli_admin, tmp_path, capsys
):
    ids = conference(db)
    actor = me(db)
    with db.session() as s:
        period_child = s.get(Meeting, ids["meeting"]).child_id
    other = actions.book_meeting(
        db,
        actor,
        period_child,
        "icpc",
        Booking(D(2024, 5, 21), dt.time(14, 0)),
        enquiry_id=ids["enquiry"],
    ).result
    actions.cancel_meeting(
        db, actor, other, "Booked in error", expected_version=version_of(db, Meeting, other)
    )
    out = tmp_path / "all.ics"
    assert (
        cli(
            db_target,
            "export",
            "schedule",
            "--as-of",
            "2024-05-13",
            "--format",
            "ics",
            "-o",
            str(out),
        )
        == 0
    )
    events = {str(e["UID"]): e for e in Calendar.from_ical(out.read_bytes()).walk("VEVENT")}
    booked = events[f"meeting-{ids['meeting']}@reviewdesk"]
    assert str(booked["LOCATION"]) == "Room 2, Civic Centre, Market Street, Northgate NG1 1AA"
    assert "Clerk: Chloé Cooper" in str(booked["DESCRIPTION"])
    assert str(booked["SUMMARY"]) == "Initial CP conference - R100"
    cancelled = events[f"meeting-{other}@reviewdesk"]
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert str(cancelled["SUMMARY"]).startswith("Cancelled: ")
    for option, value in (("--chair", "Nowak"), ("--room", "Room 2"), ("--clerk", "Chloé")):
        mine = tmp_path / f"{option[2:]}.ics"
        assert (
            cli(
                db_target,
                "export",
                "schedule",
                "--as-of",
                "2024-05-13",
                "--format",
                "ics",
                "-o",
                str(mine),
                option,
                value,
            )
            == 0
        )
        uids = {str(e["UID"]) for e in Calendar.from_ical(mine.read_bytes()).walk("VEVENT")}
        assert uids == {f"meeting-{ids['meeting']}@reviewdesk"}, option
    # A spreadsheet leaves the cancelled meeting out, as before, and gains room and clerk.
    sheet = tmp_path / "s.csv"
    assert (
        cli(
            db_target,
            "export",
            "schedule",
            "--as-of",
            "2024-05-13",
            "--format",
            "csv",
            "-o",
            str(sheet),
        )
        == 0
    )
    with sheet.open(encoding="utf-8-sig", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["meeting_id"]]
    assert [(r["room"], r["clerk"]) for r in rows] == [("Room 2, Civic Centre", "Chloé Cooper")]


def _drafts(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def _entries(session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEntry))


def _everyone_has_email(db) -> None:
    with db.session() as s:
        for person in s.scalars(select(Professional).where(Professional.email.is_(None))):
            person.email = "school@council.example"


def test_email_drafts_to_a_folder_are_written_all_or_none(
    db, db_target, cli_admin, tmp_path, capsys
):
    """`report request N -o FOLDER` writes an email draft for each author awaited. A draft
    whose name was taken by a folder was refused after the drafts before it were written:
    some drafts made, the requests not recorded. Now every draft is checked before any is
    written; a refusal leaves none (and no temporary file) and records nothing."""
    ids = conference(db)
    invite_proposed(db, ids["meeting"])
    _everyone_has_email(db)
    meeting = str(ids["meeting"])
    first = tmp_path / "first"
    first.mkdir()
    assert cli(db_target, "report", "request", meeting, "-o", str(first)) == 0
    names = _drafts(first)
    assert len(names) == 4 and all(n.endswith(".eml") for n in names)
    with db.session() as s:
        entries = _entries(s)

    for taken in names:  # whichever draft's name is a folder's
        again = tmp_path / f"again-{taken}"
        again.mkdir()
        (again / taken).mkdir()
        capsys.readouterr()
        assert cli(db_target, "report", "request", meeting, "-o", str(again)) == 2
        err = capsys.readouterr().err
        assert err.splitlines() == [
            f"reviewdesk: error: {again / taken} is a folder; give a file name"
        ]
        assert _drafts(again) == [taken]  # nothing written beside it, no temporary
    with db.session() as s:
        assert _entries(s) == entries  # no export recorded


def test_two_reports_from_one_author_get_a_draft_each(db, db_target, cli_admin, tmp_path):
    """Two reports awaited from one author were given one file name: the second draft was
    written over the first."""
    ids = conference(db)
    invite_proposed(db, ids["meeting"])
    _everyone_has_email(db)
    with db.session() as s:
        report = s.scalars(
            select(Report).where(Report.professional_id.is_not(None)).order_by(Report.id)
        ).first()
        again = actions.NewReport(
            author=report.author, agency="other", professional_id=report.professional_id
        )
    actions.add_reports(db, me(db), ids["meeting"], [again])
    folder = tmp_path / "drafts"
    folder.mkdir()
    assert cli(db_target, "report", "request", str(ids["meeting"]), "-o", str(folder)) == 0
    assert len(_drafts(folder)) == 5
