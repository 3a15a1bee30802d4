"""Timeliness measures against a small register counted by hand, and the RAG/exception rule."""

from __future__ import annotations

import datetime as dt

import pytest

from reviewdesk.measures import compute_measures, exception_reasons, months_between, rag_rating

D = dt.date
JAN, FEB, MAR, APR, MAY = (D(2024, m, 1) for m in range(1, 6))


@pytest.fixture
def report(db, reg):
    """Jan-May 2024. Due dates: A 1st review 05/02, B 12/02, C 05/02; ICPC for D 29/01."""
    room = reg.late_reason("Room unavailable")
    a = reg.child(dob=D(2016, 3, 1))
    reg.period(a, D(2024, 1, 8))
    reg.meeting(a, held=D(2024, 2, 1), participation="PN7")  # in timescale
    reg.meeting(a, held=D(2024, 5, 10), late_reason_id=room)  # due 01/05: late
    b = reg.child(dob=D(2014, 6, 1))
    reg.period(b, D(2024, 1, 15))
    reg.meeting(b, held=D(2024, 2, 14), participation="PN1")  # due 12/02: late, no reason
    c = reg.child(dob=D(2022, 1, 1))  # under 4: not in the participation measure
    reg.period(c, D(2024, 1, 8))
    reg.meeting(c, held=D(2024, 2, 2), participation="PN0")

    d = reg.child(dob=D(2018, 1, 1))
    enquiry = reg.enquiry(d, strategy=D(2024, 1, 8))
    reg.plan(d, D(2024, 1, 26), enquiry_id=enquiry)
    icpc = reg.meeting(d, "icpc", held=D(2024, 1, 26), enquiry_id=enquiry)
    # Reports to parents are due 2 working days before Fri 26/01: Wed 24/01.
    reg.report(icpc, rule_id="cp.icpc.report_to_parents", shared=D(2024, 1, 24))
    reg.report(icpc, rule_id="cp.icpc.report_to_parents", shared=D(2024, 1, 25))
    reg.meeting(d, "rcpc_first", held=D(2024, 4, 30), enquiry_id=enquiry)  # due 26/04: late

    e = reg.child(dob=D(2012, 1, 1))
    reg.plan(e, D(2021, 3, 1), end=D(2024, 3, 15))  # lasted over 2 years, ended in March
    reg.plan(e, D(2024, 4, 2))  # a second plan, starting in April
    with reg.db.session() as s:
        return compute_measures(s, start=D(2024, 1, 1), end=D(2024, 5, 31))


def values(report, key):
    row = report.row(key)
    return [(c.numerator, c.denominator) for c in row.cells]


def test_months(report):
    assert report.months == (JAN, FEB, MAR, APR, MAY)
    assert months_between(D(2024, 11, 15), D(2025, 1, 2)) == (
        D(2024, 11, 1),
        D(2024, 12, 1),
        D(2025, 1, 1),
    )


def test_lac_reviews_in_timescale(report):
    assert values(report, "lac_reviews_in_timescale") == [
        (0, 0),
        (2, 3),
        (0, 0),
        (0, 0),
        (0, 1),
    ]
    row = report.row("lac_reviews_in_timescale")
    assert row.cells[1].value == pytest.approx(66.666, abs=0.01)
    assert row.cells[0].value is None
    assert (row.total.numerator, row.total.denominator) == (2, 4)


def test_cp_conferences_by_type(report):
    assert values(report, "cp_conferences_in_timescale.icpc")[0] == (1, 1)
    assert values(report, "cp_conferences_in_timescale.rcpc_first")[3] == (0, 1)
    assert values(report, "cp_conferences_in_timescale") == [
        (1, 1),
        (0, 0),
        (0, 0),
        (0, 1),
        (0, 0),
    ]
    held = report.row("conferences_held.icpc")
    assert [c.numerator for c in held.cells] == [1, 0, 0, 0, 0]
    assert [c.numerator for c in report.row("conferences_held.rcpc_first").cells] == [
        0,
        0,
        0,
        1,
        0,
    ]


def test_late_meetings_with_reasons(report):
    assert [c.numerator for c in report.row("late_meetings").cells] == [0, 1, 0, 1, 1]
    assert [c.numerator for c in report.row("late_meetings.No reason recorded").cells] == [
        0,
        1,
        0,
        1,
        0,
    ]
    assert [c.numerator for c in report.row("late_meetings.Room unavailable").cells] == [
        0,
        0,
        0,
        0,
        1,
    ]


def test_participation_of_children_4_and_over(report):
    assert values(report, "participation_4_and_over")[1] == (1, 2)
    assert report.row("participation.PN1").cells[1].numerator == 1
    assert report.row("participation.PN7").cells[1].numerator == 1
    assert report.row("participation.not_recorded").cells[4].numerator == 1  # A in May


