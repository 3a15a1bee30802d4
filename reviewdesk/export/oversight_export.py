"""The quarterly thematic report of IRO oversight as a workbook: one sheet per table of the
report (`reviewdesk.oversight.thematic`), dates as real dates, text safe from formulas."""

from __future__ import annotations

from pathlib import Path

from reviewdesk.export.writers import write_tables_xlsx
from reviewdesk.oversight.figures import OversightSummary
from reviewdesk.oversight.thematic import report_tables


def write_oversight(summary: OversightSummary, path: str | Path) -> int:
    """Write the report's tables to ``path`` (.xlsx); returns the number of challenges."""
    tables = report_tables(summary)
    write_tables_xlsx(path, [(t.title, t.columns, t.rows) for t in tables])
    return summary.raised


__all__ = ["write_oversight"]
