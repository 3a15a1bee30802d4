"""The dashboard's IRO oversight figures for the quarter to date (challenges, midway reviews,
consultations, quoracy), worked out in the worker process with the chart."""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from reviewdesk.oversight.figures import QuarterFigures
from ui.theme import label


class OversightFigures(QWidget):
    """A title, then each figure beside what it counts (or one line saying why none)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = label("IRO oversight this quarter", "subtitle")
        self.status = label("", "hint", wrap=True)
        self.grid = QGridLayout()
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setVerticalSpacing(2)
        self.grid.setHorizontalSpacing(16)
        self.grid.setColumnStretch(1, 1)
        #: (what, figure) labels, one pair per row of the grid.
        self.cells: list[tuple[QLabel, QLabel]] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.status)
        layout.addLayout(self.grid)

    def waiting(self) -> None:
        """Say the figures are being worked out (the dashboard reads them with its chart)."""
        self._say("Working out the figures…")

    def failed(self) -> None:
        self._say("The figures could not be worked out.")

    def show_figures(self, figures: QuarterFigures) -> None:
        self.title.setText(f"IRO oversight, {figures.label}")
        rows = figures.rows()
        while len(self.cells) < len(rows):
            what, figure = label("", "hint"), QLabel()
            figure.setAccessibleName("")
            self.grid.addWidget(what, len(self.cells), 0)
            self.grid.addWidget(figure, len(self.cells), 1)
            self.cells.append((what, figure))
        for (what, figure), (text, value) in zip(self.cells, rows, strict=False):
            what.setText(text)
            figure.setText(value)
            figure.setAccessibleName(text)
        self._say("")

    def text(self) -> str:
        """What is shown, one "what: figure" a line (for reading aloud and for tests)."""
        if self.status.text():
            return self.status.text()
        return "\n".join(f"{w.text()}: {f.text()}" for w, f in self.cells if w.isVisibleTo(self))

    def _say(self, message: str) -> None:
        self.status.setText(message)
        self.status.setVisible(bool(message))
        for what, figure in self.cells:
            what.setVisible(not message)
            figure.setVisible(not message)
