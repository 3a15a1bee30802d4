"""The dashboard's figures: which flags each tile counts, the children (or staff) behind each,
the register's next due dates, and timeliness month by month.

One table, `TILES`, says which flag codes each tile counts; a tile's colour is the most
severe flag it holds (`reviewdesk.flags.FLAG_TYPES` severities), so the dashboard and
`reviewdesk flags` never disagree about how serious something is. The window lays the tiles
out from this table.

`read_snapshot` and `read_dashboard_figures` take a `Database` and plain values and return
plain values: the window runs them in its worker processes.
"""

from __future__ import annotations

import datetime as dt
import traceback
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from reviewdesk.caseload import (
    assignments,
    assignments_from_rows,
    caseloads,
    frozen_assignments,
)
from reviewdesk.casework.mapping import DueNotKnown, next_dues_shown
from reviewdesk.casework.register import Register
from reviewdesk.casework.rows import no_gc
from reviewdesk.flags import SEVERITY_ORDER, Flag, flag_register, own_flags
from reviewdesk.flags import oversight as oversight_flags
from reviewdesk.flags.bookings import booking_flags
from reviewdesk.flags.caseload import caseload_flags
from reviewdesk.flags.deadlines import LATE_REPORTS, TO_CHASE_CODES
from reviewdesk.measures import compute_measures, rag_rating
from reviewdesk.oversight.figures import QuarterFigures, quarter_figures, quarter_of
from reviewdesk.snapshot_wire import (
    PackedAssigned,
    PackedDues,
    PackedMembers,
    pack_assigned,
    pack_dues,
    pack_members,
    unpack_assigned,
    unpack_dues,
    unpack_members,
)
from reviewdesk.storage.db import Database
from reviewdesk.storage.models import Meeting

T = TypeVar("T")

CHILDREN, STAFF = "children", "staff"


@dataclass(frozen=True)
class Tile:
    """A dashboard tile: the flags it counts and what it counts of them."""

    key: str
    title: str
    codes: frozenset[str]
    #: "children" (the children flagged; a click lists them) or "staff" (the IROs flagged).
    counts: str = CHILDREN
    #: Only flags dated in the as-of month.
    this_month: bool = False
    #: Only flags about meetings still ahead: to take place, booked for the as-of date or
    #: later (`vocabulary.is_ahead`: what can still be acted on).
    upcoming_only: bool = False
    #: What the count is, in full (the tile's tooltip): every tile's title is too short to
    #: say it exactly. A setting it depends on is named in braces, "{due_soon_working_days}"
    #: (`explanation` fills it in).
    explains: str = ""


