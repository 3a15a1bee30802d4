"""The audit trail: who created, changed or deleted which record, when, before and after.

`install` hooks it into every ORM session (``after_flush``), so every writer is covered
without doing anything. Bulk writers that insert with Core (`reviewdesk.storage.bulk`), or
switch per-row auditing off with `row_audit_suppressed`, call `record_audit` themselves (one
executemany, cheap). Each entry names the child its record belongs to (``child_id``), and
every entry written in a session is noted in ``session.info["changed"]`` as (table, child),
which is how an action says what it changed (`reviewdesk.actions.Changes`).

On a shared PostgreSQL server set up for a team the database's own triggers write the entry
of every row change (`reviewdesk.storage.server`), so a change made with raw SQL is audited
too: there the app writes only the entries of whole actions (an import's summary, an export,
a backup, a restore), and notes the row changes without writing them, so each change has
exactly one entry. The SQLite file, and a PostgreSQL database not set up for a team, keep
the app's entries.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, insert, inspect, select
from sqlalchemy.orm import Session

from reviewdesk.identity import system_account
from reviewdesk.storage import server
from reviewdesk.storage.fastinsert import insert_rows
from reviewdesk.storage.models import (
    AuditEntry,
    Base,
    Child,
    Episode,
    Invitee,
    Meeting,
    MeetingMove,
    MeetingPart,
    MeetingRequest,
    PackDelivery,
    PeriodOfCare,
    Report,
    ReportFile,
)

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
    child_id: int | None = None


_PLAIN = frozenset({type(None), bool, int, float, str})


def json_safe(value: Any) -> Any:
    """A value JSON can hold: dates and times as ISO strings, decimals as text."""
    if value.__class__ in _PLAIN or value is None or isinstance(value, bool | int | float | str):
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
    """Who the session acts as: set by `Database.session` from the identity the system
    vouches for; a bare session falls back to this process's operating-system account."""
    return session.info.get("username") or system_account()


#: Where an entry's child is found, for records that do not carry ``child_id`` themselves:
#: the relationship to their parent record, and its class.
_PARENT_OF: dict[type, tuple[str, type]] = {
    Episode: ("period", PeriodOfCare),
    MeetingPart: ("meeting", Meeting),
    MeetingMove: ("meeting", Meeting),
    Invitee: ("meeting", Meeting),
    Report: ("meeting", Meeting),
    MeetingRequest: ("meeting", Meeting),
    PackDelivery: ("meeting", Meeting),
    ReportFile: ("report", Report),
}


def child_of(obj: Any) -> int | None:
    """The id of the child a record belongs to (None for settings, staff and the like)."""
    if isinstance(obj, Child):
        return obj.id
    child_id = getattr(obj, "child_id", None)
    if child_id is not None:
        return child_id
    parent_name, cls = _PARENT_OF.get(type(obj), (None, None))
    if parent_name is None:
        return None
    parent = getattr(obj, parent_name, None) if parent_name in inspect(obj).dict else None
    if parent is None:
        session = inspect(obj).session
        key = getattr(obj, f"{parent_name}_id", None)
        if session is None or key is None:
            return None
        parent = session.get(cls, key)
    return child_of(parent) if parent is not None else None


def note_changed(session: Session, rows: Iterable[dict[str, Any]]) -> None:
    """Remember (table, child) of entries written in this session: what an action changed."""
    changed = session.info.setdefault("changed", set())
    for row in rows:
        changed.add((row["table_name"], row.get("child_id")))


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
                    "child_id": child_of(obj),
                }
            )
    return rows


_BY_DATABASE = "reviewdesk.row_audit_by_database"


def rows_audited_by_database(session: Session) -> bool:
    """Whether the database's triggers write this session's row-change entries (asked
    once per session: each operation has a session of its own)."""
    known = session.info.get(_BY_DATABASE)
    if known is None:
        known = session.info[_BY_DATABASE] = server.row_audit_by_database(session.connection())
    return known


def record_row_changes(session: Session, rows: list[dict[str, Any]]) -> None:
    """The entries of row changes a session made: written, unless the database's triggers
    write them; noted as changed either way."""
    if rows_audited_by_database(session):
        note_changed(session, rows)
    else:
        _insert(session, rows)


def _after_flush(session: Session, _flush_context: Any) -> None:
    if not session.info.get("audit", True):
        return
    rows = _entries_for_flush(session)
    if rows:
        record_row_changes(session, rows)


def _insert(session: Session, rows: list[dict[str, Any]]) -> None:
    user = session_user(session)
    now = session_now(session)
    for row in rows:
        row.setdefault("username", user)
        row.setdefault("at", now)
        row.setdefault("child_id", None)
    insert_entries(session.connection(), rows)
    note_changed(session, rows)


def insert_entries(connection: Connection, rows: list[dict[str, Any]]) -> None:
    """Write complete audit rows (each with every column but the id) on a connection."""
    insert_rows(connection, AuditEntry.__table__, rows)


