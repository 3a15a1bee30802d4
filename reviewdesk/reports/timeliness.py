"""The timeliness report: each measure for a period, month by month, against its target.

`render_timeliness` prints plain values (`TimelinessReport`); `build_timeliness` fills them
from `reviewdesk.measures`, which computes the measures and their RAG ratings. The report
never rates anything itself: a RAG colour appears only where the measures gave one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer
from sqlalchemy.orm import Session

from reviewdesk.dates import format_uk
from reviewdesk.errors import InvalidInput, ReviewdeskError
from reviewdesk.reports import gather
from reviewdesk.reports.base import (
    ACCENT,
    FONT,
    MUTED,
    RULE,
    DocumentSettings,
    Output,
    Styles,
    build_pdf,
    data_table,
    esc,
    keep,
    make_styles,
    rag_style,
)

TITLE = "Timeliness report"
BAR = colors.HexColor("#8a9bb0")  # a quiet slate: the bars are not a rating


@dataclass(frozen=True)
class MonthFigure:
    """One month of one measure: how many met it out of how many counted."""

    month: dt.date  # the first day of the month
    met: int
    counted: int
    rag: str | None = None  # "red", "amber", "green" or None (no rating)

    @property
    def percent(self) -> float | None:
        return 100.0 * self.met / self.counted if self.counted else None


@dataclass(frozen=True)
class MeasureSeries:
    """A measure over the period: the whole-period figure and each month's."""

    key: str
    title: str  # e.g. "LAC reviews held in timescale"
    met: int
    counted: int
    months: tuple[MonthFigure, ...]
    target: float | None = None  # a percentage
    rag: str | None = None
    description: str = ""  # what is counted, in a sentence
    higher_is_better: bool = True

    @property
    def percent(self) -> float | None:
        return 100.0 * self.met / self.counted if self.counted else None


@dataclass(frozen=True)
class TimelinessReport:
    start: dt.date
    end: dt.date
    measures: tuple[MeasureSeries, ...]
    notes: tuple[str, ...] = field(default=())


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}%"


def _month_label(month: dt.date) -> str:
    return month.strftime("%b %y")


def _chart(measure: MeasureSeries, width: float) -> Drawing:
    """Bars of each month's percentage, with the target as a dashed line."""
    height = 52 * mm
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 12 * mm, 9 * mm
    chart.width, chart.height = width - 16 * mm, height - 14 * mm
    chart.data = [[m.percent if m.percent is not None else None for m in measure.months]]
    chart.categoryAxis.categoryNames = [_month_label(m.month) for m in measure.months]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.fillColor = MUTED
    chart.categoryAxis.strokeColor = RULE
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = 100
    chart.valueAxis.valueStep = 20
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labels.fillColor = MUTED
    chart.valueAxis.labelTextFormat = "%d%%"
    chart.valueAxis.strokeColor = RULE
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#eceff3")
    chart.valueAxis.gridStrokeWidth = 0.4
    chart.bars[0].fillColor = BAR
    chart.bars[0].strokeColor = None
    chart.barSpacing = 2
    chart.groupSpacing = 6 if len(measure.months) > 8 else 12
    drawing.add(chart)
    if measure.target is not None:
        y = chart.y + chart.height * measure.target / 100.0
        drawing.add(
            Line(
                chart.x,
                y,
                chart.x + chart.width,
                y,
                strokeColor=ACCENT,
                strokeWidth=0.9,
                strokeDashArray=[3, 2],
            )
        )
        drawing.add(
            String(
                chart.x + chart.width,
                y + 2,
                f"target {measure.target:g}%",
                fontName=FONT,
                fontSize=7,
                fillColor=ACCENT,
                textAnchor="end",
            )
        )
    return drawing


def _summary(report: TimelinessReport, styles: Styles, width: float) -> Flowable:
    header = ["Measure", "Result", "Met", "Counted", "Target", "Rating"]
    widths = [0.42, 0.11, 0.1, 0.11, 0.11, 0.15]
    rows, extra = [], []
    for r, m in enumerate(report.measures, start=1):
        rows.append(
            [
                m.title,
                _pct(m.percent),
                str(m.met),
                str(m.counted),
                f"{m.target:g}%" if m.target is not None else "–",
                (m.rag or "").capitalize() or "–",
            ]
        )
        extra += rag_style((5, r), m.rag)
    return data_table(
        header,
        rows,
        [w * width for w in widths],
        styles=styles,
        right=(1, 2, 3, 4),
        extra=extra,
    )


