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


def test_a_chair_s_name_too_long_for_the_diary_s_column_goes_over_two_lines_or_is_cut_short(
    window, qtbot, db
) -> None:
    """Ctrl+3 in the window as it is at 200% on a 1366x768 laptop (683x384, less its title
    bar and the panel). The names' column gets a quarter of the week's width, and a chair's
    name ran past it, cut mid-letter ("Agnieszka Th", "Łukasz No"), as if that were the
    name. A name too long for one line goes over two, and one too long for two is cut short
    with "…", whole in the tip, as a bank holiday's name in a day's heading is."""
    from PySide6.QtGui import QFont, QFontMetrics

    from reviewdesk.storage.models import Staff
    from ui.pages.diary import HEADING_PADDING

    long_name = "Agnieszka Thompson-Fitzgerald Ó Súilleabháin"
    with db.session() as s:
        s.add(Staff(name=long_name, role="iro", fte=1.0))
    window.resize(628, 325)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    QTest.keyClick(window, Qt.Key.Key_F5)
    QTest.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    diary = window.diary
    model = diary.model
    qtbot.waitUntil(lambda: any(name == long_name for _id, name in model.resources), timeout=10000)
    QApplication.processEvents()
    names = diary.table.verticalHeader()
    font = QFont(names.font())
    font.setBold(True)  # the style sheet's headings are bold
    metrics = QFontMetrics(font)
    vertical, display, tip = (
        Qt.Orientation.Vertical,
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.ToolTipRole,
    )
    shown = {
        model.headerData(r, vertical, tip): model.headerData(r, vertical, display)
        for r in range(model.rowCount())
    }
    room = names.width() - HEADING_PADDING
    assert metrics.horizontalAdvance("Łukasz Nowak") > room  # one line is too short
    assert shown["Łukasz Nowak"] == "Łukasz\nNowak"
    assert shown["Máire Ó Briain"].replace("\n", " ") == "Máire Ó Briain"
    cut = shown[long_name]
    assert cut.count("\n") == 1 and cut.endswith("…")
    assert long_name.startswith(cut.replace("\n", " ")[:-1])
    for whole, text in shown.items():
        for line in text.split("\n"):
            assert metrics.horizontalAdvance(line) <= room, (whole, text)


@pytest.mark.parametrize(
    ("size", "per_row"),
    [((1256, 678), 5), ((628, 325), 3)],  # the window on a 1366x768 laptop; at 200%
    ids=["1366x768", "scale-2"],
)
def test_every_dashboard_tile_s_title_is_whole(window, qtbot, size, per_row) -> None:
    """Ctrl+1, where an administrator starts the day ("Due soon, not booked" leads to the
    bookings). At 200% five tiles to a row left each narrower than its title: "Due soon,
    not booke", "Children with late", "CP plans 18 months". The tiles take as many to a row
    as keep every title whole (five at 1366x768, as before), in the same order, and Tab
    and Enter still open a tile's list."""
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    QTest.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    QApplication.processEvents()
    tiles = list(window.dashboard.tiles.values())
    cut = [
        tile.title
        for tile in tiles
        for part in (tile.title_label, tile.status_label)
        if part.width() < part.sizeHint().width()
    ]
    assert cut == []
    rows = sorted({tile.y() for tile in tiles})
    assert [tile.y() for tile in tiles[:per_row]] == [rows[0]] * per_row
    assert [(rows.index(t.y()), t.x()) for t in tiles] == sorted(
        (rows.index(t.y()), t.x()) for t in tiles
    )  # in the order they were, row by row
    due_soon = window.dashboard.tiles["due_soon_unbooked"]
    due_soon.setFocus()
    QTest.keyClick(due_soon, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current_page() is window.cases, timeout=5000)


def test_a_page_opens_at_its_left_edge_however_far_the_last_was_scrolled(window, qtbot) -> None:
    """At 200% the pages scroll sideways in the window (628x325). Ctrl+1, Tab along the
    tiles to "Children with late reports" (the page scrolls right to show it), Enter: the
    case list opened scrolled as far right as the dashboard had been, its heading and the
    children's names off the left edge; Enter on a child, the same on their page. Each page
    (and a child's page from the list) now opens at its top left."""
    window.resize(628, 325)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    QTest.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    tile = window.dashboard.tiles["late_reports"]
    for _ in range(20):
        if QApplication.focusWidget() is tile:
            break
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is tile
    sideways = window.page_scroll.horizontalScrollBar()
    assert sideways.value() > 0  # scrolled right to show the tile
    QTest.keyClick(tile, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current_page() is window.cases, timeout=5000)
    cases = window.cases.list
    qtbot.waitUntil(lambda: cases.model.rowCount() > 0, timeout=10000)
    QApplication.processEvents()
    viewport = window.page_scroll.viewport()

    def left_in_view(widget) -> bool:
        return 0 <= widget.mapTo(viewport, widget.rect().topLeft()).x() < viewport.width()

    assert sideways.value() == 0
    assert left_in_view(cases.table) and left_in_view(cases.search)
    sideways.setValue(sideways.maximum())  # the person scrolls right to read the list
    cases.table.setFocus()
    cases.table.setCurrentIndex(cases.table.model().index(0, 0))
    QTest.keyClick(cases.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.cases.stack.currentWidget() is window.cases.child)
    QApplication.processEvents()
    assert sideways.value() == 0
    assert left_in_view(window.cases.child.heading)
