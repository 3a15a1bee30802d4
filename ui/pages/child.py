"""A child's page: who they are, the timeline of their care and meetings, and why each
due date is what it is. Booking, rescheduling, cancelling, recording, printing a pack,
editing the child's details and allocating start here, each from a button, a menu (Child)
and a shortcut key (listed under F1)."""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QHideEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from reviewdesk.actions import Permission
from reviewdesk.childpage import child_page
from reviewdesk.codes import MeetingStatus
from reviewdesk.oversight.records import last_contacts
from reviewdesk.queries import ChildDetail, MeetingInfo
from reviewdesk.scheduling import bookable_types
from reviewdesk.vocabulary import (
    DUE_NOT_KNOWN,
    NOT_JUDGED,
    OUTCOME_NOT_RECORDED,
    RECORD_THE_OUTCOME,
    format_uk_time,
)
from reviewdesk.vocabulary import format_uk as uk
from ui.audit_view import ChildHistory
from ui.context import AppContext
from ui.duedates import awaited_after
from ui.models.timeline_model import TimelineModel, build_rows
from ui.pages import Page, label
from ui.pages.oversight_section import OversightSection
from ui.prompts import prompts

#: The child page's actions: (attribute, menu text, shortcut, what it does, what the role
#: needs for it: the `AppContext` property that says so, None for anyone). That one check
#: enables the action (with what is selected) and puts it on F1's list.
ACTIONS = (
    ("book_action", "&Book a meeting…", "Ctrl+B", "Book a meeting for this child", "can_book"),
    (
        "reschedule_action",
        "&Reschedule the meeting…",
        "Ctrl+R",
        "Reschedule the selected meeting",
        "can_book",
    ),
    (
        "cancel_action",
        "Ca&ncel the meeting…",
        "Ctrl+Shift+X",
        "Cancel the selected meeting",
        "can_book",
    ),
    (
        "record_action",
        "Record the o&utcome…",
        "Ctrl+O",
        "Record the outcome of the selected meeting",
        "can_record_any",
    ),
    (
        "pack_action",
        "&Print the pack…",
        "Ctrl+Shift+P",
        "Print the pack for the selected meeting",
        None,
    ),
    (
        "edit_action",
        "&Edit the child's details…",
        "F2",
        "Edit the child's name, birth date, IDs",
        "can_edit_case",
    ),
    (
        "allocate_action",
        "&Allocate…",
        "Ctrl+L",
        "Allocate a team, social worker and IRO",
        "can_edit_case",
    ),
    (
        "people_action",
        "&Family and network…",
        "Alt+M",
        "The child's family, network and professionals",
        None,
    ),
    (
        "invitations_action",
        "&Invitations and reports…",
        "Alt+N",
        "Invitations and reports for the selected meeting",
        None,
    ),
)

KIND_WORDS = {"iro": "IRO", "social_worker": "Social worker", "team": "Team"}


def _moves_text(m: MeetingInfo) -> str:
    """A meeting's rescheduling history, one move a line."""
    lines = []
    for move in m.moves:
        was = uk(move.from_date, "no date")
        if move.from_time is not None:
            was += f" {move.from_time:%H:%M}"
        now = uk(move.to_date) + (f" {move.to_time:%H:%M}" if move.to_time else "")
        who = f" — {move.moved_by}" if move.moved_by else ""
        when = f", {format_uk_time(move.moved_at)}" if move.moved_at else ""
        lines.append(f"Moved from {was} to {now}: {move.reason}{who}{when}")
    return "\n".join(lines)


