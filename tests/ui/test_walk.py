"""What an IRO administrator met walking the window with the keyboard and the mouse (book
from a dashboard tile, reschedule and cancel from the diary, record an outcome), each
replayed here with key presses and clicks."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog

from tests.ui.driving import zoes_first_review_cancelled
from ui.dialogs import from_qdate

CTRL = Qt.KeyboardModifier.ControlModifier
D = dt.date


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


def _focus_on_opening(prompts_recorder, qtbot, seen: list) -> None:
    """Each dialog run is shown as the modal loop would show it; what has the keyboard is
    noted, then Esc closes it."""

    def run(dialog) -> bool:
        dialog.show()
        dialog.activateWindow()
        qtbot.waitExposed(dialog)
        QTest.qWait(20)
        seen.append((dialog, QApplication.focusWidget()))
        QTest.keyClick(QApplication.focusWidget() or dialog, Qt.Key.Key_Escape)
        if dialog.parentWidget() is not None:  # the window is active again, as after exec()
            dialog.parentWidget().window().activateWindow()
            QTest.qWait(20)
        return dialog.result() == QDialog.DialogCode.Accepted

    prompts_recorder.on_dialog = run


def test_booking_and_recording_open_on_their_first_field(
    window, qtbot, prompts_recorder, sample
) -> None:
    """Ctrl+B and Ctrl+O on a child's timeline: the keyboard was on the dialog's invisible
    scroll area, so the first Tab only reached the first field."""
    from ui.dialogs.booking import BookingDialog
    from ui.dialogs.recording import RecordingDialog

    _shown(window, qtbot)
    seen: list = []
    _focus_on_opening(prompts_recorder, qtbot, seen)
    window.open_child(sample["zoe"])
    page = window.cases.child
    QTest.keyClick(page.table, Qt.Key.Key_B, CTRL)
    page.select_meeting(sample["zoe_first"])
    QTest.keyClick(page.table, Qt.Key.Key_O, CTRL)
    (booking, booking_focus), (recording, recording_focus) = seen
    assert isinstance(booking, BookingDialog) and isinstance(recording, RecordingDialog)
    assert booking_focus is booking.meeting_type
    assert recording_focus is recording.held or recording.held.isAncestorOf(recording_focus)
    assert not booking.isVisible() and not recording.isVisible()  # Esc closed them


def test_tab_from_the_navigation_goes_into_the_page(window, qtbot) -> None:
    """Tab from the list of pages: the next stop was the page's invisible scroll area."""
    _shown(window, qtbot)
    QTest.keyClick(window, Qt.Key.Key_F, CTRL)  # Find a child: the case list's search box
    assert QApplication.focusWidget() is window.cases.list.search
    window.nav.setFocus()
    QTest.keyClick(window.nav, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is window.cases.list.search


def _diary_cell(window, qtbot, resource_id: int, day: dt.date):
    QTest.keyClick(window, Qt.Key.Key_3, CTRL)
    diary = window.diary
    qtbot.waitUntil(lambda: bool(diary.model.days), timeout=10000)
    model = diary.model
    row = next(n for n, (rid, _name) in enumerate(model.resources) if rid == resource_id)
    return diary, model.index(row, model.days.index(day))


def _selected_meeting_id(window) -> int | None:
    meeting = window.cases.child.selected_meeting()
    return meeting.id if meeting is not None else None


def test_double_clicking_the_second_meeting_of_a_diary_cell_opens_that_meeting(
    window, qtbot, sample
) -> None:
    """Łukasz chairs Zoë at 10:00 and Siân at 10:30 on Thursday: a double-click on Siân's
    lines opened Zoë's page, with no meeting selected to reschedule."""
    _shown(window, qtbot)
    diary, cell = _diary_cell(window, qtbot, sample["lukasz"], D(2024, 4, 11))
    names = [e.child_name for e in diary.model.entries_at(cell.row(), cell.column())]
    assert names == ["Zoë Ó Briain", "Siân Llewelyn"]
    rect = diary.table.visualRect(cell)
    line = diary.table.fontMetrics().lineSpacing()
    second = QPoint(rect.center().x(), rect.top() + 4 + 2 * line + 4 + line)  # its 2nd line
    QTest.mouseClick(diary.table.viewport(), Qt.MouseButton.LeftButton, pos=second)
    QTest.mouseDClick(diary.table.viewport(), Qt.MouseButton.LeftButton, pos=second)
    assert window.cases.child.heading.text() == "Siân Llewelyn"
    assert _selected_meeting_id(window) == sample["sian_review"]
    assert window.cases.child.reschedule_action.isEnabled()


def test_enter_on_a_diary_cell_of_two_meetings_asks_which_and_selects_it(
    window, qtbot, prompts_recorder, sample
) -> None:
    """Enter on the same cell: a menu names both meetings; Down and Enter open Siân's,
    selected, and Ctrl+R reschedules it (Esc on the menu opens nothing)."""
    _shown(window, qtbot)
    diary, cell = _diary_cell(window, qtbot, sample["lukasz"], D(2024, 4, 11))
    diary.table.setFocus()
    diary.table.setCurrentIndex(cell)
    menus: list[list[str]] = []

    def answer(keys) -> None:
        menu = QApplication.activePopupWidget()
        menus.append([a.text() for a in menu.actions()])
        for k in keys:
            QTest.keyClick(menu, k)

    QTimer.singleShot(50, lambda: answer([Qt.Key.Key_Escape]))
    QTest.keyClick(diary.table, Qt.Key.Key_Return)
    assert window.current_page() is diary  # Esc: nothing opened
    QTimer.singleShot(50, lambda: answer([Qt.Key.Key_Down, Qt.Key.Key_Return]))
    QTest.keyClick(diary.table, Qt.Key.Key_Return)
    assert menus[-1] == ["10:00 Zoë Ó Briain · LAC review 1", "10:30 Siân Llewelyn · LAC review 4"]
    assert window.cases.child.heading.text() == "Siân Llewelyn"
    assert _selected_meeting_id(window) == sample["sian_review"]
    QTest.keyClick(window.cases.child.table, Qt.Key.Key_R, CTRL)
    (dialog,) = prompts_recorder.dialogs
    assert dialog.meeting is not None and dialog.meeting.id == sample["sian_review"]


def test_enter_on_the_dashboards_week_opens_the_meeting(window, qtbot, sample) -> None:
    """This week's meetings on the dashboard: Enter did nothing (only a double-click
    opened the child, and with no meeting selected)."""
    _shown(window, qtbot)
    QTest.keyClick(window, Qt.Key.Key_1, CTRL)
    table = window.dashboard.week_table
    table.setFocus()
    row = next(r for r in range(table.rowCount()) if table.item(r, 2).text() == "Siân Llewelyn")
    table.setCurrentCell(row, 0)
    QTest.keyClick(table, Qt.Key.Key_Return)
    assert window.current_page() is window.cases
    assert window.cases.child.heading.text() == "Siân Llewelyn"
    assert _selected_meeting_id(window) == sample["sian_review"]


def test_a_held_reviews_participation_is_shown_in_words(window, qtbot, sample) -> None:
    """Siân's held reviews said only "PN1" on her timeline: a 903 code, not words."""
    from tests.ui.test_changes import open_child

    _shown(window, qtbot)
    page = open_child(window, qtbot, "llewelyn")
    while not page.model.index(page.table.currentIndex().row(), 6).data().startswith("Held"):
        QTest.keyClick(page.table, Qt.Key.Key_Down)  # down to her last review held
    details = page.model.index(page.table.currentIndex().row(), 6)
    assert details.data().endswith("PN1 — Child physically attends and speaks for themselves")
    assert details.data(Qt.ItemDataRole.ToolTipRole) == details.data()  # when cut short


def test_the_weekly_schedule_preview_fits_the_screen(
    window, qtbot, prompts_recorder, monkeypatch
) -> None:
    """Ctrl+P (Documents > Weekly schedule): the preview opened 1000 points high, taller
    than a 1366x768 laptop (its page count and zoom below the screen's edge)."""
    from ui import documents
    from ui.print_preview import open_previews
    from ui.screen import available

    def build_weekly(session, *, week, out, as_of=None, invariant=False):
        from reportlab.pdfgen.canvas import Canvas

        canvas = Canvas(str(out))
        canvas.drawString(72, 720, "weekly")
        canvas.save()
        return 1

    monkeypatch.setattr(documents, "build_weekly", build_weekly)
    _shown(window, qtbot)
    QTest.keyClick(window, Qt.Key.Key_P, CTRL)
    qtbot.waitUntil(lambda: bool(open_previews()) or bool(prompts_recorder.errors), timeout=30000)
    assert prompts_recorder.errors == []
    preview = open_previews()[-1]
    try:
        room = available(preview)
        assert preview.frameGeometry().height() <= room.height()
    finally:
        preview.close()


def test_a_child_booked_from_due_soon_not_booked_leaves_that_list(
    window, qtbot, prompts_recorder, sample
) -> None:
    """Dashboard tile "Due soon, not booked", Enter on Zoë, Ctrl+B, a free slot, Book,
    Esc: Zoë was still on the list with "Why listed: ... is not booked" under her."""
    zoes_first_review_cancelled(window, sample)
    _shown(window, qtbot)
    QTest.keyClick(window, Qt.Key.Key_1, CTRL)
    tile = window.dashboard.tiles["due_soon_unbooked"]
    assert tile.value_label.text() == "1"
    QTest.mouseClick(tile, Qt.MouseButton.LeftButton)
    listing = window.cases.list
    assert listing.count.text() == "1 child — due soon, not booked"
    listing.table.setFocus()
    QTest.keyClick(listing.table, Qt.Key.Key_Down)
    assert "is not booked" in listing.why.text()

    def book(dialog) -> bool:
        if type(dialog).__name__ != "BookingDialog":
            return False  # the invitations that follow a booking: closed
        dialog.slots.setFocus()
        QTest.keyClick(dialog.slots, Qt.Key.Key_Return)  # the best slot
        dialog.book_button.click()  # confirms (no room, no clerk): the recorder says yes
        return dialog.result_meeting_id is not None

    prompts_recorder.on_dialog = book
    QTest.keyClick(listing.table, Qt.Key.Key_Return)
    QTest.keyClick(window.cases.child.table, Qt.Key.Key_B, CTRL)
    assert window.cases.child.model.row_at(0).status == "booked"
    QTest.keyClick(window.cases.child.table, Qt.Key.Key_Escape)  # back to the list
    qtbot.waitUntil(lambda: window.cases.stack.currentWidget() is listing, timeout=2000)
    assert listing.model.rowCount() == 0
    assert listing.count.text() == "No children match. — due soon, not booked"
    assert listing.why.isHidden() or "is not booked" not in listing.why.text()
    QTest.keyClick(window, Qt.Key.Key_1, CTRL)
    assert tile.value_label.text() == "0"


def test_enter_on_a_dashboard_tile_opens_its_list(window, qtbot) -> None:
    """Tab from the navigation to the first tile, Enter: nothing happened (only Space
    opened it)."""
    _shown(window, qtbot)
    QTest.keyClick(window, Qt.Key.Key_1, CTRL)
    window.nav.setFocus()
    QTest.keyClick(window.nav, Qt.Key.Key_Tab)
    tile = window.dashboard.tiles["overdue"]
    assert QApplication.focusWidget() is tile
    QTest.keyClick(tile, Qt.Key.Key_Return)
    assert window.current_page() is window.cases
    assert window.cases.list.narrowed_to == window.dashboard.tile_children["overdue"]


def test_the_booking_dialog_does_not_call_an_unchosen_room_free(
    window, qtbot, prompts_recorder, sample
) -> None:
    """Ctrl+B for Zoë: with no room and no clerk chosen the dialog said in green "chair,
    room and clerk are free", then Book asked "No room is chosen ... Book it anyway?"."""
    from tests.ui.test_changes import open_child

    zoes_first_review_cancelled(window, sample)
    _shown(window, qtbot)
    said: list[str] = []

    def look(dialog) -> bool:
        said.append(dialog.warnings.text())
        dialog.room.setFocus()
        QTest.keyClick(dialog.room, Qt.Key.Key_Down)  # the first room
        said.append(dialog.warnings.text())
        return False

    prompts_recorder.on_dialog = look
    page = open_child(window, qtbot, "zoe")
    QTest.keyClick(page.table, Qt.Key.Key_B, CTRL)
    assert said == [
        "✓ In time, a working day, and the chair is free. No room or clerk chosen yet.",
        "✓ In time, a working day, and the chair and room are free. No clerk chosen yet.",
    ]


def test_esc_on_a_child_opened_from_the_diary_goes_back_to_the_diary(window, qtbot, sample) -> None:
    """Enter on Zoë's meeting in the diary, then Esc: the case list came up, not the diary
    the administrator was working through."""
    _shown(window, qtbot)
    diary, cell = _diary_cell(window, qtbot, sample["lukasz"], D(2024, 4, 11))
    diary.table.setFocus()
    diary.table.setCurrentIndex(cell)
    QTimer.singleShot(
        50, lambda: QTest.keyClick(QApplication.activePopupWidget(), Qt.Key.Key_Return)
    )
    QTest.keyClick(diary.table, Qt.Key.Key_Return)  # Zoë's, the first of the two
    page = window.cases.child
    assert page.heading.text() == "Zoë Ó Briain"
    assert page.back_button.text() == "← Back to the diary"
    # Esc is the window's shortcut: it acts once the window is active again after the menu
    # (on a busy machine that can take a moment, as it can for a person).
    qtbot.waitUntil(window.isActiveWindow)
    QTest.keyClick(page.table, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.current_page() is diary, timeout=2000)
    assert window.cases.stack.currentWidget() is window.cases.list  # Ctrl+2: the list
    QTest.keyClick(window, Qt.Key.Key_2, CTRL)
    window.cases.list.table.setFocus()
    QTest.keyClick(window.cases.list.table, Qt.Key.Key_Down)
    QTest.keyClick(window.cases.list.table, Qt.Key.Key_Return)  # from the list: back to it
    assert page.back_button.text() == "← Back to cases"
    QTest.keyClick(page.table, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.cases.stack.currentWidget() is window.cases.list, timeout=2000)
    assert window.current_page() is window.cases


def test_the_case_pages_line_up_with_the_other_pages(window, qtbot, sample) -> None:
    """Ctrl+1 to Ctrl+4: "Cases" (and a child's page) sat 9 points further in and lower
    than "Dashboard", "Diary" and "Workload" (a margin of their own inside the window's),
    18 points of height a child's page lacks on a 1366x768 screen."""
    from PySide6.QtWidgets import QLabel

    def title_at(page) -> QPoint:
        title = next(w for w in page.findChildren(QLabel) if w.text().startswith(page.title))
        return title.mapTo(window, QPoint(0, 0))

    _shown(window, qtbot)
    where = {}
    for key, page in zip(
        (Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3, Qt.Key.Key_4), window.pages, strict=False
    ):
        QTest.keyClick(window, key, CTRL)
        QTest.qWait(10)
        where[page.title] = title_at(page)
    assert len(set(where.values())) == 1, where
    QTest.keyClick(window.cases.list.table, Qt.Key.Key_Return)  # the first child
    back = window.cases.child.back_button.mapTo(window, QPoint(0, 0))
    assert back.x() == where["Dashboard"].x()


def test_a_child_s_page_fits_a_laptop_screen_without_scrolling(window, qtbot, sample) -> None:
    """Enter on a child in the case list at 1366x768: the page scrolled by 10 points (the
    timeline and its tabs asked for more height than the screen has), and on a larger
    screen they still take all the height there is."""
    _shown(window, qtbot)
    QTest.keyClick(window, Qt.Key.Key_2, CTRL)
    QTest.keyClick(window.cases.list.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.cases.stack.currentWidget() is window.cases.child)
    QTest.qWait(20)
    bar = window.page_scroll.verticalScrollBar()
    assert bar.maximum() == 0
    page = window.cases.child
    tabs_bottom = page.tabs.mapTo(window.page_scroll.viewport(), page.tabs.rect().bottomLeft())
    assert tabs_bottom.y() > window.page_scroll.viewport().height() - 40  # down to the foot
    window.resize(1256, 1000)
    QTest.qWait(20)
    grown = page.tabs.mapTo(window.page_scroll.viewport(), page.tabs.rect().bottomLeft())
    assert grown.y() > window.page_scroll.viewport().height() - 40


ALT = Qt.KeyboardModifier.AltModifier


def _run_shown(prompts_recorder, qtbot, act) -> None:
    """Each dialog run is shown and active, as the modal loop would show it, then ``act``
    (the person's keys) runs on it; its result is the dialog's."""

    def run(dialog) -> bool:
        dialog.show()
        qtbot.waitExposed(dialog)
        dialog.activateWindow()
        qtbot.waitUntil(dialog.isActiveWindow)
        act(dialog)
        if dialog.isVisible():
            dialog.reject()
        if dialog.parentWidget() is not None:  # the window is active again, as after exec()
            dialog.parentWidget().window().activateWindow()
            qtbot.waitUntil(dialog.parentWidget().window().isActiveWindow)
        return dialog.result() == QDialog.DialogCode.Accepted

    prompts_recorder.on_dialog = run


def test_alt_r_reschedules_from_the_reschedule_dialog(
    window, qtbot, prompts_recorder, sample, db
) -> None:
    """Ctrl+R on Zoë's review, a new date typed, a reason chosen, then Alt+R (the
    underlined R of "Reschedule"): the reason's label had Alt+R too, so Alt+R only moved
    the focus between the two and nothing was rescheduled."""
    from reviewdesk.storage.models import Meeting
    from tests.ui.test_changes import choose_meeting, open_child

    _shown(window, qtbot)
    reached = {}

    def move(dialog) -> None:
        QTest.keyClick(dialog, Qt.Key.Key_D, ALT)
        QTest.keyClicks(QApplication.focusWidget(), "16/04/2024")
        QTest.keyClick(dialog, Qt.Key.Key_E, ALT)  # the reason's own key
        reached["reason"] = QApplication.focusWidget() is dialog.reason
        QTest.keyClick(dialog.reason, Qt.Key.Key_Down)  # the first reason listed
        QTest.keyClick(dialog, Qt.Key.Key_R, ALT)
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=2000)

    _run_shown(prompts_recorder, qtbot, move)
    page = open_child(window, qtbot, "zoe")
    choose_meeting(page, qtbot, sample["zoe_first"])
    QTest.keyClick(page.table, Qt.Key.Key_R, CTRL)
    assert prompts_recorder.errors == []
    assert reached == {"reason": True}
    with db.session() as s:
        assert s.get(Meeting, sample["zoe_first"]).booked_date == D(2024, 4, 16)
    assert page.model.index(page.table.currentIndex().row(), 3).data() == "16/04/2024"


