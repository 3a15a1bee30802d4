"""The Settings page in tabs, used as a person uses it: Ctrl+Tab and Ctrl+Page Down (and
back) from any field, a click on a tab, the focus in the tab's first field, the tab last open
remembered by the window, a page opened for a purpose (a rule) on its tab, each tab's fields
still saving, and every tab fitting a 1366x768 screen without a sideways scroll bar."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QRect, QSettings, Qt
from PySide6.QtWidgets import QApplication, QWidget
from sqlalchemy import select

from reviewdesk.codes import Role
from reviewdesk.storage.models import User
from tests.ui.sample import AS_OF
from ui.main_window import MainWindow
from ui.pages.settings import TABS

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = CTRL | Qt.KeyboardModifier.ShiftModifier
KEYS = [key for key, _title in TABS]


def open_settings(window, qtbot):
    """Show the window and go to Settings with Ctrl+5, as a person would."""
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    qtbot.keyClick(window, Qt.Key.Key_5, CTRL)
    page = window.settings_page
    assert window.current_page() is page
    return page


def focused() -> QWidget | None:
    return QApplication.focusWidget()


def press_on_focus(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """A key pressed where the focus is (as the keyboard delivers it)."""
    widget = focused()
    assert widget is not None, "nothing has the focus"
    qtbot.keyClick(widget, key, modifier)


def in_tab(page, key: str, widget: QWidget | None) -> bool:
    """Whether ``widget`` is in the tab ``key``, or is the tab bar where that tab has
    nothing to type in or press (How reviewdesk counts is text to read)."""
    if widget is None:
        return False
    if key == "counting":
        return widget is page.tabs.tabBar()
    return page.tab_scrolls[key].isAncestorOf(widget)


def test_the_tabs_in_order_with_their_titles(window) -> None:
    page = window.settings_page
    titles = [page.tabs.tabText(n) for n in range(page.tabs.count())]
    assert titles == [
        "Council",
        "Closure days",
        "Timescales",
        "Reasons",
        "Users and roles",
        "Invitations and packs",
        "Database",
        "How reviewdesk counts",
    ]
    # The title and the read-only note stay above the tabs.
    assert page.layout().indexOf(page.read_only_note) < page.layout().indexOf(page.tabs)


def test_ctrl_tab_goes_round_every_tab_from_its_first_field(window, qtbot) -> None:
    page = open_settings(window, qtbot)
    page.council.setFocus()
    first = {
        "council": page.council,
        "closures": page.closure_date,
        "timescales": page.rules_search,
        "reasons": page.reasons.which,
        "users": page.users.table,
        "invitations": page.invitation_settings.address,
        "database": page.db_next,
    }
    for key in KEYS[1:] + KEYS[:1]:  # round, back to the first
        press_on_focus(qtbot, Qt.Key.Key_Tab, CTRL)
        assert page.current_tab() == key
        widget = focused()
        if key in first:
            assert widget is first[key], (key, widget)
        else:  # nothing to type in (text to read): the tab bar, where the arrows move on
            assert widget is page.tabs.tabBar(), (key, widget)
    assert page.current_tab() == "council"


@pytest.mark.parametrize(
    ("key", "modifier", "moves"),
    [
        (Qt.Key.Key_PageDown, CTRL, 1),
        (Qt.Key.Key_PageUp, CTRL, -1),
        (Qt.Key.Key_Tab, CTRL_SHIFT, -1),
        (Qt.Key.Key_Backtab, CTRL_SHIFT, -1),  # what X11 sends for Shift+Tab
    ],
    ids=["ctrl-pgdown", "ctrl-pgup", "ctrl-shift-tab", "ctrl-shift-backtab"],
)
def test_the_other_tab_keys_work_in_tables_and_text_boxes(
    window, qtbot, key, modifier, moves
) -> None:
    """From a table, a multi-line text box, a spin box and a line edit alike (a table or
    text box would otherwise keep Ctrl+Page Down for itself)."""
    page = open_settings(window, qtbot)
    for tab, widget in (
        ("timescales", page.rules),
        ("invitations", page.invitation_settings.address),
        ("users", page.users.table),
        ("council", page.low),
        ("closures", page.closure_text),
    ):
        page.show_tab(tab)
        widget.setFocus()
        assert focused() is widget
        press_on_focus(qtbot, key, modifier)
        expected = KEYS[(KEYS.index(tab) + moves) % len(KEYS)]
        assert page.current_tab() == expected, (tab, widget)
        assert in_tab(page, expected, focused())


def test_a_click_on_a_tab_opens_it_with_the_focus_in_its_first_field(window, qtbot) -> None:
    page = open_settings(window, qtbot)
    bar = page.tabs.tabBar()
    for key, widget in (
        ("reasons", page.reasons.which),
        ("timescales", page.rules_search),
        ("council", page.council),
    ):
        index = KEYS.index(key)
        qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
        assert page.current_tab() == key
        assert page.tab_scrolls[key].isVisible()
        assert focused() is widget


def test_the_tab_last_open_is_remembered_by_the_window(ctx, qtbot, tmp_path) -> None:
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    first = MainWindow(ctx, settings=settings)
    qtbot.addWidget(first)
    page = open_settings(first, qtbot)
    page.council.setFocus()
    for _ in range(3):
        press_on_focus(qtbot, Qt.Key.Key_Tab, CTRL)
    assert page.current_tab() == "reasons"
    qtbot.keyClick(first, Qt.Key.Key_1, CTRL)  # away to the dashboard and back
    qtbot.keyClick(first, Qt.Key.Key_5, CTRL)
    assert page.current_tab() == "reasons"
    first.close()

    again = MainWindow(ctx, settings=settings)
    qtbot.addWidget(again)
    page = open_settings(again, qtbot)
    assert page.current_tab() == "reasons"
    assert page.tab_scrolls["reasons"].isVisible()

    settings.setValue("settings/tab", "no-such-tab")  # from another version: the first tab
    other = MainWindow(ctx, settings=settings)
    qtbot.addWidget(other)
    assert other.settings_page.current_tab() == "council"


def test_a_rule_opened_for_a_purpose_lands_on_the_timescales_tab(window, qtbot) -> None:
    page = open_settings(window, qtbot)
    assert page.current_tab() == "council"
    assert page.select_rule("lac.review.second")
    assert page.current_tab() == "timescales"
    assert page.rules.isVisible() and focused() is page.rules
    assert page.selected_rule().rule.id == "lac.review.second"
    assert not page.select_rule("no.such.rule")


def test_the_rules_read_again_leave_the_person_on_their_tab(window, qtbot) -> None:
    """A change to the rules (by someone else, or F5) reads the table again and keeps the
    selected rule, without pulling the person off the tab they are on."""
    page = open_settings(window, qtbot)
    assert page.select_rule("lac.review.second")
    page.show_tab("council")
    page.council.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_F5)
    assert page.current_tab() == "council"
    assert focused() is page.council
    assert page.selected_rule().rule.id == "lac.review.second"


def test_a_closure_day_added_and_a_setting_saved_from_their_tabs(
    window, qtbot, ctx, prompts_recorder
) -> None:
    from ui.context import setting

    page = open_settings(window, qtbot)
    page.council.setFocus()
    press_on_focus(qtbot, Qt.Key.Key_Tab, CTRL)
    assert page.current_tab() == "closures" and focused() is page.closure_date
    day = dt.date(2024, 4, 23)
    assert ctx.calendar.is_working_day(day)
    press_on_focus(qtbot, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(page.closure_date, "23/04/2024")
    press_on_focus(qtbot, Qt.Key.Key_Tab)  # into the description
    assert focused() is page.closure_text
    press_on_focus(qtbot, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(page.closure_text, "Staff training day")
    assert page.add_closure.isVisible()
    qtbot.mouseClick(page.add_closure, Qt.MouseButton.LeftButton)
    assert prompts_recorder.errors == []
    assert not window.ctx.calendar.is_working_day(day)
    assert "Staff training day" in page.closures.item(0).text()

    press_on_focus(qtbot, Qt.Key.Key_PageUp, CTRL)
    assert page.current_tab() == "council" and focused() is page.council
    press_on_focus(qtbot, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(page.council, "Northgate Borough Council")
    assert page.save_button.isVisible()
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert prompts_recorder.errors == []
    assert setting(ctx.db, "council_name") == "Northgate Borough Council"

    page.show_tab("invitations")
    box = page.invitation_settings
    assert focused() is box.address
    qtbot.keyClicks(box.mailbox, "iro@council.example")
    qtbot.mouseClick(box.save_button, Qt.MouseButton.LeftButton)
    assert prompts_recorder.errors == []
    assert setting(ctx.db, "invitations_mailbox") == "iro@council.example"


def test_read_only_the_note_shows_and_the_keys_still_move_between_tabs(
    db, sample, qapp, qtbot, tmp_path, prompts_recorder
) -> None:
    """Someone who may only read: the note above the tabs, every field as before (none
    editable), and Ctrl+Tab still goes round, the focus somewhere in each tab."""
    from ui.context import AppContext

    with db.session() as s:
        me = s.scalar(select(User).where(User.username == "tester"))
        me.role = Role.TEAM_MANAGER.value
        s.add(User(username="someone-else", role="administrator"))
    ctx = AppContext.open(db, as_of=AS_OF)
    window = MainWindow(
        ctx, settings=QSettings(str(tmp_path / "r.ini"), QSettings.Format.IniFormat)
    )
    qtbot.addWidget(window)
    page = open_settings(window, qtbot)
    assert page.read_only_note.isVisible()
    assert page.read_only_note.geometry().bottom() < page.tabs.geometry().top()
    for widget in (page.council, page.save_button, page.add_closure, page.db_save):
        assert not widget.isEnabled()
    page.tabs.tabBar().setFocus()
    for key in KEYS[1:] + KEYS[:1]:
        press_on_focus(qtbot, Qt.Key.Key_Tab, CTRL)
        assert page.current_tab() == key
        widget = focused()
        assert widget is not None and page.isAncestorOf(widget), (key, widget)
        assert widget.isEnabled()


@pytest.mark.parametrize(
    "screen",
    [QRect(0, 0, 1366, 728), QRect(0, 0, 1920, 1040)],  # 1366x768 less a 40 px panel
    ids=["1366x768", "1920x1080"],
)
def test_every_tab_fits_without_a_sideways_scroll_bar(
    ctx, qtbot, tmp_path, monkeypatch, screen
) -> None:
    """The window as the program sizes it on the screen: no tab needs a horizontal scroll
    bar (its contents' least width fits its viewport), the page does not scroll in the
    window, and the rules table has the tab's height."""
    import ui.screen

    monkeypatch.setattr(ui.screen, "available", lambda widget=None: QRect(screen))
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(ctx, settings=settings)
    qtbot.addWidget(window)
    window.load_initial_data()
    page = open_settings(window, qtbot)
    assert screen.contains(window.frameGeometry())
    bar = page.tabs.tabBar()
    for index, key in enumerate(KEYS):
        qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
        QApplication.processEvents()
        scroll = page.tab_scrolls[key]
        body = scroll.widget()
        assert page.current_tab() == key
        assert body.minimumSizeHint().width() <= scroll.viewport().width(), key
        assert scroll.horizontalScrollBar().maximum() == 0, key
        assert not scroll.horizontalScrollBar().isVisible(), key
        assert bar.tabRect(index).right() <= bar.width(), key  # every tab's name shows
        # The page itself fits the window: neither way does the window's scroll area move.
        assert window.page_scroll.horizontalScrollBar().maximum() == 0, key
        assert window.page_scroll.verticalScrollBar().maximum() == 0, key
    page.show_tab("timescales")
    QApplication.processEvents()
    timescales = page.tab_scrolls["timescales"]
    assert timescales.verticalScrollBar().maximum() == 0  # the table takes the room there is
    assert page.rules.height() > timescales.viewport().height() // 2
    assert page.load_rules.isVisible()
    assert (
        timescales.viewport()
        .rect()
        .contains(
            page.load_rules.mapTo(timescales.viewport(), page.load_rules.rect().bottomRight())
        )
    )


@pytest.mark.parametrize(
    ("screen", "all_shown"),
    [(QRect(0, 0, 1366, 728), False), (QRect(0, 0, 2560, 1400), True)],
    ids=["1366x768", "2560x1440"],
)
def test_the_rules_table_fits_its_tab_without_scrolling_sideways(
    ctx, qtbot, tmp_path, monkeypatch, screen, all_shown
) -> None:
    """The rules table's eleven columns scrolled sideways at 1366x768: fitted, the least
    needed give way (the rule, its status and timescale never), and whatever a column no
    longer shows is in the details under the table and in each row's tip."""
    from PySide6.QtGui import QFont, QFontMetrics

    import ui.screen

    monkeypatch.setattr(ui.screen, "available", lambda widget=None: QRect(screen))
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(ctx, settings=settings)
    qtbot.addWidget(window)
    window.load_initial_data()
    page = open_settings(window, qtbot)
    page.show_tab("timescales")
    QApplication.processEvents()
    table = page.rules
    model = table.model()
    assert table.horizontalScrollBar().maximum() == 0
    header = table.horizontalHeader()
    bold = QFont(header.font())
    bold.setBold(True)
    headings = {c: model.headerData(c, Qt.Orientation.Horizontal) for c in range(11)}
    for column, heading in headings.items():
        if not table.isColumnHidden(column):
            width = QFontMetrics(bold).horizontalAdvance(heading)
            assert header.sectionSize(column) >= width + 12, heading
    hidden = [headings[c] for c in table.columns_hidden()]
    assert not {"Rule", "Status", "Timescale"} & set(hidden)
    assert (hidden == []) is all_shown
    table.selectRow(0)
    QApplication.processEvents()
    rule_id = model.index(0, 10).data()  # the id, shown or not
    assert rule_id in page.rule_details.text() and rule_id in model.index(0, 0).data(
        Qt.ItemDataRole.ToolTipRole
    )


def test_the_workload_page_opens_the_caseload_range(window, qtbot) -> None:
    """The Workload page judges caseloads by the range set in Settings: its "Caseload
    range…" button, clicked or pressed from the keyboard, opens Settings on the Council tab
    with the focus in the range's lower end, ready to type."""
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    qtbot.keyClick(window, Qt.Key.Key_4, CTRL)
    assert window.current_page() is window.workload
    button = window.workload.range_button
    assert button.isVisible()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    page = window.settings_page
    assert window.current_page() is page
    assert page.current_tab() == "council"
    qtbot.waitUntil(lambda: focused() is page.low, timeout=2000)
    # From the keyboard: back to Workload, the button focused, Space presses it.
    page.show_tab("reasons")
    qtbot.keyClick(window, Qt.Key.Key_4, CTRL)
    button.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(button, Qt.Key.Key_Space)
    assert window.current_page() is page and page.current_tab() == "council"
    qtbot.waitUntil(lambda: focused() is page.low, timeout=2000)
    qtbot.keyClicks(page.low, "55")
    assert page.low.value() == 55


def test_a_cancelling_reason_added_for_cp_conferences_only(window, qtbot) -> None:
    page = open_settings(window, qtbot)
    page.show_tab("reasons")
    box = page.reasons
    box.which.setCurrentIndex(box.which.findData("cancel"))
    texts = [box.list.item(i).text() for i in range(box.list.count())]
    assert "Child no longer looked after (LAC reviews only)" in texts
    assert "Booked in error" in texts
    assert box.for_meetings.isVisible()
    qtbot.keyClicks(box.text, "Core group decided")
    box.for_meetings.setCurrentIndex(box.for_meetings.findData("cp"))
    qtbot.keyClick(box.text, Qt.Key.Key_Return)
    texts = [box.list.item(i).text() for i in range(box.list.count())]
    assert texts[-1] == "Core group decided (CP conferences only)"
    box.which.setCurrentIndex(box.which.findData("late"))  # late reasons: for every meeting
    assert not box.for_meetings.isVisible()
