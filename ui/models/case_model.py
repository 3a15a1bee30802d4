"""The case list's model: only the ordered row ids are held; rows are fetched in pages.

Sorting and filtering are database queries (``reviewdesk.queries``), so a list of 100,000
children costs one list of integers and the few pages the user scrolls through.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from reviewdesk import queries
from reviewdesk.queries import CaseFilter, CaseRow
from reviewdesk.storage.db import Database
from ui.models import ROOT, IdRole, SortRole

PAGE_SIZE = 200

COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", "Name"),
    ("local_id", "ID"),
    ("iro", "IRO / chair"),
    ("team", "Team"),
    ("process", "Process"),
    ("next_meeting", "Next meeting"),
    ("status", "Status"),
)


def uk(d: dt.date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else ""


class CaseListModel(QAbstractTableModel):
    def __init__(self, db: Database, *, as_of: dt.date, parent=None) -> None:
        super().__init__(parent)
        self._db = db
        self._as_of = as_of
        self._filter = CaseFilter()
        self._sort_column = 0
        self._descending = False
        self._ids: list[int] = []
        self._rows: dict[int, CaseRow] = {}

    # --- loading --------------------------------------------------------------------------
    def reload(self) -> None:
        with self._db.session() as s:
            ids = queries.case_ids(
                s,
                self._filter,
                sort=COLUMNS[self._sort_column][0],
                descending=self._descending,
                as_of=self._as_of,
            )
        self.beginResetModel()
        self._ids = ids
        self._rows = {}
        self.endResetModel()

    def set_filter(self, filt: CaseFilter) -> None:
        if filt != self._filter:
            self._filter = filt
            self.reload()

    @property
    def case_filter(self) -> CaseFilter:
        return self._filter

    def set_as_of(self, as_of: dt.date) -> None:
        self._as_of = as_of
        self.reload()

    def child_id(self, row: int) -> int:
        return self._ids[row]

    def _row(self, row: int) -> CaseRow | None:
        cid = self._ids[row]
        cached = self._rows.get(cid)
        if cached is not None:
            return cached
        start = (row // PAGE_SIZE) * PAGE_SIZE
        page = self._ids[start : start + PAGE_SIZE]
        with self._db.session() as s:
            self._rows.update(queries.case_rows(s, page, as_of=self._as_of))
        if len(self._rows) > 20 * PAGE_SIZE:  # keep memory flat when scrolling a long list
            keep = set(page)
            self._rows = {k: v for k, v in self._rows.items() if k in keep}
        return self._rows.get(cid)

    # --- Qt model API ---------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(COLUMNS):
            return COLUMNS[section][1]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        if role == IdRole:
            return self._ids[index.row()]
        if role not in (Qt.ItemDataRole.DisplayRole, SortRole, Qt.ItemDataRole.ToolTipRole):
            return None
        row = self._row(index.row())
        if row is None:
            return None
        key = COLUMNS[index.column()][0]
        value = getattr(row, key)
        if role == SortRole:
            return value
        if isinstance(value, dt.date):
            return uk(value)
        return value

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        self._sort_column = column
        self._descending = order == Qt.SortOrder.DescendingOrder
        self.layoutAboutToBeChanged.emit()
        with self._db.session() as s:
            ids = queries.case_ids(
                s,
                self._filter,
                sort=COLUMNS[column][0],
                descending=self._descending,
                as_of=self._as_of,
            )
        old = self.persistentIndexList()
        old_ids = [self._ids[i.row()] if i.row() < len(self._ids) else None for i in old]
        self._ids = ids
        position = {cid: n for n, cid in enumerate(ids)}
        new = [
            self.index(position[cid], i.column()) if cid in position else QModelIndex()
            for cid, i in zip(old_ids, old, strict=True)
        ]
        self.changePersistentIndexList(old, new)
        self.layoutChanged.emit()
