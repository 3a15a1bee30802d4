"""The timeliness report: each measure for a period, month by month, against its target.

`render_timeliness` prints plain values (`TimelinessReport`); `build_timeliness` fills them
from `reviewdesk.measures`, which computes the measures and their RAG ratings. The report
never rates anything itself: a RAG colour appears only where the measures gave one.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, Paragraph, Spacer
from sqlalchemy.orm import Session

from reviewdesk.errors import InvalidInput
from reviewdesk.measures import (
    LOWER_IS_BETTER,
    LateMeeting,
    MeasureRow,
    compute_measures,
    rag_rating,
)
from reviewdesk.reports.base import (
    ACCENT,
    FONT,
    FONT_BOLD,
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
from reviewdesk.reports.gather import council_name
from reviewdesk.settings import get_setting
from reviewdesk.vocabulary import format_uk, meeting_type_label

TITLE = "Timeliness report"
BAR = colors.HexColor("#8a9bb0")  # a quiet slate: the bars are not a rating


@dataclass(frozen=True)
class MonthFigure:
    """One month of one measure: how many met it out of how many counted."""

    month: dt.date  # the first day of the month
    met: int
    counted: int
    rag: str | None = None  # "red", "amber", "green" or None (no rating)
    exceptions: tuple[str, ...] = ()  # why the month is reported by exception, if it is

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
class CountRow:
    """A count month by month (conferences held of one type, late meetings for a reason)."""

    label: str
    months: tuple[int, ...]
    total: int


@dataclass(frozen=True)
class CountTable:
    title: str
    months: tuple[dt.date, ...]
    rows: tuple[CountRow, ...]


@dataclass(frozen=True)
class TimelinessReport:
    start: dt.date
    end: dt.date
    measures: tuple[MeasureSeries, ...]
    notes: tuple[str, ...] = field(default=())
    #: Percentages shown as a table only (e.g. in timescale by conference type).
    breakdowns: tuple[MeasureSeries, ...] = ()
    counts: tuple[CountTable, ...] = ()
    #: Each meeting held out of timescale, with the reason and note recorded.
    late: tuple[LateMeeting, ...] = ()


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}%"


def _target_text(measure: MeasureSeries) -> str:
    if measure.target is None:
        return "–"
    return f"{measure.target:g}%" if measure.higher_is_better else f"≤ {measure.target:g}%"


def _month_label(month: dt.date) -> str:
    return month.strftime("%b %y")


def _axis_labels(months: Sequence[MonthFigure], width: float) -> list[str]:
    """The chart's month labels: every month where there is room, else every second,
    third... from the first, so that over a long period they do not print on top of each
    other (a label is centred under its bar, ``width / len(months)`` apart)."""
    labels = [_month_label(m.month) for m in months]
    if not labels:
        return labels
    needed = max(pdfmetrics.stringWidth(label, FONT, 7) for label in labels) + 4
    step = math.ceil(needed / (width / len(labels)))
    return [label if i % step == 0 else "" for i, label in enumerate(labels)]


def _chart(measure: MeasureSeries, width: float) -> Drawing:
    """Bars of each month's percentage, with the target as a dashed line."""
    height = 52 * mm
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 12 * mm, 9 * mm
    chart.width, chart.height = width - 16 * mm, height - 14 * mm
    chart.data = [[m.percent if m.percent is not None else None for m in measure.months]]
    chart.categoryAxis.categoryNames = _axis_labels(measure.months, chart.width)
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
                f"target {_target_text(measure)}",
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
                _target_text(m),
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


#: Months per table row band: more than this and the table continues below.
MONTHS_PER_TABLE = 12


def _chunks(n: int) -> list[range]:
    return [range(i, min(i + MONTHS_PER_TABLE, n)) for i in range(0, n, MONTHS_PER_TABLE)] or [
        range(0)
    ]


