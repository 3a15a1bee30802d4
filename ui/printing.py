"""Printing a PDF: each chosen page rasterised with PDFium and painted onto a ``QPrinter``.

Qt allows a ``QPainter`` on a ``QPrinter`` outside the UI thread, so ``print_pdf`` runs in the
background; the print dialog (on the UI thread) only configures the printer. Every page is
printed in its own orientation (a workload list is landscape, a pack portrait) on the paper
chosen in the dialog (A4 unless changed), scaled to fit and centred.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtCore import QRectF
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter

from reviewdesk.errors import ReviewdeskError
from ui.pdf_pages import PdfPages

#: Sharper than this buys nothing on paper and costs time and memory (an A4 page at 300 dpi
#: is already 35 MB of pixels).
MAX_PRINT_DPI = 300
MIN_PRINT_DPI = 150


class PrintCancelled(ReviewdeskError):
    """The person stopped the printing part of the way through."""


def print_dpi(printer: QPrinter) -> int:
    """The resolution to rasterise pages at for this printer."""
    return max(MIN_PRINT_DPI, min(printer.resolution(), MAX_PRINT_DPI))


def document_name(title: str) -> str:
    """``title`` as a file name: the print dialog offers "<name>.pdf" when printing to a
    file, so no slashes (a date's "30/11/2026" would name folders that do not exist), no
    other characters a file name cannot hold, and no dots (Qt cuts a name at its last one)."""
    name = re.sub(r'[\\/:*?"<>|.]+', "-", title)
    return " ".join(name.split()).strip(" -") or "reviewdesk document"


def new_printer(title: str, first_page_landscape: bool = False) -> QPrinter:
    """A high-resolution printer set up for an A4 document named ``title``."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(document_name(title))
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageOrientation(
        QPageLayout.Orientation.Landscape
        if first_page_landscape
        else QPageLayout.Orientation.Portrait
    )
    return printer


def print_dialog(printer: QPrinter, page_count: int, parent=None) -> QPrintDialog:
    """The system print dialog for a document of ``page_count`` pages (run it through
    ``prompts().run_dialog`` so tests can answer it)."""
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(f"Print {printer.docName()}" if printer.docName() else "Print")
    dialog.setMinMax(1, page_count)
    option = QAbstractPrintDialog.PrintDialogOption
    dialog.setOptions(
        option.PrintPageRange
        | option.PrintCurrentPage
        | option.PrintToFile
        | option.PrintCollateCopies
        | option.PrintShowPageSize
    )
    return dialog


def selected_pages(printer: QPrinter, page_count: int, current: int = 0) -> list[int]:
    """The pages (from 0) the print dialog asked for: all, a range such as "2-4, 7", or the
    page on screen (``current``, from 0). Pages outside the document are left out."""
    kind = printer.printRange()
    if kind == QPrinter.PrintRange.CurrentPage:
        return [current] if 0 <= current < page_count else []
    if kind == QPrinter.PrintRange.PageRange:
        ranges = printer.pageRanges()
        if not ranges.isEmpty():
            return [i for i in range(page_count) if ranges.contains(i + 1)]
        first, last = printer.fromPage(), printer.toPage()
        if first > 0:
            last = last if last >= first else page_count
            return list(range(first - 1, min(last, page_count)))
    return list(range(page_count))


def print_pdf(
    pages: PdfPages,
    printer: QPrinter,
    indices: list[int],
    progress: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> int:
    """Paint pages ``indices`` (from 0) of ``pages`` onto ``printer``, with the copies asked
    for when the printer does not make them itself; returns the number of sheets sent.
    ``cancelled()`` is asked before each page: when true the job is abandoned
    (``PrintCancelled``).

    Safe in a worker thread, provided nothing else touches ``printer`` meanwhile."""
    if not indices:
        raise ReviewdeskError("there are no pages to print in that range")
    copies = 1 if printer.supportsMultipleCopies() else max(1, printer.copyCount())
    if printer.collateCopies():
        sequence = indices * copies
    else:
        sequence = [i for i in indices for _ in range(copies)]
    dpi = print_dpi(printer)
    printer.setFullPage(True)  # the PDF carries its own margins
    painter = QPainter()
    try:
        for n, index in enumerate(sequence):
            if cancelled is not None and cancelled():
                raise PrintCancelled("printing was cancelled")
            size = pages.sizes[index]
            orientation = (
                QPageLayout.Orientation.Landscape
                if size.landscape
                else QPageLayout.Orientation.Portrait
            )
            printer.setPageOrientation(orientation)  # applies from the next page begun
            if n == 0:
                if not painter.begin(printer):
                    raise ReviewdeskError(
                        "the printer could not be started: check it is switched on and "
                        "connected, then try again"
                    )
            elif not printer.newPage():
                raise ReviewdeskError("the printer stopped part of the way through")
            if progress is not None:
                progress(n, len(sequence), f"Printing page {index + 1}")
            image = pages.render(index, dpi, for_print=True)
            paper = printer.paperRect(QPrinter.Unit.DevicePixel)
            target = _fit(paper.width(), paper.height(), image.width(), image.height())
            painter.drawImage(target, image)
    except BaseException:
        if painter.isActive():
            printer.abort()
        raise
    finally:
        if painter.isActive():
            painter.end()
    if progress is not None:
        progress(len(sequence), len(sequence), "Sent to the printer")
    return len(sequence)


def _fit(box_w: float, box_h: float, w: float, h: float) -> QRectF:
    """``w`` x ``h`` scaled to fit ``box_w`` x ``box_h``, centred."""
    scale = min(box_w / w, box_h / h)
    out_w, out_h = w * scale, h * scale
    return QRectF((box_w - out_w) / 2, (box_h - out_h) / 2, out_w, out_h)
