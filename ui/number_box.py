"""The number boxes forms use for a meeting's length, a timescale's amount, a setting's limit or
a target: a number typed outside the box's range is kept and refused, never replaced by the
number the box had (`NumberBox` for whole numbers, `DecimalBox` for a target's percentage)."""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QFocusEvent, QKeyEvent, QValidator
from PySide6.QtWidgets import QDoubleSpinBox, QSpinBox, QToolTip

from ui.theme import text_colour

#: What follows a number outside the range in its box once the box is left.
OUT_OF_RANGE_MARK = "\u26a0"
_DASH = "\u2013"
#: Room beside the text for the box's frame and its arrows (logical pixels).
_FRAME_AND_ARROWS = 48
_SHORTCUT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier


class RangeBox:
    """What both boxes do (mixed into a QSpinBox or a QDoubleSpinBox): Qt's own box put its
    old number back, without a word, when what was typed was below its range ("5" for a
    meeting's length of at least 15 minutes: 90 again), and dropped the key that took it
    above or past its decimals ("600" became 60; a target of "101" became 10%), so a
    meeting could be booked for a length nobody chose. Here what was typed stays in the box,
    in red, saying what the box takes (`wrong_entry_message`), and `ui.wrong_entries` stops a
    save while it is there. Up or Down over it steps the number the box last took."""

    #: What may be typed, to be judged when the box is left (not refused key by key).
    TYPED: re.Pattern[str]
    #: What the box takes, in words: "a whole number".
    WHAT = "a number"
    #: What was typed that the box does not take, while it is still in the box.
    out_of_range: str | None = None

    def _start_checking(self, value: float, accessible: str) -> None:
        self.setValue(value)
        self.setAccessibleName(accessible)
        self.lineEdit().textEdited.connect(self._clear_wrong)
        self.valueChanged.connect(self._clear_wrong)

    @property
    def unit(self) -> str:
        return self.suffix().strip()

    def range_words(self, between: str = " to ") -> str:
        """The range in words, "15 to 480 minutes" (with the box's unit, if any)."""
        unit = f" {self.unit}" if self.unit else ""
        return f"{self.minimum():g}{between}{self.maximum():g}{unit}"

    def wrong_entry_message(self) -> str | None:
        """Why the box holds no number it takes (naming it as its label does); None when it
        holds one."""
        if self.out_of_range is None:
            return None
        name, typed = self.accessibleName() or "Number", self.out_of_range
        return f"{name}: \u201c{typed}\u201d is not {self.what()} from {self.range_words()}."

    def what(self) -> str:
        return self.WHAT

    def _body(self, text: str) -> str:
        """The text typed, without the unit the box shows after it."""
        return text.removeprefix(self.prefix()).removesuffix(self.suffix()).strip()

    def validate(self, text: str, pos: int) -> object:
        """Let a number be typed whole, even past the top of the range or its decimals: Qt
        refused the key, so "600" read 60, a number nobody typed. It is judged when the box
        is left."""
        state, fixed, where = super().validate(text, pos)
        if state is QValidator.State.Invalid and self.TYPED.fullmatch(self._body(text)):
            return QValidator.State.Intermediate, text, pos
        return state, fixed, where

    def finish_typing(self) -> None:
        """The person moved on (or is saving): a number outside the range stays in the box and
        says so; an emptied box is the number put back."""
        if self.out_of_range is not None:
            return
        text = self.lineEdit().text()
        typed = self._body(text)
        if not typed or self.validate(text, 0)[0] is QValidator.State.Acceptable:
            return
        self.out_of_range = typed
        self._show_wrong()
        red = text_colour("red").name()  # (lighter on a dark background)
        self.setStyleSheet(f"QAbstractSpinBox {{ color: {red}; border: 2px solid {red}; }}")
        message = self.wrong_entry_message() or ""
        self.setToolTip(message)
        self.setAccessibleDescription(message)  # (read out by screen readers)
        QToolTip.showText(self.mapToGlobal(self.rect().bottomLeft()), message, self)

    def _clear_wrong(self, *_args: object) -> None:
        if self.out_of_range is None:
            return
        self.out_of_range = None
        self.setMinimumWidth(0)
        self.setStyleSheet("")
        self.setToolTip("")
        self.setAccessibleDescription("")
        QToolTip.hideText()

    def _show(self, text: str) -> None:
        line = self.lineEdit()
        line.blockSignals(True)  # (the box would read it as a number)
        try:
            line.setText(text)
        finally:
            line.blockSignals(False)

    def _show_wrong(self) -> None:
        """The number as typed; once the box is left, followed by the range it takes (in the
        box itself, where the eye is)."""
        wrong = self.out_of_range or ""
        if self.hasFocus():
            self._show(f"{self.prefix()}{wrong}{self.suffix()}")
        else:
            span = self.range_words(_DASH)
            text = f"{self.prefix()}{wrong}  {OUT_OF_RANGE_MARK} {span}"
            self._show(text)
            self.lineEdit().setCursorPosition(0)  # what was typed first, if the box is narrow
            # As wide as it needs (a settings box is as wide as its largest number).
            self.setMinimumWidth(self.fontMetrics().horizontalAdvance(text) + _FRAME_AND_ARROWS)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        if self.out_of_range is not None:
            self._show_wrong()  # to retype
            QTimer.singleShot(0, self.selectAll)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self.finish_typing()
        super().focusOutEvent(event)  # (Qt puts its old number back in the text)
        if self.out_of_range is not None:
            self._show_wrong()

    def event(self, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and event.modifiers() & _SHORTCUT
        ):
            self.finish_typing()  # Alt+B straight after typing: judged before the save
        return super().event(event)

    def setValue(self, value: float) -> None:
        """A number the form puts in (a free slot chosen) replaces a wrong one typed, even
        the number the box had (no change of value, so no signal would clear it)."""
        self._clear_wrong()
        super().setValue(value)

    def stepBy(self, steps: int) -> None:
        if self.out_of_range is not None:
            self._clear_wrong()
            self._show(self.textFromValue(self.value()) + self.suffix())
        super().stepBy(steps)


class NumberBox(RangeBox, QSpinBox):
    """A whole number from ``low`` to ``high`` (`RangeBox`)."""

    TYPED = re.compile(r"\d+")
    WHAT = "a whole number"

    def __init__(
        self,
        low: int,
        high: int,
        value: int,
        accessible: str,
        *,
        suffix: str = "",
        step: int = 1,
    ) -> None:
        super().__init__()
        self.setRange(low, high)
        self.setSingleStep(step)
        self.setSuffix(suffix)
        self._start_checking(value, accessible)


class DecimalBox(RangeBox, QDoubleSpinBox):
    """A number from ``low`` to ``high`` to ``decimals`` places (`RangeBox`): a
    council's target, "95.5 %"."""

    TYPED = re.compile(r"\d+(?:[.,]\d*)?")

    def __init__(
        self,
        low: float,
        high: float,
        value: float,
        accessible: str,
        *,
        decimals: int = 1,
        suffix: str = "",
    ) -> None:
        super().__init__()
        self.setDecimals(decimals)
        self.setRange(low, high)
        self.setSuffix(suffix)
        self._start_checking(value, accessible)

    def what(self) -> str:
        places = self.decimals()
        return f"a number to {places} decimal place{'s' if places != 1 else ''}"
