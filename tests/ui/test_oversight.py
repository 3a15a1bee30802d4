"""IRO oversight in the window, driven as a person would: a challenge raised, escalated,
answered and resolved, a contact recorded, the child's voice recorded, all by clicking and
typing on the child's page; the dashboard tile, the case list's last contact and the Workload
page's open challenges follow at once (F5 forbidden). And who may: a team manager reads.

The sample (tests/ui/sample.py), as of Wed 10/04/2024: Siân Llewelyn, looked after, her IRO
Łukasz Nowak; her review of 06/11/2023 was the last, the next is due by 06/05/2024, so the
midway review was due by the midpoint, Mon 05/02/2024, and nothing is recorded since.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QPushButton, QTabWidget
from sqlalchemy import select

from reviewdesk.storage.models import ChildVoice, Escalation, EscalationTheme, IroContact
from tests.ui.test_changes import case_list, cell, dashboard, open_child, press, shown, tile
from ui.pages.oversight_section import OversightSection

D = dt.date
__all__ = ["shown"]  # the fixture, used below


def _save(qtbot, dialog) -> bool:
    press(qtbot, dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save))
    return dialog.result() == dialog.DialogCode.Accepted


def _click_tab(qtbot, tabs: QTabWidget, title: str) -> None:
    bar = tabs.tabBar()
    index = next(i for i in range(bar.count()) if bar.tabText(i) == title)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert tabs.currentIndex() == index


def _click_row(qtbot, table, row: int) -> None:
    rect = table.visualRect(table.model().index(row, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def _choose(qtbot, combo, text: str) -> None:
    """Pick an item of a combo box by keyboard: the arrow keys down to the one whose text
    starts so (typing a space would open its list)."""
    texts = [combo.itemText(i) for i in range(combo.count())]
    wanted = text if text in texts else next(t for t in texts if t.startswith(text))
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    for _ in texts:
        if combo.currentText() == wanted:
            return
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentText() == wanted, combo.currentText()


def test_a_challenge_and_a_contact_recorded_by_clicking_and_typing(
    shown, qtbot, prompts_recorder, sample, db
) -> None:
    window = shown
    child = sample["sian_child"]
    dashboard(window, qtbot)
    assert child in window.dashboard.tile_children["oversight"]  # midway review overdue
    before = tile(window, "oversight")
    figures = window.dashboard.oversight
    assert figures.title.text() == "IRO oversight, Q1 2024/25 to 10/04/2024"
    assert "Challenges raised: 0 (0 formal)" in figures.text().splitlines()

    page = open_child(window, qtbot, "llewelyn")
    _click_tab(qtbot, page.tabs, "IRO oversight")
    section = page.oversight
    assert section.summary.text() == (
        "Last IRO contact with the child: 06/11/2023 · midway review OVERDUE (due by "
        "05/02/2024) · no contact with the child since the review on 06/11/2023"
    )
    assert "last IRO contact 06/11/2023" in page.facts.text()  # she attended (PN1)

    # --- raise a challenge: Save without a theme is refused, then typed in full ----------
    def raise_it(dialog) -> bool:
        qtbot.keyClicks(dialog.concern, "No permanence plan at the third review")
        assert not _save(qtbot, dialog)
        assert prompts_recorder.errors[-1].startswith(
            "Nothing was saved. Theme: '' is not one of the themes"
        )
        _choose(qtbot, dialog.theme, "Drift")
        assert dialog.due.text() == "Answer due by 24/04/2024"  # 10/04 + 10 working days
        return _save(qtbot, dialog)

    prompts_recorder.on_dialog = raise_it
    press(qtbot, section.raise_button)
    assert section.escalations.rowCount() == 1
    assert section.escalations.item(0, 2).text() == "Drift or delay in permanence planning"
    assert section.escalations.item(0, 6).text() == "Open"

    # --- straight to stage 2 (skipping stage 1), its answer, then the outcome ------------
    _click_row(qtbot, section.escalations, 0)

    def escalate(dialog) -> bool:
        _choose(qtbot, dialog.stage, "Stage 2")
        qtbot.keyClicks(dialog.raised_with, "Ann Head, service manager")
        return _save(qtbot, dialog)

    prompts_recorder.on_dialog = escalate
    press(qtbot, section.escalate_button)
    assert section.escalations.item(0, 4).text() == "Stage 2 (Ann Head, service manager)"
    assert section.escalations.item(0, 5).text() == "09/05/2024"  # 10/04 + 20 working days

    _click_row(qtbot, section.escalations, 0)

    def answer(dialog) -> bool:
        qtbot.keyClicks(dialog.answer, "Permanence planning meeting booked")
        return _save(qtbot, dialog)

    prompts_recorder.on_dialog = answer
    press(qtbot, section.answer_button)
    _click_row(qtbot, section.escalations, 0)

    def resolve(dialog) -> bool:
        qtbot.keyClick(dialog.resolved.check, Qt.Key.Key_Space)  # tick "resolved", today
        _choose(qtbot, dialog.outcome, "Resolved")
        qtbot.keyClicks(dialog.impact, "Plan agreed")
        return _save(qtbot, dialog)

    prompts_recorder.on_dialog = resolve
    press(qtbot, section.outcome_button)
    assert section.escalations.item(0, 6).text() == "Resolved 10/04/2024", prompts_recorder.errors
    with db.session() as s:
        saved = s.query(Escalation).one()
        assert (saved.outcome, saved.impact, saved.raised_by_id) == (
            "resolved",
            "Plan agreed",
            sample["lukasz"],  # the child's IRO, offered first
        )
        assert [st.stage for st in saved.stages] == [0, 2]

    # --- a contact: the IRO's midway review, a visit with her -------------------------------
    _click_tab(qtbot, section.tabs, "Contacts")

    def contact(dialog) -> bool:
        dialog.contact_date.setDate(D(2024, 4, 8))
        _choose(qtbot, dialog.kind, "Visit")
        qtbot.keyClick(dialog.midway, Qt.Key.Key_Space)
        qtbot.keyClicks(dialog.note, "Home visit at the placement")
        return _save(qtbot, dialog)

    prompts_recorder.on_dialog = contact
    press(qtbot, section.contact_button)
    assert prompts_recorder.errors[-1].startswith("Nothing was saved. Theme:")  # no new error
    assert [section.contacts.item(0, c).text() for c in range(4)] == [
        "08/04/2024",
        "Visit",
        "Yes",
        "Yes",
    ]
    assert section.summary.text().startswith(
        "Last IRO contact with the child: 08/04/2024 · midway review done 08/04/2024, after "
        "its due date 05/02/2024"
    )
    with db.session() as s:
        assert s.query(IroContact).one().note == "Home visit at the placement"

    # --- everything else follows at once ------------------------------------------------------
    dashboard(window, qtbot)
    assert child not in window.dashboard.tile_children["oversight"]
    assert tile(window, "oversight") == before - 1
    assert figures.text().splitlines()[:3] == [
        "Challenges raised: 1 (1 formal)",
        "Resolved within timescale: 100% (1 of 1)",
        "Open past their timescale: 0",
    ]
    case_list(window, qtbot)
    assert cell(window, child, "last_iro_contact") == "08/04/2024"
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    model = window.workload.model
    row = next(r for r in range(model.rowCount()) if model.rows[r].caseload.name == "Łukasz Nowak")
    column = model.COLUMNS.index("Open challenges")
    assert model.data(model.index(row, column)) == 0  # resolved


def test_the_childs_voice_recorded_at_a_review(shown, qtbot, prompts_recorder, sample, db):
    page = open_child(shown, qtbot, "llewelyn")
    _click_tab(qtbot, page.tabs, "IRO oversight")
    section = page.oversight
    _click_tab(qtbot, section.tabs, "Child's voice")
    assert section.voices.item(0, 1).text() == "LAC review 3"
    assert not section.voice_button.isEnabled()  # no review chosen yet
    _click_row(qtbot, section.voices, 0)

    def voice(dialog) -> bool:
        qtbot.keyClick(dialog.methods["by_form"], Qt.Key.Key_Space)
        qtbot.keyClick(dialog.methods["by_app"], Qt.Key.Key_Space)
        _choose(qtbot, dialog.offered, "Yes")
        _choose(qtbot, dialog.taken_up, "No")
        _choose(qtbot, dialog.consultation, "Returned")
        return _save(qtbot, dialog)

    prompts_recorder.on_dialog = voice
    press(qtbot, section.voice_button)
    assert prompts_recorder.errors == []
    assert [section.voices.item(0, c).text() for c in (3, 4, 5)] == [
        "Consultation form, App (e.g. Mind Of My Own)",
        "Offered, declined",
        "Returned",
    ]
    with db.session() as s:
        saved = s.query(ChildVoice).one()
        assert (saved.by_form, saved.by_app, saved.advocacy_offered, saved.consultation) == (
            True,
            True,
            True,
            "returned",
        )


def test_a_team_manager_reads_the_section_only(open_db, db, sample, qtbot, qapp) -> None:
    from ui.context import AppContext

    manager = open_db("manager", role="team_manager")
    ctx = AppContext.open(manager, as_of=D(2024, 4, 10))
    section = OversightSection(ctx)
    qtbot.addWidget(section)
    from reviewdesk import queries

    with manager.session() as s:
        section.show_child(queries.child_detail(s, sample["sian_child"]))
    section.voices.selectRow(0)
    assert section.summary.text().startswith("Last IRO contact with the child: 06/11/2023")
    for button in (
        section.raise_button,
        section.contact_button,
        section.voice_button,
        section.escalate_button,
    ):
        assert not button.isEnabled(), button.text()
    assert not section.themes_button.isVisibleTo(section)


def test_an_administrator_extends_the_themes(shown, qtbot, prompts_recorder, sample, db) -> None:
    page = open_child(shown, qtbot, "llewelyn")
    _click_tab(qtbot, page.tabs, "IRO oversight")
    section = page.oversight
    assert section.themes_button.isVisible()

    def edit(dialog) -> bool:
        qtbot.keyClicks(dialog.new, "Housing and tenancy")
        qtbot.keyClick(dialog.new, Qt.Key.Key_Return)  # Enter adds it
        texts = [dialog.list.item(i).text() for i in range(dialog.list.count())]
        assert texts[-1] == "Housing and tenancy" and dialog.new.text() == ""
        qtbot.keyClicks(dialog.new, "housing and TENANCY")  # the same words: refused
        qtbot.keyClick(dialog.new, Qt.Key.Key_Return)
        assert prompts_recorder.errors[-1].endswith("already in the list.")
        dialog.new.clear()
        row = texts.index("Contact")
        rect = dialog.list.visualItemRect(dialog.list.item(row))
        qtbot.mouseClick(dialog.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        press(
            qtbot,
            next(b for b in dialog.findChildren(QPushButton) if b.text() == "&Retire selected"),
        )
        assert dialog.list.item(row).text() == "Contact (retired)"
        return False  # closed

    prompts_recorder.on_dialog = edit
    press(qtbot, section.themes_button)
    assert len(prompts_recorder.errors) == 1

    # A new challenge offers the new theme and not the retired one.
    offered: list[str] = []

    def look(dialog) -> bool:
        offered.extend(dialog.theme.itemText(i) for i in range(dialog.theme.count()))
        return False

    prompts_recorder.on_dialog = look
    press(qtbot, section.raise_button)
    assert "Housing and tenancy" in offered and "Contact" not in offered
    with db.session() as s:
        retired = s.scalar(select(EscalationTheme).where(EscalationTheme.text == "Contact"))
        assert retired.active is False and retired.version == 2


def test_esc_on_the_themes_asks_only_while_a_theme_is_typed_and_not_added(
    shown, qtbot, prompts_recorder, sample, db
) -> None:
    """A new theme typed, then Esc (a slip, or meant for the page): the dialog closed without
    a word and the theme was lost. Esc asks now, No by default (back, the words as typed);
    Enter adds the theme, and Esc then closes at once: the list is not as it opened, but
    nothing would be lost."""
    page = open_child(shown, qtbot, "llewelyn")
    _click_tab(qtbot, page.tabs, "IRO oversight")
    seen: dict = {}

    def edit(dialog) -> bool:
        dialog.show()
        qtbot.waitExposed(dialog)
        dialog.activateWindow()
        qtbot.waitUntil(dialog.isActiveWindow)
        qtbot.mouseClick(dialog.new, Qt.MouseButton.LeftButton)
        qtbot.keyClicks(dialog.new, "Housing and tenancy")
        prompts_recorder.confirm_answer = False  # No: back to the dialog
        qtbot.keyClick(dialog.new, Qt.Key.Key_Escape)
        seen["after no"] = (dialog.isVisible(), dialog.new.text())
        prompts_recorder.confirm_answer = True
        qtbot.keyClick(dialog.new, Qt.Key.Key_Return)  # added
        qtbot.keyClick(dialog.new, Qt.Key.Key_Escape)
        seen["closed at once"] = not dialog.isVisible()
        return False

    prompts_recorder.on_dialog = edit
    press(qtbot, page.oversight.themes_button)
    assert seen == {"after no": (True, "Housing and tenancy"), "closed at once": True}
    assert prompts_recorder.questions == [
        "Close \u201cChallenge themes\u201d without saving? The new theme typed "
        "(\u201cHousing and tenancy\u201d) will be lost."
    ]
    assert prompts_recorder.defaults_no == [True]  # Esc, Enter: back to the dialog
    with db.session() as s:
        assert s.scalar(
            select(EscalationTheme).where(EscalationTheme.text == "Housing and tenancy")
        )


def test_the_oversight_screens_fit_a_laptop_screen(window, qtbot) -> None:
    """At 1366x768 no oversight table needs a sideways scroll (the Workload page's open
    challenges column was once off the edge) and the dashboard's figures are all there.
    (Nothing is edited here, so not the `shown` fixture, which checks what edits did.)"""
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # the keys below go to the active window
    window.resize(1366, 768)
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.workload.model.rowCount() > 0)
    table = window.workload.table
    assert table.horizontalScrollBar().maximum() == 0
    last = table.horizontalHeader().sectionViewportPosition(len(window.workload.model.COLUMNS) - 1)
    assert 0 < last < table.viewport().width() - 100  # "Open challenges" in full view
    page = open_child(window, qtbot, "llewelyn")
    _click_tab(qtbot, page.tabs, "IRO oversight")
    for title, table in (
        ("Challenges", page.oversight.escalations),
        ("Contacts", page.oversight.contacts),
        ("Child's voice", page.oversight.voices),
    ):
        _click_tab(qtbot, page.oversight.tabs, title)
        assert table.horizontalScrollBar().maximum() == 0, title
    dashboard(window, qtbot)
    assert len(window.dashboard.oversight.text().splitlines()) == 6
