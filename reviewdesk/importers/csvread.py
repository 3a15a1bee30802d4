"""Reading the CSV files councils actually send, as a stream: Excel's encodings, BOMs, stray rows.

Columns are found by their header name (case-insensitive, trimmed), so reordered columns and
extra columns do not matter; missing required columns are reported, all at once, from the
header alone: a file that is not the one expected (an episodes file given as the header
file, say) is refused before its rows are read. The text is UTF-8 (with or without a
byte-order mark) or, failing that, Windows-1252, which is what Excel writes when it saves
"CSV (Comma delimited)" on a UK PC; which one is decided by a first pass over the bytes, so
rows are then read one at a time and memory stays small whatever the file's size. Rows that
are entirely blank (Excel leaves ",,,,," rows at the end) are skipped. A file that is not
text at all (an .xlsx workbook, a zip, a PDF) is refused with a message saying what it
looks like.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reviewdesk.errors import InvalidInput
from reviewdesk.importers.report import ImportIssue
from reviewdesk.safefiles import check_input

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a zip file (perhaps an Excel .xlsx workbook)"),
    (b"\xd0\xcf\x11\xe0", "an old-style Excel .xls workbook"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
)
_CHUNK = 1 << 16


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
    def values(self) -> tuple[str, ...]:
        """Every wanted column's text, in a fixed order (for comparing rows)."""
        return tuple(self[name] for name in self._index)


@dataclass
class CsvTable:
    """A CSV file whose header has been read: ``rows()`` reads its records, once."""

    label: str
    columns: tuple[str, ...]  # as found, upper case, in file order
    encoding: str
    _path: Path
    _header_row: int
    _delimiter: str
    _index: dict[str, int]
    _width: int
    _child_column: str
    #: Problems found while reading rows (rows with too many values), added as they occur.
    issues: list[ImportIssue]

    def _records(self, reader: Any) -> Iterator[list[str]]:
        """``reader``'s records, until one the csv module cannot read (a value longer than
        its limit of 131,072 characters): that is an issue naming the file and row, and the
        rest of the file is not read (it was an error the command line called unexpected)."""
        while True:
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                why = str(exc)
                if "field larger than field limit" in why:
                    why = f"a value is longer than {csv.field_size_limit():,} characters"
                row = self._header_row + reader.line_num
                message = f"this row cannot be read ({why}), nor the rest of the file"
                self.issues.append(ImportIssue(self.label, row, "", None, message))
                return
            yield record

    def rows(self) -> Iterator[CsvRow]:
        with _text(self._path, self.encoding) as text:
            reader = csv.reader(_lines_after(text, self._header_row), delimiter=self._delimiter)
            for offset, record in enumerate(self._records(reader), start=self._header_row + 1):
                if not "".join(record).strip():
                    continue
                if len(record) > self._width and any(v.strip() for v in record[self._width :]):
                    child_at = self._index.get(self._child_column)
                    child = record[child_at].strip() if child_at is not None else ""
                    self.issues.append(
                        ImportIssue(
                            self.label,
                            offset,
                            "",
                            None,
                            f"this row has {len(record)} values but the header has "
                            f"{self._width} columns (a comma inside a value that is not in "
                            "quotes?)",
                            child or None,
                        )
                    )
                    continue
                yield CsvRow(offset, record, self._index)


def _lines_after(text: io.TextIOBase, header_row: int) -> Iterator[str]:
    """The file's lines after the header row (line numbers as csv counts them: a quoted
    value spanning lines is rare in these files and counted as csv does)."""
    for number, line in enumerate(text, start=1):
        if number > header_row:
            yield line


def _text(path: Path, encoding: str) -> io.TextIOWrapper:
    codec = {"utf-8": "utf-8-sig", "utf-16": "utf-16"}.get(encoding, encoding)
    return open(path, encoding=codec, newline="")  # noqa: SIM115 - closed by the caller


def binary_kind(data: bytes) -> str | None:
    """What a file that is not text looks like ("a PDF document"), or None for text."""
    for signature, what in _SIGNATURES:
        if data.startswith(signature):
            return what
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "a binary file"
    return None


def detect_encoding(path: Path) -> str:
    """UTF-16 by BOM, UTF-8 if every byte decodes, else Windows-1252 (else Latin-1): one pass
    over the file a chunk at a time."""
    with path.open("rb") as fh:
        head = fh.read(2)
        if head in (b"\xff\xfe", b"\xfe\xff"):
            return "utf-16"
        fh.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := fh.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
            return "utf-8"
        except UnicodeDecodeError:
            pass
        fh.seek(0)
        decoder = codecs.getincrementaldecoder("cp1252")()
        try:
            while chunk := fh.read(_CHUNK):
                decoder.decode(chunk)
            return "cp1252"
        except UnicodeDecodeError:
            return "latin-1"


def decode_text(data: bytes) -> tuple[str, str]:
    """Some bytes as text, and the encoding read: UTF-16 by BOM, UTF-8, else Windows-1252."""
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
    """Open a CSV file and read its header, or say why it cannot be used.

    Returns the table (None when the file cannot be used at all) and the file-level issues;
    the table's ``rows()`` then reads the records one at a time. A row-level issue found
    while reading names its child from ``child_column`` when it can.
    """
    path = Path(path)
    label = label or path.name
    required = tuple(c.upper() for c in required)
    wanted = set(required) | {c.upper() for c in optional}

    def fail(message: str, row: int = 0, column: str = "") -> tuple[None, list[ImportIssue]]:
        return None, [ImportIssue(label, row, column, None, message)]

    try:
        check_input(path)  # before opening it: a named pipe would wait for ever
    except InvalidInput as exc:
        return fail(str(exc))
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
            nonblank = bool(head.strip()) or _any_nonblank(fh)
    except FileNotFoundError:
        return fail(f"file not found: {path}")
    except OSError as exc:
        return fail(f"cannot read the file: {exc.strerror or exc}")
    if not nonblank:
        return fail("the file is empty")
    kind = binary_kind(head)
    if kind:
        hint = "; in Excel use Save As, CSV (Comma delimited)" if "Excel" in kind else ""
        return fail(f"this is {kind}, not a CSV file{hint}")
    encoding = detect_encoding(path)

    # The header: the first line that is not blank.
    header_row, header_line = 0, ""
    with _text(path, encoding) as text:
        for number, line in enumerate(text, start=1):
            if line.strip(" \t\r\n,;\ufeff"):
                header_row, header_line = number, line.lstrip("\ufeff")
                break
    if not header_row:
        return fail("the file has no header row")
    if header_line.lstrip().startswith("<"):
        return fail("this looks like an XML or HTML file, not a CSV file")
    delimiter = _delimiter(header_line)
    try:
        header = [normalise_header(h) for h in next(csv.reader([header_line], delimiter=delimiter))]
    except csv.Error as exc:
        return fail(f"not a readable CSV file: {exc}")

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
    table = CsvTable(
        label=label,
        columns=tuple(h for h in header if h),
        encoding=encoding,
        _path=path,
        _header_row=header_row,
        _delimiter=delimiter,
        _index=keep,
        _width=len(header),
        _child_column=child_column,
        issues=issues,
    )
    return table, issues


def _any_nonblank(fh: io.BufferedReader) -> bool:
    while chunk := fh.read(_CHUNK):
        if chunk.strip():
            return True
    return False
