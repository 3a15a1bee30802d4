"""Reading a generated database back into the due-date engine's inputs, child by child.

This is how the tests check that the generator and the engine agree: the engine, given the
history the demo wrote, must find out of timescale exactly the meetings the generator meant
to be late (those it gave a late reason).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from reviewdesk.codes import INITIAL_CONFERENCES, MeetingStatus
from reviewdesk.engine import CpEpisodeInput, PeriodInput, cp_schedule, lac_schedule
from reviewdesk.settings import working_context
from reviewdesk.storage.models import Child, CpEnquiry, CpPlan, Episode, Meeting, PeriodOfCare

INITIAL_TYPES = {m.value for m in INITIAL_CONFERENCES}


@dataclass
class EngineView:
    """What the engine says about every child: late meetings held, and what is due next."""

    late_held: set[tuple[int, dt.date, str]] = field(default_factory=set)
    on_time_held: set[tuple[int, dt.date, str]] = field(default_factory=set)
    next_due: dict[tuple[int, str], object] = field(default_factory=dict)  # (child, process)


def engine_view(session: Session, as_of: dt.date) -> EngineView:
    rules, calendar = working_context(session)
    view = EngineView()
    children = {c.id: c for c in session.scalars(select(Child))}
    first_status: dict[int, str] = {}
    for ep in session.scalars(select(Episode).order_by(Episode.period_id, Episode.start)):
        first_status.setdefault(ep.period_id, ep.legal_status)
    periods: dict[int, list[PeriodOfCare]] = defaultdict(list)
    for p in session.scalars(select(PeriodOfCare)):
        periods[p.child_id].append(p)
    held = list(session.scalars(select(Meeting).where(Meeting.status == MeetingStatus.HELD)))
    lac_held: dict[int, list[dt.date]] = defaultdict(list)
    cp_held: dict[int, list[Meeting]] = defaultdict(list)
    for m in held:
        if m.process == "lac":
            lac_held[m.child_id].append(m.held_date)
        else:
            cp_held[m.enquiry_id].append(m)

    for child_id, plist in periods.items():
        inputs = [PeriodInput(p.start, p.end_date, first_status.get(p.id)) for p in plist]
        sched = lac_schedule(
            inputs, lac_held.get(child_id, []), rules=rules, calendar=calendar, as_of=as_of
        )
        assert not sched.unplaced, (child_id, sched.unplaced)
        for r in sched.reviews:
            key = (child_id, r.held, "lac_review")
            (view.on_time_held if r.in_timescale else view.late_held).add(key)
        if sched.next_due is not None:
            view.next_due[(child_id, "lac")] = sched.next_due

    plans = {p.enquiry_id: p for p in session.scalars(select(CpPlan))}
    enquiries: dict[int, list[CpEnquiry]] = defaultdict(list)
    for e in session.scalars(select(CpEnquiry)):
        enquiries[e.child_id].append(e)
    for child_id, elist in enquiries.items():
        child = children[child_id]
        elist.sort(key=lambda e: e.strategy_date or e.notified_date)
        episodes = []
        for e in elist:
            meetings = cp_held.get(e.id, [])
            initial = next((m for m in meetings if m.meeting_type in INITIAL_TYPES), None)
            plan = plans.get(e.id)
            prebirth = child.expected_delivery is not None and (
                child.dob is None or (e.strategy_date is not None and child.dob > e.strategy_date)
            )
            episodes.append(
                CpEpisodeInput(
                    route=e.route,
                    strategy_date=e.strategy_date,
                    notified_date=e.notified_date,
                    prebirth=prebirth,
                    expected_delivery=child.expected_delivery,
                    initial_held=initial.held_date if initial else None,
                    initial_type=initial.meeting_type if initial else None,
                    icpc_not_required=e.icpc_not_required,
                    closed=e.closed_date,
                    plan_start=plan.start if plan else None,
                    plan_end=plan.end_date if plan else None,
                    reviews_held=tuple(
                        m.held_date for m in meetings if m.meeting_type not in INITIAL_TYPES
                    ),
                )
            )
        sched = cp_schedule(episodes, rules=rules, calendar=calendar, as_of=as_of)
        for c in sched.conferences:
            assert c.due is not None
            key = (child_id, c.held, c.meeting_type)
            (view.on_time_held if c.in_timescale else view.late_held).add(key)
        if sched.next_due is not None:
            view.next_due[(child_id, "cp")] = sched.next_due
    return view
