"""One meeting's invitations, reports and pack, in three tabs.

- Invitations: the list proposed by the council's rules (ticked, to invite at once), anyone
  else from the family, the directory or by name, the Outlook meeting request (``.ics``)
  and the family's letters; the date each invitation went is shown.
- Reports: the reports due with their deadlines, request letters or an email draft, the
  received PDF attached, and the dates received and shared with the family.
- Pack: print it (cover, agenda, invitees, then the reports themselves) and record whom it
  went to.
- Attendance: who attended, sent apologies or did not attend (an administrator, or the IRO
  chairing the meeting; anyone else reads it).

Every change is an action (`reviewdesk.actions`); sending writes the file and records the
date in one step, so a file that could not be written leaves nothing recorded.
"""

from __future__ import annotations

import datetime as dt
import os
import re

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from reviewdesk import actions
from reviewdesk.codes import (
    AGENCY,
    ATTENDANCE_WORDS,
    PACK_DELIVERY,
    MeetingStatus,
    agency_label,
)
from reviewdesk.errors import InvalidInput
from reviewdesk.invitations.details import (
    InviteeInfo,
    MeetingInvitations,
    ReportDueInfo,
    child_people,
    directory,
    meeting_invitations,
)
from reviewdesk.invitations.pdfcheck import read_report_file
from reviewdesk.invitations.proposal import Proposal, propose
from reviewdesk.paths import documents_dir
from reviewdesk.queries import ChildDetail
from reviewdesk.settings import get_setting
from reviewdesk.vocabulary import CALLED_OFF_STATUSES, format_uk
from ui.column_widths import Column
from ui.context import AppContext
from ui.dialogs import (
    DateOrNone,
    FormDialog,
    date_edit,
    finding_list,
    from_qdate,
    typed_choice,
)
from ui.dialogs.attendance import AttendanceList, save_attendance
from ui.dialogs.screen_fit import Pair, fit_to_screen, scrolling
from ui.dialogs.tables import FittedRecordTable, RecordTable
from ui.errors import refusal_message
from ui.operations import perform
from ui.prompts import prompts


def real_today() -> dt.date:
    """The day it really is: invitations, requests, receipts and packs sent record when they
    happened, not the as-of date the window shows (tests fix it, so a run that passes
    midnight records the day it expects)."""
    return dt.date.today()


def _tickable(box: QListWidget, may: bool) -> None:
    """Let the ticks in ``box`` be changed only by someone whose change could be saved (the
    list stays readable, and scrolls, for anyone)."""
    tick = Qt.ItemFlag.ItemIsUserCheckable
    for i in range(box.count()):
        item = box.item(i)
        if item.data(Qt.ItemDataRole.UserRole) is not None:  # not the "everyone is…" line
            item.setFlags(item.flags() | tick if may else item.flags() & ~tick)


def _date_entry(box: DateOrNone) -> tuple[bool, QDate, str | None]:
    """What a tick box and its date hold, to compare with how they were filled and to put
    back (`_put_date`): the tick, the date, and a date typed wrong (still in the box)."""
    return (box.check.isChecked(), box.edit.date(), box.edit.wrong_typed)


def _put_date(box: DateOrNone, entry: tuple[bool, QDate, str | None]) -> None:
    ticked, day, wrong = entry
    box.edit.setDate(day)
    box.check.setChecked(ticked)
    if wrong is not None:
        box.edit.put_back_wrong(wrong)


def _uk(day: dt.date | None) -> str:
    return format_uk(day) if day else ""


def _button(text: str, accessible: str, slot) -> QPushButton:
    button = QPushButton(text)
    button.setAccessibleName(accessible)
    button.clicked.connect(slot)
    return button


def _details_line(name: str) -> QLabel:
    """A line under a list giving the chosen row's every detail, in words the keyboard can
    reach (a column that gave way for room, or a cell cut short, is whole here)."""
    line = QLabel()
    line.setWordWrap(True)
    line.setProperty("role", "hint")
    line.setAccessibleName(name)
    line.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return line


def _label(text: str, buddy: QWidget) -> QLabel:
    """A label whose Alt+letter takes the keyboard to ``buddy``."""
    label = QLabel(text)
    label.setBuddy(buddy)
    # As wide as its words: the room in a row is the boxes'.
    label.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Preferred)
    return label


def _row(*widgets: QWidget, stretch: bool = True) -> QHBoxLayout:
    row = QHBoxLayout()
    for widget in widgets:
        row.addWidget(widget)
    if stretch:
        row.addStretch(1)
    return row


def _checklist(name: str) -> QListWidget:
    """A list of lines to tick, each wrapped to the list's width: a person's line carries
    the rule's reason for inviting them ("Father (Parents and those with parental
    responsibility)"), which was cut off, whole only in a tooltip the keyboard cannot reach."""
    box = QListWidget()
    box.setAccessibleName(name)
    box.setWordWrap(True)
    box.setTextElideMode(Qt.TextElideMode.ElideNone)
    box.setResizeMode(QListView.ResizeMode.Adjust)  # wrapped again when the dialog resizes
    box.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return box


def _ticked(box: QListWidget) -> list:
    return [
        box.item(i).data(Qt.ItemDataRole.UserRole)
        for i in range(box.count())
        if box.item(i).checkState() == Qt.CheckState.Checked
    ]


#: The invitation list's columns: fitted to the table (names, roles and emails share the
#: room left), and when even that is too narrow (1366x768 at 200%) the needs, then the
#: attendance, then the email give way, shown whole in the details line and each row's tip.
INVITEE_COLUMNS = (
    ("Name", Column("Małgorzata Brontë", share=3)),
    ("Role", Column("Social worker", share=2)),
    ("Sent as", Column("Meeting request")),
    ("Invited on", Column("00/00/0000")),
    ("Email", Column("ppu@police.example", share=3, drop=1)),
    ("Needs", Column(share=2, drop=3)),
    ("Attendance", Column("Sent apologies", drop=2)),
)


#: The reports' columns, fitted the same way: the file, then the date shared with the
#: family, then the date requested give way when too narrow (whole in the details line).
REPORT_COLUMNS = (
    ("From", Column("Dr Ann Patel", share=3)),
    ("Agency", Column("Social worker", share=2)),
    ("Due", Column("00/00/0000")),
    ("Requested", Column("00/00/0000", drop=1)),
    ("Received", Column("00/00/0000")),
    ("Shared", Column("00/00/0000", drop=2)),
    ("File", Column(share=2, drop=3)),
    ("Status", Column("Received late")),
)


