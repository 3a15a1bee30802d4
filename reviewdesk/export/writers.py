"""Writing the schedule: CSV (ISO dates), Excel (real dates) and iCalendar (RFC 5545).

Every file goes through `reviewdesk.safefiles` (written whole, mode 600, never over the
database). Spreadsheet cells are safe from formula injection: in CSV, text a spreadsheet
would run as a formula (starting ``=``, ``+``, ``-``, ``@``, tab or carriage return) gets a
leading apostrophe; in Excel every text is stored as text (never a formula, never an error
code), with Excel's own "quote prefix" on such text. Numbers and dates stay numbers and dates.

The iCalendar file carries a VTIMEZONE for Europe/London and local times in it, so Outlook
shows meetings at the right time across the clock changes. UIDs are stable (the same meeting
keeps its UID from one export to the next, so re-importing updates rather than duplicates).
Booked and held meetings are timed events (all-day when no time is recorded), with the room,
venue and address as LOCATION and the chair and clerk in the description; next meetings not
yet booked are all-day events on their due date; cancelled and stood-down meetings (when the
rows include them) are STATUS:CANCELLED, so a calendar that imported them takes them out.
Titles and descriptions name the child by ID only, unless ``child_names`` (the council's
``calendar_child_names`` setting): a shared calendar is seen by many.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Collection, Iterable, Sequence
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from reviewdesk.errors import InvalidInput
from reviewdesk.export.schedule import SCHEDULE_COLUMNS, ScheduleRow, schedule_rows
from reviewdesk.export.workbook import write_workbook
from reviewdesk.invitations.requests import calendar_title, child_words
from reviewdesk.safefiles import (
    FORMULA_TRIGGERS,
    neutralise_cell,
    output_file,
    write_output,
)
from reviewdesk.vocabulary import CALLED_OFF_STATUSES, format_uk, meeting_label

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


def write_schedule(
    rows: Sequence[ScheduleRow], path: str | Path, fmt: str, *, child_names: bool = False
) -> None:
    """Write the schedule rows to ``path`` as ``fmt`` ("csv", "xlsx" or "ics");
    ``child_names`` puts children's names in calendar titles (see the module)."""
    if fmt not in SCHEDULE_FORMATS:
        raise InvalidInput(f'--format: "{fmt}" is not one of {", ".join(SCHEDULE_FORMATS)}')
    if fmt == "csv":
        write_table_csv(path, SCHEDULE_COLUMNS, (row.record() for row in rows), _csv_value)
    elif fmt == "xlsx":
        _write_xlsx(rows, path)
    else:
        write_output(path, schedule_calendar(rows, child_names=child_names).to_ical())


def export_schedule(
    session: Session,
    path: str | Path,
    fmt: str,
    *,
    as_of: dt.date,
    start: dt.date | None = None,
    chair_ids: Collection[int] | None = None,
    room_ids: Collection[int] | None = None,
    clerk_ids: Collection[int] | None = None,
) -> list[ScheduleRow]:
    """The schedule written to ``path`` as the command line and the window export it: an
    iCalendar file includes the meetings called off (STATUS:CANCELLED) and names children
    as the council's ``calendar_child_names`` setting says. Returns the rows written."""
    from reviewdesk.settings import get_setting

    if fmt not in SCHEDULE_FORMATS:
        raise InvalidInput(f'--format: "{fmt}" is not one of {", ".join(SCHEDULE_FORMATS)}')
    rows = schedule_rows(
        session,
        as_of=as_of,
        start=start,
        include_called_off=fmt == "ics",
        chair_ids=chair_ids,
        room_ids=room_ids,
        clerk_ids=clerk_ids,
    )
    child_names = bool(get_setting(session, "calendar_child_names"))
    write_schedule(rows, path, fmt, child_names=child_names)
    return rows


