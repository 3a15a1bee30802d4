"""The window as each role uses it, by clicking and typing: what a role may not do is not
offered (no box to type into, no button that leads to a refusal), and what it may do is.

Who may do what is `reviewdesk.actions.PERMISSIONS` (and the actions' own checks); these
tests replay what a person did that the window got wrong.
"""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from tests.invitations.scenario import AS_OF as CONFERENCE_AS_OF
from tests.invitations.scenario import conference
from tests.ui.driving import on_screen, open_audit_trail, zoes_first_review_cancelled
from tests.ui.test_changes import choose_meeting

D = dt.date


def _window_as(db, open_db, qtbot, settings, name: str, role: str | None, as_of: dt.date):
    """The main window on ``db``'s data, opened by ``name`` with ``role`` (None: not on the
    user list), on screen."""
    from ui.context import AppContext
    from ui.main_window import MainWindow

    ctx = AppContext.open(open_db(name, role=role), as_of=as_of)
    window = MainWindow(ctx, settings=settings)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.load_initial_data()
    on_screen(window, qtbot)
    return window


@pytest.fixture
def wait_for_tasks():
    yield
    from ui.tasks import wait_for_all

    wait_for_all()


# --- invitations, reports and pack ----------------------------------------------------------


@pytest.mark.parametrize("role", ["team_manager", None])
def test_a_read_only_user_cannot_type_into_the_invitation_forms(
    db, open_db, qapp, qtbot, settings, prompts_recorder, wait_for_tasks, role
) -> None:
    """A team manager (or someone not on the list) opens a meeting's invitations with Alt+N
    and tries to name someone to invite, a report to add and when the pack went, and to
    tick the reports expected and whom the pack went to: the boxes take no typing and the ticks
    do not change, as the buttons that would save them are off."""
    from reviewdesk import actions
    from reviewdesk.invitations.proposal import propose
    from reviewdesk.settings import working_context
    from ui.dialogs.invitations import InvitationsDialog

    ids = conference(db)
    with db.session() as s:  # those the rules propose are invited: the pack has whom to go to
        rules, calendar = working_context(s)
        invitees = propose(s, ids["meeting"], rules=rules, calendar=calendar).new_invitees
    actions.add_invitees(
        db, actions.whoami(db), ids["meeting"], [actions.invitee_from(c) for c in invitees]
    )
    window = _window_as(db, open_db, qtbot, settings, "reader", role, CONFERENCE_AS_OF)
    window.open_child(ids["child"])
    page = window.cases.child
    choose_meeting(page, qtbot, ids["meeting"])
    typed: dict[str, str] = {}

    def try_typing(dialog) -> bool:
        assert isinstance(dialog, InvitationsDialog)
        for name, box in (
            ("other", dialog.other_name),
            ("role", dialog.other_role),
            ("email", dialog.other_email),
            ("someone", dialog.someone.lineEdit()),
            ("report", dialog.report_author),
        ):
            qtbot.keyClicks(box, "Aled")
            typed[name] = box.text()
        qtbot.keyClick(dialog.pack_how, Qt.Key.Key_Down)
        typed["pack how"] = dialog.pack_how.currentText()
        typed["pack how at first"] = dialog.pack_how.itemText(0)
        for name, box in (("reports", dialog.proposed_reports), ("to", dialog.pack_recipients)):
            assert box.item(0).data(Qt.ItemDataRole.UserRole) is not None  # one to tick
            box.setFocus()
            box.setCurrentRow(0)
            before = box.item(0).checkState()
            qtbot.keyClick(box, Qt.Key.Key_Space)  # tick or untick the first
            typed[name] = "ticked" if box.item(0).checkState() != before else ""
        assert not dialog.invite_other_button.isEnabled()
        assert not dialog.record_pack_button.isEnabled()
        return False

    prompts_recorder.on_dialog = try_typing
    page.table.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: len(prompts_recorder.dialogs) == 1)
    how, how_at_first = typed.pop("pack how"), typed.pop("pack how at first")
    assert typed == {
        "other": "",
        "role": "",
        "email": "",
        "someone": "",
        "report": "",
        "reports": "",
        "to": "",
    }
    assert how == how_at_first
    assert prompts_recorder.errors == []


