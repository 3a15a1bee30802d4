"""IRO oversight in figures: the measures month by month (in `reviewdesk.measures`, so in
`reviewdesk export measures`) and a period's summary (the thematic report, the dashboard),
on a register whose every figure is worked out by hand below.

March-April 2024:
- A: Zoë, Health, informal, raised Mon 04/03, resolved Fri 08/03 (due by 18/03): in time.
- B: Zoë, Placement stability, informal Mon 11/03, stage 1 Mon 18/03 (the procedure due by
  Wed 17/04), resolved Mon 22/04: late; referred to Cafcass on 22/04.
- C: Wiktor (CP), Care plan quality, raised by Máire Tue 02/04, informal, still open on
  30/04 (its answer was due by Tue 16/04): open past its timescale, so late.
Zoë's review of 25/03/2024 followed a midway review (05/01/2024) and a visit with her; her
views came by a form; advocacy offered and declined; the consultation came back. Wiktor's
conference of Wed 03/04 was not quorate and was not reconvened by Wed 17/04.
"""

from __future__ import annotations

import datetime as dt

import pytest

from reviewdesk.measures import compute_measures
from reviewdesk.oversight.figures import (
    oversight_summary,
    quarter_figures,
    quarter_label,
    quarter_of,
)
from reviewdesk.oversight.thematic import period_title, report_tables
from tests.oversight.register import spring_2024

D = dt.date
START, END = D(2024, 3, 1), D(2024, 4, 30)


@pytest.fixture
def case(db):
    return spring_2024(db)


def _monthly(report, key: str) -> list[tuple[int, int | None]]:
    row = report.row(key)
    return [(c.numerator, c.denominator) for c in row.cells]


def test_the_measures_month_by_month(db, case) -> None:
    with db.session() as s:
        report = compute_measures(s, start=START, end=END)
    assert _monthly(report, "escalations_raised") == [(2, None), (1, None)]
    assert _monthly(report, "escalations_raised.formal") == [(1, None), (0, None)]
    assert _monthly(report, "escalations_raised.informal") == [(1, None), (1, None)]
    # By the month raised: A in time and B late in March; C open past its timescale in April.
    assert _monthly(report, "escalations_resolved_in_timescale") == [(1, 2), (0, 1)]
    assert _monthly(report, "escalation_themes.Health") == [(1, None), (0, None)]
    assert (
        report.row("escalation_themes.Care plan quality").label == "Challenges: Care plan quality"
    )
    assert _monthly(report, "lac_reviews_after_midway_review") == [(1, 1), (0, 0)]
    assert _monthly(report, "lac_reviews_after_iro_contact") == [(1, 1), (0, 0)]
    assert _monthly(report, "voice.by_form") == [(1, None), (0, None)]
    assert _monthly(report, "voice.by_app") == [(0, None), (0, None)]
    assert _monthly(report, "voice.advocacy_offered") == [(1, 1), (0, 0)]
    assert _monthly(report, "voice.advocacy_taken_up") == [(0, 1), (0, 0)]
    assert _monthly(report, "voice.consultation_returned") == [(1, 1), (0, 0)]
    assert _monthly(report, "conferences_inquorate") == [(0, None), (1, None)]
    assert _monthly(report, "inquorate_reconvened_in_time") == [(0, 0), (0, 1)]
    # Alongside the participation codes, as every measure is.
    keys = [r.key for r in report.rows]
    assert "participation.PN1" in keys and "voice.consultation_returned" in keys


