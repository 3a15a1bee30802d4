"""Same seed and date, same rows; another seed, other rows; bad arguments refused."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from reviewdesk.demo import DatabaseNotEmpty
from reviewdesk.demo import generator as generator_module
from reviewdesk.errors import InvalidInput
from reviewdesk.storage.db import open_database
from reviewdesk.storage.models import Base
from tests.actions.shortcuts import generate_demo
from tests.demo.conftest import AS_OF

TABLES = (
    "child",
    "period_of_care",
    "episode",
    "cp_enquiry",
    "cp_plan",
    "meeting",
    "meeting_part",
    "invitee",
    "report",
    "staff",
    "team",
    "room",
    "app_user",
    "closure_day",
)


def _dump(db) -> dict[str, list[tuple]]:
    """Every row, but not when each was last changed (the database's first user is stamped
    with the moment it was made)."""
    with db.session() as s:
        out = {}
        for name in TABLES:
            table = Base.metadata.tables[name]
            columns = [c for c in table.c if c.name != "updated_at"]
            out[name] = [tuple(r) for r in s.execute(select(*columns)).all()]
        return out


def _generate(path, seed: int, children: int = 40):
    db = open_database(path)
    generate_demo(db, children=children, seed=seed, as_of=AS_OF)
    rows = _dump(db)
    db.dispose()
    return rows


def test_same_seed_same_rows_other_seed_other_rows(tmp_path):
    first = _generate(tmp_path / "a.sqlite", seed=5)
    again = _generate(tmp_path / "b.sqlite", seed=5)
    other = _generate(tmp_path / "c.sqlite", seed=6)
    assert all(first[name] for name in TABLES if name != "meeting_part")
    assert first == again
    assert first["child"] != other["child"]
    assert first["meeting"] != other["meeting"]


def test_refuses_a_database_with_children_unless_replacing(tmp_path):
    db = open_database(tmp_path / "x.sqlite")
    generate_demo(db, children=20, seed=1, as_of=AS_OF)
    before = _dump(db)
    with pytest.raises(DatabaseNotEmpty, match="already holds .* children"):
        generate_demo(db, children=20, seed=2, as_of=AS_OF)
    assert _dump(db) == before
    generate_demo(db, children=20, seed=2, as_of=AS_OF, replace=True)
    after = _dump(db)
    assert after["child"] and after["child"] != before["child"]
    db.dispose()


def test_a_failure_part_way_leaves_nothing_written(tmp_path, monkeypatch):
    from reviewdesk.storage.bulk import BulkInserter

    db = open_database(tmp_path / "x.sqlite")
    before = _dump(db)
    assert [name for name, rows in before.items() if rows] == ["app_user"]  # who made it

    def broken(self):
        raise RuntimeError("disk full")

    monkeypatch.setattr(generator_module.CaseGenerator, "cp_arrival", broken)
    monkeypatch.setattr(BulkInserter, "maybe_flush", BulkInserter.flush)
    with pytest.raises(RuntimeError):
        generate_demo(db, children=30, seed=1, as_of=AS_OF)
    assert _dump(db) == before
    db.dispose()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"as_of": None}, "as_of"),
        ({"children": 0}, "children: 0"),
        ({"children": 10**7}, "children"),
    ],
)
def test_bad_arguments_are_refused(tmp_path, kwargs, message):
    db = open_database(tmp_path / "x.sqlite")
    with pytest.raises(InvalidInput, match=message):
        generate_demo(db, **{"children": 10, "as_of": AS_OF, **kwargs})
    db.dispose()
