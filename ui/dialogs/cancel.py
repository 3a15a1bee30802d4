"""Cancel a meeting: the dialog names it (whose, which, when), and the reason comes from the
council's list of cancelling reasons (Settings extends it), with a note beside it."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reviewdesk.actions import cancel_meeting
from reviewdesk.codes import ReasonKind
from reviewdesk.queries import ChildDetail, MeetingInfo
from ui.context import AppContext
from ui.dialogs.booking import reason_choice, reason_text
from ui.operations import perform
from ui.prompts import prompts
from ui.screen import fit


class CancelDialog(QDialog):
    def __init__(
        self,
        ctx: AppContext,
        detail: ChildDetail,
        meeting: MeetingInfo,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.meeting = meeting
        self.what = meeting.describe(detail.name)
        self.setWindowTitle(f"Cancel {self.what}")
        self.setAccessibleName("Cancel a meeting")
        question = QLabel(f"Cancel <b>{self.what}</b>?")
        question.setWordWrap(True)
        question.setAccessibleName("The meeting to cancel")
        self.question = question
        self.reason = reason_choice(
            ctx, ReasonKind.CANCEL, "Reason for cancelling", meeting.process
        )
        self.note = QLineEdit()
        self.note.setAccessibleName("Note on the reason for cancelling")
        self.note.setPlaceholderText("Optional note (or the reason, if not listed)")
        form = QFormLayout()
        form.addRow("&Reason", self.reason)
        form.addRow("&Note", self.note)
        buttons = QDialogButtonBox()
        self.cancel_meeting_button = QPushButton("&Cancel the meeting")
        self.keep_button = QPushButton("&Keep it")
        buttons.addButton(self.cancel_meeting_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.keep_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.cancel_meeting_button.setAutoDefault(False)
        self.keep_button.setDefault(True)  # Enter keeps the meeting; cancelling is a choice
        self.cancel_meeting_button.clicked.connect(self.save)
        self.keep_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(question)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.reason.setFocus()
        fit(self, 520, self.sizeHint().height())

    def save(self) -> None:
        reason = reason_text(self.reason, self.note)
        if not reason:
            prompts().error(self, "Choose the reason the meeting is cancelled.")
            self.reason.setFocus()
            return
        changes = perform(
            self,
            self.ctx,
            cancel_meeting,
            self.meeting.id,
            reason,
            expected_version=self.meeting.version,
        )
        if changes is not None:
            self.accept()
