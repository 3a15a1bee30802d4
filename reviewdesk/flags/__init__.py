"""Flags: what administrators and managers should act on, as of a date.

One module per family of checks; each check has a stable code (the keys of `FLAG_TYPES`), a
severity ("red", "amber" or "info") and a one-line reason with dd/mm/yyyy dates. Only open
cases and live meetings count: meetings still to take place, and those held in the look-back
window before the as-of date (`base.HELD_LOOKBACK_DAYS`, a quarter; cancelled and stood-down
meetings never count). One exception: a meeting held in the look-back window whose case has
closed since still owes its decisions and minutes (`FlagContext.held_since_closed`).

    compute_flags(session, *, as_of, child_ids=None) -> list[Flag]
    flag_register(session, *, as_of, child_ids=None) -> Register   # what flags read
    flags_from_register(register, *, child_ids=None, codes=None) -> list[Flag]
    own_flags(register) -> list[Flag]      # all but the flags across children
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy.orm import Session

from reviewdesk.casework.register import Register
from reviewdesk.casework.rows import no_gc
from reviewdesk.flags import (
    allocation,
    bookings,
    caseload,
    cp_plans,
    deadlines,
    oversight,
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

_FAMILIES = (
    schedule,
    deadlines,
    allocation,
    bookings,
    caseload,
    cp_plans,
    participation,
    oversight,
)
#: The families whose flags about one child (or IRO) can change when another child's records
#: do: a double booking pairs two children's meetings, and a caseload counts an IRO's
#: children. Every other family's flags about a child come from that child's records alone
#: (`own_flags`), which is what lets the dashboard work out again only the children an edit
#: changed (`reviewdesk.dashboard.update_snapshot`).
ACROSS_CHILDREN = (bookings, caseload)
ACROSS_CHILDREN_CODES = frozenset(code for family in ACROSS_CHILDREN for code in family.CHECKS)

#: Every flag code: (severity, what it means). Codes are stable; UIs and exports key on them.
FLAG_TYPES: dict[str, tuple[str, str]] = {
    code: meta for family in _FAMILIES for code, meta in family.CHECKS.items()
}

__all__ = [
    "ACROSS_CHILDREN_CODES",
    "AMBER",
    "FLAG_TYPES",
    "INFO",
    "RED",
    "SEVERITY_ORDER",
    "Flag",
    "compute_flags",
    "flag_register",
    "flags_from_register",
    "own_flags",
]


def flags_from_register(
    register: Register,
    *,
    child_ids: Iterable[int] | None = None,
    codes: Iterable[str] | None = None,
) -> list[Flag]:
    """Flags from a register already read (with ``open_only``: flags are about open cases),
    sorted red first. With ``child_ids``, only flags about those children; with ``codes``,
    only flags of those codes, and only the families that give them are run (at 100,000
    children every family costs seconds)."""
    session = register.session
    ctx = FlagContext(
        session=session, register=register, as_of=register.as_of, settings=all_settings(session)
    )
    wanted = None if child_ids is None else set(child_ids)
    kinds = None if codes is None else set(codes)
    out: list[Flag] = []
    with no_gc():
        for family in _FAMILIES:
            if wanted is not None and family is caseload:
                continue  # about staff, not children
            if kinds is not None and kinds.isdisjoint(family.CHECKS):
                continue
            if wanted is None and kinds is None:  # every flag (as the dashboard asks)
                out.extend(family.check(ctx))
                continue
            for flag in _checked(family, ctx, kinds):
                if (wanted is None or flag.child_id in wanted) and (
                    kinds is None or flag.code in kinds
                ):
                    out.append(flag)
        out.sort(key=flag_sort_key)
    return out


def _checked(family: Any, ctx: FlagContext, kinds: set[str] | None) -> Iterator[Flag]:
    """A family's flags; with ``kinds``, only the parts of it that give those codes (for a
    family that says which part gives which, as ``PARTS``)."""
    parts = getattr(family, "PARTS", None)
    if kinds is None or parts is None:
        yield from family.check(ctx)
        return
    for part, codes in parts:
        if not kinds.isdisjoint(codes):
            yield from part(ctx)


def own_flags(register: Register) -> list[Flag]:
    """The flags about the register's children that come from their own records alone (every
    family but `ACROSS_CHILDREN`), in no order."""
    ctx = FlagContext(
        session=register.session,
        register=register,
        as_of=register.as_of,
        settings=all_settings(register.session),
    )
    with no_gc():
        return [
            flag
            for family in _FAMILIES
            if family not in ACROSS_CHILDREN
            for flag in family.check(ctx)
        ]


def flag_register(
    session: Session, *, as_of: dt.date, child_ids: Iterable[int] | None = None
) -> Register:
    """The register flags read, as `compute_flags` reads it: open cases only, and meetings
    held before the look-back window counted, not read (the schedules are the same). Pass it
    to `flags_from_register`."""
    return Register(
        session,
        as_of=as_of,
        children=child_ids,
        open_only=True,
        recent_since=as_of - dt.timedelta(days=HELD_LOOKBACK_DAYS),
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
        register = flag_register(session, as_of=as_of, child_ids=ids)
        return flags_from_register(register, child_ids=ids)
