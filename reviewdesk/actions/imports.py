"""Importing the statutory returns (administrators only): the SSDA903 files and the CIN census.

The files are read and checked by `reviewdesk.importers`; the writing happens here, in the
action's one transaction, through a `BulkWriter`: each record added, changed or removed is
audited with its values before and after (so a re-import can be traced field by field) and
checked by the same rules of the data as every other save. A dry run needs the same role
(it shows what an import would do) and writes nothing. The result is the `ImportResult`.

An import never removes work recorded here without being told it may: when the return lacks
held meetings, periods of care, CP plans or s47 enquiries with work recorded here
(`reviewdesk.casework.recorded`), it writes nothing and its result lists them, each with its
reference (`ImportResult.held_back`), unless ``remove_recorded`` names every one; a dry run
lists them too. What is removed with consent is audited, the records kept for each with it.
"""

from __future__ import annotations

from pathlib import Path

from reviewdesk.actions.base import Actor, Changes, Permission, action, door
from reviewdesk.importers.cin import prepare_cin
from reviewdesk.importers.report import ImportIssue, ImportResult, Progress, RemoveRecorded
from reviewdesk.importers.runner import PreparedImport, finish
from reviewdesk.importers.ssda903 import prepare_903
from reviewdesk.importers.years import CollectionYear, YearSpan
from reviewdesk.storage.db import Database
from reviewdesk.storage.validation import ValidationFailed


def _run(
    db: Database,
    actor: Actor,
    name: str,
    prepare,  # noqa: ANN001 - () -> PreparedImport, read once the role is known to allow it
    *,
    dry_run: bool,
    skip_invalid: bool,
    remove_recorded: RemoveRecorded,
) -> Changes:
    with door(db, actor, name) as tx:
        prepared: PreparedImport = prepare()
        try:
            result = finish(
                tx.session,
                prepared,
                dry_run=dry_run,
                skip_invalid=skip_invalid,
                remove_recorded=remove_recorded,
            )
        except ValidationFailed as exc:
            # The records written break the rules of the data: nothing is kept, and the
            # problems are the import's errors (an import never raises for bad data).
            tx.session.rollback()
            tx.session.info["changed"] = set()
            result = ImportResult(
                prepared.source,
                dry_run=dry_run,
                kinds=prepared.kinds,
                year=prepared.year,
                span=prepared.span,
                elements=prepared.elements,
            )
            result.errors = [
                ImportIssue(prepared.origin, 0, "", None, problem) for problem in exc.problems
            ]
        if result.held_back:
            # It would remove work recorded here and was not told it may: what earlier
            # batches of children wrote goes too, so nothing at all is changed.
            tx.session.rollback()
            tx.session.info["changed"] = set()
        return tx.changes(result=result)


@action("import_903", "import data", Permission.IMPORT)
def import_903(
    db: Database,
    actor: Actor,
    header: str | Path,
    episodes: str | Path,
    reviews: str | Path,
    *,
    dry_run: bool = False,
    skip_invalid: bool = False,
    progress: Progress | None = None,
    year: CollectionYear | YearSpan | None = None,
    remove_recorded: RemoveRecorded = frozenset(),
) -> Changes:
    """Import (or with ``dry_run`` compare) a set of 903 files; never raises for bad data:
    the result's ``errors`` lists every problem and ``refused`` says nothing was written.
    ``year``: the collection year the return covers (or the years of a file holding
    several); by default inferred from the files. ``remove_recorded``: the references
    ("M12", "P3": `RecordedRemoval.ref`) of the records with work recorded here that the
    return lacks that it may remove, the ones a person was shown; should it find any other,
    it stops (``held_back``), listing them all."""
    return _run(
        db,
        actor,
        "import_903",
        lambda: prepare_903(header, episodes, reviews, progress=progress, year=year),
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        remove_recorded=remove_recorded,
    )


@action("import_cin", "import data", Permission.IMPORT)
def import_cin(
    db: Database,
    actor: Actor,
    path: str | Path,
    *,
    dry_run: bool = False,
    skip_invalid: bool = False,
    progress: Progress | None = None,
    year: CollectionYear | YearSpan | None = None,
    remove_recorded: RemoveRecorded = frozenset(),
) -> Changes:
    """Import (or with ``dry_run`` compare) a CIN census file, as `import_903` does."""
    return _run(
        db,
        actor,
        "import_cin",
        lambda: prepare_cin(path, progress=progress, year=year),
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        remove_recorded=remove_recorded,
    )


__all__ = ["import_903", "import_cin"]
