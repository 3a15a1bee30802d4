"""CIN census year after year: a census covers one collection year and erases no other.

The 2024-25 census no longer holds the s47 enquiry and conferences of 2023-24; importing it
after (or before) the 2023-24 census must keep them, end the plan, and number the plan's
review conferences on from those already held.
"""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from reviewdesk.importers.years import CollectionYear
from reviewdesk.storage.models import Child
from tests.actions.shortcuts import import_cin
from tests.importers.conftest import write
from tests.importers.generate import CinChild, cin_xml

D = dt.date


def census(children: list[CinChild], year_end: dt.date, *, drop_s47: bool = False) -> str:
    text = cin_xml(children).replace("2024-03-31", year_end.isoformat())
    if drop_s47:  # the enquiry was in an earlier year: this census does not have it
        text = re.sub(r"<Section47>.*?</Section47>", "", text)
    return text


def p1(**kw) -> CinChild:
    base = dict(
        local_id="P1",
        dob=D(2016, 5, 1),
        s47=D(2023, 6, 1),
        icpc=D(2023, 6, 20),
        plan_start=D(2023, 6, 20),
        reviews=[D(2023, 9, 15), D(2024, 3, 1)],
    )
    base.update(kw)
    return CinChild(**base)


YEAR_A = census([p1()], D(2024, 3, 31))
YEAR_B = census(
    [p1(plan_end=D(2024, 10, 1), reviews=[D(2024, 8, 20)])], D(2025, 3, 31), drop_s47=True
)
COMBINED = census(
    [p1(plan_end=D(2024, 10, 1), reviews=[D(2023, 9, 15), D(2024, 3, 1), D(2024, 8, 20)])],
    D(2025, 3, 31),
)


def snapshot(db) -> dict[str, object]:
    out: dict[str, object] = {}
    with db.session() as s:
        for child in s.scalars(select(Child).order_by(Child.local_id)):
            enquiries = {e.id: e.strategy_date for e in child.enquiries}
            plans = {p.id: p.start for p in child.plans}
            out[child.local_id] = (
                sorted(enquiries.values()),
                sorted(
                    (p.start, p.end_date, p.latest_category, enquiries.get(p.enquiry_id))
                    for p in child.plans
                ),
                sorted(
                    (
                        m.held_date,
                        m.meeting_type,
                        m.sequence,
                        enquiries.get(m.enquiry_id),
                        plans.get(m.plan_id),
                    )
                    for m in child.meetings
                ),
            )
    return out


def changed(result) -> dict[str, tuple[int, int, int]]:
    return {
        kind: (c.added, c.updated, c.removed)
        for kind, c in result.counts.by_kind.items()
        if c.changed
    }


def combined_history(tmp_path) -> dict[str, object]:
    from reviewdesk.storage.db import open_database

    database = open_database(tmp_path / "combined.sqlite", username="tester")
    try:
        assert import_cin(database, write(tmp_path, "all.xml", COMBINED)).errors == []
        return snapshot(database)
    finally:
        database.dispose()


def test_the_census_year_is_shown(db, tmp_path) -> None:
    result = import_cin(db, write(tmp_path, "b.xml", YEAR_B), dry_run=True)
    assert result.year == CollectionYear(2024)
    assert result.summary_lines()[1] == "CIN census for 2024-25 (01/04/2024 to 31/03/2025)"


def test_last_year_then_this_year_keeps_last_year_s_conferences(db, tmp_path) -> None:
    history = combined_history(tmp_path)
    a, b = write(tmp_path, "a.xml", YEAR_A), write(tmp_path, "b.xml", YEAR_B)
    assert import_cin(db, a).errors == []
    result = import_cin(db, b)
    assert result.errors == []
    assert changed(result) == {
        "children": (0, 1, 0),
        "plans": (0, 1, 0),
        "conferences": (1, 0, 0),
    }
    assert snapshot(db) == history
    meetings = history["P1"][2]
    assert [(day, kind, seq) for day, kind, seq, _e, _p in meetings] == [
        (D(2023, 6, 20), "icpc", 0),
        (D(2023, 9, 15), "rcpc_first", 1),
        (D(2024, 3, 1), "rcpc_subsequent", 2),
        (D(2024, 8, 20), "rcpc_subsequent", 3),
    ]
    assert changed(import_cin(db, b)) == {}
    assert snapshot(db) == history


def test_this_year_then_last_year_keeps_this_year_s_ending(db, tmp_path) -> None:
    history = combined_history(tmp_path)
    a, b = write(tmp_path, "a.xml", YEAR_A), write(tmp_path, "b.xml", YEAR_B)
    assert import_cin(db, b).errors == []
    older = import_cin(db, a)
    assert older.errors == [] and all(c.removed == 0 for c in older.counts.by_kind.values())
    assert snapshot(db) == history
    for path in (a, b, a):
        assert changed(import_cin(db, path)) == {}, path.name
    assert snapshot(db) == history
