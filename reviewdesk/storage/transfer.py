"""Copy all the data between databases, or to and from a portable JSON Lines dump.

This is how a PostgreSQL database is backed up and restored from the app (the server's own
``pg_dump`` remains the tool for a DBA), and how a council moves from the single-user SQLite
file to a shared PostgreSQL server: ``reviewdesk --db postgresql+psycopg://... restore
reviewdesk.sqlite``. A dump's first line names the format and schema revision; each further
line is one row: ``{"t": table, "r": {column: value}}``, dates as ISO text.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection, Engine, Table, create_engine, delete, func, insert, select
from sqlalchemy import update as sql_update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.types import Date, DateTime, LargeBinary, Time

from reviewdesk.errors import InvalidInput
from reviewdesk.safefiles import check_input
from reviewdesk.storage import audit, migrate, server
from reviewdesk.storage.models import (
    AuditEntry,
    Base,
    ChangeFeed,
    ChangeSignal,
    Child,
    Staff,
    User,
)

FORMAT = "reviewdesk-dump"
#: 2 ends with a line counting the rows (`END`), so a dump cut short at a line's end is
#: refused (it was restored, with half the meetings and none of the reports, exit 0).
#: Dumps of version 1 (no such line) are still read.
FORMAT_VERSION = 2
READ_VERSIONS = (1, 2)
END = "end_of_dump_rows"
BATCH = 2000
SQLITE_MAGIC = b"SQLite format 3\x00"

Row = tuple[str, dict[str, Any]]


def tables() -> list[Table]:
    """Every data table, parents before children. Not the change signal and its feed: they
    belong to the database they are in, whose own trigger moves them when the copy writes
    its entries."""
    own = {ChangeSignal.__tablename__, ChangeFeed.__tablename__}
    return [t for t in Base.metadata.sorted_tables if t.name not in own]


def _deferred_columns(table: Table) -> list[str]:
    """Columns whose foreign key closes a cycle (team.manager_id): filled in afterwards."""
    return [fk.parent.name for fk in table.foreign_keys if fk.use_alter]


def _to_json(value: Any) -> Any:
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):  # attached files (report_file.content)
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def _from_json(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for name, value in row.items():
        column = table.columns.get(name)
        if column is None:
            raise InvalidInput(f"The dump has a column {table.name}.{name} this version lacks.")
        if isinstance(value, str):
            kind = column.type
            kind = getattr(kind, "impl_instance", kind)
            if isinstance(kind, LargeBinary):
                try:
                    value = base64.b64decode(value, validate=True)
                except ValueError as exc:
                    raise TypeError(f"{table.name}.{name} is not base64") from exc
            elif isinstance(kind, DateTime):
                value = dt.datetime.fromisoformat(value)
            elif isinstance(kind, Date):
                value = dt.date.fromisoformat(value)
            elif isinstance(kind, Time):
                value = dt.time.fromisoformat(value)
            elif (limit := getattr(kind, "length", None)) is not None and len(value) > limit:
                # (SQLite would keep it, PostgreSQL refuse it: a 50,000-character name
                # restored into SQLite then held up the conference pack for minutes.)
                raise ValueError(
                    f"{table.name}.{name} is {len(value):,} characters, more than the "
                    f"{limit:,} it keeps"
                )
        out[name] = value
    return out


def rows_of(conn: Connection, skip: Iterable[str] = ()) -> Iterator[Row]:
    """Every row of every table (but those named in ``skip``), parents first, each table in
    key order."""
    skipped = set(skip)
    for table in tables():
        if table.name in skipped:
            continue
        order = list(table.primary_key.columns)
        for row in conn.execute(select(table).order_by(*order)).mappings():
            yield table.name, dict(row)


def write_dump(engine: Engine, out: IO[str]) -> int:
    """Write the whole database as a dump; returns the number of rows."""
    n = 0
    with engine.connect() as conn:
        revision = migrate.current_revision(conn)
        header = {"format": FORMAT, "version": FORMAT_VERSION, "revision": revision}
        out.write(json.dumps(header) + "\n")
        for name, row in rows_of(conn):
            record = {"t": name, "r": {k: _to_json(v) for k, v in row.items()}}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            n += 1
        out.write(json.dumps({END: n}) + "\n")
    return n


def read_header(path: Path) -> dict[str, Any]:
    try:
        with path.open(encoding="utf-8") as f:
            header = json.loads(f.readline())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput(f"{path} is not a reviewdesk dump ({exc}).") from exc
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise InvalidInput(f"{path} is not a reviewdesk dump (its first line is not ours).")
    if header.get("version") not in READ_VERSIONS:
        raise InvalidInput(f"{path}: dump format {header.get('version')} is not supported.")
    return header


def rows_of_dump(path: Path) -> Iterator[Row]:
    """The dump's rows; `InvalidInput` (before the caller commits anything) for a line that
    is not one, or a dump of version 2 that does not end with its count of rows."""
    by_name = {t.name: t for t in tables()}
    counted = read_header(path).get("version", FORMAT_VERSION) >= 2
    rows, end = 0, None
    with path.open(encoding="utf-8") as f:
        f.readline()
        for number, line in enumerate(f, start=2):
            if not line.strip():
                continue
            if end is not None:
                raise InvalidInput(f"{path} line {number}: a row after the dump's last line.")
            try:
                record = json.loads(line)
                if counted and isinstance(record, dict) and END in record:
                    end = record[END]
                    continue
                table = by_name[record["t"]]
                row = _from_json(table, record["r"])
            except (
                json.JSONDecodeError,
                KeyError,
                TypeError,
                AttributeError,
                RecursionError,
            ) as exc:
                raise InvalidInput(f"{path} line {number}: not a row of a known table.") from exc
            except ValueError as exc:
                raise InvalidInput(f"{path} line {number}: {exc}.") from None
            rows += 1
            yield table.name, row
    if counted and end != rows:
        raise InvalidInput(
            f"{path} is not a whole dump: it has {rows:,} rows and "
            + ("no last line counting them (cut short?)" if end is None else f"says {end}")
            + ". Nothing was restored."
        )


def count_rows(engine: Engine) -> int:
    """How many rows the data tables hold."""
    with engine.connect() as conn:
        return sum(conn.execute(select(func.count()).select_from(t)).scalar() for t in tables())


def replace_all(conn: Connection, rows: Iterable[Row], keep: Iterable[str] = ()) -> int:
    """Delete every row of every table (but those named in ``keep``, left as they are), then
    insert ``rows`` (parents first). One transaction is the caller's: on any failure nothing
    changes."""
    kept = set(keep)
    ordered = [t for t in tables() if t.name not in kept]
    for table in ordered:  # break the team <-> staff cycle before deleting
        deferred = _deferred_columns(table)
        if deferred:
            conn.execute(sql_update(table).values(dict.fromkeys(deferred)))
    for table in reversed(ordered):
        conn.execute(delete(table))
    by_name = {t.name: t for t in ordered}
    pending: dict[str, list[dict[str, Any]]] = {}
    fixups: list[tuple[Table, dict[str, Any], dict[str, Any]]] = []
    n = 0

    def flush(name: str) -> None:
        batch = pending.pop(name, [])
        if batch:
            conn.execute(insert(by_name[name]), batch)

    current = None
    for name, row in rows:
        if name != current and current is not None:
            flush(current)
        current = name
        table = by_name[name]
        later = {c: row[c] for c in _deferred_columns(table) if row.get(c) is not None}
        if later:
            row = {**row, **dict.fromkeys(later)}
            pk = {c.name: row[c.name] for c in table.primary_key.columns}
            fixups.append((table, pk, later))
        pending.setdefault(name, []).append(row)
        if len(pending[name]) >= BATCH:
            flush(name)
        n += 1
    if current is not None:
        flush(current)
    for table, pk, values in fixups:
        where = [table.c[k] == v for k, v in pk.items()]
        conn.execute(sql_update(table).where(*where).values(**values))
    if conn.dialect.name == "postgresql":
        _reset_sequences(conn, ordered)
    return n


def _reset_sequences(conn: Connection, replaced: list[Table]) -> None:
    """After inserting explicit ids, make PostgreSQL hand out the next ones after them."""
    for table in replaced:
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or not pk[0].autoincrement or pk[0].type.python_type is not int:
            continue
        top = conn.execute(select(func.max(pk[0]))).scalar()
        conn.execute(
            select(
                func.setval(
                    func.pg_get_serial_sequence(table.name, pk[0].name),
                    top or 1,
                    top is not None,
                )
            )
        )


def source_kind(path: Path) -> str:
    """ "sqlite" or "dump", from the file's first bytes."""
    try:
        with path.open("rb") as f:
            start = f.read(64)
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot read it ({exc.strerror}).") from exc
    if start.startswith(SQLITE_MAGIC):
        return "sqlite"
    if start.lstrip().startswith(b'{"format": "reviewdesk-dump"'):
        return "dump"
    raise InvalidInput(f"{path} is not a reviewdesk database or dump.")


