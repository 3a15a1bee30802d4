"""The same fact wherever the window shows it."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from reviewdesk.queries import CASE_COLUMNS
from reviewdesk.storage.models import Child, CpPlan, Meeting
from tests.ui.driving import shown_rows, teams_shown
from tests.ui.sample import AS_OF
from ui import theme
from ui.main_window import MainWindow
from ui.models import IdRole

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


def test_the_charts_colours_are_the_measures_rag(
    db, qapp, qtbot, settings, prompts_recorder
) -> None:
    """The dashboard's chart coloured a month red when it was more than 5 points below the
    target, where the measures (the timeliness report, the measures export) rate it red
    only below the red line (10 points under the target unless the council sets one): the
    demo as of 05/01/2026 showed December's 93.5% red on the dashboard and amber in the
    report."""
    from reviewdesk import dashboard
    from reviewdesk.measures import compute_measures
    from tests.actions.shortcuts import generate_demo
    from ui.context import AppContext
    from ui.theme import apply_theme

    as_of = D(2025, 12, 10)
    generate_demo(db, children=200, seed=3, as_of=as_of)
    with db.session() as s:
        figures = dashboard.timeliness(s, as_of=as_of).figures
    # December: 93.3% of 15 held in timescale, against the target of 100% for both.
    n, month = len(figures) - 1, figures[-1]
    assert (month.label, round(month.percent, 1)) == ("Dec 25", 93.3)
    with db.session() as s:
        measures = compute_measures(s, start=dashboard.timeliness_start(as_of), end=as_of)
    rated = {r.key: r.rag[n] for r in measures.rows if r.key in dashboard.TIMELINESS_ROWS}
    assert {r.key: r.target for r in measures.rows if r.key in rated} == dict.fromkeys(rated, 100)
    apply_theme(qapp)
    window = _shown(MainWindow(AppContext.open(db, as_of=as_of), settings=settings), qtbot)
    QTest.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    QTest.qWait(20)
    chart = window.dashboard.chart
    assert [f.label for f in chart.figures] == [f.label for f in figures]
    # The bar as painted: the middle of the month's bar, half-way up it.
    image = chart.grab().toImage()
    left, right, top, bottom = 44, chart.width() - 12, 12, chart.height() - 28
    slot = (right - left) / len(chart.figures)
    x = int(left + n * slot + slot / 2)
    y = int(bottom - (bottom - top) * month.percent / 100 / 2)
    painted = image.pixelColor(x, y).name()
    assert "red" not in rated.values()  # the measures rate neither part of it red
    assert painted == theme.AMBER.name()
    assert chart.figures[n].rag == "amber"


def _tiles(window: MainWindow) -> dict[str, frozenset[int]]:
    """Ctrl+1: the dashboard's tiles, as shown (child ids behind each)."""
    QTest.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    QTest.qWait(20)
    assert window.current_page() is window.dashboard
    return window.dashboard.tile_children


def _children(db) -> list[Child]:
    with db.session() as s:
        return list(s.query(Child))


def _next_due_cells(window: MainWindow) -> dict[str, tuple[str | None, str | None, str | None]]:
    """The case list's "Next due" cells: child's name -> (text, colour, tooltip)."""
    model = window.cases.list.model
    names = [key for key, _title in CASE_COLUMNS]
    out = {}
    for r in range(model.rowCount()):
        index = model.index(r, names.index("next_due"))
        brush = model.data(index, Qt.ItemDataRole.ForegroundRole)
        out[model.data(model.index(r, names.index("name")))] = (
            model.data(index),
            None if brush is None else brush.color().name(),
            model.data(index, Qt.ItemDataRole.ToolTipRole),
        )
    return out


