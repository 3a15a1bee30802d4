"""The CIN census elements issue #15 found dropped or misread, each with the DfE rule it
follows, and what the data cannot judge said so ("unknown, not wrong") in every place a
person reads it: the child's due dates, flags, the schedule export and the measures.

Each census here is one child, written out in full so the element under test is visible.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select

from reviewdesk.casedues import child_due_report
from reviewdesk.casework.register import Register
from reviewdesk.export.schedule import schedule_rows
from reviewdesk.flags import compute_flags
from reviewdesk.measures import compute_measures
from reviewdesk.storage.models import Child, CpEnquiry, Meeting
from tests.actions.shortcuts import import_cin
from tests.importers.conftest import write

D = dt.date


def census(reference: str, *details: str, dob: str = "2016-05-01") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<Message><Header><CollectionDetails>'
        f"<Collection>CIN</Collection><Year>{reference[:4]}</Year>"
        f"<ReferenceDate>{reference}</ReferenceDate></CollectionDetails></Header>\n"
        "<Children><Child><ChildIdentifiers><LAchildID>P1</LAchildID>"
        f"<PersonBirthDate>{dob}</PersonBirthDate><Sex>F</Sex></ChildIdentifiers>"
        "<ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics>\n"
        + "\n".join(f"<CINdetails>{d}</CINdetails>" for d in details)
        + "\n</Child></Children></Message>\n"
    )


def s47(start: str, icpc: str | None = None) -> str:
    held = f"<DateOfInitialCPC>{icpc}</DateOfInitialCPC>" if icpc else ""
    return (
        f"<Section47><S47ActualStartDate>{start}</S47ActualStartDate>{held}"
        "<ICPCnotRequired>false</ICPCnotRequired></Section47>"
    )


def plan(start: str, *reviews: str, end: str | None = None) -> str:
    ended = f"<CPPendDate>{end}</CPPendDate>" if end else ""
    return (
        f"<ChildProtectionPlans><CPPstartDate>{start}</CPPstartDate>{ended}"
        "<InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse><LatestCategoryOfAbuse>NEG"
        "</LatestCategoryOfAbuse><NumberOfPreviousCPP>0</NumberOfPreviousCPP><Reviews>"
        + "".join(f"<CPPreviewDate>{r}</CPPreviewDate>" for r in reviews)
        + "</Reviews></ChildProtectionPlans>"
    )


def imported(db, tmp_path: Path, text: str):
    result = import_cin(db, write(tmp_path, "cin.xml", text))
    assert [str(e) for e in result.errors] == []
    return result


def report(db, as_of: dt.date):
    with db.session() as s:
        child_id = s.scalar(select(Child.id))
        register = Register(s, as_of=as_of, children=[child_id])
        return child_due_report(
            s, child_id, rules=register.rules, calendar=register.calendar, as_of=as_of
        )


def test_a_cindetails_initial_conference_is_a_held_conference_rule_2885(db, tmp_path) -> None:
    """Rule 2885: a plan starts on an s47's ICPC date "or a CINDetails module DateOfInitialCPC
    if there is no associated Section 47 record". That conference was held: it is imported,
    and its timeliness (from an s47 not in the census) is not judged, with why."""
    text = census(
        "2024-03-31",
        "<CINreferralDate>2023-05-01</CINreferralDate>"
        "<DateOfInitialCPC>2023-06-20</DateOfInitialCPC>" + plan("2023-06-20", "2023-09-15"),
    )
    result = imported(db, tmp_path, text)
    assert result.counts["conferences"].added == 2
    with db.session() as s:
        held = {(m.meeting_type, m.status, m.held_date) for m in s.scalars(select(Meeting))}
    assert ("icpc", "held", D(2023, 6, 20)) in held
    dues, not_judged = report(db, D(2024, 3, 31))
    (icpc,) = [n for n in not_judged if n.meeting_type == "icpc"]
    assert icpc.held == D(2023, 6, 20)
    assert "no s47 enquiry is recorded for it" in icpc.reason
    # Its first review is judged from the plan's start: 15/09/2023 is within 3 months.
    first = next(d for d in dues if d.held == D(2023, 9, 15))
    assert first.in_timescale is True and first.due == D(2023, 9, 20)


def test_a_closed_episode_closes_its_s47_rules_8740_8805_8810(db, tmp_path) -> None:
    """An s47 that never had its conference, in an episode closed by CINclosureDate with a
    ReasonForClosure: no conference is awaited after the closure (rule 8740: it is not
    returned again), so no "ICPC overdue" years later."""
    text = census(
        "2024-03-31",
        "<CINreferralDate>2023-05-01</CINreferralDate><CINclosureDate>2023-07-01"
        "</CINclosureDate><ReasonForClosure>RC8</ReasonForClosure>" + s47("2023-05-10"),
    )
    imported(db, tmp_path, text)
    with db.session() as s:
        (enquiry,) = s.scalars(select(CpEnquiry))
        assert (enquiry.closed_date, enquiry.closed_reason) == (D(2023, 7, 1), "RC8")
        flags = compute_flags(s, as_of=D(2026, 1, 5))
    assert [f for f in flags if f.code == "overdue"] == []
    dues, not_judged = report(db, D(2026, 1, 5))
    assert (dues, not_judged) == ([], [])


def test_an_open_plan_and_a_new_s47_have_both_next_meetings_due(db, tmp_path) -> None:
    """A child on a plan with a new s47 has two meetings due: the enquiry's initial
    conference and the plan's next review; neither hides the other."""
    text = census(
        "2024-03-31",
        "<CINreferralDate>2023-05-01</CINreferralDate>"
        + s47("2023-06-01", "2023-06-20")
        + s47("2024-03-20")
        + plan("2023-06-20", "2023-09-15"),
    )
    imported(db, tmp_path, text)
    dues, _ = report(db, D(2024, 3, 31))
    upcoming = {(d.label, d.due) for d in dues if d.held is None}
    # ICPC: 15 working days after 20/03/2024, Easter (29/03, 01/04) skipped: 12/04/2024.
    # Review: 6 months after the 1st review on 15/09/2023.
    assert upcoming == {
        ("Initial CP conference", D(2024, 4, 12)),
        ("2nd review CP conference", D(2024, 3, 15)),
    }
    with db.session() as s:
        flags = compute_flags(s, as_of=D(2024, 3, 31))
        rows = schedule_rows(s, as_of=D(2024, 3, 31))
    assert {f.date for f in flags if f.code == "overdue"} == {D(2024, 3, 15)}
    assert {(r.meeting_type, r.due_date) for r in rows if r.meeting_id is None} == {
        ("icpc", D(2024, 4, 12)),
        ("rcpc_subsequent", D(2024, 3, 15)),
    }


