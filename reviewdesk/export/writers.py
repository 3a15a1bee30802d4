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
import functools
from collections.abc import Callable, Collection, Iterable, Sequence
from pathlib import Path

from sqlalchemy.orm import Session

from reviewdesk.errors import InvalidInput
from reviewdesk.export.schedule import SCHEDULE_COLUMNS, ScheduleRow, schedule_rows
from reviewdesk.export.workbook import write_workbook
from reviewdesk.invitations.requests import calendar_title, child_words
from reviewdesk.overlaps import length
from reviewdesk.safefiles import (
    FORMULA_TRIGGERS,
    neutralise_cell,
    output_file,
    write_output,
)
from reviewdesk.vocabulary import (
    CALLED_OFF_STATUSES,
    OUTCOME_NOT_RECORDED,
    format_uk,
    meeting_label,
)

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
        write_output(path, schedule_ics(rows, child_names=child_names))


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
    """The rows' records with the time as hh:mm (empty text is an empty cell already)."""
    at = SCHEDULE_COLUMNS.index("booked_time")
    times: dict[dt.time, str] = {}

    def record(row: ScheduleRow) -> Sequence[object]:
        values = row.record()
        t = row.booked_time
        if t is None:
            return values
        hhmm = times.get(t) or times.setdefault(t, t.strftime("%H:%M"))
        return (*values[:at], hhmm, *values[at + 1 :])

    write_table_xlsx(path, "Schedule", SCHEDULE_COLUMNS, map(record, rows))


def meeting_uid(row: ScheduleRow) -> str:
    """Stable: a booked/held meeting by its id; an unbooked next meeting by case and number."""
    if row.meeting_id is not None:
        return f"meeting-{row.meeting_id}@{UID_DOMAIN}"
    return f"due-{row.child_key}-{row.process}-{row.meeting_type}-{row.sequence}@{UID_DOMAIN}"