# --- IRO oversight --------------------------------------------------------------------------


def _click_tab(qtbot, tabs, title: str) -> None:
    bar = tabs.tabBar()
    index = next(i for i in range(bar.count()) if bar.tabText(i) == title)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert tabs.currentIndex() == index


def test_an_iro_is_offered_oversight_only_for_the_children_that_are_theirs(
    db, open_db, sample, qapp, qtbot, settings, prompts_recorder, wait_for_tasks
) -> None:
    """Máire Ó Briain, a CP chair on the user list as an IRO, opens Siân Llewelyn (Łukasz
    Nowak's child, none of whose meetings she chairs): she may not record a challenge or a
    contact for her, so the buttons are off and clicking them opens no form that would end
    in a refusal. For Łukasz Wiśniewski, whose conference she chairs, they are on."""
    from reviewdesk import actions
    from tests.ui.sample import AS_OF

    actions.add_user(db, actions.whoami(db), "maire", "iro", staff_id=sample["maire"])
    window = _window_as(db, open_db, qtbot, settings, "maire", None, AS_OF)
    offered = {}
    for child in ("sian_child", "lukasz_child"):
        window.open_child(sample[child])
        page = window.cases.child
        _click_tab(qtbot, page.tabs, "IRO oversight")
        section = page.oversight
        offered[child] = (section.raise_button.isEnabled(), section.contact_button.isEnabled())
        if child == "sian_child":
            qtbot.mouseClick(section.raise_button, Qt.MouseButton.LeftButton)
            _click_tab(qtbot, section.tabs, "Contacts")
            qtbot.mouseClick(section.contact_button, Qt.MouseButton.LeftButton)
            _click_tab(qtbot, section.tabs, "Challenges")
    assert offered == {"sian_child": (False, False), "lukasz_child": (True, True)}
    assert prompts_recorder.dialogs == [] and prompts_recorder.errors == []


def test_a_child_who_becomes_an_iro_s_is_offered_to_her_after_f5(
    db, open_db, sample, qapp, qtbot, settings, prompts_recorder, wait_for_tasks
) -> None:
    """Máire has Siân Llewelyn's page open: not her child, so no challenge or contact is
    offered. An administrator elsewhere books Siân's next review with Máire in the chair,
    which makes Siân hers to record for; Máire presses F5 and the buttons are on. What she
    may do was kept from the first reading, and stayed off."""
    from reviewdesk import actions
    from reviewdesk.storage.models import Meeting
    from tests.ui.sample import AS_OF

    actions.add_user(db, actions.whoami(db), "maire", "iro", staff_id=sample["maire"])
    window = _window_as(db, open_db, qtbot, settings, "maire", None, AS_OF)
    window.open_child(sample["sian_child"])
    page = window.cases.child
    _click_tab(qtbot, page.tabs, "IRO oversight")
    section = page.oversight
    assert not section.raise_button.isEnabled()
    with db.session() as s:  # (another user, on another computer)
        s.add(
            Meeting(
                child_id=sample["sian_child"],
                process="lac",
                meeting_type="lac_review",
                status="booked",
                booked_date=D(2024, 5, 20),
                chair_id=sample["maire"],
            )
        )
    qtbot.keyClick(window, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: page.oversight.raise_button.isEnabled(), timeout=5000)
    assert page.oversight.contact_button.isEnabled()


# --- a role changed while the window is open ------------------------------------------------


def _users_row(box, name: str) -> int:
    return next(r for r in range(box.table.rowCount()) if box.table.item(r, 0).text() == name)


