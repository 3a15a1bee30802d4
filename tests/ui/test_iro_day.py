"""An Independent Reviewing Officer's day in the window, as the IRO (role "iro", their staff
record linked): they chair and record their own reviews and conferences with Ctrl+O. These
tests replay what such an IRO did that the window got wrong.

The sample (tests/ui/sample.py): Łukasz Nowak chairs Zoë's first LAC review, booked for
Thu 11/04/2024; Máire Ó Briain chairs Łukasz Wiśniewski's first review conference of
14/03/2024, not yet recorded.
"""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QLabel

from tests.ui.test_changes import choose_meeting, press
from tests.ui.test_roles_window import _window_as

D = dt.date
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def wait_for_tasks():
    yield
    from ui.tasks import wait_for_all

    wait_for_all()


def _as_iro(db, open_db, qtbot, settings, sample, who: str, as_of: dt.date):
    from reviewdesk import actions

    actions.add_user(db, actions.whoami(db), who, "iro", staff_id=sample[who])
    return _window_as(db, open_db, qtbot, settings, who, None, as_of)


def _record(window, qtbot, prompts_recorder, child: int, meeting: int, on_dialog) -> None:
    window.open_child(child)
    page = window.cases.child
    choose_meeting(page, qtbot, meeting)
    prompts_recorder.on_dialog = on_dialog
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_O, CTRL)
    assert len(prompts_recorder.dialogs) == 1


def test_an_iro_recording_a_lac_review_is_not_asked_whether_it_was_quorate(
    db, open_db, sample, qapp, qtbot, settings, prompts_recorder, wait_for_tasks
) -> None:
    """Łukasz Nowak records Zoë's first LAC review on the day (Ctrl+O). The form offered
    "Quorate", ticked, which is a conference's question (a LAC review has no quorum); he
    unticked it with Alt+Q and the review was saved as not quorate. It is not on a LAC
    review's form, and the review is saved with no answer to it; on his colleague's CP
    conference it is still asked."""
    from reviewdesk.storage.models import Meeting

    window = _as_iro(db, open_db, qtbot, settings, sample, "lukasz", D(2024, 4, 11))
    seen: dict[str, bool] = {}

    def record(dialog) -> bool:
        dialog.show()
        qtbot.waitExposed(dialog)
        seen["quorate offered"] = dialog.quorate.isVisibleTo(dialog)
        qtbot.keyClick(dialog, Qt.Key.Key_Q, Qt.KeyboardModifier.AltModifier)
        press(
            qtbot, dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)
        )
        return dialog.result() == dialog.DialogCode.Accepted

    _record(window, qtbot, prompts_recorder, sample["zoe"], sample["zoe_first"], record)
    assert prompts_recorder.errors == []
    assert seen == {"quorate offered": False}
    with db.session() as s:
        review = s.get(Meeting, sample["zoe_first"])
        assert (review.status, review.quorate) == ("held", None)


def test_a_cp_chair_recording_a_conference_is_asked_whether_it_was_quorate(
    db, open_db, sample, qapp, qtbot, settings, prompts_recorder, wait_for_tasks
) -> None:
    window = _as_iro(db, open_db, qtbot, settings, sample, "maire", D(2024, 4, 10))
    seen: dict[str, bool] = {}

    def look(dialog) -> bool:
        seen["quorate offered"] = dialog.quorate.isVisibleTo(dialog)
        return False

    _record(window, qtbot, prompts_recorder, sample["lukasz_child"], sample["rcpc"], look)
    assert seen == {"quorate offered": True}


def test_an_iro_recording_a_review_is_told_when_its_decisions_and_minutes_are_due(
    db, open_db, sample, qapp, qtbot, settings, prompts_recorder, wait_for_tasks
) -> None:
    """Łukasz Nowak records Zoë's first LAC review, held on Thu 11/04/2024 (Ctrl+O). Nothing
    in the window said when its decisions and minutes were due: only, once they were
    overdue, a red flag. The form says so under the boxes for them (the rules in force: the
    decisions within 5 working days, the minutes within 20, not counting the bank holiday of
    06/05/2024), and it follows the held date."""
    window = _as_iro(db, open_db, qtbot, settings, sample, "lukasz", D(2024, 4, 11))
    seen: list[str] = []

    def record(dialog) -> bool:
        seen.append(dialog.after_due.text())
        dialog.held.setDate(D(2024, 4, 10))
        seen.append(dialog.after_due.text())
        return False

    _record(window, qtbot, prompts_recorder, sample["zoe"], sample["zoe_first"], record)
    assert seen == [
        "Decisions to be issued by 18/04/2024; minutes to be distributed by 10/05/2024",
        "Decisions to be issued by 17/04/2024; minutes to be distributed by 09/05/2024",
    ]