def test_a_review_on_the_plans_start_day_is_refused_rule_8841(db, tmp_path) -> None:
    text = census(
        "2024-03-31",
        "<CINreferralDate>2023-05-01</CINreferralDate>"
        + s47("2023-06-01", "2023-06-20")
        + plan("2023-06-20", "2023-06-20"),
    )
    result = import_cin(db, write(tmp_path, "cin.xml", text))
    assert [str(e) for e in result.errors] == [
        'cin.xml line 4, element CPPreviewDate, value "2023-06-20": on or before the day the '
        "plan started (20/06/2023): a review conference is held after it (rule 8841)"
    ]
    assert result.refused
    with db.session() as s:
        assert s.scalar(select(Child.id)) is None


def test_a_date_of_birth_in_the_future_is_refused_rule_8520(db, tmp_path) -> None:
    text = census("2024-03-31", "<CINreferralDate>2023-05-01</CINreferralDate>", dob="2099-01-01")
    result = import_cin(db, write(tmp_path, "cin.xml", text))
    assert [str(e) for e in result.errors] == [
        'cin.xml line 3, element PersonBirthDate, value "2099-01-01": in the future: after the '
        "census's ReferenceDate (31/03/2024) (rule 8520); an unborn child has an "
        "ExpectedPersonBirthDate instead"
    ]


