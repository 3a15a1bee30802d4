"""Documents are written off the UI thread by ``reviewdesk.reports`` and opened in the
system viewer. The reports part is another engineer's; a stand-in with its documented
signatures is used here."""

from __future__ import annotations

import datetime as dt
import threading
from types import SimpleNamespace

import ui.documents as documents


def test_weekly_schedule_is_written_in_the_background_and_opened(
    window, qtbot, prompts_recorder, monkeypatch
) -> None:
    calls = []

    def build_weekly(session, *, week, out, as_of=None, invariant=False):
        calls.append((week, as_of, threading.current_thread()))
        out.write_bytes(b"%PDF-1.4 weekly")
        return 1

    monkeypatch.setattr(
        documents, "reports_module", lambda: SimpleNamespace(build_weekly=build_weekly)
    )
    window.show_page(2)
    window.diary.next_button.click()
    window.print_document("weekly")
    qtbot.waitUntil(lambda: bool(prompts_recorder.documents), timeout=5000)
    week, as_of, thread = calls[0]
    assert (week, as_of) == (dt.date(2024, 4, 15), dt.date(2024, 4, 10))
    assert thread is not threading.main_thread()
    path = prompts_recorder.documents[0]
    assert path.suffix == ".pdf" and path.read_bytes().startswith(b"%PDF")


def test_pack_for_the_selected_meeting(window, qtbot, prompts_recorder, sample, monkeypatch):
    def build_pack(session, meeting_id, *, as_of, out, invariant=False):
        out.write_bytes(f"%PDF pack {meeting_id}".encode())
        return 2

    monkeypatch.setattr(documents, "reports_module", lambda: SimpleNamespace(build_pack=build_pack))
    window.open_child(sample["zoe"])
    page = window.cases.child
    assert not page.pack_button.isEnabled()
    page.table.selectRow(0)
    page.pack_button.click()
    qtbot.waitUntil(lambda: bool(prompts_recorder.documents), timeout=5000)
    assert prompts_recorder.documents[0].read_bytes() == f"%PDF pack {sample['zoe_first']}".encode()


def test_a_failing_document_gives_a_friendly_message(window, qtbot, prompts_recorder, monkeypatch):
    def build_workload(session, *, as_of, out, iro=None, invariant=False):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(
        documents, "reports_module", lambda: SimpleNamespace(build_workload=build_workload)
    )
    window.print_document("workload")
    qtbot.waitUntil(lambda: bool(prompts_recorder.errors), timeout=5000)
    assert prompts_recorder.errors[0] == (
        "The workload could not be made: A file or network problem stopped this: "
        "No space left on device"
    )


def test_without_the_reports_part_it_says_so(window, prompts_recorder, monkeypatch) -> None:
    monkeypatch.setattr(documents, "reports_module", lambda: None)
    window.print_document("timeliness")
    assert "not part of this version" in prompts_recorder.infos[0]


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
    qtbot.waitUntil(
        lambda: bool(prompts_recorder.documents or prompts_recorder.errors), timeout=30000
    )
    assert prompts_recorder.errors == []
    weekly = PdfReader(str(prompts_recorder.documents[0]))
    text = "".join(page.extract_text() for page in weekly.pages)
    assert "Zoë Ó Briain" in text and "Siân Llewelyn" in text

    window.open_child(sample["zoe"])
    page = window.cases.child
    page.table.selectRow(0)
    page.pack_button.click()
    qtbot.waitUntil(
        lambda: len(prompts_recorder.documents) == 2 or bool(prompts_recorder.errors), timeout=30000
    )
    assert prompts_recorder.errors == []
    pack = PdfReader(str(prompts_recorder.documents[1]))
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
    window.export_measures_action.trigger()
    qtbot.waitUntil(lambda: "Saved" in window.statusBar().currentMessage(), timeout=20000)
    assert prompts_recorder.errors == []
    book = load_workbook(tmp_path / "timeliness.xlsx")
    assert book.active.max_row > 1