def test_every_row_has_a_label(report):
    assert report.row("participation_4_and_over").label == "Participation aged 4+ (PN1-PN6)"
    assert report.row("participation.PN1").label == "Aged 4+: PN1"
    assert [r.key for r in report.rows if not r.label.strip()] == []


def test_reports_shared_with_parents(report):
    assert values(report, "reports_shared_with_parents_in_time")[0] == (1, 2)


def test_plans_lasting_two_years_and_repeat_plans(report):
    assert values(report, "cp_plans_2_years_or_more")[2] == (1, 1)
    assert values(report, "repeat_plans")[0] == (0, 1)  # D's first plan
    assert values(report, "repeat_plans")[3] == (1, 1)  # E's second plan


def test_rag_against_targets(report):
    row = report.row("lac_reviews_in_timescale")
    assert row.target == 100.0
    assert row.rag == (None, "red", None, None, "red")
    assert row.exceptions[1][0] == "red"


def test_targets_come_from_settings(db, reg):
    reg.setting("targets", {"lac_reviews_in_timescale": {"target": 60, "red_below": 50}})
    a = reg.child()
    reg.period(a, D(2024, 1, 8))
    reg.meeting(a, held=D(2024, 2, 1))
    b = reg.child()
    reg.period(b, D(2024, 1, 8))
    reg.meeting(b, held=D(2024, 2, 9))  # late
    with db.session() as s:
        row = compute_measures(s, start=FEB, end=D(2024, 2, 29)).row("lac_reviews_in_timescale")
    assert row.cells[0].value == 50.0
    assert row.rag == ("amber",)
    assert row.exceptions == (("16.7% off target",),)


def test_rag_rating():
    assert rag_rating(100.0, 100.0, None, False) == "green"
    assert rag_rating(96.8, 100.0, None, False) == "amber"
    assert rag_rating(89.9, 100.0, None, False) == "red"
    assert rag_rating(85.0, 90.0, 80.0, False) == "amber"
    assert rag_rating(None, 90.0, None, False) is None
    assert rag_rating(50.0, None, None, False) is None
    # Lower is better (e.g. plans lasting 2 years): above target is worse.
    assert rag_rating(8.0, 10.0, None, True) == "green"
    assert rag_rating(12.0, 10.0, None, True) == "amber"
    assert rag_rating(25.0, 10.0, None, True) == "red"


def test_exception_rule():
    # 96.8% against 100%: amber, 3.2% off target: no exception.
    assert exception_reasons([96.8], 0, 100.0, "amber", False) == ()
    # 5% or more off target: an exception even when amber.
    assert exception_reasons([95.0], 0, 100.0, "amber", False) == ("5.0% off target",)
    assert exception_reasons([80.0], 0, 100.0, "red", False) == ("red", "20.0% off target")
    # On target, but worse three months running.
    run = [99.0, 98.0, 97.5, 97.0]
    assert exception_reasons(run, 3, 90.0, "green", False) == ("worse 3 months running",)
    assert exception_reasons(run, 2, 90.0, "green", False) == ()  # only two months worse
    assert exception_reasons([99.0, 98.0, 98.5, 97.0], 3, 90.0, "green", False) == ()
    assert exception_reasons([99.0, None, 97.5, 97.0], 3, 90.0, "green", False) == ()
    # Lower is better: rising three months running is worse.
    assert exception_reasons([1.0, 2.0, 3.0, 4.0], 3, 10.0, "green", True) == (
        "worse 3 months running",
    )


@pytest.mark.parametrize("as_of", [dt.date(2025, 6, 30), dt.date(2025, 12, 10)])
def test_the_meetings_alone_are_the_same_rows_as_every_measure(open_db, as_of):
    """The dashboard's chart asks for the meetings' measures alone: each row it gets is the
    same as in the whole report (targets, RAG and exceptions included)."""
    from tests.actions.shortcuts import generate_demo

    database = open_db()
    generate_demo(database, as_of=dt.date(2025, 12, 10), children=200, seed=6)
    start = dt.date(as_of.year - 1, as_of.month, 1)
    with database.session() as s:
        whole = compute_measures(s, start=start, end=as_of)
        meetings = compute_measures(s, start=start, end=as_of, meetings_only=True)
    rows = {r.key: r for r in whole.rows}
    assert {"lac_reviews_in_timescale", "cp_conferences_in_timescale"} <= {
        r.key for r in meetings.rows
    }
    assert len(meetings.rows) < len(whole.rows)
    for row in meetings.rows:
        assert row == rows[row.key], row.key
    assert rows["lac_reviews_in_timescale"].total.denominator
