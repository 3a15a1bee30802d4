"""The same fact wherever the window shows it."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from reviewdesk.queries import CASE_COLUMNS
from reviewdesk.storage.models import CpPlan, Meeting
from tests.ui.sample import AS_OF
from ui.main_window import MainWindow

D = dt.date


def _list_column(window: MainWindow, column: str) -> dict[str, str]:
    """The case list's rows: child's name -> the column's text."""
    model = window.cases.list.model
    names = [key for key, _title in CASE_COLUMNS]
    return {
        model.data(model.index(r, names.index("name"))): model.data(
            model.index(r, names.index(column))
        )
        for r in range(model.rowCount())
    }


def _shown(window: MainWindow, qtbot) -> MainWindow:
    """The window loaded, on screen and active, so that its shortcuts work."""
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.load_initial_data()
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)
    QTest.qWait(20)
    return window


def _open_workload_row(window: MainWindow, qtbot, name: str) -> None:
    """Ctrl+4, then a double-click on the IRO's row: the case list of their caseload."""
    QTest.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    QTest.qWait(20)
    page = window.workload
    assert window.current_page() is page
    model = page.model
    row = next(r for r in range(model.rowCount()) if model.data(model.index(r, 0)) == name)
    rect = page.table.visualRect(model.index(row, 0))
    QTest.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    QTest.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.current_page() is window.cases


def test_a_caseloads_children_are_listed_under_the_iro_who_holds_them(
    db, sample, ctx, qtbot, settings, prompts_recorder
) -> None:
    """The case list's "IRO / chair" named the chair of a plan not yet started on the as-of
    date, and the IRO of a period of care long closed before the chair of the plan in force:
    opening Máire's caseload from the Workload page listed her children under someone else
    (the demo authority as of 02/06/2025: four children)."""
    with db.session() as s:
        # Łukasz Wiśniewski's plan (chaired by Máire) ends next month; a later one will be
        # chaired by Łukasz Nowak. On the as-of date it is Máire's.
        plan = s.query(CpPlan).filter_by(child_id=sample["lukasz_child"]).one()
        plan.end_date = D(2024, 5, 1)
        s.add(
            CpPlan(
                child_id=sample["lukasz_child"],
                start=D(2024, 6, 3),
                initial_category="NEG",
                latest_category="NEG",
                chair_id=sample["lukasz"],
            )
        )
        # Aoife left care in 2023 (Łukasz Nowak her IRO); she is now on a plan Máire chairs.
        s.add(
            CpPlan(
                child_id=sample["closed"],
                start=D(2024, 2, 1),
                initial_category="EMO",
                latest_category="EMO",
                chair_id=sample["maire"],
            )
        )
    window = _shown(MainWindow(ctx, settings=settings), qtbot)
    assert window.ctx.as_of == AS_OF

    _open_workload_row(window, qtbot, "Máire Ó Briain")
    listed = _list_column(window, "iro")
    assert listed == {
        "Łukasz Wiśniewski": "Máire Ó Briain",
        "Aoife Ní Dhomhnaill": "Máire Ó Briain",
    }
    # Łukasz Nowak's caseload: his two children looked after, under his name.
    window.cases.list.show_all()
    _open_workload_row(window, qtbot, "Łukasz Nowak")
    assert set(_list_column(window, "iro").values()) == {"Łukasz Nowak"}
    # Every child with an open case: the same name as the Workload page's caseloads give.
    window.cases.list.show_all()
    assert _list_column(window, "iro") == {
        "Zoë Ó Briain": "Łukasz Nowak",
        "Siân Llewelyn": "Łukasz Nowak",
        "Łukasz Wiśniewski": "Máire Ó Briain",
        "Aoife Ní Dhomhnaill": "Máire Ó Briain",
    }


def test_a_meeting_recorded_as_held_later_is_the_next_meeting_as_of_a_day_before(
    db, sample, ctx, qtbot, settings, prompts_recorder
) -> None:
    """Seen as of a day before it was held, a meeting is still to come (`vocabulary.is_upcoming`):
    the dashboard's week and the diary showed Siân's review on 11/04/2024, while the case
    list's "Next meeting" was blank, reading booked meetings only (the demo authority as of
    02/06/2025: 1,272 children with a meeting to come had none there)."""
    with db.session() as s:
        review = s.get(Meeting, sample["sian_review"])
        review.status, review.held_date = "held", D(2024, 4, 11)  # recorded afterwards
    window = _shown(MainWindow(ctx, settings=settings), qtbot)
    assert window.ctx.as_of == D(2024, 4, 10)

    QTest.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    QTest.qWait(20)
    week = window.dashboard.week_table
    shown = {(week.item(r, 0).text(), week.item(r, 2).text()) for r in range(week.rowCount())}
    assert ("Thu 11/04/2024", "Siân Llewelyn") in shown

    QTest.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    QTest.qWait(20)
    assert window.current_page() is window.cases
    next_meeting = _list_column(window, "next_meeting")
    assert next_meeting["Siân Llewelyn"] == "11/04/2024"
    assert next_meeting["Zoë Ó Briain"] == "11/04/2024"
