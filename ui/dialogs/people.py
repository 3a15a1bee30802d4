"""A child's family and network, the professionals involved with them, and the council's
directory of professionals and agencies: lists with Add, Edit and Remove, and the forms.

Every save is an action (`reviewdesk.actions.save_person` and friends), built on the version
the form was filled from; a refusal is shown and the form stays open. None of this comes
from the statutory returns: the council keeps it here.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reviewdesk.actions import (
    PersonForm,
    ProfessionalForm,
    link_professional,
    remove_person,
    save_person,
    save_professional,
    unlink_professional,
)
from reviewdesk.codes import AGENCY, CONTACT_BY, RELATIONSHIP
from reviewdesk.invitations.details import (
    PersonInfo,
    ProfessionalInfo,
    child_people,
    directory,
)
from ui.context import AppContext
from ui.dialogs import FormDialog, finding_list, select_data, typed_choice
from ui.dialogs.screen_fit import fit_to_screen, scrolling
from ui.dialogs.tables import RecordTable
from ui.operations import perform
from ui.prompts import prompts


def _combo(words: dict[str, str], accessible: str) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(accessible)
    for code, text in words.items():
        combo.addItem(text, code)
    return combo


def _line(accessible: str, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setAccessibleName(accessible)
    edit.setPlaceholderText(placeholder)
    return edit


def _address() -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setAccessibleName("Address")
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(edit.fontMetrics().lineSpacing() * 4 + 12)
    return edit


def _form_layout(dialog: QDialog, form: QFormLayout, buttons: QDialogButtonBox) -> None:
    """The form (scrolling when the screen is short) above the Save and Cancel buttons."""
    fields = QWidget()
    fields.setLayout(form)
    layout = QVBoxLayout(dialog)
    layout.addWidget(scrolling(fields), 1)
    layout.addWidget(buttons)
    fit_to_screen(dialog, 560, fields.sizeHint().height() + buttons.sizeHint().height() + 40)


def _buttons(dialog: QDialog) -> QDialogButtonBox:
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


class PersonDialog(FormDialog):
    """Add or change someone in a child's family and network."""

    def __init__(
        self, ctx: AppContext, child_id: int, person: PersonInfo | None = None, parent=None
    ) -> None:
        super().__init__(parent)
        self.ctx, self.child_id, self.person = ctx, child_id, person
        self.saved_id: int | None = None
        self.setWindowTitle("Change a family member" if person else "Add to family and network")
        self.name = _line("Name")
        self.relation = _combo(RELATIONSHIP, "Relationship to the child")
        self.responsibility = QCheckBox("&Has parental responsibility")
        self.address = _address()
        self.email = _line("Email")
        self.phone = _line("Phone")
        self.contact = _combo(CONTACT_BY, "Preferred contact")
        self.interpreter = _line("Interpreter language", "language, if an interpreter is needed")
        self.access = _line("Access needs", "e.g. wheelchair access, hearing loop")
        self.excluded = QCheckBox("Exc&luded from part of the conference")
        self.exclusion_note = _line("Why and from which part")
        self.exclusion_note.setEnabled(False)
        self.excluded.toggled.connect(self.exclusion_note.setEnabled)
        self.active = QCheckBox("S&till involved with the child")
        self.active.setChecked(True)
        if person is not None:
            self.name.setText(person.name)
            select_data(self.relation, person.relation)
            self.responsibility.setChecked(person.parental_responsibility)
            self.address.setPlainText(person.address)
            self.email.setText(person.email)
            self.phone.setText(person.phone)
            select_data(self.contact, person.preferred_contact)
            self.interpreter.setText(person.interpreter)
            self.access.setText(person.access_needs)
            self.excluded.setChecked(person.excluded_from_part)
            self.exclusion_note.setText(person.exclusion_note)
            self.active.setChecked(person.active)
        form = QFormLayout()
        form.addRow("&Name", self.name)
        form.addRow("&Relationship", self.relation)
        form.addRow("", self.responsibility)
        form.addRow("&Address", self.address)
        form.addRow("&Email", self.email)
        form.addRow("&Phone", self.phone)
        form.addRow("Pre&ferred contact", self.contact)
        form.addRow("&Interpreter", self.interpreter)
        form.addRow("A&ccess needs", self.access)  # Alt+E is the email's
        form.addRow("", self.excluded)
        form.addRow("E&xclusion", self.exclusion_note)
        form.addRow("", self.active)
        self.buttons = _buttons(self)
        _form_layout(self, form, self.buttons)
        self.name.setFocus()

    def form(self) -> PersonForm:
        return PersonForm(
            name=self.name.text(),
            relation=self.relation.currentData(),
            parental_responsibility=self.responsibility.isChecked(),
            address=self.address.toPlainText(),
            email=self.email.text(),
            phone=self.phone.text(),
            preferred_contact=self.contact.currentData(),
            interpreter=self.interpreter.text(),
            access_needs=self.access.text(),
            excluded_from_part=self.excluded.isChecked(),
            exclusion_note=self.exclusion_note.text() if self.excluded.isChecked() else "",
            active=self.active.isChecked(),
        )

    def accept(self) -> None:
        p = self.person
        changes = perform(
            self,
            self.ctx,
            save_person,
            self.child_id,
            self.form(),
            person_id=p.id if p else None,
            expected_version=p.version if p else 0,
        )
        if changes is not None:
            self.saved_id = changes.result
            super().accept()


