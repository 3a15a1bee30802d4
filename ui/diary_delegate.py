"""Draws a diary cell as one block per meeting (time and child, then room or chair), so a
double-booked meeting is marked on its own rather than shading the whole cell, as is a
meeting whose day has passed with its outcome not recorded."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from reviewdesk.vocabulary import OUTCOME_NOT_RECORDED
from ui import theme

PAD = 4


def entry_at(cell: QRect, metrics: QFontMetrics, count: int, y: int) -> int:
    """Which of a cell's ``count`` meetings is drawn at height ``y`` (the nearest one
    above or below when ``y`` falls in the padding): `DiaryDelegate.paint`'s layout."""
    block = 2 * metrics.lineSpacing() + PAD
    return max(0, min(count - 1, (y - cell.top() - PAD) // block))


class DiaryDelegate(QStyledItemDelegate):
    def _entries(self, index: QModelIndex):
        model = index.model()
        return model.entries_at(index.row(), index.column())

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        line = option.fontMetrics.lineSpacing()
        n = len(self._entries(index))
        return QSize(120, max(2 * line + 2 * PAD, n * (2 * line + PAD) + PAD))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        model = index.model()
        entries = self._entries(index)
        painter.save()
        day = model.days[index.column()]
        if day in model.non_working:
            painter.fillRect(
                option.rect, theme.CLOSED_DARK if theme.is_dark() else theme.CLOSED_LIGHT
            )
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(option.rect, option.palette.highlight().color().lighter(170))
        metrics = option.fontMetrics
        line = metrics.lineSpacing()
        width = option.rect.width() - 2 * PAD
        text_colour = option.palette.text().color()
        quiet = option.palette.placeholderText().color()
        # Looked up once a cell, not once a meeting: a busy chair's day is ten double bookings.
        clash_fill = theme.CLASH_DARK if theme.is_dark() else theme.CLASH_LIGHT
        red = theme.text_colour("red")
        amber = theme.text_colour("amber")
        if not entries and day in model.non_working:
            painter.setPen(theme.text_colour("amber"))
            painter.drawText(
                option.rect.adjusted(PAD, PAD, -PAD, -PAD),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                model.non_working[day],
            )
        y = option.rect.top() + PAD
        for e in entries:
            block = QRect(option.rect.left() + 2, y - 2, option.rect.width() - 4, 2 * line + 3)
            clash = model.clashes.get(e.meeting_id)
            if clash:
                painter.fillRect(block, clash_fill)
                painter.setPen(red)
                painter.drawRect(block.adjusted(0, 0, -1, -1))
            painter.setPen(text_colour)
            time = e.start.strftime("%H:%M") if e.start else "All day"
            # The time and the child first, whatever the width: the warning opens the red
            # second line (in a narrow day, 200% on a laptop, the first line had room for
            # "⚠ 10:00…" only, the child cut away).
            first = f"{time} {e.child_name} · {e.label}"
            other = model.other(e)
            second = other or ""
            if clash:
                second = f"⚠ double booked: {', '.join(clash)} · {second}"
            # A day now past with the meeting never recorded: not one still to come.
            unrecorded = model.not_recorded(e)
            if unrecorded:
                second = f"{OUTCOME_NOT_RECORDED.capitalize()} · {second}"
            left = option.rect.left() + PAD
            painter.drawText(
                left,
                y + metrics.ascent(),
                metrics.elidedText(first, Qt.TextElideMode.ElideRight, width),
            )
            painter.setPen(red if clash else amber if unrecorded else quiet)
            painter.drawText(
                left,
                y + line + metrics.ascent(),
                metrics.elidedText(second, Qt.TextElideMode.ElideRight, width),
            )
            y += 2 * line + PAD
        if option.state & QStyle.StateFlag.State_HasFocus:
            # The cell the keyboard is on (Tab into the week, the arrows), framed as the
            # other tables frame theirs: drawn here, the week showed no sign of it, and
            # Enter opened a meeting the person could not see they were on.
            painter.setPen(QPen(option.palette.highlight().color(), 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(option.rect.adjusted(1, 1, -1, -1))
        painter.restore()
