"""One caseload definition (`reviewdesk.caseload`): the same numbers per IRO from SQL and from
a register's rows, in the caseload flags, the workload summary the page shows, the printed
workload list, the case list's filter by IRO and the command line; on a demo authority and on
generated registers checked against a plain count."""

from __future__ import annotations

import datetime as dt
import io
import re
from contextlib import redirect_stdout
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewdesk import queries
from reviewdesk.caseload import (
    assignments,
    assignments_from_rows,
    band_of,
    caseload_children,
    caseloads,
)
from reviewdesk.casework.register import Register
from reviewdesk.cli.main import main as cli
from reviewdesk.flags import compute_flags, flag_register
from reviewdesk.flags.caseload import BAND_FLAGS, CHECKS, band_severity
from reviewdesk.queries import CaseFilter
from reviewdesk.reports.workload import collect_workload
from reviewdesk.storage.db import open_database
from reviewdesk.storage.models import Child, CpPlan, PeriodOfCare, Staff
from reviewdesk.workload import workload_summary
from tests.actions.shortcuts import generate_demo
from tests.dbfixtures import db, db_target, open_db  # noqa: F401

D = dt.date
DEMO_AS_OF = D(2025, 12, 10)


def _numbers(load) -> tuple[int, int, int]:
    return (load.lac_children, load.cp_children, load.children)


@pytest.fixture
def demo(db):  # noqa: F811
    generate_demo(db, children=200, seed=5, as_of=DEMO_AS_OF)
    return db


@pytest.mark.parametrize("days_back", [0, 120])
def test_every_caseload_agrees_on_the_demo_authority(demo, days_back) -> None:
    as_of = DEMO_AS_OF - dt.timedelta(days=days_back)
    with demo.session() as s:
        by_sql = caseloads(s, as_of=as_of)
        by_rows = caseloads(s, as_of=as_of, register=Register(s, as_of=as_of, open_only=True))
        by_flags_rows = caseloads(s, as_of=as_of, register=flag_register(s, as_of=as_of))
        summary = workload_summary(s, as_of=as_of)
        report = collect_workload(s, as_of=as_of)
        flags = [f for f in compute_flags(s, as_of=as_of) if f.code in CHECKS]
        drilled = {
            staff_id: set(queries.case_ids(s, CaseFilter(iro_id=staff_id), as_of=as_of))
            for staff_id in by_sql
        }
        one_by_one = {i: caseload_children(s, i, as_of=as_of) for i in by_sql}
    assert sum(load.children for load in by_sql.values()) > 150  # a real authority's worth
    assert by_rows == by_sql and by_flags_rows == by_sql
    assert {w.caseload.staff_id: w.caseload for w in summary.iros} == by_sql
    # The page's numbers-only summary, and each caseload's children read on their own.
    counted = summary.counted()
    assert [replace(w, caseload=None) for w in counted.iros] == [
        replace(w, caseload=None) for w in summary.iros
    ]
    assert (counted.children, counted.fte) == (summary.children, summary.fte)
    assert one_by_one == {i: load.child_ids for i, load in by_sql.items()}
    printed = {iro.staff_id: iro for iro in report.iros}
    assert set(printed) == set(by_sql)
    for staff_id, load in by_sql.items():
        iro = printed[staff_id]
        assert (iro.count("lac"), iro.count("cp"), iro.total) == _numbers(load)
        assert {c.child_id for c in iro.children} == load.child_ids
        assert report.band(iro) == (load.band or "")
        shown = next(w.caseload for w in counted.iros if w.caseload.staff_id == staff_id)
        assert (shown.lac_children, shown.cp_children, shown.children) == _numbers(load)
        assert (shown.per_fte, shown.band, shown.name, shown.fte) == (
            load.per_fte,
            load.band,
            load.name,
            load.fte,
        )
        # The case list filtered by this IRO lists exactly their caseload.
        assert drilled[staff_id] == load.child_ids
    # The caseload flags: one per IRO outside the range, with the same count and severity.
    flagged = {f.staff_id: f for f in flags}
    expected = {i: load for i, load in by_sql.items() if load.band in BAND_FLAGS}
    assert set(flagged) == set(expected)
    assert expected, "the demo's IROs should not all be within the range"
    for staff_id, flag in flagged.items():
        load = expected[staff_id]
        assert flag.code == BAND_FLAGS[load.band]
        assert flag.severity == band_severity(load.band)
        assert f"{load.name} has {load.children} " in flag.reason


def test_the_command_line_reports_the_same_caseloads(demo) -> None:
    """`reviewdesk flags` prints the caseload flags with the numbers the page shows."""
    with demo.session() as s:
        loads = caseloads(s, as_of=DEMO_AS_OF)
    out = io.StringIO()
    with redirect_stdout(out):
        code = cli(["--db", demo.url, "flags", "--as-of", DEMO_AS_OF.isoformat()])
    assert code == 0
    printed = {}
    for line in out.getvalue().splitlines():
        found = re.search(r"caseload_\w+\s+(.+) has (\d+) child", line)
        if found:
            printed[found.group(1)] = int(found.group(2))
    expected = {load.name: load.children for load in loads.values() if load.band in BAND_FLAGS}
    assert printed == expected and printed