def report_details(r: ReportDueInfo, as_of: dt.date) -> str:
    """Everything the reports' list says of one report, in one line."""
    return " · ".join(
        (
            f"{r.author}, {r.agency_words}" if r.agency_words else r.author,
            f"{r.status(as_of)}, due {_uk(r.due) or 'no date'}",
            f"Requested: {_uk(r.requested_on) or 'not yet'}",
            f"Received: {_uk(r.received) or 'not yet'}",
            f"Shared with the family: {_uk(r.shared_with_parents) or 'not yet'}",
            f"File: {f'{r.file.name} ({r.file.pages} pages)' if r.file else 'none attached'}",
        )
    )


def _gave_way(table: FittedRecordTable, columns) -> str:
    """' (the needs and attendance too: …)' when columns gave way for room, else ''."""
    hidden = [columns[c][0].lower() for c in table.columns_hidden()]
    if not hidden:
        return ""
    if len(hidden) == 1:
        return f" (the {hidden[0]} too: no room for it in the list at this size)"
    words = f"{', '.join(hidden[:-1])} and {hidden[-1]}"
    return f" (the {words} too: no room for them in the list at this size)"


def invitee_needs(inv: InviteeInfo) -> str:
    """What a person needs to take part, and whether they are excluded from part: "Interpreter:
    Polish · excluded from part", or "excluded from part" alone (not " · excluded from part",
    as the list read for a father with no needs recorded)."""
    excluded = "excluded from part" if inv.excluded_from_part else ""
    return " · ".join(part for part in (inv.needs, excluded) if part)


def invitee_details(inv: InviteeInfo) -> str:
    """Everything the invitation list says of one person, in one line."""
    sent = (inv.sent_by or inv.how).capitalize()
    when = f"invited on {_uk(inv.invited_on)}" if inv.invited_on else "not invited yet"
    needs = invitee_needs(inv)
    return " · ".join(
        (
            f"{inv.name}, {inv.role}" if inv.role else inv.name,
            f"{sent}, {when}",
            f"Email: {inv.email or 'none'}",
            f"Needs: {needs or 'none recorded'}",
            "Attendance: "
            + (ATTENDANCE_WORDS.get(inv.attendance, inv.attendance) or "not recorded yet"),
        )
    )


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "meeting"


def run_for(ctx: AppContext, detail: ChildDetail, meeting_id: int, parent: QWidget) -> None:
    """The invitations dialog for one of a child's meetings, titled whose, which and when:
    Alt+N on a child's page, and straight after every booking (from the child's page or a
    free slot in the diary)."""
    m = next((x for x in detail.meetings if x.id == meeting_id), None)
    when = f", {format_uk(m.booked_date)}" if m is not None and m.booked_date else ""
    title = f"{detail.name}: {m.label if m else 'meeting'}{when}"
    prompts().run_dialog(InvitationsDialog(ctx, meeting_id, title, parent=parent))


