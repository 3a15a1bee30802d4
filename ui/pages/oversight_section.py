"""The "IRO oversight" section of a child's page: the IRO's footprint since the last review
(last contact with the child, the midway review), the child's challenges with their stages,
the contacts, the child's voice at each review, and conferences that were not quorate.

What it shows is `reviewdesk.oversight.child.child_oversight`'s; every change goes through a
dialog (`ui.dialogs.oversight`) and its action, and the page reads it again from the change.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from reviewdesk.actions import OversightRights, Permission, oversight_rights, remove_contact
from reviewdesk.oversight.child import ChildOversight, child_oversight
from reviewdesk.oversight.words import CONSULTATION, methods_text
from reviewdesk.queries import ChildDetail
from reviewdesk.vocabulary import format_uk as uk
from ui.context import AppContext
from ui.dialogs.tables import RecordTable
from ui.operations import perform
from ui.prompts import prompts
from ui.theme import label


def _table(
    accessible: str, columns: Sequence[str], widths: Sequence[int], stretch: int
) -> QTableWidget:
    """A read-only table of rows; column ``stretch`` (the longest words) takes the room left,
    the others keep ``widths``."""
    table = RecordTable(columns, accessible)  # whole rows, read only, Tab leaves it
    header = table.horizontalHeader()
    header.setStretchLastSection(False)
    for column, width in enumerate(widths):
        table.setColumnWidth(column, width)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


def _fill(
    table: QTableWidget, rows: Sequence[Sequence[str]], tips: Sequence[str] | None = None
) -> None:
    """Rows of text; each cell's tooltip is the row's ``tips`` entry, else its own text."""
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            item = QTableWidgetItem(value)
            item.setToolTip(tips[r] if tips else value)
            table.setItem(r, c, item)


def _story(e) -> str:  # noqa: ANN001 (an EscalationView)
    """A challenge in full, for its row's tooltip: the concern, each stage and its answer,
    the outcome, impact and any Cafcass referral."""
    lines = [f"{e.theme}: {e.concern}" if e.concern else e.theme]
    for st in e.stages:
        to = f" with {st.raised_with}" if st.raised_with else ""
        due = f", answer due by {uk(st.due.date)}" if st.due else ""
        lines.append(f"{st.name}: raised{to} on {uk(st.raised_on)}{due}")
        if st.responded_on:
            answer = f": {st.response}" if st.response else ""
            lines.append(f"    answered {uk(st.responded_on)}{answer}")
    if e.resolved_on:
        lines.append(f"{e.outcome_label} {uk(e.resolved_on)}")
    if e.impact:
        lines.append(f"Impact: {e.impact}")
    if e.cafcass_referred_on:
        lines.append(f"Referred to Cafcass {uk(e.cafcass_referred_on)}")
    return "\n".join(lines)


def _run(dialog) -> None:  # noqa: ANN001
    """Open a dialog (through `ui.prompts`, so tests can drive it), then let it go: a dialog
    kept as the section's child would pile up, one per use."""
    prompts().run_dialog(dialog)
    dialog.deleteLater()


def _yes_no(value: bool | None) -> str:
    return "—" if value is None else "Yes" if value else "No"


def _button(text: str, accessible: str, slot) -> QPushButton:
    button = QPushButton(text)
    button.setAccessibleName(accessible)
    button.clicked.connect(slot)
    return button


