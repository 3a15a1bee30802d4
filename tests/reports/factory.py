"""A small, deterministic register for the printing tests and benchmark.

Names carry the letters the standard PDF fonts cannot print (Zoë, Łukasz, Siân, Ó Briain).
The week of Monday 13/05/2024 has meetings booked on every working day, across two rooms and
several chairs, with invitees, reports, and a previous meeting with decisions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from reviewdesk.codes import MeetingStatus, MeetingType, StaffRole
from reviewdesk.storage.models import (
    Child,
    CpEnquiry,
    CpPlan,
    Episode,
    Invitee,
    Meeting,
    PeriodOfCare,
    Report,
    Room,
    Setting,
    Staff,
    Team,
    Venue,
)

AS_OF = dt.date(2024, 5, 13)  # a Monday
WEEK = AS_OF
COUNCIL = "Northshire County Council"

FIRST = ["Zoë", "Łukasz", "Siân", "Aoife", "Chloé", "Oluwaseun", "Björn", "Grace", "Dylan", "Nia"]
LAST = ["Ó Briain", "Wiśniewski", "Evans", "Brontë", "Okafor", "Müller", "Nowak", "Jones"]
IRO_NAMES = ["Siân Evans", "Łukasz Nowak", "Máire Ní Bhriain", "Zoë Clarke-Hughes"]
DECISIONS = (
    "1. The care plan remains appropriate; Zoë is settled with her carers in Llanelli.\n"
    "2. Social worker (Łukasz Wiśniewski) to arrange contact with Siân Ó Briain (maternal "
    "grandmother) every second Saturday, supervised for the first three sessions.\n"
    "3. PEP to be updated before the next review; school to report on attendance.\n"
    "4. Health assessment overdue: to be completed within 20 working days."
)


@dataclass
class Demo:
    iro_ids: list[int] = field(default_factory=list)
    child_ids: list[int] = field(default_factory=list)
    week_meeting_ids: list[int] = field(default_factory=list)
    lac_meeting_id: int | None = None  # a booked LAC review with a previous review
    cp_meeting_id: int | None = None  # a booked review conference on a plan


def _name(i: int) -> tuple[str, str]:
    return FIRST[i % len(FIRST)], LAST[(i // len(FIRST) + i) % len(LAST)]


def populate(
    session: Session,
    *,
    iros: int = 2,
    children_per_iro: int | list[int] = 12,
    week_meetings: int = 12,
) -> Demo:
    """Fill an empty database. ``children_per_iro`` may give each IRO's count."""
    demo = Demo()
    session.merge(Setting(key="council_name", value=COUNCIL))
    team = Team(name="Safeguarding Team Gogledd")
    session.add(team)
    venue = Venue(name="County Hall", address="1 Stryd Fawr, Northshire NS1 1AA")
    rooms = [
        Room(venue=venue, name="Conference Room 1", capacity=12),
        Room(venue=venue, name="Ystafell Dafydd", capacity=8),
    ]
    session.add_all([venue, *rooms])
    clerks = [
        Staff(name="Zoë Pryce", role=StaffRole.CLERK.value),
        Staff(name="Tomás Ó Súilleabháin", role=StaffRole.CLERK.value),
    ]
    worker = Staff(name="Łukasz Wiśniewski", role=StaffRole.SOCIAL_WORKER.value, team=team)
    session.add_all([*clerks, worker])
    staff = []
    for i in range(iros):
        name = IRO_NAMES[i] if i < len(IRO_NAMES) else f"IRO Ćwik {i + 1}"
        staff.append(Staff(name=name, role=StaffRole.IRO.value, fte=[1.0, 0.8, 0.6][i % 3]))
    session.add_all(staff)
    session.flush()
    demo.iro_ids = [s.id for s in staff]
    counts = children_per_iro if isinstance(children_per_iro, list) else [children_per_iro] * iros

    n = 0
    booked_in_week = 0
    for iro_index, iro in enumerate(staff):
        for j in range(counts[iro_index]):
            first, last = _name(n)
            child = Child(
                local_id=f"C{n + 1:05d}",
                first_name=first,
                last_name=last,
                dob=dt.date(2006 + n % 12, 1 + n % 12, 1 + n % 27),  # all aged 4 or over
                team=team,
                social_worker=worker,
            )
            session.add(child)
            session.flush()
            demo.child_ids.append(child.id)
            cp = j % 3 == 2
            book = booked_in_week < week_meetings and j % 2 == 0
            day = WEEK + dt.timedelta(days=booked_in_week % 5)
            slot = dt.time(9 + (booked_in_week // 5) % 3 * 2, 30 if booked_in_week % 2 else 0)
            booking = dict(
                status=MeetingStatus.BOOKED.value,
                booked_date=day,
                booked_time=slot,
                duration_minutes=90,
                room=rooms[booked_in_week % 2],
                chair=iro,
                clerk=clerks[booked_in_week % 2],
            )
            if cp:
                meeting = _cp_child(session, child, iro, j, booking if book else None)
            else:
                meeting = _lac_child(session, child, iro, j, booking if book else None)
            if meeting is not None:
                session.flush()
                _invite(session, meeting, child, worker)
                demo.week_meeting_ids.append(meeting.id)
                booked_in_week += 1
                if cp and demo.cp_meeting_id is None:
                    demo.cp_meeting_id = meeting.id
                if not cp and demo.lac_meeting_id is None and len(child.meetings) > 1:
                    demo.lac_meeting_id = meeting.id
            n += 1
    session.flush()
    return demo


def _lac_child(
    session: Session, child: Child, iro: Staff, j: int, booking: dict | None
) -> Meeting | None:
    start = AS_OF - dt.timedelta(days=60 + 23 * (j % 9))
    period = PeriodOfCare(
        child=child, start=start, iro=iro, iro_notified=start, iro_allocated=start
    )
    period.episodes.append(
        Episode(
            start=start,
            rne="S",
            legal_status=["C2", "C1", "V2"][j % 3],
            placement=["U3", "U1", "R1"][j % 3],
            placement_provider="PR1",
        )
    )
    session.add(period)
    session.flush()
    first = Meeting(
        child=child,
        process="lac",
        meeting_type=MeetingType.LAC_REVIEW.value,
        sequence=1,
        period_id=period.id,
        status=MeetingStatus.HELD.value,
        booked_date=start + dt.timedelta(days=18 + j % 14),
        held_date=start + dt.timedelta(days=18 + j % 14),
        chair=iro,
        participation="PN1" if j % 2 else "PN5",
        outcome="Care plan agreed",
        decisions=DECISIONS,
        decisions_issued=start + dt.timedelta(days=22),
        minutes_distributed=start + dt.timedelta(days=40),
    )
    session.add(first)
    if booking is None:
        return None
    meeting = Meeting(
        child=child,
        process="lac",
        meeting_type=MeetingType.LAC_REVIEW.value,
        sequence=2,
        period_id=period.id,
        consultation_sent=booking["booked_date"] - dt.timedelta(days=16) if j % 4 else None,
        **booking,
    )
    session.add(meeting)
    return meeting


def _cp_child(
    session: Session, child: Child, iro: Staff, j: int, booking: dict | None
) -> Meeting | None:
    strategy = AS_OF - dt.timedelta(days=70 + 9 * (j % 7))
    enquiry = CpEnquiry(child=child, route="s47", strategy_date=strategy)
    session.add(enquiry)
    session.flush()
    icpc_day = strategy + dt.timedelta(days=19)
    plan = CpPlan(
        child=child,
        enquiry_id=enquiry.id,
        start=icpc_day,
        initial_category=["NEG", "EMO", "MUL"][j % 3],
        latest_category=["NEG", "EMO", "MUL"][j % 3],
        chair=iro,
        previous_plans=j % 2,
    )
    session.add(plan)
    session.flush()
    session.add(
        Meeting(
            child=child,
            process="cp",
            meeting_type=MeetingType.ICPC.value,
            sequence=1,
            enquiry_id=enquiry.id,
            plan_id=plan.id,
            status=MeetingStatus.HELD.value,
            booked_date=icpc_day,
            held_date=icpc_day,
            chair=iro,
            quorate=True,
            outcome="Plan made",
            decisions="Child protection plan made under the category of neglect. "
            "Core group to meet within 10 working days; Siân Ó Briain to attend.",
            decisions_issued=icpc_day + dt.timedelta(days=1),
        )
    )
    if booking is None:
        return None
    meeting = Meeting(
        child=child,
        process="cp",
        meeting_type=MeetingType.RCPC_FIRST.value,
        sequence=1,
        enquiry_id=enquiry.id,
        plan_id=plan.id,
        **booking,
    )
    session.add(meeting)
    return meeting


def _invite(session: Session, meeting: Meeting, child: Child, worker: Staff) -> None:
    day = meeting.booked_date
    assert day is not None
    invitees = [
        ("Siân Ó Briain", "Mother", "attended"),
        ("Dafydd Brontë", "Father", None),
        (worker.name, "Social worker", "attended"),
        ("PC Aleksandra Kowalczyk", "Police", "apologies"),
        ("Dr Øyvind Hansen", "GP", None),
        ("Mrs Eilís Nic Giolla", "School", None),
    ]
    for name, role, attendance in invitees:
        meeting.invitees.append(
            Invitee(
                name=name,
                role=role,
                invited_on=day - dt.timedelta(days=14),
                attendance=attendance,
            )
        )
    rule = "lac.review.reports" if meeting.process == "lac" else "cp.rcpc.report"
    meeting.reports.append(
        Report(
            author=worker.name,
            agency="social_worker",
            rule_id=rule,
            received=day - dt.timedelta(days=6),
            shared_with_parents=day - dt.timedelta(days=1),
        )
    )
    meeting.reports.append(Report(author="PC Aleksandra Kowalczyk", agency="police"))
    meeting.reports.append(
        Report(author="Dr Øyvind Hansen", agency="health", received=day - dt.timedelta(days=2))
    )


def add_prebirth_icpc(session: Session, *, chair_id: int | None = None) -> Meeting:
    """An unborn child after an s47 strategy discussion, with the initial conference booked
    in the week of 13/05/2024 (no plan yet, no earlier meeting)."""
    child = Child(
        local_id="U00001",
        first_name="Baby",
        last_name="Ó Briain",
        expected_delivery=dt.date(2024, 7, 20),
    )
    session.add(child)
    session.flush()
    enquiry = CpEnquiry(child=child, route="s47", strategy_date=dt.date(2024, 4, 29))
    session.add(enquiry)
    session.flush()
    meeting = Meeting(
        child=child,
        process="cp",
        meeting_type=MeetingType.ICPC_PREBIRTH.value,
        sequence=1,
        enquiry_id=enquiry.id,
        status=MeetingStatus.BOOKED.value,
        booked_date=dt.date(2024, 5, 16),
        booked_time=dt.time(14, 0),
        chair_id=chair_id,
    )
    session.add(meeting)
    session.flush()
    return meeting
