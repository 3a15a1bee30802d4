"""The dashboard's month-by-month timeliness figures: no widgets, so they can be worked out
on any thread or in the worker process (`ui.worker_process`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from reviewdesk.storage.db import Database
from ui.context import optional_module

#: The measures (``reviewdesk.measures`` row keys) the chart adds together.
TIMELINESS_ROWS = frozenset({"lac_reviews_in_timescale", "cp_conferences_in_timescale"})


@dataclass(frozen=True)
class MonthFigure:
    label: str  # e.g. "Apr 24"
    percent: float | None  # None: nothing due that month
    count: int  # meetings due


def timeliness_figures(db: Database, as_of: dt.date) -> tuple[list[MonthFigure], float | None, str]:
    """(figures for the twelve months to ``as_of``, the lowest target, text for no figures)."""
    measures = optional_module("reviewdesk.measures")
    compute = getattr(measures, "compute_measures", None) if measures else None
    if compute is None:
        return (
            [],
            None,
            "No timeliness figures yet: the measures part of reviewdesk is not installed.",
        )
    start = dt.date(as_of.year - 1, as_of.month, 1)
    with db.session() as s:
        report = compute(s, start=start, end=as_of)
    rows = [r for r in report.rows if r.key in TIMELINESS_ROWS]
    figures = []
    for i, month in enumerate(report.months):
        held = sum(r.cells[i].denominator or 0 for r in rows)
        on_time = sum(r.cells[i].numerator for r in rows)
        figures.append(
            MonthFigure(
                label=month.strftime("%b %y"),
                percent=100.0 * on_time / held if held else None,
                count=held,
            )
        )
    targets = [r.target for r in rows if r.target is not None]
    if not any(f.percent is not None for f in figures):
        figures = []
    return figures, (min(targets) if targets else None), "No meetings were held in these months."