class ChildPage(Page):
    back = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.child_id: int | None = None
        self.detail: ChildDetail | None = None
        self.dues = None
        self.not_judged: list = []

        self.back_button = QPushButton()
        self.back_button.clicked.connect(self.back.emit)
        self.back_to = ""
        self.set_back_to("cases")
        self.heading = label("", "title")
        self.facts = label("", "hint", wrap=True)
        self.missing = label("", "warning", wrap=True)
        self.missing.setAccessibleName("What the record lacks")
        # An IRO whose user has no staff record: why recording is off (`apply_role`).
        self.unlinked = label("", "warning", wrap=True)
        self.unlinked.setAccessibleName("Why recording is off")
        # A role that may change nothing here (a team manager): why the buttons are off.
        self.read_only = label("", "hint", wrap=True)
        self.read_only.setAccessibleName("Why the buttons are off")
        self._button_of: dict[QAction, QPushButton] = {}

        # Each action is a QAction (its shortcut works anywhere on this page; the window's
        # Child menu lists it) and a button bound to it.
        self.page_actions: list[QAction] = []
        #: What each action needs of the role (see ACTIONS; `role_allows`).
        self.role_needs: dict[QAction, str | None] = {}
        slots = {
            "book_action": self.book,
            "reschedule_action": self.reschedule,
            "cancel_action": self.cancel,
            "record_action": self.record,
            "pack_action": self.print_pack,
            "edit_action": self.edit_details,
            "allocate_action": self.allocate,
            "people_action": self.edit_people,
            "invitations_action": self.invitations,
        }
        for attribute, text, shortcut, tip, need in ACTIONS:
            action = QAction(text, self)
            self.role_needs[action] = need
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.setStatusTip(tip)
            action.setToolTip(f"{tip} ({shortcut})")
            action.triggered.connect(slots[attribute])
            self.addAction(action)
            self.page_actions.append(action)
            setattr(self, attribute, action)
        self.book_button = self._button("Book meeting…", self.book_action)
        self.reschedule_button = self._button("Reschedule…", self.reschedule_action)
        self.cancel_button = self._button("Cancel meeting…", self.cancel_action)
        self.record_button = self._button("Record outcome…", self.record_action)
        self.pack_button = self._button("Print pack…", self.pack_action)
        self.edit_button = self._button("Edit details…", self.edit_action)
        self.allocate_button = self._button("Allocate…", self.allocate_action)
        self.people_button = self._button("Family and network…", self.people_action)
        self.invitations_button = self._button("Invitations and reports…", self.invitations_action)

        self.model = TimelineModel(self)
        self.table = QTableView()
        self.table.setAccessibleName("Timeline of care and meetings")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        for column, width in enumerate((95, 190, 95, 95, 95, 120)):
            self.table.setColumnWidth(column, width)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection())
        self.table.selectionModel().currentRowChanged.connect(self._select_current)
        self.table.activated.connect(lambda _i: self._default_action())  # Enter, double-click

        self.explanation = QTextBrowser()
        self.explanation.setAccessibleName("How the due dates were worked out")
        self.explanation.setOpenLinks(False)
        self.allocations = QTableWidget(0, 5)
        self.allocations.setAccessibleName("Allocation history")
        self.allocations.setHorizontalHeaderLabels(["Allocation", "Who", "From", "To", "Reason"])
        self.allocations.verticalHeader().setVisible(False)
        self.allocations.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.allocations.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.allocations.setTabKeyNavigation(False)
        self.allocations.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate((110, 200, 95, 95)):
            self.allocations.setColumnWidth(column, width)

        tools = QHBoxLayout()
        tools.addWidget(self.back_button)
        tools.addStretch(1)
        for button in (self.edit_button, self.allocate_button):
            tools.addWidget(button)
        actions = QHBoxLayout()
        for button in (
            self.book_button,
            self.reschedule_button,
            self.cancel_button,
            self.record_button,
            self.pack_button,
        ):
            actions.addWidget(button)
        # The family and invitations (README: "Family and network… (Alt+M)"); the button
        # was lost from the page in a merge, leaving only the menu and the key.
        actions.addWidget(self.people_button)
        actions.addWidget(self.invitations_button)
        actions.addStretch(1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        below = QWidget()
        below_layout = QVBoxLayout(below)
        below_layout.setContentsMargins(0, 0, 0, 0)
        below_layout.addWidget(label("How the due dates were worked out", "subtitle"))
        below_layout.addWidget(self.explanation)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Due dates, allocations, IRO oversight and history")
        self.tabs.addTab(below, "Due dates")
        self.tabs.addTab(self.allocations, "Allocations")
        # IRO oversight: challenges, contacts, the child's voice (`ui.pages.oversight_section`).
        self.oversight = OversightSection(ctx)
        self.tabs.addTab(self.oversight, "IRO oversight")
        # The child's own history (the audit trail of their records), for those who may read
        # the trail: administrators and team managers (`apply_role`, as the role changes).
        self.history: ChildHistory | None = None
        # The tabs behind the first are filled when they are opened, not with every child
        # shown: most visits read the timeline and its due dates only, and the oversight
        # section alone cost as much as the rest of the page. Index -> how to fill it.
        self._fillers: dict[int, Callable[[], None]] = {
            self.tabs.indexOf(self.allocations): lambda: self._show_allocations(self.detail),
            self.tabs.indexOf(self.oversight): lambda: self.oversight.show_child(self.detail),
        }
        self._stale: set[int] = set()  # the tabs that do not show the child yet
        self.tabs.currentChanged.connect(lambda _index: self._fill_current_tab())
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([360, 260])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(tools)
        layout.addWidget(self.heading)
        layout.addWidget(self.facts)
        layout.addWidget(self.missing)
        layout.addLayout(actions)
        layout.addWidget(self.unlinked)
        layout.addWidget(self.read_only)
        # The timeline and the tabs take whatever height is left, down to what they need:
        # asked for their preferred height too, the page was 10 points taller than a
        # 1366x768 screen has room for, and scrolled.
        splitter.setMinimumHeight(splitter.minimumSizeHint().height())
        splitter.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Ignored)
        layout.addWidget(splitter, 1)
        self.apply_role()

    def apply_role(self) -> None:
        """The History tab (the last) for a role that may read the audit trail, and none for
        another, and the oversight the role may record: the role can change while the window
        is open."""
        allowed = self.ctx.can_view_audit
        if allowed and self.history is None:
            history = self.history = ChildHistory(self.ctx)
            index = self.tabs.addTab(history, "History")
            self._fillers[index] = lambda: history.show_child(self.child_id)
            self._stale.add(index)
        elif not allowed and self.history is not None:
            index = self.tabs.indexOf(self.history)
            self.tabs.removeTab(index)
            self._fillers.pop(index, None)
            self._stale.discard(index)
            self.history.deleteLater()
            self.history = None
        self.oversight.apply_role()
        why = self.ctx.recording_off_reason
        self.unlinked.setText(why)
        self.unlinked.setVisible(bool(why))
        read_only = self.ctx.read_only_reason
        self.read_only.setText(read_only)
        self.read_only.setVisible(bool(read_only))
        # The buttons the role may not use say why (they said only what they would do).
        off_because = read_only or self.ctx.booking_off_reason
        for action, button in self._button_of.items():
            off = not self.role_allows(action)
            button.setToolTip((off_because if off else "") or action.toolTip())
        self.record_button.setToolTip(why or read_only or self.record_action.toolTip())

    def role_allows(self, action: QAction) -> bool:
        """Whether the acting user's role may use one of the page's actions at all, whatever
        is selected (an IRO's recording: some meeting; `AppContext.can_record_for` says
        which). Enabling the action and F1's list of shortcuts both ask this."""
        need = self.role_needs.get(action)
        return need is None or bool(getattr(self.ctx, need))

    def set_back_to(self, where: str) -> None:
        """Where the back button (and Esc) leads, in words: "cases" (the case list), or
        the page the child was opened from ("the diary"), which the window goes back to."""
        self.back_to = where
        self.back_button.setText(f"← Back to {where}")
        what = "the case list" if where == "cases" else where
        self.back_button.setAccessibleName(f"Back to {what}")
        self.back_button.setToolTip(f"Back to {what} (Esc)")
        self.back_button.setShortcut(QKeySequence(Qt.Key.Key_Escape))  # setText cleared it

    def _button(self, text: str, action: QAction) -> QPushButton:
        button = QPushButton(text)
        button.setAccessibleName(action.statusTip())
        button.setToolTip(action.toolTip())
        button.clicked.connect(action.trigger)
        self._button_of[action] = button
        action.changed.connect(lambda b=button, a=action: b.setEnabled(a.isEnabled()))
        return button

    # --- loading --------------------------------------------------------------------------
    def show_child(self, child_id: int) -> None:
        self.child_id = child_id
        self.refresh()

    def refresh(self) -> None:
        if self.child_id is None:
            return
        selected = self.selected_meeting()
        as_of = self.ctx.as_of
        with self.ctx.db.session() as s:
            # The meetings' names and the due dates from one read of the child's history.
            page = child_page(
                s, self.child_id, as_of=as_of, rules=self.ctx.rules, calendar=self.ctx.calendar
            )
            last = last_contacts(s, as_of=as_of, child_ids=[self.child_id]).get(self.child_id)
        self._stale = set(self._fillers)
        self.detail = page.detail if page is not None else None
        if page is None:
            self.heading.setText("This child is no longer on the register")
            self.model.set_rows([])
            self._fill_current_tab()
            self._selection()
            return
        d = page.detail
        self.dues, self.not_judged = page.dues, page.not_judged
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
        facts.append(f"last IRO contact {uk(last)}" if last else "no IRO contact recorded")
        self.facts.setText(" · ".join(facts))
        gaps = d.missing(self.ctx.as_of)
        self.missing.setVisible(bool(gaps))
        how = (
            "complete it with Edit details (F2) and Allocate (Ctrl+L)"
            if self.ctx.can(Permission.EDIT_CASE)
            else "an administrator can complete it"
        )
        self.missing.setText(f"⚠ The record has no {', '.join(gaps)}: {how}." if gaps else "")
        self.model.set_rows(
            build_rows(d, self.dues, self.ctx.as_of, self.not_judged, awaited_after(self.ctx, d))
        )
        if selected is not None:
            self.select_meeting(selected.id)
        self._show_explanations()
        self._selection()
        self._fill_current_tab()

    def _fill_current_tab(self) -> None:
        """Fill the tab on show if it does not show this child yet (see ``_fillers``)."""
        index = self.tabs.currentIndex()
        if index in self._stale:
            self._stale.discard(index)
            self._fillers[index]()

    def _show_allocations(self, d: ChildDetail | None) -> None:
        allocations = d.allocations if d is not None else ()
        self.allocations.setRowCount(len(allocations))
        for row, a in enumerate(allocations):
            values = (
                KIND_WORDS.get(a.kind, a.kind),
                a.name or "nobody",
                uk(a.start, "not known"),
                uk(a.end, "now"),
                a.reason or "",
            )
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                self.allocations.setItem(row, column, item)

    def _show_explanations(self, selected: str = "") -> None:
        if not self.dues and not self.not_judged and not selected:
            self.explanation.setPlainText("Nothing is due for this child.")
            return
        lines = []
        if selected:
            text = html.escape(selected).replace(chr(10), "<br><small>")
            lines.append(f"<p><b>Selected:</b> {text}</small></p><hr>")
        # What the data cannot judge (a return not imported) comes first, with why.
        lines += [
            f"<p><b>{html.escape(n.label)}</b>"
            + (f" held {uk(n.held)}: {NOT_JUDGED}" if n.held else f": {DUE_NOT_KNOWN}")
            + f"<br><small>{html.escape(n.reason)}</small></p>"
            for n in self.not_judged
        ]
        lines += [
            f"<p><b>{d.label}</b> due {uk(d.due)}"
            + self._book_by_words(d)
            + f"{' — held ' + uk(d.held) if d.held else ''}"
            + f"<br>{html.escape(d.explanation).replace(chr(10), '<br><small>')}</small></p>"
            for d in sorted(self.dues or [], key=lambda d: d.due, reverse=True)  # newest first
        ]
        self.explanation.setHtml("".join(lines))

    def _book_by_words(self, d) -> str:
        """ ", book by 24/04/2024"; for a meeting not held whose book-by day has passed,
        that it is overdue (a past date to book by helps nobody); for one booked for a day
        now past and never recorded, that its outcome is to be recorded (the flag's words),
        not that it is to be booked."""
        unrecorded = self._not_recorded_words(d)
        overdue = d.book_by and d.held is None and d.book_by < self.ctx.as_of
        if overdue:
            since = f", <b>overdue</b> since {uk(d.book_by)}"
            return (
                f"{since}; {unrecorded}"
                if unrecorded
                else f"{since}: book the earliest date you can"
            )
        if unrecorded:
            return f", {unrecorded}"
        return f", book by {uk(d.book_by)}" if d.book_by else ""

    def _not_recorded_words(self, d) -> str:
        """ "booked for 14/03/2024, outcome not recorded: record it as ..." for a due date's
        meeting booked for a day now past and never recorded; else nothing."""
        if d.meeting_id is None or self.detail is None:
            return ""
        m = next((m for m in self.detail.meetings if m.id == d.meeting_id), None)
        if m is None or m.booked_date is None or not m.outcome_not_recorded(self.ctx.as_of):
            return ""
        return (
            f"booked for {uk(m.booked_date)}, <b>{OUTCOME_NOT_RECORDED}</b>: {RECORD_THE_OUTCOME}"
        )

    # --- actions --------------------------------------------------------------------------
    def selected_meeting(self) -> MeetingInfo | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or self.detail is None or rows[0].row() >= self.model.rowCount():
            return None
        meeting_id = self.model.row_at(rows[0].row()).meeting_id
        return next((m for m in self.detail.meetings if m.id == meeting_id), None)

    def select_meeting(self, meeting_id: int) -> bool:
        """Select a meeting's row on the timeline (keyboard focus stays where it is)."""
        for row in range(self.model.rowCount()):
            if self.model.row_at(row).meeting_id == meeting_id:
                self.table.selectRow(row)
                return True
        return False

    def _select_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        """The row the keyboard is on is the one the actions act on. The timeline taking
        the focus (as a child's page opens) makes its first row current, outlined, without
        selecting it: Enter there offered to book another meeting, and Ctrl+R, Ctrl+Shift+X
        and Ctrl+O did nothing."""
        if current.isValid() and not self.table.selectionModel().isRowSelected(current.row()):
            self.table.selectRow(current.row())

    def _selection(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        m = self.selected_meeting()
        if self.dues is not None and rows and rows[0].row() < self.model.rowCount():
            explanation = self.model.row_at(rows[0].row()).explanation
            if m is not None and m.moves:
                explanation = "\n".join(filter(None, (explanation, _moves_text(m))))
            self._show_explanations(explanation)
        shown = self.on_screen() and self.detail is not None
        booked = m is not None and m.status == MeetingStatus.BOOKED.value
        bookable = self.detail is not None and bool(bookable_types(self.detail, self.ctx.as_of))
        self.book_action.setEnabled(shown and self.role_allows(self.book_action) and bookable)
        self.book_action.setToolTip(
            "Book a meeting for this child (Ctrl+B)"
            if bookable or self.detail is None
            else "Nothing to book: no period of care, CP plan or enquiry is open"
        )
        if self.role_allows(self.book_action):
            self.book_button.setToolTip(self.book_action.toolTip())
        self.reschedule_action.setEnabled(
            shown and self.role_allows(self.reschedule_action) and booked
        )
        self.cancel_action.setEnabled(shown and self.role_allows(self.cancel_action) and booked)
        self.record_action.setEnabled(
            shown
            and m is not None
            and m.status != MeetingStatus.CANCELLED.value
            and self.role_allows(self.record_action)
            and self.ctx.can_record_for(m.chair_id)
        )
        self.pack_action.setEnabled(shown and self.role_allows(self.pack_action) and m is not None)
        self.edit_action.setEnabled(shown and self.role_allows(self.edit_action))
        self.allocate_action.setEnabled(shown and self.role_allows(self.allocate_action))
        self.people_action.setEnabled(shown and self.role_allows(self.people_action))
        self.invitations_action.setEnabled(
            shown and self.role_allows(self.invitations_action) and m is not None
        )

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._selection()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self._selection()

    def _default_action(self) -> None:
        """Enter or double-click on the timeline: record a meeting's outcome, or book the
        meeting a due row is waiting for."""
        if self.record_action.isEnabled():
            self.record()
        elif self.selected_meeting() is None and self.book_action.isEnabled():
            self.book()

    def _run(self, dialog) -> bool:
        ok = prompts().run_dialog(dialog)
        self.table.setFocus()  # back to the timeline, to go on with the keyboard
        return ok

    def book(self) -> None:
        from ui.dialogs.booking import BookingDialog

        if self.detail is None or not self.book_action.isEnabled():
            return
        dialog = BookingDialog(self.ctx, self.detail, dues=self.dues, parent=self)
        if self._run(dialog) and dialog.result_meeting_id is not None:
            self.select_meeting(dialog.result_meeting_id)
            # Booked: straight on to whom to invite, the rules' list proposed and ticked.
            self.open_invitations(dialog.result_meeting_id)

    def reschedule(self) -> None:
        from ui.dialogs.booking import BookingDialog

        m = self.selected_meeting()
        if m is None or self.detail is None or not self.reschedule_action.isEnabled():
            return
        self._run(BookingDialog(self.ctx, self.detail, dues=self.dues, meeting=m, parent=self))

    def cancel(self) -> None:
        from ui.dialogs.cancel import CancelDialog

        m = self.selected_meeting()
        if m is None or self.detail is None or not self.cancel_action.isEnabled():
            return
        if not self._run(CancelDialog(self.ctx, self.detail, m, parent=self)):
            self.refresh()  # refused, stale or kept: show the meeting as it is now

    def record(self) -> None:
        from ui.dialogs.recording import RecordingDialog

        m = self.selected_meeting()
        if m is None or self.detail is None or not self.record_action.isEnabled():
            return
        self._run(RecordingDialog(self.ctx, self.detail, m, dues=self.dues, parent=self))

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
        from ui.dialogs.invitations import run_for

        if self.detail is not None:
            run_for(self.ctx, self.detail, meeting_id, self)

    def print_pack(self) -> None:
        from ui.documents import make_document

        m = self.selected_meeting()
        if m is not None and self.pack_action.isEnabled():
            make_document(self, self.ctx, "pack", meeting_id=m.id)

    def edit_details(self) -> None:
        from ui.dialogs.child import ChildDetailsDialog

        if self.detail is not None and self.edit_action.isEnabled():
            self._run(ChildDetailsDialog(self.ctx, self.detail, parent=self))

    def allocate(self) -> None:
        from ui.dialogs.child import AllocationDialog

        if self.detail is not None and self.allocate_action.isEnabled():
            self._run(AllocationDialog(self.ctx, self.detail, parent=self))
