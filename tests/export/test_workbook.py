"""The streamed workbook (`reviewdesk.export.workbook`) against openpyxl's write of the same rows.

The reference here is the writer the exports used before (openpyxl's write-only mode, one
reusable styled cell per column and kind). Both files are read back with openpyxl and must
agree cell by cell: value, type, number format, quote prefix and bold; and sheet by sheet:
title, frozen header, filter range and column widths. Checked on a demo authority's schedule
and on awkward values (formula payloads, error codes, characters XML forbids, text too long
for a cell, leading spaces, negative and fractional numbers, booleans, dates, date-times and
times).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from reviewdesk.export import SCHEDULE_COLUMNS, schedule_rows, write_schedule
from reviewdesk.export.workbook import sheet_titles
from reviewdesk.export.writers import write_table_xlsx, write_tables_xlsx
from reviewdesk.safefiles import is_formula_like
from tests.actions.shortcuts import generate_demo
from tests.test_safefiles import PAYLOADS

D = dt.date


def _text(value: str) -> str:
    value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    return value if len(value) <= 32_767 else value[:32_766] + "…"


def openpyxl_workbook(
    path: Path, sheets: Iterable[tuple[str, Sequence[str], Sequence[Sequence[object]]]]
) -> None:
    """The reference: each sheet as the exports wrote it with openpyxl (write-only mode)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = openpyxl.Workbook(write_only=True)
    for title, columns, records in sheets:
        ws = wb.create_sheet(_text(title)[:31] or "Sheet")
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = f"A1:{get_column_letter(max(1, len(columns)))}{len(records) + 1}"
        for index, name in enumerate(columns, start=1):
            ws.column_dimensions[get_column_letter(index)].width = max(12, len(name) + 2)
        header = []
        for name in columns:
            cell = WriteOnlyCell(ws, value=_text(name))
            cell.data_type = "s"
            cell.font = Font(bold=True)
            header.append(cell)
        ws.append(header)
        for record in records:
            cells: list[Any] = []
            for value in record:
                if isinstance(value, str):
                    cell = WriteOnlyCell(ws, value=_text(value))
                    cell.data_type = "s"
                    cell.quotePrefix = is_formula_like(_text(value))
                    cells.append(cell)
                elif isinstance(value, dt.date):
                    cell = WriteOnlyCell(ws, value=value)
                    cell.number_format = "DD/MM/YYYY"
                    cells.append(cell)
                else:
                    cells.append(value)
            ws.append(cells)
    wb.save(path)


def _cells(path: Path) -> list[tuple[Any, ...]]:
    """Everything a person (or Excel) sees of a workbook, sheet by sheet and cell by cell."""
    wb = openpyxl.load_workbook(path)
    out: list[tuple[Any, ...]] = []
    for ws in wb.worksheets:
        widths = {k: d.width for k, d in ws.column_dimensions.items() if d.width}
        out.append((ws.title, ws.freeze_panes, ws.auto_filter.ref, widths, ws.max_row))
        for row in ws.iter_rows():
            for c in row:
                if c.value is None:
                    continue
                fmt = c.number_format if c.is_date else None
                out.append((c.coordinate, c.value, c.data_type, fmt, c.quotePrefix, bool(c.font.b)))
    return out


def _schedule_records(rows) -> list[list[object]]:
    """The records the export gave openpyxl: empty text as no value, the time as hh:mm."""
    at = SCHEDULE_COLUMNS.index("booked_time")
    out = []
    for row in rows:
        values = [None if v == "" else v for v in row.record()]
        if values[at] is not None:
            values[at] = values[at].strftime("%H:%M")
        out.append(values)
    return out


def test_the_schedule_workbook_has_openpyxls_cells(db, tmp_path):
    as_of = D(2025, 12, 10)
    generate_demo(db, children=150, seed=11, as_of=as_of)
    with db.session() as s:
        rows = schedule_rows(s, as_of=as_of)
    assert len(rows) > 100
    ours, theirs = tmp_path / "ours.xlsx", tmp_path / "theirs.xlsx"
    write_schedule(rows, ours, "xlsx")
    openpyxl_workbook(theirs, [("Schedule", SCHEDULE_COLUMNS, _schedule_records(rows))])
    seen = _cells(ours)
    assert seen == _cells(theirs)
    kinds = {(c[2], c[3]) for c in seen[1:]}
    assert {("s", None), ("n", None), ("d", "DD/MM/YYYY")} <= kinds  # text, numbers, dates


AWKWARD: list[list[object]] = [
    *[
        [text, i, -5 - i, -0.25 * i, D(2025, 1, 6 + i), i % 2 == 0]
        for i, text in enumerate(PAYLOADS)
    ],
    *[[code, None, None, None, None, None] for code in ("#N/A", "#DIV/0!", "#REF!", "#VALUE!")],
    ["Ann\x01\x0bLee", 0, 10**12, 1e-7, dt.datetime(2024, 3, 31, 1, 30), True],
    ["x" * 40_000, None, None, 2.5, None, False],
    ["  leading and trailing  ", None, None, None, D(1900, 1, 1), None],
    ["<b>&amp; \"quoted\" 'text'</b>", None, None, None, D(2100, 12, 31), None],
    ["line one\nline two", None, None, None, dt.time(14, 30), None],
    ["Zoë Ọkafor Łukasz — ✓ 👍", None, None, None, None, None],
    ["", None, None, None, None, None],
]


def test_awkward_values_are_written_as_openpyxl_wrote_them(tmp_path):
    columns = ["=payload", "n", "negative", "ratio", "due", "flag"]
    ours, theirs = tmp_path / "ours.xlsx", tmp_path / "theirs.xlsx"
    write_table_xlsx(ours, "=Odd [sheet]"[:5], columns, iter(AWKWARD))  # read once, as a stream
    openpyxl_workbook(theirs, [("=Odd [sheet]"[:5], columns, AWKWARD)])
    assert _cells(ours) == _cells(theirs)


def test_several_sheets_with_the_same_or_empty_names(tmp_path):
    sheets = [
        ("Raised", ["Team", "Raised"], [["North", 3], ["South", 0]]),
        ("raised", ["When"], [[D(2024, 4, 1)]]),
        ("", [], []),
        ("A very long title that Excel would cut short", ["x"], [["y"]]),
    ]
    ours, theirs = tmp_path / "ours.xlsx", tmp_path / "theirs.xlsx"
    write_tables_xlsx(ours, sheets)
    openpyxl_workbook(theirs, sheets)
    assert _cells(ours) == _cells(theirs)


def test_sheet_names_excel_refuses_are_refused(tmp_path):
    with pytest.raises(ValueError, match="Invalid character"):
        sheet_titles(["Q1/Q2"])
    with pytest.raises(ValueError):
        write_table_xlsx(tmp_path / "bad.xlsx", "Q1/Q2", ["x"], [["y"]])
    assert list(tmp_path.iterdir()) == []