def test_alt_s_saves_the_recorded_outcome(window, qtbot, prompts_recorder, sample, db) -> None:
    """Ctrl+O on Zoë's review, Alt+O to the outcome (already "Care plan endorsed"), Alt+S
    to save: Save had no key, so Alt+S typed an "s" into the outcome ("Care plan
    endorseds") and nothing was saved."""
    from reviewdesk.storage.models import Meeting
    from tests.ui.test_changes import choose_meeting, open_child

    _shown(window, qtbot)

    def save(dialog) -> None:
        QTest.keyClick(dialog, Qt.Key.Key_O, ALT)
        assert QApplication.focusWidget() is dialog.outcome
        QTest.keyClick(dialog.outcome, Qt.Key.Key_Down)  # "Not recorded" to the first outcome
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_S, ALT)
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=2000)

    _run_shown(prompts_recorder, qtbot, save)
    page = open_child(window, qtbot, "zoe")
    choose_meeting(page, qtbot, sample["zoe_first"])
    QTest.keyClick(page.table, Qt.Key.Key_O, CTRL)
    assert prompts_recorder.errors == []
    with db.session() as s:
        meeting = s.get(Meeting, sample["zoe_first"])
        assert (meeting.status, meeting.outcome) == ("held", "Care plan endorsed")


