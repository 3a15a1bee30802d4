"""Choose a child by typing part of their name or ID (booking from a free slot in the diary):
the matches appear as you type, Down goes to them, Enter chooses."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reviewdesk import queries
from reviewdesk.queries import CaseFilter
from ui.context import AppContext
from ui.screen import fit

#: How many matches are listed (a name or ID narrows it further).
SHOWN = 50


class PickChildDialog(QDialog):
    def __init__(self, ctx: AppContext, why: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.child_id: int | None = None
        self.setWindowTitle("Choose the child")
        self.setAccessibleName("Choose the child")
        self.why = QLabel(why)
        self.why.setWordWrap(True)
        self.search = QLineEdit()
        self.search.setAccessibleName("Search for the child")
        self.search.setPlaceholderText("Name or ID…")
        self.search.setClearButtonEnabled(True)
        self.matches = QListWidget()
        self.matches.setAccessibleName("Children found")
        self.matches.itemActivated.connect(self._chosen)
        self.search.textChanged.connect(self._find)
        self.search.returnPressed.connect(self._enter)
        self.search.installEventFilter(self)
        # Alt+N and Alt+F: back to the name typed, or to the children found.
        search_label = QLabel("&Name or ID")
        search_label.setBuddy(self.search)
        matches_label = QLabel("Children &found")
        matches_label.setBuddy(self.matches)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.why)
        layout.addWidget(search_label)
        layout.addWidget(self.search)
        layout.addWidget(matches_label)
        layout.addWidget(self.matches, 1)
        layout.addWidget(buttons)
        with ctx.db.session() as s:  # read once; typing narrows them in memory
            self._ids = queries.case_ids(s, CaseFilter(open_only=True), as_of=ctx.as_of)
            self._keys = queries.search_keys(s)
        self._find("")
        self.search.setFocus()
        fit(self, 480, 460)

    def _find(self, text: str) -> None:
        """The open cases whose name or ID holds every word typed (accents and case aside)."""
        keys = self._keys
        found = [cid for cid in self._ids if queries.matches(keys.get(cid, ""), text)][:SHOWN]
        with self.ctx.db.session() as s:
            rows = queries.case_rows(s, found, as_of=self.ctx.as_of)
        self.matches.clear()
        for cid in found:
            row = rows[cid]
            item = QListWidgetItem(f"{row.name} · {row.local_id} · {row.status}")
            item.setData(Qt.ItemDataRole.UserRole, cid)
            self.matches.addItem(item)
        if self.matches.count():
            self.matches.setCurrentRow(0)

    def _enter(self) -> None:
        """Enter in the search box: the only match is chosen; otherwise go to the list."""
        if self.matches.count() == 1:
            self._chosen(self.matches.item(0))
        elif self.matches.count():
            self.matches.setFocus()

    def eventFilter(self, watched, event) -> bool:
        if (
            watched is self.search
            and event.type() == QEvent.Type.KeyPress
            and event.key() == Qt.Key.Key_Down
        ):
            self.matches.setFocus()
            return True
        return super().eventFilter(watched, event)

    def _chosen(self, item: QListWidgetItem) -> None:
        self.child_id = item.data(Qt.ItemDataRole.UserRole)
        self.accept()
