"""F1: the keys the acting user's role can use, in a table that fits the screen.

The list was a message box of tab-separated lines: 772 pixels high on a 768-pixel screen
(its OK button on the bottom edge, off the screen at 200%), its second half's columns not
lined up."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.column_widths import Column, FittedTableWidget
from ui.screen import fit

HEADINGS = ("Keys", "What they do")
COLUMNS = (
    Column("Arrows, Page Up / Page Down", share=2),
    Column("Open the selected child's page", share=3),
)


class ShortcutsDialog(QDialog):
    """``lines`` ("keys<TAB>what they do") as a two-column table; Enter or Esc closes."""

    def __init__(self, lines: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        note = QLabel("The keys your role can use. Menus show theirs beside each command.")
        note.setWordWrap(True)
        self.table = FittedTableWidget(COLUMNS, HEADINGS)
        self.table.setAccessibleName("Keyboard shortcuts")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        self.table.setRowCount(len(lines))
        for row, line in enumerate(lines):
            keys, _tab, what = line.partition("\t")
            for column, text in enumerate((keys, what)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
        # Each row as high as its words once the columns have their widths (and again
        # whenever they change): fitted before, a wrapped line was cut to "Tab / …".
        self.table.horizontalHeader().sectionResized.connect(
            lambda *_: self.table.resizeRowsToContents()
        )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setDefault(True)
        close.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        fit(self, 760, 640)  # no more than the screen has: the table scrolls

    def rows(self) -> list[tuple[str, str]]:
        """What the table lists: (keys, what they do), row by row."""
        return [
            (self.table.item(r, 0).text(), self.table.item(r, 1).text())
            for r in range(self.table.rowCount())
        ]


__all__ = ["ShortcutsDialog"]