def check_source(path: str | os.PathLike[str], database: Path | None) -> Path:
    """The absolute path of a file to restore, or `InvalidInput`: it must be a file, and not
    the SQLite database ``database`` itself (under any name or link)."""
    source = Path(path).expanduser().absolute()
    if source.is_dir():
        raise InvalidInput(f"{source} is a folder, not a backup file.")
    check_input(source)  # a named pipe or a device: refused, not taken for a missing file
    if not source.is_file():
        raise InvalidInput(f"{source}: no such file.")
    if database is not None and _same_file(source, database):
        raise InvalidInput(f"{source} is the database itself; give a backup to restore.")
    return source


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


@dataclass(frozen=True)
class Staged:
    """A file to restore, checked whole: a SQLite copy of its data at the current schema."""

    source: Path
    engine: Engine
    revision: str  # the schema the file was at


@contextmanager
def staged(source: Path) -> Iterator[Staged]:
    """Check the whole of ``source`` (a reviewdesk SQLite file or dump) on a private copy in
    a temporary folder, upgraded to the current schema; the copy is gone when the block ends.
    A file that will not restore is refused here, before anything else is touched."""
    with tempfile.TemporaryDirectory(prefix="reviewdesk-restore-") as tmp:
        engine, revision = staged_rows(source, Path(tmp), migrate.head_revision())
        try:
            yield Staged(source, engine, revision)
        finally:
            engine.dispose()