def test_an_administrator_who_becomes_an_iro_no_longer_sees_the_audit_trail(
    window, qtbot, prompts_recorder, sample
) -> None:
    """An administrator reads Zoë's History tab and the audit trail (Ctrl+Shift+A), then makes
    themselves an IRO in Settings (another administrator stays). IROs may not read the
    trail: the trail's window closes and the child's History tab is gone, not left showing
    what the role may not read."""
    from reviewdesk import actions

    ctx = window.ctx
    actions.add_user(ctx.db, ctx.actor, "deputy", "administrator")
    zoes_first_review_cancelled(window, sample)
    on_screen(window, qtbot)
    window.open_child(sample["zoe"])
    page = window.cases.child
    _click_tab(qtbot, page.tabs, "History")
    assert page.history.model.rowCount() > 0
    audit = open_audit_trail(window, qtbot)

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    _demote_myself(window, qtbot, "iro")
    assert prompts_recorder.errors == []

    assert not audit.isVisible()
    assert not window.audit_action.isEnabled()
    window.open_child(sample["zoe"])
    tabs = page.tabs
    assert [tabs.tabText(i) for i in range(tabs.count())] == [
        "Due dates",
        "Allocations",
        "IRO oversight",
    ]
    assert page.history is None


def test_f5_reads_the_role_again_after_another_administrator_changed_it(
    db, open_db, sample, qapp, qtbot, settings, prompts_recorder, wait_for_tasks
) -> None:
    """Łukasz Nowak, an IRO, has Zoë's first review (which he chairs) selected, with Record
    outcome on. An administrator makes him a team manager meanwhile; he presses F5 (Refresh,
    "Reload the data"): Record outcome goes off and Ctrl+O opens no form, rather than one
    whose Save is refused."""
    from reviewdesk import actions
    from reviewdesk.storage.users import find_user
    from tests.ui.sample import AS_OF

    admin = actions.whoami(db)
    actions.add_user(db, admin, "lukasz", "iro", staff_id=sample["lukasz"])
    window = _window_as(db, open_db, qtbot, settings, "lukasz", None, AS_OF)
    window.open_child(sample["zoe"])
    page = window.cases.child
    choose_meeting(page, qtbot, sample["zoe_first"])
    assert page.record_button.isEnabled()

    with db.session() as s:
        version = find_user(s, "lukasz").version
    actions.set_role(db, admin, "lukasz", "team_manager", expected_version=version)
    qtbot.keyClick(window, Qt.Key.Key_F5)
    assert page.selected_meeting().id == sample["zoe_first"]
    assert not page.record_button.isEnabled()
    assert "Team manager (read only)" in window.user_label.text()
    page.table.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    assert prompts_recorder.dialogs == [] and prompts_recorder.errors == []


def test_a_deactivated_user_is_told_they_were_deactivated_not_that_they_are_not_listed(
    db, open_db, sample, qapp, qtbot, settings, prompts_recorder, wait_for_tasks
) -> None:
    """Deputy, an administrator, has the window open when another administrator deactivates
    them. Deputy types a new council name and clicks Save settings: the refusal says they
    were deactivated (they are on the user list, marked so), not that they are not on it.
    After F5 the status bar and the Users and roles tab say the same."""
    from reviewdesk import actions
    from reviewdesk.storage.users import find_user
    from tests.ui.sample import AS_OF

    window = _window_as(db, open_db, qtbot, settings, "deputy", "administrator", AS_OF)
    with db.session() as s:
        version = find_user(s, "deputy").version
    actions.deactivate_user(db, actions.whoami(db), "deputy", expected_version=version)

    qtbot.keyClick(window, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)  # Settings
    page = window.settings_page
    _click_tab(qtbot, page.tabs, "Council")
    page.council.selectAll()
    qtbot.keyClicks(page.council, "Northgate")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert prompts_recorder.errors == [
        "deputy (deactivated, read only) cannot change settings. Ask an administrator. "
        "Nothing was changed."
    ]

    qtbot.keyClick(window, Qt.Key.Key_F5)
    assert window.user_label.text() == "deputy — Deactivated (read only)"
    assert not page.save_button.isEnabled()
    _click_tab(qtbot, page.tabs, "Users and roles")
    assert page.users.me.text().startswith("You are deputy: deactivated (read only).")


