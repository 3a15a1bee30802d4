"""`reviewdesk backup FILE` and `reviewdesk restore FILE` for the embedded SQLite database."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reviewdesk.errors import InvalidInput, ReviewdeskError
from reviewdesk.storage import backup, migrate
from reviewdesk.storage.db import open_database, resolve_url


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "backup",
        help="copy the database to FILE (safe while the app is open)",
        description="Copy the SQLite database to FILE with SQLite's online backup, which is "
        "consistent even while someone is using the app. For PostgreSQL use pg_dump.",
    )
    p.add_argument("file", metavar="FILE", type=Path)
    p.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    p.set_defaults(handler=run_backup)

    r = subparsers.add_parser(
        "restore",
        help="replace the database with a backup FILE (the current one is kept)",
        description="Check that FILE is a reviewdesk database, keep a timestamped backup of "
        "the current database beside it, then copy FILE in and upgrade it if it is older.",
    )
    r.add_argument("file", metavar="FILE", type=Path)
    r.set_defaults(handler=run_restore)


def _sqlite_target(args: argparse.Namespace) -> Path:
    path = backup.sqlite_path(resolve_url(args.db))
    if path is None:
        raise ReviewdeskError(backup.PG_BACKUP_HINT)
    return path


def run_backup(args: argparse.Namespace) -> int:
    source = _sqlite_target(args)
    if not source.exists():
        raise InvalidInput(f"There is no database at {source} to back up.")
    destination = args.file.expanduser().resolve()
    if destination == source:
        raise InvalidInput("The backup file must not be the database itself.")
    if destination.exists():
        if not args.force:
            raise InvalidInput(f"{destination} already exists; use --force to overwrite it.")
        destination.unlink()
    backup.reviewdesk_revision(source)  # refuse to copy something that is not ours
    backup.copy_database(source, destination)
    sys.stdout.write(f"Backed up {source} to {destination}\n")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    target = _sqlite_target(args)
    source = args.file.expanduser().resolve()
    if source == target:
        raise InvalidInput("The file to restore is the database itself.")
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
    db = open_database(target)  # upgrades an older backup (keeping a copy first)
    db.dispose()
    sys.stdout.write(f"Restored {source} into {target}\n")
    return 0
