"""A conference's outcome and the child's CP plan (`record_outcome`): "Plan made" at an
initial conference starts the plan on the day held, so the first review conference is due
within 3 months of it (docs/domain.md, `cp.review.first`) from then on, not only once a CIN census
import brings the plan; "Plan ended" at a review conference ends it."""

from __future__ import annotations

import datetime as dt

import pytest

from reviewdesk import actions
from reviewdesk.actions.meetings import Outcome
from reviewdesk.casework.mapping import next_dues_shown
from reviewdesk.casework.register import Register
from reviewdesk.dashboard import snapshot, update_snapshot
from reviewdesk.errors import InvalidInput
from reviewdesk.flags import compute_flags
from reviewdesk.storage.models import CpPlan, Meeting
from tests.invitations.scenario import DAY, conference

D = dt.date


def _record(db, meeting_id: int, day: dt.date, outcome: str, category: str | None = None):
    with db.session() as s:
        version = s.get(Meeting, meeting_id).version
    return actions.record_outcome(
        db,
        actions.whoami(db),
        meeting_id,
        Outcome(parts=[day], quorate=True, outcome=outcome, category=category),
        late=False,
        as_of=day,
        expected_version=version,
    )


def _plans(db, child_id: int) -> list[tuple]:
    with db.session() as s:
        return [
            (p.start, p.end_date, p.initial_category, p.enquiry_id)
            for p in s.query(CpPlan).filter_by(child_id=child_id).order_by(CpPlan.start)
        ]


def _next_cp(db, child_id: int, as_of: dt.date) -> list[tuple[str, dt.date]]:
    with db.session() as s:
        status = Register(s, as_of=as_of, children=[child_id]).statuses[child_id]
        return [(n.meeting_type, n.due.date) for n in (status.cp.nexts if status.cp else [])]


def test_plan_made_at_the_initial_conference_starts_the_plan_and_its_first_review(db) -> None:
    ids = conference(db)  # the initial conference on Mon 20/05/2024
    assert _plans(db, ids["child"]) == []
    _record(db, ids["meeting"], DAY, "Plan made", "EMO")
    with db.session() as s:
        enquiry = s.get(Meeting, ids["meeting"]).enquiry_id
    assert _plans(db, ids["child"]) == [(DAY, None, "EMO", enquiry)]
    # Within 3 months of the initial conference: by Tue 20/08/2024.
    assert _next_cp(db, ids["child"], D(2024, 5, 21)) == [("rcpc_first", D(2024, 8, 20))]
    with db.session() as s:
        overdue = [
            f.reason
            for f in compute_flags(s, as_of=D(2024, 8, 21))
            if f.code == "overdue" and f.child_id == ids["child"]
        ]
    assert len(overdue) == 1 and "due by 20/08/2024" in overdue[0]


def test_a_corrected_held_date_moves_the_plan_it_started(db) -> None:
    """Recorded as held on the wrong day, then corrected: the plan the conference started
    starts on the day it was really held; a second plan did not start."""
    ids = conference(db)
    _record(db, ids["meeting"], DAY, "Plan made", "NEG")
    _record(db, ids["meeting"], D(2024, 5, 17), "Plan made", "NEG")  # it was the Friday
    assert [p[:2] for p in _plans(db, ids["child"])] == [(D(2024, 5, 17), None)]
    assert _next_cp(db, ids["child"], D(2024, 5, 21)) == [("rcpc_first", D(2024, 8, 17))]


def test_no_plan_needed_or_a_plan_open_already_starts_none(db) -> None:
    ids = conference(db)
    _record(db, ids["meeting"], DAY, "No plan needed")
    assert _plans(db, ids["child"]) == []
    assert _next_cp(db, ids["child"], D(2024, 5, 21)) == []
    with db.session() as s:
        s.add(CpPlan(child_id=ids["child"], start=D(2024, 5, 1), initial_category="NEG"))
    _record(db, ids["meeting"], DAY, "Plan made", "EMO")  # (recorded again, corrected)
    assert _plans(db, ids["child"]) == [(D(2024, 5, 1), None, "NEG", None)]


