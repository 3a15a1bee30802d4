"""Booking and recording driven through the widgets, with the modal loop replaced."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, QTime
from PySide6.QtTest import QTest

from reviewdesk import queries
from reviewdesk.storage.models import Meeting
from ui.dialogs import from_qdate
from ui.dialogs.booking import BookingDialog
from ui.dialogs.recording import RecordingDialog

D = dt.date


def _child_page(window, child_id):
    window.open_child(child_id)
    return window.cases.child


def _select_meeting(page, meeting_id) -> None:
    for row in range(page.model.rowCount()):
        if page.model.row_at(row).meeting_id == meeting_id:
            page.table.selectRow(row)
            return
    raise AssertionError(f"meeting {meeting_id} not on the timeline")


def _ok(dialog) -> None:
    dialog.book_button.click()


def test_booking_a_meeting_through_the_dialog(window, prompts_recorder, sample, db) -> None:
    page = _child_page(window, sample["zoe"])
    seen = {}

    def fill(dialog: BookingDialog) -> bool:
        if not isinstance(dialog, BookingDialog):  # the invitations that follow a booking
            seen["then"] = type(dialog).__name__
            return False
        seen["due"] = dialog.due_label.text()
        seen["book_by"] = dialog.book_by_label.text()
        dialog.date.setDate(D(2024, 4, 1))  # Easter Monday
        seen["holiday"] = dialog.warnings.text()
        dialog.date.setDate(D(2024, 4, 25))  # after the due date
        seen["late"] = dialog.warnings.text()
        dialog.date.setDate(D(2024, 4, 11))
        dialog.time.setTime(QTime(10, 15))
        dialog.room.setCurrentIndex(dialog.room.findData(sample["room_a"]))
        seen["clash"] = dialog.warnings.text()
        seen["slots"] = [dialog.slots.item(i).text() for i in range(dialog.slots.count())]
        dialog._use_slot(dialog.slots.item(0))
        dialog.room.setCurrentIndex(dialog.room.findData(sample["room_b"]))
        seen["final"] = dialog.warnings.text()
        _ok(dialog)
        return dialog.result() == dialog.DialogCode.Accepted

    prompts_recorder.on_dialog = fill
    page.book_button.click()
    assert seen["due"].startswith("24/04/2024 (LAC review 1)")
    assert seen["book_by"] == "24/04/2024"
    assert "not a working day (Easter Monday)" in seen["holiday"]
    assert "after the due date" in seen["late"]
    assert (
        "The chair is already booked 10:00–11:30 for Zoë Ó Briain's LAC review 1" in (seen["clash"])
    )
    assert "The room is already booked" in seen["clash"]
    # The slots free for Łukasz and Room A closest before the book-by date 24/04.
    assert seen["slots"][0] == "Tue 23/04/2024 at 09:30"
    assert "already booked for 11/04/2024" in seen["final"]  # the review has a booking
    assert prompts_recorder.questions, "booking despite a warning asks first"
    assert prompts_recorder.defaults_no == [True], "and Enter answers No"
    with db.session() as s:
        booked = [
            m
            for m in s.query(Meeting).filter_by(child_id=sample["zoe"])
            if m.id != sample["zoe_first"]
        ]
        assert len(booked) == 1
        assert (booked[0].booked_date, booked[0].booked_time) == (D(2024, 4, 23), dt.time(9, 30))
        assert booked[0].room_id == sample["room_b"] and booked[0].chair_id == sample["lukasz"]
    assert page.model.rowCount() == 3  # the new meeting is on the timeline at once
    assert seen["then"] == "InvitationsDialog"  # whom to invite comes next


def test_declining_the_warning_keeps_the_dialog_open(window, prompts_recorder, sample, db) -> None:
    page = _child_page(window, sample["zoe"])
    prompts_recorder.confirm_answer = False

    def fill(dialog: BookingDialog) -> bool:
        dialog.date.setDate(D(2024, 4, 13))  # a Saturday
        _ok(dialog)
        return dialog.result() == dialog.DialogCode.Accepted

    prompts_recorder.on_dialog = fill
    page.book_button.click()
    with db.session() as s:
        assert s.query(Meeting).filter_by(child_id=sample["zoe"]).count() == 1


def test_reschedule_needs_a_reason_and_moves_the_meeting(window, prompts_recorder, sample, db):
    page = _child_page(window, sample["zoe"])
    _select_meeting(page, sample["zoe_first"])

    def fill(dialog: BookingDialog) -> bool:
        assert from_qdate(dialog.date.date()) == D(2024, 4, 11)
        dialog.date.setDate(D(2024, 4, 16))
        _ok(dialog)  # no reason yet
        assert prompts_recorder.errors == ["Give a reason for rescheduling the meeting."]
        dialog.reason.setCurrentIndex(dialog.reason.findText("Social worker unavailable"))
        dialog.reason_note.setText("on leave")
        _ok(dialog)
        return dialog.result() == dialog.DialogCode.Accepted

    prompts_recorder.on_dialog = fill
    page.reschedule_button.click()
    with db.session() as s:
        m = s.get(Meeting, sample["zoe_first"])
        assert m.booked_date == D(2024, 4, 16)
        assert [v.reason for v in m.moves] == ["Social worker unavailable: on leave"]


def test_cancel_asks_for_a_reason(window, prompts_recorder, sample, db) -> None:
    page = _child_page(window, sample["zoe"])
    _select_meeting(page, sample["zoe_first"])

    def cancel(dialog) -> bool:
        dialog.cancel_meeting_button.click()  # no reason yet
        assert prompts_recorder.errors == ["Choose the reason the meeting is cancelled."]
        dialog.reason.setCurrentIndex(dialog.reason.findText("Child moved to another authority"))
        dialog.cancel_meeting_button.click()
        return dialog.result() == dialog.DialogCode.Accepted

    prompts_recorder.on_dialog = cancel
    page.cancel_button.click()
    with db.session() as s:
        m = s.get(Meeting, sample["zoe_first"])
        assert (m.status, m.cancel_reason) == ("cancelled", "Child moved to another authority")


def _show(qtbot, dialog) -> None:
    """The dialog on screen and active, as the modal loop would leave it."""
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)


def _cancel_with_keys(window, qtbot, prompts_recorder, sample, keys) -> dict:
    """Zoë's first review chosen, Cancel pressed, ``keys(dialog)`` typed in the dialog; what
    the dialog showed after."""
    page = _child_page(window, sample["zoe"])
    _select_meeting(page, sample["zoe_first"])
    seen: dict = {}

    def run(dialog) -> bool:
        _show(qtbot, dialog)
        keys(dialog)
        seen["open"] = dialog.isVisible()
        return dialog.result() == dialog.DialogCode.Accepted

    prompts_recorder.on_dialog = run
    qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
    return seen


def _choose_with_keys(combo, text: str) -> None:
    """Down, as many times as it takes, in the closed list."""
    for _ in range(combo.findText(text)):
        QTest.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentText() == text


def _status(db, meeting_id) -> tuple[str, str | None]:
    with db.session() as s:
        m = s.get(Meeting, meeting_id)
        return m.status, m.cancel_reason


def test_enter_after_choosing_a_reason_cancels_the_meeting(
    window, qtbot, prompts_recorder, sample, db
) -> None:
    """A reason chosen with the keys, then Enter: the cancellation just described (Enter
    used to keep the meeting and drop the reason, without a word)."""

    def keys(dialog) -> None:
        assert dialog.reason.hasFocus()
        _choose_with_keys(dialog.reason, "Child moved to another authority")
        QTest.keyClick(dialog.reason, Qt.Key.Key_Return)

    seen = _cancel_with_keys(window, qtbot, prompts_recorder, sample, keys)
    assert not seen["open"]
    assert prompts_recorder.errors == [] and prompts_recorder.questions == []
    assert _status(db, sample["zoe_first"]) == ("cancelled", "Child moved to another authority")


def test_enter_after_typing_a_note_cancels_with_the_note(
    window, qtbot, prompts_recorder, sample, db
) -> None:
    def keys(dialog) -> None:
        QTest.keyClick(dialog.reason, Qt.Key.Key_Tab)
        assert dialog.note.hasFocus()
        QTest.keyClicks(dialog.note, "Family moved to Spain")
        QTest.keyClick(dialog.note, Qt.Key.Key_Return)

    _cancel_with_keys(window, qtbot, prompts_recorder, sample, keys)
    assert prompts_recorder.errors == []
    assert _status(db, sample["zoe_first"]) == ("cancelled", "Family moved to Spain")


def test_enter_on_the_untouched_dialog_keeps_the_meeting(
    window, qtbot, prompts_recorder, sample, db
) -> None:
    def keys(dialog) -> None:
        QTest.keyClick(dialog.reason, Qt.Key.Key_Return)

    seen = _cancel_with_keys(window, qtbot, prompts_recorder, sample, keys)
    assert not seen["open"]
    assert prompts_recorder.questions == [] and prompts_recorder.errors == []
    assert _status(db, sample["zoe_first"]) == ("booked", None)


def test_a_note_typed_and_rubbed_out_leaves_enter_keeping_the_meeting(
    window, qtbot, prompts_recorder, sample, db
) -> None:
    def keys(dialog) -> None:
        QTest.keyClick(dialog.reason, Qt.Key.Key_Tab)
        QTest.keyClicks(dialog.note, "Fa")
        QTest.keyClick(dialog.note, Qt.Key.Key_Backspace)
        QTest.keyClick(dialog.note, Qt.Key.Key_Backspace)
        QTest.keyClick(dialog.note, Qt.Key.Key_Return)

    seen = _cancel_with_keys(window, qtbot, prompts_recorder, sample, keys)
    assert not seen["open"] and prompts_recorder.questions == []
    assert _status(db, sample["zoe_first"]) == ("booked", None)


def test_esc_after_giving_a_reason_asks_before_dropping_it(
    window, qtbot, prompts_recorder, sample, db
) -> None:
    seen: dict = {}

    def keys(dialog) -> None:
        _choose_with_keys(dialog.reason, "Child moved to another authority")
        QTest.keyClick(dialog.reason, Qt.Key.Key_Tab)
        QTest.keyClicks(dialog.note, "to Cardiff")
        prompts_recorder.confirm_answer = False  # No: back to the dialog
        QTest.keyClick(dialog.note, Qt.Key.Key_Escape)
        seen["asked"] = list(prompts_recorder.questions)
        seen["still"] = (dialog.isVisible(), dialog.reason.currentText(), dialog.note.text())
        prompts_recorder.confirm_answer = True
        QTest.mouseClick(dialog.keep_button, Qt.MouseButton.LeftButton)  # Keep it: Yes

    after = _cancel_with_keys(window, qtbot, prompts_recorder, sample, keys)
    reason = "Child moved to another authority: to Cardiff"
    assert seen["asked"] == [
        "Keep Zoë Ó Briain's LAC review 1 on Thu 11/04/2024 at 10:00, and drop the reason "
        f"you gave (“{reason}”)?"
    ]
    assert seen["still"] == (True, "Child moved to another authority", "to Cardiff")
    assert len(prompts_recorder.questions) == 2 and not after["open"]
    assert _status(db, sample["zoe_first"]) == ("booked", None)


def test_enter_on_the_cancel_button_presses_it(window, qtbot, prompts_recorder, sample, db) -> None:
    """Tabbed to "Cancel the meeting" with no reason given, Enter presses it (and it asks
    for the reason); it used to press Keep it. Back in the reasons, Enter keeps again."""
    seen: dict = {}

    def keys(dialog) -> None:
        QTest.keyClick(dialog.reason, Qt.Key.Key_Tab)
        QTest.keyClick(dialog.note, Qt.Key.Key_Tab)
        assert dialog.cancel_meeting_button.hasFocus()
        QTest.keyClick(dialog.cancel_meeting_button, Qt.Key.Key_Return)
        seen["errors"] = list(prompts_recorder.errors)
        seen["focus"] = dialog.reason.hasFocus()
        QTest.keyClick(dialog.reason, Qt.Key.Key_Return)  # back in the list: Enter keeps

    after = _cancel_with_keys(window, qtbot, prompts_recorder, sample, keys)
    assert seen == {"errors": ["Choose the reason the meeting is cancelled."], "focus": True}
    assert not after["open"] and prompts_recorder.questions == []
    assert _status(db, sample["zoe_first"]) == ("booked", None)


def test_esc_on_the_untouched_dialog_asks_nothing(
    window, qtbot, prompts_recorder, sample, db
) -> None:
    def keys(dialog) -> None:
        QTest.keyClick(dialog.reason, Qt.Key.Key_Escape)

    seen = _cancel_with_keys(window, qtbot, prompts_recorder, sample, keys)
    assert not seen["open"] and prompts_recorder.questions == []
    assert _status(db, sample["zoe_first"]) == ("booked", None)


def test_recording_shows_the_next_due_date_at_once_and_saves(
    window, prompts_recorder, sample, db
) -> None:
    page = _child_page(window, sample["zoe"])
    _select_meeting(page, sample["zoe_first"])
    seen = {}

    def fill(dialog: RecordingDialog) -> bool:
        seen["first"] = dialog.next_due.text()  # held defaults to the as-of date
        dialog.held.setDate(D(2024, 4, 9))
        seen["moved"] = dialog.next_due.text()
        dialog.held.setDate(D(2024, 4, 26))  # after the due date 24/04
        seen["late"] = (dialog.late.isChecked(), dialog.late_reason.isEnabled())
        dialog.save()
        seen["error"] = list(prompts_recorder.errors)
        dialog.held.setDate(D(2024, 4, 9))
        seen["pn0"] = dialog.participation.findData("PN0")
        dialog.participation.setCurrentIndex(dialog.participation.findData("PN1"))
        dialog.outcome.setCurrentText("Care plan endorsed")
        received, shared = dialog.report_rows[0][1], dialog.report_rows[0][2]
        received.set_value(D(2024, 4, 8))
        shared.set_value(D(2024, 4, 9))
        dialog.decisions.set_value(D(2024, 4, 15))
        dialog.save()
        return dialog.result() == dialog.DialogCode.Accepted

    prompts_recorder.on_dialog = fill
    page.record_button.click()
    assert seen["first"] == "Next meeting due: 10/07/2024 (LAC review 2)"
    assert seen["moved"] == "Next meeting due: 09/07/2024 (LAC review 2)"
    assert seen["late"] == (True, True)
    assert seen["error"] == ["Nothing was saved. Held date: 26/04/2024 is in the future."]
    assert seen["pn0"] == -1, "PN0 (under 4) is not offered for a 4-year-old or older"
    with db.session() as s:
        detail = queries.child_detail(s, sample["zoe"])
    m = next(m for m in detail.meetings if m.id == sample["zoe_first"])
    assert (m.status, m.held_date, m.participation) == ("held", D(2024, 4, 9), "PN1")
    assert m.decisions_issued == D(2024, 4, 15)
    assert (m.reports[0].received, m.reports[0].shared_with_parents) == (
        D(2024, 4, 8),
        D(2024, 4, 9),
    )
    # The timeline now shows the review in timescale and the next one due.
    texts = [page.model.data(page.model.index(r, 5)) for r in range(page.model.rowCount())]
    assert "In timescale" in texts


def test_recording_a_late_meeting_with_its_reason(window, prompts_recorder, sample, db) -> None:
    page = _child_page(window, sample["lukasz_child"])
    _select_meeting(page, sample["rcpc"])

    def fill(dialog: RecordingDialog) -> bool:
        dialog.held.setDate(D(2024, 3, 22))  # due 20/03/2024
        assert dialog.late.isChecked() and "out of timescale" in dialog.timescale.text()
        dialog.save()
        assert prompts_recorder.errors == [
            "Nothing was saved. Reason: the meeting was out of timescale, so give the reason."
        ]
        dialog.late_reason.setCurrentIndex(dialog.late_reason.findText("Room unavailable"))
        dialog.outcome.setCurrentText("Plan continued")
        dialog.save()
        return dialog.result() == dialog.DialogCode.Accepted

    prompts_recorder.on_dialog = fill
    page.record_button.click()
    assert len(prompts_recorder.errors) == 1
    with db.session() as s:
        m = s.get(Meeting, sample["rcpc"])
        assert m.late_reason.text == "Room unavailable" and m.outcome == "Plan continued"


def test_saving_over_someone_elses_change_is_refused(window, prompts_recorder, sample, db):
    from reviewdesk.storage.db import Database

    page = _child_page(window, sample["zoe"])
    _select_meeting(page, sample["zoe_first"])

    def fill(dialog: RecordingDialog) -> bool:
        other = Database(engine=db.engine, url=db.url, username="someone.else")
        with other.session() as s:  # another person moves the meeting meanwhile
            s.get(Meeting, sample["zoe_first"]).booked_time = dt.time(11, 0)
        dialog.participation.setCurrentIndex(dialog.participation.findData("PN1"))
        dialog.save()
        return dialog.result() == dialog.DialogCode.Accepted

    prompts_recorder.on_dialog = fill
    page.record_button.click()
    assert len(prompts_recorder.errors) == 1
    assert "someone.else" in prompts_recorder.errors[0]
    with db.session() as s:
        assert s.get(Meeting, sample["zoe_first"]).status == "booked"


def test_the_dates_offered_after_a_meeting_follow_the_held_date_typed(
    window, qtbot, prompts_recorder, sample, db
) -> None:
    """The conference booked for 14/03/2024 was held on 18/03/2024: typed over "Held on",
    then "Decisions issued" ticked with Space offered 14/03/2024 (the booked day), which the
    save refused as before the meeting. It offers the held date now, and saves."""
    from PySide6.QtCore import Qt

    from tests.ui.driving import on_screen

    on_screen(window, qtbot)
    page = _child_page(window, sample["lukasz_child"])
    _select_meeting(page, sample["rcpc"])
    seen = {}

    def fill(dialog: RecordingDialog) -> bool:
        dialog.show()
        qtbot.waitExposed(dialog)
        dialog.held.setFocus()
        qtbot.waitUntil(dialog.held.hasFocus)
        qtbot.keyClick(dialog.held, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClicks(dialog.held, "18/03/2024")
        dialog.decisions.setFocus()
        qtbot.waitUntil(dialog.decisions.check.hasFocus)
        qtbot.keyClick(dialog.decisions.check, Qt.Key.Key_Space)  # ticked: the date it offers
        seen["offered"] = dialog.decisions.value()
        dialog.late_reason.setCurrentIndex(dialog.late_reason.findText("Room unavailable"))
        dialog.outcome.setCurrentText("Plan continued")
        dialog.save()
        seen["errors"] = list(prompts_recorder.errors)
        return dialog.result() == dialog.DialogCode.Accepted

    prompts_recorder.on_dialog = fill
    page.record_button.click()
    assert seen["offered"] == D(2024, 3, 18)
    assert seen["errors"] == []
    with db.session() as s:
        m = s.get(Meeting, sample["rcpc"])
        assert (m.held_date, m.decisions_issued) == (D(2024, 3, 18), D(2024, 3, 18))
