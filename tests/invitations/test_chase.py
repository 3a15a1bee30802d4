"""The chase list (`reviewdesk.invitations.chase`): the reports the dashboard's "Late reports"
tile counts are the ones it lists."""

from __future__ import annotations

import datetime as dt

from reviewdesk.dashboard import snapshot
from reviewdesk.invitations.chase import chase_rows
from reviewdesk.settings import working_context
from reviewdesk.storage.models import Meeting
from tests.invitations.scenario import DAY, conference, invite_proposed

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
