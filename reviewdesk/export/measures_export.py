"""Writing the timeliness measures: one line per measure and month (CSV or Excel)."""

from __future__ import annotations

from pathlib import Path

from reviewdesk.errors import InvalidInput
from reviewdesk.export.writers import write_table_csv, write_table_xlsx
from reviewdesk.measures import MeasuresReport

MEASURE_COLUMNS = (
    "measure",
    "label",
    "unit",
    "month",
    "numerator",
    "denominator",
    "value",
    "target",
    "rag",
    "exception",
)
MEASURE_FORMATS = ("csv", "xlsx")


def measure_records(report: MeasuresReport) -> list[list[object]]:
    """Rows of MEASURE_COLUMNS: month as YYYY-MM, value rounded to 0.1 (blank if none)."""
    out: list[list[object]] = []
    for row in report.rows:
        for i, month in enumerate(report.months):
            cell = row.cells[i]
            value = cell.value
            out.append(
                [
                    row.key,
                    row.label,
                    row.unit,
                    f"{month:%Y-%m}",
                    cell.numerator,
                    cell.denominator,
                    None if value is None else round(value, 1),
                    row.target,
                    row.rag[i] if row.rag else None,
                    "; ".join(row.exceptions[i]) if row.exceptions else "",
                ]
            )
    return out


def write_measures(report: MeasuresReport, path: str | Path, fmt: str) -> None:
    if fmt not in MEASURE_FORMATS:
        raise InvalidInput(f'--format: "{fmt}" is not one of {", ".join(MEASURE_FORMATS)}')
    records = measure_records(report)
    if fmt == "csv":
        write_table_csv(path, MEASURE_COLUMNS, records)
    else:
        write_table_xlsx(path, "Measures", MEASURE_COLUMNS, records)
