"""The users and roles box in Settings, driven as an administrator uses it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from reviewdesk.storage.audit import list_audit
from reviewdesk.storage.users import all_users, role_of


def _row(box, name: str) -> int:
    return next(r for r in range(box.table.rowCount()) if box.table.item(r, 0).text() == name)


def _click(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def test_an_administrator_adds_a_user_changes_a_role_and_deactivates(
    window, qtbot, prompts_recorder, sample
) -> None:
    window.show_page(4)
    box = window.settings_page.users
    assert box.add_button.isEnabled()
    assert [box.table.item(r, 0).text() for r in range(box.table.rowCount())] == ["tester"]

    def fill(dialog) -> bool:
        qtbot.keyClicks(dialog.username, "lnowak")
        dialog.role.setCurrentIndex(dialog.role.findData("iro"))
        qtbot.keyClicks(dialog.display_name, "Lukasz Nowak")
        dialog.staff.setCurrentIndex(dialog.staff.findData(sample["lukasz"]))
        buttons = dialog.findChild(QDialogButtonBox)
        _click(qtbot, buttons.button(QDialogButtonBox.StandardButton.Ok))
        return dialog.result() == dialog.DialogCode.Accepted

    prompts_recorder.on_dialog = fill
    _click(qtbot, box.add_button)
    assert prompts_recorder.errors == []
    row = _row(box, "lnowak")  # on the list at once
    assert box.table.item(row, 1).text() == "IRO"
    assert box.table.item(row, 3).text() == "Łukasz Nowak"

    box.table.selectRow(row)
    box.role.setCurrentIndex(box.role.findData("team_manager"))
    _click(qtbot, box.role_button)
    assert box.table.item(_row(box, "lnowak"), 1).text() == "Team manager (read only)"
    box.table.selectRow(_row(box, "lnowak"))
    _click(qtbot, box.deactivate_button)
    assert "Deactivate lnowak?" in prompts_recorder.questions[-1]
    assert box.table.item(_row(box, "lnowak"), 4).text() == "no (reads only)"

    db = window.ctx.db
    with db.session() as s:
        assert role_of(s, "lnowak") is None  # deactivated: reads only
        entries = list_audit(s, table="app_user", username="tester")
    assert [e.action for e in entries[:3]] == ["update", "update", "create"]
    assert entries[0].before == {"active": True} and entries[0].after == {"active": False}


def test_the_last_administrator_is_kept(window, qtbot, prompts_recorder) -> None:
    window.show_page(4)
    box = window.settings_page.users
    box.table.selectRow(_row(box, "tester"))
    box.role.setCurrentIndex(box.role.findData("iro"))
    _click(qtbot, box.role_button)
    assert "last active administrator" in prompts_recorder.errors[-1]
    with window.ctx.db.session() as s:
        assert [(u.username, u.role) for u in all_users(s)] == [("tester", "administrator")]
    assert window.ctx.can_manage_users


def test_demoting_yourself_takes_effect_in_the_window_at_once(
    window, qtbot, prompts_recorder
) -> None:
    from reviewdesk import actions

    actions.add_user(window.ctx.db, window.ctx.actor, "deputy", "administrator")
    window.show_page(4)
    box = window.settings_page.users
    box.refresh()
    box.table.selectRow(_row(box, "tester"))
    box.role.setCurrentIndex(box.role.findData("team_manager"))
    _click(qtbot, box.role_button)
    assert prompts_recorder.errors == []
    assert window.ctx.role.value == "team_manager"
    assert "Team manager (read only)" in window.user_label.text()
    assert not box.add_button.isEnabled() and not window.import_action.isEnabled()
    assert not window.settings_page.save_button.isEnabled()
    assert window.audit_action.isEnabled()  # team managers read the trail