TILES: tuple[Tile, ...] = (
    Tile(
        "overdue",
        "Overdue",
        frozenset({"overdue"}),
        explains="Children with a review or conference past its due date and not held yet, "
        "booked or not.",
    ),
    # Due within so many working days: counted to the day it must be booked by (the due
    # date, or the working day before it when that is not one).
    Tile(
        "due_soon_unbooked",
        "Due soon, not booked",
        frozenset({"due_soon_unbooked"}),
        explains="Children with a review or conference due within {due_soon_working_days} "
        "working days and not booked.",
    ),
    # Reports to chase: due and not received, or not shared with the parents, for meetings
    # still ahead (the chase list's). A report that came late, or a meeting already held,
    # is history (the measures and `reviewdesk flags` still show it), not something to act
    # on; a meeting whose day has passed unrecorded is "outcome not recorded" (to check).
    # Children, as every tile of children counts (the Workload page's teams count the
    # reports: `flags.deadlines.late_reports`).
    Tile(
        "late_reports",
        f"Children with {LATE_REPORTS}",
        TO_CHASE_CODES,
        upcoming_only=True,
        explains="Children with a meeting still to come that has a report past its deadline "
        "and not received or, for a child protection conference, not shared with the parents "
        "by its deadline.",
    ),
    # Children whose minutes or decisions are past their deadline (the Workload page counts
    # the meetings each chair has awaiting them, overdue or not: `workload.AWAITING_MINUTES`).
    Tile(
        "minutes_overdue",
        "Minutes or decisions overdue",
        frozenset({"minutes_overdue", "decisions_overdue"}),
        # (Meetings held within the flags' look-back, `flags.base.HELD_LOOKBACK_DAYS`.)
        explains="Children with a meeting held in the last three months whose decisions "
        "were not issued, or minutes not distributed, by their deadline and still are not.",
    ),
    # Not every meeting late this month: a meeting held late whose reason is recorded
    # leaves it (the old title, "Out of timescale this month", read as the month's figure,
    # which recording a reason lowered). Meetings held late, reasons and all, are the
    # measures' ``late_meetings``.
    Tile(
        "out_of_timescale_month",
        "Late this month, to act on",
        frozenset({"overdue", "booked_after_due", "late_no_reason"}),
        this_month=True,
        explains=(
            "Children with a meeting out of timescale this month and not yet dealt with: "
            "not held by its due date earlier this month, booked for a day this month after "
            "its due date, or held this month after its due date with no reason recorded. "
            "Recording the reason takes a meeting held late off this count."
        ),
    ),
    Tile(
        "double_booked",
        "Double bookings",
        frozenset({"chair_double_booked", "clerk_double_booked", "room_double_booked"}),
        explains="Children with a meeting still to come whose chair, clerk or room is booked "
        "for another meeting at the same time that day (a meeting with no time set takes the "
        "whole day).",
    ),
    Tile(
        "long_plans",
        "CP plans 18 months+",
        frozenset({"cp_plan_18_months", "cp_plan_2_years"}),
        explains="Children whose current child protection plan has lasted 18 months or more "
        "(act now once it reaches 2 years).",
    ),
    Tile(
        "iro_allocation",
        "IRO not allocated or not told",
        frozenset({"iro_not_allocated", "iro_service_not_notified"}),
        explains="Looked-after children with no IRO allocated, or no date recorded for "
        "telling the IRO service, past the deadline counted from the day they became looked "
        "after (Settings, Timescales).",
    ),
    Tile(
        "to_check",
        "Other things to check",
        # A next due date not in the data (a yearly return not imported) is for someone to
        # check, not history: it goes with the other things to check.
        frozenset(
            {
                "booked_non_working_day",
                "outcome_not_recorded",
                "consultation_late",
                "participation_age",
                "due_date_unknown",
            }
        ),
        explains="Children with a meeting booked on a day that is not a working day, a "
        "meeting whose day has passed with no outcome recorded, a consultation not sent in "
        "time, a participation code that does not fit the child's age, or a next due date not "
        "in the data (a return not imported).",
    ),
    Tile(
        "caseloads_above",
        "IROs above caseload",
        frozenset({"caseload_above_max"}),
        STAFF,
        explains="IROs, not children: those with more than {caseload_max_per_fte:g} children "
        "per full-time IRO, the top of the caseload range (Settings, Council). Opens the "
        "Workload page.",
    ),
    # Challenges unanswered or open too long, midway reviews and contact, quoracy
    # (`reviewdesk.flags.oversight`).
    Tile(
        "oversight",
        "IRO oversight",
        frozenset(oversight_flags.CHECKS),
        explains="Children with a challenge not answered or not resolved in time, an IRO "
        "midway review overdue or no IRO contact with the child by the midway point, or a "
        "conference that was not quorate and not reconvened in time, reconvened late, or not "
        "quorate twice in a row.",
    ),
)
TILE_BY_KEY = {tile.key: tile for tile in TILES}


def explanation(tile: Tile, settings: Mapping[str, Any]) -> str:
    """What ``tile`` counts, in full, with the council's settings it names filled in
    (``settings``: `reviewdesk.settings.all_settings`): "due within 10 working days"."""
    return tile.explains.format_map(settings)


