"""The print preview over real reportlab documents from the sample register: pages, navigation,
zoom, and printing driven through the widgets with the print dialog answered by the test
(printing to a PDF file, which is then read with pypdf and rendered with pdftoppm)."""

from __future__ import annotations

import datetime as dt
import os
import stat
import subprocess
import threading
from pathlib import Path

import numpy as np
import pytest
from pypdf import PdfReader, PdfWriter
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QToolBar

from reviewdesk import reports
from tests.ui.sample import AS_OF
from ui.print_preview import FIT_PAGE, FIT_WIDTH, PrintPreview, open_previews, show_preview

WEEK = dt.date(2024, 4, 8)


@pytest.fixture
def documents(db, sample, tmp_path) -> dict[str, Path]:
    """The sample register's workload list (landscape) and packs for the week (portrait),
    and the two in one file (landscape pages first)."""
    out = {"workload": tmp_path / "workload.pdf", "packs": tmp_path / "packs.pdf"}
    with db.session() as s:
        reports.build_workload(s, as_of=AS_OF, out=out["workload"], invariant=True)
        reports.build_packs(s, week=WEEK, as_of=AS_OF, out=out["packs"], invariant=True)
    mixed = PdfWriter()
    for name in ("workload", "packs"):
        mixed.append(str(out[name]))
    out["mixed"] = tmp_path / "mixed.pdf"
    with out["mixed"].open("wb") as fh:
        mixed.write(fh)
    return out


@pytest.fixture
def open_preview(qtbot, ctx, prompts_recorder):
    """``open_preview(path)``: a shown preview whose document has opened."""
    shown: list[PrintPreview] = []

    def opener(path: Path, title: str = "Workload") -> PrintPreview:
        preview = PrintPreview(path, title)
        shown.append(preview)
        preview.resize(1000, 900)
        preview.show()
        qtbot.waitExposed(preview)
        qtbot.waitUntil(
            lambda: preview.pages is not None or bool(prompts_recorder.errors), timeout=10000
        )
        return preview

    yield opener
    for preview in shown:
        if not preview._closed:
            preview.close()
    from ui.tasks import wait_for_all

    wait_for_all()


def _pages(path: Path) -> int:
    return len(PdfReader(str(path)).pages)


def _answer_print_dialog(recorder, out: Path, *, pages: str | None = None, copies: int = 1):
    """Accept the print dialog, printing to ``out`` (pages like "2-3", or all)."""

    def answer(dialog) -> bool:
        printer = dialog.printer()
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        printer.setResolution(150)  # keeps the test quick; the dpi is min(this, 300)
        printer.setCopyCount(copies)
        if pages is not None:
            first, last = (int(n) for n in pages.split("-"))
            printer.setPrintRange(QPrinter.PrintRange.PageRange)
            printer.setFromTo(first, last)
        return True

    recorder.on_dialog = answer


def _grey(pdf: Path, page: int, tmp: Path, name: str) -> np.ndarray:
    """Page ``page`` (from 1) rendered by poppler at 60 dpi, as grey levels 0-255."""
    command = ["pdftoppm", "-gray", "-r", "60", "-f", str(page), "-l", str(page)]
    subprocess.run([*command, "-singlefile", pdf, tmp / name], check=True, capture_output=True)
    magic, width, height, _maxval, data = (tmp / f"{name}.pgm").read_bytes().split(maxsplit=4)
    assert magic == b"P5"
    width, height = int(width), int(height)
    return np.frombuffer(data[: width * height], dtype=np.uint8).reshape(height, width)


def _inked_where(original: np.ndarray, copy: np.ndarray) -> float:
    """The share of the original's dark pixels that are dark in the copy too, allowing a
    pixel's shift either way (rasterising moves edges by up to a pixel)."""
    h, w = min(original.shape[0], copy.shape[0]), min(original.shape[1], copy.shape[1])
    original, copy = original[:h, :w], copy[:h, :w]  # Qt rounds A4 to whole points
    padded = np.pad(copy, 1, constant_values=255)
    darkest = np.min(
        [padded[dy : dy + h, dx : dx + w] for dy in range(3) for dx in range(3)], axis=0
    )
    dark = original < 128
    return float((darkest[dark] < 160).mean())


