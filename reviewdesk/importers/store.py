"""Writing an import: compare each child's history with the database, then bulk-write the changes.

A child is matched on its local id (903 CHILD, CIN LAchildID). The history given (merged from
every year of the return imported, `reviewdesk.importers.slices`) is the truth for the
records it describes: for a looked-after child, its periods of care, episodes and held
reviews; for child protection, its s47 enquiries, plans and held conferences. Records are
matched by their natural key (a period or plan by its start date, an enquiry by its strategy
date, a held meeting by its type and date) and updated in place, so a re-import keeps row
ids and whatever was added in reviewdesk (an IRO allocated to a period, invitees and reports
of a held meeting). Meetings booked in reviewdesk are kept and re-linked to the child's
current period or plan when theirs goes.

A corrected return often moves a date by a day or two (a DECOM, a plan's start, an s47's
strategy date, a review's date). A record the return would add and one here it would
remove, at most `MOVED_WITHIN_DAYS` apart, are one record, its date corrected
(`reviewdesk.importers.moves`): the one here takes the return's dates and is counted and
audited as updated, keeping its id and what was recorded on it here (a period's IRO, social
worker and the dates the IRO service was told and the IRO allocated; a plan's chair; an
enquiry's notes and notified date; a meeting's invitees, reports and outcome), and its
meetings and episodes stay linked to it. Further apart they are two records: the one here
is removed, with what was recorded on it, and the return's added.

The history is the truth only for the collection years imported (`Coverage`): a record in
the database that it lacks is removed if it falls in one of those years (the return for
that year would have held it), and kept untouched, and not reported, if it falls in none
(recorded in reviewdesk before or after them). Looked-after periods are formed over the
whole history and reviews (LAC and CP) are numbered within their period or plan.

A held meeting, period of care, CP plan or s47 enquiry removed so may have work recorded
here (a meeting's invitees, reports, outcome...; a period's IRO, social worker, dates and
allocation history; a plan's chair; an enquiry's notes and notified date:
`reviewdesk.casework.recorded`). The import then writes nothing, and lists each such record
on its child's change, unless told it may remove it (``remove_recorded``, by its reference);
removed with consent, the records kept for each are removed and audited with it.

A period of care whose start the return corrects to a later day keeps its IRO; a date
recorded on it (the IRO service told, the IRO allocated, its allocation history) that would
then fall before its start, which no action accepts, is moved to the new start and listed on
the child's change (`MovedDate`), for a person to check. One whose end it corrects to an
earlier day keeps what was recorded after that end, which only a person can judge, and lists
it the same way (`DateAfterEnd`).

The comparison reads with SQLAlchemy Core; the writes go to a `BulkWriter` the import action
gives (`reviewdesk.storage.bulk`): executemany in the action's transaction, each record
audited with its values before and after and checked by the rules of the data. A few
thousand children take about a second on SQLite. Without a writer (a dry run) nothing is
written.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from reviewdesk.casework.recorded import (
    ENQUIRY,
    IMPORTED_DURATION,
    KINDS,
    OWN_ID_TABLES,
    PERIOD,
    PERIOD_FIELDS,
    PLAN,
    recorded_here,
    recorded_on,
    reference,
)
from reviewdesk.casework.register import meeting_sequences
from reviewdesk.codes import (
    REC_CONTINUES,
    SHORT_BREAK_STATUSES,
    MeetingStatus,
    MeetingType,
    Process,
)
from reviewdesk.collection_year import CollectionYear
from reviewdesk.importers.moves import moved_records
from reviewdesk.importers.records import EPISODE_COLUMNS
from reviewdesk.importers.report import (
    ChildChange,
    Counts,
    DateAfterEnd,
    KindCount,
    MovedDate,
    RecordedRemoval,
    RemoveRecorded,
    may_remove,
)
from reviewdesk.storage.bulk import BulkWriter
from reviewdesk.storage.models import (
    Allocation,
    Child,
    CpEnquiry,
    CpPlan,
    Episode,
    Meeting,
    PeriodOfCare,
)
from reviewdesk.vocabulary import meeting_label

CHILD_T: Table = Child.__table__  # type: ignore[assignment]
ALLOCATION_T: Table = Allocation.__table__  # type: ignore[assignment]
PERIOD_T: Table = PeriodOfCare.__table__  # type: ignore[assignment]
EPISODE_T: Table = Episode.__table__  # type: ignore[assignment]
MEETING_T: Table = Meeting.__table__  # type: ignore[assignment]
ENQUIRY_T: Table = CpEnquiry.__table__  # type: ignore[assignment]
PLAN_T: Table = CpPlan.__table__  # type: ignore[assignment]

CHUNK = 5000

#: Held conferences the census describes; others (transfer-in, re-convened) are left alone.
CENSUS_CONFERENCES = frozenset(
    {
        MeetingType.ICPC.value,
        MeetingType.ICPC_PREBIRTH.value,
        MeetingType.RCPC_FIRST.value,
        MeetingType.RCPC_SUBSEQUENT.value,
    }
)
Step = Callable[[str], None]
Apply = Callable[..., tuple[Counts, list[ChildChange]]]

# --- what the file says -------------------------------------------------------------------


@dataclass
class LacChildPlan:
    """A looked-after child's history: episodes (`Episode` columns, with ``end_unknown``)
    and reviews held (date, participation code)."""

    local_id: str
    fields: dict[str, Any]  # Child columns the file sets (sex, dob, ethnicity, upn)
    episodes: list[dict[str, Any]] = field(default_factory=list)
    reviews: list[tuple[dt.date, str | None]] = field(default_factory=list)


@dataclass
class CpEnquiryPlan:
    strategy_date: dt.date
    icpc_not_required: bool = False
    icpc_date: dt.date | None = None
    icpc_type: str = MeetingType.ICPC.value
    closed_date: dt.date | None = None
    closed_reason: str | None = None
    closed_unknown: bool = False


@dataclass
class CpPlanPlan:
    start: dt.date
    end: dt.date | None
    initial_category: str | None
    latest_category: str | None
    previous_plans: int
    enquiry: dt.date | None  # the strategy date of the enquiry that led to it
    reviews: list[dt.date] = field(default_factory=list)
    end_unknown: bool = False


@dataclass
class CpChildPlan:
    """A child's child protection history. ``loose_icpcs``: initial conferences held with
    no enquiry in the data (date, type), each the start of the plan starting that day."""

    local_id: str
    fields: dict[str, Any]
    enquiries: list[CpEnquiryPlan] = field(default_factory=list)
    plans: list[CpPlanPlan] = field(default_factory=list)
    loose_icpcs: list[tuple[dt.date, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Coverage:
    """The collection years whose returns are imported: the history is the truth there."""

    years: frozenset[int]

    def touches(self, start: dt.date | None, end: dt.date | None) -> bool:
        """Whether a record from ``start`` to ``end`` (None: open) falls in a year covered."""
        for year in self.years:
            y = CollectionYear(year)
            if (start is None or start <= y.end) and (end is None or end >= y.start):
                return True
        return False

    def whole(self, start: dt.date, end: dt.date) -> bool:
        """Whether every collection year from ``start`` to ``end`` is covered."""
        first, last = CollectionYear.containing(start), CollectionYear.containing(end)
        return all(y in self.years for y in range(first.first, last.first + 1))


# --- helpers ---------------------------------------------------------------------------------


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _rows_for(session: Session, table: Table, column: Any, keys: Sequence[Any], *extra: Any):
    out = []
    for chunk in _chunks(list(keys)):
        out.extend(session.execute(select(table).where(column.in_(chunk), *extra)).mappings())
    return out


def _group(rows: Iterable[Any], key: str) -> dict[Any, list[Any]]:
    grouped: dict[Any, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[row[key]].append(row)
    return grouped


def _keyed(rows: Iterable[Any], key: Callable[[Any], Hashable]) -> tuple[dict[Any, Any], list[Any]]:
    """Rows by natural key; rows whose key repeats are returned separately (to be removed)."""
    found: dict[Any, Any] = {}
    extra: list[Any] = []
    for row in rows:
        k = key(row)
        if k in found:
            extra.append(row)
        else:
            found[k] = row
    return found, extra


def _count(count: KindCount, old: Any, same: bool) -> None:
    if old is None:
        count.added += 1
    elif same:
        count.unchanged += 1
    else:
        count.updated += 1


class _Children:
    """Existing children matched by local id, and the inserts and updates of the child rows."""

    def __init__(self, session: Session, local_ids: Sequence[str]) -> None:
        rows = _rows_for(session, CHILD_T, CHILD_T.c.local_id, local_ids)
        self.existing: dict[str, Any] = {r["local_id"]: r for r in rows}
        self.inserts: list[dict[str, Any]] = []
        self.updates: list[dict[str, Any]] = []
        self.ids: dict[str, int] = {k: r["id"] for k, r in self.existing.items()}

    def plan(self, local_id: str, fields: dict[str, Any], counts: Counts) -> Any:
        """Note the child row's insert or update; return the existing row (None if new)."""
        old = self.existing.get(local_id)
        wanted = {k: v for k, v in fields.items() if v is not None}
        if old is None:
            self.inserts.append({"local_id": local_id, **wanted})
            counts["children"].added += 1
            return None
        changed = {k: v for k, v in wanted.items() if old[k] != v}
        if changed:
            self.updates.append({"id": old["id"], **changed})
            counts["children"].updated += 1
        else:
            counts["children"].unchanged += 1
        return old

    def write(self, writer: BulkWriter) -> None:
        rows = [{"first_name": "", "last_name": "", **r} for r in self.inserts]
        # Rows must share their keys for one executemany; fill the gaps with None.
        keys = set().union(*(r.keys() for r in rows)) if rows else set()
        rows = [{k: r.get(k) for k in keys} for r in rows]
        for row, new_id in zip(rows, writer.insert(CHILD_T, rows), strict=True):
            self.ids[row["local_id"]] = new_id
        writer.update(CHILD_T, self.updates)


