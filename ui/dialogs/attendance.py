"""Who came to a meeting: each person invited with a box saying whether they attended, sent
apologies or did not attend (`reviewdesk.actions.record_attendance`). The meeting's
Invitations and reports (its Attendance tab) and recording its outcome both show it.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QWidget

from reviewdesk import actions
from reviewdesk.codes import ATTENDANCE_WORDS
from reviewdesk.invitations.details import InviteeInfo
from ui.context import AppContext
from ui.operations import perform


class AttendanceList(QWidget):
    """A line for each invitee: their name and role, and a box (Not recorded, Attended, Sent
    apologies, Did not attend). Tab goes down the boxes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        # The names, then each one's box beside it (not across the dialog), then room.
        self.grid.setColumnStretch(2, 1)
        self.grid.setColumnMinimumWidth(0, 320)  # a long role wraps past this
        self.grid.setHorizontalSpacing(24)
        #: (invitee, the box saying whether they came), as shown
        self.rows: list[tuple[InviteeInfo, QComboBox]] = []

    def set_invitees(self, invitees: Sequence[InviteeInfo]) -> None:
        while self.grid.count():
            widget = self.grid.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        self.rows = []
        if invitees:
            for column, heading in enumerate(("Invited", "Attendance")):
                self.grid.addWidget(QLabel(f"<b>{heading}</b>"), 0, column)
        for n, inv in enumerate(invitees, start=1):
            who = QLabel(f"{inv.name} · {inv.role}")
            who.setWordWrap(True)
            box = QComboBox()
            box.setAccessibleName(f"Attendance: {inv.name}")
            box.addItem("Not recorded", None)
            for code, words in ATTENDANCE_WORDS.items():
                box.addItem(words, code)
            box.setCurrentIndex(max(box.findData(inv.attendance or None), 0))
            who.setBuddy(box)
            self.grid.addWidget(who, n, 0)
            self.grid.addWidget(box, n, 1)
            self.rows.append((inv, box))

    def boxes(self) -> list[QComboBox]:
        return [box for _inv, box in self.rows]

    def set_editable(self, may: bool, tip: str = "") -> None:
        for box in self.boxes():
            box.setEnabled(may)
            box.setToolTip(tip)

    def mark_unrecorded_attended(self) -> None:
        """Everyone not recorded yet: Attended (saved when the person saves)."""
        for box in self.boxes():
            if box.currentData() is None:
                box.setCurrentIndex(box.findData("attended"))

    def changed(self) -> list[tuple[InviteeInfo, str | None]]:
        """The invitees whose box says other than what is recorded, with what it says."""
        return [
            (inv, box.currentData())
            for inv, box in self.rows
            if box.currentData() != (inv.attendance or None)
        ]


def save_attendance(
    parent: QWidget,
    ctx: AppContext,
    meeting_id: int,
    changed: Sequence[tuple[InviteeInfo, str | None]],
) -> bool:
    """Record the changed invitees' attendance at the meeting, all in one action (as the
    acting user): saved together or, refused, not at all (the refusal is shown)."""
    entries = [actions.Attendance(inv.id, attendance, inv.version) for inv, attendance in changed]
    changes = perform(
        parent,
        ctx,
        actions.record_meeting_attendance,
        meeting_id,
        entries,
        as_of=ctx.as_of,
        checks=(),  # (read from the list: no date or number box)
    )
    return changes is not None


__all__ = ["AttendanceList", "save_attendance"]
