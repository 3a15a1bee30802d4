"""Reading what the documents print: children, their schedules and their meetings.

Documents take plain values; this module fills them from the database and the due-date engine.
The case statuses (each child's schedules and each meeting's due date) come from
`reviewdesk.casework` when it is present; the fallback here derives them from the models in
the same way, so the documents work on a branch without it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from reviewdesk.codes import INITIAL_CONFERENCES, MeetingStatus, MeetingType, Process
from reviewdesk.engine import (
    CpEpisodeInput,
    CpSchedule,
    DueDate,
    LacSchedule,
    NextMeeting,
    PeriodInput,
    cp_schedule,
    lac_schedule,
)
from reviewdesk.rules import RuleSet
from reviewdesk.settings import get_setting
from reviewdesk.storage.models import Child, CpPlan, Meeting, PeriodOfCare
from reviewdesk.workingdays import WorkingCalendar


def council_name(session: Session) -> str:
    return str(get_setting(session, "council_name"))


def week_start(day: dt.date) -> dt.date:
    """The Monday of the week holding ``day``."""
    return day - dt.timedelta(days=day.weekday())


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def meeting_title(meeting_type: str, sequence: int | None = None) -> str:
    """How a meeting is named on paper: 'LAC review (3rd)', 'Initial CP conference',
    '3rd review CP conference' (a subsequent review, numbered when the number is known)."""
    try:
        kind = MeetingType(meeting_type)
    except ValueError:
        return meeting_type
    if kind is MeetingType.LAC_REVIEW:
        return f"LAC review ({ordinal(sequence)})" if sequence else "LAC review"
    if kind is MeetingType.RCPC_SUBSEQUENT and sequence and sequence > 1:
        return f"{ordinal(sequence)} review CP conference"
    return f"{kind.label} CP conference"


def process_label(process: str) -> str:
    return "LAC" if process == Process.LAC.value else "CP"


# --- case statuses: schedules and each meeting's due date ----------------------------------


@dataclass(frozen=True)
class CaseView:
    """One child's position on the as-of date, as the documents need it."""

    child_id: int
    lac: LacSchedule | None
    cp: CpSchedule | None
    #: meeting id -> (the date it was due by, whether it was held in timescale; None if open)
    meeting_due: dict[int, tuple[DueDate | None, bool | None]]

    def next_due(self, process: str | None = None) -> NextMeeting | None:
        """The earliest next meeting due (of one process, or of either)."""
        options = []
        if process in (None, Process.LAC.value) and self.lac and self.lac.next_due:
            options.append(self.lac.next_due)
        if process in (None, Process.CP.value) and self.cp and self.cp.next_due:
            options.append(self.cp.next_due)
        return min(options, key=lambda m: m.due.date) if options else None


def _held(meeting: Meeting) -> bool:
    return meeting.status == MeetingStatus.HELD.value and meeting.held_date is not None


def _open(meeting: Meeting) -> bool:
    return meeting.status in (MeetingStatus.BOOKED.value, MeetingStatus.ADJOURNED.value)


def _period_inputs(child: Child) -> list[PeriodInput]:
    out = []
    for period in child.periods:
        status = period.episodes[0].legal_status if period.episodes else None
        out.append(PeriodInput(period.start, period.end_date, status))
    return out


