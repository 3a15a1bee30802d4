"""A small register with non-ASCII names, for the desktop tests (and screenshots).

The as-of date is fixed (Wednesday 10/04/2024, just after Easter) so nothing depends on today.
"""

from __future__ import annotations

import datetime as dt

from reviewdesk.codes import DEFAULT_LATE_REASONS
from reviewdesk.storage.db import Database
from reviewdesk.storage.models import (
    Child,
    CpEnquiry,
    CpPlan,
    LateReason,
    Meeting,
    PeriodOfCare,
    Report,
    Room,
    Staff,
    Team,
    Venue,
)

AS_OF = dt.date(2024, 4, 10)
D = dt.date
T = dt.time


def fill_sample(db: Database) -> dict[str, int]:
    """Fill ``db`` with a few staff, rooms, children, periods, plans and meetings; returns ids."""
    ids: dict[str, int] = {}
    with db.session() as s:
        present = {r.text for r in s.query(LateReason)}  # storage seeds them on creation
        for text in DEFAULT_LATE_REASONS:
            if text not in present:
                s.add(LateReason(text=text))
        north = Team(name="Llanelli & Ó Briain Team")
        south = Team(name="South Team")
        s.add_all([north, south])
        s.flush()
        lukasz = Staff(name="Łukasz Nowak", role="iro", fte=1.0, team_id=north.id)
        maire = Staff(name="Máire Ó Briain", role="cp_chair", fte=0.8, team_id=south.id)
        sian = Staff(name="Siân Evans", role="clerk", fte=1.0)
        zoe_sw = Staff(name="Zoë Clarke", role="social_worker", fte=1.0, team_id=north.id)
        s.add_all([lukasz, maire, sian, zoe_sw])
        venue = Venue(name="Tŷ Hafan")
        s.add(venue)
        s.flush()
        room_a = Room(venue_id=venue.id, name="Room A", capacity=10)
        room_b = Room(venue_id=venue.id, name="Room B", capacity=6)
        s.add_all([room_a, room_b])
        s.flush()

        zoe = Child(
            local_id="C0001",
            first_name="Zoë",
            last_name="Ó Briain",
            dob=D(2015, 6, 1),
            team_id=north.id,
            social_worker_id=zoe_sw.id,
        )
        lukasz_child = Child(
            local_id="C0002",
            first_name="Łukasz",
            last_name="Wiśniewski",
            dob=D(2021, 2, 14),
            team_id=south.id,
        )
        sian_child = Child(
            local_id="C0003",
            first_name="Siân",
            last_name="Llewelyn",
            dob=D(2012, 9, 30),
            team_id=north.id,
        )
        closed = Child(
            local_id="C0004",
            first_name="Aoife",
            last_name="Ní Dhomhnaill",
            dob=D(2010, 1, 5),
            team_id=south.id,
        )
        s.add_all([zoe, lukasz_child, sian_child, closed])
        s.flush()

        p1 = PeriodOfCare(child_id=zoe.id, start=D(2024, 3, 25), iro_id=lukasz.id)
        p2 = PeriodOfCare(child_id=sian_child.id, start=D(2023, 1, 9), iro_id=lukasz.id)
        p3 = PeriodOfCare(
            child_id=closed.id, start=D(2022, 1, 3), end_date=D(2023, 6, 1), iro_id=lukasz.id
        )
        s.add_all([p1, p2, p3])
        enquiry = CpEnquiry(
            child_id=lukasz_child.id,
            route="s47",
            strategy_date=D(2023, 12, 1),
            closed_date=D(2023, 12, 20),
        )
        s.add(enquiry)
        s.flush()
        plan = CpPlan(
            child_id=lukasz_child.id,
            enquiry_id=enquiry.id,
            start=D(2023, 12, 20),
            initial_category="NEG",
            latest_category="NEG",
            chair_id=maire.id,
        )
        s.add(plan)
        s.flush()

        icpc = Meeting(
            child_id=lukasz_child.id,
            process="cp",
            meeting_type="icpc",
            sequence=1,
            enquiry_id=enquiry.id,
            plan_id=plan.id,
            status="held",
            booked_date=D(2023, 12, 20),
            booked_time=T(10, 0),
            held_date=D(2023, 12, 20),
            chair_id=maire.id,
            room_id=room_a.id,
            clerk_id=sian.id,
            outcome="Plan made",
        )
        zoe_first = Meeting(
            child_id=zoe.id,
            process="lac",
            meeting_type="lac_review",
            sequence=1,
            period_id=p1.id,
            status="booked",
            booked_date=D(2024, 4, 11),
            booked_time=T(10, 0),
            chair_id=lukasz.id,
            room_id=room_a.id,
            clerk_id=sian.id,
        )
        # A double booking: the same chair and room at overlapping times on the same day.
        sian_review = Meeting(
            child_id=sian_child.id,
            process="lac",
            meeting_type="lac_review",
            sequence=4,
            period_id=p2.id,
            status="booked",
            booked_date=D(2024, 4, 11),
            booked_time=T(10, 30),
            chair_id=lukasz.id,
            room_id=room_a.id,
        )
        rcpc = Meeting(
            child_id=lukasz_child.id,
            process="cp",
            meeting_type="rcpc_first",
            sequence=1,
            plan_id=plan.id,
            status="booked",
            booked_date=D(2024, 3, 14),
            booked_time=T(13, 30),
            chair_id=maire.id,
            room_id=room_b.id,
            clerk_id=sian.id,
        )
        s.add_all([icpc, zoe_first, sian_review, rcpc])
        for n, held in enumerate((D(2023, 2, 2), D(2023, 5, 2), D(2023, 11, 6)), start=1):
            s.add(
                Meeting(
                    child_id=sian_child.id,
                    process="lac",
                    meeting_type="lac_review",
                    sequence=n,
                    period_id=p2.id,
                    status="held",
                    booked_date=held,
                    booked_time=T(14, 0),
                    held_date=held,
                    chair_id=lukasz.id,
                    room_id=room_b.id,
                    participation="PN1",
                    quorate=True,
                    decisions_issued=held + dt.timedelta(days=4),
                    minutes_distributed=held + dt.timedelta(days=21),
                )
            )
        s.flush()
        s.add_all(
            [
                Report(meeting_id=zoe_first.id, author="Zoë Clarke", agency="social_worker"),
                Report(meeting_id=zoe_first.id, author="Dr Siân Hughes", agency="health"),
            ]
        )
        ids.update(
            lukasz=lukasz.id,
            maire=maire.id,
            sian=sian.id,
            room_a=room_a.id,
            room_b=room_b.id,
            zoe=zoe.id,
            lukasz_child=lukasz_child.id,
            sian_child=sian_child.id,
            closed=closed.id,
            zoe_first=zoe_first.id,
            sian_review=sian_review.id,
            rcpc=rcpc.id,
            icpc=icpc.id,
            north=north.id,
            south=south.id,
        )
    return ids