def test_the_row_the_keys_are_on_is_the_meeting_they_act_on(
    window, qtbot, prompts_recorder, sample
) -> None:
    """Ctrl+F, Zoë, Enter, Enter: her page opened with the keyboard on the timeline's first
    row (her booked review, outlined) but nothing selected, so Enter on it offered to book
    another meeting and Ctrl+R, Ctrl+Shift+X and Ctrl+O did nothing."""
    from tests.ui.test_changes import open_child
    from ui.dialogs.booking import BookingDialog
    from ui.dialogs.cancel import CancelDialog
    from ui.dialogs.recording import RecordingDialog

    _shown(window, qtbot)
    page = open_child(window, qtbot, "zoe")
    assert page.table.hasFocus()
    assert page.model.row_at(page.table.currentIndex().row()).meeting_id == sample["zoe_first"]
    QTest.keyClick(page.table, Qt.Key.Key_Return)
    QTest.keyClick(page.table, Qt.Key.Key_R, CTRL)
    QTest.keyClick(page.table, Qt.Key.Key_X, CTRL | Qt.KeyboardModifier.ShiftModifier)
    QTest.keyClick(page.table, Qt.Key.Key_O, CTRL)
    opened = [(type(d), getattr(d, "meeting", None)) for d in prompts_recorder.dialogs]
    assert [kind for kind, _m in opened] == [
        RecordingDialog,
        BookingDialog,
        CancelDialog,
        RecordingDialog,
    ]
    assert all(m is not None and m.id == sample["zoe_first"] for _kind, m in opened)


