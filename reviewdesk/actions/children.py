"""A child's record: their details, and who is allocated to them (administrators).

A child imported from a 903 return arrives with only its ID: no name, team, social worker or
IRO. `update_child` completes the details; `allocate` gives the child a team and a social
worker and their period of care an IRO (with the day the IRO service was told), keeping
the history: each change closes the allocation it replaces on the day given and opens a
new one (`reviewdesk.storage.models.Allocation`). Every save names the version it was built
on, so two people editing one child never overwrite each other.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from reviewdesk.actions.base import Actor, Changes, Permission, Transaction, action, door
from reviewdesk.codes import StaffRole
from reviewdesk.errors import InvalidInput
from reviewdesk.storage.db import Database
from reviewdesk.storage.locking import ensure_unchanged
from reviewdesk.storage.models import Allocation, Child, PeriodOfCare, Staff, Team
from reviewdesk.vocabulary import covers, format_uk

NAME_LIMIT = 100
#: The sex codes accepted (903: 1 male, 2 female; M, F or U as some systems give them).
SEXES = ("1", "2", "M", "F", "U")


@dataclass(frozen=True)
class ChildDetails:
    """A child's details as an edit form has them."""

    first_name: str
    last_name: str
    dob: dt.date | None = None
    expected_delivery: dt.date | None = None
    sex: str | None = None
    ethnicity: str | None = None
    upn: str | None = None


def _clean(value: str | None, field: str, limit: int) -> str:
    text = " ".join(str(value or "").split())
    if len(text) > limit:
        raise InvalidInput(f"{field}: {text[:20]!r}… is longer than {limit} characters")
    return text


def checked_details(details: ChildDetails, *, today: dt.date | None = None) -> ChildDetails:
    """The details tidied (spaces), or `InvalidInput` naming the field and the value."""
    sex = _clean(details.sex, "sex", 1).upper() or None
    if sex is not None and sex not in SEXES:
        raise InvalidInput(f"sex: {sex!r} is not one of {', '.join(SEXES)}")
    upn = _clean(details.upn, "UPN", 13).upper() or None
    if details.dob is not None and today is not None and details.dob > today:
        raise InvalidInput(f"date of birth: {format_uk(details.dob)} is in the future")
    return ChildDetails(
        first_name=_clean(details.first_name, "first name", NAME_LIMIT),
        last_name=_clean(details.last_name, "last name", NAME_LIMIT),
        dob=details.dob,
        expected_delivery=None if details.dob is not None else details.expected_delivery,
        sex=sex,
        ethnicity=_clean(details.ethnicity, "ethnicity", 4).upper() or None,
        upn=upn,
    )


@action("update_child", "change a child's details", Permission.EDIT_CASE)
def update_child(
    db: Database,
    actor: Actor,
    child_id: int,
    details: ChildDetails,
    *,
    expected_version: int,
    today: dt.date | None = None,
) -> Changes:
    """Save a child's details (name, date of birth or expected delivery, sex, ethnicity,
    UPN); a date of birth after ``today`` is refused."""
    details = checked_details(details, today=today)
    with door(db, actor, "update_child") as tx:
        child = _child(tx.session, child_id, expected_version)
        child.first_name = details.first_name
        child.last_name = details.last_name
        child.dob = details.dob
        child.expected_delivery = details.expected_delivery
        child.sex = details.sex
        child.ethnicity = details.ethnicity
        child.upn = details.upn
        tx.session.flush()
        return tx.changes(result=child.id)


def _child(session: Session, child_id: int, expected_version: int) -> Child:
    child = session.get(Child, child_id)
    if child is None:
        raise InvalidInput(f"child {child_id} does not exist")
    ensure_unchanged(child, expected_version)
    return child


# --- allocations ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AllocationChange:
    """Who a child should have from ``on``: team, social worker and (for a looked-after
    child) IRO, with the day the IRO service was told of the child. None means nobody."""

    on: dt.date
    team_id: int | None
    social_worker_id: int | None
    iro_id: int | None = None
    iro_notified: dt.date | None = None
    reason: str | None = None


#: Staff roles that may fill each allocation.
_ROLES = {
    "social_worker": {StaffRole.SOCIAL_WORKER, StaffRole.TEAM_MANAGER},
    "iro": {StaffRole.IRO, StaffRole.CP_CHAIR},
}
_WORDS = {"social_worker": "social worker", "iro": "IRO"}


def open_period(session: Session, child_id: int, on: dt.date) -> PeriodOfCare | None:
    """The child's period of care covering ``on`` (`vocabulary.covers`), the latest if several."""
    periods = session.scalars(
        select(PeriodOfCare)
        .where(PeriodOfCare.child_id == child_id)
        .order_by(PeriodOfCare.start.desc())
    )
    return next((p for p in periods if covers(p.start, p.end_date, on)), None)


