"""The IRO workload list, read back from the PDF."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from sqlalchemy import select

from reviewdesk.dates import add_months
from reviewdesk.errors import InvalidInput
from reviewdesk.reports.workload import (
    IroWorkload,
    WorkloadChild,
    WorkloadReport,
    build_workload,
    collect_workload,
    render_workload,
)
from reviewdesk.storage.models import Meeting, PeriodOfCare, Staff
from reviewdesk.vocabulary import format_uk
from tests.reports.factory import AS_OF, COUNCIL
from tests.reports.pdfcheck import assert_a4, assert_furniture, read_pdf


def _pdf(session, **kwargs):
    out = io.BytesIO()
    pages = build_workload(session, as_of=AS_OF, out=out, invariant=True, **kwargs)
    pdf = read_pdf(out.getvalue())
    assert pages == pdf.pages
    return pdf


def test_all_iros_summary_then_each_iro_on_landscape_pages(demo_db) -> None:
    db, _ = demo_db
    with db.session() as session:
        pdf = _pdf(session)
    assert_a4(pdf, landscape=True)
    assert_furniture(pdf, council=COUNCIL, title="IRO workload")
    summary = pdf.texts[0]
    assert "Summary" in summary and "Position at 13/05/2024" in summary
    for name in ("Siân Evans", "Łukasz Nowak", "Máire Ní Bhriain"):
        assert name in summary
    # 70 children on 1.0 FTE is inside the range; 12 on 0.8 FTE is below it.
    assert re.search(r"Siân Evans\s+1\s+\d+\s+\d+\s+70\s+70\.0\s+Within the 50–70 range", summary)
    assert re.search(
        r"Łukasz Nowak\s+0\.8\s+\d+\s+\d+\s+12\s+15\.0\s+Below the 50–70 range", summary
    )
    assert re.search(r"All IROs\s+2\.4\s+\d+\s+\d+\s+87\b", summary)


def test_a_long_list_repeats_its_header_and_prints_every_name(demo_db) -> None:
    db, _ = demo_db
    with db.session() as session:
        pdf = _pdf(session)
        sian = session.scalar(select(Staff).where(Staff.name == "Siân Evans"))
        names = {
            p.child.display_name
            for p in session.scalars(select(PeriodOfCare).where(PeriodOfCare.iro_id == sian.id))
        }
    pages = [t for t in pdf.texts if "IRO workload: Siân Evans" in t]
    assert len(pages) >= 2, "70 children should run over more than one page"
    for text in pages:
        for column in ("Child", "Process", "Next meeting", "Due", "Booked", "Flags"):
            assert column in text, f"header {column!r} missing on a continuation page"
    text = "\n".join(pages)
    assert "70 children" in text
    missing = [n for n in names if n not in text]
    assert not missing, f"names not printed: {missing}"
    for letters in ("Zoë", "Łukasz", "Siân", "Ó Briain"):
        assert letters in text


def test_due_dates_are_the_engines(demo_db) -> None:
    """A looked-after child's 2nd review is due 3 months after the 1st was held."""
    db, _ = demo_db
    with db.session() as session:
        pdf = _pdf(session)
        first = session.scalars(
            select(Meeting).where(Meeting.process == "lac", Meeting.status == "held")
        ).first()
        due = add_months(first.held_date, 3)
        local_id = first.child.local_id
    line = next(line for line in pdf.layout_lines() if re.search(rf"\b{local_id}\b", line))
    assert "LAC review 2" in line
    assert format_uk(due) in line
    assert bool(re.search(rf"{format_uk(due)}\s+overdue", line)) == (due < AS_OF)


def test_one_iro_by_part_of_their_name(demo_db) -> None:
    db, _ = demo_db
    with db.session() as session:
        pdf = _pdf(session, iro="łukasz")
    assert_furniture(pdf, council=COUNCIL, title="IRO workload")
    assert "Summary" not in pdf.all_text
    assert "Łukasz Nowak" in pdf.texts[0]
    assert "Siân Evans" not in pdf.all_text.replace("Siân Evans C", "")  # no other IRO's list
    assert "12 children" in pdf.texts[0]


