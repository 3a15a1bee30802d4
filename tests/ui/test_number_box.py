"""A number typed outside a box's range is never saved as the number the box had.

An administrator typed "5" into a booking's length (meaning 5 minutes more? an hour and a
half?) and pressed Tab: Qt's box put back 90 without a word, and Book booked 90 minutes.
Typing "600" read 60: the last key was dropped. Now the box keeps what was typed, in red,
says what it takes ("5  ⚠ 15–480 minutes" once left), and no save goes through until it is
in range: Tab, a click on Book and Alt+B straight after typing each replayed here, in the
booking dialog and the Settings page.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from reviewdesk.settings import get_setting
from tests.ui.driving import on_screen
from tests.ui.test_changes import press
from tests.ui.test_date_box import book_for_sian
from ui.number_box import NumberBox
from ui.wrong_entries import refuse_wrong_entries

ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def shown(window, qtbot):
    on_screen(window, qtbot)
    qtbot.waitUntil(lambda: window.cases.list.model.rowCount() > 0, timeout=10000)
    return window


def _type_over(qtbot, box, text: str) -> None:
    box.setFocus()
    qtbot.waitUntil(box.hasFocus)
    box.selectAll()
    qtbot.keyClicks(box, text)


def test_a_length_out_of_range_books_nothing_until_it_is_retyped(
    shown, qtbot, prompts_recorder, sample, db
) -> None:
    seen: dict = {}

    def book(dialog, booked) -> None:
        box = dialog.duration
        _type_over(qtbot, box, "5")
        qtbot.keyClick(box, Qt.Key.Key_Tab)  # moved on: it stays, in red, and says why
        seen["left"] = (box.lineEdit().text(), box.out_of_range, box.toolTip())
        press(qtbot, dialog.book_button)  # Book: refused, nothing booked
        seen["booked_after_click"] = booked()
        seen["errors"] = list(prompts_recorder.errors)
        seen["focus"] = box.hasFocus()
        _type_over(qtbot, box, "600")  # every key kept (Qt dropped the last: 60)
        seen["typed"] = box.lineEdit().text()
        qtbot.keyClick(box, Qt.Key.Key_B, ALT)  # Alt+B straight after typing: refused
        qtbot.waitUntil(lambda: len(prompts_recorder.errors) == 2)
        seen["booked_after_alt_b"] = booked()
        _type_over(qtbot, box, "120")
        qtbot.keyClick(box, Qt.Key.Key_Tab)
        seen["mended"] = (box.out_of_range, box.styleSheet(), box.value())
        press(qtbot, dialog.book_button)

    new = book_for_sian(shown, qtbot, prompts_recorder, db, sample, book)
    message = "Length of the meeting: \u201c5\u201d is not a whole number from 15 to 480 minutes."
    assert seen["left"] == ("5  \u26a0 15\u2013480 minutes", "5", message)
    assert seen["booked_after_click"] == set()
    assert seen["errors"] == ["Nothing was saved. " + message]
    assert seen["focus"]  # the keyboard is back on the box, to retype it
    assert seen["typed"] == "600 minutes"
    assert prompts_recorder.errors[1] == (
        "Nothing was saved. Length of the meeting: \u201c600\u201d is not a whole number from "
        "15 to 480 minutes."
    )
    assert seen["booked_after_alt_b"] == set()
    assert seen["mended"] == (None, "", 120)
    assert [m.duration_minutes for m in new] == [120]


def test_a_setting_out_of_range_saves_nothing(shown, qtbot, prompts_recorder, db) -> None:
    shown.show_page(4)
    box = shown.settings_page.invitation_settings
    with db.session() as s:
        kept = get_setting(s, "chase_working_days")
    _type_over(qtbot, box.chase_days, "0")
    box.save_button.click()
    assert prompts_recorder.errors == [
        "Nothing was saved. Chase reports due within: \u201c0\u201d is not a whole number from "
        "1 to 60 working days."
    ]
    with db.session() as s:
        assert get_setting(s, "chase_working_days") == kept
    _type_over(qtbot, box.chase_days, "12")
    box.save_button.click()
    assert len(prompts_recorder.errors) == 1
    with db.session() as s:
        assert get_setting(s, "chase_working_days") == 12


@pytest.fixture
def form(qtbot):
    widget = QWidget()
    layout = QVBoxLayout(widget)
    box = NumberBox(15, 480, 90, "Length of the meeting", suffix=" minutes", step=15)
    other = QLineEdit()
    layout.addWidget(box)
    layout.addWidget(other)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)
    return widget, box, other


def test_in_range_is_taken_as_typed_and_an_emptied_box_puts_its_number_back(
    form, qtbot, prompts_recorder
) -> None:
    widget, box, other = form
    _type_over(qtbot, box, "45")
    qtbot.keyClick(box, Qt.Key.Key_Tab)
    assert (box.value(), box.out_of_range, box.lineEdit().text()) == (45, None, "45 minutes")
    _type_over(qtbot, box, "")
    qtbot.keyClick(box, Qt.Key.Key_Backspace)
    qtbot.keyClick(box, Qt.Key.Key_Tab)
    assert (box.value(), box.out_of_range, box.lineEdit().text()) == (45, None, "45 minutes")
    assert not refuse_wrong_entries(widget)
    assert prompts_recorder.errors == []


def test_up_over_a_wrong_number_steps_the_number_last_taken(form, qtbot) -> None:
    widget, box, other = form
    _type_over(qtbot, box, "7")
    other.setFocus()
    qtbot.waitUntil(other.hasFocus)
    assert box.out_of_range == "7"
    shown = box.lineEdit().text()
    assert shown == "7  \u26a0 15\u2013480 minutes"
    # Wide enough to show it all, from what was typed (a settings box is narrow).
    assert box.minimumWidth() > box.fontMetrics().horizontalAdvance(shown)
    assert box.lineEdit().cursorPosition() == 0
    box.setFocus()
    qtbot.waitUntil(box.hasFocus)
    qtbot.wait(20)
    assert box.lineEdit().text() == "7 minutes"  # to retype, its mark gone
    qtbot.keyClick(box, Qt.Key.Key_Up)
    assert (box.value(), box.out_of_range, box.lineEdit().text()) == (105, None, "105 minutes")
    assert box.minimumWidth() == 0


def test_typing_a_wrong_number_into_a_disabled_form_part_is_not_refused(form, qtbot) -> None:
    """A box switched off (a timescale's second limit not ticked) is not saved: not asked."""
    widget, box, other = form
    _type_over(qtbot, box, "3")
    qtbot.keyClick(box, Qt.Key.Key_Tab)
    box.setEnabled(False)
    assert not refuse_wrong_entries(widget)


def test_a_wrong_closure_day_stops_only_its_own_add_not_the_council_s_settings(
    shown, qtbot, prompts_recorder, db
) -> None:
    """Each part of the Settings page checks its own boxes: a closure day typed wrong is
    refused when it is added, while the council's settings save; a caseload of 0 is refused
    when they are saved."""
    shown.show_page(4)
    page = shown.settings_page
    tabs = page.tabs
    tabs.setCurrentIndex(next(i for i in range(tabs.count()) if "Closure" in tabs.tabText(i)))
    box = page.closure_date
    box.setFocus()
    qtbot.waitUntil(box.hasFocus)
    qtbot.keyClick(box, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(box, "32/12/2024")
    qtbot.keyClick(box, Qt.Key.Key_Tab)
    assert box.wrong_typed == "32/12/2024"
    tabs.setCurrentIndex(0)
    _type_over(qtbot, page.backups_kept, "7")
    page.save_button.click()
    assert prompts_recorder.errors == []
    with db.session() as s:
        assert get_setting(s, "backups_kept") == 7
    _type_over(qtbot, page.low, "0")
    page.save_button.click()
    assert prompts_recorder.errors == [
        "Nothing was saved. Lowest caseload per full-time IRO: \u201c0\u201d is not a whole "
        "number from 1 to 300."
    ]
    page.add_closure.click()
    assert prompts_recorder.errors[1] == (
        "Nothing was saved. Closure day to add: \u201c32/12/2024\u201d is not a date. "
        "Type it as dd/mm/yyyy, for example 07/04/2025."
    )


def test_a_number_the_form_puts_in_replaces_a_wrong_one_even_the_same(form, qtbot) -> None:
    """A free slot's length set over "5" typed: 90, the number the box had, is shown and
    taken, not left marked wrong (no value changed, so no signal cleared it)."""
    widget, box, other = form
    _type_over(qtbot, box, "5")
    qtbot.keyClick(box, Qt.Key.Key_Tab)
    assert box.out_of_range == "5"
    box.setValue(90)
    assert (box.out_of_range, box.lineEdit().text(), box.styleSheet()) == (None, "90 minutes", "")
    assert not refuse_wrong_entries(widget)


@pytest.mark.parametrize(
    ("typed", "saved"),
    [
        ("101", None),  # Qt dropped the last key: a target of 10%
        ("9.55", None),  # and the last decimal: 9.5%
        ("92,5", None),  # and the comma: 92%
        ("92.5", 92.5),
    ],
)
def test_a_target_is_saved_as_typed_or_not_at_all(
    shown, qtbot, prompts_recorder, db, typed, saved
) -> None:
    """A manager types the LAC reviews' target and saves: a number the box cannot take is
    refused, never saved as another (Qt made "101" 10%, which turned every month green)."""
    shown.show_page(4)
    page = shown.settings_page
    with db.session() as s:
        before = (get_setting(s, "targets") or {}).get("lac_reviews_in_timescale")
    _type_over(qtbot, page.lac_target, typed)
    page.save_button.click()
    with db.session() as s:
        target = (get_setting(s, "targets") or {}).get("lac_reviews_in_timescale")
    if saved is None:
        assert prompts_recorder.errors == [
            f"Nothing was saved. Target: LAC reviews in timescale: \u201c{typed}\u201d is not a "
            "number to 1 decimal place from 0 to 100 %."
        ]
        assert target == before
    else:
        assert prompts_recorder.errors == []
        assert target == saved