@dataclass(frozen=True)
class TileCount:
    """What a tile shows: who is behind it, and the most severe flag among them."""

    key: str
    ids: frozenset[int]
    #: "red" or "amber" (or "info"); None when nothing is flagged.
    severity: str | None
    #: Why each is behind the tile: the flags' reasons ("Report from ... for the LAC review
    #: 3 on 12/05/2026 was due by ..."), so a list of them says which report, which meeting.
    reasons: dict[int, tuple[str, ...]] = field(default_factory=dict, compare=False)

    @property
    def count(self) -> int:
        return len(self.ids)


def tile_counts(
    flags: Iterable[Any], as_of: dt.date, *, upcoming: Collection[int] | None = None
) -> dict[str, TileCount]:
    """Each tile's children (or staff) and severity, from flags (objects with ``code``,
    ``severity``, ``reason``, ``child_id``, ``meeting_id``, ``staff_id`` and ``date``).
    ``upcoming``: the ids of meetings still to take place, for the tiles that count only
    those (all meetings count when it is not given)."""
    return _counts(_members(flags, as_of, upcoming))


#: Why a child (or member of staff) is behind a tile: the most severe of their flags the
#: tile counts, and every such flag's reason.
Mark = tuple[str, tuple[str, ...]]
#: Tile key -> child (or staff) id -> their `Mark`.
Members = dict[str, dict[int, Mark]]


def _worse(a: Mark | None, b: Mark) -> Mark:
    """Two marks for the same child and tile as one. The reasons are kept sorted: the order
    flags come in follows the order the database returns rows, which differs between a whole
    reading and `update_snapshot`'s reading of a few children (on PostgreSQL)."""
    if a is None:
        return b
    severity = a[0] if SEVERITY_ORDER[a[0]] <= SEVERITY_ORDER[b[0]] else b[0]
    return severity, tuple(sorted(a[1] + b[1]))


def _members(
    flags: Iterable[Any], as_of: dt.date, upcoming: Collection[int] | None = None
) -> Members:
    month = (as_of.year, as_of.month)
    found: Members = {tile.key: {} for tile in TILES}
    by_code: dict[str, list[Tile]] = {}
    for tile in TILES:
        for code in tile.codes:
            by_code.setdefault(code, []).append(tile)
    for flag in flags:
        for tile in by_code.get(flag.code, ()):
            who = flag.staff_id if tile.counts == STAFF else flag.child_id
            if who is None:
                continue
            day = flag.date
            if tile.this_month and (day is None or (day.year, day.month) != month):
                continue
            if tile.upcoming_only and upcoming is not None and flag.meeting_id not in upcoming:
                continue
            mine = found[tile.key]
            mine[who] = _worse(mine.get(who), (flag.severity, (flag.reason,)))
    return found


def _counts(members: Members) -> dict[str, TileCount]:
    return {
        key: TileCount(
            key,
            frozenset(who),
            min((m[0] for m in who.values()), key=SEVERITY_ORDER.__getitem__) if who else None,
            {c: m[1] for c, m in who.items()},
        )
        for key, who in members.items()
    }


