"""Workload: each IRO's caseload against the range, their weeks ahead, and the teams' week.

Everything shown is `reviewdesk.workload.workload_summary`, worked out off the UI thread (in
the worker process when there is one); caseloads are `reviewdesk.caseload`'s, sent as their
numbers only (`read_workload_counts`: the children of every caseload are 100,000 ids at
national scale), the children read when a row is opened; a row's colour is the severity the
caseload flags give its band (`flags.caseload.band_severity`).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reviewdesk.actions import CASE_KINDS
from reviewdesk.caseload import caseload_children
from reviewdesk.codes import Role
from reviewdesk.flags.caseload import band_severity
from reviewdesk.vocabulary import format_uk
from reviewdesk.workload import (
    AWAITING_DECISIONS,
    AWAITING_DECISIONS_MEANS,
    AWAITING_MINUTES,
    AWAITING_MINUTES_MEANS,
    NO_TEAMS,
    TEAM_HEADINGS,
    TEAM_SHORT_HEADINGS,
    IroWorkload,
    TeamWorkload,
    WorkloadSummary,
    no_teams_set_up,
    read_workload_counts,
    teams_total,
)
from ui import theme, worker_process
from ui.column_widths import Column, FittedTable
from ui.context import AppContext
from ui.dialogs.tables import keyboard_chooses_row
from ui.models import ROOT, IdRole, SortRole
from ui.pages import Page, label
from ui.tasks import run_in_background

#: How a caseload band reads beside its colour.
BAND_WORDS = {"above": "above the range", "below": "below the range", "within": "within the range"}


#: How `WorkloadModel.COLUMNS` are sized (`ui.column_widths`): every heading whole (fixed pixel
#: widths cut "Awaiting decisions" to "waiting decisio"), the room left to the names.
WORKLOAD_COLUMNS = (
    Column("Agnieszka Thompson", share=2),  # IRO / chair
    Column("South Team", share=3, drop=1),  # team (in the name's tip when there's no room)
    Column("0.00"),  # FTE
    *(Column("000") for _ in range(8)),  # the counts, and per FTE (the last stretches)
)


#: The IRO table's team column (`WorkloadModel.COLUMNS`).
TEAM_COLUMN = 1


class WorkloadModel(QAbstractTableModel):
    COLUMNS = (
        "IRO / chair",
        "Team",
        "FTE",
        "Looked after",
        "CP plans",
        "Children",
        "Per FTE",
        "Next 4 weeks",
        AWAITING_DECISIONS.capitalize(),
        AWAITING_MINUTES.capitalize(),
        "Open challenges",
    )

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[IroWorkload] = []
        self.values: list[tuple[Any, ...]] = []  # each row's columns, worked out once
        self.range: tuple[float, float] = (50, 70)

    def set_summary(self, summary: WorkloadSummary) -> None:
        self.beginResetModel()
        self.rows = list(summary.iros)
        self.values = [self._values(w) for w in self.rows]
        self.range = summary.caseload_range
        self.endResetModel()

    @staticmethod
    def _values(w: IroWorkload) -> tuple[Any, ...]:
        c = w.caseload
        return (
            c.name,
            c.team,
            c.fte,
            c.lac_children,
            c.cp_children,
            c.children,
            c.per_fte,
            sum(n for _week, n in w.meetings_per_week),
            w.awaiting_decisions,
            w.awaiting_minutes,
            w.open_escalations,
        )

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section] if 0 <= section < len(self.COLUMNS) else None
        return None

    def rag(self, row: IroWorkload) -> str:
        """The row's colour: the severity its band's flag has (red or amber), green within
        the range, none for an "info" band or no FTE."""
        band = row.caseload.band
        if band is None:
            return ""
        severity = band_severity(band)
        if severity is None:
            return "green"
        return severity if severity in ("red", "amber") else ""

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        w = self.rows[index.row()]
        c = w.caseload
        value = self.values[index.row()][index.column()]
        if role == SortRole:
            return value
        if role == IdRole:
            return c.staff_id
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == 2:
                return f"{value:.2f}"
            if index.column() == 6:
                return "—" if value is None else f"{value:.1f}"
            return value
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() >= 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 6:
            rag = self.rag(w)
            return QBrush(theme.text_colour(rag)) if rag else None
        if role == Qt.ItemDataRole.ToolTipRole and index.column() <= 1:
            return f"{c.name}, {c.team}" if c.team else c.name  # (either may be cut short)
        if role == Qt.ItemDataRole.ToolTipRole and index.column() >= 7:
            return (
                "Meetings chaired in the next four weeks",
                AWAITING_DECISIONS_MEANS,
                AWAITING_MINUTES_MEANS,
                "Challenges they raised that are still open (IRO oversight)",
            )[index.column() - 7]
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 6:
            low, high = self.range
            where = BAND_WORDS.get(c.band or "", "no FTE recorded")
            return f"{where.capitalize()}: {low:g}-{high:g} children per full-time IRO"
        return None


#: How `TeamsModel.COLUMNS` are sized: the team's name takes most of the room left; its
#: manager's name gives way first in a narrow window (it is in the row's tip).
TEAM_COLUMNS = (
    Column("Eastwick Children's Social Work Team", share=3),
    Column("Priya Ionescu", share=1, drop=1),
    *(Column("000") for _ in TEAM_SHORT_HEADINGS),
)
#: The teams' columns shown in red when not 0, as the printed list shows them: children
#: overdue a meeting, reports not received by the deadline.
TEAM_RED_COLUMNS = (3, 5)
ALL_TEAMS = "All teams"


class TeamsModel(QAbstractTableModel):
    """Each social work team's week (`TeamWorkload.figures`), with every team's added up
    below (`teams_total`) when there is more than one, as the printed workload list has it."""

    COLUMNS = ("Team", "Team manager", *TEAM_SHORT_HEADINGS)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.teams: list[TeamWorkload] = []
        self.total: tuple[int, ...] | None = None

    def set_teams(self, teams: list[TeamWorkload]) -> None:
        self.beginResetModel()
        self.teams = list(teams)
        self.total = teams_total(self.teams) if len(self.teams) > 1 else None
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:
        if parent.isValid():
            return 0
        return len(self.teams) + (self.total is not None)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        if role == Qt.ItemDataRole.ToolTipRole and section >= 2:
            return TEAM_HEADINGS[section - 2]
        return None

    def team_at(self, row: int) -> TeamWorkload | None:
        """The team on ``row`` (None for the "All teams" row)."""
        return self.teams[row] if 0 <= row < len(self.teams) else None

    def overdue_at(self, row: int) -> frozenset[int]:
        """The children overdue a meeting that ``row`` counts (every team's on the total)."""
        team = self.team_at(row)
        if team is not None:
            return frozenset(team.overdue)
        return frozenset(c for t in self.teams for c in t.overdue)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid() or not 0 <= index.row() < self.rowCount():
            return None
        row, column = index.row(), index.column()
        team = self.team_at(row)
        if team is None:
            values: tuple[Any, ...] = (ALL_TEAMS, "", *(self.total or ()))
        else:
            values = (team.team_name, team.manager_name or "–", *team.figures)
        if role == Qt.ItemDataRole.DisplayRole:
            return values[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and column in TEAM_RED_COLUMNS and values[column]:
            return QBrush(theme.text_colour("red"))
        if role == Qt.ItemDataRole.FontRole and team is None:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            if column >= 2:
                return f"{TEAM_HEADINGS[column - 2]}: {values[column]}"
            if team is None:
                return "Every team added up"
            manager = f", managed by {team.manager_name}" if team.manager_name else ""
            return f"{team.team_name}{manager}. Enter lists its children overdue a meeting"
        return None


class WorkloadPage(Page):
    title = "Workload"
    open_cases = Signal(object, str)
    #: The caseload range asked for: Settings, where it is set.
    open_caseload_range = Signal()
    shows = CASE_KINDS | {"staff", "team", "setting"}

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, *, background: bool = False
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.background = background
        self._tasks: list = []
        self.summary: WorkloadSummary | None = None
        self.model = WorkloadModel(self)
        self.table = FittedTable(WORKLOAD_COLUMNS)
        self.table.setAccessibleName("Caseload per IRO")
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; the arrows move in it
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.activated.connect(self._open)  # Enter, or double-click: their cases
        keyboard_chooses_row(self.table)  # (Enter lists the cases of the IRO chosen)
        self.range_label = label("", "hint", wrap=True)
        self.range_button = QPushButton("Caseload range…")
        self.range_button.setAccessibleName("Change the caseload range in Settings")
        self.range_button.setToolTip("Open Settings at the caseload range")
        self.range_button.clicked.connect(self.open_caseload_range)
        self.teams_note = label("", "hint", wrap=True)
        self.teams_note.setVisible(False)
        self.teams_model = TeamsModel(self)
        self.teams_table = FittedTable(TEAM_COLUMNS)
        self.teams_table.setAccessibleName("Social work teams this week")
        self.teams_table.setTabKeyNavigation(False)
        self.teams_table.setModel(self.teams_model)
        self.teams_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.teams_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.teams_table.verticalHeader().setVisible(False)
        self.teams_table.setAlternatingRowColors(True)
        self.teams_table.setWordWrap(False)
        self.teams_table.activated.connect(self._open_team)  # Enter, or double-click
        keyboard_chooses_row(self.teams_table)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(label("Workload", "title"))
        range_row = QHBoxLayout()
        range_row.addWidget(self.range_label, 1)
        range_row.addWidget(self.range_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(range_row)
        layout.addWidget(self.table, 1)
        layout.addWidget(label("Social work teams this week", "subtitle"))
        layout.addWidget(self.teams_note)
        layout.addWidget(self.teams_table)
        self.apply_role()

    def apply_role(self) -> None:
        """The way to change the caseload range, only for those who may change settings (the
        range itself is in the line beside it); the role can change while the window is open."""
        self.range_button.setVisible(self.ctx.can_edit_settings)

    def refresh(self) -> None:
        self.apply_role()
        db, as_of = self.ctx.db, self.ctx.as_of
        if not self.background:
            self.show_summary(read_workload_counts(db, as_of))
            return
        self.range_label.setText("Working out the workload…")
        self._tasks.append(
            run_in_background(
                lambda _p: worker_process.call(
                    read_workload_counts, db, as_of, lane=worker_process.FIGURES
                ),
                on_success=self.show_summary,
                on_failure=self._failed,
            )
        )

    def _failed(self, exc: BaseException) -> None:
        from ui.errors import friendly_message

        self.range_label.setText("The workload could not be worked out: " + friendly_message(exc))

    def show_summary(self, summary: WorkloadSummary) -> None:
        if summary.as_of != self.ctx.as_of:
            return  # the as-of date changed meanwhile: a newer reading is on its way
        self.summary = summary
        self.model.set_summary(summary)
        self._to_own_row()
        low, high = summary.caseload_range
        total, fte = summary.children, summary.fte
        # Not "open cases": the case list's Open cases hold those in no caseload too (an
        # enquiry awaiting its initial conference, a case with no IRO), and its count differed.
        text = (
            f"Children in IRO caseloads on {format_uk(summary.as_of)}: {total:,} across "
            f"{fte:.1f} FTE"
            + (f" ({total / fte:.1f} per FTE)" if fte else "")
            + f". Caseload range {low:g}–{high:g} per full-time IRO (IRO Handbook)."
        )
        # A team the same on every row (cut short, as names are long) is said once here.
        teams = {w.caseload.team for w in summary.iros}
        same = len(summary.iros) > 1 and len(teams) == 1
        if same and teams != {""}:
            text += f" Every IRO and chair is in the {next(iter(teams))}."
        self.table.leave_out(frozenset({TEAM_COLUMN}) if same else frozenset())
        if summary.unallocated:
            n = summary.unallocated
            text += f" ⚠ {n} open case{'s' if n != 1 else ''} with no IRO."
        if not summary.iros:
            text = "No IROs or chairs are set up yet."
        self.range_label.setText(text)
        # Each team's figures (`TeamWorkload.figures`), as the printed workload list and
        # `reviewdesk teams` give them; where no team is set up, a line saying so (above the
        # children with no team's, which alone would read as if "No team" were a team).
        self.teams_note.setText(NO_TEAMS)
        self.teams_note.setVisible(no_teams_set_up(summary.teams))
        self.teams_model.set_teams(list(summary.teams))
        self._fit_teams_height()

    def _fit_teams_height(self) -> None:
        """The teams' table as tall as its rows (up to eight; then it scrolls), the rest of
        the page to the IROs'."""
        table = self.teams_table
        rows = min(self.teams_model.rowCount(), 8)
        height = table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth()
        height += sum(table.rowHeight(r) for r in range(rows)) if rows else 0
        table.setFixedHeight(height)
        table.setVisible(self.teams_model.rowCount() > 0)

    def _open_team(self, index: QModelIndex) -> None:
        """Enter on a team: the case list of its children overdue a meeting (every team's,
        on "All teams"), what a team manager chases first."""
        if not index.isValid():
            return
        team = self.teams_model.team_at(index.row())
        name = team.team_name if team is not None else "all teams"
        self.open_cases.emit(
            self.teams_model.overdue_at(index.row()), f"children overdue a meeting: {name}"
        )

    def _to_own_row(self) -> None:
        """An IRO's own row is the current one: Ctrl+4, Enter lists their children (the
        table opened on the first IRO's, alphabetically)."""
        actor = self.ctx.actor
        if actor is None or actor.role is not Role.IRO or actor.staff_id is None:
            return
        row = next(
            (r for r, w in enumerate(self.model.rows) if w.caseload.staff_id == actor.staff_id),
            None,
        )
        if row is not None:
            self.table.setCurrentIndex(self.model.index(row, 0))
            self.table.selectRow(row)

    def home(self) -> QWidget:
        return self.table  # Ctrl+4: the arrows move through the IROs, Enter lists cases

    def _open(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        caseload = self.model.rows[index.row()].caseload
        with self.ctx.db.session() as s:
            children = caseload_children(s, caseload.staff_id, as_of=self.ctx.as_of)
        self.open_cases.emit(children, f"cases of {caseload.name}")
