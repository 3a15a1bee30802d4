"""The fast insert is checked against SQLAlchemy's own: the same rows, the same ids."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, select

from reviewdesk.storage.fastinsert import insert_returning_ids, insert_rows
from reviewdesk.storage.models import AuditEntry, Child

MOMENT = dt.datetime(2025, 3, 12, 14, 32, 5, 123456, tzinfo=dt.UTC)


def _children(n: int, start: int) -> list[dict]:
    return [
        {
            "local_id": f"F{start + i}",
            "first_name": "Zoë",
            "last_name": "Ó Briain",
            "dob": dt.date(2015, 1, 1) + dt.timedelta(days=i),
            "expected_delivery": None,
            "version": 1,
            "updated_by": "tester",
            "updated_at": MOMENT,
        }
        for i in range(n)
    ]


def test_the_same_rows_and_ids_as_core(db) -> None:
    fast, core = _children(50, 0), _children(50, 100)
    with db.session() as s:
        ids = insert_returning_ids(s.connection(), Child.__table__, fast)
        core_ids = list(
            s.execute(
                insert(Child).returning(Child.id, sort_by_parameter_order=True), core
            ).scalars()
        )
        assert len(ids) == 50 and ids == sorted(ids) and set(ids).isdisjoint(core_ids)
        rows = {r.local_id: r for r in s.scalars(select(Child)).all()}
    for wanted, new_id in zip(fast, ids, strict=True):
        row = rows[wanted["local_id"]]
        assert row.id == new_id
        assert (row.first_name, row.dob, row.updated_at) == (
            wanted["first_name"],
            wanted["dob"],
            MOMENT,
        )
    other = rows["F100"]
    assert (other.dob, other.updated_at) == (dt.date(2015, 1, 1), MOMENT)


def test_json_and_moments_round_trip(db) -> None:
    entry = {
        "at": MOMENT,
        "username": "tester",
        "action": "update",
        "table_name": "child",
        "record_id": "1",
        "before": {"dob": "2015-01-01", "first_name": "Łukasz"},
        "after": None,
        "child_id": 1,
    }
    with db.session() as s:
        insert_rows(s.connection(), AuditEntry.__table__, [entry, {**entry, "record_id": "2"}])
        got = list(s.scalars(select(AuditEntry).where(AuditEntry.table_name == "child")))
    assert [(e.record_id, e.at, e.before, e.after) for e in got] == [
        ("1", MOMENT, entry["before"], None),
        ("2", MOMENT, entry["before"], None),
    ]