class ProfessionalDialog(FormDialog):
    """Add or change a directory entry (a professional, or an agency's contact point)."""

    def __init__(
        self, ctx: AppContext, professional: ProfessionalInfo | None = None, parent=None
    ) -> None:
        super().__init__(parent)
        self.ctx, self.professional = ctx, professional
        self.saved_id: int | None = None
        self.setWindowTitle("Change a directory entry" if professional else "Add to the directory")
        self.name = _line("Name")
        self.agency = _combo(AGENCY, "Agency")
        self.organisation = _line("Organisation", "e.g. Elm Grove Surgery")
        self.job_title = _line("Job title")
        self.email = _line("Email")
        self.secure = QCheckBox("The email is sec&ure (packs may be sent to it)")
        self.phone = _line("Phone")
        self.address = _address()
        self.contact = QCheckBox("The agency's con&tact point (invited when no one is named)")
        self.active = QCheckBox("In the &directory (untick when they leave)")
        self.active.setChecked(True)
        if professional is not None:
            self.name.setText(professional.name)
            select_data(self.agency, professional.agency)
            self.organisation.setText(professional.organisation)
            self.job_title.setText(professional.job_title)
            self.email.setText(professional.email)
            self.secure.setChecked(professional.secure_email)
            self.phone.setText(professional.phone)
            self.address.setPlainText(professional.address)
            self.contact.setChecked(professional.agency_contact)
            self.active.setChecked(professional.active)
        form = QFormLayout()
        form.addRow("&Name", self.name)
        form.addRow("A&gency", self.agency)
        form.addRow("&Organisation", self.organisation)
        form.addRow("&Job title", self.job_title)
        form.addRow("&Email", self.email)
        form.addRow("", self.secure)
        form.addRow("&Phone", self.phone)
        form.addRow("&Address", self.address)
        form.addRow("", self.contact)
        form.addRow("", self.active)
        self.buttons = _buttons(self)
        _form_layout(self, form, self.buttons)
        self.name.setFocus()

    def form(self) -> ProfessionalForm:
        return ProfessionalForm(
            name=self.name.text(),
            agency=self.agency.currentData(),
            organisation=self.organisation.text(),
            job_title=self.job_title.text(),
            email=self.email.text(),
            phone=self.phone.text(),
            address=self.address.toPlainText(),
            secure_email=self.secure.isChecked(),
            agency_contact=self.contact.isChecked(),
            active=self.active.isChecked(),
        )

    def accept(self) -> None:
        p = self.professional
        changes = perform(
            self,
            self.ctx,
            save_professional,
            self.form(),
            professional_id=p.id if p else None,
            expected_version=p.version if p else 0,
        )
        if changes is not None:
            self.saved_id = changes.result
            super().accept()


def _row_buttons(*names: tuple[str, str]) -> tuple[QHBoxLayout, list[QPushButton]]:
    row = QHBoxLayout()
    buttons = []
    for text, accessible in names:
        button = QPushButton(text)
        button.setAccessibleName(accessible)
        row.addWidget(button)
        buttons.append(button)
    row.addStretch(1)
    return row, buttons


