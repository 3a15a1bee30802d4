"""What every import does once its files are read: decide, then write in one transaction.

All or nothing by default: any error and nothing is written. With ``skip_invalid`` the
children with errors are left out and listed, and the rest are imported; an error that cannot
be pinned on one child (a missing column, a row with no child id) still refuses the import.
The transaction is the import action's (`reviewdesk.actions.imports`): it checked the role
and hands over its session; every record written is audited and checked (`BulkWriter`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from reviewdesk.dates import format_uk
from reviewdesk.importers.report import (
    ChildChange,
    Counts,
    ImportIssue,
    ImportResult,
    Progress,
)
from reviewdesk.importers.store import Step
from reviewdesk.importers.years import CollectionYear
from reviewdesk.storage.audit import AuditRecord
from reviewdesk.storage.bulk import BulkWriter

Apply = Callable[..., tuple[Counts, list[ChildChange]]]


class Ticker:
    """Reports progress as a percentage of the whole import, for a progress bar."""

    TOTAL = 100

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.done = 0

    def to(self, done: int, message: str) -> None:
        self.done = max(self.done, min(done, self.TOTAL))
        if self.progress is not None:
            self.progress(self.done, self.TOTAL, message)

    def stepper(self, start: int, end: int, steps: int) -> Step:
        """A callback for the write phase: each call advances evenly from start to end."""
        count = 0

        def step(message: str) -> None:
            nonlocal count
            count += 1
            self.to(start + (end - start) * count // max(steps, 1), message)

        return step


def choose_year(
    given: CollectionYear | None, inferred: CollectionYear | None, issues: list[ImportIssue]
) -> CollectionYear | None:
    """The year to import as: the one given, else the one inferred from the file's dates.

    A given year that ends before dates in the file is refused (an issue with no child):
    the year's records the file lacks would be removed while the file's later ones were
    written, which is never what was meant.
    """
    if given is None:
        return inferred
    if inferred is not None and inferred.first > given.first:
        issues.append(
            ImportIssue(
                "--year",
                0,
                "",
                given.label,
                f"the file holds dates in {inferred.label}, after the {given.label} year ends "
                f"on {format_uk(given.end)}: give --year {inferred.first} or leave it out",
            )
        )
    return given


def blocking(issues: Sequence[ImportIssue]) -> list[ImportIssue]:
    """Issues that refuse the import even with skip_invalid (not pinned on one child)."""
    return [i for i in issues if i.child is None]


@dataclass
class PreparedImport:
    """A return read and checked, ready to compare with the database and write.

    ``plans`` holds only children without errors; ``issues`` every error found; ``origin``
    names the files (for the audit's summary entry)."""

    source: str
    origin: str
    plans: Sequence[Any]
    issues: list[ImportIssue]
    apply: Apply
    kinds: tuple[str, ...]
    write_steps: int
    year: CollectionYear | None
    ticker: Ticker


def finish(
    session: Session, prepared: PreparedImport, *, dry_run: bool, skip_invalid: bool
) -> ImportResult:
    """Refuse, or compare and (unless a dry run) write, the prepared children, in the
    caller's ``session`` (its transaction)."""
    source, plans, issues = prepared.source, prepared.plans, prepared.issues
    ticker, kinds, year = prepared.ticker, prepared.kinds, prepared.year
    result = ImportResult(source, dry_run=dry_run, errors=list(issues), kinds=kinds, year=year)
    if issues:
        if not skip_invalid or blocking(issues):
            ticker.to(Ticker.TOTAL, "Import refused")
            return result
        by_child: dict[str, list[ImportIssue]] = defaultdict(list)
        for issue in issues:
            by_child[issue.child or ""].append(issue)
        result.skipped = dict(by_child)
        plans = [p for p in plans if p.local_id not in by_child]

    ticker.to(50, "Comparing with the database")
    writer = None if dry_run else BulkWriter(session)
    counts, changes = prepared.apply(
        session,
        plans,
        writer=writer,
        step=ticker.stepper(55, 98, prepared.write_steps),
        year=year,
    )
    if writer is not None:
        ticker.to(98, "Checking the records written")
        writer.finish(
            summary=AuditRecord(
                "import",
                "import",
                source,
                after={
                    "files": prepared.origin,
                    "year": year.label if year is not None else None,
                    "children": sum(1 for c in changes if c.status != "unchanged"),
                    "skipped": len(result.skipped),
                    "records": {
                        kind: {
                            "added": c.added,
                            "updated": c.updated,
                            "removed": c.removed,
                        }
                        for kind, c in counts.by_kind.items()
                        if c.changed
                    },
                },
            )
        )
    result.counts = counts
    result.children = changes
    result.written = not dry_run
    ticker.to(Ticker.TOTAL, "Dry run finished" if dry_run else "Import finished")
    return result