def test_unknown_or_ambiguous_iro_names_are_refused(demo_db) -> None:
    db, _ = demo_db
    with db.session() as session:
        with pytest.raises(InvalidInput, match="no active IRO"):
            build_workload(session, as_of=AS_OF, out=io.BytesIO(), iro="Nobody")
        with pytest.raises(InvalidInput, match="more than one"):
            build_workload(session, as_of=AS_OF, out=io.BytesIO(), iro="a")


def test_collect_gives_plain_values(demo_db) -> None:
    db, _ = demo_db
    with db.session() as session:
        report = collect_workload(session, as_of=AS_OF)
    by_name = {i.name: i for i in report.iros}
    assert by_name["Siân Evans"].total == 70
    assert report.band(by_name["Siân Evans"]) == "within"
    assert report.band(by_name["Łukasz Nowak"]) == "below"
    children = by_name["Siân Evans"].children
    dues = [c.due for c in children if c.due]
    assert dues == sorted(dues), "children are listed soonest due first"


def test_render_marks_an_iro_above_the_range_and_prints_flags() -> None:
    kids = tuple(
        WorkloadChild(i, f"Zoë Ó Briain {i}", f"C{i}", ("lac",), flags=(("report_overdue", "red"),))
        for i in range(40)
    )
    report = WorkloadReport(
        as_of=AS_OF, iros=(IroWorkload(1, "Siân Evans", 0.5, kids),), min_per_fte=50
    )
    assert report.band(report.iros[0]) == "above"
    out = io.BytesIO()
    render_workload(report, out, council=COUNCIL, invariant=True)
    text = read_pdf(out.getvalue()).all_text
    assert "80.0 per FTE · above the 50–70 range" in text
    assert "report overdue" in text


def test_the_flags_column_shows_the_childs_flags(demo_db) -> None:
    from reviewdesk.flags import compute_flags
    from reviewdesk.reports.workload import FLAG_WORDS

    db, _ = demo_db
    with db.session() as session:
        pdf = _pdf(session)
        report = collect_workload(session, as_of=AS_OF)
        child = next(
            c
            for iro in report.iros
            for c in iro.children
            if any(code in FLAG_WORDS for code, _ in c.flags)
        )
        flags = compute_flags(session, as_of=AS_OF, child_ids=[child.child_id])
    code = next(f.code for f in flags if f.code in FLAG_WORDS)
    line = next(line for line in pdf.layout_lines() if re.search(rf"\b{child.local_id}\b", line))
    assert FLAG_WORDS[code].split(",")[0] in line


def test_every_flag_prints_its_acronyms_in_capitals() -> None:
    """The flags column spells out each flag a child can have: "no IRO contact by midway",
    never "no iro contact by midway"."""
    from reviewdesk.flags import FLAG_TYPES

    kids = tuple(
        WorkloadChild(i, f"Child {i}", f"C{i}", ("lac",), flags=((code, "amber"),))
        for i, code in enumerate(sorted(FLAG_TYPES))
    )
    report = WorkloadReport(as_of=AS_OF, iros=(IroWorkload(1, "Siân Evans", 1.0, kids),))
    out = io.BytesIO()
    render_workload(report, out, council=COUNCIL, invariant=True)
    text = " ".join(read_pdf(out.getvalue()).all_text.split())
    assert "no IRO contact by midway" in text
    for acronym in ("IRO", "CP", "LAC", "PEP"):
        assert not re.search(rf"\b{acronym.lower()}\b", text), f"{acronym} in lower case"


