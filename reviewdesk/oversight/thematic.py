"""The quarterly thematic report's tables, as plain values: the PDF
(`reviewdesk.reports.oversight`) and the workbook (`reviewdesk.export.oversight_export`)
print the same tables, so they never disagree.

What it covers (the IRO service's "quarterly thematic reporting"): the challenges raised in
the period, formal and informal, the stage each reached, whether each was resolved within
its timescale, their themes and outcomes, by IRO and by the child's team, each challenge
with its impact; beside them the IRO's footprint, the child's voice and quoracy.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from reviewdesk.oversight.figures import (
    Breakdown,
    OversightSummary,
    in_timescale,
    quarter_label,
    quarter_of,
)
from reviewdesk.vocabulary import format_uk

BREAKDOWN_COLUMNS = (
    "Raised",
    "Formal",
    "Informal",
    "Resolved in timescale",
    "Late",
    "Still open",
)
CHALLENGE_COLUMNS = (
    "Raised on",
    "Child",
    "ID",
    "Plan",
    "Raised by",
    "Team",
    "Theme",
    "Route",
    "Stage reached",
    "Due by",
    "Resolved on",
    "In timescale",
    "Outcome",
    "Impact",
    "Referred to Cafcass",
)


@dataclass(frozen=True)
class Table:
    """One table of the report: a title, its columns and rows of plain values (text,
    numbers, dates), and which columns hold numbers (right-aligned in print)."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]
    numbers: frozenset[int] = frozenset()
    note: str = ""


def period_title(start: dt.date, end: dt.date) -> str:
    """'Q1 2024/25 (01/04/2024 to 30/06/2024)' for a quarter, else the dates."""
    dates = f"{format_uk(start)} to {format_uk(end)}"
    if quarter_of(start) == (start, end):
        return f"{quarter_label(start)} ({dates})"
    return dates


def _breakdown_table(title: str, first: str, lines: tuple[Breakdown, ...], note: str) -> Table:
    rows = tuple(
        (b.label, b.raised, b.formal, b.informal, b.in_timescale, b.late, b.open) for b in lines
    )
    return Table(
        title, (first, *BREAKDOWN_COLUMNS), rows, frozenset(range(1, 7)), note if rows else ""
    )


def _yes_no(value: bool | None) -> str:
    return "" if value is None else "Yes" if value else "No"


#: The share in timescale: of the challenges resolved and those still open past their
#: timescale (both judged), not of the resolved alone, which the row above counts.
IN_TIMESCALE = "Resolved within their timescale (of those resolved or open past it)"


def headline(summary: OversightSummary) -> Table:
    s = summary
    rows: list[tuple[object, ...]] = [
        ("Challenges raised", s.raised),
        ("  formal (went to the escalation procedure)", s.formal),
        ("  informal (resolved without it, or not yet escalated)", s.informal),
        ("Resolved", s.resolved),
        (IN_TIMESCALE, s.resolved_in_timescale.text()),
        ("Still open", s.still_open),
        ("  past their timescale", s.past_timescale),
        ("Referred to Cafcass", s.cafcass),
        ("LAC reviews with a midway review since the last", s.midway.text()),
        ("LAC reviews with IRO contact with the child since the last", s.contact.text()),
        ("Consultations returned, of those sent", s.consultation_returned.text()),
        ("Advocacy offered (reviews with the child's views recorded)", s.advocacy_offered.text()),
        ("Advocacy taken up, when offered", s.advocacy_taken_up.text()),
        ("CP conferences not quorate", s.inquorate),
        ("  reconvened within the timescale", s.inquorate_reconvened_in_time.text()),
    ]
    return Table("Summary", ("Measure", "Figure"), tuple(rows))


def report_tables(summary: OversightSummary) -> list[Table]:
    """Every table of the report, in the order printed (the headline first)."""
    s = summary
    late = "Late: resolved after its deadline, or still open past it."
    tables = [
        headline(s),
        _breakdown_table("Themes", "Theme", s.by_theme, late),
        Table("Stage reached", ("Stage", "Challenges"), s.by_stage, frozenset({1})),
        Table("Outcomes", ("Outcome", "Challenges"), s.by_outcome, frozenset({1})),
        _breakdown_table("By IRO", "IRO or chair", s.by_iro, late),
        _breakdown_table("By team", "Child's team", s.by_team, late),
        Table(
            "How views were gathered",
            ("How", "LAC reviews"),
            s.views_gathered,
            frozenset({1}),
            "LAC reviews held in the period with the child's views recorded; a review may "
            "count under more than one.",
        ),
    ]
    rows = []
    for e in s.escalations:
        timely = in_timescale(e)
        rows.append(
            (
                e.raised_on,
                e.child_name,
                e.local_id,
                e.process_label,
                e.raised_by,
                e.team,
                e.theme,
                e.route,
                e.stage_reached_name,
                e.deadline,
                e.resolved_on,
                _yes_no(timely),
                e.outcome_label or "Open",
                e.impact or "",
                e.cafcass_referred_on,
            )
        )
    tables.append(
        Table(
            "The challenges",
            CHALLENGE_COLUMNS,
            tuple(rows),
            note="Each challenge raised in the period, as it stood when the report was made.",
        )
    )
    return tables


__all__ = ["CHALLENGE_COLUMNS", "Table", "headline", "period_title", "report_tables"]