def _months_table(measure: MeasureSeries, styles: Styles, width: float) -> list[Flowable]:
    """Months across: how many met, how many counted, the result (rated where rated)."""
    out: list[Flowable] = []
    label_w = 16 * mm
    for part in _chunks(len(measure.months)):
        months = [measure.months[i] for i in part]
        col = (width - label_w) / MONTHS_PER_TABLE
        header = ["", *(_month_label(m.month) for m in months)]
        rows = [
            ["Met", *(str(m.met) for m in months)],
            ["Counted", *(str(m.counted) for m in months)],
            ["Result", *(_pct(m.percent) for m in months)],
        ]
        extra: list[tuple] = [("TEXTCOLOR", (0, 1), (0, -1), MUTED)]
        for c, m in enumerate(months, start=1):
            extra += rag_style((c, 3), m.rag)
        out.append(
            data_table(
                header,
                rows,
                [label_w, *([col] * len(months))],
                styles=styles,
                right=list(range(1, len(months) + 1)),
                extra=extra,
                size=7,
                pad=2.5,
                zebra=False,
            )
        )
        out.append(Spacer(1, 1.5 * mm))
    exceptions = [m for m in measure.months if m.exceptions]
    if exceptions:
        text = "; ".join(f"{_month_label(m.month)}: {', '.join(m.exceptions)}" for m in exceptions)
        out.append(Paragraph(f"<b>Exceptions</b> · {esc(text)}", styles.muted))
    return out


def _two_line_month(month: dt.date, styles: Styles) -> Paragraph:
    """'Aug' over '23': narrow columns keep the same two-line header for every month."""
    style = ParagraphStyle("month", parent=styles.head_right, fontSize=7, leading=8.5)
    return Paragraph(f"{month:%b}<br/>{month:%y}", style)


def _grid(
    title: str,
    labels: list[str],
    months: tuple[dt.date, ...],
    cells: list[list[str]],
    totals: list[str],
    styles: Styles,
    width: float,
) -> list[Flowable]:
    """A breakdown: one row per label, months across, and the period's total."""
    out: list[Flowable] = [Paragraph(esc(title), styles.h2)]
    label_w, total_w = 40 * mm, 13 * mm
    col = (width - label_w - total_w) / MONTHS_PER_TABLE
    for part in _chunks(len(months)):
        last = part.stop == len(months)
        header = ["", *(_two_line_month(months[i], styles) for i in part)]
        header += ["Period"] if last else []
        rows = [
            [label, *(row[i] for i in part)] + ([total] if last else [])
            for label, row, total in zip(labels, cells, totals, strict=True)
        ]
        n = len(part) + (1 if last else 0)
        widths = [label_w, *([col] * len(part))] + ([total_w] if last else [])
        extra: list[tuple] = []
        if last:
            extra.append(("FONT", (n, 1), (n, -1), FONT_BOLD, 7, 9))
        out.append(
            data_table(
                header,
                rows,
                widths,
                styles=styles,
                right=list(range(1, n + 1)),
                extra=extra,
                size=7,
                pad=2,
            )
        )
        out.append(Spacer(1, 1.5 * mm))
    return out


