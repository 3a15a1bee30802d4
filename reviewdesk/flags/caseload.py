"""IRO caseload per full-time equivalent against the range in settings (default 50-70).

Caseloads are `reviewdesk.caseload`'s; this family says how serious each band is, and the
Workload page colours its rows by `band_severity`, so the two never disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

from sqlalchemy.orm import Session

from reviewdesk.caseload import ABOVE, BELOW, Caseload, caseload_range, caseloads
from reviewdesk.flags.base import AMBER, INFO, Flag, FlagContext

CHECKS = {
    "caseload_above_max": (AMBER, "IRO caseload per FTE above the limit"),
    "caseload_below_min": (INFO, "IRO caseload per FTE below the minimum"),
}
#: The flag each band outside the range raises.
BAND_FLAGS = {ABOVE: "caseload_above_max", BELOW: "caseload_below_min"}


def band_severity(band: str | None) -> str | None:
    """The severity of the flag a caseload band raises ("amber", "info"); None when it raises
    none (within the range, or no FTE)."""
    code = BAND_FLAGS.get(band or "")
    return CHECKS[code][0] if code else None


def check(ctx: FlagContext) -> Iterator[Flag]:
    loads = caseloads(ctx.session, as_of=ctx.as_of, register=ctx.register)
    return caseload_flags(ctx.session, loads.values(), ctx.as_of)


def caseload_flags(session: Session, loads: Iterable[Caseload], as_of: dt.date) -> Iterator[Flag]:
    """The flags of these caseloads (`reviewdesk.caseload.caseloads`) outside the range."""
    low, high = caseload_range(session)
    for c in loads:
        code = BAND_FLAGS.get(c.band or "")
        if code is None or c.per_fte is None:
            continue
        text = (
            f"{c.name} has {c.children} {'child' if c.children == 1 else 'children'} "
            f"on {c.fte:g} FTE "
            f"({c.per_fte:.1f} per FTE; the range is {low:g}-{high:g})"
        )
        yield Flag(code, CHECKS[code][0], text, None, None, c.staff_id, as_of)
