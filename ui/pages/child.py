"""A child's page: who they are, the timeline of their care and meetings, and why each
due date is what it is. Booking and recording start here."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from reviewdesk import queries
from reviewdesk.actions import cancel_meeting
from reviewdesk.codes import MeetingStatus
from reviewdesk.queries import ChildDetail
from reviewdesk.vocabulary import format_uk as uk
from ui.audit_view import ChildHistory
from ui.context import AppContext
from ui.duedates import due_report
from ui.models.timeline_model import TimelineModel, build_rows
from ui.operations import perform
from ui.pages import Page, label
from ui.pages.oversight_section import OversightSection
from ui.prompts import prompts


class ChildPage(Page):
    back = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.child_id: int | None = None
        self.detail: ChildDetail | None = None
        self.dues = None
        self.not_judged: list = []

        self.back_button = QPushButton("← Back to cases")
        self.back_button.setAccessibleName("Back to the case list")
        self.back_button.clicked.connect(self.back.emit)
        self.back_button.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        self.back_button.setToolTip("Back to the case list (Esc)")
        self.heading = label("", "title")
        self.facts = label("", "hint", wrap=True)

        self.book_button = QPushButton("Book meeting…")
        self.reschedule_button = QPushButton("Reschedule…")
        self.cancel_button = QPushButton("Cancel meeting…")
        self.record_button = QPushButton("Record outcome…")
        self.pack_button = QPushButton("Print pack…")
        self.people_button = QPushButton("Family and network…")
        self.invitations_button = QPushButton("Invitations and reports…")
        for button, name in (
            (self.book_button, "Book a meeting for this child"),
            (self.reschedule_button, "Reschedule the selected meeting"),
            (self.cancel_button, "Cancel the selected meeting"),
            (self.record_button, "Record the outcome of the selected meeting"),
            (self.pack_button, "Print the pack for the selected meeting"),
            (self.people_button, "The child's family, network and professionals"),
            (self.invitations_button, "Invitations and reports for the selected meeting"),
        ):
            button.setAccessibleName(name)
        self.book_button.clicked.connect(self.book)
        self.reschedule_button.clicked.connect(self.reschedule)
        self.cancel_button.clicked.connect(self.cancel)
        self.record_button.clicked.connect(self.record)
        self.pack_button.clicked.connect(self.print_pack)
        self.people_button.clicked.connect(self.edit_people)
        self.invitations_button.clicked.connect(self.invitations)
        for button, keys in ((self.people_button, "Alt+M"), (self.invitations_button, "Alt+N")):
            button.setShortcut(QKeySequence(keys))
            button.setToolTip(f"{button.accessibleName()} ({keys})")

        self.model = TimelineModel(self)
        self.table = QTableView()
        self.table.setAccessibleName("Timeline of care and meetings")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        for column, width in enumerate((95, 190, 95, 95, 95, 120)):
            self.table.setColumnWidth(column, width)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection())
        self.table.doubleClicked.connect(lambda _i: self._default_action())

        self.explanation = QTextBrowser()
        self.explanation.setAccessibleName("How the due dates were worked out")
        self.explanation.setOpenLinks(False)

        actions = QHBoxLayout()
        actions.addWidget(self.back_button)
        actions.addStretch(1)
        for button in (
            self.book_button,
            self.reschedule_button,
            self.cancel_button,
            self.record_button,
            self.pack_button,
        ):
            actions.addWidget(button)
        # The second row: people and invitations (#19).
        people_row = QHBoxLayout()
        people_row.addStretch(1)
        people_row.addWidget(self.people_button)
        people_row.addWidget(self.invitations_button)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        below = QWidget()
        below_layout = QVBoxLayout(below)
        below_layout.setContentsMargins(0, 0, 0, 0)
        below_layout.addWidget(label("How the due dates were worked out", "subtitle"))
        below_layout.addWidget(self.explanation)
        # IRO oversight: challenges, contacts, the child's voice (`ui.pages.oversight_section`).
        self.oversight = OversightSection(ctx)
        tabs = QTabWidget()
        tabs.setAccessibleName("Due dates, IRO oversight and history")
        tabs.addTab(below, "Due dates")
        tabs.addTab(self.oversight, "IRO oversight")
        # The child's own history (the audit trail of their records), for those who may read
        # the trail: administrators and team managers.
        self.history: ChildHistory | None = None
        if ctx.can_view_audit:
            self.history = ChildHistory(ctx)
            tabs.addTab(self.history, "History")
        self.tabs = tabs
        below = tabs
        splitter.addWidget(below)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([420, 300])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(actions)
        layout.addLayout(people_row)
        layout.addWidget(self.heading)
        layout.addWidget(self.facts)
        layout.addWidget(splitter, 1)

    # --- loading --------------------------------------------------------------------------
    def show_child(self, child_id: int) -> None:
        self.child_id = child_id
        self.refresh()

    def refresh(self) -> None:
        if self.child_id is None:
            return
        with self.ctx.db.session() as s:
            self.detail = queries.child_detail(s, self.child_id)
        if self.detail is None:
            self.heading.setText("This child is no longer on the register")
            self.model.set_rows([])
            self.oversight.show_child(None)
            return
        d = self.detail
        self.dues, self.not_judged = due_report(self.ctx, d)
        self.heading.setText(d.name)
        facts = [f"ID {d.local_id}"]
        if d.dob:
            facts.append(f"born {uk(d.dob)}")
        elif d.expected_delivery:
            facts.append(f"unborn, expected {uk(d.expected_delivery)}")
        if d.team:
            facts.append(f"team {d.team}")
        if d.social_worker:
            facts.append(f"social worker {d.social_worker}")
        self.oversight.show_child(d)
        last = self.oversight.data.last_contact if self.oversight.data else None
        facts.append(f"last IRO contact {uk(last)}" if last else "no IRO contact recorded")
        self.facts.setText(" · ".join(facts))
        self.model.set_rows(build_rows(d, self.dues, self.ctx.as_of, self.not_judged))
        self._show_explanations()
        self._selection()
        if self.history is not None:
            self.history.show_child(self.child_id)

    def _show_explanations(self, selected: str = "") -> None:
        if not self.dues and not self.not_judged:
            self.explanation.setPlainText("Nothing is due for this child.")
            return
        lines = []
        if selected:
            text = html.escape(selected).replace(chr(10), "<br><small>")
            lines.append(f"<p><b>Selected:</b> {text}</small></p><hr>")
        # What the data cannot judge (a return not imported) comes first, with why.
        lines += [
            f"<p><b>{html.escape(n.label)}</b>"
            + (f" held {uk(n.held)}: not judged" if n.held else ": due date not known")
            + f"<br><small>{html.escape(n.reason)}</small></p>"
            for n in self.not_judged
        ]
        lines += [
            f"<p><b>{d.label}</b> due {uk(d.due)}"
            + (f", book by {uk(d.book_by)}" if d.book_by else "")
            + f"{' — held ' + uk(d.held) if d.held else ''}"
            + f"<br>{html.escape(d.explanation).replace(chr(10), '<br><small>')}</small></p>"
            for d in sorted(self.dues or [], key=lambda d: d.due, reverse=True)  # newest first
        ]
        self.explanation.setHtml("".join(lines))

    # --- actions --------------------------------------------------------------------------
    def selected_meeting(self):
        rows = self.table.selectionModel().selectedRows()
        if not rows or self.detail is None:
            return None
        meeting_id = self.model.row_at(rows[0].row()).meeting_id
        return next((m for m in self.detail.meetings if m.id == meeting_id), None)

    def _selection(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if self.dues is not None and rows:
            self._show_explanations(self.model.row_at(rows[0].row()).explanation)
        m = self.selected_meeting()
        booked = m is not None and m.status == MeetingStatus.BOOKED.value
        self.book_button.setEnabled(self.ctx.can_book and self.detail is not None)
        self.reschedule_button.setEnabled(self.ctx.can_book and booked)
        self.cancel_button.setEnabled(self.ctx.can_book and booked)
        self.record_button.setEnabled(
            m is not None
            and m.status != MeetingStatus.CANCELLED.value
            and self.ctx.can_record_for(m.chair_id)
        )
        self.pack_button.setEnabled(m is not None)
        self.people_button.setEnabled(self.detail is not None)
        self.invitations_button.setEnabled(m is not None)

    def _default_action(self) -> None:
        if self.record_button.isEnabled():
            self.record()

    def book(self) -> None:
        from ui.dialogs.booking import BookingDialog

        if self.detail is None or not self.ctx.can_book:
            return
        dialog = BookingDialog(self.ctx, self.detail, dues=self.dues, parent=self)
        if prompts().run_dialog(dialog) and dialog.result_meeting_id is not None:
            # Booked: straight on to whom to invite, the rules' list proposed and ticked.
            self.open_invitations(dialog.result_meeting_id)

    def reschedule(self) -> None:
        from ui.dialogs.booking import BookingDialog

        m = self.selected_meeting()
        if m is None or self.detail is None or not self.ctx.can_book:
            return
        dialog = BookingDialog(self.ctx, self.detail, dues=self.dues, meeting=m, parent=self)
        prompts().run_dialog(dialog)

    def cancel(self) -> None:
        m = self.selected_meeting()
        if m is None or not self.ctx.can_book:
            return
        reason = prompts().text(self, "Cancel meeting", "Why is this meeting cancelled?")
        if reason is None:
            return
        if not reason.strip():
            prompts().error(self, "Give a reason for cancelling the meeting.")
            return
        if perform(self, self.ctx, cancel_meeting, m.id, reason, expected_version=m.version):
            return
        self.refresh()  # refused or stale: show the meeting as it is now

    def record(self) -> None:
        from ui.dialogs.recording import RecordingDialog

        m = self.selected_meeting()
        if m is None or self.detail is None or not self.ctx.can_record_for(m.chair_id):
            return
        dialog = RecordingDialog(self.ctx, self.detail, m, dues=self.dues, parent=self)
        prompts().run_dialog(dialog)

    def edit_people(self) -> None:
        from ui.dialogs.people import PeopleDialog

        if self.detail is None or self.child_id is None:
            return
        prompts().run_dialog(PeopleDialog(self.ctx, self.child_id, self.detail.name, parent=self))

    def invitations(self) -> None:
        m = self.selected_meeting()
        if m is not None:
            self.open_invitations(m.id)

    def open_invitations(self, meeting_id: int) -> None:
        from ui.dialogs.invitations import InvitationsDialog

        if self.detail is None:
            return
        m = next((x for x in self.detail.meetings if x.id == meeting_id), None)
        when = f", {uk(m.booked_date)}" if m is not None and m.booked_date else ""
        title = f"{self.detail.name}: {m.type_label if m else 'meeting'}{when}"
        prompts().run_dialog(InvitationsDialog(self.ctx, meeting_id, title, parent=self))

    def print_pack(self) -> None:
        from ui.documents import make_document

        m = self.selected_meeting()
        if m is not None:
            make_document(self, self.ctx, "pack", meeting_id=m.id)
