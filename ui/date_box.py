"""The date and time boxes every form uses: each takes a date or time typed over it, and will
not let something typed that is not one pass for the value it had (`TypedOver`;
`ui.wrong_entries` refuses the save)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from PySide6.QtCore import QDate, QEvent, Qt, QTime, QTimer, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QAbstractSpinBox, QDateEdit, QTimeEdit, QToolTip, QWidget

from ui.theme import text_colour

UK_DATE_FORMAT = "dd/MM/yyyy"
TIME_FORMAT = "HH:mm"


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


_TYPED_TIME = (
    re.compile(r"(\d{1,2})(?::(\d{2}))?\s*([ap]m)?"),  # 14:30, 9:30, 14, 2pm, 2:30 pm
    re.compile(r"(\d{1,2})(\d{2})\s*([ap]m)?"),  # 1430, 930, 230pm
)


_AM_PM_DOTS = re.compile(r"([ap])\.m\.?$")


def parse_typed_time(text: str) -> dt.time | None:
    """A time typed on the 24-hour clock ("14:30", "1430", "9:30", "930", "14") or with am or
    pm ("2pm", "2:30pm", "2.30 p.m."); "." may stand for ":". None when it is not a time:
    minutes not two figures ("9:3"), an hour past 23, or past 12 with am or pm."""
    typed = _AM_PM_DOTS.sub(r"\1m", text.strip().lower()).replace(".", ":")
    for pattern in _TYPED_TIME:
        found = pattern.fullmatch(typed)
        if found is None:
            continue
        hour, minute = int(found.group(1)), int(found.group(2) or 0)
        half = found.group(3)
        if half is not None:
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if half == "pm" else 0)
        if hour > 23 or minute > 59:
            return None
        return dt.time(hour, minute)
    return None


#: Keys that only modify others: pressing one changes nothing typed.
_MODIFIER_KEYS = frozenset(
    (Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_AltGr, Qt.Key.Key_Meta)
)
_SHORTCUT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
#: Keys that, over a wrong entry, put back the value the box had.
_UNDO = frozenset((Qt.Key.Key_Escape, Qt.Key.Key_Backspace, Qt.Key.Key_Delete))


def _next_field(edit: QAbstractSpinBox, forward: bool) -> bool:
    """Tab goes on to the next field, as in every other box: a date or time box's own
    Tab stepped through its parts first (three Tabs for a date), so a time typed after one
    Tab went into the date's month. The arrow keys and "/" still move between the parts."""
    return QWidget.focusNextPrevChild(edit, forward)


