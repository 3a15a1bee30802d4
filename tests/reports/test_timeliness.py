"""The timeliness report: printing given measures, and refusing to invent any."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re

import pytest

from reviewdesk.errors import InvalidInput
from reviewdesk.measures import compute_measures, rag_rating
from reviewdesk.reports.timeliness import (
    MeasureSeries,
    MonthFigure,
    TimelinessReport,
    build_timeliness,
    render_timeliness,
)
from reviewdesk.storage.models import Child
from tests.reports.factory import AS_OF, COUNCIL
from tests.reports.pdfcheck import assert_a4, assert_furniture, read_pdf


def sample_report() -> TimelinessReport:
    """Hand-made figures for the renderer (not from a register)."""
    months = tuple(
        MonthFigure(dt.date(2024, m, 1), met, counted, rag)
        for m, met, counted, rag in (
            (1, 98, 100, "amber"),
            (2, 0, 0, None),
            (3, 90, 100, "red"),
            (4, 50, 50, "green"),
        )
    )
    measures = (
        MeasureSeries(
            "lac_reviews_in_timescale",
            "LAC reviews held in timescale",
            238,
            250,
            months,
            target=100.0,
            rag="red",
            description="Reviews held in the month, on or before their due date.",
        ),
        MeasureSeries(
            "participation_4_and_over",
            "Participation of children aged 4 and over",
            91,
            100,
            months,
            target=90.0,
            rag="green",
        ),
        MeasureSeries("untargeted", "Conferences held (no target)", 5, 10, months),
    )
    return TimelinessReport(dt.date(2024, 1, 1), dt.date(2024, 4, 30), measures)


def test_measures_are_printed_with_chart_months_and_rag() -> None:
    out = io.BytesIO()
    pages = render_timeliness(sample_report(), out, council=COUNCIL, as_of=AS_OF, invariant=True)
    pdf = read_pdf(out.getvalue())
    assert pages == pdf.pages
    assert_a4(pdf, landscape=False)
    assert_furniture(pdf, council=COUNCIL, title="Timeliness report")
    text = pdf.all_text
    assert "01/01/2024 to 30/04/2024" in text
    lines = pdf.layout_lines()
    summary = next(line for line in lines if "LAC reviews held in timescale" in line)
    assert summary.split()[-5:] == ["95.2%", "238", "250", "100%", "Red"]
    untargeted = next(line for line in lines if "Conferences held (no target)" in line)
    assert untargeted.split()[-2:] == ["–", "–"]  # no target, so no rating
    assert "target 100%" in text and "target 90%" in text  # the chart's target lines
    months = next(line for line in lines if "Jan 24" in line and "Apr 24" in line)
    assert months.split() == ["Jan", "24", "Feb", "24", "Mar", "24", "Apr", "24"]
    result = next(line for line in lines if line.strip().startswith("Result"))
    assert result.split() == ["Result", "98.0%", "–", "90.0%", "100.0%"]


def test_a_period_that_ends_before_it_starts_is_refused(demo_db, tmp_path) -> None:
    db, _ = demo_db
    target = tmp_path / "t.pdf"
    with db.session() as session, pytest.raises(InvalidInput, match="before --from"):
        build_timeliness(
            session,
            start=dt.date(2024, 3, 1),
            end=dt.date(2024, 1, 31),
            as_of=AS_OF,
            out=target,
        )
    assert not target.exists()


def test_timeliness_from_the_register(demo_db) -> None:
    """The measures for the demo register's spring, printed with every headline measure."""
    db, _ = demo_db
    out = io.BytesIO()
    with db.session() as session:
        pages = build_timeliness(
            session,
            start=dt.date(2024, 1, 1),
            end=dt.date(2024, 5, 31),
            as_of=AS_OF,
            out=out,
            invariant=True,
        )
        measures = compute_measures(session, start=dt.date(2024, 1, 1), end=dt.date(2024, 5, 31))
    pdf = read_pdf(out.getvalue())
    assert pages == pdf.pages
    assert_furniture(pdf, council=COUNCIL, title="Timeliness report")
    text = pdf.all_text
    lac = measures.row("lac_reviews_in_timescale")
    assert lac.total.denominator > 0
    line = next(
        line for line in pdf.layout_lines() if line.strip().startswith("LAC reviews held in")
    )
    assert f"{lac.total.numerator:d}" in line and f"{lac.total.denominator:d}" in line
    rating = rag_rating(lac.total.value, lac.target, None, False)
    assert line.split()[-1] == (rating or "–").capitalize()
    for title in ("CP conferences held in timescale", "Participation of children aged 4 and"):
        assert title in text
    assert "CP conferences held, by type" in text
    for month in ("Jan 24", "Feb 24", "Mar 24", "Apr 24", "May 24"):
        assert month in text


def _chart_labels(page) -> dict[float, list[tuple[float, str]]]:
    """The month labels drawn in regular type on a page (the charts' axes; the tables'
    headings are bold), by their line: y -> [(x, label)]."""
    lines: dict[float, list[tuple[float, str]]] = {}

    def visit(text, cm, tm, font, size) -> None:
        if re.fullmatch(r"[A-Z][a-z]{2} \d\d", text.strip()) and "Bold" not in str(
            (font or {}).get("/BaseFont")
        ):
            lines.setdefault(round(cm[5] + tm[5], 1), []).append((cm[4] + tm[4], text.strip()))

    page.extract_text(visitor_text=visit)
    return lines


