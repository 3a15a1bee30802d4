"""Something typed into a date box that is not a date is never saved as the date the box had.

An administrator typed "31/02/2024" into a booking's date and pressed Tab: the box quietly put
back the date it showed before, and Book booked the meeting on that day, which nobody chose.
Now the box keeps what was typed, in red, says why ("31/02/2024  ⚠ not a date" once left),
and no save goes through until it is a date: Tab, Enter, Alt+S and a click on Book each
replayed here.
"""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from tests.ui.driving import on_screen
from tests.ui.test_changes import choose_meeting, open_child, press
from tests.ui.test_clerks_day import meetings_of, show_dialog
from ui.dialogs import from_qdate

D = dt.date
CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


@pytest.fixture
def shown(window, qtbot):
    on_screen(window, qtbot)
    qtbot.waitUntil(lambda: window.cases.list.model.rowCount() > 0, timeout=10000)
    return window


def _type_over(qtbot, box, text: str) -> None:
    box.setFocus()
    qtbot.waitUntil(box.hasFocus)
    qtbot.keyClick(box, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(box, text)


def book_for_sian(shown, qtbot, prompts_recorder, db, sample, work) -> list:
    """Ctrl+B on Siân Llewelyn's page, as a clerk books: ``work(dialog, booked)`` runs in the
    booking dialog once it is active (``booked()``: the ids of what it has booked so far);
    the meetings booked in the end. The invitations that follow a booking stay closed."""
    page = open_child(shown, qtbot, "llewelyn")
    child = sample["sian_child"]
    before = {m.id for m in meetings_of(db, child)}

    def booked() -> set[int]:
        return {m.id for m in meetings_of(db, child)} - before

    def book(dialog) -> bool:
        if not hasattr(dialog, "book_button"):
            return False  # the invitations that follow a booking
        show_dialog(qtbot, dialog)
        qtbot.waitUntil(dialog.isActiveWindow)
        work(dialog, booked)
        return dialog.result() == dialog.DialogCode.Accepted

    prompts_recorder.on_dialog = book
    qtbot.keyClick(page.table, Qt.Key.Key_B, CTRL)
    ids = booked()
    return [m for m in meetings_of(db, child) if m.id in ids]


def test_a_booking_over_a_date_that_is_not_one_books_nothing_until_it_is_retyped(
    shown, qtbot, prompts_recorder, sample, db
) -> None:
    seen: dict = {}

    def book(dialog, booked) -> None:
        box = dialog.date
        shown_before = from_qdate(box.date())
        _type_over(qtbot, box, "31/02/2024")
        qtbot.keyClick(box, Qt.Key.Key_Tab)  # moved on: it stays, in red, and says why
        seen["left"] = (box.lineEdit().text(), box.wrong_typed, "not a date" in box.toolTip())
        seen["checks"] = dialog.warnings.text()  # (not "✓ In time…" for the date it had)
        press(qtbot, dialog.book_button)  # Book: refused, nothing asked, nothing booked
        seen["booked_after_click"] = booked()
        seen["errors"] = list(prompts_recorder.errors)
        seen["questions"] = list(prompts_recorder.questions)
        seen["focus"] = box.hasFocus()
        seen["still_shown"] = (box.lineEdit().text(), box.lineEdit().selectedText())
        qtbot.keyClick(box, Qt.Key.Key_Return)  # Enter over it books nothing either
        seen["open_after_enter"] = dialog.isVisible() and dialog.result() == 0
        seen["date_kept"] = from_qdate(box.date()) == shown_before
        _type_over(qtbot, box, "02/05/2024")  # retyped as a date: red gone, Book books
        qtbot.keyClick(box, Qt.Key.Key_Tab)
        seen["mended"] = (box.wrong_typed, box.styleSheet())
        seen["checks_after"] = dialog.warnings.text()
        press(qtbot, dialog.book_button)

    new = book_for_sian(shown, qtbot, prompts_recorder, db, sample, book)
    assert seen["left"] == ("31/02/2024  \u26a0 not a date", "31/02/2024", True)
    assert seen["checks"] == (
        "\u26a0 Meeting date: \u201c31/02/2024\u201d is not a date. Type it as dd/mm/yyyy, "
        "for example 07/04/2025."
    )
    assert "31/02/2024" not in seen["checks_after"]
    assert seen["booked_after_click"] == set()
    assert seen["errors"] == [
        "Nothing was saved. Meeting date: \u201c31/02/2024\u201d is not a date. "
        "Type it as dd/mm/yyyy, for example 07/04/2025."
    ]
    assert seen["questions"] == []  # no question about the old date before the refusal
    assert seen["focus"]  # the keyboard is back on the box, to retype it
    assert seen["still_shown"] == ("31/02/2024", "31/02/2024")  # selected: typing replaces it
    assert seen["open_after_enter"] and seen["date_kept"]
    assert seen["mended"] == (None, "")
    assert [m.booked_date for m in new] == [D(2024, 5, 2)]


def test_a_time_typed_as_2pm_is_booked_at_two_in_the_afternoon(
    shown, qtbot, prompts_recorder, sample, db
) -> None:
    """Qt's time box took "2pm" typed over the proposed 09:30 as 02:30 (the hour typed over,
    "pm" dropped): now it is 14:00, booked without a question about the time."""
    seen: dict = {}

    def book(dialog, _booked) -> None:
        _type_over(qtbot, dialog.date, "02/05/2024")
        qtbot.keyClick(dialog.date, Qt.Key.Key_Tab)  # on to the time, selected to type over
        qtbot.wait(20)
        qtbot.keyClicks(dialog.time, "2pm")
        qtbot.keyClick(dialog.time, Qt.Key.Key_Tab)
        seen["time"] = (dialog.time.time().toString("HH:mm"), dialog.time.lineEdit().text())
        press(qtbot, dialog.book_button)

    new = book_for_sian(shown, qtbot, prompts_recorder, db, sample, book)
    assert seen["time"] == ("14:00", "14:00")
    assert prompts_recorder.errors == []
    # (Asked only what any booking on Siân's page is asked: her review booked already, no room.)
    assert not any("hours" in q or "mark" in q for q in prompts_recorder.questions)
    assert [(m.booked_date, m.booked_time) for m in new] == [(D(2024, 5, 2), dt.time(14, 0))]


def test_a_time_that_is_not_one_books_nothing_until_it_is_retyped(
    shown, qtbot, prompts_recorder, sample, db
) -> None:
    """Qt's box took "9:3" as 09:03; now it stays in the box, in red, and Book is refused
    naming it, until a time is typed."""
    seen: dict = {}

    def book(dialog, booked) -> None:
        box = dialog.time
        _type_over(qtbot, dialog.date, "02/05/2024")
        qtbot.keyClick(dialog.date, Qt.Key.Key_Tab)
        qtbot.wait(20)
        qtbot.keyClicks(box, "9:3")
        qtbot.keyClick(box, Qt.Key.Key_Tab)
        seen["left"] = (box.lineEdit().text(), box.wrong_typed, box.time().toString("HH:mm"))
        press(qtbot, dialog.book_button)
        seen["booked"] = booked()
        seen["errors"] = list(prompts_recorder.errors)
        seen["focus"] = box.hasFocus()
        qtbot.keyClicks(box, "9:30")  # retyped over it (still selected)
        press(qtbot, dialog.book_button)

    new = book_for_sian(shown, qtbot, prompts_recorder, db, sample, book)
    assert seen["left"] == ("9:3  \u26a0 not a time", "9:3", "09:30")
    assert seen["booked"] == set() and seen["focus"]
    assert seen["errors"] == [
        "Nothing was saved. Start time: \u201c9:3\u201d is not a time. "
        "Type it as hh:mm on the 24-hour clock, for example 14:30 (or 2:30pm)."
    ]
    assert [(m.booked_date, m.booked_time) for m in new] == [(D(2024, 5, 2), dt.time(9, 30))]


@pytest.mark.parametrize(
    ("typed", "asked"),
    [
        # "1" meaning 1 pm: the 24-hour clock's 01:00.
        ("1", "The meeting is 01:00–02:30, outside the usual hours 08:00–18:30"),
        ("9:03", "The meeting starts at 09:03, not on a 5-minute mark: check the time"),
    ],
    ids=["1", "9:03"],
)
def test_a_time_that_may_be_a_slip_is_asked_about_before_booking(
    shown, qtbot, prompts_recorder, sample, db, typed, asked
) -> None:
    """A time that is one, but not one a meeting is likely to start at, is asked about,
    naming it, before it is booked."""
    prompts_recorder.confirm_answer = False  # No: back to the form

    def book(dialog, _booked) -> None:
        _type_over(qtbot, dialog.date, "02/05/2024")
        qtbot.keyClick(dialog.date, Qt.Key.Key_Tab)
        qtbot.wait(20)
        qtbot.keyClicks(dialog.time, typed)
        qtbot.keyClick(dialog.time, Qt.Key.Key_Tab)
        press(qtbot, dialog.book_button)

    new = book_for_sian(shown, qtbot, prompts_recorder, db, sample, book)
    (question,) = prompts_recorder.questions
    assert asked in question
    assert new == []  # No: nothing booked


@pytest.mark.parametrize(
    ("typed", "taken"),
    [
        ("1430", "14:30"),
        ("14:30", "14:30"),
        ("930", "09:30"),
        ("9.45", "09:45"),
        ("2:30pm", "14:30"),
        ("2.30 PM", "14:30"),
        ("10am", "10:00"),
        ("12pm", "12:00"),
        ("12am", "00:00"),
        ("17", "17:00"),
    ],
)
def test_a_time_typed_over_the_box_is_taken_as_a_person_means_it(qtbot, typed, taken) -> None:
    from ui.dialogs import time_edit

    box = time_edit(dt.time(9, 30), "Start time")
    qtbot.addWidget(box)
    box.show()
    qtbot.waitExposed(box)
    _type_over(qtbot, box, typed)
    qtbot.keyClick(box, Qt.Key.Key_Return)  # Enter takes it
    assert (box.time().toString("HH:mm"), box.lineEdit().text(), box.wrong_typed) == (
        taken,
        taken,
        None,
    )


@pytest.mark.parametrize("typed", ["25:00", "9:75", "13pm", "0am", "9:3", "12345", "9 30"])
def test_a_time_that_is_not_one_stays_in_red_and_escape_puts_the_time_back(qtbot, typed) -> None:
    from ui.dialogs import time_edit

    box = time_edit(dt.time(9, 30), "Start time")
    qtbot.addWidget(box)
    box.show()
    qtbot.waitExposed(box)
    _type_over(qtbot, box, typed)
    qtbot.keyClick(box, Qt.Key.Key_Return)  # Enter: not taken, the old time not saved over it
    assert (box.wrong_typed, box.lineEdit().text(), box.time().toString("HH:mm")) == (
        typed,
        typed,
        "09:30",
    )
    assert "red" in box.styleSheet() or "border" in box.styleSheet()
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    assert (box.wrong_typed, box.lineEdit().text(), box.styleSheet()) == (None, "09:30", "")


def test_a_held_date_that_is_not_one_records_nothing(
    shown, qtbot, prompts_recorder, sample, db
) -> None:
    page = open_child(shown, qtbot, "zoe")
    choose_meeting(page, qtbot, sample["zoe_first"])
    seen: dict = {}

    def record(dialog) -> bool:
        show_dialog(qtbot, dialog)
        qtbot.waitUntil(dialog.isActiveWindow)
        _type_over(qtbot, dialog.held, "1/13/2024")
        qtbot.keyClick(dialog.held, Qt.Key.Key_S, ALT)  # Alt+S: Save (clicked after 100 ms)
        qtbot.waitUntil(lambda: bool(prompts_recorder.errors) or dialog.result() != 0)
        seen["errors"] = list(prompts_recorder.errors)
        return dialog.result() == dialog.DialogCode.Accepted

    prompts_recorder.on_dialog = record
    qtbot.keyClick(page.table, Qt.Key.Key_O, CTRL)
    assert seen["errors"] == [
        "Nothing was saved. Held date: \u201c1/13/2024\u201d is not a date. "
        "Type it as dd/mm/yyyy, for example 07/04/2025."
    ]
    (meeting,) = [m for m in meetings_of(db, sample["zoe"]) if m.id == sample["zoe_first"]]
    assert meeting.held_date is None


def test_the_arrows_or_escape_put_the_date_back(qtbot) -> None:
    from ui.dialogs import date_edit

    box = date_edit(D(2024, 4, 11), "Meeting date")
    qtbot.addWidget(box)
    box.show()
    qtbot.waitExposed(box)
    _type_over(qtbot, box, "99/99/2024")
    box.clearFocus()  # left: kept and named
    assert (box.lineEdit().text(), box.wrong_typed) == (
        "99/99/2024  \u26a0 not a date",
        "99/99/2024",
    )
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Up)  # Up steps the date it had, not the wrong text
    assert box.wrong_typed is None
    assert box.lineEdit().text() == box.textFromDateTime(box.dateTime())
    assert from_qdate(box.date()) in {D(2024, 4, 12), D(2024, 5, 11), D(2025, 4, 11)}
    _type_over(qtbot, box, "3/")
    qtbot.keyClick(box, Qt.Key.Key_Escape)  # Escape while typing: the date as it was
    assert box.wrong_typed is None
    assert box.lineEdit().text() == box.textFromDateTime(box.dateTime())
    _type_over(qtbot, box, "3/4")
    box.clearFocus()
    assert box.wrong_typed == "3/4"
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Escape)  # Escape over a wrong date: the date as it was
    assert box.wrong_typed is None and box.styleSheet() == ""
    assert box.lineEdit().text() == box.textFromDateTime(box.dateTime())


