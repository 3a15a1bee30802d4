"""The main window's pages: one module each, thin widgets over the core's queries."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget


def label(text: str, role: str | None = None, *, wrap: bool = False) -> QLabel:
    """A label with a stylesheet role ("title", "subtitle", "hint", "empty", "warning")."""
    widget = QLabel(text)
    if role:
        widget.setProperty("role", role)
    widget.setWordWrap(wrap)
    widget.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return widget


class Page(QWidget):
    """A page loads its data when first shown and again on ``refresh``."""

    title = ""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._loaded = False

    def ensure_loaded(self) -> None:
        if not self._loaded:
            self._loaded = True
            self.refresh()

    def reload(self, *, shown: bool) -> None:
        """After a change: refresh now if the page has been loaded or is ``shown``; a page
        never shown loads when it first is."""
        if self._loaded or shown:
            self._loaded = True
            self.refresh()

    def refresh(self) -> None:  # pragma: no cover - every page overrides it
        pass
