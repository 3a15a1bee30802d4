"""A working day on the keyboard alone (#keyboard-walk): what an administrator who never
touches the mouse met, each replayed with the keys they pressed (Tab, the arrows, Enter,
Esc, Alt+letters and the program's shortcuts) on the sample register at 1366x768."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog

from tests.ui.driving import on_screen

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier
NONE = Qt.KeyboardModifier.NoModifier
K = Qt.Key


def press(key: Qt.Key, modifiers=NONE, times: int = 1) -> None:  # noqa: ANN001
    """A key pressed where the keyboard is; an Alt+letter on a button clicks it a moment
    later (Qt shows it pressed first), so a little time is let pass."""
    for _ in range(times):
        QTest.keyClick(QApplication.focusWidget() or QApplication.activeWindow(), key, modifiers)
        QTest.qWait(150 if modifiers & ALT or key == K.Key_Escape else 10)


def typed(text: str) -> None:
    QTest.keyClicks(QApplication.focusWidget(), text)


def focus() -> object:
    return QApplication.focusWidget()


def shown(window, qtbot) -> None:  # noqa: ANN001
    window.resize(1256, 678)  # as it opens on a 1366x768 laptop
    on_screen(window, qtbot)


def as_the_loop_shows_it(qtbot, dialog: QDialog) -> None:
    """A dialog shown and active, as ``exec()`` shows it."""
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)


def find_and_open(window, name: str):  # noqa: ANN001, ANN201
    """Ctrl+F, the child's name typed, Enter (to the children found), Enter (their page)."""
    press(K.Key_F, CTRL)
    typed(name)
    press(K.Key_Return)
    press(K.Key_Return)
    page = window.cases.child
    assert window.cases.stack.currentWidget() is page and focus() is page.table
    return page


def test_alt_e_is_the_email_and_alt_c_the_access_needs_of_someone_in_the_family(
    window, qtbot, prompts_recorder, sample
) -> None:
    """Alt+M, Alt+A (Add person…): "&Email" and "Acc&ess needs" both had Alt+E, so Alt+E
    only moved between the two and the second press went past the email."""
    shown(window, qtbot)
    find_and_open(window, "zoe")
    seen: dict = {}

    def person(dialog) -> bool:  # noqa: ANN001
        as_the_loop_shows_it(qtbot, dialog)
        press(K.Key_C, ALT)
        seen["alt c"] = focus() is dialog.access
        press(K.Key_E, ALT, times=2)
        seen["alt e twice"] = focus() is dialog.email
        dialog.done(QDialog.DialogCode.Rejected)
        return False

    def people(dialog) -> bool:  # noqa: ANN001
        as_the_loop_shows_it(qtbot, dialog)
        prompts_recorder.on_dialog = person
        press(K.Key_A, ALT)  # Add person…
        dialog.done(QDialog.DialogCode.Rejected)
        return False

    prompts_recorder.on_dialog = people
    press(K.Key_M, ALT)
    assert seen == {"alt e twice": True, "alt c": True}


def _highlighted(image, x: int, y: int) -> bool:  # noqa: ANN001
    """Whether the pixel at (x, y) of a grabbed picture is the palette's highlight."""
    from PySide6.QtGui import QPalette

    highlight = QApplication.palette().color(QPalette.ColorRole.Highlight)
    return image.pixelColor(x, y).rgb() == highlight.rgb()


def test_the_list_of_pages_and_a_dashboard_tile_show_when_they_have_the_keyboard(
    window, qtbot
) -> None:
    """Shift+Tab from the first tile to the list of pages, then Tab back: the list showed
    nothing of having the keyboard (it draws no focus rectangle), and a tile only a tint
    hardly to be told from white. Each is framed in the highlight colour now, and only
    while it has the keyboard."""
    shown(window, qtbot)
    press(K.Key_1, CTRL)
    tile = window.dashboard.tiles["overdue"]
    nav = window.nav
    while focus() is not tile:
        press(K.Key_Tab)
    press(K.Key_Tab, SHIFT)
    assert focus() is nav
    item = nav.visualItemRect(nav.currentItem())
    top_of_item = (item.center().x(), item.top())  # (the list's own left edge aside)
    assert _highlighted(nav.viewport().grab().toImage(), *top_of_item)
    middle_top = (tile.width() // 2, 0)
    assert not _highlighted(tile.grab().toImage(), *middle_top)

    press(K.Key_Tab)
    assert focus() is tile
    assert _highlighted(tile.grab().toImage(), *middle_top)
    assert not _highlighted(nav.viewport().grab().toImage(), *top_of_item)
