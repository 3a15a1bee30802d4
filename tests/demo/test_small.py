"""The demo authority at a small size: counts, data rules, the engine's view, bookings."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from sqlalchemy import func, select

from reviewdesk.codes import CP_CATEGORY, LEGAL_STATUS, PARTICIPATION, MeetingType
from reviewdesk.dates import age_on
from reviewdesk.settings import working_context
from reviewdesk.storage.models import (
    AuditEntry,
    Child,
    ClosureDay,
    CpEnquiry,
    CpPlan,
    Episode,
    Invitee,
    LateReason,
    Meeting,
    MeetingPart,
    PeriodOfCare,
    Report,
    Room,
    Staff,
)
from reviewdesk.storage.validation import RULES, problems_with
from tests.demo.conftest import AS_OF, SMALL
from tests.demo.engine_view import engine_view


def test_open_cases_hit_the_targets(small_demo):
    db, summary = small_demo
    with db.session() as s:
        open_lac = s.scalar(
            select(func.count(func.distinct(PeriodOfCare.child_id))).where(
                PeriodOfCare.end_date.is_(None)
            )
        )
        open_cp = s.scalar(select(func.count()).where(CpPlan.end_date.is_(None)))
        children = s.scalar(select(func.count()).select_from(Child))
    assert open_lac == summary.open_lac == 32
    assert open_cp == summary.open_cp_plans == 28
    assert open_lac + open_cp == SMALL
    # Closed cases from the three years of history come on top.
    assert children == summary.children > SMALL


def test_no_child_is_looked_after_twice_or_on_two_plans_at_once(small_demo):
    db, _ = small_demo
    with db.session() as s:
        for model in (PeriodOfCare, CpPlan):
            rows = defaultdict(list)
            for r in s.scalars(select(model)):
                rows[r.child_id].append((r.start, r.end_date or dt.date.max))
            for spans in rows.values():
                spans.sort()
                for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
                    assert end < start


def test_data_rules_hold(small_demo):
    db, _ = small_demo
    rules, calendar = working_context(db.session().__enter__())
    with db.session() as s:
        children = {c.id: c for c in s.scalars(select(Child))}
        for c in children.values():
            assert c.dob is not None or c.expected_delivery is not None
            assert c.dob is None or c.dob <= AS_OF
            if c.dob is None:  # unborn: no name yet, delivery expected after the as-of date
                assert c.expected_delivery > AS_OF and c.first_name == ""
        periods = {p.id: p for p in s.scalars(select(PeriodOfCare))}
        for p in periods.values():
            assert p.start <= AS_OF and (p.end_date is None or p.end_date >= p.start)
            assert p.start >= children[p.child_id].dob
            assert p.iro_id is not None
        by_period = defaultdict(list)
        for e in s.scalars(select(Episode)):
            assert e.legal_status in LEGAL_STATUS
            assert e.end_date is None or e.end_date >= e.start
            by_period[e.period_id].append(e)
        for pid, eps in by_period.items():
            eps.sort(key=lambda e: e.start)
            p = periods[pid]
            assert eps[0].start == p.start and eps[0].rne == "S"
            assert eps[-1].end_date == p.end_date
            for a, b in zip(eps, eps[1:], strict=False):
                assert a.end_date == b.start and a.rec == "X1"
        assert set(by_period) == set(periods)
        for plan in s.scalars(select(CpPlan)):
            assert plan.end_date is None or plan.end_date >= plan.start
            assert plan.initial_category in CP_CATEGORY
            assert plan.latest_category in CP_CATEGORY
        for e in s.scalars(select(CpEnquiry)):
            assert (e.route == "s47") == (e.strategy_date is not None)
            assert (e.route == "transfer_in") == (e.notified_date is not None)
        rooms = {r.id for r in s.scalars(select(Room))}
        iros = set(s.scalars(select(Staff.id).where(Staff.role == "iro")))
        clerks = set(s.scalars(select(Staff.id).where(Staff.role == "clerk")))
        for m in s.scalars(select(Meeting)):
            assert m.meeting_type in {t.value for t in MeetingType}
            assert (m.process == "lac") == (m.period_id is not None)
            assert m.chair_id in iros
            assert m.room_id in rooms or (m.status == "cancelled" and m.room_id is None)
            assert m.clerk_id is None or m.clerk_id in clerks
            if m.status == "held":
                assert m.held_date == m.booked_date < AS_OF
                assert calendar.is_working_day(m.held_date)
                for later in (m.decisions_issued, m.minutes_distributed):
                    assert later is None or m.held_date <= later <= AS_OF
                if m.process == "lac":
                    period = periods[m.period_id]
                    assert period.start <= m.held_date <= (period.end_date or AS_OF)
                    assert m.consultation_sent is not None
                    assert m.consultation_sent <= m.held_date
            elif m.status == "booked":
                assert m.held_date is None and m.booked_date >= AS_OF
                assert m.booked_time is not None
        meetings = {m.id: m for m in s.scalars(select(Meeting))}
        for part in s.scalars(select(MeetingPart)):
            assert part.held_date <= meetings[part.meeting_id].held_date
        for r in s.scalars(select(Report)):
            day = meetings[r.meeting_id].booked_date
            assert r.received is None or r.received <= min(day, AS_OF)
            assert r.shared_with_parents is None or r.shared_with_parents <= min(day, AS_OF)
        for i in s.scalars(select(Invitee)):
            assert i.invited_on is None or i.invited_on < meetings[i.meeting_id].booked_date


def test_participation_codes_fit_the_childs_age(small_demo):
    db, _ = small_demo
    with db.session() as s:
        rows = s.execute(
            select(Meeting.participation, Meeting.held_date, Child.dob, Meeting.process)
            .join(Child, Child.id == Meeting.child_id)
            .where(Meeting.status == "held")
        ).all()
    lac = [r for r in rows if r.process == "lac"]
    assert lac
    for code, held, dob, _ in lac:
        assert code in PARTICIPATION
        assert (code == "PN0") == (age_on(dob, held) < 4)
    assert all(r.participation is None for r in rows if r.process == "cp")


def test_non_ascii_names_are_present(small_demo):
    db, _ = small_demo
    with db.session() as s:
        names = [f"{c.first_name} {c.last_name}" for c in s.scalars(select(Child))]
        staff = list(s.scalars(select(Staff.name)))
    assert sum(not n.isascii() for n in names) >= 10
    assert any(not n.isascii() for n in staff)


def test_late_meetings_have_real_reasons_and_are_few(small_demo):
    db, summary = small_demo
    with db.session() as s:
        reasons = {r.id: r.text for r in s.scalars(select(LateReason))}
        held = list(s.scalars(select(Meeting).where(Meeting.status == "held")))
    late = [m for m in held if m.late_reason_id is not None]
    assert late and all(m.late_reason_id in reasons for m in late)
    assert 0.01 <= len(late) / len(held) <= 0.04
    assert summary.meetings_late == len(late)


def test_the_engine_finds_late_exactly_the_meetings_meant_to_be_late(small_demo):
    db, _ = small_demo
    with db.session() as s:
        view = engine_view(s, AS_OF)
        meant = {
            (m.child_id, m.held_date, m.meeting_type)
            for m in s.scalars(
                select(Meeting).where(Meeting.status == "held", Meeting.late_reason_id.is_not(None))
            )
        }
        held = s.scalar(select(func.count()).where(Meeting.status == "held"))
    assert view.late_held == meant
    # Every meeting held was assessed by the engine (none fell outside its case).
    assert len(view.late_held) + len(view.on_time_held) == held


def test_bookings_ahead_and_things_for_the_flags_to_show(small_demo):
    db, summary = small_demo
    with db.session() as s:
        view = engine_view(s, AS_OF)
        rules, calendar = working_context(s)
        booked = list(s.scalars(select(Meeting).where(Meeting.status == "booked")))
    assert len(booked) >= 10
    weeks = {(m.booked_date - AS_OF).days // 7 for m in booked}
    # The coming weeks have meetings (the week of Christmas, all closure days, may not).
    assert len(weeks & {0, 1, 2, 3, 4, 5}) >= 4
    assert all(calendar.is_working_day(m.booked_date) for m in booked)
    assert all(m.clerk_id is not None and m.room_id is not None for m in booked)
    booked_children = {(m.child_id, m.process) for m in booked}
    overdue = [k for k, nxt in view.next_due.items() if nxt.overdue]
    assert 1 <= len(overdue) <= 4 and summary.overdue == len(overdue)
    soon = calendar.add_working_days(AS_OF, 10)
    unbooked_soon = [
        k
        for k, nxt in view.next_due.items()
        if not nxt.overdue and nxt.due.date <= soon and k not in booked_children
    ]
    assert len(unbooked_soon) >= 1
    # A couple of double bookings: same day and time, same room or same chair.
    rooms = Counter((m.booked_date, m.booked_time, m.room_id) for m in booked)
    chairs = Counter((m.booked_date, m.booked_time, m.chair_id) for m in booked)
    clashes = sum(n - 1 for n in rooms.values()) + sum(n - 1 for n in chairs.values())
    assert 1 <= clashes <= 4


def test_closure_days_between_christmas_and_new_year(small_demo):
    db, _ = small_demo
    with db.session() as s:
        days = list(s.scalars(select(ClosureDay.day)))
        _, calendar = working_context(s)
    assert dt.date(2025, 12, 29) in days and dt.date(2025, 12, 30) in days
    assert not calendar.is_working_day(dt.date(2025, 12, 29))
    assert all((d.month, d.day) >= (12, 27) for d in days)


def test_one_audit_entry_summarises_the_generation(small_demo):
    db, summary = small_demo
    with db.session() as s:
        entries = list(s.scalars(select(AuditEntry).where(AuditEntry.table_name == "demo")))
    assert len(entries) == 1
    entry = entries[0]
    assert entry.action == "create" and entry.username == "tester"
    assert entry.after["children"] == summary.children
    assert entry.after["seed"] == 1 and entry.after["as_of"] == AS_OF.isoformat()


def test_every_record_passes_the_storage_validation_rules(small_demo):
    db, _ = small_demo
    with db.session() as s:
        problems = []
        for model in RULES:
            for obj in s.scalars(select(model)):
                problems.extend(problems_with(s, obj))
    assert problems == []