def test_a_child_on_both_lists_counts_once_and_inactive_staff_carry_none(db) -> None:  # noqa: F811
    """The Workload page used to add LAC and CP counts (a child on both counted twice) and to
    list staff who had left; its drill-down listed children from closed periods too."""
    as_of = D(2024, 4, 17)
    with db.session() as s:
        iro = Staff(name="Iris Owen", role="iro", fte=1.0)
        gone = Staff(name="Gwen Gone", role="iro", fte=1.0, active=False)
        s.add_all([iro, gone])
        s.flush()
        both, old = Child(local_id="B", dob=D(2015, 1, 1)), Child(local_id="O", dob=D(2015, 1, 1))
        s.add_all([both, old])
        s.flush()
        s.add(PeriodOfCare(child_id=both.id, start=D(2024, 1, 2), iro_id=iro.id))
        s.add(CpPlan(child_id=both.id, start=D(2024, 2, 1), chair_id=iro.id))
        # A closed period with Iris; the child is now on a plan chaired by Gwen.
        s.add(
            PeriodOfCare(
                child_id=old.id, start=D(2022, 1, 3), end_date=D(2023, 1, 3), iro_id=iro.id
            )
        )
        s.add(CpPlan(child_id=old.id, start=D(2024, 3, 1), chair_id=gone.id))
        s.flush()
        iro_id, both_id = iro.id, both.id
    with db.session() as s:
        loads = caseloads(s, as_of=as_of)
        assert set(loads) == {iro_id}
        assert _numbers(loads[iro_id]) == (1, 1, 1)
        listed = queries.case_ids(s, CaseFilter(iro_id=iro_id, open_only=True), as_of=as_of)
        assert listed == [both_id]


@pytest.mark.parametrize(
    ("per_fte", "band"),
    [(None, None), (49.9, "below"), (50, "within"), (70, "within"), (70.1, "above")],
)
def test_bands_include_both_ends_of_the_range(per_fte, band) -> None:
    assert band_of(per_fte, 50, 70) == band


def test_severities_are_the_flags_own() -> None:
    assert band_severity("above") == CHECKS["caseload_above_max"][0] == "amber"
    assert band_severity("below") == CHECKS["caseload_below_min"][0] == "info"
    assert band_severity("within") is None and band_severity(None) is None


# --- generated registers, against a plain count ---------------------------------------------

_days = st.integers(0, 400).map(lambda n: D(2023, 1, 2) + dt.timedelta(days=n))
_span = st.tuples(_days, st.one_of(st.none(), st.integers(0, 300)), st.integers(0, 3))
_child = st.tuples(st.lists(_span, max_size=2), st.lists(_span, max_size=2))


@pytest.fixture(scope="module")
def gen_db(tmp_path_factory):
    database = open_database(tmp_path_factory.mktemp("caseload") / "c.sqlite", username="t")
    with database.session() as s:
        s.add_all([Staff(name=f"IRO {n}", role="iro", fte=1.0) for n in range(3)])
        s.add(Staff(name="Chair", role="cp_chair", fte=0.5))
    yield database
    database.dispose()


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.lists(_child, min_size=1, max_size=8), _days)
def test_generated_registers_agree_with_a_plain_count(gen_db, children, as_of) -> None:
    """Periods don't overlap within a child (the register refuses that), so each child's
    periods are laid end to end; plans may overlap, as they may in the data."""
    with gen_db.session() as s:
        s.query(CpPlan).delete()
        s.query(PeriodOfCare).delete()
        s.query(Child).delete()
        staff = [sid for (sid,) in s.query(Staff.id).order_by(Staff.id)]
        expected: dict[int, dict[int, set[str]]] = {}
        for n, (periods, plans) in enumerate(children):
            child = Child(local_id=f"G{n}", dob=D(2012, 1, 1))
            s.add(child)
            s.flush()
            cursor = D(2022, 1, 3)
            for start, length, who in periods:
                start = max(start, cursor)
                end = None if length is None else start + dt.timedelta(days=length)
                s.add(PeriodOfCare(child_id=child.id, start=start, end_date=end, iro_id=staff[who]))
                if start <= as_of and (end is None or as_of < end):
                    expected.setdefault(staff[who], {}).setdefault(child.id, set()).add("lac")
                if end is None:
                    break
                cursor = end + dt.timedelta(days=1)
            for start, length, who in plans:
                end = None if length is None else start + dt.timedelta(days=length)
                s.add(CpPlan(child_id=child.id, start=start, end_date=end, chair_id=staff[who]))
                if start <= as_of and (end is None or as_of < end):
                    expected.setdefault(staff[who], {}).setdefault(child.id, set()).add("cp")
        s.flush()
    with gen_db.session() as s:
        assert assignments(s, as_of=as_of) == expected
        register = Register(s, as_of=as_of, open_only=True)
        assert assignments_from_rows(register.periods, register.plans, as_of) == expected
        loads = caseloads(s, as_of=as_of)
        for staff_id, load in loads.items():
            assert load.cases == {c: frozenset(p) for c, p in expected.get(staff_id, {}).items()}
            ids = set(queries.case_ids(s, CaseFilter(iro_id=staff_id), as_of=as_of))
            assert ids == load.child_ids