def test_the_diary_shows_the_cell_the_keyboard_is_on(window, qtbot) -> None:
    """Ctrl+3, then Tab on to the week: the keyboard was on Monday's first cell but the
    week showed no sign of it (the diary draws its own cells), so Enter opened a meeting
    the person could not see they were on."""
    _shown(window, qtbot)
    QTest.keyClick(window, Qt.Key.Key_3, CTRL)
    diary = window.diary
    qtbot.waitUntil(lambda: bool(diary.model.days), timeout=10000)
    table = diary.table
    for _ in range(12):
        if table.hasFocus():
            break
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert table.hasFocus() and table.currentIndex().isValid()
    cell = table.visualRect(table.currentIndex())
    focused = table.viewport().grab(cell).toImage()
    QTest.keyClick(table, Qt.Key.Key_Tab)  # on to the navigation
    assert not table.hasFocus()
    table.viewport().repaint()
    assert table.viewport().grab(cell).toImage() != focused


def test_tab_goes_from_field_to_field_in_the_booking_dialog(
    window, qtbot, prompts_recorder, sample
) -> None:
    """Ctrl+B, then Tab down the form, keeping the date proposed and typing the time: the
    date box took three Tabs (day, month, year) and the time two before the next field, so
    the time typed after one Tab went into the date's month."""
    from tests.ui.test_changes import open_child

    _shown(window, qtbot)
    seen = {}

    def walk(dialog) -> None:
        stops = []
        proposed = from_qdate(dialog.date.date())
        for text in ("", "", "1400", "", "", "", "", ""):
            if text:
                QTest.keyClicks(QApplication.focusWidget(), text)
            QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
            QTest.qWait(20)  # a person's pace: the box reached selects its text to type over
            stops.append(QApplication.focusWidget())
        seen["stops"] = stops
        seen["when"] = (from_qdate(dialog.date.date()), dialog.time.time().toString("HH:mm"))
        seen["proposed"] = proposed
        seen["fields"] = [
            dialog.date,
            dialog.time,
            dialog.duration,
            dialog.room,
            dialog.chair,
            dialog.clerk,
            dialog.slots,
            dialog.book_button,
        ]

    _run_shown(prompts_recorder, qtbot, walk)
    page = open_child(window, qtbot, "zoe")
    QTest.keyClick(page.table, Qt.Key.Key_B, CTRL)
    assert seen["when"] == (seen["proposed"], "14:00")
    stops = seen["stops"]
    assert all(s is f or f.isAncestorOf(s) for s, f in zip(stops, seen["fields"], strict=True))


