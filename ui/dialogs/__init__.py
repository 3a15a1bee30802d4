"""Dialogs for booking and recording meetings; opened through ``ui.prompts`` so tests can
drive them without a modal loop."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QComboBox, QDateEdit

UK_DATE_FORMAT = "dd/MM/yyyy"


def to_qdate(d: dt.date) -> QDate:
    return QDate(d.year, d.month, d.day)


def from_qdate(q: QDate) -> dt.date:
    return dt.date(q.year(), q.month(), q.day())


def date_edit(value: dt.date, accessible: str) -> QDateEdit:
    edit = QDateEdit(to_qdate(value))
    edit.setDisplayFormat(UK_DATE_FORMAT)
    edit.setCalendarPopup(True)
    edit.setAccessibleName(accessible)
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
