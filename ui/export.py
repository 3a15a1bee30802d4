"""Exporting the case list as it is shown (filtered and sorted) to a spreadsheet or CSV file.

The rows are read in pages off the UI thread; dates are written as dates (xlsx) or
dd/mm/yyyy (csv), so the file opens correctly in Excel with UK settings.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path

from reviewdesk import queries
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
        _write_xlsx(path, header, rows, as_of)
    else:
        with path.open("w", newline="", encoding="utf-8-sig") as fh:  # BOM: Excel reads UTF-8
            writer = csv.writer(fh)
            writer.writerow(header)
            for row in rows:
                writer.writerow(
                    [v.strftime("%d/%m/%Y") if isinstance(v, dt.date) else v for v in row]
                )
    return len(rows)


def _write_xlsx(path: Path, header: list[str], rows: list[list[object]], as_of: dt.date) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = f"Cases {as_of:%d-%m-%Y}"
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for column in sheet.iter_cols(min_row=2):
        for cell in column:
            if isinstance(cell.value, dt.date):
                cell.number_format = "DD/MM/YYYY"
    for letter, width in zip("ABCDEFGH", (28, 14, 24, 30, 10, 12, 14, 22), strict=False):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    book.save(path)