def test_ctrl_3_and_ctrl_4_put_the_keyboard_in_the_week_and_the_caseloads(window, qtbot) -> None:
    """Ctrl+3, then the arrows and Enter: the keyboard was on "◀ Previous week" (the first
    button of the page), so the arrows did nothing and Space went back a week; Ctrl+4 left
    it on "Caseload range…", and Enter on an IRO's row did nothing there (only a
    double-click listed their cases)."""
    _shown(window, qtbot)
    QTest.keyClick(window, Qt.Key.Key_3, CTRL)
    diary = window.diary
    qtbot.waitUntil(lambda: bool(diary.model.days), timeout=10000)
    monday = diary.model.days[0]
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Right)
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
    assert diary.table.hasFocus()
    assert (diary.table.currentIndex().row(), diary.table.currentIndex().column()) == (1, 1)
    assert diary.model.days[0] == monday  # the same week

    QTest.keyClick(window, Qt.Key.Key_4, CTRL)
    workload = window.workload
    qtbot.waitUntil(lambda: workload.model.rowCount() > 0, timeout=10000)
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
    assert workload.table.hasFocus()
    name = workload.model.rows[workload.table.currentIndex().row()].caseload.name
    QTest.keyClick(workload.table, Qt.Key.Key_Return)
    assert window.current_page() is window.cases
    assert window.cases.list.count.text().endswith(f"cases of {name}")


