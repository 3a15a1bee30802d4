"""Dialogs for booking and recording meetings; opened through ``ui.prompts`` so tests can
drive them without a modal loop. The pieces they share: a date box that takes a typed date,
and choices read from the database."""

from __future__ import annotations

import datetime as dt
import re

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtGui import QFocusEvent, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QTimeEdit,
    QWidget,
)

UK_DATE_FORMAT = "dd/MM/yyyy"


def to_qdate(d: dt.date) -> QDate:
    return QDate(d.year, d.month, d.day)


def from_qdate(q: QDate) -> dt.date:
    return dt.date(q.year(), q.month(), q.day())


_TYPED = (
    re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})"),
    re.compile(r"(\d{2})(\d{2})(\d{4})"),
)


def parse_typed(text: str, *, final: bool) -> dt.date | None:
    """A date typed as dd/mm/yyyy, d/m/yyyy or ddmmyyyy (and, once the person has finished,
    dd/mm/yy); None while it is not one yet."""
    for pattern in _TYPED:
        found = pattern.fullmatch(text)
        if found is None:
            continue
        day, month, year = (int(g) for g in found.groups())
        if len(found.group(3)) == 2:
            if not final:
                continue
            year += 2000
        try:
            return dt.date(year, month, day)
        except ValueError:
            return None
    return None


class DateEdit(QDateEdit):
    """A date box that takes a date typed over it: click in it (or Tab to it, or select all)
    and type "11/04/2024" or "11042024"; the whole date is replaced. Up and Down still step
    the part under the cursor, Alt+Down opens the calendar, and Tab goes on to the next
    field (`_next_field`)."""

    def __init__(self, value: QDate) -> None:
        super().__init__(value)
        self._typed: str | None = None

    def _select_all_soon(self) -> None:
        QTimer.singleShot(0, self.selectAll)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self._select_all_soon()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        focused = self.hasFocus()
        super().mousePressEvent(event)
        if not focused:  # the click that gives it focus selects the date, ready to type over
            self._select_all_soon()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        line = self.lineEdit()
        whole = bool(line.text()) and line.selectedText() == line.text()
        if self._typed is None and text.isdigit() and whole:
            self._typed = ""
        if self._typed is not None:
            if text and (text.isdigit() or text in "/.-"):
                self._typed += "/" if text in ".-" else text
                line.setText(self._typed)
                self._take(final=False)
                return
            if event.key() == Qt.Key.Key_Backspace:
                self._typed = self._typed[:-1]
                line.setText(self._typed)
                return
            if event.key() == Qt.Key.Key_Escape:
                self._typed = None
                line.setText(self.textFromDateTime(self.dateTime()))
                return
            self._finish()
        super().keyPressEvent(event)

    def _take(self, *, final: bool) -> bool:
        """Use the typed date once it is whole; True when it was."""
        typed = self._typed or ""
        day = parse_typed(typed, final=final)
        if day is None or (not final and len(typed) < 8):
            return False
        self._typed = None
        self.setDate(to_qdate(day))
        self.lineEdit().setText(self.textFromDateTime(self.dateTime()))
        return True

    def _finish(self) -> None:
        """The person moved on: use what they typed, or put the date back if it is not one."""
        if self._typed is not None and not self._take(final=True):
            self._typed = None
            self.lineEdit().setText(self.textFromDateTime(self.dateTime()))

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self._finish()
        super().focusOutEvent(event)

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: A002 - Qt's name
        return _next_field(self, next)


def _next_field(edit: QAbstractSpinBox, forward: bool) -> bool:
    """Tab goes on to the next field, as in every other box: a date or time box's own
    Tab stepped through its parts first (three Tabs for a date), so a time typed after one
    Tab went into the date's month. The arrow keys and "/" still move between the parts."""
    return QWidget.focusNextPrevChild(edit, forward)


class TimeEdit(QTimeEdit):
    """A time box ("14:00", typed as 1400) that Tab leaves, as `DateEdit`."""

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: A002 - Qt's name
        return _next_field(self, next)


def date_edit(value: dt.date, accessible: str) -> DateEdit:
    edit = DateEdit(to_qdate(value))
    edit.setDisplayFormat(UK_DATE_FORMAT)
    edit.setCalendarPopup(True)
    edit.setAccessibleName(accessible)
    edit.setToolTip(f"{accessible}: type it as dd/mm/yyyy, or Alt+Down for a calendar")
    return edit


def choice(items: list[tuple[int, str]], accessible: str, *, none_text: str | None) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(accessible)
    if none_text is not None:
        combo.addItem(none_text, None)
    for value, text in items:
        combo.addItem(text, value)
    return combo


def select_data(combo: QComboBox, value) -> None:
    index = combo.findData(value)
    if index >= 0:
        combo.setCurrentIndex(index)


class DateOrNone(QWidget):
    """A tick box and a date: unticked means not done (or not recorded) yet. The tick box
    takes the focus, so a form's Alt+letter reaches it."""

    def __init__(
        self, value: dt.date | None, default: dt.date, accessible: str, check_text: str = ""
    ) -> None:
        super().__init__()
        self.check = QCheckBox(check_text)
        self.check.setAccessibleName(f"{accessible}: recorded")
        self.edit = date_edit(value or default, accessible)
        self.check.setChecked(value is not None)
        self.edit.setEnabled(value is not None)
        self.check.toggled.connect(self.edit.setEnabled)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.check)
        layout.addWidget(self.edit, 1)
        self.setFocusProxy(self.check)
        # A label's Alt+letter gives the focus only to a buddy that takes focus itself
        # (then it goes on to the proxy, the tick box).
        self.setFocusPolicy(self.check.focusPolicy())

    def value(self) -> dt.date | None:
        return from_qdate(self.edit.date()) if self.check.isChecked() else None

    def set_value(self, value: dt.date | None) -> None:
        self.check.setChecked(value is not None)
        if value is not None:
            self.edit.setDate(value)
