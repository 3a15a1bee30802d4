"""The reasons lists on the Settings page (#17): cancel and reschedule reasons come from a
list an administrator extends and prunes, as late reasons do."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from reviewdesk.codes import ReasonKind
from ui.dialogs.cancel import CancelDialog


def _texts(widget) -> list[str]:
    return [widget.itemText(n) for n in range(widget.count())]


def _cancel_reasons(window, sample) -> list[str]:
    page = window.cases.child
    window.open_child(sample["zoe"])
    page.select_meeting(sample["zoe_first"])
    dialog = CancelDialog(window.ctx, page.detail, page.selected_meeting())
    return _texts(dialog.reason)


def test_a_cancel_reason_added_and_retired(window, qtbot, prompts_recorder, sample) -> None:
    window.show_page(4)
    box = window.settings_page.reasons
    box.which.setCurrentIndex(box.which.findData(ReasonKind.CANCEL.value))
    assert "Booked in error" in [box.list.item(n).text() for n in range(box.list.count())]
    QTest.keyClicks(box.text, "Family bereavement")
    QTest.keyClick(box.text, Qt.Key.Key_Return)
    assert prompts_recorder.errors == []
    assert box.list.item(box.list.count() - 1).text() == "Family bereavement"
    assert box.text.text() == ""
    assert "Family bereavement" in _cancel_reasons(window, sample)

    window.show_page(4)
    box.list.setCurrentRow(box.list.count() - 1)
    QTest.mouseClick(box.retire_button, Qt.MouseButton.LeftButton)
    assert prompts_recorder.errors == []
    assert "Family bereavement" not in [box.list.item(n).text() for n in range(box.list.count())]
    assert "Family bereavement" not in _cancel_reasons(window, sample)


def test_the_three_lists_are_kept_apart(window, sample) -> None:
    window.show_page(4)
    box = window.settings_page.reasons
    seen = {}
    for n in range(box.which.count()):
        box.which.setCurrentIndex(n)
        seen[box.which.currentData()] = [box.list.item(i).text() for i in range(box.list.count())]
    assert "Room unavailable" in seen["late"]
    assert "Booked in error" in seen[ReasonKind.CANCEL.value]
    assert "Booked in error" not in seen[ReasonKind.RESCHEDULE.value]
    assert "Social worker unavailable" in seen[ReasonKind.RESCHEDULE.value]
