"""The import wizard: files chosen, work in the background with progress, errors tabled.

``reviewdesk.importers`` is another engineer's part; a stand-in with its documented shape
(``import_903(db, header, episodes, reviews, *, dry_run, skip_invalid, progress)``) is used
so the dialog is tested on its own.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import pytest
from PySide6.QtCore import QRect

from ui.dialogs.import_dialog import ImportDialog


@dataclass
class Issue:
    file: str
    row: int
    column: str
    value: str | None
    message: str

    def __str__(self) -> str:
        return f"{self.file} row {self.row}: {self.message}"


@dataclass
class Result:
    errors: list = field(default_factory=list)
    written: bool = False
    held_back: bool = False

    def summary_lines(self) -> list[str]:
        return [f"Import refused: {len(self.errors)} error(s); nothing was changed."]

    def change_lines(self, limit: int | None = None) -> list[str]:
        return []

    def recorded_lines(self, limit: int | None = None) -> list[str]:
        return []

    def moved_lines(self, limit: int | None = None) -> list[str]:
        return []

    def after_end_lines(self, limit: int | None = None) -> list[str]:
        return []

    def element_lines(self) -> list[str]:
        return []


def test_import_903_reports_every_error(ctx, qtbot, prompts_recorder, monkeypatch) -> None:
    calls = []

    def import_903(db, actor, header, episodes, reviews, *, dry_run, skip_invalid, progress):
        calls.append((header, episodes, reviews, dry_run, skip_invalid, threading.current_thread()))
        progress(1, 2, "Checking episodes")
        return Changes(
            result=Result(
                errors=[
                    Issue("/data/episodes.csv", 14, "DECOM", "31/02/2024", "not a date"),
                    Issue("/data/reviews.csv", 3, "REVIEW_CODE", "PN9", "unknown code"),
                ]
            )
        )

    from reviewdesk import actions
    from reviewdesk.actions import Changes

    monkeypatch.setattr(actions, "import_903", import_903)
    dialog = ImportDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    # Before any import: how it works where its findings will go, and no bar (empty, it
    # read as a box to type in; with "0%", as stuck).
    assert dialog.guide.isVisible() and not dialog.progress.isVisible()
    assert dialog.run_button.x() > dialog.width() // 2  # the buttons still at the right
    assert "Check only reads them and lists what would change" in dialog.guide.text()
    dialog.run_button.click()
    assert prompts_recorder.errors == ["Choose the header file, episodes file, reviews file."]
    prompts_recorder.file_answer = "/data/header.csv"
    dialog.fields_903["header"].browse.click()
    dialog.fields_903["episodes"].edit.setText("/data/episodes.csv")
    dialog.fields_903["reviews"].edit.setText("/data/reviews.csv")
    dialog.dry_run.setChecked(True)
    assert dialog.run_button.text() == "Check"
    dialog.run_button.click()
    qtbot.waitUntil(lambda: dialog.result_value is not None, timeout=5000)
    header, episodes, reviews, dry_run, skip, thread = calls[0]
    assert (header, episodes, reviews, dry_run, skip) == (
        "/data/header.csv",
        "/data/episodes.csv",
        "/data/reviews.csv",
        True,
        False,
    )
    assert thread is not threading.main_thread()
    assert dialog.errors.rowCount() == 2
    row = [dialog.errors.item(0, c).text() for c in range(5)]
    assert row == ["episodes.csv", "14", "DECOM", "31/02/2024", "not a date"]
    assert "Import refused: 2 error(s)" in dialog.status.text()
    assert dialog.run_button.isEnabled()
    assert not dialog.guide.isVisible() and dialog.progress.isVisible()
    assert dialog.progress.isTextVisible()


def test_real_903_import_through_the_dialog(window, qtbot, prompts_recorder, tmp_path) -> None:
    """With the real importers: a bad date is tabled and nothing written; fixed, it imports."""
    from tests.importers.generate import write_903

    files = write_903(tmp_path / "903", 6)
    good = files.episodes.read_text(encoding="utf-8")
    lines = good.splitlines()
    cells = lines[1].split(",")
    cells[1] = "31/02/2024"  # DECOM
    files.episodes.write_text(
        "\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n", encoding="utf-8"
    )
    window.import_action.setEnabled(True)
    seen = {}

    def drive(dialog: ImportDialog) -> bool:
        dialog.fields_903["header"].edit.setText(str(files.header))
        dialog.fields_903["episodes"].edit.setText(str(files.episodes))
        dialog.fields_903["reviews"].edit.setText(str(files.reviews))
        dialog.run_button.click()
        qtbot.waitUntil(lambda: dialog.result_value is not None, timeout=20000)
        seen["refused"] = dialog.result_value.refused
        seen["error"] = [dialog.errors.item(0, c).text() for c in range(5)]
        files.episodes.write_text(good, encoding="utf-8")
        dialog.result_value = None
        dialog.run_button.click()
        qtbot.waitUntil(lambda: dialog.result_value is not None, timeout=20000)
        seen["written"] = dialog.result_value.written
        seen["status"] = dialog.status.text()
        seen["details"] = dialog.details.toPlainText()
        seen["details shown"] = not dialog.details.isHidden()
        return True

    prompts_recorder.on_dialog = drive
    before = window.cases.list.model.rowCount()
    window.import_data()
    assert seen["refused"] is True
    assert seen["error"][0] == "episodes.csv" and seen["error"][2] == "DECOM"
    assert seen["error"][3] == "31/02/2024"
    assert seen["written"] is True
    # The summary says which years are in the data and what is not; every column read is
    # listed with what became of it.
    assert seen["status"] == "Import complete."
    assert "Years of the 903 return that are in the data: 2022-23 to 2023-24" in seen["details"]
    assert "Not in the data: anything before 2022-23" in seen["details"]
    assert seen["details shown"]
    assert "Columns read:" in seen["details"] and "DECOM" in seen["details"]
    window.cases.list.open_only.setCurrentIndex(1)  # all children
    assert window.cases.list.model.rowCount() >= before + 6


def _import_through_the_dialog(window, qtbot, prompts_recorder, runs) -> list[str]:
    """File > Import (Ctrl+I), and for each (header, episodes, reviews, box ticked) the files
    typed in, "Import the other children when some have errors" ticked or not, and Import
    clicked: what the dialog said after each (its first line, then all it said)."""
    from PySide6.QtCore import Qt

    from tests.ui.driving import on_screen

    said: list[str] = []

    def drive(dialog: ImportDialog) -> bool:
        dialog.show()  # as the modal dialog is (the prompts stand-in does not show it)
        qtbot.waitExposed(dialog)
        for *paths, skip in runs:
            for key, path in zip(("header", "episodes", "reviews"), paths, strict=True):
                dialog.fields_903[key].edit.setText(str(path))
            if dialog.skip_invalid.isChecked() != skip:
                dialog.skip_invalid.setFocus()
                qtbot.keyClick(dialog.skip_invalid, Qt.Key.Key_Space)
            dialog.result_value = None
            qtbot.mouseClick(dialog.run_button, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: dialog.result_value is not None, timeout=20000)
            assert dialog.status.text() == dialog.details.toPlainText().splitlines()[0]
            said.append(dialog.details.toPlainText())
        return True

    prompts_recorder.on_dialog = drive
    on_screen(window, qtbot)
    qtbot.keyClick(window, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    assert len(said) == len(runs)
    return said


def test_the_import_summary_says_what_happened_in_the_window_s_words(
    window, qtbot, prompts_recorder, tmp_path
) -> None:
    """An administrator imports a 903 return with a bad date in one child's episode, then
    again with "Import the other children when some have errors" ticked, then a return of
    column headings only. The summary said "Left out with --skip-invalid (1 children)", an
    option the window has not; the refused import listed every kind of record as "0 added
    0 updated 0 unchanged 0 removed"; and the return of no child said "Import complete."
    over more noughts, as if it had been imported."""
    from tests.importers.conftest import write
    from tests.importers.test_ssda903 import EP_COLS, HEADER, REVIEWS

    bad_episodes = write(
        tmp_path / "bad",
        "episodes.csv",
        f"{EP_COLS}\nA1,01/04/2023,S,C2,N1,U1,PR1,,,,,,\nB2,31/13/2024,S,V2,N1,U1,PR1,,,,,,\n",
    )
    header = write(tmp_path / "bad", "header.csv", HEADER)
    reviews = write(
        tmp_path / "bad", "reviews.csv", REVIEWS.replace("B2,03/04/2022,01/02/2024,PN0\n", "")
    )
    empty = [
        write(tmp_path / "empty", name, text.splitlines()[0] + "\n")
        for name, text in (
            ("header.csv", HEADER),
            ("episodes.csv", EP_COLS),
            ("reviews.csv", REVIEWS),
        )
    ]
    refused, skipped, nothing = _import_through_the_dialog(
        window,
        qtbot,
        prompts_recorder,
        [
            (header, bad_episodes, reviews, False),
            (header, bad_episodes, reviews, True),
            (*empty, False),
        ],
    )
    assert refused.splitlines()[0] == "Import refused: 1 error(s); nothing was changed."
    assert "added" not in refused
    assert skipped.splitlines()[0] == "Import complete.", skipped
    assert "--skip-invalid" not in skipped
    assert "Left out, as their records have errors: 1 child (listed with the errors):" in skipped
    assert "  B2: 1 error" in skipped.splitlines()
    assert nothing.splitlines()[0] == (
        "Nothing to import: the files hold no children; nothing was changed."
    )
    assert "added" not in nothing


def test_esc_or_close_while_an_import_runs_leaves_the_dialog_open_until_it_ends(
    ctx, qtbot, prompts_recorder, monkeypatch
) -> None:
    """An administrator starts an import and, while it runs, presses Esc, then clicks Close.
    The dialog went away and the import went on to the end: Esc read as a cancel, and its
    summary was never seen. Now the dialog stays, says the import cannot be stopped part
    way, and shows the summary when it ends; then Close closes it."""
    from PySide6.QtCore import Qt

    from reviewdesk import actions
    from reviewdesk.actions import Changes

    release = threading.Event()

    def import_903(db, actor, header, episodes, reviews, *, dry_run, skip_invalid, progress):
        release.wait(10)
        return Changes(result=Result())

    monkeypatch.setattr(actions, "import_903", import_903)
    dialog = ImportDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    for key in ("header", "episodes", "reviews"):
        dialog.fields_903[key].edit.setText(f"/data/{key}.csv")
    qtbot.mouseClick(dialog.run_button, Qt.MouseButton.LeftButton)
    try:
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
        assert dialog.isVisible()
        assert dialog.status.text().startswith("The import is still running.")
        assert not dialog.close_button.isEnabled()
        assert not dialog.fields_903["header"].edit.isEnabled()  # the files being imported
    finally:
        release.set()
    qtbot.waitUntil(lambda: dialog.result_value is not None, timeout=5000)
    assert dialog.status.text().startswith("Import refused")  # the stand-in's summary
    assert dialog.close_button.isEnabled() and dialog.fields_903["header"].edit.isEnabled()
    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()


def test_a_page_that_fails_to_show_the_import_does_not_hide_its_summary(
    ctx, qtbot, prompts_recorder, monkeypatch
) -> None:
    """After an import the pages read the data again; when one could not (the dashboard's
    flags stopped on an imported child, once), the dialog kept saying "Import finished", the
    progress bar's word, with no summary, and its Close stayed off for good."""
    from PySide6.QtCore import Qt

    from reviewdesk import actions
    from reviewdesk.actions import Changes

    def import_903(db, actor, header, episodes, reviews, *, dry_run, skip_invalid, progress):
        progress(100, 100, "Import finished")
        return Changes(result=Result())

    def page_that_fails(_changes) -> None:
        raise RuntimeError("a page could not read the data")

    monkeypatch.setattr(actions, "import_903", import_903)
    ctx.subscribe(page_that_fails)
    dialog = ImportDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    for key in ("header", "episodes", "reviews"):
        dialog.fields_903[key].edit.setText(f"/data/{key}.csv")
    with qtbot.captureExceptions() as raised:
        qtbot.mouseClick(dialog.run_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: bool(raised), timeout=5000)
    assert dialog.status.text().startswith("Import refused")  # the stand-in's summary
    assert dialog.close_button.isEnabled()


