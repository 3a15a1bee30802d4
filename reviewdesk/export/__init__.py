"""Export: the meeting schedule (CSV, Excel, iCalendar) and the timeliness measures (CSV, Excel).

schedule_rows(session, *, as_of, start=None) -> list[ScheduleRow]
write_schedule(rows, path, fmt)            # fmt: "csv", "xlsx" or "ics"
write_measures(report, path, fmt)          # fmt: "csv" or "xlsx"
"""

from reviewdesk.export.measures_export import MEASURE_COLUMNS, measure_records, write_measures
from reviewdesk.export.schedule import SCHEDULE_COLUMNS, ScheduleRow, schedule_rows
from reviewdesk.export.writers import write_schedule

__all__ = [
    "MEASURE_COLUMNS",
    "SCHEDULE_COLUMNS",
    "ScheduleRow",
    "measure_records",
    "schedule_rows",
    "write_measures",
    "write_schedule",
]