# --- one reading of the register ------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    """What the window keeps from one reading of the register: small (ids and dates), so the
    millions of objects behind it are freed where they were made; and what `update_snapshot`
    needs to work out again only the children an edit changed."""

    as_of: dt.date
    #: Child id -> the engine's next due date, for every open case (`DueNotKnown` when the
    #: data can date none of its next meetings: `CaseStatus.next_due_shown`).
    next_dues: dict[int, dt.date | DueNotKnown]
    tiles: dict[str, TileCount]
    #: The tiles' members from each child's own flags (`reviewdesk.flags.own_flags`).
    own: Members
    #: The tiles' members from the double bookings (flags across children), by the day
    #: booked: small to send from the worker process, and a day is worked out whole.
    double_bookings: dict[dt.date, Members]
    #: The tiles' members from the caseloads (about staff, worked out whole each time).
    across: Members = field(default_factory=dict)
    #: Who holds which open cases (`reviewdesk.caseload.frozen_assignments`), for
    #: `update_snapshot` (None: it reads them again). What it counts is in the tiles, which
    #: compare.
    assigned: dict[int, dict[int, frozenset[str]]] | None = field(default=None, compare=False)

    def tiles_held_by(self, staff_id: int) -> dict[str, TileCount]:
        """The tiles narrowed to one IRO's own: the open cases they hold (`assigned`: the
        caseload the Workload page counts) and, for the tiles about staff, themselves. What
        an IRO's "My cases only" dashboard shows. (No assignments known: every tile.)"""
        if self.assigned is None:
            return self.tiles
        held = self.assigned.get(staff_id, {})

        def narrowed(members: Members, keep: Collection[int]) -> Members:
            return {
                key: {c: m for c, m in who.items() if c in keep} for key, who in members.items()
            }

        return _tiles(
            narrowed(self.own, held),
            {day: narrowed(m, held) for day, m in self.double_bookings.items()},
            narrowed(self.across, {staff_id}),
        )

    def due_marks(self) -> dict[int, Mark]:
        """Child id -> how the case list marks its next due date: "red" when a meeting is
        overdue, "amber" when one is due soon and not booked, with the flags' reasons. The
        same flags as the tiles (`due_soon_working_days` working days before the date a
        meeting must be booked by), so the list and the dashboard never disagree."""
        marks: dict[int, Mark] = {}
        for key, severity in (("due_soon_unbooked", "amber"), ("overdue", "red")):
            found = self.tiles.get(key)
            if found is not None:
                for cid in found.ids:
                    marks[cid] = (severity, found.reasons.get(cid, ()))
        return marks

    def __reduce__(self) -> tuple:
        """Sent packed (`reviewdesk.snapshot_wire`): the tiles are worked out again from
        their members on arrival rather than sent twice."""
        return (
            _unpacked,
            (
                self.as_of,
                pack_dues(self.next_dues),
                pack_members(self.own),
                {day.toordinal(): pack_members(m) for day, m in self.double_bookings.items()},
                pack_members(self.across),
                None if self.assigned is None else pack_assigned(self.assigned),
            ),
        )


def _unpacked(
    as_of: dt.date,
    dues: PackedDues,
    own: PackedMembers,
    double: dict[int, PackedMembers],
    across: PackedMembers,
    assigned: PackedAssigned | dict | None = None,
) -> Snapshot:
    """A snapshot from its packed form (`Snapshot.__reduce__`)."""
    members = unpack_members(own)
    by_day = {dt.date.fromordinal(d): unpack_members(m) for d, m in double.items()}
    staff = unpack_members(across)
    return Snapshot(
        as_of,
        unpack_dues(dues),
        _tiles(members, by_day, staff),
        members,
        by_day,
        staff,
        None if assigned is None else unpack_assigned(assigned),
    )


def snapshot(session: Session, *, as_of: dt.date) -> Snapshot:
    """The flags' register read once: every open case's next due date and the tiles."""
    register = flag_register(session, as_of=as_of)  # only recent meetings: the same dues
    with no_gc():
        dues = next_dues_shown(register.statuses)
        own = _members(own_flags(register), as_of, register.ahead_ids())
        assigned = frozen_assignments(
            assignments_from_rows(register.periods, register.plans, as_of)
        )
        double = _by_day(booking_flags(session, as_of), as_of)
    return _assemble(session, as_of, dues, own, double, assigned)


