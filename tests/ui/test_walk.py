"""What an IRO administrator met walking the window with the keyboard and the mouse (book
from a dashboard tile, reschedule and cancel from the diary, record an outcome), each
replayed here with key presses and clicks."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

CTRL = Qt.KeyboardModifier.ControlModifier


def _shown(window, qtbot, width: int = 1256, height: int = 678) -> None:
    """The window as it opens on a 1366x768 laptop (92% of the screen), on screen and
    active so that its shortcuts work."""
    window.resize(width, height)
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)
    QTest.qWait(20)


def test_the_dashboard_does_not_push_the_bottom_of_other_pages_off_a_laptop_screen(
    window, qtbot
) -> None:
    """Ctrl+1 then Ctrl+3 at 1366x768: the dashboard needs a little more height than the
    window has, and the diary's summary line (and the case list's count) were hidden below
    the page's scroll bar because the hidden dashboard's height still counted."""
    _shown(window, qtbot)
    QTest.keyClick(window, Qt.Key.Key_1, CTRL)
    QTest.qWait(20)
    bar = window.page_scroll.verticalScrollBar()
    assert bar.maximum() > 0  # the dashboard itself scrolls a little on this screen
    for key, page in ((Qt.Key.Key_3, window.diary), (Qt.Key.Key_4, window.workload)):
        QTest.keyClick(window, key, CTRL)
        QTest.qWait(20)
        assert window.current_page() is page
        assert bar.maximum() == 0, page.title
    summary = window.diary.summary
    QTest.keyClick(window, Qt.Key.Key_3, CTRL)
    QTest.qWait(20)
    bottom = summary.mapTo(window.page_scroll.viewport(), summary.rect().bottomLeft()).y()
    assert bottom <= window.page_scroll.viewport().height()
