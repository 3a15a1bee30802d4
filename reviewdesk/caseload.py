"""An IRO's caseload: one definition for the Workload page and its list of children, the
caseload flags, the printed workload list and the command line.

An IRO's (or CP chair's) caseload on a date is the children in periods of care open that day
(`vocabulary.open_on`) whose IRO they are, and the children on CP plans in force that day
that they chair; a child on both counts once. Only active staff in a role that chairs
meetings (IRO, CP chair) carry a caseload. It is measured per full-time equivalent against the
range in the settings ``caseload_min_per_fte`` and ``caseload_max_per_fte`` (the IRO
Handbook's 50-70; see docs/domain.md): "below", "within" or "above" the range.

    caseloads(session, *, as_of, register=None) -> dict[staff_id, Caseload]
    caseload_children(session, staff_id, *, as_of) -> frozenset[child_id]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session

from reviewdesk.casework.predicates import period_open, plan_open
from reviewdesk.casework.register import Register
from reviewdesk.casework.rows import fetch_rows
from reviewdesk.codes import Process, StaffRole
from reviewdesk.settings import get_setting
from reviewdesk.storage.models import CpPlan, PeriodOfCare, Staff, Team
from reviewdesk.vocabulary import open_on

#: Staff who chair meetings and carry a caseload.
CHAIR_ROLES = (StaffRole.IRO.value, StaffRole.CP_CHAIR.value)
_LAC, _CP = Process.LAC.value, Process.CP.value

BELOW, WITHIN, ABOVE = "below", "within", "above"


@dataclass(frozen=True)
class Caseload:
    """One IRO's or chair's caseload on a date."""

    staff_id: int
    name: str
    role: str
    team: str
    fte: float
    #: Child id -> the processes ("lac", "cp") in which the child is theirs.
    cases: Mapping[int, frozenset[str]]
    #: "below", "within" or "above" the range per FTE; None when the FTE is 0.
    band: str | None

    @property
    def child_ids(self) -> frozenset[int]:
        return frozenset(self.cases)

    @property
    def children(self) -> int:
        """Distinct children (a child both looked after and on a plan counts once)."""
        return len(self.cases)

    @property
    def lac_children(self) -> int:
        return sum(1 for p in self.cases.values() if _LAC in p)

    @property
    def cp_children(self) -> int:
        return sum(1 for p in self.cases.values() if _CP in p)

    @property
    def per_fte(self) -> float | None:
        return self.children / self.fte if self.fte > 0 else None

    def counted(self) -> CaseloadCount:
        """Its numbers without its children (`CaseloadCount`)."""
        return CaseloadCount(
            self.staff_id,
            self.name,
            self.role,
            self.team,
            self.fte,
            self.children,
            self.lac_children,
            self.cp_children,
            self.band,
        )


@dataclass(frozen=True)
class CaseloadCount:
    """A `Caseload`'s numbers without its children: what a table of caseloads shows. With
    100,000 children the children are most of a caseload's size, and counting them again on
    every repaint held the window up; `caseload_children` gives them when they are asked for."""

    staff_id: int
    name: str
    role: str
    team: str
    fte: float
    children: int
    lac_children: int
    cp_children: int
    band: str | None

    @property
    def per_fte(self) -> float | None:
        return self.children / self.fte if self.fte > 0 else None


def band_of(per_fte: float | None, low: float, high: float) -> str | None:
    """The band: "below", "within" or "above" ``low``-``high`` (inclusive); None for no FTE."""
    if per_fte is None:
        return None
    return ABOVE if per_fte > high else BELOW if per_fte < low else WITHIN


def caseload_range(session: Session) -> tuple[float, float]:
    """(lowest, highest) children per full-time IRO, from the settings."""
    return (
        float(get_setting(session, "caseload_min_per_fte")),
        float(get_setting(session, "caseload_max_per_fte")),
    )


# --- who holds which open cases -------------------------------------------------------------


def assignments_from_rows(
    periods: Iterable[Any], plans: Iterable[Any], as_of: dt.date
) -> dict[int, dict[int, set[str]]]:
    """Staff id -> child id -> processes, from period rows (``iro_id``) and plan rows
    (``chair_id``): the definition above, worked out in Python."""
    out: dict[int, dict[int, set[str]]] = {}
    for rows, column, process in ((periods, "iro_id", _LAC), (plans, "chair_id", _CP)):
        for r in rows:
            staff_id = getattr(r, column)
            if staff_id is not None and open_on(r.start, r.end_date, as_of):
                out.setdefault(staff_id, {}).setdefault(r.child_id, set()).add(process)
    return out


def frozen_assignments(
    assigned: Mapping[int, Mapping[int, Iterable[str]]],
) -> dict[int, dict[int, frozenset[str]]]:
    """`assignments_from_rows`' answer with each child's processes frozen (as kept)."""
    return {
        staff: {cid: frozenset(p) for cid, p in kids.items()} for staff, kids in assigned.items()
    }


def assignments(
    session: Session, *, as_of: dt.date, staff_id: int | None = None
) -> dict[int, dict[int, set[str]]]:
    """Staff id -> child id -> processes, read from the database (`assignments_from_rows`);
    with ``staff_id``, only theirs."""
    iro = PeriodOfCare.iro_id.is_not(None) if staff_id is None else PeriodOfCare.iro_id == staff_id
    chair = CpPlan.chair_id.is_not(None) if staff_id is None else CpPlan.chair_id == staff_id
    periods = fetch_rows(
        session,
        select(
            PeriodOfCare.iro_id, PeriodOfCare.child_id, PeriodOfCare.start, PeriodOfCare.end_date
        ).where(iro, period_open(as_of)),
    )
    plans = fetch_rows(
        session,
        select(CpPlan.chair_id, CpPlan.child_id, CpPlan.start, CpPlan.end_date).where(
            chair, plan_open(as_of)
        ),
    )
    return assignments_from_rows(periods, plans, as_of)


def caseload_children(session: Session, staff_id: int, *, as_of: dt.date) -> frozenset[int]:
    """The children in one IRO's or chair's caseload on ``as_of`` (`Caseload.child_ids`,
    without working out everyone's)."""
    return frozenset(assignments(session, as_of=as_of, staff_id=staff_id).get(staff_id, {}))


def in_caseload(staff_id: int, as_of: dt.date, child_id_column: Any):
    """SQL for 'this child is in the caseload of ``staff_id`` on ``as_of``' (the case list's
    filter by IRO), correlated with ``child_id_column``."""
    return or_(
        exists().where(
            and_(
                PeriodOfCare.child_id == child_id_column,
                PeriodOfCare.iro_id == staff_id,
                period_open(as_of),
            )
        ),
        exists().where(
            and_(CpPlan.child_id == child_id_column, CpPlan.chair_id == staff_id, plan_open(as_of))
        ),
    )


def caseloads(
    session: Session,
    *,
    as_of: dt.date,
    register: Register | None = None,
    assigned: Mapping[int, Mapping[int, frozenset[str]]] | None = None,
) -> dict[int, Caseload]:
    """Every active IRO's or chair's caseload on ``as_of``, by staff id, in name order.

    ``register``: the register already read as of ``as_of``, to count from its rows instead of
    asking the database again (when it holds every open case). ``assigned``: who holds which
    open cases already worked out (`frozen_assignments`), taken as it is.
    """
    if assigned is None:
        if register is not None and register.includes_every_open_case and register.as_of == as_of:
            found = assignments_from_rows(register.periods, register.plans, as_of)
        else:
            found = assignments(session, as_of=as_of)
        assigned = frozen_assignments(found)
    low, high = caseload_range(session)
    staff = session.execute(
        select(Staff.id, Staff.name, Staff.role, Staff.fte, Team.name.label("team"))
        .outerjoin(Team, Team.id == Staff.team_id)
        .where(Staff.role.in_(CHAIR_ROLES), Staff.active.is_(True))
        .order_by(Staff.name, Staff.id)
    ).all()
    out: dict[int, Caseload] = {}
    for s in staff:
        cases = assigned.get(s.id, {})
        fte = float(s.fte or 0)
        per_fte = len(cases) / fte if fte > 0 else None
        out[s.id] = Caseload(
            s.id, s.name, s.role, s.team or "", fte, cases, band_of(per_fte, low, high)
        )
    return out


def unallocated_cases(session: Session, *, as_of: dt.date) -> int:
    """Open periods of care and CP plans with no IRO or chair on ``as_of``."""
    periods = fetch_rows(
        session,
        select(PeriodOfCare.id).where(PeriodOfCare.iro_id.is_(None), period_open(as_of)),
    )
    plans = fetch_rows(
        session, select(CpPlan.id).where(CpPlan.chair_id.is_(None), plan_open(as_of))
    )
    return len(periods) + len(plans)
