"""The demo authority's IRO oversight: challenges and escalations, the IRO's contacts and
midway reviews, the child's voice at reviews, and conferences that were not quorate.

Made after the cases, from the rows already written (the same transaction) and the same
random stream, so the same seed and as-of date give the same rows. Proportions are chosen to
look like a council's IRO annual report: most challenges informal and resolved there, a
fifth going formal, a few reaching the director and one in a while referred to Cafcass;
nine midway reviews in ten; most children's views gathered and advocacy often offered; a
handful of inquorate conferences, nearly all reconvened in time.

Inquorate conferences are added before conferences already held, as an adjourned sitting
(not quorate) that the conference held was the reconvening of, so the due dates the engine
works out for the cases are unchanged. Those of open plans are added only where the next
conference is already booked, so nothing the schedule flags show changes either.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from random import Random
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reviewdesk.casework.register import Register
from reviewdesk.codes import MeetingStatus, MeetingType, Process
from reviewdesk.engine.oversight import StageInput, escalation_dates, stage_rule
from reviewdesk.oversight.footprint import previous_review
from reviewdesk.oversight.words import DEFAULT_THEMES
from reviewdesk.rules import RuleSet
from reviewdesk.storage.bulk import BulkInserter
from reviewdesk.storage.models import (
    ChildVoice,
    CpPlan,
    Escalation,
    EscalationStage,
    EscalationTheme,
    IroContact,
    Meeting,
)
from reviewdesk.vocabulary import open_on
from reviewdesk.workingdays import WorkingCalendar

#: Tables this module fills, children first (the demo empties them with the cases).
TABLES = ("child_voice", "iro_contact", "escalation_stage", "escalation")

HISTORY_DAYS = 2 * 365  # challenges raised and contacts made this far back
VOICE_DAYS = 400  # the child's voice recorded for reviews this far back
P_CHALLENGE_A_YEAR = 0.12  # challenges a year per open case
P_STRAIGHT_TO_FORMAL = 0.12
P_ANSWERED_IN_TIME = 0.8
P_RESOLVED_INFORMALLY = 0.78
P_RESOLVED_AT_STAGE = 0.6
P_MIDWAY = 0.9
THEME_WEIGHTS = dict(zip(DEFAULT_THEMES, (25, 15, 12, 12, 10, 10, 5, 5, 4, 2), strict=True))
CONCERNS = {
    "Drift or delay in permanence planning": "No permanence plan agreed at the second review.",
    "Placement sufficiency or suitability": "Placement does not meet the child's needs.",
    "Placement stability": "Third placement move in twelve months.",
    "Care plan quality": "Care plan not updated after the review's recommendations.",
    "Late or missing reports": "Social worker's report not received before the review.",
    "Recommendations not implemented": "Review recommendations not acted on by the due date.",
    "Health": "Initial health assessment overdue.",
    "Education": "Personal education plan not in place.",
    "Contact": "Family time arrangements not reviewed as agreed.",
    "Other": "Delay in the life story work agreed at the review.",
}
OUTCOME_WEIGHTS = (("resolved", 70), ("partly_resolved", 20), ("not_resolved", 7), ("withdrawn", 3))
IMPACTS = (
    "Plan updated and shared with the child and carers.",
    "Action agreed with a date; checked at the next review.",
    "Placement support increased.",
    "Report received and shared before the review.",
    "Assessment completed.",
)
#: Notes that fit the contact: by its kind and whether it was with the child.
CONTACT_NOTES: dict[tuple[str, bool], tuple[str, ...]] = {
    ("visit", True): ("Saw the child at the placement.", "Saw the child at school."),
    ("visit", False): ("Visited the carers at the placement.",),
    ("call", True): ("Spoke with the child by phone.", "Video call with the child."),
    ("call", False): ("Checked progress with the social worker.", "Spoke with the carers."),
    ("message", True): ("Message from the child answered.", "Sent the child a message."),
    ("message", False): ("Emailed the social worker about the review's actions.",),
    ("meeting", True): ("Met the child and the social worker.",),
    ("meeting", False): ("Met the social worker and team manager.",),
}


def _weighted(rng: Random, pairs) -> Any:
    values = [v for v, _ in pairs]
    cumulative = list(itertools.accumulate(w for _, w in pairs))
    return values[bisect.bisect_right(cumulative, rng.random() * cumulative[-1])]


@dataclass
class OversightMade:
    """How many of each were made (for the demo's summary rows)."""

    rows: dict[str, int] = field(default_factory=dict)


class _Maker:
    def __init__(
        self,
        session: Session,
        rng: Random,
        as_of: dt.date,
        rules: RuleSet,
        calendar: WorkingCalendar,
    ) -> None:
        self.session = session
        self.rng = rng
        self.as_of = as_of
        self.rules = rules
        self.cal = calendar
        self.rows: dict[str, list[dict]] = defaultdict(list)
        self.next_id = {
            name: (session.scalar(select(func.max(model.id))) or 0) + 1
            for name, model in (
                ("escalation", Escalation),
                ("escalation_stage", EscalationStage),
                ("iro_contact", IroContact),
                ("child_voice", ChildVoice),
                ("meeting", Meeting),
            )
        }
        self.themes = dict(session.execute(select(EscalationTheme.text, EscalationTheme.id)).all())

    def _id(self, table: str) -> int:
        value = self.next_id[table]
        self.next_id[table] = value + 1
        return value

    def day_between(self, lo: dt.date, hi: dt.date) -> dt.date:
        """A working day from ``lo`` to ``hi`` (``lo`` itself when there is none)."""
        span = (hi - lo).days
        day = lo + dt.timedelta(days=self.rng.randint(0, max(0, span)))
        day = self.cal.on_or_before(day)
        return day if day >= lo else lo

    # --- challenges -----------------------------------------------------------------------
    def challenge(self, child_id: int, process: str, raiser: int, start: dt.date) -> None:
        rng, cal = self.rng, self.cal
        raised = self.day_between(
            max(start, self.as_of - dt.timedelta(days=HISTORY_DAYS)), self.as_of
        )
        theme = _weighted(rng, THEME_WEIGHTS.items())
        eid = self._id("escalation")
        stage = 1 if rng.random() < P_STRAIGHT_TO_FORMAL else 0
        day = raised
        resolved: dt.date | None = None
        outcome = impact = None
        cafcass = None
        while True:
            rule = stage_rule(self.rules, stage)
            if rule is None:
                break
            due = escalation_dates(day, [StageInput(stage, day)], rules=self.rules, calendar=cal)
            limit = due.stages[0].due.date if due.stages[0].due else day
            if rng.random() < P_ANSWERED_IN_TIME:
                answered = self.day_between(day, limit)
            else:
                answered = cal.add_working_days(limit, rng.randint(1, 6))
            answered = answered if answered <= self.as_of else None
            self.rows["escalation_stage"].append(
                {
                    "id": self._id("escalation_stage"),
                    "escalation_id": eid,
                    "child_id": child_id,
                    "stage": stage,
                    "raised_on": day,
                    "raised_with": rule.to,
                    "responded_on": answered,
                    "response": "Answer received: action agreed." if answered else None,
                    "version": 1,
                }
            )
            if answered is None:
                break
            p_resolve = P_RESOLVED_INFORMALLY if stage == 0 else P_RESOLVED_AT_STAGE
            last = stage_rule(self.rules, stage + 1) is None
            if rng.random() < p_resolve or last:
                when = cal.add_working_days(answered, rng.randint(0, 3))
                if when <= self.as_of:
                    resolved = when
                    outcome = _weighted(rng, OUTCOME_WEIGHTS)
                    if last and outcome == "not_resolved":
                        cafcass = when
                    impact = rng.choice(IMPACTS) if outcome != "withdrawn" else None
                break
            day = cal.add_working_days(answered, rng.randint(1, 3))
            if day > self.as_of:
                break
            stage += 1
        self.rows["escalation"].append(
            {
                "id": eid,
                "child_id": child_id,
                "process": process,
                "raised_by_id": raiser,
                "raised_on": raised,
                "theme_id": self.themes.get(theme) or min(self.themes.values()),
                "concern": CONCERNS.get(theme, "Concern about the plan."),
                "resolved_on": resolved,
                "outcome": outcome,
                "impact": impact,
                "cafcass_referred_on": cafcass,
                "version": 1,
            }
        )

    # --- contacts -------------------------------------------------------------------------
    def contact(
        self, child_id: int, staff: int, day: dt.date, kind: str, with_child: bool, midway: bool
    ) -> None:
        self.rows["iro_contact"].append(
            {
                "id": self._id("iro_contact"),
                "child_id": child_id,
                "staff_id": staff,
                "contact_date": day,
                "kind": kind,
                "with_child": with_child,
                "midway_review": midway,
                "note": self.rng.choice(CONTACT_NOTES[kind, with_child]),
                "version": 1,
            }
        )

    def interval(self, child_id: int, staff: int, held: dt.date, next_due: dt.date) -> None:
        """Contacts between a review held and the next one due (up to the as-of date)."""
        rng, cal = self.rng, self.cal
        midpoint = held + dt.timedelta(days=(next_due - held).days // 2)
        if midpoint <= self.as_of and rng.random() < P_MIDWAY:
            lo = held + dt.timedelta(days=max(1, (midpoint - held).days // 2))
            day = self.day_between(lo, midpoint)
            if rng.random() < 0.08:  # a few late
                day = cal.add_working_days(midpoint, rng.randint(1, 10))
            if held < day <= self.as_of:
                kind = _weighted(rng, (("visit", 5), ("call", 2), ("meeting", 3)))
                self.contact(child_id, staff, day, kind, kind != "meeting", True)
        for _ in range(rng.randint(0, 2)):
            day = self.day_between(held + dt.timedelta(days=1), min(next_due, self.as_of))
            if held < day <= self.as_of:
                kind = _weighted(rng, (("call", 4), ("message", 4), ("visit", 2)))
                self.contact(child_id, staff, day, kind, rng.random() < 0.7, False)

    # --- voice ----------------------------------------------------------------------------
    def voice(self, meeting_id: int, child_id: int, participation: str | None) -> None:
        rng = self.rng
        methods = {"by_form": False, "by_advocate": False, "direct": False, "by_app": False}
        if participation in ("PN1", "PN3", "PN4"):
            methods["direct"] = True
            methods["by_form"] = rng.random() < 0.4
        elif participation in ("PN2", "PN5"):
            methods["by_advocate"] = True
            methods["direct"] = rng.random() < 0.3
        elif participation == "PN6":
            methods["by_app" if rng.random() < 0.4 else "by_form"] = True
        offered = rng.random() < 0.7
        consultation = _weighted(rng, (("returned", 65), ("not_returned", 25), ("not_sent", 10)))
        self.rows["child_voice"].append(
            {
                "id": self._id("child_voice"),
                "meeting_id": meeting_id,
                "child_id": child_id,
                **methods,
                "advocacy_offered": offered,
                "advocacy_taken_up": offered and (methods["by_advocate"] or rng.random() < 0.3),
                "consultation": consultation,
                "note": None,
                "version": 1,
            }
        )

    # --- quoracy --------------------------------------------------------------------------
    def inquorate(
        self,
        held: Any,
        day: dt.date,
        *,
        meeting_type: str | None = None,
        sequence: int | None = None,
    ) -> None:
        """A sitting on ``day`` that was not quorate and was adjourned: of ``held``'s
        conference (reconvened as ``held``), or of the conference after it."""
        self.rows["meeting"].append(
            {
                "id": self._id("meeting"),
                "child_id": held.child_id,
                "process": Process.CP.value,
                "meeting_type": meeting_type or held.meeting_type,
                "sequence": held.sequence if sequence is None else sequence,
                "period_id": None,
                "enquiry_id": held.enquiry_id,
                "plan_id": held.plan_id,
                "status": MeetingStatus.ADJOURNED.value,
                "booked_date": day,
                "booked_time": held.booked_time,
                "duration_minutes": 90,
                "room_id": held.room_id,
                "chair_id": held.chair_id,
                "clerk_id": held.clerk_id,
                "held_date": None,
                "participation": None,
                "quorate": False,
                "outcome": None,
                "late_reason_id": None,
                "late_reason_note": None,
                "cancel_reason": "Not quorate: to be reconvened",
                "consultation_sent": None,
                "decisions_issued": None,
                "minutes_distributed": None,
                "decisions": None,
                "notes": None,
                "version": 1,
            }
        )


def add_oversight(
    writer: BulkInserter,
    *,
    rng: Random,
    as_of: dt.date,
    rules: RuleSet,
    calendar: WorkingCalendar,
) -> OversightMade:
    """Challenges, contacts, voices and inquorate conferences for the cases ``writer`` has
    written (and flushed)."""
    session = writer.session
    register = Register(session, as_of=as_of, open_only=True, rules=rules, calendar=calendar)
    maker = _Maker(session, rng, as_of, rules, calendar)
    _challenges(maker, register)
    _footprints(maker, register)
    _voices(maker)
    _quoracy(maker)
    made = OversightMade()
    for name in ("meeting", *reversed(TABLES)):
        rows = maker.rows.get(name, [])
        if rows:
            writer.insert_now(writer.tables[name], rows)
            writer.counts[name] += len(rows)
        made.rows[name] = len(rows)
    return made


def _open(rows: Any, staff: str, as_of: dt.date) -> dict[int, Any]:
    """Child id -> their period of care or plan open on ``as_of`` with an IRO or chair."""
    return {
        r.child_id: r for r in rows if getattr(r, staff) and open_on(r.start, r.end_date, as_of)
    }


def _challenges(maker: _Maker, register: Any) -> None:
    as_of, rng = maker.as_of, maker.rng
    periods = {
        p.child_id: p for p in register.periods if p.iro_id and open_on(p.start, p.end_date, as_of)
    }
    plans = {
        p.child_id: p for p in register.plans if p.chair_id and open_on(p.start, p.end_date, as_of)
    }
    p_case = P_CHALLENGE_A_YEAR * HISTORY_DAYS / 365
    for child_id in sorted(set(periods) | set(plans)):
        if rng.random() >= p_case:
            continue
        if child_id in periods and (child_id not in plans or rng.random() < 0.6):
            p = periods[child_id]
            maker.challenge(child_id, Process.LAC.value, p.iro_id, p.start)
        else:
            p = plans[child_id]
            maker.challenge(child_id, Process.CP.value, p.chair_id, p.start)


def _footprints(maker: _Maker, register: Any) -> None:
    as_of = maker.as_of
    since = as_of - dt.timedelta(days=HISTORY_DAYS)
    iro_of = {
        p.child_id: p.iro_id
        for p in register.periods
        if p.iro_id and open_on(p.start, p.end_date, as_of)
    }
    for child_id in sorted(iro_of):
        status = register.statuses.get(child_id)
        if status is None or status.lac is None or status.lac.next_due is None:
            continue
        staff = iro_of[child_id]
        reviews = [r for r in status.lac.reviews if r.held >= since]
        for r in reviews:  # the intervals before each review held
            if r.sequence >= 2:
                maker.interval(child_id, staff, r.due.explanation.event_date, r.due.date)
        held = previous_review(status.lac.next_due)
        if held is not None:  # the interval now
            maker.interval(child_id, staff, held, status.lac.next_due.due.date)


def _voices(maker: _Maker) -> None:
    since = maker.as_of - dt.timedelta(days=VOICE_DAYS)
    rows = maker.session.execute(
        select(Meeting.id, Meeting.child_id, Meeting.participation)
        .where(
            Meeting.meeting_type == MeetingType.LAC_REVIEW.value,
            Meeting.status == MeetingStatus.HELD.value,
            Meeting.held_date >= since,
            Meeting.participation.is_not(None),
            Meeting.participation != "PN0",
        )
        .order_by(Meeting.id)
    ).all()
    for m in rows:
        if maker.rng.random() < 0.85:
            maker.voice(m.id, m.child_id, m.participation)


def _quoracy(maker: _Maker) -> None:
    """A few inquorate sittings: most reconvened in time, a couple late, one conference
    inquorate twice, and (for an open plan whose next conference is booked) one not yet
    reconvened."""
    session, rng, cal, as_of = maker.session, maker.rng, maker.cal, maker.as_of
    reviews = (MeetingType.RCPC_FIRST.value, MeetingType.RCPC_SUBSEQUENT.value)
    held = session.execute(
        select(
            Meeting.id,
            Meeting.child_id,
            Meeting.meeting_type,
            Meeting.sequence,
            Meeting.enquiry_id,
            Meeting.plan_id,
            Meeting.chair_id,
            Meeting.room_id,
            Meeting.clerk_id,
            Meeting.booked_time,
            Meeting.held_date,
            CpPlan.start,
            CpPlan.end_date,
        )
        .join(CpPlan, CpPlan.id == Meeting.plan_id)
        .where(
            Meeting.meeting_type.in_(reviews),
            Meeting.status == MeetingStatus.HELD.value,
            Meeting.held_date >= as_of - dt.timedelta(days=HISTORY_DAYS),
        )
        .order_by(Meeting.id)
    ).all()
    conferences: dict[int, list[dt.date]] = defaultdict(list)
    booked: dict[int, dt.date] = {}
    for m in session.execute(
        select(Meeting.child_id, Meeting.held_date, Meeting.status, Meeting.booked_date)
        .where(Meeting.process == Process.CP.value)
        .order_by(Meeting.id)
    ):
        if m.status == MeetingStatus.HELD.value and m.held_date is not None:
            conferences[m.child_id].append(m.held_date)
        elif m.status == MeetingStatus.BOOKED.value and m.booked_date and m.booked_date > as_of:
            booked[m.child_id] = min(m.booked_date, booked.get(m.child_id, m.booked_date))

    def gap_before(m: Any) -> int:
        """Working days since the conference before ``m`` (0 when there is none)."""
        earlier = max((d for d in conferences[m.child_id] if d < m.held_date), default=None)
        return 0 if earlier is None else cal.working_days_between(earlier, m.held_date)

    used: set[int] = set()

    def pick(pool: list[Any], n: int, gap: int) -> list[Any]:
        out = []
        for m in rng.sample(pool, len(pool)):
            if len(out) >= n:
                break
            if m.child_id not in used and gap_before(m) > gap:
                used.add(m.child_id)
                out.append(m)
        return out

    closed = [m for m in held if not open_on(m.start, m.end_date, as_of)]
    open_booked = [m for m in held if m.end_date is None and m.child_id in booked]
    # Held in the last 80 days, so the next is due months ahead: a sitting before it changes
    # nothing the schedule flags show.
    recent = [
        m for m in held if m.end_date is None and m.held_date >= as_of - dt.timedelta(days=80)
    ]
    # About three a year reconvened in time and one late at the default size (some 1,300
    # review conferences in the two years), besides the initial conferences re-convened.
    for m in pick(closed, round(len(held) / 450), 12):  # reconvened within 10 working days
        maker.inquorate(m, cal.add_working_days(m.held_date, -rng.randint(3, 8)))
    for m in pick(closed, round(len(held) / 1300), 18):  # reconvened late
        maker.inquorate(m, cal.add_working_days(m.held_date, -rng.randint(12, 15)))
    for m in pick(recent, 1, 14):  # twice in a row, then reconvened in time
        maker.inquorate(m, cal.add_working_days(m.held_date, -9))
        maker.inquorate(m, cal.add_working_days(m.held_date, -4))
    # Not yet reconvened: the next conference of an open plan, due in the weeks ahead, sat
    # a fortnight or more ago without a quorum and is booked again (too late).
    latest: dict[int, Any] = {}
    for m in open_booked:
        if m.child_id not in latest or m.held_date > latest[m.child_id].held_date:
            latest[m.child_id] = m
    soon = [
        m
        for child_id, m in sorted(latest.items())
        if child_id not in used and booked[child_id] <= as_of + dt.timedelta(days=42)
    ]
    for m in rng.sample(soon, min(1, len(soon))):
        day = cal.add_working_days(as_of, -rng.randint(11, 14))
        if day > m.held_date:
            maker.inquorate(
                m, day, meeting_type=MeetingType.RCPC_SUBSEQUENT.value, sequence=m.sequence + 1
            )


__all__ = ["OversightMade", "TABLES", "add_oversight"]
