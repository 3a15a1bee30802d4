"""The main window's pages: one module each, thin widgets over the core's queries."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from reviewdesk.actions import Changes


def label(text: str, role: str | None = None, *, wrap: bool = False) -> QLabel:
    """A label with a stylesheet role ("title", "subtitle", "hint", "empty", "warning")."""
    widget = QLabel(text)
    if role:
        widget.setProperty("role", role)
    widget.setWordWrap(wrap)
    widget.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return widget


class Page(QWidget):
    """A page loads its data when first shown and again on ``refresh``.

    After every action the window passes the action's `Changes` to `on_changes`: a page
    that shows any of the kinds of record in ``shows`` (or overrides `affected_by`) refreshes
    at once if it is the page on screen, and when next shown otherwise. No page reloads on
    changes it does not show.
    """

    title = ""
    #: Kinds of record (table names, `reviewdesk.actions.Changes.kinds`) this page shows.
    shows: frozenset[str] = frozenset()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._loaded = False
        self._stale = False

    def ensure_loaded(self) -> None:
        if not self._loaded or self._stale:
            self._loaded = True
            self._stale = False
            self.refresh()

    def refresh(self) -> None:  # pragma: no cover - every page overrides it
        pass

    def affected_by(self, changes: Changes) -> bool:
        return changes.touches(self.shows)

    def on_changes(self, changes: Changes) -> None:
        if not self._loaded or not self.affected_by(changes):
            return
        window = self.window()
        if self.isVisibleTo(window) if window is not self else self.isVisible():
            self._stale = False
            self.changed(changes)
        else:
            self._stale = True

    def changed(self, changes: Changes) -> None:
        """Show ``changes`` (the page is on screen): by default, read everything again."""
        self.refresh()
