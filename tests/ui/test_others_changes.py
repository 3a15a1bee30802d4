"""Another person's change reaches an open window without F5 (`ui.change_watch`).

Two sessions on one database, as two people at their desks: the window's, and another's
`Database` (on SQLite the same file, on PostgreSQL another login). A booking made through
the door in the other session shows in the window's open diary within a few polls, with the
cell the keyboard was on kept and a note in the status bar; never while a dialog is open
(it waits until it closes); and the window's own action is shown once, by the action, not
a second time when the signal it moved is read.

Only what the other changed is read again (the change feed): another's booking for one child
works that child out again in the register's figures, never the whole register, and the
case list and the child's page show the new meeting; a change to staff reads everything.
"""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

import ui.snapshot
from reviewdesk import actions
from reviewdesk.actions import Changes
from reviewdesk.dashboard import read_snapshot
from reviewdesk.scheduling import Booking
from reviewdesk.storage.models import Staff
from tests.ui.sample import AS_OF
from tests.ui.test_changes import case_list, cell, choose_meeting, open_child, press
from ui.change_watch import NOTE, OTHERS
from ui.snapshot import case_snapshot

D = dt.date
#: Polls this often in the tests (the window's is seconds).
EVERY_MS = 40


@pytest.fixture
def diary(window, qtbot, monkeypatch):
    """The window on screen at the diary's week of 08/04/2024, F5 forbidden, watching."""
    monkeypatch.setattr(window, "refresh_all", lambda: pytest.fail("F5's refresh was used"))
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page() is window.diary
    assert window.diary.monday == D(2024, 4, 8)
    window.watch_others_changes(EVERY_MS)
    return window


@pytest.fixture
def announced(ctx) -> list[Changes]:
    """Every change the window announces to its pages, in order."""
    seen: list[Changes] = []
    ctx.subscribe(seen.append)
    return seen


def _book_elsewhere(open_db, sample) -> None:
    """Another administrator books Siân's next review on Friday 12/04/2024 at 14:00."""
    other = open_db("other")
    actions.book_meeting(
        other,
        actions.whoami(other),
        sample["sian_child"],
        "lac_review",
        Booking(D(2024, 4, 12), dt.time(14), chair_id=sample["lukasz"]),
    )


def _meetings(window) -> str:
    return window.diary.summary.text().split(" · ")[0]


def test_a_booking_by_another_person_shows_in_the_open_diary(
    diary, qtbot, open_db, sample, announced
):
    window = diary
    assert _meetings(window) == "2 meetings this week"
    table = window.diary.table
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Right)  # the keyboard on Tuesday
    place = (table.currentIndex().row(), table.currentIndex().column())
    qtbot.wait(5 * EVERY_MS)
    assert window.change_watcher.refreshes == 0  # nothing changed: nothing read again

    _book_elsewhere(open_db, sample)
    qtbot.waitUntil(lambda: _meetings(window) == "3 meetings this week", timeout=5000)
    assert window.statusBar().currentMessage() == NOTE
    assert (table.currentIndex().row(), table.currentIndex().column()) == place
    assert [c.action for c in announced] == [OTHERS]
    qtbot.wait(5 * EVERY_MS)
    assert window.change_watcher.refreshes == 1  # once, not at every poll after


def test_no_refresh_under_an_open_dialog_until_it_closes(diary, qtbot, open_db, sample):
    window = diary
    dialog = QDialog(window)
    dialog.setWindowTitle("Book a meeting")
    dialog.show()
    qtbot.waitExposed(dialog)

    _book_elsewhere(open_db, sample)
    qtbot.waitUntil(lambda: window.change_watcher.pending, timeout=5000)  # read, and held
    qtbot.wait(5 * EVERY_MS)
    assert _meetings(window) == "2 meetings this week"
    assert window.change_watcher.refreshes == 0

    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # closed as a person closes it
    assert not dialog.isVisible()
    qtbot.waitUntil(lambda: _meetings(window) == "3 meetings this week", timeout=5000)
    assert window.change_watcher.refreshes == 1


