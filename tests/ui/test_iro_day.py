"""An Independent Reviewing Officer's day in the window, as the IRO (role "iro", their staff
record linked): they chair and record their own reviews and conferences with Ctrl+O. These
tests replay what such an IRO did that the window got wrong.

The sample (tests/ui/sample.py): Łukasz Nowak chairs Zoë's first LAC review, booked for
Thu 11/04/2024; Máire Ó Briain chairs Łukasz Wiśniewski's first review conference of
14/03/2024, not yet recorded.
"""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from tests.ui.test_changes import choose_meeting, press
from tests.ui.test_roles_window import _window_as

D = dt.date
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def wait_for_tasks():
    yield
    from ui.tasks import wait_for_all

    wait_for_all()


def _as_iro(db, open_db, qtbot, settings, sample, who: str, as_of: dt.date):
    from reviewdesk import actions

    actions.add_user(db, actions.whoami(db), who, "iro", staff_id=sample[who])
    return _window_as(db, open_db, qtbot, settings, who, None, as_of)


def _record(window, qtbot, prompts_recorder, child: int, meeting: int, on_dialog) -> None:
    window.open_child(child)
    page = window.cases.child
    choose_meeting(page, qtbot, meeting)
    prompts_recorder.on_dialog = on_dialog
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_O, CTRL)
    assert len(prompts_recorder.dialogs) == 1


def test_an_iro_recording_a_lac_review_is_not_asked_whether_it_was_quorate(
    db, open_db, sample, qapp, qtbot, settings, prompts_recorder, wait_for_tasks
) -> None:
    """Łukasz Nowak records Zoë's first LAC review on the day (Ctrl+O). The form offered
    "Quorate", ticked, which is a conference's question (a LAC review has no quorum); he
    unticked it with Alt+Q and the review was saved as not quorate. It is not on a LAC
    review's form, and the review is saved with no answer to it; on his colleague's CP
    conference it is still asked."""
    from reviewdesk.storage.models import Meeting

    window = _as_iro(db, open_db, qtbot, settings, sample, "lukasz", D(2024, 4, 11))
    seen: dict[str, bool] = {}

    def record(dialog) -> bool:
        dialog.show()
        qtbot.waitExposed(dialog)
        seen["quorate offered"] = dialog.quorate.isVisibleTo(dialog)
        qtbot.keyClick(dialog, Qt.Key.Key_Q, Qt.KeyboardModifier.AltModifier)
        press(
            qtbot, dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)
        )
        return dialog.result() == dialog.DialogCode.Accepted

    _record(window, qtbot, prompts_recorder, sample["zoe"], sample["zoe_first"], record)
    assert prompts_recorder.errors == []
    assert seen == {"quorate offered": False}
    with db.session() as s:
        review = s.get(Meeting, sample["zoe_first"])
        assert (review.status, review.quorate) == ("held", None)


def test_a_cp_chair_recording_a_conference_is_asked_whether_it_was_quorate(
    db, open_db, sample, qapp, qtbot, settings, prompts_recorder, wait_for_tasks
) -> None:
    window = _as_iro(db, open_db, qtbot, settings, sample, "maire", D(2024, 4, 10))
    seen: dict[str, bool] = {}

    def look(dialog) -> bool:
        seen["quorate offered"] = dialog.quorate.isVisibleTo(dialog)
        return False

    _record(window, qtbot, prompts_recorder, sample["lukasz_child"], sample["rcpc"], look)
    assert seen == {"quorate offered": True}


def test_an_iro_recording_a_review_is_told_when_its_decisions_and_minutes_are_due(
    db, open_db, sample, qapp, qtbot, settings, prompts_recorder, wait_for_tasks
) -> None:
    """Łukasz Nowak records Zoë's first LAC review, held on Thu 11/04/2024 (Ctrl+O). Nothing
    in the window said when its decisions and minutes were due: only, once they were
    overdue, a red flag. The form says so under the boxes for them (the rules in force: the
    decisions within 5 working days, the minutes within 20, not counting the bank holiday of
    06/05/2024), and it follows the held date."""
    window = _as_iro(db, open_db, qtbot, settings, sample, "lukasz", D(2024, 4, 11))
    seen: list[str] = []

    def record(dialog) -> bool:
        seen.append(dialog.after_due.text())
        dialog.held.setDate(D(2024, 4, 10))
        seen.append(dialog.after_due.text())
        return False

    _record(window, qtbot, prompts_recorder, sample["zoe"], sample["zoe_first"], record)
    assert seen == [
        "Decisions to be issued by 18/04/2024; minutes to be distributed by 10/05/2024",
        "Decisions to be issued by 17/04/2024; minutes to be distributed by 09/05/2024",
    ]
