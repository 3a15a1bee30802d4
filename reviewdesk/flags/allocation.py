"""Looked after: the IRO service told within 2 working days, an IRO allocated within 5.

Both deadlines are rules (``lac.notify_iro_service``, ``lac.iro_allocated``) counted from the
day the child became looked after. Missing dates raise a red flag for every open period; dates
recorded late raise an amber one for periods that started in the look-back year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from reviewdesk.engine import apply_rule
from reviewdesk.flags.base import AMBER, RED, Flag, FlagContext
from reviewdesk.vocabulary import format_uk, open_on

CHECKS = {
    "iro_service_not_notified": (RED, "IRO service not notified within the deadline"),
    "iro_service_notified_late": (AMBER, "IRO service notified after the deadline"),
    "iro_not_allocated": (RED, "No IRO allocated within the deadline"),
    "iro_allocated_late": (AMBER, "IRO allocated after the deadline"),
}


def check(ctx: FlagContext) -> Iterator[Flag]:
    as_of, rules, calendar = ctx.as_of, ctx.register.rules, ctx.register.calendar
    notify_rule = rules.get("lac.notify_iro_service")
    allocate_rule = rules.get("lac.iro_allocated")
    recent = ctx.lookback_start
    deadlines: dict[dt.date, tuple[dt.date, dt.date]] = {}  # start -> (notify, allocate)
    for p in ctx.register.periods:
        if not open_on(p.start, p.end_date, as_of):
            continue
        found = deadlines.get(p.start)
        if found is None:
            found = deadlines[p.start] = (
                apply_rule(notify_rule, p.start, calendar).date,
                apply_rule(allocate_rule, p.start, calendar).date,
            )
        notify, allocate = found
        started = format_uk(p.start)
        notified = p.iro_notified if p.iro_notified and p.iro_notified <= as_of else None
        if notified is None and as_of > notify:
            yield Flag(
                "iro_service_not_notified",
                RED,
                f"Became looked after on {started}: the IRO service was to be notified by "
                f"{format_uk(notify)} and no notification is recorded",
                p.child_id,
                None,
                None,
                notify,
            )
        elif notified is not None and notified > notify and p.start >= recent:
            yield Flag(
                "iro_service_notified_late",
                AMBER,
                f"Became looked after on {started}: the IRO service was notified on "
                f"{format_uk(notified)}, after the deadline {format_uk(notify)}",
                p.child_id,
                None,
                None,
                notify,
            )
        allocated = p.iro_allocated if p.iro_allocated and p.iro_allocated <= as_of else None
        if (allocated is None or p.iro_id is None) and as_of > allocate:
            yield Flag(
                "iro_not_allocated",
                RED,
                f"Became looked after on {started}: an IRO was to be allocated by "
                f"{format_uk(allocate)} and none is recorded",
                p.child_id,
                None,
                None,
                allocate,
            )
        elif allocated is not None and allocated > allocate and p.start >= recent:
            yield Flag(
                "iro_allocated_late",
                AMBER,
                f"Became looked after on {started}: the IRO was allocated on "
                f"{format_uk(allocated)}, after the deadline {format_uk(allocate)}",
                p.child_id,
                None,
                p.iro_id,
                allocate,
            )