def _cp_inputs(child: Child) -> list[CpEpisodeInput]:
    plans_by_enquiry = {p.enquiry_id: p for p in child.plans if p.enquiry_id is not None}
    used_plans: set[int] = set()
    episodes: list[tuple[dt.date, CpEpisodeInput]] = []

    def reviews(plan: CpPlan | None) -> tuple[dt.date, ...]:
        if plan is None:
            return ()
        return tuple(
            sorted(
                m.held_date
                for m in child.meetings
                if m.plan_id == plan.id
                and m.meeting_type not in INITIAL_CONFERENCES
                and m.process == Process.CP.value
                and _held(m)
            )
        )

    for enquiry in child.enquiries:
        plan = plans_by_enquiry.get(enquiry.id)
        if plan is not None:
            used_plans.add(plan.id)
        initial = [
            m
            for m in child.meetings
            if m.enquiry_id == enquiry.id and m.meeting_type in INITIAL_CONFERENCES and _held(m)
        ]
        last_initial = max(initial, key=lambda m: m.held_date) if initial else None
        unborn = child.expected_delivery is not None and (
            child.dob is None
            or (enquiry.strategy_date is not None and child.dob > enquiry.strategy_date)
        )
        episode = CpEpisodeInput(
            route=enquiry.route,
            strategy_date=enquiry.strategy_date,
            notified_date=enquiry.notified_date,
            prebirth=enquiry.route == "s47" and unborn,
            expected_delivery=child.expected_delivery,
            initial_held=last_initial.held_date if last_initial else None,
            initial_type=last_initial.meeting_type if last_initial else None,
            icpc_not_required=enquiry.icpc_not_required,
            closed=enquiry.closed_date,
            plan_start=plan.start if plan else None,
            plan_end=plan.end_date if plan else None,
            reviews_held=reviews(plan),
        )
        start = enquiry.strategy_date or enquiry.notified_date or (plan.start if plan else None)
        episodes.append((start or dt.date.min, episode))
    for plan in child.plans:
        if plan.id in used_plans:
            continue
        episodes.append(
            (
                plan.start,
                CpEpisodeInput(
                    plan_start=plan.start, plan_end=plan.end_date, reviews_held=reviews(plan)
                ),
            )
        )
    episodes.sort(key=lambda pair: pair[0])
    return [episode for _, episode in episodes]


def case_view(
    child: Child, *, as_of: dt.date, rules: RuleSet, calendar: WorkingCalendar
) -> CaseView:
    """Schedules for a child loaded with its periods, enquiries, plans and meetings."""
    lac: LacSchedule | None = None
    cp: CpSchedule | None = None
    due: dict[int, tuple[DueDate | None, bool | None]] = {}
    lac_meetings = [m for m in child.meetings if m.process == Process.LAC.value]
    cp_meetings = [m for m in child.meetings if m.process == Process.CP.value]
    if child.periods:
        held = [m.held_date for m in lac_meetings if _held(m)]
        lac = lac_schedule(_period_inputs(child), held, rules=rules, calendar=calendar, as_of=as_of)
        by_day = {r.held: r for r in lac.reviews}
        for m in lac_meetings:
            if _held(m) and m.held_date in by_day:
                outcome = by_day[m.held_date]
                due[m.id] = (outcome.due, outcome.in_timescale)
            elif _open(m) and lac.next_due is not None:
                due[m.id] = (lac.next_due.due, None)
    if child.enquiries or child.plans:
        cp = cp_schedule(_cp_inputs(child), rules=rules, calendar=calendar, as_of=as_of)
        by_day_cp = {(c.held, c.sequence == 0): c for c in cp.conferences}
        for m in cp_meetings:
            initial = m.meeting_type in INITIAL_CONFERENCES
            if _held(m) and (m.held_date, initial) in by_day_cp:
                conference = by_day_cp[(m.held_date, initial)]
                due[m.id] = (conference.due, conference.in_timescale)
            elif _open(m) and cp.next_due is not None:
                due[m.id] = (cp.next_due.due, None)
    return CaseView(child.id, lac, cp, due)


def _load_children(session: Session, child_ids: Iterable[int] | None) -> Sequence[Child]:
    query = select(Child).options(
        selectinload(Child.periods).selectinload(PeriodOfCare.episodes),
        selectinload(Child.enquiries),
        selectinload(Child.plans),
        selectinload(Child.meetings),
    )
    if child_ids is not None:
        query = query.where(Child.id.in_(list(child_ids)))
    return session.scalars(query).all()


def case_views(
    session: Session,
    *,
    as_of: dt.date,
    rules: RuleSet,
    calendar: WorkingCalendar,
    child_ids: Iterable[int] | None = None,
) -> dict[int, CaseView]:
    """Every child's (or the given children's) case view on ``as_of``."""
    children = _load_children(session, child_ids)
    return {c.id: case_view(c, as_of=as_of, rules=rules, calendar=calendar) for c in children}
