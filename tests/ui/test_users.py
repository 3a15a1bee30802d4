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


def test_an_iro_added_without_a_staff_record_is_linked_to_it_later(
    window, qtbot, prompts_recorder, sample
) -> None:
    """An IRO put on the list without their staff record has no meeting of theirs to
    record. The administrator selects them, clicks "Name and staff record…", chooses the
    record and their name, and OK: the list shows it, and the IRO's meetings are theirs.
    The window could not link it before (the command line still cannot)."""
    from reviewdesk import actions
    from reviewdesk.storage.users import find_user

    db = window.ctx.db
    actions.add_user(db, window.ctx.actor, "mobriain", "iro")
    window.show_page(4)
    box = window.settings_page.users
    box.table.selectRow(_row(box, "mobriain"))
    assert box.details_button.isEnabled()
    seen = {}

    def fill(dialog) -> bool:
        seen["fixed"] = dialog.username.isReadOnly() and dialog.username.text() == "mobriain"
        qtbot.keyClicks(dialog.display_name, "Maire O Briain")
        dialog.staff.setCurrentIndex(dialog.staff.findData(sample["maire"]))
        buttons = dialog.findChild(QDialogButtonBox)
        _click(qtbot, buttons.button(QDialogButtonBox.StandardButton.Ok))
        return dialog.result() == dialog.DialogCode.Accepted

    prompts_recorder.on_dialog = fill
    _click(qtbot, box.details_button)
    assert prompts_recorder.errors == [] and seen["fixed"]
    row = _row(box, "mobriain")  # shown at once
    assert (box.table.item(row, 2).text(), box.table.item(row, 3).text()) == (
        "Maire O Briain",
        "Máire Ó Briain",
    )
    with db.session() as s:
        user = find_user(s, "mobriain")
        assert (user.staff_id, user.display_name, user.role) == (
            sample["maire"],
            "Maire O Briain",
            "iro",
        )


def test_only_an_administrator_may_change_a_user_s_name_and_record(
    db, open_db, qapp, qtbot, settings, prompts_recorder
) -> None:
    from reviewdesk import actions
    from tests.ui.sample import AS_OF
    from ui.context import AppContext
    from ui.pages.settings import SettingsPage

    actions.add_user(db, actions.whoami(db), "boss", "team_manager")
    ctx = AppContext.open(open_db("boss", role=None), as_of=AS_OF)
    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    page.refresh()
    box = page.users
    box.table.selectRow(_row(box, "boss"))
    assert not box.details_button.isEnabled()
    _click(qtbot, box.details_button)
    assert prompts_recorder.dialogs == []


def test_renaming_a_user_keeps_a_staff_record_no_longer_active(
    window, qtbot, prompts_recorder, sample
) -> None:
    """A user linked to a staff record since made inactive: changing only their name keeps
    the link (the record is still offered, and chosen), rather than unlinking it."""
    from reviewdesk import actions
    from reviewdesk.storage.models import Staff
    from reviewdesk.storage.users import find_user

    db = window.ctx.db
    actions.add_user(db, window.ctx.actor, "lnowak", "iro", staff_id=sample["lukasz"])
    with db.session() as s:
        s.get(Staff, sample["lukasz"]).active = False
    window.show_page(4)
    box = window.settings_page.users
    box.refresh()
    box.table.selectRow(_row(box, "lnowak"))

    def rename(dialog) -> bool:
        qtbot.keyClicks(dialog.display_name, "Lukasz")
        buttons = dialog.findChild(QDialogButtonBox)
        _click(qtbot, buttons.button(QDialogButtonBox.StandardButton.Ok))
        return dialog.result() == dialog.DialogCode.Accepted

    prompts_recorder.on_dialog = rename
    _click(qtbot, box.details_button)
    assert prompts_recorder.errors == []
    with db.session() as s:
        user = find_user(s, "lnowak")
        assert (user.display_name, user.staff_id) == ("Lukasz", sample["lukasz"])


def test_deactivating_someone_whose_sessions_stay_open_says_so(
    window, qtbot, prompts_recorder, sample, monkeypatch
) -> None:
    """On a shared server whose owner may not end sessions, a login deactivated keeps the
    rights it had in the sessions it has open: `users deactivate` warns, naming how to close
    them, and so must the window (it said nothing)."""
    import dataclasses

    from reviewdesk import actions
    from reviewdesk.storage.server import LoginChange

    real = actions.deactivate_user

    def on_a_server(*args, **kwargs):  # the server's answer, as a protected server gives it
        changes = real(*args, **kwargs)
        left_open = LoginChange("lnowak", False, True, before=("rd_iro",), sessions_open=2)
        return dataclasses.replace(changes, result=left_open)

    monkeypatch.setattr(actions, "deactivate_user", on_a_server)
    actions.add_user(window.ctx.db, window.ctx.actor, "lnowak", "iro")
    window.show_page(4)
    box = window.settings_page.users
    box.refresh()
    box.table.selectRow(_row(box, "lnowak"))
    _click(qtbot, box.deactivate_button)
    assert box.table.item(_row(box, "lnowak"), 4).text() == "no (reads only)"
    assert len(prompts_recorder.infos) == 1
    said = prompts_recorder.infos[0]
    assert said.startswith("Close their open sessions: the server did not let reviewdesk end 2")
    assert "pg_terminate_backend" in said and "'lnowak'" in said
