"""Workbooks written as a stream: the few SpreadsheetML parts a table needs, zipped.

openpyxl makes, styles and serialises a cell object per value, some 15 µs each, even in its
write-only mode: a 100,000-child register's schedule (1.8 million cells) took 25 s. A table
of plain values needs little of the format, so each row is written here as one string: text
in the shared string table (each distinct text cleaned, escaped and stored once), numbers as
numbers, booleans as booleans, dates as Excel serial numbers shown dd/mm/yyyy. Each sheet has
a bold header row, frozen, with a filter over every row and a width for each column.

Text is only ever text: never a formula, never an error code; text a spreadsheet would run as
a formula (`reviewdesk.safefiles.is_formula_like`) also carries Excel's "quote prefix", so it
stays text when the cell is edited. Characters XML forbids are replaced and text is cut to
the 32,767 characters a cell holds, as openpyxl did before. What a table needs and openpyxl
would write the same way is checked cell by cell against openpyxl's own write
(tests/export/test_workbook.py).
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
import zipfile
from collections.abc import Iterable, Sequence
from typing import IO
from xml.sax.saxutils import escape

from reviewdesk.safefiles import is_formula_like

#: The most characters an Excel cell holds.
XLSX_MAX_TEXT = 32_767
#: The most characters in a sheet's name.
MAX_TITLE = 31
#: Characters XML 1.0 does not allow (control characters other than tab, newline and
#: carriage return), replaced by U+FFFD.
ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
#: Characters Excel does not allow in a sheet's name.
BAD_TITLE = re.compile(r"[\\*?:/\[\]]")
#: Rows joined and compressed at a time.
CHUNK_ROWS = 2000

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_EXCEL_EPOCH_DATE = _EXCEL_EPOCH.date()

# Cell styles (indexes into cellXfs in `_STYLES`).
_BOLD, _DATE, _QUOTED, _TIME = 1, 2, 3, 4
_STYLES = (
    f'{_XML}<styleSheet xmlns="{_MAIN}">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="DD/MM/YYYY"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="5">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/>'
    '<xf numFmtId="21" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def clean_text(value: str) -> str:
    """Text Excel can hold: characters XML forbids replaced, at most 32,767 characters."""
    value = ILLEGAL_XML.sub("\ufffd", value)
    return value if len(value) <= XLSX_MAX_TEXT else value[: XLSX_MAX_TEXT - 1] + "…"


def column_letter(index: int) -> str:
    """'A' for 1, 'Z' for 26, 'AA' for 27."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def sheet_titles(titles: Iterable[str]) -> list[str]:
    """Each title as a sheet can be named: cleaned, at most 31 characters ("Sheet" when
    empty), a repeated name numbered (Excel compares names ignoring case). Characters Excel
    forbids in a name are a `ValueError`, as openpyxl made them."""
    out: list[str] = []
    for title in titles:
        name = clean_text(title)[:MAX_TITLE] or "Sheet"
        bad = BAD_TITLE.search(name)
        if bad:
            raise ValueError(f"Invalid character {bad.group(0)} found in sheet title")
        taken = {n.casefold() for n in out}
        base, n = name, 0
        while name.casefold() in taken:
            n += 1
            name = f"{base[: MAX_TITLE - len(str(n))]}{n}"
        out.append(name)
    return out


class _Strings:
    """The shared string table: each distinct text cleaned and stored once."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}  # as given -> its place in ``texts``
        self.texts: list[str] = []  # as written
        #: As given -> the end of a cell holding it; empty text is a cell with no value.
        self.tails: dict[str, str] = {"": "/>"}

    def add(self, value: str) -> int:
        """The index of ``value`` (cleaned) in the table."""
        found = self.index.get(value)
        if found is None:
            found = self.index[value] = len(self.texts)
            self.texts.append(clean_text(value))
        return found

    def tail(self, value: str) -> str:
        """What follows ``<c r="A2"`` in a cell of ``value``: its style, type and index."""
        found = self.tails.get(value)
        if found is None:
            i = self.add(value)
            style = f' s="{_QUOTED}"' if is_formula_like(self.texts[i]) else ""
            found = self.tails[value] = f'{style} t="s"><v>{i}</v></c>'
        return found

    def xml(self) -> str:
        items = "".join(
            f'<si><t xml:space="preserve">{escape(t)}</t></si>'
            if t != t.strip()
            else f"<si><t>{escape(t)}</t></si>"
            for t in self.texts
        )
        return f'{_XML}<sst xmlns="{_MAIN}" uniqueCount="{len(self.texts)}">{items}</sst>'


def _serial(value: dt.date) -> str:
    """An Excel serial number (days since 30/12/1899, the fraction the time of day)."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            raise TypeError("Excel does not support timezones in dates: convert to UTC first")
        delta = value - _EXCEL_EPOCH
        days: float = delta.days
        seconds = delta.seconds + delta.microseconds / 1e6
    else:
        days, seconds = (value - _EXCEL_EPOCH_DATE).days, 0.0
    if 0 < days <= 60:  # Excel counts a 29/02/1900 that never was
        days -= 1
    return repr(days + seconds / 86400) if seconds else str(days)


def _date_tail(value: dt.date, dates: dict[dt.date, str]) -> str:
    found = dates.get(value)
    if found is None:
        found = dates[value] = f' s="{_DATE}"><v>{_serial(value)}</v></c>'
    return found


