"""PDF pages as images, for the print preview and for printing.

PySide6-Essentials has no PDF renderer (QtPdf is in the Addons), so pages are rasterised with
PDFium (pypdfium2). PDFium is not thread-safe: every call into it holds one process-wide lock,
which lets any worker thread render while the UI thread never waits on it. A ``QImage`` may be
made off the UI thread (unlike a ``QPixmap``), so workers hand finished images back by signal.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtGui import QImage

from reviewdesk.errors import ReviewdeskError

#: PDFium is not thread-safe: one call at a time, from whichever thread.
_pdfium_lock = threading.Lock()

POINTS_PER_INCH = 72.0


@dataclass(frozen=True)
class PageSize:
    """A page's size in PDF points (1/72 inch)."""

    width: float
    height: float

    @property
    def landscape(self) -> bool:
        return self.width > self.height


class PdfPages:
    """An open PDF whose pages can be rendered from any thread.

    Opening reads the page sizes (fast: PDFium parses pages lazily); call it off the UI
    thread all the same, since a large file on a network share may take a while.
    """

    def __init__(self, path: str | Path) -> None:
        import pypdfium2 as pdfium

        self.path = Path(path)
        try:
            with _pdfium_lock:
                self._doc = pdfium.PdfDocument(str(self.path))
                sizes = []
                for index in range(len(self._doc)):
                    page = self._doc[index]
                    try:
                        width, height = page.get_size()  # as shown: /Rotate is applied
                    finally:
                        page.close()
                    sizes.append(PageSize(width, height))
        except FileNotFoundError as exc:
            raise ReviewdeskError(f"the document {self.path} no longer exists") from exc
        except pdfium.PdfiumError as exc:
            raise ReviewdeskError(
                f"the document {self.path.name} could not be read: it is damaged or not a PDF"
            ) from exc
        if not sizes:
            self.close()
            raise ReviewdeskError(f"the document {self.path.name} has no pages")
        self.sizes: tuple[PageSize, ...] = tuple(sizes)

    def __len__(self) -> int:
        return len(self.sizes)

    def render(self, index: int, dpi: float, *, for_print: bool = False) -> QImage:
        """Page ``index`` (from 0) at ``dpi`` dots per inch, as an opaque RGB image."""
        scale = dpi / POINTS_PER_INCH
        with _pdfium_lock:
            if self._doc is None:
                raise ReviewdeskError("the document was closed")
            page = self._doc[index]
            try:
                bitmap = page.render(
                    scale=scale,
                    prefer_bgrx=True,
                    rev_byteorder=True,  # RGBx: QImage.Format_RGBX8888 as it is in memory
                    optimize_mode="print" if for_print else None,
                )
                try:
                    image = QImage(
                        bitmap.buffer,
                        bitmap.width,
                        bitmap.height,
                        bitmap.stride,
                        QImage.Format.Format_RGBX8888,
                    ).copy()  # own the pixels: the bitmap's buffer is freed below
                finally:
                    bitmap.close()
            finally:
                page.close()
        image.setDotsPerMeterX(round(dpi / 0.0254))
        image.setDotsPerMeterY(round(dpi / 0.0254))
        return image

    def close(self) -> None:
        with _pdfium_lock:
            doc, self._doc = getattr(self, "_doc", None), None
            if doc is not None:
                doc.close()


def open_pdf(path: str | Path) -> PdfPages:
    """Open a PDF for rendering; a damaged or missing file raises ``ReviewdeskError``."""
    return PdfPages(path)


def check_renderer() -> None:
    """Render a one-page PDF and look for its ink: the smoke check's proof that PDFium (a
    native library the frozen bundle must carry) loads and works. Raises if it does not."""
    import tempfile

    from reportlab.pdfgen.canvas import Canvas

    with tempfile.TemporaryDirectory(prefix="reviewdesk-") as folder:
        path = Path(folder) / "check.pdf"
        canvas = Canvas(str(path), pagesize=(144, 72))
        canvas.rect(18, 18, 108, 36, stroke=0, fill=1)
        canvas.save()
        pages = open_pdf(path)
        try:
            image = pages.render(0, 36)
        finally:
            pages.close()
    if image.isNull() or image.pixelColor(36, 18).lightness() > 64:
        raise ReviewdeskError("the PDF renderer (PDFium) drew a blank page")
