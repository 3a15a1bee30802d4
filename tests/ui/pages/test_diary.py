"""The diary as a clerk and an IRO use it (#17): book a meeting by double-clicking a free
slot, narrow the week to one chair, team, clerk or room, and an IRO's own meetings."""

from __future__ import annotations

import datetime as dt
import time

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from reviewdesk.actions import Actor
from reviewdesk.codes import Role
from reviewdesk.storage.models import Meeting
from tests.ui.sample import AS_OF
from ui.dialogs import from_qdate
from ui.dialogs.booking import BookingDialog
from ui.dialogs.invitations import InvitationsDialog
from ui.dialogs.pick_child import PickChildDialog

D = dt.date


def _cell(diary, resource_id, day: dt.date):
    model = diary.model
    row = next(n for n, (rid, _name) in enumerate(model.resources) if rid == resource_id)
    return model.index(row, model.days.index(day))


def _double_click(table, index) -> None:
    rect = table.visualRect(index)
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    QTest.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def _entries(diary) -> list[str]:
    model = diary.model
    return sorted(
        e.child_name
        for r in range(model.rowCount())
        for c in range(model.columnCount())
        for e in model.entries_at(r, c)
    )


def test_double_clicking_a_free_slot_books_there(window, qtbot, prompts_recorder, sample, db):
    window.show()
    qtbot.waitExposed(window)
    window.show_page(2)
    diary = window.diary
    qtbot.waitUntil(lambda: bool(diary.model.days), timeout=10000)
    day = D(2024, 4, 12)  # Friday, free for Máire
    seen = {}

    def answer(dialog) -> bool:
        if isinstance(dialog, PickChildDialog):
            dialog.show()
            qtbot.waitExposed(dialog)
            seen["why"] = dialog.why.text()
            QTest.keyClicks(dialog.search, "llewelyn")
            QTest.keyClick(dialog.search, Qt.Key.Key_Return)  # the only match is chosen
            return dialog.result() == dialog.DialogCode.Accepted
        if isinstance(dialog, InvitationsDialog):  # booked: whom to invite comes next
            seen["invitations"] = dialog.windowTitle()
            return False
        assert isinstance(dialog, BookingDialog)
        seen["date"] = from_qdate(dialog.date.date())
        seen["chair"] = dialog.chair.currentData()
        dialog.room.setCurrentIndex(dialog.room.findData(sample["room_b"]))
        dialog.clerk.setCurrentIndex(dialog.clerk.findData(sample["sian"]))
        QTest.mouseClick(dialog.book_button, Qt.MouseButton.LeftButton)
        return dialog.result() == dialog.DialogCode.Accepted

    prompts_recorder.on_dialog = answer
    _double_click(diary.table, _cell(diary, sample["maire"], day))
    assert prompts_recorder.errors == []
    assert "Fri 12/04/2024 (Máire Ó Briain)" in seen["why"]
    assert (seen["date"], seen["chair"]) == (day, sample["maire"])
    assert "Siân Llewelyn" in seen["invitations"] and "12/04/2024" in seen["invitations"]
    with db.session() as s:
        booked = s.query(Meeting).filter_by(child_id=sample["sian_child"], booked_date=day).one()
        assert (booked.chair_id, booked.room_id) == (sample["maire"], sample["room_b"])
    assert "Siân Llewelyn" in _entries(diary)  # in the week at once


def test_the_week_narrowed_to_one_chair_team_clerk_or_room(window, qtbot, sample) -> None:
    window.show_page(2)
    diary = window.diary
    assert _entries(diary) == ["Siân Llewelyn", "Zoë Ó Briain"]
    diary.narrow_diary("clerk", sample["sian"])
    assert _entries(diary) == ["Zoë Ó Briain"]
    assert "for Siân Evans" in diary.summary.text()
    diary.narrow_diary("team", sample["south"])
    assert _entries(diary) == []
    diary.narrow_diary("room", sample["room_a"])
    assert _entries(diary) == ["Siân Llewelyn", "Zoë Ó Briain"]
    diary.by.setCurrentIndex(diary.by.findData("room"))
    assert [name for _rid, name in diary.model.resources] == ["Room A, Tŷ Hafan"]
    diary.narrow.setCurrentIndex(0)
    assert _entries(diary) == ["Siân Llewelyn", "Zoë Ó Briain"]


