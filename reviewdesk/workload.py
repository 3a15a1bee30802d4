"""Workload: per IRO (caseload against the range per FTE, meetings ahead, write-ups awaited)
and per team and team manager (the week's meetings, what is overdue, late reports).

    iro_caseloads(session, *, as_of) -> dict[staff_id, Caseload]
    iro_workload(session, *, as_of, weeks=8) -> list[IroWorkload]
    team_workload(session, *, as_of) -> list[TeamWorkload]

An IRO's caseload is the children in open periods of care they are the IRO for, plus the
children on open CP plans they chair (a child counted once). The range per FTE comes from the
settings ``caseload_min_per_fte`` and ``caseload_max_per_fte`` (IRO Handbook: 50-70).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from sqlalchemy import func, or_, select, union
from sqlalchemy.orm import Session

from reviewdesk.casework.predicates import period_open, plan_open
from reviewdesk.casework.register import Register
from reviewdesk.codes import MeetingStatus, StaffRole
from reviewdesk.settings import get_setting
from reviewdesk.storage.models import Child, CpPlan, Meeting, PeriodOfCare, Staff, Team
from reviewdesk.vocabulary import LIVE_STATUSES, open_on, week_start

#: Staff who chair meetings and carry a caseload.
CHAIR_ROLES = (StaffRole.IRO.value, StaffRole.CP_CHAIR.value)
#: Held meetings older than this are not counted as still awaiting decisions or minutes.
AWAITING_LOOKBACK_DAYS = 365


@dataclass(frozen=True)
class Caseload:
    staff_id: int
    name: str
    role: str
    fte: float
    lac_children: int
    cp_children: int
    children: int  # distinct children (a child both looked after and on a plan counts once)
    per_fte: float | None  # None when FTE is 0
    band: str | None  # "below", "within" or "above" the range; None when FTE is 0


@dataclass(frozen=True)
class IroWorkload:
    caseload: Caseload
    #: (Monday of the week, meetings chaired that week), for each week from the as-of week.
    meetings_per_week: tuple[tuple[dt.date, int], ...]
    awaiting_decisions: int  # held, no decisions issued yet
    awaiting_minutes: int  # held, minutes not yet distributed


@dataclass(frozen=True)
class TeamWorkload:
    team_id: int | None  # None for children with no team
    team_name: str
    manager_id: int | None
    manager_name: str
    meetings_this_week: tuple[int, ...]  # meeting ids, Monday to Sunday of the as-of week
    overdue: tuple[int, ...]  # children whose next meeting is overdue
    late_reports: int  # reports overdue or received late (live meetings)


def _open_periods(as_of: dt.date):
    return select(PeriodOfCare.iro_id.label("staff_id"), PeriodOfCare.child_id).where(
        PeriodOfCare.iro_id.is_not(None), period_open(as_of)
    )


def _open_plans(as_of: dt.date):
    return select(CpPlan.chair_id.label("staff_id"), CpPlan.child_id).where(
        CpPlan.chair_id.is_not(None), plan_open(as_of)
    )


def _counts(session: Session, stmt) -> dict[int, int]:
    sub = stmt.subquery()
    query = select(sub.c.staff_id, func.count(func.distinct(sub.c.child_id))).group_by(
        sub.c.staff_id
    )
    return dict(session.execute(query).all())


def _counts_from_data(data: Register) -> tuple[dict, dict, dict]:
    """Caseload counts from case data already read for every open case."""
    as_of = data.as_of
    lac: dict[int, set[int]] = defaultdict(set)
    cp: dict[int, set[int]] = defaultdict(set)
    for p in data.periods:
        if p.iro_id is not None and open_on(p.start, p.end_date, as_of):
            lac[p.iro_id].add(p.child_id)
    for p in data.plans:
        if p.chair_id is not None and open_on(p.start, p.end_date, as_of):
            cp[p.chair_id].add(p.child_id)
    both = {k: len(lac.get(k, set()) | cp.get(k, set())) for k in set(lac) | set(cp)}
    return {k: len(v) for k, v in lac.items()}, {k: len(v) for k, v in cp.items()}, both


def iro_caseloads(
    session: Session, *, as_of: dt.date, data: Register | None = None
) -> dict[int, Caseload]:
    """Every active IRO's or chair's caseload as of a date, by staff id.

    ``data``: case data already read for all open cases on ``as_of`` (`load_case_data` with
    ``open_only=True`` and no ``child_ids``), to count from instead of asking the database.
    """
    low = float(get_setting(session, "caseload_min_per_fte"))
    high = float(get_setting(session, "caseload_max_per_fte"))
    if data is not None and data.includes_every_open_case and data.as_of == as_of:
        lac, cp, both = _counts_from_data(data)
    else:
        lac = _counts(session, _open_periods(as_of))
        cp = _counts(session, _open_plans(as_of))
        both = _counts(session, union(_open_periods(as_of), _open_plans(as_of)))
    staff = session.execute(
        select(Staff.id, Staff.name, Staff.role, Staff.fte)
        .where(Staff.role.in_(CHAIR_ROLES), Staff.active.is_(True))
        .order_by(Staff.name)
    ).all()
    out: dict[int, Caseload] = {}
    for s in staff:
        children = both.get(s.id, 0)
        fte = float(s.fte or 0)
        per_fte = children / fte if fte > 0 else None
        band = None
        if per_fte is not None:
            band = "above" if per_fte > high else "below" if per_fte < low else "within"
        out[s.id] = Caseload(
            s.id, s.name, s.role, fte, lac.get(s.id, 0), cp.get(s.id, 0), children, per_fte, band
        )
    return out


def iro_workload(session: Session, *, as_of: dt.date, weeks: int = 8) -> list[IroWorkload]:
    """Per IRO: caseload, meetings chaired in each of the next ``weeks`` weeks (from the
    Monday of the as-of week), and meetings held in the past year still awaiting write-ups."""
    caseloads = iro_caseloads(session, as_of=as_of)
    first = week_start(as_of)
    last = first + dt.timedelta(weeks=weeks)
    per_week: dict[int, Counter] = defaultdict(Counter)
    rows = session.execute(
        select(Meeting.chair_id, Meeting.booked_date).where(
            Meeting.chair_id.is_not(None),
            Meeting.status.in_(sorted(LIVE_STATUSES)),
            Meeting.booked_date >= first,
            Meeting.booked_date < last,
        )
    )
    for chair_id, day in rows:
        per_week[chair_id][week_start(day)] += 1
    since = as_of - dt.timedelta(days=AWAITING_LOOKBACK_DAYS)
    held = (
        Meeting.chair_id.is_not(None),
        Meeting.status == MeetingStatus.HELD.value,
        Meeting.held_date <= as_of,
        Meeting.held_date >= since,
    )
    awaiting_decisions = dict(
        session.execute(
            select(Meeting.chair_id, func.count())
            .where(*held, or_(Meeting.decisions_issued.is_(None), Meeting.decisions_issued > as_of))
            .group_by(Meeting.chair_id)
        ).all()
    )
    awaiting_minutes = dict(
        session.execute(
            select(Meeting.chair_id, func.count())
            .where(
                *held,
                or_(Meeting.minutes_distributed.is_(None), Meeting.minutes_distributed > as_of),
            )
            .group_by(Meeting.chair_id)
        ).all()
    )
    mondays = [first + dt.timedelta(weeks=i) for i in range(weeks)]
    return [
        IroWorkload(
            c,
            tuple((monday, per_week[c.staff_id][monday]) for monday in mondays),
            awaiting_decisions.get(c.staff_id, 0),
            awaiting_minutes.get(c.staff_id, 0),
        )
        for c in caseloads.values()
    ]


def team_workload(session: Session, *, as_of: dt.date) -> list[TeamWorkload]:
    """Per team: this week's meetings, children overdue a meeting, and late reports."""
    from reviewdesk.flags import flags_from_register  # flags use caseloads: import here

    monday = week_start(as_of)
    team_of = dict(session.execute(select(Child.id, Child.team_id)).all())
    teams = session.execute(
        select(Team.id, Team.name, Team.manager_id, Staff.name.label("manager_name"))
        .outerjoin(Staff, Staff.id == Team.manager_id)
        .order_by(Team.name)
    ).all()
    week: dict[int | None, list[int]] = defaultdict(list)
    for meeting_id, child_id in session.execute(
        select(Meeting.id, Meeting.child_id)
        .where(
            Meeting.status.in_(sorted(LIVE_STATUSES)),
            Meeting.booked_date >= monday,
            Meeting.booked_date < monday + dt.timedelta(days=7),
        )
        .order_by(Meeting.booked_date, Meeting.booked_time, Meeting.id)
    ):
        week[team_of.get(child_id)].append(meeting_id)

    data = Register(session, as_of=as_of, open_only=True)
    overdue: dict[int | None, set[int]] = defaultdict(set)
    late_reports: Counter = Counter()
    for flag in flags_from_register(data):
        team = team_of.get(flag.child_id)
        if flag.code == "overdue":
            overdue[team].add(flag.child_id)
        elif flag.code in ("report_overdue", "report_late"):
            late_reports[team] += 1

    out = [
        TeamWorkload(
            t.id,
            t.name,
            t.manager_id,
            t.manager_name or "",
            tuple(week.get(t.id, ())),
            tuple(sorted(overdue.get(t.id, ()))),
            late_reports.get(t.id, 0),
        )
        for t in teams
    ]
    if week.get(None) or overdue.get(None) or late_reports.get(None):
        out.append(
            TeamWorkload(
                None,
                "No team",
                None,
                "",
                tuple(week.get(None, ())),
                tuple(sorted(overdue.get(None, ()))),
                late_reports.get(None, 0),
            )
        )
    return out
