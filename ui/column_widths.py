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
    ``share`` its part of the room left once every column has its own (0: none). A column
    with a ``drop`` is hidden when the table is too narrow for every column's own width, the
    highest ``drop`` first (0: always shown): what it holds must then be shown elsewhere
    (a details line, the row's tip). ``bold``: some rows are shown in bold (the council's
    changed rules), so the sample is measured in bold."""

    sample: str = ""
    share: int = 0
    drop: int = 0
    bold: bool = False


class Fitting:
    """What the fitted tables share (`FittedTable`, `FittedTableWidget`, and
    `ui.dialogs.tables.FittedRecordTable`; for a QTableView or a subclass): the columns
    (`Column` each) fitted to the table's width now and whenever it changes size, until a
    person resizes a column by hand (`sized_by_hand`); they can still drag any column wider
    or narrower."""

    def _start_fitting(self, columns: Sequence[Column]) -> None:
        self.columns = tuple(columns)
        self.sized_by_hand = False
        #: Columns the page leaves out whatever the room (`leave_out`).
        self.left_out: frozenset[int] = frozenset()
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.sectionResized.connect(self._resized)
        header.sectionHandleDoubleClicked.connect(self._by_hand)

    def minimum_widths(self) -> list[int]:
        """Each column's own width: its heading (bold, with room for the sort arrow where
        the table sorts) or its sample, whichever is wider."""
        header = self.horizontalHeader()
        heading_font = QFont(header.font())
        heading_font.setBold(True)  # the theme's headings are bold
        headings = QFontMetrics(heading_font)
        cells = QFontMetrics(self.font())
        bold_font = QFont(self.font())
        bold_font.setBold(True)
        bold_cells = QFontMetrics(bold_font)
        style = header.style()
        # Room for the sort arrow only in a table that sorts: a list that never shows one
        # gave every column that room for nothing (seven in the invitation list).
        arrow = (
            style.pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize, None, header)
            if self.isSortingEnabled()
            else 0
        )
        heading_room = (
            2 * style.pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
            + arrow
            + CELL_PADDING
        )
        model = self.model()
        widths = []
        for column, spec in enumerate(self.columns):
            title = model.headerData(column, Qt.Orientation.Horizontal) if model else None
            heading = headings.horizontalAdvance(str(title or "")) + heading_room
            metrics = bold_cells if spec.bold else cells
            sample = metrics.horizontalAdvance(spec.sample) + CELL_PADDING if spec.sample else 0
            widths.append(max(heading, sample))
        return widths

    def leave_out(self, columns: frozenset[int]) -> None:
        """Hide ``columns`` whatever the room (one that would say the same on every row, said
        once above the table instead), their room going to the others; show the rest."""
        if columns == self.left_out:
            return
        for column in self.left_out | columns:
            self.setColumnHidden(column, column in columns)
        self.left_out = columns
        self.fit()

    def fit(self) -> None:
        """The columns' widths for the table's present width (unless sized by hand)."""
        if self.sized_by_hand:
            return
        widths = self.minimum_widths()
        shown = self._columns_shown(widths)
        for column in range(len(self.columns)):
            if self.isColumnHidden(column) == (column in shown):
                self.setColumnHidden(column, column not in shown)
        room = self.viewport().width() - sum(widths[i] for i in shown)
        shares = sum(c.share for i, c in enumerate(self.columns) if i in shown)
        if room > 0 and shares:
            given = 0
            sharing = [i for i, c in enumerate(self.columns) if c.share and i in shown]
            for i in sharing:
                extra = room * self.columns[i].share // shares
                widths[i] += extra
                given += extra
            widths[sharing[-1]] += room - given  # what rounding left
        for column, width in enumerate(widths):
            if column in shown:
                self.setColumnWidth(column, width)

    def _columns_shown(self, widths: list[int]) -> set[int]:
        """The columns with room to be shown: all, less those with a ``drop`` (the highest
        first) while the rest's own widths are wider than the table."""
        shown = set(range(len(self.columns))) - self.left_out
        droppable = sorted(
            (i for i, c in enumerate(self.columns) if c.drop),
            key=lambda i: -self.columns[i].drop,
        )
        room = self.viewport().width()
        for column in droppable:
            if sum(widths[i] for i in shown) <= room:
                break
            shown.discard(column)
        return shown

    def columns_hidden(self) -> list[int]:
        """The columns hidden for want of room (`Column.drop`) or left out (`leave_out`)."""
        return [c for c in range(len(self.columns)) if self.isColumnHidden(c)]

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


class FittedTable(Fitting, QTableView):
    """A table view whose columns fit its width (`Fitting`)."""

    def __init__(self, columns: Sequence[Column], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._start_fitting(columns)


class FittedTableWidget(Fitting, QTableWidget):
    """A table widget (``headings`` its columns' headings) whose columns fit its width."""

    def __init__(
        self, columns: Sequence[Column], headings: Sequence[str], parent: QWidget | None = None
    ) -> None:
        super().__init__(0, len(headings), parent)
        self.setHorizontalHeaderLabels(list(headings))
        self._start_fitting(columns)
