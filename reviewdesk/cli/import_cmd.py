"""`reviewdesk import 903|cin`: bring in a caseload from the statutory returns.

A refused import prints every error, one per line, and exits with status 2; nothing is
written, and a database file it made (there was none at --db) is taken away again.
`--dry-run` prints what would change and writes nothing: with no database at --db yet (no
file, or an empty one) it compares the return with an empty database kept in memory, and
makes no file or folder; a PostgreSQL database with no reviewdesk tables yet is refused
(the dry run would have to make them). An import that would remove records with work
recorded here (held meetings with invitees, reports, an outcome...; periods of care with an
IRO; plans with a chair; s47 enquiries with notes; the return lacks them) lists each with
its reference and exits with status 3, writing nothing, unless `--remove-recorded` names
every one ("--remove-recorded M12,P3": those it listed, no others). Dates recorded here that a start
corrected to a later day leaves before it are moved to it and listed, to be checked.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reviewdesk import actions
from reviewdesk.casework.recorded import parse_references
from reviewdesk.errors import InvalidInput
from reviewdesk.importers.report import ImportResult
from reviewdesk.importers.years import parse_years
from reviewdesk.storage import sqlitefile
from reviewdesk.storage.backup import sqlite_path
from reviewdesk.storage.db import (
    Database,
    NothingThere,
    display_url,
    open_database,
    resolve_url,
)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "import",
        help="import children and their history from the SSDA903 or CIN census returns",
        description="Import from the statutory returns. All or nothing: a file with errors "
        "changes nothing and every error is listed. Re-importing updates the children "
        "already there (matched on their id).",
    )
    kinds = parser.add_subparsers(dest="source", metavar="SOURCE", required=True)

    p903 = kinds.add_parser("903", help="SSDA903 CSV files (looked-after children)")
    p903.add_argument("--header", required=True, metavar="FILE", help="the Header CSV")
    p903.add_argument("--episodes", required=True, metavar="FILE", help="the Episodes CSV")
    p903.add_argument("--reviews", required=True, metavar="FILE", help="the Reviews CSV")
    _year(p903)
    _common(p903)
    p903.set_defaults(handler=_run_903)

    pcin = kinds.add_parser("cin", help="CIN census XML (child protection)")
    pcin.add_argument("file", metavar="FILE.xml", help="the census XML file")
    _year(pcin)
    _common(pcin)
    pcin.set_defaults(handler=_run_cin)


def _year(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--year",
        metavar="YYYY",
        help="the collection year the return covers, by the year it starts (2024 for "
        "2024-25), or FIRST..LAST for a file holding several years (2018..2023); by "
        "default read from the file's dates. Only those years are replaced: the other "
        "years imported are kept, and years may be imported in any order",
    )


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dry-run", action="store_true", help="show what would change; write nothing"
    )
    parser.add_argument(
        "--skip-invalid",
        action="store_true",
        help="import the children whose records are all valid and list the others",
    )
    parser.add_argument(
        "--remove-recorded",
        metavar="REFS",
        type=_references,
        default=frozenset(),
        help="remove these records the return lacks although work is recorded here for them "
        "(a held meeting's invitees, reports, outcome...; a period of care's IRO; a plan's "
        "chair; an s47 enquiry's notes), named by the references a stopped import or a dry "
        "run lists, commas between: M12,P3 (M a held meeting, P a period of care, CP a CP "
        "plan, S an s47 enquiry). Without it such an import lists them and changes nothing; "
        "should it find any not named, it stops again and lists them all. Each removal is "
        "kept in the audit trail",
    )


def _references(text: str) -> frozenset[str]:
    try:
        return parse_references(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f'"{exc}" is not a reference a stopped import or a dry run lists (M12 a held '
            "meeting, P3 a period of care, CP4 a CP plan, S5 an s47 enquiry)"
        ) from None


def _progress_to_stderr(done: int, total: int, message: str) -> None:
    if sys.stderr.isatty():
        sys.stderr.write(f"\r{done * 100 // max(total, 1):3d}% {message[:60]:<60}")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def _open(args: argparse.Namespace) -> Database:
    """The database to import into, made if there is none; for a dry run where there is none
    (a SQLite file not there, or empty), an empty one in memory: a dry run leaves nothing.
    A dry run into a PostgreSQL database with no reviewdesk tables is refused, making none:
    the database is set up first (`reviewdesk server init`, as its owner); one an earlier
    version made is refused, not upgraded (`NotUpgraded`)."""
    if args.dry_run:
        url = resolve_url(args.db)
        path = sqlite_path(url)
        if path is not None and not sqlitefile.inspect(path).has_schema:
            return open_database(":memory:")
        if url.startswith("postgresql"):
            try:
                return open_database(url, create=False, upgrade=False)
            except NothingThere:
                raise InvalidInput(
                    f"{display_url(url)} has no reviewdesk tables yet, and a dry run changes "
                    "nothing, so it does not make them: set the database up first (its owner "
                    "runs `reviewdesk server init`; an import without --dry-run also makes "
                    "them), then run the dry run again. Nothing was changed."
                ) from None
        return open_database(url, upgrade=False)
    return open_database(args.db)


def _run_903(args: argparse.Namespace) -> int:
    return _import(args, actions.import_903, args.header, args.episodes, args.reviews)


def _run_cin(args: argparse.Namespace) -> int:
    return _import(args, actions.import_cin, args.file)


def _import(args: argparse.Namespace, action: Callable[..., Any], *files: str) -> int:
    """``action`` (an import) of ``files`` into the database, and its outcome printed. A
    database file this import made (there was none at --db) is taken away again, with the
    folders made for it, when the import writes nothing (refused, held back, or failed): a
    refused import leaves nothing."""
    year = parse_years(args.year) if args.year else None
    made = None if args.dry_run else _first_made(args.db)
    db = _open(args)
    written = False
    try:
        result: ImportResult = action(
            db,
            actions.whoami(db),
            *files,
            dry_run=args.dry_run,
            skip_invalid=args.skip_invalid,
            progress=_progress_to_stderr,
            year=year,
            remove_recorded=args.remove_recorded,
        ).result
        written = result.written
    finally:
        db.dispose()
        if made is not None and not written:
            _take_back(made, sqlite_path(resolve_url(args.db)))
    return _report(result)


def _first_made(db: str | None) -> Path | None:
    """What opening ``db`` would make: its SQLite file, or the first folder on the file's
    path that is not there; None when the file is there (or the database is no file)."""
    path = sqlite_path(resolve_url(db))
    if path is None:
        return None
    made = Path(os.path.abspath(path))
    if made.exists():
        return None
    while not made.parent.exists():
        made = made.parent
    return made


def _take_back(made: Path, file: Path | None) -> None:
    """Remove the database file an import made (with its companions) and the folders made
    for it, up to ``made``, if nothing else has been put in them."""
    if file is None:
        return
    file = Path(os.path.abspath(file))
    for part in (file, *(Path(f"{file}{end}") for end in ("-wal", "-shm", "-journal"))):
        with contextlib.suppress(FileNotFoundError):
            part.unlink()
    folder = file.parent
    while made != file and folder.is_relative_to(made):
        try:
            folder.rmdir()  # only when empty
        except OSError:
            return
        if folder == made:
            return
        folder = folder.parent


def _report(result: ImportResult) -> int:
    """Print the outcome; 2 when the import was refused."""
    out = sys.stdout
    if result.refused:
        for issue in result.errors:
            sys.stderr.write(f"{issue}\n")
        sys.stderr.write(
            f"reviewdesk: import refused: {len(result.errors)} error(s); nothing was changed\n"
        )
        return 2
    if result.held_back:
        found = result.recorded_removals
        it = "it" if len(found) == 1 else "them"
        sys.stderr.write(
            f"reviewdesk: import stopped: it would remove "
            f"{result.recorded_count(held=True)} with work recorded here, which the return "
            "lacks; nothing was changed\n"
        )
        for line in result.recorded_lines(limit=None)[1:]:
            sys.stderr.write(line + "\n")
        if result.remove_recorded:
            sys.stderr.write(
                "Not named by --remove-recorded: "
                + ",".join(r.ref for r in result.not_agreed)
                + "\n"
            )
        sys.stderr.write(
            "If the return is wrong, correct it in the case management system and import it "
            f"again. To remove {it}, with all that was recorded for {it} (each removal is kept "
            "in the audit trail), run the same import again with --remove-recorded "
            + ",".join(r.ref for r in found)
            + "\n"
        )
        return 3
    for line in result.summary_lines():
        out.write(line + "\n")
    for line in result.element_lines():
        out.write(line + "\n")
    if result.skipped:
        for issue in result.errors:
            out.write(f"  {issue}\n")
    changed = [c for c in result.children if c.status != "unchanged"]
    if result.dry_run:
        for line in result.change_lines():
            out.write(line + "\n")
    for line in result.recorded_lines(limit=None):  # each with its reference, to agree to
        out.write(line + "\n")
    for line in [*result.moved_lines(limit=None), *result.after_end_lines(limit=None)]:
        out.write(line + "\n")
    unchanged = len(result.children) - len(changed)
    if unchanged:
        out.write(f"{unchanged} children unchanged.\n")
    return 0
