"""Record what happened at a meeting: when it was held (perhaps in parts), the child's
participation, quorum, outcome, why it was late, reports, decisions and minutes, and who
attended. The next meeting's due date is shown as soon as the held date is entered."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reviewdesk import queries
from reviewdesk.actions import Outcome, ReportUpdate, record_outcome
from reviewdesk.codes import (
    CP_CATEGORY,
    INITIAL_CONFERENCES,
    MEETING_OUTCOMES,
    PARTICIPATION,
    MeetingType,
    agency_label,
)
from reviewdesk.invitations.details import meeting_invitees
from reviewdesk.oversight.words import starts_plan
from reviewdesk.queries import ChildDetail, MeetingInfo
from reviewdesk.vocabulary import age_on, format_uk_long, open_on
from reviewdesk.vocabulary import format_uk as uk
from ui.context import AppContext
from ui.dialogs import (
    DateOrNone,
    FormDialog,
    choice,
    date_edit,
    from_qdate,
    refuse_wrong_entries,
)
from ui.dialogs.attendance import AttendanceList, save_attendance
from ui.duedates import DueItem, after_held, next_due_after_held
from ui.operations import perform
from ui.prompts import prompts
from ui.screen import FocusScrollArea, fit

#: The Alt+keys of the reports' tick boxes, in turn (each its own text): the digits, then
#: the letters nothing else in the dialog claims. A report past them is reached with Tab.
_REPORT_KEYS = "1234567890abefijklvxyz"


def _key(keys) -> str:  # noqa: ANN001 - an iterator of str
    """The next report tick box's text: its Alt+key, or none when they have run out."""
    return f"&{next(keys, '')}".rstrip("&")