def staged_rows(path: Path, workdir: Path, head: str) -> tuple[Engine, str]:
    """An engine on a copy of ``path`` upgraded to ``head`` (so old backups restore), and
    the revision ``path`` was at. Everything about ``path`` is checked here, in ``workdir``:
    a file that will not restore is refused before anything else is touched."""
    from reviewdesk.storage import backup

    stage = workdir / "stage.sqlite"
    if source_kind(path) == "sqlite":
        revision = backup.reviewdesk_revision(path)
        _check_known(path, revision)
        backup.copy_database(path, stage)
        engine = create_engine(f"sqlite:///{stage}")
        with _refusing_misfits(path, engine):
            migrate.upgrade(engine, head)
        return engine, revision
    revision = read_header(path).get("revision")
    _check_known(path, revision)
    engine = create_engine(f"sqlite:///{stage}")
    with _refusing_misfits(path, engine):
        migrate.upgrade(engine, revision)
        with engine.begin() as conn:
            replace_all(conn, rows_of_dump(path))
        migrate.upgrade(engine, head)
    return engine, revision


@contextmanager
def _refusing_misfits(path: Path, engine: Engine) -> Iterator[None]:
    """Staging ``path`` into ``engine``: the database's refusal (rows that do not fit
    together) becomes `InvalidInput` naming the file; on any failure the engine is let go."""
    try:
        yield
    except DBAPIError as exc:
        engine.dispose()
        lines = str(exc.orig or exc).splitlines()
        raise InvalidInput(
            f"{path}: its rows do not fit together ({lines[0] if lines else 'no reason'})."
        ) from None
    except BaseException:
        engine.dispose()
        raise