def test_shift_and_alt_leave_what_is_being_typed_alone(qtbot) -> None:
    """A "/" typed with Shift (as on many keyboards) goes on with the date; Alt+S straight
    after a short date takes it before the save reads the box."""
    from ui.dialogs import date_edit

    box = date_edit(D(2024, 4, 11), "Meeting date")
    qtbot.addWidget(box)
    box.show()
    qtbot.waitExposed(box)
    _type_over(qtbot, box, "2")
    qtbot.keyClick(box, Qt.Key.Key_Shift)
    qtbot.keyClicks(box, "/5/24")
    assert (box.lineEdit().text(), box.wrong_typed) == ("2/5/24", None)
    qtbot.keyClick(box, Qt.Key.Key_Alt, ALT)  # Alt held down for a shortcut
    assert from_qdate(box.date()) == D(2024, 5, 2)
    _type_over(qtbot, box, "2/5/2")
    qtbot.keyClick(box, Qt.Key.Key_Alt, ALT)
    assert box.wrong_typed == "2/5/2"  # not a date: shown as such, not the old one saved
    qtbot.keyClick(box, Qt.Key.Key_Backspace)  # Backspace over it: the date it had
    assert (box.wrong_typed, box.lineEdit().text()) == (None, "02/05/2024")


def test_a_free_slot_chosen_on_the_day_the_box_had_replaces_a_wrong_date(
    shown, qtbot, prompts_recorder, sample, db
) -> None:
    """A wrong date typed, then a free slot taken on the very day the box had: the slot's
    date is shown and booked (the box used to stay "not a date", as no date changed)."""
    from reviewdesk.scheduling import Booking

    seen: dict = {}

    def book(dialog, _booked) -> None:
        box = dialog.date
        qtbot.waitUntil(lambda: dialog.slots.count() > 0)
        old = from_qdate(box.date())
        rows = [
            i
            for i in range(dialog.slots.count())
            if isinstance(slot := dialog.slots.item(i).data(Qt.ItemDataRole.UserRole), Booking)
            and slot.day == old
        ]
        assert rows, "no free slot on the day the box proposes"
        _type_over(qtbot, box, "31/02/2024")
        qtbot.keyClick(box, Qt.Key.Key_Tab)
        dialog.slots.setFocus()
        qtbot.waitUntil(dialog.slots.hasFocus)
        dialog.slots.setCurrentRow(rows[0])
        qtbot.keyClick(dialog.slots, Qt.Key.Key_Return)  # the slot taken
        seen["after_slot"] = (box.wrong_typed, box.lineEdit().text(), box.styleSheet())
        seen["day"] = old
        press(qtbot, dialog.book_button)

    new = book_for_sian(shown, qtbot, prompts_recorder, db, sample, book)
    day = seen["day"]
    assert seen["after_slot"] == (None, day.strftime("%d/%m/%Y"), "")
    assert prompts_recorder.errors == []
    assert [m.booked_date for m in new] == [day]