def test_the_case_lists_next_due_is_coloured_by_the_same_flags_as_the_tiles(
    db, sample, ctx, qtbot, settings, prompts_recorder
) -> None:
    """The case list painted a next due date amber when it fell within 14 calendar days,
    whatever the council's "due soon" setting (10 working days to the date a meeting must be
    booked by) and whether or not it was booked: Zoë's review, booked for the day after, was
    amber in the list while the dashboard had nothing due soon. Now the list marks a date as
    the flags do, and says why in its tooltip."""
    from tests.ui.driving import zoes_first_review_cancelled

    window = _shown(MainWindow(ctx, settings=settings), qtbot)
    QTest.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    QTest.qWait(20)
    assert window.current_page() is window.cases
    window.cases.list.show_all()
    amber, red = theme.text_colour("amber").name(), theme.text_colour("red").name()
    zoe = _next_due_cells(window)["Zoë Ó Briain"]
    assert zoe[:2] == ("24/04/2024", None)  # booked for 11/04/2024: nothing to do yet
    assert sample["zoe"] not in window.dashboard.tile_children["due_soon_unbooked"]

    zoes_first_review_cancelled(window, sample)
    qtbot.waitUntil(lambda: _next_due_cells(window)["Zoë Ó Briain"][1] == amber)
    text, _colour, tip = _next_due_cells(window)["Zoë Ó Briain"]
    assert text == "24/04/2024"
    assert tip.startswith("24/04/2024\n") and "is not booked" in tip
    assert sample["zoe"] in _tiles(window)["due_soon_unbooked"]

    # Every row: amber exactly for the children behind "Due soon, not booked", red exactly
    # for those behind "Overdue" (as of a month on, when some are).
    for as_of in (AS_OF, D(2024, 5, 20)):
        window.set_as_of(as_of)
        tiles = _tiles(window)
        QTest.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
        QTest.qWait(20)
        names = {f"{c.first_name} {c.last_name}": c.id for c in _children(db)}
        cells = _next_due_cells(window)
        expected = {
            name: red
            if names[name] in tiles["overdue"]
            else amber
            if names[name] in tiles["due_soon_unbooked"]
            else None
            for name, (text, _c, _t) in cells.items()
            if text and "/" in text
        }
        assert {n: c for n, (_t, c, _tip) in cells.items() if n in expected} == expected
    assert red in expected.values()


def test_an_adjourned_meeting_clashes_in_the_diary_as_everywhere_else(
    db, sample, ctx, qtbot, settings, prompts_recorder
) -> None:
    """The diary marked double bookings among booked and held meetings only, where the
    booking check, the dashboard's double-booking flags and the weekly schedule count an
    adjourned meeting too (it still holds its chair, room and clerk): Siân's review,
    adjourned at 10:30 on Thu 11/04/2024, clashed with Zoë's at 10:00 everywhere but the
    diary."""
    from reviewdesk.reports.weekly import clashes, collect_week

    with db.session() as s:
        s.get(Meeting, sample["sian_review"]).status = "adjourned"
    both = {sample["zoe_first"], sample["sian_review"]}
    with db.session() as s:
        week = collect_week(s, D(2024, 4, 8))
    assert clashes(week.meetings, lambda m: m.chair) == both
    window = _shown(MainWindow(ctx, settings=settings), qtbot)
    assert {sample["zoe"], sample["sian_child"]} <= _tiles(window)["double_booked"]
    QTest.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    QTest.qWait(20)
    assert window.current_page() is window.diary
    model = window.diary.model
    qtbot.waitUntil(lambda: model.clash_count() == 2)
    assert set(model.clashes) == both
    assert model.clashes[sample["sian_review"]] == ["chair", "room"]


def _diary_week_back(window: MainWindow, qtbot, weeks: int, label: str) -> None:
    """Ctrl+3, then "Previous week" clicked ``weeks`` times, until the week heading says
    ``label``."""
    QTest.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    QTest.qWait(20)
    page = window.diary
    assert window.current_page() is page
    for _ in range(weeks):
        QTest.mouseClick(page.prev_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: label in page.week_label.text())


