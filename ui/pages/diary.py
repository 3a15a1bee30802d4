"""Diary: a week at a time, a row per chair, room or clerk, with bank holidays, closure days
and double bookings marked. Narrow it to one chair, team, clerk or room; an IRO sees their
own meetings ("My meetings"). Enter or double-click on a meeting opens the child; on a free
slot it books a meeting there (for the child you then choose).

In the window (``background``) the week is read, and its double bookings found, off the UI
thread (`read_week`): a busy week at national scale is thousands of meetings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPoint, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QMenu,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from reviewdesk import queries
from reviewdesk.codes import Role
from reviewdesk.queries import DiaryEntry
from reviewdesk.reports import weekly
from reviewdesk.scheduling import Booking
from reviewdesk.storage.db import Database
from reviewdesk.vocabulary import OUTCOME_NOT_RECORDED, format_uk_long, week_start
from ui.context import AppContext
from ui.dialogs import date_edit, from_qdate
from ui.diary_delegate import DiaryDelegate, entry_at
from ui.models.diary_model import DiaryWeekModel, week_clashes
from ui.pages import Page, label
from ui.prompts import prompts
from ui.tasks import Task, run_in_background

#: What the diary can be narrowed to: (key, words).
NARROW_BY = (
    (None, "All meetings"),
    ("chair", "One chair"),
    ("team", "One team"),
    ("clerk", "One clerk"),
    ("room", "One room"),
)

#: The row names' column: this wide when there is room (or as wide as the longest name),
#: never more than a quarter of the week when there is not (1366x768 at 200%), the names
#: then cut short with "…" (whole in their tips), so the days keep room for their meetings.
NAMES_WIDTH = 140
NAMES_SHARE = 4
NAMES_LEAST = 72
#: Room either side of a heading's text: the style sheet's padding and the section's edge.
HEADING_PADDING = 16


@dataclass(frozen=True)
class Week:
    """A week of the diary as read (`read_week`): what the page lays out."""

    monday: dt.date
    by: str  # "chair", "room" or "clerk": a row each
    narrowed: tuple[tuple[str, int], ...]  # `DiaryPage.narrowed_to`'s items
    entries: list[DiaryEntry]
    resources: list[tuple[int, str]]
    clashes: dict[int, list[str]]


def read_week(db: Database, monday: dt.date, by: str, narrowed: dict[str, int]) -> Week:
    """The week's meetings, its rows and its double bookings; touches no widget, so it can
    run off the UI thread."""
    with db.session() as s:
        entries = queries.diary_entries(s, monday, monday + dt.timedelta(days=6), **narrowed)
        entries = weekly.numbered_as_scheduled(s, entries)  # as the printed week names them
        resources = {"chair": queries.chairs, "room": queries.rooms, "clerk": queries.clerks}[by](s)
    if f"{by}_id" in narrowed:  # one chair (room, clerk): their row only
        resources = [(i, n) for i, n in resources if i == narrowed[f"{by}_id"]]
    elif narrowed:  # a team, or a clerk shown by chair: the rows with meetings
        used = {DiaryPage.model_key(e, by) for e in entries}
        resources = [(i, n) for i, n in resources if i in used]
    return Week(
        monday, by, tuple(sorted(narrowed.items())), entries, resources, week_clashes(entries)
    )


class DiaryPage(Page):
    title = "Diary"
    shows = frozenset({"meeting", "child", "staff", "room", "closure_day", "setting"})
    #: A meeting opened (Enter or double-click): its child's id and its own.
    open_child = Signal(int, int)

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, *, background: bool = False
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.background = background
        self._task: Task | None = None
        self._asked = 0  # weeks asked for in the background; only the latest is shown
        self.monday = week_start(ctx.as_of)
        self.model = DiaryWeekModel(self)

        self.by = QComboBox()
        self.by.setAccessibleName("Show the diary by")
        self.by.addItem("A row per chair", "chair")
        self.by.addItem("A row per room", "room")
        self.by.addItem("A row per clerk", "clerk")
        self.narrow = QComboBox()
        self.narrow.setAccessibleName("Narrow the diary to")
        for key, words in NARROW_BY:
            self.narrow.addItem(words, key)
        self.narrow_to = QComboBox()
        self.narrow_to.setAccessibleName("Which one")
        self.narrow_to.setMinimumContentsLength(8)
        self.narrow_to.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.narrow_to.setEnabled(False)
        self.narrow_to.setVisible(False)  # (an empty list, until there is something to choose)
        self.mine = QPushButton("My meetings")
        self.mine.setCheckable(True)
        self.mine.setAccessibleName("Only the meetings I chair")
        self.mine.setToolTip("Only the meetings you chair (your user's staff record)")
        self.mine.setVisible(self._my_staff_id() is not None)
        self.prev_button = QPushButton("◀ Previous week")
        self.prev_button.setAccessibleName("Previous week")
        self.today_button = QPushButton("This week")
        self.today_button.setAccessibleName("This week")
        self.next_button = QPushButton("Next week ▶")
        self.next_button.setAccessibleName("Next week")
        self.jump = date_edit(self.monday, "Go to the week of")
        self.week_label = label("", "subtitle", wrap=True)
        self.summary = label("", "hint", wrap=True)

        self.table = QTableView()
        self.table.setAccessibleName("Diary week")
        self.table.setModel(self.model)
        self.table.setItemDelegate(DiaryDelegate(self.table))
        self.table.setWordWrap(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)  # Tab leaves the week; the arrows move in it
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setMinimumHeight(44)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setMinimumSectionSize(60)
        # The days' headings and the names' column fit the width the week has (`fit_week`):
        # at 200% on a laptop the full dates were cut and the page scrolled sideways.
        self.table.installEventFilter(self)
        self.table.horizontalHeader().sectionResized.connect(lambda *_a: self.fit_week())
        self.table.activated.connect(self._activated)  # Enter, or double-click
        self._double_clicked_at: QPoint | None = None
        self.table.viewport().installEventFilter(self)

        self.by.currentIndexChanged.connect(lambda _i: self.refresh())
        self.narrow.currentIndexChanged.connect(lambda _i: self._narrow_kind_changed())
        self.narrow_to.currentIndexChanged.connect(lambda _i: self.refresh())
        self.mine.toggled.connect(lambda _on: self._mine_toggled())
        self.prev_button.clicked.connect(lambda: self.move_weeks(-1))
        self.next_button.clicked.connect(lambda: self.move_weeks(1))
        self.today_button.clicked.connect(lambda: self.go_to(self.ctx.as_of))
        self.jump.dateChanged.connect(lambda q: self.go_to(from_qdate(q)))

        heading = QHBoxLayout()
        heading.addWidget(label("Diary", "title"))
        heading.addSpacing(12)
        heading.addWidget(self.week_label, 1)  # beside the title: the buttons keep the width
        weeks = QHBoxLayout()
        weeks.addWidget(self.prev_button)
        weeks.addWidget(self.today_button)
        weeks.addWidget(self.next_button)
        weeks.addWidget(self.jump)
        weeks.addStretch(1)
        views = QHBoxLayout()
        views.addWidget(self.by)
        views.addSpacing(12)
        views.addWidget(self.narrow)
        views.addWidget(self.narrow_to, 1)
        views.addWidget(self.mine)
        views.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(heading)
        layout.addLayout(weeks)
        layout.addLayout(views)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        if self.ctx.role is Role.IRO and self._my_staff_id() is not None:
            self.mine.setChecked(True)  # an IRO starts with their own meetings

    def home(self) -> QWidget:
        return self.table  # Ctrl+3: the arrows move through the week, Enter opens or books

    def _my_staff_id(self) -> int | None:
        """The acting user's staff record when it chairs meetings (`chair_staff_id`)."""
        return self.ctx.chair_staff_id()

    # --- fitting the week to its width -----------------------------------------------------
    def fit_week(self) -> None:
        """The names' column as wide as the names (at least `NAMES_WIDTH`) but at most a
        `NAMES_SHARE`th of the table, a name too long for it cut short with "…"
        (`DiaryWeekModel.fit_names`), and the days' headings in the longest form of the
        date that fits their columns (`DiaryWeekModel.fit_headings`)."""
        table = self.table
        headings = QFont(table.horizontalHeader().font())
        headings.setBold(True)  # the style sheet's headings are bold
        metrics = QFontMetrics(headings)
        names = table.verticalHeader()
        natural = max(
            (
                metrics.horizontalAdvance(name) + HEADING_PADDING
                for _i, name in self.model.resources
            ),
            default=0,
        )
        width = min(max(NAMES_WIDTH, natural), max(NAMES_LEAST, table.width() // NAMES_SHARE))
        if names.minimumWidth() != width or names.maximumWidth() != width:
            names.setFixedWidth(width)
        self.model.fit_names(metrics, width - HEADING_PADDING)
        header = table.horizontalHeader()
        days = [header.sectionSize(c) for c in range(self.model.columnCount())]
        if days:
            self.model.fit_headings(metrics, min(days) - HEADING_PADDING)

    # --- narrowing ------------------------------------------------------------------------
    def _narrow_kind_changed(self) -> None:
        """Fill the second list with the chairs, teams, clerks or rooms to choose from."""
        kind = self.narrow.currentData()
        self.narrow_to.blockSignals(True)
        self.narrow_to.clear()
        if kind is not None:
            with self.ctx.db.session() as s:
                items = {
                    "chair": queries.chairs,
                    "team": queries.teams,
                    "clerk": queries.clerks,
                    "room": queries.rooms,
                }[kind](s)
            for value, text in items:
                self.narrow_to.addItem(text, value)
        self.narrow_to.setEnabled(kind is not None)
        self.narrow_to.setVisible(kind is not None)
        self.narrow_to.blockSignals(False)
        if kind is not None and self.mine.isChecked():
            self.mine.blockSignals(True)
            self.mine.setChecked(False)
            self.mine.blockSignals(False)
        self.refresh()

    def _mine_toggled(self) -> None:
        if self.mine.isChecked() and self.narrow.currentData() is not None:
            self.narrow.blockSignals(True)
            self.narrow.setCurrentIndex(0)
            self.narrow_to.clear()
            self.narrow_to.setEnabled(False)
            self.narrow_to.setVisible(False)
            self.narrow.blockSignals(False)
        self.refresh()

    def narrowed_to(self) -> dict[str, int]:
        """The query's narrowing: {"chair_id": 3} and the like (empty: every meeting)."""
        if self.mine.isChecked() and self._my_staff_id() is not None:
            return {"chair_id": self._my_staff_id()}
        kind, value = self.narrow.currentData(), self.narrow_to.currentData()
        if kind is None or value is None:
            return {}
        return {f"{kind}_id": value}

    def narrow_diary(self, kind: str, value: int) -> None:
        """Show only one chair's, team's, clerk's or room's meetings."""
        self.mine.setChecked(False)
        self.narrow.setCurrentIndex(self.narrow.findData(kind))
        self.narrow_to.setCurrentIndex(max(self.narrow_to.findData(value), 0))

    # --- weeks ----------------------------------------------------------------------------
    def move_weeks(self, n: int) -> None:
        self.go_to(self.monday + dt.timedelta(weeks=n))

    def go_to(self, day: dt.date) -> None:
        monday = week_start(day)
        if monday != self.monday or not self._loaded:
            self.monday = monday
            self.reload(shown=True)

    def refresh(self) -> None:
        """Read the week shown: at once, or off the UI thread in the window."""
        by, monday, narrowed = self.by.currentData(), self.monday, self.narrowed_to()
        db = self.ctx.db
        if not self.background:
            self.show_week(read_week(db, monday, by, narrowed))
            return
        self._asked += 1
        asked = self._asked
        self._task = run_in_background(
            lambda _p: read_week(db, monday, by, narrowed),
            on_success=lambda week: self._arrived(asked, week),
            on_failure=lambda exc: self._failed(asked, exc),
            priority=10,
        )

    def _arrived(self, asked: int, week: Week) -> None:
        if asked == self._asked:  # else the person has moved on: a newer week is coming
            self.show_week(week)

    def _failed(self, asked: int, exc: BaseException) -> None:
        from ui.errors import friendly_message

        if asked == self._asked:
            self.summary.setText("The week could not be read: " + friendly_message(exc))

    def show_week(self, week: Week) -> None:
        """Lay out a week read by `read_week`, with its heading and summary line."""
        by, entries, resources = week.by, week.entries, week.resources
        narrowed = dict(week.narrowed)
        self.model.today = self.ctx.as_of
        # The cell the keyboard is on stays where it is when the week is read again (after
        # a booking or a cancellation): it went back to Monday's first row.
        current = self.table.currentIndex()
        place = (
            (self.model.resource_at(current.row()), self.model.days[current.column()])
            if current.isValid() and current.column() < len(self.model.days)
            else None
        )
        self.model.set_week(
            week.monday, entries, resources, by=by, calendar=self.ctx.calendar, clashes=week.clashes
        )
        if place is not None and place[1] in self.model.days:
            rows = [n for n, (rid, _name) in enumerate(self.model.resources) if rid == place[0]]
            if rows:
                self.table.setCurrentIndex(
                    self.model.index(rows[0], self.model.days.index(place[1]))
                )
        self.fit_week()
        self.jump.blockSignals(True)
        self.jump.setDate(week.monday)
        self.jump.blockSignals(False)
        self.week_label.setText(
            f"Week of {format_uk_long(week.monday)} to "
            f"{format_uk_long(week.monday + dt.timedelta(days=4))}"
        )
        bits = [f"{len(entries)} meeting{'s' if len(entries) != 1 else ''} this week"]
        if self.mine.isChecked():
            bits[0] += " chaired by you"
        elif narrowed:
            bits[0] += f" for {self.narrow_to.currentText()}"
        if self.model.clash_count():
            bits.append(f"⚠ {self.model.clash_count()} double booked")
        if unrecorded := self.model.not_recorded_count():
            bits.append(f"{unrecorded} with {OUTCOME_NOT_RECORDED}")
        closed = [f"{d:%a %d/%m} {why}" for d, why in self.model.non_working.items()]
        if closed:
            bits.append("Not working days: " + ", ".join(closed))
        if not resources and not entries:
            noun = {"chair": "chairs", "room": "rooms", "clerk": "clerks"}[by]
            bits = [f"No {noun} are set up yet." if not narrowed else "No meetings this week."]
        self.model.bookable = self.ctx.can_book  # a free slot's tip offers booking then only
        bits.append(
            "Enter or double-click: open a meeting"
            + (", or book a free slot" if self.model.bookable else "")
        )
        self.summary.setText(" · ".join(bits))

    @staticmethod
    def model_key(entry, by: str) -> int | None:
        return {"chair": entry.chair_id, "room": entry.room_id, "clerk": entry.clerk_id}[by]

    # --- opening and booking --------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Note where a double-click lands in the week, to open the meeting under it."""
        if watched is self.table.viewport() and event.type() == QEvent.Type.MouseButtonDblClick:
            self._double_clicked_at = event.position().toPoint()
        elif watched is self.table and event.type() == QEvent.Type.Resize:
            self.fit_week()
        return super().eventFilter(watched, event)

    def _activated(self, index: QModelIndex) -> None:
        """Enter or double-click: open the meeting (the one double-clicked, or for Enter on
        a cell of several, the one chosen from a menu), or book on a free slot."""
        at, self._double_clicked_at = self._double_clicked_at, None
        entries = self.model.entries_at(index.row(), index.column())
        if not entries:
            if index.isValid():
                self.book_at(index.row(), index.column())
            return
        if at is not None:
            rect = self.table.visualRect(index)
            chosen = entries[entry_at(rect, self.table.fontMetrics(), len(entries), at.y())]
        else:
            chosen = self._choose(index, entries) if len(entries) > 1 else entries[0]
        if chosen is not None:
            self.open_child.emit(chosen.child_id, chosen.meeting_id)

    def _choose(self, index: QModelIndex, entries: list[DiaryEntry]) -> DiaryEntry | None:
        """Which of a cell's meetings to open: a menu under the cell (arrows and Enter;
        Esc opens none)."""
        menu = QMenu(self.table)
        menu.setAccessibleName("Which meeting to open")
        for e in entries:
            time = e.start.strftime("%H:%M") if e.start else "All day"
            action = menu.addAction(f"{time} {e.child_name} · {e.label}")
            action.setData(e.meeting_id)
        menu.setActiveAction(menu.actions()[0])
        rect = self.table.visualRect(index)
        picked = menu.exec(self.table.viewport().mapToGlobal(rect.bottomLeft()))
        menu.deleteLater()
        if picked is None:
            return None
        return next((e for e in entries if e.meeting_id == picked.data()), None)

    def _open(self, index: QModelIndex) -> None:
        self._activated(index)

    def book_at(self, row: int, column: int) -> bool:
        """Book a meeting on a free slot: the day of the column, with the row's chair, room
        or clerk; the child is chosen first, and whom to invite comes next. True when a
        meeting was booked."""
        from ui.dialogs.booking import BookingDialog
        from ui.dialogs.invitations import run_for
        from ui.dialogs.pick_child import PickChildDialog
        from ui.duedates import due_items

        if not self.ctx.can_book or not 0 <= column < len(self.model.days):
            return False
        day = self.model.days[column]
        by = self.model.by
        who = self.model.resource_at(row)
        name = self.model.resources[row][1] if 0 <= row < len(self.model.resources) else ""
        picker = PickChildDialog(
            self.ctx, f"Book a meeting on {format_uk_long(day)} ({name}): for which child?", self
        )
        if not prompts().run_dialog(picker) or picker.child_id is None:
            return False
        with self.ctx.db.session() as s:
            detail = queries.child_detail(s, picker.child_id, as_of=self.ctx.as_of)
        if detail is None:
            return False
        start = Booking(day=day, **({f"{by}_id": who} if who is not None else {}))
        dialog = BookingDialog(
            self.ctx, detail, dues=due_items(self.ctx, detail), start=start, parent=self
        )
        booked = prompts().run_dialog(dialog) and dialog.result_meeting_id is not None
        if booked:
            # Booked: straight on to whom to invite, as from the child's page.
            with self.ctx.db.session() as s:
                detail = queries.child_detail(s, picker.child_id, as_of=self.ctx.as_of)
            if detail is not None:
                run_for(self.ctx, detail, dialog.result_meeting_id, self)
        self.table.setFocus()
        return bool(booked)


__all__ = ["DiaryPage"]