def test_opens_a_real_document_with_its_page_count(open_preview, documents, qtbot) -> None:
    expected = _pages(documents["packs"])
    assert expected > 2
    preview = open_preview(documents["packs"], "Packs for the week of 08/04/2024")
    assert len(preview.pages) == expected
    assert preview.of_label.text().strip() == f"of {expected}"
    assert preview.page_box.maximum() == expected and preview.page_box.value() == 1
    assert preview.message.text() == f"Page 1 of {expected}"
    assert preview.windowTitle() == "Packs for the week of 08/04/2024 — print preview"
    assert preview.print_action.isEnabled()
    # the first page is drawn in the background and arrives by signal
    qtbot.waitUntil(lambda: 0 in preview.strip.images, timeout=10000)
    zoom, image = preview.strip.images[0]
    assert zoom == preview.strip.zoom
    assert image.width() == round(preview.strip.page_rect(0).width() * image.devicePixelRatio())


def test_pages_are_rendered_off_the_ui_thread(open_preview, documents, qtbot, monkeypatch):
    from ui.pdf_pages import PdfPages

    threads = []
    render = PdfPages.render

    def recording(self, index, dpi, **kw):
        threads.append(threading.current_thread())
        return render(self, index, dpi, **kw)

    monkeypatch.setattr(PdfPages, "render", recording)
    preview = open_preview(documents["workload"])
    qtbot.waitUntil(lambda: 0 in preview.strip.images, timeout=10000)
    assert threads and all(t is not threading.main_thread() for t in threads)


def test_navigation_by_buttons_box_and_keys(open_preview, documents, qtbot) -> None:
    count = _pages(documents["packs"])
    preview = open_preview(documents["packs"])
    assert not preview.previous_action.isEnabled()
    preview.next_action.trigger()
    assert preview.current_page() == 1 and preview.page_box.value() == 2
    assert preview.message.text() == f"Page 2 of {count}"
    preview.page_box.setValue(count)
    assert preview.current_page() == count - 1
    assert not preview.next_action.isEnabled()
    preview.previous_action.trigger()
    assert preview.current_page() == count - 2

    preview.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is preview, timeout=5000)
    preview.scroll.setFocus()
    QTest.keyClick(preview.scroll, Qt.Key.Key_Home)
    assert preview.current_page() == 0
    QTest.keyClick(preview.scroll, Qt.Key.Key_PageDown)
    QTest.keyClick(preview.scroll, Qt.Key.Key_PageDown)
    assert preview.current_page() == 2
    QTest.keyClick(preview.scroll, Qt.Key.Key_PageUp)
    assert preview.current_page() == 1
    # the page drawn on arrival is the one scrolled to
    qtbot.waitUntil(lambda: 1 in preview.strip.images, timeout=10000)


