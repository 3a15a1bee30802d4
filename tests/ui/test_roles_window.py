"""The window as each role uses it, by clicking and typing: what a role may not do is not
offered (no box to type into, no button that leads to a refusal), and what it may do is.

Who may do what is `reviewdesk.actions.PERMISSIONS` (and the actions' own checks); these
tests replay what a person did that the window got wrong.
"""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from tests.invitations.scenario import AS_OF as CONFERENCE_AS_OF
from tests.invitations.scenario import conference
from tests.ui.test_changes import choose_meeting

D = dt.date


def _window_as(db, open_db, qtbot, settings, name: str, role: str | None, as_of: dt.date):
    """The main window on ``db``'s data, opened by ``name`` with ``role`` (None: not on the
    user list), on screen."""
    from ui.context import AppContext
    from ui.main_window import MainWindow

    ctx = AppContext.open(open_db(name, role=role), as_of=as_of)
    window = MainWindow(ctx, settings=settings)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.load_initial_data()
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


@pytest.fixture
def wait_for_tasks():
    yield
    from ui.tasks import wait_for_all

    wait_for_all()


# --- invitations, reports and pack ----------------------------------------------------------


@pytest.mark.parametrize("role", ["team_manager", None])
def test_a_read_only_user_cannot_type_into_the_invitation_forms(
    db, open_db, qapp, qtbot, settings, prompts_recorder, wait_for_tasks, role
) -> None:
    """A team manager (or someone not on the list) opens a meeting's invitations with Alt+N
    and tries to name someone to invite, a report to add and when the pack went: the boxes
    take no typing, as the buttons that would save them are off."""
    from ui.dialogs.invitations import InvitationsDialog

    ids = conference(db)
    window = _window_as(db, open_db, qtbot, settings, "reader", role, CONFERENCE_AS_OF)
    window.open_child(ids["child"])
    page = window.cases.child
    choose_meeting(page, qtbot, ids["meeting"])
    typed: dict[str, str] = {}

    def try_typing(dialog) -> bool:
        assert isinstance(dialog, InvitationsDialog)
        for name, box in (
            ("other", dialog.other_name),
            ("role", dialog.other_role),
            ("email", dialog.other_email),
            ("someone", dialog.someone.lineEdit()),
            ("report", dialog.report_author),
        ):
            qtbot.keyClicks(box, "Aled")
            typed[name] = box.text()
        qtbot.keyClick(dialog.pack_how, Qt.Key.Key_Down)
        typed["pack how"] = dialog.pack_how.currentText()
        typed["pack how at first"] = dialog.pack_how.itemText(0)
        assert not dialog.invite_other_button.isEnabled()
        assert not dialog.record_pack_button.isEnabled()
        return False

    prompts_recorder.on_dialog = try_typing
    page.table.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: len(prompts_recorder.dialogs) == 1)
    how, how_at_first = typed.pop("pack how"), typed.pop("pack how at first")
    assert typed == {"other": "", "role": "", "email": "", "someone": "", "report": ""}
    assert how == how_at_first
    assert prompts_recorder.errors == []