def test_the_window_s_own_action_is_shown_once(diary, qtbot, prompts_recorder, sample, announced):
    window = diary
    page = open_child(window, qtbot, "zoe")
    choose_meeting(page, qtbot, sample["zoe_first"])

    def cancel(dialog) -> bool:
        dialog.reason.setCurrentIndex(dialog.reason.findText("Booked in error"))
        press(qtbot, dialog.cancel_meeting_button)
        return dialog.result() == dialog.DialogCode.Accepted

    prompts_recorder.on_dialog = cancel
    press(qtbot, page.cancel_button)
    assert prompts_recorder.errors == []
    assert [c.action for c in announced] == ["cancel_meeting"]
    qtbot.wait(10 * EVERY_MS)  # many polls since the action moved the signal
    assert [c.action for c in announced] == ["cancel_meeting"]
    assert window.change_watcher.refreshes == 0
    assert window.statusBar().currentMessage() != NOTE


def test_another_s_change_just_before_an_own_action_is_still_shown(
    diary, qtbot, open_db, sample, prompts_recorder, announced
):
    """Made between two polls, then the window's own action: the action's reading of the
    signal must not swallow it."""
    window = diary
    window.change_watcher.timer.stop()  # no poll between the two changes
    _book_elsewhere(open_db, sample)
    page = open_child(window, qtbot, "zoe")
    choose_meeting(page, qtbot, sample["zoe_first"])

    def cancel(dialog) -> bool:
        dialog.reason.setCurrentIndex(dialog.reason.findText("Booked in error"))
        press(qtbot, dialog.cancel_meeting_button)
        return dialog.result() == dialog.DialogCode.Accepted

    prompts_recorder.on_dialog = cancel
    press(qtbot, page.cancel_button)
    window.change_watcher.timer.start()
    qtbot.waitUntil(lambda: window.change_watcher.refreshes == 1, timeout=5000)
    assert [c.action for c in announced] == ["cancel_meeting", OTHERS]


def test_the_child_open_keeps_its_selected_meeting(diary, qtbot, open_db, sample):
    """Another's change to the child on screen shows there; the person's place stays."""
    window = diary
    page = open_child(window, qtbot, "sian")
    held = next(m.id for m in page.detail.meetings if m.status == "held")
    choose_meeting(page, qtbot, held)
    _book_elsewhere(open_db, sample)  # Siân's next review
    qtbot.waitUntil(lambda: window.change_watcher.refreshes == 1, timeout=5000)
    assert window.cases.stack.currentWidget() is page and page.child_id == sample["sian_child"]
    assert any(m.booked_date == D(2024, 4, 12) for m in page.detail.meetings)
    assert page.selected_meeting().id == held


def test_the_case_list_keeps_the_children_a_tile_narrowed_it_to(diary, qtbot, open_db, sample):
    window = diary
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(window.dashboard.tile_children), timeout=10000)
    press(qtbot, window.dashboard.tiles["overdue"])
    model = window.cases.list.model

    def listed() -> set[int]:
        return {model.child_id(r) for r in range(model.rowCount())}

    qtbot.waitUntil(lambda: listed() == {sample["lukasz_child"]}, timeout=10000)
    _book_elsewhere(open_db, sample)
    qtbot.waitUntil(lambda: window.change_watcher.refreshes == 1, timeout=5000)
    assert listed() == {sample["lukasz_child"]}
    assert window.cases.list.narrowed.isVisibleTo(window)


def worked_out(monkeypatch) -> list[frozenset[int]]:
    """The children the register's figures are worked out again for, each time; reading
    the whole register again fails the test."""
    done: list[frozenset[int]] = []
    update = ui.snapshot.read_updated_snapshot

    def counted(db, before, children):  # noqa: ANN001, ANN202
        done.append(frozenset(children))
        return update(db, before, children)

    monkeypatch.setattr(ui.snapshot, "read_updated_snapshot", counted)
    monkeypatch.setattr(
        ui.snapshot,
        "read_snapshot",
        lambda *a: pytest.fail("the whole register was read again for one child's change"),
    )
    return done


