"""Diary: a week at a time, per chair or per room, with bank holidays, closure days and
double bookings marked."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from reviewdesk import queries
from reviewdesk.vocabulary import format_uk_long, week_start
from ui.context import AppContext
from ui.dialogs import date_edit, from_qdate
from ui.diary_delegate import DiaryDelegate
from ui.models.diary_model import DiaryWeekModel
from ui.pages import Page, label


class DiaryPage(Page):
    title = "Diary"
    shows = frozenset({"meeting", "child", "staff", "room", "closure_day", "setting"})
    open_child = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.monday = week_start(ctx.as_of)
        self.model = DiaryWeekModel(self)

        self.by = QComboBox()
        self.by.setAccessibleName("Show the diary by")
        self.by.addItem("By chair", "chair")
        self.by.addItem("By room", "room")
        self.prev_button = QPushButton("◀ Previous week")
        self.prev_button.setAccessibleName("Previous week")
        self.today_button = QPushButton("This week")
        self.today_button.setAccessibleName("This week")
        self.next_button = QPushButton("Next week ▶")
        self.next_button.setAccessibleName("Next week")
        self.jump = date_edit(self.monday, "Go to the week of")
        self.week_label = label("", "subtitle")
        self.summary = label("", "hint")

        self.table = QTableView()
        self.table.setAccessibleName("Diary week")
        self.table.setModel(self.model)
        self.table.setItemDelegate(DiaryDelegate(self.table))
        self.table.setWordWrap(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setMinimumHeight(44)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setMinimumWidth(160)
        self.table.verticalHeader().setMinimumSectionSize(60)
        self.table.doubleClicked.connect(self._open)

        self.by.currentIndexChanged.connect(lambda _i: self.refresh())
        self.prev_button.clicked.connect(lambda: self.move_weeks(-1))
        self.next_button.clicked.connect(lambda: self.move_weeks(1))
        self.today_button.clicked.connect(lambda: self.go_to(self.ctx.as_of))
        self.jump.dateChanged.connect(lambda q: self.go_to(from_qdate(q)))

        bar = QHBoxLayout()
        bar.addWidget(self.prev_button)
        bar.addWidget(self.today_button)
        bar.addWidget(self.next_button)
        bar.addWidget(self.jump)
        bar.addSpacing(16)
        bar.addWidget(self.week_label, 1)
        bar.addWidget(self.by)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(label("Diary", "title"))
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)

    def move_weeks(self, n: int) -> None:
        self.go_to(self.monday + dt.timedelta(weeks=n))

    def go_to(self, day: dt.date) -> None:
        monday = week_start(day)
        if monday != self.monday or not self._loaded:
            self.monday = monday
            self.reload(shown=True)

    def refresh(self) -> None:
        by = self.by.currentData()
        sunday = self.monday + dt.timedelta(days=6)
        with self.ctx.db.session() as s:
            entries = queries.diary_entries(s, self.monday, sunday)
            resources = queries.chairs(s) if by == "chair" else queries.rooms(s)
        self.model.today = self.ctx.as_of
        self.model.set_week(self.monday, entries, resources, by=by, calendar=self.ctx.calendar)
        self.jump.blockSignals(True)
        self.jump.setDate(self.monday)
        self.jump.blockSignals(False)
        self.week_label.setText(
            f"Week of {format_uk_long(self.monday)} to "
            f"{format_uk_long(self.monday + dt.timedelta(days=4))}"
        )
        bits = [f"{len(entries)} meeting{'s' if len(entries) != 1 else ''} this week"]
        if self.model.clash_count():
            bits.append(f"⚠ {self.model.clash_count()} double booked")
        closed = [f"{d:%a %d/%m} {why}" for d, why in self.model.non_working.items()]
        if closed:
            bits.append("Not working days: " + ", ".join(closed))
        if not resources and not entries:
            bits = [f"No {'chairs' if by == 'chair' else 'rooms'} are set up yet."]
        self.summary.setText(" · ".join(bits))

    def _open(self, index: QModelIndex) -> None:
        entries = self.model.entries_at(index.row(), index.column())
        if entries:
            self.open_child.emit(entries[0].child_id)
