"""Workload: each IRO's open cases against the caseload range, and the totals per team."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QVBoxLayout, QWidget

from reviewdesk import queries
from reviewdesk.queries import CaseFilter, Caseload
from reviewdesk.vocabulary import format_uk
from ui import theme
from ui.context import AppContext, optional_module, setting
from ui.models import ROOT, IdRole, SortRole
from ui.pages import Page, label

DEFAULT_RANGE = (50, 70)  # IRO Handbook: 50-70 children per full-time IRO


def caseload_range(ctx: AppContext) -> tuple[int, int]:
    try:
        low = int(setting(ctx.db, "caseload_min_per_fte", DEFAULT_RANGE[0]))
        high = int(setting(ctx.db, "caseload_max_per_fte", DEFAULT_RANGE[1]))
    except (TypeError, ValueError):
        return DEFAULT_RANGE
    return low, high


def workload_extras(session, as_of) -> dict[int, tuple[int, int, int]] | None:
    """Meetings ahead and work awaiting per IRO, from ``reviewdesk.workload`` (None when that
    part is not installed)."""
    module = optional_module("reviewdesk.workload")
    iro_workload = getattr(module, "iro_workload", None) if module else None
    if iro_workload is None:
        return None
    return {
        w.caseload.staff_id: (
            sum(n for _week, n in w.meetings_per_week),
            w.awaiting_decisions,
            w.awaiting_minutes,
        )
        for w in iro_workload(session, as_of=as_of, weeks=4)
    }


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
        "Decisions due",
        "Minutes due",
    )

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[Caseload] = []
        self.range = DEFAULT_RANGE
        #: staff id -> (meetings in the next 4 weeks, awaiting decisions, awaiting minutes),
        #: from ``reviewdesk.workload`` when installed; empty cells otherwise.
        self.extras: dict[int, tuple[int, int, int]] = {}

    def set_rows(
        self,
        rows: list[Caseload],
        caseload_range: tuple[int, int],
        extras: dict[int, tuple[int, int, int]] | None = None,
    ) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.range = caseload_range
        self.extras = dict(extras or {})
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section] if 0 <= section < len(self.COLUMNS) else None
        return None

    def rag(self, row: Caseload) -> str:
        per = row.per_fte
        if per is None:
            return ""
        low, high = self.range
        if per > high:
            return "red"
        if per < low:
            return "amber"
        return "green"

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        r = self.rows[index.row()]
        extra = self.extras.get(r.staff_id, (None, None, None))
        raw = (r.name, r.team, r.fte, r.lac, r.cp, r.children, r.per_fte, *extra)
        value = raw[index.column()]
        if role == SortRole:
            return value
        if role == IdRole:
            return r.staff_id
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == 2:
                return f"{value:.2f}"
            if index.column() == 6:
                return "—" if value is None else f"{value:.1f}"
            if value is None:
                return ""
            return value
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() >= 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 6:
            rag = self.rag(r)
            return QBrush(theme.text_colour(rag)) if rag else None
        if role == Qt.ItemDataRole.ToolTipRole and index.column() >= 7:
            return (
                "Meetings chaired in the next four weeks",
                "Meetings held whose decisions are not yet issued",
                "Meetings held whose minutes are not yet distributed",
            )[index.column() - 7]
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 6:
            low, high = self.range
            return f"Caseload range {low}-{high} children per full-time IRO"
        return None


class WorkloadPage(Page):
    title = "Workload"
    open_cases = Signal(object, str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model = WorkloadModel(self)
        self.table = QTableView()
        self.table.setAccessibleName("Caseload per IRO")
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((190, 200, 60, 100, 80, 80, 75, 100, 110)):
            self.table.setColumnWidth(column, width)
        self.table.setWordWrap(False)
        self.table.doubleClicked.connect(self._open)
        self.range_label = label("", "hint", wrap=True)
        self.teams_label = label("", None, wrap=True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(label("Workload", "title"))
        layout.addWidget(self.range_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(label("Social work teams this week", "subtitle"))
        layout.addWidget(self.teams_label)

    def refresh(self) -> None:
        with self.ctx.db.session() as s:
            rows = queries.caseloads(s, as_of=self.ctx.as_of)
            unallocated = queries.unallocated_cases(s, as_of=self.ctx.as_of)
            extras = workload_extras(s, self.ctx.as_of)
        low, high = caseload_range(self.ctx)
        self.model.set_rows(rows, (low, high), extras)
        total = sum(r.children for r in rows)
        fte = sum(r.fte for r in rows)
        text = (
            f"Open cases on {format_uk(self.ctx.as_of)}: {total:,} across {fte:.1f} FTE"
            + (f" ({total / fte:.1f} per FTE)" if fte else "")
            + f". Caseload range {low}–{high} per full-time IRO (IRO Handbook; change it in "
            "Settings)."
        )
        if unallocated:
            text += f" ⚠ {unallocated} open case{'s' if unallocated != 1 else ''} with no IRO."
        if not rows:
            text = "No IROs or chairs are set up yet."
        self.range_label.setText(text)
        self.teams_label.setText(self._team_text(rows))

    def _team_text(self, rows: list[Caseload]) -> str:
        """The social work teams' week (``reviewdesk.workload.team_workload``) when installed;
        otherwise the IROs' caseload per team."""
        module = optional_module("reviewdesk.workload")
        team_workload = getattr(module, "team_workload", None) if module else None
        if team_workload is not None:
            with self.ctx.db.session() as s:
                teams = team_workload(s, as_of=self.ctx.as_of)
            lines = []
            for t in teams:
                who = f" ({t.manager_name})" if t.manager_name else ""
                meetings = len(t.meetings_this_week)
                lines.append(
                    f"{t.team_name}{who}: {meetings} meeting{'s' if meetings != 1 else ''} "
                    f"this week, {len(t.overdue)} overdue, {t.late_reports} late report"
                    f"{'s' if t.late_reports != 1 else ''}"
                )
            return "\n".join(lines) or "No teams are set up yet."
        teams: dict[str, list[Caseload]] = {}
        for r in rows:
            teams.setdefault(r.team or "No team", []).append(r)
        return (
            "\n".join(_team_line(team, members) for team, members in sorted(teams.items())) or "—"
        )

    def _open(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        r = self.model.rows[index.row()]
        with self.ctx.db.session() as s:
            ids = queries.case_ids(
                s, CaseFilter(iro_id=r.staff_id, open_only=True), as_of=self.ctx.as_of
            )
        self.open_cases.emit(frozenset(ids), f"cases of {r.name}")


def _team_line(team: str, members: list[Caseload]) -> str:
    children = sum(r.children for r in members)
    fte = sum(r.fte for r in members)
    line = f"{team}: {children:,} {'child' if children == 1 else 'children'}, {fte:.1f} FTE"
    return line + (f", {children / fte:.1f} per FTE" if fte else "")