def test_a_meeting_never_recorded_shows_so_in_the_diary(
    db, sample, ctx, qtbot, settings, prompts_recorder
) -> None:
    """A past week's meetings booked and never recorded looked like any booked meeting in the
    diary, as if still to come: Łukasz's 1st review CP conference, booked for Thu 14/03/2024,
    seen on 10/04/2024 (the "outcome not recorded" flag's meeting,
    `vocabulary.is_outcome_not_recorded`). Now its block says so, its tip says what to do,
    and the week's summary counts it; the held ones of that week do not."""
    from reviewdesk.flags import compute_flags

    with db.session() as s:
        flagged = {
            f.meeting_id for f in compute_flags(s, as_of=AS_OF) if f.code == "outcome_not_recorded"
        }
    assert flagged == {sample["rcpc"]}
    window = _shown(MainWindow(ctx, settings=settings), qtbot)
    page = window.diary
    _diary_week_back(window, qtbot, 4, "11/03/2024")
    model = page.model
    cells = [
        model.index(r, c)
        for r in range(model.rowCount())
        for c in range(model.columnCount())
        if model.entries_at(r, c)
    ]
    assert len(cells) == 1
    cell = cells[0]
    assert model.data(cell, IdRole) == sample["rcpc"]
    assert "outcome not recorded" in model.data(cell, Qt.ItemDataRole.AccessibleTextRole)
    assert "Outcome not recorded: record it as held, adjourned, cancelled or stood down" in (
        model.data(cell, Qt.ItemDataRole.ToolTipRole)
    )
    assert "1 with outcome not recorded" in page.summary.text()
    # The week still to come says nothing of the kind.
    QTest.mouseClick(page.today_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "08/04/2024" in page.week_label.text())
    assert model.not_recorded_count() == 0
    assert "not recorded" not in page.summary.text()


def test_this_weeks_meetings_say_which_were_never_recorded(
    db, sample, ctx, qtbot, settings, prompts_recorder
) -> None:
    """The dashboard's "This week's meetings" showed Zoë's and Siân's reviews, booked for Thu
    11/04/2024 and never recorded, as plain "LAC review 1" on Fri 12/04/2024, as if still to
    come, while the "Other things to check" tile counted them as "outcome not recorded". The
    column is narrow: "Not recorded" opens the cell, so that it is not cut away, and the row
    is amber."""
    window = _shown(MainWindow(ctx, settings=settings), qtbot)

    def meetings() -> dict[str, str]:
        QTest.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
        QTest.qWait(20)
        assert window.current_page() is window.dashboard
        week = window.dashboard.week_table
        return {week.item(r, 2).text(): week.item(r, 3).text() for r in range(week.rowCount())}

    assert meetings() == {"Zoë Ó Briain": "LAC review 1", "Siân Llewelyn": "LAC review 4"}
    window.set_as_of(D(2024, 4, 12))
    assert {sample["zoe"], sample["sian_child"]} <= _tiles(window)["to_check"]
    assert meetings() == {
        "Zoë Ó Briain": "Not recorded: LAC review 1",
        "Siân Llewelyn": "Not recorded: LAC review 4",
    }
    week = window.dashboard.week_table
    amber = theme.text_colour("amber")
    assert all(
        week.item(r, c).foreground().color() == amber
        for r in range(week.rowCount())
        for c in range(week.columnCount())
    )
    assert (
        week.item(0, 3)
        .toolTip()
        .endswith(", outcome not recorded: record it as held, adjourned, cancelled or stood down")
    )


def test_a_meeting_never_recorded_shows_so_on_the_childs_page(
    db, sample, ctx, qtbot, settings, prompts_recorder
) -> None:
    """Łukasz's 1st review CP conference, booked for 14/03/2024 and never recorded, seen on
    10/04/2024: the timeline said "Booked; 13:30; ..." as for one still to come, and the
    due dates said "overdue since 20/03/2024: book the earliest date you can", though it is
    booked and what is missing is its outcome (the "outcome not recorded" flag)."""
    from tests.ui.test_changes import open_child

    window = _shown(MainWindow(ctx, settings=settings), qtbot)
    page = open_child(window, qtbot, "wisniewski")
    model = page.model
    details = {
        model.row_at(r).meeting_id: model.data(model.index(r, 6)) for r in range(model.rowCount())
    }
    assert details[sample["rcpc"]].startswith("Booked, outcome not recorded; 13:30")
    assert details[sample["icpc"]].startswith("Held")
    dues = page.explanation.toPlainText()
    line = next(t for t in dues.splitlines() if t.startswith("1st review CP conference"))
    assert line == (
        "1st review CP conference due 20/03/2024, overdue since 20/03/2024; booked for "
        "14/03/2024, outcome not recorded: record it as held, adjourned, cancelled or stood down"
    )
    assert "book the earliest date you can" not in line


