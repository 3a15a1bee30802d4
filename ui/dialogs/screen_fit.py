"""Dialogs that fit the screen they open on: 1366x768, or the same at twice the scale
(where a screen is 683x384 in Qt's units). A dialog asks for the size it would like and gets
no more than the screen has; what does not fit scrolls instead of going off the edge."""

from __future__ import annotations

from PySide6.QtWidgets import QBoxLayout, QScrollArea, QWidget

from ui.screen import FocusScrollArea, fit


def scrolling(content: QWidget, accessible: str = "") -> QScrollArea:
    """``content`` in a scroll area that shows scroll bars only when the room is short."""
    area = FocusScrollArea()  # the first Tab goes to a field, and the field comes into view
    area.setWidget(content)
    if accessible:
        area.setAccessibleName(accessible)
    return area


def fit_to_screen(widget: QWidget, width: int, height: int) -> None:
    """Resize ``widget`` to ``width`` x ``height``, or less where its screen is smaller, its
    title bar counted (`ui.screen.fit`): sized to the whole height of the screen, the
    invitations and family dialogs had their Close button under the panel at 200%."""
    fit(widget, width, height)


class Pair(QWidget):
    """Two parts side by side when there is room, else one above the other (a narrow or
    magnified screen scrolls down rather than sideways). The dialog holding it calls
    `set_wide` as it is resized."""

    def __init__(self, first: QWidget, second: QWidget, stretch: tuple[int, int]) -> None:
        super().__init__()
        self.box = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self.box.setContentsMargins(0, 0, 0, 0)
        self.box.addWidget(first, stretch[0])
        self.box.addWidget(second, stretch[1])

    def set_wide(self, wide: bool) -> None:
        direction = QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom
        if self.box.direction() != direction:
            self.box.setDirection(direction)


__all__ = ["Pair", "fit_to_screen", "scrolling"]
