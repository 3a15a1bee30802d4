"""What every import does once its files are read: decide, then write in one transaction.

All or nothing by default: any error and nothing is written. With ``skip_invalid`` the
children with errors are left out and listed, and the rest are imported; an error that cannot
be pinned on one child (a missing column, a row with no child id) still refuses the import.
The transaction is the import action's (`reviewdesk.actions.imports`): it checked the role
and hands over its session; every record written is audited and checked (`BulkWriter`).

Writing a return: its records are cut into the collection years it covers and kept, one row
per child and year (`ReturnRecord`), replacing those years' rows; each child concerned (in
the file, or in those years before) has its history merged from every year kept
(`reviewdesk.importers.slices`) and compared with the database, a few thousand children at a
time; the years are recorded as imported (`ImportedReturn`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, and_, select
from sqlalchemy.orm import Session

from reviewdesk.casework.coverage import imported_years
from reviewdesk.collection_year import CollectionYear, YearSpan
from reviewdesk.dates import format_uk
from reviewdesk.importers.elements import ElementCount
from reviewdesk.importers.report import (
    ChildChange,
    Counts,
    ImportIssue,
    ImportResult,
    Progress,
    RemoveRecorded,
    may_remove,
)
from reviewdesk.importers.store import Coverage
from reviewdesk.storage.audit import AuditRecord
from reviewdesk.storage.bulk import BulkWriter
from reviewdesk.storage.models import ImportedReturn, ReturnRecord

if TYPE_CHECKING:
    from reviewdesk.importers.slices import ReturnKind

Step = Callable[[str], None]

RECORD_T: Table = ReturnRecord.__table__  # type: ignore[assignment]
IMPORTED_T: Table = ImportedReturn.__table__  # type: ignore[assignment]

#: Errors after which a file is refused without reading on: fix these first.
MAX_ERRORS = 1000
#: Children in one file beyond which it is refused: a council's return has a few thousand
#: (England has about 83,000 looked-after children and 400,000 children in need in all).
MAX_CHILDREN = 250_000
#: Children compared and written at a time.
BATCH = 5000


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
            self.to(start + (end - start) * min(count, steps) // max(steps, 1), message)

        return step


def too_many(
    issues: Sequence[ImportIssue], children: int, row: int, *, what: str, label: str
) -> ImportIssue | None:
    """The issue that stops reading ``label`` (too many errors, or far too many children),
    or None to read on."""
    if len(issues) >= MAX_ERRORS:
        return ImportIssue(
            label,
            0,
            "",
            None,
            f"more than {MAX_ERRORS:,} errors: stopped reading at line or row {row:,}. "
            "Is this the right file? Fix these and import it again",
        )
    if children > MAX_CHILDREN:
        return ImportIssue(
            label,
            0,
            "",
            None,
            f"more than {MAX_CHILDREN:,} {what}: stopped reading at line or row {row:,}; a "
            "council's return holds a few thousand. Is this the right file?",
        )
    return None


def choose_span(
    given: CollectionYear | YearSpan | None,
    inferred: YearSpan | None,
    issues: list[ImportIssue],
) -> YearSpan | None:
    """The years to import as: those given, else those inferred from the file's dates.

    Given years that end before dates in the file are refused (an issue with no child): the
    year's records the file lacks would be removed while the file's later ones were written,
    which is never what was meant."""
    if given is None:
        return inferred
    span = YearSpan.of(given)
    if inferred is not None and inferred.last > span.last:
        later = CollectionYear(inferred.last)
        issues.append(
            ImportIssue(
                "--year",
                0,
                "",
                span.label,
                f"the file holds dates in {later.label}, after the {span.label} year ends "
                f"on {format_uk(span.end)}: give --year {later.first} or leave it out",
            )
        )
    return span


def blocking(issues: Sequence[ImportIssue]) -> list[ImportIssue]:
    """Issues that refuse the import even with skip_invalid (not pinned on one child)."""
    return [i for i in issues if i.child is None]


@dataclass
class PreparedImport:
    """A return read and checked, ready to compare with the database and write.

    ``plans`` holds the records of the children without errors; ``issues`` every error
    found; ``origin`` names the files (for the audit's summary entry); ``elements`` every
    element or column read, and what became of it."""

    source: str
    origin: str
    plans: Sequence[Any]
    issues: list[ImportIssue]
    kind: ReturnKind
    kinds: tuple[str, ...]
    write_steps: int
    span: YearSpan | None
    ticker: Ticker
    elements: list[ElementCount] = field(default_factory=list)

    @property
    def year(self) -> CollectionYear | None:
        """The last collection year the file covers."""
        return CollectionYear(self.span.last) if self.span is not None else None


def _kept_years(
    session: Session, source: str, local_ids: Sequence[str], span: YearSpan | None
) -> dict[str, dict[int, str]]:
    """The years kept (their JSON) of the children named, and of every child with a year in
    ``span`` (they are concerned too: a child a return no longer has loses that year)."""
    out: dict[str, dict[int, str]] = defaultdict(dict)
    columns = (RECORD_T.c.local_id, RECORD_T.c.year, RECORD_T.c.content)
    wanted = set(local_ids)
    if span is not None:
        in_span = select(RECORD_T.c.local_id).where(
            RECORD_T.c.source == source, RECORD_T.c.year.in_(list(span.years))
        )
        wanted.update(lid for (lid,) in session.execute(in_span))
    ordered = sorted(wanted)
    for i in range(0, len(ordered), BATCH):
        chunk = ordered[i : i + BATCH]
        stmt = select(*columns).where(RECORD_T.c.source == source, RECORD_T.c.local_id.in_(chunk))
        for lid, year, content in session.execute(stmt):
            out[lid][year] = content
    return out


def _batches(items: Sequence[Any], size: int = BATCH) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def finish(
    session: Session,
    prepared: PreparedImport,
    *,
    dry_run: bool,
    skip_invalid: bool,
    remove_recorded: RemoveRecorded = frozenset(),
) -> ImportResult:
    """Refuse, or compare and (unless a dry run) write, the prepared children, in the
    caller's ``session`` (its transaction).

    An import that would remove records with work recorded here (held meetings, periods of
    care, plans, s47 enquiries: `reviewdesk.casework.recorded`) stops unless
    ``remove_recorded`` holds the reference of every one: the result is
    `ImportResult.held_back`, listing them, and the caller rolls back what earlier batches
    wrote."""
    source, records, issues = prepared.source, prepared.plans, prepared.issues
    ticker, kinds, span, kind = prepared.ticker, prepared.kinds, prepared.span, prepared.kind
    result = ImportResult(
        source,
        dry_run=dry_run,
        errors=list(issues),
        kinds=kinds,
        year=prepared.year,
        span=span,
        elements=prepared.elements,
        remove_recorded=remove_recorded,
    )
    if issues:
        if not skip_invalid or blocking(issues):
            ticker.to(Ticker.TOTAL, "Import refused")
            return result
        by_child: dict[str, list[ImportIssue]] = defaultdict(list)
        for issue in issues:
            by_child[issue.child or ""].append(issue)
        result.skipped = dict(by_child)
        records = [r for r in records if r.local_id not in by_child]

    ticker.to(47, "Reading the years imported before")
    file_records = {r.local_id: r for r in records}
    kept = _kept_years(session, source, list(file_records), span)
    years_before = imported_years(session).get(source, set())
    covered = frozenset(years_before | set(span.years if span is not None else ()))
    new_years = {
        lid: kind.cut(r, span) if span is not None else {} for lid, r in file_records.items()
    }
    concerned = sorted(
        (
            set(file_records)
            | {lid for lid, ys in kept.items() if span and set(ys) & set(span.years)}
        )
        - set(result.skipped)
    )

    ticker.to(50, "Comparing with the database")
    writer = None if dry_run else BulkWriter(session)
    coverage = Coverage(covered)
    counts = Counts()
    changes: list[ChildChange] = []
    held_back = False  # a batch would remove work recorded here: compare the rest only
    batches = list(_batches(concerned))
    for n, batch in enumerate(batches):
        plans = []
        for lid in batch:
            years = {
                year: kind.from_json(lid, text)
                for year, text in kept.get(lid, {}).items()
                if span is None or year not in span.years
            }
            years.update(new_years.get(lid, {}))
            record = file_records.get(lid)
            plans.append(kind.merge(lid, years, covered, record.fields if record else None))
        start = 55 + 40 * n // len(batches)
        end = 55 + 40 * (n + 1) // len(batches)
        step = ticker.stepper(start, end, prepared.write_steps)
        batch_counts, batch_changes = kind.apply(
            session,
            plans,
            writer=None if held_back else writer,
            step=step,
            coverage=coverage,
            remove_recorded=remove_recorded,
        )
        counts.merge(batch_counts)
        changes.extend(batch_changes)
        result.recorded_removals.extend(r for c in batch_changes for r in c.recorded)
        result.moved_dates.extend(m for c in batch_changes for m in c.moved)
        result.dates_after_end.extend(d for c in batch_changes for d in c.after_end)
        refs = (r.ref for r in result.recorded_removals)
        held_back = held_back or not may_remove(remove_recorded, refs)
        if writer is not None and not held_back:
            writer.flush_audit()

    if held_back and writer is not None:
        result.counts = counts
        result.children = changes
        ticker.to(Ticker.TOTAL, "Import stopped: it would remove work recorded here")
        return result  # written stays False: the caller rolls back
    if writer is not None:
        ticker.to(96, "Keeping the years imported")
        _keep_years(session, writer, prepared, file_records, new_years, concerned)
        ticker.to(98, "Checking the records written")
        writer.finish(
            summary=AuditRecord(
                "import",
                "import",
                source,
                after={
                    "files": prepared.origin,
                    "year": span.label if span is not None else None,
                    "children": sum(1 for c in changes if c.status != "unchanged"),
                    "skipped": len(result.skipped),
                    "records": {
                        k: {"added": c.added, "updated": c.updated, "removed": c.removed}
                        for k, c in counts.by_kind.items()
                        if c.changed
                    },
                    # Removed as agreed: each record, and what was recorded for it.
                    **(
                        {
                            "removed_with_work_recorded": [
                                r.listed() for r in result.recorded_removals
                            ]
                        }
                        if result.recorded_removals
                        else {}
                    ),
                    # Dates recorded here moved to a corrected start, to be checked.
                    **(
                        {"moved_to_corrected_start": [m.line() for m in result.moved_dates]}
                        if result.moved_dates
                        else {}
                    ),
                    # Dates recorded here after a corrected end, left as they were.
                    **(
                        {"after_corrected_end": [d.line() for d in result.dates_after_end]}
                        if result.dates_after_end
                        else {}
                    ),
                },
            )
        )
    result.counts = counts
    result.children = changes
    result.years_imported = tuple(sorted(covered))
    result.written = not dry_run
    ticker.to(Ticker.TOTAL, "Dry run finished" if dry_run else "Import finished")
    return result


def _keep_years(
    session: Session,
    writer: BulkWriter,
    prepared: PreparedImport,
    file_records: dict[str, Any],
    new_years: dict[str, dict[int, Any]],
    concerned: Sequence[str],
) -> None:
    """Replace the file's years of the children concerned with what the file says, and
    record the years as imported."""
    span, source, kind = prepared.span, prepared.source, prepared.kind
    if span is None:
        return
    years = list(span.years)
    for batch in _batches(list(concerned)):
        rows = [
            {"source": source, "year": year, "local_id": lid, "content": kind.to_json(part)}
            for lid in batch
            for year, part in sorted(new_years.get(lid, {}).items())
        ]
        replacing = and_(
            RECORD_T.c.source == source,
            RECORD_T.c.year.in_(years),
            RECORD_T.c.local_id.in_(list(batch)),
        )
        writer.replace(RECORD_T, replacing, rows, key=("source", "year", "local_id"))
    files = prepared.origin[:2000]
    existing = {
        r.year: r
        for r in session.execute(
            select(IMPORTED_T).where(IMPORTED_T.c.source == source, IMPORTED_T.c.year.in_(years))
        ).mappings()
    }
    writer.remember(IMPORTED_T, existing.values())
    children = {
        year: sum(1 for parts in new_years.values() if year in parts) for year in span.years
    }
    writer.insert(
        IMPORTED_T,
        [
            {"source": source, "year": y, "files": files, "children": children[y]}
            for y in years
            if y not in existing
        ],
    )
    writer.update(
        IMPORTED_T,
        [
            {"id": existing[y]["id"], "files": files, "children": children[y]}
            for y in years
            if y in existing
            and (existing[y]["files"], existing[y]["children"]) != (files, children[y])
        ],
    )
