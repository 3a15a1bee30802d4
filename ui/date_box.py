"""The date box every form uses: it takes a date typed over it, and will not let something
typed that is not a date pass for the date it had (`DateEdit`; `ui.wrong_entries` refuses
the save)."""

from __future__ import annotations

import datetime as dt
import re

from PySide6.QtCore import QDate, QEvent, Qt, QTimer
from PySide6.QtGui import QFocusEvent, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QAbstractSpinBox, QDateEdit, QTimeEdit, QToolTip, QWidget

from ui.theme import text_colour

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


#: What follows a wrong date in its box once the box is left.
NOT_A_DATE_MARK = "\u26a0 not a date"

#: Keys that only modify others: pressing one changes nothing typed.
_MODIFIER_KEYS = frozenset(
    (Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_AltGr, Qt.Key.Key_Meta)
)
_SHORTCUT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
#: Keys that, over a wrong date, put back the date the box had.
_UNDO = frozenset((Qt.Key.Key_Escape, Qt.Key.Key_Backspace, Qt.Key.Key_Delete))


class DateEdit(QDateEdit):
    """A date box that takes a date typed over it: click in it (or Tab to it, or select all)
    and type "11/04/2024" or "11042024"; the whole date is replaced. Up and Down still step
    the part under the cursor, Alt+Down opens the calendar, and Tab goes on to the next
    field (`_next_field`).

    Something typed that is not a date ("31/02/2026") stays in the box, in red, with a
    message saying so (`not_a_date`). Enter does not save over it, and `ui.wrong_entries`
    stops a save while it is there: the box used to put the old date back without a word, so
    a meeting could be booked on a day nobody chose."""

    def __init__(self, value: QDate) -> None:
        super().__init__(value)
        self._typed: str | None = None
        #: What was typed that is not a date, while it is still in the box.
        self.not_a_date: str | None = None
        self.dateChanged.connect(self._clear_not_a_date)

    def wrong_entry_message(self) -> str | None:
        """Why the box holds no date (`ui.wrong_entries`); None when it holds one."""
        return self.not_a_date_message() if self.not_a_date is not None else None

    def finish_typing(self) -> None:
        """A date still being typed counts as typed (a save is about to read the box)."""
        self._finish()

    def not_a_date_message(self) -> str:
        """Why the box holds no date, naming it as its label does."""
        return (
            f"{self.accessibleName() or 'Date'}: \u201c{self.not_a_date}\u201d is not a date. "
            "Type it as dd/mm/yyyy, for example 07/04/2025."
        )

    def _show_not_a_date(self, typed: str) -> None:
        self.not_a_date = typed
        self._show_wrong()
        red = text_colour("red").name()  # (lighter on a dark background)
        self.setStyleSheet(f"QDateEdit {{ color: {red}; border: 2px solid {red}; }}")
        self.setToolTip(self.not_a_date_message())
        self.setAccessibleDescription(self.not_a_date_message())  # (read out by screen readers)
        QToolTip.showText(self.mapToGlobal(self.rect().bottomLeft()), self.toolTip(), self)

    def _clear_not_a_date(self, *_args: object) -> None:
        if self.not_a_date is None:
            return
        self.not_a_date = None
        self.setStyleSheet("")
        self.setToolTip(self._tip)
        self.setAccessibleDescription("")
        QToolTip.hideText()

    @property
    def _tip(self) -> str:
        name = self.accessibleName() or "Date"
        return f"{name}: type it as dd/mm/yyyy, or Alt+Down for a calendar"

    def _select_all_soon(self) -> None:
        QTimer.singleShot(0, self.selectAll)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        if self.not_a_date is not None:
            self._show(self.not_a_date)  # to retype (Qt put its own last date back in the text)
        self._select_all_soon()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        focused = self.hasFocus()
        super().mousePressEvent(event)
        if not focused:  # the click that gives it focus selects the date, ready to type over
            self._select_all_soon()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in _MODIFIER_KEYS:  # Shift for "/" on some keyboards, Alt for Alt+S
            super().keyPressEvent(event)
            return
        text = event.text()
        line = self.lineEdit()
        whole = bool(line.text()) and line.selectedText() == line.text()
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        typing = bool(text) and text.isprintable() and not event.modifiers() & _SHORTCUT
        if self._typed is None and self.not_a_date is not None and (typing or event.key() in _UNDO):
            # Typing over a wrong date starts afresh (a digit, the new date's first), Escape or
            # Backspace puts the old one back (as Up or Down do, `stepBy`).
            self._put_date_back()
            if event.key() in _UNDO:
                return
            whole = text.isdigit()
        if self._typed is None and text.isdigit() and whole:
            self._typed = ""
        if self._typed is not None:
            if text and (text.isdigit() or text in "/.-"):
                self._typed += "/" if text in ".-" else text
                self._show(self._typed)
                self._take(final=False)
                return
            if event.key() == Qt.Key.Key_Backspace:
                self._typed = self._typed[:-1]
                self._show(self._typed)
                return
            if event.key() == Qt.Key.Key_Escape:
                self._typed = None
                self._show_date()
                return
            self._finish()
        if enter and self.not_a_date is not None:
            line.selectAll()  # Enter would have saved the old date: it stays, to be retyped
            QToolTip.showText(self.mapToGlobal(self.rect().bottomLeft()), self.toolTip(), self)
            return
        super().keyPressEvent(event)

    def _show(self, text: str) -> None:
        """Put ``text`` in the box without Qt reading it as a date: Qt's own check of the text
        makes "31/02/2024" 29/02/2024 (the month's last day), a date nobody typed."""
        line = self.lineEdit()
        check = line.validator()
        line.blockSignals(True)
        line.setValidator(None)
        try:
            line.setText(text)
        finally:
            line.setValidator(check)
            line.blockSignals(False)

    def _show_wrong(self) -> None:
        """The wrong date as typed; once the box is left, followed by what is wrong with it
        (in the box itself, where the eye is, unlike a tip that the next key hides)."""
        wrong = self.not_a_date or ""
        self._show(wrong if self.hasFocus() else f"{wrong}  {NOT_A_DATE_MARK}")

    def _show_date(self) -> None:
        self._show(self.textFromDateTime(self.dateTime()))

    def _put_date_back(self) -> None:
        self._clear_not_a_date()
        self._show_date()

    def _take(self, *, final: bool) -> bool:
        """Use the typed date once it is whole; True when it was."""
        typed = self._typed or ""
        day = parse_typed(typed, final=final)
        if day is None or (not final and len(typed) < 8):
            return False
        self._typed = None
        self._clear_not_a_date()
        self.setDate(to_qdate(day))
        self._show_date()
        return True

    def _finish(self) -> None:
        """The person moved on: use what they typed; if it is not a date, it stays in the box
        and says so (an empty box is the date put back)."""
        if self._typed is None or self._take(final=True):
            return
        typed, self._typed = self._typed, None
        if typed:
            self._show_not_a_date(typed)
        else:
            self._put_date_back()

    def event(self, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and self._typed is not None
            and isinstance(event, QKeyEvent)
            and event.modifiers() & _SHORTCUT
        ):
            # Alt+S (Save) or another shortcut pressed straight after typing: what was typed
            # is taken (or shown as not a date) first, so the save reads it, not the old date.
            self._finish()
        return super().event(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self._finish()
        super().focusOutEvent(event)  # (Qt puts its own last date back in the text)
        if self.not_a_date is not None:
            self._show_wrong()

    def stepBy(self, steps: int) -> None:
        self._put_date_back()  # Up or Down over a wrong date steps the date it had
        super().stepBy(steps)

    def setDate(self, date: QDate) -> None:
        """A date the form puts in (a free slot chosen) replaces a wrong one typed, even the
        date the box had (no change of date, so no signal would clear it)."""
        self._typed = None
        self._clear_not_a_date()
        super().setDate(date)

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
    edit.setToolTip(edit._tip)
    return edit