def test_a_census_file_s_problems_are_at_a_line_and_an_element(
    window, qtbot, prompts_recorder, tmp_path
) -> None:
    """An administrator imports a CIN census whose plan starts on 30/02: the problems table
    headed the XML line "Row" and the element "Column", a spreadsheet's words (the command
    line says "line 1, element CPPstartDate")."""
    from PySide6.QtCore import Qt

    from tests.importers.conftest import write
    from tests.importers.test_import_cli import HELD_AT_CINDETAILS, _census

    census = write(
        tmp_path,
        "cin.xml",
        _census(
            "2024-03-31",
            HELD_AT_CINDETAILS.replace("<CPPstartDate>2023-06-20", "<CPPstartDate>2023-02-30"),
        ),
    )
    headings: list[list[str]] = []

    def drive(dialog: ImportDialog) -> bool:
        dialog.show()
        qtbot.waitExposed(dialog)
        dialog.kind.setFocus()
        qtbot.keyClick(dialog.kind, Qt.Key.Key_Down)  # the CIN census
        dialog.field_cin.edit.setText(str(census))
        qtbot.mouseClick(dialog.run_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.result_value is not None, timeout=20000)
        headings.append([dialog.errors.horizontalHeaderItem(c).text() for c in range(5)])
        headings.append([dialog.errors.item(0, c).text() for c in range(4)])
        return True

    prompts_recorder.on_dialog = drive
    window.import_data()
    assert headings[0] == ["File", "Line", "Element", "Value", "Problem"]
    assert headings[1] == ["cin.xml", "1", "CPPstartDate", "2023-02-30"]


