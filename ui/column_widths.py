"""Table columns sized to the room the window gives them.

Fixed pixel widths suited one window: in a 1366-pixel window (or at 200%) the case list's
nine columns were wider than the table, its "Last IRO contact" heading was cut short and
the list scrolled sideways. Here each column gets at least the width of its heading and of
its usual contents (a date, an ID), and the room left over goes to the columns that hold
names, in proportion. The columns are fitted again whenever the table changes size, until a
person drags a column's edge: from then on their widths are theirs and are kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics, QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QHeaderView,
    QStyle,
    QTableView,
    QTableWidget,
    QWidget,
)

#: Room either side of a cell's text (Qt's item view margins and the grid line).
CELL_PADDING = 14


@dataclass(frozen=True)
class Column:
    """How to size one column: ``sample`` is its widest usual contents (e.g. a date) and
    ``share`` its part of the room left once every column has its own (0: none)."""

    sample: str = ""
    share: int = 0


class _Fitting:
    """What `FittedTable` and `FittedTableWidget` share (for a QTableView or a subclass):
    the columns (`Column` each) fitted to the table's width now and whenever it changes
    size, until a person resizes a column by hand (`sized_by_hand`); they can still drag
    any column wider or narrower."""

    def _start_fitting(self, columns: Sequence[Column]) -> None:
        self.columns = tuple(columns)
        self.sized_by_hand = False
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.sectionResized.connect(self._resized)
        header.sectionHandleDoubleClicked.connect(self._by_hand)

    def minimum_widths(self) -> list[int]:
        """Each column's own width: its heading (bold, with room for the sort arrow) or its
        sample, whichever is wider."""
        header = self.horizontalHeader()
        heading_font = QFont(header.font())
        heading_font.setBold(True)  # the theme's headings are bold
        headings = QFontMetrics(heading_font)
        cells = QFontMetrics(self.font())
        style = header.style()
        heading_room = (
            2 * style.pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
            + style.pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize, None, header)
            + CELL_PADDING
        )
        model = self.model()
        widths = []
        for column, spec in enumerate(self.columns):
            title = model.headerData(column, Qt.Orientation.Horizontal) if model else None
            heading = headings.horizontalAdvance(str(title or "")) + heading_room
            sample = cells.horizontalAdvance(spec.sample) + CELL_PADDING if spec.sample else 0
            widths.append(max(heading, sample))
        return widths

    def fit(self) -> None:
        """The columns' widths for the table's present width (unless sized by hand)."""
        if self.sized_by_hand:
            return
        widths = self.minimum_widths()
        room = self.viewport().width() - sum(widths)
        shares = sum(c.share for c in self.columns)
        if room > 0 and shares:
            given = 0
            sharing = [i for i, c in enumerate(self.columns) if c.share]
            for i in sharing:
                extra = room * self.columns[i].share // shares
                widths[i] += extra
                given += extra
            widths[sharing[-1]] += room - given  # what rounding left
        for column, width in enumerate(widths):
            self.setColumnWidth(column, width)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self.fit()

    def _resized(self, _column: int, _old: int, _new: int) -> None:
        # Qt resizes the stretching last column itself as the table changes size (a window
        # edge or a splitter dragged): only a drag on the headings is the person's choice.
        header = self.horizontalHeader()
        dragging = QApplication.mouseButtons() & Qt.MouseButton.LeftButton
        if dragging and header.underMouse():
            self._by_hand()

    def _by_hand(self, *_args: object) -> None:
        self.sized_by_hand = True


class FittedTable(_Fitting, QTableView):
    """A table view whose columns fit its width (`_Fitting`)."""

    def __init__(self, columns: Sequence[Column], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._start_fitting(columns)


class FittedTableWidget(_Fitting, QTableWidget):
    """A table widget (``headings`` its columns' headings) whose columns fit its width."""

    def __init__(
        self, columns: Sequence[Column], headings: Sequence[str], parent: QWidget | None = None
    ) -> None:
        super().__init__(0, len(headings), parent)
        self.setHorizontalHeaderLabels(list(headings))
        self._start_fitting(columns)
