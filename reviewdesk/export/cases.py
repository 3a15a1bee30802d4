"""The case list as it is shown (filtered and sorted), written to a workbook or a CSV file.

The columns are the case list's (`queries.CASE_COLUMNS`), the rows those of `queries.case_rows`
in the order given, with the engine's next due date: "not known" when the data can date none of
an open case's next meetings (a yearly return not imported), and why in a last column; "Next
meeting" is "not recorded" when none is ahead and one booked for a day now past was never
recorded, as the window shows it. Dates
are real dates in a workbook and dd/mm/yyyy in a CSV file, so it opens correctly in Excel with
UK settings. The schedule's table writers write the file (`export.writers`): whole, private,
never over the database, safe from formula injection. Whoever exports records it as data
leaving the system (`reviewdesk.actions.record_export`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from sqlalchemy.orm import Session

from reviewdesk import queries
from reviewdesk.casework.mapping import DueNotKnown, next_dues_shown
from reviewdesk.casework.register import Register
from reviewdesk.errors import InvalidInput
from reviewdesk.export.writers import write_table_csv, write_table_xlsx
from reviewdesk.vocabulary import NEXT_NOT_KNOWN, NEXT_NOT_RECORDED, format_uk

CASE_FORMATS = ("xlsx", "csv")
#: The export's last column, after `queries.CASE_COLUMNS`: why "Next due" is not known.
WHY_NOT_KNOWN = "Next due not known because"
#: Children read at a time (progress is reported after each page).
PAGE = 1000


def next_dues(
    session: Session, ids: Sequence[int], *, as_of: dt.date
) -> dict[int, dt.date | DueNotKnown]:
    """Child id -> the case list's "Next due" (`CaseStatus.next_due_shown`), for those of
    ``ids`` with an open case."""
    register = Register(session, as_of=as_of, children=ids, open_only=True)
    return next_dues_shown(register.statuses)


def _cell(row: queries.CaseRow, key: str, due: object) -> object:
    """A case list column's value, as the window shows it."""
    if key == "next_due":
        return NEXT_NOT_KNOWN if isinstance(due, DueNotKnown) else due
    if key == "next_meeting" and row.next_meeting_not_recorded:
        return NEXT_NOT_RECORDED
    return getattr(row, key)


def case_records(
    session: Session,
    ids: Sequence[int],
    *,
    as_of: dt.date,
    dues: Mapping[int, dt.date | DueNotKnown] | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> list[list[object]]:
    """One row of `queries.CASE_COLUMNS` values per child of ``ids``, in that order, then
    why its next due date is not known (empty when it is, or the case is closed).

    ``dues``: the next due dates already worked out (the window has them); read here when
    not given. Ids with no child are left out.
    """
    if dues is None:
        dues = next_dues(session, ids, as_of=as_of)
    records: list[list[object]] = []
    for start in range(0, len(ids), PAGE):
        page = ids[start : start + PAGE]
        found = queries.case_rows(session, page, as_of=as_of)
        for cid in page:
            row = found.get(cid)
            if row is None:
                continue
            due = dues.get(cid)
            unknown = isinstance(due, DueNotKnown)
            records.append(
                [_cell(row, key, due) for key, _title in queries.CASE_COLUMNS]
                + [due.reason if unknown else None]
            )
        if progress:
            progress(min(start + PAGE, len(ids)), len(ids), "Reading the cases")
    return records


def write_cases(records: Sequence[Sequence[object]], path: str | Path, fmt: str) -> None:
    """Write `case_records` to ``path`` as ``fmt`` ("xlsx" or "csv")."""
    if fmt not in CASE_FORMATS:
        raise InvalidInput(f'format: "{fmt}" is not one of {", ".join(CASE_FORMATS)}')
    header = [title for _key, title in queries.CASE_COLUMNS] + [WHY_NOT_KNOWN]
    if fmt == "xlsx":
        write_table_xlsx(path, "Cases", header, records)
    else:
        write_table_csv(path, header, records, _uk_text)


def _uk_text(value: object) -> object:
    """A CSV cell: dates as dd/mm/yyyy, nothing as an empty cell."""
    if isinstance(value, dt.date):
        return format_uk(value)
    return "" if value is None else value


def export_cases(
    session: Session,
    ids: Sequence[int],
    path: str | Path,
    *,
    as_of: dt.date,
    dues: Mapping[int, dt.date | DueNotKnown] | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> int:
    """Write the children ``ids`` (in that order) to ``path`` (.xlsx, else CSV); returns the
    number of rows written."""
    records = case_records(session, ids, as_of=as_of, dues=dues, progress=progress)
    fmt = "xlsx" if Path(path).suffix.lower() == ".xlsx" else "csv"
    write_cases(records, path, fmt)
    return len(records)