def _review_booked(db) -> tuple[dict, int, dt.date]:
    """A plan made at the initial conference, and its 1st review conference booked."""
    ids = conference(db)
    _record(db, ids["meeting"], DAY, "Plan made", "NEG")
    review_day = D(2024, 8, 15)
    with db.session() as s:
        first = s.get(Meeting, ids["meeting"])
        review = Meeting(
            child_id=first.child_id,
            process="cp",
            meeting_type="rcpc_first",
            status="booked",
            booked_date=review_day,
            booked_time=dt.time(10, 0),
            chair_id=first.chair_id,
        )
        s.add(review)
        s.flush()
        return ids, review.id, review_day


def test_plan_ended_at_a_review_conference_ends_it_on_the_day(db) -> None:
    ids, review_id, review_day = _review_booked(db)
    _record(db, review_id, review_day, "Plan ended")
    [(start, end, _category, _enquiry)] = _plans(db, ids["child"])
    assert (start, end) == (DAY, review_day)
    assert _next_cp(db, ids["child"], D(2024, 8, 16)) == []


def test_the_last_conference_still_owes_its_minutes_on_the_dashboard(db) -> None:
    """The plan ended at the conference closes the case, and its minutes are still owed: the
    dashboard's "Minutes overdue" counts the child once the deadline has passed, whether the
    window works out the edit's children again or reads the register afresh."""
    ids, review_id, review_day = _review_booked(db)
    later = D(2024, 9, 30)  # minutes: 20 working days after 15/08/2024 (12/09/2024)
    with db.session() as s:
        before = snapshot(s, as_of=later)
    changes = _record(db, review_id, review_day, "Plan ended")
    with db.session() as s:
        fresh = snapshot(s, as_of=later)
        updated = update_snapshot(s, before, changes.children)
    assert updated == fresh
    tile = fresh.tiles["minutes_overdue"]
    assert ids["child"] in tile.ids
    assert any("12/09/2024" in why for why in tile.reasons[ids["child"]])
    with db.session() as s:
        assert ids["child"] not in next_dues_shown(
            Register(s, as_of=later, children=[ids["child"]], open_only=True).statuses
        )


def test_a_category_not_known_is_refused_and_nothing_is_saved(db) -> None:
    ids = conference(db)
    with pytest.raises(InvalidInput, match="category of abuse: unknown code 'XYZ'"):
        _record(db, ids["meeting"], DAY, "Plan made", "XYZ")
    assert _plans(db, ids["child"]) == []
    with db.session() as s:
        assert s.get(Meeting, ids["meeting"]).status == "booked"


def test_the_cin_census_brings_the_same_plan_not_a_second(db, tmp_path) -> None:
    """The plan started from the conference's outcome is the one the next CIN census
    reports (`CPPstartDate` the conference's day): the import keeps it, one plan, with the
    census's category, and the review conference it reports is counted on it."""
    from tests.actions.shortcuts import import_cin
    from tests.importers.conftest import write
    from tests.importers.generate import CinChild, cin_xml

    ids = conference(db)  # Zoë Brontë, R100, born 01/03/2016; s47 from 01/05/2024
    _record(db, ids["meeting"], DAY, "Plan made", "NEG")
    census = CinChild(
        "R100",
        D(2016, 3, 1),
        D(2024, 5, 1),
        DAY,
        plan_start=DAY,
        category="PHY",
        reviews=[D(2024, 8, 15)],
    )
    result = import_cin(db, write(tmp_path, "cin.xml", cin_xml([census])))
    assert result.errors == []
    [(start, end, category, _enquiry)] = _plans(db, ids["child"])
    assert (start, end, category) == (DAY, None, "PHY")
    # The review conference it brought is the first; the next is due 6 months on.
    assert _next_cp(db, ids["child"], D(2024, 9, 1)) == [("rcpc_subsequent", D(2025, 2, 15))]
