"""The chase list as a PDF: reports due within N working days and not received, grouped by
agency and author (`reviewdesk.invitations.chase`), overdue ones marked red."""

from __future__ import annotations

import datetime as dt

from reportlab.platypus import Flowable, Paragraph, Spacer

from reviewdesk.invitations.chase import chase_rows
from reviewdesk.reports.base import (
    DocumentSettings,
    Output,
    build_pdf,
    data_table,
    esc,
    make_styles,
    rag_style,
    uk,
)
from reviewdesk.reports.gather import council_name
from reviewdesk.settings import get_setting, working_context
from reviewdesk.vocabulary import format_uk, format_uk_long


def _left(days: int, overdue: bool) -> str:
    """How long is left, or how long it has been overdue (``overdue`` on a day off straight
    after the deadline too, when no working day has passed since it)."""
    if overdue:
        if days >= 0:
            return "overdue"
        return f"overdue by {-days} working day{'s' if days != -1 else ''}"
    if days == 0:
        return "due today"
    return f"{days} working day{'s' if days != 1 else ''} left"


def build_chase(
    session,
    *,
    as_of: dt.date,
    out: Output,
    within: int | None = None,
    invariant: bool = False,
) -> int:
    """Print the chase list on ``as_of`` (``within`` working days; default the council's
    ``chase_working_days`` setting). Returns the number of pages."""
    within = int(get_setting(session, "chase_working_days")) if within is None else within
    rules, calendar = working_context(session)
    rows = chase_rows(session, as_of=as_of, within=within, rules=rules, calendar=calendar)
    styles = make_styles()
    settings = DocumentSettings(
        title="Reports to chase",
        council=council_name(session),
        landscape=True,
        subtitle=f"Due by {format_uk_long(calendar.add_working_days(as_of, within))} "
        f"({within} working days) · position at {format_uk(as_of)}",
        invariant=invariant,
    )
    story: list[Flowable] = []
    overdue = sum(1 for r in rows if r.overdue)
    story.append(
        Paragraph(
            esc(
                f"{len(rows)} report{'s' if len(rows) != 1 else ''} not received for meetings "
                f"still to come, {overdue} already past the deadline. Grouped by agency and "
                "author: one call or email each."
            ),
            styles.body,
        )
    )
    story.append(Spacer(1, 8))
    if not rows:
        story.append(Paragraph("Nothing to chase.", styles.muted))
        return build_pdf(story, out, settings, as_of=as_of)
    table_rows: list[list] = []
    extra: list[tuple] = []
    groups: dict[int, str] = {}  # table row -> agency, carried onto the next page
    agency = None
    for r in rows:
        if r.agency != agency:
            agency = r.agency
            table_rows.append([r.agency, "", "", "", "", ""])
            line = len(table_rows)
            groups[line] = r.agency
            extra.append(("FONT", (0, line), (-1, line), "DejaVuSans-Bold", 8, 10))
        author = r.author + (f" · {r.email}" if r.email else "")
        table_rows.append(
            [
                author,
                f"{format_uk_long(r.due)}, {_left(r.working_days_left, r.overdue)}",
                uk(r.requested_on, "not requested"),
                f"{r.child_reference} {r.child_name}",
                f"{r.meeting}, {format_uk(r.meeting_date)}",
                str(r.report_id),
            ]
        )
        if r.overdue:
            extra += rag_style((1, len(table_rows)), "red")
        elif r.working_days_left <= 1:
            extra += rag_style((1, len(table_rows)), "amber")
    width = settings.frame_width
    widths = [0.26, 0.21, 0.1, 0.18, 0.18, 0.07]
    story.append(
        data_table(
            ["Author", "Due", "Requested", "Child", "Meeting", "Report"],
            table_rows,
            [w * width for w in widths],
            styles=styles,
            extra=extra,
            zebra=False,
            groups=groups,
        )
    )
    return build_pdf(story, out, settings, as_of=as_of)


__all__ = ["build_chase"]