def test_oversight_is_read_only_while_the_register_is_seen_as_of_another_day(
    window, qtbot, prompts_recorder, sample
) -> None:
    """An administrator looks at the register as it stood on 01/03/2024 (Ctrl+Shift+D), when
    booking, recording and editing are off: on Siân Llewelyn's IRO oversight tab no challenge
    or contact can be recorded either. Back to today, they can."""
    on_screen(window, qtbot)
    prompts_recorder.text_answer = "01/03/2024"
    qtbot.keyClick(
        window,
        Qt.Key.Key_D,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert window.ctx.viewing_past
    window.open_child(sample["sian_child"])
    page = window.cases.child
    _click_tab(qtbot, page.tabs, "IRO oversight")
    section = page.oversight
    assert not page.book_button.isEnabled()
    assert (section.raise_button.isEnabled(), section.contact_button.isEnabled()) == (False, False)

    qtbot.mouseClick(window.as_of_back, Qt.MouseButton.LeftButton)  # Back to today
    assert (section.raise_button.isEnabled(), section.contact_button.isEnabled()) == (True, True)


def test_an_iro_raises_a_challenge_and_records_a_contact_as_themselves_only(
    db, open_db, sample, qapp, qtbot, settings, prompts_recorder, wait_for_tasks
) -> None:
    """Máire Ó Briain, an IRO, raises a challenge and records a contact for Łukasz
    Wiśniewski, whose conference she chairs. The action takes only her own (an IRO records
    none as by another): "Raised by" and "IRO" show her and cannot be changed, where the
    arrow keys once chose Łukasz Nowak, and Save was refused."""
    from reviewdesk import actions
    from tests.ui.sample import AS_OF
    from ui.dialogs.oversight import ContactDialog, EscalationDialog

    actions.add_user(db, actions.whoami(db), "maire", "iro", staff_id=sample["maire"])
    window = _window_as(db, open_db, qtbot, settings, "maire", None, AS_OF)
    window.open_child(sample["lukasz_child"])
    page = window.cases.child
    _click_tab(qtbot, page.tabs, "IRO oversight")
    section = page.oversight
    chosen: dict[str, str] = {}

    def try_someone_else(dialog) -> bool:
        combo = dialog.raised_by if isinstance(dialog, EscalationDialog) else dialog.staff
        assert isinstance(dialog, (EscalationDialog, ContactDialog))
        combo.setFocus()
        for key in (Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_Home, Qt.Key.Key_End):
            qtbot.keyClick(combo, key)
            chosen.setdefault(type(dialog).__name__, set()).add(combo.currentText())
        return False

    prompts_recorder.on_dialog = try_someone_else
    qtbot.mouseClick(section.raise_button, Qt.MouseButton.LeftButton)
    _click_tab(qtbot, section.tabs, "Contacts")
    qtbot.mouseClick(section.contact_button, Qt.MouseButton.LeftButton)
    assert chosen == {"EscalationDialog": {"Máire Ó Briain"}, "ContactDialog": {"Máire Ó Briain"}}


# --- the diary ------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "books"), [("team_manager", False), ("administrator", True)])
def test_the_diary_offers_booking_a_free_slot_only_to_those_who_may_book(
    db, open_db, sample, qapp, qtbot, settings, prompts_recorder, wait_for_tasks, role, books
) -> None:
    """A team manager opens the diary (Ctrl+3) and reads, under the week and on a free
    slot, how to use it: booking is not offered to them (Enter on a free slot does nothing
    for them), where it told them to press Enter to book. An administrator is told."""
    from tests.ui.sample import AS_OF

    window = _window_as(db, open_db, qtbot, settings, "someone", role, AS_OF)
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    diary = window.diary
    model = diary.model
    free = next(
        model.index(r, c)
        for r in range(model.rowCount())
        for c in range(model.columnCount())
        if not model.cells.get((r, c))
    )
    assert ("book a free slot" in diary.summary.text()) is books
    tip = model.data(free, Qt.ItemDataRole.StatusTipRole)
    assert tip == ("Free: Enter or double-click to book a meeting here" if books else "Free")
    if not books:
        diary.table.setFocus()
        diary.table.setCurrentIndex(free)
        qtbot.keyClick(diary.table, Qt.Key.Key_Return)
        assert prompts_recorder.dialogs == [] and prompts_recorder.errors == []


# --- the child's page -----------------------------------------------------------------------


def test_a_read_only_user_is_not_told_to_complete_a_record_with_keys_they_cannot_use(
    db, open_db, sample, qapp, qtbot, settings, prompts_recorder, wait_for_tasks
) -> None:
    """A team manager opens Łukasz Wiśniewski, who has no social worker. The warning said to
    complete the record with Edit details (F2) and Allocate (Ctrl+L), which are off for
    them (F2 opens nothing): it says an administrator can complete it."""
    from tests.ui.sample import AS_OF

    window = _window_as(db, open_db, qtbot, settings, "manager", "team_manager", AS_OF)
    window.open_child(sample["lukasz_child"])
    page = window.cases.child
    assert page.missing.isVisibleTo(window)
    assert page.missing.text() == (
        "⚠ The record has no social worker: an administrator can complete it."
    )
    page.table.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_F2)
    assert prompts_recorder.dialogs == []


