"""The dashboard's figures (`reviewdesk.dashboard`): one table from flags to tiles, tiles
coloured by the flags' own severities, and the same answers as `compute_flags`."""

from __future__ import annotations

import datetime as dt
import pickle
from dataclasses import replace
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from reviewdesk import actions
from reviewdesk.actions import CASE_KINDS, Changes
from reviewdesk.caseload import assignments
from reviewdesk.casework.register import Register
from reviewdesk.dashboard import (
    STAFF,
    TILE_BY_KEY,
    TILES,
    Snapshot,
    dashboard_figures,
    explanation,
    snapshot,
    tile_counts,
    timeliness,
    update_snapshot,
)
from reviewdesk.flags import ACROSS_CHILDREN_CODES, FLAG_TYPES, SEVERITY_ORDER, compute_flags
from reviewdesk.measures import compute_measures
from reviewdesk.oversight.figures import oversight_summary, quarter_figures
from reviewdesk.scheduling import Booking
from reviewdesk.storage.models import Meeting, PeriodOfCare
from reviewdesk.vocabulary import is_ahead
from tests.actions.shortcuts import cancel, generate_demo, meeting_version, record
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


def test_every_tile_explains_what_it_counts_with_the_settings_filled_in() -> None:
    """Every tile's tooltip says what it counts (only the late tile's did); the settings it
    names are the council's, as they stand."""
    from reviewdesk.settings import DEFAULTS

    words = {tile.key: explanation(tile, DEFAULTS) for tile in TILES}
    assert all(words.values()) and len(set(words.values())) == len(TILES)
    assert not any("{" in w or "}" in w for w in words.values())
    assert "within 10 working days" in words["due_soon_unbooked"]
    fewer = explanation(TILE_BY_KEY["caseloads_above"], {**DEFAULTS, "caseload_max_per_fte": 65})
    assert "more than 65 children per full-time IRO" in fewer
    # The minutes tile's "three months" is the flags' look-back for meetings held.
    from reviewdesk.flags.base import HELD_LOOKBACK_DAYS

    assert "in the last three months" in words["minutes_overdue"]
    assert 89 <= HELD_LOOKBACK_DAYS <= 92


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
    """ "Late reports 499" was more than half the open children: mostly history. The tile
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


@pytest.mark.parametrize("as_of", [AS_OF, D(2026, 1, 14)])
def test_the_dashboard_shows_what_the_flags_report(demo, as_of) -> None:
    """Every tile holds the children the flags give it, on the demo's own day and five weeks
    on, when the meetings booked meanwhile have not been recorded."""
    with demo.session() as s:
        flags = compute_flags(s, as_of=as_of)
        snap = snapshot(s, as_of=as_of)
        figures = timeliness(s, as_of=as_of)
        measures = compute_measures(s, start=D(as_of.year - 1, as_of.month, 1), end=as_of)
    month = (as_of.year, as_of.month)
    with demo.session() as s:
        upcoming = {
            m.id
            for m in s.scalars(select(Meeting))
            if is_ahead(m.status, m.held_date, m.booked_date, as_of)
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
    unrecorded = {f.meeting_id for f in flags if f.code == "outcome_not_recorded"}
    # The demo records every meeting up to its day; five weeks on, December's are not.
    assert bool(unrecorded) == (as_of > AS_OF)
    assert not unrecorded & upcoming
    # The chart's figures add up the measures' LAC and CP rows, month by month.
    lac = measures.row("lac_reviews_in_timescale")
    cp = measures.row("cp_conferences_in_timescale")
    assert [f.count for f in figures.figures] == [
        (a.denominator or 0) + (b.denominator or 0)
        for a, b in zip(lac.cells, cp.cells, strict=True)
    ]


def test_an_iros_own_tiles_are_the_flags_of_the_cases_they_hold(demo) -> None:
    """An IRO's "My cases only": each tile holds the children the flags give it among the open
    cases the IRO holds (read apart, as the Workload page counts them), and a staff tile only
    the IRO; the snapshot kept after an edit narrows the same way."""
    with demo.session() as s:
        flags = compute_flags(s, as_of=AS_OF)
        snap = snapshot(s, as_of=AS_OF)
        held = assignments(s, as_of=AS_OF)
    busiest = sorted(held, key=lambda staff: -len(held[staff]))[:3]
    for staff in busiest:
        mine = snap.tiles_held_by(staff)
        for tile in TILES:
            everyone = snap.tiles[tile.key].ids
            if tile.counts == STAFF:
                assert mine[tile.key].ids == everyone & {staff}, tile.key
            else:
                assert mine[tile.key].ids == everyone & held[staff].keys(), tile.key
                kept = {c: snap.tiles[tile.key].reasons[c] for c in mine[tile.key].ids}
                assert mine[tile.key].reasons == kept
        assert any(mine[t.key].count for t in TILES)
        assert sum(mine[t.key].count for t in TILES) < sum(snap.tiles[t.key].count for t in TILES)
        # Severity is the worst among the IRO's own.
        for tile in TILES:
            worst = {
                f.severity
                for f in flags
                if f.code in tile.codes and f.child_id in mine[tile.key].ids
            }
            plain = tile.counts != STAFF and not tile.this_month and not tile.upcoming_only
            if mine[tile.key].ids and plain:
                assert mine[tile.key].severity == min(worst, key=SEVERITY_ORDER.__getitem__)
    # No assignments known (a snapshot sent without them): every tile, as it is.
    assert replace(snap, assigned=None).tiles_held_by(busiest[0]) == snap.tiles


@pytest.mark.parametrize("as_of", [AS_OF, D(2025, 10, 1), D(2025, 9, 30), D(2025, 7, 15)])
def test_the_chart_and_the_quarter_from_one_reading_are_those_read_apart(demo, as_of) -> None:
    """The dashboard reads the register once for its chart and the quarter's figures: the
    same figures as each worked out from its own reading (first, middle and last days of a
    quarter)."""
    with demo.session() as s:
        shared = dashboard_figures(s, as_of=as_of)
    with demo.session() as s:
        apart = timeliness(s, as_of=as_of)
    with demo.session() as s:
        quarter = quarter_figures(s, as_of=as_of)
    assert shared.timeliness == apart
    assert shared.quarter == quarter
    assert sum(f.count for f in apart.figures) > 0
    assert quarter.midway.counted  # worked out from the register read


def test_the_quarter_refuses_a_register_of_another_day(demo) -> None:
    with demo.session() as s:
        other = Register(s, as_of=AS_OF - dt.timedelta(days=1), window_from=D(2025, 1, 1))
        with pytest.raises(ValueError, match="as of"):
            oversight_summary(s, start=D(2025, 10, 1), end=AS_OF, register=other)


@pytest.mark.parametrize("broken", ["timeliness", "quarter_figures"])
def test_one_part_failing_leaves_the_other(demo, monkeypatch, broken) -> None:
    """If the chart's or the quarter's figures cannot be worked out, the other still comes
    back (the same as on its own), and the failure's traceback with it for the error log."""
    import reviewdesk.dashboard as dashboard

    with demo.session() as s:
        whole = dashboard_figures(s, as_of=AS_OF)

    def fails(*_args, **_kwargs):
        raise ZeroDivisionError("a bug in one part")

    monkeypatch.setattr(dashboard, broken, fails)
    with demo.session() as s:
        figures = dashboard_figures(s, as_of=AS_OF)
    assert len(figures.failures) == 1
    assert "ZeroDivisionError: a bug in one part" in figures.failures[0]
    if broken == "timeliness":
        assert (figures.timeliness, figures.quarter) == (None, whole.quarter)
    else:
        assert (figures.timeliness, figures.quarter) == (whole.timeliness, None)
    assert whole.failures == ()