def _finish_child(change: ChildChange, existed: bool) -> None:
    if not existed:
        change.status = "new"
    elif any(c.changed for c in change.counts.by_kind.values()):
        change.status = "updated"
        if change.counts["children"].unchanged:
            # The child row itself is unchanged, but its records are: count it as updated.
            change.counts["children"].unchanged = 0
            change.counts["children"].updated = 1
    else:
        change.status = "unchanged"


def _recorded_removals(
    session: Session,
    gone: dict[str, Sequence[Any]],
    local_ids: dict[int, str],
    changes: Sequence[ChildChange],
) -> list[str]:
    """Note on each child's change the records ``gone`` (rows to be removed, by table: held
    meetings, periods of care, plans, enquiries) with work recorded here
    (`reviewdesk.casework.recorded`); return their references. A held meeting is named by
    its number as every place here names it (`_numbers_here`), not the number stored."""
    by_child = {c.local_id: c for c in changes}
    refs: list[str] = []
    for table, kind in KINDS.items():  # a child's period, enquiry, plan, then meetings
        rows = gone.get(table, ())
        if not rows:
            continue
        found = (
            recorded_here(session, rows) if table == "meeting" else recorded_on(session, kind, rows)
        )
        numbers = (
            _numbers_here(session, [r for r in rows if r["id"] in found])
            if table == "meeting" and found
            else {}
        )
        for row in rows:
            what = found.get(row["id"])
            if what is None:
                continue
            if table == "meeting":
                number = numbers.get(row["id"], row["sequence"])
                name, day = meeting_label(row["meeting_type"], number), row["held_date"]
            else:
                name, day = kind.name, row["strategy_date" if kind is ENQUIRY else "start"]
            lid = local_ids[row["child_id"]]
            by_child[lid].recorded.append(RecordedRemoval(lid, name, day, what, row["id"], table))
            refs.append(reference(table, row["id"]))
    return refs


def _meetings_of(refs: Sequence[str]) -> list[int]:
    """The ids of the meetings among ``refs`` ("M12": 12)."""
    letter = KINDS["meeting"].letter
    return [int(r[len(letter) :]) for r in refs if r.startswith(letter)]


def _numbers_here(session: Session, meetings: Sequence[Any]) -> dict[int, int | None]:
    """Meeting id -> the number every place here names these held meetings by, before the
    import changes anything (`casework.register.meeting_sequences`: the engine's count, not
    the number stored with it): one read of their children. A meeting held keeps its number
    on any day from it on, so they are counted as of the latest of their days."""
    days = [m["held_date"] for m in meetings if m["held_date"] is not None]
    if not days:
        return {}
    return meeting_sequences(session, {m["child_id"] for m in meetings}, as_of=max(days))


