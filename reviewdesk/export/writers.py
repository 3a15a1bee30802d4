"""Writing the schedule: CSV (ISO dates), Excel (real dates) and iCalendar (RFC 5545).

The iCalendar file carries a VTIMEZONE for Europe/London and local times in it, so Outlook
shows meetings at the right time across the clock changes. UIDs are stable (the same meeting
keeps its UID from one export to the next, so re-importing updates rather than duplicates).
Booked and held meetings are timed events (all-day when no time is recorded); next meetings
not yet booked are all-day events on their due date.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from zoneinfo import ZoneInfo

from reviewdesk.errors import InvalidInput
from reviewdesk.export.schedule import SCHEDULE_COLUMNS, ScheduleRow
from reviewdesk.vocabulary import format_uk, meeting_label

LONDON = ZoneInfo("Europe/London")
UID_DOMAIN = "reviewdesk"
MARKING = "OFFICIAL-SENSITIVE"
SCHEDULE_FORMATS = ("csv", "xlsx", "ics")


def _csv_value(value: object) -> object:
    if isinstance(value, dt.date | dt.time):
        return (
            value.isoformat(timespec="minutes") if isinstance(value, dt.time) else value.isoformat()
        )
    return "" if value is None else value


def write_schedule(rows: Sequence[ScheduleRow], path: str | Path, fmt: str) -> None:
    """Write the schedule rows to ``path`` as ``fmt`` ("csv", "xlsx" or "ics")."""
    if fmt not in SCHEDULE_FORMATS:
        raise InvalidInput(f'--format: "{fmt}" is not one of {", ".join(SCHEDULE_FORMATS)}')
    path = Path(path)
    try:
        if fmt == "csv":
            _write_csv(rows, path)
        elif fmt == "xlsx":
            _write_xlsx(rows, path)
        else:
            path.write_bytes(schedule_calendar(rows).to_ical())
    except OSError as exc:
        raise InvalidInput(f"-o: cannot write {path} ({exc.strerror or exc})") from None


def _write_csv(rows: Sequence[ScheduleRow], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.writer(fh)
        writer.writerow(SCHEDULE_COLUMNS)
        for row in rows:
            values = row.values()
            writer.writerow([_csv_value(values[c]) for c in SCHEDULE_COLUMNS])


def write_table_xlsx(
    path: Path, title: str, columns: Sequence[str], records: Sequence[Sequence[object]]
) -> None:
    """A one-sheet workbook: bold header, frozen, filterable; dates as real Excel dates.

    Written as a stream (openpyxl's write-only mode): a register's schedule is tens of
    thousands of rows, and building every cell as an object first took several times longer.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(max(1, len(columns)))}{len(records) + 1}"
    for index, name in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = max(12, len(name) + 2)
    bold = Font(bold=True)
    header = []
    for name in columns:
        cell = WriteOnlyCell(ws, value=name)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    date_cells: dict[int, WriteOnlyCell] = {}  # one reusable cell per date column

    def dated(index: int, value: dt.date) -> WriteOnlyCell:
        cell = date_cells.get(index)
        if cell is None:
            cell = date_cells[index] = WriteOnlyCell(ws)
            cell.number_format = "DD/MM/YYYY"
        cell.value = value
        return cell

    for record in records:
        ws.append([dated(i, v) if isinstance(v, dt.date) else v for i, v in enumerate(record)])
    wb.save(path)


def _write_xlsx(rows: Sequence[ScheduleRow], path: Path) -> None:
    records = []
    for row in rows:
        values = row.values()
        t = values["booked_time"]
        values["booked_time"] = t.strftime("%H:%M") if t else None
        records.append([values[c] if values[c] != "" else None for c in SCHEDULE_COLUMNS])
    write_table_xlsx(path, "Schedule", SCHEDULE_COLUMNS, records)


def meeting_uid(row: ScheduleRow) -> str:
    """Stable: a booked/held meeting by its id; an unbooked next meeting by case and number."""
    if row.meeting_id is not None:
        return f"meeting-{row.meeting_id}@{UID_DOMAIN}"
    return f"due-{row.child_key}-{row.process}-{row.meeting_type}-{row.sequence}@{UID_DOMAIN}"


def _title(row: ScheduleRow) -> str:
    label = meeting_label(row.meeting_type, row.sequence)
    prefix = "Due: " if row.meeting_id is None else ""
    return f"{prefix}{label} - {row.child_name or row.child_id} ({row.child_id})"


def schedule_calendar(rows: Sequence[ScheduleRow]):
    """An `icalendar.Calendar` of the rows that have a date, with a Europe/London VTIMEZONE."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//reviewdesk//schedule export//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "reviewdesk schedule")
    cal.add("x-wr-timezone", "Europe/London")
    stamp = dt.datetime.now(dt.UTC).replace(microsecond=0)
    for row in rows:
        day = row.held_date or row.booked_date or row.due_date
        if day is None:
            continue
        event = Event()
        event.add("uid", meeting_uid(row))
        event.add("dtstamp", stamp)
        event.add("summary", _title(row))
        if row.booked_time is not None and row.meeting_id is not None:
            begin = dt.datetime.combine(day, row.booked_time, tzinfo=LONDON)
            event.add("dtstart", begin)
            event.add("dtend", begin + dt.timedelta(minutes=row.duration_minutes or 90))
        else:
            event.add("dtstart", day)
            event.add("dtend", day + dt.timedelta(days=1))
            event.add("transp", "TRANSPARENT")
        lines = [
            MARKING,
            f"Child: {row.child_name} ({row.child_id})",
            f"Process: {row.process.upper()}; status: {row.status}",
        ]
        if row.due_date:
            lines.append(f"Due by: {format_uk(row.due_date)}")
        if row.chair:
            lines.append(f"Chair: {row.chair}")
        if row.flags:
            lines.append(f"Flags: {', '.join(row.flags)}")
        event.add("description", "\n".join(lines))
        event.add("class", "CONFIDENTIAL")
        if row.status in ("cancelled", "stood_down"):
            event.add("status", "CANCELLED")
        else:
            event.add("status", "CONFIRMED" if row.meeting_id is not None else "TENTATIVE")
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal
