"""`reviewdesk backup FILE` and `reviewdesk restore FILE`.

SQLite: the backup is a copy of the file made with SQLite's online backup API (safe while
the app is open). PostgreSQL, or ``--json``: a portable dump of every row. `restore` takes
either kind of file, checks it is reviewdesk's, keeps a backup of the current data, and
upgrades an older backup to the current schema.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path

from reviewdesk.errors import InvalidInput, ReviewdeskError
from reviewdesk.paths import user_data_dir
from reviewdesk.storage import backup, migrate, transfer
from reviewdesk.storage.audit import AuditRecord, record_audit
from reviewdesk.storage.db import Database, open_database, resolve_url


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "backup",
        help="copy the database to FILE (safe while the app is open)",
        description="Back up the database to FILE. SQLite: a copy of the file made with "
        "SQLite's online backup (consistent even while the app is in use). PostgreSQL or "
        "--json: a portable dump of every row, which `restore` reads into SQLite or "
        "PostgreSQL. (A server administrator may prefer pg_dump / pg_restore.)",
    )
    p.add_argument("file", metavar="FILE", type=Path)
    p.add_argument("--json", action="store_true", help="write a portable dump (any database)")
    p.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    p.set_defaults(handler=run_backup)

    r = subparsers.add_parser(
        "restore",
        help="replace the database with a backup FILE (the current one is kept)",
        description="Check that FILE is a reviewdesk database or dump, keep a timestamped "
        "backup of the current data, then replace it with FILE's, upgrading it if it was made "
        "by an older version. A SQLite file can be restored into PostgreSQL (moving to shared "
        "use) and a dump into either.",
    )
    r.add_argument("file", metavar="FILE", type=Path)
    r.set_defaults(handler=run_restore)


def _private_text_file(path: Path):
    backup.create_private_file(path)
    return path.open("w", encoding="utf-8", newline="\n")


def run_backup(args: argparse.Namespace) -> int:
    url = resolve_url(args.db)
    source = backup.sqlite_path(url)
    destination = args.file.expanduser().resolve()
    if source is not None and destination == source:
        raise InvalidInput("The backup file must not be the database itself.")
    if source is not None and not source.exists():
        raise InvalidInput(f"There is no database at {source} to back up.")
    if destination.exists():
        if not args.force:
            raise InvalidInput(f"{destination} already exists; use --force to overwrite it.")
        destination.unlink()
    if source is not None and not args.json:
        backup.reviewdesk_revision(source)  # refuse to copy something that is not ours
        backup.copy_database(source, destination)
        sys.stdout.write(f"Backed up {source} to {destination}\n")
        return 0
    db = open_database(url)
    try:
        with _private_text_file(destination) as out:
            n = transfer.write_dump(db.engine, out)
    except BaseException:
        with contextlib.suppress(OSError):
            destination.unlink()
        raise
    finally:
        db.dispose()
    sys.stdout.write(f"Wrote {n} rows to {destination}\n")
    if not db.is_sqlite:
        sys.stdout.write(
            "This is reviewdesk's own portable dump; for server backups use "
            f"{backup.PG_BACKUP_HINT.split(': ', 1)[1]}\n"
        )
    return 0


def _keep_current(db: Database) -> Path:
    """A backup of the data about to be replaced: beside the SQLite file, or a dump of the
    PostgreSQL database in the user's data folder."""
    path = db.sqlite_path
    if path is not None:
        return backup.keep_backup(path, "before-restore")
    name = db.engine.url.database or "reviewdesk"
    kept = backup.timestamped_name(user_data_dir() / name, "before-restore", suffix=".jsonl")
    with _private_text_file(kept) as out:
        transfer.write_dump(db.engine, out)
    return kept


def run_restore(args: argparse.Namespace) -> int:
    url = resolve_url(args.db)
    target = backup.sqlite_path(url)
    source = args.file.expanduser().resolve()
    if target is not None and source == target:
        raise InvalidInput("The file to restore is the database itself.")
    if not source.is_file():
        raise InvalidInput(f"{source}: no such file.")
    kind = transfer.source_kind(source)

    if kind == "sqlite" and target is not None:
        revision = backup.reviewdesk_revision(source)
        if revision not in migrate.known_revisions():
            raise ReviewdeskError(
                f"{source} was made by a newer version of reviewdesk (schema {revision}); "
                "install that version to restore it."
            )
        if target.exists():
            kept = backup.keep_backup(target, "before-restore")
            sys.stdout.write(f"Kept the current database as {kept}\n")
        backup.copy_database(source, target)
        open_database(target).dispose()  # upgrades an older backup, keeping a copy first
        sys.stdout.write(f"Restored {source} into {target}\n")
        return 0

    # A dump, or a SQLite file into PostgreSQL: copy the rows.
    if kind == "dump":
        transfer.read_header(source)
    else:
        backup.reviewdesk_revision(source)
    db = open_database(url)
    try:
        kept = _keep_current(db)
        sys.stdout.write(f"Kept the current data as {kept}\n")
        n, revision = transfer.restore_into(db.engine, source)
        with db.session() as session:
            record_audit(
                session,
                [AuditRecord("restore", "*", "*", after={"file": os.fspath(source), "rows": n})],
            )
    finally:
        db.dispose()
    sys.stdout.write(f"Restored {n} rows from {source} (schema {revision})\n")
    return 0