def _remove_recorded(session: Session, writer: BulkWriter, meeting_ids: Sequence[int]) -> None:
    """Remove, each audited with its values, the records kept for the meetings about to be
    removed (invitees, reports, parts held...): the database would remove them with their
    meeting, and the audit trail would not show what they were."""
    for table in OWN_ID_TABLES:
        rows = _rows_for(session, table, table.c.meeting_id, meeting_ids)
        writer.remember(table, rows)
        writer.delete(table, [r["id"] for r in rows])


def _may_write(
    writer: BulkWriter | None, recorded: Sequence[str], remove_recorded: RemoveRecorded
) -> BulkWriter | None:
    """The writer to write with: none for a dry run, nor when records with work recorded
    here would be removed and the import was not told it may (it stops, and says which)."""
    if writer is None or not may_remove(remove_recorded, recorded):
        return None
    return writer


# --- looked after ----------------------------------------------------------------------------

_EPISODE_COLUMNS = (*EPISODE_COLUMNS, "end_unknown")


def joins_previous(prev: dict[str, Any], ep: dict[str, Any]) -> bool:
    """Whether episode ``ep`` continues the period of the episode before it, ``prev``.

    REC = X1 continues the period; a run of short breaks (V3/V4) is one period (see
    `reviewdesk.importers.ssda903`).
    """
    return prev["rec"] == REC_CONTINUES or (
        prev["legal_status"] in SHORT_BREAK_STATUSES and ep["legal_status"] in SHORT_BREAK_STATUSES
    )


@dataclass
class _Ep:
    """One episode of a child's history after the import: from the file or kept."""

    values: dict[str, Any]
    row: Any  # the existing row, if any
    kept: bool  # an existing record outside the years imported, left as it was


@dataclass
class _LacWrites:
    """The changes planned for all children, written together at the end."""

    #: Each period after the import: child, start, existing id (None: to be inserted).
    period_refs: list[tuple[str, dt.date, int | None]] = field(default_factory=list)
    #: (end, end unknown) of the periods inserted.
    period_ends_new: list[tuple[dt.date | None, bool]] = field(default_factory=list)
    period_updates: list[dict[str, Any]] = field(default_factory=list)
    period_deletes: list[int] = field(default_factory=list)
    episode_deletes: list[int] = field(default_factory=list)
    episode_inserts: list[tuple[str, dt.date, dict[str, Any]]] = field(default_factory=list)
    episode_updates: list[tuple[str, dt.date, dict[str, Any]]] = field(default_factory=list)
    meeting_inserts: list[tuple[str, dt.date, dict[str, Any]]] = field(default_factory=list)
    meeting_updates: list[tuple[str, dt.date, dict[str, Any]]] = field(default_factory=list)
    meeting_deletes: list[int] = field(default_factory=list)
    relinks: list[tuple[str, int, dt.date | None]] = field(default_factory=list)
    #: Allocation history moved to a period's corrected start (`MovedDate`).
    allocation_updates: list[dict[str, Any]] = field(default_factory=list)


def apply_lac(
    session: Session,
    children: Sequence[LacChildPlan],
    *,
    writer: BulkWriter | None,
    step: Step = lambda _m: None,
    coverage: Coverage,
    remove_recorded: RemoveRecorded = False,
) -> tuple[Counts, list[ChildChange]]:
    """Bring each child's looked-after history in line with the one given; return what
    changed.

    The history is the truth within the years of ``coverage``: episodes, periods and reviews
    outside them are kept and merged with it, periods are formed over the whole history and
    reviews numbered within their period. With no ``writer`` (a dry run) nothing is written;
    nor when a held review or a period of care with work recorded here would be removed,
    unless ``remove_recorded`` allows it (each child's change lists them,
    `ChildChange.recorded`). Dates recorded here that a later start leaves before it are
    moved to it and listed (`ChildChange.moved`).
    """
    kids = _Children(session, [c.local_id for c in children])
    old_ids = [r["id"] for r in kids.existing.values()]
    periods_by_child = _group(
        _rows_for(session, PERIOD_T, PERIOD_T.c.child_id, old_ids), "child_id"
    )
    period_rows = [p for ps in periods_by_child.values() for p in ps]
    episodes_by_period = _group(
        _rows_for(session, EPISODE_T, EPISODE_T.c.period_id, [p["id"] for p in period_rows]),
        "period_id",
    )
    allocations_by_period = _group(
        _rows_for(session, ALLOCATION_T, ALLOCATION_T.c.period_id, [p["id"] for p in period_rows]),
        "period_id",
    )
    meetings_by_child = _group(
        _rows_for(
            session, MEETING_T, MEETING_T.c.child_id, old_ids, MEETING_T.c.process == Process.LAC
        ),
        "child_id",
    )
    if writer is not None:
        writer.remember(CHILD_T, kids.existing.values())
        writer.remember(PERIOD_T, period_rows)
        writer.remember(EPISODE_T, (e for es in episodes_by_period.values() for e in es))
        writer.remember(ALLOCATION_T, (a for rows in allocations_by_period.values() for a in rows))
        writer.remember(MEETING_T, (m for ms in meetings_by_child.values() for m in ms))
    step("Comparing with the database")

    total = Counts()
    changes: list[ChildChange] = []
    w = _LacWrites()
    for plan in children:
        counts = Counts()
        old = kids.plan(plan.local_id, plan.fields, counts)
        old_periods = periods_by_child.get(old["id"], []) if old else []
        old_meetings = meetings_by_child.get(old["id"], []) if old else []
        change = ChildChange(plan.local_id, "", counts)
        _plan_lac_child(
            plan,
            old_periods,
            episodes_by_period,
            allocations_by_period,
            old_meetings,
            coverage,
            change,
            w,
        )
        _finish_child(change, old is not None)
        changes.append(change)
        total.merge(counts)

    local_ids = {r["id"]: lid for lid, r in kids.existing.items()}
    meeting_row = {m["id"]: m for ms in meetings_by_child.values() for m in ms}
    period_row = {p["id"]: p for p in period_rows}
    gone = {
        PERIOD.table: [period_row[i] for i in w.period_deletes],
        "meeting": [meeting_row[i] for i in w.meeting_deletes],
    }
    recorded = _recorded_removals(session, gone, local_ids, changes)
    writer = _may_write(writer, recorded, remove_recorded)
    if writer is None:
        return total, changes

    step("Writing children")
    kids.write(writer)
    step("Writing periods of care")
    new_refs = [(lid, start) for lid, start, pid in w.period_refs if pid is None]
    new_period_ids = writer.insert(
        PERIOD_T,
        [
            {"child_id": kids.ids[lid], "start": start, "end_date": end, "end_unknown": unknown}
            for (lid, start), (end, unknown) in zip(new_refs, w.period_ends_new, strict=True)
        ],
    )
    period_id: dict[tuple[str, dt.date], int] = {
        (lid, start): pid for lid, start, pid in w.period_refs if pid is not None
    }
    period_id.update(zip(new_refs, new_period_ids, strict=True))
    writer.update(PERIOD_T, w.period_updates)

    step("Writing episodes")
    writer.delete(EPISODE_T, w.episode_deletes)
    writer.update(
        EPISODE_T,
        [{**row, "period_id": period_id[(lid, s)]} for lid, s, row in w.episode_updates],
    )
    writer.insert(
        EPISODE_T,
        [
            {**{c: e.get(c) for c in _EPISODE_COLUMNS}, "period_id": period_id[(lid, s)]}
            for lid, s, e in w.episode_inserts
        ],
    )

    step("Writing reviews")
    _remove_recorded(session, writer, _meetings_of(recorded))
    writer.delete(MEETING_T, w.meeting_deletes)
    writer.insert(
        MEETING_T,
        [
            {
                **_meeting_defaults(),
                "child_id": kids.ids[lid],
                "process": Process.LAC.value,
                "meeting_type": MeetingType.LAC_REVIEW.value,
                "status": MeetingStatus.HELD.value,
                "period_id": period_id[(lid, start)],
                **values,
            }
            for lid, start, values in w.meeting_inserts
        ],
    )
    writer.update(
        MEETING_T,
        [{**row, "period_id": period_id[(lid, start)]} for lid, start, row in w.meeting_updates],
    )
    writer.update(
        MEETING_T,
        [{"id": mid, "period_id": _period_for(period_id, lid, day)} for lid, mid, day in w.relinks],
    )
    writer.update(ALLOCATION_T, w.allocation_updates)
    # A period's allocation history goes with it, each record audited (the database would
    # only unlink it); a period with any was removed as agreed (work recorded here).
    writer.delete(
        ALLOCATION_T,
        [a["id"] for pid in w.period_deletes for a in allocations_by_period.get(pid, [])],
    )
    writer.delete(PERIOD_T, w.period_deletes)
    return total, changes


