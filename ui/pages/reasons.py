"""The lists of reasons people choose from, on the Settings page: why a meeting ran late,
was cancelled or was moved. Administrators add reasons and retire them (the meetings that
gave a retired reason keep it)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reviewdesk import actions
from reviewdesk.codes import ReasonKind
from reviewdesk.storage.lookups import late_reasons, meeting_reasons
from ui.context import AppContext
from ui.operations import perform

#: The kinds of meeting a cancelling or rescheduling reason is offered for: (process, words).
FOR_MEETINGS = (
    (None, "For every meeting"),
    ("lac", "LAC reviews only"),
    ("cp", "CP conferences only"),
)

#: The lists: (key, words).
LISTS = (
    ("late", "Why a meeting was out of timescale"),
    (ReasonKind.CANCEL.value, "Why a meeting was cancelled"),
    (ReasonKind.RESCHEDULE.value, "Why a meeting was moved"),
)


class ReasonsBox(QWidget):
    """The lists of reasons and (for administrators) what changes them: the Reasons tab of
    Settings, which names it."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._versions: dict[int, int] = {}
        self.which = QComboBox()
        self.which.setAccessibleName("Which list of reasons")
        for key, words in LISTS:
            self.which.addItem(words, key)
        self.list = QListWidget()
        self.list.setAccessibleName("Reasons")
        self.list.setMinimumHeight(90)  # Settings gives it its tab's height
        self.text = QLineEdit()
        self.text.setAccessibleName("New reason")
        self.text.setPlaceholderText("A new reason…")
        self.for_meetings = QComboBox()
        self.for_meetings.setAccessibleName("The meetings the new reason is offered for")
        for process, words in FOR_MEETINGS:
            self.for_meetings.addItem(words, process)
        self.add_button = QPushButton("Add")
        self.add_button.setAccessibleName("Add the reason")
        self.retire_button = QPushButton("Retire selected")
        self.retire_button.setAccessibleName("Retire the selected reason")
        self.which.currentIndexChanged.connect(lambda _i: self.refresh())
        self.add_button.clicked.connect(self.add)
        self.text.returnPressed.connect(self.add)
        self.retire_button.clicked.connect(self.retire)
        row = QHBoxLayout()
        row.addWidget(self.text, 1)
        row.addWidget(self.for_meetings)
        row.addWidget(self.add_button)
        row.addWidget(self.retire_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.which)
        layout.addWidget(self.list)
        layout.addLayout(row)

    def kind(self) -> str:
        return self.which.currentData()

    def refresh(self) -> None:
        editable = self.ctx.can_edit_settings
        for widget in (self.text, self.add_button, self.retire_button):
            widget.setEnabled(editable)
        kind = self.kind()
        # Late reasons are for every meeting; the other two lists may be for one kind.
        self.for_meetings.setVisible(kind != "late")
        self.for_meetings.setEnabled(editable)
        only = dict(FOR_MEETINGS)
        with self.ctx.db.session() as s:
            if kind == "late":
                rows = [(r.id, r.text, r.version) for r in late_reasons(s)]
            else:
                rows = [
                    (
                        r.id,
                        r.text
                        if r.process is None
                        else f"{r.text} ({only.get(r.process, r.process)})",
                        r.version,
                    )
                    for r in meeting_reasons(s, kind)
                ]
        self._versions = {i: version for i, _text, version in rows}
        self.list.clear()
        for reason_id, text, _version in rows:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, reason_id)
            self.list.addItem(item)

    def add(self) -> None:
        text = self.text.text().strip()
        if not text:
            return
        kind = self.kind()
        if kind == "late":
            done = perform(self, self.ctx, actions.add_late_reason, text)
        else:
            process = self.for_meetings.currentData()
            done = perform(self, self.ctx, actions.add_meeting_reason, kind, text, process=process)
        if done is not None:
            self.text.clear()
            self.refresh()

    def retire(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        reason_id = item.data(Qt.ItemDataRole.UserRole)
        version = self._versions.get(reason_id, 0)
        if self.kind() == "late":
            action = actions.retire_late_reason
        else:
            action = actions.retire_meeting_reason
        if perform(self, self.ctx, action, reason_id, expected_version=version) is not None:
            self.refresh()
