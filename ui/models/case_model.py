"""The case list's model: only the ordered row ids are held; rows are fetched in pages.

Sorting and filtering are database queries (``reviewdesk.queries``), so a list of 100,000
children costs one list of integers and the few pages the user scrolls through.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush

from reviewdesk import queries
from reviewdesk.actions import Changes
from reviewdesk.casework.mapping import DueNotKnown
from reviewdesk.dashboard import Mark
from reviewdesk.queries import CaseFilter, CaseRow
from reviewdesk.storage.db import Database
from reviewdesk.vocabulary import (
    DUE_NOT_KNOWN,
    NEXT_NOT_KNOWN,
    NEXT_NOT_RECORDED,
    OUTCOME_NOT_RECORDED,
    RECORD_THE_OUTCOME,
    format_uk,
)
from ui import theme
from ui.models import ROOT, IdRole, SortRole
from ui.tasks import run_in_background

PAGE_SIZE = 200

COLUMNS = queries.CASE_COLUMNS
#: Columns the engine works out (not stored): sorted in memory once the due dates are known.
ENGINE_COLUMNS = frozenset({"next_due"})
#: Kinds of record (`reviewdesk.actions.Changes.kinds`) that no filter reads and only the
#: "Next meeting" column shows: a change to these leaves the list's order and members as
#: they were, unless it is sorted by next meeting.
MEETING_KINDS = frozenset(
    {"meeting", "meeting_part", "meeting_move", "report", "invitee", "audit_log"}
)
#: The "Next due" of a case: a date, or `DueNotKnown` (an open case the data cannot date).
NextDue = dt.date | DueNotKnown


class CaseListModel(QAbstractTableModel):
    #: True while the database is being asked for a new order (the view shows "Loading…").
    busy = Signal(bool)

    def __init__(
        self, db: Database, *, as_of: dt.date, background: bool = False, parent=None
    ) -> None:
        super().__init__(parent)
        self.background = background
        #: What the reading in the background is for ((query, search keys wanted)), if any.
        self._pending: tuple | None = None
        self._task = None
        self._db = db
        self._as_of = as_of
        self._filter = CaseFilter()
        self._sort_column = 0
        self._descending = False
        self._ids: list[int] = []
        self._rows: dict[int, CaseRow] = {}
        self._base_ids: list[int] = []
        self._base_key: tuple | None = None
        self._keys: dict[int, str] | None = None
        self._dues: dict[int, NextDue] | None = None
        self._marks: dict[int, Mark] = {}
        self._base_keys: list[str] = []
        self._base_keys_for: list[int] | None = None

    # --- loading --------------------------------------------------------------------------
    # The database sorts and applies the structural filters (team, process, open cases); the
    # ordered ids are kept, and the words typed in the search box narrow them in memory
    # against a folded search index (case and accents ignored), so typing stays instant.

    def _base_query(self) -> tuple:
        f = self._filter
        return (
            f.team_id,
            f.iro_id,
            f.process,
            f.open_only,
            f.child_ids,
            self._sort_column,
            self._descending,
            self._as_of,
        )

    def _query_base(self, key: tuple) -> list[int]:
        """The ordered ids for ``key`` (runs on any thread: its own session, no widgets)."""
        team_id, iro_id, process, open_only, child_ids, column, descending, as_of = key
        base = CaseFilter(
            team_id=team_id,
            iro_id=iro_id,
            process=process,
            open_only=open_only,
            child_ids=child_ids,
        )
        key_name = COLUMNS[column][0]
        in_db = key_name not in ENGINE_COLUMNS
        with self._db.session() as s:
            ids = queries.case_ids(
                s,
                base,
                sort=key_name if in_db else "name",
                descending=descending if in_db else False,
                as_of=as_of,
            )
        if in_db:
            return ids
        # Dates in order, then the open cases whose next due date is not known, together,
        # then the closed cases (none due); each kept by name within (a stable sort).
        dues = self._dues or {}
        known = [cid for cid in ids if isinstance(dues.get(cid), dt.date)]
        known.sort(key=dues.__getitem__, reverse=descending)
        unknown = [cid for cid in ids if isinstance(dues.get(cid), DueNotKnown)]
        return known + unknown + [cid for cid in ids if cid not in dues]

    def _fetch_base(self) -> list[int]:
        key = self._base_query()
        if self._base_key != key:
            self._base_ids = self._query_base(key)
            self._base_key = key
        return self._base_ids

    def _needs_database(self) -> bool:
        return self._base_key != self._base_query() or (
            self._keys is None and bool(self._filter.text.strip())
        )

    def _refresh(self) -> None:
        """Show the current filter and sort: at once when the ids are at hand; otherwise
        from the database, in the background when ``background`` is set (the window)."""
        if not (self.background and self._needs_database()):
            self._apply()
            return
        key = self._base_query()
        want_keys = self._keys is None and bool(self._filter.text.strip())
        if self._pending == (key, want_keys):
            return  # already being read: it is shown when it arrives
        self._pending = (key, want_keys)
        self.busy.emit(True)

        def work(_progress):
            ids = self._query_base(key) if self._base_key != key else None
            keys = None
            if want_keys:
                with self._db.session() as s:
                    keys = queries.search_keys(s)
            return key, ids, keys

        self._task = run_in_background(
            work, on_success=self._arrived, on_failure=self._failed, priority=10
        )

    def _arrived(self, result) -> None:
        key, ids, keys = result
        if self._pending is not None and self._pending[0] == key:
            self._pending = None
        if keys is not None:
            self._keys = keys
        if ids is not None:
            self._base_ids, self._base_key = ids, key
        if key == self._base_query():
            self.busy.emit(False)
            self._apply()
        else:  # the user changed the filter or sort meanwhile
            self._refresh()

    def _failed(self, exc: BaseException) -> None:
        self._pending = None
        self.busy.emit(False)
        raise exc  # reaches the friendly error hook on the UI thread

    def _visible_ids(self) -> list[int]:
        base = self._fetch_base()
        words = queries.fold(self._filter.text).split()
        if not words:
            return list(base)
        if self._keys is None:
            with self._db.session() as s:
                self._keys = queries.search_keys(s)
        if self._base_keys_for is not base:
            keys = self._keys
            self._base_keys = [keys.get(cid, "") for cid in base]
            self._base_keys_for = base
        pairs = zip(base, self._base_keys, strict=True)
        for word in words:  # each word narrows the list further; plain loops stay fast
            pairs = [(cid, key) for cid, key in pairs if word in key]
        return [cid for cid, _key in pairs]

    def reload(self) -> None:
        """Re-read everything from the database (after a change)."""
        self._base_key = None
        self._keys = None
        self._pending = None  # a reading begun before the change would be out of date
        self._refresh()

    def changed(self, changes: Changes) -> None:
        """After an action: when it changed only some children's meetings (and the list is
        not sorted by next meeting) their rows are read again and the rest kept; otherwise
        everything is read again (`reload`). Tests check the two agree."""
        if (
            changes.everything
            or changes.kinds - MEETING_KINDS
            or COLUMNS[self._sort_column][0] == "next_meeting"
        ):
            self.reload()
            return
        for cid in changes.children:
            self._rows.pop(cid, None)
        if self._ids:
            last = self.index(len(self._ids) - 1, len(COLUMNS) - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    def set_next_dues(
        self, dues: dict[int, NextDue] | None, marks: dict[int, Mark] | None = None
    ) -> None:
        """The engine's next due dates (`ui.snapshot`'s), shown in the "Next due" column,
        and how each is marked (`Snapshot.due_marks`: the flags' colour and reasons)."""
        self._dues = dues
        self._marks = marks or {}
        if COLUMNS[self._sort_column][0] in ENGINE_COLUMNS:
            self._base_key = None
            self._refresh()
        elif self._ids:
            column = [k for k, _ in COLUMNS].index("next_due")
            self.dataChanged.emit(self.index(0, column), self.index(len(self._ids) - 1, column))

    @property
    def dues_known(self) -> bool:
        return self._dues is not None

    @property
    def next_dues(self) -> dict[int, NextDue] | None:
        """The engine's next due dates shown in the "Next due" column (None: not known yet)."""
        return self._dues

    def _apply(self) -> None:
        ids = self._visible_ids()
        self.beginResetModel()
        self._ids = ids
        self._rows = {}
        self.endResetModel()

    def set_filter(self, filt: CaseFilter, *, force: bool = False) -> None:
        """Show the children matching ``filt``; ``force`` reads them again even when the
        filter is unchanged (after the data changed)."""
        if force:
            self._filter = filt
            self.reload()
        elif filt != self._filter:
            self._filter = filt
            self._refresh()

    @property
    def case_filter(self) -> CaseFilter:
        return self._filter

    def set_as_of(self, as_of: dt.date) -> None:
        """Show the register as on ``as_of`` from the next reload (the window reloads every
        page after changing the date)."""
        self._as_of = as_of

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
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._due_colour(index)
        if role not in (Qt.ItemDataRole.DisplayRole, SortRole, Qt.ItemDataRole.ToolTipRole):
            return None
        row = self._row(index.row())
        if row is None:
            return None
        key = COLUMNS[index.column()][0]
        value = self._dues.get(row.id) if key == "next_due" and self._dues else None
        if key != "next_due":
            value = getattr(row, key)
        if key == "next_meeting" and row.next_meeting_not_recorded:
            if role == Qt.ItemDataRole.ToolTipRole:
                return (
                    f"Booked for {format_uk(row.not_recorded)}; {OUTCOME_NOT_RECORDED}: "
                    f"{RECORD_THE_OUTCOME}"
                )
            return None if role == SortRole else NEXT_NOT_RECORDED
        if isinstance(value, DueNotKnown):
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"{DUE_NOT_KNOWN.capitalize()}: {value.reason}"
            return NEXT_NOT_KNOWN
        if role == SortRole:
            return value
        if isinstance(value, dt.date):
            shown = format_uk(value)
            mark = self._marks.get(row.id) if key == "next_due" else None
            if role == Qt.ItemDataRole.ToolTipRole and mark is not None:
                return "\n".join((shown, *mark[1]))
            return shown
        return value

    def _due_colour(self, index: QModelIndex | QPersistentModelIndex):
        """The next due date in the colour of its flag: red when overdue, amber when due
        soon and not booked (`Snapshot.due_marks`, as the dashboard's tiles); a next
        meeting "not recorded" in amber, as its flag."""
        if COLUMNS[index.column()][0] == "next_meeting":
            row = self._row(index.row())
            if row is not None and row.next_meeting_not_recorded:
                return QBrush(theme.text_colour("amber"))
            return None
        if COLUMNS[index.column()][0] != "next_due" or not self._dues:
            return None
        mark = self._marks.get(self._ids[index.row()])
        if mark is None or not isinstance(self._dues.get(self._ids[index.row()]), dt.date):
            return None
        return QBrush(theme.text_colour(mark[0]))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        self._sort_column = column
        self._descending = order == Qt.SortOrder.DescendingOrder
        if self.background and self._needs_database():
            self._refresh()
            return
        self.layoutAboutToBeChanged.emit()
        ids = self._visible_ids()
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