def test_with_no_iros_the_list_says_so_without_an_empty_summary(fresh_db) -> None:
    """A register with no active IRO or chair prints one page saying so, not a summary
    table of headings with no rows above it."""
    from reviewdesk.reports.gather import council_name

    with fresh_db.session() as session:
        pdf = _pdf(session)
        council = council_name(session)
    assert pdf.pages == 1
    assert_furniture(pdf, council=council, title="IRO workload")
    body = [line.strip() for line in pdf.texts[0].splitlines() if line.strip()]
    assert body[0] == "No active IROs or conference chairs are recorded."
    assert "Caseload range" not in pdf.all_text and "Summary" not in body


def _first_booked_after(session, day: dt.date) -> Meeting:
    """The first meeting booked for a day after ``day`` (the earliest, then by id)."""
    return session.scalars(
        select(Meeting)
        .where(Meeting.status == "booked", Meeting.booked_date > day)
        .order_by(Meeting.booked_date, Meeting.id)
    ).first()


def test_with_no_iros_the_notes_still_print_after_saying_so() -> None:
    report = WorkloadReport(as_of=AS_OF, iros=(), notes=("12 children have no IRO allocated.",))
    out = io.BytesIO()
    render_workload(report, out, council=COUNCIL, invariant=True)
    text = " ".join(read_pdf(out.getvalue()).all_text.split())
    said = text.index("No active IROs or conference chairs are recorded.")
    assert text.index("12 children have no IRO allocated.") > said


def test_a_meeting_held_after_the_as_of_date_is_still_the_one_booked(fresh_db) -> None:
    """Looked at as of a day before it was held, a meeting is still to come
    (`vocabulary.is_upcoming`): the list's "Booked" said "not booked" for it, reading
    meetings with the status booked only, while the case list's "Next meeting", the diary and
    the schedule export had it (the demo authority as of 02/06/2025)."""
    from reviewdesk import queries
    from tests.reports.factory import populate

    with fresh_db.session() as session:
        populate(session, iros=1, children_per_iro=6, week_meetings=3)
    with fresh_db.session() as session:
        meeting = _first_booked_after(session, AS_OF)
        child_id, day = meeting.child_id, meeting.booked_date
        meeting.status, meeting.held_date = "held", day  # recorded as held on the day
        # Another child's meeting adjourned last week: history, not a meeting booked.
        other = session.scalars(
            select(Meeting).where(Meeting.status == "booked", Meeting.child_id != child_id)
        ).first()
        other.status, other.booked_date = "adjourned", AS_OF - dt.timedelta(days=7)
        other_id = other.child_id
    with fresh_db.session() as session:
        report = collect_workload(session, as_of=AS_OF)
        listed = queries.case_rows(session, [child_id, other_id], as_of=AS_OF)
        pdf = _pdf(session)
    children = {c.child_id: c for i in report.iros for c in i.children}
    assert children[child_id].booked == day == listed[child_id].next_meeting
    assert children[other_id].booked is None and listed[other_id].next_meeting is None
    child = children[child_id]
    line = next(x for x in pdf.layout_lines() if re.search(rf"\b{child.local_id}\b", x))
    assert format_uk(day) in line and "not booked" not in line


def test_a_booked_day_passed_with_no_outcome_recorded_says_so(fresh_db) -> None:
    """A review booked for a day now past and never recorded: the list's "Booked" gave its
    date as for a meeting still to come (only the flags column, at the row's end, said
    "outcome not recorded"). Now the date reads "not recorded" after it, in amber, as the
    Due column says "overdue"; seen before its day, the date alone."""
    from tests.reports.factory import populate

    with fresh_db.session() as session:
        populate(session, iros=1, children_per_iro=6, week_meetings=3)
    with fresh_db.session() as session:
        meeting = _first_booked_after(session, AS_OF)
        child_id, day = meeting.child_id, meeting.booked_date
        later = day + dt.timedelta(days=3)
        report = collect_workload(session, as_of=later)
        before = collect_workload(session, as_of=AS_OF)
        out = io.BytesIO()
        build_workload(session, as_of=later, out=out, invariant=True)
    pdf = read_pdf(out.getvalue())
    child = next(c for i in report.iros for c in i.children if c.child_id == child_id)
    assert child.booked == day and child.booked_not_recorded
    assert "outcome_not_recorded" in {code for code, _severity in child.flags}
    earlier = next(c for i in before.iros for c in i.children if c.child_id == child_id)
    assert earlier.booked == day and not earlier.booked_not_recorded
    lines = pdf.layout_lines()
    at = next(n for n, x in enumerate(lines) if re.search(rf"\b{child.local_id}\b", x))
    # The cell wraps: "14/05/2024 not" over "recorded".
    assert re.search(rf"{re.escape(format_uk(day))}\s+not\b", lines[at]), lines[at]
    assert re.match(r"\s+recorded\b", lines[at + 1]), lines[at + 1]


