"""The Workload page as a person uses it: its numbers are the caseloads', a double-click lists
exactly the children counted, and its colours are the caseload flags' severities."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from sqlalchemy import select

from reviewdesk.caseload import CaseloadCount, caseloads
from reviewdesk.flags import compute_flags
from reviewdesk.flags.caseload import CHECKS
from reviewdesk.storage.models import Staff
from tests.actions.shortcuts import save_setting
from tests.ui.sample import AS_OF


def _double_click_row(qtbot, table, row: int) -> None:
    rect = table.visualRect(table.model().index(row, 0))
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    QTest.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_each_row_opens_the_children_it_counts(window, qtbot, db) -> None:
    window.nav.setCurrentRow(3)
    page = window.workload
    assert window.stack.currentWidget() is page
    with db.session() as s:
        loads = caseloads(s, as_of=AS_OF)
    # The page holds each caseload's numbers only; its children are read when it is opened.
    assert page.model.rows and all(isinstance(w.caseload, CaseloadCount) for w in page.model.rows)
    for row in range(page.model.rowCount()):
        name = page.model.data(page.model.index(row, 0))
        load = next(c for c in loads.values() if c.name == name)
        shown = [page.model.data(page.model.index(row, c)) for c in (3, 4, 5)]
        assert shown == [load.lac_children, load.cp_children, load.children]
        window.nav.setCurrentRow(3)
        _double_click_row(qtbot, page.table, row)
        assert window.stack.currentWidget() is window.cases
        model = window.cases.list.model
        listed = {model.child_id(r) for r in range(model.rowCount())}
        assert listed == load.child_ids
        assert window.cases.list.count.text().startswith(f"{load.children:,} ")


def test_colours_follow_the_caseload_flags(window, db) -> None:
    # The range is in whole children: 1-1. Łukasz: 2 children per FTE (above); Máire, made
    # full-time: 1 (within).
    with db.session() as s:
        s.scalars(select(Staff).where(Staff.name == "Máire Ó Briain")).one().fte = 1.0
    save_setting(db, "caseload_min_per_fte", 1)
    save_setting(db, "caseload_max_per_fte", 1)
    window.nav.setCurrentRow(3)
    window.refresh_all()
    page = window.workload
    with db.session() as s:
        flags = {f.staff_id: f for f in compute_flags(s, as_of=AS_OF) if f.code in CHECKS}
        loads = caseloads(s, as_of=AS_OF)
    colours = {}
    for row in range(page.model.rowCount()):
        w = page.model.rows[row]
        colours[w.caseload.name] = page.model.rag(w)
        flag = flags.get(w.caseload.staff_id)
        assert page.model.rag(w) == (flag.severity if flag else "green")
    assert colours == {"Łukasz Nowak": "amber", "Máire Ó Briain": "green"}
    assert {loads[i].name for i in flags} == {"Łukasz Nowak"}
    tip = page.model.data(page.model.index(0, 6), Qt.ItemDataRole.ToolTipRole)
    assert "range" in tip


def test_with_no_team_set_up_the_page_says_so(
    db, reg, open_db, qapp, qtbot, settings, prompts_recorder
) -> None:
    """No social work team set up: "Social work teams this week" says so (as the printed
    workload list and `reviewdesk teams` do), also above the figures of the children with no
    team, which alone read as if "No team" were a team."""
    import datetime as dt

    from reviewdesk.workload import NO_TEAMS
    from tests.ui.driving import shown_rows
    from tests.ui.test_roles_window import _window_as

    window = _window_as(db, open_db, qtbot, settings, "manager", "team_manager", AS_OF)
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    page = window.workload
    assert page.teams_note.isVisible() and page.teams_note.text() == NO_TEAMS
    assert shown_rows(page.teams_table) == []
    child = reg.child()
    reg.period(child, AS_OF - dt.timedelta(days=100), iro_id=reg.staff())  # 1st review overdue
    window.refresh_all()
    assert page.teams_note.isVisible() and page.teams_note.text() == NO_TEAMS
    # The children with no team, under the note; no "All teams" row for one row.
    assert shown_rows(page.teams_table) == [("No team", "–", "0", "1", "0", "0", "0")]


def test_a_team_manager_opens_a_team_s_overdue_children_from_its_row(
    db, open_db, qapp, qtbot, settings, prompts_recorder
) -> None:
    """A team manager reads the teams' week on the Workload page (Ctrl+4), a row a team and
    "All teams" below, as the printed workload list has it, clicks their team and presses
    Enter: the case list holds exactly the children that team's "Overdue" counts (the
    teams' figures were a line of text each, which nothing could be opened from)."""
    import datetime as dt

    from PySide6.QtGui import QBrush

    from reviewdesk.workload import team_workload
    from tests.actions.shortcuts import generate_demo
    from tests.ui.driving import shown_rows
    from tests.ui.test_roles_window import _window_as
    from ui import theme

    as_of = dt.date(2025, 12, 10)
    generate_demo(db, children=150, seed=11, as_of=as_of)
    with db.session() as s:
        teams = team_workload(s, as_of=as_of)
    window = _window_as(db, open_db, qtbot, settings, "manager", "team_manager", as_of)
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    page = window.workload
    table = page.teams_table
    qtbot.waitUntil(lambda: page.teams_model.rowCount() == len(teams) + 1)
    rows = shown_rows(table)
    assert [r[0] for r in rows] == [*(t.team_name for t in teams), "All teams"]
    assert rows[-1][2:] == tuple(str(sum(t.figures[i] for t in teams)) for i in range(5))
    assert table.isVisible() and table.height() >= table.rowViewportPosition(len(rows) - 1)

    row = next(r for r, t in enumerate(teams) if len(t.overdue) > 0)
    overdue = page.teams_model.index(row, 3)
    red = theme.text_colour("red")
    assert page.teams_model.data(overdue, Qt.ItemDataRole.ForegroundRole) == QBrush(red)
    QTest.mouseClick(
        table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(overdue).center()
    )
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert window.stack.currentWidget() is window.cases
    model = window.cases.list.model
    assert {model.child_id(r) for r in range(model.rowCount())} == set(teams[row].overdue)

    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    total = page.teams_model.index(len(teams), 0)
    QTest.mouseClick(
        table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(total).center()
    )
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert {model.child_id(r) for r in range(model.rowCount())} == {
        c for t in teams for c in t.overdue
    }