# --- the workload ---------------------------------------------------------------------------


def test_the_caseload_range_button_is_for_those_who_may_change_it(
    window, qtbot, prompts_recorder
) -> None:
    """An administrator sees "Caseload range…" on the Workload page (it opens Settings at
    the range). Once they make themselves a team manager (another administrator stays), it
    is gone: it led to fields they may not change."""
    from reviewdesk import actions

    ctx = window.ctx
    actions.add_user(ctx.db, ctx.actor, "deputy", "administrator")
    on_screen(window, qtbot)
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)  # Workload
    assert window.workload.range_button.isVisibleTo(window)

    _demote_myself(window, qtbot, "team_manager")
    assert prompts_recorder.errors == []

    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)  # Workload
    assert window.current_page() is window.workload
    assert not window.workload.range_button.isVisibleTo(window)


# --- the File menu --------------------------------------------------------------------------


def _file_menu_key(window, qtbot, key: Qt.Key) -> None:
    """Alt+F opens the File menu; ``key`` is the underlined letter of one of its items."""
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.AltModifier)
    menu = window.menuBar().actions()[0].menu()
    qtbot.waitUntil(menu.isVisible)
    qtbot.keyClick(menu, key)


def test_the_demo_authority_is_offered_only_for_an_empty_database(
    window, qtbot, prompts_recorder
) -> None:
    """An administrator, on a database that holds children, opens File and presses D
    (Create demo authority…): it is off, as the action refuses a database that is not
    empty. It was on, and after the progress bar said the database already held children
    and to "use --replace", a command-line option."""
    on_screen(window, qtbot)
    assert not window.ctx.is_empty()
    _file_menu_key(window, qtbot, Qt.Key.Key_D)
    qtbot.wait(50)
    assert prompts_recorder.errors == []
    assert not window.demo_action.isEnabled()


def test_the_demo_authority_is_offered_on_an_empty_database(
    db, qapp, qtbot, settings, prompts_recorder, wait_for_tasks
) -> None:
    """On an empty database an administrator has it (File > Create demo authority…)."""
    from ui.context import AppContext
    from ui.main_window import MainWindow

    window = MainWindow(AppContext.open(db), settings=settings)
    qtbot.addWidget(window)
    assert window.demo_action.isEnabled()


