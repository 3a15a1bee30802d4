"""The quarterly thematic report of IRO oversight (landscape): challenges raised, formal and
informal, the stage reached, whether resolved within timescale, themes and outcomes, by IRO
and by team, each challenge with its impact; the footprint, the child's voice and quoracy.

The tables are `reviewdesk.oversight.thematic`'s (the workbook prints the same).
"""

from __future__ import annotations

import datetime as dt

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer
from sqlalchemy.orm import Session

from reviewdesk.errors import InvalidInput
from reviewdesk.oversight.figures import OversightSummary, oversight_summary
from reviewdesk.oversight.thematic import Table, period_title, report_tables
from reviewdesk.reports.base import (
    DocumentSettings,
    Output,
    Styles,
    build_pdf,
    data_table,
    esc,
    facts_table,
    keep,
    make_styles,
    uk,
)
from reviewdesk.reports.gather import council_name

TITLE = "IRO oversight: thematic report"
#: Widths (mm) of the challenges' columns, filling the 265 mm frame of a landscape A4 page:
#: dates, names and outcomes whole on one line (words wrap only at spaces), and the theme
#: column wide enough for the longest word of the starting themes ("Recommendations").
_CHALLENGE_WIDTHS = (16, 26, 21, 8, 19, 22, 25, 12, 14, 16, 16, 15, 16, 23, 16)


def _cell(value: object) -> object:
    if isinstance(value, dt.date):
        return uk(value)
    if value is None:
        return ""
    return value


def _table(table: Table, styles: Styles, width: float) -> list[Flowable]:
    heading = Paragraph(esc(table.title), ParagraphStyle("h2k", styles.h2, keepWithNext=1))
    if not table.rows:
        return [keep(heading, Paragraph("None in this period.", styles.muted))]
    if table.title == "The challenges":
        widths = [w * mm for w in _CHALLENGE_WIDTHS]
        scale = width / sum(widths)
        widths = [w * scale for w in widths]
    else:  # a label, then narrow columns of numbers
        widths = [90 * mm, *([28 * mm] * (len(table.columns) - 1))]
    rows = [[_cell(v) for v in row] for row in table.rows]
    grid = data_table(
        table.columns,
        rows,
        widths,
        styles=styles,
        right=sorted(table.numbers),
        size=7 if table.title == "The challenges" else 8,
        pad=2 if table.title == "The challenges" else 4,
        # A challenge's impact is free text (up to TEXT_LIMIT): its row may outgrow a page.
        tall_rows=table.title == "The challenges",
    )
    out: list[Flowable] = [heading, grid]
    if table.note:
        out += [Spacer(1, 1 * mm), Paragraph(esc(table.note), styles.muted)]
    # The list of challenges runs over pages; the other tables are kept whole.
    return out if table.title == "The challenges" else [keep(*out)]


def render_oversight(
    summary: OversightSummary,
    out: Output,
    *,
    council: str,
    invariant: bool = False,
) -> int:
    """Print the thematic report for ``summary``'s period. Returns the number of pages."""
    styles = make_styles()
    settings = DocumentSettings(
        title=TITLE,
        council=council,
        landscape=True,
        subtitle=period_title(summary.start, summary.end),
        invariant=invariant,
    )
    width = settings.frame_width
    tables = report_tables(summary)
    headline, rest = tables[0], tables[1:]
    story: list[Flowable] = [
        Paragraph(
            esc(f"Challenges and escalations, {period_title(summary.start, summary.end)}"),
            styles.h1,
        ),  # fmt: skip
        Paragraph(
            esc(
                f"What IROs and child protection chairs challenged in the period, as it stood "
                f"on {uk(summary.as_of)}: informal resolution, then the formal stages of "
                "the escalation procedure, each with its response time; the whole procedure "
                "within its timescale (the rules in force). The footprint, the child's voice "
                "and quoracy are for the same period."
            ),
            styles.muted,
        ),
        Spacer(1, 3 * mm),
        facts_table(
            [(str(label), str(value)) for label, value in headline.rows],
            (110 * mm, 60 * mm),
            styles=styles,
        ),
    ]
    for table in rest:
        story += _table(table, styles, width)
    return build_pdf(story, out, settings, as_of=summary.as_of)


def build_oversight(
    session: Session,
    *,
    start: dt.date,
    end: dt.date,
    as_of: dt.date,
    out: Output,
    invariant: bool = False,
) -> int:
    """Print the thematic report for ``start`` to ``end`` (as things stood on ``as_of``).
    Returns the number of pages."""
    summary = collect_oversight(session, start=start, end=end, as_of=as_of)
    return render_oversight(summary, out, council=council_name(session), invariant=invariant)


def collect_oversight(
    session: Session, *, start: dt.date, end: dt.date, as_of: dt.date
) -> OversightSummary:
    """The report's figures, with the period checked."""
    if end < start:
        raise InvalidInput(
            f"--to {end.isoformat()} is before --from {start.isoformat()}: give a period "
            "that ends on or after its start"
        )
    return oversight_summary(session, start=start, end=end, as_of=as_of)


__all__ = ["TITLE", "build_oversight", "collect_oversight", "render_oversight"]