def test_each_iro_s_list_says_how_many_of_their_challenges_are_still_open(demo_db) -> None:
    """An IRO reading their list for the week: the Workload page showed their open
    challenges (Ctrl+4, "Open challenges"), the list did not. It says so under the
    meetings line, the same number (`reviewdesk.workload`'s), and nothing when none."""
    from reviewdesk import actions
    from reviewdesk.workload import read_workload_counts

    db, _ = demo_db
    with db.session() as session:
        lukasz = session.scalar(select(Staff.id).where(Staff.name == "Łukasz Nowak"))
        child = next(iter(collect_workload(session, as_of=AS_OF, iro_id=lukasz).iros[0].children))
    me = actions.whoami(db)
    for concern in ("No permanence plan", "Placement far from school"):
        challenge = actions.NewEscalation(
            "lac" if "lac" in child.processes else "cp",
            lukasz,
            AS_OF,
            "Care plan quality",
            concern,
        )
        actions.raise_escalation(db, me, child.child_id, challenge, as_of=AS_OF)
    page = {w.caseload.name: w.open_escalations for w in read_workload_counts(db, AS_OF).iros}
    with db.session() as session:
        report = collect_workload(session, as_of=AS_OF)
        pdf = _pdf(session, iro="łukasz")
    assert {i.name: i.open_challenges for i in report.iros} == page
    assert page["Łukasz Nowak"] == 2
    assert "Open challenges they raised: 2" in pdf.texts[0]
    with db.session() as session:
        assert "Open challenges they raised" not in _pdf(session, iro="Siân").all_text


# --- the social work teams' week ------------------------------------------------------------


def _team_rows(pdf, teams) -> dict[str, tuple[int, ...]]:
    """Each team's figures as printed, by its manager (a long team name wraps; the row's first
    line has its manager and its five figures)."""
    lines = pdf.layout_lines()
    rows = {}
    for team in teams:
        who = re.escape(team.manager_name or "–")
        found = [m for line in lines if (m := re.search(rf"{who}\s+((?:\d+\s+){{4}}\d+)$", line))]
        assert len(found) == 1, f"{team.team_name}: {len(found)} rows"
        rows[team.team_name] = tuple(int(n) for n in found[0][1].split())
    return rows