def test_tab_reaches_family_and_network_on_a_child_s_page(
    window, qtbot, prompts_recorder, sample
) -> None:
    """Tab along a child's buttons, then Space on "Family and network…": the button (the
    README's way to the family, Alt+M) was not on the page at all, so Tab never reached
    it."""
    from tests.ui.test_changes import open_child
    from ui.dialogs.people import PeopleDialog

    _shown(window, qtbot)
    page = open_child(window, qtbot, "zoe")
    reached = []
    for _ in range(20):
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        reached.append(QApplication.focusWidget())
        if reached[-1] is page.people_button:
            break
    assert reached[-1] is page.people_button, [w.accessibleName() for w in reached]
    assert page.people_button.isVisible()
    QTest.keyClick(page.people_button, Qt.Key.Key_Space)
    assert [type(d) for d in prompts_recorder.dialogs] == [PeopleDialog]


def test_each_alt_key_of_the_invitations_dialog_does_one_thing(
    window, qtbot, prompts_recorder, sample, monkeypatch
) -> None:
    """Alt+N on Zoë's review, then Alt+R for the Reports tab, Alt+I back, Alt+S to send
    the meeting request, Alt+P for the Pack tab and Alt+K to print it: "&Reports" and "Send
    meeting &request" shared Alt+R, "&Pack" and "&Print pack…" Alt+P, so each press only
    moved the focus or the tab between the two."""
    from tests.ui.test_changes import choose_meeting, open_child

    printed = []
    monkeypatch.setattr(
        "ui.documents.make_document", lambda parent, ctx, kind, **kw: printed.append(kind)
    )
    _shown(window, qtbot)
    seen = {}

    def keys(dialog) -> None:
        tabs = dialog.tabs
        QTest.keyClick(dialog, Qt.Key.Key_R, ALT)
        seen["alt r"] = tabs.tabText(tabs.currentIndex())
        QTest.keyClick(dialog, Qt.Key.Key_I, ALT)
        QTest.keyClick(dialog, Qt.Key.Key_S, ALT)
        qtbot.waitUntil(lambda: bool(prompts_recorder.questions), timeout=1000)
        QTest.keyClick(dialog, Qt.Key.Key_P, ALT)
        seen["alt p"] = tabs.tabText(tabs.currentIndex())
        QTest.keyClick(dialog, Qt.Key.Key_K, ALT)
        qtbot.waitUntil(lambda: bool(printed), timeout=1000)

    _run_shown(prompts_recorder, qtbot, keys)
    page = open_child(window, qtbot, "zoe")
    choose_meeting(page, qtbot, sample["zoe_first"])
    QTest.keyClick(page.table, Qt.Key.Key_N, ALT)
    assert seen == {"alt r": "&Reports", "alt p": "&Pack"}
    assert prompts_recorder.questions == ["Save the meeting request"]
    assert printed == ["pack"]