class TypedOver:
    """What the date and the time box share (mixed into a QDateEdit or a QTimeEdit): click
    in the box (or Tab to it, or select all) and type the whole value over it, "11/04/2024"
    or "2:30pm"; Up and Down still step the part under the cursor, and Tab goes on to the
    next field (`_next_field`).

    Something typed that the box does not take ("31/02/2026", "25:00") stays in it, in
    red, with a message saying so (`wrong_entry_message`). Enter does not save over it, and
    `ui.wrong_entries` stops a save while it is there: Qt's box put the old value back
    without a word (or took "2pm" as 02:30), so a meeting could be booked on a day or at a
    time nobody chose."""

    #: What the box holds, in words ("date").
    NOUN: str
    #: How to type it, for the messages.
    HOW: str
    #: The Qt class, for the red stylesheet (which must not reach a calendar's own boxes).
    QT_CLASS: str
    #: Typed this long, a value is taken before the box is left (0: only once left).
    TAKE_AT = 0
    #: What was typed that the box does not take, while it is still in the box.
    wrong_typed: str | None = None
    _typed: str | None = None

    def _start_typing_over(self, display_format: str, accessible: str) -> None:
        self.setDisplayFormat(display_format)
        self.setAccessibleName(accessible)
        self.setToolTip(self._tip)
        self.dateTimeChanged.connect(self._clear_wrong)

    # Each box's own: its tip; what a key typed adds to the entry (None: it is not part of
    # one); and putting in the value ``typed`` stands for (False when it stands for none;
    # ``final``: the person has moved on, so no more is coming).
    _tip: str
    _typing: Callable[[str], str | None]
    _take_typed: Callable[..., bool]
    #: Emitted when a wrong entry is shown or cleared (a form's checks of the value say so).
    wrong_entry_changed: Signal

    # --- the shared behaviour -------------------------------------------------------------
    def stepBy(self, steps: int) -> None:
        self._put_value_back()  # Up or Down over a wrong entry steps the value it had
        super().stepBy(steps)

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: A002 - Qt's name
        return _next_field(self, next)

    def wrong_entry_message(self) -> str | None:
        """Why the box holds no value (`ui.wrong_entries`); None when it holds one."""
        if self.wrong_typed is None:
            return None
        return (
            f"{self.accessibleName() or self.NOUN.capitalize()}: "
            f"\u201c{self.wrong_typed}\u201d is not a {self.NOUN}. {self.HOW}"
        )

    def finish_typing(self) -> None:
        """A value still being typed counts as typed (a save is about to read the box)."""
        self._finish()

    @property
    def wrong_mark(self) -> str:
        """What follows a wrong entry in its box once the box is left."""
        return f"\u26a0 not a {self.NOUN}"

    def _forget_typing(self) -> None:
        """A value the form puts in (a free slot chosen) replaces a wrong one typed, even the
        value the box had (no change, so no signal would clear it)."""
        self._typed = None
        self._clear_wrong()

    def put_back_wrong(self, typed: str) -> None:
        """Show ``typed`` again as the wrong entry it was: a form filled again from what is
        saved keeps what the person typed (no tip pops up: the box may not be on show)."""
        self._show_wrong_typed(typed, tip=False)

    def _show_wrong_typed(self, typed: str, *, tip: bool = True) -> None:
        self.wrong_typed = typed
        self._show_wrong()
        self.wrong_entry_changed.emit()
        red = text_colour("red").name()  # (lighter on a dark background)
        self.setStyleSheet(f"{self.QT_CLASS} {{ color: {red}; border: 2px solid {red}; }}")
        message = self.wrong_entry_message()
        self.setToolTip(message)
        self.setAccessibleDescription(message)  # (read out by screen readers)
        if tip:
            QToolTip.showText(self.mapToGlobal(self.rect().bottomLeft()), self.toolTip(), self)

    def _clear_wrong(self, *_args: object) -> None:
        if self.wrong_typed is None:
            return
        self.wrong_typed = None
        self.setStyleSheet("")
        self.setToolTip(self._tip)
        self.setAccessibleDescription("")
        QToolTip.hideText()
        self.wrong_entry_changed.emit()

    def _select_all_soon(self) -> None:
        QTimer.singleShot(0, self.selectAll)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        if self.wrong_typed is not None:
            self._show(self.wrong_typed)  # to retype (Qt put its own last value back)
        self._select_all_soon()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        focused = self.hasFocus()
        super().mousePressEvent(event)
        if not focused:  # the click that gives it focus selects the value, ready to type over
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
        over_wrong = self._typed is None and self.wrong_typed is not None
        if over_wrong and (typing or event.key() in _UNDO):
            # Typing over a wrong entry starts afresh (a digit, the new value's first), Escape
            # or Backspace puts the old value back (as Up or Down do, `stepBy`).
            self._put_value_back()
            if event.key() in _UNDO:
                return
            whole = text.isdigit()
        if self._typed is None and text.isdigit() and whole:
            self._typed = ""
        if self._typed is not None:
            added = self._typing(text) if text and typing else None
            if added is not None:
                self._typed += added
                self._show(self._typed)
                if self.TAKE_AT and len(self._typed) >= self.TAKE_AT:
                    self._take(final=False)
                return
            if event.key() == Qt.Key.Key_Backspace:
                self._typed = self._typed[:-1]
                self._show(self._typed)
                return
            if event.key() == Qt.Key.Key_Escape:
                self._typed = None
                self._show_value()
                return
            self._finish()
        if enter and self.wrong_typed is not None:
            line.selectAll()  # Enter would have saved the old value: it stays, to be retyped
            QToolTip.showText(self.mapToGlobal(self.rect().bottomLeft()), self.toolTip(), self)
            return
        super().keyPressEvent(event)

    def _show(self, text: str) -> None:
        """Put ``text`` in the box without Qt reading it: Qt's own check of the text makes
        "31/02/2024" 29/02/2024 (the month's last day), a date nobody typed."""
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
        """The wrong entry as typed; once the box is left, followed by what is wrong with it
        (in the box itself, where the eye is, unlike a tip that the next key hides)."""
        wrong = self.wrong_typed or ""
        self._show(wrong if self.hasFocus() else f"{wrong}  {self.wrong_mark}")

    def _show_value(self) -> None:
        self._show(self.textFromDateTime(self.dateTime()))

    def _put_value_back(self) -> None:
        self._clear_wrong()
        self._show_value()

    def _take(self, *, final: bool) -> bool:
        """Use the value typed once it is whole; True when it was."""
        typed = self._typed or ""
        if not self._take_typed(typed, final=final):
            return False
        self._typed = None
        self._clear_wrong()
        self._show_value()
        return True

    def _finish(self) -> None:
        """The person moved on: use what they typed; if it is not a value, it stays in the
        box and says so (an empty box is the value put back)."""
        if self._typed is None or self._take(final=True):
            return
        typed, self._typed = self._typed, None
        if typed:
            self._show_wrong_typed(typed)
        else:
            self._put_value_back()

    def event(self, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and self._typed is not None
            and isinstance(event, QKeyEvent)
            and event.modifiers() & _SHORTCUT
        ):
            # Alt+S (Save) or another shortcut pressed straight after typing: what was typed
            # is taken (or shown as wrong) first, so the save reads it, not the old value.
            self._finish()
        return super().event(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self._finish()
        super().focusOutEvent(event)  # (Qt puts its own last value back in the text)
        if self.wrong_typed is not None:
            self._show_wrong()


class DateEdit(TypedOver, QDateEdit):
    """A date box that takes a date typed over it ("11/04/2024" or "11042024"); Alt+Down
    opens the calendar."""

    NOUN = "date"
    HOW = "Type it as dd/mm/yyyy, for example 07/04/2025."
    QT_CLASS = "QDateEdit"
    wrong_entry_changed = Signal()
    TAKE_AT = 8  # a whole date: taken as typed

    def __init__(self, value: QDate, accessible: str) -> None:
        super().__init__(value)
        self._start_typing_over(UK_DATE_FORMAT, accessible)
        self.setCalendarPopup(True)

    def setDate(self, date: QDate) -> None:
        self._forget_typing()
        super().setDate(date)

    @property
    def _tip(self) -> str:
        name = self.accessibleName() or "Date"
        return f"{name}: type it as dd/mm/yyyy, or Alt+Down for a calendar"

    def _typing(self, text: str) -> str | None:
        if text.isdigit():
            return text
        return "/" if text in ("/", ".", "-") else None

    def _take_typed(self, typed: str, *, final: bool) -> bool:
        day = parse_typed(typed, final=final)
        if day is None:
            return False
        self.setDate(to_qdate(day))
        return True


class TimeEdit(TypedOver, QTimeEdit):
    """A time box that takes a time typed over it ("14:30", "1430", "2:30pm"). Qt's own took
    "2pm" as 02:30 (the hour typed over, "pm" dropped) and "9:3" as 09:03."""

    NOUN = "time"
    HOW = "Type it as hh:mm on the 24-hour clock, for example 14:30 (or 2:30pm)."
    QT_CLASS = "QTimeEdit"
    wrong_entry_changed = Signal()

    def __init__(self, value: QTime, accessible: str) -> None:
        super().__init__(value)
        self._start_typing_over(TIME_FORMAT, accessible)

    def setTime(self, time: QTime) -> None:
        self._forget_typing()
        super().setTime(time)

    @property
    def _tip(self) -> str:
        name = self.accessibleName() or "Time"
        return f"{name}: type it as hh:mm, for example 14:30 (or 2:30pm)"

    def _typing(self, text: str) -> str | None:
        if text.isdigit() or text in (":", ".", " "):
            return text
        return text.lower() if text.lower() in ("a", "p", "m") else None

    def _take_typed(self, typed: str, *, final: bool) -> bool:
        moment = parse_typed_time(typed) if final else None
        if moment is None:
            return False
        self.setTime(QTime(moment.hour, moment.minute))
        return True


def date_edit(value: dt.date, accessible: str) -> DateEdit:
    return DateEdit(to_qdate(value), accessible)


def time_edit(value: dt.time, accessible: str) -> TimeEdit:
    return TimeEdit(QTime(value.hour, value.minute), accessible)