def _plan_lac_child(
    plan: LacChildPlan,
    old_periods: list[Any],
    episodes_by_period: dict[Any, list[Any]],
    allocations_by_period: dict[Any, list[Any]],
    old_meetings: list[Any],
    coverage: Coverage,
    change: ChildChange,
    w: _LacWrites,
) -> None:
    """Merge one child's history with what is kept, and note the writes it needs (and, on
    ``change``, the dates recorded here it moves to a corrected start)."""
    lid, counts = plan.local_id, change.counts
    old_eps = sorted(
        (e for p in old_periods for e in episodes_by_period.get(p["id"], [])),
        key=lambda e: (e["start"], e["id"]),
    )
    old_by_start, ep_dupes = _keyed(old_eps, lambda e: e["start"])
    file_eps = sorted(plan.episodes, key=lambda e: e["start"])
    file_starts = {e["start"] for e in file_eps}

    # The history after the import: the one given, and existing episodes outside its years.
    history: list[_Ep] = [_Ep(e, old_by_start.get(e["start"]), False) for e in file_eps]
    removed_eps = list(ep_dupes)
    for start, row in old_by_start.items():
        if start in file_starts:
            continue
        if coverage.touches(row["start"], row["end_date"]):
            removed_eps.append(row)
        else:
            history.append(_Ep({c: row[c] for c in _EPISODE_COLUMNS}, row, True))
    history.sort(key=lambda h: h.values["start"])
    groups: list[list[_Ep]] = []
    for h in history:
        if groups and joins_previous(groups[-1][-1].values, h.values):
            groups[-1].append(h)
        else:
            groups.append([h])

    def kept_as_it_was(p: Any) -> bool:
        """An existing period with no episodes, outside the years imported."""
        return not episodes_by_period.get(p["id"]) and not coverage.touches(
            p["start"], p["end_date"]
        )

    # Periods: matched by start, else by the existing period whose first episode they hold,
    # else by one the return would remove starting a few days apart (its start corrected:
    # the period keeps what was recorded on it, `reviewdesk.importers.moves`).
    by_start, period_dupes = _keyed(old_periods, lambda p: p["start"])
    period_of = {p["id"]: p for p in old_periods}
    first_ep = {}
    for e in old_eps:
        first_ep.setdefault(e["period_id"], e["id"])
    used: dict[int, dt.date] = {}  # existing period id -> the start of the period it becomes
    spans = [(g[0].values["start"], g[-1].values["end_date"]) for g in groups]
    rows: list[Any] = []
    for (start, _end), group in zip(spans, groups, strict=True):
        row = by_start.get(start)
        if row is not None and row["id"] in used:
            row = None
        if row is None:
            for h in group:
                pid = h.row["period_id"] if h.row is not None else None
                if pid is not None and pid not in used and first_ep.get(pid) == h.row["id"]:
                    row = period_of[pid]
                    break
        if row is not None:
            used[row["id"]] = start
        rows.append(row)
    moved_periods = moved_records(
        [n for n, row in enumerate(rows) if row is None],
        [p for p in by_start.values() if p["id"] not in used and not kept_as_it_was(p)],
        day=lambda n: spans[n][0],
        row_day=lambda p: p["start"],
    )
    for n, row in moved_periods.items():
        rows[n] = row
        used[row["id"]] = spans[n][0]
    for (start, end), group, row in zip(spans, groups, rows, strict=True):
        unknown = bool(group[-1].values.get("end_unknown"))
        from_file = not all(h.kept for h in group)
        if row is None:
            w.period_refs.append((lid, start, None))
            w.period_ends_new.append((end, unknown))
            counts["periods"].added += 1
            continue
        w.period_refs.append((lid, start, row["id"]))
        if row["start"] != start or row["end_date"] != end or row["end_unknown"] != unknown:
            update = {"id": row["id"], "start": start, "end_date": end, "end_unknown": unknown}
            if start > row["start"]:
                update |= _to_later_start(
                    lid, row, start, allocations_by_period.get(row["id"], []), change, w
                )
            if end is not None and (row["end_date"] is None or end < row["end_date"]):
                change.after_end.extend(
                    _after_earlier_end(lid, row, end, allocations_by_period.get(row["id"], []))
                )
            w.period_updates.append(update)
            counts["periods"].updated += 1
        elif from_file:
            counts["periods"].unchanged += 1
    gone_periods = list(period_dupes)
    for p in by_start.values():
        if p["id"] in used:
            continue
        if kept_as_it_was(p):
            w.period_refs.append((lid, p["start"], p["id"]))  # kept as it was
        else:
            gone_periods.append(p)
    counts["periods"].removed += len(gone_periods)
    w.period_deletes.extend(p["id"] for p in gone_periods)
    gone_ids = {p["id"] for p in gone_periods}

    # Episodes: updated in place (values or period), added, or removed.
    for (start, _end), group in zip(spans, groups, strict=True):
        for h in group:
            if h.row is None:
                w.episode_inserts.append((lid, start, h.values))
                counts["episodes"].added += 1
                continue
            same_period = used.get(h.row["period_id"]) == start
            same = same_period and all(h.row[c] == h.values.get(c) for c in _EPISODE_COLUMNS)
            if not same:
                values = {c: h.values.get(c) for c in _EPISODE_COLUMNS}
                w.episode_updates.append((lid, start, {"id": h.row["id"], **values}))
                counts["episodes"].updated += 1
            elif not h.kept:
                counts["episodes"].unchanged += 1
    counts["episodes"].removed += len(removed_eps)
    w.episode_deletes.extend(e["id"] for e in removed_eps)

    # Held reviews: matched by date (or a few days apart: moved); those outside the years
    # kept; numbered within a period.
    held = [m for m in old_meetings if m["status"] == MeetingStatus.HELD]
    held_by_date, held_dupes = _keyed(held, lambda m: m["held_date"])
    file_reviews = dict(plan.reviews)
    reviews: list[tuple[dt.date, str | None, Any, bool]] = [
        (day, code, held_by_date.get(day), False) for day, code in file_reviews.items()
    ]
    gone_meetings = list(held_dupes)
    for day, row in held_by_date.items():
        if day in file_reviews:
            continue
        if not coverage.touches(day, day):
            reviews.append((day, row["participation"], row, True))
        else:
            gone_meetings.append(row)

    # A review the corrected return dates a few days apart is the same review, moved: it
    # keeps what was recorded here (`reviewdesk.importers.moves`).
    def same_period(day: dt.date, row: Any) -> bool:
        start = _span_of(spans, day)
        return start is not None and start == _span_of(spans, row["held_date"])

    dupe_ids = {m["id"] for m in held_dupes}
    moved = moved_records(
        [d for d in file_reviews if d not in held_by_date],
        [m for m in gone_meetings if m["id"] not in dupe_ids],
        day=lambda d: d,
        same_kind=same_period,
    )
    if moved:
        kept_ids = {row["id"] for row in moved.values()}
        gone_meetings = [m for m in gone_meetings if m["id"] not in kept_ids]
        reviews = [(d, code, row or moved.get(d), kept) for d, code, row, kept in reviews]
    reviews.sort(key=lambda r: r[0])
    numbered: dict[dt.date, int] = defaultdict(int)
    for day, code, row, kept in reviews:
        start = _span_of(spans, day)
        if start is None:  # a kept review outside every period: leave it, unless orphaned
            if row is not None and row["period_id"] in gone_ids:
                w.relinks.append((lid, row["id"], day))
            continue
        numbered[start] += 1
        values = {"participation": code, "sequence": numbered[start]}
        same = (
            row is not None
            and row["held_date"] == day
            and row["participation"] == code
            and row["sequence"] == numbered[start]
            and row["meeting_type"] == MeetingType.LAC_REVIEW
            and used.get(row["period_id"]) == start
        )
        if row is None:
            w.meeting_inserts.append((lid, start, {**values, "held_date": day}))
            counts["reviews"].added += 1
        elif not same:
            values["meeting_type"] = MeetingType.LAC_REVIEW.value
            values["held_date"] = day  # (a review moved: `moved_records`)
            w.meeting_updates.append((lid, start, {"id": row["id"], **values}))
            counts["reviews"].updated += 1
        elif not kept:
            counts["reviews"].unchanged += 1
    counts["reviews"].removed += len(gone_meetings)
    w.meeting_deletes.extend(m["id"] for m in gone_meetings)
    for m in old_meetings:
        if m["status"] != MeetingStatus.HELD and m["period_id"] in gone_ids:
            w.relinks.append((lid, m["id"], m["booked_date"]))


