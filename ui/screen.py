"""Windows that fit the screen they are on: sized to the space it has (its taskbars and
panels aside), never larger, and put back there if a saved position falls off it.

A window that opens larger than its screen hides its right edge and status bar (1366x768
laptops; ``QT_SCALE_FACTOR=2`` doubles every size), so every top-level window and dialog is
sized through here.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QLayout,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

#: The share of the screen a new main window takes (the rest shows it is a window).
MAIN_SHARE = 0.92


def screen_of(widget: QWidget | None = None) -> QScreen | None:
    """The screen ``widget`` is on (or its parent's), else the primary screen."""
    screen = widget.screen() if widget is not None else None
    return screen or QGuiApplication.primaryScreen()


def available(widget: QWidget | None = None) -> QRect:
    """The space the window manager leaves for windows on ``widget``'s screen."""
    screen = screen_of(widget)
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1366, 728)


def frame_allowance(widget: QWidget) -> QSize:
    """How much a window's frame (title bar, borders) adds to its size, or a typical
    title bar's when it has not been shown yet."""
    frame, inner = widget.frameGeometry(), widget.geometry()
    extra = QSize(frame.width() - inner.width(), frame.height() - inner.height())
    if extra.width() <= 0 and extra.height() <= 0:
        return QSize(0, 30)
    return extra


def fit(widget: QWidget, width: int, height: int) -> None:
    """Resize ``widget`` to ``width`` x ``height``, or less where its screen is smaller."""
    room = available(widget)
    extra = frame_allowance(widget)
    widget.resize(
        max(1, min(width, room.width() - extra.width())),
        max(1, min(height, room.height() - extra.height())),
    )


def fit_main_window(widget: QWidget) -> None:
    """A new main window: most of the screen it opens on, centred."""
    room = available(widget)
    extra = frame_allowance(widget)
    width = int((room.width() - extra.width()) * MAIN_SHARE)
    height = int((room.height() - extra.height()) * MAIN_SHARE)
    widget.resize(width, height)
    widget.move(
        room.x() + (room.width() - width - extra.width()) // 2,
        room.y() + (room.height() - height - extra.height()) // 2,
    )


def clamp_to_screen(widget: QWidget) -> None:
    """Pull a restored window back onto its screen and shrink it to fit (a geometry saved
    on a bigger monitor, or before the screen's scale changed)."""
    room = available(widget)
    extra = frame_allowance(widget)
    width = min(widget.width(), room.width() - extra.width())
    height = min(widget.height(), room.height() - extra.height())
    if (width, height) != (widget.width(), widget.height()):
        widget.resize(width, height)
    x = min(max(widget.x(), room.x()), room.right() + 1 - width - extra.width())
    y = min(max(widget.y(), room.y()), room.bottom() + 1 - height - extra.height())
    if (x, y) != (widget.x(), widget.y()):
        widget.move(x, y)


class FocusScrollArea(QScrollArea):
    """A frameless scroll area that takes no focus itself and brings the field with the
    keyboard into view however it got there: Tab did already (Qt's own), but an Alt+letter
    or a dialog moving on to the next field left it below the visible part on a low screen
    (1366x768 at scale 2), typed into unseen. A click is left alone: the person is looking
    at what they clicked."""

    def __init__(self) -> None:
        super().__init__()
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        # The area itself takes no focus: a dialog opens on its first field, not on an
        # invisible frame that the first Tab only leaves.
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._follow)

    def _follow(self, _old: QWidget | None, new: QWidget | None) -> None:
        inner = self.widget()
        if new is None or inner is None or not inner.isAncestorOf(new):
            return
        if QApplication.mouseButtons() == Qt.MouseButton.NoButton:
            self.ensureWidgetVisible(new)


def scrolling(*parts: QWidget | QLayout) -> tuple[QScrollArea, QWidget]:
    """A dialog's fields in a frameless scroll area (its buttons go below, outside it): on
    a screen too low for them all they scroll, and the buttons stay in view. Returns the
    area and the widget inside it (for its size hint)."""
    body = QWidget()
    layout = QVBoxLayout(body)
    layout.setContentsMargins(0, 0, 0, 0)
    for part in parts:
        if isinstance(part, QLayout):
            layout.addLayout(part)
        else:
            layout.addWidget(part)
    area = FocusScrollArea()
    area.setWidget(body)
    return area, body


__all__ = [
    "FocusScrollArea",
    "available",
    "clamp_to_screen",
    "fit",
    "fit_main_window",
    "screen_of",
    "scrolling",
]