def _breakdown(report: TimelinessReport, styles: Styles, width: float) -> list[Flowable]:
    if not report.breakdowns:
        return []
    months = report.breakdowns[0].months

    def pct(m: MonthFigure) -> str:
        return "–" if m.percent is None else f"{m.percent:.0f}%"

    return _grid(
        "In timescale by conference type",
        [b.title.removesuffix(": in timescale") for b in report.breakdowns],
        tuple(m.month for m in months),
        [[pct(m) for m in b.months] for b in report.breakdowns],
        [_pct(b.percent) for b in report.breakdowns],
        styles,
        width,
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
    if report.measures and not any(m.counted for m in report.measures):
        # Every figure below is empty: say why once, rather than leave a page of dashes.
        story.append(
            Paragraph(
                f"Nothing to count from {format_uk(report.start)} to {format_uk(report.end)}: "
                "no meeting was held, and no CP plan started or ended.",
                styles.body,
            )
        )
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
            line += f" against a target of {_target_text(measure)}"
        parts.append(Paragraph(f"<b>{esc(line)}</b>", styles.body))
        if measure.description:
            parts.append(Paragraph(esc(measure.description), styles.muted))
        if measure.months:
            parts += [
                Spacer(1, 2 * mm),
                _chart(measure, width),
                Spacer(1, 1 * mm),
                *_months_table(measure, styles, width),
            ]
        story.append(keep(*parts))
    story += _breakdown(report, styles, width)
    for table in report.counts:
        if not table.rows:
            continue
        story.append(
            keep(
                *_grid(
                    table.title,
                    [r.label for r in table.rows],
                    table.months,
                    [[str(n) if n else "–" for n in r.months] for r in table.rows],
                    [str(r.total) for r in table.rows],
                    styles,
                    width,
                )
            )
        )
    story += _late_list(report, styles, width)
    story += [
        Spacer(1, 4 * mm),
        Paragraph(
            "Bars show each month's result; the dashed line is the target. Ratings are shown "
            "only where a target is set.",
            styles.muted,
        ),
    ]
    return build_pdf(story, out, settings, as_of=as_of)


def _late_list(report: TimelinessReport, styles: Styles, width: float) -> list[Flowable]:
    """Each meeting held out of timescale, with the reason and the note recorded: the counts
    by reason say how many, this says which and why (children by ID only)."""
    if not report.late:
        return []
    header = ["Held", "Child ID", "Meeting", "Due by", "Days late", "Reason", "Note"]
    rows = [
        [
            format_uk(m.held),
            m.child_local_id,
            m.label,
            format_uk(m.due),
            str(m.days_late),
            m.reason,
            m.note,
        ]
        for m in report.late
    ]
    fixed = [17 * mm, 20 * mm, 34 * mm, 17 * mm, 12 * mm, 34 * mm]
    widths = [*fixed, max(width - sum(fixed), 30 * mm)]
    return [
        Paragraph("Meetings held out of timescale", styles.h2),
        Paragraph(
            f"{len(rows):,} meeting{'' if len(rows) == 1 else 's'} held after the due date, "
            "by the day held, with the reason and the note recorded.",
            styles.muted,
        ),
        Spacer(1, 1.5 * mm),
        data_table(
            header,
            rows,
            widths,
            styles=styles,
            right=(4,),
            tall_rows=True,  # a long note
        ),
    ]


#: The measures printed with a chart, in this order (keys of `reviewdesk.measures`).
HEADLINES = (
    "lac_reviews_in_timescale",
    "cp_conferences_in_timescale",
    "participation_4_and_over",
    "reports_shared_with_parents_in_time",
    "cp_plans_2_years_or_more",
    "repeat_plans",
)
#: Titles for the headline measures (the measures' own labels are used for the rest).
TITLES = {
    "lac_reviews_in_timescale": "LAC reviews held in timescale",
    "cp_conferences_in_timescale": "CP conferences held in timescale",
    "participation_4_and_over": "Participation of children aged 4 and over (PN1–PN6)",
    "reports_shared_with_parents_in_time": "Reports shared with parents by the deadline",
    "cp_plans_2_years_or_more": "CP plans ending that lasted 2 years or more",
    "repeat_plans": "CP plans starting that are a second or later plan",
}
DESCRIPTIONS = {
    "lac_reviews_in_timescale": "LAC reviews held in the month that were held on or before "
    "their due date.",
    "cp_conferences_in_timescale": "Child protection conferences of every type held in the "
    "month on or before their due date.",
    "participation_4_and_over": "LAC reviews of children aged 4 or over at the review at which "
    "the child took part (codes PN1 to PN6).",
    "reports_shared_with_parents_in_time": "Reports for CP conferences held in the month that "
    "were shared with the parents by their deadline.",
    "cp_plans_2_years_or_more": "CP plans ending in the month that had lasted 2 years or more. "
    "Lower is better.",
    "repeat_plans": "CP plans starting in the month that are a second or later plan for the "
    "child. Lower is better.",
}
_COUNT_TABLES = (
    ("conferences_held.", "CP conferences held, by type"),
    ("late_meetings.", "Meetings held out of timescale, by the reason recorded"),
    ("participation.", "Participation of children aged 4 and over, by code"),
    (
        "not_judged.",
        "Meetings held the data cannot judge (a return not imported), not counted above",
    ),
)


def _red_line(targets: Mapping[str, Any], key: str) -> float | None:
    """The 'red below' line a council set for a measure (see `reviewdesk.measures`)."""
    value = targets.get(key)
    if value is None and key.startswith("cp_conferences_in_timescale."):
        value = targets.get("cp_conferences_in_timescale")
    if isinstance(value, Mapping) and value.get("red_below") is not None:
        return float(value["red_below"])
    return None


def _series(row: MeasureRow, months: tuple[dt.date, ...], targets: Mapping[str, Any]):
    lower = row.key in LOWER_IS_BETTER
    n = len(months)
    rags = row.rag or (None,) * n
    exceptions = row.exceptions or ((),) * n
    figures = tuple(
        MonthFigure(month, cell.numerator, cell.denominator or 0, rag, tuple(why))
        for month, cell, rag, why in zip(months, row.cells, rags, exceptions, strict=True)
    )
    period_rag = rag_rating(row.total.value, row.target, _red_line(targets, row.key), lower)
    return MeasureSeries(
        key=row.key,
        title=TITLES.get(row.key) or row.label or row.key.replace("_", " "),
        met=row.total.numerator,
        counted=row.total.denominator or 0,
        months=figures,
        target=row.target,
        rag=period_rag,
        description=DESCRIPTIONS.get(row.key, ""),
        higher_is_better=not lower,
    )


def _count_label(prefix: str, row: MeasureRow) -> str:
    """A breakdown row's label, from its key where the measures give no label."""
    part = row.key.removeprefix(prefix)
    if prefix in ("conferences_held.", "not_judged."):
        return meeting_type_label(part)
    if prefix == "participation.":
        return "Not recorded" if part == "not_recorded" else part
    return part  # late_meetings.<reason text>


def collect_timeliness(
    session: Session, *, start: dt.date, end: dt.date, as_of: dt.date
) -> TimelinessReport:
    """The measures for ``start``..``end`` from `reviewdesk.measures`, as plain values.

    The measures and their monthly RAG ratings and exceptions are computed there; the
    period's own rating uses the same rule (`measures.rag_rating`) on the period's figure.
    """
    if end < start:
        raise InvalidInput(
            f"--to {end.isoformat()} is before --from {start.isoformat()}: give a period "
            "that ends on or after its start"
        )
    measures = compute_measures(session, start=start, end=end)
    targets = get_setting(session, "targets") or {}
    by_key = {row.key: row for row in measures.rows}
    headline = tuple(
        _series(by_key[key], measures.months, targets) for key in HEADLINES if key in by_key
    )
    breakdowns = tuple(
        _series(row, measures.months, targets)
        for row in measures.rows
        if row.key.startswith("cp_conferences_in_timescale.") and row.total.denominator
    )
    counts = []
    for prefix, title in _COUNT_TABLES:
        rows = tuple(
            CountRow(
                _count_label(prefix, row),
                tuple(c.numerator for c in row.cells),
                row.total.numerator,
            )
            for row in sorted(
                measures.rows, key=lambda r: r.key if prefix == "participation." else ""
            )
            if row.key.startswith(prefix) and row.total.numerator
        )
        counts.append(CountTable(title, measures.months, rows))
    return TimelinessReport(
        start=start,
        end=end,
        measures=headline,
        breakdowns=breakdowns,
        counts=tuple(counts),
        late=tuple(measures.late),
    )


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
        report, out, council=council_name(session), as_of=as_of, invariant=invariant
    )