def test_an_iro_starts_on_their_own_meetings(ctx, qtbot, tmp_path, sample) -> None:
    from ui.main_window import MainWindow

    with ctx.db.session() as s:  # Máire chairs a meeting this week too
        s.get(Meeting, sample["sian_review"]).chair_id = sample["maire"]
    ctx.actor = Actor("maire", Role.IRO, "Máire Ó Briain", sample["maire"])
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(ctx, settings=settings)
    qtbot.addWidget(window)
    window.load_initial_data()
    window.show_page(2)
    diary = window.diary
    assert not diary.mine.isHidden() and diary.mine.isChecked()
    assert _entries(diary) == ["Siân Llewelyn"]
    assert "chaired by you" in diary.summary.text()
    QTest.mouseClick(diary.mine, Qt.MouseButton.LeftButton)
    assert _entries(diary) == ["Siân Llewelyn", "Zoë Ó Briain"]
    assert window.ctx.as_of == AS_OF


def test_a_team_manager_is_not_offered_my_meetings(ctx, qtbot, tmp_path, sample) -> None:
    """A team manager whose user is linked to their staff record (they chair nothing) opens
    the Diary: "My meetings" was there, and pressed it showed "No meetings this week." over
    an empty week. It is only for those who chair meetings."""
    from reviewdesk.storage.models import Staff
    from ui.main_window import MainWindow

    with ctx.db.session() as s:
        manager = Staff(name="Priya Davis", role="team_manager", fte=1.0, team_id=sample["north"])
        s.add(manager)
        s.flush()
        staff_id = manager.id
    ctx.actor = Actor("pdavis", Role.TEAM_MANAGER, "Priya Davis", staff_id)
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(ctx, settings=settings)
    qtbot.addWidget(window)
    window.load_initial_data()
    window.show_page(2)
    diary = window.diary
    assert diary.mine.isHidden() and not diary.mine.isChecked()
    assert _entries(diary) == ["Siân Llewelyn", "Zoë Ó Briain"]
    # Nor "My cases only" on the dashboard: they hold no cases, and every tile read 0.
    assert window.dashboard.my_cases.isHidden()


def test_in_the_window_the_week_is_read_off_the_ui_thread(
    ctx, qtbot, tmp_path, sample, monkeypatch
) -> None:
    """The real window reads the week in the background: the same week as read at once, only
    the last week asked for is shown when an earlier one comes back late, and Enter on a
    meeting still opens the child."""
    from ui.main_window import MainWindow
    from ui.pages import diary as diary_module
    from ui.tasks import wait_for_all

    read_now = diary_module.read_week
    expected = read_now(ctx.db, D(2024, 4, 8), "chair", {})

    def slow_for_the_week_before(db, monday, by, narrowed):
        if monday == D(2024, 4, 1):
            time.sleep(0.4)  # comes back after the week asked for next
        return read_now(db, monday, by, narrowed)

    monkeypatch.setattr(diary_module, "read_week", slow_for_the_week_before)
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(ctx, settings=settings, background=True)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.load_initial_data()
    item = window.nav.visualItemRect(window.nav.item(2))  # "Diary", clicked
    QTest.mouseClick(window.nav.viewport(), Qt.MouseButton.LeftButton, pos=item.center())
    diary = window.diary
    assert window.stack.currentWidget() is diary
    qtbot.waitUntil(lambda: bool(diary.model.days), timeout=10000)
    assert diary.model.days[0] == D(2024, 4, 8)
    assert diary.model.clashes == expected.clashes and len(expected.clashes) == 2
    assert _entries(diary) == sorted(e.child_name for e in expected.entries)
    assert "2 double booked" in diary.summary.text()

    QTest.mouseClick(diary.prev_button, Qt.MouseButton.LeftButton)  # the slow week
    QTest.mouseClick(diary.next_button, Qt.MouseButton.LeftButton)  # back again, at once
    assert wait_for_all(10_000)
    qtbot.wait(50)  # the late answer's signal is delivered, and ignored
    assert diary.monday == D(2024, 4, 8) and diary.model.days[0] == D(2024, 4, 8)
    assert from_qdate(diary.jump.date()) == D(2024, 4, 8)
    assert _entries(diary) == sorted(e.child_name for e in expected.entries)

    zoe = next(e for e in expected.entries if e.child_id == sample["zoe"])
    diary.table.setFocus()
    diary.table.setCurrentIndex(_cell(diary, zoe.chair_id, zoe.day))
    # Zoë shares the cell with Siân: Enter asks which, and Enter again takes the first.
    QTimer.singleShot(
        50, lambda: QTest.keyClick(QApplication.activePopupWidget(), Qt.Key.Key_Return)
    )
    QTest.keyClick(diary.table, Qt.Key.Key_Return)
    assert window.stack.currentWidget() is window.cases
    qtbot.waitUntil(lambda: window.cases.child.detail is not None, timeout=10000)
    assert window.cases.child.child_id == sample["zoe"]


