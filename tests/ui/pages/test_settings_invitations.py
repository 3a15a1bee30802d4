"""The Settings page's invitations box and the letter templates, typed into as an
administrator would; what is saved reaches the letters and the calendar export."""

from __future__ import annotations

import datetime as dt

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from reviewdesk import actions
from reviewdesk.settings import get_setting
from tests.invitations.scenario import AS_OF, conference
from ui.pages.settings_invitations import LetterTemplatesDialog


@pytest.fixture
def ids(db):
    return conference(db)


@pytest.fixture
def swindow(db, ids, qapp, qtbot, settings, prompts_recorder):
    from ui.context import AppContext
    from ui.main_window import MainWindow

    win = MainWindow(AppContext.open(db, as_of=AS_OF), settings=settings)
    qtbot.addWidget(win)
    win.load_initial_data()
    win.show_page(4)
    return win


def _setting(db, key):
    with db.session() as s:
        return get_setting(s, key)


def test_the_invitation_settings_are_typed_in_and_saved(swindow, db, qtbot, prompts_recorder):
    box = swindow.settings_page.invitation_settings
    box.address.clear()
    qtbot.keyClicks(box.address, "Town Hall")
    qtbot.keyClick(box.address, Qt.Key.Key_Return)
    qtbot.keyClicks(box.address, "Northgate NG1 1AA")
    box.mailbox.clear()
    qtbot.keyClicks(box.mailbox, "no address")
    box.save_button.click()
    assert prompts_recorder.errors and "no address" in prompts_recorder.errors[0]
    assert _setting(db, "council_address") == ""  # nothing half saved
    prompts_recorder.errors.clear()
    box.mailbox.clear()
    qtbot.keyClicks(box.mailbox, "iro@northgate.example")
    box.max_mb.selectAll()
    qtbot.keyClicks(box.max_mb, "5")
    box.chase_days.selectAll()
    qtbot.keyClicks(box.chase_days, "10")
    box.child_names.click()
    box.save_button.click()
    assert prompts_recorder.errors == []
    assert _setting(db, "council_address") == "Town Hall\nNorthgate NG1 1AA"
    assert _setting(db, "invitations_mailbox") == "iro@northgate.example"
    assert (_setting(db, "attachment_max_mb"), _setting(db, "chase_working_days")) == (5, 10)
    assert _setting(db, "calendar_child_names") is True


def test_a_council_template_is_checked_then_used_in_the_letters(
    swindow, db, ids, qtbot, prompts_recorder, tmp_path
) -> None:
    seen = {}

    def edit(dialog: LetterTemplatesDialog) -> bool:
        assert dialog.kind.currentData() == "invitation"
        assert "$child_name" in dialog.text.toPlainText()  # the shipped template
        seen["fields"] = dialog.fields.text()
        dialog.text.moveCursor(dialog.text.textCursor().MoveOperation.End)
        qtbot.keyClick(dialog.text, Qt.Key.Key_Return)
        qtbot.keyClick(dialog.text, Qt.Key.Key_Return)
        qtbot.keyClicks(dialog.text, "Parking is free at $venue_parking.")
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
        seen["refused"] = list(prompts_recorder.errors)
        text = dialog.text.toPlainText().replace("$venue_parking", "the Civic Centre")
        dialog.text.setPlainText(text)
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
        return False

    prompts_recorder.on_dialog = edit
    swindow.settings_page.invitation_settings.templates_button.click()
    assert "$interpreter_note" in seen["fields"]
    assert seen["refused"] and "$venue_parking is not a field" in seen["refused"][0]
    assert "Parking is free at the Civic Centre." in _setting(db, "letter_templates")["invitation"]

    actor = actions.whoami(db)
    out = tmp_path / "letters.pdf"
    from tests.invitations.scenario import invite_proposed

    invite_proposed(db, ids["meeting"])
    actions.send_invitation_letters(db, actor, ids["meeting"], output=out, on=dt.date(2024, 5, 13))
    text = " ".join(p.extract_text() for p in PdfReader(out).pages)
    assert "Parking is free at the Civic Centre." in " ".join(text.split())
