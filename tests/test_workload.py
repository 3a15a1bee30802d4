"""Workload per IRO and per team, counted by hand on a small register."""

from __future__ import annotations

import datetime as dt

import pytest

from reviewdesk.caseload import caseloads
from reviewdesk.dashboard import snapshot
from reviewdesk.storage.models import Meeting
from reviewdesk.vocabulary import is_ahead
from reviewdesk.workload import iro_workload, team_workload

D = dt.date
AS_OF = D(2024, 4, 17)  # a Wednesday; the week starts Mon 15/04/2024


def test_iro_caseload_counts_each_child_once(db, reg):
    iro = reg.staff("Iris", fte=0.5)
    other = reg.staff("Olu", fte=1.0)
    reg.staff("Social Worker", role="social_worker")
    a, b, c, d = (reg.child() for _ in range(4))
    reg.period(a, D(2024, 1, 1), iro_id=iro)
    reg.plan(a, D(2024, 2, 1), chair_id=iro)  # looked after and on a plan: counted once
    reg.plan(b, D(2024, 2, 1), chair_id=iro)
    reg.period(c, D(2023, 1, 1), end=D(2024, 1, 1), iro_id=iro)  # closed: not counted
    reg.period(d, D(2024, 1, 1), iro_id=other)
    with db.session() as s:
        loads = caseloads(s, as_of=AS_OF)
    assert set(loads) == {iro, other}
    mine = loads[iro]
    assert (mine.lac_children, mine.cp_children, mine.children) == (1, 2, 2)
    assert mine.child_ids == {a, b} and mine.cases[a] == {"lac", "cp"}
    assert mine.per_fte == 4.0 and mine.band == "below"


def test_caseload_bands_follow_settings(db, reg):
    reg.setting("caseload_min_per_fte", 1)
    reg.setting("caseload_max_per_fte", 2)
    iro = reg.staff(fte=1.0)
    for _ in range(3):
        reg.period(reg.child(), D(2024, 1, 1), iro_id=iro)
    idle = reg.staff("Idle", fte=0.0)
    with db.session() as s:
        loads = caseloads(s, as_of=AS_OF)
    assert loads[iro].band == "above"
    assert loads[idle].per_fte is None and loads[idle].band is None


def test_iro_meetings_per_week_and_write_ups_awaited(db, reg):
    iro = reg.staff()
    child = reg.child()
    reg.period(child, D(2023, 1, 2), iro_id=iro)
    reg.meeting(child, booked=D(2024, 4, 16), chair_id=iro)  # this week
    reg.meeting(child, booked=D(2024, 4, 19), chair_id=iro)  # this week
    reg.meeting(child, booked=D(2024, 4, 24), chair_id=iro)  # next week
    reg.meeting(child, booked=D(2024, 4, 25), chair_id=iro, status="cancelled")
    reg.meeting(child, booked=D(2024, 6, 10), chair_id=iro)  # week 9: outside 8 weeks
    reg.meeting(child, held=D(2024, 4, 2), chair_id=iro, decisions_issued=D(2024, 4, 3))
    reg.meeting(child, held=D(2024, 3, 1), chair_id=iro)  # nothing issued yet
    with db.session() as s:
        [work] = iro_workload(s, as_of=AS_OF)
    weeks = dict(work.meetings_per_week)
    assert len(weeks) == 8 and min(weeks) == D(2024, 4, 15)
    assert weeks[D(2024, 4, 15)] == 2 and weeks[D(2024, 4, 22)] == 1
    assert sum(weeks.values()) == 3
    assert work.awaiting_decisions == 1 and work.awaiting_minutes == 2


def test_team_workload(db, reg):
    manager = reg.staff("Mo Manager", role="team_manager")
    north = reg.team("North", manager_id=manager)
    south = reg.team("South")
    a = reg.child(team_id=north)
    reg.period(a, D(2024, 1, 8))  # 1st review due 05/02/2024: overdue
    b = reg.child(team_id=north)
    reg.period(b, D(2024, 3, 25))  # due 24/04/2024
    m = reg.meeting(b, booked=D(2024, 4, 18))
    reg.report(m, rule_id="lac.review.reports")  # due Mon 15/04: overdue on 17/04
    c = reg.child(team_id=south)
    reg.period(c, D(2024, 3, 25))
    reg.team("Independent Reviewing Unit")  # the IROs' own: no child is in it
    with db.session() as s:
        teams = {t.team_name: t for t in team_workload(s, as_of=AS_OF)}
    assert sorted(teams) == ["North", "South"]  # South, with nothing this week, still shown
    assert teams["North"].manager_name == "Mo Manager"
    assert teams["North"].meetings_this_week == (m,)
    assert teams["North"].overdue == (a,)
    assert teams["North"].late_reports == 1
    assert teams["South"].meetings_this_week == () and teams["South"].overdue == ()


