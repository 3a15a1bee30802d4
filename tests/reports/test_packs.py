"""Conference and review packs, read back from the PDF."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from sqlalchemy import select

from reviewdesk.dates import add_months
from reviewdesk.errors import InvalidInput
from reviewdesk.reports import pdf_bytes
from reviewdesk.reports.base import MARKING
from reviewdesk.reports.packs import build_pack, build_packs
from reviewdesk.storage.models import Meeting
from reviewdesk.vocabulary import format_uk_long
from tests.reports.factory import AS_OF, COUNCIL, WEEK, add_prebirth_icpc, populate
from tests.reports.pdfcheck import A4_SHORT, assert_a4, assert_furniture, read_pdf


def _pack(session, meeting_id):
    out = io.BytesIO()
    pages = build_pack(session, meeting_id, as_of=AS_OF, out=out, invariant=True)
    pdf = read_pdf(out.getvalue())
    assert pages == pdf.pages
    return pdf


def _previous_lac(session, meeting: Meeting) -> Meeting:
    return next(
        m
        for m in meeting.child.meetings
        if m.process == "lac" and m.status == "held" and m.id != meeting.id
    )


def test_review_pack_cover_sheet(demo_db) -> None:
    db, demo = demo_db
    with db.session() as session:
        meeting = session.get(Meeting, demo.lac_meeting_id)
        pdf = _pack(session, meeting.id)
        child = meeting.child.display_name
        previous = _previous_lac(session, meeting)
        due = add_months(previous.held_date, 3)
        chair, clerk, room = meeting.chair.name, meeting.clerk.name, meeting.room.name
    assert_a4(pdf, landscape=False)
    assert_furniture(pdf, council=COUNCIL, title=f"Review pack: {child}")
    cover = pdf.texts[0]
    assert child in cover and "LAC review 2" in cover
    assert f"Due by\n{format_uk_long(due)}" in cover
    assert "Booked for\nMon 13/05/2024, " in cover and "Booked within timescale" in cover
    assert chair in cover and clerk in cover and room in cover and "County Hall" in cover
    assert "How the due date was worked out" in cover
    assert f"1st review held {format_uk_long(previous.held_date)} + 3 months → " in cover
    assert "Rule lac.review.second (statutory)" in cover


def test_recorded_attendance_prints_in_the_windows_words(demo_db) -> None:
    """Attendance recorded before the pack is printed reads as the window says it ("Sent
    apologies", "Did not attend"), not the stored code ("Apologies", "Absent")."""
    db, demo = demo_db
    with db.session() as session:  # (the shared register: rolled back, not saved)
        meeting = session.get(Meeting, demo.lac_meeting_id)
        first, second = meeting.invitees[:2]
        first.attendance, second.attendance = "apologies", "absent"
        names = first.name, second.name
        session.flush()
        lines = _pack(session, demo.lac_meeting_id).layout_lines()
        session.rollback()
    assert any(names[0] in line and "Sent apologies" in line for line in lines)
    assert any(names[1] in line and "Did not attend" in line for line in lines)


def test_review_pack_invitees_reports_previous_meeting_plan_and_checklist(demo_db) -> None:
    db, demo = demo_db
    with db.session() as session:
        meeting = session.get(Meeting, demo.lac_meeting_id)
        pdf = _pack(session, meeting.id)
        invitees = [(i.name, i.role) for i in meeting.invitees]
    text = pdf.all_text
    lines = pdf.layout_lines()
    assert "Invitees and attendance" in text
    for name, role in invitees:
        assert any(name in line and role in line for line in lines), name
    assert re.search(r"☐ Attended\s+☐ Apologies\s+☐ Absent", text)  # filled in at the meeting
    # Reports are due 3 working days before Mon 13/05/2024: Wed 08/05/2024.
    row = {
        who: next(line for line in lines if who in line and "08/05/2024" in line)
        for who in ("Łukasz Wiśniewski", "PC Aleksandra Kowalczyk", "Dr Øyvind Hansen")
    }
    assert re.search(r"08/05/2024\s+07/05/2024\s+12/05/2024\s+Received\b", row["Łukasz Wiśniewski"])
    assert re.search(r"08/05/2024\s+–\s+not shared\s+Overdue", row["PC Aleksandra Kowalczyk"])
    assert "Received late" in row["Dr Øyvind Hansen"]
    assert "Deadlines around this meeting" in text
    assert "Full review record (minutes) distributed" in text
    assert "Previous meeting and its decisions" in text
    assert "Llanelli" in text and "Siân Ó Briain (maternal" in text
    assert "C2: Full care order" in text
    assert "Checklist for the clerk" in text
    checklist = [line.split() for line in lines if "Room booked" in line or "PN0–PN7" in line]
    assert checklist[0][0] == "☑" and checklist[1][0] == "☐"


def test_conference_pack_shows_the_plan(demo_db) -> None:
    db, demo = demo_db
    with db.session() as session:
        meeting = session.get(Meeting, demo.cp_meeting_id)
        pdf = _pack(session, meeting.id)
        icpc = next(m for m in meeting.child.meetings if m.meeting_type == "icpc")
        due = add_months(icpc.held_date, 3)
        child = meeting.child.display_name
    assert_furniture(pdf, council=COUNCIL, title=f"Conference pack: {child}")
    text = pdf.all_text
    assert "1st review CP conference" in text
    assert f"Initial conference held {format_uk_long(icpc.held_date)} + 3 months" in text
    assert format_uk_long(due) in text
    assert "Child protection plan" in text and "Initial category" in text
    assert "Quorum checked before the conference starts" in text
    assert "Previous meeting and its decisions" in text and "Quorate\nYes" in text


def test_a_meeting_booked_after_its_due_date_says_so(fresh_db) -> None:
    with fresh_db.session() as session:
        demo = populate(session, iros=1, children_per_iro=2, week_meetings=1)
        meeting = session.get(Meeting, demo.week_meeting_ids[0])
        meeting.booked_date = add_months(_previous_lac(session, meeting).held_date, 4)
        session.flush()
        text = _pack(session, meeting.id).all_text
    assert "Booked after the due date" in text
    assert "Out of timescale: reason for lateness recorded" in text


def test_a_weeks_packs_in_one_file_each_numbered_on_its_own(demo_db) -> None:
    db, demo = demo_db
    out = io.BytesIO()
    with db.session() as session:
        pages = build_packs(session, week=WEEK, as_of=AS_OF, out=out, invariant=True)
        names = [session.get(Meeting, i).child.display_name for i in demo.week_meeting_ids]
    pdf = read_pdf(out.getvalue())
    assert pages == pdf.pages
    assert_furniture(pdf, council=COUNCIL, title="Meeting packs", numbering="sections")
    n = len(demo.week_meeting_ids)
    starts = [i for i, t in enumerate(pdf.texts) if re.search(r"Page 1 of \d+", t)]
    assert len(starts) == n
    for k, start in enumerate(starts, start=1):
        assert f"Pack {k} of {n}" in pdf.texts[start]
        total = int(re.search(r"Page 1 of (\d+)", pdf.texts[start]).group(1))
        end = starts[k] if k < n else pdf.pages
        assert end - start == total, f"pack {k} says {total} pages but has {end - start}"
    assert sorted(set(names)) == sorted(
        {name for name in names if any(f"Meeting packs: {name}," in t for t in pdf.texts)}
    )


def test_an_empty_week_and_an_unknown_meeting(fresh_db) -> None:
    with fresh_db.session() as session:
        out = io.BytesIO()
        build_packs(session, week=WEEK, as_of=AS_OF, out=out, invariant=True)
        pdf = read_pdf(out.getvalue())
        assert pdf.pages == 1 and "No meetings are booked this week." in pdf.texts[0]
        with pytest.raises(InvalidInput, match="meeting 4242"):
            build_pack(session, 4242, as_of=AS_OF, out=io.BytesIO())


def test_a_pack_prints_with_almost_nothing_recorded(fresh_db) -> None:
    """A meeting booked with no room, chair, clerk, invitees or reports still prints."""
    with fresh_db.session() as session:
        demo = populate(session, iros=1, children_per_iro=1, week_meetings=0)
        child_meeting = Meeting(
            child_id=demo.child_ids[0],
            process="lac",
            meeting_type="lac_review",
            sequence=2,
            booked_date=WEEK + dt.timedelta(days=1),
        )
        session.add(child_meeting)
        session.flush()
        text = _pack(session, child_meeting.id).all_text
    for phrase in ("No room booked", "Chair\nNot allocated", "No one has been invited yet."):
        assert phrase in text
    assert "No reports are recorded for this meeting." in text


def test_pdf_bytes_for_print_preview(demo_db) -> None:
    db, demo = demo_db
    with db.session() as session:
        data = pdf_bytes(build_pack, session, demo.cp_meeting_id, as_of=AS_OF)
    assert data.startswith(b"%PDF") and read_pdf(data).pages == 3


def test_prebirth_initial_conference_pack(fresh_db) -> None:
    with fresh_db.session() as session:
        demo = populate(session, iros=1, children_per_iro=1, week_meetings=0)
        meeting = add_prebirth_icpc(session, chair_id=demo.iro_ids[0])
        pdf = _pack(session, meeting.id)
    text = pdf.all_text
    assert "Baby Ó Briain" in text and "unborn: expected 20/07/2024" in text
    assert "Initial pre-birth CP conference" in text
    # The local pre-birth rule (10 weeks before the expected delivery: Sat 11/05/2024) is
    # sooner than 15 working days after the strategy discussion, so it governs.
    assert "Due by\nSat 11/05/2024 (book by Fri 10/05/2024)" in text
    assert "Booked after the due date (4 working days late)" in text
    assert "No plan yet" in text and "Strategy discussion (s47)\n29/04/2024" in text
    assert "No earlier meeting is recorded." in text


def test_invariant_packs_are_reproducible(demo_db) -> None:
    db, _ = demo_db
    with db.session() as session:
        first = pdf_bytes(build_packs, session, week=WEEK, as_of=AS_OF, invariant=True)
        second = pdf_bytes(build_packs, session, week=WEEK, as_of=AS_OF, invariant=True)
    assert first == second


def test_a_cancelled_meetings_pack_says_it_is_not_counted(fresh_db) -> None:
    with fresh_db.session() as session:
        demo = populate(session, iros=1, children_per_iro=1, week_meetings=1)
        meeting = session.get(Meeting, demo.week_meeting_ids[0])
        meeting.status = "cancelled"
        session.flush()
        text = _pack(session, meeting.id).all_text
    assert "Not counted: the meeting was cancelled" in text


def test_a_long_name_in_the_page_header_keeps_the_meetings_date(fresh_db) -> None:
    """The header says whose pack and for when: a long name is shortened, the date is not,
    and the title stays clear of the position date printed to its right."""
    from reportlab.pdfbase import pdfmetrics

    from reviewdesk.reports.base import FONT, FONT_BOLD, MARGIN

    with fresh_db.session() as session:
        demo = populate(session, iros=1, children_per_iro=4, week_meetings=2)
        meeting = session.get(Meeting, demo.week_meeting_ids[0])
        meeting.child.first_name = "Anastazja-Gwenllian Siân"
        meeting.child.last_name = "Llewelyn-ap-Gruffydd-Wiśniewska Ó Súilleabháin"
        session.flush()
        day = meeting.booked_date.strftime("%d/%m/%Y")
        pdf = _pack(session, meeting.id)
    room = A4_SHORT - 2 * MARGIN - pdfmetrics.stringWidth("Position at 13/05/2024", FONT, 8)
    for n, text in enumerate(pdf.texts, start=1):
        title = next(line for line in text.splitlines() if line.startswith("Review pack: "))
        assert title.startswith("Review pack: Anastazja-Gwenllian Siân"), f"page {n}"
        assert title.endswith(f"…, {day}"), f"page {n}: {title!r} lost the meeting's date"
        assert pdfmetrics.stringWidth(title, FONT_BOLD, 12) < room, f"page {n}: overlaps"


def test_the_deadline_to_share_reports_with_parents_counts_those_shared(tmp_path) -> None:
    """Before an initial conference the social worker's report goes to the parents (2 working
    days before) and to the chair (1 day before): the parents' row says how many were
    shared, not how many were received."""
    from reviewdesk.storage.db import open_database
    from reviewdesk.storage.models import Report
    from tests.invitations.scenario import AS_OF as DAY0
    from tests.invitations.scenario import DAY, conference, invite_proposed

    db = open_database(tmp_path / "t.sqlite")
    try:
        ids = conference(db)
        invite_proposed(db, ids["meeting"])
        with db.session() as session:
            reports = list(session.scalars(select(Report)))
            for report in reports:  # all in on time, one shared with the parents
                report.received = DAY - dt.timedelta(days=7)
            reports[0].shared_with_parents = DAY - dt.timedelta(days=7)
            session.flush()
            out = io.BytesIO()
            build_pack(session, ids["meeting"], as_of=DAY0, out=out, invariant=True)
    finally:
        db.dispose()
    lines = read_pdf(out.getvalue()).layout_lines()
    n = len(reports)
    rows = [line.strip() for line in lines]  # the deadlines table's rows start with the rule
    shared = next(row for row in rows if row.startswith("Reports shared with parents"))
    to_chair = next(row for row in rows if row.startswith("Reports to the chair"))
    assert f"1 of {n} shared" in shared and "received" not in shared
    assert f"{n} of {n} received" in to_chair


def test_the_minutes_deadline_names_the_sooner_limit_that_set_its_date(tmp_path) -> None:
    """Zoë's initial conference on Mon 20/05/2024: minutes are due within 20 working days or
    4 weeks, whichever is sooner. 4 weeks gives Mon 17/06/2024 (20 working days, past the
    spring bank holiday, Tue 18/06): the pack printed 17/06 beside "20 working days after"."""
    from reviewdesk.storage.db import open_database
    from tests.invitations.scenario import AS_OF as DAY0
    from tests.invitations.scenario import conference

    db = open_database(tmp_path / "t.sqlite")
    try:
        ids = conference(db)
        with db.session() as session:
            out = io.BytesIO()
            build_pack(session, ids["meeting"], as_of=DAY0, out=out, invariant=True)
    finally:
        db.dispose()
    text = " ".join(read_pdf(out.getvalue()).all_text.split())
    assert "Conference minutes distributed" in text
    assert "20 working days after (or 4 weeks, whichever is sooner) Mon 17/06/2024" in text


_HEADINGS = (
    "Agenda",
    "Invitees and attendance",
    "Reports",
    "Deadlines around this meeting",
    "Previous meeting and its decisions",
    "Decisions",
    "Care: legal status and placement",
    "Checklist for the clerk",
)


def test_no_heading_is_left_at_the_foot_of_a_page(fresh_db) -> None:
    """However long the lists of invitees and reports, no page ends with a section's
    heading whose content starts the next, and no page starts with a stray row of the
    previous meeting's facts ('Minutes distributed') without their heading."""
    from reviewdesk.storage.models import Invitee, Report

    with fresh_db.session() as session:
        demo = populate(session, iros=1, children_per_iro=4, week_meetings=2)
        meeting = session.get(Meeting, demo.lac_meeting_id)
        for n in range(40):
            if n % 3 == 2:
                meeting.reports.append(Report(author=f"Dr Ffion Llewelyn {n}", agency="health"))
            else:
                meeting.invitees.append(Invitee(name=f"Nia Ó Briain {n}", role="Family friend"))
            session.flush()
            pdf = _pack(session, meeting.id)
            for page, text in enumerate(pdf.texts, start=1):
                body = [line.strip() for line in text.splitlines() if line.strip()]
                body = body[: body.index(MARKING)]  # the page furniture follows the body
                assert body[-1] not in _HEADINGS, f"{n + 1} added: page {page} ends {body[-1]!r}"
            facts = next(t for t in pdf.texts if "Minutes distributed" in t)
            assert "Previous meeting and its decisions" in facts, f"{n + 1} added"


def test_a_long_role_wraps_to_two_lines_and_the_attendance_boxes_to_none(tmp_path) -> None:
    from reviewdesk.storage.db import open_database
    from reviewdesk.storage.models import Invitee
    from tests.invitations.scenario import AS_OF as DAY0
    from tests.invitations.scenario import conference, invite_proposed

    role = "Child and Adolescent Mental Health Services practitioner"
    db = open_database(tmp_path / "t.sqlite")
    try:
        ids = conference(db)
        invite_proposed(db, ids["meeting"])
        with db.session() as session:
            invitees = session.scalars(select(Invitee).order_by(Invitee.id)).all()
            invitees[1].role = role
            session.flush()
            out = io.BytesIO()
            build_pack(session, ids["meeting"], as_of=DAY0, out=out, invariant=True)
            count = len(invitees)
    finally:
        db.dispose()
    lines = read_pdf(out.getvalue()).layout_lines()
    # Each invitee's boxes on one line of their own row.
    assert sum("☐ Attended" in line and "☐ Absent" in line for line in lines) == count
    words = ("Adolescent", "Mental", "Services", "practitioner")
    holding = [i for i, line in enumerate(lines) if any(w in line for w in words)]
    assert holding and holding[-1] - holding[0] <= 1, [lines[i] for i in holding]


def test_an_invitee_with_an_interpreter_keeps_a_long_surname_whole(fresh_db) -> None:
    """An invitee with notes (an interpreter) is printed with the notes under the name; a
    surname wider than the name column is set smaller, as without notes, not broken
    between two letters."""
    from reviewdesk.storage.models import Invitee, Person

    surname = "Llewelyn-ap-Gruffydd-Wiśniewska"
    with fresh_db.session() as session:
        demo = populate(session, iros=1, children_per_iro=4, week_meetings=2)
        meeting = session.get(Meeting, demo.lac_meeting_id)
        person = Person(
            child=meeting.child, name=f"Siân {surname}", relation="mother", interpreter="Polish"
        )
        meeting.invitees.append(Invitee(name=person.name, role="Mother", person=person))
        session.flush()
        pdf = _pack(session, meeting.id)
    lines = pdf.all_text.splitlines()
    assert any(surname in line for line in lines), "the surname is broken across lines"
    assert "Interpreter: Polish" in pdf.all_text


def test_access_needs_longer_than_a_page_still_print_in_full(fresh_db) -> None:
    """Access needs are free text: a note taller than a page in the name column is split
    across two pages, where before the pack could not be printed at all."""
    from reviewdesk.storage.models import Invitee, Person

    needs = " ".join(
        f"{n}. Needs step-free access, a hearing loop and papers in large print a week ahead."
        for n in range(1, 25)
    )
    with fresh_db.session() as session:
        demo = populate(session, iros=1, children_per_iro=4, week_meetings=2)
        meeting = session.get(Meeting, demo.lac_meeting_id)
        person = Person(
            child=meeting.child, name="Siân Ó Briain", relation="mother", access_needs=needs
        )
        meeting.invitees.insert(0, Invitee(name=person.name, role="Mother", person=person))
        session.flush()
        pdf = _pack(session, meeting.id)
    assert_furniture(pdf, council=COUNCIL, title="Review pack", numbering="sections")
    text = " ".join(pdf.all_text.split())
    assert "24. Needs step-free access" in text
    pages = [n for n, t in enumerate(pdf.texts) if "Needs step-free access" in t]
    assert len(pages) == 2, "the note runs from one page onto the next"


def test_a_name_stored_with_separate_accents_prints_with_composed_letters(fresh_db) -> None:
    """A name imported decomposed ("e", a combining circumflex, a combining tilde) printed
    its accents stacked on one another; it is printed as the letters it spells, in the
    header, on the cover and among the invitees."""
    import unicodedata

    from reviewdesk.storage.models import Invitee

    def nfd(text: str) -> str:
        return unicodedata.normalize("NFD", text)

    with fresh_db.session() as session:
        demo = populate(session, iros=1, children_per_iro=4, week_meetings=2)
        meeting = session.get(Meeting, demo.lac_meeting_id)
        meeting.child.first_name, meeting.child.last_name = nfd("Ánh"), nfd("Nguyễn")
        meeting.invitees.append(Invitee(name=nfd("Trần Thị Ánh"), role="Mother"))
        session.flush()
        pdf = _pack(session, meeting.id)
    for n, text in enumerate(pdf.texts, start=1):
        assert "Review pack: Ánh Nguyễn" in text, f"page {n}: header"
        assert not any(unicodedata.combining(ch) for ch in text), f"page {n}: a loose accent"
    assert "Trần Thị Ánh" in pdf.all_text


def test_a_pack_printed_after_the_day_of_a_meeting_never_recorded_says_so(demo_db) -> None:
    """A review's pack printed ten days after the day it was booked for, its outcome never
    recorded: "Status: Booked", as for a meeting still to come, while the flags said
    "outcome not recorded". Printed before the day, it says "Booked" alone."""
    from reviewdesk.flags import compute_flags

    db, demo = demo_db
    with db.session() as session:
        meeting = session.get(Meeting, demo.lac_meeting_id)
        later = meeting.booked_date + dt.timedelta(days=10)
        assert meeting.status == "booked" and meeting.booked_date >= AS_OF
        assert meeting.id in {
            f.meeting_id
            for f in compute_flags(session, as_of=later)
            if f.code == "outcome_not_recorded"
        }
        out = io.BytesIO()
        build_pack(session, meeting.id, as_of=later, out=out, invariant=True)
        before = _pack(session, meeting.id).texts[0]
    cover = " ".join(read_pdf(out.getvalue()).texts[0].split())
    assert (
        "Status Booked, outcome not recorded: record it as held, adjourned, cancelled or stood "
        "down" in cover
    )
    assert "not recorded" not in before
