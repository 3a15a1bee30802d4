"""A child's record through the door: completing an imported child's details, allocating a
team, a social worker and an IRO with their history kept, and the flags that then clear;
meetings a closed case does not call for are refused; moves and reasons are kept."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from reviewdesk import actions, queries
from reviewdesk.errors import InvalidInput
from reviewdesk.flags import compute_flags
from reviewdesk.scheduling import Booking
from reviewdesk.storage.locking import ConcurrentChange
from reviewdesk.storage.models import (
    Allocation,
    Child,
    CpEnquiry,
    Meeting,
    MeetingMove,
    MeetingReason,
    PeriodOfCare,
    Staff,
    Team,
)

D = dt.date
AS_OF = D(2024, 5, 1)


@pytest.fixture
def imported(db):
    """A child as a 903 import leaves one: an ID, a period of care, nobody allocated."""
    with db.session() as s:
        north, south = Team(name="North"), Team(name="South")
        iro = Staff(name="Łukasz Nowak", role="iro")
        other = Staff(name="Máire Ó Briain", role="iro")
        worker = Staff(name="Zoë Clarke", role="social_worker")
        clerk = Staff(name="Siân Evans", role="clerk")
        child = Child(local_id="903-0042", dob=D(2012, 9, 30))
        child.periods.append(PeriodOfCare(start=D(2024, 3, 4)))
        s.add_all([north, south, iro, other, worker, clerk, child])
        s.flush()
        return {
            "child": child.id,
            "period": child.periods[0].id,
            "north": north.id,
            "south": south.id,
            "iro": iro.id,
            "other": other.id,
            "worker": worker.id,
            "clerk": clerk.id,
        }


def _version(db, model, key) -> int:
    with db.session() as s:
        return s.get(model, key).version


def _codes(db, child_id) -> set[str]:
    with db.session() as s:
        return {f.code for f in compute_flags(s, as_of=AS_OF) if f.child_id == child_id}


def test_an_imported_child_is_completed_and_its_flags_clear(db, imported) -> None:
    me = actions.whoami(db)
    cid = imported["child"]
    assert {"iro_not_allocated", "iro_service_not_notified"} <= _codes(db, cid)
    with db.session() as s:
        assert queries.child_detail(s, cid).missing(AS_OF) == [
            "name",
            "team",
            "social worker",
            "IRO",
            "date the IRO service was told",
        ]
    actions.update_child(
        db,
        me,
        cid,
        actions.ChildDetails("  Siân ", "Llewelyn", dob=D(2012, 9, 30), sex="2", upn="a123"),
        expected_version=_version(db, Child, cid),
        today=AS_OF,
    )
    changes = actions.allocate(
        db,
        me,
        cid,
        actions.AllocationChange(
            on=D(2024, 3, 6),
            team_id=imported["north"],
            social_worker_id=imported["worker"],
            iro_id=imported["iro"],
            iro_notified=D(2024, 3, 5),
        ),
        expected_version=_version(db, Child, cid),
    )
    assert changes.children == {cid} and changes.touches("allocation", "period_of_care")
    assert not {"iro_not_allocated", "iro_service_not_notified"} & _codes(db, cid)
    with db.session() as s:
        detail = queries.child_detail(s, cid)
        assert detail.name == "Siân Llewelyn" and detail.upn == "A123" and detail.sex == "2"
        assert detail.missing(AS_OF) == []
        period = s.get(PeriodOfCare, imported["period"])
        assert (period.iro_id, period.iro_allocated, period.iro_notified) == (
            imported["iro"],
            D(2024, 3, 6),
            D(2024, 3, 5),
        )
        assert period.social_worker_id == imported["worker"]


def test_a_change_of_iro_and_team_keeps_the_history(db, imported) -> None:
    me = actions.whoami(db)
    cid = imported["child"]

    def allocate(on, team, iro, reason=None):
        actions.allocate(
            db,
            me,
            cid,
            actions.AllocationChange(on, team, imported["worker"], iro, D(2024, 3, 5), reason),
            expected_version=_version(db, Child, cid),
        )

    allocate(D(2024, 3, 6), imported["north"], imported["iro"])
    allocate(D(2024, 4, 15), imported["south"], imported["other"], "Moved to the south")
    with db.session() as s:
        rows = sorted(
            (a.kind, a.staff_id or a.team_id, a.start, a.end_date, a.reason)
            for a in s.scalars(select(Allocation).where(Allocation.child_id == cid))
        )
        assert rows == [
            ("iro", imported["iro"], D(2024, 3, 6), D(2024, 4, 15), None),
            ("iro", imported["other"], D(2024, 4, 15), None, "Moved to the south"),
            ("social_worker", imported["worker"], D(2024, 3, 6), None, None),
            ("team", imported["north"], D(2024, 3, 6), D(2024, 4, 15), None),
            ("team", imported["south"], D(2024, 4, 15), None, "Moved to the south"),
        ]
        period = s.get(PeriodOfCare, imported["period"])
        # The first allocation date stays (the timeliness flag's); the IRO is the new one.
        assert (period.iro_id, period.iro_allocated) == (imported["other"], D(2024, 3, 6))
        history = queries.child_detail(s, cid).allocations
        # Current allocations first, newest first; then the past ones.
        assert {(a.kind, a.name) for a in history[:2]} == {
            ("team", "South"),
            ("iro", "Máire Ó Briain"),
        }
        assert [(a.kind, a.end) for a in history[2:]] == [
            ("social_worker", None),
            ("iro", D(2024, 4, 15)),
            ("team", D(2024, 4, 15)),
        ]
    with pytest.raises(InvalidInput, match="before the current team was allocated"):
        allocate(D(2024, 4, 1), imported["north"], imported["other"])


def test_allocation_refuses_what_cannot_be_right(db, imported) -> None:
    me = actions.whoami(db)
    cid = imported["child"]
    version = _version(db, Child, cid)

    def change(**kwargs):
        values = {"on": D(2024, 3, 6), "team_id": None, "social_worker_id": None}
        return actions.AllocationChange(**{**values, **kwargs})

    with pytest.raises(InvalidInput, match="Siân Evans is not an IRO"):
        actions.allocate(db, me, cid, change(iro_id=imported["clerk"]), expected_version=version)
    with pytest.raises(InvalidInput, match="is not looked after on 01/03/2024"):
        actions.allocate(
            db, me, cid, change(on=D(2024, 3, 1), iro_id=imported["iro"]), expected_version=version
        )
    with pytest.raises(InvalidInput, match="social worker: Łukasz Nowak is not a"):
        actions.allocate(
            db, me, cid, change(social_worker_id=imported["iro"]), expected_version=version
        )
    with pytest.raises(ConcurrentChange):
        actions.allocate(
            db, me, cid, change(team_id=imported["north"]), expected_version=version + 1
        )
    with pytest.raises(InvalidInput, match="sex: 'X'"):
        actions.update_child(
            db, me, cid, actions.ChildDetails("A", "B", sex="x"), expected_version=version
        )
    with pytest.raises(InvalidInput, match="date of birth: 02/05/2024 is in the future"):
        actions.update_child(
            db,
            me,
            cid,
            actions.ChildDetails("A", "B", dob=D(2024, 5, 2)),
            expected_version=version,
            today=AS_OF,
        )
    with db.session() as s:
        assert s.get(Child, cid).version == version  # nothing was saved


def test_a_closed_case_is_not_booked_an_initial_conference(db, imported) -> None:
    """A child who left care on 25/11 was offered an "Initial" CP conference with no s47,
    and it saved: the action refuses it, and a LAC review after leaving care too."""
    me = actions.whoami(db)
    cid = imported["child"]
    with db.session() as s:
        s.get(PeriodOfCare, imported["period"]).end_date = D(2024, 11, 25)
    day = Booking(D(2024, 12, 2), dt.time(10))
    with pytest.raises(InvalidInput, match="needs an s47 enquiry .* and Siân|needs an s47"):
        actions.book_meeting(db, me, cid, "icpc", day)
    with pytest.raises(InvalidInput, match="not looked after on 02/12/2024"):
        actions.book_meeting(db, me, cid, "lac_review", day)
    # A review while still in care is fine; an s47 makes an initial conference bookable.
    assert actions.book_meeting(db, me, cid, "lac_review", Booking(D(2024, 11, 20))).result
    with db.session() as s:
        s.add(CpEnquiry(child_id=cid, route="s47", strategy_date=D(2024, 11, 28)))
    assert actions.book_meeting(db, me, cid, "icpc", day).result
    with db.session() as s:
        assert s.scalar(select(Meeting).where(Meeting.meeting_type == "icpc")) is not None


def test_a_move_is_kept_with_its_reason_who_and_when(db, imported) -> None:
    me = actions.whoami(db)
    cid = imported["child"]
    meeting = actions.book_meeting(
        db, me, cid, "lac_review", Booking(D(2024, 4, 11), dt.time(10))
    ).result
    for day, why in ((D(2024, 4, 16), "Room unavailable"), (D(2024, 4, 18), "Reports not ready")):
        actions.reschedule_meeting(
            db,
            me,
            meeting,
            Booking(day, dt.time(14)),
            why,
            expected_version=_version(db, Meeting, meeting),
        )
    with db.session() as s:
        moves = [
            (m.from_date, m.from_time, m.to_date, m.reason, m.moved_by)
            for m in s.scalars(select(MeetingMove).order_by(MeetingMove.id))
        ]
        assert moves == [
            (D(2024, 4, 11), dt.time(10), D(2024, 4, 16), "Room unavailable", me.username),
            (D(2024, 4, 16), dt.time(14), D(2024, 4, 18), "Reports not ready", me.username),
        ]
        assert s.get(Meeting, meeting).notes is None  # the history is not in the notes
        info = queries.child_detail(s, cid).meetings[0]
        assert [m.reason for m in info.moves] == ["Room unavailable", "Reports not ready"]


def test_reason_lists_grow_and_shrink(db) -> None:
    me = actions.whoami(db)
    new = actions.add_meeting_reason(db, me, "cancel", "  Child   adopted ").result
    with pytest.raises(InvalidInput, match="already in the list"):
        actions.add_meeting_reason(db, me, "cancel", "Child adopted")
    with pytest.raises(InvalidInput, match="kind of reason 'postpone'"):
        actions.add_meeting_reason(db, me, "postpone", "Snow")
    # The same words on the other list are a reason of their own.
    assert actions.add_meeting_reason(db, me, "reschedule", "Child adopted").result != new
    actions.retire_meeting_reason(db, me, new, expected_version=_version(db, MeetingReason, new))
    with db.session() as s:
        assert "Child adopted" not in [text for _i, text in queries.meeting_reasons(s, "cancel")]
        assert "Child adopted" in [text for _i, text in queries.meeting_reasons(s, "reschedule")]
    assert actions.add_meeting_reason(db, me, "cancel", "Child adopted").result == new


def test_a_cancelling_reason_is_offered_for_its_kind_of_meeting_only(db) -> None:
    """A CP conference was offered "Child no longer looked after", a LAC review "Child
    protection plan ended"."""
    me = actions.whoami(db)

    def offered(process: str | None) -> list[str]:
        with db.session() as s:
            return [text for _i, text in queries.meeting_reasons(s, "cancel", process)]

    assert "Child no longer looked after" in offered("lac")
    assert "Child no longer looked after" not in offered("cp")
    assert "Child protection plan ended" in offered("cp")
    assert "Child protection plan ended" not in offered("lac")
    assert "Booked in error" in offered("lac") and "Booked in error" in offered("cp")
    assert len(offered(None)) == len(offered("lac")) + 2  # every list, for Settings

    plan_moved = actions.add_meeting_reason(db, me, "cancel", "Core group decided", process="cp")
    assert "Core group decided" in offered("cp") and "Core group decided" not in offered("lac")
    # Retired, then taken back for every meeting: it follows the new choice.
    actions.retire_meeting_reason(
        db, me, plan_moved.result, expected_version=_version(db, MeetingReason, plan_moved.result)
    )
    actions.add_meeting_reason(db, me, "cancel", "Core group decided")
    assert "Core group decided" in offered("lac")
    with pytest.raises(InvalidInput, match="kind of meeting 'cin'"):
        actions.add_meeting_reason(db, me, "cancel", "Snow", process="cin")
    with db.session() as s:
        assert s.scalar(select(MeetingReason).where(MeetingReason.text == "Snow")) is None
