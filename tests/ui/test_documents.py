"""Documents are written off the UI thread by ``reviewdesk.reports`` and opened in the
print preview. Most tests use a stand-in for the reports part with its documented
signatures; the preview itself is tested in test_print_preview.py."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from reportlab.pdfgen.canvas import Canvas

import ui.documents as documents
from ui.print_preview import open_previews


def _tiny_pdf(out, text: str, pages: int = 1) -> int:
    canvas = Canvas(str(out))
    for n in range(pages):
        canvas.drawString(72, 720, f"{text} {n + 1}")
        canvas.showPage()
    canvas.save()
    return pages


@pytest.fixture(autouse=True)
def _close_previews():
    yield
    for preview in open_previews():
        preview.close()


def _wait_for_preview(qtbot, recorder, count: int = 1):
    qtbot.waitUntil(lambda: len(open_previews()) >= count or bool(recorder.errors), timeout=30000)
    assert recorder.errors == []
    preview = open_previews()[-1]
    qtbot.waitUntil(lambda: preview.pages is not None or bool(recorder.errors), timeout=10000)
    assert recorder.errors == []
    return preview


def test_weekly_schedule_is_written_in_the_background_and_previewed(
    window, qtbot, prompts_recorder, monkeypatch
) -> None:
    calls = []

    def build_weekly(session, *, week, out, as_of=None, invariant=False):
        calls.append((week, as_of, threading.current_thread()))
        return _tiny_pdf(out, "weekly", pages=2)

    monkeypatch.setattr(documents, "build_weekly", build_weekly)
    window.show_page(2)
    window.diary.next_button.click()
    window.print_document("weekly")
    preview = _wait_for_preview(qtbot, prompts_recorder)
    week, as_of, thread = calls[0]
    assert (week, as_of) == (dt.date(2024, 4, 15), dt.date(2024, 4, 10))
    assert thread is not threading.main_thread()
    assert preview.windowTitle() == "Weekly schedule 15/04/2024 — print preview"
    assert preview.path.suffix == ".pdf" and len(preview.pages) == 2
    preview.open_action.trigger()  # the system viewer is still a button away
    assert prompts_recorder.documents == [preview.path]


def test_pack_for_the_selected_meeting(window, qtbot, prompts_recorder, sample, monkeypatch):
    made = []

    def build_pack(session, meeting_id, *, as_of, out, invariant=False):
        made.append(meeting_id)
        return _tiny_pdf(out, f"pack {meeting_id}")

    monkeypatch.setattr(documents, "build_pack", build_pack)
    window.open_child(sample["zoe"])
    page = window.cases.child
    assert not page.pack_button.isEnabled()
    page.table.selectRow(0)
    page.pack_button.click()
    preview = _wait_for_preview(qtbot, prompts_recorder)
    assert made == [sample["zoe_first"]]
    assert preview.windowTitle() == (
        "Pack for Zoë Ó Briain's LAC review 1 on Thu 11/04/2024 — print preview"
    )


def test_a_failing_document_gives_a_friendly_message(window, qtbot, prompts_recorder, monkeypatch):
    def build_workload(session, *, as_of, out, iro=None, invariant=False):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(documents, "build_workload", build_workload)
    window.print_document("workload")
    qtbot.waitUntil(lambda: bool(prompts_recorder.errors), timeout=5000)
    assert prompts_recorder.errors[0] == (
        "The workload could not be made: A file or network problem stopped this: "
        "No space left on device"
    )


def test_export_the_case_list_as_shown(window, qtbot, prompts_recorder, sample, tmp_path) -> None:
    import csv

    from openpyxl import load_workbook
    from PySide6.QtCore import Qt

    window.show_page(1)
    window.cases.list.model.sort(1, Qt.SortOrder.DescendingOrder)  # by ID, descending
    shown = [window.cases.list.model.child_id(r) for r in range(window.cases.list.model.rowCount())]
    assert len(shown) == 3
    prompts_recorder.save_answer = str(tmp_path / "cases.xlsx")
    window.export_action.trigger()
    qtbot.waitUntil(lambda: "Exported" in window.statusBar().currentMessage(), timeout=10000)
    sheet = load_workbook(tmp_path / "cases.xlsx").active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Name", "ID", "IRO / chair")
    assert [r[1] for r in rows[1:]] == ["C0003", "C0002", "C0001"]  # the order shown
    zoe = next(r for r in rows if r[0] == "Zoë Ó Briain")
    assert zoe[6].date() == dt.date(2024, 4, 11)  # "Next meeting", a real date cell

    prompts_recorder.save_answer = str(tmp_path / "cases.csv")
    window.export_action.trigger()
    qtbot.waitUntil(lambda: (tmp_path / "cases.csv").exists(), timeout=10000)
    qtbot.waitUntil(lambda: "cases.csv" in window.statusBar().currentMessage(), timeout=10000)
    with (tmp_path / "cases.csv").open(encoding="utf-8-sig") as fh:
        lines = list(csv.reader(fh))
    assert next(r for r in lines if r[0].startswith("Zo"))[:2] == ["Zoë Ó Briain", "C0001"]
    assert "11/04/2024" in next(r for r in lines if r[0].startswith("Zo"))


def test_real_documents_from_the_reports_part(window, qtbot, prompts_recorder, sample) -> None:
    """With ``reviewdesk.reports`` installed: the weekly schedule and a pack, as real PDFs."""
    from pypdf import PdfReader

    window.show_page(2)  # the diary's week: Mon 08/04/2024
    window.print_document("weekly")
    preview = _wait_for_preview(qtbot, prompts_recorder)
    weekly = PdfReader(str(preview.path))
    assert len(preview.pages) == len(weekly.pages)
    assert all(size.landscape for size in preview.pages.sizes)
    text = "".join(page.extract_text() for page in weekly.pages)
    assert "Zoë Ó Briain" in text and "Siân Llewelyn" in text

    window.open_child(sample["zoe"])
    page = window.cases.child
    page.table.selectRow(0)
    page.pack_button.click()
    pack_preview = _wait_for_preview(qtbot, prompts_recorder, count=2)
    pack = PdfReader(str(pack_preview.path))
    assert not pack_preview.pages.sizes[0].landscape
    assert "Zoë Ó Briain" in "".join(p.extract_text() for p in pack.pages)


def test_export_schedule_and_measures(window, qtbot, prompts_recorder, tmp_path) -> None:
    from openpyxl import load_workbook

    prompts_recorder.save_answer = str(tmp_path / "schedule.ics")
    window.export_schedule_action.trigger()
    qtbot.waitUntil(lambda: "Saved" in window.statusBar().currentMessage(), timeout=20000)
    ics = (tmp_path / "schedule.ics").read_text(encoding="utf-8")
    assert "BEGIN:VCALENDAR" in ics and "VEVENT" in ics
    window.statusBar().clearMessage()
    prompts_recorder.save_answer = str(tmp_path / "timeliness")  # no suffix: xlsx
    prompts_recorder.on_dialog = lambda _dialog: True  # the period: the last 12 months
    window.export_measures_action.trigger()
    qtbot.waitUntil(lambda: "Saved" in window.statusBar().currentMessage(), timeout=20000)
    assert prompts_recorder.errors == []
    book = load_workbook(tmp_path / "timeliness.xlsx")
    assert book.active.max_row > 1


def _menu_action(window, text: str):
    from PySide6.QtGui import QAction

    return next(a for a in window.findChildren(QAction) if a.text() == text)


def test_a_report_for_the_period_a_manager_chooses(
    window, qtbot, prompts_recorder, monkeypatch
) -> None:
    """A team manager wanted last quarter's timeliness report: Documents printed only the
    last 12 months (a quarter needed the command line). Documents > Timeliness report… asks
    which period: the last 12 months first, last quarter two steps down (the financial
    year's: January to March 2024, as of 10/04/2024); dates typed in that end before they
    start are refused and the dialog stays open."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDialogButtonBox

    calls = []

    def build_timeliness(session, *, start, end, as_of, out, invariant=False):
        calls.append((start, end, as_of))
        return _tiny_pdf(out, "timeliness")

    monkeypatch.setattr(documents, "build_timeliness", build_timeliness)
    seen: dict[str, object] = {}

    def last_quarter(dialog) -> bool:
        dialog.show()
        qtbot.waitExposed(dialog)
        seen["first"] = (dialog.choice.currentText(), dialog.start.text(), dialog.end.text())
        dialog.choice.setFocus()
        qtbot.keyClick(dialog.choice, Qt.Key.Key_Down)
        qtbot.keyClick(dialog.choice, Qt.Key.Key_Down)
        seen["chosen"] = (dialog.choice.currentText(), dialog.start.text(), dialog.end.text())
        return True

    prompts_recorder.on_dialog = last_quarter
    _menu_action(window, "&Timeliness report…").trigger()
    preview = _wait_for_preview(qtbot, prompts_recorder)
    assert seen == {
        "first": ("Last 12 months", "01/04/2023", "10/04/2024"),
        "chosen": ("Last quarter (Q4 2023/24)", "01/01/2024", "31/03/2024"),
    }
    assert calls == [(dt.date(2024, 1, 1), dt.date(2024, 3, 31), dt.date(2024, 4, 10))]
    assert preview.windowTitle() == ("Timeliness report 01/01/2024 to 31/03/2024 — print preview")

    def typed(dialog) -> bool:
        dialog.show()
        qtbot.waitExposed(dialog)
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        for edit, text in ((dialog.start, "01052024"), (dialog.end, "31032024")):
            qtbot.mouseClick(edit.lineEdit(), Qt.MouseButton.LeftButton)
            qtbot.wait(20)  # (the click selects the date, ready to type over)
            qtbot.keyClicks(edit, text)
        seen["typed"] = dialog.choice.currentText()
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
        seen["refused"] = (list(prompts_recorder.errors), dialog.isVisible())
        prompts_recorder.errors.clear()
        qtbot.mouseClick(dialog.end.lineEdit(), Qt.MouseButton.LeftButton)
        qtbot.wait(20)
        qtbot.keyClicks(dialog.end, "31052024")
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
        return dialog.result() == dialog.DialogCode.Accepted

    prompts_recorder.on_dialog = typed
    _menu_action(window, "&Timeliness report…").trigger()
    _wait_for_preview(qtbot, prompts_recorder, count=2)
    assert seen["typed"] == "Other dates"
    assert seen["refused"] == (
        [
            "The period ends (31/03/2024) before it starts (01/05/2024): choose an end on or "
            "after the start"
        ],
        True,
    )
    assert calls[-1][:2] == (dt.date(2024, 5, 1), dt.date(2024, 5, 31))


def test_the_iro_oversight_report_from_the_window(window, qtbot, prompts_recorder) -> None:
    """The quarter's IRO oversight report needed the command line; Documents > IRO oversight
    report… offers last quarter first and prints it (a real PDF)."""
    from pypdf import PdfReader

    prompts_recorder.on_dialog = lambda dialog: dialog.choice.currentText().startswith(
        "Last quarter"
    )
    _menu_action(window, "IRO &oversight report…").trigger()
    preview = _wait_for_preview(qtbot, prompts_recorder)
    assert preview.windowTitle().startswith("IRO oversight report 01/01/2024 to 31/03/2024")
    text = "".join(p.extract_text() for p in PdfReader(str(preview.path)).pages)
    assert "01/01/2024" in text and "31/03/2024" in text
