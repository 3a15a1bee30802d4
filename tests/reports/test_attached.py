"""The real pack: cover, agenda, invitees and attendance, then the received reports' own
pages, numbered with the pack's; read back with pypdf and rendered with pdftoppm."""

from __future__ import annotations

import re
import subprocess

import pytest
from sqlalchemy import select

from reviewdesk import actions
from reviewdesk.reports.packs import build_pack, build_packs
from reviewdesk.storage.db import open_database
from reviewdesk.storage.models import Report, ReportFile
from tests.invitations.scenario import AS_OF, DAY, conference, invite_proposed, me, report_pdf
from tests.reports.pdfcheck import read_pdf


@pytest.fixture
def db(tmp_path):
    database = open_database(tmp_path / "t.sqlite")
    yield database
    database.dispose()


def _attach(db, author: str, data: bytes, name: str) -> int:
    with db.session() as s:
        report = s.scalar(select(Report).where(Report.author == author))
        report_id, version = report.id, report.version
    actions.attach_report_file(
        db,
        me(db),
        report_id,
        data=data,
        file_name=name,
        received=AS_OF,
        expected_version=version,
    )
    return report_id


def _numbers(text: str) -> tuple[int, int]:
    found = re.search(r"Page (\d+) of (\d+)", text)
    assert found, text
    return int(found[1]), int(found[2])


def test_the_pack_prints_the_received_reports_after_its_own_pages(db, tmp_path):
    ids = conference(db)
    invite_proposed(db, ids["meeting"])
    _attach(db, "Public Protection Unit", report_pdf("POLICE-REPORT-TEXT", pages=2), "p.pdf")
    _attach(
        db, "Dr Ann Patel", report_pdf("GP-REPORT-TEXT", pages=2, landscape_page=True), "gp.pdf"
    )
    out = tmp_path / "pack.pdf"
    with db.session() as s:
        pages = build_pack(s, ids["meeting"], as_of=AS_OF, out=out)
    pdf = read_pdf(out.read_bytes())
    assert pdf.pages == pages
    own = [t for t in pdf.texts if "Attached report" not in t]
    attached = pdf.texts[len(own) :]
    assert len(attached) == 4 and all("Attached report" not in t for t in own)
    # Cover first, then the agenda and the invitees with their attendance.
    assert "Initial CP conference" in own[0]
    body = " ".join(" ".join(own).split())
    order = [body.index(w) for w in ("Agenda", "Invitees and attendance", "Checklist for the")]
    assert order == sorted(order)
    assert "Excluded from part of the meeting" in body and "Interpreter: Polish" in body
    assert "attached (2 pages)" in body
    # The reports' own text, in order, on pages numbered with the pack's.
    assert "POLICE-REPORT-TEXT page 1" in attached[0] and "POLICE-REPORT-TEXT page 2" in attached[1]
    assert "GP-REPORT-TEXT page 2" in attached[3]
    assert "Attached report 1 of 2: Police report from Public Protection Unit" in attached[0]
    for n, text in enumerate(pdf.texts, start=1):
        assert _numbers(text) == (n, pages)
        assert text.count("OFFICIAL-SENSITIVE") >= 2
    w, h = pdf.size(pages - 1)
    assert w > h  # the landscape page is printed on a landscape A4
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", "-f", str(pages - 1), str(out), str(tmp_path / "pg")],
        check=True,
        capture_output=True,
    )
    assert len(list(tmp_path.glob("pg-*.png"))) == 2


def test_a_file_changed_since_it_was_attached_is_not_printed(db, tmp_path):
    ids = conference(db)
    invite_proposed(db, ids["meeting"])
    _attach(db, "Public Protection Unit", report_pdf("ORIGINAL", pages=1), "p.pdf")
    with db.session() as s:  # altered outside reviewdesk (the hash no longer matches)
        stored = s.scalar(select(ReportFile))
        stored.content = report_pdf("FORGED", pages=1)
    out = tmp_path / "pack.pdf"
    with db.session() as s:
        build_pack(s, ids["meeting"], as_of=AS_OF, out=out)
    text = read_pdf(out.read_bytes()).all_text
    assert "FORGED" not in text and "ORIGINAL" not in text
    assert "Report not printed" in text and "SHA-256 no longer" in text


def test_each_pack_in_a_week_counts_its_own_reports(db, tmp_path):
    ids = conference(db)
    invite_proposed(db, ids["meeting"])
    _attach(db, "Public Protection Unit", report_pdf("WEEK-REPORT", pages=3), "p.pdf")
    out = tmp_path / "week.pdf"
    with db.session() as s:
        pages = build_packs(s, week=DAY, as_of=AS_OF, out=out)
    pdf = read_pdf(out.read_bytes())
    assert pdf.pages == pages
    last = pdf.texts[-1]
    assert "WEEK-REPORT page 3" in last and _numbers(last) == (pages, pages)


def _report_line(text: str) -> str:
    return next(line for line in text.splitlines() if line.startswith("Attached report"))


def test_a_long_authors_report_line_stays_on_the_page_and_keeps_its_date(db, tmp_path):
    """The line above an attached report's page names it: a long author (a name with a
    title and a clinic) is shortened with an ellipsis, and the day the report was
    received still closes the line, within the page's margins."""
    from reportlab.pdfbase import pdfmetrics

    from reviewdesk.reports.base import FONT, MARGIN, register_fonts
    from tests.reports.pdfcheck import A4_SHORT

    author = (
        "Dr Siobhán Ní Dhomhnaill-Featherstonehaugh (Consultant Clinical Psychologist, "
        "Tŷ Gwyn Child and Adolescent Mental Health Service)"
    )
    ids = conference(db)
    invite_proposed(db, ids["meeting"])
    with db.session() as s:
        s.scalar(select(Report).where(Report.author == "Dr Ann Patel")).author = author
    _attach(db, author, report_pdf("LONG-AUTHOR", pages=1), "gp.pdf")
    out = tmp_path / "pack.pdf"
    with db.session() as s:
        build_pack(s, ids["meeting"], as_of=AS_OF, out=out)
    line = _report_line(read_pdf(out.read_bytes()).texts[-1])
    assert line.startswith("Attached report 1 of 1: GP report from Dr Siobhán Ní")
    assert "…" in line and line.endswith(f", received {AS_OF:%d/%m/%Y}"), line
    register_fonts()
    assert pdfmetrics.stringWidth(line, FONT, 7.5) <= A4_SHORT - 2 * MARGIN


def test_the_notice_for_a_changed_file_stays_within_the_margins(db, tmp_path):
    """The notice in place of a report whose file has changed is wrapped at a space to the
    page's width, not cut after 120 letters (which ran past the right margin)."""
    from reportlab.pdfbase import pdfmetrics

    from reviewdesk.reports.base import FONT, MARGIN, register_fonts
    from tests.reports.pdfcheck import A4_SHORT

    ids = conference(db)
    invite_proposed(db, ids["meeting"])
    _attach(db, "Public Protection Unit", report_pdf("ORIGINAL", pages=1), "p.pdf")
    with db.session() as s:
        s.scalar(select(ReportFile)).content = report_pdf("FORGED", pages=1)
    out = tmp_path / "pack.pdf"
    with db.session() as s:
        build_pack(s, ids["meeting"], as_of=AS_OF, out=out)
    lines = read_pdf(out.read_bytes()).texts[-1].splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("This report's file"))
    notice = lines[start : start + 2]
    assert " ".join(notice).endswith("Attach the report again."), notice
    register_fonts()
    for line in notice:
        assert pdfmetrics.stringWidth(line, FONT, 9) <= A4_SHORT - 2 * MARGIN, line
