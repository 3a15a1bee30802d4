"""Tables' columns fit the window: every heading whole, the dates whole, no sideways scroll
where there is room; a column a person drags keeps its width, here and next time."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtGui import QFont, QFontMetrics

from reviewdesk.queries import CASE_COLUMNS
from ui.main_window import MainWindow
from ui.pages.cases import CASE_LIST_COLUMNS


def _shown(ctx, qtbot, settings, width: int, height: int = 768, page: int = 1) -> MainWindow:
    window = MainWindow(ctx, settings=settings)
    qtbot.addWidget(window)
    window.load_initial_data()
    window.show()
    window.resize(width, height)
    qtbot.waitExposed(window)
    nav = window.nav  # the page (Cases), clicked
    qtbot.mouseClick(
        nav.viewport(), Qt.MouseButton.LeftButton, pos=nav.visualItemRect(nav.item(page)).center()
    )
    table = {1: window.cases.list.table, 3: window.workload.table}.get(
        page, window.dashboard.week_table
    )
    qtbot.waitUntil(lambda: table.isVisible() and table.viewport().width() > 100)
    qtbot.wait(200)  # the layout settles
    return window


def _cut_short(table) -> list[str]:
    """The headings (and date columns) narrower than their text."""
    header = table.horizontalHeader()
    bold = QFont(header.font())
    bold.setBold(True)
    headings, cells = QFontMetrics(bold), QFontMetrics(table.font())
    short = []
    for column, (key, title) in enumerate(CASE_COLUMNS):
        width = header.sectionSize(column)
        if width < headings.horizontalAdvance(title) + 8:
            short.append(title)
        is_date = key in ("next_due", "next_meeting", "last_iro_contact")
        if is_date and width < cells.horizontalAdvance("30/12/2024") + 8:
            short.append(f"{title} (a date)")
    return short


def _drag_edge(qtbot, table, column: int, by: int) -> None:
    """A person drags the right-hand edge of ``column``'s heading ``by`` pixels."""
    header = table.horizontalHeader()
    edge = header.sectionViewportPosition(column) + header.sectionSize(column) - 1
    y = header.height() // 2
    port = header.viewport()
    qtbot.mouseMove(port, QPoint(edge, y))
    qtbot.mousePress(port, Qt.MouseButton.LeftButton, pos=QPoint(edge, y))
    for step in range(1, 6):
        qtbot.mouseMove(port, QPoint(edge + by * step // 5, y))
    qtbot.mouseRelease(port, Qt.MouseButton.LeftButton, pos=QPoint(edge + by, y))


def test_the_columns_fit_a_window_with_room_for_them(ctx, qtbot, settings) -> None:
    assert len(CASE_LIST_COLUMNS) == len(CASE_COLUMNS)
    window = _shown(ctx, qtbot, settings, 1366)  # a laptop's screen, at 100% or 200%
    table = window.cases.list.table
    assert table.model().rowCount() == 3
    assert _cut_short(table) == []
    assert table.horizontalScrollBar().maximum() == 0  # no sideways scroll
    header = table.horizontalHeader()
    used = sum(header.sectionSize(c) for c in range(len(CASE_COLUMNS)))
    assert used == table.viewport().width()

    # Wider: the names get the room, the dates stay as they were.
    name, date = header.sectionSize(0), header.sectionSize(5)
    window.resize(1600, 768)
    qtbot.waitUntil(lambda: header.sectionSize(0) > name)
    assert header.sectionSize(5) == date
    assert table.horizontalScrollBar().maximum() == 0


def test_a_narrow_window_scrolls_but_cuts_no_heading_short(ctx, qtbot, settings) -> None:
    window = _shown(ctx, qtbot, settings, 800)
    table = window.cases.list.table
    assert _cut_short(table) == []
    assert table.horizontalScrollBar().maximum() > 0


def test_a_dragged_column_keeps_its_width_here_and_next_time(ctx, qtbot, tmp_path) -> None:
    path = str(tmp_path / "layout.ini")
    window = _shown(ctx, qtbot, QSettings(path, QSettings.Format.IniFormat), 1366)
    table = window.cases.list.table
    header = table.horizontalHeader()
    before = header.sectionSize(2)
    _drag_edge(qtbot, table, 2, 60)  # IRO / chair, 60 pixels wider
    assert table.sized_by_hand
    dragged = header.sectionSize(2)
    assert dragged >= before + 50
    window.resize(1500, 768)  # fitting no longer overrides the person's widths
    qtbot.wait(50)
    assert header.sectionSize(2) == dragged
    window.close()

    again = _shown(ctx, qtbot, QSettings(path, QSettings.Format.IniFormat), 1300)
    assert again.cases.list.table.sized_by_hand
    assert again.cases.list.table.horizontalHeader().sectionSize(2) == dragged


def test_widths_nobody_chose_are_fitted_afresh_next_time(ctx, qtbot, tmp_path) -> None:
    """Saved from a wider window without a drag, the columns fit the narrower one."""
    path = str(tmp_path / "layout.ini")
    window = _shown(ctx, qtbot, QSettings(path, QSettings.Format.IniFormat), 1800)
    window.close()
    again = _shown(ctx, qtbot, QSettings(path, QSettings.Format.IniFormat), 1366)
    table = again.cases.list.table
    assert not table.sized_by_hand
    assert _cut_short(table) == []
    assert table.horizontalScrollBar().maximum() == 0


def test_the_weeks_meetings_on_the_dashboard_fit_too(ctx, qtbot, settings) -> None:
    window = _shown(ctx, qtbot, settings, 1366, page=0)
    table = window.dashboard.week_table
    assert table.rowCount() == 2
    header = table.horizontalHeader()
    bold = QFont(header.font())
    bold.setBold(True)
    for column in range(table.columnCount()):
        heading = table.horizontalHeaderItem(column).text()
        assert header.sectionSize(column) >= QFontMetrics(bold).horizontalAdvance(heading), heading
    day = table.item(0, 0).text()
    assert header.sectionSize(0) >= QFontMetrics(table.font()).horizontalAdvance(day)
    assert table.horizontalScrollBar().maximum() == 0
    # A meeting's full name, as the printed week gives it, whole beside the chart: the
    # column was sized for "Not recorded: LAC review" and cut a CP conference's name to
    # "Not recorded: 1st review C…".
    longest = QFontMetrics(table.font()).horizontalAdvance("Not recorded: 2nd review CP conference")
    assert header.sectionSize(3) >= longest
    # Each room told from the others of its venue: "Conference Room 1, Civic Centre" was
    # shown "Civic Centre: Confer…" (the venue first), and then "Conference Room …".
    room = QFontMetrics(table.font()).horizontalAdvance("Conference Room 1, …")
    assert header.sectionSize(5) >= room
    # The room left goes to the names, the child's most (three shares to the chair's two).
    least = table.minimum_widths()
    extra = [header.sectionSize(c) - least[c] for c in range(table.columnCount())]
    assert extra[2] > extra[4] > 0 and extra[0] == extra[1] == 0


def test_columns_that_may_give_way_do_so_the_least_needed_first(qapp, qtbot) -> None:
    """Too narrow for every column's own width, the columns with a ``drop`` are hidden, the
    highest first, until the rest fit; wider again, they come back."""
    from ui.column_widths import Column, FittedTableWidget

    sample = "a fairly long sample text"
    columns = [
        Column(sample),
        Column(sample, drop=1),
        Column(sample, drop=2),
        Column(sample),
    ]
    table = FittedTableWidget(columns, ["One", "Two", "Three", "Four"])
    qtbot.addWidget(table)
    table.show()
    least = table.minimum_widths()
    frame = table.width() - table.viewport().width()
    table.resize(sum(least) + frame + 40, 200)
    qtbot.waitUntil(lambda: table.viewport().width() >= sum(least))
    assert table.columns_hidden() == []
    table.resize(sum(least) - least[2] + frame + 10, 200)  # room for three
    qtbot.waitUntil(lambda: table.columns_hidden() != [])
    assert table.columns_hidden() == [2]
    qtbot.waitUntil(lambda: table.horizontalScrollBar().maximum() == 0)
    table.resize(least[0] + least[3] + frame + 10, 200)  # room for two
    qtbot.waitUntil(lambda: table.columns_hidden() == [1, 2])
    qtbot.waitUntil(lambda: table.horizontalScrollBar().maximum() == 0)
    table.resize(sum(least) + frame + 40, 200)
    qtbot.waitUntil(lambda: table.columns_hidden() == [])


def test_the_workload_page_s_headings_are_whole_at_1366(ctx, qtbot, settings) -> None:
    """A team manager opens the Workload page (the fourth in the list) in a 1366-pixel window:
    every heading whole ("Awaiting decisions" read "waiting decisio" in fixed pixel widths)
    and no sideways scroll; a name cut short is whole in its tip."""
    window = _shown(ctx, qtbot, settings, 1366, page=3)
    table = window.workload.table
    model = table.model()
    qtbot.waitUntil(lambda: model.rowCount() > 0)
    header = table.horizontalHeader()
    bold = QFont(header.font())
    bold.setBold(True)
    for column in range(model.columnCount()):
        heading = model.headerData(column, Qt.Orientation.Horizontal)
        assert not table.isColumnHidden(column), heading
        assert header.sectionSize(column) >= QFontMetrics(bold).horizontalAdvance(heading), heading
    assert table.horizontalScrollBar().maximum() == 0
    name = model.index(0, 0)
    assert model.data(name, Qt.ItemDataRole.ToolTipRole).startswith(model.data(name))


def test_a_team_every_iro_shares_is_said_once_above_not_cut_short_on_every_row(
    ctx, db, sample, qtbot, settings
) -> None:
    """Every IRO and chair in one team (the usual IRO service): the Team column said the
    same cut-short name on every row ("Independent Re…"). It is left out, the team said once
    in the line above; with two teams again (F5), the column is back."""
    from reviewdesk.storage.models import Staff

    def maire_in_the_team_of(staff: str) -> None:
        with db.session() as s:
            s.get(Staff, sample["maire"]).team_id = s.get(Staff, sample[staff]).team_id
            s.commit()

    south = _team_of(db, sample["maire"])
    maire_in_the_team_of("lukasz")
    window = _shown(ctx, qtbot, settings, 1366, page=3)
    table = window.workload.table
    line = window.workload.range_label
    qtbot.waitUntil(lambda: "Every IRO" in line.text())
    assert line.text().endswith("Every IRO and chair is in the Llanelli & \u00d3 Briain Team.")
    assert table.isColumnHidden(1)
    assert table.horizontalScrollBar().maximum() == 0

    with db.session() as s:
        s.get(Staff, sample["maire"]).team_id = south
        s.commit()
    qtbot.keyClick(window, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: "Every IRO" not in line.text() and "caseloads" in line.text())
    qtbot.waitUntil(lambda: not table.isColumnHidden(1))
    assert table.horizontalScrollBar().maximum() == 0


def _team_of(db, staff_id: int) -> int | None:
    from reviewdesk.storage.models import Staff

    with db.session() as s:
        return s.get(Staff, staff_id).team_id
