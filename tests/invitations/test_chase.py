"""The chase list (`reviewdesk.invitations.chase`): the reports the dashboard's "Late reports"
tile counts are the ones it lists."""

from __future__ import annotations

import datetime as dt
import io

from reviewdesk.dashboard import snapshot
from reviewdesk.flags import compute_flags
from reviewdesk.invitations.chase import chase_rows
from reviewdesk.reports.chase import build_chase
from reviewdesk.settings import working_context
from reviewdesk.storage.models import Meeting
from tests.invitations.scenario import DAY, conference, invite_proposed
from tests.reports.pdfcheck import read_pdf

D = dt.date


def test_a_meeting_recorded_as_held_after_the_as_of_date_still_has_its_reports_to_chase(
    db,
) -> None:
    """Looked at as of a date before it was held, a meeting is still to take place
    (`vocabulary.is_upcoming`): the tile counted its overdue reports, while the chase list,
    reading booked or adjourned meetings only, listed none of them."""
    ids = conference(db)
    invite_proposed(db, ids["meeting"])
    with db.session() as s:
        meeting = s.get(Meeting, ids["meeting"])
        meeting.status, meeting.held_date = "held", DAY  # held on Mon 20/05/2024
    as_of = D(2024, 5, 18)  # Saturday: the reports were due by Fri 17/05
    with db.session() as s:
        tile = snapshot(s, as_of=as_of).tiles["late_reports"]
        rules, calendar = working_context(s)
        rows = chase_rows(s, as_of=as_of, within=0, rules=rules, calendar=calendar)
    assert tile.ids == {ids["child"]}
    assert rows and {r.child_id for r in rows} == tile.ids
    assert all(r.meeting_date == DAY for r in rows)
    # The reports the tile gives as not received are the ones listed, one by one.
    not_received = [w for w in tile.reasons[ids["child"]] if w.endswith("has not been received")]
    assert len(rows) == len(not_received) == 4
    assert all(any(f"Report from {r.author} " in w for w in not_received) for r in rows)
    # Once it is held (as of the day after), there is nothing left to chase.
    with db.session() as s:
        rules, calendar = working_context(s)
        after = chase_rows(
            s, as_of=DAY + dt.timedelta(days=1), within=0, rules=rules, calendar=calendar
        )
    assert after == []


def test_on_a_day_off_after_the_deadline_the_reports_are_overdue_as_the_flags_say(
    db,
) -> None:
    """The chase list marked a report overdue only once a working day had passed since its
    deadline: on the Saturday after a Friday deadline (or a bank holiday after the day
    before's) it said "due today", not overdue, while `reviewdesk flags` and the dashboard's
    "Late reports" tile had it overdue (the demo authority as of Sat 06/12/2025)."""
    ids = conference(db)
    invite_proposed(db, ids["meeting"])  # the conference on Mon 20/05/2024
    saturday = D(2024, 5, 18)  # the reports were due by Fri 17/05
    with db.session() as s:
        flagged = {
            f.meeting_id
            for f in compute_flags(s, as_of=saturday)
            if f.code == "report_overdue" and f.child_id == ids["child"]
        }
        rules, calendar = working_context(s)
        rows = chase_rows(s, as_of=saturday, within=0, rules=rules, calendar=calendar)
        out = io.BytesIO()
        build_chase(s, as_of=saturday, within=0, out=out, invariant=True)
    assert flagged == {ids["meeting"]}
    assert len(rows) == 4 and all(r.due == D(2024, 5, 17) and r.overdue for r in rows)
    text = read_pdf(out.getvalue()).all_text
    assert "4 reports not received for meetings still to come, 4 already past the deadline" in (
        " ".join(text.split())
    )
    assert "due today" not in text
    # On the Friday itself they are due that day, not yet overdue (as the flags say).
    with db.session() as s:
        friday = [
            f
            for f in compute_flags(s, as_of=D(2024, 5, 17))
            if f.code == "report_overdue" and f.child_id == ids["child"]
        ]
        rows = chase_rows(s, as_of=D(2024, 5, 17), within=0, rules=rules, calendar=calendar)
    assert not friday and len(rows) == 4 and not any(r.overdue for r in rows)


def test_a_meeting_whose_day_passed_unrecorded_is_to_record_not_to_chase(db) -> None:
    """A conference booked for a day now past and never recorded: the "Late reports" tile
    counted its reports (402 on the demo authority as of 05/01/2026) while the chase list,
    rightly, left them out. Both now leave them out, and the meeting is flagged for its
    outcome to be recorded under "Other things to check"."""
    ids = conference(db)
    invite_proposed(db, ids["meeting"])  # the conference on Mon 20/05/2024, not recorded
    as_of = D(2024, 5, 22)
    with db.session() as s:
        snap = snapshot(s, as_of=as_of)
        flagged = {(f.code, f.meeting_id) for f in compute_flags(s, as_of=as_of)}
        rules, calendar = working_context(s)
        rows = chase_rows(s, as_of=as_of, within=10, rules=rules, calendar=calendar)
    assert ("report_overdue", ids["meeting"]) in flagged  # as history, in `reviewdesk flags`
    assert ("outcome_not_recorded", ids["meeting"]) in flagged
    assert snap.tiles["late_reports"].ids == frozenset() and rows == []
    assert snap.tiles["to_check"].ids == {ids["child"]}
    assert any(
        "booked for 20/05/2024 (2 days ago) and its outcome is not recorded" in why
        for why in snap.tiles["to_check"].reasons[ids["child"]]
    )
    # Moved to today (its reports due yesterday): to chase again, and nothing to record.
    with db.session() as s:
        s.get(Meeting, ids["meeting"]).booked_date = as_of
    with db.session() as s:
        snap = snapshot(s, as_of=as_of)
        rows = chase_rows(s, as_of=as_of, within=10, rules=rules, calendar=calendar)
    assert snap.tiles["late_reports"].ids == {ids["child"]}
    assert {r.child_id for r in rows} == {ids["child"]}
    assert ids["child"] not in snap.tiles["to_check"].ids