def test_after_recording_the_review_the_timeline_says_when_its_decisions_and_minutes_are_due(
    db, open_db, sample, qapp, qtbot, settings, prompts_recorder, wait_for_tasks
) -> None:
    """Łukasz records Zoë's first review as held on 11/04/2024, its decisions not issued yet.
    Her page's timeline said "Held; ...; chair Łukasz Nowak" and no more: what was still to
    do after the review, and by when, was nowhere until the flag turned red. The review's
    row says it, and once past its date that it was not done (the flag's words); when the
    decisions are recorded, only the minutes are left."""
    window = _as_iro(db, open_db, qtbot, settings, sample, "lukasz", D(2024, 4, 11))

    def held(dialog) -> bool:
        press(
            qtbot, dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)
        )
        return dialog.result() == dialog.DialogCode.Accepted

    _record(window, qtbot, prompts_recorder, sample["zoe"], sample["zoe_first"], held)
    assert prompts_recorder.errors == []
    page = window.cases.child

    def details() -> str:
        model = page.model
        row = next(
            r for r in range(model.rowCount()) if model.row_at(r).meeting_id == sample["zoe_first"]
        )
        return model.row_at(row).details

    assert details().startswith(
        "Held; decisions to be issued by 18/04/2024; minutes to be distributed by 10/05/2024; "
    )
    # A week later (the window opened again on 22/04/2024): the decisions are overdue.
    later = _window_as(db, open_db, qtbot, settings, "lukasz", None, D(2024, 4, 22))
    later.open_child(sample["zoe"])
    page = later.cases.child
    assert details().startswith(
        "Held; decisions not issued: due by 18/04/2024; minutes to be distributed by 10/05/2024"
    )

    def decisions(dialog) -> bool:
        qtbot.keyClick(dialog.decisions.check, Qt.Key.Key_Space)  # issued, today
        press(
            qtbot, dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)
        )
        return dialog.result() == dialog.DialogCode.Accepted

    prompts_recorder.dialogs.clear()
    _record(later, qtbot, prompts_recorder, sample["zoe"], sample["zoe_first"], decisions)
    assert prompts_recorder.errors == []
    assert details() == (
        "Held; minutes to be distributed by 10/05/2024; Room A, Tŷ Hafan; chair Łukasz Nowak"
    )


def test_an_iro_prints_their_own_workload_list_from_the_documents_menu(
    db, open_db, sample, qapp, qtbot, settings, prompts_recorder, wait_for_tasks
) -> None:
    """Łukasz Nowak wants his list for the week from the window. Documents ▸ Workload list
    printed every IRO's (on the demo authority, 42 pages for eleven IROs; his own was 5);
    only `reviewdesk report workload --iro` gave his alone. Documents ▸ My workload list
    prints his: his children, not Máire's. An administrator (no caseload of their own) is
    not offered it."""
    from tests.reports.pdfcheck import read_pdf
    from tests.ui.test_documents import _wait_for_preview

    admin = _window_as(db, open_db, qtbot, settings, "admin", "administrator", D(2024, 4, 10))
    assert not admin.my_workload_action.isVisible()
    window = _as_iro(db, open_db, qtbot, settings, sample, "lukasz", D(2024, 4, 10))
    assert window.my_workload_action.isVisible() and window.my_workload_action.isEnabled()
    window.my_workload_action.trigger()
    preview = _wait_for_preview(qtbot, prompts_recorder)
    assert preview.windowTitle() == "My workload — print preview"
    text = read_pdf(preview.path.read_bytes()).all_text
    assert "IRO workload: Łukasz Nowak" in text
    assert "Siân Llewelyn" in text and "Zoë Ó Briain" in text
    assert "Máire Ó Briain" not in text and "Wiśniewski" not in text