#: The dates recorded on a period of care that may not fall before its start (the door,
#: `reviewdesk.actions.children.allocate`, refuses them), with their names.
_NOT_BEFORE_START = tuple(
    (column, name) for column, name in PERIOD_FIELDS if column in ("iro_notified", "iro_allocated")
)


def _to_later_start(
    lid: str,
    period: Any,
    start: dt.date,
    allocations: Sequence[Any],
    change: ChildChange,
    w: _LacWrites,
) -> dict[str, Any]:
    """A period of care the return now starts on ``start``, a later day: the dates recorded
    here that would fall before it (the IRO service told, the IRO allocated, its allocation
    history), which no action accepts, moved to it, each listed on ``change`` to be checked.
    Returns the period's columns to set."""
    out: dict[str, Any] = {}
    for column, name in _NOT_BEFORE_START:
        was = period[column]
        if was is not None and was < start:
            out[column] = start
            change.moved.append(MovedDate(lid, PERIOD.name, start, name, was))
    for a in allocations:
        values = {}
        who = "IRO" if a["kind"] == "iro" else a["kind"].replace("_", " ")
        for column, word in (("start", "from"), ("end_date", "to")):
            was = a[column]
            if was is not None and was < start:
                values[column] = start
                change.moved.append(
                    MovedDate(lid, PERIOD.name, start, f"{who} allocation record {word}", was)
                )
        if values:
            w.allocation_updates.append({"id": a["id"], **values})
    return out