def _children_imported_then_checked(window, qtbot, prompts_recorder, first, corrected):
    """The import dialog's "Children:" details, as an administrator sees them: after importing
    the 903 files ``first``, then after "Check only" with the files ``corrected``."""
    from PySide6.QtCore import Qt

    details: list[str] = []

    def drive(dialog: ImportDialog) -> bool:
        dialog.show()
        qtbot.waitExposed(dialog)
        for paths, check in ((first, False), (corrected, True)):
            for key, path in zip(("header", "episodes", "reviews"), paths, strict=True):
                dialog.fields_903[key].edit.setText(str(path))
            if check:
                dialog.dry_run.setFocus()
                qtbot.keyClick(dialog.dry_run, Qt.Key.Key_Space)
            dialog.result_value = None
            qtbot.mouseClick(dialog.run_button, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: dialog.result_value is not None, timeout=20000)
            lines = dialog.details.toPlainText().splitlines()
            details.append("\n".join(lines[lines.index("Children:") :]))
        return True

    prompts_recorder.on_dialog = drive
    window.import_data()
    return details


def test_check_only_names_the_children_the_import_would_change(
    window, qtbot, prompts_recorder, tmp_path
) -> None:
    """An administrator imports a 903 return, then ticks "Check only" with a corrected file
    that lacks one of A1's reviews. The summary said "reviews 0 added 0 updated 2 unchanged
    1 removed" and nothing said whose review would go (the command line lists each child in
    a dry run); the details now list the children and what would change."""
    from tests.importers.test_ssda903 import REVIEWS, files

    first = files(tmp_path / "first")
    corrected = files(
        tmp_path / "corrected", reviews=REVIEWS.replace("A1,01/02/2015,20/07/2023,PN5\n", "")
    )
    details = _children_imported_then_checked(window, qtbot, prompts_recorder, first, corrected)
    assert details[0].splitlines()[:3] == [
        "Children:",
        "  A1: new (periods 1 added; episodes 2 added; reviews 2 added)",
        "  B2: new (periods 1 added; episodes 1 added; reviews 1 added)",
    ]
    assert details[1].splitlines()[:2] == ["Children:", "  A1: updated (reviews 1 removed)"]