@pytest.mark.parametrize("as_of", [dt.date(2025, 12, 10), dt.date(2026, 1, 14)])
def test_every_iros_list_prints_the_teams_week_the_workload_page_shows(db, as_of) -> None:
    """Team managers check their teams' week on the Workload page ("Social work teams this
    week"); no document had it. Every IRO's list prints it under the summary, a row a team:
    the page's own figures (`read_workload_counts`, what the page shows), on the demo's day
    and five weeks on."""
    from reviewdesk.workload import TEAM_HEADINGS, read_workload_counts
    from tests.actions.shortcuts import generate_demo

    generate_demo(db, children=150, seed=11, as_of=dt.date(2025, 12, 10))
    page = read_workload_counts(db, as_of).teams
    assert len(page) >= 3 and any(t.late_reports for t in page), "the demo has late reports"
    out = io.BytesIO()
    with db.session() as session:
        build_workload(session, as_of=as_of, out=out, invariant=True)
    pdf = read_pdf(out.getvalue())
    first = " ".join(pdf.texts[0].split())
    assert "Summary" in first and "Social work teams" in first
    monday = as_of - dt.timedelta(days=as_of.weekday())
    week = f"{format_uk(monday)} to {format_uk(monday + dt.timedelta(days=6))}"
    assert f"Meetings in the week {week}" in first
    for heading in ("Team manager", *TEAM_HEADINGS):
        assert heading in first
    for team in page:
        assert team.team_name in first
    assert _team_rows(pdf, page) == {t.team_name: t.figures for t in page}
    totals = [sum(column) for column in zip(*(t.figures for t in page), strict=True)]
    assert any(
        re.search(r"All teams\s+" + r"\s+".join(map(str, totals)) + "$", line)
        for line in pdf.layout_lines()
    )
    assert "IRO workload: " in pdf.texts[1], "the IROs' own lists start on the next page"


def test_one_iros_list_has_no_teams(demo_db) -> None:
    """The teams' week is in every IRO's list, not in one IRO's own (My workload list)."""
    db, _ = demo_db
    with db.session() as session:
        every, one = _pdf(session), _pdf(session, iro="łukasz")
    assert "Social work teams" in every.texts[0] and "Safeguarding Team Gogledd" in every.texts[0]
    assert "Social work teams" not in one.all_text


def test_with_no_team_set_up_the_list_says_so(db, reg) -> None:
    """No social work team set up: a line saying so, not a table of headings; the children
    with no team still have their figures, in a row of their own ("No team")."""
    from reviewdesk.workload import NO_TEAMS

    def first_page() -> tuple[str, list[str]]:
        out = io.BytesIO()
        with db.session() as session:
            build_workload(session, as_of=AS_OF, out=out, invariant=True)
        pdf = read_pdf(out.getvalue())
        return " ".join(pdf.texts[0].split()), pdf.layout_lines()

    text, _ = first_page()
    assert f"Social work teams {NO_TEAMS}" in text
    assert "Team manager" not in text and "No team" not in text
    iro = reg.staff()
    child = reg.child()
    reg.period(child, AS_OF - dt.timedelta(days=100), iro_id=iro)  # its 1st review overdue
    text, lines = first_page()
    assert f"Social work teams {NO_TEAMS}" in text and "Team manager" in text
    assert any(re.search(r"No team\s+–\s+0\s+1\s+0\s+0\s+0$", line) for line in lines)


# --- where each IRO's list starts -----------------------------------------------------------


def _header(text: str) -> str:
    """A page's running header: its title line ("IRO workload" or "IRO workload: name")."""
    return next(line for line in text.splitlines() if line.startswith("IRO workload"))


def test_a_register_with_one_iro_starts_their_list_on_the_first_page(db, reg) -> None:
    """A council with one IRO prints the workload list (`reviewdesk report workload`,
    Documents > Workload list). The IRO's list started on page 2, after the social work
    teams' table: a first page with a table of two rows on it. It follows on page 1, and
    the whole document is one page."""
    manager = reg.staff("Tomás Ward", role="team_manager")
    team = reg.team("North", manager_id=manager)
    iro = reg.staff("Iris Owen")
    names = []
    for n in range(6):
        child = reg.child(first="Zoë", last=f"Brennan {n}", team_id=team)
        reg.period(child, AS_OF - dt.timedelta(days=20 + n), iro_id=iro)
        names.append(f"Zoë Brennan {n}")
    out = io.BytesIO()
    with db.session() as session:
        pages = build_workload(session, as_of=AS_OF, out=out, invariant=True)
    pdf = read_pdf(out.getvalue())
    assert pages == pdf.pages == 1
    first = pdf.texts[0]
    assert "Social work teams" in first and "Tomás Ward" in first
    assert "6 children (6 LAC, 0 CP)" in first
    assert all(name in first for name in names), first
    assert first.index("Social work teams") < first.index("Iris Owen\n6 children")
    # The page holds the teams' week too: its header names no IRO.
    assert _header(first) == "IRO workload"