def _after_earlier_end(
    lid: str, period: Any, end: dt.date, allocations: Sequence[Any]
) -> list[DateAfterEnd]:
    """A period of care the return now ends on ``end``, earlier than here: the dates recorded
    on it after that day (the IRO service told, the IRO allocated, an allocation record's
    start), which are left as they were and listed to be checked."""
    found = [
        DateAfterEnd(lid, PERIOD.name, end, name, period[column])
        for column, name in _NOT_BEFORE_START
        if period[column] is not None and period[column] > end
    ]
    for a in allocations:
        if a["start"] is not None and a["start"] > end:
            who = "IRO" if a["kind"] == "iro" else a["kind"].replace("_", " ")
            found.append(
                DateAfterEnd(lid, PERIOD.name, end, f"{who} allocation record from", a["start"])
            )
    return found


def _span_of(spans: Iterable[tuple[dt.date, dt.date | None]], day: dt.date) -> dt.date | None:
    """The start of the period (of ``spans``: start, end) that holds ``day``, if any."""
    return next((s for s, e in spans if s <= day and (e is None or day <= e)), None)


def _meeting_defaults() -> dict[str, Any]:
    """Every column a bulk meeting insert sets (executemany rows must share their keys)."""
    return {
        "duration_minutes": IMPORTED_DURATION,
        "enquiry_id": None,
        "plan_id": None,
        "period_id": None,
        "participation": None,
    }


def _period_for(period_id: dict[tuple[str, dt.date], int], local_id: str, day: dt.date | None):
    """The child's period that started most recently on or before ``day`` (else the latest)."""
    starts = sorted(s for (lid, s) in period_id if lid == local_id)
    if not starts:
        return None
    chosen = starts[-1]
    if day is not None:
        earlier = [s for s in starts if s <= day]
        chosen = earlier[-1] if earlier else starts[0]
    return period_id[(local_id, chosen)]


# --- child protection ------------------------------------------------------------------------