def test_a_free_room_opens_the_booking_at_the_chair_s_first_free_time(
    window, qtbot, prompts_recorder, sample
) -> None:
    """The diary by room: room B is free on Thursday 11/04/2024, but Zoë's IRO, Łukasz,
    who chairs her meeting, is busy from 10:00. A double-click on room B's day books at
    the first time the room, the chair and the clerk are all free (13:30), with no clash to
    put right. The booking dialog opened at 09:30, clashing with his 10:00 review."""
    window.show()
    qtbot.waitExposed(window)
    window.show_page(2)
    diary = window.diary
    diary.by.setCurrentIndex(diary.by.findData("room"))
    qtbot.waitUntil(lambda: diary.model.by == "room" and bool(diary.model.days), timeout=10000)
    day = D(2024, 4, 11)
    free = _cell(diary, sample["room_b"], day)
    assert diary.model.entries_at(free.row(), free.column()) == []  # nothing in room B
    seen = {}

    def answer(dialog) -> bool:
        if isinstance(dialog, PickChildDialog):
            QTest.keyClicks(dialog.search, "zoe")
            QTest.keyClick(dialog.search, Qt.Key.Key_Return)
            return dialog.result() == dialog.DialogCode.Accepted
        assert isinstance(dialog, BookingDialog)
        seen["day"] = from_qdate(dialog.date.date())
        seen["time"] = dialog.time.time().toString("HH:mm")
        seen["chair"] = dialog.chair.currentText()
        seen["warnings"] = dialog.check_result.kinds()
        return False

    prompts_recorder.on_dialog = answer
    _double_click(diary.table, free)
    assert (seen["day"], seen["chair"]) == (day, "Łukasz Nowak")
    assert seen["time"] == "13:30"
    assert "clash" not in seen["warnings"]


def _heading_fits(diary) -> list[str]:
    """The days' headings whose lines are wider than their sections leave for text (in
    the style sheet's bold)."""
    from PySide6.QtGui import QFont, QFontMetrics

    from ui.pages.diary import HEADING_PADDING

    header = diary.table.horizontalHeader()
    font = QFont(header.font())
    font.setBold(True)
    metrics = QFontMetrics(font)
    model = diary.model
    too_wide = []
    for column in range(model.columnCount()):
        text = model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
        room = header.sectionSize(column) - HEADING_PADDING
        too_wide += [line for line in text.split("\n") if metrics.horizontalAdvance(line) > room]
    return too_wide


def _at_size(window, qtbot, width: int, height: int) -> None:
    window.show()
    qtbot.waitExposed(window)
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.width() <= width + 20)
    window.show_page(2)
    for _ in range(5):
        QApplication.processEvents()


def test_the_week_fits_a_laptop_screen_at_twice_the_scale(window, qtbot, sample) -> None:
    # 1366x768 at 200% is 683x384 in the window's units: the days' headings ("Mon
    # 08/04/2024") were cut at both ends and the page scrolled sideways.
    _at_size(window, qtbot, 683, 384)
    diary = window.diary
    diary.mine.setVisible(True)  # an IRO's (or anyone with a staff record's) button too
    QApplication.processEvents()
    assert window.page_scroll.horizontalScrollBar().maximum() == 0
    assert diary.table.horizontalScrollBar().maximum() == 0
    assert diary.table.viewport().width() > 0
    assert _heading_fits(diary) == []
    model = diary.model
    headings = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(5)]
    assert headings[0].split("\n")[0] in ("Mon 08/04", "Mon 08")  # day before month
    assert headings[2].split("\n")[1] == "Today"
    tip = model.headerData(2, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert tip == "Wed 10/04/2024: Today"  # the whole date in the tip
    # The names' column leaves the days most of the room, the whole name in each tip.
    names = diary.table.verticalHeader()
    assert names.width() <= diary.table.width() // 4
    assert (
        model.headerData(0, Qt.Orientation.Vertical, Qt.ItemDataRole.ToolTipRole)
        == (model.resources[0][1])
    )
    # A bank holiday's name is cut to its column, whole in the tip.
    diary.go_to(D(2024, 5, 6))  # the early May bank holiday
    QApplication.processEvents()
    assert _heading_fits(diary) == []
    tip = model.headerData(0, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("Mon 06/05/2024: ") and "bank holiday" in tip.lower()


def test_a_wide_window_shows_the_days_whole(window, qtbot, sample) -> None:
    _at_size(window, qtbot, 1250, 700)
    diary = window.diary
    model = diary.model
    assert _heading_fits(diary) == []
    assert model.headerData(0, Qt.Orientation.Horizontal).split("\n")[0] == "Mon 08/04/2024"
    assert diary.table.verticalHeader().width() >= 140
