"""A small register for IRO oversight's tests: two IROs and a CP chair, a looked-after child
with three reviews held, and a child on a CP plan with its initial conference.

    ids = oversight_case(db)

Dates are explicit (the as-of date in these tests is Wed 10/04/2024, after Easter 2024).
"""

from __future__ import annotations

import datetime as dt

from reviewdesk import actions
from reviewdesk.storage.db import Database
from reviewdesk.storage.models import (
    Child,
    CpEnquiry,
    CpPlan,
    Episode,
    EscalationStage,
    Meeting,
    PeriodOfCare,
    Staff,
    Team,
)

D = dt.date
AS_OF = D(2024, 4, 10)


def _meeting(child: Child, **values) -> Meeting:
    values.setdefault("status", "held")
    if values["status"] == "held":
        values.setdefault("held_date", values.get("booked_date"))
    meeting = Meeting(child_id=child.id, **values)
    return meeting


def oversight_case(db: Database) -> dict[str, int]:
    """Add the register (as the database's administrator); returns the ids by name."""
    with db.session() as s:
        team = Team(name="North Team")
        s.add(team)
        s.flush()
        sian = Staff(name="Siân Evans", role="iro", team_id=team.id)
        lukasz = Staff(name="Łukasz Nowak", role="iro", team_id=team.id)
        maire = Staff(name="Máire Ó Briain", role="cp_chair", team_id=team.id)
        worker = Staff(name="Zoë Clarke", role="social_worker", team_id=team.id)
        s.add_all([sian, lukasz, maire, worker])
        s.flush()
        zoe = Child(
            local_id="Z1",
            first_name="Zoë",
            last_name="Ó Briain",
            dob=D(2012, 5, 1),
            team_id=team.id,
        )
        wiktor = Child(
            local_id="W1",
            first_name="Wiktor",
            last_name="Wiśniewski",
            dob=D(2019, 2, 14),
            team_id=team.id,
        )
        s.add_all([zoe, wiktor])
        s.flush()
        period = PeriodOfCare(
            child_id=zoe.id,
            start=D(2023, 6, 5),
            iro_id=sian.id,
            iro_notified=D(2023, 6, 5),
            iro_allocated=D(2023, 6, 6),
        )
        period.episodes.append(Episode(start=D(2023, 6, 5), legal_status="C2", rne="S"))
        s.add(period)
        s.flush()
        for day, code in ((D(2023, 7, 3), "PN1"), (D(2023, 10, 2), "PN5"), (D(2024, 3, 25), "PN1")):
            s.add(
                _meeting(
                    zoe,
                    process="lac",
                    meeting_type="lac_review",
                    period_id=period.id,
                    booked_date=day,
                    chair_id=sian.id,
                    participation=code,
                )
            )
        enquiry = CpEnquiry(
            child_id=wiktor.id,
            route="s47",
            strategy_date=D(2023, 12, 18),
            closed_date=D(2024, 1, 10),
        )
        s.add(enquiry)
        s.flush()
        plan = CpPlan(
            child_id=wiktor.id,
            enquiry_id=enquiry.id,
            start=D(2024, 1, 10),
            initial_category="NEG",
            latest_category="NEG",
            chair_id=maire.id,
        )
        s.add(plan)
        s.flush()
        icpc = _meeting(
            wiktor,
            process="cp",
            meeting_type="icpc",
            sequence=0,
            enquiry_id=enquiry.id,
            plan_id=plan.id,
            booked_date=D(2024, 1, 10),
            chair_id=maire.id,
            quorate=True,
            outcome="Plan made",
        )
        s.add(icpc)
        s.flush()
        ids = {
            "team": team.id,
            "sian": sian.id,
            "lukasz": lukasz.id,
            "maire": maire.id,
            "zoe": zoe.id,
            "wiktor": wiktor.id,
            "period": period.id,
            "plan": plan.id,
            "enquiry": enquiry.id,
            "icpc": icpc.id,
        }
    return ids


def raise_challenge(db: Database, child_id: int, raised_by: int, raised_on: dt.date, **kw) -> int:
    """Raise a challenge as the database's user; its id."""
    new = actions.NewEscalation(
        process=kw.pop("process", "lac"),
        raised_by_id=raised_by,
        raised_on=raised_on,
        theme=kw.pop("theme", "Placement stability"),
        concern=kw.pop("concern", "Third move in a year"),
        **kw,
    )
    return actions.raise_escalation(db, actions.whoami(db), child_id, new, as_of=AS_OF).result


def spring_2024(db: Database) -> dict[str, int]:
    """`oversight_case` with March-April 2024's challenges, contacts, voice and an inquorate
    conference (see tests/oversight/test_figures.py for each figure)."""
    ids = oversight_case(db)
    me = actions.whoami(db)
    late = D(2024, 4, 30)
    a = raise_challenge(db, ids["zoe"], ids["sian"], D(2024, 3, 4), theme="Health")
    _resolve(db, a, D(2024, 3, 8), "resolved")
    b = raise_challenge(db, ids["zoe"], ids["sian"], D(2024, 3, 11))
    actions.add_escalation_stage(db, me, b, 1, D(2024, 3, 18), as_of=late)
    _resolve(db, b, D(2024, 4, 22), "partly_resolved", cafcass=D(2024, 4, 22))
    raise_challenge(
        db, ids["wiktor"], ids["maire"], D(2024, 4, 2), process="cp", theme="Care plan quality"
    )
    for day, midway in ((D(2024, 1, 5), True), (D(2024, 2, 9), False)):
        actions.record_contact(
            db,
            me,
            ids["zoe"],
            actions.NewContact(ids["sian"], day, "visit", True, midway),
            as_of=late,
        )
    with db.session() as s:
        review = s.query(Meeting).filter_by(child_id=ids["zoe"], held_date=D(2024, 3, 25)).one()
        s.add(
            Meeting(
                child_id=ids["wiktor"],
                process="cp",
                meeting_type="rcpc_first",
                sequence=1,
                plan_id=ids["plan"],
                status="adjourned",
                booked_date=D(2024, 4, 3),
                quorate=False,
                chair_id=ids["maire"],
            )
        )
    voice = actions.Voice(
        by_form=True, advocacy_offered=True, advocacy_taken_up=False, consultation="returned"
    )
    actions.record_child_voice(db, me, review.id, voice, expected_version=0)
    return ids


def _resolve(db, eid: int, day: dt.date, outcome: str, cafcass: dt.date | None = None) -> None:
    with db.session() as s:
        theme = s.query(EscalationStage).filter_by(escalation_id=eid).first().escalation.theme
        words = theme.text
    actions.update_escalation(
        db,
        actions.whoami(db),
        eid,
        actions.EscalationUpdate(words, "Concern", day, outcome, "Done", cafcass),
        as_of=D(2024, 4, 30),
        expected_version=1,
    )
