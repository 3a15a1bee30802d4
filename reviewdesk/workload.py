"""Workload: per IRO (caseload, meetings ahead, write-ups awaited, open challenges) and per
team and team manager (the week's meetings, what is overdue, late reports).

    iro_workload(session, *, as_of, weeks=8) -> list[IroWorkload]
    team_workload(session, *, as_of) -> list[TeamWorkload]

Caseloads are `reviewdesk.caseload`'s (the one definition); what is overdue and which reports
are late come from the flags.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from reviewdesk.caseload import (
    Caseload,
    CaseloadCount,
    caseload_range,
    caseloads,
    unallocated_cases,
)
from reviewdesk.casework.register import Register
from reviewdesk.codes import MeetingStatus
from reviewdesk.flags import flags_from_register
from reviewdesk.flags.deadlines import TO_CHASE_CODES
from reviewdesk.oversight.records import open_escalations_by_raiser
from reviewdesk.queries import diary_entries
from reviewdesk.storage.db import Database
from reviewdesk.storage.models import Child, Meeting, Staff, Team
from reviewdesk.vocabulary import week_start

#: The flags a team's week counts: children overdue a meeting, and the reports to chase (as
#: the dashboard's "Children with late reports" tile counts them).
TEAM_FLAG_CODES = frozenset({"overdue"}) | TO_CHASE_CODES
#: The late reports that were not received by their deadline (the chase list's overdue).
REPORT_NOT_RECEIVED = "report_overdue"

#: Held meetings older than this are not counted as still awaiting decisions or minutes.
AWAITING_LOOKBACK_DAYS = 365
#: What an IRO's two write-up counts are called (the Workload page's columns, the workload
#: report): meetings they chaired, held in the last `AWAITING_LOOKBACK_DAYS`, whose decisions
#: are not yet issued (minutes not yet distributed), past their deadline or not. Not the
#: dashboard's "Minutes or decisions overdue", which counts the children past a deadline.
AWAITING_DECISIONS, AWAITING_MINUTES = "awaiting decisions", "awaiting minutes"
#: What each means, in full (the page's tips).
AWAITING_DECISIONS_MEANS = (
    "Meetings they chaired in the past year whose decisions are not yet issued, past the "
    "deadline or not (the dashboard counts the children past it)"
)
AWAITING_MINUTES_MEANS = (
    "Meetings they chaired in the past year whose minutes are not yet distributed, past the "
    "deadline or not (the dashboard counts the children past it)"
)


@dataclass(frozen=True)
class IroWorkload:
    #: The caseload, or only its numbers (`WorkloadSummary.counted`).
    caseload: Caseload | CaseloadCount
    #: (Monday of the week, meetings chaired that week), for each week from the as-of week.
    meetings_per_week: tuple[tuple[dt.date, int], ...]
    awaiting_decisions: int  # held, no decisions issued yet
    awaiting_minutes: int  # held, minutes not yet distributed
    #: Challenges they raised that are still open (`reviewdesk.oversight`).
    open_escalations: int = 0


@dataclass(frozen=True)
class TeamWorkload:
    team_id: int | None  # None for children with no team
    team_name: str
    manager_id: int | None
    manager_name: str
    meetings_this_week: tuple[int, ...]  # meeting ids, Monday to Sunday of the as-of week
    overdue: tuple[int, ...]  # children whose next meeting is overdue
    #: Reports to chase: overdue, or not shared with the parents, for meetings still ahead
    #: (the dashboard's "Children with late reports" tile's, counted as reports).
    late_reports: int
    #: Of them, those not received by their deadline (the rest were not shared with the
    #: parents in time): the ones the Reports to chase list has, "past the deadline".
    not_received: int = 0

    @property
    def not_shared(self) -> int:
        """Of the late reports, those received but not shared with the parents in time."""
        return self.late_reports - self.not_received

    @property
    def figures(self) -> tuple[int, int, int, int, int]:
        """The team's figures in `TEAM_HEADINGS`' order, as the Workload page gives them:
        meetings this week, children overdue, late reports to chase, and of those, not
        received by the deadline and not shared with the parents in time."""
        return (
            len(self.meetings_this_week),
            len(self.overdue),
            self.late_reports,
            self.not_received,
            self.not_shared,
        )


#: What each of `TeamWorkload.figures` is, for the printed workload list and the command line.
TEAM_HEADINGS = (
    "Meetings this week",
    "Children overdue a meeting",
    "Late reports to chase",
    "Not received by the deadline",
    "Not shared with the parents in time",
)
#: `TEAM_HEADINGS` short, for a table's columns (the Workload page's tips and the command
#: line's note below its table say them in full).
TEAM_SHORT_HEADINGS = ("Meetings", "Overdue", "Late reports", "Not received", "Not shared")


def teams_total(teams: Sequence[TeamWorkload]) -> tuple[int, ...]:
    """Every team's figures added up (`TeamWorkload.figures`): the "All teams" row of the
    Workload page and the printed workload list."""
    totals = [0] * len(TEAM_HEADINGS)
    for team in teams:
        totals = [t + v for t, v in zip(totals, team.figures, strict=True)]
    return tuple(totals)


#: Said where no social work team is set up (the Workload page, the PDF, the command line).
NO_TEAMS = "No social work teams are set up yet."


def no_teams_set_up(teams: Sequence[TeamWorkload]) -> bool:
    """Whether no social work team is set up: ``teams`` (`team_workload`'s) is empty, or
    holds only the children with no team ("No team", who may still have figures)."""
    return all(t.team_id is None for t in teams)


def iro_workload(session: Session, *, as_of: dt.date, weeks: int = 8) -> list[IroWorkload]:
    """Per IRO: caseload, meetings chaired in each of the next ``weeks`` weeks (from the
    Monday of the as-of week), and meetings held in the past year still awaiting write-ups."""
    loads = caseloads(session, as_of=as_of)
    first = week_start(as_of)
    last = first + dt.timedelta(weeks=weeks)
    per_week: dict[int, Counter] = defaultdict(Counter)
    # On the day the diary shows them (held, else booked): the weeks are the diary's.
    for e in diary_entries(session, first, last - dt.timedelta(days=1)):
        if e.chair_id is not None:
            per_week[e.chair_id][week_start(e.day)] += 1
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
    escalations = open_escalations_by_raiser(session, as_of=as_of)
    return [
        IroWorkload(
            c,
            tuple((monday, per_week[c.staff_id][monday]) for monday in mondays),
            awaiting_decisions.get(c.staff_id, 0),
            awaiting_minutes.get(c.staff_id, 0),
            escalations.get(c.staff_id, 0),
        )
        for c in loads.values()
    ]


def team_workload(session: Session, *, as_of: dt.date) -> list[TeamWorkload]:
    """Per social work team (a team children are in): this week's meetings, children
    overdue a meeting, and late reports to chase (reports, not children: those behind the
    dashboard's "Children with late reports" tile). A team only staff are in (the IRO
    service's own) is not one: it was listed among them with nothing in every column."""
    monday = week_start(as_of)
    team_of = dict(session.execute(select(Child.id, Child.team_id)).all())
    social_work_teams = set(team_of.values())
    teams = session.execute(
        select(Team.id, Team.name, Team.manager_id, Staff.name.label("manager_name"))
        .outerjoin(Staff, Staff.id == Team.manager_id)
        .order_by(Team.name)
    ).all()
    week: dict[int | None, list[int]] = defaultdict(list)
    # The week's meetings as the diary shows them (held, else booked, that week).
    for e in diary_entries(session, monday, monday + dt.timedelta(days=6)):
        week[e.team_id].append(e.meeting_id)

    data = Register(session, as_of=as_of, open_only=True)
    ahead = data.ahead_ids()
    overdue: dict[int | None, set[int]] = defaultdict(set)
    late_reports: Counter = Counter()
    not_received: Counter = Counter()
    for flag in flags_from_register(data, codes=TEAM_FLAG_CODES):
        team = team_of.get(flag.child_id)
        if flag.code == "overdue":
            overdue[team].add(flag.child_id)
        elif flag.code in TO_CHASE_CODES and flag.meeting_id in ahead:
            late_reports[team] += 1
            not_received[team] += flag.code == REPORT_NOT_RECEIVED

    out = [
        TeamWorkload(
            t.id,
            t.name,
            t.manager_id,
            t.manager_name or "",
            tuple(week.get(t.id, ())),
            tuple(sorted(overdue.get(t.id, ()))),
            late_reports.get(t.id, 0),
            not_received.get(t.id, 0),
        )
        for t in teams
        if t.id in social_work_teams
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
                not_received.get(None, 0),
            )
        )
    return out


@dataclass(frozen=True)
class WorkloadSummary:
    """What the Workload page shows, worked out in one go (on any thread or process)."""

    as_of: dt.date
    iros: tuple[IroWorkload, ...]
    teams: tuple[TeamWorkload, ...]
    #: Open periods of care and plans with no IRO or chair.
    unallocated: int
    #: (lowest, highest) children per full-time IRO.
    caseload_range: tuple[float, float]

    @property
    def children(self) -> int:
        """Children in someone's caseload (a child with two IROs, LAC and CP, counts twice)."""
        return sum(w.caseload.children for w in self.iros)

    @property
    def fte(self) -> float:
        return sum(w.caseload.fte for w in self.iros)

    def counted(self) -> WorkloadSummary:
        """The same with each caseload's numbers only (`Caseload.counted`): what the Workload
        page shows, a small fraction of the size to send from the worker process."""
        return replace(
            self,
            iros=tuple(
                replace(w, caseload=w.caseload.counted()) if isinstance(w.caseload, Caseload) else w
                for w in self.iros
            ),
        )


def workload_summary(session: Session, *, as_of: dt.date, weeks: int = 4) -> WorkloadSummary:
    """Every IRO's workload over ``weeks`` weeks, every team's week, and the open cases with
    no IRO or chair, as of ``as_of``."""
    return WorkloadSummary(
        as_of=as_of,
        iros=tuple(iro_workload(session, as_of=as_of, weeks=weeks)),
        teams=tuple(team_workload(session, as_of=as_of)),
        unallocated=unallocated_cases(session, as_of=as_of),
        caseload_range=caseload_range(session),
    )


def read_workload(db: Database, as_of: dt.date) -> WorkloadSummary:
    """`workload_summary` in a session of its own (the window runs it in its worker process)."""
    with db.session() as session:
        return workload_summary(session, as_of=as_of)


def read_workload_counts(db: Database, as_of: dt.date) -> WorkloadSummary:
    """`read_workload` with the caseloads' numbers only (`WorkloadSummary.counted`)."""
    return read_workload(db, as_of).counted()