def test_check_only_says_a_corrected_decom_updates_the_period(
    window, qtbot, prompts_recorder, tmp_path
) -> None:
    """A corrected 903 return starts A1's care a day later (DECOM 01/04/2023 to 02/04/2023).
    "Check only" said A1's period of care would be removed and another added (and with it
    the IRO allocated here); it is the same period, its start corrected, and says so."""
    from tests.importers.test_ssda903 import EPISODES, files

    first = files(tmp_path / "first")
    corrected = files(
        tmp_path / "corrected", episodes=EPISODES.replace("A1,01/04/2023,S", "A1,02/04/2023,S")
    )
    details = _children_imported_then_checked(window, qtbot, prompts_recorder, first, corrected)
    assert details[1].splitlines()[:2] == [
        "Children:",
        "  A1: updated (periods 1 updated; episodes 1 added, 1 removed)",
    ]


def _typed_with_errors_skipped(qtbot, dialog, files) -> None:
    """The dialog on screen, the three 903 files typed into their fields as a person types
    them, and "Import the other children when some have errors" ticked with the space bar."""
    from PySide6.QtCore import Qt

    dialog.show()  # as the modal dialog is (the prompts stand-in does not show it)
    qtbot.waitExposed(dialog)
    for key, path in (
        ("header", files.header),
        ("episodes", files.episodes),
        ("reviews", files.reviews),
    ):
        edit = dialog.fields_903[key].edit
        qtbot.mouseClick(edit, Qt.MouseButton.LeftButton)
        qtbot.keyClicks(edit, str(path))
    dialog.skip_invalid.setFocus()
    qtbot.keyClick(dialog.skip_invalid, Qt.Key.Key_Space)


def _many_children(folder, children: int, bad: int):
    """A 903 return of ``children`` children, the first ``bad`` of them with an episode
    starting on 31/02/2024 (their IDs C000001 ...)."""
    from tests.importers.generate import rows_903, write_903

    rows = rows_903(children)
    spoilt = set()
    for row in rows.episodes:
        if row[0] not in spoilt and len(spoilt) < bad:
            row[1] = "31/02/2024"  # DECOM
            spoilt.add(row[0])
    return write_903(folder, rows=rows)


