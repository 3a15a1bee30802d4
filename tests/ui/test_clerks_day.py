"""The clerk's day (#17): each bug a user hit, replayed with the keys and clicks they used.

1. a dashboard tile's narrowing stuck to the case list; 2. free slots (double-click crashed,
Enter booked at once); 3. the keyboard (Tab walked tables, actions had no keys, the search
box did not reach its results, date boxes ignored typing); 4. closure days ignored until a
restart; 5. the window larger than the screen; 6. meetings offered for a closed case;
7. printing to file with a name holding slashes, save dialogs in the program's folder;
8. children imported from a 903 return could not be completed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QDialog

from reviewdesk.flags import compute_flags
from reviewdesk.storage.models import Child, Meeting, PeriodOfCare
from reviewdesk.vocabulary import format_uk_long
from tests.ui.sample import AS_OF
from tests.ui.test_changes import choose_meeting, open_child, press
from ui.dialogs import from_qdate
from ui.dialogs.invitations import InvitationsDialog

D = dt.date
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def shown(window, qtbot):
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: window.cases.list.model.rowCount() > 0, timeout=10000)
    return window


def listed(window) -> set[int]:
    model = window.cases.list.model
    return {model.child_id(r) for r in range(model.rowCount())}


def meetings_of(db, child_id: int) -> list[Meeting]:
    with db.session() as s:
        return list(s.query(Meeting).filter_by(child_id=child_id))


def show_dialog(qtbot, dialog) -> None:
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()


# --- 1. the tile's narrowing --------------------------------------------------------------


def test_a_tiles_narrowing_goes_with_f5_the_navigation_a_search_and_esc(
    shown, qtbot, sample
) -> None:
    window = shown
    every = listed(window)
    assert len(every) == 3  # the open cases

    def click_tile() -> None:
        qtbot.keyClick(window, Qt.Key.Key_1, CTRL)
        tile = window.dashboard.tiles["overdue"]
        qtbot.waitUntil(lambda: bool(window.dashboard.tile_children), timeout=10000)
        press(qtbot, tile)
        qtbot.waitUntil(lambda: listed(window) == {sample["lukasz_child"]}, timeout=10000)
        assert window.cases.list.narrowed.isVisibleTo(window)

    click_tile()
    qtbot.keyClick(window, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: listed(window) == every, timeout=10000)
    assert not window.cases.list.narrowed.isVisibleTo(window)

    click_tile()
    qtbot.keyClick(window, Qt.Key.Key_3, CTRL)  # the diary, then back to the cases
    qtbot.keyClick(window, Qt.Key.Key_2, CTRL)
    qtbot.waitUntil(lambda: listed(window) == every, timeout=10000)

    click_tile()
    qtbot.keyClick(window, Qt.Key.Key_F, CTRL)
    qtbot.keyClicks(window.cases.list.search, "zoe")  # a search looks among every child
    qtbot.keyClick(window.cases.list.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: listed(window) == {sample["zoe"]}, timeout=10000)
    assert "No children match" not in window.cases.list.count.text()
    window.cases.list.search.clear()

    click_tile()
    press(qtbot, window.cases.list.show_all_button)
    qtbot.waitUntil(lambda: listed(window) == every, timeout=10000)

    click_tile()
    window.cases.list.table.setFocus()
    qtbot.keyClick(window.cases.list.table, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: listed(window) == every, timeout=10000)


# --- 2. free slots ------------------------------------------------------------------------


def test_a_free_slot_double_clicked_or_entered_sets_the_date_and_never_books(
    shown, qtbot, prompts_recorder, sample, db
) -> None:
    page = open_child(shown, qtbot, "sian")
    before = len(meetings_of(db, sample["sian_child"]))
    seen = {}

    def use_slots(dialog) -> bool:
        show_dialog(qtbot, dialog)
        slots = dialog.slots
        assert slots.count() >= 2
        second = slots.item(1)
        rect = slots.visualItemRect(second)
        # A double-click is a click, then a second press that Qt reports as a double-click.
        qtbot.mouseClick(slots.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(slots.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        slot = second.data(Qt.ItemDataRole.UserRole)
        seen["double_clicked"] = (from_qdate(dialog.date.date()), slot.day)
        slots.setFocus()
        slots.setCurrentRow(0)
        first = slots.item(0).data(Qt.ItemDataRole.UserRole)
        qtbot.keyClick(slots, Qt.Key.Key_Return)
        seen["entered"] = (from_qdate(dialog.date.date()), first.day)
        seen["open_after_enter"] = dialog.isVisible()
        seen["focus"] = dialog.focusWidget()
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)  # Enter in the room box
        seen["open_after_second_enter"] = dialog.isVisible()
        prompts_recorder.confirm_answer = False  # "No room... Book it anyway?" No
        dialog.book_button.setFocus()
        qtbot.keyClick(dialog.book_button, Qt.Key.Key_Return)
        seen["asked"] = list(prompts_recorder.questions)
        dialog.done(QDialog.DialogCode.Rejected)  # (Esc would ask to drop the slot taken)
        return False

    prompts_recorder.on_dialog = use_slots
    qtbot.keyClick(page.table, Qt.Key.Key_B, CTRL)
    assert prompts_recorder.errors == []
    assert seen["double_clicked"][0] == seen["double_clicked"][1]
    assert seen["entered"][0] == seen["entered"][1]
    assert seen["open_after_enter"] and seen["open_after_second_enter"]
    assert seen["focus"] is prompts_recorder.dialogs[0].room  # the next field to fill
    assert seen["asked"] and "No room is chosen" in seen["asked"][0]
    assert prompts_recorder.defaults_no == [True]
    assert len(meetings_of(db, sample["sian_child"])) == before  # nothing was booked


def _chosen_slot(dialog) -> tuple[str | None, list[str]]:
    """The slot shown chosen in the list: its current item and its selection, as text."""
    current = dialog.slots.currentItem()
    return (
        current.text() if current is not None else None,
        [item.text() for item in dialog.slots.selectedItems()],
    )


def _in_boxes(dialog) -> str:
    """The date and time in the boxes, written as the list writes a slot."""
    return f"{format_uk_long(from_qdate(dialog.date.date()))} at {dialog.time.text()}"


def _slot_texts(dialog) -> list[str]:
    return [dialog.slots.item(n).text() for n in range(dialog.slots.count())]


def _type_over(qtbot, box, text: str) -> None:
    box.setFocus()
    qtbot.waitUntil(box.hasFocus)
    qtbot.keyClick(box, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(box, text)
    qtbot.keyClick(box, Qt.Key.Key_Tab)


def test_the_slot_chosen_in_the_list_is_the_one_in_the_boxes_after_a_room_is_chosen(
    shown, qtbot, prompts_recorder, sample
) -> None:
    """Down and Enter on the list took the slot after the proposed one; the focus went on to
    the room, and a room chosen with Down filled the list again with the proposed slot
    chosen in it, while the boxes held the slot taken."""
    page = open_child(shown, qtbot, "sian")
    seen: dict = {}

    def take_then_choose_a_room(dialog) -> bool:
        show_dialog(qtbot, dialog)
        qtbot.waitUntil(dialog.isActiveWindow)
        seen["open"] = (_chosen_slot(dialog), _in_boxes(dialog))
        slots = dialog.slots
        slots.setFocus()
        qtbot.keyClick(slots, Qt.Key.Key_Down)
        qtbot.keyClick(slots, Qt.Key.Key_Return)
        seen["taken"] = (_chosen_slot(dialog), _in_boxes(dialog))
        assert dialog.room.hasFocus()
        qtbot.keyClick(dialog.room, Qt.Key.Key_Down)
        seen["room"] = dialog.room.currentText()
        seen["after"] = (_chosen_slot(dialog), _in_boxes(dialog), _slot_texts(dialog))
        return False

    prompts_recorder.on_dialog = take_then_choose_a_room
    qtbot.keyClick(page.table, Qt.Key.Key_B, CTRL)
    (proposed, _), boxes = seen["open"]
    assert proposed == boxes
    (taken, _), boxes = seen["taken"]
    assert taken == boxes and taken != proposed
    assert seen["room"].startswith("Room A")
    chosen, boxes, listed = seen["after"]
    assert taken in listed  # Room A is free then too
    assert chosen == (taken, [taken]) and boxes == taken


def test_a_date_and_time_typed_choose_the_listed_slot_they_are(
    shown, qtbot, prompts_recorder, sample
) -> None:
    page = open_child(shown, qtbot, "sian")
    seen: dict = {}

    def type_them(dialog) -> bool:
        show_dialog(qtbot, dialog)
        qtbot.waitUntil(dialog.isActiveWindow)
        listed = [dialog.slots.item(n).data(Qt.ItemDataRole.UserRole) for n in range(5)]
        seen["listed"] = _slot_texts(dialog)
        other = next(s for s in listed if s.day != from_qdate(dialog.date.date()))
        _type_over(qtbot, dialog.time, "11:00")  # no slot at 11:00
        seen["time_off"] = (_chosen_slot(dialog), _in_boxes(dialog))
        _type_over(qtbot, dialog.date, other.day.strftime("%d/%m/%Y"))
        seen["day_only"] = (_chosen_slot(dialog), _in_boxes(dialog))
        _type_over(qtbot, dialog.time, f"{other.start:%H:%M}")
        seen["slot"] = (_chosen_slot(dialog), _in_boxes(dialog))
        return False

    prompts_recorder.on_dialog = type_them
    qtbot.keyClick(page.table, Qt.Key.Key_B, CTRL)
    for step in ("time_off", "day_only"):
        chosen, boxes = seen[step]
        assert boxes not in seen["listed"], step
        assert chosen == (None, []), step
    chosen, boxes = seen["slot"]
    assert chosen == (boxes, [boxes]) and boxes in seen["listed"]


def test_rescheduling_chooses_no_slot_until_one_is_taken(
    shown, qtbot, prompts_recorder, sample, db
) -> None:
    """Zoë's review on 11/04/2024 at 10:00, to be moved: the list had the best slot chosen
    while the boxes still held the meeting's own date. Tab into the list takes nothing; the
    arrows and a click take the slot they land on, and that is the one booked."""
    page = open_child(shown, qtbot, "zoe")
    choose_meeting(page, qtbot, sample["zoe_first"])
    seen: dict = {}

    def move_it(dialog) -> bool:
        show_dialog(qtbot, dialog)
        qtbot.waitUntil(dialog.isActiveWindow)
        seen["open"] = (_chosen_slot(dialog), _in_boxes(dialog))
        dialog.reason_note.setFocus()
        qtbot.keyClick(dialog.reason_note, Qt.Key.Key_Tab)
        assert dialog.slots.hasFocus()
        seen["tab"] = (_chosen_slot(dialog), _in_boxes(dialog))
        qtbot.keyClick(dialog.slots, Qt.Key.Key_Down)
        seen["down"] = (_chosen_slot(dialog), _in_boxes(dialog), dialog.slots.item(0).text())
        third = dialog.slots.visualItemRect(dialog.slots.item(2)).center()
        qtbot.mouseClick(dialog.slots.viewport(), Qt.MouseButton.LeftButton, pos=third)
        seen["click"] = (_chosen_slot(dialog), _in_boxes(dialog), dialog.slots.item(2).text())
        dialog.reason.setCurrentIndex(dialog.reason.findText("Room unavailable"))
        press(qtbot, dialog.book_button)
        return dialog.result() == dialog.DialogCode.Accepted

    prompts_recorder.on_dialog = move_it
    qtbot.keyClick(page.table, Qt.Key.Key_R, CTRL)
    assert seen["open"] == ((None, []), "Thu 11/04/2024 at 10:00")
    assert seen["tab"] == seen["open"]
    chosen, boxes, first = seen["down"]
    assert chosen == (first, [first]) and boxes == first
    chosen, boxes, third = seen["click"]
    assert chosen == (third, [third]) and boxes == third
    with db.session() as s:
        m = s.get(Meeting, sample["zoe_first"])
        assert f"{format_uk_long(m.booked_date)} at {m.booked_time:%H:%M}" == third


# --- 3. the keyboard ----------------------------------------------------------------------


def test_tab_leaves_the_case_list_and_the_timeline(shown, qtbot, sample) -> None:
    window = shown
    table = window.cases.list.table
    qtbot.keyClick(window, Qt.Key.Key_2, CTRL)
    table.setFocus()
    table.setCurrentIndex(table.model().index(0, 0))
    qtbot.keyClick(table, Qt.Key.Key_Tab)
    assert table.currentIndex().column() == 0  # not walked along the row
    assert not table.hasFocus()

    page = open_child(window, qtbot, "zoe")
    choose_meeting(page, qtbot, sample["zoe_first"])
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Tab)
    assert page.selected_meeting().id == sample["zoe_first"]
    assert not page.table.hasFocus()


def test_every_meeting_action_has_a_key_listed_under_f1(
    shown, qtbot, prompts_recorder, sample, monkeypatch
) -> None:
    from ui.dialogs.booking import BookingDialog
    from ui.dialogs.cancel import CancelDialog
    from ui.dialogs.child import AllocationDialog, ChildDetailsDialog
    from ui.dialogs.recording import RecordingDialog

    printed = []
    monkeypatch.setattr(
        "ui.documents.make_document", lambda parent, ctx, kind, **kw: printed.append((kind, kw))
    )
    page = open_child(shown, qtbot, "zoe")
    choose_meeting(page, qtbot, sample["zoe_first"])
    page.table.setFocus()
    for key, modifiers, kind in (
        (Qt.Key.Key_R, CTRL, BookingDialog),
        (Qt.Key.Key_X, CTRL | SHIFT, CancelDialog),
        (Qt.Key.Key_O, CTRL, RecordingDialog),
        (Qt.Key.Key_F2, Qt.KeyboardModifier.NoModifier, ChildDetailsDialog),
        (Qt.Key.Key_L, CTRL, AllocationDialog),
    ):
        prompts_recorder.dialogs.clear()
        qtbot.keyClick(page.table, key, modifiers)
        assert [type(d) for d in prompts_recorder.dialogs] == [kind], key
    assert prompts_recorder.dialogs[0].windowTitle().startswith("Allocate")
    qtbot.keyClick(page.table, Qt.Key.Key_P, CTRL | SHIFT)
    assert printed == [("pack", {"meeting_id": sample["zoe_first"]})]

    lines = shown.shortcut_lines()
    for key in ("Ctrl+B", "Ctrl+R", "Ctrl+Shift+X", "Ctrl+O", "Ctrl+Shift+P", "F2", "Ctrl+L"):
        assert any(line.startswith(key + "\t") for line in lines), key
    keys = [line.split("\t")[0] for line in lines if "(" in line.split("\t")[-1]]
    assert len(keys) == len(set(keys)), "no key does two things"
    qtbot.keyClick(shown, Qt.Key.Key_F1)
    assert ("Ctrl+Shift+X", "Cancel the meeting (Child)") in prompts_recorder.dialogs[-1].rows()


def test_down_and_enter_in_the_search_box_reach_the_results(shown, qtbot, sample) -> None:
    window = shown
    listing = window.cases.list
    qtbot.keyClick(window, Qt.Key.Key_F, CTRL)
    qtbot.keyClicks(listing.search, "zoe")
    qtbot.waitUntil(lambda: listed(window) == {sample["zoe"]}, timeout=10000)
    qtbot.keyClick(listing.search, Qt.Key.Key_Down)
    assert listing.table.hasFocus() and listing.table.currentIndex().row() == 0
    qtbot.keyClick(listing.table, Qt.Key.Key_Return)  # and Enter opens the child
    assert window.cases.stack.currentWidget() is window.cases.child
    assert window.cases.child.child_id == sample["zoe"]

    qtbot.keyClick(window, Qt.Key.Key_F, CTRL)
    listing.search.clear()
    qtbot.keyClicks(listing.search, "llewelyn")
    qtbot.keyClick(listing.search, Qt.Key.Key_Return)
    assert listing.table.hasFocus()
    assert listing.model.child_id(listing.table.currentIndex().row()) == sample["sian_child"]


def test_a_date_box_takes_a_date_typed_after_a_click_or_select_all(
    shown, qtbot, prompts_recorder, sample
) -> None:
    page = open_child(shown, qtbot, "zoe")
    choose_meeting(page, qtbot, sample["zoe_first"])
    typed = {}

    def type_dates(dialog) -> bool:
        show_dialog(qtbot, dialog)
        box = dialog.date
        qtbot.mouseClick(box.lineEdit(), Qt.MouseButton.LeftButton)
        qtbot.wait(20)
        qtbot.keyClicks(box, "23042024")
        typed["click"] = from_qdate(box.date())
        qtbot.keyClick(box, Qt.Key.Key_A, CTRL)
        qtbot.keyClicks(box, "16/04/2024")
        typed["select_all"] = from_qdate(box.date())
        qtbot.keyClick(box, Qt.Key.Key_A, CTRL)
        qtbot.keyClicks(box, "1/5/24")
        qtbot.keyClick(box, Qt.Key.Key_Tab)  # a short date is taken when the box is left
        typed["short"] = from_qdate(box.date())
        return False

    prompts_recorder.on_dialog = type_dates
    qtbot.keyClick(page.table, Qt.Key.Key_R, CTRL)
    assert typed == {"click": D(2024, 4, 23), "select_all": D(2024, 4, 16), "short": D(2024, 5, 1)}


# --- 4. closure days ----------------------------------------------------------------------


def test_a_closure_day_added_in_settings_is_used_at_once(
    shown, qtbot, prompts_recorder, sample
) -> None:
    window = shown
    closed = D(2024, 4, 23)  # a Tuesday, the free slot closest before Zoë's book-by date
    qtbot.keyClick(window, Qt.Key.Key_5, CTRL)
    settings = window.settings_page
    settings.closure_date.setFocus()
    qtbot.keyClick(settings.closure_date, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(settings.closure_date, "23/04/2024")
    settings.closure_text.clear()
    qtbot.keyClicks(settings.closure_text, "Staff training day")
    press(qtbot, settings.add_closure)
    assert prompts_recorder.errors == []
    assert not window.ctx.calendar.is_working_day(closed)

    page = open_child(window, qtbot, "zoe")
    offered = {}

    def look(dialog) -> bool:
        slots = [dialog.slots.item(n).data(Qt.ItemDataRole.UserRole) for n in range(5)]
        offered["days"] = {slot.day for slot in slots if slot is not None}
        dialog.date.setDate(closed)
        offered["warnings"] = dialog.warnings.text()
        return False

    prompts_recorder.on_dialog = look
    qtbot.keyClick(page.table, Qt.Key.Key_B, CTRL)
    assert offered["days"] and closed not in offered["days"]
    assert "Staff training day" in offered["warnings"]

    qtbot.keyClick(window, Qt.Key.Key_5, CTRL)  # the region changes the bank holidays
    settings.region.setCurrentIndex(settings.region.findData("scotland"))
    press(qtbot, settings.save_button)
    assert prompts_recorder.errors == []
    assert window.ctx.calendar.region == "scotland"
    assert not window.ctx.calendar.is_working_day(D(2024, 1, 2))  # 2 January in Scotland


# --- 5. the window's size -----------------------------------------------------------------


@pytest.mark.parametrize(
    "screen",
    [
        QRect(0, 0, 1366, 728),  # 1366x768 less a 40 px panel
        QRect(0, 0, 683, 364),  # the same at QT_SCALE_FACTOR=2: the pages scroll
    ],
    ids=["1366x768", "scale-2"],
)
def test_the_window_fits_a_1366x768_screen(ctx, qtbot, tmp_path, monkeypatch, screen) -> None:
    SCREEN = screen
    from PySide6.QtCore import QSettings

    import ui.screen
    from reviewdesk.actions import set_closure_day
    from ui.main_window import MainWindow

    monkeypatch.setattr(ui.screen, "available", lambda widget=None: QRect(SCREEN))
    # One long line in the diary (a closure day's description) once stretched the window.
    long_line = "Council closed for the move to the new offices " * 4
    set_closure_day(ctx.db, ctx.actor, D(2024, 4, 12), long_line, expected_version=0)
    ctx.reload_calendar()
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(ctx, settings=settings)
    qtbot.addWidget(window)
    window.load_initial_data()
    window.show()
    qtbot.waitExposed(window)
    for n in range(5):
        qtbot.keyClick(window, getattr(Qt.Key, f"Key_{n + 1}"), CTRL)
        QApplication.processEvents()
        assert window.minimumSizeHint().width() <= SCREEN.width(), window.current_page()
        assert window.minimumSizeHint().height() <= SCREEN.height(), window.current_page()
    assert window.width() <= SCREEN.width() and window.height() <= SCREEN.height()
    assert SCREEN.contains(window.geometry())
    assert window.statusBar().isVisible()

    # A size saved on a bigger screen (or at scale 2) comes back on this one, shrunk.
    window.setGeometry(300, 200, 2800, 1800)
    window.save_layout()
    window.close()
    again = MainWindow(ctx, settings=settings)
    qtbot.addWidget(again)
    assert again.width() <= SCREEN.width() and again.height() <= SCREEN.height()
    assert SCREEN.contains(again.geometry())


# --- 6. closed cases ----------------------------------------------------------------------


def test_nothing_is_offered_for_a_closed_case_nor_an_initial_conference_without_s47(
    shown, qtbot, prompts_recorder, sample
) -> None:
    window = shown
    window.open_child(sample["closed"])  # left care in 2023
    page = window.cases.child
    page.table.setFocus()
    assert not page.book_button.isEnabled()
    assert "Nothing to book" in page.book_button.toolTip()
    qtbot.keyClick(page.table, Qt.Key.Key_B, CTRL)
    assert prompts_recorder.dialogs == []

    page.back_button.click()
    page = open_child(window, qtbot, "wisniewski")  # on a CP plan; the s47 closed in 2023
    offered = {}

    def look(dialog) -> bool:
        offered["types"] = [
            dialog.meeting_type.itemData(n) for n in range(dialog.meeting_type.count())
        ]
        return False

    prompts_recorder.on_dialog = look
    qtbot.keyClick(page.table, Qt.Key.Key_B, CTRL)
    assert offered["types"] and "icpc" not in offered["types"]


# --- 7. printing and saving ---------------------------------------------------------------


def test_printing_to_file_with_the_suggested_name(shown, qtbot, prompts_recorder, tmp_path):
    from ui.print_preview import open_previews

    window = shown
    qtbot.keyClick(window, Qt.Key.Key_P, CTRL)  # the weekly schedule of the diary's week
    qtbot.waitUntil(lambda: bool(open_previews() or prompts_recorder.errors), timeout=30000)
    (preview,) = open_previews()
    qtbot.waitUntil(lambda: preview.pages is not None, timeout=10000)
    written = {}

    def print_to_file(dialog) -> bool:
        printer = dialog.printer()
        # What the print dialog suggests for "Print to file": its document name, in a folder.
        written["path"] = tmp_path / f"{printer.docName()}.pdf"
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(written["path"]))
        printer.setResolution(100)
        return True

    prompts_recorder.on_dialog = print_to_file
    with qtbot.waitSignal(preview.printed, timeout=60000):
        preview.print_action.trigger()
    assert prompts_recorder.errors == []
    assert "/" not in written["path"].name and "08-04-2024" in written["path"].name
    assert written["path"].read_bytes().startswith(b"%PDF")
    preview.close()


def test_save_dialogs_start_in_the_documents_folder(window, monkeypatch, tmp_path) -> None:
    from PySide6.QtCore import QStandardPaths
    from PySide6.QtWidgets import QFileDialog

    from ui.prompts import Prompts, set_prompts

    asked = []
    monkeypatch.setattr(
        QFileDialog,
        "getSaveFileName",
        staticmethod(lambda parent, title, where, pattern: (asked.append(where), ("", ""))[1]),
    )
    previous = set_prompts(Prompts())
    try:
        window.export_cases()
    finally:
        set_prompts(previous)
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    folder = documents if documents and Path(documents).is_dir() else str(Path.home())
    assert asked == [str(Path(folder) / f"cases-{AS_OF.isoformat()}.xlsx")]
    assert Path(asked[0]).is_absolute() and not asked[0].startswith(str(Path.cwd()) + "/cases")


# --- 8. completing a child imported from a 903 return -------------------------------------


def test_an_imported_child_is_completed_from_the_keyboard(
    shown, qtbot, prompts_recorder, sample, db
) -> None:
    with db.session() as s:  # what a 903 import leaves: an ID and a period, nobody allocated
        child = Child(local_id="903-4417", dob=D(2013, 3, 3))
        s.add(child)
        s.flush()
        s.add(PeriodOfCare(child_id=child.id, start=D(2024, 1, 8)))
        child_id = child.id
    with db.session() as s:
        codes = {f.code for f in compute_flags(s, as_of=AS_OF, child_ids=[child_id])}
    assert {"iro_not_allocated", "iro_service_not_notified"} <= codes
    shown.refresh_all()
    page = open_child(shown, qtbot, "903-4417")
    assert page.missing.isVisibleTo(shown)
    assert "name" in page.missing.text() and "IRO" in page.missing.text()

    def details(dialog) -> bool:
        show_dialog(qtbot, dialog)
        qtbot.keyClicks(dialog.first_name, "Ffion")
        qtbot.keyClick(dialog.first_name, Qt.Key.Key_Tab)
        qtbot.keyClicks(dialog.last_name, "Murphy")
        dialog.dob.edit.setFocus()
        qtbot.keyClick(dialog.dob.edit, Qt.Key.Key_A, CTRL)
        qtbot.keyClicks(dialog.dob.edit, "04/03/2013")  # the return had it a day out
        qtbot.keyClick(dialog.dob.edit, Qt.Key.Key_Tab)
        press(qtbot, dialog.save_button)
        return dialog.result() == dialog.DialogCode.Accepted

    prompts_recorder.on_dialog = details
    qtbot.keyClick(page.table, Qt.Key.Key_F2)
    assert prompts_recorder.errors == []
    assert page.heading.text().startswith("Ffion Murphy")
    assert page.detail.dob == D(2013, 3, 4)

    def allocate(dialog) -> bool:
        show_dialog(qtbot, dialog)
        for combo, name in (
            (dialog.team, "South Team"),
            (dialog.social_worker, "Zoë Clarke"),
            (dialog.iro, "Łukasz Nowak"),
        ):
            combo.setFocus()
            combo.setCurrentIndex(combo.findText(name))
        dialog.notified.check.setChecked(True)
        dialog.notified.edit.setFocus()
        qtbot.keyClick(dialog.notified.edit, Qt.Key.Key_A, CTRL)
        qtbot.keyClicks(dialog.notified.edit, "09/01/2024")
        qtbot.keyClick(dialog.notified.edit, Qt.Key.Key_Tab)
        press(qtbot, dialog.save_button)
        return dialog.result() == dialog.DialogCode.Accepted

    prompts_recorder.on_dialog = allocate
    qtbot.keyClick(page.table, Qt.Key.Key_L, CTRL)
    assert prompts_recorder.errors == []
    assert not page.missing.isVisibleTo(shown)
    page.tabs.tabBar().setFocus()
    qtbot.keyClick(page.tabs.tabBar(), Qt.Key.Key_Right)  # the Allocations tab, filled now
    assert page.tabs.currentWidget() is page.allocations
    assert page.allocations.rowCount() >= 3  # team, social worker, IRO
    with db.session() as s:
        codes = {f.code for f in compute_flags(s, as_of=AS_OF, child_ids=[child_id])}
        period = s.query(PeriodOfCare).filter_by(child_id=child_id).one()
        assert (period.iro_id, period.iro_notified) == (sample["lukasz"], D(2024, 1, 9))
    assert "iro_not_allocated" not in codes and "iro_service_not_notified" not in codes


# --- the confusing parts ------------------------------------------------------------------


def test_an_overdue_meeting_offers_the_earliest_free_slots(
    shown, qtbot, prompts_recorder, sample
) -> None:
    """Łukasz's review conference was due 20/03/2024 and is not held by 10/04: no past date
    to book by, and the slots start from today."""
    page = open_child(shown, qtbot, "wisniewski")
    assert "overdue since" in page.explanation.toPlainText()
    seen = {}

    def look(dialog) -> bool:
        seen["book_by"] = dialog.book_by_label.text()
        seen["title"] = dialog.slots_title.text()
        slots = [dialog.slots.item(n).data(Qt.ItemDataRole.UserRole) for n in range(5)]
        seen["days"] = [slot.day for slot in slots if slot is not None]
        seen["date"] = from_qdate(dialog.date.date())
        return False

    prompts_recorder.on_dialog = look
    qtbot.keyClick(page.table, Qt.Key.Key_B, CTRL)
    assert "overdue: book the earliest date you can" in seen["book_by"]
    assert seen["title"].startswith("The meeting is overdue. Earliest")
    assert seen["days"] and seen["days"] == sorted(seen["days"]) and seen["days"][0] >= AS_OF
    assert seen["date"] == seen["days"][0]  # the date box starts on the earliest


def test_cancelling_names_the_meeting_and_rescheduling_keeps_its_history(
    shown, qtbot, prompts_recorder, sample, db
) -> None:
    page = open_child(shown, qtbot, "zoe")
    choose_meeting(page, qtbot, sample["zoe_first"])
    page.table.setFocus()
    asked = {}

    def keep(dialog) -> bool:
        asked["title"] = dialog.windowTitle()
        asked["reasons"] = [dialog.reason.itemText(n) for n in range(dialog.reason.count())]
        asked["enter_keeps"] = dialog.keep_button.isDefault()
        return False

    prompts_recorder.on_dialog = keep
    qtbot.keyClick(page.table, Qt.Key.Key_X, CTRL | SHIFT)
    assert "Zoë Ó Briain" in asked["title"] and "11/04/2024" in asked["title"]
    assert "Booked in error" in asked["reasons"] and asked["enter_keeps"]

    def move(dialog) -> bool:
        show_dialog(qtbot, dialog)
        dialog.date.setFocus()
        qtbot.keyClick(dialog.date, Qt.Key.Key_A, CTRL)
        qtbot.keyClicks(dialog.date, "16/04/2024")
        dialog.reason.setCurrentIndex(dialog.reason.findText("Room unavailable"))
        press(qtbot, dialog.book_button)
        return dialog.result() == dialog.DialogCode.Accepted

    prompts_recorder.on_dialog = move
    qtbot.keyClick(page.table, Qt.Key.Key_R, CTRL)
    assert prompts_recorder.errors == []
    choose_meeting(page, qtbot, sample["zoe_first"])
    assert "Moved from 11/04/2024 10:00 to 16/04/2024 10:00" in page.explanation.toPlainText()
    assert "Room unavailable" in page.explanation.toPlainText()


def test_a_meeting_held_on_a_sunday_asks_first(shown, qtbot, prompts_recorder, sample, db):
    page = open_child(shown, qtbot, "zoe")
    choose_meeting(page, qtbot, sample["zoe_first"])
    page.table.setFocus()
    seen = {}

    def sunday(dialog) -> bool:
        show_dialog(qtbot, dialog)
        dialog.held.setFocus()
        qtbot.keyClick(dialog.held, Qt.Key.Key_A, CTRL)
        qtbot.keyClicks(dialog.held, "07/04/2024")
        qtbot.keyClick(dialog.held, Qt.Key.Key_Tab)
        seen["note"] = dialog.day_note.text() if dialog.day_note.isVisibleTo(dialog) else ""
        prompts_recorder.confirm_answer = False
        dialog.save()
        return dialog.result() == dialog.DialogCode.Accepted

    prompts_recorder.on_dialog = sunday
    qtbot.keyClick(page.table, Qt.Key.Key_O, CTRL)
    assert "Sun 07/04/2024 is not a working day" in seen["note"]
    assert prompts_recorder.defaults_no == [True]
    assert "Save the meeting as held then anyway?" in prompts_recorder.questions[0]
    assert meetings_of(db, sample["zoe"])[0].status == "booked"  # not saved


def test_as_of_another_day_is_shown_and_read_only(shown, qtbot, prompts_recorder, sample):
    window = shown
    prompts_recorder.text_answer = "27/03/2024"
    window.as_of_action.trigger()
    assert window.as_of_bar.isVisibleTo(window)
    page = open_child(window, qtbot, "zoe")
    assert not page.book_button.isEnabled() and not page.edit_button.isEnabled()
    qtbot.keyClick(page.table, Qt.Key.Key_B, CTRL)
    assert prompts_recorder.dialogs == []
    press(qtbot, window.as_of_back)
    assert not window.as_of_bar.isVisibleTo(window) and window.ctx.as_of == AS_OF
    assert page.book_button.isEnabled()


def test_a_tiles_list_says_why_each_child_is_on_it(shown, qtbot, sample) -> None:
    window = shown
    qtbot.keyClick(window, Qt.Key.Key_1, CTRL)
    qtbot.waitUntil(lambda: bool(window.dashboard.tile_children), timeout=10000)
    press(qtbot, window.dashboard.tiles["overdue"])
    qtbot.waitUntil(lambda: listed(window) == {sample["lukasz_child"]}, timeout=10000)
    table = window.cases.list.table
    table.setFocus()
    table.setCurrentIndex(table.model().index(0, 0))
    assert window.cases.list.why.text().startswith("Why listed: ")
    assert "20/03/2024" in window.cases.list.why.text()


def test_tab_leaves_every_table_in_the_window(window) -> None:
    """Tab never walks a table cell by cell: the arrows move in it, Tab moves on (#17)."""
    from PySide6.QtWidgets import QTableView

    for n in range(5):
        window.show_page(n)
    window.open_child(window.cases.list.model.child_id(0))
    tables = window.findChildren(QTableView)
    assert len(tables) >= 8
    walking = [t.accessibleName() for t in tables if t.tabKeyNavigation()]
    assert walking == []


def test_find_and_book_with_the_keyboard_alone(shown, qtbot, prompts_recorder, sample, db):
    """Ctrl+F, the name, Enter, Enter, Ctrl+B, a date typed, a room and clerk chosen with
    the arrows, Space on Book: booked, and the new meeting selected on the timeline."""
    window = shown
    qtbot.keyClick(window, Qt.Key.Key_F, CTRL)
    search = window.cases.list.search
    qtbot.keyClicks(search, "llewelyn")
    qtbot.keyClick(search, Qt.Key.Key_Return)  # to the results
    qtbot.keyClick(window.cases.list.table, Qt.Key.Key_Return)  # open the child
    page = window.cases.child
    assert page.child_id == sample["sian_child"]
    before = {m.id for m in meetings_of(db, sample["sian_child"])}

    invitations: list = []

    def book(dialog) -> bool:
        if isinstance(dialog, InvitationsDialog):  # booked: straight on to its invitations
            invitations.append(dialog.meeting_id)
            show_dialog(qtbot, dialog)
            qtbot.waitUntil(dialog.isActiveWindow)
            qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # closed with the keyboard too
            assert not dialog.isVisible()
            return False
        show_dialog(qtbot, dialog)
        dialog.date.setFocus()
        qtbot.keyClick(dialog.date, Qt.Key.Key_A, CTRL)
        qtbot.keyClicks(dialog.date, "02/05/2024")
        qtbot.keyClick(dialog.date, Qt.Key.Key_Tab)
        for combo in (dialog.room, dialog.clerk):
            combo.setFocus()
            qtbot.keyClick(combo, Qt.Key.Key_Down)  # the first room, the first clerk
        dialog.book_button.setFocus()  # Tab on to it
        qtbot.keyClick(dialog.book_button, Qt.Key.Key_Space)
        return dialog.result() == dialog.DialogCode.Accepted

    prompts_recorder.on_dialog = book
    qtbot.keyClick(page.table, Qt.Key.Key_B, CTRL)
    assert prompts_recorder.errors == []
    # The one question: her review is booked already (a second date, asked, Yes by hand).
    (question,) = prompts_recorder.questions
    assert "already booked for 11/04/2024" in question and "after the due date" not in question
    new = [m for m in meetings_of(db, sample["sian_child"]) if m.id not in before]
    assert len(new) == 1
    assert invitations == [new[0].id]
    assert (new[0].booked_date, new[0].room_id, new[0].clerk_id) == (
        D(2024, 5, 2),
        sample["room_a"],
        sample["sian"],
    )
    assert page.selected_meeting().id == new[0].id


def test_the_recording_dialog_s_fields_each_have_an_alt_key(
    shown, qtbot, prompts_recorder, sample
) -> None:
    page = open_child(shown, qtbot, "zoe")
    choose_meeting(page, qtbot, sample["zoe_first"])
    page.table.setFocus()
    reached = {}

    def walk(dialog) -> bool:
        dialog.show()
        qtbot.waitExposed(dialog)
        dialog.activateWindow()
        qtbot.waitUntil(dialog.isActiveWindow)
        for key, field in (
            (Qt.Key.Key_O, dialog.outcome),
            (Qt.Key.Key_P, dialog.participation),
            (Qt.Key.Key_M, dialog.minutes.check),
            (Qt.Key.Key_D, dialog.decisions.check),
            (Qt.Key.Key_H, dialog.held),
        ):
            qtbot.keyClick(dialog, key, Qt.KeyboardModifier.AltModifier)
            focused = QApplication.focusWidget()
            reached[key] = focused is field or field.isAncestorOf(focused)
        # A check box's own key ticks it (a button's key clicks it after 100 ms).
        qtbot.keyClick(dialog, Qt.Key.Key_W, Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(dialog.two_parts.isChecked)
        reached["two parts"] = dialog.second_part.isEnabled()
        # (No Alt+Q: "Quorate" is a conference's question, not on a LAC review's form.)
        reached["no quorate"] = not dialog.quorate.isVisibleTo(dialog)
        return False

    prompts_recorder.on_dialog = walk
    qtbot.keyClick(page.table, Qt.Key.Key_O, CTRL)
    assert reached and all(reached.values()), reached


def test_cancelling_a_cp_conference_offers_only_reasons_that_fit_it(
    shown, qtbot, prompts_recorder, sample
) -> None:
    """Ctrl+Shift+X on a review conference offered "Child no longer looked after"; on a
    LAC review, "Child protection plan ended"."""
    offered = {}

    def reasons(dialog) -> bool:
        combo = dialog.reason
        offered[dialog.meeting.process] = [combo.itemText(i) for i in range(1, combo.count())]
        return False

    prompts_recorder.on_dialog = reasons
    for name, meeting in (("lukasz", "rcpc"), ("zoe", "zoe_first")):
        page = open_child(shown, qtbot, name)
        choose_meeting(page, qtbot, sample[meeting])
        page.table.setFocus()
        qtbot.keyClick(page.table, Qt.Key.Key_X, CTRL | SHIFT)
        qtbot.keyClick(page.table, Qt.Key.Key_Escape)
    assert "Child no longer looked after" not in offered["cp"]
    assert "Child protection plan ended" in offered["cp"]
    assert "Child no longer looked after" in offered["lac"]
    assert "Child protection plan ended" not in offered["lac"]
    assert "Booked in error" in offered["cp"] and "Booked in error" in offered["lac"]


def test_the_outcome_and_invitations_dialogs_name_the_meeting_as_everywhere_else(
    shown, qtbot, prompts_recorder, sample
) -> None:
    """Ctrl+O and Alt+N on Łukasz's first review conference: the dialogs were titled
    "Record 1st review — …" and "…: 1st review, 14/03/2024" (the type's short name, "Initial"
    for an initial conference), where the timeline, the prompts and the documents say
    "1st review CP conference"."""
    page = open_child(shown, qtbot, "lukasz")
    choose_meeting(page, qtbot, sample["rcpc"])
    page.table.setFocus()
    titles = []

    def title(dialog) -> bool:
        titles.append(dialog.windowTitle())
        return False

    prompts_recorder.on_dialog = title
    qtbot.keyClick(page.table, Qt.Key.Key_O, CTRL)
    qtbot.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    assert titles == [
        "Record 1st review CP conference — Łukasz Wiśniewski",
        "Invitations and reports: Łukasz Wiśniewski: 1st review CP conference, 14/03/2024",
    ]


def test_a_lac_reviews_consultation_is_recorded_sent_and_its_flag_goes(
    shown, qtbot, prompts_recorder, sample, db
) -> None:
    """Zoë's first LAC review: the dashboard's "Other things to check" said her
    consultation was due to be sent by 26/03/2024 and had not been, and nothing in the
    window could record that it was. Alt+N, Alt+O, Space, the date typed, Save."""

    def consultation_flags() -> set[dt.date]:
        with db.session() as s:
            flags = compute_flags(s, as_of=AS_OF, child_ids=[sample["zoe"]])
        return {f.date for f in flags if f.code == "consultation_late"}

    assert consultation_flags() == {D(2024, 3, 26)}
    page = open_child(shown, qtbot, "zoe")
    choose_meeting(page, qtbot, sample["zoe_first"])
    page.table.setFocus()
    seen = {}

    def record(dialog) -> bool:
        if not isinstance(dialog, InvitationsDialog):
            return False
        show_dialog(qtbot, dialog)
        qtbot.waitUntil(dialog.isActiveWindow)  # its Alt keys reach it only then
        seen["row"] = dialog.consultation_row.isVisibleTo(dialog)
        seen["due"] = dialog.consultation_due.text()
        qtbot.keyClick(dialog, Qt.Key.Key_O, Qt.KeyboardModifier.AltModifier)
        seen["focus"] = QApplication.focusWidget() is dialog.consultation.check
        qtbot.keyClick(dialog.consultation.check, Qt.Key.Key_Space)
        edit = dialog.consultation.edit
        edit.setFocus()
        qtbot.keyClick(edit, Qt.Key.Key_A, CTRL)
        qtbot.keyClicks(edit, "20/03/2024")
        press(qtbot, dialog.save_consultation_button)
        seen["after"] = (dialog.consultation.value(), dialog.consultation.check.isChecked())
        return True

    prompts_recorder.on_dialog = record
    qtbot.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    assert prompts_recorder.errors == []
    assert seen["row"] and seen["due"] == "due by 26/03/2024" and seen["focus"]
    assert seen["after"] == (D(2024, 3, 20), True)
    with db.session() as s:
        assert s.get(Meeting, sample["zoe_first"]).consultation_sent == D(2024, 3, 20)
    assert consultation_flags() == set()


def test_a_cp_conference_asks_for_no_consultation(shown, qtbot, prompts_recorder, sample) -> None:
    page = open_child(shown, qtbot, "lukasz")
    choose_meeting(page, qtbot, sample["rcpc"])
    page.table.setFocus()
    seen = []
    prompts_recorder.on_dialog = lambda d: seen.append(d.consultation_row.isVisibleTo(d))
    qtbot.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    assert seen == [False]


# --- the chair proposed when only one can chair -------------------------------------------


@pytest.fixture
def awaiting_conference(db, sample) -> int:
    """Ffion Hughes, whose s47 enquiry's strategy discussion was on 03/04/2024: her initial
    conference is due, and she has no plan or IRO whose chair it would be."""
    from reviewdesk.storage.models import CpEnquiry

    with db.session() as s:
        child = Child(local_id="C0005", first_name="Ffion", last_name="Hughes", dob=D(2019, 7, 1))
        s.add(child)
        s.flush()
        s.add(CpEnquiry(child_id=child.id, route="s47", strategy_date=D(2024, 4, 3)))
        return child.id


def test_the_only_cp_chair_is_proposed_for_a_conference_and_no_one_of_several(
    awaiting_conference, shown, qtbot, prompts_recorder, sample, db
) -> None:
    """Booking Ffion's initial conference (Ctrl+B) proposed "Chair not yet allocated" though
    Máire Ó Briain is the council's only CP chair: the clerk had to choose her every time.
    Now the only one who chairs that type is proposed; with a second CP chair, no one is."""
    from reviewdesk.storage.models import Staff

    page = open_child(shown, qtbot, "ffion")
    seen: list[tuple[str, str]] = []

    def read_proposal(dialog) -> bool:
        show_dialog(qtbot, dialog)
        seen.append((dialog.meeting_type.currentText(), dialog.chair.currentText()))
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # closed without booking
        return False

    prompts_recorder.on_dialog = read_proposal
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_B, CTRL)
    assert seen == [("Initial CP conference", "Máire Ó Briain")]
    with db.session() as s:
        s.add(Staff(name="Ruth Ó Néill", role="cp_chair", fte=1.0))
    qtbot.keyClick(page.table, Qt.Key.Key_B, CTRL)
    assert seen[1] == ("Initial CP conference", "Chair not yet allocated")
    assert len(meetings_of(db, awaiting_conference)) == 0  # nothing was booked