def _children(n: int, prefix: str) -> tuple[WorkloadChild, ...]:
    return tuple(WorkloadChild(i, f"{prefix} {i:02d}", f"C{i}", ("lac",)) for i in range(n))


def _teams(n: int):
    from reviewdesk.workload import TeamWorkload

    return tuple(
        TeamWorkload(t, f"Team {t}", t, f"Manager {t}", (1, 2), (3,), 1, 1) for t in range(n)
    )


def test_one_iros_long_list_starts_under_the_teams_and_runs_on(tmp_path) -> None:
    """One IRO with 60 children: their list starts on page 1 under the teams' week, where it
    started on page 2 and left page 1 with the teams' table alone; it runs on over the
    next pages, each with the column headings and the IRO named in the header."""
    report = WorkloadReport(
        as_of=AS_OF,
        iros=(IroWorkload(1, "Siân Evans", 1.0, _children(60, "Zoë Ó Briain")),),
        teams=_teams(3),
    )
    out = tmp_path / "workload.pdf"
    pages = render_workload(report, out, council=COUNCIL, invariant=True)
    pdf = read_pdf(out.read_bytes())
    assert pages == pdf.pages >= 2
    first = pdf.texts[0]
    assert "Social work teams" in first and "Siân Evans\n60 children" in first
    assert "Zoë Ó Briain 00" in first and "Next meeting" in first
    assert _header(first) == "IRO workload"
    printed = [f"Zoë Ó Briain {i:02d}" for i in range(60)]
    for text in pdf.texts[1:]:
        assert _header(text) == "IRO workload: Siân Evans"
        assert "Next meeting" in text
    assert all(name in pdf.all_text for name in printed)


def test_with_several_iros_the_first_short_list_follows_the_summary(tmp_path) -> None:
    """Several IROs: the summary and the teams' week, then the first IRO's list on the same
    page where it fits whole there; each later IRO from a new page, named in its header. A
    first list too long for the room left starts on a page of its own, as before."""
    short = WorkloadReport(
        as_of=AS_OF,
        iros=(
            IroWorkload(1, "Ann Abbott", 1.0, _children(5, "Ann's child")),
            IroWorkload(2, "Bea Brook", 1.0, _children(5, "Bea's child")),
            IroWorkload(3, "Cai Crane", 1.0, _children(5, "Cai's child")),
        ),
        teams=_teams(2),
    )
    out = tmp_path / "short.pdf"
    render_workload(short, out, council=COUNCIL, invariant=True)
    pdf = read_pdf(out.read_bytes())
    assert pdf.pages == 3
    assert "Summary" in pdf.texts[0] and "Social work teams" in pdf.texts[0]
    assert "Ann's child 04" in pdf.texts[0] and "Bea's child" not in pdf.texts[0]
    assert _header(pdf.texts[0]) == "IRO workload"
    assert _header(pdf.texts[1]) == "IRO workload: Bea Brook" and "Bea's child 04" in pdf.texts[1]
    assert _header(pdf.texts[2]) == "IRO workload: Cai Crane" and "Cai's child 04" in pdf.texts[2]
    long = WorkloadReport(
        as_of=AS_OF,
        iros=(
            IroWorkload(1, "Ann Abbott", 1.0, _children(40, "Ann's child")),
            IroWorkload(2, "Bea Brook", 1.0, _children(5, "Bea's child")),
        ),
        teams=_teams(2),
    )
    render_workload(long, out, council=COUNCIL, invariant=True)
    pdf = read_pdf(out.read_bytes())
    assert "Ann's child" not in pdf.texts[0]
    assert _header(pdf.texts[1]) == "IRO workload: Ann Abbott" and "Ann's child 00" in pdf.texts[1]
