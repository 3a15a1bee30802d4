"""Change one timescale rule: its value and unit, an optional second limit, whether it is in
use and its basis, with the council's source or reason (required). Checked as you type by
the same code that checks rules files; saved in one transaction, audited like every
setting."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from reviewdesk.actions import set_rule
from reviewdesk.engine.explain import apply_rule
from reviewdesk.errors import ReviewdeskError
from reviewdesk.rule_overrides import (
    BASIS_WORDS,
    RuleEntry,
    check_override,
    override_table,
)
from reviewdesk.rules import EVENTS, UNITS
from reviewdesk.vocabulary import format_uk_long
from ui.context import AppContext
from ui.dialogs import FormDialog
from ui.errors import refusal_message
from ui.number_box import NumberBox
from ui.operations import perform
from ui.prompts import prompts
from ui.wrong_entries import refuse_wrong_entries

#: Spin boxes go past the rules' own limit (1000) so that the shared checker, not the
#: widget, says what is allowed, in the same words as for a rules file.
SPIN_MAX = 99_999


def _unit_combo(accessible: str) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(accessible)
    for code, words in UNITS.items():
        combo.addItem(words, code)
    return combo


def _select(combo: QComboBox, value: str) -> None:
    index = combo.findData(value)
    if index >= 0:
        combo.setCurrentIndex(index)


def _label(text: str, buddy: QWidget) -> QLabel:
    """A label whose Alt+letter takes the keyboard to ``buddy``."""
    label = QLabel(text)
    label.setBuddy(buddy)
    return label


class RuleEditDialog(FormDialog):
    def __init__(self, ctx: AppContext, entry: RuleEntry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.entry = entry
        self.saved_table: dict[str, Any] | None = None
        rule = entry.rule
        self.setWindowTitle(f"Change a timescale: {rule.title}")
        self.setAccessibleName("Change a timescale rule")
        self.setMinimumWidth(640)

        heading = QLabel(f"<b>{html.escape(rule.title)}</b><br>{rule.id}")
        heading.setAccessibleName("Rule")
        shipped = entry.shipped
        shipped_text = (
            f"{shipped.describe()}.<br>Source: {html.escape(shipped.source)}"
            if shipped is not None
            else "None: this is the council's own rule."
        )
        self.shipped_label = QLabel(shipped_text)
        self.shipped_label.setWordWrap(True)
        self.shipped_label.setAccessibleName("The shipped rule and its source")

        self.amount = NumberBox(0, SPIN_MAX, rule.amount, "Amount")
        self.unit = _unit_combo("Unit")
        _select(self.unit, rule.unit)
        value_row = QHBoxLayout()
        value_row.addWidget(self.amount)
        value_row.addWidget(_label("&Unit", self.unit))
        value_row.addWidget(self.unit)
        value_row.addWidget(QLabel(f"{rule.direction} {EVENTS[rule.from_event]}"))
        value_row.addStretch(1)

        self.sooner = QCheckBox("&or, if sooner,")
        self.sooner.setAccessibleName("A second limit, whichever is sooner")
        self.sooner_amount = NumberBox(0, SPIN_MAX, 0, "Second limit: amount")
        self.sooner_unit = _unit_combo("Second limit: unit")
        if rule.sooner_of is not None:
            self.sooner.setChecked(True)
            self.sooner_amount.setValue(rule.sooner_of.amount)
            _select(self.sooner_unit, rule.sooner_of.unit)
        else:
            self.sooner_amount.setValue(4)
            _select(self.sooner_unit, "weeks")
        sooner_row = QHBoxLayout()
        sooner_row.addWidget(self.sooner)
        sooner_row.addWidget(_label("A&mount", self.sooner_amount))
        sooner_row.addWidget(self.sooner_amount)
        sooner_row.addWidget(_label("U&nit", self.sooner_unit))
        sooner_row.addWidget(self.sooner_unit)
        sooner_row.addStretch(1)

        self.enabled = QCheckBox("&In use")
        self.enabled.setAccessibleName("The rule is in use")
        self.enabled.setChecked(rule.enabled)
        if entry.required:
            self.enabled.setEnabled(False)
            self.enabled.setText("&In use (the due-date engine needs this rule)")
        self.basis = QComboBox()
        self.basis.setAccessibleName("Basis")
        for code, words in BASIS_WORDS.items():
            self.basis.addItem(words, code)
        # A council's change is its own practice unless it says otherwise.
        _select(self.basis, rule.basis if entry.overridden else "local")
        basis_row = QHBoxLayout()
        basis_row.addWidget(self.basis)
        basis_row.addStretch(1)

        self.source = QPlainTextEdit(entry.council_source)
        self.source.setAccessibleName("The council's source or reason (required)")
        self.source.setPlaceholderText(
            "Required: where the council's timescale comes from, e.g. “IRO service standard "
            "agreed by the Head of Service, 01/04/2024”."
        )
        self.source.setTabChangesFocus(True)
        self.source.setFixedHeight(72)

        self.preview = QLabel()
        self.preview.setWordWrap(True)
        self.preview.setAccessibleName("The rule as it would be")
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setProperty("role", "warning")
        self.problem.setAccessibleName("Problem with the rule")

        form = QFormLayout()
        form.addRow("Shipped", self.shipped_label)
        # Each field's Alt+letter (the rows of boxes take their label's as their first box).
        form.addRow(_label("&Timescale", self.amount), value_row)
        form.addRow("", sooner_row)
        form.addRow("", self.enabled)
        form.addRow(_label("&Basis", self.basis), basis_row)
        form.addRow("Source or &reason", self.source)
        form.addRow("Would be", self.preview)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setAccessibleName("Save the change to this rule")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

        for signal in (
            self.amount.valueChanged,
            self.unit.currentIndexChanged,
            self.sooner.toggled,
            self.sooner_amount.valueChanged,
            self.sooner_unit.currentIndexChanged,
            self.enabled.toggled,
            self.basis.currentIndexChanged,
            self.source.textChanged,
        ):
            signal.connect(self.update_preview)
        self.update_preview()

    # --- values ---------------------------------------------------------------------------
    def changes(self) -> dict[str, Any]:
        """The fields as the form has them, for `override_table`."""
        sooner = (
            (self.sooner_amount.value(), self.sooner_unit.currentData())
            if self.sooner.isChecked()
            else None
        )
        return {
            "amount": self.amount.value(),
            "unit": self.unit.currentData(),
            "sooner_of": sooner,
            "enabled": self.enabled.isChecked(),
            "basis": self.basis.currentData(),
            "source": self.source.toPlainText(),
        }

    def update_preview(self) -> None:
        self.sooner_amount.setEnabled(self.sooner.isChecked())
        self.sooner_unit.setEnabled(self.sooner.isChecked())
        changes = self.changes()
        source = changes["source"].strip()
        try:
            # Checked with a stand-in source: a missing one is said at Save, not as you type.
            table = override_table(self.entry.rule, **(changes | {"source": source or "-"}))
            rule = check_override(table)
        except ReviewdeskError as exc:
            self.preview.setText("")
            self._say(str(exc), "warning")
            return
        text = rule.describe()
        if not rule.enabled:
            text = f"Switched off (would be {text})"
        elif rule.from_event != "meeting":
            example: dt.date = self.ctx.as_of
            due = apply_rule(rule, example, self.ctx.calendar)
            text += (
                f".<br>Counting from {format_uk_long(example)} ({EVENTS[rule.from_event]}): "
                f"due by {format_uk_long(due.date)}"
            )
            if self.entry.shipped is not None and self.entry.shipped.enabled:
                before = apply_rule(self.entry.shipped, example, self.ctx.calendar)
                text += f"; the shipped rule gives {format_uk_long(before.date)}"
            text += "."
        self.preview.setText(text)
        self._say("" if source else "A source or reason is required to save.", "hint")

    def _say(self, text: str, role: str) -> None:
        """Show a problem: "warning" for a value that cannot be saved, "hint" otherwise."""
        self.problem.setText(text)
        if self.problem.property("role") != role:
            self.problem.setProperty("role", role)
            self.problem.style().unpolish(self.problem)
            self.problem.style().polish(self.problem)

    # --- saving ---------------------------------------------------------------------------
    def save(self) -> None:
        """Build the override (checked in full), then save it through the rule action,
        built on the version the settings page showed; on any problem say so and save
        nothing."""
        if not self.ctx.can_edit_settings:
            prompts().error(self, "Only an administrator can change the timescales.")
            return
        if refuse_wrong_entries(self):
            return
        try:
            override_table(self.entry.rule, **self.changes())
        except ReviewdeskError as exc:
            self._say(refusal_message(exc), "warning")
            prompts().error(self, refusal_message(exc))
            return
        changes = perform(
            self,
            self.ctx,
            set_rule,
            self.entry.rule.id,
            expected_version=self.entry.version,
            **self.changes(),
        )
        if changes is None:
            return
        self.saved_table = changes.result
        self.accept()
