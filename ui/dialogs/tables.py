"""A read-only table of plain rows, for the small lists in the invitation and people
dialogs: whole rows selected, Tab leaving the table, each row carrying its record, and the
row the keyboard is on the one chosen."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
)

from ui.column_widths import Column, Fitting


class _ChoosesRow(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if (
            isinstance(watched, QTableView)
            and isinstance(event, QFocusEvent)
            and event.type() == QEvent.Type.FocusIn
            and event.reason() != Qt.FocusReason.MouseFocusReason  # (a click chooses its row)
            and watched.model() is not None
            and watched.model().rowCount() > 0
            and not watched.selectionModel().selectedRows()
        ):
            current = watched.currentIndex()
            watched.selectRow(current.row() if current.isValid() else 0)
        return False


def keyboard_chooses_row(view: QTableView) -> None:
    """Reached with the keyboard (Tab, Shift+Tab, an Alt+letter) with no row chosen, a
    table of rows chooses the row it is on (the first, to begin with), for the buttons that
    act on the row chosen. Qt only outlined that row: on a list of one (a report, a user, a
    challenge) no key could choose it, and on a longer one Down chose the second."""
    view.installEventFilter(_ChoosesRow(view))


class RecordTable(QTableWidget):
    """Rows of text, one record behind each (`record_at`, `selected_record`)."""

    def __init__(self, headers: Sequence[str], accessible: str) -> None:
        super().__init__(0, len(headers))
        self.setHorizontalHeaderLabels(list(headers))
        self.setAccessibleName(accessible)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setTabKeyNavigation(False)  # Tab moves to the next control, not the next cell
        self.verticalHeader().setVisible(False)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self._records: list[Any] = []
        keyboard_chooses_row(self)
        # Room for a few rows even where the dialog scrolls (a short or magnified screen).
        rows = self.verticalHeader().defaultSectionSize() * 4
        self.setMinimumHeight(rows + header.sizeHint().height() + 2 * self.frameWidth() + 4)

    def set_rows(
        self,
        rows: Sequence[tuple[Any, Sequence[str]]],
        tip: Callable[[Any], str] | None = None,
    ) -> None:
        """``rows``: (record, texts) each; the selection is kept on the same record. Each
        cell's tip is its text, or ``tip(record)`` (the whole record) when given."""
        keep = self.selected_record()
        self._records = [record for record, _texts in rows]
        self.setRowCount(len(rows))
        for r, (record, texts) in enumerate(rows):
            whole = tip(record) if tip is not None else None
            for c, text in enumerate(texts):
                item = QTableWidgetItem(text)
                item.setToolTip(whole or text)
                self.setItem(r, c, item)
        self._size_columns()
        if keep is not None:
            for r, record in enumerate(self._records):
                if getattr(record, "id", record) == getattr(keep, "id", keep):
                    self.selectRow(r)
                    break

    def _size_columns(self) -> None:
        self.resizeColumnsToContents()
        for c in range(self.columnCount()):
            self.setColumnWidth(c, min(self.columnWidth(c) + 12, 260))

    def record_at(self, row: int) -> Any:
        return self._records[row]

    def selected_record(self) -> Any:
        rows = self.selectionModel().selectedRows() if self.selectionModel() else []
        if not rows or rows[0].row() >= len(self._records):
            return None
        return self._records[rows[0].row()]

    def select_where(self, test, *, focus: bool = True) -> bool:
        """Select the first row whose record passes ``test`` (and give the table the
        keyboard, unless ``focus`` is False); whether one did."""
        for r, record in enumerate(self._records):
            if test(record):
                self.selectRow(r)
                if focus:
                    self.setFocus(Qt.FocusReason.OtherFocusReason)
                return True
        return False

    def texts(self, column: int) -> list[str]:
        return [self.item(r, column).text() for r in range(self.rowCount())]


class FittedRecordTable(Fitting, RecordTable):
    """A `RecordTable` whose columns fit its width (`ui.column_widths`): never wider than
    the dialog, the least needed columns (`Column.drop`) hidden when even their headings
    leave no room; the dialog shows what they hold elsewhere (a details line, the tips)."""

    def __init__(self, columns: Sequence[Column], headers: Sequence[str], accessible: str) -> None:
        super().__init__(headers, accessible)
        self._start_fitting(columns)
        #: Called after each fitting (the dialog says which columns gave way).
        self.on_fit: Callable[[], None] | None = None

    def fit(self) -> None:
        super().fit()
        if self.on_fit is not None:
            self.on_fit()

    def _size_columns(self) -> None:
        self.fit()


__all__ = ["FittedRecordTable", "RecordTable", "keyboard_chooses_row"]
