"""The audit trail: who created, changed or deleted which record, when, before and after.

`install` hooks it into every ORM session (``after_flush``), so every writer is covered
without doing anything. Bulk writers that insert with Core, or switch per-row auditing off
with `row_audit_suppressed`, call `record_audit` themselves (one executemany, cheap).
"""

from __future__ import annotations

import datetime as dt
import decimal
import getpass
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, inspect, select
from sqlalchemy.orm import Session

from reviewdesk.storage.models import AuditEntry, Base

#: Bookkeeping columns left out of the before/after values (the entry has its own user/time).
UNAUDITED_COLUMNS = frozenset({"version", "updated_by", "updated_at"})


@dataclass(frozen=True)
class AuditRecord:
    """One audit row for `record_audit`: action is "create", "update", "delete" or another verb."""

    action: str
    table_name: str
    record_id: str
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None


def json_safe(value: Any) -> Any:
    """A value JSON can hold: dates and times as ISO strings, decimals as text."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.date | dt.time):  # datetime is a date
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_safe(v) for v in value]
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return str(value)


def session_user(session: Session) -> str:
    return session.info.get("username") or getpass.getuser()


def session_now(session: Session) -> dt.datetime:
    """The time stamped on this flush: ``session.info["now"]`` if given (imports, tests)."""
    now = session.info.get("now")
    return now if now is not None else dt.datetime.now(dt.UTC)


def _record_id(obj: Any) -> str:
    # After a flush new records have their keys but no identity yet: read the key columns.
    key = inspect(obj).mapper.primary_key_from_instance(obj)
    return ",".join(str(json_safe(part)) for part in key)


def _values(obj: Any) -> dict[str, Any]:
    state = inspect(obj)
    return {
        attr.key: json_safe(state.dict.get(attr.key))
        for attr in state.mapper.column_attrs
        if attr.key not in UNAUDITED_COLUMNS
    }


def _changes(obj: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    state = inspect(obj)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        if attr.key in UNAUDITED_COLUMNS:
            continue
        history = state.attrs[attr.key].history
        if not history.added and not history.deleted:
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if old == new:
            continue
        before[attr.key] = json_safe(old)
        after[attr.key] = json_safe(new)
    return before, after


def _entries_for_flush(session: Session) -> list[dict[str, Any]]:
    rows = []

    def insert_order(obj: Any) -> int:
        return inspect(obj).insert_order or 0

    for action, objects in (
        ("create", sorted(session.new, key=insert_order)),
        ("update", session.dirty),
        ("delete", session.deleted),
    ):
        for obj in objects:
            if not isinstance(obj, Base) or isinstance(obj, AuditEntry):
                continue
            table = inspect(obj).mapper.local_table.name
            if action == "create":
                before, after = None, _values(obj)
            elif action == "delete":
                before, after = _values(obj), None
            else:
                before, after = _changes(obj)
                if not after:
                    continue
            rows.append(
                {
                    "action": action,
                    "table_name": table,
                    "record_id": _record_id(obj),
                    "before": before,
                    "after": after,
                }
            )
    return rows


def _after_flush(session: Session, _flush_context: Any) -> None:
    if not session.info.get("audit", True):
        return
    rows = _entries_for_flush(session)
    if rows:
        _insert(session, rows)


def _insert(session: Session, rows: list[dict[str, Any]]) -> None:
    user = session_user(session)
    now = session_now(session)
    for row in rows:
        row.setdefault("username", user)
        row.setdefault("at", now)
    session.connection().execute(insert(AuditEntry), rows)


def record_audit(session: Session, records: Iterable[AuditRecord]) -> int:
    """Write audit rows directly (for bulk writers); returns how many were written."""
    rows = [
        {
            "action": r.action,
            "table_name": r.table_name,
            "record_id": str(r.record_id),
            "before": json_safe(r.before),
            "after": json_safe(r.after),
        }
        for r in records
    ]
    if rows:
        _insert(session, rows)
    return len(rows)


@contextmanager
def row_audit_suppressed(session: Session) -> Iterator[None]:
    """Switch off per-row auditing (e.g. while generating 100,000 demo children).

    The caller must record what it did with `record_audit` (a summary row is fine).
    """
    previous = session.info.get("audit", True)
    session.info["audit"] = False
    try:
        yield
    finally:
        session.info["audit"] = previous


def list_audit(
    session: Session,
    *,
    limit: int | None = 50,
    table: str | None = None,
    record_id: str | None = None,
    username: str | None = None,
) -> list[AuditEntry]:
    """Audit entries, newest first."""
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if table:
        query = query.where(AuditEntry.table_name == table)
    if record_id is not None:
        query = query.where(AuditEntry.record_id == str(record_id))
    if username:
        query = query.where(AuditEntry.username == username)
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))
