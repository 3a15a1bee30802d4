"""Writing many rows at once, for the actions that do (imports, the demo), in their session.

`BulkWriter` is the bulk form of an ordinary save: rows go in with Core ``executemany``
(thousands of children in a second), yet every record is stamped (version, who, when),
audited with its values before and after and the child it belongs to, and checked by the
same rules as every other save (`validation.validate_stored`) before the transaction
commits. The importers compare a file with the database and hand their writes to one.

`BulkInserter` only inserts, as fast as the driver allows, for generated data (the demo),
which the demo action audits as one entry.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Table, bindparam, delete, select, update
from sqlalchemy.orm import Session

from reviewdesk.storage import audit, validation
from reviewdesk.storage.audit import json_safe
from reviewdesk.storage.fastinsert import insert_returning_ids, insert_rows

CHUNK = 5000

#: Tables whose rows carry the child's id themselves.
_CHILD_COLUMN = frozenset(
    {"period_of_care", "cp_enquiry", "cp_plan", "meeting", "child_voice", "allocation"}
)
_BOOKKEEPING = audit.UNAUDITED_COLUMNS


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


class BulkWriter:
    """Inserts, updates and deletes by the thousand, each record audited and checked.

    Call `remember` with the existing rows a caller read (their values are the "before" of
    updates and deletes), then `insert` / `update` / `delete`, and `finish` once: it writes
    the audit entries and checks every inserted or updated record against the rules.
    """

    def __init__(self, session: Session, *, action: str = "") -> None:
        self.session = session
        self.username = audit.session_user(session)
        self.now = audit.session_now(session)
        #: Verb of the audit entries; "" for create/update/delete as an ordinary save writes.
        self.action = action
        self._known: dict[str, dict[int, Mapping[str, Any]]] = defaultdict(dict)
        self._period_child: dict[int, int] = {}
        self._meeting_child: dict[int, int] = {}
        self._entries: list[dict[str, Any]] = []
        self._children: set[int] = set()  # of the audit entries already written
        self._written: dict[str, set[int]] = defaultdict(set)
        self.counts: Counter[str] = Counter()

    # --- what is there ------------------------------------------------------------------
    def remember(self, table: Table, rows: Iterable[Mapping[str, Any]]) -> None:
        known = self._known[table.name]
        for row in rows:
            known[row["id"]] = row
            if table.name == "period_of_care":
                self._period_child[row["id"]] = row["child_id"]
            elif table.name == "meeting":
                self._meeting_child[row["id"]] = row["child_id"]

    def _child(self, table: str, row: Mapping[str, Any], record_id: int) -> int | None:
        if table == "child":
            return record_id
        if table in _CHILD_COLUMN:
            return row.get("child_id")
        if table == "episode":
            return self._period_child.get(row.get("period_id"))  # type: ignore[arg-type]
        if table in ("report", "invitee", "meeting_part", "meeting_move", "pack_delivery"):
            return self._meeting_child.get(row.get("meeting_id"))  # type: ignore[arg-type]
        return None

    def _entry(
        self, verb: str, table: str, record_id: int, before: Any, after: Any, child: int | None
    ) -> None:
        self._entries.append(
            {
                "at": self.now,
                "username": self.username,
                "action": self.action or verb,
                "table_name": table,
                "record_id": str(record_id),
                "before": before,
                "after": after,
                "child_id": child,
            }
        )

    def _stamp(self, table: Table) -> dict[str, Any]:
        if "version" not in table.c:
            return {}
        return {"version": 1, "updated_by": self.username, "updated_at": self.now}

    # --- writes -------------------------------------------------------------------------
    def insert(self, table: Table, rows: list[dict[str, Any]]) -> list[int]:
        """Insert rows (each with the same keys) and return their new ids, in order."""
        if not rows:
            return []
        stamp = self._stamp(table)
        full = [{**r, **stamp} for r in rows]
        ids = insert_returning_ids(self.session.connection(), table, full)
        name = table.name
        for row, new_id in zip(rows, ids, strict=True):
            if name == "period_of_care":
                self._period_child[new_id] = row["child_id"]
            elif name == "meeting":
                self._meeting_child[new_id] = row["child_id"]
            after = {k: json_safe(v) for k, v in row.items() if k not in _BOOKKEEPING}
            after["id"] = new_id
            self._entry("create", name, new_id, None, after, self._child(name, row, new_id))
        self._written[name].update(ids)
        self.counts[name] += len(ids)
        return ids

    def update(self, table: Table, rows: list[dict[str, Any]]) -> None:
        """Update rows by id (each dict has "id" and the columns to set): the version goes up,
        and only the values that really change are audited."""
        name = table.name
        known = self._known[name]
        by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
        for row in rows:
            by_columns[tuple(sorted(k for k in row if k != "id"))].append(row)
            old = known.get(row["id"], {})
            before = {}
            after = {}
            for key, value in row.items():
                if key == "id" or key in _BOOKKEEPING:
                    continue
                if key not in old or old[key] != value:
                    before[key] = json_safe(old.get(key))
                    after[key] = json_safe(value)
            if after:
                merged = {**old, **row}
                self._entry(
                    "update", name, row["id"], before, after, self._child(name, merged, row["id"])
                )
                self._written[name].add(row["id"])
        tracked = "version" in table.c
        for columns, group in by_columns.items():
            values: dict[str, Any] = {c: bindparam(f"v_{c}") for c in columns}
            if tracked:
                values.update(
                    version=table.c.version + 1, updated_by=self.username, updated_at=self.now
                )
            stmt = update(table).where(table.c.id == bindparam("b_id")).values(values)
            params = [{"b_id": r["id"], **{f"v_{c}": r[c] for c in columns}} for r in group]
            for chunk in _chunks(params):
                self.session.execute(
                    stmt, list(chunk), execution_options={"synchronize_session": False}
                )
        self.counts[name] += len(rows)

    def delete(self, table: Table, ids: Sequence[int]) -> None:
        """Delete rows by id; each is audited with the values it had."""
        name = table.name
        known = self._known[name]
        for record_id in ids:
            old = known.get(record_id, {})
            before = {k: json_safe(v) for k, v in old.items() if k not in _BOOKKEEPING}
            self._entry("delete", name, record_id, before, None, self._child(name, old, record_id))
        for chunk in _chunks(list(ids)):
            self.session.execute(
                delete(table).where(table.c.id.in_(chunk)),
                execution_options={"synchronize_session": False},
            )
        self.counts[name] += len(ids)

    def replace(
        self, table: Table, replacing: Any, rows: list[dict[str, Any]], key: Sequence[str]
    ) -> None:
        """Make the rows matching ``replacing`` (a condition) exactly ``rows``, matched by the
        ``key`` columns: those ``rows`` lack are deleted, those whose values differ updated,
        new ones inserted; unchanged rows are not touched. For tables that hold a copy of an
        input file (the returns as imported), which no rule of the data checks. Each change
        is audited like any other: on a shared server the database's triggers audit every
        row whatever the app does, and a file keeps the same entries."""
        old = self.session.execute(select(table).where(replacing)).mappings().all()
        self.remember(table, old)
        had = {tuple(row[k] for k in key): row for row in old}
        wanted = {tuple(row[k] for k in key): row for row in rows}
        self.delete(table, [row["id"] for k, row in had.items() if k not in wanted])
        changed = []
        for k, row in wanted.items():
            before = had.get(k)
            if before is not None and any(before[c] != v for c, v in row.items()):
                changed.append({"id": before["id"], **row})
        self.update(table, changed)
        self.insert(table, [row for k, row in wanted.items() if k not in had])

    def flush_audit(self) -> None:
        """Write the audit entries so far (a long import, a batch at a time, so they need not
        all be held); the records are still checked by `finish`."""
        rows = self._entries
        if rows:
            self._children.update(e["child_id"] for e in rows if e["child_id"] is not None)
            audit.record_row_changes(self.session, rows)  # by the database's triggers, if any
        self._entries = []

    def finish(self, *, summary: audit.AuditRecord | None = None) -> None:
        """Check every inserted or updated record by the rules of the data, then write the
        audit entries (and a summary entry, if given). Raises `ValidationFailed`."""
        children = self._children | {
            e["child_id"] for e in self._entries if e["child_id"] is not None
        }
        validation.validate_stored(self.session, self._written, children)
        self.flush_audit()
        if summary is not None:
            audit.record_audit(self.session, [summary])


class BulkInserter:
    """Buffers rows per table and inserts them in bulk, parents before children (the demo).

    ``order`` lists the tables parents first. No per-row audit: the caller records one entry.
    """

    def __init__(
        self,
        session: Session,
        tables: Mapping[str, Table],
        order: Sequence[str],
        limit: int = 60_000,
    ) -> None:
        self.session = session
        self.limit = limit
        self.order = tuple(order)
        self.buffers: dict[str, list[dict]] = {name: [] for name in self.order}
        self.tables = dict(tables)
        self.counts: Counter[str] = Counter()
        self.pending = 0

    def add(self, table: str, row: dict) -> None:
        self.buffers[table].append(row)
        self.pending += 1

    def maybe_flush(self) -> None:
        if self.pending >= self.limit:
            self.flush()

    def flush(self) -> None:
        connection = self.session.connection()
        for name in self.order:
            rows = self.buffers[name]
            if rows:
                insert_rows(connection, self.tables[name], rows)
                self.counts[name] += len(rows)
                self.buffers[name] = []
        self.pending = 0

    def insert_now(self, table: Table, rows: list[dict[str, Any]]) -> None:
        """Insert rows at once, outside the buffers."""
        if rows:
            insert_rows(self.session.connection(), table, rows)


__all__ = ["BulkInserter", "BulkWriter"]
