"""The main window's pages: one module each, thin widgets over the core's queries (and
`label`, the styled label they share, from `ui.theme`)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from reviewdesk.actions import Changes
from ui.theme import label


class Page(QWidget):
    """A page loads its data when first shown, and reads it again (`reload`) after a change.

    After every action the window passes the action's `Changes` to `on_changes`: a page
    that shows any of the kinds of record in ``shows`` (or overrides `affected_by`) reloads,
    at once if it is on screen and when next shown otherwise. No page reloads on changes it
    does not show. F5 and a new as-of date reload every page the same way.
    """

    title = ""
    #: Kinds of record (table names, `reviewdesk.actions.Changes.kinds`) this page shows.
    shows: frozenset[str] = frozenset()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._loaded = False
        self._stale = False

    def ensure_loaded(self) -> None:
        """The page is being shown: load it if it never was, or is out of date."""
        if not self._loaded or self._stale:
            self.reload(shown=True)

    def reload(self, *, shown: bool) -> None:
        """What the page shows may have changed: read it again now if the page is ``shown``
        (on screen), else when it is next shown. A page never shown waits for its first
        showing."""
        if shown:
            self._loaded = True
            self._stale = False
            self.refresh()
        elif self._loaded:
            self._stale = True

    def refresh(self) -> None:  # pragma: no cover - every page overrides it
        pass

    def heightForWidth(self, width: int) -> int:
        """No height asked for while hidden: a stack (`QStackedLayout`) asks every page,
        shown or not, and takes the greatest, so the dashboard's tiles would make the
        window's scroll area hide the bottom of every other page (the case list's count) on
        a 1366x768 screen."""
        return -1 if self.isHidden() else super().heightForWidth(width)

    def home(self) -> QWidget | None:
        """Where Ctrl+1…5 put the keyboard on this page: its main table, where the arrows
        and Enter work at once; None leaves it to the Tab order (the page's first field)."""
        return None

    def on_screen(self) -> bool:
        """Whether the page is the one its window shows (the window itself may be hidden,
        as in tests)."""
        window = self.window()
        return self.isVisibleTo(window) if window is not self else self.isVisible()

    def affected_by(self, changes: Changes) -> bool:
        return changes.touches(self.shows)

    def on_changes(self, changes: Changes) -> None:
        """An action's changes: show them if this page shows any of them (see the class)."""
        if not self._loaded or not self.affected_by(changes):
            return
        if self.on_screen():
            self._stale = False
            self.changed(changes)
        else:
            self.reload(shown=False)

    def changed(self, changes: Changes) -> None:
        """Show ``changes`` (the page is on screen): by default, read everything again."""
        self.reload(shown=True)


__all__ = ["Page", "label"]
