"""The chase list to a spreadsheet (CSV or Excel), one row per report to chase, with the same
columns and the same safety as every export (`reviewdesk.export.writers`)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from reviewdesk.errors import InvalidInput
from reviewdesk.export.writers import write_table_csv, write_table_xlsx
from reviewdesk.invitations.chase import CHASE_COLUMNS, ChaseRow, chase_record

CHASE_FORMATS = ("csv", "xlsx")


def write_chase(rows: Sequence[ChaseRow], path: str | Path, fmt: str) -> None:
    """Write the chase list to ``path`` as ``fmt`` ("csv" or "xlsx")."""
    if fmt not in CHASE_FORMATS:
        raise InvalidInput(f'format: "{fmt}" is not one of {", ".join(CHASE_FORMATS)}')
    records = [chase_record(r) for r in rows]
    if fmt == "csv":
        write_table_csv(path, CHASE_COLUMNS, records)
    else:
        write_table_xlsx(path, "Reports to chase", CHASE_COLUMNS, records)


__all__ = ["CHASE_FORMATS", "write_chase"]