def test_one_later_year_alone_says_what_it_cannot_know(db, tmp_path) -> None:
    """Only the 2024-25 census: a plan that began in 2023-24 with its review in 2024-25. The
    review's previous conference is not in the data: not judged (never "late"), with why,
    in the due dates, the schedule export and the measures (counted apart). A second plan,
    also begun in 2023-24, with no review in the year: its next review cannot be dated."""
    text = census(
        "2025-03-31",
        "<CINreferralDate>2023-05-01</CINreferralDate>"
        "<DateOfInitialCPC>2023-06-20</DateOfInitialCPC>" + plan("2023-06-20", "2024-08-20"),
    )
    imported(db, tmp_path, text)
    as_of = D(2025, 3, 31)
    dues, not_judged = report(db, as_of)
    review = next(n for n in not_judged if n.held == D(2024, 8, 20))
    assert (
        review.reason
        == "previous conference not in the data (no CIN census before 2024-25 is imported)"
    )
    assert all(d.held != D(2024, 8, 20) or d.in_timescale is None for d in dues)
    # The next review follows a review held: 6 months after it, whatever its number.
    assert [(d.due, d.held) for d in dues if d.held is None] == [(D(2025, 2, 20), None)]

    with db.session() as s:
        rows = schedule_rows(s, as_of=as_of)
        measures = compute_measures(s, start=D(2024, 4, 1), end=as_of)
    row = next(r for r in rows if r.held_date == D(2024, 8, 20))
    assert row.values()["in_timescale"] == "not judged"
    assert row.values()["not_judged"] == review.reason
    august = measures.months.index(D(2024, 8, 1))
    assert measures.row("not_judged").cells[august].numerator == 1
    # Not in the percentage and not late.
    assert measures.row("cp_conferences_in_timescale").cells[august].denominator == 0
    assert measures.row("late_meetings").total.numerator == 0


def test_a_plan_with_no_review_in_the_data_has_its_next_review_undated(db, tmp_path) -> None:
    text = census(
        "2025-03-31",
        "<CINreferralDate>2023-05-01</CINreferralDate>"
        "<DateOfInitialCPC>2023-06-20</DateOfInitialCPC>" + plan("2023-06-20"),
    )
    imported(db, tmp_path, text)
    as_of = D(2025, 3, 31)
    dues, not_judged = report(db, as_of)
    assert [d for d in dues if d.held is None] == []
    (undated,) = [n for n in not_judged if n.held is None]
    assert "not in the data" in undated.reason
    with db.session() as s:
        flags = compute_flags(s, as_of=as_of)
        rows = schedule_rows(s, as_of=as_of)
    assert [f.code for f in flags if f.code in ("overdue", "due_date_unknown")] == [
        "due_date_unknown"
    ]
    (row,) = [r for r in rows if r.meeting_id is None]
    assert (row.due_date, row.status, row.not_judged) == (
        None,
        "due date not known",
        undated.reason,
    )


def test_a_reviews_number_is_known_once_the_year_before_it_is_imported(db, tmp_path) -> None:
    """The 2024-25 census alone: the plan began in 2023-24, so its review of 20/08/2024 may
    not be the first (a review may be in the 2023-24 census): a review conference, number
    unknown, and the next is 'Subsequent', not '2nd'. Importing 2023-24 (no review in it)
    makes it the 1st review, judged against the plan's start: late (due 20/09/2023)."""
    later = census(
        "2025-03-31",
        "<CINreferralDate>2023-05-01</CINreferralDate>"
        "<DateOfInitialCPC>2023-06-20</DateOfInitialCPC>" + plan("2023-06-20", "2024-08-20"),
    )
    earlier = census(
        "2024-03-31",
        "<CINreferralDate>2023-05-01</CINreferralDate>"
        "<DateOfInitialCPC>2023-06-20</DateOfInitialCPC>" + plan("2023-06-20"),
    )
    as_of = D(2025, 3, 31)

    def review_type() -> str:
        with db.session() as s:
            return s.scalar(select(Meeting.meeting_type).where(Meeting.held_date == D(2024, 8, 20)))

    imported(db, tmp_path, later)
    assert review_type() == "rcpc_subsequent"
    dues, _ = report(db, as_of)
    assert [d.label for d in dues if d.held is None] == ["Subsequent review CP conference"]

    import_cin(db, write(tmp_path / "earlier", "cin.xml", earlier))
    assert review_type() == "rcpc_first"
    dues, not_judged = report(db, as_of)
    review = next(d for d in dues if d.held == D(2024, 8, 20))
    assert (review.label, review.due, review.in_timescale) == (
        "1st review CP conference",
        D(2023, 9, 20),
        False,
    )
    assert [n for n in not_judged if n.held == D(2024, 8, 20)] == []
    assert [(d.label, d.due) for d in dues if d.held is None] == [
        ("2nd review CP conference", D(2025, 2, 20))
    ]
