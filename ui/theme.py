"""Look and feel: Fusion style, a palette that follows the system's light or dark scheme,
and the bundled stylesheet (which takes its colours from the palette)."""

from __future__ import annotations

import contextlib
import os

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from reviewdesk.paths import resource

#: Fixed accents (readable on light and dark backgrounds).
RED = QColor("#c62828")
AMBER = QColor("#ef8f00")
AMBER_TEXT = QColor("#8a5300")
GREEN = QColor("#2e7d32")
CLASH_LIGHT = QColor("#fde2e1")
CLASH_DARK = QColor("#5c2320")
CLOSED_LIGHT = QColor("#ececec")
CLOSED_DARK = QColor("#3a3a3a")


def label(text: str, role: str | None = None, *, wrap: bool = False) -> QLabel:
    """A label with a stylesheet role ("title", "subtitle", "hint", "empty", "warning")."""
    widget = QLabel(text)
    if role:
        widget.setProperty("role", role)
    widget.setWordWrap(wrap)
    widget.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return widget


def text_colour(name: str) -> QColor:
    """A RAG colour for text, lighter on a dark background so it stays readable."""
    # The amber of the tiles and chart is too pale for text on white (2.4:1): a darker shade.
    light = {"red": RED, "amber": AMBER_TEXT, "green": GREEN}[name]
    dark = {"red": QColor("#ff8a80"), "amber": QColor("#ffb74d"), "green": QColor("#81c784")}
    return dark[name] if is_dark() else light


#: Set to ``dark`` or ``light`` to force a scheme whatever the system says (screenshots,
#: tests, or a user whose desktop reports no preference).
THEME_VARIABLE = "REVIEWDESK_THEME"


def forced_scheme() -> str | None:
    """``"dark"`` or ``"light"`` when :data:`THEME_VARIABLE` forces one, else None."""
    value = os.environ.get(THEME_VARIABLE, "").strip().lower()
    return value if value in ("dark", "light") else None


def is_dark() -> bool:
    forced = forced_scheme()
    if forced:
        return forced == "dark"
    hints = QGuiApplication.styleHints()
    return hints.colorScheme() == Qt.ColorScheme.Dark


def dark_palette() -> QPalette:
    p = QPalette()
    base, window, text = QColor(30, 30, 32), QColor(43, 43, 46), QColor(230, 230, 230)
    p.setColor(QPalette.ColorRole.Window, window)
    p.setColor(QPalette.ColorRole.WindowText, text)
    p.setColor(QPalette.ColorRole.Base, base)
    p.setColor(QPalette.ColorRole.AlternateBase, QColor(38, 38, 41))
    p.setColor(QPalette.ColorRole.Text, text)
    p.setColor(QPalette.ColorRole.Button, window)
    p.setColor(QPalette.ColorRole.ButtonText, text)
    p.setColor(QPalette.ColorRole.ToolTipBase, base)
    p.setColor(QPalette.ColorRole.ToolTipText, text)
    p.setColor(QPalette.ColorRole.PlaceholderText, QColor(150, 150, 150))
    p.setColor(QPalette.ColorRole.Highlight, QColor(64, 128, 200))
    p.setColor(QPalette.ColorRole.HighlightedText, QColor(255, 255, 255))
    p.setColor(QPalette.ColorRole.Mid, QColor(80, 80, 84))
    p.setColor(QPalette.ColorRole.Midlight, QColor(60, 60, 64))
    p.setColor(QPalette.ColorRole.Link, QColor(120, 170, 240))
    p.setColor(QPalette.ColorRole.Dark, QColor(22, 22, 24))  # behind the print preview's pages
    p.setColor(QPalette.ColorRole.Shadow, QColor(0, 0, 0))
    p.setColor(QPalette.ColorRole.Light, QColor(70, 70, 74))
    p.setColor(QPalette.ColorRole.BrightText, QColor(255, 138, 128))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor(120, 120, 120))
    return p


def apply_theme(app: QApplication) -> None:
    """Fusion with the system scheme's palette and the bundled stylesheet; re-applied when the
    system switches between light and dark. Where the keyboard is shows (`show_focus`)."""
    app.setStyle("Fusion")
    _apply_scheme(app)
    if not app.property("reviewdesk_theme_watch"):
        app.setProperty("reviewdesk_theme_watch", True)
        hints = QGuiApplication.styleHints()
        hints.colorSchemeChanged.connect(lambda _scheme: _apply_scheme(app))
        app.focusChanged.connect(show_focus)


def show_focus(_old: QWidget | None, new: QWidget | None) -> None:
    """The keyboard moved, and not by a click: its window draws where it is. Fusion draws a
    button's, tick box's, list box's or tab's focus frame only in a window whose focus
    Tab last moved (Qt's WA_KeyboardFocusChange); a dialog opened with Ctrl+B, a page with
    Ctrl+5, the case list after Esc showed none until Tab was pressed. A click still shows
    none, as before."""
    if new is None or QApplication.mouseButtons() != Qt.MouseButton.NoButton:
        return
    window = new.window()
    if not window.testAttribute(Qt.WidgetAttribute.WA_KeyboardFocusChange):
        window.setAttribute(Qt.WidgetAttribute.WA_KeyboardFocusChange, True)
        new.update()


def style_sheet(dark: bool) -> str:
    """The bundled stylesheet; in the dark scheme followed by ``app-dark.qss``, which gives
    the fixed accents (warnings, RAG words) shades that stay readable on a dark background."""
    names = ("app.qss", "app-dark.qss") if dark else ("app.qss",)
    parts = []
    for name in names:
        with contextlib.suppress(OSError):  # the window still works with the plain style
            parts.append(resource("style", name).read_text(encoding="utf-8"))
    return "\n".join(parts)


def _apply_scheme(app: QApplication) -> None:
    dark = is_dark()
    app.setPalette(dark_palette() if dark else app.style().standardPalette())
    app.setStyleSheet(style_sheet(dark))
