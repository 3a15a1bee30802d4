"""The Settings page's box for invitations, report requests and packs: the council's address
on letters, the mailbox meeting requests come from, the largest report PDF, how far ahead the
chase list looks, whether calendar titles name children, and the letter templates.

Each setting is saved through `reviewdesk.actions.save_settings`, built on the version
shown, and checked by `reviewdesk.invitations.settings_check` (a template may use only its
letter's fields)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reviewdesk import actions
from reviewdesk.invitations.settings_check import ATTACHMENT_MB_LIMITS, CHASE_DAYS_LIMITS
from reviewdesk.invitations.templates import KINDS, shipped_template, template_for
from reviewdesk.settings import DEFAULTS, setting_versions
from ui.context import AppContext
from ui.dialogs import FormDialog
from ui.dialogs.screen_fit import fit_to_screen
from ui.number_box import NumberBox
from ui.operations import perform
from ui.prompts import prompts
from ui.theme import label
from ui.wrong_entries import refuse_wrong_entries

KEYS = (
    "council_address",
    "invitations_mailbox",
    "attachment_max_mb",
    "chase_working_days",
    "calendar_child_names",
)


def _versions(ctx: AppContext) -> dict[str, tuple[object, int]]:
    with ctx.db.session() as s:
        return setting_versions(s)


class LetterTemplatesDialog(FormDialog):
    """Edit the council's letter templates, one kind at a time, with the fields each may use.
    A template changed and not saved is not dropped without asking: on Close or Esc
    (`FormDialog`), nor on choosing another kind of letter, which put that kind's template
    over it without a word."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Letter templates")
        self.kind = QComboBox()
        self.kind.setAccessibleName("Kind of letter")
        for code, (title, _fields) in KINDS.items():
            self.kind.addItem(title, code)
        self.text = QPlainTextEdit()
        self.text.setAccessibleName("Template")
        self.text.setTabChangesFocus(True)
        self.fields = QLabel()
        self.fields.setWordWrap(True)
        self.fields.setAccessibleName("Fields this letter may use")
        self.shipped_button = QPushButton("Back to the shipped template")
        self.shipped_button.clicked.connect(
            lambda: self.text.setPlainText(shipped_template(self.kind.currentData()))
        )
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self._kind_shown = 0
        self._text_shown = ""
        self.kind.currentIndexChanged.connect(self._kind_chosen)
        kind_label = QLabel("&Letter")
        kind_label.setBuddy(self.kind)
        text_label = QLabel("&Template")
        text_label.setBuddy(self.text)
        top = QHBoxLayout()
        top.addWidget(kind_label)
        top.addWidget(self.kind, 1)
        top.addWidget(self.shipped_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(
            label(
                "Plain text; $field puts in a value (write $$ for a dollar sign); a blank "
                "line starts a new paragraph; a paragraph that comes out empty is left out.",
                "hint",
                wrap=True,
            )
        )
        layout.addWidget(text_label)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.fields)
        layout.addWidget(self.buttons)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        for widget in (self.text, self.shipped_button, self.save_button):
            widget.setEnabled(ctx.can_edit_settings)
        fit_to_screen(self, 820, 640)
        self._show()

    def _stored(self) -> tuple[dict[str, str], int]:
        value, version = _versions(self.ctx).get("letter_templates", ({}, 0))
        return dict(value or {}), version

    def _kind_chosen(self, index: int) -> None:
        """Another kind of letter: its template, once the one changed may be dropped (No
        keeps the kind shown, and what was typed)."""
        if index == self._kind_shown:
            return
        shown = self.kind.itemText(self._kind_shown)
        typed = self.text.toPlainText() != self._text_shown
        if typed and not prompts().confirm(
            self, f"Drop your changes to \u201c{shown}\u201d? They are not saved."
        ):
            self.kind.blockSignals(True)
            self.kind.setCurrentIndex(self._kind_shown)
            self.kind.blockSignals(False)
            return
        self._show()

    def _show(self) -> None:
        kind = self.kind.currentData()
        self._kind_shown = self.kind.currentIndex()
        stored, _version = self._stored()
        self._text_shown = template_for(kind, stored)
        self.text.setPlainText(self._text_shown)
        fields = KINDS[kind][1]
        self.fields.setText(
            "Fields: " + "; ".join(f"${name} ({meaning})" for name, meaning in fields.items())
        )
        self.entries_taken()

    def save(self) -> None:
        kind = self.kind.currentData()
        stored, version = self._stored()
        text = self.text.toPlainText()
        if text.strip() == shipped_template(kind).strip():
            stored.pop(kind, None)  # the shipped one: keep following it
        else:
            stored[kind] = text
        changes = perform(
            self, self.ctx, actions.save_settings, {"letter_templates": (stored, version)}
        )
        if changes is not None:
            self._text_shown = text
            self.entries_taken()
            prompts().info(self, f"{self.kind.currentText()}: saved.")


