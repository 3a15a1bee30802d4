"""What an IRO administrator met booking meetings all day at 1366x768 and at 200% (a 1366x768
laptop at QT_SCALE_FACTOR=2 lays out 683x384, less a panel), each replayed here with the
keys and clicks they used."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QScreen
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from tests.ui.test_changes import choose_meeting, open_child

ALT = Qt.KeyboardModifier.AltModifier
#: A window's title bar, as `ui.screen.frame_allowance` counts it before the window is shown.
TITLE_BAR = 30
SCREENS = pytest.mark.parametrize(
    "screen",
    [QRect(0, 0, 1366, 728), QRect(0, 0, 683, 364)],  # 1366x768 less a 40 px panel; at 200%
    ids=["1366x768", "scale-2"],
)


def _on_screen(window, qtbot, monkeypatch, screen: QRect) -> None:
    """The window on a screen of ``screen``'s size: what every window and dialog is told
    the screen has room for."""
    monkeypatch.setattr(QScreen, "availableGeometry", lambda _self: QRect(screen))
    window.resize(min(1256, screen.width()), min(678, screen.height() - TITLE_BAR))
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def _shown_dialogs(prompts_recorder, qtbot, seen: list) -> None:
    """Each dialog run is shown as the modal loop shows it; its size is noted, then it is
    closed and the window is active again."""

    def run(dialog) -> bool:
        dialog.show()
        qtbot.waitExposed(dialog)
        QApplication.processEvents()
        seen.append((type(dialog).__name__, dialog.width(), dialog.height()))
        dialog.reject()
        dialog.parentWidget().window().activateWindow()
        qtbot.waitUntil(dialog.parentWidget().window().isActiveWindow)
        return False

    prompts_recorder.on_dialog = run


@SCREENS
def test_the_invitations_and_family_dialogs_fit_the_screen_with_their_title_bar(
    window, qtbot, prompts_recorder, monkeypatch, sample, screen
) -> None:
    """Zoë's review chosen on her page, then Alt+N (invitations and reports) and Alt+M
    (family and network). At 200% both dialogs took the whole height of the screen, 364
    points, and their title bars 30 more: the Close button at the bottom went under the
    panel. They are sized as every other dialog is (`ui.screen.fit`), their title bars
    counted."""
    seen: list = []
    _on_screen(window, qtbot, monkeypatch, screen)
    _shown_dialogs(prompts_recorder, qtbot, seen)
    page = open_child(window, qtbot, "zoe")
    choose_meeting(page, qtbot, sample["zoe_first"])
    QTest.keyClick(page.table, Qt.Key.Key_N, ALT)
    QTest.keyClick(page.table, Qt.Key.Key_M, ALT)
    assert [name for name, _w, _h in seen] == ["InvitationsDialog", "PeopleDialog"]
    for name, width, height in seen:
        assert width <= screen.width(), name
        assert height + TITLE_BAR <= screen.height(), (name, height)
