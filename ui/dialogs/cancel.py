"""Cancel a meeting: the dialog names it (whose, which, when), and the reason comes from the
council's list of cancelling reasons (Settings extends it), with a note beside it.

Enter on the dialog as it opens keeps the meeting. Once a reason is chosen or a note typed,
Enter cancels the meeting as described (Enter used to keep it and drop what was typed,
without a word); leaving then (Esc, Keep it, the title bar's close) asks first, so what was
typed is not lost by a slip of the key."""

from __future__ import annotations

from PySide6.QtWidgets import (
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
from ui.dialogs import FormDialog
from ui.dialogs.booking import reason_choice, reason_text
from ui.operations import perform
from ui.prompts import prompts
from ui.screen import fit


class CancelDialog(FormDialog):
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
        self.cancel_meeting_button.clicked.connect(self.save)
        self.keep_button.clicked.connect(self.reject)
        self.reason.currentIndexChanged.connect(self._choose_default)
        self.note.textChanged.connect(self._choose_default)
        layout = QVBoxLayout(self)
        layout.addWidget(question)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.reason.setFocus()
        self._choose_default()
        fit(self, 520, self.sizeHint().height())

    def given_reason(self) -> str:
        """The reason as it would be saved ("" while none is chosen or typed)."""
        return reason_text(self.reason, self.note)

    def _choose_default(self) -> None:
        """The button Enter presses: Keep it while no reason is given (an Enter on the
        dialog as it opens never cancels), Cancel the meeting once one is."""
        button = self.cancel_meeting_button if self.given_reason() else self.keep_button
        # Made the dialog's default afresh (a button that was default only while it had the
        # focus would otherwise hand the role back to the old one).
        button.setDefault(False)
        button.setDefault(True)

    #: Leaving keeps the meeting, so Enter on the question may drop the reason.
    DROP_DEFAULT_NO = False

    def drop_question(self) -> str | None:
        """Esc, Keep it and the title bar's close keep the meeting; with a reason given,
        only once the person says the reason may go (No, or Esc, is back to the dialog with
        the reason as it was)."""
        reason = self.given_reason()
        return f"Keep {self.what}, and drop the reason you gave (“{reason}”)?" if reason else None

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
