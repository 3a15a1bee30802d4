"""Which period a report covers: the timeliness report, the measures export and the IRO
oversight report. The usual periods are a choice away (`reviewdesk.periods`); any dates can be
typed, as on the command line."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QVBoxLayout

from reviewdesk.errors import InvalidInput
from reviewdesk.periods import Period, checked_period, report_periods
from ui.dialogs import date_edit, from_qdate, refuse_wrong_entries, to_qdate
from ui.prompts import prompts
from ui.theme import label

#: The choice for dates typed in.
OTHER = "Other dates"


class PeriodDialog(QDialog):
    """A period: one of `report_periods` (``usual``: the index chosen at first), or dates
    typed in. `period` gives it once accepted."""

    def __init__(self, title: str, as_of: dt.date, parent=None, *, usual: int = 0) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.periods = report_periods(as_of)
        self._setting = False  # (a choice is setting the dates: they are not typed)
        self.choice = QComboBox()
        self.choice.setAccessibleName("Period")
        for p in self.periods:
            self.choice.addItem(p.name, p)
        self.choice.addItem(OTHER, None)
        first = self.periods[usual]
        self.start = date_edit(first.start, "From")
        self.end = date_edit(first.end, "To")
        form = QFormLayout()
        form.addRow("&Period", self.choice)
        form.addRow("&From", self.start)
        form.addRow("&To", self.end)
        for row, field in enumerate((self.choice, self.start, self.end)):
            form.itemAt(row, QFormLayout.ItemRole.LabelRole).widget().setBuddy(field)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            label("Quarters and years are the financial year's (April to March).", "hint")
        )
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.choice.setCurrentIndex(usual)
        self.choice.currentIndexChanged.connect(self._chosen)
        self.start.dateChanged.connect(self._typed)
        self.end.dateChanged.connect(self._typed)

    def _chosen(self, _index: int) -> None:
        period: Period | None = self.choice.currentData()
        if period is None:
            return
        self._setting = True
        self.start.setDate(to_qdate(period.start))
        self.end.setDate(to_qdate(period.end))
        self._setting = False

    def _typed(self) -> None:
        """Dates changed by hand: they are the period now, unless they are a choice's."""
        if self._setting:
            return
        dates = (from_qdate(self.start.date()), from_qdate(self.end.date()))
        match = next(
            (n for n, p in enumerate(self.periods) if (p.start, p.end) == dates),
            len(self.periods),
        )
        self.choice.blockSignals(True)
        self.choice.setCurrentIndex(match)
        self.choice.blockSignals(False)

    def period(self) -> Period:
        """The period chosen (a choice's, with its name; else the dates typed)."""
        chosen: Period | None = self.choice.currentData()
        if chosen is not None:
            return chosen
        return checked_period(from_qdate(self.start.date()), from_qdate(self.end.date()))

    def accept(self) -> None:
        if refuse_wrong_entries(self):
            return
        try:
            self.period()
        except InvalidInput as exc:
            prompts().error(self, str(exc))
            self.end.setFocus()
            return
        super().accept()


__all__ = ["OTHER", "PeriodDialog"]
