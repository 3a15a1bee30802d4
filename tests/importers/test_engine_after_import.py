"""After an import, the due-date engine runs on the imported history.

The engine takes plain values; these tests read them from the database the way any caller
would (periods with the legal status of their first episode, held meetings by date) and check
that a review held late in the file is out of timescale and that an open case has its next
meeting due.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from reviewdesk.engine import CpEpisodeInput, PeriodInput, cp_schedule, lac_schedule
from reviewdesk.settings import working_context
from reviewdesk.storage.models import Child
from tests.actions.shortcuts import import_903, import_cin
from tests.importers.conftest import write
from tests.importers.generate import CinChild, cin_xml

D = dt.date
EP_COLS = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC"


def _lac(db, local_id: str, as_of: dt.date):
    with db.session() as s:
        rules, calendar = working_context(s)
        child = s.scalars(select(Child).where(Child.local_id == local_id)).one()
        periods = [
            PeriodInput(p.start, p.end_date, p.episodes[0].legal_status) for p in child.periods
        ]
        held = [m.held_date for m in child.meetings if m.meeting_type == "lac_review"]
        return lac_schedule(periods, held, rules=rules, calendar=calendar, as_of=as_of)


def test_a_late_lac_review_in_the_file_is_out_of_timescale_and_the_next_is_due(
    db, tmp_path
) -> None:
    header = write(tmp_path, "header.csv", "CHILD,SEX,DOB\nL1,1,01/02/2015\nL2,2,01/02/2012\n")
    episodes = write(
        tmp_path,
        "episodes.csv",
        f"{EP_COLS}\n"
        "L1,25/03/2024,S,C1,N1,U1,PR1,10/05/2024,X1\n"
        "L1,10/05/2024,L,C2,N1,U1,PR1,,\n"
        "L2,25/03/2024,S,C2,N1,U1,PR1,,\n",
    )
    reviews = write(
        tmp_path,
        "reviews.csv",
        "CHILD,REVIEW,REVIEW_CODE\n"
        "L1,26/04/2024,PN1\n"  # due Wed 24/04/2024 (20 working days): two days late
        "L2,22/04/2024,PN1\n",  # on time
    )
    assert import_903(db, header, episodes, reviews).errors == []

    late = _lac(db, "L1", as_of=D(2024, 6, 1))
    [review] = late.reviews
    assert review.due.date == D(2024, 4, 24)
    assert review.held == D(2024, 4, 26) and not review.in_timescale
    assert late.next_due is not None and late.next_due.sequence == 2
    assert late.next_due.due.date == D(2024, 7, 26)  # 3 months after the date actually held
    assert not late.next_due.overdue

    on_time = _lac(db, "L2", as_of=D(2024, 6, 1))
    assert [r.in_timescale for r in on_time.reviews] == [True]
    assert on_time.next_due.sequence == 2


def test_a_series_of_short_breaks_gets_the_short_breaks_timescale(db, tmp_path) -> None:
    header = write(tmp_path, "header.csv", "CHILD,SEX,DOB\nS1,1,01/02/2015\n")
    episodes = write(
        tmp_path,
        "episodes.csv",
        f"{EP_COLS}\n"
        "S1,08/01/2024,S,V3,N1,U1,PR1,10/01/2024,E8\n"
        "S1,05/02/2024,S,V3,N1,U1,PR1,07/02/2024,E8\n"
        "S1,04/03/2024,S,V3,N1,U1,PR1,,\n",
    )
    reviews = write(tmp_path, "reviews.csv", "CHILD,REVIEW,REVIEW_CODE\nS1,02/04/2024,PN1\n")
    assert import_903(db, header, episodes, reviews).errors == []
    schedule = _lac(db, "S1", as_of=D(2024, 5, 1))
    [review] = schedule.reviews
    # One period over the series: the first review counts from the first break, 3 months.
    assert review.sequence == 1 and review.in_timescale
    assert review.due.date == D(2024, 4, 8)


def test_cp_conferences_from_the_census_are_assessed_and_the_next_is_due(db, tmp_path) -> None:
    kid = CinChild(
        "P1",
        D(2016, 5, 1),
        s47=D(2024, 3, 25),
        icpc=D(2024, 4, 19),  # due Wed 17/04/2024 (15 working days): late
        plan_start=D(2024, 4, 19),
        reviews=[D(2024, 7, 15)],  # within 3 months of the ICPC
    )
    assert import_cin(db, write(tmp_path, "cin.xml", cin_xml([kid]))).errors == []
    with db.session() as s:
        rules, calendar = working_context(s)
        child = s.scalars(select(Child)).one()
        [enquiry], [plan] = child.enquiries, child.plans
        initial = [m for m in child.meetings if m.sequence == 0]
        reviews = [m.held_date for m in child.meetings if m.plan_id == plan.id and m.sequence]
        episode = CpEpisodeInput(
            route=enquiry.route,
            strategy_date=enquiry.strategy_date,
            initial_held=initial[0].held_date,
            initial_type=initial[0].meeting_type,
            plan_start=plan.start,
            plan_end=plan.end_date,
            reviews_held=tuple(reviews),
        )
    schedule = cp_schedule([episode], rules=rules, calendar=calendar, as_of=D(2024, 9, 1))
    icpc, first_review = schedule.conferences
    assert (icpc.meeting_type, icpc.due.date, icpc.in_timescale) == ("icpc", D(2024, 4, 17), False)
    assert (first_review.meeting_type, first_review.in_timescale) == ("rcpc_first", True)
    assert schedule.next_due.meeting_type == "rcpc_subsequent"
    assert schedule.next_due.due.date == D(2025, 1, 15)
