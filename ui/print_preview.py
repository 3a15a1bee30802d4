"""Print preview: a document's pages on screen, then Print…, Save PDF… or the system viewer.

Opened with the path of a PDF that ``ui.documents`` has just written. Nothing slow happens on
the UI thread: the file is opened in the background, each page is rasterised (PDFium, see
``ui.pdf_pages``) only when it scrolls into view, on a one-thread pool of the window's own,
and comes back by signal; printing rasterises and paints in the background too, with progress
in the status bar. Pages not yet drawn show as blank sheets meanwhile.
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QRect, QRectF, QSize, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QColor,
    QImage,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QToolBar,
    QWidget,
)

from reviewdesk.safefiles import copy_output
from ui.errors import friendly_message
from ui.pdf_pages import POINTS_PER_INCH, PageSize, PdfPages, open_pdf
from ui.printing import PrintCancelled, new_printer, print_dialog, print_pdf, selected_pages
from ui.prompts import prompts
from ui.screen import fit
from ui.tasks import run_in_background

GAP = 16  # pixels around and between pages
ZOOM_STEPS = (0.25, 0.33, 0.5, 0.67, 0.75, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 3.0, 4.0)
FIT_WIDTH, FIT_PAGE = "width", "page"
#: Rendered pages kept in memory (the rest are drawn again when they come back into view).
CACHE_PAGES = 24


class PageStrip(QWidget):
    """Every page one under the other, at ``zoom`` pixels per point; the images come from
    outside (``set_image``) and pages without one are drawn as blank sheets."""

    wanted = Signal(list)  # page indices (from 0) on screen without an image at this zoom

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Pages of the document")
        self.sizes: tuple[PageSize, ...] = ()
        self.zoom = 1.0  # logical pixels per PDF point
        self.images: dict[int, tuple[float, QImage]] = {}  # index -> (zoom, image)
        self._tops: list[int] = []

    # geometry -------------------------------------------------------------------------
    def set_pages(self, sizes: tuple[PageSize, ...]) -> None:
        self.sizes = sizes
        self.images.clear()
        self._layout()

    def set_zoom(self, zoom: float) -> None:
        self.zoom = zoom
        self._layout()

    def _layout(self) -> None:
        tops, y = [], GAP
        for size in self.sizes:
            tops.append(y)
            y += round(size.height * self.zoom) + GAP
        self._tops = tops
        width = max((round(s.width * self.zoom) for s in self.sizes), default=0) + 2 * GAP
        self.setFixedSize(QSize(width, y))
        self.update()

    def page_rect(self, index: int) -> QRect:
        size = self.sizes[index]
        w, h = round(size.width * self.zoom), round(size.height * self.zoom)
        return QRect((self.width() - w) // 2, self._tops[index], w, h)

    def page_at(self, y: int) -> int:
        """The page at height ``y`` (or the one just above the gap there)."""
        index = 0
        for n, top in enumerate(self._tops):
            if top > y:
                break
            index = n
        return index

    def pages_in(self, rect: QRect) -> list[int]:
        return [n for n in range(len(self.sizes)) if self.page_rect(n).intersects(rect)]

    # images -----------------------------------------------------------------------------
    def set_image(self, index: int, zoom: float, image: QImage) -> None:
        self.images[index] = (zoom, image)
        if len(self.images) > CACHE_PAGES:
            centre = self.page_at(self.visibleRegion().boundingRect().center().y())
            for far in sorted(self.images, key=lambda n: -abs(n - centre)):
                if len(self.images) <= CACHE_PAGES:
                    break
                del self.images[far]
        if index < len(self.sizes):
            self.update(self.page_rect(index))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(event.rect(), self.palette().color(QPalette.ColorRole.Dark))
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        missing = []
        for index in self.pages_in(event.rect()):
            rect = self.page_rect(index)
            painter.fillRect(rect.translated(2, 3), QColor(0, 0, 0, 60))  # a soft shadow
            painter.fillRect(rect, Qt.GlobalColor.white)
            zoom, image = self.images.get(index, (None, None))
            if image is not None:
                painter.drawImage(QRectF(rect), image)
            if zoom != self.zoom:
                missing.append(index)
            painter.setPen(QPen(QColor(0, 0, 0, 90), 1))
            painter.drawRect(rect.adjusted(0, 0, -1, -1))
        painter.end()
        if missing:
            self.wanted.emit(missing)


class PrintPreview(QMainWindow):
    """A document's print preview window; ``path`` is a PDF file, ``title`` what it is."""

    printed = Signal(int)  # pages sent to the printer
    #: The document left reviewdesk: printed ("printer"), saved (the file), or opened in the
    #: system's viewer. The window records it in the audit trail (`ui.documents`).
    left = Signal(str)

    def __init__(self, path: str | Path, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.path = Path(path)
        self.title = title
        self.pages: PdfPages | None = None
        self.setWindowTitle(f"{title} — print preview")
        self.setAccessibleName(f"Print preview of the {title.lower()}")
        self.setObjectName("printPreview")
        self._closed = False
        self._mode: str | float = FIT_WIDTH  # or a zoom factor, 1.0 being actual size
        self._pending: set[int] = set()
        self._wanted: set[int] = set()  # read by the render thread, hence the lock
        self._wanted_lock = threading.Lock()
        self._render_pool = QThreadPool(self)
        self._render_pool.setMaxThreadCount(1)  # PDFium renders one page at a time anyway
        self._printing = None
        self._cancel_printing = threading.Event()
        self._tasks: list = []

        self.strip = PageStrip()
        self.strip.wanted.connect(self._render)
        self.scroll = QScrollArea()
        self.scroll.setAccessibleName("Document pages")
        self.scroll.setWidget(self.strip)
        self.scroll.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.scroll.setBackgroundRole(QPalette.ColorRole.Dark)
        self.scroll.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        # always there, so fitting the width never makes it appear and change the width
        self.scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.scroll.verticalScrollBar().valueChanged.connect(lambda _v: self._track_page())
        self.setCentralWidget(self.scroll)

        self._build_toolbar()
        self._build_status_bar()
        self._set_enabled(False)
        fit(self, 980, 1000)  # a page and a half on a big screen; no more than a laptop's
        self._open()

    # --- building ---------------------------------------------------------------------------
    def _action(self, text: str, slot, shortcuts=(), *, tip: str = "") -> QAction:
        action = QAction(text, self)
        keys: list[QKeySequence] = []
        for key in shortcuts:  # a key twice on one action makes it ambiguous: neither fires
            for sequence in (
                QKeySequence.keyBindings(key)
                if isinstance(key, QKeySequence.StandardKey)
                else [QKeySequence(key)]
            ):
                if not sequence.isEmpty() and sequence not in keys:
                    keys.append(sequence)
        if keys:
            action.setShortcuts(keys)
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        tip = tip or text.replace("&", "").rstrip("…")
        if keys:
            tip += f" ({keys[0].toString(QKeySequence.SequenceFormat.NativeText)})"
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)  # shortcuts work wherever the focus is in the window
        return action

    def _build_toolbar(self) -> None:
        bar = QToolBar("Print preview")
        bar.setObjectName("previewToolbar")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        bar.setAccessibleName("Print preview tools")
        self.addToolBar(bar)
        key = QKeySequence.StandardKey
        self.print_action = self._action(
            "&Print…", self.print_document, [key.Print], tip="Print the document"
        )
        self.save_action = self._action(
            "&Save PDF…", self.save_copy, [key.Save], tip="Save a copy of the PDF"
        )
        self.open_action = self._action(
            "&Open in system viewer",
            self.open_in_viewer,
            tip="Open the PDF in the computer's own PDF viewer",
        )
        self.close_action = self._action(
            "&Close", self.close, [Qt.Key.Key_Escape], tip="Close the print preview"
        )
        for action in (self.print_action, self.save_action, self.open_action):
            bar.addAction(action)
        bar.addSeparator()

        self.previous_action = self._action(
            "◀", self.previous_page, [Qt.Key.Key_PageUp], tip="Previous page"
        )
        self.next_action = self._action("▶", self.next_page, [Qt.Key.Key_PageDown], tip="Next page")
        self.first_action = self._action(
            "First page", lambda: self.go_to_page(0), [Qt.Key.Key_Home, "Ctrl+Home"]
        )
        self.last_action = self._action(
            "Last page", lambda: self.go_to_page(len(self.strip.sizes) - 1), [Qt.Key.Key_End]
        )
        self.page_box = QSpinBox()
        self.page_box.setAccessibleName("Page number")
        self.page_box.setToolTip("Go to a page")
        self.page_box.setRange(1, 1)
        self.page_box.setKeyboardTracking(False)
        self.page_box.valueChanged.connect(lambda n: self.go_to_page(n - 1))
        self.page_label = QLabel("Page")
        self.of_label = QLabel(" of 0 ")
        self.of_label.setAccessibleName("Number of pages")
        bar.addAction(self.previous_action)
        bar.addWidget(self.page_label)
        bar.addWidget(self.page_box)
        bar.addWidget(self.of_label)
        bar.addAction(self.next_action)
        bar.addSeparator()

        self.zoom_out_action = self._action(
            "−", self.zoom_out, [key.ZoomOut, "Ctrl+-"], tip="Zoom out"
        )
        self.zoom_in_action = self._action(
            "+", self.zoom_in, [key.ZoomIn, "Ctrl+=", "Ctrl++"], tip="Zoom in"
        )
        self.zoom_box = QComboBox()
        self.zoom_box.setAccessibleName("Zoom")
        self.zoom_box.setToolTip("Zoom")
        self.zoom_box.addItem("Fit width", FIT_WIDTH)
        self.zoom_box.addItem("Fit page", FIT_PAGE)
        for step in ZOOM_STEPS:
            self.zoom_box.addItem(f"{round(step * 100)}%", step)
        self.zoom_box.activated.connect(lambda i: self.set_zoom(self.zoom_box.itemData(i)))
        self.fit_width_action = self._action(
            "Fit width", lambda: self.set_zoom(FIT_WIDTH), ["Ctrl+0"], tip="Fit the page width"
        )
        self.fit_page_action = self._action(
            "Fit page", lambda: self.set_zoom(FIT_PAGE), ["Ctrl+9"], tip="Fit the whole page"
        )
        bar.addAction(self.zoom_out_action)
        bar.addWidget(self.zoom_box)
        bar.addAction(self.zoom_in_action)
        # Fitting is in the zoom list: as buttons too, "Fit width" stood twice side by side.
        # Their keys still work (the actions are the window's).
        self.addAction(self.fit_width_action)
        self.addAction(self.fit_page_action)
        self.zoom_box.setToolTip("Zoom (Ctrl+0 fits the width, Ctrl+9 the whole page)")
        for action in bar.actions():
            widget = bar.widgetForAction(action)
            if widget is not None and not widget.accessibleName():
                widget.setAccessibleName(action.toolTip().split(" (")[0])

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self.message = QLabel("Opening the document…")
        self.message.setAccessibleName("Print preview status")
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Progress")
        self.progress.setMaximumWidth(220)
        self.progress.setRange(0, 0)
        self.cancel_button = QPushButton("Cancel printing")
        self.cancel_button.setAccessibleName("Cancel printing")
        self.cancel_button.clicked.connect(self.cancel_printing)
        self.cancel_button.hide()
        status.addWidget(self.message, 1)
        status.addPermanentWidget(self.progress)
        status.addPermanentWidget(self.cancel_button)

    def _set_enabled(self, ready: bool) -> None:
        for action in (
            self.print_action,
            self.previous_action,
            self.next_action,
            self.first_action,
            self.last_action,
            self.zoom_in_action,
            self.zoom_out_action,
            self.fit_width_action,
            self.fit_page_action,
        ):
            action.setEnabled(ready)
        self.page_box.setEnabled(ready)
        self.zoom_box.setEnabled(ready)

    # --- opening ----------------------------------------------------------------------------
    def _open(self) -> None:
        self._tasks.append(
            run_in_background(
                lambda _p: open_pdf(self.path), on_success=self._opened, on_failure=self._failed
            )
        )

    def _opened(self, pages: PdfPages) -> None:
        if self._closed:
            pages.close()
            return
        self.pages = pages
        count = len(pages)
        self.strip.set_pages(pages.sizes)
        self.page_box.setRange(1, count)
        self.of_label.setText(f" of {count} ")
        self.progress.hide()
        self._set_enabled(True)
        self._show_page_status()
        self._apply_zoom()
        self.scroll.setFocus()

    def _failed(self, exc: BaseException) -> None:
        if self._closed:
            return
        self.progress.hide()
        self.message.setText("The document could not be shown.")
        prompts().error(
            self, f"The {self.title.lower()} could not be shown: {friendly_message(exc)}"
        )
        self.close()

    # --- rendering --------------------------------------------------------------------------
    def _render(self, indices: list[int]) -> None:
        """Render the pages on screen that have no image at this zoom (in the background)."""
        if self.pages is None or self._closed:
            return
        visible = self.strip.visibleRegion().boundingRect()
        on_screen = set(self.strip.pages_in(visible)) | set(indices)
        with self._wanted_lock:
            self._wanted = on_screen
        zoom = self.strip.zoom
        dpr = self.devicePixelRatioF()
        dpi = zoom * POINTS_PER_INCH * dpr
        pages = self.pages
        for index in sorted(set(indices) - self._pending):
            self._pending.add(index)

            def work(_progress, index=index):
                with self._wanted_lock:
                    if index not in self._wanted:
                        return index, zoom, None  # scrolled away before its turn
                return index, zoom, pages.render(index, dpi)

            run_in_background(
                work,
                on_success=self._rendered,
                on_failure=self._render_failed,
                pool=self._render_pool,
            )

    def _rendered(self, result: tuple[int, float, QImage | None]) -> None:
        if self._closed:
            return
        index, zoom, image = result
        self._pending.discard(index)
        if image is not None:
            image.setDevicePixelRatio(self.devicePixelRatioF())
            self.strip.set_image(index, zoom, image)
        if zoom != self.strip.zoom and not self._pending:
            self.strip.update()  # rendered at an old zoom: ask again at the new one

    def _render_failed(self, exc: BaseException) -> None:
        if self._closed:
            return
        self._pending.clear()
        self.message.setText(f"A page could not be drawn: {friendly_message(exc)}")

    # --- navigation -------------------------------------------------------------------------
    def current_page(self) -> int:
        """The page (from 0) at the top third of the view."""
        if not self.strip.sizes:
            return 0
        bar = self.scroll.verticalScrollBar()
        return self.strip.page_at(bar.value() + self.scroll.viewport().height() // 3)

    def go_to_page(self, index: int) -> None:
        if not self.strip.sizes:
            return
        index = max(0, min(index, len(self.strip.sizes) - 1))
        self.scroll.verticalScrollBar().setValue(self.strip.page_rect(index).top() - GAP // 2)
        self._show_page_status(index)

    def next_page(self) -> None:
        self.go_to_page(self.current_page() + 1)

    def previous_page(self) -> None:
        self.go_to_page(self.current_page() - 1)

    def _track_page(self) -> None:
        self._show_page_status()

    def _show_page_status(self, index: int | None = None) -> None:
        if not self.strip.sizes:
            return
        index = self.current_page() if index is None else index
        count = len(self.strip.sizes)
        self.page_box.blockSignals(True)
        self.page_box.setValue(index + 1)
        self.page_box.blockSignals(False)
        self.previous_action.setEnabled(index > 0)
        self.next_action.setEnabled(index < count - 1)
        if self._printing is None:
            self.message.setText(f"Page {index + 1} of {count}")

    # --- zoom -------------------------------------------------------------------------------
    def zoom_factor(self) -> float:
        """The zoom as a factor of actual size (1.0: a page as large as on paper)."""
        return self.strip.zoom / self._actual_size()

    def _actual_size(self) -> float:
        return self.logicalDpiX() / POINTS_PER_INCH

    def set_zoom(self, mode: str | float) -> None:
        self._mode = mode
        self._apply_zoom()

    def zoom_in(self) -> None:
        now = self.zoom_factor()
        self.set_zoom(next((s for s in ZOOM_STEPS if s > now * 1.01), ZOOM_STEPS[-1]))

    def zoom_out(self) -> None:
        now = self.zoom_factor()
        self.set_zoom(next((s for s in reversed(ZOOM_STEPS) if s < now * 0.99), ZOOM_STEPS[0]))

    def _apply_zoom(self) -> None:
        if not self.strip.sizes:
            return
        current = self.current_page()
        view = self.scroll.viewport().size()
        widest = max(s.width for s in self.strip.sizes)
        if self._mode == FIT_WIDTH:
            zoom = (view.width() - 2 * GAP) / widest
        elif self._mode == FIT_PAGE:
            size = self.strip.sizes[current]
            zoom = min(
                (view.width() - 2 * GAP) / size.width,
                (view.height() - 2 * GAP) / size.height,
            )
        else:
            zoom = float(self._mode) * self._actual_size()
        zoom = max(zoom, 0.05)
        if abs(zoom - self.strip.zoom) > 1e-3:
            self.strip.set_zoom(zoom)
            self.go_to_page(current)
        self.zoom_box.setCurrentIndex(self.zoom_box.findData(self._mode))
        self.zoom_box.setToolTip(f"Zoom: {round(self.zoom_factor() * 100)}%")

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._mode in (FIT_WIDTH, FIT_PAGE):
            QTimer.singleShot(0, self._apply_zoom)

    # --- printing and saving ----------------------------------------------------------------
    def print_document(self) -> None:
        """Ask the print dialog, then print the chosen pages in the background."""
        if self.pages is None or self._printing is not None:
            return
        count = len(self.pages)
        printer = new_printer(self.title, self.pages.sizes[0].landscape)
        dialog = print_dialog(printer, count, self)
        if not prompts().run_dialog(dialog):
            return
        indices = selected_pages(printer, count, self.current_page())
        if not indices:
            prompts().info(self, f"There are no pages in that range: the document has {count}.")
            return
        self._printing = printer
        self._cancel_printing.clear()
        self.print_action.setEnabled(False)
        self.progress.setRange(0, len(indices))
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_button.show()
        self.message.setText("Printing…")
        pages = self.pages

        def progress(done: int, total: int, text: str) -> None:
            if self._closed:
                return
            self.progress.setRange(0, total)
            self.progress.setValue(done)
            self.message.setText(f"{text} ({min(done + 1, total)} of {total})…")

        def finished(sheets: int) -> None:
            self._print_done()
            if not self._closed:
                self.message.setText(f"Sent {sheets} page{'s' if sheets != 1 else ''} to print.")
                self.printed.emit(sheets)
            self.left.emit("printer")

        def failed(exc: BaseException) -> None:
            self._print_done()
            if isinstance(exc, PrintCancelled):
                if not self._closed:
                    self.message.setText("Printing cancelled.")
                return
            message = f"The {self.title.lower()} was not printed: {friendly_message(exc)}"
            if self._closed:
                prompts().error(None, message)
                return
            self.message.setText("Not printed.")
            prompts().error(self, message)

        self._tasks.append(
            run_in_background(
                lambda report: print_pdf(
                    pages, printer, indices, report, self._cancel_printing.is_set
                ),
                on_success=finished,
                on_failure=failed,
                on_progress=progress,
            )
        )

    def cancel_printing(self) -> None:
        """Stop printing before the next page (what has gone to the printer stays there)."""
        if self._printing is not None:
            self._cancel_printing.set()
            self.message.setText("Cancelling…")

    def _print_done(self) -> None:
        self._printing = None
        if self._closed:
            self._release()
            return
        self.progress.hide()
        self.cancel_button.hide()
        self.print_action.setEnabled(True)

    def save_copy(self) -> None:
        """Save a copy of the PDF where the person chooses."""
        target = prompts().save_file(self, "Save a copy of the PDF", self.path.name, "PDF (*.pdf)")
        if not target:
            return
        destination = Path(target)
        if destination.suffix.lower() != ".pdf":
            destination = destination.with_suffix(".pdf")
        if destination.resolve() == self.path.resolve():
            return
        source = self.path

        def done(_result) -> None:
            if not self._closed:
                self.message.setText(f"Saved {destination}")
            self.left.emit(str(destination))

        def failed(exc: BaseException) -> None:
            if not self._closed:
                prompts().error(self, "The PDF was not saved: " + friendly_message(exc))

        self._tasks.append(
            run_in_background(
                lambda _p: copy_output(source, destination), on_success=done, on_failure=failed
            )
        )

    def open_in_viewer(self) -> None:
        prompts().open_document(self, self.path)
        self.left.emit(f"the system's PDF viewer ({self.path})")

    # --- closing ----------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        self._closed = True
        with self._wanted_lock:
            self._wanted = set()  # queued renders return at once
        if self._printing is None:
            self._render_pool.waitForDone(2000)
            self._release()
        # else: the document stays open until printing finishes (see _print_done)
        super().closeEvent(event)

    def _release(self) -> None:
        if self.pages is not None:
            self.pages.close()


_open_previews: list[PrintPreview] = []


def show_preview(path: str | Path, title: str, parent: QWidget | None = None) -> PrintPreview:
    """Open (and return) the print preview window for the PDF at ``path``."""
    top = parent.window() if parent is not None else None
    preview = PrintPreview(path, title, top)
    _open_previews.append(preview)
    preview.destroyed.connect(lambda *_: _forget(preview))
    preview.show()
    preview.raise_()
    preview.activateWindow()
    return preview


def _forget(preview: PrintPreview) -> None:
    if preview in _open_previews:
        _open_previews.remove(preview)


def open_previews() -> list[PrintPreview]:
    """The preview windows now open (tests, and the main window on quitting)."""
    return [p for p in _open_previews if not p._closed]
