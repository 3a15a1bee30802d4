"""Edit a child's record: their details (`ChildDetailsDialog`) and who is allocated to them
(`AllocationDialog`: team, social worker and IRO from a date, the history kept). Completing
a child imported from a 903 return (only an ID, nobody allocated) is these two."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from reviewdesk import queries
from reviewdesk.actions import AllocationChange, ChildDetails, allocate, update_child
from reviewdesk.codes import StaffRole
from reviewdesk.queries import ChildDetail
from reviewdesk.scheduling import open_period
from reviewdesk.vocabulary import format_uk
from ui.context import AppContext
from ui.dialogs import DateOrNone, FormDialog, choice, date_edit, from_qdate, select_data
from ui.operations import perform
from ui.screen import fit

SEX_CHOICES = (("", "Not recorded"), ("1", "Male (1)"), ("2", "Female (2)"), ("U", "Not known"))


def _text(value: str | None, accessible: str, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit(value or "")
    edit.setAccessibleName(accessible)
    edit.setPlaceholderText(placeholder)
    return edit


def _buttons(dialog: QDialog, save_text: str) -> QDialogButtonBox:
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.button(QDialogButtonBox.StandardButton.Save).setText(save_text)
    buttons.accepted.connect(dialog.save)
    buttons.rejected.connect(dialog.reject)
    return buttons


class ChildDetailsDialog(FormDialog):
    """Name, date of birth (or expected delivery), sex, ethnicity and UPN."""

    def __init__(self, ctx: AppContext, detail: ChildDetail, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.detail = detail
        self.setWindowTitle(f"Edit the details of {detail.name} (ID {detail.local_id})")
        self.setAccessibleName("Edit a child's details")
        self.first_name = _text(detail.first_name, "First name")
        self.last_name = _text(detail.last_name, "Last name")
        self.dob = DateOrNone(detail.dob, ctx.as_of, "Date of birth", "Recorded")
        self.expected = DateOrNone(
            detail.expected_delivery, ctx.as_of, "Expected delivery (an unborn child)", "Recorded"
        )
        self.sex = QComboBox()
        self.sex.setAccessibleName("Sex")
        for code, words in SEX_CHOICES:
            self.sex.addItem(words, code or None)
        select_data(self.sex, detail.sex)
        self.ethnicity = _text(detail.ethnicity, "Ethnicity code", "e.g. WBRI (903 codes)")
        self.upn = _text(detail.upn, "Unique pupil number (UPN)", "13 characters")
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("ID", QLabel(detail.local_id))
        form.addRow("&First name", self.first_name)
        form.addRow("&Last name", self.last_name)
        form.addRow("Date of &birth", self.dob)
        form.addRow("&Expected delivery", self.expected)
        form.addRow("&Sex", self.sex)
        form.addRow("E&thnicity", self.ethnicity)
        form.addRow("&UPN", self.upn)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        buttons = _buttons(self, "Save details")
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        layout.addWidget(buttons)
        self.first_name.setFocus()
        fit(self, 520, self.sizeHint().height())

    def details(self) -> ChildDetails:
        return ChildDetails(
            first_name=self.first_name.text(),
            last_name=self.last_name.text(),
            dob=self.dob.value(),
            expected_delivery=self.expected.value(),
            sex=self.sex.currentData(),
            ethnicity=self.ethnicity.text(),
            upn=self.upn.text(),
        )

    def save(self) -> None:
        changes = perform(
            self,
            self.ctx,
            update_child,
            self.detail.id,
            self.details(),
            expected_version=self.detail.version,
            today=self.ctx.as_of,
        )
        if changes is not None:
            self.accept()


def _staff(ctx: AppContext, roles: set[StaffRole]) -> list[tuple[int, str]]:
    with ctx.db.session() as s:
        return queries.staff_with_roles(s, roles)


class AllocationDialog(FormDialog):
    """Team, social worker and (for a looked-after child) IRO from a date, with the day the
    IRO service was told of the child. Only what changes is saved; the history is kept."""

    def __init__(self, ctx: AppContext, detail: ChildDetail, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.detail = detail
        self.period = open_period(detail, ctx.as_of)
        self.setWindowTitle(f"Allocate: {detail.name}")
        self.setAccessibleName("Allocate a team, social worker and IRO")
        with ctx.db.session() as s:
            teams = queries.teams(s)
        self.on = date_edit(ctx.as_of, "Allocated from")
        self.team = choice(teams, "Team", none_text="No team")
        select_data(self.team, detail.team_id)
        workers = _staff(ctx, {StaffRole.SOCIAL_WORKER, StaffRole.TEAM_MANAGER})
        self.social_worker = choice(workers, "Social worker", none_text="No social worker")
        select_data(self.social_worker, detail.social_worker_id)
        self.iro = choice(
            _staff(ctx, {StaffRole.IRO, StaffRole.CP_CHAIR}), "IRO", none_text="No IRO"
        )
        self.reason = _text("", "Reason for the change", "Optional, e.g. caseload balancing")
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("From &date", self.on)
        form.addRow("&Team", self.team)
        form.addRow("&Social worker", self.social_worker)
        if self.period is not None:
            select_data(self.iro, self.period.iro_id)
            self.notified = DateOrNone(
                self.period.iro_notified, self.period.start, "IRO service told on", "Recorded"
            )
            form.addRow("&IRO", self.iro)
            form.addRow("IRO service t&old", self.notified)
            note = f"Looked after since {format_uk(self.period.start)}: the IRO is for this period."
        else:
            self.notified = None
            note = "Not looked after on this day: no IRO to allocate."
        form.addRow("&Reason", self.reason)
        hint = QLabel(note)
        hint.setProperty("role", "hint")
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        buttons = _buttons(self, "Save allocation")
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        layout.addWidget(buttons)
        # The keyboard starts on the first field, the date: on the team below it, a screen
        # reader never read the date the allocation would start from.
        self.on.setFocus()
        fit(self, 560, self.sizeHint().height())

    def change(self) -> AllocationChange:
        return AllocationChange(
            on=from_qdate(self.on.date()),
            team_id=self.team.currentData(),
            social_worker_id=self.social_worker.currentData(),
            iro_id=self.iro.currentData() if self.period is not None else None,
            iro_notified=self.notified.value() if self.notified is not None else None,
            reason=self.reason.text(),
        )

    def save(self) -> None:
        changes = perform(
            self,
            self.ctx,
            allocate,
            self.detail.id,
            self.change(),
            expected_version=self.detail.version,
            period_version=self.period.version if self.period is not None else None,
        )
        if changes is not None:
            self.accept()