def test_the_childs_oversight_line_says_which_open_challenges_are_late(
    db, open_db, sample, qapp, qtbot, settings, prompts_recorder, wait_for_tasks
) -> None:
    """Łukasz raises two challenges for Siân Llewelyn, one informally on 01/03/2024 (to be
    answered in 10 working days, which is also its timescale), one at stage 1 on
    25/03/2024 (answer within 5 working days, the procedure within 20). On 10/04/2024 the
    first is past its timescale and the second's answer overdue: the flags (dashboard, case
    list) said so; the line above her oversight tabs said only "2 open challenges"."""
    from reviewdesk.flags import compute_flags
    from tests.ui.test_oversight import _choose, _click_tab, _save

    window = _as_iro(db, open_db, qtbot, settings, sample, "lukasz", D(2024, 4, 10))
    window.open_child(sample["sian_child"])
    page = window.cases.child
    _click_tab(qtbot, page.tabs, "IRO oversight")
    section = page.oversight

    for raised, stage in ((D(2024, 3, 1), "Informal"), (D(2024, 3, 25), "Stage 1")):

        def raise_it(dialog, raised=raised, stage=stage) -> bool:
            dialog.raised_on.setDate(raised)
            _choose(qtbot, dialog.theme, "Drift")
            qtbot.keyClicks(dialog.concern, "No permanence plan")
            _choose(qtbot, dialog.stage, stage)
            return _save(qtbot, dialog)

        prompts_recorder.on_dialog = raise_it
        press(qtbot, section.raise_button)
    assert prompts_recorder.errors == []
    states = [section.escalations.item(r, 6).text() for r in range(2)]
    assert states == ["Open, answer overdue", "Open, past its timescale"]
    assert section.summary.text().endswith(
        " · 2 open challenges (1 past its timescale, 1 answer overdue)"
    )
    with db.session() as s:
        codes = sorted(
            f.code
            for f in compute_flags(s, as_of=D(2024, 4, 10), child_ids=[sample["sian_child"]])
            if "escalation" in f.code or "challenge" in f.code
        )
    # (An informal challenge's timescale is its answer's: one flag says it.)
    assert codes == ["challenge_response_overdue", "escalation_response_overdue"]


def test_an_iro_s_ctrl_4_enter_lists_their_own_children(
    db, open_db, sample, qapp, qtbot, settings, prompts_recorder, wait_for_tasks
) -> None:
    """Łukasz Nowak wants the children he reviews: Ctrl+4 (Workload), Enter. The table
    opened on its first row, Máire Ó Briain's, so Enter listed her children; his own row is
    the current one."""
    window = _as_iro(db, open_db, qtbot, settings, sample, "lukasz", D(2024, 4, 10))
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_4, CTRL)
    table = window.workload.table
    qtbot.waitUntil(lambda: window.workload.model.rowCount() > 0)
    assert [w.caseload.name for w in window.workload.model.rows][0] == "Máire Ó Briain"
    qtbot.keyClick(table, Qt.Key.Key_Return)
    listed = window.cases.list
    assert (
        listed.narrowed_label.text() == "Showing only the children behind “cases of Łukasz Nowak”."
    )
    model = listed.model
    names = {model.data(model.index(r, 0)) for r in range(model.rowCount())}
    assert names == {"Siân Llewelyn", "Zoë Ó Briain"}


def test_a_contact_is_not_marked_a_midway_review_when_none_is_due(
    db, open_db, sample, qapp, qtbot, settings, prompts_recorder, wait_for_tasks
) -> None:
    """Łukasz visits Zoë before her first review (none held: no midway review is due) and
    ticked "This is the IRO's midway review": the contact was saved with "Midway review:
    Yes", which counts for nothing (a midway review falls between two reviews), and her
    next midway review then showed as not done. The tick is off, and the form says why."""
    from tests.ui.test_oversight import _click_tab

    window = _as_iro(db, open_db, qtbot, settings, sample, "lukasz", D(2024, 4, 10))
    window.open_child(sample["zoe"])
    page = window.cases.child
    _click_tab(qtbot, page.tabs, "IRO oversight")
    _click_tab(qtbot, page.oversight.tabs, "Contacts")
    seen = {}

    def look(dialog) -> bool:
        qtbot.keyClick(dialog.midway, Qt.Key.Key_Space)
        seen["ticked"] = dialog.midway.isChecked()
        seen["hint"] = any(
            "No midway review is due" in w.text() for w in dialog.findChildren(QLabel)
        )
        return False

    prompts_recorder.on_dialog = look
    press(qtbot, page.oversight.contact_button)
    assert seen == {"ticked": False, "hint": True}


def test_an_iro_reading_a_meeting_s_invitations_is_not_told_to_untick_anyone(
    db, open_db, sample, qapp, qtbot, settings, prompts_recorder, wait_for_tasks
) -> None:
    """Łukasz opens his review's invitations (Alt+N) before chairing it: IROs do not
    invite (an administrator does), so the proposed list's ticks are fixed and Invite is
    off, yet the list said "Untick anyone not to invite."; it says who invites."""
    window = _as_iro(db, open_db, qtbot, settings, sample, "lukasz", D(2024, 4, 10))
    window.open_child(sample["zoe"])
    page = window.cases.child
    choose_meeting(page, qtbot, sample["zoe_first"])
    seen = {}

    def look(dialog) -> bool:
        seen["hint"] = dialog.untick.text()
        seen["invite"] = dialog.invite_ticked_button.isEnabled()
        return False

    prompts_recorder.on_dialog = look
    page.table.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    assert seen == {
        "hint": "Those the r&ules propose; an administrator invites them.",
        "invite": False,
    }


