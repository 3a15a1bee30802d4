"""The dashboard's IRO oversight figures for the quarter to date (challenges, midway reviews,
consultations, quoracy), worked out in the worker process like the chart."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from reviewdesk.oversight.figures import QuarterFigures, read_quarter_figures
from ui import worker_process
from ui.context import AppContext
from ui.tasks import run_in_background
from ui.theme import label


class OversightFigures(QWidget):
    """A title and three lines of figures."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = label("IRO oversight this quarter", "subtitle")
        self.figures = label("", "hint", wrap=True)
        self.figures.setAccessibleName("IRO oversight this quarter")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.figures)
        self.tasks: list = []

    def load(self, ctx: AppContext, *, background: bool) -> None:
        def work(_progress=None) -> QuarterFigures:
            return worker_process.call(read_quarter_figures, ctx.db, ctx.as_of)

        if not background:
            self.show_figures(work())
            return
        self.figures.setText("Working out the figures…")
        self.tasks.append(
            run_in_background(work, on_success=self.show_figures, on_failure=self._failed)
        )

    def show_figures(self, figures: QuarterFigures) -> None:
        self.title.setText(f"IRO oversight, {figures.label}")
        self.figures.setText("\n".join(figures.lines()))

    def _failed(self, _exc: BaseException) -> None:
        self.figures.setText("The figures could not be worked out.")


__all__ = ["OversightFigures"]