def test_the_period_summary_and_the_report_tables(db, case) -> None:
    with db.session() as s:
        summary = oversight_summary(s, start=START, end=END, as_of=END)
    assert (summary.raised, summary.formal, summary.informal) == (3, 1, 2)
    assert (summary.resolved, summary.still_open, summary.cafcass) == (2, 1, 1)
    assert (summary.resolved_in_timescale.hits, summary.resolved_in_timescale.counted) == (1, 3)
    by_theme = {b.label: (b.raised, b.in_timescale, b.late, b.open) for b in summary.by_theme}
    assert by_theme == {
        "Care plan quality": (1, 0, 1, 1),
        "Health": (1, 1, 0, 0),
        "Placement stability": (1, 0, 1, 0),
    }
    by_iro = {b.label: (b.raised, b.formal, b.informal) for b in summary.by_iro}
    assert by_iro == {"Máire Ó Briain": (1, 0, 1), "Siân Evans": (2, 1, 1)}
    assert [(b.label, b.raised) for b in summary.by_team] == [("North Team", 3)]
    assert dict(summary.by_stage) == {
        "Informal": 2,
        "Stage 1": 1,
        "Stage 2": 0,
        "Stage 3": 0,
        "Stage 4": 0,
    }
    assert dict(summary.by_outcome) == {
        "Resolved": 1,
        "Partly resolved": 1,
        "Not resolved": 0,
        "Withdrawn": 0,
        "Open": 1,
    }
    assert summary.midway.text() == "100% (1 of 1)"
    assert summary.consultation_returned.text() == "100% (1 of 1)"
    assert summary.advocacy_taken_up.text() == "0% (0 of 1)"
    assert (summary.inquorate, summary.inquorate_reconvened_in_time.text()) == (1, "0% (0 of 1)")
    tables = {t.title: t for t in report_tables(summary)}
    challenges = tables["The challenges"].rows
    assert [(r[0], r[6], r[7], r[8], r[11], r[12]) for r in challenges] == [
        (D(2024, 3, 4), "Health", "Informal", "Informal", "Yes", "Resolved"),
        (D(2024, 3, 11), "Placement stability", "Formal", "Stage 1", "No", "Partly resolved"),
        (D(2024, 4, 2), "Care plan quality", "Informal", "Informal", "No", "Open"),
    ]
    assert challenges[1][9] == D(2024, 4, 17) and challenges[1][14] == D(2024, 4, 22)
    # As things stood earlier, C was not yet late.
    with db.session() as s:
        early = oversight_summary(s, start=START, end=END, as_of=D(2024, 4, 10))
    assert early.resolved_in_timescale.text() == "100% (1 of 1)"


def test_quarters_of_the_financial_year() -> None:
    assert quarter_of(D(2024, 5, 17)) == (D(2024, 4, 1), D(2024, 6, 30))
    assert quarter_of(D(2025, 2, 28)) == (D(2025, 1, 1), D(2025, 3, 31))
    assert quarter_label(D(2024, 4, 1)) == "Q1 2024/25"
    assert quarter_label(D(2025, 1, 1)) == "Q4 2024/25"
    assert quarter_label(D(2024, 10, 1)) == "Q3 2024/25"
    assert period_title(D(2024, 7, 1), D(2024, 9, 30)) == "Q2 2024/25 (01/07/2024 to 30/09/2024)"
    assert period_title(D(2024, 7, 1), D(2024, 9, 29)) == "01/07/2024 to 29/09/2024"


def test_the_dashboards_quarter_to_date(db, case) -> None:
    # Q4 2023/24 as of Fri 29/03: A resolved in time, B at stage 1 and not yet due; Zoë's
    # review of 25/03 followed a midway review and her consultation came back.
    with db.session() as s:
        march = quarter_figures(s, as_of=D(2024, 3, 29))
    assert march.label == "Q4 2023/24 to 29/03/2024"
    assert march.rows() == [
        ("Challenges raised", "2 (1 formal)"),
        ("Resolved within timescale", "100% (1 of 1)"),
        ("Open past their timescale", "0"),
        ("LAC reviews after a midway review", "100% (1 of 1)"),
        ("Consultations returned", "100% (1 of 1)"),
        ("Conferences not quorate", "0"),
    ]
    # Q1 2024/25 as of Tue 30/04: only C raised, open past its answer's due date; Wiktor's
    # conference of 03/04 not quorate; no LAC review held in April.
    with db.session() as s:
        april = quarter_figures(s, as_of=END)
    assert april.label == "Q1 2024/25 to 30/04/2024"
    assert dict(april.rows()) == {
        "Challenges raised": "1 (0 formal)",
        "Resolved within timescale": "0% (0 of 1)",
        "Open past their timescale": "1",
        "LAC reviews after a midway review": "none counted",
        "Consultations returned": "none counted",
        "Conferences not quorate": "1",
    }


@pytest.mark.parametrize("as_of", [D(2025, 4, 10), D(2025, 9, 30), D(2025, 12, 10)])
def test_the_footprints_from_a_window_are_the_whole_historys(open_db, as_of) -> None:
    """`oversight_summary` reads the period's window: its reviews and footprints are those
    of the whole history, on a demo authority's three years."""
    from reviewdesk.casework.register import Register
    from reviewdesk.oversight.figures import review_footprints
    from tests.actions.shortcuts import generate_demo

    database = open_db()
    generate_demo(database, as_of=D(2025, 12, 10), children=200, seed=9)
    for start in (quarter_of(as_of)[0], D(as_of.year - 1, as_of.month, 1)):
        with database.session() as s:
            whole = review_footprints(s, Register(s, as_of=as_of), start=start, end=as_of)
            window = Register(s, as_of=as_of, window_from=start)
            assert review_footprints(s, window, start=start, end=as_of) == whole
        assert whole  # reviews with a review before them were held in the period