def test_another_s_booking_works_out_only_that_child_again(
    window, qtbot, open_db, sample, announced, monkeypatch
):
    """The case list on screen, Siân's next meeting on Thursday; another administrator
    books her a review this afternoon: her row shows it, her figures alone are worked out
    again, and her page shows it when opened."""
    monkeypatch.setattr(window, "refresh_all", lambda: pytest.fail("F5's refresh was used"))
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    case_snapshot(window.ctx)  # the register as the window read it at the start
    done = worked_out(monkeypatch)
    case_list(window, qtbot)
    assert window.current_page() is window.cases
    sian = sample["sian_child"]
    qtbot.waitUntil(lambda: cell(window, sian, "next_due") != "", timeout=10000)
    assert cell(window, sian, "next_meeting") == "11/04/2024"
    other = open_db("other")  # on the user list before the window watches (a user's change)
    window.watch_others_changes(EVERY_MS)

    actions.book_meeting(
        other,
        actions.whoami(other),
        sian,
        "lac_review",
        Booking(AS_OF, dt.time(15), chair_id=sample["lukasz"]),
    )
    qtbot.waitUntil(lambda: cell(window, sian, "next_meeting") == "10/04/2024", timeout=5000)
    assert window.statusBar().currentMessage() == NOTE
    [changes] = announced
    assert changes.action == OTHERS and not changes.everything
    assert changes.children == {sian} and "meeting" in changes.kinds
    qtbot.waitUntil(lambda: bool(done), timeout=5000)
    assert set(done) == {frozenset({sian})}
    # What was worked out for her alone is what reading everything again gives.
    assert case_snapshot(window.ctx) == read_snapshot(window.ctx.db, window.ctx.as_of)

    page = open_child(window, qtbot, "sian")
    assert any(m.booked_date == AS_OF for m in page.detail.meetings)
    assert window.change_watcher.refreshes == 1


def test_another_s_change_to_staff_reads_everything_again(diary, qtbot, open_db, announced):
    other = open_db("other")
    with other.session() as s:
        s.add(Staff(name="Ffion Hughes", role="iro"))
    qtbot.waitUntil(lambda: diary.change_watcher.refreshes == 1, timeout=5000)
    assert [(c.action, c.everything) for c in announced] == [(OTHERS, True)]


def test_a_poll_that_reads_the_window_s_own_commit_before_it_is_announced_refreshes_nothing(
    diary, qtbot, ctx, sample, announced
):
    """An import or the demo runs in the background: a poll can read the signal its commit
    moved before the action's own announcement arrives. That is the window's own change, not
    another user's: no second refresh, no "another user" note."""
    window = diary
    watcher = window.change_watcher
    watcher.timer.stop()
    qtbot.waitUntil(lambda: watcher._reading is None, timeout=5000)  # no poll under way
    ctx.action_starting()
    changes = actions.book_meeting(  # the action, committed (as in a worker thread)
        ctx.db,
        ctx.actor,
        sample["sian_child"],
        "lac_review",
        Booking(D(2024, 4, 12), dt.time(14), chair_id=sample["lukasz"]),
    )
    watcher.tick()  # a poll, after the commit and before the announcement
    qtbot.waitUntil(lambda: watcher._reading is None, timeout=5000)
    assert watcher.pending  # (the signal cannot say whose the change was)
    qtbot.wait(5 * EVERY_MS)
    assert (watcher.refreshes, announced) == (0, [])  # held while the action runs
    ctx.did_change(changes)  # the action's announcement arrives
    watcher.timer.start()
    qtbot.wait(10 * EVERY_MS)
    assert [c.action for c in announced] == ["book_meeting"]
    assert watcher.refreshes == 0
    assert window.statusBar().currentMessage() != NOTE
    assert _meetings(window) == "3 meetings this week"


def test_after_a_refused_action_another_s_change_is_still_shown(
    diary, qtbot, ctx, open_db, sample, prompts_recorder, announced
):
    """A refusal changes nothing and announces nothing: the watch must not stay held."""
    from ui.operations import perform

    window = diary
    refused = perform(
        window,
        ctx,
        actions.book_meeting,
        999_999,  # no such child
        "lac_review",
        Booking(D(2024, 4, 12), dt.time(14), chair_id=sample["lukasz"]),
    )
    assert refused is None and len(prompts_recorder.errors) == 1
    _book_elsewhere(open_db, sample)
    qtbot.waitUntil(lambda: _meetings(window) == "3 meetings this week", timeout=5000)
    assert [c.action for c in announced] == [OTHERS]