def ics_text(value: str) -> str:
    """A TEXT value as RFC 5545 writes it: backslash, semicolon and comma escaped, line
    breaks as ``\\n``."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


#: The longest line of an iCalendar file, in bytes (RFC 5545 3.1), its line break aside.
ICS_LINE_BYTES = 75


def ics_line(line: str) -> str:
    """``line`` folded as RFC 5545 asks: at most 75 bytes a line, each continuation starting
    with a space, never inside a character; with its line break."""
    if len(line) <= ICS_LINE_BYTES and line.isascii():
        return line + "\r\n"
    parts = []
    start, size, limit = 0, 0, ICS_LINE_BYTES
    for i, char in enumerate(line):
        width = 1 if char < "\x80" else len(char.encode())
        if size + width > limit:
            parts.append(line[start:i])
            start, size, limit = i, 0, ICS_LINE_BYTES - 1  # after the leading space
        size += width
    parts.append(line[start:])
    return "\r\n ".join(parts) + "\r\n"


@functools.cache
def london_vtimezone() -> str:
    """Europe/London's VTIMEZONE (icalendar's, for 1970 to 2038), once per run."""
    from icalendar import Timezone

    return Timezone.from_tzid("Europe/London").to_ical().decode()


def event_description(row: ScheduleRow, *, child_names: bool) -> str:
    """A meeting's calendar event's description: the marking, the child (by name or ID),
    process and status (`ScheduleRow.status_words`: ", outcome not recorded" after it when
    its day passed unrecorded), due date, place, chair, clerk and flags, a line each."""
    about = [
        MARKING,
        f"Child: {child_words(row.child_name, row.child_id, child_names=child_names)}",
        f"Process: {row.process.upper()}; status: {row.status_words.replace('_', ' ')}",
    ]
    if row.due_date:
        about.append(f"Due by: {format_uk(row.due_date)}")
    if row.location:
        about.append(f"Where: {row.location}")
    if row.chair:
        about.append(f"Chair: {row.chair}")
    if row.clerk:
        about.append(f"Clerk: {row.clerk}")
    if row.flags:
        about.append(f"Flags: {', '.join(row.flags)}")
    return "\n".join(about)


#: A meeting whose day passed unrecorded, first in its event's title ("Outcome not recorded:
#: LAC review 2 - C0001"), as the dashboard's week says it.
_NOT_RECORDED_PREFIX = f"{OUTCOME_NOT_RECORDED.capitalize()}: "


def schedule_ics(
    rows: Sequence[ScheduleRow], *, child_names: bool = False, stamp: dt.datetime | None = None
) -> str:
    """The iCalendar file of the rows that have a date (see the module's description), with
    a Europe/London VTIMEZONE when any meeting has a time. ``stamp``: the DTSTAMP (now, UTC).

    Each event is written as text: an `icalendar` object per event took over a second per
    thousand meetings. Read back by `icalendar`, the events are those an `icalendar.Calendar`
    of the same rows makes (tests/export/test_schedule_ics.py)."""
    stamp = (stamp or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    stamped = f"DTSTAMP:{stamp:%Y%m%dT%H%M%S}Z\r\n"
    labels: dict[tuple[str, int | None], str] = {}
    days: dict[dt.date, str] = {}
    events: list[str] = []
    timed = False
    for row in rows:
        day = row.held_date or row.booked_date or row.due_date
        if day is None:
            continue
        key = (row.meeting_type, row.sequence)
        label = labels.get(key) or labels.setdefault(key, meeting_label(*key))
        prefix = "Due: " if row.meeting_id is None else ""
        called_off = row.status in CALLED_OFF_STATUSES
        if called_off:
            prefix = "Cancelled: "
        elif row.outcome_not_recorded:  # its day passed unrecorded: not one still to come
            prefix = _NOT_RECORDED_PREFIX
        title = calendar_title(label, row.child_name, row.child_id, child_names=child_names)
        lines = ["BEGIN:VEVENT\r\n", ics_line(f"SUMMARY:{ics_text(prefix + title)}")]
        at_a_time = row.booked_time is not None and row.meeting_id is not None
        if at_a_time:
            timed = True
            begin = dt.datetime.combine(day, row.booked_time)
            end = begin + dt.timedelta(minutes=length(row.duration_minutes))
            lines.append(f"DTSTART;TZID=Europe/London:{begin:%Y%m%dT%H%M%S}\r\n")
            lines.append(f"DTEND;TZID=Europe/London:{end:%Y%m%dT%H%M%S}\r\n")
        else:
            ymd = days.get(day) or days.setdefault(day, f"{day:%Y%m%d}")
            after = day + dt.timedelta(days=1)
            lines.append(f"DTSTART;VALUE=DATE:{ymd}\r\n")
            lines.append(f"DTEND;VALUE=DATE:{after:%Y%m%d}\r\n")
        lines.append(stamped)
        lines.append(ics_line(f"UID:{ics_text(meeting_uid(row))}"))
        lines.append("CLASS:CONFIDENTIAL\r\n")
        about = event_description(row, child_names=child_names)
        lines.append(ics_line(f"DESCRIPTION:{ics_text(about)}"))
        if row.location:
            lines.append(ics_line(f"LOCATION:{ics_text(row.location)}"))
        if called_off:
            lines.append("STATUS:CANCELLED\r\n")
        else:
            lines.append(
                "STATUS:CONFIRMED\r\n" if row.meeting_id is not None else "STATUS:TENTATIVE\r\n"
            )
        if not at_a_time:
            lines.append("TRANSP:TRANSPARENT\r\n")  # all day: leaves the day free
        lines.append("END:VEVENT\r\n")
        events.append("".join(lines))
    head = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//reviewdesk//schedule export//EN\r\n"
        "CALSCALE:GREGORIAN\r\nX-WR-CALNAME:reviewdesk schedule\r\n"
        "X-WR-TIMEZONE:Europe/London\r\n"
    )
    return head + (london_vtimezone() if timed else "") + "".join(events) + "END:VCALENDAR\r\n"
