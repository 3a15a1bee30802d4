"""An import never silently removes the work recorded here on a period of care, a CP plan or
an s47 enquiry (docs/domain.md, "Importing the returns").

A corrected return that no longer has a period of care (no start within `MOVED_WITHIN_DAYS`
pairs it), a plan or an s47 enquiry removed it, with the IRO, social worker, IRO service
notified and IRO allocated dates and allocation history recorded on a period, the chair of a
plan, the notes and notified date of an enquiry, and said only "periods 1 removed". Now, as
for a held meeting with work recorded here, the import (not a dry run) stops and changes
nothing, naming each by child, what it is, its start and what was recorded, with the
reference a person agrees to ("P3"); told it may, it removes them, each record audited. A
bare record an import made and nobody touched goes without asking.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from reviewdesk.importers.report import RecordedRemoval
from reviewdesk.storage.models import (
    Allocation,
    AuditEntry,
    Child,
    CpEnquiry,
    CpPlan,
    PeriodOfCare,
    Staff,
)
from tests.actions.shortcuts import import_cin
from tests.importers.conftest import write
from tests.importers.generate import cin_xml
from tests.importers.test_cin import child
from tests.importers.test_corrected_starts import _allocate, import_a1
from tests.importers.test_recorded_work import contents

D = dt.date
PERIOD_WORK = (
    "IRO",
    "social worker",
    "IRO service notified date",
    "IRO allocated date",
    "1 allocation record",
)


def _deleted(db, table: str) -> list[dict]:
    with db.session() as s:
        return [
            e.before
            for e in s.scalars(
                select(AuditEntry)
                .where(AuditEntry.action == "delete", AuditEntry.table_name == table)
                .order_by(AuditEntry.id)
            )
        ]


def _summary(db) -> dict:
    with db.session() as s:
        entry = s.scalars(
            select(AuditEntry).where(AuditEntry.action == "import").order_by(AuditEntry.id.desc())
        ).first()
        return entry.after


def test_a_903_import_that_would_remove_a_period_of_care_with_an_iro_stops(db, tmp_path) -> None:
    """A1's care from 15/06/2023 has its IRO, social worker, dates and allocation history
    recorded here; the corrected return starts it on 16/04/2023, 60 days earlier: another
    period. The import removed A1's period and all of that, saying "periods 1 removed": now
    it changes nothing and names the period; a dry run names it too; agreeing to another
    record is not agreeing to it; named, it goes, each record audited."""
    import_a1(db, tmp_path / "first", "15/06/2023")
    period_id, iro_id = _allocate(db)
    before = contents(db)
    wanted = RecordedRemoval(
        "A1", "period of care", D(2023, 6, 15), PERIOD_WORK, period_id, "period_of_care"
    )
    line = (
        f"[P{period_id}] A1: period of care started 15/06/2023 (IRO, social worker, IRO service "
        "notified date, IRO allocated date, 1 allocation record)"
    )

    result = import_a1(db, tmp_path / "far", "16/04/2023")
    assert result.held_back and not result.written and not result.refused
    assert result.recorded_removals == [wanted]
    assert wanted.ref == f"P{period_id}" and wanted.listed() == line
    assert result.summary_lines()[0] == (
        "Import stopped: it would remove 1 period of care with work recorded here; nothing "
        "was changed."
    )
    assert result.recorded_lines() == [
        "Would remove 1 period of care with work recorded here (the return lacks them):",
        f"  {line}",
    ]
    assert contents(db) == before  # not a row written, not an audit entry

    check = import_a1(db, tmp_path / "far", "16/04/2023", dry_run=True)
    assert check.dry_run and not check.held_back and check.recorded_removals == [wanted]
    assert (
        "Would remove 1 period of care with work recorded here (listed below): an import "
        "stops before removing it unless told it may."
    ) in check.summary_lines()
    assert contents(db) == before

    other = frozenset({f"P{period_id + 1}"})  # another record, not this one
    assert import_a1(db, tmp_path / "far", "16/04/2023", remove_recorded=other).held_back
    assert contents(db) == before

    done = import_a1(db, tmp_path / "far", "16/04/2023", remove_recorded=frozenset({wanted.ref}))
    assert done.written and not done.held_back and done.recorded_removals == [wanted]
    assert done.counts["periods"].removed == 1
    assert done.recorded_lines()[0] == (
        "Removed 1 period of care with work recorded here, as agreed (each is in the audit trail):"
    )
    with db.session() as s:
        assert s.get(PeriodOfCare, period_id) is None
        [period] = s.scalars(select(PeriodOfCare)).all()
        assert (period.start, period.iro_id) == (D(2023, 4, 16), None)
        assert s.scalars(select(Allocation)).all() == []
    [gone] = _deleted(db, "period_of_care")
    assert (gone["id"], gone["iro_id"], gone["iro_allocated"]) == (
        period_id,
        iro_id,
        "2023-06-16",
    )
    [history] = _deleted(db, "allocation")
    assert (history["staff_id"], history["period_id"]) == (iro_id, period_id)
    assert _summary(db)["removed_with_work_recorded"] == [line]


def test_a_bare_period_the_import_made_is_removed_without_asking(db, tmp_path) -> None:
    import_a1(db, tmp_path / "first", "15/06/2023")
    result = import_a1(db, tmp_path / "far", "16/04/2023")
    assert result.written and result.recorded_removals == [] and result.recorded_lines() == []
    assert result.counts["periods"].removed == 1


def _cp_work(db) -> tuple[int, int, int]:
    """P1's plan given a chair, its s47 enquiry notes and a notified date, here; (plan id,
    enquiry id, chair id)."""
    with db.session() as s:
        chair = Staff(name="Gwen Ellis", role="cp_chair")
        s.add(chair)
        s.flush()
        [plan] = s.scalars(select(CpPlan).join(Child).where(Child.local_id == "P1"))
        [enquiry] = s.scalars(select(CpEnquiry).join(Child).where(Child.local_id == "P1"))
        plan.chair_id = chair.id
        enquiry.notes, enquiry.notified_date = "Strategy meeting with police", D(2023, 6, 2)
        return plan.id, enquiry.id, chair.id


#: P1's s47 and plan two months later than the first census had them: other records.
FAR = dict(s47=D(2023, 8, 1), icpc=D(2023, 8, 20), plan_start=D(2023, 8, 20))


def test_a_census_import_that_would_remove_a_chaired_plan_and_an_enquiry_with_notes_stops(
    db, tmp_path
) -> None:
    """P1's plan from 20/06/2023 has its chair recorded here, the s47 enquiry of 01/06/2023
    its notes and notified date; the corrected census has a plan and an s47 two months later.
    The import removed both with what was recorded: now it stops, naming each; agreeing to
    the plan alone is not enough; agreeing to both, they go, audited."""
    import_cin(db, write(tmp_path, "a.xml", cin_xml([child()])))
    plan_id, enquiry_id, chair_id = _cp_work(db)
    before = contents(db)
    corrected = write(tmp_path, "b.xml", cin_xml([child(**FAR)]))

    result = import_cin(db, corrected)
    assert result.held_back and not result.written
    assert [r.listed() for r in result.recorded_removals] == [
        f"[S{enquiry_id}] P1: s47 enquiry started 01/06/2023 (notes, notified date)",
        f"[CP{plan_id}] P1: CP plan started 20/06/2023 (chair)",
    ]
    assert result.summary_lines()[0] == (
        "Import stopped: it would remove 1 s47 enquiry and 1 CP plan with work recorded "
        "here; nothing was changed."
    )
    assert contents(db) == before

    check = import_cin(db, corrected, dry_run=True)
    assert check.recorded_removals == result.recorded_removals
    assert contents(db) == before

    assert import_cin(db, corrected, remove_recorded=frozenset({f"CP{plan_id}"})).held_back
    assert contents(db) == before

    agreed = frozenset({f"CP{plan_id}", f"S{enquiry_id}"})
    done = import_cin(db, corrected, remove_recorded=agreed)
    assert done.written and not done.held_back
    c = done.counts
    assert (c["plans"].removed, c["enquiries"].removed) == (1, 1)
    with db.session() as s:
        assert s.get(CpPlan, plan_id) is None and s.get(CpEnquiry, enquiry_id) is None
        [plan] = s.scalars(select(CpPlan)).all()
        assert (plan.start, plan.chair_id) == (D(2023, 8, 20), None)
    assert [(b["id"], b["chair_id"]) for b in _deleted(db, "cp_plan")] == [(plan_id, chair_id)]
    assert [(b["id"], b["notes"]) for b in _deleted(db, "cp_enquiry")] == [
        (enquiry_id, "Strategy meeting with police")
    ]


def test_a_bare_plan_and_enquiry_the_import_made_are_removed_without_asking(db, tmp_path) -> None:
    import_cin(db, write(tmp_path, "a.xml", cin_xml([child()])))
    result = import_cin(db, write(tmp_path, "b.xml", cin_xml([child(**FAR)])))
    assert result.written and result.recorded_removals == []
    assert (result.counts["plans"].removed, result.counts["enquiries"].removed) == (1, 1)
