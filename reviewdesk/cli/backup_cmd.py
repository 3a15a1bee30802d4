"""`reviewdesk backup FILE` and `reviewdesk restore FILE`.

SQLite: the backup is a copy of the file made with SQLite's online backup API (safe while
the app is open). PostgreSQL, or ``--json``: a portable dump of every row. `restore` takes
either kind of file, checks it is reviewdesk's, keeps a backup of the current data, and
upgrades an older backup to the current schema.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from sqlalchemy import Engine

from reviewdesk import safefiles
from reviewdesk.errors import InvalidInput
from reviewdesk.storage import backup, migrate, pgbackup, sqlitefile, transfer
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


def run_backup(args: argparse.Namespace) -> int:
    url = resolve_url(args.db)
    source = backup.sqlite_path(url)
    databases = [source] if source is not None else []
    destination = safefiles.check_output(
        args.file, label="FILE", may_replace_database=True, databases=databases
    )
    if destination.exists() and not args.force:
        raise InvalidInput(f"{destination} already exists; use --force to overwrite it.")
    if source is not None and not args.json:
        if not source.exists():
            raise InvalidInput(f"There is no database at {source} to back up.")
        backup.reviewdesk_revision(source)  # refuse to copy something that is not ours
        with safefiles.output_path(
            destination, label="FILE", may_replace_database=True, databases=databases
        ) as temp:
            backup.copy_database(source, temp)
        sys.stdout.write(f"Backed up {source} to {destination}\n")
        return 0
    db = open_database(url, create=False)
    try:
        with safefiles.output_file(
            destination,
            "w",
            encoding="utf-8",
            newline="\n",
            label="FILE",
            may_replace_database=True,
            databases=databases,
        ) as out:
            n = transfer.write_dump(db.engine, out)
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
    """A dump of the PostgreSQL data about to be replaced, in the user's data folder (the
    same rotation as the SQLite backups)."""
    base = pgbackup.backup_base(db.engine.url)
    kept = backup.timestamped_name(base, "before-restore", suffix=".jsonl")
    with safefiles.private_file(kept, "w", encoding="utf-8", newline="\n") as out:
        transfer.write_dump(db.engine, out)
    backup.rotate(base, backup.backups_kept(db.engine), suffix=".jsonl")
    return kept


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _check_source(source: Path, target: Path | None) -> None:
    if source.is_dir():
        raise InvalidInput(f"{source} is a folder, not a backup file.")
    if not source.is_file():
        raise InvalidInput(f"{source}: no such file.")
    if target is not None and _same_file(source, target):
        raise InvalidInput(f"{source} is the database itself; give a backup to restore.")


def _check_target(target: Path | None) -> None:
    """The database to restore into must be reviewdesk's, or nothing yet."""
    if target is None:
        return
    found = sqlitefile.inspect(target)
    if found.revision is not None and found.revision not in migrate.known_revisions():
        raise InvalidInput(
            f"{target} was made by a newer version of reviewdesk (schema {found.revision}); "
            "restore into it with that version."
        )


def run_restore(args: argparse.Namespace) -> int:
    url = resolve_url(args.db)
    target = backup.sqlite_path(url)
    source = Path(args.file).expanduser().absolute()
    _check_source(source, target)
    _check_target(target)
    # Every check on the file happens on a staged copy first: a restore that is refused
    # leaves nothing behind (no backup of the current data, no half-restored database).
    with tempfile.TemporaryDirectory(prefix="reviewdesk-restore-") as tmp:
        stage, revision = transfer.staged_rows(source, Path(tmp), migrate.head_revision())
        try:
            if target is not None:
                n = _restore_file(stage, target)
                db = open_database(target)  # our pragmas and file mode
            else:
                db = open_database(url)
                kept = _keep_current(db)
                sys.stdout.write(f"Kept the current data as {kept}\n")
                n = transfer.replace_from(stage, db.engine)
            try:
                with db.session() as session:
                    record_audit(
                        session,
                        [
                            AuditRecord(
                                "restore", "*", "*", after={"file": os.fspath(source), "rows": n}
                            )
                        ],
                    )
            finally:
                db.dispose()
        finally:
            stage.dispose()
    sys.stdout.write(f"Restored {n} rows from {source} (schema {revision})\n")
    return 0


def _restore_file(stage: Engine, target: Path) -> int:
    """Replace the SQLite database ``target`` with the staged copy, keeping the current one
    beside it first; returns the rows restored. SQLite's backup API writes it in one step,
    safely even while the app has the file open."""
    if target.exists() and sqlitefile.inspect(target).has_schema:
        kept = backup.keep_backup(target, "before-restore")
        sys.stdout.write(f"Kept the current data as {kept.path}\n")
    n = transfer.count_rows(stage)
    backup.copy_database(Path(stage.url.database), target)
    return n
