"""Desktop test set-up: offscreen Qt, a fresh sample database per test (on SQLite and on
PostgreSQL, `tests.dbfixtures`), replaceable prompts."""

from __future__ import annotations

import gc
import os
import tempfile

import pytest

from tests.dbfixtures import db, db_target, open_db  # noqa: F401
from tests.ui.sample import AS_OF, fill_sample


def pytest_configure(config) -> None:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    # Keep the user's real data and settings folders out of the tests (error log, documents,
    # QSettings); Qt reads XDG_CONFIG_HOME once, so this is set before any QSettings exists.
    home = tempfile.mkdtemp(prefix="reviewdesk-ui-tests-")
    os.environ["XDG_DATA_HOME"] = os.path.join(home, "data")
    os.environ["XDG_CONFIG_HOME"] = os.path.join(home, "config")


@pytest.fixture(autouse=True)
def _collector_sees_each_tests_windows():
    """The window freezes what it holds for the garbage collector (it lives for the
    session); a test's window does not: unfrozen after each test. And each test's windows
    (and their dialogs) are deleted at its end.

    Left to the collector's own time, a worker kept thousands of earlier tests' widgets
    alive, and every later test that set the application's theme or style re-polished them
    all: a dark-theme test's set-up took 12 to 16 s in a full run, 0.3 s alone. (A full
    collection after each test cured it too, but cost 0.36 s a test.)"""
    yield
    gc.unfreeze()
    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QApplication, QDialog

    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QDialog) and widget.isVisible():
            # A dialog a test left open, closed without asking whether to drop what was
            # entered in it (`ui.dialogs.FormDialog`): the test's prompts are gone by now.
            widget.done(QDialog.DialogCode.Rejected)
        widget.close()
        widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


class RecordingPrompts:
    """Answers every question at once and remembers what was asked (no modal loop)."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.infos: list[str] = []
        self.questions: list[str] = []
        self.defaults_no: list[bool] = []  # for each confirm: does Enter answer No?
        self.confirm_answer = True
        self.save_answer_to_move_on: str | None = "save"  # or "discard", None (Cancel)
        self.text_answer: str | None = None
        self.file_answer: str | None = None
        self.documents: list = []
        self.save_answer: str | None = None
        self.dialogs: list[object] = []
        self.on_dialog = None  # callable(dialog) -> bool; default: reject

    def run_dialog(self, dialog) -> bool:
        self.dialogs.append(dialog)
        return bool(self.on_dialog(dialog)) if self.on_dialog else False

    def error(self, parent, message, log=None) -> None:
        self.errors.append(message)

    def info(self, parent, message) -> None:
        self.infos.append(message)

    def confirm(self, parent, question, *, default_no: bool = False) -> bool:
        self.questions.append(question)
        self.defaults_no.append(default_no)
        return self.confirm_answer

    def save_or_discard(self, parent, question) -> str | None:
        self.questions.append(question)
        return self.save_answer_to_move_on

    def open_document(self, parent, path) -> None:
        self.documents.append(path)

    def save_file(self, parent, title, name, pattern):
        self.questions.append(title)
        return self.save_answer

    def open_file(self, parent, title, pattern):
        self.questions.append(title)
        return self.file_answer

    def text(self, parent, title, label):
        self.questions.append(label)
        return self.text_answer


@pytest.fixture
def prompts_recorder():
    from ui.prompts import set_prompts

    recorder = RecordingPrompts()
    previous = set_prompts(recorder)
    yield recorder
    set_prompts(previous)


@pytest.fixture
def sample(db):  # noqa: F811
    return fill_sample(db)


@pytest.fixture
def ctx(db, sample, qapp):  # noqa: F811
    from ui.context import AppContext
    from ui.theme import apply_theme

    apply_theme(qapp)
    return AppContext.open(db, as_of=AS_OF)


@pytest.fixture
def settings(tmp_path):
    from PySide6.QtCore import QSettings

    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(ctx, qtbot, settings, prompts_recorder):
    from ui.main_window import MainWindow

    win = MainWindow(ctx, settings=settings)
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.load_initial_data()
    yield win
    from ui.tasks import wait_for_all

    wait_for_all()
