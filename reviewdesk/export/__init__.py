"""Export: the meeting schedule (CSV, Excel, iCalendar) and the timeliness measures (CSV, Excel).

schedule_rows(session, *, as_of, start=None, include_called_off=False, chair_ids=None,
              room_ids=None, clerk_ids=None) -> list[ScheduleRow]
write_schedule(rows, path, fmt, *, child_names=False)   # fmt: "csv", "xlsx" or "ics"
export_schedule(session, path, fmt, *, as_of, start=None, chair_ids=..., ...) -> rows
write_measures(report, path, fmt)          # fmt: "csv" or "xlsx"
"""

from reviewdesk.export.measures_export import MEASURE_COLUMNS, measure_records, write_measures
from reviewdesk.export.schedule import (
    SCHEDULE_COLUMNS,
    ScheduleRow,
    find_rooms,
    find_staff,
    schedule_rows,
)
from reviewdesk.export.writers import export_schedule, write_schedule

__all__ = [
    "MEASURE_COLUMNS",
    "SCHEDULE_COLUMNS",
    "ScheduleRow",
    "export_schedule",
    "find_rooms",
    "find_staff",
    "measure_records",
    "schedule_rows",
    "write_measures",
    "write_schedule",
]
