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
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, func, select

from reviewdesk import safefiles
from reviewdesk.actions.base import Actor, Changes, Permission, action, door
from reviewdesk.errors import InvalidInput
from reviewdesk.storage import audit, backup, pgbackup, transfer
from reviewdesk.storage.audit import AuditRecord, record_audit
from reviewdesk.storage.db import Database
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
    db: Database,
    actor: Actor,
    destination: str | os.PathLike[str],
    *,
    dump: bool,
    overwrite: bool = False,
    label: str = "",
) -> Changes:
    """Copy the database to ``destination``: SQLite's online backup, or with ``dump``
    (always for PostgreSQL) a portable dump of every row. Written as an output file
    (`reviewdesk.safefiles`: whole or not at all, mode 600, never over the database in use
    or into the data folder); an existing file is replaced only with ``overwrite``. Audited
    as data leaving the system. ``label`` names where the path came from in messages. The
    result is a `BackupDone`."""
    source = db.sqlite_path
    dump = dump or source is None
    databases = [source] if source is not None else []
    with door(db, actor, "backup_database") as tx:  # the role, before anything is copied
        children = _children(tx.session)
    target = safefiles.check_output(
        destination, label=label, may_replace_database=True, databases=databases
    )
    if target.exists() and not overwrite:
        raise InvalidInput(f"{target} already exists; use --force to overwrite it.")
    rows = None
    if not dump:
        assert source is not None
        backup.reviewdesk_revision(source)  # a damaged database is refused, not copied
        with safefiles.output_path(
            target, label=label, may_replace_database=True, databases=databases
        ) as temp:
            backup.copy_database(source, temp)
        kind = "sqlite"
    else:
        with safefiles.output_file(
            target,
            "w",
            encoding="utf-8",
            newline="\n",
            label=label,
            may_replace_database=True,
            databases=databases,
        ) as out:
            rows = transfer.write_dump(db.engine, out)
        kind = "dump"
    done = BackupDone(target, kind, rows, children)
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
                        "file": os.fspath(target),
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
    kept: Path | None  # the replaced data, kept (None: a new database, nothing to keep)
    rows: int  # rows restored
    revision: str  # the schema the backup was at
    appended: int  # audit entries of the replaced database added to the restored trail


def _restore_entry(
    who: str,
    source: Path,
    kept: Path | None,
    rows: int,
    revision: str,
    appended: int,
) -> dict:
    return {
        "at": dt.datetime.now(dt.UTC),
        "username": who,
        "action": "restore",
        "table_name": "database",
        "record_id": "*",
        "before": {"kept": os.fspath(kept) if kept is not None else None},
        "after": {
            "file": os.fspath(source),
            "rows": rows,
            "schema": revision,
            "replaced_trail_entries_appended": appended,
        },
        "child_id": None,
    }


@action("restore_database", "restore a backup over the database", Permission.BACKUP_RESTORE)
def restore_database(
    db: Database,
    actor: Actor,
    source: str | os.PathLike[str],
    *,
    staged: transfer.Staged | None = None,
) -> Changes:
    """Replace every record with those of ``source`` (a reviewdesk SQLite file or dump,
    upgraded if older), keeping the audit trail throughout. In this order: the role is
    checked; the whole file is checked on a staged copy (`transfer.staged`; or ``staged``,
    when the caller checked it before making a new database to restore into); only then is
    a backup of the current data kept (rotated, the ``backups_kept`` setting) and the data
    replaced in one step. A refused restore leaves nothing behind. The result is a
    `RestoreDone`."""
    target = db.sqlite_path
    source = transfer.check_source(source, target)
    if staged is not None and staged.source != source:
        raise ValueError(f"the staged copy is of {staged.source}, not of {source}")
    with door(db, actor, "restore_database") as tx:
        who = tx.actor.username  # the role is checked before anything is copied or replaced
    with contextlib.ExitStack() as stack:
        stage = staged or stack.enter_context(transfer.staged(source))
        kept = None if transfer.untouched(db.engine) else _keep_current(db)

        def entry(rows: int, appended: int) -> dict:
            return _restore_entry(who, source, kept, rows, stage.revision, appended)

        if target is not None:
            rows, appended = _replace_sqlite_file(db, stage.engine, target, entry)
        else:
            rows, appended = transfer.replace_from(stage.engine, db.engine, audit_entry=entry)
    done = RestoreDone(source, kept, rows, stage.revision, appended)
    return Changes(everything=True, result=done)


def _keep_current(db: Database) -> Path:
    """A backup of the data about to be replaced, rotated like every automatic backup:
    beside the SQLite file, or a dump of the PostgreSQL database in the user's data folder
    named like the pre-upgrade dumps (database and schema)."""
    path = db.sqlite_path
    if path is not None:
        return backup.keep_backup(path, "before-restore").path
    base = pgbackup.backup_base(db.engine.url)
    kept = backup.timestamped_name(base, "before-restore", suffix=".jsonl")
    with safefiles.private_file(kept, "w", encoding="utf-8", newline="\n") as out:
        transfer.write_dump(db.engine, out)
    backup.rotate(base, backup.backups_kept(db.engine), suffix=".jsonl")
    return kept


def _replace_sqlite_file(
    db: Database, stage: Engine, target: Path, entry: Callable[[int, int], dict]
) -> tuple[int, int]:
    """SQLite over SQLite: the staged copy gets the replaced database's trail and the
    restore's own entry, then is copied over the database in one step (SQLite's backup
    API), so an interruption leaves the database as it was. Returns (rows restored, trail
    entries appended)."""
    rows = transfer.count_rows(stage)
    with db.engine.connect() as old, stage.begin() as new:
        appended = audit.append_trail(new, audit.trail_of(old))
        audit.insert_entries(new, [entry(rows, appended)])
    stage_path = stage.url.database
    assert stage_path is not None
    stage.dispose()
    db.engine.dispose()
    backup.copy_database(Path(stage_path), target)
    return rows, appended


__all__ = [
    "BackupDone",
    "RestoreDone",
    "backup_database",
    "restore_database",
]
