"""Dashboard: the flags as RAG-coloured counts (each opening the list behind it), this
week's meetings, and timeliness month by month.

What each tile counts and how serious it is are `reviewdesk.dashboard`'s (`TILES`, the flags'
own severities); this page lays the tiles out and colours them.
"""

from __future__ import annotations

import datetime as dt
import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reviewdesk.actions import CALENDAR_KINDS, CASE_KINDS
from reviewdesk.dashboard import (
    STAFF,
    TILE_BY_KEY,
    TILES,
    DashboardFigures,
    Snapshot,
    TileCount,
    explanation,
    read_dashboard_figures,
)
from reviewdesk.errorlog import write_log_text
from reviewdesk.queries import DiaryEntry
from reviewdesk.reports.weekly import read_week_meetings
from reviewdesk.settings import all_settings
from reviewdesk.vocabulary import (
    NEXT_NOT_RECORDED,
    OUTCOME_NOT_RECORDED,
    RECORD_THE_OUTCOME,
    format_uk_long,
    week_start,
)
from ui import theme, worker_process
from ui.column_widths import Column, FittedTableWidget
from ui.context import AppContext
from ui.errors import friendly_message
from ui.pages import Page, label
from ui.snapshot import case_snapshot
from ui.tasks import run_in_background
from ui.widgets_chart import TimelinessChart
from ui.widgets_oversight import OversightFigures

log = logging.getLogger(__name__)

WEEK_ROWS = 200
#: Tiles in a row.
TILES_PER_ROW = 5
#: This week's meetings: their headings, and the room left shared by the names.
WEEK_HEADINGS = ("Day", "Time", "Child", "Meeting", "Chair", "Room")
WEEK_COLUMNS = (
    Column("Mon 00/00/0000"),
    Column("00:00"),
    Column("Dylan Thomas", share=3),
    Column("Not recorded: 2nd review CP conference", share=2),  # (its day passed unrecorded)
    Column("Helen Taylor", share=2),
    Column("Conference Room 1", share=2),  # (the room first: rooms of a venue told apart)
)


#: The words beside a tile's count that carry its RAG meaning without colour.
RAG_WORDS = {"red": "▲ Act now", "amber": "● Check", "green": "✓ Clear"}


class Tile(QPushButton):
    """A dashboard count: its title above, the number large below; the whole tile clicks."""

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title = title
        self.title_label = QLabel(title)
        self.value_label = QLabel("—")
        self.value_label.setProperty("role", "tile-value")
        # What the colour of the tile means, in words (colour is never the only cue).
        self.status_label = QLabel("")
        self.status_label.setProperty("role", "tile-status")
        self.status_label.setProperty("rag", "none")
        for child in (self.title_label, self.value_label, self.status_label):
            child.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.value_label)
        row.addStretch(1)
        row.addWidget(self.status_label, 0, Qt.AlignmentFlag.AlignBottom)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 8, 10, 8)
        layout.setSpacing(2)
        layout.addWidget(self.title_label)
        layout.addLayout(row)

    def set_value(self, value: str) -> None:
        self.value_label.setText(value)

    def set_rag(self, rag: str) -> None:
        """Colour the tile (its left edge) and say what the colour means."""
        self.setProperty("rag", rag)
        self.status_label.setProperty("rag", rag)
        self.status_label.setText(RAG_WORDS.get(rag, ""))
        for widget in (self, self.status_label):
            widget.style().unpolish(widget)
            widget.style().polish(widget)

    def text(self) -> str:  # what the tile says, as one string (tests, accessibility)
        return f"{self.title}\n{self.value_label.text()}"

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter opens the tile, as Space does: outside a dialog a push button ignores
        Enter, and a tile reached with Tab looked dead to the key people press."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.click()
            return
        super().keyPressEvent(event)


