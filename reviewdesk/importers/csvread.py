"""Reading the CSV files councils actually send: Excel's encodings, BOMs and stray rows.

Columns are found by their header name (case-insensitive, trimmed), so reordered columns and
extra columns do not matter; missing required columns are reported, all at once. The text is
tried as UTF-8 (with or without a byte-order mark) and then as Windows-1252, which is what
Excel writes when it saves "CSV (Comma delimited)" on a UK PC. Rows that are entirely blank
(Excel leaves ",,,,," rows at the end) are skipped. A file that is not text at all (an .xlsx
workbook, a zip, a PDF) is refused with a message saying what it looks like.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from reviewdesk.importers.report import ImportIssue

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a zip file (perhaps an Excel .xlsx workbook)"),
    (b"\xd0\xcf\x11\xe0", "an old-style Excel .xls workbook"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
)


class CsvRow:
    """One record: values are found by column name and trimmed when read."""

    __slots__ = ("number", "_record", "_index")

    def __init__(self, number: int, record: list[str], index: dict[str, int]) -> None:
        self.number = number  # spreadsheet row: the header is row 1
        self._record = record
        self._index = index  # column name (upper case) -> position, for the columns wanted

    def __getitem__(self, column: str) -> str:
        """The trimmed text, "" when empty or when the row is short."""
        position = self._index.get(column)
        if position is None or position >= len(self._record):
            return ""
        return self._record[position].strip()

    @property
    def values(self) -> dict[str, str]:
        """Every wanted column's text (for comparing rows)."""
        return {name: self[name] for name in self._index}


@dataclass(frozen=True)
class CsvTable:
    label: str
    columns: tuple[str, ...]  # as found, upper case, in file order
    rows: list[CsvRow]
    encoding: str


def decode_text(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was read with: UTF-16 by BOM, UTF-8, else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def binary_kind(data: bytes) -> str | None:
    """What a file that is not text looks like ("a PDF document"), or None for text."""
    for signature, what in _SIGNATURES:
        if data.startswith(signature):
            return what
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "a binary file"
    return None


def _delimiter(header_line: str) -> str:
    """Comma, unless the header plainly uses semicolons or tabs (Excel in some locales)."""
    if "," in header_line:
        return ","
    for candidate in (";", "\t"):
        if candidate in header_line:
            return candidate
    return ","


def normalise_header(name: str) -> str:
    return name.replace("\ufeff", "").replace("\xa0", " ").strip().strip('"').strip().upper()


def read_csv(
    path: str | Path,
    *,
    required: Iterable[str],
    optional: Iterable[str] = (),
    label: str | None = None,
    child_column: str = "CHILD",
) -> tuple[CsvTable | None, list[ImportIssue]]:
    """Read a CSV file into rows keyed by column name, or say why it cannot be read.

    Returns the table (None when the file cannot be used at all) and the file-level issues.
    A row-level issue found here names its child from ``child_column`` when it can.
    """
    path = Path(path)
    label = label or path.name
    required = tuple(c.upper() for c in required)
    wanted = set(required) | {c.upper() for c in optional}

    def fail(message: str, row: int = 0, column: str = "") -> tuple[None, list[ImportIssue]]:
        return None, [ImportIssue(label, row, column, None, message)]

    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return fail(f"file not found: {path}")
    except IsADirectoryError:
        return fail(f"this is a folder, not a file: {path}")
    except OSError as exc:
        return fail(f"cannot read the file: {exc.strerror or exc}")
    if not data.strip():
        return fail("the file is empty")
    kind = binary_kind(data)
    if kind:
        hint = "; in Excel use Save As, CSV (Comma delimited)" if "Excel" in kind else ""
        return fail(f"this is {kind}, not a CSV file{hint}")
    text, encoding = decode_text(data)
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    if first_line.lstrip().startswith("<"):
        return fail("this looks like an XML or HTML file, not a CSV file")

    try:
        records = list(
            csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=_delimiter(first_line))
        )
    except csv.Error as exc:
        return fail(f"not a readable CSV file: {exc}")
    # Skip blank lines before the header (rare, but Excel users insert them).
    start = 0
    while start < len(records) and not any(v.strip() for v in records[start]):
        start += 1
    if start == len(records):
        return fail("the file has no header row")
    header = [normalise_header(h) for h in records[start]]
    header_row = start + 1

    issues: list[ImportIssue] = []
    index: dict[str, int] = {}
    for position, name in enumerate(header):
        if not name:
            continue
        if name in index and name in wanted:
            issues.append(
                ImportIssue(
                    label, header_row, name, None, "this column appears twice in the header"
                )
            )
        index.setdefault(name, position)
    found = ", ".join(h for h in header if h) or "nothing"
    for column in required:
        if column not in index:
            issues.append(
                ImportIssue(
                    label,
                    header_row,
                    column,
                    None,
                    f"missing column (the header row has: {found})",
                )
            )
    if issues:
        return None, issues

    keep = {name: position for name, position in index.items() if name in wanted}
    width = len(header)
    rows: list[CsvRow] = []
    for offset, record in enumerate(records[start + 1 :], start=header_row + 1):
        if not "".join(record).strip():
            continue
        if len(record) > width and any(v.strip() for v in record[width:]):
            child_at = index.get(child_column)
            child = record[child_at].strip() if child_at is not None else ""
            issues.append(
                ImportIssue(
                    label,
                    offset,
                    "",
                    None,
                    f"this row has {len(record)} values but the header has {width} columns "
                    "(a comma inside a value that is not in quotes?)",
                    child or None,
                )
            )
            continue
        rows.append(CsvRow(offset, record, keep))
    return CsvTable(label, tuple(h for h in header if h), rows, encoding), issues
