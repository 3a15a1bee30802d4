"""The printing helpers: which pages the print dialog chose, the resolution, copies."""

from __future__ import annotations

from pypdf import PdfReader
from PySide6.QtGui import QPageRanges
from PySide6.QtPrintSupport import QPrinter
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas

from ui.pdf_pages import open_pdf
from ui.printing import _fit, new_printer, print_dpi, print_pdf, selected_pages


def _printer(qapp) -> QPrinter:
    return new_printer("Test")


def test_all_pages_by_default(qapp) -> None:
    assert selected_pages(_printer(qapp), 5) == [0, 1, 2, 3, 4]


def test_a_from_to_range_and_a_list_of_ranges(qapp) -> None:
    printer = _printer(qapp)
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(2, 4)
    assert selected_pages(printer, 5) == [1, 2, 3]
    ranges = QPageRanges()
    ranges.addRange(1, 2)
    ranges.addPage(5)
    ranges.addPage(9)  # beyond the document: left out
    printer.setPageRanges(ranges)
    assert selected_pages(printer, 6) == [0, 1, 4]


def test_the_current_page(qapp) -> None:
    printer = _printer(qapp)
    printer.setPrintRange(QPrinter.PrintRange.CurrentPage)
    assert selected_pages(printer, 5, current=3) == [3]
    assert selected_pages(printer, 5, current=7) == []


def test_resolution_is_capped_at_300_dpi(qapp) -> None:
    printer = _printer(qapp)
    printer.setResolution(1200)
    assert print_dpi(printer) == 300
    printer.setResolution(200)
    assert print_dpi(printer) == 200
    printer.setResolution(72)
    assert print_dpi(printer) == 150


def test_a_page_is_fitted_and_centred() -> None:
    rect = _fit(1000, 1000, 500, 250)
    assert (rect.x(), rect.y(), rect.width(), rect.height()) == (0, 250, 1000, 500)


def test_uncollated_copies_repeat_each_page(qapp, tmp_path) -> None:
    source = tmp_path / "two.pdf"
    canvas = Canvas(str(source), pagesize=A4)
    canvas.drawString(72, 720, "portrait")
    canvas.showPage()
    canvas.setPageSize(landscape(A4))
    canvas.drawString(72, 500, "landscape")
    canvas.showPage()
    canvas.save()
    printer = _printer(qapp)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "out.pdf"))
    printer.setResolution(150)
    printer.setCopyCount(2)
    printer.setCollateCopies(False)
    pages = open_pdf(source)
    progress = []
    try:
        assert print_pdf(pages, printer, [0, 1], lambda *a: progress.append(a)) == 4
    finally:
        pages.close()
    wide = [p.mediabox.width > p.mediabox.height for p in PdfReader(tmp_path / "out.pdf").pages]
    assert wide == [False, False, True, True]
    assert progress[0] == (0, 4, "Printing page 1") and progress[-1] == (
        4,
        4,
        "Sent to the printer",
    )