class DashboardPage(Page):
    title = "Dashboard"
    #: Flags and counts come from the cases, the meetings and the rules and calendar.
    shows = CASE_KINDS | CALENDAR_KINDS | {"staff", "room"}
    open_cases = Signal(object, str)
    #: A tile's children, what it is called, why each is behind it (the flags' reasons), and
    #: its key (the case list follows the tile as the register changes).
    open_flagged = Signal(object, str, object, str)
    #: A meeting of the week opened (Enter or double-click): its child's id and its own.
    open_child = Signal(int, int)
    #: A tile about staff (caseloads) opens the Workload page.
    open_workload = Signal()

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, *, background: bool = False
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.background = background
        self._tasks: list = []
        self.tiles: dict[str, Tile] = {}
        self.tile_counts: dict[str, TileCount] = {}
        tiles = QGridLayout()
        tiles.setSpacing(10)
        self.tile_grid = tiles
        self._tiles_per_row = TILES_PER_ROW
        for n, tile in enumerate(TILES):
            button = Tile(tile.title)
            button.setProperty("role", "tile")
            button.setProperty("rag", "none")
            button.setAccessibleName(tile.title)
            button.clicked.connect(lambda _c=False, k=tile.key: self._open_tile(k))
            self.tiles[tile.key] = button
            tiles.addWidget(button, n // TILES_PER_ROW, n % TILES_PER_ROW)
        self.flags_note = label("", "hint", wrap=True)
        # An IRO's own cases only (a user whose staff record chairs meetings): the tiles
        # count the open cases they hold, the week the meetings they chair.
        self.my_cases = QCheckBox("&My cases only")
        self.my_cases.setToolTip(
            "Count only the open cases you hold as IRO or chair, and list only the meetings "
            "you chair this week"
        )
        self.my_cases.toggled.connect(self._my_cases_toggled)
        self._snapshot: Snapshot | None = None

        self.week_title = label("This week's meetings", "subtitle")
        self.week_table = FittedTableWidget(WEEK_COLUMNS, WEEK_HEADINGS)
        self.week_table.setAccessibleName("This week's meetings")
        self.week_table.setTabKeyNavigation(False)  # Tab leaves the table
        self.week_table.verticalHeader().setVisible(False)
        self.week_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.week_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.week_table.setAlternatingRowColors(True)
        self.week_table.setWordWrap(False)
        self.week_table.verticalHeader().setDefaultSectionSize(24)
        self.week_table.cellActivated.connect(self._open_meeting)  # Enter, or double-click
        self.week_empty = label("No meetings are booked this week.", "empty")

        self.chart_title = label("Held in timescale, month by month", "subtitle")
        self.chart = TimelinessChart()

        left = QVBoxLayout()
        left.addWidget(self.week_title)
        left.addWidget(self.week_table, 1)
        left.addWidget(self.week_empty)
        self.oversight = OversightFigures()  # `ui.widgets_oversight`
        right = QVBoxLayout()
        right.addWidget(self.chart_title)
        right.addWidget(self.chart, 1)
        right.addWidget(self.oversight)
        lower = QHBoxLayout()
        # The week's table five-sevenths: a meeting's full name ("Not recorded: 2nd review CP
        # conference") and its room ("Conference Room 1, …") fit beside the chart in a
        # 1366-pixel window (at two-thirds every room of a venue read "Conference Room …").
        lower.addLayout(left, 5)
        lower.addSpacing(12)
        lower.addLayout(right, 2)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.heading = label("Dashboard", "title")
        layout.addWidget(self.heading)
        layout.addLayout(tiles)
        note_row = QHBoxLayout()
        note_row.addWidget(self.flags_note, 1)
        note_row.addWidget(self.my_cases)
        layout.addLayout(note_row)
        self.my_cases.setVisible(self._staff_id() is not None)  # (once in the page)
        layout.addLayout(lower, 1)
        self._week_ids: list[tuple[int, int]] = []  # each row's child and meeting
        self._week_asked = 0  # weeks read in the background; only the latest is shown

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._flow_tiles(event.size().width())

    def _flow_tiles(self, width: int) -> None:
        """As many tiles to a row (`TILES_PER_ROW` at most) as the page's width has room for
        with every tile's title whole: at 200% on a 1366x768 screen five to a row cut them
        short ("Due soon, not booke", "Children with late")."""
        grid = self.tile_grid
        spacing = grid.horizontalSpacing()
        widest = max(tile.layout().minimumSize().width() for tile in self.tiles.values())
        per_row = max(1, min(TILES_PER_ROW, (width + spacing) // (widest + spacing)))
        if per_row == self._tiles_per_row:
            return
        self._tiles_per_row = per_row
        for tile in self.tiles.values():
            grid.removeWidget(tile)
        for n, tile in enumerate(self.tiles.values()):
            grid.addWidget(tile, n // per_row, n % per_row)
        for column in range(TILES_PER_ROW):  # the columns share the width evenly
            grid.setColumnStretch(column, 1 if column < per_row else 0)

    def refresh(self) -> None:
        council = self.ctx.council_name()
        self.heading.setText(f"Dashboard — {council}" if council else "Dashboard")
        self._explain_tiles()
        self._refresh_flags()
        self._refresh_week()
        self._refresh_figures()

    # --- flags ----------------------------------------------------------------------------
    def _explain_tiles(self) -> None:
        """Each tile's tooltip: what it counts, in full, with the settings it depends on as
        they are now (the days a meeting is "due soon", the top of the caseload range)."""
        with self.ctx.db.session() as s:
            settings = all_settings(s)
        for tile in TILES:
            self.tiles[tile.key].setToolTip(explanation(tile, settings))

    def _refresh_flags(self) -> None:
        if not self.background:
            self._show_flags(self._read_tiles())
            return
        for button in self.tiles.values():
            button.set_value("…")
        self.flags_note.setText("Working out the flags…")
        self._tasks.append(
            run_in_background(
                lambda _p: self._read_tiles(),
                on_success=self._show_flags,
                on_failure=self._background_failed,
            )
        )

    def _background_failed(self, exc: BaseException) -> None:
        self.flags_note.setText("The flags could not be worked out: " + friendly_message(exc))

    def _read_tiles(self) -> Snapshot:
        """The reading of the register the case list shares, whose tiles these are (any
        thread)."""
        return case_snapshot(self.ctx)

    def _staff_id(self) -> int | None:
        return self.ctx.chair_staff_id()  # an IRO or CP chair: a manager holds no cases

    def _mine(self) -> int | None:
        """The staff id whose own cases the page narrows to (None: everyone's)."""
        return self._staff_id() if self.my_cases.isChecked() else None

    def _my_cases_toggled(self, _on: bool) -> None:
        if self._snapshot is not None:
            self._show_flags(self._snapshot)
        self._refresh_week()

    def _show_flags(self, snap: Snapshot) -> None:
        self._snapshot = snap
        staff = self._mine()
        counts = snap.tiles if staff is None else snap.tiles_held_by(staff)
        self.tile_counts = counts
        for tile in TILES:
            found = counts.get(tile.key)
            self._set_tile(tile.key, found)
        self.flags_note.setText(
            "Select a tile to see the children behind it."
            if staff is None
            else "Tiles and meetings: your own open cases only (the chart and the quarter's "
            "figures are the whole service's). Select a tile to see the children behind it."
        )

    @property
    def tile_children(self) -> dict[str, frozenset[int]]:
        """Tile key -> the ids behind it (children, or staff for a staff tile)."""
        return {key: c.ids for key, c in self.tile_counts.items()}

    def _set_tile(self, key: str, found: TileCount | None) -> None:
        button = self.tiles[key]
        if found is None:
            button.set_value("—")
            rag = "none"
        else:
            button.set_value(f"{found.count:,}")
            severity = found.severity
            rag = (
                "green" if not found.count else severity if severity in ("red", "amber") else "none"
            )
        button.set_rag(rag)
        status = RAG_WORDS.get(rag, "").lstrip("▲●✓ ")
        description = button.text().replace("\n", ": ")
        if status:
            description += f" ({status})"
        explains = button.toolTip()
        button.setAccessibleDescription(f"{description}. {explains}" if explains else description)

    def _open_tile(self, key: str) -> None:
        found = self.tile_counts.get(key)
        if found is None:
            return
        tile = TILE_BY_KEY[key]
        if tile.counts == STAFF:
            self.open_workload.emit()
        else:
            self.open_flagged.emit(found.ids, tile.title.lower(), found.reasons, key)

    # --- this week ------------------------------------------------------------------------
    def _refresh_week(self) -> None:
        """This week's meetings. In the window: read at once as typed in, then named as the
        printed week names them (`weekly.read_week_meetings`) in a worker process, and
        shown again; the numbering reads every listed child's history, and in a thread of
        the window's own it held the window for a tenth of a second or more at start
        (Python threads share one lock). The two differ only where history changed after a
        meeting was booked."""
        monday = week_start(self.ctx.as_of)
        staff = self._mine()
        db = self.ctx.db

        def read(numbered: bool) -> tuple[list[DiaryEntry], int]:
            return read_week_meetings(db, monday, chair_id=staff, rows=WEEK_ROWS, numbered=numbered)

        if not self.background:
            self._show_week(monday, staff, read(True))
            return
        self._week_asked += 1
        asked = self._week_asked
        self._show_week(monday, staff, read(False))

        def arrived(week: tuple[list[DiaryEntry], int]) -> None:
            if asked == self._week_asked:  # else a newer reading is coming
                self._show_week(monday, staff, week)

        self._tasks.append(
            run_in_background(
                lambda _p: worker_process.call(
                    read_week_meetings,
                    db,
                    monday,
                    staff,
                    WEEK_ROWS,
                    lane=worker_process.FIGURES,
                ),
                on_success=arrived,
                # The week stays as typed in; the log says why it was not named again.
                on_failure=lambda exc: log.warning("this week's meetings: %s", exc),
            )
        )

    def _show_week(
        self, monday: dt.date, staff: int | None, week: tuple[list[DiaryEntry], int]
    ) -> None:
        entries, total = week
        more = (
            f", the first {WEEK_ROWS} of {total:,} shown; the Diary has all"
            if total > WEEK_ROWS
            else ""
        )
        whose = "This week's meetings" if staff is None else "Meetings you chair this week"
        self.week_title.setText(f"{whose} (from {format_uk_long(monday)}{more})")
        # Filled with the table's updates off: each cell set redrew it, and two hundred rows
        # held the window a twentieth of a second or more.
        table = self.week_table
        table.setUpdatesEnabled(False)
        try:
            self._fill_week(entries)
        finally:
            table.setUpdatesEnabled(True)
        table.setVisible(bool(entries))
        self.week_empty.setVisible(not entries)

    def _fill_week(self, entries: list[DiaryEntry]) -> None:
        amber = theme.text_colour("amber")
        self.week_table.setRowCount(len(entries))
        self._week_ids = []
        for row, e in enumerate(entries):
            # A meeting whose day passed and was never recorded (the flag's test) is not one
            # still to come: "Not recorded" opens its cell (the column is narrow: a word
            # after the meeting's name was cut away), the row in amber, the advice in the tip.
            unrecorded = e.outcome_not_recorded(self.ctx.as_of)
            meeting = e.label + ("" if e.status == "booked" else f" ({e.status})")
            if unrecorded:
                meeting = f"{NEXT_NOT_RECORDED.capitalize()}: {e.label}"
            values = (
                format_uk_long(e.day),
                e.start.strftime("%H:%M") if e.start else "",
                e.child_name,
                meeting,
                e.chair or "—",
                e.room or "—",
            )
            for col, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                if unrecorded:
                    item.setForeground(amber)
                    item.setToolTip(
                        f"{value}\n{e.label}, {OUTCOME_NOT_RECORDED}: {RECORD_THE_OUTCOME}"
                    )
                self.week_table.setItem(row, col, item)
            self._week_ids.append((e.child_id, e.meeting_id))

    def _open_meeting(self, row: int, _col: int) -> None:
        if 0 <= row < len(self._week_ids):
            self.open_child.emit(*self._week_ids[row])

    # --- chart and the quarter's figures ---------------------------------------------------
    def _refresh_figures(self) -> None:
        if not self.background:
            self._show_figures(self._read_figures())
            return
        self.chart.empty_text = "Working out the figures…"
        self.chart.set_figures([], None)
        self.oversight.waiting()
        self._tasks.append(
            run_in_background(
                lambda _p: self._read_figures(),
                on_success=self._show_figures,
                on_failure=lambda exc: self._figures_failed(),
            )
        )

    def _figures_failed(self) -> None:
        self._show_figures(DashboardFigures(None, None))  # neither could be worked out

    def _show_figures(self, result: DashboardFigures) -> None:
        for failure in result.failures:  # a part that could not be worked out
            write_log_text(failure)
        if result.timeliness is None:
            self.chart.empty_text = "The figures could not be worked out."
            self.chart.set_figures([], None)
        else:
            self.chart.empty_text = "No meetings were held in these months."
            self.chart.set_figures(list(result.timeliness.figures), result.timeliness.target)
        if result.quarter is None:
            self.oversight.failed()
        else:
            self.oversight.show_figures(result.quarter)

    def _read_figures(self) -> DashboardFigures:
        """The chart and the quarter's figures, from one reading of the register (in the
        figures' worker process when there is one)."""
        return worker_process.call(
            read_dashboard_figures, self.ctx.db, self.ctx.as_of, lane=worker_process.FIGURES
        )