def test_the_case_lists_next_meeting_says_one_was_never_recorded(
    db, sample, ctx, qtbot, settings, prompts_recorder
) -> None:
    """Łukasz's 1st review CP conference was booked for 14/03/2024 and never recorded: on
    10/04/2024 the case list's "Next meeting" was blank, as for a child with nothing booked
    (the next due date red beside it invited booking another), while the dashboard counted
    it "outcome not recorded". It now says "not recorded", in amber, its tip the flag's
    advice; Zoë's review ahead on 11/04/2024 still shows its date."""
    window = _shown(MainWindow(ctx, settings=settings), qtbot)
    assert sample["lukasz_child"] in _tiles(window)["to_check"]
    QTest.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    QTest.qWait(20)
    assert window.current_page() is window.cases
    next_meeting = _list_column(window, "next_meeting")
    assert next_meeting["Łukasz Wiśniewski"] == "not recorded"
    assert next_meeting["Zoë Ó Briain"] == "11/04/2024"
    model = window.cases.list.model
    column = [key for key, _title in CASE_COLUMNS].index("next_meeting")
    row = next(
        r for r in range(model.rowCount()) if model.data(model.index(r, 0)) == "Łukasz Wiśniewski"
    )
    cell = model.index(row, column)
    assert model.data(cell, Qt.ItemDataRole.ToolTipRole) == (
        "Booked for 14/03/2024; outcome not recorded: record it as held, adjourned, cancelled "
        "or stood down"
    )
    assert model.data(cell, Qt.ItemDataRole.ForegroundRole).color() == theme.text_colour("amber")


def test_challenges_in_timescale_are_counted_alike_by_the_export_the_dashboard_and_the_report(
    db, db_target, sample, ctx, qtbot, settings, prompts_recorder, tmp_path, capsys
) -> None:
    """A challenge raised on Mon 18/03/2024 (Q4 2023/24) and resolved in time on Tue
    02/04/2024 (Q1 2024/25). `reviewdesk export measures` counted it "resolved within
    timescale" in April, the month resolved, where the dashboard's quarter to 10/04/2024 and
    the oversight report for April count the challenges raised then (none): the export said
    100% of 1 beside the dashboard's "none counted". All three now count the challenges
    raised in the period (`figures.challenges_in_timescale`)."""
    import csv

    from reviewdesk import actions
    from reviewdesk.cli.main import main
    from tests.reports.pdfcheck import read_pdf

    me = actions.whoami(db)
    raised = actions.NewEscalation(
        process="lac",
        raised_by_id=sample["lukasz"],
        raised_on=D(2024, 3, 18),
        theme="Placement stability",
        concern="Third move in a year",
    )
    eid = actions.raise_escalation(db, me, sample["sian_child"], raised, as_of=AS_OF).result
    done = actions.EscalationUpdate(
        "Placement stability", "Third move in a year", D(2024, 4, 2), "resolved", "Agreed"
    )
    actions.update_escalation(db, me, eid, done, as_of=AS_OF, expected_version=1)

    def exported(start: str) -> dict[str, tuple[str, str]]:
        """`reviewdesk export measures` from ``start`` to 10/04/2024: month -> the
        challenges resolved within their timescale (numerator, denominator)."""
        out = tmp_path / f"measures-{start}.csv"
        args = ["--from", start, "--to", "2024-04-10", "--format", "csv", "-o", str(out)]
        assert main(["--db", db_target, "export", "measures", *args]) == 0
        with out.open(encoding="utf-8-sig", newline="") as fh:
            rows = [r for r in csv.DictReader(fh)]
        return {
            r["month"]: (r["numerator"], r["denominator"])
            for r in rows
            if r["measure"] == "escalations_resolved_in_timescale"
        }

    def reported(start: str, end: str) -> str:
        """`reviewdesk report oversight` as of 10/04/2024: its share in timescale."""
        out = tmp_path / f"oversight-{start}.pdf"
        period = ["--from", start, "--to", end, "--as-of", "2024-04-10", "-o", str(out)]
        assert main(["--db", db_target, "report", "oversight", *period]) == 0
        lines = [" ".join(x.split()) for x in read_pdf(out.read_bytes()).layout_lines()]
        (found,) = [x for x in lines if x.startswith("Resolved within their timescale")]
        return found.rpartition(") ")[2]

    window = _shown(MainWindow(ctx, settings=settings), qtbot)
    QTest.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    figures = window.dashboard.oversight
    qtbot.waitUntil(lambda: figures.text().startswith("Challenges raised"), timeout=5000)
    assert figures.title.text() == "IRO oversight, Q1 2024/25 to 10/04/2024"
    shown = dict(line.split(": ", 1) for line in figures.text().splitlines())
    assert shown["Challenges raised"] == "0 (0 formal)"
    assert shown["Resolved within timescale"] == "none counted"

    # The same quarter to date: April, in the export and the report.
    assert exported("2024-04-01") == {"2024-04": ("0", "0")}
    assert reported("2024-04-01", "2024-04-10") == "none counted"
    # It counts in March, the month it was raised, in both.
    assert exported("2024-03-01") == {"2024-03": ("1", "1"), "2024-04": ("0", "0")}
    assert reported("2024-03-01", "2024-03-31") == "100% (1 of 1)"
    capsys.readouterr()