def _book_a_free_slot_from_the_diary(window, qtbot, prompts_recorder, sample):
    """Ctrl+3, the arrows to Łukasz's free Friday, Enter, "zoe", Enter, Alt+B; returns the
    diary, the cell, and each dialog run (its kind, parent and title)."""
    from ui.dialogs.booking import BookingDialog
    from ui.dialogs.pick_child import PickChildDialog

    _shown(window, qtbot)
    QTest.keyClick(window, Qt.Key.Key_3, CTRL)
    diary = window.diary
    qtbot.waitUntil(lambda: bool(diary.model.days), timeout=10000)
    model = diary.model
    row = next(n for n, (rid, _name) in enumerate(model.resources) if rid == sample["lukasz"])
    column = model.days.index(D(2024, 4, 12))
    assert model.entries_at(row, column) == []
    QTest.keyClick(diary.table, Qt.Key.Key_Home, CTRL)
    for key, times in ((Qt.Key.Key_Down, row), (Qt.Key.Key_Right, column)):
        for _ in range(times):
            QTest.keyClick(diary.table, key)
    seen = []

    def answer(dialog) -> None:
        seen.append((type(dialog), dialog.parentWidget(), dialog.windowTitle()))
        if isinstance(dialog, PickChildDialog):
            QTest.keyClicks(dialog.search, "zoe")
            QTest.keyClick(dialog.search, Qt.Key.Key_Return)
        elif isinstance(dialog, BookingDialog):
            QTest.keyClick(dialog, Qt.Key.Key_B, ALT)
            qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=2000)

    _run_shown(prompts_recorder, qtbot, answer)
    QTest.keyClick(diary.table, Qt.Key.Key_Return)
    assert prompts_recorder.errors == []
    return diary, model.index(row, column), seen


def test_booking_a_free_slot_in_the_diary_goes_on_to_the_invitations(
    window, qtbot, prompts_recorder, sample
) -> None:
    """Ctrl+3, the arrows to a free day of Łukasz's, Enter, "zoe", Enter, Alt+B: the
    meeting was booked but no invitations followed (from a child's page they do, as the
    README says of every booking), and the booking dialog had no parent window."""
    from ui.dialogs.booking import BookingDialog
    from ui.dialogs.invitations import InvitationsDialog
    from ui.dialogs.pick_child import PickChildDialog

    diary, cell, seen = _book_a_free_slot_from_the_diary(window, qtbot, prompts_recorder, sample)
    assert [kind for kind, _parent, _title in seen] == [
        PickChildDialog,
        BookingDialog,
        InvitationsDialog,
    ]
    assert all(parent is diary for _kind, parent, _title in seen)
    assert seen[2][2] == "Invitations and reports: Zoë Ó Briain: LAC review 1, 12/04/2024"
    assert [e.child_name for e in diary.model.entries_at(cell.row(), cell.column())] == [
        "Zoë Ó Briain"
    ]


def test_the_diary_keeps_the_keyboard_s_place_after_a_booking(
    window, qtbot, prompts_recorder, sample
) -> None:
    """The same booking from a free slot: the week was read again with the keyboard back
    on Monday's first cell, not on the meeting just booked."""
    diary, cell, _seen = _book_a_free_slot_from_the_diary(window, qtbot, prompts_recorder, sample)
    assert diary.table.hasFocus()
    assert (diary.table.currentIndex().row(), diary.table.currentIndex().column()) == (
        cell.row(),
        cell.column(),
    )


def _in_view(area, widget) -> bool:
    """Whether some of ``widget`` shows in the scroll area's viewport."""
    top = widget.mapTo(area.viewport(), QPoint(0, 0)).y()
    return top < area.viewport().height() and top + widget.height() > 0


