"""Every modal question the app asks goes through one object, so tests can replace it.

A bare ``exec()`` hangs a headless test run; pages call ``prompts.run_dialog(dialog)`` or
``prompts.error(...)`` instead, and tests swap in a recorder that answers at once.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QMessageBox, QWidget


class Prompts:
    """The real, modal implementation."""

    def run_dialog(self, dialog: QDialog) -> bool:
        return dialog.exec() == QDialog.DialogCode.Accepted

    def error(self, parent: QWidget | None, message: str, log: Path | None = None) -> None:
        box = QMessageBox(parent)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("reviewdesk")
        box.setText(message)
        if log is not None:
            box.setInformativeText(f"The details were saved to {log} for your IT support.")
        box.setAccessibleName("Error message")
        box.exec()

    def info(self, parent: QWidget | None, message: str) -> None:
        QMessageBox.information(parent, "reviewdesk", message)

    def confirm(self, parent: QWidget | None, question: str, *, default_no: bool = False) -> bool:
        """Yes or No; with ``default_no`` Enter answers No (going ahead despite a warning
        takes a deliberate Yes)."""
        no = QMessageBox.StandardButton.No
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "reviewdesk",
            question,
            QMessageBox.StandardButton.Yes | no,
            parent,
        )
        box.setDefaultButton(no if default_no else QMessageBox.StandardButton.Yes)
        box.setEscapeButton(no)
        return box.exec() == QMessageBox.StandardButton.Yes

    def save_or_discard(self, parent: QWidget | None, question: str) -> str | None:
        """Before moving on from something typed and not saved: Save, Discard or Cancel;
        ``"save"``, ``"discard"``, or None for Cancel (back to it, all as it was). Enter
        saves (nothing is lost, and saving is what it was typed for); Esc cancels."""
        buttons = QMessageBox.StandardButton
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "reviewdesk",
            question,
            buttons.Save | buttons.Discard | buttons.Cancel,
            parent,
        )
        box.setDefaultButton(buttons.Save)
        box.setEscapeButton(buttons.Cancel)
        box.exec()
        clicked = box.clickedButton()
        answer = box.standardButton(clicked) if clicked is not None else buttons.Cancel
        return {buttons.Save: "save", buttons.Discard: "discard"}.get(answer)

    def open_file(self, parent: QWidget | None, title: str, pattern: str) -> str | None:
        path, _selected = QFileDialog.getOpenFileName(parent, title, start_folder(), pattern)
        return path or None

    def save_file(self, parent: QWidget | None, title: str, name: str, pattern: str) -> str | None:
        """Where to save: the dialog opens in the person's documents folder with ``name``
        suggested (a bare name would start in whatever folder the program runs from)."""
        path, _selected = QFileDialog.getSaveFileName(parent, title, suggested_path(name), pattern)
        return path or None

    def open_document(self, parent: QWidget | None, path) -> None:
        """Open a PDF in the system's viewer (where it can be previewed and printed)."""
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices

        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            self.info(parent, f"The document was saved as {path}")

    def text(self, parent: QWidget | None, title: str, label: str) -> str | None:
        value, ok = QInputDialog.getText(parent, title, label)
        return value if ok else None


def start_folder() -> str:
    """The person's documents folder (their home if the system names none)."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return folder if folder and Path(folder).is_dir() else str(Path.home())


def suggested_path(name: str) -> str:
    """``name`` in the documents folder, unless it already names a folder of its own."""
    path = Path(name)
    return str(path) if path.is_absolute() else str(Path(start_folder()) / path.name)


_current: Prompts = Prompts()


def prompts() -> Prompts:
    return _current


def set_prompts(replacement: Prompts) -> Prompts:
    """Install a replacement (tests); returns the previous one."""
    global _current
    previous, _current = _current, replacement
    return previous
