"""Dialogs for booking and recording meetings; opened through ``ui.prompts`` so tests can
drive them without a modal loop. The pieces they share: the date and number boxes
(`ui.date_box`, `ui.number_box`), and choices read from the database."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QWidget

from ui.date_box import (
    UK_DATE_FORMAT,
    DateEdit,
    TimeEdit,
    date_edit,
    from_qdate,
    parse_typed,
    time_edit,
    to_qdate,
)
from ui.number_box import NumberBox
from ui.wrong_entries import refuse_wrong_entries


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

    def follow(self, day: dt.date) -> None:
        """Offer ``day`` when it is ticked, while it is not (the held date, as it is typed:
        ticking "Decisions issued" after changing the held date offered the booked date,
        which the save then refused as before the meeting)."""
        if not self.check.isChecked():
            self.edit.setDate(to_qdate(day))

    def set_value(self, value: dt.date | None) -> None:
        self.check.setChecked(value is not None)
        if value is not None:
            self.edit.setDate(value)


__all__ = [
    "UK_DATE_FORMAT",
    "DateEdit",
    "DateOrNone",
    "NumberBox",
    "TimeEdit",
    "choice",
    "date_edit",
    "from_qdate",
    "parse_typed",
    "time_edit",
    "refuse_wrong_entries",
    "select_data",
    "to_qdate",
]
