"""Every Qt model passes Qt's model tester, sorts by raw values and shows UK dates."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from reviewdesk import queries
from reviewdesk.casework.mapping import DueNotKnown
from reviewdesk.queries import CaseFilter
from reviewdesk.workload import read_workload
from tests.ui.sample import AS_OF
from ui.duedates import due_items
from ui.models import IdRole, SortRole
from ui.models.case_model import COLUMNS, PAGE_SIZE, CaseListModel
from ui.models.diary_model import DiaryWeekModel
from ui.models.timeline_model import TimelineModel, build_rows
from ui.pages.workload import WorkloadModel
from ui.tasks import wait_for_all


def _column(model, key: str) -> int:
    return [k for k, _ in COLUMNS].index(key)


def test_case_list_model(qtmodeltester, ctx, sample) -> None:
    model = CaseListModel(ctx.db, as_of=AS_OF)
    model.reload()
    qtmodeltester.check(model)
    assert model.rowCount() == 4
    col = _column(model, "next_meeting")
    zoe_row = [model.child_id(r) for r in range(4)].index(sample["zoe"])
    index = model.index(zoe_row, col)
    assert model.data(index) == "11/04/2024"
    assert model.data(index, SortRole) == dt.date(2024, 4, 11)
    assert model.data(index, IdRole) == sample["zoe"]
    model.sort(_column(model, "local_id"), Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(model)
    ids = [model.data(model.index(r, 1)) for r in range(model.rowCount())]
    assert ids == ["C0004", "C0003", "C0002", "C0001"]
    model.set_filter(CaseFilter(text="Łukasz"))
    assert [model.child_id(r) for r in range(model.rowCount())] == [sample["lukasz_child"]]
    qtmodeltester.check(model)
    # Case and accents are ignored when searching: "zoe obri" finds Zoë Ó Briain.
    model.set_filter(CaseFilter(text="zoe o bri"))
    assert [model.child_id(r) for r in range(model.rowCount())] == [sample["zoe"]]
    model.set_filter(CaseFilter(text="lukasz wisniewski c0002"))
    assert model.rowCount() == 1
    model.set_filter(CaseFilter(text="nobody"))
    assert model.rowCount() == 0
    qtmodeltester.check(model)


def test_case_list_model_fetches_rows_in_pages(qtmodeltester, ctx, db) -> None:
    from reviewdesk.storage.models import Child

    with db.session() as s:
        s.add_all(
            Child(
                local_id=f"X{n:05d}",
                first_name="Rhys",
                last_name=f"Ap Gwilym {n:05d}",
                dob=dt.date(2015, 1, 1),
            )
            for n in range(PAGE_SIZE * 3)
        )
    model = CaseListModel(db, as_of=AS_OF)
    model.reload()
    assert model.rowCount() == PAGE_SIZE * 3 + 4
    assert model._rows == {}  # nothing fetched until asked for
    model.data(model.index(PAGE_SIZE + 5, 0))
    assert len(model._rows) == PAGE_SIZE
    qtmodeltester.check(model)


def test_timeline_model(qtmodeltester, ctx, sample) -> None:
    with ctx.db.session() as s:
        detail = queries.child_detail(s, sample["lukasz_child"])
    model = TimelineModel()
    model.set_rows(build_rows(detail, due_items(ctx, detail), AS_OF))
    qtmodeltester.check(model)
    events = [model.data(model.index(r, 1)) for r in range(model.rowCount())]
    assert "CP plan" in events and "Strategy discussion (s47)" in events
    timescales = {
        model.data(model.index(r, 1)): model.data(model.index(r, 5))
        for r in range(model.rowCount())
    }
    assert timescales["Initial CP conference"] == "In timescale"
    assert (
        timescales["1st review CP conference"] == "Overdue"
    )  # booked for 14/03, due 20/03, not recorded


def test_a_called_off_meeting_on_the_timeline_is_named_in_full(ctx, sample) -> None:
    """A meeting with no due date of its own (cancelled) was named on the child's timeline
    by its type's short name, "1st review", where every other place says "1st review CP
    conference" (`vocabulary.meeting_label`)."""
    from reviewdesk.storage.models import Meeting

    with ctx.db.session() as s:
        s.get(Meeting, sample["rcpc"]).status = "cancelled"
    with ctx.db.session() as s:
        detail = queries.child_detail(s, sample["lukasz_child"])
    rows = build_rows(detail, due_items(ctx, detail), AS_OF)
    [row] = [r for r in rows if r.meeting_id == sample["rcpc"]]
    assert row.event == "1st review CP conference"