class OversightSection(QWidget):
    """One child's IRO oversight (see the module)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.detail: ChildDetail | None = None
        self.data: ChildOversight | None = None
        #: What the acting user may record for the child shown (the actions' own rules).
        self._rights: OversightRights | None = None
        self.summary = label("", "hint", wrap=True)
        self.summary.setAccessibleName("IRO footprint")

        self.escalations = _table(
            "Challenges and escalations",
            ("Raised", "Plan", "Theme", "Raised by", "Stage", "Due by", "State"),
            (85, 45, 0, 130, 200, 85, 200),
            stretch=2,
        )
        self.raise_button = _button("Raise challenge…", "Raise a challenge", self.raise_challenge)
        self.escalate_button = _button(
            "Escalate…", "Take the selected challenge to the next stage", self.escalate
        )
        self.answer_button = _button(
            "Record answer…", "Record the answer to the selected challenge's stage", self.answer
        )
        self.outcome_button = _button(
            "Outcome…", "Record the selected challenge's outcome", self.outcome
        )
        self.themes_button = _button("Themes…", "The challenge themes", self.edit_themes)
        self.escalations.itemSelectionChanged.connect(self._enable)
        self.escalations.cellDoubleClicked.connect(lambda *_: self.outcome())

        self.contacts = _table(
            "IRO contacts",
            ("Date", "Kind", "With the child", "Midway review", "IRO", "Note"),
            (85, 150, 115, 115, 150),
            stretch=5,
        )
        self.contact_button = _button("Record contact…", "Record an IRO contact", self.add_contact)
        self.remove_button = _button(
            "Remove contact", "Remove the selected contact", self.remove_selected_contact
        )
        self.contacts.itemSelectionChanged.connect(self._enable)

        self.voices = _table(
            "The child's voice at each review",
            ("Held", "Meeting", "Participation", "Views gathered", "Advocacy", "Consultation"),
            (85, 190, 105, 0, 140, 150),
            stretch=3,
        )
        self.voice_button = _button(
            "Child's voice…", "Record how the child's views were gathered", self.record_voice
        )
        self.voices.itemSelectionChanged.connect(self._enable)
        self.voices.cellDoubleClicked.connect(lambda *_: self.record_voice())

        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("IRO oversight")
        self.tabs.addTab(
            self._pane(
                self.escalations,
                self.raise_button,
                self.escalate_button,
                self.answer_button,
                self.outcome_button,
                self.themes_button,
            ),
            "Challenges",
        )
        self.tabs.addTab(
            self._pane(self.contacts, self.contact_button, self.remove_button), "Contacts"
        )
        self.tabs.addTab(self._pane(self.voices, self.voice_button), "Child's voice")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)

    @staticmethod
    def _pane(table: QTableWidget, *buttons: QPushButton) -> QWidget:
        pane = QWidget()
        row = QHBoxLayout()
        for button in buttons:
            row.addWidget(button)
        row.addStretch(1)
        layout = QVBoxLayout(pane)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(row)
        layout.addWidget(table, 1)
        return pane

    # --- loading --------------------------------------------------------------------------
    def show_child(self, detail: ChildDetail | None) -> None:
        self.detail = detail
        self._rights = None  # read afresh with the child's records (an allocation may change)
        if detail is None:
            self.data = None
            for table in (self.escalations, self.contacts, self.voices):
                table.setRowCount(0)
            self.summary.setText("")
            self._enable()
            return
        with self.ctx.db.session() as s:
            self.data = child_oversight(s, detail.id, as_of=self.ctx.as_of)
        self._show()

    def _show(self) -> None:
        data = self.data
        assert data is not None
        self.summary.setText(self.footprint_text())
        _fill(
            self.escalations,
            [
                (
                    uk(e.raised_on),
                    e.process_label,
                    e.theme,
                    e.raised_by,
                    e.stage_reached_name
                    + (
                        f" ({e.current.raised_with})" if e.current and e.current.raised_with else ""
                    ),
                    uk(e.deadline),
                    self._state(e),
                )
                for e in data.escalations
            ],
            [_story(e) for e in data.escalations],
        )
        _fill(
            self.contacts,
            [
                (
                    uk(c.contact_date),
                    c.kind_label,
                    _yes_no(c.with_child),
                    "Yes" if c.midway_review else "",
                    c.staff,
                    c.note,
                )
                for c in data.contacts
            ],
        )
        _fill(
            self.voices,
            [
                (
                    uk(m.held),
                    m.label,
                    m.participation or "—",
                    methods_text(m.voice.methods) if m.voice else "Not recorded",
                    self._advocacy(m.voice),
                    CONSULTATION.get(m.voice.consultation or "", "—") if m.voice else "—",
                )
                for m in data.meetings
            ],
        )
        self._enable()

    def footprint_text(self) -> str:
        """One line: last contact, the midway review, open challenges, inquorate."""
        data = self.data
        if data is None:
            return ""
        parts = [
            "Last IRO contact with the child: "
            + (uk(data.last_contact) if data.last_contact else "none recorded")
        ]
        fp = data.footprint
        if fp is not None and fp.midway_due is not None:
            due = uk(fp.midway_due.date)
            if fp.midway_done and fp.midway_done > fp.midway_due.date:
                parts.append(f"midway review done {uk(fp.midway_done)}, after its due date {due}")
            elif fp.midway_done:
                parts.append(f"midway review done {uk(fp.midway_done)} (due by {due})")
            elif fp.midway_overdue(data.as_of):
                parts.append(f"midway review OVERDUE (due by {due})")
            else:
                parts.append(f"midway review due by {due}")
            if fp.no_contact_by_midway(data.as_of):
                parts.append(
                    f"no contact with the child since the review on {uk(fp.previous_review)}"
                )
        if data.open_escalations:
            late = [
                f"{n} {words}"
                for n, words in (
                    (data.open_past_timescale, "past its timescale"),
                    (data.open_answer_overdue, "answer overdue"),
                )
                if n
            ]
            parts.append(
                f"{data.open_escalations} open challenge"
                + ("s" if data.open_escalations > 1 else "")
                + (f" ({', '.join(late)})" if late else "")
            )
        for v in data.inquorate:
            if v.not_reconvened(data.as_of) and v.due is not None:
                parts.append(
                    f"{v.label} on {uk(v.day)} not quorate: not reconvened by {uk(v.due.date)}"
                )
            elif v.second_in_a_row:
                parts.append(f"{v.label} on {uk(v.day)}: second inquorate conference in a row")
        return " · ".join(parts)

    @staticmethod
    def _state(e) -> str:  # noqa: ANN001
        if not e.is_open:
            cafcass = "; Cafcass referral" if e.cafcass_referred_on else ""
            return f"{e.outcome_label} {uk(e.resolved_on)}{cafcass}"
        if e.past_timescale:
            return "Open, past its timescale"
        overdue = e.overdue_stage()
        return "Open, answer overdue" if overdue is not None else "Open"

    @staticmethod
    def _advocacy(voice) -> str:  # noqa: ANN001
        if voice is None or voice.advocacy_offered is None:
            return "—"
        if not voice.advocacy_offered:
            return "Not offered"
        return {True: "Taken up", False: "Offered, declined"}.get(
            voice.advocacy_taken_up, "Offered"
        )

    # --- selection and who may --------------------------------------------------------------
    def rights(self) -> OversightRights | None:
        """What the acting user may record for the child shown, read again when the user,
        the child or the as-of date is not the one it was read for; None (nothing) while the
        register is seen as of another day, which is read only."""
        if self.detail is None or self.ctx.actor is None or self.ctx.viewing_past:
            return None
        rights = self._rights
        wanted = (self.ctx.actor, self.detail.id, self.ctx.as_of)
        if rights is None or (rights.actor, rights.child_id, rights.as_of) != wanted:
            with self.ctx.db.session() as s:
                rights = oversight_rights(s, *wanted[:2], as_of=self.ctx.as_of)
            self._rights = rights
        return rights

    def _may_record(self) -> bool:
        """Raising a challenge or recording a contact: an IRO only for a child of theirs."""
        rights = self.rights()
        return rights is not None and rights.records

    def _may_change(self, e) -> bool:  # noqa: ANN001 (an EscalationView)
        rights = self.rights()
        return rights is not None and rights.changes_escalation(e.raised_by_id)

    def _may_remove(self, c) -> bool:  # noqa: ANN001 (a ContactView)
        rights = self.rights()
        return rights is not None and rights.removes_contact(c.staff_id)

    def selected_escalation(self):
        rows = self.escalations.selectionModel().selectedRows()
        if not rows or self.data is None:
            return None
        return self.data.escalations[rows[0].row()]

    def selected_contact(self):
        rows = self.contacts.selectionModel().selectedRows()
        if not rows or self.data is None:
            return None
        return self.data.contacts[rows[0].row()]

    def selected_meeting(self):
        rows = self.voices.selectionModel().selectedRows()
        if not rows or self.data is None:
            return None
        return self.data.meetings[rows[0].row()]

    def apply_role(self) -> None:
        """Offer again what the acting user may do (their role changed)."""
        self._enable()

    def _enable(self) -> None:
        may = self._may_record()
        e = self.selected_escalation()
        change = e is not None and self._may_change(e)
        self.raise_button.setEnabled(may)
        self.escalate_button.setEnabled(change and e.is_open)
        self.answer_button.setEnabled(change and e.is_open and e.current is not None)
        self.outcome_button.setEnabled(change)
        self.themes_button.setVisible(self.ctx.can(Permission.MANAGE_SETTINGS))
        self.contact_button.setEnabled(may)
        c = self.selected_contact()
        self.remove_button.setEnabled(c is not None and self._may_remove(c))
        m = self.selected_meeting()
        rights = self.rights()
        self.voice_button.setEnabled(
            rights is not None and m is not None and rights.records_voice(m.chair_id)
        )
        # An IRO whose user has no staff record: why these are off (the child's page says
        # it above the tabs too).
        why = self.ctx.recording_off_reason
        for button in (self.raise_button, self.contact_button, self.voice_button):
            button.setToolTip(why)
        if (
            not why
            and m is not None
            and rights is not None
            and not self.voice_button.isEnabled()
            and self.ctx.can(Permission.RECORD_OVERSIGHT)
        ):
            self.voice_button.setToolTip(
                f"The {m.label} was chaired by someone else: its chair records the child's "
                "views (an administrator can too)"
            )

    # --- actions ----------------------------------------------------------------------------
    def raise_challenge(self) -> None:
        from ui.dialogs.oversight import EscalationDialog

        if self.detail is not None and self._may_record():
            _run(EscalationDialog(self.ctx, self.detail, parent=self))

    def escalate(self) -> None:
        from ui.dialogs.oversight import StageDialog

        e = self.selected_escalation()
        if e is not None and e.is_open and self._may_change(e):
            _run(StageDialog(self.ctx, e, parent=self))

    def answer(self) -> None:
        from ui.dialogs.oversight import ResponseDialog

        e = self.selected_escalation()
        if e is not None and e.current is not None and self._may_change(e):
            _run(ResponseDialog(self.ctx, e.current, parent=self))

    def outcome(self) -> None:
        from ui.dialogs.oversight import OutcomeDialog

        e = self.selected_escalation()
        if e is not None and self._may_change(e):
            _run(OutcomeDialog(self.ctx, e, parent=self))

    def edit_themes(self) -> None:
        from ui.dialogs.oversight import ThemesDialog

        _run(ThemesDialog(self.ctx, parent=self))

    def add_contact(self) -> None:
        from ui.dialogs.oversight import ContactDialog

        if self.detail is None or not self._may_record():
            return
        fp = self.data.footprint if self.data is not None else None
        due = fp.midway_due.date if fp is not None and fp.midway_due is not None else None
        _run(ContactDialog(self.ctx, self.detail, midway_due=due, parent=self))

    def remove_selected_contact(self) -> None:
        c = self.selected_contact()
        if c is None or not self._may_remove(c):
            return
        question = f"Remove the {c.kind_label.lower()} of {uk(c.contact_date)} by {c.staff}?"
        if prompts().confirm(self, question):
            perform(
                self,
                self.ctx,
                remove_contact,
                c.id,
                as_of=self.ctx.as_of,
                expected_version=c.version,
            )

    def record_voice(self) -> None:
        from ui.dialogs.oversight import VoiceDialog

        m = self.selected_meeting()
        if m is not None and self.voice_button.isEnabled():
            _run(VoiceDialog(self.ctx, m, parent=self))


__all__ = ["OversightSection"]