# --- after an edit: only the children it changed worked out again ---------------------------


def _assert_update_agrees(database, before, changes) -> Snapshot:
    """The snapshot updated from ``changes`` equals the snapshot read afresh."""
    assert not changes.everything and changes.kinds - {"audit_log"} <= CASE_KINDS
    with database.session() as s:
        updated = update_snapshot(s, before, changes.children)
        fresh = snapshot(s, as_of=before.as_of)
    assert updated.next_dues == fresh.next_dues
    assert updated.tiles == fresh.tiles
    assert updated == fresh
    return updated


def _future_booked(database) -> list[Meeting]:
    with database.session() as s:
        return list(
            s.scalars(
                select(Meeting)
                .where(
                    Meeting.status == "booked",
                    Meeting.booked_date > AS_OF,
                    Meeting.booked_time.is_not(None),
                    Meeting.chair_id.is_not(None),
                )
                .order_by(Meeting.id)
            )
        )


def test_the_tiles_across_children_are_kept_to_the_general_path() -> None:
    """A double booking pairs two children, a caseload counts many: these tiles are the
    families `update_snapshot` brings up to date apart, and no tile mixes them with a
    child's own flags."""
    across = {tile.key for tile in TILES if tile.codes & ACROSS_CHILDREN_CODES}
    assert across == {"double_booked", "caseloads_above"}
    assert all(TILE_BY_KEY[key].codes <= ACROSS_CHILDREN_CODES for key in across)


