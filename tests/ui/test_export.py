"""The window's save paths: files are private whatever the umask, the database in use is never
written over, and a refusal is a friendly message (as a person sees it, from the menus and
shortcuts). And the number of automatic backups kept, set on the Settings page."""

from __future__ import annotations

import csv
import os
import stat

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from reviewdesk import actions
from reviewdesk.storage.audit import list_audit
from tests.dbfixtures import sqlite_file_only


@pytest.fixture
def open_umask():
    old = os.umask(0o000)  # the worst case: files would be made world-writable
    yield
    os.umask(old)


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _press_ctrl_e(window, qtbot) -> None:
    """Export the case list as a person does: Ctrl+E in the shown window."""
    from PySide6.QtWidgets import QApplication

    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    QTest.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)


def _exports(db) -> list[tuple[str, str]]:
    """What the audit trail says left reviewdesk: (what, where)."""
    with db.session() as s:
        return [(e.after["what"], e.after["destination"]) for e in list_audit(s, action="export")]


def test_the_case_list_export_is_private(window, qtbot, prompts_recorder, db, tmp_path, open_umask):
    target = tmp_path / "cases.csv"
    prompts_recorder.save_answer = str(target)
    window.show_page(1)
    _press_ctrl_e(window, qtbot)
    qtbot.waitUntil(lambda: "Exported" in window.statusBar().currentMessage(), timeout=10000)
    assert _mode(target) == 0o600
    with target.open(encoding="utf-8-sig", newline="") as fh:
        assert next(csv.reader(fh))[:2] == ["Name", "ID"]
    assert [p.name for p in tmp_path.iterdir() if ".part" in p.name] == []
    assert _exports(db) == [("case list", str(target))]  # recorded as data leaving


@sqlite_file_only
def test_the_case_list_is_never_written_over_the_database(window, qtbot, prompts_recorder, db):
    before = db.sqlite_path.read_bytes()
    prompts_recorder.save_answer = str(db.sqlite_path.with_suffix(".csv"))  # .csv is added
    os.symlink(db.sqlite_path, db.sqlite_path.with_suffix(".csv"))
    window.show_page(1)
    _press_ctrl_e(window, qtbot)
    qtbot.waitUntil(lambda: bool(prompts_recorder.errors), timeout=10000)
    assert "database in use" in prompts_recorder.errors[0]
    assert "Error" not in prompts_recorder.errors[0]
    assert db.sqlite_path.read_bytes() == before
    assert _exports(db) == []  # nothing left, nothing recorded


@sqlite_file_only
@pytest.mark.parametrize("action", ["export_schedule_action", "export_measures_action"])
def test_schedule_and_measures_refuse_the_database(window, qtbot, prompts_recorder, db, action):
    prompts_recorder.save_answer = str(db.sqlite_path)  # no .xlsx/.csv/.ics: .xlsx is added
    os.link(db.sqlite_path, db.sqlite_path.with_suffix(".xlsx"))  # ...a hard link to it
    before = db.sqlite_path.read_bytes()
    prompts_recorder.on_dialog = lambda _dialog: True  # the measures' period: the usual
    getattr(window, action).trigger()
    qtbot.waitUntil(lambda: bool(prompts_recorder.errors), timeout=20000)
    assert "database in use" in prompts_recorder.errors[0]
    assert db.sqlite_path.read_bytes() == before


def test_exported_rules_are_private_and_never_over_the_database(
    window, prompts_recorder, db, tmp_path, open_umask
):
    actions.set_rule(
        db,
        actions.whoami(db),
        "lac.review.first",
        expected_version=0,
        source="Council standard",
        amount=15,
    )
    page = window.settings_page
    if db.is_sqlite:  # the file in use (PostgreSQL keeps none here)
        prompts_recorder.save_answer = str(db.sqlite_path)
        before = db.sqlite_path.read_bytes()
        page.export_overrides()
        assert "database in use" in prompts_recorder.errors[-1]
        assert db.sqlite_path.read_bytes() == before
    prompts_recorder.save_answer = str(tmp_path / "council.toml")
    page.export_overrides()
    assert _mode(tmp_path / "council.toml") == 0o600
    assert "lac.review.first" in (tmp_path / "council.toml").read_text(encoding="utf-8")
    with db.session() as s:  # the file written, not the refused one, left as data leaving
        [entry] = list_audit(s, action="export")
    assert entry.after["destination"] == str(tmp_path / "council.toml")


def test_the_number_of_backups_kept_is_a_setting(window, db):
    from reviewdesk.settings import get_setting

    page = window.settings_page
    window.show_page(window.pages.index(page))
    assert page.backups_kept.value() == 5
    page.backups_kept.selectAll()
    QTest.keyClicks(page.backups_kept, "12")
    QTest.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    with db.session() as s:
        assert get_setting(s, "backups_kept") == 12