def write_table_csv(
    path: str | Path,
    columns: Sequence[str],
    records: Iterable[Sequence[object]],
    text: Callable[[object], object] = _csv_value,
) -> None:
    """A CSV file (UTF-8 with a BOM, so Excel reads it): a header, then one line per record,
    each value through ``text`` (dates to text) and then made safe from formula injection.

    Text and whole numbers are written as they are (``text`` is for the other values), with
    `neutralise_cell`'s test inlined: a register's schedule is nearly two million cells."""
    triggers = FORMULA_TRIGGERS
    with output_file(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([neutralise_cell(c) for c in columns])
        writer.writerows(
            [
                ("'" + v if v.startswith(triggers) else v)
                if v.__class__ is str
                else v
                if v.__class__ is int
                else neutralise_cell(text(v))
                for v in record
            ]
            for record in records
        )


def write_table_xlsx(
    path: str | Path, title: str, columns: Sequence[str], records: Iterable[Sequence[object]]
) -> None:
    """A one-sheet workbook: bold header, frozen, filterable; dates as real Excel dates,
    numbers as numbers, every text as text (see the module's description).

    Written as a stream (`reviewdesk.export.workbook`): a register's schedule is nearly two
    million cells, too many to make an object of each."""
    write_tables_xlsx(path, [(title, columns, records)])


def write_tables_xlsx(
    path: str | Path, sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence[object]]]]
) -> None:
    """A workbook of several sheets, each (title, columns, records) written as
    `write_table_xlsx` writes its one."""
    with output_file(path, "wb") as fh:
        write_workbook(fh, sheets)


def _write_xlsx(rows: Sequence[ScheduleRow], path: str | Path) -> None:
    """The rows' records with the time as hh:mm and empty text as an empty cell."""
    at = SCHEDULE_COLUMNS.index("booked_time")
    times: dict[dt.time, str] = {}

    def record(row: ScheduleRow) -> list[object]:
        values = [None if v == "" else v for v in row.record()]
        t = values[at]
        if t is not None:
            values[at] = times.get(t) or times.setdefault(t, t.strftime("%H:%M"))  # type: ignore[arg-type]
        return values

    write_table_xlsx(path, "Schedule", SCHEDULE_COLUMNS, (record(row) for row in rows))


def meeting_uid(row: ScheduleRow) -> str:
    """Stable: a booked/held meeting by its id; an unbooked next meeting by case and number."""
    if row.meeting_id is not None:
        return f"meeting-{row.meeting_id}@{UID_DOMAIN}"
    return f"due-{row.child_key}-{row.process}-{row.meeting_type}-{row.sequence}@{UID_DOMAIN}"


def _title(row: ScheduleRow, child_names: bool) -> str:
    label = meeting_label(row.meeting_type, row.sequence)
    prefix = "Due: " if row.meeting_id is None else ""
    if row.status in CALLED_OFF_STATUSES:
        prefix = "Cancelled: "
    return prefix + calendar_title(label, row.child_name, row.child_id, child_names=child_names)


def schedule_calendar(rows: Sequence[ScheduleRow], *, child_names: bool = False):
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
        event.add("summary", _title(row, child_names))
        if row.booked_time is not None and row.meeting_id is not None:
            begin = dt.datetime.combine(day, row.booked_time, tzinfo=LONDON)
            event.add("dtstart", begin)
            event.add("dtend", begin + dt.timedelta(minutes=row.duration_minutes or 90))
        else:
            event.add("dtstart", day)
            event.add("dtend", day + dt.timedelta(days=1))
            event.add("transp", "TRANSPARENT")
        if row.location:
            event.add("location", row.location)
        who = child_words(row.child_name, row.child_id, child_names=child_names)
        lines = [
            MARKING,
            f"Child: {who}",
            f"Process: {row.process.upper()}; status: {row.status.replace('_', ' ')}",
        ]
        if row.due_date:
            lines.append(f"Due by: {format_uk(row.due_date)}")
        if row.location:
            lines.append(f"Where: {row.location}")
        if row.chair:
            lines.append(f"Chair: {row.chair}")
        if row.clerk:
            lines.append(f"Clerk: {row.clerk}")
        if row.flags:
            lines.append(f"Flags: {', '.join(row.flags)}")
        event.add("description", "\n".join(lines))
        event.add("class", "CONFIDENTIAL")
        if row.status in CALLED_OFF_STATUSES:
            event.add("status", "CANCELLED")
        else:
            event.add("status", "CONFIRMED" if row.meeting_id is not None else "TENTATIVE")
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal
