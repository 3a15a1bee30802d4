"""Flags: what administrators and managers should act on, as of a date.

One module per family of checks; each check has a stable code (the keys of `FLAG_TYPES`), a
severity ("red", "amber" or "info") and a one-line reason with dd/mm/yyyy dates. Only open
cases and live meetings count: meetings still to take place, and those held in the year
before the as-of date (cancelled and stood-down meetings never count).

    compute_flags(session, *, as_of, child_ids=None) -> list[Flag]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy.orm import Session

from reviewdesk.casework import CaseData, load_case_data, no_gc
from reviewdesk.flags import (
    allocation,
    bookings,
    caseload,
    cp_plans,
    deadlines,
    participation,
    schedule,
)
from reviewdesk.flags.base import (
    AMBER,
    HELD_LOOKBACK_DAYS,
    INFO,
    RED,
    SEVERITY_ORDER,
    Flag,
    FlagContext,
    flag_sort_key,
)
from reviewdesk.settings import all_settings

_FAMILIES = (schedule, deadlines, allocation, bookings, caseload, cp_plans, participation)

#: Every flag code: (severity, what it means). Codes are stable; UIs and exports key on them.
FLAG_TYPES: dict[str, tuple[str, str]] = {
    code: meta for family in _FAMILIES for code, meta in family.CHECKS.items()
}

__all__ = [
    "AMBER",
    "FLAG_TYPES",
    "INFO",
    "RED",
    "SEVERITY_ORDER",
    "Flag",
    "compute_flags",
    "flags_from_data",
    "load_flag_data",
]


def flags_from_data(
    session: Session,
    data: CaseData,
    *,
    child_ids: Iterable[int] | None = None,
) -> list[Flag]:
    """Flags from case data already read (`casework.load_case_data` with ``open_only``),
    sorted red first. With ``child_ids``, only flags about those children."""
    ctx = FlagContext(session=session, data=data, as_of=data.as_of, settings=all_settings(session))
    wanted = None if child_ids is None else set(child_ids)
    out: list[Flag] = []
    with no_gc():
        for family in _FAMILIES:
            if wanted is not None and family is caseload:
                continue  # about staff, not children
            for flag in family.check(ctx):
                if wanted is None or flag.child_id in wanted:
                    out.append(flag)
        out.sort(key=flag_sort_key)
    return out


def load_flag_data(
    session: Session, *, as_of: dt.date, child_ids: Iterable[int] | None = None
) -> CaseData:
    """The case data flags need, read as `compute_flags` reads it: open cases only, and LAC
    reviews held before the look-back window counted, not read (the schedules are the same;
    see `casework.load_case_data`'s ``held_since``). Pass it to `flags_from_data`."""
    return load_case_data(
        session,
        as_of=as_of,
        child_ids=child_ids,
        open_only=True,
        held_since=as_of - dt.timedelta(days=HELD_LOOKBACK_DAYS),
        details=True,
    )


def compute_flags(
    session: Session, *, as_of: dt.date, child_ids: Iterable[int] | None = None
) -> list[Flag]:
    """Every flag as of ``as_of``, for all children or only ``child_ids``, red first.

    With ``child_ids``, staff-level flags (caseload) are left out, and double bookings are
    kept only where one of those children's meetings is involved.
    """
    ids = None if child_ids is None else sorted(set(child_ids))
    with no_gc():  # one pause for the whole pass (the parts pause it too when used alone)
        data = load_flag_data(session, as_of=as_of, child_ids=ids)
        return flags_from_data(session, data, child_ids=ids)