class InvitationsDialog(FormDialog):
    """Invitations, reports and the pack for one meeting (see the module). Each part saves
    as it goes and the dialog is read again after, keeping what is typed or chosen and not
    saved yet on every tab (`refresh`); Esc, Close and the title bar's close ask first only
    while something is (`unsaved`), and so does choosing another report while the chosen
    one's dates are (`_leave_report`)."""

    def __init__(self, ctx: AppContext, meeting_id: int, meeting_title: str, parent=None) -> None:
        super().__init__(parent)
        self.ctx, self.meeting_id, self.meeting_title = ctx, meeting_id, meeting_title
        self.info: MeetingInvitations | None = None
        self.proposal: Proposal | None = None
        #: The consultation date's and the chosen report's dates' boxes as last filled
        #: from what is saved (`_date_entry`): a change since is not saved.
        self._consultation_filled: tuple = ()
        self._dates_filled: tuple = ()
        #: The report whose dates the boxes hold: while a move to another report waits to
        #: be asked about (`_leave_report`), the one moved from.
        self._dates_of: ReportDueInfo | None = None
        self._reading = False  # being filled from what is saved (`refresh`)
        self._asking = False  # a move to another report is about to be asked about
        self._pairs: list[Pair] = []
        self.setWindowTitle(f"Invitations and reports: {meeting_title}")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Meeting request and reports summary")
        # An IRO whose user has no staff record: why recording reports and attendance is off.
        self.unlinked = QLabel(ctx.recording_off_reason)
        self.unlinked.setWordWrap(True)
        self.unlinked.setObjectName("warning")
        self.unlinked.setAccessibleName("Why recording is off")
        self.unlinked.setVisible(bool(ctx.recording_off_reason))
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Invitations, reports and pack")
        self.tabs.addTab(scrolling(self._invitations_tab()), "&Invitations")
        self.tabs.addTab(scrolling(self._reports_tab()), "&Reports")
        self.tabs.addTab(scrolling(self._pack_tab()), "&Pack")
        self.tabs.addTab(scrolling(self._attendance_tab()), "Atten&dance")
        self.tabs.currentChanged.connect(self._tab_shown)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.unlinked)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(close)
        fit_to_screen(self, 1100, 640)
        self.refresh()

    # --- building the tabs --------------------------------------------------------------------
    def _invitations_tab(self) -> QWidget:
        self.invitees = FittedRecordTable(
            [column for _heading, column in INVITEE_COLUMNS],
            [heading for heading, _column in INVITEE_COLUMNS],
            "Invitation list",
        )
        self.invitee_details = _details_line("The chosen person's invitation")
        self.invitees.itemSelectionChanged.connect(self._invitee_chosen)
        self.invitees.on_fit = self._invitee_chosen
        self.proposed = _checklist("Proposed by the council's rules")
        self.missing = QLabel()
        self.missing.setWordWrap(True)
        self.missing.setObjectName("warning")
        self.invite_ticked_button = _button(
            "Invite &ticked", "Invite everyone ticked in the proposed list", self.invite_ticked
        )
        # A short title, the rest wrapped beneath: a group box is never narrower than its
        # title, and the long one took the invitation list's room.
        proposed_box = QGroupBox("Proposed by the council's rules")
        self.untick = QLabel("&Untick anyone not to invite.")  # (for those who may; `_enable`)
        self.untick.setWordWrap(True)
        self.untick.setBuddy(self.proposed)  # Alt+U: the list
        proposed_layout = QVBoxLayout(proposed_box)
        proposed_layout.addWidget(self.untick)
        proposed_layout.addWidget(self.proposed, 1)
        proposed_layout.addWidget(self.missing)
        proposed_layout.addLayout(_row(self.invite_ticked_button))

        self.someone = finding_list(
            QComboBox(),
            "Someone from the family or the directory",
            "Someone from the family or the directory: type a name",
            on_enter=self.invite_someone,
        )
        self.invite_someone_button = _button(
            "Invite", "Invite the chosen person", self.invite_someone
        )
        self.other_name = QLineEdit()
        self.other_name.setAccessibleName("Name of someone else to invite")
        self.other_name.setPlaceholderText("Someone else: name")
        self.other_role = QLineEdit()
        self.other_role.setAccessibleName("Their role")
        self.other_role.setPlaceholderText("role (e.g. advocate)")
        self.other_email = QLineEdit()
        self.other_email.setAccessibleName("Their email")
        self.other_email.setPlaceholderText("email (optional)")
        self.invite_other_button = _button(
            "Invite by name", "Invite the person named", self.invite_other
        )
        # Enter in a name typed invites, as the button beside it. Enter pressed the dialog's
        # default button (Save attendance, on a tab not shown): nothing happened, and each
        # needed the mouse on a button with no key of its own.
        for edit in (self.other_name, self.other_role, self.other_email):
            edit.returnPressed.connect(self.invite_other)
        self.remove_invitee_button = _button(
            "Re&move from list", "Take the selected person off the list", self.remove_invitee
        )
        # Alt+S and Alt+K below: Alt+R is the Reports tab's and Alt+P the Pack tab's (a key
        # shared by two only moves between them, so neither worked).
        self.send_request_button = _button(
            "&Send meeting request (.ics)…",
            "Save the Outlook meeting request for the professionals",
            self.send_request,
        )
        self.send_letters_button = _button(
            "&Letters for the family…",
            "Save the invitation letters for those the meeting request does not reach",
            self.send_letters,
        )
        # A LAC review's written consultation (to the child, parents and carers): when it
        # went out, which the "consultation not sent in time" flag reads. Nothing could
        # record it, so the flag stayed however early the forms were sent.
        self.consultation_label = QLabel("C&onsultation sent")
        self.consultation = DateOrNone(None, real_today(), "Consultation sent")
        self.consultation_label.setBuddy(self.consultation)
        self.consultation_due = QLabel()
        self.consultation_due.setProperty("role", "hint")
        self.consultation_due.setAccessibleName("When the consultation is due to be sent")
        self.save_consultation_button = _button(
            "Save consultation date",
            "Save the date the consultation was sent",
            self.save_consultation,
        )
        self.consultation_row = QWidget()
        consultation_layout = _row(
            self.consultation_label,
            self.consultation,
            self.consultation_due,
            self.save_consultation_button,
        )
        consultation_layout.setContentsMargins(0, 0, 0, 0)
        self.consultation_row.setLayout(consultation_layout)
        left = QVBoxLayout()
        left.addWidget(self.invitees, 1)
        left.addWidget(self.invitee_details)
        left.addLayout(
            _row(self.remove_invitee_button, self.send_request_button, self.send_letters_button)
        )
        # Each box's Alt+letter on a label before it: those of "Role" and "Email" are
        # all taken on this tab (the tabs', the buttons').
        left.addLayout(
            _row(
                _label("&Family or directory", self.someone),
                self.someone,
                self.invite_someone_button,
                stretch=False,
            )
        )
        left.addLayout(
            _row(
                _label("Someone &else", self.other_name),
                self.other_name,
                _label("&Job or role", self.other_role),
                self.other_role,
                _label("Em&ail", self.other_email),
                self.other_email,
                self.invite_other_button,
                stretch=False,
            )
        )
        left.addWidget(self.consultation_row)
        return self._pair(left, proposed_box)

    def _pair(self, left: QVBoxLayout, right: QWidget) -> QWidget:
        holder = QWidget()
        holder.setLayout(left)
        pair = Pair(holder, right, (5, 2))
        self._pairs.append(pair)
        return pair

    def _reports_tab(self) -> QWidget:
        self.reports = FittedRecordTable(
            [column for _heading, column in REPORT_COLUMNS],
            [heading for heading, _column in REPORT_COLUMNS],
            "Reports due",
        )
        self.report_details = _details_line("The chosen report")
        self.reports.itemSelectionChanged.connect(self._report_chosen)
        self.reports.on_fit = self._report_line
        self.proposed_reports = _checklist("Reports the council's rules expect")
        self.add_ticked_reports_button = _button(
            "Add tic&ked", "Add the ticked reports", self.add_ticked_reports
        )
        proposed_box = QGroupBox("Expected by the council's rules")
        proposed_layout = QVBoxLayout(proposed_box)
        proposed_layout.addWidget(self.proposed_reports, 1)
        proposed_layout.addLayout(_row(self.add_ticked_reports_button))

        self.report_author = QLineEdit()
        self.report_author.setAccessibleName("Report from")
        self.report_author.setPlaceholderText("Another report: from whom")
        self.report_agency = QComboBox()
        self.report_agency.setAccessibleName("Report agency")
        for code, words in AGENCY.items():
            self.report_agency.addItem(words, code)
        self.add_report_button = _button("Add report", "Add the report named", self.add_report)
        self.report_author.returnPressed.connect(self.add_report)  # Enter adds it, as above
        self.remove_report_button = _button(
            "Remo&ve report", "The selected report is no longer due", self.remove_report
        )
        self.request_letters_button = _button(
            "Request &letters…",
            "Save request letters for the reports not yet requested",
            self.request_letters,
        )
        self.request_email_button = _button(
            "&Email draft…",
            "Save an email draft requesting the selected report",
            self.request_email,
        )
        self.attach_button = _button(
            "&Attach PDF…", "Attach the received PDF of the selected report", self.attach
        )
        self.remove_file_button = _button(
            "Remove &file", "Remove the selected report's file", self.remove_file
        )
        today = real_today()
        self.received = DateOrNone(None, today, "Received", "Received")
        self.shared = DateOrNone(None, today, "Shared with the family", "Shared with the family")
        self.save_dates_button = _button(
            "&Save dates", "Save the selected report's dates", self.save_dates
        )
        dates_box = self.dates_box = QGroupBox("The selected report")
        dates_layout = QHBoxLayout(dates_box)
        for widget in (self.received, self.shared, self.save_dates_button):
            dates_layout.addWidget(widget)
        dates_layout.addStretch(1)
        left = QVBoxLayout()
        left.addWidget(self.reports, 1)
        left.addWidget(self.report_details)
        left.addWidget(dates_box)
        left.addLayout(
            _row(
                self.request_letters_button,
                self.request_email_button,
                self.attach_button,
                self.remove_file_button,
                self.remove_report_button,
            )
        )
        left.addLayout(
            _row(self.report_author, self.report_agency, self.add_report_button, stretch=False)
        )
        return self._pair(left, proposed_box)

    def _pack_tab(self) -> QWidget:
        tab = QWidget()
        self.deliveries = RecordTable(("To", "How", "Sent on", "Pages"), "Whom the pack went to")
        self.pack_recipients = _checklist("Whom the pack went to now")
        self.pack_how = QComboBox()
        self.pack_how.setAccessibleName("How the pack was sent")
        for code, words in PACK_DELIVERY.items():
            self.pack_how.addItem(words, code)
        self.pack_on = date_edit(real_today(), "Pack sent on")
        self.print_pack_button = _button(
            "Print pac&k…",
            "Print the pack: cover, agenda, invitees and the reports attached",
            self.print_pack,
        )
        self.record_pack_button = _button(
            "Record pack s&ent", "Record that the pack went to those ticked", self.record_pack
        )
        sent_box = QGroupBox("Record whom it went to (tick them)")
        sent_layout = QVBoxLayout(sent_box)
        sent_layout.addWidget(self.pack_recipients, 1)
        sent_layout.addLayout(
            _row(QLabel("How"), self.pack_how, QLabel("On"), self.pack_on, self.record_pack_button)
        )
        layout = QVBoxLayout(tab)
        layout.addLayout(_row(self.print_pack_button))
        layout.addWidget(QLabel("Sent so far"))
        layout.addWidget(self.deliveries, 1)
        layout.addWidget(sent_box, 1)
        return tab

    def _attendance_tab(self) -> QWidget:
        tab = QWidget()
        self.attendance_note = QLabel()
        self.attendance_note.setWordWrap(True)
        self.attendance_note.setAccessibleName("Who records attendance")
        self.attendance = AttendanceList()
        self.attendance_saved = QLabel()
        self.attendance_saved.setWordWrap(True)
        self.attendance_saved.setAccessibleName("Attendance saved")
        # Alt+U and Alt+N: no other button, tab or box of this dialog uses them.
        self.unrecorded_attended_button = _button(
            "Mark the &unrecorded as attended",
            "Choose Attended for everyone whose attendance is not recorded (then save)",
            self.attendance.mark_unrecorded_attended,
        )
        self.save_attendance_button = _button(
            "Save atte&ndance",
            "Save who attended, sent apologies or did not attend",
            self.save_attendance,
        )
        # Enter in the list saves it (as recording an outcome does); it never marks everyone
        # unrecorded as attended, which Enter did when that button was the default.
        self.unrecorded_attended_button.setAutoDefault(False)
        layout = QVBoxLayout(tab)
        layout.addWidget(self.attendance_note)
        layout.addWidget(self.attendance)
        layout.addLayout(_row(self.unrecorded_attended_button, self.save_attendance_button))
        layout.addWidget(self.attendance_saved)
        layout.addStretch(1)
        return tab

    def _tab_shown(self, index: int) -> None:
        """On the Attendance tab, Enter saves the list (whichever button was the dialog's
        default before)."""
        if self.tabs.widget(index) is self.tabs.widget(3):
            self.save_attendance_button.setDefault(True)

    @property
    def attendance_rows(self) -> list[tuple[InviteeInfo, QComboBox]]:
        """Each invitee on the Attendance tab, with the box saying whether they came."""
        return self.attendance.rows

    def _fill_attendance(self, invitees: tuple[InviteeInfo, ...]) -> None:
        self.attendance.set_invitees(invitees)
        for box in self.attendance.boxes():
            box.currentIndexChanged.connect(lambda _i: self.attendance_saved.clear())
        # Tab goes from the tabs down the boxes, then to the buttons (boxes made again after
        # the dialog's Close button would otherwise come after it, and after the buttons).
        chain = [self.tabs.tabBar(), *self.attendance.boxes()]
        chain += [self.unrecorded_attended_button, self.save_attendance_button]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def _attendance_why(self, may: bool) -> str:
        """What the Attendance tab says above the list: what to do, or why it cannot."""
        info = self.info
        assert info is not None
        if info.status in CALLED_OFF_STATUSES:
            return f"The meeting was {info.status.replace('_', ' ')}: no attendance to record."
        if not info.invitees:
            return "No one is on the invitation list yet: invite people first."
        if may and info.day is not None and self.ctx.as_of < info.day:
            return (
                f"The meeting is on {_uk(info.day)}: until then, record only apologies sent "
                "ahead; who attended is recorded on the day or after."
            )
        if may:
            return (
                "Choose whether each person attended, sent apologies or did not attend, then save."
            )
        if self.ctx.recording_off_reason:
            return self.ctx.recording_off_reason
        if self.ctx.viewing_past:
            return "You are looking at another day: go back to today to record attendance."
        if self.ctx.can_record:
            return (
                "An IRO records attendance only at the meetings they chair, and this one is "
                "chaired by someone else (an administrator can record it)."
            )
        return (
            "Attendance is recorded by an administrator or the IRO chairing the meeting; "
            "you can read it here."
        )

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        for pair in self._pairs:
            pair.set_wide(self.width() >= 1000)

    # --- reading ------------------------------------------------------------------------------
    def refresh(self, saved: tuple[str, ...] = ()) -> None:
        """Read the meeting again (after each save in the dialog). What is typed or chosen
        and not saved yet stays as it was on every tab (`_typed`): a save on one tab reset
        the report's dates typed on another, the attendance chosen and the pack's recipients
        ticked, and cleared a name half typed to invite. Not kept: the parts in ``saved``
        (just saved: shown as saved), and a date typed over one that was changed meanwhile
        (what is saved now is shown)."""
        kept = self._typed(saved) if self.info is not None else {}
        self._reading = True
        try:
            self._read()
        finally:
            self._reading = False
        self._fill_dates(self.reports.selected_record())
        self._put_back(kept)
        self._report_line()
        self._enable()

    def _typed(self, saved: tuple[str, ...]) -> dict:
        """What is typed or chosen and not saved yet, part by part (but the parts in
        ``saved``), with what was saved when it was typed (to tell a change made meanwhile)."""
        info = self.info
        assert info is not None
        kept: dict = {}
        if "someone" not in saved and self.someone.currentText().strip():
            kept["someone"] = self.someone.currentText()
        typed = _date_entry(self.consultation)
        if "consultation" not in saved and typed != self._consultation_filled:
            kept["consultation"] = (info.consultation_sent, typed)
        report = self._dates_of
        if report is not None:
            for n, (name, box, before) in enumerate(self._report_dates(report)):
                typed = _date_entry(box)
                if name not in saved and typed != self._dates_filled[n]:
                    kept[name] = (report.id, before, typed)
        if "pack" not in saved:
            kept["pack"] = set(_ticked(self.pack_recipients))
        if "attendance" not in saved:
            kept["attendance"] = {
                inv.id: (inv.attendance or None, value) for inv, value in self.attendance.changed()
            }
        return kept

    def _report_dates(
        self, report: ReportDueInfo
    ) -> tuple[tuple[str, DateOrNone, dt.date | None], ...]:
        """Each of a report's dates: its part's name (as ``saved`` names it), its box, and
        the date saved."""
        return (
            ("received", self.received, report.received),
            ("shared", self.shared, report.shared_with_parents),
        )

    def _put_back(self, kept: dict) -> None:
        """`_typed`'s entries back in the dialog just filled, where what they were typed over
        is still as it was."""
        info = self.info
        assert info is not None
        text = kept.get("someone")
        if text:
            index = self.someone.findText(text)
            if index >= 0:
                self.someone.setCurrentIndex(index)
            else:
                self.someone.setEditText(text)
        if "consultation" in kept and info.consultation_due is not None:
            before, typed = kept["consultation"]
            if info.consultation_sent == before:
                _put_date(self.consultation, typed)
        report = self._dates_of
        if report is not None:
            for name, box, now in self._report_dates(report):
                report_id, before, typed = kept.get(name, (None, None, None))
                if report_id == report.id and now == before:
                    _put_date(box, typed)
        ticked = kept.get("pack", set())
        for i in range(self.pack_recipients.count()):
            item = self.pack_recipients.item(i)
            if item.data(Qt.ItemDataRole.UserRole) in ticked:
                item.setCheckState(Qt.CheckState.Checked)
        chosen = kept.get("attendance", {})
        for inv, box in self.attendance.rows:
            before, value = chosen.get(inv.id, (None, None))
            if inv.id in chosen and (inv.attendance or None) == before:
                box.setCurrentIndex(max(box.findData(value), 0))

    def _read(self) -> None:
        with self.ctx.db.session() as s:
            info = meeting_invitations(
                s, self.meeting_id, rules=self.ctx.rules, calendar=self.ctx.calendar
            )
            proposal = propose(s, self.meeting_id, rules=self.ctx.rules, calendar=self.ctx.calendar)
            people, _links = child_people(s, info.child_id)
            everyone = directory(s)
        self.info, self.proposal = info, proposal
        self.invitees.set_rows(
            [
                (
                    inv,
                    (
                        inv.name,
                        inv.role,
                        (inv.sent_by or inv.how).capitalize(),
                        _uk(inv.invited_on) or "Not yet",
                        inv.email,
                        invitee_needs(inv),
                        ATTENDANCE_WORDS.get(inv.attendance, inv.attendance),
                    ),
                )
                for inv in info.invitees
            ],
            tip=invitee_details,
        )
        self._invitee_chosen()
        self._fill_checklist(
            self.proposed,
            [(c, f"{c.name} · {c.role} ({c.why})") for c in proposal.new_invitees],
            "Everyone the rules propose is invited.",
        )
        self.missing.setText("\n".join(proposal.missing))
        self.missing.setVisible(bool(proposal.missing))
        self.someone.clear()
        invited_people = {i.name for i in info.invitees}
        for p in people:
            if p.active and p.name not in invited_people:
                self.someone.addItem(f"{p.name} ({p.relation_words})", ("person", p.id))
        for p in everyone:
            self.someone.addItem(p.label, ("professional", p.id))
        self.someone.setCurrentIndex(-1)
        self.consultation_row.setVisible(info.consultation_due is not None)
        if info.consultation_due is not None:
            self.consultation.edit.setDate(info.consultation_sent or real_today())
            self.consultation.set_value(info.consultation_sent)
            self.consultation_due.setText(f"due by {_uk(info.consultation_due)}")
        self._consultation_filled = _date_entry(self.consultation)

        self.reports.set_rows(
            [
                (
                    r,
                    (
                        r.author,
                        r.agency_words,
                        _uk(r.due),
                        _uk(r.requested_on) or "Not yet",
                        _uk(r.received),
                        _uk(r.shared_with_parents),
                        f"{r.file.name} ({r.file.pages} pages)" if r.file else "",
                        r.status(self.ctx.as_of),
                    ),
                )
                for r in info.reports
            ],
            tip=lambda r: report_details(r, self.ctx.as_of),
        )
        self._fill_checklist(
            self.proposed_reports,
            [
                (r, f"{r.author} · {agency_label(r.agency)}, due {_uk(r.due) or '?'}")
                for r in proposal.new_reports
            ],
            "Every report the rules expect is on the list.",
        )
        self.deliveries.set_rows(
            [
                (d, (d.recipient, d.how_words, _uk(d.sent_on), str(d.pages or "")))
                for d in info.deliveries
            ]
        )
        self._fill_checklist(
            self.pack_recipients,
            [(i.name, f"{i.name} · {i.role}") for i in info.invitees],
            "",
            False,
        )
        self._fill_attendance(info.invitees)
        self._summary()

    @staticmethod
    def _fill_checklist(box: QListWidget, rows, empty: str, ticked: bool = True) -> None:
        box.clear()
        for value, text in rows:
            item = QListWidgetItem(text)
            item.setToolTip(text)
            item.setData(Qt.ItemDataRole.UserRole, value)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
            box.addItem(item)
        if not rows and empty:
            item = QListWidgetItem(empty)
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            box.addItem(item)

    def _summary(self) -> None:
        info = self.info
        assert info is not None
        parts = [f"{len(info.invitees)} invited"]
        not_sent = sum(1 for i in info.invitees if i.invited_on is None)
        if not_sent:
            parts.append(f"{not_sent} not sent an invitation yet")
        if info.request is None:
            parts.append("no meeting request sent")
        else:
            kind = "cancellation" if info.request.method == "CANCEL" else "meeting request"
            if info.request.sequence:
                kind += f" (update {info.request.sequence})"
            parts.append(f"{kind} sent {_uk(info.request.sent_on)}")
            if info.request.out_of_date and info.status == MeetingStatus.CANCELLED.value:
                parts.append("the meeting was cancelled since: send the cancellation")
            elif info.request.out_of_date:
                parts.append("the meeting has changed since: send the update")
        received = sum(1 for r in info.reports if r.received)
        parts.append(f"reports received {received} of {len(info.reports)}")
        self.summary.setText(" · ".join(parts))

    def _enable(self) -> None:
        info = self.info
        can_book = self.ctx.can_book
        open_meeting = info is not None and info.awaited
        for widget in (
            self.invite_ticked_button,
            self.invite_someone_button,
            self.invite_other_button,
            self.remove_invitee_button,
            self.send_letters_button,
            self.add_ticked_reports_button,
            self.add_report_button,
            self.remove_report_button,
            self.request_letters_button,
            self.request_email_button,
        ):
            widget.setEnabled(can_book and open_meeting)
        # The boxes that fill those buttons' forms: no typing what cannot be saved.
        for widget in (
            self.someone,
            self.other_name,
            self.other_role,
            self.other_email,
            self.report_author,
            self.report_agency,
        ):
            widget.setEnabled(can_book and open_meeting)
        for box in (self.proposed, self.proposed_reports):
            _tickable(box, can_book and open_meeting)
        self.untick.setText(
            "&Untick anyone not to invite."
            if can_book and open_meeting
            else "Those the r&ules propose; an administrator invites them."
            if not can_book
            else "Those the r&ules propose (the meeting was held or called off)."
        )
        self.send_request_button.setEnabled(can_book and info is not None)
        for widget in (self.consultation, self.save_consultation_button):
            widget.setEnabled(can_book and info is not None)
        for widget in (self.record_pack_button, self.pack_how, self.pack_on):
            widget.setEnabled(can_book)
        _tickable(self.pack_recipients, can_book)
        chosen = self.reports.selected_record()
        may_record = (
            chosen is not None and info is not None and self.ctx.can_record_for(info.chair_id)
        )
        for widget in (self.attach_button, self.save_dates_button, self.received, self.shared):
            widget.setEnabled(may_record)
        self.remove_file_button.setEnabled(may_record and chosen.file is not None)
        why = self.ctx.recording_off_reason
        for widget in (self.attach_button, self.save_dates_button, self.remove_file_button):
            widget.setToolTip(why)
        if info is not None:
            may_attend = (
                self.ctx.can_record_for(info.chair_id)
                and info.status not in CALLED_OFF_STATUSES
                and bool(info.invitees)
            )
            self.attendance.set_editable(may_attend, why)
            for button in (self.unrecorded_attended_button, self.save_attendance_button):
                button.setEnabled(may_attend)
                button.setToolTip(why)
            if info.day is not None and self.ctx.as_of < info.day:  # only apologies yet
                self.unrecorded_attended_button.setEnabled(False)
                self.unrecorded_attended_button.setToolTip(
                    f"Not before the meeting on {_uk(info.day)}"
                )
            self.attendance_note.setText(self._attendance_why(may_attend))

    def _invitee_chosen(self) -> None:
        """The details line: the chosen person's whole invitation, or (no one chosen) which
        columns gave way for room and where to see them."""
        chosen: InviteeInfo | None = self.invitees.selected_record()
        if chosen is not None:
            text = invitee_details(chosen)
        else:
            text = "Choose someone on the list to see all of their invitation here"
            text += _gave_way(self.invitees, INVITEE_COLUMNS) + "."
        if self.invitee_details.text() != text:
            self.invitee_details.setText(text)

    def _report_line(self) -> None:
        """The reports' details line: the chosen report whole, or which columns gave way."""
        chosen: ReportDueInfo | None = self.reports.selected_record()
        if chosen is not None:
            text = report_details(chosen, self.ctx.as_of)
        else:
            text = "Choose a report on the list to see all of it here"
            text += _gave_way(self.reports, REPORT_COLUMNS) + "."
        if self.report_details.text() != text:
            self.report_details.setText(text)

    def _report_chosen(self) -> None:
        """Another report chosen (a click, the arrows, Tab into the list): its line and its
        dates. Dates typed for the one before and not saved are not dropped: choosing
        another report reset them without a word. The person is asked first, once the click
        or key is done with (`_leave_report`)."""
        if self._reading:
            return  # (`refresh` shows the report chosen once the dialog is filled)
        chosen: ReportDueInfo | None = self.reports.selected_record()
        left = self._dates_of
        if left is not None and self._dates_typed() and (chosen is None or chosen.id != left.id):
            if not self._asking:
                self._asking = True
                QTimer.singleShot(0, self, self._leave_report)
            return
        self._show_report(chosen)

    def _show_report(self, chosen: ReportDueInfo | None) -> None:
        """The report's line, and its dates as saved (those typed for it and not saved yet
        stay)."""
        left = self._dates_of
        if chosen is None or left is None or chosen.id != left.id or not self._dates_typed():
            self._fill_dates(chosen)
        self._report_line()
        self._enable()

    def _fill_dates(self, chosen: ReportDueInfo | None) -> None:
        today = real_today()
        for box, value in (
            (self.received, chosen.received if chosen else None),
            (self.shared, chosen.shared_with_parents if chosen else None),
        ):
            box.edit.setDate(value or today)  # ticking it offers today, not the last report's
            box.set_value(value)
        self._dates_of = chosen
        self._dates_filled = (_date_entry(self.received), _date_entry(self.shared))

    def _dates_typed(self) -> bool:
        """Whether the report's dates differ from what is saved (typed and not saved)."""
        return (_date_entry(self.received), _date_entry(self.shared)) != self._dates_filled

    def _leave_report(self) -> None:
        """Another report chosen while the dates typed for the one before are not saved:
        Save them (then the report chosen is shown; Enter), Discard them, or Cancel (back to
        that report, its dates as typed; Esc). An administrator going down the reports as
        they come in, who ticks one received and moves on, meant it to be saved."""
        self._asking = False
        left, chosen = self._dates_of, self.reports.selected_record()
        if left is None or not self._dates_typed() or (chosen is not None and chosen.id == left.id):
            self._show_report(chosen)  # (nothing to lose any more, or back on it)
            return
        answer = prompts().save_or_discard(
            self,
            f"The dates typed for the report from {left.author} are not saved. "
            "Save them before going to another report?",
        )
        if answer == "discard":
            self._show_report(chosen)
        elif answer != "save" or not self._save_dates(left):
            self._back_to_report(left.id)  # Cancel, or the save was refused (it says why)

    def _back_to_report(self, report_id: int) -> None:
        """Choose the report again without asking or filling its dates (they stay as typed)."""
        self._reading = True
        try:
            self.reports.select_where(lambda r: r.id == report_id, focus=False)
        finally:
            self._reading = False
        self._report_line()
        self._enable()

    def unsaved(self) -> list[str]:
        """What is typed or chosen and not saved yet, tab by tab: a person named or chosen
        to invite, a consultation date, a report's dates, a report to add, whom the pack
        went to, attendance. (Not the proposed lists: their ticks are the rules' until
        someone invites or adds them.)"""
        lost = []
        if self.someone.currentText().strip():
            lost.append("the person chosen to invite (Invitations tab)")
        if any(e.text().strip() for e in (self.other_name, self.other_role, self.other_email)):
            lost.append("the name typed to invite (Invitations tab)")
        if _date_entry(self.consultation) != self._consultation_filled:
            lost.append("the date the consultation was sent (Invitations tab)")
        if self._dates_typed():
            lost.append("the chosen report's dates (Reports tab)")
        if self.report_author.text().strip():
            lost.append("the report typed to add (Reports tab)")
        if _ticked(self.pack_recipients):
            lost.append("the pack's recipients ticked (Pack tab)")
        if self.attendance.changed():
            lost.append("the attendance chosen (Attendance tab)")
        return lost

    def _done(self, changes, saved: tuple[str, ...] = ()) -> bool:
        """After an action: read the meeting again, keeping what is typed and not saved
        yet but the part ``saved`` (`refresh`); whether it succeeded. Refused, nothing typed
        is dropped (a date in the future stays, to be put right)."""
        self.refresh(saved if changes is not None else ())
        return changes is not None

    def _save_as(self, title: str, name: str, pattern: str) -> str | None:
        suggested = str(documents_dir() / name)
        return prompts().save_file(self, title, suggested, pattern)

    # --- invitations ----------------------------------------------------------------------
    def invite_ticked(self) -> None:
        chosen = _ticked(self.proposed)
        if not chosen:
            prompts().error(self, "Tick the people to invite. Nothing was changed.")
            return
        new = [actions.invitee_from(c) for c in chosen]
        self._done(perform(self, self.ctx, actions.add_invitees, self.meeting_id, new, checks=()))

    def invite_someone(self) -> None:
        index, why = typed_choice(
            self.someone, "Choose someone from the family or the directory first."
        )
        if index < 0:
            prompts().error(self, why)
            return
        kind, ident = self.someone.itemData(index)
        new = (
            actions.NewInvitee(person_id=ident)
            if kind == "person"
            else actions.NewInvitee(professional_id=ident)
        )
        changes = perform(self, self.ctx, actions.add_invitees, self.meeting_id, [new], checks=())
        self._done(changes, saved=("someone",))

    def invite_other(self) -> None:
        new = actions.NewInvitee(
            name=self.other_name.text(), role=self.other_role.text(), email=self.other_email.text()
        )
        if self._done(
            perform(self, self.ctx, actions.add_invitees, self.meeting_id, [new], checks=())
        ):
            for edit in (self.other_name, self.other_role, self.other_email):
                edit.clear()

    def remove_invitee(self) -> None:
        chosen = self.invitees.selected_record()
        if chosen is None:
            prompts().error(self, "Select the person to take off the list.")
            return
        if chosen.invited_on and not prompts().confirm(
            self,
            f"{chosen.name} was invited on {_uk(chosen.invited_on)}. Take them off the list? "
            "(Tell them the invitation is withdrawn.)",
        ):
            return
        self._done(
            perform(
                self,
                self.ctx,
                actions.remove_invitee,
                chosen.id,
                expected_version=chosen.version,
                checks=(),
            )
        )

    def send_request(self) -> None:
        path = self._save_as(
            "Save the meeting request",
            f"meeting-request-{self.meeting_id}.ics",
            "Outlook meeting request (*.ics)",
        )
        if not path:
            return
        changes = perform(
            self,
            self.ctx,
            actions.send_meeting_request,
            self.meeting_id,
            output=path,
            on=real_today(),
            checks=(),
        )
        if self._done(changes):
            sent = changes.result
            message = f"{sent.what} saved as {sent.path}: open it in Outlook and press Send."
            if sent.not_reached:
                message += (
                    f" It does not reach {', '.join(sent.not_reached)}: send them letters "
                    "(Letters for the family)."
                )
            prompts().info(self, message)

    def send_letters(self) -> None:
        path = self._save_as(
            "Save the invitation letters",
            f"invitation-letters-{self.meeting_id}.pdf",
            "PDF (*.pdf)",
        )
        if not path:
            return
        changes = perform(
            self,
            self.ctx,
            actions.send_invitation_letters,
            self.meeting_id,
            output=path,
            on=real_today(),
            checks=(),
        )
        if self._done(changes):
            prompts().open_document(self, changes.result.path)

    def save_consultation(self) -> None:
        assert self.info is not None
        self._done(
            perform(
                self,
                self.ctx,
                actions.record_consultation_sent,
                self.meeting_id,
                self.consultation.value(),
                expected_version=self.info.version,
                checks=self.consultation,
            ),
            saved=("consultation",),
        )

    # --- reports --------------------------------------------------------------------------
    def add_ticked_reports(self) -> None:
        chosen = _ticked(self.proposed_reports)
        if not chosen:
            prompts().error(self, "Tick the reports to add. Nothing was changed.")
            return
        new = [actions.report_from(r) for r in chosen]
        self._done(perform(self, self.ctx, actions.add_reports, self.meeting_id, new, checks=()))

    def add_report(self) -> None:
        new = actions.NewReport(
            author=self.report_author.text(), agency=self.report_agency.currentData()
        )
        if self._done(
            perform(self, self.ctx, actions.add_reports, self.meeting_id, [new], checks=())
        ):
            self.report_author.clear()

    def _chosen_report(self) -> ReportDueInfo | None:
        chosen = self.reports.selected_record()
        if chosen is None:
            prompts().error(self, "Select a report first.")
        return chosen

    def remove_report(self) -> None:
        chosen = self._chosen_report()
        if chosen is None:
            return
        extra = " Its attached file goes with it." if chosen.file else ""
        if not prompts().confirm(self, f"The report from {chosen.author} is no longer due?{extra}"):
            return
        self._done(
            perform(
                self,
                self.ctx,
                actions.remove_report,
                chosen.id,
                expected_version=chosen.version,
                checks=(),
            )
        )

    def request_letters(self) -> None:
        assert self.info is not None
        wanted = [r.id for r in self.info.reports if r.received is None and r.requested_on is None]
        if not wanted:
            chosen = self.reports.selected_record()
            wanted = [chosen.id] if chosen is not None else []
        if not wanted:
            prompts().error(self, "Every report has been requested: select one to ask again.")
            return
        path = self._save_as(
            "Save the report requests", f"report-requests-{self.meeting_id}.pdf", "PDF (*.pdf)"
        )
        if not path:
            return
        changes = perform(
            self,
            self.ctx,
            actions.send_report_requests,
            wanted,
            output=path,
            on=real_today(),
            form="letter",
            checks=(),
        )
        if self._done(changes):
            prompts().open_document(self, changes.result.path)

    def request_email(self) -> None:
        chosen = self._chosen_report()
        if chosen is None:
            return
        path = self._save_as(
            "Save the email draft",
            f"report-request-{self.meeting_id}-{_slug(chosen.author)}.eml",
            "Email draft (*.eml)",
        )
        if not path:
            return
        changes = perform(
            self,
            self.ctx,
            actions.send_report_requests,
            [chosen.id],
            output=path,
            on=real_today(),
            form="email",
            checks=(),
        )
        if self._done(changes):
            prompts().info(
                self, f"The draft was saved as {path}: open it in your email program to send it."
            )

    def attach(self) -> None:
        chosen = self._chosen_report()
        if chosen is None:
            return
        path = prompts().open_file(self, f"The report from {chosen.author}", "PDF (*.pdf)")
        if not path:
            return
        with self.ctx.db.session() as s:
            limit = int(get_setting(s, "attachment_max_mb"))
        name = os.path.basename(path)
        try:
            data = read_report_file(path, max_mb=limit)
        except InvalidInput as refused:
            prompts().error(self, refusal_message(refused))
            return
        received = self.received.value() or chosen.received or real_today()
        self._done(
            perform(
                self,
                self.ctx,
                actions.attach_report_file,
                chosen.id,
                data=data,
                file_name=name,
                received=received,
                expected_version=chosen.version,
                checks=self.dates_box,
            ),
            saved=("received",),
        )
        self.reports.select_where(lambda r: r.id == chosen.id)

    def remove_file(self) -> None:
        chosen = self._chosen_report()
        if chosen is None or chosen.file is None:
            return
        if not prompts().confirm(
            self, f"Remove {chosen.file.name} from the report? Its dates stay."
        ):
            return
        self._done(
            perform(
                self,
                self.ctx,
                actions.remove_report_file,
                chosen.id,
                expected_version=chosen.file.version,
                checks=(),
            )
        )
        self.reports.select_where(lambda r: r.id == chosen.id)

    def save_dates(self) -> None:
        chosen = self._chosen_report()
        if chosen is None:
            return
        self._save_dates(chosen)
        self.reports.select_where(lambda r: r.id == chosen.id)

    def _save_dates(self, report: ReportDueInfo) -> bool:
        """Save the dates in the boxes as ``report``'s; whether they were. Refused, the
        report is the one chosen again, its dates as typed (to be put right)."""
        changes = perform(
            self,
            self.ctx,
            actions.update_report,
            report.id,
            received=self.received.value(),
            shared_with_parents=self.shared.value(),
            expected_version=report.version,
            checks=self.dates_box,
        )
        if changes is None:
            self._back_to_report(report.id)
        return self._done(changes, saved=("received", "shared"))

    # --- attendance ---------------------------------------------------------------------
    def save_attendance(self) -> None:
        """Save each invitee whose attendance was changed; the list is read again."""
        changed = self.attendance.changed()
        if not changed:
            prompts().error(self, "Nothing to save: choose whether each person attended first.")
            return
        saved = save_attendance(self, self.ctx, self.meeting_id, changed)
        self.refresh(saved=("attendance",))  # (refused too: the list says what is recorded)
        if saved:
            names = ", ".join(inv.name for inv, _attendance in changed)
            self.attendance_saved.setText(f"Attendance saved: {names}.")

    # --- pack -----------------------------------------------------------------------------
    def print_pack(self) -> None:
        from ui.documents import make_document

        make_document(self, self.ctx, "pack", meeting_id=self.meeting_id)

    def record_pack(self) -> None:
        names = _ticked(self.pack_recipients)
        if not names:
            prompts().error(self, "Tick whom the pack went to.")
            return
        self._done(
            perform(
                self,
                self.ctx,
                actions.record_pack_sent,
                self.meeting_id,
                names,
                how=self.pack_how.currentData(),
                on=from_qdate(self.pack_on.date()),
                checks=self.pack_on,
            ),
            saved=("pack",),
        )


__all__ = ["InvitationsDialog"]
