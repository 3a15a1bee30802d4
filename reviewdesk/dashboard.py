"""The dashboard's figures: which flags each tile counts, the children (or staff) behind each,
the register's next due dates, and timeliness month by month.

One table, `TILES`, says which flag codes each tile counts; a tile's colour is the most
severe flag it holds (`reviewdesk.flags.FLAG_TYPES` severities), so the dashboard and
`reviewdesk flags` never disagree about how serious something is. The window lays the tiles
out from this table.

`read_snapshot` and `read_timeliness` take a `Database` and plain values and return plain
values: the window runs them in its worker process.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from reviewdesk.flags import SEVERITY_ORDER, flag_register, flags_from_register
from reviewdesk.measures import compute_measures
from reviewdesk.storage.db import Database
from reviewdesk.vocabulary import is_upcoming

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
    #: Only flags about meetings still to take place (what can still be acted on).
    upcoming_only: bool = False


TILES: tuple[Tile, ...] = (
    Tile("overdue", "Overdue", frozenset({"overdue"})),
    Tile("due_soon_unbooked", "Due soon, not booked", frozenset({"due_soon_unbooked"})),
    # Reports to chase: due and not received, or not shared with the parents, for meetings
    # still to take place. A report that came late, or a meeting already held, is history
    # (the measures and `reviewdesk flags` still show it), not something to act on.
    Tile(
        "late_reports",
        "Late reports",
        frozenset({"report_overdue", "report_not_shared"}),
        upcoming_only=True,
    ),
    Tile("minutes_overdue", "Minutes overdue", frozenset({"minutes_overdue", "decisions_overdue"})),
    Tile(
        "out_of_timescale_month",
        "Out of timescale this month",
        frozenset({"overdue", "booked_after_due", "late_no_reason"}),
        this_month=True,
    ),
    Tile(
        "double_booked",
        "Double bookings",
        frozenset({"chair_double_booked", "clerk_double_booked", "room_double_booked"}),
    ),
    Tile("long_plans", "CP plans 18 months+", frozenset({"cp_plan_18_months", "cp_plan_2_years"})),
    Tile(
        "iro_allocation",
        "IRO not allocated or not told",
        frozenset({"iro_not_allocated", "iro_service_not_notified"}),
    ),
    Tile(
        "to_check",
        "Other things to check",
        frozenset({"booked_non_working_day", "consultation_late", "participation_age"}),
    ),
    Tile("caseloads_above", "IROs above caseload", frozenset({"caseload_above_max"}), STAFF),
)
TILE_BY_KEY = {tile.key: tile for tile in TILES}


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
    month = (as_of.year, as_of.month)
    ids: dict[str, set[int]] = {tile.key: set() for tile in TILES}
    reasons: dict[str, dict[int, list[str]]] = {tile.key: {} for tile in TILES}
    worst: dict[str, str] = {}
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
            ids[tile.key].add(who)
            reasons[tile.key].setdefault(who, []).append(flag.reason)
            known = worst.get(tile.key)
            if known is None or SEVERITY_ORDER[flag.severity] < SEVERITY_ORDER[known]:
                worst[tile.key] = flag.severity
    return {
        key: TileCount(
            key,
            frozenset(found),
            worst.get(key),
            {who: tuple(why) for who, why in reasons[key].items()},
        )
        for key, found in ids.items()
    }


# --- one reading of the register ------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    """What the window keeps from one reading of the register: small (ids and dates), so the
    millions of objects behind it are freed where they were made."""

    as_of: dt.date
    #: Child id -> the engine's next due date, for every open case.
    next_dues: dict[int, dt.date]
    tiles: dict[str, TileCount]


def snapshot(session: Session, *, as_of: dt.date) -> Snapshot:
    """The flags' register read once: every open case's next due date and the tiles."""
    register = flag_register(session, as_of=as_of)  # only recent meetings: the same dues
    upcoming = {m.id for m in register.meetings if is_upcoming(m.status, m.held_date, as_of)}
    tiles = tile_counts(flags_from_register(register), as_of, upcoming=upcoming)
    dues = {cid: st.next_due.due.date for cid, st in register.statuses.items() if st.next_due}
    return Snapshot(as_of, dues, tiles)


def read_snapshot(db: Database, as_of: dt.date) -> Snapshot:
    """`snapshot` in a session of its own (any thread or process)."""
    with db.session() as session:
        return snapshot(session, as_of=as_of)


# --- timeliness month by month --------------------------------------------------------------

#: The measures (`reviewdesk.measures` row keys) the chart adds together.
TIMELINESS_ROWS = frozenset({"lac_reviews_in_timescale", "cp_conferences_in_timescale"})


@dataclass(frozen=True)
class MonthFigure:
    label: str  # e.g. "Apr 24"
    percent: float | None  # None: nothing held that month
    count: int  # meetings held


@dataclass(frozen=True)
class Timeliness:
    """LAC reviews and CP conferences held in timescale, month by month for the twelve
    months to the as-of date; ``target`` is the lowest of their targets."""

    figures: tuple[MonthFigure, ...]
    target: float | None


def timeliness(session: Session, *, as_of: dt.date) -> Timeliness:
    start = dt.date(as_of.year - 1, as_of.month, 1)
    report = compute_measures(session, start=start, end=as_of)
    rows = [r for r in report.rows if r.key in TIMELINESS_ROWS]
    figures = []
    for i, month in enumerate(report.months):
        held = sum(r.cells[i].denominator or 0 for r in rows)
        on_time = sum(r.cells[i].numerator for r in rows)
        figures.append(
            MonthFigure(
                label=month.strftime("%b %y"),
                percent=100.0 * on_time / held if held else None,
                count=held,
            )
        )
    targets = [r.target for r in rows if r.target is not None]
    if not any(f.percent is not None for f in figures):
        figures = []
    return Timeliness(tuple(figures), min(targets) if targets else None)


def read_timeliness(db: Database, as_of: dt.date) -> Timeliness:
    """`timeliness` in a session of its own (any thread or process)."""
    with db.session() as session:
        return timeliness(session, as_of=as_of)