def update_snapshot(session: Session, before: Snapshot, child_ids: Iterable[int]) -> Snapshot:
    """``before`` after an edit to the records of ``child_ids`` alone (`Changes.children`, when
    every kind changed is one of a child's case, `reviewdesk.actions.CASE_KINDS`): those
    children are read and worked out again and the rest kept, with the flags across children
    brought up to date. The same as `snapshot` afresh (tests check it after every kind of
    edit), in a fraction of the time on a large register."""
    as_of = before.as_of
    changed = set(child_ids)
    ids = sorted(changed)
    register = flag_register(session, as_of=as_of, child_ids=ids)
    with no_gc():
        dues = dict(before.next_dues)
        for cid in ids:
            dues.pop(cid, None)
        dues.update(next_dues_shown(register.statuses))
        mine = _members(
            (f for f in own_flags(register) if f.child_id in changed),
            as_of,
            register.ahead_ids(),
        )
        own: Members = {}
        for key, who in before.own.items():
            if mine[key] or any(c in who for c in ids):
                who = {c: v for c, v in who.items() if c not in changed}
                who.update(mine[key])
            own[key] = who
        # A double booking is two meetings on one day: the days these children's meetings
        # were double-booked on (a partner may be free now), and the days they are booked for.
        days = {
            day
            for day, members in before.double_bookings.items()
            if any(c in who for who in members.values() for c in ids)
        }
        days.update(_booked_days(session, ids, as_of))
        double = {d: m for d, m in before.double_bookings.items() if d not in days}
        double.update(_by_day(booking_flags(session, as_of, days), as_of))
        theirs = frozen_assignments(assignments_from_rows(register.periods, register.plans, as_of))
        assigned: dict[int, dict[int, frozenset[str]]] = {}
        kept = before.assigned
        if kept is None:
            kept = frozen_assignments(assignments(session, as_of=as_of))
        for staff in kept.keys() | theirs.keys():
            kids = kept.get(staff, {})
            if staff in theirs or any(c in kids for c in ids):
                kids = {c: p for c, p in kids.items() if c not in changed}
                kids.update(theirs.get(staff, {}))
            if kids:
                assigned[staff] = kids
    return _assemble(session, as_of, dues, own, double, assigned)


def _by_day(flags: Iterable[Flag], as_of: dt.date) -> dict[dt.date, Members]:
    """The tiles' members from ``flags``, day by day (the tiles with none left out)."""
    days: dict[dt.date, list[Flag]] = {}
    for flag in flags:
        if flag.date is not None:
            days.setdefault(flag.date, []).append(flag)
    out = {}
    for day, found in days.items():
        members = {key: who for key, who in _members(found, as_of).items() if who}
        if members:
            out[day] = members
    return out


def _booked_days(session: Session, child_ids: list[int], as_of: dt.date) -> set[dt.date]:
    """The days these children's meetings are booked for from ``as_of`` on."""
    stmt = (
        select(Meeting.booked_date)
        .where(Meeting.child_id.in_(child_ids), Meeting.booked_date >= as_of)
        .distinct()
    )
    return {day for (day,) in session.execute(stmt)}


def _assemble(
    session: Session,
    as_of: dt.date,
    dues: dict[int, dt.date | DueNotKnown],
    own: Members,
    double: dict[dt.date, Members],
    assigned: dict[int, dict[int, frozenset[str]]],
) -> Snapshot:
    """The snapshot, its tiles counted from the children's own flags, the double bookings
    and the caseloads."""
    loads = caseloads(session, as_of=as_of, assigned=assigned).values()
    across = {
        key: who
        for key, who in _members(caseload_flags(session, loads, as_of), as_of).items()
        if who
    }
    return Snapshot(as_of, dues, _tiles(own, double, across), own, double, across, assigned)


def _tiles(own: Members, double: dict[dt.date, Members], across: Members) -> dict[str, TileCount]:
    """The tiles: each child's own flags, the double bookings and the caseloads together."""
    members = {key: dict(who) for key, who in own.items()}
    for found in (*double.values(), across):
        for key, who in found.items():
            mine = members[key]
            for c, mark in who.items():
                mine[c] = _worse(mine.get(c), mark)
    return _counts(members)


def read_snapshot(db: Database, as_of: dt.date) -> Snapshot:
    """`snapshot` in a session of its own (any thread or process)."""
    with db.session() as session:
        return snapshot(session, as_of=as_of)


def read_updated_snapshot(db: Database, before: Snapshot, child_ids: Iterable[int]) -> Snapshot:
    """`update_snapshot` in a session of its own (any thread)."""
    with db.session() as session:
        return update_snapshot(session, before, child_ids)


