"""The diary's week: one row per chair (or room), one column per day, the meetings in each
cell. Non-working days are shaded and named; double bookings are marked."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QFontMetrics

from reviewdesk.queries import DiaryEntry
from reviewdesk.scheduling import Booking, double_booked_resources
from reviewdesk.vocabulary import (
    LIVE_STATUSES,
    OUTCOME_NOT_RECORDED,
    RECORD_THE_OUTCOME,
    format_uk,
    format_uk_long,
)
from ui import theme
from ui.models import ROOT, IdRole, SortRole

UNASSIGNED = "Not allocated"
#: The lines a row's name may take in its heading (a row has room for two at least).
NAME_LINES = 2


def day_forms(d: dt.date) -> tuple[str, ...]:
    """A day's heading, longest first: 'Mon 08/04/2024', 'Mon 08/04', 'Mon 08' (the week
    is named above the diary), '08'. Always the day before the month, never US order."""
    weekday = format_uk_long(d).split(" ", 1)[0]
    return (format_uk_long(d), f"{weekday} {d:%d/%m}", f"{weekday} {d:%d}", f"{d:%d}")


def week_clashes(entries: list[DiaryEntry]) -> dict[int, list[str]]:
    """Meeting id -> the resources it is double-booked on, among the live ones (booked,
    held or adjourned: `LIVE_STATUSES`, as the booking check, the double-booking flags and
    the weekly schedule count them) (`double_booked_resources`); touches no widget, so it
    can run off the UI thread."""
    return double_booked_resources(
        Booking(e.day, e.start, e.minutes, e.chair_id, e.room_id, e.clerk_id, e.meeting_id)
        for e in entries
        if e.status in LIVE_STATUSES
    )


class DiaryWeekModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.days: list[dt.date] = []
        self.resources: list[tuple[int | None, str]] = []
        self.cells: dict[tuple[int, int], list[DiaryEntry]] = {}
        self.clashes: dict[int, list[str]] = {}
        self.non_working: dict[dt.date, str] = {}
        self.by = "chair"
        self.today: dt.date | None = None
        #: Whether the person may book (a free slot's tip offers booking only then).
        self.bookable = False
        #: The days' headings as fitted to their columns (`fit_headings`); the longest
        #: form until then.
        self._form = 0
        self._room: tuple[QFontMetrics, int] | None = None
        self._names_room: tuple[QFontMetrics, int] | None = None  # `fit_names`

    def set_week(
        self,
        monday: dt.date,
        entries: list[DiaryEntry],
        resources: list[tuple[int, str]],
        *,
        by: str,
        calendar,
        clashes: dict[int, list[str]] | None = None,
    ) -> None:
        """Lay out the week's entries; ``by`` is "chair", "room" or "clerk" (a row each);
        ``clashes``: `week_clashes(entries)` when already worked out (off the UI thread)."""
        self.beginResetModel()
        self.by = by
        days = [monday + dt.timedelta(days=i) for i in range(7)]
        used_weekend = {e.day for e in entries if e.day.weekday() >= 5}
        self.days = [d for d in days if d.weekday() < 5 or d in used_weekend]
        self.non_working = {}
        for d in self.days:
            if not calendar.is_working_day(d):
                self.non_working[d] = calendar.non_working_reason(d) or "Not a working day"
        key = self.key
        names = dict(resources)
        in_week = {key(e) for e in entries}
        rows = [(rid, name) for rid, name in resources if rid in in_week]
        rows += [(rid, name) for rid, name in resources if rid not in in_week]
        if None in in_week:
            rows.append((None, UNASSIGNED))
        for rid in in_week - set(names) - {None}:  # inactive staff/rooms still booked
            name = next(self.row_name(e) for e in entries if key(e) == rid)
            rows.append((rid, name))
        self.resources = rows
        row_of = {rid: n for n, (rid, _name) in enumerate(rows)}
        col_of = {d: n for n, d in enumerate(self.days)}
        self.cells = {}
        for e in entries:
            if e.day in col_of:
                self.cells.setdefault((row_of[key(e)], col_of[e.day]), []).append(e)
        self.clashes = week_clashes(entries) if clashes is None else clashes
        self._form = self._fitting_form()
        self.endResetModel()

    def fit_headings(self, metrics: QFontMetrics, room: int) -> None:
        """Fit the days' headings to columns ``room`` pixels wide (for their text) in the
        headings' font: the longest form of the date that fits every day (`day_forms`),
        and a bank holiday's or closure's name cut short with "…" (whole in the tip)."""
        if self._room is not None and self._room[1] == room and self._room[0] == metrics:
            return
        self._room = (metrics, room)
        self._form = self._fitting_form()
        if self.days:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.days) - 1)

    def fit_names(self, metrics: QFontMetrics, room: int) -> None:
        """Fit the rows' names (chairs, rooms, clerks) to ``room`` pixels in the headings'
        font, over two lines where one is too short (`row_heading`): the header cut a long
        name mid-letter ("Agnieszka Th") in a narrow window or at 200%."""
        if self._names_room == (metrics, room):
            return
        self._names_room = (metrics, room)
        if self.resources:
            self.headerDataChanged.emit(Qt.Orientation.Vertical, 0, len(self.resources) - 1)

    def row_heading(self, section: int) -> str:
        """A row's name as shown: on one line where it fits, else its words over
        `NAME_LINES` lines, the last cut short with "…" if the name is longer still (whole
        in the tip)."""
        name = self.resources[section][1]
        if self._names_room is None:
            return name
        metrics, room = self._names_room
        words, lines = name.split(), []
        while words and len(lines) < NAME_LINES - 1:
            line = words.pop(0)
            while words and metrics.horizontalAdvance(f"{line} {words[0]}") <= room:
                line += " " + words.pop(0)
            lines.append(line)
        if words:
            lines.append(" ".join(words))
        elide = Qt.TextElideMode.ElideRight
        return "\n".join(metrics.elidedText(line, elide, max(room, 0)) for line in lines)

    def _fitting_form(self) -> int:
        if self._room is None or not self.days:
            return 0
        metrics, room = self._room
        last = len(day_forms(self.days[0])) - 1
        for form in range(last):
            if all(metrics.horizontalAdvance(day_forms(d)[form]) <= room for d in self.days):
                return form
        return last

    def day_heading(self, d: dt.date) -> str:
        """A day's heading as shown: its date (as fitted) over "Today" or why it is not a
        working day."""
        text = day_forms(d)[self._form]
        reason = self.non_working.get(d) or ("Today" if d == self.today else "")
        if reason and self._room is not None:
            metrics, room = self._room
            reason = metrics.elidedText(reason, Qt.TextElideMode.ElideRight, max(room, 0))
        return f"{text}\n{reason}"

    def key(self, e: DiaryEntry) -> int | None:
        """The row an entry goes in: its chair's, room's or clerk's."""
        return {"chair": e.chair_id, "room": e.room_id, "clerk": e.clerk_id}[self.by]

    def row_name(self, e: DiaryEntry) -> str:
        return {"chair": e.chair, "room": e.room, "clerk": e.clerk}[self.by]

    def other(self, e: DiaryEntry) -> str:
        """What a cell says besides the child: the room (by chair), else the chair."""
        return e.room if self.by == "chair" else e.chair

    def resource_at(self, row: int) -> int | None:
        """The chair, room or clerk of a row (None: the "Not allocated" row)."""
        return self.resources[row][0] if 0 <= row < len(self.resources) else None

    def entries_at(self, row: int, column: int) -> list[DiaryEntry]:
        return self.cells.get((row, column), [])

    def clash_count(self) -> int:
        return len(self.clashes)

    def not_recorded(self, e: DiaryEntry) -> bool:
        """Booked for a day before the as-of date and never recorded (the core's test, as
        the "outcome not recorded" flag has it): not a meeting still to come."""
        return self.today is not None and e.outcome_not_recorded(self.today)

    def not_recorded_count(self) -> int:
        return sum(self.not_recorded(e) for cell in self.cells.values() for e in cell)

    # --- Qt model API ---------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(self.resources)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(self.days)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            if not 0 <= section < len(self.days):
                return None
            d = self.days[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return self.day_heading(d)
            if role == Qt.ItemDataRole.ToolTipRole:
                reason = self.non_working.get(d) or ("Today" if d == self.today else "")
                return f"{format_uk_long(d)}: {reason}" if reason else format_uk_long(d)
            return None
        if not 0 <= section < len(self.resources):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.row_heading(section)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.resources[section][1]  # the whole name, when cut short
        return None

    def _text(self, e: DiaryEntry) -> str:
        time = e.start.strftime("%H:%M") if e.start else "All day"
        other = self.other(e)
        line = f"{time} {e.child_name} — {e.label}"
        if other:
            line += f"\n      {other}"
        if e.meeting_id in self.clashes:
            line += "\n      ⚠ double booked: " + ", ".join(self.clashes[e.meeting_id])
        if self.not_recorded(e):
            line += f"\n      {OUTCOME_NOT_RECORDED}"
        return line

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid():
            return None
        if not (0 <= index.row() < len(self.resources) and 0 <= index.column() < len(self.days)):
            return None
        entries = self.entries_at(index.row(), index.column())
        day = self.days[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            text = "\n".join(self._text(e) for e in entries)
            if not entries and day in self.non_working:
                return self.non_working[day]
            return text
        if role == SortRole:
            return len(entries)
        if role == IdRole:
            return entries[0].meeting_id if entries else None
        if role == Qt.ItemDataRole.ToolTipRole:
            if not entries:
                return self.non_working.get(day)
            return "\n\n".join(
                f"{e.child_name}: {e.label}\n{format_uk(e.day)} "
                f"{e.start.strftime('%H:%M') if e.start else ''} ({e.minutes} min)\n"
                f"Chair: {e.chair or '—'}\nRoom: {e.room or '—'}\nClerk: {e.clerk or '—'}"
                + (
                    f"\n{OUTCOME_NOT_RECORDED.capitalize()}: {RECORD_THE_OUTCOME}"
                    if self.not_recorded(e)
                    else ""
                )
                for e in entries
            )
        if role == Qt.ItemDataRole.BackgroundRole:
            dark = theme.is_dark()
            if any(e.meeting_id in self.clashes for e in entries):
                return QBrush(theme.CLASH_DARK if dark else theme.CLASH_LIGHT)
            if day in self.non_working:
                return QBrush(theme.CLOSED_DARK if dark else theme.CLOSED_LIGHT)
        if role == Qt.ItemDataRole.ForegroundRole and not entries and day in self.non_working:
            return QBrush(theme.text_colour("amber"))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return "; ".join(self._text(e).replace("\n", " ") for e in entries) or "free"
        if role == Qt.ItemDataRole.StatusTipRole and not entries:
            return "Free: Enter or double-click to book a meeting here" if self.bookable else "Free"
        return None