def apply_cp(
    session: Session,
    children: Sequence[CpChildPlan],
    *,
    writer: BulkWriter | None,
    step: Step = lambda _m: None,
    coverage: Coverage,
    remove_recorded: RemoveRecorded = False,
) -> tuple[Counts, list[ChildChange]]:
    """Bring each child's child protection history in line with the one given; return what
    changed.

    Only s47 enquiries are compared (a transfer-in recorded in reviewdesk is not in the census
    and is kept). Held conferences are matched by type and date; transfer-in and re-convened
    conferences are not in the census and are kept. Records outside the years of
    ``coverage`` are kept. Meetings that are kept but pointed at a plan or enquiry the
    history no longer has are re-linked to the child's latest one. With no ``writer`` (a dry
    run) nothing is written; nor when a held conference, a plan or an s47 enquiry with work
    recorded here would be removed, unless ``remove_recorded`` allows it (as `apply_lac`).
    """
    kids = _Children(session, [c.local_id for c in children])
    old_ids = [r["id"] for r in kids.existing.values()]
    enquiries_by_child = _group(
        _rows_for(session, ENQUIRY_T, ENQUIRY_T.c.child_id, old_ids), "child_id"
    )
    plans_by_child = _group(_rows_for(session, PLAN_T, PLAN_T.c.child_id, old_ids), "child_id")
    meetings_by_child = _group(
        _rows_for(
            session, MEETING_T, MEETING_T.c.child_id, old_ids, MEETING_T.c.process == Process.CP
        ),
        "child_id",
    )
    if writer is not None:
        writer.remember(CHILD_T, kids.existing.values())
        writer.remember(ENQUIRY_T, (e for es in enquiries_by_child.values() for e in es))
        writer.remember(PLAN_T, (p for ps in plans_by_child.values() for p in ps))
        writer.remember(MEETING_T, (m for ms in meetings_by_child.values() for m in ms))
    step("Comparing with the database")

    total = Counts()
    changes: list[ChildChange] = []
    enq_inserts: list[tuple[str, dict[str, Any]]] = []
    enq_updates: list[dict[str, Any]] = []
    enq_deletes: list[int] = []
    plan_inserts: list[tuple[str, dt.date | None, dict[str, Any]]] = []
    plan_updates: list[tuple[str, dt.date | None, dict[str, Any]]] = []
    plan_deletes: list[int] = []
    meet_inserts: list[tuple[str, dt.date | None, dt.date | None, dict[str, Any]]] = []
    meet_updates: list[tuple[str, dt.date | None, dt.date | None, dict[str, Any]]] = []
    meet_deletes: list[int] = []
    relinks: list[tuple[str, int, bool, bool]] = []  # child, meeting id, plan gone, enquiry gone
    # Enquiries and plans kept with a start the return corrected: id -> the return's start.
    enq_moved_to: dict[int, dt.date] = {}
    plan_moved_to: dict[int, dt.date] = {}

    for plan in children:
        counts = Counts()
        old = kids.plan(plan.local_id, plan.fields, counts)
        old_enqs = enquiries_by_child.get(old["id"], []) if old else []
        s47 = [e for e in old_enqs if e["route"] == "s47"]
        enq_by_date, enq_extra = _keyed(s47, lambda e: e["strategy_date"])
        strategy_of = {e["id"]: e["strategy_date"] for e in old_enqs}
        s47_ids = {e["id"] for e in s47}
        wanted = {e.strategy_date for e in plan.enquiries}
        # An enquiry the return would remove, a few days from one it would add: the same
        # enquiry, its strategy date corrected (`reviewdesk.importers.moves`).
        moved_enqs = moved_records(
            [e.strategy_date for e in plan.enquiries if e.strategy_date not in enq_by_date],
            [
                r
                for d, r in enq_by_date.items()
                if d is not None and d not in wanted and coverage.touches(d, d)
            ],
            day=lambda d: d,
            row_day=lambda r: r["strategy_date"],
        )
        for d, r in moved_enqs.items():
            strategy_of[r["id"]] = enq_moved_to[r["id"]] = d
        for e in plan.enquiries:
            row = enq_by_date.get(e.strategy_date) or moved_enqs.get(e.strategy_date)
            values = {
                "icpc_not_required": e.icpc_not_required,
                "closed_date": e.closed_date,
                "closed_reason": e.closed_reason,
                "closed_unknown": e.closed_unknown,
            }
            if row is not None and row["strategy_date"] != e.strategy_date:
                values["strategy_date"] = e.strategy_date
            same = row is not None and all(row[k] == v for k, v in values.items())
            _count(counts["enquiries"], row, same)
            if row is None:
                enq_inserts.append(
                    (plan.local_id, {"route": "s47", "strategy_date": e.strategy_date, **values})
                )
            elif not same:
                enq_updates.append({"id": row["id"], **values})
        enq_gone = enq_extra + [
            r
            for d, r in enq_by_date.items()
            if d not in wanted and coverage.touches(d, d) and r["id"] not in enq_moved_to
        ]
        counts["enquiries"].removed += len(enq_gone)
        enq_deletes.extend(r["id"] for r in enq_gone)
        enq_gone_ids = {r["id"] for r in enq_gone}

        old_plans = plans_by_child.get(old["id"], []) if old else []
        plan_by_start, plan_extra = _keyed(old_plans, lambda p: p["start"])
        start_of = {p["id"]: p["start"] for p in old_plans}
        wanted_plans = {p.start for p in plan.plans}
        # A plan the return would remove, a few days from one it would add: the same plan,
        # its start corrected; it keeps its chair and its meetings.
        moved_plans = moved_records(
            [p.start for p in plan.plans if p.start not in plan_by_start],
            [
                r
                for s, r in plan_by_start.items()
                if s not in wanted_plans and coverage.touches(s, r["end_date"])
            ],
            day=lambda d: d,
            row_day=lambda r: r["start"],
        )
        for d, r in moved_plans.items():
            start_of[r["id"]] = plan_moved_to[r["id"]] = d
        for p in plan.plans:
            row = plan_by_start.get(p.start) or moved_plans.get(p.start)
            if (
                p.enquiry is None
                and row is not None
                and row["enquiry_id"] in s47_ids
                and row["enquiry_id"] not in enq_gone_ids
                and strategy_of.get(row["enquiry_id"]) not in wanted
            ):
                # Led to by an enquiry recorded outside the years imported: keep the link.
                p.enquiry = strategy_of.get(row["enquiry_id"])
            values = {
                "end_date": p.end,
                "initial_category": p.initial_category,
                "latest_category": p.latest_category,
                "previous_plans": p.previous_plans,
                "end_unknown": p.end_unknown,
            }
            if row is not None and row["start"] != p.start:
                values["start"] = p.start
            same = (
                row is not None
                and all(row[k] == v for k, v in values.items())
                and strategy_of.get(row["enquiry_id"]) == p.enquiry
                and row["enquiry_id"] not in enq_gone_ids
            )
            _count(counts["plans"], row, same)
            if row is None:
                plan_inserts.append((plan.local_id, p.enquiry, {"start": p.start, **values}))
            elif not same:
                plan_updates.append((plan.local_id, p.enquiry, {"id": row["id"], **values}))
        plan_gone = plan_extra + [
            r
            for s, r in plan_by_start.items()
            if s not in wanted_plans
            and coverage.touches(s, r["end_date"])
            and r["id"] not in plan_moved_to
        ]
        counts["plans"].removed += len(plan_gone)
        plan_deletes.extend(r["id"] for r in plan_gone)
        plan_gone_ids = {r["id"] for r in plan_gone}

        # Held conferences: initial conferences from the enquiries, reviews from the plans.
        # Review conferences are matched by date, or a few days apart (moved; a first review
        # may become a later one) and
        # numbered within their plan, counting those kept from other years.
        desired: dict[tuple[str, dt.date], tuple[str, int, dt.date | None, dt.date | None]] = {}
        for e in plan.enquiries:
            if e.icpc_date is not None:
                led_to = next((p.start for p in plan.plans if p.enquiry == e.strategy_date), None)
                desired[_conference_key(e.icpc_type, e.icpc_date)] = (
                    e.icpc_type,
                    0,
                    e.strategy_date,
                    led_to,
                )
        for day, kind in plan.loose_icpcs:
            # Held with no enquiry in the data (rule 2885): the start of the plan begun that day.
            led_to = next((p.start for p in plan.plans if p.start == day), None)
            desired[_conference_key(kind, day)] = (kind, 0, None, led_to)
        old_meetings = meetings_by_child.get(old["id"], []) if old else []
        held = [
            m
            for m in old_meetings
            if m["status"] == MeetingStatus.HELD and m["meeting_type"] in CENSUS_CONFERENCES
        ]
        held_by_key, held_extra = _keyed(
            held, lambda m: _conference_key(m["meeting_type"], m["held_date"])
        )
        file_days = {day for p in plan.plans for day in p.reviews}
        kept_reviews: dict[dt.date, list[dt.date]] = defaultdict(list)  # by plan start
        kept_keys: set[tuple[str, dt.date]] = set()
        for key, m in held_by_key.items():
            if key in desired or (key[0] == "review" and key[1] in file_days):
                continue
            if not coverage.touches(m["held_date"], m["held_date"]):
                kept_keys.add(key)
                plan_start = start_of.get(m["plan_id"])
                if key[0] == "review" and plan_start in wanted_plans:
                    kept_reviews[plan_start].append(m["held_date"])
        for p in plan.plans:
            days = sorted({*p.reviews, *kept_reviews.get(p.start, [])})
            for n, day in enumerate(days, start=1):
                # The 1st review only when every year from the plan's start to it is in the
                # data; else an earlier review may be in a return not imported (its number is
                # then the least it can be).
                first = n == 1 and coverage.whole(p.start, day)
                kind = MeetingType.RCPC_FIRST if first else MeetingType.RCPC_SUBSEQUENT
                desired[_conference_key(kind.value, day)] = (kind.value, n, p.enquiry, p.start)
        # A conference the corrected census dates a few days apart is the same conference,
        # moved: it keeps what was recorded here (`reviewdesk.importers.moves`).
        moved = moved_records(
            [k for k in desired if k not in held_by_key],
            [m for k, m in held_by_key.items() if k not in desired and k not in kept_keys],
            day=lambda k: k[1],
            same_kind=lambda k, row: (
                _conference_key(row["meeting_type"], row["held_date"])[0] == k[0]
            ),
        )
        for key, (kind, sequence, enq_key, plan_key) in desired.items():
            row = held_by_key.get(key) or moved.get(key)
            same = (
                row is not None
                and row["held_date"] == key[1]
                and row["meeting_type"] == kind
                and row["sequence"] == sequence
                and strategy_of.get(row["enquiry_id"]) == enq_key
                and start_of.get(row["plan_id"]) == plan_key
                and row["enquiry_id"] not in enq_gone_ids
                and row["plan_id"] not in plan_gone_ids
            )
            if not (key in kept_keys and same):
                _count(counts["conferences"], row, same)
            values = {"sequence": sequence, "meeting_type": kind}
            if row is None or key in moved:
                values |= {"held_date": key[1]}
            if row is None:
                meet_inserts.append((plan.local_id, enq_key, plan_key, values))
            elif not same:
                meet_updates.append((plan.local_id, enq_key, plan_key, {"id": row["id"], **values}))
        moved_ids = {m["id"] for m in moved.values()}
        meet_gone = held_extra + [
            m
            for k, m in held_by_key.items()
            if k not in desired and k not in kept_keys and m["id"] not in moved_ids
        ]
        counts["conferences"].removed += len(meet_gone)
        meet_deletes.extend(m["id"] for m in meet_gone)
        gone_meeting_ids = {m["id"] for m in meet_gone}
        kept_ids = {m["id"] for k, m in held_by_key.items() if k in desired} | moved_ids
        for m in old_meetings:
            if m["id"] in gone_meeting_ids or m["id"] in kept_ids:
                continue
            if m["plan_id"] in plan_gone_ids or m["enquiry_id"] in enq_gone_ids:
                relinks.append(
                    (
                        plan.local_id,
                        m["id"],
                        m["plan_id"] in plan_gone_ids,
                        m["enquiry_id"] in enq_gone_ids,
                    )
                )

        change = ChildChange(plan.local_id, "", counts)
        _finish_child(change, old is not None)
        changes.append(change)
        total.merge(counts)

    local_ids = {r["id"]: lid for lid, r in kids.existing.items()}
    meeting_row = {m["id"]: m for ms in meetings_by_child.values() for m in ms}
    enquiry_row = {e["id"]: e for es in enquiries_by_child.values() for e in es}
    plan_row = {p["id"]: p for ps in plans_by_child.values() for p in ps}
    gone = {
        ENQUIRY.table: [enquiry_row[i] for i in enq_deletes],
        PLAN.table: [plan_row[i] for i in plan_deletes],
        "meeting": [meeting_row[i] for i in meet_deletes],
    }
    recorded = _recorded_removals(session, gone, local_ids, changes)
    writer = _may_write(writer, recorded, remove_recorded)
    if writer is None:
        return total, changes

    step("Writing children")
    kids.write(writer)

    step("Writing enquiries")
    enquiry_id: dict[tuple[str, dt.date], int] = {}
    deleted = set(enq_deletes)
    for local_id, old in kids.existing.items():
        for e in enquiries_by_child.get(old["id"], []):
            if e["route"] == "s47" and e["id"] not in deleted:
                enquiry_id[(local_id, enq_moved_to.get(e["id"], e["strategy_date"]))] = e["id"]
    rows = [{"child_id": kids.ids[lid], "notified_date": None, **row} for lid, row in enq_inserts]
    for (lid, row), new_id in zip(enq_inserts, writer.insert(ENQUIRY_T, rows), strict=True):
        enquiry_id[(lid, row["strategy_date"])] = new_id
    writer.update(ENQUIRY_T, enq_updates)

    def enq(lid: str, key: dt.date | None) -> int | None:
        return None if key is None else enquiry_id.get((lid, key))

    step("Writing plans")
    plan_id: dict[tuple[str, dt.date], int] = {}
    deleted = set(plan_deletes)
    for local_id, old in kids.existing.items():
        for p in plans_by_child.get(old["id"], []):
            if p["id"] not in deleted:
                plan_id[(local_id, plan_moved_to.get(p["id"], p["start"]))] = p["id"]
    rows = [
        {"child_id": kids.ids[lid], "enquiry_id": enq(lid, key), **row}
        for lid, key, row in plan_inserts
    ]
    for (lid, _k, row), new_id in zip(plan_inserts, writer.insert(PLAN_T, rows), strict=True):
        plan_id[(lid, row["start"])] = new_id
    writer.update(PLAN_T, [{**row, "enquiry_id": enq(lid, key)} for lid, key, row in plan_updates])

    def pln(lid: str, key: dt.date | None) -> int | None:
        return None if key is None else plan_id.get((lid, key))

    step("Writing conferences")
    _remove_recorded(session, writer, _meetings_of(recorded))
    writer.delete(MEETING_T, meet_deletes)
    writer.insert(
        MEETING_T,
        [
            {
                **_meeting_defaults(),
                "child_id": kids.ids[lid],
                "process": Process.CP.value,
                "status": MeetingStatus.HELD.value,
                "enquiry_id": enq(lid, ek),
                "plan_id": pln(lid, pk),
                **values,
            }
            for lid, ek, pk, values in meet_inserts
        ],
    )
    writer.update(
        MEETING_T,
        [
            {**row, "enquiry_id": enq(lid, ek), "plan_id": pln(lid, pk)}
            for lid, ek, pk, row in meet_updates
        ],
    )
    relink_rows = []
    for lid, mid, plan_gone, enq_gone in relinks:
        row: dict[str, Any] = {"id": mid}
        if plan_gone:
            row["plan_id"] = _latest(plan_id, lid)
        if enq_gone:
            row["enquiry_id"] = _latest(enquiry_id, lid)
        relink_rows.append(row)
    writer.update(MEETING_T, relink_rows)
    writer.delete(PLAN_T, plan_deletes)
    writer.delete(ENQUIRY_T, enq_deletes)
    return total, changes


_INITIAL_KINDS = (MeetingType.ICPC.value, MeetingType.ICPC_PREBIRTH.value)


def _conference_key(kind: str, day: dt.date) -> tuple[str, dt.date]:
    """Held census conferences are matched by date: initial ones (pre-birth or not) as one,
    reviews (first or later) as one."""
    return ("initial" if kind in _INITIAL_KINDS else "review", day)


def _latest(ids: dict[tuple[str, dt.date], int], local_id: str) -> int | None:
    starts = [s for (lid, s) in ids if lid == local_id]
    return ids[(local_id, max(starts))] if starts else None