def _reschedule(database, meeting_id: int, booking: Booking) -> Changes:
    return actions.reschedule_meeting(
        database,
        actions.whoami(database),
        meeting_id,
        booking,
        "test",
        expected_version=meeting_version(database, meeting_id),
    )


@pytest.mark.parametrize("assigned", ["sent", "read again"])
def test_an_edit_updates_the_snapshot_as_a_fresh_reading_would(demo, assigned) -> None:
    with demo.session() as s:
        # As the window has it: sent from the worker process, the assignments with it (or
        # without them, read again at the first edit).
        fresh = snapshot(s, as_of=AS_OF)
    before = pickle.loads(pickle.dumps(fresh))
    assert before.assigned == fresh.assigned and before.assigned
    if assigned == "read again":
        before = replace(before, assigned=None)
    booked = _future_booked(demo)
    first, other = booked[0], next(m for m in booked[1:] if m.child_id != booked[0].child_id)
    clash = Booking(
        day=first.booked_date,
        start=first.booked_time,
        minutes=first.duration_minutes or 90,
        chair_id=first.chair_id,
        room_id=first.room_id,
        meeting_id=other.id,
    )
    # Moved onto another child's chair and time: both children double-booked.
    changes = _reschedule(demo, other.id, clash)
    after = _assert_update_agrees(demo, before, changes)
    assert {first.child_id, other.child_id} <= after.tiles["double_booked"].ids
    # Moved away again: the other child, whom the edit did not touch, is free.
    away = replace(clash, day=clash.day + dt.timedelta(days=1), start=dt.time(7, 0))
    changes = _reschedule(demo, other.id, away)
    after = _assert_update_agrees(demo, after, changes)
    assert first.child_id not in changes.children
    double = after.tiles["double_booked"].ids
    assert (first.child_id in double) == (first.child_id in before.tiles["double_booked"].ids)
    # A new meeting booked on the same clash, then cancelled.
    me = actions.whoami(demo)
    changes = actions.book_meeting(
        demo, me, other.child_id, other.meeting_type, replace(clash, meeting_id=None)
    )
    after = _assert_update_agrees(demo, after, changes)
    after = _assert_update_agrees(demo, after, cancel(demo, changes.result, "test"))
    # Booked for two days ago, then its outcome recorded.
    past = replace(clash, day=AS_OF - dt.timedelta(days=2), meeting_id=None)
    changes = actions.book_meeting(demo, me, other.child_id, other.meeting_type, past)
    after = _assert_update_agrees(demo, after, changes)
    outcome = actions.Outcome(parts=[past.day], participation="PN1")
    after = _assert_update_agrees(demo, after, record(demo, changes.result, outcome, as_of=AS_OF))


def test_a_change_of_iro_or_an_ended_case_updates_the_caseloads(demo) -> None:
    """Written past the door (no action allocates an IRO or ends a case yet): the caseloads,
    the tile of IROs above the range, the flags and the next dues follow the children named
    as changed."""
    kinds = frozenset({"period_of_care"})
    with demo.session() as s:
        before = snapshot(s, as_of=AS_OF)
        flagged = {c for who in before.own.values() for c in who}
        ended = s.scalars(
            select(PeriodOfCare)
            .where(PeriodOfCare.end_date.is_(None), PeriodOfCare.child_id.in_(flagged))
            .order_by(PeriodOfCare.id)
        ).first()
        ended.end_date = AS_OF - dt.timedelta(days=3)
        s.commit()
        gone = ended.child_id
    after = _assert_update_agrees(demo, before, Changes(kinds, frozenset({gone})))
    assert any(gone in who for who in before.own.values())  # flagged before it ended

    with demo.session() as s:
        loads = {staff: len(kids) for staff, kids in after.assigned.items()}
        busiest, quietest = max(loads, key=loads.get), min(loads, key=loads.get)
        moved = sorted(after.assigned[quietest])[:40]
        periods = s.scalars(
            select(PeriodOfCare).where(
                PeriodOfCare.child_id.in_(moved), PeriodOfCare.iro_id == quietest
            )
        ).all()
        for p in periods:
            p.iro_id = busiest
        s.commit()
        children = frozenset(p.child_id for p in periods)
    final = _assert_update_agrees(demo, after, Changes(kinds, children))
    assert final.assigned[busiest] != after.assigned[busiest]
