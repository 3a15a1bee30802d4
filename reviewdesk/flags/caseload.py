"""IRO caseload per full-time equivalent against the limits in settings (default 50-70)."""

from __future__ import annotations

from collections.abc import Iterator

from reviewdesk.flags.base import AMBER, INFO, Flag, FlagContext
from reviewdesk.workload import iro_caseloads

CHECKS = {
    "caseload_above_max": (AMBER, "IRO caseload per FTE above the limit"),
    "caseload_below_min": (INFO, "IRO caseload per FTE below the minimum"),
}


def check(ctx: FlagContext) -> Iterator[Flag]:
    low = float(ctx.settings["caseload_min_per_fte"])
    high = float(ctx.settings["caseload_max_per_fte"])
    for c in iro_caseloads(ctx.session, as_of=ctx.as_of, data=ctx.register).values():
        if c.per_fte is None:
            continue
        text = (
            f"{c.name} has {c.children} {'child' if c.children == 1 else 'children'} "
            f"on {c.fte:g} FTE "
            f"({c.per_fte:.1f} per FTE; the range is {low:g}-{high:g})"
        )
        if c.per_fte > high:
            yield Flag("caseload_above_max", AMBER, text, None, None, c.staff_id, ctx.as_of)
        elif c.per_fte < low:
            yield Flag("caseload_below_min", INFO, text, None, None, c.staff_id, ctx.as_of)