class RecordingDialog(FormDialog):
    def __init__(
        self,
        ctx: AppContext,
        detail: ChildDetail,
        meeting: MeetingInfo,
        *,
        dues: list[DueItem] | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.detail = detail
        self.meeting = meeting
        self.due = next((d for d in dues or [] if d.meeting_id == meeting.id), None)
        self.setWindowTitle(f"Record {meeting.label} — {detail.name}")
        held_default = min(meeting.held_date or meeting.booked_date or ctx.as_of, ctx.as_of)

        with ctx.db.session() as s:
            reasons = queries.late_reasons(s)
            invitees = meeting_invitees(s, meeting.id)

        self.held = date_edit(meeting.parts[0] if meeting.parts else held_default, "Held date")
        self.two_parts = QCheckBox("Held in t&wo parts")
        self.two_parts.setAccessibleName("Held in two parts")
        self.second_part = date_edit(held_default, "Second part held on")
        if len(meeting.parts) > 1:
            self.two_parts.setChecked(True)
            self.second_part.setDate(meeting.parts[-1])
        self.second_part.setEnabled(self.two_parts.isChecked())
        self.two_parts.toggled.connect(self.second_part.setEnabled)
        self.participation = QComboBox()
        self.participation.setAccessibleName("Participation code")
        self._codes_for: bool | None = None  # under 4 (PN0 only), 4 and over, or not known
        self._fill_participation(meeting.participation)
        self.quorate = QCheckBox("&Quorate")
        self.quorate.setAccessibleName("Quorate")
        self.quorate.setChecked(meeting.quorate is not False)
        # Chosen, never typed, and never chosen for the person: it opened on "Plan made"
        # (the list's first), so Enter twice started a CP plan nobody decided on, and "Plan
        # endd" typed was saved and ended nothing. (`record_outcome` refuses the same.)
        self.outcome = QComboBox()
        self.outcome.setAccessibleName("Outcome")
        self.outcome.addItem("Choose…" if meeting.process == "cp" else "Not recorded", None)
        for words in MEETING_OUTCOMES.get(meeting.process, ()):
            self.outcome.addItem(words, words)
        if meeting.outcome and self.outcome.findData(meeting.outcome) < 0:
            self.outcome.addItem(meeting.outcome, meeting.outcome)  # (an import's words)
        self.outcome.setCurrentIndex(max(self.outcome.findData(meeting.outcome), 0))
        # An initial conference that makes a plan starts it (`record_outcome`): the
        # category of abuse it decided, and what that starts.
        self.category = QComboBox()
        self.category.setAccessibleName("Category of abuse")
        self.category.addItem("Not recorded yet (the CIN census brings it)", None)
        for code, words in CP_CATEGORY.items():
            self.category.addItem(f"{words} ({code})", code)
        self.plan_note = QLabel()
        self.plan_note.setWordWrap(True)
        self.plan_note.setProperty("role", "hint")
        self.outcome.currentTextChanged.connect(self._plan_shown)
        self.outcome.currentTextChanged.connect(lambda _text: self.update_derived())
        self.late = QCheckBox("Out of &timescale")
        self.late.setAccessibleName("Out of timescale")
        self.late_reason = choice(reasons, "Reason it was out of timescale", none_text="Choose…")
        self.late_note = QLineEdit()
        self.late_note.setAccessibleName("Note on the reason")
        self.late_note.setPlaceholderText("Optional note")
        self.decisions = DateOrNone(meeting.decisions_issued, held_default, "Decisions issued")
        self.minutes = DateOrNone(meeting.minutes_distributed, held_default, "Minutes issued")
        self.after_due = QLabel()  # when the decisions and minutes are due, from the held date
        self.after_due.setAccessibleName("Decisions and minutes due")
        self.after_due.setWordWrap(True)
        self.after_due.setProperty("role", "hint")
        self.timescale = QLabel()
        self.timescale.setWordWrap(True)
        self.day_note = QLabel()
        self.day_note.setWordWrap(True)
        self.day_note.setProperty("role", "warning")
        self.day_note.setAccessibleName("Is the held date a working day?")
        self.next_due = QLabel()
        self.next_due.setAccessibleName("Next meeting due")
        self.next_due.setWordWrap(True)
        self.next_due.setProperty("role", "subtitle")

        held_row = QHBoxLayout()
        held_row.addWidget(self.held, 1)
        held_row.addWidget(self.two_parts)
        held_row.addWidget(self.second_part, 1)
        form = QFormLayout()
        held_label = QLabel("&Held on")
        held_label.setBuddy(self.held)  # Alt+H (a label of a row of boxes needs its buddy)
        form.addRow(held_label, held_row)
        form.addRow("", self.day_note)
        form.addRow("", self.timescale)
        if meeting.process == "lac":
            form.addRow("&Participation", self.participation)
        if meeting.process == "cp":  # quoracy is a conference's; a LAC review has none
            form.addRow("", self.quorate)
        else:
            self.quorate.setParent(self)
            self.quorate.hide()
        form.addRow("&Outcome", self.outcome)
        if MeetingType(meeting.meeting_type) in INITIAL_CONFERENCES:
            form.addRow("Cate&gory of abuse", self.category)
            form.addRow("", self.plan_note)
            self._plan_shown()
        else:
            for widget in (self.category, self.plan_note):
                widget.setParent(self)
                widget.hide()
        form.addRow("", self.late)
        form.addRow("&Reason", self.late_reason)
        form.addRow("&Note", self.late_note)
        form.addRow("&Decisions issued", self.decisions)
        form.addRow("&Minutes issued", self.minutes)
        form.addRow("", self.after_due)

        #: (report, the received and shared dates, as shown)
        self.report_rows: list[tuple[object, DateOrNone, DateOrNone]] = []
        reports_box = QGroupBox("Reports")
        grid = QGridLayout(reports_box)
        if meeting.reports:
            grid.addWidget(QLabel("<b>From</b>"), 0, 0)
            grid.addWidget(QLabel("<b>Received</b>"), 0, 1)
            grid.addWidget(QLabel("<b>Shared with parents</b>"), 0, 2)
            keys = iter(_REPORT_KEYS)
            for n, r in enumerate(meeting.reports, start=1):
                received = DateOrNone(
                    r.received, held_default, f"{r.author} report received", _key(keys)
                )
                shared = DateOrNone(
                    r.shared_with_parents,
                    held_default,
                    f"{r.author} report shared with parents",
                    _key(keys),
                )
                # The agency in the core's words (`codes.agency_label`), as flags and letters say.
                grid.addWidget(QLabel(f"{r.author} ({agency_label(r.agency)})"), n, 0)
                grid.addWidget(received, n, 1)
                grid.addWidget(shared, n, 2)
                self.report_rows.append((r, received, shared))
        else:
            empty = QLabel("No reports are listed for this meeting.")
            empty.setProperty("role", "hint")
            grid.addWidget(empty, 0, 0)

        # Who came: saved with the outcome (each invitee changed, after it).
        self.attendance = AttendanceList()
        self.attendance.set_invitees(invitees)
        attendance_box = QGroupBox("Attendance")
        attendance_layout = QVBoxLayout(attendance_box)
        self.unrecorded_attended_button = QPushButton("Mark the &unrecorded as attended")
        self.unrecorded_attended_button.setAccessibleName(
            "Choose Attended for everyone whose attendance is not recorded"
        )
        self.unrecorded_attended_button.setAutoDefault(False)  # Enter saves, as before
        self.unrecorded_attended_button.clicked.connect(self.attendance.mark_unrecorded_attended)
        if invitees:
            attendance_layout.addWidget(self.attendance)
            row = QHBoxLayout()
            row.addWidget(self.unrecorded_attended_button)
            row.addStretch(1)
            attendance_layout.addLayout(row)
        else:
            self.unrecorded_attended_button.hide()
            empty = QLabel(
                "No one is on the invitation list: invite them in Invitations and reports "
                "(Alt+N on the child's page)."
            )
            empty.setWordWrap(True)
            empty.setProperty("role", "hint")
            attendance_layout.addWidget(empty)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        # Alt+S saves: the standard Save has no key of its own here, and Alt+S in the
        # outcome box typed an "s" into it instead (Esc closes without saving).
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("&Save")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)

        # The fields scroll when the screen is too small for them all (a low laptop screen,
        # large text); the buttons stay in view.
        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        body_layout.addLayout(form)
        body_layout.addWidget(reports_box)
        body_layout.addWidget(attendance_box)
        body_layout.addWidget(self.next_due)
        scroll = FocusScrollArea()  # the dialog opens on the held date
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(buttons)

        self.held.dateChanged.connect(lambda *_: self.update_derived())
        self.second_part.dateChanged.connect(lambda *_: self.update_derived())
        self.two_parts.toggled.connect(lambda *_: self.update_derived())
        self.late.toggled.connect(lambda *_: self._late_enabled())
        if meeting.late_reason:
            self.late.setChecked(True)
            index = self.late_reason.findText(meeting.late_reason)
            self.late_reason.setCurrentIndex(max(index, 0))
        self.update_derived()
        body.adjustSize()
        fit(self, 660, body.sizeHint().height() + buttons.sizeHint().height() + 40)

    def held_dates(self) -> list[dt.date]:
        parts = [from_qdate(self.held.date())]
        if self.two_parts.isChecked():
            parts.append(from_qdate(self.second_part.date()))
        return sorted(parts)

    def _fill_participation(self, keep: str | None) -> None:
        """The codes that fit the child's age on the held date: PN0 under 4, PN1-PN7 from
        4 (903 REVIEW_CODE); every code when the date of birth is not known."""
        dob = self.detail.dob
        under4 = age_on(dob, self.held_dates()[-1]) < 4 if dob and hasattr(self, "held") else None
        if under4 == self._codes_for and self.participation.count():
            return
        self._codes_for = under4
        self.participation.blockSignals(True)
        self.participation.clear()
        self.participation.addItem("Not recorded", None)
        for code, text in PARTICIPATION.items():
            if under4 is None or (code == "PN0") == under4:
                self.participation.addItem(f"{code} — {text}", code)
        self.participation.setCurrentIndex(max(self.participation.findData(keep), 0))
        self.participation.blockSignals(False)

    def held_on_a_working_day(self) -> str:
        """Empty, or why a held date is not a working day ("Sunday", "Good Friday")."""
        reasons = []
        for day in self.held_dates():
            if not self.ctx.calendar.is_working_day(day):
                why = self.ctx.calendar.non_working_reason(day) or "not a working day"
                reasons.append(f"{format_uk_long(day)} is not a working day ({why})")
        return "; ".join(reasons)

    def update_derived(self) -> None:
        held = self.held_dates()[-1]
        for box in (self.decisions, self.minutes, *(d for _r, *ds in self.report_rows for d in ds)):
            box.follow(held)
        self._fill_participation(self.participation.currentData())
        off = self.held_on_a_working_day()
        self.day_note.setText(f"⚠ {off}: check the date." if off else "")
        self.day_note.setVisible(bool(off))
        if self.due is not None:
            late = held > self.due.due
            self.late.setChecked(late)
            self.late.setEnabled(False)
            self.timescale.setText(
                f"Due {uk(self.due.due)}: "
                + ("out of timescale — give the reason" if late else "in timescale")
            )
            self.timescale.setProperty("role", "warning" if late else "ok")
        else:
            self.late.setEnabled(True)
            self.timescale.setText(
                "The record does not say what started this meeting's clock, so no due date: "
                "tick 'Out of timescale' if it was late."
            )
            self.timescale.setProperty("role", "hint")
        self.timescale.style().unpolish(self.timescale)
        self.timescale.style().polish(self.timescale)
        self._late_enabled()
        after = after_held(self.ctx, self.meeting.meeting_type, held)
        text = "; ".join(a.text for a in after)
        self.after_due.setText(text[:1].upper() + text[1:])
        self.after_due.setVisible(bool(after))
        nxt = next_due_after_held(self.ctx, self.detail, self.meeting.id, held)
        if (
            nxt is None
            and self.meeting.process == "cp"
            and not any(open_on(p.start, p.end, held) for p in self.detail.plans)
        ):
            # A review conference counts from the child's plan, none open on the day held:
            # "Plan made" at an initial conference starts one when saved (`record_outcome`).
            # It said "the case closes or has no clock" after "Plan made".
            if MeetingType(self.meeting.meeting_type) in INITIAL_CONFERENCES and starts_plan(
                self.outcome.currentData()
            ):
                self.next_due.setText(
                    "Next meeting due: the 1st review CP conference, counted from the plan "
                    "this outcome starts on the day held (its date shows once saved)."
                )
            else:
                self.next_due.setText(
                    "Next meeting due: none. A review conference is counted from the child's "
                    "CP plan, and no plan is open on this date ('Plan made' at an initial "
                    "conference starts one)."
                )
        elif nxt is None:
            self.next_due.setText("Next meeting due: none (the case closes or has no clock)")
        else:
            self.next_due.setText(f"Next meeting due: {uk(nxt.due)} ({nxt.label})")
            self.next_due.setToolTip(nxt.explanation)

    def _late_enabled(self) -> None:
        late = self.late.isChecked()
        self.late_reason.setEnabled(late)
        self.late_note.setEnabled(late)

    def _plan_shown(self) -> None:
        """The category only for a plan made, and what recording it will start."""
        made = starts_plan(self.outcome.currentData())
        self.category.setEnabled(made)
        self.plan_note.setText(
            "Saving starts the child's CP plan on the day held: the first review conference "
            "is due within 3 months."
            if made
            else ""
        )
        self.plan_note.setVisible(made)

    def outcome_value(self) -> Outcome:
        late = self.late.isChecked()
        return Outcome(
            parts=self.held_dates(),
            participation=self.participation.currentData()
            if self.meeting.process == "lac"
            else None,
            quorate=self.quorate.isChecked() if self.meeting.process == "cp" else None,
            outcome=self.outcome.currentData(),
            category=self.category.currentData()
            if starts_plan(self.outcome.currentData())
            else None,
            late_reason_id=self.late_reason.currentData() if late else None,
            late_reason_note=self.late_note.text().strip() or None if late else None,
            decisions_issued=self.decisions.value(),
            minutes_distributed=self.minutes.value(),
            # Only the reports the person changed: a report someone else recorded meanwhile
            # is neither overwritten nor a reason to refuse this save.
            reports=[
                ReportUpdate(r.id, received.value(), shared.value(), r.version)
                for r, received, shared in self.report_rows
                if (received.value(), shared.value()) != (r.received, r.shared_with_parents)
            ],
        )

    def save(self) -> None:
        if refuse_wrong_entries(self):
            return
        off = self.held_on_a_working_day()
        if off and not prompts().confirm(
            self, f"{off}.\n\nSave the meeting as held then anyway?", default_no=True
        ):
            self.held.setFocus()
            return
        changes = perform(
            self,
            self.ctx,
            record_outcome,
            self.meeting.id,
            self.outcome_value(),
            late=self.late.isChecked(),
            as_of=self.ctx.as_of,
            expected_version=self.meeting.version,
            on_refused=self._to_field_at_fault,
        )
        if changes is None:
            return
        attended = self.attendance.changed()
        if attended and not save_attendance(self, self.ctx, self.meeting.id, attended):
            prompts().info(
                self,
                "The outcome was saved, but not the attendance. Record it in the meeting's "
                "Invitations and reports (Attendance tab).",
            )
        self.accept()

    def _to_field_at_fault(self, refusal: Exception) -> None:
        """The keyboard on the field a refusal names ("reason: the meeting was out of
        timescale, so give the reason"), as the booking and cancel dialogs do, so the
        person can put it right at once."""
        fields: dict[str, QWidget] = {
            "held date": self.held,
            "participation": self.participation,
            "reason": self.late_reason,
            "outcome": self.outcome,
            "decisions issued": self.decisions.edit,
            "minutes issued": self.minutes.edit,
        }
        named = str(refusal).split(":", 1)[0].strip()
        field = fields.get(named)
        if field is not None and field.isEnabled():
            field.setFocus()
