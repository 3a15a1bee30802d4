"""The audit trail in the window (administrators and team managers): who changed what, when,
with the values before and after, filtered by child, user, date range and kind.

`AuditTable` is the table (also on each child's page, showing that child's history);
`AuditWindow` adds the filters. Entries are read newest first, a page at a time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from reviewdesk.actions import Changes
from reviewdesk.storage.audit import (
    audit_kinds,
    audit_usernames,
    list_audit,
    recorded_by_another,
)
from reviewdesk.storage.audit_words import ACTION_WORDS, TrailNames, summarise, trail_names
from reviewdesk.storage.locking import RECORD_NOUNS, local_time
from reviewdesk.storage.models import Child
from reviewdesk.vocabulary import format_uk
from ui.column_widths import Column, FittedTable
from ui.context import AppContext
from ui.dialogs import date_edit, from_qdate
from ui.models import ROOT, SortRole
from ui.theme import label

#: Entries read at a time ("More" reads the next page).
PAGE = 500

COLUMNS = ("When", "Who", "What", "Record", "Child", "Values")
#: How each column is sized (`ui.column_widths`): the time and what was done whole (the
#: longest words for it, "data left reviewdesk", were cut short at a fixed 110 pixels); the
#: room left goes to the values, the longest.
AUDIT_COLUMNS = (
    Column("30/12/2026 23:59:59"),
    Column("administrator"),
    Column(max(ACTION_WORDS.values(), key=len)),
    Column("pack for meeting 12345 *"),
    Column("Aleksandra Nowak"),
    Column(share=1),
)


@dataclass(frozen=True)
class AuditRow:
    at: dt.datetime
    username: str
    action: str
    kind: str
    record_id: str
    record: str
    child: str
    values: str
    #: The login that wrote the entry in ``username``'s name (`recorded_by_another`).
    recorded_by: str | None = None

    def who(self) -> str:
        """The user, and the login that wrote the entry when it was another."""
        if self.recorded_by is None:
            return self.username
        return f"{self.username} (recorded by {self.recorded_by})"


def rows_of(entries: list[Any], children: dict[int, str], names: TrailNames) -> list[AuditRow]:
    return [
        AuditRow(
            at=e.at,
            username=e.username,
            action=ACTION_WORDS.get(e.action, e.action),
            kind=RECORD_NOUNS.get(e.table_name, e.table_name.replace("_", " ")),
            record_id=e.record_id,
            record=names.record(e),
            child=children.get(e.child_id, "") if e.child_id is not None else "",
            values=summarise(e, names),
            recorded_by=recorded_by_another(e),
        )
        for e in entries
    ]


class AuditModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[AuditRow] = []

    def set_rows(self, rows: list[AuditRow], *, append: bool = False) -> None:
        if append and rows:
            start = len(self.rows)
            self.beginInsertRows(ROOT, start, start + len(rows) - 1)
            self.rows.extend(rows)
            self.endInsertRows()
            return
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(COLUMNS)
        ):
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == SortRole:
            return row.at if column == 0 else self.data(index)
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        if column == 1 and role == Qt.ItemDataRole.ToolTipRole and row.recorded_by:
            return (
                f"Written by the login {row.recorded_by} in {row.username}'s name (a restore "
                f"adds an older trail this way), not by {row.username}"
            )
        if column == 3 and role == Qt.ItemDataRole.ToolTipRole:
            # The record's own number, as `reviewdesk audit --record` takes it.
            return f"{row.record} ({row.kind} {row.record_id})"
        if column == 0:
            when = local_time(row.at)
            return f"{format_uk(when)} {when:%H:%M:%S}"
        return (
            None,
            row.who(),
            row.action,
            row.record,
            row.child,
            row.values,
        )[column]


def audit_table(model: AuditModel, name: str) -> FittedTable:
    table = FittedTable(AUDIT_COLUMNS)
    table.setModel(model)
    table.setAccessibleName(name)
    table.setTabKeyNavigation(False)  # Tab leaves the table; the arrows move in it
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    return table


def child_names(session, ids: set[int]) -> dict[int, str]:  # noqa: ANN001 - a session
    if not ids:
        return {}
    rows = session.execute(
        select(Child.id, Child.first_name, Child.last_name, Child.local_id).where(
            Child.id.in_(sorted(ids))
        )
    )
    return {cid: f"{first} {last}".strip() or local for cid, first, last, local in rows}


def read_rows(ctx: AppContext, *, offset: int = 0, **filters: Any) -> list[AuditRow]:
    with ctx.db.session() as s:
        entries = list_audit(s, limit=PAGE, offset=offset, **filters)
        names = child_names(s, {e.child_id for e in entries if e.child_id is not None})
        # A child removed since keeps its id in the trail.
        names.update(
            {
                cid: f"child {cid} (removed)"
                for e in entries
                if (cid := e.child_id) is not None and cid not in names
            }
        )
        return rows_of(entries, names, trail_names(s, entries))


class ChildHistory(QWidget):
    """One child's history (their records' entries), newest first, on the child's page."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model = AuditModel(self)
        self.table = audit_table(self.model, "This child's history (audit trail)")
        self.note = label("", "hint")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)

    def show_child(self, child_id: int | None) -> None:
        rows = read_rows(self.ctx, child_id=child_id) if child_id is not None else []
        self.model.set_rows(rows)
        if not rows:
            self.note.setText("No changes recorded for this child yet.")
        elif len(rows) >= PAGE:
            self.note.setText(f"The latest {PAGE} changes; the audit trail (View) has them all.")
        else:
            self.note.setText(f"{len(rows)} change{'s' if len(rows) != 1 else ''} recorded.")


