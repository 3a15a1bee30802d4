"""Starting the desktop application (``reviewdesk`` with no sub-command)."""

from __future__ import annotations

import datetime as dt
import gc
import logging
import os
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSettings, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from reviewdesk import __version__
from reviewdesk.errorlog import write_log
from reviewdesk.errors import ReviewdeskError
from reviewdesk.paths import APP_ID
from reviewdesk.storage.db import is_memory_url, open_database
from ui import worker_process
from ui.context import AppContext
from ui.errors import friendly_message, install_excepthook
from ui.icon import app_icon
from ui.prompts import prompts
from ui.theme import apply_theme

log = logging.getLogger("reviewdesk.ui")


def make_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication (created once), with names, high-DPI behaviour and the theme."""
    app = QApplication.instance()
    if app is None:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
        )
        app = QApplication(argv or [sys.argv[0] if sys.argv else "reviewdesk"])
    QCoreApplication.setOrganizationName("reviewdesk")
    QCoreApplication.setApplicationName("reviewdesk")
    QCoreApplication.setApplicationVersion(__version__)
    QGuiApplication.setApplicationDisplayName("reviewdesk")
    QGuiApplication.setDesktopFileName(APP_ID)  # matches the installed .desktop file
    app.setWindowIcon(app_icon())
    apply_theme(app)
    return app


def keep_what_is_loaded() -> None:
    """Leave everything made so far (the libraries, the database's connection and the
    context) out of the garbage collector's full passes: they live as long as the window.
    Building the window makes enough objects to start a full pass, and over every library
    object loaded it held the start up for 0.22 s (one run of the start benchmark, seen
    with the collector's callbacks); after this, a full pass goes through only what is
    new. (`MainWindow.load_initial_data` freezes
    again once the window is built.)"""
    gc.freeze()


def build_main_window(
    ctx: AppContext, *, settings: QSettings | None = None, background: bool = False
):
    from ui.main_window import MainWindow

    return MainWindow(ctx, settings=settings, background=background)


def _show_error(message: str, log_file: Path | None) -> None:
    parent = QApplication.activeWindow()
    prompts().error(parent, message, log_file)


def launch(
    db: str | os.PathLike[str] | None = None,
    smoke: bool = False,
    *,
    as_of: dt.date | None = None,
) -> int:
    """Open the database and the main window; returns the exit status.

    With ``smoke`` the window is built with its data offscreen and closed at once (a check
    that the installation works); no question is asked.
    """
    if smoke:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = make_application()
    if db is None and not smoke:
        # The database chosen in Settings ("use next time"), unless --db or $REVIEWDESK_DB.
        db = str(QSettings().value("database/target", "") or "") or None
    try:
        database = open_database(db)
        ctx = AppContext.open(database, as_of=as_of)
    except ReviewdeskError as exc:
        return _fail(str(exc), smoke)
    except Exception as exc:  # noqa: BLE001 - the database could not be opened
        path = write_log(type(exc), exc, exc.__traceback__)
        return _fail("The database could not be opened. " + friendly_message(exc), smoke, path)

    if smoke:
        try:
            settings = QSettings(
                QSettings.Format.IniFormat, QSettings.Scope.UserScope, "reviewdesk", "smoke-check"
            )
            window = build_main_window(ctx, settings=settings)
            window.load_initial_data()
            app.processEvents()
            window.close()
            _check_worker_process(database, ctx.as_of)
            database.dispose()
            from ui.pdf_pages import check_renderer

            check_renderer()  # print preview and printing need PDFium
        except Exception as exc:  # noqa: BLE001 - report in one line, never a traceback
            path = write_log(type(exc), exc, exc.__traceback__)
            sys.stderr.write(f"reviewdesk: smoke check failed: {friendly_message(exc)}\n")
            if path:
                sys.stderr.write(f"reviewdesk: details in {path}\n")
            return 1
        sys.stdout.write("reviewdesk: smoke check passed\n")
        return 0

    install_excepthook(_show_error)
    worker_process.enable()
    worker_process.warm_up()
    app.aboutToQuit.connect(worker_process.shutdown)
    keep_what_is_loaded()
    window = build_main_window(ctx, background=True)
    window.show()
    window.load_initial_data()
    window.watch_others_changes()  # others' changes show without F5
    warnings = list(getattr(database, "warnings", []) or [])
    if warnings:  # e.g. the SQLite file is on a network share
        QTimer.singleShot(0, lambda: prompts().info(window, "\n\n".join(warnings)))
    if ctx.is_empty() and ctx.can_create_demo:
        from ui.first_run import offer_demo

        # The demo's changes reach every page (AppContext.did_change).
        QTimer.singleShot(0, lambda: offer_demo(window, ctx))
    status = app.exec()
    from ui.tasks import wait_for_all

    wait_for_all()
    database.dispose()
    return int(status)


def _check_worker_process(database, as_of: dt.date) -> None:
    """The smoke check's proof that the worker process starts and answers (in the frozen
    bundle too), with the same snapshot as this process works out."""
    from reviewdesk.dashboard import read_snapshot

    if is_memory_url(database.url):
        return
    worker_process.enable()
    try:
        there = worker_process.call(read_snapshot, database, as_of)
        if not worker_process.enabled():
            raise RuntimeError("the worker process did not start")
    finally:
        worker_process.enable(False)
    if there != read_snapshot(database, as_of):
        raise RuntimeError("the worker process gave a different answer")


def _fail(message: str, smoke: bool, log_file: Path | None = None) -> int:
    if smoke or os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        sys.stderr.write(f"reviewdesk: {message}\n")
    else:
        prompts().error(None, message, log_file)
    return 1