def test_an_iro_is_told_why_they_cannot_record_the_childs_voice_at_anothers_review(
    db, open_db, sample, qapp, qtbot, settings, prompts_recorder, wait_for_tasks
) -> None:
    """Máire Ó Briain chairs a review of Siân Llewelyn's (so Siân is hers to record for),
    and opens the Child's voice tab on a review Łukasz Nowak chaired: "Child's voice…" is
    off, as `record_child_voice` allows only the chair, with nothing saying why; its
    tooltip says. On a review she chaired it is on."""
    from reviewdesk.storage.models import Meeting
    from tests.ui.test_oversight import _click_row, _click_tab

    with db.session() as s:
        s.add(
            Meeting(
                child_id=sample["sian_child"],
                process="lac",
                meeting_type="lac_review",
                status="held",
                booked_date=D(2024, 4, 2),
                held_date=D(2024, 4, 2),
                chair_id=sample["maire"],
            )
        )
    window = _as_iro(db, open_db, qtbot, settings, sample, "maire", D(2024, 4, 10))
    window.open_child(sample["sian_child"])
    page = window.cases.child
    _click_tab(qtbot, page.tabs, "IRO oversight")
    section = page.oversight
    _click_tab(qtbot, section.tabs, "Child's voice")
    offered = {}
    for row in range(section.voices.rowCount()):
        _click_row(qtbot, section.voices, row)
        m = section.selected_meeting()
        offered[m.chair_id == sample["maire"]] = (
            section.voice_button.isEnabled(),
            section.voice_button.toolTip(),
        )
    assert offered[True] == (True, "")
    enabled, tip = offered[False]
    assert not enabled
    assert tip.endswith(
        "was chaired by someone else: its chair records the child's views (an administrator "
        "can too)"
    )


def test_an_iro_narrows_the_dashboard_to_their_own_cases(
    db, open_db, sample, qapp, qtbot, settings, prompts_recorder, wait_for_tasks
) -> None:
    """Łukasz Nowak opens the dashboard on Mon 15/04/2024: its tiles counted every IRO's
    children, his colleague's conference among them, and nothing narrowed them to his own.
    "My cases only" (Alt+M) counts the open cases he holds (the Workload page's caseload)
    and lists the meetings he chairs; a tile then opens only his children; the choice is
    kept for the next start."""
    from reviewdesk.caseload import assignments
    from ui.snapshot import case_snapshot

    window = _as_iro(db, open_db, qtbot, settings, sample, "lukasz", D(2024, 4, 15))
    page = window.dashboard
    window.show_page(0)
    assert page.my_cases.isVisible() and not page.my_cases.isChecked()
    everyone = {k: c.ids for k, c in page.tile_counts.items()}
    assert sample["lukasz_child"] in set().union(*everyone.values())  # Máire's child

    qtbot.keyClick(window, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(page.my_cases.isChecked)  # (a shortcut clicks after 100 ms)
    with db.session() as s:
        held = set(assignments(s, as_of=D(2024, 4, 15))[sample["lukasz"]])
    assert sample["zoe"] in held and sample["lukasz_child"] not in held
    mine = {k: c.ids for k, c in page.tile_counts.items()}
    expected = case_snapshot(window.ctx).tiles_held_by(sample["lukasz"])
    assert mine == {k: c.ids for k, c in expected.items()}
    assert all(ids <= held | {sample["lukasz"]} for ids in mine.values())
    assert any(mine.values())
    assert "your own open cases only" in page.flags_note.text()
    assert page.week_title.text().startswith("Meetings you chair this week")

    key = next(k for k, ids in mine.items() if sample["zoe"] in ids)
    qtbot.mouseClick(page.tiles[key], Qt.MouseButton.LeftButton)
    assert window.cases.list._only == mine[key]

    window.save_layout()
    again = _window_as(db, open_db, qtbot, settings, "lukasz", None, D(2024, 4, 15))
    assert again.dashboard.my_cases.isChecked()
    assert {k: c.ids for k, c in again.dashboard.tile_counts.items()} == mine


def test_a_user_with_no_staff_record_is_not_offered_my_cases(
    db, open_db, sample, qapp, qtbot, settings, wait_for_tasks
) -> None:
    window = _window_as(db, open_db, qtbot, settings, "manager", "team_manager", D(2024, 4, 15))
    window.show_page(0)
    assert not window.dashboard.my_cases.isVisible()
