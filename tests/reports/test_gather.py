"""Documents where the data cannot judge (one year's census imported; plans begun the year
before): the weekly schedule and the packs say "not judged (why)" of a meeting held and "due
date not known (why)" of one still to come, never a wrong or blank verdict or due date."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from sqlalchemy import select

from reviewdesk import actions
from reviewdesk.reports.gather import judge_meetings
from reviewdesk.reports.packs import build_pack
from reviewdesk.reports.weekly import build_weekly, collect_week
from reviewdesk.scheduling import Booking
from reviewdesk.settings import working_context
from reviewdesk.storage.models import Child, Meeting
from tests.dbfixtures import db, db_target, open_db  # noqa: F401
from tests.importers.test_cin_elements import census, imported, plan
from tests.reports.pdfcheck import read_pdf

WEEK = dt.date(2023, 8, 14)
SUNDAY = dt.date(2023, 8, 20)
PRINTED = dt.date(2023, 8, 21)
NOT_IN_DATA = "(no CIN census before 2023-24 is imported)"
#: Held on a plan begun in 2022-23, the year not imported: its previous conference may be there.
HELD_WHY = f"previous conference not in the data {NOT_IN_DATA}"
#: A plan begun in 2022-23 with no review in 2023-24: its last review may be in 2022-23.
DUE_WHY = f"a review conference may have been held that is not in the data {NOT_IN_DATA}"


def _two_children() -> str:
    """The 2023-24 census: Q771 reviewed on Sun 20/08/2023, Q772 not reviewed in the year."""
    reviewed, unreviewed = (
        census(
            "2024-03-31",
            "<CINreferralDate>2022-05-01</CINreferralDate>"
            "<DateOfInitialCPC>2022-06-20</DateOfInitialCPC>" + plan("2022-06-20", *reviews),
        ).replace("<LAchildID>P1</LAchildID>", f"<LAchildID>{local_id}</LAchildID>")
        for local_id, reviews in (("Q771", ("2023-08-20",)), ("Q772", ()))
    )
    second = unreviewed[unreviewed.index("<Child>") : unreviewed.index("</Children>")]
    return reviewed.replace("</Children>", second + "</Children>")


@pytest.fixture
def unknowns(db, tmp_path):  # noqa: F811
    """The census imported, and Q772's review conference booked for Thu 17/08/2023."""
    imported(db, tmp_path, _two_children())
    with db.session() as s:
        ids = {local_id: cid for local_id, cid in s.execute(select(Child.local_id, Child.id))}
    booked = actions.book_meeting(
        db, actions.whoami(db), ids["Q772"], "rcpc_subsequent", Booking(dt.date(2023, 8, 17))
    ).result
    with db.session() as s:
        held = s.scalar(
            select(Meeting.id)
            .where(Meeting.child_id == ids["Q771"])
            .where(Meeting.held_date == dt.date(2023, 8, 20))
        )
    return db, held, booked


def test_the_judgements(unknowns) -> None:
    database, held, booked = unknowns
    with database.session() as s:
        rules, calendar = working_context(s)
        children = s.scalars(select(Child.id)).all()
        judged = judge_meetings(s, as_of=SUNDAY, rules=rules, calendar=calendar, child_ids=children)
    assert held not in judged.timeliness and booked not in judged.timeliness
    assert judged.unknown(held) == f"not judged ({HELD_WHY})"
    assert judged.unknown(booked) == f"due date not known ({DUE_WHY})"


def test_the_weekly_schedule_says_not_judged(unknowns) -> None:
    database, held, booked = unknowns
    out = io.BytesIO()
    with database.session() as s:
        schedule = collect_week(s, WEEK)
        build_weekly(s, week=WEEK, as_of=PRINTED, out=out, invariant=True)
    shown = {m.meeting_id: m for m in schedule.meetings}
    assert shown[held].unknown == f"not judged ({HELD_WHY})"
    assert shown[booked].unknown == f"due date not known ({DUE_WHY})"
    text = " ".join(read_pdf(out.getvalue()).all_text.split())
    assert text.count(f"not judged ({HELD_WHY})") == 2  # by chair and by room
    assert text.count(f"due date not known ({DUE_WHY})") == 2


def test_the_packs_say_not_judged(unknowns) -> None:
    database, held, booked = unknowns
    with database.session() as s:
        for meeting_id in (held, booked):
            out = io.BytesIO()
            build_pack(s, meeting_id, as_of=PRINTED, out=out, invariant=True)
            text = " ".join(read_pdf(out.getvalue()).texts[0].split())
            if meeting_id == held:
                assert f"Due by Not judged ({HELD_WHY})" in text
                assert f"Held Sun 20/08/2023 not judged ({HELD_WHY})" in text
            else:
                assert f"Due by Due date not known ({DUE_WHY})" in text
            assert "does not say what started the clock" not in text
            assert "timescale" not in text  # neither in nor out: not judged
