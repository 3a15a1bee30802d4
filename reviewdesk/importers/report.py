"""What an import found and did: errors a person can act on, counts, and a per-child summary.

Every error names the file, the row (as a person counts them in a spreadsheet: the header is
row 1) or the XML line, the column or element, the value and why. An import collects them all
before deciding anything, so the user fixes a file once rather than once per error.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

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
    """A held meeting with work recorded here (`reviewdesk.casework.recorded`) that the
    import removes, or would: the return lacks it, in a year it covers, and dates none of
    the child's meetings within `MOVED_WITHIN_DAYS` of it."""

    local_id: str
    meeting: str  # its name: 'LAC review 2', '1st review CP conference'
    held_date: dt.date | None
    recorded: tuple[str, ...]  # what: '2 invitees', 'attendance', 'outcome', ...
    meeting_id: int = 0

    def line(self) -> str:
        return (
            f"{self.local_id}: {self.meeting} held {format_uk(self.held_date, 'on no date')}"
            f" ({', '.join(self.recorded)})"
        )


#: What an import may remove of the meetings with work recorded here: all of them (True),
#: none (False), or those with these ids (the ones a person was shown and agreed to).
RemoveRecorded = bool | frozenset[int]


def may_remove(remove_recorded: RemoveRecorded, meeting_ids: Iterable[int]) -> bool:
    """Whether ``remove_recorded`` allows removing every one of ``meeting_ids``."""
    if isinstance(remove_recorded, bool):
        return remove_recorded or not any(True for _ in meeting_ids)
    return set(meeting_ids) <= remove_recorded


@dataclass
class ChildChange:
    """What an import does (or would do) to one child. ``recorded``: the child's held
    meetings with work recorded here that it removes (or would)."""

    local_id: str
    status: str  # "new", "updated", "unchanged"
    counts: Counts
    recorded: list[RecordedRemoval] = field(default_factory=list)

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
    #: Held meetings with work recorded here the import removes (or would, or would have:
    #: see `held_back`), each with what was recorded.
    recorded_removals: list[RecordedRemoval] = field(default_factory=list)
    #: What the import was told it may remove of them (`--remove-recorded`: all; a person's
    #: yes in the window: those they were shown).
    remove_recorded: RemoveRecorded = False

    @property
    def held_back(self) -> bool:
        """True when the import wrote nothing because it would remove meetings with work
        recorded here and was not told it may (`recorded_removals` lists them)."""
        return (
            not self.dry_run
            and not self.written
            and not self.refused
            and not may_remove(self.remove_recorded, (r.meeting_id for r in self.recorded_removals))
        )

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
            n = len(self.recorded_removals)
            head = (
                f"Import stopped: it would remove {n} "
                f"{'meeting' if n == 1 else 'meetings'} with work recorded here; "
                "nothing was changed."
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
        """The summary's word on the meetings with work recorded here (`recorded_lines`
        lists them)."""
        n = len(self.recorded_removals)
        if not n or self.held_back:  # the head says so
            return []
        meetings = f"{n} {'meeting' if n == 1 else 'meetings'} with work recorded here"
        if self.dry_run:
            it = "it" if n == 1 else "them"
            return [
                f"Would remove {meetings} (listed below): an import stops before removing "
                f"{it} unless told it may."
            ]
        if self.written:
            return [f"Removed {meetings}, as agreed (listed below)."]
        return []

    def recorded_lines(self, limit: int | None = MAX_CHILD_LINES) -> list[str]:
        """The held meetings with work recorded here that the import removes (or would, or
        would have), each with what was recorded: for the command line (the first
        ``limit``) and the window (every one: ``limit`` None)."""
        found = self.recorded_removals
        if not found:
            return []
        n = len(found)
        meetings = f"{n} {'meeting' if n == 1 else 'meetings'} with work recorded here"
        if self.written:
            head = f"Removed {meetings}, as agreed (each is in the audit trail):"
        else:
            head = f"Would remove {meetings} (the return lacks them):"
        lines = [head] + [f"  {r.line()}" for r in found[:limit]]
        if limit is not None and n > limit:
            lines.append(f"  ... and {n - limit} more")
        return lines

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