class InvitationSettingsBox(QWidget):
    """The settings of invitations, report requests and packs (see the module): a tab of
    Settings, which names it."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._settings: dict[str, tuple[object, int]] = {}
        self.address = QPlainTextEdit()
        self.address.setAccessibleName("Council address on letters")
        self.address.setTabChangesFocus(True)
        self.address.setFixedHeight(self.address.fontMetrics().lineSpacing() * 4 + 12)
        self.mailbox = QLineEdit()
        self.mailbox.setAccessibleName("Mailbox meeting requests come from")
        self.mailbox.setPlaceholderText("e.g. iro.service@council.gov.uk (else the clerk's)")
        self.max_mb = NumberBox(*ATTACHMENT_MB_LIMITS, 1, "Largest report PDF", suffix=" MB")
        self.chase_days = NumberBox(
            *CHASE_DAYS_LIMITS, 1, "Chase reports due within", suffix=" working days"
        )
        self.child_names = QCheckBox(
            "Name children in calendar titles (shared calendars are seen by many)"
        )
        self.templates_button = QPushButton("Letter templates…")
        self.templates_button.setAccessibleName("Edit the letter templates")
        self.templates_button.clicked.connect(
            lambda: prompts().run_dialog(LetterTemplatesDialog(self.ctx, self))
        )
        self.save_button = QPushButton("Save these settings")
        self.save_button.setAccessibleName("Save the invitation settings")
        self.save_button.clicked.connect(self.save)
        form = QFormLayout(self)
        # The fields at their own widths (a spin box as wide as the window reads badly).
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow("Address on letters", self.address)
        form.addRow("Meeting requests from", self.mailbox)
        form.addRow("Largest report PDF", self.max_mb)
        form.addRow("Chase reports due within", self.chase_days)
        form.addRow("", self.child_names)
        buttons = QHBoxLayout()
        buttons.addWidget(self.templates_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        form.addRow("", buttons)

    def refresh(self) -> None:
        self._settings = _versions(self.ctx)
        value = self._value
        self.address.setPlainText(str(value("council_address") or ""))
        self.mailbox.setText(str(value("invitations_mailbox") or ""))
        self.max_mb.setValue(int(value("attachment_max_mb")))
        self.chase_days.setValue(int(value("chase_working_days")))
        self.child_names.setChecked(bool(value("calendar_child_names")))
        may = self.ctx.can_edit_settings
        for widget in (self.address, self.mailbox, self.max_mb, self.chase_days, self.child_names):
            widget.setEnabled(may)
        self.save_button.setEnabled(may)

    def _value(self, key: str):
        return self._settings.get(key, (DEFAULTS.get(key), 0))[0]

    def form_values(self) -> dict[str, object]:
        return {
            "council_address": self.address.toPlainText(),
            "invitations_mailbox": self.mailbox.text().strip(),
            "attachment_max_mb": self.max_mb.value(),
            "chase_working_days": self.chase_days.value(),
            "calendar_child_names": self.child_names.isChecked(),
        }

    def save(self) -> None:
        if not self.ctx.can_edit_settings or refuse_wrong_entries(self):
            return  # (a number out of range would otherwise read as "nothing changed")
        changes = {
            key: (value, self._settings.get(key, (None, 0))[1])
            for key, value in self.form_values().items()
            if value != self._value(key)
        }
        if not changes:
            return
        if perform(self, self.ctx, actions.save_settings, changes) is not None:
            self.refresh()
            window = self.window()
            if callable(getattr(window, "statusBar", None)):
                window.statusBar().showMessage("Invitation settings saved.", 8000)


__all__ = ["InvitationSettingsBox", "LetterTemplatesDialog"]