def test_every_line_of_a_large_import_is_shown_scrolled_and_copied(
    window, qtbot, prompts_recorder, tmp_path
) -> None:
    """An administrator imports a 903 return of 230 children, 20 with a bad date, with
    "Import the other children when some have errors" ticked. The summary was a label cut at
    16 lines (of the 20 children left out, a dozen were named) and the details stopped at
    200 children ("... and 10 more"). Every line is now in one scrolling text, which the
    keyboard selects and copies."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from tests.ui.driving import on_screen

    files = _many_children(tmp_path / "903", 230, 20)
    seen: dict[str, object] = {}

    def drive(dialog: ImportDialog) -> bool:
        _typed_with_errors_skipped(qtbot, dialog, files)
        qtbot.mouseClick(dialog.run_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.result_value is not None, timeout=60000)
        seen["status"] = dialog.status.text()
        text = dialog.details
        seen["shown"] = text.isVisible()
        seen["scrolls"] = text.verticalScrollBar().maximum() > 0
        qtbot.mouseClick(text.viewport(), Qt.MouseButton.LeftButton)
        qtbot.keyClick(text, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClick(text, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
        seen["copied"] = QApplication.clipboard().text()
        seen["text"] = text.toPlainText()
        seen["read only"] = text.isReadOnly()
        return True

    prompts_recorder.on_dialog = drive
    on_screen(window, qtbot)
    qtbot.keyClick(window, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    lines = str(seen["text"]).splitlines()
    assert "Left out, as their records have errors: 20 children (listed with the errors):" in lines
    left_out = [line for line in lines if line.startswith("  C0000") and "error" in line]
    assert [line.split(":")[0] for line in left_out] == [f"  C{n:06d}" for n in range(1, 21)]
    changed = [line for line in lines if line.startswith("  C") and ": new (" in line]
    assert len(changed) == 210
    assert changed[-1].startswith("  C000230: new (")
    assert not any(line.strip().startswith("... and") for line in lines)
    assert seen["status"] == "Import complete." == lines[0]
    assert seen["shown"] and seen["scrolls"] and seen["read only"]
    assert str(seen["copied"]).replace("\u2029", "\n") == seen["text"]


@pytest.mark.parametrize(
    "screen",
    [QRect(0, 0, 1366, 728), QRect(0, 0, 683, 364)],  # 1366x768 less a panel; at 200%
    ids=["1366x768", "scale-2"],
)
def test_the_import_dialog_fits_the_screen(ctx, qtbot, monkeypatch, screen) -> None:
    """It asked for at least 760 x 520, more than a 1366x768 screen has at twice the scale
    (683 x 364 once the panel is aside): its buttons went off the bottom."""
    import ui.screen

    monkeypatch.setattr(ui.screen, "available", lambda widget=None: QRect(screen))
    dialog = ImportDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    # Before an import: as high as the files, the boxes and the guide need (it opened as high
    # as the screen, two thirds of it empty), the guide whole where there is room.
    assert dialog.height() <= screen.height() - 30
    if screen.height() > 400:
        assert dialog.height() < 400
        assert dialog.guide.visibleRegion().boundingRect() == dialog.guide.rect()
    # What an import of 300 children, 20 with a bad date, says.
    issue = Issue("/data/episodes.csv", 14, "DECOM", "31/02/2024", "not a date")
    result = Result(errors=[issue] * 20)
    result.change_lines = lambda limit=None: [f"  C{n:06d}: new" for n in range(300)]
    dialog.import_done(result)
    hint = dialog.minimumSizeHint()
    assert hint.width() <= screen.width() and hint.height() <= screen.height() - 30, hint
    assert dialog.width() <= screen.width() and dialog.height() <= screen.height() - 30
    assert dialog.details.height() >= 3 * dialog.details.fontMetrics().lineSpacing()
    assert dialog.height() >= min(screen.height() - 30, 680)  # grown for what it found


def test_an_import_that_would_remove_recorded_work_asks_first(
    window, qtbot, prompts_recorder, tmp_path
) -> None:
    """An administrator imports a 903 return; A1's review of 20/07/2023 then has an invitee
    and an outcome recorded here. A corrected return lacks that review: pressing Import
    removed it, and all that was recorded, without a word. Now the dialog asks, naming it,
    with No the default: No changes nothing (docs/domain.md, "Importing the returns"); Yes
    removes it. Yes agrees to remove the meetings named, no others: when a colleague records
    work on B2's review (which the return lacks too) as the question is answered, the import
    asks again, naming both."""
    import datetime as dt

    from PySide6.QtCore import Qt
    from sqlalchemy import select

    from reviewdesk.storage.models import Invitee, Meeting
    from tests.importers.test_recorded_work import A1_JULY, B2_REVIEW, contents
    from tests.importers.test_ssda903 import REVIEWS, files

    db = window.ctx.db
    first = files(tmp_path / "first")
    corrected = files(
        tmp_path / "corrected", reviews=REVIEWS.replace(A1_JULY, "").replace(B2_REVIEW, "")
    )
    seen: dict[str, object] = {}
    meanwhile: list = []  # what a colleague does while the question is answered Yes
    ask = prompts_recorder.confirm

    def confirm(parent, question, *, default_no: bool = False) -> bool:
        answer = ask(parent, question, default_no=default_no)
        if answer and meanwhile:
            meanwhile.pop()()
        return answer

    prompts_recorder.confirm = confirm

    def colleague_records_b2s_review() -> None:
        with db.session() as s:
            review = s.scalars(
                select(Meeting).where(Meeting.held_date == dt.date(2024, 2, 1))
            ).one()
            review.late_reason_note = "Carer unwell"
            seen["b2"] = review.id

    asked: list[str] = []  # the questions pressing Import asked

    def press_import(dialog: ImportDialog, paths, answer: bool) -> None:
        for key, path in zip(("header", "episodes", "reviews"), paths, strict=True):
            prompts_recorder.file_answer = str(path)
            qtbot.mouseClick(dialog.fields_903[key].browse, Qt.MouseButton.LeftButton)
        del prompts_recorder.questions[:]  # the file choosers' titles
        prompts_recorder.confirm_answer = answer
        dialog.result_value = None
        qtbot.mouseClick(dialog.run_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.result_value is not None, timeout=20000)
        asked.extend(prompts_recorder.questions)

    def drive(dialog: ImportDialog) -> bool:
        dialog.show()
        qtbot.waitExposed(dialog)
        press_import(dialog, first, True)
        seen["first"] = (dialog.result_value.written, list(asked))
        with db.session() as s:
            review = s.scalars(
                select(Meeting).join(Meeting.child).where(Meeting.held_date == dt.date(2023, 7, 20))
            ).one()
            review.outcome = "continue"
            s.add(Invitee(meeting_id=review.id, name="Siân Jones", role="Mother"))
            seen["id"] = review.id
        before = contents(db)

        dialog.dry_run.setFocus()
        qtbot.keyClick(dialog.dry_run, Qt.Key.Key_Space)  # Check only: lists, never asks
        press_import(dialog, corrected, True)
        seen["check"] = (list(asked), dialog.status.text(), dialog.details.toPlainText())
        qtbot.keyClick(dialog.dry_run, Qt.Key.Key_Space)

        press_import(dialog, corrected, False)  # No: leave everything as it was
        seen["asked"] = list(asked)
        seen["default no"] = list(prompts_recorder.defaults_no)
        seen["stopped"] = dialog.result_value.held_back
        seen["status"] = dialog.status.text()
        seen["details"] = dialog.details.toPlainText()
        seen["unchanged"] = contents(db) == before

        meanwhile.append(colleague_records_b2s_review)
        press_import(dialog, corrected, True)  # Yes: remove it (and, asked again, B2's)
        seen["asked again"] = asked[1:]
        seen["written"] = dialog.result_value.written
        seen["after yes"] = dialog.details.toPlainText()
        return True

    prompts_recorder.on_dialog = drive
    window.import_data()
    assert seen["first"] == (True, [])
    check_asked, check_status, check_details = seen["check"]
    assert check_asked == []
    assert (
        "Would remove 1 meeting with work recorded here (listed below): an import stops "
        "before removing it unless told it may."
    ) in check_details.splitlines()  # the whole summary, below its first line's status
    assert check_status == check_details.splitlines()[0]
    assert (
        "Would remove 1 meeting with work recorded here (the return lacks them):\n"
        f"  [M{seen['id']}] A1: LAC review 2 held 20/07/2023 (1 invitee, outcome)"
    ) in check_details.split("\n\n")
    assert seen["asked"] == [
        "This import would remove 1 held meeting with work recorded here, which the return "
        "lacks:\n\nA1: LAC review 2 held 20/07/2023 (1 invitee, outcome)\n\nRemove it, with "
        "all that was recorded? Each removal is kept in the audit trail.\n\nNo changes "
        "nothing: if the return is wrong, correct it in the case management system and import "
        "it again."
    ]
    assert seen["default no"] == [True]
    assert seen["stopped"] is True and seen["unchanged"] is True
    assert seen["status"].splitlines()[0] == (
        "Import stopped: it would remove 1 meeting with work recorded here; nothing was changed."
    )
    assert (
        "Would remove 1 meeting with work recorded here (the return lacks them):\n"
        f"  [M{seen['id']}] A1: LAC review 2 held 20/07/2023 (1 invitee, outcome)"
    ) in seen["details"].split("\n\n")
    assert [q.split("\n\n")[:2] for q in seen["asked again"]] == [
        [
            "This import would remove 1 held meeting with work recorded here, which the return "
            "lacks:",
            "A1: LAC review 2 held 20/07/2023 (1 invitee, outcome)",
        ],
        [
            "This import would remove 2 held meetings with work recorded here, which the "
            "return lacks:",
            "A1: LAC review 2 held 20/07/2023 (1 invitee, outcome)\n"
            "B2: LAC review 1 held 01/02/2024 (late reason note)",
        ],
    ]
    assert seen["written"] is True
    assert (
        "Removed 2 meetings with work recorded here, as agreed (each is in the audit trail):\n"
        f"  [M{seen['id']}] A1: LAC review 2 held 20/07/2023 (1 invitee, outcome)\n"
        f"  [M{seen['b2']}] B2: LAC review 1 held 01/02/2024 (late reason note)"
    ) in seen["after yes"].split("\n\n")
    with db.session() as s:
        assert s.get(Meeting, seen["id"]) is None
        assert s.get(Meeting, seen["b2"]) is None
        assert s.scalars(select(Invitee).where(Invitee.name == "Siân Jones")).all() == []


def test_a_census_import_that_would_remove_a_chaired_plan_asks_first(
    window, qtbot, prompts_recorder, tmp_path
) -> None:
    """An administrator imports a CIN census; P1's plan then has its chair recorded here and
    its s47 enquiry notes. A corrected census has the plan and the s47 two months later:
    pressing Import removed both, and what was recorded, without a word (docs/domain.md,
    "Importing the returns"). Now the dialog asks, naming each by child, what it is, its
    start and what was recorded, No the default: No changes nothing; Yes removes them."""
    from PySide6.QtCore import Qt

    from reviewdesk.storage.models import CpEnquiry, CpPlan
    from tests.importers.conftest import write
    from tests.importers.generate import cin_xml
    from tests.importers.test_cin import child
    from tests.importers.test_recorded_records import FAR, _cp_work
    from tests.importers.test_recorded_work import contents

    db = window.ctx.db
    first = write(tmp_path, "first.xml", cin_xml([child()]))
    corrected = write(tmp_path, "corrected.xml", cin_xml([child(**FAR)]))
    seen: dict[str, object] = {}

    def press_import(dialog: ImportDialog, path, answer: bool) -> list[str]:
        prompts_recorder.file_answer = str(path)
        qtbot.mouseClick(dialog.field_cin.browse, Qt.MouseButton.LeftButton)
        del prompts_recorder.questions[:]  # the file chooser's title
        prompts_recorder.confirm_answer = answer
        dialog.result_value = None
        qtbot.mouseClick(dialog.run_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.result_value is not None, timeout=20000)
        return list(prompts_recorder.questions)

    def drive(dialog: ImportDialog) -> bool:
        dialog.show()
        qtbot.waitExposed(dialog)
        dialog.kind.setFocus()
        qtbot.keyClick(dialog.kind, Qt.Key.Key_Down)  # the CIN census
        assert press_import(dialog, first, True) == []
        seen["ids"] = _cp_work(db)
        before = contents(db)
        seen["asked"] = press_import(dialog, corrected, False)  # No
        seen["default no"] = list(prompts_recorder.defaults_no)
        seen["status"] = dialog.status.text()
        seen["details"] = dialog.details.toPlainText()
        seen["unchanged"] = contents(db) == before
        seen["asked again"] = press_import(dialog, corrected, True)  # Yes
        seen["written"] = dialog.result_value.written
        seen["after yes"] = dialog.details.toPlainText()
        return True

    prompts_recorder.on_dialog = drive
    window.import_data()
    plan_id, enquiry_id, _chair = seen["ids"]
    question = (
        "This import would remove 1 s47 enquiry and 1 CP plan with work recorded here, which "
        "the return lacks:\n\n"
        "P1: s47 enquiry started 01/06/2023 (notes, notified date)\n"
        "P1: CP plan started 20/06/2023 (chair)\n\n"
        "Remove them, with all that was recorded? Each removal is kept in the audit trail."
        "\n\nNo changes nothing: if the return is wrong, correct it in the case management "
        "system and import it again."
    )
    assert seen["asked"] == [question] and seen["default no"][-1] is True
    assert seen["unchanged"] is True
    assert seen["status"] == (
        "Import stopped: it would remove 1 s47 enquiry and 1 CP plan with work recorded here; "
        "nothing was changed."
    )
    assert (
        "Would remove 1 s47 enquiry and 1 CP plan with work recorded here (the return lacks "
        "them):\n"
        f"  [S{enquiry_id}] P1: s47 enquiry started 01/06/2023 (notes, notified date)\n"
        f"  [CP{plan_id}] P1: CP plan started 20/06/2023 (chair)"
    ) in seen["details"].split("\n\n")
    assert seen["asked again"] == [question] and seen["written"] is True
    assert seen["after yes"].startswith("Import complete.")
    assert (
        "Removed 1 s47 enquiry and 1 CP plan with work recorded here, as agreed (each is in "
        "the audit trail):"
    ) in seen["after yes"].splitlines()
    with db.session() as s:
        assert s.get(CpPlan, plan_id) is None and s.get(CpEnquiry, enquiry_id) is None


def _checked_then_imported(window, qtbot, prompts_recorder, first, later, between) -> list[str]:
    """The dialog's details as a person sees them: after importing the ``first`` 903 files,
    then (once ``between`` has recorded work here) after "Check only" with the ``later``
    files, then after importing them."""
    from PySide6.QtCore import Qt

    shown: list[str] = []

    def press_import(dialog: ImportDialog, paths) -> None:
        for key, path in zip(("header", "episodes", "reviews"), paths, strict=True):
            prompts_recorder.file_answer = str(path)
            qtbot.mouseClick(dialog.fields_903[key].browse, Qt.MouseButton.LeftButton)
        dialog.result_value = None
        qtbot.mouseClick(dialog.run_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.result_value is not None, timeout=20000)
        shown.append(dialog.details.toPlainText())

    def drive(dialog: ImportDialog) -> bool:
        dialog.show()
        qtbot.waitExposed(dialog)
        press_import(dialog, first)
        between()
        dialog.dry_run.setFocus()
        qtbot.keyClick(dialog.dry_run, Qt.Key.Key_Space)  # Check only
        press_import(dialog, later)
        qtbot.keyClick(dialog.dry_run, Qt.Key.Key_Space)
        press_import(dialog, later)
        return True

    prompts_recorder.on_dialog = drive
    window.import_data()
    return shown


def test_the_import_lists_the_dates_it_moves_to_a_later_corrected_start(
    window, qtbot, prompts_recorder, tmp_path
) -> None:
    """A corrected 903 return starts A1's care on 20/06/2023, not 15/06; the IRO was
    allocated on 16/06 here, a day no action accepts for a period starting 20/06. The
    dialog's details say, after "Check only" and after the import, which dates recorded here
    move to the new start, naming the child, the field and the value."""
    import datetime as dt

    from sqlalchemy import select

    from reviewdesk.storage.models import Child, PeriodOfCare
    from tests.importers.test_corrected_starts import HEADER, REVIEWS, _allocate, episodes
    from tests.importers.test_ssda903 import files

    db = window.ctx.db
    first = files(tmp_path / "first", HEADER, episodes("15/06/2023"), REVIEWS)
    later = files(tmp_path / "later", HEADER, episodes("20/06/2023"), REVIEWS)
    _first, check, done = _checked_then_imported(
        window, qtbot, prompts_recorder, first, later, lambda: _allocate(db)
    )
    lines = [
        "  A1: IRO service notified date 15/06/2023 is before the period of care's corrected "
        "start, 20/06/2023: now 20/06/2023",
        "  A1: IRO allocated date 16/06/2023 is before the period of care's corrected start, "
        "20/06/2023: now 20/06/2023",
        "  A1: IRO allocation record from 16/06/2023 is before the period of care's corrected "
        "start, 20/06/2023: now 20/06/2023",
    ]
    assert "\n".join(
        ["Would move 3 dates recorded here to a corrected start (check them):", *lines]
    ) in check.split("\n\n")
    assert "\n".join(
        ["Moved 3 dates recorded here to a corrected start (check them):", *lines]
    ) in done.split("\n\n")
    assert (
        "Moved 3 dates recorded here to a corrected start (listed below): check them."
    ) in done.splitlines()
    with db.session() as s:
        [period] = s.scalars(select(PeriodOfCare).join(Child).where(Child.local_id == "A1"))
        assert (period.start, period.iro_allocated) == (dt.date(2023, 6, 20),) * 2


def test_the_import_lists_the_dates_recorded_after_an_earlier_corrected_end(
    window, qtbot, prompts_recorder, tmp_path
) -> None:
    """A corrected 903 return ends A1's care on 01/09/2023; the IRO was allocated here on
    20/09/2023. The details say so after "Check only" and after the import, and the date is
    left as it was (only a person can say which is wrong)."""
    import datetime as dt

    from reviewdesk.storage.models import PeriodOfCare
    from tests.importers.test_corrected_starts import HEADER, REVIEWS, _allocate, episodes
    from tests.importers.test_ssda903 import EP_COLS, files

    db = window.ctx.db
    first = files(tmp_path / "first", HEADER, episodes("15/06/2023"), REVIEWS)
    ended = f"{EP_COLS}\nA1,15/06/2023,S,C1,N1,U1,PR1,01/09/2023,E4A,,,,\n"
    one_review = "CHILD,DOB,REVIEW,REVIEW_CODE\nA1,01/02/2015,10/07/2023,PN1\n"
    later = files(tmp_path / "ended", HEADER, ended, one_review)

    def allocated_late() -> None:
        period_id, _iro = _allocate(db)
        with db.session() as s:
            s.get(PeriodOfCare, period_id).iro_allocated = dt.date(2023, 9, 20)

    _first, check, done = _checked_then_imported(
        window, qtbot, prompts_recorder, first, later, allocated_late
    )
    line = (
        "  A1: IRO allocated date 20/09/2023 is after the period of care's corrected end, "
        "01/09/2023: left as it was"
    )
    assert "\n".join(
        ["1 date recorded here would fall after a corrected end (check it):", line]
    ) in check.split("\n\n")
    assert "\n".join(
        ["1 date recorded here falls after a corrected end (check it):", line]
    ) in done.split("\n\n")


@pytest.mark.parametrize(
    ("screen", "rows", "lines", "files_whole"),
    [
        (QRect(0, 0, 1366, 728), 8, 12, True),  # 1366x768 less a panel
        (QRect(0, 0, 683, 364), 3, 5, False),  # the same at 200%
    ],
    ids=["1366x768", "scale-2"],
)
def test_what_an_import_found_has_the_room_the_files_leave(
    window, qtbot, prompts_recorder, tmp_path, monkeypatch, screen, rows, lines, files_whole
) -> None:
    """An administrator imports a 903 return of 60 children, 20 with a bad date, "Import the
    other children when some have errors" ticked, then Tab to Import and Space. At 200% on a
    1366x768 screen the files and boxes kept their whole height and the summary and problems
    shared what was left: four lines of the one and a row and a half of the other. The files
    now give up their height (two rows stay, and scroll) and the dialog is as high as the
    screen; at 1366x768 the files stay whole, and ten of the 20 problems show where four
    did. The buttons stay in view, and Tab still goes from the boxes to Import."""
    from PySide6.QtCore import QPoint, Qt

    import ui.screen
    from tests.ui.driving import on_screen

    monkeypatch.setattr(ui.screen, "available", lambda widget=None: QRect(screen))
    files = _many_children(tmp_path / "903", 60, 20)
    seen: dict[str, object] = {}

    def drive(dialog: ImportDialog) -> bool:
        _typed_with_errors_skipped(qtbot, dialog, files)
        qtbot.keyClick(dialog.skip_invalid, Qt.Key.Key_Tab)
        seen["after the boxes"] = dialog.focusWidget()
        qtbot.keyClick(dialog.run_button, Qt.Key.Key_Space)
        qtbot.waitUntil(lambda: dialog.result_value is not None, timeout=60000)
        qtbot.wait(10)
        table, text = dialog.errors, dialog.details
        seen["size"] = dialog.size()
        seen["problems"] = table.rowCount()
        seen["rows"] = table.viewport().height() // table.rowHeight(0)
        seen["lines"] = text.viewport().height() // text.fontMetrics().lineSpacing()
        seen["files whole"] = all(
            w.visibleRegion().boundingRect() == w.rect()
            for w in (dialog.kind, dialog.fields_903["reviews"].edit, dialog.skip_invalid)
        )
        seen["buttons"] = all(
            b.isVisible() and dialog.rect().contains(QRect(b.mapTo(dialog, QPoint()), b.size()))
            for b in (dialog.run_button, dialog.close_button)
        )
        seen["run button"] = dialog.run_button
        return True

    prompts_recorder.on_dialog = drive
    on_screen(window, qtbot)
    qtbot.keyClick(window, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    size = seen["size"]
    assert size.width() <= screen.width() and size.height() <= screen.height() - 30, size
    assert size.height() >= min(screen.height() - 30, 680)  # as high as there is room for
    assert seen["after the boxes"] is seen["run button"]
    assert seen["problems"] == 20
    assert seen["rows"] >= rows, seen
    assert seen["lines"] >= lines, seen
    assert seen["files whole"] is files_whole
    assert seen["buttons"]