class DirectoryDialog(QDialog):
    """The council's directory of professionals and agencies."""

    def __init__(self, ctx: AppContext, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Directory of professionals and agencies")
        self.search = _line("Find in the directory", "Find by name, agency or organisation")
        self.search.textChanged.connect(lambda _t: self.refresh())
        self.retired = QCheckBox("Show those who have &left")
        self.retired.toggled.connect(lambda _c: self.refresh())
        self.table = RecordTable(
            ("Name", "Agency", "Organisation", "Email", "Phone", "Contact point"),
            "Directory of professionals",
        )
        self.table.doubleClicked.connect(lambda _i: self.edit())
        row, (self.add_button, self.edit_button) = _row_buttons(
            ("&Add…", "Add a professional"), ("&Edit…", "Change the selected professional")
        )
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit)
        for button in (self.add_button, self.edit_button):
            button.setEnabled(ctx.can_book)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        find_label = QLabel("&Find")
        find_label.setBuddy(self.search)
        top = QHBoxLayout()
        top.addWidget(find_label)
        top.addWidget(self.search, 1)
        top.addWidget(self.retired)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addWidget(close)
        fit_to_screen(self, 880, 480)
        self.refresh()

    def refresh(self) -> None:
        with self.ctx.db.session() as s:
            everyone = directory(s, include_retired=self.retired.isChecked())
        wanted = self.search.text().strip().casefold()
        shown = [
            p
            for p in everyone
            if not wanted
            or wanted in f"{p.name} {p.agency_words} {p.organisation} {p.job_title}".casefold()
        ]
        self.table.set_rows(
            [
                (
                    p,
                    (
                        p.name + ("" if p.active else " (left)"),
                        p.agency_words,
                        p.organisation,
                        p.email + (" (secure)" if p.secure_email and p.email else ""),
                        p.phone,
                        "Yes" if p.agency_contact else "",
                    ),
                )
                for p in shown
            ]
        )

    def add(self) -> None:
        dialog = ProfessionalDialog(self.ctx, parent=self)
        if prompts().run_dialog(dialog):
            self.refresh()
            self.table.select_where(lambda p: p.id == dialog.saved_id)

    def edit(self) -> None:
        chosen = self.table.selected_record()
        if chosen is None or not self.ctx.can_book:
            return
        if prompts().run_dialog(ProfessionalDialog(self.ctx, chosen, parent=self)):
            self.refresh()


