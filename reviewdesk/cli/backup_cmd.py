"""`reviewdesk backup FILE` and `reviewdesk restore FILE`.

SQLite: the backup is a copy of the file made with SQLite's online backup API (safe while
the app is open). PostgreSQL, or ``--json``: a portable dump of every row. `restore` takes
either kind of file, checks it is reviewdesk's, keeps a backup of the current data, and
upgrades an older backup to the current schema.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reviewdesk import actions
from reviewdesk.errors import InvalidInput
from reviewdesk.storage import backup, transfer
from reviewdesk.storage.db import open_database, resolve_url


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


def run_backup(args: argparse.Namespace) -> int:
    url = resolve_url(args.db)
    source = backup.sqlite_path(url)
    destination = args.file.expanduser().resolve()
    if source is not None and destination == source:
        raise InvalidInput("The backup file must not be the database itself.")
    if source is not None and not source.exists():
        raise InvalidInput(f"There is no database at {source} to back up.")
    if destination.exists() and not args.force:
        raise InvalidInput(f"{destination} already exists; use --force to overwrite it.")
    if source is not None and not args.json:
        backup.reviewdesk_revision(source)  # refuse to copy something that is not ours
    db = open_database(url)
    try:
        done = actions.backup_database(
            db,
            actions.whoami(db),
            destination,
            dump=args.json or source is None,
            overwrite=args.force,
        ).result
    finally:
        db.dispose()
    if done.kind == "sqlite":
        sys.stdout.write(f"Backed up {source} to {destination}\n")
        return 0
    sys.stdout.write(f"Wrote {done.rows} rows to {destination}\n")
    if not db.is_sqlite:
        sys.stdout.write(
            "This is reviewdesk's own portable dump; for server backups use "
            f"{backup.PG_BACKUP_HINT.split(': ', 1)[1]}\n"
        )
    return 0


def run_restore(args: argparse.Namespace) -> int:
    url = resolve_url(args.db)
    target = backup.sqlite_path(url)
    source = args.file.expanduser().resolve()
    if target is not None and source == target:
        raise InvalidInput("The file to restore is the database itself.")
    if not source.is_file():
        raise InvalidInput(f"{source}: no such file.")
    transfer.source_kind(source)  # refuse anything that is not ours before opening
    db = open_database(url)
    try:
        done = actions.restore_database(db, actions.whoami(db), source).result
    finally:
        db.dispose()
    if target is not None:
        open_database(target).dispose()  # a restored older copy is upgraded, as at start-up
    kept_what = "database" if target is not None and done.rows is None else "data"
    sys.stdout.write(f"Kept the current {kept_what} as {done.kept}\n")
    if done.rows is None:
        sys.stdout.write(f"Restored {source} into {target}\n")
    else:
        sys.stdout.write(f"Restored {done.rows} rows from {source} (schema {done.revision})\n")
    if done.appended:
        sys.stdout.write(
            f"Kept the replaced database's audit trail: {done.appended} entries appended\n"
        )
    return 0