def test_the_outcome_forms_reports_name_their_agency_in_the_cores_words(
    db, sample, ctx, qtbot, settings, prompts_recorder
) -> None:
    """Record outcome (Ctrl+O) listed Zoë's reports as "Zoë Clarke (social worker)" and "Dr
    Siân Hughes (health)", its own words for the agencies, where the flags, the letters and
    the invitations say "Social worker" and "Health" (`codes.agency_label`)."""
    from PySide6.QtWidgets import QGroupBox, QLabel

    from reviewdesk.codes import agency_label
    from tests.ui.test_changes import choose_meeting, open_child

    window = _shown(MainWindow(ctx, settings=settings), qtbot)
    page = open_child(window, qtbot, "zoe")
    choose_meeting(page, qtbot, sample["zoe_first"])
    seen: list[str] = []

    def read_reports(dialog) -> bool:
        (box,) = [b for b in dialog.findChildren(QGroupBox) if b.title() == "Reports"]
        seen.extend(label.text() for label in box.findChildren(QLabel))
        return False

    prompts_recorder.on_dialog = read_reports
    page.table.setFocus()
    QTest.keyClick(page.table, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    assert "Zoë Clarke (Social worker)" in seen
    assert "Dr Siân Hughes (Health)" in seen
    assert f"Dr Siân Hughes ({agency_label('health')})" in seen


def test_a_team_s_late_reports_say_which_the_reports_to_chase_list_has(
    db, open_db, qapp, qtbot, settings, prompts_recorder, tmp_path
) -> None:
    """A team manager reads each team's late reports to chase on the Workload page (Ctrl+4),
    then prints Reports to chase. The teams' figures (most of them reports received but not
    shared with the parents in time) did not agree with the list, which has the reports not
    received: "18 already past the deadline" where the teams had 95. Each team's line now
    says how many were not received by the deadline, and those add up to the list's."""
    import re

    from reviewdesk.reports.chase import build_chase
    from tests.actions.shortcuts import generate_demo
    from tests.reports.pdfcheck import read_pdf
    from tests.ui.test_roles_window import _window_as

    as_of = D(2025, 12, 10)
    generate_demo(db, children=150, seed=11, as_of=as_of)
    window = _window_as(db, open_db, qtbot, settings, "manager", "team_manager", as_of)
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    teams = teams_shown(window)
    all_teams = teams.pop("All teams")
    late, not_received, not_shared = (sum(f[i] for f in teams.values()) for i in (2, 3, 4))
    assert all_teams[2:] == (late, not_received, not_shared)
    assert late == not_received + not_shared and not_shared and not_received
    out = tmp_path / "chase.pdf"
    with db.session() as s:
        build_chase(s, as_of=as_of, out=out)
    text = " ".join(read_pdf(out.read_bytes()).all_text.split())
    past = re.search(r"(\d+) already past the deadline", text)
    assert past and int(past[1]) == not_received


def test_the_workload_page_does_not_call_its_caseload_count_open_cases(
    db, open_db, qapp, qtbot, settings, prompts_recorder
) -> None:
    """A team manager reads the case list's "Open cases" (Ctrl+2), then the Workload page
    (Ctrl+4), which said "Open cases on ...: N" for a smaller number (on the demo, 931 and
    900): it counts the children in IRO caseloads, not an enquiry awaiting its initial
    conference. It now says what it counts."""
    import re

    from tests.actions.shortcuts import generate_demo
    from tests.ui.test_roles_window import _window_as

    as_of = D(2025, 12, 10)
    generate_demo(db, children=150, seed=11, as_of=as_of)
    window = _window_as(db, open_db, qtbot, settings, "manager", "team_manager", as_of)
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    listed = window.cases.list.model.rowCount()
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    text = window.workload.range_label.text()
    counted = window.workload.summary.children
    assert counted < listed  # the demo has enquiries awaiting their initial conference
    assert "Open cases" not in text
    assert re.match(rf"Children in IRO caseloads on 10/12/2025: {counted} across ", text)


def test_a_meeting_this_week_is_named_as_the_weekly_schedule_names_it(
    db, sample, ctx, qtbot, settings, prompts_recorder
) -> None:
    """The dashboard's "This week's meetings" named each meeting by its type's short name
    ("Subsequent review", "LAC review"), where the weekly schedule printed for the same week
    says "2nd review CP conference" and "LAC review 4" (`vocabulary.meeting_label`, numbered
    as the engine counts). Łukasz's 1st review conference held, his 2nd booked this week."""
    import io

    from reviewdesk.reports.weekly import build_weekly
    from tests.reports.pdfcheck import read_pdf

    with db.session() as s:
        first = s.get(Meeting, sample["rcpc"])
        first.status, first.held_date = "held", first.booked_date
        s.add(
            Meeting(
                child_id=sample["lukasz_child"],
                process="cp",
                meeting_type="rcpc_subsequent",
                sequence=2,
                plan_id=first.plan_id,
                status="booked",
                booked_date=D(2024, 4, 12),
                booked_time=dt.time(14, 0),
            )
        )
    window = _shown(MainWindow(ctx, settings=settings), qtbot)
    QTest.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    QTest.qWait(20)
    week = window.dashboard.week_table
    shown = {week.item(r, 2).text(): week.item(r, 3).text() for r in range(week.rowCount())}
    assert shown["Łukasz Wiśniewski"] == "2nd review CP conference"

    out = io.BytesIO()
    with db.session() as s:
        build_weekly(s, week=AS_OF, as_of=AS_OF, out=out, invariant=True)
    lines = read_pdf(out.getvalue()).layout_lines()
    assert set(shown) == {"Zoë Ó Briain", "Siân Llewelyn", "Łukasz Wiśniewski"}
    for child, meeting in shown.items():
        rows = [line for line in lines if child in line]
        assert len(rows) == 2 and all(meeting in row for row in rows), (meeting, rows)


def test_the_dashboard_and_the_workload_page_say_what_their_counts_count(
    db, open_db, qapp, qtbot, settings, prompts_recorder
) -> None:
    """A manager reads the dashboard's tiles (Ctrl+1), then the Workload page (Ctrl+4). The
    tile "Late reports" counted children, the teams' "late reports to chase" counted reports
    (more of them: a child can have several); the tile "Minutes overdue" counted children
    with minutes or decisions past their deadline, the column "Minutes due" each chair's
    meetings whose minutes are not yet distributed, past the deadline or not. Each now says
    what it counts, in the core's words."""

    from reviewdesk.dashboard import TILE_BY_KEY
    from reviewdesk.workload import AWAITING_MINUTES_MEANS
    from tests.actions.shortcuts import generate_demo
    from tests.ui.test_roles_window import _window_as

    as_of = D(2025, 12, 10)
    generate_demo(db, children=150, seed=11, as_of=as_of)
    window = _window_as(db, open_db, qtbot, settings, "manager", "team_manager", as_of)
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    tiles = window.dashboard.tiles
    qtbot.waitUntil(lambda: tiles["late_reports"].value_label.text() not in ("—", "…"))
    late_title, late_children = tiles["late_reports"].text().split("\n")
    minutes_title, _children = tiles["minutes_overdue"].text().split("\n")
    assert late_title == "Children with late reports"
    assert minutes_title == "Minutes or decisions overdue"
    assert TILE_BY_KEY["minutes_overdue"].title == minutes_title

    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    page = window.workload
    qtbot.waitUntil(lambda: page.summary is not None)
    reports = teams_shown(window)["All teams"][2]
    assert reports > int(late_children) > 0  # reports, more than the children who have them
    model = page.model
    headers = [
        model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
        for c in range(model.columnCount())
    ]
    assert "Minutes due" not in headers and "Decisions due" not in headers
    column = headers.index("Awaiting minutes")
    assert headers[column - 1] == "Awaiting decisions"
    assert model.data(model.index(0, column), Qt.ItemDataRole.ToolTipRole) == (
        AWAITING_MINUTES_MEANS
    )
    assert AWAITING_MINUTES_MEANS.startswith("Meetings they chaired in the past year")


def test_the_teams_week_on_the_workload_page_is_printed_and_on_the_command_line(
    db, db_target, open_db, qapp, qtbot, settings, prompts_recorder, capsys
) -> None:
    """A team manager checks their teams' week on the Workload page (Ctrl+4): meetings this
    week, children overdue, late reports to chase (not received, not shared). The figures
    were on that page only. Documents ▸ Workload list prints them, a row a team under
    "Social work teams", and `reviewdesk teams` lists them: the page's numbers, each team's."""
    import re

    from PySide6.QtWidgets import QApplication

    from reviewdesk.cli.main import main
    from tests.actions.shortcuts import generate_demo
    from tests.reports.pdfcheck import read_pdf
    from tests.ui.test_documents import _wait_for_preview
    from tests.ui.test_roles_window import _window_as
    from ui.print_preview import open_previews

    as_of = D(2025, 12, 10)
    generate_demo(db, children=150, seed=11, as_of=as_of)
    window = _window_as(db, open_db, qtbot, settings, "manager", "team_manager", as_of)
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    rows = shown_rows(window.workload.teams_table)
    # By team manager (the printed list and the command line are read by them).
    shown = {row[1]: tuple(int(n) for n in row[2:]) for row in rows if row[1] not in ("", "–")}
    assert len(shown) >= 3 and any(figures[2] for figures in shown.values())
    assert rows[-1][0] == "All teams"

    # Documents (Alt+O) ▸ Workload list (L)
    qtbot.keyClick(window, Qt.Key.Key_O, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None)
    qtbot.keyClick(QApplication.activePopupWidget(), Qt.Key.Key_L)
    preview = _wait_for_preview(qtbot, prompts_recorder)
    try:
        assert preview.windowTitle() == "Workload — print preview"
        pdf = read_pdf(preview.path.read_bytes())
    finally:
        for each in open_previews():
            each.close()
    assert "Social work teams" in pdf.texts[0]
    shown["All teams"] = teams_shown(window)["All teams"]
    printed = {}
    for line in pdf.layout_lines():
        for manager in shown:
            if found := re.search(rf"{re.escape(manager)}\s+((?:\d+\s+){{4}}\d+)$", line):
                printed[manager] = tuple(int(n) for n in found[1].split())
    assert printed == shown

    assert main(["--db", db_target, "teams", "--as-of", "2025-12-10"]) == 0
    listed = {}
    for line in capsys.readouterr().out.splitlines():
        for manager in shown:
            if found := re.search(rf"{re.escape(manager)}\s+((?:\d+\s+){{4}}\d+)$", line):
                listed[manager] = tuple(int(n) for n in found[1].split())
    assert listed == shown


def test_a_second_period_of_cares_first_review_is_named_alike_everywhere(
    db, sample, ctx, qtbot, settings, prompts_recorder
) -> None:
    """Zoë was looked after before, from 2021 to 2022 (three reviews held), and her first
    review of this period is booked for Saturday 13/04/2024 with the number the booking used
    to store, 4 (one more than every review she ever had). The weekly schedule, numbering it
    as the engine counts, says "LAC review 1"; the letter to her mother, the meeting
    request, the non-working-day flag and the child page's dialogs said "LAC review
    4". Each now names it as the printed week does."""
    import io

    from reviewdesk.flags import compute_flags
    from reviewdesk.invitations.facts import meeting_facts
    from reviewdesk.invitations.letters import invitation_letters
    from reviewdesk.invitations.requests import plan_request
    from reviewdesk.reports.weekly import build_weekly
    from reviewdesk.storage.models import Invitee, PeriodOfCare
    from tests.invitations.scenario import set_setting
    from tests.reports.pdfcheck import read_pdf
    from tests.ui.test_changes import choose_meeting, open_child
    from ui.dialogs.invitations import InvitationsDialog
    from ui.dialogs.recording import RecordingDialog

    saturday = D(2024, 4, 13)
    with db.session() as s:
        zoe = s.get(Child, sample["zoe"])
        before = PeriodOfCare(child_id=zoe.id, start=D(2021, 1, 4), end_date=D(2022, 6, 1))
        s.add(before)
        s.flush()
        for n, day in enumerate((D(2021, 1, 28), D(2021, 7, 14), D(2022, 1, 5)), start=1):
            s.add(
                Meeting(
                    child_id=zoe.id,
                    process="lac",
                    meeting_type="lac_review",
                    sequence=n,
                    period_id=before.id,
                    status="held",
                    booked_date=day,
                    held_date=day,
                )
            )
        first = s.get(Meeting, sample["zoe_first"])
        first.sequence, first.booked_date = 4, saturday
        s.add(Invitee(meeting_id=first.id, name="Róisín Ó Briain", role="Mother"))
        s.add(
            Invitee(
                meeting_id=first.id, name="Dr Ffion Hughes", role="GP", email="ffion@gp.example"
            )
        )
    set_setting(db, "invitations_mailbox", "iro.service@council.example")

    out = io.BytesIO()
    with db.session() as s:
        build_weekly(s, week=AS_OF, as_of=AS_OF, out=out, invariant=True)
    printed = [line for line in read_pdf(out.getvalue()).layout_lines() if "Zoë" in line]
    assert printed and all("LAC review 1" in line for line in printed), printed

    with db.session() as s:
        facts = meeting_facts(s, sample["zoe_first"], as_of=AS_OF)
        (letter,) = invitation_letters(s, sample["zoe_first"], today=AS_OF)
        request = plan_request(s, sample["zoe_first"], as_of=AS_OF)
        flags = compute_flags(s, as_of=AS_OF, child_ids=[sample["zoe"]])
    assert facts.label == "LAC review 1"
    assert letter.title == "Invitation: LAC review 1"
    text = " ".join(letter.paragraphs)
    assert "LAC review 1" in text and "LAC review 4" not in text
    assert request.summary.startswith("LAC review 1")
    assert "LAC review 1" in request.description and "LAC review 4" not in request.description
    (weekend,) = [f for f in flags if f.code == "booked_non_working_day"]
    assert weekend.reason.startswith("LAC review 1 is booked for 13/04/2024")

    window = _shown(MainWindow(ctx, settings=settings), qtbot)
    page = open_child(window, qtbot, "zoe")
    choose_meeting(page, qtbot, sample["zoe_first"])
    page.table.setFocus()
    titles = {}
    for key, modifier, kind in (
        (Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier, RecordingDialog),
        (Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier, InvitationsDialog),
    ):
        prompts_recorder.dialogs.clear()
        qtbot.keyClick(page.table, key, modifier)
        (dialog,) = [d for d in prompts_recorder.dialogs if isinstance(d, kind)]
        titles[kind.__name__] = dialog.windowTitle()
    assert titles == {
        "RecordingDialog": "Record LAC review 1 — Zoë Ó Briain",
        "InvitationsDialog": "Invitations and reports: Zoë Ó Briain: LAC review 1, 13/04/2024",
    }
