"""Import wizard: SSDA903 files or a CIN census file, checked and imported in the background
with a progress bar; every problem is listed in a table (file, row, column, value, why).

An import that would remove records with work recorded here (held meetings, periods of care,
CP plans, s47 enquiries; the return lacks them) writes nothing and the dialog asks, naming
each, whether to remove them: No (the default) leaves everything as it was; Yes runs the
import again, allowed to remove those (and no others: work recorded meanwhile on another
record makes it ask again)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase, QTextCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reviewdesk import actions
from ui.context import AppContext
from ui.dialogs.screen_fit import Pair
from ui.errors import friendly_message
from ui.operations import perform_in_background
from ui.prompts import prompts
from ui.screen import clamp_to_screen, fit, scrolling
from ui.theme import label

FILES_903 = (("header", "Header file"), ("episodes", "Episodes file"), ("reviews", "Reviews file"))
#: Each file's label, with its Alt+letter.
FILE_LABELS = {"header": "&Header file", "episodes": "&Episodes file", "reviews": "Re&views file"}
#: The problems table's headings: for the 903's CSV files, and for a census's XML.
CSV_HEADINGS = ["File", "Row", "Column", "Value", "Problem"]
XML_HEADINGS = ["File", "Line", "Element", "Value", "Problem"]
#: The dialog's height once an import runs (or the screen's, if less).
GROWN_HEIGHT = 900


class _FileField(QWidget):
    def __init__(self, label: str, pattern: str) -> None:
        super().__init__()
        self.label = label
        self.pattern = pattern
        self.edit = QLineEdit()
        self.edit.setAccessibleName(label)
        self.edit.setPlaceholderText("Choose a file…")
        self.browse = QPushButton("Browse…")
        self.browse.setAccessibleName(f"Choose the {label.lower()}")
        self.browse.clicked.connect(self._choose)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.browse)

    def _choose(self) -> None:
        path = prompts().open_file(self, f"Choose the {self.label.lower()}", self.pattern)
        if path:
            self.edit.setText(path)

    def path(self) -> str:
        return self.edit.text().strip()


def _file_label(text: str, field: _FileField) -> QLabel:
    """A file's label: its Alt+letter goes to the box the file's name is typed in (a label
    given the whole row went nowhere: the row itself takes no keyboard)."""
    words = QLabel(text)
    words.setBuddy(field.edit)
    return words


#: What the dialog says before the first import.
GUIDE = "\n".join(
    (
        "• Choose the files of the return: Browse…, or type where they are.",
        "• Check only reads them and lists what would change, writing nothing.",
        "• Import writes every change at once, or none if the files have a problem (unless "
        "you tick Import the other children): each problem is listed with its file, row, "
        "column and value.",
        "• Nothing recorded here (an IRO, a held meeting, its invitations) is removed without "
        "asking you first.",
    )
)


class ImportDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.result_value = None
        self.task = None
        self.setWindowTitle("Import from the statutory returns")

        self.kind = QComboBox()
        self.kind.setAccessibleName("What to import")
        self.kind.addItem("Looked-after children: SSDA903 files (CSV)", "903")
        self.kind.addItem("Child protection: CIN census file (XML)", "cin")
        self.fields_903 = {key: _FileField(text, "CSV files (*.csv)") for key, text in FILES_903}
        self.field_cin = _FileField("CIN census file", "XML files (*.xml)")
        page_903 = QWidget()
        form_903 = QFormLayout(page_903)
        form_903.setContentsMargins(0, 0, 0, 0)
        for key, _text in FILES_903:
            form_903.addRow(
                _file_label(FILE_LABELS[key], self.fields_903[key]), self.fields_903[key]
            )
        page_cin = QWidget()
        form_cin = QFormLayout(page_cin)
        form_cin.setContentsMargins(0, 0, 0, 0)
        form_cin.addRow(_file_label("Census &file", self.field_cin), self.field_cin)
        self.pages = QStackedWidget()
        self.pages.addWidget(page_903)
        self.pages.addWidget(page_cin)
        self.kind.currentIndexChanged.connect(self._show_page)
        self._show_page(0)

        self.dry_run = QCheckBox("&Check only: show what would change, write nothing")
        self.dry_run.setAccessibleName("Check only")
        self.skip_invalid = QCheckBox("Import the &other children when some have errors")
        self.skip_invalid.setAccessibleName("Skip children with errors")
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Import progress")
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.progress.setTextVisible(False)  # "0%" before anything has run read as stuck
        # Not there at all until an import runs: empty, it read as a box to type in.
        self.progress.setVisible(False)
        # Before the first import, what happens (the room below the boxes was empty).
        self.guide = label(GUIDE, "hint", wrap=True)
        self.guide.setAccessibleName("How importing works")
        # What is going on, and once done the summary's first line ("Import complete.").
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Import result")
        # Every line of the summary, each child changed, then every element or column read
        # and what became of it (used as what, or ignored and why): nothing in a return
        # disappears without a word. It scrolls, and can be selected and copied: the summary
        # was a label cut at 16 lines, 40 children left out listed as a dozen.
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.details.setAccessibleName("What the import did and read")
        # The importers' lines are laid out in columns: a fixed font.
        self.details.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.details.setVisible(False)
        self.errors = QTableWidget(0, 5)
        self.errors.setAccessibleName("Problems found in the files")
        self.errors.setHorizontalHeaderLabels(CSV_HEADINGS)
        self.errors.verticalHeader().setVisible(False)
        self.errors.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.errors.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.errors.horizontalHeader().setStretchLastSection(True)
        # Rows as high as their text needs: Qt's default is a third higher again.
        rows = self.errors.verticalHeader()
        rows.setDefaultSectionSize(self.errors.fontMetrics().height() + 8)
        for column, width in enumerate((150, 60, 110, 140)):
            self.errors.setColumnWidth(column, width)
        self.errors.setVisible(False)  # until an import finds problems

        self.run_button = QPushButton("Import")
        self.run_button.setAccessibleName("Start the import")
        self.run_button.clicked.connect(self.start)
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.accept)
        self.dry_run.toggled.connect(
            lambda on: self.run_button.setText("Check" if on else "Import")
        )
        buttons = QHBoxLayout()
        buttons.addWidget(self.progress, 1)
        buttons.addStretch(0)  # (the buttons at the right while there is no bar)
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.close_button)

        top = QFormLayout()
        top.addRow("&Import", self.kind)
        # The two boxes side by side where the dialog is wide enough, else one above the
        # other (`resizeEvent`): a row less for the files and boxes.
        self.options = Pair(self.dry_run, self.skip_invalid, (0, 1))
        # The files and boxes scroll on a low screen (1366x768 at 200%), the buttons and
        # what the import said staying in view.
        self.fields, body = scrolling(top, self.pages, self.options, self.guide)
        body.layout().addStretch(1)  # room to spare below the boxes, not between the rows
        # Down to two rows of them, scrolled, when what the import found needs the room
        # (the scroll area asked for three).
        self.fields.setMinimumHeight(2 * self.kind.sizeHint().height() + top.verticalSpacing())
        # What the import found: the problems and the summary one above the other, sharing
        # the height (`_share_height`); each handle can be dragged.
        self.found = QSplitter(Qt.Orientation.Vertical)
        self.found.setChildrenCollapsible(False)
        self.found.addWidget(self.errors)
        self.found.addWidget(self.details)
        self.found.setVisible(False)  # until an import has run
        # The files above what was found: once an import has run, the files give up their
        # height to its problems and summary, which at 200% on a 1366x768 screen had four
        # lines of the summary and one row of the problems between them.
        self.split = QSplitter(Qt.Orientation.Vertical)
        self.split.setChildrenCollapsible(False)
        self.split.addWidget(self.fields)
        self.split.addWidget(self.found)
        self.split.setStretchFactor(0, 0)
        self.split.setStretchFactor(1, 1)

        layout = QVBoxLayout(self)
        layout.addWidget(self.split, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        # Tab goes from the files and boxes to Import, then to what it found.
        chain = [self.kind]
        chain += [w for f in self.fields_903.values() for w in (f.edit, f.browse)]
        chain += [self.field_cin.edit, self.field_cin.browse, self.dry_run, self.skip_invalid]
        chain += [self.run_button, self.close_button, self.errors, self.details]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)
        # No larger than the screen (1366x768, or 683x384 at 200%), and as high as it has
        # room for once an import has found something (`_grow`): the problems and summary
        # take what the files leave. Until then, as high as the files, the boxes and the
        # guide need (`showEvent`): it stood two thirds empty.
        fit(self, 880, GROWN_HEIGHT)
        self._grown_height = self.height()
        self._compact_pending = True

    def _show_page(self, index: int) -> None:
        """The files of the kind of import chosen, taking their own height: the census's one
        file row had the room of the 903's three below it."""
        for i in range(self.pages.count()):
            shown = QSizePolicy.Policy.Preferred if i == index else QSizePolicy.Policy.Ignored
            self.pages.widget(i).setSizePolicy(shown, shown)
        self.pages.setCurrentIndex(index)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        options = (self.dry_run, self.skip_invalid)
        room = self.contentsRect().width() - 60  # the margins, a gap and a scroll bar
        wide = sum(w.sizeHint().width() for w in options) <= room
        self.options.set_wide(wide)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if self._compact_pending:  # (before it is first drawn, at the width it opens at)
            self._compact_pending = False
            self._fit_to_fields()
        super().showEvent(event)

    def _fit_to_fields(self) -> None:
        """As high as the files, the boxes and the guide need at this width, no higher."""
        self.layout().activate()
        body = self.fields.widget()
        width = self.fields.viewport().width()
        need = body.heightForWidth(width) if body.hasHeightForWidth() else -1
        need = max(need, body.sizeHint().height())
        rest = self.height() - self.fields.viewport().height()  # the status and the buttons
        self.resize(self.width(), min(self.height(), need + rest))

    def _grow(self) -> None:
        """As high as it opened with room for (`__init__`), kept on the screen."""
        if self.height() < self._grown_height:
            self.resize(self.width(), self._grown_height)
            clamp_to_screen(self)

    def _share_height(self) -> None:
        """After an import: the files keep their height where what it found still has room
        for a dozen lines of the summary and half a dozen problems, else give it up, down to
        two rows (they scroll); the problems get the height of their rows, up to
        half of what is left, the summary the rest."""
        self.found.setVisible(not self.errors.isHidden() or not self.details.isHidden())
        if self.found.isHidden():
            return
        self._grow()
        total = sum(self.split.sizes()) or self.split.height()
        table = self.errors
        wanted = 12 * self.details.fontMetrics().lineSpacing() + 2 * self.details.frameWidth()
        if not table.isHidden():
            row = table.verticalHeader().defaultSectionSize()
            wanted += table.horizontalHeader().sizeHint().height() + 6 * row
        fields = min(self.fields.widget().sizeHint().height(), total - wanted)
        fields = max(fields, self.fields.minimumHeight())
        self.split.setSizes([fields, total - fields])
        if not table.isHidden() and not self.details.isHidden():
            room = total - fields
            rows = (
                table.horizontalHeader().sizeHint().height()
                + sum(table.rowHeight(r) for r in range(table.rowCount()))
                + 2 * table.frameWidth()
            )
            table_height = max(min(rows, room // 2), table.minimumSizeHint().height())
            self.found.setSizes([table_height, room - table_height])

    # --- running --------------------------------------------------------------------------
    def job(self, remove_recorded: frozenset[str] = frozenset()):
        """The import to run, as a function of ``progress`` returning the action's changes;
        None (with a message) if the files are not all chosen. ``remove_recorded``: the
        references of the records with work recorded here a person was shown and agreed to
        remove (should the import find others, recorded since, it stops and asks again)."""
        kwargs = {
            "dry_run": self.dry_run.isChecked(),
            "skip_invalid": self.skip_invalid.isChecked(),
        }
        if remove_recorded:
            kwargs["remove_recorded"] = remove_recorded
        db, actor = self.ctx.db, self.ctx.actor
        if self.kind.currentData() == "903":
            paths = [self.fields_903[key].path() for key, _text in FILES_903]
            missing = [text for (_key, text), p in zip(FILES_903, paths, strict=True) if not p]
            if missing:
                prompts().error(self, "Choose the " + ", ".join(m.lower() for m in missing) + ".")
                return None
            return lambda progress: actions.import_903(
                db, actor, *paths, progress=progress, **kwargs
            )
        path = self.field_cin.path()
        if not path:
            prompts().error(self, "Choose the CIN census file.")
            return None
        return lambda progress: actions.import_cin(db, actor, path, progress=progress, **kwargs)

    #: Said when Close or Esc is pressed while an import runs: it goes on to the end.
    STILL_RUNNING = (
        "The import is still running. It writes all or nothing and cannot be stopped part "
        "way: this closes when you choose Close after it has finished."
    )

    def _running(self, on: bool) -> None:
        """While an import runs the files, the boxes and Close are off: closing hid the
        dialog and the import went on to the end (Esc read as a cancel, and its summary was
        never seen)."""
        for widget in (self.kind, self.pages, self.dry_run, self.skip_invalid, self.run_button):
            widget.setEnabled(not on)
        self.close_button.setEnabled(not on)
        self.close_button.setToolTip(self.STILL_RUNNING if on else "")

    def reject(self) -> None:  # Esc, and the title bar's close
        if self.task is not None:
            self.status.setText(self.STILL_RUNNING)
            return
        super().reject()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if self.task is not None:
            event.ignore()
            self.status.setText(self.STILL_RUNNING)
            return
        super().closeEvent(event)

    def start(self, remove_recorded: frozenset[str] = frozenset()) -> None:
        job = self.job(remove_recorded)
        if job is None:
            return
        self._running(True)
        self.errors.setRowCount(0)
        self.details.clear()
        self.details.setVisible(False)
        self.guide.setVisible(False)  # what the import finds takes the room from now on
        self._share_height()
        self.progress.setValue(0)
        self.progress.setTextVisible(True)
        self.progress.setVisible(True)
        self.status.setText("Reading the files…")
        self.task = perform_in_background(
            self,
            self.ctx,
            job,
            on_success=lambda changes: self.import_done(changes.result),
            on_failure=self.import_failed,
            on_progress=self.advance,
        )

    def advance(self, done: int, total: int, message: str) -> None:
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(min(done, max(total, 1)))
        if message:
            self.status.setText(message)

    #: Records named in the question before "... and N more".
    ASK_AT_MOST = 20

    def removal_question(self, result) -> str:
        """Whether to remove the records with work recorded here, each named."""
        found = result.recorded_removals
        n = len(found)
        names = [r.line() for r in found[: self.ASK_AT_MOST]]
        if n > self.ASK_AT_MOST:
            names.append(f"... and {n - self.ASK_AT_MOST} more")
        return (
            f"This import would remove {result.recorded_count(held=True)} with work recorded "
            "here, which the return lacks:\n\n" + "\n".join(names) + "\n\n"
            f"Remove {'it' if n == 1 else 'them'}, with all that was recorded? Each removal "
            "is kept in the audit trail.\n\nNo changes nothing: if the return is wrong, "
            "correct it in the case management system and import it again."
        )

    def import_done(self, result) -> None:
        self.task = None
        self._running(False)
        if result.held_back and prompts().confirm(
            self, self.removal_question(result), default_no=True
        ):
            self.start(frozenset(r.ref for r in result.recorded_removals))
            return
        self.result_value = result
        self.progress.setValue(self.progress.maximum())
        summary = result.summary_lines()
        if result.held_back:
            summary += [
                "Nothing was removed. If the return is wrong, correct it in the case "
                "management system and import it again."
            ]
        self.status.setText(summary[0] if summary else "")
        # The whole summary; the records with work recorded here it removes (or would), and
        # the dates recorded here it moves to a corrected start or finds after a corrected end;
        # which children change and
        # how (which of them loses a review, say), every one; then every column or element
        # read: the summary's totals did not say whose records they were.
        parts = [
            summary,
            result.recorded_lines(limit=None),
            result.moved_lines(limit=None),
            result.after_end_lines(limit=None),
            result.change_lines(limit=None),
            result.element_lines(),
        ]
        self.details.setPlainText("\n\n".join("\n".join(p) for p in parts if p))
        self.details.setVisible(any(parts))
        self.details.moveCursor(QTextCursor.MoveOperation.Start)
        issues = list(result.errors)
        # A census file's problems are at a line and an element (as the command line says),
        # not a spreadsheet's row and column.
        xml = self.kind.currentData() == "cin"
        self.errors.setHorizontalHeaderLabels(XML_HEADINGS if xml else CSV_HEADINGS)
        self.errors.setRowCount(len(issues))
        self.errors.setVisible(bool(issues))
        for row, issue in enumerate(issues):
            values = (
                Path(issue.file).name,
                str(issue.row) if issue.row else "",
                issue.column or "",
                "" if issue.value is None else str(issue.value),
                issue.message,
            )
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(str(issue))
                if column == 1:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.errors.setItem(row, column, item)
        self._share_height()

    def import_failed(self, exc: BaseException) -> None:
        self.task = None
        self._running(False)
        self.status.setText("The import did not finish: " + friendly_message(exc))
