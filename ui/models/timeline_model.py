"""A child's history in one table: periods of care, enquiries, CP plans and meetings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush

from reviewdesk.casedues import NotJudged
from reviewdesk.codes import CP_CATEGORY, PARTICIPATION, REASON_FOR_CLOSURE, MeetingStatus
from reviewdesk.flags.deadlines import AfterDue
from reviewdesk.queries import ChildDetail
from reviewdesk.vocabulary import DUE_NOT_KNOWN, OUTCOME_NOT_RECORDED
from reviewdesk.vocabulary import NOT_JUDGED as NOT_JUDGED_WORDS
from reviewdesk.vocabulary import format_uk as uk
from ui import theme
from ui.duedates import DueItem
from ui.models import ROOT, IdRole, SortRole


@dataclass(frozen=True)
class TimelineRow:
    when: dt.date
    kind: str  # "period", "enquiry", "plan", "meeting", "due"
    event: str
    due: dt.date | None = None
    booked: dt.date | None = None
    held: dt.date | None = None
    timescale: str = ""  # "In timescale", "Out of timescale", "Overdue", "Not judged", ""
    details: str = ""
    explanation: str = ""
    meeting_id: int | None = None
    status: str = ""


COLUMNS = ("Date", "Event", "Due", "Booked", "Held", "Timescale", "Details")


#: What the timescale column says of a meeting the data cannot judge.
NOT_JUDGED = NOT_JUDGED_WORDS.capitalize()
DUE_NOT_KNOWN_TEXT = DUE_NOT_KNOWN.capitalize()


def _span(start: dt.date, end: dt.date | None, end_unknown: bool = False) -> str:
    if end is not None and end_unknown:
        return f"{uk(start)} – by {uk(end)} (end date not in the data)"
    return f"{uk(start)} – {uk(end) if end else 'now'}"


def build_rows(
    detail: ChildDetail,
    dues: list[DueItem] | None,
    as_of: dt.date,
    not_judged: list[NotJudged] | None = None,
    awaited: Mapping[int, Sequence[AfterDue]] | None = None,
) -> list[TimelineRow]:
    """Merge the child's history with the engine's due dates, newest first; a meeting the
    data cannot judge says so, and why."""
    by_meeting = {d.meeting_id: d for d in dues or [] if d.meeting_id is not None}
    unknown = {n.meeting_id: n for n in not_judged or [] if n.meeting_id is not None}
    rows: list[TimelineRow] = []
    for p in detail.periods:
        rows.append(
            TimelineRow(
                when=p.start,
                kind="period",
                event="Period of care",
                details=f"{_span(p.start, p.end, p.end_unknown)}; IRO {p.iro or 'not allocated'}",
            )
        )
    for e in detail.enquiries:
        start = e.strategy_date or e.notified_date
        if start is None:
            continue
        what = "Strategy discussion (s47)" if e.route == "s47" else "Transfer-in notified"
        extra = "; conference not required" if e.icpc_not_required else ""
        if e.closed_date is not None:
            by = "by " if e.closed_unknown else ""
            reason = REASON_FOR_CLOSURE.get(e.closed_reason or "", "")
            extra += f"; closed {by}{uk(e.closed_date)}" + (f" ({reason})" if reason else "")
        rows.append(TimelineRow(when=start, kind="enquiry", event=what, details=extra.lstrip("; ")))
    for p in detail.plans:
        category = CP_CATEGORY.get(p.category, p.category)
        rows.append(
            TimelineRow(
                when=p.start,
                kind="plan",
                event="CP plan",
                details=f"{_span(p.start, p.end, p.end_unknown)}; "
                f"{category or 'category not recorded'}; "
                f"chair {p.chair or 'not allocated'}",
            )
        )
    for m in detail.meetings:
        due = by_meeting.get(m.id)
        when = m.held_date or m.booked_date or (due.due if due else as_of)
        timescale = ""
        why = unknown.get(m.id)
        if why is not None:
            timescale = NOT_JUDGED
        elif due is not None and due.in_timescale is not None:
            timescale = "In timescale" if due.in_timescale else "Out of timescale"
        elif due is not None and m.status == MeetingStatus.BOOKED.value:
            if due.overdue:
                timescale = "Overdue"
            elif m.booked_date and m.booked_date > due.due:
                timescale = "Booked too late"
            else:
                timescale = "Booked in time"
        status = MeetingStatus(m.status).name.replace("_", " ").capitalize()
        if m.outcome_not_recorded(as_of):  # its day passed, never recorded: not still to come
            status += f", {OUTCOME_NOT_RECORDED}"
        bits = [status]
        # Its decisions and minutes not yet recorded: when they are due (``awaited``), first,
        # where the column is wide enough to show them.
        bits.extend(a.awaited_text(as_of) for a in (awaited or {}).get(m.id, ()))
        if m.booked_time and m.status == MeetingStatus.BOOKED.value:
            bits.append(m.booked_time.strftime("%H:%M"))
        if m.room:
            bits.append(m.room)
        if m.chair:
            bits.append(f"chair {m.chair}")
        if m.participation:  # the 903 code with its meaning, as the recording dialog shows it
            meaning = PARTICIPATION.get(m.participation)
            bits.append(f"{m.participation} — {meaning}" if meaning else m.participation)
        if m.late_reason:
            bits.append(f"late: {m.late_reason}")
        if m.cancel_reason:
            bits.append(f"reason: {m.cancel_reason}")
        if len(m.parts) > 1:
            bits.append("held in parts: " + ", ".join(uk(d) for d in m.parts))
        rows.append(
            TimelineRow(
                when=when,
                kind="meeting",
                event=due.label if due else why.label if why else m.label,
                due=due.due if due else None,
                booked=m.booked_date,
                held=m.held_date,
                timescale=timescale,
                details="; ".join(bits),
                explanation=(why.reason if why else due.explanation if due else ""),
                meeting_id=m.id,
                status=m.status,
            )
        )
    for d in dues or []:
        if d.meeting_id is None:
            overdue = d.due < as_of
            rows.append(
                TimelineRow(
                    when=d.due,
                    kind="due",
                    event=d.label,
                    due=d.due,
                    timescale="Overdue" if overdue else "Not yet booked",
                    details=(
                        "book the earliest date you can (Enter)"
                        if overdue
                        else f"book by {uk(d.book_by)}"
                        if d.book_by
                        else ""
                    ),
                    explanation=d.explanation,
                )
            )
    for n in not_judged or []:
        if n.meeting_id is None:
            rows.append(
                TimelineRow(
                    when=as_of,
                    kind="due",
                    event=n.label,
                    timescale=DUE_NOT_KNOWN_TEXT,
                    details=n.reason,
                    explanation=n.reason,
                )
            )
    rows.sort(key=lambda r: (r.when, r.kind != "period"), reverse=True)
    return rows


class TimelineModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[TimelineRow] = []

    def set_rows(self, rows: list[TimelineRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> TimelineRow:
        return self._rows[row]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(COLUMNS):
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        r = self._rows[index.row()]
        values = (r.when, r.event, r.due, r.booked, r.held, r.timescale, r.details)
        value = values[index.column()]
        if role == SortRole:
            return value
        if role == IdRole:
            return r.meeting_id
        if role == Qt.ItemDataRole.DisplayRole:
            return uk(value) if isinstance(value, dt.date) else value
        if role == Qt.ItemDataRole.ToolTipRole:
            if index.column() == len(COLUMNS) - 1:  # the details, often cut short
                return r.details or None
            return r.explanation or r.details or None
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 5:
            if r.timescale in ("Out of timescale", "Overdue", "Booked too late"):
                return QBrush(theme.text_colour("red"))
            if r.timescale in ("In timescale", "Booked in time"):
                return QBrush(theme.text_colour("green"))
            if r.timescale in (NOT_JUDGED, DUE_NOT_KNOWN_TEXT):
                return QBrush(theme.text_colour("amber"))
        return None
