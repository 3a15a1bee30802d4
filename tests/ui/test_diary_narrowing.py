"""The diary narrowed to one chair (or team, clerk, room) with the keyboard, as a clerk does:
the second list appears only once there is something to choose in it (it stood empty and
greyed out beside "All meetings"), and the week shows only that one's meetings."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from tests.ui.driving import on_screen

D = dt.date


def _meetings(window) -> str:
    return window.diary.summary.text().split(" · ")[0]


def test_the_diary_is_narrowed_to_one_chair_and_back_with_the_keyboard(window, qtbot) -> None:
    on_screen(window, qtbot)
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    diary = window.diary
    assert diary.monday == D(2024, 4, 8)
    qtbot.waitUntil(lambda: _meetings(window) == "2 meetings this week")
    assert not diary.narrow_to.isVisible()  # nothing to choose in it yet

    diary.narrow.setFocus()
    qtbot.waitUntil(diary.narrow.hasFocus)
    qtbot.keyClick(diary.narrow, Qt.Key.Key_Down)  # "One chair"
    assert diary.narrow.currentText() == "One chair"
    assert diary.narrow_to.isVisible() and diary.narrow_to.isEnabled()
    chairs = [diary.narrow_to.itemText(i) for i in range(diary.narrow_to.count())]
    assert chairs == ["Łukasz Nowak", "Máire Ó Briain"]
    qtbot.keyClick(diary.narrow, Qt.Key.Key_Tab)
    assert diary.narrow_to.hasFocus()
    qtbot.keyClick(diary.narrow_to, Qt.Key.Key_Down)  # Máire chairs nothing this week
    qtbot.waitUntil(lambda: _meetings(window) == "0 meetings this week for Máire Ó Briain")
    qtbot.keyClick(diary.narrow_to, Qt.Key.Key_Up)  # Łukasz chairs both
    qtbot.waitUntil(lambda: _meetings(window) == "2 meetings this week for Łukasz Nowak")

    diary.narrow.setFocus()
    qtbot.waitUntil(diary.narrow.hasFocus)
    qtbot.keyClick(diary.narrow, Qt.Key.Key_Up)  # "All meetings"
    assert diary.narrow.currentText() == "All meetings"
    assert not diary.narrow_to.isVisible()
    qtbot.waitUntil(lambda: _meetings(window) == "2 meetings this week")
