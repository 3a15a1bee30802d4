"""Whose meetings to export: one chair's, one room's or one clerk's (a shared calendar of
their own), for File > Export a chair's, room's or clerk's calendar."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QVBoxLayout

from reviewdesk import queries
from ui.context import AppContext
from ui.prompts import prompts
from ui.theme import label


class ScheduleFilterDialog(QDialog):
    """Choose a chair, a room and/or a clerk; `filters` gives what the export takes."""

    def __init__(self, ctx: AppContext, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Whose calendar")
        with ctx.db.session() as s:
            lists = (queries.chairs(s), queries.rooms(s), queries.clerks(s))
        self.combos: dict[str, QComboBox] = {}
        form = QFormLayout()
        for key, words, items in zip(
            ("chair", "room", "clerk"), ("&Chair", "&Room", "C&lerk"), lists, strict=True
        ):
            combo = QComboBox()
            combo.setAccessibleName(words.replace("&", ""))
            combo.addItem("Any", None)
            for ident, name in items:
                combo.addItem(name, ident)
            self.combos[key] = combo
            form.addRow(words, combo)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            label("The meetings of the one chosen (of all three, if you choose more).", "hint")
        )
        layout.addLayout(form)
        layout.addWidget(self.buttons)

    def accept(self) -> None:
        if not self.chosen():
            prompts().error(self, "Choose a chair, a room or a clerk.")
            return
        super().accept()

    def chosen(self) -> dict[str, tuple[int, str]]:
        """What was chosen: key -> (id, name)."""
        return {
            key: (combo.currentData(), combo.currentText())
            for key, combo in self.combos.items()
            if combo.currentData() is not None
        }

    def filters(self) -> dict[str, set[int]]:
        """The export's keyword arguments (``chair_ids`` and so on)."""
        return {f"{key}_ids": {ident} for key, (ident, _name) in self.chosen().items()}


__all__ = ["ScheduleFilterDialog"]
