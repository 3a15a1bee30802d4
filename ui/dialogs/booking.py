"""Book, or reschedule, a meeting: date, time, room, chair and clerk, checked as you type
against the due date, the working-day calendar and the other bookings."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, QTime
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from reviewdesk import queries
from reviewdesk.actions import book_meeting, reschedule_meeting
from reviewdesk.codes import MeetingType
from reviewdesk.queries import ChildDetail, MeetingInfo
from reviewdesk.scheduling import (
    Booking,
    BookingCheck,
    booking_links,
    check_booking,
    default_chair,
    next_free_slots,
    next_meeting_type,
)
from reviewdesk.vocabulary import format_uk as uk
from ui.context import AppContext
from ui.dialogs import choice, date_edit, from_qdate, select_data
from ui.duedates import DueItem
from ui.operations import perform
from ui.prompts import prompts


class BookingDialog(QDialog):
    def __init__(
        self,
        ctx: AppContext,
        detail: ChildDetail,
        *,
        dues: list[DueItem] | None,
        meeting: MeetingInfo | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.detail = detail
        self.meeting = meeting
        self.dues = dues
        self.result_meeting_id: int | None = None
        self.check_result: BookingCheck | None = None
        self.messages: list[str] = []
        rescheduling = meeting is not None
        self.setWindowTitle(f"{'Reschedule' if rescheduling else 'Book'} meeting — {detail.name}")
        self.setMinimumWidth(560)

        with ctx.db.session() as s:
            chair_items = queries.chairs(s)
            clerk_items = queries.clerks(s)
            room_items = queries.rooms(s)

        self.meeting_type = QComboBox()
        self.meeting_type.setAccessibleName("Meeting type")
        for mt in MeetingType:
            self.meeting_type.addItem(mt.label, mt.value)
        self.date = date_edit(ctx.as_of, "Meeting date")
        self.time = QTimeEdit(QTime(9, 30))
        self.time.setDisplayFormat("HH:mm")
        self.time.setAccessibleName("Start time")
        self.duration = QSpinBox()
        self.duration.setRange(15, 480)
        self.duration.setSingleStep(15)
        self.duration.setValue(90)
        self.duration.setSuffix(" minutes")
        self.duration.setAccessibleName("Length of the meeting")
        self.room = choice(room_items, "Room", none_text="No room (virtual or to be arranged)")
        self.chair = choice(chair_items, "Chair", none_text="Chair not yet allocated")
        self.clerk = choice(clerk_items, "Clerk", none_text="No clerk")
        self.reason = QLineEdit()
        self.reason.setAccessibleName("Reason for rescheduling")
        self.reason.setPlaceholderText("Why is the meeting moving?")

        self.due_label = QLabel()
        self.due_label.setAccessibleName("Due date")
        self.book_by_label = QLabel()
        self.book_by_label.setAccessibleName("Latest working day to book by")
        self.warnings = QLabel()
        self.warnings.setProperty("role", "warning")
        self.warnings.setWordWrap(True)
        self.warnings.setAccessibleName("Warnings about this booking")
        self.slots = QListWidget()
        self.slots.setAccessibleName("Next free slots before the deadline")
        self.slots.setMaximumHeight(120)
        self.slots.itemActivated.connect(self._use_slot)
        self.slots.itemDoubleClicked.connect(self._use_slot)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        if not rescheduling:
            form.addRow("Meeting", self.meeting_type)
        form.addRow("Due", self.due_label)
        form.addRow("Book by", self.book_by_label)
        form.addRow("Date", self.date)
        form.addRow("Time", self.time)
        form.addRow("Length", self.duration)
        form.addRow("Venue and room", self.room)
        form.addRow("Chair", self.chair)
        form.addRow("Clerk", self.clerk)
        if rescheduling:
            form.addRow("Reason", self.reason)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            "Reschedule" if rescheduling else "Book"
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.warnings)
        self.slots_title = QLabel("Next free slots before the deadline (double-click to use):")
        layout.addWidget(self.slots_title)
        layout.addWidget(self.slots)
        layout.addWidget(self.buttons)

        self._prefill()
        for signal in (
            self.meeting_type.currentIndexChanged,
            self.date.dateChanged,
            self.time.timeChanged,
            self.duration.valueChanged,
            self.room.currentIndexChanged,
            self.chair.currentIndexChanged,
            self.clerk.currentIndexChanged,
        ):
            signal.connect(lambda *_: self.update_checks())
        self.update_checks()

    # --- pre-filling ----------------------------------------------------------------------
    def _prefill(self) -> None:
        m = self.meeting
        as_of = self.ctx.as_of
        if m is not None:
            select_data(self.meeting_type, m.meeting_type)
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
        select_data(self.chair, default_chair(self.detail, as_of, meeting_type))
        due = self.due_item()
        start = self.ctx.calendar.on_or_after(as_of + dt.timedelta(days=1))
        if due is not None and due.book_by is not None and due.book_by >= start:
            self.date.setDate(due.book_by)
        else:
            self.date.setDate(start)

    def due_item(self) -> DueItem | None:
        """The due date this booking is for: the meeting's own, else the next unbooked one."""
        if not self.dues:
            return None
        if self.meeting is not None:
            own = next((d for d in self.dues if d.meeting_id == self.meeting.id), None)
            if own is not None:
                return own
        process = MeetingType(self.meeting_type.currentData()).process.value
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
            slots: list[Booking] = []
            if due is not None and check.book_by is not None:
                slots = next_free_slots(
                    s,
                    proposal,
                    calendar=self.ctx.calendar,
                    start=self.ctx.as_of,
                    deadline=check.book_by,
                )
        if due is None:
            self.due_label.setText("no due date for this meeting in the child's record")
            self.book_by_label.setText("—")
            self.due_label.setToolTip("")
        else:
            self.due_label.setText(f"{uk(due.due)} ({due.label})")
            self.due_label.setToolTip(due.explanation)
            self.book_by_label.setText(uk(check.book_by))
        messages = [w.message for w in check.warnings]
        if self.meeting is None and due is not None and due.meeting_id is not None:
            booked = next((m for m in self.detail.meetings if m.id == due.meeting_id), None)
            when = uk(booked.booked_date) if booked and booked.booked_date else "a date"
            messages.insert(0, f"{due.label} is already booked for {when}")
        self.messages = messages
        if messages:
            self.warnings.setText("\n".join(f"⚠ {m}" for m in messages))
            self.warnings.setProperty("role", "warning")
        else:
            self.warnings.setText("✓ In time, a working day, and chair, room and clerk are free.")
            self.warnings.setProperty("role", "ok")
        self.warnings.style().unpolish(self.warnings)
        self.warnings.style().polish(self.warnings)
        self.slots.clear()
        visible = due is not None
        self.slots_title.setVisible(visible)
        self.slots.setVisible(visible)
        for slot in slots:
            item = QListWidgetItem(
                f"{slot.day.strftime('%a')} {uk(slot.day)} at {slot.start:%H:%M}"
            )
            item.setData(Qt.ItemDataRole.UserRole, slot)
            self.slots.addItem(item)
        if visible and not slots:
            self.slots.addItem("No free slot for this chair, room and clerk before the deadline")

    def _use_slot(self, item: QListWidgetItem) -> None:
        slot = item.data(Qt.ItemDataRole.UserRole)
        if isinstance(slot, Booking):
            self.date.setDate(slot.day)
            self.time.setTime(QTime(slot.start.hour, slot.start.minute))

    # --- saving ---------------------------------------------------------------------------
    def save(self) -> None:
        if self.meeting is not None and not self.reason.text().strip():
            prompts().error(self, "Give a reason for rescheduling the meeting.")
            return
        self.update_checks()
        if self.messages:
            question = "\n".join(self.messages) + "\n\nBook it anyway?"
            if not prompts().confirm(self, question):
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
                self.reason.text(),
                expected_version=self.meeting.version,
            )
        if changes is None:
            return
        self.result_meeting_id = changes.result
        self.accept()
