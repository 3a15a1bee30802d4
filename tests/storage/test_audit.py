"""Every create, change and delete is recorded with who, when, and the values before and after."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from reviewdesk.storage.audit import (
    AuditRecord,
    list_audit,
    record_audit,
    row_audit_suppressed,
)
from reviewdesk.storage.models import AuditEntry, Child, Meeting, PeriodOfCare
from tests.actions.shortcuts import save_setting
from tests.storage.cli_helpers import cli

T1 = dt.datetime(2025, 3, 12, 9, 0, tzinfo=dt.UTC)
T2 = dt.datetime(2025, 3, 12, 10, 0, tzinfo=dt.UTC)
T3 = dt.datetime(2025, 3, 12, 11, 0, tzinfo=dt.UTC)


def _entries(db, **kw):
    with db.session() as s:
        return [
            (e.action, e.table_name, e.record_id, e.username, e.at, e.before, e.after)
            for e in list_audit(s, **kw)
        ]


def test_create_change_and_delete_are_recorded(open_db):
    amy, bob = open_db("amy"), open_db("bob")
    with amy.session() as s:
        s.info["now"] = T1
        child = Child(local_id="A1", first_name="Łukasz", dob=dt.date(2015, 6, 1))
        s.add(child)
        s.flush()
        child_id = child.id
    with bob.session() as s:
        s.info["now"] = T2
        c = s.get(Child, child_id)
        c.first_name = "Lukasz"
        c.dob = dt.date(2015, 6, 2)
    with amy.session() as s:
        s.info["now"] = T3
        s.delete(s.get(Child, child_id))

    (deleted, changed, created) = _entries(amy, table="child")
    rid = str(child_id)
    assert created[:5] == ("create", "child", rid, "amy", T1)
    assert created[5] is None
    assert created[6]["first_name"] == "Łukasz" and created[6]["dob"] == "2015-06-01"
    assert created[6]["local_id"] == "A1" and "version" not in created[6]
    assert changed[:5] == ("update", "child", rid, "bob", T2)
    assert changed[5] == {"first_name": "Łukasz", "dob": "2015-06-01"}
    assert changed[6] == {"first_name": "Lukasz", "dob": "2015-06-02"}
    assert deleted[:5] == ("delete", "child", rid, "amy", T3)
    assert deleted[5]["first_name"] == "Lukasz" and deleted[6] is None
    assert deleted[4].tzinfo is not None


def test_cascaded_deletes_are_recorded_too(db, child_in_care):
    child_id, period_id = child_in_care
    with db.session() as s:
        s.delete(s.get(Child, child_id))
    actions = {(a, t, r) for a, t, r, *_ in _entries(db)}
    assert ("delete", "period_of_care", str(period_id)) in actions
    assert ("delete", "child", str(child_id)) in actions


def test_settings_are_audited(db):
    save_setting(db, "council_name", "Borsetshire County Council")
    [entry] = _entries(db, table="setting")
    assert entry[0:3] == ("update", "setting", "council_name")
    assert entry[5] == {"value": "Demo Borough Council"}
    assert entry[6] == {"value": "Borsetshire County Council"}


def test_a_failed_save_leaves_no_audit_rows(db):
    with db.session() as s:
        before = s.scalar(select(func.count()).select_from(AuditEntry))
    try:
        with db.session() as s:
            s.add(Child(local_id="OK", dob=dt.date(2020, 1, 1)))
            s.flush()
            raise RuntimeError("the rest of the save failed")
    except RuntimeError:
        pass
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry)) == before


def test_an_unchanged_save_records_nothing(db, child_in_care):
    before = len(_entries(db, limit=None))
    with db.session() as s:
        c = s.get(Child, child_in_care[0])
        c.first_name = c.first_name  # same value
    assert len(_entries(db, limit=None)) == before


def test_bulk_writers_can_record_cheaply(db):
    with db.session() as s, row_audit_suppressed(s):
        s.info["now"] = T1
        s.add_all(Child(local_id=f"D{i}", dob=dt.date(2015, 1, 1)) for i in range(50))
        s.flush()
        n = record_audit(s, [AuditRecord("demo", "child", "*", after={"children": 50, "seed": 7})])
    assert n == 1
    [entry] = _entries(db, table="child")
    assert entry[:5] == ("demo", "child", "*", "tester", T1)
    assert entry[6] == {"children": 50, "seed": 7}
    with db.session() as s:  # auditing is back on for the next session
        s.add(Child(local_id="Z", dob=dt.date(2015, 1, 1)))
    assert _entries(db, limit=1)[0][0] == "create"


def test_list_is_newest_first_and_filters(db, child_in_care):
    with db.session() as s:
        s.info["now"] = T3
        s.add(
            Meeting(
                child_id=child_in_care[0],
                period_id=child_in_care[1],
                process="lac",
                meeting_type="lac_review",
                booked_date=dt.date(2024, 3, 28),
            )
        )
    rows = [r for r in _entries(db) if r[1] != "app_user"]  # the database's first user
    assert [r[1] for r in rows] == ["meeting", "period_of_care", "child"]
    assert [r[1] for r in _entries(db, table="period_of_care")] == ["period_of_care"]
    assert len(_entries(db, limit=2)) == 2


def test_audit_command_lists_newest_first(db, db_target, child_in_care, capsys, cli_admin):
    with db.session() as s:
        s.info["now"] = T2
        s.get(PeriodOfCare, child_in_care[1]).end_date = dt.date(2024, 6, 30)
    child, period = child_in_care
    # Up to the end of 2025: the entries above, not the users added today.
    assert cli(db_target, "audit", "--limit", "2", "--to", "2025-12-31") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        f"12/03/2025 10:00:00  tester  update  period_of_care {period}  (child {child})"
    )
    assert out[1] == '    end_date: null -> "2024-06-30"'
    assert "create  child" in out[2] or "create  period_of_care" in out[2]
    assert cli(db_target, "audit", "--table", "child") == 0
    out = capsys.readouterr().out
    assert "create  child" in out and "Zoë" in out and "period_of_care" not in out
    assert cli(db_target, "audit", "--child", str(child), "--from", "2025-03-12") == 0
    out = capsys.readouterr().out
    assert "update  period_of_care" in out and "create" not in out
    assert cli(db_target, "audit", "--limit", "0") == 2


def test_sessions_made_by_hand_are_covered_too(db):
    from sqlalchemy.orm import Session

    from reviewdesk.storage.validation import ValidationFailed

    with Session(db.engine) as s:
        s.info["username"] = "importer"
        s.add(Child(local_id="H1", dob=dt.date(2015, 1, 1)))
        s.commit()
    with Session(db.engine) as s:
        s.add(Child(local_id="H2"))
        try:
            s.commit()
        except ValidationFailed:
            s.rollback()
        else:
            raise AssertionError("an invalid child was saved")
    [entry] = _entries(db, table="child")
    assert entry[:4] == ("create", "child", entry[2], "importer")
    with db.session() as s:
        assert s.scalar(select(Child.updated_by).where(Child.local_id == "H1")) == "importer"
