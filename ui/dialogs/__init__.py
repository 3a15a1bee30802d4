"""Dialogs for booking and recording meetings; opened through ``ui.prompts`` so tests can
drive them without a modal loop. The pieces they share: the date and number boxes
(`ui.date_box`, `ui.number_box`), and choices read from the database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from reviewdesk.vocabulary import fold
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
from ui.prompts import prompts
from ui.wrong_entries import refuse_wrong_entries


def choice(items: list[tuple[int, str]], accessible: str, *, none_text: str | None) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(accessible)
    if none_text is not None:
        combo.addItem(none_text, None)
    for value, text in items:
        combo.addItem(text, value)
    return combo


class _EnterOnce(QObject):
    """Enter in a list's box calls ``action`` once: the box's own Enter signal came twice
    (the box, then the list around it, each took the key), so the person was told the same
    thing twice, or someone was invited twice."""

    def __init__(self, parent: QObject, action: Callable[[], object]) -> None:
        super().__init__(parent)
        self._action = action

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self._action()
            return True
        return False


def finding_list(
    combo: QComboBox,
    accessible: str,
    placeholder: str,
    on_enter: Callable[[], object] | None = None,
) -> QComboBox:
    """A list to type a name into, then Enter (``on_enter``) or a button (`typed_choice`):
    what is typed may be any part of a name ("Joanne" finds "DC Joanne Price")."""
    combo.setAccessibleName(accessible)
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    combo.lineEdit().setPlaceholderText(placeholder)
    if on_enter is not None:
        once = _EnterOnce(combo, on_enter)
        for box in (combo, combo.lineEdit()):  # (the key reaches either, as focus lies)
            box.installEventFilter(once)
    return combo


def typed_choice(combo: QComboBox, nothing: str) -> tuple[int, str]:
    """The item of a `finding_list` that what is typed names: the item of that name, else
    the one item whose name holds it (letters compared without case or accents). With none
    or several, -1 and what to tell the person (``nothing``: when no name holds it). Only
    the start of the whole label used to count: "Joanne" did not find "DC Joanne Price"."""
    typed = combo.currentText().strip()
    exact = combo.findText(typed) if typed else -1
    if exact >= 0 or not typed:
        return exact, "" if typed else nothing
    wanted = fold(typed)
    found = [i for i in range(combo.count()) if wanted in fold(combo.itemText(i))]
    if len(found) == 1:
        return found[0], ""
    if not found:
        return -1, nothing
    names = "; ".join(combo.itemText(i) for i in found[:6]) + ("; …" if len(found) > 6 else "")
    return -1, f"\u201c{typed}\u201d is in several names ({names}): choose one from the list."


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


def entries(root: QWidget) -> tuple:
    """What is entered in ``root``'s fields, as one value to compare: the text in each box
    (a date, time or number box's as typed, one that is not a date included), the choice in
    each list (and the text typed into one that takes typing), each tick."""
    values: list[object] = []
    for w in root.findChildren(QWidget):
        if isinstance(w, QAbstractSpinBox):
            values.append(w.text())
        elif isinstance(w, QComboBox):
            values.append((w.currentIndex(), w.currentText() if w.isEditable() else None))
        elif isinstance(w, QLineEdit):
            if not isinstance(w.parentWidget(), QAbstractSpinBox | QComboBox):  # (as above)
                values.append(w.text())
        elif isinstance(w, QPlainTextEdit | QTextEdit):
            if not w.isReadOnly():
                values.append(w.toPlainText())
        elif isinstance(w, QAbstractButton):
            if w.isCheckable():
                values.append(w.isChecked())
        elif isinstance(w, QListWidget):
            values.append(tuple(w.item(n).checkState() for n in range(w.count())))
    return tuple(values)


class FormDialog(QDialog):
    """A dialog whose fields are saved by its Save button (a booking, an outcome, a
    child's details, a challenge...): Esc, its Cancel button and the title bar's close ask
    before dropping what was entered since it opened, as the cancel dialog does with a
    reason given. They closed it without a word, an outcome or a booking chosen with care
    lost to a slip of the key. No, or Esc, goes back to the dialog with everything as it
    was; with nothing entered, it closes at once.

    What was entered is compared with the fields as the dialog was first shown (or as
    `entries_taken` last found them: a dialog that saves and stays open calls it). A dialog
    that saves piece by piece says itself what closing would lose (`unsaved`)."""

    _opened_with: tuple | None = None

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if self._opened_with is None:
            self.entries_taken()

    def entries_taken(self) -> None:
        self._opened_with = entries(self)

    def entered(self) -> bool:
        """Whether anything was entered (or changed) since `entries_taken`."""
        return self._opened_with is not None and entries(self) != self._opened_with

    #: What Enter answers to `drop_question`: No, back to the dialog (Esc then Enter must
    #: not lose an outcome typed with care).
    DROP_DEFAULT_NO = True

    def unsaved(self) -> list[str]:
        """What closing now would lose, each in a few words for the question ("the
        attendance chosen (Attendance tab)"); empty when nothing would be. Here, anything
        entered since `entries_taken`. A dialog that saves as it goes and fills its fields
        again after each save (the invitations, the themes) says instead what it holds typed
        or chosen and not saved yet: its fields differ from how they opened after every
        save, with nothing to lose."""
        return ["what you entered"] if self.entered() else []

    def drop_question(self) -> str | None:
        """What to ask before closing drops what was entered; None when nothing would be."""
        lost = self.unsaved()
        if not lost:
            return None
        what = lost[0] if len(lost) == 1 else f"{', '.join(lost[:-1])} and {lost[-1]}"
        return (
            f"Close \u201c{self.windowTitle()}\u201d without saving? "
            f"{what[:1].upper()}{what[1:]} will be lost."
        )

    def reject(self) -> None:  # Esc, Cancel, and the title bar's close
        question = self.drop_question()
        if question is not None and not prompts().confirm(
            self, question, default_no=self.DROP_DEFAULT_NO
        ):
            return
        super().reject()


__all__ = [
    "UK_DATE_FORMAT",
    "DateEdit",
    "DateOrNone",
    "FormDialog",
    "NumberBox",
    "TimeEdit",
    "choice",
    "date_edit",
    "entries",
    "finding_list",
    "from_qdate",
    "parse_typed",
    "time_edit",
    "typed_choice",
    "refuse_wrong_entries",
    "select_data",
    "to_qdate",
]
