"""Backups and restores (administrators only).

A backup is data leaving the system: it is audited with who, when, where and how many
children. A restore replaces every record, but never the audit trail: the replaced
database's entries the backup lacks are appended to the restored trail, and the restore
records itself (who, when, which file, how many rows, where the replaced data was kept).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from reviewdesk.actions.base import Actor, Changes, Permission, action, door
from reviewdesk.errors import InvalidInput, ReviewdeskError
from reviewdesk.paths import user_data_dir
from reviewdesk.storage import audit, backup, migrate, transfer
from reviewdesk.storage.audit import AuditRecord, record_audit
from reviewdesk.storage.db import Database, make_engine
from reviewdesk.storage.models import Child


def _children(session) -> int:  # noqa: ANN001 - a session
    return int(session.scalar(select(func.count()).select_from(Child)) or 0)


@dataclass(frozen=True)
class BackupDone:
    path: Path
    kind: str  # "sqlite" (a copy of the file) or "dump" (reviewdesk's portable dump)
    rows: int | None
    children: int


@action("backup_database", "back up the database", Permission.BACKUP_RESTORE)
def backup_database(
    db: Database, actor: Actor, destination: Path, *, dump: bool, overwrite: bool = False
) -> Changes:
    """Copy the database to ``destination`` (a new file, mode 600; an existing one only with
    ``overwrite``): SQLite's online backup, or with ``dump`` (always for PostgreSQL) a
    portable dump of every row. Audited as data leaving the system. The result is a
    `BackupDone`."""
    destination = Path(destination)
    source = db.sqlite_path
    dump = dump or source is None
    with door(db, actor, "backup_database") as tx:
        children = _children(tx.session)
    if destination.exists():
        if not overwrite:
            raise InvalidInput(f"{destination} already exists; use --force to overwrite it.")
        destination.unlink()
    rows = None
    try:
        if source is not None and not dump:
            backup.copy_database(source, destination)
            kind = "sqlite"
        else:
            backup.create_private_file(destination)
            with destination.open("w", encoding="utf-8", newline="\n") as out:
                rows = transfer.write_dump(db.engine, out)
            kind = "dump"
    except BaseException:
        with contextlib.suppress(OSError):
            destination.unlink()
        raise
    done = BackupDone(destination, kind, rows, children)
    with door(db, actor, "backup_database") as tx:
        record_audit(
            tx.session,
            [
                AuditRecord(
                    "backup",
                    "database",
                    "*",
                    after={
                        "what": "a backup of the whole database",
                        "file": os.fspath(destination),
                        "kind": kind,
                        "rows": rows,
                        "children": children,
                    },
                )
            ],
        )
        return tx.changes(result=done)


@dataclass(frozen=True)
class RestoreDone:
    source: Path
    kept: Path  # the replaced data, kept (a copy of the file, or a dump)
    rows: int | None  # rows copied (None for a SQLite file restored by copying it)
    revision: str  # the schema the backup was at
    appended: int  # audit entries of the replaced database added to the restored trail


def _restore_entry(
    who: str, source: Path, kept: Path, rows: int | None, revision: str, appended: int
) -> dict:
    return {
        "at": dt.datetime.now(dt.UTC),
        "username": who,
        "action": "restore",
        "table_name": "database",
        "record_id": "*",
        "before": {"kept": os.fspath(kept)},
        "after": {
            "file": os.fspath(source),
            "rows": rows,
            "schema": revision,
            "replaced_trail_entries_appended": appended,
        },
        "child_id": None,
    }


@action("restore_database", "restore a backup over the database", Permission.BACKUP_RESTORE)
def restore_database(db: Database, actor: Actor, source: Path) -> Changes:
    """Replace every record with those of ``source`` (a reviewdesk SQLite file or dump,
    upgraded if older), keeping a backup of the current data first and the audit trail
    throughout. The result is a `RestoreDone`."""
    source = Path(source).expanduser().resolve()
    target = db.sqlite_path
    if target is not None and source == target:
        raise InvalidInput("The file to restore is the database itself.")
    if not source.is_file():
        raise InvalidInput(f"{source}: no such file.")
    kind = transfer.source_kind(source)
    with door(db, actor, "restore_database") as tx:
        who = tx.actor.username  # the role is checked before anything is copied or replaced
    if kind == "sqlite" and target is not None:
        done = _restore_sqlite_file(db, who, source, target)
    else:
        if kind == "dump":
            transfer.read_header(source)
        else:
            backup.reviewdesk_revision(source)
        kept = _keep_current(db)
        rows, revision, appended = transfer.restore_into(
            db.engine,
            source,
            audit_entry=lambda n, rev, app: _restore_entry(who, source, kept, n, rev, app),
        )
        done = RestoreDone(source, kept, rows, revision, appended)
    return Changes(everything=True, result=done)


def _keep_current(db: Database) -> Path:
    """A backup of the data about to be replaced: beside the SQLite file, or a dump of the
    PostgreSQL database in the user's data folder."""
    path = db.sqlite_path
    if path is not None:
        return backup.keep_backup(path, "before-restore")
    name = db.engine.url.database or "reviewdesk"
    kept = backup.timestamped_name(user_data_dir() / name, "before-restore", suffix=".jsonl")
    backup.create_private_file(kept)
    with kept.open("w", encoding="utf-8", newline="\n") as out:
        transfer.write_dump(db.engine, out)
    return kept


def _restore_sqlite_file(db: Database, who: str, source: Path, target: Path) -> RestoreDone:
    """SQLite over SQLite: the backup is copied beside the database, upgraded, given the
    replaced trail and the restore's own entry, then copied over the database in one step
    (SQLite's backup API), so an interruption leaves the database as it was."""
    revision = backup.reviewdesk_revision(source)
    if revision not in migrate.known_revisions():
        raise ReviewdeskError(
            f"{source} was made by a newer version of reviewdesk (schema {revision}); "
            "install that version to restore it."
        )
    kept = backup.keep_backup(target, "before-restore")
    stage = target.with_name(f".{target.name}.restoring-{uuid.uuid4().hex[:8]}")
    try:
        backup.copy_database(source, stage)
        engine = make_engine(f"sqlite:///{stage}")
        kept_engine = make_engine(f"sqlite:///{kept}")
        try:
            migrate.upgrade(engine, "head")
            with kept_engine.connect() as old, engine.begin() as new:
                appended = audit.append_trail(new, audit.trail_of(old))
                audit.insert_entries(
                    new, [_restore_entry(who, source, kept, None, revision, appended)]
                )
        finally:
            engine.dispose()
            kept_engine.dispose()
        db.engine.dispose()
        backup.copy_database(stage, target)
    finally:
        for leftover in (stage, Path(f"{stage}-wal"), Path(f"{stage}-shm")):
            with contextlib.suppress(OSError):
                leftover.unlink()
    return RestoreDone(source, kept, None, revision, appended)


__all__ = [
    "BackupDone",
    "RestoreDone",
    "backup_database",
    "restore_database",
]
