"""`reviewdesk backup FILE` and `reviewdesk restore FILE`.

SQLite: the backup is a copy of the file made with SQLite's online backup API (safe while
the app is open). PostgreSQL, or ``--json``: a portable dump of every row. `restore` takes
either kind of file, checks it is reviewdesk's, keeps a backup of the current data, and
upgrades an older backup to the current schema. Both are administrators' actions
(`reviewdesk.actions.backup_database`, `restore_database`); this module only reads the
command line and says what was done.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

from reviewdesk import actions, safefiles
from reviewdesk.errors import InvalidInput
from reviewdesk.storage import backup, sqlitefile, transfer
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
    databases = [source] if source is not None else []
    destination = safefiles.check_output(
        args.file, label="FILE", may_replace_database=True, databases=databases
    )
    if destination.exists() and not args.force:
        raise InvalidInput(f"{destination} already exists; use --force to overwrite it.")
    db = open_database(url, create=False)
    try:
        done = actions.backup_database(
            db,
            actions.whoami(db),
            destination,
            dump=args.json,
            overwrite=args.force,
            label="FILE",
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
    source = transfer.check_source(args.file, target)
    # A SQLite file that holds no database yet is made by the restore: the backup is checked
    # whole before it is made, so a refused restore leaves nothing behind. (An existing
    # database's role check comes first, in the action, before anything is copied.)
    new = target is not None and not sqlitefile.inspect(target).has_schema
    with contextlib.ExitStack() as stack:
        staged = stack.enter_context(transfer.staged(source)) if new else None
        db = open_database(url)
        try:
            done = actions.restore_database(db, actions.whoami(db), source, staged=staged).result
        finally:
            db.dispose()
    if done.kept is not None:
        sys.stdout.write(f"Kept the current data as {done.kept}\n")
    sys.stdout.write(f"Restored {done.rows} rows from {source} (schema {done.revision})\n")
    if done.appended:
        entries = "entry" if done.appended == 1 else "entries"
        sys.stdout.write(
            f"Kept the replaced database's audit trail: {done.appended} {entries} appended\n"
        )
    return 0