def test_an_alt_key_scrolls_its_field_into_view_on_a_low_screen(
    window, qtbot, prompts_recorder, sample
) -> None:
    """Ctrl+R on a 1366x768 laptop at scale 2 (a dialog 300 points high), then Alt+F for
    the free slots, Alt+E for the reason: the field took the keyboard below the visible
    part of the dialog, and the person arrowed and typed into something they could not
    see (only Tab scrolled to it)."""
    from PySide6.QtWidgets import QScrollArea

    from tests.ui.test_changes import choose_meeting, open_child

    _shown(window, qtbot)
    seen = {}

    def keys(dialog) -> None:
        dialog.resize(600, 300)
        QTest.qWait(20)
        area = dialog.findChild(QScrollArea)
        for key in (Qt.Key.Key_F, Qt.Key.Key_E, Qt.Key.Key_D):
            QTest.keyClick(dialog, key, ALT)
            QTest.qWait(20)
            focused = QApplication.focusWidget()
            seen[focused.accessibleName()] = _in_view(area, focused)

    _run_shown(prompts_recorder, qtbot, keys)
    page = open_child(window, qtbot, "zoe")
    choose_meeting(page, qtbot, sample["zoe_first"])
    QTest.keyClick(page.table, Qt.Key.Key_R, CTRL)
    assert seen == {"Free slots": True, "Reason for rescheduling": True, "Meeting date": True}


def test_enter_enter_after_a_search_never_opens_a_child_from_the_list_before_it(
    window, qtbot, sample
) -> None:
    """Ctrl+2 (the keyboard on the first child), Ctrl+F, "zoe", Enter, Enter, typed fast
    in the real window (where the search is read in the background): the second Enter
    opened the child the list had selected before the search, not Zoë."""
    _shown(window, qtbot)
    listing = window.cases.list
    listing.model.background = True  # as in the window: a first search reads its keys
    QTest.keyClick(window, Qt.Key.Key_2, CTRL)
    QTest.keyClick(listing.table, Qt.Key.Key_Home)
    before = listing.model.child_id(listing.table.currentIndex().row())
    assert before != sample["zoe"]
    QTest.keyClick(window, Qt.Key.Key_F, CTRL)
    QTest.keyClicks(listing.search, "zoe")
    QTest.keyClick(listing.search, Qt.Key.Key_Return)
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert window.cases.child.child_id != before
    qtbot.waitUntil(lambda: listing.model.rowCount() == 1, timeout=10000)
    assert listing.table.hasFocus()
    QTest.keyClick(listing.table, Qt.Key.Key_Return)
    assert window.cases.child.child_id == sample["zoe"]


def test_a_refused_outcome_puts_the_keyboard_on_the_field_at_fault(
    window, qtbot, prompts_recorder, sample, db
) -> None:
    """Ctrl+O on Zoë's review; Alt+D, Space (decisions issued), Tab, a date before the
    meeting; a click on Save: the save is refused, and the keyboard is on that date, where
    the person types the right one and saves again. It stayed on the Save button."""
    from PySide6.QtWidgets import QDialogButtonBox

    from reviewdesk.storage.models import Meeting
    from tests.ui.test_changes import choose_meeting, open_child

    _shown(window, qtbot)
    seen = {}

    def save(dialog) -> None:
        save_button = dialog.findChild(QDialogButtonBox).button(
            QDialogButtonBox.StandardButton.Save
        )
        QTest.keyClick(dialog, Qt.Key.Key_D, ALT)
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)  # ticked: issued
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        qtbot.wait(20)  # the date, selected to be typed over
        QTest.keyClicks(QApplication.focusWidget(), "01/01/2020")
        QTest.mouseClick(save_button, Qt.MouseButton.LeftButton)
        seen["refused"] = list(prompts_recorder.errors)
        seen["focus"] = QApplication.focusWidget()
        seen["held"] = from_qdate(dialog.held.date())
        qtbot.wait(20)
        QTest.keyClicks(seen["focus"], seen["held"].strftime("%d/%m/%Y"))
        QTest.mouseClick(save_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=2000)

    _run_shown(prompts_recorder, qtbot, save)
    page = open_child(window, qtbot, "zoe")
    choose_meeting(page, qtbot, sample["zoe_first"])
    QTest.keyClick(page.table, Qt.Key.Key_O, CTRL)
    assert [m.split(":")[0] for m in seen["refused"]] == ["Nothing was saved. Decisions issued"]
    assert seen["focus"] is not None
    assert seen["focus"].accessibleName() == "Decisions issued"
    with db.session() as s:
        meeting = s.get(Meeting, sample["zoe_first"])
        assert (meeting.status, meeting.decisions_issued) == ("held", seen["held"])