def record_audit(session: Session, records: Iterable[AuditRecord]) -> int:
    """Write audit rows directly (for bulk writers); returns how many were written."""
    rows = [
        {
            "action": r.action,
            "table_name": r.table_name,
            "record_id": str(r.record_id),
            "before": json_safe(r.before),
            "after": json_safe(r.after),
            "child_id": r.child_id,
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
    child_id: int | None = None,
    action: str | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    offset: int = 0,
) -> list[AuditEntry]:
    """Audit entries, newest first. ``start`` and ``end`` bound the time (end excluded);
    ``table`` is the kind of record, ``action`` what was done (create, update, import...)."""
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if table:
        query = query.where(AuditEntry.table_name == table)
    if record_id is not None:
        query = query.where(AuditEntry.record_id == str(record_id))
    if username:
        query = query.where(AuditEntry.username == username)
    if child_id is not None:
        query = query.where(AuditEntry.child_id == child_id)
    if action:
        query = query.where(AuditEntry.action == action)
    if start is not None:
        query = query.where(AuditEntry.at >= start)
    if end is not None:
        query = query.where(AuditEntry.at < end)
    if offset:
        query = query.offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


def recorded_by_another(entry: Any) -> str | None:
    """The login that wrote ``entry`` in another user's name; None when the entry's own user
    wrote it (or nothing says who did).

    On a shared server the database stamps each entry with the login that wrote it
    (``recorded_by``). One that differs from the entry's user is a restore appending an older
    trail, or an administrator's own INSERT: never to be read as that user's own doing, so
    every reading of the trail says so."""
    recorded = getattr(entry, "recorded_by", None)
    return recorded if recorded and recorded != entry.username else None


def audit_usernames(session: Session) -> list[str]:
    """Everyone who appears in the trail, for a filter's choices."""
    query = select(AuditEntry.username).distinct().order_by(AuditEntry.username)
    return list(session.scalars(query))


def audit_kinds(session: Session) -> list[str]:
    """Every kind of record (table) in the trail."""
    return list(
        session.scalars(select(AuditEntry.table_name).distinct().order_by(AuditEntry.table_name))
    )


# --- keeping the trail through a restore ----------------------------------------------------

_TRAIL = (
    "at",
    "username",
    "action",
    "table_name",
    "record_id",
    "before",
    "after",
    "child_id",
    "recorded_by",
)
_SAME_ENTRY = ("id", "at", "username", "action", "table_name", "record_id")
_HELD = "reviewdesk_replaced_trail"


def _quoted(names: Iterable[str], prefix: str = "") -> str:
    return ", ".join(f'{prefix}"{name}"' for name in names)


def hold_trail(connection: Connection) -> None:
    """Copy the trail aside (a temporary table, in the same transaction) before a restore
    replaces every table."""
    connection.exec_driver_sql(f"DROP TABLE IF EXISTS {_HELD}")
    connection.exec_driver_sql(f"CREATE TEMPORARY TABLE {_HELD} AS SELECT * FROM audit_log")


def append_held_trail(connection: Connection) -> int:
    """After the restore: append the replaced database's entries the backup lacks, in their
    order, so the trail is never lost; returns how many. An entry is the same one when its
    id, time, user, verb and record match."""
    same = " AND ".join(f'a."{c}" = o."{c}"' for c in _SAME_ENTRY)
    result = connection.exec_driver_sql(
        f"INSERT INTO audit_log ({_quoted(_TRAIL)}) "
        f"SELECT {_quoted(_TRAIL, 'o.')} FROM {_HELD} o "
        f"WHERE NOT EXISTS (SELECT 1 FROM audit_log a WHERE {same}) ORDER BY o.id"
    )
    connection.exec_driver_sql(f"DROP TABLE {_HELD}")
    return max(result.rowcount or 0, 0)


def append_trail(connection: Connection, entries: Iterable[Any]) -> int:
    """Append ``entries`` (rows of another database's audit_log, oldest first) that this
    trail lacks; returns how many. Streams in batches, so a long trail costs little memory."""
    table = AuditEntry.__table__
    appended = 0
    batch: list[Any] = []

    def flush() -> None:
        nonlocal appended
        ids = [row.id for row in batch]
        present = {
            tuple(r)
            for r in connection.execute(
                select(*(table.c[c] for c in _SAME_ENTRY)).where(table.c.id.in_(ids))
            )
        }
        new = [
            {c: getattr(row, c) for c in _TRAIL}
            for row in batch
            if tuple(getattr(row, c) for c in _SAME_ENTRY) not in present
        ]
        if new:
            connection.execute(insert(table), new)
        appended += len(new)
        batch.clear()

    for row in entries:
        batch.append(row)
        if len(batch) >= 5000:
            flush()
    if batch:
        flush()
    return appended


def trail_of(connection: Connection) -> Iterator[Any]:
    """Every entry of a database's trail, oldest first (for `append_trail`)."""
    table = AuditEntry.__table__
    yield from connection.execute(select(table).order_by(table.c.id))
