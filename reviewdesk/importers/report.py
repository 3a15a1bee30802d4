"""What an import found and did: errors a person can act on, counts, and a per-child summary.

Every error names the file, the row (as a person counts them in a spreadsheet: the header is
row 1) or the XML line, the column or element, the value and why. An import collects them all
before deciding anything, so the user fixes a file once rather than once per error.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from reviewdesk.casework.recorded import KINDS as RECORD_KINDS
from reviewdesk.casework.recorded import reference
from reviewdesk.collection_year import RETURN_NAME, CollectionYear, YearSpan, spans_of
from reviewdesk.dates import format_uk
from reviewdesk.errors import InvalidInput
from reviewdesk.importers.elements import ElementCount

#: (done, total, message): for a progress bar. Called from the importing thread.
Progress = Callable[[int, int, str], None]

#: Children listed by what changed (`ImportResult.change_lines`), at most.
MAX_CHILD_LINES = 200

#: The kinds of record an import counts, in the order the summary shows them.
KINDS = ("children", "periods", "episodes", "reviews", "enquiries", "plans", "conferences")


@dataclass(frozen=True)
class ImportIssue:
    """One thing wrong with an input file.

    ``row`` is the spreadsheet row (header = 1) for CSV files and the line for XML files;
    0 means the file as a whole. ``child`` is the child the record belongs to, if known: with
    ``--skip-invalid`` only that child is left out; an error with no child refuses the import.
    """

    file: str
    row: int
    column: str
    value: str | None
    message: str
    child: str | None = None
    is_xml: bool = False

    def __str__(self) -> str:
        where = [self.file]
        if self.row:
            where.append(f"{'line' if self.is_xml else 'row'} {self.row}")
        text = " ".join(where)
        if self.column:
            text += f", {'element' if self.is_xml else 'column'} {self.column}"
        if self.value is not None:
            text += f', value "{_shorten(self.value)}"'
        return f"{text}: {self.message}"


def _shorten(value: str, limit: int = 60) -> str:
    value = value.replace("\n", " ").replace("\r", " ")
    return value if len(value) <= limit else value[: limit - 1] + "…"


@dataclass
class KindCount:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)


@dataclass
class Counts:
    """Added / updated / unchanged / removed, per kind of record (made when first counted:
    a child's counts are most often of two or three kinds)."""

    by_kind: dict[str, KindCount] = field(default_factory=dict)

    def __getitem__(self, kind: str) -> KindCount:
        count = self.by_kind.get(kind)
        if count is None:
            count = self.by_kind[kind] = KindCount()
        return count

    def merge(self, other: Counts) -> None:
        for kind, count in other.by_kind.items():
            mine = self[kind]
            mine.added += count.added
            mine.updated += count.updated
            mine.unchanged += count.unchanged
            mine.removed += count.removed

    def lines(self, kinds: tuple[str, ...] = KINDS) -> list[str]:
        out = []
        for kind in kinds:
            c = self[kind]
            out.append(
                f"{kind:<12} {c.added:6d} added {c.updated:6d} updated "
                f"{c.unchanged:6d} unchanged {c.removed:6d} removed"
            )
        return out


@dataclass(frozen=True)
class RecordedRemoval:
    """A record with work recorded here (`reviewdesk.casework.recorded`) that the import
    removes, or would: a held meeting, a period of care, a CP plan or an s47 enquiry the
    return lacks, in a year it covers, with none of the return's within `MOVED_WITHIN_DAYS`
    of it to be the same record."""

    local_id: str
    what: str  # its name: 'LAC review 2', '1st review CP conference', 'period of care'
    day: dt.date | None  # the day it was held (a meeting) or started
    recorded: tuple[str, ...]  # what: '2 invitees', 'attendance', 'IRO', 'chair', ...
    record_id: int = 0
    table: str = "meeting"  # which kind of record (`reviewdesk.casework.recorded.KINDS`)

    @property
    def ref(self) -> str:
        """How a person agrees to remove it: "M12", "P3" (`casework.recorded.reference`)."""
        return reference(self.table, self.record_id)

    def line(self) -> str:
        """'A1: LAC review 2 held 20/07/2023 (1 invitee, attendance)'."""
        verb = RECORD_KINDS[self.table].verb
        return (
            f"{self.local_id}: {self.what} {verb} {format_uk(self.day, 'on no date')}"
            f" ({', '.join(self.recorded)})"
        )

    def listed(self) -> str:
        """The line with its reference first, as the lists give it: '[M12] A1: ...'."""
        return f"[{self.ref}] {self.line()}"


def recorded_count(found: Sequence[RecordedRemoval], *, held: bool = False) -> str:
    """How many of each kind: '1 meeting', '1 period of care and 2 meetings' (``held``:
    '1 held meeting')."""
    by_table = Counter(r.table for r in found)
    parts = []
    for table, kind in RECORD_KINDS.items():
        n = by_table.get(table, 0)
        if n:
            name = kind.name if n == 1 else kind.plural
            parts.append(f"{n} {'held ' if held and table == 'meeting' else ''}{name}")
    if len(parts) > 1:
        return ", ".join(parts[:-1]) + " and " + parts[-1]
    return parts[0] if parts else "0 records"


@dataclass(frozen=True)
class MovedDate:
    """A date recorded here on a record whose start the return corrected to a later day,
    which it then fell before (an IRO allocated on 03/04 to a period of care now starting
    05/04): no action accepts such a date, so the import moves it to the corrected start and
    says so, naming the child, the field and the value, for a person to check."""

    local_id: str
    what: str  # 'period of care'
    start: dt.date  # its corrected start, the date's new value
    field: str  # 'IRO allocated date'
    was: dt.date

    def line(self) -> str:
        return (
            f"{self.local_id}: {self.field} {format_uk(self.was)} is before the {self.what}'s "
            f"corrected start, {format_uk(self.start)}: now {format_uk(self.start)}"
        )


@dataclass(frozen=True)
class DateAfterEnd:
    """A date recorded here on a period of care that falls after the end the return now
    gives it (an IRO allocated on 10/07 to a period now ending 01/07). Nothing says which of
    the two is wrong, so the import leaves the date as it was and says so, naming the child,
    the field and the value, for a person to check."""

    local_id: str
    what: str  # 'period of care'
    end: dt.date  # its corrected end
    field: str  # 'IRO allocated date'
    value: dt.date

    def line(self) -> str:
        return (
            f"{self.local_id}: {self.field} {format_uk(self.value)} is after the {self.what}'s "
            f"corrected end, {format_uk(self.end)}: left as it was"
        )


#: What an import may remove of the records with work recorded here: those whose references
#: (`RecordedRemoval.ref`) it holds, the ones a person was shown and agreed to; none when
#: empty.
RemoveRecorded = frozenset[str]


def _dates_here(n: int) -> str:
    return f"{n} {'date' if n == 1 else 'dates'} recorded here"


def _listed(head: str, lines: Sequence[str], limit: int | None) -> list[str]:
    """``head`` over ``lines``, indented, the first ``limit`` of them (every one: None) and
    how many more."""
    shown = [head] + [f"  {line}" for line in lines[:limit]]
    if limit is not None and len(lines) > limit:
        shown.append(f"  ... and {len(lines) - limit} more")
    return shown


def may_remove(remove_recorded: RemoveRecorded, refs: Iterable[str]) -> bool:
    """Whether ``remove_recorded`` allows removing every one of ``refs``."""
    return set(refs) <= remove_recorded


@dataclass
class ChildChange:
    """What an import does (or would do) to one child. ``recorded``: the child's records
    with work recorded here that it removes (or would); ``moved``: dates recorded here it
    moves to a corrected start (`MovedDate`); ``after_end``: dates recorded here after a
    corrected end, left as they were (`DateAfterEnd`)."""

    local_id: str
    status: str  # "new", "updated", "unchanged"
    counts: Counts
    recorded: list[RecordedRemoval] = field(default_factory=list)
    moved: list[MovedDate] = field(default_factory=list)
    after_end: list[DateAfterEnd] = field(default_factory=list)

    def describe(self) -> str:
        parts = []
        for kind in KINDS[1:]:
            c = self.counts[kind]
            bits = [
                f"{n} {word}"
                for n, word in ((c.added, "added"), (c.updated, "updated"), (c.removed, "removed"))
                if n
            ]
            if bits:
                parts.append(f"{kind} " + ", ".join(bits))
        return f"{self.local_id}: {self.status}" + (" (" + "; ".join(parts) + ")" if parts else "")


@dataclass
class ImportResult:
    """The outcome of an import (or of a dry run, which writes nothing)."""

    source: str  # "903" or "cin"
    dry_run: bool = False
    written: bool = False
    counts: Counts = field(default_factory=Counts)
    errors: list[ImportIssue] = field(default_factory=list)
    #: Children left out with --skip-invalid, each with its errors.
    skipped: dict[str, list[ImportIssue]] = field(default_factory=dict)
    children: list[ChildChange] = field(default_factory=list)
    kinds: tuple[str, ...] = KINDS
    #: The (last) collection year the return covers (None when the files hold no dates).
    year: CollectionYear | None = None
    #: Every collection year the file covers (one, for a single year's return).
    span: YearSpan | None = None
    #: Every element (CIN) or column (903) read: what became of it, or why it is ignored.
    elements: list[ElementCount] = field(default_factory=list)
    #: The collection years of this return in the data once the import is done (for a dry
    #: run: would be); empty when the import was refused.
    years_imported: tuple[int, ...] = ()
    #: Records with work recorded here the import removes (or would, or would have: see
    #: `held_back`), each with what was recorded.
    recorded_removals: list[RecordedRemoval] = field(default_factory=list)
    #: Which of them the import was told it may remove, by reference (`--remove-recorded
    #: M12,P3`, the references the stopped import or the dry run listed; a person's yes in
    #: the window: those they were shown).
    remove_recorded: RemoveRecorded = frozenset()
    #: Dates recorded here the import moves (or would) to a corrected start (`MovedDate`).
    moved_dates: list[MovedDate] = field(default_factory=list)
    #: Dates recorded here after a period's corrected end, left as they were (`DateAfterEnd`).
    dates_after_end: list[DateAfterEnd] = field(default_factory=list)

    @property
    def held_back(self) -> bool:
        """True when the import wrote nothing because it would remove records with work
        recorded here and was not told it may (`recorded_removals` lists them)."""
        return (
            not self.dry_run
            and not self.written
            and not self.refused
            and not may_remove(self.remove_recorded, (r.ref for r in self.recorded_removals))
        )

    def recorded_count(self, *, held: bool = False) -> str:
        """How many records with work recorded here it removes (or would), of each kind: '1
        meeting', '1 period of care and 2 meetings' (``held``: '2 held meetings')."""
        return recorded_count(self.recorded_removals, held=held)

    @property
    def not_agreed(self) -> list[RecordedRemoval]:
        """Those of `recorded_removals` the import was not told it may remove."""
        return [r for r in self.recorded_removals if r.ref not in self.remove_recorded]

    @property
    def refused(self) -> bool:
        """True when the import changed nothing because of errors."""
        return bool(self.errors) and not self.skipped_only

    @property
    def skipped_only(self) -> bool:
        """All errors belong to children that were left out (--skip-invalid)."""
        return all(e.child is not None and e.child in self.skipped for e in self.errors)

    def raise_if_refused(self) -> ImportResult:
        """For callers that prefer an exception: ImportRefused (every error in its text)."""
        if self.refused:
            raise ImportRefused(self)
        return self

    def summary_lines(self) -> list[str]:
        """What the import did, in words for the command line and the window alike."""
        if self.refused:
            head = f"Import refused: {len(self.errors)} error(s); nothing was changed."
        elif self.held_back:
            head = (
                f"Import stopped: it would remove {recorded_count(self.recorded_removals)} "
                "with work recorded here; nothing was changed."
            )
        elif not self.children and not self.skipped:
            # A file with its header row and no child: "Import complete." over rows of
            # noughts read as if the return had been imported.
            head = "Nothing to import: the files hold no children; nothing was changed."
        elif self.dry_run:
            head = "Dry run: nothing was written. The import would make these changes:"
        else:
            head = "Import complete."
        lines = [head]
        if self.span is not None:
            lines.append(self.span.describe(self.source))
        elif self.year is not None:
            lines.append(self.year.describe(self.source))
        lines.extend(self.coverage_lines())
        lines.extend(self._recorded_summary())
        lines.extend(self._moved_summary())
        lines.extend(self._after_end_summary())
        if not self.refused and (self.children or self.skipped):  # else nothing was counted
            if self.held_back:
                lines.append("Had it gone ahead, it would have made these changes:")
            lines.extend(self.counts.lines(self.kinds))
        if self.elements:
            ignored = [e for e in self.elements if not e.used and e.count]
            if ignored:
                what = ("element" if self.source == "cin" else "column") + (
                    "s" if len(ignored) > 1 else ""
                )
                lines.append(
                    f"Read but not used ({len(ignored)} {what}, each listed with why): "
                    + ", ".join(f"{e.path} ({e.count:,})" for e in ignored)
                )
        if self.skipped:
            # Said in the words of neither the command line's --skip-invalid nor the window's
            # box: the window showed "Left out with --skip-invalid", an option it has not.
            n = len(self.skipped)
            lines.append(
                f"Left out, as their records have errors: {n} "
                f"{'child' if n == 1 else 'children'} (listed with the errors):"
            )
            for child, issues in sorted(self.skipped.items()):
                lines.append(f"  {child}: {len(issues)} error{'' if len(issues) == 1 else 's'}")
        return lines

    def coverage_lines(self) -> list[str]:
        """Which years of the return are in the data, and what that leaves unknown: a review
        or conference whose clock runs from a year not imported is not judged (and says why)
        until that year is imported."""
        if not self.years_imported:
            return []
        name = RETURN_NAME.get(self.source, self.source)
        spans = spans_of(self.years_imported)
        verb = "would be" if self.dry_run else "are"
        lines = [
            f"Years of the {name} that {verb} in the data: " + ", ".join(s.label for s in spans)
        ]
        first = CollectionYear(spans[0].first)
        missing = [
            YearSpan(a.last + 1, b.first - 1).label for a, b in zip(spans, spans[1:], strict=False)
        ]
        gaps = f"{', '.join(missing)} and " if missing else ""
        lines.append(
            f"Not in the data: {gaps}anything before {first.label}. A review or conference "
            "whose timescale runs from there is shown as not judged, with why, until that "
            "year is imported."
        )
        return lines

    def _recorded_summary(self) -> list[str]:
        """The summary's word on the records with work recorded here (`recorded_lines`
        lists them)."""
        n = len(self.recorded_removals)
        if not n or self.held_back:  # the head says so
            return []
        records = f"{recorded_count(self.recorded_removals)} with work recorded here"
        if self.dry_run:
            it = "it" if n == 1 else "them"
            return [
                f"Would remove {records} (listed below): an import stops before removing "
                f"{it} unless told it may."
            ]
        if self.written:
            return [f"Removed {records}, as agreed (listed below)."]
        return []

    def recorded_lines(self, limit: int | None = MAX_CHILD_LINES) -> list[str]:
        """The records with work recorded here that the import removes (or would, or would
        have), each with its reference and what was recorded: for the command line and the
        window (every one: ``limit`` None)."""
        found = self.recorded_removals
        if not found:
            return []
        records = f"{recorded_count(found)} with work recorded here"
        if self.written:
            head = f"Removed {records}, as agreed (each is in the audit trail):"
        else:
            head = f"Would remove {records} (the return lacks them):"
        return _listed(head, [r.listed() for r in found], limit)

    def _moved_summary(self) -> list[str]:
        n = len(self.moved_dates)
        if not n or self.refused or self.held_back:
            return []
        dates = f"{n} {'date' if n == 1 else 'dates'} recorded here"
        if self.dry_run:
            return [f"Would move {dates} to a corrected start (listed below): check them."]
        if self.written:
            return [f"Moved {dates} to a corrected start (listed below): check them."]
        return []

    def _after_end_summary(self) -> list[str]:
        n = len(self.dates_after_end)
        if not n or self.refused or self.held_back or not (self.dry_run or self.written):
            return []
        verb = "would fall" if self.dry_run else ("falls" if n == 1 else "fall")
        check = "it" if n == 1 else "them"
        return [f"{_dates_here(n)} {verb} after a corrected end (listed below): check {check}."]

    def after_end_lines(self, limit: int | None = MAX_CHILD_LINES) -> list[str]:
        """The dates recorded here after the end the return now gives their period, left as
        they were, each naming the child, the field and its value: to check."""
        found = self.dates_after_end
        if not found or self.refused:
            return []
        n = len(found)
        verb = ("falls" if n == 1 else "fall") if self.written else "would fall"
        check = "it" if n == 1 else "them"
        head = f"{_dates_here(n)} {verb} after a corrected end (check {check}):"
        return _listed(head, [d.line() for d in found], limit)

    def moved_lines(self, limit: int | None = MAX_CHILD_LINES) -> list[str]:
        """The dates recorded here that fell before a start the return corrected to a later
        day, and are moved to it (no action accepts them before it), each naming the child,
        the field and its value: to check."""
        found = self.moved_dates
        if not found or self.refused:
            return []
        n = len(found)
        dates = f"{n} {'date' if n == 1 else 'dates'} recorded here"
        if self.written:
            head = f"Moved {dates} to a corrected start (check {'it' if n == 1 else 'them'}):"
        else:
            head = f"Would move {dates} to a corrected start (check {'it' if n == 1 else 'them'}):"
        return _listed(head, [m.line() for m in found], limit)

    def change_lines(self, limit: int | None = MAX_CHILD_LINES) -> list[str]:
        """Each child the import changes (or, in a dry run, would change), and how: the
        command line's dry run (the first ``limit``) and the window's details (every one:
        ``limit`` None) alike."""
        changed = [c for c in self.children if c.status != "unchanged"]
        if not changed:
            return []
        lines = ["Children:"] + [f"  {c.describe()}" for c in changed[:limit]]
        if limit is not None and len(changed) > limit:
            lines.append(f"  ... and {len(changed) - limit} more")
        return lines

    def element_lines(self) -> list[str]:
        """Every element or column read: how many, and used (as what) or ignored (why)."""
        if not self.elements:
            return []
        what = "Elements read" if self.source == "cin" else "Columns read"
        used = sum(e.count for e in self.elements if e.used)
        ignored = sum(e.count for e in self.elements if not e.used)
        return [f"{what}: {used:,} used, {ignored:,} ignored:"] + [
            "  " + e.line() for e in self.elements
        ]


class ImportRefused(InvalidInput):
    """Raised by callers that want an exception rather than a result with errors."""

    def __init__(self, result: ImportResult) -> None:
        self.result = result
        super().__init__("\n".join(str(e) for e in result.errors))
