"""The print preview over a week of 50 packs (150+ pages): time to the first page drawn, the
longest the UI thread is busy at once while opening, paging through every page and zooming
(target: under 100 ms), and printing speed per page. Baseline: rendering one page with PDFium
alone, at the same size, off any window.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from tests.benchmarks.common import report

PACKS = 50


class StallMeter:
    """A 5 ms timer on the UI thread: the longest gap between its ticks is the longest time
    the UI thread did not get back to its event loop."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.worst = 0.0
        self._last = time.perf_counter()
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.worst = max(self.worst, now - self._last)
        self._last = now

    def reset(self) -> None:
        self.worst, self._last = 0.0, time.perf_counter()


def pump(app, until, timeout: float = 60.0) -> float:
    start = time.perf_counter()
    while not until():
        if time.perf_counter() - start > timeout:
            raise TimeoutError("the preview did not get there in time")
        app.processEvents()
        time.sleep(0.002)
    return time.perf_counter() - start


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtPrintSupport import QPrinter

    from reviewdesk.reports.packs import build_packs
    from reviewdesk.storage.db import open_database
    from tests.reports.factory import AS_OF, WEEK, populate
    from ui.app import make_application
    from ui.pdf_pages import open_pdf
    from ui.print_preview import PrintPreview
    from ui.printing import new_printer, print_pdf

    app = make_application()
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "packs.pdf"
        db = open_database(Path(tmp) / "bench.sqlite")
        with db.session() as session:
            populate(session, iros=5, children_per_iro=20, week_meetings=PACKS)
            pages = build_packs(session, week=WEEK, as_of=AS_OF, out=pdf)
        db.dispose()

        meter = StallMeter()
        start = time.perf_counter()
        preview = PrintPreview(pdf, "Packs")
        preview.resize(1000, 900)
        preview.show()
        pump(app, lambda: preview.pages is not None and 0 in preview.strip.images)
        first = time.perf_counter() - start
        opening_stall = meter.worst

        dpi = preview.strip.zoom * 72 * preview.devicePixelRatioF()
        doc = open_pdf(pdf)
        one = time.perf_counter()
        doc.render(1, dpi)
        baseline = time.perf_counter() - one

        meter.reset()
        paging = time.perf_counter()
        for index in range(1, pages):
            preview.next_page()
            pump(app, lambda i=index: i in preview.strip.images)
        paging = time.perf_counter() - paging
        paging_stall = meter.worst

        meter.reset()
        for action in (
            preview.zoom_in_action,
            preview.zoom_in_action,
            preview.fit_page_action,
            preview.zoom_out_action,
            preview.fit_width_action,
        ):
            action.trigger()
            current = preview.current_page()
            pump(app, lambda c=current: preview.strip.images.get(c, (0,))[0] == preview.strip.zoom)
        zoom_stall = meter.worst

        printer = new_printer("Packs")
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(Path(tmp) / "printed.pdf"))
        printed = time.perf_counter()
        sheets = print_pdf(doc, printer, list(range(10)))
        per_page = (time.perf_counter() - printed) / sheets
        doc.close()
        preview.close()
        meter.timer.stop()

        report(f"preview {pages} pages: first page drawn", first, "one page rendered", baseline)
        report("  longest UI stall while opening", opening_stall, "one page", baseline, target=0.1)
        report(
            f"  paging through {pages} pages ({paging:.1f} s)",
            paging_stall,
            "one page",
            baseline,
            target=0.1,
        )
        report("  longest UI stall while zooming", zoom_stall, "one page", baseline, target=0.1)
        report("printing, per page at 300 dpi (worker)", per_page, "one page", baseline)


if __name__ == "__main__":
    main()
