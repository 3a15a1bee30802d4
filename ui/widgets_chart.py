"""A month-by-month timeliness chart drawn with QPainter (no chart library needed)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from reviewdesk.dashboard import MonthFigure
from ui import theme

#: A month's bar: its rating (`MonthFigure.rag`) in colour; green with no target.
_RAG_COLOURS = {"red": theme.RED, "amber": theme.AMBER, "green": theme.GREEN}


class TimelinessChart(QWidget):
    """Bars of the percentage held in timescale per month, with the target as a line."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.figures: list[MonthFigure] = []
        self.target: float | None = None
        self.empty_text = "No timeliness figures yet"
        self.setMinimumHeight(190)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName("Monthly timeliness chart")

    def set_figures(self, figures: list[MonthFigure], target: float | None) -> None:
        self.figures = list(figures)
        self.target = target
        described = ", ".join(
            f"{f.label} {'no meetings' if f.percent is None else f'{f.percent:.0f}%'}"
            for f in self.figures
        )
        self.setAccessibleDescription(described or self.empty_text)
        self.update()

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        text = pal.color(pal.ColorRole.WindowText)
        faint = pal.color(pal.ColorRole.Mid)
        rect = QRectF(self.rect()).adjusted(44, 12, -12, -28)
        if not self.figures:
            p.setPen(pal.color(pal.ColorRole.PlaceholderText))
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.empty_text)
            return
        p.setPen(QPen(faint, 1))
        for pct in (0, 50, 100):
            y = rect.bottom() - rect.height() * pct / 100
            p.drawLine(int(rect.left()), int(y), int(rect.right()), int(y))
            p.setPen(text)
            p.drawText(QRectF(0, y - 8, 40, 16), Qt.AlignmentFlag.AlignRight, f"{pct}%")
            p.setPen(QPen(faint, 1))
        n = len(self.figures)
        slot = rect.width() / n
        metrics = p.fontMetrics()
        widest = max(metrics.horizontalAdvance(f.label) for f in self.figures) + 6
        every = max(1, int(widest // max(slot, 1)) + (1 if widest > slot else 0))
        for i, f in enumerate(self.figures):
            x = rect.left() + i * slot
            if f.percent is not None:
                h = rect.height() * max(0.0, min(f.percent, 100.0)) / 100
                colour = _RAG_COLOURS.get(f.rag or "", theme.GREEN)  # the measures' rating
                p.fillRect(QRectF(x + slot * 0.18, rect.bottom() - h, slot * 0.64, h), colour)
            p.setPen(text)
            if i % every == 0 or i == n - 1:
                p.drawText(
                    QRectF(x - slot, rect.bottom() + 4, 3 * slot, 20),
                    Qt.AlignmentFlag.AlignHCenter,
                    f.label,
                )
            if f.percent is not None and slot >= metrics.horizontalAdvance("100%") + 4:
                top = rect.bottom() - rect.height() * max(0.0, min(f.percent, 100.0)) / 100
                p.drawText(
                    QRectF(x, top - 18, slot, 16),
                    Qt.AlignmentFlag.AlignHCenter,
                    f"{f.percent:.0f}%",
                )
        if self.target is not None:
            y = rect.bottom() - rect.height() * self.target / 100
            pen = QPen(QColor(theme.AMBER), 2, Qt.PenStyle.DashLine)
            p.setPen(pen)
            p.drawLine(int(rect.left()), int(y), int(rect.right()), int(y))