def test_diary_model_marks_holidays_and_clashes(qtmodeltester, ctx, sample) -> None:
    model = DiaryWeekModel()
    monday = dt.date(2024, 3, 25)  # Easter week: Good Friday 29/03
    with ctx.db.session() as s:
        entries = queries.diary_entries(s, monday, monday + dt.timedelta(days=6))
        chairs = queries.chairs(s)
    model.set_week(monday, entries, chairs, by="chair", calendar=ctx.calendar)
    qtmodeltester.check(model)
    header = model.headerData(4, Qt.Orientation.Horizontal)
    assert header.startswith("Fri 29/03/2024") and "Good Friday" in header
    assert model.data(model.index(0, 4)) == "Good Friday"
    assert model.data(model.index(0, 4), Qt.ItemDataRole.BackgroundRole) is not None

    monday = dt.date(2024, 4, 8)
    with ctx.db.session() as s:
        entries = queries.diary_entries(s, monday, monday + dt.timedelta(days=6))
    model.set_week(monday, entries, chairs, by="chair", calendar=ctx.calendar)
    qtmodeltester.check(model)
    assert model.clash_count() == 2
    row = [name for _id, name in model.resources].index("Łukasz Nowak")
    text = model.data(model.index(row, 3))
    assert "Zoë Ó Briain" in text and "Siân Llewelyn" in text and "double booked" in text
    assert model.data(model.index(row, 3), SortRole) == 2


def test_workload_model(qtmodeltester, ctx, sample) -> None:
    summary = read_workload(ctx.db, AS_OF)
    model = WorkloadModel()
    model.set_summary(summary)
    qtmodeltester.check(model)
    assert model.rowCount() == 2
    assert model.data(model.index(0, 6), SortRole) is not None
    names = [model.data(model.index(r, 0)) for r in range(model.rowCount())]
    lukasz = names.index("Łukasz Nowak")
    assert [model.data(model.index(lukasz, c)) for c in (3, 4, 5)] == [2, 0, 2]


def test_next_due_column_sorts_by_the_engines_dates(qtmodeltester, ctx, sample) -> None:
    model = CaseListModel(ctx.db, as_of=AS_OF)
    model.reload()
    col = _column(model, "next_due")
    assert model.data(model.index(0, col)) is None  # not worked out yet: empty, not guessed
    dues = {sample["zoe"]: dt.date(2024, 4, 24), sample["sian_child"]: dt.date(2024, 5, 6)}
    model.set_next_dues(dues)
    model.sort(col, Qt.SortOrder.AscendingOrder)
    qtmodeltester.check(model)
    order = [model.child_id(r) for r in range(model.rowCount())]
    unknown = [sample["closed"], sample["lukasz_child"]]  # by name: Ní Dhomhnaill, Wiśniewski
    assert order == [sample["zoe"], sample["sian_child"], *unknown]
    assert model.data(model.index(0, col)) == "24/04/2024"
    assert model.data(model.index(0, col), SortRole) == dt.date(2024, 4, 24)
    model.sort(col, Qt.SortOrder.DescendingOrder)
    order = [model.child_id(r) for r in range(model.rowCount())]
    assert order == [sample["sian_child"], sample["zoe"], *unknown]  # unknown dates last


def test_next_due_not_known_says_so_and_sorts_with_its_kind(qtmodeltester, ctx, sample) -> None:
    """An open case the data cannot date (a yearly return not imported) reads "not known",
    with why in its tooltip, and sorts after the dates and before the closed cases (nothing
    due) whichever way the column is sorted."""
    model = CaseListModel(ctx.db, as_of=AS_OF)
    model.reload()
    col = _column(model, "next_due")
    why = "Next LAC review: a review may have been held that is not in the data"
    dues = {
        sample["zoe"]: dt.date(2024, 4, 24),
        sample["sian_child"]: dt.date(2024, 5, 6),
        sample["lukasz_child"]: DueNotKnown((why,)),
    }
    model.set_next_dues(dues)
    for order, dated in (
        (Qt.SortOrder.AscendingOrder, [sample["zoe"], sample["sian_child"]]),
        (Qt.SortOrder.DescendingOrder, [sample["sian_child"], sample["zoe"]]),
    ):
        model.sort(col, order)
        qtmodeltester.check(model)
        ids = [model.child_id(r) for r in range(model.rowCount())]
        assert ids == [*dated, sample["lukasz_child"], sample["closed"]]
    index = model.index(2, col)
    assert model.data(index) == "not known"
    assert model.data(index, Qt.ItemDataRole.ToolTipRole) == f"Due date not known: {why}"
    assert model.data(index, Qt.ItemDataRole.ForegroundRole) is None
    assert model.data(model.index(3, col)) is None  # closed: nothing due


def test_the_case_list_reads_each_query_once_however_often_asked(qtbot, ctx, sample) -> None:
    """At start the window asks for the list several times before the first reading is in
    (the filter, the teams, the next dues): one reading in the background, not one each
    (three at once on 100,000 children held the window up)."""
    model = CaseListModel(ctx.db, as_of=AS_OF, background=True)
    read: list[tuple] = []
    query = model._query_base
    model._query_base = lambda key: read.append(key) or query(key)
    open_cases = CaseFilter(open_only=True)
    model.set_filter(open_cases, force=True)
    model.set_filter(open_cases)
    model._refresh()
    model._refresh()
    qtbot.waitUntil(lambda: model.rowCount() > 0, timeout=10_000)
    wait_for_all()
    assert len(read) == 1
    with ctx.db.session() as s:
        expected = queries.case_ids(s, open_cases, as_of=AS_OF)
    assert [model.child_id(r) for r in range(model.rowCount())] == expected
    # After a change the list is read again, even with a reading on its way.
    model.set_filter(open_cases, force=True)
    model.reload()
    wait_for_all()
    qtbot.waitUntil(lambda: len(read) >= 2, timeout=10_000)
    assert all(key == read[0] for key in read)