def test_a_three_year_charts_month_labels_do_not_overlap() -> None:
    """36 months along a chart's axis: the labels printed are spaced so none runs into the
    next (before, every month was labelled and they printed on top of each other)."""
    from reportlab.pdfbase import pdfmetrics

    from reviewdesk.reports.base import FONT

    months = tuple(
        MonthFigure(dt.date(2023 + (10 + i) // 12, (10 + i) % 12 + 1, 1), 9, 10, "amber")
        for i in range(36)
    )
    report = TimelinessReport(
        months[0].month,
        dt.date(2026, 10, 31),
        (MeasureSeries("lac", "LAC reviews held in timescale", 324, 360, months, target=100.0),),
    )
    out = io.BytesIO()
    render_timeliness(report, out, council=COUNCIL, as_of=AS_OF, invariant=True)
    (axis,) = _chart_labels(read_pdf(out.getvalue()).reader.pages[0]).values()
    axis.sort()
    assert axis[0][1] == "Nov 23" and len(axis) >= 6  # still labelled, from the first month
    for (x, label), (next_x, _) in itertools.pairwise(axis):
        assert x + pdfmetrics.stringWidth(label, FONT, 7) < next_x, f"{label} overlaps"


def test_a_period_with_nothing_to_count_says_so_above_its_empty_figures(demo_db) -> None:
    """A half-year before the register's history: the report says once that nothing was
    held or counted, instead of leaving pages of dashes and empty charts to be puzzled
    over. A period with meetings does not say it."""
    db, _ = demo_db
    said = "no meeting was held, and no CP plan started or ended"
    texts = {}
    with db.session() as session:
        for start, end in (
            (dt.date(2010, 1, 1), dt.date(2010, 6, 30)),
            (dt.date(2024, 1, 1), dt.date(2024, 5, 31)),
        ):
            out = io.BytesIO()
            build_timeliness(session, start=start, end=end, as_of=AS_OF, out=out, invariant=True)
            texts[start.year] = " ".join(read_pdf(out.getvalue()).texts[0].split())
    assert f"Nothing to count from 01/01/2010 to 30/06/2010: {said}." in texts[2010]
    assert said not in texts[2024]


def test_the_meetings_held_late_are_listed_with_their_reason_and_note(db, reg) -> None:
    """A manager reading the counts by reason could not see which meetings were late, nor
    the note an IRO wrote beside "Other": the report lists each, by the day held, with the
    child's ID (no name), the due date (docs/domain.md: the 1st LAC review within 20 working
    days of 25/03/2024, Easter skipped, is due by 24/04/2024), the days late, the reason and
    the note. A review held in time is not listed."""
    from reviewdesk.storage.models import LateReason

    with db.session() as s:
        reason = s.query(LateReason).order_by(LateReason.id).first()
        reason_id, reason_text = reason.id, reason.text
    late_child, quiet_child = reg.child(), reg.child()
    reg.period(late_child, dt.date(2024, 3, 25))
    reg.period(quiet_child, dt.date(2024, 3, 25))
    reg.meeting(
        late_child,
        held=dt.date(2024, 4, 29),
        late_reason_id=reason_id,
        late_reason_note="Mother in hospital; re-arranged at her request",
    )
    reg.meeting(late_child, held=dt.date(2024, 7, 26))  # 2nd: due by 29/07/2024, in time
    reg.meeting(quiet_child, held=dt.date(2024, 4, 30))  # late, nothing recorded
    with db.session() as s:
        locals_ = {c: s.get(Child, c).local_id for c in (late_child, quiet_child)}
        measures = compute_measures(s, start=dt.date(2024, 4, 1), end=dt.date(2024, 7, 31))
        out = io.BytesIO()
        build_timeliness(
            s,
            start=dt.date(2024, 4, 1),
            end=dt.date(2024, 7, 31),
            as_of=dt.date(2024, 8, 1),
            out=out,
            invariant=True,
        )
    assert [(m.child_id, m.held, m.due, m.days_late, m.reason) for m in measures.late] == [
        (late_child, dt.date(2024, 4, 29), dt.date(2024, 4, 24), 5, reason_text),
        (quiet_child, dt.date(2024, 4, 30), dt.date(2024, 4, 24), 6, "No reason recorded"),
    ]
    assert measures.row("late_meetings").total.numerator == len(measures.late)
    pdf = read_pdf(out.getvalue())
    lines = [" ".join(line.split()) for line in pdf.layout_lines()]
    assert any(line.startswith("Meetings held out of timescale") for line in lines)
    first = next(i for i, line in enumerate(lines) if line.startswith("29/04/2024"))
    assert f"29/04/2024 {locals_[late_child]} LAC review 1 24/04/2024 5" in lines[first]
    assert "Mother in hospital" in " ".join(lines[first : first + 3])
    second = next(line for line in lines if line.startswith("30/04/2024"))
    assert f"{locals_[quiet_child]} LAC review 1 24/04/2024 6 No reason recorded" in second
    assert not any(line.startswith("26/07/2024") for line in lines)
    assert "Zoë" not in pdf.all_text  # children by ID only