def _check_known(path: Path, revision: str | None) -> None:
    if revision is None or revision not in migrate.known_revisions():
        raise InvalidInput(
            f"{path} was made by a newer version of reviewdesk (schema {revision}); install "
            "that version to restore it."
        )


def replace_from(
    stage: Engine,
    target: Engine,
    *,
    audit_entry: Callable[[int, int], dict[str, Any]] | None = None,
) -> tuple[int, int]:
    """Replace everything in ``target`` with the rows of ``stage`` (both at the current
    schema) in one transaction, keeping the replaced database's audit trail: its entries
    the stage lacks are appended. ``audit_entry(rows, appended)`` gives the restore's own
    audit entry, written in the same transaction.

    On PostgreSQL the user list is the server's: it is kept (who may log in, and as what),
    taking from the backup only the display names and staff records of the same logins;
    so restoring a SQLite file onto a server never takes anyone's role away. On a server
    set up for a team the trail is append-only: the backup's entries it lacks are appended
    (each marked as recorded by the restorer), and the database's triggers record every row
    the restore removes and adds.

    Returns (rows copied, trail entries appended).
    """
    with stage.connect() as src, target.begin() as dst:
        keep: set[str] = set()
        on_server = dst.dialect.name == "postgresql"
        trail_by_database = server.row_audit_by_database(dst)
        if trail_by_database:
            keep.add(AuditEntry.__tablename__)  # append-only there: never emptied
        else:
            audit.hold_trail(dst)
        if on_server:
            keep.add(User.__tablename__)
            their_users = {row.username: row for row in src.execute(select(User.__table__)).all()}
            _unlink_users(dst)
        n = replace_all(dst, rows_of(src, skip=keep), keep=keep)
        if on_server:
            _relink_users(dst, their_users)
        if trail_by_database:
            appended = audit.append_trail(dst, audit.trail_of(src))
        else:
            appended = audit.append_held_trail(dst)
        if audit_entry is not None:
            audit.insert_entries(dst, [audit_entry(n, appended)])
    return n, appended


def _unlink_users(conn: Connection) -> None:
    """Before a restore on a server replaces the staff: the users (kept) let go of them."""
    users = User.__table__
    conn.execute(
        sql_update(users)
        .where(users.c.staff_id.is_not(None))
        .values(staff_id=None, version=users.c.version + 1)
    )


def _relink_users(conn: Connection, theirs: dict[str, Any]) -> None:
    """After a restore on a server: each user kept takes the display name and staff record
    the backup gives the same login (staff ids are the backup's now); a user the backup
    lacks keeps their name and no staff record, for an administrator to link again."""
    users = User.__table__
    staff = set(conn.execute(select(Staff.id)).scalars())
    for username, display_name in conn.execute(select(users.c.username, users.c.display_name)):
        backup = theirs.get(username)
        if backup is None:
            continue
        staff_id = backup.staff_id if backup.staff_id in staff else None
        name = backup.display_name or display_name
        if staff_id is None and name == display_name:
            continue
        conn.execute(
            sql_update(users)
            .where(users.c.username == username)
            .values(staff_id=staff_id, display_name=name, version=users.c.version + 1)
        )


def untouched(engine: Engine) -> bool:
    """Whether nobody has changed a database since it was made: no children, and no audit
    entry but its owner's (every change is audited). Such a database holds nothing a backup
    taken before replacing it would keep."""
    with engine.connect() as conn:
        if conn.execute(select(Child.id).limit(1)).first() is not None:
            return False
        changes = select(AuditEntry.id).where(
            (AuditEntry.table_name != User.__tablename__) | (AuditEntry.action != "create")
        )
        return conn.execute(changes.limit(1)).first() is None