def _ticked_date(check: QCheckBox, date: QWidget) -> QWidget:
    """A tick box and the date it turns on, as one: the tick box's Alt+letter (Alt+F, Alt+T)
    takes the keyboard to it, and Tab on to its date."""
    pair = QWidget()
    row = QHBoxLayout(pair)
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(check)
    row.addWidget(date)
    pair.setFocusProxy(check)
    return pair


class AuditWindow(QMainWindow):
    """The whole trail with its filters (View > Audit trail)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Audit trail — reviewdesk")
        self.setAccessibleName("Audit trail")
        self.resize(1200, 700)
        self.model = AuditModel(self)
        self.table = audit_table(self.model, "Audit trail")
        self.offset = 0

        self.child = QLineEdit()
        self.child.setPlaceholderText("Child's ID (as in the case list)")
        self.child.setAccessibleName("Filter by child")
        self.user = QComboBox()
        self.user.setEditable(True)
        self.user.setAccessibleName("Filter by user")
        self.kind = QComboBox()
        self.kind.setAccessibleName("Filter by kind of record")
        self.action = QComboBox()
        self.action.setAccessibleName("Filter by what was done")
        self.action.addItem("Anything", None)
        for verb, words in ACTION_WORDS.items():
            self.action.addItem(words.capitalize(), verb)
        today = ctx.as_of
        self.use_from = QCheckBox("&From")
        self.use_from.setAccessibleName("Only from a date")
        self.start = date_edit(today - dt.timedelta(days=30), "From date")
        self.use_to = QCheckBox("&To")
        self.use_to.setAccessibleName("Only up to a date")
        self.end = date_edit(today, "To date (included)")
        self.show_button = QPushButton("Show")
        self.show_button.setAccessibleName("Show the matching entries")
        self.show_button.setDefault(True)
        self.show_button.clicked.connect(self.reload)
        self.more_button = QPushButton("More…")
        self.more_button.setAccessibleName("Show older entries")
        self.more_button.clicked.connect(self.more)
        self.status = label("", "hint", wrap=True)
        self.child.returnPressed.connect(self.reload)

        dates = QHBoxLayout()
        dates.addWidget(_ticked_date(self.use_from, self.start))
        dates.addWidget(_ticked_date(self.use_to, self.end))
        dates.addStretch(1)
        form = QFormLayout()
        form.addRow("&Child", self.child)
        form.addRow("&User", self.user)
        form.addRow("&Kind of record", self.kind)
        form.addRow("&What was done", self.action)
        form.addRow("Dates", dates)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.more_button)
        buttons.addWidget(self.show_button)

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(label("Audit trail", "title"))
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        self.setCentralWidget(body)
        close = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        close.activated.connect(self.close)
        self.fill_choices()
        self.reload()

    def fill_choices(self) -> None:
        with self.ctx.db.session() as s:
            users = audit_usernames(s)
            kinds = audit_kinds(s)
        current_user = self.user.currentText()
        self.user.clear()
        self.user.addItem("")
        self.user.addItems(users)
        self.user.setCurrentText(current_user)
        current_kind = self.kind.currentData()
        self.kind.clear()
        self.kind.addItem("Any kind", None)
        for kind in kinds:
            self.kind.addItem(RECORD_NOUNS.get(kind, kind.replace("_", " ")), kind)
        self.kind.setCurrentIndex(max(self.kind.findData(current_kind), 0))

    def filters(self) -> dict[str, Any] | None:
        """The filters as `list_audit` takes them; None (with a message) if the child is
        not known or a date box holds something that is not a date."""
        found: dict[str, Any] = {}
        for box in (self.start, self.end):
            message = box.wrong_entry_message()
            if message is not None:
                self.status.setText(message)
                return None
        text = self.child.text().strip()
        if text:
            with self.ctx.db.session() as s:
                child_id = s.scalar(select(Child.id).where(Child.local_id == text))
            if child_id is None and text.isdigit():
                child_id = int(text)  # a removed child: its id stays in the trail
            if child_id is None:
                self.status.setText(f"No child has the ID {text}.")
                return None
            found["child_id"] = child_id
        if self.user.currentText().strip():
            found["username"] = self.user.currentText().strip()
        if self.kind.currentData():
            found["table"] = self.kind.currentData()
        if self.action.currentData():
            found["action"] = self.action.currentData()
        london = ZoneInfo("Europe/London")
        if self.use_from.isChecked():
            found["start"] = dt.datetime.combine(from_qdate(self.start.date()), dt.time(), london)
        if self.use_to.isChecked():
            day = from_qdate(self.end.date()) + dt.timedelta(days=1)
            found["end"] = dt.datetime.combine(day, dt.time(), london)
        return found

    def reload(self) -> None:
        filters = self.filters()
        if filters is None:
            self.model.set_rows([])
            return
        self.offset = 0
        rows = read_rows(self.ctx, **filters)
        self.model.set_rows(rows)
        self._status(len(rows))

    def more(self) -> None:
        filters = self.filters()
        if filters is None:
            return
        self.offset += PAGE
        rows = read_rows(self.ctx, offset=self.offset, **filters)
        self.model.set_rows(rows, append=True)
        self._status(len(rows))

    def _status(self, last: int) -> None:
        n = self.model.rowCount()
        self.more_button.setEnabled(last >= PAGE)
        self.status.setText(
            "No entries match."
            if n == 0
            else f"{n:,} entr{'y' if n == 1 else 'ies'}, newest first"
            + (" (More… for older ones)." if last >= PAGE else ".")
        )

    def on_changes(self, _changes: Changes) -> None:
        """Every action writes the trail: show the newest entries again."""
        if self.isVisible():
            self.fill_choices()
            self.reload()


__all__ = ["AuditModel", "AuditWindow", "ChildHistory", "audit_table"]