def _staff(session: Session, staff_id: int | None, kind: str) -> None:
    if staff_id is None:
        return
    staff = session.get(Staff, staff_id)
    if staff is None:
        raise InvalidInput(f"{_WORDS[kind]}: staff member {staff_id} does not exist")
    if staff.role not in _ROLES[kind]:
        raise InvalidInput(f"{_WORDS[kind]}: {staff.name} is not an {_WORDS[kind]} ({staff.role})")


def _hand_over(
    tx: Transaction,
    child: Child,
    kind: str,
    old: int | None,
    new: int | None,
    change: AllocationChange,
    period: PeriodOfCare | None = None,
) -> None:
    """Close the open allocation of ``kind`` on ``change.on`` and open the new one (its
    history: an allocation held before reviewdesk kept one gets a row with no start)."""
    current = [
        a
        for a in child.allocations
        if a.kind == kind and a.end_date is None and (period is None or a.period_id == period.id)
    ]
    if not current and old is not None:
        current = [
            Allocation(
                kind=kind,
                staff_id=None if kind == "team" else old,
                team_id=old if kind == "team" else None,
                period_id=period.id if period else None,
            )
        ]
        child.allocations.append(current[0])
    for row in current:
        if row.start is not None and row.start > change.on:
            raise InvalidInput(
                f"allocated from: {format_uk(change.on)} is before the current "
                f"{_WORDS.get(kind, kind)} was allocated ({format_uk(row.start)})"
            )
        row.end_date = change.on
    if new is not None:
        child.allocations.append(
            Allocation(
                kind=kind,
                staff_id=None if kind == "team" else new,
                team_id=new if kind == "team" else None,
                period_id=period.id if period else None,
                start=change.on,
                reason=" ".join((change.reason or "").split()) or None,
            )
        )


@action("allocate", "change who is allocated to a child", Permission.EDIT_CASE)
def allocate(
    db: Database,
    actor: Actor,
    child_id: int,
    change: AllocationChange,
    *,
    expected_version: int,
    period_version: int | None = None,
) -> Changes:
    """Allocate a team, a social worker and (to the period of care on ``change.on``) an IRO,
    keeping the history. Only what differs from now is changed. An IRO is allocated to a
    looked-after child only; the first allocation of a period's IRO is its allocation date
    (the timeliness flag's), later changes are history."""
    with door(db, actor, "allocate") as tx:
        session = tx.session
        child = _child(session, child_id, expected_version)
        period = open_period(session, child_id, change.on)
        if period is not None and period_version is not None:
            ensure_unchanged(period, period_version)
        if change.team_id != child.team_id:
            if change.team_id is not None and session.get(Team, change.team_id) is None:
                raise InvalidInput(f"team: team {change.team_id} does not exist")
            _hand_over(tx, child, "team", child.team_id, change.team_id, change)
            child.team_id = change.team_id
        if change.social_worker_id != child.social_worker_id:
            _staff(session, change.social_worker_id, "social_worker")
            _hand_over(
                tx, child, "social_worker", child.social_worker_id, change.social_worker_id, change
            )
            child.social_worker_id = change.social_worker_id
            if period is not None:
                period.social_worker_id = change.social_worker_id
        if period is None and (change.iro_id is not None or change.iro_notified is not None):
            raise InvalidInput(
                f"IRO: {child.display_name} is not looked after on {format_uk(change.on)}; "
                "an IRO is allocated to a period of care"
            )
        if period is not None and change.iro_id != period.iro_id:
            _staff(session, change.iro_id, "iro")
            if change.on < period.start:
                raise InvalidInput(
                    f"allocated from: {format_uk(change.on)} is before the child became looked "
                    f"after ({format_uk(period.start)})"
                )
            _hand_over(tx, child, "iro", period.iro_id, change.iro_id, change, period)
            period.iro_id = change.iro_id
            if change.iro_id is not None and period.iro_allocated is None:
                period.iro_allocated = change.on
        if period is not None and change.iro_notified != period.iro_notified:
            if change.iro_notified is not None and change.iro_notified < period.start:
                raise InvalidInput(
                    f"IRO service told: {format_uk(change.iro_notified)} is before the child "
                    f"became looked after ({format_uk(period.start)})"
                )
            period.iro_notified = change.iro_notified
        session.flush()
        return tx.changes(result=child.id)


__all__ = [
    "AllocationChange",
    "ChildDetails",
    "allocate",
    "checked_details",
    "open_period",
    "update_child",
]
