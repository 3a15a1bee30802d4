"""The bulk writer: records written by the thousand are stamped, audited before and after,
and checked by the same rules as an ordinary save, giving the same words."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from reviewdesk.storage import validation
from reviewdesk.storage.audit import list_audit
from reviewdesk.storage.bulk import BulkWriter
from reviewdesk.storage.models import Child, CpEnquiry, CpPlan, Episode, Meeting, PeriodOfCare

D = dt.date
CHILD = Child.__table__
PERIOD = PeriodOfCare.__table__
EPISODE = Episode.__table__
MEETING = Meeting.__table__
PLAN = CpPlan.__table__
ENQUIRY = CpEnquiry.__table__

#: Records that break one rule each, written in bulk (table, row without child/period ids).
#: (An end before a start is refused by the database's own check constraints first.)
BROKEN = [
    ("period_of_care", {"start": D(2023, 6, 1), "end_date": None}),  # overlaps the first
    ("episode", {"start": D(2024, 3, 1), "legal_status": "Z9"}),
    ("episode", {"start": D(2020, 1, 1), "legal_status": "C2", "rne": "Q"}),
    ("meeting", {"meeting_type": "lac_review", "process": "lac", "status": "held",
                 "held_date": D(2023, 1, 2), "participation": "PN0", "sequence": 1,
                 "duration_minutes": 90}),
    ("cp_plan", {"start": D(2024, 1, 1), "end_date": D(2024, 5, 1), "latest_category": "XYZ",
                 "previous_plans": 0}),
    ("cp_enquiry", {"route": "rumour", "strategy_date": D(2024, 1, 1),
                    "icpc_not_required": False}),
]  # fmt: skip


def _write_broken(db) -> tuple[dict[str, set[int]], int]:
    with db.session() as s:
        child = Child(local_id="B1", first_name="Zoë", dob=D(2015, 6, 1))
        child.periods.append(PeriodOfCare(start=D(2024, 1, 1)))
        s.add(child)
        s.flush()
        child_id, period_id = child.id, child.periods[0].id
    written: dict[str, set[int]] = {}
    with db.session() as s:
        writer = BulkWriter(s)
        tables = {"period_of_care": PERIOD, "episode": EPISODE, "meeting": MEETING,
                  "cp_plan": PLAN, "cp_enquiry": ENQUIRY}  # fmt: skip
        for name, row in BROKEN:
            row = dict(row)
            if name == "episode":
                row["period_id"] = period_id
            else:
                row["child_id"] = child_id
            if name == "meeting":
                row["period_id"] = period_id
            [new_id] = writer.insert(tables[name], [row])
            written.setdefault(name, set()).add(new_id)
        s.commit()  # kept (no finish): to compare the two ways of checking
    return written, child_id


def test_stored_records_get_the_same_problems_as_an_ordinary_save(db) -> None:
    written, _child = _write_broken(db)
    with pytest.raises(validation.ValidationFailed) as bulk, db.session() as s:
        validation.validate_stored(s, written)
    expected = []
    with db.session() as s:  # the same records as model objects, through the same rules
        models = {"period_of_care": PeriodOfCare, "episode": Episode, "meeting": Meeting,
                  "cp_plan": CpPlan, "cp_enquiry": CpEnquiry}  # fmt: skip
        for name in ("period_of_care", "episode", "cp_enquiry", "cp_plan", "meeting"):
            for record_id in sorted(written.get(name, ())):
                expected.extend(validation.problems_with(s, s.get(models[name], record_id)))
    assert sorted(bulk.value.problems) == sorted(expected)
    assert len(expected) >= len(BROKEN)


def test_a_bulk_write_is_stamped_audited_and_refused_whole(db) -> None:
    with db.session() as s:
        s.add(Child(local_id="K1", dob=D(2015, 1, 1), first_name="Ann"))
    with db.session() as s:
        s.info["username"] = "importer"
        old = s.execute(select(CHILD).where(CHILD.c.local_id == "K1")).mappings().one()
        writer = BulkWriter(s)
        writer.remember(CHILD, [old])
        writer.update(CHILD, [{"id": old["id"], "first_name": "Anne", "dob": D(2015, 1, 1)}])
        [new] = writer.insert(CHILD, [{"local_id": "K2", "first_name": "", "last_name": "",
                                       "dob": D(2016, 2, 2)}])  # fmt: skip
        writer.finish()
    with db.session() as s:
        updated = s.get(Child, old["id"])
        assert (updated.first_name, updated.version, updated.updated_by) == ("Anne", 2, "importer")
        assert s.get(Child, new).version == 1
        [change] = list_audit(s, action="update", table="child")
        assert (change.before, change.after) == ({"first_name": "Ann"}, {"first_name": "Anne"})
        assert change.child_id == old["id"] and change.username == "importer"
    with pytest.raises(validation.ValidationFailed), db.session() as s:
        writer = BulkWriter(s)
        writer.insert(CHILD, [{"local_id": "K3", "first_name": "", "last_name": "", "dob": None}])
        writer.finish()  # no date of birth: refused
    with db.session() as s:
        assert s.scalar(select(Child).where(Child.local_id == "K3")) is None