@pytest.mark.parametrize("as_of", [D(2025, 12, 10), D(2026, 1, 14)])
def test_team_workload_counts_every_overdue_child_and_late_report(db, as_of) -> None:
    """The teams' figures, worked out from the flags they count, are those counted from
    every flag (`compute_flags`) on a demo authority; their late reports are those behind
    the dashboard's "Late reports" tile, counted as reports (the Workload page said "149
    late reports" where the tile had 7 children: it counted every report ever received
    late), on the demo's day and five weeks on, its December never recorded."""
    from collections import Counter

    from reviewdesk.flags import compute_flags
    from reviewdesk.storage.models import Child
    from tests.actions.shortcuts import generate_demo

    generate_demo(db, children=150, seed=11, as_of=D(2025, 12, 10))
    with db.session() as s:
        teams = {t.team_id: t for t in team_workload(s, as_of=as_of)}
        flags = compute_flags(s, as_of=as_of)
        team_of = {c.id: c.team_id for c in s.query(Child)}
        tile = snapshot(s, as_of=as_of).tiles["late_reports"]
        ahead = {
            m.id for m in s.query(Meeting) if is_ahead(m.status, m.held_date, m.booked_date, as_of)
        }
    overdue: dict[int | None, set[int]] = {}
    late: Counter = Counter()
    chased: set[int] = set()
    for f in flags:
        if f.code == "overdue":
            overdue.setdefault(team_of[f.child_id], set()).add(f.child_id)
        elif f.code in ("report_overdue", "report_not_shared") and f.meeting_id in ahead:
            late[team_of[f.child_id]] += 1
            chased.add(f.child_id)
    assert overdue and late, "the demo should have overdue children and late reports"
    assert chased == tile.ids
    for team_id, team in teams.items():
        assert set(team.overdue) == overdue.get(team_id, set())
        assert team.late_reports == late[team_id]
    assert set(overdue) | set(late) <= set(teams)


def test_a_weeks_meetings_are_the_diarys(db, reg):
    """A meeting counts in the week of the day the diary (and the weekly schedule, and the
    dashboard's week) shows it on: held on a day other than the one booked, the day it was
    held. The Workload page counted it in the week it had been booked for, so a chair's and a
    team's week disagreed with the diary's."""
    from reviewdesk import queries

    iro = reg.staff()
    team = reg.team("North")
    child = reg.child(team_id=team)
    reg.period(child, D(2023, 1, 2), iro_id=iro)
    # Booked for Fri 12/04 (last week), held on Tue 16/04 (this week).
    moved = reg.meeting(child, booked=D(2024, 4, 12), held=D(2024, 4, 16), chair_id=iro)
    # Booked for Fri 19/04 (this week), held in two parts, the last on Mon 22/04 (next week).
    parts = reg.meeting(child, booked=D(2024, 4, 19), held=D(2024, 4, 22), chair_id=iro)
    with db.session() as s:
        [work] = iro_workload(s, as_of=D(2024, 4, 23), weeks=2)
        [north] = team_workload(s, as_of=AS_OF)
        this_week = queries.diary_entries(s, D(2024, 4, 15), D(2024, 4, 21))
        next_week = queries.diary_entries(s, D(2024, 4, 22), D(2024, 4, 28))
    assert [e.meeting_id for e in this_week] == [moved]
    assert [e.meeting_id for e in next_week] == [parts]
    assert north.meetings_this_week == (moved,)
    assert dict(work.meetings_per_week) == {D(2024, 4, 22): 1, D(2024, 4, 29): 0}
    with db.session() as s:
        [work] = iro_workload(s, as_of=AS_OF, weeks=2)
    assert dict(work.meetings_per_week) == {D(2024, 4, 15): 1, D(2024, 4, 22): 1}
