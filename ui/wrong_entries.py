"""No save while a box holds something typed that it does not take: a date or time that is not
one (`ui.date_box.TypedOver`) or a number outside its range (`ui.number_box`). Such a box still
holds its old value, which a save would otherwise read."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractSpinBox, QWidget

from ui.date_box import TypedOver
from ui.errors import refusal_message
from ui.number_box import RangeBox
from ui.prompts import prompts

_CHECKED = (TypedOver, RangeBox)


def refuse_wrong_entries(form: QWidget | None) -> bool:
    """True (the person told, the keyboard put on the box) when a box in ``form`` holds
    something typed that it does not take: whatever ``form`` was about to save would carry
    the box's old value instead."""
    if form is None:
        return False
    if isinstance(form, _CHECKED):
        boxes: list[TypedOver | RangeBox] = [form]
    else:
        boxes = [b for b in form.findChildren(QAbstractSpinBox) if isinstance(b, _CHECKED)]
    for box in boxes:
        box.finish_typing()  # what is still being typed counts as typed
    for box in boxes:
        message = box.wrong_entry_message()
        if message is None or not box.isEnabled():
            continue
        prompts().error(form, refusal_message(message))
        box.setFocus()
        box.selectAll()
        return True
    return False
