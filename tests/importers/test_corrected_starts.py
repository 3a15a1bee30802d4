"""A period of care, CP plan or s47 enquiry a corrected return starts a few days apart is the
same record, its start corrected (as a held meeting moved: `reviewdesk.importers.moves`).

The import matched them by their start alone: a 903 return correcting a child's first DECOM
(15/06 to 14/06, say) removed the period of care, with the IRO, social worker and dates
recorded here, and added a bare one; the child was then flagged "IRO not allocated" and left
the IRO's caseload. A CIN census correcting a plan's start lost its chair, one correcting an
s47's strategy date lost the enquiry's notes. Within `MOVED_WITHIN_DAYS` the record is kept,
takes the return's dates and is counted (and audited) as updated; further apart it is
another record, removed (once the import is told it may: work was recorded on it,
`tests.importers.test_recorded_records`) and added as before.

A start corrected to a later day can leave a date recorded here before it (the IRO
allocated on 16/06 to a period now starting 20/06), which the child action refuses: the
import moves it to the new start and lists it, naming the child, the field and the value
(docs/domain.md, "Importing the returns").
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from reviewdesk.caseload import caseload_children
from reviewdesk.flags import compute_flags
from reviewdesk.flags.allocation import CHECKS as ALLOCATION_CHECKS
from reviewdesk.storage.models import (
    Allocation,
    AuditEntry,
    Child,
    CpEnquiry,
    CpPlan,
    Meeting,
    PeriodOfCare,
    Staff,
)
from tests.actions.shortcuts import import_903, import_cin
from tests.importers.conftest import write
from tests.importers.generate import cin_xml
from tests.importers.test_cin import child
from tests.importers.test_ssda903 import EP_COLS, files

D = dt.date
AS_OF = D(2024, 3, 1)
HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nA1,1,01/02/2015,WBRI,,,\n"
REVIEWS = (
    "CHILD,DOB,REVIEW,REVIEW_CODE\nA1,01/02/2015,10/07/2023,PN1\nA1,01/02/2015,10/10/2023,PN1\n"
)


def episodes(start: str) -> str:
    """A1 in care from ``start`` (dd/mm/yyyy), a change of legal status on 01/09/2023 (X1)."""
    return (
        f"{EP_COLS}\n"
        f"A1,{start},S,C1,N1,U1,PR1,01/09/2023,X1,,,,\n"
        "A1,01/09/2023,L,C2,N1,U1,PR1,,,,,,\n"
    )


def import_a1(db, folder, start: str, **kwargs):
    return import_903(db, *files(folder, HEADER, episodes(start), REVIEWS), **kwargs)


def _allocate(db) -> tuple[int, int]:
    """A1's period given its IRO, social worker, dates and allocation history here, as an
    administrator would; (period id, IRO id)."""
    with db.session() as s:
        iro = Staff(name="Ifeoma Òkè", role="iro")
        worker = Staff(name="Rhys Evans", role="social_worker")
        s.add_all([iro, worker])
        s.flush()
        [period] = s.scalars(select(PeriodOfCare).join(Child).where(Child.local_id == "A1"))
        period.iro_id, period.social_worker_id = iro.id, worker.id
        period.iro_notified, period.iro_allocated = D(2023, 6, 15), D(2023, 6, 16)
        s.add(
            Allocation(
                child_id=period.child_id,
                kind="iro",
                staff_id=iro.id,
                period_id=period.id,
                start=D(2023, 6, 16),
            )
        )
        return period.id, iro.id


def _a1_iro_flags(db) -> list[str]:
    with db.session() as s:
        a1 = s.scalars(select(Child.id).where(Child.local_id == "A1")).one()
        flags = compute_flags(s, as_of=AS_OF, child_ids=[a1])
        return [f.code for f in flags if f.code in ALLOCATION_CHECKS]


def _last_audit(db) -> int:
    with db.session() as s:
        return s.scalar(select(func.max(AuditEntry.id)))


def _audited(db, table: str, record_id: int, since: int) -> list[str]:
    """What the audit trail says was done to the record after entry ``since``."""
    with db.session() as s:
        return list(
            s.scalars(
                select(AuditEntry.action)
                .where(
                    AuditEntry.id > since,
                    AuditEntry.table_name == table,
                    AuditEntry.record_id == str(record_id),
                )
                .order_by(AuditEntry.id)
            )
        )


def test_a_903_decom_corrected_by_a_day_keeps_the_period_and_what_was_recorded_on_it(
    db, tmp_path
) -> None:
    import_a1(db, tmp_path / "first", "15/06/2023")
    period_id, iro_id = _allocate(db)
    with db.session() as s:
        child_id = s.scalars(select(Child.id)).one()
        assert child_id in caseload_children(s, iro_id, as_of=AS_OF)
    assert _a1_iro_flags(db) == []

    check = import_a1(db, tmp_path / "corrected", "14/06/2023", dry_run=True)
    assert check.errors == [] and not check.written
    p = check.counts["periods"]
    assert (p.added, p.updated, p.removed) == (0, 1, 0)
    assert [c.describe() for c in check.children] == [
        "A1: updated (periods 1 updated; episodes 1 added, 1 removed)"
    ]

    since = _last_audit(db)
    result = import_a1(db, tmp_path / "corrected", "14/06/2023")
    assert result.errors == [] and result.written
    p = result.counts["periods"]
    assert (p.added, p.updated, p.removed) == (0, 1, 0)
    with db.session() as s:
        [period] = s.scalars(select(PeriodOfCare)).all()
        assert period.id == period_id
        assert (period.start, period.end_date) == (D(2023, 6, 14), None)
        assert period.iro_id == iro_id and period.social_worker.name == "Rhys Evans"
        assert (period.iro_notified, period.iro_allocated) == (D(2023, 6, 15), D(2023, 6, 16))
        assert [e.start for e in period.episodes] == [D(2023, 6, 14), D(2023, 9, 1)]
        reviews = s.scalars(select(Meeting).order_by(Meeting.held_date)).all()
        assert [(m.held_date, m.period_id, m.sequence) for m in reviews] == [
            (D(2023, 7, 10), period_id, 1),
            (D(2023, 10, 10), period_id, 2),
        ]
        assert s.scalars(select(Allocation.period_id)).all() == [period_id]
        assert child_id in caseload_children(s, iro_id, as_of=AS_OF)
    assert _a1_iro_flags(db) == []  # no "IRO not allocated" for A1
    # The trail shows the start corrected, not the period removed and another added.
    assert _audited(db, "period_of_care", period_id, since) == ["update"]
    with db.session() as s:
        [update] = s.scalars(
            select(AuditEntry).where(
                AuditEntry.id > since,
                AuditEntry.table_name == "period_of_care",
            )
        ).all()
        assert (update.before, update.after) == ({"start": "2023-06-15"}, {"start": "2023-06-14"})


def test_a_903_decom_corrected_weeks_apart_is_another_period_as_before(db, tmp_path) -> None:
    """60 days apart it is another period of care: the old one goes with what was recorded
    on it, as before (the return is the truth for the years it covers), once the import is
    told it may."""
    import_a1(db, tmp_path / "first", "15/06/2023")
    period_id, _iro = _allocate(db)
    since = _last_audit(db)
    assert import_a1(db, tmp_path / "far", "16/04/2023").held_back
    agreed = frozenset({f"P{period_id}"})
    result = import_a1(db, tmp_path / "far", "16/04/2023", remove_recorded=agreed)
    assert result.errors == [] and result.written
    p = result.counts["periods"]
    assert (p.added, p.updated, p.removed) == (1, 0, 1)
    with db.session() as s:
        [period] = s.scalars(select(PeriodOfCare)).all()
        assert period.id != period_id and period.start == D(2023, 4, 16)
        assert (period.iro_id, period.iro_allocated) == (None, None)
        assert {m.period_id for m in s.scalars(select(Meeting))} == {period.id}
    assert "iro_not_allocated" in _a1_iro_flags(db)
    assert _audited(db, "period_of_care", period_id, since) == ["delete"]


def test_a_census_correcting_a_plan_start_and_strategy_date_keeps_them(db, tmp_path) -> None:
    """P1's plan (chaired here by Gwen Ellis) and s47 enquiry (with notes and a notified
    date recorded here) keep their ids and all that, and their conferences stay linked to
    them, when the corrected census starts the plan (and its ICPC) a day later and the s47
    two days later."""
    import_cin(db, write(tmp_path, "a.xml", cin_xml([child()])))
    with db.session() as s:
        chair = Staff(name="Gwen Ellis", role="cp_chair")
        s.add(chair)
        s.flush()
        [plan] = s.scalars(select(CpPlan)).all()
        [enquiry] = s.scalars(select(CpEnquiry)).all()
        plan.chair_id = chair.id
        enquiry.notes, enquiry.notified_date = "Strategy meeting with police", D(2023, 6, 2)
        plan_id, enquiry_id, chair_id = plan.id, enquiry.id, chair.id
        child_id = plan.child_id
        meetings = {m.held_date: m.id for m in s.scalars(select(Meeting))}
    corrected = child(s47=D(2023, 6, 3), icpc=D(2023, 6, 21), plan_start=D(2023, 6, 21))
    path = write(tmp_path, "b.xml", cin_xml([corrected]))

    check = import_cin(db, path, dry_run=True)
    assert [c.describe() for c in check.children] == [
        "P1: updated (enquiries 1 updated; plans 1 updated; conferences 1 updated)"
    ]

    since = _last_audit(db)
    result = import_cin(db, path)
    assert result.errors == [] and result.written
    c = result.counts
    assert [(c[k].added, c[k].updated, c[k].removed) for k in ("enquiries", "plans")] == [
        (0, 1, 0),
        (0, 1, 0),
    ]
    with db.session() as s:
        [plan] = s.scalars(select(CpPlan)).all()
        [enquiry] = s.scalars(select(CpEnquiry)).all()
        assert (plan.id, plan.start, plan.chair_id) == (plan_id, D(2023, 6, 21), chair_id)
        assert plan.enquiry_id == enquiry_id
        assert (enquiry.id, enquiry.strategy_date, enquiry.notes, enquiry.notified_date) == (
            enquiry_id,
            D(2023, 6, 3),
            "Strategy meeting with police",
            D(2023, 6, 2),
        )
        now = s.scalars(select(Meeting).order_by(Meeting.held_date)).all()
        assert [(m.id, m.held_date, m.plan_id) for m in now] == [
            (meetings[D(2023, 6, 20)], D(2023, 6, 21), plan_id),  # the ICPC, moved
            (meetings[D(2023, 9, 15)], D(2023, 9, 15), plan_id),
            (meetings[D(2024, 3, 1)], D(2024, 3, 1), plan_id),
        ]
        assert now[0].enquiry_id == enquiry_id
        assert child_id in caseload_children(s, chair_id, as_of=AS_OF)
    assert _audited(db, "cp_plan", plan_id, since) == ["update"]
    assert _audited(db, "cp_enquiry", enquiry_id, since) == ["update"]


def test_a_census_correcting_a_plan_start_weeks_apart_is_another_plan(db, tmp_path) -> None:
    import_cin(db, write(tmp_path, "a.xml", cin_xml([child()])))
    with db.session() as s:
        chair = Staff(name="Gwen Ellis", role="cp_chair")
        s.add(chair)
        s.flush()
        [plan] = s.scalars(select(CpPlan)).all()
        plan.chair_id = chair.id
        plan_id = plan.id
    far = child(icpc=D(2023, 8, 20), plan_start=D(2023, 8, 20))
    since = _last_audit(db)
    path = write(tmp_path, "b.xml", cin_xml([far]))
    assert import_cin(db, path).held_back  # its chair was recorded here
    result = import_cin(db, path, remove_recorded=frozenset({f"CP{plan_id}"}))
    assert result.errors == [] and result.written
    p = result.counts["plans"]
    assert (p.added, p.updated, p.removed) == (1, 0, 1)
    with db.session() as s:
        [plan] = s.scalars(select(CpPlan)).all()
        assert plan.id != plan_id and plan.chair_id is None
    assert _audited(db, "cp_plan", plan_id, since) == ["delete"]


def test_a_903_decom_corrected_to_a_later_day_moves_the_dates_recorded_before_it(
    db, tmp_path
) -> None:
    """A1's care started 15/06/2023; the IRO service was told on 15/06 and the IRO
    allocated on 16/06, here. The corrected return starts it on 20/06/2023. The period was
    kept with those dates, before its start, where no action accepts them (the allocation
    screen refuses "IRO service told: 15/06/2023 is before the child became looked after").
    Now they (and the allocation history's) move to 20/06/2023, the IRO kept, and each is
    listed to be checked, in a dry run first, nothing written."""
    import_a1(db, tmp_path / "first", "15/06/2023")
    period_id, iro_id = _allocate(db)
    moved = [
        "A1: IRO service notified date 15/06/2023 is before the period of care's corrected "
        "start, 20/06/2023: now 20/06/2023",
        "A1: IRO allocated date 16/06/2023 is before the period of care's corrected start, "
        "20/06/2023: now 20/06/2023",
        "A1: IRO allocation record from 16/06/2023 is before the period of care's corrected "
        "start, 20/06/2023: now 20/06/2023",
    ]
    with db.session() as s:
        stored = s.get(PeriodOfCare, period_id).iro_notified

    check = import_a1(db, tmp_path / "later", "20/06/2023", dry_run=True)
    assert [m.line() for m in check.moved_dates] == moved
    assert check.moved_lines() == [
        "Would move 3 dates recorded here to a corrected start (check them):",
        *(f"  {line}" for line in moved),
    ]
    assert (
        "Would move 3 dates recorded here to a corrected start (listed below): check them."
    ) in check.summary_lines()
    with db.session() as s:
        assert s.get(PeriodOfCare, period_id).iro_notified == stored

    since = _last_audit(db)
    result = import_a1(db, tmp_path / "later", "20/06/2023")
    assert result.written and [m.line() for m in result.moved_dates] == moved
    assert result.moved_lines()[0] == (
        "Moved 3 dates recorded here to a corrected start (check them):"
    )
    with db.session() as s:
        period = s.get(PeriodOfCare, period_id)
        assert (period.start, period.iro_id) == (D(2023, 6, 20), iro_id)
        assert (period.iro_notified, period.iro_allocated) == (D(2023, 6, 20), D(2023, 6, 20))
        [(allocation_id, start)] = s.execute(select(Allocation.id, Allocation.start)).all()
        assert start == D(2023, 6, 20)
        summary = s.scalars(
            select(AuditEntry).where(AuditEntry.action == "import").order_by(AuditEntry.id.desc())
        ).first()
    assert summary.after["moved_to_corrected_start"] == moved
    assert _audited(db, "allocation", allocation_id, since) == ["update"]
    assert _audited(db, "period_of_care", period_id, since) == ["update"]


def test_a_903_end_corrected_to_an_earlier_day_lists_the_dates_recorded_after_it(
    db, tmp_path
) -> None:
    """A1's care, open here, had its IRO service told on 18/09/2023 and its IRO allocated on
    20/09/2023. The corrected return ends it on 01/09/2023. Nothing says whether the end or
    the allocation is wrong, so the import keeps the dates as they were and lists each to be
    checked (it said nothing before), in a dry run first, then in the summary and audit."""
    import_a1(db, tmp_path / "first", "15/06/2023")
    period_id, _iro_id = _allocate(db)
    with db.session() as s:
        period = s.get(PeriodOfCare, period_id)
        period.iro_notified, period.iro_allocated = D(2023, 9, 18), D(2023, 9, 20)
        [allocation] = s.scalars(select(Allocation)).all()
        allocation.start = D(2023, 9, 20)
    ended = f"{EP_COLS}\nA1,15/06/2023,S,C1,N1,U1,PR1,01/09/2023,E4A,,,,\n"
    one_review = "CHILD,DOB,REVIEW,REVIEW_CODE\nA1,01/02/2015,10/07/2023,PN1\n"
    corrected = files(tmp_path / "ended", HEADER, ended, one_review)
    after = [
        "A1: IRO service notified date 18/09/2023 is after the period of care's corrected "
        "end, 01/09/2023: left as it was",
        "A1: IRO allocated date 20/09/2023 is after the period of care's corrected end, "
        "01/09/2023: left as it was",
        "A1: IRO allocation record from 20/09/2023 is after the period of care's corrected "
        "end, 01/09/2023: left as it was",
    ]

    check = import_903(db, *corrected, dry_run=True)
    assert [d.line() for d in check.dates_after_end] == after
    assert check.after_end_lines() == [
        "3 dates recorded here would fall after a corrected end (check them):",
        *(f"  {line}" for line in after),
    ]
    assert (
        "3 dates recorded here would fall after a corrected end (listed below): check them."
    ) in check.summary_lines()

    result = import_903(db, *corrected)
    assert result.written and [d.line() for d in result.dates_after_end] == after
    assert "3 dates recorded here fall after a corrected end (listed below): check them." in (
        result.summary_lines()
    )
    with db.session() as s:
        period = s.get(PeriodOfCare, period_id)
        assert period.end_date == D(2023, 9, 1)
        assert (period.iro_notified, period.iro_allocated) == (D(2023, 9, 18), D(2023, 9, 20))
        summary = s.scalars(
            select(AuditEntry).where(AuditEntry.action == "import").order_by(AuditEntry.id.desc())
        ).first()
    assert summary.after["after_corrected_end"] == after