def _demote_myself(window, qtbot, role: str) -> None:
    """Settings (Ctrl+5), Users and roles: select "tester", choose ``role``, Change role."""
    qtbot.keyClick(window, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    page = window.settings_page
    _click_tab(qtbot, page.tabs, "Users and roles")
    box = page.users
    rect = box.table.visualRect(box.table.model().index(_users_row(box, "tester"), 0))
    qtbot.mouseClick(box.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    box.role.setFocus()
    while box.role.currentData() != role:
        qtbot.keyClick(box.role, Qt.Key.Key_Down)
    qtbot.mouseClick(box.role_button, Qt.MouseButton.LeftButton)
    assert window.ctx.role.value == role


def test_oversight_is_no_longer_offered_once_the_role_changes_to_read_only(
    window, qtbot, prompts_recorder, sample
) -> None:
    """An administrator has Siân Llewelyn's IRO oversight open, makes themselves a team
    manager in Settings (another administrator stays), and clicks Cases in the navigation,
    back to her page: Raise challenge and Record contact are off and Themes… gone, as for
    any team manager (they stayed as the administrator had them)."""
    from reviewdesk import actions

    actions.add_user(window.ctx.db, window.ctx.actor, "deputy", "administrator")
    on_screen(window, qtbot)
    window.open_child(sample["sian_child"])
    page = window.cases.child
    _click_tab(qtbot, page.tabs, "IRO oversight")
    section = page.oversight
    assert section.raise_button.isEnabled() and section.themes_button.isVisibleTo(section)

    _demote_myself(window, qtbot, "team_manager")
    nav = window.nav
    rect = nav.visualItemRect(nav.item(1))  # Cases
    qtbot.mouseClick(nav.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.cases.stack.currentWidget() is page and page.tabs.currentWidget() is section
    assert (section.raise_button.isEnabled(), section.contact_button.isEnabled()) == (False, False)
    assert not section.themes_button.isVisibleTo(section)
    assert prompts_recorder.errors == []


def test_the_diary_stops_offering_booking_once_the_role_changes_to_read_only(
    window, qtbot, prompts_recorder
) -> None:
    """An administrator reads the diary (Ctrl+3), which offers booking a free slot; they
    make themselves a team manager and go back to it: it no longer does."""
    from reviewdesk import actions

    actions.add_user(window.ctx.db, window.ctx.actor, "deputy", "administrator")
    on_screen(window, qtbot)
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert "book a free slot" in window.diary.summary.text()
    _demote_myself(window, qtbot, "team_manager")
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page() is window.diary
    assert "book a free slot" not in window.diary.summary.text()


# --- an IRO with no staff record ------------------------------------------------------------


def test_an_iro_with_no_staff_record_is_told_why_recording_is_off_until_one_is_linked(
    db, open_db, sample, qapp, qtbot, settings, prompts_recorder, wait_for_tasks
) -> None:
    """Łukasz Nowak is on the user list as an IRO with no staff record linked: on Zoë's page
    Record outcome is off, and the page (and the button's tip, and the oversight buttons'
    tips) say why and where an administrator links one. Once one is linked and he presses
    F5, the line goes and he records the review he chairs."""
    from reviewdesk import actions
    from reviewdesk.storage.users import find_user
    from tests.ui.sample import AS_OF

    admin = actions.whoami(db)
    actions.add_user(db, admin, "lukasz", "iro")
    window = _window_as(db, open_db, qtbot, settings, "lukasz", None, AS_OF)
    window.open_child(sample["zoe"])
    page = window.cases.child
    choose_meeting(page, qtbot, sample["zoe_first"])
    reason = "Your user has no staff record linked, so no meetings are yours to record"
    where = "Settings > Users and roles (Name and staff record…)"
    assert not page.record_button.isEnabled()
    assert page.unlinked.isVisible()
    assert reason in page.unlinked.text() and where in page.unlinked.text()
    assert reason in page.record_button.toolTip()
    _click_tab(qtbot, page.tabs, "IRO oversight")
    assert not page.oversight.raise_button.isEnabled()
    assert reason in page.oversight.raise_button.toolTip()

    with db.session() as s:
        version = find_user(s, "lukasz").version
    actions.set_user_details(
        db,
        admin,
        "lukasz",
        display_name="Łukasz Nowak",
        staff_id=sample["lukasz"],
        expected_version=version,
    )
    qtbot.keyClick(window, Qt.Key.Key_F5)
    choose_meeting(page, qtbot, sample["zoe_first"])
    assert page.record_button.isEnabled()
    assert not page.unlinked.isVisible()
    assert reason not in page.record_button.toolTip()
    assert reason not in page.oversight.raise_button.toolTip()


# --- F1: the shortcuts the role can use -----------------------------------------------------


def _f1_keys(window, qtbot, prompts_recorder) -> set[str]:
    """Press F1 in the window; the keys its list shows."""
    qtbot.keyClick(window, Qt.Key.Key_F1)
    return {keys for keys, _what in prompts_recorder.dialogs[-1].rows()}


@pytest.mark.parametrize("role", ["team_manager", None])
def test_f1_lists_only_the_shortcuts_a_read_only_role_can_use(
    db, open_db, sample, qapp, qtbot, settings, prompts_recorder, wait_for_tasks, role
) -> None:
    """A team manager (or someone not on the list) presses F1 on a child's page: booking,
    rescheduling, cancelling, recording, editing, allocating and importing are not listed
    (those keys do nothing for them); reading, printing and moving about are."""
    from tests.ui.sample import AS_OF

    window = _window_as(db, open_db, qtbot, settings, "reader", role, AS_OF)
    window.open_child(sample["zoe"])
    choose_meeting(window.cases.child, qtbot, sample["zoe_first"])
    keys = _f1_keys(window, qtbot, prompts_recorder)
    for cannot in ("Ctrl+B", "Ctrl+R", "Ctrl+Shift+X", "Ctrl+O", "F2", "Ctrl+L", "Ctrl+I"):
        assert cannot not in keys, cannot
    for can in ("Ctrl+Shift+P", "Alt+M", "Alt+N", "Ctrl+F", "Ctrl+E", "F5", "Ctrl+1"):
        assert can in keys, can
    assert ("Ctrl+Shift+A" in keys) is (role == "team_manager")  # the audit trail
    assert "In the booking dialog" not in keys
    assert not any(key.startswith("Enter or double-click on") for key in keys)
    # What is listed works: what is not, does nothing.
    for key in ("Ctrl+B", "Ctrl+O", "F2"):
        action = next(a for a in window.cases.child.page_actions if a.shortcut().toString() == key)
        assert not action.isEnabled(), key


def test_f1_lists_every_shortcut_for_an_administrator_and_recording_for_an_iro(
    db, open_db, sample, qapp, qtbot, settings, prompts_recorder, wait_for_tasks
) -> None:
    from reviewdesk import actions
    from tests.ui.sample import AS_OF

    window = _window_as(db, open_db, qtbot, settings, "boss", "administrator", AS_OF)
    keys = _f1_keys(window, qtbot, prompts_recorder)
    every = ("Ctrl+B", "Ctrl+R", "Ctrl+Shift+X", "Ctrl+O", "F2", "Ctrl+L", "Ctrl+I")
    for key in (*every, "Ctrl+Shift+A", "Ctrl+Shift+P", "Alt+N", "In the booking dialog"):
        assert key in keys, key
    assert "Enter or double-click on a child's timeline" in keys
    window.close()

    actions.add_user(db, actions.whoami(db), "lukasz", "iro", staff_id=sample["lukasz"])
    iro = _window_as(db, open_db, qtbot, settings, "lukasz", None, AS_OF)
    keys = _f1_keys(iro, qtbot, prompts_recorder)
    assert "Ctrl+O" in keys and "Enter or double-click on a child's timeline" in keys
    for cannot in ("Ctrl+B", "F2", "Ctrl+L", "Ctrl+I", "Ctrl+Shift+A"):
        assert cannot not in keys, cannot


def test_a_team_manager_is_told_why_the_buttons_they_cannot_use_are_off(
    db, open_db, sample, qapp, qtbot, settings, prompts_recorder, wait_for_tasks
) -> None:
    """A team manager opens a child from a dashboard tile and finds Book meeting, Edit
    details and Allocate off, and File > Import off: nothing said why (the buttons' tips
    said only what they would do, "Book a meeting for this child (Ctrl+B)"), as the
    Settings page does ("Only an administrator can change settings.")."""
    from PySide6.QtWidgets import QToolTip

    from tests.ui.sample import AS_OF

    window = _window_as(db, open_db, qtbot, settings, "manager", "team_manager", AS_OF)
    window.open_child(sample["zoe"])
    page = window.cases.child
    why = (
        "Read only (team manager): an administrator books meetings and edits the record, "
        "and the IRO chairing a meeting records its outcome."
    )
    assert page.read_only.isVisible() and page.read_only.text() == why
    for button in (page.book_button, page.edit_button, page.allocate_button):
        assert not button.isEnabled()
        qtbot.mouseMove(button)
        qtbot.waitUntil(lambda b=button: QToolTip.isVisible() and QToolTip.text() == why)
        QToolTip.hideText()
    file_menu = window.menuBar().actions()[0].menu()
    texts = [a.text() for a in file_menu.actions()]
    assert "&Import from 903 or CIN census (an administrator imports)" in texts


def test_an_administrator_is_not_told_the_page_is_read_only(window, sample, qtbot) -> None:
    window.open_child(sample["zoe"])
    page = window.cases.child
    assert not page.read_only.isVisible() and page.read_only.text() == ""
    assert page.book_button.toolTip() == "Book a meeting for this child (Ctrl+B)"
    assert window.import_action.text() == "&Import from 903 or CIN census…"


def test_an_iro_is_told_who_books_and_edits(
    db, open_db, sample, qapp, qtbot, settings, prompts_recorder, wait_for_tasks
) -> None:
    """An IRO opens a child: Book meeting, Edit details and Allocate are off, and their tips
    said only what they would do. They now say who does it; the page is not called read
    only (the IRO records the meetings they chair)."""
    from PySide6.QtWidgets import QToolTip

    from reviewdesk import actions
    from reviewdesk.storage.users import find_user
    from tests.ui.sample import AS_OF

    admin = actions.whoami(db)
    actions.add_user(db, admin, "lukasz", "iro")
    with db.session() as s:
        version = find_user(s, "lukasz").version
    actions.set_user_details(
        db,
        admin,
        "lukasz",
        display_name="Łukasz Nowak",
        staff_id=sample["lukasz"],
        expected_version=version,
    )
    window = _window_as(db, open_db, qtbot, settings, "lukasz", None, AS_OF)
    window.open_child(sample["zoe"])
    page = window.cases.child
    assert not page.read_only.isVisible()
    why = (
        "An administrator books meetings and edits the record; as an IRO you record the "
        "meetings you chair."
    )
    for button in (page.book_button, page.edit_button, page.allocate_button):
        assert not button.isEnabled()
        qtbot.mouseMove(button)
        qtbot.waitUntil(lambda: QToolTip.isVisible() and QToolTip.text() == why)
        QToolTip.hideText()


def test_the_shortcuts_fit_the_screen_and_enter_closes_them(
    db, open_db, sample, qapp, qtbot, settings, prompts_recorder, wait_for_tasks
) -> None:
    """F1's list was a message box 772 pixels high on a 768-pixel screen (its OK button on
    the bottom edge; off the screen at 200%): now a table in a dialog no bigger than the
    screen, the table scrolling, every line a row of keys and what they do."""
    from tests.ui.sample import AS_OF
    from ui.screen import available
    from ui.shortcuts_dialog import ShortcutsDialog

    window = _window_as(db, open_db, qtbot, settings, "boss", "administrator", AS_OF)
    lines = window.shortcut_lines()
    dialog = ShortcutsDialog(lines, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    room = available(dialog)
    assert dialog.width() <= room.width() and dialog.height() <= room.height()
    assert [f"{keys}\t{what}" for keys, what in dialog.rows()] == lines
    assert all(keys and what for keys, what in dialog.rows())
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert dialog.result() == dialog.DialogCode.Accepted and not dialog.isVisible()
