"""Cases: the searchable, sortable list of children, and each child's page."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from reviewdesk import queries
from reviewdesk.actions import CALENDAR_KINDS, CASE_KINDS, Changes
from reviewdesk.dashboard import Snapshot, TileCount
from reviewdesk.queries import CaseFilter
from reviewdesk.vocabulary import NEXT_NOT_KNOWN, NEXT_NOT_RECORDED
from ui.column_widths import Column, FittedTable
from ui.context import AppContext
from ui.dialogs.tables import keyboard_chooses_row
from ui.models.case_model import CaseListModel
from ui.pages import Page, label
from ui.tasks import run_in_background

SEARCH_DELAY_MS = 200

#: The case list's columns (`queries.CASE_COLUMNS`): the names share the room left over.
_DAY = "00/00/0000"
CASE_LIST_COLUMNS = (
    Column("Aleksandra Nowak", share=3),  # name
    Column("DEMO0000000"),  # ID (as long as the demo's)
    Column("Máire Ó Briain", share=2),  # IRO / chair
    Column("South Team", share=3),  # team
    Column("LAC + CP"),  # process
    Column(max(_DAY, NEXT_NOT_KNOWN, key=len)),  # next due
    Column(max(_DAY, NEXT_NOT_RECORDED, key=len)),  # next meeting
    Column(_DAY),  # last IRO contact
    Column(queries.STATUS_LAC_AND_CP),  # status (the last: it stretches)
)


class CaseListView(QWidget):
    """Search box, filters, and the table; emits ``open_child(id)`` on double-click/Enter."""

    open_child = Signal(int)

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, *, background: bool = False
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        #: The children a dashboard tile or a workload row narrowed the list to (None: all),
        #: what that list is called, and why each child is on it (a tile's flags).
        self._only: frozenset[int] | None = None
        self._caption = ""
        self._reasons: dict[int, tuple[str, ...]] = {}
        #: The dashboard tile the list is narrowed to, if any: the list follows it as the
        #: register changes (`_follow_tile`).
        self._tile: str | None = None
        #: A search is being read (in the background): the rows on screen are the list
        #: before it. Enter there opens nothing, and the first child found gets the keyboard.
        self._loading = False
        self._results_wanted = False
        self.model = CaseListModel(ctx.db, as_of=ctx.as_of, background=background, parent=self)
        self.model.busy.connect(self._busy)
        self.model.modelReset.connect(self._update_count)
        self.model.layoutChanged.connect(self._update_count)

        self.search = QLineEdit()
        self.search.setPlaceholderText("Search by name or ID…")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search cases")
        self.process = QComboBox()
        self.process.setAccessibleName("Process filter")
        for text, value in (("All processes", None), ("Looked after", "lac"), ("CP", "cp")):
            self.process.addItem(text, value)
        self.team = QComboBox()
        self.team.setAccessibleName("Team filter")
        self.open_only = QComboBox()
        self.open_only.setAccessibleName("Open or all cases")
        self.open_only.addItem("Open cases", True)
        self.open_only.addItem("All children", False)
        self.count = label("", "hint")
        # Shown while the list is narrowed to a tile's (or a caseload's) children: what it
        # is, and the way back to every child.
        self.narrowed = QWidget()
        self.narrowed.setObjectName("narrowedBar")
        self.narrowed_label = label("", "warning", wrap=True)
        self.narrowed_label.setAccessibleName("The list is narrowed to")
        self.show_all_button = QPushButton("Show all children")
        self.show_all_button.setAccessibleName("Show all children")
        self.show_all_button.setToolTip("Back to every child (Esc in the list)")
        self.show_all_button.clicked.connect(self.show_all)
        narrowed_row = QHBoxLayout(self.narrowed)
        narrowed_row.setContentsMargins(0, 0, 0, 0)
        narrowed_row.addWidget(self.narrowed_label, 1)
        narrowed_row.addWidget(self.show_all_button)
        self.narrowed.setVisible(False)
        self.why = label("", "hint", wrap=True)
        self.why.setAccessibleName("Why the selected child is listed")
        self.why.setVisible(False)

        self.table = FittedTable(CASE_LIST_COLUMNS)
        self.table.setAccessibleName("Case list")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # Tab leaves the list; the arrows move in it
        keyboard_chooses_row(self.table)  # (Enter opens the child chosen: it shows which)
        header = self.table.horizontalHeader()
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.doubleClicked.connect(self._activated)
        self.table.activated.connect(self._activated)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DELAY_MS)
        self._debounce.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(self._typed)
        self.search.returnPressed.connect(self._search_entered)
        self.search.installEventFilter(self)
        for combo in (self.process, self.team, self.open_only):
            combo.currentIndexChanged.connect(lambda _i: self._filters_changed())
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_why())
        self.model.modelReset.connect(self._show_why)
        # After the table's own reset (connected with its model), or it would clear the
        # current row again.
        self.model.modelReset.connect(self._results_arrived)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.table)
        escape.setContext(Qt.ShortcutContext.WidgetShortcut)
        escape.activated.connect(self.show_all)

        top = QHBoxLayout()
        top.addWidget(self.search, 3)
        top.addWidget(self.process, 1)
        top.addWidget(self.team, 1)
        top.addWidget(self.open_only, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(label("Cases", "title"))
        layout.addLayout(top)
        layout.addWidget(self.narrowed)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.why)
        layout.addWidget(self.count)

    def load(self) -> None:
        self.fill_teams()
        self.apply_filter(force=True)
        self.load_next_dues()

    def load_next_dues(self) -> None:
        """Work out every open case's next due date (the engine over the whole register,
        `ui.snapshot`): in the background in the window, at once in tests and the smoke
        check. A list narrowed to a dashboard tile follows the tile from the same reading."""
        from ui.snapshot import case_snapshot

        ctx = self.ctx
        if not self.model.background:
            self._snapshot_read(case_snapshot(ctx))
            return
        self._dues_task = run_in_background(
            lambda _p: case_snapshot(ctx), on_success=self._snapshot_read
        )

    def _snapshot_read(self, snapshot: Snapshot) -> None:
        self.model.set_next_dues(snapshot.next_dues, snapshot.due_marks())
        self._follow_tile(snapshot.tiles)

    def _follow_tile(self, tiles: dict[str, TileCount]) -> None:
        """The children behind the tile now, and why: a child just booked leaves "due soon,
        not booked" rather than staying on it with "is not booked" under it."""
        found = tiles.get(self._tile) if self._tile is not None else None
        if found is None or self._only is None:
            return
        reasons = dict(found.reasons)
        if found.ids == self._only and reasons == self._reasons:
            return
        self._only, self._reasons = found.ids, reasons
        self.apply_filter(force=True)

    def fill_teams(self) -> None:
        """The team filter's choices, read again (keeping the team chosen)."""
        current = self.team.currentData()
        self.team.blockSignals(True)
        self.team.clear()
        self.team.addItem("All teams", None)
        with self.ctx.db.session() as s:
            for tid, name in queries.teams(s):
                self.team.addItem(name, tid)
        index = self.team.findData(current)
        self.team.setCurrentIndex(max(index, 0))
        self.team.blockSignals(False)

    def current_filter(self) -> CaseFilter:
        return CaseFilter(
            text=self.search.text().strip(),
            process=self.process.currentData(),
            team_id=self.team.currentData(),
            open_only=bool(self.open_only.currentData()),
            child_ids=self._only,
        )

    def apply_filter(self, force: bool = False) -> None:
        self._debounce.stop()
        filt = self.current_filter()
        self.model.set_filter(filt, force=force)

    def show_only(
        self,
        child_ids: frozenset[int] | None,
        caption: str = "",
        reasons: dict[int, tuple[str, ...]] | None = None,
        tile: str | None = None,
    ) -> None:
        """Narrow the list to the given children (a dashboard tile: ``reasons`` says why
        each is on it, ``tile`` which it is), or widen it again (None). A bar above the list
        says it is narrowed; a search, a filter, Esc, F5 or the navigation widens it."""
        self._only = child_ids
        self._reasons = dict(reasons or {}) if child_ids is not None else {}
        self._tile = tile if child_ids is not None else None
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.open_only.blockSignals(True)
        self.open_only.setCurrentIndex(1 if child_ids is not None else 0)
        self.open_only.blockSignals(False)
        self._caption = caption if child_ids is not None else ""
        self.narrowed.setVisible(child_ids is not None)
        if child_ids is not None:
            self.narrowed_label.setText(
                f"Showing only the children behind “{caption}”."
                if caption
                else "Showing only some children."
            )
        self.apply_filter(force=True)

    @property
    def narrowed_to(self) -> frozenset[int] | None:
        """The children the list is narrowed to (None: not narrowed)."""
        return self._only

    def show_all(self) -> None:
        """Every child again (the tile's narrowing is dropped)."""
        if self._only is not None:
            self.show_only(None)

    def _typed(self, _text: str) -> None:
        """A search looks for anyone: it drops a tile's narrowing."""
        if self._only is not None:
            self._only, self._caption, self._reasons, self._tile = None, "", {}, None
            self.narrowed.setVisible(False)
        self._debounce.start()

    def _filters_changed(self) -> None:
        if self._only is not None:
            self._only, self._caption, self._reasons, self._tile = None, "", {}, None
            self.narrowed.setVisible(False)
        self.apply_filter()

    def _search_entered(self) -> None:
        """Enter in the search box: search now, then go to the results."""
        self.apply_filter()
        self.focus_results()

    def focus_results(self) -> None:
        """Put the keyboard in the list, on the first child (or the one selected); while a
        search is still being read, on its first child when it arrives."""
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        self._results_wanted = self._loading
        if self.model.rowCount() and not self.table.currentIndex().isValid():
            self.table.setCurrentIndex(self.model.index(0, 0))

    def _results_arrived(self) -> None:
        if self._results_wanted and not self._loading:
            self._results_wanted = False
            if self.model.rowCount() and self.table.hasFocus():
                self.table.setCurrentIndex(self.model.index(0, 0))

    def eventFilter(self, watched, event) -> bool:
        """Down (or Page Down) in the search box goes to the results."""
        if (
            watched is self.search
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Down, Qt.Key.Key_PageDown)
        ):
            self.focus_results()
            return True
        return super().eventFilter(watched, event)

    def _show_why(self, *_args) -> None:
        """Under a tile's list, why the selected child is on it (which report, which
        meeting)."""
        index = self.table.currentIndex()
        reasons: tuple[str, ...] = ()
        if self._reasons and index.isValid() and index.row() < self.model.rowCount():
            reasons = self._reasons.get(self.model.child_id(index.row()), ())
        self.why.setVisible(bool(self._reasons))
        if reasons:
            self.why.setText("Why listed: " + "; ".join(reasons))
        elif self._reasons:
            self.why.setText("Select a child to see why they are listed.")

    def reasons_for(self, child_id: int) -> tuple[str, ...]:
        return self._reasons.get(child_id, ())

    def _busy(self, busy: bool) -> None:
        self._loading = busy
        if busy:
            self.count.setText("Loading…")
        self.table.setCursor(Qt.CursorShape.BusyCursor if busy else Qt.CursorShape.ArrowCursor)

    def _update_count(self) -> None:
        n = self.model.rowCount()
        noun = "child" if n == 1 else "children"
        extra = f" — {self._caption}" if self._caption else ""
        if n == 0:
            self.count.setText("No children match." + extra)
        else:
            self.count.setText(f"{n:,} {noun}{extra}")

    def _activated(self, index: QModelIndex) -> None:
        """Enter or double-click: the child's page. Not while a search is being read: Enter
        typed fast after the search's own Enter opened the child the list had selected
        before the search."""
        if index.isValid() and not self._loading:
            self.open_child.emit(self.model.child_id(index.row()))


