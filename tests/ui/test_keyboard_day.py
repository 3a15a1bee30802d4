"""A working day on the keyboard alone (#keyboard-walk): what an administrator who never
touches the mouse met, each replayed with the keys they pressed (Tab, the arrows, Enter,
Esc, Alt+letters and the program's shortcuts) on the sample register at 1366x768."""

from __future__ import annotations

import datetime as dt

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
        target = QApplication.focusWidget() or QApplication.activeWindow()
        assert target is not None, "nothing has the keyboard"
        QTest.keyClick(target, key, modifiers)
        QTest.qWait(150 if modifiers & ALT or key == K.Key_Escape else 10)


def tab_to(widget, *, back: bool = False) -> None:  # noqa: ANN001
    """Tab (or Shift+Tab) until ``widget`` has the keyboard; it must within 40 presses."""
    for _ in range(40):
        if focus() is widget:
            return
        press(K.Key_Tab, SHIFT if back else NONE)
    raise AssertionError(f"Tab never reached {widget.accessibleName() or widget}")


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


def back_to_the_window(qtbot, window) -> None:  # noqa: ANN001
    """The window active again, as after ``exec()`` returns."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


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
    tab_to(tile)
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


def _chosen_row(table) -> int | None:  # noqa: ANN001
    """The one row chosen (selected) in ``table`` when it is also the row the keyboard is
    on, else None (nothing chosen, or the outline elsewhere)."""
    rows = table.selectionModel().selectedRows()
    current = table.currentIndex()
    if len(rows) != 1 or not current.isValid() or current.row() != rows[0].row():
        return None
    return current.row()


def test_tab_into_the_case_list_chooses_the_child_the_keyboard_is_on(
    window, qtbot, prompts_recorder
) -> None:
    """Ctrl+2, Tab past the search and the filters into the case list: the first child was
    outlined but not chosen (nothing looked chosen, and a screen reader named no child),
    though Enter opened them. The row the keyboard reaches is chosen now; Down chooses the
    next, still chosen after Shift+Tab away and Tab back, and Enter opens that child."""
    shown(window, qtbot)
    press(K.Key_2, CTRL)
    cases = window.cases.list
    qtbot.waitUntil(lambda: cases.model.rowCount() > 1, timeout=10000)
    tab_to(cases.table)
    first = _chosen_row(cases.table)
    press(K.Key_Down)
    press(K.Key_Tab, SHIFT)
    assert focus() is not cases.table
    tab_to(cases.table)
    again = _chosen_row(cases.table)
    press(K.Key_Return)
    assert (first, again) == (0, 1)
    assert window.cases.stack.currentWidget() is window.cases.child
    assert window.cases.child.child_id == cases.model.child_id(1)


def test_tab_into_the_workload_and_teams_tables_chooses_their_first_row(
    window, qtbot, prompts_recorder
) -> None:
    """From the list of pages (Shift+Tab from the dashboard), Down to Workload, then Tab
    into the IROs' table and on into the teams': each outlined its first row without
    choosing it, so nothing looked chosen though Enter listed that IRO's or team's cases.
    Each chooses the row the keyboard reaches now; Enter on the team chosen lists its
    children overdue a meeting."""
    shown(window, qtbot)
    press(K.Key_1, CTRL)
    tab_to(window.dashboard.tiles["overdue"])
    tab_to(window.nav, back=True)
    page = window.workload
    while window.current_page() is not page:
        press(K.Key_Down)
    qtbot.waitUntil(lambda: page.teams_model.rowCount() > 0, timeout=10000)
    tab_to(page.table)
    iros = _chosen_row(page.table)
    tab_to(page.teams_table)
    teams = _chosen_row(page.teams_table)
    team = page.teams_model.team_at(0)
    press(K.Key_Return)
    assert (iros, teams) == (0, 0)
    assert window.current_page() is window.cases
    name = team.team_name if team is not None else "all teams"
    assert window.cases.list.count.text().endswith(f"children overdue a meeting: {name}")


def _framed(widget, rect) -> bool:  # noqa: ANN001
    """Whether ``rect`` of ``widget`` is framed 2px thick in the highlight colour: at the
    middle of each side, the two outermost pixels (within a tab's 3px margin) are."""
    image = widget.grab().toImage()
    image = image.scaled(widget.size())  # (one pixel a point, whatever the scale)
    mid_x, mid_y = rect.center().x(), rect.center().y()
    sides = []
    for edge, step, along in (
        (rect.top(), 1, "y"),
        (rect.bottom(), -1, "y"),
        (rect.left(), 1, "x"),
        (rect.right(), -1, "x"),
    ):
        points = [
            (mid_x, edge + step * n) if along == "y" else (edge + step * n, mid_y) for n in range(5)
        ]
        hits = [_highlighted(image, x, y) for x, y in points]
        sides.append(any(hits[n] and hits[n + 1] for n in range(4)))
    return all(sides)


def test_a_button_or_tab_reached_with_tab_is_framed_and_nothing_moves(
    window, qtbot, prompts_recorder
) -> None:
    """On Zoë's page, Tab from the meetings to the tabs below them, then Shift+Tab back up
    to Book meeting…: Fusion showed the tab or button with the keyboard only by a thin
    outline, hard to see and to tell from a default button's. Each is framed 2px in the
    highlight colour now, as a field is, and no button or tab moves or changes size as the
    keyboard comes and goes."""
    from PySide6.QtWidgets import QPushButton

    shown(window, qtbot)
    page = find_and_open(window, "zoe")
    bar = page.tabs.tabBar()
    buttons = [b for b in page.findChildren(QPushButton) if b.isVisible()]

    def places() -> list:
        return [b.geometry() for b in buttons] + [bar.tabRect(n) for n in range(bar.count())]

    before = places()
    framed_before = _framed(page.book_button, page.book_button.rect())
    tab_to(bar)
    tab = _framed(bar, bar.tabRect(bar.currentIndex()))
    after_tab = places()
    tab_to(page.book_button, back=True)
    button = _framed(page.book_button, page.book_button.rect())
    tab_now = _framed(bar, bar.tabRect(bar.currentIndex()))
    assert (framed_before, tab, button, tab_now) == (False, True, True, False)
    assert after_tab == before and places() == before


def test_esc_on_an_outcome_being_recorded_asks_before_dropping_it(
    window, qtbot, prompts_recorder, sample, db
) -> None:
    """Ctrl+O, the held date typed, a participation code chosen, then Esc (a slip, meant
    for the calendar): the dialog closed without a word and the outcome was lost. Esc asks
    now; No is back to the dialog with all as it was, Yes closes it, nothing recorded."""
    from reviewdesk.storage.models import Meeting

    shown(window, qtbot)
    page = find_and_open(window, "sian")
    page.select_meeting(sample["sian_review"])
    seen: dict = {}

    def record(dialog) -> bool:  # noqa: ANN001
        as_the_loop_shows_it(qtbot, dialog)
        assert focus() is dialog.held or dialog.held.isAncestorOf(focus())
        press(K.Key_A, CTRL)
        typed("11/04/2024")
        press(K.Key_P, ALT)  # Participation
        press(K.Key_Down, times=2)
        prompts_recorder.confirm_answer = False  # No: back to the dialog
        press(K.Key_Escape)
        seen["asked"] = list(prompts_recorder.questions)
        seen["still open"] = dialog.isVisible()
        seen["kept"] = (dialog.held.text(), dialog.participation.currentData())
        prompts_recorder.confirm_answer = True  # Yes: drop it
        press(K.Key_Escape)
        seen["closed"] = not dialog.isVisible()
        back_to_the_window(qtbot, window)
        return dialog.result() == QDialog.DialogCode.Accepted

    prompts_recorder.on_dialog = record
    press(K.Key_O, CTRL)
    assert len(seen["asked"]) == 1 and "without saving" in seen["asked"][0]
    assert prompts_recorder.defaults_no[0] is True  # Esc, Enter: back to the dialog
    assert seen["still open"] and seen["closed"]
    assert seen["kept"] == ("11/04/2024", "PN2")
    assert focus() is page.table  # back where the person was
    with db.session() as s:
        assert s.get(Meeting, sample["sian_review"]).held_date is None


def test_esc_on_a_dialog_left_as_it_opened_closes_it_without_asking(
    window, qtbot, prompts_recorder, sample
) -> None:
    """Looking is not entering: Ctrl+B, Tab along the fields, Esc closes at once."""
    shown(window, qtbot)
    find_and_open(window, "zoe")
    closed: list[bool] = []

    def look(dialog) -> bool:  # noqa: ANN001
        as_the_loop_shows_it(qtbot, dialog)
        press(K.Key_Tab, times=8)
        press(K.Key_Escape)
        closed.append(not dialog.isVisible())
        return False

    prompts_recorder.on_dialog = look
    press(K.Key_B, CTRL)
    assert closed == [True] and prompts_recorder.questions == []


def test_a_slot_room_and_clerk_chosen_are_not_dropped_by_esc_without_asking(
    window, qtbot, prompts_recorder, sample
) -> None:
    """Ctrl+B, Tab to the free slots, Down and Enter (the slot taken, the keyboard on to
    the room), Down (a room), Esc: asked, and No keeps the booking as chosen."""
    shown(window, qtbot)
    find_and_open(window, "sian")
    seen: dict = {}

    def book(dialog) -> bool:  # noqa: ANN001
        as_the_loop_shows_it(qtbot, dialog)
        tab_to(dialog.slots)
        press(K.Key_Down)
        press(K.Key_Return)
        assert focus() is dialog.room
        press(K.Key_Down)
        chosen = (dialog.date.text(), dialog.time.text(), dialog.room.currentText())
        prompts_recorder.confirm_answer = False
        press(K.Key_Escape)
        seen["kept"] = dialog.isVisible() and chosen == (
            dialog.date.text(),
            dialog.time.text(),
            dialog.room.currentText(),
        )
        dialog.done(QDialog.DialogCode.Rejected)
        return False

    prompts_recorder.on_dialog = book
    press(K.Key_B, CTRL)
    assert seen == {"kept": True}
    assert len(prompts_recorder.questions) == 1


def test_a_letter_template_typed_is_not_dropped_by_choosing_another_letter(
    window, qtbot, prompts_recorder
) -> None:
    """Settings, Invitations and packs, Letter templates: text typed into a template, then
    Shift+Tab to the kind of letter and Down put the next letter's template over it without
    a word. It asks now; No keeps the letter and the text, and so does Esc."""
    shown(window, qtbot)
    press(K.Key_5, CTRL)
    settings = window.settings_page
    tabs = settings.tabs
    seen: dict = {}

    def edit(dialog) -> bool:  # noqa: ANN001
        as_the_loop_shows_it(qtbot, dialog)
        first = dialog.kind.currentText()
        tab_to(dialog.text)
        press(K.Key_End, CTRL)
        press(K.Key_Return, times=2)
        typed("With best wishes")
        mine = dialog.text.toPlainText()
        tab_to(dialog.kind, back=True)
        prompts_recorder.confirm_answer = False
        press(K.Key_Down)
        seen["after down"] = (dialog.kind.currentText() == first, dialog.text.toPlainText() == mine)
        press(K.Key_Escape)
        seen["after esc"] = (dialog.isVisible(), dialog.text.toPlainText() == mine)
        dialog.done(QDialog.DialogCode.Rejected)
        return False

    prompts_recorder.on_dialog = edit
    tabs.setCurrentWidget(
        next(tabs.widget(n) for n in range(tabs.count()) if "nvitations" in tabs.tabText(n))
    )
    button = settings.invitation_settings.templates_button
    button.setFocus()
    press(K.Key_Space)
    assert seen == {"after down": (True, True), "after esc": (True, True)}
    assert len(prompts_recorder.questions) == 2


def test_a_report_for_a_cp_conference_is_added_and_recorded_received_with_the_keys(
    window, qtbot, prompts_recorder, sample, db
) -> None:
    """Alt+N on the 1st review conference, Alt+R (Reports), the report's author typed and
    Enter (added), Shift+Tab back to the list of reports: the only report was outlined but
    not chosen, and Down could not choose it (it is the last row), so its Received box
    stayed off and Tab went past it. The row reached is the one chosen now: Tab, Space
    (received), Tab, the date typed, Alt+S saves it."""
    from reviewdesk.storage.models import Report

    shown(window, qtbot)
    page = find_and_open(window, "lukasz")
    page.select_meeting(sample["rcpc"])
    seen: dict = {}

    def reports(dialog) -> bool:  # noqa: ANN001
        as_the_loop_shows_it(qtbot, dialog)
        press(K.Key_R, ALT)
        tab_to(dialog.report_author)
        typed("Dr Ann Patel")
        press(K.Key_Return)
        tab_to(dialog.reports, back=True)
        seen["chosen"] = dialog.reports.selected_record() is not None
        press(K.Key_Tab)
        seen["tab to"] = focus() is dialog.received.check
        press(K.Key_Space)
        press(K.Key_Tab)
        press(K.Key_A, CTRL)
        typed("09/04/2024")
        press(K.Key_S, ALT)
        dialog.done(QDialog.DialogCode.Rejected)
        return False

    prompts_recorder.on_dialog = reports
    press(K.Key_N, ALT)
    assert seen == {"chosen": True, "tab to": True}
    assert prompts_recorder.errors == []
    with db.session() as s:
        report = s.query(Report).filter_by(meeting_id=sample["rcpc"]).one()
        assert (report.author, report.received) == ("Dr Ann Patel", dt.date(2024, 4, 9))


def _settings_tab(window, words: str) -> None:  # noqa: ANN001
    """Ctrl+5, Tab to the tabs, then Ctrl+Tab to the tab named ``words``."""
    press(K.Key_5, CTRL)
    tabs = window.settings_page.tabs
    tab_to(tabs.tabBar())
    for _ in range(tabs.count()):
        if words in tabs.tabText(tabs.currentIndex()):
            return
        press(K.Key_Tab, CTRL)
    raise AssertionError(f"no tab {words}")


def test_enter_on_the_first_timescale_rule_reached_with_tab_opens_it(
    window, qtbot, prompts_recorder
) -> None:
    """Settings, Timescales, Tab to the rules and Enter: nothing opened, as the rule the
    keyboard was on was only outlined, not chosen (Down chose the second)."""
    shown(window, qtbot)
    _settings_tab(window, "Timescales")
    rules = window.settings_page.rules
    tab_to(rules)
    first = window.settings_page.rules_proxy.index(0, 0)
    prompts_recorder.on_dialog = lambda dialog: dialog.done(0) or False
    press(K.Key_Return)
    assert [type(d).__name__ for d in prompts_recorder.dialogs] == ["RuleEditDialog"]
    opened = prompts_recorder.dialogs[0].entry.rule.title
    assert opened in str(first.data())


def test_the_only_user_reached_with_tab_can_be_changed_with_the_keys(
    window, qtbot, prompts_recorder
) -> None:
    """Settings, Users and roles, Tab to the list of users (one here): the user was not
    chosen, so Change role, Deactivate and Name and staff record stayed off and Tab went past
    them. Tab on to Name and staff record, Space: the user's form opens."""
    shown(window, qtbot)
    _settings_tab(window, "Users")
    users = window.settings_page.users
    tab_to(users.table)
    assert users.table.rowCount() == 1 and users.selected() is not None
    for _ in range(10):
        press(K.Key_Tab)
        if focus() is users.details_button:
            break
    prompts_recorder.on_dialog = lambda dialog: dialog.done(0) or False
    press(K.Key_Space)
    assert [d.windowTitle() for d in prompts_recorder.dialogs] == [
        f"Name and staff record: {users.selected()}"
    ]


def test_the_arrows_on_settings_tabs_stay_on_the_tabs_and_tab_goes_into_the_one_chosen(
    window, qtbot
) -> None:
    """Ctrl+5, Tab to the tabs, Right three times: the first Right took the keyboard into
    Closure days' date box, where the next ones moved the cursor, so the arrows never got
    past the second tab. They move along the tabs now, and Tab goes into the one chosen
    (Ctrl+Tab, from a field or the tabs, still goes to the next tab's first field)."""
    shown(window, qtbot)
    press(K.Key_5, CTRL)
    page = window.settings_page
    bar = page.tabs.tabBar()
    tab_to(bar)
    start = page.tabs.currentIndex()
    press(K.Key_Right, times=3)
    assert focus() is bar
    assert page.tabs.currentIndex() == start + 3 and page.current_tab() == "reasons"
    press(K.Key_Tab)
    assert focus() is page.reasons.which
    press(K.Key_Tab, CTRL)
    assert page.current_tab() == "users" and focus() is page.users.table


def test_a_dialog_opened_with_a_key_shows_where_the_keyboard_is_at_once(
    window, qtbot, prompts_recorder, sample
) -> None:
    """Ctrl+B: the meeting type has the keyboard, but Fusion drew its focus frame only once
    Tab had moved the focus in that window (the same after Ctrl+5, Ctrl+2 or Esc back to
    the case list). The field looks as it does after Tab and Shift+Tab back to it."""
    shown(window, qtbot)
    find_and_open(window, "zoe")
    seen: dict = {}

    def look(dialog) -> bool:  # noqa: ANN001
        as_the_loop_shows_it(qtbot, dialog)
        assert focus() is dialog.meeting_type
        at_once = dialog.meeting_type.grab().toImage()
        press(K.Key_Tab)
        press(K.Key_Tab, SHIFT)
        assert focus() is dialog.meeting_type
        seen["same"] = at_once == dialog.meeting_type.grab().toImage()
        dialog.done(QDialog.DialogCode.Rejected)
        return False

    prompts_recorder.on_dialog = look
    press(K.Key_B, CTRL)
    assert seen == {"same": True}


def test_allocate_opens_on_the_date_and_tab_goes_down_the_form_as_it_reads(
    window, qtbot, prompts_recorder, sample
) -> None:
    """Ctrl+L on Zoë's page: the keyboard started on Team, below "From date", so a screen
    reader never read the date the allocation would start from. It starts on the date now,
    and Tab goes down the form as it reads, then to the buttons."""
    shown(window, qtbot)
    find_and_open(window, "zoe")
    seen: dict = {}

    def allocate(dialog) -> bool:  # noqa: ANN001
        as_the_loop_shows_it(qtbot, dialog)
        fields = {
            "From date": dialog.on,
            "Team": dialog.team,
            "Social worker": dialog.social_worker,
            "IRO": dialog.iro,
            "IRO service told": dialog.notified.check,
            "IRO service told on": dialog.notified.edit,
            "Reason": dialog.reason,
            "Save allocation": dialog.save_button,
        }
        if not dialog.notified.edit.isEnabled():  # (not ticked: Tab passes the date by)
            del fields["IRO service told on"]

        def where() -> str:
            at = focus()
            return next(
                (name for name, w in fields.items() if w is at or w.isAncestorOf(at)), repr(at)
            )

        seen["order"] = [where()]
        for _ in range(len(fields) - 1):
            press(K.Key_Tab)
            seen["order"].append(where())
        seen["expected"] = list(fields)
        dialog.done(QDialog.DialogCode.Rejected)
        return False

    prompts_recorder.on_dialog = allocate
    press(K.Key_L, CTRL)
    assert seen["order"] == seen["expected"]


def test_esc_asks_before_dropping_a_reports_dates_but_not_once_they_are_saved(
    window, qtbot, prompts_recorder, sample, db
) -> None:
    """Alt+N on Zoë's first review, Alt+R (Reports), Tab to the reports and on to Received,
    Space (ticked, today's date), then Esc: the dialog closed without a word and the date
    was lost. Esc asks now, No by default (back, the date as it was); Alt+S saves it, and
    Esc then closes at once: the dialog was filled again from what is saved, nothing is
    lost, though its lists are not as they opened."""
    from reviewdesk.storage.models import Report

    shown(window, qtbot)
    page = find_and_open(window, "zoe")
    page.select_meeting(sample["zoe_first"])
    seen: dict = {}

    def reports(dialog) -> bool:  # noqa: ANN001
        as_the_loop_shows_it(qtbot, dialog)
        press(K.Key_R, ALT)
        tab_to(dialog.reports)
        tab_to(dialog.received.check)
        press(K.Key_Space)
        prompts_recorder.confirm_answer = False  # No: back to the dialog
        press(K.Key_Escape)
        seen["after no"] = (dialog.isVisible(), dialog.received.value() is not None)
        prompts_recorder.confirm_answer = True
        press(K.Key_S, ALT)  # Save dates
        press(K.Key_Escape)
        seen["closed at once"] = not dialog.isVisible()
        back_to_the_window(qtbot, window)
        return False

    prompts_recorder.on_dialog = reports
    press(K.Key_N, ALT)
    assert prompts_recorder.errors == []
    assert seen == {"after no": (True, True), "closed at once": True}
    title = prompts_recorder.dialogs[0].windowTitle()
    assert prompts_recorder.questions == [
        f"Close \u201c{title}\u201d without saving? The chosen report's dates (Reports tab) "
        "will be lost."
    ]
    assert prompts_recorder.defaults_no == [True]  # Esc, Enter: back to the dialog
    with db.session() as s:
        received = [r.received for r in s.query(Report).filter_by(meeting_id=sample["zoe_first"])]
        assert sum(day is not None for day in received) == 1