def _months_table(measure: MeasureSeries, styles: Styles, width: float) -> Flowable:
    """Months across: the month, how many met, how many counted, the percentage."""
    months = measure.months
    label_w = 16 * mm
    col = (width - label_w) / max(len(months), 1)
    header = ["", *(_month_label(m.month) for m in months)]
    rows = [
        ["Met", *(str(m.met) for m in months)],
        ["Counted", *(str(m.counted) for m in months)],
        ["Result", *(_pct(m.percent) for m in months)],
    ]
    extra: list[tuple] = [("TEXTCOLOR", (0, 1), (0, -1), MUTED)]
    for c, m in enumerate(months, start=1):
        extra += rag_style((c, 3), m.rag)
    cols = list(range(1, len(months) + 1))
    return data_table(
        header,
        rows,
        [label_w, *([col] * len(months))],
        styles=styles,
        right=cols,
        extra=extra,
        size=7,
        pad=2.5,
    )


def render_timeliness(
    report: TimelinessReport,
    out: Output,
    *,
    council: str,
    as_of: dt.date,
    invariant: bool = False,
) -> int:
    """Print a timeliness report (portrait). Returns the number of pages."""
    styles = make_styles()
    settings = DocumentSettings(
        title=TITLE,
        council=council,
        subtitle=f"{format_uk(report.start)} to {format_uk(report.end)}",
        invariant=invariant,
    )
    width = settings.frame_width
    story: list[Flowable] = [Paragraph("Summary", styles.h2)]
    if report.measures:
        story.append(_summary(report, styles, width))
    else:
        story.append(Paragraph("No measures for this period.", styles.muted))
    for note in report.notes:
        story += [Spacer(1, 1.5 * mm), Paragraph(esc(note), styles.muted)]
    for measure in report.measures:
        parts: list[Flowable] = [Paragraph(esc(measure.title), styles.h2)]
        line = f"{_pct(measure.percent)} ({measure.met} of {measure.counted})"
        if measure.target is not None:
            line += f" against a target of {measure.target:g}%"
        parts.append(Paragraph(f"<b>{esc(line)}</b>", styles.body))
        if measure.description:
            parts.append(Paragraph(esc(measure.description), styles.muted))
        if measure.months:
            parts += [
                Spacer(1, 2 * mm),
                _chart(measure, width),
                Spacer(1, 1 * mm),
                _months_table(measure, styles, width),
            ]
        story.append(keep(*parts))
    story += [
        Spacer(1, 4 * mm),
        Paragraph(
            "Bars show each month's result; the dashed line is the target. Ratings are shown "
            "only where a target is set.",
            styles.muted,
        ),
    ]
    return build_pdf(story, out, settings, as_of=as_of)


def collect_timeliness(
    session: Session, *, start: dt.date, end: dt.date, as_of: dt.date
) -> TimelinessReport:
    """The measures for ``start``..``end`` from `reviewdesk.measures`."""
    if end < start:
        raise InvalidInput(
            f"--to {end.isoformat()} is before --from {start.isoformat()}: give a period "
            "that ends on or after its start"
        )
    try:
        from reviewdesk import measures  # noqa: F401 - lands with the flags work
    except ImportError:
        raise ReviewdeskError(
            "the timeliness measures (reviewdesk.measures) are not in this version of "
            "reviewdesk, so the timeliness report cannot be printed yet"
        ) from None
    raise ReviewdeskError("the timeliness measures are not connected to the report yet")


def build_timeliness(
    session: Session,
    *,
    start: dt.date,
    end: dt.date,
    as_of: dt.date,
    out: Output,
    invariant: bool = False,
) -> int:
    """Print the timeliness measures from ``start`` to ``end`` (inclusive), month by month.

    Returns the number of pages.
    """
    report = collect_timeliness(session, start=start, end=end, as_of=as_of)
    return render_timeliness(
        report, out, council=gather.council_name(session), as_of=as_of, invariant=invariant
    )