def _other_tail(value: object, strings: _Strings, dates: dict[dt.date, str]) -> str:
    """What follows ``<c r="A2"`` for a value that is not plain text, a plain whole number,
    a date or None (those are written in `_sheet`'s loop)."""
    if isinstance(value, bool):
        return f' t="b"><v>{int(value)}</v></c>'
    if isinstance(value, float):
        return f"><v>{float(value)!r}</v></c>"
    if isinstance(value, int | decimal.Decimal):
        return f"><v>{value}</v></c>"
    if isinstance(value, dt.date):
        return _date_tail(value, dates)
    if isinstance(value, str):
        return strings.tail(str(value))
    if isinstance(value, dt.time):
        if value.tzinfo is not None:
            raise TypeError("Excel does not support timezones in times")
        seconds = value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6
        return f' s="{_TIME}"><v>{seconds / 86400!r}</v></c>'
    raise ValueError(f"Cannot convert {value!r} to Excel")


def _sheet(
    zf: zipfile.ZipFile,
    number: int,
    columns: Sequence[str],
    records: Iterable[Sequence[object]],
    strings: _Strings,
) -> int:
    """Write sheet ``number``'s part; returns its number of rows (the header included)."""
    letters = [column_letter(i) for i in range(1, max(1, len(columns)) + 1)]
    widths = "".join(
        f'<col min="{i}" max="{i}" width="{max(12, len(name) + 2)}" customWidth="1"/>'
        for i, name in enumerate(columns, start=1)
    )
    header = "".join(
        f'<c r="{letters[i]}1" s="{_BOLD}" t="s"><v>{strings.add(name)}</v></c>'
        for i, name in enumerate(columns)
    )
    dates: dict[dt.date, str] = {}
    tails = strings.tails
    date = dt.date
    row_number = 1
    with zf.open(f"xl/worksheets/sheet{number}.xml", "w") as part:
        part.write(
            (
                f'{_XML}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}"><sheetViews>'
                '<sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
                'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" '
                'activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
                '<sheetFormatPr defaultRowHeight="15"/>'
                + (f"<cols>{widths}</cols>" if widths else "")
                + f'<sheetData><row r="1">{header}</row>'
            ).encode()
        )
        chunk: list[str] = []
        for record in records:
            row_number += 1
            r = str(row_number)
            if len(record) > len(letters):
                letters += [column_letter(i) for i in range(len(letters) + 1, len(record) + 1)]
            cells: list[str] = []
            add = cells.append
            # The commonest values inline: this loop runs once per cell.
            for i, value in enumerate(record):
                cls = value.__class__
                if cls is str:
                    tail = tails.get(value) or strings.tail(value)
                elif value is None:
                    continue
                elif cls is int:
                    tail = f"><v>{value}</v></c>"
                elif cls is date:
                    tail = dates.get(value) or _date_tail(value, dates)
                else:
                    tail = _other_tail(value, strings, dates)
                add(f'<c r="{letters[i]}{r}"{tail}')
            chunk.append(f'<row r="{r}">{"".join(cells)}</row>')
            if len(chunk) >= CHUNK_ROWS:
                part.write("".join(chunk).encode())
                chunk = []
        last = letters[max(1, len(columns)) - 1]
        chunk.append(f'</sheetData><autoFilter ref="A1:{last}{row_number}"/></worksheet>')
        part.write("".join(chunk).encode())
    return row_number


def write_workbook(
    fh: IO[bytes], sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence[object]]]]
) -> None:
    """Write a workbook of ``sheets`` (title, column names, rows of values) to ``fh``.

    Values may be text, whole or decimal numbers, booleans, dates, date-times, times or None
    (an empty cell); anything else is a `ValueError`. Rows are read once, as they come."""
    sheets = list(sheets)
    titles = sheet_titles(title for title, _columns, _records in sheets)
    strings = _Strings()
    filters = []
    # The fastest deflate: the text is very repetitive, so it still shrinks about sixfold.
    with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for number, (title, (_title, columns, records)) in enumerate(
            zip(titles, sheets, strict=True), start=1
        ):
            rows = _sheet(zf, number, columns, records, strings)
            last = column_letter(max(1, len(columns)))
            quoted = "'" + title.replace("'", "''") + "'"
            filters.append(
                f'<definedName name="_xlnm._FilterDatabase" localSheetId="{number - 1}" '
                f'hidden="1">{escape(quoted)}!$A$1:${last}${rows}</definedName>'
            )
        zf.writestr("xl/sharedStrings.xml", strings.xml())
        zf.writestr("xl/styles.xml", _STYLES)
        n = len(titles)
        zf.writestr(
            "xl/workbook.xml",
            f'{_XML}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
            '<bookViews><workbookView activeTab="0"/></bookViews><sheets>'
            + "".join(
                f'<sheet name="{escape(t, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
                for i, t in enumerate(titles, start=1)
            )
            + "</sheets>"
            + (f"<definedNames>{''.join(filters)}</definedNames>" if filters else "")
            + "</workbook>",
        )
        sheet_type = f"{_REL}/worksheet"
        zf.writestr(
            "xl/_rels/workbook.xml.rels",
            f'{_XML}<Relationships xmlns="{_PKG_REL}">'
            + "".join(
                f'<Relationship Id="rId{i}" Type="{sheet_type}" Target="worksheets/sheet{i}.xml"/>'
                for i in range(1, n + 1)
            )
            + f'<Relationship Id="rId{n + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId{n + 2}" Type="{_REL}/sharedStrings" '
            'Target="sharedStrings.xml"/></Relationships>',
        )
        zf.writestr(
            "_rels/.rels",
            f'{_XML}<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" '
            f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        sheet_ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
        ml = "application/vnd.openxmlformats-officedocument.spreadsheetml"
        zf.writestr(
            "[Content_Types].xml",
            f'{_XML}<Types xmlns="{_TYPES}">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{ml}.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{ml}.styles+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{ml}.sharedStrings+xml"/>'
            + "".join(
                f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{sheet_ct}"/>'
                for i in range(1, n + 1)
            )
            + "</Types>",
        )