def test_zoom_fit_width_fit_page_and_steps(open_preview, documents, qtbot) -> None:
    preview = open_preview(documents["workload"])  # landscape pages
    view = preview.scroll.viewport()
    page = preview.strip.page_rect(0)
    assert preview.zoom_box.currentData() == FIT_WIDTH
    assert view.width() - 40 <= page.width() <= view.width()  # fills the width
    # Fitting is chosen in the zoom list, or with its keys: not as buttons beside it too
    # ("Fit width" stood twice in the bar).
    texts = [a.text() for a in preview.findChildren(QToolBar)[0].actions()]
    assert "Fit width" not in texts and "Fit page" not in texts
    preview.activateWindow()
    qtbot.waitUntil(preview.isActiveWindow)
    QTest.keyClick(preview.scroll, Qt.Key.Key_9, Qt.KeyboardModifier.ControlModifier)
    page = preview.strip.page_rect(0)
    assert preview.zoom_box.currentData() == FIT_PAGE
    assert page.height() <= view.height() and page.width() <= view.width()
    before = preview.zoom_factor()
    preview.zoom_in_action.trigger()
    assert preview.zoom_factor() > before
    assert preview.zoom_box.currentText().endswith("%")
    preview.set_zoom(1.0)
    assert preview.zoom_box.currentText() == "100%"
    assert abs(preview.zoom_factor() - 1.0) < 1e-6
    preview.zoom_out_action.trigger()
    assert preview.zoom_box.currentText() == "90%"
    QTest.keyClick(preview.scroll, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert preview.zoom_box.currentData() == FIT_WIDTH


def test_prints_every_page_in_its_own_orientation(
    open_preview, documents, prompts_recorder, qtbot, tmp_path, monkeypatch
) -> None:
    """A document of landscape then portrait pages: each printed page keeps its orientation,
    and the picture printed matches the original (dark where its text is). The printing
    happens off the UI thread."""
    import ui.print_preview as module

    threads = []
    real = module.print_pdf

    def recording(*args, **kwargs):
        threads.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(module, "print_pdf", recording)
    landscape = _pages(documents["workload"])
    total = _pages(documents["mixed"])
    preview = open_preview(documents["mixed"])
    out = tmp_path / "printed.pdf"
    _answer_print_dialog(prompts_recorder, out)
    with qtbot.waitSignal(preview.printed, timeout=60000) as sent:
        preview.print_action.trigger()
    assert sent.args == [total]
    assert prompts_recorder.errors == []
    assert preview.message.text() == f"Sent {total} pages to print."
    assert threads and threads[0] is not threading.main_thread()
    assert preview.progress.isHidden() and preview.print_action.isEnabled()
    printed = PdfReader(str(out))
    assert len(printed.pages) == total
    for n, page in enumerate(printed.pages):
        wide = float(page.mediabox.width) > float(page.mediabox.height)
        assert wide == (n < landscape), n
        assert abs(float(page.mediabox.width) - (842 if wide else 595)) < 2  # A4
    for n in (1, total):
        original = _grey(documents["mixed"], n, tmp_path, f"original-{n}")
        copy = _grey(out, n, tmp_path, f"printed-{n}")
        assert np.abs(np.subtract(original.shape, copy.shape)).max() <= 1
        assert (original < 128).sum() > 200  # the page has text
        assert _inked_where(original, copy) > 0.95  # ... and the print has it in place
    # and a different page would not pass: the measure tells pages apart
    assert _inked_where(_grey(documents["mixed"], 1, tmp_path, "o"), copy) < 0.5


def test_prints_a_page_range_with_copies(
    open_preview, documents, prompts_recorder, qtbot, tmp_path
) -> None:
    preview = open_preview(documents["packs"])
    out = tmp_path / "range.pdf"
    _answer_print_dialog(prompts_recorder, out, pages="2-3", copies=2)
    with qtbot.waitSignal(preview.printed, timeout=60000):
        preview.print_action.trigger()
    printed = PdfReader(str(out))
    assert len(printed.pages) == 4  # pages 2 and 3, twice (collated)
    for n in (1, 2):
        assert np.array_equal(
            _grey(out, n, tmp_path, f"a{n}"), _grey(out, n + 2, tmp_path, f"b{n}")
        )
    original = _grey(documents["packs"], 2, tmp_path, "original-2")
    assert _inked_where(original, _grey(out, 1, tmp_path, "first")) > 0.95


def test_a_range_beyond_the_document_prints_nothing(
    open_preview, documents, prompts_recorder, tmp_path
) -> None:
    count = _pages(documents["workload"])
    preview = open_preview(documents["workload"])
    out = tmp_path / "none.pdf"
    _answer_print_dialog(prompts_recorder, out, pages=f"{count + 1}-{count + 3}")
    preview.print_action.trigger()
    assert prompts_recorder.infos == [
        f"There are no pages in that range: the document has {count}."
    ]
    assert not out.exists()


def test_cancelling_the_print_dialog_prints_nothing(
    open_preview, documents, prompts_recorder
) -> None:
    preview = open_preview(documents["workload"])
    preview.print_action.trigger()  # the recorder rejects dialogs by default
    assert len(prompts_recorder.dialogs) == 1
    assert preview.print_action.isEnabled() and preview._printing is None


def test_a_printer_that_cannot_start_gives_a_friendly_message(
    open_preview, documents, prompts_recorder, qtbot, tmp_path
) -> None:
    preview = open_preview(documents["workload"])
    _answer_print_dialog(prompts_recorder, tmp_path / "no-such-folder" / "out.pdf")
    preview.print_action.trigger()
    qtbot.waitUntil(lambda: bool(prompts_recorder.errors), timeout=20000)
    assert prompts_recorder.errors == [
        "The workload was not printed: the printer could not be started: check it is switched "
        "on and connected, then try again"
    ]
    assert preview.print_action.isEnabled()


def test_a_damaged_pdf_gives_a_friendly_message(open_preview, prompts_recorder, qtbot, tmp_path):
    bad = tmp_path / "damaged.pdf"
    bad.write_bytes(b"%PDF-1.4\n this is not really a PDF")
    preview = open_preview(bad, "Weekly schedule")
    assert prompts_recorder.errors == [
        "The weekly schedule could not be shown: the document damaged.pdf could not be read: "
        "it is damaged or not a PDF"
    ]
    assert "Traceback" not in prompts_recorder.errors[0]
    qtbot.waitUntil(lambda: preview._closed, timeout=2000)


def test_a_missing_pdf_gives_a_friendly_message(open_preview, prompts_recorder, tmp_path):
    open_preview(tmp_path / "gone.pdf", "Workload")
    assert len(prompts_recorder.errors) == 1
    assert prompts_recorder.errors[0].startswith("The workload could not be shown: ")
    assert "gone.pdf" in prompts_recorder.errors[0]


def test_save_a_copy_and_open_in_the_system_viewer(
    open_preview, documents, prompts_recorder, qtbot, tmp_path
) -> None:
    preview = open_preview(documents["workload"])
    prompts_recorder.save_answer = str(tmp_path / "copy")  # no suffix: .pdf is added
    preview.save_action.trigger()
    qtbot.waitUntil(lambda: preview.message.text().startswith("Saved"), timeout=10000)
    assert (tmp_path / "copy.pdf").read_bytes() == documents["workload"].read_bytes()
    preview.open_action.trigger()
    assert prompts_recorder.documents == [documents["workload"]]


def test_a_saved_copy_is_private_and_never_over_the_database(
    open_preview, documents, prompts_recorder, qtbot, db, tmp_path
) -> None:
    old = os.umask(0o000)
    try:
        preview = open_preview(documents["workload"])
        if db.is_sqlite:  # the file in use (PostgreSQL keeps none here)
            before = db.sqlite_path.read_bytes()
            (tmp_path / "looks-like.pdf").symlink_to(db.sqlite_path)
            prompts_recorder.save_answer = str(tmp_path / "looks-like.pdf")
            preview.save_action.trigger()
            qtbot.waitUntil(lambda: bool(prompts_recorder.errors), timeout=10000)
            assert "database in use" in prompts_recorder.errors[0]
            assert db.sqlite_path.read_bytes() == before
        prompts_recorder.save_answer = str(tmp_path / "mine.pdf")
        preview.save_action.trigger()
        qtbot.waitUntil(lambda: preview.message.text().startswith("Saved"), timeout=10000)
        assert stat.S_IMODE(os.stat(tmp_path / "mine.pdf").st_mode) == 0o600
    finally:
        os.umask(old)


def test_shortcuts_print_save_and_close(open_preview, documents, prompts_recorder, qtbot) -> None:
    preview = open_preview(documents["workload"])
    preview.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is preview, timeout=5000)
    QTest.keyClick(preview.scroll, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert len(prompts_recorder.dialogs) == 1  # the print dialog was asked for
    QTest.keyClick(preview.scroll, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert prompts_recorder.questions == ["Save a copy of the PDF"]
    QTest.keyClick(preview.scroll, Qt.Key.Key_Escape)
    assert preview._closed


def test_every_control_has_an_accessible_name(open_preview, documents) -> None:
    from PySide6.QtWidgets import QAbstractButton, QComboBox, QSpinBox

    preview = open_preview(documents["workload"])
    controls = preview.findChildren(QAbstractButton) + [
        *preview.findChildren(QComboBox),
        *preview.findChildren(QSpinBox),
    ]
    named = [c for c in controls if c.isVisible()]
    assert len(named) >= 9  # print, save, open, the page arrows and box, the zoom and its list
    assert all(c.accessibleName() for c in named), [
        (type(c).__name__, getattr(c, "text", str)()) for c in named if not c.accessibleName()
    ]


def test_menu_documents_open_in_the_preview(window, qtbot, prompts_recorder, sample) -> None:
    """Documents > Workload list, and a child's "Print pack…", open the real PDF in the
    preview."""
    window.print_document("workload")
    qtbot.waitUntil(lambda: bool(open_previews() or prompts_recorder.errors), timeout=30000)
    assert prompts_recorder.errors == []
    (preview,) = open_previews()
    assert preview.windowTitle() == "Workload — print preview"
    assert preview.parent() is window
    qtbot.waitUntil(lambda: preview.pages is not None, timeout=10000)
    assert len(preview.pages) == _pages(preview.path)
    assert preview.pages.sizes[0].landscape
    preview.close()

    window.open_child(sample["zoe"])
    page = window.cases.child
    page.table.selectRow(0)
    page.pack_button.click()
    qtbot.waitUntil(lambda: bool(open_previews()), timeout=30000)
    (pack,) = open_previews()
    assert pack.windowTitle() == (
        "Pack for Zoë Ó Briain's LAC review 1 on Thu 11/04/2024 — print preview"
    )
    qtbot.waitUntil(lambda: pack.pages is not None, timeout=10000)
    assert not pack.pages.sizes[0].landscape
    pack.close()


def test_show_preview_parents_to_the_top_window(window, documents, qtbot) -> None:
    preview = show_preview(documents["workload"], "Workload", window.cases)
    try:
        assert preview.parent() is window and preview.isWindow()
        assert preview in open_previews()
    finally:
        preview.close()
    assert preview not in open_previews()


def test_the_preview_screenshot_shows_a_drawn_page(db, sample, qapp, ctx, tmp_path) -> None:
    from PySide6.QtGui import QImage

    from tests.ui.shots import preview_shot

    image = QImage(str(preview_shot(tmp_path, db, qapp, AS_OF)))
    assert (image.width(), image.height()) == (1000, 800)
    # the page is drawn (dark text on white), not a blank sheet awaiting its picture
    page = [
        image.pixelColor(x, y).lightness() for x in range(60, 900, 5) for y in range(60, 700, 5)
    ]
    assert sum(v < 100 for v in page) > 200
    assert sum(v > 240 for v in page) > len(page) // 2


def test_closing_the_main_window_closes_its_previews(window, documents, qtbot) -> None:
    preview = show_preview(documents["packs"], "Packs", window)
    qtbot.waitUntil(lambda: preview.pages is not None, timeout=10000)
    window.close()
    assert preview._closed and preview not in open_previews()


def test_printing_can_be_cancelled(
    open_preview, documents, prompts_recorder, qtbot, tmp_path, monkeypatch
) -> None:
    from ui.pdf_pages import PdfPages

    preview = open_preview(documents["packs"])
    render = PdfPages.render
    started = threading.Event()

    def slow(self, index, dpi, **kw):
        if kw.get("for_print"):
            started.set()
            threading.Event().wait(0.3)  # time to press Cancel
        return render(self, index, dpi, **kw)

    monkeypatch.setattr(PdfPages, "render", slow)
    _answer_print_dialog(prompts_recorder, tmp_path / "cancelled.pdf")
    preview.print_action.trigger()
    assert preview.cancel_button.isVisible() and not preview.print_action.isEnabled()
    assert started.wait(10)
    preview.cancel_button.click()
    qtbot.waitUntil(lambda: preview.message.text() == "Printing cancelled.", timeout=20000)
    assert prompts_recorder.errors == []
    assert not preview.cancel_button.isVisible() and preview.print_action.isEnabled()
