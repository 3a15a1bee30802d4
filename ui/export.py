"""Exporting the case list as it is shown (filtered and sorted) to a spreadsheet or CSV file.

The rows are read in pages off the UI thread; dates are written as dates (xlsx) or
dd/mm/yyyy (csv), so the file opens correctly in Excel with UK settings. The core's table
writers write the file: whole, private, never over the database, safe from formula injection.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path

from reviewdesk import queries
from reviewdesk.export.writers import write_table_csv, write_table_xlsx
from reviewdesk.storage.db import Database
from ui.models.case_model import COLUMNS

PAGE = 1000


def export_cases(
    db: Database,
    ids: Sequence[int],
    path: Path,
    *,
    as_of: dt.date,
    next_dues: dict[int, dt.date] | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> int:
    """Write the children ``ids`` (in that order) to ``path`` (.xlsx or .csv); returns rows."""
    header = [title for _key, title in COLUMNS]
    rows: list[list[object]] = []
    for start in range(0, len(ids), PAGE):
        page = ids[start : start + PAGE]
        with db.session() as s:
            found = queries.case_rows(s, page, as_of=as_of)
        for cid in page:
            r = found.get(cid)
            if r is None:
                continue
            due = (next_dues or {}).get(cid)
            values = {"next_due": due, **{k: getattr(r, k) for k, _t in COLUMNS if k != "next_due"}}
            rows.append([values[key] for key, _title in COLUMNS])
        if progress:
            progress(min(start + PAGE, len(ids)), len(ids), "Reading the cases")
    if path.suffix.lower() == ".xlsx":
        write_table_xlsx(path, f"Cases {as_of:%d-%m-%Y}", header, rows)
    else:
        write_table_csv(path, header, rows, _uk_text)
    return len(rows)


def _uk_text(value: object) -> object:
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return "" if value is None else value