class CasesPage(Page):
    title = "Cases"
    #: The list shows children, their cases, IRO and team, and next due dates (rules too).
    shows = CASE_KINDS | CALENDAR_KINDS | {"staff", "team"}

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, *, background: bool = False
    ) -> None:
        super().__init__(parent)
        from ui.pages.child import ChildPage

        self.ctx = ctx
        self.stack = QStackedWidget()
        self.list = CaseListView(ctx, background=background)
        self.child = ChildPage(ctx)
        self.stack.addWidget(self.list)
        self.stack.addWidget(self.child)
        self.list.open_child.connect(self.open_child)
        self.child.back.connect(self.show_list)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)  # as every page: the window gives the margins
        layout.addWidget(self.stack)

    def refresh(self) -> None:
        self.list.load()
        if self.stack.currentWidget() is self.child:
            self.child.refresh()

    def open_child(self, child_id: int) -> None:
        self.ensure_loaded()
        self.child.set_back_to("cases")  # the window says otherwise if it came from elsewhere
        self.stack.setCurrentWidget(self.child)
        self.child.show_child(child_id)
        self.child.table.setFocus()  # the arrows move along the timeline at once

    def show_list(self) -> None:
        self.stack.setCurrentWidget(self.list)
        self.child._selection()  # its actions are off while it is not on screen
        self.list.table.setFocus()

    def changed(self, changes: Changes) -> None:
        """The list reads again what the change may have moved (`CaseListModel.changed`) and
        the next due dates are brought up to date; the child on screen is read again if the
        change was theirs (or the rules)."""
        if changes.everything or changes.touches("team"):
            self.list.fill_teams()
        self.list.model.changed(changes)
        self.list.load_next_dues()
        if self.child.child_id is not None and (
            changes.touches_child(self.child.child_id)
            or changes.calendar
            or changes.touches("staff", "room")
        ):
            self.child.refresh()
