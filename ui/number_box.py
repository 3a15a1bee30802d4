"""The number box forms use for a meeting's length, a timescale's amount or a setting's limit:
a number typed outside its range is kept and refused, never replaced by the number the box
had (`NumberBox`)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QFocusEvent, QKeyEvent, QValidator
from PySide6.QtWidgets import QSpinBox, QToolTip

from ui.theme import text_colour

#: What follows a number outside the range in its box once the box is left.
OUT_OF_RANGE_MARK = "\u26a0"
_DASH = "\u2013"
#: Room beside the text for the box's frame and its arrows (logical pixels).
_FRAME_AND_ARROWS = 48
_SHORTCUT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier


class NumberBox(QSpinBox):
    """A whole number from ``low`` to ``high``. Qt's own box put its old number back, without
    a word, when what was typed was below its range ("5" for a meeting's length of at least
    15 minutes: 90 again), and dropped the key that took it above ("600" became 60), so a
    meeting could be booked for a length nobody chose. Here what was typed stays in the box,
    in red, saying what the box takes (`wrong_entry_message`), and `ui.wrong_entries` stops a
    save while it is there. Up or Down over it steps the number the box last took."""

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
        #: What was typed that the box does not take, while it is still in the box.
        self.out_of_range: str | None = None
        self.setRange(low, high)
        self.setSingleStep(step)
        self.setSuffix(suffix)
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
        return f"{self.minimum()}{between}{self.maximum()}{unit}"

    def wrong_entry_message(self) -> str | None:
        """Why the box holds no number it takes (naming it as its label does); None when it
        holds one."""
        if self.out_of_range is None:
            return None
        name = self.accessibleName() or "Number"
        words = self.range_words(" and ")
        return f"{name}: \u201c{self.out_of_range}\u201d is not between {words}."

    def _typed(self) -> str:
        """The text typed, without the unit the box shows after it."""
        text = self.lineEdit().text()
        return text.removeprefix(self.prefix()).removesuffix(self.suffix()).strip()

    def validate(self, text: str, pos: int) -> object:
        """Let any digits be typed, even past the top of the range: Qt refused the key, so
        "600" read 60, a number nobody typed. They are judged when the box is left."""
        state, fixed, where = super().validate(text, pos)
        if state is QValidator.State.Invalid:
            body = text.removeprefix(self.prefix()).removesuffix(self.suffix()).strip()
            if body.isdigit():
                return QValidator.State.Intermediate, text, pos
        return state, fixed, where

    def finish_typing(self) -> None:
        """The person moved on (or is saving): a number outside the range stays in the box and
        says so; an emptied box is the number put back."""
        if self.out_of_range is not None:
            return
        typed = self._typed()
        if not typed or self.validate(self.lineEdit().text(), 0)[0] is QValidator.State.Acceptable:
            return
        self.out_of_range = typed
        self._show_wrong()
        red = text_colour("red").name()  # (lighter on a dark background)
        self.setStyleSheet(f"QSpinBox {{ color: {red}; border: 2px solid {red}; }}")
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

    def setValue(self, value: int) -> None:
        """A number the form puts in (a free slot chosen) replaces a wrong one typed, even
        the number the box had (no change of value, so no signal would clear it)."""
        self._clear_wrong()
        super().setValue(value)

    def stepBy(self, steps: int) -> None:
        if self.out_of_range is not None:
            self._clear_wrong()
            self._show(self.textFromValue(self.value()) + self.suffix())
        super().stepBy(steps)