class PeopleDialog(QDialog):
    """A child's family and network, and the professionals involved with them."""

    def __init__(self, ctx: AppContext, child_id: int, child_name: str, parent=None) -> None:
        super().__init__(parent)
        self.ctx, self.child_id = ctx, child_id
        self.setWindowTitle(f"Family, network and professionals: {child_name}")
        self.people = RecordTable(
            ("Name", "Relationship", "Contact by", "Email", "Phone", "Needs", "Excluded"),
            "Family and network",
        )
        self.people.doubleClicked.connect(lambda _i: self.edit_person())
        people_row, (self.add_person_button, self.edit_person_button, self.remove_person_button) = (
            _row_buttons(
                ("&Add person…", "Add someone to the family and network"),
                ("&Edit person…", "Change the selected person"),
                ("&Remove person", "Remove the selected person"),
            )
        )
        self.add_person_button.clicked.connect(self.add_person)
        self.edit_person_button.clicked.connect(self.edit_person)
        self.remove_person_button.clicked.connect(self.remove_person)
        people_box = QGroupBox("Family and network")
        box_layout = QVBoxLayout(people_box)
        box_layout.addWidget(self.people, 1)
        box_layout.addLayout(people_row)

        self.involved = RecordTable(
            ("Name", "Agency", "Organisation", "Email", "Note"), "Professionals involved"
        )
        self.directory_choice = finding_list(
            QComboBox(), "Professional from the directory", "Type a name from the directory"
        )
        self.note = _line("Note", "e.g. class teacher")
        pro_row, (self.link_button, self.unlink_button, self.directory_button) = _row_buttons(
            ("&Involve", "Involve the chosen professional with the child"),
            ("No &longer involved", "The selected professional is no longer involved"),
            ("&Directory…", "Open the directory of professionals"),
        )
        self.link_button.clicked.connect(self.link)
        self.unlink_button.clicked.connect(self.unlink)
        self.directory_button.clicked.connect(self.open_directory)
        choose = QHBoxLayout()
        for words, field, stretch in (
            ("&Professional", self.directory_choice, 2),
            ("&Note", self.note, 1),
        ):
            label = QLabel(words)
            label.setBuddy(field)
            choose.addWidget(label)
            choose.addWidget(field, stretch)
        pro_box = QGroupBox("Professionals involved")
        pro_layout = QVBoxLayout(pro_box)
        pro_layout.addWidget(self.involved, 1)
        pro_layout.addLayout(choose)
        pro_layout.addLayout(pro_row)

        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        boxes = QWidget()
        boxes_layout = QVBoxLayout(boxes)
        boxes_layout.setContentsMargins(0, 0, 0, 0)
        boxes_layout.addWidget(people_box, 1)
        boxes_layout.addWidget(pro_box, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(scrolling(boxes), 1)
        layout.addWidget(close)
        for widget in (
            self.add_person_button,
            self.edit_person_button,
            self.remove_person_button,
            self.link_button,
            self.unlink_button,
            self.directory_choice,
            self.note,
        ):
            widget.setEnabled(ctx.can_book)
        fit_to_screen(self, 900, 600)
        self.refresh()

    def refresh(self) -> None:
        with self.ctx.db.session() as s:
            people, links = child_people(s, self.child_id)
            everyone = directory(s)
        self.people.set_rows(
            [
                (
                    p,
                    (
                        p.name + ("" if p.active else " (no longer involved)"),
                        p.relation_words + (", PR" if p.parental_responsibility else ""),
                        p.contact_words,
                        p.email,
                        p.phone,
                        p.needs,
                        (p.exclusion_note or "Yes") if p.excluded_from_part else "",
                    ),
                )
                for p in people
            ]
        )
        self.involved.set_rows(
            [
                (
                    link,
                    (
                        link.professional.name,
                        link.professional.agency_words,
                        link.professional.organisation,
                        link.professional.email,
                        link.note,
                    ),
                )
                for link in links
            ]
        )
        linked = {link.professional.id for link in links}
        self.directory_choice.clear()
        for p in everyone:
            if p.id not in linked:
                self.directory_choice.addItem(p.label, p.id)
        self.directory_choice.setCurrentIndex(-1)

    def add_person(self) -> None:
        dialog = PersonDialog(self.ctx, self.child_id, parent=self)
        if prompts().run_dialog(dialog):
            self.refresh()
            self.people.select_where(lambda p: p.id == dialog.saved_id)

    def edit_person(self) -> None:
        chosen = self.people.selected_record()
        if chosen is None or not self.ctx.can_book:
            return
        if prompts().run_dialog(PersonDialog(self.ctx, self.child_id, chosen, parent=self)):
            self.refresh()

    def remove_person(self) -> None:
        chosen = self.people.selected_record()
        if chosen is None:
            return
        question = (
            f"Remove {chosen.name} from the family and network? Meetings they were invited "
            "to keep their name. (To keep them on record, edit them and untick 'Still "
            "involved' instead.)"
        )
        if not prompts().confirm(self, question):
            return
        perform(self, self.ctx, remove_person, chosen.id, expected_version=chosen.version)
        self.refresh()

    def link(self) -> None:
        index, why = typed_choice(
            self.directory_choice, "Choose a professional from the directory first."
        )
        if index < 0:
            prompts().error(self, why)
            return
        professional_id = self.directory_choice.itemData(index)
        if perform(
            self, self.ctx, link_professional, self.child_id, professional_id, self.note.text()
        ):
            self.note.clear()
            self.refresh()

    def unlink(self) -> None:
        chosen = self.involved.selected_record()
        if chosen is None:
            return
        perform(self, self.ctx, unlink_professional, chosen.id, expected_version=chosen.version)
        self.refresh()

    def open_directory(self) -> None:
        prompts().run_dialog(DirectoryDialog(self.ctx, parent=self))
        self.refresh()


__all__ = ["DirectoryDialog", "PeopleDialog", "PersonDialog", "ProfessionalDialog"]
