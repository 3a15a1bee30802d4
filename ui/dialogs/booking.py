"""Book, or reschedule, a meeting: date, time, room, chair and clerk, checked as you type
against the due date, the working-day calendar and the other bookings.

The dialog proposes the free slots closest before the book-by date (the earliest free ones
when the meeting is overdue) and its date box starts on the best of them. The slot shown
chosen in the list is always the one the boxes hold (none when they hold no listed slot):
moving along the list, with the arrows or a click, takes the slot into the boxes, and a date
and time typed that are a listed slot choose it there. (The list used to keep the best slot
chosen when rescheduling a meeting on another date, or after a slot was taken and the room
changed, and a slot arrowed to without Enter was not the one booked.)
Enter never books: it takes a slot from the list or moves on; only the Book button (clicked,
or Enter or Space on it) books, and a booking with warnings (a clash, a late or non-working
date, no room or clerk) asks first, with No as the answer Enter gives.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QModelIndex, Qt, QTime
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reviewdesk import queries
from reviewdesk.actions import book_meeting, reschedule_meeting
from reviewdesk.codes import MeetingType, ReasonKind
from reviewdesk.queries import ChildDetail, MeetingInfo
from reviewdesk.scheduling import (
    Booking,
    BookingCheck,
    Suggestion,
    bookable_types,
    booking_links,
    check_booking,
    free_slots,
    next_meeting_type,
    proposed_chair,
    suggest_slots,
)
from reviewdesk.vocabulary import format_uk as uk
from reviewdesk.vocabulary import format_uk_long, meeting_label
from ui.context import AppContext
from ui.dialogs import (
    FormDialog,
    NumberBox,
    choice,
    date_edit,
    from_qdate,
    refuse_wrong_entries,
    select_data,
    time_edit,
)
from ui.duedates import DueItem
from ui.operations import perform
from ui.prompts import prompts
from ui.screen import fit, scrolling


def reason_text(combo: QComboBox, note: QLineEdit) -> str:
    """The reason chosen from a list, with the note typed beside it ("Room unavailable:
    flooded"); empty when no reason is chosen."""
    chosen = combo.currentText().strip() if combo.currentData() is not None else ""
    extra = " ".join(note.text().split())
    if chosen and extra:
        return f"{chosen}: {extra}"
    return chosen or extra


def reason_choice(
    ctx: AppContext, kind: ReasonKind, accessible: str, process: str | None = None
) -> QComboBox:
    """A list of reasons (`queries.meeting_reasons`) for a kind of meeting (``process``),
    "Choose a reason…" first."""
    with ctx.db.session() as s:
        reasons = queries.meeting_reasons(s, kind.value, process)
    return choice(reasons, accessible, none_text="Choose a reason…")


def _same_slot(a: Booking, b: Booking) -> bool:
    """The same day, time and length, with the same chair, room and clerk."""
    return (a.day, a.start, a.minutes, a.chair_id, a.room_id, a.clerk_id) == (
        b.day,
        b.start,
        b.minutes,
        b.chair_id,
        b.room_id,
        b.clerk_id,
    )


def _listed(words: list[str], last: str) -> str:
    """["chair", "room", "clerk"] -> "chair, room and clerk" (``last`` joins the last two)."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {last} {words[-1]}"


class BookingDialog(FormDialog):
    def __init__(
        self,
        ctx: AppContext,
        detail: ChildDetail,
        *,
        dues: list[DueItem] | None,
        meeting: MeetingInfo | None = None,
        parent: QWidget | None = None,
        start: Booking | None = None,
    ) -> None:
        """``start``: a day, time, chair, room or clerk already chosen (a free slot clicked
        in the diary); the rest is proposed as usual."""
        super().__init__(parent)
        self.ctx = ctx
        self.detail = detail
        self.meeting = meeting
        self.dues = dues
        self.start = start
        self.result_meeting_id: int | None = None
        self.check_result: BookingCheck | None = None
        self.suggestion: Suggestion | None = None
        self.messages: list[str] = []
        rescheduling = meeting is not None
        if rescheduling:
            title = f"Reschedule {meeting.describe(detail.name)}"
        else:
            title = f"Book a meeting for {detail.name}"
        self.setWindowTitle(title)
        self.setAccessibleName(title)

        with ctx.db.session() as s:
            chair_items = queries.chairs(s)
            clerk_items = queries.clerks(s)
            room_items = queries.rooms(s)

        self.meeting_type = QComboBox()
        self.meeting_type.setAccessibleName("Meeting type")
        types = bookable_types(detail, ctx.as_of) if not rescheduling else ()
        for mt in types:
            self.meeting_type.addItem(meeting_label(mt.value), mt.value)
        self.date = date_edit(ctx.as_of, "Meeting date")
        self.time = time_edit(dt.time(9, 30), "Start time")
        self.duration = NumberBox(15, 480, 90, "Length of the meeting", suffix=" minutes", step=15)
        self.room = choice(room_items, "Room", none_text="No room (virtual or to be arranged)")
        self.chair = choice(chair_items, "Chair", none_text="Chair not yet allocated")
        self.clerk = choice(clerk_items, "Clerk", none_text="No clerk")
        self.reason = reason_choice(
            ctx,
            ReasonKind.RESCHEDULE,
            "Reason for rescheduling",
            meeting.process if meeting is not None else None,
        )
        self.reason_note = QLineEdit()
        self.reason_note.setAccessibleName("Note on the reason for rescheduling")
        self.reason_note.setPlaceholderText("Optional note (or the reason, if not listed)")

        self.due_label = QLabel()
        self.due_label.setAccessibleName("Due date")
        self.due_label.setWordWrap(True)
        self.book_by_label = QLabel()
        self.book_by_label.setAccessibleName("Latest working day to book by")
        self.book_by_label.setWordWrap(True)
        self.warnings = QLabel()
        self.warnings.setProperty("role", "warning")
        self.warnings.setWordWrap(True)
        self.warnings.setAccessibleName("Warnings about this booking")
        self.slots = QListWidget()
        self.slots.setAccessibleName("Free slots")
        self.slots.setMaximumHeight(112)
        self.slots.itemActivated.connect(self._use_slot)  # Enter, or double-click
        # The list's own changes to its choice (following the boxes) are not the person's.
        self._following_boxes = False
        self.slots.currentItemChanged.connect(self._slot_moved_to)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        if not rescheduling:
            form.addRow("&Meeting", self.meeting_type)
        form.addRow("Due", self.due_label)
        form.addRow("Book by", self.book_by_label)
        form.addRow("&Date", self.date)
        form.addRow("&Time", self.time)
        form.addRow("&Length", self.duration)
        form.addRow("&Venue and room", self.room)
        form.addRow("C&hair", self.chair)
        form.addRow("Cler&k", self.clerk)
        if rescheduling:
            # Alt+E: Alt+R is the Reschedule button's (a shared key only moved the focus
            # between the two, so Alt+R never rescheduled).
            form.addRow("R&eason", self.reason)
            form.addRow("&Note", self.reason_note)

        self.buttons = QDialogButtonBox()
        self.book_button = QPushButton("&Reschedule" if rescheduling else "&Book")
        self.book_button.setAccessibleName(
            "Reschedule the meeting" if rescheduling else "Book the meeting"
        )
        self.cancel_button = QPushButton("Close")
        self.cancel_button.setAccessibleName("Close without booking")
        self.buttons.addButton(self.book_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        for button in (self.book_button, self.cancel_button):
            button.setAutoDefault(False)  # Enter in a field or the list books nothing
            button.setDefault(False)
        self.book_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)

        self.slots_title = QLabel()
        self.slots_title.setWordWrap(True)
        self.slots_title.setBuddy(self.slots)
        # The fields scroll on a screen too low for them (a laptop at scale 2); the buttons
        # stay in view.
        scroll, self.body = scrolling(form, self.warnings, self.slots_title, self.slots)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.buttons)

        self.blocked = ctx.viewing_past
        if self.blocked:
            self.book_button.setEnabled(False)
            self.book_button.setToolTip("Not while looking at the register as of a past date")

        self._prefill()
        # The free slots depend on who and where, not on the date: changing the date or time
        # (or taking a slot) checks the booking again but leaves the list as it is.
        for signal in (
            self.meeting_type.currentIndexChanged,
            self.duration.valueChanged,
            self.room.currentIndexChanged,
            self.chair.currentIndexChanged,
            self.clerk.currentIndexChanged,
        ):
            signal.connect(lambda *_: self.update_slots())
        for signal in (
            self.date.dateChanged,
            self.time.timeChanged,
            self.date.wrong_entry_changed,
            self.time.wrong_entry_changed,
        ):
            signal.connect(lambda *_: self.update_checks())
        self.update_slots(move_date=self.start is None)  # a day chosen in the diary stays
        self.body.adjustSize()
        fit(self, 600, self.body.sizeHint().height() + self.buttons.sizeHint().height() + 40)

    # --- pre-filling ----------------------------------------------------------------------
    def _prefill(self) -> None:
        m = self.meeting
        if m is not None:
            if m.booked_date:
                self.date.setDate(m.booked_date)
            if m.booked_time:
                self.time.setTime(QTime(m.booked_time.hour, m.booked_time.minute))
            self.duration.setValue(m.minutes)
            select_data(self.room, m.room_id)
            select_data(self.chair, m.chair_id)
            select_data(self.clerk, m.clerk_id)
            return
        meeting_type = next_meeting_type(self.dues)
        select_data(self.meeting_type, meeting_type.value)
        current = self.meeting_type.currentData()
        chosen = MeetingType(current) if current else meeting_type
        with self.ctx.db.session() as s:
            chair = proposed_chair(s, self.detail, self.ctx.as_of, chosen)
        select_data(self.chair, chair)
        if self.start is not None:
            self.date.setDate(self.start.day)
            if self.start.start is not None:
                self.time.setTime(QTime(self.start.start.hour, self.start.start.minute))
            for combo, value in (
                (self.chair, self.start.chair_id),
                (self.room, self.start.room_id),
                (self.clerk, self.start.clerk_id),
            ):
                if value is not None:
                    select_data(combo, value)
            if self.start.start is None:
                self._first_free_time()

    def _first_free_time(self) -> None:
        """A day chosen without a time (a free slot in the diary): the day's first time at
        which the chair, room and clerk are all free. It opened at 09:30 whatever was
        booked then, with a clash to put right."""
        with self.ctx.db.session() as s:
            free = free_slots(s, self.proposal(), [self.start.day], limit=1)
        if free and free[0].start is not None:
            self.time.setTime(QTime(free[0].start.hour, free[0].start.minute))

    def due_item(self) -> DueItem | None:
        """The due date this booking is for: the meeting's own, else the next unbooked one."""
        if not self.dues:
            return None
        if self.meeting is not None:
            own = next((d for d in self.dues if d.meeting_id == self.meeting.id), None)
            if own is not None:
                return own
            process = self.meeting.process
        else:
            current = self.meeting_type.currentData()
            if current is None:
                return None
            process = MeetingType(current).process.value
        upcoming = [d for d in self.dues if d.held is None and d.process == process]
        unbooked = [d for d in upcoming if d.meeting_id is None]
        chosen = unbooked or upcoming  # a second booking still checks against the due date
        return min(chosen, key=lambda d: d.due) if chosen else None

    # --- checking -------------------------------------------------------------------------
    def proposal(self) -> Booking:
        t = self.time.time()
        return Booking(
            day=from_qdate(self.date.date()),
            start=dt.time(t.hour(), t.minute()),
            minutes=self.duration.value(),
            chair_id=self.chair.currentData(),
            room_id=self.room.currentData(),
            clerk_id=self.clerk.currentData(),
            meeting_id=self.meeting.id if self.meeting else None,
        )

    def book_by(self) -> dt.date | None:
        due = self.due_item()
        return self.ctx.calendar.on_or_before(due.due) if due is not None else None

    def update_slots(self, *, move_date: bool = False) -> None:
        """Look for free slots for this chair, room and clerk; with ``move_date`` (the
        dialog opening) the date box starts on the best one."""
        with self.ctx.db.session() as s:
            self.suggestion = suggest_slots(
                s,
                self.proposal(),
                calendar=self.ctx.calendar,
                as_of=self.ctx.as_of,
                book_by=self.book_by(),
            )
        found = self.suggestion
        if found.overdue:
            self.slots_title.setText(
                "The meeting is overdue. Earliest &free slots (choose one to use it):"
            )
        elif found.book_by is not None:
            self.slots_title.setText(
                f"&Free slots closest before the book-by date {uk(found.book_by)} "
                "(choose one to use it):"
            )
        else:
            self.slots_title.setText("Earliest &free slots (choose one to use it):")
        self._following_boxes = True  # emptying and filling the list takes no slot
        try:
            self.slots.clear()
            for slot in found.slots:
                item = QListWidgetItem(f"{format_uk_long(slot.day)} at {slot.start:%H:%M}")
                item.setData(Qt.ItemDataRole.UserRole, slot)
                self.slots.addItem(item)
        finally:
            self._following_boxes = False
        best = found.best
        if not found.slots:
            item = QListWidgetItem("No free slot for this chair, room and clerk in time")
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.slots.addItem(item)
        if move_date and best is not None and self.meeting is None:
            self._place(best)
        self.update_checks()

    def update_checks(self) -> None:
        due = self.due_item()
        proposal = self.proposal()
        with self.ctx.db.session() as s:
            check = check_booking(
                s,
                proposal,
                calendar=self.ctx.calendar,
                due=due.due if due else None,
                as_of=self.ctx.as_of,
            )
        self.check_result = check
        if due is None:
            self.due_label.setText("no due date for this meeting in the child's record")
            self.book_by_label.setText("—")
            self.due_label.setToolTip("")
        else:
            self.due_label.setText(f"{uk(due.due)} ({due.label})")
            self.due_label.setToolTip(due.explanation)
            overdue = check.book_by is not None and check.book_by < self.ctx.as_of
            self.book_by_label.setText(
                f"{uk(check.book_by)} — overdue: book the earliest date you can"
                if overdue
                else uk(check.book_by)
            )
        messages = [w.message for w in check.warnings]
        if self.meeting is None and due is not None and due.meeting_id is not None:
            booked = next((m for m in self.detail.meetings if m.id == due.meeting_id), None)
            when = uk(booked.booked_date) if booked and booked.booked_date else "a date"
            messages.insert(0, f"{due.label} is already booked for {when}")
        current = self.meeting_type.currentData()
        if self.meeting is None and current is None:
            messages.insert(0, "Nothing can be booked: the child has no open case")
        elif self.meeting is None and MeetingType(current) not in bookable_types(
            self.detail, proposal.day
        ):
            messages.append(
                f"{self.detail.name} has no open case for a {meeting_label(current)} on "
                f"{uk(proposal.day)}"
            )
        # A date or time typed that is not one: the checks are of the value the box still
        # holds, so they wait (they said "✓ In time, a working day" beside "⚠ not a date").
        wrong = [m for box in (self.date, self.time) if (m := box.wrong_entry_message())]
        if wrong:
            messages = wrong
        self.messages = messages
        if self.blocked:
            self.warnings.setText(
                f"⚠ You are looking at the register as of {uk(self.ctx.as_of)}: go back to "
                "today (View > As-of date) to book."
            )
            self.warnings.setProperty("role", "warning")
        elif messages:
            self.warnings.setText("\n".join(f"⚠ {m}" for m in messages))
            self.warnings.setProperty("role", "warning")
        else:
            self.warnings.setText(self.all_clear())
            self.warnings.setProperty("role", "ok")
        self.warnings.style().unpolish(self.warnings)
        self.warnings.style().polish(self.warnings)
        self._show_slot_in_boxes()

    def _slot_in_boxes(self) -> int | None:
        """The row of the listed slot the boxes hold; None when they hold none (or a date or
        time typed that is not one)."""
        if any(box.wrong_entry_message() for box in (self.date, self.time)):
            return None
        proposal = self.proposal()
        for row in range(self.slots.count()):
            slot = self.slots.item(row).data(Qt.ItemDataRole.UserRole)
            if isinstance(slot, Booking) and _same_slot(slot, proposal):
                return row
        return None

    def _show_slot_in_boxes(self) -> None:
        """The list's choice follows the boxes: the slot they hold, or none."""
        if self._following_boxes:
            return
        row = self._slot_in_boxes()
        self._following_boxes = True
        try:
            if row is None:
                # The view's own setCurrentIndex, so that Tab into the list leaves it with
                # no slot rather than putting it on the first (and taking that).
                self.slots.setCurrentIndex(QModelIndex())
                self.slots.clearSelection()
            else:
                self.slots.setCurrentRow(row)
        finally:
            self._following_boxes = False

    def _slot_moved_to(self, item: QListWidgetItem | None, _previous: object = None) -> None:
        """Moving along the list (the arrows, a click) takes the slot into the boxes."""
        if self._following_boxes or item is None:
            return
        slot = item.data(Qt.ItemDataRole.UserRole)
        if isinstance(slot, Booking):
            self._place(slot)

    def all_clear(self) -> str:
        """What is true of a booking with no warnings: only the chair, room and clerk
        chosen were checked as free ("No room" is not a free room), and those left unchosen
        are named, as the Book button will ask about them."""
        chosen, missing = [], []
        for what, combo in (("chair", self.chair), ("room", self.room), ("clerk", self.clerk)):
            (chosen if combo.currentData() is not None else missing).append(what)
        text = "✓ In time, a working day"
        if chosen:
            text += f", and the {_listed(chosen, 'and')} {'is' if len(chosen) == 1 else 'are'} free"
        text += "."
        if missing:
            text += f" No {_listed(missing, 'or')} chosen yet."
        return text

    def _place(self, slot: Booking) -> None:
        """The slot's date and time into the boxes (the list's choice follows once both are
        in, not between the two)."""
        self._following_boxes = True
        try:
            self.date.setDate(slot.day)
            if slot.start is not None:
                self.time.setTime(QTime(slot.start.hour, slot.start.minute))
        finally:
            self._following_boxes = False
        self._show_slot_in_boxes()

    def _use_slot(self, item: QListWidgetItem) -> None:
        """A slot taken from the list (Enter or double-click): the date and time are set and
        the list stays as it is; the next field to fill (or the Book button) has the focus."""
        slot = item.data(Qt.ItemDataRole.UserRole)
        if not isinstance(slot, Booking):
            return
        self._place(slot)
        if self.room.currentData() is None:
            self.room.setFocus(Qt.FocusReason.OtherFocusReason)
        elif self.meeting is not None and self.reason.currentData() is None:
            self.reason.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.book_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter presses the button that has the focus, and nothing else: a field or the
        list of slots never books."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            focused = self.focusWidget()
            if isinstance(focused, QPushButton) and focused.isEnabled():
                focused.click()
            return
        super().keyPressEvent(event)

    # --- saving ---------------------------------------------------------------------------
    def confirmations(self) -> list[str]:
        """What the person is asked to confirm before booking: the warnings, and a room or
        clerk left unchosen."""
        extra = []
        if self.room.currentData() is None:
            extra.append("No room is chosen")
        if self.clerk.currentData() is None:
            extra.append("No clerk is chosen")
        return [*self.messages, *extra]

    def save(self) -> None:
        if self.blocked or refuse_wrong_entries(self):
            return
        reason = reason_text(self.reason, self.reason_note)
        if self.meeting is not None and not reason:
            prompts().error(self, "Give a reason for rescheduling the meeting.")
            self.reason.setFocus()
            return
        if self.meeting is None and self.meeting_type.currentData() is None:
            prompts().error(self, "Nothing can be booked: the child has no open case.")
            return
        self.update_checks()
        asks = self.confirmations()
        if asks:
            verb = "Reschedule" if self.meeting is not None else "Book"
            question = "\n".join(f"• {m}" for m in asks) + f"\n\n{verb} it anyway?"
            if not prompts().confirm(self, question, default_no=True):
                return
        proposal = self.proposal()
        if self.meeting is None:
            mtype = MeetingType(self.meeting_type.currentData())
            period_id, plan_id = booking_links(self.detail, self.ctx.as_of, mtype)
            changes = perform(
                self,
                self.ctx,
                book_meeting,
                self.detail.id,
                mtype,
                proposal,
                period_id=period_id,
                plan_id=plan_id,
            )
        else:
            changes = perform(
                self,
                self.ctx,
                reschedule_meeting,
                self.meeting.id,
                proposal,
                reason,
                expected_version=self.meeting.version,
            )
        if changes is None:
            return
        self.result_meeting_id = changes.result
        self.accept()
