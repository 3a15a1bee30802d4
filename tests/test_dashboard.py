"""The dashboard's figures (`reviewdesk.dashboard`): one table from flags to tiles, tiles
coloured by the flags' own severities, and the same answers as `compute_flags`."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from reviewdesk.dashboard import STAFF, TILES, snapshot, tile_counts, timeliness
from reviewdesk.flags import FLAG_TYPES, compute_flags
from reviewdesk.measures import compute_measures
from reviewdesk.storage.models import Meeting
from reviewdesk.vocabulary import is_upcoming
from tests.actions.shortcuts import generate_demo
from tests.dbfixtures import db, db_target, open_db  # noqa: F401

D = dt.date
AS_OF = D(2025, 12, 10)


def _flag(code, child=None, day=None, staff=None, meeting=None):
    return SimpleNamespace(
        code=code,
        severity=FLAG_TYPES[code][0],
        reason=f"{code} of {child or staff}",
        child_id=child,
        meeting_id=meeting,
        staff_id=staff,
        date=day,
    )


def test_every_tile_counts_flags_by_their_codes() -> None:
    assert all(code in FLAG_TYPES for tile in TILES for code in tile.codes)
    assert len({tile.key for tile in TILES}) == len(TILES)


#: Flags about what is past (something done late) or only for information: the measures and
#: `reviewdesk flags` show them; the dashboard is for what to act on.
HISTORY = {
    "report_late",
    "decisions_late",
    "minutes_late",
    "iro_service_notified_late",
    "iro_allocated_late",
    "caseload_below_min",
    "cp_repeat_plan",
}


def test_every_flag_to_act_on_has_a_tile() -> None:
    """The dashboard used to leave out flags `reviewdesk flags` reports (double bookings,
    long plans, caseloads above range, an IRO not allocated)."""
    on_tiles = set().union(*(tile.codes for tile in TILES))
    assert set(FLAG_TYPES) - HISTORY <= on_tiles
    assert not HISTORY & on_tiles


def test_a_tile_is_as_serious_as_the_worst_flag_behind_it() -> None:
    as_of = D(2024, 4, 10)
    counts = tile_counts(
        [
            _flag("report_late", 1, as_of),
            _flag("report_not_shared", 2, as_of),
            _flag("overdue", 3, D(2024, 3, 29)),  # last month: overdue, not "this month"
            _flag("booked_after_due", 4, D(2024, 4, 30)),
            _flag("caseload_above_max", day=as_of, staff=7),
            _flag("caseload_below_min", day=as_of, staff=8),
        ],
        as_of,
    )
    # A report that came late is history: only those still to chase count.
    assert (counts["late_reports"].ids, counts["late_reports"].severity) == ({2}, "amber")
    assert counts["late_reports"].reasons == {2: ("report_not_shared of 2",)}
    assert counts["overdue"].ids == {3} and counts["overdue"].severity == "red"
    assert counts["out_of_timescale_month"].ids == {4}
    assert counts["caseloads_above"].ids == {7}  # staff, and only those above the range
    assert counts["minutes_overdue"].count == 0 and counts["minutes_overdue"].severity is None
    more = tile_counts([_flag("report_overdue", 5, as_of), _flag("report_late", 1, as_of)], as_of)
    assert more["late_reports"].severity == "red"


def test_late_reports_are_the_ones_to_chase_for_meetings_still_to_come() -> None:
    """"Late reports 499" was more than half the open children: mostly history. The tile
    counts reports to chase for meetings still to take place, and says which."""
    as_of = D(2024, 4, 10)
    flags = [
        _flag("report_overdue", 1, as_of, meeting=10),  # the meeting is next week
        _flag("report_overdue", 2, as_of, meeting=20),  # held last week: history
        _flag("report_late", 3, as_of, meeting=30),  # came in late: nothing to chase
    ]
    counts = tile_counts(flags, as_of, upcoming={10, 30})
    assert counts["late_reports"].ids == {1}
    assert counts["late_reports"].reasons[1] == ("report_overdue of 1",)


@pytest.fixture
def demo(db):  # noqa: F811
    generate_demo(db, children=200, seed=3, as_of=AS_OF)
    return db


def test_the_dashboard_shows_what_the_flags_report(demo) -> None:
    with demo.session() as s:
        flags = compute_flags(s, as_of=AS_OF)
        snap = snapshot(s, as_of=AS_OF)
        figures = timeliness(s, as_of=AS_OF)
        measures = compute_measures(s, start=D(2024, 12, 1), end=AS_OF)
    month = (AS_OF.year, AS_OF.month)
    with demo.session() as s:
        upcoming = {
            m.id
            for m in s.scalars(select(Meeting))
            if is_upcoming(m.status, m.held_date, AS_OF)
        }
    for tile in TILES:
        expected = {
            (f.staff_id if tile.counts == STAFF else f.child_id)
            for f in flags
            if f.code in tile.codes
            and (not tile.this_month or (f.date and (f.date.year, f.date.month) == month))
            and (not tile.upcoming_only or f.meeting_id in upcoming)
        } - {None}
        assert snap.tiles[tile.key].ids == expected, tile.key
    assert any(snap.tiles[t.key].count for t in TILES)
    # The chart's figures add up the measures' LAC and CP rows, month by month.
    lac = measures.row("lac_reviews_in_timescale")
    cp = measures.row("cp_conferences_in_timescale")
    assert [f.count for f in figures.figures] == [
        (a.denominator or 0) + (b.denominator or 0)
        for a, b in zip(lac.cells, cp.cells, strict=True)
    ]