# --- timeliness month by month --------------------------------------------------------------

#: The measures (`reviewdesk.measures` row keys) the chart adds together.
TIMELINESS_ROWS = frozenset({"lac_reviews_in_timescale", "cp_conferences_in_timescale"})


@dataclass(frozen=True)
class MonthFigure:
    label: str  # e.g. "Apr 24"
    percent: float | None  # None: nothing held that month
    count: int  # meetings held
    #: "green", "amber" or "red" by the measures' rule (`measures.rag_rating`) against the
    #: chart's target and red line; None with no figure or no target.
    rag: str | None = None


@dataclass(frozen=True)
class Timeliness:
    """LAC reviews and CP conferences held in timescale, month by month for the twelve
    months to the as-of date; ``target`` is the lowest of their targets."""

    figures: tuple[MonthFigure, ...]
    target: float | None


def timeliness_start(as_of: dt.date) -> dt.date:
    """The chart's first month: the first of the month a year before ``as_of``'s."""
    return dt.date(as_of.year - 1, as_of.month, 1)


def timeliness(session: Session, *, as_of: dt.date, register: Register | None = None) -> Timeliness:
    """The chart's figures (``register``: a reading as of ``as_of`` whose window starts on or
    before `timeliness_start`, as `compute_measures` takes it)."""
    start = timeliness_start(as_of)
    report = compute_measures(
        session, start=start, end=as_of, meetings_only=True, register=register
    )
    rows = [r for r in report.rows if r.key in TIMELINESS_ROWS]
    targets = [r.target for r in rows if r.target is not None]
    target = min(targets) if targets else None
    # Rated as the measures rate each row (the timeliness report, the measures export): red
    # only below the lowest of their red lines.
    lines = [r.red_line for r in rows if r.red_line is not None]
    red_line = min(lines) if lines else None
    figures = []
    for i, month in enumerate(report.months):
        held = sum(r.cells[i].denominator or 0 for r in rows)
        on_time = sum(r.cells[i].numerator for r in rows)
        percent = 100.0 * on_time / held if held else None
        figures.append(
            MonthFigure(
                label=month.strftime("%b %y"),
                percent=percent,
                count=held,
                rag=rag_rating(percent, target, red_line, lower_better=False),
            )
        )
    if not any(f.percent is not None for f in figures):
        figures = []
    return Timeliness(tuple(figures), target)


@dataclass(frozen=True)
class DashboardFigures:
    """The dashboard's figures worked out in its worker process: the chart and the quarter's
    IRO oversight figures. A part that could not be worked out is None, and ``failures``
    holds its traceback for the error log: the other part still shows."""

    timeliness: Timeliness | None
    quarter: QuarterFigures | None
    failures: tuple[str, ...] = ()


def dashboard_figures(session: Session, *, as_of: dt.date) -> DashboardFigures:
    """The chart and the quarter's figures from one reading of the register.

    Both need the engine's answer for the children with meetings in their months; the
    chart's twelve months hold the quarter's, so the quarter reuses its reading rather than
    reading and working out the same children again (`timeliness` and `quarter_figures`
    on their own give the same figures). If the reading fails, both fail (it raises); if
    one part fails, the other is still returned."""
    start = min(timeliness_start(as_of), quarter_of(as_of)[0])
    register = Register(session, as_of=as_of, window_from=start)
    failures: list[str] = []

    def part(work: Callable[[], T]) -> T | None:
        try:
            return work()
        except Exception:  # noqa: BLE001 - one panel's failure must not empty the other
            failures.append(traceback.format_exc())
            return None

    chart = part(lambda: timeliness(session, as_of=as_of, register=register))
    quarter = part(lambda: quarter_figures(session, as_of=as_of, register=register))
    return DashboardFigures(chart, quarter, tuple(failures))


def read_dashboard_figures(db: Database, as_of: dt.date) -> DashboardFigures:
    """`dashboard_figures` in a session of its own (any thread or process)."""
    with db.session() as session:
        return dashboard_figures(session, as_of=as_of)
